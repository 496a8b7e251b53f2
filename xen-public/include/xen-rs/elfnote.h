/* xen-rs/elfnote.h: Xen's public/elfnote.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ELFNOTE_H
#define XEN_RS_ELFNOTE_H

#include "abi-types.h"

/** Padding note, ignored. */
#define XEN_ELFNOTE_INFO 0
/** PV entry point (virtual). */
#define XEN_ELFNOTE_ENTRY 1
/** Virtual address of the hypercall page. */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
/** Virtual base of the kernel. */
#define XEN_ELFNOTE_VIRT_BASE 3
/** Virtual minus physical address offset. */
#define XEN_ELFNOTE_PADDR_OFFSET 4
/** Xen version the kernel expects ("xen-3.0"). */
#define XEN_ELFNOTE_XEN_VERSION 5
/** Guest OS name. */
#define XEN_ELFNOTE_GUEST_OS 6
/** Guest OS version. */
#define XEN_ELFNOTE_GUEST_VERSION 7
/** Loader type ("generic"). */
#define XEN_ELFNOTE_LOADER 8
/** PAE support ("yes", "no", "bimodal"). */
#define XEN_ELFNOTE_PAE_MODE 9
/** Features the kernel wants, as a string. */
#define XEN_ELFNOTE_FEATURES 10
/** Load the symbol table ("yes"). */
#define XEN_ELFNOTE_BSD_SYMTAB 11
/** Lowest hypervisor virtual address the kernel tolerates. */
#define XEN_ELFNOTE_HV_START_LOW 12
/** Mask and value identifying valid L1 entries. */
#define XEN_ELFNOTE_L1_MFN_VALID 13
/** The kernel supports suspend cancellation. */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14
/** Virtual address for the initial p2m table. */
#define XEN_ELFNOTE_INIT_P2M 15
/** The kernel accepts mod_start as a pfn. */
#define XEN_ELFNOTE_MOD_START_PFN 16
/** Features the kernel supports, as a bitmap. */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17
/** PVH 32-bit physical entry point. */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
/** Highest note type defined. */
#define XEN_ELFNOTE_MAX 18
/** Crash dump note: crash information. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
/** Crash dump note: registers. */
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
/** Core dump note: empty. */
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
/** Core dump note: header. */
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
/** Core dump note: Xen version. */
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
/** Core dump note: format version. */
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif /* XEN_RS_ELFNOTE_H */
