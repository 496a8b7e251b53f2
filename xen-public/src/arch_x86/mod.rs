//! x86-specific headers (public/arch-x86/).

pub mod cpuid;
pub mod hvm;
pub mod xen;
pub mod xen_mca;
