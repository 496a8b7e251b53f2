/* xen-rs/physdev.h: Xen's public/physdev.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_PHYSDEV_H
#define XEN_RS_PHYSDEV_H

#include "abi-types.h"

/** A PCI device address (segment, bus, devfn). */
struct physdev_pci_device {
    /** PCI segment. */
    uint16_t seg;
    /** Bus number. */
    uint8_t bus;
    /** Device and function (device << 3 | function). */
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;
XEN_RS_CHECK(physdev_pci_device_size, sizeof(struct physdev_pci_device) == 4);
XEN_RS_CHECK(physdev_pci_device__seg, offsetof(struct physdev_pci_device, seg) == 0);
XEN_RS_CHECK(physdev_pci_device__bus, offsetof(struct physdev_pci_device, bus) == 2);
XEN_RS_CHECK(physdev_pci_device__devfn, offsetof(struct physdev_pci_device, devfn) == 3);

#endif /* XEN_RS_PHYSDEV_H */
