/* xen-rs/grant_table.h: Xen's public/grant_table.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_GRANT_TABLE_H
#define XEN_RS_GRANT_TABLE_H

#include "abi-types.h"
#include "arch-x86/xen.h"
#include "xen.h"

/** A grant reference: an index into a domain's grant table. */
typedef uint32_t grant_ref_t;
/** One entry of the v2 status table. */
typedef uint16_t grant_status_t;
/** A handle to a grant mapping. */
typedef uint32_t grant_handle_t;

/** Number of entries reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
/** Reserved entry granting the console ring. */
#define GNTTAB_RESERVED_CONSOLE 0
/** Reserved entry granting the xenstore ring. */
#define GNTTAB_RESERVED_XENSTORE 1
/** Entry type: unused. */
#define GTF_invalid 0
/** Entry type: the grantee may map or copy the frame. */
#define GTF_permit_access 1
/** Entry type: the grantee may transfer a frame to us. */
#define GTF_accept_transfer 2
/** Entry type: access granted through another grant (v2). */
#define GTF_transitive 3
/** Mask of the entry type. */
#define GTF_type_mask 3
/** Bit number of `GTF_readonly`. */
#define _GTF_readonly 2
/** Read-only access. */
#define GTF_readonly 0x4
/** Bit number of `GTF_reading`. */
#define _GTF_reading 3
/** Set by Xen while the grantee reads the frame. */
#define GTF_reading 0x8
/** Bit number of `GTF_writing`. */
#define _GTF_writing 4
/** Set by Xen while the grantee writes the frame. */
#define GTF_writing 0x10
/** Bit number of `GTF_PWT`. */
#define _GTF_PWT 5
/** Map with PWT cache attribute. */
#define GTF_PWT 0x20
/** Bit number of `GTF_PCD`. */
#define _GTF_PCD 6
/** Map with PCD cache attribute. */
#define GTF_PCD 0x40
/** Bit number of `GTF_PAT`. */
#define _GTF_PAT 7
/** Map with PAT cache attribute. */
#define GTF_PAT 0x80
/** Bit number of `GTF_sub_page`. */
#define _GTF_sub_page 8
/** Only part of the page is granted (v2). */
#define GTF_sub_page 0x100
/** Bit number of `GTF_transfer_committed`. */
#define _GTF_transfer_committed 2
/** A transfer is committed. */
#define GTF_transfer_committed 0x4
/** Bit number of `GTF_transfer_completed`. */
#define _GTF_transfer_completed 3
/** A transfer is complete. */
#define GTF_transfer_completed 0x8
/** Map grant references. */
#define GNTTABOP_map_grant_ref 0
/** Unmap grant references. */
#define GNTTABOP_unmap_grant_ref 1
/** Set up (and list the frames of) a grant table. */
#define GNTTABOP_setup_table 2
/** Dump a grant table to the console. */
#define GNTTABOP_dump_table 3
/** Transfer frames to other domains. */
#define GNTTABOP_transfer 4
/** Copy between granted frames. */
#define GNTTABOP_copy 5
/** Current and maximum size of a grant table. */
#define GNTTABOP_query_size 6
/** Unmap a grant and put another mapping in its place. */
#define GNTTABOP_unmap_and_replace 7
/** Select the grant-table version. */
#define GNTTABOP_set_version 8
/** List the v2 status frames. */
#define GNTTABOP_get_status_frames 9
/** Read the grant-table version. */
#define GNTTABOP_get_version 10
/** Swap two grant entries. */
#define GNTTABOP_swap_grant_ref 11
/** Clean or invalidate caches of granted memory. */
#define GNTTABOP_cache_flush 12
/** Bit number of `GNTCOPY_source_gref`. */
#define _GNTCOPY_source_gref 0
/** The copy source is a grant reference. */
#define GNTCOPY_source_gref 0x1
/** Bit number of `GNTCOPY_dest_gref`. */
#define _GNTCOPY_dest_gref 1
/** The copy destination is a grant reference. */
#define GNTCOPY_dest_gref 0x2
/** Cache flush: clean. */
#define GNTTAB_CACHE_CLEAN 0x1
/** Cache flush: invalidate. */
#define GNTTAB_CACHE_INVAL 0x2
/** Cache flush: the address is a grant reference. */
#define GNTTAB_CACHE_SOURCE_GREF 0x80000000U
/** Bit number of `GNTMAP_device_map`. */
#define _GNTMAP_device_map 0
/** Map for device access. */
#define GNTMAP_device_map 0x1
/** Bit number of `GNTMAP_host_map`. */
#define _GNTMAP_host_map 1
/** Map for CPU access. */
#define GNTMAP_host_map 0x2
/** Bit number of `GNTMAP_readonly`. */
#define _GNTMAP_readonly 2
/** Map read-only. */
#define GNTMAP_readonly 0x4
/** Bit number of `GNTMAP_application_map`. */
#define _GNTMAP_application_map 3
/** Map for user space. */
#define GNTMAP_application_map 0x8
/** Bit number of `GNTMAP_contains_pte`. */
#define _GNTMAP_contains_pte 4
/** host_addr is the address of a PTE. */
#define GNTMAP_contains_pte 0x10
/** First flag bit left to the guest. */
#define _GNTMAP_guest_avail0 16
/** Flag bits left to the guest. */
#define GNTMAP_guest_avail_mask 0xffff0000U
/** Grant status: success. */
#define GNTST_okay 0
/** Grant status: unspecified error. */
#define GNTST_general_error (-1)
/** Grant status: unknown domain. */
#define GNTST_bad_domain (-2)
/** Grant status: bad grant reference. */
#define GNTST_bad_gntref (-3)
/** Grant status: bad mapping handle. */
#define GNTST_bad_handle (-4)
/** Grant status: bad virtual address. */
#define GNTST_bad_virt_addr (-5)
/** Grant status: bad device address. */
#define GNTST_bad_dev_addr (-6)
/** Grant status: no IOMMU space. */
#define GNTST_no_device_space (-7)
/** Grant status: permission denied. */
#define GNTST_permission_denied (-8)
/** Grant status: bad page. */
#define GNTST_bad_page (-9)
/** Grant status: copy crosses a page boundary. */
#define GNTST_bad_copy_arg (-10)
/** Grant status: transfer address too large. */
#define GNTST_address_too_big (-11)
/** Grant status: try again. */
#define GNTST_eagain (-12)
/** Grant status: out of space. */
#define GNTST_no_space (-13)

/** A v1 grant entry. */
struct grant_entry_v1 {
    /** GTF_* flags. */
    uint16_t flags;
    /** Domain granted access. */
    domid_t domid;
    /** Granted frame. */
    uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;
XEN_RS_CHECK(grant_entry_v1_size, sizeof(struct grant_entry_v1) == 8);
XEN_RS_CHECK(grant_entry_v1__flags, offsetof(struct grant_entry_v1, flags) == 0);
XEN_RS_CHECK(grant_entry_v1__domid, offsetof(struct grant_entry_v1, domid) == 2);
XEN_RS_CHECK(grant_entry_v1__frame, offsetof(struct grant_entry_v1, frame) == 4);

/** Header shared by all v2 grant entries. */
struct grant_entry_header {
    /** GTF_* flags. */
    uint16_t flags;
    /** Domain granted access. */
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;
XEN_RS_CHECK(grant_entry_header_size, sizeof(struct grant_entry_header) == 4);
XEN_RS_CHECK(grant_entry_header__flags, offsetof(struct grant_entry_header, flags) == 0);
XEN_RS_CHECK(grant_entry_header__domid, offsetof(struct grant_entry_header, domid) == 2);

/** GNTTABOP_map_grant_ref. */
struct gnttab_map_grant_ref {
    /** Address to map at (or of the PTE). */
    uint64_t host_addr;
    /** GNTMAP_* flags. */
    uint32_t flags;
    /** Grant reference. */
    grant_ref_t ref;
    /** Granting domain. */
    domid_t dom;
    /** Out: GNTST_*. */
    int16_t status;
    /** Out: handle of the mapping. */
    grant_handle_t handle;
    /** Out: bus address for device mappings. */
    uint64_t dev_bus_addr;
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
XEN_RS_CHECK(gnttab_map_grant_ref_size, sizeof(struct gnttab_map_grant_ref) == 32);
XEN_RS_CHECK(gnttab_map_grant_ref__host_addr, offsetof(struct gnttab_map_grant_ref, host_addr) == 0);
XEN_RS_CHECK(gnttab_map_grant_ref__flags, offsetof(struct gnttab_map_grant_ref, flags) == 8);
XEN_RS_CHECK(gnttab_map_grant_ref__ref, offsetof(struct gnttab_map_grant_ref, ref) == 12);
XEN_RS_CHECK(gnttab_map_grant_ref__dom, offsetof(struct gnttab_map_grant_ref, dom) == 16);
XEN_RS_CHECK(gnttab_map_grant_ref__status, offsetof(struct gnttab_map_grant_ref, status) == 18);
XEN_RS_CHECK(gnttab_map_grant_ref__handle, offsetof(struct gnttab_map_grant_ref, handle) == 20);
XEN_RS_CHECK(gnttab_map_grant_ref__dev_bus_addr, offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24);

/** GNTTABOP_unmap_grant_ref. */
struct gnttab_unmap_grant_ref {
    /** Mapped address. */
    uint64_t host_addr;
    /** Mapped bus address. */
    uint64_t dev_bus_addr;
    /** Handle of the mapping. */
    grant_handle_t handle;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
XEN_RS_CHECK(gnttab_unmap_grant_ref_size, sizeof(struct gnttab_unmap_grant_ref) == 24);
XEN_RS_CHECK(gnttab_unmap_grant_ref__host_addr, offsetof(struct gnttab_unmap_grant_ref, host_addr) == 0);
XEN_RS_CHECK(gnttab_unmap_grant_ref__dev_bus_addr, offsetof(struct gnttab_unmap_grant_ref, dev_bus_addr) == 8);
XEN_RS_CHECK(gnttab_unmap_grant_ref__handle, offsetof(struct gnttab_unmap_grant_ref, handle) == 16);
XEN_RS_CHECK(gnttab_unmap_grant_ref__status, offsetof(struct gnttab_unmap_grant_ref, status) == 20);
XEN_RS_CHECK(gnttab_unmap_grant_ref___pad0, offsetof(struct gnttab_unmap_grant_ref, _pad0) == 22);

/** GNTTABOP_setup_table. */
struct gnttab_setup_table {
    /** Domain. */
    domid_t dom;
    /** Padding before `nr_frames` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Number of frames. */
    uint32_t nr_frames;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding before `frame_list` (implicit padding in Xen's header). */
    uint8_t _pad1[6];
    /** Out: the table's frames. */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
XEN_RS_CHECK(gnttab_setup_table_size, sizeof(struct gnttab_setup_table) == 24);
XEN_RS_CHECK(gnttab_setup_table__dom, offsetof(struct gnttab_setup_table, dom) == 0);
XEN_RS_CHECK(gnttab_setup_table___pad0, offsetof(struct gnttab_setup_table, _pad0) == 2);
XEN_RS_CHECK(gnttab_setup_table__nr_frames, offsetof(struct gnttab_setup_table, nr_frames) == 4);
XEN_RS_CHECK(gnttab_setup_table__status, offsetof(struct gnttab_setup_table, status) == 8);
XEN_RS_CHECK(gnttab_setup_table___pad1, offsetof(struct gnttab_setup_table, _pad1) == 10);
XEN_RS_CHECK(gnttab_setup_table__frame_list, offsetof(struct gnttab_setup_table, frame_list) == 16);

/** GNTTABOP_dump_table. */
struct gnttab_dump_table {
    /** Domain. */
    domid_t dom;
    /** Out: GNTST_*. */
    int16_t status;
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
XEN_RS_CHECK(gnttab_dump_table_size, sizeof(struct gnttab_dump_table) == 4);
XEN_RS_CHECK(gnttab_dump_table__dom, offsetof(struct gnttab_dump_table, dom) == 0);
XEN_RS_CHECK(gnttab_dump_table__status, offsetof(struct gnttab_dump_table, status) == 2);

/** GNTTABOP_transfer. */
struct gnttab_transfer {
    /** Frame to give away. */
    xen_pfn_t mfn;
    /** Receiving domain. */
    domid_t domid;
    /** Padding before `ref` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Receiver's grant reference. */
    grant_ref_t ref;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad1[6];
};
typedef struct gnttab_transfer gnttab_transfer_t;
XEN_RS_CHECK(gnttab_transfer_size, sizeof(struct gnttab_transfer) == 24);
XEN_RS_CHECK(gnttab_transfer__mfn, offsetof(struct gnttab_transfer, mfn) == 0);
XEN_RS_CHECK(gnttab_transfer__domid, offsetof(struct gnttab_transfer, domid) == 8);
XEN_RS_CHECK(gnttab_transfer___pad0, offsetof(struct gnttab_transfer, _pad0) == 10);
XEN_RS_CHECK(gnttab_transfer__ref, offsetof(struct gnttab_transfer, ref) == 12);
XEN_RS_CHECK(gnttab_transfer__status, offsetof(struct gnttab_transfer, status) == 16);
XEN_RS_CHECK(gnttab_transfer___pad1, offsetof(struct gnttab_transfer, _pad1) == 18);

/** One end of a GNTTABOP_copy. */
struct gnttab_copy_ptr {
    /** Grant reference or frame (C: a union). */
    uint64_t u;
    /** Domain. */
    domid_t domid;
    /** Offset in the page. */
    uint16_t offset;
    /** Padding after `offset` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct gnttab_copy_ptr gnttab_copy_ptr_t;
XEN_RS_CHECK(gnttab_copy_ptr_size, sizeof(struct gnttab_copy_ptr) == 16);
XEN_RS_CHECK(gnttab_copy_ptr__u, offsetof(struct gnttab_copy_ptr, u) == 0);
XEN_RS_CHECK(gnttab_copy_ptr__domid, offsetof(struct gnttab_copy_ptr, domid) == 8);
XEN_RS_CHECK(gnttab_copy_ptr__offset, offsetof(struct gnttab_copy_ptr, offset) == 10);
XEN_RS_CHECK(gnttab_copy_ptr___pad0, offsetof(struct gnttab_copy_ptr, _pad0) == 12);

/** GNTTABOP_copy. */
struct gnttab_copy {
    /** Source. */
    struct gnttab_copy_ptr source;
    /** Destination. */
    struct gnttab_copy_ptr dest;
    /** Bytes to copy. */
    uint16_t len;
    /** GNTCOPY_* flags. */
    uint16_t flags;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct gnttab_copy gnttab_copy_t;
XEN_RS_CHECK(gnttab_copy_size, sizeof(struct gnttab_copy) == 40);
XEN_RS_CHECK(gnttab_copy__source, offsetof(struct gnttab_copy, source) == 0);
XEN_RS_CHECK(gnttab_copy__dest, offsetof(struct gnttab_copy, dest) == 16);
XEN_RS_CHECK(gnttab_copy__len, offsetof(struct gnttab_copy, len) == 32);
XEN_RS_CHECK(gnttab_copy__flags, offsetof(struct gnttab_copy, flags) == 34);
XEN_RS_CHECK(gnttab_copy__status, offsetof(struct gnttab_copy, status) == 36);
XEN_RS_CHECK(gnttab_copy___pad0, offsetof(struct gnttab_copy, _pad0) == 38);

/** GNTTABOP_query_size. */
struct gnttab_query_size {
    /** Domain. */
    domid_t dom;
    /** Padding before `nr_frames` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Out: current frames. */
    uint32_t nr_frames;
    /** Out: maximum frames. */
    uint32_t max_nr_frames;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad1[2];
};
typedef struct gnttab_query_size gnttab_query_size_t;
XEN_RS_CHECK(gnttab_query_size_size, sizeof(struct gnttab_query_size) == 16);
XEN_RS_CHECK(gnttab_query_size__dom, offsetof(struct gnttab_query_size, dom) == 0);
XEN_RS_CHECK(gnttab_query_size___pad0, offsetof(struct gnttab_query_size, _pad0) == 2);
XEN_RS_CHECK(gnttab_query_size__nr_frames, offsetof(struct gnttab_query_size, nr_frames) == 4);
XEN_RS_CHECK(gnttab_query_size__max_nr_frames, offsetof(struct gnttab_query_size, max_nr_frames) == 8);
XEN_RS_CHECK(gnttab_query_size__status, offsetof(struct gnttab_query_size, status) == 12);
XEN_RS_CHECK(gnttab_query_size___pad1, offsetof(struct gnttab_query_size, _pad1) == 14);

/** GNTTABOP_unmap_and_replace. */
struct gnttab_unmap_and_replace {
    /** Mapped address. */
    uint64_t host_addr;
    /** Address whose mapping replaces it. */
    uint64_t new_addr;
    /** Handle of the mapping. */
    grant_handle_t handle;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
XEN_RS_CHECK(gnttab_unmap_and_replace_size, sizeof(struct gnttab_unmap_and_replace) == 24);
XEN_RS_CHECK(gnttab_unmap_and_replace__host_addr, offsetof(struct gnttab_unmap_and_replace, host_addr) == 0);
XEN_RS_CHECK(gnttab_unmap_and_replace__new_addr, offsetof(struct gnttab_unmap_and_replace, new_addr) == 8);
XEN_RS_CHECK(gnttab_unmap_and_replace__handle, offsetof(struct gnttab_unmap_and_replace, handle) == 16);
XEN_RS_CHECK(gnttab_unmap_and_replace__status, offsetof(struct gnttab_unmap_and_replace, status) == 20);
XEN_RS_CHECK(gnttab_unmap_and_replace___pad0, offsetof(struct gnttab_unmap_and_replace, _pad0) == 22);

/** GNTTABOP_set_version. */
struct gnttab_set_version {
    /** Version (1 or 2); out: the version in use. */
    uint32_t version;
};
typedef struct gnttab_set_version gnttab_set_version_t;
XEN_RS_CHECK(gnttab_set_version_size, sizeof(struct gnttab_set_version) == 4);
XEN_RS_CHECK(gnttab_set_version__version, offsetof(struct gnttab_set_version, version) == 0);

/** GNTTABOP_get_status_frames. */
struct gnttab_get_status_frames {
    /** Number of frames. */
    uint32_t nr_frames;
    /** Domain. */
    domid_t dom;
    /** Out: GNTST_*. */
    int16_t status;
    /** Out: the status frames. */
    XEN_RS_GUEST_HANDLE(uint64_t) frame_list;
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
XEN_RS_CHECK(gnttab_get_status_frames_size, sizeof(struct gnttab_get_status_frames) == 16);
XEN_RS_CHECK(gnttab_get_status_frames__nr_frames, offsetof(struct gnttab_get_status_frames, nr_frames) == 0);
XEN_RS_CHECK(gnttab_get_status_frames__dom, offsetof(struct gnttab_get_status_frames, dom) == 4);
XEN_RS_CHECK(gnttab_get_status_frames__status, offsetof(struct gnttab_get_status_frames, status) == 6);
XEN_RS_CHECK(gnttab_get_status_frames__frame_list, offsetof(struct gnttab_get_status_frames, frame_list) == 8);

/** GNTTABOP_get_version. */
struct gnttab_get_version {
    /** Domain. */
    domid_t dom;
    /** Reserved. */
    uint16_t pad;
    /** Out: the version. */
    uint32_t version;
};
typedef struct gnttab_get_version gnttab_get_version_t;
XEN_RS_CHECK(gnttab_get_version_size, sizeof(struct gnttab_get_version) == 8);
XEN_RS_CHECK(gnttab_get_version__dom, offsetof(struct gnttab_get_version, dom) == 0);
XEN_RS_CHECK(gnttab_get_version__pad, offsetof(struct gnttab_get_version, pad) == 2);
XEN_RS_CHECK(gnttab_get_version__version, offsetof(struct gnttab_get_version, version) == 4);

/** GNTTABOP_swap_grant_ref. */
struct gnttab_swap_grant_ref {
    /** First entry. */
    grant_ref_t ref_a;
    /** Second entry. */
    grant_ref_t ref_b;
    /** Out: GNTST_*. */
    int16_t status;
    /** Padding after `status` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
XEN_RS_CHECK(gnttab_swap_grant_ref_size, sizeof(struct gnttab_swap_grant_ref) == 12);
XEN_RS_CHECK(gnttab_swap_grant_ref__ref_a, offsetof(struct gnttab_swap_grant_ref, ref_a) == 0);
XEN_RS_CHECK(gnttab_swap_grant_ref__ref_b, offsetof(struct gnttab_swap_grant_ref, ref_b) == 4);
XEN_RS_CHECK(gnttab_swap_grant_ref__status, offsetof(struct gnttab_swap_grant_ref, status) == 8);
XEN_RS_CHECK(gnttab_swap_grant_ref___pad0, offsetof(struct gnttab_swap_grant_ref, _pad0) == 10);

/** GNTTABOP_cache_flush. */
struct gnttab_cache_flush {
    /** Bus address or grant reference (C: a union). */
    uint64_t a;
    /** Offset in the grant. */
    uint16_t offset;
    /** Length. */
    uint16_t length;
    /** GNTTAB_CACHE_* operations. */
    uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
XEN_RS_CHECK(gnttab_cache_flush_size, sizeof(struct gnttab_cache_flush) == 16);
XEN_RS_CHECK(gnttab_cache_flush__a, offsetof(struct gnttab_cache_flush, a) == 0);
XEN_RS_CHECK(gnttab_cache_flush__offset, offsetof(struct gnttab_cache_flush, offset) == 8);
XEN_RS_CHECK(gnttab_cache_flush__length, offsetof(struct gnttab_cache_flush, length) == 10);
XEN_RS_CHECK(gnttab_cache_flush__op, offsetof(struct gnttab_cache_flush, op) == 12);

#endif /* XEN_RS_GRANT_TABLE_H */
