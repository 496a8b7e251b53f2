//! The domain table under loom (`--cfg loom`, run by `./x test`): a lookup racing with
//! destruction (xen/common/domain.c `domain_kill`, `rcu_lock_domain_by_id`, `get_domain`). Seed
//! 002's lesson: a reference taken during teardown must never revive the domain or keep memory
//! alive; whatever the interleaving, the domain ends gone from the table with every frame back.
#![cfg(loom)]

use std::sync::atomic::{AtomicU64, Ordering};

use hypercall::domain::{DomainConfig, Life};
use hypercall::hypervisor::{Hypervisor, XenInfo};
use loom::sync::Arc;
use xen_mm::buddy::NodeId;
use xen_mm::frame::{FrameAccess, Mfn, WORDS_PER_FRAME};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::Superpages;

const BASE: u64 = 0x1000;
const FRAMES: u64 = 32;

/// Frame contents loom need not track: they are only touched under locks loom models.
struct PlainFrames(Vec<AtomicU64>);

impl FrameAccess for PlainFrames {
    fn zero_frame(&self, mfn: Mfn) {
        for i in 0..WORDS_PER_FRAME {
            self.write_u64(mfn, i, 0);
        }
    }
    fn read_u64(&self, mfn: Mfn, i: usize) -> u64 {
        self.0[(mfn.0 - BASE) as usize * WORDS_PER_FRAME + i].load(Ordering::Acquire)
    }
    fn write_u64(&self, mfn: Mfn, i: usize, v: u64) {
        self.0[(mfn.0 - BASE) as usize * WORDS_PER_FRAME + i].store(v, Ordering::Release)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.0[(mfn.0 - BASE) as usize * WORDS_PER_FRAME + i].compare_exchange(
            cur,
            new,
            Ordering::SeqCst,
            Ordering::SeqCst,
        )
    }
}

#[test]
fn a_lookup_racing_with_destruction_never_revives_the_domain() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let frames = PlainFrames(
            (0..FRAMES as usize * WORDS_PER_FRAME)
                .map(|_| AtomicU64::new(0))
                .collect(),
        );
        let heap =
            DomHeap::new(frames, &[(Mfn(BASE), Mfn(BASE + FRAMES))], 1, |_| NodeId(0)).unwrap();
        let total = heap.physinfo().total_pages;
        let hv = Arc::new(Hypervisor::<PlainFrames, Npt>::new(
            heap,
            XenInfo::default(),
            Superpages {
                two_mb: false,
                one_gb: false,
            },
            BASE + FRAMES,
        ));
        let d = hv.create_domain(None, DomainConfig::default()).unwrap();
        d.mem.set_max_pages(8);
        hv.heap
            .alloc_domheap_pages(&d.mem, 1, &Default::default())
            .unwrap();
        let domid = d.domid();
        drop(d);

        let looker = {
            let hv = hv.clone();
            loom::thread::spawn(move || {
                // A hypercall naming the domain: it may find it (alive or dying) or not at all;
                // an allocation for it must fail once it is dying.
                if let Some(d) = hv.domains.get(domid) {
                    let seen = d.life();
                    let got = hv.heap.alloc_domheap_pages(&d.mem, 0, &Default::default());
                    if seen != Life::Alive {
                        assert!(got.is_err(), "memory given to a dying domain");
                    }
                }
            })
        };
        let d = hv.domains.get(domid).unwrap();
        // Killing may have to be repeated (a continuation) but always finishes.
        while hv.kill_domain(&d, || false).is_err() {}
        looker.join().unwrap();
        assert_eq!(d.life(), Life::Dead);
        assert!(hv.domains.get(domid).is_none(), "revived");
        assert_eq!(d.mem.tot_pages(), 0, "a zombie's memory");
        drop(d);
        let phys = hv.heap.physinfo();
        assert_eq!(phys.free_pages, total, "a frame was lost");
        hv.check_invariants().unwrap();
    });
}
