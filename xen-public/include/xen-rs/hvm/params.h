/* xen-rs/hvm/params.h: Xen's public/hvm/params.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_PARAMS_H
#define XEN_RS_HVM_PARAMS_H

#include "../abi-types.h"

/** How event upcalls are delivered (GSI, PCI INTx or vector in the top byte). */
#define HVM_PARAM_CALLBACK_IRQ 0
/** Mask of the delivery type in HVM_PARAM_CALLBACK_IRQ. */
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK 0xff00000000000000ULL
/** Callback via an ISA/GSI interrupt. */
#define HVM_PARAM_CALLBACK_TYPE_GSI 0
/** Callback via a PCI INTx line. */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
/** Callback via a direct vector (x86). */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2
/** Guest frame of the xenstore ring. */
#define HVM_PARAM_STORE_PFN 1
/** Event channel of the xenstore ring. */
#define HVM_PARAM_STORE_EVTCHN 2
/** PAE is enabled (tools). */
#define HVM_PARAM_PAE_ENABLED 4
/** Guest frame of the default ioreq server's synchronous page. */
#define HVM_PARAM_IOREQ_PFN 5
/** Guest frame of the default ioreq server's buffered page. */
#define HVM_PARAM_BUFIOREQ_PFN 6
/** Viridian (Hyper-V) enlightenments, HVMPV_* bits. */
#define HVM_PARAM_VIRIDIAN 9
/** Bit number of `HVMPV_base_freq`. */
#define _HVMPV_base_freq 0
/** Viridian: base frequency MSRs. */
#define HVMPV_base_freq 0x1
/** Bit number of `HVMPV_no_freq`. */
#define _HVMPV_no_freq 1
/** Viridian: no frequency MSRs. */
#define HVMPV_no_freq 0x2
/** Bit number of `HVMPV_time_ref_count`. */
#define _HVMPV_time_ref_count 2
/** Viridian: partition reference counter. */
#define HVMPV_time_ref_count 0x4
/** Bit number of `HVMPV_reference_tsc`. */
#define _HVMPV_reference_tsc 3
/** Viridian: reference TSC page. */
#define HVMPV_reference_tsc 0x8
/** Bit number of `HVMPV_hcall_remote_tlb_flush`. */
#define _HVMPV_hcall_remote_tlb_flush 4
/** Viridian: remote TLB flush hypercalls. */
#define HVMPV_hcall_remote_tlb_flush 0x10
/** Bit number of `HVMPV_apic_assist`. */
#define _HVMPV_apic_assist 5
/** Viridian: APIC assist page. */
#define HVMPV_apic_assist 0x20
/** Bit number of `HVMPV_crash_ctl`. */
#define _HVMPV_crash_ctl 6
/** Viridian: crash control MSRs. */
#define HVMPV_crash_ctl 0x40
/** Bit number of `HVMPV_synic`. */
#define _HVMPV_synic 7
/** Viridian: synthetic interrupt controller. */
#define HVMPV_synic 0x80
/** Bit number of `HVMPV_stimer`. */
#define _HVMPV_stimer 8
/** Viridian: synthetic timers. */
#define HVMPV_stimer 0x100
/** Bit number of `HVMPV_hcall_ipi`. */
#define _HVMPV_hcall_ipi 9
/** Viridian: IPI hypercalls. */
#define HVMPV_hcall_ipi 0x200
/** Bit number of `HVMPV_ex_processor_masks`. */
#define _HVMPV_ex_processor_masks 10
/** Viridian: extended processor masks. */
#define HVMPV_ex_processor_masks 0x400
/** Bit number of `HVMPV_no_vp_limit`. */
#define _HVMPV_no_vp_limit 11
/** Viridian: no virtual processor limit. */
#define HVMPV_no_vp_limit 0x800
/** Bit number of `HVMPV_cpu_hotplug`. */
#define _HVMPV_cpu_hotplug 12
/** Viridian: CPU hotplug. */
#define HVMPV_cpu_hotplug 0x1000
/** Every Viridian feature bit. */
#define HVMPV_feature_mask 0x1fff
/** Timer mode of the virtual platform timers, HVMPTM_*. */
#define HVM_PARAM_TIMER_MODE 10
/** Timer mode: deliver missed ticks late. */
#define HVMPTM_delay_for_missed_ticks 0
/** Timer mode: deliver missed ticks at once. */
#define HVMPTM_no_delay_for_missed_ticks 1
/** Timer mode: drop missed ticks. */
#define HVMPTM_no_missed_ticks_pending 2
/** Timer mode: deliver one tick for any number missed. */
#define HVMPTM_one_missed_tick_pending 3
/** An HPET is emulated. */
#define HVM_PARAM_HPET_ENABLED 11
/** Identity-map page table for unpaged real mode (VMX). */
#define HVM_PARAM_IDENT_PT 12
/** Domain of the device model (tools). */
#define HVM_PARAM_DM_DOMAIN 13
/** ACPI sleep state. */
#define HVM_PARAM_ACPI_S_STATE 14
/** TSS for virtual 8086 mode (VMX). */
#define HVM_PARAM_VM86_TSS 15
/** Align virtual platform timer ticks across vCPUs. */
#define HVM_PARAM_VPT_ALIGN 16
/** Guest frame of the PV console ring. */
#define HVM_PARAM_CONSOLE_PFN 17
/** Event channel of the PV console. */
#define HVM_PARAM_CONSOLE_EVTCHN 18
/** Location of the ACPI PM I/O ports (0: legacy, 1: new). */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19
/** Memory event on CR0 writes (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_CR0 20
/** Memory event on CR3 writes (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_CR3 21
/** Memory event on CR4 writes (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_CR4 22
/** Memory event on INT3 (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_INT3 23
/** Nested virtualisation is enabled (tools). */
#define HVM_PARAM_NESTEDHVM 24
/** Memory event on single step (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_SINGLE_STEP 25
/** Event channel of the default ioreq server's buffered ring (tools). */
#define HVM_PARAM_BUFIOREQ_EVTCHN 26
/** Guest frame of the paging ring. */
#define HVM_PARAM_PAGING_RING_PFN 27
/** Guest frame of the monitor ring. */
#define HVM_PARAM_MONITOR_RING_PFN 28
/** Guest frame of the sharing ring. */
#define HVM_PARAM_SHARING_RING_PFN 29
/** Memory event on MSR writes (obsolete, tools). */
#define HVM_PARAM_MEMORY_EVENT_MSR 30
/** Shutdown reason for a triple fault. */
#define HVM_PARAM_TRIPLE_FAULT_REASON 31
/** First guest frame reserved for ioreq servers. */
#define HVM_PARAM_IOREQ_SERVER_PFN 32
/** Number of guest frames reserved for ioreq servers. */
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33
/** Address of the VM generation id. */
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34
/** Alternate p2m mode, XEN_ALTP2M_*. */
#define HVM_PARAM_ALTP2M 35
/** altp2m disabled. */
#define XEN_ALTP2M_disabled 0
/** altp2m usable by the guest and tools. */
#define XEN_ALTP2M_mixed 1
/** altp2m usable by tools only. */
#define XEN_ALTP2M_external 2
/** altp2m: the guest may only switch views. */
#define XEN_ALTP2M_limited 3
/** Width of the x87 FIP/FDP saved (0, 4 or 8). */
#define HVM_PARAM_X87_FIP_WIDTH 36
/** TSS for virtual 8086 mode with its size (VMX). */
#define HVM_PARAM_VM86_TSS_SIZED 37
/** Machine-check capabilities, XEN_HVM_MCA_CAP_*. */
#define HVM_PARAM_MCA_CAP 38
/** Local machine check exceptions. */
#define XEN_HVM_MCA_CAP_LMCE 0x1
/** Every machine-check capability. */
#define XEN_HVM_MCA_CAP_MASK 1
/** Number of HVM parameters. */
#define HVM_NR_PARAMS 39

#endif /* XEN_RS_HVM_PARAMS_H */
