//! Populating 1 GiB for a domain with 4 KiB frames and with 2 MiB frames, next to a memset of 1 GiB:
//! the scrub (zeroing every frame before a domain gets it) is the physical floor of populating, so
//! the ratio to memset says how much the allocator and accounting add. The three are run alternately
//! in one invocation so the ratios hold on a noisy machine; medians and spread are printed.
//!
//! The frames live in `ArenaFrames` (atomic 64-bit words, as xen-mm's host stand-in for memory);
//! the memset is over a plain `Vec<u64>`, which the compiler may vectorise: the floor is real memory
//! bandwidth, not the arena's.

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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
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
    let spread = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::MAX, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        format!("{:.1}-{:.1} ms", lo * 1e3, hi * 1e3)
    };
    let (s, l, f) = (
        median(small.clone()),
        median(large.clone()),
        median(floor.clone()),
    );
    println!("populate 1 GiB, median of {ROUNDS} alternating rounds:");
    println!(
        "  memset 1 GiB (floor)      {:8.1} ms  ({})  {:.1} GB/s",
        f * 1e3,
        spread(&floor),
        1.073_741_824 / f
    );
    println!(
        "  4 KiB frames (262144)     {:8.1} ms  ({})  ratio to memset {:.2}",
        s * 1e3,
        spread(&small),
        s / f
    );
    println!(
        "  2 MiB frames (512)        {:8.1} ms  ({})  ratio to memset {:.2}",
        l * 1e3,
        spread(&large),
        l / f
    );
    println!("  4 KiB / 2 MiB             {:.2}", s / l);
}
