//! HVM e820 placement constants (public/hvm/e820.h).

crate::xen_consts! {
    header "hvm/e820.h";
    /// Guest-physical page holding the e820 table of an HVM guest (hvmloader).
    pub const HVM_E820_PAGE: u32 = 0x0009_0000;
    /// Offset of the entry count in that page.
    pub const HVM_E820_NR_OFFSET: u32 = 0x0000_01E8;
    /// Offset of the entries in that page.
    pub const HVM_E820_OFFSET: u32 = 0x0000_02D0;
    /// End of RAM below 4 GiB.
    pub const HVM_BELOW_4G_RAM_END: u32 = 0xF000_0000;
    /// Start of the MMIO hole below 4 GiB.
    pub const HVM_BELOW_4G_MMIO_START: u32 = HVM_BELOW_4G_RAM_END;
    /// Length of the MMIO hole below 4 GiB.
    pub const HVM_BELOW_4G_MMIO_LENGTH: u64 = (1 << 32) - HVM_BELOW_4G_MMIO_START as u64;
}
