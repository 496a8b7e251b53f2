//! The domain heap: the buddy allocator behind the heap lock, page claims (Xen's
//! `XENMEM_claim_pages`), and each domain's memory accounting behind its page_alloc lock.
//!
//! Follows upstream Xen's xen/common/page_alloc.c (`domain_set_outstanding_pages`,
//! `alloc_heap_pages`, `assign_pages`, `free_domheap_pages`) and xen/common/domain.c (`domain_kill`):
//!
//! - A claim stakes pages for a domain without assigning any frame. It is a target: the claim is
//!   `pages - tot_pages`. One claim per domain; 0 releases it.
//! - An allocation for a domain consumes `min(claim, request)` of its claim, under the heap lock, in
//!   the same critical section that takes the frames (upstream since 2026; 4.17 did it later, under a
//!   second lock, leaving a window where claims exceeded free memory). Freeing never re-grows a claim.
//! - Any other allocation (another domain's, or one for no domain) fails once it would eat into
//!   claimed memory: `outstanding_claims + request > free`.
//! - Killing a domain releases its claim; a dying domain cannot claim.
//!
//! Where xen-rs differs from Xen on purpose:
//! - `max_pages` is checked (under the domain's page_alloc lock) before the frames are taken, so a
//!   claim is never consumed by an allocation that `assign_pages` then refuses (upstream loses that
//!   part of the claim).
//! - Unclaimed memory is `free - outstanding` saturating at 0, where Xen's unsigned subtraction
//!   would wrap if claims ever exceeded free memory. Here they cannot: see the invariants.
//! - Extension: a claim may name a NUMA node. It is admitted against that node's unclaimed memory
//!   as well as the host's, and only allocations on that node consume it; other domains cannot
//!   allocate a node's claimed memory. Upstream has no settled interface yet (the claim-sets series
//!   for `XEN_DOMCTL_claim_memory` is under review in 2026).
//!
//! Invariants, kept under the heap lock:
//! - `outstanding_claims` is the sum of every domain's claim and never exceeds the free frames;
//! - each node's claims sum to `node_claims[node]` and never exceed that node's free frames;
//! - a frame is free, or in use by exactly one owner, or an orphan (checked by the buddy heap);
//! - a domain's recorded foreign references are references held on those frames.
//!
//! Foreign references (Xen's `get_page` kept by `p2m_add_foreign`): a domain that maps another
//! domain's frame holds a reference on it, recorded on the mapper ([`DomHeap::get_foreign_page`])
//! and dropped by [`DomHeap::put_foreign_page`] or when the mapper is relinquished. A referenced
//! frame its owner frees, or a dying owner relinquishes, is not freed but orphaned: it leaves the
//! owner's `tot_pages`, has no owner, and its last reference frees it. (Xen keeps such a page the
//! owner's, in `tot_pages`, and the owner lingers as a zombie until the last `put_page`.)
//!
//! Lock order (lock_order.rs): a domain's page_alloc lock, then the heap lock. Scrubbing happens
//! outside the heap lock; an allocation scrubs holding only the allocating domain's page_alloc lock,
//! which serialises that domain's own population and nothing else.

use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

use crate::buddy::{
    AllocRequest, Block, BuddyHeap, DomId, ExactError, InitError, NodeId, MAX_NUMNODES, MAX_ORDER,
};
use crate::errno::Errno;
use crate::frame::{FrameAccess, Mfn};
use crate::lock_order::{HEAP, PAGE_ALLOC};
use crate::sync::Mutex;

/// The node a `XENMEM_claim_pages` request names in its `mem_flags` (xen-rs extension
/// `XENMEMF_claim_node_mask`): 0 is a host-wide claim (as in Xen); `XENMEMF_exact_node(n)` claims on
/// node `n`; anything else is `EINVAL` (as Xen 4.17 answers for any non-zero `mem_flags`).
pub fn claim_node_from_mem_flags(mem_flags: u32) -> Result<Option<NodeId>, Errno> {
    use xen_public::memory::{
        XENMEMF_claim_node_mask, XENMEMF_exact_node_request, XENMEMF_get_node,
    };
    if mem_flags == 0 {
        return Ok(None);
    }
    let node = XENMEMF_get_node(mem_flags);
    if mem_flags & !XENMEMF_claim_node_mask != 0
        || mem_flags & XENMEMF_exact_node_request == 0
        || node >= crate::buddy::MAX_NUMNODES as u32
    {
        return Err(Errno::EINVAL);
    }
    Ok(Some(NodeId(node as u8)))
}

/// The first domain id that is not a real domain (Xen's DOMID_FIRST_RESERVED).
pub const DOMID_FIRST_RESERVED: DomId = 0x7ff0;

/// One domain's claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Claim {
    pages: u64,
    /// The node the claim is on (xen-rs extension); `None` for a host-wide claim.
    node: Option<NodeId>,
}

/// What the heap lock protects.
struct HeapState {
    buddy: BuddyHeap,
    /// The sum of all claims (Xen's `outstanding_claims`).
    outstanding_claims: u64,
    /// The sum of the claims on each node.
    node_claims: [u64; MAX_NUMNODES],
    /// Claims by domain id.
    claims: Vec<Claim>,
}

impl HeapState {
    fn unclaimed(&self) -> u64 {
        self.buddy
            .total_avail()
            .saturating_sub(self.outstanding_claims)
    }

    fn node_unclaimed(&self, node: NodeId) -> u64 {
        self.buddy
            .node_avail(node)
            .saturating_sub(self.node_claims[node.0 as usize])
    }

    /// The nodes an allocation of `request` frames for `owner` may come from: Xen's admission check
    /// in `alloc_heap_pages` (a domain may exceed the unclaimed memory only out of its own claim, and
    /// only if the claim covers the whole request), applied per node for node claims.
    fn admissible_nodes(&self, owner: Option<DomId>, request: u64) -> u64 {
        let claim = owner.map_or(Claim::default(), |d| self.claims[d as usize]);
        let mut mask = 0u64;
        for n in 0..self.buddy.nr_nodes() {
            let node = NodeId(n as u8);
            let covered = claim.pages >= request && claim.node.is_none_or(|c| c == node);
            let host_ok = self.outstanding_claims + request <= self.buddy.total_avail() || covered;
            let node_ok = self.node_claims[n] + request <= self.buddy.node_avail(node)
                || (covered && claim.node == Some(node));
            if host_ok && node_ok {
                mask |= 1 << n;
            }
        }
        mask
    }

    /// Takes frames for `owner` and consumes its claim if the frames count against it.
    fn alloc(
        &mut self,
        owner: Option<DomId>,
        order: u32,
        request: &AllocRequest,
    ) -> Result<Block, Errno> {
        if order > MAX_ORDER {
            return Err(Errno::EINVAL);
        }
        let mask = self.admissible_nodes(owner, 1u64 << order);
        if mask == 0 {
            return Err(Errno::ENOMEM);
        }
        let mut request = *request;
        if request.node.is_none() {
            // Place a node claim's owner on its node first.
            request.node = owner.and_then(|d| self.claims[d as usize].node);
        }
        let block = self
            .buddy
            .alloc_on(order, &request, owner, mask)
            .ok_or(Errno::ENOMEM)?;
        self.consume_claim(owner, &block);
        Ok(block)
    }

    /// Frames taken for `owner` count against its claim if they are on its node (any node for a
    /// host-wide claim); with no claim, `claim.pages` is 0 and nothing changes.
    fn consume_claim(&mut self, owner: Option<DomId>, block: &Block) {
        let Some(d) = owner else { return };
        let claim = self.claims[d as usize];
        if claim.node.is_none_or(|c| c == block.node) {
            let used = claim.pages.min(1u64 << block.order);
            self.claims[d as usize].pages -= used;
            self.outstanding_claims -= used;
            if let Some(node) = claim.node {
                self.node_claims[node.0 as usize] -= used;
            }
            if self.claims[d as usize].pages == 0 {
                self.claims[d as usize].node = None;
            }
        }
    }

    /// Takes exactly the 2^order frames at `mfn` for `owner` ([`BuddyHeap::alloc_exact`]), under
    /// the same admission rule and claim accounting as [`HeapState::alloc`]: the frames' node
    /// must be one the owner may allocate from without eating into others' claims.
    fn alloc_exact(&mut self, owner: Option<DomId>, mfn: Mfn, order: u32) -> Result<Block, Errno> {
        if order > MAX_ORDER {
            return Err(Errno::EINVAL);
        }
        // acquire_domstatic_pages: -ENOENT when the frames cannot be acquired.
        let node = self.buddy.node_of(mfn).ok_or(Errno::ENOENT)?;
        if self.admissible_nodes(owner, 1u64 << order) & (1 << node.0) == 0 {
            return Err(Errno::ENOMEM);
        }
        let block = self
            .buddy
            .alloc_exact(mfn, order, owner)
            .map_err(|e| match e {
                ExactError::BadBlock | ExactError::SpansNodes => Errno::EINVAL,
                ExactError::NotFree => Errno::ENOENT,
            })?;
        self.consume_claim(owner, &block);
        Ok(block)
    }

    fn release_claim(&mut self, d: DomId) {
        let claim = core::mem::take(&mut self.claims[d as usize]);
        self.outstanding_claims -= claim.pages;
        if let Some(node) = claim.node {
            self.node_claims[node.0 as usize] -= claim.pages;
        }
    }
}

/// What the page_alloc lock protects: one domain's memory.
struct DomainPages {
    /// Frames the domain holds (Xen's `tot_pages`).
    tot_pages: u64,
    /// The most it may hold (Xen's `max_pages`).
    max_pages: u64,
    /// Set once the domain is being killed: no more allocations or claims.
    dying: bool,
    /// The blocks it holds, first frame to order (Xen's `d->page_list`).
    blocks: BTreeMap<u64, u32>,
    /// Blocks it holds that are off its page list (the PoD cache's): still its own, still in
    /// `tot_pages`.
    detached: BTreeMap<u64, u32>,
    /// References it holds on other domains' frames (foreign mappings in its p2m): frame to
    /// number of references. Not in `tot_pages`.
    foreign: BTreeMap<u64, u32>,
    /// The sum of `foreign`.
    foreign_refs: u64,
}

/// Takes 2^order frames at `mfn` out of a list of held blocks, splitting the block that contains
/// them and keeping the rest. `EINVAL` unless one listed block contains all of them.
fn take_from_list(list: &mut BTreeMap<u64, u32>, mfn: Mfn, order: u32) -> Result<(), Errno> {
    if order > MAX_ORDER || !mfn.0.is_multiple_of(1 << order) {
        return Err(Errno::EINVAL);
    }
    let (&start, &held_order) = list.range(..=mfn.0).next_back().ok_or(Errno::EINVAL)?;
    if held_order < order || mfn.0 + (1 << order) > start + (1 << held_order) {
        return Err(Errno::EINVAL);
    }
    list.remove(&start);
    let (mut s, mut o) = (start, held_order);
    while o > order {
        o -= 1;
        let half = 1u64 << o;
        if mfn.0 >= s + half {
            list.insert(s, o);
            s += half;
        } else {
            list.insert(s + half, o);
        }
    }
    Ok(())
}

/// A domain's memory accounting, with its page_alloc lock.
pub struct DomainMemory {
    domid: DomId,
    pages: Mutex<DomainPages>,
}

impl DomainMemory {
    /// The domain's id.
    pub fn domid(&self) -> DomId {
        self.domid
    }

    /// Frames the domain holds.
    pub fn tot_pages(&self) -> u64 {
        self.pages.lock().tot_pages
    }

    /// The most frames it may hold.
    pub fn max_pages(&self) -> u64 {
        self.pages.lock().max_pages
    }

    /// Sets the limit (XEN_DOMCTL_max_mem). As in Xen it may go below what the domain holds; later
    /// allocations then fail.
    pub fn set_max_pages(&self, max_pages: u64) {
        self.pages.lock().max_pages = max_pages;
    }

    /// Whether the domain is being killed.
    pub fn is_dying(&self) -> bool {
        self.pages.lock().dying
    }

    /// The blocks the domain holds on its page list, as (first frame, order), by address.
    pub fn blocks(&self) -> Vec<(Mfn, u32)> {
        self.pages
            .lock()
            .blocks
            .iter()
            .map(|(&m, &o)| (Mfn(m), o))
            .collect()
    }

    /// References the domain holds on other domains' frames (see
    /// [`DomHeap::get_foreign_page`]).
    pub fn foreign_refs(&self) -> u64 {
        self.pages.lock().foreign_refs
    }

    /// Frames the domain holds off its page list (its PoD cache).
    pub fn detached_pages(&self) -> u64 {
        self.pages
            .lock()
            .detached
            .values()
            .map(|&o| 1u64 << o)
            .sum()
    }
}

/// What `XEN_SYSCTL_physinfo` reports about memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhysInfo {
    /// RAM frames given to the heap.
    pub total_pages: u64,
    /// Free frames (claimed ones included, as in Xen).
    pub free_pages: u64,
    /// All domains' claims.
    pub outstanding_pages: u64,
}

/// The domain heap.
pub struct DomHeap<F: FrameAccess> {
    frames: F,
    heap: Mutex<HeapState>,
}

impl<F: FrameAccess> DomHeap<F> {
    /// Builds the heap over free RAM `ranges` (in frames) on `nr_nodes` nodes.
    pub fn new(
        frames: F,
        ranges: &[(Mfn, Mfn)],
        nr_nodes: usize,
        node_of: impl Fn(Mfn) -> NodeId,
    ) -> Result<Self, InitError> {
        let buddy = BuddyHeap::new(ranges, nr_nodes, node_of)?;
        Ok(DomHeap {
            frames,
            heap: Mutex::new(
                HEAP,
                HeapState {
                    buddy,
                    outstanding_claims: 0,
                    node_claims: [0; MAX_NUMNODES],
                    claims: vec![Claim::default(); DOMID_FIRST_RESERVED as usize],
                },
            ),
        })
    }

    /// The frame accessor.
    pub fn frames(&self) -> &F {
        &self.frames
    }

    /// Starts accounting for a new domain, with no memory and no claim.
    pub fn new_domain(&self, domid: DomId, max_pages: u64) -> Result<DomainMemory, Errno> {
        if domid >= DOMID_FIRST_RESERVED {
            return Err(Errno::EINVAL);
        }
        if self.heap.lock().claims[domid as usize] != Claim::default() {
            // A claim left behind by a previous domain with this id would be a leak.
            return Err(Errno::EEXIST);
        }
        Ok(DomainMemory {
            domid,
            pages: Mutex::new(
                PAGE_ALLOC,
                DomainPages {
                    tot_pages: 0,
                    max_pages,
                    dying: false,
                    blocks: BTreeMap::new(),
                    detached: BTreeMap::new(),
                    foreign: BTreeMap::new(),
                    foreign_refs: 0,
                },
            ),
        })
    }

    fn scrub(&self, block: &Block) {
        if block.dirty {
            for i in 0..1u64 << block.order {
                self.frames.zero_frame(block.mfn + i);
            }
        }
    }

    /// Allocates 2^order frames for `d` (Xen's `alloc_domheap_pages` then `assign_pages`): zeroed,
    /// owned by `d`, counted in its `tot_pages`, consuming its claim.
    ///
    /// Errors: `EINVAL` for a dying domain or an order above 18; `EPERM` if the domain already holds
    /// more than `max_pages`; `E2BIG` if the frames would take it over `max_pages`; `ENOMEM` if no
    /// frames can be given without eating into other domains' claims.
    pub fn alloc_domheap_pages(
        &self,
        d: &DomainMemory,
        order: u32,
        request: &AllocRequest,
    ) -> Result<Mfn, Errno> {
        let mut pages = d.pages.lock();
        if pages.dying || order > MAX_ORDER {
            return Err(Errno::EINVAL);
        }
        let nr = 1u64 << order;
        if pages.tot_pages > pages.max_pages {
            return Err(Errno::EPERM);
        }
        if nr > pages.max_pages - pages.tot_pages {
            return Err(Errno::E2BIG);
        }
        let block = self.heap.lock().alloc(Some(d.domid), order, request)?;
        self.scrub(&block);
        pages.tot_pages += nr;
        pages.blocks.insert(block.mfn.0, order);
        Ok(block.mfn)
    }

    /// Allocates exactly the 2^order frames at `mfn` (naturally aligned) for `d`, accounted as
    /// [`alloc_domheap_pages`](Self::alloc_domheap_pages) accounts its frames: zeroed, owned by
    /// `d` with the allocation's reference, in its `tot_pages` and page list, consuming its claim,
    /// so that `d` gives them back with [`free_domheap_pages`](Self::free_domheap_pages) like any
    /// other (XENMEM_decrease_reservation) and the free and claimed totals keep their meaning.
    /// Used to build a direct-mapped (gfn == mfn) dom0, as Xen on Arm's `allocate_memory_11`
    /// does with ordinary allocations, here for frames the caller chose: Xen's
    /// `acquire_domstatic_pages` (take given frames, then `assign_pages`), over the heap's free
    /// frames carved out of their buddies as `reserve_heap_page` does.
    ///
    /// Lock order: `d`'s page_alloc lock, then the heap lock, as for every allocation.
    ///
    /// Errors: those of `alloc_domheap_pages` (`EINVAL` dying or order above 18, `EPERM`,
    /// `E2BIG`, `ENOMEM` when other domains' claims forbid the frames' node); `EINVAL` for a
    /// misaligned block or one spanning two nodes; `ENOENT` (Xen's `acquire_domstatic_pages`)
    /// when some frame is not free RAM of the heap. Nothing changes on an error.
    pub fn alloc_domheap_exact(&self, d: &DomainMemory, mfn: Mfn, order: u32) -> Result<(), Errno> {
        let mut pages = d.pages.lock();
        if pages.dying || order > MAX_ORDER {
            return Err(Errno::EINVAL);
        }
        let nr = 1u64 << order;
        if pages.tot_pages > pages.max_pages {
            return Err(Errno::EPERM);
        }
        if nr > pages.max_pages - pages.tot_pages {
            return Err(Errno::E2BIG);
        }
        let block = self.heap.lock().alloc_exact(Some(d.domid), mfn, order)?;
        self.scrub(&block);
        pages.tot_pages += nr;
        pages.blocks.insert(block.mfn.0, order);
        Ok(())
    }

    /// The heap's free frames as maximal runs `[start, end)` by address, read under the heap
    /// lock (a snapshot: the boot-time dom0 planner picks its direct-mapped frames from it).
    pub fn free_ranges(&self) -> Vec<(Mfn, Mfn)> {
        self.heap.lock().buddy.free_ranges()
    }

    /// Returns 2^order of `d`'s frames starting at `mfn` to the heap (Xen's `free_domheap_pages`).
    /// They may be part of a larger block the domain holds. The frames will be scrubbed before anyone
    /// else gets them. `EINVAL` if `d` does not hold exactly those frames.
    pub fn free_domheap_pages(&self, d: &DomainMemory, mfn: Mfn, order: u32) -> Result<(), Errno> {
        let mut pages = d.pages.lock();
        take_from_list(&mut pages.blocks, mfn, order)?;
        pages.tot_pages -= 1 << order;
        // Frames another domain still references are orphaned, not freed (Xen keeps the page
        // until its last `put_page`); they leave `tot_pages` now (see `get_foreign_page`).
        self.heap
            .lock()
            .buddy
            .release(mfn, order, true)
            .expect("the domain's page list and the frame table agree");
        Ok(())
    }

    /// Takes 2^order of `d`'s frames off its page list; they stay its own and keep counting in
    /// `tot_pages` (Xen's `page_list_del` in `p2m_pod_cache_add`). `EINVAL` unless it holds them
    /// on the list.
    pub fn detach_pages(&self, d: &DomainMemory, mfn: Mfn, order: u32) -> Result<(), Errno> {
        let mut pages = d.pages.lock();
        take_from_list(&mut pages.blocks, mfn, order)?;
        pages.detached.insert(mfn.0, order);
        Ok(())
    }

    /// Puts detached frames back on `d`'s page list (`p2m_pod_cache_get`).
    pub fn attach_pages(&self, d: &DomainMemory, mfn: Mfn, order: u32) -> Result<(), Errno> {
        let mut pages = d.pages.lock();
        take_from_list(&mut pages.detached, mfn, order)?;
        pages.blocks.insert(mfn.0, order);
        Ok(())
    }

    /// Sets or releases `d`'s claim (Xen's `domain_set_outstanding_pages`, reached through
    /// `XENMEM_claim_pages`), in Xen's order of checks:
    /// a dying domain -> `EINVAL`; `pages == 0` releases the claim; an existing claim -> `EINVAL`;
    /// `pages <= tot_pages` or `pages > max_pages` -> `EINVAL`; a node that does not exist ->
    /// `ENOENT`; a claim (`pages - tot_pages`) above the unclaimed free memory (of the host, and of
    /// the node for a node claim) -> `ENOMEM`.
    pub fn claim_pages(
        &self,
        d: &DomainMemory,
        pages: u64,
        node: Option<NodeId>,
    ) -> Result<(), Errno> {
        let dp = d.pages.lock();
        let mut heap = self.heap.lock();
        if dp.dying {
            return Err(Errno::EINVAL);
        }
        if pages == 0 {
            heap.release_claim(d.domid);
            return Ok(());
        }
        if heap.claims[d.domid as usize].pages != 0 {
            return Err(Errno::EINVAL);
        }
        if pages <= dp.tot_pages || pages > dp.max_pages {
            return Err(Errno::EINVAL);
        }
        if node.is_some_and(|n| n.0 as usize >= heap.buddy.nr_nodes()) {
            return Err(Errno::ENOENT);
        }
        let claim = pages - dp.tot_pages;
        if claim > heap.unclaimed() || node.is_some_and(|n| claim > heap.node_unclaimed(n)) {
            return Err(Errno::ENOMEM);
        }
        heap.claims[d.domid as usize] = Claim { pages: claim, node };
        heap.outstanding_claims += claim;
        if let Some(n) = node {
            heap.node_claims[n.0 as usize] += claim;
        }
        Ok(())
    }

    /// `d`'s outstanding claim (getdomaininfo's `outstanding_pages`).
    pub fn outstanding_pages(&self, d: &DomainMemory) -> u64 {
        self.heap.lock().claims[d.domid as usize].pages
    }

    /// The node of `d`'s claim, if it is a node claim.
    pub fn claim_node(&self, d: &DomainMemory) -> Option<NodeId> {
        self.heap.lock().claims[d.domid as usize].node
    }

    /// Marks `d` dying and releases its claim (the alive-to-dying step of Xen's `domain_kill`).
    pub fn domain_kill(&self, d: &DomainMemory) {
        let mut pages = d.pages.lock();
        pages.dying = true;
        self.heap.lock().release_claim(d.domid);
    }

    /// Frees up to `budget` of a dying domain's frames (Xen's `relinquish_memory`, preemptible).
    /// Returns `Ok(true)` once it holds none; `EINVAL` if the domain is not dying.
    pub fn relinquish_memory(&self, d: &DomainMemory, budget: u64) -> Result<bool, Errno> {
        let mut pages = d.pages.lock();
        if !pages.dying {
            return Err(Errno::EINVAL);
        }
        let mut freed = 0;
        // First the references it holds on other domains' frames (Xen's
        // `relinquish_p2m_mapping` drops them by removing the foreign p2m entries).
        while freed < budget {
            let Some((mfn, refs)) = pages.foreign.pop_first() else {
                break;
            };
            let mut heap = self.heap.lock();
            for _ in 0..refs {
                heap.buddy
                    .put_ref(Mfn(mfn))
                    .expect("a recorded foreign reference is held on the frame");
            }
            pages.foreign_refs -= u64::from(refs);
            freed += u64::from(refs);
        }
        while freed < budget {
            // Detached frames (a PoD cache that was not emptied) are freed too: nothing leaks.
            let Some((start, order)) = pages
                .blocks
                .pop_first()
                .or_else(|| pages.detached.pop_first())
            else {
                break;
            };
            pages.tot_pages -= 1 << order;
            freed += 1 << order;
            self.heap
                .lock()
                .buddy
                .release(Mfn(start), order, true)
                .expect("the domain's page list and the frame table agree");
        }
        Ok(pages.blocks.is_empty() && pages.detached.is_empty() && pages.foreign.is_empty())
    }

    /// Takes a reference on `owner`'s frame `mfn` for `mapper`, which maps it in its p2m (Xen's
    /// `get_page(page, fdom)` kept by `p2m_add_foreign` for the `p2m_map_foreign` entry). While
    /// referenced the frame is never freed: if its owner frees it or dies, it is orphaned and
    /// freed with the last reference. The reference is recorded on `mapper` and dropped by
    /// [`put_foreign_page`](Self::put_foreign_page) or when `mapper` is relinquished.
    ///
    /// `EINVAL` if `mapper` is `owner` or is dying, or if `owner` does not own the frame.
    pub fn get_foreign_page(
        &self,
        mapper: &DomainMemory,
        owner: &DomainMemory,
        mfn: Mfn,
    ) -> Result<(), Errno> {
        if mapper.domid == owner.domid {
            return Err(Errno::EINVAL);
        }
        let mut pages = mapper.pages.lock();
        if pages.dying {
            return Err(Errno::EINVAL);
        }
        let mut heap = self.heap.lock();
        if heap.buddy.owner(mfn) != Some(owner.domid) || !heap.buddy.get_page(mfn) {
            return Err(Errno::EINVAL);
        }
        *pages.foreign.entry(mfn.0).or_insert(0) += 1;
        pages.foreign_refs += 1;
        Ok(())
    }

    /// Drops a reference `mapper` took with [`get_foreign_page`](Self::get_foreign_page); the
    /// last reference on an orphaned frame frees it. `EINVAL` if `mapper` holds none on `mfn`.
    pub fn put_foreign_page(&self, mapper: &DomainMemory, mfn: Mfn) -> Result<(), Errno> {
        let mut pages = mapper.pages.lock();
        let refs = pages.foreign.get_mut(&mfn.0).ok_or(Errno::EINVAL)?;
        *refs -= 1;
        if *refs == 0 {
            pages.foreign.remove(&mfn.0);
        }
        pages.foreign_refs -= 1;
        self.heap
            .lock()
            .buddy
            .put_ref(mfn)
            .expect("a recorded foreign reference is held on the frame");
        Ok(())
    }

    /// Takes a reference on `owner`'s frame `mfn` for the hypervisor's own use (Xen's `get_page`
    /// with `get_page_type(PGT_writable_page)`, held by `map_vcpu_info` while a registered
    /// vcpu_info lives in the page). While referenced the frame is never freed: if its owner frees
    /// it or dies, it is orphaned and freed with the last reference. `EINVAL` if `owner` does not
    /// own the frame or is dying.
    pub fn get_page(&self, owner: &DomainMemory, mfn: Mfn) -> Result<(), Errno> {
        let pages = owner.pages.lock();
        if pages.dying {
            return Err(Errno::EINVAL);
        }
        let mut heap = self.heap.lock();
        if heap.buddy.owner(mfn) != Some(owner.domid) || !heap.buddy.get_page(mfn) {
            return Err(Errno::EINVAL);
        }
        Ok(())
    }

    /// Drops a reference taken by [`get_page`](Self::get_page); the last reference on an orphaned
    /// frame frees it. `EINVAL` (nothing changes) for a frame holding no such reference.
    pub fn put_page(&self, mfn: Mfn) -> Result<(), Errno> {
        self.heap
            .lock()
            .buddy
            .put_ref(mfn)
            .map(|_freed| ())
            .map_err(|_| Errno::EINVAL)
    }

    /// Frames released by their owner while still referenced, waiting for their last reference.
    pub fn orphan_pages(&self) -> u64 {
        self.heap.lock().buddy.orphan_frames()
    }

    /// Allocates frames owned by no domain (page tables, hypervisor structures): zeroed, and, as in
    /// Xen, refused once they would eat into claimed memory.
    pub fn alloc_anonymous(&self, order: u32, request: &AllocRequest) -> Result<Mfn, Errno> {
        let block = self.heap.lock().alloc(None, order, request)?;
        self.scrub(&block);
        Ok(block.mfn)
    }

    /// Returns frames from [`alloc_anonymous`](Self::alloc_anonymous).
    pub fn free_anonymous(&self, mfn: Mfn, order: u32) -> Result<(), Errno> {
        let mut heap = self.heap.lock();
        if heap.buddy.owner(mfn).is_some() {
            return Err(Errno::EINVAL);
        }
        heap.buddy.free(mfn, order, true).map_err(|_| Errno::EINVAL)
    }

    /// Memory totals, read together under the heap lock (Xen's `get_outstanding_claims`).
    pub fn physinfo(&self) -> PhysInfo {
        let heap = self.heap.lock();
        PhysInfo {
            total_pages: heap.buddy.total_ram(),
            free_pages: heap.buddy.total_avail(),
            outstanding_pages: heap.outstanding_claims,
        }
    }

    /// Runs `f` on the buddy heap under the heap lock (tests and invariant checks).
    pub fn with_buddy<R>(&self, f: impl FnOnce(&BuddyHeap) -> R) -> R {
        f(&self.heap.lock().buddy)
    }

    /// Checks the heap's invariants, the buddy's and the claims': every claim summed into the totals,
    /// and claims never above free memory, host-wide and per node.
    // The tests' oracle: a weaker check changes no behaviour, and the tests cannot corrupt the
    // state it checks through the public interface to see each check fire.
    #[cfg_attr(test, mutants::skip)]
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        let heap = self.heap.lock();
        heap.buddy.check_invariants()?;
        // One pass over the claims table: the host total, each node's total, no stale node.
        let mut total = 0u64;
        let mut per_node = [0u64; MAX_NUMNODES];
        for c in &heap.claims {
            total += c.pages;
            match c.node {
                Some(_) if c.pages == 0 => return Err("an empty claim still names a node"),
                Some(n) => per_node[n.0 as usize] += c.pages,
                None => {}
            }
        }
        if total != heap.outstanding_claims {
            return Err("outstanding_claims is not the sum of the domains' claims");
        }
        if heap.outstanding_claims > heap.buddy.total_avail() {
            return Err("claims exceed free memory");
        }
        for (n, &sum) in per_node.iter().enumerate().take(heap.buddy.nr_nodes()) {
            if sum != heap.node_claims[n] {
                return Err("node_claims is not the sum of the node's claims");
            }
            if heap.node_claims[n] > heap.buddy.node_avail(NodeId(n as u8)) {
                return Err("a node's claims exceed its free memory");
            }
        }
        Ok(())
    }
}
