/* xen-rs/domctl.h: Xen's public/domctl.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_DOMCTL_H
#define XEN_RS_DOMCTL_H

#include "abi-types.h"
#include "arch-x86/xen.h"
#include "event_channel.h"
#include "memory.h"
#include "xen.h"

/** Version of this interface; a mismatch fails with -EACCES. */
#define XEN_DOMCTL_INTERFACE_VERSION 0x15
/** Create a domain (the new id is returned in `domain`). */
#define XEN_DOMCTL_createdomain 1
/** Destroy a domain (preemptible). */
#define XEN_DOMCTL_destroydomain 2
/** Pause a domain. */
#define XEN_DOMCTL_pausedomain 3
/** Unpause a domain. */
#define XEN_DOMCTL_unpausedomain 4
/** Information about one domain. */
#define XEN_DOMCTL_getdomaininfo 5
/** Set a vCPU's CPU affinity. */
#define XEN_DOMCTL_setvcpuaffinity 9
/** Shadow / paging-mode and log-dirty control. */
#define XEN_DOMCTL_shadow_op 10
/** Set a domain's memory limit. */
#define XEN_DOMCTL_max_mem 11
/** Set a vCPU's register state. */
#define XEN_DOMCTL_setvcpucontext 12
/** Read a vCPU's register state. */
#define XEN_DOMCTL_getvcpucontext 13
/** Runtime information about a vCPU. */
#define XEN_DOMCTL_getvcpuinfo 14
/** Set the number of vCPUs. */
#define XEN_DOMCTL_max_vcpus 15
/** Per-domain scheduler parameters. */
#define XEN_DOMCTL_scheduler_op 16
/** Set a domain's handle (UUID). */
#define XEN_DOMCTL_setdomainhandle 17
/** Enable or disable debugging of a domain. */
#define XEN_DOMCTL_setdebugging 18
/** Grant or revoke access to a physical IRQ. */
#define XEN_DOMCTL_irq_permission 19
/** Grant or revoke access to machine frames. */
#define XEN_DOMCTL_iomem_permission 20
/** Grant or revoke access to I/O ports. */
#define XEN_DOMCTL_ioport_permission 21
/** Write the hypercall page into a guest frame. */
#define XEN_DOMCTL_hypercall_init 22
/** Set a domain's wallclock offset. */
#define XEN_DOMCTL_settimeoffset 24
/** Read a vCPU's CPU affinity. */
#define XEN_DOMCTL_getvcpuaffinity 25
/** Obsolete (PowerPC). */
#define XEN_DOMCTL_real_mode_area 26
/** Resume a suspended domain. */
#define XEN_DOMCTL_resumedomain 27
/** Send a trigger (NMI, reset, power button...) to a domain. */
#define XEN_DOMCTL_sendtrigger 28
/** Port notified of a domain's state changes. */
#define XEN_DOMCTL_subscribe 29
/** Save a domain's HVM state. */
#define XEN_DOMCTL_gethvmcontext 33
/** Restore a domain's HVM state. */
#define XEN_DOMCTL_sethvmcontext 34
/** Set a PV domain's address size. */
#define XEN_DOMCTL_set_address_size 35
/** Read a PV domain's address size. */
#define XEN_DOMCTL_get_address_size 36
/** Pass a device through to a domain. */
#define XEN_DOMCTL_assign_device 37
/** Bind a passed-through device's IRQ. */
#define XEN_DOMCTL_bind_pt_irq 38
/** Map or unmap machine frames into a domain's p2m. */
#define XEN_DOMCTL_memory_mapping 39
/** Map or unmap I/O ports of a domain. */
#define XEN_DOMCTL_ioport_mapping 40
/** Set extended vCPU state. */
#define XEN_DOMCTL_set_ext_vcpucontext 42
/** Read extended vCPU state. */
#define XEN_DOMCTL_get_ext_vcpucontext 43
/** Obsolete (IA64). */
#define XEN_DOMCTL_set_opt_feature 44
/** Whether a device can be assigned. */
#define XEN_DOMCTL_test_assign_device 45
/** Make a domain the device-model target of another. */
#define XEN_DOMCTL_set_target 46
/** Take a passed-through device back. */
#define XEN_DOMCTL_deassign_device 47
/** Unbind a passed-through device's IRQ. */
#define XEN_DOMCTL_unbind_pt_irq 48
/** Devices that must be assigned together. */
#define XEN_DOMCTL_get_device_group 50
/** Debugger operations (single step). */
#define XEN_DOMCTL_debug_op 54
/** Save one record of a domain's HVM state. */
#define XEN_DOMCTL_gethvmcontext_partial 55
/** vm_event (paging, monitor, sharing) rings. */
#define XEN_DOMCTL_vm_event_op 56
/** Memory sharing control. */
#define XEN_DOMCTL_mem_sharing_op 57
/** Read a domain's TSC mode. */
#define XEN_DOMCTL_gettscinfo 59
/** Set a domain's TSC mode. */
#define XEN_DOMCTL_settscinfo 60
/** Types of a PV domain's frames. */
#define XEN_DOMCTL_getpageframeinfo3 61
/** Set a vCPU's extended (xsave) state. */
#define XEN_DOMCTL_setvcpuextstate 62
/** Read a vCPU's extended (xsave) state. */
#define XEN_DOMCTL_getvcpuextstate 63
/** Pause vCPUs on access faults without a listener. */
#define XEN_DOMCTL_set_access_required 64
/** Audit a domain's p2m. */
#define XEN_DOMCTL_audit_p2m 65
/** Make a domain the handler of a global VIRQ. */
#define XEN_DOMCTL_set_virq_handler 66
/** Mark a frame broken in a domain's p2m. */
#define XEN_DOMCTL_set_broken_page_p2m 67
/** Set a domain's NUMA node affinity. */
#define XEN_DOMCTL_setnodeaffinity 68
/** Read a domain's NUMA node affinity. */
#define XEN_DOMCTL_getnodeaffinity 69
/** Flush caches for a range of a domain's frames. */
#define XEN_DOMCTL_cacheflush 71
/** Read a vCPU's MSRs. */
#define XEN_DOMCTL_get_vcpu_msrs 72
/** Set a vCPU's MSRs. */
#define XEN_DOMCTL_set_vcpu_msrs 73
/** Set a domain's virtual NUMA topology. */
#define XEN_DOMCTL_setvnumainfo 74
/** Cache monitoring. */
#define XEN_DOMCTL_psr_cmt_op 75
/** vm_event monitor configuration. */
#define XEN_DOMCTL_monitor_op 77
/** Cache and bandwidth allocation. */
#define XEN_DOMCTL_psr_alloc 78
/** Soft-reset a domain. */
#define XEN_DOMCTL_soft_reset 79
/** Virtual UART (Arm). */
#define XEN_DOMCTL_vuart_op 81
/** Read a domain's CPUID and MSR policy. */
#define XEN_DOMCTL_get_cpu_policy 82
/** Set a domain's CPUID and MSR policy. */
#define XEN_DOMCTL_set_cpu_policy 83
/** Processor trace control. */
#define XEN_DOMCTL_vmtrace_op 84
/** Read the size of a domain's paging pool. */
#define XEN_DOMCTL_get_paging_mempool_size 85
/** Set the size of a domain's paging pool. */
#define XEN_DOMCTL_set_paging_mempool_size 86
/** gdbsx: read or write guest memory. */
#define XEN_DOMCTL_gdbsx_guestmemio 1000
/** gdbsx: pause a vCPU. */
#define XEN_DOMCTL_gdbsx_pausevcpu 1001
/** gdbsx: unpause a vCPU. */
#define XEN_DOMCTL_gdbsx_unpausevcpu 1002
/** gdbsx: domain status. */
#define XEN_DOMCTL_gdbsx_domstatus 1003
/** Bit number of `XEN_DOMCTL_CDF_hvm`. */
#define _XEN_DOMCTL_CDF_hvm 0
/** The domain is HVM (or PVH). */
#define XEN_DOMCTL_CDF_hvm 0x1
/** Bit number of `XEN_DOMCTL_CDF_hap`. */
#define _XEN_DOMCTL_CDF_hap 1
/** Use hardware-assisted paging. */
#define XEN_DOMCTL_CDF_hap 0x2
/** Bit number of `XEN_DOMCTL_CDF_s3_integrity`. */
#define _XEN_DOMCTL_CDF_s3_integrity 2
/** Keep memory integrity over S3 (tboot). */
#define XEN_DOMCTL_CDF_s3_integrity 0x4
/** Bit number of `XEN_DOMCTL_CDF_oos_off`. */
#define _XEN_DOMCTL_CDF_oos_off 3
/** Disable out-of-sync shadow page tables. */
#define XEN_DOMCTL_CDF_oos_off 0x8
/** Bit number of `XEN_DOMCTL_CDF_xs_domain`. */
#define _XEN_DOMCTL_CDF_xs_domain 4
/** The domain runs xenstore. */
#define XEN_DOMCTL_CDF_xs_domain 0x10
/** Bit number of `XEN_DOMCTL_CDF_iommu`. */
#define _XEN_DOMCTL_CDF_iommu 5
/** The domain uses the IOMMU. */
#define XEN_DOMCTL_CDF_iommu 0x20
/** Bit number of `XEN_DOMCTL_CDF_nested_virt`. */
#define _XEN_DOMCTL_CDF_nested_virt 6
/** Nested virtualisation. */
#define XEN_DOMCTL_CDF_nested_virt 0x40
/** Virtual PMU. */
#define XEN_DOMCTL_CDF_vpmu 0x80
/** Highest createdomain flag. */
#define XEN_DOMCTL_CDF_MAX 128
/** Bit number of `XEN_DOMCTL_IOMMU_no_sharept`. */
#define _XEN_DOMCTL_IOMMU_no_sharept 0
/** Do not share the p2m with the IOMMU. */
#define XEN_DOMCTL_IOMMU_no_sharept 0x1
/** Highest IOMMU option. */
#define XEN_DOMCTL_IOMMU_MAX 1
/** Mask of the grant-table version in grant_opts. */
#define XEN_DOMCTL_GRANT_version_mask 0xf
/** Bit number of `XEN_DOMINF_dying`. */
#define _XEN_DOMINF_dying 0
/** The domain is being destroyed. */
#define XEN_DOMINF_dying 0x1
/** Bit number of `XEN_DOMINF_hvm_guest`. */
#define _XEN_DOMINF_hvm_guest 1
/** The domain is HVM. */
#define XEN_DOMINF_hvm_guest 0x2
/** Bit number of `XEN_DOMINF_shutdown`. */
#define _XEN_DOMINF_shutdown 2
/** The domain has shut down (reason in the shutdown field). */
#define XEN_DOMINF_shutdown 0x4
/** Bit number of `XEN_DOMINF_paused`. */
#define _XEN_DOMINF_paused 3
/** The domain is paused by the toolstack. */
#define XEN_DOMINF_paused 0x8
/** Bit number of `XEN_DOMINF_blocked`. */
#define _XEN_DOMINF_blocked 4
/** All vCPUs are blocked. */
#define XEN_DOMINF_blocked 0x10
/** Bit number of `XEN_DOMINF_running`. */
#define _XEN_DOMINF_running 5
/** A vCPU is running. */
#define XEN_DOMINF_running 0x20
/** Bit number of `XEN_DOMINF_debugged`. */
#define _XEN_DOMINF_debugged 6
/** A debugger is attached. */
#define XEN_DOMINF_debugged 0x40
/** Bit number of `XEN_DOMINF_xs_domain`. */
#define _XEN_DOMINF_xs_domain 7
/** The domain runs xenstore. */
#define XEN_DOMINF_xs_domain 0x80
/** Bit number of `XEN_DOMINF_hap`. */
#define _XEN_DOMINF_hap 8
/** The domain uses hardware-assisted paging. */
#define XEN_DOMINF_hap 0x100
/** Mask of the shutdown reason in the flags. */
#define XEN_DOMINF_shutdownmask 255
/** Shift of the shutdown reason in the flags. */
#define XEN_DOMINF_shutdownshift 16
/** max_vcpu_id of a domain without vCPUs. */
#define XEN_INVALID_MAX_VCPU_ID 0xffffffffU
/** Shift of the page-table type. */
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT 28
/** Not a page table. */
#define XEN_DOMCTL_PFINFO_NOTAB 0x0
/** L1 page table. */
#define XEN_DOMCTL_PFINFO_L1TAB 0x10000000
/** L2 page table. */
#define XEN_DOMCTL_PFINFO_L2TAB 0x20000000
/** L3 page table. */
#define XEN_DOMCTL_PFINFO_L3TAB 0x30000000
/** L4 page table. */
#define XEN_DOMCTL_PFINFO_L4TAB 0x40000000
/** Mask of the table level. */
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK 0x70000000
/** The table is pinned. */
#define XEN_DOMCTL_PFINFO_LPINTAB 0x80000000U
/** Invalid page. */
#define XEN_DOMCTL_PFINFO_XTAB 0xf0000000U
/** Allocate-only page. */
#define XEN_DOMCTL_PFINFO_XALLOC 0xe0000000U
/** Broken page. */
#define XEN_DOMCTL_PFINFO_BROKEN 0xd0000000U
/** Mask of the type. */
#define XEN_DOMCTL_PFINFO_LTAB_MASK 0xf0000000U
/** Turn shadow / log-dirty mode off. */
#define XEN_DOMCTL_SHADOW_OP_OFF 0
/** Enable shadow mode with the `mode` flags. */
#define XEN_DOMCTL_SHADOW_OP_ENABLE 32
/** Read and clear the dirty bitmap. */
#define XEN_DOMCTL_SHADOW_OP_CLEAN 11
/** Read the dirty bitmap. */
#define XEN_DOMCTL_SHADOW_OP_PEEK 12
/** Read the paging pool size (MiB). */
#define XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION 30
/** Set the paging pool size (MiB). */
#define XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION 31
/** Old: enable test mode. */
#define XEN_DOMCTL_SHADOW_OP_ENABLE_TEST 1
/** Old: enable log-dirty mode. */
#define XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY 2
/** Mode: refcounting. */
#define XEN_DOMCTL_SHADOW_ENABLE_REFCOUNT 0x2
/** Mode: log dirty pages. */
#define XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY 0x4
/** Mode: translate guest frames. */
#define XEN_DOMCTL_SHADOW_ENABLE_TRANSLATE 0x8
/** Mode: external page tables. */
#define XEN_DOMCTL_SHADOW_ENABLE_EXTERNAL 0x10
/** Mode: last log-dirty pass. */
#define XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL 0x1
/** Bit number of `XEN_VCPUAFFINITY_HARD`. */
#define _XEN_VCPUAFFINITY_HARD 0
/** Set or read the hard affinity. */
#define XEN_VCPUAFFINITY_HARD 0x1
/** Bit number of `XEN_VCPUAFFINITY_SOFT`. */
#define _XEN_VCPUAFFINITY_SOFT 1
/** Set or read the soft affinity. */
#define XEN_VCPUAFFINITY_SOFT 0x2
/** Bit number of `XEN_VCPUAFFINITY_FORCE`. */
#define _XEN_VCPUAFFINITY_FORCE 2
/** Undo a temporary pin override. */
#define XEN_VCPUAFFINITY_FORCE 0x4
/** Credit scheduler. */
#define XEN_SCHEDULER_CREDIT 5
/** Credit2 scheduler. */
#define XEN_SCHEDULER_CREDIT2 6
/** ARINC 653 scheduler. */
#define XEN_SCHEDULER_ARINC653 7
/** RTDS scheduler. */
#define XEN_SCHEDULER_RTDS 8
/** Null scheduler. */
#define XEN_SCHEDULER_NULL 9
/** Bit number of `XEN_DOMCTL_SCHEDRT_extra`. */
#define _XEN_DOMCTL_SCHEDRT_extra 0
/** RTDS: the vCPU may use extra time. */
#define XEN_DOMCTL_SCHEDRT_extra 0x1
/** Scheduler op: set domain parameters. */
#define XEN_DOMCTL_SCHEDOP_putinfo 0
/** Scheduler op: read domain parameters. */
#define XEN_DOMCTL_SCHEDOP_getinfo 1
/** Scheduler op: set vCPU parameters. */
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
/** Scheduler op: read vCPU parameters. */
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3
/** Trigger: NMI. */
#define XEN_DOMCTL_SENDTRIGGER_NMI 0
/** Trigger: reset. */
#define XEN_DOMCTL_SENDTRIGGER_RESET 1
/** Trigger: INIT. */
#define XEN_DOMCTL_SENDTRIGGER_INIT 2
/** Trigger: power button. */
#define XEN_DOMCTL_SENDTRIGGER_POWER 3
/** Trigger: sleep button. */
#define XEN_DOMCTL_SENDTRIGGER_SLEEP 4
/** Device type: PCI. */
#define XEN_DOMCTL_DEV_PCI 0
/** Device type: device tree. */
#define XEN_DOMCTL_DEV_DT 1
/** Assign even with reserved device memory conflicts. */
#define XEN_DOMCTL_DEV_RDM_RELAXED 1
/** bind_pt_irq MSI flags: destination id mask. */
#define XEN_DOMCTL_VMSI_X86_DEST_ID_MASK 0xff
/** bind_pt_irq MSI flags: redirection hint. */
#define XEN_DOMCTL_VMSI_X86_RH_MASK 0x100
/** bind_pt_irq MSI flags: destination mode. */
#define XEN_DOMCTL_VMSI_X86_DM_MASK 0x200
/** bind_pt_irq MSI flags: delivery mode mask. */
#define XEN_DOMCTL_VMSI_X86_DELIV_MASK 0x7000
/** bind_pt_irq MSI flags: trigger mode. */
#define XEN_DOMCTL_VMSI_X86_TRIG_MASK 0x8000
/** bind_pt_irq MSI flags: the vector is unmasked. */
#define XEN_DOMCTL_VMSI_X86_UNMASKED 0x10000
/** CPUID policy: no subleaf input. */
#define XEN_CPUID_INPUT_UNUSED 0xffffffffU
/** memory_mapping: add. */
#define DPCI_ADD_MAPPING 1
/** memory_mapping: remove. */
#define DPCI_REMOVE_MAPPING 0
/** Cache attribute: uncacheable. */
#define XEN_DOMCTL_MEM_CACHEATTR_UC 0
/** Cache attribute: write combining. */
#define XEN_DOMCTL_MEM_CACHEATTR_WC 1
/** Cache attribute: write through. */
#define XEN_DOMCTL_MEM_CACHEATTR_WT 4
/** Cache attribute: write protected. */
#define XEN_DOMCTL_MEM_CACHEATTR_WP 5
/** Cache attribute: write back. */
#define XEN_DOMCTL_MEM_CACHEATTR_WB 6
/** Cache attribute: uncacheable minus. */
#define XEN_DOMCTL_MEM_CACHEATTR_UCM 7
/** Remove a pinned cache attribute. */
#define XEN_DOMCTL_DELETE_MEM_CACHEATTR 0xffffffffU
/** Debug op: stop single stepping. */
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_OFF 0
/** Debug op: start single stepping. */
#define XEN_DOMCTL_DEBUG_OP_SINGLE_STEP_ON 1
/** vm_event: enable a ring. */
#define XEN_VM_EVENT_ENABLE 0
/** vm_event: disable a ring. */
#define XEN_VM_EVENT_DISABLE 1
/** vm_event: resume after processing requests. */
#define XEN_VM_EVENT_RESUME 2
/** vm_event: interface version. */
#define XEN_VM_EVENT_GET_VERSION 3
/** vm_event ring: paging. */
#define XEN_DOMCTL_VM_EVENT_OP_PAGING 1
/** vm_event ring: monitor. */
#define XEN_DOMCTL_VM_EVENT_OP_MONITOR 2
/** vm_event ring: sharing. */
#define XEN_DOMCTL_VM_EVENT_OP_SHARING 3
/** Memory sharing: enable or disable. */
#define XEN_DOMCTL_MEM_SHARING_CONTROL 0
/** Cache monitoring: detach. */
#define XEN_DOMCTL_PSR_CMT_OP_DETACH 0
/** Cache monitoring: attach. */
#define XEN_DOMCTL_PSR_CMT_OP_ATTACH 1
/** Cache monitoring: query the RMID. */
#define XEN_DOMCTL_PSR_CMT_OP_QUERY_RMID 2
/** Allocation: set the L3 capacity bitmask. */
#define XEN_DOMCTL_PSR_SET_L3_CBM 0
/** Allocation: read the L3 capacity bitmask. */
#define XEN_DOMCTL_PSR_GET_L3_CBM 1
/** Allocation: set the L3 code bitmask. */
#define XEN_DOMCTL_PSR_SET_L3_CODE 2
/** Allocation: set the L3 data bitmask. */
#define XEN_DOMCTL_PSR_SET_L3_DATA 3
/** Allocation: read the L3 code bitmask. */
#define XEN_DOMCTL_PSR_GET_L3_CODE 4
/** Allocation: read the L3 data bitmask. */
#define XEN_DOMCTL_PSR_GET_L3_DATA 5
/** Allocation: set the L2 capacity bitmask. */
#define XEN_DOMCTL_PSR_SET_L2_CBM 6
/** Allocation: read the L2 capacity bitmask. */
#define XEN_DOMCTL_PSR_GET_L2_CBM 7
/** Allocation: set the memory bandwidth throttle. */
#define XEN_DOMCTL_PSR_SET_MBA_THRTL 8
/** Allocation: read the memory bandwidth throttle. */
#define XEN_DOMCTL_PSR_GET_MBA_THRTL 9
/** vUART: initialise. */
#define XEN_DOMCTL_VUART_OP_INIT 0
/** vUART type: PL011. */
#define XEN_DOMCTL_VUART_TYPE_VPL011 0
/** Monitor: enable an event. */
#define XEN_DOMCTL_MONITOR_OP_ENABLE 0
/** Monitor: disable an event. */
#define XEN_DOMCTL_MONITOR_OP_DISABLE 1
/** Monitor: capabilities. */
#define XEN_DOMCTL_MONITOR_OP_GET_CAPABILITIES 2
/** Monitor: emulate each repetition of rep instructions. */
#define XEN_DOMCTL_MONITOR_OP_EMULATE_EACH_REP 3
/** Monitor: control-register options. */
#define XEN_DOMCTL_MONITOR_OP_CONTROL_REGISTERS 4
/** Monitor event: control register write. */
#define XEN_DOMCTL_MONITOR_EVENT_WRITE_CTRLREG 0
/** Monitor event: MSR write. */
#define XEN_DOMCTL_MONITOR_EVENT_MOV_TO_MSR 1
/** Monitor event: single step. */
#define XEN_DOMCTL_MONITOR_EVENT_SINGLESTEP 2
/** Monitor event: software breakpoint. */
#define XEN_DOMCTL_MONITOR_EVENT_SOFTWARE_BREAKPOINT 3
/** Monitor event: guest request. */
#define XEN_DOMCTL_MONITOR_EVENT_GUEST_REQUEST 4
/** Monitor event: debug exception. */
#define XEN_DOMCTL_MONITOR_EVENT_DEBUG_EXCEPTION 5
/** Monitor event: CPUID. */
#define XEN_DOMCTL_MONITOR_EVENT_CPUID 6
/** Monitor event: privileged call. */
#define XEN_DOMCTL_MONITOR_EVENT_PRIVILEGED_CALL 7
/** Monitor event: interrupt. */
#define XEN_DOMCTL_MONITOR_EVENT_INTERRUPT 8
/** Monitor event: descriptor table access. */
#define XEN_DOMCTL_MONITOR_EVENT_DESC_ACCESS 9
/** Monitor event: unimplemented emulation. */
#define XEN_DOMCTL_MONITOR_EVENT_EMUL_UNIMPLEMENTED 10
/** Monitor event: in-guest page fault. */
#define XEN_DOMCTL_MONITOR_EVENT_INGUEST_PAGEFAULT 11
/** Monitor event: VM exit. */
#define XEN_DOMCTL_MONITOR_EVENT_VMEXIT 12
/** vmtrace: enable. */
#define XEN_DOMCTL_vmtrace_enable 1
/** vmtrace: disable. */
#define XEN_DOMCTL_vmtrace_disable 2
/** vmtrace: reset and enable. */
#define XEN_DOMCTL_vmtrace_reset_and_enable 3
/** vmtrace: output position. */
#define XEN_DOMCTL_vmtrace_output_position 4
/** vmtrace: read an option. */
#define XEN_DOMCTL_vmtrace_get_option 5
/** vmtrace: set an option. */
#define XEN_DOMCTL_vmtrace_set_option 6

/** grant_opts encoding of the maximum grant-table version. */
#define XEN_DOMCTL_GRANT_version(v) ((v) & XEN_DOMCTL_GRANT_version_mask)

/** XEN_DOMCTL_createdomain. */
struct xen_domctl_createdomain {
    /** XSM security label. */
    uint32_t ssidref;
    /** Domain handle (UUID). */
    uint8_t handle[16];
    /** XEN_DOMCTL_CDF_* flags. */
    uint32_t flags;
    /** XEN_DOMCTL_IOMMU_* options. */
    uint32_t iommu_opts;
    /** Maximum number of vCPUs. */
    uint32_t max_vcpus;
    /** Highest event channel port. */
    uint32_t max_evtchn_port;
    /** Grant-table frames (-1: default). */
    int32_t max_grant_frames;
    /** Maptrack frames (-1: default). */
    int32_t max_maptrack_frames;
    /** Grant-table options (XEN_DOMCTL_GRANT_version). */
    uint32_t grant_opts;
    /** Per-vCPU trace buffer size. */
    uint32_t vmtrace_size;
    /** CPU pool. */
    uint32_t cpupool_id;
    /** Architecture configuration. */
    struct xen_arch_domainconfig arch;
};
typedef struct xen_domctl_createdomain xen_domctl_createdomain_t;
XEN_RS_CHECK(xen_domctl_createdomain_size, sizeof(struct xen_domctl_createdomain) == 64);
XEN_RS_CHECK(xen_domctl_createdomain__ssidref, offsetof(struct xen_domctl_createdomain, ssidref) == 0);
XEN_RS_CHECK(xen_domctl_createdomain__handle, offsetof(struct xen_domctl_createdomain, handle) == 4);
XEN_RS_CHECK(xen_domctl_createdomain__flags, offsetof(struct xen_domctl_createdomain, flags) == 20);
XEN_RS_CHECK(xen_domctl_createdomain__iommu_opts, offsetof(struct xen_domctl_createdomain, iommu_opts) == 24);
XEN_RS_CHECK(xen_domctl_createdomain__max_vcpus, offsetof(struct xen_domctl_createdomain, max_vcpus) == 28);
XEN_RS_CHECK(xen_domctl_createdomain__max_evtchn_port, offsetof(struct xen_domctl_createdomain, max_evtchn_port) == 32);
XEN_RS_CHECK(xen_domctl_createdomain__max_grant_frames, offsetof(struct xen_domctl_createdomain, max_grant_frames) == 36);
XEN_RS_CHECK(xen_domctl_createdomain__max_maptrack_frames, offsetof(struct xen_domctl_createdomain, max_maptrack_frames) == 40);
XEN_RS_CHECK(xen_domctl_createdomain__grant_opts, offsetof(struct xen_domctl_createdomain, grant_opts) == 44);
XEN_RS_CHECK(xen_domctl_createdomain__vmtrace_size, offsetof(struct xen_domctl_createdomain, vmtrace_size) == 48);
XEN_RS_CHECK(xen_domctl_createdomain__cpupool_id, offsetof(struct xen_domctl_createdomain, cpupool_id) == 52);
XEN_RS_CHECK(xen_domctl_createdomain__arch, offsetof(struct xen_domctl_createdomain, arch) == 56);

/** XEN_DOMCTL_getdomaininfo (and sysctl getdomaininfolist entries). */
struct xen_domctl_getdomaininfo {
    /** Domain. */
    domid_t domain;
    /** Reserved. */
    uint16_t pad1;
    /** XEN_DOMINF_* flags. */
    uint32_t flags;
    /** Pages the domain has. */
    uint64_t tot_pages;
    /** Page limit. */
    uint64_t max_pages;
    /** Pages still claimed and not yet allocated. */
    uint64_t outstanding_pages;
    /** Shared pages. */
    uint64_t shr_pages;
    /** Paged-out pages. */
    uint64_t paged_pages;
    /** Frame of shared_info. */
    uint64_t shared_info_frame;
    /** CPU time used, in ns. */
    uint64_t cpu_time;
    /** vCPUs online. */
    uint32_t nr_online_vcpus;
    /** Highest vCPU id. */
    uint32_t max_vcpu_id;
    /** XSM security label. */
    uint32_t ssidref;
    /** Domain handle (UUID). */
    uint8_t handle[16];
    /** CPU pool. */
    uint32_t cpupool;
    /** Guest physical address width. */
    uint8_t gpaddr_bits;
    /** Reserved. */
    uint8_t pad2[7];
    /** Architecture configuration. */
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
XEN_RS_CHECK(xen_domctl_getdomaininfo_size, sizeof(struct xen_domctl_getdomaininfo) == 112);
XEN_RS_CHECK(xen_domctl_getdomaininfo__domain, offsetof(struct xen_domctl_getdomaininfo, domain) == 0);
XEN_RS_CHECK(xen_domctl_getdomaininfo__pad1, offsetof(struct xen_domctl_getdomaininfo, pad1) == 2);
XEN_RS_CHECK(xen_domctl_getdomaininfo__flags, offsetof(struct xen_domctl_getdomaininfo, flags) == 4);
XEN_RS_CHECK(xen_domctl_getdomaininfo__tot_pages, offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8);
XEN_RS_CHECK(xen_domctl_getdomaininfo__max_pages, offsetof(struct xen_domctl_getdomaininfo, max_pages) == 16);
XEN_RS_CHECK(xen_domctl_getdomaininfo__outstanding_pages, offsetof(struct xen_domctl_getdomaininfo, outstanding_pages) == 24);
XEN_RS_CHECK(xen_domctl_getdomaininfo__shr_pages, offsetof(struct xen_domctl_getdomaininfo, shr_pages) == 32);
XEN_RS_CHECK(xen_domctl_getdomaininfo__paged_pages, offsetof(struct xen_domctl_getdomaininfo, paged_pages) == 40);
XEN_RS_CHECK(xen_domctl_getdomaininfo__shared_info_frame, offsetof(struct xen_domctl_getdomaininfo, shared_info_frame) == 48);
XEN_RS_CHECK(xen_domctl_getdomaininfo__cpu_time, offsetof(struct xen_domctl_getdomaininfo, cpu_time) == 56);
XEN_RS_CHECK(xen_domctl_getdomaininfo__nr_online_vcpus, offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64);
XEN_RS_CHECK(xen_domctl_getdomaininfo__max_vcpu_id, offsetof(struct xen_domctl_getdomaininfo, max_vcpu_id) == 68);
XEN_RS_CHECK(xen_domctl_getdomaininfo__ssidref, offsetof(struct xen_domctl_getdomaininfo, ssidref) == 72);
XEN_RS_CHECK(xen_domctl_getdomaininfo__handle, offsetof(struct xen_domctl_getdomaininfo, handle) == 76);
XEN_RS_CHECK(xen_domctl_getdomaininfo__cpupool, offsetof(struct xen_domctl_getdomaininfo, cpupool) == 92);
XEN_RS_CHECK(xen_domctl_getdomaininfo__gpaddr_bits, offsetof(struct xen_domctl_getdomaininfo, gpaddr_bits) == 96);
XEN_RS_CHECK(xen_domctl_getdomaininfo__pad2, offsetof(struct xen_domctl_getdomaininfo, pad2) == 97);
XEN_RS_CHECK(xen_domctl_getdomaininfo__arch_config, offsetof(struct xen_domctl_getdomaininfo, arch_config) == 104);

/** XEN_DOMCTL_getpageframeinfo3. */
struct xen_domctl_getpageframeinfo3 {
    /** Number of frames. */
    uint64_t num;
    /** In: frames; out: frames with XEN_DOMCTL_PFINFO_* types. */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) array;
};
typedef struct xen_domctl_getpageframeinfo3 xen_domctl_getpageframeinfo3_t;
XEN_RS_CHECK(xen_domctl_getpageframeinfo3_size, sizeof(struct xen_domctl_getpageframeinfo3) == 16);
XEN_RS_CHECK(xen_domctl_getpageframeinfo3__num, offsetof(struct xen_domctl_getpageframeinfo3, num) == 0);
XEN_RS_CHECK(xen_domctl_getpageframeinfo3__array, offsetof(struct xen_domctl_getpageframeinfo3, array) == 8);

/** Log-dirty statistics of XEN_DOMCTL_shadow_op. */
struct xen_domctl_shadow_op_stats {
    /** Faults since the last clean. */
    uint32_t fault_count;
    /** Dirty pages since the last clean. */
    uint32_t dirty_count;
};
typedef struct xen_domctl_shadow_op_stats xen_domctl_shadow_op_stats_t;
XEN_RS_CHECK(xen_domctl_shadow_op_stats_size, sizeof(struct xen_domctl_shadow_op_stats) == 8);
XEN_RS_CHECK(xen_domctl_shadow_op_stats__fault_count, offsetof(struct xen_domctl_shadow_op_stats, fault_count) == 0);
XEN_RS_CHECK(xen_domctl_shadow_op_stats__dirty_count, offsetof(struct xen_domctl_shadow_op_stats, dirty_count) == 4);

/** XEN_DOMCTL_shadow_op. */
struct xen_domctl_shadow_op {
    /** XEN_DOMCTL_SHADOW_OP_*. */
    uint32_t op;
    /** XEN_DOMCTL_SHADOW_ENABLE_* for OP_ENABLE. */
    uint32_t mode;
    /** Pool size in MiB. */
    uint32_t mb;
    /** Padding before `dirty_bitmap` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Dirty bitmap buffer. */
    XEN_RS_GUEST_HANDLE(uint8_t) dirty_bitmap;
    /** Buffer size in pages (bits); out: pages covered. */
    uint64_t pages;
    /** Out: statistics. */
    struct xen_domctl_shadow_op_stats stats;
};
typedef struct xen_domctl_shadow_op xen_domctl_shadow_op_t;
XEN_RS_CHECK(xen_domctl_shadow_op_size, sizeof(struct xen_domctl_shadow_op) == 40);
XEN_RS_CHECK(xen_domctl_shadow_op__op, offsetof(struct xen_domctl_shadow_op, op) == 0);
XEN_RS_CHECK(xen_domctl_shadow_op__mode, offsetof(struct xen_domctl_shadow_op, mode) == 4);
XEN_RS_CHECK(xen_domctl_shadow_op__mb, offsetof(struct xen_domctl_shadow_op, mb) == 8);
XEN_RS_CHECK(xen_domctl_shadow_op___pad0, offsetof(struct xen_domctl_shadow_op, _pad0) == 12);
XEN_RS_CHECK(xen_domctl_shadow_op__dirty_bitmap, offsetof(struct xen_domctl_shadow_op, dirty_bitmap) == 16);
XEN_RS_CHECK(xen_domctl_shadow_op__pages, offsetof(struct xen_domctl_shadow_op, pages) == 24);
XEN_RS_CHECK(xen_domctl_shadow_op__stats, offsetof(struct xen_domctl_shadow_op, stats) == 32);

/** XEN_DOMCTL_max_mem. */
struct xen_domctl_max_mem {
    /** Memory limit in KiB. */
    uint64_t max_memkb;
};
typedef struct xen_domctl_max_mem xen_domctl_max_mem_t;
XEN_RS_CHECK(xen_domctl_max_mem_size, sizeof(struct xen_domctl_max_mem) == 8);
XEN_RS_CHECK(xen_domctl_max_mem__max_memkb, offsetof(struct xen_domctl_max_mem, max_memkb) == 0);

/** XEN_DOMCTL_{set,get}vcpucontext. */
struct xen_domctl_vcpucontext {
    /** vCPU. */
    uint32_t vcpu;
    /** Padding before `ctxt` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** The register state. */
    XEN_RS_GUEST_HANDLE(struct vcpu_guest_context) ctxt;
};
typedef struct xen_domctl_vcpucontext xen_domctl_vcpucontext_t;
XEN_RS_CHECK(xen_domctl_vcpucontext_size, sizeof(struct xen_domctl_vcpucontext) == 16);
XEN_RS_CHECK(xen_domctl_vcpucontext__vcpu, offsetof(struct xen_domctl_vcpucontext, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_vcpucontext___pad0, offsetof(struct xen_domctl_vcpucontext, _pad0) == 4);
XEN_RS_CHECK(xen_domctl_vcpucontext__ctxt, offsetof(struct xen_domctl_vcpucontext, ctxt) == 8);

/** XEN_DOMCTL_getvcpuinfo. */
struct xen_domctl_getvcpuinfo {
    /** vCPU. */
    uint32_t vcpu;
    /** Out: online. */
    uint8_t online;
    /** Out: blocked. */
    uint8_t blocked;
    /** Out: running. */
    uint8_t running;
    /** Padding before `cpu_time` (implicit padding in Xen's header). */
    uint8_t _pad0[1];
    /** Out: CPU time used, in ns. */
    uint64_t cpu_time;
    /** Out: current physical CPU. */
    uint32_t cpu;
    /** Padding after `cpu` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xen_domctl_getvcpuinfo xen_domctl_getvcpuinfo_t;
XEN_RS_CHECK(xen_domctl_getvcpuinfo_size, sizeof(struct xen_domctl_getvcpuinfo) == 24);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__vcpu, offsetof(struct xen_domctl_getvcpuinfo, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__online, offsetof(struct xen_domctl_getvcpuinfo, online) == 4);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__blocked, offsetof(struct xen_domctl_getvcpuinfo, blocked) == 5);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__running, offsetof(struct xen_domctl_getvcpuinfo, running) == 6);
XEN_RS_CHECK(xen_domctl_getvcpuinfo___pad0, offsetof(struct xen_domctl_getvcpuinfo, _pad0) == 7);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__cpu_time, offsetof(struct xen_domctl_getvcpuinfo, cpu_time) == 8);
XEN_RS_CHECK(xen_domctl_getvcpuinfo__cpu, offsetof(struct xen_domctl_getvcpuinfo, cpu) == 16);
XEN_RS_CHECK(xen_domctl_getvcpuinfo___pad1, offsetof(struct xen_domctl_getvcpuinfo, _pad1) == 20);

/** XEN_DOMCTL_{set,get}nodeaffinity. */
struct xen_domctl_nodeaffinity {
    /** Node mask. */
    struct xenctl_bitmap nodemap;
};
typedef struct xen_domctl_nodeaffinity xen_domctl_nodeaffinity_t;
XEN_RS_CHECK(xen_domctl_nodeaffinity_size, sizeof(struct xen_domctl_nodeaffinity) == 16);
XEN_RS_CHECK(xen_domctl_nodeaffinity__nodemap, offsetof(struct xen_domctl_nodeaffinity, nodemap) == 0);

/** XEN_DOMCTL_{set,get}vcpuaffinity. */
struct xen_domctl_vcpuaffinity {
    /** vCPU. */
    uint32_t vcpu;
    /** XEN_VCPUAFFINITY_* flags. */
    uint32_t flags;
    /** Hard affinity. */
    struct xenctl_bitmap cpumap_hard;
    /** Soft affinity. */
    struct xenctl_bitmap cpumap_soft;
};
typedef struct xen_domctl_vcpuaffinity xen_domctl_vcpuaffinity_t;
XEN_RS_CHECK(xen_domctl_vcpuaffinity_size, sizeof(struct xen_domctl_vcpuaffinity) == 40);
XEN_RS_CHECK(xen_domctl_vcpuaffinity__vcpu, offsetof(struct xen_domctl_vcpuaffinity, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_vcpuaffinity__flags, offsetof(struct xen_domctl_vcpuaffinity, flags) == 4);
XEN_RS_CHECK(xen_domctl_vcpuaffinity__cpumap_hard, offsetof(struct xen_domctl_vcpuaffinity, cpumap_hard) == 8);
XEN_RS_CHECK(xen_domctl_vcpuaffinity__cpumap_soft, offsetof(struct xen_domctl_vcpuaffinity, cpumap_soft) == 24);

/** XEN_DOMCTL_max_vcpus. */
struct xen_domctl_max_vcpus {
    /** Number of vCPUs. */
    uint32_t max;
};
typedef struct xen_domctl_max_vcpus xen_domctl_max_vcpus_t;
XEN_RS_CHECK(xen_domctl_max_vcpus_size, sizeof(struct xen_domctl_max_vcpus) == 4);
XEN_RS_CHECK(xen_domctl_max_vcpus__max, offsetof(struct xen_domctl_max_vcpus, max) == 0);

/** Credit scheduler parameters. */
struct xen_domctl_sched_credit {
    /** Weight. */
    uint16_t weight;
    /** Cap (percent of a CPU, 0: none). */
    uint16_t cap;
};
typedef struct xen_domctl_sched_credit xen_domctl_sched_credit_t;
XEN_RS_CHECK(xen_domctl_sched_credit_size, sizeof(struct xen_domctl_sched_credit) == 4);
XEN_RS_CHECK(xen_domctl_sched_credit__weight, offsetof(struct xen_domctl_sched_credit, weight) == 0);
XEN_RS_CHECK(xen_domctl_sched_credit__cap, offsetof(struct xen_domctl_sched_credit, cap) == 2);

/** Credit2 scheduler parameters. */
struct xen_domctl_sched_credit2 {
    /** Weight. */
    uint16_t weight;
    /** Cap (percent of a CPU, 0: none). */
    uint16_t cap;
};
typedef struct xen_domctl_sched_credit2 xen_domctl_sched_credit2_t;
XEN_RS_CHECK(xen_domctl_sched_credit2_size, sizeof(struct xen_domctl_sched_credit2) == 4);
XEN_RS_CHECK(xen_domctl_sched_credit2__weight, offsetof(struct xen_domctl_sched_credit2, weight) == 0);
XEN_RS_CHECK(xen_domctl_sched_credit2__cap, offsetof(struct xen_domctl_sched_credit2, cap) == 2);

/** RTDS scheduler parameters. */
struct xen_domctl_sched_rtds {
    /** Period in us. */
    uint32_t period;
    /** Budget in us. */
    uint32_t budget;
    /** XEN_DOMCTL_SCHEDRT_* flags. */
    uint32_t flags;
};
typedef struct xen_domctl_sched_rtds xen_domctl_sched_rtds_t;
XEN_RS_CHECK(xen_domctl_sched_rtds_size, sizeof(struct xen_domctl_sched_rtds) == 12);
XEN_RS_CHECK(xen_domctl_sched_rtds__period, offsetof(struct xen_domctl_sched_rtds, period) == 0);
XEN_RS_CHECK(xen_domctl_sched_rtds__budget, offsetof(struct xen_domctl_sched_rtds, budget) == 4);
XEN_RS_CHECK(xen_domctl_sched_rtds__flags, offsetof(struct xen_domctl_sched_rtds, flags) == 8);

/** XEN_DOMCTL_scheduler_op. */
struct xen_domctl_scheduler_op {
    /** XEN_SCHEDULER_*. */
    uint32_t sched_id;
    /** XEN_DOMCTL_SCHEDOP_*. */
    uint32_t cmd;
    /** Scheduler parameters, or a vCPU array handle and count (C: a union). */
    uint64_t u[2];
};
typedef struct xen_domctl_scheduler_op xen_domctl_scheduler_op_t;
XEN_RS_CHECK(xen_domctl_scheduler_op_size, sizeof(struct xen_domctl_scheduler_op) == 24);
XEN_RS_CHECK(xen_domctl_scheduler_op__sched_id, offsetof(struct xen_domctl_scheduler_op, sched_id) == 0);
XEN_RS_CHECK(xen_domctl_scheduler_op__cmd, offsetof(struct xen_domctl_scheduler_op, cmd) == 4);
XEN_RS_CHECK(xen_domctl_scheduler_op__u, offsetof(struct xen_domctl_scheduler_op, u) == 8);

/** XEN_DOMCTL_setdomainhandle. */
struct xen_domctl_setdomainhandle {
    /** New handle. */
    uint8_t handle[16];
};
typedef struct xen_domctl_setdomainhandle xen_domctl_setdomainhandle_t;
XEN_RS_CHECK(xen_domctl_setdomainhandle_size, sizeof(struct xen_domctl_setdomainhandle) == 16);
XEN_RS_CHECK(xen_domctl_setdomainhandle__handle, offsetof(struct xen_domctl_setdomainhandle, handle) == 0);

/** XEN_DOMCTL_setdebugging. */
struct xen_domctl_setdebugging {
    /** Non-zero to enable. */
    uint8_t enable;
};
typedef struct xen_domctl_setdebugging xen_domctl_setdebugging_t;
XEN_RS_CHECK(xen_domctl_setdebugging_size, sizeof(struct xen_domctl_setdebugging) == 1);
XEN_RS_CHECK(xen_domctl_setdebugging__enable, offsetof(struct xen_domctl_setdebugging, enable) == 0);

/** XEN_DOMCTL_irq_permission. */
struct xen_domctl_irq_permission {
    /** Physical IRQ. */
    uint32_t pirq;
    /** Non-zero to allow. */
    uint8_t allow_access;
    /** Reserved. */
    uint8_t pad[3];
};
typedef struct xen_domctl_irq_permission xen_domctl_irq_permission_t;
XEN_RS_CHECK(xen_domctl_irq_permission_size, sizeof(struct xen_domctl_irq_permission) == 8);
XEN_RS_CHECK(xen_domctl_irq_permission__pirq, offsetof(struct xen_domctl_irq_permission, pirq) == 0);
XEN_RS_CHECK(xen_domctl_irq_permission__allow_access, offsetof(struct xen_domctl_irq_permission, allow_access) == 4);
XEN_RS_CHECK(xen_domctl_irq_permission__pad, offsetof(struct xen_domctl_irq_permission, pad) == 5);

/** XEN_DOMCTL_iomem_permission. */
struct xen_domctl_iomem_permission {
    /** First machine frame. */
    uint64_t first_mfn;
    /** Number of frames. */
    uint64_t nr_mfns;
    /** Non-zero to allow. */
    uint8_t allow_access;
    /** Padding after `allow_access` (implicit padding in Xen's header). */
    uint8_t _pad0[7];
};
typedef struct xen_domctl_iomem_permission xen_domctl_iomem_permission_t;
XEN_RS_CHECK(xen_domctl_iomem_permission_size, sizeof(struct xen_domctl_iomem_permission) == 24);
XEN_RS_CHECK(xen_domctl_iomem_permission__first_mfn, offsetof(struct xen_domctl_iomem_permission, first_mfn) == 0);
XEN_RS_CHECK(xen_domctl_iomem_permission__nr_mfns, offsetof(struct xen_domctl_iomem_permission, nr_mfns) == 8);
XEN_RS_CHECK(xen_domctl_iomem_permission__allow_access, offsetof(struct xen_domctl_iomem_permission, allow_access) == 16);
XEN_RS_CHECK(xen_domctl_iomem_permission___pad0, offsetof(struct xen_domctl_iomem_permission, _pad0) == 17);

/** XEN_DOMCTL_ioport_permission. */
struct xen_domctl_ioport_permission {
    /** First port. */
    uint32_t first_port;
    /** Number of ports. */
    uint32_t nr_ports;
    /** Non-zero to allow. */
    uint8_t allow_access;
    /** Padding after `allow_access` (implicit padding in Xen's header). */
    uint8_t _pad0[3];
};
typedef struct xen_domctl_ioport_permission xen_domctl_ioport_permission_t;
XEN_RS_CHECK(xen_domctl_ioport_permission_size, sizeof(struct xen_domctl_ioport_permission) == 12);
XEN_RS_CHECK(xen_domctl_ioport_permission__first_port, offsetof(struct xen_domctl_ioport_permission, first_port) == 0);
XEN_RS_CHECK(xen_domctl_ioport_permission__nr_ports, offsetof(struct xen_domctl_ioport_permission, nr_ports) == 4);
XEN_RS_CHECK(xen_domctl_ioport_permission__allow_access, offsetof(struct xen_domctl_ioport_permission, allow_access) == 8);
XEN_RS_CHECK(xen_domctl_ioport_permission___pad0, offsetof(struct xen_domctl_ioport_permission, _pad0) == 9);

/** XEN_DOMCTL_hypercall_init. */
struct xen_domctl_hypercall_init {
    /** Guest frame to fill. */
    uint64_t gmfn;
};
typedef struct xen_domctl_hypercall_init xen_domctl_hypercall_init_t;
XEN_RS_CHECK(xen_domctl_hypercall_init_size, sizeof(struct xen_domctl_hypercall_init) == 8);
XEN_RS_CHECK(xen_domctl_hypercall_init__gmfn, offsetof(struct xen_domctl_hypercall_init, gmfn) == 0);

/** XEN_DOMCTL_settimeoffset. */
struct xen_domctl_settimeoffset {
    /** Offset applied to the domain's wallclock, in seconds. */
    int64_t time_offset_seconds;
};
typedef struct xen_domctl_settimeoffset xen_domctl_settimeoffset_t;
XEN_RS_CHECK(xen_domctl_settimeoffset_size, sizeof(struct xen_domctl_settimeoffset) == 8);
XEN_RS_CHECK(xen_domctl_settimeoffset__time_offset_seconds, offsetof(struct xen_domctl_settimeoffset, time_offset_seconds) == 0);

/** XEN_DOMCTL_{get,set}hvmcontext. */
struct xen_domctl_hvmcontext {
    /** Buffer size; out: bytes used. */
    uint32_t size;
    /** Padding before `buffer` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** The buffer, or NULL to query the size. */
    XEN_RS_GUEST_HANDLE(uint8_t) buffer;
};
typedef struct xen_domctl_hvmcontext xen_domctl_hvmcontext_t;
XEN_RS_CHECK(xen_domctl_hvmcontext_size, sizeof(struct xen_domctl_hvmcontext) == 16);
XEN_RS_CHECK(xen_domctl_hvmcontext__size, offsetof(struct xen_domctl_hvmcontext, size) == 0);
XEN_RS_CHECK(xen_domctl_hvmcontext___pad0, offsetof(struct xen_domctl_hvmcontext, _pad0) == 4);
XEN_RS_CHECK(xen_domctl_hvmcontext__buffer, offsetof(struct xen_domctl_hvmcontext, buffer) == 8);

/** XEN_DOMCTL_gethvmcontext_partial. */
struct xen_domctl_hvmcontext_partial {
    /** Record type. */
    uint32_t type;
    /** Record instance. */
    uint32_t instance;
    /** Buffer size. */
    uint64_t bufsz;
    /** The buffer. */
    XEN_RS_GUEST_HANDLE(uint8_t) buffer;
};
typedef struct xen_domctl_hvmcontext_partial xen_domctl_hvmcontext_partial_t;
XEN_RS_CHECK(xen_domctl_hvmcontext_partial_size, sizeof(struct xen_domctl_hvmcontext_partial) == 24);
XEN_RS_CHECK(xen_domctl_hvmcontext_partial__type, offsetof(struct xen_domctl_hvmcontext_partial, type) == 0);
XEN_RS_CHECK(xen_domctl_hvmcontext_partial__instance, offsetof(struct xen_domctl_hvmcontext_partial, instance) == 4);
XEN_RS_CHECK(xen_domctl_hvmcontext_partial__bufsz, offsetof(struct xen_domctl_hvmcontext_partial, bufsz) == 8);
XEN_RS_CHECK(xen_domctl_hvmcontext_partial__buffer, offsetof(struct xen_domctl_hvmcontext_partial, buffer) == 16);

/** XEN_DOMCTL_{set,get}_address_size. */
struct xen_domctl_address_size {
    /** Address size in bits. */
    uint32_t size;
};
typedef struct xen_domctl_address_size xen_domctl_address_size_t;
XEN_RS_CHECK(xen_domctl_address_size_size, sizeof(struct xen_domctl_address_size) == 4);
XEN_RS_CHECK(xen_domctl_address_size__size, offsetof(struct xen_domctl_address_size, size) == 0);

/** XEN_DOMCTL_sendtrigger. */
struct xen_domctl_sendtrigger {
    /** XEN_DOMCTL_SENDTRIGGER_*. */
    uint32_t trigger;
    /** vCPU. */
    uint32_t vcpu;
};
typedef struct xen_domctl_sendtrigger xen_domctl_sendtrigger_t;
XEN_RS_CHECK(xen_domctl_sendtrigger_size, sizeof(struct xen_domctl_sendtrigger) == 8);
XEN_RS_CHECK(xen_domctl_sendtrigger__trigger, offsetof(struct xen_domctl_sendtrigger, trigger) == 0);
XEN_RS_CHECK(xen_domctl_sendtrigger__vcpu, offsetof(struct xen_domctl_sendtrigger, vcpu) == 4);

/** XEN_DOMCTL_memory_mapping. */
struct xen_domctl_memory_mapping {
    /** First guest frame. */
    uint64_t first_gfn;
    /** First machine frame. */
    uint64_t first_mfn;
    /** Number of frames. */
    uint64_t nr_mfns;
    /** DPCI_ADD_MAPPING or DPCI_REMOVE_MAPPING. */
    uint32_t add_mapping;
    /** Reserved. */
    uint32_t padding;
};
typedef struct xen_domctl_memory_mapping xen_domctl_memory_mapping_t;
XEN_RS_CHECK(xen_domctl_memory_mapping_size, sizeof(struct xen_domctl_memory_mapping) == 32);
XEN_RS_CHECK(xen_domctl_memory_mapping__first_gfn, offsetof(struct xen_domctl_memory_mapping, first_gfn) == 0);
XEN_RS_CHECK(xen_domctl_memory_mapping__first_mfn, offsetof(struct xen_domctl_memory_mapping, first_mfn) == 8);
XEN_RS_CHECK(xen_domctl_memory_mapping__nr_mfns, offsetof(struct xen_domctl_memory_mapping, nr_mfns) == 16);
XEN_RS_CHECK(xen_domctl_memory_mapping__add_mapping, offsetof(struct xen_domctl_memory_mapping, add_mapping) == 24);
XEN_RS_CHECK(xen_domctl_memory_mapping__padding, offsetof(struct xen_domctl_memory_mapping, padding) == 28);

/** XEN_DOMCTL_set_target. */
struct xen_domctl_set_target {
    /** Target domain. */
    domid_t target;
};
typedef struct xen_domctl_set_target xen_domctl_set_target_t;
XEN_RS_CHECK(xen_domctl_set_target_size, sizeof(struct xen_domctl_set_target) == 2);
XEN_RS_CHECK(xen_domctl_set_target__target, offsetof(struct xen_domctl_set_target, target) == 0);

/** XEN_DOMCTL_subscribe. */
struct xen_domctl_subscribe {
    /** Event channel port. */
    uint32_t port;
};
typedef struct xen_domctl_subscribe xen_domctl_subscribe_t;
XEN_RS_CHECK(xen_domctl_subscribe_size, sizeof(struct xen_domctl_subscribe) == 4);
XEN_RS_CHECK(xen_domctl_subscribe__port, offsetof(struct xen_domctl_subscribe, port) == 0);

/** XEN_DOMCTL_{get,set}_cpu_policy. */
struct xen_domctl_cpu_policy {
    /** Number of CPUID leaves. */
    uint32_t nr_leaves;
    /** Number of MSRs. */
    uint32_t nr_msrs;
    /** CPUID leaves. */
    XEN_RS_GUEST_HANDLE(struct xen_cpuid_leaf) leaves;
    /** MSRs. */
    XEN_RS_GUEST_HANDLE(struct xen_msr_entry) msrs;
    /** Out: leaf of the first error. */
    uint32_t err_leaf;
    /** Out: subleaf of the first error. */
    uint32_t err_subleaf;
    /** Out: MSR of the first error. */
    uint32_t err_msr;
    /** Padding after `err_msr` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xen_domctl_cpu_policy xen_domctl_cpu_policy_t;
XEN_RS_CHECK(xen_domctl_cpu_policy_size, sizeof(struct xen_domctl_cpu_policy) == 40);
XEN_RS_CHECK(xen_domctl_cpu_policy__nr_leaves, offsetof(struct xen_domctl_cpu_policy, nr_leaves) == 0);
XEN_RS_CHECK(xen_domctl_cpu_policy__nr_msrs, offsetof(struct xen_domctl_cpu_policy, nr_msrs) == 4);
XEN_RS_CHECK(xen_domctl_cpu_policy__leaves, offsetof(struct xen_domctl_cpu_policy, leaves) == 8);
XEN_RS_CHECK(xen_domctl_cpu_policy__msrs, offsetof(struct xen_domctl_cpu_policy, msrs) == 16);
XEN_RS_CHECK(xen_domctl_cpu_policy__err_leaf, offsetof(struct xen_domctl_cpu_policy, err_leaf) == 24);
XEN_RS_CHECK(xen_domctl_cpu_policy__err_subleaf, offsetof(struct xen_domctl_cpu_policy, err_subleaf) == 28);
XEN_RS_CHECK(xen_domctl_cpu_policy__err_msr, offsetof(struct xen_domctl_cpu_policy, err_msr) == 32);
XEN_RS_CHECK(xen_domctl_cpu_policy___pad0, offsetof(struct xen_domctl_cpu_policy, _pad0) == 36);

/** XEN_DOMCTL_{get,set}tscinfo. */
struct xen_domctl_tsc_info {
    /** TSC mode. */
    uint32_t tsc_mode;
    /** Guest TSC frequency in kHz. */
    uint32_t gtsc_khz;
    /** Incarnation (migrations so far). */
    uint32_t incarnation;
    /** Reserved. */
    uint32_t pad;
    /** Elapsed time in ns. */
    uint64_t elapsed_nsec;
};
typedef struct xen_domctl_tsc_info xen_domctl_tsc_info_t;
XEN_RS_CHECK(xen_domctl_tsc_info_size, sizeof(struct xen_domctl_tsc_info) == 24);
XEN_RS_CHECK(xen_domctl_tsc_info__tsc_mode, offsetof(struct xen_domctl_tsc_info, tsc_mode) == 0);
XEN_RS_CHECK(xen_domctl_tsc_info__gtsc_khz, offsetof(struct xen_domctl_tsc_info, gtsc_khz) == 4);
XEN_RS_CHECK(xen_domctl_tsc_info__incarnation, offsetof(struct xen_domctl_tsc_info, incarnation) == 8);
XEN_RS_CHECK(xen_domctl_tsc_info__pad, offsetof(struct xen_domctl_tsc_info, pad) == 12);
XEN_RS_CHECK(xen_domctl_tsc_info__elapsed_nsec, offsetof(struct xen_domctl_tsc_info, elapsed_nsec) == 16);

/** XEN_DOMCTL_set_virq_handler. */
struct xen_domctl_set_virq_handler {
    /** Global VIRQ. */
    uint32_t virq;
};
typedef struct xen_domctl_set_virq_handler xen_domctl_set_virq_handler_t;
XEN_RS_CHECK(xen_domctl_set_virq_handler_size, sizeof(struct xen_domctl_set_virq_handler) == 4);
XEN_RS_CHECK(xen_domctl_set_virq_handler__virq, offsetof(struct xen_domctl_set_virq_handler, virq) == 0);

/** XEN_DOMCTL_audit_p2m. */
struct xen_domctl_audit_p2m {
    /** Out: orphaned pages. */
    uint64_t orphans;
    /** Out: bad machine-to-phys entries. */
    uint64_t m2p_bad;
    /** Out: bad p2m entries. */
    uint64_t p2m_bad;
};
typedef struct xen_domctl_audit_p2m xen_domctl_audit_p2m_t;
XEN_RS_CHECK(xen_domctl_audit_p2m_size, sizeof(struct xen_domctl_audit_p2m) == 24);
XEN_RS_CHECK(xen_domctl_audit_p2m__orphans, offsetof(struct xen_domctl_audit_p2m, orphans) == 0);
XEN_RS_CHECK(xen_domctl_audit_p2m__m2p_bad, offsetof(struct xen_domctl_audit_p2m, m2p_bad) == 8);
XEN_RS_CHECK(xen_domctl_audit_p2m__p2m_bad, offsetof(struct xen_domctl_audit_p2m, p2m_bad) == 16);

/** XEN_DOMCTL_set_broken_page_p2m. */
struct xen_domctl_set_broken_page_p2m {
    /** Guest frame. */
    uint64_t pfn;
};
typedef struct xen_domctl_set_broken_page_p2m xen_domctl_set_broken_page_p2m_t;
XEN_RS_CHECK(xen_domctl_set_broken_page_p2m_size, sizeof(struct xen_domctl_set_broken_page_p2m) == 8);
XEN_RS_CHECK(xen_domctl_set_broken_page_p2m__pfn, offsetof(struct xen_domctl_set_broken_page_p2m, pfn) == 0);

/** XEN_DOMCTL_cacheflush. */
struct xen_domctl_cacheflush {
    /** First guest frame. */
    xen_pfn_t start_pfn;
    /** Number of frames. */
    xen_pfn_t nr_pfns;
};
typedef struct xen_domctl_cacheflush xen_domctl_cacheflush_t;
XEN_RS_CHECK(xen_domctl_cacheflush_size, sizeof(struct xen_domctl_cacheflush) == 16);
XEN_RS_CHECK(xen_domctl_cacheflush__start_pfn, offsetof(struct xen_domctl_cacheflush, start_pfn) == 0);
XEN_RS_CHECK(xen_domctl_cacheflush__nr_pfns, offsetof(struct xen_domctl_cacheflush, nr_pfns) == 8);

/** XEN_DOMCTL_{get,set}_paging_mempool_size. */
struct xen_domctl_paging_mempool {
    /** Pool size in bytes. */
    uint64_t size;
};
typedef struct xen_domctl_paging_mempool xen_domctl_paging_mempool_t;
XEN_RS_CHECK(xen_domctl_paging_mempool_size, sizeof(struct xen_domctl_paging_mempool) == 8);
XEN_RS_CHECK(xen_domctl_paging_mempool__size, offsetof(struct xen_domctl_paging_mempool, size) == 0);

/** XEN_DOMCTL_{get,set}_ext_vcpucontext (x86). */
struct xen_domctl_ext_vcpucontext {
    /** vCPU. */
    uint32_t vcpu;
    /** Size of the valid part (out for get, in for set). */
    uint32_t size;
    /** 32-bit syscall callback. */
    uint64_t syscall32_callback_eip;
    /** Sysenter callback. */
    uint64_t sysenter_callback_eip;
    /** 32-bit syscall callback CS. */
    uint16_t syscall32_callback_cs;
    /** Sysenter callback CS. */
    uint16_t sysenter_callback_cs;
    /** The 32-bit syscall callback masks events. */
    uint8_t syscall32_disables_events;
    /** The sysenter callback masks events. */
    uint8_t sysenter_disables_events;
    /** Padding before `vmce` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** vMCE state (C: an anonymous union of mcg_cap and struct hvm_vmce_vcpu). */
    uint64_t vmce[4];
};
typedef struct xen_domctl_ext_vcpucontext xen_domctl_ext_vcpucontext_t;
XEN_RS_CHECK(xen_domctl_ext_vcpucontext_size, sizeof(struct xen_domctl_ext_vcpucontext) == 64);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__vcpu, offsetof(struct xen_domctl_ext_vcpucontext, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__size, offsetof(struct xen_domctl_ext_vcpucontext, size) == 4);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__syscall32_callback_eip, offsetof(struct xen_domctl_ext_vcpucontext, syscall32_callback_eip) == 8);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__sysenter_callback_eip, offsetof(struct xen_domctl_ext_vcpucontext, sysenter_callback_eip) == 16);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__syscall32_callback_cs, offsetof(struct xen_domctl_ext_vcpucontext, syscall32_callback_cs) == 24);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__sysenter_callback_cs, offsetof(struct xen_domctl_ext_vcpucontext, sysenter_callback_cs) == 26);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__syscall32_disables_events, offsetof(struct xen_domctl_ext_vcpucontext, syscall32_disables_events) == 28);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__sysenter_disables_events, offsetof(struct xen_domctl_ext_vcpucontext, sysenter_disables_events) == 29);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext___pad0, offsetof(struct xen_domctl_ext_vcpucontext, _pad0) == 30);
XEN_RS_CHECK(xen_domctl_ext_vcpucontext__vmce, offsetof(struct xen_domctl_ext_vcpucontext, vmce) == 32);

/** XEN_DOMCTL_{set,get}vcpuextstate. */
struct xen_domctl_vcpuextstate {
    /** vCPU. */
    uint32_t vcpu;
    /** Padding before `xfeature_mask` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** XCR0 features saved. */
    uint64_t xfeature_mask;
    /** Buffer size. */
    uint64_t size;
    /** The xsave buffer. */
    XEN_RS_GUEST_HANDLE(uint64_t) buffer;
};
typedef struct xen_domctl_vcpuextstate xen_domctl_vcpuextstate_t;
XEN_RS_CHECK(xen_domctl_vcpuextstate_size, sizeof(struct xen_domctl_vcpuextstate) == 32);
XEN_RS_CHECK(xen_domctl_vcpuextstate__vcpu, offsetof(struct xen_domctl_vcpuextstate, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_vcpuextstate___pad0, offsetof(struct xen_domctl_vcpuextstate, _pad0) == 4);
XEN_RS_CHECK(xen_domctl_vcpuextstate__xfeature_mask, offsetof(struct xen_domctl_vcpuextstate, xfeature_mask) == 8);
XEN_RS_CHECK(xen_domctl_vcpuextstate__size, offsetof(struct xen_domctl_vcpuextstate, size) == 16);
XEN_RS_CHECK(xen_domctl_vcpuextstate__buffer, offsetof(struct xen_domctl_vcpuextstate, buffer) == 24);

/** XEN_DOMCTL_debug_op. */
struct xen_domctl_debug_op {
    /** XEN_DOMCTL_DEBUG_OP_*. */
    uint32_t op;
    /** vCPU. */
    uint32_t vcpu;
};
typedef struct xen_domctl_debug_op xen_domctl_debug_op_t;
XEN_RS_CHECK(xen_domctl_debug_op_size, sizeof(struct xen_domctl_debug_op) == 8);
XEN_RS_CHECK(xen_domctl_debug_op__op, offsetof(struct xen_domctl_debug_op, op) == 0);
XEN_RS_CHECK(xen_domctl_debug_op__vcpu, offsetof(struct xen_domctl_debug_op, vcpu) == 4);

/** XEN_DOMCTL_vm_event_op. */
struct xen_domctl_vm_event_op {
    /** XEN_VM_EVENT_*. */
    uint32_t op;
    /** XEN_DOMCTL_VM_EVENT_OP_* ring. */
    uint32_t mode;
    /** Out: the ring's event channel, or the interface version (C: a union). */
    uint32_t u;
};
typedef struct xen_domctl_vm_event_op xen_domctl_vm_event_op_t;
XEN_RS_CHECK(xen_domctl_vm_event_op_size, sizeof(struct xen_domctl_vm_event_op) == 12);
XEN_RS_CHECK(xen_domctl_vm_event_op__op, offsetof(struct xen_domctl_vm_event_op, op) == 0);
XEN_RS_CHECK(xen_domctl_vm_event_op__mode, offsetof(struct xen_domctl_vm_event_op, mode) == 4);
XEN_RS_CHECK(xen_domctl_vm_event_op__u, offsetof(struct xen_domctl_vm_event_op, u) == 8);

/** XEN_DOMCTL_mem_sharing_op. */
struct xen_domctl_mem_sharing_op {
    /** XEN_DOMCTL_MEM_SHARING_*. */
    uint8_t op;
    /** Enable flag of CONTROL (C: a union). */
    uint8_t u;
};
typedef struct xen_domctl_mem_sharing_op xen_domctl_mem_sharing_op_t;
XEN_RS_CHECK(xen_domctl_mem_sharing_op_size, sizeof(struct xen_domctl_mem_sharing_op) == 2);
XEN_RS_CHECK(xen_domctl_mem_sharing_op__op, offsetof(struct xen_domctl_mem_sharing_op, op) == 0);
XEN_RS_CHECK(xen_domctl_mem_sharing_op__u, offsetof(struct xen_domctl_mem_sharing_op, u) == 1);

/** XEN_DOMCTL_set_access_required. */
struct xen_domctl_set_access_required {
    /** Non-zero to require a listener. */
    uint8_t access_required;
};
typedef struct xen_domctl_set_access_required xen_domctl_set_access_required_t;
XEN_RS_CHECK(xen_domctl_set_access_required_size, sizeof(struct xen_domctl_set_access_required) == 1);
XEN_RS_CHECK(xen_domctl_set_access_required__access_required, offsetof(struct xen_domctl_set_access_required, access_required) == 0);

/** XEN_DOMCTL_gdbsx_guestmemio. */
struct xen_domctl_gdbsx_memio {
    /** Optional guest pgd[3] value. */
    uint64_t pgd3val;
    /** Guest virtual address. */
    uint64_t gva;
    /** User buffer address. */
    uint64_t uva;
    /** Bytes to copy. */
    uint32_t len;
    /** 1 to write to the guest. */
    uint8_t gwr;
    /** Padding before `remain` (implicit padding in Xen's header). */
    uint8_t _pad0[3];
    /** Out: bytes not copied. */
    uint32_t remain;
    /** Padding after `remain` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xen_domctl_gdbsx_memio xen_domctl_gdbsx_memio_t;
XEN_RS_CHECK(xen_domctl_gdbsx_memio_size, sizeof(struct xen_domctl_gdbsx_memio) == 40);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__pgd3val, offsetof(struct xen_domctl_gdbsx_memio, pgd3val) == 0);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__gva, offsetof(struct xen_domctl_gdbsx_memio, gva) == 8);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__uva, offsetof(struct xen_domctl_gdbsx_memio, uva) == 16);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__len, offsetof(struct xen_domctl_gdbsx_memio, len) == 24);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__gwr, offsetof(struct xen_domctl_gdbsx_memio, gwr) == 28);
XEN_RS_CHECK(xen_domctl_gdbsx_memio___pad0, offsetof(struct xen_domctl_gdbsx_memio, _pad0) == 29);
XEN_RS_CHECK(xen_domctl_gdbsx_memio__remain, offsetof(struct xen_domctl_gdbsx_memio, remain) == 32);
XEN_RS_CHECK(xen_domctl_gdbsx_memio___pad1, offsetof(struct xen_domctl_gdbsx_memio, _pad1) == 36);

/** XEN_DOMCTL_gdbsx_{pause,unpause}vcpu. */
struct xen_domctl_gdbsx_pauseunp_vcpu {
    /** vCPU. */
    uint32_t vcpu;
};
typedef struct xen_domctl_gdbsx_pauseunp_vcpu xen_domctl_gdbsx_pauseunp_vcpu_t;
XEN_RS_CHECK(xen_domctl_gdbsx_pauseunp_vcpu_size, sizeof(struct xen_domctl_gdbsx_pauseunp_vcpu) == 4);
XEN_RS_CHECK(xen_domctl_gdbsx_pauseunp_vcpu__vcpu, offsetof(struct xen_domctl_gdbsx_pauseunp_vcpu, vcpu) == 0);

/** XEN_DOMCTL_gdbsx_domstatus. */
struct xen_domctl_gdbsx_domstatus {
    /** The domain is paused. */
    uint8_t paused;
    /** Padding before `vcpu_id` (implicit padding in Xen's header). */
    uint8_t _pad0[3];
    /** A vCPU with an event. */
    uint32_t vcpu_id;
    /** Its event. */
    uint32_t vcpu_ev;
};
typedef struct xen_domctl_gdbsx_domstatus xen_domctl_gdbsx_domstatus_t;
XEN_RS_CHECK(xen_domctl_gdbsx_domstatus_size, sizeof(struct xen_domctl_gdbsx_domstatus) == 12);
XEN_RS_CHECK(xen_domctl_gdbsx_domstatus__paused, offsetof(struct xen_domctl_gdbsx_domstatus, paused) == 0);
XEN_RS_CHECK(xen_domctl_gdbsx_domstatus___pad0, offsetof(struct xen_domctl_gdbsx_domstatus, _pad0) == 1);
XEN_RS_CHECK(xen_domctl_gdbsx_domstatus__vcpu_id, offsetof(struct xen_domctl_gdbsx_domstatus, vcpu_id) == 4);
XEN_RS_CHECK(xen_domctl_gdbsx_domstatus__vcpu_ev, offsetof(struct xen_domctl_gdbsx_domstatus, vcpu_ev) == 8);

/** XEN_DOMCTL_setvnumainfo. */
struct xen_domctl_vnuma {
    /** Number of virtual nodes. */
    uint32_t nr_vnodes;
    /** Number of memory ranges. */
    uint32_t nr_vmemranges;
    /** Number of vCPUs. */
    uint32_t nr_vcpus;
    /** Must be zero. */
    uint32_t pad;
    /** Distance table. */
    XEN_RS_GUEST_HANDLE(unsigned int) vdistance;
    /** vCPU to node map. */
    XEN_RS_GUEST_HANDLE(unsigned int) vcpu_to_vnode;
    /** Virtual to physical node map. */
    XEN_RS_GUEST_HANDLE(unsigned int) vnode_to_pnode;
    /** Memory ranges. */
    XEN_RS_GUEST_HANDLE(struct xen_vmemrange) vmemrange;
};
typedef struct xen_domctl_vnuma xen_domctl_vnuma_t;
XEN_RS_CHECK(xen_domctl_vnuma_size, sizeof(struct xen_domctl_vnuma) == 48);
XEN_RS_CHECK(xen_domctl_vnuma__nr_vnodes, offsetof(struct xen_domctl_vnuma, nr_vnodes) == 0);
XEN_RS_CHECK(xen_domctl_vnuma__nr_vmemranges, offsetof(struct xen_domctl_vnuma, nr_vmemranges) == 4);
XEN_RS_CHECK(xen_domctl_vnuma__nr_vcpus, offsetof(struct xen_domctl_vnuma, nr_vcpus) == 8);
XEN_RS_CHECK(xen_domctl_vnuma__pad, offsetof(struct xen_domctl_vnuma, pad) == 12);
XEN_RS_CHECK(xen_domctl_vnuma__vdistance, offsetof(struct xen_domctl_vnuma, vdistance) == 16);
XEN_RS_CHECK(xen_domctl_vnuma__vcpu_to_vnode, offsetof(struct xen_domctl_vnuma, vcpu_to_vnode) == 24);
XEN_RS_CHECK(xen_domctl_vnuma__vnode_to_pnode, offsetof(struct xen_domctl_vnuma, vnode_to_pnode) == 32);
XEN_RS_CHECK(xen_domctl_vnuma__vmemrange, offsetof(struct xen_domctl_vnuma, vmemrange) == 40);

/** XEN_DOMCTL_psr_cmt_op. */
struct xen_domctl_psr_cmt_op {
    /** XEN_DOMCTL_PSR_CMT_OP_*. */
    uint32_t cmd;
    /** Out: the RMID. */
    uint32_t data;
};
typedef struct xen_domctl_psr_cmt_op xen_domctl_psr_cmt_op_t;
XEN_RS_CHECK(xen_domctl_psr_cmt_op_size, sizeof(struct xen_domctl_psr_cmt_op) == 8);
XEN_RS_CHECK(xen_domctl_psr_cmt_op__cmd, offsetof(struct xen_domctl_psr_cmt_op, cmd) == 0);
XEN_RS_CHECK(xen_domctl_psr_cmt_op__data, offsetof(struct xen_domctl_psr_cmt_op, data) == 4);

/** XEN_DOMCTL_psr_alloc. */
struct xen_domctl_psr_alloc {
    /** XEN_DOMCTL_PSR_*. */
    uint32_t cmd;
    /** Socket. */
    uint32_t target;
    /** Value (in or out). */
    uint64_t data;
};
typedef struct xen_domctl_psr_alloc xen_domctl_psr_alloc_t;
XEN_RS_CHECK(xen_domctl_psr_alloc_size, sizeof(struct xen_domctl_psr_alloc) == 16);
XEN_RS_CHECK(xen_domctl_psr_alloc__cmd, offsetof(struct xen_domctl_psr_alloc, cmd) == 0);
XEN_RS_CHECK(xen_domctl_psr_alloc__target, offsetof(struct xen_domctl_psr_alloc, target) == 4);
XEN_RS_CHECK(xen_domctl_psr_alloc__data, offsetof(struct xen_domctl_psr_alloc, data) == 8);

/** XEN_DOMCTL_vuart_op. */
struct xen_domctl_vuart_op {
    /** XEN_DOMCTL_VUART_OP_*. */
    uint32_t cmd;
    /** XEN_DOMCTL_VUART_TYPE_*. */
    uint32_t type;
    /** Guest frame of the ring. */
    uint64_t gfn;
    /** Domain running the console backend. */
    domid_t console_domid;
    /** Reserved. */
    uint8_t pad[2];
    /** Out: remote event channel. */
    evtchn_port_t evtchn;
};
typedef struct xen_domctl_vuart_op xen_domctl_vuart_op_t;
XEN_RS_CHECK(xen_domctl_vuart_op_size, sizeof(struct xen_domctl_vuart_op) == 24);
XEN_RS_CHECK(xen_domctl_vuart_op__cmd, offsetof(struct xen_domctl_vuart_op, cmd) == 0);
XEN_RS_CHECK(xen_domctl_vuart_op__type, offsetof(struct xen_domctl_vuart_op, type) == 4);
XEN_RS_CHECK(xen_domctl_vuart_op__gfn, offsetof(struct xen_domctl_vuart_op, gfn) == 8);
XEN_RS_CHECK(xen_domctl_vuart_op__console_domid, offsetof(struct xen_domctl_vuart_op, console_domid) == 16);
XEN_RS_CHECK(xen_domctl_vuart_op__pad, offsetof(struct xen_domctl_vuart_op, pad) == 18);
XEN_RS_CHECK(xen_domctl_vuart_op__evtchn, offsetof(struct xen_domctl_vuart_op, evtchn) == 20);

/** XEN_DOMCTL_vmtrace_op. */
struct xen_domctl_vmtrace_op {
    /** XEN_DOMCTL_vmtrace_*. */
    uint32_t cmd;
    /** vCPU. */
    uint32_t vcpu;
    /** Command-specific key. */
    uint64_t key;
    /** Command-specific value. */
    uint64_t value;
};
typedef struct xen_domctl_vmtrace_op xen_domctl_vmtrace_op_t;
XEN_RS_CHECK(xen_domctl_vmtrace_op_size, sizeof(struct xen_domctl_vmtrace_op) == 24);
XEN_RS_CHECK(xen_domctl_vmtrace_op__cmd, offsetof(struct xen_domctl_vmtrace_op, cmd) == 0);
XEN_RS_CHECK(xen_domctl_vmtrace_op__vcpu, offsetof(struct xen_domctl_vmtrace_op, vcpu) == 4);
XEN_RS_CHECK(xen_domctl_vmtrace_op__key, offsetof(struct xen_domctl_vmtrace_op, key) == 8);
XEN_RS_CHECK(xen_domctl_vmtrace_op__value, offsetof(struct xen_domctl_vmtrace_op, value) == 16);

/** XEN_DOMCTL_get_device_group. */
struct xen_domctl_get_device_group {
    /** Machine PCI SBDF. */
    uint32_t machine_sbdf;
    /** Buffer entries. */
    uint32_t max_sdevs;
    /** Out: devices in the group. */
    uint32_t num_sdevs;
    /** Padding before `sdev_array` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Out: the devices. */
    XEN_RS_GUEST_HANDLE(uint32_t) sdev_array;
};
typedef struct xen_domctl_get_device_group xen_domctl_get_device_group_t;
XEN_RS_CHECK(xen_domctl_get_device_group_size, sizeof(struct xen_domctl_get_device_group) == 24);
XEN_RS_CHECK(xen_domctl_get_device_group__machine_sbdf, offsetof(struct xen_domctl_get_device_group, machine_sbdf) == 0);
XEN_RS_CHECK(xen_domctl_get_device_group__max_sdevs, offsetof(struct xen_domctl_get_device_group, max_sdevs) == 4);
XEN_RS_CHECK(xen_domctl_get_device_group__num_sdevs, offsetof(struct xen_domctl_get_device_group, num_sdevs) == 8);
XEN_RS_CHECK(xen_domctl_get_device_group___pad0, offsetof(struct xen_domctl_get_device_group, _pad0) == 12);
XEN_RS_CHECK(xen_domctl_get_device_group__sdev_array, offsetof(struct xen_domctl_get_device_group, sdev_array) == 16);

/** One MSR of XEN_DOMCTL_{get,set}_vcpu_msrs. */
struct xen_domctl_vcpu_msr {
    /** MSR index. */
    uint32_t index;
    /** Must be zero. */
    uint32_t reserved;
    /** Value. */
    uint64_t value;
};
typedef struct xen_domctl_vcpu_msr xen_domctl_vcpu_msr_t;
XEN_RS_CHECK(xen_domctl_vcpu_msr_size, sizeof(struct xen_domctl_vcpu_msr) == 16);
XEN_RS_CHECK(xen_domctl_vcpu_msr__index, offsetof(struct xen_domctl_vcpu_msr, index) == 0);
XEN_RS_CHECK(xen_domctl_vcpu_msr__reserved, offsetof(struct xen_domctl_vcpu_msr, reserved) == 4);
XEN_RS_CHECK(xen_domctl_vcpu_msr__value, offsetof(struct xen_domctl_vcpu_msr, value) == 8);

/** XEN_DOMCTL_{get,set}_vcpu_msrs. */
struct xen_domctl_vcpu_msrs {
    /** vCPU. */
    uint32_t vcpu;
    /** In: buffer entries; out: MSRs. */
    uint32_t msr_count;
    /** The MSRs. */
    XEN_RS_GUEST_HANDLE(struct xen_domctl_vcpu_msr) msrs;
};
typedef struct xen_domctl_vcpu_msrs xen_domctl_vcpu_msrs_t;
XEN_RS_CHECK(xen_domctl_vcpu_msrs_size, sizeof(struct xen_domctl_vcpu_msrs) == 16);
XEN_RS_CHECK(xen_domctl_vcpu_msrs__vcpu, offsetof(struct xen_domctl_vcpu_msrs, vcpu) == 0);
XEN_RS_CHECK(xen_domctl_vcpu_msrs__msr_count, offsetof(struct xen_domctl_vcpu_msrs, msr_count) == 4);
XEN_RS_CHECK(xen_domctl_vcpu_msrs__msrs, offsetof(struct xen_domctl_vcpu_msrs, msrs) == 8);

/** XEN_DOMCTL_ioport_mapping. */
struct xen_domctl_ioport_mapping {
    /** First guest port. */
    uint32_t first_gport;
    /** First machine port. */
    uint32_t first_mport;
    /** Number of ports. */
    uint32_t nr_ports;
    /** DPCI_ADD_MAPPING or DPCI_REMOVE_MAPPING. */
    uint32_t add_mapping;
};
typedef struct xen_domctl_ioport_mapping xen_domctl_ioport_mapping_t;
XEN_RS_CHECK(xen_domctl_ioport_mapping_size, sizeof(struct xen_domctl_ioport_mapping) == 16);
XEN_RS_CHECK(xen_domctl_ioport_mapping__first_gport, offsetof(struct xen_domctl_ioport_mapping, first_gport) == 0);
XEN_RS_CHECK(xen_domctl_ioport_mapping__first_mport, offsetof(struct xen_domctl_ioport_mapping, first_mport) == 4);
XEN_RS_CHECK(xen_domctl_ioport_mapping__nr_ports, offsetof(struct xen_domctl_ioport_mapping, nr_ports) == 8);
XEN_RS_CHECK(xen_domctl_ioport_mapping__add_mapping, offsetof(struct xen_domctl_ioport_mapping, add_mapping) == 12);

/** XEN_DOMCTL_{assign,test_assign,deassign}_device. */
struct xen_domctl_assign_device {
    /** XEN_DOMCTL_DEV_*. */
    uint32_t dev;
    /** XEN_DOMCTL_DEV_RDM_RELAXED. */
    uint32_t flags;
    /** The device: PCI SBDF, or device-tree path and length (C: a union). */
    uint64_t u[2];
};
typedef struct xen_domctl_assign_device xen_domctl_assign_device_t;
XEN_RS_CHECK(xen_domctl_assign_device_size, sizeof(struct xen_domctl_assign_device) == 24);
XEN_RS_CHECK(xen_domctl_assign_device__dev, offsetof(struct xen_domctl_assign_device, dev) == 0);
XEN_RS_CHECK(xen_domctl_assign_device__flags, offsetof(struct xen_domctl_assign_device, flags) == 4);
XEN_RS_CHECK(xen_domctl_assign_device__u, offsetof(struct xen_domctl_assign_device, u) == 8);

/** A domain control call: `cmd` selects the member of `u`. */
struct xen_domctl {
    /** XEN_DOMCTL_* command. */
    uint32_t cmd;
    /** XEN_DOMCTL_INTERFACE_VERSION. */
    uint32_t interface_version;
    /** Target domain. */
    domid_t domain;
    /** Reserved. */
    uint16_t _pad[3];
    /** The command's struct (C: a union padded to 128 bytes). */
    uint64_t u[16];
};
typedef struct xen_domctl xen_domctl_t;
XEN_RS_CHECK(xen_domctl_size, sizeof(struct xen_domctl) == 144);
XEN_RS_CHECK(xen_domctl__cmd, offsetof(struct xen_domctl, cmd) == 0);
XEN_RS_CHECK(xen_domctl__interface_version, offsetof(struct xen_domctl, interface_version) == 4);
XEN_RS_CHECK(xen_domctl__domain, offsetof(struct xen_domctl, domain) == 8);
XEN_RS_CHECK(xen_domctl___pad, offsetof(struct xen_domctl, _pad) == 10);
XEN_RS_CHECK(xen_domctl__u, offsetof(struct xen_domctl, u) == 16);

#endif /* XEN_RS_DOMCTL_H */
