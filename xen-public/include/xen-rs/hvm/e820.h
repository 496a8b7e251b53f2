/* xen-rs/hvm/e820.h: Xen's public/hvm/e820.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_E820_H
#define XEN_RS_HVM_E820_H

#include "../abi-types.h"

/** Guest-physical page holding the e820 table of an HVM guest (hvmloader). */
#define HVM_E820_PAGE 0x90000
/** Offset of the entry count in that page. */
#define HVM_E820_NR_OFFSET 0x1e8
/** Offset of the entries in that page. */
#define HVM_E820_OFFSET 0x2d0
/** End of RAM below 4 GiB. */
#define HVM_BELOW_4G_RAM_END 0xf0000000U
/** Start of the MMIO hole below 4 GiB. */
#define HVM_BELOW_4G_MMIO_START 4026531840U
/** Length of the MMIO hole below 4 GiB. */
#define HVM_BELOW_4G_MMIO_LENGTH 0x10000000

#endif /* XEN_RS_HVM_E820_H */
