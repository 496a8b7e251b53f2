//! Foreign mapping: XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign and its undoing,
//! against Xen 4.17: xen/common/memory.c (`do_memory_op` case XENMEM_add_to_physmap_batch,
//! `xenmem_add_to_physmap_batch`, `xatp_permission_check`, XENMEM_remove_from_physmap) and
//! xen/arch/x86/mm/p2m.c (`p2m_add_foreign`, `relinquish_p2m_mapping`), with the XSM dummy
//! policy of xen/include/xsm/dummy.h (`xsm_map_gmfn_foreign`: XSM_TARGET on (tdom, fdom)).
//! Invariants (every frame accounted for, one reference per foreign entry) after every step.

use crate::common;

use std::sync::Arc;

use common::{
    guest, hypercall, hypercall_preempted, hypercall_to_completion, hypervisor, pvh_config,
    TestDomain, TestHv, GUEST_BASE,
};
use hypercall::dispatch::{Outcome, PreemptAfter};
use hypercall::guest::FlatGuest;
use hypercall::memory_op::continuation_cmd;
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::p2m::types::P2mType;
use xen_public::errno::{XEN_EDOM, XEN_EILSEQ, XEN_ENXIO};
use xen_public::memory::*;
use xen_public::xen::{__HYPERVISOR_memory_op, DOMID_SELF};
use xen_public::GuestHandle;

const MEMORY_OP: u32 = __HYPERVISOR_memory_op;
const BATCH: u64 = XENMEM_add_to_physmap_batch as u64;
const ARG: u64 = GUEST_BASE;
const LIST: u64 = GUEST_BASE + 0x1000;
const IDXS: u64 = GUEST_BASE + 0x2000;
const GPFNS: u64 = GUEST_BASE + 0x3000;
const ERRS: u64 = GUEST_BASE + 0x4000;
/// Where dom0 maps foreign frames (its ballooned-out region, as Linux's privcmd uses).
const MAP_AT: u64 = 0x8_0000;

fn ret(v: i64) -> Outcome {
    Outcome::Return(v)
}

fn err(e: Errno) -> Outcome {
    Outcome::Return(e.negated())
}

/// A domU with `frames` frames populated at gfns 0x10.. by dom0.
fn populated_domu(hv: &TestHv, dom0: &Arc<TestDomain>, frames: u64) -> Arc<TestDomain> {
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    d.mem.set_max_pages(1024);
    let mut g = guest();
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: frames,
            extent_order: 0,
            mem_flags: 0,
            domid: d.domid(),
            ..Default::default()
        },
    );
    for i in 0..frames {
        g.put(LIST + 8 * i, &(0x10 + i));
    }
    assert_eq!(
        hypercall(hv, dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(frames as i64)
    );
    d
}

/// Puts a batch for `domid`'s physmap: `idxs[i]` -> `gpfns[i]`, errs poisoned.
fn put_batch(g: &mut FlatGuest, domid: u16, space: u32, u: u16, idxs: &[u64], gpfns: &[u64]) {
    assert_eq!(idxs.len(), gpfns.len());
    g.put(
        ARG,
        &xen_add_to_physmap_batch {
            domid,
            space: space as u16,
            size: idxs.len() as u16,
            u,
            idxs: GuestHandle::new(IDXS),
            gpfns: GuestHandle::new(GPFNS),
            errs: GuestHandle::new(ERRS),
        },
    );
    for (i, (idx, gpfn)) in idxs.iter().zip(gpfns).enumerate() {
        g.put(IDXS + 8 * i as u64, idx);
        g.put(GPFNS + 8 * i as u64, gpfn);
        g.put(ERRS + 4 * i as u64, &0x5a5a_5a5ai32);
    }
}

fn errs(g: &FlatGuest, n: usize) -> Vec<i32> {
    (0..n).map(|i| g.get::<i32>(ERRS + 4 * i as u64)).collect()
}

fn mfn_of(hv: &TestHv, d: &TestDomain, gfn: u64) -> Option<Mfn> {
    d.p2m.get_entry(&hv.heap, Gfn(gfn)).mfn
}

fn refcount(hv: &TestHv, mfn: Mfn) -> u32 {
    hv.heap.with_buddy(|b| b.refcount(mfn))
}

/// dom0 maps `fgfns` of `fdom` at MAP_AT.. with one batch; every entry must succeed.
fn map_into_dom0(hv: &TestHv, dom0: &Arc<TestDomain>, fdom: &TestDomain, fgfns: &[u64]) {
    let mut g = guest();
    let gpfns: Vec<u64> = (0..fgfns.len() as u64).map(|i| MAP_AT + i).collect();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        fdom.domid(),
        fgfns,
        &gpfns,
    );
    assert_eq!(
        hypercall(hv, dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, fgfns.len()), vec![0; fgfns.len()]);
}

fn unmap(hv: &TestHv, caller: &Arc<TestDomain>, domid: u16, gpfn: u64) -> Outcome {
    let mut g = guest();
    g.put(
        ARG,
        &xen_remove_from_physmap {
            domid,
            gpfn,
            ..Default::default()
        },
    );
    hypercall(hv, caller, &mut g, MEMORY_OP, [15, ARG, 0, 0, 0])
}

#[test]
fn dom0_maps_three_domu_frames_and_writes_through_them() {
    // p2m_add_foreign: get_page_from_gfn(fdom, fgfn, P2M_ALLOC) then set_foreign_p2m_entry
    // (p2m_map_foreign at gpfn of tdom, the page reference kept while mapped).
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 4);
    let tot = d.mem.tot_pages();
    map_into_dom0(&hv, &dom0, &d, &[0x10, 0x11, 0x13]);
    for (i, fgfn) in [0x10u64, 0x11, 0x13].into_iter().enumerate() {
        let at = dom0.p2m.get_entry(&hv.heap, Gfn(MAP_AT + i as u64));
        assert_eq!(at.p2mt, P2mType::MapForeign);
        let mfn = at.mfn.unwrap();
        assert_eq!(
            Some(mfn),
            mfn_of(&hv, &d, fgfn),
            "dom0 sees the domU's own frame"
        );
        assert_eq!(hv.heap.with_buddy(|b| b.owner(mfn)), Some(d.domid()));
        assert_eq!(refcount(&hv, mfn), 2);
        // dom0 writes through its mapping (as the toolstack writes a kernel image) ...
        hv.heap.frames().write_u64(mfn, 7, 0xfeed_0000 + fgfn);
    }
    // ... and the domU's frames hold it.
    for fgfn in [0x10u64, 0x11, 0x13] {
        let mfn = mfn_of(&hv, &d, fgfn).unwrap();
        assert_eq!(hv.heap.frames().read_u64(mfn, 7), 0xfeed_0000 + fgfn);
    }
    // Nothing is dom0's memory or leaves the domU.
    assert_eq!(d.mem.tot_pages(), tot);
    assert_eq!(dom0.mem.tot_pages(), 0);
    assert_eq!(dom0.mem.foreign_refs(), 3);
    hv.check_invariants().unwrap();
}

#[test]
fn a_bad_entry_fails_alone_and_its_error_is_in_errs() {
    // xenmem_add_to_physmap_batch: each entry's rc goes to errs[i], the loop goes on.
    // p2m_add_foreign: no page, or not RAM, -EINVAL.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    let mut g = guest();
    let idxs = [0x10, 0x9999, 0x11, 1 << 40];
    let gpfns = [MAP_AT, MAP_AT + 1, MAP_AT + 2, MAP_AT + 3];
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &idxs,
        &gpfns,
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    let einval = Errno::EINVAL.negated() as i32;
    assert_eq!(errs(&g, 4), vec![0, einval, 0, einval]);
    let types: Vec<P2mType> = gpfns
        .iter()
        .map(|&p| dom0.p2m.get_entry(&hv.heap, Gfn(p)).p2mt)
        .collect();
    assert_eq!(types[0], P2mType::MapForeign);
    assert_ne!(types[1], P2mType::MapForeign);
    assert_eq!(types[2], P2mType::MapForeign);
    assert_ne!(types[3], P2mType::MapForeign);
    assert_eq!(dom0.mem.foreign_refs(), 2);
    hv.check_invariants().unwrap();
}

#[test]
fn a_foreign_gfn_that_is_not_ram_is_refused_and_pod_is_populated_first() {
    // p2m_add_foreign: `!p2m_is_ram(p2mt)` -EINVAL (here a foreign entry of the domU's own and its
    // shared_info page, which the domU does not own in xen-rs); get_page_from_gfn's P2M_ALLOC
    // populates a populate-on-demand gfn (p2m_pod_demand_populate) before the check.
    let (hv, dom0) = hypervisor(8192);
    let a = populated_domu(&hv, &dom0, 2);
    let b = populated_domu(&hv, &dom0, 2);
    // b becomes a's device model and maps a's 0x10 at its 0x40.
    b.state().target = Some(a.domid());
    let mut g = guest();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        a.domid(),
        &[0x10],
        &[0x40],
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    // dom0 may not map b's foreign entry (p2m_map_foreign is not RAM).
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        b.domid(),
        &[0x40],
        &[MAP_AT],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![Errno::EINVAL.negated() as i32]);
    hv.check_invariants().unwrap();

    // PoD: a target of 16 pages for b with PoD entries at 0x100..0x108.
    let mut g = guest();
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            extent_order: 3,
            mem_flags: XENMEMF_populate_on_demand,
            domid: b.domid(),
            ..Default::default()
        },
    );
    g.put(LIST, &0x100u64);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    g.put(
        ARG,
        &xen_pod_target {
            target_pages: 2 + 3 + 8,
            domid: b.domid(),
            ..Default::default()
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(
        b.p2m.get_entry(&hv.heap, Gfn(0x103)).p2mt,
        P2mType::PopulateOnDemand
    );
    hv.check_invariants().unwrap();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        b.domid(),
        &[0x103],
        &[MAP_AT + 1],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    let populated = b.p2m.get_entry(&hv.heap, Gfn(0x103));
    assert!(populated.p2mt.is_ram());
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT + 1), populated.mfn);
    hv.check_invariants().unwrap();
}

#[test]
fn an_unprivileged_domu_may_not_map_another_domus_frames() {
    // xsm_map_gmfn_foreign(XSM_TARGET, tdom, fdom) (dummy.h): a domU is neither privileged nor
    // fdom's device model: -EPERM per entry. xatp_permission_check (XSM_TARGET of current on
    // d): a domU may not change dom0's physmap at all (-EPERM for the call).
    let (hv, dom0) = hypervisor(8192);
    let a = populated_domu(&hv, &dom0, 2);
    let b = populated_domu(&hv, &dom0, 2);
    let mut g = guest();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        b.domid(),
        &[0x10, 0x11],
        &[0x40, 0x41],
    );
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    let eperm = Errno::EPERM.negated() as i32;
    assert_eq!(errs(&g, 2), vec![eperm, eperm]);
    assert_eq!(a.p2m.type_pages(P2mType::MapForeign), 0);
    // Into dom0's physmap: refused before any entry.
    put_batch(
        &mut g,
        0,
        XENMAPSPACE_gmfn_foreign,
        b.domid(),
        &[0x10],
        &[MAP_AT],
    );
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        err(Errno::EPERM)
    );
    assert_eq!(errs(&g, 1), vec![0x5a5a_5a5a]);
    // As b's device model (XEN_DOMCTL_set_target) a may.
    a.state().target = Some(b.domid());
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        b.domid(),
        &[0x10],
        &[0x40],
    );
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    hv.check_invariants().unwrap();
}

#[test]
fn the_foreign_domain_must_be_another_existing_domain() {
    // p2m_add_foreign: rcu_lock_remote_domain_by_id -ESRCH for no such domain (DOMID_SELF is
    // none), -EPERM for the caller itself; then tdom == fdom -EINVAL.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    let mut g = guest();
    let cases = [
        (DOMID_SELF, DOMID_SELF, Errno::ESRCH),
        (DOMID_SELF, 0x1234, Errno::ESRCH),
        (DOMID_SELF, 0, Errno::EPERM),
        // dom0 maps into the domU's physmap a frame of the domU itself.
        (d.domid(), d.domid(), Errno::EINVAL),
    ];
    for (tdom, fdom, e) in cases {
        put_batch(
            &mut g,
            tdom,
            XENMAPSPACE_gmfn_foreign,
            fdom,
            &[0x10],
            &[0x400],
        );
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
            ret(0)
        );
        assert_eq!(errs(&g, 1), vec![e.negated() as i32], "{tdom} {fdom}");
    }
    // dom0 maps a domU's frame into another domU's physmap: allowed (tdom privileged? no:
    // xsm_map_gmfn_foreign checks tdom, which is not).
    let e = populated_domu(&hv, &dom0, 1);
    put_batch(
        &mut g,
        e.domid(),
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &[0x10],
        &[0x400],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![Errno::EPERM.negated() as i32]);
    assert_eq!(dom0.p2m.type_pages(P2mType::MapForeign), 0);
    assert_eq!(d.p2m.type_pages(P2mType::MapForeign), 0);
    hv.check_invariants().unwrap();
}

#[test]
fn call_level_errors_come_before_any_entry() {
    // do_memory_op XENMEM_add_to_physmap_batch: start_extent must fit the 16-bit size (-EDOM),
    // the struct must copy (-EFAULT), gmfn_range -EOPNOTSUPP, no domain -ESRCH;
    // xenmem_add_to_physmap_batch: size < start -EILSEQ, size == start 0 or -EILSEQ; a failed
    // copy of an entry or of its result stops the batch with -EFAULT.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 4);
    let mut g = guest();
    let call = |g: &mut FlatGuest, cmd: u64, arg: u64| {
        hypercall(&hv, &dom0, g, MEMORY_OP, [cmd, arg, 0, 0, 0])
    };
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &[0x10, 0x11],
        &[MAP_AT, MAP_AT + 1],
    );
    assert_eq!(
        call(&mut g, continuation_cmd(23, 1 << 16), ARG),
        err(Errno(XEN_EDOM))
    );
    assert_eq!(call(&mut g, BATCH, 0x10), err(Errno::EFAULT));
    assert_eq!(
        call(&mut g, continuation_cmd(23, 3), ARG),
        err(Errno(XEN_EILSEQ))
    );
    assert_eq!(
        call(&mut g, continuation_cmd(23, 2), ARG),
        err(Errno(XEN_EILSEQ))
    );
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_range,
        0,
        &[0x10],
        &[0x20],
    );
    assert_eq!(call(&mut g, BATCH, ARG), err(Errno::EOPNOTSUPP));
    put_batch(&mut g, 0x3333, XENMAPSPACE_gmfn, 0, &[0x10], &[0x20]);
    assert_eq!(call(&mut g, BATCH, ARG), err(Errno::ESRCH));
    put_batch(&mut g, DOMID_SELF, XENMAPSPACE_gmfn, 0, &[], &[]);
    assert_eq!(call(&mut g, BATCH, ARG), ret(0));
    // errs unwritable: the first entry is mapped, then -EFAULT.
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &[0x10, 0x11],
        &[MAP_AT, MAP_AT + 1],
    );
    let mut batch: xen_add_to_physmap_batch = g.get(ARG);
    batch.errs = GuestHandle::new(0x10);
    g.put(ARG, &batch);
    assert_eq!(call(&mut g, BATCH, ARG), err(Errno::EFAULT));
    assert_eq!(dom0.p2m.type_pages(P2mType::MapForeign), 1);
    hv.check_invariants().unwrap();
    // idxs unreadable from the second entry on: one more mapped, then -EFAULT.
    batch.errs = GuestHandle::new(ERRS);
    batch.idxs = GuestHandle::new(GUEST_BASE + (1 << 20) - 8);
    g.put(GUEST_BASE + (1 << 20) - 8, &0x12u64);
    g.put(GPFNS, &(MAP_AT + 2));
    g.put(ARG, &batch);
    assert_eq!(call(&mut g, BATCH, ARG), err(Errno::EFAULT));
    assert_eq!(errs(&g, 1), vec![0]);
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT + 2), mfn_of(&hv, &d, 0x12));
    assert_eq!(dom0.p2m.type_pages(P2mType::MapForeign), 2);
    hv.check_invariants().unwrap();
}

#[test]
fn a_long_batch_continues_with_start_plus_done() {
    // xenmem_add_to_physmap_batch: preemption checked after each entry but the last; the
    // continuation is op | (start + done) << MEMOP_EXTENT_SHIFT with the same argument.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 40);
    let mut g = guest();
    let fgfns: Vec<u64> = (0x10..0x10 + 40).collect();
    let gpfns: Vec<u64> = (0..40).map(|i| MAP_AT + i).collect();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &fgfns,
        &gpfns,
    );
    // One step, preempted after 3 entries.
    let r = hypercall_preempted(
        &hv,
        &dom0,
        &mut g,
        &mut PreemptAfter { steps: 2 },
        MEMORY_OP,
        [BATCH, ARG, 0, 0, 0],
    );
    assert_eq!(
        r,
        Outcome::Continue([continuation_cmd(23, 3), ARG, 0, 0, 0])
    );
    assert_eq!(dom0.p2m.type_pages(P2mType::MapForeign), 3);
    hv.check_invariants().unwrap();
    // The rest, preempted after every entry: 36 more continuations.
    let (v, continuations) = hypercall_to_completion(
        &hv,
        &dom0,
        &mut g,
        0,
        MEMORY_OP,
        [continuation_cmd(23, 3), ARG, 0, 0, 0],
    );
    assert_eq!((v, continuations), (0, 36));
    assert_eq!(errs(&g, 40), vec![0; 40]);
    for i in 0..40 {
        assert_eq!(mfn_of(&hv, &dom0, MAP_AT + i), mfn_of(&hv, &d, 0x10 + i));
    }
    assert_eq!(dom0.mem.foreign_refs(), 40);
    hv.check_invariants().unwrap();
}

#[test]
fn unmapping_drops_the_reference() {
    // XENMEM_remove_from_physmap: get_page_from_gfn on a p2m_map_foreign entry, then
    // guest_physmap_remove_page; the reference p2m_add_foreign kept goes with the entry.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    map_into_dom0(&hv, &dom0, &d, &[0x10, 0x11]);
    let mfn = mfn_of(&hv, &d, 0x10).unwrap();
    assert_eq!(refcount(&hv, mfn), 2);
    assert_eq!(unmap(&hv, &dom0, DOMID_SELF, MAP_AT), ret(0));
    assert_eq!(refcount(&hv, mfn), 1);
    assert_eq!(dom0.mem.foreign_refs(), 1);
    assert!(!dom0.p2m.get_entry(&hv.heap, Gfn(MAP_AT)).p2mt.is_foreign());
    // The domU keeps its frame.
    assert_eq!(mfn_of(&hv, &d, 0x10), Some(mfn));
    assert_eq!(unmap(&hv, &dom0, DOMID_SELF, MAP_AT), err(Errno::ENOENT));
    hv.check_invariants().unwrap();
    // The domU can now free it.
    let free = hv.heap.physinfo().free_pages;
    hypercall::memory_op::guest_remove_page(&hv, &d, Gfn(0x10)).unwrap();
    assert_eq!(hv.heap.physinfo().free_pages, free + 1);
    hv.check_invariants().unwrap();
}

#[test]
fn a_foreign_entry_is_not_replaced_and_dom0_memory_under_a_new_one_is_freed() {
    // p2m_add_foreign: what was at gpfn goes through guest_remove_page, which frees tdom's own
    // memory and refuses a page tdom does not own (get_page_from_mfn fails: -ENXIO).
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    map_into_dom0(&hv, &dom0, &d, &[0x10]);
    let mut g = guest();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &[0x11],
        &[MAP_AT],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![-XEN_ENXIO]);
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT), mfn_of(&hv, &d, 0x10));
    assert_eq!(refcount(&hv, mfn_of(&hv, &d, 0x11).unwrap()), 1);
    hv.check_invariants().unwrap();
    // The same guest_remove_page refuses it under a XENMAPSPACE_gmfn move
    // (xenmem_add_to_physmap_one) and under decrease_reservation, which stops there.
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            domid: DOMID_SELF,
            ..Default::default()
        },
    );
    g.put(LIST, &(MAP_AT + 5));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn,
        0,
        &[MAP_AT + 5],
        &[MAP_AT],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![-XEN_ENXIO]);
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 2,
            domid: DOMID_SELF,
            ..Default::default()
        },
    );
    g.put(LIST, &(MAP_AT + 5));
    g.put(LIST + 8, &MAP_AT);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [1, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT), mfn_of(&hv, &d, 0x10));
    assert_eq!(refcount(&hv, mfn_of(&hv, &d, 0x10).unwrap()), 2);
    assert_eq!(dom0.mem.tot_pages(), 0);
    hv.check_invariants().unwrap();
    // dom0's own frame at the target gfn is freed.
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            domid: DOMID_SELF,
            ..Default::default()
        },
    );
    g.put(LIST, &(MAP_AT + 1));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(dom0.mem.tot_pages(), 1);
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        d.domid(),
        &[0x11],
        &[MAP_AT + 1],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    assert_eq!(dom0.mem.tot_pages(), 0);
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT + 1), mfn_of(&hv, &d, 0x11));
    hv.check_invariants().unwrap();
}

#[test]
fn a_frame_the_domu_frees_while_mapped_lives_until_unmapped() {
    // guest_remove_page drops only PGC_allocated: the page is freed by the last put_page.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    map_into_dom0(&hv, &dom0, &d, &[0x10]);
    let mfn = mfn_of(&hv, &d, 0x10).unwrap();
    hv.heap.frames().write_u64(mfn, 0, 0xabcd);
    let free = hv.heap.physinfo().free_pages;
    let mut g = guest();
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            domid: d.domid(),
            ..Default::default()
        },
    );
    g.put(LIST, &0x10u64);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [1, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(d.mem.tot_pages(), 1);
    assert_eq!(
        hv.heap.physinfo().free_pages,
        free,
        "still mapped: not freed"
    );
    assert_eq!(hv.heap.orphan_pages(), 1);
    assert_eq!(hv.heap.frames().read_u64(mfn, 0), 0xabcd);
    hv.check_invariants().unwrap();
    let tables = dom0.p2m.table_frames() + dom0.p2m.limbo_frames();
    assert_eq!(unmap(&hv, &dom0, DOMID_SELF, MAP_AT), ret(0));
    assert_eq!(hv.heap.orphan_pages(), 0);
    // The frame, and the dom0 p2m tables that held only its entry.
    let tables_freed = tables - dom0.p2m.table_frames() - dom0.p2m.limbo_frames();
    assert_eq!(hv.heap.physinfo().free_pages, free + 1 + tables_freed);
    hv.check_invariants().unwrap();
}

#[test]
fn destroying_the_domu_while_mapped_then_unmapping_returns_every_frame() {
    // Xen keeps a dying domain's still-referenced pages until their last put_page (the domain
    // lingers as a zombie); xen-rs orphans them (see the memory_op module notes) and frees each
    // with its last reference.
    let (hv, dom0) = hypervisor(8192);
    let free0 = hv.heap.physinfo().free_pages;
    let d = populated_domu(&hv, &dom0, 8);
    map_into_dom0(&hv, &dom0, &d, &[0x10, 0x12, 0x17]);
    let mfn = mfn_of(&hv, &d, 0x12).unwrap();
    hv.heap.frames().write_u64(mfn, 3, 0x1234);
    hv.kill_domain(&d, || false).unwrap();
    assert!(hv.domains.get(d.domid()).is_none());
    assert_eq!(hv.heap.orphan_pages(), 3);
    // Still mapped, still holding what was written.
    assert_eq!(mfn_of(&hv, &dom0, MAP_AT + 1), Some(mfn));
    assert_eq!(hv.heap.frames().read_u64(mfn, 3), 0x1234);
    hv.check_invariants().unwrap();
    for i in 0..3 {
        assert_eq!(unmap(&hv, &dom0, DOMID_SELF, MAP_AT + i), ret(0));
        assert_eq!(hv.heap.orphan_pages(), 2 - i);
        hv.check_invariants().unwrap();
    }
    // dom0's p2m may keep table frames for MAP_AT; they are not the domU's.
    let tables = dom0.p2m.table_frames() + dom0.p2m.limbo_frames();
    let tables0 = 1;
    assert_eq!(hv.heap.physinfo().free_pages + tables - tables0, free0);
    hv.check_invariants().unwrap();
}

#[test]
fn destroying_the_mapping_domain_drops_its_references() {
    // relinquish_p2m_mapping (upstream, called from domain_relinquish_resources): a dying
    // domain's foreign entries go, and with them the references on the foreign pages.
    let (hv, dom0) = hypervisor(8192);
    let free0 = hv.heap.physinfo().free_pages;
    let fdom = populated_domu(&hv, &dom0, 4);
    let dm = populated_domu(&hv, &dom0, 1);
    dm.state().target = Some(fdom.domid());
    let mut g = guest();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        fdom.domid(),
        &[0x10, 0x11, 0x12, 0x13],
        &[0x40, 0x41, 0x42, 0x43],
    );
    let (v, _) = hypercall_to_completion(&hv, &dm, &mut g, 1, MEMORY_OP, [BATCH, ARG, 0, 0, 0]);
    assert_eq!(v, 0);
    assert_eq!(errs(&g, 4), vec![0; 4]);
    let mfns: Vec<Mfn> = (0x10..0x14)
        .map(|gfn| mfn_of(&hv, &fdom, gfn).unwrap())
        .collect();
    assert!(mfns.iter().all(|&m| refcount(&hv, m) == 2));
    hv.check_invariants().unwrap();
    // Preempted destruction of the mapper: every step leaves the invariants.
    let mut steps = 0;
    loop {
        let mut n = 0;
        match hv.kill_domain(&dm, || {
            n += 1;
            n > 1
        }) {
            Ok(()) => break,
            Err(e) => assert_eq!(e, Errno::ERESTART),
        }
        steps += 1;
        hv.check_invariants().unwrap();
        assert!(steps < 100);
    }
    assert!(mfns.iter().all(|&m| refcount(&hv, m) == 1));
    assert_eq!(hv.heap.orphan_pages(), 0);
    hv.check_invariants().unwrap();
    hv.kill_domain(&fdom, || false).unwrap();
    assert_eq!(hv.heap.physinfo().free_pages, free0);
    hv.check_invariants().unwrap();
}

#[test]
fn the_invariants_catch_a_reference_without_a_foreign_entry() {
    // The checker itself: one reference per p2m_map_foreign entry, and orphans accounted.
    let (hv, dom0) = hypervisor(8192);
    let d = populated_domu(&hv, &dom0, 2);
    let mfn = mfn_of(&hv, &d, 0x10).unwrap();
    hv.heap.get_foreign_page(&dom0.mem, &d.mem, mfn).unwrap();
    assert!(hv.check_invariants().is_err());
    hv.heap.put_foreign_page(&dom0.mem, mfn).unwrap();
    hv.check_invariants().unwrap();
}

#[test]
fn a_pod_entry_over_a_foreign_one_drops_its_reference() {
    // guest_physmap_mark_populate_on_demand refuses only RAM (-EBUSY); a foreign entry it
    // overwrites loses its reference in p2m_entry_modify.
    let (hv, dom0) = hypervisor(8192);
    let a = populated_domu(&hv, &dom0, 2);
    let b = populated_domu(&hv, &dom0, 1);
    b.state().target = Some(a.domid());
    let mut g = guest();
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        a.domid(),
        &[0x10, 0x11, 0x10],
        &[0x440, 0x441, 0x442],
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 3), vec![0, 0, 0]);
    let mfn = mfn_of(&hv, &a, 0x10).unwrap();
    assert_eq!(refcount(&hv, mfn), 3);
    // dom0 marks b's 0x440..0x442 populate-on-demand (an order-1 extent).
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            extent_order: 1,
            mem_flags: XENMEMF_populate_on_demand,
            domid: b.domid(),
            ..Default::default()
        },
    );
    g.put(LIST, &0x440u64);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(
        b.p2m.get_entry(&hv.heap, Gfn(0x440)).p2mt,
        P2mType::PopulateOnDemand
    );
    // 0x442, just past the extent, keeps its mapping.
    assert_eq!(refcount(&hv, mfn), 2);
    assert_eq!(b.mem.foreign_refs(), 1);
    // A 2 MiB PoD entry at 0x600, then an order-10 extent at 0x400 over it and 0x442: the walk
    // steps over the superpage entry and drops the last reference.
    for (gfn, order) in [(0x600u64, 9u32), (0x400, 10)] {
        g.put(
            ARG,
            &xen_memory_reservation {
                extent_start: GuestHandle::new(LIST),
                nr_extents: 1,
                extent_order: order,
                mem_flags: XENMEMF_populate_on_demand,
                domid: b.domid(),
                ..Default::default()
            },
        );
        g.put(LIST, &gfn);
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
            ret(1)
        );
    }
    assert_eq!(b.p2m.get_entry(&hv.heap, Gfn(0x600)).order, 9);
    assert_eq!(refcount(&hv, mfn), 1);
    assert_eq!(b.mem.foreign_refs(), 0);
    hv.check_invariants().unwrap();
}

#[test]
fn foreign_mappings_at_the_edges() {
    // p2m_add_foreign: the foreign gfn must be RAM (an MMIO entry is -EINVAL); a PoD entry at the
    // target gpfn has no page to remove and is simply replaced (its PoD entry no longer counts);
    // a mapping over the shared_info gfn unhooks shared_info, elsewhere it stays. The highest gfn
    // of either p2m may be used.
    let (hv, dom0) = hypervisor(8192);
    let a = populated_domu(&hv, &dom0, 2);
    let b = populated_domu(&hv, &dom0, 1);
    b.state().target = Some(a.domid());
    let mut g = guest();
    // a's 0x20 is MMIO.
    a.p2m
        .set_entry(
            &hv.heap,
            Gfn(0x20),
            Some(Mfn(0xfee00)),
            0,
            P2mType::MmioDirect,
            xen_mm::p2m::types::P2mAccess::Rw,
        )
        .unwrap();
    // b's 0x50 is PoD (dom0 marks it), b's shared_info is at 0x60.
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            nr_extents: 1,
            extent_order: 0,
            mem_flags: XENMEMF_populate_on_demand,
            domid: b.domid(),
            ..Default::default()
        },
    );
    g.put(LIST, &0x50u64);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(b.pod.counts().1, 1);
    g.put(
        ARG,
        &xen_add_to_physmap {
            domid: DOMID_SELF,
            space: XENMAPSPACE_shared_info,
            gpfn: 0x60,
            ..Default::default()
        },
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    let top = b.p2m.max_gfn();
    assert_eq!(top, a.p2m.max_gfn());
    // A mapping elsewhere leaves shared_info alone.
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        a.domid(),
        &[0x11],
        &[0x62],
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    assert_eq!(b.state().shared_info_gfn, Some(Gfn(0x60)));
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        a.domid(),
        &[0x20, 0x10, 0x11, 0x10, 0x10],
        &[0x40, 0x50, 0x61, 0x60, top + 1],
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(
        errs(&g, 5),
        vec![-22, 0, 0, 0, -22],
        "MMIO refused, PoD replaced, two mapped, past the top refused"
    );
    assert_eq!(b.pod.counts().1, 0);
    assert_eq!(
        b.p2m.get_entry(&hv.heap, Gfn(0x50)).p2mt,
        P2mType::MapForeign
    );
    assert_eq!(b.state().shared_info_gfn, None);
    // The top gfn of a (moved there) mapped at the top gfn of b.
    g.put(
        ARG,
        &xen_add_to_physmap {
            domid: DOMID_SELF,
            space: XENMAPSPACE_gmfn,
            idx: 0x11,
            gpfn: top,
            ..Default::default()
        },
    );
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_gmfn_foreign,
        a.domid(),
        &[top],
        &[top],
    );
    assert_eq!(
        hypercall(&hv, &b, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![0]);
    assert_eq!(mfn_of(&hv, &b, top), mfn_of(&hv, &a, top));
    // And a's top gfn may be the source of a move too.
    let frame = mfn_of(&hv, &a, top);
    g.put(
        ARG,
        &xen_add_to_physmap {
            domid: DOMID_SELF,
            space: XENMAPSPACE_gmfn,
            idx: top,
            gpfn: 0x12,
            ..Default::default()
        },
    );
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(mfn_of(&hv, &a, 0x12), frame);
    hv.check_invariants().unwrap();
}

#[test]
fn a_batch_touches_only_its_own_entries_and_dev_mmio_is_checked_first() {
    // xenmem_add_to_physmap_batch: `size` entries and no more (errs past them untouched);
    // XENMAPSPACE_dev_mmio: a non-zero `u` (res0) is -EOPNOTSUPP for the call, and only the
    // hardware domain may map into itself (-EACCES); each entry's own error is then in errs.
    let (hv, dom0) = hypervisor(4096);
    let a = populated_domu(&hv, &dom0, 2);
    let mut g = guest();
    put_batch(&mut g, DOMID_SELF, XENMAPSPACE_gmfn, 0, &[0x10], &[0x30]);
    g.put(ERRS + 4, &0x5a5a_5a5ai32);
    g.put(IDXS + 8, &0x11u64);
    g.put(GPFNS + 8, &0x31u64);
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 2), vec![0, 0x5a5a_5a5a]);
    assert_eq!(mfn_of(&hv, &a, 0x31), None, "the second entry was not done");
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_dev_mmio,
        1,
        &[0xfee00],
        &[0xfee00],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        err(Errno::EOPNOTSUPP)
    );
    put_batch(
        &mut g,
        DOMID_SELF,
        XENMAPSPACE_dev_mmio,
        0,
        &[0xfee00],
        &[0xfee00],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(errs(&g, 1), vec![-Errno::EOPNOTSUPP.0]);
    assert_eq!(
        hypercall(&hv, &a, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        err(Errno::EACCES)
    );
    put_batch(
        &mut g,
        a.domid(),
        XENMAPSPACE_dev_mmio,
        0,
        &[0xfee00],
        &[0xfee00],
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [BATCH, ARG, 0, 0, 0]),
        err(Errno::EACCES)
    );
    hv.check_invariants().unwrap();
}
