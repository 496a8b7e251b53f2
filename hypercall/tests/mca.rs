//! Machine-check reporting as an HVM/PVH guest sees it under Xen 4.17: `__HYPERVISOR_mca` is a
//! PV-only hypercall (xen/include/hypercall-defs.c, whose hvm32/hvm64 columns for `mca` are
//! `-`, so `hvm_hypercall` finds no handler: ENOSYS), and VIRQ_MCA is a global VIRQ any domain
//! may bind on vCPU 0 (xen/common/event_channel.c `evtchn_bind_virq`, `virq_is_global`, and
//! xen/arch/x86/include/asm/event.h `arch_virq_is_global`).

use crate::common::{self, TestDomain, TestHv, GUEST_BASE};

use std::sync::Arc;

use hypercall::dispatch::Outcome;
use hypercall::event;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_mm::frame::FrameAccess;
use xen_public::arch_x86::xen_mca::*;
use xen_public::event_channel::{
    evtchn_bind_virq, evtchn_status, EVTCHNOP_bind_virq, EVTCHNOP_status, EVTCHNSTAT_virq,
};
use xen_public::xen::{__HYPERVISOR_event_channel_op, DOMID_SELF};

fn call(hv: &TestHv, d: &Arc<TestDomain>, g: &mut FlatGuest, nr: u32, args: [u64; 5]) -> i64 {
    match common::hypercall(hv, d, g, nr, args) {
        Outcome::Return(v) => v,
        c => panic!("hypercall {nr} continued: {c:?}"),
    }
}

fn bind_virq(hv: &TestHv, d: &Arc<TestDomain>, virq: u32, vcpu: u32) -> (i64, u32) {
    let mut g = common::guest();
    g.put(
        GUEST_BASE,
        &evtchn_bind_virq {
            virq,
            vcpu,
            port: 0,
        },
    );
    let rc = call(
        hv,
        d,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [u64::from(EVTCHNOP_bind_virq), GUEST_BASE, 0, 0, 0],
    );
    (rc, g.get::<evtchn_bind_virq>(GUEST_BASE).port)
}

fn domain(hv: &TestHv, domid: u16, privileged: bool) -> Arc<TestDomain> {
    let d = hv
        .create_domain(
            Some(domid),
            hypercall::domain::DomainConfig {
                max_evtchn_port: 1023,
                ..common::pvh_config(privileged)
            },
        )
        .expect("a domain");
    let mut st = d.state();
    st.vcpus = 1;
    st.controller_pause_count = 0;
    drop(st);
    d
}

// hypercall-defs.c: `mca  do  do  -  -  -`; hvm_hypercall: no handler -> ENOSYS, before any
// argument is read, for the hardware domain as for a domU.
#[test]
fn mca_is_not_an_hvm_hypercall() {
    let (hv, dom0) = common::hypervisor(64);
    let domu = domain(&hv, 1, false);
    let mut g = common::guest();
    let mut mc = xen_mc {
        cmd: XEN_MC_physcpuinfo,
        interface_version: XEN_MCA_INTERFACE_VERSION,
        ..Default::default()
    };
    g.put(GUEST_BASE, &mc);
    for d in [&dom0, &domu] {
        for arg in [GUEST_BASE, 0, 0xdead_0000] {
            assert_eq!(
                call(&hv, d, &mut g, __HYPERVISOR_mca, [arg, 0, 0, 0, 0]),
                Errno::ENOSYS.negated()
            );
        }
    }
    // Nothing was written back (no ncpus).
    mc.u[0] = 0;
    assert_eq!(g.get::<xen_mc>(GUEST_BASE), mc);
}

// evtchn_bind_virq: VIRQ_MCA (VIRQ_ARCH_0) is global on x86, so vCPU 0 only, once; Linux's
// xen_mcelog binds it on dom0, and 4.17 lets any domain bind it.
#[test]
fn virq_mca_binds_as_a_global_virq() {
    let hv = TestHv::on_arena(common::HEAP_BASE, 64).expect("a heap");
    let dom0 = domain(&hv, 0, true);
    let domu = domain(&hv, 1, false);
    let (rc, port) = bind_virq(&hv, &dom0, VIRQ_MCA, 0);
    assert_eq!(rc, 0);
    assert!(port > 0);
    assert_eq!(
        bind_virq(&hv, &dom0, VIRQ_MCA, 0).0,
        Errno::EEXIST.negated()
    );
    let (rc, _) = bind_virq(&hv, &domu, VIRQ_MCA, 0);
    assert_eq!(rc, 0);
    // A global VIRQ on another vCPU: EINVAL (checked before the vCPU exists).
    assert_eq!(
        bind_virq(&hv, &domu, VIRQ_MCA, 1).0,
        Errno::EINVAL.negated()
    );
    // EVTCHNOP_status says so.
    let mut g = common::guest();
    g.put(
        GUEST_BASE,
        &evtchn_status {
            dom: DOMID_SELF,
            port,
            ..Default::default()
        },
    );
    assert_eq!(
        call(
            &hv,
            &dom0,
            &mut g,
            __HYPERVISOR_event_channel_op,
            [u64::from(EVTCHNOP_status), GUEST_BASE, 0, 0, 0]
        ),
        0
    );
    let s: evtchn_status = g.get(GUEST_BASE);
    assert_eq!((s.status, s.vcpu, s.u[0]), (EVTCHNSTAT_virq, 0, VIRQ_MCA));
    // send_guest_global_virq reaches it.
    let pending =
        || hv.heap.read_u64(dom0.shared_info, 256 + port as usize / 64) >> (port % 64) & 1;
    assert_eq!(pending(), 0);
    event::send_global_virq(&hv, &dom0, VIRQ_MCA);
    assert_eq!(pending(), 1);
}
