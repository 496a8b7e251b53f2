//! The boot CPU's GDT and TSS.
//!
//! Layout: null, 64-bit ring-0 code, ring-0 data, then the 16-byte TSS descriptor. The TSS gives the
//! faults that may arrive on a broken stack (double fault, NMI, machine check) their own IST stacks,
//! as Xen does, so a stack overflow is reported instead of ending in a triple fault.

use core::cell::UnsafeCell;
use core::mem::size_of;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Selector of the 64-bit ring-0 code segment (the boot entry uses the same slot).
pub const HYPERVISOR_CS: u16 = 0x08;
/// Selector of the ring-0 data segment.
pub const HYPERVISOR_DS: u16 = 0x10;
/// Selector of the TSS.
pub const TSS_SELECTOR: u16 = 0x18;

/// Long-mode code segment: present, DPL 0, execute/read, L=1, G=1.
pub const CODE64_DESCRIPTOR: u64 = 0x00af_9a00_0000_ffff;
/// Flat data segment: present, DPL 0, read/write, D/B=1, G=1.
pub const DATA_DESCRIPTOR: u64 = 0x00cf_9200_0000_ffff;

/// The two quadwords of a 64-bit available-TSS descriptor (system type 9) for a TSS at `base` whose
/// last byte is at `base + limit`.
pub const fn tss_descriptor(base: u64, limit: u32) -> [u64; 2] {
    let low = (limit as u64 & 0xffff)
        | (base & 0x00ff_ffff) << 16
        | 0x89 << 40 // present, DPL 0, type 9 (64-bit TSS, available)
        | ((limit as u64 >> 16) & 0xf) << 48
        | ((base >> 24) & 0xff) << 56;
    [low, base >> 32]
}

/// The 64-bit task-state segment (Intel SDM vol. 3, 8.7).
#[repr(C, packed(4))]
pub struct Tss {
    reserved0: u32,
    /// Stack pointers loaded on a privilege change to ring 0, 1, 2.
    pub rsp: [u64; 3],
    reserved1: u64,
    /// Interrupt stack table: IST1..IST7 (index 0 is IST1).
    pub ist: [u64; 7],
    reserved2: u64,
    reserved3: u16,
    /// Offset of the I/O permission bitmap; past the limit means none.
    pub iomap_base: u16,
}

const _: () = assert!(size_of::<Tss>() == 104);
const _: () = assert!(core::mem::offset_of!(Tss, ist) == 36);

/// IST slot (1-based, as the IDT gate encodes it) for the double fault.
pub const IST_DOUBLE_FAULT: u8 = 1;
/// IST slot for the NMI.
pub const IST_NMI: u8 = 2;
/// IST slot for the machine check.
pub const IST_MACHINE_CHECK: u8 = 3;

const IST_STACK_SIZE: usize = 16 * 1024;

/// Memory used only as a CPU stack.
#[repr(C, align(16))]
struct IstStack(UnsafeCell<[u8; IST_STACK_SIZE]>);

// SAFETY: Rust code never reads or writes the bytes; only the CPU uses them, as a stack, when it
// delivers the one exception whose IST slot points here.
unsafe impl Sync for IstStack {}

impl IstStack {
    const fn new() -> Self {
        IstStack(UnsafeCell::new([0; IST_STACK_SIZE]))
    }

    fn top(&self) -> u64 {
        self.0.get() as u64 + IST_STACK_SIZE as u64
    }
}

static IST_STACKS: [IstStack; 3] = [IstStack::new(), IstStack::new(), IstStack::new()];

static BOOT_TSS: spin::Once<Tss> = spin::Once::new();

/// The GDT. Atomics because the CPU writes the TSS descriptor's busy bit behind Rust's back.
#[repr(C, align(16))]
struct Gdt([AtomicU64; 5]);

static BOOT_GDT: Gdt = Gdt([
    AtomicU64::new(0),
    AtomicU64::new(CODE64_DESCRIPTOR),
    AtomicU64::new(DATA_DESCRIPTOR),
    AtomicU64::new(0),
    AtomicU64::new(0),
]);

static LOADED: AtomicBool = AtomicBool::new(false);

/// The operand of `lgdt` and `lidt`.
#[repr(C, packed)]
pub struct DescriptorTablePointer {
    /// Size of the table in bytes, minus one.
    pub limit: u16,
    /// Linear address of the table.
    pub base: u64,
}

/// Loads the boot CPU's GDT, reloads the segment registers and loads the TSS. Later calls do nothing.
pub fn load_boot_gdt() {
    if LOADED.swap(true, Ordering::AcqRel) {
        return;
    }
    let tss = BOOT_TSS.call_once(|| Tss {
        reserved0: 0,
        rsp: [0; 3],
        reserved1: 0,
        ist: [
            IST_STACKS[0].top(),
            IST_STACKS[1].top(),
            IST_STACKS[2].top(),
            0,
            0,
            0,
            0,
        ],
        reserved2: 0,
        reserved3: 0,
        iomap_base: size_of::<Tss>() as u16,
    });
    let [low, high] = tss_descriptor(tss as *const Tss as u64, size_of::<Tss>() as u32 - 1);
    BOOT_GDT.0[3].store(low, Ordering::Relaxed);
    BOOT_GDT.0[4].store(high, Ordering::Relaxed);

    let pointer = DescriptorTablePointer {
        limit: (size_of::<Gdt>() - 1) as u16,
        base: &BOOT_GDT as *const Gdt as u64,
    };
    // SAFETY: the GDT is a static that lives forever and holds a valid code segment at HYPERVISOR_CS
    // (the selector already in CS since boot), a data segment at HYPERVISOR_DS and a TSS descriptor
    // for a TSS that also lives forever; the far return reloads CS with the same flat segment, so
    // execution continues at the next instruction with the same stack.
    unsafe {
        core::arch::asm!(
            "lgdt [{ptr}]",
            "push {cs}",
            "lea {tmp}, [rip + 2f]",
            "push {tmp}",
            "retfq",
            "2:",
            "mov ds, {ds:x}",
            "mov es, {ds:x}",
            "mov ss, {ds:x}",
            "ltr {tss:x}",
            ptr = in(reg) &pointer,
            cs = const HYPERVISOR_CS as u64,
            tmp = out(reg) _,
            ds = in(reg) HYPERVISOR_DS as u64,
            tss = in(reg) TSS_SELECTOR as u64,
            options(preserves_flags),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tss_descriptor_fields_land_where_the_sdm_puts_them() {
        // Base 0xffff_8000_1234_5678, limit 103: worked out by hand from SDM vol. 3, figure 8-4.
        let [low, high] = tss_descriptor(0xffff_8000_1234_5678, 103);
        assert_eq!(low & 0xffff, 103, "limit 15:0");
        assert_eq!((low >> 16) & 0xff_ffff, 0x34_5678, "base 23:0");
        assert_eq!((low >> 40) & 0xf, 0x9, "type: available 64-bit TSS");
        assert_eq!((low >> 44) & 1, 0, "S = 0: system segment");
        assert_eq!((low >> 47) & 1, 1, "present");
        assert_eq!((low >> 48) & 0xf, 0, "limit 19:16");
        assert_eq!(low >> 56, 0x12, "base 31:24");
        assert_eq!(high, 0xffff_8000, "base 63:32");
    }

    #[test]
    fn code_segment_is_long_mode_ring0() {
        assert_eq!((CODE64_DESCRIPTOR >> 53) & 1, 1, "L");
        assert_eq!((CODE64_DESCRIPTOR >> 54) & 1, 0, "D must be 0 when L is 1");
        assert_eq!((CODE64_DESCRIPTOR >> 45) & 3, 0, "DPL");
        assert_eq!((CODE64_DESCRIPTOR >> 43) & 1, 1, "executable");
    }
}
