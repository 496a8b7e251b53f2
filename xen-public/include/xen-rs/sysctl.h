/* xen-rs/sysctl.h: Xen's public/sysctl.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_SYSCTL_H
#define XEN_RS_SYSCTL_H

#include "abi-types.h"
#include "arch-x86/xen.h"
#include "domctl.h"
#include "physdev.h"
#include "xen.h"

/** Version of this interface; a mismatch fails with -EACCES. */
#define XEN_SYSCTL_INTERFACE_VERSION 0x15
/** Read the hypervisor console ring. */
#define XEN_SYSCTL_readconsole 1
/** Trace buffer control. */
#define XEN_SYSCTL_tbuf_op 2
/** Host information: CPUs, memory, free and claimed pages. */
#define XEN_SYSCTL_physinfo 3
/** Id of the default scheduler. */
#define XEN_SYSCTL_sched_id 4
/** Performance counters. */
#define XEN_SYSCTL_perfc_op 5
/** Information about a range of domains. */
#define XEN_SYSCTL_getdomaininfolist 6
/** Inject debug keys. */
#define XEN_SYSCTL_debug_keys 7
/** Per-CPU idle time. */
#define XEN_SYSCTL_getcpuinfo 8
/** Free heap memory in an address range or node. */
#define XEN_SYSCTL_availheap 9
/** Power-management statistics. */
#define XEN_SYSCTL_get_pmstat 10
/** Bring CPUs on or offline. */
#define XEN_SYSCTL_cpu_hotplug 11
/** Power-management control. */
#define XEN_SYSCTL_pm_op 12
/** Offline or online memory pages. */
#define XEN_SYSCTL_page_offline_op 14
/** Lock profiling. */
#define XEN_SYSCTL_lockprof_op 15
/** CPU topology. */
#define XEN_SYSCTL_cputopoinfo 16
/** NUMA topology. */
#define XEN_SYSCTL_numainfo 17
/** CPU pool management. */
#define XEN_SYSCTL_cpupool_op 18
/** Scheduler-wide parameters. */
#define XEN_SYSCTL_scheduler_op 19
/** Code coverage. */
#define XEN_SYSCTL_coverage_op 20
/** Cache monitoring. */
#define XEN_SYSCTL_psr_cmt_op 21
/** PCI device topology. */
#define XEN_SYSCTL_pcitopoinfo 22
/** Cache and bandwidth allocation. */
#define XEN_SYSCTL_psr_alloc 23
/** CPUID levelling capabilities. */
#define XEN_SYSCTL_get_cpu_levelling_caps 25
/** CPU featuresets. */
#define XEN_SYSCTL_get_cpu_featureset 26
/** Live patching. */
#define XEN_SYSCTL_livepatch_op 27
/** CPUID and MSR policies of the host. */
#define XEN_SYSCTL_get_cpu_policy 29
/** Bit number of `XEN_SYSCTL_PHYSCAP_hvm`. */
#define _XEN_SYSCTL_PHYSCAP_hvm 0
/** HVM guests are supported. */
#define XEN_SYSCTL_PHYSCAP_hvm 0x1
/** Bit number of `XEN_SYSCTL_PHYSCAP_pv`. */
#define _XEN_SYSCTL_PHYSCAP_pv 1
/** PV guests are supported. */
#define XEN_SYSCTL_PHYSCAP_pv 0x2
/** Bit number of `XEN_SYSCTL_PHYSCAP_directio`. */
#define _XEN_SYSCTL_PHYSCAP_directio 2
/** Device pass-through is supported. */
#define XEN_SYSCTL_PHYSCAP_directio 0x4
/** Bit number of `XEN_SYSCTL_PHYSCAP_hap`. */
#define _XEN_SYSCTL_PHYSCAP_hap 3
/** Hardware-assisted paging is available. */
#define XEN_SYSCTL_PHYSCAP_hap 0x8
/** Bit number of `XEN_SYSCTL_PHYSCAP_shadow`. */
#define _XEN_SYSCTL_PHYSCAP_shadow 4
/** Shadow paging is available. */
#define XEN_SYSCTL_PHYSCAP_shadow 0x10
/** Bit number of `XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share`. */
#define _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 5
/** The IOMMU can share the p2m. */
#define XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share 0x20
/** Processor trace is available. */
#define XEN_SYSCTL_PHYSCAP_vmtrace 0x40
/** A virtual PMU is available. */
#define XEN_SYSCTL_PHYSCAP_vpmu 0x80
/** Grant table v1 is available. */
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 0x100
/** Grant table v2 is available. */
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 0x200
/** Highest capability bit. */
#define XEN_SYSCTL_PHYSCAP_MAX 512
/** Trace buffers: information. */
#define XEN_SYSCTL_TBUFOP_get_info 0
/** Trace buffers: set the CPU mask. */
#define XEN_SYSCTL_TBUFOP_set_cpu_mask 1
/** Trace buffers: set the event mask. */
#define XEN_SYSCTL_TBUFOP_set_evt_mask 2
/** Trace buffers: set the size. */
#define XEN_SYSCTL_TBUFOP_set_size 3
/** Trace buffers: enable. */
#define XEN_SYSCTL_TBUFOP_enable 4
/** Trace buffers: disable. */
#define XEN_SYSCTL_TBUFOP_disable 5
/** Perf counters: reset. */
#define XEN_SYSCTL_PERFCOP_reset 1
/** Perf counters: read. */
#define XEN_SYSCTL_PERFCOP_query 2
/** No socket. */
#define XEN_INVALID_SOCKET_ID 0xffffffffU
/** No node. */
#define XEN_INVALID_NODE_ID 0xffffffffU
/** No memory size. */
#define XEN_INVALID_MEM_SZ 0xffffffffU
/** No node distance. */
#define XEN_INVALID_NODE_DIST 0xffffffffU
/** Create a pool. */
#define XEN_SYSCTL_CPUPOOL_OP_CREATE 1
/** Destroy a pool. */
#define XEN_SYSCTL_CPUPOOL_OP_DESTROY 2
/** Pool information. */
#define XEN_SYSCTL_CPUPOOL_OP_INFO 3
/** Add a CPU to a pool. */
#define XEN_SYSCTL_CPUPOOL_OP_ADDCPU 4
/** Remove a CPU from a pool. */
#define XEN_SYSCTL_CPUPOOL_OP_RMCPU 5
/** Move a domain to a pool. */
#define XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN 6
/** CPUs in no pool. */
#define XEN_SYSCTL_CPUPOOL_OP_FREEINFO 7
/** Any pool id, or any CPU. */
#define XEN_SYSCTL_CPUPOOL_PAR_ANY 0xffffffffU
/** Hotplug: bring a CPU online. */
#define XEN_SYSCTL_CPU_HOTPLUG_ONLINE 0
/** Hotplug: take a CPU offline. */
#define XEN_SYSCTL_CPU_HOTPLUG_OFFLINE 1
/** Hotplug: enable SMT. */
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_ENABLE 2
/** Hotplug: disable SMT. */
#define XEN_SYSCTL_CPU_HOTPLUG_SMT_DISABLE 3
/** Page offline op: offline pages. */
#define sysctl_page_offline 1
/** Page offline op: online pages. */
#define sysctl_page_online 2
/** Page offline op: query page status. */
#define sysctl_query_page_offline 3
/** Page status: mask of the status bits. */
#define PG_OFFLINE_STATUS_MASK 0xff
/** Page status: invalid page. */
#define PG_OFFLINE_INVALID 0x1
/** Page status: offlined. */
#define PG_OFFLINE_OFFLINED 0x2
/** Page status: offline pending. */
#define PG_OFFLINE_PENDING 0x4
/** Page status: offlining failed. */
#define PG_OFFLINE_FAILED 0x8
/** Page status: try again. */
#define PG_OFFLINE_AGAIN 0x10
/** Query status: offlined. */
#define PG_OFFLINE_STATUS_OFFLINED 0x2
/** Query status: online. */
#define PG_OFFLINE_STATUS_ONLINE 0x4
/** Query status: offline pending. */
#define PG_OFFLINE_STATUS_OFFLINE_PENDING 0x8
/** Query status: broken. */
#define PG_OFFLINE_STATUS_BROKEN 0x10
/** Mask of the miscellaneous bits. */
#define PG_OFFLINE_MISC_MASK 0xff0
/** The page belongs to Xen. */
#define PG_OFFLINE_XENPAGE 0x100
/** The page belongs to dom0. */
#define PG_OFFLINE_DOM0PAGE 0x200
/** The page is anonymous. */
#define PG_OFFLINE_ANONYMOUS 0x400
/** The page is not conventional RAM. */
#define PG_OFFLINE_NOT_CONV_RAM 0x800
/** The page has an owner. */
#define PG_OFFLINE_OWNED 0x1000
/** The page is broken. */
#define PG_OFFLINE_BROKEN 0x2000
/** Shift of the owner domain in the status. */
#define PG_OFFLINE_OWNER_SHIFT 16
/** Credit: longest time slice (ms). */
#define XEN_SYSCTL_CSCHED_TSLICE_MAX 1000
/** Credit: shortest time slice (ms). */
#define XEN_SYSCTL_CSCHED_TSLICE_MIN 1
/** Credit: longest migration delay (us). */
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US 100000
/** Scheduler op: set parameters. */
#define XEN_SYSCTL_SCHEDOP_putinfo 0
/** Scheduler op: read parameters. */
#define XEN_SYSCTL_SCHEDOP_getinfo 1
/** Coverage: buffer size needed. */
#define XEN_SYSCTL_COVERAGE_get_size 0
/** Coverage: read. */
#define XEN_SYSCTL_COVERAGE_read 1
/** Coverage: reset. */
#define XEN_SYSCTL_COVERAGE_reset 2
/** Cache monitoring: number of RMIDs. */
#define XEN_SYSCTL_PSR_CMT_get_total_rmid 0
/** Cache monitoring: L3 upscaling factor. */
#define XEN_SYSCTL_PSR_CMT_get_l3_upscaling_factor 1
/** Cache monitoring: L3 size. */
#define XEN_SYSCTL_PSR_CMT_get_l3_cache_size 2
/** Cache monitoring: enabled. */
#define XEN_SYSCTL_PSR_CMT_enabled 3
/** Cache monitoring: L3 event mask. */
#define XEN_SYSCTL_PSR_CMT_get_l3_event_mask 4
/** Allocation info flag: L3 code/data prioritisation. */
#define XEN_SYSCTL_PSR_CAT_L3_CDP 0x1
/** Allocation info flag: linear MBA throttling. */
#define XEN_SYSCTL_PSR_MBA_LINEAR 0x1
/** Lock profiling: reset. */
#define XEN_SYSCTL_LOCKPROF_reset 1
/** Lock profiling: read. */
#define XEN_SYSCTL_LOCKPROF_query 2
/** Lock type: global. */
#define LOCKPROF_TYPE_GLOBAL 0
/** Lock type: per domain. */
#define LOCKPROF_TYPE_PERDOM 1
/** Number of lock types. */
#define LOCKPROF_TYPE_N 2
/** Power management: set the SMT scheduling option. */
#define XEN_SYSCTL_pm_op_set_sched_opt_smt 0x21
/** Power management: read the deepest C-state allowed. */
#define XEN_SYSCTL_pm_op_get_max_cstate 0x22
/** Power management: set the deepest C-state allowed. */
#define XEN_SYSCTL_pm_op_set_max_cstate 0x23
/** Power management: set the vCPU migration delay. */
#define XEN_SYSCTL_pm_op_set_vcpu_migration_delay 0x24
/** Power management: read the vCPU migration delay. */
#define XEN_SYSCTL_pm_op_get_vcpu_migration_delay 0x25
/** Power management: enable turbo. */
#define XEN_SYSCTL_pm_op_enable_turbo 0x26
/** Power management: disable turbo. */
#define XEN_SYSCTL_pm_op_disable_turbo 0x27
/** No limit on C-states. */
#define XEN_SYSCTL_CX_UNLIMITED 0xffffffffU
/** Largest scheduler rate limit (us). */
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX 500000
/** Smallest scheduler rate limit (us). */
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN 100
/** Allocation: L3 information. */
#define XEN_SYSCTL_PSR_get_l3_info 0
/** Allocation: L2 information. */
#define XEN_SYSCTL_PSR_get_l2_info 1
/** Allocation: memory bandwidth information. */
#define XEN_SYSCTL_PSR_get_mba_info 2
/** Live patch: upload a payload. */
#define XEN_SYSCTL_LIVEPATCH_UPLOAD 0
/** Live patch: state of a payload. */
#define XEN_SYSCTL_LIVEPATCH_GET 1
/** Live patch: list payloads. */
#define XEN_SYSCTL_LIVEPATCH_LIST 2
/** Live patch: act on a payload. */
#define XEN_SYSCTL_LIVEPATCH_ACTION 3
/** Live patch payload format version. */
#define LIVEPATCH_PAYLOAD_VERSION 2
/** Live patch state: checked. */
#define LIVEPATCH_STATE_CHECKED 1
/** Live patch state: applied. */
#define LIVEPATCH_STATE_APPLIED 2
/** Live patch action: unload. */
#define LIVEPATCH_ACTION_UNLOAD 1
/** Live patch action: revert. */
#define LIVEPATCH_ACTION_REVERT 2
/** Live patch action: apply. */
#define LIVEPATCH_ACTION_APPLY 3
/** Live patch action: replace all applied payloads. */
#define LIVEPATCH_ACTION_REPLACE 4
/** Live patch action flag: ignore dependencies. */
#define LIVEPATCH_ACTION_APPLY_NODEPS 0x1
/** Levelling by CPUID faulting. */
#define XEN_SYSCTL_CPU_LEVELCAP_faulting 0x1
/** Levelling of leaf 1 ECX. */
#define XEN_SYSCTL_CPU_LEVELCAP_ecx 0x2
/** Levelling of leaf 1 EDX. */
#define XEN_SYSCTL_CPU_LEVELCAP_edx 0x4
/** Levelling of leaf 0x80000001 ECX. */
#define XEN_SYSCTL_CPU_LEVELCAP_extd_ecx 0x8
/** Levelling of leaf 0x80000001 EDX. */
#define XEN_SYSCTL_CPU_LEVELCAP_extd_edx 0x10
/** Levelling of leaf 0xD:1 EAX. */
#define XEN_SYSCTL_CPU_LEVELCAP_xsave_eax 0x20
/** Levelling of leaf 6 ECX. */
#define XEN_SYSCTL_CPU_LEVELCAP_thermal_ecx 0x40
/** Levelling of leaf 7:0 EAX. */
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_eax 0x80
/** Levelling of leaf 7:0 EBX. */
#define XEN_SYSCTL_CPU_LEVELCAP_l7s0_ebx 0x100
/** Featureset: raw hardware. */
#define XEN_SYSCTL_cpu_featureset_raw 0
/** Featureset: the host. */
#define XEN_SYSCTL_cpu_featureset_host 1
/** Featureset: PV default. */
#define XEN_SYSCTL_cpu_featureset_pv 2
/** Featureset: HVM default. */
#define XEN_SYSCTL_cpu_featureset_hvm 3
/** Featureset: PV maximum. */
#define XEN_SYSCTL_cpu_featureset_pv_max 4
/** Featureset: HVM maximum. */
#define XEN_SYSCTL_cpu_featureset_hvm_max 5
/** Policy: raw hardware. */
#define XEN_SYSCTL_cpu_policy_raw 0
/** Policy: the host. */
#define XEN_SYSCTL_cpu_policy_host 1
/** Policy: PV maximum. */
#define XEN_SYSCTL_cpu_policy_pv_max 2
/** Policy: HVM maximum. */
#define XEN_SYSCTL_cpu_policy_hvm_max 3
/** Policy: PV default. */
#define XEN_SYSCTL_cpu_policy_pv_default 4
/** Policy: HVM default. */
#define XEN_SYSCTL_cpu_policy_hvm_default 5

/** XEN_SYSCTL_readconsole. */
struct xen_sysctl_readconsole {
    /** Clear the ring after reading. */
    uint8_t clear;
    /** Read from `index` on, not from the start. */
    uint8_t incremental;
    /** Reserved. */
    uint8_t pad0;
    /** Reserved. */
    uint8_t pad1;
    /** In: start index if incremental; out: index after the data read. */
    uint32_t index;
    /** Output buffer. */
    XEN_RS_GUEST_HANDLE(char) buffer;
    /** In: buffer size; out: bytes read. */
    uint32_t count;
    /** Padding after `count` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xen_sysctl_readconsole xen_sysctl_readconsole_t;
XEN_RS_CHECK(xen_sysctl_readconsole_size, sizeof(struct xen_sysctl_readconsole) == 24);
XEN_RS_CHECK(xen_sysctl_readconsole__clear, offsetof(struct xen_sysctl_readconsole, clear) == 0);
XEN_RS_CHECK(xen_sysctl_readconsole__incremental, offsetof(struct xen_sysctl_readconsole, incremental) == 1);
XEN_RS_CHECK(xen_sysctl_readconsole__pad0, offsetof(struct xen_sysctl_readconsole, pad0) == 2);
XEN_RS_CHECK(xen_sysctl_readconsole__pad1, offsetof(struct xen_sysctl_readconsole, pad1) == 3);
XEN_RS_CHECK(xen_sysctl_readconsole__index, offsetof(struct xen_sysctl_readconsole, index) == 4);
XEN_RS_CHECK(xen_sysctl_readconsole__buffer, offsetof(struct xen_sysctl_readconsole, buffer) == 8);
XEN_RS_CHECK(xen_sysctl_readconsole__count, offsetof(struct xen_sysctl_readconsole, count) == 16);
XEN_RS_CHECK(xen_sysctl_readconsole___pad0, offsetof(struct xen_sysctl_readconsole, _pad0) == 20);

/** XEN_SYSCTL_tbuf_op. */
struct xen_sysctl_tbuf_op {
    /** XEN_SYSCTL_TBUFOP_*. */
    uint32_t cmd;
    /** Padding before `cpu_mask` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** CPUs traced. */
    struct xenctl_bitmap cpu_mask;
    /** Events traced. */
    uint32_t evt_mask;
    /** Padding before `buffer_mfn` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
    /** Out: first frame of the buffers. */
    uint64_t buffer_mfn;
    /** Buffer size in pages. */
    uint32_t size;
    /** Padding after `size` (implicit padding in Xen's header). */
    uint8_t _pad2[4];
};
typedef struct xen_sysctl_tbuf_op xen_sysctl_tbuf_op_t;
XEN_RS_CHECK(xen_sysctl_tbuf_op_size, sizeof(struct xen_sysctl_tbuf_op) == 48);
XEN_RS_CHECK(xen_sysctl_tbuf_op__cmd, offsetof(struct xen_sysctl_tbuf_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_tbuf_op___pad0, offsetof(struct xen_sysctl_tbuf_op, _pad0) == 4);
XEN_RS_CHECK(xen_sysctl_tbuf_op__cpu_mask, offsetof(struct xen_sysctl_tbuf_op, cpu_mask) == 8);
XEN_RS_CHECK(xen_sysctl_tbuf_op__evt_mask, offsetof(struct xen_sysctl_tbuf_op, evt_mask) == 24);
XEN_RS_CHECK(xen_sysctl_tbuf_op___pad1, offsetof(struct xen_sysctl_tbuf_op, _pad1) == 28);
XEN_RS_CHECK(xen_sysctl_tbuf_op__buffer_mfn, offsetof(struct xen_sysctl_tbuf_op, buffer_mfn) == 32);
XEN_RS_CHECK(xen_sysctl_tbuf_op__size, offsetof(struct xen_sysctl_tbuf_op, size) == 40);
XEN_RS_CHECK(xen_sysctl_tbuf_op___pad2, offsetof(struct xen_sysctl_tbuf_op, _pad2) == 44);

/** XEN_SYSCTL_physinfo. */
struct xen_sysctl_physinfo {
    /** Threads per core. */
    uint32_t threads_per_core;
    /** Cores per socket. */
    uint32_t cores_per_socket;
    /** CPUs online. */
    uint32_t nr_cpus;
    /** Highest possible CPU id. */
    uint32_t max_cpu_id;
    /** NUMA nodes online. */
    uint32_t nr_nodes;
    /** Highest possible node id. */
    uint32_t max_node_id;
    /** CPU frequency in kHz. */
    uint32_t cpu_khz;
    /** XEN_SYSCTL_PHYSCAP_* flags. */
    uint32_t capabilities;
    /** Architecture-specific capabilities. */
    uint32_t arch_capabilities;
    /** Reserved. */
    uint32_t pad;
    /** Pages of RAM. */
    uint64_t total_pages;
    /** Free pages (claims not subtracted). */
    uint64_t free_pages;
    /** Pages waiting to be scrubbed. */
    uint64_t scrub_pages;
    /** Pages claimed by domains and not yet allocated. */
    uint64_t outstanding_pages;
    /** Highest possible machine frame. */
    uint64_t max_mfn;
    /** CPU feature words. */
    uint32_t hw_cap[8];
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;
XEN_RS_CHECK(xen_sysctl_physinfo_size, sizeof(struct xen_sysctl_physinfo) == 112);
XEN_RS_CHECK(xen_sysctl_physinfo__threads_per_core, offsetof(struct xen_sysctl_physinfo, threads_per_core) == 0);
XEN_RS_CHECK(xen_sysctl_physinfo__cores_per_socket, offsetof(struct xen_sysctl_physinfo, cores_per_socket) == 4);
XEN_RS_CHECK(xen_sysctl_physinfo__nr_cpus, offsetof(struct xen_sysctl_physinfo, nr_cpus) == 8);
XEN_RS_CHECK(xen_sysctl_physinfo__max_cpu_id, offsetof(struct xen_sysctl_physinfo, max_cpu_id) == 12);
XEN_RS_CHECK(xen_sysctl_physinfo__nr_nodes, offsetof(struct xen_sysctl_physinfo, nr_nodes) == 16);
XEN_RS_CHECK(xen_sysctl_physinfo__max_node_id, offsetof(struct xen_sysctl_physinfo, max_node_id) == 20);
XEN_RS_CHECK(xen_sysctl_physinfo__cpu_khz, offsetof(struct xen_sysctl_physinfo, cpu_khz) == 24);
XEN_RS_CHECK(xen_sysctl_physinfo__capabilities, offsetof(struct xen_sysctl_physinfo, capabilities) == 28);
XEN_RS_CHECK(xen_sysctl_physinfo__arch_capabilities, offsetof(struct xen_sysctl_physinfo, arch_capabilities) == 32);
XEN_RS_CHECK(xen_sysctl_physinfo__pad, offsetof(struct xen_sysctl_physinfo, pad) == 36);
XEN_RS_CHECK(xen_sysctl_physinfo__total_pages, offsetof(struct xen_sysctl_physinfo, total_pages) == 40);
XEN_RS_CHECK(xen_sysctl_physinfo__free_pages, offsetof(struct xen_sysctl_physinfo, free_pages) == 48);
XEN_RS_CHECK(xen_sysctl_physinfo__scrub_pages, offsetof(struct xen_sysctl_physinfo, scrub_pages) == 56);
XEN_RS_CHECK(xen_sysctl_physinfo__outstanding_pages, offsetof(struct xen_sysctl_physinfo, outstanding_pages) == 64);
XEN_RS_CHECK(xen_sysctl_physinfo__max_mfn, offsetof(struct xen_sysctl_physinfo, max_mfn) == 72);
XEN_RS_CHECK(xen_sysctl_physinfo__hw_cap, offsetof(struct xen_sysctl_physinfo, hw_cap) == 80);

/** XEN_SYSCTL_sched_id. */
struct xen_sysctl_sched_id {
    /** Out: XEN_SCHEDULER_*. */
    uint32_t sched_id;
};
typedef struct xen_sysctl_sched_id xen_sysctl_sched_id_t;
XEN_RS_CHECK(xen_sysctl_sched_id_size, sizeof(struct xen_sysctl_sched_id) == 4);
XEN_RS_CHECK(xen_sysctl_sched_id__sched_id, offsetof(struct xen_sysctl_sched_id, sched_id) == 0);

/** Description of one performance counter. */
struct xen_sysctl_perfc_desc {
    /** Name. */
    char name[80];
    /** Number of values. */
    uint32_t nr_vals;
};
typedef struct xen_sysctl_perfc_desc xen_sysctl_perfc_desc_t;
XEN_RS_CHECK(xen_sysctl_perfc_desc_size, sizeof(struct xen_sysctl_perfc_desc) == 84);
XEN_RS_CHECK(xen_sysctl_perfc_desc__name, offsetof(struct xen_sysctl_perfc_desc, name) == 0);
XEN_RS_CHECK(xen_sysctl_perfc_desc__nr_vals, offsetof(struct xen_sysctl_perfc_desc, nr_vals) == 80);

/** XEN_SYSCTL_perfc_op. */
struct xen_sysctl_perfc_op {
    /** XEN_SYSCTL_PERFCOP_*. */
    uint32_t cmd;
    /** Out: number of counters. */
    uint32_t nr_counters;
    /** Out: number of values. */
    uint32_t nr_vals;
    /** Padding before `desc` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Counter descriptions, or NULL. */
    XEN_RS_GUEST_HANDLE(struct xen_sysctl_perfc_desc) desc;
    /** Counter values, or NULL. */
    XEN_RS_GUEST_HANDLE(uint32_t) val;
};
typedef struct xen_sysctl_perfc_op xen_sysctl_perfc_op_t;
XEN_RS_CHECK(xen_sysctl_perfc_op_size, sizeof(struct xen_sysctl_perfc_op) == 32);
XEN_RS_CHECK(xen_sysctl_perfc_op__cmd, offsetof(struct xen_sysctl_perfc_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_perfc_op__nr_counters, offsetof(struct xen_sysctl_perfc_op, nr_counters) == 4);
XEN_RS_CHECK(xen_sysctl_perfc_op__nr_vals, offsetof(struct xen_sysctl_perfc_op, nr_vals) == 8);
XEN_RS_CHECK(xen_sysctl_perfc_op___pad0, offsetof(struct xen_sysctl_perfc_op, _pad0) == 12);
XEN_RS_CHECK(xen_sysctl_perfc_op__desc, offsetof(struct xen_sysctl_perfc_op, desc) == 16);
XEN_RS_CHECK(xen_sysctl_perfc_op__val, offsetof(struct xen_sysctl_perfc_op, val) == 24);

/** XEN_SYSCTL_getdomaininfolist. */
struct xen_sysctl_getdomaininfolist {
    /** First domain to report. */
    domid_t first_domain;
    /** Padding before `max_domains` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Buffer entries. */
    uint32_t max_domains;
    /** Output entries. */
    XEN_RS_GUEST_HANDLE(struct xen_domctl_getdomaininfo) buffer;
    /** Out: entries written. */
    uint32_t num_domains;
    /** Padding after `num_domains` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xen_sysctl_getdomaininfolist xen_sysctl_getdomaininfolist_t;
XEN_RS_CHECK(xen_sysctl_getdomaininfolist_size, sizeof(struct xen_sysctl_getdomaininfolist) == 24);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist__first_domain, offsetof(struct xen_sysctl_getdomaininfolist, first_domain) == 0);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist___pad0, offsetof(struct xen_sysctl_getdomaininfolist, _pad0) == 2);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist__max_domains, offsetof(struct xen_sysctl_getdomaininfolist, max_domains) == 4);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist__buffer, offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist__num_domains, offsetof(struct xen_sysctl_getdomaininfolist, num_domains) == 16);
XEN_RS_CHECK(xen_sysctl_getdomaininfolist___pad1, offsetof(struct xen_sysctl_getdomaininfolist, _pad1) == 20);

/** XEN_SYSCTL_debug_keys. */
struct xen_sysctl_debug_keys {
    /** Keys. */
    XEN_RS_GUEST_HANDLE(char) keys;
    /** Number of keys. */
    uint32_t nr_keys;
    /** Padding after `nr_keys` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xen_sysctl_debug_keys xen_sysctl_debug_keys_t;
XEN_RS_CHECK(xen_sysctl_debug_keys_size, sizeof(struct xen_sysctl_debug_keys) == 16);
XEN_RS_CHECK(xen_sysctl_debug_keys__keys, offsetof(struct xen_sysctl_debug_keys, keys) == 0);
XEN_RS_CHECK(xen_sysctl_debug_keys__nr_keys, offsetof(struct xen_sysctl_debug_keys, nr_keys) == 8);
XEN_RS_CHECK(xen_sysctl_debug_keys___pad0, offsetof(struct xen_sysctl_debug_keys, _pad0) == 12);

/** Per-CPU entry of XEN_SYSCTL_getcpuinfo. */
struct xen_sysctl_cpuinfo {
    /** Idle time in ns. */
    uint64_t idletime;
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
XEN_RS_CHECK(xen_sysctl_cpuinfo_size, sizeof(struct xen_sysctl_cpuinfo) == 8);
XEN_RS_CHECK(xen_sysctl_cpuinfo__idletime, offsetof(struct xen_sysctl_cpuinfo, idletime) == 0);

/** XEN_SYSCTL_getcpuinfo. */
struct xen_sysctl_getcpuinfo {
    /** Buffer entries. */
    uint32_t max_cpus;
    /** Padding before `info` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Output entries. */
    XEN_RS_GUEST_HANDLE(struct xen_sysctl_cpuinfo) info;
    /** Out: entries written. */
    uint32_t nr_cpus;
    /** Padding after `nr_cpus` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xen_sysctl_getcpuinfo xen_sysctl_getcpuinfo_t;
XEN_RS_CHECK(xen_sysctl_getcpuinfo_size, sizeof(struct xen_sysctl_getcpuinfo) == 24);
XEN_RS_CHECK(xen_sysctl_getcpuinfo__max_cpus, offsetof(struct xen_sysctl_getcpuinfo, max_cpus) == 0);
XEN_RS_CHECK(xen_sysctl_getcpuinfo___pad0, offsetof(struct xen_sysctl_getcpuinfo, _pad0) == 4);
XEN_RS_CHECK(xen_sysctl_getcpuinfo__info, offsetof(struct xen_sysctl_getcpuinfo, info) == 8);
XEN_RS_CHECK(xen_sysctl_getcpuinfo__nr_cpus, offsetof(struct xen_sysctl_getcpuinfo, nr_cpus) == 16);
XEN_RS_CHECK(xen_sysctl_getcpuinfo___pad1, offsetof(struct xen_sysctl_getcpuinfo, _pad1) == 20);

/** XEN_SYSCTL_availheap. */
struct xen_sysctl_availheap {
    /** Smallest address width (0: any). */
    uint32_t min_bitwidth;
    /** Largest address width (0: any). */
    uint32_t max_bitwidth;
    /** NUMA node, -1 for all. */
    int32_t node;
    /** Padding before `avail_bytes` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: free bytes. */
    uint64_t avail_bytes;
};
typedef struct xen_sysctl_availheap xen_sysctl_availheap_t;
XEN_RS_CHECK(xen_sysctl_availheap_size, sizeof(struct xen_sysctl_availheap) == 24);
XEN_RS_CHECK(xen_sysctl_availheap__min_bitwidth, offsetof(struct xen_sysctl_availheap, min_bitwidth) == 0);
XEN_RS_CHECK(xen_sysctl_availheap__max_bitwidth, offsetof(struct xen_sysctl_availheap, max_bitwidth) == 4);
XEN_RS_CHECK(xen_sysctl_availheap__node, offsetof(struct xen_sysctl_availheap, node) == 8);
XEN_RS_CHECK(xen_sysctl_availheap___pad0, offsetof(struct xen_sysctl_availheap, _pad0) == 12);
XEN_RS_CHECK(xen_sysctl_availheap__avail_bytes, offsetof(struct xen_sysctl_availheap, avail_bytes) == 16);

/** Topology of one CPU. */
struct xen_sysctl_cputopo {
    /** Core id. */
    uint32_t core;
    /** Socket id. */
    uint32_t socket;
    /** Node id. */
    uint32_t node;
};
typedef struct xen_sysctl_cputopo xen_sysctl_cputopo_t;
XEN_RS_CHECK(xen_sysctl_cputopo_size, sizeof(struct xen_sysctl_cputopo) == 12);
XEN_RS_CHECK(xen_sysctl_cputopo__core, offsetof(struct xen_sysctl_cputopo, core) == 0);
XEN_RS_CHECK(xen_sysctl_cputopo__socket, offsetof(struct xen_sysctl_cputopo, socket) == 4);
XEN_RS_CHECK(xen_sysctl_cputopo__node, offsetof(struct xen_sysctl_cputopo, node) == 8);

/** XEN_SYSCTL_cputopoinfo. */
struct xen_sysctl_cputopoinfo {
    /** In: buffer entries; out: CPUs. */
    uint32_t num_cpus;
    /** Padding before `cputopo` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Output entries. */
    XEN_RS_GUEST_HANDLE(struct xen_sysctl_cputopo) cputopo;
};
typedef struct xen_sysctl_cputopoinfo xen_sysctl_cputopoinfo_t;
XEN_RS_CHECK(xen_sysctl_cputopoinfo_size, sizeof(struct xen_sysctl_cputopoinfo) == 16);
XEN_RS_CHECK(xen_sysctl_cputopoinfo__num_cpus, offsetof(struct xen_sysctl_cputopoinfo, num_cpus) == 0);
XEN_RS_CHECK(xen_sysctl_cputopoinfo___pad0, offsetof(struct xen_sysctl_cputopoinfo, _pad0) == 4);
XEN_RS_CHECK(xen_sysctl_cputopoinfo__cputopo, offsetof(struct xen_sysctl_cputopoinfo, cputopo) == 8);

/** Memory of one NUMA node. */
struct xen_sysctl_meminfo {
    /** Size in bytes. */
    uint64_t memsize;
    /** Free bytes. */
    uint64_t memfree;
};
typedef struct xen_sysctl_meminfo xen_sysctl_meminfo_t;
XEN_RS_CHECK(xen_sysctl_meminfo_size, sizeof(struct xen_sysctl_meminfo) == 16);
XEN_RS_CHECK(xen_sysctl_meminfo__memsize, offsetof(struct xen_sysctl_meminfo, memsize) == 0);
XEN_RS_CHECK(xen_sysctl_meminfo__memfree, offsetof(struct xen_sysctl_meminfo, memfree) == 8);

/** XEN_SYSCTL_numainfo. */
struct xen_sysctl_numainfo {
    /** In: buffer entries; out: nodes. */
    uint32_t num_nodes;
    /** Padding before `meminfo` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Per-node memory. */
    XEN_RS_GUEST_HANDLE(struct xen_sysctl_meminfo) meminfo;
    /** Node distance matrix. */
    XEN_RS_GUEST_HANDLE(uint32_t) distance;
};
typedef struct xen_sysctl_numainfo xen_sysctl_numainfo_t;
XEN_RS_CHECK(xen_sysctl_numainfo_size, sizeof(struct xen_sysctl_numainfo) == 24);
XEN_RS_CHECK(xen_sysctl_numainfo__num_nodes, offsetof(struct xen_sysctl_numainfo, num_nodes) == 0);
XEN_RS_CHECK(xen_sysctl_numainfo___pad0, offsetof(struct xen_sysctl_numainfo, _pad0) == 4);
XEN_RS_CHECK(xen_sysctl_numainfo__meminfo, offsetof(struct xen_sysctl_numainfo, meminfo) == 8);
XEN_RS_CHECK(xen_sysctl_numainfo__distance, offsetof(struct xen_sysctl_numainfo, distance) == 16);

/** XEN_SYSCTL_cpupool_op. */
struct xen_sysctl_cpupool_op {
    /** XEN_SYSCTL_CPUPOOL_OP_*. */
    uint32_t op;
    /** Pool id. */
    uint32_t cpupool_id;
    /** Scheduler id. */
    uint32_t sched_id;
    /** Domain to move. */
    uint32_t domid;
    /** CPU to add or remove. */
    uint32_t cpu;
    /** Out: domains in the pool. */
    uint32_t n_dom;
    /** Out: CPUs of the pool. */
    struct xenctl_bitmap cpumap;
};
typedef struct xen_sysctl_cpupool_op xen_sysctl_cpupool_op_t;
XEN_RS_CHECK(xen_sysctl_cpupool_op_size, sizeof(struct xen_sysctl_cpupool_op) == 40);
XEN_RS_CHECK(xen_sysctl_cpupool_op__op, offsetof(struct xen_sysctl_cpupool_op, op) == 0);
XEN_RS_CHECK(xen_sysctl_cpupool_op__cpupool_id, offsetof(struct xen_sysctl_cpupool_op, cpupool_id) == 4);
XEN_RS_CHECK(xen_sysctl_cpupool_op__sched_id, offsetof(struct xen_sysctl_cpupool_op, sched_id) == 8);
XEN_RS_CHECK(xen_sysctl_cpupool_op__domid, offsetof(struct xen_sysctl_cpupool_op, domid) == 12);
XEN_RS_CHECK(xen_sysctl_cpupool_op__cpu, offsetof(struct xen_sysctl_cpupool_op, cpu) == 16);
XEN_RS_CHECK(xen_sysctl_cpupool_op__n_dom, offsetof(struct xen_sysctl_cpupool_op, n_dom) == 20);
XEN_RS_CHECK(xen_sysctl_cpupool_op__cpumap, offsetof(struct xen_sysctl_cpupool_op, cpumap) == 24);

/** XEN_SYSCTL_get_cpu_levelling_caps. */
struct xen_sysctl_cpu_levelling_caps {
    /** Out: XEN_SYSCTL_CPU_LEVELCAP_* flags. */
    uint32_t caps;
};
typedef struct xen_sysctl_cpu_levelling_caps xen_sysctl_cpu_levelling_caps_t;
XEN_RS_CHECK(xen_sysctl_cpu_levelling_caps_size, sizeof(struct xen_sysctl_cpu_levelling_caps) == 4);
XEN_RS_CHECK(xen_sysctl_cpu_levelling_caps__caps, offsetof(struct xen_sysctl_cpu_levelling_caps, caps) == 0);

/** XEN_SYSCTL_cpu_hotplug. */
struct xen_sysctl_cpu_hotplug {
    /** Physical CPU. */
    uint32_t cpu;
    /** XEN_SYSCTL_CPU_HOTPLUG_*. */
    uint32_t op;
};
typedef struct xen_sysctl_cpu_hotplug xen_sysctl_cpu_hotplug_t;
XEN_RS_CHECK(xen_sysctl_cpu_hotplug_size, sizeof(struct xen_sysctl_cpu_hotplug) == 8);
XEN_RS_CHECK(xen_sysctl_cpu_hotplug__cpu, offsetof(struct xen_sysctl_cpu_hotplug, cpu) == 0);
XEN_RS_CHECK(xen_sysctl_cpu_hotplug__op, offsetof(struct xen_sysctl_cpu_hotplug, op) == 4);

/** XEN_SYSCTL_page_offline_op. */
struct xen_sysctl_page_offline_op {
    /** sysctl_page_offline, sysctl_page_online or sysctl_query_page_offline. */
    uint32_t cmd;
    /** First machine frame. */
    uint32_t start;
    /** Last machine frame. */
    uint32_t end;
    /** Padding before `status` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: per-page PG_OFFLINE_* status. */
    XEN_RS_GUEST_HANDLE(uint32_t) status;
};
typedef struct xen_sysctl_page_offline_op xen_sysctl_page_offline_op_t;
XEN_RS_CHECK(xen_sysctl_page_offline_op_size, sizeof(struct xen_sysctl_page_offline_op) == 24);
XEN_RS_CHECK(xen_sysctl_page_offline_op__cmd, offsetof(struct xen_sysctl_page_offline_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_page_offline_op__start, offsetof(struct xen_sysctl_page_offline_op, start) == 4);
XEN_RS_CHECK(xen_sysctl_page_offline_op__end, offsetof(struct xen_sysctl_page_offline_op, end) == 8);
XEN_RS_CHECK(xen_sysctl_page_offline_op___pad0, offsetof(struct xen_sysctl_page_offline_op, _pad0) == 12);
XEN_RS_CHECK(xen_sysctl_page_offline_op__status, offsetof(struct xen_sysctl_page_offline_op, status) == 16);

/** Credit scheduler parameters. */
struct xen_sysctl_credit_schedule {
    /** Time slice in ms. */
    uint32_t tslice_ms;
    /** Rate limit in us. */
    uint32_t ratelimit_us;
    /** Migration delay in us. */
    uint32_t vcpu_migr_delay_us;
};
typedef struct xen_sysctl_credit_schedule xen_sysctl_credit_schedule_t;
XEN_RS_CHECK(xen_sysctl_credit_schedule_size, sizeof(struct xen_sysctl_credit_schedule) == 12);
XEN_RS_CHECK(xen_sysctl_credit_schedule__tslice_ms, offsetof(struct xen_sysctl_credit_schedule, tslice_ms) == 0);
XEN_RS_CHECK(xen_sysctl_credit_schedule__ratelimit_us, offsetof(struct xen_sysctl_credit_schedule, ratelimit_us) == 4);
XEN_RS_CHECK(xen_sysctl_credit_schedule__vcpu_migr_delay_us, offsetof(struct xen_sysctl_credit_schedule, vcpu_migr_delay_us) == 8);

/** Credit2 scheduler parameters. */
struct xen_sysctl_credit2_schedule {
    /** Rate limit in us. */
    uint32_t ratelimit_us;
};
typedef struct xen_sysctl_credit2_schedule xen_sysctl_credit2_schedule_t;
XEN_RS_CHECK(xen_sysctl_credit2_schedule_size, sizeof(struct xen_sysctl_credit2_schedule) == 4);
XEN_RS_CHECK(xen_sysctl_credit2_schedule__ratelimit_us, offsetof(struct xen_sysctl_credit2_schedule, ratelimit_us) == 0);

/** XEN_SYSCTL_scheduler_op. */
struct xen_sysctl_scheduler_op {
    /** CPU pool. */
    uint32_t cpupool_id;
    /** XEN_SCHEDULER_*. */
    uint32_t sched_id;
    /** XEN_SYSCTL_SCHEDOP_*. */
    uint32_t cmd;
    /** Padding before `u` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Scheduler parameters (C: a union). */
    uint64_t u[2];
};
typedef struct xen_sysctl_scheduler_op xen_sysctl_scheduler_op_t;
XEN_RS_CHECK(xen_sysctl_scheduler_op_size, sizeof(struct xen_sysctl_scheduler_op) == 32);
XEN_RS_CHECK(xen_sysctl_scheduler_op__cpupool_id, offsetof(struct xen_sysctl_scheduler_op, cpupool_id) == 0);
XEN_RS_CHECK(xen_sysctl_scheduler_op__sched_id, offsetof(struct xen_sysctl_scheduler_op, sched_id) == 4);
XEN_RS_CHECK(xen_sysctl_scheduler_op__cmd, offsetof(struct xen_sysctl_scheduler_op, cmd) == 8);
XEN_RS_CHECK(xen_sysctl_scheduler_op___pad0, offsetof(struct xen_sysctl_scheduler_op, _pad0) == 12);
XEN_RS_CHECK(xen_sysctl_scheduler_op__u, offsetof(struct xen_sysctl_scheduler_op, u) == 16);

/** XEN_SYSCTL_pcitopoinfo. */
struct xen_sysctl_pcitopoinfo {
    /** In: devices; out: devices processed. */
    uint32_t num_devs;
    /** Padding before `devs` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Devices queried. */
    XEN_RS_GUEST_HANDLE(struct physdev_pci_device) devs;
    /** Out: node of each device. */
    XEN_RS_GUEST_HANDLE(uint32_t) nodes;
};
typedef struct xen_sysctl_pcitopoinfo xen_sysctl_pcitopoinfo_t;
XEN_RS_CHECK(xen_sysctl_pcitopoinfo_size, sizeof(struct xen_sysctl_pcitopoinfo) == 24);
XEN_RS_CHECK(xen_sysctl_pcitopoinfo__num_devs, offsetof(struct xen_sysctl_pcitopoinfo, num_devs) == 0);
XEN_RS_CHECK(xen_sysctl_pcitopoinfo___pad0, offsetof(struct xen_sysctl_pcitopoinfo, _pad0) == 4);
XEN_RS_CHECK(xen_sysctl_pcitopoinfo__devs, offsetof(struct xen_sysctl_pcitopoinfo, devs) == 8);
XEN_RS_CHECK(xen_sysctl_pcitopoinfo__nodes, offsetof(struct xen_sysctl_pcitopoinfo, nodes) == 16);

/** XEN_SYSCTL_get_cpu_featureset. */
struct xen_sysctl_cpu_featureset {
    /** XEN_SYSCTL_cpu_featureset_*. */
    uint32_t index;
    /** In: buffer words; out: words written. */
    uint32_t nr_features;
    /** Out: the featureset. */
    XEN_RS_GUEST_HANDLE(uint32_t) features;
};
typedef struct xen_sysctl_cpu_featureset xen_sysctl_cpu_featureset_t;
XEN_RS_CHECK(xen_sysctl_cpu_featureset_size, sizeof(struct xen_sysctl_cpu_featureset) == 16);
XEN_RS_CHECK(xen_sysctl_cpu_featureset__index, offsetof(struct xen_sysctl_cpu_featureset, index) == 0);
XEN_RS_CHECK(xen_sysctl_cpu_featureset__nr_features, offsetof(struct xen_sysctl_cpu_featureset, nr_features) == 4);
XEN_RS_CHECK(xen_sysctl_cpu_featureset__features, offsetof(struct xen_sysctl_cpu_featureset, features) == 8);

/** XEN_SYSCTL_get_cpu_policy. */
struct xen_sysctl_cpu_policy {
    /** XEN_SYSCTL_cpu_policy_*. */
    uint32_t index;
    /** In: buffer leaves; out: leaves written. */
    uint32_t nr_leaves;
    /** In: buffer MSRs; out: MSRs written. */
    uint32_t nr_msrs;
    /** Must be zero. */
    uint32_t _rsvd;
    /** Out: CPUID leaves. */
    XEN_RS_GUEST_HANDLE(struct xen_cpuid_leaf) leaves;
    /** Out: MSRs. */
    XEN_RS_GUEST_HANDLE(struct xen_msr_entry) msrs;
};
typedef struct xen_sysctl_cpu_policy xen_sysctl_cpu_policy_t;
XEN_RS_CHECK(xen_sysctl_cpu_policy_size, sizeof(struct xen_sysctl_cpu_policy) == 32);
XEN_RS_CHECK(xen_sysctl_cpu_policy__index, offsetof(struct xen_sysctl_cpu_policy, index) == 0);
XEN_RS_CHECK(xen_sysctl_cpu_policy__nr_leaves, offsetof(struct xen_sysctl_cpu_policy, nr_leaves) == 4);
XEN_RS_CHECK(xen_sysctl_cpu_policy__nr_msrs, offsetof(struct xen_sysctl_cpu_policy, nr_msrs) == 8);
XEN_RS_CHECK(xen_sysctl_cpu_policy___rsvd, offsetof(struct xen_sysctl_cpu_policy, _rsvd) == 12);
XEN_RS_CHECK(xen_sysctl_cpu_policy__leaves, offsetof(struct xen_sysctl_cpu_policy, leaves) == 16);
XEN_RS_CHECK(xen_sysctl_cpu_policy__msrs, offsetof(struct xen_sysctl_cpu_policy, msrs) == 24);

/** XEN_SYSCTL_psr_cmt_op. */
struct xen_sysctl_psr_cmt_op {
    /** XEN_SYSCTL_PSR_CMT_*. */
    uint32_t cmd;
    /** Reserved. */
    uint32_t flags;
    /** Out: data, or in: the L3 cache's CPU (C: a union). */
    uint64_t u;
};
typedef struct xen_sysctl_psr_cmt_op xen_sysctl_psr_cmt_op_t;
XEN_RS_CHECK(xen_sysctl_psr_cmt_op_size, sizeof(struct xen_sysctl_psr_cmt_op) == 16);
XEN_RS_CHECK(xen_sysctl_psr_cmt_op__cmd, offsetof(struct xen_sysctl_psr_cmt_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_psr_cmt_op__flags, offsetof(struct xen_sysctl_psr_cmt_op, flags) == 4);
XEN_RS_CHECK(xen_sysctl_psr_cmt_op__u, offsetof(struct xen_sysctl_psr_cmt_op, u) == 8);

/** XEN_SYSCTL_psr_alloc. */
struct xen_sysctl_psr_alloc {
    /** Command. */
    uint32_t cmd;
    /** Socket. */
    uint32_t target;
    /** Out: CAT or MBA information (C: a union). */
    uint32_t u[3];
};
typedef struct xen_sysctl_psr_alloc xen_sysctl_psr_alloc_t;
XEN_RS_CHECK(xen_sysctl_psr_alloc_size, sizeof(struct xen_sysctl_psr_alloc) == 20);
XEN_RS_CHECK(xen_sysctl_psr_alloc__cmd, offsetof(struct xen_sysctl_psr_alloc, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_psr_alloc__target, offsetof(struct xen_sysctl_psr_alloc, target) == 4);
XEN_RS_CHECK(xen_sysctl_psr_alloc__u, offsetof(struct xen_sysctl_psr_alloc, u) == 8);

/** XEN_SYSCTL_coverage_op. */
struct xen_sysctl_coverage_op {
    /** XEN_SYSCTL_COVERAGE_*. */
    uint32_t cmd;
    /** In: buffer size; out: bytes used. */
    uint32_t size;
    /** Out: coverage data. */
    XEN_RS_GUEST_HANDLE(char) buffer;
};
typedef struct xen_sysctl_coverage_op xen_sysctl_coverage_op_t;
XEN_RS_CHECK(xen_sysctl_coverage_op_size, sizeof(struct xen_sysctl_coverage_op) == 16);
XEN_RS_CHECK(xen_sysctl_coverage_op__cmd, offsetof(struct xen_sysctl_coverage_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_coverage_op__size, offsetof(struct xen_sysctl_coverage_op, size) == 4);
XEN_RS_CHECK(xen_sysctl_coverage_op__buffer, offsetof(struct xen_sysctl_coverage_op, buffer) == 8);

/** One lock of XEN_SYSCTL_lockprof_op. */
struct xen_sysctl_lockprof_data {
    /** Lock name. */
    char name[40];
    /** LOCKPROF_TYPE_*. */
    int32_t type;
    /** Index (such as a domain id). */
    int32_t idx;
    /** Successful acquisitions. */
    uint64_t lock_cnt;
    /** Contended acquisitions. */
    uint64_t block_cnt;
    /** Time held in ns. */
    uint64_t lock_time;
    /** Time waited in ns. */
    uint64_t block_time;
};
typedef struct xen_sysctl_lockprof_data xen_sysctl_lockprof_data_t;
XEN_RS_CHECK(xen_sysctl_lockprof_data_size, sizeof(struct xen_sysctl_lockprof_data) == 80);
XEN_RS_CHECK(xen_sysctl_lockprof_data__name, offsetof(struct xen_sysctl_lockprof_data, name) == 0);
XEN_RS_CHECK(xen_sysctl_lockprof_data__type, offsetof(struct xen_sysctl_lockprof_data, type) == 40);
XEN_RS_CHECK(xen_sysctl_lockprof_data__idx, offsetof(struct xen_sysctl_lockprof_data, idx) == 44);
XEN_RS_CHECK(xen_sysctl_lockprof_data__lock_cnt, offsetof(struct xen_sysctl_lockprof_data, lock_cnt) == 48);
XEN_RS_CHECK(xen_sysctl_lockprof_data__block_cnt, offsetof(struct xen_sysctl_lockprof_data, block_cnt) == 56);
XEN_RS_CHECK(xen_sysctl_lockprof_data__lock_time, offsetof(struct xen_sysctl_lockprof_data, lock_time) == 64);
XEN_RS_CHECK(xen_sysctl_lockprof_data__block_time, offsetof(struct xen_sysctl_lockprof_data, block_time) == 72);

/** XEN_SYSCTL_lockprof_op. */
struct xen_sysctl_lockprof_op {
    /** XEN_SYSCTL_LOCKPROF_*. */
    uint32_t cmd;
    /** Buffer entries. */
    uint32_t max_elem;
    /** Out: locks available. */
    uint32_t nr_elem;
    /** Padding before `time` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: profiling time in ns. */
    uint64_t time;
    /** Out: the locks. */
    XEN_RS_GUEST_HANDLE(struct xen_sysctl_lockprof_data) data;
};
typedef struct xen_sysctl_lockprof_op xen_sysctl_lockprof_op_t;
XEN_RS_CHECK(xen_sysctl_lockprof_op_size, sizeof(struct xen_sysctl_lockprof_op) == 32);
XEN_RS_CHECK(xen_sysctl_lockprof_op__cmd, offsetof(struct xen_sysctl_lockprof_op, cmd) == 0);
XEN_RS_CHECK(xen_sysctl_lockprof_op__max_elem, offsetof(struct xen_sysctl_lockprof_op, max_elem) == 4);
XEN_RS_CHECK(xen_sysctl_lockprof_op__nr_elem, offsetof(struct xen_sysctl_lockprof_op, nr_elem) == 8);
XEN_RS_CHECK(xen_sysctl_lockprof_op___pad0, offsetof(struct xen_sysctl_lockprof_op, _pad0) == 12);
XEN_RS_CHECK(xen_sysctl_lockprof_op__time, offsetof(struct xen_sysctl_lockprof_op, time) == 16);
XEN_RS_CHECK(xen_sysctl_lockprof_op__data, offsetof(struct xen_sysctl_lockprof_op, data) == 24);

/** A system control call: `cmd` selects the member of `u`. */
struct xen_sysctl {
    /** XEN_SYSCTL_* command. */
    uint32_t cmd;
    /** XEN_SYSCTL_INTERFACE_VERSION. */
    uint32_t interface_version;
    /** The command's struct (C: a union padded to 128 bytes). */
    uint64_t u[16];
};
typedef struct xen_sysctl xen_sysctl_t;
XEN_RS_CHECK(xen_sysctl_size, sizeof(struct xen_sysctl) == 136);
XEN_RS_CHECK(xen_sysctl__cmd, offsetof(struct xen_sysctl, cmd) == 0);
XEN_RS_CHECK(xen_sysctl__interface_version, offsetof(struct xen_sysctl, interface_version) == 4);
XEN_RS_CHECK(xen_sysctl__u, offsetof(struct xen_sysctl, u) == 8);

#endif /* XEN_RS_SYSCTL_H */
