/* xen-rs/sched.h: Xen's public/sched.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_SCHED_H
#define XEN_RS_SCHED_H

#include "abi-types.h"
#include "event_channel.h"
#include "xen.h"

/** Give up the CPU voluntarily. */
#define SCHEDOP_yield 0
/** Block until an event arrives. */
#define SCHEDOP_block 1
/** Shut the caller down (sched_shutdown). */
#define SCHEDOP_shutdown 2
/** Block until one of some ports is pending (sched_poll). */
#define SCHEDOP_poll 3
/** Shut another domain down (sched_remote_shutdown). */
#define SCHEDOP_remote_shutdown 4
/** Record a shutdown code without shutting down. */
#define SCHEDOP_shutdown_code 5
/** Arm or disarm a domain watchdog. */
#define SCHEDOP_watchdog 6
/** Temporarily pin the vCPU to a physical CPU. */
#define SCHEDOP_pin_override 7
/** Shutdown reason: power off. */
#define SHUTDOWN_poweroff 0
/** Shutdown reason: reboot. */
#define SHUTDOWN_reboot 1
/** Shutdown reason: suspend (save state). */
#define SHUTDOWN_suspend 2
/** Shutdown reason: the guest crashed. */
#define SHUTDOWN_crash 3
/** Shutdown reason: the watchdog fired. */
#define SHUTDOWN_watchdog 4
/** Shutdown reason: soft reset. */
#define SHUTDOWN_soft_reset 5
/** Highest shutdown reason. */
#define SHUTDOWN_MAX 5

/** SCHEDOP_shutdown and SCHEDOP_shutdown_code. */
struct sched_shutdown {
    /** SHUTDOWN_* reason. */
    uint32_t reason;
};
typedef struct sched_shutdown sched_shutdown_t;
XEN_RS_CHECK(sched_shutdown_size, sizeof(struct sched_shutdown) == 4);
XEN_RS_CHECK(sched_shutdown__reason, offsetof(struct sched_shutdown, reason) == 0);

/** SCHEDOP_poll. */
struct sched_poll {
    /** Ports to wait on. */
    XEN_RS_GUEST_HANDLE(evtchn_port_t) ports;
    /** Number of ports. */
    uint32_t nr_ports;
    /** Padding before `timeout` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Absolute timeout in ns of system time, 0 for none. */
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
XEN_RS_CHECK(sched_poll_size, sizeof(struct sched_poll) == 24);
XEN_RS_CHECK(sched_poll__ports, offsetof(struct sched_poll, ports) == 0);
XEN_RS_CHECK(sched_poll__nr_ports, offsetof(struct sched_poll, nr_ports) == 8);
XEN_RS_CHECK(sched_poll___pad0, offsetof(struct sched_poll, _pad0) == 12);
XEN_RS_CHECK(sched_poll__timeout, offsetof(struct sched_poll, timeout) == 16);

/** SCHEDOP_remote_shutdown. */
struct sched_remote_shutdown {
    /** Domain to shut down. */
    domid_t domain_id;
    /** Padding before `reason` (implicit padding in Xen's header). */
    uint8_t _pad0[2];
    /** SHUTDOWN_* reason. */
    uint32_t reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
XEN_RS_CHECK(sched_remote_shutdown_size, sizeof(struct sched_remote_shutdown) == 8);
XEN_RS_CHECK(sched_remote_shutdown__domain_id, offsetof(struct sched_remote_shutdown, domain_id) == 0);
XEN_RS_CHECK(sched_remote_shutdown___pad0, offsetof(struct sched_remote_shutdown, _pad0) == 2);
XEN_RS_CHECK(sched_remote_shutdown__reason, offsetof(struct sched_remote_shutdown, reason) == 4);

/** SCHEDOP_watchdog. */
struct sched_watchdog {
    /** Watchdog id, 0 to allocate one. */
    uint32_t id;
    /** Timeout in seconds, 0 to disarm. */
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
XEN_RS_CHECK(sched_watchdog_size, sizeof(struct sched_watchdog) == 8);
XEN_RS_CHECK(sched_watchdog__id, offsetof(struct sched_watchdog, id) == 0);
XEN_RS_CHECK(sched_watchdog__timeout, offsetof(struct sched_watchdog, timeout) == 4);

/** SCHEDOP_pin_override. */
struct sched_pin_override {
    /** Physical CPU, or -1 to end the override. */
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
XEN_RS_CHECK(sched_pin_override_size, sizeof(struct sched_pin_override) == 4);
XEN_RS_CHECK(sched_pin_override__pcpu, offsetof(struct sched_pin_override, pcpu) == 0);

#endif /* XEN_RS_SCHED_H */
