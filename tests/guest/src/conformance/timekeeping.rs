//! Time, timers and vCPU operations: the `vcpu_time_info` record (xen/arch/x86/time.c
//! `__update_vcpu_system_time`), the wallclock (xen/common/time.c
//! `update_domain_wallclock_time`), VCPUOP_* (xen/arch/x86/domain.c `do_vcpu_op`,
//! xen/common/domain.c `common_vcpu_op`), set_timer_op and SCHEDOP_poll
//! (xen/common/sched/core.c `do_set_timer_op`, `do_poll`), vm_assist (`do_vm_assist`).
//! Waiting is done with SCHEDOP_poll on the VIRQ_TIMER port, interrupts off, so no upcall is
//! ever delivered. Runs after the event-channel cases, which map shared_info.

use core::arch::x86_64::_rdtsc;

use xen_public::sched::{sched_poll, SCHEDOP_poll};
use xen_public::vcpu::*;
use xen_public::xen::{
    __HYPERVISOR_sched_op, __HYPERVISOR_set_timer_op, __HYPERVISOR_vcpu_op, __HYPERVISOR_vm_assist,
    VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, VIRQ_TIMER,
};
use xen_public::GuestHandle;
use zerocopy::FromZeros;

use super::events::{
    alloc_unbound, bind_virq, clear_pending, close, map_shared_info, pending, shinfo_word,
};
use super::Rc;
use crate::case;
use crate::hypercall::hypercall;

/// What a guest computes system time from (`struct vcpu_time_info`).
#[derive(Clone, Copy)]
struct TimeInfo {
    version: u32,
    tsc_timestamp: u64,
    system_time: u64,
    mul: u32,
    shift: i8,
    flags: u8,
}

/// vCPU 0's record in shared_info (vcpu_info[0].time, words 4 to 7), read under the version
/// protocol: retried while the version is odd or changes.
fn time_info() -> TimeInfo {
    loop {
        let v1 = shinfo_word(4) as u32;
        let rec = TimeInfo {
            version: v1,
            tsc_timestamp: shinfo_word(5),
            system_time: shinfo_word(6),
            mul: shinfo_word(7) as u32,
            shift: (shinfo_word(7) >> 32) as u8 as i8,
            flags: (shinfo_word(7) >> 40) as u8,
        };
        if v1.is_multiple_of(2) && shinfo_word(4) as u32 == v1 {
            return rec;
        }
    }
}

fn rdtsc() -> u64 {
    // SAFETY: RDTSC only reads the time-stamp counter.
    unsafe { _rdtsc() }
}

/// System time now, as a PV clock reader computes it.
pub fn now() -> u64 {
    let t = time_info();
    let delta = rdtsc().wrapping_sub(t.tsc_timestamp);
    let shifted = if t.shift < 0 {
        delta >> -t.shift
    } else {
        delta << t.shift
    };
    t.system_time + ((u128::from(shifted) * u128::from(t.mul)) >> 32) as u64
}

fn vcpu_op(cmd: u32, vcpu: u32, arg: u64) -> i64 {
    // SAFETY: `arg` is 0 or a structure on our stack, which the hypervisor may read and write.
    unsafe {
        hypercall(
            __HYPERVISOR_vcpu_op,
            [u64::from(cmd), u64::from(vcpu), arg, 0, 0],
        )
    }
}

fn runstate() -> (i64, vcpu_runstate_info) {
    let mut r = vcpu_runstate_info::new_zeroed();
    let rc = vcpu_op(VCPUOP_get_runstate_info, 0, (&raw mut r) as u64);
    (rc, r)
}

/// SCHEDOP_poll on `ports` until `timeout` (system time, 0 for none).
pub fn poll(ports: &[u32], timeout: u64) -> i64 {
    let mut p = sched_poll::new_zeroed();
    p.ports = GuestHandle::new(ports.as_ptr() as u64);
    p.nr_ports = ports.len() as u32;
    p.timeout = timeout;
    // SAFETY: the poll structure and the port list are on our stack.
    unsafe {
        hypercall(
            __HYPERVISOR_sched_op,
            [u64::from(SCHEDOP_poll), (&raw mut p) as u64, 0, 0, 0],
        )
    }
}

fn set_singleshot(vcpu: u32, at: u64, flags: u32) -> i64 {
    let mut s = vcpu_set_singleshot_timer::new_zeroed();
    s.timeout_abs_ns = at;
    s.flags = flags;
    vcpu_op(VCPUOP_set_singleshot_timer, vcpu, (&raw mut s) as u64)
}

fn set_timer_op(at: u64) -> i64 {
    // SAFETY: set_timer_op reads no memory.
    unsafe { hypercall(__HYPERVISOR_set_timer_op, [at, 0, 0, 0, 0]) }
}

/// A page for the areas the hypervisor writes (runstate, time, vcpu_info).
#[repr(C, align(4096))]
struct Page([u64; 512]);

static mut AREAS: Page = Page([0; 512]);

fn areas() -> u64 {
    (&raw mut AREAS) as u64
}

fn area_word(index: usize) -> u64 {
    // SAFETY: our own static page, written by the hypervisor: read volatile.
    unsafe { core::ptr::read_volatile((areas() as *const u64).add(index)) }
}

const MILLISECOND: u64 = 1_000_000;

pub fn run() {
    if map_shared_info() != 0 {
        return;
    }

    // __update_vcpu_system_time: an even version, a scale, and (with the TSC as clock source)
    // XEN_PVCLOCK_TSC_STABLE_BIT.
    let t = time_info();
    case!(
        "time.vcpu_time_info",
        "version even {}, mul set {}, tsc stable flag {}",
        t.version.is_multiple_of(2),
        t.mul != 0,
        t.flags & 1 != 0
    );

    // update_domain_wallclock_time: wc_version even, the time of day after 2020.
    let wc = shinfo_word(384);
    case!(
        "time.wallclock",
        "version even {}, after 2020 {}",
        (wc as u32).is_multiple_of(2),
        (wc >> 32) + (shinfo_word(385) >> 32 << 32) > 1_577_836_800
    );

    // vcpu_runstate_get: running, and the times (which sum to the time since the vCPU was
    // created) advance as system time does: the guest's clock and the hypervisor's agree to
    // 0.1% over 200 ms.
    let (rc, r1) = runstate();
    let t1 = now();
    while now() < t1 + 200 * MILLISECOND {}
    let (_, r2) = runstate();
    let t2 = now();
    let sum = |r: &vcpu_runstate_info| r.time.iter().sum::<u64>();
    let hv_delta = sum(&r2) - sum(&r1);
    let guest_delta = t2 - t1;
    case!(
        "time.system_time_rate",
        "runstate {} state {}, times grow {}, within 0.1% {}",
        Rc(rc),
        r1.state,
        r2.time[0] > r1.time[0],
        hv_delta.abs_diff(guest_delta) * 1000 <= guest_delta
    );
    case!(
        "vcpu_op.get_runstate_info.bad_vcpu",
        "rc {}",
        Rc(runstate_of(100))
    );

    // vcpu_singleshot_timer_fn: VIRQ_TIMER once the timeout passes; SCHEDOP_poll sleeps until
    // the port is pending.
    let (_, timer) = bind_virq(VIRQ_TIMER, 0);
    clear_pending(timer);
    let start = now();
    let set = set_singleshot(0, start + 2 * MILLISECOND, 0);
    let polled = poll(&[timer], start + 1_000 * MILLISECOND);
    let waited = now() - start;
    case!(
        "time.singleshot_timer",
        "set {}, poll {}, pending {}, waited 2 ms {}, woke before the poll timeout {}",
        Rc(set),
        Rc(polled),
        pending(timer),
        waited >= 2 * MILLISECOND,
        waited < 1_000 * MILLISECOND
    );
    clear_pending(timer);

    // common_vcpu_op: a timeout already past sends the event at once, VCPU_SSHOTTMR_future or
    // not (Xen 4.17 ignores the flag).
    let past = set_singleshot(0, now() - MILLISECOND, 0);
    let p1 = pending(timer);
    clear_pending(timer);
    let future = set_singleshot(0, now() - MILLISECOND, VCPU_SSHOTTMR_future);
    let p2 = pending(timer);
    clear_pending(timer);
    case!(
        "time.singleshot_timer.past",
        "rc {} pending {p1}, with future flag {} pending {p2}",
        Rc(past),
        Rc(future)
    );

    // Stopped before it fires: nothing; another vCPU's timer (one the domain does not have).
    set_singleshot(0, now() + 2 * MILLISECOND, 0);
    let stop = vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0);
    let dummy = alloc_unbound(xen_public::xen::DOMID_SELF, 0).1;
    poll(&[dummy], now() + 5 * MILLISECOND);
    close(dummy);
    case!(
        "time.singleshot_timer.stop",
        "stop {}, pending {}, bad vcpu {}, stop bad vcpu {}",
        Rc(stop),
        pending(timer),
        Rc(set_singleshot(100, now(), 0)),
        Rc(vcpu_op(VCPUOP_stop_singleshot_timer, 100, 0))
    );

    // vcpu_set_periodic_timer: at least 1 ms, at most STIME_DELTA_MAX; it fires, then stops.
    let mut p = vcpu_set_periodic_timer {
        period_ns: MILLISECOND - 1,
    };
    let short = vcpu_op(VCPUOP_set_periodic_timer, 0, (&raw mut p) as u64);
    p.period_ns = u64::MAX;
    let long = vcpu_op(VCPUOP_set_periodic_timer, 0, (&raw mut p) as u64);
    p.period_ns = MILLISECOND;
    let ok = vcpu_op(VCPUOP_set_periodic_timer, 0, (&raw mut p) as u64);
    let polled = poll(&[timer], now() + 1_000 * MILLISECOND);
    let fired = pending(timer);
    let stop = vcpu_op(VCPUOP_stop_periodic_timer, 0, 0);
    clear_pending(timer);
    case!(
        "time.periodic_timer",
        "999999 ns {}, huge {}, 1 ms {}, poll {} fired {fired}, stop {}",
        Rc(short),
        Rc(long),
        Rc(ok),
        Rc(polled),
        Rc(stop)
    );

    // do_set_timer_op: the calling vCPU's single-shot timer; 0 stops it.
    let start = now();
    let set = set_timer_op(start + MILLISECOND);
    let polled = poll(&[timer], start + 1_000 * MILLISECOND);
    let fired = pending(timer);
    clear_pending(timer);
    let zero = set_timer_op(0);
    case!(
        "time.set_timer_op",
        "rc {}, poll {} fired {fired} after 1 ms {}, stop {}",
        Rc(set),
        Rc(polled),
        now() - start >= MILLISECOND,
        Rc(zero)
    );
    close(timer);

    // set_timer: setting the single-shot timer again replaces its deadline.
    let (_, timer) = bind_virq(VIRQ_TIMER, 0);
    clear_pending(timer);
    let start = now();
    set_singleshot(0, start + 500 * MILLISECOND, 0);
    set_singleshot(0, start + MILLISECOND, 0);
    let polled = poll(&[timer], start + 1_000 * MILLISECOND);
    let waited = now() - start;
    clear_pending(timer);
    vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0);
    case!(
        "time.singleshot_timer.replaced",
        "poll {}, fired at the second deadline {}",
        Rc(polled),
        (MILLISECOND..500 * MILLISECOND).contains(&waited)
    );
    // do_poll: a port already pending among several returns at once.
    let (_, quiet) = alloc_unbound(xen_public::xen::DOMID_SELF, 0);
    set_singleshot(0, now() - 1, 0);
    let start = now();
    let rc = poll(&[quiet, timer], start + 1_000 * MILLISECOND);
    let waited = now() - start;
    clear_pending(timer);
    close(quiet);
    close(timer);
    case!(
        "sched_op.poll.already_pending",
        "rc {}, at once {}",
        Rc(rc),
        waited < 500 * MILLISECOND
    );

    // do_poll: a timeout with nothing pending returns 0 once it passes; more than 128 ports or
    // an unbound port are EINVAL.
    let (_, quiet) = alloc_unbound(xen_public::xen::DOMID_SELF, 0);
    let start = now();
    let rc = poll(&[quiet], start + 3 * MILLISECOND);
    let waited = now() - start;
    let many = [quiet; 129];
    case!(
        "sched_op.poll.timeout",
        "rc {}, waited 3 ms {}, pending {}, 129 ports {}, port 0 {}",
        Rc(rc),
        waited >= 3 * MILLISECOND,
        pending(quiet),
        Rc(poll(&many, 0)),
        Rc(poll(&[0], 0))
    );
    close(quiet);

    // VCPUOP_is_up, unknown vCPU and command.
    case!(
        "vcpu_op.is_up",
        "vcpu 0 {}, vcpu 100 {}, cmd 99 {}",
        Rc(vcpu_op(VCPUOP_is_up, 0, 0)),
        Rc(vcpu_op(VCPUOP_is_up, 100, 0)),
        Rc(vcpu_op(99, 0, 0))
    );

    // do_vm_assist: HVM guests may only use VMASST_TYPE_runstate_update_flag.
    // SAFETY: vm_assist reads no memory.
    let assist = |cmd: u32, ty: u32| unsafe {
        hypercall(
            __HYPERVISOR_vm_assist,
            [u64::from(cmd), u64::from(ty), 0, 0, 0],
        )
    };
    case!(
        "vm_assist",
        "runstate_update_flag {}, type 0 {}, type 64 {}, cmd 7 {}",
        Rc(assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag)),
        Rc(assist(VMASST_CMD_enable, 0)),
        Rc(assist(VMASST_CMD_enable, 64)),
        Rc(assist(7, VMASST_TYPE_runstate_update_flag))
    );

    // VCPUOP_register_runstate_memory_area: copied at once.
    let mut area = vcpu_register_runstate_memory_area {
        addr: GuestHandle::new(areas()),
    };
    let rc = vcpu_op(
        VCPUOP_register_runstate_memory_area,
        0,
        (&raw mut area) as u64,
    );
    case!(
        "vcpu_op.register_runstate_memory_area",
        "rc {}, state {}, entry time > 0 {}",
        Rc(rc),
        area_word(0) as u32,
        area_word(1) & !(1 << 63) > 0
    );

    // VCPUOP_register_vcpu_time_memory_area: a second copy of the record, even version, same
    // scale.
    let mut tarea = vcpu_register_time_memory_area {
        addr: GuestHandle::new(areas() + 256),
    };
    let rc = vcpu_op(
        VCPUOP_register_vcpu_time_memory_area,
        0,
        (&raw mut tarea) as u64,
    );
    case!(
        "vcpu_op.register_vcpu_time_memory_area",
        "rc {}, version even {}, same scale {}",
        Rc(rc),
        (area_word(32) as u32).is_multiple_of(2) && area_word(32) as u32 != 0,
        area_word(35) as u32 == time_info().mul
    );

    // map_vcpu_info: no room or not 8-aligned (ENXIO); then moved, once (EINVAL after); the new
    // vcpu_info has every selector bit set and the upcall flagged; a vCPU the domain does not
    // have is ENOENT.
    let reg = |offset: u32| {
        let mut r = vcpu_register_vcpu_info {
            mfn: areas() >> 12,
            offset,
            rsvd: 0,
        };
        vcpu_op(VCPUOP_register_vcpu_info, 0, (&raw mut r) as u64)
    };
    let no_room = reg(4096 - 63);
    let misaligned = reg(1028);
    let mut r = vcpu_register_vcpu_info {
        mfn: areas() >> 12,
        offset: 1024,
        rsvd: 0,
    };
    let bad_vcpu = vcpu_op(VCPUOP_register_vcpu_info, 100, (&raw mut r) as u64);
    let ok = reg(1024);
    let upcall = area_word(128) & 1;
    let sel = area_word(129);
    let again = reg(2048);
    case!(
        "vcpu_op.register_vcpu_info",
        "no room {}, misaligned {}, bad vcpu {}, rc {}, upcall {upcall}, all selector bits {}, \
         again {}",
        Rc(no_room),
        Rc(misaligned),
        Rc(bad_vcpu),
        Rc(ok),
        sel == u64::MAX,
        Rc(again)
    );
}

fn runstate_of(vcpu: u32) -> i64 {
    let mut r = vcpu_runstate_info::new_zeroed();
    vcpu_op(VCPUOP_get_runstate_info, vcpu, (&raw mut r) as u64)
}
