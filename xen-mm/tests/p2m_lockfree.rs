//! Lock-free p2m lookups (`get_entry_unlocked`) racing a split, a merge and a free. A walker must
//! see the old mapping or the new one, never anything else, and never a freed table: table frames
//! are poisoned as they are freed (every entry a table pointer outside memory), so a walk through a
//! freed table crashes the reader. Run with std threads here, and under loom (`--cfg loom`, as
//! `./x test` does) for every interleaving within a preemption bound.

mod common;

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::{P2m, Superpages, TableFrames};

/// A heap whose freed table frames are filled with pointers to a table that does not exist.
struct Poisoning<F: P2mFormat> {
    heap: DomHeap<ArenaFrames>,
    _format: std::marker::PhantomData<fn() -> F>,
}

impl<F: P2mFormat> FrameAccess for Poisoning<F> {
    fn zero_frame(&self, mfn: Mfn) {
        self.heap.zero_frame(mfn)
    }
    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        self.heap.read_u64(mfn, index)
    }
    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        self.heap.write_u64(mfn, index, value)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, index: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.heap.compare_exchange_u64(mfn, index, cur, new)
    }
}

impl<F: P2mFormat> TableFrames for Poisoning<F> {
    fn alloc_table(&self) -> Result<Mfn, Errno> {
        self.heap.alloc_table()
    }
    fn free_table(&self, mfn: Mfn) {
        // A table pointer to a frame outside memory: walking it panics the reader.
        let poison = F::table(1, Mfn(0xdead_beef));
        for i in 0..512 {
            self.heap.write_u64(mfn, i, poison);
        }
        self.heap.free_table(mfn)
    }
}

const RAM: Mfn = Mfn(0x20_0000);
const OTHER: Mfn = Mfn(0x40_0000);

fn setup<F: P2mFormat>(frames: u64) -> (Poisoning<F>, P2m<F>) {
    let mem = Poisoning {
        heap: common::arena_heap(0x1000, frames, 1, |_| NodeId(0)),
        _format: std::marker::PhantomData,
    };
    let p2m = P2m::new(
        &mem,
        Superpages {
            two_mb: true,
            one_gb: false,
        },
    )
    .unwrap();
    (mem, p2m)
}

fn map<F: P2mFormat>(p2m: &P2m<F>, mem: &Poisoning<F>, gfn: u64, mfn: Mfn, order: u32) {
    p2m.set_entry(
        mem,
        Gfn(gfn),
        Some(mfn),
        order,
        P2mType::RamRw,
        P2mAccess::Rwx,
    )
    .unwrap();
}

fn unmap<F: P2mFormat>(p2m: &P2m<F>, mem: &Poisoning<F>, gfn: u64, order: u32) {
    p2m.set_entry(mem, Gfn(gfn), None, order, P2mType::Invalid, P2mAccess::Rwx)
        .unwrap();
}

/// What an unlocked lookup may answer: one of `allowed` frames (None = unmapped).
fn check<F: P2mFormat>(p2m: &P2m<F>, mem: &Poisoning<F>, gfn: u64, allowed: &[Option<Mfn>]) {
    let found = p2m
        .get_entry_unlocked(mem, Gfn(gfn))
        .expect("no type change is pending in these tests");
    assert!(
        allowed.contains(&found.mfn),
        "gfn {gfn:#x}: {found:?}, expected one of {allowed:?}"
    );
}

#[cfg(not(loom))]
mod threads {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn race<F: P2mFormat + Send + Sync + 'static>() {
        // Room for the tables retired while the OS deschedules the reader mid-walk (a hypervisor
        // CPU cannot be preempted inside one).
        let (mem, p2m) = setup::<F>(16384);
        map(&p2m, &mem, 0, RAM, 9);
        map(&p2m, &mem, 0x1000, RAM, 0);
        let shared = Arc::new((mem, p2m, AtomicBool::new(false)));
        let reader = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                let (mem, p2m, stop) = &*shared;
                let mut reads = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    check(p2m, mem, 7, &[Some(RAM + 7)]);
                    check(p2m, mem, 5, &[Some(RAM + 5), Some(OTHER)]);
                    check(p2m, mem, 0x1000, &[Some(RAM), None]);
                    reads += 1;
                }
                reads
            })
        };
        let (mem, p2m, stop) = &*shared;
        for _ in 0..2000 {
            map(p2m, mem, 5, OTHER, 0); // split the 2 MiB page
            map(p2m, mem, 0, RAM, 9); // merge: the 4 KiB table is retired
            unmap(p2m, mem, 0x1000, 0); // free: the emptied tables are retired
            map(p2m, mem, 0x1000, RAM, 0);
        }
        stop.store(true, Ordering::Relaxed);
        let reads = reader
            .join()
            .expect("the reader walked a freed or torn table");
        assert!(reads > 0);
        p2m.reclaim_limbo(mem);
        assert_eq!(
            p2m.limbo_frames(),
            0,
            "no reader left: everything retired is freed"
        );
        p2m.check_invariants(mem).unwrap();
    }

    #[test]
    fn npt_walkers_race_splits_merges_and_frees() {
        race::<Npt>();
    }

    #[test]
    fn ept_walkers_race_splits_merges_and_frees() {
        race::<Ept>();
    }

    #[test]
    fn a_reader_holds_back_frees_until_it_leaves() {
        let (mem, p2m) = setup::<Ept>(64);
        map(&p2m, &mem, 0x1000, RAM, 0);
        let held = p2m.get_entry_unlocked(&mem, Gfn(0x1000));
        assert!(held.is_some());
        // A pending type change sends unlocked readers to the locked path.
        p2m.enable_logdirty(&mem).unwrap();
        assert_eq!(p2m.get_entry_unlocked(&mem, Gfn(0x1000)), None);
        assert_eq!(p2m.get_entry(&mem, Gfn(0x1000)).p2mt, P2mType::RamLogdirty);
        p2m.disable_logdirty(&mem);
        p2m.finish_type_change(&mem, Gfn(0x1000), 1).unwrap();
        unmap(&p2m, &mem, 0x1000, 0);
        assert_eq!(p2m.limbo_frames(), 0, "no reader inside: freed at once");
    }
}

#[cfg(loom)]
mod model {
    use super::*;
    use loom::sync::Arc;

    fn explore(f: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(2);
        builder.max_branches = 100_000;
        builder.check(f);
    }

    fn race<F: P2mFormat + Send + Sync + 'static>(
        prepare: fn(&P2m<F>, &Poisoning<F>),
        write: fn(&P2m<F>, &Poisoning<F>),
        read: fn(&P2m<F>, &Poisoning<F>),
    ) {
        explore(move || {
            let (mem, p2m) = setup::<F>(8);
            prepare(&p2m, &mem);
            let shared = Arc::new((mem, p2m));
            let reader = {
                let shared = shared.clone();
                loom::thread::spawn(move || read(&shared.1, &shared.0))
            };
            write(&shared.1, &shared.0);
            reader.join().unwrap();
            shared.1.reclaim_limbo(&shared.0);
            assert_eq!(shared.1.limbo_frames(), 0);
        });
    }

    #[test]
    fn walker_races_a_split() {
        race::<Ept>(
            |p, m| map(p, m, 0, RAM, 9),
            |p, m| map(p, m, 5, OTHER, 0),
            |p, m| {
                check(p, m, 5, &[Some(RAM + 5), Some(OTHER)]);
                check(p, m, 7, &[Some(RAM + 7)]);
            },
        );
    }

    #[test]
    fn walker_races_a_merge() {
        race::<Npt>(
            |p, m| map(p, m, 3, OTHER, 0),
            |p, m| map(p, m, 0, RAM, 9),
            |p, m| check(p, m, 3, &[Some(OTHER), Some(RAM + 3)]),
        );
    }

    #[test]
    fn walker_races_a_free() {
        race::<Ept>(
            |p, m| map(p, m, 0x1000, RAM, 0),
            |p, m| unmap(p, m, 0x1000, 0),
            |p, m| check(p, m, 0x1000, &[Some(RAM), None]),
        );
    }
}

#[cfg(not(loom))]
#[test]
fn tables_unlinked_while_a_reader_walks_wait_in_limbo_until_it_leaves() {
    use std::sync::atomic::{AtomicBool, Ordering};
    // The reader's memory: before its first read (it is inside its epoch by then), the writer
    // unmaps the only mapping, which unlinks the three tables below the root.
    struct MidWalk<'a> {
        mem: &'a Poisoning<Ept>,
        p2m: &'a P2m<Ept>,
        fired: AtomicBool,
    }
    impl FrameAccess for MidWalk<'_> {
        fn zero_frame(&self, mfn: Mfn) {
            self.mem.zero_frame(mfn)
        }
        fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
            if !self.fired.swap(true, Ordering::Relaxed) {
                unmap(self.p2m, self.mem, 0x1000, 0);
                assert_eq!(self.p2m.table_frames(), 1, "only the root is linked");
                assert_eq!(
                    self.p2m.limbo_frames(),
                    3,
                    "a reader is inside: nothing freed"
                );
            }
            self.mem.read_u64(mfn, index)
        }
        fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
            self.mem.write_u64(mfn, index, value)
        }
        fn compare_exchange_u64(&self, mfn: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
            self.mem.compare_exchange_u64(mfn, i, cur, new)
        }
    }
    let (mem, p2m) = setup::<Ept>(64);
    map(&p2m, &mem, 0x1000, RAM, 0);
    let reader = MidWalk {
        mem: &mem,
        p2m: &p2m,
        fired: AtomicBool::new(false),
    };
    assert!(p2m.get_entry_unlocked(&reader, Gfn(0x1000)).is_some());
    assert_eq!(p2m.limbo_frames(), 3, "not freed behind the reader's back");
    p2m.reclaim_limbo(&mem);
    assert_eq!(p2m.limbo_frames(), 0, "the reader has left");
    p2m.check_invariants(&mem).unwrap();
}
