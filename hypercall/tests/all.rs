//! The hypercall integration tests, one module per subject, built as one test binary: each mutant
//! (`./x mutants`) and each change then links one binary instead of one per file. The tests that
//! need a process of their own stay separate targets (see Cargo.toml).

mod common;

mod console;
mod console_io;
mod dispatch;
mod dm_op;
mod domains;
mod domctl;
mod event_channel;
mod event_fifo;
mod foreign;
mod hvm_cr;
mod hvm_guest;
mod hvm_op;
mod hvmcontext;
mod mca;
mod memory_op;
mod msr;
mod physdev_op;
mod platform_op;
mod sched_op;
mod sysctl;
mod vcpu_op;
mod vioapic;
mod vlapic;
mod vpci;
mod xen_version;
