//! The x86 HVM save records (public/arch-x86/hvm/save.h): what XEN_DOMCTL_gethvmcontext
//! writes and XEN_DOMCTL_sethvmcontext reads after each [`hvm_save_descriptor`]. The toolstack
//! starts a PVH guest's vCPU by editing the CPU record of such an image (xg_dom_x86.c
//! `vcpu_hvm`).
//!
//! Xen names a record type's code `HVM_SAVE_CODE(CPU)`, a sizeof trick with no constant behind
//! it; the codes are given here as `HVM_SAVE_CODE_*` (marked as xen-rs spellings), except
//! `CPU_XSAVE_CODE` and `CPU_MSR_CODE`, which Xen defines itself.
//!
//! [`hvm_save_descriptor`]: crate::hvm::save::hvm_save_descriptor

crate::xen_consts! {
    header "arch-x86/hvm/save.h";
    /// hvm_save_header.magic.
    pub const HVM_FILE_MAGIC: u32 = 0x5438_1286;
    /// hvm_save_header.version: the only version of the format.
    pub const HVM_FILE_VERSION: u32 = 0x0000_0001;
    /// Bit number of XEN_X86_FPU_INITIALISED.
    pub const _XEN_X86_FPU_INITIALISED: u32 = 0;
    /// hvm_hw_cpu.flags: fpu_regs holds the vCPU's FPU state.
    pub const XEN_X86_FPU_INITIALISED: u32 = 1 << 0;
    /// Variable-range MTRR pairs in hvm_hw_mtrr.
    pub const MTRR_VCNT: u32 = 8;
    /// Fixed-range MTRRs in hvm_hw_mtrr.
    pub const NUM_FIXED_MSR: u32 = 11;
    /// Typecode of the variable-length XSAVE record (struct hvm_hw_cpu_xsave).
    pub const CPU_XSAVE_CODE: u16 = 16;
    /// Typecode of the variable-length MSR record (struct hvm_msr).
    pub const CPU_MSR_CODE: u16 = 20;
    /// The largest typecode in use.
    pub const HVM_SAVE_CODE_MAX: u16 = 20;
    /// `HVM_SAVE_CODE(HEADER)`: struct hvm_save_header, first in every image.
    ext const HVM_SAVE_CODE_HEADER: u16 = 1;
    /// `HVM_SAVE_CODE(CPU)`: struct hvm_hw_cpu, one per vCPU that is up.
    ext const HVM_SAVE_CODE_CPU: u16 = 2;
    /// `HVM_SAVE_CODE(PIC)`: struct hvm_hw_vpic.
    ext const HVM_SAVE_CODE_PIC: u16 = 3;
    /// `HVM_SAVE_CODE(IOAPIC)`: struct hvm_hw_vioapic.
    ext const HVM_SAVE_CODE_IOAPIC: u16 = 4;
    /// `HVM_SAVE_CODE(LAPIC)`: struct hvm_hw_lapic, per vCPU.
    ext const HVM_SAVE_CODE_LAPIC: u16 = 5;
    /// `HVM_SAVE_CODE(LAPIC_REGS)`: struct hvm_hw_lapic_regs, per vCPU.
    ext const HVM_SAVE_CODE_LAPIC_REGS: u16 = 6;
    /// `HVM_SAVE_CODE(PCI_IRQ)`: struct hvm_hw_pci_irqs.
    ext const HVM_SAVE_CODE_PCI_IRQ: u16 = 7;
    /// `HVM_SAVE_CODE(ISA_IRQ)`: struct hvm_hw_isa_irqs.
    ext const HVM_SAVE_CODE_ISA_IRQ: u16 = 8;
    /// `HVM_SAVE_CODE(PCI_LINK)`: struct hvm_hw_pci_link.
    ext const HVM_SAVE_CODE_PCI_LINK: u16 = 9;
    /// `HVM_SAVE_CODE(PIT)`: struct hvm_hw_pit.
    ext const HVM_SAVE_CODE_PIT: u16 = 10;
    /// `HVM_SAVE_CODE(RTC)`: struct hvm_hw_rtc.
    ext const HVM_SAVE_CODE_RTC: u16 = 11;
    /// `HVM_SAVE_CODE(HPET)`: struct hvm_hw_hpet.
    ext const HVM_SAVE_CODE_HPET: u16 = 12;
    /// `HVM_SAVE_CODE(PMTIMER)`: struct hvm_hw_pmtimer.
    ext const HVM_SAVE_CODE_PMTIMER: u16 = 13;
    /// `HVM_SAVE_CODE(MTRR)`: struct hvm_hw_mtrr, per vCPU.
    ext const HVM_SAVE_CODE_MTRR: u16 = 14;
    /// `HVM_SAVE_CODE(VIRIDIAN_DOMAIN)`: struct hvm_viridian_domain_context.
    ext const HVM_SAVE_CODE_VIRIDIAN_DOMAIN: u16 = 15;
    /// `HVM_SAVE_CODE(VIRIDIAN_VCPU)`: struct hvm_viridian_vcpu_context, per vCPU.
    ext const HVM_SAVE_CODE_VIRIDIAN_VCPU: u16 = 17;
    /// `HVM_SAVE_CODE(VMCE_VCPU)`: struct hvm_vmce_vcpu, per vCPU.
    ext const HVM_SAVE_CODE_VMCE_VCPU: u16 = 18;
    /// `HVM_SAVE_CODE(TSC_ADJUST)`: struct hvm_tsc_adjust, per vCPU.
    ext const HVM_SAVE_CODE_TSC_ADJUST: u16 = 19;
}

crate::xen_structs! {
    header "arch-x86/hvm/save.h";

    /// The HEADER record: what saved the image.
    pub struct hvm_save_header: size 24, align 8 {
        /// HVM_FILE_MAGIC.
        pub magic: u32 => 0,
        /// HVM_FILE_VERSION.
        pub version: u32 => 4,
        /// Changeset of the Xen that saved it (~0 if unknown).
        pub changeset: u64 => 8,
        /// CPUID leaf 1 EAX of the saving machine.
        pub cpuid: u32 => 16,
        /// The guest's TSC frequency in kHz (0: keep the current one).
        pub gtsc_khz: u32 => 20,
    }

    /// The CPU record: one vCPU's registers (Xen 4.7 and later).
    pub struct hvm_hw_cpu: size 1032, align 8 {
        /// The FXSAVE image of the x87/SSE state (valid with XEN_X86_FPU_INITIALISED).
        pub fpu_regs: [u8; 512] => 0,
        /// rax.
        pub rax: u64 => 512,
        /// rbx.
        pub rbx: u64 => 520,
        /// rcx.
        pub rcx: u64 => 528,
        /// rdx.
        pub rdx: u64 => 536,
        /// rbp.
        pub rbp: u64 => 544,
        /// rsi.
        pub rsi: u64 => 552,
        /// rdi.
        pub rdi: u64 => 560,
        /// rsp.
        pub rsp: u64 => 568,
        /// r8.
        pub r8: u64 => 576,
        /// r9.
        pub r9: u64 => 584,
        /// r10.
        pub r10: u64 => 592,
        /// r11.
        pub r11: u64 => 600,
        /// r12.
        pub r12: u64 => 608,
        /// r13.
        pub r13: u64 => 616,
        /// r14.
        pub r14: u64 => 624,
        /// r15.
        pub r15: u64 => 632,
        /// rip.
        pub rip: u64 => 640,
        /// rflags.
        pub rflags: u64 => 648,
        /// cr0.
        pub cr0: u64 => 656,
        /// cr2.
        pub cr2: u64 => 664,
        /// cr3.
        pub cr3: u64 => 672,
        /// cr4.
        pub cr4: u64 => 680,
        /// dr0.
        pub dr0: u64 => 688,
        /// dr1.
        pub dr1: u64 => 696,
        /// dr2.
        pub dr2: u64 => 704,
        /// dr3.
        pub dr3: u64 => 712,
        /// dr6.
        pub dr6: u64 => 720,
        /// dr7.
        pub dr7: u64 => 728,
        /// CS selector.
        pub cs_sel: u32 => 736,
        /// DS selector.
        pub ds_sel: u32 => 740,
        /// ES selector.
        pub es_sel: u32 => 744,
        /// FS selector.
        pub fs_sel: u32 => 748,
        /// GS selector.
        pub gs_sel: u32 => 752,
        /// SS selector.
        pub ss_sel: u32 => 756,
        /// TR selector.
        pub tr_sel: u32 => 760,
        /// LDTR selector.
        pub ldtr_sel: u32 => 764,
        /// CS limit.
        pub cs_limit: u32 => 768,
        /// DS limit.
        pub ds_limit: u32 => 772,
        /// ES limit.
        pub es_limit: u32 => 776,
        /// FS limit.
        pub fs_limit: u32 => 780,
        /// GS limit.
        pub gs_limit: u32 => 784,
        /// SS limit.
        pub ss_limit: u32 => 788,
        /// TR limit.
        pub tr_limit: u32 => 792,
        /// LDTR limit.
        pub ldtr_limit: u32 => 796,
        /// IDTR limit.
        pub idtr_limit: u32 => 800,
        /// GDTR limit.
        pub gdtr_limit: u32 => 804,
        /// CS base.
        pub cs_base: u64 => 808,
        /// DS base.
        pub ds_base: u64 => 816,
        /// ES base.
        pub es_base: u64 => 824,
        /// FS base.
        pub fs_base: u64 => 832,
        /// GS base.
        pub gs_base: u64 => 840,
        /// SS base.
        pub ss_base: u64 => 848,
        /// TR base.
        pub tr_base: u64 => 856,
        /// LDTR base.
        pub ldtr_base: u64 => 864,
        /// IDTR base.
        pub idtr_base: u64 => 872,
        /// GDTR base.
        pub gdtr_base: u64 => 880,
        /// CS attributes, in Xen's segment_register format (12 bits).
        pub cs_arbytes: u32 => 888,
        /// DS attributes, in Xen's segment_register format (12 bits).
        pub ds_arbytes: u32 => 892,
        /// ES attributes, in Xen's segment_register format (12 bits).
        pub es_arbytes: u32 => 896,
        /// FS attributes, in Xen's segment_register format (12 bits).
        pub fs_arbytes: u32 => 900,
        /// GS attributes, in Xen's segment_register format (12 bits).
        pub gs_arbytes: u32 => 904,
        /// SS attributes, in Xen's segment_register format (12 bits).
        pub ss_arbytes: u32 => 908,
        /// TR attributes, in Xen's segment_register format (12 bits).
        pub tr_arbytes: u32 => 912,
        /// LDTR attributes, in Xen's segment_register format (12 bits).
        pub ldtr_arbytes: u32 => 916,
        /// MSR_IA32_SYSENTER_CS.
        pub sysenter_cs: u64 => 920,
        /// MSR_IA32_SYSENTER_ESP.
        pub sysenter_esp: u64 => 928,
        /// MSR_IA32_SYSENTER_EIP.
        pub sysenter_eip: u64 => 936,
        /// MSR_SHADOW_GS_BASE (the GS base SWAPGS swaps in).
        pub shadow_gs: u64 => 944,
        /// Obsolete, ignored.
        pub msr_flags: u64 => 952,
        /// MSR_LSTAR.
        pub msr_lstar: u64 => 960,
        /// MSR_STAR.
        pub msr_star: u64 => 968,
        /// MSR_CSTAR.
        pub msr_cstar: u64 => 976,
        /// MSR_SYSCALL_MASK (SFMASK).
        pub msr_syscall_mask: u64 => 984,
        /// MSR_EFER.
        pub msr_efer: u64 => 992,
        /// MSR_TSC_AUX (a 32-bit value).
        pub msr_tsc_aux: u64 => 1000,
        /// The guest's TSC.
        pub tsc: u64 => 1008,
        /// Pending event: vector 0-7, type 8-10, error code valid 11, valid 31 (a union with bit-fields in C).
        pub pending_event: u32 => 1016,
        /// Error code of the pending event.
        pub error_code: u32 => 1020,
        /// XEN_X86_FPU_INITIALISED or 0.
        pub flags: u32 => 1024,
        /// Must be zero.
        pub pad0: u32 => 1028,
    }

    /// The CPU record as Xen before 3.4 wrote it (no msr_tsc_aux, flags or pad0).
    pub struct hvm_hw_cpu_compat: size 1016, align 8 {
        /// The FXSAVE image of the x87/SSE state (valid with XEN_X86_FPU_INITIALISED).
        pub fpu_regs: [u8; 512] => 0,
        /// rax.
        pub rax: u64 => 512,
        /// rbx.
        pub rbx: u64 => 520,
        /// rcx.
        pub rcx: u64 => 528,
        /// rdx.
        pub rdx: u64 => 536,
        /// rbp.
        pub rbp: u64 => 544,
        /// rsi.
        pub rsi: u64 => 552,
        /// rdi.
        pub rdi: u64 => 560,
        /// rsp.
        pub rsp: u64 => 568,
        /// r8.
        pub r8: u64 => 576,
        /// r9.
        pub r9: u64 => 584,
        /// r10.
        pub r10: u64 => 592,
        /// r11.
        pub r11: u64 => 600,
        /// r12.
        pub r12: u64 => 608,
        /// r13.
        pub r13: u64 => 616,
        /// r14.
        pub r14: u64 => 624,
        /// r15.
        pub r15: u64 => 632,
        /// rip.
        pub rip: u64 => 640,
        /// rflags.
        pub rflags: u64 => 648,
        /// cr0.
        pub cr0: u64 => 656,
        /// cr2.
        pub cr2: u64 => 664,
        /// cr3.
        pub cr3: u64 => 672,
        /// cr4.
        pub cr4: u64 => 680,
        /// dr0.
        pub dr0: u64 => 688,
        /// dr1.
        pub dr1: u64 => 696,
        /// dr2.
        pub dr2: u64 => 704,
        /// dr3.
        pub dr3: u64 => 712,
        /// dr6.
        pub dr6: u64 => 720,
        /// dr7.
        pub dr7: u64 => 728,
        /// CS selector.
        pub cs_sel: u32 => 736,
        /// DS selector.
        pub ds_sel: u32 => 740,
        /// ES selector.
        pub es_sel: u32 => 744,
        /// FS selector.
        pub fs_sel: u32 => 748,
        /// GS selector.
        pub gs_sel: u32 => 752,
        /// SS selector.
        pub ss_sel: u32 => 756,
        /// TR selector.
        pub tr_sel: u32 => 760,
        /// LDTR selector.
        pub ldtr_sel: u32 => 764,
        /// CS limit.
        pub cs_limit: u32 => 768,
        /// DS limit.
        pub ds_limit: u32 => 772,
        /// ES limit.
        pub es_limit: u32 => 776,
        /// FS limit.
        pub fs_limit: u32 => 780,
        /// GS limit.
        pub gs_limit: u32 => 784,
        /// SS limit.
        pub ss_limit: u32 => 788,
        /// TR limit.
        pub tr_limit: u32 => 792,
        /// LDTR limit.
        pub ldtr_limit: u32 => 796,
        /// IDTR limit.
        pub idtr_limit: u32 => 800,
        /// GDTR limit.
        pub gdtr_limit: u32 => 804,
        /// CS base.
        pub cs_base: u64 => 808,
        /// DS base.
        pub ds_base: u64 => 816,
        /// ES base.
        pub es_base: u64 => 824,
        /// FS base.
        pub fs_base: u64 => 832,
        /// GS base.
        pub gs_base: u64 => 840,
        /// SS base.
        pub ss_base: u64 => 848,
        /// TR base.
        pub tr_base: u64 => 856,
        /// LDTR base.
        pub ldtr_base: u64 => 864,
        /// IDTR base.
        pub idtr_base: u64 => 872,
        /// GDTR base.
        pub gdtr_base: u64 => 880,
        /// CS attributes, in Xen's segment_register format (12 bits).
        pub cs_arbytes: u32 => 888,
        /// DS attributes, in Xen's segment_register format (12 bits).
        pub ds_arbytes: u32 => 892,
        /// ES attributes, in Xen's segment_register format (12 bits).
        pub es_arbytes: u32 => 896,
        /// FS attributes, in Xen's segment_register format (12 bits).
        pub fs_arbytes: u32 => 900,
        /// GS attributes, in Xen's segment_register format (12 bits).
        pub gs_arbytes: u32 => 904,
        /// SS attributes, in Xen's segment_register format (12 bits).
        pub ss_arbytes: u32 => 908,
        /// TR attributes, in Xen's segment_register format (12 bits).
        pub tr_arbytes: u32 => 912,
        /// LDTR attributes, in Xen's segment_register format (12 bits).
        pub ldtr_arbytes: u32 => 916,
        /// MSR_IA32_SYSENTER_CS.
        pub sysenter_cs: u64 => 920,
        /// MSR_IA32_SYSENTER_ESP.
        pub sysenter_esp: u64 => 928,
        /// MSR_IA32_SYSENTER_EIP.
        pub sysenter_eip: u64 => 936,
        /// MSR_SHADOW_GS_BASE (the GS base SWAPGS swaps in).
        pub shadow_gs: u64 => 944,
        /// Obsolete, ignored.
        pub msr_flags: u64 => 952,
        /// MSR_LSTAR.
        pub msr_lstar: u64 => 960,
        /// MSR_STAR.
        pub msr_star: u64 => 968,
        /// MSR_CSTAR.
        pub msr_cstar: u64 => 976,
        /// MSR_SYSCALL_MASK (SFMASK).
        pub msr_syscall_mask: u64 => 984,
        /// MSR_EFER.
        pub msr_efer: u64 => 992,
        /// The guest's TSC.
        pub tsc: u64 => 1000,
        /// Pending event: vector 0-7, type 8-10, error code valid 11, valid 31 (a union with bit-fields in C).
        pub pending_event: u32 => 1008,
        /// Error code of the pending event.
        pub error_code: u32 => 1012,
    }

    /// The MTRR record: one vCPU's PAT and MTRR MSRs.
    pub struct hvm_hw_mtrr: size 240, align 8 {
        /// MSR_IA32_CR_PAT.
        pub msr_pat_cr: u64 => 0,
        /// The variable ranges: PHYSBASE, PHYSMASK pairs (MTRR_VCNT of them).
        pub msr_mtrr_var: [u64; 16] => 8,
        /// The fixed ranges (NUM_FIXED_MSR of them).
        pub msr_mtrr_fixed: [u64; 11] => 136,
        /// MSR_MTRRcap.
        pub msr_mtrr_cap: u64 => 224,
        /// MSR_MTRRdefType.
        pub msr_mtrr_def_type: u64 => 232,
    }

    /// The XSAVE header inside hvm_hw_cpu_xsave's save area.
    pub struct hvm_hw_cpu_xsave_hdr: size 64, align 8 {
        /// XSTATE_BV.
        pub xstate_bv: u64 => 0,
        /// XCOMP_BV.
        pub xcomp_bv: u64 => 8,
        /// Reserved.
        pub reserved: [u64; 6] => 16,
    }

    /// The XSAVE record (CPU_XSAVE_CODE); the save area continues past the struct.
    pub struct hvm_hw_cpu_xsave: size 600, align 8 {
        /// Ignored.
        pub xfeature_mask: u64 => 0,
        /// XCR0.
        pub xcr0: u64 => 8,
        /// Every XCR0 bit ever set.
        pub xcr0_accum: u64 => 16,
        /// The legacy FXSAVE area then the struct hvm_hw_cpu_xsave_hdr (a nested struct in C).
        pub save_area: [u8; 576] => 24,
    }
}
