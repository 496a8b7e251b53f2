//! Concurrent domain builds under loom's model checker (run with `--cfg loom`, as `./x test` does):
//! each builder claims its domain's total, then populates it frame by frame, then releases the claim,
//! the way Xen's toolstack uses XENMEM_claim_pages. Whatever the interleaving, a build either fails at
//! its claim or completes: never -ENOMEM halfway. A third thread allocating frames for no domain
//! (as page tables are) cannot take claimed memory either.
#![cfg(loom)]

use loom::sync::Arc;
use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::heap::DomHeap;

/// Frame contents do not matter here: scrubbing writes nowhere, so loom models only the locks.
struct NoContents;

impl FrameAccess for NoContents {
    fn zero_frame(&self, _mfn: Mfn) {}
    fn read_u64(&self, _mfn: Mfn, _index: usize) -> u64 {
        0
    }
    fn write_u64(&self, _mfn: Mfn, _index: usize, _value: u64) {}
    fn compare_exchange_u64(&self, _: Mfn, _: usize, cur: u64, _: u64) -> Result<u64, u64> {
        // Every word reads 0 and keeps it.
        if cur == 0 {
            Ok(0)
        } else {
            Err(0)
        }
    }
}

const BASE: u64 = 0x1000;

/// The outcome of one build.
#[derive(Debug, PartialEq)]
enum Build {
    RefusedAtClaim,
    Completed,
}

fn build(heap: &DomHeap<NoContents>, domid: u16, pages: u64) -> Build {
    let d = heap.new_domain(domid, pages).unwrap();
    match heap.claim_pages(&d, pages, None) {
        Err(Errno::ENOMEM) => return Build::RefusedAtClaim,
        Err(e) => panic!("unexpected claim error {e:?}"),
        Ok(()) => {}
    }
    for i in 0..pages {
        if let Err(e) = heap.alloc_domheap_pages(&d, 0, &AllocRequest::default()) {
            panic!("d{domid}: populate failed halfway, at frame {i} of {pages}: {e:?}");
        }
    }
    assert_eq!(
        heap.outstanding_pages(&d),
        0,
        "populating consumed the whole claim"
    );
    heap.claim_pages(&d, 0, None).unwrap();
    assert_eq!(d.tot_pages(), pages);
    Build::Completed
}

fn model(builders: &[(u16, u64)], frames: u64, with_anonymous: bool) {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(3);
    let builders = builders.to_vec();
    model.check(move || {
        let heap = Arc::new(
            DomHeap::new(NoContents, &[(Mfn(BASE), Mfn(BASE + frames))], 1, |_| {
                NodeId(0)
            })
            .unwrap(),
        );
        let threads: Vec<_> = builders
            .iter()
            .map(|&(domid, pages)| {
                let heap = heap.clone();
                loom::thread::spawn(move || build(&heap, domid, pages))
            })
            .collect();
        let anonymous = with_anonymous.then(|| {
            let heap = heap.clone();
            loom::thread::spawn(move || heap.alloc_anonymous(0, &AllocRequest::default()).is_ok())
        });
        let outcomes: Vec<Build> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let anonymous_got_one = anonymous.map(|t| t.join().unwrap());
        let built: u64 = builders
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o == Build::Completed)
            .map(|(&(_, pages), _)| pages)
            .sum();
        let phys = heap.physinfo();
        assert_eq!(phys.outstanding_pages, 0);
        assert_eq!(
            phys.free_pages + built + u64::from(anonymous_got_one == Some(true)),
            frames
        );
        // With room for only one of the builds, exactly one completes.
        let completed = outcomes.iter().filter(|o| **o == Build::Completed).count();
        assert!(completed >= 1, "some build always fits: {outcomes:?}");
        heap.check_invariants().unwrap();
    });
}

#[test]
fn two_builds_that_cannot_both_fit() {
    // 3 + 3 > 4: one claim is refused, the other build completes.
    model(&[(1, 3), (2, 3)], 4, false);
}

#[test]
fn two_builds_and_an_allocation_for_no_domain() {
    // 3 + 3 > 5: one build completes; the anonymous allocation gets a frame only if one is unclaimed.
    model(&[(1, 3), (2, 2)], 5, true);
}
