//! A model-based test of the p2m's lazy machinery: random sequences of log-dirty on/off/CLEAN,
//! guest writes and reads, ioreq server map/unmap (with the reset run to completion) and
//! set_mem_type, on RAM mapped with 1 GiB, 2 MiB and 4 KiB pages. A plain model of what each frame's
//! type must be (Xen's rules: p2m.c, hap.c, paging.c, dm.c, hvm.c) is checked after every step,
//! with the stored-type counters, the tree, and the dirty bitmap.

use crate::common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::NodeId;
use xen_mm::errno::Errno;
use xen_mm::frame::{Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::fault::{FaultAccess, FaultOutcome};
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::ioreq::{SetMemType, IOREQ_MEM_ACCESS_WRITE};
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::{P2m, Superpages};

/// Frames the model follows: in two 2 MiB pages, in 4 KiB pages, and in a 1 GiB page.
const PROBES: [u64; 12] = [
    0, 1, 0x1ff, 0x200, 0x3ff, 0x800, 0x801, 0x8ff, 0x4_0000, 0x4_1234, 0x5_0000, 0x7_ffff,
];

#[derive(Debug, Clone)]
enum Op {
    EnableLogdirty,
    DisableLogdirty,
    Clean,
    Write(usize),
    Read(usize),
    MapServer(u32),
    UnmapServer(u32),
    ToIoreq(usize),
    ToRamRw(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let probe = 0..PROBES.len();
    prop_oneof![
        1 => Just(Op::EnableLogdirty),
        1 => Just(Op::DisableLogdirty),
        1 => Just(Op::Clean),
        4 => probe.clone().prop_map(Op::Write),
        1 => probe.clone().prop_map(Op::Read),
        1 => (1u32..3).prop_map(Op::MapServer),
        1 => (1u32..3).prop_map(Op::UnmapServer),
        2 => probe.clone().prop_map(Op::ToIoreq),
        1 => probe.prop_map(Op::ToRamRw),
    ]
}

#[derive(Debug, Default)]
struct Model {
    logdirty: bool,
    server: Option<u32>,
    ioreq: [bool; PROBES.len()],
    written: [bool; PROBES.len()],
    dirty: BTreeSet<u64>,
}

impl Model {
    fn effective(&self, i: usize) -> P2mType {
        if self.ioreq[i] && self.server.is_some() {
            P2mType::IoreqServer
        } else if self.logdirty && !self.written[i] {
            P2mType::RamLogdirty
        } else {
            P2mType::RamRw
        }
    }
    fn ioreq_pages(&self) -> u64 {
        self.ioreq.iter().filter(|&&b| b).count() as u64
    }
}

/// A guest access: faults are handled and retried until the mapping allows the access (a fault that
/// only resolved a pending change is followed by another, as on hardware).
fn access<F: P2mFormat>(
    p2m: &P2m<F>,
    heap: &DomHeap<ArenaFrames>,
    gfn: u64,
    write: bool,
) -> FaultOutcome {
    let a = FaultAccess {
        write,
        exec: false,
        present: true,
    };
    for _ in 0..4 {
        let o = p2m.handle_fault(heap, Gfn(gfn), a).unwrap();
        if o != FaultOutcome::Retry {
            return o;
        }
        let (r, w, _) = xen_mm::p2m::ept::type_rwx(p2m.get_entry(heap, Gfn(gfn)).p2mt);
        if if write { w } else { r } {
            return o;
        }
    }
    panic!("gfn {gfn:#x} keeps faulting");
}

fn run<F: P2mFormat>(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let heap = common::arena_heap(0x1_0000, 2048, 1, |_| NodeId(0));
    let p2m = P2m::<F>::new(
        &heap,
        Superpages {
            two_mb: true,
            one_gb: true,
        },
    )
    .unwrap();
    let ram = |gfn: u64, order: u32| {
        p2m.set_entry(
            &heap,
            Gfn(gfn),
            Some(Mfn(0x100_0000 + gfn)),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap()
    };
    ram(0, 10);
    for g in 0x800..0x900 {
        ram(g, 0);
    }
    ram(0x4_0000, 18);
    let mut m = Model::default();
    for op in ops {
        match op {
            Op::EnableLogdirty => {
                let want = if m.logdirty {
                    Err(Errno::EINVAL)
                } else if m.ioreq_pages() > 0 {
                    Err(Errno::EBUSY)
                } else {
                    m.logdirty = true;
                    m.written = Default::default();
                    m.dirty.clear();
                    Ok(())
                };
                prop_assert_eq!(p2m.enable_logdirty(&heap), want);
            }
            Op::DisableLogdirty => {
                p2m.disable_logdirty(&heap);
                m.logdirty = false;
            }
            Op::Clean => {
                let got = p2m.log_dirty_op(&heap, 0x8_0000, true);
                if !m.logdirty {
                    prop_assert_eq!(got.err(), Some(Errno::EINVAL));
                } else {
                    let (bitmap, _) = got.unwrap();
                    let dirty: BTreeSet<u64> = (0..0x8_0000u64)
                        .filter(|g| bitmap[(g / 64) as usize] & (1 << (g % 64)) != 0)
                        .collect();
                    prop_assert_eq!(&dirty, &m.dirty);
                    m.dirty.clear();
                    m.written = Default::default();
                }
            }
            Op::Write(i) => {
                let want = if m.effective(i) == P2mType::IoreqServer {
                    FaultOutcome::IoreqServer(m.server.unwrap())
                } else {
                    if m.effective(i) == P2mType::RamLogdirty {
                        m.dirty.insert(PROBES[i]);
                        m.written[i] = true;
                    }
                    FaultOutcome::Retry
                };
                prop_assert_eq!(access(&p2m, &heap, PROBES[i], true), want);
            }
            Op::Read(i) => {
                prop_assert_eq!(access(&p2m, &heap, PROBES[i], false), FaultOutcome::Retry);
            }
            Op::MapServer(id) => {
                let want = if m.server.is_some() || m.ioreq_pages() > 0 {
                    Err(Errno::EBUSY)
                } else {
                    m.server = Some(id);
                    Ok(())
                };
                prop_assert_eq!(p2m.map_ioreq_server(id, IOREQ_MEM_ACCESS_WRITE), want);
            }
            Op::UnmapServer(id) => {
                if m.server != Some(id) {
                    prop_assert_eq!(p2m.unmap_ioreq_server(&heap, id), Err(Errno::EINVAL));
                } else {
                    p2m.unmap_ioreq_server(&heap, id).unwrap();
                    prop_assert_eq!(p2m.ioreq_reset_step(&heap, 0, || false), Ok(None));
                    m.server = None;
                    if m.ioreq_pages() > 0 {
                        // The reset is a global change: every RAM entry is recalculated, so with
                        // log-dirty on, written pages are write-protected again (the bitmap keeps
                        // their marks: nothing is lost, a later write is just logged again).
                        m.written = Default::default();
                        m.ioreq = Default::default();
                    }
                }
            }
            Op::ToIoreq(i) => {
                let want = if m.server.is_some() && m.effective(i) == P2mType::RamRw {
                    m.ioreq[i] = true;
                    Ok(SetMemType::Done)
                } else {
                    Err(Errno::EINVAL)
                };
                prop_assert_eq!(
                    p2m.set_mem_type(&heap, PROBES[i], 1, P2mType::IoreqServer, || false),
                    want
                );
            }
            Op::ToRamRw(i) => {
                // Any RAM type may become ram_rw; a log-dirty page then is writable, not logged.
                m.ioreq[i] = false;
                m.written[i] = true;
                prop_assert_eq!(
                    p2m.set_mem_type(&heap, PROBES[i], 1, P2mType::RamRw, || false),
                    Ok(SetMemType::Done)
                );
            }
        }
        for (i, &g) in PROBES.iter().enumerate() {
            prop_assert_eq!(
                p2m.get_entry(&heap, Gfn(g)).p2mt,
                m.effective(i),
                "gfn {:#x}",
                g
            );
        }
        prop_assert_eq!(p2m.ioreq_entry_count(), m.ioreq_pages());
        prop_assert_eq!(p2m.logdirty_enabled(), m.logdirty);
        p2m.check_invariants(&heap)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn npt_lazy_types_follow_the_model(ops in proptest::collection::vec(op(), 1..60)) {
        run::<Npt>(ops)?;
    }

    #[test]
    fn ept_lazy_types_follow_the_model(ops in proptest::collection::vec(op(), 1..60)) {
        run::<Ept>(ops)?;
    }
}
