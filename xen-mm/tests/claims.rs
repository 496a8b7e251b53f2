//! Page claims and domain memory accounting, rule by rule, after upstream Xen:
//! xen/common/page_alloc.c (`domain_set_outstanding_pages`, `alloc_heap_pages`, `assign_pages`,
//! `free_domheap_pages`), xen/common/memory.c (`XENMEM_claim_pages`), xen/common/domain.c
//! (`domain_kill`). Every failing call is checked to leave all state as it was.

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::heap::{DomHeap, DomainMemory, PhysInfo};

const BASE: u64 = 0x1000;

use crate::common;

/// A heap of `frames` frames on one node, starting at an aligned frame so large blocks exist.
fn heap(frames: u64) -> DomHeap<ArenaFrames> {
    common::arena_heap(BASE, frames, 1, |_| NodeId(0))
}

/// Two nodes: node 0 holds the first `split` frames, node 1 the rest.
fn two_node_heap(frames: u64, split: u64) -> DomHeap<ArenaFrames> {
    common::arena_heap(BASE, frames, 2, move |m| {
        NodeId(u8::from(m.0 >= BASE + split))
    })
}

const ANY: AllocRequest = AllocRequest {
    node: None,
    exact_node: false,
    address_bits: None,
};

/// An allocation on `node` only (XENMEMF_exact_node).
fn exactly_on(node: u8) -> AllocRequest {
    AllocRequest {
        node: Some(NodeId(node)),
        exact_node: true,
        address_bits: None,
    }
}

fn populate(h: &DomHeap<ArenaFrames>, d: &DomainMemory, order: u32, count: u64) -> Vec<Mfn> {
    (0..count)
        .map(|_| h.alloc_domheap_pages(d, order, &ANY).unwrap())
        .collect()
}

/// One domain's memory as the tests compare it: tot_pages, max_pages, claim, blocks held.
type DomainSnapshot = (u64, u64, u64, Vec<(Mfn, u32)>);

/// Everything a failing call must leave alone.
#[derive(Debug, PartialEq)]
struct Snapshot {
    phys: PhysInfo,
    domains: Vec<DomainSnapshot>,
}

fn snapshot(h: &DomHeap<ArenaFrames>, ds: &[&DomainMemory]) -> Snapshot {
    Snapshot {
        phys: h.physinfo(),
        domains: ds
            .iter()
            .map(|d| {
                (
                    d.tot_pages(),
                    d.max_pages(),
                    h.outstanding_pages(d),
                    d.blocks(),
                )
            })
            .collect(),
    }
}

/// Runs a call that must fail with `errno` and change nothing.
fn fails_unchanged<T: std::fmt::Debug>(
    h: &DomHeap<ArenaFrames>,
    ds: &[&DomainMemory],
    errno: Errno,
    call: impl FnOnce() -> Result<T, Errno>,
) {
    let before = snapshot(h, ds);
    let result = call();
    assert_eq!(result.as_ref().err(), Some(&errno), "got {result:?}");
    assert_eq!(snapshot(h, ds), before, "a failing call changed state");
    h.check_invariants().unwrap();
}

// --- domain_set_outstanding_pages --------------------------------------------------------------

#[test]
fn claim_is_a_target_not_an_increment() {
    // domain_set_outstanding_pages: claim = pages - domain_tot_pages(d).
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    populate(&h, &d, 0, 100);
    h.claim_pages(&d, 300, None).unwrap();
    assert_eq!(h.outstanding_pages(&d), 200);
    assert_eq!(h.physinfo().outstanding_pages, 200);
    h.check_invariants().unwrap();
}

#[test]
fn claim_zero_releases_and_always_succeeds() {
    // domain_set_outstanding_pages: pages == 0 releases, whatever else holds.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    h.claim_pages(&d, 0, None).unwrap();
    h.claim_pages(&d, 1000, None).unwrap();
    d.set_max_pages(0); // even with max_pages now below the claim
    h.claim_pages(&d, 0, None).unwrap();
    assert_eq!(h.outstanding_pages(&d), 0);
    assert_eq!(h.physinfo().outstanding_pages, 0);
}

#[test]
fn second_claim_is_einval_until_released() {
    // domain_set_outstanding_pages: "if ( d->outstanding_pages ) ret = -EINVAL", tested before the
    // range checks.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    h.claim_pages(&d, 1000, None).unwrap();
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 2000, None));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 1000, None));
    h.claim_pages(&d, 0, None).unwrap();
    h.claim_pages(&d, 2000, None).unwrap();
    assert_eq!(h.outstanding_pages(&d), 2000);
}

#[test]
fn claim_at_or_below_current_pages_or_above_max_is_einval() {
    // domain_set_outstanding_pages: pages <= domain_tot_pages(d) || pages > d->max_pages -> -EINVAL.
    let h = heap(4096);
    let d = h.new_domain(1, 1000).unwrap();
    populate(&h, &d, 0, 10);
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 10, None));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 5, None));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 1001, None));
    h.claim_pages(&d, 11, None).unwrap();
    h.claim_pages(&d, 0, None).unwrap();
    h.claim_pages(&d, 1000, None).unwrap();
    assert_eq!(h.outstanding_pages(&d), 990);
}

#[test]
fn claim_of_exactly_the_unclaimed_memory_succeeds_one_more_is_enomem() {
    // domain_set_outstanding_pages: "if ( claim > avail_pages ) goto out" (-ENOMEM): the comparison
    // is strict. The claims RFC compared with `<` where `<=` is meant; this names that case.
    let h = heap(4096);
    let a = h.new_domain(1, 8192).unwrap();
    let b = h.new_domain(2, 8192).unwrap();
    h.claim_pages(&a, 1000, None).unwrap();
    let unclaimed = h.physinfo().free_pages - h.physinfo().outstanding_pages;
    assert_eq!(unclaimed, 4096 - 1000);
    fails_unchanged(&h, &[&a, &b], Errno::ENOMEM, || {
        h.claim_pages(&b, unclaimed + 1, None)
    });
    h.claim_pages(&b, unclaimed, None).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 4096);
    h.check_invariants().unwrap();
}

#[test]
fn system_total_adds_each_claim() {
    // domain_set_outstanding_pages: "outstanding_claims += d->outstanding_pages". The claims RFC
    // doubled the system total instead of adding the claim; this names that case.
    let h = heap(4096);
    let a = h.new_domain(1, 4096).unwrap();
    let b = h.new_domain(2, 4096).unwrap();
    populate(&h, &b, 0, 50);
    h.claim_pages(&a, 700, None).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 700);
    h.claim_pages(&b, 350, None).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 700 + 300);
    h.claim_pages(&a, 0, None).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 300);
}

#[test]
fn free_pages_are_not_reduced_by_claims() {
    // get_outstanding_claims: free_pages counts claimed memory too; xl info subtracts.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    h.claim_pages(&d, 1234, None).unwrap();
    let p = h.physinfo();
    assert_eq!(
        (p.total_pages, p.free_pages, p.outstanding_pages),
        (4096, 4096, 1234)
    );
}

// --- alloc_heap_pages: consuming claims, protecting them ----------------------------------------

#[test]
fn upstream_mem_claim_sequence() {
    // tools/tests/mem-claim/test-mem-claim.c: claim 4 MiB, populate one 2 MiB extent, 2 MiB still
    // claimed, destroy, nothing outstanding.
    let h = heap(8192);
    assert_eq!(h.physinfo().outstanding_pages, 0);
    let d = h.new_domain(1, u64::from(u32::MAX)).unwrap();
    assert_eq!(
        h.physinfo().outstanding_pages,
        0,
        "creating a domain claims nothing"
    );
    h.claim_pages(&d, 1024, None).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 1024);
    h.alloc_domheap_pages(&d, 9, &ANY).unwrap();
    assert_eq!(h.physinfo().outstanding_pages, 512);
    h.domain_kill(&d);
    assert!(h.relinquish_memory(&d, u64::MAX).unwrap());
    assert_eq!(h.physinfo().outstanding_pages, 0);
    assert_eq!(h.physinfo().free_pages, 8192);
}

#[test]
fn other_domains_cannot_eat_claimed_memory() {
    // alloc_heap_pages: outstanding_claims + request > total_avail_pages, and the allocation is not
    // covered by the domain's own claim -> NULL (-ENOMEM to the guest).
    let h = heap(1024);
    let claimer = h.new_domain(1, 4096).unwrap();
    let other = h.new_domain(2, 4096).unwrap();
    h.claim_pages(&claimer, 1000, None).unwrap();
    populate(&h, &other, 0, 24);
    fails_unchanged(&h, &[&claimer, &other], Errno::ENOMEM, || {
        h.alloc_domheap_pages(&other, 0, &ANY)
    });
    fails_unchanged(&h, &[&claimer, &other], Errno::ENOMEM, || {
        h.alloc_anonymous(0, &ANY)
    });
    // The claimer gets all of its claim, in any order size it fits.
    populate(&h, &claimer, 9, 1);
    populate(&h, &claimer, 0, 488);
    assert_eq!(h.outstanding_pages(&claimer), 0);
    assert_eq!(h.physinfo().free_pages, 0);
    h.check_invariants().unwrap();
}

#[test]
fn a_request_larger_than_the_claim_needs_unclaimed_memory_for_all_of_it() {
    // alloc_heap_pages: a domain whose claim is smaller than the request passes only if the whole
    // request fits in unclaimed memory; it then consumes its claim to zero.
    let h = heap(1024);
    let d = h.new_domain(1, 4096).unwrap();
    let other = h.new_domain(2, 4096).unwrap();
    h.claim_pages(&d, 100, None).unwrap();
    populate(&h, &other, 0, 1024 - 100 - 256 - 100);
    // Unclaimed: 356 frames. 512 > 100 (claim) and 512 > 356 (unclaimed): refused.
    fails_unchanged(&h, &[&d, &other], Errno::ENOMEM, || {
        h.alloc_domheap_pages(&d, 9, &ANY)
    });
    // 256 > 100 but 256 <= 356: allowed, and the claim is consumed to 0.
    h.alloc_domheap_pages(&d, 8, &ANY).unwrap();
    assert_eq!(h.outstanding_pages(&d), 0);
    assert_eq!(h.physinfo().outstanding_pages, 0);
    h.check_invariants().unwrap();
}

#[test]
fn frees_do_not_regrow_a_claim() {
    // Upstream free_domheap_pages leaves claims alone (4.17's domain_adjust_tot_pages re-grew a
    // non-zero claim on every free; fixed upstream in 2025).
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    h.claim_pages(&d, 1000, None).unwrap();
    let mfns = populate(&h, &d, 0, 10);
    assert_eq!(h.outstanding_pages(&d), 990);
    for m in mfns {
        h.free_domheap_pages(&d, m, 0).unwrap();
    }
    assert_eq!(h.outstanding_pages(&d), 990);
    assert_eq!(h.physinfo().outstanding_pages, 990);
}

// --- assign_pages: max_pages, dying ---------------------------------------------------------------

#[test]
fn max_pages_is_enforced_with_xens_errnos() {
    // assign_pages: nr > max_pages - tot -> -E2BIG; tot > max_pages -> -EPERM.
    let h = heap(4096);
    let d = h.new_domain(1, 513).unwrap();
    h.alloc_domheap_pages(&d, 9, &ANY).unwrap();
    fails_unchanged(&h, &[&d], Errno::E2BIG, || {
        h.alloc_domheap_pages(&d, 1, &ANY)
    });
    h.alloc_domheap_pages(&d, 0, &ANY).unwrap();
    fails_unchanged(&h, &[&d], Errno::E2BIG, || {
        h.alloc_domheap_pages(&d, 0, &ANY)
    });
    d.set_max_pages(100);
    fails_unchanged(&h, &[&d], Errno::EPERM, || {
        h.alloc_domheap_pages(&d, 0, &ANY)
    });
    // A bad order is refused before the page limits are looked at.
    for order in [19, 64] {
        fails_unchanged(&h, &[&d], Errno::EINVAL, || {
            h.alloc_domheap_pages(&d, order, &ANY)
        });
    }
}

#[test]
fn every_frame_of_a_freed_block_is_scrubbed_before_reuse() {
    let h = heap(64);
    let a = h.new_domain(1, 4096).unwrap();
    let b = h.new_domain(2, 4096).unwrap();
    let block = h.alloc_domheap_pages(&a, 4, &ANY).unwrap();
    for i in 0..16 {
        assert!(h.frames().frame_is_zero(block + i));
        h.frames().write_u64(block + i, 511, 0xd1e7);
    }
    h.free_domheap_pages(&a, block, 4).unwrap();
    let again = h.alloc_domheap_pages(&b, 4, &ANY).unwrap();
    assert_eq!(again, block, "the same frames come back");
    for i in 0..16 {
        assert!(
            h.frames().frame_is_zero(again + i),
            "frame {i} kept a's data"
        );
    }
}

#[test]
fn a_refused_allocation_keeps_the_claim() {
    // xen-rs checks max_pages before taking frames, so (unlike upstream, where assign_pages fails
    // after the claim was consumed) a refused allocation consumes nothing.
    let h = heap(4096);
    let d = h.new_domain(1, 600).unwrap();
    h.claim_pages(&d, 600, None).unwrap();
    fails_unchanged(&h, &[&d], Errno::E2BIG, || {
        h.alloc_domheap_pages(&d, 10, &ANY)
    });
    assert_eq!(h.outstanding_pages(&d), 600);
}

#[test]
fn dying_domains_cannot_claim_or_allocate_and_killing_releases_the_claim() {
    // domain_kill releases the claim at the alive->dying step; XENMEM_claim_pages on a dying domain
    // -> -EINVAL (upstream, even for 0); assign_pages on a dying domain -> -EINVAL.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    populate(&h, &d, 0, 5);
    h.claim_pages(&d, 1000, None).unwrap();
    h.domain_kill(&d);
    assert_eq!(h.outstanding_pages(&d), 0);
    assert_eq!(h.physinfo().outstanding_pages, 0);
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 2000, None));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.claim_pages(&d, 0, None));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.alloc_domheap_pages(&d, 0, &ANY)
    });
    assert!(h.relinquish_memory(&d, 3).is_ok());
    assert!(h.relinquish_memory(&d, u64::MAX).unwrap());
    assert_eq!(d.tot_pages(), 0);
    assert_eq!(h.physinfo().free_pages, 4096);
}

#[test]
fn relinquish_is_bounded_and_needs_a_dying_domain() {
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    populate(&h, &d, 0, 100);
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.relinquish_memory(&d, 10));
    h.domain_kill(&d);
    assert!(!h.relinquish_memory(&d, 10).unwrap());
    assert_eq!(d.tot_pages(), 90);
    assert!(h.relinquish_memory(&d, 1000).unwrap());
    // The budget counts frames, not blocks: 32 frames are two blocks of 16.
    let e = h.new_domain(2, 4096).unwrap();
    populate(&h, &e, 4, 10);
    h.domain_kill(&e);
    assert!(!h.relinquish_memory(&e, 32).unwrap());
    assert_eq!(e.tot_pages(), 160 - 32);
    assert!(h.relinquish_memory(&e, 128).unwrap());
    assert_eq!(e.tot_pages(), 0);
}

// --- free_domheap_pages --------------------------------------------------------------------------

#[test]
fn freeing_part_of_a_superpage_keeps_the_rest() {
    // A guest's decrease_reservation may return one 4 KiB frame of a 2 MiB extent.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    let big = h.alloc_domheap_pages(&d, 9, &ANY).unwrap();
    h.free_domheap_pages(&d, big + 77, 0).unwrap();
    assert_eq!(d.tot_pages(), 511);
    let held: u64 = d.blocks().iter().map(|&(_, o)| 1u64 << o).sum();
    assert_eq!(held, 511);
    assert!(d
        .blocks()
        .iter()
        .all(|&(m, o)| m.0 + (1 << o) <= big.0 + 77 || m.0 > big.0 + 77));
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.free_domheap_pages(&d, big + 77, 0)
    });
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.free_domheap_pages(&d, big, 9)
    });
    // [64, 128) contains the frame already freed: refused as a whole.
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.free_domheap_pages(&d, big + 64, 6)
    });
    h.free_domheap_pages(&d, big + 128, 7).unwrap();
    assert_eq!(d.tot_pages(), 383);
    h.check_invariants().unwrap();
}

#[test]
fn frames_of_another_domain_cannot_be_freed() {
    let h = heap(4096);
    let a = h.new_domain(1, 4096).unwrap();
    let b = h.new_domain(2, 4096).unwrap();
    let m = h.alloc_domheap_pages(&a, 0, &ANY).unwrap();
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&b, m, 0)
    });
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&a, m + 1, 0)
    });
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&a, m, 40)
    });
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || h.free_anonymous(m, 0));
    // An order past any shift is refused, not a panic.
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&a, m, 64)
    });
}

#[test]
fn a_free_must_be_aligned_and_lie_inside_one_block_the_domain_holds() {
    let h = heap(4096);
    let a = h.new_domain(1, 4096).unwrap();
    let b = h.new_domain(2, 4096).unwrap();
    let quad = h.alloc_domheap_pages(&a, 2, &ANY).unwrap();
    // Misaligned, though inside a's block.
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&a, quad + 1, 1)
    });
    // a's order-1 block, then b's frames right after it: [pair + 2, pair + 4) is not a's.
    let pair = h.alloc_domheap_pages(&a, 1, &ANY).unwrap();
    let next = h.alloc_domheap_pages(&b, 1, &ANY).unwrap();
    assert_eq!(
        next,
        pair + 2,
        "the buddy allocator hands out the neighbour next"
    );
    fails_unchanged(&h, &[&a, &b], Errno::EINVAL, || {
        h.free_domheap_pages(&a, pair + 2, 1)
    });
    h.free_domheap_pages(&a, quad + 2, 1).unwrap();
    h.free_domheap_pages(&a, pair, 1).unwrap();
    assert_eq!(a.tot_pages(), 2);
    h.check_invariants().unwrap();
}

#[test]
fn freed_frames_are_scrubbed_before_anyone_else_gets_them() {
    let h = heap(64);
    let a = h.new_domain(1, 4096).unwrap();
    let b = h.new_domain(2, 4096).unwrap();
    let mfns = populate(&h, &a, 0, 64);
    for &m in &mfns {
        assert!(h.frames().frame_is_zero(m), "a new allocation is zeroed");
        for i in 0..512 {
            h.frames().write_u64(m, i, 0x5ec2_e7ed ^ m.0 ^ i as u64);
        }
    }
    h.domain_kill(&a);
    assert!(h.relinquish_memory(&a, u64::MAX).unwrap());
    let again = populate(&h, &b, 0, 64);
    for m in again {
        assert!(
            h.frames().frame_is_zero(m),
            "{m:?} still holds the old owner's data"
        );
    }
}

#[test]
fn domain_ids_are_checked() {
    let h = heap(64);
    assert_eq!(h.new_domain(0x7ff0, 1).err(), Some(Errno::EINVAL));
    assert!(h.new_domain(0x7fef, 1).is_ok());
}

// --- node claims (xen-rs extension) ---------------------------------------------------------------

#[test]
fn claim_mem_flags_name_a_node_or_nothing() {
    use xen_mm::heap::claim_node_from_mem_flags;
    use xen_public::memory::{XENMEMF_exact_node, XENMEMF_node, XENMEMF_populate_on_demand};
    assert_eq!(claim_node_from_mem_flags(0), Ok(None));
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_exact_node(0)),
        Ok(Some(NodeId(0)))
    );
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_exact_node(5)),
        Ok(Some(NodeId(5)))
    );
    // A preferred node is not a claim target; other flags are refused as Xen refuses them.
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_node(1)),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_populate_on_demand),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_exact_node(1) | 32),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        claim_node_from_mem_flags(XENMEMF_exact_node(64)),
        Err(Errno::EINVAL)
    );
}

#[test]
fn node_claims_are_admitted_against_the_nodes_free_memory() {
    let h = two_node_heap(4096, 1024);
    let d = h.new_domain(1, 8192).unwrap();
    fails_unchanged(&h, &[&d], Errno::ENOMEM, || {
        h.claim_pages(&d, 1025, Some(NodeId(0)))
    });
    fails_unchanged(&h, &[&d], Errno::ENOENT, || {
        h.claim_pages(&d, 10, Some(NodeId(2)))
    });
    h.claim_pages(&d, 1024, Some(NodeId(0))).unwrap();
    assert_eq!(h.claim_node(&d), Some(NodeId(0)));
    assert_eq!(
        h.physinfo().outstanding_pages,
        1024,
        "a node claim is also a host claim"
    );
    h.check_invariants().unwrap();
}

#[test]
fn a_node_claim_keeps_others_off_that_node_only_and_is_consumed_only_there() {
    let h = two_node_heap(4096, 1024);
    let d = h.new_domain(1, 8192).unwrap();
    let other = h.new_domain(2, 8192).unwrap();
    h.claim_pages(&d, 1000, Some(NodeId(0))).unwrap();
    // Another domain asking for node 0 exactly gets the 24 unclaimed frames there, then nothing.
    let node0 = exactly_on(0);
    for _ in 0..24 {
        let m = h.alloc_domheap_pages(&other, 0, &node0).unwrap();
        assert!(m.0 < BASE + 1024);
    }
    fails_unchanged(&h, &[&d, &other], Errno::ENOMEM, || {
        h.alloc_domheap_pages(&other, 0, &node0)
    });
    // Without exact_node it falls back to node 1.
    let m = h
        .alloc_domheap_pages(
            &other,
            0,
            &AllocRequest {
                exact_node: false,
                ..node0
            },
        )
        .unwrap();
    assert!(m.0 >= BASE + 1024);
    // The claimant's allocations land on its node and consume the claim.
    let m = h.alloc_domheap_pages(&d, 0, &ANY).unwrap();
    assert!(m.0 < BASE + 1024);
    assert_eq!(h.outstanding_pages(&d), 999);
    // An allocation it asks for on node 1 does not consume the node-0 claim.
    let node1 = exactly_on(1);
    h.alloc_domheap_pages(&d, 0, &node1).unwrap();
    assert_eq!(h.outstanding_pages(&d), 999);
    h.check_invariants().unwrap();
}

#[test]
fn detached_frames_stay_owned_and_counted_and_are_freed_at_teardown() {
    // p2m_pod_cache_add takes frames off the domain's page list without freeing them.
    let h = heap(4096);
    let d = h.new_domain(1, 4096).unwrap();
    let big = h.alloc_domheap_pages(&d, 9, &ANY).unwrap();
    h.detach_pages(&d, big + 64, 6).unwrap();
    assert_eq!(d.tot_pages(), 512, "still counted");
    assert_eq!(d.detached_pages(), 64);
    assert_eq!(h.with_buddy(|b| b.owner(big + 64)), Some(1), "still owned");
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.free_domheap_pages(&d, big + 64, 0)
    });
    fails_unchanged(&h, &[&d], Errno::EINVAL, || h.detach_pages(&d, big + 64, 0));
    h.attach_pages(&d, big + 64, 0).unwrap();
    h.free_domheap_pages(&d, big + 64, 0).unwrap();
    assert_eq!(d.detached_pages(), 63);
    h.domain_kill(&d);
    assert!(h.relinquish_memory(&d, u64::MAX).unwrap());
    assert_eq!((d.tot_pages(), d.detached_pages()), (0, 0));
    assert_eq!(h.physinfo().free_pages, 4096);
    h.check_invariants().unwrap();
}

#[test]
fn releasing_a_node_claim_gives_its_node_back_by_cancel_and_by_death() {
    // Xen's domain_set_outstanding_pages(d, 0) and domain_kill drop the whole claim; for a node
    // claim the node's claimed total drops with it, so others may use all of that node again.
    let node0 = exactly_on(0);
    for by_death in [false, true] {
        let h = two_node_heap(4096, 1024);
        let d = h.new_domain(1, 8192).unwrap();
        let other = h.new_domain(2, 8192).unwrap();
        h.claim_pages(&d, 1000, Some(NodeId(0))).unwrap();
        if by_death {
            h.domain_kill(&d);
        } else {
            h.claim_pages(&d, 0, None).unwrap();
        }
        h.check_invariants().unwrap();
        assert_eq!(h.outstanding_pages(&d), 0);
        assert_eq!(h.claim_node(&d), None);
        assert_eq!(h.physinfo().outstanding_pages, 0);
        // Every frame of node 0 is free for another domain's exact-node allocations again.
        for _ in 0..1024 {
            h.alloc_domheap_pages(&other, 0, &node0).unwrap();
        }
        h.check_invariants().unwrap();
    }
}

#[test]
fn claim_node_reads_back_the_node_of_a_node_claim_and_none_otherwise() {
    let h = two_node_heap(4096, 1024);
    let d = h.new_domain(1, 8192).unwrap();
    let e = h.new_domain(2, 8192).unwrap();
    assert_eq!(h.claim_node(&d), None, "no claim at all");
    h.claim_pages(&d, 100, Some(NodeId(1))).unwrap();
    h.claim_pages(&e, 100, None).unwrap();
    assert_eq!(h.claim_node(&d), Some(NodeId(1)));
    assert_eq!(h.claim_node(&e), None, "a host-wide claim names no node");
    // Consuming the whole node claim ends it, node and all.
    let node1 = exactly_on(1);
    for _ in 0..100 {
        h.alloc_domheap_pages(&d, 0, &node1).unwrap();
    }
    assert_eq!(h.claim_node(&d), None);
    h.check_invariants().unwrap();
}

#[test]
fn a_claim_smaller_than_the_request_does_not_open_unclaimed_nodes_beyond_the_host_limit() {
    // alloc_heap_pages: the claim lets a request past the host's unclaimed memory only if it
    // covers all of it. Node 0 has room, but the host's unclaimed memory is smaller than the
    // request, so a domain with a small host-wide claim is still refused there.
    let h = two_node_heap(4096, 1024);
    let d = h.new_domain(1, 8192).unwrap();
    let e = h.new_domain(2, 8192).unwrap();
    h.claim_pages(&e, 3000, None).unwrap();
    h.claim_pages(&d, 100, None).unwrap();
    let node0 = exactly_on(0);
    // Unclaimed: 4096 - 3100 = 996 < 1024.
    fails_unchanged(&h, &[&d, &e], Errno::ENOMEM, || {
        h.alloc_domheap_pages(&d, 10, &node0)
    });
    h.check_invariants().unwrap();
}

#[test]
fn a_node_claim_smaller_than_the_request_does_not_reach_into_others_claims_on_its_node() {
    // Node 0's 1024 frames are all claimed: 1000 by d, 24 by e. d's request of 1024 is more than
    // its claim covers, so it may not take e's 24.
    let h = two_node_heap(4096, 1024);
    let d = h.new_domain(1, 8192).unwrap();
    let e = h.new_domain(2, 8192).unwrap();
    h.claim_pages(&d, 1000, Some(NodeId(0))).unwrap();
    h.claim_pages(&e, 24, Some(NodeId(0))).unwrap();
    let node0 = exactly_on(0);
    fails_unchanged(&h, &[&d, &e], Errno::ENOMEM, || {
        h.alloc_domheap_pages(&d, 10, &node0)
    });
    // What its claim covers it gets, on its node.
    let m = h.alloc_domheap_pages(&d, 9, &node0).unwrap();
    assert!(m.0 < BASE + 1024);
    assert_eq!(h.outstanding_pages(&d), 1000 - 512);
    h.check_invariants().unwrap();
}

#[test]
fn the_largest_order_is_max_order_and_one_more_is_einval() {
    // 1 GiB (order 18, MAX_ORDER) is the largest block; order 19 is not an allocation size.
    use xen_mm::buddy::MAX_ORDER;
    // Zone 20 ([2 GiB, 4 GiB)) holds whole 1 GiB blocks.
    let h = common::arena_heap(1 << 19, 1 << MAX_ORDER, 1, |_| NodeId(0));
    let d = h.new_domain(1, 1 << 20).unwrap();
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.alloc_domheap_pages(&d, MAX_ORDER + 1, &ANY)
    });
    let m = h.alloc_domheap_pages(&d, MAX_ORDER, &ANY).unwrap();
    assert_eq!(m, Mfn(1 << 19));
    assert_eq!(d.tot_pages(), 1 << MAX_ORDER);
    h.free_domheap_pages(&d, m, MAX_ORDER).unwrap();
    assert_eq!(d.tot_pages(), 0);
    h.check_invariants().unwrap();
}

#[test]
fn the_heap_reaches_frames_as_its_frame_access_does() {
    // The p2m reads and writes its tables through the heap (DomHeap implements FrameAccess by
    // handing each access to the frames it was built on).
    let h = heap(64);
    let m = h.alloc_anonymous(0, &ANY).unwrap();
    FrameAccess::write_u64(&h, m, 3, 0xabc);
    assert_eq!(h.frames().read_u64(m, 3), 0xabc);
    assert_eq!(FrameAccess::read_u64(&h, m, 3), 0xabc);
    assert!(!FrameAccess::frame_is_zero(&h, m));
    FrameAccess::zero_frame(&h, m);
    assert!(h.frames().frame_is_zero(m));
}

// --- alloc_domheap_exact (page_alloc.c acquire_domstatic_pages + assign_pages) -------------------

#[test]
fn exact_frames_are_accounted_as_any_allocation_and_given_back_the_same_way() {
    // The frames of a direct-mapped dom0: owned by it with the allocation's reference, in its
    // tot_pages and page list, zeroed; a decrease_reservation of one frame of them
    // (free_domheap_pages) gives exactly that frame back to the heap.
    let h = heap(4096);
    let d = h.new_domain(0, 4096).unwrap();
    let free = h.physinfo().free_pages;
    let at = Mfn(BASE + 3 * 512);
    h.frames().write_u64(at + 7, 0, 0xdead_beef);
    h.alloc_domheap_exact(&d, at, 9).unwrap();
    assert_eq!(d.tot_pages(), 512);
    assert_eq!(d.blocks(), [(at, 9)]);
    assert_eq!(h.physinfo().free_pages, free - 512);
    assert_eq!(
        h.frames().read_u64(at + 7, 0),
        0,
        "scrubbed before dom0 gets it"
    );
    h.with_buddy(|b| {
        assert_eq!(b.owner(at + 100), Some(0));
        assert_eq!(b.refcount(at + 100), 1);
    });
    h.check_invariants().unwrap();
    h.free_domheap_pages(&d, at + 100, 0).unwrap();
    assert_eq!(d.tot_pages(), 511);
    assert_eq!(h.physinfo().free_pages, free - 511);
    h.with_buddy(|b| assert_eq!(b.owner(at + 100), None));
    h.check_invariants().unwrap();
    // ... and the freed frame can be taken exactly again.
    h.alloc_domheap_exact(&d, at + 100, 0).unwrap();
    assert_eq!(d.tot_pages(), 512);
    d.set_max_pages(512);
    h.domain_kill(&d);
    assert!(h.relinquish_memory(&d, u64::MAX).unwrap());
    assert_eq!(h.physinfo().free_pages, free);
    h.check_invariants().unwrap();
}

#[test]
fn exact_frames_follow_the_allocation_rules_and_a_refusal_changes_nothing() {
    let h = heap(4096);
    let d = h.new_domain(1, 1024).unwrap();
    let other = h.new_domain(2, 4096).unwrap();
    let at = Mfn(BASE);
    // Misaligned, too large, outside the heap, already taken: nothing changes.
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.alloc_domheap_exact(&d, at + 1, 1)
    });
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.alloc_domheap_exact(&d, at, 19)
    });
    // MAX_ORDER itself is a valid order: refused here for max_pages, not as an order.
    fails_unchanged(&h, &[&d], Errno::E2BIG, || {
        h.alloc_domheap_exact(&d, at, 18)
    });
    fails_unchanged(&h, &[&d], Errno::ENOENT, || {
        h.alloc_domheap_exact(&d, Mfn(BASE + 4096), 0)
    });
    h.alloc_domheap_exact(&other, at, 4).unwrap();
    fails_unchanged(&h, &[&d, &other], Errno::ENOENT, || {
        h.alloc_domheap_exact(&d, at + 8, 0)
    });
    // max_pages as assign_pages checks it.
    fails_unchanged(&h, &[&d], Errno::E2BIG, || {
        h.alloc_domheap_exact(&d, Mfn(BASE + 2048), 11)
    });
    // Another domain's claim: what is left unclaimed cannot be taken, even exactly.
    let free = h.physinfo().free_pages;
    h.claim_pages(&other, 16 + free - 8, None).unwrap();
    fails_unchanged(&h, &[&d, &other], Errno::ENOMEM, || {
        h.alloc_domheap_exact(&d, Mfn(BASE + 1024), 4)
    });
    h.alloc_domheap_exact(&d, Mfn(BASE + 1024), 3).unwrap();
    // The claiming domain's exact frames consume its claim.
    let claim = h.outstanding_pages(&other);
    h.alloc_domheap_exact(&other, Mfn(BASE + 2048), 9).unwrap();
    assert_eq!(h.outstanding_pages(&other), claim - 512);
    // A dying domain gets nothing.
    h.domain_kill(&d);
    fails_unchanged(&h, &[&d], Errno::EINVAL, || {
        h.alloc_domheap_exact(&d, Mfn(BASE + 3072), 0)
    });
    h.check_invariants().unwrap();
}

/// The admission rule looks at the node of the frames asked for: on a two-node heap, frames of
/// node 1 are taken exactly as those of node 0.
#[test]
fn exact_frames_of_a_second_node() {
    let h = two_node_heap(1024, 512);
    let d = h.new_domain(1, 1024).unwrap();
    h.alloc_domheap_exact(&d, Mfn(BASE + 512), 0).unwrap();
    h.alloc_domheap_exact(&d, Mfn(BASE + 520), 3).unwrap();
    assert_eq!(d.tot_pages(), 9);
    h.check_invariants().unwrap();
}

#[test]
fn free_ranges_list_what_is_free() {
    let h = heap(1024);
    let d = h.new_domain(1, 1024).unwrap();
    assert_eq!(h.free_ranges(), [(Mfn(BASE), Mfn(BASE + 1024))]);
    h.alloc_domheap_exact(&d, Mfn(BASE + 256), 8).unwrap();
    assert_eq!(
        h.free_ranges(),
        [
            (Mfn(BASE), Mfn(BASE + 256)),
            (Mfn(BASE + 512), Mfn(BASE + 1024))
        ]
    );
}
