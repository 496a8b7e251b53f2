//! The p2m against a reference model, for both hardware formats (after xen/arch/x86/mm/p2m.c
//! `p2m_set_entry`, p2m-pt.c and p2m-ept.c `*_set_entry` / `*_get_entry`).

use crate::common;

use proptest::prelude::*;
use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::errno::Errno;
use xen_mm::frame::{Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::{Lookup, P2m, Superpages};

const ALL_SIZES: Superpages = Superpages {
    two_mb: true,
    one_gb: true,
};

/// A heap for the tables only: 4096 frames is far more than any test needs.
fn table_heap() -> DomHeap<ArenaFrames> {
    common::arena_heap(0x1_0000, 4096, 1, |_| NodeId(0))
}

/// What Xen's get_entry answers for a gfn nothing maps (p2m-ept.c / p2m-pt.c `*_get_entry`).
fn unmapped() -> Lookup {
    Lookup {
        mfn: None,
        p2mt: P2mType::MmioDm,
        access: P2mAccess::N,
        order: 0,
    }
}

fn check_basics<F: P2mFormat>() {
    let h = table_heap();
    let free0 = h.physinfo().free_pages;
    let p2m = P2m::<F>::new(&h, ALL_SIZES).unwrap();
    assert_eq!(p2m.get_entry(&h, Gfn(5)), unmapped());

    // A 1 GiB mapping, then one frame in it changed: the superpage is split twice.
    p2m.set_entry(
        &h,
        Gfn(0x4_0000),
        Some(Mfn(0x80_0000)),
        18,
        P2mType::RamRw,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(p2m.get_entry(&h, Gfn(0x4_1234)).mfn, Some(Mfn(0x80_1234)));
    assert_eq!(p2m.get_entry(&h, Gfn(0x4_1234)).order, 18);
    assert_eq!(p2m.type_pages(P2mType::RamRw), 1 << 18);
    let tables_before = p2m.table_frames();
    p2m.set_entry(
        &h,
        Gfn(0x4_1234),
        None,
        0,
        P2mType::PopulateOnDemand,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(
        p2m.table_frames(),
        tables_before + 2,
        "1 GiB -> 2 MiB -> 4 KiB tables"
    );
    assert_eq!(
        p2m.get_entry(&h, Gfn(0x4_1234)).p2mt,
        P2mType::PopulateOnDemand
    );
    assert_eq!(p2m.get_entry(&h, Gfn(0x4_1235)).mfn, Some(Mfn(0x80_1235)));
    assert_eq!(p2m.get_entry(&h, Gfn(0x4_1235)).order, 0);
    assert_eq!(
        p2m.get_entry(&h, Gfn(0x4_3000)).order,
        9,
        "the rest stays 2 MiB"
    );
    assert_eq!(p2m.type_pages(P2mType::RamRw), (1 << 18) - 1);
    assert_eq!(p2m.type_pages(P2mType::PopulateOnDemand), 1);
    assert_eq!(p2m.max_mapped_pfn(), Some(0x4_0000 + (1 << 18) - 1));
    p2m.check_invariants(&h).unwrap();

    // Mapping 1 GiB over it again frees the tables under it.
    p2m.set_entry(
        &h,
        Gfn(0x4_0000),
        Some(Mfn(0x80_0000)),
        18,
        P2mType::RamRo,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(p2m.table_frames(), tables_before);
    assert_eq!(p2m.type_pages(P2mType::PopulateOnDemand), 0);
    // Unmapping everything frees every table but the root.
    p2m.set_entry(
        &h,
        Gfn(0x4_0000),
        None,
        18,
        P2mType::Invalid,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(p2m.table_frames(), 1);
    assert_eq!(h.physinfo().free_pages, free0 - 1);
    p2m.check_invariants(&h).unwrap();
}

#[test]
fn npt_basics() {
    check_basics::<Npt>();
}

#[test]
fn ept_basics() {
    check_basics::<Ept>();
}

fn check_bad_input<F: P2mFormat>() {
    let h = table_heap();
    let p2m = P2m::<F>::new(
        &h,
        Superpages {
            two_mb: true,
            one_gb: false,
        },
    )
    .unwrap();
    let rw =
        |gfn, mfn, order| p2m.set_entry(&h, Gfn(gfn), mfn, order, P2mType::RamRw, P2mAccess::Rwx);
    let last = (1u64 << 36) - 1;
    // ept_set_entry: gfn >> 36 -> -EINVAL; p2m_pt_set_entry: no L4 entry -> -ENOENT.
    assert_eq!(
        rw(last + 1, Some(Mfn(1)), 0),
        Err(F::BEYOND_WIDTH),
        "beyond 48 bits"
    );
    assert_eq!(
        rw(last, Some(Mfn(1)), 1),
        Err(F::BEYOND_WIDTH),
        "the range runs past 48 bits"
    );
    assert_eq!(
        rw(0, Some(Mfn(1)), 64),
        Err(F::BEYOND_WIDTH),
        "an order wider than any range"
    );
    assert_eq!(
        rw(0x200, Some(Mfn((1 << 40) - 1)), 1),
        Err(Errno::EINVAL),
        "frames past 52 bits"
    );
    assert_eq!(
        rw(0x200, None, 0),
        Err(Errno::EINVAL),
        "RAM without a frame"
    );
    assert_eq!(
        p2m.set_entry(
            &h,
            Gfn(7),
            Some(Mfn(7)),
            0,
            P2mType::PopulateOnDemand,
            P2mAccess::Rwx
        ),
        Err(Errno::EINVAL),
        "a placeholder with a frame"
    );
    assert_eq!(p2m.table_frames(), 1, "nothing was built");
    assert_eq!(rw(last, Some(Mfn(1)), 0), Ok(()), "the last gfn of 48 bits");
    assert_eq!(p2m.get_entry(&h, Gfn(last)).mfn, Some(Mfn(1)));
    assert_eq!(
        p2m.table_frames(),
        4,
        "one 4 KiB mapping: three tables under the root"
    );
    assert_eq!(rw(0, Some(Mfn(2)), 0), Ok(()));
    // Past 48 bits nothing is mapped, though the index bits wrap to gfn 0's entries.
    assert_eq!(p2m.get_entry(&h, Gfn(last + 1)), unmapped());
    assert_eq!(p2m.get_entry_unlocked(&h, Gfn(last + 1)), Some(unmapped()));
    assert_eq!(
        rw(0x200, Some(Mfn((1 << 40) - 1)), 0),
        Ok(()),
        "the highest frame below 52 bits"
    );
    p2m.check_invariants(&h).unwrap();
}

fn check_chunking<F: P2mFormat>() {
    // p2m_set_entry: pieces as large as gfn, mfn and the remaining size allow.
    let h = table_heap();
    let p2m = P2m::<F>::new(
        &h,
        Superpages {
            two_mb: true,
            one_gb: false,
        },
    )
    .unwrap();
    let set = |gfn, mfn: Option<u64>, order, t| {
        p2m.set_entry(&h, Gfn(gfn), mfn.map(Mfn), order, t, P2mAccess::Rwx)
            .unwrap()
    };
    set(0x400, Some(0x800), 10, P2mType::RamRw);
    assert_eq!(p2m.get_entry(&h, Gfn(0x400)).order, 9);
    assert_eq!(p2m.get_entry(&h, Gfn(0x7ff)).order, 9);
    assert_eq!(p2m.get_entry(&h, Gfn(0x7ff)).mfn, Some(Mfn(0xbff)));
    // A misaligned mfn forces 4 KiB pieces.
    set(0x1000, Some(0x2001), 9, P2mType::RamRw);
    assert_eq!(p2m.get_entry(&h, Gfn(0x1000)).order, 0);
    assert_eq!(p2m.get_entry(&h, Gfn(0x11ff)).mfn, Some(Mfn(0x2200)));
    // So does a gfn and mfn misaligned alike (both one frame past 2 MiB).
    set(0x2001, Some(0x3001), 9, P2mType::RamRw);
    assert_eq!(p2m.get_entry(&h, Gfn(0x2001)).order, 0);
    assert_eq!(p2m.get_entry(&h, Gfn(0x2001)).mfn, Some(Mfn(0x3001)));
    assert_eq!(p2m.get_entry(&h, Gfn(0x2200)).mfn, Some(Mfn(0x3200)));
    // No 1 GiB support: 2 MiB pieces; ioreq_server always 4 KiB.
    set(0x4_0000, Some(0x4_0000), 18, P2mType::RamRw);
    assert_eq!(p2m.get_entry(&h, Gfn(0x4_0000)).order, 9);
    set(0x8_0000, Some(0x8_0000), 9, P2mType::IoreqServer);
    assert_eq!(p2m.get_entry(&h, Gfn(0x8_0000)).order, 0);
    assert_eq!(p2m.type_pages(P2mType::IoreqServer), 512);
    p2m.check_invariants(&h).unwrap();
}

#[test]
fn npt_chunking() {
    check_chunking::<Npt>();
}

#[test]
fn ept_chunking() {
    check_chunking::<Ept>();
}

#[test]
fn npt_bad_input_changes_nothing() {
    check_bad_input::<Npt>();
}

#[test]
fn ept_bad_input_changes_nothing() {
    check_bad_input::<Ept>();
}

/// Guest frames the model follows: edges of 4 KiB, 2 MiB and 1 GiB mappings.
const PROBES: [u64; 16] = [
    0, 1, 511, 512, 513, 1023, 0x3_ffff, 0x4_0000, 0x4_0001, 0x4_01ff, 0x4_0200, 0x5_2345,
    0x7_ffff, 0x8_0000, 0xf_fe00, 0xf_ffff,
];

#[derive(Debug, Clone)]
enum Op {
    Map {
        probe: usize,
        order: u32,
        p2mt: u8,
        mfn: u64,
        access: u8,
    },
    Unmap {
        probe: usize,
        order: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let order = prop_oneof![4 => Just(0u32), 2 => Just(9u32), 1 => Just(18u32)];
    prop_oneof![
        4 => (0..PROBES.len(), order.clone(), 0u8..16, 0u64..64, 0u8..11).prop_map(
            |(probe, order, p2mt, mfn, access)| Op::Map { probe, order, p2mt, mfn, access }
        ),
        1 => (0..PROBES.len(), order).prop_map(|(probe, order)| Op::Unmap { probe, order }),
    ]
}

fn run_model<F: P2mFormat>(ops: Vec<Op>, any_access: bool) -> Result<(), TestCaseError> {
    let h = table_heap();
    let total = h.physinfo().total_pages;
    let p2m = P2m::<F>::new(&h, ALL_SIZES).unwrap();
    let mut model: Vec<Lookup> = vec![unmapped(); PROBES.len()];
    for op in ops {
        let (gfn, order, p2mt, mfn, access) = match op {
            Op::Map {
                probe,
                order,
                p2mt,
                mfn,
                access,
            } => {
                let p2mt = P2mType::from_number(u64::from(p2mt)).unwrap();
                let size = 1u64 << order;
                let mfn = p2mt.has_frame().then_some(Mfn((0x100 + mfn) * size));
                let access = if any_access {
                    P2mAccess::from_number(u64::from(access)).unwrap()
                } else {
                    P2mAccess::Rwx
                };
                (PROBES[probe] & !(size - 1), order, p2mt, mfn, access)
            }
            Op::Unmap { probe, order } => (
                PROBES[probe] & !((1u64 << order) - 1),
                order,
                P2mType::Invalid,
                None,
                P2mAccess::Rwx,
            ),
        };
        p2m.set_entry(&h, Gfn(gfn), mfn, order, p2mt, access)
            .unwrap();
        for (i, &probe) in PROBES.iter().enumerate() {
            if probe >= gfn && probe < gfn + (1 << order) {
                model[i] = if p2mt == P2mType::Invalid {
                    unmapped()
                } else {
                    Lookup {
                        mfn: mfn.map(|m| m + (probe - gfn)),
                        p2mt,
                        access,
                        order,
                    }
                };
            }
        }
        for (i, &probe) in PROBES.iter().enumerate() {
            let got = p2m.get_entry(&h, Gfn(probe));
            let want = model[i];
            // The order of a lookup is the size of the mapping now covering it: a later smaller
            // mapping nearby may have split the one the model remembers.
            prop_assert_eq!(
                (got.mfn, got.p2mt, got.access),
                (want.mfn, want.p2mt, want.access),
                "gfn {:#x}",
                probe
            );
            prop_assert!(got.order <= want.order);
        }
        p2m.check_invariants(&h)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(
            h.physinfo().free_pages + p2m.table_frames(),
            total,
            "every table frame accounted"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn npt_follows_the_model(ops in proptest::collection::vec(op(), 1..60)) {
        run_model::<Npt>(ops, false)?;
    }

    #[test]
    fn ept_follows_the_model(ops in proptest::collection::vec(op(), 1..60)) {
        run_model::<Ept>(ops, true)?;
    }
}

/// A PoD hook that backs the entry with RAM at a fixed offset, and records what it was asked.
struct BackWithRam<'a> {
    p2m: &'a P2m<Ept>,
    heap: &'a DomHeap<ArenaFrames>,
    asked: std::cell::RefCell<Vec<(u64, u32)>>,
}

impl xen_mm::p2m::PodHook for BackWithRam<'_> {
    fn demand_populate(&self, gfn: Gfn, order: u32) -> bool {
        let first = Gfn(gfn.0 & !((1u64 << order) - 1));
        self.asked.borrow_mut().push((first.0, order));
        let mfn = Some(Mfn(0x80_0000 + first.0));
        self.p2m
            .set_entry(self.heap, first, mfn, order, P2mType::RamRw, P2mAccess::Rwx)
            .is_ok()
    }
}

#[test]
fn alloc_queries_reaching_pod_entries_call_the_pod_hook() {
    // p2m_get_entry with P2M_ALLOC on a PoD entry -> p2m_pod_demand_populate.
    use xen_mm::p2m::{PodHook, Query};
    /// A domain without populate-on-demand memory: the hook cannot back anything.
    struct NoPod;
    impl PodHook for NoPod {
        fn demand_populate(&self, _gfn: Gfn, _order: u32) -> bool {
            false
        }
    }
    let h = table_heap();
    let p2m = P2m::<Ept>::new(&h, ALL_SIZES).unwrap();
    p2m.set_entry(
        &h,
        Gfn(0x200),
        None,
        9,
        P2mType::PopulateOnDemand,
        P2mAccess::Rwx,
    )
    .unwrap();
    let hook = BackWithRam {
        p2m: &p2m,
        heap: &h,
        asked: Default::default(),
    };
    let plain = p2m.get_entry_query(&h, Gfn(0x234), Query::default(), &hook);
    assert_eq!(
        plain.p2mt,
        P2mType::PopulateOnDemand,
        "a plain query does not populate"
    );
    assert!(hook.asked.borrow().is_empty());
    let none = p2m.get_entry_query(&h, Gfn(0x234), Query::ALLOC, &NoPod);
    assert_eq!(
        none.p2mt,
        P2mType::PopulateOnDemand,
        "nothing to populate with"
    );
    let got = p2m.get_entry_query(&h, Gfn(0x234), Query::ALLOC, &hook);
    assert_eq!(
        *hook.asked.borrow(),
        [(0x200, 9)],
        "the whole 2 MiB PoD entry is handed over"
    );
    assert_eq!((got.p2mt, got.mfn), (P2mType::RamRw, Some(Mfn(0x80_0234))));
    p2m.check_invariants(&h).unwrap();
}

fn check_teardown<F: P2mFormat>() {
    // p2m_teardown for a dying domain: every table goes back, the root included, and the p2m
    // refuses further use instead of writing into frames it no longer owns.
    let h = table_heap();
    let free0 = h.physinfo().free_pages;
    let p2m = P2m::<F>::new(&h, ALL_SIZES).unwrap();
    for (gfn, order) in [
        (0x4_0000u64, 18u32),
        (0x200, 9),
        (0x3, 0),
        (0x7_0000_0000, 0),
    ] {
        p2m.set_entry(
            &h,
            Gfn(gfn),
            Some(Mfn(0x80_0000)),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap();
    }
    p2m.set_entry(&h, Gfn(0x4_1234), None, 0, P2mType::Invalid, P2mAccess::N)
        .unwrap();
    assert!(p2m.table_frames() > 4);
    p2m.teardown(&h);
    p2m.reclaim_limbo(&h);
    assert!(p2m.is_torn_down());
    assert_eq!(p2m.table_frames(), 0);
    assert_eq!(p2m.limbo_frames(), 0);
    assert_eq!(h.physinfo().free_pages, free0, "every table frame is back");
    assert_eq!(p2m.get_entry(&h, Gfn(0x3)), unmapped());
    assert_eq!(p2m.get_entry_unlocked(&h, Gfn(0x3)), Some(unmapped()));
    assert_eq!(
        p2m.set_entry(
            &h,
            Gfn(0x3),
            Some(Mfn(1)),
            0,
            P2mType::RamRw,
            P2mAccess::Rwx
        ),
        Err(Errno::EINVAL)
    );
    p2m.change_entry_type_global(&h, P2mType::RamRw, P2mType::RamLogdirty)
        .unwrap();
    assert_eq!(
        h.physinfo().free_pages,
        free0,
        "nothing allocated after teardown"
    );
    p2m.check_invariants(&h).unwrap();
    h.check_invariants().unwrap();
    // Twice is harmless.
    p2m.teardown(&h);
    assert_eq!(h.physinfo().free_pages, free0);
}

#[test]
fn npt_teardown() {
    check_teardown::<Npt>();
}

#[test]
fn ept_teardown() {
    check_teardown::<Ept>();
}

#[test]
fn replacing_or_removing_a_mapping_moves_the_tlb_generation_and_adding_one_does_not() {
    // Xen flushes guest TLBs when a p2m entry loses a mapping or rights (p2m_tlb_flush); a new
    // mapping where nothing was cannot be cached stale.
    let h = table_heap();
    let p2m = P2m::<Npt>::new(&h, ALL_SIZES).unwrap();
    let g0 = p2m.tlb_generation();
    p2m.set_entry(
        &h,
        Gfn(5),
        Some(Mfn(0x100)),
        0,
        P2mType::RamRw,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(p2m.tlb_generation(), g0, "a new mapping needs no flush");
    p2m.set_entry(
        &h,
        Gfn(5),
        Some(Mfn(0x200)),
        0,
        P2mType::RamRw,
        P2mAccess::Rwx,
    )
    .unwrap();
    let g1 = p2m.tlb_generation();
    assert!(g1 > g0, "a replaced mapping does");
    p2m.set_entry(&h, Gfn(5), None, 0, P2mType::Invalid, P2mAccess::N)
        .unwrap();
    let g2 = p2m.tlb_generation();
    assert!(g2 > g1, "a removed one does");
    p2m.change_entry_type_global(&h, P2mType::RamRw, P2mType::RamLogdirty)
        .unwrap();
    assert!(p2m.tlb_generation() > g2, "a global type change does");
}

/// The table at `level` (3 is the root) on the way to `gfn`, read raw from the hardware tables.
fn table_at<F: P2mFormat>(h: &DomHeap<ArenaFrames>, p2m: &P2m<F>, gfn: u64, level: u32) -> Mfn {
    use xen_mm::frame::FrameAccess;
    use xen_mm::p2m::format::{Entry, LEVELS};
    let mut table = p2m.root();
    for l in (level + 1..LEVELS).rev() {
        let index = ((gfn >> (9 * l)) & 511) as usize;
        match F::decode(l, h.read_u64(table, index)) {
            Entry::Table { mfn, .. } => table = mfn,
            other => panic!("no table below level {l} for gfn {gfn:#x}: {other:?}"),
        }
    }
    table
}

fn check_split_writes_what_direct_mapping_writes<F: P2mFormat>() {
    // p2m_split_superpage (ept_split_super_page): the smaller leaves are the entries a direct
    // mapping of the same frames would have written, level for level.
    use xen_mm::frame::FrameAccess;
    use xen_mm::p2m::format::Entry;
    let h = table_heap();
    let rw = |p2m: &P2m<F>, gfn: u64, mfn: u64, order| {
        p2m.set_entry(
            &h,
            Gfn(gfn),
            Some(Mfn(mfn)),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap()
    };
    let split = P2m::<F>::new(&h, ALL_SIZES).unwrap();
    rw(&split, 0x4_0000, 0x8_0000, 18);
    // Remapping one frame as it was splits the 1 GiB leaf, then one of its 2 MiB leaves.
    rw(&split, 0x4_0234, 0x8_0234, 0);
    let direct = P2m::<F>::new(&h, ALL_SIZES).unwrap();
    for i in 0..512u64 {
        rw(&direct, 0x4_0000 + (i << 9), 0x8_0000 + (i << 9), 9);
    }
    for i in 0..512u64 {
        rw(&direct, 0x4_0200 + i, 0x8_0200 + i, 0);
    }
    for level in [1, 0] {
        let (a, b) = (
            table_at(&h, &split, 0x4_0234, level),
            table_at(&h, &direct, 0x4_0234, level),
        );
        for i in 0..512 {
            let (x, y) = (h.read_u64(a, i), h.read_u64(b, i));
            // Pointers to the split table differ only in which frame holds it.
            let both_tables = matches!(
                (F::decode(level, x), F::decode(level, y)),
                (Entry::Table { .. }, Entry::Table { .. })
            );
            assert!(both_tables || x == y, "{} level {level} entry {i}", F::NAME);
        }
    }
    split.check_invariants(&h).unwrap();
}

#[test]
fn npt_split_writes_what_direct_mapping_writes() {
    check_split_writes_what_direct_mapping_writes::<Npt>();
}

#[test]
fn ept_split_writes_what_direct_mapping_writes() {
    check_split_writes_what_direct_mapping_writes::<Ept>();
}

#[test]
fn leaves_are_allowed_up_to_1gib() {
    // Neither format maps 512 GiB with one root entry (Xen never does): level 2 is the highest
    // level with leaves.
    for level in 0..=2 {
        assert!(Npt::leaf_allowed(level) && Ept::leaf_allowed(level));
    }
    assert!(!Npt::leaf_allowed(3) && !Ept::leaf_allowed(3));
}
