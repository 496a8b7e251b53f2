//! Model-based tests of the domain heap: random sequences of create / claim / allocate (anywhere,
//! or exactly given frames) / free / set-max / kill / relinquish against a plain reference model of Xen's accounting rules
//! (xen/common/page_alloc.c `domain_set_outstanding_pages`, `alloc_heap_pages`, `assign_pages`;
//! xen/common/domain.c `domain_kill`), and a long soak of 10,000 domain lifetimes that must leave the
//! heap exactly as it started.

use std::collections::BTreeMap;

use proptest::prelude::*;
use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::Mfn;
use xen_mm::heap::{DomHeap, DomainMemory};

const BASE: u64 = 0x4000;

use crate::common;

fn heap(frames: u64) -> DomHeap<ArenaFrames> {
    common::arena_heap(BASE, frames, 1, |_| NodeId(0))
}

/// What the reference model knows about one domain.
#[derive(Debug, Default)]
struct ModelDomain {
    tot: u64,
    max: u64,
    claim: u64,
    dying: bool,
    /// Blocks held, first frame to order (from the real heap's answers).
    held: BTreeMap<u64, u32>,
}

/// The reference model: Xen's rules written as plainly as possible.
#[derive(Debug)]
struct Model {
    total: u64,
    domains: BTreeMap<u16, ModelDomain>,
}

impl Model {
    fn free(&self) -> u64 {
        self.total - self.domains.values().map(|d| d.tot).sum::<u64>()
    }
    fn outstanding(&self) -> u64 {
        self.domains.values().map(|d| d.claim).sum()
    }

    fn claim(&mut self, id: u16, pages: u64) -> Result<(), Errno> {
        let (free, outstanding) = (self.free(), self.outstanding());
        let d = self.domains.get_mut(&id).unwrap();
        if d.dying {
            return Err(Errno::EINVAL);
        }
        if pages == 0 {
            d.claim = 0;
            return Ok(());
        }
        if d.claim != 0 || pages <= d.tot || pages > d.max {
            return Err(Errno::EINVAL);
        }
        if pages - d.tot > free - outstanding {
            return Err(Errno::ENOMEM);
        }
        d.claim = pages - d.tot;
        Ok(())
    }

    /// The result Xen's rules give for an allocation, before looking for a block.
    fn alloc_check(&self, id: u16, order: u32) -> Result<(), Errno> {
        let d = &self.domains[&id];
        let nr = 1u64 << order;
        if d.dying {
            return Err(Errno::EINVAL);
        }
        if d.tot > d.max {
            return Err(Errno::EPERM);
        }
        if nr > d.max - d.tot {
            return Err(Errno::E2BIG);
        }
        if self.outstanding() + nr > self.free() && d.claim < nr {
            return Err(Errno::ENOMEM);
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        max: u64,
    },
    Claim {
        d: usize,
        pages: u64,
    },
    Alloc {
        d: usize,
        order: u32,
    },
    /// alloc_domheap_exact of the aligned block holding `frame` (BASE-relative).
    AllocExact {
        d: usize,
        frame: u64,
        order: u32,
    },
    Free {
        d: usize,
        pick: usize,
        order: u32,
    },
    SetMax {
        d: usize,
        max: u64,
    },
    Kill {
        d: usize,
    },
    Relinquish {
        d: usize,
        budget: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0u64..600).prop_map(|max| Op::Create { max }),
        3 => (any::<usize>(), 0u64..600).prop_map(|(d, pages)| Op::Claim { d, pages }),
        6 => (any::<usize>(), prop_oneof![4 => Just(0u32), 1 => 1u32..6])
            .prop_map(|(d, order)| Op::Alloc { d, order }),
        3 => (any::<usize>(), 0u64..1040, prop_oneof![3 => Just(0u32), 1 => 1u32..6])
            .prop_map(|(d, frame, order)| Op::AllocExact { d, frame, order }),
        3 => (any::<usize>(), any::<usize>(), 0u32..3)
            .prop_map(|(d, pick, order)| Op::Free { d, pick, order }),
        1 => (any::<usize>(), 0u64..600).prop_map(|(d, max)| Op::SetMax { d, max }),
        1 => any::<usize>().prop_map(|d| Op::Kill { d }),
        1 => (any::<usize>(), 1u64..64).prop_map(|(d, budget)| Op::Relinquish { d, budget }),
    ]
}

/// Checks the real heap against the model and the invariants that must hold after every step.
fn check(
    h: &DomHeap<ArenaFrames>,
    m: &Model,
    real: &BTreeMap<u16, DomainMemory>,
) -> Result<(), TestCaseError> {
    h.check_invariants()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let phys = h.physinfo();
    let allocated: u64 = real.values().map(|d| d.tot_pages()).sum();
    prop_assert_eq!(
        phys.free_pages + allocated,
        phys.total_pages,
        "free + allocated == total"
    );
    prop_assert_eq!(phys.free_pages, m.free());
    prop_assert_eq!(
        phys.outstanding_pages,
        m.outstanding(),
        "claims sum to the system's"
    );
    let claims: u64 = real.values().map(|d| h.outstanding_pages(d)).sum();
    prop_assert_eq!(claims, phys.outstanding_pages);
    for (id, d) in real {
        let md = &m.domains[id];
        prop_assert_eq!(d.tot_pages(), md.tot);
        prop_assert_eq!(h.outstanding_pages(d), md.claim);
        prop_assert_eq!(d.max_pages(), md.max);
        // Every frame the domain holds is owned by it and by nothing else.
        h.with_buddy(|b| {
            for (mfn, order) in d.blocks() {
                for f in 0..1u64 << order {
                    assert_eq!(
                        b.owner(mfn + f),
                        Some(*id),
                        "frame {:?} has the wrong owner",
                        mfn + f
                    );
                }
            }
        });
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn heap_follows_the_reference_model(ops in proptest::collection::vec(op(), 1..150)) {
        let h = heap(1024);
        let mut m = Model { total: 1024, domains: BTreeMap::new() };
        let mut real: BTreeMap<u16, DomainMemory> = BTreeMap::new();
        let mut next_id = 1u16;
        let pick = |real: &BTreeMap<u16, DomainMemory>, i: usize| -> Option<u16> {
            (!real.is_empty()).then(|| *real.keys().nth(i % real.len()).unwrap())
        };
        for op in ops {
            match op {
                Op::Create { max } => {
                    real.insert(next_id, h.new_domain(next_id, max).unwrap());
                    m.domains.insert(next_id, ModelDomain { max, ..Default::default() });
                    next_id += 1;
                }
                Op::Claim { d, pages } => {
                    let Some(id) = pick(&real, d) else { continue };
                    let want = m.claim(id, pages);
                    prop_assert_eq!(h.claim_pages(&real[&id], pages, None), want, "claim {} pages for d{}", pages, id);
                }
                Op::Alloc { d, order } => {
                    let Some(id) = pick(&real, d) else { continue };
                    let want = m.alloc_check(id, order);
                    let got = h.alloc_domheap_pages(&real[&id], order, &AllocRequest::default());
                    match (want, got) {
                        (Ok(()), Ok(mfn)) => {
                            let md = m.domains.get_mut(&id).unwrap();
                            md.tot += 1 << order;
                            md.claim -= md.claim.min(1 << order);
                            md.held.insert(mfn.0, order);
                        }
                        // Admission passed but no block of that order was left: fragmentation.
                        // Never for a single frame: admission implies a free frame exists.
                        (Ok(()), Err(Errno::ENOMEM)) if order > 0 => {}
                        (Err(want), Err(got)) if want == got => {}
                        (want, got) => prop_assert!(false, "alloc order {} for d{}: model {:?}, heap {:?}", order, id, want, got),
                    }
                }
                Op::AllocExact { d, frame, order } => {
                    // acquire_domstatic_pages + assign_pages: the allocation rules, then the
                    // frames must all be free RAM of the heap (-ENOENT), here: inside it and held
                    // by no domain.
                    let Some(id) = pick(&real, d) else { continue };
                    let mfn = (BASE + frame) & !((1u64 << order) - 1);
                    let held_by_someone = |f: u64| {
                        m.domains.values().any(|md| {
                            md.held.iter().any(|(&s, &o)| s <= f && f < s + (1 << o))
                        })
                    };
                    let all_free = (mfn..mfn + (1 << order))
                        .all(|f| (BASE..BASE + m.total).contains(&f) && !held_by_someone(f));
                    let want = m
                        .alloc_check(id, order)
                        .and(if all_free { Ok(()) } else { Err(Errno::ENOENT) });
                    let got = h.alloc_domheap_exact(&real[&id], Mfn(mfn), order);
                    prop_assert_eq!(got, want, "exact order {} at {:#x} for d{}", order, mfn, id);
                    if want.is_ok() {
                        let md = m.domains.get_mut(&id).unwrap();
                        md.tot += 1 << order;
                        md.claim -= md.claim.min(1 << order);
                        md.held = real[&id].blocks().into_iter().map(|(m, o)| (m.0, o)).collect();
                    }
                }
                Op::Free { d, pick: p, order } => {
                    let Some(id) = pick(&real, d) else { continue };
                    let md = m.domains.get_mut(&id).unwrap();
                    if md.held.is_empty() { continue; }
                    let (&start, &held_order) = md.held.iter().nth(p % md.held.len()).unwrap();
                    let order = order.min(held_order);
                    let mfn = start + ((p as u64) % (1 << (held_order - order))) * (1 << order);
                    h.free_domheap_pages(&real[&id], Mfn(mfn), order).unwrap();
                    md.tot -= 1 << order;
                    md.held = real[&id].blocks().into_iter().map(|(m, o)| (m.0, o)).collect();
                }
                Op::SetMax { d, max } => {
                    let Some(id) = pick(&real, d) else { continue };
                    real[&id].set_max_pages(max);
                    m.domains.get_mut(&id).unwrap().max = max;
                }
                Op::Kill { d } => {
                    let Some(id) = pick(&real, d) else { continue };
                    h.domain_kill(&real[&id]);
                    let md = m.domains.get_mut(&id).unwrap();
                    md.dying = true;
                    md.claim = 0;
                }
                Op::Relinquish { d, budget } => {
                    let Some(id) = pick(&real, d) else { continue };
                    let md = m.domains.get_mut(&id).unwrap();
                    if !md.dying {
                        prop_assert_eq!(h.relinquish_memory(&real[&id], budget), Err(Errno::EINVAL));
                        continue;
                    }
                    let done = h.relinquish_memory(&real[&id], budget).unwrap();
                    md.tot = real[&id].tot_pages();
                    md.held = real[&id].blocks().into_iter().map(|(m, o)| (m.0, o)).collect();
                    if done {
                        prop_assert_eq!(md.tot, 0);
                        real.remove(&id);
                        m.domains.remove(&id);
                    }
                }
            }
            check(&h, &m, &real)?;
        }
    }
}

/// xorshift64*: a small deterministic generator, so the soak is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn ten_thousand_domain_lifetimes_leave_the_heap_as_it_started() {
    // Domains are created, claim, populate, free, change max_pages, and are killed and relinquished,
    // at most 40 alive at once and ids reused from the lowest free one (a leaked claim would make
    // new_domain refuse a reused id). In the end the heap's free blocks equal the ones it began with.
    let h = heap(16384);
    let initial = h.with_buddy(|b| b.free_blocks());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut alive: BTreeMap<u16, DomainMemory> = BTreeMap::new();
    let mut created = 0u32;
    while created < 10_000 || !alive.is_empty() {
        let choice = rng.below(10);
        if (choice < 2 || alive.is_empty()) && created < 10_000 && alive.len() < 40 {
            let id = (1..).find(|i| !alive.contains_key(i)).unwrap();
            let d = h
                .new_domain(id, rng.below(2048))
                .expect("a reused id carries nothing over");
            alive.insert(id, d);
            created += 1;
            continue;
        }
        if alive.is_empty() {
            continue;
        }
        let id = *alive
            .keys()
            .nth(rng.below(alive.len() as u64) as usize)
            .unwrap();
        let d = &alive[&id];
        match choice {
            2 => {
                let _ = h.claim_pages(d, rng.below(1024), None);
            }
            3..=5 => {
                let order = [0, 0, 0, 1, 4, 9][rng.below(6) as usize];
                if rng.below(4) == 0 {
                    // A block at a chosen place (a direct-mapped domain's), when it is free.
                    let at = (BASE + rng.below(16384)) & !((1 << order) - 1);
                    let _ = h.alloc_domheap_exact(d, Mfn(at), order);
                } else {
                    let _ = h.alloc_domheap_pages(d, order, &AllocRequest::default());
                }
            }
            6 => {
                let blocks = d.blocks();
                if !blocks.is_empty() {
                    let (mfn, order) = blocks[rng.below(blocks.len() as u64) as usize];
                    let sub = rng.below(u64::from(order) + 1) as u32;
                    h.free_domheap_pages(d, mfn + (rng.below(1 << (order - sub)) << sub), sub)
                        .unwrap();
                }
            }
            7 => d.set_max_pages(rng.below(2048)),
            _ => {
                h.domain_kill(d);
                while !h.relinquish_memory(d, 1 + rng.below(300)).unwrap() {}
                assert_eq!(d.tot_pages(), 0);
                assert_eq!(h.outstanding_pages(d), 0);
                alive.remove(&id);
            }
        }
        if created.is_multiple_of(1000) {
            h.check_invariants().unwrap();
        }
    }
    h.check_invariants().unwrap();
    let phys = h.physinfo();
    assert_eq!((phys.free_pages, phys.outstanding_pages), (16384, 0));
    assert_eq!(
        h.with_buddy(|b| b.free_blocks()),
        initial,
        "the heap is not as it started"
    );
}
