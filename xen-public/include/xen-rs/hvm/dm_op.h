/* xen-rs/hvm/dm_op.h: Xen's public/hvm/dm_op.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_DM_OP_H
#define XEN_RS_HVM_DM_OP_H

#include "../abi-types.h"
#include "../arch-x86/xen.h"
#include "../event_channel.h"

/** An ioreq server id. */
typedef uint16_t ioservid_t;

/** Create an ioreq server. */
#define XEN_DMOP_create_ioreq_server 1
/** Read an ioreq server's pages and event channel. */
#define XEN_DMOP_get_ioreq_server_info 2
/** Bit number of `XEN_DMOP_no_gfns`. */
#define _XEN_DMOP_no_gfns 0
/** get_ioreq_server_info flag: do not return (or map) the gfns. */
#define XEN_DMOP_no_gfns 0x1
/** Claim an I/O range for an ioreq server. */
#define XEN_DMOP_map_io_range_to_ioreq_server 3
/** Release an I/O range of an ioreq server. */
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
/** Range type: I/O ports. */
#define XEN_DMOP_IO_RANGE_PORT 0
/** Range type: MMIO. */
#define XEN_DMOP_IO_RANGE_MEMORY 1
/** Range type: PCI config space (SBDF). */
#define XEN_DMOP_IO_RANGE_PCI 2
/** Enable or disable an ioreq server. */
#define XEN_DMOP_set_ioreq_server_state 5
/** Destroy an ioreq server. */
#define XEN_DMOP_destroy_ioreq_server 6
/** Track dirty VRAM pages. */
#define XEN_DMOP_track_dirty_vram 7
/** Set the level of a PCI INTx line. */
#define XEN_DMOP_set_pci_intx_level 8
/** Set the level of an ISA IRQ. */
#define XEN_DMOP_set_isa_irq_level 9
/** Route a PCI link to an ISA IRQ. */
#define XEN_DMOP_set_pci_link_route 10
/** Report pages the device model modified. */
#define XEN_DMOP_modified_memory 11
/** Change the HVMMEM_* type of guest frames. */
#define XEN_DMOP_set_mem_type 12
/** Inject an event into a vCPU. */
#define XEN_DMOP_inject_event 13
/** Event type: external interrupt. */
#define XEN_DMOP_EVENT_ext_int 0
/** Event type: NMI. */
#define XEN_DMOP_EVENT_nmi 2
/** Event type: hardware exception. */
#define XEN_DMOP_EVENT_hw_exc 3
/** Event type: software interrupt. */
#define XEN_DMOP_EVENT_sw_int 4
/** Event type: privileged software exception (ICEBP). */
#define XEN_DMOP_EVENT_pri_sw_exc 5
/** Event type: software exception (INT3, INTO). */
#define XEN_DMOP_EVENT_sw_exc 6
/** Inject an MSI. */
#define XEN_DMOP_inject_msi 14
/** Forward accesses to pages of HVMMEM_ioreq_server type to an ioreq server. */
#define XEN_DMOP_map_mem_type_to_ioreq_server 15
/** Forward reads (not supported by Xen yet). */
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ 0x1
/** Forward writes. */
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE 0x2
/** Shut the domain down on behalf of the device model. */
#define XEN_DMOP_remote_shutdown 16
/** Move guest frames to other gfns. */
#define XEN_DMOP_relocate_memory 17
/** Pin the cache attribute of a gfn range. */
#define XEN_DMOP_pin_memory_cacheattr 18
/** Cache attribute: uncacheable. */
#define XEN_DMOP_MEM_CACHEATTR_UC 0
/** Cache attribute: write combining. */
#define XEN_DMOP_MEM_CACHEATTR_WC 1
/** Cache attribute: write through. */
#define XEN_DMOP_MEM_CACHEATTR_WT 4
/** Cache attribute: write protected. */
#define XEN_DMOP_MEM_CACHEATTR_WP 5
/** Cache attribute: write back. */
#define XEN_DMOP_MEM_CACHEATTR_WB 6
/** Cache attribute: uncacheable, overridable by MTRRs. */
#define XEN_DMOP_MEM_CACHEATTR_UCM 7
/** Remove a pinned cache attribute. */
#define XEN_DMOP_DELETE_MEM_CACHEATTR 0xffffffffU
/** Set the level of an interrupt line. */
#define XEN_DMOP_set_irq_level 19
/** Number of vCPUs of the domain. */
#define XEN_DMOP_nr_vcpus 20

/** PCI segment/bus/device/function packed as XEN_DMOP_IO_RANGE_PCI addresses them. */
#define XEN_DMOP_PCI_SBDF(s, b, d, f) ((((s) & 0xffff) << 16) | (((b) & 0xff) << 8) | (((d) & 0x1f) << 3) | ((f) & 0x07))

/** XEN_DMOP_create_ioreq_server. */
struct xen_dm_op_create_ioreq_server {
    /** HVM_IOREQSRV_BUFIOREQ_* mode. */
    uint8_t handle_bufioreq;
    /** Must be zero. */
    uint8_t pad[3];
    /** Out: the new server's id. */
    ioservid_t id;
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;
XEN_RS_CHECK(xen_dm_op_create_ioreq_server_size, sizeof(struct xen_dm_op_create_ioreq_server) == 6);
XEN_RS_CHECK(xen_dm_op_create_ioreq_server__handle_bufioreq, offsetof(struct xen_dm_op_create_ioreq_server, handle_bufioreq) == 0);
XEN_RS_CHECK(xen_dm_op_create_ioreq_server__pad, offsetof(struct xen_dm_op_create_ioreq_server, pad) == 1);
XEN_RS_CHECK(xen_dm_op_create_ioreq_server__id, offsetof(struct xen_dm_op_create_ioreq_server, id) == 4);

/** XEN_DMOP_get_ioreq_server_info. */
struct xen_dm_op_get_ioreq_server_info {
    /** Server id. */
    ioservid_t id;
    /** XEN_DMOP_no_gfns. */
    uint16_t flags;
    /** Out: event channel of the buffered ring. */
    evtchn_port_t bufioreq_port;
    /** Out: gfn of the synchronous page. */
    uint64_t ioreq_gfn;
    /** Out: gfn of the buffered page. */
    uint64_t bufioreq_gfn;
};
typedef struct xen_dm_op_get_ioreq_server_info xen_dm_op_get_ioreq_server_info_t;
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info_size, sizeof(struct xen_dm_op_get_ioreq_server_info) == 24);
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info__id, offsetof(struct xen_dm_op_get_ioreq_server_info, id) == 0);
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info__flags, offsetof(struct xen_dm_op_get_ioreq_server_info, flags) == 2);
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info__bufioreq_port, offsetof(struct xen_dm_op_get_ioreq_server_info, bufioreq_port) == 4);
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info__ioreq_gfn, offsetof(struct xen_dm_op_get_ioreq_server_info, ioreq_gfn) == 8);
XEN_RS_CHECK(xen_dm_op_get_ioreq_server_info__bufioreq_gfn, offsetof(struct xen_dm_op_get_ioreq_server_info, bufioreq_gfn) == 16);

/** XEN_DMOP_{map_io_range_to,unmap_io_range_from}_ioreq_server. */
struct xen_dm_op_ioreq_server_range {
    /** Server id. */
    ioservid_t id;
    /** Must be zero. */
    uint16_t pad;
    /** XEN_DMOP_IO_RANGE_* type. */
    uint32_t type;
    /** First address of the range. */
    uint64_t start;
    /** Last address of the range (inclusive). */
    uint64_t end;
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;
XEN_RS_CHECK(xen_dm_op_ioreq_server_range_size, sizeof(struct xen_dm_op_ioreq_server_range) == 24);
XEN_RS_CHECK(xen_dm_op_ioreq_server_range__id, offsetof(struct xen_dm_op_ioreq_server_range, id) == 0);
XEN_RS_CHECK(xen_dm_op_ioreq_server_range__pad, offsetof(struct xen_dm_op_ioreq_server_range, pad) == 2);
XEN_RS_CHECK(xen_dm_op_ioreq_server_range__type, offsetof(struct xen_dm_op_ioreq_server_range, type) == 4);
XEN_RS_CHECK(xen_dm_op_ioreq_server_range__start, offsetof(struct xen_dm_op_ioreq_server_range, start) == 8);
XEN_RS_CHECK(xen_dm_op_ioreq_server_range__end, offsetof(struct xen_dm_op_ioreq_server_range, end) == 16);

/** XEN_DMOP_set_ioreq_server_state. */
struct xen_dm_op_set_ioreq_server_state {
    /** Server id. */
    ioservid_t id;
    /** Non-zero to enable. */
    uint8_t enabled;
    /** Must be zero. */
    uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state xen_dm_op_set_ioreq_server_state_t;
XEN_RS_CHECK(xen_dm_op_set_ioreq_server_state_size, sizeof(struct xen_dm_op_set_ioreq_server_state) == 4);
XEN_RS_CHECK(xen_dm_op_set_ioreq_server_state__id, offsetof(struct xen_dm_op_set_ioreq_server_state, id) == 0);
XEN_RS_CHECK(xen_dm_op_set_ioreq_server_state__enabled, offsetof(struct xen_dm_op_set_ioreq_server_state, enabled) == 2);
XEN_RS_CHECK(xen_dm_op_set_ioreq_server_state__pad, offsetof(struct xen_dm_op_set_ioreq_server_state, pad) == 3);

/** XEN_DMOP_destroy_ioreq_server. */
struct xen_dm_op_destroy_ioreq_server {
    /** Server id. */
    ioservid_t id;
    /** Must be zero. */
    uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;
XEN_RS_CHECK(xen_dm_op_destroy_ioreq_server_size, sizeof(struct xen_dm_op_destroy_ioreq_server) == 4);
XEN_RS_CHECK(xen_dm_op_destroy_ioreq_server__id, offsetof(struct xen_dm_op_destroy_ioreq_server, id) == 0);
XEN_RS_CHECK(xen_dm_op_destroy_ioreq_server__pad, offsetof(struct xen_dm_op_destroy_ioreq_server, pad) == 2);

/** XEN_DMOP_track_dirty_vram (the bitmap is the second buffer). */
struct xen_dm_op_track_dirty_vram {
    /** Number of pages. */
    uint32_t nr;
    /** Must be zero. */
    uint32_t pad;
    /** First pfn. */
    uint64_t first_pfn;
};
typedef struct xen_dm_op_track_dirty_vram xen_dm_op_track_dirty_vram_t;
XEN_RS_CHECK(xen_dm_op_track_dirty_vram_size, sizeof(struct xen_dm_op_track_dirty_vram) == 16);
XEN_RS_CHECK(xen_dm_op_track_dirty_vram__nr, offsetof(struct xen_dm_op_track_dirty_vram, nr) == 0);
XEN_RS_CHECK(xen_dm_op_track_dirty_vram__pad, offsetof(struct xen_dm_op_track_dirty_vram, pad) == 4);
XEN_RS_CHECK(xen_dm_op_track_dirty_vram__first_pfn, offsetof(struct xen_dm_op_track_dirty_vram, first_pfn) == 8);

/** XEN_DMOP_set_pci_intx_level. */
struct xen_dm_op_set_pci_intx_level {
    /** PCI segment. */
    uint16_t domain;
    /** Bus. */
    uint8_t bus;
    /** Device. */
    uint8_t device;
    /** INTx pin. */
    uint8_t intx;
    /** Level (0 or 1). */
    uint8_t level;
};
typedef struct xen_dm_op_set_pci_intx_level xen_dm_op_set_pci_intx_level_t;
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level_size, sizeof(struct xen_dm_op_set_pci_intx_level) == 6);
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level__domain, offsetof(struct xen_dm_op_set_pci_intx_level, domain) == 0);
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level__bus, offsetof(struct xen_dm_op_set_pci_intx_level, bus) == 2);
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level__device, offsetof(struct xen_dm_op_set_pci_intx_level, device) == 3);
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level__intx, offsetof(struct xen_dm_op_set_pci_intx_level, intx) == 4);
XEN_RS_CHECK(xen_dm_op_set_pci_intx_level__level, offsetof(struct xen_dm_op_set_pci_intx_level, level) == 5);

/** XEN_DMOP_set_isa_irq_level. */
struct xen_dm_op_set_isa_irq_level {
    /** ISA IRQ. */
    uint8_t isa_irq;
    /** Level (0 or 1). */
    uint8_t level;
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;
XEN_RS_CHECK(xen_dm_op_set_isa_irq_level_size, sizeof(struct xen_dm_op_set_isa_irq_level) == 2);
XEN_RS_CHECK(xen_dm_op_set_isa_irq_level__isa_irq, offsetof(struct xen_dm_op_set_isa_irq_level, isa_irq) == 0);
XEN_RS_CHECK(xen_dm_op_set_isa_irq_level__level, offsetof(struct xen_dm_op_set_isa_irq_level, level) == 1);

/** XEN_DMOP_set_pci_link_route. */
struct xen_dm_op_set_pci_link_route {
    /** PCI link. */
    uint8_t link;
    /** ISA IRQ, or 0 to disable. */
    uint8_t isa_irq;
};
typedef struct xen_dm_op_set_pci_link_route xen_dm_op_set_pci_link_route_t;
XEN_RS_CHECK(xen_dm_op_set_pci_link_route_size, sizeof(struct xen_dm_op_set_pci_link_route) == 2);
XEN_RS_CHECK(xen_dm_op_set_pci_link_route__link, offsetof(struct xen_dm_op_set_pci_link_route, link) == 0);
XEN_RS_CHECK(xen_dm_op_set_pci_link_route__isa_irq, offsetof(struct xen_dm_op_set_pci_link_route, isa_irq) == 1);

/** XEN_DMOP_modified_memory (the extents are the second buffer). */
struct xen_dm_op_modified_memory {
    /** Number of extents. */
    uint32_t nr_extents;
    /** Continuation progress; must be zero. */
    uint32_t opaque;
};
typedef struct xen_dm_op_modified_memory xen_dm_op_modified_memory_t;
XEN_RS_CHECK(xen_dm_op_modified_memory_size, sizeof(struct xen_dm_op_modified_memory) == 8);
XEN_RS_CHECK(xen_dm_op_modified_memory__nr_extents, offsetof(struct xen_dm_op_modified_memory, nr_extents) == 0);
XEN_RS_CHECK(xen_dm_op_modified_memory__opaque, offsetof(struct xen_dm_op_modified_memory, opaque) == 4);

/** One extent of XEN_DMOP_modified_memory. */
struct xen_dm_op_modified_memory_extent {
    /** Number of pages. */
    uint32_t nr;
    /** Must be zero. */
    uint32_t pad;
    /** First pfn. */
    uint64_t first_pfn;
};
typedef struct xen_dm_op_modified_memory_extent xen_dm_op_modified_memory_extent_t;
XEN_RS_CHECK(xen_dm_op_modified_memory_extent_size, sizeof(struct xen_dm_op_modified_memory_extent) == 16);
XEN_RS_CHECK(xen_dm_op_modified_memory_extent__nr, offsetof(struct xen_dm_op_modified_memory_extent, nr) == 0);
XEN_RS_CHECK(xen_dm_op_modified_memory_extent__pad, offsetof(struct xen_dm_op_modified_memory_extent, pad) == 4);
XEN_RS_CHECK(xen_dm_op_modified_memory_extent__first_pfn, offsetof(struct xen_dm_op_modified_memory_extent, first_pfn) == 8);

/** XEN_DMOP_set_mem_type. */
struct xen_dm_op_set_mem_type {
    /** Number of pages. */
    uint32_t nr;
    /** HVMMEM_* type. */
    uint16_t mem_type;
    /** Must be zero. */
    uint16_t pad;
    /** First pfn. */
    uint64_t first_pfn;
};
typedef struct xen_dm_op_set_mem_type xen_dm_op_set_mem_type_t;
XEN_RS_CHECK(xen_dm_op_set_mem_type_size, sizeof(struct xen_dm_op_set_mem_type) == 16);
XEN_RS_CHECK(xen_dm_op_set_mem_type__nr, offsetof(struct xen_dm_op_set_mem_type, nr) == 0);
XEN_RS_CHECK(xen_dm_op_set_mem_type__mem_type, offsetof(struct xen_dm_op_set_mem_type, mem_type) == 4);
XEN_RS_CHECK(xen_dm_op_set_mem_type__pad, offsetof(struct xen_dm_op_set_mem_type, pad) == 6);
XEN_RS_CHECK(xen_dm_op_set_mem_type__first_pfn, offsetof(struct xen_dm_op_set_mem_type, first_pfn) == 8);

/** XEN_DMOP_inject_event. */
struct xen_dm_op_inject_event {
    /** Target vCPU. */
    uint32_t vcpuid;
    /** Vector. */
    uint8_t vector;
    /** XEN_DMOP_EVENT_* type. */
    uint8_t type;
    /** Instruction length for software events. */
    uint8_t insn_len;
    /** Must be zero. */
    uint8_t pad0;
    /** Error code, or ~0 for none. */
    uint32_t error_code;
    /** Must be zero. */
    uint32_t pad1;
    /** CR2 for a page fault. */
    uint64_t cr2;
};
typedef struct xen_dm_op_inject_event xen_dm_op_inject_event_t;
XEN_RS_CHECK(xen_dm_op_inject_event_size, sizeof(struct xen_dm_op_inject_event) == 24);
XEN_RS_CHECK(xen_dm_op_inject_event__vcpuid, offsetof(struct xen_dm_op_inject_event, vcpuid) == 0);
XEN_RS_CHECK(xen_dm_op_inject_event__vector, offsetof(struct xen_dm_op_inject_event, vector) == 4);
XEN_RS_CHECK(xen_dm_op_inject_event__type, offsetof(struct xen_dm_op_inject_event, type) == 5);
XEN_RS_CHECK(xen_dm_op_inject_event__insn_len, offsetof(struct xen_dm_op_inject_event, insn_len) == 6);
XEN_RS_CHECK(xen_dm_op_inject_event__pad0, offsetof(struct xen_dm_op_inject_event, pad0) == 7);
XEN_RS_CHECK(xen_dm_op_inject_event__error_code, offsetof(struct xen_dm_op_inject_event, error_code) == 8);
XEN_RS_CHECK(xen_dm_op_inject_event__pad1, offsetof(struct xen_dm_op_inject_event, pad1) == 12);
XEN_RS_CHECK(xen_dm_op_inject_event__cr2, offsetof(struct xen_dm_op_inject_event, cr2) == 16);

/** XEN_DMOP_inject_msi. */
struct xen_dm_op_inject_msi {
    /** MSI data. */
    uint32_t data;
    /** Must be zero. */
    uint32_t pad;
    /** MSI address. */
    uint64_t addr;
};
typedef struct xen_dm_op_inject_msi xen_dm_op_inject_msi_t;
XEN_RS_CHECK(xen_dm_op_inject_msi_size, sizeof(struct xen_dm_op_inject_msi) == 16);
XEN_RS_CHECK(xen_dm_op_inject_msi__data, offsetof(struct xen_dm_op_inject_msi, data) == 0);
XEN_RS_CHECK(xen_dm_op_inject_msi__pad, offsetof(struct xen_dm_op_inject_msi, pad) == 4);
XEN_RS_CHECK(xen_dm_op_inject_msi__addr, offsetof(struct xen_dm_op_inject_msi, addr) == 8);

/** XEN_DMOP_map_mem_type_to_ioreq_server. */
struct xen_dm_op_map_mem_type_to_ioreq_server {
    /** Server id. */
    ioservid_t id;
    /** HVMMEM_* type (only HVMMEM_ioreq_server). */
    uint16_t type;
    /** XEN_DMOP_IOREQ_MEM_ACCESS_* to forward; 0 unmaps. */
    uint32_t flags;
    /** Continuation progress; must be zero. */
    uint64_t opaque;
};
typedef struct xen_dm_op_map_mem_type_to_ioreq_server xen_dm_op_map_mem_type_to_ioreq_server_t;
XEN_RS_CHECK(xen_dm_op_map_mem_type_to_ioreq_server_size, sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server) == 16);
XEN_RS_CHECK(xen_dm_op_map_mem_type_to_ioreq_server__id, offsetof(struct xen_dm_op_map_mem_type_to_ioreq_server, id) == 0);
XEN_RS_CHECK(xen_dm_op_map_mem_type_to_ioreq_server__type, offsetof(struct xen_dm_op_map_mem_type_to_ioreq_server, type) == 2);
XEN_RS_CHECK(xen_dm_op_map_mem_type_to_ioreq_server__flags, offsetof(struct xen_dm_op_map_mem_type_to_ioreq_server, flags) == 4);
XEN_RS_CHECK(xen_dm_op_map_mem_type_to_ioreq_server__opaque, offsetof(struct xen_dm_op_map_mem_type_to_ioreq_server, opaque) == 8);

/** XEN_DMOP_remote_shutdown. */
struct xen_dm_op_remote_shutdown {
    /** SHUTDOWN_* reason. */
    uint32_t reason;
};
typedef struct xen_dm_op_remote_shutdown xen_dm_op_remote_shutdown_t;
XEN_RS_CHECK(xen_dm_op_remote_shutdown_size, sizeof(struct xen_dm_op_remote_shutdown) == 4);
XEN_RS_CHECK(xen_dm_op_remote_shutdown__reason, offsetof(struct xen_dm_op_remote_shutdown, reason) == 0);

/** XEN_DMOP_relocate_memory. */
struct xen_dm_op_relocate_memory {
    /** Number of pages. */
    uint32_t size;
    /** Must be zero. */
    uint32_t pad;
    /** First source gfn. */
    uint64_t src_gfn;
    /** First destination gfn. */
    uint64_t dst_gfn;
};
typedef struct xen_dm_op_relocate_memory xen_dm_op_relocate_memory_t;
XEN_RS_CHECK(xen_dm_op_relocate_memory_size, sizeof(struct xen_dm_op_relocate_memory) == 24);
XEN_RS_CHECK(xen_dm_op_relocate_memory__size, offsetof(struct xen_dm_op_relocate_memory, size) == 0);
XEN_RS_CHECK(xen_dm_op_relocate_memory__pad, offsetof(struct xen_dm_op_relocate_memory, pad) == 4);
XEN_RS_CHECK(xen_dm_op_relocate_memory__src_gfn, offsetof(struct xen_dm_op_relocate_memory, src_gfn) == 8);
XEN_RS_CHECK(xen_dm_op_relocate_memory__dst_gfn, offsetof(struct xen_dm_op_relocate_memory, dst_gfn) == 16);

/** XEN_DMOP_pin_memory_cacheattr. */
struct xen_dm_op_pin_memory_cacheattr {
    /** First gfn. */
    uint64_t start;
    /** Last gfn. */
    uint64_t end;
    /** XEN_DMOP_MEM_CACHEATTR_* type. */
    uint32_t type;
    /** Must be zero. */
    uint32_t pad;
};
typedef struct xen_dm_op_pin_memory_cacheattr xen_dm_op_pin_memory_cacheattr_t;
XEN_RS_CHECK(xen_dm_op_pin_memory_cacheattr_size, sizeof(struct xen_dm_op_pin_memory_cacheattr) == 24);
XEN_RS_CHECK(xen_dm_op_pin_memory_cacheattr__start, offsetof(struct xen_dm_op_pin_memory_cacheattr, start) == 0);
XEN_RS_CHECK(xen_dm_op_pin_memory_cacheattr__end, offsetof(struct xen_dm_op_pin_memory_cacheattr, end) == 8);
XEN_RS_CHECK(xen_dm_op_pin_memory_cacheattr__type, offsetof(struct xen_dm_op_pin_memory_cacheattr, type) == 16);
XEN_RS_CHECK(xen_dm_op_pin_memory_cacheattr__pad, offsetof(struct xen_dm_op_pin_memory_cacheattr, pad) == 20);

/** XEN_DMOP_set_irq_level. */
struct xen_dm_op_set_irq_level {
    /** Interrupt line. */
    uint32_t irq;
    /** Level (0 or 1). */
    uint8_t level;
    /** Must be zero. */
    uint8_t pad[3];
};
typedef struct xen_dm_op_set_irq_level xen_dm_op_set_irq_level_t;
XEN_RS_CHECK(xen_dm_op_set_irq_level_size, sizeof(struct xen_dm_op_set_irq_level) == 8);
XEN_RS_CHECK(xen_dm_op_set_irq_level__irq, offsetof(struct xen_dm_op_set_irq_level, irq) == 0);
XEN_RS_CHECK(xen_dm_op_set_irq_level__level, offsetof(struct xen_dm_op_set_irq_level, level) == 4);
XEN_RS_CHECK(xen_dm_op_set_irq_level__pad, offsetof(struct xen_dm_op_set_irq_level, pad) == 5);

/** XEN_DMOP_nr_vcpus. */
struct xen_dm_op_nr_vcpus {
    /** Out: number of vCPUs. */
    uint32_t vcpus;
};
typedef struct xen_dm_op_nr_vcpus xen_dm_op_nr_vcpus_t;
XEN_RS_CHECK(xen_dm_op_nr_vcpus_size, sizeof(struct xen_dm_op_nr_vcpus) == 4);
XEN_RS_CHECK(xen_dm_op_nr_vcpus__vcpus, offsetof(struct xen_dm_op_nr_vcpus, vcpus) == 0);

/** A device-model operation: `op` selects the member of `u`. */
struct xen_dm_op {
    /** XEN_DMOP_* operation. */
    uint32_t op;
    /** Must be zero. */
    uint32_t pad;
    /** The operation's arguments (C: a union of the xen_dm_op_* structs). */
    uint64_t u[3];
};
typedef struct xen_dm_op xen_dm_op_t;
XEN_RS_CHECK(xen_dm_op_size, sizeof(struct xen_dm_op) == 32);
XEN_RS_CHECK(xen_dm_op__op, offsetof(struct xen_dm_op, op) == 0);
XEN_RS_CHECK(xen_dm_op__pad, offsetof(struct xen_dm_op, pad) == 4);
XEN_RS_CHECK(xen_dm_op__u, offsetof(struct xen_dm_op, u) == 8);

/** One buffer passed to __HYPERVISOR_dm_op. */
struct xen_dm_op_buf {
    /** Guest address of the buffer. */
    XEN_RS_GUEST_HANDLE(void) h;
    /** Its size in bytes. */
    xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
XEN_RS_CHECK(xen_dm_op_buf_size, sizeof(struct xen_dm_op_buf) == 16);
XEN_RS_CHECK(xen_dm_op_buf__h, offsetof(struct xen_dm_op_buf, h) == 0);
XEN_RS_CHECK(xen_dm_op_buf__size, offsetof(struct xen_dm_op_buf, size) == 8);

#endif /* XEN_RS_HVM_DM_OP_H */
