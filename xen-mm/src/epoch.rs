//! Deferred freeing for lock-free readers: a two-epoch scheme (in the spirit of Xen's RCU), used by
//! p2m walkers that take no lock.
//!
//! One atomic word holds the epoch and two reader counts: readers that entered in the current epoch
//! and readers still inside from the previous one.
//!
//! - A reader enters with one `fetch_add` (registering in the current epoch) and leaves by
//!   decrementing the count of the epoch it entered in (current, or previous if it has moved on).
//! - A writer that unlinks a frame readers may reach retires it *after* the unlinking store, tagging
//!   it with the epoch read by an RMW on the word ([`Epochs::retire`]).
//! - The epoch may advance only when no reader of the previous epoch remains, so a reader is never
//!   more than one epoch behind. A frame tagged `t` is safe to free once the epoch is `t + 2`, or
//!   `t + 1` with no reader left from `t` ([`Epochs::reclaimable`]).
//!
//! Why it holds: every operation is an RMW or load on the same word, so they are totally ordered
//! by its modification order. A reader whose registration comes after the writer's tagging RMW
//! synchronises with it (release sequence) and so sees the unlink: it cannot reach the frame. A
//! reader registered before it entered in an epoch no later than the tag, and holds the frame back
//! until it leaves. This needs only acquire/release, which loom checks exactly; per-CPU reader slots
//! would scale better but rely on sequentially consistent store-to-load ordering, which loom
//! cannot check.

use crate::sync::atomic::{AtomicU64, Ordering};

const EPOCH_SHIFT: u32 = 32;
const CUR_SHIFT: u32 = 16;
const COUNT_MASK: u64 = 0xffff;

fn epoch(word: u64) -> u64 {
    word >> EPOCH_SHIFT
}
fn current_readers(word: u64) -> u64 {
    (word >> CUR_SHIFT) & COUNT_MASK
}
fn previous_readers(word: u64) -> u64 {
    word & COUNT_MASK
}

/// The epoch word.
pub struct Epochs {
    word: AtomicU64,
}

impl Default for Epochs {
    fn default() -> Self {
        Self::new()
    }
}

impl Epochs {
    /// Epoch 1, no reader.
    pub fn new() -> Self {
        Epochs {
            word: AtomicU64::new(1 << EPOCH_SHIFT),
        }
    }

    /// Enters a read-side section (at most 65535 readers at once).
    pub fn enter(&self) -> ReadGuard<'_> {
        let word = self.word.fetch_add(1 << CUR_SHIFT, Ordering::Acquire);
        ReadGuard {
            epochs: self,
            entered: epoch(word),
        }
    }

    fn leave(&self, entered: u64) {
        let mut word = self.word.load(Ordering::Relaxed);
        loop {
            // The epoch cannot have moved twice while this reader was inside.
            let new = if epoch(word) == entered {
                word - (1 << CUR_SHIFT)
            } else {
                word - 1
            };
            match self
                .word
                .compare_exchange_weak(word, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(seen) => word = seen,
            }
        }
    }

    /// Called after unlinking a frame: the tag to retire it with.
    pub fn retire(&self) -> u64 {
        epoch(self.word.fetch_add(0, Ordering::AcqRel))
    }

    /// Moves to the next epoch if no reader of the previous one remains. Returns whether it did.
    pub fn advance(&self) -> bool {
        let word = self.word.load(Ordering::Acquire);
        if previous_readers(word) != 0 {
            return false;
        }
        let new = ((epoch(word) + 1) << EPOCH_SHIFT) | current_readers(word);
        self.word
            .compare_exchange(word, new, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    /// Whether a frame retired with `tag` can no longer be reached by any reader.
    pub fn reclaimable(&self, tag: u64) -> bool {
        let word = self.word.load(Ordering::Acquire);
        epoch(word) >= tag + 2 || (epoch(word) == tag + 1 && previous_readers(word) == 0)
    }
}

/// An active read-side section; dropping it leaves.
pub struct ReadGuard<'a> {
    epochs: &'a Epochs,
    entered: u64,
}

impl Drop for ReadGuard<'_> {
    fn drop(&mut self) {
        self.epochs.leave(self.entered);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_reader_inside_holds_back_what_was_retired_while_it_could_see_it() {
        let e = Epochs::new();
        let before = e.retire();
        assert!(e.advance());
        assert!(e.reclaimable(before), "no reader: free after one advance");
        let guard = e.enter();
        let during = e.retire();
        assert!(e.advance(), "the reader moves to 'previous'");
        assert!(!e.reclaimable(during), "it may still hold the frame");
        assert!(!e.advance(), "cannot leave a reader two epochs behind");
        drop(guard);
        assert!(e.reclaimable(during));
        let late = e.enter();
        let after = e.retire();
        drop(late);
        assert!(e.advance());
        assert!(e.reclaimable(after));
    }
}
