/* xen-rs/arch-x86/xen-mca.h: Xen's public/arch-x86/xen-mca.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ARCH_X86_XEN_MCA_H
#define XEN_RS_ARCH_X86_XEN_MCA_H

#include "../abi-types.h"

/** The machine-check hypercall (`__HYPERVISOR_arch_0`). */
#define __HYPERVISOR_mca 48
/** The interface version a `xen_mc` must carry. */
#define XEN_MCA_INTERFACE_VERSION 0x1ecc003
/** fetch flag: the non-urgent queue. */
#define XEN_MC_NONURGENT 0x1
/** fetch flag: the urgent queue. */
#define XEN_MC_URGENT 0x2
/** fetch flag: acknowledge an earlier fetch. */
#define XEN_MC_ACK 0x4
/** fetch result: success. */
#define XEN_MC_OK 0x0
/** fetch result: copying the record failed. */
#define XEN_MC_FETCHFAILED 0x1
/** fetch result: nothing logged. */
#define XEN_MC_NODATA 0x2
/** The global VIRQ that announces machine-check telemetry to dom0. */
#define VIRQ_MCA 16
/** Command: fetch a telemetry record. */
#define XEN_MC_fetch 1
/** Command: notify a domU of an error. */
#define XEN_MC_notifydomain 2
/** Command: the physical CPUs' identities. */
#define XEN_MC_physcpuinfo 3
/** Command: inject machine-check MSR values. */
#define XEN_MC_msrinject 4
/** Command: raise a #MC on a CPU. */
#define XEN_MC_mceinject 5
/** Command: inject an MCE, CMCI or LMCE on a set of CPUs. */
#define XEN_MC_inject_v2 6

/** XEN_MC_physcpuinfo's member of `xen_mc.u`. */
struct xen_mc_physcpuinfo {
    /** In: the entries `info` has room for; out: the CPUs (or the entries filled). */
    uint32_t ncpus;
    /** Padding. */
    uint32_t _pad0;
    /** Out: an array of `mcinfo_logical_cpu`, or null to ask for the count. */
    XEN_RS_GUEST_HANDLE(xen_mc_logical_cpu_t) info;
};
typedef struct xen_mc_physcpuinfo xen_mc_physcpuinfo_t;
XEN_RS_CHECK(xen_mc_physcpuinfo_size, sizeof(struct xen_mc_physcpuinfo) == 16);
XEN_RS_CHECK(xen_mc_physcpuinfo__ncpus, offsetof(struct xen_mc_physcpuinfo, ncpus) == 0);
XEN_RS_CHECK(xen_mc_physcpuinfo___pad0, offsetof(struct xen_mc_physcpuinfo, _pad0) == 4);
XEN_RS_CHECK(xen_mc_physcpuinfo__info, offsetof(struct xen_mc_physcpuinfo, info) == 8);

/** The `__HYPERVISOR_mca` argument. */
struct xen_mc {
    /** XEN_MC_*. */
    uint32_t cmd;
    /** XEN_MCA_INTERFACE_VERSION. */
    uint32_t interface_version;
    /** The command's member (C: a union; its largest, `mc_msrinject`, is 144 bytes). */
    uint64_t u[18];
};
typedef struct xen_mc xen_mc_t;
XEN_RS_CHECK(xen_mc_size, sizeof(struct xen_mc) == 152);
XEN_RS_CHECK(xen_mc__cmd, offsetof(struct xen_mc, cmd) == 0);
XEN_RS_CHECK(xen_mc__interface_version, offsetof(struct xen_mc, interface_version) == 4);
XEN_RS_CHECK(xen_mc__u, offsetof(struct xen_mc, u) == 8);

#endif /* XEN_RS_ARCH_X86_XEN_MCA_H */
