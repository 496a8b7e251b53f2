//! The 2-level event-channel protocol under loom (`--cfg loom`, run by `./x test`): the
//! hypervisor's `set_pending` and `unmask` (hypercall/src/event/two_level.rs, after
//! xen/common/event_2l.c) racing each other and a guest that masks ports and runs its upcall
//! handler (Linux's drivers/xen/events/events_2l.c `evtchn_2l_handle_events`), all on the same
//! words with no lock. The interleavings are enumerated in two_level.rs; here loom tries them all
//! and checks the invariant written there: an event that is pending and not masked is handled,
//! or announced (its selector bit and the upcall flag set) so that an upcall will handle it.
//!
//! x86's locked instructions are full barriers: a load after one sees every locked update that
//! precedes it in their single total order (Xen's "the atomic bit operations also act as memory
//! barriers"). Loom models `SeqCst` accesses as `AcqRel` only, which would let the two reads
//! after a locked update (`set_pending`'s read of the mask, `unmask`'s read of pending) both see
//! stale values, a store-buffering outcome x86 forbids. So the model reads a shared word with an
//! atomic read-modify-write that changes nothing, which loom orders as x86 orders the load.
#![cfg(loom)]

use hypercall::event::two_level;
use hypercall::vcpu::{Vcpu, VcpuInfoArea};
use loom::sync::atomic::{AtomicU64, Ordering};
use loom::sync::Arc;
use loom::thread;
use xen_mm::frame::{FrameAccess, Mfn};

/// The words the protocol uses: vcpu_info 0's upcall word and selector (words 0 and 1 of
/// shared_info) and the first pending and mask words (256 and 320).
struct SharedInfo {
    upcall: AtomicU64,
    sel: AtomicU64,
    pending: AtomicU64,
    mask: AtomicU64,
}

const SHINFO: Mfn = Mfn(0x100);
const UPCALL_WORD: usize = 0;
const SEL_WORD: usize = 1;
const PENDING_WORD: usize = 256;
const MASK_WORD: usize = 320;
/// The port the events are on (word 0 of the bitmaps, selector bit 0).
const PORT: u32 = 5;
const BIT: u64 = 1 << PORT;

impl SharedInfo {
    fn new(masked: bool) -> Self {
        SharedInfo {
            upcall: AtomicU64::new(0),
            sel: AtomicU64::new(0),
            pending: AtomicU64::new(0),
            mask: AtomicU64::new(if masked { BIT } else { 0 }),
        }
    }

    fn word(&self, mfn: Mfn, index: usize) -> &AtomicU64 {
        assert_eq!(mfn, SHINFO);
        match index {
            UPCALL_WORD => &self.upcall,
            SEL_WORD => &self.sel,
            PENDING_WORD => &self.pending,
            MASK_WORD => &self.mask,
            other => panic!("the protocol touched word {other}"),
        }
    }

    /// What a guest's upcall handler does (`evtchn_2l_handle_events`): clear the flag, take the
    /// selector, and handle each pending, unmasked port of the words it names, clearing its
    /// pending bit first. Returns how many events it handled.
    fn guest_upcall(&self) -> u32 {
        if self.upcall.fetch_or(0, Ordering::SeqCst) & 1 == 0 {
            return 0;
        }
        self.upcall.fetch_and(!1, Ordering::SeqCst);
        let sel = self.sel.swap(0, Ordering::SeqCst);
        if sel & 1 == 0 {
            return 0;
        }
        let ready =
            self.pending.fetch_or(0, Ordering::SeqCst) & !self.mask.fetch_or(0, Ordering::SeqCst);
        let mut handled = 0;
        for bit in (0..64).map(|b| 1u64 << b).filter(|b| ready & b != 0) {
            if self.pending.fetch_and(!bit, Ordering::SeqCst) & bit != 0 {
                handled += 1;
            }
        }
        handled
    }

    /// The invariant: a pending, unmasked port is announced.
    fn check_announced(&self) {
        let pending = self.pending.load(Ordering::SeqCst) & BIT != 0;
        let masked = self.mask.load(Ordering::SeqCst) & BIT != 0;
        if pending && !masked {
            assert_eq!(self.sel.load(Ordering::SeqCst) & 1, 1, "selector bit lost");
            assert_eq!(
                self.upcall.load(Ordering::SeqCst) & 1,
                1,
                "upcall flag lost"
            );
        }
    }
}

impl FrameAccess for SharedInfo {
    fn zero_frame(&self, _: Mfn) {
        unreachable!("the protocol never zeroes a frame")
    }
    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        // x86: a load ordered after this CPU's earlier locked updates (see the top).
        self.word(mfn, index).fetch_or(0, Ordering::SeqCst)
    }
    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        self.word(mfn, index).store(value, Ordering::SeqCst)
    }
    fn compare_exchange_u64(&self, mfn: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
        self.word(mfn, i)
            .compare_exchange(cur, new, Ordering::SeqCst, Ordering::SeqCst)
    }
    fn fetch_or_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.word(mfn, index).fetch_or(bits, Ordering::SeqCst)
    }
    fn fetch_and_not_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        self.word(mfn, index).fetch_and(!bits, Ordering::SeqCst)
    }
}

fn vcpu0() -> Vcpu {
    Vcpu::new(
        0,
        VcpuInfoArea::SharedInfo {
            mfn: SHINFO,
            offset: 0,
        },
    )
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

#[test]
fn a_send_racing_the_guests_handler_is_handled_or_announced() {
    /// Another port of the same bitmap word, whose event the guest is handling.
    const OTHER: u64 = 1 << 3;
    model(|| {
        let s = Arc::new(SharedInfo::new(false));
        let v = Arc::new(vcpu0());
        s.pending.store(OTHER, Ordering::SeqCst);
        s.sel.store(1, Ordering::SeqCst);
        s.upcall.store(1, Ordering::SeqCst);
        let guest = {
            let s = s.clone();
            thread::spawn(move || s.guest_upcall())
        };
        // The hypervisor sends on PORT meanwhile.
        assert!(two_level::set_pending(&*s, SHINFO, &v, PORT));
        let now = guest.join().unwrap();
        s.check_announced();
        // Both events are handled, now or by the upcall the invariant says is due.
        let later = s.guest_upcall();
        assert_eq!(now + later, 2, "an event was lost");
        assert_eq!(s.pending.load(Ordering::SeqCst), 0);
    });
}

#[test]
fn a_send_racing_unmask_is_announced_exactly_once() {
    model(|| {
        let s = Arc::new(SharedInfo::new(true));
        let v = Arc::new(vcpu0());
        let sender = {
            let (s, v) = (s.clone(), v.clone());
            thread::spawn(move || two_level::set_pending(&*s, SHINFO, &v, PORT))
        };
        // EVTCHNOP_unmask from the guest at the same time.
        two_level::unmask(&*s, SHINFO, &v, PORT);
        assert!(sender.join().unwrap(), "the port was not pending before");
        s.check_announced();
        assert_eq!(s.guest_upcall(), 1);
    });
}

#[test]
fn a_send_racing_the_guest_masking_the_port_loses_nothing() {
    model(|| {
        let s = Arc::new(SharedInfo::new(false));
        let v = Arc::new(vcpu0());
        let guest = {
            let s = s.clone();
            thread::spawn(move || {
                s.mask.fetch_or(BIT, Ordering::SeqCst);
            })
        };
        two_level::set_pending(&*s, SHINFO, &v, PORT);
        guest.join().unwrap();
        // Masked now: the event stays pending for the unmask to deliver, announced or not.
        assert_eq!(s.pending.load(Ordering::SeqCst) & BIT, BIT);
        two_level::unmask(&*s, SHINFO, &v, PORT);
        s.check_announced();
        assert_eq!(s.guest_upcall(), 1);
    });
}

#[test]
fn two_sends_of_one_port_announce_it_once() {
    model(|| {
        let s = Arc::new(SharedInfo::new(false));
        let v = Arc::new(vcpu0());
        let other = {
            let (s, v) = (s.clone(), v.clone());
            thread::spawn(move || two_level::set_pending(&*s, SHINFO, &v, PORT))
        };
        let mine = two_level::set_pending(&*s, SHINFO, &v, PORT);
        let theirs = other.join().unwrap();
        assert!(
            mine ^ theirs,
            "exactly one send finds the port not yet pending"
        );
        s.check_announced();
        assert_eq!(s.guest_upcall(), 1);
        assert_eq!(s.guest_upcall(), 0);
    });
}

#[test]
fn a_blocked_vcpu_is_woken_by_the_first_announcement() {
    model(|| {
        let s = Arc::new(SharedInfo::new(false));
        let v = Arc::new(vcpu0());
        v.set_down(false);
        // SCHEDOP_block: blocked, then a check for events that arrived meanwhile.
        let blocker = {
            let (s, v) = (s.clone(), v.clone());
            thread::spawn(move || {
                v.block();
                if v.upcall_pending(&*s) {
                    v.unblock();
                }
            })
        };
        two_level::set_pending(&*s, SHINFO, &v, PORT);
        blocker.join().unwrap();
        assert!(!v.is_blocked(), "blocked with an upcall pending");
    });
}

/// Frames for a whole hypervisor under loom. Only the words the protocol shares are loom
/// atomics (each frame's words 0 and 1, where vcpu_info[0] has its flag and selector in
/// shared_info, and 256, its first pending word); the rest (page tables, scrubbing) are plain
/// atomics loom need not interleave, which keeps the model small.
struct LoomFrames {
    plain: Vec<std::sync::atomic::AtomicU64>,
    shared: Vec<AtomicU64>,
}

const LOOM_BASE: u64 = 0x1000;
const LOOM_FRAMES: u64 = 16;
const SHARED_WORDS: [usize; 3] = [0, 1, 256];

enum Word<'a> {
    Loom(&'a AtomicU64),
    Plain(&'a std::sync::atomic::AtomicU64),
}

impl LoomFrames {
    fn new() -> Self {
        let words = LOOM_FRAMES as usize * xen_mm::frame::WORDS_PER_FRAME;
        LoomFrames {
            plain: (0..words)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
            shared: (0..LOOM_FRAMES as usize * SHARED_WORDS.len())
                .map(|_| AtomicU64::new(0))
                .collect(),
        }
    }

    fn word(&self, mfn: Mfn, i: usize) -> Word<'_> {
        let frame = (mfn.0 - LOOM_BASE) as usize;
        match SHARED_WORDS.iter().position(|&w| w == i) {
            Some(k) => Word::Loom(&self.shared[frame * SHARED_WORDS.len() + k]),
            None => Word::Plain(&self.plain[frame * xen_mm::frame::WORDS_PER_FRAME + i]),
        }
    }
}

impl FrameAccess for LoomFrames {
    fn zero_frame(&self, mfn: Mfn) {
        for i in 0..xen_mm::frame::WORDS_PER_FRAME {
            self.write_u64(mfn, i, 0);
        }
    }
    fn read_u64(&self, mfn: Mfn, i: usize) -> u64 {
        match self.word(mfn, i) {
            // x86: ordered after this CPU's earlier locked updates (see the top).
            Word::Loom(w) => w.fetch_or(0, Ordering::SeqCst),
            Word::Plain(w) => w.load(std::sync::atomic::Ordering::SeqCst),
        }
    }
    fn write_u64(&self, mfn: Mfn, i: usize, v: u64) {
        match self.word(mfn, i) {
            Word::Loom(w) => w.store(v, Ordering::SeqCst),
            Word::Plain(w) => w.store(v, std::sync::atomic::Ordering::SeqCst),
        }
    }
    fn compare_exchange_u64(&self, mfn: Mfn, i: usize, cur: u64, new: u64) -> Result<u64, u64> {
        match self.word(mfn, i) {
            Word::Loom(w) => w.compare_exchange(cur, new, Ordering::SeqCst, Ordering::SeqCst),
            Word::Plain(w) => w.compare_exchange(
                cur,
                new,
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
            ),
        }
    }
}

/// A vCPU blocking (SCHEDOP_block or HLT: xen/common/sched/core.c `vcpu_block`, here
/// `sched_op::vcpu_block`) while its single-shot timer fires (`run_timers`, which sends
/// VIRQ_TIMER through the event channel to the flag that `vcpu_block` checks): whatever the
/// interleaving, the vCPU does not stay blocked with its timer's event delivered, the lost
/// wake-up that a check before the block (instead of after) would allow.
#[test]
fn a_timer_firing_as_the_vcpu_blocks_never_leaves_it_asleep() {
    use hypercall::timer::{run_timers, TimerId, TimerKind};
    use xen_public::xen::VIRQ_TIMER;

    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let hv = Arc::new(loom_hypervisor());
        let d = loom_domain(&hv);
        // Upcalls by HVM_PARAM_CALLBACK_IRQ's vector; VIRQ_TIMER bound; the timer due.
        d.state().hvm_params[0] = (2 << 56) | 0xf3;
        hypercall::event::bind_virq(&*hv, &d, VIRQ_TIMER, 0).unwrap();
        let timer = TimerId {
            domid: d.domid(),
            vcpu: 0,
            kind: TimerKind::Singleshot,
        };
        hv.timers.set(timer, 0);

        let firing = {
            let hv = hv.clone();
            thread::spawn(move || run_timers(&hv, 1))
        };
        hypercall::sched_op::vcpu_block(&hv, &d, 0, true);
        firing.join().unwrap();
        let v = &d.vcpu_slots()[0];
        assert!(
            v.upcall_pending(&hv.heap),
            "the timer's event was announced"
        );
        assert!(!v.is_blocked(), "asleep with its event delivered");
    });
}

/// Two domains binding towards each other at once (EVTCHNOP_bind_interdomain from each side:
/// xen/common/event_channel.c `evtchn_bind_interdomain` and `double_evtchn_lock`): both take the
/// two event locks, always the lower domid's first, so neither waits for the other forever
/// (loom reports a deadlock), and both bindings land.
#[test]
fn domains_binding_towards_each_other_do_not_deadlock() {
    use hypercall::event::{alloc_unbound, bind_interdomain};

    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let hv = Arc::new(loom_hypervisor());
        let d1 = loom_domain(&hv);
        let d2 = loom_domain(&hv);
        let p1 = alloc_unbound(&*hv, &d1, d2.domid(), Ok(())).unwrap();
        let p2 = alloc_unbound(&*hv, &d2, d1.domid(), Ok(())).unwrap();
        let other = {
            let (hv, d1, d2) = (hv.clone(), d1.clone(), d2.clone());
            thread::spawn(move || bind_interdomain(&*hv, &d2, &d1, p1).unwrap())
        };
        let from_d1 = bind_interdomain(&*hv, &d1, &d2, p2).unwrap();
        let from_d2 = other.join().unwrap();
        assert_ne!(from_d1, p1, "a new port, not the one waiting");
        assert_ne!(from_d2, p2, "a new port, not the one waiting");
    });
}

type LoomHv = hypercall::hypervisor::Hypervisor<LoomFrames, xen_mm::p2m::npt::Npt>;

/// A hypervisor on [`LoomFrames`].
fn loom_hypervisor() -> LoomHv {
    use hypercall::hypervisor::XenInfo;
    use xen_mm::buddy::NodeId;
    use xen_mm::heap::DomHeap;
    use xen_mm::p2m::Superpages;

    let heap = DomHeap::new(
        LoomFrames::new(),
        &[(Mfn(LOOM_BASE), Mfn(LOOM_BASE + LOOM_FRAMES))],
        1,
        |_| NodeId(0),
    )
    .unwrap();
    LoomHv::new(
        heap,
        XenInfo::default(),
        Superpages {
            two_mb: false,
            one_gb: false,
        },
        LOOM_BASE + LOOM_FRAMES,
    )
}

/// A PVH domain with its one vCPU up and 64 ports.
fn loom_domain(hv: &LoomHv) -> std::sync::Arc<hypercall::domain::Domain<xen_mm::p2m::npt::Npt>> {
    use hypercall::domain::DomainConfig;
    use xen_public::domctl::{XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm};

    let d = hv
        .create_domain(
            None,
            DomainConfig {
                flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
                max_vcpus: 1,
                max_evtchn_port: 63,
                ..Default::default()
            },
        )
        .unwrap();
    d.state().vcpus = 1;
    d.start_vcpu(0);
    d
}
