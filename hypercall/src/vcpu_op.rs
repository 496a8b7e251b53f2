//! `__HYPERVISOR_vcpu_op` (xen/arch/x86/domain.c `do_vcpu_op`, xen/common/domain.c
//! `common_vcpu_op` and `map_vcpu_info`), `__HYPERVISOR_set_timer_op` (xen/common/sched/core.c
//! `do_set_timer_op`) and `__HYPERVISOR_vm_assist` (xen/common/domain.c `do_vm_assist`), as Xen
//! 4.17 gives them to HVM guests.
//!
//! VCPUOP_initialise gives a secondary vCPU its start state (`arch_set_info_hvm_guest`) and
//! VCPUOP_up starts it; VCPUOP_get_physid is `EINVAL` as in Xen without `dom0_vcpus_pin`.

use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, PAGE_SIZE};
use xen_mm::p2m::format::P2mFormat;
use xen_public::hvm::hvm_vcpu::vcpu_hvm_context;
use xen_public::sched::SHUTDOWN_poweroff;
use xen_public::vcpu::*;
use xen_public::xen::{
    VMASST_CMD_disable, VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, VIRQ_TIMER,
};
use xen_public::GuestHandle;
use zerocopy::IntoBytes;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::timer::{TimerId, TimerKind};
use crate::vcpu::{Vcpu, VcpuInfoArea, VCPU_INFO_SIZE};

/// One millisecond in ns (`MILLISECS(1)`): the shortest period of a periodic timer.
const MILLISECS_1: u64 = 1_000_000;
/// `STIME_DELTA_MAX`: the longest period.
const STIME_DELTA_MAX: u64 = u64::MAX >> 2;

/// VCPUOP_* for `call.caller`: `args[0]` the command, `args[1]` the vCPU id, `args[2]` the
/// argument's guest address.
pub fn do_vcpu_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let cmd = args[0] as u32;
    let vcpuid = args[1] as u32;
    let arg = args[2];
    let d = call.caller;
    let v = d.vcpu(vcpuid).ok_or(Errno::ENOENT)?;
    let is_current = vcpuid == call.vcpu;
    let rc: i64 = match cmd {
        VCPUOP_send_nmi => {
            if arg != 0 {
                return Err(Errno::EINVAL);
            }
            if v.raise_nmi() {
                v.unblock();
            }
            0
        }
        VCPUOP_register_vcpu_time_memory_area => {
            let area: vcpu_register_time_memory_area = read(call, arg)?;
            // `guest_handle_okay` holds for any address of a translated guest.
            v.state().time_area = Some(area.addr.addr());
            force_time_update(hv, call, v, is_current);
            0
        }
        VCPUOP_get_physid => return Err(Errno::EINVAL),
        VCPUOP_initialise => {
            if v.vcpu_info() == VcpuInfoArea::Dummy {
                return Err(Errno::EINVAL);
            }
            let ctx: vcpu_hvm_context = read(call, arg)?;
            // Under the domain lock, as `arch_initialise_vcpu` takes it.
            let _domain = d.state();
            if v.state().is_initialised {
                return Err(Errno::EEXIST);
            }
            let context = crate::hvm_context::context_from_hvm_vcpu(&ctx)?;
            {
                let mut vs = v.state();
                vs.context = Some(context);
                vs.is_initialised = true;
            }
            v.set_down(true);
            0
        }
        VCPUOP_up => {
            if !v.state().is_initialised {
                return Err(Errno::EINVAL);
            }
            if v.is_down() {
                v.set_down(false);
                // `vcpu_wake`: the scheduler looks for vCPUs it can now run.
                hv.unpauses
                    .fetch_add(1, core::sync::atomic::Ordering::SeqCst);
            }
            0
        }
        VCPUOP_down => {
            let others_up = d
                .vcpu_slots()
                .iter()
                .take(d.state().vcpus as usize)
                .any(|o| o.vcpu_id() != vcpuid && !o.is_down());
            if !others_up {
                // The last vCPU going down powers the domain off.
                d.shutdown(SHUTDOWN_poweroff);
            } else {
                v.set_down(true);
            }
            0
        }
        VCPUOP_is_up => i64::from(!v.is_down()),
        VCPUOP_get_runstate_info => {
            let r = v.runstate_at(hv.clock.now());
            guest::write(call.guest, GuestHandle::<vcpu_runstate_info>::new(arg), &r)?;
            0
        }
        VCPUOP_set_periodic_timer => {
            let set: vcpu_set_periodic_timer = read(call, arg)?;
            if set.period_ns < MILLISECS_1 || set.period_ns > STIME_DELTA_MAX {
                return Err(Errno::EINVAL);
            }
            set_periodic_timer(hv, d, v, set.period_ns);
            0
        }
        VCPUOP_stop_periodic_timer => {
            set_periodic_timer(hv, d, v, 0);
            0
        }
        VCPUOP_set_singleshot_timer => {
            if !is_current {
                return Err(Errno::EINVAL);
            }
            let set: vcpu_set_singleshot_timer = read(call, arg)?;
            // VCPU_SSHOTTMR_future is accepted and ignored, as in Xen 4.17: a timeout already
            // past sends the event at once.
            let id = timer_id(d, v, TimerKind::Singleshot);
            if set.timeout_abs_ns < hv.clock.now() {
                hv.timers.stop(id);
                crate::event::send_vcpu_virq(hv, d, v.vcpu_id(), VIRQ_TIMER);
            } else {
                hv.timers.set(id, set.timeout_abs_ns);
            }
            0
        }
        VCPUOP_stop_singleshot_timer => {
            if !is_current {
                return Err(Errno::EINVAL);
            }
            hv.timers.stop(timer_id(d, v, TimerKind::Singleshot));
            0
        }
        VCPUOP_register_vcpu_info => {
            let info: vcpu_register_vcpu_info = read(call, arg)?;
            let rc = map_vcpu_info(hv, d, v, is_current, info.mfn, info.offset);
            force_time_update(hv, call, v, is_current);
            rc?;
            0
        }
        VCPUOP_register_runstate_memory_area => {
            let area: vcpu_register_runstate_memory_area = read(call, arg)?;
            let addr = area.addr.addr();
            v.state().runstate_area = Some(addr);
            // Copied at once, the current vCPU's as it stands, another's as of now; a failure
            // is ignored (the area is still registered).
            let r = if is_current {
                v.state().runstate
            } else {
                v.runstate_at(hv.clock.now())
            };
            let _ = call.guest.copy_to_guest(addr, r.as_bytes());
            0
        }
        _ => return Err(Errno::ENOSYS),
    };
    Ok(Outcome::Return(rc))
}

fn read<T: zerocopy::FromBytes + IntoBytes, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    arg: u64,
) -> Result<T, Errno> {
    guest::read(call.guest, GuestHandle::<T>::new(arg))
}

fn timer_id<Fmt: P2mFormat>(d: &Domain<Fmt>, v: &Vcpu, kind: TimerKind) -> TimerId {
    TimerId {
        domid: d.domid(),
        vcpu: v.vcpu_id(),
        kind,
    }
}

/// `vcpu_set_periodic_timer`: a period of 0 stops it; otherwise it fires one period from now.
fn set_periodic_timer<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    v: &Vcpu,
    period: u64,
) {
    let id = timer_id(d, v, TimerKind::Periodic);
    v.set_periodic_period(period);
    if period == 0 {
        hv.timers.stop(id);
    } else {
        hv.timers.set(id, hv.clock.now() + period);
    }
}

/// `force_update_vcpu_system_time`: the record in the vcpu_info, and its copy in the registered
/// time area if the vCPU is the caller (whose memory `call.guest` is).
fn force_time_update<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    v: &Vcpu,
    is_current: bool,
) {
    let written = crate::time::update_vcpu_system_time(&hv.clock, &hv.heap, v, true);
    let area = v.state().time_area;
    if let (Some(info), Some(area), true) = (written, area, is_current) {
        crate::time::update_secondary_system_time(call.guest, area, &info);
    }
}

/// `map_vcpu_info`: moves `v`'s vcpu_info to byte `offset` of guest frame `gfn`, which must be
/// the domain's RAM. `ENXIO` for an offset that does not leave room for it or is not 8-aligned,
/// `EINVAL` if it was moved already, if `v` is another vCPU that is up, or if the frame is not
/// RAM. The contents move with it (a fresh one starts masked), and every selector bit is set
/// with the upcall flag, so that no event is missed.
fn map_vcpu_info<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    v: &Vcpu,
    is_current: bool,
    gfn: u64,
    offset: u32,
) -> Result<(), Errno> {
    if u64::from(offset) > PAGE_SIZE - u64::from(VCPU_INFO_SIZE) || !offset.is_multiple_of(8) {
        return Err(Errno::ENXIO);
    }
    let old = v.vcpu_info();
    if matches!(old, VcpuInfoArea::Registered { .. }) {
        return Err(Errno::EINVAL);
    }
    if !is_current && !v.is_down() {
        return Err(Errno::EINVAL);
    }
    let found = d.get_entry_alloc(&hv.heap, Gfn(gfn));
    let mfn = found
        .mfn
        .filter(|_| found.p2mt.is_ram())
        .ok_or(Errno::EINVAL)?;
    hv.heap.get_page(&d.mem, mfn)?;
    let new = VcpuInfoArea::Registered { mfn, offset };
    let (_, new_word) = new.word(0).expect("registered");
    match old.word(0) {
        // A vCPU without one gets a fresh vcpu_info, upcalls masked.
        None => {
            for i in 0..(VCPU_INFO_SIZE / 8) as usize {
                hv.heap.write_u64(mfn, new_word + i, 0);
            }
            hv.heap.write_u64(mfn, new_word, 1 << 8);
        }
        Some((old_mfn, old_word)) => {
            for i in 0..(VCPU_INFO_SIZE / 8) as usize {
                let w = hv.heap.read_u64(old_mfn, old_word + i);
                hv.heap.write_u64(mfn, new_word + i, w);
            }
        }
    }
    v.set_vcpu_info(new);
    // Everything pending, so that nothing is lost in the move: a spurious upcall at worst.
    let (_, sel) = new
        .word(crate::vcpu::layout::PENDING_SEL)
        .expect("registered");
    hv.heap.write_u64(mfn, sel, u64::MAX);
    v.mark_events_pending(&hv.heap);
    Ok(())
}

/// Drops the page reference of a registered vcpu_info (`unmap_vcpu_info`, when the domain
/// dies); the vCPU goes back to its shared_info slot, or to none.
pub fn unmap_vcpu_info<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    v: &Vcpu,
) {
    if let VcpuInfoArea::Registered { mfn, .. } = v.vcpu_info() {
        v.set_vcpu_info(crate::domain::default_vcpu_info(d.shared_info, v.vcpu_id()));
        // The reference taken in `map_vcpu_info`.
        let _ = hv.heap.put_page(mfn);
    }
}

/// `__HYPERVISOR_set_timer_op` (`do_set_timer_op`): the calling vCPU's single-shot timer at
/// `timeout` (system time); 0 stops it. A timeout that wrapped negative, or more than 2^50 ns
/// ahead, fires in 100 ms instead (Xen's workaround for old Linux guests).
pub fn do_set_timer_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let d = call.caller;
    let Some(v) = d.vcpu_slots().get(call.vcpu as usize) else {
        return Err(Errno::EINVAL);
    };
    let id = timer_id(d, v, TimerKind::Singleshot);
    let timeout = args[0] as i64;
    let now = hv.clock.now() as i64;
    let offset = timeout.wrapping_sub(now);
    if timeout == 0 {
        hv.timers.stop(id);
    } else if timeout < 0 || (offset > 0 && (offset >> 50) as u32 != 0) {
        hv.timers.set(id, now as u64 + 100 * MILLISECS_1);
    } else {
        hv.timers.set(id, timeout as u64);
    }
    Ok(Outcome::Return(0))
}

/// `__HYPERVISOR_vm_assist` (`do_vm_assist`): an HVM guest may only turn
/// VMASST_TYPE_runstate_update_flag on or off; other types are `EINVAL`, other commands
/// `ENOSYS`.
pub fn do_vm_assist<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    _hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let cmd = args[0] as u32;
    let kind = args[1] as u32;
    if kind != VMASST_TYPE_runstate_update_flag {
        return Err(Errno::EINVAL);
    }
    let mut st = call.caller.state();
    match cmd {
        VMASST_CMD_enable => st.runstate_update_flag = true,
        VMASST_CMD_disable => st.runstate_update_flag = false,
        _ => return Err(Errno::ENOSYS),
    }
    Ok(Outcome::Return(0))
}
