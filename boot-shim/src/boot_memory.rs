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

// ----------------------------------------------------------------------------------------------
// Moving the boot modules out of the way (xen/arch/x86/setup.c, `__start_xen`).

/// 2 MiB: Xen relocates modules only into 2 MiB-aligned RAM (`L2_PAGETABLE_SHIFT`), from
/// `PREBUILT_MAP_LIMIT` (2 MiB) up.
pub const SUPERPAGE: u64 = 1 << 21;

/// setup.c `consider_modules`: the end of the highest place for `size` bytes inside `[s, e)` that
/// overlaps none of `obstacles` (except the one at `skip`), as Xen's recursion finds it: at the
/// first obstacle overlapping `[s, e)`, the space above it is tried first, then the space below
/// it, each against the obstacles after it only (those before it do not overlap `[s, e)`). 0 when
/// there is no such place.
pub fn consider_modules(
    s: u64,
    e: u64,
    size: u64,
    obstacles: &[PhysRange],
    skip: Option<usize>,
) -> u64 {
    if s > e || e - s < size {
        return 0;
    }
    for (i, o) in obstacles.iter().enumerate() {
        if Some(i) == skip {
            continue;
        }
        let (start, end) = (o.start & !(PAGE_SIZE - 1), o.grow_to_frames().end);
        if s < end && start < e {
            let rest = &obstacles[i + 1..];
            let skip = skip.and_then(|k| k.checked_sub(i + 1));
            let above = consider_modules(end, e, size, rest, skip);
            if above != 0 {
                return above;
            }
            return consider_modules(s, start, size, rest, skip);
        }
    }
    e
}

/// Where `__start_xen` (xen/arch/x86/setup.c, "Is the region suitable for relocating the
/// multiboot modules?") moves the boot modules: RAM entries from the highest down, each cut to
/// whole 2 MiB pages from 2 MiB (`PREBUILT_MAP_LIMIT`) and to `limit`; in each, the modules not
/// yet moved, last first, each to the top of the highest place [`consider_modules`] finds clear of
/// the other modules (where they are now) and of `fixed` (the hypervisor's image, as Xen adds its
/// own relocated image to the list), and only upwards (`(end - size) >> PAGE_SHIFT > mod_start`).
/// `modules` holds each module's range and is updated in place; `on_move(j, from, to)` is called
/// as each move is decided, before the next is considered (the caller copies the bytes then, as
/// Xen's `move_memory` does: a later move may take the place an earlier one left); the result
/// says which moved.
///
/// Xen moves them so that they are out of the way of what it puts low (its own image, and a PV
/// dom0's initial mapping); xen-rs moves them so that the RAM where PVH kernels load (Linux at
/// 16 MiB) stays free for a direct-mapped dom0. `limit` is 4 GiB for xen-rs: Multiboot2 module
/// tags hold 32-bit addresses and the boot page tables map the first 4 GiB. Module 0 gets no
/// `bzimage_headroom`: xen-rs decompresses a kernel into a heap buffer, not in place.
pub fn relocate_modules<const N: usize>(
    ram: impl DoubleEndedIterator<Item = PhysRange>,
    fixed: &[PhysRange],
    modules: &mut [PhysRange],
    limit: u64,
    mut on_move: impl FnMut(usize, PhysRange, PhysRange),
) -> [bool; N] {
    let mut moved = [false; N];
    let n = modules.len().min(N);
    let mut obstacles = [PhysRange::default(); N];
    let nfixed = fixed.len().min(N.saturating_sub(n));
    for region in ram.rev() {
        let s = region
            .start
            .checked_next_multiple_of(SUPERPAGE)
            .unwrap_or(u64::MAX)
            .max(SUPERPAGE);
        let e = (region.end & !(SUPERPAGE - 1)).min(limit);
        if s >= e {
            continue;
        }
        for j in (0..n).rev() {
            if moved[j] {
                continue;
            }
            let m = modules[j];
            let offset = m.start % PAGE_SIZE;
            let Some(size) = (m.end - m.start + offset).checked_next_multiple_of(PAGE_SIZE) else {
                continue;
            };
            obstacles[..n].copy_from_slice(&modules[..n]);
            obstacles[n..n + nfixed].copy_from_slice(&fixed[..nfixed]);
            let end = consider_modules(s, e, size, &obstacles[..n + nfixed], Some(j));
            if s < end && (end - size) / PAGE_SIZE > m.start / PAGE_SIZE {
                let start = end - size + offset;
                modules[j] = PhysRange::new(start, start + (m.end - m.start));
                moved[j] = true;
                on_move(j, m, modules[j]);
            }
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const MIB: u64 = 1 << 20;

    /// setup.c consider_modules: the top of the range when nothing is in the way; above the
    /// first obstacle if there is room, else below it.
    #[test]
    fn consider_modules_prefers_the_space_above_the_first_obstacle() {
        let r = |s: u64, e: u64| PhysRange::new(s * MIB, e * MIB);
        assert_eq!(consider_modules(0, 64 * MIB, MIB, &[], None), 64 * MIB);
        // An obstacle at [10, 20): 44 MiB above it.
        assert_eq!(
            consider_modules(0, 64 * MIB, 40 * MIB, &[r(10, 20)], None),
            64 * MIB
        );
        // 50 MiB does not fit above: below it, 10 MiB, does not either.
        assert_eq!(
            consider_modules(0, 64 * MIB, 50 * MIB, &[r(10, 20)], None),
            0
        );
        assert_eq!(
            consider_modules(0, 64 * MIB, 8 * MIB, &[r(10, 62)], None),
            10 * MIB
        );
        // The skipped obstacle is the module being placed.
        assert_eq!(
            consider_modules(0, 64 * MIB, 8 * MIB, &[r(10, 62)], Some(0)),
            64 * MIB
        );
        // Two obstacles: above the first, the second is in the way, so [20, 30).
        assert_eq!(
            consider_modules(0, 64 * MIB, 8 * MIB, &[r(10, 20), r(30, 64)], None),
            30 * MIB
        );
        // Partial frames count whole.
        assert_eq!(
            consider_modules(0, 0x10000, 0x1000, &[PhysRange::new(0xe001, 0xffff)], None),
            0xe000
        );
    }

    /// The modules GRUB put just above the image (QEMU, 1 GiB: Debian's vmlinuz and an
    /// initramfs) go to the top of the highest RAM, 2 MiB-aligned, last module highest; a
    /// module already at the top stays.
    #[test]
    fn modules_move_to_the_top_of_ram_below_the_limit() {
        let ram = [PhysRange::new(0, 0x9fc00), PhysRange::new(MIB, 0x3ffe_0000)];
        let image = PhysRange::new(2 * MIB, 0x358000);
        let mut mods = [
            PhysRange::new(0x9d_1000, 0x11a_e7c0),
            PhysRange::new(0x11a_f000, 0x1cf_cf9c),
        ];
        let moved = relocate_modules::<8>(
            ram.iter().copied(),
            &[image],
            &mut mods,
            4 << 30,
            |_, _, _| {},
        );
        assert_eq!(moved[..2], [true, true]);
        let top = 0x3fe0_0000; // 0x3ffe0000 rounded down to 2 MiB
        let size1 = (0x1cf_cf9c - 0x11a_f000u64).next_multiple_of(PAGE_SIZE);
        assert_eq!(mods[1].start, top - size1);
        assert_eq!(mods[1].len(), 0x1cf_cf9c - 0x11a_f000);
        let size0 = (0x11a_e7c0 - 0x9d_1000u64).next_multiple_of(PAGE_SIZE);
        assert_eq!(mods[0].start, mods[1].start - size0);
        assert_eq!(mods[0].len(), 0x11a_e7c0 - 0x9d_1000);
        // Again: they are where they would go, so nothing moves.
        let again = relocate_modules::<8>(
            ram.iter().copied(),
            &[image],
            &mut mods,
            4 << 30,
            |_, _, _| {},
        );
        assert_eq!(again[..2], [false, false]);
    }

    /// Only upwards, never onto the image or another module, never above the limit, and a
    /// module's offset in its page is kept.
    #[test]
    fn modules_move_only_up_and_around_what_is_fixed() {
        let ram = [
            PhysRange::new(MIB, 64 * MIB),
            PhysRange::new(4 << 30, 5 << 30),
        ];
        let image = PhysRange::new(60 * MIB, 63 * MIB);
        let mut mods = [PhysRange::new(40 * MIB + 0x10, 41 * MIB)];
        let moved = relocate_modules::<4>(
            ram.iter().copied(),
            &[image],
            &mut mods,
            4 << 30,
            |_, _, _| {},
        );
        assert!(moved[0]);
        // Above the image there is just room: [63, 64) MiB, the offset in the page kept.
        assert_eq!(mods[0].start, 63 * MIB + 0x10);
        assert_eq!(mods[0].len(), MIB - 0x10);
        // Without that room, below the image.
        let image = PhysRange::new(60 * MIB, 63 * MIB + 1);
        let mut mods = [PhysRange::new(40 * MIB, 41 * MIB)];
        relocate_modules::<4>(
            ram.iter().copied(),
            &[image],
            &mut mods,
            4 << 30,
            |_, _, _| {},
        );
        assert_eq!(mods[0], PhysRange::new(59 * MIB, 60 * MIB));
        // A module in the last page already stays.
        let mut high = [PhysRange::new(
            64 * MIB - 0x1000 + 5,
            64 * MIB - 0x1000 + 15,
        )];
        let moved =
            relocate_modules::<4>(ram.iter().copied(), &[], &mut high, 4 << 30, |_, _, _| {});
        assert!(!moved[0]);
    }

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
        /// Whatever the map and the modules: a moved module lies in RAM, in whole 2 MiB pages
        /// from 2 MiB up and below the limit, clear of the fixed ranges and of every other
        /// module, higher than it was, with its length and page offset; the others stay.
        #[test]
        fn relocated_modules_never_overlap_anything(
            ram in proptest::collection::vec((0u64..64, 1u64..32), 1..4),
            mods in proptest::collection::vec((2u64..120, 1u64..0x30_0000), 1..5),
            image in (0u64..100, 1u64..6),
        ) {
            let mut regions: Vec<PhysRange> = ram
                .iter()
                .map(|&(s, l)| PhysRange::new(s * MIB, (s + l) * MIB))
                .collect();
            regions.sort_by_key(|r| r.start);
            let image = PhysRange::new(image.0 * MIB, (image.0 + image.1) * MIB);
            // GRUB's modules do not overlap each other; lay them out one after another.
            let mut at = 0u64;
            let mut modules: Vec<PhysRange> = Vec::new();
            for &(gap, len) in &mods {
                at += gap * PAGE_SIZE + 0x10;
                modules.push(PhysRange::new(at, at + len));
                at = (at + len).next_multiple_of(PAGE_SIZE);
            }
            let before = modules.clone();
            let limit = 64 * MIB;
            // Replay the moves in order on a model of memory: each module's bytes must survive.
            let mut memory: Vec<(usize, PhysRange)> = before.iter().copied().enumerate().collect();
            let moved = relocate_modules::<8>(
                regions.iter().copied(),
                &[image],
                &mut modules,
                limit,
                |j, from, to| {
                    let at = memory.iter().position(|&(k, r)| k == j && r == from);
                    assert!(at.is_some(), "module {j} moved from where it is not");
                    memory.retain(|&(k, r)| {
                        let (r, t) = (r.grow_to_frames(), to.grow_to_frames());
                        k == j || r.end <= t.start || t.end <= r.start
                    });
                    memory.retain(|&(k, _)| k != j);
                    memory.push((j, to));
                },
            );
            prop_assert_eq!(memory.len(), before.len(), "a move overwrote another module");
            for (j, m) in modules.iter().enumerate() {
                prop_assert_eq!(m.len(), before[j].len());
                prop_assert_eq!(m.start % PAGE_SIZE, before[j].start % PAGE_SIZE);
                if !moved[j] {
                    prop_assert_eq!(*m, before[j]);
                    continue;
                }
                let frames = m.grow_to_frames();
                prop_assert!(frames.start > before[j].start & !(PAGE_SIZE - 1));
                prop_assert!(frames.start >= SUPERPAGE && frames.end <= limit);
                prop_assert!(regions.iter().any(|r| r.start <= frames.start && frames.end <= r.end));
                let g = image.grow_to_frames();
                prop_assert!(frames.end <= g.start || g.end <= frames.start);
                for (k, o) in modules.iter().enumerate() {
                    let o = o.grow_to_frames();
                    prop_assert!(k == j || frames.end <= o.start || o.end <= frames.start);
                }
            }
        }

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
