/* xen-rs/platform.h: Xen's public/platform.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_PLATFORM_H
#define XEN_RS_PLATFORM_H

#include "abi-types.h"
#include "arch-x86/xen.h"

/** Version of this interface; a mismatch fails with -EACCES. */
#define XENPF_INTERFACE_VERSION 0x3000001
/** Set the wallclock (32-bit seconds). */
#define XENPF_settime32 17
/** Set the wallclock (64-bit seconds). */
#define XENPF_settime64 62
/** Give a machine-frame range an MTRR memory type. */
#define XENPF_add_memtype 31
/** Remove an MTRR memory-type range. */
#define XENPF_del_memtype 32
/** Read a variable MTRR. */
#define XENPF_read_memtype 33
/** Load a microcode update. */
#define XENPF_microcode_update 35
/** Tell the hypervisor about a platform quirk. */
#define XENPF_platform_quirk 39
/** Call an EFI runtime service. */
#define XENPF_efi_runtime_call 49
/** Boot-time firmware information (EDD, MBR signatures, EDID, EFI, keyboard). */
#define XENPF_firmware_info 50
/** Enter an ACPI sleep state. */
#define XENPF_enter_acpi_sleep 51
/** Change a CPU's frequency (dom0-kernel cpufreq control). */
#define XENPF_change_freq 52
/** Physical CPUs' idle times. */
#define XENPF_getidletime 53
/** Upload a processor's ACPI power-management data. */
#define XENPF_set_processor_pminfo 54
/** A physical CPU's APIC and ACPI ids and state. */
#define XENPF_get_cpuinfo 55
/** A physical CPU's vendor, family, model and stepping. */
#define XENPF_get_cpu_version 48
/** Bring a physical CPU online. */
#define XENPF_cpu_online 56
/** Take a physical CPU offline. */
#define XENPF_cpu_offline 57
/** Hot-add a physical CPU. */
#define XENPF_cpu_hotadd 58
/** Hot-add a memory range. */
#define XENPF_mem_hotadd 59
/** Park (idle) physical cores. */
#define XENPF_core_parking 60
/** Read or write MSRs on a physical CPU. */
#define XENPF_resource_op 61
/** Read the hypervisor's symbol table. */
#define XENPF_get_symbol 63
/** Do not restrict IO-APIC RTE targets. */
#define QUIRK_NOIRQBALANCING 1
/** The IO-APIC forgets its register selector. */
#define QUIRK_IOAPIC_BAD_REGSEL 2
/** The IO-APIC keeps its register selector. */
#define QUIRK_IOAPIC_GOOD_REGSEL 3
/** EFI GetTime. */
#define XEN_EFI_get_time 1
/** EFI SetTime. */
#define XEN_EFI_set_time 2
/** EFI GetWakeupTime. */
#define XEN_EFI_get_wakeup_time 3
/** EFI SetWakeupTime. */
#define XEN_EFI_set_wakeup_time 4
/** EFI GetNextHighMonotonicCount. */
#define XEN_EFI_get_next_high_monotonic_count 5
/** EFI GetVariable. */
#define XEN_EFI_get_variable 6
/** EFI SetVariable. */
#define XEN_EFI_set_variable 7
/** EFI GetNextVariableName. */
#define XEN_EFI_get_next_variable_name 8
/** EFI QueryVariableInfo. */
#define XEN_EFI_query_variable_info 9
/** EFI QueryCapsuleCapabilities. */
#define XEN_EFI_query_capsule_capabilities 10
/** EFI UpdateCapsule. */
#define XEN_EFI_update_capsule 11
/** BIOS disk parameters (int 13h AH=08h/41h/48h). */
#define XEN_FW_DISK_INFO 1
/** A disk's MBR signature (offset 0x1b8). */
#define XEN_FW_DISK_MBR_SIGNATURE 2
/** The display's EDID (int 10h AX=4f15h). */
#define XEN_FW_VBEDDC_INFO 3
/** EFI information, by index. */
#define XEN_FW_EFI_INFO 4
/** EFI index: the firmware's EFI version. */
#define XEN_FW_EFI_VERSION 0
/** EFI index: the configuration table. */
#define XEN_FW_EFI_CONFIG_TABLE 1
/** EFI index: the firmware vendor. */
#define XEN_FW_EFI_VENDOR 2
/** EFI index: a memory map entry. */
#define XEN_FW_EFI_MEM_INFO 3
/** EFI index: the runtime services' version. */
#define XEN_FW_EFI_RT_VERSION 4
/** EFI index: a PCI option ROM. */
#define XEN_FW_EFI_PCI_ROM 5
/** EFI index: Apple device properties. */
#define XEN_FW_EFI_APPLE_PROPERTIES 6
/** The keyboard shift flags (int 16h AH=02h). */
#define XEN_FW_KBD_SHIFT_FLAGS 5
/** val_a and val_b are sleep types (ACPI 5 reduced hardware), not PM1 values. */
#define XENPF_ACPI_SLEEP_EXTENDED 0x1
/** The hypervisor controls C-states. */
#define XEN_PROCESSOR_PM_CX 1
/** The hypervisor controls P-states. */
#define XEN_PROCESSOR_PM_PX 2
/** The hypervisor controls T-states. */
#define XEN_PROCESSOR_PM_TX 4
/** pminfo type: C-states (_CST, _CSD). */
#define XEN_PM_CX 0
/** pminfo type: P-states (_PPC, _PCT, _PSS, _PSD). */
#define XEN_PM_PX 1
/** pminfo type: T-states. */
#define XEN_PM_TX 2
/** pminfo type: the _PDC capability buffer. */
#define XEN_PM_PDC 3
/** The CPU is online. */
#define XEN_PCPU_FLAGS_ONLINE 1
/** No such CPU is present. */
#define XEN_PCPU_FLAGS_INVALID 2
/** Set how many cores should be idle. */
#define XEN_CORE_PARKING_SET 1
/** Get how many cores are idle. */
#define XEN_CORE_PARKING_GET 2
/** Read an MSR. */
#define XEN_RESOURCE_OP_MSR_READ 0
/** Write an MSR. */
#define XEN_RESOURCE_OP_MSR_WRITE 1

/** XENPF_settime32: the wallclock reads `secs.nsecs` when system time is `system_time`. */
struct xenpf_settime32 {
    /** Seconds since the epoch. */
    uint32_t secs;
    /** Nanoseconds. */
    uint32_t nsecs;
    /** The system time they stand for. */
    uint64_t system_time;
};
typedef struct xenpf_settime32 xenpf_settime32_t;
XEN_RS_CHECK(xenpf_settime32_size, sizeof(struct xenpf_settime32) == 16);
XEN_RS_CHECK(xenpf_settime32__secs, offsetof(struct xenpf_settime32, secs) == 0);
XEN_RS_CHECK(xenpf_settime32__nsecs, offsetof(struct xenpf_settime32, nsecs) == 4);
XEN_RS_CHECK(xenpf_settime32__system_time, offsetof(struct xenpf_settime32, system_time) == 8);

/** XENPF_settime64: as settime32, with 64-bit seconds. */
struct xenpf_settime64 {
    /** Seconds since the epoch. */
    uint64_t secs;
    /** Nanoseconds. */
    uint32_t nsecs;
    /** Must be zero. */
    uint32_t mbz;
    /** The system time they stand for. */
    uint64_t system_time;
};
typedef struct xenpf_settime64 xenpf_settime64_t;
XEN_RS_CHECK(xenpf_settime64_size, sizeof(struct xenpf_settime64) == 24);
XEN_RS_CHECK(xenpf_settime64__secs, offsetof(struct xenpf_settime64, secs) == 0);
XEN_RS_CHECK(xenpf_settime64__nsecs, offsetof(struct xenpf_settime64, nsecs) == 8);
XEN_RS_CHECK(xenpf_settime64__mbz, offsetof(struct xenpf_settime64, mbz) == 12);
XEN_RS_CHECK(xenpf_settime64__system_time, offsetof(struct xenpf_settime64, system_time) == 16);

/** XENPF_add_memtype. */
struct xenpf_add_memtype {
    /** First machine frame. */
    xen_pfn_t mfn;
    /** Number of frames. */
    uint64_t nr_mfns;
    /** MTRR memory type. */
    uint32_t type;
    /** Out: a handle for del_memtype. */
    uint32_t handle;
    /** Out: the MTRR used. */
    uint32_t reg;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xenpf_add_memtype xenpf_add_memtype_t;
XEN_RS_CHECK(xenpf_add_memtype_size, sizeof(struct xenpf_add_memtype) == 32);
XEN_RS_CHECK(xenpf_add_memtype__mfn, offsetof(struct xenpf_add_memtype, mfn) == 0);
XEN_RS_CHECK(xenpf_add_memtype__nr_mfns, offsetof(struct xenpf_add_memtype, nr_mfns) == 8);
XEN_RS_CHECK(xenpf_add_memtype__type, offsetof(struct xenpf_add_memtype, type) == 16);
XEN_RS_CHECK(xenpf_add_memtype__handle, offsetof(struct xenpf_add_memtype, handle) == 20);
XEN_RS_CHECK(xenpf_add_memtype__reg, offsetof(struct xenpf_add_memtype, reg) == 24);
XEN_RS_CHECK(xenpf_add_memtype___pad0, offsetof(struct xenpf_add_memtype, _pad0) == 28);

/** XENPF_del_memtype. */
struct xenpf_del_memtype {
    /** The handle add_memtype returned, or 0. */
    uint32_t handle;
    /** The MTRR. */
    uint32_t reg;
};
typedef struct xenpf_del_memtype xenpf_del_memtype_t;
XEN_RS_CHECK(xenpf_del_memtype_size, sizeof(struct xenpf_del_memtype) == 8);
XEN_RS_CHECK(xenpf_del_memtype__handle, offsetof(struct xenpf_del_memtype, handle) == 0);
XEN_RS_CHECK(xenpf_del_memtype__reg, offsetof(struct xenpf_del_memtype, reg) == 4);

/** XENPF_read_memtype. */
struct xenpf_read_memtype {
    /** The MTRR. */
    uint32_t reg;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: first machine frame. */
    xen_pfn_t mfn;
    /** Out: number of frames. */
    uint64_t nr_mfns;
    /** Out: MTRR memory type. */
    uint32_t type;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xenpf_read_memtype xenpf_read_memtype_t;
XEN_RS_CHECK(xenpf_read_memtype_size, sizeof(struct xenpf_read_memtype) == 32);
XEN_RS_CHECK(xenpf_read_memtype__reg, offsetof(struct xenpf_read_memtype, reg) == 0);
XEN_RS_CHECK(xenpf_read_memtype___pad0, offsetof(struct xenpf_read_memtype, _pad0) == 4);
XEN_RS_CHECK(xenpf_read_memtype__mfn, offsetof(struct xenpf_read_memtype, mfn) == 8);
XEN_RS_CHECK(xenpf_read_memtype__nr_mfns, offsetof(struct xenpf_read_memtype, nr_mfns) == 16);
XEN_RS_CHECK(xenpf_read_memtype__type, offsetof(struct xenpf_read_memtype, type) == 24);
XEN_RS_CHECK(xenpf_read_memtype___pad1, offsetof(struct xenpf_read_memtype, _pad1) == 28);

/** XENPF_microcode_update. */
struct xenpf_microcode_update {
    /** The microcode blob. */
    XEN_RS_GUEST_HANDLE(void) data;
    /** Its length in bytes. */
    uint32_t length;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xenpf_microcode_update xenpf_microcode_update_t;
XEN_RS_CHECK(xenpf_microcode_update_size, sizeof(struct xenpf_microcode_update) == 16);
XEN_RS_CHECK(xenpf_microcode_update__data, offsetof(struct xenpf_microcode_update, data) == 0);
XEN_RS_CHECK(xenpf_microcode_update__length, offsetof(struct xenpf_microcode_update, length) == 8);
XEN_RS_CHECK(xenpf_microcode_update___pad0, offsetof(struct xenpf_microcode_update, _pad0) == 12);

/** XENPF_platform_quirk. */
struct xenpf_platform_quirk {
    /** QUIRK_*. */
    uint32_t quirk_id;
};
typedef struct xenpf_platform_quirk xenpf_platform_quirk_t;
XEN_RS_CHECK(xenpf_platform_quirk_size, sizeof(struct xenpf_platform_quirk) == 4);
XEN_RS_CHECK(xenpf_platform_quirk__quirk_id, offsetof(struct xenpf_platform_quirk, quirk_id) == 0);

/** XENPF_firmware_info. */
struct xenpf_firmware_info {
    /** XEN_FW_*. */
    uint32_t type;
    /** Which disk, or the EFI index. */
    uint32_t index;
    /** Out: the type's member (C: a union, disk_info to kbd_shift_flags). */
    uint64_t u[4];
};
typedef struct xenpf_firmware_info xenpf_firmware_info_t;
XEN_RS_CHECK(xenpf_firmware_info_size, sizeof(struct xenpf_firmware_info) == 40);
XEN_RS_CHECK(xenpf_firmware_info__type, offsetof(struct xenpf_firmware_info, type) == 0);
XEN_RS_CHECK(xenpf_firmware_info__index, offsetof(struct xenpf_firmware_info, index) == 4);
XEN_RS_CHECK(xenpf_firmware_info__u, offsetof(struct xenpf_firmware_info, u) == 8);

/** XENPF_enter_acpi_sleep. */
struct xenpf_enter_acpi_sleep {
    /** PM1a control value, or sleep type A. */
    uint16_t val_a;
    /** PM1b control value, or sleep type B. */
    uint16_t val_b;
    /** The sleep state (Sn). */
    uint32_t sleep_state;
    /** XENPF_ACPI_SLEEP_*. */
    uint32_t flags;
};
typedef struct xenpf_enter_acpi_sleep xenpf_enter_acpi_sleep_t;
XEN_RS_CHECK(xenpf_enter_acpi_sleep_size, sizeof(struct xenpf_enter_acpi_sleep) == 12);
XEN_RS_CHECK(xenpf_enter_acpi_sleep__val_a, offsetof(struct xenpf_enter_acpi_sleep, val_a) == 0);
XEN_RS_CHECK(xenpf_enter_acpi_sleep__val_b, offsetof(struct xenpf_enter_acpi_sleep, val_b) == 2);
XEN_RS_CHECK(xenpf_enter_acpi_sleep__sleep_state, offsetof(struct xenpf_enter_acpi_sleep, sleep_state) == 4);
XEN_RS_CHECK(xenpf_enter_acpi_sleep__flags, offsetof(struct xenpf_enter_acpi_sleep, flags) == 8);

/** XENPF_change_freq. */
struct xenpf_change_freq {
    /** Must be zero. */
    uint32_t flags;
    /** Physical CPU. */
    uint32_t cpu;
    /** New frequency, Hz. */
    uint64_t freq;
};
typedef struct xenpf_change_freq xenpf_change_freq_t;
XEN_RS_CHECK(xenpf_change_freq_size, sizeof(struct xenpf_change_freq) == 16);
XEN_RS_CHECK(xenpf_change_freq__flags, offsetof(struct xenpf_change_freq, flags) == 0);
XEN_RS_CHECK(xenpf_change_freq__cpu, offsetof(struct xenpf_change_freq, cpu) == 4);
XEN_RS_CHECK(xenpf_change_freq__freq, offsetof(struct xenpf_change_freq, freq) == 8);

/** XENPF_getidletime. */
struct xenpf_getidletime {
    /** In: CPUs to ask about; out: those present. */
    XEN_RS_GUEST_HANDLE(uint8_t) cpumap_bitmap;
    /** Bits in the bitmap. */
    uint32_t cpumap_nr_cpus;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: idle time per CPU, ns. */
    XEN_RS_GUEST_HANDLE(uint64_t) idletime;
    /** Out: system time of the snapshot. */
    uint64_t now;
};
typedef struct xenpf_getidletime xenpf_getidletime_t;
XEN_RS_CHECK(xenpf_getidletime_size, sizeof(struct xenpf_getidletime) == 32);
XEN_RS_CHECK(xenpf_getidletime__cpumap_bitmap, offsetof(struct xenpf_getidletime, cpumap_bitmap) == 0);
XEN_RS_CHECK(xenpf_getidletime__cpumap_nr_cpus, offsetof(struct xenpf_getidletime, cpumap_nr_cpus) == 8);
XEN_RS_CHECK(xenpf_getidletime___pad0, offsetof(struct xenpf_getidletime, _pad0) == 12);
XEN_RS_CHECK(xenpf_getidletime__idletime, offsetof(struct xenpf_getidletime, idletime) == 16);
XEN_RS_CHECK(xenpf_getidletime__now, offsetof(struct xenpf_getidletime, now) == 24);

/** XENPF_set_processor_pminfo. */
struct xenpf_set_processor_pminfo {
    /** ACPI processor id. */
    uint32_t id;
    /** XEN_PM_*. */
    uint32_t type;
    /** The type's data (C: a union of power, perf and the pdc handle). */
    uint64_t u[13];
};
typedef struct xenpf_set_processor_pminfo xenpf_set_processor_pminfo_t;
XEN_RS_CHECK(xenpf_set_processor_pminfo_size, sizeof(struct xenpf_set_processor_pminfo) == 112);
XEN_RS_CHECK(xenpf_set_processor_pminfo__id, offsetof(struct xenpf_set_processor_pminfo, id) == 0);
XEN_RS_CHECK(xenpf_set_processor_pminfo__type, offsetof(struct xenpf_set_processor_pminfo, type) == 4);
XEN_RS_CHECK(xenpf_set_processor_pminfo__u, offsetof(struct xenpf_set_processor_pminfo, u) == 8);

/** XENPF_get_cpuinfo. */
struct xenpf_pcpuinfo {
    /** In: the hypervisor's CPU number. */
    uint32_t xen_cpuid;
    /** Out: the highest present CPU number. */
    uint32_t max_present;
    /** Out: XEN_PCPU_FLAGS_*. */
    uint32_t flags;
    /** Out: its local APIC id. */
    uint32_t apic_id;
    /** Out: its ACPI processor id. */
    uint32_t acpi_id;
};
typedef struct xenpf_pcpuinfo xenpf_pcpuinfo_t;
XEN_RS_CHECK(xenpf_pcpuinfo_size, sizeof(struct xenpf_pcpuinfo) == 20);
XEN_RS_CHECK(xenpf_pcpuinfo__xen_cpuid, offsetof(struct xenpf_pcpuinfo, xen_cpuid) == 0);
XEN_RS_CHECK(xenpf_pcpuinfo__max_present, offsetof(struct xenpf_pcpuinfo, max_present) == 4);
XEN_RS_CHECK(xenpf_pcpuinfo__flags, offsetof(struct xenpf_pcpuinfo, flags) == 8);
XEN_RS_CHECK(xenpf_pcpuinfo__apic_id, offsetof(struct xenpf_pcpuinfo, apic_id) == 12);
XEN_RS_CHECK(xenpf_pcpuinfo__acpi_id, offsetof(struct xenpf_pcpuinfo, acpi_id) == 16);

/** XENPF_get_cpu_version. */
struct xenpf_pcpu_version {
    /** In: the hypervisor's CPU number. */
    uint32_t xen_cpuid;
    /** Out: the highest present CPU number. */
    uint32_t max_present;
    /** Out: the CPUID vendor string. */
    char vendor_id[12];
    /** Out: family. */
    uint32_t family;
    /** Out: model. */
    uint32_t model;
    /** Out: stepping. */
    uint32_t stepping;
};
typedef struct xenpf_pcpu_version xenpf_pcpu_version_t;
XEN_RS_CHECK(xenpf_pcpu_version_size, sizeof(struct xenpf_pcpu_version) == 32);
XEN_RS_CHECK(xenpf_pcpu_version__xen_cpuid, offsetof(struct xenpf_pcpu_version, xen_cpuid) == 0);
XEN_RS_CHECK(xenpf_pcpu_version__max_present, offsetof(struct xenpf_pcpu_version, max_present) == 4);
XEN_RS_CHECK(xenpf_pcpu_version__vendor_id, offsetof(struct xenpf_pcpu_version, vendor_id) == 8);
XEN_RS_CHECK(xenpf_pcpu_version__family, offsetof(struct xenpf_pcpu_version, family) == 20);
XEN_RS_CHECK(xenpf_pcpu_version__model, offsetof(struct xenpf_pcpu_version, model) == 24);
XEN_RS_CHECK(xenpf_pcpu_version__stepping, offsetof(struct xenpf_pcpu_version, stepping) == 28);

/** XENPF_cpu_online and XENPF_cpu_offline. */
struct xenpf_cpu_ol {
    /** The hypervisor's CPU number. */
    uint32_t cpuid;
};
typedef struct xenpf_cpu_ol xenpf_cpu_ol_t;
XEN_RS_CHECK(xenpf_cpu_ol_size, sizeof(struct xenpf_cpu_ol) == 4);
XEN_RS_CHECK(xenpf_cpu_ol__cpuid, offsetof(struct xenpf_cpu_ol, cpuid) == 0);

/** XENPF_cpu_hotadd. */
struct xenpf_cpu_hotadd {
    /** Local APIC id. */
    uint32_t apic_id;
    /** ACPI processor id. */
    uint32_t acpi_id;
    /** Proximity domain. */
    uint32_t pxm;
};
typedef struct xenpf_cpu_hotadd xenpf_cpu_hotadd_t;
XEN_RS_CHECK(xenpf_cpu_hotadd_size, sizeof(struct xenpf_cpu_hotadd) == 12);
XEN_RS_CHECK(xenpf_cpu_hotadd__apic_id, offsetof(struct xenpf_cpu_hotadd, apic_id) == 0);
XEN_RS_CHECK(xenpf_cpu_hotadd__acpi_id, offsetof(struct xenpf_cpu_hotadd, acpi_id) == 4);
XEN_RS_CHECK(xenpf_cpu_hotadd__pxm, offsetof(struct xenpf_cpu_hotadd, pxm) == 8);

/** XENPF_mem_hotadd. */
struct xenpf_mem_hotadd {
    /** First frame. */
    uint64_t spfn;
    /** Frame after the last. */
    uint64_t epfn;
    /** Proximity domain. */
    uint32_t pxm;
    /** Flags. */
    uint32_t flags;
};
typedef struct xenpf_mem_hotadd xenpf_mem_hotadd_t;
XEN_RS_CHECK(xenpf_mem_hotadd_size, sizeof(struct xenpf_mem_hotadd) == 24);
XEN_RS_CHECK(xenpf_mem_hotadd__spfn, offsetof(struct xenpf_mem_hotadd, spfn) == 0);
XEN_RS_CHECK(xenpf_mem_hotadd__epfn, offsetof(struct xenpf_mem_hotadd, epfn) == 8);
XEN_RS_CHECK(xenpf_mem_hotadd__pxm, offsetof(struct xenpf_mem_hotadd, pxm) == 16);
XEN_RS_CHECK(xenpf_mem_hotadd__flags, offsetof(struct xenpf_mem_hotadd, flags) == 20);

/** XENPF_core_parking. */
struct xenpf_core_parking {
    /** XEN_CORE_PARKING_*. */
    uint32_t type;
    /** In: cores to idle (SET); out: cores idle (GET). */
    uint32_t idle_nums;
};
typedef struct xenpf_core_parking xenpf_core_parking_t;
XEN_RS_CHECK(xenpf_core_parking_size, sizeof(struct xenpf_core_parking) == 8);
XEN_RS_CHECK(xenpf_core_parking__type, offsetof(struct xenpf_core_parking, type) == 0);
XEN_RS_CHECK(xenpf_core_parking__idle_nums, offsetof(struct xenpf_core_parking, idle_nums) == 4);

/** One access of XENPF_resource_op. */
struct xenpf_resource_entry {
    /** In: XEN_RESOURCE_OP_* (cmd); out: the failed entry's errno (ret) (C: a union). */
    uint32_t u;
    /** Must be zero. */
    uint32_t rsvd;
    /** The MSR. */
    uint64_t idx;
    /** The value written or read. */
    uint64_t val;
};
typedef struct xenpf_resource_entry xenpf_resource_entry_t;
XEN_RS_CHECK(xenpf_resource_entry_size, sizeof(struct xenpf_resource_entry) == 24);
XEN_RS_CHECK(xenpf_resource_entry__u, offsetof(struct xenpf_resource_entry, u) == 0);
XEN_RS_CHECK(xenpf_resource_entry__rsvd, offsetof(struct xenpf_resource_entry, rsvd) == 4);
XEN_RS_CHECK(xenpf_resource_entry__idx, offsetof(struct xenpf_resource_entry, idx) == 8);
XEN_RS_CHECK(xenpf_resource_entry__val, offsetof(struct xenpf_resource_entry, val) == 16);

/** XENPF_resource_op. */
struct xenpf_resource_op {
    /** Number of entries. */
    uint32_t nr_entries;
    /** The physical CPU to run them on. */
    uint32_t cpu;
    /** The entries. */
    XEN_RS_GUEST_HANDLE(struct xenpf_resource_entry) entries;
};
typedef struct xenpf_resource_op xenpf_resource_op_t;
XEN_RS_CHECK(xenpf_resource_op_size, sizeof(struct xenpf_resource_op) == 16);
XEN_RS_CHECK(xenpf_resource_op__nr_entries, offsetof(struct xenpf_resource_op, nr_entries) == 0);
XEN_RS_CHECK(xenpf_resource_op__cpu, offsetof(struct xenpf_resource_op, cpu) == 4);
XEN_RS_CHECK(xenpf_resource_op__entries, offsetof(struct xenpf_resource_op, entries) == 8);

/** XENPF_get_symbol. */
struct xenpf_symdata {
    /** In: the name buffer's size; out: the name's length with its NUL. */
    uint32_t namelen;
    /** In: the symbol to read; out: the next one. */
    uint32_t symnum;
    /** Out: the name. */
    XEN_RS_GUEST_HANDLE(char) name;
    /** Out: the address. */
    uint64_t address;
    /** Out: the type letter. */
    char type;
    /** Padding (implicit padding in Xen's header). */
    uint8_t _pad0[7];
};
typedef struct xenpf_symdata xenpf_symdata_t;
XEN_RS_CHECK(xenpf_symdata_size, sizeof(struct xenpf_symdata) == 32);
XEN_RS_CHECK(xenpf_symdata__namelen, offsetof(struct xenpf_symdata, namelen) == 0);
XEN_RS_CHECK(xenpf_symdata__symnum, offsetof(struct xenpf_symdata, symnum) == 4);
XEN_RS_CHECK(xenpf_symdata__name, offsetof(struct xenpf_symdata, name) == 8);
XEN_RS_CHECK(xenpf_symdata__address, offsetof(struct xenpf_symdata, address) == 16);
XEN_RS_CHECK(xenpf_symdata__type, offsetof(struct xenpf_symdata, type) == 24);
XEN_RS_CHECK(xenpf_symdata___pad0, offsetof(struct xenpf_symdata, _pad0) == 25);

/** A platform operation. */
struct xen_platform_op {
    /** XENPF_* command. */
    uint32_t cmd;
    /** XENPF_INTERFACE_VERSION. */
    uint32_t interface_version;
    /** The command's struct (C: a union padded to 128 bytes). */
    uint64_t u[16];
};
typedef struct xen_platform_op xen_platform_op_t;
XEN_RS_CHECK(xen_platform_op_size, sizeof(struct xen_platform_op) == 136);
XEN_RS_CHECK(xen_platform_op__cmd, offsetof(struct xen_platform_op, cmd) == 0);
XEN_RS_CHECK(xen_platform_op__interface_version, offsetof(struct xen_platform_op, interface_version) == 4);
XEN_RS_CHECK(xen_platform_op__u, offsetof(struct xen_platform_op, u) == 8);

#endif /* XEN_RS_PLATFORM_H */
