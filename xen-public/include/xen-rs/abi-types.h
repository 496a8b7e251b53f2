/* xen-rs/abi-types.h: types shared by the xen-rs headers. */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ABI_TYPES_H
#define XEN_RS_ABI_TYPES_H

#include <stddef.h>
#include <stdint.h>

/** A guest handle: the guest virtual address of a `type` (Xen: XEN_GUEST_HANDLE). */
#define XEN_RS_GUEST_HANDLE(type) uint64_t

/** Compile-time check of a layout fact. */
#define XEN_RS_CHECK(name, cond) typedef char xen_rs_check_##name[(cond) ? 1 : -1]

#endif /* XEN_RS_ABI_TYPES_H */
