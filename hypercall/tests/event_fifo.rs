//! The FIFO event-channel ABI (xen/common/event_fifo.c, Xen 4.17): EVTCHNOP_init_control,
//! EVTCHNOP_expand_array, EVTCHNOP_set_priority, and what events do to the event words, queue
//! heads and ready bits the guest reads.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{guest, hypercall, TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::{Call, NeverPreempt, Outcome, SchedRequest};
use hypercall::domain::DomainConfig;
use hypercall::event::fifo::{FifoDomain, FifoPort};
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::p2m::types::P2mType;
use xen_public::event_channel::*;
use xen_public::sched::{sched_poll, SCHEDOP_poll};
use xen_public::xen::{__HYPERVISOR_event_channel_op, __HYPERVISOR_sched_op, DOMID_SELF};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, FromZeros, Immutable, IntoBytes};

const ARG: u64 = GUEST_BASE + 0x2000;
/// Where SCHEDOP_poll's port list goes.
const PORTS: u64 = GUEST_BASE + 0x3000;
/// The guest frames of the control block and the event-array pages.
const CB_GFN: u64 = 0x40;
const ARRAY_GFN: u64 = 0x41;
const ARRAY2_GFN: u64 = 0x42;

const PENDING: u32 = 1 << EVTCHN_FIFO_PENDING;
const MASKED: u32 = 1 << EVTCHN_FIFO_MASKED;
const LINKED: u32 = 1 << EVTCHN_FIFO_LINKED;
const BUSY: u32 = 1 << EVTCHN_FIFO_BUSY;

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

/// The guest consumes the head of vCPU 0's queue `q`, `port`, the last event on it: clears its
/// event word (LINKED, the link and PENDING), the queue's head and its ready bit.
fn consume(hv: &TestHv, d: &TestDomain, port: u32, q: u64) {
    set_word32(hv, d, ARRAY_GFN, u64::from(port) * 4, 0);
    set_word32(hv, d, CB_GFN, 8 + 4 * q, 0);
    let ready = word32(hv, d, CB_GFN, 0);
    set_word32(hv, d, CB_GFN, 0, ready & !(1 << q));
}

fn close(hv: &TestHv, d: &Arc<TestDomain>, port: u32) {
    assert_eq!(op(hv, d, EVTCHNOP_close, &evtchn_close { port }).0, 0);
}

/// SCHEDOP_poll of `ports` by vCPU 0, no timeout, interrupts off (as in vcpu_op.rs
/// poll_on_one_port_wakes_on_that_port_only): whether the vCPU went to sleep.
fn poll(hv: &TestHv, d: &Arc<TestDomain>, ports: &[u32]) -> bool {
    let mut g = guest();
    for (i, port) in ports.iter().enumerate() {
        g.put(PORTS + 4 * i as u64, port);
    }
    let mut p = sched_poll::new_zeroed();
    p.ports = GuestHandle::new(PORTS);
    p.nr_ports = ports.len() as u32;
    g.put(ARG, &p);
    let mut call = Call {
        caller: d,
        vcpu: 0,
        guest: &mut g,
        preempt: &mut NeverPreempt,
        sched: None,
        interrupts_enabled: false,
    };
    let out = hypercall::dispatch(
        hv,
        &mut call,
        __HYPERVISOR_sched_op.into(),
        [SCHEDOP_poll.into(), ARG, 0, 0, 0],
    );
    assert_eq!(out, Outcome::Return(0));
    call.sched == Some(SchedRequest::Block)
}

/// A FIFO state of the tests' own over the test frames, to run under a [`Contended`] guest (the
/// domain's own is behind its event lock): vCPU 0's control block at the start of `CB_GFN`, the
/// event words of ports 0 to 1023 in `ARRAY_GFN`, both zeroed.
fn fifo_domain(hv: &TestHv, d: &TestDomain) -> FifoDomain {
    let (cb, array) = (mfn_of(hv, d, CB_GFN), mfn_of(hv, d, ARRAY_GFN));
    hv.heap.zero_frame(cb);
    hv.heap.zero_frame(array);
    let mut f = FifoDomain::new(2);
    assert!(f.set_control_block(0, cb, 0));
    assert_eq!(f.add_page(array), 0);
    f
}

/// The 64-bit word of the event array holding `port`'s event word (and its neighbour's).
fn pair_of(port: u32) -> usize {
    port as usize / 2
}

/// `pair` (the 64-bit word holding `port`'s event word) after the guest changed `port`'s half
/// with `change`.
fn guest_change(pair: u64, port: u32, change: impl Fn(u32) -> u32) -> u64 {
    let shift = (port % 2) * 32;
    let new = change((pair >> shift) as u32);
    (pair & !(0xffff_ffffu64 << shift)) | (u64::from(new) << shift)
}

/// The frames as the hypervisor sees them while the guest changes 64-bit word `index` of frame
/// `mfn` (two event words) at the same time, scripted: just before the hypervisor's `n`th
/// compare-and-exchange of that word (from 0), the guest turns it into `guest(n, word)`. The
/// word as each compare-and-exchange met it is kept in `seen`; a hypervisor that reads the
/// word over and over without getting anywhere fails the test instead of hanging it.
struct Contended<'a, F, G> {
    frames: &'a F,
    mfn: Mfn,
    index: usize,
    guest: G,
    exchanges: AtomicUsize,
    reads: AtomicUsize,
    seen: Mutex<Vec<u64>>,
}

impl<'a, F: FrameAccess, G: Fn(usize, u64) -> u64 + Sync> Contended<'a, F, G> {
    fn new(frames: &'a F, mfn: Mfn, index: usize, guest: G) -> Self {
        Contended {
            frames,
            mfn,
            index,
            guest,
            exchanges: AtomicUsize::new(0),
            reads: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The event word of `port` (in the watched 64-bit word) as each compare-and-exchange met it.
    fn seen(&self, port: u32) -> Vec<u32> {
        let shift = (port % 2) * 32;
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|w| (w >> shift) as u32).collect()
    }
}

impl<F: FrameAccess, G: Fn(usize, u64) -> u64 + Sync> FrameAccess for Contended<'_, F, G> {
    fn zero_frame(&self, mfn: Mfn) {
        self.frames.zero_frame(mfn)
    }

    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        if (mfn, index) == (self.mfn, self.index) {
            let reads = self.reads.fetch_add(1, Ordering::SeqCst);
            assert!(reads < 1000, "the hypervisor spins on the word");
        }
        self.frames.read_u64(mfn, index)
    }

    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        self.frames.write_u64(mfn, index, value)
    }

    fn compare_exchange_u64(
        &self,
        mfn: Mfn,
        index: usize,
        current: u64,
        new: u64,
    ) -> Result<u64, u64> {
        if (mfn, index) == (self.mfn, self.index) {
            let n = self.exchanges.fetch_add(1, Ordering::SeqCst);
            let word = (self.guest)(n, self.frames.read_u64(mfn, index));
            self.frames.write_u64(mfn, index, word);
            self.seen.lock().unwrap().push(word);
        }
        self.frames.compare_exchange_u64(mfn, index, current, new)
    }
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

#[test]
fn a_port_linked_again_leaves_its_old_queue_empty() {
    // evtchn_fifo_set_pending: "If this event was a tail, the old queue is now empty and its tail
    // must be invalidated to prevent adding an event to the old queue from corrupting the new
    // queue." Linked again on the same queue, the port is its head, not linked after itself
    // ("If port is the same as tail, the queue is empty but q->tail will appear linked as we
    // just set LINKED above").
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    let b = ipi(&hv, &d, 0);
    send(&hv, &d, a);
    consume(&hv, &d, a, 7);
    send(&hv, &d, a);
    assert_eq!(
        event_word(&hv, &d, a),
        PENDING | LINKED,
        "no link to itself"
    );
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, a));
    // Consumed again, then raised on queue 3: queue 7 is empty, and b starts it again instead
    // of being linked after a, on queue 3.
    consume(&hv, &d, a, 7);
    assert_eq!(set_priority(&hv, &d, a, 3), 0);
    send(&hv, &d, a);
    assert_eq!(control(&hv, &d, 0, 3), (1 << 3, a));
    send(&hv, &d, b);
    assert_eq!(
        event_word(&hv, &d, a),
        PENDING | LINKED,
        "b is not on queue 3"
    );
    assert_eq!(control(&hv, &d, 0, 7), ((1 << 3) | (1 << 7), b));
}

#[test]
fn unmasking_a_port_without_an_event_links_nothing() {
    // evtchn_fifo_unmask: clears MASKED and relinks the port only if PENDING is set.
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    set_word32(&hv, &d, ARRAY_GFN, u64::from(a) * 4, MASKED);
    assert_eq!(
        op(&hv, &d, EVTCHNOP_unmask, &evtchn_unmask { port: a }).0,
        0
    );
    assert_eq!(event_word(&hv, &d, a), 0);
    assert_eq!(control(&hv, &d, 0, 7), (0, 0));
    assert!(!d.vcpu_slots()[0].upcall_pending(&hv.heap));
}

#[test]
fn a_poll_reads_the_pending_bit_and_a_new_event_ends_it() {
    // sched/core.c do_poll sleeps unless evtchn_port_poll finds a port pending, which on this ABI
    // is the PENDING bit of its event word (evtchn_fifo_is_pending). evtchn_fifo_set_pending
    // wakes the pollers (evtchn_check_pollers) when it sets PENDING, not when it was set already,
    // and for a masked port too, which is neither linked nor flags an upcall. All ports are
    // masked here, so only the pollers' wake-up can end a poll.
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let v = &d.vcpu_slots()[0];
    let a = ipi(&hv, &d, 0);
    let b = ipi(&hv, &d, 0);
    let c = ipi(&hv, &d, 0);
    for port in [a, b, c] {
        set_word32(&hv, &d, ARRAY_GFN, u64::from(port) * 4, MASKED);
    }
    assert!(poll(&hv, &d, &[a]), "masked but not pending: it sleeps");
    assert!(v.is_blocked() && v.is_polling());
    assert_eq!(send(&hv, &d, a), 0);
    assert_eq!(event_word(&hv, &d, a), PENDING | MASKED);
    assert_eq!(control(&hv, &d, 0, 7), (0, 0));
    assert!(!v.upcall_pending(&hv.heap));
    assert!(
        !v.is_blocked() && !v.is_polling(),
        "the event ended the poll"
    );
    // Pending: a poll of it returns at once.
    assert!(!poll(&hv, &d, &[a]));
    assert!(!v.is_blocked() && !v.is_polling());
    // A poll of several ports ends with any new event of the domain, but a raises nothing new.
    assert!(poll(&hv, &d, &[b, c]));
    assert_eq!(send(&hv, &d, a), 0);
    assert!(v.is_blocked() && v.is_polling(), "a was pending already");
    assert_eq!(send(&hv, &d, b), 0);
    assert!(!v.is_blocked() && !v.is_polling());
}

#[test]
fn a_closed_port_is_reused_once_the_guest_unlinks_it() {
    // event_channel.c evtchn_allocate_port refuses a free port still LINKED on a queue
    // (evtchn_fifo_is_busy), and takes it again once the guest consumed it.
    let (hv, d) = setup();
    init_control(&hv, &d, 0, CB_GFN, 0);
    expand(&hv, &d, ARRAY_GFN);
    let a = ipi(&hv, &d, 0);
    send(&hv, &d, a);
    close(&hv, &d, a);
    let b = ipi(&hv, &d, 0);
    assert_eq!(b, a + 1, "a is skipped, the next free port taken");
    consume(&hv, &d, a, 7);
    assert_eq!(ipi(&hv, &d, 0), a);
}

#[test]
fn a_vcpu_keeps_its_first_control_block() {
    // map_control_block: EINVAL for a vCPU that has a control block already (init_control
    // checks it first, before mapping the frame; here, FifoDomain's own answer).
    let (hv, d) = setup();
    let (cb, array) = (mfn_of(&hv, &d, CB_GFN), mfn_of(&hv, &d, ARRAY_GFN));
    let mut f = FifoDomain::new(2);
    assert!(f.set_control_block(0, cb, 0));
    assert!(!f.set_control_block(0, array, 8));
    assert!(!f.set_control_block(2, array, 0), "no such vCPU");
    assert_eq!(f.pages().collect::<Vec<_>>(), [cb]);
    assert!(f.has_control_block(0) && !f.has_control_block(1));
}

#[test]
fn a_tail_the_guest_masks_meanwhile_is_linked_while_busy() {
    // evtchn_fifo_set_link: the guest may mask a LINKED tail just as the hypervisor links the
    // next port after it. The compare-and-exchange fails; the hypervisor then sets BUSY (which
    // keeps the guest from unmasking) and tries again, and the link it writes clears BUSY
    // (try_set_link: `old & ~(BUSY | LINK_MASK) | link`). a's event word is the upper half of
    // its 64-bit word.
    let (hv, d) = setup();
    let mut f = fifo_domain(&hv, &d);
    let v = &d.vcpu_slots()[0];
    let (a, b) = (3, 4);
    let (mut pa, mut pb) = (FifoPort::default(), FifoPort::default());
    assert!(f.set_pending(&hv.heap, v, a, &mut pa));
    let array = mfn_of(&hv, &d, ARRAY_GFN);
    let frames = Contended::new(&hv.heap, array, pair_of(a), |n, pair| match n {
        0 => guest_change(pair, a, |w| w | MASKED),
        _ => pair,
    });
    assert!(f.set_pending(&frames, v, b, &mut pb));
    assert_eq!(event_word(&hv, &d, a), PENDING | LINKED | MASKED | b);
    assert!(
        frames.seen(a).iter().any(|w| w & BUSY != 0),
        "BUSY while retried: {:x?}",
        frames.seen(a)
    );
    assert_eq!(event_word(&hv, &d, b), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, a));
}

#[test]
fn a_tail_the_guest_unlinks_meanwhile_leaves_the_port_at_the_head() {
    // evtchn_fifo_set_link: the guest consumes the tail (clears LINKED and the link) just as
    // the hypervisor links the next port after it. On the retry the tail is unlinked: the queue
    // is empty, the port becomes its head, and the BUSY the hypervisor set is cleared again.
    let (hv, d) = setup();
    let mut f = fifo_domain(&hv, &d);
    let v = &d.vcpu_slots()[0];
    let (a, b) = (3, 4);
    let (mut pa, mut pb) = (FifoPort::default(), FifoPort::default());
    assert!(f.set_pending(&hv.heap, v, a, &mut pa));
    let array = mfn_of(&hv, &d, ARRAY_GFN);
    let frames = Contended::new(&hv.heap, array, pair_of(a), |n, pair| match n {
        0 => guest_change(pair, a, |_| 0),
        _ => pair,
    });
    assert!(f.set_pending(&frames, v, b, &mut pb));
    assert!(
        frames.seen(a).iter().any(|w| w & BUSY != 0),
        "BUSY while retried: {:x?}",
        frames.seen(a)
    );
    assert_eq!(event_word(&hv, &d, a), 0, "BUSY cleared");
    assert_eq!(event_word(&hv, &d, b), PENDING | LINKED);
    assert_eq!(control(&hv, &d, 0, 7), (1 << 7, b));
}

#[test]
fn an_event_word_the_guest_changes_meanwhile_is_updated_again() {
    // guest_test_and_set_bit is one locked instruction on the 32-bit event word; here it is a
    // compare-and-exchange of the 64-bit word holding it. A change of the other half (the
    // neighbour port's word) is retried; a change of the word itself too, from what the guest
    // left (here MASKED, so the event stays unlinked, as in evtchn_fifo_set_pending). The word
    // is the upper half.
    let (hv, d) = setup();
    let mut f = fifo_domain(&hv, &d);
    let v = &d.vcpu_slots()[0];
    let (neighbour, port) = (4, 5);
    let array = mfn_of(&hv, &d, ARRAY_GFN);
    let frames = Contended::new(&hv.heap, array, pair_of(port), |n, pair| match n {
        0 => guest_change(pair, neighbour, |w| w | MASKED),
        1 => guest_change(pair, port, |w| w | MASKED),
        _ => pair,
    });
    assert!(
        f.set_pending(&frames, v, port, &mut FifoPort::default()),
        "newly pending"
    );
    assert_eq!(event_word(&hv, &d, neighbour), MASKED);
    assert_eq!(event_word(&hv, &d, port), PENDING | MASKED);
    assert_eq!(control(&hv, &d, 0, 7), (0, 0));
}
