//! Helpers shared by the heap tests.

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::frame::Mfn;
use xen_mm::heap::DomHeap;

/// A heap of `frames` frames from `base`, backed by an arena, with `node_of` placing frames on
/// `nr_nodes` nodes.
pub fn arena_heap(
    base: u64,
    frames: u64,
    nr_nodes: usize,
    node_of: impl Fn(Mfn) -> NodeId,
) -> DomHeap<ArenaFrames> {
    DomHeap::new(
        ArenaFrames::new(Mfn(base), frames),
        &[(Mfn(base), Mfn(base + frames))],
        nr_nodes,
        node_of,
    )
    .expect("a test heap fits the frame table")
}
