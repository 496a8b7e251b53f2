//! What the p2m needs from a hardware entry format: encoding and decoding leaves and table pointers,
//! and the mark that makes the CPU fault so that an entry's type is recalculated lazily. Implemented
//! for AMD's nested page tables ([`super::npt::Npt`]) and Intel's EPT ([`super::ept::Ept`]).
//!
//! Levels count from the leaves: level 0 entries map 4 KiB, level 1 entries 2 MiB, level 2 entries
//! 1 GiB, level 3 entries (the root table) point to level-2 tables.

use crate::errno::Errno;
use crate::frame::Mfn;
use crate::p2m::types::{P2mAccess, P2mType};

/// Levels of tables.
pub const LEVELS: u32 = 4;
/// Entries per table.
pub const ENTRIES: usize = 512;

/// A decoded entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// Nothing mapped (the all-zero entry; type `Invalid`).
    Empty,
    /// A mapping of 2^(9 * level) frames.
    Leaf {
        /// The first frame, for types that have one.
        mfn: Option<Mfn>,
        /// The type stored in the entry (before any pending recalculation).
        p2mt: P2mType,
        /// The access rights stored in the entry.
        access: P2mAccess,
        /// A global type change has marked this entry: its type must be recalculated.
        recalc: bool,
    },
    /// A pointer to the table one level down.
    Table {
        /// The table's frame.
        mfn: Mfn,
        /// A global type change has marked this subtree.
        recalc: bool,
    },
}

/// A hardware p2m entry format.
pub trait P2mFormat {
    /// The format's name, for messages.
    const NAME: &'static str;

    /// What Xen's backend returns for a gfn beyond the four levels (2^36 frames).
    const BEYOND_WIDTH: Errno;

    /// Whether `level` may hold a leaf (superpages at levels 1 and 2, pages at 0).
    fn leaf_allowed(level: u32) -> bool {
        level <= 2
    }

    /// A leaf at `level`. `mfn` is `None` exactly for types without a frame.
    fn leaf(level: u32, mfn: Option<Mfn>, p2mt: P2mType, access: P2mAccess) -> u64;

    /// A pointer to a table at `level - 1`, from an entry at `level`.
    fn table(level: u32, mfn: Mfn) -> u64;

    /// Decodes an entry found at `level`.
    fn decode(level: u32, raw: u64) -> Entry;

    /// The entry marked for recalculation (a global type change reached it). Marking is the same
    /// at every level; a non-present entry is left as it is (it faults anyway).
    fn mark_recalc(raw: u64) -> u64;

    /// The entry found at `level` with its recalculation mark cleared: its hardware bits as a
    /// clean entry of its kind has them.
    fn clear_recalc(level: u32, raw: u64) -> u64;
}
