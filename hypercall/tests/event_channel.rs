//! EVTCHNOP_* and the 2-level ABI (xen/common/event_channel.c `do_event_channel_op` and the
//! `evtchn_*` functions it calls; xen/common/event_2l.c; Xen 4.17). Each test checks what the
//! guest sees: the answer, the structure copied back, and the bits in shared_info and vcpu_info.

use crate::common;

use std::sync::Arc;

use common::{guest, hypercall, hypercall_to_completion, TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::domain::DomainConfig;
use hypercall::event::{self, ResetStart, EVTCHNS_PER_BUCKET};
use hypercall::event_channel_op::EVTCHNOP_reset_cont;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_mm::frame::FrameAccess;
use xen_public::event_channel::*;
use xen_public::xen::{
    __HYPERVISOR_event_channel_op, DOMID_SELF, NR_VIRQS, VIRQ_CONSOLE, VIRQ_DEBUG, VIRQ_DOM_EXC,
    VIRQ_TIMER,
};
use zerocopy::{FromBytes, FromZeros, Immutable, IntoBytes};

const ARG: u64 = GUEST_BASE + 0x2000;
const BAD: u64 = 0xdead_0000;

/// xl's default `event_channels` (libxl: `b_info->event_channels = 1023`).
const XL_MAX_PORT: u32 = 1023;

/// A hypervisor with dom0 (privileged) and domain 1 (not), each with `vcpus` vCPUs up.
fn setup(vcpus: u32) -> (TestHv, Arc<TestDomain>, Arc<TestDomain>) {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 12).expect("a test heap");
    let dom0 = domain(&hv, 0, true, vcpus, u32::MAX);
    let domu = domain(&hv, 1, false, vcpus, XL_MAX_PORT);
    (hv, dom0, domu)
}

fn domain(
    hv: &TestHv,
    domid: u16,
    privileged: bool,
    vcpus: u32,
    max_evtchn_port: u32,
) -> Arc<TestDomain> {
    let d = hv
        .create_domain(
            Some(domid),
            DomainConfig {
                max_vcpus: vcpus,
                max_evtchn_port,
                ..common::pvh_config(privileged)
            },
        )
        .expect("a domain");
    let mut st = d.state();
    st.vcpus = vcpus;
    st.controller_pause_count = 0;
    drop(st);
    d
}

/// Issues EVTCHNOP `cmd` with `arg` at [`ARG`] as `caller`; returns the value and `arg` as the
/// hypervisor left it.
fn op<T: IntoBytes + FromBytes + Immutable>(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    cmd: u32,
    arg: &T,
) -> (i64, T) {
    let mut g = guest();
    g.put(ARG, arg);
    let rc = match hypercall(
        hv,
        caller,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [cmd.into(), ARG, 0, 0, 0],
    ) {
        Outcome::Return(v) => v,
        other => panic!("event_channel_op continued: {other:?}"),
    };
    (rc, g.get(ARG))
}

fn err(e: Errno) -> i64 {
    e.negated()
}

pub(crate) fn alloc_unbound(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    dom: u16,
    remote: u16,
) -> (i64, u32) {
    let (rc, a) = op(
        hv,
        caller,
        EVTCHNOP_alloc_unbound,
        &evtchn_alloc_unbound {
            dom,
            remote_dom: remote,
            port: 0,
        },
    );
    (rc, a.port)
}

pub(crate) fn bind_interdomain(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    rdom: u16,
    rport: u32,
) -> (i64, u32) {
    let mut b = evtchn_bind_interdomain::new_zeroed();
    b.remote_dom = rdom;
    b.remote_port = rport;
    let (rc, b) = op(hv, caller, EVTCHNOP_bind_interdomain, &b);
    (rc, b.local_port)
}

fn bind_virq(hv: &TestHv, caller: &Arc<TestDomain>, virq: u32, vcpu: u32) -> (i64, u32) {
    let (rc, b) = op(
        hv,
        caller,
        EVTCHNOP_bind_virq,
        &evtchn_bind_virq {
            virq,
            vcpu,
            port: 0,
        },
    );
    (rc, b.port)
}

fn bind_ipi(hv: &TestHv, caller: &Arc<TestDomain>, vcpu: u32) -> (i64, u32) {
    let (rc, b) = op(
        hv,
        caller,
        EVTCHNOP_bind_ipi,
        &evtchn_bind_ipi { vcpu, port: 0 },
    );
    (rc, b.port)
}

fn close(hv: &TestHv, caller: &Arc<TestDomain>, port: u32) -> i64 {
    op(hv, caller, EVTCHNOP_close, &evtchn_close { port }).0
}

pub(crate) fn send(hv: &TestHv, caller: &Arc<TestDomain>, port: u32) -> i64 {
    op(hv, caller, EVTCHNOP_send, &evtchn_send { port }).0
}

fn unmask(hv: &TestHv, caller: &Arc<TestDomain>, port: u32) -> i64 {
    op(hv, caller, EVTCHNOP_unmask, &evtchn_unmask { port }).0
}

fn status(hv: &TestHv, caller: &Arc<TestDomain>, dom: u16, port: u32) -> (i64, evtchn_status) {
    let mut s = evtchn_status::new_zeroed();
    s.dom = dom;
    s.port = port;
    op(hv, caller, EVTCHNOP_status, &s)
}

fn bind_vcpu(hv: &TestHv, caller: &Arc<TestDomain>, port: u32, vcpu: u32) -> i64 {
    op(
        hv,
        caller,
        EVTCHNOP_bind_vcpu,
        &evtchn_bind_vcpu { port, vcpu },
    )
    .0
}

/// shared_info's `evtchn_pending` bit of `port`.
fn pending(hv: &TestHv, d: &TestDomain, port: u32) -> bool {
    hv.heap.read_u64(d.shared_info, 256 + port as usize / 64) & (1 << (port % 64)) != 0
}

/// Sets or clears shared_info's `evtchn_mask` bit of `port`, as the guest does.
fn mask(hv: &TestHv, d: &TestDomain, port: u32, masked: bool) {
    let bit = 1 << (port % 64);
    if masked {
        hv.heap
            .fetch_or_u64(d.shared_info, 320 + port as usize / 64, bit);
    } else {
        hv.heap
            .fetch_and_not_u64(d.shared_info, 320 + port as usize / 64, bit);
    }
}

/// vCPU `vcpu`'s (`evtchn_upcall_pending`, `evtchn_pending_sel`), from its shared_info slot.
fn upcall(hv: &TestHv, d: &TestDomain, vcpu: usize) -> (bool, u64) {
    let word = vcpu * 8;
    (
        hv.heap.read_u64(d.shared_info, word) & 1 != 0,
        hv.heap.read_u64(d.shared_info, word + 1),
    )
}

/// What the guest's upcall handler does: clears the flag and takes the selector.
fn take_upcall(hv: &TestHv, d: &TestDomain, vcpu: usize) -> u64 {
    let word = vcpu * 8;
    hv.heap.fetch_and_not_u64(d.shared_info, word, 1);
    hv.heap.fetch_and_not_u64(d.shared_info, word + 1, u64::MAX)
}

/// The guest clears a port's pending bit once handled.
fn clear_pending(hv: &TestHv, d: &TestDomain, port: u32) {
    hv.heap
        .fetch_and_not_u64(d.shared_info, 256 + port as usize / 64, 1 << (port % 64));
}

#[test]
fn alloc_unbound_hands_out_the_lowest_free_port_waiting_for_the_remote() {
    let (hv, dom0, domu) = setup(1);
    // `get_free_port`: port 0 is reserved (`evtchn_init`), so the first is 1.
    assert_eq!(alloc_unbound(&hv, &dom0, DOMID_SELF, 1), (0, 1));
    assert_eq!(alloc_unbound(&hv, &dom0, 0, 1), (0, 2));
    let (rc, s) = status(&hv, &dom0, DOMID_SELF, 2);
    assert_eq!(
        (rc, s.status, s.u[0], s.vcpu),
        (0, EVTCHNSTAT_unbound, 1, 0)
    );
    // A remote of DOMID_SELF is the caller (`current->domain->domain_id`).
    let (_, port) = alloc_unbound(&hv, &domu, DOMID_SELF, DOMID_SELF);
    assert_eq!(status(&hv, &domu, DOMID_SELF, port).1.u[0], 1);
    // The remote domain is not checked: any id may be named.
    assert_eq!(alloc_unbound(&hv, &dom0, 0, 4242).0, 0);
    // The control domain may allocate in another domain's table (`XSM_TARGET`).
    assert_eq!(alloc_unbound(&hv, &dom0, 1, 0), (0, 2));
}

#[test]
fn alloc_unbound_errors_change_nothing() {
    let (hv, dom0, domu) = setup(1);
    assert_eq!(alloc_unbound(&hv, &domu, 7, 0).0, err(Errno::ESRCH));
    // A domain may not allocate in another's table; the port it claimed is given back.
    assert_eq!(alloc_unbound(&hv, &domu, 0, 1).0, err(Errno::EPERM));
    assert_eq!(dom0.events.lock().active(), 0);
    assert_eq!(alloc_unbound(&hv, &dom0, 0, 1), (0, 1));
    // An unreadable argument.
    let mut g = guest();
    let out = hypercall(
        &hv,
        &dom0,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [EVTCHNOP_alloc_unbound.into(), BAD, 0, 0, 0],
    );
    assert_eq!(out, Outcome::Return(err(Errno::EFAULT)));
    assert_eq!(dom0.events.lock().active(), 1);
}

#[test]
fn ports_run_out_at_max_evtchn_port_and_at_the_abi_limit() {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 12).unwrap();
    let small = domain(&hv, 3, false, 1, 3);
    for want in 1..=3 {
        assert_eq!(alloc_unbound(&hv, &small, DOMID_SELF, 0), (0, want));
    }
    // `evtchn_allocate_port`: beyond `max_evtchn_port` is ENOSPC.
    assert_eq!(
        alloc_unbound(&hv, &small, DOMID_SELF, 0).0,
        err(Errno::ENOSPC)
    );
    assert_eq!(small.events.lock().active(), 3);
    // A closed port is reused.
    assert_eq!(close(&hv, &small, 2), 0);
    assert_eq!(alloc_unbound(&hv, &small, DOMID_SELF, 0), (0, 2));

    // dom0's `max_evtchn_port` is INT_MAX, so the 2-level ABI's 4096 ports limit it.
    let dom0 = domain(&hv, 0, true, 1, u32::MAX);
    assert_eq!(dom0.events.lock().max_evtchn_port(), i32::MAX as u32);
    for _ in 1..event::two_level::NR_CHANNELS {
        assert_eq!(alloc_unbound(&hv, &dom0, DOMID_SELF, 0).0, 0);
    }
    assert_eq!(
        alloc_unbound(&hv, &dom0, DOMID_SELF, 0).0,
        err(Errno::ENOSPC)
    );
    assert_eq!(
        dom0.events.lock().valid_evtchns(),
        event::two_level::NR_CHANNELS
    );
}

#[test]
fn the_table_grows_by_buckets_and_status_tells_valid_from_invalid_ports() {
    let (hv, dom0, _) = setup(1);
    // A free port inside the first bucket is closed; one beyond it is not a port at all.
    let (rc, s) = status(&hv, &dom0, DOMID_SELF, EVTCHNS_PER_BUCKET - 1);
    assert_eq!((rc, s.status), (0, EVTCHNSTAT_closed));
    assert_eq!(
        status(&hv, &dom0, DOMID_SELF, EVTCHNS_PER_BUCKET).0,
        err(Errno::EINVAL)
    );
    // Port 0 is reserved, which status reports as closed.
    let (rc, s) = status(&hv, &dom0, DOMID_SELF, 0);
    assert_eq!((rc, s.status), (0, EVTCHNSTAT_closed));
    for _ in 1..EVTCHNS_PER_BUCKET {
        alloc_unbound(&hv, &dom0, DOMID_SELF, 0);
    }
    assert_eq!(dom0.events.lock().valid_evtchns(), EVTCHNS_PER_BUCKET);
    assert_eq!(
        alloc_unbound(&hv, &dom0, DOMID_SELF, 0),
        (0, EVTCHNS_PER_BUCKET)
    );
    assert_eq!(dom0.events.lock().valid_evtchns(), 2 * EVTCHNS_PER_BUCKET);
    let (rc, s) = status(&hv, &dom0, DOMID_SELF, 2 * EVTCHNS_PER_BUCKET - 1);
    assert_eq!((rc, s.status), (0, EVTCHNSTAT_closed));
}

#[test]
fn status_of_another_domain_needs_privilege_after_the_port_check() {
    let (hv, dom0, domu) = setup(1);
    alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    // `evtchn_status`: the port is looked up before `xsm_evtchn_status`.
    assert_eq!(status(&hv, &domu, 0, 1).0, err(Errno::EPERM));
    assert_eq!(status(&hv, &domu, 0, 100_000).0, err(Errno::EINVAL));
    assert_eq!(status(&hv, &domu, 9, 1).0, err(Errno::ESRCH));
    let (rc, s) = status(&hv, &dom0, 0, 1);
    assert_eq!((rc, s.status, s.u[0]), (0, EVTCHNSTAT_unbound, 1));
}

#[test]
fn bind_interdomain_connects_both_ends_and_marks_the_new_port_pending() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let (rc, front) = bind_interdomain(&hv, &domu, 0, back);
    assert_eq!((rc, front), (0, 1));
    let (_, s) = status(&hv, &dom0, 0, back);
    assert_eq!((s.status, s.u), (EVTCHNSTAT_interdomain, [1, front]));
    let (_, s) = status(&hv, &domu, DOMID_SELF, front);
    assert_eq!((s.status, s.u), (EVTCHNSTAT_interdomain, [0, back]));
    // "We may have lost notifications on the remote unbound port": the local port is pending,
    // announced in the selector and by the upcall flag.
    assert!(pending(&hv, &domu, front));
    assert_eq!(upcall(&hv, &domu, 0), (true, 1));
    assert!(!pending(&hv, &dom0, back));
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
}

#[test]
fn bind_interdomain_refuses_ports_not_waiting_for_the_caller() {
    let (hv, dom0, domu) = setup(1);
    let (_, for_dom2) = alloc_unbound(&hv, &dom0, DOMID_SELF, 2);
    assert_eq!(
        bind_interdomain(&hv, &domu, 0, for_dom2).0,
        err(Errno::EINVAL)
    );
    // A free port, an invalid one, and a missing domain.
    assert_eq!(bind_interdomain(&hv, &domu, 0, 5).0, err(Errno::EINVAL));
    assert_eq!(
        bind_interdomain(&hv, &domu, 0, 1 << 20).0,
        err(Errno::EINVAL)
    );
    assert_eq!(bind_interdomain(&hv, &domu, 5, 1).0, err(Errno::ESRCH));
    // Nothing was left claimed in the caller's table.
    assert_eq!(domu.events.lock().active(), 0);
    // Bound once, the remote port is no longer unbound: a second bind fails.
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    assert_eq!(bind_interdomain(&hv, &domu, 0, back).0, 0);
    assert_eq!(bind_interdomain(&hv, &domu, 0, back).0, err(Errno::EINVAL));
}

#[test]
fn a_domain_can_connect_to_itself() {
    let (hv, _, domu) = setup(1);
    let (_, a) = alloc_unbound(&hv, &domu, DOMID_SELF, DOMID_SELF);
    let (rc, b) = bind_interdomain(&hv, &domu, DOMID_SELF, a);
    assert_eq!(rc, 0);
    take_upcall(&hv, &domu, 0);
    clear_pending(&hv, &domu, b);
    assert_eq!(send(&hv, &domu, b), 0);
    assert!(pending(&hv, &domu, a) && !pending(&hv, &domu, b));
    assert_eq!(close(&hv, &domu, a), 0);
    let (_, s) = status(&hv, &domu, DOMID_SELF, b);
    assert_eq!((s.status, s.u[0]), (EVTCHNSTAT_unbound, 1));
}

#[test]
fn send_on_an_interdomain_channel_raises_the_peers_event_both_ways() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let (_, front) = bind_interdomain(&hv, &domu, 0, back);
    take_upcall(&hv, &domu, 0);
    clear_pending(&hv, &domu, front);

    assert_eq!(send(&hv, &domu, front), 0);
    assert!(pending(&hv, &dom0, back));
    assert_eq!(upcall(&hv, &dom0, 0), (true, 1 << (back / 64)));
    assert!(!pending(&hv, &domu, front));

    assert_eq!(send(&hv, &dom0, back), 0);
    assert!(pending(&hv, &domu, front));
    assert_eq!(upcall(&hv, &domu, 0), (true, 1 << (front / 64)));
}

#[test]
fn a_masked_port_stays_pending_until_unmask_announces_it() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let (_, front) = bind_interdomain(&hv, &domu, 0, back);
    mask(&hv, &dom0, back, true);
    assert_eq!(send(&hv, &domu, front), 0);
    // `evtchn_2l_set_pending`: pending, but masked, so no selector bit and no upcall.
    assert!(pending(&hv, &dom0, back));
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    // A second send of a pending event changes nothing.
    assert_eq!(send(&hv, &domu, front), 0);
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    // `evtchn_2l_unmask`: clearing the mask of a pending port announces it.
    assert_eq!(unmask(&hv, &dom0, back), 0);
    assert_eq!(upcall(&hv, &dom0, 0), (true, 1 << (back / 64)));
    // Unmasking an unmasked port announces nothing more.
    take_upcall(&hv, &dom0, 0);
    assert_eq!(unmask(&hv, &dom0, back), 0);
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    // Nor does unmasking a masked port that is not pending.
    clear_pending(&hv, &dom0, back);
    mask(&hv, &dom0, back, true);
    assert_eq!(unmask(&hv, &dom0, back), 0);
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    assert_eq!(unmask(&hv, &dom0, 1 << 20), err(Errno::EINVAL));
}

#[test]
fn an_upcall_already_flagged_is_not_flagged_again_but_the_selector_grows() {
    let (hv, dom0, domu) = setup(1);
    // Ports in two different bitmap words of dom0.
    let (_, low) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    for _ in 2..70 {
        alloc_unbound(&hv, &dom0, DOMID_SELF, 9);
    }
    let (_, high) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    assert!(high >= 64);
    let (_, f_low) = bind_interdomain(&hv, &domu, 0, low);
    let (_, f_high) = bind_interdomain(&hv, &domu, 0, high);
    send(&hv, &domu, f_low);
    send(&hv, &domu, f_high);
    assert_eq!(upcall(&hv, &dom0, 0), (true, 0b11));
    // The guest takes the selector while the flag stays clear: a new event in an already
    // announced word sets neither again.
    assert_eq!(take_upcall(&hv, &dom0, 0), 0b11);
}

#[test]
fn send_errors_and_silent_drops() {
    let (hv, dom0, _) = setup(1);
    let (_, unbound) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    // `evtchn_send`: an unbound port drops the event silently.
    assert_eq!(send(&hv, &dom0, unbound), 0);
    assert!(!pending(&hv, &dom0, unbound));
    // A free port, port 0, an invalid port, a VIRQ port: EINVAL.
    assert_eq!(send(&hv, &dom0, 10), err(Errno::EINVAL));
    assert_eq!(send(&hv, &dom0, 0), err(Errno::EINVAL));
    assert_eq!(send(&hv, &dom0, 1 << 20), err(Errno::EINVAL));
    let (_, virq) = bind_virq(&hv, &dom0, VIRQ_TIMER, 0);
    assert_eq!(send(&hv, &dom0, virq), err(Errno::EINVAL));
}

#[test]
fn ipi_ports_notify_their_vcpu() {
    let (hv, dom0, _) = setup(2);
    let (rc, ipi) = bind_ipi(&hv, &dom0, 1);
    assert_eq!(rc, 0);
    assert_eq!(send(&hv, &dom0, ipi), 0);
    assert!(pending(&hv, &dom0, ipi));
    assert_eq!(upcall(&hv, &dom0, 1), (true, 1));
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    let (_, s) = status(&hv, &dom0, DOMID_SELF, ipi);
    assert_eq!((s.status, s.vcpu), (EVTCHNSTAT_ipi, 1));
    // `evtchn_bind_ipi`: `domain_vcpu` fails for a vCPU the domain does not have.
    assert_eq!(bind_ipi(&hv, &dom0, 2).0, err(Errno::ENOENT));
    assert_eq!(bind_ipi(&hv, &dom0, u32::MAX).0, err(Errno::ENOENT));
}

#[test]
fn bind_virq_checks_the_virq_the_vcpu_and_double_binding() {
    let (hv, dom0, _) = setup(2);
    let (rc, timer0) = bind_virq(&hv, &dom0, VIRQ_TIMER, 0);
    assert_eq!(rc, 0);
    // Per-vCPU VIRQs bind once per vCPU.
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_TIMER, 0).0, err(Errno::EEXIST));
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_TIMER, 1).0, 0);
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_DEBUG, 1).0, 0);
    // Global VIRQs only on vCPU 0 (`virq_is_global`), and once.
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_CONSOLE, 1).0, err(Errno::EINVAL));
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_CONSOLE, 0).0, 0);
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_CONSOLE, 0).0, err(Errno::EEXIST));
    // Out of range VIRQs, and vCPUs the domain does not have.
    assert_eq!(bind_virq(&hv, &dom0, NR_VIRQS, 0).0, err(Errno::EINVAL));
    assert_eq!(bind_virq(&hv, &dom0, u32::MAX, 0).0, err(Errno::EINVAL));
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_TIMER, 2).0, err(Errno::ENOENT));
    let (_, s) = status(&hv, &dom0, DOMID_SELF, timer0);
    assert_eq!((s.status, s.u[0], s.vcpu), (EVTCHNSTAT_virq, VIRQ_TIMER, 0));
    // Closing frees the binding: it can be made again.
    assert_eq!(close(&hv, &dom0, timer0), 0);
    assert_eq!(bind_virq(&hv, &dom0, VIRQ_TIMER, 0).0, 0);
}

#[test]
fn virqs_the_hypervisor_sends_reach_the_bound_vcpu() {
    let (hv, dom0, _) = setup(2);
    // Unbound VIRQs go nowhere.
    event::send_vcpu_virq(&hv, &dom0, 1, VIRQ_TIMER);
    event::send_global_virq(&hv, &dom0, VIRQ_DOM_EXC);
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    assert_eq!(upcall(&hv, &dom0, 1), (false, 0));

    let (_, timer1) = bind_virq(&hv, &dom0, VIRQ_TIMER, 1);
    event::send_vcpu_virq(&hv, &dom0, 1, VIRQ_TIMER);
    assert!(pending(&hv, &dom0, timer1));
    assert_eq!(upcall(&hv, &dom0, 1), (true, 1));

    // A global VIRQ goes to the vCPU its port was moved to.
    let (_, exc) = bind_virq(&hv, &dom0, VIRQ_DOM_EXC, 0);
    assert_eq!(bind_vcpu(&hv, &dom0, exc, 1), 0);
    take_upcall(&hv, &dom0, 1);
    event::send_global_virq(&hv, &dom0, VIRQ_DOM_EXC);
    assert!(pending(&hv, &dom0, exc));
    assert_eq!(upcall(&hv, &dom0, 1), (true, 1));
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
}

#[test]
fn bind_vcpu_moves_only_global_virqs_and_channels() {
    let (hv, dom0, domu) = setup(2);
    let (_, timer) = bind_virq(&hv, &dom0, VIRQ_TIMER, 0);
    let (_, ipi) = bind_ipi(&hv, &dom0, 0);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    assert_eq!(bind_vcpu(&hv, &dom0, timer, 1), err(Errno::EINVAL));
    assert_eq!(bind_vcpu(&hv, &dom0, ipi, 1), err(Errno::EINVAL));
    assert_eq!(bind_vcpu(&hv, &dom0, 30, 1), err(Errno::EINVAL));
    assert_eq!(bind_vcpu(&hv, &dom0, back, 2), err(Errno::ENOENT));
    assert_eq!(bind_vcpu(&hv, &dom0, 1 << 20, 0), err(Errno::EINVAL));
    assert_eq!(bind_vcpu(&hv, &dom0, back, 1), 0);
    // An interdomain event then goes to vCPU 1.
    let (_, front) = bind_interdomain(&hv, &domu, 0, back);
    send(&hv, &domu, front);
    assert_eq!(upcall(&hv, &dom0, 1), (true, 1));
    assert_eq!(upcall(&hv, &dom0, 0), (false, 0));
    assert_eq!(status(&hv, &dom0, DOMID_SELF, back).1.vcpu, 1);
}

#[test]
fn closing_one_end_leaves_the_peer_waiting_for_the_closer() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let (_, front) = bind_interdomain(&hv, &domu, 0, back);
    assert!(pending(&hv, &domu, front));
    assert_eq!(close(&hv, &domu, front), 0);
    // `evtchn_free` drops the pending event, and the other end is unbound to the closer.
    assert!(!pending(&hv, &domu, front));
    let (_, s) = status(&hv, &dom0, 0, back);
    assert_eq!((s.status, s.u[0]), (EVTCHNSTAT_unbound, 1));
    assert_eq!(
        status(&hv, &domu, DOMID_SELF, front).1.status,
        EVTCHNSTAT_closed
    );
    // Closing twice, port 0 and an invalid port: EINVAL.
    assert_eq!(close(&hv, &domu, front), err(Errno::EINVAL));
    assert_eq!(close(&hv, &domu, 0), err(Errno::EINVAL));
    assert_eq!(close(&hv, &domu, 1 << 20), err(Errno::EINVAL));
    // The closer can connect again.
    assert_eq!(bind_interdomain(&hv, &domu, 0, back).0, 0);
    assert_eq!(domu.events.lock().active(), 1);
    assert_eq!(dom0.events.lock().active(), 1);
}

#[test]
fn a_dying_domain_closes_its_ports_and_its_peers_wait_again() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let (_, front) = bind_interdomain(&hv, &domu, 0, back);
    bind_virq(&hv, &domu, VIRQ_TIMER, 0);
    let (_, spare) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    hv.kill_domain(&domu, || false).unwrap();
    let (_, s) = status(&hv, &dom0, 0, back);
    assert_eq!((s.status, s.u[0]), (EVTCHNSTAT_unbound, 1));
    assert_eq!(domu.events.lock().active(), 0);
    assert_eq!(front, 1);
    // dom0's send on the now unbound port is dropped; binding to the dead domain is ESRCH.
    assert_eq!(send(&hv, &dom0, back), 0);
    assert_eq!(bind_interdomain(&hv, &dom0, 1, 1).0, err(Errno::ESRCH));
    assert_eq!(status(&hv, &dom0, 0, spare).1.status, EVTCHNSTAT_unbound);
}

#[test]
fn a_dying_domain_allocates_no_more_ports() {
    let (hv, dom0, domu) = setup(1);
    let (_, for_dom0) = alloc_unbound(&hv, &domu, DOMID_SELF, 0);
    for _ in 0..70 {
        alloc_unbound(&hv, &domu, DOMID_SELF, 5);
    }
    // Dying, and preempted while its ports close (every 64 ports).
    let mut calls = 0;
    let rc = hv.kill_domain(&domu, || {
        calls += 1;
        true
    });
    assert_eq!(rc, Err(Errno::ERESTART));
    assert!(calls > 0);
    // `get_free_port` refuses a dying domain (EINVAL).
    assert_eq!(alloc_unbound(&hv, &dom0, 1, 0).0, err(Errno::EINVAL));
    // Its ports not closed yet still take a binding, as in Xen; the rest of the destruction
    // closes it, leaving dom0's end waiting for the dead domain.
    let (rc, back) = bind_interdomain(&hv, &dom0, 1, for_dom0);
    assert_eq!(rc, 0);
    hv.kill_domain(&domu, || false).unwrap();
    let (_, s) = status(&hv, &dom0, DOMID_SELF, back);
    assert_eq!((s.status, s.u[0]), (EVTCHNSTAT_unbound, 1));
}

#[test]
fn killing_a_domain_with_many_ports_is_preemptible() {
    let (hv, _, domu) = setup(1);
    for _ in 0..300 {
        assert_eq!(alloc_unbound(&hv, &domu, DOMID_SELF, 0).0, 0);
    }
    let mut restarts = 0;
    loop {
        let mut checks = 0;
        match hv.kill_domain(&domu, || {
            checks += 1;
            checks > 1
        }) {
            Ok(()) => break,
            Err(Errno::ERESTART) => restarts += 1,
            Err(e) => panic!("{e:?}"),
        }
        assert!(restarts < 100);
    }
    assert!(restarts >= 2, "300 ports are closed in several steps");
    assert_eq!(domu.events.lock().active(), 0);
}

#[test]
fn reset_closes_every_port_preemptibly() {
    let (hv, dom0, domu) = setup(1);
    let (_, back) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    bind_interdomain(&hv, &domu, 0, back);
    for _ in 0..200 {
        alloc_unbound(&hv, &domu, DOMID_SELF, 0);
    }
    // Another domain's reset needs it paused by its controller (`evtchn_reset`: EINVAL).
    let mut g = guest();
    g.put(ARG, &evtchn_reset { dom: 1 });
    let args = [EVTCHNOP_reset.into(), ARG, 0, 0, 0];
    let (rc, _) =
        hypercall_to_completion(&hv, &dom0, &mut g, 1, __HYPERVISOR_event_channel_op, args);
    assert_eq!(rc, err(Errno::EINVAL));
    // A domain without rights over it gets EPERM; a missing one ESRCH.
    g.put(ARG, &evtchn_reset { dom: 0 });
    let (rc, _) =
        hypercall_to_completion(&hv, &domu, &mut g, 1, __HYPERVISOR_event_channel_op, args);
    assert_eq!(rc, err(Errno::EPERM));
    g.put(ARG, &evtchn_reset { dom: 5 });
    let (rc, _) =
        hypercall_to_completion(&hv, &domu, &mut g, 1, __HYPERVISOR_event_channel_op, args);
    assert_eq!(rc, err(Errno::ESRCH));

    domu.state().controller_pause_count = 1;
    g.put(ARG, &evtchn_reset { dom: 1 });
    let (rc, continuations) =
        hypercall_to_completion(&hv, &dom0, &mut g, 1, __HYPERVISOR_event_channel_op, args);
    assert_eq!(rc, 0);
    assert!(continuations >= 2, "201 ports close in several steps");
    assert_eq!(domu.events.lock().active(), 0);
    assert_eq!(status(&hv, &dom0, 0, back).1.status, EVTCHNSTAT_unbound);
    // A continuation with no reset in progress is EBUSY. A domain resets itself without a pause.
    let cont = [EVTCHNOP_reset_cont.into(), ARG, 0, 0, 0];
    let (rc, _) =
        hypercall_to_completion(&hv, &dom0, &mut g, 1, __HYPERVISOR_event_channel_op, cont);
    assert_eq!(rc, err(Errno::EBUSY));
    alloc_unbound(&hv, &domu, DOMID_SELF, 0);
    g.put(ARG, &evtchn_reset { dom: DOMID_SELF });
    domu.state().controller_pause_count = 0;
    let (rc, _) = hypercall_to_completion(
        &hv,
        &domu,
        &mut g,
        1000,
        __HYPERVISOR_event_channel_op,
        args,
    );
    assert_eq!(rc, 0);
    assert_eq!(domu.events.lock().active(), 0);
}

#[test]
fn a_reset_in_progress_refuses_a_second_one() {
    let (hv, dom0, domu) = setup(1);
    for _ in 0..100 {
        alloc_unbound(&hv, &domu, DOMID_SELF, 0);
    }
    domu.state().controller_pause_count = 1;
    let mut g = guest();
    g.put(ARG, &evtchn_reset { dom: 1 });
    let mut preempt = hypercall::dispatch::PreemptAfter { steps: 0 };
    let out = common::hypercall_preempted(
        &hv,
        &dom0,
        &mut g,
        &mut preempt,
        __HYPERVISOR_event_channel_op,
        [EVTCHNOP_reset.into(), ARG, 0, 0, 0],
    );
    let Outcome::Continue(cont) = out else {
        panic!("100 ports with a preemption at once: {out:?}")
    };
    assert_eq!(cont[0], u64::from(EVTCHNOP_reset_cont));
    let (rc, _) = op(&hv, &dom0, EVTCHNOP_reset, &evtchn_reset { dom: 1 });
    assert_eq!(rc, err(Errno::EBUSY));
    let (rc, _) = hypercall_to_completion(
        &hv,
        &dom0,
        &mut g,
        1000,
        __HYPERVISOR_event_channel_op,
        cont,
    );
    assert_eq!(rc, 0);
    assert_eq!(domu.events.lock().active(), 0);
}

// event_channel.c evtchn_reset: `if ( !(i & 0x3f) && hypercall_preempt_check() )`: the reset
// asks whether to stop only after closing a port that is a multiple of 64. Told to stop at the
// first question, a reset of ports 1 to 100 stops after closing port 64, and its continuation
// closes the rest.
#[test]
fn a_reset_is_preempted_only_after_every_64th_port() {
    let (hv, dom0, domu) = setup(1);
    for port in 1..=100 {
        assert_eq!(alloc_unbound(&hv, &domu, DOMID_SELF, 0), (0, port));
    }
    domu.state().controller_pause_count = 1;
    let mut g = guest();
    g.put(ARG, &evtchn_reset { dom: 1 });
    let mut preempt = hypercall::dispatch::PreemptAfter { steps: 0 };
    let out = common::hypercall_preempted(
        &hv,
        &dom0,
        &mut g,
        &mut preempt,
        __HYPERVISOR_event_channel_op,
        [EVTCHNOP_reset.into(), ARG, 0, 0, 0],
    );
    let Outcome::Continue(cont) = out else {
        panic!("100 ports with a preemption at once: {out:?}")
    };
    assert_eq!(domu.events.lock().active(), 100 - 64);
    assert_eq!(status(&hv, &dom0, 1, 64).1.status, EVTCHNSTAT_closed);
    assert_eq!(status(&hv, &dom0, 1, 65).1.status, EVTCHNSTAT_unbound);
    let (rc, _) = hypercall_to_completion(
        &hv,
        &dom0,
        &mut g,
        1000,
        __HYPERVISOR_event_channel_op,
        cont,
    );
    assert_eq!(rc, 0);
    assert_eq!(domu.events.lock().active(), 0);
}

#[test]
fn reset_stages_seen_by_a_concurrent_caller() {
    // evtchn_reset's three locked stages, called directly as other vCPUs would interleave with
    // them. The reset is recorded before any port closes (`d->next_evtchn = i`), so a second
    // one is EBUSY even before the first is preempted.
    let (hv, _dom0, domu) = setup(1);
    assert_eq!(event::reset_begin(&domu.events, ResetStart::New), Ok(1));
    assert_eq!(
        event::reset_begin(&domu.events, ResetStart::New),
        Err(Errno::EBUSY)
    );
    // The loop goes on while ports are in use (`has_active_evtchns`) and valid: with none in
    // use it stops at once, even at a valid port.
    assert!(!event::reset_should_close(&domu.events, 1));
    // A port bound meanwhile: closes go on, at valid ports only.
    let (_, port) = alloc_unbound(&hv, &domu, DOMID_SELF, 0);
    assert!(event::reset_should_close(&domu.events, port));
    assert!(!event::reset_should_close(&domu.events, EVTCHNS_PER_BUCKET));
    // Bound after the loop: the end answers EAGAIN, and the reset is over either way.
    assert_eq!(event::reset_end(&hv, &domu), Err(Errno::EAGAIN));
    assert_eq!(
        event::reset_begin(&domu.events, ResetStart::Resume),
        Err(Errno::EBUSY)
    );
    assert_eq!(
        status(&hv, &domu, DOMID_SELF, port).1.status,
        EVTCHNSTAT_unbound
    );
    assert_eq!(event::reset_begin(&domu.events, ResetStart::New), Ok(1));
}

#[test]
fn the_fifo_abi_and_pirqs_are_not_offered_yet() {
    let (hv, dom0, _) = setup(1);
    let (_, port) = alloc_unbound(&hv, &dom0, DOMID_SELF, 1);
    let p = evtchn_set_priority { port, priority: 3 };
    assert_eq!(
        op(&hv, &dom0, EVTCHNOP_set_priority, &p).0,
        err(Errno::ENOSYS)
    );
    let p = evtchn_set_priority {
        port: 1 << 20,
        priority: 3,
    };
    assert_eq!(
        op(&hv, &dom0, EVTCHNOP_set_priority, &p).0,
        err(Errno::EINVAL)
    );
    let b = evtchn_bind_pirq {
        pirq: 1,
        flags: 0,
        port: 0,
    };
    assert_eq!(op(&hv, &dom0, EVTCHNOP_bind_pirq, &b).0, err(Errno::EINVAL));
    assert_eq!(op(&hv, &dom0, 99, &0u32).0, err(Errno::ENOSYS));
}

#[test]
fn an_argument_that_cannot_be_read_whole_binds_nothing() {
    let (hv, dom0, _) = setup(1);
    // The argument straddles the end of the guest's memory.
    let mut g = FlatGuest::new(GUEST_BASE, 0x2004);
    let out = hypercall(
        &hv,
        &dom0,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [EVTCHNOP_alloc_unbound.into(), ARG, 0, 0, 0],
    );
    assert_eq!(out, Outcome::Return(err(Errno::EFAULT)));
    assert_eq!(dom0.events.lock().active(), 0);
}

#[test]
fn vcpus_beyond_the_shared_info_slots_have_no_vcpu_info_until_they_register_one() {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 12).unwrap();
    let d = domain(&hv, 2, false, 33, XL_MAX_PORT);
    let (rc, ipi) = bind_ipi(&hv, &d, 32);
    assert_eq!(rc, 0);
    // The event is pending in the bitmap, but vCPU 32 has nowhere to be told.
    assert_eq!(send(&hv, &d, ipi), 0);
    assert!(pending(&hv, &d, ipi));
    for v in 0..32 {
        assert_eq!(upcall(&hv, &d, v), (false, 0));
    }
}

#[test]
fn ports_beyond_the_first_bitmap_word_use_their_own_words() {
    // evtchn_2l_*: port p is bit p % 64 of word p / 64 of evtchn_pending and evtchn_mask, and
    // bit p / 64 of the selector.
    let (hv, dom0, _) = setup(1);
    let mut port = 0;
    while port < 130 {
        port = bind_ipi(&hv, &dom0, 0).1;
    }
    let word = (port / 64) as usize;
    assert_eq!(send(&hv, &dom0, port), 0);
    let raw = |w: usize| hv.heap.read_u64(dom0.shared_info, w);
    assert_eq!(raw(256 + word), 1 << (port % 64));
    assert_eq!(raw(256), 0, "the first word untouched");
    assert_eq!(event::poll_pending(&hv, &dom0, port), Ok(true));
    assert_eq!(take_upcall(&hv, &dom0, 0), 1 << word);
    // Closing clears it in its word.
    assert_eq!(close(&hv, &dom0, port), 0);
    assert_eq!(raw(256 + word), 0);
    // Masked in its own mask word, the event is held until unmasked.
    let port = bind_ipi(&hv, &dom0, 0).1;
    assert_eq!(port / 64, word as u32);
    mask(&hv, &dom0, port, true);
    send(&hv, &dom0, port);
    assert_eq!(take_upcall(&hv, &dom0, 0), 0);
    assert_eq!(unmask(&hv, &dom0, port), 0);
    assert_eq!(raw(320 + word), 0);
    assert_eq!(take_upcall(&hv, &dom0, 0), 1 << word);
}
