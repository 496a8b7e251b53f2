//! Per-gfn locks: what holds one guest frame steady while code works on it outside the p2m lock.
//!
//! Xen has the interface (`gfn_lock(p2m, gfn, order)` in mm-locks.h) but maps it to the whole p2m
//! lock. Here it is a real, fine-grained lock: one per 2 MiB of guest-physical space, striped over
//! [`GFN_LOCK_STRIPES`] bit spinlocks. A vCPU populating a PoD entry holds the faulting gfn's lock,
//! and so may code that uses a gfn's frame across several steps (a copy to guest memory, an
//! emulated access) and must not see it reclaimed by a PoD sweep meanwhile; the p2m lock is taken
//! inside it. Operations that hold the p2m lock throughout (decrease_reservation, type changes) do
//! not take gfn locks.
//!
//! Lock order: gfn (level 12) before p2m (16), and at most one gfn lock is waited for at a time
//! (the checker refuses a second blocking one). Code already inside the p2m lock, such as the PoD
//! sweeps, only ever *tries* a gfn lock and skips the gfn when it is busy (seed 000's suggestion):
//! a sweep that waited could wait for a vCPU that is itself waiting for the p2m lock the sweep
//! holds. Skipping is always safe, since a sweep only looks for pages to reclaim.
//!
//! Two gfns that share a stripe share a lock. That only makes skipping more conservative: a sweep
//! may pass over a frame it could have reclaimed, never reclaim one that is held.

use alloc::vec::Vec;

use crate::frame::Gfn;
use crate::lock_order::GFN;
use crate::sync::{BitLock, BitLockGuard};

/// Guest frames under one lock: a 2 MiB region, the largest mapping a PoD populate writes.
pub const GFN_LOCK_SHIFT: u32 = 9;
/// Locks per p2m.
pub const GFN_LOCK_STRIPES: usize = 64;

/// The gfn locks of one p2m.
pub struct GfnLocks {
    stripes: Vec<BitLock>,
}

/// A held gfn lock; dropping it releases the lock.
pub struct GfnGuard<'a> {
    _guard: BitLockGuard<'a>,
}

impl Default for GfnLocks {
    fn default() -> Self {
        Self::new()
    }
}

impl GfnLocks {
    /// All locks free.
    pub fn new() -> Self {
        GfnLocks {
            stripes: (0..GFN_LOCK_STRIPES).map(|_| BitLock::new(GFN)).collect(),
        }
    }

    /// The stripe that guards `gfn`.
    pub fn stripe(gfn: Gfn) -> usize {
        ((gfn.0 >> GFN_LOCK_SHIFT) % GFN_LOCK_STRIPES as u64) as usize
    }

    /// Takes `gfn`'s lock, waiting for it (`gfn_lock`). Must be taken before the p2m lock.
    pub fn lock(&self, gfn: Gfn) -> GfnGuard<'_> {
        GfnGuard {
            _guard: self.stripes[Self::stripe(gfn)].lock(),
        }
    }

    /// Takes `gfn`'s lock only if it is free, from anywhere in the order: `None` means someone,
    /// possibly this CPU, holds it.
    pub fn try_lock(&self, gfn: Gfn) -> Option<GfnGuard<'_>> {
        Some(GfnGuard {
            _guard: self.stripes[Self::stripe(gfn)].try_lock()?,
        })
    }
}
