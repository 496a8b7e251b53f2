//! Populating 1 GiB for a domain with 4 KiB frames and with 2 MiB frames, next to a memset of 1 GiB:
//! the scrub (zeroing every frame before a domain gets it) is the physical floor of populating, so
//! the ratio to memset says how much the allocator and accounting add. The three are run alternately
//! in one invocation so the ratios hold on a noisy machine; medians and spread are printed
//! (`common::figure`).
//!
//! The frames live in `ArenaFrames` (atomic 64-bit words, as xen-mm's host stand-in for memory);
//! the memset is over a plain `Vec<u64>`, which the compiler may vectorise: the floor is real memory
//! bandwidth, not the arena's.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::frame::Mfn;
use xen_mm::heap::DomHeap;

const GIB_FRAMES: u64 = 1 << 18;
const BASE: u64 = 1 << 18;
const ROUNDS: usize = 7;

fn populate(heap: &DomHeap<ArenaFrames>, domid: u16, order: u32) -> Duration {
    let d = heap.new_domain(domid, GIB_FRAMES).unwrap();
    heap.claim_pages(&d, GIB_FRAMES, None).unwrap();
    let start = Instant::now();
    for _ in 0..GIB_FRAMES >> order {
        heap.alloc_domheap_pages(&d, order, &AllocRequest::default())
            .unwrap();
    }
    let elapsed = start.elapsed();
    // Give the memory back dirty, so the next round scrubs it again.
    heap.domain_kill(&d);
    while !heap.relinquish_memory(&d, u64::MAX).unwrap() {}
    elapsed
}

fn memset(buffer: &mut [u64], value: u64) -> Duration {
    let start = Instant::now();
    buffer.fill(value);
    black_box(&buffer[..]);
    start.elapsed()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing: run only when benched.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let heap = DomHeap::new(
        ArenaFrames::new(Mfn(BASE), GIB_FRAMES),
        &[(Mfn(BASE), Mfn(BASE + GIB_FRAMES))],
        1,
        |_| NodeId(0),
    )
    .unwrap();
    let mut buffer = vec![1u64; (GIB_FRAMES * 512) as usize];
    let (mut small, mut large, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        small.push(populate(&heap, 1, 0).as_secs_f64());
        floor.push(memset(&mut buffer, round as u64).as_secs_f64());
        large.push(populate(&heap, 2, 9).as_secs_f64());
    }
    println!("populate 1 GiB, {ROUNDS} alternating rounds:");
    common::figure("populate/memset-1GiB", &floor);
    common::figure("populate/4KiB-frames-1GiB", &small);
    common::figure("populate/2MiB-frames-1GiB", &large);
    let (s, l, f) = (
        common::median(&small),
        common::median(&large),
        common::median(&floor),
    );
    println!(
        "  ratio to memset: 4 KiB {:.2}, 2 MiB {:.2}; 4 KiB / 2 MiB {:.2}; memset {:.1} GB/s",
        s / f,
        l / f,
        s / l,
        1.073_741_824 / f
    );
}
