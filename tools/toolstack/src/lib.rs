//! The xen-rs toolstack library: what libxenctrl and libxenguest are to Xen's tools, for xen-rs
//! and Xen alike.
//!
//! - [`hypercall`]: the [`Hypercall`] trait a platform implements (Linux's privcmd in `xl`, the
//!   hypercall page in the test guest, the in-process hypervisor in host tests);
//! - [`ctrl`]: typed hypercalls named after libxenctrl's (`XenCtrl::domain_claim_pages`, ...);
//! - [`builder`]: the PVH domain builder, in the order libxl and libxenguest build a domain.
//!
//! no_std + alloc, so the test guest (a bare-metal dom0) links the same code as `xl`.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod builder;
pub mod ctrl;
pub mod hypercall;

pub use builder::{build_pvh, BuildProgress, PvhConfig};
pub use ctrl::XenCtrl;
pub use hypercall::{Buffer, Error, Hypercall};
