//! Machine frames and how xen-mm reaches their contents.

use core::fmt;
use core::ops::Add;

/// log2 of the frame size.
pub const PAGE_SHIFT: u32 = 12;
/// The size of a frame in bytes.
pub const PAGE_SIZE: u64 = 1 << PAGE_SHIFT;
/// 64-bit words in a frame.
pub const WORDS_PER_FRAME: usize = (PAGE_SIZE / 8) as usize;

/// A machine frame number: a physical address shifted right by [`PAGE_SHIFT`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mfn(pub u64);

impl Mfn {
    /// The frame holding physical address `paddr`.
    pub const fn from_paddr(paddr: u64) -> Mfn {
        Mfn(paddr >> PAGE_SHIFT)
    }

    /// The physical address of the frame's first byte.
    pub const fn paddr(self) -> u64 {
        self.0 << PAGE_SHIFT
    }
}

impl Add<u64> for Mfn {
    type Output = Mfn;
    fn add(self, frames: u64) -> Mfn {
        Mfn(self.0 + frames)
    }
}

impl fmt::Debug for Mfn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mfn {:#x}", self.0)
    }
}

impl fmt::Display for Mfn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// A guest frame number: a guest-physical address shifted right by [`PAGE_SHIFT`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Gfn(pub u64);

impl Gfn {
    /// The guest frame holding guest-physical address `gpa`.
    pub const fn from_gpa(gpa: u64) -> Gfn {
        Gfn(gpa >> PAGE_SHIFT)
    }
}

impl Add<u64> for Gfn {
    type Output = Gfn;
    fn add(self, frames: u64) -> Gfn {
        Gfn(self.0 + frames)
    }
}

impl fmt::Debug for Gfn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gfn {:#x}", self.0)
    }
}

/// How xen-mm reads and writes frame contents. The hypervisor implements it over its direct map;
/// host tests over an arena. xen-mm never forms a pointer to a frame itself.
///
/// Methods take `&self` because different CPUs touch different frames at once; the caller makes sure
/// no two CPUs write the same word concurrently (a frame being scrubbed is owned by the scrubber).
///
/// Words are single-copy atomic: [`write_u64`](Self::write_u64) is a release store and
/// [`read_u64`](Self::read_u64) an acquire load, so a walker that reads a newly published page-table
/// entry without a lock sees the table it points to fully initialised (p2m lock-free lookups rely on
/// it, as Xen's unlocked `get_gfn_query_unlocked` relies on `write_atomic` of entries).
pub trait FrameAccess: Sync {
    /// Fills the frame with zeroes.
    fn zero_frame(&self, mfn: Mfn);
    /// Reads the `index`th 64-bit word of the frame (`index < WORDS_PER_FRAME`).
    fn read_u64(&self, mfn: Mfn, index: usize) -> u64;
    /// Writes the `index`th 64-bit word of the frame.
    fn write_u64(&self, mfn: Mfn, index: usize, value: u64);
    /// Atomically replaces word `index` with `new` if it still holds `current` (a sequentially
    /// consistent compare-and-exchange): `Ok(current)` if it did, else `Err(what it holds)`. The
    /// words a guest shares with the hypervisor (event-channel bitmaps, FIFO event words,
    /// vcpu_info's upcall flags) change under both at once, so every update of them is one of
    /// these, as Xen's `guest_test_and_set_bit` and `guest_cmpxchg` are locked instructions.
    fn compare_exchange_u64(
        &self,
        mfn: Mfn,
        index: usize,
        current: u64,
        new: u64,
    ) -> Result<u64, u64>;
    /// Atomically sets `bits` in word `index`; returns the word before (Xen's `test_and_set_bit`
    /// asks it for one bit).
    fn fetch_or_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        let mut old = self.read_u64(mfn, index);
        loop {
            match self.compare_exchange_u64(mfn, index, old, old | bits) {
                Ok(_) => return old,
                Err(now) => old = now,
            }
        }
    }
    /// Atomically clears `bits` in word `index`; returns the word before.
    fn fetch_and_not_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        let mut old = self.read_u64(mfn, index);
        loop {
            match self.compare_exchange_u64(mfn, index, old, old & !bits) {
                Ok(_) => return old,
                Err(now) => old = now,
            }
        }
    }
    /// Whether every byte of the frame is zero.
    fn frame_is_zero(&self, mfn: Mfn) -> bool {
        (0..WORDS_PER_FRAME).all(|i| self.read_u64(mfn, i) == 0)
    }
    /// Copies `buf.len()` bytes out of the frame from byte `offset`; the range must lie inside the
    /// frame. Guest-memory copies use it (a guest buffer need not be word-aligned).
    fn read_bytes(&self, mfn: Mfn, offset: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            let at = offset + i;
            *b = self.read_u64(mfn, at / 8).to_le_bytes()[at % 8];
        }
    }
    /// Copies `data` into the frame from byte `offset`; the range must lie inside the frame. The
    /// default reads and rewrites whole words, so it is for frames nobody else writes meanwhile;
    /// the hypervisor's direct map writes bytes directly.
    fn write_bytes(&self, mfn: Mfn, offset: usize, data: &[u8]) {
        for (i, &b) in data.iter().enumerate() {
            let at = offset + i;
            let mut word = self.read_u64(mfn, at / 8).to_le_bytes();
            word[at % 8] = b;
            self.write_u64(mfn, at / 8, u64::from_le_bytes(word));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Words(std::sync::Mutex<[u64; WORDS_PER_FRAME]>);

    impl FrameAccess for Words {
        fn zero_frame(&self, _: Mfn) {
            *self.0.lock().unwrap() = [0; WORDS_PER_FRAME];
        }
        fn read_u64(&self, _: Mfn, index: usize) -> u64 {
            self.0.lock().unwrap()[index]
        }
        fn write_u64(&self, _: Mfn, index: usize, value: u64) {
            self.0.lock().unwrap()[index] = value;
        }
        fn compare_exchange_u64(&self, _: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
            let mut words = self.0.lock().unwrap();
            if words[i] != cur {
                return Err(words[i]);
            }
            words[i] = new;
            Ok(cur)
        }
    }

    #[test]
    fn byte_copies_are_little_endian_and_leave_neighbours_alone() {
        let f = Words(std::sync::Mutex::new([0; WORDS_PER_FRAME]));
        f.write_u64(Mfn(0), 1, 0x1122_3344_5566_7788);
        let mut buf = [0u8; 4];
        f.read_bytes(Mfn(0), 6, &mut buf);
        assert_eq!(buf, [0, 0, 0x88, 0x77]);
        f.write_bytes(Mfn(0), 7, &[0xaa, 0xbb]);
        assert_eq!(f.read_u64(Mfn(0), 0), 0xaa00_0000_0000_0000);
        assert_eq!(f.read_u64(Mfn(0), 1), 0x1122_3344_5566_77bb);
    }

    #[test]
    fn bit_updates_return_the_word_before_and_touch_only_their_bits() {
        let f = Words(std::sync::Mutex::new([0; WORDS_PER_FRAME]));
        f.write_u64(Mfn(0), 3, 0b1010);
        // Overlapping bits: set stays set.
        assert_eq!(f.fetch_or_u64(Mfn(0), 3, 0b0110), 0b1010);
        assert_eq!(f.read_u64(Mfn(0), 3), 0b1110);
        assert_eq!(f.fetch_or_u64(Mfn(0), 3, 0b0001), 0b1110);
        assert_eq!(f.read_u64(Mfn(0), 3), 0b1111);
        assert_eq!(f.fetch_and_not_u64(Mfn(0), 3, 0b0110), 0b1111);
        assert_eq!(f.read_u64(Mfn(0), 3), 0b1001);
        assert_eq!(f.compare_exchange_u64(Mfn(0), 3, 0, 7), Err(0b1001));
        assert_eq!(f.read_u64(Mfn(0), 3), 0b1001);
        assert_eq!(f.read_u64(Mfn(0), 2), 0);
    }

    #[test]
    fn addresses_and_frames() {
        assert_eq!(Mfn::from_paddr(0x12_3456).0, 0x123);
        assert_eq!(Mfn(0x123).paddr(), 0x12_3000);
        assert_eq!(Mfn(1) + 2, Mfn(3));
        assert_eq!(Gfn::from_gpa(0xfee0_0abc), Gfn(0xfee00));
        assert_eq!(Gfn(7) + 2, Gfn(9));
    }

    #[test]
    fn frames_print_as_xen_prints_them() {
        use alloc::format;
        // Hex, as Xen prints frame numbers; the Debug form also says which kind of frame it is.
        assert_eq!(format!("{:?}", Mfn(0x1f)), "mfn 0x1f");
        assert_eq!(format!("{}", Mfn(0x1f)), "0x1f");
        assert_eq!(format!("{:?}", Gfn(0x2a)), "gfn 0x2a");
    }

    #[test]
    fn a_frame_is_zero_only_if_every_word_is() {
        let f = Words(std::sync::Mutex::new([0; WORDS_PER_FRAME]));
        assert!(f.frame_is_zero(Mfn(0)));
        f.write_u64(Mfn(0), WORDS_PER_FRAME - 1, 1 << 63);
        assert!(!f.frame_is_zero(Mfn(0)));
        f.zero_frame(Mfn(0));
        assert!(f.frame_is_zero(Mfn(0)));
    }
}
