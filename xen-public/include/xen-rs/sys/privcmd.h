/* xen-rs/sys/privcmd.h: Xen's public/sys/privcmd.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_SYS_PRIVCMD_H
#define XEN_RS_SYS_PRIVCMD_H

#include "../abi-types.h"
#include "../xen.h"

/** Issue a hypercall (privcmd_hypercall); returns its result. */
#define IOCTL_PRIVCMD_HYPERCALL 0x305000
/** Map foreign frames (privcmd_mmap). */
#define IOCTL_PRIVCMD_MMAP 0x105002
/** Map a batch of foreign frames, errors in the frame array (privcmd_mmapbatch). */
#define IOCTL_PRIVCMD_MMAPBATCH 0x185003
/** Map a batch of foreign frames with an error array (privcmd_mmapbatch_v2). */
#define IOCTL_PRIVCMD_MMAPBATCH_V2 0x205004
/** Issue a dm_op with buffers checked by the kernel (privcmd_dm_op). */
#define IOCTL_PRIVCMD_DM_OP 0x105005
/** Restrict the file descriptor to one target domain. */
#define IOCTL_PRIVCMD_RESTRICT 0x25006
/** Map frames of a domain's resource (privcmd_mmap_resource). */
#define IOCTL_PRIVCMD_MMAP_RESOURCE 0x205007
/** An ioctl number no kernel implements, to probe the driver. */
#define IOCTL_PRIVCMD_UNIMPLEMENTED 0x50ff
/** mmapbatch: the frame could not be mapped. */
#define PRIVCMD_MMAPBATCH_MFN_ERROR 0xf0000000U
/** mmapbatch: the frame is paged out. */
#define PRIVCMD_MMAPBATCH_PAGED_ERROR 0x80000000U

/** IOCTL_PRIVCMD_HYPERCALL. */
struct privcmd_hypercall {
    /** Hypercall number. */
    uint64_t op;
    /** Arguments. */
    uint64_t arg[5];
};
typedef struct privcmd_hypercall privcmd_hypercall_t;
XEN_RS_CHECK(privcmd_hypercall_size, sizeof(struct privcmd_hypercall) == 48);
XEN_RS_CHECK(privcmd_hypercall__op, offsetof(struct privcmd_hypercall, op) == 0);
XEN_RS_CHECK(privcmd_hypercall__arg, offsetof(struct privcmd_hypercall, arg) == 8);

/** One range of IOCTL_PRIVCMD_MMAP. */
struct privcmd_mmap_entry {
    /** Virtual address. */
    uint64_t va;
    /** First frame. */
    uint64_t mfn;
    /** Number of pages. */
    uint64_t npages;
};
typedef struct privcmd_mmap_entry privcmd_mmap_entry_t;
XEN_RS_CHECK(privcmd_mmap_entry_size, sizeof(struct privcmd_mmap_entry) == 24);
XEN_RS_CHECK(privcmd_mmap_entry__va, offsetof(struct privcmd_mmap_entry, va) == 0);
XEN_RS_CHECK(privcmd_mmap_entry__mfn, offsetof(struct privcmd_mmap_entry, mfn) == 8);
XEN_RS_CHECK(privcmd_mmap_entry__npages, offsetof(struct privcmd_mmap_entry, npages) == 16);

/** IOCTL_PRIVCMD_MMAP. */
struct privcmd_mmap {
    /** Number of entries. */
    int32_t num;
    /** Target domain. */
    domid_t dom;
    /** Padding before `entry` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** User pointer to the privcmd_mmap_entry array. */
    uint64_t entry;
};
typedef struct privcmd_mmap privcmd_mmap_t;
XEN_RS_CHECK(privcmd_mmap_size, sizeof(struct privcmd_mmap) == 16);
XEN_RS_CHECK(privcmd_mmap__num, offsetof(struct privcmd_mmap, num) == 0);
XEN_RS_CHECK(privcmd_mmap__dom, offsetof(struct privcmd_mmap, dom) == 4);
XEN_RS_CHECK(privcmd_mmap___pad0, offsetof(struct privcmd_mmap, _pad0) == 6);
XEN_RS_CHECK(privcmd_mmap__entry, offsetof(struct privcmd_mmap, entry) == 8);

/** IOCTL_PRIVCMD_MMAPBATCH. */
struct privcmd_mmapbatch {
    /** Number of pages. */
    int32_t num;
    /** Target domain. */
    domid_t dom;
    /** Padding before `addr` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Virtual address to map at. */
    uint64_t addr;
    /** User pointer to the frames (top nibble set on error). */
    uint64_t arr;
};
typedef struct privcmd_mmapbatch privcmd_mmapbatch_t;
XEN_RS_CHECK(privcmd_mmapbatch_size, sizeof(struct privcmd_mmapbatch) == 24);
XEN_RS_CHECK(privcmd_mmapbatch__num, offsetof(struct privcmd_mmapbatch, num) == 0);
XEN_RS_CHECK(privcmd_mmapbatch__dom, offsetof(struct privcmd_mmapbatch, dom) == 4);
XEN_RS_CHECK(privcmd_mmapbatch___pad0, offsetof(struct privcmd_mmapbatch, _pad0) == 6);
XEN_RS_CHECK(privcmd_mmapbatch__addr, offsetof(struct privcmd_mmapbatch, addr) == 8);
XEN_RS_CHECK(privcmd_mmapbatch__arr, offsetof(struct privcmd_mmapbatch, arr) == 16);

/** IOCTL_PRIVCMD_MMAPBATCH_V2. */
struct privcmd_mmapbatch_v2 {
    /** Number of pages. */
    uint32_t num;
    /** Target domain. */
    domid_t dom;
    /** Padding before `addr` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Virtual address to map at. */
    uint64_t addr;
    /** User pointer to the frames. */
    uint64_t arr;
    /** User pointer to the per-page error codes. */
    uint64_t err;
};
typedef struct privcmd_mmapbatch_v2 privcmd_mmapbatch_v2_t;
XEN_RS_CHECK(privcmd_mmapbatch_v2_size, sizeof(struct privcmd_mmapbatch_v2) == 32);
XEN_RS_CHECK(privcmd_mmapbatch_v2__num, offsetof(struct privcmd_mmapbatch_v2, num) == 0);
XEN_RS_CHECK(privcmd_mmapbatch_v2__dom, offsetof(struct privcmd_mmapbatch_v2, dom) == 4);
XEN_RS_CHECK(privcmd_mmapbatch_v2___pad0, offsetof(struct privcmd_mmapbatch_v2, _pad0) == 6);
XEN_RS_CHECK(privcmd_mmapbatch_v2__addr, offsetof(struct privcmd_mmapbatch_v2, addr) == 8);
XEN_RS_CHECK(privcmd_mmapbatch_v2__arr, offsetof(struct privcmd_mmapbatch_v2, arr) == 16);
XEN_RS_CHECK(privcmd_mmapbatch_v2__err, offsetof(struct privcmd_mmapbatch_v2, err) == 24);

/** One buffer of IOCTL_PRIVCMD_DM_OP. */
struct privcmd_dm_op_buf {
    /** User pointer to the buffer. */
    uint64_t uptr;
    /** Its size. */
    uint64_t size;
};
typedef struct privcmd_dm_op_buf privcmd_dm_op_buf_t;
XEN_RS_CHECK(privcmd_dm_op_buf_size, sizeof(struct privcmd_dm_op_buf) == 16);
XEN_RS_CHECK(privcmd_dm_op_buf__uptr, offsetof(struct privcmd_dm_op_buf, uptr) == 0);
XEN_RS_CHECK(privcmd_dm_op_buf__size, offsetof(struct privcmd_dm_op_buf, size) == 8);

/** IOCTL_PRIVCMD_DM_OP. */
struct privcmd_dm_op {
    /** Target domain. */
    domid_t dom;
    /** Number of buffers. */
    uint16_t num;
    /** Padding before `ubufs` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** User pointer to the privcmd_dm_op_buf array. */
    uint64_t ubufs;
};
typedef struct privcmd_dm_op privcmd_dm_op_t;
XEN_RS_CHECK(privcmd_dm_op_size, sizeof(struct privcmd_dm_op) == 16);
XEN_RS_CHECK(privcmd_dm_op__dom, offsetof(struct privcmd_dm_op, dom) == 0);
XEN_RS_CHECK(privcmd_dm_op__num, offsetof(struct privcmd_dm_op, num) == 2);
XEN_RS_CHECK(privcmd_dm_op___pad0, offsetof(struct privcmd_dm_op, _pad0) == 4);
XEN_RS_CHECK(privcmd_dm_op__ubufs, offsetof(struct privcmd_dm_op, ubufs) == 8);

/** IOCTL_PRIVCMD_MMAP_RESOURCE. */
struct privcmd_mmap_resource {
    /** Domain owning the resource. */
    domid_t dom;
    /** Padding before `type` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** XENMEM_resource_* type. */
    uint32_t type;
    /** Type-specific id. */
    uint32_t id;
    /** First frame index. */
    uint32_t idx;
    /** Number of frames. */
    uint64_t num;
    /** Virtual address to map at (0 to query the size). */
    uint64_t addr;
};
typedef struct privcmd_mmap_resource privcmd_mmap_resource_t;
XEN_RS_CHECK(privcmd_mmap_resource_size, sizeof(struct privcmd_mmap_resource) == 32);
XEN_RS_CHECK(privcmd_mmap_resource__dom, offsetof(struct privcmd_mmap_resource, dom) == 0);
XEN_RS_CHECK(privcmd_mmap_resource___pad0, offsetof(struct privcmd_mmap_resource, _pad0) == 2);
XEN_RS_CHECK(privcmd_mmap_resource__type, offsetof(struct privcmd_mmap_resource, type) == 4);
XEN_RS_CHECK(privcmd_mmap_resource__id, offsetof(struct privcmd_mmap_resource, id) == 8);
XEN_RS_CHECK(privcmd_mmap_resource__idx, offsetof(struct privcmd_mmap_resource, idx) == 12);
XEN_RS_CHECK(privcmd_mmap_resource__num, offsetof(struct privcmd_mmap_resource, num) == 16);
XEN_RS_CHECK(privcmd_mmap_resource__addr, offsetof(struct privcmd_mmap_resource, addr) == 24);

#endif /* XEN_RS_SYS_PRIVCMD_H */
