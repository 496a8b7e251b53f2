//! System control for the toolstack (public/sysctl.h, interface version 0x15):
//! `__HYPERVISOR_sysctl`.
//!
//! Every call passes a xen_sysctl whose `interface_version` must be
//! XEN_SYSCTL_INTERFACE_VERSION (else -EACCES) and whose `cmd` selects the member of `u`.

use crate::abi::{GuestHandle, Payload};
use crate::domctl::xen_domctl_getdomaininfo;
use crate::xen::{domid_t, xenctl_bitmap};

crate::xen_consts! {
    header "sysctl.h";
    /// Version of this interface; a mismatch fails with -EACCES.
    pub const XEN_SYSCTL_INTERFACE_VERSION: u32 = 0x0000_0015;
    // Commands.
    /// Read the hypervisor console ring.
    pub const XEN_SYSCTL_readconsole: u32 = 1;
    /// Trace buffer control.
    pub const XEN_SYSCTL_tbuf_op: u32 = 2;
    /// Host information: CPUs, memory, free and claimed pages.
    pub const XEN_SYSCTL_physinfo: u32 = 3;
    /// Id of the default scheduler.
    pub const XEN_SYSCTL_sched_id: u32 = 4;
    /// Performance counters.
    pub const XEN_SYSCTL_perfc_op: u32 = 5;
    /// Information about a range of domains.
    pub const XEN_SYSCTL_getdomaininfolist: u32 = 6;
    /// Inject debug keys.
    pub const XEN_SYSCTL_debug_keys: u32 = 7;
    /// Per-CPU idle time.
    pub const XEN_SYSCTL_getcpuinfo: u32 = 8;
    /// Free heap memory in an address range or node.
    pub const XEN_SYSCTL_availheap: u32 = 9;
    /// Power-management statistics.
    pub const XEN_SYSCTL_get_pmstat: u32 = 10;
    /// Bring CPUs on or offline.
    pub const XEN_SYSCTL_cpu_hotplug: u32 = 11;
    /// Power-management control.
    pub const XEN_SYSCTL_pm_op: u32 = 12;
    /// Offline or online memory pages.
    pub const XEN_SYSCTL_page_offline_op: u32 = 14;
    /// Lock profiling.
    pub const XEN_SYSCTL_lockprof_op: u32 = 15;
    /// CPU topology.
    pub const XEN_SYSCTL_cputopoinfo: u32 = 16;
    /// NUMA topology.
    pub const XEN_SYSCTL_numainfo: u32 = 17;
    /// CPU pool management.
    pub const XEN_SYSCTL_cpupool_op: u32 = 18;
    /// Scheduler-wide parameters.
    pub const XEN_SYSCTL_scheduler_op: u32 = 19;
    /// Code coverage.
    pub const XEN_SYSCTL_coverage_op: u32 = 20;
    /// Cache monitoring.
    pub const XEN_SYSCTL_psr_cmt_op: u32 = 21;
    /// PCI device topology.
    pub const XEN_SYSCTL_pcitopoinfo: u32 = 22;
    /// Cache and bandwidth allocation.
    pub const XEN_SYSCTL_psr_alloc: u32 = 23;
    /// CPUID levelling capabilities.
    pub const XEN_SYSCTL_get_cpu_levelling_caps: u32 = 25;
    /// CPU featuresets.
    pub const XEN_SYSCTL_get_cpu_featureset: u32 = 26;
    /// Live patching.
    pub const XEN_SYSCTL_livepatch_op: u32 = 27;
    /// CPUID and MSR policies of the host.
    pub const XEN_SYSCTL_get_cpu_policy: u32 = 29;
    // physinfo capabilities.
    /// Bit number of `XEN_SYSCTL_PHYSCAP_hvm`.
    pub const _XEN_SYSCTL_PHYSCAP_hvm: u32 = 0;
    /// HVM guests are supported.
    pub const XEN_SYSCTL_PHYSCAP_hvm: u32 = 1 << _XEN_SYSCTL_PHYSCAP_hvm;
    /// Bit number of `XEN_SYSCTL_PHYSCAP_pv`.
    pub const _XEN_SYSCTL_PHYSCAP_pv: u32 = 1;
    /// PV guests are supported.
    pub const XEN_SYSCTL_PHYSCAP_pv: u32 = 1 << _XEN_SYSCTL_PHYSCAP_pv;
    /// Bit number of `XEN_SYSCTL_PHYSCAP_directio`.
    pub const _XEN_SYSCTL_PHYSCAP_directio: u32 = 2;
    /// Device pass-through is supported.
    pub const XEN_SYSCTL_PHYSCAP_directio: u32 = 1 << _XEN_SYSCTL_PHYSCAP_directio;
    /// Bit number of `XEN_SYSCTL_PHYSCAP_hap`.
    pub const _XEN_SYSCTL_PHYSCAP_hap: u32 = 3;
    /// Hardware-assisted paging is available.
    pub const XEN_SYSCTL_PHYSCAP_hap: u32 = 1 << _XEN_SYSCTL_PHYSCAP_hap;
    /// Bit number of `XEN_SYSCTL_PHYSCAP_shadow`.
    pub const _XEN_SYSCTL_PHYSCAP_shadow: u32 = 4;
    /// Shadow paging is available.
    pub const XEN_SYSCTL_PHYSCAP_shadow: u32 = 1 << _XEN_SYSCTL_PHYSCAP_shadow;
    /// Bit number of `XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share`.
    pub const _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share: u32 = 5;
    /// The IOMMU can share the p2m.
    pub const XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share: u32 =
        1 << _XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share;
    /// Processor trace is available.
    pub const XEN_SYSCTL_PHYSCAP_vmtrace: u32 = 1 << 6;
    /// A virtual PMU is available.
    pub const XEN_SYSCTL_PHYSCAP_vpmu: u32 = 1 << 7;
    /// Grant table v1 is available.
    pub const XEN_SYSCTL_PHYSCAP_gnttab_v1: u32 = 1 << 8;
    /// Grant table v2 is available.
    pub const XEN_SYSCTL_PHYSCAP_gnttab_v2: u32 = 1 << 9;
    /// Highest capability bit.
    pub const XEN_SYSCTL_PHYSCAP_MAX: u32 = XEN_SYSCTL_PHYSCAP_gnttab_v2;
    // Trace buffers, perf counters.
    /// Trace buffers: information.
    pub const XEN_SYSCTL_TBUFOP_get_info: u32 = 0;
    /// Trace buffers: set the CPU mask.
    pub const XEN_SYSCTL_TBUFOP_set_cpu_mask: u32 = 1;
    /// Trace buffers: set the event mask.
    pub const XEN_SYSCTL_TBUFOP_set_evt_mask: u32 = 2;
    /// Trace buffers: set the size.
    pub const XEN_SYSCTL_TBUFOP_set_size: u32 = 3;
    /// Trace buffers: enable.
    pub const XEN_SYSCTL_TBUFOP_enable: u32 = 4;
    /// Trace buffers: disable.
    pub const XEN_SYSCTL_TBUFOP_disable: u32 = 5;
    /// Perf counters: reset.
    pub const XEN_SYSCTL_PERFCOP_reset: u32 = 1;
    /// Perf counters: read.
    pub const XEN_SYSCTL_PERFCOP_query: u32 = 2;
    // Topology.
    /// No socket.
    pub const XEN_INVALID_SOCKET_ID: u32 = !0;
    /// No node.
    pub const XEN_INVALID_NODE_ID: u32 = !0;
    /// No memory size.
    pub const XEN_INVALID_MEM_SZ: u32 = !0;
    /// No node distance.
    pub const XEN_INVALID_NODE_DIST: u32 = !0;
    // CPU pools.
    /// Create a pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_CREATE: u32 = 1;
    /// Destroy a pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_DESTROY: u32 = 2;
    /// Pool information.
    pub const XEN_SYSCTL_CPUPOOL_OP_INFO: u32 = 3;
    /// Add a CPU to a pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_ADDCPU: u32 = 4;
    /// Remove a CPU from a pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_RMCPU: u32 = 5;
    /// Move a domain to a pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN: u32 = 6;
    /// CPUs in no pool.
    pub const XEN_SYSCTL_CPUPOOL_OP_FREEINFO: u32 = 7;
    /// Any pool id, or any CPU.
    pub const XEN_SYSCTL_CPUPOOL_PAR_ANY: u32 = 0xFFFF_FFFF;
    // CPU hotplug, page offlining, schedulers, PSR, coverage, lock profiling.
    /// Hotplug: bring a CPU online.
    pub const XEN_SYSCTL_CPU_HOTPLUG_ONLINE: u32 = 0;
    /// Hotplug: take a CPU offline.
    pub const XEN_SYSCTL_CPU_HOTPLUG_OFFLINE: u32 = 1;
    /// Hotplug: enable SMT.
    pub const XEN_SYSCTL_CPU_HOTPLUG_SMT_ENABLE: u32 = 2;
    /// Hotplug: disable SMT.
    pub const XEN_SYSCTL_CPU_HOTPLUG_SMT_DISABLE: u32 = 3;
    /// Page offline op: offline pages.
    pub const sysctl_page_offline: u32 = 1;
    /// Page offline op: online pages.
    pub const sysctl_page_online: u32 = 2;
    /// Page offline op: query page status.
    pub const sysctl_query_page_offline: u32 = 3;
    /// Page status: mask of the status bits.
    pub const PG_OFFLINE_STATUS_MASK: u64 = 0xFF;
    /// Page status: invalid page.
    pub const PG_OFFLINE_INVALID: u64 = 0x1 << 0;
    /// Page status: offlined.
    pub const PG_OFFLINE_OFFLINED: u64 = 0x1 << 1;
    /// Page status: offline pending.
    pub const PG_OFFLINE_PENDING: u64 = 0x1 << 2;
    /// Page status: offlining failed.
    pub const PG_OFFLINE_FAILED: u64 = 0x1 << 3;
    /// Page status: try again.
    pub const PG_OFFLINE_AGAIN: u64 = 0x1 << 4;
    /// Query status: offlined.
    pub const PG_OFFLINE_STATUS_OFFLINED: u64 = 0x1 << 1;
    /// Query status: online.
    pub const PG_OFFLINE_STATUS_ONLINE: u64 = 0x1 << 2;
    /// Query status: offline pending.
    pub const PG_OFFLINE_STATUS_OFFLINE_PENDING: u64 = 0x1 << 3;
    /// Query status: broken.
    pub const PG_OFFLINE_STATUS_BROKEN: u64 = 0x1 << 4;
    /// Mask of the miscellaneous bits.
    pub const PG_OFFLINE_MISC_MASK: u64 = 0xFF << 4;
    /// The page belongs to Xen.
    pub const PG_OFFLINE_XENPAGE: u64 = 0x1 << 8;
    /// The page belongs to dom0.
    pub const PG_OFFLINE_DOM0PAGE: u64 = 0x1 << 9;
    /// The page is anonymous.
    pub const PG_OFFLINE_ANONYMOUS: u64 = 0x1 << 10;
    /// The page is not conventional RAM.
    pub const PG_OFFLINE_NOT_CONV_RAM: u64 = 0x1 << 11;
    /// The page has an owner.
    pub const PG_OFFLINE_OWNED: u64 = 0x1 << 12;
    /// The page is broken.
    pub const PG_OFFLINE_BROKEN: u64 = 0x1 << 13;
    /// Shift of the owner domain in the status.
    pub const PG_OFFLINE_OWNER_SHIFT: u32 = 16;
    /// Credit: longest time slice (ms).
    pub const XEN_SYSCTL_CSCHED_TSLICE_MAX: u32 = 1000;
    /// Credit: shortest time slice (ms).
    pub const XEN_SYSCTL_CSCHED_TSLICE_MIN: u32 = 1;
    /// Credit: longest migration delay (us).
    pub const XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US: u32 = 100 * 1000;
    /// Scheduler op: set parameters.
    pub const XEN_SYSCTL_SCHEDOP_putinfo: u32 = 0;
    /// Scheduler op: read parameters.
    pub const XEN_SYSCTL_SCHEDOP_getinfo: u32 = 1;
    /// Coverage: buffer size needed.
    pub const XEN_SYSCTL_COVERAGE_get_size: u32 = 0;
    /// Coverage: read.
    pub const XEN_SYSCTL_COVERAGE_read: u32 = 1;
    /// Coverage: reset.
    pub const XEN_SYSCTL_COVERAGE_reset: u32 = 2;
    /// Cache monitoring: number of RMIDs.
    pub const XEN_SYSCTL_PSR_CMT_get_total_rmid: u32 = 0;
    /// Cache monitoring: L3 upscaling factor.
    pub const XEN_SYSCTL_PSR_CMT_get_l3_upscaling_factor: u32 = 1;
    /// Cache monitoring: L3 size.
    pub const XEN_SYSCTL_PSR_CMT_get_l3_cache_size: u32 = 2;
    /// Cache monitoring: enabled.
    pub const XEN_SYSCTL_PSR_CMT_enabled: u32 = 3;
    /// Cache monitoring: L3 event mask.
    pub const XEN_SYSCTL_PSR_CMT_get_l3_event_mask: u32 = 4;
    /// Allocation info flag: L3 code/data prioritisation.
    pub const XEN_SYSCTL_PSR_CAT_L3_CDP: u32 = 1 << 0;
    /// Allocation info flag: linear MBA throttling.
    pub const XEN_SYSCTL_PSR_MBA_LINEAR: u32 = 1 << 0;
    /// Lock profiling: reset.
    pub const XEN_SYSCTL_LOCKPROF_reset: u32 = 1;
    /// Lock profiling: read.
    pub const XEN_SYSCTL_LOCKPROF_query: u32 = 2;
    /// Lock type: global.
    pub const LOCKPROF_TYPE_GLOBAL: u32 = 0;
    /// Lock type: per domain.
    pub const LOCKPROF_TYPE_PERDOM: u32 = 1;
    /// Number of lock types.
    pub const LOCKPROF_TYPE_N: u32 = 2;
    /// Power management: set the SMT scheduling option.
    pub const XEN_SYSCTL_pm_op_set_sched_opt_smt: u32 = 0x21;
    /// Power management: read the deepest C-state allowed.
    pub const XEN_SYSCTL_pm_op_get_max_cstate: u32 = 0x22;
    /// Power management: set the deepest C-state allowed.
    pub const XEN_SYSCTL_pm_op_set_max_cstate: u32 = 0x23;
    /// Power management: set the vCPU migration delay.
    pub const XEN_SYSCTL_pm_op_set_vcpu_migration_delay: u32 = 0x24;
    /// Power management: read the vCPU migration delay.
    pub const XEN_SYSCTL_pm_op_get_vcpu_migration_delay: u32 = 0x25;
    /// Power management: enable turbo.
    pub const XEN_SYSCTL_pm_op_enable_turbo: u32 = 0x26;
    /// Power management: disable turbo.
    pub const XEN_SYSCTL_pm_op_disable_turbo: u32 = 0x27;
    /// No limit on C-states.
    pub const XEN_SYSCTL_CX_UNLIMITED: u32 = 0xffff_ffff;
    /// Largest scheduler rate limit (us).
    pub const XEN_SYSCTL_SCHED_RATELIMIT_MAX: u32 = 500_000;
    /// Smallest scheduler rate limit (us).
    pub const XEN_SYSCTL_SCHED_RATELIMIT_MIN: u32 = 100;
    /// Allocation: L3 information.
    pub const XEN_SYSCTL_PSR_get_l3_info: u32 = 0;
    /// Allocation: L2 information.
    pub const XEN_SYSCTL_PSR_get_l2_info: u32 = 1;
    /// Allocation: memory bandwidth information.
    pub const XEN_SYSCTL_PSR_get_mba_info: u32 = 2;
    /// Live patch: upload a payload.
    pub const XEN_SYSCTL_LIVEPATCH_UPLOAD: u32 = 0;
    /// Live patch: state of a payload.
    pub const XEN_SYSCTL_LIVEPATCH_GET: u32 = 1;
    /// Live patch: list payloads.
    pub const XEN_SYSCTL_LIVEPATCH_LIST: u32 = 2;
    /// Live patch: act on a payload.
    pub const XEN_SYSCTL_LIVEPATCH_ACTION: u32 = 3;
    /// Live patch payload format version.
    pub const LIVEPATCH_PAYLOAD_VERSION: u32 = 2;
    /// Live patch state: checked.
    pub const LIVEPATCH_STATE_CHECKED: u32 = 1;
    /// Live patch state: applied.
    pub const LIVEPATCH_STATE_APPLIED: u32 = 2;
    /// Live patch action: unload.
    pub const LIVEPATCH_ACTION_UNLOAD: u32 = 1;
    /// Live patch action: revert.
    pub const LIVEPATCH_ACTION_REVERT: u32 = 2;
    /// Live patch action: apply.
    pub const LIVEPATCH_ACTION_APPLY: u32 = 3;
    /// Live patch action: replace all applied payloads.
    pub const LIVEPATCH_ACTION_REPLACE: u32 = 4;
    /// Live patch action flag: ignore dependencies.
    pub const LIVEPATCH_ACTION_APPLY_NODEPS: u32 = 1 << 0;
    // CPUID levelling, featuresets, policies.
    /// Levelling by CPUID faulting.
    pub const XEN_SYSCTL_CPU_LEVELCAP_faulting: u64 = 1 << 0;
    /// Levelling of leaf 1 ECX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_ecx: u64 = 1 << 1;
    /// Levelling of leaf 1 EDX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_edx: u64 = 1 << 2;
    /// Levelling of leaf 0x80000001 ECX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_extd_ecx: u64 = 1 << 3;
    /// Levelling of leaf 0x80000001 EDX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_extd_edx: u64 = 1 << 4;
    /// Levelling of leaf 0xD:1 EAX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_xsave_eax: u64 = 1 << 5;
    /// Levelling of leaf 6 ECX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_thermal_ecx: u64 = 1 << 6;
    /// Levelling of leaf 7:0 EAX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_l7s0_eax: u64 = 1 << 7;
    /// Levelling of leaf 7:0 EBX.
    pub const XEN_SYSCTL_CPU_LEVELCAP_l7s0_ebx: u64 = 1 << 8;
    /// Featureset: raw hardware.
    pub const XEN_SYSCTL_cpu_featureset_raw: u32 = 0;
    /// Featureset: the host.
    pub const XEN_SYSCTL_cpu_featureset_host: u32 = 1;
    /// Featureset: PV default.
    pub const XEN_SYSCTL_cpu_featureset_pv: u32 = 2;
    /// Featureset: HVM default.
    pub const XEN_SYSCTL_cpu_featureset_hvm: u32 = 3;
    /// Featureset: PV maximum.
    pub const XEN_SYSCTL_cpu_featureset_pv_max: u32 = 4;
    /// Featureset: HVM maximum.
    pub const XEN_SYSCTL_cpu_featureset_hvm_max: u32 = 5;
    /// Policy: raw hardware.
    pub const XEN_SYSCTL_cpu_policy_raw: u32 = 0;
    /// Policy: the host.
    pub const XEN_SYSCTL_cpu_policy_host: u32 = 1;
    /// Policy: PV maximum.
    pub const XEN_SYSCTL_cpu_policy_pv_max: u32 = 2;
    /// Policy: HVM maximum.
    pub const XEN_SYSCTL_cpu_policy_hvm_max: u32 = 3;
    /// Policy: PV default.
    pub const XEN_SYSCTL_cpu_policy_pv_default: u32 = 4;
    /// Policy: HVM default.
    pub const XEN_SYSCTL_cpu_policy_hvm_default: u32 = 5;
}

crate::xen_structs! {
    header "sysctl.h";

    /// XEN_SYSCTL_readconsole.
    pub struct xen_sysctl_readconsole: size 24, align 8 {
        /// Clear the ring after reading.
        pub clear: u8 => 0,
        /// Read from `index` on, not from the start.
        pub incremental: u8 => 1,
        /// Reserved.
        pub pad0: u8 => 2,
        /// Reserved.
        pub pad1: u8 => 3,
        /// In: start index if incremental; out: index after the data read.
        pub index: u32 => 4,
        /// Output buffer.
        pub buffer: GuestHandle<u8> as "char" => 8,
        /// In: buffer size; out: bytes read.
        pub count: u32 => 16,
        /// Padding after `count`.
        pad _pad0: [u8; 4] => 20,
    }

    /// XEN_SYSCTL_tbuf_op.
    pub struct xen_sysctl_tbuf_op: size 48, align 8 {
        /// XEN_SYSCTL_TBUFOP_*.
        pub cmd: u32 => 0,
        /// Padding before `cpu_mask`.
        pad _pad0: [u8; 4] => 4,
        /// CPUs traced.
        pub cpu_mask: xenctl_bitmap => 8,
        /// Events traced.
        pub evt_mask: u32 => 24,
        /// Padding before `buffer_mfn`.
        pad _pad1: [u8; 4] => 28,
        /// Out: first frame of the buffers.
        pub buffer_mfn: u64 => 32,
        /// Buffer size in pages.
        pub size: u32 => 40,
        /// Padding after `size`.
        pad _pad2: [u8; 4] => 44,
    }

    /// XEN_SYSCTL_physinfo.
    pub struct xen_sysctl_physinfo: size 112, align 8 {
        /// Threads per core.
        pub threads_per_core: u32 => 0,
        /// Cores per socket.
        pub cores_per_socket: u32 => 4,
        /// CPUs online.
        pub nr_cpus: u32 => 8,
        /// Highest possible CPU id.
        pub max_cpu_id: u32 => 12,
        /// NUMA nodes online.
        pub nr_nodes: u32 => 16,
        /// Highest possible node id.
        pub max_node_id: u32 => 20,
        /// CPU frequency in kHz.
        pub cpu_khz: u32 => 24,
        /// XEN_SYSCTL_PHYSCAP_* flags.
        pub capabilities: u32 => 28,
        /// Architecture-specific capabilities.
        pub arch_capabilities: u32 => 32,
        /// Reserved.
        pub pad: u32 => 36,
        /// Pages of RAM.
        pub total_pages: u64 => 40,
        /// Free pages (claims not subtracted).
        pub free_pages: u64 => 48,
        /// Pages waiting to be scrubbed.
        pub scrub_pages: u64 => 56,
        /// Pages claimed by domains and not yet allocated.
        pub outstanding_pages: u64 => 64,
        /// Highest possible machine frame.
        pub max_mfn: u64 => 72,
        /// CPU feature words.
        pub hw_cap: [u32; 8] => 80,
    }

    /// XEN_SYSCTL_sched_id.
    pub struct xen_sysctl_sched_id: size 4, align 4 {
        /// Out: XEN_SCHEDULER_*.
        pub sched_id: u32 => 0,
    }

    /// Description of one performance counter.
    pub struct xen_sysctl_perfc_desc: size 84, align 4 {
        /// Name.
        pub name: [u8; 80] as "char" => 0,
        /// Number of values.
        pub nr_vals: u32 => 80,
    }

    /// XEN_SYSCTL_perfc_op.
    pub struct xen_sysctl_perfc_op: size 32, align 8 {
        /// XEN_SYSCTL_PERFCOP_*.
        pub cmd: u32 => 0,
        /// Out: number of counters.
        pub nr_counters: u32 => 4,
        /// Out: number of values.
        pub nr_vals: u32 => 8,
        /// Padding before `desc`.
        pad _pad0: [u8; 4] => 12,
        /// Counter descriptions, or NULL.
        pub desc: GuestHandle<xen_sysctl_perfc_desc> => 16,
        /// Counter values, or NULL.
        pub val: GuestHandle<u32> => 24,
    }

    /// XEN_SYSCTL_getdomaininfolist.
    pub struct xen_sysctl_getdomaininfolist: size 24, align 8 {
        /// First domain to report.
        pub first_domain: domid_t as "domid_t" => 0,
        /// Padding before `max_domains`.
        pad _pad0: [u8; 2] => 2,
        /// Buffer entries.
        pub max_domains: u32 => 4,
        /// Output entries.
        pub buffer: GuestHandle<xen_domctl_getdomaininfo> => 8,
        /// Out: entries written.
        pub num_domains: u32 => 16,
        /// Padding after `num_domains`.
        pad _pad1: [u8; 4] => 20,
    }

    /// XEN_SYSCTL_debug_keys.
    pub struct xen_sysctl_debug_keys: size 16, align 8 {
        /// Keys.
        pub keys: GuestHandle<u8> as "char" => 0,
        /// Number of keys.
        pub nr_keys: u32 => 8,
        /// Padding after `nr_keys`.
        pad _pad0: [u8; 4] => 12,
    }

    /// Per-CPU entry of XEN_SYSCTL_getcpuinfo.
    pub struct xen_sysctl_cpuinfo: size 8, align 8 {
        /// Idle time in ns.
        pub idletime: u64 => 0,
    }

    /// XEN_SYSCTL_getcpuinfo.
    pub struct xen_sysctl_getcpuinfo: size 24, align 8 {
        /// Buffer entries.
        pub max_cpus: u32 => 0,
        /// Padding before `info`.
        pad _pad0: [u8; 4] => 4,
        /// Output entries.
        pub info: GuestHandle<xen_sysctl_cpuinfo> => 8,
        /// Out: entries written.
        pub nr_cpus: u32 => 16,
        /// Padding after `nr_cpus`.
        pad _pad1: [u8; 4] => 20,
    }

    /// XEN_SYSCTL_availheap.
    pub struct xen_sysctl_availheap: size 24, align 8 {
        /// Smallest address width (0: any).
        pub min_bitwidth: u32 => 0,
        /// Largest address width (0: any).
        pub max_bitwidth: u32 => 4,
        /// NUMA node, -1 for all.
        pub node: i32 => 8,
        /// Padding before `avail_bytes`.
        pad _pad0: [u8; 4] => 12,
        /// Out: free bytes.
        pub avail_bytes: u64 => 16,
    }

    /// Topology of one CPU.
    pub struct xen_sysctl_cputopo: size 12, align 4 {
        /// Core id.
        pub core: u32 => 0,
        /// Socket id.
        pub socket: u32 => 4,
        /// Node id.
        pub node: u32 => 8,
    }

    /// XEN_SYSCTL_cputopoinfo.
    pub struct xen_sysctl_cputopoinfo: size 16, align 8 {
        /// In: buffer entries; out: CPUs.
        pub num_cpus: u32 => 0,
        /// Padding before `cputopo`.
        pad _pad0: [u8; 4] => 4,
        /// Output entries.
        pub cputopo: GuestHandle<xen_sysctl_cputopo> => 8,
    }

    /// Memory of one NUMA node.
    pub struct xen_sysctl_meminfo: size 16, align 8 {
        /// Size in bytes.
        pub memsize: u64 => 0,
        /// Free bytes.
        pub memfree: u64 => 8,
    }

    /// XEN_SYSCTL_numainfo.
    pub struct xen_sysctl_numainfo: size 24, align 8 {
        /// In: buffer entries; out: nodes.
        pub num_nodes: u32 => 0,
        /// Padding before `meminfo`.
        pad _pad0: [u8; 4] => 4,
        /// Per-node memory.
        pub meminfo: GuestHandle<xen_sysctl_meminfo> => 8,
        /// Node distance matrix.
        pub distance: GuestHandle<u32> => 16,
    }

    /// XEN_SYSCTL_cpupool_op.
    pub struct xen_sysctl_cpupool_op: size 40, align 8 {
        /// XEN_SYSCTL_CPUPOOL_OP_*.
        pub op: u32 => 0,
        /// Pool id.
        pub cpupool_id: u32 => 4,
        /// Scheduler id.
        pub sched_id: u32 => 8,
        /// Domain to move.
        pub domid: u32 => 12,
        /// CPU to add or remove.
        pub cpu: u32 => 16,
        /// Out: domains in the pool.
        pub n_dom: u32 => 20,
        /// Out: CPUs of the pool.
        pub cpumap: xenctl_bitmap => 24,
    }

    /// XEN_SYSCTL_get_cpu_levelling_caps.
    pub struct xen_sysctl_cpu_levelling_caps: size 4, align 4 {
        /// Out: XEN_SYSCTL_CPU_LEVELCAP_* flags.
        pub caps: u32 => 0,
    }

    /// XEN_SYSCTL_cpu_hotplug.
    pub struct xen_sysctl_cpu_hotplug: size 8, align 4 {
        /// Physical CPU.
        pub cpu: u32 => 0,
        /// XEN_SYSCTL_CPU_HOTPLUG_*.
        pub op: u32 => 4,
    }

    /// XEN_SYSCTL_page_offline_op.
    pub struct xen_sysctl_page_offline_op: size 24, align 8 {
        /// sysctl_page_offline, sysctl_page_online or sysctl_query_page_offline.
        pub cmd: u32 => 0,
        /// First machine frame.
        pub start: u32 => 4,
        /// Last machine frame.
        pub end: u32 => 8,
        /// Padding before `status`.
        pad _pad0: [u8; 4] => 12,
        /// Out: per-page PG_OFFLINE_* status.
        pub status: GuestHandle<u32> => 16,
    }

    /// Credit scheduler parameters.
    pub struct xen_sysctl_credit_schedule: size 12, align 4 {
        /// Time slice in ms.
        pub tslice_ms: u32 => 0,
        /// Rate limit in us.
        pub ratelimit_us: u32 => 4,
        /// Migration delay in us.
        pub vcpu_migr_delay_us: u32 => 8,
    }

    /// Credit2 scheduler parameters.
    pub struct xen_sysctl_credit2_schedule: size 4, align 4 {
        /// Rate limit in us.
        pub ratelimit_us: u32 => 0,
    }

    /// XEN_SYSCTL_scheduler_op.
    pub struct xen_sysctl_scheduler_op: size 32, align 8 {
        /// CPU pool.
        pub cpupool_id: u32 => 0,
        /// XEN_SCHEDULER_*.
        pub sched_id: u32 => 4,
        /// XEN_SYSCTL_SCHEDOP_*.
        pub cmd: u32 => 8,
        /// Padding before `u`.
        pad _pad0: [u8; 4] => 12,
        /// Scheduler parameters (C: a union).
        pub u: [u64; 2] => 16,
    }

    /// XEN_SYSCTL_pcitopoinfo.
    pub struct xen_sysctl_pcitopoinfo: size 24, align 8 {
        /// In: devices; out: devices processed.
        pub num_devs: u32 => 0,
        /// Padding before `devs`.
        pad _pad0: [u8; 4] => 4,
        /// Devices queried.
        pub devs: GuestHandle<crate::physdev::physdev_pci_device> => 8,
        /// Out: node of each device.
        pub nodes: GuestHandle<u32> => 16,
    }

    /// XEN_SYSCTL_get_cpu_featureset.
    pub struct xen_sysctl_cpu_featureset: size 16, align 8 {
        /// XEN_SYSCTL_cpu_featureset_*.
        pub index: u32 => 0,
        /// In: buffer words; out: words written.
        pub nr_features: u32 => 4,
        /// Out: the featureset.
        pub features: GuestHandle<u32> => 8,
    }

    /// XEN_SYSCTL_get_cpu_policy.
    pub struct xen_sysctl_cpu_policy: size 32, align 8 {
        /// XEN_SYSCTL_cpu_policy_*.
        pub index: u32 => 0,
        /// In: buffer leaves; out: leaves written.
        pub nr_leaves: u32 => 4,
        /// In: buffer MSRs; out: MSRs written.
        pub nr_msrs: u32 => 8,
        /// Must be zero.
        pub _rsvd: u32 => 12,
        /// Out: CPUID leaves.
        pub leaves: GuestHandle<crate::arch_x86::xen::xen_cpuid_leaf> => 16,
        /// Out: MSRs.
        pub msrs: GuestHandle<crate::arch_x86::xen::xen_msr_entry> => 24,
    }

    /// XEN_SYSCTL_psr_cmt_op.
    pub struct xen_sysctl_psr_cmt_op: size 16, align 8 {
        /// XEN_SYSCTL_PSR_CMT_*.
        pub cmd: u32 => 0,
        /// Reserved.
        pub flags: u32 => 4,
        /// Out: data, or in: the L3 cache's CPU (C: a union).
        pub u: u64 => 8,
    }

    /// XEN_SYSCTL_psr_alloc.
    pub struct xen_sysctl_psr_alloc: size 20, align 4 {
        /// Command.
        pub cmd: u32 => 0,
        /// Socket.
        pub target: u32 => 4,
        /// Out: CAT or MBA information (C: a union).
        pub u: [u32; 3] => 8,
    }

    /// XEN_SYSCTL_coverage_op.
    pub struct xen_sysctl_coverage_op: size 16, align 8 {
        /// XEN_SYSCTL_COVERAGE_*.
        pub cmd: u32 => 0,
        /// In: buffer size; out: bytes used.
        pub size: u32 => 4,
        /// Out: coverage data.
        pub buffer: GuestHandle<u8> as "char" => 8,
    }

    /// One lock of XEN_SYSCTL_lockprof_op.
    pub struct xen_sysctl_lockprof_data: size 80, align 8 {
        /// Lock name.
        pub name: [u8; 40] as "char" => 0,
        /// LOCKPROF_TYPE_*.
        pub r#type: i32 => 40,
        /// Index (such as a domain id).
        pub idx: i32 => 44,
        /// Successful acquisitions.
        pub lock_cnt: u64 => 48,
        /// Contended acquisitions.
        pub block_cnt: u64 => 56,
        /// Time held in ns.
        pub lock_time: u64 => 64,
        /// Time waited in ns.
        pub block_time: u64 => 72,
    }

    /// XEN_SYSCTL_lockprof_op.
    pub struct xen_sysctl_lockprof_op: size 32, align 8 {
        /// XEN_SYSCTL_LOCKPROF_*.
        pub cmd: u32 => 0,
        /// Buffer entries.
        pub max_elem: u32 => 4,
        /// Out: locks available.
        pub nr_elem: u32 => 8,
        /// Padding before `time`.
        pad _pad0: [u8; 4] => 12,
        /// Out: profiling time in ns.
        pub time: u64 => 16,
        /// Out: the locks.
        pub data: GuestHandle<xen_sysctl_lockprof_data> => 24,
    }

    /// A system control call: `cmd` selects the member of `u`.
    pub struct xen_sysctl: size 136, align 8 {
        /// XEN_SYSCTL_* command.
        pub cmd: u32 => 0,
        /// XEN_SYSCTL_INTERFACE_VERSION.
        pub interface_version: u32 => 4,
        /// The command's struct (C: a union padded to 128 bytes).
        pub u: [u64; 16] => 8,
    }
}

impl xen_sysctl {
    /// A zeroed call of `cmd` at this interface version.
    pub fn new(cmd: u32) -> Self {
        Self {
            cmd,
            interface_version: XEN_SYSCTL_INTERFACE_VERSION,
            ..Self::default()
        }
    }
}

impl Payload for xen_sysctl {
    fn payload_bytes(&self) -> &[u8] {
        zerocopy::IntoBytes::as_bytes(&self.u)
    }
    fn payload_bytes_mut(&mut self) -> &mut [u8] {
        zerocopy::IntoBytes::as_mut_bytes(&mut self.u)
    }
}

/// Every member of the union must fit in it.
const _: () = {
    use core::mem::size_of;
    let u = size_of::<[u64; 16]>();
    assert!(size_of::<xen_sysctl_physinfo>() <= u);
    assert!(size_of::<xen_sysctl_tbuf_op>() <= u);
    assert!(size_of::<xen_sysctl_cpupool_op>() <= u);
};
