//! x86 HVM headers (public/arch-x86/hvm/).

pub mod save;
pub mod start_info;
