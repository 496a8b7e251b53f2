//! Initial register state of an HVM vCPU (public/hvm/hvm_vcpu.h), for VCPUOP_initialise.

crate::xen_consts! {
    header "hvm/hvm_vcpu.h";
    /// vcpu_hvm_context.mode: use the 32-bit registers.
    pub const VCPU_HVM_MODE_32B: u32 = 0;
    /// vcpu_hvm_context.mode: use the 64-bit registers.
    pub const VCPU_HVM_MODE_64B: u32 = 1;
}

crate::xen_structs! {
    header "hvm/hvm_vcpu.h";

    /// 32-bit protected-mode register state.
    pub struct vcpu_hvm_x86_32: size 120, align 8 {
        /// eax.
        pub eax: u32 => 0,
        /// ecx.
        pub ecx: u32 => 4,
        /// edx.
        pub edx: u32 => 8,
        /// ebx.
        pub ebx: u32 => 12,
        /// esp.
        pub esp: u32 => 16,
        /// ebp.
        pub ebp: u32 => 20,
        /// esi.
        pub esi: u32 => 24,
        /// edi.
        pub edi: u32 => 28,
        /// eip.
        pub eip: u32 => 32,
        /// eflags.
        pub eflags: u32 => 36,
        /// cr0.
        pub cr0: u32 => 40,
        /// cr3.
        pub cr3: u32 => 44,
        /// cr4.
        pub cr4: u32 => 48,
        /// Reserved.
        pub pad1: u32 => 52,
        /// EFER.
        pub efer: u64 => 56,
        /// CS base.
        pub cs_base: u32 => 64,
        /// DS base.
        pub ds_base: u32 => 68,
        /// SS base.
        pub ss_base: u32 => 72,
        /// ES base.
        pub es_base: u32 => 76,
        /// TR base.
        pub tr_base: u32 => 80,
        /// CS limit.
        pub cs_limit: u32 => 84,
        /// DS limit.
        pub ds_limit: u32 => 88,
        /// SS limit.
        pub ss_limit: u32 => 92,
        /// ES limit.
        pub es_limit: u32 => 96,
        /// TR limit.
        pub tr_limit: u32 => 100,
        /// CS access rights.
        pub cs_ar: u16 => 104,
        /// DS access rights.
        pub ds_ar: u16 => 106,
        /// SS access rights.
        pub ss_ar: u16 => 108,
        /// ES access rights.
        pub es_ar: u16 => 110,
        /// TR access rights.
        pub tr_ar: u16 => 112,
        /// Reserved.
        pub pad2: [u16; 3] => 114,
    }

    /// 64-bit long-mode register state (flat segments).
    pub struct vcpu_hvm_x86_64: size 112, align 8 {
        /// rax.
        pub rax: u64 => 0,
        /// rcx.
        pub rcx: u64 => 8,
        /// rdx.
        pub rdx: u64 => 16,
        /// rbx.
        pub rbx: u64 => 24,
        /// rsp.
        pub rsp: u64 => 32,
        /// rbp.
        pub rbp: u64 => 40,
        /// rsi.
        pub rsi: u64 => 48,
        /// rdi.
        pub rdi: u64 => 56,
        /// rip.
        pub rip: u64 => 64,
        /// rflags.
        pub rflags: u64 => 72,
        /// cr0.
        pub cr0: u64 => 80,
        /// cr3.
        pub cr3: u64 => 88,
        /// cr4.
        pub cr4: u64 => 96,
        /// EFER.
        pub efer: u64 => 104,
    }

    /// Initial state of an HVM vCPU.
    pub struct vcpu_hvm_context: size 128, align 8 {
        /// VCPU_HVM_MODE_*.
        pub mode: u32 => 0,
        /// Reserved.
        pub pad: u32 => 4,
        /// vcpu_hvm_x86_32 or vcpu_hvm_x86_64 as selected by `mode` (C: a union).
        pub cpu_regs: [u64; 15] => 8,
    }
}
