//! AMD nested page tables: the long-mode page-table format, as Xen's p2m-pt.c uses it.
//!
//! - The p2m type is kept in bits 52-58 (Xen: `p2m_type_to_flags` puts `t << 12` into the flags
//!   that `put_pte_flags` stores at bit 40 and up); an all-zero entry is `p2m_invalid`.
//! - Guest accesses through nested paging are user accesses, so every present entry has U set
//!   (`P2M_BASE_FLAGS` = P|U|A|D). A global type change clears U and A on present entries (Xen's
//!   `RECALC_FLAGS`): the next access below takes a nested page fault with PFEC.P set, whose
//!   recalculation sets them again; an entry needs recalculation when U is clear (`_needs_recalc`).
//! - NPT cannot express Xen's access types other than rwx, and p2m-pt supports only those.

use crate::errno::Errno;
use crate::frame::{Mfn, PAGE_SHIFT};
use crate::p2m::format::{Entry, P2mFormat};
use crate::p2m::types::{P2mAccess, P2mType};

bitflags::bitflags! {
    /// The hardware bits of an NPT entry (AMD APM vol. 2, 5.3; Xen's `_PAGE_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct NptFlags: u64 {
        /// Present.
        const PRESENT = 1;
        /// Writable.
        const RW = 1 << 1;
        /// User (must be set for guest access through nested paging).
        const USER = 1 << 2;
        /// Cache disable.
        const PCD = 1 << 4;
        /// Accessed.
        const ACCESSED = 1 << 5;
        /// Dirty.
        const DIRTY = 1 << 6;
        /// Large page (2 MiB or 1 GiB leaf).
        const PSE = 1 << 7;
        /// No execute.
        const NX = 1 << 63;
    }
}

/// Frame address bits 12-51.
pub const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// Where the p2m type is kept.
pub const TYPE_SHIFT: u32 = 52;
/// The type field's width in bits (Xen: `flags >> 12 & 0x7f`).
pub const TYPE_MASK: u64 = 0x7f;
/// What a global type change clears on present entries (Xen's `RECALC_FLAGS`).
pub const RECALC_FLAGS: NptFlags = NptFlags::USER.union(NptFlags::ACCESSED);
/// Xen's `P2M_BASE_FLAGS`.
pub const P2M_BASE_FLAGS: NptFlags = NptFlags::PRESENT
    .union(NptFlags::USER)
    .union(NptFlags::DIRTY)
    .union(NptFlags::ACCESSED);

/// The AMD NPT format.
pub struct Npt;

/// The hardware flags for a type (Xen's p2m-pt.c `p2m_type_to_flags`). `ioreq_server` entries are
/// never writable here: the only mapping flag Xen accepts is write-interception, and a write to a
/// stale one (no server mapped) must fault so that it is recalculated.
pub const fn type_flags(t: P2mType) -> NptFlags {
    use self::NptFlags as F;
    match t {
        P2mType::RamRw => P2M_BASE_FLAGS.union(F::RW),
        P2mType::RamRo | P2mType::RamLogdirty | P2mType::RamShared => P2M_BASE_FLAGS,
        P2mType::GrantMapRo | P2mType::IoreqServer => P2M_BASE_FLAGS.union(F::NX),
        P2mType::GrantMapRw | P2mType::MapForeign => P2M_BASE_FLAGS.union(F::RW).union(F::NX),
        P2mType::MmioDirect => P2M_BASE_FLAGS.union(F::RW).union(F::PCD).union(F::NX),
        // Not present: invalid, mmio_dm, populate_on_demand, paging, broken.
        _ => F::NX,
    }
}

impl P2mFormat for Npt {
    const NAME: &'static str = "NPT";
    // p2m_pt_set_entry: an index beyond the top-level table finds no entry.
    const BEYOND_WIDTH: Errno = Errno::ENOENT;

    fn leaf(level: u32, mfn: Option<Mfn>, p2mt: P2mType, _access: P2mAccess) -> u64 {
        let addr = mfn.map_or(0, |m| (m.0 << PAGE_SHIFT) & ADDR_MASK);
        let mut flags = type_flags(p2mt);
        flags.set(NptFlags::PSE, level > 0);
        addr | flags.bits() | ((p2mt as u64) << TYPE_SHIFT)
    }

    fn table(_level: u32, mfn: Mfn) -> u64 {
        ((mfn.0 << PAGE_SHIFT) & ADDR_MASK) | P2M_BASE_FLAGS.union(NptFlags::RW).bits()
    }

    fn decode(level: u32, raw: u64) -> Entry {
        if raw == 0 {
            return Entry::Empty;
        }
        let flags = NptFlags::from_bits_truncate(raw);
        let present = flags.contains(NptFlags::PRESENT);
        let recalc = present && !flags.contains(NptFlags::USER);
        let mfn = Mfn((raw & ADDR_MASK) >> PAGE_SHIFT);
        if level > 0 && !flags.contains(NptFlags::PSE) {
            return if present {
                Entry::Table { mfn, recalc }
            } else {
                Entry::Empty
            };
        }
        let Some(p2mt) = P2mType::from_number((raw >> TYPE_SHIFT) & TYPE_MASK) else {
            return Entry::Empty;
        };
        Entry::Leaf {
            mfn: p2mt.has_frame().then_some(mfn),
            p2mt,
            access: P2mAccess::Rwx,
            recalc,
        }
    }

    fn mark_recalc(raw: u64) -> u64 {
        // Non-present entries fault anyway and hold no changeable type; they never have USER or
        // ACCESSED set (`type_flags`), so this leaves them as they are.
        raw & !RECALC_FLAGS.bits()
    }

    fn clear_recalc(_level: u32, raw: u64) -> u64 {
        if raw & NptFlags::PRESENT.bits() == 0 {
            return raw;
        }
        raw | RECALC_FLAGS.bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The bits as the APM numbers them, for writing expected entries by hand.
    const PAGE_PRESENT: u64 = 1;
    const PAGE_RW: u64 = 1 << 1;
    const PAGE_USER: u64 = 1 << 2;
    const PAGE_PCD: u64 = 1 << 4;
    const PAGE_ACCESSED: u64 = 1 << 5;
    const PAGE_DIRTY: u64 = 1 << 6;
    const PAGE_PSE: u64 = 1 << 7;
    const PAGE_NX: u64 = 1 << 63;

    #[test]
    fn ram_entries_decode_as_the_apm_lays_them_out() {
        // A 4 KiB read/write RAM leaf for mfn 0x12345: P|RW|U|A|D = 0x67, address 0x12345000.
        let raw = Npt::leaf(0, Some(Mfn(0x12345)), P2mType::RamRw, P2mAccess::Rwx);
        assert_eq!(raw, 0x0000_0000_1234_5067);
        // A 2 MiB log-dirty leaf: no RW, PS set, type 2 in bits 52-58.
        let raw = Npt::leaf(1, Some(Mfn(0x200)), P2mType::RamLogdirty, P2mAccess::Rwx);
        assert_eq!(raw, 0x0020_0000_0020_00e5);
        assert_eq!(
            Npt::decode(1, raw),
            Entry::Leaf {
                mfn: Some(Mfn(0x200)),
                p2mt: P2mType::RamLogdirty,
                access: P2mAccess::Rwx,
                recalc: false
            }
        );
        // A table pointer: P|RW|U|A|D, no PS.
        assert_eq!(Npt::table(2, Mfn(0xabc)), 0x0000_0000_00ab_c067);
        assert_eq!(
            Npt::decode(2, 0x0000_0000_00ab_c067),
            Entry::Table {
                mfn: Mfn(0xabc),
                recalc: false
            }
        );
    }

    #[test]
    fn each_type_gets_xens_flags() {
        // p2m_type_to_flags (p2m-pt.c): P|U|A|D for guest-accessible types, RW where writable,
        // NX where not executable, PCD for direct MMIO; placeholders are not present (NX only).
        let base = PAGE_PRESENT | PAGE_USER | PAGE_ACCESSED | PAGE_DIRTY;
        let expect = [
            (P2mType::RamRw, base | PAGE_RW),
            (P2mType::RamRo, base),
            (P2mType::RamLogdirty, base),
            (P2mType::GrantMapRo, base | PAGE_NX),
            (P2mType::IoreqServer, base | PAGE_NX),
            (P2mType::GrantMapRw, base | PAGE_RW | PAGE_NX),
            (P2mType::MapForeign, base | PAGE_RW | PAGE_NX),
            (P2mType::MmioDirect, base | PAGE_RW | PAGE_PCD | PAGE_NX),
            (P2mType::PopulateOnDemand, PAGE_NX),
        ];
        let flags = PAGE_PRESENT | PAGE_RW | PAGE_USER | PAGE_PCD | PAGE_ACCESSED | PAGE_DIRTY;
        for (t, want) in expect {
            let mfn = t.has_frame().then_some(Mfn(1));
            let raw = Npt::leaf(0, mfn, t, P2mAccess::Rwx);
            assert_eq!(raw & (flags | PAGE_NX), want, "{t:?}");
        }
        // The APM's layout: direct MMIO is P|RW|U|PCD|A|D in the low bits and NX in bit 63.
        let mmio = Npt::leaf(0, Some(Mfn(1)), P2mType::MmioDirect, P2mAccess::Rwx);
        assert_eq!(mmio & 0x8000_0000_0000_0fff, 0x8000_0000_0000_0077);
    }

    #[test]
    fn placeholders_are_not_present_but_keep_their_type() {
        let raw = Npt::leaf(1, None, P2mType::PopulateOnDemand, P2mAccess::Rwx);
        assert_eq!(raw & PAGE_PRESENT, 0);
        assert_eq!(raw, PAGE_NX | PAGE_PSE | (6 << 52));
        assert!(matches!(
            Npt::decode(1, raw),
            Entry::Leaf {
                mfn: None,
                p2mt: P2mType::PopulateOnDemand,
                ..
            }
        ));
        assert_eq!(Npt::decode(0, 0), Entry::Empty, "all-zero is p2m_invalid");
    }

    #[test]
    fn recalculation_clears_the_user_bit_of_present_entries_only() {
        let raw = Npt::leaf(0, Some(Mfn(1)), P2mType::RamRw, P2mAccess::Rwx);
        let marked = Npt::mark_recalc(raw);
        assert_eq!(marked & (PAGE_USER | PAGE_ACCESSED), 0);
        assert!(matches!(
            Npt::decode(0, marked),
            Entry::Leaf { recalc: true, .. }
        ));
        assert_eq!(Npt::clear_recalc(0, marked), raw);
        let pod = Npt::leaf(0, None, P2mType::PopulateOnDemand, P2mAccess::Rwx);
        assert_eq!(Npt::mark_recalc(pod), pod);
        assert_eq!(Npt::clear_recalc(0, pod), pod);
    }

    #[test]
    fn every_type_round_trips() {
        for t in P2mType::ALL.into_iter().filter(|&t| t != P2mType::Invalid) {
            for level in 0..3 {
                let mfn = t.has_frame().then_some(Mfn(0x4_0000));
                let raw = Npt::leaf(level, mfn, t, P2mAccess::Rwx);
                assert_eq!(
                    Npt::decode(level, raw),
                    Entry::Leaf {
                        mfn,
                        p2mt: t,
                        access: P2mAccess::Rwx,
                        recalc: false
                    },
                    "{t:?} at level {level}"
                );
            }
        }
    }
}
