//! The p2m: each guest frame's machine frame, type and access, kept in the real hardware tables the
//! CPU walks (AMD nested paging or Intel EPT), in frames from the domain heap. After Xen's
//! xen/arch/x86/mm/p2m.c, p2m-pt.c and p2m-ept.c.
//!
//! - Mappings are 4 KiB, 2 MiB or 1 GiB leaves. Changing part of a superpage splits it; replacing a
//!   range with a larger leaf frees the tables under it; a table that becomes empty is freed.
//! - The type lives in the entry's software bits, so the hardware entry alone says what a frame is.
//! - Global type changes are lazy (see [`recalc`]): marking the top entries is O(their number), and
//!   each entry is recalculated on its next access (the fault path) or before it is changed.
//! - Counters of stored types (in frames) are kept on every change, as Xen's `p2m_entry_modify` keeps
//!   the ioreq-server entry count; stale entries awaiting recalculation count as what they store.
//!
//! Lock order: a gfn lock (level 12, [`gfn_lock`]) before the p2m lock (level 16), which is taken
//! before the heap lock (table frames) and never inside it. Lookups take the p2m lock too, except
//! [`P2m::get_entry_unlocked`].

pub mod ept;
pub mod fault;
pub mod format;
pub mod gfn_lock;
pub mod ioreq;
pub mod logdirty;
pub mod npt;
pub mod recalc;
pub mod typechange;
pub mod types;

use core::marker::PhantomData;

use alloc::vec::Vec;

use crate::epoch::Epochs;
use crate::errno::Errno;
use crate::frame::{FrameAccess, Gfn, Mfn};
use crate::lock_order::P2M;
use crate::sync::Mutex;
use format::{Entry, P2mFormat, ENTRIES, LEVELS};
use recalc::RecalcState;
use types::{P2mAccess, P2mType};

/// Orders a mapping may have: 4 KiB, 2 MiB, 1 GiB.
pub const PAGE_ORDER_4K: u32 = 0;
/// 2 MiB.
pub const PAGE_ORDER_2M: u32 = 9;
/// 1 GiB.
pub const PAGE_ORDER_1G: u32 = 18;

/// Where table frames come from: the heap, as frames owned by no domain.
pub trait TableFrames: FrameAccess {
    /// A zeroed frame for a table.
    fn alloc_table(&self) -> Result<Mfn, Errno>;
    /// Returns a table frame.
    fn free_table(&self, mfn: Mfn);
}

impl<F: FrameAccess> FrameAccess for crate::heap::DomHeap<F> {
    fn zero_frame(&self, mfn: Mfn) {
        self.frames().zero_frame(mfn)
    }
    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        self.frames().read_u64(mfn, index)
    }
    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        self.frames().write_u64(mfn, index, value)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, index: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.frames().compare_exchange_u64(mfn, index, cur, new)
    }
    fn fetch_or_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.frames().fetch_or_u64(mfn, index, bits)
    }
    fn fetch_and_not_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.frames().fetch_and_not_u64(mfn, index, bits)
    }
}

impl<F: FrameAccess> TableFrames for crate::heap::DomHeap<F> {
    fn alloc_table(&self) -> Result<Mfn, Errno> {
        self.alloc_anonymous(0, &crate::buddy::AllocRequest::default())
    }
    fn free_table(&self, mfn: Mfn) {
        self.free_anonymous(mfn, 0)
            .expect("p2m table frames come from alloc_anonymous");
    }
}

/// Query flags of a lookup (Xen's `P2M_ALLOC`, `P2M_UNSHARE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Populate a populate-on-demand entry (and page in a paged one) before answering.
    pub alloc: bool,
    /// Unshare a shared frame (implies `alloc`); xen-rs has no sharing, so it only implies `alloc`.
    pub unshare: bool,
}

impl Query {
    /// Xen's `P2M_ALLOC`.
    pub const ALLOC: Query = Query {
        alloc: true,
        unshare: false,
    };
}

/// What fills a populate-on-demand entry when a lookup with [`Query::ALLOC`] reaches one (Xen's
/// `p2m_pod_demand_populate`, reached from `p2m_get_entry`). The PoD code implements it.
pub trait PodHook {
    /// Backs the PoD entry of `order` that covers `gfn` (the gfn looked up) with memory; `false` if
    /// it could not (the domain is then out of PoD memory and the caller crashes it).
    fn demand_populate(&self, gfn: Gfn, order: u32) -> bool;
}

/// The p2m with its lock held ([`P2m::locked`]).
pub struct P2mLocked<'a, Fmt: P2mFormat> {
    p2m: &'a P2m<Fmt>,
    st: crate::sync::MutexGuard<'a, P2mState>,
}

impl<'a, Fmt: P2mFormat> P2mLocked<'a, Fmt> {
    /// [`P2m::set_entry`], under the held lock.
    pub fn set_entry(
        &mut self,
        mem: &impl TableFrames,
        gfn: Gfn,
        mfn: Option<Mfn>,
        order: u32,
        p2mt: P2mType,
        access: P2mAccess,
    ) -> Result<(), Errno> {
        self.p2m
            .set_entry_locked(&mut self.st, mem, gfn, mfn, order, p2mt, access)
    }

    /// [`P2m::get_entry`], under the held lock.
    pub fn get_entry(&self, mem: &impl FrameAccess, gfn: Gfn) -> Lookup {
        self.p2m.lookup(&self.st, mem, gfn.0)
    }

    /// Tries `gfn`'s lock from inside the p2m lock, where waiting for it could deadlock: `None`
    /// when it is busy, and the caller must leave the gfn alone.
    pub fn try_lock_gfn(&self, gfn: Gfn) -> Option<gfn_lock::GfnGuard<'a>> {
        self.p2m.gfn_locks.try_lock(gfn)
    }

    /// Frames of a stored type.
    pub fn type_pages(&self, p2mt: P2mType) -> u64 {
        self.st.type_pages[p2mt as usize]
    }

    /// [`P2m::mark_dirty`], under the held lock.
    pub fn mark_dirty(&mut self, gfn: Gfn) {
        let ld = &mut self.st.logdirty;
        if ld.enabled && ld.dirty.insert(gfn.0) {
            ld.dirty_count += 1;
        }
    }
}

/// What a lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The machine frame backing the guest frame, if its type has one.
    pub mfn: Option<Mfn>,
    /// The type, after any pending recalculation.
    pub p2mt: P2mType,
    /// The access rights.
    pub access: P2mAccess,
    /// The order of the mapping that covers the frame (0 for an unmapped frame).
    pub order: u32,
}

/// What Xen's get_entry answers for a gfn nothing maps: p2m_mmio_dm (accesses go to the device
/// model), access n.
const UNMAPPED: Lookup = Lookup {
    mfn: None,
    p2mt: P2mType::MmioDm,
    access: P2mAccess::N,
    order: 0,
};

/// Where a walk ended.
enum Walked {
    /// Nothing maps the gfn.
    Unmapped,
    /// A leaf maps it; `pending` if a type change was marked on the way (its type is stale).
    Leaf { found: Lookup, pending: bool },
}

/// Which superpage sizes the CPU supports (Xen's `hap_has_2mb` / `hap_has_1gb`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Superpages {
    /// 2 MiB leaves.
    pub two_mb: bool,
    /// 1 GiB leaves.
    pub one_gb: bool,
}

/// What the p2m lock protects besides the tables themselves.
pub(crate) struct P2mState {
    /// The highest gfn ever mapped (Xen's `max_mapped_pfn`).
    pub(crate) max_mapped_pfn: Option<u64>,
    /// Frames of each stored type (index: Xen's type number); `Invalid` is not counted.
    pub(crate) type_pages: [u64; 16],
    /// Table frames, the root included.
    tables: u64,
    /// What recalculation derives types from (log-dirty ranges, the mapped ioreq server).
    pub(crate) recalc: RecalcState,
    /// The ioreq server mapped to the `ioreq_server` type (Xen's `p2m->ioreq`).
    pub(crate) ioreq: Option<ioreq::IoreqMapping>,
    /// Log-dirty tracking (Xen's paging log-dirty state).
    pub(crate) logdirty: logdirty::LogDirty,
    /// Table frames unlinked from the tree, with their retire tags, waiting until no lock-free
    /// reader can reach them.
    limbo: Vec<(Mfn, u64)>,
    /// Set by [`P2m::teardown`]: every table, the root included, is retired.
    torn_down: bool,
}

/// A p2m in the `Fmt` hardware format.
pub struct P2m<Fmt: P2mFormat> {
    root: Mfn,
    /// The highest gfn the guest's physical address width allows.
    max_gfn: u64,
    superpages: Superpages,
    state: Mutex<P2mState>,
    /// Readers that take no lock ([`P2m::get_entry_unlocked`]).
    epochs: Epochs,
    /// Per-gfn locks, taken before the p2m lock ([`gfn_lock`]).
    gfn_locks: gfn_lock::GfnLocks,
    /// Set (under the p2m lock) before [`P2m::teardown`] retires the root: lock-free walks that
    /// start later see nothing mapped. A plain core atomic, not one loom models: every walk
    /// reads it, and the loom models of walks and sweeps would otherwise exceed loom's branch
    /// budget; teardown is not what they check.
    dead: core::sync::atomic::AtomicBool,
    /// Bumped whenever an entry is changed in a way a CPU's cached translations could outlive
    /// (a mapping replaced or removed, a type change marked): vCPUs running on this p2m flush
    /// their guest TLB when it moved (Xen's `p2m_tlb_flush` / `guest_flush_tlb_mask`). A plain
    /// core atomic for the same reason as `dead`.
    tlb_generation: core::sync::atomic::AtomicU64,
    _format: PhantomData<fn() -> Fmt>,
}

/// Frames mapped by one entry at `level`.
const fn level_frames(level: u32) -> u64 {
    1 << (9 * level)
}

const fn index_at(gfn: u64, level: u32) -> usize {
    ((gfn >> (9 * level)) & (ENTRIES as u64 - 1)) as usize
}

impl<Fmt: P2mFormat> P2m<Fmt> {
    /// An empty p2m, its root table taken from `mem`. Four levels map 48 bits of guest-physical
    /// address space (2^36 frames), as Xen's p2m-pt.c and p2m-ept.c do.
    pub fn new(mem: &impl TableFrames, superpages: Superpages) -> Result<Self, Errno> {
        let root = mem.alloc_table()?;
        Ok(P2m {
            root,
            max_gfn: (1 << 36) - 1,
            superpages,
            state: Mutex::new(
                P2M,
                P2mState {
                    max_mapped_pfn: None,
                    type_pages: [0; 16],
                    tables: 1,
                    recalc: RecalcState::default(),
                    ioreq: None,
                    logdirty: logdirty::LogDirty::default(),
                    limbo: Vec::new(),
                    torn_down: false,
                },
            ),
            epochs: Epochs::new(),
            gfn_locks: gfn_lock::GfnLocks::new(),
            dead: core::sync::atomic::AtomicBool::new(false),
            tlb_generation: core::sync::atomic::AtomicU64::new(0),
            _format: PhantomData,
        })
    }

    /// Takes the p2m lock.
    pub(crate) fn lock(&self) -> crate::sync::MutexGuard<'_, P2mState> {
        self.state.lock()
    }

    /// The root table (what the VMCB's nCR3 or the EPTP points at).
    pub fn root(&self) -> Mfn {
        self.root
    }

    /// The highest gfn this p2m accepts.
    pub fn max_gfn(&self) -> u64 {
        self.max_gfn
    }

    /// The highest gfn ever mapped, if any.
    pub fn max_mapped_pfn(&self) -> Option<u64> {
        self.state.lock().max_mapped_pfn
    }

    /// Frames of a stored type (pending recalculations not applied).
    pub fn type_pages(&self, p2mt: P2mType) -> u64 {
        self.state.lock().type_pages[p2mt as usize]
    }

    /// Table frames in use, the root included.
    pub fn table_frames(&self) -> u64 {
        self.state.lock().tables
    }

    /// Maps 2^order guest frames from `gfn` to `mfn` (or to nothing, for types without a frame) with
    /// `p2mt` and `access`; `P2mType::Invalid` with no frame unmaps. As Xen's `p2m_set_entry`, the
    /// range is cut into the largest 1 GiB, 2 MiB and 4 KiB pieces that the alignment of gfn, mfn and
    /// the remaining size allow (`ioreq_server` entries are always 4 KiB, as Xen requires).
    ///
    /// Bad input changes nothing: a range beyond the four levels gets the format's errno (Xen: EPT
    /// `-EINVAL`, NPT `-ENOENT`); a frame where the type has none, none where it needs one, or a frame
    /// range beyond 52 address bits is `-EINVAL`. `-ENOMEM` (no table frame) stops the walk; as in
    /// Xen the pieces before it stay mapped and the caller must deal with partial success.
    pub fn set_entry(
        &self,
        mem: &impl TableFrames,
        gfn: Gfn,
        mfn: Option<Mfn>,
        order: u32,
        p2mt: P2mType,
        access: P2mAccess,
    ) -> Result<(), Errno> {
        let mut st = self.lock();
        self.set_entry_locked(&mut st, mem, gfn, mfn, order, p2mt, access)
    }

    /// Takes `gfn`'s lock (before the p2m lock). While it is held no PoD sweep reclaims the gfn's
    /// frame; changes that go through the p2m lock alone (decrease_reservation, type changes) are
    /// still possible, as under Xen's `gfn_lock`, which is the p2m lock.
    pub fn lock_gfn(&self, gfn: Gfn) -> gfn_lock::GfnGuard<'_> {
        self.gfn_locks.lock(gfn)
    }

    /// Takes the p2m lock and returns a handle for changes made under it: code that must hold the
    /// p2m lock around other locks (populate-on-demand takes the pod lock inside it) works through
    /// the handle instead of taking the p2m lock again (Xen's p2m lock is recursive for that).
    pub fn locked(&self) -> P2mLocked<'_, Fmt> {
        P2mLocked {
            p2m: self,
            st: self.lock(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn set_entry_locked(
        &self,
        st: &mut P2mState,
        mem: &impl TableFrames,
        gfn: Gfn,
        mfn: Option<Mfn>,
        order: u32,
        p2mt: P2mType,
        access: P2mAccess,
    ) -> Result<(), Errno> {
        if st.torn_down {
            return Err(Errno::EINVAL);
        }
        // The last gfn of the range, if it is one at all.
        let last = 1u64
            .checked_shl(order)
            .and_then(|frames| gfn.0.checked_add(frames - 1));
        if last.is_none_or(|last| last > self.max_gfn) {
            return Err(Fmt::BEYOND_WIDTH);
        }
        if mfn.is_some() != p2mt.has_frame()
            || mfn.is_some_and(|m| m.0.checked_add(1 << order).is_none_or(|end| end > 1 << 40))
        {
            return Err(Errno::EINVAL);
        }
        let (mut gfn, mut mfn, mut todo) = (gfn.0, mfn, 1u64 << order);
        while todo > 0 {
            let mask = gfn | mfn.map_or(0, |m| m.0) | todo;
            let fits = |o: u32| mask & ((1 << o) - 1) == 0;
            let piece = if p2mt == P2mType::IoreqServer {
                PAGE_ORDER_4K
            } else if fits(PAGE_ORDER_1G) && self.superpages.one_gb {
                PAGE_ORDER_1G
            } else if fits(PAGE_ORDER_2M) && self.superpages.two_mb {
                PAGE_ORDER_2M
            } else {
                PAGE_ORDER_4K
            };
            self.set_piece(st, mem, gfn, mfn, piece, p2mt, access)?;
            gfn += 1 << piece;
            mfn = mfn.map(|m| m + (1 << piece));
            todo -= 1 << piece;
        }
        Ok(())
    }

    /// Writes one aligned leaf of `order` (0, 9 or 18): what Xen's backends' `set_entry` do.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn set_piece(
        &self,
        st: &mut P2mState,
        mem: &impl TableFrames,
        gfn: u64,
        mfn: Option<Mfn>,
        order: u32,
        p2mt: P2mType,
        access: P2mAccess,
    ) -> Result<(), Errno> {
        if st.torn_down {
            return Err(Errno::EINVAL);
        }
        // Carry out pending changes on the path first, as Xen's set_entry does.
        self.resolve(st, mem, gfn)?;
        let target = order / 9;
        let mut table = self.root;
        let mut level = LEVELS - 1;
        while level > target {
            table = self.descend(st, mem, table, level, gfn)?;
            level -= 1;
        }
        let index = index_at(gfn, level);
        let old = Fmt::decode(level, mem.read_u64(table, index));
        let new = if p2mt == P2mType::Invalid {
            0
        } else {
            st.type_pages[p2mt as usize] += level_frames(level);
            let last = gfn + level_frames(level) - 1;
            st.max_mapped_pfn = Some(st.max_mapped_pfn.map_or(last, |m| m.max(last)));
            Fmt::leaf(level, mfn, p2mt, access)
        };
        // Unlink first, then retire what was under the old entry: a lock-free reader that starts
        // after the retirement can no longer reach it.
        mem.write_u64(table, index, new);
        if old != Entry::Empty {
            self.tlb_changed();
        }
        self.forget_subtree(st, mem, old, level);
        if new == 0 {
            self.free_empty_tables(st, mem, gfn, level);
        }
        self.reclaim(st, mem);
        Ok(())
    }

    /// Returns the table below the entry for `gfn` in `table` at `level`, creating it (empty) or
    /// splitting a superpage into it as needed.
    fn descend(
        &self,
        st: &mut P2mState,
        mem: &impl TableFrames,
        table: Mfn,
        level: u32,
        gfn: u64,
    ) -> Result<Mfn, Errno> {
        let index = index_at(gfn, level);
        match Fmt::decode(level, mem.read_u64(table, index)) {
            Entry::Table { mfn, .. } => Ok(mfn),
            Entry::Empty => {
                let child = self.alloc_table(st, mem)?;
                st.tables += 1;
                mem.write_u64(table, index, Fmt::table(level, child));
                Ok(child)
            }
            Entry::Leaf {
                mfn,
                p2mt,
                access,
                recalc,
            } => {
                let child = self.alloc_table(st, mem)?;
                st.tables += 1;
                // The same mapping as 512 smaller leaves; a pending recalculation stays pending on
                // each of them. Counters are unchanged: the same frames, the same types.
                let step = level_frames(level - 1);
                for i in 0..ENTRIES as u64 {
                    let leaf = Fmt::leaf(level - 1, mfn.map(|m| m + i * step), p2mt, access);
                    // A new leaf is clean; a pending change stays pending on it.
                    let leaf = if recalc { Fmt::mark_recalc(leaf) } else { leaf };
                    mem.write_u64(child, i as usize, leaf);
                }
                // Publish the filled table in one store.
                mem.write_u64(table, index, Fmt::table(level, child));
                Ok(child)
            }
        }
    }

    /// A zeroed table frame; if the heap has none, whatever limbo can give back is freed first.
    fn alloc_table(&self, st: &mut P2mState, mem: &impl TableFrames) -> Result<Mfn, Errno> {
        mem.alloc_table().or_else(|_| {
            self.reclaim(st, mem);
            mem.alloc_table()
        })
    }

    /// Puts an unlinked table frame in limbo until no lock-free reader can reach it.
    fn retire_table(&self, st: &mut P2mState, mfn: Mfn) {
        st.tables -= 1;
        st.limbo.push((mfn, self.epochs.retire()));
    }

    /// Frees the frames in limbo that no lock-free reader can reach any more.
    fn reclaim(&self, st: &mut P2mState, mem: &impl TableFrames) {
        if st.limbo.is_empty() {
            return;
        }
        self.epochs.advance();
        st.limbo.retain(|&(mfn, tag)| {
            let free = self.epochs.reclaimable(tag);
            if free {
                mem.free_table(mfn);
            }
            !free
        });
    }

    /// Takes every mapping away and retires every table, the root included (Xen's `p2m_teardown`
    /// for a dying domain). Afterwards lookups find nothing and changes get `EINVAL`; the frames
    /// go back to the heap through limbo ([`reclaim_limbo`](Self::reclaim_limbo)) once no
    /// lock-free reader can be walking them.
    pub fn teardown(&self, mem: &impl TableFrames) {
        let mut st = self.state.lock();
        if st.torn_down {
            return;
        }
        st.torn_down = true;
        self.dead.store(true, core::sync::atomic::Ordering::SeqCst);
        self.tlb_changed();
        let top = LEVELS - 1;
        for index in 0..ENTRIES {
            let entry = Fmt::decode(top, mem.read_u64(self.root, index));
            mem.write_u64(self.root, index, 0);
            self.forget_subtree(&mut st, mem, entry, top);
        }
        let root = self.root;
        self.retire_table(&mut st, root);
        self.reclaim(&mut st, mem);
    }

    /// Records that cached translations of this p2m may be stale.
    pub(crate) fn tlb_changed(&self) {
        self.tlb_generation
            .fetch_add(1, core::sync::atomic::Ordering::Release);
    }

    /// The TLB generation: a vCPU that ran with an older value must flush its guest TLB before
    /// running again.
    pub fn tlb_generation(&self) -> u64 {
        self.tlb_generation
            .load(core::sync::atomic::Ordering::Acquire)
    }

    /// Whether [`teardown`](Self::teardown) has run.
    pub fn is_torn_down(&self) -> bool {
        self.dead.load(core::sync::atomic::Ordering::SeqCst)
    }

    /// Table frames unlinked but not yet freed (a lock-free reader may still be walking them).
    pub fn limbo_frames(&self) -> u64 {
        self.state.lock().limbo.len() as u64
    }

    /// Frees whatever limbo frames no reader can reach now.
    pub fn reclaim_limbo(&self, mem: &impl TableFrames) {
        let mut st = self.state.lock();
        self.reclaim(&mut st, mem);
    }

    /// Looks up a guest frame without the p2m lock (Xen's unlocked queries). Entries are read once each, with acquire ordering; a table seen through an
    /// entry is fully built, and is not freed while the walk is in progress. Returns `None` if the
    /// walk meets a pending type change: the caller then takes the locked path ([`get_entry`]).
    ///
    /// [`get_entry`]: Self::get_entry
    pub fn get_entry_unlocked(&self, mem: &impl FrameAccess, gfn: Gfn) -> Option<Lookup> {
        let _reading = self.epochs.enter();
        match self.walk(mem, gfn.0) {
            Walked::Unmapped => Some(UNMAPPED),
            Walked::Leaf { pending: true, .. } => None,
            Walked::Leaf { found, .. } => Some(found),
        }
    }

    /// Takes an entry that was just overwritten out of the counters; retires the tables under it.
    fn forget_subtree(&self, st: &mut P2mState, mem: &impl TableFrames, entry: Entry, level: u32) {
        match entry {
            Entry::Empty => {}
            Entry::Leaf { p2mt, .. } => {
                st.type_pages[p2mt as usize] -= level_frames(level);
            }
            Entry::Table { mfn, .. } => {
                for i in 0..ENTRIES {
                    let child = Fmt::decode(level - 1, mem.read_u64(mfn, i));
                    self.forget_subtree(st, mem, child, level - 1);
                }
                self.retire_table(st, mfn);
            }
        }
    }

    /// After the entry for `gfn` at `level` became empty: frees tables that are now all empty,
    /// bottom up (never the root).
    fn free_empty_tables(&self, st: &mut P2mState, mem: &impl TableFrames, gfn: u64, level: u32) {
        let mut path = [self.root; LEVELS as usize];
        let mut table = self.root;
        for l in (level + 1..LEVELS).rev() {
            match Fmt::decode(l, mem.read_u64(table, index_at(gfn, l))) {
                Entry::Table { mfn, .. } => {
                    path[(l - 1) as usize] = mfn;
                    table = mfn;
                }
                _ => return,
            }
        }
        // path[l] is the table holding level-l entries for gfn.
        for l in level..LEVELS - 1 {
            let t = path[l as usize];
            if (0..ENTRIES).any(|i| mem.read_u64(t, i) != 0) {
                return;
            }
            mem.write_u64(path[(l + 1) as usize], index_at(gfn, l + 1), 0);
            self.retire_table(st, t);
        }
    }

    /// Looks up a guest frame, with any pending recalculation applied to the answer (not stored).
    pub fn get_entry(&self, mem: &impl FrameAccess, gfn: Gfn) -> Lookup {
        let st = self.state.lock();
        self.lookup(&st, mem, gfn.0)
    }

    /// Looks up a guest frame with query flags (Xen's `p2m_get_entry` with `P2M_ALLOC`): a
    /// populate-on-demand entry is handed to `pod` first, and the answer is what is mapped after.
    /// The hook runs without the p2m lock held (it calls back into [`set_entry`](Self::set_entry)).
    pub fn get_entry_query(
        &self,
        mem: &impl FrameAccess,
        gfn: Gfn,
        query: Query,
        pod: &impl PodHook,
    ) -> Lookup {
        let found = self.get_entry(mem, gfn);
        let wants_frame = query.alloc || query.unshare;
        if wants_frame
            && found.p2mt == P2mType::PopulateOnDemand
            && pod.demand_populate(gfn, found.order)
        {
            return self.get_entry(mem, gfn);
        }
        found
    }

    pub(crate) fn lookup(&self, st: &P2mState, mem: &impl FrameAccess, gfn: u64) -> Lookup {
        match self.walk(mem, gfn) {
            Walked::Unmapped => UNMAPPED,
            Walked::Leaf { mut found, pending } => {
                if pending {
                    found.p2mt = st.recalc.single(found.p2mt, gfn);
                }
                found
            }
        }
    }

    /// Walks the tables to the entry for `gfn`, reading each entry once: the leaf's answer (frame
    /// offset applied) and whether a pending type change was marked on the way, or nothing mapped.
    fn walk(&self, mem: &impl FrameAccess, gfn: u64) -> Walked {
        // After the epoch is entered (lock-free walks) or under the lock: a torn-down p2m's root
        // may already be freed.
        if gfn > self.max_gfn || self.dead.load(core::sync::atomic::Ordering::SeqCst) {
            return Walked::Unmapped;
        }
        let mut table = self.root;
        let mut pending = false;
        for level in (0..LEVELS).rev() {
            match Fmt::decode(level, mem.read_u64(table, index_at(gfn, level))) {
                Entry::Empty => return Walked::Unmapped,
                Entry::Table { mfn, recalc } => {
                    pending |= recalc;
                    table = mfn;
                }
                Entry::Leaf {
                    mfn,
                    p2mt,
                    access,
                    recalc,
                } => {
                    let offset = gfn & (level_frames(level) - 1);
                    let found = Lookup {
                        mfn: mfn.map(|m| m + offset),
                        p2mt,
                        access,
                        order: 9 * level,
                    };
                    return Walked::Leaf {
                        found,
                        pending: pending || recalc,
                    };
                }
            }
        }
        Walked::Unmapped
    }

    /// Applies pending recalculations on the path to `gfn` (Xen's `resolve_misconfig` for EPT,
    /// `do_recalc` for NPT): marked tables pass their mark to their entries; a marked leaf gets the
    /// type the current state gives it, or is split if its range is mixed. Returns whether anything
    /// was pending (a fault caused by the mark is then handled).
    pub(crate) fn resolve(
        &self,
        st: &mut P2mState,
        mem: &impl TableFrames,
        gfn: u64,
    ) -> Result<bool, Errno> {
        self.resolve_span(st, mem, gfn).map(|(found, _)| found)
    }

    /// As [`resolve`](Self::resolve), and also how many frames the entry where the walk stopped
    /// covers (a leaf, or an empty slot), so that a pass over a range can skip the rest of it.
    pub(crate) fn resolve_span(
        &self,
        st: &mut P2mState,
        mem: &impl TableFrames,
        gfn: u64,
    ) -> Result<(bool, u64), Errno> {
        if gfn > self.max_gfn || st.torn_down {
            return Ok((false, 1));
        }
        let mut table = self.root;
        let mut found = false;
        for level in (0..LEVELS).rev() {
            let index = index_at(gfn, level);
            let raw = mem.read_u64(table, index);
            match Fmt::decode(level, raw) {
                Entry::Empty => return Ok((found, level_frames(level))),
                Entry::Table { mfn, recalc } => {
                    if recalc {
                        found = true;
                        for i in 0..ENTRIES {
                            let child = mem.read_u64(mfn, i);
                            if child != 0 {
                                mem.write_u64(mfn, i, Fmt::mark_recalc(child));
                            }
                        }
                        mem.write_u64(table, index, Fmt::clear_recalc(level, raw));
                    }
                    table = mfn;
                }
                Entry::Leaf {
                    mfn,
                    p2mt,
                    access,
                    recalc,
                } => {
                    if !recalc {
                        return Ok((found, level_frames(level)));
                    }
                    let first = gfn & !(level_frames(level) - 1);
                    match st
                        .recalc
                        .range(p2mt, first, first + level_frames(level) - 1)
                    {
                        Some(new) => {
                            st.type_pages[p2mt as usize] -= level_frames(level);
                            st.type_pages[new as usize] += level_frames(level);
                            mem.write_u64(table, index, Fmt::leaf(level, mfn, new, access));
                            return Ok((true, level_frames(level)));
                        }
                        None => {
                            // Mixed range: split (children inherit the mark) and go on down.
                            table = self.descend(st, mem, table, level, gfn)?;
                            found = true;
                            continue;
                        }
                    }
                }
            }
        }
        Ok((found, 1))
    }

    /// The fault path's recalculation: resolves what is pending for `gfn` and reports whether the
    /// fault was caused by a pending change (then the access is simply retried).
    pub fn resolve_fault(&self, mem: &impl TableFrames, gfn: Gfn) -> Result<bool, Errno> {
        let mut st = self.state.lock();
        self.resolve(&mut st, mem, gfn.0)
    }

    /// Checks the tree against the counters: stored types sum to the type counters, tables counted,
    /// leaves aligned and at levels that allow them. Returns the first violation.
    // The tests' oracle: a weaker check changes no behaviour, and the tests cannot corrupt the
    // state it checks through the public interface to see each check fire.
    #[cfg_attr(test, mutants::skip)]
    pub fn check_invariants(&self, mem: &impl FrameAccess) -> Result<(), &'static str> {
        let st = self.state.lock();
        let mut pages = [0u64; 16];
        let mut tables = 0u64;
        if !st.torn_down {
            tables = 1;
            self.count(mem, self.root, LEVELS - 1, 0, &mut pages, &mut tables)?;
        }
        if pages != st.type_pages {
            return Err("type counters do not match the tables");
        }
        if tables != st.tables {
            return Err("table count does not match the tree");
        }
        Ok(())
    }

    /// The walk behind [`check_invariants`](Self::check_invariants); part of the same oracle.
    #[cfg_attr(test, mutants::skip)]
    fn count(
        &self,
        mem: &impl FrameAccess,
        table: Mfn,
        level: u32,
        base: u64,
        pages: &mut [u64; 16],
        tables: &mut u64,
    ) -> Result<(), &'static str> {
        for i in 0..ENTRIES {
            let gfn = base + i as u64 * level_frames(level);
            match Fmt::decode(level, mem.read_u64(table, i)) {
                Entry::Empty => {}
                Entry::Leaf { mfn, p2mt, .. } => {
                    if !Fmt::leaf_allowed(level) {
                        return Err("a leaf at a level that cannot hold one");
                    }
                    if mfn.is_some_and(|m| !m.0.is_multiple_of(level_frames(level))) {
                        return Err("a superpage leaf with a misaligned frame");
                    }
                    if mfn.is_some() != p2mt.has_frame() {
                        return Err("a leaf whose frame does not match its type");
                    }
                    pages[p2mt as usize] += level_frames(level);
                }
                Entry::Table { mfn, .. } => {
                    if level == 0 {
                        return Err("a table pointer at level 0");
                    }
                    *tables += 1;
                    self.count(mem, mfn, level - 1, gfn, pages, tables)?;
                    if (0..ENTRIES).all(|j| mem.read_u64(mfn, j) == 0) {
                        return Err("an empty table was not freed");
                    }
                }
            }
        }
        Ok(())
    }
}
