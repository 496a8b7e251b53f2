//! A round-robin scheduler for the boot CPU (SMP comes later): each runnable vCPU runs for a
//! slice of timer ticks, or until it yields, blocks or its domain stops; a CPU with nothing to
//! run waits for the next interrupt (Xen's `schedule()` with one runqueue, much simplified).
//!
//! Blocked vCPUs wake on the next timer tick: event channels do not exist yet, so every wake-up
//! is one the guest must treat as spurious, which SCHEDOP_block allows.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;

use hypercall::domain::{Domain, Life};
use xen_mm::p2m::format::P2mFormat;

use crate::vcpu::HvmVcpu;

/// One vCPU the scheduler knows.
pub struct SchedVcpu<Fmt: P2mFormat> {
    /// Its domain.
    pub domain: Arc<Domain<Fmt>>,
    /// The hardware vCPU (SVM or VMX).
    pub vcpu: Box<dyn HvmVcpu>,
    /// Waiting for an event (SCHEDOP_block, HLT).
    pub blocked: bool,
    /// Slices it was given.
    pub slices: u64,
    /// Times the timer took the CPU back from it.
    pub preemptions: u64,
    /// The p2m's TLB generation its cached translations reflect.
    pub tlb_generation: u64,
}

impl<Fmt: P2mFormat> SchedVcpu<Fmt> {
    /// A vCPU of `domain`, runnable, never run.
    pub fn new(domain: Arc<Domain<Fmt>>, vcpu: Box<dyn HvmVcpu>) -> Self {
        SchedVcpu {
            tlb_generation: domain.p2m.tlb_generation(),
            domain,
            vcpu,
            blocked: false,
            slices: 0,
            preemptions: 0,
        }
    }

    /// Flushes the guest TLB if the p2m changed since the vCPU last ran (Xen flushes the
    /// domain's dirty CPUs on p2m changes; with one CPU, checking before each entry does it).
    pub fn sync_tlb(&mut self) {
        let now = self.domain.p2m.tlb_generation();
        if now != self.tlb_generation {
            self.vcpu.flush_guest_tlb();
            self.tlb_generation = now;
        }
    }
}

/// What a vCPU may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runnable {
    /// It can run.
    Yes,
    /// Not now (paused by the toolstack, or blocked).
    NotNow,
    /// Never again: its domain shut down, crashed or is dying.
    Gone,
}

/// Whether a vCPU of a domain in this state may run (`vcpu_runnable`).
pub fn runnable(life: Life, shut_down: bool, paused: bool, blocked: bool) -> Runnable {
    if life != Life::Alive || shut_down {
        Runnable::Gone
    } else if paused || blocked {
        Runnable::NotNow
    } else {
        Runnable::Yes
    }
}

/// The run queue: the vCPU at the front runs next.
#[derive(Default)]
pub struct RunQueue<T> {
    queue: VecDeque<T>,
}

impl<T> RunQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        RunQueue {
            queue: VecDeque::new(),
        }
    }

    /// Adds a vCPU at the back.
    pub fn push(&mut self, v: T) {
        self.queue.push_back(v);
    }

    /// How many vCPUs it holds.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The first vCPU for which `state` says [`Runnable::Yes`], moved to the front; vCPUs that
    /// are [`Runnable::Gone`] are handed to `gone` and dropped. `None` if nothing can run now.
    pub fn pick(
        &mut self,
        mut state: impl FnMut(&T) -> Runnable,
        mut gone: impl FnMut(T),
    ) -> Option<&mut T> {
        for _ in 0..self.queue.len() {
            let front = self.queue.front()?;
            match state(front) {
                Runnable::Yes => return self.queue.front_mut(),
                Runnable::NotNow => self.queue.rotate_left(1),
                Runnable::Gone => {
                    if let Some(v) = self.queue.pop_front() {
                        gone(v);
                    }
                }
            }
        }
        None
    }

    /// The front vCPU goes to the back (its slice ended, or it yielded or blocked).
    pub fn rotate(&mut self) {
        if !self.queue.is_empty() {
            self.queue.rotate_left(1);
        }
    }

    /// Every vCPU, for waking them all.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.queue.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_live_unpaused_unblocked_vcpus_run() {
        assert_eq!(runnable(Life::Alive, false, false, false), Runnable::Yes);
        assert_eq!(runnable(Life::Alive, false, true, false), Runnable::NotNow);
        assert_eq!(runnable(Life::Alive, false, false, true), Runnable::NotNow);
        assert_eq!(runnable(Life::Alive, true, false, false), Runnable::Gone);
        assert_eq!(runnable(Life::Dying, false, false, false), Runnable::Gone);
    }

    #[test]
    fn round_robin_skips_the_waiting_and_drops_the_gone() {
        // (id, state)
        let mut q = RunQueue::new();
        for v in [
            (0, Runnable::Yes),
            (1, Runnable::NotNow),
            (2, Runnable::Gone),
            (3, Runnable::Yes),
        ] {
            q.push(v);
        }
        let mut dropped = std::vec::Vec::new();
        assert_eq!(q.pick(|v| v.1, |v| dropped.push(v.0)).map(|v| v.0), Some(0));
        q.rotate();
        // 1 waits (moves back), 2 is dropped, 3 runs.
        assert_eq!(q.pick(|v| v.1, |v| dropped.push(v.0)).map(|v| v.0), Some(3));
        assert_eq!(dropped, [2]);
        assert_eq!(q.len(), 3);
        q.rotate();
        assert_eq!(q.pick(|v| v.1, |v| dropped.push(v.0)).map(|v| v.0), Some(0));
        // Nothing runnable: None, and nobody lost.
        let mut idle = RunQueue::new();
        idle.push((7, Runnable::NotNow));
        assert!(idle.pick(|v| v.1, |_| panic!("not gone")).is_none());
        assert_eq!(idle.len(), 1);
    }
}
