//! Populate-on-demand (xen/arch/x86/mm/p2m-pod.c): a guest boots believing it has its maximum
//! memory while only its target is backed. Guest frames of type `populate_on_demand` are filled
//! from a per-domain cache of frames on first touch; when the cache runs dry, zero pages the guest
//! has populated are reclaimed into it.
//!
//! Xen's invariants (the comment above `p2m_pod_set_mem_target`), with M the static maximum
//! (max_pages), B the balloon target, P the populated frames and T the cache target:
//! `0 <= P <= T <= B <= M`, `entry_count == B - P`, `tot_pages == P + count`.
//!
//! Locking (seed 000's rework, checked by [`crate::lock_order`]): a guest fault takes the faulting
//! gfn's lock (level 12), then the p2m lock (16, through [`P2mLocked`]), then the dedicated pod lock
//! (48); the domain's page_alloc lock (56) and the heap lock nest inside that. Xen takes the pod
//! lock first in places and re-enters its recursive p2m lock; here the p2m lock is always the outer
//! one, so the order runs one way only. The sweeps (eager reclaim, the emergency sweep, the
//! superpage zero-check) run inside the p2m lock and look at other gfns: they only *try* each gfn's
//! lock and skip the busy ones, so they never wait for a vCPU that waits for them, and never
//! reclaim a frame whose gfn someone is holding.

use alloc::vec::Vec;

use crate::errno::Errno;
use crate::frame::{FrameAccess, Gfn, Mfn, WORDS_PER_FRAME};
use crate::heap::{DomHeap, DomainMemory};
use crate::lock_order::POD;
use crate::p2m::format::P2mFormat;
use crate::p2m::types::{P2mAccess, P2mType};
use crate::p2m::{P2mLocked, PAGE_ORDER_1G, PAGE_ORDER_2M, PAGE_ORDER_4K};

use crate::sync::Mutex;

/// Frames in a 2 MiB superpage.
const SUPERPAGE_PAGES: u64 = 512;
/// How far back an emergency sweep looks (Xen's POD_SWEEP_LIMIT).
pub const POD_SWEEP_LIMIT: u64 = 1024;
/// Frames zero-checked together (Xen's POD_SWEEP_STRIDE).
pub const POD_SWEEP_STRIDE: usize = 16;
/// Recently populated gfns kept for eager reclaim.
const MRP_ENTRIES: usize = 32;

/// One domain's PoD state (Xen's `struct p2m_domain::pod`), behind the pod lock.
#[derive(Debug)]
struct PodState {
    /// Cached 2 MiB blocks (`pod.super`).
    super_pages: Vec<Mfn>,
    /// Cached 4 KiB frames (`pod.single`).
    single: Vec<Mfn>,
    /// Frames in the cache (`pod.count`).
    count: u64,
    /// PoD entries in the p2m, in frames (`pod.entry_count`).
    entry_count: u64,
    /// Where the emergency sweep goes on from (`pod.reclaim_single`).
    reclaim_single: u64,
    /// The highest gfn a guest fault populated (`pod.max_guest`).
    max_guest: u64,
    /// Recently populated gfns, and whether each was a superpage (`pod.mrp`).
    mrp: [Option<(u64, bool)>; MRP_ENTRIES],
    mrp_idx: usize,
}

/// What [`Pod::demand_populate`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Populated {
    /// The entry is now RAM: retry the access.
    Done,
    /// The entry was split into smaller PoD entries (1 GiB into 2 MiB, or 2 MiB into 4 KiB when
    /// the cache has no superpage): retry, which faults again on the smaller entry.
    Split,
    /// No frame could be found even after a sweep: crash the domain ("out of PoD memory").
    OutOfMemory,
    /// The domain is dying: nothing is populated.
    Dying,
}

/// The answer of XENMEM_get_pod_target (`xen_pod_target` without the domid).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PodTarget {
    /// The domain's frames.
    pub tot_pages: u64,
    /// Frames in the cache.
    pub pod_cache_pages: u64,
    /// PoD entries.
    pub pod_entries: u64,
}

/// A domain's populate-on-demand state.
pub struct Pod {
    state: Mutex<PodState>,
}

impl Default for Pod {
    fn default() -> Self {
        Self::new()
    }
}

fn all_zero(frames: &impl FrameAccess, mfn: Mfn, words: usize) -> bool {
    (0..words).all(|i| frames.read_u64(mfn, i) == 0)
}

impl Pod {
    /// No cache, no entries.
    pub fn new() -> Self {
        Pod {
            state: Mutex::new(
                POD,
                PodState {
                    super_pages: Vec::new(),
                    single: Vec::new(),
                    count: 0,
                    entry_count: 0,
                    reclaim_single: 0,
                    max_guest: 0,
                    mrp: [None; MRP_ENTRIES],
                    mrp_idx: 0,
                },
            ),
        }
    }

    /// The cache size and the PoD entries (frames).
    pub fn counts(&self) -> (u64, u64) {
        let st = self.state.lock();
        (st.count, st.entry_count)
    }

    /// XENMEM_get_pod_target.
    pub fn get_mem_target(&self, d: &DomainMemory) -> PodTarget {
        let st = self.state.lock();
        PodTarget {
            tot_pages: d.tot_pages(),
            pod_cache_pages: st.count,
            pod_entries: st.entry_count,
        }
    }

    /// Adds frames the domain holds to the cache: zeroes them (frames from the heap or the
    /// balloon are not promised to be zero, and a PoD page must read as zero) and takes them off
    /// the domain's page list (`p2m_pod_cache_add`). Any order is taken, as 2 MiB pieces where the
    /// block has them and 4 KiB frames otherwise (Xen BUGs on orders other than 0, 9 and 18, which
    /// a guest's decrease_reservation can reach).
    fn cache_add<F: FrameAccess>(
        st: &mut PodState,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        mfn: Mfn,
        order: u32,
    ) -> Result<(), Errno> {
        heap.detach_pages(d, mfn, order)?;
        for i in 0..1u64 << order {
            heap.frames().zero_frame(mfn + i);
        }
        if order >= PAGE_ORDER_2M {
            let supers = (0..1u64 << order).step_by(SUPERPAGE_PAGES as usize);
            st.super_pages.extend(supers.map(|i| mfn + i));
        } else {
            st.single.extend((0..1u64 << order).map(|i| mfn + i));
        }
        st.count += 1 << order;
        Ok(())
    }

    /// Takes a 4 KiB or 2 MiB piece from the cache, breaking a superpage for a 4 KiB request if
    /// needed, and puts it back on the domain's page list (`p2m_pod_cache_get`). `None` for a
    /// superpage when none is cached, or when the cache is empty.
    fn cache_get<F: FrameAccess>(
        st: &mut PodState,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        order: u32,
    ) -> Option<Mfn> {
        let mfn = match order {
            PAGE_ORDER_2M => st.super_pages.pop()?,
            PAGE_ORDER_4K => {
                if st.single.is_empty() {
                    // Break a cached superpage into singles; count does not change.
                    let big = st.super_pages.pop()?;
                    st.single
                        .extend((0..SUPERPAGE_PAGES).rev().map(|i| big + i));
                }
                st.single.pop()?
            }
            _ => return None,
        };
        st.count -= 1 << order;
        heap.attach_pages(d, mfn, order).ok()?;
        Some(mfn)
    }

    /// Grows the cache to `target` frames (the growing half of `p2m_pod_set_cache_target`): with
    /// 2 MiB allocations where it can, 4 KiB otherwise (`ENOMEM` when neither is possible),
    /// asking `preempt` between steps (`ERESTART`). Nothing happens at or above the target.
    fn grow_cache<F: FrameAccess>(
        st: &mut PodState,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        target: u64,
        mut preempt: impl FnMut() -> bool,
    ) -> Result<(), Errno> {
        while target > st.count {
            let want = if target - st.count >= SUPERPAGE_PAGES {
                PAGE_ORDER_2M
            } else {
                PAGE_ORDER_4K
            };
            let request = crate::buddy::AllocRequest::default();
            let (mfn, order) = match heap.alloc_domheap_pages(d, want, &request) {
                Ok(m) => (m, want),
                Err(_) if want == PAGE_ORDER_2M => (
                    heap.alloc_domheap_pages(d, PAGE_ORDER_4K, &request)?,
                    PAGE_ORDER_4K,
                ),
                Err(e) => return Err(e),
            };
            Self::cache_add(st, heap, d, mfn, order)?;
            if target != st.count && preempt() {
                return Err(Errno::ERESTART);
            }
        }
        Ok(())
    }

    /// Shrinks the cache to `target` frames by freeing cached frames (the shrinking half of
    /// `p2m_pod_set_cache_target`). Nothing happens at or below the target. Not preemptible:
    /// only decrease_reservation shrinks the cache, and Xen's asks for it without preemption.
    fn shrink_cache<F: FrameAccess>(
        st: &mut PodState,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        target: u64,
    ) -> Result<(), Errno> {
        while target < st.count {
            let order = if st.count - target > SUPERPAGE_PAGES && !st.super_pages.is_empty() {
                PAGE_ORDER_2M
            } else {
                PAGE_ORDER_4K
            };
            let mfn = Self::cache_get(st, heap, d, order).ok_or(Errno::EINVAL)?;
            heap.free_domheap_pages(d, mfn, order)?;
        }
        Ok(())
    }

    /// XENMEM_set_pod_target (`p2m_pod_set_mem_target`): `target` is the balloon target in frames.
    /// `EINVAL` above `max_pages`. Grows the cache toward the frames the guest may still touch;
    /// never shrinks it (the balloon driver gives frames back through decrease_reservation).
    pub fn set_mem_target<F: FrameAccess>(
        &self,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        target: u64,
        preempt: impl FnMut() -> bool,
    ) -> Result<(), Errno> {
        if target > d.max_pages() {
            return Err(Errno::EINVAL);
        }
        let mut st = self.state.lock();
        let tot = d.tot_pages();
        let populated = tot - st.count;
        if (populated > 0 && st.entry_count == 0) || d.is_dying() || target < tot {
            return Ok(());
        }
        let mut pod_target = target - populated;
        if populated > 0 {
            // B < T': the cache need not outgrow the entries left; the balloon fills the rest.
            pod_target = pod_target.min(st.entry_count);
        }
        // P <= T' here (Xen ASSERTs pod_target >= count): the cache only grows.
        Self::grow_cache(&mut st, heap, d, pod_target, preempt)
    }

    /// Marks `2^order` gfns populate-on-demand (`guest_physmap_mark_populate_on_demand`): `EBUSY`
    /// if any of them is RAM; PoD entries already there are counted once. The gfn must be aligned
    /// to the order (`EINVAL` otherwise; the hypercall layer checks extents before they get here).
    pub fn mark_populate_on_demand<Fmt: P2mFormat, F: FrameAccess>(
        &self,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        gfn: Gfn,
        order: u32,
    ) -> Result<(), Errno> {
        let size = 1u64.checked_shl(order).ok_or(Errno::EINVAL)?;
        if !gfn.0.is_multiple_of(size) {
            return Err(Errno::EINVAL);
        }
        let mut already = 0u64;
        let mut i = 0;
        // Aligned, so each entry met lies within the range or covers all of it.
        while i < size {
            let found = p2m.get_entry(heap, gfn + i);
            let n = 1u64 << found.order.min(order);
            if found.p2mt.is_ram() {
                return Err(Errno::EBUSY);
            }
            if found.p2mt == P2mType::PopulateOnDemand {
                already += n;
            }
            i += n;
        }
        p2m.set_entry(
            heap,
            gfn,
            None,
            order,
            P2mType::PopulateOnDemand,
            P2mAccess::Rwx,
        )?;
        let mut st = self.state.lock();
        st.entry_count = st.entry_count + size - already;
        Ok(())
    }

    /// The PoD part of decrease_reservation (`p2m_pod_decrease_reservation`): PoD entries in the
    /// range become invalid; while the guest has more PoD entries than cache, its RAM in the range
    /// is stolen into the cache instead of being freed. Returns whether the whole range was dealt
    /// with (the caller frees nothing more). The gfn must be aligned to the order (`EINVAL`).
    pub fn decrease_reservation<Fmt: P2mFormat, F: FrameAccess>(
        &self,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        gfn: Gfn,
        order: u32,
    ) -> Result<bool, Errno> {
        let size = 1u64.checked_shl(order).ok_or(Errno::EINVAL)?;
        if !gfn.0.is_multiple_of(size) {
            return Err(Errno::EINVAL);
        }
        let mut st = self.state.lock();
        if st.entry_count == 0 || d.is_dying() {
            return Ok(false);
        }
        let mut steal = st.entry_count > st.count;
        // Aligned, so each entry met lies within the range or covers all of it.
        let step = |p2m: &P2mLocked<'_, Fmt>, i: u64| {
            let found = p2m.get_entry(heap, gfn + i);
            (found, 1u64 << found.order.min(order))
        };
        let (mut pod, mut nonpod, mut ram) = (0u64, 0u64, 0u64);
        let mut i = 0;
        while i < size {
            let (found, n) = step(p2m, i);
            if found.p2mt == P2mType::PopulateOnDemand {
                pod += n;
            } else {
                nonpod += n;
                if found.p2mt.is_ram() {
                    ram += n;
                }
            }
            i += n;
        }
        if pod == 0 && !steal {
            return Ok(false);
        }
        // A balloon driver usually returns single pages: if the whole superpage around them is
        // zero, take all of it back and mark the rest PoD.
        let superpage = gfn.0 & !(SUPERPAGE_PAGES - 1);
        if steal
            && order < PAGE_ORDER_2M
            && ram == size
            && Self::zero_check_superpage(&mut st, p2m, heap, d, superpage)
        {
            // The range is PoD entries now, which the loop below drops.
            nonpod = 0;
        }
        let mut i = 0;
        while i < size {
            let (found, n) = step(p2m, i);
            let piece_order = n.trailing_zeros();
            if found.p2mt == P2mType::PopulateOnDemand {
                p2m.set_entry(
                    heap,
                    gfn + i,
                    None,
                    piece_order,
                    P2mType::Invalid,
                    P2mAccess::Rwx,
                )?;
                st.entry_count -= n;
            } else if steal && found.p2mt.is_ram() {
                let mfn = found.mfn.ok_or(Errno::EINVAL)?;
                p2m.set_entry(
                    heap,
                    gfn + i,
                    None,
                    piece_order,
                    P2mType::Invalid,
                    P2mAccess::Rwx,
                )?;
                Self::cache_add(&mut st, heap, d, mfn, piece_order)?;
                steal = st.entry_count > st.count;
                nonpod -= n;
            }
            i += n;
        }
        // Fewer liabilities than assets: give the surplus cache back.
        let entries = st.entry_count;
        Self::shrink_cache(&mut st, heap, d, entries)?;
        Ok(nonpod == 0)
    }

    /// Zero-checks RAM frames and reclaims the zero ones as PoD entries backed by the cache
    /// (`p2m_pod_zero_check`): each candidate is switched to PoD first, then checked for extra
    /// references and scanned in full; any failure restores the old mapping.
    fn zero_check<Fmt: P2mFormat, F: FrameAccess>(
        st: &mut PodState,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        gfns: &[u64],
    ) {
        for &g in gfns {
            // Busy gfns are skipped, not waited for (see the module's locking note).
            let Some(_gfn_lock) = p2m.try_lock_gfn(Gfn(g)) else {
                continue;
            };
            let found = p2m.get_entry(heap, Gfn(g));
            let Some(mfn) = found.mfn else { continue };
            let owned =
                heap.with_buddy(|b| b.owner(mfn) == Some(d.domid()) && b.refcount(mfn) <= 1);
            if !found.p2mt.is_ram() || !owned || !all_zero(heap.frames(), mfn, 16) {
                continue;
            }
            if p2m
                .set_entry(
                    heap,
                    Gfn(g),
                    None,
                    0,
                    P2mType::PopulateOnDemand,
                    P2mAccess::Rwx,
                )
                .is_err()
            {
                continue;
            }
            let referenced = heap.with_buddy(|b| b.refcount(mfn) > 1);
            if referenced
                || !all_zero(heap.frames(), mfn, WORDS_PER_FRAME)
                || Self::cache_add(st, heap, d, mfn, 0).is_err()
            {
                let _ = p2m.set_entry(heap, Gfn(g), Some(mfn), 0, found.p2mt, found.access);
                continue;
            }
            st.entry_count += 1;
        }
    }

    /// Reclaims a whole zero 2 MiB superpage (`p2m_pod_zero_check_superpage`): the 512 gfns at
    /// the aligned `gfn` must be RAM of one type, backed by 512 contiguous, aligned frames the
    /// domain owns with no extra reference. The range is switched to PoD first, then re-checked for
    /// references and scanned in full; any failure restores the old mapping. Returns whether it
    /// reclaimed.
    fn zero_check_superpage<Fmt: P2mFormat, F: FrameAccess>(
        st: &mut PodState,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        gfn: u64,
    ) -> bool {
        if !gfn.is_multiple_of(SUPERPAGE_PAGES) {
            return false;
        }
        // One gfn lock covers the 2 MiB region; a busy one is skipped, not waited for.
        let Some(_gfn_lock) = p2m.try_lock_gfn(Gfn(gfn)) else {
            return false;
        };
        let first = p2m.get_entry(heap, Gfn(gfn));
        let Some(mfn0) = first.mfn else { return false };
        if !first.p2mt.is_ram() || !mfn0.0.is_multiple_of(SUPERPAGE_PAGES) {
            return false;
        }
        for i in 0..SUPERPAGE_PAGES {
            let found = p2m.get_entry(heap, Gfn(gfn + i));
            let fits = found.p2mt == first.p2mt && found.mfn == Some(mfn0 + i);
            let owned = heap
                .with_buddy(|b| b.owner(mfn0 + i) == Some(d.domid()) && b.refcount(mfn0 + i) <= 1);
            if !fits || !owned || !all_zero(heap.frames(), mfn0 + i, 16) {
                return false;
            }
        }
        let order = PAGE_ORDER_2M;
        if p2m
            .set_entry(
                heap,
                Gfn(gfn),
                None,
                order,
                P2mType::PopulateOnDemand,
                P2mAccess::Rwx,
            )
            .is_err()
        {
            return false;
        }
        let clean = (0..SUPERPAGE_PAGES).all(|i| {
            heap.with_buddy(|b| b.refcount(mfn0 + i) <= 1)
                && all_zero(heap.frames(), mfn0 + i, WORDS_PER_FRAME)
        });
        if !clean || Self::cache_add(st, heap, d, mfn0, order).is_err() {
            let _ = p2m.set_entry(heap, Gfn(gfn), Some(mfn0), order, first.p2mt, first.access);
            return false;
        }
        st.entry_count += SUPERPAGE_PAGES;
        true
    }

    /// Scans back from the reclaim point for zero RAM frames, 16 at a time, up to 1024 gfns past
    /// it once something was found (`p2m_pod_emergency_sweep`).
    fn emergency_sweep<Fmt: P2mFormat, F: FrameAccess>(
        st: &mut PodState,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
    ) {
        if st.reclaim_single == 0 {
            st.reclaim_single = st.max_guest;
        }
        let start = st.reclaim_single;
        let limit = start.saturating_sub(POD_SWEEP_LIMIT);
        let mut batch = Vec::with_capacity(POD_SWEEP_STRIDE);
        let mut i = start;
        while i > 0 {
            if p2m.get_entry(heap, Gfn(i)).p2mt.is_ram() {
                batch.push(i);
                if batch.len() == POD_SWEEP_STRIDE {
                    Self::zero_check(st, p2m, heap, d, &batch);
                    batch.clear();
                }
            }
            if i < limit && st.count > 0 {
                break;
            }
            i -= 1;
        }
        Self::zero_check(st, p2m, heap, d, &batch);
        st.reclaim_single = i.saturating_sub(1);
    }

    /// Checks the most recently populated gfns for zero pages (`pod_eager_reclaim`): one always,
    /// more while the cache is empty.
    fn eager_reclaim<Fmt: P2mFormat, F: FrameAccess>(
        st: &mut PodState,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
    ) {
        let mut i = 0;
        loop {
            let idx = (st.mrp_idx + i) % MRP_ENTRIES;
            i += 1;
            if let Some((gfn, superpage)) = st.mrp[idx].take() {
                if !(superpage && Self::zero_check_superpage(st, p2m, heap, d, gfn)) {
                    let count = if superpage { SUPERPAGE_PAGES } else { 1 };
                    let gfns: Vec<u64> = (gfn..gfn + count).collect();
                    Self::zero_check(st, p2m, heap, d, &gfns);
                }
            }
            if st.count > 0 || i >= MRP_ENTRIES {
                break;
            }
        }
    }

    /// Fills the PoD entry of `order` at `gfn` from the cache (`p2m_pod_demand_populate`): a
    /// 1 GiB entry is remapped as 2 MiB entries, a 2 MiB one as 4 KiB entries when no superpage is
    /// cached; an empty cache is refilled by eager reclaim and then an emergency sweep; if it is
    /// still empty the domain is out of PoD memory and must be crashed.
    pub fn demand_populate<Fmt: P2mFormat, F: FrameAccess>(
        &self,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        d: &DomainMemory,
        gfn: Gfn,
        order: u32,
    ) -> Result<Populated, Errno> {
        let aligned = Gfn(gfn.0 & !((1u64 << order) - 1));
        let mut st = self.state.lock();
        if d.is_dying() {
            return Ok(Populated::Dying);
        }
        if order == PAGE_ORDER_1G {
            // Writing one 2 MiB PoD entry shatters the 1 GiB one into 512 of them.
            p2m.set_entry(
                heap,
                aligned,
                None,
                PAGE_ORDER_2M,
                P2mType::PopulateOnDemand,
                P2mAccess::Rwx,
            )?;
            return Ok(Populated::Split);
        }
        if st.entry_count > st.count {
            Self::eager_reclaim(&mut st, p2m, heap, d);
        }
        if st.count == 0 {
            Self::emergency_sweep(&mut st, p2m, heap, d);
        }
        if st.count == 0 {
            return Ok(Populated::OutOfMemory);
        }
        st.max_guest = st.max_guest.max(gfn.0);
        let Some(mfn) = Self::cache_get(&mut st, heap, d, order) else {
            // No superpage cached: remap the 2 MiB entry as 4 KiB ones (writing one splits it into
            // 512, each keeping the PoD type).
            p2m.set_entry(
                heap,
                aligned,
                None,
                PAGE_ORDER_4K,
                P2mType::PopulateOnDemand,
                P2mAccess::Rwx,
            )?;
            return Ok(Populated::Split);
        };
        p2m.set_entry(
            heap,
            aligned,
            Some(mfn),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )?;
        for i in 0..1u64 << order {
            p2m.mark_dirty(aligned + i);
        }
        st.entry_count -= 1 << order;
        let idx = st.mrp_idx;
        st.mrp[idx] = Some((aligned.0, order == PAGE_ORDER_2M));
        st.mrp_idx = (idx + 1) % MRP_ENTRIES;
        Ok(Populated::Done)
    }

    /// Maps 2^order frames from `mfn` at `gfn` as `p2mt` (Xen's `guest_physmap_add_page` ->
    /// `p2m_add_page`): PoD entries it replaces leave `entry_count`; what was mapped before stays
    /// the domain's, unmapped, as in Xen. Grant and foreign entries are not replaced this way
    /// (`EINVAL`; Xen also crashes the domain).
    pub fn physmap_add_page<Fmt: P2mFormat, F: FrameAccess>(
        &self,
        p2m: &mut P2mLocked<'_, Fmt>,
        heap: &DomHeap<F>,
        gfn: Gfn,
        mfn: Mfn,
        order: u32,
        p2mt: P2mType,
    ) -> Result<(), Errno> {
        if order > PAGE_ORDER_1G || !gfn.0.is_multiple_of(1 << order) {
            return Err(Errno::EINVAL);
        }
        let mut pod_count = 0u64;
        let mut i = 0u64;
        while i < 1 << order {
            let found = p2m.get_entry(heap, gfn + i);
            // Aligned, so the leaf (or empty slot) found lies within the range or covers all
            // of it, and has one type throughout.
            let span = 1u64 << found.order.min(order);
            match found.p2mt {
                P2mType::PopulateOnDemand => pod_count += span,
                P2mType::GrantMapRw | P2mType::GrantMapRo | P2mType::MapForeign => {
                    return Err(Errno::EINVAL);
                }
                _ => {}
            }
            i += span;
        }
        p2m.set_entry(heap, gfn, Some(mfn), order, p2mt, P2mAccess::Rwx)?;
        let mut st = self.state.lock();
        st.entry_count -= pod_count;
        Ok(())
    }

    /// Empties the cache of a dying domain (`p2m_pod_empty_cache`); its frames stay the domain's
    /// and are freed with the rest of its memory.
    pub fn empty_cache(&self, d: &DomainMemory) -> Result<(), Errno> {
        if !d.is_dying() {
            return Err(Errno::EINVAL);
        }
        let mut st = self.state.lock();
        st.super_pages.clear();
        st.single.clear();
        st.count = 0;
        Ok(())
    }

    /// Checks Xen's PoD invariants against the p2m and the domain: the PoD entries counted are the
    /// p2m's PoD frames; the cache holds `count` frames, all detached from the domain's list;
    /// `P = tot_pages - count` is not negative.
    // The tests' oracle: a weaker check changes no behaviour, and the tests cannot corrupt the
    // state it checks through the public interface to see each check fire.
    #[cfg_attr(test, mutants::skip)]
    pub fn check_invariants<Fmt: P2mFormat>(
        &self,
        p2m: &P2mLocked<'_, Fmt>,
        d: &DomainMemory,
    ) -> Result<(), &'static str> {
        let st = self.state.lock();
        if st.entry_count != p2m.type_pages(P2mType::PopulateOnDemand) {
            return Err("entry_count is not the p2m's PoD frames");
        }
        let cached = st.single.len() as u64 + st.super_pages.len() as u64 * SUPERPAGE_PAGES;
        if cached != st.count {
            return Err("count is not the cache's frames");
        }
        if d.detached_pages() != st.count {
            return Err("cached frames are not exactly the domain's detached frames");
        }
        // P = tot_pages - count must not underflow. Xen's `B <= M` is not checked: its M is
        // the toolstack's static maximum (maxmem), which the hypervisor never learns; max_pages
        // is libxl's target + LIBXL_MAXMEM_CONSTANT, and a PoD domain's entries reach maxmem.
        d.tot_pages()
            .checked_sub(st.count)
            .ok_or("tot_pages < count")?;
        Ok(())
    }
}

/// PoD as the p2m's [`PodHook`](crate::p2m::PodHook): what a lookup with `P2M_ALLOC` calls when it
/// reaches a PoD entry (Xen's `p2m_get_entry` -> `p2m_pod_demand_populate`). It takes the gfn's
/// lock and then the p2m lock itself (the lookup has released it) and retries after remaps until
/// the frame is populated.
pub struct PodFiller<'a, Fmt: P2mFormat, F: FrameAccess> {
    /// The domain's PoD state.
    pub pod: &'a Pod,
    /// Its p2m.
    pub p2m: &'a crate::p2m::P2m<Fmt>,
    /// The heap.
    pub heap: &'a DomHeap<F>,
    /// The domain.
    pub d: &'a DomainMemory,
}

impl<Fmt: P2mFormat, F: FrameAccess> crate::p2m::PodHook for PodFiller<'_, Fmt, F> {
    fn demand_populate(&self, gfn: Gfn, _order: u32) -> bool {
        // The faulting gfn's lock first: sweeps on other vCPUs then leave this region alone.
        let _gfn_lock = self.p2m.lock_gfn(gfn);
        // Each remap makes the entry smaller: at most 1 GiB -> 2 MiB -> 4 KiB, then populate.
        for _ in 0..3 {
            let mut p2m = self.p2m.locked();
            let found = p2m.get_entry(self.heap, gfn);
            if found.p2mt != P2mType::PopulateOnDemand {
                return found.p2mt.is_ram();
            }
            match self
                .pod
                .demand_populate(&mut p2m, self.heap, self.d, gfn, found.order)
            {
                Ok(Populated::Done) => return true,
                Ok(Populated::Split) => continue,
                _ => return false,
            }
        }
        false
    }
}
