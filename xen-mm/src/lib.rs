//! Xen's memory management, rewritten: the domain heap (a buddy allocator over machine frames) and page
//! claims, per-domain memory accounting, the p2m (AMD NPT and Intel EPT tables, p2m types, log-dirty,
//! ioreq-server pages), populate-on-demand, and the mm lock order of Xen's mm-locks.h.
//!
//! It never dereferences memory itself: frames are read and written through [`frame::FrameAccess`],
//! which the hypervisor implements over its direct map and the host tests over [`arena::ArenaFrames`].
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod arena;
pub mod buddy;
pub mod epoch;
pub mod errno;
pub mod frame;
pub mod heap;
pub mod lock_order;
pub mod p2m;
pub mod pod;
pub mod sync;
