//! `__HYPERVISOR_platform_op` through the dispatcher, one rule per test, against Xen 4.17
//! (xen/arch/x86/platform_hypercall.c `do_platform_op` and the functions it calls, each named at
//! its test). Every test ends with the hypervisor's invariants.

use crate::common;

use std::cell::Cell;
use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::guest::{FlatGuest, GuestMemory};
use hypercall::pcpu::{cpu_signature, PhysCpu, PhysCpus, INVALID_ACPIID};
use hypercall::platform_op::PlatformOp;
use hypercall::time::{Clock, NSEC_PER_SEC};
use hypercall::Errno;
use proptest::prelude::*;
use xen_mm::frame::FrameAccess;
use xen_public::abi::Payload;
use xen_public::platform::*;
use xen_public::sysctl::{xen_sysctl, xen_sysctl_physinfo, XEN_SYSCTL_physinfo};
use xen_public::xen::{__HYPERVISOR_platform_op, __HYPERVISOR_sysctl};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes};

/// Where the xen_platform_op goes in the guest buffer.
const OP: u64 = GUEST_BASE;
/// Where other buffers go.
const BUF: u64 = GUEST_BASE + 0x1000;
/// The byte the rest of the guest buffer is filled with, to see what a command writes.
const FILL: u8 = 0x5a;

thread_local! {
    static TSC: Cell<u64> = const { Cell::new(0) };
}

fn fake_tsc() -> u64 {
    TSC.with(|t| t.get())
}

/// Moves the test clock to system time `ns` (a 1 GHz TSC from 0).
fn set_now(ns: u64) {
    TSC.with(|c| c.set(ns));
}

/// A hypervisor with a 1 GHz clock at system time 0, dom0 and an unprivileged domain 1.
fn setup() -> (TestHv, Arc<TestDomain>, Arc<TestDomain>) {
    set_now(0);
    let clock = Clock::new(fake_tsc);
    clock.calibrate(NSEC_PER_SEC);
    let (hv, dom0) = common::hypervisor(4096);
    let hv = hv.with_clock(clock);
    let domu = hv
        .create_domain(Some(1), common::pvh_config(false))
        .unwrap();
    (hv, dom0, domu)
}

/// A guest buffer filled with [`FILL`].
fn guest() -> FlatGuest {
    let mut g = common::guest();
    g.bytes.fill(FILL);
    g
}

fn op_with<T: IntoBytes + Immutable>(cmd: u32, member: &T) -> xen_platform_op {
    let mut op = xen_platform_op::new(cmd);
    assert!(op.set(member));
    op
}

/// The op at OP, issued by `caller`; the value returned.
fn platform_op(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    op: &xen_platform_op,
) -> i64 {
    guest.put(OP, op);
    call(hv, caller, guest, OP)
}

fn call(hv: &TestHv, caller: &Arc<TestDomain>, guest: &mut FlatGuest, addr: u64) -> i64 {
    match common::hypercall(
        hv,
        caller,
        guest,
        __HYPERVISOR_platform_op,
        [addr, 0, 0, 0, 0],
    ) {
        Outcome::Return(v) => v,
        other => panic!("unexpected {other:?}"),
    }
}

fn op_back(guest: &FlatGuest) -> xen_platform_op {
    guest.get(OP)
}

fn member_back<T: FromBytes + zerocopy::KnownLayout + Immutable>(guest: &FlatGuest) -> T {
    op_back(guest).get().unwrap()
}

/// The wallclock words of a domain's shared_info: (wc_version | wc_sec << 32, wc_nsec |
/// wc_sec_hi << 32).
fn shinfo_wallclock(hv: &TestHv, d: &TestDomain) -> (u64, u64) {
    (
        hv.heap.read_u64(d.shared_info, 384),
        hv.heap.read_u64(d.shared_info, 385),
    )
}

/// (wc_version, seconds, nanoseconds) from a domain's shared_info.
fn wallclock_of(hv: &TestHv, d: &TestDomain) -> (u32, u64, u32) {
    let (a, b) = shinfo_wallclock(hv, d);
    (a as u32, (a >> 32) | (b >> 32 << 32), b as u32)
}

fn settime64(secs: u64, nsecs: u32, system_time: u64) -> xen_platform_op {
    op_with(
        XENPF_settime64,
        &xenpf_settime64 {
            secs,
            nsecs,
            mbz: 0,
            system_time,
        },
    )
}

/// Three CPU numbers: 0 online (APIC 0, ACPI 1), 1 not present, 2 present but offline (APIC 4,
/// ACPI 3).
fn three_cpus() -> PhysCpus {
    let amd = [
        u32::from_le_bytes(*b"Auth"),
        u32::from_le_bytes(*b"enti"),
        u32::from_le_bytes(*b"cAMD"),
    ];
    let cpu0 = PhysCpu::from_cpuid(0, 1, amd, 0x0080_0f11);
    let cpu2 = PhysCpu {
        online: false,
        ..PhysCpu::from_cpuid(4, 3, amd, 0x0080_0f11)
    };
    PhysCpus::new(vec![Some(cpu0), None, Some(cpu2)])
}

/// A guest whose memory can be read but not written: a copy back faults.
struct ReadOnly(FlatGuest);

impl GuestMemory for ReadOnly {
    fn copy_from_guest(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        self.0.copy_from_guest(addr, buf)
    }
    fn copy_to_guest(&mut self, _addr: u64, _data: &[u8]) -> Result<(), Errno> {
        Err(Errno::EFAULT)
    }
}

fn call_read_only(hv: &TestHv, caller: &Arc<TestDomain>, op: &xen_platform_op) -> i64 {
    let mut g = guest();
    g.put(OP, op);
    let mut ro = ReadOnly(g);
    let mut call = hypercall::dispatch::Call {
        caller,
        vcpu: 0,
        guest: &mut ro,
        preempt: &mut hypercall::dispatch::NeverPreempt,
        sched: None,
        interrupts_enabled: false,
    };
    match hypercall::dispatch(
        hv,
        &mut call,
        __HYPERVISOR_platform_op.into(),
        [OP, 0, 0, 0, 0],
    ) {
        Outcome::Return(v) => v,
        other => panic!("unexpected {other:?}"),
    }
}

// do_platform_op: `if ( copy_from_guest(op, u_xenpf_op, 1) ) return -EFAULT;`.
#[test]
fn unreadable_op_is_efault() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let end = GUEST_BASE + common::GUEST_BYTES as u64;
    for addr in [0, GUEST_BASE - 1, end - 135, u64::MAX] {
        assert_eq!(call(&hv, &dom0, &mut g, addr), Errno::EFAULT.negated());
    }
    hv.check_invariants().unwrap();
}

// do_platform_op: `op->interface_version != XENPF_INTERFACE_VERSION` is -EACCES, before the XSM
// check, and nothing happens.
#[test]
fn wrong_interface_version_is_eacces_and_changes_nothing() {
    let (hv, dom0, domu) = setup();
    let mut g = guest();
    assert_eq!(XENPF_INTERFACE_VERSION, 0x0300_0001);
    let before = (hv.clock.wallclock(), shinfo_wallclock(&hv, &dom0));
    for version in [0, 0x0300_0000, 0x0300_0002, 0x0004_0e00, u32::MAX] {
        for caller in [&dom0, &domu] {
            let mut op = settime64(1 << 31, 0, 0);
            op.interface_version = version;
            assert_eq!(
                platform_op(&hv, caller, &mut g, &op),
                Errno::EACCES.negated()
            );
            assert_eq!(op_back(&g), op);
        }
    }
    assert_eq!((hv.clock.wallclock(), shinfo_wallclock(&hv, &dom0)), before);
    hv.check_invariants().unwrap();
}

// do_platform_op: `xsm_platform_op(XSM_PRIV, op->cmd)` (xen/include/xsm/dummy.h): a domain that
// is not the control domain gets -EPERM for every command, known or not, and nothing changes.
#[test]
fn unprivileged_callers_get_eperm_for_every_command() {
    let (hv, dom0, domu) = setup();
    let mut g = guest();
    let before = (hv.clock.wallclock(), shinfo_wallclock(&hv, &dom0));
    for cmd in (0..70).chain([1000, u32::MAX]) {
        let mut op = xen_platform_op::new(cmd);
        assert!(op.set(&[0x11u8; 128]));
        assert_eq!(
            platform_op(&hv, &domu, &mut g, &op),
            Errno::EPERM.negated(),
            "cmd {cmd}"
        );
        assert_eq!(op_back(&g), op, "cmd {cmd}: nothing written back");
    }
    assert_eq!((hv.clock.wallclock(), shinfo_wallclock(&hv, &dom0)), before);
    hv.check_invariants().unwrap();
}

// do_platform_op's `default: ret = -ENOSYS;`: commands Xen 4.17 does not have, among them
// XENPF_get_dom0_console (64, Xen 4.19), which Linux 6.1's PVH dom0 asks for at boot.
#[test]
fn unknown_commands_are_enosys() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    for cmd in [0, 1, 16, 18, 30, 34, 47, 64, 65, 1000, u32::MAX] {
        let op = xen_platform_op::new(cmd);
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            Errno::ENOSYS.negated(),
            "cmd {cmd}"
        );
        assert_eq!(op_back(&g), op);
        assert_eq!(PlatformOp::decode(&op), Err(Errno::ENOSYS));
    }
    hv.check_invariants().unwrap();
}

// xen/common/time.c do_settime: `x = SECONDS(secs) + nsecs - system_time_base; y = do_div(x,
// 1000000000)`, wc_sec = x and wc_nsec = y, then update_domain_wallclock_time for each domain:
// wc_version odd, the fields, wc_version even (so +2), wc_sec_hi the upper half.
#[test]
fn settime64_sets_the_wallclock_of_every_domain() {
    let (hv, dom0, domu) = setup();
    let mut g = guest();
    set_now(7 * NSEC_PER_SEC);
    let (v0, _, _) = wallclock_of(&hv, &dom0);
    let (v1, _, _) = wallclock_of(&hv, &domu);
    // 2038-01-19 + a bit, as of system time 5.25 s.
    let secs = (1u64 << 31) + 100;
    let op = settime64(secs, 750_000_000, 5_250_000_000);
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    // Nothing is written back.
    assert_eq!(op_back(&g), op);
    let x = secs * NSEC_PER_SEC + 750_000_000 - 5_250_000_000;
    let expect = (x / NSEC_PER_SEC, (x % NSEC_PER_SEC) as u32);
    assert_eq!(expect, ((1 << 31) + 95, 500_000_000));
    assert_eq!(hv.clock.wallclock(), expect);
    assert_eq!(wallclock_of(&hv, &dom0), (v0 + 2, expect.0, expect.1));
    assert_eq!(wallclock_of(&hv, &domu), (v1 + 2, expect.0, expect.1));
    // wc_sec_hi holds the seconds' upper half once they pass 2^32.
    let op = settime64((1 << 32) + 5, 0, 0);
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    let (a, b) = shinfo_wallclock(&hv, &domu);
    assert_eq!((a >> 32, b >> 32), (5, 1));
    // A domain created later starts with it (arch_domain_create -> update_domain_wallclock_time).
    let d2 = hv
        .create_domain(Some(2), common::pvh_config(false))
        .unwrap();
    assert_eq!(wallclock_of(&hv, &d2).1, (1 << 32) + 5);
    hv.check_invariants().unwrap();
}

// platform_hypercall.c XENPF_settime32: the same with 32-bit seconds.
#[test]
fn settime32_sets_the_wallclock() {
    let (hv, dom0, domu) = setup();
    let mut g = guest();
    let op = op_with(
        XENPF_settime32,
        &xenpf_settime32 {
            secs: u32::MAX,
            nsecs: 1,
            system_time: 2,
        },
    );
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    let x = u64::from(u32::MAX) * NSEC_PER_SEC + 1 - 2;
    let expect = (x / NSEC_PER_SEC, (x % NSEC_PER_SEC) as u32);
    assert_eq!(hv.clock.wallclock(), expect);
    assert_eq!(wallclock_of(&hv, &domu).1, expect.0);
    assert_eq!(wallclock_of(&hv, &domu).2, expect.1);
    assert_eq!(
        PlatformOp::decode(&op),
        Ok(PlatformOp::SetTime {
            secs: u32::MAX.into(),
            nsecs: 1,
            system_time: 2
        })
    );
    hv.check_invariants().unwrap();
}

// do_settime computes in unsigned 64 bits: a base later than the time set, or seconds whose
// nanoseconds overflow, wrap as in Xen; nsecs above a second are not refused. Nothing panics.
#[test]
fn settime_wraps_as_xen_does() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let cases: [(u64, u32, u64); 5] = [
        (0, 0, 1),
        (0, 0, u64::MAX),
        (u64::MAX, u32::MAX, 0),
        (1, 3_000_000_000, 0),
        (u64::MAX / NSEC_PER_SEC + 1, 0, 0),
    ];
    for (secs, nsecs, base) in cases {
        let op = settime64(secs, nsecs, base);
        assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
        let x = secs
            .wrapping_mul(NSEC_PER_SEC)
            .wrapping_add(nsecs.into())
            .wrapping_sub(base);
        let expect = (x / NSEC_PER_SEC, (x % NSEC_PER_SEC) as u32);
        assert_eq!(hv.clock.wallclock(), expect, "{secs} {nsecs} {base}");
        let (_, s, n) = wallclock_of(&hv, &dom0);
        assert_eq!((s, n), expect);
    }
    // (0, 0, 1): 2^64 - 1 ns.
    let op = settime64(0, 0, 1);
    platform_op(&hv, &dom0, &mut g, &op);
    assert_eq!(hv.clock.wallclock(), (18_446_744_073, 709_551_615));
    hv.check_invariants().unwrap();
}

// XENPF_settime64: `if ( likely(!op->u.settime64.mbz) ) do_settime(...) else ret = -EINVAL;`.
#[test]
fn settime64_with_mbz_set_is_einval_and_changes_nothing() {
    let (hv, dom0, domu) = setup();
    let mut g = guest();
    let before = (
        hv.clock.wallclock(),
        shinfo_wallclock(&hv, &dom0),
        shinfo_wallclock(&hv, &domu),
    );
    for mbz in [1, 0x8000_0000, u32::MAX] {
        let op = op_with(
            XENPF_settime64,
            &xenpf_settime64 {
                secs: 1 << 31,
                nsecs: 0,
                mbz,
                system_time: 0,
            },
        );
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            Errno::EINVAL.negated()
        );
        assert_eq!(op_back(&g), op);
    }
    assert_eq!(
        (
            hv.clock.wallclock(),
            shinfo_wallclock(&hv, &dom0),
            shinfo_wallclock(&hv, &domu)
        ),
        before
    );
    hv.check_invariants().unwrap();
}

// XENPF_get_cpuinfo: a present CPU's `x86_cpu_to_apicid`, `acpi_get_processor_id`, flags
// XEN_PCPU_FLAGS_ONLINE if `cpu_online`; a CPU number not present (or >= nr_cpu_ids) gets
// XEN_PCPU_FLAGS_INVALID with apic_id and acpi_id left as given; max_present is
// `cpumask_last(&cpu_present_map)`. Only `u.pcpu_info` is copied back.
#[test]
fn get_cpuinfo_reports_each_cpu() {
    let (hv, dom0, _) = setup();
    let hv = hv.with_cpus(three_cpus());
    let mut g = guest();
    let ask = |g: &mut FlatGuest, cpu: u32| {
        let mut op = xen_platform_op::new(XENPF_get_cpuinfo);
        assert!(op.set(&[0xeeu8; 128]));
        assert!(op.set(&xenpf_pcpuinfo {
            xen_cpuid: cpu,
            max_present: 0xdead,
            flags: 0xdead,
            apic_id: 0xbeef,
            acpi_id: 0xcafe,
        }));
        assert_eq!(platform_op(&hv, &dom0, g, &op), 0, "cpu {cpu}");
        let back = op_back(g);
        // The command, the version and the union past the member are untouched.
        assert_eq!(
            (back.cmd, back.interface_version),
            (op.cmd, op.interface_version)
        );
        assert_eq!(
            back.payload_bytes()[20..],
            op.payload_bytes()[20..],
            "cpu {cpu}"
        );
        back.get::<xenpf_pcpuinfo>().unwrap()
    };
    let info = |cpu, flags, apic_id, acpi_id| xenpf_pcpuinfo {
        xen_cpuid: cpu,
        max_present: 2,
        flags,
        apic_id,
        acpi_id,
    };
    assert_eq!(ask(&mut g, 0), info(0, XEN_PCPU_FLAGS_ONLINE, 0, 1));
    assert_eq!(
        ask(&mut g, 1),
        info(1, XEN_PCPU_FLAGS_INVALID, 0xbeef, 0xcafe)
    );
    assert_eq!(ask(&mut g, 2), info(2, 0, 4, 3));
    for cpu in [3, 4096, u32::MAX] {
        assert_eq!(
            ask(&mut g, cpu),
            info(cpu, XEN_PCPU_FLAGS_INVALID, 0xbeef, 0xcafe)
        );
    }
    hv.check_invariants().unwrap();
}

// The default CPUs (the host tests', the fuzzer's): CPU 0 online with APIC id 0 and ACPI id 0,
// nothing else; max_present 0.
#[test]
fn get_cpuinfo_of_the_default_cpu() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let op = op_with(XENPF_get_cpuinfo, &xenpf_pcpuinfo::default());
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    let info: xenpf_pcpuinfo = member_back(&g);
    assert_eq!(
        (info.flags, info.apic_id, info.acpi_id, info.max_present),
        (XEN_PCPU_FLAGS_ONLINE, 0, 0, 0)
    );
    let op = op_with(
        XENPF_get_cpuinfo,
        &xenpf_pcpuinfo {
            xen_cpuid: 1,
            ..Default::default()
        },
    );
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    let info: xenpf_pcpuinfo = member_back(&g);
    assert_eq!((info.flags, info.max_present), (XEN_PCPU_FLAGS_INVALID, 0));
    hv.check_invariants().unwrap();
}

// `ret = __copy_field_to_guest(u_xenpf_op, op, u.pcpu_info) ? -EFAULT : 0;` and the same for
// the other commands that answer in the op.
#[test]
fn a_copy_back_that_faults_is_efault() {
    let (hv, dom0, _) = setup();
    let ops = [
        op_with(XENPF_get_cpuinfo, &xenpf_pcpuinfo::default()),
        op_with(XENPF_get_cpu_version, &xenpf_pcpu_version::default()),
        op_with(
            XENPF_firmware_info,
            &xenpf_firmware_info {
                r#type: XEN_FW_KBD_SHIFT_FLAGS,
                ..Default::default()
            },
        ),
        op_with(
            XENPF_core_parking,
            &xenpf_core_parking {
                r#type: XEN_CORE_PARKING_GET,
                idle_nums: 0,
            },
        ),
        op_with(XENPF_get_symbol, &xenpf_symdata::default()),
    ];
    for op in ops {
        assert_eq!(
            call_read_only(&hv, &dom0, &op),
            Errno::EFAULT.negated(),
            "cmd {}",
            op.cmd
        );
    }
    // A command that writes nothing back does not fault.
    assert_eq!(call_read_only(&hv, &dom0, &settime64(1, 0, 0)), 0);
    hv.check_invariants().unwrap();
}

// XENPF_get_cpu_version: an online CPU's `x86_vendor_id`, `x86`, `x86_model` and `x86_mask`;
// an offline or absent one all zeroes; max_present as get_cpuinfo's.
#[test]
fn get_cpu_version_reports_online_cpus() {
    let (hv, dom0, _) = setup();
    let hv = hv.with_cpus(three_cpus());
    let mut g = guest();
    let ask = |g: &mut FlatGuest, cpu: u32| {
        let op = op_with(
            XENPF_get_cpu_version,
            &xenpf_pcpu_version {
                xen_cpuid: cpu,
                max_present: 7,
                vendor_id: *b"GenuineIntel",
                family: 1,
                model: 2,
                stepping: 3,
            },
        );
        assert_eq!(platform_op(&hv, &dom0, g, &op), 0);
        member_back::<xenpf_pcpu_version>(g)
    };
    let v = ask(&mut g, 0);
    assert_eq!(
        (&v.vendor_id, v.family, v.model, v.stepping, v.max_present),
        (b"AuthenticAMD", 0x17, 0x01, 1, 2)
    );
    for cpu in [1, 2, 3, u32::MAX] {
        let v = ask(&mut g, cpu);
        assert_eq!(
            (
                v.xen_cpuid,
                v.vendor_id,
                v.family,
                v.model,
                v.stepping,
                v.max_present
            ),
            (cpu, [0; 12], 0, 0, 0, 2),
            "cpu {cpu}"
        );
    }
    hv.check_invariants().unwrap();
}

// xen/arch/x86/include/asm/processor.h get_cpu_family: family 15 adds the extended family (in
// 8 bits), family 6 and up take the extended model as the model's high nibble.
#[test]
fn cpu_signatures_decode_as_get_cpu_family() {
    // Zen (AMD family 17h), Kaby Lake (Intel 6/9E/A), a Pentium (5/2/C: no extended model),
    // family 15 with extended family 0xff (15 + 255 wraps to 14 in a uint8_t), family 15 model
    // 6 with an extended model (taken, as family >= 6).
    assert_eq!(cpu_signature(0x0080_0f11), (0x17, 0x01, 1));
    assert_eq!(cpu_signature(0x0009_06ea), (6, 0x9e, 0xa));
    assert_eq!(cpu_signature(0x0001_052c), (5, 2, 0xc));
    assert_eq!(cpu_signature(0x0ff0_0f00), (0x0e, 0, 0));
    assert_eq!(cpu_signature(0x0002_0f60), (0xf, 0x26, 0));
    let c = PhysCpu::from_cpuid(
        7,
        INVALID_ACPIID,
        [
            u32::from_le_bytes(*b"Genu"),
            u32::from_le_bytes(*b"ineI"),
            u32::from_le_bytes(*b"ntel"),
        ],
        0x0009_06ea,
    );
    assert_eq!(&c.vendor_id, b"GenuineIntel");
    assert!(c.online && !c.mwait_break);
}

// cpumask_last of an empty present map is nr_cpu_ids; the counts physinfo and core parking
// use.
#[test]
fn phys_cpus_answer_as_the_cpu_maps() {
    let none = PhysCpus::new(vec![None, None]);
    assert_eq!(
        (none.max_present(), none.nr_present(), none.nr_online()),
        (2, 0, 0)
    );
    let three = three_cpus();
    assert_eq!(
        (
            three.nr_cpu_ids(),
            three.max_present(),
            three.nr_present(),
            three.nr_online()
        ),
        (3, 2, 2, 1)
    );
    assert_eq!(three.cpu_of_acpi_id(3), Some(2));
    assert_eq!(three.cpu_of_acpi_id(0), None);
    assert_eq!(three.cpu_of_acpi_id(INVALID_ACPIID), None);
    assert!(three.has_apic_id(4) && !three.has_apic_id(1));
}

// xen/arch/x86/sysctl.c arch_do_physinfo / common/sysctl.c: nr_cpus is num_online_cpus(),
// max_cpu_id nr_cpu_ids - 1.
#[test]
fn physinfo_counts_the_cpus_the_arch_layer_gave() {
    let (hv, dom0, _) = setup();
    let hv = hv.with_cpus(three_cpus());
    let mut g = guest();
    g.put(OP, &xen_sysctl::new(XEN_SYSCTL_physinfo));
    let rc = common::hypercall(&hv, &dom0, &mut g, __HYPERVISOR_sysctl, [OP, 0, 0, 0, 0]);
    assert_eq!(rc, Outcome::Return(0));
    let pi: xen_sysctl_physinfo = g.get::<xen_sysctl>(OP).get().unwrap();
    assert_eq!((pi.nr_cpus, pi.max_cpu_id), (1, 2));
    hv.check_invariants().unwrap();
}

// XENPF_firmware_info, as Xen answers without boot-time firmware data (real mode skipped):
// XEN_FW_DISK_INFO `index >= bootsym(boot_edd_info_nr)` -ESRCH; XEN_FW_DISK_MBR_SIGNATURE the
// same; XEN_FW_VBEDDC_INFO with no EDID -ESRCH; XEN_FW_EFI_INFO efi_get_info without EFI_BOOT
// -ENOSYS; XEN_FW_KBD_SHIFT_FLAGS index 0 gives the flags (0) in the one byte
// `u.firmware_info.u.kbd_shift_flags`, another index -ESRCH; any other type -EINVAL.
#[test]
fn firmware_info_answers_as_xen_without_boot_firmware_data() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let fw = |r#type, index| {
        let mut op = xen_platform_op::new(XENPF_firmware_info);
        assert!(op.set(&[0xa5u8; 128]));
        assert!(op.set(&xenpf_firmware_info {
            r#type,
            index,
            u: [0xa5a5_a5a5_a5a5_a5a5; 4],
        }));
        op
    };
    let expect = [
        (XEN_FW_DISK_INFO, 0, Errno::ESRCH),
        (XEN_FW_DISK_INFO, 0x80, Errno::ESRCH),
        (XEN_FW_DISK_MBR_SIGNATURE, 0, Errno::ESRCH),
        (XEN_FW_VBEDDC_INFO, 0, Errno::ESRCH),
        (XEN_FW_VBEDDC_INFO, 1, Errno::ESRCH),
        (XEN_FW_EFI_INFO, XEN_FW_EFI_VERSION, Errno::ENOSYS),
        (XEN_FW_EFI_INFO, XEN_FW_EFI_CONFIG_TABLE, Errno::ENOSYS),
        (XEN_FW_EFI_INFO, 99, Errno::ENOSYS),
        (XEN_FW_KBD_SHIFT_FLAGS, 1, Errno::ESRCH),
        (0, 0, Errno::EINVAL),
        (6, 0, Errno::EINVAL),
        (u32::MAX, 0, Errno::EINVAL),
    ];
    for (r#type, index, err) in expect {
        let op = fw(r#type, index);
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            err.negated(),
            "type {type} index {index}"
        );
        assert_eq!(op_back(&g), op, "type {type}: nothing written back");
    }
    let op = fw(XEN_FW_KBD_SHIFT_FLAGS, 0);
    assert_eq!(platform_op(&hv, &dom0, &mut g, &op), 0);
    let mut expect = op;
    expect.u[1] &= !0xff;
    assert_eq!(op_back(&g), expect);
    hv.check_invariants().unwrap();
}

// MTRRs as Xen has them without an MTRR driver (xen/arch/x86/cpu/mtrr/main.c, `mtrr_if` NULL,
// `num_var_ranges` 0): add_memtype's mtrr_add_page -ENXIO; del_memtype -EINVAL for a handle or
// a negative register, else mtrr_del_page's -ENXIO; read_memtype `reg < num_var_ranges` fails,
// -EINVAL. Nothing is written back.
#[test]
fn memtypes_answer_as_xen_without_mtrrs() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let cases = [
        (
            op_with(
                XENPF_add_memtype,
                &xenpf_add_memtype {
                    mfn: 0x100,
                    nr_mfns: 1,
                    ..Default::default()
                },
            ),
            Errno::ENXIO,
        ),
        (
            op_with(XENPF_del_memtype, &xenpf_del_memtype { handle: 0, reg: 0 }),
            Errno::ENXIO,
        ),
        (
            op_with(XENPF_del_memtype, &xenpf_del_memtype { handle: 1, reg: 0 }),
            Errno::EINVAL,
        ),
        (
            op_with(
                XENPF_del_memtype,
                &xenpf_del_memtype {
                    handle: 0,
                    reg: u32::MAX,
                },
            ),
            Errno::EINVAL,
        ),
        (
            op_with(XENPF_read_memtype, &xenpf_read_memtype::default()),
            Errno::EINVAL,
        ),
    ];
    for (op, err) in cases {
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            err.negated(),
            "{}",
            op.cmd
        );
        assert_eq!(op_back(&g), op);
    }
    hv.check_invariants().unwrap();
}

// The commands xen-rs's configuration answers with one errno: microcode_update without
// `ucode_ops.apply_microcode` -EINVAL; efi_runtime_call without EFI_BOOT -ENOSYS; change_freq
// and getidletime with `cpufreq_controller != FREQCTL_dom0_kernel` -ENOSYS; mem_hotadd, whose
// mem_hotadd_check finds no room, -EINVAL.
#[test]
fn unsupported_machinery_answers_with_xens_errno() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let cases = [
        (XENPF_microcode_update, Errno::EINVAL),
        (XENPF_efi_runtime_call, Errno::ENOSYS),
        (XENPF_change_freq, Errno::ENOSYS),
        (XENPF_getidletime, Errno::ENOSYS),
        (XENPF_mem_hotadd, Errno::EINVAL),
    ];
    for (cmd, err) in cases {
        let mut op = xen_platform_op::new(cmd);
        assert!(op.set(&[0x33u8; 128]));
        assert_eq!(platform_op(&hv, &dom0, &mut g, &op), err.negated(), "{cmd}");
        assert_eq!(op_back(&g), op);
    }
    hv.check_invariants().unwrap();
}

// XENPF_platform_quirk: QUIRK_NOIRQBALANCING, QUIRK_IOAPIC_BAD_REGSEL and
// QUIRK_IOAPIC_GOOD_REGSEL are 0, another id -EINVAL.
#[test]
fn platform_quirks() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    for (id, rc) in [
        (QUIRK_NOIRQBALANCING, 0),
        (QUIRK_IOAPIC_BAD_REGSEL, 0),
        (QUIRK_IOAPIC_GOOD_REGSEL, 0),
        (0, Errno::EINVAL.negated()),
        (4, Errno::EINVAL.negated()),
        (u32::MAX, Errno::EINVAL.negated()),
    ] {
        let op = op_with(XENPF_platform_quirk, &xenpf_platform_quirk { quirk_id: id });
        assert_eq!(platform_op(&hv, &dom0, &mut g, &op), rc, "quirk {id}");
    }
    hv.check_invariants().unwrap();
}

// xen/arch/x86/acpi/power.c acpi_enter_sleep with no FADT sleep registers: S3 without a wakeup
// vector -EOPNOTSUPP first; then the extended form's missing sleep control/status registers,
// or the legacy form's missing PM1a control block, -EPERM before any check of the values.
#[test]
fn enter_acpi_sleep_without_sleep_registers() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    for (state, flags, err) in [
        (3, 0, Errno::EOPNOTSUPP),
        (3, XENPF_ACPI_SLEEP_EXTENDED, Errno::EOPNOTSUPP),
        (3, 0xff, Errno::EOPNOTSUPP),
        (5, 0, Errno::EPERM),
        (5, XENPF_ACPI_SLEEP_EXTENDED, Errno::EPERM),
        (5, 2, Errno::EPERM),
        (0, 0, Errno::EPERM),
    ] {
        let op = op_with(
            XENPF_enter_acpi_sleep,
            &xenpf_enter_acpi_sleep {
                val_a: 0x3c00,
                val_b: 0x1c00,
                sleep_state: state,
                flags,
            },
        );
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            err.negated(),
            "S{state} {flags}"
        );
    }
    hv.check_invariants().unwrap();
}

fn pminfo(id: u32, kind: u32, pdc: u64) -> xen_platform_op {
    let mut u = [0u64; 13];
    u[0] = pdc;
    op_with(
        XENPF_set_processor_pminfo,
        &xenpf_set_processor_pminfo {
            id,
            r#type: kind,
            u,
        },
    )
}

// XENPF_set_processor_pminfo with `xen_processor_pmbits` empty: XEN_PM_PX, XEN_PM_CX and
// XEN_PM_TX -ENOSYS, an unknown type -EINVAL.
#[test]
fn pminfo_types_the_hypervisor_does_not_control() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    for (kind, err) in [
        (XEN_PM_PX, Errno::ENOSYS),
        (XEN_PM_CX, Errno::ENOSYS),
        (XEN_PM_TX, Errno::ENOSYS),
        (4, Errno::EINVAL),
        (u32::MAX, Errno::EINVAL),
    ] {
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &pminfo(0, kind, BUF)),
            err.negated(),
            "type {kind}"
        );
    }
    hv.check_invariants().unwrap();
}

// xen/drivers/acpi/pmstat.c acpi_set_pdc_bits and xen/arch/x86/acpi/lib.c
// arch_acpi_set_pdc_bits, with no P/C/T control in the hypervisor: the first two words are
// read (-EFAULT), must be revision 1 and a non-zero count (-EINVAL), the third keeps only its
// C/P/T/SMP_C1PT bits and loses the FFH C-state bits on a CPU without MWAIT break-on-interrupt;
// the ACPI id must name an online CPU (-EINVAL) or be ~0 (the boot CPU).
#[test]
fn pdc_bits_are_masked_as_xen_does() {
    let (hv, dom0, _) = setup();
    let mut cpus = three_cpus();
    let hv_plain = hv.with_cpus(cpus.clone());
    let mut g = guest();
    let put_pdc = |g: &mut FlatGuest, words: [u32; 3]| {
        g.put(BUF, &words);
    };
    let pdc_back = |g: &FlatGuest| g.get::<[u32; 3]>(BUF);

    // Bad buffer, then bad revision or count: nothing written.
    assert_eq!(
        platform_op(&hv_plain, &dom0, &mut g, &pminfo(1, XEN_PM_PDC, 0)),
        Errno::EFAULT.negated()
    );
    for words in [
        [2, 1, 0xffff_ffff],
        [1, 0, 0xffff_ffff],
        [0, 1, 0xffff_ffff],
    ] {
        put_pdc(&mut g, words);
        assert_eq!(
            platform_op(&hv_plain, &dom0, &mut g, &pminfo(1, XEN_PM_PDC, BUF)),
            Errno::EINVAL.negated()
        );
        assert_eq!(pdc_back(&g), words);
    }
    // Unknown ACPI id, and the offline CPU 2's (ACPI id 3): -EINVAL, nothing written.
    for id in [0, 3, 511] {
        put_pdc(&mut g, [1, 1, 0xffff_ffff]);
        assert_eq!(
            platform_op(&hv_plain, &dom0, &mut g, &pminfo(id, XEN_PM_PDC, BUF)),
            Errno::EINVAL.negated(),
            "acpi id {id}"
        );
        assert_eq!(pdc_back(&g), [1, 1, 0xffff_ffff]);
    }
    // CPU 0 (ACPI id 1) and the boot CPU (~0), without MWAIT break-on-interrupt: C|P|T|C1PT
    // = 0xbff, less C1_FFH and C2C3_FFH = 0x8ff.
    for id in [1, INVALID_ACPIID] {
        put_pdc(&mut g, [1, 1, 0xffff_ffff]);
        assert_eq!(
            platform_op(&hv_plain, &dom0, &mut g, &pminfo(id, XEN_PM_PDC, BUF)),
            0
        );
        assert_eq!(pdc_back(&g), [1, 1, 0x8ff]);
    }
    // With it, the FFH bits stay.
    let (hv, dom0, _) = setup();
    let mut cpu0 = cpus.present(0).unwrap().clone();
    cpu0.mwait_break = true;
    cpus = PhysCpus::new(vec![Some(cpu0)]);
    let hv = hv.with_cpus(cpus);
    put_pdc(&mut g, [1, 1, 0xffff_ffff]);
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &pminfo(1, XEN_PM_PDC, BUF)),
        0
    );
    assert_eq!(pdc_back(&g), [1, 1, 0xbff]);
    hv.check_invariants().unwrap();
}

// XENPF_cpu_online: `cpu >= nr_cpu_ids || !cpu_present(cpu)` -EINVAL, an online CPU 0; a
// present offline CPU would be started (cpu_up), which fails here with cpu_up's -EIO.
// XENPF_cpu_offline: CPU 0 -EOPNOTSUPP, absent -EINVAL, offline 0, an online AP would be
// stopped (cpu_down), which fails with -EBUSY.
#[test]
fn cpu_online_and_offline() {
    let (hv, dom0, _) = setup();
    let mut two_online = three_cpus();
    let hv = hv.with_cpus(three_cpus());
    let mut g = guest();
    let ol = |cmd, cpu| op_with(cmd, &xenpf_cpu_ol { cpuid: cpu });
    for (cmd, cpu, rc) in [
        (XENPF_cpu_online, 0, 0),
        (XENPF_cpu_online, 1, Errno::EINVAL.negated()),
        (XENPF_cpu_online, 2, Errno::EIO.negated()),
        (XENPF_cpu_online, 3, Errno::EINVAL.negated()),
        (XENPF_cpu_online, u32::MAX, Errno::EINVAL.negated()),
        (XENPF_cpu_offline, 0, Errno::EOPNOTSUPP.negated()),
        (XENPF_cpu_offline, 1, Errno::EINVAL.negated()),
        (XENPF_cpu_offline, 2, 0),
        (XENPF_cpu_offline, u32::MAX, Errno::EINVAL.negated()),
    ] {
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &ol(cmd, cpu)),
            rc,
            "{cmd} {cpu}"
        );
    }
    assert_eq!(hv.cpus, three_cpus());
    let (hv, dom0, _) = setup();
    two_online = PhysCpus::new(vec![
        two_online.present(0).cloned(),
        Some(PhysCpu {
            online: true,
            ..two_online.present(2).unwrap().clone()
        }),
    ]);
    let hv = hv.with_cpus(two_online);
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &ol(XENPF_cpu_offline, 1)),
        Errno::EBUSY.negated()
    );
    hv.check_invariants().unwrap();
}

// xen/arch/x86/smpboot.c cpu_add: acpi_id >= MAX_MADT_ENTRIES (512), apic_id >= MAX_APICS
// (1024) or pxm >= 256 -EINVAL; an ACPI id already known -EEXIST (same APIC id) or -EINVAL; an
// APIC id already present -EEXIST; otherwise mp_register_lapic finds nr_cpu_ids reached,
// -ENOSPC. The CPUs do not change.
#[test]
fn cpu_hotadd() {
    let (hv, dom0, _) = setup();
    let hv = hv.with_cpus(three_cpus());
    let mut g = guest();
    let add = |apic_id, acpi_id, pxm| {
        op_with(
            XENPF_cpu_hotadd,
            &xenpf_cpu_hotadd {
                apic_id,
                acpi_id,
                pxm,
            },
        )
    };
    for (apic, acpi, pxm, err) in [
        (0, 512, 0, Errno::EINVAL),
        (1024, 7, 0, Errno::EINVAL),
        (9, 7, 256, Errno::EINVAL),
        (0, 1, 0, Errno::EEXIST),
        (4, 3, 0, Errno::EEXIST),
        (5, 1, 0, Errno::EINVAL),
        (4, 7, 0, Errno::EEXIST),
        (9, 7, 0, Errno::ENOSPC),
        (1023, 511, 255, Errno::ENOSPC),
    ] {
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &add(apic, acpi, pxm)),
            err.negated(),
            "apic {apic} acpi {acpi} pxm {pxm}"
        );
    }
    assert_eq!(hv.cpus, three_cpus());
    hv.check_invariants().unwrap();
}

// XENPF_core_parking (xen/common/core_parking.c): SET clamps idle_nums to num_present_cpus() - 1
// and runs core_parking_helper, which has nothing to do for 0 and would take CPUs down
// otherwise (cpu_down's -EBUSY here); GET copies back get_cur_idle_nums(), 0; another type
// -EINVAL.
#[test]
fn core_parking() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let cp = |r#type, idle_nums| {
        op_with(
            XENPF_core_parking,
            &xenpf_core_parking { r#type, idle_nums },
        )
    };
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &cp(XEN_CORE_PARKING_SET, 0)),
        0
    );
    // One CPU: 5 is clamped to 0.
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &cp(XEN_CORE_PARKING_SET, 5)),
        0
    );
    assert_eq!(
        op_back(&g),
        cp(XEN_CORE_PARKING_SET, 5),
        "SET writes nothing back"
    );
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &cp(XEN_CORE_PARKING_GET, 9)),
        0
    );
    assert_eq!(op_back(&g), cp(XEN_CORE_PARKING_GET, 0));
    for t in [0, 3, u32::MAX] {
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &cp(t, 0)),
            Errno::EINVAL.negated()
        );
    }
    let hv = hv.with_cpus(three_cpus());
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &cp(XEN_CORE_PARKING_SET, 5)),
        Errno::EBUSY.negated()
    );
    hv.check_invariants().unwrap();
}

fn entry(cmd: u32, idx: u64) -> xenpf_resource_entry {
    xenpf_resource_entry {
        u: cmd,
        rsvd: 0,
        idx,
        val: 0x1234,
    }
}

fn resource_op(
    hv: &TestHv,
    dom0: &Arc<TestDomain>,
    g: &mut FlatGuest,
    cpu: u32,
    entries: &[xenpf_resource_entry],
) -> i64 {
    for (i, e) in entries.iter().enumerate() {
        g.put(BUF + 24 * i as u64, e);
    }
    let op = op_with(
        XENPF_resource_op,
        &xenpf_resource_op {
            nr_entries: entries.len() as u32,
            cpu,
            entries: GuestHandle::new(BUF),
        },
    );
    platform_op(hv, dom0, g, &op)
}

fn entry_back(g: &FlatGuest, i: u64) -> xenpf_resource_entry {
    g.get(BUF + 24 * i)
}

// XENPF_resource_op: 0 entries is 0, more than RESOURCE_ACCESS_MAX_ENTRIES (3) -EINVAL, an
// unreadable list -EFAULT. check_resource_access stops at the first bad entry and stores its
// errno in `u.ret`: rsvd set -EINVAL, an MSR index above 32 bits -EINVAL, a write or a read of an
// MSR not allowed (msr_read_allowed: the TSC, and others only with features xen-rs lacks)
// -EPERM, another command -EOPNOTSUPP; if the first is bad, it alone is copied back and the call
// returns 0. Then an offline CPU is -ENODEV; otherwise the entries run (a TSC read is system
// time) and the call returns how many succeeded, copying back those and the failed one.
#[test]
fn resource_op_reads_the_tsc_only() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let read = XEN_RESOURCE_OP_MSR_READ;
    let write = XEN_RESOURCE_OP_MSR_WRITE;
    assert_eq!(resource_op(&hv, &dom0, &mut g, 0, &[]), 0);
    let four = [entry(read, 0x10); 4];
    assert_eq!(
        resource_op(&hv, &dom0, &mut g, 0, &four),
        Errno::EINVAL.negated()
    );
    let op = op_with(
        XENPF_resource_op,
        &xenpf_resource_op {
            nr_entries: 1,
            cpu: 0,
            entries: GuestHandle::new(0x1000),
        },
    );
    assert_eq!(
        platform_op(&hv, &dom0, &mut g, &op),
        Errno::EFAULT.negated()
    );

    set_now(123_456_789);
    assert_eq!(resource_op(&hv, &dom0, &mut g, 0, &[entry(read, 0x10)]), 1);
    assert_eq!(entry_back(&g, 0).val, 123_456_789);

    // The first entry bad: its errno, the call 0, the others untouched.
    let bad_first = [
        (
            xenpf_resource_entry {
                rsvd: 1,
                ..entry(read, 0x10)
            },
            Errno::EINVAL,
        ),
        (entry(read, 1 << 32), Errno::EINVAL),
        (entry(write, 1 << 32), Errno::EINVAL),
        (entry(read, 0x1b), Errno::EPERM),
        (entry(write, 0x10), Errno::EPERM),
        (entry(2, 0x10), Errno::EOPNOTSUPP),
    ];
    for (e, err) in bad_first {
        let second = entry(read, 0x10);
        assert_eq!(resource_op(&hv, &dom0, &mut g, 0, &[e, second]), 0);
        let back = entry_back(&g, 0);
        assert_eq!(back.u as i32, err.negated() as i32, "{e:?}");
        assert_eq!((back.idx, back.val), (e.idx, e.val));
        assert_eq!(entry_back(&g, 1), second);
    }

    // Two good reads, then a bad one: 2, the bad one's errno copied back, the reads done.
    let third = entry(read, 0xc000_0080);
    let list = [entry(read, 0x10), entry(read, 0x10), third];
    assert_eq!(resource_op(&hv, &dom0, &mut g, 0, &list), 2);
    assert_eq!(
        (entry_back(&g, 0).val, entry_back(&g, 1).val),
        (123_456_789, 123_456_789)
    );
    assert_eq!(entry_back(&g, 2).u as i32, Errno::EPERM.negated() as i32);
    assert_eq!(entry_back(&g, 2).val, third.val);

    // An offline or absent CPU: -ENODEV, nothing copied back.
    let hv = hv.with_cpus(three_cpus());
    for cpu in [1, 2, 3, u32::MAX] {
        assert_eq!(
            resource_op(&hv, &dom0, &mut g, cpu, &[entry(read, 0x10)]),
            Errno::ENODEV.negated()
        );
        assert_eq!(entry_back(&g, 0), entry(read, 0x10));
    }
    hv.check_invariants().unwrap();
}

// XENPF_get_symbol over an empty symbol table (xen/common/symbols.c xensyms_read): symbol 0 is
// the end, an empty name: namelen 1, min(1, namelen) bytes of it copied to `name`, the member
// copied back with symnum unchanged; any other symnum -ERANGE, nothing copied.
#[test]
fn get_symbol_with_no_symbols() {
    let (hv, dom0, _) = setup();
    let mut g = guest();
    let sym = |namelen, symnum| {
        op_with(
            XENPF_get_symbol,
            &xenpf_symdata {
                namelen,
                symnum,
                name: GuestHandle::new(BUF),
                address: 0x77,
                r#type: b'T',
                ..Default::default()
            },
        )
    };
    assert_eq!(platform_op(&hv, &dom0, &mut g, &sym(64, 0)), 0);
    let back: xenpf_symdata = member_back(&g);
    assert_eq!(
        (back.namelen, back.symnum, back.address, back.r#type),
        (1, 0, 0, b'T')
    );
    assert_eq!(g.get::<[u8; 2]>(BUF), [0, FILL]);

    let mut g = guest();
    assert_eq!(platform_op(&hv, &dom0, &mut g, &sym(0, 0)), 0);
    assert_eq!(g.get::<u8>(BUF), FILL, "namelen 0: nothing copied");
    assert_eq!(member_back::<xenpf_symdata>(&g).namelen, 1);

    for symnum in [1, u32::MAX] {
        let op = sym(64, symnum);
        assert_eq!(
            platform_op(&hv, &dom0, &mut g, &op),
            Errno::ERANGE.negated()
        );
        assert_eq!(op_back(&g), op);
    }
    hv.check_invariants().unwrap();
}

proptest! {
    // Whatever the control domain passes, nothing panics, only the commands that answer in the
    // op write into it, and only settime changes the wallclock.
    #[test]
    fn any_platform_op_is_safe(
        cmd_pick in 0usize..30,
        raw_cmd in any::<u32>(),
        payload in proptest::collection::vec(any::<u8>(), 128),
        version_ok in any::<bool>(),
        buf in proptest::collection::vec(any::<u8>(), 64),
    ) {
        const CMDS: [u32; 24] = [
            XENPF_settime32, XENPF_settime64, XENPF_add_memtype, XENPF_del_memtype,
            XENPF_read_memtype, XENPF_microcode_update, XENPF_platform_quirk,
            XENPF_efi_runtime_call, XENPF_firmware_info, XENPF_enter_acpi_sleep,
            XENPF_change_freq, XENPF_getidletime, XENPF_set_processor_pminfo, XENPF_get_cpuinfo,
            XENPF_get_cpu_version, XENPF_cpu_online, XENPF_cpu_offline, XENPF_cpu_hotadd,
            XENPF_mem_hotadd, XENPF_core_parking, XENPF_resource_op, XENPF_get_symbol, 64, 0,
        ];
        let cmd = CMDS.get(cmd_pick).copied().unwrap_or(raw_cmd);
        let (hv, dom0, _) = setup();
        let hv = hv.with_cpus(three_cpus());
        let mut g = guest();
        g.bytes[0x1000..0x1040].copy_from_slice(&buf);
        let mut op = xen_platform_op::new(cmd);
        if !version_ok {
            op.interface_version ^= 1;
        }
        op.payload_bytes_mut().copy_from_slice(&payload);
        let wc = hv.clock.wallclock();
        let rc = platform_op(&hv, &dom0, &mut g, &op);
        prop_assert!((-255..=3).contains(&rc));
        if !(rc == 0 && (cmd == XENPF_settime32 || cmd == XENPF_settime64)) {
            prop_assert_eq!(hv.clock.wallclock(), wc);
        }
        if rc < 0 && cmd != XENPF_resource_op {
            prop_assert_eq!(op_back(&g), op);
        }
        prop_assert_eq!(hv.cpus.clone(), three_cpus());
        hv.check_invariants().unwrap();
    }
}
