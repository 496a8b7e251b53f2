//! The hypervisor console (xen/drivers/char/console.c): the output ring that `(XEN)` messages and
//! guests' CONSOLEIO_write go to, read back by XEN_SYSCTL_readconsole, and the input ring that
//! CONSOLEIO_read takes serial input from.
//!
//! Its lock is a leaf: nothing else is taken while it is held.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Bytes the output ring keeps (Xen's default `conring_size`, 16 KiB).
pub const CONRING_SIZE: usize = 16 * 1024;
/// Bytes of serial input kept (Xen's `SERIAL_RX_SIZE`).
pub const SERIAL_RX_SIZE: usize = 128;

struct Rings {
    /// The output ring: the last `CONRING_SIZE` bytes written.
    out: VecDeque<u8>,
    /// Bytes ever written (`conringp`): readers' indices are in this space.
    produced: u64,
    /// Bytes for the serial line that the arch layer has not printed yet
    /// ([`Console::take_unprinted`]): what went to the ring, and the hardware domain's output,
    /// which does not. At most `CONRING_SIZE`, the oldest dropped.
    serial: VecDeque<u8>,
    /// Serial input not yet read by a guest.
    input: VecDeque<u8>,
}

/// The console rings.
pub struct Console {
    rings: spin::Mutex<Rings>,
}

impl Default for Console {
    fn default() -> Self {
        Self::new()
    }
}

impl Console {
    /// Empty rings.
    pub fn new() -> Self {
        Console {
            rings: spin::Mutex::new(Rings {
                out: VecDeque::with_capacity(CONRING_SIZE),
                produced: 0,
                serial: VecDeque::new(),
                input: VecDeque::with_capacity(SERIAL_RX_SIZE),
            }),
        }
    }

    /// Appends to the output ring, dropping the oldest bytes beyond its size, and queues the
    /// bytes for the serial line.
    pub fn write(&self, bytes: &[u8]) {
        let mut r = self.rings.lock();
        for &b in bytes {
            if r.out.len() == CONRING_SIZE {
                r.out.pop_front();
            }
            r.out.push_back(b);
        }
        r.produced += bytes.len() as u64;
        Self::queue_serial(&mut r, bytes);
    }

    /// Queues bytes for the serial line only, not the ring: the hardware domain's
    /// CONSOLEIO_write (`console_serial_puts` without `conring_puts`, Xen's default when
    /// `console_to_ring` is off).
    pub fn write_serial_only(&self, bytes: &[u8]) {
        let mut r = self.rings.lock();
        Self::queue_serial(&mut r, bytes);
    }

    fn queue_serial(r: &mut Rings, bytes: &[u8]) {
        for &b in bytes {
            if r.serial.len() == CONRING_SIZE {
                r.serial.pop_front();
            }
            r.serial.push_back(b);
        }
    }

    /// Bytes queued for the serial line since the last call, for the arch layer to print.
    pub fn take_unprinted(&self) -> Vec<u8> {
        self.rings.lock().serial.drain(..).collect()
    }

    /// Reads from the output ring starting at byte `index` (in the space of bytes ever written),
    /// at most `max` bytes; an index older than the ring holds starts at the oldest byte. Returns
    /// the bytes and the index after them (XEN_SYSCTL_readconsole's incremental mode).
    pub fn read_from(&self, index: u64, max: usize) -> (Vec<u8>, u64) {
        let r = self.rings.lock();
        let oldest = r.produced - r.out.len() as u64;
        let from = index.clamp(oldest, r.produced);
        let bytes: Vec<u8> = r
            .out
            .iter()
            .skip((from - oldest) as usize)
            .take(max)
            .copied()
            .collect();
        let next = from + bytes.len() as u64;
        (bytes, next)
    }

    /// Empties the output ring (readconsole's `clear`).
    pub fn clear(&self) {
        self.rings.lock().out.clear();
    }

    /// Serial input arrived: kept for CONSOLEIO_read, the oldest dropped when full.
    pub fn push_input(&self, bytes: &[u8]) {
        let mut r = self.rings.lock();
        for &b in bytes {
            if r.input.len() == SERIAL_RX_SIZE {
                r.input.pop_front();
            }
            r.input.push_back(b);
        }
    }

    /// Takes up to `max` bytes of serial input.
    pub fn take_input(&self, max: usize) -> Vec<u8> {
        let mut r = self.rings.lock();
        let n = max.min(r.input.len());
        r.input.drain(..n).collect()
    }
}
