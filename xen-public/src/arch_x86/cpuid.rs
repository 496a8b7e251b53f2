//! Xen's CPUID leaves (public/arch-x86/cpuid.h), from 0x40000000 (0x40000100 with Viridian).

crate::xen_consts! {
    header "arch-x86/cpuid.h";
    /// First Xen leaf: max leaf in EAX, signature in EBX, ECX, EDX.
    pub const XEN_CPUID_FIRST_LEAF: u32 = 0x4000_0000;
    /// Signature EBX: "XenV".
    pub const XEN_CPUID_SIGNATURE_EBX: u32 = 0x566e_6558;
    /// Signature ECX: "MMXe".
    pub const XEN_CPUID_SIGNATURE_ECX: u32 = 0x6558_4d4d;
    /// Signature EDX: "nVMM".
    pub const XEN_CPUID_SIGNATURE_EDX: u32 = 0x4d4d_566e;
    /// Bit number of `XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD`.
    pub const _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD: u32 = 0;
    /// Leaf 2 ECX: MMU_PT_UPDATE_PRESERVE_AD is supported.
    pub const XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD: u32 = 1 << 0;
    /// Leaf 4 EAX: APIC register accesses are virtualised.
    pub const XEN_HVM_CPUID_APIC_ACCESS_VIRT: u32 = 1 << 0;
    /// Leaf 4 EAX: x2APIC accesses are virtualised.
    pub const XEN_HVM_CPUID_X2APIC_VIRT: u32 = 1 << 1;
    /// Leaf 4 EAX: IOMMU mappings of grants and foreign pages exist.
    pub const XEN_HVM_CPUID_IOMMU_MAPPINGS: u32 = 1 << 2;
    /// Leaf 4 EAX: EBX holds the vCPU id.
    pub const XEN_HVM_CPUID_VCPU_ID_PRESENT: u32 = 1 << 3;
    /// Leaf 4 EAX: ECX holds the domain id.
    pub const XEN_HVM_CPUID_DOMID_PRESENT: u32 = 1 << 4;
    /// Leaf 4 EAX: MSI extended destination ids are supported.
    pub const XEN_HVM_CPUID_EXT_DEST_ID: u32 = 1 << 5;
    /// Leaf 4 EAX: per-vCPU event upcall vectors are supported.
    pub const XEN_HVM_CPUID_UPCALL_VECTOR: u32 = 1 << 6;
    /// Leaf 5 EAX: mask of the machine address width.
    pub const XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK: u32 = 0xff << 0;
    /// Number of Xen leaves.
    pub const XEN_CPUID_MAX_NUM_LEAVES: u32 = 5;
}

crate::xen_macros! {
    header "arch-x86/cpuid.h";
    /// The i-th Xen leaf (at the default base).
    pub const fn XEN_CPUID_LEAF(i: u32) -> u32 {
        XEN_CPUID_FIRST_LEAF + i
    }
    c "(XEN_CPUID_FIRST_LEAF + (i))";
}
