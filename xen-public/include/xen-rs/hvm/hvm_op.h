/* xen-rs/hvm/hvm_op.h: Xen's public/hvm/hvm_op.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_HVM_OP_H
#define XEN_RS_HVM_HVM_OP_H

#include "../abi-types.h"
#include "../xen.h"

/** Set an HVM_PARAM_* of a domain. */
#define HVMOP_set_param 0
/** Read an HVM_PARAM_* of a domain. */
#define HVMOP_get_param 1
/** Flush the TLBs of all vCPUs of the caller. */
#define HVMOP_flush_tlbs 5
/** Tell Xen a guest page table is being torn down. */
#define HVMOP_pagetable_dying 9
/** Current system time. */
#define HVMOP_get_time 10
/** Write a trace record. */
#define HVMOP_xentrace 11
/** Set memory access permissions (tools). */
#define HVMOP_set_mem_access 12
/** Read memory access permissions (tools). */
#define HVMOP_get_mem_access 13
/** Read the HVMMEM_* type of a guest frame. */
#define HVMOP_get_mem_type 15
/** Set a vCPU's event-channel upcall vector. */
#define HVMOP_set_evtchn_upcall_vector 23
/** Raise a vm_event guest request. */
#define HVMOP_guest_request_vm_event 24
/** Alternate p2m operations. */
#define HVMOP_altp2m 25
/** Version of the altp2m sub-interface. */
#define HVMOP_ALTP2M_INTERFACE_VERSION 0x1
/** altp2m: read whether altp2m is active. */
#define HVMOP_altp2m_get_domain_state 1
/** altp2m: activate or deactivate altp2m. */
#define HVMOP_altp2m_set_domain_state 2
/** altp2m: enable #VE notifications for a vCPU. */
#define HVMOP_altp2m_vcpu_enable_notify 3
/** altp2m: create a view. */
#define HVMOP_altp2m_create_p2m 4
/** altp2m: destroy a view. */
#define HVMOP_altp2m_destroy_p2m 5
/** altp2m: switch all vCPUs to a view. */
#define HVMOP_altp2m_switch_p2m 6
/** altp2m: set the access of a gfn in a view. */
#define HVMOP_altp2m_set_mem_access 7
/** altp2m: remap a gfn in a view. */
#define HVMOP_altp2m_change_gfn 8
/** altp2m: set the access of many gfns in a view. */
#define HVMOP_altp2m_set_mem_access_multi 9
/** altp2m: set the suppress-#VE bit of a gfn. */
#define HVMOP_altp2m_set_suppress_ve 10
/** altp2m: read the suppress-#VE bit of a gfn. */
#define HVMOP_altp2m_get_suppress_ve 11
/** altp2m: read the access of a gfn in a view. */
#define HVMOP_altp2m_get_mem_access 12
/** altp2m: disable #VE notifications for a vCPU. */
#define HVMOP_altp2m_vcpu_disable_notify 13
/** altp2m: current view of a vCPU. */
#define HVMOP_altp2m_get_p2m_idx 14
/** altp2m: set the suppress-#VE bit of a gfn range. */
#define HVMOP_altp2m_set_suppress_ve_multi 15
/** altp2m: make a view visible or not to the guest. */
#define HVMOP_altp2m_set_visibility 16
/** Ioreq server without a buffered ioreq ring. */
#define HVM_IOREQSRV_BUFIOREQ_OFF 0
/** Ioreq server with a buffered ring using the legacy pointers. */
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1
/** Ioreq server with a buffered ring updated atomically. */
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2
/** Memory type: normal RAM. */
#define HVMMEM_ram_rw 0
/** Memory type: read-only RAM, writes discarded. */
#define HVMMEM_ram_ro 1
/** Memory type: MMIO emulated by a device model. */
#define HVMMEM_mmio_dm 2
/** Memory type placeholder; cannot be set. */
#define HVMMEM_unused 3
/** Memory type: RAM whose writes go to the ioreq server that claimed the type. */
#define HVMMEM_ioreq_server 4

/** Argument of HVMOP_{set,get}_param. */
struct xen_hvm_param {
    /** Target domain. */
    domid_t domid;
    /** Reserved. */
    uint16_t pad;
    /** HVM_PARAM_* index. */
    uint32_t index;
    /** Value (in or out). */
    uint64_t value;
};
typedef struct xen_hvm_param xen_hvm_param_t;
XEN_RS_CHECK(xen_hvm_param_size, sizeof(struct xen_hvm_param) == 16);
XEN_RS_CHECK(xen_hvm_param__domid, offsetof(struct xen_hvm_param, domid) == 0);
XEN_RS_CHECK(xen_hvm_param__pad, offsetof(struct xen_hvm_param, pad) == 2);
XEN_RS_CHECK(xen_hvm_param__index, offsetof(struct xen_hvm_param, index) == 4);
XEN_RS_CHECK(xen_hvm_param__value, offsetof(struct xen_hvm_param, value) == 8);

/** Argument of HVMOP_pagetable_dying. */
struct xen_hvm_pagetable_dying {
    /** Target domain. */
    domid_t domid;
    /** Reserved. */
    uint16_t pad[3];
    /** Guest-physical address of the top-level table. */
    uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
XEN_RS_CHECK(xen_hvm_pagetable_dying_size, sizeof(struct xen_hvm_pagetable_dying) == 16);
XEN_RS_CHECK(xen_hvm_pagetable_dying__domid, offsetof(struct xen_hvm_pagetable_dying, domid) == 0);
XEN_RS_CHECK(xen_hvm_pagetable_dying__pad, offsetof(struct xen_hvm_pagetable_dying, pad) == 2);
XEN_RS_CHECK(xen_hvm_pagetable_dying__gpa, offsetof(struct xen_hvm_pagetable_dying, gpa) == 8);

/** Result of HVMOP_get_time. */
struct xen_hvm_get_time {
    /** System time in ns. */
    uint64_t now;
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
XEN_RS_CHECK(xen_hvm_get_time_size, sizeof(struct xen_hvm_get_time) == 8);
XEN_RS_CHECK(xen_hvm_get_time__now, offsetof(struct xen_hvm_get_time, now) == 0);

/** Argument of HVMOP_get_mem_type. */
struct xen_hvm_get_mem_type {
    /** Target domain. */
    domid_t domid;
    /** Out: HVMMEM_* type. */
    uint16_t mem_type;
    /** Reserved. */
    uint16_t pad[2];
    /** Guest frame queried. */
    uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
XEN_RS_CHECK(xen_hvm_get_mem_type_size, sizeof(struct xen_hvm_get_mem_type) == 16);
XEN_RS_CHECK(xen_hvm_get_mem_type__domid, offsetof(struct xen_hvm_get_mem_type, domid) == 0);
XEN_RS_CHECK(xen_hvm_get_mem_type__mem_type, offsetof(struct xen_hvm_get_mem_type, mem_type) == 2);
XEN_RS_CHECK(xen_hvm_get_mem_type__pad, offsetof(struct xen_hvm_get_mem_type, pad) == 4);
XEN_RS_CHECK(xen_hvm_get_mem_type__pfn, offsetof(struct xen_hvm_get_mem_type, pfn) == 8);

/** Argument of HVMOP_set_evtchn_upcall_vector. */
struct xen_hvm_evtchn_upcall_vector {
    /** vCPU. */
    uint32_t vcpu;
    /** Vector to raise for event upcalls. */
    uint8_t vector;
    /** Padding after `vector` (implicit padding in Xen's header). */
    uint8_t _pad0[3];
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
XEN_RS_CHECK(xen_hvm_evtchn_upcall_vector_size, sizeof(struct xen_hvm_evtchn_upcall_vector) == 8);
XEN_RS_CHECK(xen_hvm_evtchn_upcall_vector__vcpu, offsetof(struct xen_hvm_evtchn_upcall_vector, vcpu) == 0);
XEN_RS_CHECK(xen_hvm_evtchn_upcall_vector__vector, offsetof(struct xen_hvm_evtchn_upcall_vector, vector) == 4);
XEN_RS_CHECK(xen_hvm_evtchn_upcall_vector___pad0, offsetof(struct xen_hvm_evtchn_upcall_vector, _pad0) == 5);

/** Argument of HVMOP_xentrace. */
struct xen_hvm_xentrace {
    /** Trace event. */
    uint16_t event;
    /** Bytes used in `extra`. */
    uint16_t extra_bytes;
    /** Extra data. */
    uint8_t extra[28];
};
typedef struct xen_hvm_xentrace xen_hvm_xentrace_t;
XEN_RS_CHECK(xen_hvm_xentrace_size, sizeof(struct xen_hvm_xentrace) == 32);
XEN_RS_CHECK(xen_hvm_xentrace__event, offsetof(struct xen_hvm_xentrace, event) == 0);
XEN_RS_CHECK(xen_hvm_xentrace__extra_bytes, offsetof(struct xen_hvm_xentrace, extra_bytes) == 2);
XEN_RS_CHECK(xen_hvm_xentrace__extra, offsetof(struct xen_hvm_xentrace, extra) == 4);

/** altp2m: suppress-#VE bit of one gfn. */
struct xen_hvm_altp2m_suppress_ve {
    /** View. */
    uint16_t view;
    /** The bit (boolean). */
    uint8_t suppress_ve;
    /** Reserved. */
    uint8_t pad1;
    /** Reserved. */
    uint32_t pad2;
    /** Guest frame. */
    uint64_t gfn;
};
typedef struct xen_hvm_altp2m_suppress_ve xen_hvm_altp2m_suppress_ve_t;
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_size, sizeof(struct xen_hvm_altp2m_suppress_ve) == 16);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve__view, offsetof(struct xen_hvm_altp2m_suppress_ve, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve__suppress_ve, offsetof(struct xen_hvm_altp2m_suppress_ve, suppress_ve) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve__pad1, offsetof(struct xen_hvm_altp2m_suppress_ve, pad1) == 3);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve__pad2, offsetof(struct xen_hvm_altp2m_suppress_ve, pad2) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve__gfn, offsetof(struct xen_hvm_altp2m_suppress_ve, gfn) == 8);

/** altp2m: suppress-#VE bit of a gfn range. */
struct xen_hvm_altp2m_suppress_ve_multi {
    /** View. */
    uint16_t view;
    /** The bit (boolean). */
    uint8_t suppress_ve;
    /** Reserved. */
    uint8_t pad1;
    /** Out: first error; must be zero on input. */
    int32_t first_error;
    /** First gfn (updated on continuation). */
    uint64_t first_gfn;
    /** Last gfn. */
    uint64_t last_gfn;
    /** Out: gfn of the first error. */
    uint64_t first_error_gfn;
};
typedef struct xen_hvm_altp2m_suppress_ve_multi xen_hvm_altp2m_suppress_ve_multi_t;
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi_size, sizeof(struct xen_hvm_altp2m_suppress_ve_multi) == 32);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__view, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__suppress_ve, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, suppress_ve) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__pad1, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, pad1) == 3);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__first_error, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, first_error) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__first_gfn, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, first_gfn) == 8);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__last_gfn, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, last_gfn) == 16);
XEN_RS_CHECK(xen_hvm_altp2m_suppress_ve_multi__first_error_gfn, offsetof(struct xen_hvm_altp2m_suppress_ve_multi, first_error_gfn) == 24);

/** altp2m: domain state. */
struct xen_hvm_altp2m_domain_state {
    /** Whether altp2m is active. */
    uint8_t state;
};
typedef struct xen_hvm_altp2m_domain_state xen_hvm_altp2m_domain_state_t;
XEN_RS_CHECK(xen_hvm_altp2m_domain_state_size, sizeof(struct xen_hvm_altp2m_domain_state) == 1);
XEN_RS_CHECK(xen_hvm_altp2m_domain_state__state, offsetof(struct xen_hvm_altp2m_domain_state, state) == 0);

/** altp2m: enable #VE notifications. */
struct xen_hvm_altp2m_vcpu_enable_notify {
    /** vCPU. */
    uint32_t vcpu_id;
    /** Reserved. */
    uint32_t pad;
    /** Guest frame of the #VE information page. */
    uint64_t gfn;
};
typedef struct xen_hvm_altp2m_vcpu_enable_notify xen_hvm_altp2m_vcpu_enable_notify_t;
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_enable_notify_size, sizeof(struct xen_hvm_altp2m_vcpu_enable_notify) == 16);
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_enable_notify__vcpu_id, offsetof(struct xen_hvm_altp2m_vcpu_enable_notify, vcpu_id) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_enable_notify__pad, offsetof(struct xen_hvm_altp2m_vcpu_enable_notify, pad) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_enable_notify__gfn, offsetof(struct xen_hvm_altp2m_vcpu_enable_notify, gfn) == 8);

/** altp2m: disable #VE notifications. */
struct xen_hvm_altp2m_vcpu_disable_notify {
    /** vCPU. */
    uint32_t vcpu_id;
};
typedef struct xen_hvm_altp2m_vcpu_disable_notify xen_hvm_altp2m_vcpu_disable_notify_t;
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_disable_notify_size, sizeof(struct xen_hvm_altp2m_vcpu_disable_notify) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_vcpu_disable_notify__vcpu_id, offsetof(struct xen_hvm_altp2m_vcpu_disable_notify, vcpu_id) == 0);

/** altp2m: a view and its default access. */
struct xen_hvm_altp2m_view {
    /** View. */
    uint16_t view;
    /** Default XENMEM_access_* of a new view. */
    uint16_t hvmmem_default_access;
};
typedef struct xen_hvm_altp2m_view xen_hvm_altp2m_view_t;
XEN_RS_CHECK(xen_hvm_altp2m_view_size, sizeof(struct xen_hvm_altp2m_view) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_view__view, offsetof(struct xen_hvm_altp2m_view, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_view__hvmmem_default_access, offsetof(struct xen_hvm_altp2m_view, hvmmem_default_access) == 2);

/** altp2m: access of one gfn. */
struct xen_hvm_altp2m_mem_access {
    /** View. */
    uint16_t view;
    /** XENMEM_access_* value. */
    uint16_t access;
    /** Reserved. */
    uint32_t pad;
    /** Guest frame. */
    uint64_t gfn;
};
typedef struct xen_hvm_altp2m_mem_access xen_hvm_altp2m_mem_access_t;
XEN_RS_CHECK(xen_hvm_altp2m_mem_access_size, sizeof(struct xen_hvm_altp2m_mem_access) == 16);
XEN_RS_CHECK(xen_hvm_altp2m_mem_access__view, offsetof(struct xen_hvm_altp2m_mem_access, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_mem_access__access, offsetof(struct xen_hvm_altp2m_mem_access, access) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_mem_access__pad, offsetof(struct xen_hvm_altp2m_mem_access, pad) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_mem_access__gfn, offsetof(struct xen_hvm_altp2m_mem_access, gfn) == 8);

/** altp2m: access of many gfns. */
struct xen_hvm_altp2m_set_mem_access_multi {
    /** View. */
    uint16_t view;
    /** Reserved. */
    uint16_t pad;
    /** Number of gfns. */
    uint32_t nr;
    /** Continuation progress; must be zero. */
    uint64_t opaque;
    /** Guest frames. */
    XEN_RS_GUEST_HANDLE(uint64_t) pfn_list;
    /** XENMEM_access_* of each. */
    XEN_RS_GUEST_HANDLE(uint8_t) access_list;
};
typedef struct xen_hvm_altp2m_set_mem_access_multi xen_hvm_altp2m_set_mem_access_multi_t;
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi_size, sizeof(struct xen_hvm_altp2m_set_mem_access_multi) == 32);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__view, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__pad, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, pad) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__nr, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, nr) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__opaque, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, opaque) == 8);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__pfn_list, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, pfn_list) == 16);
XEN_RS_CHECK(xen_hvm_altp2m_set_mem_access_multi__access_list, offsetof(struct xen_hvm_altp2m_set_mem_access_multi, access_list) == 24);

/** altp2m: remap a gfn. */
struct xen_hvm_altp2m_change_gfn {
    /** View. */
    uint16_t view;
    /** Reserved. */
    uint16_t pad1;
    /** Reserved. */
    uint32_t pad2;
    /** Gfn to remap. */
    uint64_t old_gfn;
    /** Gfn it now shows, or ~0 to undo. */
    uint64_t new_gfn;
};
typedef struct xen_hvm_altp2m_change_gfn xen_hvm_altp2m_change_gfn_t;
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn_size, sizeof(struct xen_hvm_altp2m_change_gfn) == 24);
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn__view, offsetof(struct xen_hvm_altp2m_change_gfn, view) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn__pad1, offsetof(struct xen_hvm_altp2m_change_gfn, pad1) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn__pad2, offsetof(struct xen_hvm_altp2m_change_gfn, pad2) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn__old_gfn, offsetof(struct xen_hvm_altp2m_change_gfn, old_gfn) == 8);
XEN_RS_CHECK(xen_hvm_altp2m_change_gfn__new_gfn, offsetof(struct xen_hvm_altp2m_change_gfn, new_gfn) == 16);

/** altp2m: current view of a vCPU. */
struct xen_hvm_altp2m_get_vcpu_p2m_idx {
    /** vCPU. */
    uint32_t vcpu_id;
    /** Out: view. */
    uint16_t altp2m_idx;
    /** Padding after `altp2m_idx` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
};
typedef struct xen_hvm_altp2m_get_vcpu_p2m_idx xen_hvm_altp2m_get_vcpu_p2m_idx_t;
XEN_RS_CHECK(xen_hvm_altp2m_get_vcpu_p2m_idx_size, sizeof(struct xen_hvm_altp2m_get_vcpu_p2m_idx) == 8);
XEN_RS_CHECK(xen_hvm_altp2m_get_vcpu_p2m_idx__vcpu_id, offsetof(struct xen_hvm_altp2m_get_vcpu_p2m_idx, vcpu_id) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_get_vcpu_p2m_idx__altp2m_idx, offsetof(struct xen_hvm_altp2m_get_vcpu_p2m_idx, altp2m_idx) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_get_vcpu_p2m_idx___pad0, offsetof(struct xen_hvm_altp2m_get_vcpu_p2m_idx, _pad0) == 6);

/** altp2m: visibility of a view. */
struct xen_hvm_altp2m_set_visibility {
    /** View. */
    uint16_t altp2m_idx;
    /** Whether the guest may switch to it. */
    uint8_t visible;
    /** Reserved. */
    uint8_t pad;
};
typedef struct xen_hvm_altp2m_set_visibility xen_hvm_altp2m_set_visibility_t;
XEN_RS_CHECK(xen_hvm_altp2m_set_visibility_size, sizeof(struct xen_hvm_altp2m_set_visibility) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_set_visibility__altp2m_idx, offsetof(struct xen_hvm_altp2m_set_visibility, altp2m_idx) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_set_visibility__visible, offsetof(struct xen_hvm_altp2m_set_visibility, visible) == 2);
XEN_RS_CHECK(xen_hvm_altp2m_set_visibility__pad, offsetof(struct xen_hvm_altp2m_set_visibility, pad) == 3);

/** Argument of HVMOP_altp2m: `cmd` selects the member of `u`. */
struct xen_hvm_altp2m_op {
    /** HVMOP_ALTP2M_INTERFACE_VERSION. */
    uint32_t version;
    /** HVMOP_altp2m_*. */
    uint32_t cmd;
    /** Target domain. */
    domid_t domain;
    /** Reserved. */
    uint16_t pad1;
    /** Reserved. */
    uint32_t pad2;
    /** The command's struct (C: a union padded to 64 bytes). */
    uint64_t u[8];
};
typedef struct xen_hvm_altp2m_op xen_hvm_altp2m_op_t;
XEN_RS_CHECK(xen_hvm_altp2m_op_size, sizeof(struct xen_hvm_altp2m_op) == 80);
XEN_RS_CHECK(xen_hvm_altp2m_op__version, offsetof(struct xen_hvm_altp2m_op, version) == 0);
XEN_RS_CHECK(xen_hvm_altp2m_op__cmd, offsetof(struct xen_hvm_altp2m_op, cmd) == 4);
XEN_RS_CHECK(xen_hvm_altp2m_op__domain, offsetof(struct xen_hvm_altp2m_op, domain) == 8);
XEN_RS_CHECK(xen_hvm_altp2m_op__pad1, offsetof(struct xen_hvm_altp2m_op, pad1) == 10);
XEN_RS_CHECK(xen_hvm_altp2m_op__pad2, offsetof(struct xen_hvm_altp2m_op, pad2) == 12);
XEN_RS_CHECK(xen_hvm_altp2m_op__u, offsetof(struct xen_hvm_altp2m_op, u) == 16);

#endif /* XEN_RS_HVM_HVM_OP_H */
