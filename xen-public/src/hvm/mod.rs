//! HVM headers (public/hvm/).

pub mod dm_op;
pub mod e820;
pub mod hvm_op;
pub mod hvm_vcpu;
pub mod ioreq;
pub mod params;
pub mod save;

/// PVH start info lives in public/arch-x86/hvm/start_info.h; re-exported here too.
pub use crate::arch_x86::hvm::start_info;
