//! Type changes: global and range changes done lazily by marking entries, single-frame changes, and
//! the pass that finishes a lazy change (xen/arch/x86/mm/p2m.c `p2m_change_entry_type_global`,
//! `p2m_change_type_range`, `p2m_change_type_one`, `p2m_finish_type_change`).
//!
//! Marking is cheap: a global change marks the present root entries (at most 512, whatever the size
//! of the guest); a range change marks the entries that cover the range, descending only where an
//! entry is partly inside. Recalculation ([`super::recalc`]) then gives every marked entry the type
//! the state says on its next access.

use crate::errno::Errno;
use crate::frame::{FrameAccess, Gfn, Mfn};
use crate::p2m::format::{Entry, P2mFormat, ENTRIES, LEVELS};
use crate::p2m::types::{P2mAccess, P2mType};
use crate::p2m::{P2m, TableFrames, PAGE_ORDER_4K};

const fn level_frames(level: u32) -> u64 {
    1 << (9 * level)
}

impl<Fmt: P2mFormat> P2m<Fmt> {
    /// Marks every present root entry for recalculation: O(512) whatever the guest's size (Xen's
    /// `p2m_pt_change_entry_type_global` / `ept_change_entry_type_global`).
    pub(crate) fn mark_all(&self, mem: &impl FrameAccess) {
        if self.is_torn_down() {
            return;
        }
        self.tlb_changed();
        for i in 0..ENTRIES {
            let raw = mem.read_u64(self.root(), i);
            if raw != 0 {
                mem.write_u64(self.root(), i, Fmt::mark_recalc(raw));
            }
        }
    }

    /// Marks the entries covering gfns `[first, last]`: whole entries inside the range are marked
    /// where they are, partly covered tables are descended into, and partly covered superpages are
    /// marked (their recalculation splits them if the range makes them mixed).
    pub(crate) fn mark_range(&self, mem: &impl FrameAccess, first: u64, last: u64) {
        if self.is_torn_down() {
            return;
        }
        self.tlb_changed();
        self.mark_range_in(mem, self.root(), LEVELS - 1, 0, first, last);
    }

    fn mark_range_in(
        &self,
        mem: &impl FrameAccess,
        table: Mfn,
        level: u32,
        base: u64,
        first: u64,
        last: u64,
    ) {
        // The entries from `lo` to `hi` are exactly those overlapping [first, last] (a table is
        // only entered when its span overlaps the range, so `last >= base`).
        let span = level_frames(level);
        let lo = (first.saturating_sub(base) / span) as usize;
        let hi = ((last - base) / span).min(ENTRIES as u64 - 1) as usize;
        for i in lo..=hi {
            let start = base + i as u64 * span;
            let end = start + span - 1;
            let raw = mem.read_u64(table, i);
            match Fmt::decode(level, raw) {
                Entry::Empty => {}
                Entry::Table { mfn, .. } if start < first || end > last => {
                    self.mark_range_in(mem, mfn, level - 1, start, first, last);
                }
                _ => mem.write_u64(table, i, Fmt::mark_recalc(raw)),
            }
        }
    }

    /// Starts a global change between changeable types (Xen's `p2m_change_entry_type_global`).
    /// Recalculation derives each type from the state, which the caller has already changed (turning
    /// log-dirty on or off, unmapping an ioreq server), so this only marks. `EINVAL` for types that
    /// are not changeable (Xen asserts).
    pub fn change_entry_type_global(
        &self,
        mem: &impl FrameAccess,
        ot: P2mType,
        nt: P2mType,
    ) -> Result<(), Errno> {
        if !ot.is_changeable() || !nt.is_changeable() {
            return Err(Errno::EINVAL);
        }
        let _st = self.lock();
        self.mark_all(mem);
        Ok(())
    }

    /// Changes one guest frame from `ot` to `nt` (Xen's `p2m_change_type_one`): `EBUSY` if the
    /// frame's type (recalculated) is not `ot`; the new entry gets the default access, as in Xen.
    /// Grant, foreign and direct-MMIO types are not changed this way (Xen BUGs; here `EINVAL`).
    pub fn change_type_one(
        &self,
        mem: &impl TableFrames,
        gfn: Gfn,
        ot: P2mType,
        nt: P2mType,
    ) -> Result<(), Errno> {
        let special = |t: P2mType| t.is_grant() || t.is_foreign() || t == P2mType::MmioDirect;
        if special(ot) || special(nt) || gfn.0 > self.max_gfn() {
            return Err(Errno::EINVAL);
        }
        let mut st = self.lock();
        let now = self.lookup(&st, mem, gfn.0);
        if now.p2mt != ot {
            return Err(Errno::EBUSY);
        }
        let mfn = if nt.has_frame() { now.mfn } else { None };
        if nt.has_frame() && mfn.is_none() {
            return Err(Errno::EINVAL);
        }
        self.set_piece(&mut st, mem, gfn.0, mfn, PAGE_ORDER_4K, nt, P2mAccess::Rwx)
    }

    /// Applies pending recalculation to gfns `[first, first + max_nr)`, bounded by the highest
    /// mapped gfn (Xen's `p2m_finish_type_change`): the bounded, resumable pass that makes a lazy
    /// change complete.
    pub fn finish_type_change(
        &self,
        mem: &impl TableFrames,
        first: Gfn,
        max_nr: u64,
    ) -> Result<(), Errno> {
        let mut st = self.lock();
        let Some(max_mapped) = st.max_mapped_pfn else {
            return Ok(());
        };
        let last = first.0.saturating_add(max_nr.max(1) - 1).min(max_mapped);
        let mut gfn = first.0;
        while gfn <= last {
            // Skip the rest of the leaf (or empty slot) just resolved: Xen goes gfn by gfn.
            let (_, span) = self.resolve_span(&mut st, mem, gfn)?;
            gfn = (gfn | (span - 1)).saturating_add(1);
        }
        Ok(())
    }
}
