//! An in-memory stand-in for machine memory, for host tests and benchmarks: frames `[base, base +
//! frames)` backed by a vector of atomic words (atomics keep it safe to share between threads).

use crate::sync::atomic::{AtomicU64, Ordering};
use alloc::vec::Vec;

use crate::frame::{FrameAccess, Mfn, WORDS_PER_FRAME};

/// Memory for a range of frames.
pub struct ArenaFrames {
    base: u64,
    words: Vec<AtomicU64>,
}

impl ArenaFrames {
    /// Frames `[base, base + frames)`, filled with a non-zero pattern (memory at boot is not clean).
    pub fn new(base: Mfn, frames: u64) -> Self {
        let words = (0..frames as usize * WORDS_PER_FRAME)
            .map(|i| AtomicU64::new(0xdead_beef_0000_0000 | i as u64))
            .collect();
        ArenaFrames {
            base: base.0,
            words,
        }
    }

    fn word(&self, mfn: Mfn, index: usize) -> &AtomicU64 {
        assert!(
            index < WORDS_PER_FRAME,
            "word index {index} outside a frame"
        );
        let frame = (mfn.0 - self.base) as usize;
        &self.words[frame * WORDS_PER_FRAME + index]
    }
}

impl FrameAccess for ArenaFrames {
    fn zero_frame(&self, mfn: Mfn) {
        for i in 0..WORDS_PER_FRAME {
            self.word(mfn, i).store(0, Ordering::Relaxed);
        }
    }

    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        self.word(mfn, index).load(Ordering::Acquire)
    }

    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        self.word(mfn, index).store(value, Ordering::Release)
    }

    fn compare_exchange_u64(&self, mfn: Mfn, index: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.word(mfn, index)
            .compare_exchange(cur, new, Ordering::SeqCst, Ordering::SeqCst)
    }

    fn fetch_or_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.word(mfn, index).fetch_or(bits, Ordering::SeqCst)
    }

    fn fetch_and_not_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.word(mfn, index).fetch_and(!bits, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_updates_are_atomic_read_modify_writes() {
        let a = ArenaFrames::new(Mfn(0x10), 2);
        let other = a.read_u64(Mfn(0x10), 7);
        a.write_u64(Mfn(0x11), 7, 0b1010);
        assert_eq!(a.fetch_or_u64(Mfn(0x11), 7, 0b0110), 0b1010);
        assert_eq!(a.read_u64(Mfn(0x11), 7), 0b1110);
        assert_eq!(a.fetch_and_not_u64(Mfn(0x11), 7, 0b0011), 0b1110);
        assert_eq!(a.read_u64(Mfn(0x11), 7), 0b1100);
        assert_eq!(a.compare_exchange_u64(Mfn(0x11), 7, 0b1100, 5), Ok(0b1100));
        assert_eq!(a.compare_exchange_u64(Mfn(0x11), 7, 0b1100, 6), Err(5));
        assert_eq!(a.read_u64(Mfn(0x11), 7), 5);
        assert_eq!(a.read_u64(Mfn(0x10), 7), other, "another frame's word");
    }
}
