//! The one thing a toolstack needs from its platform: issuing a hypercall, with argument buffers
//! the hypervisor can reach, and writing into another domain's memory.
//!
//! This mirrors libxencall and libxenforeignmemory: in a Linux dom0 a buffer comes from
//! /dev/xen/hypercall (or is locked anonymous memory) and a hypercall is an ioctl on
//! /dev/xen/privcmd; in the test guest, which is dom0 itself, a buffer is ordinary memory and a
//! hypercall goes through the hypercall page. Nested argument structures hold a buffer's
//! [`Buffer::addr`] in their guest handles, as libxc's hypercall buffers do.

use core::fmt;

use libelf::ElfError;
use xen_public::errno::Errno;

/// A buffer for hypercall arguments, owned by the [`Hypercall`] backend that allocated it.
/// `addr` is what goes into guest handles and hypercall arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct Buffer {
    id: usize,
    addr: u64,
    len: usize,
}

impl Buffer {
    /// A backend's buffer number `id` at address `addr`, `len` bytes long.
    pub fn new(id: usize, addr: u64, len: usize) -> Self {
        Self { id, addr, len }
    }

    /// The backend's number for it.
    pub fn id(&self) -> usize {
        self.id
    }

    /// Its address as the hypervisor sees it (a guest virtual address of the calling domain).
    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A platform that can issue hypercalls as a privileged domain.
pub trait Hypercall {
    /// Allocates `len` zeroed bytes that the hypervisor may read and write during a hypercall.
    fn alloc_buffer(&mut self, len: usize) -> Result<Buffer, Error>;

    /// Gives a buffer back.
    fn free_buffer(&mut self, buffer: Buffer);

    /// A buffer's contents.
    fn buffer(&self, buffer: &Buffer) -> &[u8];

    /// A buffer's contents, to fill.
    fn buffer_mut(&mut self, buffer: &Buffer) -> &mut [u8];

    /// Issues hypercall `op` with `args`; returns its non-negative result or Xen's errno.
    /// Continuations are the platform's business: the call returns when the hypercall is done.
    fn hypercall(&mut self, op: u32, args: [u64; 5]) -> Result<u64, Errno>;

    /// Writes `data` into domain `domid`'s memory from the start of frame `gfn` on (through a
    /// foreign mapping, which also populates PoD entries). The frames must be in its p2m.
    fn copy_to_domain(&mut self, domid: u16, gfn: u64, data: &[u8]) -> Result<(), Error>;
}

/// Why a toolstack operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A hypercall returned an error.
    Xen {
        /// Which call (xenctrl's name for it, e.g. `"domctl createdomain"`).
        what: &'static str,
        /// What Xen said.
        errno: Errno,
    },
    /// The platform could not do its part (no buffer memory, a failed mapping, ...).
    Platform(&'static str),
    /// The kernel image is not a PVH ELF image.
    Elf(ElfError),
    /// The request itself is wrong (sizes, layout); the text says how.
    Invalid(&'static str),
}

impl From<ElfError> for Error {
    fn from(e: ElfError) -> Self {
        Error::Elf(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Xen { what, errno } => {
                write!(f, "{what} failed: ")?;
                match errno.name() {
                    Some(name) => write!(f, "{name} ({})", errno.0),
                    None => write!(f, "errno {}", errno.0),
                }
            }
            Error::Platform(what) => f.write_str(what),
            Error::Elf(e) => write!(f, "kernel image: {e:?}"),
            Error::Invalid(what) => f.write_str(what),
        }
    }
}
