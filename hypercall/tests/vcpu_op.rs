//! VCPUOP_*, set_timer_op and vm_assist (xen/arch/x86/domain.c `do_vcpu_op`, xen/common/domain.c
//! `common_vcpu_op` and `map_vcpu_info`, xen/common/sched/core.c `do_set_timer_op`), system time
//! (xen/arch/x86/time.c `set_time_scale`, `scale_delta`, `__update_vcpu_system_time`) and the
//! timers (xen/common/timer.c), Xen 4.17, against a clock whose TSC the test moves.

use crate::common;
use crate::event_channel::{alloc_unbound, bind_interdomain, send};

use std::cell::Cell;
use std::sync::Arc;

use common::{guest, TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::{Call, NeverPreempt, Outcome, SchedRequest};
use hypercall::domain::DomainConfig;
use hypercall::guest::FlatGuest;
use hypercall::time::{Clock, TimeScale, NSEC_PER_SEC};
use hypercall::timer::{run_timers, TimerId, TimerKind};
use hypercall::vcpu::VcpuInfoArea;
use hypercall::Errno;
use proptest::prelude::*;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::types::P2mType;
use xen_public::event_channel::*;
use xen_public::hvm::hvm_vcpu::{
    vcpu_hvm_context, vcpu_hvm_x86_32, vcpu_hvm_x86_64, VCPU_HVM_MODE_32B, VCPU_HVM_MODE_64B,
};
use xen_public::memory::xen_memory_reservation;
use xen_public::sched::{sched_poll, SCHEDOP_block, SHUTDOWN_poweroff};
use xen_public::vcpu::*;
use xen_public::xen::XEN_PVCLOCK_TSC_STABLE_BIT;
use xen_public::xen::{
    __HYPERVISOR_event_channel_op, __HYPERVISOR_memory_op, __HYPERVISOR_sched_op,
    __HYPERVISOR_set_timer_op, __HYPERVISOR_vcpu_op, __HYPERVISOR_vm_assist, vcpu_time_info,
    VMASST_CMD_disable, VMASST_CMD_enable, VMASST_TYPE_4gb_segments,
    VMASST_TYPE_runstate_update_flag, DOMID_SELF, VIRQ_TIMER,
};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, FromZeros, IntoBytes};

const ARG: u64 = GUEST_BASE + 0x2000;
/// A guest address for areas the hypervisor writes.
const AREA: u64 = GUEST_BASE + 0x3000;
/// The guest frame tests give the domain for its vcpu_info.
const INFO_GFN: u64 = 0x80;

thread_local! {
    static TSC: Cell<u64> = const { Cell::new(0) };
}

fn fake_tsc() -> u64 {
    TSC.with(|t| t.get())
}

fn set_tsc(t: u64) {
    TSC.with(|c| c.set(t));
}

/// A 1 GHz clock: a TSC tick is a nanosecond, and system time 0 is TSC `base`.
fn clock(base: u64) -> Clock {
    set_tsc(base);
    let c = Clock::new(fake_tsc);
    c.calibrate(NSEC_PER_SEC);
    c
}

/// A hypervisor with a 1 GHz clock and domain 1 (vCPUs `vcpus`, all up, RAM at INFO_GFN).
fn setup(vcpus: u32) -> (TestHv, Arc<TestDomain>) {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 12)
        .unwrap()
        .with_clock(clock(1_000_000));
    let d = hv
        .create_domain(
            Some(1),
            DomainConfig {
                max_vcpus: vcpus,
                max_evtchn_port: 1023,
                ..common::pvh_config(false)
            },
        )
        .unwrap();
    d.mem.set_max_pages(64);
    d.state().vcpus = vcpus;
    d.state().controller_pause_count = 0;
    for id in 0..vcpus {
        d.start_vcpu(id);
    }
    // A millisecond into system time.
    set_tsc(fake_tsc() + 1_000_000);
    let mfn = hv
        .heap
        .alloc_domheap_pages(&d.mem, 0, &Default::default())
        .unwrap();
    let mut p2m = d.p2m.locked();
    d.pod
        .physmap_add_page(&mut p2m, &hv.heap, Gfn(INFO_GFN), mfn, 0, P2mType::RamRw)
        .unwrap();
    drop(p2m);
    (hv, d)
}

/// Issues hypercall `nr` as vCPU `vcpu` of `d`; returns the value and the scheduler request.
fn call_as(
    hv: &TestHv,
    d: &Arc<TestDomain>,
    vcpu: u32,
    g: &mut FlatGuest,
    nr: u32,
    args: [u64; 5],
) -> (i64, Option<SchedRequest>) {
    let mut call = Call {
        caller: d,
        vcpu,
        guest: g,
        preempt: &mut NeverPreempt,
        sched: None,
        interrupts_enabled: true,
    };
    match hypercall::dispatch(hv, &mut call, nr.into(), args) {
        Outcome::Return(v) => (v, call.sched),
        other => panic!("no continuation expected: {other:?}"),
    }
}

/// VCPUOP `cmd` on vCPU `target`, called from vCPU `from`, with `arg` at ARG.
fn vcpu_op<T: IntoBytes + zerocopy::Immutable>(
    hv: &TestHv,
    d: &Arc<TestDomain>,
    from: u32,
    cmd: u32,
    target: u32,
    arg: Option<&T>,
) -> i64 {
    let mut g = guest();
    let addr = match arg {
        Some(a) => {
            g.put(ARG, a);
            ARG
        }
        None => 0,
    };
    call_as(
        hv,
        d,
        from,
        &mut g,
        __HYPERVISOR_vcpu_op,
        [cmd.into(), target.into(), addr, 0, 0],
    )
    .0
}

fn err(e: Errno) -> i64 {
    e.negated()
}

/// VIRQ_TIMER bound on vCPU `vcpu` of `d`: its port.
fn bind_timer(hv: &TestHv, d: &Arc<TestDomain>, vcpu: u32) -> u32 {
    let mut g = guest();
    g.put(
        ARG,
        &evtchn_bind_virq {
            virq: VIRQ_TIMER,
            vcpu,
            port: 0,
        },
    );
    let (rc, _) = call_as(
        hv,
        d,
        vcpu,
        &mut g,
        __HYPERVISOR_event_channel_op,
        [EVTCHNOP_bind_virq.into(), ARG, 0, 0, 0],
    );
    assert_eq!(rc, 0);
    g.get::<evtchn_bind_virq>(ARG).port
}

fn pending(hv: &TestHv, d: &TestDomain, port: u32) -> bool {
    hv.heap.read_u64(d.shared_info, 256 + port as usize / 64) & (1 << (port % 64)) != 0
}

fn clear_pending(hv: &TestHv, d: &TestDomain, port: u32) {
    hv.heap
        .fetch_and_not_u64(d.shared_info, 256 + port as usize / 64, 1 << (port % 64));
}

/// The vcpu_time_info at word `word` of the frame holding it.
fn time_record(hv: &TestHv, mfn: xen_mm::frame::Mfn, word: usize) -> vcpu_time_info {
    let mut bytes = [0u8; 32];
    for i in 0..4 {
        bytes[8 * i..8 * i + 8].copy_from_slice(&hv.heap.read_u64(mfn, word + i).to_le_bytes());
    }
    vcpu_time_info::read_from_bytes(&bytes).unwrap()
}

#[test]
fn the_time_scale_is_xens() {
    // set_time_scale: the frequency is brought into (1 GHz, 2 GHz], then 1e9 / it as 32.32.
    assert_eq!(
        TimeScale::for_frequency(NSEC_PER_SEC),
        Some(TimeScale {
            mul_frac: 0x8000_0000,
            shift: 1
        })
    );
    assert_eq!(
        TimeScale::for_frequency(2_500_000_000),
        Some(TimeScale {
            mul_frac: 0xcccc_cccc,
            shift: -1
        })
    );
    assert_eq!(
        TimeScale::for_frequency(3_579_545),
        Some(TimeScale {
            mul_frac: 0x8bae_bc15,
            shift: 9
        })
    );
    assert_eq!(TimeScale::for_frequency(0), None);
    // Between 1 and 2 GHz nothing is shifted, so no bit of an odd frequency is lost.
    assert_eq!(
        TimeScale::for_frequency(1_500_000_001),
        Some(TimeScale {
            mul_frac: ((NSEC_PER_SEC << 32) / 1_500_000_001) as u32,
            shift: 0
        })
    );
}

proptest! {
    // pvclock: a second of TSC ticks scales to a second of system time, within 1 ppm.
    #[test]
    fn a_second_of_ticks_is_a_second(hz in 1_000_000u64..20_000_000_000) {
        let s = TimeScale::for_frequency(hz).unwrap();
        let ns = s.scale(hz);
        prop_assert!(ns.abs_diff(NSEC_PER_SEC) <= 1_000, "{hz} Hz: {ns} ns");
    }
}

#[test]
fn system_time_runs_from_calibration_and_survives_recalibration() {
    set_tsc(5_000);
    let c = Clock::new(fake_tsc);
    assert_eq!(c.now(), 0, "no frequency yet: time stands");
    c.calibrate(2 * NSEC_PER_SEC);
    assert_eq!(c.tsc_hz(), 2 * NSEC_PER_SEC);
    set_tsc(5_000 + 2_000_000);
    assert_eq!(c.now(), 1_000_000);
    // Recalibrating goes on from the current time, at the new rate.
    c.calibrate(NSEC_PER_SEC);
    set_tsc(5_000 + 3_000_000);
    assert_eq!(c.now(), 2_000_000);
    let info = c.time_info();
    assert_eq!(info.system_time, 1_000_000);
    assert_eq!(info.tsc_timestamp, 5_000 + 2_000_000);
    assert_eq!((info.tsc_to_system_mul, info.tsc_shift), (0x8000_0000, 1));
    assert_eq!(
        u32::from(info.flags) & XEN_PVCLOCK_TSC_STABLE_BIT,
        0,
        "as Xen without clocksource=tsc"
    );
}

// hypervisor.rs: a hypervisor built without a clock (the arch layer gives it its calibrated TSC
// with `with_clock`) has no TSC to read: it reads 0, so even once given a frequency its records
// stamp TSC 0 and its system time stands at 0.
#[test]
fn a_hypervisor_without_a_clock_has_a_tsc_standing_at_zero() {
    let hv = TestHv::on_arena(common::HEAP_BASE, 64).unwrap();
    assert_eq!((hv.clock.tsc(), hv.clock.now()), (0, 0));
    hv.clock.calibrate(NSEC_PER_SEC);
    assert_eq!(hv.clock.time_info().tsc_timestamp, 0);
    assert_eq!((hv.clock.tsc(), hv.clock.now()), (0, 0));
}

#[test]
fn the_wallclock_is_the_time_of_day_at_system_time_zero() {
    let c = clock(0);
    // do_settime: 1000.5 s since the epoch as of system time 0.25 s.
    c.set_wallclock(1000, 500_000_000, 250_000_000);
    assert_eq!(c.wallclock(), (1000, 250_000_000));
    let hv = TestHv::on_arena(common::HEAP_BASE, 64).unwrap();
    let shinfo = hv.heap.alloc_anonymous(0, &Default::default()).unwrap();
    hypercall::time::write_wallclock(&hv.heap, shinfo, (5 << 32) | 7, 9);
    // wc_version 2 (even), wc_sec 7, wc_nsec 9, wc_sec_hi 5.
    assert_eq!(hv.heap.read_u64(shinfo, 384), (7 << 32) | 2);
    assert_eq!(hv.heap.read_u64(shinfo, 385), (5 << 32) | 9);
    hypercall::time::write_wallclock(&hv.heap, shinfo, 8, 10);
    assert_eq!(hv.heap.read_u64(shinfo, 384), (8 << 32) | 4);
    assert_eq!(hv.heap.read_u64(shinfo, 385), 10);
}

#[test]
fn time_records_follow_the_version_protocol() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    let (mfn, word) = v.vcpu_info().word(32).unwrap();
    let written = hypercall::time::update_vcpu_system_time(&hv.clock, &hv.heap, v, false);
    let rec = time_record(&hv, mfn, word);
    assert_eq!(rec.version, 2);
    assert_eq!(written.map(|w| w.version), Some(2));
    assert_eq!(rec.system_time, hv.clock.time_info().system_time);
    assert_eq!(rec.tsc_to_system_mul, 0x8000_0000);
    // Nothing changed: not rewritten, unless forced.
    assert!(hypercall::time::update_vcpu_system_time(&hv.clock, &hv.heap, v, false).is_none());
    hypercall::time::update_vcpu_system_time(&hv.clock, &hv.heap, v, true);
    assert_eq!(time_record(&hv, mfn, word).version, 4);
}

#[test]
fn register_vcpu_info_checks_where_it_goes() {
    let (hv, d) = setup(2);
    let reg = |offset: u32, gfn: u64| vcpu_register_vcpu_info {
        mfn: gfn,
        offset,
        rsvd: 0,
    };
    let op = VCPUOP_register_vcpu_info;
    // map_vcpu_info: no room for 64 bytes, or not 8-aligned: ENXIO.
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&reg(4096 - 63, INFO_GFN))),
        err(Errno::ENXIO)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&reg(4, INFO_GFN))),
        err(Errno::ENXIO)
    );
    // 8-aligned but 8 bytes short of room (`offset > PAGE_SIZE - sizeof(*new_info)`), or a page
    // in: ENXIO as well.
    for offset in [4096 - 56, 4096] {
        assert_eq!(
            vcpu_op(&hv, &d, 0, op, 0, Some(&reg(offset, INFO_GFN))),
            err(Errno::ENXIO),
            "offset {offset}"
        );
    }
    // Not RAM: EINVAL. Another vCPU that is up: EINVAL. No such vCPU: ENOENT.
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&reg(0, 0x9999))),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 1, Some(&reg(64, INFO_GFN))),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 2, Some(&reg(0, INFO_GFN))),
        err(Errno::ENOENT)
    );
    // An unreadable argument.
    let mut g = guest();
    let (rc, _) = call_as(
        &hv,
        &d,
        0,
        &mut g,
        __HYPERVISOR_vcpu_op,
        [op.into(), 0, 0xdead_0000, 0, 0],
    );
    assert_eq!(rc, err(Errno::EFAULT));
    assert_eq!(
        d.vcpu_slots()[0].vcpu_info(),
        VcpuInfoArea::SharedInfo {
            mfn: d.shared_info,
            offset: 0
        }
    );
    // The last offset that fits, on itself: accepted, once.
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&reg(4096 - 64, INFO_GFN))),
        0
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&reg(0, INFO_GFN))),
        err(Errno::EINVAL)
    );
}

#[test]
fn a_registered_vcpu_info_carries_the_old_one_and_receives_events() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    // The guest masked upcalls in its shared_info slot (evtchn_upcall_mask), and its arch part
    // (cr2 and pad, words 2 and 3) holds something: map_vcpu_info's memcpy carries all of it.
    hv.heap.write_u64(d.shared_info, 0, 1 << 8);
    hv.heap.write_u64(d.shared_info, 2, 0x2222_0000_cafe);
    hv.heap.write_u64(d.shared_info, 3, 0x3333_0000_beef);
    let reg = vcpu_register_vcpu_info {
        mfn: INFO_GFN,
        offset: 128,
        rsvd: 0,
    };
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_register_vcpu_info, 0, Some(&reg)),
        0
    );
    let VcpuInfoArea::Registered { mfn, offset: 128 } = v.vcpu_info() else {
        panic!("moved: {:?}", v.vcpu_info())
    };
    // Copied, then every selector bit set and the upcall flagged; the time record is written.
    assert_eq!(hv.heap.read_u64(mfn, 16), (1 << 8) | 1);
    assert_eq!(hv.heap.read_u64(mfn, 17), u64::MAX);
    assert_eq!(hv.heap.read_u64(mfn, 18), 0x2222_0000_cafe);
    assert_eq!(hv.heap.read_u64(mfn, 19), 0x3333_0000_beef);
    assert_eq!(time_record(&hv, mfn, 20).version % 2, 0);
    assert_ne!(time_record(&hv, mfn, 20).version, 0);
    // Events now land there.
    hv.heap.write_u64(mfn, 16, 0);
    hv.heap.write_u64(mfn, 17, 0);
    let port = bind_timer(&hv, &d, 0);
    hypercall::event::send_vcpu_virq(&hv, &d, 0, VIRQ_TIMER);
    assert!(pending(&hv, &d, port));
    assert_eq!(hv.heap.read_u64(mfn, 16), 1);
    assert_eq!(hv.heap.read_u64(mfn, 17), 1);
    assert_eq!(
        hv.heap.read_u64(d.shared_info, 0),
        1 << 8,
        "the old slot is left"
    );
}

// domain.c map_vcpu_info: a vCPU on `dummy_vcpu_info` gets its new vcpu_info cleared
// (`memset(new_info, 0, sizeof(*new_info))`) and masked; the rest of the guest's page is left as
// it was.
#[test]
fn a_vcpu_beyond_the_shared_slots_starts_masked_when_it_registers() {
    let (hv, d) = setup(33);
    let v = &d.vcpu_slots()[32];
    assert_eq!(v.vcpu_info(), VcpuInfoArea::Dummy);
    let page = d.p2m.get_entry(&hv.heap, Gfn(INFO_GFN)).mfn.unwrap();
    let garbage = |i: usize| 0xa5a5_0000_0000_0000 | i as u64;
    for i in 0..512 {
        hv.heap.write_u64(page, i, garbage(i));
    }
    let reg = vcpu_register_vcpu_info {
        mfn: INFO_GFN,
        offset: 128,
        rsvd: 0,
    };
    assert_eq!(
        vcpu_op(&hv, &d, 32, VCPUOP_register_vcpu_info, 32, Some(&reg)),
        0
    );
    let (mfn, word) = v.vcpu_info().word(0).unwrap();
    assert_eq!((mfn, word), (page, 16));
    assert_eq!(
        hv.heap.read_u64(mfn, 16),
        (1 << 8) | 1,
        "masked, upcall flagged"
    );
    assert_eq!(hv.heap.read_u64(mfn, 17), u64::MAX);
    assert_eq!(
        (hv.heap.read_u64(mfn, 18), hv.heap.read_u64(mfn, 19)),
        (0, 0),
        "arch part cleared"
    );
    let time = time_record(&hv, mfn, 20);
    assert_eq!((time.version % 2, time.pad0), (0, 0));
    assert_eq!(time.system_time, hv.clock.time_info().system_time);
    for i in (0..16).chain(24..512) {
        assert_eq!(
            hv.heap.read_u64(mfn, i),
            garbage(i),
            "word {i} is the guest's"
        );
    }
}

#[test]
fn the_vcpu_info_page_stays_until_the_domain_dies() {
    let (hv, d) = setup(1);
    let reg = vcpu_register_vcpu_info {
        mfn: INFO_GFN,
        offset: 0,
        rsvd: 0,
    };
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_register_vcpu_info, 0, Some(&reg)),
        0
    );
    let VcpuInfoArea::Registered { mfn, .. } = d.vcpu_slots()[0].vcpu_info() else {
        panic!("registered")
    };
    // The guest gives the page back: it is orphaned, not freed, while the hypervisor uses it.
    let mut g = guest();
    g.put(AREA, &INFO_GFN);
    let mut r = xen_memory_reservation::new_zeroed();
    r.extent_start = GuestHandle::new(AREA);
    r.nr_extents = 1;
    r.domid = DOMID_SELF;
    g.put(ARG, &r);
    let (rc, _) = call_as(
        &hv,
        &d,
        0,
        &mut g,
        __HYPERVISOR_memory_op,
        [1, ARG, 0, 0, 0],
    );
    assert_eq!(rc, 1);
    assert_eq!(hv.heap.orphan_pages(), 1);
    assert!(hv.heap.with_buddy(|b| b.is_orphan(mfn)));
    hv.check_invariants().unwrap();
    hv.kill_domain(&d, || false).unwrap();
    assert_eq!(hv.heap.orphan_pages(), 0);
    hv.check_invariants().unwrap();
}

#[test]
fn singleshot_timers_send_virq_timer_when_due() {
    let (hv, d) = setup(2);
    let port = bind_timer(&hv, &d, 0);
    let now = hv.clock.now();
    let at = |t: u64| vcpu_set_singleshot_timer {
        timeout_abs_ns: t,
        flags: 0,
        ..FromZeros::new_zeroed()
    };
    // Only on the calling vCPU.
    assert_eq!(
        vcpu_op(
            &hv,
            &d,
            0,
            VCPUOP_set_singleshot_timer,
            1,
            Some(&at(now + 10))
        ),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op::<u64>(&hv, &d, 0, VCPUOP_stop_singleshot_timer, 1, None),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op(
            &hv,
            &d,
            0,
            VCPUOP_set_singleshot_timer,
            0,
            Some(&at(now + 10_000))
        ),
        0
    );
    assert!(!hv.timers.is_empty());
    assert_eq!(hv.timers.next_deadline(), Some(now + 10_000));
    run_timers(&hv, now + 9_999);
    assert!(!pending(&hv, &d, port));
    run_timers(&hv, now + 10_000);
    assert!(pending(&hv, &d, port));
    assert!(hv.timers.is_empty(), "fired once");
    // A timeout already past sends at once, VCPU_SSHOTTMR_future or not (4.17 ignores it).
    clear_pending(&hv, &d, port);
    let mut past = at(now - 1);
    past.flags = VCPU_SSHOTTMR_future;
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_set_singleshot_timer, 0, Some(&past)),
        0
    );
    assert!(pending(&hv, &d, port));
    // Stopped before it is due: nothing.
    clear_pending(&hv, &d, port);
    assert_eq!(
        vcpu_op(
            &hv,
            &d,
            0,
            VCPUOP_set_singleshot_timer,
            0,
            Some(&at(now + 50))
        ),
        0
    );
    assert_eq!(
        vcpu_op::<u64>(&hv, &d, 0, VCPUOP_stop_singleshot_timer, 0, None),
        0
    );
    run_timers(&hv, now + 100);
    assert!(!pending(&hv, &d, port));
    // common_vcpu_op sends at once only a timeout before NOW() (`set.timeout_abs_ns < NOW()`): one
    // at exactly now is armed, and fires when the timers next run.
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_set_singleshot_timer, 0, Some(&at(now))),
        0
    );
    assert!(!pending(&hv, &d, port), "not sent at once");
    assert_eq!(hv.timers.next_deadline(), Some(now));
    run_timers(&hv, now);
    assert!(pending(&hv, &d, port));
}

#[test]
fn periodic_timers_check_their_period_and_rearm() {
    let (hv, d) = setup(1);
    let port = bind_timer(&hv, &d, 0);
    let period = |ns: u64| vcpu_set_periodic_timer { period_ns: ns };
    let op = VCPUOP_set_periodic_timer;
    // common_vcpu_op: under 1 ms, or above STIME_DELTA_MAX, is EINVAL.
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&period(999_999))),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, op, 0, Some(&period((u64::MAX >> 2) + 1))),
        err(Errno::EINVAL)
    );
    assert!(hv.timers.is_empty());
    let now = hv.clock.now();
    assert_eq!(vcpu_op(&hv, &d, 0, op, 0, Some(&period(1_000_000))), 0);
    let id = TimerId {
        domid: 1,
        vcpu: 0,
        kind: TimerKind::Periodic,
    };
    assert_eq!(hv.timers.deadline(id), Some(now + 1_000_000));
    run_timers(&hv, now + 1_000_000);
    assert!(pending(&hv, &d, port));
    assert_eq!(hv.timers.deadline(id), Some(now + 2_000_000), "re-armed");
    assert_eq!(
        vcpu_op::<u64>(&hv, &d, 0, VCPUOP_stop_periodic_timer, 0, None),
        0
    );
    assert_eq!(hv.timers.deadline(id), None);
    // The bounds are inclusive: `set.period_ns > STIME_DELTA_MAX` refuses only what is above it.
    let longest = u64::MAX >> 2;
    assert_eq!(vcpu_op(&hv, &d, 0, op, 0, Some(&period(longest))), 0);
    assert_eq!(hv.timers.deadline(id), Some(hv.clock.now() + longest));
    assert_eq!(d.vcpu_slots()[0].periodic_period(), longest);
}

#[test]
fn set_timer_op_arms_stops_and_tames_huge_timeouts() {
    let (hv, d) = setup(1);
    let id = TimerId {
        domid: 1,
        vcpu: 0,
        kind: TimerKind::Singleshot,
    };
    let now = hv.clock.now();
    let mut g = guest();
    let mut set = |t: u64| {
        call_as(
            &hv,
            &d,
            0,
            &mut g,
            __HYPERVISOR_set_timer_op,
            [t, 0, 0, 0, 0],
        )
        .0
    };
    assert_eq!(set(now + 5_000), 0);
    assert_eq!(hv.timers.deadline(id), Some(now + 5_000));
    assert_eq!(set(0), 0);
    assert_eq!(hv.timers.deadline(id), None);
    // do_set_timer_op: negative, or more than 2^50 ns ahead, fires in 100 ms.
    assert_eq!(set(u64::MAX), 0);
    assert_eq!(hv.timers.deadline(id), Some(now + 100_000_000));
    assert_eq!(set(now + (1 << 50)), 0);
    assert_eq!(hv.timers.deadline(id), Some(now + 100_000_000));
    assert_eq!(set(now + (1 << 50) - 1), 0);
    assert_eq!(hv.timers.deadline(id), Some(now + (1 << 50) - 1));
}

#[test]
fn up_down_and_the_last_vcpu_powering_off() {
    let (hv, d) = setup(2);
    let none: Option<&u64> = None;
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 1, none), 1);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_down, 1, none), 0);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 1, none), 0);
    // Initialised before: it may come up again.
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_up, 1, none), 0);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 1, none), 1);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_down, 1, none), 0);
    // The last vCPU going down shuts the domain down (poweroff) and stays up itself.
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_down, 0, none), 0);
    assert_eq!(d.state().shutdown_code, Some(SHUTDOWN_poweroff));
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 0, none), 1);
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_is_up, 2, none),
        err(Errno::ENOENT)
    );
    assert_eq!(vcpu_op(&hv, &d, 0, 99, 0, none), err(Errno::ENOSYS));
    // A vCPU never initialised cannot come up; get_physid needs a pinned hardware domain.
    let (hv, d) = setup(2);
    d.vcpu_slots()[1].state().is_initialised = false;
    d.vcpu_slots()[1].set_down(true);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_up, 1, none), err(Errno::EINVAL));
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_get_physid, 0, none),
        err(Errno::EINVAL)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_send_nmi, 0, Some(&0u64)),
        err(Errno::EINVAL)
    );
}

// sched.h domain_vcpu: a vCPU below max_vcpus that XEN_DOMCTL_max_vcpus has not created yet
// (`d->vcpu[id]` still NULL) is no vCPU: do_vcpu_op answers ENOENT for it, as for one at or
// above max_vcpus, and a domain builder cannot start it.
#[test]
fn a_vcpu_not_created_yet_is_enoent() {
    let (hv, _) = setup(1);
    let d = hv
        .create_domain(
            Some(2),
            DomainConfig {
                max_vcpus: 2,
                ..common::pvh_config(false)
            },
        )
        .unwrap();
    d.state().vcpus = 1;
    d.start_vcpu(0);
    d.start_vcpu(1);
    assert!(d.vcpu(0).is_some());
    assert!(d.vcpu(1).is_none());
    let none: Option<&u64> = None;
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 0, none), 1);
    for vcpu in [1, 2] {
        assert_eq!(
            vcpu_op(&hv, &d, 0, VCPUOP_is_up, vcpu, none),
            err(Errno::ENOENT),
            "vCPU {vcpu}"
        );
    }
    assert!(d.vcpu_slots()[1].is_down(), "start_vcpu(1) did nothing");
}

// domain.c common_vcpu_op VCPUOP_down: the domain powers off only when no vCPU other than the one
// going down (`v->vcpu_id != vcpuid`) is up; vCPU 0 may go down while vCPU 1 runs.
#[test]
fn vcpu_0_may_go_down_while_another_is_up() {
    let (hv, d) = setup(2);
    let none: Option<&u64> = None;
    assert_eq!(vcpu_op(&hv, &d, 1, VCPUOP_down, 0, none), 0);
    assert_eq!(vcpu_op(&hv, &d, 1, VCPUOP_is_up, 0, none), 0);
    assert_eq!(vcpu_op(&hv, &d, 1, VCPUOP_is_up, 1, none), 1);
    assert_eq!(d.state().shutdown_code, None);
}

// x86/domain.c do_vcpu_op VCPUOP_send_nmi: `if ( !test_and_set_bool(v->arch.nmi_pending) )
// vcpu_kick(v)`: the first NMI wakes the vCPU from SCHEDOP_block; another sent while it is still
// pending returns 0 as well but kicks nothing. xen-rs does not inject NMIs yet: the vendor layer's
// take (`Vcpu::take_nmi`, which no hypercall reaches) stands in for the injection that clears
// `nmi_pending`, after which the next NMI kicks again.
#[test]
fn send_nmi_kicks_only_when_none_is_pending() {
    let (hv, d) = setup(2);
    let v1 = &d.vcpu_slots()[1];
    let none: Option<&u64> = None;
    let mut g = guest();
    let mut block = || {
        let op = SCHEDOP_block.into();
        let out = call_as(&hv, &d, 1, &mut g, __HYPERVISOR_sched_op, [op, 0, 0, 0, 0]);
        assert_eq!(out, (0, Some(SchedRequest::Block)));
        assert!(v1.is_blocked());
    };
    block();
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_send_nmi, 1, none), 0);
    assert!(!v1.is_blocked(), "kicked");
    block();
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_send_nmi, 1, none), 0);
    assert!(v1.is_blocked(), "one pending already: no kick");
    assert!(v1.take_nmi(), "pending");
    assert!(!v1.take_nmi(), "taken");
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_send_nmi, 1, none), 0);
    assert!(!v1.is_blocked(), "kicked again");
    assert!(
        !d.vcpu_slots()[0].take_nmi(),
        "vCPU 0 never had one: each vCPU its own"
    );
}

// x86/domain.c do_vcpu_op VCPUOP_register_vcpu_time_memory_area records the area
// (`v->arch.time_info_guest`) and calls force_update_vcpu_system_time, whose
// update_secondary_system_time (time.c) copies the vcpu_info's time record there at once.
#[test]
fn register_vcpu_time_memory_area_gets_the_time_record_at_once() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    let mut g = guest();
    g.put(
        ARG,
        &vcpu_register_time_memory_area {
            addr: GuestHandle::new(AREA),
        },
    );
    let op = VCPUOP_register_vcpu_time_memory_area.into();
    let (rc, _) = call_as(&hv, &d, 0, &mut g, __HYPERVISOR_vcpu_op, [op, 0, ARG, 0, 0]);
    assert_eq!(rc, 0);
    assert_eq!(v.state().time_area, Some(AREA));
    let (mfn, word) = v.vcpu_info().word(32).unwrap();
    let record = time_record(&hv, mfn, word);
    let copy: vcpu_time_info = g.get(AREA);
    assert_eq!(copy.as_bytes(), record.as_bytes());
    assert!(copy.version != 0 && copy.version.is_multiple_of(2));
    assert_eq!(copy.system_time, hv.clock.time_info().system_time);
}

// sched/core.c vcpu_unblock does nothing unless `test_and_clear_bit(_VPF_blocked, ...)` finds
// the vCPU blocked; Vcpu::unblock answers that test, leaving VPF_down alone. No caller in the
// hypercall crate (nor in Xen, whose vcpu_unblock returns void) looks at the answer, so no
// hypercall shows it: tested on the public Vcpu API.
#[test]
fn unblock_answers_whether_the_vcpu_was_blocked() {
    let v = hypercall::vcpu::Vcpu::new(0, VcpuInfoArea::Dummy);
    assert!(v.is_down() && !v.is_blocked());
    assert!(!v.unblock(), "down, not blocked");
    v.block();
    assert!(v.unblock());
    assert!(!v.is_blocked() && v.is_down(), "VPF_down stays");
    assert!(!v.unblock());
    v.set_down(false);
    v.block();
    assert!(v.unblock(), "up and blocked");
    assert!(!v.unblock(), "up, not blocked");
}

#[test]
fn runstate_times_only_grow_and_the_area_gets_a_copy() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    let t0 = hv.clock.now();
    v.runstate_change(RUNSTATE_running, t0);
    set_tsc(fake_tsc() + 7_000);
    v.runstate_change(RUNSTATE_blocked, hv.clock.now());
    set_tsc(fake_tsc() + 3_000);
    let mut g = guest();
    let (rc, _) = call_as(
        &hv,
        &d,
        0,
        &mut g,
        __HYPERVISOR_vcpu_op,
        [VCPUOP_get_runstate_info.into(), 0, ARG, 0, 0],
    );
    assert_eq!(rc, 0);
    let r: vcpu_runstate_info = g.get(ARG);
    assert_eq!(r.state, RUNSTATE_blocked as i32);
    assert_eq!(r.time[RUNSTATE_running as usize], 7_000);
    assert_eq!(
        r.time[RUNSTATE_blocked as usize], 3_000,
        "counted up to now"
    );
    // The registered area is written at once.
    g.put(
        ARG,
        &vcpu_register_runstate_memory_area {
            addr: GuestHandle::new(AREA),
        },
    );
    let (rc, _) = call_as(
        &hv,
        &d,
        0,
        &mut g,
        __HYPERVISOR_vcpu_op,
        [VCPUOP_register_runstate_memory_area.into(), 0, ARG, 0, 0],
    );
    assert_eq!(rc, 0);
    assert_eq!(v.state().runstate_area, Some(AREA));
    let copy: vcpu_runstate_info = g.get(AREA);
    assert_eq!(copy.time[RUNSTATE_running as usize], 7_000);
}

#[test]
fn vm_assist_offers_hvm_guests_the_runstate_update_flag_only() {
    let (hv, d) = setup(1);
    let mut g = guest();
    let mut assist = |cmd: u32, ty: u32| {
        call_as(
            &hv,
            &d,
            0,
            &mut g,
            __HYPERVISOR_vm_assist,
            [cmd.into(), ty.into(), 0, 0, 0],
        )
        .0
    };
    assert_eq!(
        assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments),
        err(Errno::EINVAL)
    );
    assert_eq!(assist(VMASST_CMD_enable, 64), err(Errno::EINVAL));
    assert_eq!(
        assist(7, VMASST_TYPE_runstate_update_flag),
        err(Errno::ENOSYS)
    );
    assert_eq!(
        assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag),
        0
    );
    assert!(d.state().runstate_update_flag);
    // do_vm_assist: VMASST_CMD_disable clears it again.
    assert_eq!(
        assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag),
        0
    );
    assert!(!d.state().runstate_update_flag);
}

// sched/core.c do_poll: a poll of one port records it (`v->poll_evtchn = port`), and
// event_channel.c evtchn_check_pollers then wakes the vCPU for an event on that port only; a poll
// of several ports leaves `poll_evtchn` at -1, and any event of the domain wakes it.
#[test]
fn poll_on_one_port_wakes_on_that_port_only() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    // Two channels looped to the domain itself: an event sent on c is seen on a, on e on b.
    let a = alloc_unbound(&hv, &d, DOMID_SELF, DOMID_SELF).1;
    let b = alloc_unbound(&hv, &d, DOMID_SELF, DOMID_SELF).1;
    let c = bind_interdomain(&hv, &d, DOMID_SELF, a).1;
    let e = bind_interdomain(&hv, &d, DOMID_SELF, b).1;
    for port in [a, b, c, e] {
        clear_pending(&hv, &d, port);
    }
    // SCHEDOP_poll of `ports`, no timeout, interrupts off (so a flagged upcall does not end it).
    let poll = |ports: &[u32]| {
        let mut g = guest();
        for (i, port) in ports.iter().enumerate() {
            g.put(AREA + 4 * i as u64, port);
        }
        let mut p = sched_poll::new_zeroed();
        p.ports = GuestHandle::new(AREA);
        p.nr_ports = ports.len() as u32;
        g.put(ARG, &p);
        let mut call = Call {
            caller: &d,
            vcpu: 0,
            guest: &mut g,
            preempt: &mut NeverPreempt,
            sched: None,
            interrupts_enabled: false,
        };
        let out = hypercall::dispatch(
            &hv,
            &mut call,
            __HYPERVISOR_sched_op.into(),
            [3, ARG, 0, 0, 0],
        );
        (out, call.sched)
    };
    assert_eq!(poll(&[a]), (Outcome::Return(0), Some(SchedRequest::Block)));
    assert!(v.is_blocked() && v.is_polling());
    assert!(hv.timers.is_empty(), "no timeout asked for");
    // An event on b does not end a poll of a; one on a does.
    assert_eq!(send(&hv, &d, e), 0);
    assert!(pending(&hv, &d, b));
    assert!(v.is_blocked() && v.is_polling());
    assert_eq!(send(&hv, &d, c), 0);
    assert!(pending(&hv, &d, a));
    assert!(!v.is_blocked() && !v.is_polling());
    // A poll of a and b ends with an event on either, the first as well as the last.
    clear_pending(&hv, &d, a);
    clear_pending(&hv, &d, b);
    assert_eq!(
        poll(&[a, b]),
        (Outcome::Return(0), Some(SchedRequest::Block))
    );
    assert!(v.is_blocked() && v.is_polling());
    assert_eq!(send(&hv, &d, c), 0);
    assert!(!v.is_blocked() && !v.is_polling());
}

#[test]
fn block_returns_at_once_when_an_upcall_can_be_taken() {
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    // HVM_PARAM_CALLBACK_IRQ with a vector (type 2), and an upcall flagged.
    d.state().hvm_params[0] = (2 << 56) | 0xf3;
    hv.heap.write_u64(d.shared_info, 0, 1);
    let mut g = guest();
    assert_eq!(
        call_as(&hv, &d, 0, &mut g, __HYPERVISOR_sched_op, [1, 0, 0, 0, 0]),
        (0, None)
    );
    assert!(!v.is_blocked());
    // With no vector to deliver it by, it sleeps.
    d.state().hvm_params[0] = 0;
    assert_eq!(
        call_as(&hv, &d, 0, &mut g, __HYPERVISOR_sched_op, [1, 0, 0, 0, 0]),
        (0, Some(SchedRequest::Block))
    );
    assert!(v.is_blocked());
    // A flagged upcall wakes it.
    hv.heap.write_u64(d.shared_info, 0, 0);
    v.mark_events_pending(&hv.heap);
    assert!(!v.is_blocked());
}

#[test]
fn a_dying_domain_loses_its_timers() {
    let (hv, d) = setup(1);
    let mut g = guest();
    call_as(
        &hv,
        &d,
        0,
        &mut g,
        __HYPERVISOR_set_timer_op,
        [hv.clock.now() + 10, 0, 0, 0, 0],
    );
    assert_eq!(hv.timers.len(), 1);
    hv.kill_domain(&d, || false).unwrap();
    assert!(hv.timers.is_empty());
}

/// A guest memory that records each copy to it.
#[derive(Default)]
struct Recording(Vec<(u64, Vec<u8>)>);

impl hypercall::guest::GuestMemory for Recording {
    fn copy_from_guest(&mut self, _: u64, _: &mut [u8]) -> Result<(), Errno> {
        Err(Errno::EFAULT)
    }
    fn copy_to_guest(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        self.0.push((addr, data.to_vec()));
        Ok(())
    }
}

#[test]
fn runstate_copies_are_bracketed_when_the_guest_asks() {
    // update_runstate_area: with VMASST_TYPE_runstate_update_flag, XEN_RUNSTATE_UPDATE is set in
    // the copy's state_entry_time before the copy and cleared after; without it, one copy.
    let (hv, d) = setup(1);
    let v = &d.vcpu_slots()[0];
    v.runstate_change(RUNSTATE_running, hv.clock.now());
    let mut plain = Recording::default();
    hypercall::vcpu::update_runstate_area(v, &mut plain, true);
    assert!(plain.0.is_empty(), "no area registered: nothing written");
    v.state().runstate_area = Some(AREA);
    hypercall::vcpu::update_runstate_area(v, &mut plain, false);
    assert_eq!(plain.0.len(), 1);
    assert_eq!(plain.0[0].0, AREA);
    let r = vcpu_runstate_info::read_from_bytes(&plain.0[0].1).unwrap();
    assert_eq!(r.state, RUNSTATE_running as i32);
    assert_eq!(r.state_entry_time & XEN_RUNSTATE_UPDATE, 0);
    let mut bracketed = Recording::default();
    hypercall::vcpu::update_runstate_area(v, &mut bracketed, true);
    let entry = v.state().runstate.state_entry_time;
    let w = &bracketed.0;
    assert_eq!(w.len(), 3);
    assert_eq!(
        w[0],
        (
            AREA + 8,
            (entry | XEN_RUNSTATE_UPDATE).to_le_bytes().to_vec()
        )
    );
    let during = vcpu_runstate_info::read_from_bytes(&w[1].1).unwrap();
    assert_eq!(
        (w[1].0, during.state_entry_time),
        (AREA, entry | XEN_RUNSTATE_UPDATE)
    );
    assert_eq!(w[2], (AREA + 8, entry.to_le_bytes().to_vec()));
}

/// A 32-bit flat protected-mode start state (what a PVH AP entry would use), as raw words.
fn regs32(eip: u32, cs_ar: u16, ss_ar: u16, tr_ar: u16) -> vcpu_hvm_x86_32 {
    let mut r = vcpu_hvm_x86_32::new_zeroed();
    r.eip = eip;
    r.cr0 = 0x11;
    r.eflags = 0x2;
    r.cs_limit = 0xfffff;
    r.ds_limit = 0xfffff;
    r.ss_limit = 0xfffff;
    r.es_limit = 0xfffff;
    r.tr_limit = 0x67;
    r.cs_ar = cs_ar;
    r.ds_ar = 0xc93;
    r.ss_ar = ss_ar;
    r.es_ar = 0xc93;
    r.tr_ar = tr_ar;
    r
}

/// `r` as a VCPUOP_initialise context in 32-bit mode.
fn wrap32(r: &vcpu_hvm_x86_32) -> vcpu_hvm_context {
    let mut c = vcpu_hvm_context::new_zeroed();
    c.mode = VCPU_HVM_MODE_32B;
    let bytes = r.as_bytes();
    c.cpu_regs.as_mut_bytes()[..bytes.len()].copy_from_slice(bytes);
    c
}

fn ctx32(eip: u32, cs_ar: u16, ss_ar: u16, tr_ar: u16) -> vcpu_hvm_context {
    wrap32(&regs32(eip, cs_ar, ss_ar, tr_ar))
}

/// A 64-bit start state with a stack, as raw words.
fn regs64(rip: u64, cr0: u64, cr4: u64, efer: u64) -> vcpu_hvm_x86_64 {
    let mut r = vcpu_hvm_x86_64::new_zeroed();
    (r.rip, r.cr0, r.cr4, r.efer, r.rsp) = (rip, cr0, cr4, efer, 0x8000);
    r
}

/// `r` as a VCPUOP_initialise context in 64-bit mode.
fn wrap64(r: &vcpu_hvm_x86_64) -> vcpu_hvm_context {
    let mut c = vcpu_hvm_context::new_zeroed();
    c.mode = VCPU_HVM_MODE_64B;
    let bytes = r.as_bytes();
    c.cpu_regs.as_mut_bytes()[..bytes.len()].copy_from_slice(bytes);
    c
}

fn ctx64(rip: u64, cr0: u64, cr4: u64, efer: u64) -> vcpu_hvm_context {
    wrap64(&regs64(rip, cr0, cr4, efer))
}

#[test]
fn initialise_checks_the_start_state_as_arch_set_info_hvm_guest() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    const PG_PE: u64 = (1 << 31) | 1;
    const PAE: u64 = 1 << 5;
    const LME: u64 = 1 << 8;
    // 64-bit: canonical RIP, CR0.PG, CR4.PAE, EFER.LME; flat segments; LMA added.
    let c = context_from_hvm_vcpu(&ctx64(0x10_0000, PG_PE, PAE, LME)).unwrap();
    assert_eq!((c.rip, c.rsp, c.efer), (0x10_0000, 0x8000, LME | (1 << 10)));
    assert_eq!(
        (c.cs.attr, c.ss.attr, c.tr.attr, c.tr.limit),
        (0xa9b, 0xc93, 0x8b, 0x67)
    );
    for bad in [
        ctx64(0x8000_0000_0000, PG_PE, PAE, LME),
        ctx64(0x1000, 1, PAE, LME),
        ctx64(0x1000, PG_PE, 0, LME),
        ctx64(0x1000, PG_PE, PAE, 0),
        ctx64(0x1000, PG_PE, PAE | (1 << 13), LME),
        ctx64(0x1000, PG_PE, PAE, LME | (1 << 12)),
    ] {
        assert_eq!(context_from_hvm_vcpu(&bad), Err(Errno::EINVAL));
    }
    // 32-bit: accessed and busy bits added to present segments.
    let c = context_from_hvm_vcpu(&ctx32(0x10_0000, 0xc9a, 0xc92, 0x89)).unwrap();
    assert_eq!((c.cs.attr, c.ss.attr, c.tr.attr), (0xc9b, 0xc93, 0x8b));
    assert_eq!((c.rip, c.cr0, c.rflags), (0x10_0000, 0x11, 0x2));
    for (what, bad) in [
        ("SS.DPL != CS.DPL", ctx32(0x1000, 0xc9a, 0xcf2, 0x89)),
        ("a data segment for CS", ctx32(0x1000, 0xc92, 0xc92, 0x89)),
        ("a read-only SS", ctx32(0x1000, 0xc9a, 0xc90, 0x89)),
        ("a code segment for TR", ctx32(0x1000, 0xc9a, 0xc92, 0x9a)),
        ("a null CS", ctx32(0x1000, 0, 0xc92, 0x89)),
        ("a non-present CS", ctx32(0x1000, 0xc1a, 0xc92, 0x89)),
        ("attribute bits 12-15", ctx32(0x1000, 0x1c9a, 0xc92, 0x89)),
    ] {
        assert_eq!(context_from_hvm_vcpu(&bad), Err(Errno::EINVAL), "{what}");
    }
    // EIP beyond a byte-granular CS limit (G clear: the limit is 0xfffff bytes).
    let beyond = ctx32(0x10_0000, 0x49a, 0xc92, 0x89);
    assert_eq!(context_from_hvm_vcpu(&beyond), Err(Errno::EINVAL));
    assert!(context_from_hvm_vcpu(&ctx32(0xf_ffff, 0x49a, 0x492, 0x89)).is_ok());
    let mut bad_mode = ctx64(0x1000, PG_PE, PAE, LME);
    bad_mode.mode = 2;
    assert_eq!(context_from_hvm_vcpu(&bad_mode), Err(Errno::EINVAL));
    bad_mode.mode = VCPU_HVM_MODE_64B;
    bad_mode.pad = 1;
    assert_eq!(context_from_hvm_vcpu(&bad_mode), Err(Errno::EINVAL));
}

// domain.c check_segment: TR must be a 32-bit TSS ("Non-32-bit-TSS segment provided for TR"), so
// a 16-bit TSS (type 1, busy 3) is refused although it is a system segment. DS and ES may be null,
// data of any kind or readable code; only execute-only code is refused ("Non-readable segment
// provided for DS or ES"). arch_set_info_hvm_guest's SEG() sets the accessed bit of present
// segments only, so a null DS or ES stays null.
#[test]
fn initialise_checks_tr_ds_and_es_as_check_segment() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    let flat = regs32(0x1000, 0xc9a, 0xc92, 0x89);
    let mut tss16 = flat;
    tss16.tr_ar = 0x81;
    assert_eq!(context_from_hvm_vcpu(&wrap32(&tss16)), Err(Errno::EINVAL));
    // (attributes given, attributes loaded), each with P, S, DPL 0, D/B and G.
    for (given, loaded) in [
        (0, 0),         // null
        (0xc90, 0xc91), // read-only data
        (0xc92, 0xc93), // read/write data
        (0xc9a, 0xc9b), // execute/read code
        (0xc9e, 0xc9f), // conforming execute/read code
    ] {
        let mut r = flat;
        r.ds_ar = given;
        let c = context_from_hvm_vcpu(&wrap32(&r));
        assert_eq!(c.map(|c| c.ds.attr), Ok(loaded), "DS {given:#x}");
        let mut r = flat;
        r.es_ar = given;
        let c = context_from_hvm_vcpu(&wrap32(&r));
        assert_eq!(c.map(|c| c.es.attr), Ok(loaded), "ES {given:#x}");
    }
    for execute_only in [0xc98, 0xc9c] {
        let mut r = flat;
        r.ds_ar = execute_only;
        assert_eq!(context_from_hvm_vcpu(&wrap32(&r)), Err(Errno::EINVAL));
        let mut r = flat;
        r.es_ar = execute_only;
        assert_eq!(context_from_hvm_vcpu(&wrap32(&r)), Err(Errno::EINVAL));
    }
}

// domain.c arch_set_info_hvm_guest: a present DS or ES may be more privileged than CS but not
// less ("DS.DPL (%u) is greater than CS.DPL (%u)", the same for ES); a null one is not compared.
#[test]
fn initialise_refuses_ds_or_es_less_privileged_than_cs() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    // CS and SS at DPL 3 (0xcfa execute/read code, 0xcf2 read/write data): DS and ES at DPL 0,
    // 3 or null.
    let ring3 = regs32(0x1000, 0xcfa, 0xcf2, 0x89);
    for (ds, es) in [(0xc93, 0xcf3), (0xcf3, 0xc93), (0, 0)] {
        let mut r = ring3;
        (r.ds_ar, r.es_ar) = (ds, es);
        assert!(
            context_from_hvm_vcpu(&wrap32(&r)).is_ok(),
            "CS.DPL 3, DS {ds:#x}, ES {es:#x}"
        );
    }
    // CS and SS at DPL 0: a DS or ES at DPL 1 or 3 is refused.
    let ring0 = regs32(0x1000, 0xc9a, 0xc92, 0x89);
    for (ds, es) in [
        (0xcf3, 0xc93),
        (0xcb3, 0xc93),
        (0xc93, 0xcf3),
        (0xc93, 0xcb3),
    ] {
        let mut r = ring0;
        (r.ds_ar, r.es_ar) = (ds, es);
        assert_eq!(
            context_from_hvm_vcpu(&wrap32(&r)),
            Err(Errno::EINVAL),
            "CS.DPL 0, DS {ds:#x}, ES {es:#x}"
        );
    }
}

// domain.c arch_set_info_hvm_guest: a 32-bit state's pad1 and each word of pad2 must be 0.
#[test]
fn initialise_refuses_a_32_bit_state_with_padding_set() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    let flat = regs32(0x1000, 0xc9a, 0xc92, 0x89);
    assert!(context_from_hvm_vcpu(&wrap32(&flat)).is_ok());
    let mut r = flat;
    r.pad1 = 1;
    assert_eq!(context_from_hvm_vcpu(&wrap32(&r)), Err(Errno::EINVAL));
    for i in 0..3 {
        let mut r = flat;
        r.pad2[i] = 1;
        assert_eq!(
            context_from_hvm_vcpu(&wrap32(&r)),
            Err(Errno::EINVAL),
            "pad2[{i}]"
        );
    }
}

// domain.c arch_set_info_hvm_guest: a 32-bit state may not have EFER.LMA without LME; in either
// mode LME brings LMA ("guest_efer |= EFER_LMA"), and hvm_efer_valid (hvm.c) refuses bits
// outside EFER_KNOWN_MASK ("Unknown bits set"). With CR0.PG not looked at (cr0_pg -1), LME and
// LMA together are fine in 32-bit mode.
#[test]
fn initialise_checks_efer_as_arch_set_info_hvm_guest() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    const SCE: u64 = 1;
    const LME: u64 = 1 << 8;
    const LMA: u64 = 1 << 10;
    const NX: u64 = 1 << 11;
    let flat = regs32(0x1000, 0xc9a, 0xc92, 0x89);
    let efer32 = |efer: u64| {
        let mut r = flat;
        r.efer = efer;
        context_from_hvm_vcpu(&wrap32(&r)).map(|c| c.efer)
    };
    assert_eq!(efer32(SCE | NX), Ok(SCE | NX));
    assert_eq!(efer32(LME), Ok(LME | LMA));
    assert_eq!(efer32(LME | LMA), Ok(LME | LMA));
    assert_eq!(efer32(LMA), Err(Errno::EINVAL));
    for unknown in [1 << 2, 1 << 9, 1 << 15, 1 << 63] {
        assert_eq!(efer32(unknown), Err(Errno::EINVAL), "{unknown:#x}");
        let long = ctx64(0x1000, (1 << 31) | 1, 1 << 5, LME | unknown);
        assert_eq!(
            context_from_hvm_vcpu(&long),
            Err(Errno::EINVAL),
            "{unknown:#x}"
        );
    }
}

// domain.c arch_set_info_hvm_guest copies the general registers, the instruction pointer, the
// flags, CR0, CR3, CR4 and EFER of either mode into the vCPU. RFLAGS bit 1 reads as set in the
// guest whatever was given: svm.c svm_vmenter_helper enters with `regs->rflags |
// X86_EFLAGS_MBS` (vmx.c vmx_vmenter_helper likewise).
#[test]
fn initialise_loads_the_registers_it_is_given() {
    use hypercall::hvm_context::context_from_hvm_vcpu;
    let mut r = regs32(0x10_0000, 0xc9a, 0xc92, 0x89);
    (r.eax, r.ebx, r.ecx, r.edx) = (0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444);
    (r.ebp, r.esi, r.edi, r.esp) = (0x5555_5555, 0x6666_6666, 0x7777_7777, 0x8888_8888);
    (r.cr0, r.cr3, r.cr4) = (0x8000_0033, 0x0010_3000, 0x90);
    (r.eflags, r.efer) = (0x246, (1 << 11) | 1);
    let c = context_from_hvm_vcpu(&wrap32(&r)).unwrap();
    assert_eq!(
        (c.rax, c.rbx, c.rcx, c.rdx),
        (0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444)
    );
    assert_eq!(
        (c.rbp, c.rsi, c.rdi, c.rsp),
        (0x5555_5555, 0x6666_6666, 0x7777_7777, 0x8888_8888)
    );
    assert_eq!((c.rip, c.rflags), (0x10_0000, 0x246));
    assert_eq!(
        (c.cr0, c.cr3, c.cr4, c.efer),
        (0x8000_0033, 0x0010_3000, 0x90, (1 << 11) | 1)
    );
    r.eflags = 0x200;
    let c = context_from_hvm_vcpu(&wrap32(&r)).unwrap();
    assert_eq!(c.rflags, 0x202);

    let mut r = regs64(0xffff_8000_0010_0000, 0x8005_0033, 0x2a0, 1 << 8);
    (r.rax, r.rbx, r.rcx, r.rdx) = (1 << 40, 2 << 40, 3 << 40, 4 << 40);
    (r.rbp, r.rsi, r.rdi, r.rsp) = (5 << 40, 6 << 40, 7 << 40, 8 << 40);
    (r.cr3, r.rflags) = (0x1_2345_6000, 0x246);
    let c = context_from_hvm_vcpu(&wrap64(&r)).unwrap();
    assert_eq!(
        (c.rax, c.rbx, c.rcx, c.rdx),
        (1 << 40, 2 << 40, 3 << 40, 4 << 40)
    );
    assert_eq!(
        (c.rbp, c.rsi, c.rdi, c.rsp),
        (5 << 40, 6 << 40, 7 << 40, 8 << 40)
    );
    assert_eq!((c.rip, c.rflags), (0xffff_8000_0010_0000, 0x246));
    assert_eq!(
        (c.cr0, c.cr3, c.cr4, c.efer),
        (0x8005_0033, 0x1_2345_6000, 0x2a0, (1 << 8) | (1 << 10))
    );
    r.rflags = 0x200;
    let c = context_from_hvm_vcpu(&wrap64(&r)).unwrap();
    assert_eq!(c.rflags, 0x202);
}

#[test]
fn a_secondary_vcpu_is_initialised_once_then_brought_up() {
    let (hv, d) = setup(2);
    let v1 = &d.vcpu_slots()[1];
    // As a new vCPU: down and without a start state.
    v1.state().is_initialised = false;
    v1.set_down(true);
    let none: Option<&u64> = None;
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_up, 1, none), err(Errno::EINVAL));
    let good = ctx64(0x10_0000, (1 << 31) | 1, 1 << 5, 1 << 8);
    let mut bad = good;
    bad.mode = 9;
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_initialise, 1, Some(&bad)),
        err(Errno::EINVAL)
    );
    assert!(!v1.state().is_initialised);
    let before = hv.unpauses.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_initialise, 1, Some(&good)), 0);
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_initialise, 1, Some(&good)),
        err(Errno::EEXIST)
    );
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_is_up, 1, none),
        0,
        "initialised, still down"
    );
    assert_eq!(d.vcpu_context(1), None, "nothing to start yet");
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_up, 1, none), 0);
    assert_eq!(vcpu_op(&hv, &d, 0, VCPUOP_is_up, 1, none), 1);
    assert_eq!(d.vcpu_context(1).map(|c| c.rip), Some(0x10_0000));
    assert_eq!(
        hv.unpauses.load(std::sync::atomic::Ordering::SeqCst),
        before + 1,
        "the scheduler is told"
    );
    // A vCPU without a vcpu_info (from 32 on, none registered) cannot be initialised.
    let (hv, d) = setup(33);
    let v = &d.vcpu_slots()[32];
    v.state().is_initialised = false;
    assert_eq!(
        vcpu_op(&hv, &d, 0, VCPUOP_initialise, 32, Some(&good)),
        err(Errno::EINVAL)
    );
}

/// Frames that record every word written, for checking the order of a protocol's writes.
struct WriteLog {
    words: std::sync::Mutex<std::collections::HashMap<(u64, usize), u64>>,
    log: std::sync::Mutex<Vec<(usize, u64)>>,
}

impl WriteLog {
    fn new() -> Self {
        WriteLog {
            words: Default::default(),
            log: Default::default(),
        }
    }
}

impl FrameAccess for WriteLog {
    fn zero_frame(&self, _: xen_mm::frame::Mfn) {}
    fn read_u64(&self, mfn: xen_mm::frame::Mfn, i: usize) -> u64 {
        *self.words.lock().unwrap().get(&(mfn.0, i)).unwrap_or(&0)
    }
    fn write_u64(&self, mfn: xen_mm::frame::Mfn, i: usize, v: u64) {
        self.words.lock().unwrap().insert((mfn.0, i), v);
        self.log.lock().unwrap().push((i, v));
    }
    fn compare_exchange_u64(
        &self,
        mfn: xen_mm::frame::Mfn,
        i: usize,
        cur: u64,
        new: u64,
    ) -> Result<u64, u64> {
        let now = self.read_u64(mfn, i);
        if now != cur {
            return Err(now);
        }
        self.write_u64(mfn, i, new);
        Ok(cur)
    }
}

#[test]
fn the_wallclock_is_written_under_its_version() {
    // update_domain_wallclock_time: version odd (the old seconds kept), then wc_nsec and
    // wc_sec_hi, then wc_sec with the version even, in one store.
    let f = WriteLog::new();
    let shinfo = xen_mm::frame::Mfn(7);
    f.write_u64(shinfo, 384, (0x1111 << 32) | 4);
    f.log.lock().unwrap().clear();
    hypercall::time::write_wallclock(&f, shinfo, (3 << 32) | 0x2222, 99);
    assert_eq!(
        *f.log.lock().unwrap(),
        [
            (384, (0x1111 << 32) | 5),
            (385, (3 << 32) | 99),
            (384, (0x2222 << 32) | 6),
        ]
    );
}

#[test]
fn the_registered_time_area_gets_the_record_under_its_version() {
    // update_secondary_system_time: the odd version first, then the record, then the even one.
    let clock = clock(0);
    let mut info = clock.time_info();
    info.version = 6;
    let mut g = Recording::default();
    hypercall::time::update_secondary_system_time(&mut g, AREA, &info);
    let w = &g.0;
    assert_eq!(w.len(), 3);
    assert_eq!(w[0], (AREA, 5u32.to_le_bytes().to_vec()));
    let during = vcpu_time_info::read_from_bytes(&w[1].1).unwrap();
    assert_eq!((w[1].0, during.version), (AREA, 5));
    assert_eq!(during.tsc_to_system_mul, info.tsc_to_system_mul);
    assert_eq!(w[2], (AREA, 6u32.to_le_bytes().to_vec()));
}
