//! References on another domain's frames (foreign mappings), after Xen's page reference counts:
//! xen/arch/x86/mm.c `get_page` / `put_page` (a page is freed when its count reaches zero, not
//! when its owner drops the `PGC_allocated` reference), x86 p2m.c `p2m_add_foreign` (the
//! mapping's reference) and `relinquish_p2m_mapping` (a dying mapper drops its references), and
//! xen/common/memory.c `guest_remove_page` / page_alloc.c `relinquish_memory` (the owner drops
//! only the allocation's reference). Heap invariants are checked after every step.

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::Mfn;
use xen_mm::heap::DomHeap;

use crate::common;

const BASE: u64 = 0x1000;

fn heap(frames: u64) -> DomHeap<ArenaFrames> {
    common::arena_heap(BASE, frames, 1, |_| NodeId(0))
}

fn check(h: &DomHeap<ArenaFrames>) {
    h.check_invariants().unwrap();
}

#[test]
fn a_reference_is_recorded_on_the_mapper_and_dropped_by_put() {
    let h = heap(1024);
    let owner = h.new_domain(1, 64).unwrap();
    let mapper = h.new_domain(2, 64).unwrap();
    let mfn = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    h.get_foreign_page(&mapper, &owner, mfn).unwrap();
    h.get_foreign_page(&mapper, &owner, mfn).unwrap();
    assert_eq!(mapper.foreign_refs(), 2);
    assert_eq!(
        mapper.tot_pages(),
        0,
        "a mapping is not the mapper's memory"
    );
    assert_eq!(h.with_buddy(|b| b.refcount(mfn)), 3);
    check(&h);
    h.put_foreign_page(&mapper, mfn).unwrap();
    h.put_foreign_page(&mapper, mfn).unwrap();
    assert_eq!(h.put_foreign_page(&mapper, mfn), Err(Errno::EINVAL));
    assert_eq!(h.with_buddy(|b| b.refcount(mfn)), 1);
    assert_eq!(mapper.foreign_refs(), 0);
    check(&h);
}

#[test]
fn only_the_owners_frames_and_never_its_own() {
    // get_page(page, fdom) fails for a page fdom does not own; p2m_add_foreign refuses
    // tdom == fdom (-EINVAL).
    let h = heap(1024);
    let owner = h.new_domain(1, 64).unwrap();
    let mapper = h.new_domain(2, 64).unwrap();
    let mfn = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    let anon = h.alloc_anonymous(0, &AllocRequest::default()).unwrap();
    assert_eq!(h.get_foreign_page(&owner, &owner, mfn), Err(Errno::EINVAL));
    assert_eq!(
        h.get_foreign_page(&mapper, &mapper, mfn),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        h.get_foreign_page(&mapper, &owner, anon),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        h.get_foreign_page(&mapper, &owner, Mfn(BASE + 1024 + 5)),
        Err(Errno::EINVAL)
    );
    // A dying mapper takes no new references (its relinquish would miss them).
    h.domain_kill(&mapper);
    assert_eq!(h.get_foreign_page(&mapper, &owner, mfn), Err(Errno::EINVAL));
    assert_eq!(h.with_buddy(|b| b.refcount(mfn)), 1);
    check(&h);
}

#[test]
fn a_frame_freed_by_its_owner_while_mapped_is_orphaned_until_the_last_put() {
    // guest_remove_page drops PGC_allocated; the page lives until put_page reaches zero.
    let h = heap(1024);
    let free0 = h.physinfo().free_pages;
    let owner = h.new_domain(1, 1024).unwrap();
    let mapper = h.new_domain(2, 64).unwrap();
    // A 2 MiB block: the referenced frame is cut out of it, the rest is freed.
    let block = h
        .alloc_domheap_pages(&owner, 9, &AllocRequest::default())
        .unwrap();
    let mfn = block + 77;
    h.get_foreign_page(&mapper, &owner, mfn).unwrap();
    h.free_domheap_pages(&owner, block, 9).unwrap();
    assert_eq!(owner.tot_pages(), 0);
    assert_eq!(h.orphan_pages(), 1);
    assert_eq!(h.physinfo().free_pages, free0 - 1);
    h.with_buddy(|b| {
        assert!(b.is_orphan(mfn));
        assert_eq!(b.owner(mfn), None);
    });
    // An orphan cannot be freed as anything else, nor referenced anew.
    assert_eq!(h.free_anonymous(mfn, 0), Err(Errno::EINVAL));
    assert_eq!(h.get_foreign_page(&mapper, &owner, mfn), Err(Errno::EINVAL));
    check(&h);
    h.put_foreign_page(&mapper, mfn).unwrap();
    assert_eq!(h.orphan_pages(), 0);
    assert_eq!(h.physinfo().free_pages, free0);
    check(&h);
}

#[test]
fn relinquishing_the_owner_orphans_and_relinquishing_the_mapper_frees() {
    // relinquish_memory drops the allocation references; relinquish_p2m_mapping the mapper's.
    let h = heap(1024);
    let free0 = h.physinfo().free_pages;
    let owner = h.new_domain(1, 1024).unwrap();
    let mapper = h.new_domain(2, 64).unwrap();
    let a = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    let b = h
        .alloc_domheap_pages(&owner, 3, &AllocRequest::default())
        .unwrap();
    h.get_foreign_page(&mapper, &owner, a).unwrap();
    h.get_foreign_page(&mapper, &owner, b + 2).unwrap();
    h.get_foreign_page(&mapper, &owner, b + 2).unwrap();
    h.domain_kill(&owner);
    assert!(h.relinquish_memory(&owner, u64::MAX).unwrap());
    assert_eq!(owner.tot_pages(), 0);
    assert_eq!(h.orphan_pages(), 2);
    assert_eq!(h.physinfo().free_pages, free0 - 2);
    check(&h);
    // The mapper dies: one reference per step of budget, then done.
    h.domain_kill(&mapper);
    assert!(!h.relinquish_memory(&mapper, 1).unwrap());
    // One frame's references went (a's one or b+2's two, whichever frame is lower).
    let left = if a < b { 2 } else { 1 };
    assert_eq!(mapper.foreign_refs(), left);
    check(&h);
    assert!(h.relinquish_memory(&mapper, 16).unwrap());
    assert_eq!(mapper.foreign_refs(), 0);
    assert_eq!(h.orphan_pages(), 0);
    assert_eq!(h.physinfo().free_pages, free0);
    check(&h);
}

#[test]
fn a_dying_mapper_returns_references_to_a_live_owner() {
    let h = heap(1024);
    let owner = h.new_domain(1, 1024).unwrap();
    let mapper = h.new_domain(2, 64).unwrap();
    let mfn = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    h.get_foreign_page(&mapper, &owner, mfn).unwrap();
    h.domain_kill(&mapper);
    assert!(h.relinquish_memory(&mapper, 8).unwrap());
    assert_eq!(h.with_buddy(|b| b.refcount(mfn)), 1);
    assert_eq!(owner.tot_pages(), 1);
    // The owner can free it normally now.
    h.free_domheap_pages(&owner, mfn, 0).unwrap();
    assert_eq!(h.orphan_pages(), 0);
    check(&h);
}

#[test]
fn the_hypervisor_references_a_domains_own_frames_until_it_is_done() {
    // get_page(page, d) as `map_vcpu_info` and the FIFO event channels take it: only on the
    // owner's frames, not once the owner is dying; a frame the owner frees meanwhile is orphaned,
    // and the last put frees it.
    let h = heap(1024);
    let owner = h.new_domain(1, 64).unwrap();
    let other = h.new_domain(2, 64).unwrap();
    let mfn = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    assert_eq!(h.get_page(&other, mfn), Err(Errno::EINVAL), "not its frame");
    assert_eq!(h.put_page(mfn), Err(Errno::EINVAL), "no reference held");
    h.get_page(&owner, mfn).unwrap();
    assert_eq!(h.with_buddy(|b| b.refcount(mfn)), 2);
    let free = h.physinfo().free_pages;
    h.free_domheap_pages(&owner, mfn, 0).unwrap();
    assert_eq!(h.orphan_pages(), 1);
    assert_eq!(h.physinfo().free_pages, free, "still referenced");
    check(&h);
    h.put_page(mfn).unwrap();
    assert_eq!(h.orphan_pages(), 0);
    assert_eq!(h.physinfo().free_pages, free + 1);
    check(&h);
    // A dying owner lends nothing more.
    let mfn = h
        .alloc_domheap_pages(&owner, 0, &AllocRequest::default())
        .unwrap();
    h.domain_kill(&owner);
    assert_eq!(h.get_page(&owner, mfn), Err(Errno::EINVAL));
    check(&h);
}
