//! The FIFO event-channel ABI (xen/common/event_fifo.c): each port has a 32-bit event word in
//! pages the guest gives (EVTCHNOP_expand_array), holding PENDING, MASKED, LINKED and BUSY bits
//! and a link to the next port; each vCPU has a control block (EVTCHNOP_init_control) with a
//! `ready` bitmap and the head of 16 priority queues. A pending, unmasked port is linked at the
//! tail of its queue and, if the queue was empty, becomes its head and the queue's ready bit is
//! set, which flags the upcall.
//!
//! The hypervisor keeps each queue's tail; the guest consumes from the head, clearing LINKED as it
//! goes. Xen locks each queue; here every operation holds the domain's event lock, which covers
//! the tails and a port's last queue. The guest changes the same words concurrently, so every
//! update of a guest word is an atomic read-modify-write (a compare-and-exchange of the 64-bit
//! word holding the 32-bit event word): setting LINKED decides who links a port, and the link of
//! a tail is set only while that tail is still LINKED (`try_set_link`), with BUSY held to keep
//! the guest from unmasking meanwhile.
//!
//! Pages the hypervisor uses (control blocks, event array pages) are referenced while in use, so
//! a guest that frees them cannot make the hypervisor write freed memory; they are given back
//! when the domain resets to the 2-level ABI or dies. At most 128 event-array pages
//! (EVTCHN_FIFO_NR_CHANNELS ports) and one control block per vCPU.

use alloc::vec::Vec;

use xen_mm::frame::{FrameAccess, Mfn};
use xen_public::event_channel::*;

use crate::vcpu::Vcpu;

/// Event words per page.
pub const EVENT_WORDS_PER_PAGE: u32 = 1024;
/// Event-array pages a domain may give (`EVTCHN_FIFO_MAX_EVENT_ARRAY_PAGES`).
pub const MAX_EVENT_ARRAY_PAGES: usize = (EVTCHN_FIFO_NR_CHANNELS / EVENT_WORDS_PER_PAGE) as usize;
/// Bytes of a control block.
pub const CONTROL_BLOCK_SIZE: u32 = 72;
/// Queues per vCPU.
pub const QUEUES: usize = EVTCHN_FIFO_MAX_QUEUES as usize;

const PENDING: u32 = 1 << EVTCHN_FIFO_PENDING;
const MASKED: u32 = 1 << EVTCHN_FIFO_MASKED;
const LINKED: u32 = 1 << EVTCHN_FIFO_LINKED;
const BUSY: u32 = 1 << EVTCHN_FIFO_BUSY;

/// A 32-bit word of a guest frame: the frame and the word's byte offset (4-aligned).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word32 {
    mfn: Mfn,
    byte: u32,
}

impl Word32 {
    fn shift(self) -> u32 {
        (self.byte % 8) * 8
    }

    fn index(self) -> usize {
        (self.byte / 8) as usize
    }

    /// The word's value.
    pub fn read<F: FrameAccess>(self, f: &F) -> u32 {
        (f.read_u64(self.mfn, self.index()) >> self.shift()) as u32
    }

    /// Replaces the word with `new` if it holds `old`: `Ok(old)`, or `Err(what it holds)`.
    fn compare_exchange<F: FrameAccess>(self, f: &F, old: u32, new: u32) -> Result<u32, u32> {
        let mask = 0xffff_ffffu64 << self.shift();
        let mut whole = f.read_u64(self.mfn, self.index());
        loop {
            if (whole >> self.shift()) as u32 != old {
                return Err((whole >> self.shift()) as u32);
            }
            let replaced = (whole & !mask) | (u64::from(new) << self.shift());
            match f.compare_exchange_u64(self.mfn, self.index(), whole, replaced) {
                Ok(_) => return Ok(old),
                // The other half changed: try again with it.
                Err(now) => whole = now,
            }
        }
    }

    /// Applies `update` atomically; returns the value before.
    fn update<F: FrameAccess>(self, f: &F, update: impl Fn(u32) -> u32) -> u32 {
        let mut old = self.read(f);
        loop {
            match self.compare_exchange(f, old, update(old)) {
                Ok(v) => return v,
                Err(now) => old = now,
            }
        }
    }

    /// Sets `bits`; `true` if all were set before (`guest_test_and_set_bit`).
    fn test_and_set<F: FrameAccess>(self, f: &F, bits: u32) -> bool {
        self.update(f, |w| w | bits) & bits == bits
    }

    fn clear<F: FrameAccess>(self, f: &F, bits: u32) {
        self.update(f, |w| w & !bits);
    }

    /// Writes the whole word.
    fn write<F: FrameAccess>(self, f: &F, value: u32) {
        self.update(f, |_| value);
    }
}

/// A vCPU's FIFO state: where its control block is, and each queue's tail.
#[derive(Clone, Debug, Default)]
pub struct FifoVcpu {
    /// The control block (frame, byte offset), once mapped.
    control_block: Option<(Mfn, u32)>,
    /// Each queue's last port, 0 for empty (`q->tail`).
    tails: [u32; QUEUES],
}

/// A domain's FIFO state (Xen's `struct evtchn_fifo_domain` and the vCPUs' queues).
#[derive(Clone, Debug)]
pub struct FifoDomain {
    /// The event-array pages, in port order.
    event_array: Vec<Mfn>,
    /// Per vCPU.
    vcpus: Vec<FifoVcpu>,
}

/// Per-port FIFO state (the FIFO fields of Xen's `struct evtchn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FifoPort {
    /// Its priority: the queue its events go to.
    pub priority: u8,
    /// The queue it was last linked on (vCPU, priority): `fifo_lastq`.
    pub last_vcpu: u32,
    /// See `last_vcpu`.
    pub last_priority: u8,
    /// An event raised while its event-array page was missing (`evtchn->pending`).
    pub pending: bool,
}

impl Default for FifoPort {
    fn default() -> Self {
        FifoPort {
            priority: EVTCHN_FIFO_PRIORITY_DEFAULT as u8,
            last_vcpu: 0,
            last_priority: 0,
            pending: false,
        }
    }
}

impl FifoDomain {
    /// No pages yet; `vcpus` vCPUs without control blocks (`setup_control_block`,
    /// `setup_event_array`).
    pub fn new(vcpus: usize) -> Self {
        FifoDomain {
            event_array: Vec::new(),
            vcpus: alloc::vec![FifoVcpu::default(); vcpus],
        }
    }

    /// Ports the event array covers (`num_evtchns`).
    pub fn num_evtchns(&self) -> u32 {
        self.event_array.len() as u32 * EVENT_WORDS_PER_PAGE
    }

    /// Every page the domain lent (control blocks and the event array), to be given back.
    pub fn pages(&self) -> impl Iterator<Item = Mfn> + '_ {
        self.vcpus
            .iter()
            .filter_map(|v| v.control_block.map(|(mfn, _)| mfn))
            .chain(self.event_array.iter().copied())
    }

    /// Whether vCPU `vcpu` has a control block.
    pub fn has_control_block(&self, vcpu: u32) -> bool {
        self.vcpus
            .get(vcpu as usize)
            .is_some_and(|v| v.control_block.is_some())
    }

    /// Records vCPU `vcpu`'s control block (`map_control_block`); `false` if it has one.
    pub fn set_control_block(&mut self, vcpu: u32, mfn: Mfn, offset: u32) -> bool {
        match self.vcpus.get_mut(vcpu as usize) {
            Some(v) if v.control_block.is_none() => {
                v.control_block = Some((mfn, offset));
                true
            }
            _ => false,
        }
    }

    /// Whether another page fits (`add_page_to_event_array`'s slot check).
    pub fn array_full(&self) -> bool {
        self.event_array.len() >= MAX_EVENT_ARRAY_PAGES
    }

    /// Appends an event-array page; returns the first port it covers.
    pub fn add_page(&mut self, mfn: Mfn) -> u32 {
        let first = self.num_evtchns();
        self.event_array.push(mfn);
        first
    }

    /// The event word of `port`, if its page was given (`evtchn_fifo_word_from_port`).
    pub fn word(&self, port: u32) -> Option<Word32> {
        let mfn = *self
            .event_array
            .get((port / EVENT_WORDS_PER_PAGE) as usize)?;
        Some(Word32 {
            mfn,
            byte: (port % EVENT_WORDS_PER_PAGE) * 4,
        })
    }

    /// Marks `port` pending for vCPU `v` (`evtchn_fifo_set_pending`): links it on its queue if
    /// it is unmasked and not linked yet, making it the head if the queue was empty (then the
    /// queue's ready bit flags the upcall). Returns whether it was not pending before (the
    /// caller then wakes pollers).
    pub fn set_pending<F: FrameAccess>(
        &mut self,
        frames: &F,
        v: &Vcpu,
        port: u32,
        p: &mut FifoPort,
    ) -> bool {
        let Some(word) = self.word(port) else {
            // The page is not there yet: raised again when it is (`add_page_to_event_array`).
            p.pending = true;
            return false;
        };
        let vcpu = v.vcpu_id() as usize;
        let Some(cb) = self.vcpus.get(vcpu).and_then(|q| q.control_block) else {
            // "The guest must not unmask an event until the control block is initialized, so
            // we can just drop the event."
            return false;
        };
        let newly_pending = !word.test_and_set(frames, PENDING);
        let mut linked = true;
        let priority = usize::from(p.priority);
        if word.read(frames) & MASKED == 0 && !word.test_and_set(frames, LINKED) {
            // If it was a tail, its old queue is now empty.
            let (old_v, old_p) = (p.last_vcpu as usize, usize::from(p.last_priority));
            if let Some(old) = self.vcpus.get_mut(old_v) {
                if old.tails[old_p] == port {
                    old.tails[old_p] = 0;
                }
            }
            p.last_vcpu = vcpu as u32;
            p.last_priority = p.priority;
            let tail = self.vcpus[vcpu].tails[priority];
            linked = false;
            if tail != 0 {
                if let Some(tail_word) = self.word(tail) {
                    linked = set_link(frames, tail_word, port);
                }
            }
            if !linked {
                let head = Word32 {
                    mfn: cb.0,
                    byte: cb.1 + 8 + 4 * priority as u32,
                };
                head.write(frames, port);
            }
            self.vcpus[vcpu].tails[priority] = port;
        }
        if !linked {
            let ready = Word32 {
                mfn: cb.0,
                byte: cb.1,
            };
            if !ready.test_and_set(frames, 1 << priority) {
                v.mark_events_pending(frames);
            }
        }
        newly_pending
    }

    /// Clears `port`'s PENDING bit (`evtchn_fifo_clear_pending`); the guest unlinks it.
    pub fn clear_pending<F: FrameAccess>(&self, frames: &F, port: u32) {
        if let Some(w) = self.word(port) {
            w.clear(frames, PENDING);
        }
    }

    /// Unmasks `port` and links it again if it is pending (`evtchn_fifo_unmask`).
    pub fn unmask<F: FrameAccess>(&mut self, frames: &F, v: &Vcpu, port: u32, p: &mut FifoPort) {
        let Some(w) = self.word(port) else { return };
        w.clear(frames, MASKED);
        if w.read(frames) & PENDING != 0 {
            self.set_pending(frames, v, port, p);
        }
    }

    /// Whether `port` is pending.
    pub fn is_pending<F: FrameAccess>(&self, frames: &F, port: u32) -> bool {
        self.word(port)
            .is_some_and(|w| w.read(frames) & PENDING != 0)
    }

    /// Whether `port` is still linked on a queue, so cannot be reused yet
    /// (`evtchn_fifo_is_busy`).
    pub fn is_busy<F: FrameAccess>(&self, frames: &F, port: u32) -> bool {
        self.word(port)
            .is_some_and(|w| w.read(frames) & LINKED != 0)
    }
}

/// Links `port` after the tail word `w` if it is still linked (`evtchn_fifo_set_link`):
/// `true` if linked, `false` if the tail was already unlinked by the guest (the queue is empty).
/// Contention with the guest is met by holding BUSY (which keeps it from unmasking) and
/// retrying; after four tries the link is given up as made, as Xen does.
fn set_link<F: FrameAccess>(frames: &F, w: Word32, link: u32) -> bool {
    let try_set_link = |old: u32| -> Result<bool, ()> {
        if old & LINKED == 0 {
            return Ok(false);
        }
        let new = (old & !(BUSY | EVTCHN_FIFO_LINK_MASK)) | link;
        w.compare_exchange(frames, old, new)
            .map(|_| true)
            .map_err(|_| ())
    };
    if let Ok(linked) = try_set_link(w.read(frames)) {
        return linked;
    }
    w.test_and_set(frames, BUSY);
    for _ in 0..4 {
        if let Ok(linked) = try_set_link(w.read(frames)) {
            if !linked {
                w.clear(frames, BUSY);
            }
            return linked;
        }
    }
    w.clear(frames, BUSY);
    true
}
