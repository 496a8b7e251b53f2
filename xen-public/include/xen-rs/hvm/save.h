/* xen-rs/hvm/save.h: Xen's public/hvm/save.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_SAVE_H
#define XEN_RS_HVM_SAVE_H

#include "../abi-types.h"

/** xen-rs extension: Typecode of the END record, which closes an image (`HVM_SAVE_CODE(END)`, zero length). */
#define HVM_SAVE_CODE_END 0

/** The descriptor in front of every record of a save image. */
struct hvm_save_descriptor {
    /** Record type (`HVM_SAVE_CODE(x)`). */
    uint16_t typecode;
    /** Instance: the vCPU for per-vCPU records, else 0. */
    uint16_t instance;
    /** Length of the record in bytes, not counting this descriptor. */
    uint32_t length;
};
typedef struct hvm_save_descriptor hvm_save_descriptor_t;
XEN_RS_CHECK(hvm_save_descriptor_size, sizeof(struct hvm_save_descriptor) == 8);
XEN_RS_CHECK(hvm_save_descriptor__typecode, offsetof(struct hvm_save_descriptor, typecode) == 0);
XEN_RS_CHECK(hvm_save_descriptor__instance, offsetof(struct hvm_save_descriptor, instance) == 2);
XEN_RS_CHECK(hvm_save_descriptor__length, offsetof(struct hvm_save_descriptor, length) == 4);

#endif /* XEN_RS_HVM_SAVE_H */
