//! Populate-on-demand after xen/arch/x86/mm/p2m-pod.c: the cache and targets
//! (`p2m_pod_set_mem_target`), marking (`guest_physmap_mark_populate_on_demand`), demand population
//! with its remaps and reclaim (`p2m_pod_demand_populate`, `p2m_pod_zero_check`,
//! `p2m_pod_emergency_sweep`), `p2m_pod_decrease_reservation`, and teardown. Xen's invariants are
//! checked after every step.

use crate::common;

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::heap::{DomHeap, DomainMemory};
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::types::P2mType;
use xen_mm::p2m::{P2m, Superpages};
use xen_mm::pod::{Pod, Populated};

struct Guest {
    heap: DomHeap<ArenaFrames>,
    d: DomainMemory,
    p2m: P2m<Ept>,
    pod: Pod,
}

/// A guest of `max` frames, all of them marked PoD, with a cache filled to `target`.
fn guest(max: u64, target: u64) -> Guest {
    let g = guest_of(max, Some(max.trailing_zeros()));
    g.pod
        .set_mem_target(&g.heap, &g.d, target, || false)
        .unwrap();
    g.check();
    g
}

/// A guest of `max` frames whose first 2^`order` gfns are marked PoD (none for `None`), with an
/// empty cache.
fn guest_of(max: u64, order: Option<u32>) -> Guest {
    let heap = common::arena_heap(1 << 18, 1 << 13, 1, |_| NodeId(0));
    let d = heap.new_domain(1, max).unwrap();
    let p2m = P2m::<Ept>::new(
        &heap,
        Superpages {
            two_mb: true,
            one_gb: true,
        },
    )
    .unwrap();
    let pod = Pod::new();
    if let Some(order) = order {
        pod.mark_populate_on_demand(&mut p2m.locked(), &heap, Gfn(0), order)
            .unwrap();
    }
    Guest { heap, d, p2m, pod }
}

impl Guest {
    fn check(&self) {
        self.pod
            .check_invariants(&self.p2m.locked(), &self.d)
            .unwrap();
        self.heap.check_invariants().unwrap();
        self.p2m.check_invariants(&self.heap).unwrap();
    }

    fn populate(&self, gfn: u64) -> Populated {
        let found = self.p2m.get_entry(&self.heap, Gfn(gfn));
        assert_eq!(found.p2mt, P2mType::PopulateOnDemand, "gfn {gfn:#x}");
        let mut locked = self.p2m.locked();
        let r = self
            .pod
            .demand_populate(&mut locked, &self.heap, &self.d, Gfn(gfn), found.order);
        drop(locked);
        self.check();
        r.unwrap()
    }

    /// A guest touch: populate until the frame is RAM (remaps retry, as the fault would).
    fn touch(&self, gfn: u64) -> Populated {
        for _ in 0..4 {
            match self.populate(gfn) {
                Populated::Split => continue,
                other => return other,
            }
        }
        panic!("gfn {gfn:#x} never populated");
    }
}

#[test]
fn set_mem_target_fills_the_cache_and_keeps_the_invariants() {
    // 0 <= P <= T <= B <= M; entry_count == B - P; tot_pages == P + count.
    let g = guest(2048, 1024);
    assert_eq!(g.pod.counts(), (1024, 2048));
    assert_eq!(g.d.tot_pages(), 1024);
    let t = g.pod.get_mem_target(&g.d);
    assert_eq!(
        (t.tot_pages, t.pod_cache_pages, t.pod_entries),
        (1024, 1024, 2048)
    );
    assert_eq!(
        g.pod.set_mem_target(&g.heap, &g.d, 2049, || false),
        Err(Errno::EINVAL)
    );
    // T' < tot: the cache is not shrunk (the balloon driver gives memory back instead).
    g.pod.set_mem_target(&g.heap, &g.d, 512, || false).unwrap();
    assert_eq!(g.pod.counts().0, 1024);
    // The target it already has: nothing to allocate, free or preempt.
    let free = g.heap.physinfo().free_pages;
    g.pod
        .set_mem_target(&g.heap, &g.d, 1024, || {
            panic!("preempted with nothing to do")
        })
        .unwrap();
    assert_eq!(g.heap.physinfo().free_pages, free);
    g.check();
}

#[test]
fn a_superpage_is_populated_from_a_cached_superpage() {
    let g = guest(2048, 1024);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x234)).order, 9);
    assert_eq!(g.touch(0x234), Populated::Done);
    let found = g.p2m.get_entry(&g.heap, Gfn(0x234));
    assert_eq!((found.p2mt, found.order), (P2mType::RamRw, 9));
    assert_eq!(g.pod.counts(), (512, 1536));
    assert!(
        g.heap.frames().frame_is_zero(found.mfn.unwrap()),
        "PoD pages read as zero"
    );
}

#[test]
fn a_gigabyte_entry_is_remapped_as_superpages_then_populated() {
    let g = guest(1 << 18, 1024);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x1_2345)).order, 18);
    assert_eq!(g.populate(0x1_2345), Populated::Split);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x1_2345)).order, 9);
    assert_eq!(g.touch(0x1_2345), Populated::Done);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x1_2345)).order, 9);
}

#[test]
fn without_cached_superpages_a_superpage_entry_is_split_into_pages() {
    // A cache of 100 frames is 4 KiB frames only.
    let g = guest(2048, 100);
    assert_eq!(g.populate(0x400), Populated::Split);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x401)).order, 0);
    assert_eq!(g.touch(0x400), Populated::Done);
    assert_eq!(g.pod.counts(), (99, 2047));
}

#[test]
fn an_empty_cache_is_refilled_from_zero_pages_and_never_from_non_zero_ones() {
    let g = guest(2048, 16);
    for gfn in 0..16u64 {
        assert_eq!(g.touch(gfn * 64), Populated::Done);
    }
    assert_eq!(g.pod.counts().0, 0);
    // The guest writes one byte near the end of 15 of its pages; one page stays zero.
    for gfn in 1..16u64 {
        let mfn = g.p2m.get_entry(&g.heap, Gfn(gfn * 64)).mfn.unwrap();
        g.heap.frames().write_u64(mfn, 511, 0x80);
    }
    // The next touch must reclaim the zero page (eager reclaim or the sweep) and nothing else.
    assert_eq!(g.touch(2000), Populated::Done);
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(0)).p2mt,
        P2mType::PopulateOnDemand,
        "reclaimed"
    );
    for gfn in 1..16u64 {
        assert_eq!(
            g.p2m.get_entry(&g.heap, Gfn(gfn * 64)).p2mt,
            P2mType::RamRw,
            "gfn {gfn}"
        );
    }
    // The page just populated for 2000 is zero too (the guest has not written it): the next touch
    // may take it back, a zero-sum game as in Xen. Once it holds data, nothing is left.
    let mfn = g.p2m.get_entry(&g.heap, Gfn(2000)).mfn.unwrap();
    g.heap.frames().write_u64(mfn, 0, 1);
    assert_eq!(
        g.touch(1999),
        Populated::OutOfMemory,
        "the caller crashes the domain"
    );
    for gfn in 1..16u64 {
        assert_eq!(
            g.p2m.get_entry(&g.heap, Gfn(gfn * 64)).p2mt,
            P2mType::RamRw,
            "gfn {gfn}"
        );
    }
}

#[test]
fn decrease_reservation_clears_pod_entries_and_steals_ram_for_the_cache() {
    let g = guest(2048, 512);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (0, 1536));
    // Releasing a PoD range: the entries go, the guest's debt shrinks.
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod
                .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(1024), 9),
            Ok(true)
        );
    }
    g.check();
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(1024)).p2mt, P2mType::MmioDm);
    assert_eq!(g.pod.counts(), (0, 1024));
    // Releasing RAM while entries outnumber the cache: it is stolen into the cache, not freed.
    // (A page elsewhere in the superpage holds data, so the superpage is not taken whole.)
    let mfn = g.p2m.get_entry(&g.heap, Gfn(100)).mfn.unwrap();
    g.heap.frames().write_u64(mfn, 0, 1);
    // The guest's data in the frames it gives back must not reach the next PoD page.
    let stolen: Vec<_> = (0..16)
        .map(|gfn| g.p2m.get_entry(&g.heap, Gfn(gfn)).mfn.unwrap())
        .collect();
    for &m in &stolen {
        g.heap.frames().write_u64(m, 511, 0xda7a);
    }
    let tot = g.d.tot_pages();
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.decrease_reservation(&mut p, &g.heap, &g.d, Gfn(0), 4),
            Ok(true)
        );
    }
    g.check();
    assert_eq!(g.pod.counts(), (16, 1024));
    assert_eq!(g.d.tot_pages(), tot, "stolen, not freed");
    for m in stolen {
        assert!(
            g.heap.frames().frame_is_zero(m),
            "{m:?} joined the cache dirty"
        );
    }
}

#[test]
fn marking_ram_populate_on_demand_is_refused() {
    let g = guest(2048, 512);
    g.touch(0);
    let before = g.pod.counts();
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.mark_populate_on_demand(&mut p, &g.heap, Gfn(0), 9),
            Err(Errno::EBUSY)
        );
        // Re-marking PoD entries counts them once.
        g.pod
            .mark_populate_on_demand(&mut p, &g.heap, Gfn(512), 9)
            .unwrap();
    }
    assert_eq!(g.pod.counts(), before);
    g.check();
    // A misaligned range or an order past any shift is refused, changing nothing.
    let before = g.pod.counts();
    for (gfn, order) in [(0x201, 8), (0x200, 64)] {
        assert_eq!(
            g.pod
                .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(gfn), order),
            Err(Errno::EINVAL)
        );
    }
    assert_eq!(g.pod.counts(), before);
    // A 4 KiB range inside a PoD superpage is already counted.
    g.pod
        .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(0x234), 0)
        .unwrap();
    assert_eq!(g.pod.counts(), before);
    // RAM right after the range is not in it.
    let g = guest(2048, 512);
    g.touch(0x200);
    g.pod
        .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(0x100), 8)
        .unwrap();
    g.check();
}

#[test]
fn teardown_returns_every_frame() {
    let g = guest(2048, 1024);
    g.touch(0);
    g.touch(600);
    assert_eq!(
        g.pod.empty_cache(&g.d),
        Err(Errno::EINVAL),
        "only a dying domain's cache"
    );
    g.heap.domain_kill(&g.d);
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.demand_populate(&mut p, &g.heap, &g.d, Gfn(1024), 9),
            Ok(Populated::Dying)
        );
    }
    g.pod.empty_cache(&g.d).unwrap();
    assert!(g.heap.relinquish_memory(&g.d, u64::MAX).unwrap());
    assert_eq!(g.d.tot_pages(), 0);
    g.heap.check_invariants().unwrap();
}

#[test]
fn alloc_lookups_populate_through_the_pod_hook() {
    // p2m_get_entry with P2M_ALLOC on a PoD entry -> p2m_pod_demand_populate.
    use xen_mm::p2m::Query;
    use xen_mm::pod::PodFiller;
    let g = guest(1 << 18, 1024);
    let filler = PodFiller {
        pod: &g.pod,
        p2m: &g.p2m,
        heap: &g.heap,
        d: &g.d,
    };
    let found = g
        .p2m
        .get_entry_query(&g.heap, Gfn(0x3_0001), Query::ALLOC, &filler);
    assert_eq!(
        found.p2mt,
        P2mType::RamRw,
        "1 GiB remapped, then a 2 MiB piece populated"
    );
    assert_eq!(found.order, 9);
    assert_eq!(g.pod.counts(), (512, (1 << 18) - 512));
    g.check();
}

/// Runs `body` while another thread (another vCPU) holds `gfn`'s lock.
fn with_gfn_held_elsewhere(g: &Guest, gfn: u64, body: impl FnOnce()) {
    use std::sync::mpsc::channel;
    std::thread::scope(|scope| {
        // Made in here so that a failing `body` drops the sender and the holder lets go.
        let (held_tx, held_rx) = channel();
        let (release_tx, release_rx) = channel::<()>();
        scope.spawn(move || {
            let _held = g.p2m.lock_gfn(Gfn(gfn));
            held_tx.send(()).unwrap();
            let _ = release_rx.recv();
        });
        held_rx.recv().unwrap();
        body();
        release_tx.send(()).unwrap();
    });
}

fn fault(g: &Guest, gfn: u64) -> bool {
    use xen_mm::p2m::Query;
    use xen_mm::pod::PodFiller;
    let filler = PodFiller {
        pod: &g.pod,
        p2m: &g.p2m,
        heap: &g.heap,
        d: &g.d,
    };
    let found = g
        .p2m
        .get_entry_query(&g.heap, Gfn(gfn), Query::ALLOC, &filler);
    g.check();
    found.p2mt.is_ram()
}

#[test]
fn sweeps_skip_gfns_whose_lock_another_vcpu_holds() {
    // Seed 000: a sweep runs inside the p2m lock, so it only tries each gfn's lock and skips the
    // busy ones (waiting could deadlock with a vCPU that holds the gfn and waits for the p2m).
    let g = guest(2048, 16);
    // Eight zero pages in each of two 2 MiB regions; the cache is then empty.
    for i in 0..8 {
        assert_eq!(g.touch(0x200 + i), Populated::Done);
        assert_eq!(g.touch(0x400 + i), Populated::Done);
    }
    assert_eq!(g.pod.counts().0, 0);
    let held: Vec<_> = (0..8)
        .map(|i| g.p2m.get_entry(&g.heap, Gfn(0x200 + i)))
        .collect();
    with_gfn_held_elsewhere(&g, 0x200, || {
        // Eight faults drain what can be reclaimed: all of it from the free region.
        for i in 0..8 {
            assert!(fault(&g, 0x600 + i), "fault {i} populated");
        }
        for (i, before) in held.iter().enumerate() {
            let now = g.p2m.get_entry(&g.heap, Gfn(0x200 + i as u64));
            assert_eq!(now, *before, "a page of the held region was reclaimed");
        }
        // Only the held region's zero pages are left: the next fault is out of PoD memory.
        let pod_left = (0..8)
            .filter(|i| g.p2m.get_entry(&g.heap, Gfn(0x400 + i)).p2mt == P2mType::PopulateOnDemand)
            .count();
        assert!(
            pod_left >= 7,
            "the free region was reclaimed ({pod_left} of 8)"
        );
    });
}

#[test]
fn a_held_superpage_is_not_reclaimed_and_is_once_released() {
    // p2m_pod_zero_check_superpage and the 4 KiB sweep both skip a busy region.
    let g = guest(2048, 512);
    assert_eq!(g.touch(0x200), Populated::Done);
    assert_eq!(g.pod.counts().0, 0);
    let before = g.p2m.get_entry(&g.heap, Gfn(0x200));
    assert_eq!((before.p2mt, before.order), (P2mType::RamRw, 9));
    with_gfn_held_elsewhere(&g, 0x200, || {
        assert!(
            !fault(&g, 0x600),
            "nothing else to reclaim: out of PoD memory"
        );
        assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x200)), before);
    });
    // The same fault succeeds once the region is free: the lock alone held it back.
    assert!(fault(&g, 0x600));
    assert_ne!(g.p2m.get_entry(&g.heap, Gfn(0x200)), before);
}

mod model {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Touch(u64),
        Write(u64),
        Target(u64),
        Release(u64, u32),
    }

    const GUEST: u64 = 4096;

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0..GUEST).prop_map(Op::Touch),
            3 => (0..GUEST).prop_map(Op::Write),
            1 => (0..GUEST).prop_map(Op::Target),
            2 => ((0..GUEST), prop_oneof![Just(0u32), Just(4), Just(9)])
                .prop_map(|(g, o)| Op::Release(g & !((1 << o) - 1), o)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Random guest touches, writes, target changes and balloon releases: Xen's PoD invariants
        /// hold after every step, and a page the guest wrote is never reclaimed (its data stays).
        #[test]
        fn pod_follows_its_invariants(ops in proptest::collection::vec(op(), 1..80)) {
            let g = guest(GUEST, 1024);
            // gfn -> the value the guest wrote into its first word.
            let mut written: BTreeMap<u64, u64> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Touch(gfn) => {
                        if g.p2m.get_entry(&g.heap, Gfn(gfn)).p2mt == P2mType::PopulateOnDemand {
                            let r = g.touch(gfn);
                            prop_assert!(matches!(r, Populated::Done | Populated::OutOfMemory), "{r:?}");
                        }
                    }
                    Op::Write(gfn) => {
                        let found = g.p2m.get_entry(&g.heap, Gfn(gfn));
                        if found.p2mt == P2mType::RamRw {
                            let v = 0x1000 + gfn;
                            g.heap.frames().write_u64(found.mfn.unwrap(), 0, v);
                            written.insert(gfn, v);
                        }
                    }
                    Op::Target(t) => {
                        let _ = g.pod.set_mem_target(&g.heap, &g.d, t, || false);
                    }
                    Op::Release(gfn, order) => {
                        let mut p = g.p2m.locked();
                        let _ = g.pod.decrease_reservation(&mut p, &g.heap, &g.d, Gfn(gfn), order);
                        drop(p);
                        // Whatever the guest gave back is no longer its data to keep.
                        written.retain(|&w, _| w < gfn || w >= gfn + (1 << order));
                        // What was not taken by PoD is freed by decrease_reservation's caller.
                        for i in 0..1u64 << order {
                            let found = g.p2m.get_entry(&g.heap, Gfn(gfn + i));
                            if found.p2mt == P2mType::RamRw {
                                let mut p = g.p2m.locked();
                                p.set_entry(&g.heap, Gfn(gfn + i), None, 0, P2mType::Invalid,
                                            xen_mm::p2m::types::P2mAccess::Rwx).unwrap();
                                drop(p);
                                g.heap.free_domheap_pages(&g.d, found.mfn.unwrap(), 0).unwrap();
                            }
                        }
                    }
                }
                g.pod.check_invariants(&g.p2m.locked(), &g.d).map_err(|e| TestCaseError::fail(e.to_string()))?;
                g.heap.check_invariants().map_err(|e| TestCaseError::fail(e.to_string()))?;
                for (&gfn, &v) in &written {
                    let found = g.p2m.get_entry(&g.heap, Gfn(gfn));
                    prop_assert_eq!(found.p2mt, P2mType::RamRw, "gfn {:#x} with data was reclaimed", gfn);
                    prop_assert_eq!(g.heap.frames().read_u64(found.mfn.unwrap(), 0), v);
                }
            }
        }
    }
}

#[test]
fn a_zero_superpage_is_reclaimed_whole() {
    // p2m_pod_zero_check_superpage, from p2m_pod_decrease_reservation: the balloon returns one
    // page of a 2 MiB page that is all zero; the whole superpage goes back to the cache.
    let g = guest(2048, 512);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (0, 1536));
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.decrease_reservation(&mut p, &g.heap, &g.d, Gfn(5), 0),
            Ok(true)
        );
    }
    g.check();
    assert_eq!(
        g.pod.counts(),
        (512, 2047),
        "512 frames cached, the other 511 gfns PoD again"
    );
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(5)).p2mt, P2mType::MmioDm);
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(6)).p2mt,
        P2mType::PopulateOnDemand
    );
    // With one non-zero byte anywhere in it, the superpage is kept and only the page is stolen.
    let g = guest(2048, 512);
    g.touch(0);
    let mfn = g.p2m.get_entry(&g.heap, Gfn(300)).mfn.unwrap();
    g.heap.frames().write_u64(mfn, 400, 7);
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.decrease_reservation(&mut p, &g.heap, &g.d, Gfn(5), 0),
            Ok(true)
        );
    }
    g.check();
    assert_eq!(g.pod.counts(), (1, 1536));
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(300)).p2mt, P2mType::RamRw);
    assert_eq!(g.heap.frames().read_u64(mfn, 400), 7, "data kept");
}

#[test]
fn populating_under_log_dirty_marks_every_populated_frame_dirty() {
    // p2m_pod_demand_populate: paging_mark_dirty for each frame of the new mapping, so a live
    // migration copies memory the guest got on demand.
    let g = guest(2048, 1024);
    g.p2m.enable_logdirty(&g.heap).unwrap();
    assert_eq!(g.touch(0x234), Populated::Done);
    let (bitmap, stats) = g.p2m.log_dirty_op(&g.heap, 2048, false).unwrap();
    assert_eq!(stats.dirty_count, 512);
    for gfn in 0..2048u64 {
        let dirty = bitmap[(gfn / 64) as usize] & (1 << (gfn % 64)) != 0;
        assert_eq!(dirty, (0x200..0x400).contains(&gfn), "gfn {gfn:#x}");
    }
    // A page written again is counted once.
    g.p2m.mark_dirty(Gfn(0x234));
    assert_eq!(
        g.p2m
            .log_dirty_op(&g.heap, 2048, false)
            .unwrap()
            .1
            .dirty_count,
        512
    );
    g.check();
}

#[test]
fn the_cache_grows_in_2mib_steps_while_a_whole_one_is_wanted_then_4kib() {
    // p2m_pod_set_cache_target: order 9 while at least 512 frames are missing, order 0 for the
    // rest; preemption is offered between steps, not after the last.
    let g = guest(2048, 0);
    assert_eq!(g.pod.counts().0, 0);
    let mut asked = 0;
    g.pod
        .set_mem_target(&g.heap, &g.d, 1100, || {
            asked += 1;
            false
        })
        .unwrap();
    assert_eq!(g.pod.counts().0, 1100);
    assert_eq!(asked, 2 + 76 - 1, "two 2 MiB steps and 76 4 KiB ones");
    // Both 2 MiB steps are in the cache as superpages.
    for gfn in [0x000, 0x200] {
        assert_eq!(g.touch(gfn), Populated::Done);
        assert_eq!(g.p2m.get_entry(&g.heap, Gfn(gfn)).order, 9);
    }
    g.check();
}

#[test]
fn releasing_pod_entries_below_the_cache_gives_the_surplus_back() {
    // p2m_pod_decrease_reservation: with fewer entries than cached frames left, the cache
    // shrinks to the entries (p2m_pod_set_cache_target), and the frames go back to the heap.
    let g = guest(2048, 1024);
    assert_eq!(g.pod.counts(), (1024, 2048));
    let free = g.heap.physinfo().free_pages;
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod
                .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(0), 10),
            Ok(true)
        );
        assert_eq!(
            g.pod
                .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(1024), 9),
            Ok(true)
        );
    }
    assert_eq!(g.pod.counts(), (512, 512));
    assert_eq!(g.d.tot_pages(), 512);
    assert_eq!(g.heap.physinfo().free_pages, free + 512);
    g.check();
}

#[test]
fn without_a_free_2mib_block_the_cache_grows_in_4kib_frames() {
    // p2m_pod_set_cache_target falls back to order 0 when an order-9 allocation fails.
    let g = guest(2048, 0);
    let other = g.heap.new_domain(2, 1 << 20).unwrap();
    // Leave one frame of every 2 MiB block in use: no order-9 block is free.
    let free = g.heap.physinfo().free_pages;
    let any = xen_mm::buddy::AllocRequest::default();
    let mut held = Vec::new();
    while let Ok(m) = g.heap.alloc_domheap_pages(&other, 0, &any) {
        held.push(m);
    }
    for m in held {
        if m.0 % 512 != 0 {
            g.heap.free_domheap_pages(&other, m, 0).unwrap();
        }
    }
    assert!(g.heap.physinfo().free_pages >= 600 && g.heap.physinfo().free_pages < free);
    g.pod.set_mem_target(&g.heap, &g.d, 600, || false).unwrap();
    assert_eq!(g.pod.counts().0, 600);
    g.check();
}

/// A guest of 2048 PoD frames whose cache holds one 2 MiB superpage and 600 single frames (the
/// heap is fragmented after the superpage is cached, so the rest comes in 4 KiB frames), with
/// 16 frames left free for p2m tables.
fn guest_with_one_superpage_and_600_singles() -> Guest {
    let g = guest(2048, 512);
    let other = g.heap.new_domain(2, 1 << 20).unwrap();
    let any = xen_mm::buddy::AllocRequest::default();
    let mut held = Vec::new();
    while let Ok(m) = g.heap.alloc_domheap_pages(&other, 0, &any) {
        held.push(m);
    }
    // 600 frames for the cache and a few for p2m tables.
    for m in held.into_iter().filter(|m| m.0 % 512 != 0).take(616) {
        g.heap.free_domheap_pages(&other, m, 0).unwrap();
    }
    g.pod.set_mem_target(&g.heap, &g.d, 1112, || false).unwrap();
    assert_eq!(g.pod.counts(), (1112, 2048));
    g
}

#[test]
fn shrinking_gives_back_a_superpage_only_while_more_than_one_is_surplus() {
    // p2m_pod_set_cache_target: order 9 while count - target > SUPERPAGE_PAGES and a superpage is
    // cached, order 0 (single frames first) otherwise. What is left shows in the next 2 MiB
    // populate: from a cached superpage (order 9), or split (order 0).
    for (releases, surplus, superpage_left) in [
        (&[(1024, 9), (0, 10)][..], 600, false),
        (
            &[(1024, 8), (1280, 7), (1408, 5), (1440, 3), (0, 10)][..],
            512,
            true,
        ),
    ] {
        let g = guest_with_one_superpage_and_600_singles();
        {
            let mut p = g.p2m.locked();
            for &(gfn, order) in releases {
                g.pod
                    .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(gfn), order)
                    .unwrap();
            }
        }
        let entries = g.pod.counts().1;
        assert_eq!(1112 - entries, surplus);
        assert_eq!(
            g.pod.counts().0,
            entries,
            "the cache shrinks to the entries"
        );
        assert_eq!(g.touch(0x600), Populated::Done);
        let order = g.p2m.get_entry(&g.heap, Gfn(0x600)).order;
        assert_eq!(order == 9, superpage_left, "surplus {surplus}");
        g.check();
    }
}

#[test]
fn set_mem_target_follows_xens_early_exits() {
    // p2m_pod_set_mem_target: T up to max_pages is allowed; P == B (populated, no entries left):
    // nothing to do; a dying domain: nothing to do; otherwise the cache grows toward the entries.
    let g = guest(2048, 0);
    g.pod.set_mem_target(&g.heap, &g.d, 2048, || false).unwrap();
    assert_eq!(g.pod.counts(), (2048, 2048), "the whole of max_pages");

    // A partly populated guest raising its target: the cache grows.
    let g = guest(2048, 512);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (0, 1536));
    g.pod.set_mem_target(&g.heap, &g.d, 1024, || false).unwrap();
    assert_eq!(g.pod.counts(), (512, 1536));
    g.check();

    // Dying: nothing is allocated.
    g.heap.domain_kill(&g.d);
    let free = g.heap.physinfo().free_pages;
    g.pod.set_mem_target(&g.heap, &g.d, 2048, || false).unwrap();
    assert_eq!(g.heap.physinfo().free_pages, free);

    // A domain being created (nothing populated, no entries yet): the cache is filled.
    let g = guest_of(4096, None);
    g.pod.set_mem_target(&g.heap, &g.d, 100, || false).unwrap();
    assert_eq!(g.pod.counts(), (100, 0));

    // Populated and short of entries: the cache grows only to the entries left (B < T').
    let g = guest_of(4096, Some(10));
    g.pod.set_mem_target(&g.heap, &g.d, 512, || false).unwrap();
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (0, 512));
    g.pod.set_mem_target(&g.heap, &g.d, 2048, || false).unwrap();
    assert_eq!(g.pod.counts(), (512, 512));
    g.check();

    // A cache larger than the entries (set before anything was populated), then every entry
    // populated: P == B, so a new target leaves the cache alone.
    let g = guest_of(4096, Some(9));
    g.pod.set_mem_target(&g.heap, &g.d, 1024, || false).unwrap();
    assert_eq!(g.pod.counts(), (1024, 512));
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (512, 0));
    g.pod.set_mem_target(&g.heap, &g.d, 2048, || false).unwrap();
    assert_eq!(g.pod.counts(), (512, 0));
    g.check();
}

#[test]
fn decrease_reservation_leaves_what_pod_need_not_handle_to_the_caller() {
    // p2m_pod_decrease_reservation returns without acting for a dying domain, and when the range
    // holds no PoD entry and the cache already covers every entry (nothing to steal for).
    let g = guest(2048, 2048);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (1536, 1536));
    let tot = g.d.tot_pages();
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod.decrease_reservation(&mut p, &g.heap, &g.d, Gfn(0), 4),
            Ok(false)
        );
        // Misaligned, or an order past any shift.
        for (gfn, order) in [(0x201, 8), (0, 64)] {
            assert_eq!(
                g.pod
                    .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(gfn), order),
                Err(Errno::EINVAL)
            );
        }
    }
    assert_eq!(g.pod.counts(), (1536, 1536));
    assert_eq!(g.d.tot_pages(), tot);
    // PoD entries in the range are dropped though there is nothing to steal for, and the cache
    // follows the entries down.
    {
        let mut p = g.p2m.locked();
        assert_eq!(
            g.pod
                .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(0x200), 9),
            Ok(true)
        );
    }
    assert_eq!(g.pod.counts(), (1024, 1024));
    g.heap.domain_kill(&g.d);
    let mut p = g.p2m.locked();
    assert_eq!(
        g.pod
            .decrease_reservation(&mut p, &g.heap, &g.d, Gfn(0x400), 9),
        Ok(false)
    );
    drop(p);
    assert_eq!(g.pod.counts(), (1024, 1024));
}

/// A guest with a fresh (so zero) 2 MiB block mapped as 512 4 KiB RAM pages at gfns 0..512, 512
/// PoD entries at 0x800, and a cache `margin` frames short of the entries.
fn guest_with_ram_pages_and_margin(margin: u64) -> Guest {
    use xen_mm::p2m::types::P2mAccess;
    let g = guest_of(4096, None);
    let any = xen_mm::buddy::AllocRequest::default();
    let block = g.heap.alloc_domheap_pages(&g.d, 9, &any).unwrap();
    for gfn in 0..512 {
        g.p2m
            .set_entry(
                &g.heap,
                Gfn(gfn),
                Some(block + gfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    g.pod
        .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(0x800), 9)
        .unwrap();
    g.pod
        .set_mem_target(&g.heap, &g.d, 512 + 512 - margin, || false)
        .unwrap();
    assert_eq!(g.pod.counts(), (512 - margin, 512));
    g.check();
    g
}

#[test]
fn stealing_stops_when_the_cache_covers_the_entries() {
    // p2m_pod_decrease_reservation: RAM is stolen into the cache only while entries outnumber
    // cached frames; the rest is left to the caller to free.
    let g = guest_with_ram_pages_and_margin(16);
    // Data elsewhere in the superpage: it is not taken back whole.
    let data = g.p2m.get_entry(&g.heap, Gfn(100)).mfn.unwrap();
    g.heap.frames().write_u64(data, 0, 1);
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 5);
    assert_eq!(
        decreased,
        Ok(false),
        "16 of the 32 pages are left to the caller"
    );
    assert_eq!(g.pod.counts(), (512, 512));
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(15)).p2mt,
        P2mType::MmioDm,
        "unmapped"
    );
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(16)).p2mt, P2mType::RamRw);
    g.check();
}

#[test]
fn a_whole_superpage_range_is_not_zero_checked_as_single_pages_are() {
    // The superpage zero-check is for balloon drivers returning pages smaller than 2 MiB
    // (order < SUPERPAGE_ORDER); a 2 MiB range is stolen page by page like any other.
    let g = guest_with_ram_pages_and_margin(100);
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 9);
    assert_eq!(decreased, Ok(false), "412 pages are left to the caller");
    assert_eq!(g.pod.counts(), (512, 512));
    g.check();
}

#[test]
fn ram_is_not_stolen_once_the_cache_covers_the_entries() {
    // With as many cached frames as entries, a range holding PoD entries and RAM loses its PoD
    // entries; its RAM stays mapped for the caller to free.
    let g = guest_with_ram_pages_and_margin(0);
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 12);
    assert_eq!(decreased, Ok(false));
    assert_eq!(
        g.pod.counts(),
        (0, 0),
        "the entries went, and the cache with them"
    );
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(5)).p2mt, P2mType::RamRw);
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(0x900)).p2mt,
        P2mType::MmioDm,
        "unmapped"
    );
    g.check();
}

#[test]
fn frames_the_sweeps_cannot_reclaim_are_never_switched_to_pod() {
    // p2m_pod_zero_check(_superpage) look at the entry, the owner, the references and the first
    // words before touching the p2m; only what passes is switched to PoD and checked in full.
    // Here nothing passes: 511 frames hold data in their first word, and the zero one is mapped
    // by another domain. The p2m must not change at all (no TLB generation step).
    let g = guest(2048, 512);
    assert_eq!(g.touch(0), Populated::Done);
    let mfn0 = g.p2m.get_entry(&g.heap, Gfn(0)).mfn.unwrap();
    for i in (0..512).filter(|&i| i != 3) {
        g.heap.frames().write_u64(mfn0 + i, 0, 0x1);
    }
    let mapper = g.heap.new_domain(2, 16).unwrap();
    g.heap.get_foreign_page(&mapper, &g.d, mfn0 + 3).unwrap();
    let generation = g.p2m.tlb_generation();
    assert_eq!(g.touch(0x600), Populated::OutOfMemory);
    assert_eq!(g.p2m.tlb_generation(), generation, "the p2m was touched");
    for i in 0..512 {
        assert_eq!(g.p2m.get_entry(&g.heap, Gfn(i)).mfn, Some(mfn0 + i));
    }
    g.heap.put_foreign_page(&mapper, mfn0 + 3).unwrap();
    g.check();
}

#[test]
fn a_superpage_zero_check_needs_the_frames_mapped_in_order() {
    // p2m_pod_zero_check_superpage: 512 entries of one type backed by 512 contiguous frames.
    // With two frames swapped the superpage is not taken back whole; the page given back is
    // stolen alone.
    use xen_mm::p2m::types::P2mAccess;
    let g = guest_with_ram_pages_and_margin(100);
    let (m1, m2) = (
        g.p2m.get_entry(&g.heap, Gfn(1)).mfn.unwrap(),
        g.p2m.get_entry(&g.heap, Gfn(2)).mfn.unwrap(),
    );
    for (gfn, mfn) in [(1, m2), (2, m1)] {
        g.p2m
            .set_entry(
                &g.heap,
                Gfn(gfn),
                Some(mfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 0);
    assert_eq!(decreased, Ok(true));
    assert_eq!(
        g.pod.counts(),
        (413, 512),
        "one page stolen, no superpage reclaimed"
    );
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(1)).mfn, Some(m2));
    g.check();
}

#[test]
fn a_superpage_with_a_frame_mapped_elsewhere_is_not_switched_to_pod() {
    // p2m_pod_zero_check_superpage's first pass refuses a frame with an extra reference before
    // the p2m is touched: giving back one page then changes one entry, nothing else.
    let g = guest_with_ram_pages_and_margin(100);
    let mfn3 = g.p2m.get_entry(&g.heap, Gfn(3)).mfn.unwrap();
    let mapper = g.heap.new_domain(2, 16).unwrap();
    g.heap.get_foreign_page(&mapper, &g.d, mfn3).unwrap();
    let generation = g.p2m.tlb_generation();
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 0);
    assert_eq!(decreased, Ok(true));
    assert_eq!(g.p2m.tlb_generation(), generation + 1, "one entry changed");
    assert_eq!(g.pod.counts(), (413, 512));
    g.heap.put_foreign_page(&mapper, mfn3).unwrap();
    g.check();
}

#[test]
fn a_recently_populated_zero_superpage_is_taken_back_whole() {
    // pod_eager_reclaim: a superpage entry of the most recently populated list is zero-checked
    // as a superpage (p2m_pod_zero_check_superpage) and comes back as a 2 MiB PoD entry, so the
    // next 2 MiB populate is a superpage again.
    let g = guest(2048, 512);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts().0, 0);
    assert_eq!(g.touch(0x600), Populated::Done);
    let back = g.p2m.get_entry(&g.heap, Gfn(0));
    assert_eq!((back.p2mt, back.order), (P2mType::PopulateOnDemand, 9));
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x600)).order, 9);
    g.check();
}

#[test]
fn no_eager_reclaim_while_the_cache_covers_the_entries() {
    // p2m_pod_demand_populate reclaims eagerly only while entries outnumber cached frames.
    let g = guest(2048, 2048);
    assert_eq!(g.touch(0), Populated::Done);
    assert_eq!(g.pod.counts(), (1536, 1536));
    assert_eq!(g.touch(0x200), Populated::Done);
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(0)).p2mt,
        P2mType::RamRw,
        "kept"
    );
    g.check();
}

#[test]
fn physmap_add_page_replaces_pod_entries_and_refuses_bad_ranges() {
    // p2m_add_page (guest_physmap_add_page): PoD entries it replaces leave entry_count; a range
    // over a grant or foreign entry, a misaligned one and one above 1 GiB are refused.
    use xen_mm::p2m::types::P2mAccess;
    let g = guest(2048, 0);
    let any = xen_mm::buddy::AllocRequest::default();
    let block = g.heap.alloc_domheap_pages(&g.d, 4, &any).unwrap();
    let add = |gfn: u64, order| {
        g.pod.physmap_add_page(
            &mut g.p2m.locked(),
            &g.heap,
            Gfn(gfn),
            block,
            order,
            P2mType::RamRw,
        )
    };
    assert_eq!(add(0x101, 4), Err(Errno::EINVAL), "misaligned");
    assert_eq!(add(0, 19), Err(Errno::EINVAL), "above 1 GiB");
    assert_eq!(g.pod.counts(), (0, 2048));
    add(0x100, 4).unwrap();
    assert_eq!(g.pod.counts(), (0, 2048 - 16));
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x10f)).mfn, Some(block + 15));
    g.p2m
        .set_entry(
            &g.heap,
            Gfn(0x205),
            Some(block),
            0,
            P2mType::GrantMapRw,
            P2mAccess::Rw,
        )
        .unwrap();
    assert_eq!(add(0x200, 4), Err(Errno::EINVAL), "over a grant mapping");
    assert_eq!(
        g.p2m.get_entry(&g.heap, Gfn(0x200)).p2mt,
        P2mType::PopulateOnDemand
    );
    // 1 GiB is the largest range (the frames need not be the guest's for the p2m's sake).
    g.pod
        .physmap_add_page(
            &mut g.p2m.locked(),
            &g.heap,
            Gfn(0x4_0000),
            xen_mm::frame::Mfn(0x4_0000),
            18,
            P2mType::RamRw,
        )
        .unwrap();
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0x4_0000)).order, 18);
}

/// Populates `gfn` from the cache without checking the invariants (for bulk set-up).
fn populate_unchecked(g: &Guest, gfn: u64) {
    let mut locked = g.p2m.locked();
    let r = g
        .pod
        .demand_populate(&mut locked, &g.heap, &g.d, Gfn(gfn), 0);
    assert_eq!(r, Ok(Populated::Done), "gfn {gfn:#x}");
}

fn is_pod(g: &Guest, gfn: u64) -> bool {
    g.p2m.get_entry(&g.heap, Gfn(gfn)).p2mt == P2mType::PopulateOnDemand
}

#[test]
fn the_emergency_sweep_looks_1024_gfns_back_then_on_until_it_finds_something() {
    // p2m_pod_emergency_sweep: from reclaim_single (max_guest when it is 0) down to gfn 1 (never
    // gfn 0), zero-checking RAM gfns 16 at a time; it stops once it is more than POD_SWEEP_LIMIT
    // below where it started and has found something, and the next sweep goes on one below.
    //
    // gfns 0..3072 are 4 KiB RAM populated through PoD (max_guest 3071), all holding data but
    // the zero pages below; 3072.. are PoD and the cache is empty.
    let zero = [0u64, 100, 798, 800, 2046, 2500];
    let g = guest_of(4096, None);
    for gfn in 0..4096 {
        g.pod
            .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(gfn), 0)
            .unwrap();
    }
    g.pod.set_mem_target(&g.heap, &g.d, 3072, || false).unwrap();
    let write = |gfn: u64| {
        let mfn = g.p2m.get_entry(&g.heap, Gfn(gfn)).mfn.unwrap();
        g.heap.frames().write_u64(mfn, 0, gfn + 1);
    };
    // Every page holds data while populating, or eager reclaim would take it back at once.
    for gfn in 0..3072 {
        populate_unchecked(&g, gfn);
        write(gfn);
    }
    for &gfn in &zero {
        let mfn = g.p2m.get_entry(&g.heap, Gfn(gfn)).mfn.unwrap();
        g.heap.frames().write_u64(mfn, 0, 0);
    }
    assert_eq!(g.pod.counts(), (0, 1024));
    g.check();
    let pod_now =
        |g: &Guest| -> Vec<u64> { zero.iter().copied().filter(|&z| is_pod(g, z)).collect() };

    // Sweep 1, from 3071 with its limit at 2047: 2500 is found in the batch ending at 2496, so
    // the sweep stops below the limit, at 2046, whose partial batch is still checked. Next: 2045.
    assert_eq!(g.touch(3072), Populated::Done);
    assert_eq!(pod_now(&g), [2046, 2500]);
    write(3072);
    // One reclaimed frame is still cached: no sweep.
    assert_eq!(g.touch(3073), Populated::Done);
    assert_eq!(pod_now(&g), [2046, 2500]);
    write(3073);

    // Sweep 2, from 2045 with its limit at 1021: nothing within the limit, so it goes on until
    // a batch finds something; 800 and 798 share the batch 813..798, which ends the sweep.
    assert_eq!(g.touch(3074), Populated::Done);
    assert_eq!(pod_now(&g), [798, 800, 2046, 2500]);
    write(3074);
    assert_eq!(g.touch(3075), Populated::Done);
    write(3075);

    // Sweep 3, from 797 with its limit at 0: on down to gfn 1, so 100 is found and the next
    // sweep starts again from max_guest.
    assert_eq!(g.touch(3076), Populated::Done);
    assert_eq!(pod_now(&g), [100, 798, 800, 2046, 2500]);
    write(3076);

    // Sweep 4, from max_guest (3076) down to gfn 1: nothing is zero but gfn 0, which no sweep
    // looks at.
    assert_eq!(g.touch(3077), Populated::OutOfMemory);
    assert_eq!(pod_now(&g), [100, 798, 800, 2046, 2500]);
    g.check();
}

/// Frames of an arena whose reads can run a hook: a stand-in for another CPU that acts on a frame
/// while a sweep reads it.
struct RacingFrames {
    arena: ArenaFrames,
    on_read: std::sync::OnceLock<Box<dyn Fn(xen_mm::frame::Mfn) + Send + Sync>>,
}

impl FrameAccess for RacingFrames {
    fn zero_frame(&self, mfn: xen_mm::frame::Mfn) {
        self.arena.zero_frame(mfn)
    }
    fn read_u64(&self, mfn: xen_mm::frame::Mfn, index: usize) -> u64 {
        if let Some(hook) = self.on_read.get() {
            hook(mfn);
        }
        self.arena.read_u64(mfn, index)
    }
    fn write_u64(&self, mfn: xen_mm::frame::Mfn, index: usize, value: u64) {
        self.arena.write_u64(mfn, index, value)
    }
    fn compare_exchange_u64(
        &self,
        mfn: xen_mm::frame::Mfn,
        index: usize,
        cur: u64,
        new: u64,
    ) -> Result<u64, u64> {
        self.arena.compare_exchange_u64(mfn, index, cur, new)
    }
}

#[test]
fn a_reference_taken_during_the_zero_check_keeps_the_page_mapped() {
    // p2m_pod_zero_check switches a candidate to PoD and then re-reads its reference count
    // ("See if the page was successfully unmapped"): a reference another CPU took between the
    // first check and the switch (a grant or foreign map) restores the old mapping.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let heap = Arc::new(
        DomHeap::new(
            RacingFrames {
                arena: ArenaFrames::new(xen_mm::frame::Mfn(1 << 18), 1 << 12),
                on_read: std::sync::OnceLock::new(),
            },
            &[(
                xen_mm::frame::Mfn(1 << 18),
                xen_mm::frame::Mfn((1 << 18) + (1 << 12)),
            )],
            1,
            |_| NodeId(0),
        )
        .unwrap(),
    );
    let d = Arc::new(heap.new_domain(1, 64).unwrap());
    let mapper = Arc::new(heap.new_domain(2, 64).unwrap());
    let p2m = P2m::<Ept>::new(
        &*heap,
        Superpages {
            two_mb: false,
            one_gb: false,
        },
    )
    .unwrap();
    let pod = Pod::new();
    for gfn in 0..2 {
        pod.mark_populate_on_demand(&mut p2m.locked(), &*heap, Gfn(gfn), 0)
            .unwrap();
    }
    pod.set_mem_target(&heap, &d, 1, || false).unwrap();
    let populate = |gfn: u64| {
        pod.demand_populate(&mut p2m.locked(), &heap, &d, Gfn(gfn), 0)
            .unwrap()
    };
    assert_eq!(populate(0), Populated::Done);
    let mfn = p2m.get_entry(&*heap, Gfn(0)).mfn.unwrap();
    assert_eq!(heap.with_buddy(|b| b.refcount(mfn)), 1);

    // The first read of the (zero) page takes a foreign reference on it, as if mapped meanwhile.
    let fired = Arc::new(AtomicBool::new(false));
    let hook = {
        let (heap, d, mapper, fired) = (
            Arc::downgrade(&heap),
            d.clone(),
            mapper.clone(),
            fired.clone(),
        );
        move |read: xen_mm::frame::Mfn| {
            if read == mfn && !fired.swap(true, Ordering::SeqCst) {
                let heap = heap.upgrade().unwrap();
                heap.get_foreign_page(&mapper, &d, mfn).unwrap();
            }
        }
    };
    assert!(heap.frames().on_read.set(Box::new(hook)).is_ok());

    // Eager reclaim zero-checks gfn 0 (the most recently populated) and must give it up.
    assert_eq!(populate(1), Populated::OutOfMemory);
    assert!(
        fired.load(Ordering::SeqCst),
        "the zero check never read the page"
    );
    let found = p2m.get_entry(&*heap, Gfn(0));
    assert_eq!((found.p2mt, found.mfn), (P2mType::RamRw, Some(mfn)));
    assert_eq!(pod.counts(), (0, 1));
    heap.put_foreign_page(&mapper, mfn).unwrap();
    pod.check_invariants(&p2m.locked(), &d).unwrap();
    heap.check_invariants().unwrap();
    p2m.check_invariants(&*heap).unwrap();
}

#[test]
fn a_superpage_zero_check_needs_a_2mib_aligned_first_frame() {
    // p2m_pod_zero_check_superpage: "The first mfn is 2-meg aligned". 512 zero frames in
    // sequence from an unaligned frame are not taken back whole; the page given back is stolen
    // alone.
    use xen_mm::p2m::types::P2mAccess;
    let g = guest_of(4096, None);
    let any = xen_mm::buddy::AllocRequest::default();
    let block = g.heap.alloc_domheap_pages(&g.d, 10, &any).unwrap();
    for gfn in 0..512 {
        g.p2m
            .set_entry(
                &g.heap,
                Gfn(gfn),
                Some(block + 1 + gfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    g.pod
        .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(0x800), 9)
        .unwrap();
    g.pod
        .set_mem_target(&g.heap, &g.d, 1024 + 412, || false)
        .unwrap();
    assert_eq!(g.pod.counts(), (412, 512));
    let generation = g.p2m.tlb_generation();
    let decreased = g
        .pod
        .decrease_reservation(&mut g.p2m.locked(), &g.heap, &g.d, Gfn(0), 0);
    assert_eq!(decreased, Ok(true));
    assert_eq!(
        g.pod.counts(),
        (413, 512),
        "one page stolen, no superpage reclaimed"
    );
    // The superpage was never switched to PoD and back: only the stolen page's entry changed.
    assert_eq!(g.p2m.tlb_generation(), generation + 1);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(1)).mfn, Some(block + 2));
    g.check();
}

#[test]
fn eager_reclaim_waits_until_the_entries_outnumber_the_cache() {
    // p2m_pod_demand_populate: "Only reclaim if we're in actual need of more cache"
    // (entry_count > count). pod_eager_reclaim checks the oldest recently populated gfn: here
    // gfn 0, a zero page, 32 populates ago. With the cache exactly covering the entries it stays.
    let g = guest_of(64, None);
    for gfn in 0..64 {
        g.pod
            .mark_populate_on_demand(&mut g.p2m.locked(), &g.heap, Gfn(gfn), 0)
            .unwrap();
    }
    g.pod.set_mem_target(&g.heap, &g.d, 64, || false).unwrap();
    for gfn in 0..32 {
        populate_unchecked(&g, gfn);
        if gfn != 0 {
            let mfn = g.p2m.get_entry(&g.heap, Gfn(gfn)).mfn.unwrap();
            g.heap.frames().write_u64(mfn, 0, 1);
        }
    }
    assert_eq!(g.pod.counts(), (32, 32));
    assert_eq!(g.touch(32), Populated::Done);
    assert_eq!(g.p2m.get_entry(&g.heap, Gfn(0)).p2mt, P2mType::RamRw);
    g.check();
}
