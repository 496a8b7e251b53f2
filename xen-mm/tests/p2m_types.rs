//! Lazy type changes, log-dirty and ioreq-server memory, after xen/arch/x86/mm/p2m.c
//! (`p2m_change_entry_type_global`, `p2m_change_type_one`, `p2m_finish_type_change`,
//! `p2m_set_ioreq_server`), hap.c (`hap_enable_log_dirty`), paging.c (`paging_log_dirty_op`),
//! hvm/dm.c (`set_mem_type`, map_mem_type_to_ioreq_server) and hvm.c
//! (`hvm_hap_nested_page_fault`). Both hardware formats run every test.

use crate::common;

use std::sync::atomic::{AtomicU64, Ordering};

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn, WORDS_PER_FRAME};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::fault::{FaultAccess, FaultOutcome};
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::ioreq::{SetMemType, IOREQ_MEM_ACCESS_WRITE};
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::{P2m, Superpages, TableFrames};

/// Table frames from a heap, with every entry write counted.
struct Counted {
    heap: DomHeap<ArenaFrames>,
    writes: AtomicU64,
}

/// Table walks must stay inside their frame: the arena would let an index of 512 read the next
/// frame's first word.
impl FrameAccess for Counted {
    fn zero_frame(&self, mfn: Mfn) {
        self.heap.zero_frame(mfn)
    }
    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        assert!(index < WORDS_PER_FRAME, "read of word {index} of {mfn:?}");
        self.heap.read_u64(mfn, index)
    }
    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        assert!(index < WORDS_PER_FRAME, "write of word {index} of {mfn:?}");
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.heap.write_u64(mfn, index, value)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, index: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.heap.compare_exchange_u64(mfn, index, cur, new)
    }
}

impl TableFrames for Counted {
    fn alloc_table(&self) -> Result<Mfn, Errno> {
        self.heap.alloc_table()
    }
    fn free_table(&self, mfn: Mfn) {
        self.heap.free_table(mfn)
    }
}

fn setup<F: P2mFormat>() -> (Counted, P2m<F>) {
    let mem = Counted {
        heap: common::arena_heap(0x1_0000, 8192, 1, |_| NodeId(0)),
        writes: AtomicU64::new(0),
    };
    let p2m = P2m::new(
        &mem,
        Superpages {
            two_mb: true,
            one_gb: true,
        },
    )
    .unwrap();
    (mem, p2m)
}

fn ram<F: P2mFormat>(p2m: &P2m<F>, mem: &Counted, gfn: u64, order: u32) {
    p2m.set_entry(
        mem,
        Gfn(gfn),
        Some(Mfn(0x100_0000 + gfn)),
        order,
        P2mType::RamRw,
        P2mAccess::Rwx,
    )
    .unwrap();
}

const WRITE: FaultAccess = FaultAccess {
    write: true,
    exec: false,
    present: true,
};
const READ: FaultAccess = FaultAccess {
    write: false,
    exec: false,
    present: true,
};

/// A guest access as the CPU makes it: it faults, the handler runs, and the access is retried
/// until the mapping allows it or the handler hands it elsewhere (a fault that only resolved a
/// pending type change is followed by a second one, as on real hardware).
fn touch<F: P2mFormat>(p2m: &P2m<F>, mem: &Counted, gfn: u64, access: FaultAccess) -> FaultOutcome {
    for _ in 0..4 {
        let outcome = p2m.handle_fault(mem, Gfn(gfn), access).unwrap();
        if outcome != FaultOutcome::Retry {
            return outcome;
        }
        let found = p2m.get_entry(mem, Gfn(gfn));
        let (r, w, x) = xen_mm::p2m::ept::type_rwx(found.p2mt);
        let allowed = if access.write {
            w
        } else if access.exec {
            x
        } else {
            r
        };
        if allowed {
            return FaultOutcome::Retry;
        }
    }
    panic!("gfn {gfn:#x}: the access keeps faulting");
}

fn ty<F: P2mFormat>(p2m: &P2m<F>, mem: &Counted, gfn: u64) -> P2mType {
    p2m.get_entry(mem, Gfn(gfn)).p2mt
}

macro_rules! both_formats {
    ($($name:ident),* $(,)?) => {
        mod npt { $( #[test] fn $name() { super::$name::<super::Npt>(); } )* }
        mod ept { $( #[test] fn $name() { super::$name::<super::Ept>(); } )* }
    };
}

both_formats!(
    global_change_marks_only_the_top,
    seed_scenario_stale_entries_never_reach_the_next_server,
    log_dirty_enabled_first_survives_an_ioreq_reset,
    log_dirty_write_faults_clean_and_peek,
    mixed_log_dirty_ranges_split_superpages,
    ioreq_mapping_rules,
    set_mem_type_rules,
    ioreq_reset_is_resumable,
    change_type_one_rules,
    fault_outcomes,
    resolving_stays_inside_the_guest_physical_space,
    a_superpage_beside_a_tracked_range_changes_whole,
    ioreq_reset_reaches_the_highest_mapped_gfn_and_stops_when_nothing_is_left,
    set_mem_type_refuses_paged_and_shared_frames_and_hole_to_ram,
    tracked_ranges_are_inclusive_and_inside_the_guest,
    tracking_a_range_marks_nothing_outside_it,
    type_change_arguments_and_bounds,
    partial_ranges_recurse_only_where_they_must,
);

fn partial_ranges_recurse_only_where_they_must<F: P2mFormat>() {
    // p2m_change_type_range (here the marks of track_logdirty_range): a table the range covers
    // only in part, on either side, is entered, not marked whole; a range running past a table's
    // end stops at its last entry. 4 KiB pages in two leaf tables, 0x6_0000 and 0x6_0200.
    let pending =
        |p2m: &P2m<F>, mem: &Counted, gfn: u64| p2m.get_entry_unlocked(mem, Gfn(gfn)).is_none();
    let (mem, p2m) = setup::<F>();
    for gfn in 0x6_0000..0x6_0400 {
        ram(&p2m, &mem, gfn, 0);
    }
    // Covers the first table from its middle, and runs past the second.
    p2m.track_logdirty_range(&mem, Gfn(0x6_0100), Gfn(0x6_0fff), true)
        .unwrap();
    assert!(!pending(&p2m, &mem, 0x6_00ff), "left of the range");
    assert!(pending(&p2m, &mem, 0x6_0100));
    assert!(pending(&p2m, &mem, 0x6_03ff));
    let (mem, p2m) = setup::<F>();
    for gfn in 0x6_0000..0x6_0400 {
        ram(&p2m, &mem, gfn, 0);
    }
    // Starts where the second table starts, ends inside it.
    p2m.track_logdirty_range(&mem, Gfn(0x6_0200), Gfn(0x6_0210), true)
        .unwrap();
    assert!(pending(&p2m, &mem, 0x6_0200));
    assert!(pending(&p2m, &mem, 0x6_0210));
    assert!(!pending(&p2m, &mem, 0x6_0211), "right of the range");
    assert!(!pending(&p2m, &mem, 0x6_01ff), "the table before");
}

fn type_change_arguments_and_bounds<F: P2mFormat>() {
    // p2m_change_entry_type_global needs two changeable types; p2m_change_type_one works up to
    // the last gfn of 48 bits; p2m_finish_type_change does exactly the gfns asked for.
    let (mem, p2m) = setup::<F>();
    let last = p2m.max_gfn();
    for (ot, nt) in [
        (P2mType::RamRw, P2mType::GrantMapRw),
        (P2mType::GrantMapRw, P2mType::RamRw),
    ] {
        assert_eq!(
            p2m.change_entry_type_global(&mem, ot, nt),
            Err(Errno::EINVAL)
        );
    }
    ram(&p2m, &mem, last, 0);
    p2m.change_type_one(&mem, Gfn(last), P2mType::RamRw, P2mType::RamRo)
        .unwrap();
    assert_eq!(
        p2m.change_type_one(&mem, Gfn(last + 1), P2mType::RamRw, P2mType::RamRo),
        Err(Errno::EINVAL)
    );
    for gfn in 0..1024 {
        ram(&p2m, &mem, gfn, 0);
    }
    p2m.enable_logdirty(&mem).unwrap();
    p2m.finish_type_change(&mem, Gfn(0), 512).unwrap();
    assert!(p2m.get_entry_unlocked(&mem, Gfn(511)).is_some(), "done");
    assert_eq!(
        p2m.get_entry_unlocked(&mem, Gfn(512)),
        None,
        "still pending"
    );
}

fn tracking_a_range_marks_nothing_outside_it<F: P2mFormat>() {
    // p2m_change_type_range marks only the entries covering [first, last]: the 2 MiB leaves on
    // either side stay unmarked (lock-free lookups still answer for them). Above 1 GiB, so the
    // tables walked do not start at gfn 0.
    let (mem, p2m) = setup::<F>();
    for gfn in [0x5_0000, 0x5_0200, 0x5_0400] {
        ram(&p2m, &mem, gfn, 9);
    }
    p2m.track_logdirty_range(&mem, Gfn(0x5_0200), Gfn(0x5_03ff), true)
        .unwrap();
    assert!(p2m.get_entry_unlocked(&mem, Gfn(0x5_0010)).is_some());
    assert!(p2m.get_entry_unlocked(&mem, Gfn(0x5_0410)).is_some());
    assert_eq!(p2m.get_entry_unlocked(&mem, Gfn(0x5_0210)), None, "pending");
    assert_eq!(ty(&p2m, &mem, 0x5_0210), P2mType::RamLogdirty);
    // A range covering exactly what a table maps marks the one entry pointing to it.
    for gfn in 0x6_0200..0x6_0400 {
        ram(&p2m, &mem, gfn, 0);
    }
    let before = mem.writes.load(Ordering::Relaxed);
    p2m.track_logdirty_range(&mem, Gfn(0x6_0200), Gfn(0x6_03ff), true)
        .unwrap();
    assert_eq!(mem.writes.load(Ordering::Relaxed) - before, 1);
    assert_eq!(ty(&p2m, &mem, 0x6_03ff), P2mType::RamLogdirty);
    // Nothing mapped there: nothing written.
    let before = mem.writes.load(Ordering::Relaxed);
    p2m.track_logdirty_range(&mem, Gfn(0x7_0000), Gfn(0x7_03ff), true)
        .unwrap();
    assert_eq!(mem.writes.load(Ordering::Relaxed), before);
}

fn tracked_ranges_are_inclusive_and_inside_the_guest<F: P2mFormat>() {
    // track_dirty_vram ranges: [first, last] with first <= last, up to the last gfn of 48 bits.
    let (mem, p2m) = setup::<F>();
    let last = p2m.max_gfn();
    assert_eq!(p2m.track_logdirty_range(&mem, Gfn(5), Gfn(5), true), Ok(()));
    assert_eq!(
        p2m.track_logdirty_range(&mem, Gfn(last), Gfn(last), true),
        Ok(())
    );
    assert_eq!(
        p2m.track_logdirty_range(&mem, Gfn(6), Gfn(5), true),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        p2m.track_logdirty_range(&mem, Gfn(0), Gfn(last + 1), true),
        Err(Errno::EINVAL)
    );
}

fn ioreq_reset_reaches_the_highest_mapped_gfn_and_stops_when_nothing_is_left<F: P2mFormat>() {
    // dm.c's reset loop runs while stale entries remain and the gfn is within max_mapped_pfn,
    // the last gfn included.
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 0);
    ram(&p2m, &mem, 0x200, 0);
    p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE).unwrap();
    for gfn in [0, 0x200] {
        p2m.set_mem_type(&mem, gfn, 1, P2mType::IoreqServer, || false)
            .unwrap();
    }
    p2m.unmap_ioreq_server(&mem, 1).unwrap();
    assert_eq!(
        p2m.max_mapped_pfn(),
        Some(0x200),
        "a chunk starts right at it"
    );
    let mut next = 0;
    while let Some(n) = p2m.ioreq_reset_step(&mem, next, || true).unwrap() {
        next = n;
    }
    assert_eq!(p2m.ioreq_entry_count(), 0);
    assert_eq!(ty(&p2m, &mem, 0x200), P2mType::RamRw);
    // Nothing left: done at once, without a chunk or a preemption.
    assert_eq!(p2m.ioreq_reset_step(&mem, 0, || true), Ok(None));
}

fn set_mem_type_refuses_paged_and_shared_frames_and_hole_to_ram<F: P2mFormat>() {
    // dm.c set_mem_type: paged or shared frames -> -EAGAIN; allow_p2m_type_change lets a hole
    // become mmio_dm only.
    use xen_mm::p2m::ioreq::allow_p2m_type_change;
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 0);
    p2m.set_entry(&mem, Gfn(1), None, 0, P2mType::RamPaged, P2mAccess::Rwx)
        .unwrap();
    p2m.set_entry(
        &mem,
        Gfn(2),
        Some(Mfn(2)),
        0,
        P2mType::RamShared,
        P2mAccess::Rwx,
    )
    .unwrap();
    ram(&p2m, &mem, 4, 0);
    for gfn in [1, 2] {
        assert_eq!(
            p2m.set_mem_type(&mem, gfn, 1, P2mType::RamRo, || false),
            Err(Errno::EAGAIN),
            "gfn {gfn}"
        );
    }
    assert_eq!(
        p2m.set_mem_type(&mem, 3, 1, P2mType::RamRw, || false),
        Err(Errno::EINVAL),
        "a hole does not become RAM"
    );
    assert_eq!(
        p2m.set_mem_type(&mem, 3, 1, P2mType::MmioDm, || false),
        Ok(SetMemType::Done)
    );
    // Preemption is offered every 256 frames but not after the last: 256 frames finish.
    ram(&p2m, &mem, 0x200, 9);
    assert_eq!(
        p2m.set_mem_type(&mem, 0x200, 256, P2mType::RamRo, || true),
        Ok(SetMemType::Done)
    );
    assert!(!allow_p2m_type_change(P2mType::GrantMapRw, P2mType::MmioDm));
    assert!(allow_p2m_type_change(P2mType::Invalid, P2mType::MmioDm));
    assert!(!allow_p2m_type_change(P2mType::MmioDm, P2mType::RamRo));
}

fn a_superpage_beside_a_tracked_range_changes_whole<F: P2mFormat>() {
    // p2m_resolve_misconfig / do_recalc: a marked leaf whose range is all of one new type is
    // rewritten whole; only a leaf the tracked range cuts through is split.
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 18);
    p2m.track_logdirty_range(&mem, Gfn(0x400), Gfn(0x5ff), true)
        .unwrap();
    assert_eq!(p2m.resolve_fault(&mem, Gfn(0x234)), Ok(true));
    let below = p2m.get_entry(&mem, Gfn(0x234));
    assert_eq!((below.p2mt, below.order), (P2mType::RamRw, 9));
    assert_eq!(p2m.resolve_fault(&mem, Gfn(0x434)), Ok(true));
    let inside = p2m.get_entry(&mem, Gfn(0x434));
    assert_eq!((inside.p2mt, inside.order), (P2mType::RamLogdirty, 9));
    p2m.check_invariants(&mem).unwrap();
}

fn resolving_stays_inside_the_guest_physical_space<F: P2mFormat>() {
    // A fault's gfn past 48 bits resolves nothing, though its index bits wrap onto gfn 0's
    // entries; the last gfn of 48 bits is resolved; a torn-down p2m resolves nothing.
    let (mem, p2m) = setup::<F>();
    let last = p2m.max_gfn();
    ram(&p2m, &mem, 0, 0);
    ram(&p2m, &mem, last, 0);
    p2m.enable_logdirty(&mem).unwrap();
    assert_eq!(p2m.resolve_fault(&mem, Gfn(last + 1)), Ok(false));
    assert_eq!(
        p2m.get_entry_unlocked(&mem, Gfn(0)),
        None,
        "gfn 0's type change is still pending"
    );
    assert_eq!(p2m.resolve_fault(&mem, Gfn(last)), Ok(true));
    assert_eq!(ty(&p2m, &mem, last), P2mType::RamLogdirty);
    p2m.teardown(&mem);
    assert_eq!(p2m.resolve_fault(&mem, Gfn(0)), Ok(false));
}

fn global_change_marks_only_the_top<F: P2mFormat>() {
    // 64 MiB of 4 KiB mappings: 16384 leaves under 32 tables.
    let (mem, p2m) = setup::<F>();
    for g in 0..16384 {
        ram(&p2m, &mem, g, 0);
    }
    let before = mem.writes.load(Ordering::Relaxed);
    p2m.enable_logdirty(&mem).unwrap();
    let marking = mem.writes.load(Ordering::Relaxed) - before;
    assert!(marking <= 512, "a global change wrote {marking} entries");
    // Lookups already see the new type; the leaves still store the old one.
    assert_eq!(ty(&p2m, &mem, 12345), P2mType::RamLogdirty);
    assert_eq!(p2m.type_pages(P2mType::RamRw), 16384);
    p2m.finish_type_change(&mem, Gfn(0), 16384).unwrap();
    assert_eq!(p2m.type_pages(P2mType::RamLogdirty), 16384);
    p2m.check_invariants(&mem).unwrap();
}

fn seed_scenario_stale_entries_never_reach_the_next_server<F: P2mFormat>() {
    // Server A marks gfn X and deregisters; server B registers and marks Y; log-dirty is enabled;
    // then X and Y are touched. X must never become B's, and log-dirty must not start while ioreq
    // pages exist (p2m_set_ioreq_server and hap_enable_log_dirty return -EBUSY: the barrier).
    let (mem, p2m) = setup::<F>();
    let (x, y) = (0x1000, 0x2345);
    ram(&p2m, &mem, 0x1000, 9);
    ram(&p2m, &mem, 0x2200, 9);
    p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE).unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, x, 1, P2mType::IoreqServer, || false),
        Ok(SetMemType::Done)
    );
    p2m.unmap_ioreq_server(&mem, 1).unwrap();
    assert_eq!(
        ty(&p2m, &mem, x),
        P2mType::RamRw,
        "a stale entry reads as plain RAM"
    );
    assert_eq!(p2m.ioreq_entry_count(), 1, "but it is still stored");
    assert_eq!(
        p2m.map_ioreq_server(2, IOREQ_MEM_ACCESS_WRITE),
        Err(Errno::EBUSY)
    );
    assert_eq!(
        touch(&p2m, &mem, x, WRITE),
        FaultOutcome::Retry,
        "touching X"
    );
    assert_eq!(ty(&p2m, &mem, x), P2mType::RamRw);
    assert_eq!(p2m.ioreq_reset_step(&mem, 0, || false), Ok(None));
    assert_eq!(p2m.ioreq_entry_count(), 0);
    p2m.map_ioreq_server(2, IOREQ_MEM_ACCESS_WRITE).unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, y, 1, P2mType::IoreqServer, || false),
        Ok(SetMemType::Done)
    );
    assert_eq!(p2m.enable_logdirty(&mem), Err(Errno::EBUSY));
    assert_eq!(touch(&p2m, &mem, x, WRITE), FaultOutcome::Retry);
    assert_eq!(touch(&p2m, &mem, y, WRITE), FaultOutcome::IoreqServer(2));
    assert_eq!(ty(&p2m, &mem, x), P2mType::RamRw);
    assert_eq!(ty(&p2m, &mem, y), P2mType::IoreqServer);
    // B leaves; after the reset log-dirty may start, and both pages are then tracked.
    p2m.unmap_ioreq_server(&mem, 2).unwrap();
    assert_eq!(p2m.ioreq_reset_step(&mem, 0, || false), Ok(None));
    p2m.enable_logdirty(&mem).unwrap();
    assert_eq!(ty(&p2m, &mem, x), P2mType::RamLogdirty);
    assert_eq!(ty(&p2m, &mem, y), P2mType::RamLogdirty);
    p2m.check_invariants(&mem).unwrap();
}

fn log_dirty_enabled_first_survives_an_ioreq_reset<F: P2mFormat>() {
    // Xen clears global_logdirty when it resets ioreq_server entries to ram_rw, silently ending
    // log-dirty tracking; xen-rs keeps it: the stale entry recalculates to ram_logdirty.
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 9);
    p2m.enable_logdirty(&mem).unwrap();
    p2m.map_ioreq_server(7, IOREQ_MEM_ACCESS_WRITE).unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, 5, 1, P2mType::IoreqServer, || false),
        Err(Errno::EINVAL),
        "a log-dirty page is not ram_rw"
    );
    assert_eq!(touch(&p2m, &mem, 5, WRITE), FaultOutcome::Retry);
    p2m.set_mem_type(&mem, 5, 1, P2mType::IoreqServer, || false)
        .unwrap();
    p2m.unmap_ioreq_server(&mem, 7).unwrap();
    assert_eq!(p2m.ioreq_reset_step(&mem, 0, || false), Ok(None));
    assert!(p2m.logdirty_enabled());
    assert_eq!(ty(&p2m, &mem, 5), P2mType::RamLogdirty);
    let (bitmap, _) = p2m.log_dirty_op(&mem, 64, true).unwrap();
    assert_eq!(bitmap[0], 1 << 5, "the write before the server is logged");
}

fn log_dirty_write_faults_clean_and_peek<F: P2mFormat>() {
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 9);
    assert_eq!(
        p2m.log_dirty_op(&mem, 512, false).err(),
        Some(Errno::EINVAL),
        "not enabled"
    );
    p2m.enable_logdirty(&mem).unwrap();
    assert_eq!(
        p2m.enable_logdirty(&mem),
        Err(Errno::EINVAL),
        "already enabled"
    );
    assert_eq!(touch(&p2m, &mem, 3, READ), FaultOutcome::Retry);
    assert_eq!(
        ty(&p2m, &mem, 3),
        P2mType::RamLogdirty,
        "reads do not dirty"
    );
    for g in [3, 70, 3] {
        assert_eq!(touch(&p2m, &mem, g, WRITE), FaultOutcome::Retry);
    }
    assert_eq!(
        ty(&p2m, &mem, 3),
        P2mType::RamRw,
        "written pages are writable again"
    );
    assert_eq!(ty(&p2m, &mem, 4), P2mType::RamLogdirty);
    let (peek, stats) = p2m.log_dirty_op(&mem, 128, false).unwrap();
    assert_eq!(peek, vec![1 << 3, 1 << (70 - 64)]);
    assert_eq!((stats.fault_count, stats.dirty_count), (2, 2));
    let (clean, _) = p2m.log_dirty_op(&mem, 128, true).unwrap();
    assert_eq!(clean, peek);
    let (after, stats) = p2m.log_dirty_op(&mem, 128, false).unwrap();
    assert_eq!(after, vec![0, 0], "CLEAN cleared the bitmap");
    assert_eq!((stats.fault_count, stats.dirty_count), (0, 0));
    assert_eq!(
        ty(&p2m, &mem, 3),
        P2mType::RamLogdirty,
        "CLEAN write-protects again"
    );
    p2m.disable_logdirty(&mem);
    assert_eq!(ty(&p2m, &mem, 3), P2mType::RamRw);
    p2m.check_invariants(&mem).unwrap();
}

fn mixed_log_dirty_ranges_split_superpages<F: P2mFormat>() {
    // do_recalc / resolve_misconfig: a superpage whose range is partly log-dirty is split.
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0x200, 9);
    let tables = p2m.table_frames();
    assert_eq!(
        p2m.track_logdirty_range(&mem, Gfn(0x300), Gfn(0x200), true),
        Err(Errno::EINVAL)
    );
    p2m.track_logdirty_range(&mem, Gfn(0x200), Gfn(0x2ff), true)
        .unwrap();
    assert_eq!(ty(&p2m, &mem, 0x250), P2mType::RamLogdirty);
    assert_eq!(ty(&p2m, &mem, 0x350), P2mType::RamRw);
    assert_eq!(touch(&p2m, &mem, 0x350, READ), FaultOutcome::Retry);
    assert_eq!(p2m.table_frames(), tables + 1, "split into 4 KiB entries");
    assert_eq!(p2m.get_entry(&mem, Gfn(0x350)).order, 0);
    // The split entries stay marked until each is resolved: stored types change lazily.
    p2m.finish_type_change(&mem, Gfn(0x200), 0x200).unwrap();
    assert_eq!(p2m.type_pages(P2mType::RamLogdirty), 0x100);
    assert_eq!(p2m.type_pages(P2mType::RamRw), 0x100);
    p2m.track_logdirty_range(&mem, Gfn(0x200), Gfn(0x2ff), false)
        .unwrap();
    assert_eq!(ty(&p2m, &mem, 0x250), P2mType::RamRw);
    p2m.check_invariants(&mem).unwrap();
}

fn ioreq_mapping_rules<F: P2mFormat>() {
    // p2m_set_ioreq_server and dm.c: flags must be exactly write-forwarding; one server at a time;
    // only the mapped server unmaps.
    let (mem, p2m) = setup::<F>();
    assert_eq!(p2m.map_ioreq_server(1, 0), Err(Errno::EINVAL));
    assert_eq!(p2m.map_ioreq_server(1, 1), Err(Errno::EINVAL));
    assert_eq!(
        p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE | 4),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        p2m.unmap_ioreq_server(&mem, 1),
        Err(Errno::EINVAL),
        "nothing mapped"
    );
    p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE).unwrap();
    assert_eq!(
        p2m.map_ioreq_server(2, IOREQ_MEM_ACCESS_WRITE),
        Err(Errno::EBUSY)
    );
    assert_eq!(
        p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE),
        Err(Errno::EBUSY)
    );
    assert_eq!(
        p2m.unmap_ioreq_server(&mem, 2),
        Err(Errno::EINVAL),
        "not the mapped one"
    );
    assert_eq!(p2m.ioreq_server().map(|m| m.server), Some(1));
    p2m.unmap_ioreq_server(&mem, 1).unwrap();
    assert_eq!(p2m.ioreq_server(), None);
}

fn set_mem_type_rules<F: P2mFormat>() {
    // dm.c set_mem_type and allow_p2m_type_change.
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 9);
    p2m.set_entry(
        &mem,
        Gfn(0x300),
        Some(Mfn(0x300)),
        0,
        P2mType::RamRo,
        P2mAccess::Rwx,
    )
    .unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, 0, 1, P2mType::IoreqServer, || false),
        Err(Errno::EINVAL),
        "no server"
    );
    assert_eq!(
        p2m.set_mem_type(&mem, 0x300, 2, P2mType::RamRw, || false),
        Err(Errno::EINVAL),
        "past max gfn"
    );
    assert_eq!(
        p2m.set_mem_type(&mem, 0, 1, P2mType::MmioDirect, || false),
        Err(Errno::EINVAL),
        "bad type"
    );
    p2m.map_ioreq_server(3, IOREQ_MEM_ACCESS_WRITE).unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, 0x300, 1, P2mType::IoreqServer, || false),
        Err(Errno::EINVAL),
        "from ram_ro"
    );
    p2m.set_mem_type(&mem, 0x10, 4, P2mType::IoreqServer, || false)
        .unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, 0x10, 1, P2mType::RamRo, || false),
        Err(Errno::EINVAL),
        "ioreq only to ram_rw"
    );
    p2m.set_mem_type(&mem, 0x10, 1, P2mType::RamRw, || false)
        .unwrap();
    assert_eq!(p2m.ioreq_entry_count(), 3);
    // ram_ro to ram_rw and holes to mmio_dm are allowed.
    p2m.set_mem_type(&mem, 0x300, 1, P2mType::RamRw, || false)
        .unwrap();
    assert_eq!(
        p2m.set_mem_type(&mem, 0x250, 1, P2mType::RamRw, || false),
        Err(Errno::EINVAL),
        "a hole becomes only mmio_dm"
    );
    p2m.set_mem_type(&mem, 0x250, 1, P2mType::MmioDm, || false)
        .unwrap();
    assert_eq!(ty(&p2m, &mem, 0x250), P2mType::MmioDm);
    // Preemption every 256 frames: the continuation says where to go on.
    assert_eq!(
        p2m.set_mem_type(&mem, 0x20, 600, P2mType::RamRo, || true),
        Ok(SetMemType::Restart {
            first_pfn: 0x120,
            nr: 344
        })
    );
    assert_eq!(ty(&p2m, &mem, 0x11f), P2mType::RamRo);
    assert_eq!(ty(&p2m, &mem, 0x120), P2mType::RamRw);
    p2m.check_invariants(&mem).unwrap();
}

fn ioreq_reset_is_resumable<F: P2mFormat>() {
    // dm.c: after an unmap, p2m_finish_type_change runs 256 gfns at a time; each preemption
    // returns where to continue (stored in `opaque`).
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 9);
    ram(&p2m, &mem, 0x800, 9);
    p2m.map_ioreq_server(1, IOREQ_MEM_ACCESS_WRITE).unwrap();
    p2m.set_mem_type(&mem, 0, 512, P2mType::IoreqServer, || false)
        .unwrap();
    p2m.set_mem_type(&mem, 0x800, 512, P2mType::IoreqServer, || false)
        .unwrap();
    p2m.unmap_ioreq_server(&mem, 1).unwrap();
    let mut next = 0;
    let mut calls = 0;
    while let Some(n) = p2m.ioreq_reset_step(&mem, next, || true).unwrap() {
        assert_eq!(n, next + 256, "one chunk per call when always preempted");
        next = n;
        calls += 1;
        assert!(calls < 100);
    }
    assert_eq!(p2m.ioreq_entry_count(), 0);
    // Ten chunks reach gfn 0x9ff; the tenth runs in the call that reports completion.
    assert_eq!(calls, 9);
    p2m.map_ioreq_server(2, IOREQ_MEM_ACCESS_WRITE).unwrap();
}

fn change_type_one_rules<F: P2mFormat>() {
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 9);
    assert_eq!(
        p2m.change_type_one(&mem, Gfn(1), P2mType::RamRo, P2mType::RamRw),
        Err(Errno::EBUSY)
    );
    // Grant, foreign and direct-MMIO types are not changed this way.
    for nt in [
        P2mType::GrantMapRw,
        P2mType::MapForeign,
        P2mType::MmioDirect,
    ] {
        assert_eq!(
            p2m.change_type_one(&mem, Gfn(1), P2mType::RamRw, nt),
            Err(Errno::EINVAL)
        );
    }
    p2m.change_type_one(&mem, Gfn(1), P2mType::RamRw, P2mType::RamRo)
        .unwrap();
    assert_eq!(
        p2m.get_entry(&mem, Gfn(1)).mfn,
        Some(Mfn(0x100_0001)),
        "the frame is kept"
    );
    assert_eq!(
        p2m.get_entry(&mem, Gfn(1)).order,
        0,
        "the superpage was split"
    );
    p2m.check_invariants(&mem).unwrap();
}

fn fault_outcomes<F: P2mFormat>() {
    let (mem, p2m) = setup::<F>();
    ram(&p2m, &mem, 0, 0);
    p2m.set_entry(
        &mem,
        Gfn(1),
        None,
        0,
        P2mType::PopulateOnDemand,
        P2mAccess::Rwx,
    )
    .unwrap();
    p2m.set_entry(
        &mem,
        Gfn(2),
        Some(Mfn(2)),
        0,
        P2mType::RamRo,
        P2mAccess::Rwx,
    )
    .unwrap();
    p2m.set_entry(
        &mem,
        Gfn(3),
        Some(Mfn(3)),
        0,
        P2mType::GrantMapRw,
        P2mAccess::Rwx,
    )
    .unwrap();
    let exec = FaultAccess {
        write: false,
        exec: true,
        present: true,
    };
    let not_present = FaultAccess {
        write: false,
        exec: false,
        present: false,
    };
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(0), READ),
        Ok(FaultOutcome::Retry),
        "stale TLB"
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(1), not_present),
        Ok(FaultOutcome::PopulateOnDemand)
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(2), WRITE),
        Ok(FaultOutcome::Emulate),
        "discarded write"
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(3), exec),
        Ok(FaultOutcome::Crash),
        "grant pages are NX"
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(99), not_present),
        Ok(FaultOutcome::Emulate),
        "a hole"
    );
    // Each of type and access must allow the access (ept_p2m_type_to_flags, then the access
    // restriction): a type that forbids it crashes whatever the access, and so does an access
    // that forbids it whatever the type. Holes other than mmio_dm are emulated too.
    for (gfn, t, access) in [
        (4, P2mType::RamShared, P2mAccess::Rwx),
        (5, P2mType::RamBroken, P2mAccess::Rwx),
        (6, P2mType::RamRw, P2mAccess::Rx),
        (7, P2mType::RamPaged, P2mAccess::Rwx),
    ] {
        let mfn = t.has_frame().then_some(Mfn(gfn));
        p2m.set_entry(&mem, Gfn(gfn), mfn, 0, t, access).unwrap();
    }
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(4), WRITE),
        Ok(FaultOutcome::Crash)
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(5), READ),
        Ok(FaultOutcome::Crash)
    );
    // NPT entries carry no access restriction (p2m-pt has no mem_access), EPT entries do.
    let restricted = if F::NAME == "EPT" {
        FaultOutcome::Crash
    } else {
        FaultOutcome::Retry
    };
    assert_eq!(p2m.handle_fault(&mem, Gfn(6), WRITE), Ok(restricted));
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(6), READ),
        Ok(FaultOutcome::Retry)
    );
    assert_eq!(
        p2m.handle_fault(&mem, Gfn(7), READ),
        Ok(FaultOutcome::Emulate)
    );
}
