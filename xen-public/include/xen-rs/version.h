/* xen-rs/version.h: Xen's public/version.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_VERSION_H
#define XEN_RS_VERSION_H

#include "abi-types.h"
#include "arch-x86/xen.h"

/** Result of XENVER_extraversion. */
typedef uint8_t xen_extraversion_t[16];
/** Result of XENVER_capabilities. */
typedef uint8_t xen_capabilities_info_t[1024];
/** Result of XENVER_changeset. */
typedef uint8_t xen_changeset_info_t[64];
/** Result of XENVER_commandline. */
typedef uint8_t xen_commandline_t[1024];

/** Version as major << 16 | minor (the return value). */
#define XENVER_version 0
/** Extra version string. */
#define XENVER_extraversion 1
/** Length of the extra version string. */
#define XEN_EXTRAVERSION_LEN 16
/** Build information. */
#define XENVER_compile_info 2
/** Capability string ("hvm-3.0-x86_64 ..."). */
#define XENVER_capabilities 3
/** Length of the capability string. */
#define XEN_CAPABILITIES_INFO_LEN 1024
/** Source changeset. */
#define XENVER_changeset 4
/** Length of the changeset string. */
#define XEN_CHANGESET_INFO_LEN 64
/** Start of the hypervisor's virtual range. */
#define XENVER_platform_parameters 5
/** One 32-bit submap of XENFEAT_* flags. */
#define XENVER_get_features 6
/** Page size. */
#define XENVER_pagesize 7
/** Guest handle (UUID) of the caller. */
#define XENVER_guest_handle 8
/** Hypervisor command line. */
#define XENVER_commandline 9
/** Build id. */
#define XENVER_build_id 10

/** Result of XENVER_compile_info. */
struct xen_compile_info {
    /** Compiler. */
    char compiler[64];
    /** User who built Xen. */
    char compile_by[16];
    /** Domain of that user. */
    char compile_domain[32];
    /** Build date. */
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
XEN_RS_CHECK(xen_compile_info_size, sizeof(struct xen_compile_info) == 144);
XEN_RS_CHECK(xen_compile_info__compiler, offsetof(struct xen_compile_info, compiler) == 0);
XEN_RS_CHECK(xen_compile_info__compile_by, offsetof(struct xen_compile_info, compile_by) == 64);
XEN_RS_CHECK(xen_compile_info__compile_domain, offsetof(struct xen_compile_info, compile_domain) == 80);
XEN_RS_CHECK(xen_compile_info__compile_date, offsetof(struct xen_compile_info, compile_date) == 112);

/** Result of XENVER_platform_parameters. */
struct xen_platform_parameters {
    /** Start of the hypervisor's virtual range. */
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
XEN_RS_CHECK(xen_platform_parameters_size, sizeof(struct xen_platform_parameters) == 8);
XEN_RS_CHECK(xen_platform_parameters__virt_start, offsetof(struct xen_platform_parameters, virt_start) == 0);

/** Argument of XENVER_get_features. */
struct xen_feature_info {
    /** Which submap. */
    uint32_t submap_idx;
    /** Out: the submap. */
    uint32_t submap;
};
typedef struct xen_feature_info xen_feature_info_t;
XEN_RS_CHECK(xen_feature_info_size, sizeof(struct xen_feature_info) == 8);
XEN_RS_CHECK(xen_feature_info__submap_idx, offsetof(struct xen_feature_info, submap_idx) == 0);
XEN_RS_CHECK(xen_feature_info__submap, offsetof(struct xen_feature_info, submap) == 4);

/** Header of XENVER_build_id (the id bytes follow). */
struct xen_build_id {
    /** In: buffer size; out: id length. */
    uint32_t len;
};
typedef struct xen_build_id xen_build_id_t;
XEN_RS_CHECK(xen_build_id_size, sizeof(struct xen_build_id) == 4);
XEN_RS_CHECK(xen_build_id__len, offsetof(struct xen_build_id, len) == 0);

#endif /* XEN_RS_VERSION_H */
