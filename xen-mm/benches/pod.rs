//! Populate-on-demand costs: a demand-populate fault at 4 KiB and at 2 MiB (each next to zeroing the
//! same amount of memory, the floor: PoD frames are scrubbed when they enter the cache), the
//! emergency sweep's reclaim rate, and touching every page of a 4 GiB PoD guest whose target is
//! 1 GiB (the guest writes nothing, so zero pages are reclaimed as it goes, as a balloon driver
//! would free them). Medians of alternating rounds.

mod common;

use std::time::Instant;

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::{DomHeap, DomainMemory};
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::{P2m, Superpages};
use xen_mm::pod::{Pod, Populated};

struct Guest {
    heap: DomHeap<ArenaFrames>,
    d: DomainMemory,
    p2m: P2m<Ept>,
    pod: Pod,
}

fn guest(frames: u64, guest_pages: u64, target: u64) -> Guest {
    let base = 1 << 20;
    let heap = DomHeap::new(
        ArenaFrames::new(Mfn(base), frames),
        &[(Mfn(base), Mfn(base + frames))],
        1,
        |_| NodeId(0),
    )
    .unwrap();
    let d = heap.new_domain(1, guest_pages).unwrap();
    let p2m = P2m::<Ept>::new(
        &heap,
        Superpages {
            two_mb: true,
            one_gb: true,
        },
    )
    .unwrap();
    let pod = Pod::new();
    pod.mark_populate_on_demand(
        &mut p2m.locked(),
        &heap,
        Gfn(0),
        guest_pages.trailing_zeros(),
    )
    .unwrap();
    pod.set_mem_target(&heap, &d, target, || false).unwrap();
    Guest { heap, d, p2m, pod }
}

impl Guest {
    /// The guest writes the first word of a populated page.
    fn write(&self, gfn: u64) {
        let mfn = self
            .p2m
            .get_entry(&self.heap, Gfn(gfn))
            .mfn
            .expect("populated");
        self.heap.frames().write_u64(mfn, 0, 0x5a5a);
    }

    /// One guest touch: fault, populate (retrying after remaps).
    fn touch(&self, gfn: u64) -> Populated {
        loop {
            let mut p = self.p2m.locked();
            let found = p.get_entry(&self.heap, Gfn(gfn));
            if found.p2mt != xen_mm::p2m::types::P2mType::PopulateOnDemand {
                return Populated::Done;
            }
            match self
                .pod
                .demand_populate(&mut p, &self.heap, &self.d, Gfn(gfn), found.order)
                .unwrap()
            {
                Populated::Split => continue,
                other => return other,
            }
        }
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    const ROUNDS: usize = 5;
    let (mut f4k, mut f2m, mut fill, mut zero) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        // 511 frames of cache: singles only, so every fault populates 4 KiB. The guest writes each
        // page it touches, as a real one does (so eager reclaim finds nothing to take back).
        let g = guest(4096, 2048, 511);
        let mut spent = 0.0;
        for i in 0..511 {
            let t = Instant::now();
            assert_eq!(g.touch(i), Populated::Done);
            spent += t.elapsed().as_secs_f64();
            g.write(i);
        }
        f4k.push(spent / 511.0);

        let g = guest(1 << 17, 1 << 16, 1 << 15);
        let mut spent = 0.0;
        for i in 0..64 {
            let t = Instant::now();
            assert_eq!(g.touch(i * 512), Populated::Done);
            spent += t.elapsed().as_secs_f64();
            // A guest using its memory writes every page (else eager reclaim takes the zero ones
            // back one by one, as Xen's pod_eager_reclaim does).
            for j in 0..512 {
                g.write(i * 512 + j);
            }
        }
        f2m.push(spent / 64.0);

        // Filling a 128 MiB cache (frames are zeroed as they enter it) next to zeroing 128 MiB.
        let g = guest(1 << 16, 1 << 16, 0);
        let t = Instant::now();
        g.pod
            .set_mem_target(&g.heap, &g.d, 1 << 15, || false)
            .unwrap();
        fill.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for i in 0..1u64 << 15 {
            g.heap.frames().zero_frame(Mfn((1 << 20) + (1 << 15) + i));
        }
        zero.push(t.elapsed().as_secs_f64());
    }
    // The floor for a fault: zeroing the frames it hands over, from the same rounds' 128 MiB.
    let zero_4k: Vec<f64> = zero.iter().map(|z| z / f64::from(1u32 << 15)).collect();
    let zero_2m: Vec<f64> = zero.iter().map(|z| z / 64.0).collect();
    println!("populate-on-demand, {ROUNDS} rounds:");
    common::figure("pod/fault-4KiB", &f4k);
    common::figure("pod/zero-4KiB", &zero_4k);
    common::figure("pod/fault-2MiB", &f2m);
    common::figure("pod/zero-2MiB", &zero_2m);
    common::figure("pod/fill-128MiB-cache", &fill);
    common::figure("pod/zero-128MiB", &zero);

    // The sweep: a cache of 511 single frames is used up by touches of pages the guest never
    // writes; each later touch refills the cache by reclaiming zero pages (eager reclaim of the
    // recently populated ones, then the emergency sweep).
    let g = guest(8192, 4096, 511);
    for i in 0..511 {
        g.touch(i);
    }
    let t = Instant::now();
    let mut touched = 0u64;
    for gfn in 1024..3072u64 {
        if g.touch(gfn) == Populated::OutOfMemory {
            break;
        }
        touched += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    common::figure("pod/reclaim-per-touch", &[secs / touched as f64]);
    println!(
        "  reclaim: {touched} touches served from reclaimed zero pages, {:.0} per second",
        touched as f64 / secs
    );

    // A 4 GiB PoD guest with a 1 GiB target, every page touched once.
    let g = guest(1 << 18 | 4096, 1 << 20, 1 << 18);
    let t = Instant::now();
    let mut done = 0u64;
    for gfn in (0..1u64 << 20).step_by(512) {
        if g.touch(gfn) == Populated::OutOfMemory {
            break;
        }
        done += 512;
    }
    let secs = t.elapsed().as_secs_f64();
    common::figure("pod/4GiB-guest-1GiB-target", &[secs]);
    println!(
        "  4 GiB guest, 1 GiB target: {} MiB touched in {:.2} s ({:.0} MiB/s)",
        done / 256,
        secs,
        (done / 256) as f64 / secs
    );
}
