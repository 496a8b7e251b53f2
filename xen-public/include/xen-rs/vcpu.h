/* xen-rs/vcpu.h: Xen's public/vcpu.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_VCPU_H
#define XEN_RS_VCPU_H

#include "abi-types.h"
#include "xen.h"

/** Set a vCPU's initial state before it first runs. */
#define VCPUOP_initialise 0
/** Bring a vCPU up. */
#define VCPUOP_up 1
/** Take a vCPU down. */
#define VCPUOP_down 2
/** Whether a vCPU is up. */
#define VCPUOP_is_up 3
/** Read a vCPU's runstate. */
#define VCPUOP_get_runstate_info 4
/** Runstate: running. */
#define RUNSTATE_running 0
/** Runstate: runnable, waiting for a CPU. */
#define RUNSTATE_runnable 1
/** Runstate: blocked. */
#define RUNSTATE_blocked 2
/** Runstate: offline. */
#define RUNSTATE_offline 3
/** state_entry_time bit set while Xen updates the runstate area. */
#define XEN_RUNSTATE_UPDATE 0x8000000000000000ULL
/** Register an area Xen keeps the runstate in. */
#define VCPUOP_register_runstate_memory_area 5
/** Start a periodic timer. */
#define VCPUOP_set_periodic_timer 6
/** Stop the periodic timer. */
#define VCPUOP_stop_periodic_timer 7
/** Set a one-shot timer. */
#define VCPUOP_set_singleshot_timer 8
/** Stop the one-shot timer. */
#define VCPUOP_stop_singleshot_timer 9
/** Bit number of `VCPU_SSHOTTMR_future`. */
#define _VCPU_SSHOTTMR_future 0
/** Fail with -ETIME if the timeout is in the past. */
#define VCPU_SSHOTTMR_future 0x1
/** Move a vCPU's vcpu_info to a guest page. */
#define VCPUOP_register_vcpu_info 10
/** Send an NMI to a vCPU. */
#define VCPUOP_send_nmi 11
/** Physical CPU id of a vCPU (dom0). */
#define VCPUOP_get_physid 12
/** Register an area Xen keeps a copy of vcpu_time_info in. */
#define VCPUOP_register_vcpu_time_memory_area 13

/** VCPUOP_get_runstate_info. */
struct vcpu_runstate_info {
    /** RUNSTATE_*. */
    int32_t state;
    /** Padding before `state_entry_time` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** System time of the last state change. */
    uint64_t state_entry_time;
    /** Time spent in each state. */
    uint64_t time[4];
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
XEN_RS_CHECK(vcpu_runstate_info_size, sizeof(struct vcpu_runstate_info) == 48);
XEN_RS_CHECK(vcpu_runstate_info__state, offsetof(struct vcpu_runstate_info, state) == 0);
XEN_RS_CHECK(vcpu_runstate_info___pad0, offsetof(struct vcpu_runstate_info, _pad0) == 4);
XEN_RS_CHECK(vcpu_runstate_info__state_entry_time, offsetof(struct vcpu_runstate_info, state_entry_time) == 8);
XEN_RS_CHECK(vcpu_runstate_info__time, offsetof(struct vcpu_runstate_info, time) == 16);

/** VCPUOP_register_runstate_memory_area. */
struct vcpu_register_runstate_memory_area {
    /** Guest address of the area (C: a union of handle, pointer and u64). */
    XEN_RS_GUEST_HANDLE(struct vcpu_runstate_info) addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
XEN_RS_CHECK(vcpu_register_runstate_memory_area_size, sizeof(struct vcpu_register_runstate_memory_area) == 8);
XEN_RS_CHECK(vcpu_register_runstate_memory_area__addr, offsetof(struct vcpu_register_runstate_memory_area, addr) == 0);

/** VCPUOP_set_periodic_timer. */
struct vcpu_set_periodic_timer {
    /** Period in ns. */
    uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
XEN_RS_CHECK(vcpu_set_periodic_timer_size, sizeof(struct vcpu_set_periodic_timer) == 8);
XEN_RS_CHECK(vcpu_set_periodic_timer__period_ns, offsetof(struct vcpu_set_periodic_timer, period_ns) == 0);

/** VCPUOP_set_singleshot_timer. */
struct vcpu_set_singleshot_timer {
    /** Absolute system time of the timeout in ns. */
    uint64_t timeout_abs_ns;
    /** VCPU_SSHOTTMR_* flags. */
    uint32_t flags;
    /** Padding after `flags` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
XEN_RS_CHECK(vcpu_set_singleshot_timer_size, sizeof(struct vcpu_set_singleshot_timer) == 16);
XEN_RS_CHECK(vcpu_set_singleshot_timer__timeout_abs_ns, offsetof(struct vcpu_set_singleshot_timer, timeout_abs_ns) == 0);
XEN_RS_CHECK(vcpu_set_singleshot_timer__flags, offsetof(struct vcpu_set_singleshot_timer, flags) == 8);
XEN_RS_CHECK(vcpu_set_singleshot_timer___pad0, offsetof(struct vcpu_set_singleshot_timer, _pad0) == 12);

/** VCPUOP_register_vcpu_info. */
struct vcpu_register_vcpu_info {
    /** Guest frame to place vcpu_info in. */
    uint64_t mfn;
    /** Offset in that frame. */
    uint32_t offset;
    /** Unused. */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
XEN_RS_CHECK(vcpu_register_vcpu_info_size, sizeof(struct vcpu_register_vcpu_info) == 16);
XEN_RS_CHECK(vcpu_register_vcpu_info__mfn, offsetof(struct vcpu_register_vcpu_info, mfn) == 0);
XEN_RS_CHECK(vcpu_register_vcpu_info__offset, offsetof(struct vcpu_register_vcpu_info, offset) == 8);
XEN_RS_CHECK(vcpu_register_vcpu_info__rsvd, offsetof(struct vcpu_register_vcpu_info, rsvd) == 12);

/** VCPUOP_get_physid. */
struct vcpu_get_physid {
    /** APIC id (low 32 bits) and ACPI id (high 32 bits). */
    uint64_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
XEN_RS_CHECK(vcpu_get_physid_size, sizeof(struct vcpu_get_physid) == 8);
XEN_RS_CHECK(vcpu_get_physid__phys_id, offsetof(struct vcpu_get_physid, phys_id) == 0);

/** VCPUOP_register_vcpu_time_memory_area. */
struct vcpu_register_time_memory_area {
    /** Guest address of the area (C: a union of handle, pointer and u64). */
    XEN_RS_GUEST_HANDLE(struct vcpu_time_info) addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
XEN_RS_CHECK(vcpu_register_time_memory_area_size, sizeof(struct vcpu_register_time_memory_area) == 8);
XEN_RS_CHECK(vcpu_register_time_memory_area__addr, offsetof(struct vcpu_register_time_memory_area, addr) == 0);

#endif /* XEN_RS_VCPU_H */
