//! The x86-64 machine layer of xen-rs: the only place (with `boot-shim`) where the hypervisor touches
//! hardware. It owns the descriptor tables (GDT, TSS, IDT), exception reporting, port I/O, the COM1
//! console and, later, the local APIC, host paging and the SVM and VMX vCPU implementations.
//!
//! Encodings (descriptors, gates) are plain functions tested on the host; instructions live in small
//! `unsafe` blocks, each with a `// SAFETY:` comment saying why it is sound.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod apic;
pub mod console;
pub mod cpu;
pub mod directmap;
pub mod gdt;
pub mod hvm;
pub mod hvm_exit;
pub mod idt;
pub mod intr;
pub mod io;
pub mod ioapic;
pub mod mmio;
pub mod msr;
pub mod paging;
pub mod pci;
pub mod rtc;
pub mod sched;
pub mod serial;
pub mod svm;
pub mod vcpu;
pub mod vendor;
pub mod vmx;
pub mod xenheap;
pub mod xstate;

/// Brings up the boot CPU's own descriptor tables: the GDT with a TSS (IST stacks for the faults that
/// must not run on a possibly broken stack) and the IDT with a handler for every CPU exception.
///
/// Called once, early, on the boot CPU, after [`console::init`] so a fault can be reported.
#[cfg(target_os = "none")]
pub fn init_boot_cpu() {
    gdt::load_boot_gdt();
    idt::load_boot_idt();
}
