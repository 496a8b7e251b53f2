//! Printing through console_io: [`println!`] formats one line into a buffer and writes it with a
//! single CONSOLEIO_write, prefixed with `xen-rs test guest: `. A domU may not use console_io
//! (a release build of Xen refuses it); it writes to the HVM debug port 0xe9 instead, whose lines
//! Xen prints as "(d<N>) ...".

use core::fmt;

use crate::hypercall;

/// Every line the guest prints starts with this.
pub const PREFIX: &str = "xen-rs test guest: ";

/// Collects a line; [`LineWriter::flush`] sends it (longer lines go out in pieces).
pub struct LineWriter {
    buf: [u8; 256],
    len: usize,
}

impl LineWriter {
    /// A writer holding the prefix.
    pub fn new() -> Self {
        let mut writer = LineWriter {
            buf: [0; 256],
            len: 0,
        };
        let _ = fmt::Write::write_str(&mut writer, PREFIX);
        writer
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) {
        if self.len > 0 {
            if hypercall::console_write(&self.buf[..self.len]) < 0 {
                hypercall::debug_port_write(&self.buf[..self.len]);
            }
            self.len = 0;
        }
    }
}

impl fmt::Write for LineWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &byte in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = byte;
            self.len += 1;
        }
        Ok(())
    }
}

/// Prints one line on Xen's console, with the guest's prefix.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        let mut line = $crate::console::LineWriter::new();
        let _ = core::fmt::Write::write_fmt(&mut line, format_args!($($arg)*));
        let _ = core::fmt::Write::write_str(&mut line, "\n");
        line.flush();
    }};
}
