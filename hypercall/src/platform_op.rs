//! `__HYPERVISOR_platform_op` (xen/arch/x86/platform_hypercall.c `do_platform_op`), as Xen 4.17
//! answers the hardware domain.
//!
//! The order is Xen's: copy the `xen_platform_op` in (`EFAULT`), check its interface version
//! (`EACCES`), `xsm_platform_op` (XSM_PRIV: the control domain only, else `EPERM`), then the
//! command. Each command is decoded into one internal form, [`PlatformOp`] (settime32 and
//! settime64 are one `SetTime`; a 32-bit caller's `compat_platform_op` would decode into the
//! same, though xen-rs has no 32-bit hypercall ABI yet), and acted on. What a command writes
//! back is its own member of the union only (`__copy_field_to_guest(u_xenpf_op, op, u.<member>)`),
//! at [`XENPF_PAYLOAD_OFFSET`]; a copy that faults is `EFAULT`.
//!
//! Where Xen's answer depends on the machine, xen-rs answers as Xen does on a machine like
//! the one it runs on, or in the configuration that matches what xen-rs does:
//! - the wallclock, the physical CPUs' ids and signatures, core parking and the TSC through
//!   XENPF_resource_op are real (the CPUs come from the arch layer as [`PhysCpus`]);
//! - firmware information is what Xen has when it did not go through real mode at boot (as
//!   with `no-real-mode` or an EFI boot): no EDD disks, MBR signatures or EDID (`ESRCH`), keyboard
//!   shift flags 0, and no EFI (`ENOSYS`);
//! - MTRRs are Xen's without an MTRR driver (`mtrr_if` NULL, no variable ranges), microcode is
//!   Xen's without a loader (`ucode_ops.apply_microcode` NULL), cpufreq is not the dom0
//!   kernel's and the hypervisor controls no P-, C- or T-states (`xen_processor_pmbits` 0, as
//!   with `cpufreq=none cpuidle=0`), ACPI sleep is Xen's with no FADT sleep registers, and the
//!   symbol table is empty;
//! - xen-rs cannot start, stop or add CPUs or memory at run time: where Xen would, the answer is
//!   the errno Xen's own path gives when that step fails (see each command).
//!
//! Xen serialises commands with `xenpf_lock` (a trylock that continues the hypercall when
//! contended); here the only shared state a command changes is the wallclock, which has its
//! own lock (`wc_lock`), so no command needs it.

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::abi::Payload;
use xen_public::platform::*;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::pcpu::{PhysCpus, INVALID_ACPIID};
use crate::policy::{self, XsmAction};

/// `ACPI_STATE_S3`.
const ACPI_STATE_S3: u32 = 3;
/// `MAX_MADT_ENTRIES` and `MAX_APICS` with Debian's `CONFIG_NR_CPUS` (256).
const MAX_MADT_ENTRIES: u32 = 512;
const MAX_APICS: u32 = 1024;
/// `RESOURCE_ACCESS_MAX_ENTRIES`.
const RESOURCE_ACCESS_MAX_ENTRIES: u32 = 3;
/// `MSR_IA32_TSC`.
const MSR_IA32_TSC: u64 = 0x10;
/// The _PDC bits of xen/include/acpi/pdc_intel.h that `acpi_set_pdc_bits` uses.
const ACPI_PDC_REVISION_ID: u32 = 1;
const ACPI_PDC_P_FFH: u32 = 0x0001;
const ACPI_PDC_C_C1_HALT: u32 = 0x0002;
const ACPI_PDC_T_FFH: u32 = 0x0004;
const ACPI_PDC_SMP_C1PT: u32 = 0x0008;
const ACPI_PDC_SMP_C2C3: u32 = 0x0010;
const ACPI_PDC_SMP_P_SWCOORD: u32 = 0x0020;
const ACPI_PDC_SMP_C_SWCOORD: u32 = 0x0040;
const ACPI_PDC_SMP_T_SWCOORD: u32 = 0x0080;
const ACPI_PDC_C_C1_FFH: u32 = 0x0100;
const ACPI_PDC_C_C2C3_FFH: u32 = 0x0200;
const ACPI_PDC_SMP_P_HWCOORD: u32 = 0x0800;
const ACPI_PDC_C_MASK: u32 = ACPI_PDC_C_C1_HALT
    | ACPI_PDC_C_C1_FFH
    | ACPI_PDC_SMP_C2C3
    | ACPI_PDC_SMP_C_SWCOORD
    | ACPI_PDC_C_C2C3_FFH;
const ACPI_PDC_P_MASK: u32 = ACPI_PDC_P_FFH | ACPI_PDC_SMP_P_SWCOORD | ACPI_PDC_SMP_P_HWCOORD;
const ACPI_PDC_T_MASK: u32 = ACPI_PDC_T_FFH | ACPI_PDC_SMP_T_SWCOORD;

/// `bootsym(kbd_shift_flags)`: 0, as Xen leaves it when it skips real mode.
const KBD_SHIFT_FLAGS: u8 = 0;
/// Where `u.firmware_info.u` starts in a xen_platform_op.
const FIRMWARE_INFO_U_OFFSET: u64 =
    XENPF_PAYLOAD_OFFSET + core::mem::offset_of!(xenpf_firmware_info, u) as u64;

/// One platform_op as xen-rs acts on it, decoded from the caller's `xen_platform_op`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlatformOp {
    /// XENPF_settime32 and XENPF_settime64 (with `mbz` zero).
    SetTime {
        /// Seconds since the epoch.
        secs: u64,
        /// Nanoseconds.
        nsecs: u32,
        /// The system time they stand for.
        system_time: u64,
    },
    /// XENPF_add_memtype.
    AddMemtype,
    /// XENPF_del_memtype.
    DelMemtype(xenpf_del_memtype),
    /// XENPF_read_memtype.
    ReadMemtype(xenpf_read_memtype),
    /// XENPF_microcode_update.
    MicrocodeUpdate,
    /// XENPF_platform_quirk.
    PlatformQuirk(u32),
    /// XENPF_efi_runtime_call.
    EfiRuntimeCall,
    /// XENPF_firmware_info.
    FirmwareInfo(xenpf_firmware_info),
    /// XENPF_enter_acpi_sleep.
    EnterAcpiSleep(xenpf_enter_acpi_sleep),
    /// XENPF_change_freq.
    ChangeFreq,
    /// XENPF_getidletime.
    GetIdleTime,
    /// XENPF_set_processor_pminfo: the ACPI id, the type, and for XEN_PM_PDC the buffer.
    SetPmInfo {
        /// ACPI processor id.
        id: u32,
        /// XEN_PM_*.
        kind: u32,
        /// XEN_PM_PDC's buffer (`u.pdc`).
        pdc: GuestHandle<u32>,
    },
    /// XENPF_get_cpuinfo.
    GetCpuInfo(xenpf_pcpuinfo),
    /// XENPF_get_cpu_version.
    GetCpuVersion(xenpf_pcpu_version),
    /// XENPF_cpu_online.
    CpuOnline(u32),
    /// XENPF_cpu_offline.
    CpuOffline(u32),
    /// XENPF_cpu_hotadd.
    CpuHotadd(xenpf_cpu_hotadd),
    /// XENPF_mem_hotadd.
    MemHotadd(xenpf_mem_hotadd),
    /// XENPF_core_parking.
    CoreParking(xenpf_core_parking),
    /// XENPF_resource_op.
    ResourceOp(xenpf_resource_op),
    /// XENPF_get_symbol.
    GetSymbol(xenpf_symdata),
}

/// Member `T` of the union (every member fits: xen-public checks it).
fn member<T: FromBytes + KnownLayout + Immutable>(op: &xen_platform_op) -> T {
    op.get().unwrap_or_else(T::new_zeroed)
}

impl PlatformOp {
    /// The internal form of `op`: `ENOSYS` for a command Xen 4.17 does not have (do_platform_op's
    /// `default`), `EINVAL` for settime64 with `mbz` set.
    pub fn decode(op: &xen_platform_op) -> Result<PlatformOp, Errno> {
        Ok(match op.cmd {
            XENPF_settime32 => {
                let t: xenpf_settime32 = member(op);
                PlatformOp::SetTime {
                    secs: t.secs.into(),
                    nsecs: t.nsecs,
                    system_time: t.system_time,
                }
            }
            XENPF_settime64 => {
                let t: xenpf_settime64 = member(op);
                if t.mbz != 0 {
                    return Err(Errno::EINVAL);
                }
                PlatformOp::SetTime {
                    secs: t.secs,
                    nsecs: t.nsecs,
                    system_time: t.system_time,
                }
            }
            XENPF_add_memtype => PlatformOp::AddMemtype,
            XENPF_del_memtype => PlatformOp::DelMemtype(member(op)),
            XENPF_read_memtype => PlatformOp::ReadMemtype(member(op)),
            XENPF_microcode_update => PlatformOp::MicrocodeUpdate,
            XENPF_platform_quirk => {
                PlatformOp::PlatformQuirk(member::<xenpf_platform_quirk>(op).quirk_id)
            }
            XENPF_efi_runtime_call => PlatformOp::EfiRuntimeCall,
            XENPF_firmware_info => PlatformOp::FirmwareInfo(member(op)),
            XENPF_enter_acpi_sleep => PlatformOp::EnterAcpiSleep(member(op)),
            XENPF_change_freq => PlatformOp::ChangeFreq,
            XENPF_getidletime => PlatformOp::GetIdleTime,
            XENPF_set_processor_pminfo => {
                let p: xenpf_set_processor_pminfo = member(op);
                PlatformOp::SetPmInfo {
                    id: p.id,
                    kind: p.r#type,
                    pdc: GuestHandle::new(p.u[0]),
                }
            }
            XENPF_get_cpuinfo => PlatformOp::GetCpuInfo(member(op)),
            XENPF_get_cpu_version => PlatformOp::GetCpuVersion(member(op)),
            XENPF_cpu_online => PlatformOp::CpuOnline(member::<xenpf_cpu_ol>(op).cpuid),
            XENPF_cpu_offline => PlatformOp::CpuOffline(member::<xenpf_cpu_ol>(op).cpuid),
            XENPF_cpu_hotadd => PlatformOp::CpuHotadd(member(op)),
            XENPF_mem_hotadd => PlatformOp::MemHotadd(member(op)),
            XENPF_core_parking => PlatformOp::CoreParking(member(op)),
            XENPF_resource_op => PlatformOp::ResourceOp(member(op)),
            XENPF_get_symbol => PlatformOp::GetSymbol(member(op)),
            _ => return Err(Errno::ENOSYS),
        })
    }
}

/// XENPF_* for `call.caller`: `args[0]` is the guest handle of the `xen_platform_op`.
pub fn do_platform_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let u_xenpf_op = GuestHandle::<xen_platform_op>::new(args[0]);
    let op = guest::read(call.guest, u_xenpf_op)?;
    if op.interface_version != XENPF_INTERFACE_VERSION {
        return Err(Errno::EACCES);
    }
    // xsm_platform_op in the dummy policy: XSM_PRIV, with no target.
    policy::check(XsmAction::Priv, call.caller, None)?;

    let ret = execute(hv, call.guest, u_xenpf_op.addr(), PlatformOp::decode(&op)?)?;
    Ok(Outcome::Return(ret))
}

/// Copies `value` back as the command's member of the union (`__copy_field_to_guest`).
fn copy_member<T: IntoBytes + Immutable>(
    guest: &mut impl GuestMemory,
    op_addr: u64,
    value: &T,
) -> Result<(), Errno> {
    write_at_offset(guest, op_addr, XENPF_PAYLOAD_OFFSET, value.as_bytes())
}

/// Writes `bytes` at `offset` into the caller's op; `EFAULT` if it faults or overflows.
fn write_at_offset(
    guest: &mut impl GuestMemory,
    op_addr: u64,
    offset: u64,
    bytes: &[u8],
) -> Result<(), Errno> {
    let addr = op_addr.checked_add(offset).ok_or(Errno::EFAULT)?;
    guest.copy_to_guest(addr, bytes).map_err(|_| Errno::EFAULT)
}

/// Carries out one decoded command: the value for the guest's rax, or an errno.
pub fn execute<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    guest: &mut impl GuestMemory,
    op_addr: u64,
    op: PlatformOp,
) -> Result<i64, Errno> {
    match op {
        PlatformOp::SetTime {
            secs,
            nsecs,
            system_time,
        } => {
            crate::time::do_settime(hv, secs, nsecs, system_time);
            Ok(0)
        }
        // mtrr_add_page: `if (!mtrr_if) return -ENXIO;`.
        PlatformOp::AddMemtype => Err(Errno::ENXIO),
        PlatformOp::DelMemtype(d) => {
            // A handle, or a negative register, is -EINVAL before mtrr_del_page, which has no
            // MTRR driver to ask (-ENXIO).
            if d.handle == 0 && (d.reg as i32) >= 0 {
                Err(Errno::ENXIO)
            } else {
                Err(Errno::EINVAL)
            }
        }
        // `op->u.read_memtype.reg < num_var_ranges` fails: no variable MTRRs are known.
        PlatformOp::ReadMemtype(_) => Err(Errno::EINVAL),
        // microcode_update: the length is 32 bits here, so never -E2BIG; then
        // `if ( !ucode_ops.apply_microcode ) return -EINVAL;`.
        PlatformOp::MicrocodeUpdate => Err(Errno::EINVAL),
        PlatformOp::PlatformQuirk(id) => match id {
            // NOIRQBALANCING re-targets the IO-APIC's entries (there are none of xen-rs's to
            // re-target); the REGSEL quirks only print.
            QUIRK_NOIRQBALANCING | QUIRK_IOAPIC_BAD_REGSEL | QUIRK_IOAPIC_GOOD_REGSEL => Ok(0),
            _ => Err(Errno::EINVAL),
        },
        // efi_runtime_call: `if ( !efi_enabled(EFI_BOOT) ) return -ENOSYS;`.
        PlatformOp::EfiRuntimeCall => Err(Errno::ENOSYS),
        PlatformOp::FirmwareInfo(fw) => firmware_info(guest, op_addr, &fw),
        PlatformOp::EnterAcpiSleep(s) => {
            // acpi_enter_sleep with `acpi_sinfo` empty: S3 without a wakeup vector is
            // -EOPNOTSUPP; otherwise the extended form lacks its sleep registers and the legacy
            // one its PM1a control block, both -EPERM before any other check.
            if s.sleep_state == ACPI_STATE_S3 {
                Err(Errno::EOPNOTSUPP)
            } else {
                Err(Errno::EPERM)
            }
        }
        // `cpufreq_controller != FREQCTL_dom0_kernel`.
        PlatformOp::ChangeFreq | PlatformOp::GetIdleTime => Err(Errno::ENOSYS),
        PlatformOp::SetPmInfo { id, kind, pdc } => match kind {
            // `!(xen_processor_pmbits & XEN_PROCESSOR_PM_*)`: the hypervisor controls none.
            XEN_PM_PX | XEN_PM_CX | XEN_PM_TX => Err(Errno::ENOSYS),
            XEN_PM_PDC => set_pdc_bits(&hv.cpus, guest, id, pdc).map(|()| 0),
            _ => Err(Errno::EINVAL),
        },
        PlatformOp::GetCpuInfo(mut info) => {
            let cpus = &hv.cpus;
            match cpus.present(info.xen_cpuid) {
                None => info.flags = XEN_PCPU_FLAGS_INVALID,
                Some(c) => {
                    info.apic_id = c.apic_id;
                    info.acpi_id = c.acpi_id;
                    info.flags = if c.online { XEN_PCPU_FLAGS_ONLINE } else { 0 };
                }
            }
            info.max_present = cpus.max_present();
            copy_member(guest, op_addr, &info).map(|()| 0)
        }
        PlatformOp::GetCpuVersion(mut ver) => {
            let cpus = &hv.cpus;
            match cpus.online(ver.xen_cpuid) {
                None => {
                    ver.vendor_id = [0; 12];
                    ver.family = 0;
                    ver.model = 0;
                    ver.stepping = 0;
                }
                Some(c) => {
                    ver.vendor_id = c.vendor_id;
                    ver.family = c.family;
                    ver.model = c.model;
                    ver.stepping = c.stepping;
                }
            }
            ver.max_present = cpus.max_present();
            copy_member(guest, op_addr, &ver).map(|()| 0)
        }
        PlatformOp::CpuOnline(cpu) => {
            // xsm_resource_plug_core is XSM_HOOK. `clocksource_is_tsc()` is false: xen-rs does
            // not say its TSC is the clock source (see time.rs).
            match hv.cpus.present(cpu) {
                None => Err(Errno::EINVAL),
                Some(c) if c.online => Ok(0),
                // cpu_up's -EIO when the CPU does not come up: xen-rs starts no CPU at run time.
                Some(_) => Err(Errno::EIO),
            }
        }
        PlatformOp::CpuOffline(cpu) => {
            if cpu == 0 {
                return Err(Errno::EOPNOTSUPP);
            }
            match hv.cpus.present(cpu) {
                None => Err(Errno::EINVAL),
                Some(c) if !c.online => Ok(0),
                // cpu_down's -EBUSY when a CPU_DOWN_PREPARE notifier refuses: xen-rs stops no
                // CPU at run time.
                Some(_) => Err(Errno::EBUSY),
            }
        }
        PlatformOp::CpuHotadd(add) => cpu_add(&hv.cpus, &add),
        // memory_add: mem_hotadd_check finds no range that can be hot-added (there is no
        // frame table to grow into), -EINVAL.
        PlatformOp::MemHotadd(_) => Err(Errno::EINVAL),
        PlatformOp::CoreParking(mut cp) => match cp.r#type {
            XEN_CORE_PARKING_SET => {
                let idle_nums = cp.idle_nums.min(hv.cpus.nr_present().saturating_sub(1));
                // core_parking_helper with nothing parked: nothing to do for 0; parking a core
                // is cpu_down, which fails (see CpuOffline).
                if idle_nums == 0 {
                    Ok(0)
                } else {
                    Err(Errno::EBUSY)
                }
            }
            XEN_CORE_PARKING_GET => {
                // get_cur_idle_nums(): no core is parked.
                cp.idle_nums = 0;
                copy_member(guest, op_addr, &cp).map(|()| 0)
            }
            _ => Err(Errno::EINVAL),
        },
        PlatformOp::ResourceOp(ro) => resource_op(hv, guest, &ro),
        PlatformOp::GetSymbol(sym) => get_symbol(guest, op_addr, sym),
    }
}

/// XENPF_firmware_info with no boot-time firmware information (see the module's docs).
fn firmware_info(
    guest: &mut impl GuestMemory,
    op_addr: u64,
    fw: &xenpf_firmware_info,
) -> Result<i64, Errno> {
    match fw.r#type {
        // `index >= bootsym(boot_edd_info_nr)` and `>= bootsym(boot_mbr_signature_nr)`, both
        // 0; no EDID (`boot_edid_info` still 0x13131313).
        XEN_FW_DISK_INFO | XEN_FW_DISK_MBR_SIGNATURE | XEN_FW_VBEDDC_INFO => Err(Errno::ESRCH),
        // efi_get_info: `if ( !efi_enabled(EFI_BOOT) ) return -ENOSYS;`.
        XEN_FW_EFI_INFO => Err(Errno::ENOSYS),
        XEN_FW_KBD_SHIFT_FLAGS => {
            if fw.index != 0 {
                return Err(Errno::ESRCH);
            }
            // Only the byte `u.firmware_info.u.kbd_shift_flags` goes back.
            write_at_offset(guest, op_addr, FIRMWARE_INFO_U_OFFSET, &[KBD_SHIFT_FLAGS])?;
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

/// xen/drivers/acpi/pmstat.c `acpi_set_pdc_bits` and xen/arch/x86/acpi/lib.c
/// `arch_acpi_set_pdc_bits`, with `xen_processor_pmbits` 0: the revision and count words are
/// checked, the capability word keeps only its C, P and T bits (none of which the hypervisor
/// claims), less the FFH C-state bits on a CPU without MWAIT's break-on-interrupt, and is
/// written back.
fn set_pdc_bits(
    cpus: &PhysCpus,
    guest: &mut impl GuestMemory,
    acpi_id: u32,
    pdc: GuestHandle<u32>,
) -> Result<(), Errno> {
    let rev = guest::read_at(guest, pdc, 0).map_err(|_| Errno::EFAULT)?;
    let count = guest::read_at(guest, pdc, 1).map_err(|_| Errno::EFAULT)?;
    if rev != ACPI_PDC_REVISION_ID || count == 0 {
        return Err(Errno::EINVAL);
    }
    let mut caps = guest::read_at(guest, pdc, 2).map_err(|_| Errno::EFAULT)?;
    // `bits[2] &= (C_MASK | P_MASK | T_MASK | SMP_C1PT) & ~mask`, `mask` being empty.
    caps &= ACPI_PDC_C_MASK | ACPI_PDC_P_MASK | ACPI_PDC_T_MASK | ACPI_PDC_SMP_C1PT;

    // `if (!(acpi_id + 1)) c = &boot_cpu_data;` (CPU 0 here); else get_cpu_id, which must name
    // an online CPU.
    let cpu = if acpi_id == INVALID_ACPIID {
        cpus.present(0)
    } else {
        cpus.cpu_of_acpi_id(acpi_id)
            .and_then(|cpu| cpus.online(cpu))
            .map(Some)
            .ok_or(Errno::EINVAL)?
    };
    // `pdc[2] |= <capabilities> & mask` adds nothing.
    if !cpu.is_some_and(|c| c.mwait_break) {
        caps &= !(ACPI_PDC_C_C1_FFH | ACPI_PDC_C_C2C3_FFH);
    }
    guest::write_at(guest, pdc, 2, &caps).map_err(|_| Errno::EFAULT)
}

/// xen/arch/x86/smpboot.c `cpu_add`: its argument checks, then the CPU must be new; adding
/// one fails as `MP_processor_info_x` does once `nr_cpu_ids` CPUs are registered (-ENOSPC):
/// xen-rs has no room for CPUs beyond those it found at boot.
fn cpu_add(cpus: &PhysCpus, add: &xenpf_cpu_hotadd) -> Result<i64, Errno> {
    if add.acpi_id >= MAX_MADT_ENTRIES || add.apic_id >= MAX_APICS || add.pxm >= 256 {
        return Err(Errno::EINVAL);
    }
    if let Some(apic_id) = cpus.apic_of_acpi_id(add.acpi_id) {
        return Err(if apic_id != add.apic_id {
            Errno::EINVAL
        } else {
            Errno::EEXIST
        });
    }
    if cpus.has_apic_id(add.apic_id) {
        return Err(Errno::EEXIST);
    }
    Err(Errno::ENOSPC)
}

/// XENPF_resource_op (`check_resource_access`, then `resource_access` on the CPU): MSR reads
/// of the TSC only (the other MSRs Xen lets dom0 read need features xen-rs does not report:
/// PQE, TSX controls, SRBDS control, PPIN), no MSR writes. A TSC read gives system time
/// (`get_s_time_fixed`; Xen also adds `SECONDS(boot_random) - boot_random`, an offset xen-rs
/// does not have). Returns how many entries succeeded; the first failed entry's `u` holds its
/// errno.
fn resource_op<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    guest: &mut impl GuestMemory,
    ro: &xenpf_resource_op,
) -> Result<i64, Errno> {
    let nr_entries = ro.nr_entries;
    if nr_entries == 0 {
        return Ok(0);
    }
    if nr_entries > RESOURCE_ACCESS_MAX_ENTRIES {
        return Err(Errno::EINVAL);
    }
    let mut entries = [xenpf_resource_entry::default(); RESOURCE_ACCESS_MAX_ENTRIES as usize];
    let entries = &mut entries[..nr_entries as usize];
    for (i, e) in (0u64..).zip(entries.iter_mut()) {
        *e = guest::read_at(guest, ro.entries, i).map_err(|_| Errno::EFAULT)?;
    }

    // check_resource_access.
    let mut nr_done = entries.len();
    for (i, e) in entries.iter_mut().enumerate() {
        let ret = if e.rsvd != 0 {
            Some(Errno::EINVAL)
        } else {
            match e.u {
                XEN_RESOURCE_OP_MSR_READ | XEN_RESOURCE_OP_MSR_WRITE if e.idx >> 32 != 0 => {
                    Some(Errno::EINVAL)
                }
                XEN_RESOURCE_OP_MSR_READ if e.idx == MSR_IA32_TSC => None,
                XEN_RESOURCE_OP_MSR_READ | XEN_RESOURCE_OP_MSR_WRITE => Some(Errno::EPERM),
                _ => Some(Errno::EOPNOTSUPP),
            }
        };
        if let Some(err) = ret {
            e.u = err.negated() as u32;
            nr_done = i;
            break;
        }
    }
    if nr_done == 0 {
        // The first entry's errno goes back; the call itself succeeded.
        guest::write_at(guest, ro.entries, 0, &entries[0]).map_err(|_| Errno::EFAULT)?;
        return Ok(0);
    }
    if hv.cpus.online(ro.cpu).is_none() {
        return Err(Errno::ENODEV);
    }
    // resource_access: every checked entry is a TSC read.
    for e in &mut entries[..nr_done] {
        e.val = hv.clock.now();
    }
    let copied = if nr_done < entries.len() {
        nr_done + 1
    } else {
        entries.len()
    };
    for (i, e) in (0u64..).zip(&entries[..copied]) {
        guest::write_at(guest, ro.entries, i, e).map_err(|_| Errno::EFAULT)?;
    }
    Ok(nr_done as i64)
}

/// XENPF_get_symbol over an empty symbol table (xen/common/symbols.c `xensyms_read`): symbol 0
/// is the end (an empty name, `namelen` 1, `symnum` unchanged), any other is -ERANGE. Xen
/// leaves `address` uninitialised at the end; it is 0 here.
fn get_symbol(
    guest: &mut impl GuestMemory,
    op_addr: u64,
    mut sym: xenpf_symdata,
) -> Result<i64, Errno> {
    if sym.symnum > 0 {
        return Err(Errno::ERANGE);
    }
    let name = [0u8];
    let namelen = name.len() as u32;
    let copylen = namelen.min(sym.namelen) as usize;
    sym.address = 0;
    sym.namelen = namelen;
    if copylen > 0 {
        guest
            .copy_to_guest(sym.name.addr(), &name[..copylen])
            .map_err(|_| Errno::EFAULT)?;
    }
    copy_member(guest, op_addr, &sym).map(|()| 0)
}
