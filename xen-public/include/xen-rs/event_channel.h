/* xen-rs/event_channel.h: Xen's public/event_channel.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_EVENT_CHANNEL_H
#define XEN_RS_EVENT_CHANNEL_H

#include "abi-types.h"
#include "xen.h"

/** An event channel port. */
typedef uint32_t evtchn_port_t;
/** One event word of the FIFO ABI. */
typedef uint32_t event_word_t;

/** Connect to a port another domain allocated. */
#define EVTCHNOP_bind_interdomain 0
/** Bind a VIRQ to a port. */
#define EVTCHNOP_bind_virq 1
/** Bind a physical IRQ to a port. */
#define EVTCHNOP_bind_pirq 2
/** Close a port. */
#define EVTCHNOP_close 3
/** Notify the remote end of a port. */
#define EVTCHNOP_send 4
/** Query a port's status. */
#define EVTCHNOP_status 5
/** Allocate a port for a remote domain to bind. */
#define EVTCHNOP_alloc_unbound 6
/** Allocate an inter-vCPU IPI port. */
#define EVTCHNOP_bind_ipi 7
/** Move a port's notifications to another vCPU. */
#define EVTCHNOP_bind_vcpu 8
/** Unmask a port. */
#define EVTCHNOP_unmask 9
/** Close all ports of a domain. */
#define EVTCHNOP_reset 10
/** Switch to the FIFO ABI with a vCPU's control block. */
#define EVTCHNOP_init_control 11
/** Add a page of FIFO event words. */
#define EVTCHNOP_expand_array 12
/** Set a port's FIFO priority. */
#define EVTCHNOP_set_priority 13
/** bind_pirq flag: the IRQ may be shared. */
#define BIND_PIRQ__WILL_SHARE 1
/** Port status: free. */
#define EVTCHNSTAT_closed 0
/** Port status: waiting for a remote domain to bind. */
#define EVTCHNSTAT_unbound 1
/** Port status: connected to another domain. */
#define EVTCHNSTAT_interdomain 2
/** Port status: bound to a physical IRQ. */
#define EVTCHNSTAT_pirq 3
/** Port status: bound to a VIRQ. */
#define EVTCHNSTAT_virq 4
/** Port status: bound to an IPI. */
#define EVTCHNSTAT_ipi 5
/** Ports of the 2-level ABI on a 64-bit guest. */
#define EVTCHN_2L_NR_CHANNELS 4096
/** Highest FIFO priority. */
#define EVTCHN_FIFO_PRIORITY_MAX 0
/** Default FIFO priority. */
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
/** Lowest FIFO priority. */
#define EVTCHN_FIFO_PRIORITY_MIN 15
/** Number of FIFO queues. */
#define EVTCHN_FIFO_MAX_QUEUES 16
/** Event word bit: pending. */
#define EVTCHN_FIFO_PENDING 31
/** Event word bit: masked. */
#define EVTCHN_FIFO_MASKED 30
/** Event word bit: linked in a queue. */
#define EVTCHN_FIFO_LINKED 29
/** Event word bit: being unlinked. */
#define EVTCHN_FIFO_BUSY 28
/** Width of the link field of an event word. */
#define EVTCHN_FIFO_LINK_BITS 17
/** Mask of the link field. */
#define EVTCHN_FIFO_LINK_MASK 0x1ffff
/** Ports of the FIFO ABI. */
#define EVTCHN_FIFO_NR_CHANNELS 0x20000

/** EVTCHNOP_alloc_unbound. */
struct evtchn_alloc_unbound {
    /** Domain allocating the port. */
    domid_t dom;
    /** Domain allowed to bind it. */
    domid_t remote_dom;
    /** Out: the port. */
    evtchn_port_t port;
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;
XEN_RS_CHECK(evtchn_alloc_unbound_size, sizeof(struct evtchn_alloc_unbound) == 8);
XEN_RS_CHECK(evtchn_alloc_unbound__dom, offsetof(struct evtchn_alloc_unbound, dom) == 0);
XEN_RS_CHECK(evtchn_alloc_unbound__remote_dom, offsetof(struct evtchn_alloc_unbound, remote_dom) == 2);
XEN_RS_CHECK(evtchn_alloc_unbound__port, offsetof(struct evtchn_alloc_unbound, port) == 4);

/** EVTCHNOP_bind_interdomain. */
struct evtchn_bind_interdomain {
    /** Remote domain. */
    domid_t remote_dom;
    /** Padding before `remote_port` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Remote port. */
    evtchn_port_t remote_port;
    /** Out: local port. */
    evtchn_port_t local_port;
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;
XEN_RS_CHECK(evtchn_bind_interdomain_size, sizeof(struct evtchn_bind_interdomain) == 12);
XEN_RS_CHECK(evtchn_bind_interdomain__remote_dom, offsetof(struct evtchn_bind_interdomain, remote_dom) == 0);
XEN_RS_CHECK(evtchn_bind_interdomain___pad0, offsetof(struct evtchn_bind_interdomain, _pad0) == 2);
XEN_RS_CHECK(evtchn_bind_interdomain__remote_port, offsetof(struct evtchn_bind_interdomain, remote_port) == 4);
XEN_RS_CHECK(evtchn_bind_interdomain__local_port, offsetof(struct evtchn_bind_interdomain, local_port) == 8);

/** EVTCHNOP_bind_virq. */
struct evtchn_bind_virq {
    /** VIRQ_*. */
    uint32_t virq;
    /** vCPU to notify. */
    uint32_t vcpu;
    /** Out: the port. */
    evtchn_port_t port;
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;
XEN_RS_CHECK(evtchn_bind_virq_size, sizeof(struct evtchn_bind_virq) == 12);
XEN_RS_CHECK(evtchn_bind_virq__virq, offsetof(struct evtchn_bind_virq, virq) == 0);
XEN_RS_CHECK(evtchn_bind_virq__vcpu, offsetof(struct evtchn_bind_virq, vcpu) == 4);
XEN_RS_CHECK(evtchn_bind_virq__port, offsetof(struct evtchn_bind_virq, port) == 8);

/** EVTCHNOP_bind_pirq. */
struct evtchn_bind_pirq {
    /** Physical IRQ. */
    uint32_t pirq;
    /** BIND_PIRQ__* flags. */
    uint32_t flags;
    /** Out: the port. */
    evtchn_port_t port;
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;
XEN_RS_CHECK(evtchn_bind_pirq_size, sizeof(struct evtchn_bind_pirq) == 12);
XEN_RS_CHECK(evtchn_bind_pirq__pirq, offsetof(struct evtchn_bind_pirq, pirq) == 0);
XEN_RS_CHECK(evtchn_bind_pirq__flags, offsetof(struct evtchn_bind_pirq, flags) == 4);
XEN_RS_CHECK(evtchn_bind_pirq__port, offsetof(struct evtchn_bind_pirq, port) == 8);

/** EVTCHNOP_bind_ipi. */
struct evtchn_bind_ipi {
    /** vCPU to notify. */
    uint32_t vcpu;
    /** Out: the port. */
    evtchn_port_t port;
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;
XEN_RS_CHECK(evtchn_bind_ipi_size, sizeof(struct evtchn_bind_ipi) == 8);
XEN_RS_CHECK(evtchn_bind_ipi__vcpu, offsetof(struct evtchn_bind_ipi, vcpu) == 0);
XEN_RS_CHECK(evtchn_bind_ipi__port, offsetof(struct evtchn_bind_ipi, port) == 4);

/** EVTCHNOP_close. */
struct evtchn_close {
    /** Port to close. */
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;
XEN_RS_CHECK(evtchn_close_size, sizeof(struct evtchn_close) == 4);
XEN_RS_CHECK(evtchn_close__port, offsetof(struct evtchn_close, port) == 0);

/** EVTCHNOP_send. */
struct evtchn_send {
    /** Port to notify through. */
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;
XEN_RS_CHECK(evtchn_send_size, sizeof(struct evtchn_send) == 4);
XEN_RS_CHECK(evtchn_send__port, offsetof(struct evtchn_send, port) == 0);

/** EVTCHNOP_status. */
struct evtchn_status {
    /** Domain owning the port. */
    domid_t dom;
    /** Padding before `port` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** Port queried. */
    evtchn_port_t port;
    /** Out: EVTCHNSTAT_*. */
    uint32_t status;
    /** Out: vCPU notified. */
    uint32_t vcpu;
    /** Out: per-status details (C: a union of unbound/interdomain/pirq/virq). */
    uint32_t u[2];
};
typedef struct evtchn_status evtchn_status_t;
XEN_RS_CHECK(evtchn_status_size, sizeof(struct evtchn_status) == 24);
XEN_RS_CHECK(evtchn_status__dom, offsetof(struct evtchn_status, dom) == 0);
XEN_RS_CHECK(evtchn_status___pad0, offsetof(struct evtchn_status, _pad0) == 2);
XEN_RS_CHECK(evtchn_status__port, offsetof(struct evtchn_status, port) == 4);
XEN_RS_CHECK(evtchn_status__status, offsetof(struct evtchn_status, status) == 8);
XEN_RS_CHECK(evtchn_status__vcpu, offsetof(struct evtchn_status, vcpu) == 12);
XEN_RS_CHECK(evtchn_status__u, offsetof(struct evtchn_status, u) == 16);

/** EVTCHNOP_bind_vcpu. */
struct evtchn_bind_vcpu {
    /** Port. */
    evtchn_port_t port;
    /** vCPU to notify from now on. */
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;
XEN_RS_CHECK(evtchn_bind_vcpu_size, sizeof(struct evtchn_bind_vcpu) == 8);
XEN_RS_CHECK(evtchn_bind_vcpu__port, offsetof(struct evtchn_bind_vcpu, port) == 0);
XEN_RS_CHECK(evtchn_bind_vcpu__vcpu, offsetof(struct evtchn_bind_vcpu, vcpu) == 4);

/** EVTCHNOP_unmask. */
struct evtchn_unmask {
    /** Port to unmask. */
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;
XEN_RS_CHECK(evtchn_unmask_size, sizeof(struct evtchn_unmask) == 4);
XEN_RS_CHECK(evtchn_unmask__port, offsetof(struct evtchn_unmask, port) == 0);

/** EVTCHNOP_reset. */
struct evtchn_reset {
    /** Domain whose ports are closed. */
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;
XEN_RS_CHECK(evtchn_reset_size, sizeof(struct evtchn_reset) == 2);
XEN_RS_CHECK(evtchn_reset__dom, offsetof(struct evtchn_reset, dom) == 0);

/** EVTCHNOP_init_control. */
struct evtchn_init_control {
    /** Guest frame of the control block. */
    uint64_t control_gfn;
    /** Offset of the control block in that frame. */
    uint32_t offset;
    /** vCPU the block belongs to. */
    uint32_t vcpu;
    /** Out: width of the link field. */
    uint8_t link_bits;
    /** Reserved. */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;
XEN_RS_CHECK(evtchn_init_control_size, sizeof(struct evtchn_init_control) == 24);
XEN_RS_CHECK(evtchn_init_control__control_gfn, offsetof(struct evtchn_init_control, control_gfn) == 0);
XEN_RS_CHECK(evtchn_init_control__offset, offsetof(struct evtchn_init_control, offset) == 8);
XEN_RS_CHECK(evtchn_init_control__vcpu, offsetof(struct evtchn_init_control, vcpu) == 12);
XEN_RS_CHECK(evtchn_init_control__link_bits, offsetof(struct evtchn_init_control, link_bits) == 16);
XEN_RS_CHECK(evtchn_init_control___pad, offsetof(struct evtchn_init_control, _pad) == 17);

/** EVTCHNOP_expand_array. */
struct evtchn_expand_array {
    /** Guest frame of the new event-word page. */
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;
XEN_RS_CHECK(evtchn_expand_array_size, sizeof(struct evtchn_expand_array) == 8);
XEN_RS_CHECK(evtchn_expand_array__array_gfn, offsetof(struct evtchn_expand_array, array_gfn) == 0);

/** EVTCHNOP_set_priority. */
struct evtchn_set_priority {
    /** Port. */
    evtchn_port_t port;
    /** EVTCHN_FIFO_PRIORITY_* value. */
    uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;
XEN_RS_CHECK(evtchn_set_priority_size, sizeof(struct evtchn_set_priority) == 8);
XEN_RS_CHECK(evtchn_set_priority__port, offsetof(struct evtchn_set_priority, port) == 0);
XEN_RS_CHECK(evtchn_set_priority__priority, offsetof(struct evtchn_set_priority, priority) == 4);

/** The old single-argument form of event_channel_op. */
struct evtchn_op {
    /** EVTCHNOP_*. */
    uint32_t cmd;
    /** The operation's struct (C: a union). */
    uint32_t u[6];
};
typedef struct evtchn_op evtchn_op_t;
XEN_RS_CHECK(evtchn_op_size, sizeof(struct evtchn_op) == 28);
XEN_RS_CHECK(evtchn_op__cmd, offsetof(struct evtchn_op, cmd) == 0);
XEN_RS_CHECK(evtchn_op__u, offsetof(struct evtchn_op, u) == 4);

/** Per-vCPU control block of the FIFO ABI. */
struct evtchn_fifo_control_block {
    /** Bitmap of non-empty queues. */
    uint32_t ready;
    /** Reserved. */
    uint32_t _rsvd;
    /** Head port of each queue. */
    uint32_t head[16];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;
XEN_RS_CHECK(evtchn_fifo_control_block_size, sizeof(struct evtchn_fifo_control_block) == 72);
XEN_RS_CHECK(evtchn_fifo_control_block__ready, offsetof(struct evtchn_fifo_control_block, ready) == 0);
XEN_RS_CHECK(evtchn_fifo_control_block___rsvd, offsetof(struct evtchn_fifo_control_block, _rsvd) == 4);
XEN_RS_CHECK(evtchn_fifo_control_block__head, offsetof(struct evtchn_fifo_control_block, head) == 8);

#endif /* XEN_RS_EVENT_CHANNEL_H */
