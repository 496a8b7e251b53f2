//! Talking to the hypervisor: finding it through CPUID, installing the hypercall page, and calling
//! through the page. Every hypercall the guest makes goes through [`hypercall`].
//!
//! The transport (public/arch-x86/cpuid.h, Xen's `cpuid_hypervisor_leaves`,
//! xen/arch/x86/hvm/svm/svm.c `svm_init_hypercall_page`):
//! - CPUID leaves 0x40000000 + k*0x100: EBX/ECX/EDX spell "XenVMMXenVMM", EAX is the last leaf;
//!   base+1 EAX = version (major << 16 | minor); base+2 EAX = number of hypercall pages,
//!   EBX = the MSR that installs them; base+4 (HVM leaf) ECX = domain id if EAX has
//!   XEN_HVM_CPUID_DOMID_PRESENT.
//! - Writing a page's guest-physical address to that MSR makes Xen fill it with 32-byte stubs,
//!   `mov $nr, %eax; vmmcall (or vmcall); ret`; slot 23 (iret) holds `ud2` instead.
//! - 64-bit arguments in rdi, rsi, rdx, r10, r8; the result (negative errno on failure) in rax.

use core::arch::asm;
use core::arch::x86_64::{__cpuid, CpuidResult};
use core::sync::atomic::{AtomicBool, Ordering};

use xen_public::arch_x86::cpuid::{
    XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX,
    XEN_HVM_CPUID_DOMID_PRESENT,
};
use xen_public::sched::{sched_shutdown, SCHEDOP_shutdown};
use xen_public::xen::{
    __HYPERVISOR_console_io, __HYPERVISOR_sched_op, __HYPERVISOR_xen_version, CONSOLEIO_write,
};

extern "C" {
    /// The page-aligned page in the image (boot.rs, .bss) that Xen fills with its stubs.
    static hypercall_page: [u8; 4096];
}

/// Stubs are 32 bytes apart; one page holds 128 of them.
const STUB_SIZE: u64 = 32;

/// Hypercall numbers the page has a stub for.
pub const STUBS_PER_PAGE: u32 = 4096 / STUB_SIZE as u32;

/// Set once Xen has filled the hypercall page.
static PAGE_READY: AtomicBool = AtomicBool::new(false);

/// What CPUID says about the hypervisor.
#[derive(Clone, Copy, Debug)]
pub struct Hypervisor {
    /// The first leaf of Xen's range (0x40000000 unless Viridian or nesting moved it).
    pub base: u32,
    /// Base+4 ECX, when Xen says it is there.
    pub domid: Option<u32>,
}

/// CPUID (safe: every x86-64 CPU has it, and it only reads processor information).
fn cpuid(leaf: u32) -> CpuidResult {
    __cpuid(leaf)
}

/// Finds Xen's CPUID leaves, looking from 0x40000000 to 0x40010000 in steps of 0x100.
pub fn find_xen() -> Option<Hypervisor> {
    (0x4000_0000u32..=0x4001_0000)
        .step_by(0x100)
        .find_map(|base| {
            let sig = cpuid(base);
            let is_xen = sig.ebx == XEN_CPUID_SIGNATURE_EBX
                && sig.ecx == XEN_CPUID_SIGNATURE_ECX
                && sig.edx == XEN_CPUID_SIGNATURE_EDX
                && sig.eax >= base + 2;
            if !is_xen {
                return None;
            }
            let hvm = (sig.eax >= base + 4).then(|| cpuid(base + 4));
            Some(Hypervisor {
                base,
                domid: hvm
                    .filter(|leaf| leaf.eax & XEN_HVM_CPUID_DOMID_PRESENT != 0)
                    .map(|leaf| leaf.ecx),
            })
        })
}

/// The hypercall page's address (the image is identity-mapped: virtual = physical).
pub fn page_address() -> u64 {
    (&raw const hypercall_page) as u64
}

/// Asks Xen to fill the hypercall page: CPUID base+2 names the MSR; the value written is the
/// page's physical address with the page index (0) in the low 12 bits.
pub fn install_page(xen: &Hypervisor) {
    let leaf = cpuid(xen.base + 2);
    assert!(leaf.eax >= 1, "Xen offers no hypercall page");
    let paddr = page_address();
    // SAFETY: the MSR is Xen's own (CPUID base+2 EBX); writing it only makes Xen write its stubs
    // into our hypercall page, which nothing else uses.
    unsafe {
        asm!("wrmsr", in("ecx") leaf.ebx, in("eax") paddr as u32, in("edx") (paddr >> 32) as u32,
             options(nostack, preserves_flags));
    }
    PAGE_READY.store(true, Ordering::Release);
}

/// Whether [`install_page`] has run (the panic handler asks before it prints).
pub fn page_ready() -> bool {
    PAGE_READY.load(Ordering::Acquire)
}

/// Hypercall `nr` with five arguments; returns rax (a negative Xen errno on failure).
///
/// # Safety
/// The hypercall page must be installed, `nr` must be below [`STUBS_PER_PAGE`] and not
/// `__HYPERVISOR_iret` (its stub is `ud2`), and the arguments must not let the hypervisor write
/// over memory the guest is using.
pub unsafe fn hypercall(nr: u32, args: [u64; 5]) -> i64 {
    debug_assert!(page_ready() && nr < STUBS_PER_PAGE);
    let stub = page_address() + u64::from(nr) * STUB_SIZE;
    let result: i64;
    // SAFETY: `stub` is Xen's stub for `nr` in the installed page; it saves nothing and changes
    // only rax (Xen may clobber the argument registers, declared as outputs). What the call does
    // to memory is the caller's contract.
    unsafe {
        asm!("call {stub}", stub = in(reg) stub,
             inlateout("rdi") args[0] => _, inlateout("rsi") args[1] => _,
             inlateout("rdx") args[2] => _, inlateout("r10") args[3] => _,
             inlateout("r8") args[4] => _, lateout("rax") result);
    }
    result
}

/// console_io(CONSOLEIO_write): the bytes appear on Xen's console (dom0 writes straight through).
pub fn console_write(bytes: &[u8]) -> i64 {
    // SAFETY: Xen only reads `bytes.len()` bytes at `bytes` (identity-mapped).
    unsafe {
        hypercall(
            __HYPERVISOR_console_io,
            [
                u64::from(CONSOLEIO_write),
                bytes.len() as u64,
                bytes.as_ptr() as u64,
                0,
                0,
            ],
        )
    }
}

/// Writes `bytes` to the HVM debug port 0xe9 (Xen's `hvm_print_line`), one byte at a time.
pub fn debug_port_write(bytes: &[u8]) {
    for &b in bytes {
        // SAFETY: a port write that the hypervisor intercepts; it touches no memory.
        unsafe { asm!("out dx, al", in("dx") 0xe9u16, in("al") b, options(nomem, nostack)) };
    }
}

/// xen_version(cmd, NULL): for XENVER_version the result is major << 16 | minor.
pub fn xen_version(cmd: u32) -> i64 {
    // SAFETY: with a NULL argument Xen writes nothing (XENVER_version takes no buffer).
    unsafe { hypercall(__HYPERVISOR_xen_version, [u64::from(cmd), 0, 0, 0, 0]) }
}

/// sched_op(SCHEDOP_shutdown, reason): the domain stops; for dom0 Xen halts or reboots the
/// machine (xen/common/shutdown.c, hwdom_shutdown). Returns Xen's answer only if it failed.
pub fn shutdown(reason: u32) -> i64 {
    let arg = sched_shutdown { reason };
    // SAFETY: Xen reads the 4-byte sched_shutdown at `&arg`.
    unsafe {
        hypercall(
            __HYPERVISOR_sched_op,
            [
                u64::from(SCHEDOP_shutdown),
                (&raw const arg) as u64,
                0,
                0,
                0,
            ],
        )
    }
}
