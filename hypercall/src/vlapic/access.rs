//! The vLAPIC as the vendor layer and the timer queue reach it: each call takes the vCPU's lock
//! (`vcpu`, level 10), runs the [`Vlapic`] model, keeps the vCPU's
//! [`TimerKind::Lapic`](crate::timer::TimerKind::Lapic) timer at the model's deadline (the
//! queue's lock, 950, inside it), releases it, and only then delivers an IPI to the domain's
//! vCPUs one lock at a time (`vlapic_ipi`, `vlapic_accept_irq`, `vlapic_lowest_prio`).
//!
//! Invariant kept here: after every call, the vCPU's Lapic timer in the queue is armed at
//! [`Vlapic::timer_deadline`], or not armed when that is `None`.

use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;

use super::bits::*;
use super::{Effects, Gp, Ipi, Vlapic, MSR_APIC_BASE, MSR_IA32_TSC_DEADLINE};
use super::{MSR_X2APIC_FIRST, MSR_X2APIC_LAST};
use crate::domain::Domain;
use crate::hypervisor::Hypervisor;
use crate::time::TimeScale;
use crate::timer::{TimerId, TimerKind, TimerQueue};
use crate::vcpu::Vcpu;

/// What an access did, for the vendor layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// What the access asked for: the vendor layer acts on its `eoi` (`vlapic_handle_EOI`'s
    /// to-do: the I/O APIC for level-triggered vectors, and the upcall's EOI) and `sw_enabled`
    /// (re-assert a pending upcall); the IPI, the timer and the kick are done already.
    pub effects: Effects,
    /// An IPI of a mode the model does not deliver yet (INIT, STARTUP: Xen's
    /// `vlapic_init_sipi_action` tasklet), for the caller to act on.
    pub init_sipi: Option<Ipi>,
    /// An IPI Xen answers with `domain_crash` (ExtINT through the ICR, `vlapic_accept_irq`).
    pub crash: bool,
}

/// The queue's name for `v`'s LAPIC timer in domain `domid`.
pub fn timer_id(domid: xen_mm::buddy::DomId, v: &Vcpu) -> TimerId {
    TimerId {
        domid,
        vcpu: v.vcpu_id(),
        kind: TimerKind::Lapic,
    }
}

/// Arms or stops `id` to match `vlapic`'s deadline.
fn sync_timer(timers: &TimerQueue, id: TimerId, vlapic: &Vlapic) {
    match vlapic.timer_deadline() {
        Some(deadline) => timers.set(id, deadline),
        None => {
            timers.stop(id);
        }
    }
}

/// Runs `f` on `v`'s vLAPIC under its lock, re-queues its timer if `f` says so, then acts on
/// the effects with the lock released.
fn with_vlapic<Fmt: P2mFormat, R>(
    timers: &TimerQueue,
    d: &Domain<Fmt>,
    v: &Vcpu,
    f: impl FnOnce(&mut Vlapic) -> Result<(Effects, R), Gp>,
) -> Result<(Done, R), Gp> {
    let (fx, r) = {
        let mut st = v.state();
        let (fx, r) = f(&mut st.vlapic)?;
        if fx.timer {
            sync_timer(timers, timer_id(d.domid(), v), &st.vlapic);
        }
        (fx, r)
    };
    if fx.kick {
        v.unblock();
    }
    let mut done = Done {
        effects: fx,
        ..Done::default()
    };
    if let Some(ipi) = fx.ipi {
        deliver_ipi(d.vcpu_slots(), &ipi, &mut done);
    }
    Ok((done, r))
}

/// Whether guest-physical `addr` is in `v`'s xAPIC page (`vlapic_range`): the vendor layer asks
/// before decoding a nested-page fault as a vLAPIC access.
pub fn mmio_range(v: &Vcpu, addr: u64) -> bool {
    v.state().vlapic.mmio_range(addr)
}

/// `vlapic_mmio_read` of `len` bytes at `offset` in the xAPIC page, at system time `now`.
pub fn mmio_read(v: &Vcpu, offset: u32, len: u32, now: u64) -> u32 {
    v.state().vlapic.mmio_read(offset, len, now)
}

/// `vlapic_mmio_write` of `len` bytes of `val` at `offset` in the xAPIC page.
pub fn mmio_write<Fmt: P2mFormat>(
    timers: &TimerQueue,
    d: &Domain<Fmt>,
    v: &Vcpu,
    offset: u32,
    len: u32,
    val: u32,
    now: u64,
) -> Done {
    with_vlapic(timers, d, v, |l| {
        Ok((l.mmio_write(offset, len, val, now), ()))
    })
    .map_or_else(|Gp| Done::default(), |(done, ())| done)
}

/// RDMSR of a vLAPIC MSR: `None` if `msr` is not one (the caller's MSR code decides);
/// `Some(Err(Gp))` to inject #GP. MSR_APIC_BASE (`hvm_msr_read_intercept`), the TSC deadline
/// (`vlapic_tdt_msr_get`) and the x2APIC range (`guest_rdmsr_x2apic`).
pub fn rdmsr(v: &Vcpu, msr: u32, now: u64) -> Option<Result<u64, Gp>> {
    let st = v.state();
    match msr {
        MSR_APIC_BASE => Some(Ok(st.vlapic.apic_base())),
        MSR_IA32_TSC_DEADLINE => Some(Ok(st.vlapic.tdt_msr())),
        MSR_X2APIC_FIRST..=MSR_X2APIC_LAST => Some(st.vlapic.rdmsr_x2apic(msr, now)),
        _ => None,
    }
}

/// The clock a WRMSR needs: system time, the TSC and its scale to ns (for the TSC deadline).
#[derive(Clone, Copy, Debug)]
pub struct Now {
    /// System time, ns.
    pub ns: u64,
    /// The (guest = host) TSC.
    pub tsc: u64,
    /// TSC ticks to ns.
    pub scale: TimeScale,
}

/// WRMSR of a vLAPIC MSR: `None` if `msr` is not one; `Some(Err(Gp))` to inject #GP.
/// MSR_APIC_BASE (`guest_wrmsr_apic_base`, with `x2apic_allowed` from the CPUID policy), the TSC
/// deadline (`vlapic_tdt_msr_set`) and the x2APIC range (`guest_wrmsr_x2apic`).
pub fn wrmsr<Fmt: P2mFormat>(
    timers: &TimerQueue,
    d: &Domain<Fmt>,
    v: &Vcpu,
    msr: u32,
    val: u64,
    x2apic_allowed: bool,
    now: Now,
) -> Option<Result<Done, Gp>> {
    let op = |l: &mut Vlapic| -> Result<(Effects, ()), Gp> {
        let fx = match msr {
            MSR_APIC_BASE => l.set_apic_base(val, x2apic_allowed)?,
            MSR_IA32_TSC_DEADLINE => l.set_tdt_msr(val, now.tsc, now.scale, now.ns),
            _ => l.wrmsr_x2apic(msr, val, now.ns)?,
        };
        Ok((fx, ()))
    };
    match msr {
        MSR_APIC_BASE | MSR_IA32_TSC_DEADLINE | MSR_X2APIC_FIRST..=MSR_X2APIC_LAST => {
            Some(with_vlapic(timers, d, v, op).map(|(done, ())| done))
        }
        _ => None,
    }
}

/// The vector to inject into `v` now, if any: the highest requested whose class is above the
/// processor priority (`vlapic_has_pending_irq`, `hvm_interrupt_blocked`).
pub fn pending_irq(v: &Vcpu) -> Option<u8> {
    v.state().vlapic.pending_irq()
}

/// `vector` was injected into `v` (`vlapic_ack_pending_irq`): from IRR to ISR.
pub fn ack_irq(v: &Vcpu, vector: u8) {
    v.state().vlapic.ack_pending_irq(vector);
}

/// Requests `vector` on `v` (`vlapic_set_irq`), kicking it if the vector is newly requested.
pub fn set_irq(v: &Vcpu, vector: u8, level: bool) {
    let kick = v.state().vlapic.set_irq(vector, level);
    if kick {
        v.unblock();
    }
}

/// The Lapic timer of vCPU `v` of `d` expired at `now` (from `run_timers`): the model fires it,
/// and a periodic timer goes back in the queue.
pub fn timer_fn<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    v: &Vcpu,
    now: u64,
) {
    let fired = {
        let mut st = v.state();
        let fired = st.vlapic.timer_expired(now);
        sync_timer(&hv.timers, timer_id(d.domid(), v), &st.vlapic);
        fired
    };
    if fired.kick {
        v.unblock();
    }
}

/// `vlapic_accept_irq`: a fixed or lowest-priority IPI is requested if the target's APIC is
/// enabled; remote read and SMI are ignored; NMI is flagged for injection; ExtINT crashes the
/// domain in Xen. Under the target's lock.
fn accept_irq(target: &Vcpu, vlapic: &mut Vlapic, icr_low: u32, done: &mut Done) {
    match icr_low & MODE_MASK {
        DM_FIXED | DM_LOWEST => {
            if vlapic.enabled() && vlapic.set_irq(icr_low as u8, false) {
                target.unblock();
            }
        }
        DM_REMRD | DM_SMI => {}
        DM_NMI => {
            if target.raise_nmi() {
                target.unblock();
            }
        }
        _ => done.crash = true,
    }
}

/// `vlapic_lowest_prio`: of the enabled vLAPICs `ipi` matches, the one of lowest PPR, ties to
/// the first from vCPU 1 on (Xen's round robin starts after the last target, vCPU 0 at first).
/// One vCPU lock at a time.
pub fn lowest_prio<'a>(vcpus: &'a [Vcpu], ipi: &Ipi) -> Option<&'a Vcpu> {
    let n = vcpus.len();
    let mut best: Option<(u32, &Vcpu)> = None;
    for i in 0..n {
        let v = &vcpus[(i + 1) % n];
        let l = &v.state().vlapic;
        if l.match_dest(ipi) && l.enabled() {
            let ppr = l.ppr();
            if best.is_none_or(|(b, _)| ppr < b) {
                best = Some((ppr, v));
            }
        }
    }
    best.map(|(_, v)| v)
}

/// Delivers `ipi` to the vCPUs of its domain (`vlapic_ipi` after the sender's checks): INIT and
/// STARTUP are handed back; lowest priority goes to [`lowest_prio`]'s choice;
/// every other mode to each matching APIC (`vlapic_match_dest`). One vCPU lock at a time.
pub fn deliver_ipi(vcpus: &[Vcpu], ipi: &Ipi, done: &mut Done) {
    match ipi.mode() {
        DM_INIT | DM_STARTUP => done.init_sipi = Some(*ipi),
        DM_LOWEST => {
            if let Some(v) = lowest_prio(vcpus, ipi) {
                let mut st = v.state();
                accept_irq(v, &mut st.vlapic, ipi.icr_low, done);
            }
        }
        _ => {
            for v in vcpus {
                let mut st = v.state();
                if st.vlapic.match_dest(ipi) {
                    accept_irq(v, &mut st.vlapic, ipi.icr_low, done);
                }
            }
        }
    }
}
