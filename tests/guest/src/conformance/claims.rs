//! Page claims: XENMEM_claim_pages (xen/common/memory.c `do_memory_op`, xen/common/page_alloc.c
//! `domain_set_outstanding_pages`, consumed in `domain_adjust_tot_pages`), seen through sysctl
//! physinfo's outstanding_pages and getdomaininfo's outstanding_pages.

use xen_public::memory::{XENMEM_claim_pages, XENMEM_populate_physmap};

use super::{
    create_pvh, destroy, domaininfo, physinfo, rel, reservation, reservation_at, settled_free, Rc,
};
use crate::case;

/// XENMEM_claim_pages for `domid` of `pages` (the total target), flags and order as given.
fn claim_with(domid: u16, pages: u64, order: u32, flags: u32) -> i64 {
    reservation_at(XENMEM_claim_pages, domid, 0, pages, order, flags)
}

fn claim(domid: u16, pages: u64) -> i64 {
    claim_with(domid, pages, 0, 0)
}

/// Global outstanding claims.
fn outstanding() -> u64 {
    physinfo().outstanding_pages
}

pub fn run() {
    mem_claim();
    rules();
}

/// The sequence of Xen's tools/tests/mem-claim/test-mem-claim.c: a quiescent system, a domain
/// with unlimited max_mem, a 4M claim, 2M populated out of it, destroy.
fn mem_claim() {
    let free_before = settled_free();
    let quiescent = outstanding();
    let Some(domid) = create_pvh(u64::MAX) else {
        return;
    };
    let after_create = outstanding();
    case!(
        "claims.mem_claim.create",
        "outstanding before {quiescent}, after create {after_create}"
    );

    // domain_set_outstanding_pages: 1024 pages claimed, visible globally and per domain.
    let rc = claim(domid, 1024);
    let (_, info) = domaininfo(domid);
    case!(
        "claims.mem_claim.claim_4m",
        "rc {}, outstanding {}, domain outstanding {}",
        Rc(rc),
        outstanding(),
        info.outstanding_pages
    );

    // populate_physmap of one 2M extent: domain_adjust_tot_pages takes it from the claim.
    let mut gfn = [0u64];
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfn, 9, 0);
    let (_, info) = domaininfo(domid);
    case!(
        "claims.mem_claim.populate_2m",
        "rc {}, outstanding {}, tot_pages {}",
        Rc(rc),
        outstanding(),
        info.tot_pages
    );

    // domain_kill: destroying the domain releases the rest of the claim and its pages.
    let rc = destroy(domid);
    case!(
        "claims.mem_claim.destroy",
        "rc {}, outstanding {}, free_after {} free_before",
        Rc(rc),
        outstanding(),
        rel(settled_free(), free_before)
    );
}

/// The error rules of domain_set_outstanding_pages and the XENMEM_claim_pages checks.
fn rules() {
    let free_before = settled_free();
    // max_mem 8 MiB: max_pages 2048.
    let Some(domid) = create_pvh(8192) else {
        return;
    };

    // Claim 0 with no claim outstanding: cancels nothing, succeeds.
    let rc = claim(domid, 0);
    case!("claims.cancel_without_claim", "rc {}", Rc(rc));

    // A second non-zero claim while one is outstanding -> -EINVAL; claim 0 cancels.
    let first = claim(domid, 1024);
    let second = claim(domid, 1024);
    let smaller = claim(domid, 512);
    let held = outstanding();
    let cancel = claim(domid, 0);
    case!(
        "claims.second_claim",
        "first {}, second {}, smaller {}, outstanding {held}, cancel {}, outstanding after {}",
        Rc(first),
        Rc(second),
        Rc(smaller),
        Rc(cancel),
        outstanding()
    );

    // More than max_pages -> -EINVAL.
    let rc = claim(domid, 4096);
    case!(
        "claims.above_max_pages",
        "rc {}, outstanding {}",
        Rc(rc),
        outstanding()
    );
    claim(domid, 0);

    // Flags or an order in the reservation -> -EINVAL (do_memory_op's XENMEM_claim_pages).
    let flags = claim_with(domid, 1024, 0, 1);
    let order = claim_with(domid, 1024, 1, 0);
    let extents = reservation_at(XENMEM_claim_pages, domid, 0x1000, 1024, 0, 0);
    case!(
        "claims.bad_reservation",
        "mem_flags {}, extent_order {}, extent_start {}",
        Rc(flags),
        Rc(order),
        Rc(extents)
    );
    claim(domid, 0);

    // A domain that does not exist.
    let rc = claim(0x7000, 1024);
    case!("claims.no_domain", "rc {}", Rc(rc));

    // The claim is a total: at or below the pages the domain has -> -EINVAL; above, the
    // outstanding part is the difference.
    let mut gfn = [0u64];
    let pop = reservation(XENMEM_populate_physmap, domid, &mut gfn, 9, 0);
    let equal = claim(domid, 512);
    let below = claim(domid, 100);
    let above = claim(domid, 1536);
    let (_, info) = domaininfo(domid);
    case!(
        "claims.against_current_pages",
        "populate {}, claim == tot {}, claim < tot {}, claim tot + 1024 {}, outstanding {}",
        Rc(pop),
        Rc(equal),
        Rc(below),
        Rc(above),
        info.outstanding_pages
    );
    claim(domid, 0);

    // More than the free memory -> -ENOMEM (max_mem unlimited first, so only memory limits it).
    super::set_max_mem(domid, u64::MAX);
    let free = settled_free();
    let rc = claim(domid, free + 4096);
    case!(
        "claims.more_than_free",
        "rc {}, outstanding {}",
        Rc(rc),
        outstanding()
    );

    // Destroying a domain with a claim drops the claim; the heap is back where it was.
    let rc = claim(domid, 1024);
    let held = outstanding();
    let gone = destroy(domid);
    case!(
        "claims.destroy_with_claim",
        "claim {}, outstanding {held}, destroy {}, outstanding after {}, free_after {} free_before",
        Rc(rc),
        Rc(gone),
        outstanding(),
        rel(settled_free(), free_before)
    );
}
