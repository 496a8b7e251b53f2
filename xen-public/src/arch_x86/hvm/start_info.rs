//! PVH boot information (public/arch-x86/hvm/start_info.h): what a PVH kernel finds at the
//! address in EBX when it enters at its XEN_ELFNOTE_PHYS32_ENTRY.

crate::xen_consts! {
    header "arch-x86/hvm/start_info.h";
    /// hvm_start_info.magic.
    pub const XEN_HVM_START_MAGIC_VALUE: u32 = 0x336e_c578;
    /// Memory map entry: usable RAM.
    pub const XEN_HVM_MEMMAP_TYPE_RAM: u32 = 1;
    /// Memory map entry: reserved.
    pub const XEN_HVM_MEMMAP_TYPE_RESERVED: u32 = 2;
    /// Memory map entry: ACPI tables, reclaimable.
    pub const XEN_HVM_MEMMAP_TYPE_ACPI: u32 = 3;
    /// Memory map entry: ACPI non-volatile storage.
    pub const XEN_HVM_MEMMAP_TYPE_NVS: u32 = 4;
    /// Memory map entry: unusable (errors detected).
    pub const XEN_HVM_MEMMAP_TYPE_UNUSABLE: u32 = 5;
    /// Memory map entry: disabled.
    pub const XEN_HVM_MEMMAP_TYPE_DISABLED: u32 = 6;
    /// Memory map entry: persistent memory.
    pub const XEN_HVM_MEMMAP_TYPE_PMEM: u32 = 7;
}

crate::xen_structs! {
    header "arch-x86/hvm/start_info.h";

    /// Start-of-day information of a PVH guest (version 0 ends at memmap_paddr).
    pub struct hvm_start_info: size 56, align 8 {
        /// XEN_HVM_START_MAGIC_VALUE.
        pub magic: u32 => 0,
        /// Version of the structure (0 or 1).
        pub version: u32 => 4,
        /// SIF_* flags.
        pub flags: u32 => 8,
        /// Number of modules.
        pub nr_modules: u32 => 12,
        /// Physical address of the hvm_modlist_entry array.
        pub modlist_paddr: u64 => 16,
        /// Physical address of the command line.
        pub cmdline_paddr: u64 => 24,
        /// Physical address of the ACPI RSDP.
        pub rsdp_paddr: u64 => 32,
        /// Version 1: physical address of the hvm_memmap_table_entry array.
        pub memmap_paddr: u64 => 40,
        /// Version 1: number of memory map entries.
        pub memmap_entries: u32 => 48,
        /// Must be zero.
        pub reserved: u32 => 52,
    }

    /// One module handed to a PVH kernel.
    pub struct hvm_modlist_entry: size 32, align 8 {
        /// Physical address of the module.
        pub paddr: u64 => 0,
        /// Size in bytes.
        pub size: u64 => 8,
        /// Physical address of its command line.
        pub cmdline_paddr: u64 => 16,
        /// Must be zero.
        pub reserved: u64 => 24,
    }

    /// One entry of the PVH memory map.
    pub struct hvm_memmap_table_entry: size 24, align 8 {
        /// Base address.
        pub addr: u64 => 0,
        /// Size in bytes.
        pub size: u64 => 8,
        /// XEN_HVM_MEMMAP_TYPE_*.
        pub r#type: u32 => 16,
        /// Must be zero.
        pub reserved: u32 => 20,
    }
}
