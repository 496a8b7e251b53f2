//! Control registers, halting, and the QEMU debug-exit device. The registers are read through
//! the `x86_64` crate.

use x86_64::registers::control::{Cr0, Cr0Flags, Cr2, Cr3, Cr4, Cr4Flags};

/// CR0.PE: protected mode.
pub const CR0_PE: u64 = Cr0Flags::PROTECTED_MODE_ENABLE.bits();
/// CR0.NE: x87 errors by exception.
pub const CR0_NE: u64 = Cr0Flags::NUMERIC_ERROR.bits();
/// CR0.PG: paging.
pub const CR0_PG: u64 = Cr0Flags::PAGING.bits();
/// CR4.VMXE: VMX enabled.
pub const CR4_VMXE: u64 = Cr4Flags::VIRTUAL_MACHINE_EXTENSIONS.bits();
/// CR4.OSXSAVE: XSAVE and XCR0 enabled.
pub const CR4_OSXSAVE: u64 = Cr4Flags::OSXSAVE.bits();

/// Reads CR0.
pub fn read_cr0() -> u64 {
    Cr0::read_raw()
}

/// Reads CR2, the linear address of the last page fault.
pub fn read_cr2() -> u64 {
    Cr2::read_raw()
}

/// Reads CR3, the root of the current page tables.
pub fn read_cr3() -> u64 {
    let (frame, flags) = Cr3::read_raw();
    frame.start_address().as_u64() | u64::from(flags)
}

/// Reads CR4.
pub fn read_cr4() -> u64 {
    Cr4::read_raw()
}

/// Writes back and invalidates the caches (WBINVD), for a guest that may flush them (Xen's
/// `flush_all(FLUSH_CACHE)` on a domain with `cache_flush_permitted`).
pub fn wbinvd() {
    // SAFETY: WBINVD only writes dirty lines back and empties the caches; memory contents are
    // unchanged. It is slow, never unsafe.
    unsafe { core::arch::asm!("wbinvd", options(nostack, preserves_flags)) }
}

/// Writes CR0.
///
/// # Safety
/// The new value must keep the hypervisor running: paging and protected mode stay on, and any bit
/// it sets is one the CPU supports (else #GP).
pub unsafe fn write_cr0(value: u64) {
    // SAFETY: the caller's promise.
    unsafe { Cr0::write_raw(value) }
}

/// Writes CR4.
///
/// # Safety
/// As for [`write_cr0`]: the hypervisor's paging mode is kept, and every bit set is supported.
pub unsafe fn write_cr4(value: u64) {
    // SAFETY: the caller's promise.
    unsafe { Cr4::write_raw(value) }
}

/// Reads the time-stamp counter.
pub fn read_tsc() -> u64 {
    // SAFETY: RDTSC only reads the counter (CR4.TSD is clear at CPL 0 anyway).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Stops this CPU for good: interrupts off, then `hlt` (an NMI can wake it; it halts again).
pub fn halt_forever() -> ! {
    loop {
        x86_64::instructions::interrupts::disable();
        x86_64::instructions::hlt();
    }
}

/// Masks every line of the two legacy 8259 PICs, so no interrupt arrives through them (the
/// firmware may have left the timer unmasked; a pending one would make every VMRUN exit at once).
pub fn mask_legacy_pic() {
    // SAFETY: 0x21 and 0xa1 are the PICs' interrupt mask registers on every PC; masking all lines
    // only stops interrupts the hypervisor does not handle.
    unsafe {
        crate::io::outb(0x21, 0xff);
        crate::io::outb(0xa1, 0xff);
    }
}

/// The I/O port of QEMU's `isa-debug-exit` device, as `./x` configures it (`iobase=0xf4`).
pub const QEMU_DEBUG_EXIT_PORT: u16 = 0xf4;

/// What xen-rs tells QEMU's `isa-debug-exit` device when it stops. QEMU exits with `(code << 1) | 1`,
/// so success is 33 and failure 35; QEMU's own errors exit with 1, which neither can be mistaken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum QemuExitCode {
    /// The run did what it was asked to do.
    Success = 0x10,
    /// The hypervisor stopped on a fatal error (an exception, a panic).
    Failure = 0x11,
    /// dom0 crashed (a triple fault, an impossible access): the hypervisor reported it and
    /// stopped cleanly.
    Dom0Crashed = 0x12,
    /// dom0 asked for a reboot; with `noreboot` the machine stops instead.
    Dom0Reboot = 0x13,
}

impl QemuExitCode {
    /// The exit status the QEMU process reports for this code.
    pub const fn qemu_status(self) -> i32 {
        ((self as i32) << 1) | 1
    }
}

/// Stops the machine: under QEMU with `isa-debug-exit` this ends QEMU with `code`; on real hardware,
/// where nothing listens on that port, the CPU halts (as Xen does with `noreboot`).
pub fn exit_machine(code: QemuExitCode) -> ! {
    // SAFETY: port 0xf4 is the debug-exit device under QEMU and unassigned on PC hardware (it was the
    // math coprocessor's busy port on the PC/AT, ignored since); a stray byte there changes nothing.
    unsafe { crate::io::outb(QEMU_DEBUG_EXIT_PORT, code as u8) };
    halt_forever()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_exit_statuses_match_what_xtask_expects() {
        // QEMU's isa-debug-exit: exit status = (value << 1) | 1 (hw/misc/debugexit.c).
        assert_eq!(QemuExitCode::Success.qemu_status(), 33);
        assert_eq!(QemuExitCode::Failure.qemu_status(), 35);
        assert_eq!(QemuExitCode::Dom0Crashed.qemu_status(), 37);
        assert_eq!(QemuExitCode::Dom0Reboot.qemu_status(), 39);
    }
}
