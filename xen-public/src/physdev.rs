//! Physical-device operations (public/physdev.h): only what other headers embed so far.

crate::xen_structs! {
    header "physdev.h";

    /// A PCI device address (segment, bus, devfn).
    pub struct physdev_pci_device: size 4, align 2 {
        /// PCI segment.
        pub seg: u16 => 0,
        /// Bus number.
        pub bus: u8 => 2,
        /// Device and function (device << 3 | function).
        pub devfn: u8 => 3,
    }
}
