/* xen-rs/features.h: Xen's public/features.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_FEATURES_H
#define XEN_RS_FEATURES_H

#include "abi-types.h"

/** PV guests may write their page tables directly. */
#define XENFEAT_writable_page_tables 0
/** PV guests may write their descriptor tables directly. */
#define XENFEAT_writable_descriptor_tables 1
/** Xen translates guest frame numbers (HVM, PVH and translated PV). */
#define XENFEAT_auto_translated_physmap 2
/** The guest kernel runs in ring 0. */
#define XENFEAT_supervisor_mode_kernel 3
/** PAE page directories may live above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb 4
/** MMU_PT_UPDATE_PRESERVE_AD is supported. */
#define XENFEAT_mmu_pt_update_preserve_ad 5
/** Highmem assists are available (x86-32 PV). */
#define XENFEAT_highmem_assist 6
/** Grant mappings leave the guest-available PTE bits alone. */
#define XENFEAT_gnttab_map_avail_bits 7
/** HVM guests may take event upcalls on a vector. */
#define XENFEAT_hvm_callback_vector 8
/** The HVM pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock 9
/** HVM guests may route physical IRQs to event channels. */
#define XENFEAT_hvm_pirqs 10
/** The domain is the hardware domain. */
#define XENFEAT_dom0 11
/** XENMEMF_vnode is supported. */
#define XENFEAT_memory_op_vnode_supported 13
/** SMCCC is supported (Arm). */
#define XENFEAT_ARM_SMCCC_supported 14
/** The RSDP may be anywhere for Linux (x86 PVH dom0). */
#define XENFEAT_linux_rsdp_unrestricted 15
/** The domain is not direct mapped. */
#define XENFEAT_not_direct_mapped 16
/** The domain is direct mapped (guest physical == machine). */
#define XENFEAT_direct_mapped 17
/** Number of 32-bit feature submaps. */
#define XENFEAT_NR_SUBMAPS 1

#endif /* XEN_RS_FEATURES_H */
