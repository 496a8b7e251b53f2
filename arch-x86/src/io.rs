//! Port I/O, by the `x86_64` crate's `Port` (Xen's `inb`/`outb` names kept).

use x86_64::instructions::port::Port;

/// Writes a byte to an I/O port.
///
/// # Safety
/// The port must belong to a device this code is allowed to drive, and the write must not break an
/// invariant that other code relies on (for example reprogramming a device another driver owns).
#[inline]
pub unsafe fn outb(port: u16, value: u8) {
    // SAFETY: the caller guarantees the port may be written.
    unsafe { Port::new(port).write(value) }
}

/// Reads a byte from an I/O port.
///
/// # Safety
/// As for [`outb`]: reads can have side effects on devices (acknowledging a status, popping a FIFO).
#[inline]
pub unsafe fn inb(port: u16) -> u8 {
    // SAFETY: the caller guarantees the port may be read.
    unsafe { Port::new(port).read() }
}
