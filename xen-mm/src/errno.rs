//! Xen errno values as xen-mm returns them (positive; the hypercall layer negates them).
//! The numbers are public/errno.h's.

use core::fmt;

/// A Xen errno.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub i32);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(1);
    /// No such object.
    pub const ENOENT: Errno = Errno(2);
    /// Argument list too long (Xen: an allocation over max_pages).
    pub const E2BIG: Errno = Errno(7);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(12);
    /// Device or resource busy.
    pub const EBUSY: Errno = Errno(16);
    /// Already exists.
    pub const EEXIST: Errno = Errno(17);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(22);

    /// The value a hypercall returns for this error.
    pub const fn negated(self) -> i64 {
        -(self.0 as i64)
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            Errno::EPERM => "EPERM",
            Errno::ENOENT => "ENOENT",
            Errno::E2BIG => "E2BIG",
            Errno::ENOMEM => "ENOMEM",
            Errno::EBUSY => "EBUSY",
            Errno::EEXIST => "EEXIST",
            Errno::EINVAL => "EINVAL",
            _ => return write!(f, "Errno({})", self.0),
        };
        f.write_str(name)
    }
}
