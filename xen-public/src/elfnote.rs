//! ELF note types of Xen guest kernels (public/elfnote.h), in notes named "Xen".

crate::xen_consts! {
    header "elfnote.h";
    /// Padding note, ignored.
    pub const XEN_ELFNOTE_INFO: u32 = 0;
    /// PV entry point (virtual).
    pub const XEN_ELFNOTE_ENTRY: u32 = 1;
    /// Virtual address of the hypercall page.
    pub const XEN_ELFNOTE_HYPERCALL_PAGE: u32 = 2;
    /// Virtual base of the kernel.
    pub const XEN_ELFNOTE_VIRT_BASE: u32 = 3;
    /// Virtual minus physical address offset.
    pub const XEN_ELFNOTE_PADDR_OFFSET: u32 = 4;
    /// Xen version the kernel expects ("xen-3.0").
    pub const XEN_ELFNOTE_XEN_VERSION: u32 = 5;
    /// Guest OS name.
    pub const XEN_ELFNOTE_GUEST_OS: u32 = 6;
    /// Guest OS version.
    pub const XEN_ELFNOTE_GUEST_VERSION: u32 = 7;
    /// Loader type ("generic").
    pub const XEN_ELFNOTE_LOADER: u32 = 8;
    /// PAE support ("yes", "no", "bimodal").
    pub const XEN_ELFNOTE_PAE_MODE: u32 = 9;
    /// Features the kernel wants, as a string.
    pub const XEN_ELFNOTE_FEATURES: u32 = 10;
    /// Load the symbol table ("yes").
    pub const XEN_ELFNOTE_BSD_SYMTAB: u32 = 11;
    /// Lowest hypervisor virtual address the kernel tolerates.
    pub const XEN_ELFNOTE_HV_START_LOW: u32 = 12;
    /// Mask and value identifying valid L1 entries.
    pub const XEN_ELFNOTE_L1_MFN_VALID: u32 = 13;
    /// The kernel supports suspend cancellation.
    pub const XEN_ELFNOTE_SUSPEND_CANCEL: u32 = 14;
    /// Virtual address for the initial p2m table.
    pub const XEN_ELFNOTE_INIT_P2M: u32 = 15;
    /// The kernel accepts mod_start as a pfn.
    pub const XEN_ELFNOTE_MOD_START_PFN: u32 = 16;
    /// Features the kernel supports, as a bitmap.
    pub const XEN_ELFNOTE_SUPPORTED_FEATURES: u32 = 17;
    /// PVH 32-bit physical entry point.
    pub const XEN_ELFNOTE_PHYS32_ENTRY: u32 = 18;
    /// Highest note type defined.
    pub const XEN_ELFNOTE_MAX: u32 = XEN_ELFNOTE_PHYS32_ENTRY;
    /// Crash dump note: crash information.
    pub const XEN_ELFNOTE_CRASH_INFO: u32 = 0x0100_0001;
    /// Crash dump note: registers.
    pub const XEN_ELFNOTE_CRASH_REGS: u32 = 0x0100_0002;
    /// Core dump note: empty.
    pub const XEN_ELFNOTE_DUMPCORE_NONE: u32 = 0x0200_0000;
    /// Core dump note: header.
    pub const XEN_ELFNOTE_DUMPCORE_HEADER: u32 = 0x0200_0001;
    /// Core dump note: Xen version.
    pub const XEN_ELFNOTE_DUMPCORE_XEN_VERSION: u32 = 0x0200_0002;
    /// Core dump note: format version.
    pub const XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION: u32 = 0x0200_0003;
}
