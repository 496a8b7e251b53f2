//! The domain heap's buddy allocator over machine frames, after Xen's xen/common/page_alloc.c
//! (`init_heap_pages`, `get_free_buddy`, `alloc_heap_pages`, `free_heap_pages`).
//!
//! Free memory is kept as naturally aligned blocks of 2^order frames (order 0 to [`MAX_ORDER`], 4 KiB to
//! 1 GiB) on free lists per NUMA node, per zone and per order. Zones follow Xen: zone `z` holds the
//! frames whose highest set bit is bit `z - 1` (`flsl(mfn)`), so an address-width limit is a zone limit.
//! Blocks never span two nodes or two zones.
//!
//! This type is single-threaded; [`crate::heap::DomHeap`] puts it behind the heap lock.
//!
//! Invariants (checked by [`BuddyHeap::check_invariants`] in tests):
//! - every frame in the table is `NotRam`, `Free` or `InUse`;
//! - every `Free` frame lies in exactly one free block, whose head is on the list for its node, zone
//!   and order; no two free buddies of the same order, node and zone are both free (they would merge);
//! - the per-zone, per-node and total free counts equal the frames in free blocks;
//! - an orphan (a frame released by its owner while still referenced, see
//!   [`BuddyHeap::release`]) is in use, ownerless and referenced, and the orphan count matches.

use alloc::vec;
use alloc::vec::Vec;

use crate::frame::{Mfn, PAGE_SHIFT};

/// The largest block: 2^18 frames, 1 GiB.
pub const MAX_ORDER: u32 = 18;
/// Physical address width the heap handles (as Xen's PADDR_BITS on x86).
pub const PADDR_BITS: u32 = 52;
/// Number of zones: zone 0 is Xen's own heap in Xen and stays empty here; zones 1.. are by mfn width.
pub const NR_ZONES: usize = (PADDR_BITS - PAGE_SHIFT + 1) as usize;
/// Most NUMA nodes the heap supports.
pub const MAX_NUMNODES: usize = 64;

/// A node mask with every node in it.
pub const ALL_NODES: u64 = u64::MAX;

/// A NUMA node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NodeId(pub u8);

/// A domain id, as the frame table records owners (Xen's `domid_t`).
pub type DomId = u16;

/// Xen's zone of a frame: the position of its highest set bit, counting from 1; mfn 0 is in zone 1
/// (page_alloc.c, `page_to_zone`).
pub const fn zone_of(mfn: Mfn) -> usize {
    let fls = 64 - mfn.0.leading_zeros();
    if fls == 0 {
        1
    } else {
        fls as usize
    }
}

/// The highest zone whose frames all lie below 2^bits bytes (page_alloc.c, `bits_to_zone`).
pub const fn bits_to_zone(bits: u32) -> usize {
    if bits <= PAGE_SHIFT {
        1
    } else {
        (bits - PAGE_SHIFT) as usize
    }
}

/// What a frame is to the heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameState {
    /// Not RAM the heap was given (a hole, firmware, the hypervisor, a boot module).
    NotRam,
    /// In a free block.
    Free,
    /// Allocated.
    InUse,
}

const NIL: u32 = u32::MAX;
const NOT_HEAD: u8 = u8::MAX;

/// Per-frame metadata (Xen's `struct page_info`, trimmed to what the heap needs).
#[derive(Clone, Copy, Debug)]
struct PageInfo {
    state: FrameState,
    /// The block order if this frame heads a free block, else `NOT_HEAD`.
    head_order: u8,
    node: NodeId,
    /// The frame may hold another owner's data: it must be zeroed before it is handed out.
    need_scrub: bool,
    /// The owning domain of an in-use frame, if it belongs to one.
    owner: Option<DomId>,
    /// References to an in-use frame (the allocation itself holds one, unless orphaned).
    count: u32,
    /// Released by its owner while someone else still held a reference (Xen: a page whose
    /// `PGC_allocated` reference is gone but whose count is not zero): in use, owned by no one,
    /// `count` counts only the other references, and the last [`BuddyHeap::put_ref`] frees it.
    orphan: bool,
    /// Free-list links, as frame-table indices.
    next: u32,
    prev: u32,
}

impl PageInfo {
    const NOT_RAM: PageInfo = PageInfo {
        state: FrameState::NotRam,
        head_order: NOT_HEAD,
        node: NodeId(0),
        need_scrub: false,
        owner: None,
        count: 0,
        orphan: false,
        next: NIL,
        prev: NIL,
    };
}

/// Where an allocation may come from (Xen's MEMF_node, MEMF_exact_node and MEMF_bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocRequest {
    /// The preferred node.
    pub node: Option<NodeId>,
    /// Fail rather than fall back to another node.
    pub exact_node: bool,
    /// Every byte of the block must lie below 2^address_bits.
    pub address_bits: Option<u32>,
}

/// A block taken from the heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// The first frame.
    pub mfn: Mfn,
    /// 2^order frames.
    pub order: u32,
    /// The node it came from.
    pub node: NodeId,
    /// Some frame of it may hold old data: zero the block before handing it out.
    pub dirty: bool,
}

/// Why the heap could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitError {
    /// More frames than the frame table can index, or frames above [`PADDR_BITS`].
    TooLarge,
    /// A node number at or above [`MAX_NUMNODES`].
    BadNode,
}

/// The buddy allocator and its frame table.
pub struct BuddyHeap {
    base: u64,
    frames: Vec<PageInfo>,
    nr_nodes: usize,
    /// List heads, indexed by `list_index(node, zone, order)`.
    heads: Vec<u32>,
    /// Free frames per node and zone.
    avail: Vec<u64>,
    node_avail: [u64; MAX_NUMNODES],
    total_avail: u64,
    total_ram: u64,
    /// Orphaned frames (see `PageInfo::orphan`).
    orphans: u64,
}

const ORDERS: usize = MAX_ORDER as usize + 1;

fn list_index(node: NodeId, zone: usize, order: u32) -> usize {
    (node.0 as usize * NR_ZONES + zone) * ORDERS + order as usize
}

impl BuddyHeap {
    /// Builds the heap from free RAM `ranges` (`[start, end)` in frames), with `node_of` telling each
    /// frame's node. Every frame starts dirty: boot memory may hold anything.
    pub fn new(
        ranges: &[(Mfn, Mfn)],
        nr_nodes: usize,
        node_of: impl Fn(Mfn) -> NodeId,
    ) -> Result<Self, InitError> {
        if nr_nodes == 0 || nr_nodes > MAX_NUMNODES {
            return Err(InitError::BadNode);
        }
        let nonempty = || ranges.iter().filter(|(s, e)| s < e);
        let base = nonempty().map(|(s, _)| s.0).min().unwrap_or(0);
        let top = nonempty().map(|(_, e)| e.0).max().unwrap_or(0);
        let span = top - base;
        // Frames past PADDR_BITS would have no zone.
        if span >= u64::from(NIL) || top > 1 << (PADDR_BITS - PAGE_SHIFT) {
            return Err(InitError::TooLarge);
        }
        let mut heap = BuddyHeap {
            base,
            frames: vec![PageInfo::NOT_RAM; span as usize],
            nr_nodes,
            heads: vec![NIL; nr_nodes * NR_ZONES * ORDERS],
            avail: vec![0; nr_nodes * NR_ZONES],
            node_avail: [0; MAX_NUMNODES],
            total_avail: 0,
            total_ram: 0,
            orphans: 0,
        };
        for &(start, end) in nonempty() {
            for mfn in start.0..end.0 {
                let node = node_of(Mfn(mfn));
                if node.0 as usize >= nr_nodes {
                    return Err(InitError::BadNode);
                }
                let info = &mut heap.frames[(mfn - base) as usize];
                if info.state == FrameState::NotRam {
                    info.node = node;
                    info.state = FrameState::InUse;
                    heap.total_ram += 1;
                }
            }
        }
        // Hand the frames over one by one: freeing merges each with its free buddy (same node and
        // zone), so the heap ends up as the largest aligned blocks, as after any other frees.
        for mfn in base..top {
            if heap.frames[(mfn - base) as usize].state == FrameState::InUse {
                heap.free_block(Mfn(mfn), 0, true);
            }
        }
        Ok(heap)
    }

    fn index(&self, mfn: Mfn) -> Option<usize> {
        let i = mfn.0.checked_sub(self.base)?;
        (i < self.frames.len() as u64).then_some(i as usize)
    }

    /// Frames of RAM the heap manages (free or in use).
    pub fn total_ram(&self) -> u64 {
        self.total_ram
    }

    /// Free frames.
    pub fn total_avail(&self) -> u64 {
        self.total_avail
    }

    /// Free frames on a node.
    pub fn node_avail(&self, node: NodeId) -> u64 {
        self.node_avail.get(node.0 as usize).copied().unwrap_or(0)
    }

    /// Number of nodes.
    pub fn nr_nodes(&self) -> usize {
        self.nr_nodes
    }

    /// The state of a frame (`NotRam` outside the table).
    pub fn state(&self, mfn: Mfn) -> FrameState {
        self.index(mfn)
            .map_or(FrameState::NotRam, |i| self.frames[i].state)
    }

    /// The owner of an in-use frame.
    pub fn owner(&self, mfn: Mfn) -> Option<DomId> {
        self.index(mfn).and_then(|i| self.frames[i].owner)
    }

    /// References held on an in-use frame.
    pub fn refcount(&self, mfn: Mfn) -> u32 {
        self.index(mfn).map_or(0, |i| self.frames[i].count)
    }

    /// Whether a frame is orphaned: released by its owner while still referenced.
    pub fn is_orphan(&self, mfn: Mfn) -> bool {
        self.index(mfn).is_some_and(|i| self.frames[i].orphan)
    }

    /// Orphaned frames: in use, owned by no one, freed when their last reference goes.
    pub fn orphan_frames(&self) -> u64 {
        self.orphans
    }

    /// The node of a frame of RAM.
    pub fn node_of(&self, mfn: Mfn) -> Option<NodeId> {
        self.index(mfn)
            .filter(|&i| self.frames[i].state != FrameState::NotRam)
            .map(|i| self.frames[i].node)
    }

    fn push(&mut self, i: usize, order: u32) {
        let mfn = Mfn(self.base + i as u64);
        let (node, zone) = (self.frames[i].node, zone_of(mfn));
        let li = list_index(node, zone, order);
        let old = self.heads[li];
        self.frames[i].head_order = order as u8;
        self.frames[i].prev = NIL;
        self.frames[i].next = old;
        if old != NIL {
            self.frames[old as usize].prev = i as u32;
        }
        self.heads[li] = i as u32;
        let size = 1u64 << order;
        self.avail[node.0 as usize * NR_ZONES + zone] += size;
        self.node_avail[node.0 as usize] += size;
        self.total_avail += size;
    }

    fn unlink(&mut self, i: usize) {
        let order = u32::from(self.frames[i].head_order);
        let mfn = Mfn(self.base + i as u64);
        let (node, zone) = (self.frames[i].node, zone_of(mfn));
        let (prev, next) = (self.frames[i].prev, self.frames[i].next);
        if prev == NIL {
            self.heads[list_index(node, zone, order)] = next;
        } else {
            self.frames[prev as usize].next = next;
        }
        if next != NIL {
            self.frames[next as usize].prev = prev;
        }
        self.frames[i].head_order = NOT_HEAD;
        self.frames[i].next = NIL;
        self.frames[i].prev = NIL;
        let size = 1u64 << order;
        self.avail[node.0 as usize * NR_ZONES + zone] -= size;
        self.node_avail[node.0 as usize] -= size;
        self.total_avail -= size;
    }

    /// Nodes in the order an allocation tries them: the preferred one first.
    fn node_order(&self, request: &AllocRequest) -> impl Iterator<Item = NodeId> + '_ {
        let first = request.node.filter(|n| (n.0 as usize) < self.nr_nodes);
        let others = (0..self.nr_nodes as u8)
            .map(NodeId)
            .filter(move |n| Some(*n) != first);
        // An exact request for a node that does not exist finds nothing (get_free_buddy with
        // MEMF_exact_node gives up after the requested node, which has no memory).
        let others_allowed = !(request.exact_node && request.node.is_some());
        first
            .into_iter()
            .chain(others.filter(move |_| others_allowed))
    }

    /// Whether `zone` of `node` has enough free frames to hold a block of `order`: the search's
    /// early skip (`avail[node][zone] < request` in Xen's `get_free_buddy`).
    // Only a shortcut: answering true more often makes the search read empty free lists and find
    // the same block, so such mutants cannot change behaviour.
    #[cfg_attr(test, mutants::skip)]
    fn zone_may_fit(&self, node: NodeId, zone: usize, order: u32) -> bool {
        self.avail[node.0 as usize * NR_ZONES + zone] >= 1 << order
    }

    /// Finds a free block of at least `order` (Xen's `get_free_buddy`): node by node, highest
    /// allowed zone first, smallest sufficient order first. Returns the frame index and its order.
    fn find_free(
        &self,
        order: u32,
        request: &AllocRequest,
        node_mask: u64,
    ) -> Option<(usize, u32)> {
        let zone_hi = request
            .address_bits
            .map_or(NR_ZONES - 1, |bits| bits_to_zone(bits).min(NR_ZONES - 1));
        for node in self
            .node_order(request)
            .filter(|n| node_mask & (1 << n.0) != 0)
        {
            for zone in (1..=zone_hi)
                .filter(|&z| self.zone_may_fit(node, z, order))
                .rev()
            {
                for j in order..=MAX_ORDER {
                    let head = self.heads[list_index(node, zone, j)];
                    if head != NIL {
                        return Some((head as usize, j));
                    }
                }
            }
        }
        None
    }

    /// Takes a block of 2^order frames, marks it in use for `owner` with one reference, and reports
    /// whether it must be scrubbed. `None` if nothing fits the request.
    pub fn alloc(
        &mut self,
        order: u32,
        request: &AllocRequest,
        owner: Option<DomId>,
    ) -> Option<Block> {
        self.alloc_on(order, request, owner, ALL_NODES)
    }

    /// As [`alloc`](Self::alloc), but only from the nodes whose bit is set in `node_mask` (the claim
    /// rules use it to keep an allocation off a node whose free memory others have claimed).
    pub fn alloc_on(
        &mut self,
        order: u32,
        request: &AllocRequest,
        owner: Option<DomId>,
        node_mask: u64,
    ) -> Option<Block> {
        if order > MAX_ORDER {
            return None;
        }
        let (i, mut j) = self.find_free(order, request, node_mask)?;
        self.unlink(i);
        // Split: keep the low half, give the high halves back.
        while j > order {
            j -= 1;
            self.push(i + (1 << j), j);
        }
        let mut dirty = false;
        for f in &mut self.frames[i..i + (1 << order)] {
            dirty |= f.need_scrub;
            f.need_scrub = false;
            f.state = FrameState::InUse;
            f.owner = owner;
            f.count = 1;
            f.orphan = false;
        }
        Some(Block {
            mfn: Mfn(self.base + i as u64),
            order,
            node: self.frames[i].node,
            dirty,
        })
    }

    /// The free block holding frame index `i`, as (head index, order), if the frame is free.
    /// Free blocks are naturally aligned, so the head is the frame's mfn rounded down to the
    /// block's order: the first order at which that frame heads a free block of that order.
    fn free_block_of(&self, i: usize) -> Option<(usize, u32)> {
        if self.frames.get(i)?.state != FrameState::Free {
            return None;
        }
        let mfn = self.base + i as u64;
        (0..=MAX_ORDER).find_map(|o| {
            let head = mfn & !((1u64 << o) - 1);
            let h = self.index(Mfn(head))?;
            let f = &self.frames[h];
            (f.state == FrameState::Free && u32::from(f.head_order) == o).then_some((h, o))
        })
    }

    /// Puts the free frames `[a, b)` (indices, all `Free`, off every list, inside one node and
    /// one zone) back on the free lists as the largest naturally aligned blocks, lowest first.
    /// Used on what is left of a free block after frames were carved out of it, so no piece has
    /// a free buddy of its own order: two such buddies would have been one larger piece.
    fn push_free_run(&mut self, mut a: usize, b: usize) {
        while a < b {
            let mfn = self.base + a as u64;
            let mut order = mfn.trailing_zeros().min(MAX_ORDER);
            while (1usize << order) > b - a {
                order -= 1;
            }
            self.push(a, order);
            a += 1 << order;
        }
    }

    /// Takes exactly the 2^order frames at `mfn` (naturally aligned, all free, on one node), marks
    /// them in use for `owner` with one reference, and reports whether they must be scrubbed.
    ///
    /// After Xen's page_alloc.c: `reserve_heap_page` finds the free buddy holding a frame and
    /// `reserve_offlined_page` takes it off its list and gives the rest of it back as the
    /// largest aligned chunks; `acquire_staticmem_pages` (behind `acquire_domstatic_pages`) takes
    /// a given run of frames for a domain once every one of them is free. The block may span
    /// several free blocks (each is carved the same way). Nothing changes on an error.
    pub fn alloc_exact(
        &mut self,
        mfn: Mfn,
        order: u32,
        owner: Option<DomId>,
    ) -> Result<Block, ExactError> {
        if order > MAX_ORDER || !mfn.0.is_multiple_of(1 << order) {
            return Err(ExactError::BadBlock);
        }
        let start = self.index(mfn).ok_or(ExactError::NotFree)?;
        let end = start + (1usize << order);
        if end > self.frames.len() {
            return Err(ExactError::NotFree);
        }
        let frames = &self.frames[start..end];
        if frames.iter().any(|f| f.state != FrameState::Free) {
            return Err(ExactError::NotFree);
        }
        let node = frames[0].node;
        if frames.iter().any(|f| f.node != node) {
            return Err(ExactError::SpansNodes);
        }
        let mut pos = start;
        while pos < end {
            let (head, head_order) = self
                .free_block_of(pos)
                .expect("a free frame lies in a free block");
            let head_end = head + (1usize << head_order);
            self.unlink(head);
            self.push_free_run(head, start.max(head));
            self.push_free_run(end.min(head_end), head_end);
            pos = head_end;
        }
        let mut dirty = false;
        for f in &mut self.frames[start..end] {
            dirty |= f.need_scrub;
            f.need_scrub = false;
            f.state = FrameState::InUse;
            f.owner = owner;
            f.count = 1;
            f.orphan = false;
        }
        Ok(Block {
            mfn,
            order,
            node,
            dirty,
        })
    }

    /// The free frames as maximal runs `[start, end)`, by address (what a boot-time planner may
    /// ask for exactly with [`alloc_exact`](Self::alloc_exact)).
    pub fn free_ranges(&self) -> Vec<(Mfn, Mfn)> {
        let mut out: Vec<(Mfn, Mfn)> = Vec::new();
        for (i, f) in self.frames.iter().enumerate() {
            if f.state != FrameState::Free {
                continue;
            }
            let mfn = Mfn(self.base + i as u64);
            match out.last_mut() {
                Some((_, end)) if *end == mfn => *end = mfn + 1,
                _ => out.push((mfn, mfn + 1)),
            }
        }
        out
    }

    /// Why a free was refused.
    fn check_freeable(&self, mfn: Mfn, order: u32) -> Result<usize, FreeError> {
        if order > MAX_ORDER || !mfn.0.is_multiple_of(1 << order) {
            return Err(FreeError::BadBlock);
        }
        let i = self.index(mfn).ok_or(FreeError::NotInUse)?;
        let end = i.checked_add(1 << order).ok_or(FreeError::BadBlock)?;
        if end > self.frames.len() {
            return Err(FreeError::BadBlock);
        }
        let owner = self.frames[i].owner;
        for f in &self.frames[i..end] {
            if f.state != FrameState::InUse || f.orphan {
                return Err(FreeError::NotInUse);
            }
            if f.owner != owner {
                return Err(FreeError::MixedOwners);
            }
            if f.count != 1 {
                return Err(FreeError::StillReferenced);
            }
        }
        Ok(i)
    }

    /// Returns an allocated block to the heap. `dirty` says whether it may hold data (a domain's
    /// frames always do); it is scrubbed before its next allocation. Merges with free buddies.
    pub fn free(&mut self, mfn: Mfn, order: u32, dirty: bool) -> Result<(), FreeError> {
        self.check_freeable(mfn, order)?;
        self.free_block(mfn, order, dirty);
        Ok(())
    }

    fn free_block(&mut self, mfn: Mfn, order: u32, dirty: bool) {
        let mut i = (mfn.0 - self.base) as usize;
        for f in &mut self.frames[i..i + (1 << order)] {
            f.state = FrameState::Free;
            f.owner = None;
            f.count = 0;
            f.orphan = false;
            f.need_scrub |= dirty;
        }
        let node = self.frames[i].node;
        let mut order = order;
        while order < MAX_ORDER {
            let head = self.base + i as u64;
            let buddy = head ^ (1 << order);
            let Some(b) = self.index(Mfn(buddy)) else {
                break;
            };
            let bf = &self.frames[b];
            if bf.state != FrameState::Free
                || u32::from(bf.head_order) != order
                || bf.node != node
                || zone_of(Mfn(buddy)) != zone_of(Mfn(head))
            {
                break;
            }
            self.unlink(b);
            i = i.min(b);
            order += 1;
        }
        self.push(i, order);
    }

    /// Takes one more reference on an in-use frame (not on an orphan: it has no owner left).
    pub fn get_page(&mut self, mfn: Mfn) -> bool {
        match self.index(mfn) {
            Some(i) if self.frames[i].state == FrameState::InUse && !self.frames[i].orphan => {
                self.frames[i].count += 1;
                true
            }
            _ => false,
        }
    }

    /// Drops a reference taken by [`get_page`](Self::get_page); never the allocation's own.
    pub fn put_page(&mut self, mfn: Mfn) -> bool {
        match self.index(mfn) {
            Some(i)
                if self.frames[i].state == FrameState::InUse
                    && !self.frames[i].orphan
                    && self.frames[i].count > 1 =>
            {
                self.frames[i].count -= 1;
                true
            }
            _ => false,
        }
    }

    /// Drops a reference taken by [`get_page`](Self::get_page), on an owned frame or on an
    /// orphan; the last reference on an orphan frees it (Xen's `put_page` reaching zero and
    /// calling `free_domheap_page`). `Ok(true)` when the frame was freed; `Err` (nothing
    /// changes) for a frame holding no such reference.
    pub fn put_ref(&mut self, mfn: Mfn) -> Result<bool, FreeError> {
        let i = self.index(mfn).ok_or(FreeError::NotInUse)?;
        let f = &mut self.frames[i];
        if f.state != FrameState::InUse {
            return Err(FreeError::NotInUse);
        }
        if !f.orphan {
            if f.count <= 1 {
                return Err(FreeError::NotInUse);
            }
            f.count -= 1;
            return Ok(false);
        }
        f.count -= 1;
        if f.count > 0 {
            return Ok(false);
        }
        self.orphans -= 1;
        self.free_block(mfn, 0, true);
        Ok(true)
    }

    /// Returns an owner's block as [`free`](Self::free) does, except that frames others still
    /// reference are not freed but orphaned (they lose their owner and the allocation's
    /// reference, and the last [`put_ref`](Self::put_ref) frees them); the rest of the block is
    /// freed around them. Returns how many frames were orphaned. Errors as `free` for a block
    /// that is not one owner's in-use frames.
    pub fn release(&mut self, mfn: Mfn, order: u32, dirty: bool) -> Result<u64, FreeError> {
        if order > MAX_ORDER || !mfn.0.is_multiple_of(1 << order) {
            return Err(FreeError::BadBlock);
        }
        let i = self.index(mfn).ok_or(FreeError::NotInUse)?;
        let end = i.checked_add(1 << order).ok_or(FreeError::BadBlock)?;
        if end > self.frames.len() {
            return Err(FreeError::BadBlock);
        }
        let owner = self.frames[i].owner;
        for f in &self.frames[i..end] {
            if f.state != FrameState::InUse || f.orphan || f.count == 0 {
                return Err(FreeError::NotInUse);
            }
            if f.owner != owner {
                return Err(FreeError::MixedOwners);
            }
        }
        Ok(self.release_block(i, order, dirty))
    }

    /// Frees the unreferenced parts of a checked block, halving it around referenced frames.
    fn release_block(&mut self, i: usize, order: u32, dirty: bool) -> u64 {
        let size = 1usize << order;
        if self.frames[i..i + size].iter().all(|f| f.count == 1) {
            self.free_block(Mfn(self.base + i as u64), order, dirty);
            return 0;
        }
        if order == 0 {
            // Orphaned: whether it needs scrubbing is settled when its last reference frees it
            // (`put_ref` frees it as dirty).
            let f = &mut self.frames[i];
            f.count -= 1;
            f.owner = None;
            f.orphan = true;
            self.orphans += 1;
            return 1;
        }
        let half = size / 2;
        self.release_block(i, order - 1, dirty) + self.release_block(i + half, order - 1, dirty)
    }

    /// Every free block as (first frame, order), by address: after all allocations are returned this
    /// is the same as right after [`new`](Self::new), because merging is canonical.
    pub fn free_blocks(&self) -> Vec<(Mfn, u32)> {
        let mut blocks: Vec<(Mfn, u32)> = self
            .frames
            .iter()
            .enumerate()
            .filter(|(_, f)| f.state == FrameState::Free && f.head_order != NOT_HEAD)
            .map(|(i, f)| (Mfn(self.base + i as u64), u32::from(f.head_order)))
            .collect();
        blocks.sort();
        blocks
    }

    /// Checks the invariants listed in the module documentation; returns the first violation.
    // Indexing several parallel tables by frame and node is clearer than zipped iterators here.
    #[allow(clippy::needless_range_loop)]
    // The tests' oracle: a weaker check changes no behaviour, and the tests cannot corrupt the
    // state it checks through the public interface to see each check fire.
    #[cfg_attr(test, mutants::skip)]
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let mut on_list = vec![false; self.frames.len()];
        let mut listed_free = 0u64;
        let mut node_free = [0u64; MAX_NUMNODES];
        let mut zone_free = vec![0u64; self.avail.len()];
        for node in 0..self.nr_nodes {
            for zone in 0..NR_ZONES {
                for order in 0..=MAX_ORDER {
                    let mut i = self.heads[list_index(NodeId(node as u8), zone, order)];
                    let mut prev = NIL;
                    while i != NIL {
                        let f = &self.frames[i as usize];
                        let mfn = Mfn(self.base + u64::from(i));
                        if f.prev != prev {
                            return Err("free list back link broken");
                        }
                        if u32::from(f.head_order) != order
                            || f.node.0 as usize != node
                            || zone_of(mfn) != zone
                            || !mfn.0.is_multiple_of(1 << order)
                        {
                            return Err("block on the wrong free list");
                        }
                        for k in i as usize..i as usize + (1 << order) {
                            if on_list[k] {
                                return Err("frame in two free blocks");
                            }
                            on_list[k] = true;
                            if self.frames[k].state != FrameState::Free {
                                return Err("non-free frame in a free block");
                            }
                        }
                        let buddy = mfn.0 ^ (1 << order);
                        if order < MAX_ORDER {
                            if let Some(b) = self.index(Mfn(buddy)) {
                                let bf = &self.frames[b];
                                if bf.state == FrameState::Free
                                    && u32::from(bf.head_order) == order
                                    && bf.node == f.node
                                    && zone_of(Mfn(buddy)) == zone
                                {
                                    return Err("two free buddies left unmerged");
                                }
                            }
                        }
                        listed_free += 1 << order;
                        node_free[node] += 1 << order;
                        zone_free[node * NR_ZONES + zone] += 1 << order;
                        prev = i;
                        i = f.next;
                    }
                }
            }
        }
        let free_frames = self
            .frames
            .iter()
            .filter(|f| f.state == FrameState::Free)
            .count() as u64;
        if free_frames != listed_free || self.total_avail != listed_free {
            return Err("free count does not match the free lists");
        }
        if node_free != self.node_avail {
            return Err("per-node free count does not match the free lists");
        }
        if zone_free != self.avail {
            return Err("per-zone free count does not match the free lists");
        }
        let ram = self
            .frames
            .iter()
            .filter(|f| f.state != FrameState::NotRam)
            .count() as u64;
        if ram != self.total_ram {
            return Err("RAM count changed");
        }
        let mut orphans = 0u64;
        for f in self.frames.iter().filter(|f| f.orphan) {
            if f.state != FrameState::InUse || f.owner.is_some() || f.count == 0 {
                return Err("an orphan frame is not an ownerless, referenced frame in use");
            }
            orphans += 1;
        }
        if orphans != self.orphans {
            return Err("orphan count does not match the frame table");
        }
        Ok(())
    }
}

/// Why [`BuddyHeap::alloc_exact`] refused a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExactError {
    /// Misaligned for its order, or an order above [`MAX_ORDER`].
    BadBlock,
    /// Some frame of it is not free RAM of this heap.
    NotFree,
    /// Its frames lie on more than one node (no block ever does).
    SpansNodes,
}

/// Why a block could not be freed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeError {
    /// Misaligned, too large, or running past the frame table.
    BadBlock,
    /// Some frame of it is not allocated.
    NotInUse,
    /// Its frames belong to different owners.
    MixedOwners,
    /// Someone still holds a reference beyond the allocation's.
    StillReferenced,
}
