//! The portable vCPU (Xen's `struct vcpu`, xen/include/xen/sched.h): what common code knows of a
//! vCPU, whichever vendor runs it. The vendor's hardware state (VMCB or VMCS, registers) stays in
//! arch-x86, which reaches everything else through this.
//!
//! Fields a guest or another CPU may touch while the vCPU runs are atomics, read without a lock as
//! Xen reads them: the pause flags (`v->pause_flags`), where its vcpu_info is (`v->vcpu_info`,
//! published before any event is marked in it, as `map_vcpu_info` orders it with `smp_wmb`), its
//! VIRQ bindings (`v->virq_to_evtchn`, written under the domain's event lock) and its poll state
//! (`v->poll_evtchn` and its bit of `d->poll_mask`).

use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::lock_order::VCPU;
use xen_mm::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use xen_mm::sync::{Mutex, MutexGuard};
use xen_public::event_channel::evtchn_port_t;
use xen_public::vcpu::{vcpu_runstate_info, RUNSTATE_offline};
use xen_public::xen::{vcpu_info, NR_VIRQS};
use zerocopy::FromZeros;

/// `_VPF_blocked`: waiting for an event (SCHEDOP_block, SCHEDOP_poll, HLT).
pub const VPF_BLOCKED: u32 = 1 << 0;
/// `_VPF_down`: not brought up (VCPUOP_down, or never started).
pub const VPF_DOWN: u32 = 1 << 1;

/// Bytes of a vcpu_info; where one may be registered is aligned to 8 (`alignof(vcpu_info_t)`).
pub const VCPU_INFO_SIZE: u32 = core::mem::size_of::<vcpu_info>() as u32;

/// Where a vCPU's vcpu_info is (Xen's `v->vcpu_info` and `v->vcpu_info_mfn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VcpuInfoArea {
    /// Nowhere the guest can see: a vCPU from XEN_LEGACY_MAX_VCPUS on that has not registered
    /// one (Xen's `dummy_vcpu_info`). Events for it are marked in the shared bitmaps only, and
    /// the upcall is neither flagged nor raised (in Xen the dummy's flag, once set, stays set).
    Dummy,
    /// Slot `offset / 64` of the domain's shared_info page.
    SharedInfo {
        /// The shared_info frame.
        mfn: Mfn,
        /// Byte offset of the slot.
        offset: u32,
    },
    /// A guest page registered with VCPUOP_register_vcpu_info, referenced while it is in use.
    Registered {
        /// The guest's frame.
        mfn: Mfn,
        /// Byte offset in it (a multiple of 8).
        offset: u32,
    },
}

/// [`VcpuInfoArea`] packed into one word: the frame's address, the offset (below 4096, a
/// multiple of 8), bit 1 "somewhere", bit 0 "registered".
const AREA_PRESENT: u64 = 1 << 1;
const AREA_REGISTERED: u64 = 1 << 0;

impl VcpuInfoArea {
    fn pack(self) -> u64 {
        match self {
            VcpuInfoArea::Dummy => 0,
            VcpuInfoArea::SharedInfo { mfn, offset } => {
                mfn.paddr() | u64::from(offset) | AREA_PRESENT
            }
            VcpuInfoArea::Registered { mfn, offset } => {
                mfn.paddr() | u64::from(offset) | AREA_PRESENT | AREA_REGISTERED
            }
        }
    }

    fn unpack(word: u64) -> Self {
        if word & AREA_PRESENT == 0 {
            return VcpuInfoArea::Dummy;
        }
        let mfn = Mfn::from_paddr(word);
        let offset = (word & 0xff8) as u32;
        if word & AREA_REGISTERED != 0 {
            VcpuInfoArea::Registered { mfn, offset }
        } else {
            VcpuInfoArea::SharedInfo { mfn, offset }
        }
    }

    /// The frame and the index of the word `byte` bytes into the vcpu_info, if it is anywhere.
    pub fn word(self, byte: u32) -> Option<(Mfn, usize)> {
        match self {
            VcpuInfoArea::Dummy => None,
            VcpuInfoArea::SharedInfo { mfn, offset } | VcpuInfoArea::Registered { mfn, offset } => {
                Some((mfn, ((offset + byte) / 8) as usize))
            }
        }
    }
}

/// Byte offsets in a vcpu_info (public/xen.h).
pub mod layout {
    /// The word holding `evtchn_upcall_pending` (byte 0) and `evtchn_upcall_mask` (byte 1).
    pub const UPCALL: u32 = 0;
    /// `evtchn_pending_sel`.
    pub const PENDING_SEL: u32 = 8;
    /// `time`, a vcpu_time_info.
    pub const TIME: u32 = 32;
    /// `evtchn_upcall_pending` within the upcall word.
    pub const UPCALL_PENDING_BIT: u64 = 1 << 0;
}

/// What a vCPU's own lock guards: its registered areas and run-state accounting.
#[derive(Clone, Debug)]
pub struct VcpuState {
    /// Time spent in each RUNSTATE_* and since when it is in the current one (`v->runstate`).
    pub runstate: vcpu_runstate_info,
    /// Where the guest wants its runstate copied (VCPUOP_register_runstate_memory_area): a guest
    /// virtual address in the vCPU's own address space.
    pub runstate_area: Option<u64>,
    /// Where the guest wants a second copy of its time record
    /// (VCPUOP_register_vcpu_time_memory_area): a guest virtual address.
    pub time_area: Option<u64>,
    /// Whether it has a register context to start from (`v->is_initialised`): set when the
    /// domain builder or the toolstack (a CPU record of XEN_DOMCTL_sethvmcontext) gives it one.
    pub is_initialised: bool,
    /// The registers the last CPU record loaded, for the save format and the arch layer's start.
    pub context: Option<crate::hvm_context::HvmVcpuContext>,
    /// Its PAT and MTRR MSRs (the save format's MTRR record).
    pub mtrr: xen_public::arch_x86::hvm::save::hvm_hw_mtrr,
    /// Its local APIC (`v->arch.hvm.vlapic`), reached by the vendor layer through
    /// [`crate::vlapic::access`].
    pub vlapic: crate::vlapic::Vlapic,
    /// Its other MSRs the policy keeps ([`crate::msr`]: vMCE, TSC_AUX, DEBUGCTL, ...).
    pub msrs: crate::msr::VcpuMsrs,
}

/// A vCPU of a domain.
pub struct Vcpu {
    vcpu_id: u32,
    /// VPF_* flags (`v->pause_flags`).
    pause_flags: AtomicU32,
    /// Where its vcpu_info is, packed ([`VcpuInfoArea`]).
    vcpu_info: AtomicU64,
    /// The port each VIRQ is bound to, 0 for none (`v->virq_to_evtchn`). Global VIRQs are kept
    /// on vCPU 0. Written under the domain's event lock; read without it.
    virq_to_evtchn: [AtomicU32; NR_VIRQS as usize],
    /// Its bit of Xen's `d->poll_mask`: it is in SCHEDOP_poll.
    polling: AtomicBool,
    /// The one port it polls (`v->poll_evtchn`), or 0 when it polls several (any event of the
    /// domain wakes it then).
    poll_evtchn: AtomicU32,
    /// Nanoseconds between periodic VIRQ_TIMERs, 0 when stopped (`v->periodic_period`).
    periodic_period: AtomicU64,
    /// An NMI to inject (`v->arch.nmi_pending`, VCPUOP_send_nmi).
    nmi_pending: AtomicBool,
    /// The vector HVMOP_set_evtchn_upcall_vector set for its upcalls, 0 for none
    /// (`v->arch.hvm.evtchn_upcall_vector`).
    upcall_vector: AtomicU32,
    state: Mutex<VcpuState>,
}

impl Vcpu {
    /// vCPU `vcpu_id`, down, with its vcpu_info at `area`.
    pub fn new(vcpu_id: u32, area: VcpuInfoArea) -> Self {
        Vcpu {
            vcpu_id,
            pause_flags: AtomicU32::new(VPF_DOWN),
            vcpu_info: AtomicU64::new(area.pack()),
            virq_to_evtchn: core::array::from_fn(|_| AtomicU32::new(0)),
            polling: AtomicBool::new(false),
            poll_evtchn: AtomicU32::new(0),
            periodic_period: AtomicU64::new(0),
            nmi_pending: AtomicBool::new(false),
            upcall_vector: AtomicU32::new(0),
            state: Mutex::new(
                VCPU,
                VcpuState {
                    runstate: {
                        let mut r = vcpu_runstate_info::new_zeroed();
                        r.state = RUNSTATE_offline as i32;
                        r
                    },
                    runstate_area: None,
                    time_area: None,
                    is_initialised: false,
                    context: None,
                    mtrr: crate::hvm_context::HvmVcpuState::new().mtrr,
                    vlapic: crate::vlapic::Vlapic::new(vcpu_id),
                    msrs: crate::msr::VcpuMsrs::default(),
                },
            ),
        }
    }

    /// Locks its registered areas and run-state accounting.
    pub fn state(&self) -> MutexGuard<'_, VcpuState> {
        self.state.lock()
    }

    /// Moves it to RUNSTATE_* `new` at system time `now` (`vcpu_runstate_change`): the time since
    /// it entered its current state is added to that state's total.
    pub fn runstate_change(&self, new: u32, now: u64) {
        let mut st = self.state.lock();
        let r = &mut st.runstate;
        if r.state == new as i32 {
            return;
        }
        if now > r.state_entry_time {
            if let Some(total) = r.time.get_mut(r.state as usize) {
                *total += now - r.state_entry_time;
            }
            r.state_entry_time = now;
        }
        r.state = new as i32;
    }

    /// Its run-state totals as of `now` (`vcpu_runstate_get`): the current state's time runs
    /// up to now.
    pub fn runstate_at(&self, now: u64) -> vcpu_runstate_info {
        let mut r = self.state.lock().runstate;
        if now > r.state_entry_time {
            if let Some(total) = r.time.get_mut(r.state as usize) {
                *total += now - r.state_entry_time;
            }
        }
        r
    }

    /// The period of its periodic timer, 0 if stopped.
    pub fn periodic_period(&self) -> u64 {
        self.periodic_period.load(Ordering::SeqCst)
    }

    /// Sets the period of its periodic timer (0 stops it).
    pub fn set_periodic_period(&self, ns: u64) {
        self.periodic_period.store(ns, Ordering::SeqCst);
    }

    /// The vector of its own upcalls (HVMOP_set_evtchn_upcall_vector), if set.
    pub fn upcall_vector(&self) -> Option<u8> {
        match self.upcall_vector.load(Ordering::SeqCst) {
            0 => None,
            v => Some(v as u8),
        }
    }

    /// Sets the vector of its own upcalls.
    pub fn set_upcall_vector(&self, vector: u8) {
        self.upcall_vector
            .store(u32::from(vector), Ordering::SeqCst);
    }

    /// Flags an NMI for it; `true` if one was not pending already.
    pub fn raise_nmi(&self) -> bool {
        !self.nmi_pending.swap(true, Ordering::SeqCst)
    }

    /// Takes the pending NMI, for the vendor layer to inject.
    pub fn take_nmi(&self) -> bool {
        self.nmi_pending.swap(false, Ordering::SeqCst)
    }

    /// The guest's RDMSR of `msr` under the domain's policy `p` ([`crate::msr::rdmsr`]).
    pub fn rdmsr<H: crate::msr::HostMsrs>(
        &self,
        p: &crate::msr::MsrPolicy,
        host: &H,
        msr: u32,
    ) -> crate::msr::Rdmsr {
        let st = self.state.lock();
        crate::msr::rdmsr(p, &st.mtrr, &st.msrs, host, msr)
    }

    /// The guest's WRMSR of `value` to `msr` under the domain's policy `p`
    /// ([`crate::msr::wrmsr`]).
    pub fn wrmsr<H: crate::msr::HostMsrs>(
        &self,
        p: &crate::msr::MsrPolicy,
        host: &H,
        msr: u32,
        value: u64,
    ) -> crate::msr::Wrmsr {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        crate::msr::wrmsr(p, &mut st.mtrr, &mut st.msrs, host, msr, value)
    }

    /// Its MSR_TSC_AUX, which the hardware must hold while it runs (RDTSCP and RDPID read it).
    pub fn tsc_aux(&self) -> u64 {
        self.state.lock().msrs.tsc_aux
    }

    /// The guest's MSR_INTEL_MISC_FEATURES_ENABLES asks for CPUID faulting.
    pub fn cpuid_faulting(&self) -> bool {
        self.state.lock().msrs.misc_features_enables & crate::msr::MISC_FEATURES_CPUID_FAULTING != 0
    }

    /// Its id in its domain.
    pub fn vcpu_id(&self) -> u32 {
        self.vcpu_id
    }

    /// Where its vcpu_info is.
    pub fn vcpu_info(&self) -> VcpuInfoArea {
        VcpuInfoArea::unpack(self.vcpu_info.load(Ordering::Acquire))
    }

    /// Moves its vcpu_info (`map_vcpu_info`): published before the caller marks events in it.
    pub fn set_vcpu_info(&self, area: VcpuInfoArea) {
        self.vcpu_info.store(area.pack(), Ordering::Release);
    }

    /// The VPF_* flags.
    pub fn pause_flags(&self) -> u32 {
        self.pause_flags.load(Ordering::SeqCst)
    }

    /// Whether it waits for an event.
    pub fn is_blocked(&self) -> bool {
        self.pause_flags() & VPF_BLOCKED != 0
    }

    /// Whether it is down.
    pub fn is_down(&self) -> bool {
        self.pause_flags() & VPF_DOWN != 0
    }

    /// Marks it blocked (`vcpu_block`'s `set_bit(_VPF_blocked)`); the caller then checks for
    /// events that arrived meanwhile, and unblocks it if there are any.
    pub fn block(&self) {
        self.pause_flags.fetch_or(VPF_BLOCKED, Ordering::SeqCst);
    }

    /// Wakes it if it is blocked (`vcpu_unblock`): `true` if it was.
    pub fn unblock(&self) -> bool {
        self.pause_flags.fetch_and(!VPF_BLOCKED, Ordering::SeqCst) & VPF_BLOCKED != 0
    }

    /// Sets or clears VPF_down.
    pub fn set_down(&self, down: bool) {
        if down {
            self.pause_flags.fetch_or(VPF_DOWN, Ordering::SeqCst);
        } else {
            self.pause_flags.fetch_and(!VPF_DOWN, Ordering::SeqCst);
        }
    }

    /// The port `virq` is bound to on this vCPU, 0 if none. `virq` must be below NR_VIRQS.
    pub fn virq_port(&self, virq: u32) -> evtchn_port_t {
        self.virq_to_evtchn[virq as usize].load(Ordering::Acquire)
    }

    /// Binds `virq` to `port` (0 unbinds). Under the domain's event lock.
    pub(crate) fn set_virq_port(&self, virq: u32, port: evtchn_port_t) {
        self.virq_to_evtchn[virq as usize].store(port, Ordering::Release);
    }

    /// Starts a poll of `port` (0: of several ports): sets its poll bit.
    pub fn start_poll(&self, port: evtchn_port_t) {
        self.poll_evtchn.store(port, Ordering::SeqCst);
        self.polling.store(true, Ordering::SeqCst);
    }

    /// Ends its poll; `true` if it was polling.
    pub fn stop_poll(&self) -> bool {
        self.poll_evtchn.store(0, Ordering::SeqCst);
        self.polling.swap(false, Ordering::SeqCst)
    }

    /// Whether an event on `port` ends its poll (`evtchn_check_pollers`): it polls that port or
    /// several. Clears its poll bit if so, so that only one waker acts.
    pub fn poll_woken_by(&self, port: evtchn_port_t) -> bool {
        if !self.polling.load(Ordering::SeqCst) {
            return false;
        }
        let polled = self.poll_evtchn.load(Ordering::SeqCst);
        if polled != 0 && polled != port {
            return false;
        }
        if self.polling.swap(false, Ordering::SeqCst) {
            self.poll_evtchn.store(0, Ordering::SeqCst);
            return true;
        }
        false
    }

    /// Whether it is in SCHEDOP_poll.
    pub fn is_polling(&self) -> bool {
        self.polling.load(Ordering::SeqCst)
    }

    /// Flags an upcall (`vcpu_mark_events_pending`): sets `evtchn_upcall_pending`, and if it was
    /// clear raises it ([`assert_evtchn_irq`](Self::assert_evtchn_irq)).
    pub fn mark_events_pending<F: FrameAccess>(&self, frames: &F) {
        let Some((mfn, word)) = self.vcpu_info().word(layout::UPCALL) else {
            return;
        };
        let before = frames.fetch_or_u64(mfn, word, layout::UPCALL_PENDING_BIT);
        if before & layout::UPCALL_PENDING_BIT == 0 {
            self.assert_evtchn_irq();
        }
    }

    /// `hvm_assert_evtchn_irq`: with an upcall vector of its own (HVMOP_set_evtchn_upcall_vector)
    /// the vector is requested in its vLAPIC, edge-triggered, and the guest EOIs it
    /// (`vlapic_set_irq`, which kicks the vCPU when the vector is newly requested); otherwise the
    /// vCPU is kicked and the vendor layer injects the domain's callback vector while the upcall
    /// stays flagged (`hvm_vcpu_has_pending_irq`). Takes the vCPU's lock.
    pub fn assert_evtchn_irq(&self) {
        let kick = match self.upcall_vector() {
            Some(vector) => self.state().vlapic.set_irq(vector, false),
            None => true,
        };
        if kick {
            self.unblock();
        }
    }

    /// The guest software-enabled its vLAPIC (`vlapic_reg_write` of SPIV): an upcall still
    /// flagged is requested again on its upcall vector.
    pub fn reassert_upcall<F: FrameAccess>(&self, frames: &F) {
        if self.upcall_vector().is_some() && self.upcall_pending(frames) {
            self.assert_evtchn_irq();
        }
    }

    /// Whether `evtchn_upcall_pending` is set in its vcpu_info.
    pub fn upcall_pending<F: FrameAccess>(&self, frames: &F) -> bool {
        self.vcpu_info()
            .word(layout::UPCALL)
            .is_some_and(|(mfn, word)| frames.read_u64(mfn, word) & layout::UPCALL_PENDING_BIT != 0)
    }
}

/// Copies `v`'s run state to the area it registered (`update_runstate_area`, which copies
/// `v->runstate` as it stands: the current state's time up to its last change), through
/// `guest`, the vCPU's own memory (the area is a virtual address of its). With
/// VMASST_TYPE_runstate_update_flag (`update_flag`) the copy is bracketed: `state_entry_time`
/// gets XEN_RUNSTATE_UPDATE first and loses it last, so a reader can tell a torn copy. A copy
/// that faults is given up, as in Xen.
pub fn update_runstate_area<G: crate::guest::GuestMemory>(
    v: &Vcpu,
    guest: &mut G,
    update_flag: bool,
) {
    use xen_public::vcpu::XEN_RUNSTATE_UPDATE;
    use zerocopy::IntoBytes;
    let (area, mut r) = {
        let st = v.state();
        match st.runstate_area {
            Some(area) => (area, st.runstate),
            None => return,
        }
    };
    // `state_entry_time` is the second field, 8 bytes in.
    let entry_time = area.wrapping_add(8);
    if update_flag {
        let busy = r.state_entry_time | XEN_RUNSTATE_UPDATE;
        if guest
            .copy_to_guest(entry_time, &busy.to_le_bytes())
            .is_err()
        {
            return;
        }
        r.state_entry_time = busy;
    }
    if guest.copy_to_guest(area, r.as_bytes()).is_err() {
        return;
    }
    if update_flag {
        let done = r.state_entry_time & !XEN_RUNSTATE_UPDATE;
        let _ = guest.copy_to_guest(entry_time, &done.to_le_bytes());
    }
}
