//! x86 parts of the basic interface (public/arch-x86/xen.h and arch-x86/xen-x86_64.h), x86-64
//! layout only.

crate::xen_typedefs! {
    header "arch-x86/xen.h";
    /// A guest (pseudo-)physical or machine frame number.
    pub type xen_pfn_t = u64;
    /// An unsigned long of the guest ABI: 64 bits on x86-64.
    pub type xen_ulong_t = u64;
    /// A TSC value.
    pub type tsc_timestamp_t = u64;
    /// Address of a PV callback entry point.
    pub type xen_callback_t = u64;
}

crate::xen_consts! {
    header "arch-x86/xen.h";
    /// Number of vcpu_info slots embedded in shared_info.
    pub const XEN_LEGACY_MAX_VCPUS: u32 = 32;
    /// First GDT page reserved for Xen in a PV guest's GDT.
    pub const FIRST_RESERVED_GDT_PAGE: u32 = 14;
    /// First reserved GDT byte.
    pub const FIRST_RESERVED_GDT_BYTE: u32 = FIRST_RESERVED_GDT_PAGE * 4096;
    /// First reserved GDT entry.
    pub const FIRST_RESERVED_GDT_ENTRY: u32 = FIRST_RESERVED_GDT_BYTE / 8;
    /// vcpu_guest_context.flags bit: the FPU context is valid.
    pub const VGCF_I387_VALID: u32 = 1 << 0;
    /// vcpu_guest_context.flags bit: the vCPU starts in kernel mode.
    pub const VGCF_IN_KERNEL: u32 = 1 << 2;
    /// Bit number of `VGCF_i387_valid`.
    pub const _VGCF_i387_valid: u32 = 0;
    /// The FPU context is valid.
    pub const VGCF_i387_valid: u32 = 1 << _VGCF_i387_valid;
    /// Bit number of `VGCF_in_kernel`.
    pub const _VGCF_in_kernel: u32 = 2;
    /// The vCPU starts in kernel mode.
    pub const VGCF_in_kernel: u32 = 1 << _VGCF_in_kernel;
    /// Bit number of `VGCF_failsafe_disables_events`.
    pub const _VGCF_failsafe_disables_events: u32 = 3;
    /// Entering the failsafe callback masks events.
    pub const VGCF_failsafe_disables_events: u32 = 1 << _VGCF_failsafe_disables_events;
    /// Bit number of `VGCF_syscall_disables_events`.
    pub const _VGCF_syscall_disables_events: u32 = 4;
    /// Entering the syscall callback masks events.
    pub const VGCF_syscall_disables_events: u32 = 1 << _VGCF_syscall_disables_events;
    /// Bit number of `VGCF_online`.
    pub const _VGCF_online: u32 = 5;
    /// The vCPU is online.
    pub const VGCF_online: u32 = 1 << _VGCF_online;
    /// Bit number of `VGCF_in_syscall` (x86-64).
    pub const _VGCF_in_syscall: u32 = 8;
    /// The vCPU context was saved inside a syscall (x86-64).
    pub const VGCF_in_syscall: u32 = 1 << _VGCF_in_syscall;
    /// Bit number of `XEN_X86_EMU_LAPIC`.
    pub const _XEN_X86_EMU_LAPIC: u32 = 0;
    /// Emulate a local APIC.
    pub const XEN_X86_EMU_LAPIC: u32 = 1 << _XEN_X86_EMU_LAPIC;
    /// Bit number of `XEN_X86_EMU_HPET`.
    pub const _XEN_X86_EMU_HPET: u32 = 1;
    /// Emulate an HPET.
    pub const XEN_X86_EMU_HPET: u32 = 1 << _XEN_X86_EMU_HPET;
    /// Bit number of `XEN_X86_EMU_PM`.
    pub const _XEN_X86_EMU_PM: u32 = 2;
    /// Emulate ACPI PM timer and registers.
    pub const XEN_X86_EMU_PM: u32 = 1 << _XEN_X86_EMU_PM;
    /// Bit number of `XEN_X86_EMU_RTC`.
    pub const _XEN_X86_EMU_RTC: u32 = 3;
    /// Emulate an RTC.
    pub const XEN_X86_EMU_RTC: u32 = 1 << _XEN_X86_EMU_RTC;
    /// Bit number of `XEN_X86_EMU_IOAPIC`.
    pub const _XEN_X86_EMU_IOAPIC: u32 = 4;
    /// Emulate an IO-APIC.
    pub const XEN_X86_EMU_IOAPIC: u32 = 1 << _XEN_X86_EMU_IOAPIC;
    /// Bit number of `XEN_X86_EMU_PIC`.
    pub const _XEN_X86_EMU_PIC: u32 = 5;
    /// Emulate the legacy PIC.
    pub const XEN_X86_EMU_PIC: u32 = 1 << _XEN_X86_EMU_PIC;
    /// Bit number of `XEN_X86_EMU_VGA`.
    pub const _XEN_X86_EMU_VGA: u32 = 6;
    /// Emulate VGA.
    pub const XEN_X86_EMU_VGA: u32 = 1 << _XEN_X86_EMU_VGA;
    /// Bit number of `XEN_X86_EMU_IOMMU`.
    pub const _XEN_X86_EMU_IOMMU: u32 = 7;
    /// Emulate an IOMMU.
    pub const XEN_X86_EMU_IOMMU: u32 = 1 << _XEN_X86_EMU_IOMMU;
    /// Bit number of `XEN_X86_EMU_PIT`.
    pub const _XEN_X86_EMU_PIT: u32 = 8;
    /// Emulate the PIT.
    pub const XEN_X86_EMU_PIT: u32 = 1 << _XEN_X86_EMU_PIT;
    /// Bit number of `XEN_X86_EMU_USE_PIRQ`.
    pub const _XEN_X86_EMU_USE_PIRQ: u32 = 9;
    /// Route physical interrupts through event channels (PIRQs).
    pub const XEN_X86_EMU_USE_PIRQ: u32 = 1 << _XEN_X86_EMU_USE_PIRQ;
    /// Bit number of `XEN_X86_EMU_VPCI`.
    pub const _XEN_X86_EMU_VPCI: u32 = 10;
    /// Emulate PCI config space (vPCI).
    pub const XEN_X86_EMU_VPCI: u32 = 1 << _XEN_X86_EMU_VPCI;
    /// Every emulation flag.
    pub const XEN_X86_EMU_ALL: u32 = 0x7ff;
    /// xen_arch_domainconfig.misc_flags: unknown MSRs read as zero instead of faulting.
    pub const XEN_X86_MSR_RELAXED: u32 = 1 << 0;
    /// Highest valid misc flag.
    pub const XEN_X86_MISC_FLAGS_MAX: u32 = XEN_X86_MSR_RELAXED;
    /// xen_cpuid_leaf.subleaf value of a leaf without subleaves.
    pub const XEN_CPUID_NO_SUBLEAF: u32 = 0xffff_ffff;
    /// I/O port of the HVM debug console.
    pub const XEN_HVM_DEBUGCONS_IOPORT: u32 = 0xe9;
    /// set_segment_base: set the FS base.
    pub const SEGBASE_FS: u32 = 0;
    /// set_segment_base: set the user GS base.
    pub const SEGBASE_GS_USER: u32 = 1;
    /// set_segment_base: set the kernel GS base.
    pub const SEGBASE_GS_KERNEL: u32 = 2;
    /// set_segment_base: load the user GS selector.
    pub const SEGBASE_GS_USER_SEL: u32 = 3;
    /// Start of the hypervisor's reserved virtual range in PV guests.
    pub const HYPERVISOR_VIRT_START: u64 = 0xFFFF_8000_0000_0000;
    /// End of the hypervisor's reserved virtual range in PV guests.
    pub const HYPERVISOR_VIRT_END: u64 = 0xFFFF_8800_0000_0000;
    /// Start of the read-only machine-to-phys table in PV guests.
    pub const MACH2PHYS_VIRT_START: u64 = 0xFFFF_8000_0000_0000;
    /// End of the read-only machine-to-phys table in PV guests.
    pub const MACH2PHYS_VIRT_END: u64 = 0xFFFF_8040_0000_0000;
    /// 32-bit flat ring-3 code selector.
    pub const FLAT_RING3_CS32: u32 = 0xe023;
    /// 64-bit flat ring-3 code selector.
    pub const FLAT_RING3_CS64: u32 = 0xe033;
    /// 32-bit flat ring-3 data selector.
    pub const FLAT_RING3_DS32: u32 = 0xe02b;
    /// 64-bit flat ring-3 data selector (null).
    pub const FLAT_RING3_DS64: u32 = 0x0000;
    /// 32-bit flat ring-3 stack selector.
    pub const FLAT_RING3_SS32: u32 = 0xe02b;
    /// 64-bit flat ring-3 stack selector.
    pub const FLAT_RING3_SS64: u32 = 0xe02b;
}

crate::xen_structs! {
    header "arch-x86/xen.h";

    /// One entry of a PV guest's virtual IDT.
    pub struct trap_info: size 16, align 8 {
        /// Exception vector.
        pub vector: u8 => 0,
        /// Bits 0-1: DPL; bit 2: clear the event mask on entry.
        pub flags: u8 => 1,
        /// Code selector.
        pub cs: u16 => 2,
        /// Padding before `address`.
        pad _pad0: [u8; 4] => 4,
        /// Handler address.
        pub address: u64 => 8,
    }

    /// Guest general-purpose registers as saved by Xen (x86-64).
    pub struct cpu_user_regs: size 200, align 8 {
        /// r15.
        pub r15: u64 => 0,
        /// r14.
        pub r14: u64 => 8,
        /// r13.
        pub r13: u64 => 16,
        /// r12.
        pub r12: u64 => 24,
        /// rbp.
        pub rbp: u64 => 32,
        /// rbx.
        pub rbx: u64 => 40,
        /// r11.
        pub r11: u64 => 48,
        /// r10.
        pub r10: u64 => 56,
        /// r9.
        pub r9: u64 => 64,
        /// r8.
        pub r8: u64 => 72,
        /// rax.
        pub rax: u64 => 80,
        /// rcx.
        pub rcx: u64 => 88,
        /// rdx.
        pub rdx: u64 => 96,
        /// rsi.
        pub rsi: u64 => 104,
        /// rdi.
        pub rdi: u64 => 112,
        /// Exception error code (private to Xen).
        pub error_code: u32 => 120,
        /// Exception vector (private to Xen).
        pub entry_vector: u32 => 124,
        /// rip.
        pub rip: u64 => 128,
        /// cs.
        pub cs: u16 => 136,
        /// Padding after cs.
        pub _pad0: [u16; 1] => 138,
        /// Saved event mask of a PV vCPU.
        pub saved_upcall_mask: u8 => 140,
        /// Padding after saved_upcall_mask.
        pub _pad1: [u8; 3] => 141,
        /// rflags.
        pub rflags: u64 => 144,
        /// rsp.
        pub rsp: u64 => 152,
        /// ss.
        pub ss: u16 => 160,
        /// Padding after ss.
        pub _pad2: [u16; 3] => 162,
        /// es.
        pub es: u16 => 168,
        /// Padding after es.
        pub _pad3: [u16; 3] => 170,
        /// ds.
        pub ds: u16 => 176,
        /// Padding after ds.
        pub _pad4: [u16; 3] => 178,
        /// fs.
        pub fs: u16 => 184,
        /// Padding after fs.
        pub _pad5: [u16; 3] => 186,
        /// gs.
        pub gs: u16 => 192,
        /// Padding after gs.
        pub _pad6: [u16; 3] => 194,
    }

    /// Full register state of a PV vCPU (VCPUOP_initialise, XEN_DOMCTL_{set,get}vcpucontext).
    pub struct vcpu_guest_context: size 5168, align 8 {
        /// FXSAVE image of the FPU state (C: a struct wrapping `char x[512]`).
        pub fpu_ctxt: [u8; 512] => 0,
        /// VGCF_* flags.
        pub flags: u64 => 512,
        /// General-purpose registers.
        pub user_regs: cpu_user_regs => 520,
        /// Virtual IDT.
        pub trap_ctxt: [trap_info; 256] => 720,
        /// LDT linear address.
        pub ldt_base: u64 => 4816,
        /// Number of LDT entries.
        pub ldt_ents: u64 => 4824,
        /// GDT frames.
        pub gdt_frames: [u64; 16] => 4832,
        /// Number of GDT entries.
        pub gdt_ents: u64 => 4960,
        /// Kernel stack selector.
        pub kernel_ss: u64 => 4968,
        /// Kernel stack pointer.
        pub kernel_sp: u64 => 4976,
        /// Control registers CR0-CR7.
        pub ctrlreg: [u64; 8] => 4984,
        /// Debug registers DR0-DR7.
        pub debugreg: [u64; 8] => 5048,
        /// Event callback entry point.
        pub event_callback_eip: u64 => 5112,
        /// Failsafe callback entry point.
        pub failsafe_callback_eip: u64 => 5120,
        /// Syscall callback entry point.
        pub syscall_callback_eip: u64 => 5128,
        /// VMASST_TYPE_* bitmap.
        pub vm_assist: u64 => 5136,
        /// FS base.
        pub fs_base: u64 => 5144,
        /// Kernel GS base.
        pub gs_base_kernel: u64 => 5152,
        /// User GS base.
        pub gs_base_user: u64 => 5160,
    }

    /// x86 part of shared_info.
    pub struct arch_shared_info: size 48, align 8 {
        /// Highest pfn of a PV guest's p2m.
        pub max_pfn: u64 => 0,
        /// Frame holding the list of p2m frame-list frames.
        pub pfn_to_mfn_frame_list_list: xen_pfn_t as "xen_pfn_t" => 8,
        /// NMI reason bits.
        pub nmi_reason: u64 => 16,
        /// CR3 of the p2m address space.
        pub p2m_cr3: u64 => 24,
        /// Virtual address of the linear p2m list.
        pub p2m_vaddr: u64 => 32,
        /// Generation count of the p2m mapping.
        pub p2m_generation: u64 => 40,
    }

    /// x86 part of vcpu_info.
    pub struct arch_vcpu_info: size 16, align 8 {
        /// Faulting address of the last page fault (PV).
        pub cr2: u64 => 0,
        /// Pads vcpu_info to 64 bytes.
        pub pad: u64 => 8,
    }

    /// x86 part of XEN_DOMCTL_createdomain's configuration.
    pub struct xen_arch_domainconfig: size 8, align 4 {
        /// XEN_X86_EMU_* devices to emulate.
        pub emulation_flags: u32 => 0,
        /// XEN_X86_MSR_RELAXED and friends.
        pub misc_flags: u32 => 4,
    }

    /// One CPUID leaf of a CPU policy.
    pub struct xen_cpuid_leaf: size 24, align 4 {
        /// Leaf (EAX input).
        pub leaf: u32 => 0,
        /// Subleaf (ECX input) or XEN_CPUID_NO_SUBLEAF.
        pub subleaf: u32 => 4,
        /// EAX output.
        pub a: u32 => 8,
        /// EBX output.
        pub b: u32 => 12,
        /// ECX output.
        pub c: u32 => 16,
        /// EDX output.
        pub d: u32 => 20,
    }

    /// One MSR of a CPU policy or vCPU state.
    pub struct xen_msr_entry: size 16, align 8 {
        /// MSR index.
        pub idx: u32 => 0,
        /// Reserved, must be zero.
        pub flags: u32 => 4,
        /// MSR value.
        pub val: u64 => 8,
    }

    /// Frame pushed for HYPERVISOR_iret (x86-64 PV).
    pub struct iret_context: size 72, align 8 {
        /// Saved rax.
        pub rax: u64 => 0,
        /// Saved r11.
        pub r11: u64 => 8,
        /// Saved rcx.
        pub rcx: u64 => 16,
        /// VGCF_in_syscall or 0.
        pub flags: u64 => 24,
        /// Return rip.
        pub rip: u64 => 32,
        /// Return cs.
        pub cs: u64 => 40,
        /// Return rflags.
        pub rflags: u64 => 48,
        /// Return rsp.
        pub rsp: u64 => 56,
        /// Return ss.
        pub ss: u64 => 64,
    }
}
