//! SCHEDOP_* (xen/common/sched/core.c `do_sched_op`), as Xen 4.17 behaves.
//!
//! Yield and block only tell the scheduler through [`Call::sched`]; they return 0 at once. Shutdown
//! codes are Xen's `(u8)` truncation of the guest's reason and are not checked against
//! SHUTDOWN_MAX: `domain_shutdown` records whatever it is given (an unknown code reaches the
//! toolstack, which treats it as a crash). The hardware domain's shutdown is recorded like any
//! other; acting on it (Xen's `hwdom_shutdown`: halt, reboot or crash the machine) is the arch
//! layer's job.
//!
//! Without event channels and timers (xen-rs has neither yet):
//! - SCHEDOP_poll checks its arguments as `do_poll` does, with no port valid (`max_evtchns` 0): a
//!   port list that can be read fails with `EINVAL`; an empty list returns 0 at once, as a poll
//!   woken straight away (the poll timeout cannot be armed, and a guest must recheck after any
//!   poll anyway), asking the scheduler for a yield.
//! - SCHEDOP_watchdog returns `ENOSYS`, as a Xen without the subop: a watchdog that could never
//!   fire must not look armed, and Linux's xen_wdt takes `ENOSYS` as "not supported".
//! - SCHEDOP_pin_override (pCPU affinity, the scheduler's business) returns `ENOSYS` too.

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::event_channel::evtchn_port_t;
use xen_public::sched::*;
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt, SchedRequest};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// The most ports one SCHEDOP_poll may name (`do_poll`'s "fairly arbitrary limit").
pub const POLL_MAX_PORTS: u32 = 128;
/// Event channel ports a domain has (`d->max_evtchns`): none, until xen-rs has event channels.
pub const MAX_EVTCHNS: evtchn_port_t = 0;

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
            call.sched = Some(SchedRequest::Block);
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
            do_poll(call, &poll)
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

/// `d->max_evtchns`: [`MAX_EVTCHNS`] for every domain.
// Skipped by cargo-mutants: MAX_EVTCHNS is 0, what its default-value mutant returns, until event
// channels exist.
#[cfg_attr(test, mutants::skip)]
fn max_evtchns<Fmt: P2mFormat>(_d: &Domain<Fmt>) -> evtchn_port_t {
    MAX_EVTCHNS
}

/// `do_poll` without event channels: every port is out of range.
fn do_poll<Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    poll: &sched_poll,
) -> HcResult {
    if poll.nr_ports > POLL_MAX_PORTS {
        return Err(Errno::EINVAL);
    }
    for i in 0..poll.nr_ports {
        let port = guest::read_at(call.guest, poll.ports, u64::from(i))?;
        if port >= max_evtchns(call.caller) {
            return Err(Errno::EINVAL);
        }
    }
    // Nothing to wait for that could ever be pending, and no timer: woken at once.
    call.sched = Some(SchedRequest::Yield);
    Ok(Outcome::Return(0))
}
