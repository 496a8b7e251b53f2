//! The boot side of xen-rs, the part that can be tested on the host: reading the Multiboot2 boot
//! information, splitting the command line, finding the memory free for the domain heap, and the
//! boot report. The image itself (`src/main.rs`) adds the 32-to-64-bit entry and the boot sequence.
//!
//! Unsafe code is denied here except for the one function that turns the boot loader's address into
//! a slice ([`multiboot2::BootInfo::load`]) and the `acpi` crate's view of copied tables
//! ([`acpi::CopyHandler`] and the two calls that hand it to the crate).
#![no_std]
#![deny(unsafe_code)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod acpi;
pub mod boot_memory;
pub mod cmdline;
pub mod dom0_acpi;
pub mod dom0_build;
pub mod multiboot2;
pub mod options;
pub mod report;
