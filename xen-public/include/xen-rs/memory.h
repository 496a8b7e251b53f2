/* xen-rs/memory.h: Xen's public/memory.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_MEMORY_H
#define XEN_RS_MEMORY_H

#include "abi-types.h"
#include "arch-x86/xen.h"
#include "physdev.h"
#include "xen.h"

/** Give the domain more extents (returns the number done). */
#define XENMEM_increase_reservation 0
/** Give extents back to Xen (returns the number done). */
#define XENMEM_decrease_reservation 1
/** Highest machine frame in use. */
#define XENMEM_maximum_ram_page 2
/** A domain's current number of pages. */
#define XENMEM_current_reservation 3
/** A domain's maximum number of pages. */
#define XENMEM_maximum_reservation 4
/** List the frames of the machine-to-phys table. */
#define XENMEM_machphys_mfn_list 5
/** Allocate extents and map them at given guest frames (returns the number done). */
#define XENMEM_populate_physmap 6
/** Map a page of some space (shared info, grant table, ...) into the physmap. */
#define XENMEM_add_to_physmap 7
/** The calling domain's memory map (e820-like). */
#define XENMEM_memory_map 9
/** The host's memory map (control domain). */
#define XENMEM_machine_memory_map 10
/** Exchange extents for extents of another size or placement. */
#define XENMEM_exchange 11
/** Virtual location of the machine-to-phys table. */
#define XENMEM_machphys_mapping 12
/** Set a domain's memory map. */
#define XENMEM_set_memory_map 13
/** Highest guest frame number of a domain. */
#define XENMEM_maximum_gpfn 14
/** Remove a page from the physmap. */
#define XENMEM_remove_from_physmap 15
/** Set a domain's populate-on-demand target. */
#define XENMEM_set_pod_target 16
/** Read a domain's populate-on-demand state. */
#define XENMEM_get_pod_target 17
/** Pages freed by memory sharing. */
#define XENMEM_get_sharing_freed_pages 18
/** Pages currently shared. */
#define XENMEM_get_sharing_shared_pages 19
/** Memory paging operations. */
#define XENMEM_paging_op 20
/** Memory access (permission) operations. */
#define XENMEM_access_op 21
/** Memory sharing operations. */
#define XENMEM_sharing_op 22
/** Batched add_to_physmap. */
#define XENMEM_add_to_physmap_batch 23
/** Claim a total number of pages for a domain ahead of populating it. */
#define XENMEM_claim_pages 24
/** Machine-to-phys frames of the compat (32-bit) table. */
#define XENMEM_machphys_compat_mfn_list 25
/** A domain's virtual NUMA topology. */
#define XENMEM_get_vnumainfo 26
/** Regions reserved for devices (RMRRs). */
#define XENMEM_reserved_device_memory_map 27
/** Map frames of a resource (ioreq pages, grant table, ...) of a domain. */
#define XENMEM_acquire_resource 28
/** Mark the gfns populate-on-demand instead of allocating. */
#define XENMEMF_populate_on_demand 0x10000
/** Fail rather than fall back to another NUMA node. */
#define XENMEMF_exact_node_request 0x20000
/** The node in mem_flags is a virtual node. */
#define XENMEMF_vnode 0x40000
/** xen-rs extension: Claim on one NUMA node: XENMEM_claim_pages accepts mem_flags XENMEMF_exact_node(n) (Xen: -EINVAL). */
#define XENMEMF_claim_node_mask 0x2ff00
/** The shared-info page. */
#define XENMAPSPACE_shared_info 0
/** A grant-table frame. */
#define XENMAPSPACE_grant_table 1
/** A guest frame moved to another gfn. */
#define XENMAPSPACE_gmfn 2
/** A range of guest frames (add_to_physmap only). */
#define XENMAPSPACE_gmfn_range 3
/** A frame of another domain. */
#define XENMAPSPACE_gmfn_foreign 4
/** Device MMIO (Arm only). */
#define XENMAPSPACE_dev_mmio 5
/** idx flag: map a grant-status frame instead of a shared frame. */
#define XENMAPIDX_grant_table_status 0x80000000U
/** Paging: nominate a page for eviction. */
#define XENMEM_paging_op_nominate 0
/** Paging: evict a nominated page. */
#define XENMEM_paging_op_evict 1
/** Paging: prepare a page to be paged back in. */
#define XENMEM_paging_op_prep 2
/** Access op: set the access of a range. */
#define XENMEM_access_op_set_access 0
/** Access op: read the access of a page. */
#define XENMEM_access_op_get_access 1
/** Access op: set the access of a list of pages. */
#define XENMEM_access_op_set_access_multi 4
/** No access. */
#define XENMEM_access_n 0
/** Read only. */
#define XENMEM_access_r 1
/** Write only. */
#define XENMEM_access_w 2
/** Read and write. */
#define XENMEM_access_rw 3
/** Execute only. */
#define XENMEM_access_x 4
/** Read and execute. */
#define XENMEM_access_rx 5
/** Write and execute. */
#define XENMEM_access_wx 6
/** Full access. */
#define XENMEM_access_rwx 7
/** Read and execute, becoming read-write on a write fault. */
#define XENMEM_access_rx2rw 8
/** No access, becoming full access after one notification. */
#define XENMEM_access_n2rwx 9
/** The domain's default access. */
#define XENMEM_access_default 10
/** Sharing: nominate a gfn. */
#define XENMEM_sharing_op_nominate_gfn 0
/** Sharing: nominate a grant reference. */
#define XENMEM_sharing_op_nominate_gref 1
/** Sharing: share two nominated pages. */
#define XENMEM_sharing_op_share 2
/** Sharing: debug a gfn. */
#define XENMEM_sharing_op_debug_gfn 3
/** Sharing: debug an mfn. */
#define XENMEM_sharing_op_debug_mfn 4
/** Sharing: debug a grant reference. */
#define XENMEM_sharing_op_debug_gref 5
/** Sharing: add a shared page to a physmap. */
#define XENMEM_sharing_op_add_physmap 6
/** Sharing: audit the sharing state. */
#define XENMEM_sharing_op_audit 7
/** Sharing: share a range. */
#define XENMEM_sharing_op_range_share 8
/** Sharing: fork a domain. */
#define XENMEM_sharing_op_fork 9
/** Sharing: reset a fork. */
#define XENMEM_sharing_op_fork_reset 10
/** Sharing error: invalid source handle. */
#define XENMEM_SHARING_OP_S_HANDLE_INVALID (-10)
/** Sharing error: invalid client handle. */
#define XENMEM_SHARING_OP_C_HANDLE_INVALID (-9)
/** Sharing: the field holds a grant reference, not a gfn. */
#define XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG 0x4000000000000000ULL
/** Fork: allow the IOMMU to be enabled. */
#define XENMEM_FORK_WITH_IOMMU_ALLOWED 0x1
/** Fork: block interrupt injection. */
#define XENMEM_FORK_BLOCK_INTERRUPTS 0x2
/** Fork reset: reset vCPU state. */
#define XENMEM_FORK_RESET_STATE 0x4
/** Fork reset: reset memory. */
#define XENMEM_FORK_RESET_MEMORY 0x8
/** Reserved device memory: return every region. */
#define XENMEM_RDM_ALL 1
/** Resource: the pages of an ioreq server. */
#define XENMEM_resource_ioreq_server 0
/** Resource: the grant table. */
#define XENMEM_resource_grant_table 1
/** Resource: a vCPU's vmtrace buffer. */
#define XENMEM_resource_vmtrace_buf 2
/** Grant-table resource id: shared frames. */
#define XENMEM_resource_grant_table_id_shared 0
/** Grant-table resource id: status frames. */
#define XENMEM_resource_grant_table_id_status 1
/** Ioreq-server resource frame: the buffered ioreq page. */
#define XENMEM_resource_ioreq_server_frame_bufioreq 0

/** mem_flags encoding of the maximum address width of the frames. */
#define XENMEMF_address_bits(x) (x)
/** Address width from mem_flags. */
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
/** mem_flags encoding of a NUMA node to allocate from. */
#define XENMEMF_node(x) (((x) + 1) << 8)
/** NUMA node from mem_flags (0xff: none). */
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
/** mem_flags encoding of a NUMA node that must be used. */
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
/** Ioreq-server resource frame of the n-th synchronous ioreq page. */
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))

/** Argument of the reservation subops and of XENMEM_claim_pages. */
struct xen_memory_reservation {
    /** Guest array of frames (in or out depending on the subop); NULL for claims. */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) extent_start;
    /** Number of extents (for claims: the page target). */
    xen_ulong_t nr_extents;
    /** Each extent is 2^extent_order pages. */
    uint32_t extent_order;
    /** XENMEMF_* flags. */
    uint32_t mem_flags;
    /** Target domain. */
    domid_t domid;
    /** Padding after `domid` (implicit padding in Xen's header). */
    uint8_t _pad0[6];
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
XEN_RS_CHECK(xen_memory_reservation_size, sizeof(struct xen_memory_reservation) == 32);
XEN_RS_CHECK(xen_memory_reservation__extent_start, offsetof(struct xen_memory_reservation, extent_start) == 0);
XEN_RS_CHECK(xen_memory_reservation__nr_extents, offsetof(struct xen_memory_reservation, nr_extents) == 8);
XEN_RS_CHECK(xen_memory_reservation__extent_order, offsetof(struct xen_memory_reservation, extent_order) == 16);
XEN_RS_CHECK(xen_memory_reservation__mem_flags, offsetof(struct xen_memory_reservation, mem_flags) == 20);
XEN_RS_CHECK(xen_memory_reservation__domid, offsetof(struct xen_memory_reservation, domid) == 24);
XEN_RS_CHECK(xen_memory_reservation___pad0, offsetof(struct xen_memory_reservation, _pad0) == 26);

/** Argument of XENMEM_exchange. */
struct xen_memory_exchange {
    /** Extents given up. */
    struct xen_memory_reservation in;
    /** Extents received. */
    struct xen_memory_reservation out;
    /** Input extents exchanged so far. */
    xen_ulong_t nr_exchanged;
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
XEN_RS_CHECK(xen_memory_exchange_size, sizeof(struct xen_memory_exchange) == 72);
XEN_RS_CHECK(xen_memory_exchange__in, offsetof(struct xen_memory_exchange, in) == 0);
XEN_RS_CHECK(xen_memory_exchange__out, offsetof(struct xen_memory_exchange, out) == 32);
XEN_RS_CHECK(xen_memory_exchange__nr_exchanged, offsetof(struct xen_memory_exchange, nr_exchanged) == 64);

/** Argument of the subops that only name a domain. */
struct xen_memory_domain {
    /** Domain queried. */
    domid_t domid;
};
typedef struct xen_memory_domain xen_memory_domain_t;
XEN_RS_CHECK(xen_memory_domain_size, sizeof(struct xen_memory_domain) == 2);
XEN_RS_CHECK(xen_memory_domain__domid, offsetof(struct xen_memory_domain, domid) == 0);

/** Argument of XENMEM_machphys_mfn_list. */
struct xen_machphys_mfn_list {
    /** Size of the output array. */
    uint32_t max_extents;
    /** Padding before `extent_start` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Output array of frames. */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) extent_start;
    /** Number of frames returned. */
    uint32_t nr_extents;
    /** Padding after `nr_extents` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
XEN_RS_CHECK(xen_machphys_mfn_list_size, sizeof(struct xen_machphys_mfn_list) == 24);
XEN_RS_CHECK(xen_machphys_mfn_list__max_extents, offsetof(struct xen_machphys_mfn_list, max_extents) == 0);
XEN_RS_CHECK(xen_machphys_mfn_list___pad0, offsetof(struct xen_machphys_mfn_list, _pad0) == 4);
XEN_RS_CHECK(xen_machphys_mfn_list__extent_start, offsetof(struct xen_machphys_mfn_list, extent_start) == 8);
XEN_RS_CHECK(xen_machphys_mfn_list__nr_extents, offsetof(struct xen_machphys_mfn_list, nr_extents) == 16);
XEN_RS_CHECK(xen_machphys_mfn_list___pad1, offsetof(struct xen_machphys_mfn_list, _pad1) == 20);

/** Result of XENMEM_machphys_mapping. */
struct xen_machphys_mapping {
    /** Start of the table's virtual range. */
    xen_ulong_t v_start;
    /** End of the table's virtual range. */
    xen_ulong_t v_end;
    /** Highest machine frame that can be looked up. */
    xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
XEN_RS_CHECK(xen_machphys_mapping_size, sizeof(struct xen_machphys_mapping) == 24);
XEN_RS_CHECK(xen_machphys_mapping__v_start, offsetof(struct xen_machphys_mapping, v_start) == 0);
XEN_RS_CHECK(xen_machphys_mapping__v_end, offsetof(struct xen_machphys_mapping, v_end) == 8);
XEN_RS_CHECK(xen_machphys_mapping__max_mfn, offsetof(struct xen_machphys_mapping, max_mfn) == 16);

/** Argument of XENMEM_add_to_physmap. */
struct xen_add_to_physmap {
    /** Domain whose physmap changes. */
    domid_t domid;
    /** Number of pages for XENMAPSPACE_gmfn_range. */
    uint16_t size;
    /** XENMAPSPACE_* space. */
    uint32_t space;
    /** Index in that space. */
    xen_ulong_t idx;
    /** Guest frame to map it at. */
    xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
XEN_RS_CHECK(xen_add_to_physmap_size, sizeof(struct xen_add_to_physmap) == 24);
XEN_RS_CHECK(xen_add_to_physmap__domid, offsetof(struct xen_add_to_physmap, domid) == 0);
XEN_RS_CHECK(xen_add_to_physmap__size, offsetof(struct xen_add_to_physmap, size) == 2);
XEN_RS_CHECK(xen_add_to_physmap__space, offsetof(struct xen_add_to_physmap, space) == 4);
XEN_RS_CHECK(xen_add_to_physmap__idx, offsetof(struct xen_add_to_physmap, idx) == 8);
XEN_RS_CHECK(xen_add_to_physmap__gpfn, offsetof(struct xen_add_to_physmap, gpfn) == 16);

/** Argument of XENMEM_add_to_physmap_batch. */
struct xen_add_to_physmap_batch {
    /** Domain whose physmap changes. */
    domid_t domid;
    /** XENMAPSPACE_* space. */
    uint16_t space;
    /** Number of pages. */
    uint16_t size;
    /** Source domain for XENMAPSPACE_gmfn_foreign, else zero (C: a union). */
    uint16_t u;
    /** Indexes in the space. */
    XEN_RS_GUEST_HANDLE(xen_ulong_t) idxs;
    /** Guest frames to map them at. */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) gpfns;
    /** Per-page error codes (out). */
    XEN_RS_GUEST_HANDLE(int) errs;
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
XEN_RS_CHECK(xen_add_to_physmap_batch_size, sizeof(struct xen_add_to_physmap_batch) == 32);
XEN_RS_CHECK(xen_add_to_physmap_batch__domid, offsetof(struct xen_add_to_physmap_batch, domid) == 0);
XEN_RS_CHECK(xen_add_to_physmap_batch__space, offsetof(struct xen_add_to_physmap_batch, space) == 2);
XEN_RS_CHECK(xen_add_to_physmap_batch__size, offsetof(struct xen_add_to_physmap_batch, size) == 4);
XEN_RS_CHECK(xen_add_to_physmap_batch__u, offsetof(struct xen_add_to_physmap_batch, u) == 6);
XEN_RS_CHECK(xen_add_to_physmap_batch__idxs, offsetof(struct xen_add_to_physmap_batch, idxs) == 8);
XEN_RS_CHECK(xen_add_to_physmap_batch__gpfns, offsetof(struct xen_add_to_physmap_batch, gpfns) == 16);
XEN_RS_CHECK(xen_add_to_physmap_batch__errs, offsetof(struct xen_add_to_physmap_batch, errs) == 24);

/** Argument of XENMEM_remove_from_physmap. */
struct xen_remove_from_physmap {
    /** Domain whose physmap changes. */
    domid_t domid;
    /** Padding before `gpfn` (implicit padding in Xen's header). */
    uint8_t _pad0[6];
    /** Guest frame to unmap. */
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
XEN_RS_CHECK(xen_remove_from_physmap_size, sizeof(struct xen_remove_from_physmap) == 16);
XEN_RS_CHECK(xen_remove_from_physmap__domid, offsetof(struct xen_remove_from_physmap, domid) == 0);
XEN_RS_CHECK(xen_remove_from_physmap___pad0, offsetof(struct xen_remove_from_physmap, _pad0) == 2);
XEN_RS_CHECK(xen_remove_from_physmap__gpfn, offsetof(struct xen_remove_from_physmap, gpfn) == 8);

/** A memory map buffer (XENMEM_memory_map, XENMEM_machine_memory_map). */
struct xen_memory_map {
    /** In: entries the buffer holds; out: entries written. */
    uint32_t nr_entries;
    /** Padding before `buffer` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Array of e820 entries. */
    XEN_RS_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
XEN_RS_CHECK(xen_memory_map_size, sizeof(struct xen_memory_map) == 16);
XEN_RS_CHECK(xen_memory_map__nr_entries, offsetof(struct xen_memory_map, nr_entries) == 0);
XEN_RS_CHECK(xen_memory_map___pad0, offsetof(struct xen_memory_map, _pad0) == 4);
XEN_RS_CHECK(xen_memory_map__buffer, offsetof(struct xen_memory_map, buffer) == 8);

/** Argument of XENMEM_set_memory_map. */
struct xen_foreign_memory_map {
    /** Domain whose map is set. */
    domid_t domid;
    /** Padding before `map` (implicit padding in Xen's header). */
    uint8_t _pad0[6];
    /** The map. */
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
XEN_RS_CHECK(xen_foreign_memory_map_size, sizeof(struct xen_foreign_memory_map) == 24);
XEN_RS_CHECK(xen_foreign_memory_map__domid, offsetof(struct xen_foreign_memory_map, domid) == 0);
XEN_RS_CHECK(xen_foreign_memory_map___pad0, offsetof(struct xen_foreign_memory_map, _pad0) == 2);
XEN_RS_CHECK(xen_foreign_memory_map__map, offsetof(struct xen_foreign_memory_map, map) == 8);

/** Argument of XENMEM_{set,get}_pod_target. */
struct xen_pod_target {
    /** In: target number of pages. */
    uint64_t target_pages;
    /** Out: pages the domain has. */
    uint64_t tot_pages;
    /** Out: pages in the PoD cache. */
    uint64_t pod_cache_pages;
    /** Out: PoD entries in the p2m. */
    uint64_t pod_entries;
    /** In: target domain. */
    domid_t domid;
    /** Padding after `domid` (implicit padding in Xen's header). */
    uint8_t _pad0[6];
};
typedef struct xen_pod_target xen_pod_target_t;
XEN_RS_CHECK(xen_pod_target_size, sizeof(struct xen_pod_target) == 40);
XEN_RS_CHECK(xen_pod_target__target_pages, offsetof(struct xen_pod_target, target_pages) == 0);
XEN_RS_CHECK(xen_pod_target__tot_pages, offsetof(struct xen_pod_target, tot_pages) == 8);
XEN_RS_CHECK(xen_pod_target__pod_cache_pages, offsetof(struct xen_pod_target, pod_cache_pages) == 16);
XEN_RS_CHECK(xen_pod_target__pod_entries, offsetof(struct xen_pod_target, pod_entries) == 24);
XEN_RS_CHECK(xen_pod_target__domid, offsetof(struct xen_pod_target, domid) == 32);
XEN_RS_CHECK(xen_pod_target___pad0, offsetof(struct xen_pod_target, _pad0) == 34);

/** Argument of XENMEM_paging_op. */
struct xen_mem_paging_op {
    /** XENMEM_paging_op_* operation. */
    uint8_t op;
    /** Padding before `domain` (implicit padding in Xen's header). */
    uint8_t _pad0[1];
    /** Target domain. */
    domid_t domain;
    /** Padding before `buffer` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
    /** Contents to page in with XENMEM_paging_op_prep. */
    XEN_RS_GUEST_HANDLE(uint8_t) buffer;
    /** Guest frame operated on. */
    uint64_t gfn;
};
typedef struct xen_mem_paging_op xen_mem_paging_op_t;
XEN_RS_CHECK(xen_mem_paging_op_size, sizeof(struct xen_mem_paging_op) == 24);
XEN_RS_CHECK(xen_mem_paging_op__op, offsetof(struct xen_mem_paging_op, op) == 0);
XEN_RS_CHECK(xen_mem_paging_op___pad0, offsetof(struct xen_mem_paging_op, _pad0) == 1);
XEN_RS_CHECK(xen_mem_paging_op__domain, offsetof(struct xen_mem_paging_op, domain) == 2);
XEN_RS_CHECK(xen_mem_paging_op___pad1, offsetof(struct xen_mem_paging_op, _pad1) == 4);
XEN_RS_CHECK(xen_mem_paging_op__buffer, offsetof(struct xen_mem_paging_op, buffer) == 8);
XEN_RS_CHECK(xen_mem_paging_op__gfn, offsetof(struct xen_mem_paging_op, gfn) == 16);

/** Argument of XENMEM_access_op. */
struct xen_mem_access_op {
    /** XENMEM_access_op_* operation. */
    uint8_t op;
    /** XENMEM_access_* value. */
    uint8_t access;
    /** Target domain. */
    domid_t domid;
    /** Number of pages. */
    uint32_t nr;
    /** First pfn, or ~0 for the default access. */
    uint64_t pfn;
    /** Pfn list of set_access_multi. */
    XEN_RS_GUEST_HANDLE(uint64_t) pfn_list;
    /** Access list of set_access_multi. */
    XEN_RS_GUEST_HANDLE(uint8_t) access_list;
};
typedef struct xen_mem_access_op xen_mem_access_op_t;
XEN_RS_CHECK(xen_mem_access_op_size, sizeof(struct xen_mem_access_op) == 32);
XEN_RS_CHECK(xen_mem_access_op__op, offsetof(struct xen_mem_access_op, op) == 0);
XEN_RS_CHECK(xen_mem_access_op__access, offsetof(struct xen_mem_access_op, access) == 1);
XEN_RS_CHECK(xen_mem_access_op__domid, offsetof(struct xen_mem_access_op, domid) == 2);
XEN_RS_CHECK(xen_mem_access_op__nr, offsetof(struct xen_mem_access_op, nr) == 4);
XEN_RS_CHECK(xen_mem_access_op__pfn, offsetof(struct xen_mem_access_op, pfn) == 8);
XEN_RS_CHECK(xen_mem_access_op__pfn_list, offsetof(struct xen_mem_access_op, pfn_list) == 16);
XEN_RS_CHECK(xen_mem_access_op__access_list, offsetof(struct xen_mem_access_op, access_list) == 24);

/** Argument of XENMEM_sharing_op. */
struct xen_mem_sharing_op {
    /** XENMEM_sharing_op_* operation. */
    uint8_t op;
    /** Padding before `domain` (implicit padding in Xen's header). */
    uint8_t _pad0[1];
    /** Target domain. */
    domid_t domain;
    /** Padding before `u` (implicit padding in Xen's header). */
    uint8_t _pad1[4];
    /** Per-operation arguments (C: a union of nominate/share/range/debug/fork). */
    uint64_t u[5];
};
typedef struct xen_mem_sharing_op xen_mem_sharing_op_t;
XEN_RS_CHECK(xen_mem_sharing_op_size, sizeof(struct xen_mem_sharing_op) == 48);
XEN_RS_CHECK(xen_mem_sharing_op__op, offsetof(struct xen_mem_sharing_op, op) == 0);
XEN_RS_CHECK(xen_mem_sharing_op___pad0, offsetof(struct xen_mem_sharing_op, _pad0) == 1);
XEN_RS_CHECK(xen_mem_sharing_op__domain, offsetof(struct xen_mem_sharing_op, domain) == 2);
XEN_RS_CHECK(xen_mem_sharing_op___pad1, offsetof(struct xen_mem_sharing_op, _pad1) == 4);
XEN_RS_CHECK(xen_mem_sharing_op__u, offsetof(struct xen_mem_sharing_op, u) == 8);

/** One region of XENMEM_reserved_device_memory_map. */
struct xen_reserved_device_memory {
    /** First frame. */
    xen_pfn_t start_pfn;
    /** Number of frames. */
    xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
XEN_RS_CHECK(xen_reserved_device_memory_size, sizeof(struct xen_reserved_device_memory) == 16);
XEN_RS_CHECK(xen_reserved_device_memory__start_pfn, offsetof(struct xen_reserved_device_memory, start_pfn) == 0);
XEN_RS_CHECK(xen_reserved_device_memory__nr_pages, offsetof(struct xen_reserved_device_memory, nr_pages) == 8);

/** Argument of XENMEM_reserved_device_memory_map. */
struct xen_reserved_device_memory_map {
    /** XENMEM_RDM_* flags. */
    uint32_t flags;
    /** In: buffer entries; out: regions. */
    uint32_t nr_entries;
    /** Output regions. */
    XEN_RS_GUEST_HANDLE(struct xen_reserved_device_memory) buffer;
    /** Device to query (C: a union holding `pci`). */
    struct physdev_pci_device dev;
    /** Padding after `dev` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct xen_reserved_device_memory_map xen_reserved_device_memory_map_t;
XEN_RS_CHECK(xen_reserved_device_memory_map_size, sizeof(struct xen_reserved_device_memory_map) == 24);
XEN_RS_CHECK(xen_reserved_device_memory_map__flags, offsetof(struct xen_reserved_device_memory_map, flags) == 0);
XEN_RS_CHECK(xen_reserved_device_memory_map__nr_entries, offsetof(struct xen_reserved_device_memory_map, nr_entries) == 4);
XEN_RS_CHECK(xen_reserved_device_memory_map__buffer, offsetof(struct xen_reserved_device_memory_map, buffer) == 8);
XEN_RS_CHECK(xen_reserved_device_memory_map__dev, offsetof(struct xen_reserved_device_memory_map, dev) == 16);
XEN_RS_CHECK(xen_reserved_device_memory_map___pad0, offsetof(struct xen_reserved_device_memory_map, _pad0) == 20);

/** Argument of XENMEM_acquire_resource. */
struct xen_mem_acquire_resource {
    /** Domain owning the resource. */
    domid_t domid;
    /** XENMEM_resource_* type. */
    uint16_t type;
    /** Type-specific id (ioreq server id, grant-table id, vCPU). */
    uint32_t id;
    /** In: frames wanted; out: frames available if frame_list is NULL. */
    uint32_t nr_frames;
    /** Must be zero. */
    uint32_t pad;
    /** First frame index within the resource. */
    uint64_t frame;
    /** Guest frames to map at (or out: machine frames). */
    XEN_RS_GUEST_HANDLE(xen_pfn_t) frame_list;
};
typedef struct xen_mem_acquire_resource xen_mem_acquire_resource_t;
XEN_RS_CHECK(xen_mem_acquire_resource_size, sizeof(struct xen_mem_acquire_resource) == 32);
XEN_RS_CHECK(xen_mem_acquire_resource__domid, offsetof(struct xen_mem_acquire_resource, domid) == 0);
XEN_RS_CHECK(xen_mem_acquire_resource__type, offsetof(struct xen_mem_acquire_resource, type) == 2);
XEN_RS_CHECK(xen_mem_acquire_resource__id, offsetof(struct xen_mem_acquire_resource, id) == 4);
XEN_RS_CHECK(xen_mem_acquire_resource__nr_frames, offsetof(struct xen_mem_acquire_resource, nr_frames) == 8);
XEN_RS_CHECK(xen_mem_acquire_resource__pad, offsetof(struct xen_mem_acquire_resource, pad) == 12);
XEN_RS_CHECK(xen_mem_acquire_resource__frame, offsetof(struct xen_mem_acquire_resource, frame) == 16);
XEN_RS_CHECK(xen_mem_acquire_resource__frame_list, offsetof(struct xen_mem_acquire_resource, frame_list) == 24);

/** A virtual NUMA memory range. */
struct xen_vmemrange {
    /** Start address. */
    uint64_t start;
    /** End address. */
    uint64_t end;
    /** Reserved. */
    uint32_t flags;
    /** Virtual node. */
    uint32_t nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
XEN_RS_CHECK(xen_vmemrange_size, sizeof(struct xen_vmemrange) == 24);
XEN_RS_CHECK(xen_vmemrange__start, offsetof(struct xen_vmemrange, start) == 0);
XEN_RS_CHECK(xen_vmemrange__end, offsetof(struct xen_vmemrange, end) == 8);
XEN_RS_CHECK(xen_vmemrange__flags, offsetof(struct xen_vmemrange, flags) == 16);
XEN_RS_CHECK(xen_vmemrange__nid, offsetof(struct xen_vmemrange, nid) == 20);

/** Argument of XENMEM_get_vnumainfo. */
struct xen_vnuma_topology_info {
    /** Domain queried. */
    domid_t domid;
    /** Reserved. */
    uint16_t pad;
    /** Number of virtual nodes. */
    uint32_t nr_vnodes;
    /** Number of vCPUs. */
    uint32_t nr_vcpus;
    /** Number of memory ranges. */
    uint32_t nr_vmemranges;
    /** Distance table (C: a union with a u64). */
    XEN_RS_GUEST_HANDLE(unsigned int) vdistance;
    /** vCPU to node map (C: a union with a u64). */
    XEN_RS_GUEST_HANDLE(unsigned int) vcpu_to_vnode;
    /** Memory ranges (C: a union with a u64). */
    XEN_RS_GUEST_HANDLE(struct xen_vmemrange) vmemrange;
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
XEN_RS_CHECK(xen_vnuma_topology_info_size, sizeof(struct xen_vnuma_topology_info) == 40);
XEN_RS_CHECK(xen_vnuma_topology_info__domid, offsetof(struct xen_vnuma_topology_info, domid) == 0);
XEN_RS_CHECK(xen_vnuma_topology_info__pad, offsetof(struct xen_vnuma_topology_info, pad) == 2);
XEN_RS_CHECK(xen_vnuma_topology_info__nr_vnodes, offsetof(struct xen_vnuma_topology_info, nr_vnodes) == 4);
XEN_RS_CHECK(xen_vnuma_topology_info__nr_vcpus, offsetof(struct xen_vnuma_topology_info, nr_vcpus) == 8);
XEN_RS_CHECK(xen_vnuma_topology_info__nr_vmemranges, offsetof(struct xen_vnuma_topology_info, nr_vmemranges) == 12);
XEN_RS_CHECK(xen_vnuma_topology_info__vdistance, offsetof(struct xen_vnuma_topology_info, vdistance) == 16);
XEN_RS_CHECK(xen_vnuma_topology_info__vcpu_to_vnode, offsetof(struct xen_vnuma_topology_info, vcpu_to_vnode) == 24);
XEN_RS_CHECK(xen_vnuma_topology_info__vmemrange, offsetof(struct xen_vnuma_topology_info, vmemrange) == 32);

#endif /* XEN_RS_MEMORY_H */
