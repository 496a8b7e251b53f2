//! p2m costs: lookups of 4 KiB and 2 MiB mappings, sequential and random, next to a flat array
//! lookup (the floor: one load); starting a global type change as the p2m grows (must stay flat:
//! only the root's entries are marked); and resolving a whole pending change, per GiB.

use divan::counter::ItemsCount;
use divan::Bencher;
use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::frame::{Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::{P2m, Superpages};

fn main() {
    divan::main();
}

/// 256 MiB of guest memory.
const FRAMES: u64 = 1 << 16;

fn table_heap(frames: u64) -> DomHeap<ArenaFrames> {
    DomHeap::new(
        ArenaFrames::new(Mfn(0x10_0000), frames),
        &[(Mfn(0x10_0000), Mfn(0x10_0000 + frames))],
        1,
        |_| NodeId(0),
    )
    .unwrap()
}

fn mapped(heap: &DomHeap<ArenaFrames>, frames: u64, order: u32) -> P2m<Ept> {
    let p2m = P2m::<Ept>::new(
        heap,
        Superpages {
            two_mb: true,
            one_gb: false,
        },
    )
    .unwrap();
    for g in (0..frames).step_by(1 << order) {
        p2m.set_entry(
            heap,
            Gfn(g),
            Some(Mfn(0x4000_0000 + g)),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap();
    }
    p2m
}

/// A fixed pseudo-random order of all gfns.
fn shuffled(n: u64) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).collect();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..v.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

#[divan::bench(args = ["4k-sequential", "4k-random", "2m-sequential", "2m-random"])]
fn lookup(bencher: Bencher, case: &str) {
    let heap = table_heap(4096);
    let order = if case.starts_with("4k") { 0 } else { 9 };
    let p2m = mapped(&heap, FRAMES, order);
    let gfns = if case.ends_with("random") {
        shuffled(FRAMES)
    } else {
        (0..FRAMES).collect()
    };
    bencher.counter(ItemsCount::new(FRAMES)).bench_local(|| {
        let mut sum = 0u64;
        for &g in &gfns {
            sum = sum.wrapping_add(p2m.get_entry(&heap, Gfn(g)).mfn.map_or(0, |m| m.0));
        }
        sum
    });
}

/// The same lookups without the p2m lock (epoch-protected walks).
#[divan::bench(args = ["4k-random", "2m-random"])]
fn lookup_unlocked(bencher: Bencher, case: &str) {
    let heap = table_heap(4096);
    let p2m = mapped(&heap, FRAMES, if case.starts_with("4k") { 0 } else { 9 });
    let gfns = shuffled(FRAMES);
    bencher.counter(ItemsCount::new(FRAMES)).bench_local(|| {
        let mut sum = 0u64;
        for &g in &gfns {
            let found = p2m
                .get_entry_unlocked(&heap, Gfn(g))
                .expect("no change pending");
            sum = sum.wrapping_add(found.mfn.map_or(0, |m| m.0));
        }
        sum
    });
}

/// The floor: the same lookups in a flat array of frame numbers.
#[divan::bench(args = ["sequential", "random"])]
fn flat_array_lookup(bencher: Bencher, case: &str) {
    let table: Vec<u64> = (0..FRAMES).map(|g| 0x4000_0000 + g).collect();
    let gfns = if case == "random" {
        shuffled(FRAMES)
    } else {
        (0..FRAMES).collect()
    };
    bencher.counter(ItemsCount::new(FRAMES)).bench_local(|| {
        let mut sum = 0u64;
        for &g in &gfns {
            sum = sum.wrapping_add(divan::black_box(&table)[g as usize]);
        }
        sum
    });
}

/// Starting (and ending) global log-dirty on p2ms of 16 MiB to 4 GiB of 2 MiB mappings.
#[divan::bench(args = [16, 256, 4096])]
fn start_global_change(bencher: Bencher, mib: u64) {
    let heap = table_heap(4096);
    let p2m = mapped(&heap, mib << 8, 9);
    bencher.bench_local(|| {
        p2m.enable_logdirty(&heap).unwrap();
        p2m.disable_logdirty(&heap);
    });
}

/// Resolving a pending global change over 1 GiB, mapped with 2 MiB or 4 KiB pages.
#[divan::bench(args = ["2m", "4k"])]
fn resolve_one_gib(bencher: Bencher, case: &str) {
    let heap = table_heap(4096);
    let frames = 1 << 18;
    let p2m = mapped(&heap, frames, if case == "2m" { 9 } else { 0 });
    let mut on = false;
    bencher
        .with_inputs(|| {
            // Flip log-dirty so every entry has a pending recalculation to resolve.
            if on {
                p2m.disable_logdirty(&heap);
            } else {
                p2m.enable_logdirty(&heap).unwrap();
            }
            on = !on;
        })
        .bench_local_values(|()| p2m.finish_type_change(&heap, Gfn(0), frames).unwrap());
}
