//! The dispatcher's overhead: a hypercall through `hypercall::dispatch` next to a direct call of
//! the handler it reaches (`do_xen_version`, `do_memory_op`) and next to the answer read without
//! any hypercall layer (the floor). The difference is the cost of decoding the number, the errno
//! mapping and the `Call` context, which every guest hypercall pays.

// The host tests' hypervisor: an arena heap with dom0.
#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;

use common::{guest, hypercall, hypervisor, TestDomain, TestHv, GUEST_BASE};
use divan::Bencher;
use hypercall::dispatch::{Call, NeverPreempt, Outcome};
use hypercall::guest::FlatGuest;
use hypercall::memory_op::do_memory_op;
use hypercall::xen_version::do_xen_version;
use xen_public::memory::XENMEM_current_reservation;
use xen_public::version::XENVER_version;
use xen_public::xen::{__HYPERVISOR_memory_op, __HYPERVISOR_xen_version, DOMID_SELF};

fn main() {
    divan::main();
}

/// dom0 with a guest buffer holding DOMID_SELF at [`GUEST_BASE`] (XENMEM_current_reservation's
/// argument).
fn setup() -> (TestHv, Arc<TestDomain>, FlatGuest) {
    let (hv, dom0) = hypervisor(1024);
    let mut g = guest();
    g.bytes[..2].copy_from_slice(&DOMID_SELF.to_le_bytes());
    (hv, dom0, g)
}

/// The hypercall number and arguments for each case.
fn hypercall_for(case: &str) -> (u32, [u64; 5]) {
    match case {
        "xen_version" => (
            __HYPERVISOR_xen_version,
            [XENVER_version.into(), 0, 0, 0, 0],
        ),
        _ => (
            __HYPERVISOR_memory_op,
            [XENMEM_current_reservation.into(), GUEST_BASE, 0, 0, 0],
        ),
    }
}

const CASES: [&str; 2] = ["xen_version", "memory_op_current_reservation"];

/// Through `hypercall::dispatch`, as the exit handler calls it (the host tests' `hypercall`).
#[divan::bench(args = CASES)]
fn through_dispatcher(bencher: Bencher, case: &str) {
    let (hv, dom0, mut g) = setup();
    let (nr, args) = hypercall_for(case);
    bencher.bench_local(|| {
        let out = hypercall(&hv, &dom0, &mut g, divan::black_box(nr), args);
        assert!(matches!(out, Outcome::Return(v) if v >= 0));
        out
    });
}

/// The handler called directly, skipping the dispatcher's decoding.
#[divan::bench(args = CASES)]
fn handler_direct(bencher: Bencher, case: &str) {
    let (hv, dom0, mut g) = setup();
    let (nr, args) = hypercall_for(case);
    bencher.bench_local(|| {
        let mut call = Call {
            caller: &dom0,
            vcpu: 0,
            guest: &mut g,
            preempt: &mut NeverPreempt,
            sched: None,
            interrupts_enabled: false,
        };
        let out = if nr == __HYPERVISOR_xen_version {
            do_xen_version(&hv, &mut call, divan::black_box(args))
        } else {
            do_memory_op(&hv, &mut call, divan::black_box(args))
        };
        assert!(matches!(out, Ok(Outcome::Return(v)) if v >= 0));
        out
    });
}

/// The floor: the same answer read straight from the hypervisor's state.
#[divan::bench(args = CASES)]
fn answer_only(bencher: Bencher, case: &str) {
    let (hv, dom0, _) = setup();
    let xen_version = case == "xen_version";
    bencher.bench_local(|| {
        if divan::black_box(xen_version) {
            (i64::from(hv.info.major) << 16) | i64::from(hv.info.minor)
        } else {
            divan::black_box(&dom0).mem.tot_pages() as i64
        }
    });
}
