/* xen-rs/physdev.h: Xen's public/physdev.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_PHYSDEV_H
#define XEN_RS_PHYSDEV_H

#include "abi-types.h"

/** Notify that some PIRQ-bound event channels were unmasked (obsolete). */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4
/** Query an IRQ line's status. */
#define PHYSDEVOP_irq_status_query 5
/** Set the vCPU's I/O privilege level (PV). */
#define PHYSDEVOP_set_iopl 6
/** Set the vCPU's I/O-port permission bitmap (PV). */
#define PHYSDEVOP_set_iobitmap 7
/** Read an IO-APIC register. */
#define PHYSDEVOP_apic_read 8
/** Write an IO-APIC register. */
#define PHYSDEVOP_apic_write 9
/** Allocate a vector for an IRQ line (a no-op kept for old kernels). */
#define PHYSDEVOP_alloc_irq_vector 10
/** Free an IRQ line's vector. */
#define PHYSDEVOP_free_irq_vector 11
/** EOI a physical IRQ. */
#define PHYSDEVOP_eoi 12
/** Map a GSI or an MSI to a PIRQ. */
#define PHYSDEVOP_map_pirq 13
/** Unmap a PIRQ. */
#define PHYSDEVOP_unmap_pirq 14
/** Report a PCI device on segment 0 (superseded by PHYSDEVOP_pci_device_add). */
#define PHYSDEVOP_manage_pci_add 15
/** Withdraw a PCI device on segment 0 (superseded by PHYSDEVOP_pci_device_remove). */
#define PHYSDEVOP_manage_pci_remove 16
/** Register the PIRQ EOI bitmap page, with auto-unmask. */
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17
/** Restore a device's MSI state after a resume (segment 0). */
#define PHYSDEVOP_restore_msi 19
/** Report a PCI device on segment 0 with extended or virtual function information. */
#define PHYSDEVOP_manage_pci_add_ext 20
/** Configure a GSI's trigger mode and polarity. */
#define PHYSDEVOP_setup_gsi 21
/** Allocate a free PIRQ number. */
#define PHYSDEVOP_get_free_pirq 23
/** Report whether an MMCFG region is reserved in the firmware's tables. */
#define PHYSDEVOP_pci_mmcfg_reserved 24
/** Report a PCI device (any segment). */
#define PHYSDEVOP_pci_device_add 25
/** Withdraw a PCI device (any segment). */
#define PHYSDEVOP_pci_device_remove 26
/** Restore a device's MSI state after a resume (any segment). */
#define PHYSDEVOP_restore_msi_ext 27
/** Register the PIRQ EOI bitmap page. */
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28
/** Tell the EHCI debug port driver about a host-controller reset. */
#define PHYSDEVOP_dbgp_op 29
/** A device's MSI-X resources will not change. */
#define PHYSDEVOP_prepare_msix 30
/** A device's MSI-X resources may change. */
#define PHYSDEVOP_release_msix 31
/** pci_mmcfg_reserved flag: the region is reserved. */
#define XEN_PCI_MMCFG_RESERVED 0x1
/** pci_device_add flag: an ARI extended function. */
#define XEN_PCI_DEV_EXTFN 0x1
/** pci_device_add flag: an SR-IOV virtual function (`physfn` names its physical function). */
#define XEN_PCI_DEV_VIRTFN 0x2
/** pci_device_add flag: `optarr[0]` holds the device's proximity domain. */
#define XEN_PCI_DEV_PXM 0x4
/** dbgp_op: the host controller is about to be reset. */
#define PHYSDEVOP_DBGP_RESET_PREPARE 1
/** dbgp_op: the host controller's reset is done. */
#define PHYSDEVOP_DBGP_RESET_DONE 2
/** dbgp_op bus: unknown (any controller). */
#define PHYSDEVOP_DBGP_BUS_UNKNOWN 0
/** dbgp_op bus: the PCI controller `u` names. */
#define PHYSDEVOP_DBGP_BUS_PCI 1

/** PHYSDEVOP_manage_pci_add / PHYSDEVOP_manage_pci_remove. */
struct physdev_manage_pci {
    /** Bus number. */
    uint8_t bus;
    /** Device and function. */
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;
XEN_RS_CHECK(physdev_manage_pci_size, sizeof(struct physdev_manage_pci) == 2);
XEN_RS_CHECK(physdev_manage_pci__bus, offsetof(struct physdev_manage_pci, bus) == 0);
XEN_RS_CHECK(physdev_manage_pci__devfn, offsetof(struct physdev_manage_pci, devfn) == 1);

/** PHYSDEVOP_manage_pci_add_ext. */
struct physdev_manage_pci_ext {
    /** Bus number. */
    uint8_t bus;
    /** Device and function. */
    uint8_t devfn;
    /** Padding before `is_extfn` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** 1: an ARI extended function. */
    uint32_t is_extfn;
    /** 1: an SR-IOV virtual function. */
    uint32_t is_virtfn;
    /** The physical function's bus and devfn (C: a struct of two `uint8_t`). */
    uint8_t physfn[2];
    /** Trailing padding (implicit padding in Xen's header). */
    uint8_t _pad1[2];
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;
XEN_RS_CHECK(physdev_manage_pci_ext_size, sizeof(struct physdev_manage_pci_ext) == 16);
XEN_RS_CHECK(physdev_manage_pci_ext__bus, offsetof(struct physdev_manage_pci_ext, bus) == 0);
XEN_RS_CHECK(physdev_manage_pci_ext__devfn, offsetof(struct physdev_manage_pci_ext, devfn) == 1);
XEN_RS_CHECK(physdev_manage_pci_ext___pad0, offsetof(struct physdev_manage_pci_ext, _pad0) == 2);
XEN_RS_CHECK(physdev_manage_pci_ext__is_extfn, offsetof(struct physdev_manage_pci_ext, is_extfn) == 4);
XEN_RS_CHECK(physdev_manage_pci_ext__is_virtfn, offsetof(struct physdev_manage_pci_ext, is_virtfn) == 8);
XEN_RS_CHECK(physdev_manage_pci_ext__physfn, offsetof(struct physdev_manage_pci_ext, physfn) == 12);
XEN_RS_CHECK(physdev_manage_pci_ext___pad1, offsetof(struct physdev_manage_pci_ext, _pad1) == 14);

/** PHYSDEVOP_pci_mmcfg_reserved. */
struct physdev_pci_mmcfg_reserved {
    /** The MCFG entry's base address (bus 0 of the segment). */
    uint64_t address;
    /** PCI segment. */
    uint16_t segment;
    /** First bus. */
    uint8_t start_bus;
    /** Last bus. */
    uint8_t end_bus;
    /** XEN_PCI_MMCFG_*. */
    uint32_t flags;
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;
XEN_RS_CHECK(physdev_pci_mmcfg_reserved_size, sizeof(struct physdev_pci_mmcfg_reserved) == 16);
XEN_RS_CHECK(physdev_pci_mmcfg_reserved__address, offsetof(struct physdev_pci_mmcfg_reserved, address) == 0);
XEN_RS_CHECK(physdev_pci_mmcfg_reserved__segment, offsetof(struct physdev_pci_mmcfg_reserved, segment) == 8);
XEN_RS_CHECK(physdev_pci_mmcfg_reserved__start_bus, offsetof(struct physdev_pci_mmcfg_reserved, start_bus) == 10);
XEN_RS_CHECK(physdev_pci_mmcfg_reserved__end_bus, offsetof(struct physdev_pci_mmcfg_reserved, end_bus) == 11);
XEN_RS_CHECK(physdev_pci_mmcfg_reserved__flags, offsetof(struct physdev_pci_mmcfg_reserved, flags) == 12);

/** PHYSDEVOP_pci_device_add: the fixed part (C's flexible `optarr[]` follows at offset 12). */
struct physdev_pci_device_add {
    /** PCI segment. */
    uint16_t seg;
    /** Bus number. */
    uint8_t bus;
    /** Device and function. */
    uint8_t devfn;
    /** XEN_PCI_DEV_*. */
    uint32_t flags;
    /** The physical function's bus and devfn (C: a struct of two `uint8_t`). */
    uint8_t physfn[2];
    /** Padding before `optarr` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;
XEN_RS_CHECK(physdev_pci_device_add_size, sizeof(struct physdev_pci_device_add) == 12);
XEN_RS_CHECK(physdev_pci_device_add__seg, offsetof(struct physdev_pci_device_add, seg) == 0);
XEN_RS_CHECK(physdev_pci_device_add__bus, offsetof(struct physdev_pci_device_add, bus) == 2);
XEN_RS_CHECK(physdev_pci_device_add__devfn, offsetof(struct physdev_pci_device_add, devfn) == 3);
XEN_RS_CHECK(physdev_pci_device_add__flags, offsetof(struct physdev_pci_device_add, flags) == 4);
XEN_RS_CHECK(physdev_pci_device_add__physfn, offsetof(struct physdev_pci_device_add, physfn) == 8);
XEN_RS_CHECK(physdev_pci_device_add___pad0, offsetof(struct physdev_pci_device_add, _pad0) == 10);

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

/** PHYSDEVOP_dbgp_op. */
struct physdev_dbgp_op {
    /** PHYSDEVOP_DBGP_RESET_*. */
    uint8_t op;
    /** PHYSDEVOP_DBGP_BUS_*. */
    uint8_t bus;
    /** The controller, for PHYSDEVOP_DBGP_BUS_PCI (C: a union of one `physdev_pci_device`). */
    struct physdev_pci_device u;
};
typedef struct physdev_dbgp_op physdev_dbgp_op_t;
XEN_RS_CHECK(physdev_dbgp_op_size, sizeof(struct physdev_dbgp_op) == 6);
XEN_RS_CHECK(physdev_dbgp_op__op, offsetof(struct physdev_dbgp_op, op) == 0);
XEN_RS_CHECK(physdev_dbgp_op__bus, offsetof(struct physdev_dbgp_op, bus) == 1);
XEN_RS_CHECK(physdev_dbgp_op__u, offsetof(struct physdev_dbgp_op, u) == 2);

#endif /* XEN_RS_PHYSDEV_H */
