//! XEN_DMOP_* (xen/arch/x86/hvm/dm.c `do_dm_op`).

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;

use crate::dispatch::{Call, HcResult, Preempt};
use crate::guest::GuestMemory;
use crate::hypervisor::Hypervisor;

/// XEN_DMOP_* for `call.caller`.
pub fn do_dm_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    _hv: &Hypervisor<F, Fmt>,
    _call: &mut Call<'_, Fmt, G, P>,
    _args: [u64; 5],
) -> HcResult {
    Err(Errno::ENOSYS)
}
