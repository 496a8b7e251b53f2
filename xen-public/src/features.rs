//! Feature flags reported by XENVER_get_features (public/features.h): bit numbers in submap 0.

crate::xen_consts! {
    header "features.h";
    /// PV guests may write their page tables directly.
    pub const XENFEAT_writable_page_tables: u32 = 0;
    /// PV guests may write their descriptor tables directly.
    pub const XENFEAT_writable_descriptor_tables: u32 = 1;
    /// Xen translates guest frame numbers (HVM, PVH and translated PV).
    pub const XENFEAT_auto_translated_physmap: u32 = 2;
    /// The guest kernel runs in ring 0.
    pub const XENFEAT_supervisor_mode_kernel: u32 = 3;
    /// PAE page directories may live above 4 GiB.
    pub const XENFEAT_pae_pgdir_above_4gb: u32 = 4;
    /// MMU_PT_UPDATE_PRESERVE_AD is supported.
    pub const XENFEAT_mmu_pt_update_preserve_ad: u32 = 5;
    /// Highmem assists are available (x86-32 PV).
    pub const XENFEAT_highmem_assist: u32 = 6;
    /// Grant mappings leave the guest-available PTE bits alone.
    pub const XENFEAT_gnttab_map_avail_bits: u32 = 7;
    /// HVM guests may take event upcalls on a vector.
    pub const XENFEAT_hvm_callback_vector: u32 = 8;
    /// The HVM pvclock is safe to use.
    pub const XENFEAT_hvm_safe_pvclock: u32 = 9;
    /// HVM guests may route physical IRQs to event channels.
    pub const XENFEAT_hvm_pirqs: u32 = 10;
    /// The domain is the hardware domain.
    pub const XENFEAT_dom0: u32 = 11;
    /// XENMEMF_vnode is supported.
    pub const XENFEAT_memory_op_vnode_supported: u32 = 13;
    /// SMCCC is supported (Arm).
    pub const XENFEAT_ARM_SMCCC_supported: u32 = 14;
    /// The RSDP may be anywhere for Linux (x86 PVH dom0).
    pub const XENFEAT_linux_rsdp_unrestricted: u32 = 15;
    /// The domain is not direct mapped.
    pub const XENFEAT_not_direct_mapped: u32 = 16;
    /// The domain is direct mapped (guest physical == machine).
    pub const XENFEAT_direct_mapped: u32 = 17;
    /// Number of 32-bit feature submaps.
    pub const XENFEAT_NR_SUBMAPS: u32 = 1;
}
