//! Log-dirty tracking (xen/arch/x86/mm/paging.c `paging_log_dirty_enable`, `paging_log_dirty_op`,
//! `paging_mark_pfn_dirty`; hap.c `hap_enable_log_dirty`, `hap_clean_dirty_bitmap`).
//!
//! Turning it on write-protects guest RAM lazily (`ram_rw` becomes `ram_logdirty` as entries are
//! recalculated); the first write to a page marks it dirty and makes it writable again (see
//! [`super::fault`]). CLEAN hands out the dirty bitmap, clears it and write-protects everything
//! again; PEEK only hands it out.
//!
//! Enabling is refused with `EBUSY` while `ioreq_server` entries exist (hap.c): log-dirty would
//! otherwise have to tell write faults for the server from write faults to log.

use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;

use crate::errno::Errno;
use crate::frame::{FrameAccess, Gfn};
use crate::p2m::format::P2mFormat;
use crate::p2m::types::P2mType;
use crate::p2m::P2m;

/// The log-dirty state of one p2m.
#[derive(Clone, Debug, Default)]
pub struct LogDirty {
    /// Log-dirty mode is on (Xen's `paging_mode_log_dirty`).
    pub(crate) enabled: bool,
    /// Dirty gfns since the last CLEAN.
    pub(crate) dirty: BTreeSet<u64>,
    /// Write faults taken on log-dirty pages since the last CLEAN.
    pub(crate) fault_count: u64,
    /// Pages newly marked dirty since the last CLEAN.
    pub(crate) dirty_count: u64,
}

/// What CLEAN and PEEK report besides the bitmap (`xen_domctl_shadow_op_stats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogDirtyStats {
    /// Log-dirty write faults.
    pub fault_count: u64,
    /// Pages marked dirty.
    pub dirty_count: u64,
}

/// Adds `[first, last]` to sorted, disjoint inclusive ranges (merging neighbours).
fn range_add(ranges: &mut Vec<(u64, u64)>, first: u64, last: u64) {
    let (mut lo, mut hi) = (first, last);
    ranges.retain(|&(s, e)| {
        let touches = s <= hi.saturating_add(1) && lo <= e.saturating_add(1);
        if touches {
            lo = lo.min(s);
            hi = hi.max(e);
        }
        !touches
    });
    let at = ranges.partition_point(|&(s, _)| s < lo);
    ranges.insert(at, (lo, hi));
}

/// Removes `[first, last]` from sorted, disjoint inclusive ranges.
fn range_remove(ranges: &mut Vec<(u64, u64)>, first: u64, last: u64) {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    for &(s, e) in ranges.iter() {
        if e < first || s > last {
            out.push((s, e));
            continue;
        }
        if s < first {
            out.push((s, first - 1));
        }
        if e > last {
            out.push((last + 1, e));
        }
    }
    *ranges = out;
}

impl<Fmt: P2mFormat> P2m<Fmt> {
    /// Turns on log-dirty mode for the whole guest (`paging_log_dirty_enable` with `log_global`):
    /// `EINVAL` if it is already on; `EBUSY` while any `ioreq_server` entry exists.
    pub fn enable_logdirty(&self, mem: &impl FrameAccess) -> Result<(), Errno> {
        let mut st = self.lock();
        if st.logdirty.enabled {
            return Err(Errno::EINVAL);
        }
        if st.type_pages[P2mType::IoreqServer as usize] != 0 {
            return Err(Errno::EBUSY);
        }
        st.logdirty = LogDirty {
            enabled: true,
            ..LogDirty::default()
        };
        st.recalc.global_logdirty = true;
        self.mark_all(mem);
        Ok(())
    }

    /// Turns log-dirty mode off; pages become writable again as they are recalculated.
    pub fn disable_logdirty(&self, mem: &impl FrameAccess) {
        let mut st = self.lock();
        st.logdirty.enabled = false;
        st.recalc.global_logdirty = false;
        self.mark_all(mem);
    }

    /// Whether log-dirty mode is on.
    pub fn logdirty_enabled(&self) -> bool {
        self.lock().logdirty.enabled
    }

    /// Starts (`on`) or stops tracking writes to gfns `[first, last]` only (Xen's
    /// `p2m_change_type_range` between `ram_rw` and `ram_logdirty`, as `track_dirty_vram` uses it).
    /// `EINVAL` for an empty or out-of-range range; `EBUSY` to start while `ioreq_server` entries
    /// exist.
    pub fn track_logdirty_range(
        &self,
        mem: &impl FrameAccess,
        first: Gfn,
        last: Gfn,
        on: bool,
    ) -> Result<(), Errno> {
        if first > last || last.0 > self.max_gfn() {
            return Err(Errno::EINVAL);
        }
        let mut st = self.lock();
        if on && st.type_pages[P2mType::IoreqServer as usize] != 0 {
            return Err(Errno::EBUSY);
        }
        if on {
            range_add(&mut st.recalc.logdirty_ranges, first.0, last.0);
        } else {
            range_remove(&mut st.recalc.logdirty_ranges, first.0, last.0);
        }
        self.mark_range(mem, first.0, last.0);
        Ok(())
    }

    /// Records a write to `gfn` (Xen's `paging_mark_pfn_dirty`); nothing when log-dirty is off.
    pub fn mark_dirty(&self, gfn: Gfn) {
        self.locked().mark_dirty(gfn);
    }

    /// XEN_DOMCTL_SHADOW_OP_PEEK (`clean == false`) and _CLEAN: the dirty bitmap of gfns
    /// `[0, pages)`, 64 per word, and the statistics. CLEAN also clears the bitmap and the
    /// statistics and write-protects guest RAM again. `EINVAL` when log-dirty mode is off.
    pub fn log_dirty_op(
        &self,
        mem: &impl FrameAccess,
        pages: u64,
        clean: bool,
    ) -> Result<(Vec<u64>, LogDirtyStats), Errno> {
        let mut st = self.lock();
        if !st.logdirty.enabled {
            return Err(Errno::EINVAL);
        }
        let mut bitmap = vec![0u64; pages.div_ceil(64) as usize];
        for &gfn in st.logdirty.dirty.range(..pages) {
            bitmap[(gfn / 64) as usize] |= 1 << (gfn % 64);
        }
        let stats = LogDirtyStats {
            fault_count: st.logdirty.fault_count,
            dirty_count: st.logdirty.dirty_count,
        };
        if clean {
            st.logdirty.dirty.clear();
            st.logdirty.fault_count = 0;
            st.logdirty.dirty_count = 0;
            self.mark_all(mem);
        }
        Ok((bitmap, stats))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_and_split() {
        let mut r = Vec::new();
        range_add(&mut r, 10, 19);
        range_add(&mut r, 30, 39);
        range_add(&mut r, 20, 29);
        assert_eq!(r, [(10, 39)]);
        range_remove(&mut r, 15, 24);
        assert_eq!(r, [(10, 14), (25, 39)]);
        range_add(&mut r, 0, 3);
        assert_eq!(r, [(0, 3), (10, 14), (25, 39)]);
        range_remove(&mut r, 0, 100);
        assert!(r.is_empty());
        // A new range past the others goes last; ranges sharing only an end point overlap.
        range_add(&mut r, 10, 14);
        range_add(&mut r, 50, 60);
        assert_eq!(r, [(10, 14), (50, 60)]);
        range_remove(&mut r, 14, 20);
        range_remove(&mut r, 5, 10);
        assert_eq!(r, [(11, 13), (50, 60)]);
        // Disjoint ranges are left alone; removing exactly a range leaves nothing of it.
        range_remove(&mut r, 20, 30);
        range_remove(&mut r, 50, 60);
        assert_eq!(r, [(11, 13)]);
    }
}
