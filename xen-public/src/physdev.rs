//! Physical-device operations (public/physdev.h): `__HYPERVISOR_physdev_op`'s commands and the
//! structures of the PCI commands a hardware domain uses.

crate::xen_consts! {
    header "physdev.h";
    /// Notify that some PIRQ-bound event channels were unmasked (obsolete).
    pub const PHYSDEVOP_IRQ_UNMASK_NOTIFY: u32 = 4;
    /// Query an IRQ line's status.
    pub const PHYSDEVOP_irq_status_query: u32 = 5;
    /// Set the vCPU's I/O privilege level (PV).
    pub const PHYSDEVOP_set_iopl: u32 = 6;
    /// Set the vCPU's I/O-port permission bitmap (PV).
    pub const PHYSDEVOP_set_iobitmap: u32 = 7;
    /// Read an IO-APIC register.
    pub const PHYSDEVOP_apic_read: u32 = 8;
    /// Write an IO-APIC register.
    pub const PHYSDEVOP_apic_write: u32 = 9;
    /// Allocate a vector for an IRQ line (a no-op kept for old kernels).
    pub const PHYSDEVOP_alloc_irq_vector: u32 = 10;
    /// Free an IRQ line's vector.
    pub const PHYSDEVOP_free_irq_vector: u32 = 11;
    /// EOI a physical IRQ.
    pub const PHYSDEVOP_eoi: u32 = 12;
    /// Map a GSI or an MSI to a PIRQ.
    pub const PHYSDEVOP_map_pirq: u32 = 13;
    /// Unmap a PIRQ.
    pub const PHYSDEVOP_unmap_pirq: u32 = 14;
    /// Report a PCI device on segment 0 (superseded by PHYSDEVOP_pci_device_add).
    pub const PHYSDEVOP_manage_pci_add: u32 = 15;
    /// Withdraw a PCI device on segment 0 (superseded by PHYSDEVOP_pci_device_remove).
    pub const PHYSDEVOP_manage_pci_remove: u32 = 16;
    /// Register the PIRQ EOI bitmap page, with auto-unmask.
    pub const PHYSDEVOP_pirq_eoi_gmfn_v1: u32 = 17;
    /// Restore a device's MSI state after a resume (segment 0).
    pub const PHYSDEVOP_restore_msi: u32 = 19;
    /// Report a PCI device on segment 0 with extended or virtual function information.
    pub const PHYSDEVOP_manage_pci_add_ext: u32 = 20;
    /// Configure a GSI's trigger mode and polarity.
    pub const PHYSDEVOP_setup_gsi: u32 = 21;
    /// Allocate a free PIRQ number.
    pub const PHYSDEVOP_get_free_pirq: u32 = 23;
    /// Report whether an MMCFG region is reserved in the firmware's tables.
    pub const PHYSDEVOP_pci_mmcfg_reserved: u32 = 24;
    /// Report a PCI device (any segment).
    pub const PHYSDEVOP_pci_device_add: u32 = 25;
    /// Withdraw a PCI device (any segment).
    pub const PHYSDEVOP_pci_device_remove: u32 = 26;
    /// Restore a device's MSI state after a resume (any segment).
    pub const PHYSDEVOP_restore_msi_ext: u32 = 27;
    /// Register the PIRQ EOI bitmap page.
    pub const PHYSDEVOP_pirq_eoi_gmfn_v2: u32 = 28;
    /// Tell the EHCI debug port driver about a host-controller reset.
    pub const PHYSDEVOP_dbgp_op: u32 = 29;
    /// A device's MSI-X resources will not change.
    pub const PHYSDEVOP_prepare_msix: u32 = 30;
    /// A device's MSI-X resources may change.
    pub const PHYSDEVOP_release_msix: u32 = 31;
    /// pci_mmcfg_reserved flag: the region is reserved.
    pub const XEN_PCI_MMCFG_RESERVED: u32 = 0x1;
    /// pci_device_add flag: an ARI extended function.
    pub const XEN_PCI_DEV_EXTFN: u32 = 0x1;
    /// pci_device_add flag: an SR-IOV virtual function (`physfn` names its physical function).
    pub const XEN_PCI_DEV_VIRTFN: u32 = 0x2;
    /// pci_device_add flag: `optarr[0]` holds the device's proximity domain.
    pub const XEN_PCI_DEV_PXM: u32 = 0x4;
    /// dbgp_op: the host controller is about to be reset.
    pub const PHYSDEVOP_DBGP_RESET_PREPARE: u32 = 1;
    /// dbgp_op: the host controller's reset is done.
    pub const PHYSDEVOP_DBGP_RESET_DONE: u32 = 2;
    /// dbgp_op bus: unknown (any controller).
    pub const PHYSDEVOP_DBGP_BUS_UNKNOWN: u32 = 0;
    /// dbgp_op bus: the PCI controller `u` names.
    pub const PHYSDEVOP_DBGP_BUS_PCI: u32 = 1;
}

crate::xen_structs! {
    header "physdev.h";

    /// PHYSDEVOP_manage_pci_add / PHYSDEVOP_manage_pci_remove.
    pub struct physdev_manage_pci: size 2, align 1 {
        /// Bus number.
        pub bus: u8 => 0,
        /// Device and function.
        pub devfn: u8 => 1,
    }

    /// PHYSDEVOP_manage_pci_add_ext.
    pub struct physdev_manage_pci_ext: size 16, align 4 {
        /// Bus number.
        pub bus: u8 => 0,
        /// Device and function.
        pub devfn: u8 => 1,
        /// Padding before `is_extfn`.
        pad _pad0: [u8; 2] => 2,
        /// 1: an ARI extended function.
        pub is_extfn: u32 => 4,
        /// 1: an SR-IOV virtual function.
        pub is_virtfn: u32 => 8,
        /// The physical function's bus and devfn (C: a struct of two `uint8_t`).
        pub physfn: [u8; 2] => 12,
        /// Trailing padding.
        pad _pad1: [u8; 2] => 14,
    }

    /// PHYSDEVOP_pci_mmcfg_reserved.
    pub struct physdev_pci_mmcfg_reserved: size 16, align 8 {
        /// The MCFG entry's base address (bus 0 of the segment).
        pub address: u64 => 0,
        /// PCI segment.
        pub segment: u16 => 8,
        /// First bus.
        pub start_bus: u8 => 10,
        /// Last bus.
        pub end_bus: u8 => 11,
        /// XEN_PCI_MMCFG_*.
        pub flags: u32 => 12,
    }

    /// PHYSDEVOP_pci_device_add: the fixed part (C's flexible `optarr[]` follows at offset 12).
    pub struct physdev_pci_device_add: size 12, align 4 {
        /// PCI segment.
        pub seg: u16 => 0,
        /// Bus number.
        pub bus: u8 => 2,
        /// Device and function.
        pub devfn: u8 => 3,
        /// XEN_PCI_DEV_*.
        pub flags: u32 => 4,
        /// The physical function's bus and devfn (C: a struct of two `uint8_t`).
        pub physfn: [u8; 2] => 8,
        /// Padding before `optarr`.
        pad _pad0: [u8; 2] => 10,
    }

    /// A PCI device address (segment, bus, devfn).
    pub struct physdev_pci_device: size 4, align 2 {
        /// PCI segment.
        pub seg: u16 => 0,
        /// Bus number.
        pub bus: u8 => 2,
        /// Device and function (device << 3 | function).
        pub devfn: u8 => 3,
    }

    /// PHYSDEVOP_dbgp_op.
    pub struct physdev_dbgp_op: size 6, align 2 {
        /// PHYSDEVOP_DBGP_RESET_*.
        pub op: u8 => 0,
        /// PHYSDEVOP_DBGP_BUS_*.
        pub bus: u8 => 1,
        /// The controller, for PHYSDEVOP_DBGP_BUS_PCI (C: a union of one `physdev_pci_device`).
        pub u: physdev_pci_device => 2,
    }
}

/// The offset of `physdev_pci_device_add.optarr`, the optional parameters after the fixed part
/// (`offsetof(struct physdev_pci_device_add, optarr)`).
pub const PHYSDEV_PCI_DEVICE_ADD_OPTARR: u64 = 12;
