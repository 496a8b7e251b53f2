//! The buddy allocator against Xen's rules (xen/common/page_alloc.c) and a plain reference model.

use std::collections::BTreeMap;

use proptest::prelude::*;
use xen_mm::buddy::{
    bits_to_zone, zone_of, AllocRequest, BuddyHeap, ExactError, FrameState, FreeError, NodeId,
    MAX_ORDER,
};
use xen_mm::frame::Mfn;

const MIB_FRAMES: u64 = 256;

fn one_node(ranges: &[(u64, u64)]) -> BuddyHeap {
    let ranges: Vec<_> = ranges.iter().map(|&(s, e)| (Mfn(s), Mfn(e))).collect();
    BuddyHeap::new(&ranges, 1, |_| NodeId(0)).unwrap()
}

#[test]
fn zones_follow_xen_page_to_zone_and_bits_to_zone() {
    // page_alloc.c: page_to_zone = flsl(mfn) ?: 1; bits_to_zone(b) = b < PAGE_SHIFT + 1 ? 1 : b - PAGE_SHIFT.
    assert_eq!(zone_of(Mfn(0)), 1);
    assert_eq!(zone_of(Mfn(1)), 1);
    assert_eq!(zone_of(Mfn(2)), 2);
    assert_eq!(zone_of(Mfn(3)), 2);
    assert_eq!(zone_of(Mfn((1 << 20) - 1)), 20);
    assert_eq!(zone_of(Mfn(1 << 20)), 21);
    // 32 address bits: frames below 4 GiB, the highest of which (mfn 0xfffff) is in zone 20.
    assert_eq!(bits_to_zone(32), 20);
    assert_eq!(bits_to_zone(12), 1);
}

#[test]
fn low_frames_cannot_form_large_blocks() {
    // Zones are powers of two wide, so frames 0..16 hold blocks of at most order 3 (zone 4: 8..16).
    let mut heap = one_node(&[(0, 16)]);
    assert!(heap.alloc(4, &AllocRequest::default(), None).is_none());
    assert_eq!(
        heap.alloc(3, &AllocRequest::default(), None).unwrap().mfn,
        Mfn(8)
    );
    heap.check_invariants().unwrap();
}

#[test]
fn init_builds_the_largest_aligned_blocks() {
    // [1 MiB, 1 GiB + 2 MiB): the first GiB-aligned block starts at 1 GiB.
    let heap = one_node(&[(MIB_FRAMES, (1 << 18) + 2 * MIB_FRAMES)]);
    heap.check_invariants().unwrap();
    assert_eq!(heap.total_avail(), (1 << 18) + MIB_FRAMES);
    assert_eq!(heap.total_ram(), heap.total_avail());
}

#[test]
fn allocations_are_aligned_and_split_blocks_come_back_whole() {
    // One 1 GiB block: [1 GiB, 2 GiB) in frames, all of zone 19.
    let mut heap = one_node(&[(1 << 18, 2 << 18)]);
    let before = heap.total_avail();
    let small = heap.alloc(0, &AllocRequest::default(), Some(1)).unwrap();
    let big = heap.alloc(9, &AllocRequest::default(), Some(1)).unwrap();
    assert_eq!(big.mfn.0 % 512, 0);
    assert_eq!(heap.total_avail(), before - 513);
    assert_eq!(heap.state(small.mfn), FrameState::InUse);
    assert_eq!(heap.owner(big.mfn + 511), Some(1));
    heap.check_invariants().unwrap();
    heap.free(small.mfn, 0, true).unwrap();
    heap.free(big.mfn, 9, true).unwrap();
    heap.check_invariants().unwrap();
    // Everything merged back: a 1 GiB allocation succeeds again.
    assert_eq!(heap.total_avail(), before);
    assert!(heap
        .alloc(MAX_ORDER, &AllocRequest::default(), None)
        .is_some());
}

#[test]
fn fresh_memory_and_freed_memory_are_dirty_scrubbed_memory_is_not_reused_dirty() {
    let mut heap = one_node(&[(0x1000, 0x1010)]);
    let a = heap.alloc(4, &AllocRequest::default(), Some(1)).unwrap();
    assert!(a.dirty, "boot memory may hold anything");
    heap.free(a.mfn, 4, false).unwrap();
    let b = heap.alloc(4, &AllocRequest::default(), Some(2)).unwrap();
    assert!(
        !b.dirty,
        "freed clean (already scrubbed), so no scrub needed"
    );
    heap.free(b.mfn, 4, true).unwrap();
    let c = heap.alloc(0, &AllocRequest::default(), Some(3)).unwrap();
    assert!(
        c.dirty,
        "a domain's frames must be scrubbed before the next owner"
    );
}

#[test]
fn address_bits_limit_the_zone() {
    // Frames on both sides of 4 GiB (mfn 0x100000).
    let mut heap = one_node(&[(0xff000, 0x101000)]);
    let req = AllocRequest {
        address_bits: Some(32),
        ..Default::default()
    };
    let mut below = 0;
    while let Some(b) = heap.alloc(0, &req, None) {
        assert!(b.mfn.0 < 0x100000, "{:?} is above 4 GiB", b.mfn);
        below += 1;
    }
    assert_eq!(below, 0x1000);
    // The unconstrained allocation still finds the frames above.
    assert!(heap.alloc(0, &AllocRequest::default(), None).unwrap().mfn.0 >= 0x100000);
}

#[test]
fn exact_node_does_not_fall_back_and_blocks_stay_in_their_node() {
    // Node 0: frames [0, 300); node 1: [300, 1024). 300 is not aligned, so blocks must not span it.
    let node_of = |m: Mfn| NodeId(u8::from(m.0 >= 300));
    let mut heap = BuddyHeap::new(&[(Mfn(0), Mfn(1024))], 2, node_of).unwrap();
    heap.check_invariants().unwrap();
    assert_eq!(heap.node_avail(NodeId(0)), 300);
    assert_eq!(heap.node_avail(NodeId(1)), 724);
    let exact1 = AllocRequest {
        node: Some(NodeId(1)),
        exact_node: true,
        ..Default::default()
    };
    let mut n = 0;
    while let Some(b) = heap.alloc(0, &exact1, None) {
        assert_eq!(heap.node_of(b.mfn), Some(NodeId(1)));
        n += 1;
    }
    assert_eq!(n, 724);
    // Without exact_node the preferred node falls back to the other.
    let prefer1 = AllocRequest {
        node: Some(NodeId(1)),
        ..Default::default()
    };
    let b = heap.alloc(0, &prefer1, None).unwrap();
    assert_eq!(heap.node_of(b.mfn), Some(NodeId(0)));
    heap.check_invariants().unwrap();
}

#[test]
fn bad_frees_are_refused_and_change_nothing() {
    let mut heap = one_node(&[(0x1000, 0x1040)]);
    let b = heap.alloc(2, &AllocRequest::default(), Some(7)).unwrap();
    let avail = heap.total_avail();
    assert_eq!(heap.free(Mfn(0x5000), 0, true), Err(FreeError::NotInUse));
    assert_eq!(heap.free(b.mfn + 4, 0, true), Err(FreeError::NotInUse));
    assert_eq!(
        heap.free(Mfn(b.mfn.0 + 1), 2, true),
        Err(FreeError::BadBlock)
    );
    assert_eq!(heap.free(b.mfn, 40, true), Err(FreeError::BadBlock));
    assert!(heap.get_page(b.mfn));
    assert_eq!(heap.free(b.mfn, 2, true), Err(FreeError::StillReferenced));
    assert!(heap.put_page(b.mfn));
    assert!(
        !heap.put_page(b.mfn),
        "the allocation's own reference is not put_page's to drop"
    );
    assert_eq!(heap.total_avail(), avail);
    heap.check_invariants().unwrap();
    heap.free(b.mfn, 2, true).unwrap();
    assert_eq!(
        heap.free(b.mfn, 2, true),
        Err(FreeError::NotInUse),
        "double free"
    );
    heap.check_invariants().unwrap();
}

#[derive(Debug, Clone)]
enum Op {
    Alloc {
        order: u32,
        node: Option<u8>,
        exact: bool,
        bits: Option<u32>,
    },
    Free {
        pick: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u32..=10, proptest::option::of(0u8..2), any::<bool>(), proptest::option::of(18u32..24))
            .prop_map(|(order, node, exact, bits)| Op::Alloc { order, node, exact, bits }),
        2 => any::<usize>().prop_map(|pick| Op::Free { pick }),
    ]
}

proptest! {
    /// Random allocations and frees against a reference model of who holds which frames: after every
    /// step the heap's invariants hold, free + allocated frames equal the total, no frame is handed out
    /// twice, and every block honours its request.
    #[test]
    fn model_based(ops in proptest::collection::vec(op(), 1..200)) {
        // Two nodes over [256, 4096 + 256): an unaligned node boundary and a 16 MiB address limit
        // (bits 24 -> mfn < 4096) that cuts through the range.
        let node_of = |m: Mfn| NodeId(u8::from(m.0 >= 1500));
        let mut heap = BuddyHeap::new(&[(Mfn(256), Mfn(4096 + 256))], 2, node_of).unwrap();
        let total = heap.total_avail();
        let mut held: BTreeMap<u64, (u32, u16)> = BTreeMap::new();
        let mut next_owner = 1u16;
        for op in ops {
            match op {
                Op::Alloc { order, node, exact, bits } => {
                    let req = AllocRequest { node: node.map(NodeId), exact_node: exact, address_bits: bits };
                    let owner = next_owner;
                    next_owner += 1;
                    match heap.alloc(order, &req, Some(owner)) {
                        Some(b) => {
                            prop_assert_eq!(b.mfn.0 % (1 << order), 0);
                            if let Some(bits) = bits {
                                prop_assert!((b.mfn.0 + (1 << order)) << 12 <= 1u64 << bits);
                            }
                            if exact && node.is_some() {
                                prop_assert_eq!(Some(b.node), node.map(NodeId));
                            }
                            for m in b.mfn.0..b.mfn.0 + (1 << order) {
                                prop_assert_eq!(heap.owner(Mfn(m)), Some(owner));
                                prop_assert_eq!(heap.node_of(Mfn(m)), Some(b.node));
                            }
                            // No overlap with anything held.
                            let end = b.mfn.0 + (1 << order);
                            for (&s, &(o, _)) in &held {
                                prop_assert!(s + (1 << o) <= b.mfn.0 || end <= s);
                            }
                            held.insert(b.mfn.0, (order, owner));
                        }
                        None => {
                            // Only refuse when no suitable block exists: with no constraints that
                            // means fragmentation or exhaustion, never free memory ignored.
                            if bits.is_none() && !exact && order == 0 {
                                prop_assert_eq!(heap.total_avail(), 0);
                            }
                        }
                    }
                }
                Op::Free { pick } => {
                    if !held.is_empty() {
                        let (&mfn, &(order, _)) = held.iter().nth(pick % held.len()).unwrap();
                        heap.free(Mfn(mfn), order, true).unwrap();
                        held.remove(&mfn);
                    }
                }
            }
            heap.check_invariants().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let allocated: u64 = held.values().map(|&(o, _)| 1u64 << o).sum();
            prop_assert_eq!(heap.total_avail() + allocated, total);
        }
        for (&mfn, &(order, _)) in &held {
            heap.free(Mfn(mfn), order, true).unwrap();
        }
        prop_assert_eq!(heap.total_avail(), total);
        heap.check_invariants().map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}

#[test]
fn an_exact_request_for_a_node_that_does_not_exist_finds_nothing() {
    // page_alloc.c get_free_buddy: with MEMF_exact_node, only the requested node is tried; a
    // node with no memory (here: beyond the nodes there are) fails the allocation. Xen 4.17's
    // populate_physmap then returns 0 extents (tests/conformance, populate_bad_node).
    // Node 1 is the first past the only node (node_order keeps only nodes that exist).
    let mut b = BuddyHeap::new(&[(Mfn(0x100), Mfn(0x200))], 1, |_| NodeId(0)).unwrap();
    for node in [1, 5] {
        let exact = AllocRequest {
            node: Some(NodeId(node)),
            exact_node: true,
            address_bits: None,
        };
        assert!(b.alloc(0, &exact, None).is_none());
        let preferred = AllocRequest {
            exact_node: false,
            ..exact
        };
        let block = b.alloc(0, &preferred, None);
        assert_eq!(
            block.map(|b| b.node),
            Some(NodeId(0)),
            "a preference falls back"
        );
    }
    b.check_invariants().unwrap();
}

#[test]
fn the_top_zone_holds_the_highest_frame_below_paddr_bits_and_nothing_lies_above() {
    // Xen's NR_ZONES is PADDR_BITS - PAGE_SHIFT + 1: the frame just below 2^52 bytes is in the last
    // zone, and a heap reaching above it is refused rather than given frames with no zone.
    use xen_mm::buddy::{InitError, NR_ZONES, PADDR_BITS};
    let top = 1u64 << (PADDR_BITS - 12);
    assert_eq!(zone_of(Mfn(top - 1)), NR_ZONES - 1);
    let mut heap = one_node(&[(top - 16, top)]);
    heap.check_invariants().unwrap();
    let block = heap.alloc(3, &AllocRequest::default(), Some(1)).unwrap();
    assert_eq!(block.mfn, Mfn(top - 16));
    // A limit of 64 address bits is no limit: the top zone is still reached.
    let wide = AllocRequest {
        address_bits: Some(64),
        ..AllocRequest::default()
    };
    assert_eq!(heap.alloc(3, &wide, Some(1)).unwrap().mfn, Mfn(top - 8));
    heap.check_invariants().unwrap();
    assert!(matches!(
        BuddyHeap::new(&[(Mfn(top - 16), Mfn(top + 1))], 1, |_| NodeId(0)),
        Err(InitError::TooLarge)
    ));
    // 12 address bits or fewer still mean zone 1 (bits_to_zone never answers zone 0).
    assert_eq!(bits_to_zone(13), 1);
    assert_eq!(bits_to_zone(0), 1);
}

#[test]
fn blocks_never_grow_past_max_order_or_past_the_end_of_the_table() {
    // Two free 1 GiB buddies of one zone (zone 20: [2 GiB, 4 GiB)) stay two order-18 blocks:
    // MAX_ORDER is the largest free list.
    let heap = one_node(&[(1 << 19, 1 << 20)]);
    assert_eq!(
        heap.free_blocks(),
        vec![(Mfn(1 << 19), MAX_ORDER), (Mfn(3 << 18), MAX_ORDER)]
    );
    heap.check_invariants().unwrap();
    // A table of 3 frames: [0, 2) is a block, frame 2 has no buddy inside the table.
    let mut heap = one_node(&[(0, 3)]);
    assert_eq!(heap.free_blocks(), vec![(Mfn(0), 1), (Mfn(2), 0)]);
    let last = heap.alloc(0, &AllocRequest::default(), Some(1)).unwrap();
    assert_eq!(last.mfn, Mfn(2));
    // Freeing a block that runs past the table is refused; the table's last block frees.
    assert_eq!(heap.free(Mfn(2), 1, true), Err(FreeError::BadBlock));
    assert_eq!(heap.state(Mfn(2)), FrameState::InUse);
    heap.free(Mfn(2), 0, true).unwrap();
    let whole = heap.alloc(1, &AllocRequest::default(), Some(1)).unwrap();
    assert_eq!(whole.mfn, Mfn(0));
    heap.free(Mfn(0), 1, true).unwrap();
    heap.check_invariants().unwrap();
}

#[test]
fn references_are_taken_only_on_frames_in_use_that_are_not_orphans() {
    let mut heap = one_node(&[(0x100, 0x110)]);
    let block = heap.alloc(0, &AllocRequest::default(), Some(1)).unwrap();
    let free = Mfn(0x10f);
    assert_eq!(heap.state(free), FrameState::Free);
    assert!(!heap.get_page(free), "a free frame cannot be referenced");
    assert_eq!(heap.refcount(free), 0);
    assert!(!heap.is_orphan(block.mfn));
    assert!(heap.get_page(block.mfn));
    assert_eq!(heap.refcount(block.mfn), 2);
    // The owner lets go while the reference is held: the frame is orphaned, and no new reference
    // may be taken on it.
    assert_eq!(heap.release(block.mfn, 0, true), Ok(1));
    assert!(heap.is_orphan(block.mfn));
    assert!(
        !heap.get_page(block.mfn),
        "an orphan takes no new reference"
    );
    assert!(
        !heap.put_page(block.mfn),
        "nor gives one up except by put_ref"
    );
    assert_eq!(heap.refcount(block.mfn), 1);
    assert_eq!(heap.put_ref(block.mfn), Ok(true));
    assert!(!heap.is_orphan(block.mfn));
    assert_eq!(heap.state(block.mfn), FrameState::Free);
    heap.check_invariants().unwrap();
}

#[test]
fn release_checks_the_whole_block_and_frees_around_referenced_frames() {
    // Zone 20 holds whole 1 GiB blocks.
    let mut heap = one_node(&[(1 << 19, 1 << 20)]);
    let any = AllocRequest::default();
    let giant = heap.alloc(MAX_ORDER, &any, Some(1)).unwrap();
    assert_eq!(
        heap.release(giant.mfn, MAX_ORDER + 1, true),
        Err(FreeError::BadBlock)
    );
    assert_eq!(
        heap.release(giant.mfn + 1, 1, true),
        Err(FreeError::BadBlock)
    );
    assert_eq!(heap.release(giant.mfn, MAX_ORDER, true), Ok(0));
    heap.check_invariants().unwrap();

    // A block whose second half is free, a free frame and an orphan are not one owner's frames.
    let pair = heap.alloc(1, &any, Some(1)).unwrap();
    heap.free(pair.mfn + 1, 0, true).unwrap();
    let before = heap.free_blocks();
    assert_eq!(heap.release(pair.mfn, 1, true), Err(FreeError::NotInUse));
    assert_eq!(
        heap.release(pair.mfn + 1, 0, true),
        Err(FreeError::NotInUse)
    );
    assert!(heap.get_page(pair.mfn));
    assert_eq!(heap.release(pair.mfn, 0, true), Ok(1));
    assert_eq!(heap.release(pair.mfn, 0, true), Err(FreeError::NotInUse));
    assert_eq!(heap.free_blocks(), before);
    assert_eq!(heap.put_ref(pair.mfn), Ok(true));

    // An order-2 block with one referenced frame: three frames freed, one orphaned.
    let quad = heap.alloc(2, &any, Some(1)).unwrap();
    assert!(heap.get_page(quad.mfn + 2));
    let free_before = heap.total_avail();
    assert_eq!(heap.release(quad.mfn, 2, true), Ok(1));
    assert_eq!(heap.total_avail(), free_before + 3);
    assert!(heap.is_orphan(quad.mfn + 2));
    assert_eq!(heap.orphan_frames(), 1);
    heap.check_invariants().unwrap();
}

#[test]
fn frees_must_lie_inside_the_heap_up_to_its_last_frame() {
    // free_heap_pages is only given blocks the heap handed out; an aligned block that would run
    // past the heap's last frame is refused (BadBlock) and changes nothing, while the heap's
    // last block, ending exactly at its end, frees normally. Frames [16, 40): three order-3
    // blocks, the last at 32.
    let mut heap = one_node(&[(16, 40)]);
    let avail = heap.total_avail();
    let blocks: Vec<_> = (0..3)
        .map(|_| heap.alloc(3, &AllocRequest::default(), None).unwrap().mfn)
        .collect();
    assert!(blocks.contains(&Mfn(32)));
    // Order 4 at frame 32 would cover 32..48.
    assert_eq!(heap.free(Mfn(32), 4, true), Err(FreeError::BadBlock));
    heap.check_invariants().unwrap();
    for mfn in blocks {
        heap.free(mfn, 3, true).unwrap();
    }
    assert_eq!(heap.total_avail(), avail);
    heap.check_invariants().unwrap();
}

// --- alloc_exact (page_alloc.c reserve_heap_page / reserve_offlined_page, acquire_staticmem_pages)

#[test]
fn an_exact_block_is_carved_out_of_its_buddy_and_the_rest_stays_free_in_the_largest_blocks() {
    // reserve_offlined_page: the buddy holding the frames leaves its list and what is left of it
    // goes back as the largest aligned chunks. One 1 GiB block, [1 GiB, 2 GiB).
    let mut heap = one_node(&[(1 << 18, 2 << 18)]);
    let before = heap.free_blocks();
    let total = heap.total_avail();
    let at = Mfn((1 << 18) + 5 * 512);
    let b = heap.alloc_exact(at, 9, Some(3)).unwrap();
    assert_eq!((b.mfn, b.order, b.node), (at, 9, NodeId(0)));
    assert!(b.dirty, "boot memory may hold anything");
    heap.check_invariants().unwrap();
    assert_eq!(heap.total_avail(), total - 512);
    for m in at.0..at.0 + 512 {
        assert_eq!(heap.state(Mfn(m)), FrameState::InUse);
        assert_eq!(heap.owner(Mfn(m)), Some(3));
        assert_eq!(heap.refcount(Mfn(m)), 1);
    }
    // Below the block, [0, 5 * 512) frames from 1 GiB: 4 * 512 (order 11), then 512 (order 9);
    // above it, up to the half (order 17): order 10 at 6 * 512, then 11, 12, ..., 16.
    let blocks = heap.free_blocks();
    assert!(blocks.contains(&(Mfn(1 << 18), 11)));
    assert!(blocks.contains(&(Mfn((1 << 18) + 4 * 512), 9)));
    assert!(blocks.contains(&(Mfn((1 << 18) + 6 * 512), 10)));
    assert!(blocks.contains(&(Mfn((1 << 18) + (1 << 17)), 17)));
    // Freed, it merges back into the one 1 GiB block.
    heap.free(at, 9, true).unwrap();
    heap.check_invariants().unwrap();
    assert_eq!(heap.free_blocks(), before);
}

/// The largest exact block is MAX_ORDER (a 1 GiB block), as for any allocation; one above it is
/// refused before anything is looked at.
#[test]
fn an_exact_block_may_be_max_order_and_no_larger() {
    let mut heap = one_node(&[(1 << 18, 2 << 18)]);
    assert_eq!(
        heap.alloc_exact(Mfn(1 << 18), MAX_ORDER + 1, Some(1)),
        Err(ExactError::BadBlock)
    );
    let b = heap.alloc_exact(Mfn(1 << 18), MAX_ORDER, Some(1)).unwrap();
    assert_eq!((b.mfn, b.order), (Mfn(1 << 18), MAX_ORDER));
    assert_eq!(heap.total_avail(), 0);
    heap.check_invariants().unwrap();
}

#[test]
fn an_exact_block_may_span_several_free_blocks() {
    // Free buddies always merge, so a wholly free aligned block lies in one free block unless
    // zones split it: near frame 0, where zone z holds [2^(z-1), 2^z) (page_to_zone). Frames
    // 0..16 are four free blocks (0-1, 2-3, 4-7, 8-15); all of them are carved for [0, 16).
    let mut heap = one_node(&[(0, 32)]);
    assert_eq!(
        heap.free_blocks(),
        [
            (Mfn(0), 1),
            (Mfn(2), 1),
            (Mfn(4), 2),
            (Mfn(8), 3),
            (Mfn(16), 4)
        ]
    );
    let b = heap.alloc_exact(Mfn(0), 4, Some(1)).unwrap();
    assert_eq!(b.order, 4);
    heap.check_invariants().unwrap();
    assert_eq!(heap.free_blocks(), [(Mfn(16), 4)]);
    heap.free(Mfn(0), 4, true).unwrap();
    heap.check_invariants().unwrap();
    // Part of one and part of another: [4, 8) is one block, [2, 4) another; [0, 2) is left.
    let c = heap.alloc_exact(Mfn(4), 2, Some(1)).unwrap();
    let d = heap.alloc_exact(Mfn(2), 1, Some(1)).unwrap();
    assert_eq!((c.mfn, d.mfn), (Mfn(4), Mfn(2)));
    assert_eq!(heap.free_blocks(), [(Mfn(0), 1), (Mfn(8), 3), (Mfn(16), 4)]);
    heap.check_invariants().unwrap();
}

#[test]
fn exact_requests_that_cannot_be_met_change_nothing() {
    let node_of = |m: Mfn| NodeId(u8::from(m.0 >= 0x1100));
    let mut heap = BuddyHeap::new(&[(Mfn(0x1000), Mfn(0x1200))], 2, node_of).unwrap();
    let before = heap.free_blocks();
    // Misaligned for its order, or too large.
    assert_eq!(
        heap.alloc_exact(Mfn(0x1001), 1, None),
        Err(ExactError::BadBlock)
    );
    assert_eq!(
        heap.alloc_exact(Mfn(0), MAX_ORDER + 1, None),
        Err(ExactError::BadBlock)
    );
    // Outside the heap, or running past it.
    assert_eq!(
        heap.alloc_exact(Mfn(0x800), 0, None),
        Err(ExactError::NotFree)
    );
    assert_eq!(
        heap.alloc_exact(Mfn(0x1000), 10, None),
        Err(ExactError::NotFree)
    );
    // Across the node boundary at 0x1100.
    assert_eq!(
        heap.alloc_exact(Mfn(0x1000), 9, None),
        Err(ExactError::SpansNodes)
    );
    assert_eq!(heap.free_blocks(), before);
    // Taken once, not twice; a frame inside a held block is not free either.
    heap.alloc_exact(Mfn(0x1100), 4, Some(1)).unwrap();
    assert_eq!(
        heap.alloc_exact(Mfn(0x1100), 4, Some(2)),
        Err(ExactError::NotFree)
    );
    assert_eq!(
        heap.alloc_exact(Mfn(0x1108), 0, Some(2)),
        Err(ExactError::NotFree)
    );
    heap.check_invariants().unwrap();
}

#[test]
fn free_ranges_are_the_maximal_runs_of_free_frames() {
    let mut heap = one_node(&[(0x100, 0x200), (0x300, 0x400)]);
    assert_eq!(
        heap.free_ranges(),
        [(Mfn(0x100), Mfn(0x200)), (Mfn(0x300), Mfn(0x400))]
    );
    heap.alloc_exact(Mfn(0x180), 4, None).unwrap();
    heap.alloc_exact(Mfn(0x3f0), 4, None).unwrap();
    assert_eq!(
        heap.free_ranges(),
        [
            (Mfn(0x100), Mfn(0x180)),
            (Mfn(0x190), Mfn(0x200)),
            (Mfn(0x300), Mfn(0x3f0))
        ]
    );
}

#[derive(Debug, Clone)]
enum ExactOp {
    Alloc { order: u32 },
    Exact { frame: u64, order: u32 },
    Free { pick: usize },
}

fn exact_op() -> impl Strategy<Value = ExactOp> {
    prop_oneof![
        2 => (0u32..=6).prop_map(|order| ExactOp::Alloc { order }),
        3 => (0u64..0x1200, 0u32..=10).prop_map(|(frame, order)| ExactOp::Exact { frame, order }),
        2 => any::<usize>().prop_map(|pick| ExactOp::Free { pick }),
    ]
}

proptest! {
    /// alloc_exact against a frame-by-frame model, mixed with ordinary allocations and frees:
    /// an exact request succeeds exactly when it is aligned and every frame is free and on one
    /// node; the heap's invariants hold after every step (no free buddies left unmerged), its
    /// free runs are the model's, and once everything is freed the free blocks are the ones the
    /// heap started with.
    #[test]
    fn exact_model_based(ops in proptest::collection::vec(exact_op(), 1..120)) {
        // Two nodes, unaligned heap ends and an unaligned node boundary.
        // From frame 3, so that zones split the free blocks near frame 0.
        let (lo, hi) = (0x3u64, 0x1150u64);
        let node_of = |m: Mfn| NodeId(u8::from(m.0 >= 0x7a0));
        let mut heap = BuddyHeap::new(&[(Mfn(lo), Mfn(hi))], 2, node_of).unwrap();
        let start = heap.free_blocks();
        let mut free: Vec<bool> = (0..0x1200).map(|m| (lo..hi).contains(&m)).collect();
        let mut held: BTreeMap<u64, u32> = BTreeMap::new();
        for op in ops {
            match op {
                ExactOp::Alloc { order } => {
                    if let Some(b) = heap.alloc(order, &AllocRequest::default(), Some(1)) {
                        for m in b.mfn.0..b.mfn.0 + (1 << order) {
                            prop_assert!(free[m as usize]);
                            free[m as usize] = false;
                        }
                        held.insert(b.mfn.0, order);
                    }
                }
                ExactOp::Exact { frame, order } => {
                    let mfn = frame & !((1 << order) - 1);
                    let range = mfn..mfn + (1 << order);
                    let all_free = range.clone().all(|m| free.get(m as usize) == Some(&true));
                    let one_node = range.clone().all(|m| node_of(Mfn(m)) == node_of(Mfn(mfn)));
                    let got = heap.alloc_exact(Mfn(mfn), order, Some(2));
                    match (all_free, one_node) {
                        (false, _) => prop_assert_eq!(got, Err(ExactError::NotFree)),
                        (true, false) => prop_assert_eq!(got, Err(ExactError::SpansNodes)),
                        (true, true) => {
                            let b = got.unwrap();
                            prop_assert_eq!(b.mfn, Mfn(mfn));
                            for m in range {
                                free[m as usize] = false;
                                prop_assert_eq!(heap.owner(Mfn(m)), Some(2));
                            }
                            held.insert(mfn, order);
                        }
                    }
                }
                ExactOp::Free { pick } => {
                    if !held.is_empty() {
                        let (&mfn, &order) = held.iter().nth(pick % held.len()).unwrap();
                        heap.free(Mfn(mfn), order, true).unwrap();
                        held.remove(&mfn);
                        for m in mfn..mfn + (1 << order) {
                            free[m as usize] = true;
                        }
                    }
                }
            }
            heap.check_invariants().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut runs: Vec<(Mfn, Mfn)> = Vec::new();
            for (m, &f) in free.iter().enumerate() {
                let m = Mfn(m as u64);
                if !f {
                    continue;
                }
                match runs.last_mut() {
                    Some((_, end)) if *end == m => *end = m + 1,
                    _ => runs.push((m, m + 1)),
                }
            }
            prop_assert_eq!(heap.free_ranges(), runs);
        }
        for (&mfn, &order) in &held {
            heap.free(Mfn(mfn), order, true).unwrap();
        }
        heap.check_invariants().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(heap.free_blocks(), start);
    }
}
