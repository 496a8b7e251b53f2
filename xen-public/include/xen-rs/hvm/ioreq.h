/* xen-rs/hvm/ioreq.h: Xen's public/hvm/ioreq.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_IOREQ_H
#define XEN_RS_HVM_IOREQ_H

#include "../abi-types.h"

/** ioreq.dir: read. */
#define IOREQ_READ 1
/** ioreq.dir: write. */
#define IOREQ_WRITE 0
/** ioreq.state: slot free. */
#define STATE_IOREQ_NONE 0
/** ioreq.state: request posted for the device model. */
#define STATE_IOREQ_READY 1
/** ioreq.state: the device model is handling it. */
#define STATE_IOREQ_INPROCESS 2
/** ioreq.state: response ready for Xen. */
#define STATE_IORESP_READY 3
/** ioreq.type: port I/O. */
#define IOREQ_TYPE_PIO 0
/** ioreq.type: MMIO. */
#define IOREQ_TYPE_COPY 1
/** ioreq.type: PCI config space access. */
#define IOREQ_TYPE_PCI_CONFIG 2
/** ioreq.type: the guest's RTC offset changed. */
#define IOREQ_TYPE_TIMEOFFSET 7
/** ioreq.type: invalidate the device model's map cache. */
#define IOREQ_TYPE_INVALIDATE 8
/** Slots in the buffered ioreq page. */
#define IOREQ_BUFFER_SLOT_NUM 511
/** ACPI PM1a event block, legacy location. */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V0 0x1f40
/** ACPI PM1a control block, legacy location. */
#define ACPI_PM1A_CNT_BLK_ADDRESS_V0 0x1f44
/** ACPI PM timer block, legacy location. */
#define ACPI_PM_TMR_BLK_ADDRESS_V0 0x1f48
/** ACPI GPE0 block, legacy location. */
#define ACPI_GPE0_BLK_ADDRESS_V0 0x1f68
/** ACPI GPE0 block length, legacy location. */
#define ACPI_GPE0_BLK_LEN_V0 0x8
/** ACPI PM1a event block, new location. */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V1 0xb000
/** ACPI PM1a control block, new location. */
#define ACPI_PM1A_CNT_BLK_ADDRESS_V1 0xb004
/** ACPI PM timer block, new location. */
#define ACPI_PM_TMR_BLK_ADDRESS_V1 0xb008
/** ACPI GPE0 block, new location. */
#define ACPI_GPE0_BLK_ADDRESS_V1 0xafe0
/** ACPI GPE0 block length, new location. */
#define ACPI_GPE0_BLK_LEN_V1 0x4

/** One synchronous I/O request (one per vCPU in the ioreq page). */
struct ioreq {
    /** Physical address or port. */
    uint64_t addr;
    /** Data, or the guest-physical address of the data if data_is_ptr. */
    uint64_t data;
    /** Repeat count (rep prefixes). */
    uint32_t count;
    /** Access size in bytes. */
    uint32_t size;
    /** Event channel for notifications. */
    uint32_t vp_eport;
    /** Reserved. */
    uint16_t _pad0;
    /** C bit-fields: state:4, data_is_ptr:1, dir:1, df:1, _pad1:1 (see the accessors). */
    uint8_t state_bits;
    /** IOREQ_TYPE_*. */
    uint8_t type;
};
typedef struct ioreq ioreq_t;
XEN_RS_CHECK(ioreq_size, sizeof(struct ioreq) == 32);
XEN_RS_CHECK(ioreq__addr, offsetof(struct ioreq, addr) == 0);
XEN_RS_CHECK(ioreq__data, offsetof(struct ioreq, data) == 8);
XEN_RS_CHECK(ioreq__count, offsetof(struct ioreq, count) == 16);
XEN_RS_CHECK(ioreq__size, offsetof(struct ioreq, size) == 20);
XEN_RS_CHECK(ioreq__vp_eport, offsetof(struct ioreq, vp_eport) == 24);
XEN_RS_CHECK(ioreq___pad0, offsetof(struct ioreq, _pad0) == 28);
XEN_RS_CHECK(ioreq__state_bits, offsetof(struct ioreq, state_bits) == 30);
XEN_RS_CHECK(ioreq__type, offsetof(struct ioreq, type) == 31);

/** The synchronous ioreq page: one ioreq per vCPU (C declares one element). */
struct shared_iopage {
    /** Requests indexed by vCPU id. */
    struct ioreq vcpu_ioreq[1];
};
typedef struct shared_iopage shared_iopage_t;
XEN_RS_CHECK(shared_iopage_size, sizeof(struct shared_iopage) == 32);
XEN_RS_CHECK(shared_iopage__vcpu_ioreq, offsetof(struct shared_iopage, vcpu_ioreq) == 0);

/** One buffered I/O request (writes only). */
struct buf_ioreq {
    /** IOREQ_TYPE_*. */
    uint8_t type;
    /** C bit-fields: pad:1, dir:1, size:2 in byte 1, addr:20 in bits 12-31 of the first word. */
    uint8_t bits[3];
    /** Data. */
    uint32_t data;
};
typedef struct buf_ioreq buf_ioreq_t;
XEN_RS_CHECK(buf_ioreq_size, sizeof(struct buf_ioreq) == 8);
XEN_RS_CHECK(buf_ioreq__type, offsetof(struct buf_ioreq, type) == 0);
XEN_RS_CHECK(buf_ioreq__bits, offsetof(struct buf_ioreq, bits) == 1);
XEN_RS_CHECK(buf_ioreq__data, offsetof(struct buf_ioreq, data) == 4);

/** The buffered ioreq page: a ring of buf_ioreq. */
struct buffered_iopage {
    /** Consumer index. */
    uint32_t read_pointer;
    /** Producer index. */
    uint32_t write_pointer;
    /** The ring. */
    struct buf_ioreq buf_ioreq[511];
};
typedef struct buffered_iopage buffered_iopage_t;
XEN_RS_CHECK(buffered_iopage_size, sizeof(struct buffered_iopage) == 4096);
XEN_RS_CHECK(buffered_iopage__read_pointer, offsetof(struct buffered_iopage, read_pointer) == 0);
XEN_RS_CHECK(buffered_iopage__write_pointer, offsetof(struct buffered_iopage, write_pointer) == 4);
XEN_RS_CHECK(buffered_iopage__buf_ioreq, offsetof(struct buffered_iopage, buf_ioreq) == 8);

#endif /* XEN_RS_HVM_IOREQ_H */
