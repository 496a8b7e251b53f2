//! `mode=bench`: whole-system measurements for `./x bench` (tools/xtask/src/bench.rs), the same
//! under xen-rs and under Xen 4.17, timed with the TSC (neither hypervisor intercepts RDTSC for
//! this guest on QEMU, and the host compares the two hypervisors' TSC deltas in the same QEMU):
//!
//! - building a 512 MiB PVH domU with the toolstack library (create, claim, populate, load, the
//!   vCPU's state; left paused), with the populate step timed on its own, then destroying it;
//! - populate_physmap of 256 MiB in 4 KiB extents (order 0) and in 2 MiB extents (order 9), in
//!   batches of 512 extents as libxc sends them, alternately.
//!
//! Each measurement is one line, `bench: NAME round=R tsc=TICKS` (plus named parts), which the
//! host parses. `rounds=N` on the command line repeats the set (default 2).

use alloc::vec::Vec;
use core::arch::x86_64::_rdtsc;

use toolstack::builder::{LIBXL_MAXMEM_CONSTANT, SUPERPAGE_2MB_ORDER};
use toolstack::ctrl::pvh_createdomain_config;
use toolstack::{build_pvh, BuildProgress, Error, PvhConfig, XenCtrl};
use xen_public::errno::Errno;

use crate::domu::{module, wait_for_free_pages};
use crate::println;
use crate::start_info::StartInfo;
use crate::toolstack_backend::GuestHypercall;

/// The domU's memory for the build measurement.
const BUILD_MIB: u64 = 512;
/// The memory populated in each extent-order measurement.
const POPULATE_MIB: u64 = 256;
/// Extents per populate_physmap call (the builder's and libxc's batch).
const EXTENTS_PER_CALL: u64 = 512;

/// The time-stamp counter.
fn tsc() -> u64 {
    // SAFETY: RDTSC reads a counter and touches no memory; CR4.TSD is clear for this guest.
    unsafe { _rdtsc() }
}

/// The mode; returns whether every measurement ran.
pub fn run(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("bench: no boot module: the domU's kernel must be the first module");
        return false;
    };
    let rounds = start
        .option("rounds")
        .and_then(|r| r.parse().ok())
        .unwrap_or(2u32);
    let mut xc = XenCtrl::new(GuestHypercall::default());
    for round in 1..=rounds {
        let steps = [
            build(&mut xc, kernel, round),
            populate(&mut xc, 0, round),
            populate(&mut xc, SUPERPAGE_2MB_ORDER, round),
        ];
        if let Some(Err(e)) = steps.into_iter().find(Result::is_err) {
            println!("bench: round {round} failed: {e}");
            return false;
        }
    }
    true
}

/// Builds a 512 MiB domU (paused), prints the times, destroys it.
fn build(xc: &mut XenCtrl<GuestHypercall>, kernel: &[u8], round: u32) -> Result<(), Error> {
    let config = PvhConfig {
        handle: *b"xen-rs bench dom",
        max_vcpus: 1,
        target_memkb: BUILD_MIB * 1024,
        max_memkb: BUILD_MIB * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=probe",
        claim: true,
        paused: true,
        max_extent_order: 18,
    };
    let free_before = xc.physinfo().map(|p| p.free_pages);
    let start = tsc();
    // The populate step: from the claim to the last populated extent.
    let (mut claimed, mut populated) = (0, 0);
    let domid = build_pvh(xc, &config, &mut |_, step| match step {
        BuildProgress::Claimed { .. } => claimed = tsc(),
        BuildProgress::Populated { done, total } if done == total => populated = tsc(),
        _ => {}
    })?;
    let built = tsc();
    xc.domain_destroy(domid)?;
    let destroyed = tsc();
    println!(
        "bench: build-{BUILD_MIB}MiB round={round} tsc={} populate={} destroy={}",
        built - start,
        populated.saturating_sub(claimed),
        destroyed - built
    );
    settle(xc, free_before)
}

/// Populates 256 MiB of a fresh domain with extents of `order`, prints the time, destroys it.
fn populate(xc: &mut XenCtrl<GuestHypercall>, order: u32, round: u32) -> Result<(), Error> {
    let pages = POPULATE_MIB << 8;
    let free_before = xc.physinfo().map(|p| p.free_pages);
    let domid = xc.domain_create(0, &pvh_createdomain_config(1, *b"xen-rs bench pop"))?;
    let result = populate_domain(xc, domid, order, pages);
    xc.domain_destroy(domid)?;
    let ticks = result?;
    println!(
        "bench: populate-{POPULATE_MIB}MiB-order{order} round={round} tsc={ticks} extents={}",
        pages >> order
    );
    settle(xc, free_before)
}

/// The populate_physmap calls alone, timed; the domain is set up first as the builder does (one
/// vCPU, which paging ops need; max_mem; the paging pool for the p2m).
fn populate_domain(
    xc: &mut XenCtrl<GuestHypercall>,
    domid: u16,
    order: u32,
    pages: u64,
) -> Result<u64, Error> {
    xc.domain_max_vcpus(domid, 1)?;
    xc.domain_setmaxmem(domid, pages * 4 + LIBXL_MAXMEM_CONSTANT)?;
    // libxl_get_required_shadow_memory for one vCPU, as build_pvh sizes it; xen-rs has no pool.
    let pool_mib = (4 * (256 + 2 * (pages >> 8))).div_ceil(1024) as u32;
    match xc.shadow_set_allocation(domid, pool_mib) {
        Err(Error::Xen {
            errno: Errno::EOPNOTSUPP,
            ..
        }) => {}
        other => other?,
    }
    let extents = pages >> order;
    let start = tsc();
    let mut first = 0;
    while first < extents {
        let n = (extents - first).min(EXTENTS_PER_CALL);
        let gfns: Vec<u64> = (first..first + n).map(|i| i << order).collect();
        let done = xc.domain_populate_physmap(domid, order, 0, &gfns)? as u64;
        if done == 0 {
            return Err(Error::Platform("populate_physmap populated nothing"));
        }
        first += done;
    }
    Ok(tsc() - start)
}

/// Waits until the destroyed domain's memory is free again, so the next measurement starts
/// from the same heap.
fn settle(xc: &mut XenCtrl<GuestHypercall>, free_before: Result<u64, Error>) -> Result<(), Error> {
    if wait_for_free_pages(xc, free_before) == free_before {
        Ok(())
    } else {
        Err(Error::Platform(
            "the destroyed domain's memory did not come back",
        ))
    }
}
