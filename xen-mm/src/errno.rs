//! Xen errno values as xen-mm returns them: the `Errno` type of `xen-public`.

pub use xen_public::errno::Errno;
