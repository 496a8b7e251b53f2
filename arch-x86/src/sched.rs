//! The scheduler for the boot CPU (Xen's `schedule()` with one run queue, much simplified): each
//! runnable vCPU runs for a slice, or until it yields, blocks or its domain stops. A vCPU that
//! blocks (SCHEDOP_block, SCHEDOP_poll, HLT) sleeps until an event or a timer wakes it, which
//! clears its portable VPF_blocked flag (`vcpu_unblock`); nothing wakes vCPUs on a tick. A CPU
//! with nothing to run sleeps until the next deadline of the timer queue.
//!
//! The local APIC's one-shot timer is armed before every entry for the earlier of the end of the
//! slice and the next timer deadline; when it fires, due timers run (they may wake vCPUs or flag
//! upcalls, which `intr` injects before the next entry). New domains are looked for only when one
//! is unpaused. SMP will give each CPU its own queue; the state a vCPU's runnability depends on
//! is the portable vCPU's and its domain's, not this queue's.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;

use hypercall::domain::{Domain, Life};
use hypercall::vcpu::Vcpu;
use xen_mm::p2m::format::P2mFormat;

use crate::vcpu::HvmVcpu;

/// One vCPU the scheduler knows: the portable vCPU (through its domain) and the hardware one.
pub struct SchedVcpu<Fmt: P2mFormat> {
    /// Its domain.
    pub domain: Arc<Domain<Fmt>>,
    /// Its id in the domain.
    pub vcpu_id: u32,
    /// The hardware vCPU (SVM or VMX).
    pub hw: Box<dyn HvmVcpu>,
    /// Slices it was given.
    pub slices: u64,
    /// Times the timer took the CPU back from it.
    pub preemptions: u64,
    /// The p2m's TLB generation its cached translations reflect.
    pub tlb_generation: u64,
}

impl<Fmt: P2mFormat> SchedVcpu<Fmt> {
    /// vCPU `vcpu_id` of `domain`, never run.
    pub fn new(domain: Arc<Domain<Fmt>>, vcpu_id: u32, hw: Box<dyn HvmVcpu>) -> Self {
        SchedVcpu {
            tlb_generation: domain.p2m.tlb_generation(),
            domain,
            vcpu_id,
            hw,
            slices: 0,
            preemptions: 0,
        }
    }

    /// The portable vCPU.
    pub fn vcpu(&self) -> &Vcpu {
        &self.domain.vcpu_slots()[self.vcpu_id as usize]
    }

    /// Whether it may run now (`vcpu_runnable`).
    pub fn runnable(&self) -> Runnable {
        let st = self.domain.state();
        let v = self.vcpu();
        runnable(
            st.life,
            st.is_shutting_down,
            st.controller_pause_count > 0,
            v.is_blocked() || v.is_down(),
        )
    }

    /// Flushes the guest TLB if the p2m changed since the vCPU last ran (Xen flushes the
    /// domain's dirty CPUs on p2m changes; with one CPU, checking before each entry does it).
    pub fn sync_tlb(&mut self) {
        let now = self.domain.p2m.tlb_generation();
        if now != self.tlb_generation {
            self.hw.flush_guest_tlb();
            self.tlb_generation = now;
        }
    }
}

/// What a vCPU may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runnable {
    /// It can run.
    Yes,
    /// Not now (paused by the toolstack, blocked, or down).
    NotNow,
    /// Never again: its domain shut down, crashed or is dying.
    Gone,
}

/// Whether a vCPU of a domain in this state may run (`vcpu_runnable`): `waiting` is its
/// VPF_blocked or VPF_down.
pub fn runnable(life: Life, shut_down: bool, paused: bool, waiting: bool) -> Runnable {
    if life != Life::Alive || shut_down {
        Runnable::Gone
    } else if paused || waiting {
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

/// How long a vCPU runs before another runnable one gets the CPU (Xen's credit scheduler: 30 ms).
pub const SLICE_NS: u64 = 30_000_000;
/// The longest the idle CPU sleeps when no timer is due sooner.
pub const IDLE_MAX_NS: u64 = 10_000_000;

/// Runs the vCPUs round-robin until dom0 stops; returns dom0's shutdown code. Other domains that
/// stop are dropped from the queue and the rest go on, as in Xen.
#[cfg(target_os = "none")]
pub fn schedule<X: crate::vendor::Vendor>(
    hv: &crate::hvm_exit::Hv<X::Fmt>,
    mut rq: RunQueue<SchedVcpu<X::Fmt>>,
) -> u32 {
    use core::sync::atomic::Ordering;
    use xen_public::sched::SHUTDOWN_crash;

    let mut started: alloc::collections::BTreeSet<(u16, u32)> = rq
        .iter_mut()
        .map(|v| (v.domain.domid(), v.vcpu_id))
        .collect();
    let mut seen_unpauses = None;
    loop {
        hypercall::timer::run_timers(hv, hv.clock.now());
        let unpauses = hv.unpauses.load(Ordering::SeqCst);
        if seen_unpauses != Some(unpauses) {
            seen_unpauses = Some(unpauses);
            start_new_vcpus::<X>(hv, &mut rq, &mut started);
        }
        let mut dom0_code = None;
        let picked = rq.pick(
            |v| v.runnable(),
            |v| {
                let code = v.domain.state().shutdown_code;
                crate::printk!(
                    "Scheduler: d{}v{} stopped after {} slices, {} timer preemptions\n",
                    v.domain.domid(),
                    v.vcpu_id,
                    v.slices,
                    v.preemptions
                );
                if v.domain.domid() == 0 {
                    dom0_code = Some(code.unwrap_or(SHUTDOWN_crash));
                }
            },
        );
        if let Some(code) = dom0_code {
            return code;
        }
        let Some(v) = picked else {
            if rq.is_empty() {
                crate::printk!("Scheduler: no vCPU left to run\n");
                return SHUTDOWN_crash;
            }
            // Idle: sleep until the next timer is due.
            let now = hv.clock.now();
            let wait = hv
                .timers
                .next_deadline()
                .map_or(IDLE_MAX_NS, |t| t.saturating_sub(now).min(IDLE_MAX_NS));
            crate::apic::arm_oneshot_ns(wait);
            crate::apic::wait_for_interrupt();
            continue;
        };
        run_slice(hv, v);
        rq.rotate();
    }
}

/// Runs `v` for one slice (Xen's `context_switch` into it, then its exits until it must leave
/// the CPU): it is running, its time record is refreshed, its upcall injected before each entry;
/// afterwards it is runnable, blocked or offline.
#[cfg(target_os = "none")]
fn run_slice<Fmt: P2mFormat>(hv: &crate::hvm_exit::Hv<Fmt>, v: &mut SchedVcpu<Fmt>) {
    use crate::hvm_exit::{flush_console, handle_exit, Next};
    use xen_public::vcpu::{
        RUNSTATE_blocked, RUNSTATE_offline, RUNSTATE_runnable, RUNSTATE_running,
    };

    v.slices += 1;
    let d = v.domain.clone();
    let vcpu = &d.vcpu_slots()[v.vcpu_id as usize];
    let start = hv.clock.now();
    let slice_end = start + SLICE_NS;
    vcpu.runstate_change(RUNSTATE_running, start);
    crate::msr::load_guest_tsc_aux(vcpu.tsc_aux());
    let written =
        hypercall::time::update_vcpu_system_time(&hv.clock, hv.heap.frames(), vcpu, false);
    update_guest_areas(hv, &d, vcpu, &*v.hw, written);
    loop {
        v.sync_tlb();
        crate::intr::intr_assist(hv, &d, vcpu, &mut *v.hw);
        let now = hv.clock.now();
        let deadline = hv
            .timers
            .next_deadline()
            .map_or(slice_end, |t| t.min(slice_end));
        crate::apic::arm_oneshot_ns(deadline.saturating_sub(now));
        let exit = v.hw.run();
        // Any exit is a moment to take a timer interrupt that arrived while the guest ran, not
        // only an interrupt exit: on hardware a pending one would make the next entry exit at
        // once, and Bochs 2.7 does not exit for it while a guest entered with IF clear keeps
        // IF clear (see tests/guest's `spin`).
        crate::apic::take_pending_interrupts();
        let next = handle_exit(hv, &d, v.vcpu_id, &mut *v.hw, exit);
        let now = hv.clock.now();
        if hv.timers.next_deadline().is_some_and(|t| t <= now) {
            hypercall::timer::run_timers(hv, now);
        }
        match next {
            // A vCPU taken down, paused or stopped by what it did (VCPUOP_down on itself, a
            // shutdown) leaves the CPU even if its exit did not say so.
            Next::Resume if v.runnable() != Runnable::Yes => break,
            Next::Resume => {}
            Next::Interrupted => {
                if now >= slice_end {
                    v.preemptions += 1;
                    break;
                }
            }
            Next::Yield | Next::Block => break,
            Next::Stop => {
                flush_console(hv);
                break;
            }
        }
    }
    let state = if vcpu.is_down() {
        RUNSTATE_offline
    } else if vcpu.is_blocked() {
        RUNSTATE_blocked
    } else {
        RUNSTATE_runnable
    };
    vcpu.runstate_change(state, hv.clock.now());
    update_guest_areas(hv, &d, vcpu, &*v.hw, None);
}

/// The copies a vCPU asked for in its own memory (Xen's `update_runstate_area` and
/// `update_secondary_system_time` at a context switch): its run state, and the time record
/// `written` to its vcpu_info if it changed.
#[cfg(target_os = "none")]
fn update_guest_areas<Fmt: P2mFormat>(
    hv: &crate::hvm_exit::Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu: &Vcpu,
    hw: &dyn HvmVcpu,
    written: Option<xen_public::xen::vcpu_time_info>,
) {
    let (runstate_area, time_area) = {
        let st = vcpu.state();
        (st.runstate_area, st.time_area)
    };
    if runstate_area.is_none() && (time_area.is_none() || written.is_none()) {
        return;
    }
    let mut guest = hypercall::hvm_guest::HvmGuestMemory {
        heap: &hv.heap,
        domain: d,
        paging: hw.paging_state(),
    };
    let update_flag = d.state().runstate_update_flag;
    hypercall::vcpu::update_runstate_area(vcpu, &mut guest, update_flag);
    if let (Some(area), Some(info)) = (time_area, written) {
        hypercall::time::update_secondary_system_time(&mut guest, area, &info);
    }
}

/// Adds every vCPU that can start since the last look: of a domain alive and not paused, up,
/// and with a context to start from (vCPU 0 loaded by the toolstack with
/// XEN_DOMCTL_sethvmcontext, a secondary vCPU given one by VCPUOP_initialise and brought up with
/// VCPUOP_up). Each vCPU is started once.
#[cfg(target_os = "none")]
fn start_new_vcpus<X: crate::vendor::Vendor>(
    hv: &crate::hvm_exit::Hv<X::Fmt>,
    rq: &mut RunQueue<SchedVcpu<X::Fmt>>,
    started: &mut alloc::collections::BTreeSet<(u16, u32)>,
) {
    for d in hv.domains.list_from(0, usize::MAX) {
        let vcpus = {
            let st = d.state();
            if st.life != Life::Alive || st.controller_pause_count > 0 {
                continue;
            }
            st.vcpus
        };
        for id in 0..vcpus {
            if started.contains(&(d.domid(), id)) {
                continue;
            }
            let Some(ctx) = d.vcpu_context(id) else {
                continue;
            };
            started.insert((d.domid(), id));
            let ncr3 = d.p2m.root().paddr();
            crate::printk!("d{}v{id}: started at {:#x}\n", d.domid(), ctx.rip);
            rq.push(SchedVcpu::new(
                d.clone(),
                id,
                Box::new(X::from_context(&ctx, ncr3)),
            ));
        }
    }
}

/// A run queue with vCPU 0 of `d`.
pub fn run_queue_with<Fmt: P2mFormat>(
    d: Arc<Domain<Fmt>>,
    vcpu: Box<dyn HvmVcpu>,
) -> RunQueue<SchedVcpu<Fmt>> {
    let mut rq = RunQueue::new();
    rq.push(SchedVcpu::new(d, 0, vcpu));
    rq
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
