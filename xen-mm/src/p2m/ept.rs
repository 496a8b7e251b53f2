//! Intel EPT entries, as Xen's p2m-ept.c lays them out (`ept_entry_t` in asm/hvm/vmx/vmx.h):
//!
//! | bits | field |
//! |---|---|
//! | 0, 1, 2 | read, write, execute |
//! | 3-5 | memory type (leaves); reserved in tables |
//! | 6 | ignore PAT |
//! | 7 | superpage |
//! | 8, 9 | accessed, dirty |
//! | 10 | recalc (software: a global type change is pending) |
//! | 11 | snoop |
//! | 12-51 | frame |
//! | 52-57 | p2m type (software) |
//! | 58-61 | p2m access (software) |
//! | 62 | (tm) |
//! | 63 | suppress #VE |
//!
//! A global type change marks present entries with memory type 7, which is invalid in a leaf and a
//! reserved-bit violation in a table, so any access below takes an EPT misconfiguration exit, whose
//! handler (Xen's `resolve_misconfig`) recalculates.

use crate::errno::Errno;
use crate::frame::{Mfn, PAGE_SHIFT};
use crate::p2m::format::{Entry, P2mFormat};
use crate::p2m::types::{P2mAccess, P2mType};

bitflags::bitflags! {
    /// The single-bit fields of an EPT entry (SDM vol. 3, tables 29-2 to 29-6; Xen's
    /// `ept_entry_t`), the software recalc bit included.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EptFlags: u64 {
        /// Read.
        const R = 1;
        /// Write.
        const W = 1 << 1;
        /// Execute.
        const X = 1 << 2;
        /// Ignore PAT.
        const IPAT = 1 << 6;
        /// Superpage.
        const SP = 1 << 7;
        /// Recalculation pending (software).
        const RECALC = 1 << 10;
        /// Suppress #VE.
        const SUPPRESS_VE = 1 << 63;
    }
}

/// Memory type field shift.
pub const EMT_SHIFT: u32 = 3;
/// Memory type field.
pub const EMT_MASK: u64 = 0x7 << EMT_SHIFT;
/// Frame bits.
pub const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// p2m type shift (6 bits).
pub const TYPE_SHIFT: u32 = 52;
/// p2m access shift (4 bits).
pub const ACCESS_SHIFT: u32 = 58;

/// Uncacheable.
pub const MTRR_TYPE_UNCACHABLE: u64 = 0;
/// Write-back.
pub const MTRR_TYPE_WRBACK: u64 = 6;
/// The invalid memory type that forces a misconfiguration (Xen's `MTRR_NUM_TYPES`).
pub const MTRR_NUM_TYPES: u64 = 7;

/// The Intel EPT format.
pub struct Ept;

/// The permissions a type allows (Xen's `ept_p2m_type_to_flags`), before access restrictions.
/// `ioreq_server` entries are never writable, as in [`super::npt::type_flags`]; log-dirty entries
/// are write-protected (Xen keeps 4 KiB ones writable only with PML, which xen-rs does not use).
pub const fn type_rwx(t: P2mType) -> (bool, bool, bool) {
    match t {
        P2mType::RamRw | P2mType::MmioDirect => (true, true, true),
        P2mType::RamRo | P2mType::RamLogdirty | P2mType::RamShared => (true, false, true),
        P2mType::GrantMapRo | P2mType::IoreqServer => (true, false, false),
        P2mType::GrantMapRw | P2mType::MapForeign => (true, true, false),
        _ => (false, false, false),
    }
}

fn is_present(raw: u64) -> bool {
    EptFlags::from_bits_truncate(raw).intersects(EptFlags::R | EptFlags::W | EptFlags::X)
}

fn leaf_emt(p2mt: P2mType) -> u64 {
    let emt = if p2mt == P2mType::MmioDirect {
        MTRR_TYPE_UNCACHABLE
    } else {
        MTRR_TYPE_WRBACK
    };
    (emt << EMT_SHIFT) | EptFlags::IPAT.bits()
}

impl P2mFormat for Ept {
    const NAME: &'static str = "EPT";
    // ept_set_entry: "(u64)gfn >> ((ept->wl + 1) * EPT_TABLE_ORDER)" -> -EINVAL.
    const BEYOND_WIDTH: Errno = Errno::EINVAL;

    fn leaf(level: u32, mfn: Option<Mfn>, p2mt: P2mType, access: P2mAccess) -> u64 {
        let (tr, tw, tx) = type_rwx(p2mt);
        let (ar, aw, ax) = access.rwx();
        let mut flags = EptFlags::SUPPRESS_VE;
        flags.set(EptFlags::R, tr && ar);
        flags.set(EptFlags::W, tw && aw);
        flags.set(EptFlags::X, tx && ax);
        flags.set(EptFlags::SP, level > 0);
        let emt = if is_present(flags.bits()) {
            leaf_emt(p2mt)
        } else {
            0
        };
        let addr = mfn.map_or(0, |m| (m.0 << PAGE_SHIFT) & ADDR_MASK);
        flags.bits()
            | emt
            | addr
            | ((p2mt as u64) << TYPE_SHIFT)
            | ((access as u64) << ACCESS_SHIFT)
    }

    /// Xen's `ept_set_middle_entry`: full rights, the default access, #VE suppressed.
    fn table(_level: u32, mfn: Mfn) -> u64 {
        ((mfn.0 << PAGE_SHIFT) & ADDR_MASK)
            | (EptFlags::R | EptFlags::W | EptFlags::X | EptFlags::SUPPRESS_VE).bits()
            | ((P2mAccess::Rwx as u64) << ACCESS_SHIFT)
    }

    fn decode(level: u32, raw: u64) -> Entry {
        if raw == 0 {
            return Entry::Empty;
        }
        let flags = EptFlags::from_bits_truncate(raw);
        let recalc = flags.contains(EptFlags::RECALC);
        let mfn = Mfn((raw & ADDR_MASK) >> PAGE_SHIFT);
        if level > 0 && !flags.contains(EptFlags::SP) {
            return if is_present(raw) {
                Entry::Table { mfn, recalc }
            } else {
                Entry::Empty
            };
        }
        let (Some(p2mt), Some(access)) = (
            P2mType::from_number((raw >> TYPE_SHIFT) & 0x3f),
            P2mAccess::from_number((raw >> ACCESS_SHIFT) & 0xf),
        ) else {
            return Entry::Empty;
        };
        if p2mt == P2mType::Invalid {
            return Entry::Empty;
        }
        Entry::Leaf {
            mfn: p2mt.has_frame().then_some(mfn),
            p2mt,
            access,
            recalc,
        }
    }

    fn mark_recalc(raw: u64) -> u64 {
        if !is_present(raw) {
            // Non-present entries already fault (violations) and hold no changeable type.
            return raw;
        }
        (raw & !EMT_MASK) | (MTRR_NUM_TYPES << EMT_SHIFT) | EptFlags::RECALC.bits()
    }

    fn clear_recalc(level: u32, raw: u64) -> u64 {
        if !is_present(raw) {
            return raw;
        }
        let is_leaf = level == 0 || raw & EptFlags::SP.bits() != 0;
        if is_leaf {
            let p2mt = P2mType::from_number((raw >> TYPE_SHIFT) & 0x3f).unwrap_or(P2mType::RamRw);
            (raw & !(EMT_MASK | (EptFlags::IPAT | EptFlags::RECALC).bits())) | leaf_emt(p2mt)
        } else {
            raw & !(EMT_MASK | EptFlags::RECALC.bits())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The permission bits as the SDM numbers them, for writing expected entries by hand.
    const EPT_R: u64 = 1;
    const EPT_W: u64 = 1 << 1;
    const EPT_X: u64 = 1 << 2;

    #[test]
    fn ram_leaf_matches_the_sdm_layout() {
        // 4 KiB, mfn 0x12345, rwx, write-back (6 << 3), ignore-PAT, type ram_rw (0), access rwx (7),
        // suppress #VE: SDM vol. 3 table 29-6 plus Xen's software fields.
        let raw = Ept::leaf(0, Some(Mfn(0x12345)), P2mType::RamRw, P2mAccess::Rwx);
        assert_eq!(raw, 0x9c00_0000_1234_5077);
        assert_eq!(
            Ept::decode(0, raw),
            Entry::Leaf {
                mfn: Some(Mfn(0x12345)),
                p2mt: P2mType::RamRw,
                access: P2mAccess::Rwx,
                recalc: false
            }
        );
    }

    #[test]
    fn superpage_and_table_entries() {
        // A 1 GiB log-dirty leaf: read+execute, superpage bit 7, type 2.
        let raw = Ept::leaf(2, Some(Mfn(0x4_0000)), P2mType::RamLogdirty, P2mAccess::Rwx);
        assert_eq!(raw & 0xff, 0xf5);
        assert_eq!((raw >> 52) & 0x3f, 2);
        // A table pointer (ept_set_middle_entry): rwx, memory type bits 3-7 zero (reserved in
        // non-leaf entries), the default access rwx in bits 58-61, #VE suppressed.
        assert_eq!(Ept::table(3, Mfn(0xabc)), 0x9c00_0000_00ab_c007);
        assert_eq!(
            Ept::decode(3, 0x9c00_0000_00ab_c007),
            Entry::Table {
                mfn: Mfn(0xabc),
                recalc: false
            }
        );
    }

    #[test]
    fn each_type_gets_xens_permissions() {
        // ept_p2m_type_to_flags: r/w/x per type, with full access.
        let expect = [
            (P2mType::RamRw, EPT_R | EPT_W | EPT_X),
            (P2mType::MmioDirect, EPT_R | EPT_W | EPT_X),
            (P2mType::RamRo, EPT_R | EPT_X),
            (P2mType::RamLogdirty, EPT_R | EPT_X),
            (P2mType::RamShared, EPT_R | EPT_X),
            (P2mType::GrantMapRo, EPT_R),
            (P2mType::IoreqServer, EPT_R),
            (P2mType::GrantMapRw, EPT_R | EPT_W),
            (P2mType::MapForeign, EPT_R | EPT_W),
            (P2mType::PopulateOnDemand, 0),
            (P2mType::MmioDm, 0),
        ];
        for (t, rwx) in expect {
            let mfn = t.has_frame().then_some(Mfn(1));
            assert_eq!(Ept::leaf(0, mfn, t, P2mAccess::Rwx) & 7, rwx, "{t:?}");
        }
    }

    #[test]
    fn recalculation_leaves_non_present_entries_alone() {
        // A PoD entry has no permissions: it faults as a violation already.
        let pod = Ept::leaf(1, None, P2mType::PopulateOnDemand, P2mAccess::Rwx);
        assert_eq!(Ept::mark_recalc(pod), pod);
        assert_eq!(Ept::clear_recalc(1, pod), pod);
        // Any one permission makes an entry present.
        for access in [P2mAccess::R, P2mAccess::W, P2mAccess::X] {
            let raw = Ept::leaf(0, Some(Mfn(1)), P2mType::RamRw, access);
            assert_ne!(Ept::mark_recalc(raw), raw, "{access:?}");
        }
    }

    #[test]
    fn access_restricts_the_hardware_permissions() {
        let raw = Ept::leaf(0, Some(Mfn(1)), P2mType::RamRw, P2mAccess::Rx);
        assert_eq!(raw & 7, (EPT_R | EPT_X));
        let raw = Ept::leaf(0, Some(Mfn(1)), P2mType::RamRw, P2mAccess::N);
        assert_eq!(raw & 7, 0);
        assert!(matches!(
            Ept::decode(0, raw),
            Entry::Leaf {
                access: P2mAccess::N,
                ..
            }
        ));
    }

    #[test]
    fn recalc_marks_use_the_invalid_memory_type() {
        let raw = Ept::leaf(0, Some(Mfn(1)), P2mType::RamRw, P2mAccess::Rwx);
        let marked = Ept::mark_recalc(raw);
        assert_eq!((marked & EMT_MASK) >> EMT_SHIFT, MTRR_NUM_TYPES);
        assert!(matches!(
            Ept::decode(0, marked),
            Entry::Leaf { recalc: true, .. }
        ));
        assert_eq!(Ept::clear_recalc(0, marked), raw);
        // Clearing gives each type its memory type back: MMIO is uncacheable again.
        for t in [
            P2mType::MmioDirect,
            P2mType::RamLogdirty,
            P2mType::GrantMapRo,
        ] {
            let raw = Ept::leaf(1, Some(Mfn(0x200)), t, P2mAccess::Rwx);
            assert_eq!(Ept::clear_recalc(1, Ept::mark_recalc(raw)), raw, "{t:?}");
        }
        let table = Ept::table(2, Mfn(5));
        let marked = Ept::mark_recalc(table);
        assert_eq!(
            Ept::decode(2, marked),
            Entry::Table {
                mfn: Mfn(5),
                recalc: true
            }
        );
        assert_eq!(Ept::clear_recalc(2, marked), table);
    }

    #[test]
    fn every_type_and_access_round_trips() {
        for t in P2mType::ALL.into_iter().filter(|&t| t != P2mType::Invalid) {
            for a in P2mAccess::ALL {
                for level in 0..3 {
                    let mfn = t.has_frame().then_some(Mfn(0x4_0000));
                    let raw = Ept::leaf(level, mfn, t, a);
                    assert_eq!(
                        Ept::decode(level, raw),
                        Entry::Leaf {
                            mfn,
                            p2mt: t,
                            access: a,
                            recalc: false
                        },
                        "{t:?} {a:?} at level {level}"
                    );
                }
            }
        }
    }
}
