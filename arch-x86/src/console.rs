//! The hypervisor console: lines on COM1, each prefixed `(XEN) ` as Xen's printk does, with `\n`
//! sent as `\r\n` for serial terminals.
//!
//! Lock order: the console lock is a leaf; nothing is taken while holding it. The fatal-error path
//! does not take it at all (see [`emergency_print`]), so a fault inside a print cannot deadlock.

use core::fmt;

use spin::Mutex;

use crate::serial::{Uart16550, COM1_BASE};

/// The prefix of every console line, as in Xen.
pub const LINE_PREFIX: &str = "(XEN) ";

/// A writer that prefixes each line and turns `\n` into `\r\n`.
pub struct LineWriter {
    uart: Uart16550,
    at_line_start: bool,
}

impl LineWriter {
    fn put(&mut self, byte: u8) {
        if self.at_line_start {
            for &b in LINE_PREFIX.as_bytes() {
                self.uart.write_byte(b);
            }
            self.at_line_start = false;
        }
        if byte == b'\n' {
            self.uart.write_byte(b'\r');
            self.at_line_start = true;
        }
        self.uart.write_byte(byte);
    }
}

impl fmt::Write for LineWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            self.put(b);
        }
        Ok(())
    }
}

static CONSOLE: Mutex<Option<LineWriter>> = Mutex::new(None);

/// Programs COM1 at 115200 8N1 and makes it the console. Called once, first thing at boot.
pub fn init() {
    // SAFETY: COM1 is the console UART; from here on the console lock makes this its only driver
    // (the emergency path excepted, as `Uart16550::new` allows).
    let mut uart = unsafe { Uart16550::new(COM1_BASE) };
    uart.init(115_200);
    *CONSOLE.lock() = Some(LineWriter {
        uart,
        at_line_start: true,
    });
}

/// Prints to the console; output before [`init`] is dropped. Use [`printk!`](crate::printk).
pub fn print(args: fmt::Arguments<'_>) {
    if let Some(writer) = CONSOLE.lock().as_mut() {
        let _ = fmt::write(writer, args);
    }
}

/// Writes bytes a guest sent to the console (CONSOLEIO_write) as they are: no `(XEN) ` prefix,
/// as Xen prints dom0's output; `\n` still becomes `\r\n`.
pub fn write_bytes(bytes: &[u8]) {
    if let Some(writer) = CONSOLE.lock().as_mut() {
        for &b in bytes {
            if b == b'\n' {
                writer.uart.write_byte(b'\r');
            }
            writer.uart.write_byte(b);
        }
        if let Some(&last) = bytes.last() {
            writer.at_line_start = last == b'\n';
        }
    }
}

/// Prints on the fatal-error path without taking the console lock, which the failing code may hold.
/// Output may interleave with a half-written line; that is the price of never deadlocking here.
pub fn emergency_print(args: fmt::Arguments<'_>) {
    // SAFETY: COM1 was programmed by `init` (or is absent, which only loses output); a second handle is
    // allowed on the fatal path, and the only harm of sharing is interleaved bytes.
    let uart = unsafe { Uart16550::new(COM1_BASE) };
    let mut writer = LineWriter {
        uart,
        at_line_start: true,
    };
    let _ = fmt::write(&mut writer, args);
}

/// Prints to the hypervisor console like Xen's `printk`: each line gets the `(XEN) ` prefix.
#[macro_export]
macro_rules! printk {
    ($($arg:tt)*) => {
        $crate::console::print(format_args!($($arg)*))
    };
}
