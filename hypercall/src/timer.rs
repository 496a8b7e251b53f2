//! The hypervisor's timer queue (xen/common/timer.c, one queue for the one CPU): each vCPU's
//! single-shot timer (VCPUOP_set_singleshot_timer, set_timer_op), periodic timer
//! (VCPUOP_set_periodic_timer), SCHEDOP_poll timeout and local-APIC timer, ordered by
//! deadline in system time. The arch layer programs the local APIC for the earliest deadline and calls [`run_timers`]
//! when it passes; nothing ticks at a fixed rate.
//!
//! At most four timers per vCPU are queued (setting one replaces it), so a guest cannot make
//! the queue grow. A dying domain's timers are stopped with its event channels.
//!
//! Lock order: the queue's lock (`timer`, 950) is a leaf; expired timers are taken out under it
//! and acted on after it is released. The vLAPIC re-queues its timer under the vCPU lock
//! (`vcpu`, 10), which comes before it.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use xen_mm::buddy::DomId;
use xen_mm::frame::FrameAccess;
use xen_mm::lock_order::TIMER;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::sync::Mutex;
use xen_public::xen::VIRQ_TIMER;

use crate::hypervisor::Hypervisor;

/// Which of a vCPU's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimerKind {
    /// `v->singleshot_timer`: sends VIRQ_TIMER once.
    Singleshot,
    /// `v->periodic_timer`: sends VIRQ_TIMER every period.
    Periodic,
    /// `v->poll_timer`: ends a SCHEDOP_poll.
    Poll,
    /// The local APIC's timer (`vlapic->pt`): one-shot, periodic or TSC-deadline, as the
    /// vCPU's [`crate::vlapic::Vlapic`] says.
    Lapic,
}

/// A timer: whose and which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimerId {
    /// The domain.
    pub domid: DomId,
    /// The vCPU.
    pub vcpu: u32,
    /// Which timer.
    pub kind: TimerKind,
}

#[derive(Default)]
struct Queue {
    /// (deadline, timer), earliest first.
    by_deadline: BTreeSet<(u64, TimerId)>,
    /// Each queued timer's deadline.
    by_id: BTreeMap<TimerId, u64>,
}

/// Timers by deadline.
pub struct TimerQueue {
    queue: Mutex<Queue>,
}

impl Default for TimerQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl TimerQueue {
    /// No timers.
    pub fn new() -> Self {
        TimerQueue {
            queue: Mutex::new(TIMER, Queue::default()),
        }
    }

    /// Arms `id` for `deadline` (`set_timer`), replacing its earlier deadline. A deadline already
    /// past fires at the next [`run_timers`].
    pub fn set(&self, id: TimerId, deadline: u64) {
        let mut q = self.queue.lock();
        if let Some(old) = q.by_id.insert(id, deadline) {
            q.by_deadline.remove(&(old, id));
        }
        q.by_deadline.insert((deadline, id));
    }

    /// Disarms `id` (`stop_timer`); `true` if it was armed.
    pub fn stop(&self, id: TimerId) -> bool {
        let mut q = self.queue.lock();
        match q.by_id.remove(&id) {
            Some(old) => q.by_deadline.remove(&(old, id)),
            None => false,
        }
    }

    /// When `id` fires, if armed.
    pub fn deadline(&self, id: TimerId) -> Option<u64> {
        self.queue.lock().by_id.get(&id).copied()
    }

    /// The earliest deadline, for programming the hardware timer.
    pub fn next_deadline(&self) -> Option<u64> {
        self.queue.lock().by_deadline.first().map(|&(d, _)| d)
    }

    /// Disarms every timer of `domid`.
    pub fn stop_domain(&self, domid: DomId) {
        let mut q = self.queue.lock();
        let ids: Vec<TimerId> = q
            .by_id
            .range(
                TimerId {
                    domid,
                    vcpu: 0,
                    kind: TimerKind::Singleshot,
                }..,
            )
            .take_while(|(id, _)| id.domid == domid)
            .map(|(&id, _)| id)
            .collect();
        for id in ids {
            if let Some(old) = q.by_id.remove(&id) {
                q.by_deadline.remove(&(old, id));
            }
        }
    }

    /// Takes out every timer due at `now`, earliest first.
    pub fn take_expired(&self, now: u64) -> Vec<(TimerId, u64)> {
        let mut q = self.queue.lock();
        let mut due = Vec::new();
        while let Some(&(deadline, id)) = q.by_deadline.first() {
            if deadline > now {
                break;
            }
            q.by_deadline.remove(&(deadline, id));
            q.by_id.remove(&id);
            due.push((id, deadline));
        }
        due
    }

    /// Timers armed.
    pub fn len(&self) -> usize {
        self.queue.lock().by_id.len()
    }

    /// Whether none is armed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Fires every timer due at `now` (Xen's `timer_softirq_action`): a single-shot timer sends
/// VIRQ_TIMER to its vCPU (`vcpu_singleshot_timer_fn`); a periodic one sends it and re-arms one
/// period after now (`vcpu_periodic_timer_work`); a poll timeout wakes its vCPU if it still
/// polls (`poll_timer_fn`); a LAPIC timer is handed to its vLAPIC (`pt_timer_fn`). Timers of domains gone or dying are dropped.
pub fn run_timers<F: FrameAccess, Fmt: P2mFormat>(hv: &Hypervisor<F, Fmt>, now: u64) {
    for (id, _) in hv.timers.take_expired(now) {
        let Some(d) = hv.domains.get(id.domid) else {
            continue;
        };
        if d.life() != crate::domain::Life::Alive {
            continue;
        }
        let Some(v) = d.vcpu_slots().get(id.vcpu as usize) else {
            continue;
        };
        match id.kind {
            TimerKind::Singleshot => {
                crate::event::send_vcpu_virq(hv, &d, id.vcpu, VIRQ_TIMER);
            }
            TimerKind::Periodic => {
                let period = v.periodic_period();
                if period != 0 {
                    crate::event::send_vcpu_virq(hv, &d, id.vcpu, VIRQ_TIMER);
                    hv.timers.set(id, now + period);
                }
            }
            TimerKind::Poll => {
                if v.stop_poll() {
                    v.unblock();
                }
            }
            TimerKind::Lapic => crate::vlapic::access::timer_fn(hv, &d, v, now),
        }
    }
}
