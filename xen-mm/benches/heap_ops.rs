//! Per-operation costs of the domain heap: claim stake+cancel as the number of domains grows (must
//! stay flat: a claim is O(1)), and buddy allocate+free at 4 KiB, 2 MiB and 1 GiB.

use divan::Bencher;
use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{AllocRequest, BuddyHeap, NodeId};
use xen_mm::frame::Mfn;
use xen_mm::heap::DomHeap;

fn main() {
    divan::main();
}

/// Claim 512 pages for one domain and release it, with `domains` domains in existence.
#[divan::bench(args = [1, 1_000, 10_000])]
fn claim_stake_and_cancel(bencher: Bencher, domains: u16) {
    let frames = 4096;
    let heap = DomHeap::new(
        ArenaFrames::new(Mfn(0x1000), frames),
        &[(Mfn(0x1000), Mfn(0x1000 + frames))],
        1,
        |_| NodeId(0),
    )
    .unwrap();
    let all: Vec<_> = (1..=domains)
        .map(|id| heap.new_domain(id, 1 << 20).unwrap())
        .collect();
    // Every other domain holds a small claim, so the system total is not trivially zero.
    for d in all.iter().skip(1).step_by(2).take(1000) {
        heap.claim_pages(d, 1, None).unwrap();
    }
    let d = &all[0];
    bencher.bench_local(|| {
        heap.claim_pages(d, 512, None).unwrap();
        heap.claim_pages(d, 0, None).unwrap();
    });
}

/// Take a block of 2^order frames and give it back, in a 2 GiB heap (frames 1-2 GiB and 2-3 GiB).
#[divan::bench(args = [0, 9, 18])]
fn buddy_alloc_and_free(bencher: Bencher, order: u32) {
    let mut heap = BuddyHeap::new(&[(Mfn(1 << 18), Mfn(3 << 18))], 1, |_| NodeId(0)).unwrap();
    let request = AllocRequest::default();
    bencher.bench_local(|| {
        let block = heap.alloc(order, &request, Some(1)).unwrap();
        heap.free(block.mfn, order, false).unwrap();
    });
}
