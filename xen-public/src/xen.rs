//! The basic interface (public/xen.h): hypercall numbers, domain ids, and the shared pages.

use crate::abi::GuestHandle;
pub use crate::arch_x86::xen::{
    arch_shared_info, arch_vcpu_info, xen_pfn_t, xen_ulong_t, XEN_LEGACY_MAX_VCPUS,
};

crate::xen_typedefs! {
    header "xen.h";
    /// A domain id.
    pub type domid_t = u16;
    /// A domain's 16-byte handle (UUID).
    pub type xen_domain_handle_t = [u8; 16];
}

crate::xen_consts! {
    header "xen.h";
    // Hypercall numbers.
    /// Install a PV guest's virtual IDT.
    pub const __HYPERVISOR_set_trap_table: u32 = 0;
    /// Batch of PV page-table updates.
    pub const __HYPERVISOR_mmu_update: u32 = 1;
    /// Install a PV guest's GDT.
    pub const __HYPERVISOR_set_gdt: u32 = 2;
    /// Switch a PV guest's kernel stack.
    pub const __HYPERVISOR_stack_switch: u32 = 3;
    /// Register PV event/failsafe callbacks.
    pub const __HYPERVISOR_set_callbacks: u32 = 4;
    /// Set or clear CR0.TS for a PV guest.
    pub const __HYPERVISOR_fpu_taskswitch: u32 = 5;
    /// Old scheduler op (compatibility only).
    pub const __HYPERVISOR_sched_op_compat: u32 = 6;
    /// Platform (host) operations for the control domain.
    pub const __HYPERVISOR_platform_op: u32 = 7;
    /// Write a debug register.
    pub const __HYPERVISOR_set_debugreg: u32 = 8;
    /// Read a debug register.
    pub const __HYPERVISOR_get_debugreg: u32 = 9;
    /// Update one GDT/LDT descriptor.
    pub const __HYPERVISOR_update_descriptor: u32 = 10;
    /// Memory reservation and physmap operations (XENMEM_*).
    pub const __HYPERVISOR_memory_op: u32 = 12;
    /// Run a batch of hypercalls.
    pub const __HYPERVISOR_multicall: u32 = 13;
    /// Update one PTE by virtual address.
    pub const __HYPERVISOR_update_va_mapping: u32 = 14;
    /// Set a one-shot timer.
    pub const __HYPERVISOR_set_timer_op: u32 = 15;
    /// Old event-channel op (compatibility only).
    pub const __HYPERVISOR_event_channel_op_compat: u32 = 16;
    /// Version and feature queries (XENVER_*).
    pub const __HYPERVISOR_xen_version: u32 = 17;
    /// Hypervisor console read and write.
    pub const __HYPERVISOR_console_io: u32 = 18;
    /// Old physdev op (compatibility only).
    pub const __HYPERVISOR_physdev_op_compat: u32 = 19;
    /// Grant-table operations (GNTTABOP_*).
    pub const __HYPERVISOR_grant_table_op: u32 = 20;
    /// Enable or disable VM assists.
    pub const __HYPERVISOR_vm_assist: u32 = 21;
    /// update_va_mapping in another domain.
    pub const __HYPERVISOR_update_va_mapping_otherdomain: u32 = 22;
    /// Return from a PV exception frame (x86 only).
    pub const __HYPERVISOR_iret: u32 = 23;
    /// vCPU operations (VCPUOP_*).
    pub const __HYPERVISOR_vcpu_op: u32 = 24;
    /// Set a segment base (x86-64 PV only).
    pub const __HYPERVISOR_set_segment_base: u32 = 25;
    /// Extended MMU operations (MMUEXT_*).
    pub const __HYPERVISOR_mmuext_op: u32 = 26;
    /// XSM/FLASK operations.
    pub const __HYPERVISOR_xsm_op: u32 = 27;
    /// NMI callback registration.
    pub const __HYPERVISOR_nmi_op: u32 = 28;
    /// Scheduler operations (SCHEDOP_*).
    pub const __HYPERVISOR_sched_op: u32 = 29;
    /// Callback registration (CALLBACKOP_*).
    pub const __HYPERVISOR_callback_op: u32 = 30;
    /// Xenoprof profiling.
    pub const __HYPERVISOR_xenoprof_op: u32 = 31;
    /// Event-channel operations (EVTCHNOP_*).
    pub const __HYPERVISOR_event_channel_op: u32 = 32;
    /// Physical-device operations (PHYSDEVOP_*).
    pub const __HYPERVISOR_physdev_op: u32 = 33;
    /// HVM operations (HVMOP_*).
    pub const __HYPERVISOR_hvm_op: u32 = 34;
    /// System control for the toolstack (XEN_SYSCTL_*).
    pub const __HYPERVISOR_sysctl: u32 = 35;
    /// Domain control for the toolstack (XEN_DOMCTL_*).
    pub const __HYPERVISOR_domctl: u32 = 36;
    /// Kexec operations.
    pub const __HYPERVISOR_kexec_op: u32 = 37;
    /// Transcendent memory (removed).
    pub const __HYPERVISOR_tmem_op: u32 = 38;
    /// Argo inter-domain messaging.
    pub const __HYPERVISOR_argo_op: u32 = 39;
    /// PMU virtualisation.
    pub const __HYPERVISOR_xenpmu_op: u32 = 40;
    /// Device-model operations (XEN_DMOP_*).
    pub const __HYPERVISOR_dm_op: u32 = 41;
    /// Hypervisor file system.
    pub const __HYPERVISOR_hypfs_op: u32 = 42;
    /// First architecture-specific hypercall.
    pub const __HYPERVISOR_arch_0: u32 = 48;
    /// Architecture-specific hypercall 1 (x86: machine check).
    pub const __HYPERVISOR_arch_1: u32 = 49;
    /// Architecture-specific hypercall 2.
    pub const __HYPERVISOR_arch_2: u32 = 50;
    /// Architecture-specific hypercall 3.
    pub const __HYPERVISOR_arch_3: u32 = 51;
    /// Architecture-specific hypercall 4.
    pub const __HYPERVISOR_arch_4: u32 = 52;
    /// Architecture-specific hypercall 5.
    pub const __HYPERVISOR_arch_5: u32 = 53;
    /// Architecture-specific hypercall 6.
    pub const __HYPERVISOR_arch_6: u32 = 54;
    /// Last architecture-specific hypercall.
    pub const __HYPERVISOR_arch_7: u32 = 55;
    // Virtual interrupts.
    /// Per-vCPU timer VIRQ.
    pub const VIRQ_TIMER: u32 = 0;
    /// Per-vCPU request to dump debug state.
    pub const VIRQ_DEBUG: u32 = 1;
    /// Control domain: emergency console input.
    pub const VIRQ_CONSOLE: u32 = 2;
    /// Control domain: some domain hit an exceptional event.
    pub const VIRQ_DOM_EXC: u32 = 3;
    /// Control domain: trace buffers have records.
    pub const VIRQ_TBUF: u32 = 4;
    /// Control domain: a domain paused for a debugger.
    pub const VIRQ_DEBUGGER: u32 = 6;
    /// Per-vCPU Xenoprof sample available.
    pub const VIRQ_XENOPROF: u32 = 7;
    /// Control domain: console ring has input.
    pub const VIRQ_CON_RING: u32 = 8;
    /// Control domain: physical CPU state changed.
    pub const VIRQ_PCPU_STATE: u32 = 9;
    /// Control domain: a memory event happened.
    pub const VIRQ_MEM_EVENT: u32 = 10;
    /// Argo message notification.
    pub const VIRQ_ARGO: u32 = 11;
    /// Control domain: the hypervisor heap is low.
    pub const VIRQ_ENOMEM: u32 = 12;
    /// Per-vCPU PMU interrupt.
    pub const VIRQ_XENPMU: u32 = 13;
    /// First architecture-specific VIRQ.
    pub const VIRQ_ARCH_0: u32 = 16;
    /// Architecture-specific VIRQ 1.
    pub const VIRQ_ARCH_1: u32 = 17;
    /// Architecture-specific VIRQ 2.
    pub const VIRQ_ARCH_2: u32 = 18;
    /// Architecture-specific VIRQ 3.
    pub const VIRQ_ARCH_3: u32 = 19;
    /// Architecture-specific VIRQ 4.
    pub const VIRQ_ARCH_4: u32 = 20;
    /// Architecture-specific VIRQ 5.
    pub const VIRQ_ARCH_5: u32 = 21;
    /// Architecture-specific VIRQ 6.
    pub const VIRQ_ARCH_6: u32 = 22;
    /// Last architecture-specific VIRQ.
    pub const VIRQ_ARCH_7: u32 = 23;
    /// Number of VIRQs.
    pub const NR_VIRQS: u32 = 24;
    // mmu_update commands (low bits of mmu_update.ptr).
    /// Checked PTE write.
    pub const MMU_NORMAL_PT_UPDATE: u32 = 0;
    /// Update the machine-to-phys entry of a frame.
    pub const MMU_MACHPHYS_UPDATE: u32 = 1;
    /// PTE write keeping the accessed and dirty bits.
    pub const MMU_PT_UPDATE_PRESERVE_AD: u32 = 2;
    /// Checked PTE write without translating the value.
    pub const MMU_PT_UPDATE_NO_TRANSLATE: u32 = 3;
    // mmuext_op commands.
    /// Pin an L1 page table.
    pub const MMUEXT_PIN_L1_TABLE: u32 = 0;
    /// Pin an L2 page table.
    pub const MMUEXT_PIN_L2_TABLE: u32 = 1;
    /// Pin an L3 page table.
    pub const MMUEXT_PIN_L3_TABLE: u32 = 2;
    /// Pin an L4 page table.
    pub const MMUEXT_PIN_L4_TABLE: u32 = 3;
    /// Unpin a page table.
    pub const MMUEXT_UNPIN_TABLE: u32 = 4;
    /// Switch the kernel page-table base.
    pub const MMUEXT_NEW_BASEPTR: u32 = 5;
    /// Flush the local TLB.
    pub const MMUEXT_TLB_FLUSH_LOCAL: u32 = 6;
    /// Invalidate one local TLB entry.
    pub const MMUEXT_INVLPG_LOCAL: u32 = 7;
    /// Flush the TLBs of a vCPU set.
    pub const MMUEXT_TLB_FLUSH_MULTI: u32 = 8;
    /// Invalidate one TLB entry on a vCPU set.
    pub const MMUEXT_INVLPG_MULTI: u32 = 9;
    /// Flush all TLBs.
    pub const MMUEXT_TLB_FLUSH_ALL: u32 = 10;
    /// Invalidate one TLB entry everywhere.
    pub const MMUEXT_INVLPG_ALL: u32 = 11;
    /// Write back and invalidate the local caches.
    pub const MMUEXT_FLUSH_CACHE: u32 = 12;
    /// Install an LDT.
    pub const MMUEXT_SET_LDT: u32 = 13;
    /// Switch the user page-table base (x86-64).
    pub const MMUEXT_NEW_USER_BASEPTR: u32 = 15;
    /// Zero a page.
    pub const MMUEXT_CLEAR_PAGE: u32 = 16;
    /// Copy a page.
    pub const MMUEXT_COPY_PAGE: u32 = 17;
    /// Write back and invalidate all caches.
    pub const MMUEXT_FLUSH_CACHE_GLOBAL: u32 = 18;
    /// Mark a superpage (obsolete).
    pub const MMUEXT_MARK_SUPER: u32 = 19;
    /// Unmark a superpage (obsolete).
    pub const MMUEXT_UNMARK_SUPER: u32 = 20;
    // update_va_mapping flags.
    /// No TLB flush.
    pub const UVMF_NONE: u64 = 0;
    /// Flush entire TLBs.
    pub const UVMF_TLB_FLUSH: u64 = 1;
    /// Flush one TLB entry.
    pub const UVMF_INVLPG: u64 = 2;
    /// Mask of the flush type.
    pub const UVMF_FLUSHTYPE_MASK: u64 = 3;
    /// Flush a vCPU set given by pointer.
    pub const UVMF_MULTI: u64 = 0;
    /// Flush the local TLB only.
    pub const UVMF_LOCAL: u64 = 0;
    /// Flush all TLBs.
    pub const UVMF_ALL: u64 = 1 << 2;
    // console_io commands.
    /// Write to the hypervisor console.
    pub const CONSOLEIO_write: u32 = 0;
    /// Read from the hypervisor console.
    pub const CONSOLEIO_read: u32 = 1;
    // vm_assist.
    /// Enable a VM assist.
    pub const VMASST_CMD_enable: u32 = 0;
    /// Disable a VM assist.
    pub const VMASST_CMD_disable: u32 = 1;
    /// Emulate 4GB segments.
    pub const VMASST_TYPE_4gb_segments: u32 = 0;
    /// Notify on 4GB segment emulation.
    pub const VMASST_TYPE_4gb_segments_notify: u32 = 1;
    /// Writable page tables.
    pub const VMASST_TYPE_writable_pagetables: u32 = 2;
    /// PAE guests may use extended CR3.
    pub const VMASST_TYPE_pae_extended_cr3: u32 = 3;
    /// Architectural IOPL handling.
    pub const VMASST_TYPE_architectural_iopl: u32 = 4;
    /// Runstate area update flag.
    pub const VMASST_TYPE_runstate_update_flag: u32 = 5;
    /// Strict machine-to-phys mappings.
    pub const VMASST_TYPE_m2p_strict: u32 = 32;
    // Domain ids.
    /// First domid reserved for special meanings.
    pub const DOMID_FIRST_RESERVED: domid_t = 0x7FF0;
    /// The calling domain.
    pub const DOMID_SELF: domid_t = 0x7FF0;
    /// I/O (and MMIO) pseudo-domain.
    pub const DOMID_IO: domid_t = 0x7FF1;
    /// Xen itself as the owner of its pages.
    pub const DOMID_XEN: domid_t = 0x7FF2;
    /// Copy-on-write pseudo-domain owning shared pages.
    pub const DOMID_COW: domid_t = 0x7FF3;
    /// No domain.
    pub const DOMID_INVALID: domid_t = 0x7FF4;
    /// The idle domain.
    pub const DOMID_IDLE: domid_t = 0x7FFF;
    /// Mask of valid domid bits.
    pub const DOMID_MASK: domid_t = 0x7FFF;
    // Time.
    /// vcpu_time_info.flags: the TSC is stable across vCPUs.
    pub const XEN_PVCLOCK_TSC_STABLE_BIT: u32 = 1 << 0;
    /// vcpu_time_info.flags: the guest was stopped.
    pub const XEN_PVCLOCK_GUEST_STOPPED: u32 = 1 << 1;
    // start_info.
    /// Length of start_info.cmd_line.
    pub const MAX_GUEST_CMDLINE: u32 = 1024;
    /// The domain is privileged.
    pub const SIF_PRIVILEGED: u32 = 1 << 0;
    /// The domain is the initial control domain.
    pub const SIF_INITDOMAIN: u32 = 1 << 1;
    /// mod_start is a multiboot module list.
    pub const SIF_MULTIBOOT_MOD: u32 = 1 << 2;
    /// mod_start is a pfn.
    pub const SIF_MOD_START_PFN: u32 = 1 << 3;
    /// The tools understand a virtually mapped p2m.
    pub const SIF_VIRT_P2M_4TOOLS: u32 = 1 << 4;
    /// Byte of flags reserved for power management.
    pub const SIF_PM_MASK: u32 = 0xFF << 8;
    /// dom0 VGA console: text mode 3.
    pub const XEN_VGATYPE_TEXT_MODE_3: u32 = 0x03;
    /// dom0 VGA console: VESA linear frame buffer.
    pub const XEN_VGATYPE_VESA_LFB: u32 = 0x23;
    /// dom0 VGA console: EFI frame buffer.
    pub const XEN_VGATYPE_EFI_LFB: u32 = 0x70;
}

crate::xen_structs! {
    header "xen.h";

    /// One request of __HYPERVISOR_mmu_update.
    pub struct mmu_update: size 16, align 8 {
        /// Machine address of the entry, command in the low 2 bits (MMU_*).
        pub ptr: u64 => 0,
        /// New contents.
        pub val: u64 => 8,
    }

    /// One request of __HYPERVISOR_mmuext_op.
    pub struct mmuext_op: size 24, align 8 {
        /// MMUEXT_* command.
        pub cmd: u32 => 0,
        /// Padding before `arg1`.
        pad _pad0: [u8; 4] => 4,
        /// First argument: a frame or a linear address (C: a union).
        pub arg1: u64 => 8,
        /// Second argument: an entry count, a vCPU mask handle or a frame (C: a union).
        pub arg2: u64 => 16,
    }

    /// One call of a __HYPERVISOR_multicall batch.
    pub struct multicall_entry: size 64, align 8 {
        /// Hypercall number.
        pub op: xen_ulong_t as "xen_ulong_t" => 0,
        /// Its return value.
        pub result: xen_ulong_t as "xen_ulong_t" => 8,
        /// Its arguments.
        pub args: [xen_ulong_t; 6] as "xen_ulong_t" => 16,
    }

    /// Per-vCPU system time parameters (pvclock).
    pub struct vcpu_time_info: size 32, align 8 {
        /// Odd while Xen updates the record.
        pub version: u32 => 0,
        /// Reserved.
        pub pad0: u32 => 4,
        /// TSC at the last update.
        pub tsc_timestamp: u64 => 8,
        /// System time in ns at the last update.
        pub system_time: u64 => 16,
        /// TSC to ns multiplier (32.32 fixed point).
        pub tsc_to_system_mul: u32 => 24,
        /// TSC shift applied before the multiplication.
        pub tsc_shift: i8 => 28,
        /// XEN_PVCLOCK_* flags.
        pub flags: u8 => 29,
        /// Reserved.
        pub pad1: [u8; 2] => 30,
    }

    /// Per-vCPU shared data: event upcall state and time.
    pub struct vcpu_info: size 64, align 8 {
        /// An event is pending for this vCPU.
        pub evtchn_upcall_pending: u8 => 0,
        /// Event upcalls are masked.
        pub evtchn_upcall_mask: u8 => 1,
        /// Padding before `evtchn_pending_sel`.
        pad _pad0: [u8; 6] => 2,
        /// Which words of shared_info.evtchn_pending to scan.
        pub evtchn_pending_sel: xen_ulong_t as "xen_ulong_t" => 8,
        /// Architecture-specific state.
        pub arch: arch_vcpu_info => 16,
        /// Time parameters.
        pub time: vcpu_time_info => 32,
    }

    /// The shared-info page of a domain.
    pub struct shared_info: size 3136, align 8 {
        /// vcpu_info of the first XEN_LEGACY_MAX_VCPUS vCPUs.
        pub vcpu_info: [vcpu_info; 32] => 0,
        /// 2-level event channel pending bitmap.
        pub evtchn_pending: [xen_ulong_t; 64] as "xen_ulong_t" => 2048,
        /// 2-level event channel mask bitmap.
        pub evtchn_mask: [xen_ulong_t; 64] as "xen_ulong_t" => 2560,
        /// Wallclock version, odd while updating.
        pub wc_version: u32 => 3072,
        /// Wallclock seconds at boot (low 32 bits).
        pub wc_sec: u32 => 3076,
        /// Wallclock nanoseconds at boot.
        pub wc_nsec: u32 => 3080,
        /// Wallclock seconds at boot (high 32 bits).
        pub wc_sec_hi: u32 => 3084,
        /// Architecture-specific state.
        pub arch: arch_shared_info => 3088,
    }

    /// Start-of-day information of a PV guest.
    pub struct start_info: size 1168, align 8 {
        /// `xen-<version>-<platform>`.
        pub magic: [u8; 32] as "char" => 0,
        /// Pages allocated to the domain.
        pub nr_pages: u64 => 32,
        /// Machine address of shared_info.
        pub shared_info: u64 => 40,
        /// SIF_* flags.
        pub flags: u32 => 48,
        /// Padding before `store_mfn`.
        pad _pad0: [u8; 4] => 52,
        /// Machine frame of the xenstore ring.
        pub store_mfn: xen_pfn_t as "xen_pfn_t" => 56,
        /// Event channel of the xenstore ring.
        pub store_evtchn: u32 => 64,
        /// Padding before `console`.
        pad _pad1: [u8; 4] => 68,
        /// Console: {mfn, evtchn} for a domU, {info_off, info_size} for dom0 (C: a union).
        pub console: [u64; 2] => 72,
        /// Virtual address of the initial page directory.
        pub pt_base: u64 => 88,
        /// Number of bootstrap page-table frames.
        pub nr_pt_frames: u64 => 96,
        /// Virtual address of the page-frame list.
        pub mfn_list: u64 => 104,
        /// Virtual address (or pfn) of the first module.
        pub mod_start: u64 => 112,
        /// Size of the first module.
        pub mod_len: u64 => 120,
        /// Kernel command line.
        pub cmd_line: [i8; 1024] => 128,
        /// First pfn of the initial p2m table.
        pub first_p2m_pfn: u64 => 1152,
        /// Number of pfns of the initial p2m table.
        pub nr_p2m_frames: u64 => 1160,
    }

    /// One module of a multiboot module list handed to a PV dom0.
    pub struct xen_multiboot_mod_list: size 16, align 4 {
        /// First byte of the module.
        pub mod_start: u32 => 0,
        /// Last byte of the module.
        pub mod_end: u32 => 4,
        /// Address of its command line.
        pub cmdline: u32 => 8,
        /// Must be zero.
        pub pad: u32 => 12,
    }

    /// A bitmap passed by the toolstack (CPU or node masks).
    pub struct xenctl_bitmap: size 16, align 8 {
        /// The bits.
        pub bitmap: GuestHandle<u8> => 0,
        /// Number of valid bits.
        pub nr_bits: u32 => 8,
        /// Padding after `nr_bits`.
        pad _pad0: [u8; 4] => 12,
    }

    /// Console information handed to a PV dom0 (at start_info.console.dom0.info_off).
    pub struct dom0_vga_console_info: size 40, align 4 {
        /// XEN_VGATYPE_*.
        pub video_type: u8 => 0,
        /// Padding before `u`.
        pad _pad0: [u8; 3] => 1,
        /// Text-mode or frame-buffer geometry (C: a union).
        pub u: [u32; 9] => 4,
    }
}
