/* xen-rs/arch-x86/cpuid.h: Xen's public/arch-x86/cpuid.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ARCH_X86_CPUID_H
#define XEN_RS_ARCH_X86_CPUID_H

#include "../abi-types.h"

/** First Xen leaf: max leaf in EAX, signature in EBX, ECX, EDX. */
#define XEN_CPUID_FIRST_LEAF 0x40000000
/** Signature EBX: "XenV". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558
/** Signature ECX: "MMXe". */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d
/** Signature EDX: "nVMM". */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e
/** Bit number of `XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD`. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
/** Leaf 2 ECX: MMU_PT_UPDATE_PRESERVE_AD is supported. */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0x1
/** Leaf 4 EAX: APIC register accesses are virtualised. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT 0x1
/** Leaf 4 EAX: x2APIC accesses are virtualised. */
#define XEN_HVM_CPUID_X2APIC_VIRT 0x2
/** Leaf 4 EAX: IOMMU mappings of grants and foreign pages exist. */
#define XEN_HVM_CPUID_IOMMU_MAPPINGS 0x4
/** Leaf 4 EAX: EBX holds the vCPU id. */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT 0x8
/** Leaf 4 EAX: ECX holds the domain id. */
#define XEN_HVM_CPUID_DOMID_PRESENT 0x10
/** Leaf 4 EAX: MSI extended destination ids are supported. */
#define XEN_HVM_CPUID_EXT_DEST_ID 0x20
/** Leaf 4 EAX: per-vCPU event upcall vectors are supported. */
#define XEN_HVM_CPUID_UPCALL_VECTOR 0x40
/** Leaf 5 EAX: mask of the machine address width. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK 0xff
/** Number of Xen leaves. */
#define XEN_CPUID_MAX_NUM_LEAVES 5

/** The i-th Xen leaf (at the default base). */
#define XEN_CPUID_LEAF(i) (XEN_CPUID_FIRST_LEAF + (i))

#endif /* XEN_RS_ARCH_X86_CPUID_H */
