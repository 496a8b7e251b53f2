//! The FIFO event-channel ABI (xen/common/event_fifo.c, Xen 4.17): EVTCHNOP_init_control,
//! EVTCHNOP_expand_array, EVTCHNOP_set_priority, and what events do to the event words, queue
//! heads and ready bits the guest reads.

use crate::common;

use std::sync::Arc;

use common::{guest, hypercall, TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::domain::DomainConfig;
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::p2m::types::P2mType;
use xen_public::event_channel::*;
use xen_public::xen::{__HYPERVISOR_event_channel_op, DOMID_SELF};
use zerocopy::{FromBytes, FromZeros, Immutable, IntoBytes};

const ARG: u64 = GUEST_BASE + 0x2000;
/// The guest frames of the control block and the event-array pages.
const CB_GFN: u64 = 0x40;
const ARRAY_GFN: u64 = 0x41;
const ARRAY2_GFN: u64 = 0x42;

const PENDING: u32 = 1 << EVTCHN_FIFO_PENDING;
const MASKED: u32 = 1 << EVTCHN_FIFO_MASKED;
const LINKED: u32 = 1 << EVTCHN_FIFO_LINKED;

/// Domain 1 with two vCPUs and RAM at the test gfns.
fn setup() -> (TestHv, Arc<TestDomain>) {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 12).unwrap();
    let d = hv
        .create_domain(
            Some(1),
            DomainConfig {
                max_vcpus: 2,
                max_evtchn_port: 4095,
                ..common::pvh_config(false)
            },
        )
        .unwrap();
    d.mem.set_max_pages(16);
    d.state().vcpus = 2;
    for gfn in [CB_GFN, ARRAY_GFN, ARRAY2_GFN] {
        let mfn = hv
            .heap
            .alloc_domheap_pages(&d.mem, 0, &Default::default())
            .unwrap();
        let mut p2m = d.p2m.locked();
        d.pod
            .physmap_add_page(&mut p2m, &hv.heap, Gfn(gfn), mfn, 0, P2mType::RamRw)
            .unwrap();
    }
    (hv, d)
}

fn mfn_of(hv: &TestHv, d: &TestDomain, gfn: u64) -> Mfn {
    d.p2m.get_entry(&hv.heap, Gfn(gfn)).mfn.unwrap()
}

fn op<T: IntoBytes + FromBytes + Immutable>(
    hv: &TestHv,
    d: &Arc<TestDomain>,
    cmd: u32,
    arg: &T,
) -> (i64, T) {
    let mut g = guest();
    g.put(ARG, arg);
    let Outcome::Return(rc) = hypercall(
        hv,
        d,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [cmd.into(), ARG, 0, 0, 0],
    ) else {
        panic!("no continuation expected")
    };
    (rc, g.get(ARG))
}

fn init_control(hv: &TestHv, d: &Arc<TestDomain>, vcpu: u32, gfn: u64, offset: u32) -> (i64, u8) {
    let mut c = evtchn_init_control::new_zeroed();
    c.control_gfn = gfn;
    c.offset = offset;
    c.vcpu = vcpu;
    let (rc, back) = op(hv, d, EVTCHNOP_init_control, &c);
    (rc, back.link_bits)
}

fn expand(hv: &TestHv, d: &Arc<TestDomain>, gfn: u64) -> i64 {
    op(
        hv,
        d,
        EVTCHNOP_expand_array,
        &evtchn_expand_array { array_gfn: gfn },
    )
    .0
}

fn ipi(hv: &TestHv, d: &Arc<TestDomain>, vcpu: u32) -> u32 {
    let (rc, b) = op(hv, d, EVTCHNOP_bind_ipi, &evtchn_bind_ipi { vcpu, port: 0 });
    assert_eq!(rc, 0);
    b.port
}

fn send(hv: &TestHv, d: &Arc<TestDomain>, port: u32) -> i64 {
    op(hv, d, EVTCHNOP_send, &evtchn_send { port }).0
}

fn set_priority(hv: &TestHv, d: &Arc<TestDomain>, port: u32, priority: u32) -> i64 {
    op(
        hv,
        d,
        EVTCHNOP_set_priority,
        &evtchn_set_priority { port, priority },
    )
    .0
}

/// The 32-bit word at byte `byte` of guest frame `gfn`.
fn word32(hv: &TestHv, d: &TestDomain, gfn: u64, byte: u64) -> u32 {
    let w = hv.heap.read_u64(mfn_of(hv, d, gfn), (byte / 8) as usize);
    (w >> ((byte % 8) * 8)) as u32
}

fn set_word32(hv: &TestHv, d: &TestDomain, gfn: u64, byte: u64, value: u32) {
    let mfn = mfn_of(hv, d, gfn);
    let i = (byte / 8) as usize;
    let shift = (byte % 8) * 8;
    let w = hv.heap.read_u64(mfn, i);
    let w = (w & !(0xffff_ffffu64 << shift)) | (u64::from(value) << shift);
    hv.heap.write_u64(mfn, i, w);
}

/// `port`'s event word (in the first or second array page).
fn event_word(hv: &TestHv, d: &TestDomain, port: u32) -> u32 {
    let gfn = if port < 1024 { ARRAY_GFN } else { ARRAY2_GFN };
    word32(hv, d, gfn, u64::from(port % 1024) * 4)
}

/// vCPU `offset`'s control block: (ready, head of queue `q`).
fn control(hv: &TestHv, d: &TestDomain, offset: u64, q: u64) -> (u32, u32) {
    (
        word32(hv, d, CB_GFN, offset),
        word32(hv, d, CB_GFN, offset + 8 + 4 * q),
    )
}

#[test]
fn init_control_checks_its_arguments_and_switches_to_fifo() {
    let (hv, d) = setup();
    // evtchn_fifo_init_control: the vCPU first (ENOENT), then the offset (EINVAL beyond the
    // page or misaligned), then the frame (EINVAL unless RAM).
    assert_eq!(
        init_control(&hv, &d, 2, CB_GFN, 0).0,
        Errno::ENOENT.negated()
    );
    assert_eq!(
        init_control(&hv, &d, 0, CB_GFN, 4096 - 71).0,
        Errno::EINVAL.negated()
    );
    assert_eq!(
        init_control(&hv, &d, 0, CB_GFN, 4).0,
        Errno::EINVAL.negated()
    );
    // Aligned but too far in: the 72-byte block would cross the page.
    assert_eq!(
        init_control(&hv, &d, 0, CB_GFN, 4096 - 64).0,
        Errno::EINVAL.negated()
    );
    assert_eq!(
        init_control(&hv, &d, 0, 0x999, 0).0,
        Errno::EINVAL.negated()
    );
    assert!(!d.events.lock().is_fifo(), "still on the 2-level ABI");
    assert_eq!(expand(&hv, &d, ARRAY_GFN), Errno::EOPNOTSUPP.negated());
    let port = ipi(&hv, &d, 0);
    assert_eq!(set_priority(&hv, &d, port, 3), Errno::ENOSYS.negated());
    // The last offset that fits: accepted, and the link bits are reported.
    assert_eq!(
        init_control(&hv, &d, 0, CB_GFN, 4096 - 72),
        (0, EVTCHN_FIFO_LINK_BITS as u8)
    );
    assert!(d.events.lock().is_fifo());
    assert_eq!(d.events.lock().max_evtchns(), EVTCHN_FIFO_NR_CHANNELS);
    // Once per vCPU; another vCPU has its own.
    assert_eq!(
        init_control(&hv, &d, 0, CB_GFN, 0).0,
        Errno::EINVAL.negated()
    );
    assert_eq!(init_control(&hv, &d, 1, CB_GFN, 0), (0, 17));
}

#[test]
fn events_are_linked_on_their_queue_and_announced_once() {
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    assert_eq!(expand(&hv, &d, ARRAY_GFN), 0);
    let a = ipi(&hv, &d, 0);
    let b = ipi(&hv, &d, 0);
    // The first event of an empty queue becomes its head and sets its ready bit (queue 7, the
    // default priority) and the upcall flag.
    assert_eq!(send(&hv, &d, a), 0);
    assert_eq!(event_word(&hv, &d, a), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, a));
    assert!(d.vcpu_slots()[0].upcall_pending(&hv.heap));
    // A second port is linked after the tail; the head and ready bits stay.
    assert_eq!(send(&hv, &d, b), 0);
    assert_eq!(event_word(&hv, &d, a), PENDING | LINKED | b);
    assert_eq!(event_word(&hv, &d, b), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, a));
    // A port already pending is not linked twice.
    assert_eq!(send(&hv, &d, a), 0);
    assert_eq!(event_word(&hv, &d, a), PENDING | LINKED | b);
}

#[test]
fn a_consumed_queue_starts_again_at_its_head() {
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    let b = ipi(&hv, &d, 0);
    send(&hv, &d, a);
    // The guest consumes `a`: clears its LINKED and PENDING bits, empties the queue.
    set_word32(&hv, &d, ARRAY_GFN, u64::from(a) * 4, 0);
    set_word32(&hv, &d, CB_GFN, 0, 0);
    set_word32(&hv, &d, CB_GFN, 8 + 4 * 7, 0);
    // The tail (a) is unlinked: `b` cannot be linked after it and becomes the head.
    send(&hv, &d, b);
    assert_eq!(event_word(&hv, &d, a), 0);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, b));
}

#[test]
fn masked_ports_wait_for_unmask_and_priorities_pick_the_queue() {
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    set_word32(&hv, &d, ARRAY_GFN, u64::from(a) * 4, MASKED);
    send(&hv, &d, a);
    assert_eq!(
        event_word(&hv, &d, a),
        PENDING | MASKED,
        "pending, not linked"
    );
    assert_eq!(control(&hv, &d, 0, 7), (0, 0));
    // evtchn_fifo_unmask: cleared and linked.
    assert_eq!(
        op(&hv, &d, EVTCHNOP_unmask, &evtchn_unmask { port: a }).0,
        0
    );
    assert_eq!(event_word(&hv, &d, a), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, a));
    // evtchn_fifo_set_priority: at most EVTCHN_FIFO_PRIORITY_MIN; later events use the queue.
    let b = ipi(&hv, &d, 0);
    assert_eq!(set_priority(&hv, &d, b, 16), Errno::EINVAL.negated());
    assert_eq!(set_priority(&hv, &d, b, EVTCHN_FIFO_PRIORITY_MIN), 0);
    assert_eq!(set_priority(&hv, &d, b, 3), 0);
    assert_eq!(set_priority(&hv, &d, 100_000, 3), Errno::EINVAL.negated());
    assert_eq!(
        set_priority(&hv, &d, 50, 3),
        Errno::EACCES.negated(),
        "a free port"
    );
    send(&hv, &d, b);
    assert_eq!(control(&hv, &d, 0, 3), ((1 << 7) | (1 << 3), b));
}

#[test]
fn events_without_their_page_wait_for_it_and_2_level_state_carries_over() {
    let (hv, d) = setup();
    // Pending under the 2-level ABI before the switch.
    let early = ipi(&hv, &d, 0);
    send(&hv, &d, early);
    init_control(&hv, &d, 0, CB_GFN, 0);
    // Ports up to 1030 bound; 1030 has no word until a second page is given.
    let mut last = 0;
    while last < 1030 {
        last = ipi(&hv, &d, 0);
    }
    send(&hv, &d, last);
    assert_eq!(control(&hv, &d, 0, 7), (0, 0), "nowhere to link it yet");
    // The first page re-raises the early event, the second the late one.
    expand(&hv, &d, ARRAY_GFN);
    assert_eq!(event_word(&hv, &d, early), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, early));
    assert_eq!(expand(&hv, &d, ARRAY2_GFN), 0);
    assert_eq!(event_word(&hv, &d, last), PENDING | LINKED);
    assert_eq!(event_word(&hv, &d, early) & EVTCHN_FIFO_LINK_MASK, last);
}

#[test]
fn a_closed_port_still_linked_is_not_reused() {
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    send(&hv, &d, a);
    assert_eq!(op(&hv, &d, EVTCHNOP_close, &evtchn_close { port: a }).0, 0);
    // evtchn_free cleared PENDING; LINKED stays until the guest unlinks it (evtchn_is_busy).
    assert_eq!(event_word(&hv, &d, a), LINKED);
    let b = ipi(&hv, &d, 0);
    assert_ne!(a, b);
}

#[test]
fn reset_returns_to_2_level_and_the_pages_are_given_back() {
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    ipi(&hv, &d, 0);
    let (rc, _) = op(&hv, &d, EVTCHNOP_reset, &evtchn_reset { dom: DOMID_SELF });
    assert_eq!(rc, 0);
    assert!(!d.events.lock().is_fifo());
    // No reference is left: the frames are the domain's alone (a free would not orphan them).
    let cb = mfn_of(&hv, &d, CB_GFN);
    assert_eq!(hv.heap.with_buddy(|b| b.refcount(cb)), 1);
    // Switched again, then killed: the references go with the domain.
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    assert_eq!(hv.heap.with_buddy(|b| b.refcount(cb)), 2);
    hv.kill_domain(&d, || false).unwrap();
    assert_eq!(hv.heap.orphan_pages(), 0);
    hv.check_invariants().unwrap();
}

#[test]
fn the_event_array_ends_at_128_pages() {
    // add_page_to_event_array: ENOSPC once EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES pages cover every
    // port. Xen does not ask for distinct frames, so one frame given 128 times fills it too.
    // xen/common/event_fifo.c (not public): 1024 event words per page.
    const EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES: u32 = EVTCHN_FIFO_NR_CHANNELS / 1024;
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    for page in 0..EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES {
        assert_eq!(expand(&hv, &d, ARRAY_GFN), 0, "page {page}");
    }
    assert_eq!(expand(&hv, &d, ARRAY2_GFN), Errno::ENOSPC.negated());
    let array = mfn_of(&hv, &d, ARRAY_GFN);
    assert_eq!(
        hv.heap.with_buddy(|b| b.refcount(array)),
        1 + EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES,
        "one reference per page given, none for the refused one"
    );
    let array2 = mfn_of(&hv, &d, ARRAY2_GFN);
    assert_eq!(hv.heap.with_buddy(|b| b.refcount(array2)), 1);
}
