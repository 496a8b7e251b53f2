//! SCHEDOP_* (xen/common/sched/core.c `do_sched_op`, Xen 4.17; xen/common/domain.c
//! `domain_shutdown`; xen/include/xsm/dummy.h `xsm_schedop_shutdown`).

use crate::common;

use std::sync::Arc;

use common::{guest, hypervisor, pvh_config, TestDomain, TestHv, GUEST_BASE, GUEST_BYTES};
use hypercall::dispatch::{Call, NeverPreempt, Outcome, SchedRequest};
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_public::sched::*;
use xen_public::xen::{__HYPERVISOR_sched_op, DOMID_SELF};
use xen_public::GuestHandle;
use zerocopy::FromZeros;

const BUF: u64 = GUEST_BASE + 0x3000;
const PORTS: u64 = GUEST_BASE + 0x4000;
const BAD: u64 = GUEST_BASE + GUEST_BYTES as u64 + 0x1000;

/// Issues sched_op from vCPU 0 with its interrupts off; returns the value and what the scheduler
/// was asked for.
fn sched_op(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    g: &mut FlatGuest,
    cmd: u64,
    arg: u64,
) -> (i64, Option<SchedRequest>) {
    sched_op_with_interrupts(hv, caller, g, cmd, arg, false)
}

/// Issues sched_op from vCPU 0, its RFLAGS.IF `interrupts_enabled`.
fn sched_op_with_interrupts(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    g: &mut FlatGuest,
    cmd: u64,
    arg: u64,
    interrupts_enabled: bool,
) -> (i64, Option<SchedRequest>) {
    let mut call = Call {
        caller,
        vcpu: 0,
        guest: g,
        preempt: &mut NeverPreempt,
        sched: None,
        interrupts_enabled,
    };
    let out = hypercall::dispatch(
        hv,
        &mut call,
        __HYPERVISOR_sched_op.into(),
        [cmd, arg, 0, 0, 0],
    );
    match out {
        Outcome::Return(v) => (v, call.sched),
        other => panic!("sched_op does not continue: {other:?}"),
    }
}

fn shutdown_arg(g: &mut FlatGuest, reason: u32) -> u64 {
    g.put(BUF, &sched_shutdown { reason });
    BUF
}

fn remote_arg(g: &mut FlatGuest, domain_id: u16, reason: u32) -> u64 {
    let mut rs = sched_remote_shutdown::new_zeroed();
    rs.domain_id = domain_id;
    rs.reason = reason;
    g.put(BUF, &rs);
    BUF
}

fn poll_arg(g: &mut FlatGuest, ports: u64, nr_ports: u32) -> u64 {
    let mut p = sched_poll::new_zeroed();
    p.ports = GuestHandle::new(ports);
    p.nr_ports = nr_ports;
    p.timeout = 1_000_000;
    g.put(BUF, &p);
    BUF
}

fn shutdown_state(d: &TestDomain) -> (Option<u32>, bool) {
    let st = d.state();
    (st.shutdown_code, st.is_shutting_down)
}

// core.c SCHEDOP_yield (vcpu_yield) and SCHEDOP_block (vcpu_block_enable_events): 0, and the
// scheduler is asked to yield or block (the vCPU blocked, nothing being pending); the argument is
// not looked at.
#[test]
fn yield_and_block_ask_the_scheduler() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 0, BAD),
        (0, Some(SchedRequest::Yield))
    );
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 1, BAD),
        (0, Some(SchedRequest::Block))
    );
    assert!(domu.vcpu_slots()[0].is_blocked());
    assert_eq!(shutdown_state(&domu), (None, false));
}

// SCHEDOP_block (vcpu_block_enable_events -> local_events_need_delivery ->
// hvm_local_events_need_delivery -> hvm_vcpu_has_pending_irq): a vLAPIC vector above the
// processor priority is an event to deliver, so the vCPU does not block when its interrupts are
// on; with them off it blocks as before.
#[test]
fn block_returns_at_once_for_a_pending_vlapic_vector() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    let v = &domu.vcpu_slots()[0];
    // The guest software-enables its APIC (SPIV bit 8), then a vector is requested.
    hypercall::vlapic::access::mmio_write(&hv.timers, &domu, v, 0xf0, 4, 0x1ff, 0);
    hypercall::vlapic::access::set_irq(v, 0xf3, false);
    assert_eq!(
        sched_op_with_interrupts(&hv, &domu, &mut g, 1, BAD, true),
        (0, None)
    );
    assert!(!v.is_blocked());
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 1, BAD),
        (0, Some(SchedRequest::Block))
    );
}

// core.c SCHEDOP_shutdown -> domain.c domain_shutdown: every SHUTDOWN_* reason is recorded and
// the caller shuts down.
#[test]
fn shutdown_records_each_reason() {
    let (hv, _dom0) = hypervisor(1024);
    let mut g = guest();
    for reason in [
        SHUTDOWN_poweroff,
        SHUTDOWN_reboot,
        SHUTDOWN_suspend,
        SHUTDOWN_crash,
        SHUTDOWN_watchdog,
        SHUTDOWN_soft_reset,
    ] {
        let domu = hv.create_domain(None, pvh_config(false)).unwrap();
        let arg = shutdown_arg(&mut g, reason);
        assert_eq!(sched_op(&hv, &domu, &mut g, 2, arg), (0, None));
        assert_eq!(shutdown_state(&domu), (Some(reason), true));
    }
}

// domain.c domain_shutdown(d, u8 reason): no check against SHUTDOWN_MAX, the reason is truncated
// to a byte; the first code recorded stays.
#[test]
fn shutdown_reasons_are_bytes_and_the_first_stays() {
    let (hv, _dom0) = hypervisor(1024);
    let mut g = guest();
    let a = hv.create_domain(None, pvh_config(false)).unwrap();
    let arg = shutdown_arg(&mut g, 7);
    assert_eq!(sched_op(&hv, &a, &mut g, 2, arg).0, 0);
    assert_eq!(shutdown_state(&a), (Some(7), true));
    let arg = shutdown_arg(&mut g, SHUTDOWN_poweroff);
    assert_eq!(sched_op(&hv, &a, &mut g, 2, arg).0, 0);
    assert_eq!(shutdown_state(&a), (Some(7), true));

    let b = hv.create_domain(None, pvh_config(false)).unwrap();
    let arg = shutdown_arg(&mut g, 0x100 | SHUTDOWN_crash);
    assert_eq!(sched_op(&hv, &b, &mut g, 2, arg).0, 0);
    assert_eq!(shutdown_state(&b), (Some(SHUTDOWN_crash), true));
}

// core.c SCHEDOP_shutdown, SCHEDOP_shutdown_code, SCHEDOP_remote_shutdown: copy_from_guest
// failing is EFAULT and nothing changes.
#[test]
fn unreadable_shutdown_arguments_are_efault() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    for cmd in [2u64, 4, 5] {
        for addr in [BAD, GUEST_BASE + GUEST_BYTES as u64 - 3, u64::MAX - 1] {
            assert_eq!(
                sched_op(&hv, &dom0, &mut g, cmd, addr).0,
                Errno::EFAULT.negated()
            );
            assert_eq!(
                sched_op(&hv, &domu, &mut g, cmd, addr).0,
                Errno::EFAULT.negated()
            );
        }
    }
    assert_eq!(shutdown_state(&dom0), (None, false));
    assert_eq!(shutdown_state(&domu), (None, false));
}

// core.c SCHEDOP_shutdown_code: records a code without shutting down, only if none is recorded;
// the shutdown that follows reports it.
#[test]
fn shutdown_code_is_recorded_ahead_of_the_shutdown() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    let arg = shutdown_arg(&mut g, 0x200 | SHUTDOWN_crash);
    assert_eq!(sched_op(&hv, &domu, &mut g, 5, arg), (0, None));
    assert_eq!(shutdown_state(&domu), (Some(SHUTDOWN_crash), false));
    let arg = shutdown_arg(&mut g, SHUTDOWN_reboot);
    assert_eq!(sched_op(&hv, &domu, &mut g, 5, arg).0, 0);
    assert_eq!(shutdown_state(&domu), (Some(SHUTDOWN_crash), false));
    let arg = shutdown_arg(&mut g, SHUTDOWN_poweroff);
    assert_eq!(sched_op(&hv, &domu, &mut g, 2, arg).0, 0);
    assert_eq!(shutdown_state(&domu), (Some(SHUTDOWN_crash), true));
}

// core.c SCHEDOP_remote_shutdown with dummy.h's XSM_DM_PRIV: the control domain may shut any
// domain down; a domU only the domain it is the device model of; others get EPERM, unchanged.
#[test]
fn remote_shutdown_needs_the_control_domain_or_the_device_model() {
    let (hv, dom0) = hypervisor(1024);
    let a = hv.create_domain(None, pvh_config(false)).unwrap();
    let b = hv.create_domain(None, pvh_config(false)).unwrap();
    let c = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();

    let arg = remote_arg(&mut g, b.domid(), SHUTDOWN_reboot);
    assert_eq!(sched_op(&hv, &a, &mut g, 4, arg).0, Errno::EPERM.negated());
    // Not even itself: XSM_DM_PRIV has no "self" case.
    let arg = remote_arg(&mut g, a.domid(), SHUTDOWN_reboot);
    assert_eq!(sched_op(&hv, &a, &mut g, 4, arg).0, Errno::EPERM.negated());
    assert_eq!(shutdown_state(&a), (None, false));
    assert_eq!(shutdown_state(&b), (None, false));

    let arg = remote_arg(&mut g, b.domid(), SHUTDOWN_reboot);
    assert_eq!(sched_op(&hv, &dom0, &mut g, 4, arg), (0, None));
    assert_eq!(shutdown_state(&b), (Some(SHUTDOWN_reboot), true));
    assert_eq!(shutdown_state(&dom0), (None, false));

    a.state().target = Some(c.domid());
    let arg = remote_arg(&mut g, c.domid(), SHUTDOWN_poweroff);
    assert_eq!(sched_op(&hv, &a, &mut g, 4, arg).0, 0);
    assert_eq!(shutdown_state(&c), (Some(SHUTDOWN_poweroff), true));
}

// core.c SCHEDOP_remote_shutdown: rcu_lock_domain_by_id finds no such domain (DOMID_SELF is not
// resolved either): ESRCH, before any permission check.
#[test]
fn remote_shutdown_of_an_unknown_domain_is_esrch() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    for caller in [&dom0, &domu] {
        for domid in [77u16, DOMID_SELF, 0xffff] {
            let arg = remote_arg(&mut g, domid, SHUTDOWN_poweroff);
            assert_eq!(
                sched_op(&hv, caller, &mut g, 4, arg).0,
                Errno::ESRCH.negated()
            );
        }
    }
    assert_eq!(shutdown_state(&dom0), (None, false));
    assert_eq!(shutdown_state(&domu), (None, false));
}

// core.c do_poll: more than 128 ports is EINVAL before any is read; an unreadable port is EFAULT;
// a port that is not bound (port 0 is reserved) is EINVAL; errors leave the vCPU running.
#[test]
fn poll_checks_its_ports() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let v = &domu.vcpu_slots()[0];
    let mut g = guest();
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 3, BAD).0,
        Errno::EFAULT.negated()
    );
    for (ports, nr, rc) in [
        (PORTS, 129, Errno::EINVAL),
        (BAD, 1, Errno::EFAULT),
        // 128 zero ports: port 0 is reserved.
        (PORTS, 128, Errno::EINVAL),
        (BAD, 129, Errno::EINVAL),
        (BAD, 128, Errno::EFAULT),
    ] {
        let arg = poll_arg(&mut g, ports, nr);
        assert_eq!(sched_op(&hv, &domu, &mut g, 3, arg), (rc.negated(), None));
        assert!(!v.is_blocked() && !v.is_polling());
    }
    assert!(hv.timers.is_empty(), "no poll timeout left armed");
    assert_eq!(shutdown_state(&domu), (None, false));
}

// core.c do_poll: with nothing pending the vCPU blocks, polling, and its timeout is armed; the
// timeout (poll_timer_fn) wakes it. No ports means any event of the domain ends the poll.
#[test]
fn poll_sleeps_until_its_timeout() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let v = &domu.vcpu_slots()[0];
    let mut g = guest();
    let arg = poll_arg(&mut g, BAD, 0);
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 3, arg),
        (0, Some(SchedRequest::Block))
    );
    assert!(v.is_blocked() && v.is_polling());
    assert_eq!(hv.timers.next_deadline(), Some(1_000_000));
    hypercall::timer::run_timers(&hv, 999_999);
    assert!(v.is_blocked());
    hypercall::timer::run_timers(&hv, 1_000_000);
    assert!(!v.is_blocked() && !v.is_polling());
    assert!(hv.timers.is_empty());
}
// core.c do_poll: `if ( local_events_need_delivery() ) goto out;`: an upcall the vCPU can take now
// ends the poll at once, the vCPU running and not polling. For an HVM vCPU that is
// hvm_local_events_need_delivery (hvm/irq.c): an interrupt pending that RFLAGS.IF does not block,
// from hvm_vcpu_has_pending_irq: the domain's callback vector while the upcall is flagged, or the
// vLAPIC's vectors, where the vCPU's own upcall vector is requested (hvm_assert_evtchn_irq) but
// only counts while the APIC is enabled (vlapic_has_pending_irq).
#[test]
fn poll_returns_at_once_when_an_upcall_can_be_taken() {
    let (hv, _dom0) = hypervisor(1024);
    let mut g = guest();
    // Upcalls by the vCPU's vector, in its vLAPIC.
    const OWN: u8 = 1;
    // Upcalls by the domain's callback vector (HVM_PARAM_CALLBACK_IRQ of type vector).
    const VIA: u8 = 2;
    // (how, APIC software-enabled, upcall flagged, interrupts on): whether the poll sleeps.
    for (how, apic_on, flagged, interrupts, sleeps) in [
        (OWN, true, true, true, false),
        (OWN, true, true, false, true),
        (OWN, true, false, true, true),
        (OWN, false, true, true, true),
        (VIA, false, true, true, false),
        (VIA, false, true, false, true),
        (VIA, false, false, true, true),
        (0, true, true, true, true),
    ] {
        let domu = hv.create_domain(None, pvh_config(false)).unwrap();
        let v = &domu.vcpu_slots()[0];
        if how == OWN {
            v.set_upcall_vector(0xf3);
        }
        if how == VIA {
            domu.state().hvm_params[xen_public::hvm::params::HVM_PARAM_CALLBACK_IRQ as usize] =
                2 << 56 | 0xf3;
        }
        if apic_on {
            let _ = v.state().vlapic.mmio_write(0xf0, 4, 0x1ff, 0);
        }
        if flagged {
            v.mark_events_pending(&hv.heap);
        }
        let vector = (how, apic_on);
        let arg = poll_arg(&mut g, BAD, 0);
        let case = format!("vector {vector:?}, flagged {flagged}, interrupts {interrupts}");
        let (rc, sched) = sched_op_with_interrupts(&hv, &domu, &mut g, 3, arg, interrupts);
        assert_eq!(rc, 0, "{case}");
        assert_eq!(sched, sleeps.then_some(SchedRequest::Block), "{case}");
        assert_eq!(v.is_blocked(), sleeps, "{case}");
        assert_eq!(v.is_polling(), sleeps, "{case}");
    }
}

// core.c: SCHEDOP_watchdog (no timers in xen-rs), SCHEDOP_pin_override (no pCPU affinity) and
// unknown commands are ENOSYS; the command is an int, so upper register bits do not count.
#[test]
fn watchdog_pin_override_and_unknown_commands_are_enosys() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    g.put(BUF, &sched_watchdog { id: 0, timeout: 30 });
    for caller in [&dom0, &domu] {
        for cmd in [6u64, 7, 8, 0xffff_ffff] {
            assert_eq!(
                sched_op(&hv, caller, &mut g, cmd, BUF),
                (Errno::ENOSYS.negated(), None)
            );
        }
    }
    assert_eq!(
        sched_op(&hv, &domu, &mut g, 1 << 32, BUF),
        (0, Some(SchedRequest::Yield))
    );
}
