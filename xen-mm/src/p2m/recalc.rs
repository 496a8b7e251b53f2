//! What a lazily changed entry's type becomes (Xen's `p2m_recalc_type_range`, p2m.h/p2m.c).
//!
//! Recalculation does not replay the change that marked the entry; it derives the type from the
//! current state. A changeable type (`ram_rw`, `ram_logdirty`, `ioreq_server`) becomes:
//! `ioreq_server` if it is one and a server is mapped; otherwise `ram_logdirty` where log-dirty
//! tracking covers the frames, else `ram_rw`. Other types never change. Because the answer depends
//! only on the present state, marks left by an earlier, unfinished change resolve correctly when a
//! later change starts; the barriers that keep the state itself unambiguous (no new ioreq server
//! while stale `ioreq_server` entries remain; no log-dirty while any exist) are kept by the callers.

use alloc::vec::Vec;

use crate::p2m::types::P2mType;

/// The state recalculation reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecalcState {
    /// Log-dirty mode for the whole guest (Xen's `global_logdirty`).
    pub global_logdirty: bool,
    /// Inclusive gfn ranges in log-dirty mode, sorted and disjoint (Xen's `logdirty_ranges`).
    pub logdirty_ranges: Vec<(u64, u64)>,
    /// An ioreq server is mapped to the `ioreq_server` type (Xen's `p2m->ioreq.server != NULL`).
    pub ioreq_server_mapped: bool,
}

/// How a gfn range lies with respect to log-dirty tracking (Xen's `p2m_is_logdirty_range`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogdirtyCover {
    /// No frame of it is tracked.
    None,
    /// Every frame is tracked.
    All,
    /// Some are: a superpage over it must be split.
    Mixed,
}

impl RecalcState {
    /// How `[first, last]` lies with respect to log-dirty tracking.
    pub fn logdirty_cover(&self, first: u64, last: u64) -> LogdirtyCover {
        if self.global_logdirty {
            return LogdirtyCover::All;
        }
        let mut covered = 0u64;
        for &(s, e) in &self.logdirty_ranges {
            let (lo, hi) = (s.max(first), e.min(last));
            if lo <= hi {
                covered += hi - lo + 1;
            }
        }
        match covered {
            0 => LogdirtyCover::None,
            c if c == last - first + 1 => LogdirtyCover::All,
            _ => LogdirtyCover::Mixed,
        }
    }

    /// The type an entry storing `stored` for `[first, last]` must have now, or `None` if the range
    /// is mixed and the entry must be split first.
    pub fn range(&self, stored: P2mType, first: u64, last: u64) -> Option<P2mType> {
        if !stored.is_changeable() {
            return Some(stored);
        }
        if stored == P2mType::IoreqServer && self.ioreq_server_mapped {
            return Some(stored);
        }
        match self.logdirty_cover(first, last) {
            LogdirtyCover::None => Some(P2mType::RamRw),
            LogdirtyCover::All => Some(P2mType::RamLogdirty),
            LogdirtyCover::Mixed => None,
        }
    }

    /// The type one frame storing `stored` must have now.
    pub fn single(&self, stored: P2mType, gfn: u64) -> P2mType {
        self.range(stored, gfn, gfn)
            .expect("a single frame is never mixed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recalc_follows_p2m_recalc_type_range() {
        let mut s = RecalcState::default();
        assert_eq!(s.range(P2mType::RamLogdirty, 0, 511), Some(P2mType::RamRw));
        assert_eq!(
            s.range(P2mType::IoreqServer, 0, 0),
            Some(P2mType::RamRw),
            "stale ioreq entry"
        );
        assert_eq!(
            s.range(P2mType::MmioDirect, 0, 0),
            Some(P2mType::MmioDirect)
        );
        s.ioreq_server_mapped = true;
        assert_eq!(
            s.range(P2mType::IoreqServer, 0, 0),
            Some(P2mType::IoreqServer)
        );
        s.logdirty_ranges.push((256, 1023));
        assert_eq!(s.range(P2mType::RamRw, 0, 511), None, "mixed: split");
        assert_eq!(
            s.range(P2mType::RamRw, 512, 1023),
            Some(P2mType::RamLogdirty)
        );
        assert_eq!(s.range(P2mType::RamRw, 0, 255), Some(P2mType::RamRw));
        assert_eq!(s.single(P2mType::RamRw, 300), P2mType::RamLogdirty);
        s.global_logdirty = true;
        assert_eq!(s.range(P2mType::RamRw, 0, 511), Some(P2mType::RamLogdirty));
        assert_eq!(
            s.range(P2mType::IoreqServer, 0, 0),
            Some(P2mType::IoreqServer)
        );
    }
}
