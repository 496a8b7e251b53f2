//! Hardware platform operations for the hardware domain (public/platform.h):
//! `__HYPERVISOR_platform_op`.
//!
//! Every call passes a xen_platform_op whose `interface_version` must be
//! XENPF_INTERFACE_VERSION (else -EACCES) and whose `cmd` selects the member of `u`. Anonymous
//! members of C unions (firmware_info's, set_pminfo's) are byte payloads here.

use crate::abi::{GuestHandle, Payload};
use crate::xen::xen_pfn_t;

crate::xen_consts! {
    header "platform.h";
    /// Version of this interface; a mismatch fails with -EACCES.
    pub const XENPF_INTERFACE_VERSION: u32 = 0x0300_0001;
    // Commands.
    /// Set the wallclock (32-bit seconds).
    pub const XENPF_settime32: u32 = 17;
    /// Set the wallclock (64-bit seconds).
    pub const XENPF_settime64: u32 = 62;
    /// Give a machine-frame range an MTRR memory type.
    pub const XENPF_add_memtype: u32 = 31;
    /// Remove an MTRR memory-type range.
    pub const XENPF_del_memtype: u32 = 32;
    /// Read a variable MTRR.
    pub const XENPF_read_memtype: u32 = 33;
    /// Load a microcode update.
    pub const XENPF_microcode_update: u32 = 35;
    /// Tell the hypervisor about a platform quirk.
    pub const XENPF_platform_quirk: u32 = 39;
    /// Call an EFI runtime service.
    pub const XENPF_efi_runtime_call: u32 = 49;
    /// Boot-time firmware information (EDD, MBR signatures, EDID, EFI, keyboard).
    pub const XENPF_firmware_info: u32 = 50;
    /// Enter an ACPI sleep state.
    pub const XENPF_enter_acpi_sleep: u32 = 51;
    /// Change a CPU's frequency (dom0-kernel cpufreq control).
    pub const XENPF_change_freq: u32 = 52;
    /// Physical CPUs' idle times.
    pub const XENPF_getidletime: u32 = 53;
    /// Upload a processor's ACPI power-management data.
    pub const XENPF_set_processor_pminfo: u32 = 54;
    /// A physical CPU's APIC and ACPI ids and state.
    pub const XENPF_get_cpuinfo: u32 = 55;
    /// A physical CPU's vendor, family, model and stepping.
    pub const XENPF_get_cpu_version: u32 = 48;
    /// Bring a physical CPU online.
    pub const XENPF_cpu_online: u32 = 56;
    /// Take a physical CPU offline.
    pub const XENPF_cpu_offline: u32 = 57;
    /// Hot-add a physical CPU.
    pub const XENPF_cpu_hotadd: u32 = 58;
    /// Hot-add a memory range.
    pub const XENPF_mem_hotadd: u32 = 59;
    /// Park (idle) physical cores.
    pub const XENPF_core_parking: u32 = 60;
    /// Read or write MSRs on a physical CPU.
    pub const XENPF_resource_op: u32 = 61;
    /// Read the hypervisor's symbol table.
    pub const XENPF_get_symbol: u32 = 63;
    // XENPF_platform_quirk.
    /// Do not restrict IO-APIC RTE targets.
    pub const QUIRK_NOIRQBALANCING: u32 = 1;
    /// The IO-APIC forgets its register selector.
    pub const QUIRK_IOAPIC_BAD_REGSEL: u32 = 2;
    /// The IO-APIC keeps its register selector.
    pub const QUIRK_IOAPIC_GOOD_REGSEL: u32 = 3;
    // XENPF_efi_runtime_call functions.
    /// EFI GetTime.
    pub const XEN_EFI_get_time: u32 = 1;
    /// EFI SetTime.
    pub const XEN_EFI_set_time: u32 = 2;
    /// EFI GetWakeupTime.
    pub const XEN_EFI_get_wakeup_time: u32 = 3;
    /// EFI SetWakeupTime.
    pub const XEN_EFI_set_wakeup_time: u32 = 4;
    /// EFI GetNextHighMonotonicCount.
    pub const XEN_EFI_get_next_high_monotonic_count: u32 = 5;
    /// EFI GetVariable.
    pub const XEN_EFI_get_variable: u32 = 6;
    /// EFI SetVariable.
    pub const XEN_EFI_set_variable: u32 = 7;
    /// EFI GetNextVariableName.
    pub const XEN_EFI_get_next_variable_name: u32 = 8;
    /// EFI QueryVariableInfo.
    pub const XEN_EFI_query_variable_info: u32 = 9;
    /// EFI QueryCapsuleCapabilities.
    pub const XEN_EFI_query_capsule_capabilities: u32 = 10;
    /// EFI UpdateCapsule.
    pub const XEN_EFI_update_capsule: u32 = 11;
    // XENPF_firmware_info types and EFI indices.
    /// BIOS disk parameters (int 13h AH=08h/41h/48h).
    pub const XEN_FW_DISK_INFO: u32 = 1;
    /// A disk's MBR signature (offset 0x1b8).
    pub const XEN_FW_DISK_MBR_SIGNATURE: u32 = 2;
    /// The display's EDID (int 10h AX=4f15h).
    pub const XEN_FW_VBEDDC_INFO: u32 = 3;
    /// EFI information, by index.
    pub const XEN_FW_EFI_INFO: u32 = 4;
    /// EFI index: the firmware's EFI version.
    pub const XEN_FW_EFI_VERSION: u32 = 0;
    /// EFI index: the configuration table.
    pub const XEN_FW_EFI_CONFIG_TABLE: u32 = 1;
    /// EFI index: the firmware vendor.
    pub const XEN_FW_EFI_VENDOR: u32 = 2;
    /// EFI index: a memory map entry.
    pub const XEN_FW_EFI_MEM_INFO: u32 = 3;
    /// EFI index: the runtime services' version.
    pub const XEN_FW_EFI_RT_VERSION: u32 = 4;
    /// EFI index: a PCI option ROM.
    pub const XEN_FW_EFI_PCI_ROM: u32 = 5;
    /// EFI index: Apple device properties.
    pub const XEN_FW_EFI_APPLE_PROPERTIES: u32 = 6;
    /// The keyboard shift flags (int 16h AH=02h).
    pub const XEN_FW_KBD_SHIFT_FLAGS: u32 = 5;
    // XENPF_enter_acpi_sleep.
    /// val_a and val_b are sleep types (ACPI 5 reduced hardware), not PM1 values.
    pub const XENPF_ACPI_SLEEP_EXTENDED: u32 = 0x0000_0001;
    // XENPF_set_processor_pminfo.
    /// The hypervisor controls C-states.
    pub const XEN_PROCESSOR_PM_CX: u32 = 1;
    /// The hypervisor controls P-states.
    pub const XEN_PROCESSOR_PM_PX: u32 = 2;
    /// The hypervisor controls T-states.
    pub const XEN_PROCESSOR_PM_TX: u32 = 4;
    /// pminfo type: C-states (_CST, _CSD).
    pub const XEN_PM_CX: u32 = 0;
    /// pminfo type: P-states (_PPC, _PCT, _PSS, _PSD).
    pub const XEN_PM_PX: u32 = 1;
    /// pminfo type: T-states.
    pub const XEN_PM_TX: u32 = 2;
    /// pminfo type: the _PDC capability buffer.
    pub const XEN_PM_PDC: u32 = 3;
    // XENPF_get_cpuinfo flags.
    /// The CPU is online.
    pub const XEN_PCPU_FLAGS_ONLINE: u32 = 1;
    /// No such CPU is present.
    pub const XEN_PCPU_FLAGS_INVALID: u32 = 2;
    // XENPF_core_parking.
    /// Set how many cores should be idle.
    pub const XEN_CORE_PARKING_SET: u32 = 1;
    /// Get how many cores are idle.
    pub const XEN_CORE_PARKING_GET: u32 = 2;
    // XENPF_resource_op.
    /// Read an MSR.
    pub const XEN_RESOURCE_OP_MSR_READ: u32 = 0;
    /// Write an MSR.
    pub const XEN_RESOURCE_OP_MSR_WRITE: u32 = 1;
}

crate::xen_structs! {
    header "platform.h";

    /// XENPF_settime32: the wallclock reads `secs.nsecs` when system time is `system_time`.
    pub struct xenpf_settime32: size 16, align 8 {
        /// Seconds since the epoch.
        pub secs: u32 => 0,
        /// Nanoseconds.
        pub nsecs: u32 => 4,
        /// The system time they stand for.
        pub system_time: u64 => 8,
    }

    /// XENPF_settime64: as settime32, with 64-bit seconds.
    pub struct xenpf_settime64: size 24, align 8 {
        /// Seconds since the epoch.
        pub secs: u64 => 0,
        /// Nanoseconds.
        pub nsecs: u32 => 8,
        /// Must be zero.
        pub mbz: u32 => 12,
        /// The system time they stand for.
        pub system_time: u64 => 16,
    }

    /// XENPF_add_memtype.
    pub struct xenpf_add_memtype: size 32, align 8 {
        /// First machine frame.
        pub mfn: xen_pfn_t as "xen_pfn_t" => 0,
        /// Number of frames.
        pub nr_mfns: u64 => 8,
        /// MTRR memory type.
        pub r#type: u32 => 16,
        /// Out: a handle for del_memtype.
        pub handle: u32 => 20,
        /// Out: the MTRR used.
        pub reg: u32 => 24,
        /// Padding.
        pad _pad0: [u8; 4] => 28,
    }

    /// XENPF_del_memtype.
    pub struct xenpf_del_memtype: size 8, align 4 {
        /// The handle add_memtype returned, or 0.
        pub handle: u32 => 0,
        /// The MTRR.
        pub reg: u32 => 4,
    }

    /// XENPF_read_memtype.
    pub struct xenpf_read_memtype: size 32, align 8 {
        /// The MTRR.
        pub reg: u32 => 0,
        /// Padding.
        pad _pad0: [u8; 4] => 4,
        /// Out: first machine frame.
        pub mfn: xen_pfn_t as "xen_pfn_t" => 8,
        /// Out: number of frames.
        pub nr_mfns: u64 => 16,
        /// Out: MTRR memory type.
        pub r#type: u32 => 24,
        /// Padding.
        pad _pad1: [u8; 4] => 28,
    }

    /// XENPF_microcode_update.
    pub struct xenpf_microcode_update: size 16, align 8 {
        /// The microcode blob.
        pub data: GuestHandle<()> => 0,
        /// Its length in bytes.
        pub length: u32 => 8,
        /// Padding.
        pad _pad0: [u8; 4] => 12,
    }

    /// XENPF_platform_quirk.
    pub struct xenpf_platform_quirk: size 4, align 4 {
        /// QUIRK_*.
        pub quirk_id: u32 => 0,
    }

    /// XENPF_firmware_info.
    pub struct xenpf_firmware_info: size 40, align 8 {
        /// XEN_FW_*.
        pub r#type: u32 => 0,
        /// Which disk, or the EFI index.
        pub index: u32 => 4,
        /// Out: the type's member (C: a union, disk_info to kbd_shift_flags).
        pub u: [u64; 4] => 8,
    }

    /// XENPF_enter_acpi_sleep.
    pub struct xenpf_enter_acpi_sleep: size 12, align 4 {
        /// PM1a control value, or sleep type A.
        pub val_a: u16 => 0,
        /// PM1b control value, or sleep type B.
        pub val_b: u16 => 2,
        /// The sleep state (Sn).
        pub sleep_state: u32 => 4,
        /// XENPF_ACPI_SLEEP_*.
        pub flags: u32 => 8,
    }

    /// XENPF_change_freq.
    pub struct xenpf_change_freq: size 16, align 8 {
        /// Must be zero.
        pub flags: u32 => 0,
        /// Physical CPU.
        pub cpu: u32 => 4,
        /// New frequency, Hz.
        pub freq: u64 => 8,
    }

    /// XENPF_getidletime.
    pub struct xenpf_getidletime: size 32, align 8 {
        /// In: CPUs to ask about; out: those present.
        pub cpumap_bitmap: GuestHandle<u8> => 0,
        /// Bits in the bitmap.
        pub cpumap_nr_cpus: u32 => 8,
        /// Padding.
        pad _pad0: [u8; 4] => 12,
        /// Out: idle time per CPU, ns.
        pub idletime: GuestHandle<u64> => 16,
        /// Out: system time of the snapshot.
        pub now: u64 => 24,
    }

    /// XENPF_set_processor_pminfo.
    pub struct xenpf_set_processor_pminfo: size 112, align 8 {
        /// ACPI processor id.
        pub id: u32 => 0,
        /// XEN_PM_*.
        pub r#type: u32 => 4,
        /// The type's data (C: a union of power, perf and the pdc handle).
        pub u: [u64; 13] => 8,
    }

    /// XENPF_get_cpuinfo.
    pub struct xenpf_pcpuinfo: size 20, align 4 {
        /// In: the hypervisor's CPU number.
        pub xen_cpuid: u32 => 0,
        /// Out: the highest present CPU number.
        pub max_present: u32 => 4,
        /// Out: XEN_PCPU_FLAGS_*.
        pub flags: u32 => 8,
        /// Out: its local APIC id.
        pub apic_id: u32 => 12,
        /// Out: its ACPI processor id.
        pub acpi_id: u32 => 16,
    }

    /// XENPF_get_cpu_version.
    pub struct xenpf_pcpu_version: size 32, align 4 {
        /// In: the hypervisor's CPU number.
        pub xen_cpuid: u32 => 0,
        /// Out: the highest present CPU number.
        pub max_present: u32 => 4,
        /// Out: the CPUID vendor string.
        pub vendor_id: [u8; 12] as "char" => 8,
        /// Out: family.
        pub family: u32 => 20,
        /// Out: model.
        pub model: u32 => 24,
        /// Out: stepping.
        pub stepping: u32 => 28,
    }

    /// XENPF_cpu_online and XENPF_cpu_offline.
    pub struct xenpf_cpu_ol: size 4, align 4 {
        /// The hypervisor's CPU number.
        pub cpuid: u32 => 0,
    }

    /// XENPF_cpu_hotadd.
    pub struct xenpf_cpu_hotadd: size 12, align 4 {
        /// Local APIC id.
        pub apic_id: u32 => 0,
        /// ACPI processor id.
        pub acpi_id: u32 => 4,
        /// Proximity domain.
        pub pxm: u32 => 8,
    }

    /// XENPF_mem_hotadd.
    pub struct xenpf_mem_hotadd: size 24, align 8 {
        /// First frame.
        pub spfn: u64 => 0,
        /// Frame after the last.
        pub epfn: u64 => 8,
        /// Proximity domain.
        pub pxm: u32 => 16,
        /// Flags.
        pub flags: u32 => 20,
    }

    /// XENPF_core_parking.
    pub struct xenpf_core_parking: size 8, align 4 {
        /// XEN_CORE_PARKING_*.
        pub r#type: u32 => 0,
        /// In: cores to idle (SET); out: cores idle (GET).
        pub idle_nums: u32 => 4,
    }

    /// One access of XENPF_resource_op.
    pub struct xenpf_resource_entry: size 24, align 8 {
        /// In: XEN_RESOURCE_OP_* (cmd); out: the failed entry's errno (ret) (C: a union).
        pub u: u32 => 0,
        /// Must be zero.
        pub rsvd: u32 => 4,
        /// The MSR.
        pub idx: u64 => 8,
        /// The value written or read.
        pub val: u64 => 16,
    }

    /// XENPF_resource_op.
    pub struct xenpf_resource_op: size 16, align 8 {
        /// Number of entries.
        pub nr_entries: u32 => 0,
        /// The physical CPU to run them on.
        pub cpu: u32 => 4,
        /// The entries.
        pub entries: GuestHandle<xenpf_resource_entry> => 8,
    }

    /// XENPF_get_symbol.
    pub struct xenpf_symdata: size 32, align 8 {
        /// In: the name buffer's size; out: the name's length with its NUL.
        pub namelen: u32 => 0,
        /// In: the symbol to read; out: the next one.
        pub symnum: u32 => 4,
        /// Out: the name.
        pub name: GuestHandle<u8> as "char" => 8,
        /// Out: the address.
        pub address: u64 => 16,
        /// Out: the type letter.
        pub r#type: u8 as "char" => 24,
        /// Padding.
        pad _pad0: [u8; 7] => 25,
    }

    /// A platform operation.
    pub struct xen_platform_op: size 136, align 8 {
        /// XENPF_* command.
        pub cmd: u32 => 0,
        /// XENPF_INTERFACE_VERSION.
        pub interface_version: u32 => 4,
        /// The command's struct (C: a union padded to 128 bytes).
        pub u: [u64; 16] => 8,
    }
}

impl xen_platform_op {
    /// A zeroed call of `cmd` at this interface version.
    pub fn new(cmd: u32) -> Self {
        Self {
            cmd,
            interface_version: XENPF_INTERFACE_VERSION,
            ..Self::default()
        }
    }
}

impl Payload for xen_platform_op {
    fn payload_bytes(&self) -> &[u8] {
        zerocopy::IntoBytes::as_bytes(&self.u)
    }
    fn payload_bytes_mut(&mut self) -> &mut [u8] {
        zerocopy::IntoBytes::as_mut_bytes(&mut self.u)
    }
}

/// Where `u` starts in a xen_platform_op: a command's member is copied back from here
/// (Xen's `__copy_field_to_guest(u_xenpf_op, op, u.<member>)`).
pub const XENPF_PAYLOAD_OFFSET: u64 = core::mem::offset_of!(xen_platform_op, u) as u64;

/// Every member of the union must fit in it.
const _: () = {
    use core::mem::size_of;
    let u = size_of::<[u64; 16]>();
    assert!(size_of::<xenpf_set_processor_pminfo>() <= u);
    assert!(size_of::<xenpf_firmware_info>() <= u);
    assert!(size_of::<xenpf_symdata>() <= u);
};
