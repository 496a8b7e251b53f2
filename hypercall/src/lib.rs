//! The portable core that hypercalls reach (Xen's common/ layer): the domain table and lifecycle,
//! privilege checks, guest-memory copies through a [`guest::GuestMemory`] trait (never raw guest
//! pointers), continuations for long operations, and the dispatcher from hypercall number and
//! arguments to a value or a Xen errno.
//!
//! Lock order (checked by `xen_mm::lock_order`): the domain table (`domlist`, level 2), then one
//! domain's state (`domain`, 4), then its event channels (`event`, 6; a second domain's at 7),
//! then its vIOAPICs (`irq_lock`, 9), then a vCPU's registered areas and its vLAPIC (`vcpu`, 10; one vCPU's at a time), then the mm
//! locks of xen-mm (gfn 12, p2m 16, pod 48, page_alloc 56, heap 1000). The timer queue's lock
//! (`timer`, 950) and the console ring's are leaves: nothing is taken inside them. So is the PCI
//! record's ([`pci`]), but for the arch layer's configuration-space lock around each access.
#![no_std]
#![forbid(unsafe_code)]
// Xen's names (`__HYPERVISOR_memory_op`, `XENMEM_populate_physmap`) are kept, also in patterns.
#![allow(non_upper_case_globals)]

extern crate alloc;

pub mod console;
pub mod console_io;
pub mod dispatch;
pub mod dm_op;
pub mod domain;
pub mod domctl;
pub mod event;
pub mod event_channel_op;
pub mod guest;
pub mod hvm_context;
pub mod hvm_cr;
pub mod hvm_guest;
pub mod hvm_op;
pub mod hypervisor;
pub mod ioreq;
pub mod memory_op;
pub mod msr;
pub mod pci;
pub mod pcpu;
pub mod physdev_op;
pub mod platform_op;
pub mod policy;
pub mod sched_op;
pub mod sysctl;
pub mod time;
pub mod timer;
pub mod vcpu;
pub mod vcpu_op;
pub mod vioapic;
pub mod vlapic;
pub mod vpci;
pub mod xen_version;

pub use dispatch::{dispatch, Call, Outcome, Preempt};
pub use domain::{Domain, DomainConfig, DomainTable};
pub use guest::GuestMemory;
pub use hypervisor::Hypervisor;
pub use xen_mm::errno::Errno;
