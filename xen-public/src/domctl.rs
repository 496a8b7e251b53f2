//! Domain control for the toolstack (public/domctl.h, interface version 0x15):
//! `__HYPERVISOR_domctl`.
//!
//! Every call passes a xen_domctl whose `interface_version` must be
//! XEN_DOMCTL_INTERFACE_VERSION (else -EACCES) and whose `cmd` selects the member of `u`.

use crate::abi::{GuestHandle, Payload};
use crate::arch_x86::xen::{
    vcpu_guest_context, xen_arch_domainconfig, xen_cpuid_leaf, xen_msr_entry,
};
use crate::xen::{domid_t, xen_domain_handle_t, xen_pfn_t, xenctl_bitmap};

crate::xen_consts! {
    header "domctl.h";
    /// Version of this interface; a mismatch fails with -EACCES.
    pub const XEN_DOMCTL_INTERFACE_VERSION: u32 = 0x0000_0015;
    // Commands.
    /// Create a domain (the new id is returned in `domain`).
    pub const XEN_DOMCTL_createdomain: u32 = 1;
    /// Destroy a domain (preemptible).
    pub const XEN_DOMCTL_destroydomain: u32 = 2;
    /// Pause a domain.
    pub const XEN_DOMCTL_pausedomain: u32 = 3;
    /// Unpause a domain.
    pub const XEN_DOMCTL_unpausedomain: u32 = 4;
    /// Information about one domain.
    pub const XEN_DOMCTL_getdomaininfo: u32 = 5;
    /// Set a vCPU's CPU affinity.
    pub const XEN_DOMCTL_setvcpuaffinity: u32 = 9;
    /// Shadow / paging-mode and log-dirty control.
    pub const XEN_DOMCTL_shadow_op: u32 = 10;
    /// Set a domain's memory limit.
    pub const XEN_DOMCTL_max_mem: u32 = 11;
    /// Set a vCPU's register state.
    pub const XEN_DOMCTL_setvcpucontext: u32 = 12;
    /// Read a vCPU's register state.
    pub const XEN_DOMCTL_getvcpucontext: u32 = 13;
    /// Runtime information about a vCPU.
    pub const XEN_DOMCTL_getvcpuinfo: u32 = 14;
    /// Set the number of vCPUs.
    pub const XEN_DOMCTL_max_vcpus: u32 = 15;
    /// Per-domain scheduler parameters.
    pub const XEN_DOMCTL_scheduler_op: u32 = 16;
    /// Set a domain's handle (UUID).
    pub const XEN_DOMCTL_setdomainhandle: u32 = 17;
    /// Enable or disable debugging of a domain.
    pub const XEN_DOMCTL_setdebugging: u32 = 18;
    /// Grant or revoke access to a physical IRQ.
    pub const XEN_DOMCTL_irq_permission: u32 = 19;
    /// Grant or revoke access to machine frames.
    pub const XEN_DOMCTL_iomem_permission: u32 = 20;
    /// Grant or revoke access to I/O ports.
    pub const XEN_DOMCTL_ioport_permission: u32 = 21;
    /// Write the hypercall page into a guest frame.
    pub const XEN_DOMCTL_hypercall_init: u32 = 22;
    /// Set a domain's wallclock offset.
    pub const XEN_DOMCTL_settimeoffset: u32 = 24;
    /// Read a vCPU's CPU affinity.
    pub const XEN_DOMCTL_getvcpuaffinity: u32 = 25;
    /// Obsolete (PowerPC).
    pub const XEN_DOMCTL_real_mode_area: u32 = 26;
    /// Resume a suspended domain.
    pub const XEN_DOMCTL_resumedomain: u32 = 27;
    /// Send a trigger (NMI, reset, power button...) to a domain.
    pub const XEN_DOMCTL_sendtrigger: u32 = 28;
    /// Port notified of a domain's state changes.
    pub const XEN_DOMCTL_subscribe: u32 = 29;
    /// Save a domain's HVM state.
    pub const XEN_DOMCTL_gethvmcontext: u32 = 33;
    /// Restore a domain's HVM state.
    pub const XEN_DOMCTL_sethvmcontext: u32 = 34;
    /// Set a PV domain's address size.
    pub const XEN_DOMCTL_set_address_size: u32 = 35;
    /// Read a PV domain's address size.
    pub const XEN_DOMCTL_get_address_size: u32 = 36;
    /// Pass a device through to a domain.
    pub const XEN_DOMCTL_assign_device: u32 = 37;
    /// Bind a passed-through device's IRQ.
    pub const XEN_DOMCTL_bind_pt_irq: u32 = 38;
    /// Map or unmap machine frames into a domain's p2m.
    pub const XEN_DOMCTL_memory_mapping: u32 = 39;
    /// Map or unmap I/O ports of a domain.
    pub const XEN_DOMCTL_ioport_mapping: u32 = 40;
    /// Set extended vCPU state.
    pub const XEN_DOMCTL_set_ext_vcpucontext: u32 = 42;
    /// Read extended vCPU state.
    pub const XEN_DOMCTL_get_ext_vcpucontext: u32 = 43;
    /// Obsolete (IA64).
    pub const XEN_DOMCTL_set_opt_feature: u32 = 44;
    /// Whether a device can be assigned.
    pub const XEN_DOMCTL_test_assign_device: u32 = 45;
    /// Make a domain the device-model target of another.
    pub const XEN_DOMCTL_set_target: u32 = 46;
    /// Take a passed-through device back.
    pub const XEN_DOMCTL_deassign_device: u32 = 47;
    /// Unbind a passed-through device's IRQ.
    pub const XEN_DOMCTL_unbind_pt_irq: u32 = 48;
    /// Devices that must be assigned together.
    pub const XEN_DOMCTL_get_device_group: u32 = 50;
    /// Debugger operations (single step).
    pub const XEN_DOMCTL_debug_op: u32 = 54;
    /// Save one record of a domain's HVM state.
    pub const XEN_DOMCTL_gethvmcontext_partial: u32 = 55;
    /// vm_event (paging, monitor, sharing) rings.
    pub const XEN_DOMCTL_vm_event_op: u32 = 56;
    /// Memory sharing control.
    pub const XEN_DOMCTL_mem_sharing_op: u32 = 57;
    /// Read a domain's TSC mode.
    pub const XEN_DOMCTL_gettscinfo: u32 = 59;
    /// Set a domain's TSC mode.
    pub const XEN_DOMCTL_settscinfo: u32 = 60;
    /// Types of a PV domain's frames.
    pub const XEN_DOMCTL_getpageframeinfo3: u32 = 61;
    /// Set a vCPU's extended (xsave) state.
    pub const XEN_DOMCTL_setvcpuextstate: u32 = 62;
    /// Read a vCPU's extended (xsave) state.
    pub const XEN_DOMCTL_getvcpuextstate: u32 = 63;
    /// Pause vCPUs on access faults without a listener.
    pub const XEN_DOMCTL_set_access_required: u32 = 64;
    /// Audit a domain's p2m.
    pub const XEN_DOMCTL_audit_p2m: u32 = 65;
    /// Make a domain the handler of a global VIRQ.
    pub const XEN_DOMCTL_set_virq_handler: u32 = 66;
    /// Mark a frame broken in a domain's p2m.
    pub const XEN_DOMCTL_set_broken_page_p2m: u32 = 67;
    /// Set a domain's NUMA node affinity.
    pub const XEN_DOMCTL_setnodeaffinity: u32 = 68;
    /// Read a domain's NUMA node affinity.
    pub const XEN_DOMCTL_getnodeaffinity: u32 = 69;
    /// Flush caches for a range of a domain's frames.
    pub const XEN_DOMCTL_cacheflush: u32 = 71;
    /// Read a vCPU's MSRs.
    pub const XEN_DOMCTL_get_vcpu_msrs: u32 = 72;
    /// Set a vCPU's MSRs.
    pub const XEN_DOMCTL_set_vcpu_msrs: u32 = 73;
    /// Set a domain's virtual NUMA topology.
    pub const XEN_DOMCTL_setvnumainfo: u32 = 74;
    /// Cache monitoring.
    pub const XEN_DOMCTL_psr_cmt_op: u32 = 75;
    /// vm_event monitor configuration.
    pub const XEN_DOMCTL_monitor_op: u32 = 77;
    /// Cache and bandwidth allocation.
    pub const XEN_DOMCTL_psr_alloc: u32 = 78;
    /// Soft-reset a domain.
    pub const XEN_DOMCTL_soft_reset: u32 = 79;
    /// Virtual UART (Arm).
    pub const XEN_DOMCTL_vuart_op: u32 = 81;
    /// Read a domain's CPUID and MSR policy.
    pub const XEN_DOMCTL_get_cpu_policy: u32 = 82;
    /// Set a domain's CPUID and MSR policy.
    pub const XEN_DOMCTL_set_cpu_policy: u32 = 83;
    /// Processor trace control.
    pub const XEN_DOMCTL_vmtrace_op: u32 = 84;
    /// Read the size of a domain's paging pool.
    pub const XEN_DOMCTL_get_paging_mempool_size: u32 = 85;
    /// Set the size of a domain's paging pool.
    pub const XEN_DOMCTL_set_paging_mempool_size: u32 = 86;
    /// gdbsx: read or write guest memory.
    pub const XEN_DOMCTL_gdbsx_guestmemio: u32 = 1000;
    /// gdbsx: pause a vCPU.
    pub const XEN_DOMCTL_gdbsx_pausevcpu: u32 = 1001;
    /// gdbsx: unpause a vCPU.
    pub const XEN_DOMCTL_gdbsx_unpausevcpu: u32 = 1002;
    /// gdbsx: domain status.
    pub const XEN_DOMCTL_gdbsx_domstatus: u32 = 1003;
    // createdomain flags.
    /// Bit number of `XEN_DOMCTL_CDF_hvm`.
    pub const _XEN_DOMCTL_CDF_hvm: u32 = 0;
    /// The domain is HVM (or PVH).
    pub const XEN_DOMCTL_CDF_hvm: u32 = 1 << _XEN_DOMCTL_CDF_hvm;
    /// Bit number of `XEN_DOMCTL_CDF_hap`.
    pub const _XEN_DOMCTL_CDF_hap: u32 = 1;
    /// Use hardware-assisted paging.
    pub const XEN_DOMCTL_CDF_hap: u32 = 1 << _XEN_DOMCTL_CDF_hap;
    /// Bit number of `XEN_DOMCTL_CDF_s3_integrity`.
    pub const _XEN_DOMCTL_CDF_s3_integrity: u32 = 2;
    /// Keep memory integrity over S3 (tboot).
    pub const XEN_DOMCTL_CDF_s3_integrity: u32 = 1 << _XEN_DOMCTL_CDF_s3_integrity;
    /// Bit number of `XEN_DOMCTL_CDF_oos_off`.
    pub const _XEN_DOMCTL_CDF_oos_off: u32 = 3;
    /// Disable out-of-sync shadow page tables.
    pub const XEN_DOMCTL_CDF_oos_off: u32 = 1 << _XEN_DOMCTL_CDF_oos_off;
    /// Bit number of `XEN_DOMCTL_CDF_xs_domain`.
    pub const _XEN_DOMCTL_CDF_xs_domain: u32 = 4;
    /// The domain runs xenstore.
    pub const XEN_DOMCTL_CDF_xs_domain: u32 = 1 << _XEN_DOMCTL_CDF_xs_domain;
    /// Bit number of `XEN_DOMCTL_CDF_iommu`.
    pub const _XEN_DOMCTL_CDF_iommu: u32 = 5;
    /// The domain uses the IOMMU.
    pub const XEN_DOMCTL_CDF_iommu: u32 = 1 << _XEN_DOMCTL_CDF_iommu;
    /// Bit number of `XEN_DOMCTL_CDF_nested_virt`.
    pub const _XEN_DOMCTL_CDF_nested_virt: u32 = 6;
    /// Nested virtualisation.
    pub const XEN_DOMCTL_CDF_nested_virt: u32 = 1 << _XEN_DOMCTL_CDF_nested_virt;
    /// Virtual PMU.
    pub const XEN_DOMCTL_CDF_vpmu: u32 = 1 << 7;
    /// Highest createdomain flag.
    pub const XEN_DOMCTL_CDF_MAX: u32 = XEN_DOMCTL_CDF_vpmu;
    /// Bit number of `XEN_DOMCTL_IOMMU_no_sharept`.
    pub const _XEN_DOMCTL_IOMMU_no_sharept: u32 = 0;
    /// Do not share the p2m with the IOMMU.
    pub const XEN_DOMCTL_IOMMU_no_sharept: u32 = 1 << _XEN_DOMCTL_IOMMU_no_sharept;
    /// Highest IOMMU option.
    pub const XEN_DOMCTL_IOMMU_MAX: u32 = XEN_DOMCTL_IOMMU_no_sharept;
    /// Mask of the grant-table version in grant_opts.
    pub const XEN_DOMCTL_GRANT_version_mask: u32 = 0xf;
    // getdomaininfo flags.
    /// Bit number of `XEN_DOMINF_dying`.
    pub const _XEN_DOMINF_dying: u32 = 0;
    /// The domain is being destroyed.
    pub const XEN_DOMINF_dying: u32 = 1 << _XEN_DOMINF_dying;
    /// Bit number of `XEN_DOMINF_hvm_guest`.
    pub const _XEN_DOMINF_hvm_guest: u32 = 1;
    /// The domain is HVM.
    pub const XEN_DOMINF_hvm_guest: u32 = 1 << _XEN_DOMINF_hvm_guest;
    /// Bit number of `XEN_DOMINF_shutdown`.
    pub const _XEN_DOMINF_shutdown: u32 = 2;
    /// The domain has shut down (reason in the shutdown field).
    pub const XEN_DOMINF_shutdown: u32 = 1 << _XEN_DOMINF_shutdown;
    /// Bit number of `XEN_DOMINF_paused`.
    pub const _XEN_DOMINF_paused: u32 = 3;
    /// The domain is paused by the toolstack.
    pub const XEN_DOMINF_paused: u32 = 1 << _XEN_DOMINF_paused;
    /// Bit number of `XEN_DOMINF_blocked`.
    pub const _XEN_DOMINF_blocked: u32 = 4;
    /// All vCPUs are blocked.
    pub const XEN_DOMINF_blocked: u32 = 1 << _XEN_DOMINF_blocked;
    /// Bit number of `XEN_DOMINF_running`.
    pub const _XEN_DOMINF_running: u32 = 5;
    /// A vCPU is running.
    pub const XEN_DOMINF_running: u32 = 1 << _XEN_DOMINF_running;
    /// Bit number of `XEN_DOMINF_debugged`.
    pub const _XEN_DOMINF_debugged: u32 = 6;
    /// A debugger is attached.
    pub const XEN_DOMINF_debugged: u32 = 1 << _XEN_DOMINF_debugged;
    /// Bit number of `XEN_DOMINF_xs_domain`.
    pub const _XEN_DOMINF_xs_domain: u32 = 7;
    /// The domain runs xenstore.
    pub const XEN_DOMINF_xs_domain: u32 = 1 << _XEN_DOMINF_xs_domain;
    /// Bit number of `XEN_DOMINF_hap`.
    pub const _XEN_DOMINF_hap: u32 = 8;
    /// The domain uses hardware-assisted paging.
    pub const XEN_DOMINF_hap: u32 = 1 << _XEN_DOMINF_hap;
    /// Mask of the shutdown reason in the flags.
    pub const XEN_DOMINF_shutdownmask: u32 = 255;
    /// Shift of the shutdown reason in the flags.
    pub const XEN_DOMINF_shutdownshift: u32 = 16;
    /// max_vcpu_id of a domain without vCPUs.
    pub const XEN_INVALID_MAX_VCPU_ID: u32 = !0;
    // getpageframeinfo3 types.
    /// Shift of the page-table type.
    pub const XEN_DOMCTL_PFINFO_LTAB_SHIFT: u32 = 28;
    /// Not a page table.
    pub const XEN_DOMCTL_PFINFO_NOTAB: u32 = 0x0 << 28;
    /// L1 page table.
    pub const XEN_DOMCTL_PFINFO_L1TAB: u32 = 0x1 << 28;
    /// L2 page table.
    pub const XEN_DOMCTL_PFINFO_L2TAB: u32 = 0x2 << 28;
    /// L3 page table.
    pub const XEN_DOMCTL_PFINFO_L3TAB: u32 = 0x3 << 28;
    /// L4 page table.
    pub const XEN_DOMCTL_PFINFO_L4TAB: u32 = 0x4 << 28;
    /// Mask of the table level.
    pub const XEN_DOMCTL_PFINFO_LTABTYPE_MASK: u32 = 0x7 << 28;
    /// The table is pinned.
    pub const XEN_DOMCTL_PFINFO_LPINTAB: u32 = 0x1 << 31;
    /// Invalid page.
    pub const XEN_DOMCTL_PFINFO_XTAB: u32 = 0xf << 28;
    /// Allocate-only page.
    pub const XEN_DOMCTL_PFINFO_XALLOC: u32 = 0xe << 28;
    /// Broken page.
    pub const XEN_DOMCTL_PFINFO_BROKEN: u32 = 0xd << 28;
    /// Mask of the type.
    pub const XEN_DOMCTL_PFINFO_LTAB_MASK: u32 = 0xf << 28;
    // shadow_op.
    /// Turn shadow / log-dirty mode off.
    pub const XEN_DOMCTL_SHADOW_OP_OFF: u32 = 0;
    /// Enable shadow mode with the `mode` flags.
    pub const XEN_DOMCTL_SHADOW_OP_ENABLE: u32 = 32;
    /// Read and clear the dirty bitmap.
    pub const XEN_DOMCTL_SHADOW_OP_CLEAN: u32 = 11;
    /// Read the dirty bitmap.
    pub const XEN_DOMCTL_SHADOW_OP_PEEK: u32 = 12;
    /// Read the paging pool size (MiB).
    pub const XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION: u32 = 30;
    /// Set the paging pool size (MiB).
    pub const XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION: u32 = 31;
    /// Old: enable test mode.
    pub const XEN_DOMCTL_SHADOW_OP_ENABLE_TEST: u32 = 1;
    /// Old: enable log-dirty mode.
    pub const XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY: u32 = 2;
    /// Mode: refcounting.
    pub const XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT: u32 = 1 << 1;
    /// Mode: log dirty pages.
    pub const XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY: u32 = 1 << 2;
    /// Mode: translate guest frames.
    pub const XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE: u32 = 1 << 3;
    /// Mode: external page tables.
    pub const XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL: u32 = 1 << 4;
    /// Mode: last log-dirty pass.
    pub const XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL: u32 = 1 << 0;
    // vCPU affinity.
    /// Bit number of `XEN_VCPUAFFINITY_HARD`.
    pub const _XEN_VCPUAFFINITY_HARD: u32 = 0;
    /// Set or read the hard affinity.
    pub const XEN_VCPUAFFINITY_HARD: u32 = 1 << _XEN_VCPUAFFINITY_HARD;
    /// Bit number of `XEN_VCPUAFFINITY_SOFT`.
    pub const _XEN_VCPUAFFINITY_SOFT: u32 = 1;
    /// Set or read the soft affinity.
    pub const XEN_VCPUAFFINITY_SOFT: u32 = 1 << _XEN_VCPUAFFINITY_SOFT;
    /// Bit number of `XEN_VCPUAFFINITY_FORCE`.
    pub const _XEN_VCPUAFFINITY_FORCE: u32 = 2;
    /// Undo a temporary pin override.
    pub const XEN_VCPUAFFINITY_FORCE: u32 = 1 << _XEN_VCPUAFFINITY_FORCE;
    // Schedulers.
    /// Credit scheduler.
    pub const XEN_SCHEDULER_CREDIT: u32 = 5;
    /// Credit2 scheduler.
    pub const XEN_SCHEDULER_CREDIT2: u32 = 6;
    /// ARINC 653 scheduler.
    pub const XEN_SCHEDULER_ARINC653: u32 = 7;
    /// RTDS scheduler.
    pub const XEN_SCHEDULER_RTDS: u32 = 8;
    /// Null scheduler.
    pub const XEN_SCHEDULER_NULL: u32 = 9;
    /// Bit number of `XEN_DOMCTL_SCHEDRT_extra`.
    pub const _XEN_DOMCTL_SCHEDRT_extra: u32 = 0;
    /// RTDS: the vCPU may use extra time.
    pub const XEN_DOMCTL_SCHEDRT_extra: u32 = 1 << _XEN_DOMCTL_SCHEDRT_extra;
    /// Scheduler op: set domain parameters.
    pub const XEN_DOMCTL_SCHEDOP_putinfo: u32 = 0;
    /// Scheduler op: read domain parameters.
    pub const XEN_DOMCTL_SCHEDOP_getinfo: u32 = 1;
    /// Scheduler op: set vCPU parameters.
    pub const XEN_DOMCTL_SCHEDOP_putvcpuinfo: u32 = 2;
    /// Scheduler op: read vCPU parameters.
    pub const XEN_DOMCTL_SCHEDOP_getvcpuinfo: u32 = 3;
    // Triggers, devices, cache attributes.
    /// Trigger: NMI.
    pub const XEN_DOMCTL_SENDTRIGGER_NMI: u32 = 0;
    /// Trigger: reset.
    pub const XEN_DOMCTL_SENDTRIGGER_RESET: u32 = 1;
    /// Trigger: INIT.
    pub const XEN_DOMCTL_SENDTRIGGER_INIT: u32 = 2;
    /// Trigger: power button.
    pub const XEN_DOMCTL_SENDTRIGGER_POWER: u32 = 3;
    /// Trigger: sleep button.
    pub const XEN_DOMCTL_SENDTRIGGER_SLEEP: u32 = 4;
    /// Device type: PCI.
    pub const XEN_DOMCTL_DEV_PCI: u32 = 0;
    /// Device type: device tree.
    pub const XEN_DOMCTL_DEV_DT: u32 = 1;
    /// Assign even with reserved device memory conflicts.
    pub const XEN_DOMCTL_DEV_RDM_RELAXED: u32 = 1;
    /// bind_pt_irq MSI flags: destination id mask.
    pub const XEN_DOMCTL_VMSI_X86_DEST_ID_MASK: u32 = 0x0000ff;
    /// bind_pt_irq MSI flags: redirection hint.
    pub const XEN_DOMCTL_VMSI_X86_RH_MASK: u32 = 0x000100;
    /// bind_pt_irq MSI flags: destination mode.
    pub const XEN_DOMCTL_VMSI_X86_DM_MASK: u32 = 0x000200;
    /// bind_pt_irq MSI flags: delivery mode mask.
    pub const XEN_DOMCTL_VMSI_X86_DELIV_MASK: u32 = 0x007000;
    /// bind_pt_irq MSI flags: trigger mode.
    pub const XEN_DOMCTL_VMSI_X86_TRIG_MASK: u32 = 0x008000;
    /// bind_pt_irq MSI flags: the vector is unmasked.
    pub const XEN_DOMCTL_VMSI_X86_UNMASKED: u32 = 0x010000;
    /// CPUID policy: no subleaf input.
    pub const XEN_CPUID_INPUT_UNUSED: u32 = 0xFFFF_FFFF;
    /// memory_mapping: add.
    pub const DPCI_ADD_MAPPING: u32 = 1;
    /// memory_mapping: remove.
    pub const DPCI_REMOVE_MAPPING: u32 = 0;
    /// Cache attribute: uncacheable.
    pub const XEN_DOMCTL_MEM_CACHEATTR_UC: u32 = 0;
    /// Cache attribute: write combining.
    pub const XEN_DOMCTL_MEM_CACHEATTR_WC: u32 = 1;
    /// Cache attribute: write through.
    pub const XEN_DOMCTL_MEM_CACHEATTR_WT: u32 = 4;
    /// Cache attribute: write protected.
    pub const XEN_DOMCTL_MEM_CACHEATTR_WP: u32 = 5;
    /// Cache attribute: write back.
    pub const XEN_DOMCTL_MEM_CACHEATTR_WB: u32 = 6;
    /// Cache attribute: uncacheable minus.
    pub const XEN_DOMCTL_MEM_CACHEATTR_UCM: u32 = 7;
    /// Remove a pinned cache attribute.
    pub const XEN_DOMCTL_DELETE_MEM_CACHEATTR: u32 = !0;
    /// Debug op: stop single stepping.
    pub const XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_OFF: u32 = 0;
    /// Debug op: start single stepping.
    pub const XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_ON: u32 = 1;
    /// vm_event: enable a ring.
    pub const XEN_VM_EVENT_ENABLE: u32 = 0;
    /// vm_event: disable a ring.
    pub const XEN_VM_EVENT_DISABLE: u32 = 1;
    /// vm_event: resume after processing requests.
    pub const XEN_VM_EVENT_RESUME: u32 = 2;
    /// vm_event: interface version.
    pub const XEN_VM_EVENT_GET_VERSION: u32 = 3;
    /// vm_event ring: paging.
    pub const XEN_DOMCTL_VM_EVENT_OP_PAGING: u32 = 1;
    /// vm_event ring: monitor.
    pub const XEN_DOMCTL_VM_EVENT_OP_MONITOR: u32 = 2;
    /// vm_event ring: sharing.
    pub const XEN_DOMCTL_VM_EVENT_OP_SHARING: u32 = 3;
    /// Memory sharing: enable or disable.
    pub const XEN_DOMCTL_MEM_SHARING_CONTROL: u32 = 0;
    // PSR, vUART, monitor.
    /// Cache monitoring: detach.
    pub const XEN_DOMCTL_PSR_CMT_OP_DETACH: u32 = 0;
    /// Cache monitoring: attach.
    pub const XEN_DOMCTL_PSR_CMT_OP_ATTACH: u32 = 1;
    /// Cache monitoring: query the RMID.
    pub const XEN_DOMCTL_PSR_CMT_OP_QUERY_RMID: u32 = 2;
    /// Allocation: set the L3 capacity bitmask.
    pub const XEN_DOMCTL_PSR_SET_L3_CBM: u32 = 0;
    /// Allocation: read the L3 capacity bitmask.
    pub const XEN_DOMCTL_PSR_GET_L3_CBM: u32 = 1;
    /// Allocation: set the L3 code bitmask.
    pub const XEN_DOMCTL_PSR_SET_L3_CODE: u32 = 2;
    /// Allocation: set the L3 data bitmask.
    pub const XEN_DOMCTL_PSR_SET_L3_DATA: u32 = 3;
    /// Allocation: read the L3 code bitmask.
    pub const XEN_DOMCTL_PSR_GET_L3_CODE: u32 = 4;
    /// Allocation: read the L3 data bitmask.
    pub const XEN_DOMCTL_PSR_GET_L3_DATA: u32 = 5;
    /// Allocation: set the L2 capacity bitmask.
    pub const XEN_DOMCTL_PSR_SET_L2_CBM: u32 = 6;
    /// Allocation: read the L2 capacity bitmask.
    pub const XEN_DOMCTL_PSR_GET_L2_CBM: u32 = 7;
    /// Allocation: set the memory bandwidth throttle.
    pub const XEN_DOMCTL_PSR_SET_MBA_THRTL: u32 = 8;
    /// Allocation: read the memory bandwidth throttle.
    pub const XEN_DOMCTL_PSR_GET_MBA_THRTL: u32 = 9;
    /// vUART: initialise.
    pub const XEN_DOMCTL_VUART_OP_INIT: u32 = 0;
    /// vUART type: PL011.
    pub const XEN_DOMCTL_VUART_TYPE_VPL011: u32 = 0;
    /// Monitor: enable an event.
    pub const XEN_DOMCTL_MONITOR_OP_ENABLE: u32 = 0;
    /// Monitor: disable an event.
    pub const XEN_DOMCTL_MONITOR_OP_DISABLE: u32 = 1;
    /// Monitor: capabilities.
    pub const XEN_DOMCTL_MONITOR_OP_GET_CAPABILITIES: u32 = 2;
    /// Monitor: emulate each repetition of rep instructions.
    pub const XEN_DOMCTL_MONITOR_OP_EMULATE_EACH_REP: u32 = 3;
    /// Monitor: control-register options.
    pub const XEN_DOMCTL_MONITOR_OP_CONTROL_REGISTERS: u32 = 4;
    /// Monitor event: control register write.
    pub const XEN_DOMCTL_MONITOR_EVENT_WRITE_CTRLREG: u32 = 0;
    /// Monitor event: MSR write.
    pub const XEN_DOMCTL_MONITOR_EVENT_MOV_TO_MSR: u32 = 1;
    /// Monitor event: single step.
    pub const XEN_DOMCTL_MONITOR_EVENT_SINGLESTEP: u32 = 2;
    /// Monitor event: software breakpoint.
    pub const XEN_DOMCTL_MONITOR_EVENT_SOFTWARE_BREAKPOINT: u32 = 3;
    /// Monitor event: guest request.
    pub const XEN_DOMCTL_MONITOR_EVENT_GUEST_REQUEST: u32 = 4;
    /// Monitor event: debug exception.
    pub const XEN_DOMCTL_MONITOR_EVENT_DEBUG_EXCEPTION: u32 = 5;
    /// Monitor event: CPUID.
    pub const XEN_DOMCTL_MONITOR_EVENT_CPUID: u32 = 6;
    /// Monitor event: privileged call.
    pub const XEN_DOMCTL_MONITOR_EVENT_PRIVILEGED_CALL: u32 = 7;
    /// Monitor event: interrupt.
    pub const XEN_DOMCTL_MONITOR_EVENT_INTERRUPT: u32 = 8;
    /// Monitor event: descriptor table access.
    pub const XEN_DOMCTL_MONITOR_EVENT_DESC_ACCESS: u32 = 9;
    /// Monitor event: unimplemented emulation.
    pub const XEN_DOMCTL_MONITOR_EVENT_EMUL_UNIMPLEMENTED: u32 = 10;
    /// Monitor event: in-guest page fault.
    pub const XEN_DOMCTL_MONITOR_EVENT_INGUEST_PAGEFAULT: u32 = 11;
    /// Monitor event: VM exit.
    pub const XEN_DOMCTL_MONITOR_EVENT_VMEXIT: u32 = 12;
    /// vmtrace: enable.
    pub const XEN_DOMCTL_vmtrace_enable: u32 = 1;
    /// vmtrace: disable.
    pub const XEN_DOMCTL_vmtrace_disable: u32 = 2;
    /// vmtrace: reset and enable.
    pub const XEN_DOMCTL_vmtrace_reset_and_enable: u32 = 3;
    /// vmtrace: output position.
    pub const XEN_DOMCTL_vmtrace_output_position: u32 = 4;
    /// vmtrace: read an option.
    pub const XEN_DOMCTL_vmtrace_get_option: u32 = 5;
    /// vmtrace: set an option.
    pub const XEN_DOMCTL_vmtrace_set_option: u32 = 6;
}

crate::xen_macros! {
    header "domctl.h";
    /// grant_opts encoding of the maximum grant-table version.
    pub const fn XEN_DOMCTL_GRANT_version(v: u32) -> u32 {
        v & XEN_DOMCTL_GRANT_version_mask
    }
    c "((v) & XEN_DOMCTL_GRANT_version_mask)";
}

crate::xen_structs! {
    header "domctl.h";

    /// XEN_DOMCTL_createdomain.
    pub struct xen_domctl_createdomain: size 64, align 4 {
        /// XSM security label.
        pub ssidref: u32 => 0,
        /// Domain handle (UUID).
        pub handle: xen_domain_handle_t as "uint8_t" => 4,
        /// XEN_DOMCTL_CDF_* flags.
        pub flags: u32 => 20,
        /// XEN_DOMCTL_IOMMU_* options.
        pub iommu_opts: u32 => 24,
        /// Maximum number of vCPUs.
        pub max_vcpus: u32 => 28,
        /// Highest event channel port.
        pub max_evtchn_port: u32 => 32,
        /// Grant-table frames (-1: default).
        pub max_grant_frames: i32 => 36,
        /// Maptrack frames (-1: default).
        pub max_maptrack_frames: i32 => 40,
        /// Grant-table options (XEN_DOMCTL_GRANT_version).
        pub grant_opts: u32 => 44,
        /// Per-vCPU trace buffer size.
        pub vmtrace_size: u32 => 48,
        /// CPU pool.
        pub cpupool_id: u32 => 52,
        /// Architecture configuration.
        pub arch: xen_arch_domainconfig => 56,
    }

    /// XEN_DOMCTL_getdomaininfo (and sysctl getdomaininfolist entries).
    pub struct xen_domctl_getdomaininfo: size 112, align 8 {
        /// Domain.
        pub domain: domid_t as "domid_t" => 0,
        /// Reserved.
        pub pad1: u16 => 2,
        /// XEN_DOMINF_* flags.
        pub flags: u32 => 4,
        /// Pages the domain has.
        pub tot_pages: u64 => 8,
        /// Page limit.
        pub max_pages: u64 => 16,
        /// Pages still claimed and not yet allocated.
        pub outstanding_pages: u64 => 24,
        /// Shared pages.
        pub shr_pages: u64 => 32,
        /// Paged-out pages.
        pub paged_pages: u64 => 40,
        /// Frame of shared_info.
        pub shared_info_frame: u64 => 48,
        /// CPU time used, in ns.
        pub cpu_time: u64 => 56,
        /// vCPUs online.
        pub nr_online_vcpus: u32 => 64,
        /// Highest vCPU id.
        pub max_vcpu_id: u32 => 68,
        /// XSM security label.
        pub ssidref: u32 => 72,
        /// Domain handle (UUID).
        pub handle: xen_domain_handle_t as "uint8_t" => 76,
        /// CPU pool.
        pub cpupool: u32 => 92,
        /// Guest physical address width.
        pub gpaddr_bits: u8 => 96,
        /// Reserved.
        pub pad2: [u8; 7] => 97,
        /// Architecture configuration.
        pub arch_config: xen_arch_domainconfig => 104,
    }

    /// XEN_DOMCTL_getpageframeinfo3.
    pub struct xen_domctl_getpageframeinfo3: size 16, align 8 {
        /// Number of frames.
        pub num: u64 => 0,
        /// In: frames; out: frames with XEN_DOMCTL_PFINFO_* types.
        pub array: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 8,
    }

    /// Log-dirty statistics of XEN_DOMCTL_shadow_op.
    pub struct xen_domctl_shadow_op_stats: size 8, align 4 {
        /// Faults since the last clean.
        pub fault_count: u32 => 0,
        /// Dirty pages since the last clean.
        pub dirty_count: u32 => 4,
    }

    /// XEN_DOMCTL_shadow_op.
    pub struct xen_domctl_shadow_op: size 40, align 8 {
        /// XEN_DOMCTL_SHADOW_OP_*.
        pub op: u32 => 0,
        /// XEN_DOMCTL_SHADOW_ENABLE_* for OP_ENABLE.
        pub mode: u32 => 4,
        /// Pool size in MiB.
        pub mb: u32 => 8,
        /// Padding before `dirty_bitmap`.
        pad _pad0: [u8; 4] => 12,
        /// Dirty bitmap buffer.
        pub dirty_bitmap: GuestHandle<u8> => 16,
        /// Buffer size in pages (bits); out: pages covered.
        pub pages: u64 => 24,
        /// Out: statistics.
        pub stats: xen_domctl_shadow_op_stats => 32,
    }

    /// XEN_DOMCTL_max_mem.
    pub struct xen_domctl_max_mem: size 8, align 8 {
        /// Memory limit in KiB.
        pub max_memkb: u64 => 0,
    }

    /// XEN_DOMCTL_{set,get}vcpucontext.
    pub struct xen_domctl_vcpucontext: size 16, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// Padding before `ctxt`.
        pad _pad0: [u8; 4] => 4,
        /// The register state.
        pub ctxt: GuestHandle<vcpu_guest_context> => 8,
    }

    /// XEN_DOMCTL_getvcpuinfo.
    pub struct xen_domctl_getvcpuinfo: size 24, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// Out: online.
        pub online: u8 => 4,
        /// Out: blocked.
        pub blocked: u8 => 5,
        /// Out: running.
        pub running: u8 => 6,
        /// Padding before `cpu_time`.
        pad _pad0: [u8; 1] => 7,
        /// Out: CPU time used, in ns.
        pub cpu_time: u64 => 8,
        /// Out: current physical CPU.
        pub cpu: u32 => 16,
        /// Padding after `cpu`.
        pad _pad1: [u8; 4] => 20,
    }

    /// XEN_DOMCTL_{set,get}nodeaffinity.
    pub struct xen_domctl_nodeaffinity: size 16, align 8 {
        /// Node mask.
        pub nodemap: xenctl_bitmap => 0,
    }

    /// XEN_DOMCTL_{set,get}vcpuaffinity.
    pub struct xen_domctl_vcpuaffinity: size 40, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// XEN_VCPUAFFINITY_* flags.
        pub flags: u32 => 4,
        /// Hard affinity.
        pub cpumap_hard: xenctl_bitmap => 8,
        /// Soft affinity.
        pub cpumap_soft: xenctl_bitmap => 24,
    }

    /// XEN_DOMCTL_max_vcpus.
    pub struct xen_domctl_max_vcpus: size 4, align 4 {
        /// Number of vCPUs.
        pub max: u32 => 0,
    }

    /// Credit scheduler parameters.
    pub struct xen_domctl_sched_credit: size 4, align 2 {
        /// Weight.
        pub weight: u16 => 0,
        /// Cap (percent of a CPU, 0: none).
        pub cap: u16 => 2,
    }

    /// Credit2 scheduler parameters.
    pub struct xen_domctl_sched_credit2: size 4, align 2 {
        /// Weight.
        pub weight: u16 => 0,
        /// Cap (percent of a CPU, 0: none).
        pub cap: u16 => 2,
    }

    /// RTDS scheduler parameters.
    pub struct xen_domctl_sched_rtds: size 12, align 4 {
        /// Period in us.
        pub period: u32 => 0,
        /// Budget in us.
        pub budget: u32 => 4,
        /// XEN_DOMCTL_SCHEDRT_* flags.
        pub flags: u32 => 8,
    }

    /// XEN_DOMCTL_scheduler_op.
    pub struct xen_domctl_scheduler_op: size 24, align 8 {
        /// XEN_SCHEDULER_*.
        pub sched_id: u32 => 0,
        /// XEN_DOMCTL_SCHEDOP_*.
        pub cmd: u32 => 4,
        /// Scheduler parameters, or a vCPU array handle and count (C: a union).
        pub u: [u64; 2] => 8,
    }

    /// XEN_DOMCTL_setdomainhandle.
    pub struct xen_domctl_setdomainhandle: size 16, align 1 {
        /// New handle.
        pub handle: xen_domain_handle_t as "uint8_t" => 0,
    }

    /// XEN_DOMCTL_setdebugging.
    pub struct xen_domctl_setdebugging: size 1, align 1 {
        /// Non-zero to enable.
        pub enable: u8 => 0,
    }

    /// XEN_DOMCTL_irq_permission.
    pub struct xen_domctl_irq_permission: size 8, align 4 {
        /// Physical IRQ.
        pub pirq: u32 => 0,
        /// Non-zero to allow.
        pub allow_access: u8 => 4,
        /// Reserved.
        pub pad: [u8; 3] => 5,
    }

    /// XEN_DOMCTL_iomem_permission.
    pub struct xen_domctl_iomem_permission: size 24, align 8 {
        /// First machine frame.
        pub first_mfn: u64 => 0,
        /// Number of frames.
        pub nr_mfns: u64 => 8,
        /// Non-zero to allow.
        pub allow_access: u8 => 16,
        /// Padding after `allow_access`.
        pad _pad0: [u8; 7] => 17,
    }

    /// XEN_DOMCTL_ioport_permission.
    pub struct xen_domctl_ioport_permission: size 12, align 4 {
        /// First port.
        pub first_port: u32 => 0,
        /// Number of ports.
        pub nr_ports: u32 => 4,
        /// Non-zero to allow.
        pub allow_access: u8 => 8,
        /// Padding after `allow_access`.
        pad _pad0: [u8; 3] => 9,
    }

    /// XEN_DOMCTL_hypercall_init.
    pub struct xen_domctl_hypercall_init: size 8, align 8 {
        /// Guest frame to fill.
        pub gmfn: u64 => 0,
    }

    /// XEN_DOMCTL_settimeoffset.
    pub struct xen_domctl_settimeoffset: size 8, align 8 {
        /// Offset applied to the domain's wallclock, in seconds.
        pub time_offset_seconds: i64 => 0,
    }

    /// XEN_DOMCTL_{get,set}hvmcontext.
    pub struct xen_domctl_hvmcontext: size 16, align 8 {
        /// Buffer size; out: bytes used.
        pub size: u32 => 0,
        /// Padding before `buffer`.
        pad _pad0: [u8; 4] => 4,
        /// The buffer, or NULL to query the size.
        pub buffer: GuestHandle<u8> => 8,
    }

    /// XEN_DOMCTL_gethvmcontext_partial.
    pub struct xen_domctl_hvmcontext_partial: size 24, align 8 {
        /// Record type.
        pub r#type: u32 => 0,
        /// Record instance.
        pub instance: u32 => 4,
        /// Buffer size.
        pub bufsz: u64 => 8,
        /// The buffer.
        pub buffer: GuestHandle<u8> => 16,
    }

    /// XEN_DOMCTL_{set,get}_address_size.
    pub struct xen_domctl_address_size: size 4, align 4 {
        /// Address size in bits.
        pub size: u32 => 0,
    }

    /// XEN_DOMCTL_sendtrigger.
    pub struct xen_domctl_sendtrigger: size 8, align 4 {
        /// XEN_DOMCTL_SENDTRIGGER_*.
        pub trigger: u32 => 0,
        /// vCPU.
        pub vcpu: u32 => 4,
    }

    /// XEN_DOMCTL_memory_mapping.
    pub struct xen_domctl_memory_mapping: size 32, align 8 {
        /// First guest frame.
        pub first_gfn: u64 => 0,
        /// First machine frame.
        pub first_mfn: u64 => 8,
        /// Number of frames.
        pub nr_mfns: u64 => 16,
        /// DPCI_ADD_MAPPING or DPCI_REMOVE_MAPPING.
        pub add_mapping: u32 => 24,
        /// Reserved.
        pub padding: u32 => 28,
    }

    /// XEN_DOMCTL_set_target.
    pub struct xen_domctl_set_target: size 2, align 2 {
        /// Target domain.
        pub target: domid_t as "domid_t" => 0,
    }

    /// XEN_DOMCTL_subscribe.
    pub struct xen_domctl_subscribe: size 4, align 4 {
        /// Event channel port.
        pub port: u32 => 0,
    }

    /// XEN_DOMCTL_{get,set}_cpu_policy.
    pub struct xen_domctl_cpu_policy: size 40, align 8 {
        /// Number of CPUID leaves.
        pub nr_leaves: u32 => 0,
        /// Number of MSRs.
        pub nr_msrs: u32 => 4,
        /// CPUID leaves.
        pub leaves: GuestHandle<xen_cpuid_leaf> => 8,
        /// MSRs.
        pub msrs: GuestHandle<xen_msr_entry> => 16,
        /// Out: leaf of the first error.
        pub err_leaf: u32 => 24,
        /// Out: subleaf of the first error.
        pub err_subleaf: u32 => 28,
        /// Out: MSR of the first error.
        pub err_msr: u32 => 32,
        /// Padding after `err_msr`.
        pad _pad0: [u8; 4] => 36,
    }

    /// XEN_DOMCTL_{get,set}tscinfo.
    pub struct xen_domctl_tsc_info: size 24, align 8 {
        /// TSC mode.
        pub tsc_mode: u32 => 0,
        /// Guest TSC frequency in kHz.
        pub gtsc_khz: u32 => 4,
        /// Incarnation (migrations so far).
        pub incarnation: u32 => 8,
        /// Reserved.
        pub pad: u32 => 12,
        /// Elapsed time in ns.
        pub elapsed_nsec: u64 => 16,
    }

    /// XEN_DOMCTL_set_virq_handler.
    pub struct xen_domctl_set_virq_handler: size 4, align 4 {
        /// Global VIRQ.
        pub virq: u32 => 0,
    }

    /// XEN_DOMCTL_audit_p2m.
    pub struct xen_domctl_audit_p2m: size 24, align 8 {
        /// Out: orphaned pages.
        pub orphans: u64 => 0,
        /// Out: bad machine-to-phys entries.
        pub m2p_bad: u64 => 8,
        /// Out: bad p2m entries.
        pub p2m_bad: u64 => 16,
    }

    /// XEN_DOMCTL_set_broken_page_p2m.
    pub struct xen_domctl_set_broken_page_p2m: size 8, align 8 {
        /// Guest frame.
        pub pfn: u64 => 0,
    }

    /// XEN_DOMCTL_cacheflush.
    pub struct xen_domctl_cacheflush: size 16, align 8 {
        /// First guest frame.
        pub start_pfn: xen_pfn_t as "xen_pfn_t" => 0,
        /// Number of frames.
        pub nr_pfns: xen_pfn_t as "xen_pfn_t" => 8,
    }

    /// XEN_DOMCTL_{get,set}_paging_mempool_size.
    pub struct xen_domctl_paging_mempool: size 8, align 8 {
        /// Pool size in bytes.
        pub size: u64 => 0,
    }

    /// XEN_DOMCTL_{get,set}_ext_vcpucontext (x86).
    pub struct xen_domctl_ext_vcpucontext: size 64, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// Size of the valid part (out for get, in for set).
        pub size: u32 => 4,
        /// 32-bit syscall callback.
        pub syscall32_callback_eip: u64 => 8,
        /// Sysenter callback.
        pub sysenter_callback_eip: u64 => 16,
        /// 32-bit syscall callback CS.
        pub syscall32_callback_cs: u16 => 24,
        /// Sysenter callback CS.
        pub sysenter_callback_cs: u16 => 26,
        /// The 32-bit syscall callback masks events.
        pub syscall32_disables_events: u8 => 28,
        /// The sysenter callback masks events.
        pub sysenter_disables_events: u8 => 29,
        /// Padding before `vmce`.
        pad _pad0: [u8; 2] => 30,
        /// vMCE state (C: an anonymous union of mcg_cap and struct hvm_vmce_vcpu).
        pub vmce: [u64; 4] => 32,
    }

    /// XEN_DOMCTL_{set,get}vcpuextstate.
    pub struct xen_domctl_vcpuextstate: size 32, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// Padding before `xfeature_mask`.
        pad _pad0: [u8; 4] => 4,
        /// XCR0 features saved.
        pub xfeature_mask: u64 => 8,
        /// Buffer size.
        pub size: u64 => 16,
        /// The xsave buffer.
        pub buffer: GuestHandle<u64> => 24,
    }

    /// XEN_DOMCTL_debug_op.
    pub struct xen_domctl_debug_op: size 8, align 4 {
        /// XEN_DOMCTL_DEBUG_OP_*.
        pub op: u32 => 0,
        /// vCPU.
        pub vcpu: u32 => 4,
    }

    /// XEN_DOMCTL_vm_event_op.
    pub struct xen_domctl_vm_event_op: size 12, align 4 {
        /// XEN_VM_EVENT_*.
        pub op: u32 => 0,
        /// XEN_DOMCTL_VM_EVENT_OP_* ring.
        pub mode: u32 => 4,
        /// Out: the ring's event channel, or the interface version (C: a union).
        pub u: u32 => 8,
    }

    /// XEN_DOMCTL_mem_sharing_op.
    pub struct xen_domctl_mem_sharing_op: size 2, align 1 {
        /// XEN_DOMCTL_MEM_SHARING_*.
        pub op: u8 => 0,
        /// Enable flag of CONTROL (C: a union).
        pub u: u8 => 1,
    }

    /// XEN_DOMCTL_set_access_required.
    pub struct xen_domctl_set_access_required: size 1, align 1 {
        /// Non-zero to require a listener.
        pub access_required: u8 => 0,
    }

    /// XEN_DOMCTL_gdbsx_guestmemio.
    pub struct xen_domctl_gdbsx_memio: size 40, align 8 {
        /// Optional guest pgd[3] value.
        pub pgd3val: u64 => 0,
        /// Guest virtual address.
        pub gva: u64 => 8,
        /// User buffer address.
        pub uva: u64 => 16,
        /// Bytes to copy.
        pub len: u32 => 24,
        /// 1 to write to the guest.
        pub gwr: u8 => 28,
        /// Padding before `remain`.
        pad _pad0: [u8; 3] => 29,
        /// Out: bytes not copied.
        pub remain: u32 => 32,
        /// Padding after `remain`.
        pad _pad1: [u8; 4] => 36,
    }

    /// XEN_DOMCTL_gdbsx_{pause,unpause}vcpu.
    pub struct xen_domctl_gdbsx_pauseunp_vcpu: size 4, align 4 {
        /// vCPU.
        pub vcpu: u32 => 0,
    }

    /// XEN_DOMCTL_gdbsx_domstatus.
    pub struct xen_domctl_gdbsx_domstatus: size 12, align 4 {
        /// The domain is paused.
        pub paused: u8 => 0,
        /// Padding before `vcpu_id`.
        pad _pad0: [u8; 3] => 1,
        /// A vCPU with an event.
        pub vcpu_id: u32 => 4,
        /// Its event.
        pub vcpu_ev: u32 => 8,
    }

    /// XEN_DOMCTL_setvnumainfo.
    pub struct xen_domctl_vnuma: size 48, align 8 {
        /// Number of virtual nodes.
        pub nr_vnodes: u32 => 0,
        /// Number of memory ranges.
        pub nr_vmemranges: u32 => 4,
        /// Number of vCPUs.
        pub nr_vcpus: u32 => 8,
        /// Must be zero.
        pub pad: u32 => 12,
        /// Distance table.
        pub vdistance: GuestHandle<u32> as "unsigned int" => 16,
        /// vCPU to node map.
        pub vcpu_to_vnode: GuestHandle<u32> as "unsigned int" => 24,
        /// Virtual to physical node map.
        pub vnode_to_pnode: GuestHandle<u32> as "unsigned int" => 32,
        /// Memory ranges.
        pub vmemrange: GuestHandle<crate::memory::xen_vmemrange> => 40,
    }

    /// XEN_DOMCTL_psr_cmt_op.
    pub struct xen_domctl_psr_cmt_op: size 8, align 4 {
        /// XEN_DOMCTL_PSR_CMT_OP_*.
        pub cmd: u32 => 0,
        /// Out: the RMID.
        pub data: u32 => 4,
    }

    /// XEN_DOMCTL_psr_alloc.
    pub struct xen_domctl_psr_alloc: size 16, align 8 {
        /// XEN_DOMCTL_PSR_*.
        pub cmd: u32 => 0,
        /// Socket.
        pub target: u32 => 4,
        /// Value (in or out).
        pub data: u64 => 8,
    }

    /// XEN_DOMCTL_vuart_op.
    pub struct xen_domctl_vuart_op: size 24, align 8 {
        /// XEN_DOMCTL_VUART_OP_*.
        pub cmd: u32 => 0,
        /// XEN_DOMCTL_VUART_TYPE_*.
        pub r#type: u32 => 4,
        /// Guest frame of the ring.
        pub gfn: u64 => 8,
        /// Domain running the console backend.
        pub console_domid: domid_t as "domid_t" => 16,
        /// Reserved.
        pub pad: [u8; 2] => 18,
        /// Out: remote event channel.
        pub evtchn: u32 as "evtchn_port_t" => 20,
    }

    /// XEN_DOMCTL_vmtrace_op.
    pub struct xen_domctl_vmtrace_op: size 24, align 8 {
        /// XEN_DOMCTL_vmtrace_*.
        pub cmd: u32 => 0,
        /// vCPU.
        pub vcpu: u32 => 4,
        /// Command-specific key.
        pub key: u64 => 8,
        /// Command-specific value.
        pub value: u64 => 16,
    }

    /// XEN_DOMCTL_get_device_group.
    pub struct xen_domctl_get_device_group: size 24, align 8 {
        /// Machine PCI SBDF.
        pub machine_sbdf: u32 => 0,
        /// Buffer entries.
        pub max_sdevs: u32 => 4,
        /// Out: devices in the group.
        pub num_sdevs: u32 => 8,
        /// Padding before `sdev_array`.
        pad _pad0: [u8; 4] => 12,
        /// Out: the devices.
        pub sdev_array: GuestHandle<u32> => 16,
    }

    /// One MSR of XEN_DOMCTL_{get,set}_vcpu_msrs.
    pub struct xen_domctl_vcpu_msr: size 16, align 8 {
        /// MSR index.
        pub index: u32 => 0,
        /// Must be zero.
        pub reserved: u32 => 4,
        /// Value.
        pub value: u64 => 8,
    }

    /// XEN_DOMCTL_{get,set}_vcpu_msrs.
    pub struct xen_domctl_vcpu_msrs: size 16, align 8 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// In: buffer entries; out: MSRs.
        pub msr_count: u32 => 4,
        /// The MSRs.
        pub msrs: GuestHandle<xen_domctl_vcpu_msr> => 8,
    }

    /// XEN_DOMCTL_ioport_mapping.
    pub struct xen_domctl_ioport_mapping: size 16, align 4 {
        /// First guest port.
        pub first_gport: u32 => 0,
        /// First machine port.
        pub first_mport: u32 => 4,
        /// Number of ports.
        pub nr_ports: u32 => 8,
        /// DPCI_ADD_MAPPING or DPCI_REMOVE_MAPPING.
        pub add_mapping: u32 => 12,
    }

    /// XEN_DOMCTL_{assign,test_assign,deassign}_device.
    pub struct xen_domctl_assign_device: size 24, align 8 {
        /// XEN_DOMCTL_DEV_*.
        pub dev: u32 => 0,
        /// XEN_DOMCTL_DEV_RDM_RELAXED.
        pub flags: u32 => 4,
        /// The device: PCI SBDF, or device-tree path and length (C: a union).
        pub u: [u64; 2] => 8,
    }

    /// A domain control call: `cmd` selects the member of `u`.
    pub struct xen_domctl: size 144, align 8 {
        /// XEN_DOMCTL_* command.
        pub cmd: u32 => 0,
        /// XEN_DOMCTL_INTERFACE_VERSION.
        pub interface_version: u32 => 4,
        /// Target domain.
        pub domain: domid_t as "domid_t" => 8,
        /// Reserved.
        pub _pad: [u16; 3] => 10,
        /// The command's struct (C: a union padded to 128 bytes).
        pub u: [u64; 16] => 16,
    }
}

impl xen_domctl {
    /// A zeroed call of `cmd` at this interface version.
    pub fn new(cmd: u32, domain: domid_t) -> Self {
        Self {
            cmd,
            interface_version: XEN_DOMCTL_INTERFACE_VERSION,
            domain,
            ..Self::default()
        }
    }
}

impl Payload for xen_domctl {
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
    assert!(size_of::<xen_domctl_createdomain>() <= u);
    assert!(size_of::<xen_domctl_getdomaininfo>() <= u);
    assert!(size_of::<xen_domctl_vcpuaffinity>() <= u);
    assert!(size_of::<xen_domctl_cpu_policy>() <= u);
};
