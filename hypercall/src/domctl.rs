//! XEN_DOMCTL_* (xen/common/domctl.c `do_domctl`, xen/arch/x86/domctl.c `arch_do_domctl`).

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;

use crate::dispatch::{Call, HcResult, Preempt};
use crate::guest::GuestMemory;
use crate::hypervisor::Hypervisor;

/// XEN_DOMCTL_* for `call.caller`.
pub fn do_domctl<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    _hv: &Hypervisor<F, Fmt>,
    _call: &mut Call<'_, Fmt, G, P>,
    _args: [u64; 5],
) -> HcResult {
    Err(Errno::ENOSYS)
}
