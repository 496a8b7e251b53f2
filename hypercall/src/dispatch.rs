//! The dispatcher: a hypercall number and five arguments in, a value or a Xen errno out
//! (xen/arch/x86/hypercall.c `pv_hypercall`/`hvm_hypercall` and the per-call `do_*` functions).
//!
//! Long operations check [`Preempt`] between steps. When it says stop, they return a
//! continuation: [`Outcome::Continue`] with the arguments to re-issue the call with (memory_op
//! encodes its progress in the command's upper bits, as `hypercall_create_continuation` does; a
//! handler's `ERESTART` re-issues the same arguments). The arch layer then leaves the guest's
//! instruction pointer on the hypercall instruction and the new arguments in its registers, so no
//! hypercall runs unbounded and a guest never sees `ERESTART`.

use alloc::sync::Arc;

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::xen::{
    __HYPERVISOR_console_io, __HYPERVISOR_dm_op, __HYPERVISOR_domctl,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op, __HYPERVISOR_memory_op,
    __HYPERVISOR_physdev_op, __HYPERVISOR_platform_op, __HYPERVISOR_sched_op,
    __HYPERVISOR_set_timer_op, __HYPERVISOR_sysctl, __HYPERVISOR_vcpu_op, __HYPERVISOR_vm_assist,
    __HYPERVISOR_xen_version,
};

use crate::domain::Domain;
use crate::guest::GuestMemory;
use crate::hypervisor::Hypervisor;

/// What a hypercall left for the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The value for the guest's rax: a result, or a negated errno.
    Return(i64),
    /// Preempted: re-execute the hypercall with these arguments.
    Continue([u64; 5]),
}

/// Xen's `hypercall_preempt_check`: whether a long operation should stop at the next step
/// boundary and continue later (a softirq or an interrupt is pending).
pub trait Preempt {
    /// `true`: stop now and return a continuation.
    fn should_preempt(&mut self) -> bool;
}

/// Never preempts.
pub struct NeverPreempt;

impl Preempt for NeverPreempt {
    fn should_preempt(&mut self) -> bool {
        false
    }
}

/// Preempts once `steps` checks have been made (tests use it to force continuations).
pub struct PreemptAfter {
    /// Checks left before it says stop.
    pub steps: u64,
}

impl Preempt for PreemptAfter {
    fn should_preempt(&mut self) -> bool {
        if self.steps == 0 {
            return true;
        }
        self.steps -= 1;
        false
    }
}

/// What the calling vCPU asked the scheduler for (SCHEDOP_yield, SCHEDOP_block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchedRequest {
    /// Give up the CPU, stay runnable.
    Yield,
    /// Sleep until an event arrives.
    Block,
}

/// One hypercall's context: who calls, its memory, and the preemption source.
pub struct Call<'a, Fmt: P2mFormat, G: GuestMemory, P: Preempt> {
    /// The calling domain.
    pub caller: &'a Arc<Domain<Fmt>>,
    /// The calling vCPU.
    pub vcpu: u32,
    /// The caller's memory, by the addresses in its arguments.
    pub guest: &'a mut G,
    /// Xen's `hypercall_preempt_check`.
    pub preempt: &'a mut P,
    /// Set by sched_op for the scheduler.
    pub sched: Option<SchedRequest>,
    /// Whether the calling vCPU takes interrupts (its RFLAGS.IF, outside an interrupt shadow):
    /// a pending upcall can then be delivered, so SCHEDOP_block and SCHEDOP_poll return at once.
    pub interrupts_enabled: bool,
}

/// A handler's answer: a value, a continuation, or an errno (`ERESTART`: continue with the same
/// arguments).
pub type HcResult = Result<Outcome, Errno>;

/// Runs hypercall `nr` with `args` for `call.caller`. Unknown hypercalls get `ENOSYS`; nothing a
/// guest passes makes it panic.
pub fn dispatch<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    nr: u64,
    args: [u64; 5],
) -> Outcome {
    let result = match u32::try_from(nr) {
        Ok(__HYPERVISOR_memory_op) => crate::memory_op::do_memory_op(hv, call, args),
        Ok(__HYPERVISOR_xen_version) => crate::xen_version::do_xen_version(hv, call, args),
        Ok(__HYPERVISOR_console_io) => crate::console_io::do_console_io(hv, call, args),
        Ok(__HYPERVISOR_sched_op) => crate::sched_op::do_sched_op(hv, call, args),
        Ok(__HYPERVISOR_hvm_op) => crate::hvm_op::do_hvm_op(hv, call, args),
        Ok(__HYPERVISOR_sysctl) => crate::sysctl::do_sysctl(hv, call, args),
        Ok(__HYPERVISOR_domctl) => crate::domctl::do_domctl(hv, call, args),
        Ok(__HYPERVISOR_dm_op) => crate::dm_op::do_dm_op(hv, call, args),
        Ok(__HYPERVISOR_vcpu_op) => crate::vcpu_op::do_vcpu_op(hv, call, args),
        Ok(__HYPERVISOR_set_timer_op) => crate::vcpu_op::do_set_timer_op(hv, call, args),
        Ok(__HYPERVISOR_vm_assist) => crate::vcpu_op::do_vm_assist(hv, call, args),
        Ok(__HYPERVISOR_platform_op) => crate::platform_op::do_platform_op(hv, call, args),
        Ok(__HYPERVISOR_event_channel_op) => {
            crate::event_channel_op::do_event_channel_op(hv, call, args)
        }
        Ok(__HYPERVISOR_physdev_op) => crate::physdev_op::do_physdev_op(hv, call, args),
        // Among the rest, __HYPERVISOR_mca: Xen offers it to PV guests only (its HVM columns in
        // xen/include/hypercall-defs.c are `-`), so an HVM or PVH caller gets ENOSYS.
        _ => Err(Errno::ENOSYS),
    };
    match result {
        Ok(outcome) => outcome,
        Err(Errno::ERESTART) => Outcome::Continue(args),
        Err(e) => Outcome::Return(e.negated()),
    }
}
