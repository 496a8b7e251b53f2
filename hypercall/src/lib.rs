//! The portable core that hypercalls reach (Xen's common/ layer): the domain table and lifecycle,
//! privilege checks, guest-memory copies through a `GuestMemory` trait (never raw guest pointers),
//! continuations for long operations, and the dispatcher from hypercall number and arguments to a value
//! or a Xen errno.
#![no_std]
#![forbid(unsafe_code)]
