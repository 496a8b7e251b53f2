//! Ioreq servers (xen/common/ioreq.c): the emulators a domain's device model registers, with their
//! I/O ranges and state.

/// One domain's ioreq servers.
#[derive(Clone, Debug, Default)]
pub struct IoreqServers {}
