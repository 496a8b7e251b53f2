//! HVM parameters (public/hvm/params.h): indexes for HVMOP_{set,get}_param.

crate::xen_consts! {
    header "hvm/params.h";
    /// How event upcalls are delivered (GSI, PCI INTx or vector in the top byte).
    pub const HVM_PARAM_CALLBACK_IRQ: u32 = 0;
    /// Mask of the delivery type in HVM_PARAM_CALLBACK_IRQ.
    pub const HVM_PARAM_CALLBACK_IRQ_TYPE_MASK: u64 = 0xFF00_0000_0000_0000;
    /// Callback via an ISA/GSI interrupt.
    pub const HVM_PARAM_CALLBACK_TYPE_GSI: u32 = 0;
    /// Callback via a PCI INTx line.
    pub const HVM_PARAM_CALLBACK_TYPE_PCI_INTX: u32 = 1;
    /// Callback via a direct vector (x86).
    pub const HVM_PARAM_CALLBACK_TYPE_VECTOR: u32 = 2;
    /// Guest frame of the xenstore ring.
    pub const HVM_PARAM_STORE_PFN: u32 = 1;
    /// Event channel of the xenstore ring.
    pub const HVM_PARAM_STORE_EVTCHN: u32 = 2;
    /// PAE is enabled (tools).
    pub const HVM_PARAM_PAE_ENABLED: u32 = 4;
    /// Guest frame of the default ioreq server's synchronous page.
    pub const HVM_PARAM_IOREQ_PFN: u32 = 5;
    /// Guest frame of the default ioreq server's buffered page.
    pub const HVM_PARAM_BUFIOREQ_PFN: u32 = 6;
    /// Viridian (Hyper-V) enlightenments, HVMPV_* bits.
    pub const HVM_PARAM_VIRIDIAN: u32 = 9;
    /// Bit number of `HVMPV_base_freq`.
    pub const _HVMPV_base_freq: u32 = 0;
    /// Viridian: base frequency MSRs.
    pub const HVMPV_base_freq: u32 = 1 << _HVMPV_base_freq;
    /// Bit number of `HVMPV_no_freq`.
    pub const _HVMPV_no_freq: u32 = 1;
    /// Viridian: no frequency MSRs.
    pub const HVMPV_no_freq: u32 = 1 << _HVMPV_no_freq;
    /// Bit number of `HVMPV_time_ref_count`.
    pub const _HVMPV_time_ref_count: u32 = 2;
    /// Viridian: partition reference counter.
    pub const HVMPV_time_ref_count: u32 = 1 << _HVMPV_time_ref_count;
    /// Bit number of `HVMPV_reference_tsc`.
    pub const _HVMPV_reference_tsc: u32 = 3;
    /// Viridian: reference TSC page.
    pub const HVMPV_reference_tsc: u32 = 1 << _HVMPV_reference_tsc;
    /// Bit number of `HVMPV_hcall_remote_tlb_flush`.
    pub const _HVMPV_hcall_remote_tlb_flush: u32 = 4;
    /// Viridian: remote TLB flush hypercalls.
    pub const HVMPV_hcall_remote_tlb_flush: u32 = 1 << _HVMPV_hcall_remote_tlb_flush;
    /// Bit number of `HVMPV_apic_assist`.
    pub const _HVMPV_apic_assist: u32 = 5;
    /// Viridian: APIC assist page.
    pub const HVMPV_apic_assist: u32 = 1 << _HVMPV_apic_assist;
    /// Bit number of `HVMPV_crash_ctl`.
    pub const _HVMPV_crash_ctl: u32 = 6;
    /// Viridian: crash control MSRs.
    pub const HVMPV_crash_ctl: u32 = 1 << _HVMPV_crash_ctl;
    /// Bit number of `HVMPV_synic`.
    pub const _HVMPV_synic: u32 = 7;
    /// Viridian: synthetic interrupt controller.
    pub const HVMPV_synic: u32 = 1 << _HVMPV_synic;
    /// Bit number of `HVMPV_stimer`.
    pub const _HVMPV_stimer: u32 = 8;
    /// Viridian: synthetic timers.
    pub const HVMPV_stimer: u32 = 1 << _HVMPV_stimer;
    /// Bit number of `HVMPV_hcall_ipi`.
    pub const _HVMPV_hcall_ipi: u32 = 9;
    /// Viridian: IPI hypercalls.
    pub const HVMPV_hcall_ipi: u32 = 1 << _HVMPV_hcall_ipi;
    /// Bit number of `HVMPV_ex_processor_masks`.
    pub const _HVMPV_ex_processor_masks: u32 = 10;
    /// Viridian: extended processor masks.
    pub const HVMPV_ex_processor_masks: u32 = 1 << _HVMPV_ex_processor_masks;
    /// Bit number of `HVMPV_no_vp_limit`.
    pub const _HVMPV_no_vp_limit: u32 = 11;
    /// Viridian: no virtual processor limit.
    pub const HVMPV_no_vp_limit: u32 = 1 << _HVMPV_no_vp_limit;
    /// Bit number of `HVMPV_cpu_hotplug`.
    pub const _HVMPV_cpu_hotplug: u32 = 12;
    /// Viridian: CPU hotplug.
    pub const HVMPV_cpu_hotplug: u32 = 1 << _HVMPV_cpu_hotplug;
    /// Every Viridian feature bit.
    pub const HVMPV_feature_mask: u32 = 0x1fff;
    /// Timer mode of the virtual platform timers, HVMPTM_*.
    pub const HVM_PARAM_TIMER_MODE: u32 = 10;
    /// Timer mode: deliver missed ticks late.
    pub const HVMPTM_delay_for_missed_ticks: u32 = 0;
    /// Timer mode: deliver missed ticks at once.
    pub const HVMPTM_no_delay_for_missed_ticks: u32 = 1;
    /// Timer mode: drop missed ticks.
    pub const HVMPTM_no_missed_ticks_pending: u32 = 2;
    /// Timer mode: deliver one tick for any number missed.
    pub const HVMPTM_one_missed_tick_pending: u32 = 3;
    /// An HPET is emulated.
    pub const HVM_PARAM_HPET_ENABLED: u32 = 11;
    /// Identity-map page table for unpaged real mode (VMX).
    pub const HVM_PARAM_IDENT_PT: u32 = 12;
    /// Domain of the device model (tools).
    pub const HVM_PARAM_DM_DOMAIN: u32 = 13;
    /// ACPI sleep state.
    pub const HVM_PARAM_ACPI_S_STATE: u32 = 14;
    /// TSS for virtual 8086 mode (VMX).
    pub const HVM_PARAM_VM86_TSS: u32 = 15;
    /// Align virtual platform timer ticks across vCPUs.
    pub const HVM_PARAM_VPT_ALIGN: u32 = 16;
    /// Guest frame of the PV console ring.
    pub const HVM_PARAM_CONSOLE_PFN: u32 = 17;
    /// Event channel of the PV console.
    pub const HVM_PARAM_CONSOLE_EVTCHN: u32 = 18;
    /// Location of the ACPI PM I/O ports (0: legacy, 1: new).
    pub const HVM_PARAM_ACPI_IOPORTS_LOCATION: u32 = 19;
    /// Memory event on CR0 writes (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_CR0: u32 = 20;
    /// Memory event on CR3 writes (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_CR3: u32 = 21;
    /// Memory event on CR4 writes (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_CR4: u32 = 22;
    /// Memory event on INT3 (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_INT3: u32 = 23;
    /// Nested virtualisation is enabled (tools).
    pub const HVM_PARAM_NESTEDHVM: u32 = 24;
    /// Memory event on single step (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_SINGLE_STEP: u32 = 25;
    /// Event channel of the default ioreq server's buffered ring (tools).
    pub const HVM_PARAM_BUFIOREQ_EVTCHN: u32 = 26;
    /// Guest frame of the paging ring.
    pub const HVM_PARAM_PAGING_RING_PFN: u32 = 27;
    /// Guest frame of the monitor ring.
    pub const HVM_PARAM_MONITOR_RING_PFN: u32 = 28;
    /// Guest frame of the sharing ring.
    pub const HVM_PARAM_SHARING_RING_PFN: u32 = 29;
    /// Memory event on MSR writes (obsolete, tools).
    pub const HVM_PARAM_MEMORY_EVENT_MSR: u32 = 30;
    /// Shutdown reason for a triple fault.
    pub const HVM_PARAM_TRIPLE_FAULT_REASON: u32 = 31;
    /// First guest frame reserved for ioreq servers.
    pub const HVM_PARAM_IOREQ_SERVER_PFN: u32 = 32;
    /// Number of guest frames reserved for ioreq servers.
    pub const HVM_PARAM_NR_IOREQ_SERVER_PAGES: u32 = 33;
    /// Address of the VM generation id.
    pub const HVM_PARAM_VM_GENERATION_ID_ADDR: u32 = 34;
    /// Alternate p2m mode, XEN_ALTP2M_*.
    pub const HVM_PARAM_ALTP2M: u32 = 35;
    /// altp2m disabled.
    pub const XEN_ALTP2M_disabled: u32 = 0;
    /// altp2m usable by the guest and tools.
    pub const XEN_ALTP2M_mixed: u32 = 1;
    /// altp2m usable by tools only.
    pub const XEN_ALTP2M_external: u32 = 2;
    /// altp2m: the guest may only switch views.
    pub const XEN_ALTP2M_limited: u32 = 3;
    /// Width of the x87 FIP/FDP saved (0, 4 or 8).
    pub const HVM_PARAM_X87_FIP_WIDTH: u32 = 36;
    /// TSS for virtual 8086 mode with its size (VMX).
    pub const HVM_PARAM_VM86_TSS_SIZED: u32 = 37;
    /// Machine-check capabilities, XEN_HVM_MCA_CAP_*.
    pub const HVM_PARAM_MCA_CAP: u32 = 38;
    /// Local machine check exceptions.
    pub const XEN_HVM_MCA_CAP_LMCE: u64 = 1 << 0;
    /// Every machine-check capability.
    pub const XEN_HVM_MCA_CAP_MASK: u64 = XEN_HVM_MCA_CAP_LMCE;
    /// Number of HVM parameters.
    pub const HVM_NR_PARAMS: u32 = 39;
}
