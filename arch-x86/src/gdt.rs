//! The boot CPU's GDT and TSS.
//!
//! Layout: null, 64-bit ring-0 code, ring-0 data, then the 16-byte TSS descriptor. The TSS gives the
//! faults that may arrive on a broken stack (double fault, NMI, machine check) their own IST stacks,
//! as Xen does, so a stack overflow is reported instead of ending in a triple fault.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use x86_64::instructions::segmentation::{Segment, CS, DS, ES, SS};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;
use x86_64::VirtAddr;

/// Selector of the 64-bit ring-0 code segment (the boot entry uses the same slot).
pub const HYPERVISOR_CS: u16 = 0x08;
/// Selector of the ring-0 data segment.
pub const HYPERVISOR_DS: u16 = 0x10;
/// Selector of the TSS.
pub const TSS_SELECTOR: u16 = 0x18;

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

static BOOT_TSS: spin::Once<TaskStateSegment> = spin::Once::new();

/// The GDT: null, code, data, then the TSS's two slots. (The crate keeps entries in atomics: the
/// CPU writes the TSS descriptor's busy bit behind Rust's back.)
static BOOT_GDT: spin::Once<GlobalDescriptorTable<5>> = spin::Once::new();

static LOADED: AtomicBool = AtomicBool::new(false);

/// The boot CPU's GDT with the TSS at `tss`, each segment at the selector the rest of the
/// hypervisor names it by.
fn boot_gdt(tss: &'static TaskStateSegment) -> GlobalDescriptorTable<5> {
    let mut gdt = GlobalDescriptorTable::empty();
    let selectors = [
        gdt.append(Descriptor::kernel_code_segment()),
        gdt.append(Descriptor::kernel_data_segment()),
        gdt.append(Descriptor::tss_segment(tss)),
    ];
    assert_eq!(
        selectors.map(|s| s.0),
        [HYPERVISOR_CS, HYPERVISOR_DS, TSS_SELECTOR]
    );
    gdt
}

/// Loads the boot CPU's GDT, reloads the segment registers and loads the TSS. Later calls do nothing.
pub fn load_boot_gdt() {
    if LOADED.swap(true, Ordering::AcqRel) {
        return;
    }
    let tss = BOOT_TSS.call_once(|| {
        let mut tss = TaskStateSegment::new();
        // IST1..IST3 (the table is a packed field: written whole, not through references).
        let mut ist = tss.interrupt_stack_table;
        for (slot, stack) in ist.iter_mut().zip(&IST_STACKS) {
            *slot = VirtAddr::new(stack.top());
        }
        tss.interrupt_stack_table = ist;
        tss
    });
    BOOT_GDT.call_once(|| boot_gdt(tss)).load();
    // SAFETY: the GDT just loaded lives forever and holds a flat ring-0 code segment at
    // HYPERVISOR_CS (the selector already in CS since boot), so reloading CS continues at the
    // next instruction with the same stack; HYPERVISOR_DS is a flat data segment, and the TSS
    // descriptor names a TSS that also lives forever.
    unsafe {
        CS::set_reg(SegmentSelector(HYPERVISOR_CS));
        DS::set_reg(SegmentSelector(HYPERVISOR_DS));
        ES::set_reg(SegmentSelector(HYPERVISOR_DS));
        SS::set_reg(SegmentSelector(HYPERVISOR_DS));
        load_tss(SegmentSelector(TSS_SELECTOR));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_gdt_has_each_segment_where_the_hypervisor_names_it() {
        let tss: &'static TaskStateSegment =
            std::boxed::Box::leak(std::boxed::Box::new(TaskStateSegment::new()));
        let gdt = boot_gdt(tss);
        let entries: std::vec::Vec<u64> = gdt.entries().iter().map(|e| e.raw()).collect();
        // SDM vol. 3, 3.4.5 and figure 8-4, worked out by hand.
        let code = entries[usize::from(HYPERVISOR_CS >> 3)];
        assert_eq!((code >> 53) & 1, 1, "L");
        assert_eq!((code >> 54) & 1, 0, "D must be 0 when L is 1");
        assert_eq!((code >> 45) & 3, 0, "DPL");
        assert_eq!((code >> 43) & 1, 1, "executable");
        let data = entries[usize::from(HYPERVISOR_DS >> 3)];
        assert_eq!((data >> 43) & 1, 0, "data");
        assert_eq!((data >> 41) & 1, 1, "writable");
        let base = tss as *const TaskStateSegment as u64;
        let low = entries[usize::from(TSS_SELECTOR >> 3)];
        let high = entries[usize::from(TSS_SELECTOR >> 3) + 1];
        assert_eq!(low & 0xffff, 103, "limit 15:0: the 104-byte TSS");
        assert_eq!((low >> 16) & 0xff_ffff, base & 0xff_ffff, "base 23:0");
        assert_eq!((low >> 40) & 0xf, 0x9, "type: available 64-bit TSS");
        assert_eq!((low >> 44) & 1, 0, "S = 0: system segment");
        assert_eq!((low >> 47) & 1, 1, "present");
        assert_eq!(low >> 56, (base >> 24) & 0xff, "base 31:24");
        assert_eq!(high, base >> 32, "base 63:32");
    }

    #[test]
    fn the_tss_gives_the_bad_stack_faults_their_own_stacks() {
        // Intel SDM vol. 3, 8.7: IST1 at byte 36; no I/O bitmap (its offset past the limit).
        assert_eq!(core::mem::size_of::<TaskStateSegment>(), 104);
        assert_eq!(
            core::mem::offset_of!(TaskStateSegment, interrupt_stack_table),
            36
        );
        assert_eq!(TaskStateSegment::new().iomap_base, 104);
        assert!(usize::from(IST_MACHINE_CHECK) <= IST_STACKS.len());
    }
}
