//! A 16550-compatible UART (the PC's COM ports), driven by polling.

use crate::io::{inb, outb};

/// The I/O base of COM1.
pub const COM1_BASE: u16 = 0x3f8;

/// The UART's input clock divided by 16: the baud rate a divisor of 1 gives.
const UART_BASE_BAUD: u32 = 115_200;

// Register offsets from the I/O base (Xen's xen/include/xen/8250-uart.h names).
const UART_THR: u16 = 0; // transmit holding (DLAB = 0)
const UART_DLL: u16 = 0; // divisor latch low (DLAB = 1)
const UART_IER: u16 = 1; // interrupt enable (DLAB = 0)
const UART_DLM: u16 = 1; // divisor latch high (DLAB = 1)
const UART_FCR: u16 = 2; // FIFO control
const UART_LCR: u16 = 3; // line control
const UART_MCR: u16 = 4; // modem control
const UART_LSR: u16 = 5; // line status

const UART_LCR_DLAB: u8 = 0x80;
const UART_LCR_8N1: u8 = 0x03;
const UART_FCR_ENABLE_CLEAR_14: u8 = 0xc7; // enable FIFOs, clear both, trigger at 14 bytes
const UART_MCR_DTR_RTS_OUT2: u8 = 0x0b;
const UART_LSR_THRE: u8 = 0x20; // transmit holding register empty

/// How many status polls to wait for room before dropping a byte. A port with no UART behind it reads
/// as 0xff (THRE set), so this only matters for a wedged device: the console must never hang the
/// hypervisor.
const TX_POLL_LIMIT: u32 = 1_000_000;

/// The divisor-latch value for a baud rate, or `None` when the rate cannot be produced exactly
/// enough (zero, or faster than the base clock).
pub const fn baud_divisor(baud: u32) -> Option<u16> {
    if baud == 0 || baud > UART_BASE_BAUD {
        return None;
    }
    let divisor = UART_BASE_BAUD / baud;
    if divisor > u16::MAX as u32 {
        return None;
    }
    Some(divisor as u16)
}

/// A polled 16550 UART at an I/O base.
pub struct Uart16550 {
    base: u16,
}

impl Uart16550 {
    /// A handle on the UART at `base`.
    ///
    /// # Safety
    /// `base` must be the I/O base of a 16550-compatible UART (or of nothing), and whoever holds this
    /// handle must be the only driver of that UART except on the fatal-error path, where interleaved
    /// output is accepted.
    pub const unsafe fn new(base: u16) -> Self {
        Uart16550 { base }
    }

    /// Programs the line: `baud` (falling back to 115200 if it cannot be produced), 8 data bits, no
    /// parity, 1 stop bit, FIFOs on, interrupts off.
    pub fn init(&mut self, baud: u32) {
        let [dll, dlm] = baud_divisor(baud).unwrap_or(1).to_le_bytes();
        // SAFETY: `new`'s contract makes this handle the UART's driver; these writes are the 16550's
        // documented programming sequence and touch no memory.
        unsafe {
            outb(self.base + UART_IER, 0);
            outb(self.base + UART_LCR, UART_LCR_DLAB);
            outb(self.base + UART_DLL, dll);
            outb(self.base + UART_DLM, dlm);
            outb(self.base + UART_LCR, UART_LCR_8N1);
            outb(self.base + UART_FCR, UART_FCR_ENABLE_CLEAR_14);
            outb(self.base + UART_MCR, UART_MCR_DTR_RTS_OUT2);
        }
    }

    /// Sends one byte, waiting (boundedly) for room in the transmitter.
    pub fn write_byte(&mut self, byte: u8) {
        for _ in 0..TX_POLL_LIMIT {
            // SAFETY: reading the line status register has no side effect on transmission.
            if unsafe { inb(self.base + UART_LSR) } & UART_LSR_THRE != 0 {
                break;
            }
            core::hint::spin_loop();
        }
        // SAFETY: writing the transmit register sends the byte; this handle drives the UART.
        unsafe { outb(self.base + UART_THR, byte) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_for_common_rates() {
        assert_eq!(baud_divisor(115_200), Some(1));
        assert_eq!(baud_divisor(57_600), Some(2));
        assert_eq!(baud_divisor(9_600), Some(12));
        assert_eq!(baud_divisor(0), None);
        assert_eq!(baud_divisor(230_400), None);
    }
}
