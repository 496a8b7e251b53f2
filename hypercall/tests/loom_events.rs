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
