//! The physical memory that boot hands to the domain heap: the usable RAM of the memory map, cut to
//! whole 4 KiB frames, minus everything that is in use (the first MiB, the image, the modules, the
//! boot information), as Xen's __start_xen does before init_boot_pages.
//!
//! Fixed capacity, no allocation: this runs before any heap exists. The set keeps its ranges sorted,
//! disjoint, non-adjacent and frame-aligned. Running out of slots never makes it unsound: memory that
//! does not fit is left out (and counted in [`FreeRanges::lost_bytes`]), never reserved memory let in.

use core::fmt;

/// The size of a machine frame.
pub const PAGE_SIZE: u64 = 4096;

/// The low memory Xen keeps away from the heap (real-mode structures, BIOS data, trampolines).
pub const LOW_MEMORY_END: u64 = 0x10_0000;

/// The start of the last frame of the 64-bit address space (where rounding up saturates).
const TOP_FRAME: u64 = !(PAGE_SIZE - 1);

/// A half-open range of physical addresses, `[start, end)`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PhysRange {
    /// First byte.
    pub start: u64,
    /// First byte past the range.
    pub end: u64,
}

impl PhysRange {
    /// `[start, end)`; an `end` below `start` gives an empty range.
    pub const fn new(start: u64, end: u64) -> Self {
        PhysRange {
            start,
            end: if end < start { start } else { end },
        }
    }

    /// Bytes in the range.
    pub const fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Whether the range holds no byte.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The whole frames inside the range.
    pub const fn shrink_to_frames(&self) -> PhysRange {
        let start = match self.start.checked_next_multiple_of(PAGE_SIZE) {
            Some(s) => s,
            None => TOP_FRAME,
        };
        PhysRange::new(start, self.end & !(PAGE_SIZE - 1))
    }

    /// The frames the range touches.
    pub const fn grow_to_frames(&self) -> PhysRange {
        let end = match self.end.checked_next_multiple_of(PAGE_SIZE) {
            Some(e) => e,
            None => TOP_FRAME,
        };
        PhysRange::new(self.start & !(PAGE_SIZE - 1), end)
    }
}

impl fmt::Display for PhysRange {
    /// Xen's style: inclusive bounds, `[0000000000100000, 000000003fffffff]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{:016x}, {:016x}]",
            self.start,
            self.end.saturating_sub(1)
        )
    }
}

/// The free memory for the heap, as at most `N` ranges.
#[derive(Clone, Copy)]
pub struct FreeRanges<const N: usize> {
    ranges: [PhysRange; N],
    len: usize,
    lost_bytes: u64,
}

impl<const N: usize> Default for FreeRanges<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FreeRanges<N> {
    /// An empty set.
    pub const fn new() -> Self {
        FreeRanges {
            ranges: [PhysRange { start: 0, end: 0 }; N],
            len: 0,
            lost_bytes: 0,
        }
    }

    /// The ranges, sorted by address.
    pub fn iter(&self) -> impl Iterator<Item = PhysRange> + '_ {
        self.ranges[..self.len].iter().copied()
    }

    /// The number of ranges.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no memory is free.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of free frames.
    pub fn frames(&self) -> u64 {
        self.iter().map(|r| r.len() / PAGE_SIZE).sum()
    }

    /// Free memory left out because the set ran out of slots.
    pub fn lost_bytes(&self) -> u64 {
        self.lost_bytes
    }

    fn push_or_lose(&mut self, range: PhysRange) {
        if self.len < N {
            self.ranges[self.len] = range;
            self.len += 1;
        } else {
            self.lost_bytes += range.len();
        }
    }

    /// Adds usable RAM (only its whole frames). Add all usable RAM before reserving anything: a later
    /// add would bring reserved memory back.
    pub fn add_usable(&mut self, range: PhysRange) {
        let mut new = range.shrink_to_frames();
        if new.is_empty() {
            return;
        }
        let old = *self;
        self.len = 0;
        let mut inserted = false;
        for piece in old.iter() {
            if piece.end < new.start {
                self.push_or_lose(piece);
            } else if piece.start > new.end {
                if !inserted {
                    self.push_or_lose(new);
                    inserted = true;
                }
                self.push_or_lose(piece);
            } else {
                // Overlapping or touching: merge into the new range.
                new = PhysRange::new(new.start.min(piece.start), new.end.max(piece.end));
            }
        }
        if !inserted {
            self.push_or_lose(new);
        }
    }

    /// Takes a range (and every frame it touches) out of the free memory.
    pub fn reserve(&mut self, range: PhysRange) {
        let cut = range.grow_to_frames();
        if cut.is_empty() {
            return;
        }
        let old = *self;
        self.len = 0;
        for piece in old.iter() {
            let below = PhysRange::new(piece.start, piece.end.min(cut.start));
            let above = PhysRange::new(piece.start.max(cut.end), piece.end);
            for part in [below, above] {
                if !part.is_empty() {
                    self.push_or_lose(part);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const MIB: u64 = 1 << 20;

    #[test]
    fn qemu_like_map_minus_low_memory_image_and_module() {
        let mut free = FreeRanges::<16>::new();
        free.add_usable(PhysRange::new(0, 0x9fc00));
        free.add_usable(PhysRange::new(MIB, 1024 * MIB - 128 * 1024));
        free.reserve(PhysRange::new(0, LOW_MEMORY_END));
        free.reserve(PhysRange::new(2 * MIB, 2 * MIB + 0x2_3456)); // image
        free.reserve(PhysRange::new(0x40_0000, 0x40_0017)); // a 23-byte module
        let got: Vec<_> = free.iter().collect();
        assert_eq!(
            got,
            [
                PhysRange::new(MIB, 2 * MIB),
                PhysRange::new(2 * MIB + 0x2_4000, 0x40_0000),
                PhysRange::new(0x40_1000, 1024 * MIB - 128 * 1024),
            ]
        );
        let expected_frames = (1024 * MIB - 128 * 1024 - MIB) / PAGE_SIZE - 0x24 - 1;
        assert_eq!(free.frames(), expected_frames);
    }

    #[test]
    fn partial_frames_are_never_free() {
        let mut free = FreeRanges::<4>::new();
        free.add_usable(PhysRange::new(0x1001, 0x3fff));
        assert_eq!(
            free.iter().collect::<Vec<_>>(),
            [PhysRange::new(0x2000, 0x3000)]
        );
        free.add_usable(PhysRange::new(0x5000, 0x5fff));
        assert_eq!(free.len(), 1, "less than a frame adds nothing");
    }

    #[test]
    fn touching_ranges_merge() {
        let mut free = FreeRanges::<4>::new();
        free.add_usable(PhysRange::new(0x3000, 0x4000));
        free.add_usable(PhysRange::new(0x1000, 0x2000));
        free.add_usable(PhysRange::new(0x2000, 0x3000));
        assert_eq!(
            free.iter().collect::<Vec<_>>(),
            [PhysRange::new(0x1000, 0x4000)]
        );
    }

    #[test]
    fn full_set_loses_memory_but_never_lets_reserved_memory_in() {
        let mut free = FreeRanges::<1>::new();
        free.add_usable(PhysRange::new(0, 0x10000));
        free.reserve(PhysRange::new(0x4000, 0x5000));
        assert_eq!(free.iter().collect::<Vec<_>>(), [PhysRange::new(0, 0x4000)]);
        assert_eq!(free.lost_bytes(), 0xb000);
    }

    #[test]
    fn display_is_inclusive_like_xen() {
        assert_eq!(
            std::format!("{}", PhysRange::new(0x10_0000, 0x4000_0000)),
            "[0000000000100000, 000000003fffffff]"
        );
    }

    #[test]
    fn ranges_at_the_top_of_the_address_space() {
        let mut free = FreeRanges::<4>::new();
        free.add_usable(PhysRange::new(u64::MAX - 0x3000, u64::MAX));
        free.reserve(PhysRange::new(u64::MAX - 10, u64::MAX));
        assert!(free.iter().all(|r| r.end <= u64::MAX - 0xfff));
    }

    const PAGES: u64 = 48;

    fn arb_range() -> impl Strategy<Value = PhysRange> {
        (0..PAGES * PAGE_SIZE, 0..8 * PAGE_SIZE + 100)
            .prop_map(|(start, len)| PhysRange::new(start, start + len))
    }

    /// The reference model: a frame is free when some usable range covers all of it and no reserved
    /// range touches it.
    fn model(usable: &[PhysRange], reserved: &[PhysRange]) -> Vec<bool> {
        (0..PAGES + 16)
            .map(|p| {
                let (s, e) = (p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
                usable.iter().any(|r| r.start <= s && e <= r.end)
                    && !reserved.iter().any(|r| r.start < e && s < r.end)
            })
            .collect()
    }

    fn frames_of<const N: usize>(free: &FreeRanges<N>) -> Vec<bool> {
        (0..PAGES + 16)
            .map(|p| {
                let s = p * PAGE_SIZE;
                free.iter().any(|r| r.start <= s && s < r.end)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn matches_the_frame_model(usable in proptest::collection::vec(arb_range(), 0..12),
                                   reserved in proptest::collection::vec(arb_range(), 0..8)) {
            let mut free = FreeRanges::<64>::new();
            for &r in &usable { free.add_usable(r); }
            for &r in &reserved { free.reserve(r); }
            prop_assert_eq!(free.lost_bytes(), 0);
            prop_assert_eq!(frames_of(&free), model(&usable, &reserved));
            let want = model(&usable, &reserved).iter().filter(|&&f| f).count() as u64;
            prop_assert_eq!(free.frames(), want);
            // Shape: sorted, disjoint, not touching, frame-aligned, non-empty.
            let v: Vec<_> = free.iter().collect();
            for r in &v {
                prop_assert!(!r.is_empty());
                prop_assert_eq!(r.start % PAGE_SIZE, 0);
                prop_assert_eq!(r.end % PAGE_SIZE, 0);
            }
            for w in v.windows(2) {
                prop_assert!(w[0].end < w[1].start);
            }
        }

        #[test]
        fn small_sets_stay_sound(usable in proptest::collection::vec(arb_range(), 0..12),
                                 reserved in proptest::collection::vec(arb_range(), 0..8)) {
            let mut free = FreeRanges::<3>::new();
            for &r in &usable { free.add_usable(r); }
            for &r in &reserved { free.reserve(r); }
            let allowed = model(&usable, &reserved);
            for (page, is_free) in frames_of(&free).into_iter().enumerate() {
                prop_assert!(!is_free || allowed[page], "frame {} free but not allowed", page);
            }
        }
    }
}
