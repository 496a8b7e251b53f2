//! Seed 000's race under loom (`--cfg loom`, run by `./x test`): a vCPU's decrease_reservation
//! steals a guest page into the PoD cache while the toolstack kills the domain, empties its PoD
//! cache and relinquishes its memory (p2m-pod.c `p2m_pod_decrease_reservation`,
//! `p2m_pod_empty_cache`; domain.c `domain_kill`). Whatever the interleaving, no frame is lost and
//! the domain ends with nothing: no zombie.
//!
//! Frame contents are only touched under the p2m and pod locks, which loom models, so the frames
//! live in plain atomics that loom does not track.
#![cfg(loom)]

use std::sync::atomic::{AtomicU64, Ordering};

use loom::sync::Arc;
use xen_mm::buddy::NodeId;
use xen_mm::frame::{FrameAccess, Gfn, Mfn, WORDS_PER_FRAME};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::{P2m, Superpages};
use xen_mm::pod::{Pod, Populated};

const BASE: u64 = 0x1000;
const FRAMES: u64 = 64;

struct PlainFrames(Vec<AtomicU64>);

impl PlainFrames {
    fn word(&self, mfn: Mfn, i: usize) -> &AtomicU64 {
        &self.0[(mfn.0 - BASE) as usize * WORDS_PER_FRAME + i]
    }
}

impl FrameAccess for PlainFrames {
    fn zero_frame(&self, mfn: Mfn) {
        for i in 0..WORDS_PER_FRAME {
            self.word(mfn, i).store(0, Ordering::Relaxed);
        }
    }
    fn read_u64(&self, mfn: Mfn, i: usize) -> u64 {
        self.word(mfn, i).load(Ordering::Acquire)
    }
    fn write_u64(&self, mfn: Mfn, i: usize, v: u64) {
        self.word(mfn, i).store(v, Ordering::Release)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.word(mfn, i)
            .compare_exchange(cur, new, Ordering::SeqCst, Ordering::SeqCst)
    }
}

#[test]
fn stealing_into_the_cache_races_teardown() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let frames = PlainFrames(
            (0..FRAMES as usize * WORDS_PER_FRAME)
                .map(|_| AtomicU64::new(1))
                .collect(),
        );
        let heap =
            DomHeap::new(frames, &[(Mfn(BASE), Mfn(BASE + FRAMES))], 1, |_| NodeId(0)).unwrap();
        let d = heap.new_domain(1, 1024).unwrap();
        let p2m = P2m::<Ept>::new(
            &heap,
            Superpages {
                two_mb: true,
                one_gb: false,
            },
        )
        .unwrap();
        let pod = Pod::new();
        {
            let mut locked = p2m.locked();
            pod.mark_populate_on_demand(&mut locked, &heap, Gfn(0), 9)
                .unwrap();
        }
        pod.set_mem_target(&heap, &d, 16, || false).unwrap();
        for _ in 0..2 {
            let mut locked = p2m.locked();
            let order = locked.get_entry(&heap, Gfn(0)).order;
            if pod
                .demand_populate(&mut locked, &heap, &d, Gfn(0), order)
                .unwrap()
                == Populated::Done
            {
                break;
            }
        }
        let shared = Arc::new((heap, d, p2m, pod));

        let vcpu = {
            let shared = shared.clone();
            loom::thread::spawn(move || {
                let (heap, d, p2m, pod) = &*shared;
                let mut locked = p2m.locked();
                // Stealing may fail once teardown has taken the frame: never a panic.
                let _ = pod.decrease_reservation(&mut locked, heap, d, Gfn(0), 0);
            })
        };
        let (heap, d, p2m, pod) = &*shared;
        heap.domain_kill(d);
        pod.empty_cache(d).unwrap();
        heap.relinquish_memory(d, u64::MAX).unwrap();
        vcpu.join().unwrap();
        // The vCPU may have added to the cache after it was emptied: relinquish frees detached
        // frames too, so one more pass (domain_relinquish_resources is re-run) must finish.
        assert!(
            heap.relinquish_memory(d, u64::MAX).unwrap(),
            "frames left behind"
        );
        assert_eq!(d.tot_pages(), 0, "a zombie domain");
        assert_eq!(d.detached_pages(), 0);
        p2m.reclaim_limbo(heap);
        let phys = heap.physinfo();
        assert_eq!(
            phys.free_pages + p2m.table_frames() + p2m.limbo_frames(),
            phys.total_pages,
            "a frame was lost"
        );
        heap.check_invariants().unwrap();
    });
}

/// Seed 000's deadlock: vCPU A faults on a PoD gfn with an empty cache, so its sweep (inside the p2m
/// lock) looks at a zero page in another region, while vCPU B holds that region's gfn lock and
/// waits for the p2m lock. A sweep that waited for B's gfn lock would deadlock (loom reports it);
/// the sweep tries the lock and skips, and B's gfn is never reclaimed while B holds it.
#[test]
fn a_sweep_never_waits_for_a_gfn_lock() {
    use xen_mm::p2m::types::P2mType;
    use xen_mm::p2m::Query;
    use xen_mm::pod::PodFiller;

    // Both outcomes must occur across the interleavings, or the model never met the busy lock.
    static OUTCOMES: [std::sync::atomic::AtomicBool; 2] = [
        std::sync::atomic::AtomicBool::new(false),
        std::sync::atomic::AtomicBool::new(false),
    ];
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let frames = PlainFrames(
            (0..FRAMES as usize * WORDS_PER_FRAME)
                .map(|_| AtomicU64::new(1))
                .collect(),
        );
        let heap =
            DomHeap::new(frames, &[(Mfn(BASE), Mfn(BASE + FRAMES))], 1, |_| NodeId(0)).unwrap();
        let d = heap.new_domain(1, 1024).unwrap();
        let p2m = P2m::<Ept>::new(
            &heap,
            Superpages {
                two_mb: true,
                one_gb: false,
            },
        )
        .unwrap();
        let pod = Pod::new();
        {
            let mut locked = p2m.locked();
            pod.mark_populate_on_demand(&mut locked, &heap, Gfn(0), 10)
                .unwrap();
        }
        // One cached frame, spent on gfn 0x200 (region 1): the cache is then empty and gfn
        // 0x200 is a zero page a sweep may reclaim.
        pod.set_mem_target(&heap, &d, 1, || false).unwrap();
        let shared = Arc::new((heap, d, p2m, pod));
        let (heap, d, p2m, pod) = &*shared;
        let filler = PodFiller { pod, p2m, heap, d };
        let found = p2m.get_entry_query(heap, Gfn(0x200), Query::ALLOC, &filler);
        assert_eq!(found.p2mt, P2mType::RamRw);
        assert_eq!(pod.counts().0, 0);

        let vcpu_b = {
            let shared = shared.clone();
            loom::thread::spawn(move || {
                let (heap, _, p2m, _) = &*shared;
                // B uses gfn 0x200 across two steps under its gfn lock, taking the p2m lock
                // inside it each time.
                let _held = p2m.lock_gfn(Gfn(0x200));
                let first = p2m.locked().get_entry(heap, Gfn(0x200));
                let second = p2m.locked().get_entry(heap, Gfn(0x200));
                assert_eq!(first, second, "reclaimed under its gfn lock");
            })
        };
        // A faults on gfn 0 (region 0): populated from 0x200's frame, or out of PoD memory if B
        // held 0x200 when the sweep looked.
        let populated = p2m
            .get_entry_query(heap, Gfn(0), Query::ALLOC, &filler)
            .p2mt
            .is_ram();
        vcpu_b.join().unwrap();
        let reclaimed = p2m.get_entry(heap, Gfn(0x200)).p2mt == P2mType::PopulateOnDemand;
        assert_eq!(populated, reclaimed, "a populate needs the reclaimed frame");
        OUTCOMES[populated as usize].store(true, Ordering::Relaxed);
        pod.check_invariants(&p2m.locked(), d).unwrap();
        heap.check_invariants().unwrap();
    });
    assert!(
        OUTCOMES.iter().all(|o| o.load(Ordering::Relaxed)),
        "some interleaving must populate and some must find the gfn busy"
    );
}
