//! `__HYPERVISOR_event_channel_op` (xen/common/event_channel.c `do_event_channel_op`): the
//! argument structure is copied in, the operation runs on [`crate::event`], and for the ops that
//! return a port or a status the structure is copied back. A failed copy-out after a successful
//! operation is `EFAULT` with the operation done, as in Xen ("cleaning up here would be a mess").
//!
//! Not provided: EVTCHNOP_bind_pirq (xen-rs has no physical IRQs to route: `EINVAL`, Xen's
//! answer for a PIRQ beyond the domain's `nr_pirqs`).

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::event_channel::*;
use xen_public::xen::DOMID_SELF;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes};

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::event::{self, ResetStart};
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// EVTCHNOP_reset's continuation: a preempted reset resumes with it (public/event_channel.h
/// defines it for the hypervisor only, under `__XEN__`).
pub const EVTCHNOP_reset_cont: u32 = 14;

/// Ports EVTCHNOP_reset closes between preemption checks (`!(i & 0x3f)`).
const RESET_BATCH_MASK: u32 = 0x3f;

/// EVTCHNOP_* for `call.caller`: `args[0]` the command (an int), `args[1]` the argument's guest
/// address.
pub fn do_event_channel_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let cmd = args[0] as u32;
    let arg = args[1];
    let caller = call.caller;
    let rc = match cmd {
        EVTCHNOP_alloc_unbound => {
            let mut a: evtchn_alloc_unbound = read(call, arg)?;
            let d = hv.domain_by_any_id(caller, a.dom).ok_or(Errno::ESRCH)?;
            let remote = if a.remote_dom == DOMID_SELF {
                caller.domid()
            } else {
                a.remote_dom
            };
            let permitted = policy::check(XsmAction::Target, caller, Some(&d));
            a.port = event::alloc_unbound(hv, &d, remote, permitted)?;
            write_back(call, arg, &a)
        }
        EVTCHNOP_bind_interdomain => {
            let mut b: evtchn_bind_interdomain = read(call, arg)?;
            let rd = hv
                .domain_by_any_id(caller, b.remote_dom)
                .ok_or(Errno::ESRCH)?;
            b.local_port = event::bind_interdomain(hv, caller, &rd, b.remote_port)?;
            write_back(call, arg, &b)
        }
        EVTCHNOP_bind_virq => {
            let mut b: evtchn_bind_virq = read(call, arg)?;
            b.port = event::bind_virq(hv, caller, b.virq, b.vcpu)?;
            write_back(call, arg, &b)
        }
        EVTCHNOP_bind_ipi => {
            let mut b: evtchn_bind_ipi = read(call, arg)?;
            b.port = event::bind_ipi(hv, caller, b.vcpu)?;
            write_back(call, arg, &b)
        }
        EVTCHNOP_bind_pirq => {
            let _: evtchn_bind_pirq = read(call, arg)?;
            Err(Errno::EINVAL)
        }
        EVTCHNOP_close => {
            let c: evtchn_close = read(call, arg)?;
            event::close(hv, caller, c.port)
        }
        EVTCHNOP_send => {
            let s: evtchn_send = read(call, arg)?;
            event::send(hv, caller, s.port)
        }
        EVTCHNOP_status => {
            let mut s: evtchn_status = read(call, arg)?;
            let d = hv.domain_by_any_id(caller, s.dom).ok_or(Errno::ESRCH)?;
            let permitted = policy::check(XsmAction::Target, caller, Some(&d));
            let (status, vcpu, u) = event::status(&d, s.port, permitted)?;
            s.status = status;
            s.vcpu = vcpu;
            s.u = u;
            write_back(call, arg, &s)
        }
        EVTCHNOP_bind_vcpu => {
            let b: evtchn_bind_vcpu = read(call, arg)?;
            event::bind_vcpu(caller, b.port, b.vcpu)
        }
        EVTCHNOP_unmask => {
            let u: evtchn_unmask = read(call, arg)?;
            event::unmask(hv, caller, u.port)
        }
        EVTCHNOP_reset | EVTCHNOP_reset_cont => {
            let r: evtchn_reset = read(call, arg)?;
            let d = hv.domain_by_any_id(caller, r.dom).ok_or(Errno::ESRCH)?;
            policy::check(XsmAction::Target, caller, Some(&d))?;
            let start = if cmd == EVTCHNOP_reset_cont {
                ResetStart::Resume
            } else {
                ResetStart::New
            };
            match reset(hv, call, &d, start) {
                Err(Errno::ERESTART) => {
                    return Ok(Outcome::Continue([
                        u64::from(EVTCHNOP_reset_cont),
                        arg,
                        args[2],
                        args[3],
                        args[4],
                    ]))
                }
                other => other,
            }
        }
        EVTCHNOP_init_control => {
            let mut c: evtchn_init_control = read(call, arg)?;
            event::init_control(hv, caller, c.vcpu, c.control_gfn, c.offset)?;
            // `init_control->link_bits = EVTCHN_FIFO_LINK_BITS`, copied back on success.
            c.link_bits = EVTCHN_FIFO_LINK_BITS as u8;
            write_back(call, arg, &c)
        }
        EVTCHNOP_expand_array => {
            let e: evtchn_expand_array = read(call, arg)?;
            event::expand_array(hv, caller, e.array_gfn)
        }
        EVTCHNOP_set_priority => {
            let s: evtchn_set_priority = read(call, arg)?;
            event::set_priority(caller, s.port, s.priority)
        }
        _ => Err(Errno::ENOSYS),
    };
    rc.map(|()| Outcome::Return(0))
}

/// The argument structure (`copy_from_guest`): `EFAULT` if unreadable.
fn read<T: FromBytes + IntoBytes, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    arg: u64,
) -> Result<T, Errno> {
    guest::read(call.guest, GuestHandle::<T>::new(arg))
}

/// Copies the answer back (`__copy_to_guest`): `EFAULT` if that fails, the operation done.
fn write_back<T: IntoBytes + Immutable, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    arg: u64,
    value: &T,
) -> Result<(), Errno> {
    guest::write(call.guest, GuestHandle::<T>::new(arg), value)
}

/// `evtchn_reset`: closes every port of `d` (a domain other than the caller must be paused by
/// its controller: `EINVAL`), preempted every 64 ports; `EAGAIN` if ports were bound
/// meanwhile. Back on the 2-level ABI afterwards.
fn reset<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    d: &crate::domain::Domain<Fmt>,
    start: ResetStart,
) -> Result<(), Errno> {
    if d.domid() != call.caller.domid() && d.state().controller_pause_count == 0 {
        return Err(Errno::EINVAL);
    }
    let mut port = event::reset_begin(&d.events, start)?;
    while event::reset_should_close(&d.events, port) {
        // Ports already free fail with EINVAL: nothing to close there.
        let _ = event::close(hv, d, port);
        if port & RESET_BATCH_MASK == 0 && call.preempt.should_preempt() {
            event::reset_preempted(&d.events, port);
            return Err(Errno::ERESTART);
        }
        port += 1;
    }
    event::reset_end(hv, d)
}
