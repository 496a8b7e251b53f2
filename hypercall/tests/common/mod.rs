//! A hypervisor for host tests: an arena-backed heap, dom0 as the privileged control domain, and a
//! flat guest buffer for hypercall arguments.
#![allow(dead_code)]

use std::sync::Arc;

use hypercall::dispatch::{Call, NeverPreempt, Outcome, Preempt};
use hypercall::domain::{Domain, DomainConfig};
use hypercall::guest::FlatGuest;
use hypercall::hypervisor::Hypervisor;
use xen_mm::arena::ArenaFrames;
use xen_mm::p2m::npt::Npt;
use xen_public::domctl::{XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm};

/// The first frame of the test heap.
pub const HEAP_BASE: u64 = 0x1000;
/// Where the test guest buffer starts (a guest address).
pub const GUEST_BASE: u64 = 0x10_0000;
/// Its size.
pub const GUEST_BYTES: usize = 1 << 20;

pub type TestHv = Hypervisor<ArenaFrames, Npt>;
pub type TestDomain = Domain<Npt>;

/// A hypervisor over `frames` frames of RAM, with dom0 (privileged, PVH, 0 pages, max_pages
/// `frames`) unpaused.
pub fn hypervisor(frames: u64) -> (TestHv, Arc<TestDomain>) {
    let hv = TestHv::on_arena(HEAP_BASE, frames).expect("a test heap");
    let dom0 = hv.create_domain(Some(0), pvh_config(true)).expect("dom0");
    dom0.mem.set_max_pages(frames);
    dom0.state().controller_pause_count = 0;
    dom0.state().creation_finished = true;
    (hv, dom0)
}

/// A PVH domain's configuration (HVM with hardware-assisted paging, one vCPU).
pub fn pvh_config(is_privileged: bool) -> DomainConfig {
    DomainConfig {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 1,
        is_privileged,
        ..Default::default()
    }
}

/// An empty guest buffer at [`GUEST_BASE`].
pub fn guest() -> FlatGuest {
    FlatGuest::new(GUEST_BASE, GUEST_BYTES)
}

/// Issues hypercall `nr` as `caller`, never preempted.
pub fn hypercall(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    nr: u32,
    args: [u64; 5],
) -> Outcome {
    hypercall_preempted(hv, caller, guest, &mut NeverPreempt, nr, args)
}

/// Issues hypercall `nr` as `caller` with a preemption source.
pub fn hypercall_preempted(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    preempt: &mut impl Preempt,
    nr: u32,
    args: [u64; 5],
) -> Outcome {
    let mut call = Call {
        caller,
        vcpu: 0,
        guest,
        preempt,
        sched: None,
        interrupts_enabled: false,
    };
    hypercall::dispatch(hv, &mut call, nr.into(), args)
}

/// Issues hypercall `nr` and follows continuations until it returns, as a guest's vCPU would
/// re-execute it; returns the final value and how many continuations there were.
pub fn hypercall_to_completion(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    steps_between_preemptions: u64,
    nr: u32,
    mut args: [u64; 5],
) -> (i64, u32) {
    let mut continuations = 0;
    loop {
        let mut preempt = hypercall::dispatch::PreemptAfter {
            steps: steps_between_preemptions,
        };
        match hypercall_preempted(hv, caller, guest, &mut preempt, nr, args) {
            Outcome::Return(v) => return (v, continuations),
            Outcome::Continue(next) => {
                continuations += 1;
                assert!(continuations < 1_000_000, "a continuation that never ends");
                args = next;
            }
        }
    }
}
