//! Xen's public ABI, as guests and tools see it: hypercall and subop numbers, the structures passed
//! through guest handles, and errno values, each with Xen's own name so that a grep for
//! `XENMEM_claim_pages` lands on its definition. Layouts are checked at compile time and against the
//! real Xen headers.
//!
//! Portable: no unsafe code, no allocation; built for the host and for bare metal.
#![no_std]
#![forbid(unsafe_code)]
