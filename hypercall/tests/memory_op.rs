//! XENMEM_* through the dispatcher, against xen/common/memory.c `do_memory_op` (and x86's
//! `arch_memory_op` for the memory map and PoD target). Invariants are checked after every case.

use crate::common;

use common::{guest, hypercall, hypercall_preempted, hypervisor, pvh_config, GUEST_BASE};
use hypercall::dispatch::{Outcome, PreemptAfter};
use hypercall::memory_op::continuation_cmd;
use hypercall::Errno;
use xen_mm::frame::Gfn;
use xen_mm::p2m::types::P2mType;
use xen_public::memory::*;
use xen_public::xen::{__HYPERVISOR_memory_op, DOMID_SELF};
use xen_public::GuestHandle;

const MEMORY_OP: u32 = __HYPERVISOR_memory_op;
/// Where tests put the argument struct.
const ARG: u64 = GUEST_BASE;
/// Where tests put extent lists.
const LIST: u64 = GUEST_BASE + 0x1000;

fn ret(v: i64) -> Outcome {
    Outcome::Return(v)
}

fn err(e: Errno) -> Outcome {
    Outcome::Return(e.negated())
}

fn reservation(domid: u16, nr: u64, order: u32, flags: u32) -> xen_memory_reservation {
    xen_memory_reservation {
        extent_start: GuestHandle::new(LIST),
        nr_extents: nr,
        extent_order: order,
        mem_flags: flags,
        domid,
        ..Default::default()
    }
}

fn put_list(g: &mut hypercall::guest::FlatGuest, gfns: &[u64]) {
    for (i, gfn) in gfns.iter().enumerate() {
        g.put(LIST + 8 * i as u64, gfn);
    }
}

/// A domU with `max_pages`, created by dom0.
fn domu(hv: &common::TestHv, max_pages: u64) -> std::sync::Arc<common::TestDomain> {
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    d.mem.set_max_pages(max_pages);
    d
}

#[test]
fn populate_physmap_maps_new_frames_and_returns_extents_done() {
    // memory.c populate_physmap: alloc_domheap_pages then guest_physmap_add_page per extent.
    let (hv, dom0) = hypervisor(8192);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 3, 0, 0));
    put_list(&mut g, &[0x10, 0x11, 0x40]);
    let free = hv.heap.physinfo().free_pages;
    let r = hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]);
    assert_eq!(r, ret(3));
    assert_eq!(d.mem.tot_pages(), 3);
    for gfn in [0x10, 0x11, 0x40] {
        assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(gfn)).p2mt, P2mType::RamRw);
    }
    assert!(hv.heap.physinfo().free_pages < free);
    hv.check_invariants().unwrap();
}

#[test]
fn a_2m_extent_is_one_superpage() {
    let (hv, dom0) = hypervisor(8192);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 1, 9, 0));
    put_list(&mut g, &[0x200]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    let e = d.p2m.get_entry(&hv.heap, Gfn(0x3ff));
    assert_eq!((e.p2mt, e.order), (P2mType::RamRw, 9));
    // A misaligned gfn for an order-9 extent fails that extent.
    g.put(ARG, &reservation(d.domid(), 1, 9, 0));
    put_list(&mut g, &[0x401]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.mem.tot_pages(), 512);
    hv.check_invariants().unwrap();
}

#[test]
fn reservation_failures_before_the_work_return_start_extent_not_an_errno() {
    // do_memory_op: a bad copy, a huge nr_extents, an unknown domain, bad address bits and a
    // refused XSM check all `return start_extent`.
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let other = domu(&hv, 1024);
    let mut g = guest();
    let before = hv.heap.physinfo();
    // The struct itself is outside guest memory.
    for start in [0u64, 5] {
        let r = hypercall(
            &hv,
            &dom0,
            &mut g,
            MEMORY_OP,
            [continuation_cmd(6, start), 0x10, 0, 0, 0],
        );
        assert_eq!(r, ret(start as i64));
    }
    // Too many extents to encode a continuation.
    g.put(
        ARG,
        &reservation(d.domid(), (u32::MAX >> 6) as u64 + 1, 0, 0),
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    // start_extent at or past nr_extents.
    g.put(ARG, &reservation(d.domid(), 2, 0, 0));
    let r = hypercall(
        &hv,
        &dom0,
        &mut g,
        MEMORY_OP,
        [continuation_cmd(6, 7), ARG, 0, 0, 0],
    );
    assert_eq!(r, ret(7));
    // No such domain.
    g.put(ARG, &reservation(0x7000, 2, 0, 0));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    // address_bits <= PAGE_SHIFT (construct_memop_from_reservation).
    g.put(ARG, &reservation(d.domid(), 2, 0, 12));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    // A domU populating another domU: xsm_memory_adjust_reservation refuses.
    g.put(ARG, &reservation(other.domid(), 2, 0, 0));
    put_list(&mut g, &[1, 2]);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    // A domU's exact-node request (propagate_node).
    g.put(
        ARG,
        &reservation(
            DOMID_SELF,
            2,
            0,
            XENMEMF_node(0) | XENMEMF_exact_node_request,
        ),
    );
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(hv.heap.physinfo(), before, "nothing changed");
    hv.check_invariants().unwrap();
}

#[test]
fn a_domu_may_populate_itself_up_to_order_9() {
    // memory.c max_order: CONFIG_DOMU_MAX_ORDER (9) for a domU, 18 for the control domain.
    let (hv, _dom0) = hypervisor(8192);
    let d = domu(&hv, 2048);
    let mut g = guest();
    g.put(ARG, &reservation(DOMID_SELF, 1, 10, 0));
    put_list(&mut g, &[0]);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    g.put(ARG, &reservation(DOMID_SELF, 1, 9, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(d.mem.tot_pages(), 512);
    hv.check_invariants().unwrap();
}

#[test]
fn an_unreadable_extent_stops_the_call_with_the_extents_done() {
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    // The list's third entry lies past the guest's memory.
    let tail = GUEST_BASE + common::GUEST_BYTES as u64 - 16;
    g.put(tail, &0x10u64);
    g.put(tail + 8, &0x11u64);
    let r = xen_memory_reservation {
        extent_start: GuestHandle::new(tail),
        ..reservation(d.domid(), 3, 0, 0)
    };
    g.put(ARG, &r);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(2)
    );
    assert_eq!(d.mem.tot_pages(), 2);
    hv.check_invariants().unwrap();
}

#[test]
fn a_preempted_populate_continues_from_the_extent_it_reached() {
    // hypercall_create_continuation(__HYPERVISOR_memory_op, "lh", op | (rc << MEMOP_EXTENT_SHIFT)).
    let (hv, dom0) = hypervisor(8192);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 100, 0, 0));
    put_list(&mut g, &(0..100).collect::<Vec<_>>());
    // The first extent never checks; the eighth check says stop, at extent 8.
    let mut preempt = PreemptAfter { steps: 7 };
    let r = hypercall_preempted(
        &hv,
        &dom0,
        &mut g,
        &mut preempt,
        MEMORY_OP,
        [6, ARG, 0, 0, 0],
    );
    assert_eq!(r, Outcome::Continue([6 | (8 << 6), ARG, 0, 0, 0]));
    assert_eq!(d.mem.tot_pages(), 8);
    hv.check_invariants().unwrap();
    let (v, continuations) = common::hypercall_to_completion(
        &hv,
        &dom0,
        &mut g,
        7,
        MEMORY_OP,
        [6 | (8 << 6), ARG, 0, 0, 0],
    );
    assert_eq!(v, 100);
    assert_eq!(continuations, 11);
    assert_eq!(d.mem.tot_pages(), 100);
    hv.check_invariants().unwrap();
}

#[test]
fn decrease_reservation_frees_and_stops_at_a_hole() {
    // memory.c decrease_reservation / guest_remove_page: -ENOENT for a gfn with nothing mapped.
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 4, 0, 0));
    put_list(&mut g, &[1, 2, 3, 4]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(4)
    );
    let free = hv.heap.physinfo().free_pages;
    put_list(&mut g, &[2, 3, 9, 4]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [1, ARG, 0, 0, 0]),
        ret(2)
    );
    assert_eq!(d.mem.tot_pages(), 2);
    assert_eq!(hv.heap.physinfo().free_pages, free + 2);
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(2)).p2mt, P2mType::MmioDm);
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(4)).p2mt, P2mType::RamRw);
    hv.check_invariants().unwrap();
}

#[test]
fn increase_reservation_gives_unmapped_frames() {
    // memory.c increase_reservation: a translated guest gets frames, no mapping, no mfns back.
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 2, 1, 0));
    put_list(&mut g, &[0xdead, 0xbeef]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [0, ARG, 0, 0, 0]),
        ret(2)
    );
    assert_eq!(d.mem.tot_pages(), 4);
    assert_eq!(g.get::<u64>(LIST), 0xdead, "the list is left alone");
    assert_eq!(d.p2m.max_mapped_pfn(), None);
    // The largest order the caller may use (a domU asking for itself: 9), and one more.
    g.put(ARG, &reservation(DOMID_SELF, 1, 9, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [0, ARG, 0, 0, 0]),
        ret(1)
    );
    g.put(ARG, &reservation(DOMID_SELF, 1, 10, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [0, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.mem.tot_pages(), 516);
    // Preempted at every check: the first extent is always done before one is made.
    g.put(ARG, &reservation(d.domid(), 3, 0, 0));
    let mut preempt = PreemptAfter { steps: 0 };
    assert_eq!(
        hypercall_preempted(
            &hv,
            &dom0,
            &mut g,
            &mut preempt,
            MEMORY_OP,
            [0, ARG, 0, 0, 0]
        ),
        Outcome::Continue([continuation_cmd(0, 1), ARG, 0, 0, 0])
    );
    // The most extents a continuation can encode (UINT_MAX >> MEMOP_EXTENT_SHIFT) goes ahead
    // until max_pages stops it; one more is refused outright.
    d.mem.set_max_pages(520);
    g.put(ARG, &reservation(d.domid(), u64::from(u32::MAX >> 6), 0, 0));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [0, ARG, 0, 0, 0]),
        ret(3)
    );
    g.put(
        ARG,
        &reservation(d.domid(), u64::from(u32::MAX >> 6) + 1, 0, 0),
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [0, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.mem.tot_pages(), 520);
    hv.check_invariants().unwrap();
}

#[test]
fn populate_on_demand_is_for_other_domains_and_sets_up_the_pod_target() {
    // populate_physmap with MEMF_populate_on_demand ("Disallow populating PoD pages on
    // oneself"); arch_memory_op XENMEM_set_pod_target / get_pod_target (XSM_PRIV).
    let (hv, dom0) = hypervisor(8192);
    let d = domu(&hv, 2048);
    let mut g = guest();
    g.put(
        ARG,
        &reservation(DOMID_SELF, 1, 9, XENMEMF_populate_on_demand),
    );
    put_list(&mut g, &[0]);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(0)
    );
    g.put(
        ARG,
        &reservation(d.domid(), 4, 9, XENMEMF_populate_on_demand),
    );
    put_list(&mut g, &[0, 0x200, 0x400, 0x600]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(4)
    );
    assert_eq!(d.mem.tot_pages(), 0);
    let target = xen_pod_target {
        target_pages: 1024,
        domid: d.domid(),
        ..Default::default()
    };
    g.put(ARG, &target);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        err(Errno::EPERM)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        ret(0)
    );
    let out: xen_pod_target = g.get(ARG);
    assert_eq!(
        (out.tot_pages, out.pod_cache_pages, out.pod_entries),
        (1024, 1024, 2048)
    );
    // Above max_pages: -EINVAL, nothing changes.
    g.put(
        ARG,
        &xen_pod_target {
            target_pages: 4096,
            ..target
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(ARG, &target);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [17, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(g.get::<xen_pod_target>(ARG).pod_entries, 2048);
    // Populating RAM over a PoD range takes those entries out of entry_count.
    g.put(ARG, &reservation(d.domid(), 1, 9, 0));
    put_list(&mut g, &[0x200]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(d.pod.counts().1, 1536);
    // A target of max_pages itself is allowed.
    g.put(
        ARG,
        &xen_pod_target {
            target_pages: 2048,
            ..target
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        ret(0)
    );
    hv.check_invariants().unwrap();
}

#[test]
fn simple_queries_follow_do_memory_op() {
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [2, 0, 0, 0, 0]),
        ret(common::HEAP_BASE as i64 + 4096),
        "maximum_ram_page is max_page, for anyone"
    );
    assert_eq!(
        hypercall(
            &hv,
            &d,
            &mut g,
            MEMORY_OP,
            [continuation_cmd(2, 1), 0, 0, 0, 0]
        ),
        err(Errno::EINVAL)
    );
    g.put(ARG, &d.domid());
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [4, ARG, 0, 0, 0]),
        ret(1024)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [3, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [14, ARG, 0, 0, 0]),
        ret(0)
    );
    // Two pages at gfns 5 and 9: current_reservation counts them, maximum_gpfn is 9.
    g.put(ARG, &reservation(d.domid(), 2, 0, 0));
    put_list(&mut g, &[5, 9]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(2)
    );
    g.put(ARG, &d.domid());
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [3, ARG, 0, 0, 0]),
        ret(2)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [14, ARG, 0, 0, 0]),
        ret(9)
    );
    g.put(ARG, &0u16);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [3, ARG, 0, 0, 0]),
        err(Errno::EPERM)
    );
    g.put(ARG, &DOMID_SELF);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [4, ARG, 0, 0, 0]),
        ret(1024)
    );
    g.put(ARG, &0x7000u16);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [3, ARG, 0, 0, 0]),
        err(Errno::ESRCH)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [3, 8, 0, 0, 0]),
        err(Errno::EFAULT)
    );
    // Unknown subops.
    for op in [5u64, 8, 11, 12, 63] {
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [op, ARG, 0, 0, 0]),
            err(Errno::ENOSYS)
        );
    }
    hv.check_invariants().unwrap();
}

#[test]
fn claim_pages_follows_xen_rules() {
    // memory.c XENMEM_claim_pages then page_alloc.c domain_set_outstanding_pages.
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    let claim = |nr: u64| xen_memory_reservation {
        extent_start: GuestHandle::NULL,
        ..reservation(d.domid(), nr, 0, 0)
    };
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(LIST),
            ..claim(100)
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(
        ARG,
        &xen_memory_reservation {
            extent_order: 1,
            ..claim(100)
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(
        ARG,
        &xen_memory_reservation {
            domid: DOMID_SELF,
            ..claim(100)
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(ARG, &claim(100));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EPERM)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(hv.heap.physinfo().outstanding_pages, 100);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(ARG, &claim(0));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(hv.heap.physinfo().outstanding_pages, 0);
    g.put(ARG, &claim(2048));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    hv.check_invariants().unwrap();
}

#[test]
fn shared_info_is_mapped_moved_and_removed() {
    // x86 xenmem_add_to_physmap_one (XENMAPSPACE_shared_info, idx 0); XENMEM_remove_from_physmap.
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    let xatp = |space: u32, idx: u64, gpfn: u64| xen_add_to_physmap {
        domid: DOMID_SELF,
        space,
        idx,
        gpfn,
        ..Default::default()
    };
    g.put(ARG, &xatp(XENMAPSPACE_shared_info, 1, 0x80));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    g.put(ARG, &xatp(XENMAPSPACE_shared_info, 0, 0x80));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(
        d.p2m.get_entry(&hv.heap, Gfn(0x80)).mfn,
        Some(d.shared_info)
    );
    g.put(ARG, &xatp(XENMAPSPACE_shared_info, 0, 0x90));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(
        d.p2m.get_entry(&hv.heap, Gfn(0x80)).p2mt,
        P2mType::MmioDm,
        "moved"
    );
    assert_eq!(
        d.p2m.get_entry(&hv.heap, Gfn(0x90)).mfn,
        Some(d.shared_info)
    );
    // XENMAPSPACE_gmfn moves it too (get_page_from_mfn: a page shared with the domain), and
    // shared_info follows; back to 0x90 the same way.
    for (from, to) in [(0x90, 0x98), (0x98, 0x90)] {
        g.put(ARG, &xatp(XENMAPSPACE_gmfn, from, to));
        assert_eq!(
            hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
            ret(0)
        );
        assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(from)).mfn, None);
        assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(to)).mfn, Some(d.shared_info));
        assert_eq!(d.state().shared_info_gfn, Some(Gfn(to)));
    }
    g.put(ARG, &xatp(XENMAPSPACE_gmfn_foreign, 0, 0x90));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::ENOSYS)
    );
    let xrfp = xen_remove_from_physmap {
        domid: DOMID_SELF,
        gpfn: 0x90,
        ..Default::default()
    };
    g.put(ARG, &xrfp);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [15, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.state().shared_info_gfn, None, "unmapped");
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [15, ARG, 0, 0, 0]),
        err(Errno::ENOENT)
    );
    // Mapped again; removing another gfn leaves it where it is, and a decrease_reservation of its
    // gfn unhooks it without freeing it (guest_remove_page: not a page of the domain's).
    g.put(ARG, &xatp(XENMAPSPACE_shared_info, 0, 0x90));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    g.put(ARG, &reservation(DOMID_SELF, 1, 0, 0));
    put_list(&mut g, &[0x91]);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(1)
    );
    g.put(ARG, &xen_remove_from_physmap { gpfn: 0x91, ..xrfp });
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [15, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.state().shared_info_gfn, Some(Gfn(0x90)));
    let state = hv.heap.with_buddy(|b| b.state(d.shared_info));
    g.put(ARG, &reservation(DOMID_SELF, 1, 0, 0));
    put_list(&mut g, &[0x90]);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [1, ARG, 0, 0, 0]),
        ret(1)
    );
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(0x90)).mfn, None);
    assert_eq!(hv.heap.with_buddy(|b| b.state(d.shared_info)), state);
    // Device MMIO: only the hardware domain, and only into itself (xatp_permission_check); the
    // mapping itself is not offered yet.
    g.put(ARG, &xatp(XENMAPSPACE_dev_mmio, 0xfee00, 0xfee00));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EACCES)
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EOPNOTSUPP)
    );
    g.put(
        ARG,
        &xen_add_to_physmap {
            domid: d.domid(),
            ..xatp(XENMAPSPACE_dev_mmio, 0xfee00, 0xfee00)
        },
    );
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EACCES)
    );
    // Another domU may not map into this one.
    let e = domu(&hv, 16);
    g.put(
        ARG,
        &xen_add_to_physmap {
            domid: d.domid(),
            ..xatp(XENMAPSPACE_shared_info, 0, 1)
        },
    );
    assert_eq!(
        hypercall(&hv, &e, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EPERM)
    );
    let _ = dom0;
    hv.check_invariants().unwrap();
}

#[test]
fn the_memory_map_is_what_the_toolstack_set() {
    // x86 arch_memory_op XENMEM_set_memory_map (E820MAX, XSM_TARGET) and XENMEM_memory_map
    // (-ENOSYS when none was set; nr_entries = min(asked, set)).
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    let map = xen_memory_map {
        nr_entries: 8,
        buffer: GuestHandle::new(LIST),
        ..Default::default()
    };
    g.put(ARG, &map);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [9, ARG, 0, 0, 0]),
        err(Errno::ENOSYS)
    );
    let mut e820 = [0u8; 40];
    e820[..8].copy_from_slice(&0u64.to_le_bytes());
    e820[8..16].copy_from_slice(&0x9f000u64.to_le_bytes());
    e820[16..20].copy_from_slice(&1u32.to_le_bytes());
    e820[20..28].copy_from_slice(&0x10_0000u64.to_le_bytes());
    e820[28..36].copy_from_slice(&0x3f0_0000u64.to_le_bytes());
    e820[36..40].copy_from_slice(&1u32.to_le_bytes());
    g.put(LIST + 0x800, &e820);
    let fmap = |n: u32| xen_foreign_memory_map {
        domid: d.domid(),
        map: xen_memory_map {
            nr_entries: n,
            buffer: GuestHandle::new(LIST + 0x800),
            ..Default::default()
        },
        ..Default::default()
    };
    g.put(ARG, &fmap(1025));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [13, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    // E820MAX entries are allowed (here zeroes, read from the 20 KiB at LIST + 0x800).
    g.put(ARG, &fmap(1024));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [13, ARG, 0, 0, 0]),
        ret(0)
    );
    g.put(ARG, &fmap(2));
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [13, ARG, 0, 0, 0]),
        ret(0)
    );
    g.put(
        ARG,
        &xen_memory_map {
            nr_entries: 1,
            ..map
        },
    );
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [9, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(g.get::<xen_memory_map>(ARG).nr_entries, 1);
    assert_eq!(g.get::<[u8; 20]>(LIST), e820[..20]);
    g.put(ARG, &map);
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [9, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(g.get::<xen_memory_map>(ARG).nr_entries, 2);
    assert_eq!(g.get::<[u8; 40]>(LIST), e820);
    hv.check_invariants().unwrap();
}

#[test]
fn create_claim_populate_destroy_cycles_return_every_frame() {
    // The toolstack's sequence (claim, populate, cancel) then domain_kill, 50 times.
    let (hv, dom0) = hypervisor(8192);
    let free = hv.heap.physinfo().free_pages;
    let mut g = guest();
    for round in 0..50u64 {
        let d = domu(&hv, 600);
        let claim = xen_memory_reservation {
            extent_start: GuestHandle::NULL,
            ..reservation(d.domid(), 520, 0, 0)
        };
        g.put(ARG, &claim);
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [24, ARG, 0, 0, 0]),
            ret(0)
        );
        g.put(ARG, &reservation(d.domid(), 1, 9, 0));
        put_list(&mut g, &[0x200 * (round % 4)]);
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
            ret(1)
        );
        g.put(ARG, &reservation(d.domid(), 8, 0, 0));
        put_list(&mut g, &(0x1000..0x1008).collect::<Vec<_>>());
        assert_eq!(
            hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
            ret(8)
        );
        assert_eq!(
            hv.heap.physinfo().outstanding_pages,
            0,
            "the claim was used up"
        );
        hv.check_invariants().unwrap();
        hv.kill_domain(&d, || false).unwrap();
        assert!(hv.domains.get(d.domid()).is_none());
    }
    assert_eq!(hv.heap.physinfo().free_pages, free);
    hv.check_invariants().unwrap();
}

#[test]
fn gmfn_and_gmfn_range_move_frames_and_a_range_continues() {
    // memory.c xenmem_add_to_physmap (gmfn_range: `size < start` -EILSEQ, continuation with
    // start + done) and x86 xenmem_add_to_physmap_one (XENMAPSPACE_gmfn: the frame leaves idx).
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 8, 0, 0));
    put_list(&mut g, &(0x10..0x18).collect::<Vec<_>>());
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(8)
    );
    let mfn_10 = d.p2m.get_entry(&hv.heap, Gfn(0x10)).mfn;
    let xatp = |space: u32, idx: u64, gpfn: u64, size: u16| xen_add_to_physmap {
        domid: DOMID_SELF,
        size,
        space,
        idx,
        gpfn,
    };
    g.put(ARG, &xatp(XENMAPSPACE_gmfn, 0x10, 0x100, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(0x100)).mfn, mfn_10);
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(0x10)).p2mt, P2mType::MmioDm);
    // Nothing at idx: -EINVAL, nothing changes.
    g.put(ARG, &xatp(XENMAPSPACE_gmfn, 0x10, 0x101, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        err(Errno::EINVAL)
    );
    // Moving onto a gfn that holds memory frees that memory (guest_remove_page).
    let free = hv.heap.physinfo().free_pages;
    g.put(ARG, &xatp(XENMAPSPACE_gmfn, 0x100, 0x11, 0));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(hv.heap.physinfo().free_pages, free + 1);
    assert_eq!(d.mem.tot_pages(), 7);
    hv.check_invariants().unwrap();
    // A range of 6 (0x12..0x18 -> 0x200..0x206), preempted after every frame.
    g.put(ARG, &xatp(XENMAPSPACE_gmfn_range, 0x12, 0x200, 6));
    let (v, continuations) =
        common::hypercall_to_completion(&hv, &d, &mut g, 0, MEMORY_OP, [7, ARG, 0, 0, 0]);
    assert_eq!((v, continuations), (0, 5));
    for i in 0..6 {
        assert_eq!(
            d.p2m.get_entry(&hv.heap, Gfn(0x200 + i)).p2mt,
            P2mType::RamRw
        );
        assert_eq!(
            d.p2m.get_entry(&hv.heap, Gfn(0x12 + i)).p2mt,
            P2mType::MmioDm
        );
    }
    // A range of 2 in one call (0x200..0x202 -> 0x300..0x302).
    g.put(ARG, &xatp(XENMAPSPACE_gmfn_range, 0x200, 0x300, 2));
    assert_eq!(
        hypercall(&hv, &d, &mut g, MEMORY_OP, [7, ARG, 0, 0, 0]),
        ret(0)
    );
    for i in 0..2 {
        assert_eq!(
            d.p2m.get_entry(&hv.heap, Gfn(0x300 + i)).p2mt,
            P2mType::RamRw
        );
    }
    // start equal to size: nothing left to do; beyond size, or beyond 16 bits, refused.
    g.put(ARG, &xatp(XENMAPSPACE_gmfn_range, 0x12, 0x200, 6));
    let r = hypercall(
        &hv,
        &d,
        &mut g,
        MEMORY_OP,
        [continuation_cmd(7, 6), ARG, 0, 0, 0],
    );
    assert_eq!(r, ret(0));
    let r = hypercall(
        &hv,
        &d,
        &mut g,
        MEMORY_OP,
        [continuation_cmd(7, 7), ARG, 0, 0, 0],
    );
    assert_eq!(r, err(Errno(xen_public::errno::XEN_EILSEQ)));
    let r = hypercall(
        &hv,
        &d,
        &mut g,
        MEMORY_OP,
        [continuation_cmd(7, 1 << 16), ARG, 0, 0, 0],
    );
    assert_eq!(r, err(Errno(xen_public::errno::XEN_EDOM)));
    hv.check_invariants().unwrap();
}

#[test]
fn address_bits_and_nodes_shape_the_allocation() {
    // memory.c construct_memop_from_reservation: an address width below what max_page needs
    // (get_order_from_pages(max_page) + PAGE_SHIFT; the heap here is frames 0x1000..0x3000, so
    // 26 bits) confines the frames below it; a width of PAGE_SHIFT or less fails. propagate_node:
    // the control domain's XENMEMF_node(n) is honoured for n below MAX_NUMNODES, exact or not; a
    // domU's is ignored unless exact, which fails.
    let (hv, dom0) = hypervisor(8192);
    assert_eq!(hv.max_page, 0x3000);
    let d = domu(&hv, 1024);
    let mut g = guest();
    let populate = |g: &mut hypercall::guest::FlatGuest, caller, flags, gfns: &[u64]| {
        put_list(g, gfns);
        g.put(ARG, &reservation(d.domid(), gfns.len() as u64, 0, flags));
        hypercall(&hv, caller, g, MEMORY_OP, [6, ARG, 0, 0, 0])
    };
    // Below 32 MiB: frames under 0x2000 only (unconfined, the highest zone goes first).
    assert_eq!(populate(&mut g, &dom0, 25, &[0, 1, 2, 3]), ret(4));
    for gfn in 0..4 {
        let mfn = d.p2m.get_entry(&hv.heap, Gfn(gfn)).mfn.unwrap();
        assert!(mfn.0 < 0x2000, "{mfn:?}");
    }
    assert_eq!(populate(&mut g, &dom0, 0, &[4]), ret(1));
    assert!(d.p2m.get_entry(&hv.heap, Gfn(4)).mfn.unwrap().0 >= 0x2000);
    // Below 16 MiB there is nothing; 13 bits is still a width, 12 is refused.
    assert_eq!(populate(&mut g, &dom0, 24, &[5]), ret(0));
    assert_eq!(populate(&mut g, &dom0, 13, &[5]), ret(0));
    assert_eq!(populate(&mut g, &dom0, 12, &[5]), ret(0));
    // Nodes.
    let node0 = XENMEMF_node(0);
    assert_eq!(populate(&mut g, &dom0, node0, &[5]), ret(1));
    assert_eq!(
        populate(&mut g, &dom0, node0 | XENMEMF_exact_node_request, &[6]),
        ret(1)
    );
    assert_eq!(populate(&mut g, &dom0, XENMEMF_node(64), &[7]), ret(0));
    assert_eq!(populate(&mut g, &d, node0, &[7]), ret(1));
    assert_eq!(
        populate(&mut g, &d, node0 | XENMEMF_exact_node_request, &[8]),
        ret(0)
    );
    assert_eq!(d.mem.tot_pages(), 8);
    hv.check_invariants().unwrap();
}

#[test]
fn decrease_reservation_of_pod_and_ram_extents() {
    // memory.c decrease_reservation: p2m_pod_decrease_reservation takes what it can; when RAM is
    // left, guest_remove_page runs on every gfn of the extent, and the gfns PoD already emptied
    // fail with -ENOENT as expected. An extent must be aligned to its order, which may be the
    // caller's max_order (9 for a domU) but no more.
    let (hv, dom0) = hypervisor(8192);
    let d = domu(&hv, 2048);
    let mut g = guest();
    let memop =
        |g: &mut hypercall::guest::FlatGuest, caller, cmd: u64, order, flags, gfns: &[u64]| {
            put_list(g, gfns);
            g.put(
                ARG,
                &reservation(d.domid(), gfns.len() as u64, order, flags),
            );
            hypercall(&hv, caller, g, MEMORY_OP, [cmd, ARG, 0, 0, 0])
        };
    assert_eq!(memop(&mut g, &dom0, 6, 0, 0, &[0x10, 0x11, 0x12]), ret(3));
    assert_eq!(memop(&mut g, &dom0, 6, 9, 0, &[0x200]), ret(1));
    let pod = XENMEMF_populate_on_demand;
    assert_eq!(memop(&mut g, &dom0, 6, 0, pod, &[0x13, 0x20, 0x22]), ret(3));
    // A cache that covers the PoD entries: nothing is stolen.
    let target = xen_pod_target {
        target_pages: 515 + 3,
        domid: d.domid(),
        ..Default::default()
    };
    g.put(ARG, &target);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [16, ARG, 0, 0, 0]),
        ret(0)
    );
    assert_eq!(d.pod.counts(), (3, 3));

    // PoD entries only: PoD does it all.
    assert_eq!(memop(&mut g, &dom0, 1, 0, 0, &[0x20, 0x22]), ret(2));
    assert_eq!(d.pod.counts().1, 1);
    // Misaligned for its order: neither populated nor decreased (nothing allocated either).
    let free = hv.heap.physinfo().free_pages;
    assert_eq!(memop(&mut g, &dom0, 6, 1, 0, &[0x41]), ret(0));
    assert_eq!(memop(&mut g, &dom0, 6, 1, pod, &[0x41]), ret(0));
    assert_eq!(hv.heap.physinfo().free_pages, free);
    assert_eq!(memop(&mut g, &dom0, 1, 1, 0, &[0x11]), ret(0));
    // RAM at 0x12 and PoD at 0x13 (the cache it no longer needs goes back too).
    assert_eq!(memop(&mut g, &dom0, 1, 1, 0, &[0x12]), ret(1));
    assert_eq!(d.pod.counts(), (0, 0));
    // RAM only, order 1.
    let tot = d.mem.tot_pages();
    assert_eq!(memop(&mut g, &dom0, 1, 1, 0, &[0x10]), ret(1));
    assert_eq!(d.mem.tot_pages(), tot - 2);
    for gfn in 0x10..0x14 {
        assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(gfn)).mfn, None, "{gfn:#x}");
    }
    // The domU itself, at its max_order, then above it.
    let mut own = |order, gfn: u64| {
        put_list(&mut g, &[gfn]);
        g.put(ARG, &reservation(DOMID_SELF, 1, order, 0));
        hypercall(&hv, &d, &mut g, MEMORY_OP, [1, ARG, 0, 0, 0])
    };
    assert_eq!(own(10, 0), ret(0));
    assert_eq!(own(9, 0x200), ret(1));
    assert_eq!(d.p2m.get_entry(&hv.heap, Gfn(0x200)).mfn, None);
    // A PoD entry next to a hole: one -ENOENT is PoD's, the second is the hole's and stops it.
    assert_eq!(memop(&mut g, &dom0, 6, 0, pod, &[0x30]), ret(1));
    assert_eq!(memop(&mut g, &dom0, 1, 1, 0, &[0x30]), ret(0));
    hv.check_invariants().unwrap();
}

#[test]
fn decrease_reservation_is_preempted_only_between_extents() {
    let (hv, dom0) = hypervisor(4096);
    let d = domu(&hv, 1024);
    let mut g = guest();
    g.put(ARG, &reservation(d.domid(), 2, 0, 0));
    put_list(&mut g, &[1, 2]);
    assert_eq!(
        hypercall(&hv, &dom0, &mut g, MEMORY_OP, [6, ARG, 0, 0, 0]),
        ret(2)
    );
    let mut preempt = PreemptAfter { steps: 0 };
    assert_eq!(
        hypercall_preempted(
            &hv,
            &dom0,
            &mut g,
            &mut preempt,
            MEMORY_OP,
            [1, ARG, 0, 0, 0]
        ),
        Outcome::Continue([continuation_cmd(1, 1), ARG, 0, 0, 0])
    );
    assert_eq!(d.mem.tot_pages(), 1);
}
