//! SCHEDOP_* (xen/common/sched/core.c `do_sched_op`), as Xen 4.17 behaves.
//!
//! Yield and block only tell the scheduler through [`Call::sched`]; they return 0 at once. Shutdown
//! codes are Xen's `(u8)` truncation of the guest's reason and are not checked against
//! SHUTDOWN_MAX: `domain_shutdown` records whatever it is given (an unknown code reaches the
//! toolstack, which treats it as a crash). The hardware domain's shutdown is recorded like any
//! other; acting on it (Xen's `hwdom_shutdown`: halt, reboot or crash the machine) is the arch
//! layer's job.
//!
//! SCHEDOP_block and SCHEDOP_poll mark the calling vCPU blocked and tell the scheduler through
//! [`Call::sched`]; an event that is already pending (and deliverable: the vCPU's interrupts are
//! on, which [`Call::interrupts_enabled`] says) unblocks it at once, as Xen checks after blocking.
//! Not provided: SCHEDOP_watchdog returns `ENOSYS`, as a Xen without the subop (a watchdog that
//! could never fire must not look armed; Linux's xen_wdt takes `ENOSYS` as "not supported"), and
//! SCHEDOP_pin_override (pCPU affinity, the scheduler's business) returns `ENOSYS` too.

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::sched::*;
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt, SchedRequest};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};
use crate::timer::{TimerId, TimerKind};
use crate::vcpu::Vcpu;

/// The most ports one SCHEDOP_poll may name (`do_poll`'s "fairly arbitrary limit").
pub const POLL_MAX_PORTS: u32 = 128;

/// SCHEDOP_* for `call.caller`: `args[0]` the command (Xen's `int cmd`: its low 32 bits), `args[1]`
/// the argument structure's guest address.
pub fn do_sched_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    // Truncation is Xen's: `cmd` is an int.
    let cmd = args[0] as u32;
    let arg = args[1];
    match cmd {
        SCHEDOP_yield => {
            call.sched = Some(SchedRequest::Yield);
            Ok(Outcome::Return(0))
        }
        SCHEDOP_block => {
            // `vcpu_block_enable_events`: the scheduler wakes it when an event is pending.
            block(hv, call);
            Ok(Outcome::Return(0))
        }
        SCHEDOP_shutdown => {
            let s = guest::read(call.guest, GuestHandle::<sched_shutdown>::new(arg))?;
            call.caller.shutdown(shutdown_reason(s.reason));
            Ok(Outcome::Return(0))
        }
        SCHEDOP_shutdown_code => {
            let s = guest::read(call.guest, GuestHandle::<sched_shutdown>::new(arg))?;
            // Recorded only if no code is yet: a later shutdown reports this one.
            let mut st = call.caller.state();
            if st.shutdown_code.is_none() {
                st.shutdown_code = Some(shutdown_reason(s.reason));
            }
            Ok(Outcome::Return(0))
        }
        SCHEDOP_poll => {
            let poll = guest::read(call.guest, GuestHandle::<sched_poll>::new(arg))?;
            do_poll(hv, call, &poll)
        }
        SCHEDOP_remote_shutdown => {
            let rs = guest::read(call.guest, GuestHandle::<sched_remote_shutdown>::new(arg))?;
            // `rcu_lock_domain_by_id`: DOMID_SELF is not resolved, so it is ESRCH too.
            let d = hv.domains.get(rs.domain_id).ok_or(Errno::ESRCH)?;
            policy::check(XsmAction::DmPriv, call.caller, Some(&d))?;
            // Xen 4.17 ignores `domain_shutdown`'s result here.
            d.shutdown(shutdown_reason(rs.reason));
            Ok(Outcome::Return(0))
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// The code `domain_shutdown(d, u8 reason)` records: the reason's low byte.
fn shutdown_reason(reason: u32) -> u32 {
    reason & 0xff
}

/// Whether the calling vCPU has an event to take now (`local_events_need_delivery`, for HVM
/// `hvm_local_events_need_delivery`): an interrupt to inject ([`crate::event::has_pending_irq`])
/// and the vCPU's interrupts on.
fn local_events_need_delivery<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &Call<'_, Fmt, G, P>,
    v: &Vcpu,
) -> bool {
    call.interrupts_enabled && crate::event::has_pending_irq(&hv.heap, call.caller, v)
}

/// `vcpu_block`: blocked, unless an event is already waiting.
fn block<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
) {
    if vcpu_block(hv, call.caller, call.vcpu, call.interrupts_enabled) {
        call.sched = Some(SchedRequest::Block);
    }
}

/// Blocks vCPU `vcpu` of `d` (`vcpu_block`, for SCHEDOP_block and the arch layer's HLT): marked
/// blocked, then unblocked at once if an upcall is flagged that it can take (`interrupts_enabled`
/// is its RFLAGS.IF). Returns whether it stays blocked.
pub fn vcpu_block<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    vcpu: u32,
    interrupts_enabled: bool,
) -> bool {
    let Some(v) = d.vcpu_slots().get(vcpu as usize) else {
        return false;
    };
    v.block();
    // `local_events_need_delivery`.
    let deliverable = interrupts_enabled && crate::event::has_pending_irq(&hv.heap, d, v);
    if deliverable {
        v.unblock();
    }
    !deliverable
}

/// `do_poll`: blocks the calling vCPU until one of the ports is pending, or the timeout (system
/// time, 0 for none) passes. `EINVAL` for more than 128 ports or an invalid or unbound port,
/// `EFAULT` for an unreadable port list; returns at once if a port is pending already or an
/// event waits for delivery. With no ports it waits for any event of the domain.
fn do_poll<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    poll: &sched_poll,
) -> HcResult {
    if poll.nr_ports > POLL_MAX_PORTS {
        return Err(Errno::EINVAL);
    }
    let d = call.caller;
    let Some(v) = d.vcpu_slots().get(call.vcpu as usize) else {
        return Err(Errno::EINVAL);
    };
    let poll_timer = TimerId {
        domid: d.domid(),
        vcpu: call.vcpu,
        kind: TimerKind::Poll,
    };
    hv.timers.stop(poll_timer);
    v.block();
    v.start_poll(0);
    match poll_ports(hv, call, v, poll) {
        Ok(Some(last)) => {
            // One port: only it ends the poll; several: any event of the domain does.
            if poll.nr_ports == 1 {
                v.start_poll(last);
            }
            if poll.timeout != 0 {
                hv.timers.set(poll_timer, poll.timeout);
            }
            call.sched = Some(SchedRequest::Block);
            Ok(Outcome::Return(0))
        }
        other => {
            v.stop_poll();
            v.unblock();
            other.map(|_| Outcome::Return(0))
        }
    }
}

/// The checks `do_poll` makes once blocked: `Ok(Some(last port read))` to sleep, `Ok(None)` to
/// return at once, or the error.
fn poll_ports<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    v: &Vcpu,
    poll: &sched_poll,
) -> Result<Option<u32>, Errno> {
    if local_events_need_delivery(hv, call, v) {
        return Ok(None);
    }
    let mut last = 0;
    for i in 0..poll.nr_ports {
        last = guest::read_at(call.guest, poll.ports, u64::from(i))?;
        if crate::event::poll_pending(hv, call.caller, last)? {
            return Ok(None);
        }
    }
    Ok(Some(last))
}
