//! platform_op (xen/arch/x86/platform_hypercall.c `do_platform_op`): the interface version,
//! unknown commands, the wallclock set with XENPF_settime64/32 as seen in shared_info
//! (xen/common/time.c `do_settime`, `update_domain_wallclock_time`), the physical CPUs
//! (XENPF_get_cpuinfo, XENPF_get_cpu_version), firmware information and the commands this
//! machine has nothing for. Runs after the time cases, with shared_info mapped; the wallclock is
//! put back as it was before the section ends.
// Xen's names (`XENPF_settime64`) are kept, also in patterns.
#![allow(non_upper_case_globals)]

use core::arch::x86_64::__cpuid;

use xen_public::abi::Payload;
use xen_public::platform::*;
use xen_public::xen::__HYPERVISOR_platform_op;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use super::events::{map_shared_info, shinfo_word};
use super::timekeeping::now;
use super::{Rc, BAD_ADDRESS};
use crate::case;
use crate::hypercall::hypercall;

const NSEC_PER_SEC: u64 = 1_000_000_000;

/// platform_op at `addr`.
fn platform_op_at(addr: u64) -> i64 {
    // SAFETY: `addr` is an op on our stack, which Xen reads and may write, or a bad address
    // Xen refuses.
    unsafe { hypercall(__HYPERVISOR_platform_op, [addr, 0, 0, 0, 0]) }
}

/// platform_op on `op`, which Xen may write back into.
fn platform_op(op: &mut xen_platform_op) -> i64 {
    platform_op_at((op as *mut xen_platform_op) as u64)
}

/// A call of `cmd` with `member`; the result and the member as Xen left it.
fn call<T: IntoBytes + FromBytes + Immutable + KnownLayout>(cmd: u32, member: &T) -> (i64, T) {
    let mut op = xen_platform_op::new(cmd);
    op.set(member);
    let rc = platform_op(&mut op);
    (rc, op.get().unwrap_or_else(T::new_zeroed))
}

/// The wallclock in shared_info: (wc_version, seconds, nanoseconds), read under the version
/// protocol.
fn wallclock() -> (u32, u64, u32) {
    loop {
        let a = shinfo_word(384);
        let b = shinfo_word(385);
        let version = a as u32;
        if version.is_multiple_of(2) && shinfo_word(384) == a && shinfo_word(385) == b {
            return (version, (a >> 32) | (b >> 32 << 32), b as u32);
        }
    }
}

/// Nanoseconds of a wallclock reading, modulo 2^64 (Xen's `x`).
fn wallclock_ns(secs: u64, nsecs: u32) -> u64 {
    secs.wrapping_mul(NSEC_PER_SEC)
        .wrapping_add(u64::from(nsecs))
}

fn settime64(secs: u64, nsecs: u32, mbz: u32, system_time: u64) -> i64 {
    call(
        XENPF_settime64,
        &xenpf_settime64 {
            secs,
            nsecs,
            mbz,
            system_time,
        },
    )
    .0
}

pub fn run() {
    if map_shared_info() != 0 {
        return;
    }
    let (v0, sec0, nsec0) = wallclock();

    // do_platform_op: `op->interface_version != XENPF_INTERFACE_VERSION` -> -EACCES, before
    // anything is done.
    let mut op = xen_platform_op::new(XENPF_settime64);
    op.interface_version += 1;
    op.set(&xenpf_settime64 {
        secs: 1,
        ..Default::default()
    });
    let rc = platform_op(&mut op);
    case!(
        "platform_op.bad_interface_version",
        "rc {}, wallclock unchanged {}",
        Rc(rc),
        wallclock() == (v0, sec0, nsec0)
    );

    // do_platform_op's `default: ret = -ENOSYS`: 0, XENPF_get_dom0_console (64, Xen 4.19) and
    // a number far out; copy_from_guest of a bad handle -> -EFAULT.
    let enosys = |cmd| call(cmd, &[0u8; 128]).0;
    case!(
        "platform_op.bad_cmd",
        "cmd 0 {}, cmd 64 {}, cmd 1000 {}, bad handle {}",
        Rc(enosys(0)),
        Rc(enosys(64)),
        Rc(enosys(1000)),
        Rc(platform_op_at(BAD_ADDRESS))
    );

    // XENPF_settime64 -> do_settime: wc = SECONDS(secs) + nsecs - system_time, written into
    // shared_info by update_domain_wallclock_time (wc_version odd, then even: +2).
    let secs = 2_000_000_000;
    let nsecs = 250_000_000;
    let base = now();
    let rc = settime64(secs, nsecs, 0, base);
    let (v1, s1, n1) = wallclock();
    case!(
        "platform_op.settime64",
        "rc {}, version +{}, exact {}",
        Rc(rc),
        v1.wrapping_sub(v0),
        wallclock_ns(s1, n1) == wallclock_ns(secs, nsecs).wrapping_sub(base)
    );

    // do_settime computes in unsigned 64 bits: a system time past the time set wraps.
    let rc = settime64(0, 0, 0, 1);
    let (_, s, n) = wallclock();
    case!(
        "platform_op.settime64.wraps",
        "rc {}, wc_sec {s}, wc_nsec {n}",
        Rc(rc)
    );

    // XENPF_settime64 with mbz set -> -EINVAL, the wallclock untouched.
    let before = wallclock();
    let rc = settime64(secs, 0, 1, 0);
    case!(
        "platform_op.settime64.mbz",
        "rc {}, unchanged {}",
        Rc(rc),
        wallclock() == before
    );

    // XENPF_settime32: the same with 32-bit seconds.
    let base = now();
    let (rc, _) = call(
        XENPF_settime32,
        &xenpf_settime32 {
            secs: 1_700_000_000,
            nsecs: 5,
            system_time: base,
        },
    );
    let (_, s, n) = wallclock();
    case!(
        "platform_op.settime32",
        "rc {}, exact {}",
        Rc(rc),
        wallclock_ns(s, n) == wallclock_ns(1_700_000_000, 5).wrapping_sub(base)
    );

    // Put the wallclock back: as of system time 0, exactly what it was.
    let rc = settime64(sec0, nsec0, 0, 0);
    let (_, s, n) = wallclock();
    case!(
        "platform_op.settime64.restore",
        "rc {}, restored {}",
        Rc(rc),
        (s, n) == (sec0, nsec0)
    );

    cpus();
    firmware();
    the_rest();
}

/// XENPF_get_cpuinfo and XENPF_get_cpu_version.
fn cpus() {
    // XENPF_get_cpuinfo of CPU 0: x86_cpu_to_apicid, acpi_get_processor_id, online; max_present
    // is cpumask_last(&cpu_present_map).
    let (rc, info) = call(XENPF_get_cpuinfo, &xenpf_pcpuinfo::default());
    case!(
        "platform_op.get_cpuinfo",
        "rc {}, flags {}, max_present {}, apic_id {}, acpi_id {}",
        Rc(rc),
        info.flags,
        info.max_present,
        info.apic_id,
        info.acpi_id
    );
    // A CPU number that is not present: XEN_PCPU_FLAGS_INVALID, apic_id and acpi_id as given.
    let ask = |cpu| {
        call(
            XENPF_get_cpuinfo,
            &xenpf_pcpuinfo {
                xen_cpuid: cpu,
                max_present: 0xdead,
                flags: 0xdead,
                apic_id: 0xbeef,
                acpi_id: 0xcafe,
            },
        )
    };
    let (rc1, i1) = ask(1);
    let (rc2, i2) = ask(u32::MAX);
    case!(
        "platform_op.get_cpuinfo.absent",
        "cpu 1 {} flags {} ids kept {}, cpu 4294967295 {} flags {} ids kept {}",
        Rc(rc1),
        i1.flags,
        (i1.apic_id, i1.acpi_id) == (0xbeef, 0xcafe),
        Rc(rc2),
        i2.flags,
        (i2.apic_id, i2.acpi_id) == (0xbeef, 0xcafe)
    );

    // XENPF_get_cpu_version of CPU 0: cpu_data's vendor string, family, model and stepping,
    // which CPUID shows this guest too (leaves 0 and 1 are the host's).
    let (leaf0, leaf1) = (__cpuid(0), __cpuid(1));
    let mut vendor = [0u8; 12];
    vendor[..4].copy_from_slice(&leaf0.ebx.to_le_bytes());
    vendor[4..8].copy_from_slice(&leaf0.edx.to_le_bytes());
    vendor[8..].copy_from_slice(&leaf0.ecx.to_le_bytes());
    let eax = leaf1.eax;
    let mut family = (eax >> 8) & 0xf;
    if family == 0xf {
        family = (family + ((eax >> 20) & 0xff)) & 0xff;
    }
    let mut model = (eax >> 4) & 0xf;
    if family >= 6 {
        model |= (eax >> 12) & 0xf0;
    }
    let (rc, v) = call(XENPF_get_cpu_version, &xenpf_pcpu_version::default());
    let (rc1, v1) = call(
        XENPF_get_cpu_version,
        &xenpf_pcpu_version {
            xen_cpuid: 1,
            vendor_id: *b"0123456789ab",
            family: 1,
            model: 2,
            stepping: 3,
            ..Default::default()
        },
    );
    case!(
        "platform_op.get_cpu_version",
        "rc {}, vendor as CPUID {}, signature as CPUID {}, max_present {}, cpu 1 {} zeroed {}",
        Rc(rc),
        v.vendor_id == vendor,
        (v.family, v.model, v.stepping) == (family, model, eax & 0xf),
        v.max_present,
        Rc(rc1),
        (v1.vendor_id, v1.family, v1.model, v1.stepping) == ([0; 12], 0, 0, 0)
    );
}

/// XENPF_firmware_info: what the boot loader and firmware left for the hypervisor.
fn firmware() {
    let fw = |kind, index| {
        call(
            XENPF_firmware_info,
            &xenpf_firmware_info {
                r#type: kind,
                index,
                u: [u64::MAX; 4],
            },
        )
    };
    let (kbd, kbd_info) = fw(XEN_FW_KBD_SHIFT_FLAGS, 0);
    case!(
        "platform_op.firmware_info",
        "disk {}, mbr {}, efi {}, kbd {} flags {}, kbd index 1 {}, type 9 {}",
        Rc(fw(XEN_FW_DISK_INFO, 0).0),
        Rc(fw(XEN_FW_DISK_MBR_SIGNATURE, 0).0),
        Rc(fw(XEN_FW_EFI_INFO, XEN_FW_EFI_CONFIG_TABLE).0),
        Rc(kbd),
        kbd_info.u[0] as u8,
        Rc(fw(XEN_FW_KBD_SHIFT_FLAGS, 1).0),
        Rc(fw(9, 0).0)
    );
    // XEN_FW_VBEDDC_INFO: the EDID the boot code read through VBE (int 10h AX=4f15h) into the
    // 128-byte buffer `u.vbeddc_info.edid`, or -ESRCH when there is none.
    let mut edid = [0u8; 128];
    let mut u = [0u64; 4];
    u[1] = edid.as_mut_ptr() as u64;
    let (rc0, _) = call(
        XENPF_firmware_info,
        &xenpf_firmware_info {
            r#type: XEN_FW_VBEDDC_INFO,
            index: 0,
            u,
        },
    );
    case!(
        "platform_op.firmware_info.edid",
        "index 0 {} header {}, index 1 {}",
        Rc(rc0),
        edid[..8] == [0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0],
        Rc(fw(XEN_FW_VBEDDC_INFO, 1).0)
    );
}

/// The commands whose answer does not depend on what the machine has, or that this machine has
/// nothing for.
fn the_rest() {
    // XENPF_del_memtype: a handle or a negative register -> -EINVAL before mtrr_del_page.
    let del = |handle, reg| call(XENPF_del_memtype, &xenpf_del_memtype { handle, reg }).0;
    // XENPF_platform_quirk: QUIRK_IOAPIC_GOOD_REGSEL does nothing; an unknown quirk -EINVAL.
    let quirk = |id| call(XENPF_platform_quirk, &xenpf_platform_quirk { quirk_id: id }).0;
    case!(
        "platform_op.memtype_and_quirk",
        "del handle 1 {}, del reg -1 {}, quirk good_regsel {}, quirk 99 {}",
        Rc(del(1, 0)),
        Rc(del(0, u32::MAX)),
        Rc(quirk(QUIRK_IOAPIC_GOOD_REGSEL)),
        Rc(quirk(99))
    );

    // XENPF_cpu_online: CPU 0 is online (0), CPU 1 not present (-EINVAL); XENPF_cpu_offline:
    // CPU 0 never (-EOPNOTSUPP), CPU 1 not present (-EINVAL).
    let ol = |cmd, cpu| call(cmd, &xenpf_cpu_ol { cpuid: cpu }).0;
    case!(
        "platform_op.cpu_online_offline",
        "online 0 {}, online 1 {}, offline 0 {}, offline 1 {}",
        Rc(ol(XENPF_cpu_online, 0)),
        Rc(ol(XENPF_cpu_online, 1)),
        Rc(ol(XENPF_cpu_offline, 0)),
        Rc(ol(XENPF_cpu_offline, 1))
    );

    // cpu_add: CPU 0's own ids -EEXIST; a proximity domain of 256 or an ACPI id of 512
    // (MAX_MADT_ENTRIES) -EINVAL. memory_add: an empty range -EINVAL.
    let (_, cpu0) = call(XENPF_get_cpuinfo, &xenpf_pcpuinfo::default());
    let add = |apic_id, acpi_id, pxm| {
        call(
            XENPF_cpu_hotadd,
            &xenpf_cpu_hotadd {
                apic_id,
                acpi_id,
                pxm,
            },
        )
        .0
    };
    let (mem, _) = call(
        XENPF_mem_hotadd,
        &xenpf_mem_hotadd {
            spfn: 0x10_0000,
            epfn: 0x10_0000,
            ..Default::default()
        },
    );
    case!(
        "platform_op.hotadd",
        "cpu 0 again {}, pxm 256 {}, acpi id 512 {}, empty memory range {}",
        Rc(add(cpu0.apic_id, cpu0.acpi_id, 0)),
        Rc(add(5, 5, 256)),
        Rc(add(5, 512, 0)),
        Rc(mem)
    );

    // XENPF_core_parking: GET copies back get_cur_idle_nums() (0); SET clamps to the present
    // CPUs less one and parks nothing here; another type -EINVAL.
    let cp = |kind, idle_nums| {
        call(
            XENPF_core_parking,
            &xenpf_core_parking {
                r#type: kind,
                idle_nums,
            },
        )
    };
    let (get, got) = cp(XEN_CORE_PARKING_GET, 7);
    case!(
        "platform_op.core_parking",
        "get {} idle {}, set 0 {}, set 5 {}, type 3 {}",
        Rc(get),
        got.idle_nums,
        Rc(cp(XEN_CORE_PARKING_SET, 0).0),
        Rc(cp(XEN_CORE_PARKING_SET, 5).0),
        Rc(cp(3, 0).0)
    );

    // XENPF_resource_op: a TSC read (system time) succeeds; reading MSR 0x1b (APIC_BASE) is not
    // allowed: the call returns 0 and the entry -EPERM; more than 3 entries -EINVAL; an absent
    // CPU -ENODEV.
    let mut entries = [xenpf_resource_entry {
        u: XEN_RESOURCE_OP_MSR_READ,
        rsvd: 0,
        idx: 0x10,
        val: 0,
    }; 4];
    let resource = |entries: &mut [xenpf_resource_entry], nr, cpu| {
        call(
            XENPF_resource_op,
            &xenpf_resource_op {
                nr_entries: nr,
                cpu,
                entries: GuestHandle::new(entries.as_mut_ptr() as u64),
            },
        )
        .0
    };
    let tsc = resource(&mut entries, 1, 0);
    let tsc_val = entries[0].val;
    entries[0].idx = 0x1b;
    let apic_base = resource(&mut entries, 1, 0);
    let apic_base_ret = entries[0].u as i32;
    entries[0] = entries[1];
    let four = resource(&mut entries, 4, 0);
    let absent = resource(&mut entries, 1, 1);
    case!(
        "platform_op.resource_op",
        "tsc {} val set {}, msr 0x1b {} entry {}, 4 entries {}, cpu 1 {}",
        Rc(tsc),
        tsc_val != 0,
        Rc(apic_base),
        Rc(apic_base_ret.into()),
        Rc(four),
        Rc(absent)
    );

    // Not this machine's: change_freq and getidletime without dom0-kernel cpufreq (-ENOSYS),
    // efi_runtime_call without EFI (-ENOSYS), T-states the hypervisor does not control
    // (-ENOSYS), an unknown pminfo type (-EINVAL).
    let pminfo = |kind| {
        call(
            XENPF_set_processor_pminfo,
            &xenpf_set_processor_pminfo {
                id: 0,
                r#type: kind,
                u: [0; 13],
            },
        )
        .0
    };
    case!(
        "platform_op.unsupported",
        "change_freq {}, getidletime {}, efi_runtime_call {}, pminfo tx {}, pminfo type 9 {}",
        Rc(call(XENPF_change_freq, &xenpf_change_freq::default()).0),
        Rc(call(XENPF_getidletime, &xenpf_getidletime::default()).0),
        Rc(call(XENPF_efi_runtime_call, &[0u8; 128]).0),
        Rc(pminfo(XEN_PM_TX)),
        Rc(pminfo(9))
    );

    // microcode_update of nothing.
    let (rc, _) = call(XENPF_microcode_update, &xenpf_microcode_update::default());
    case!("platform_op.microcode_update.empty", "rc {}", Rc(rc));
}
