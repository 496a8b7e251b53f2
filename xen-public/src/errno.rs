//! Xen's errno values (public/errno.h). Hypercalls return them negated.

crate::xen_consts! {
    header "errno.h";
    /// Operation not permitted.
    pub const XEN_EPERM: i32 = 1;
    /// No such file or directory (no such object).
    pub const XEN_ENOENT: i32 = 2;
    /// No such process (no such domain).
    pub const XEN_ESRCH: i32 = 3;
    /// Interrupted call; internal to the hypervisor, never returned to a guest.
    pub const XEN_EINTR: i32 = 4;
    /// I/O error.
    pub const XEN_EIO: i32 = 5;
    /// No such device or address.
    pub const XEN_ENXIO: i32 = 6;
    /// Argument list too long.
    pub const XEN_E2BIG: i32 = 7;
    /// Exec format error.
    pub const XEN_ENOEXEC: i32 = 8;
    /// Bad file number.
    pub const XEN_EBADF: i32 = 9;
    /// No child processes.
    pub const XEN_ECHILD: i32 = 10;
    /// Try again.
    pub const XEN_EAGAIN: i32 = 11;
    /// Operation would block (same value as `XEN_EAGAIN`).
    pub const XEN_EWOULDBLOCK: i32 = 11;
    /// Out of memory.
    pub const XEN_ENOMEM: i32 = 12;
    /// Permission denied.
    pub const XEN_EACCES: i32 = 13;
    /// Bad address (a guest handle could not be copied through).
    pub const XEN_EFAULT: i32 = 14;
    /// Device or resource busy.
    pub const XEN_EBUSY: i32 = 16;
    /// Already exists.
    pub const XEN_EEXIST: i32 = 17;
    /// Cross-device link.
    pub const XEN_EXDEV: i32 = 18;
    /// No such device.
    pub const XEN_ENODEV: i32 = 19;
    /// Not a directory.
    pub const XEN_ENOTDIR: i32 = 20;
    /// Is a directory.
    pub const XEN_EISDIR: i32 = 21;
    /// Invalid argument.
    pub const XEN_EINVAL: i32 = 22;
    /// File table overflow.
    pub const XEN_ENFILE: i32 = 23;
    /// Too many open files.
    pub const XEN_EMFILE: i32 = 24;
    /// No space left.
    pub const XEN_ENOSPC: i32 = 28;
    /// Read-only file system.
    pub const XEN_EROFS: i32 = 30;
    /// Too many links.
    pub const XEN_EMLINK: i32 = 31;
    /// Argument out of domain.
    pub const XEN_EDOM: i32 = 33;
    /// Result out of range.
    pub const XEN_ERANGE: i32 = 34;
    /// Resource deadlock would occur.
    pub const XEN_EDEADLK: i32 = 35;
    /// Resource deadlock would occur (same value as `XEN_EDEADLK`).
    pub const XEN_EDEADLOCK: i32 = 35;
    /// Name too long.
    pub const XEN_ENAMETOOLONG: i32 = 36;
    /// No locks available.
    pub const XEN_ENOLCK: i32 = 37;
    /// Function not implemented (unknown hypercall or subop).
    pub const XEN_ENOSYS: i32 = 38;
    /// Not empty.
    pub const XEN_ENOTEMPTY: i32 = 39;
    /// No data available.
    pub const XEN_ENODATA: i32 = 61;
    /// Timer expired.
    pub const XEN_ETIME: i32 = 62;
    /// Not a data message.
    pub const XEN_EBADMSG: i32 = 74;
    /// Value too large for its type.
    pub const XEN_EOVERFLOW: i32 = 75;
    /// Illegal byte sequence.
    pub const XEN_EILSEQ: i32 = 84;
    /// Restart the call (continuation); internal to the hypervisor, never returned to a guest.
    pub const XEN_ERESTART: i32 = 85;
    /// Not a socket.
    pub const XEN_ENOTSOCK: i32 = 88;
    /// Message too large.
    pub const XEN_EMSGSIZE: i32 = 90;
    /// Operation not supported.
    pub const XEN_EOPNOTSUPP: i32 = 95;
    /// Address already in use.
    pub const XEN_EADDRINUSE: i32 = 98;
    /// Cannot assign requested address.
    pub const XEN_EADDRNOTAVAIL: i32 = 99;
    /// No buffer space available.
    pub const XEN_ENOBUFS: i32 = 105;
    /// Already connected.
    pub const XEN_EISCONN: i32 = 106;
    /// Not connected.
    pub const XEN_ENOTCONN: i32 = 107;
    /// Timed out.
    pub const XEN_ETIMEDOUT: i32 = 110;
    /// Connection refused.
    pub const XEN_ECONNREFUSED: i32 = 111;
}

/// A Xen errno as a Rust type, for hypervisor code that returns `Result<T, Errno>`; the hypercall
/// boundary returns it negated. Not part of Xen's headers (no registry entry).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(XEN_EPERM);
    /// No such object.
    pub const ENOENT: Errno = Errno(XEN_ENOENT);
    /// No such domain.
    pub const ESRCH: Errno = Errno(XEN_ESRCH);
    /// I/O error (Xen: a CPU that did not come up).
    pub const EIO: Errno = Errno(XEN_EIO);
    /// No such device or address (Xen: a vcpu_info that does not fit where it was put).
    pub const ENXIO: Errno = Errno(XEN_ENXIO);
    /// Argument list too long (Xen: an allocation over max_pages).
    pub const E2BIG: Errno = Errno(XEN_E2BIG);
    /// Try again.
    pub const EAGAIN: Errno = Errno(XEN_EAGAIN);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(XEN_ENOMEM);
    /// Permission denied.
    pub const EACCES: Errno = Errno(XEN_EACCES);
    /// Bad address.
    pub const EFAULT: Errno = Errno(XEN_EFAULT);
    /// Busy.
    pub const EBUSY: Errno = Errno(XEN_EBUSY);
    /// Already exists.
    pub const EEXIST: Errno = Errno(XEN_EEXIST);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(XEN_EINVAL);
    /// No space left.
    pub const ENOSPC: Errno = Errno(XEN_ENOSPC);
    /// Function not implemented.
    pub const ENOSYS: Errno = Errno(XEN_ENOSYS);
    /// Restart the call (continuation); never returned to a guest.
    pub const ERESTART: Errno = Errno(XEN_ERESTART);
    /// Operation not supported.
    pub const EOPNOTSUPP: Errno = Errno(XEN_EOPNOTSUPP);
    /// No such device.
    pub const ENODEV: Errno = Errno(XEN_ENODEV);
    /// Result out of range.
    pub const ERANGE: Errno = Errno(XEN_ERANGE);
    /// A value too large for its type (a counter that would overflow).
    pub const EOVERFLOW: Errno = Errno(XEN_EOVERFLOW);
    /// No data available.
    pub const ENODATA: Errno = Errno(XEN_ENODATA);
    /// Cross-device link (Xen: a frame of the wrong domain).
    pub const EXDEV: Errno = Errno(XEN_EXDEV);
    /// Buffer space exhausted.
    pub const ENOBUFS: Errno = Errno(XEN_ENOBUFS);

    /// The value a hypercall returns for this error.
    pub const fn negated(self) -> i64 {
        -(self.0 as i64)
    }

    /// Xen's name for it, if it is one of the constants above.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            XEN_EPERM => "EPERM",
            XEN_ENOENT => "ENOENT",
            XEN_ESRCH => "ESRCH",
            XEN_EIO => "EIO",
            XEN_ENXIO => "ENXIO",
            XEN_E2BIG => "E2BIG",
            XEN_EAGAIN => "EAGAIN",
            XEN_ENOMEM => "ENOMEM",
            XEN_EACCES => "EACCES",
            XEN_EFAULT => "EFAULT",
            XEN_EBUSY => "EBUSY",
            XEN_EEXIST => "EEXIST",
            XEN_EINVAL => "EINVAL",
            XEN_ENOSPC => "ENOSPC",
            XEN_ENOSYS => "ENOSYS",
            XEN_ERESTART => "ERESTART",
            XEN_EOPNOTSUPP => "EOPNOTSUPP",
            XEN_ENODEV => "ENODEV",
            XEN_ERANGE => "ERANGE",
            XEN_EOVERFLOW => "EOVERFLOW",
            XEN_ENODATA => "ENODATA",
            XEN_EXDEV => "EXDEV",
            XEN_ENOBUFS => "ENOBUFS",
            _ => return None,
        })
    }
}

impl core::fmt::Debug for Errno {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Errno({})", self.0),
        }
    }
}
