//! The 2-level event-channel ABI (xen/common/event_2l.c): a pending and a mask bitmap in the
//! shared_info page, and in each vCPU's vcpu_info a selector word (one bit per bitmap word) and
//! the upcall flag.
//!
//! The guest and the hypervisor update these words at the same time without a shared lock: the
//! guest masks and unmasks ports by setting and clearing mask bits, and its upcall handler clears
//! `evtchn_upcall_pending`, then takes the selector word with an exchange, then clears each
//! pending bit it handles; the hypervisor sets pending bits ([`set_pending`]) and clears mask
//! bits for EVTCHNOP_unmask ([`unmask`]). Every update is an atomic read-modify-write of one
//! word, and they happen in this order:
//!
//! - set_pending: set `pending[p]`; if it was already set, stop (whoever set it delivers it).
//!   Then if `mask[p]` is clear, set `sel[p / 64]`; if that was clear, set the upcall flag.
//! - unmask: clear `mask[p]`; if it was set and `pending[p]` is set, set `sel[p / 64]`; if that
//!   was clear, set the upcall flag.
//! - the guest: clear the upcall flag, exchange `sel` with 0, and for each word it names handle
//!   the ports pending and not masked, clearing `pending[p]` first.
//!
//! The invariant: a port that is pending and not masked is either being handled by the guest or
//! has its selector bit and the upcall flag set, so an upcall will come. The interleavings:
//!
//! 1. set_pending races a guest masking the port: if it reads the mask clear, the selector and
//!    flag are set (a spurious upcall at worst: the guest finds the port masked and leaves it
//!    pending); if it reads it set, the port stays pending and masked, which is the guest's
//!    unmask's to deliver (Linux unmasks locally and re-checks pending, or asks EVTCHNOP_unmask).
//! 2. set_pending races unmask of the same port: both test the bits the other sets after setting
//!    their own. Whichever runs second sees both pending set and mask clear; if both see it, both
//!    set the selector bit and only the first to set it raises the flag. No order leaves the port
//!    pending, unmasked and unannounced.
//! 3. set_pending races the guest's handler: the handler clears the flag before it exchanges the
//!    selector, so a selector bit set after the exchange comes with a flag set after the clear.
//!    A pending bit set before the handler reads its word is handled now; one set after it is
//!    announced by the selector bit set after the exchange.
//! 4. Two set_pendings of the same port: the first to set the pending bit announces it, the
//!    second stops (an event channel is a flag, not a counter).
//!
//! Each plain read above follows a locked update on the same CPU, which on x86 is a full
//! barrier: the read cannot be satisfied before the update is visible to all (Xen relies on the
//! same, "the atomic bit operations also act as memory barriers"). Without it, 2 could end with
//! both sides reading the other's bit stale. `loom_events` checks these with loom against this
//! very code, modelling that barrier.

use xen_mm::frame::{FrameAccess, Mfn};
use xen_public::event_channel::evtchn_port_t;

use crate::vcpu::{layout, Vcpu};

/// Ports of the 2-level ABI for a 64-bit guest: one bit of the 64-bit selector per 64-bit word
/// of the bitmaps (`BITS_PER_EVTCHN_WORD(d)` squared).
pub const NR_CHANNELS: u32 = 64 * 64;
/// The first word of shared_info's `evtchn_pending`.
const PENDING_WORD0: usize = 2048 / 8;
/// The first word of shared_info's `evtchn_mask`.
const MASK_WORD0: usize = 2560 / 8;

fn word_and_bit(port: evtchn_port_t) -> (usize, u64) {
    ((port / 64) as usize, 1 << (port % 64))
}

/// Sets the selector bit of bitmap word `word` in `v`'s vcpu_info; flags the upcall if it was
/// clear.
fn announce<F: FrameAccess>(frames: &F, v: &Vcpu, word: usize) {
    let Some((mfn, sel)) = v.vcpu_info().word(layout::PENDING_SEL) else {
        return;
    };
    let bit = 1 << word;
    if frames.fetch_or_u64(mfn, sel, bit) & bit == 0 {
        v.mark_events_pending(frames);
    }
}

/// Marks `port` pending for vCPU `v` (`evtchn_2l_set_pending`). `true` if it was not pending
/// yet: the caller then wakes vCPUs polling it.
pub fn set_pending<F: FrameAccess>(
    frames: &F,
    shared_info: Mfn,
    v: &Vcpu,
    port: evtchn_port_t,
) -> bool {
    let (word, bit) = word_and_bit(port);
    if frames.fetch_or_u64(shared_info, PENDING_WORD0 + word, bit) & bit != 0 {
        return false;
    }
    if frames.read_u64(shared_info, MASK_WORD0 + word) & bit == 0 {
        announce(frames, v, word);
    }
    true
}

/// Clears `port`'s pending bit (`evtchn_2l_clear_pending`), when it is closed.
pub fn clear_pending<F: FrameAccess>(frames: &F, shared_info: Mfn, port: evtchn_port_t) {
    let (word, bit) = word_and_bit(port);
    frames.fetch_and_not_u64(shared_info, PENDING_WORD0 + word, bit);
}

/// Unmasks `port`, announcing it to `v` if it is pending (`evtchn_2l_unmask`).
pub fn unmask<F: FrameAccess>(frames: &F, shared_info: Mfn, v: &Vcpu, port: evtchn_port_t) {
    let (word, bit) = word_and_bit(port);
    if frames.fetch_and_not_u64(shared_info, MASK_WORD0 + word, bit) & bit != 0
        && frames.read_u64(shared_info, PENDING_WORD0 + word) & bit != 0
    {
        announce(frames, v, word);
    }
}

/// Whether `port` is pending (`evtchn_2l_is_pending`).
pub fn is_pending<F: FrameAccess>(frames: &F, shared_info: Mfn, port: evtchn_port_t) -> bool {
    let (word, bit) = word_and_bit(port);
    port < NR_CHANNELS && frames.read_u64(shared_info, PENDING_WORD0 + word) & bit != 0
}
