/* xen-rs/arch-x86/xen.h: Xen's public/arch-x86/xen.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ARCH_X86_XEN_H
#define XEN_RS_ARCH_X86_XEN_H

#include "../abi-types.h"

/** A guest (pseudo-)physical or machine frame number. */
typedef uint64_t xen_pfn_t;
/** An unsigned long of the guest ABI: 64 bits on x86-64. */
typedef uint64_t xen_ulong_t;
/** A TSC value. */
typedef uint64_t tsc_timestamp_t;
/** Address of a PV callback entry point. */
typedef uint64_t xen_callback_t;

/** Number of vcpu_info slots embedded in shared_info. */
#define XEN_LEGACY_MAX_VCPUS 32
/** First GDT page reserved for Xen in a PV guest's GDT. */
#define FIRST_RESERVED_GDT_PAGE 14
/** First reserved GDT byte. */
#define FIRST_RESERVED_GDT_BYTE 57344
/** First reserved GDT entry. */
#define FIRST_RESERVED_GDT_ENTRY 7168
/** vcpu_guest_context.flags bit: the FPU context is valid. */
#define VGCF_I387_VALID 0x1
/** vcpu_guest_context.flags bit: the vCPU starts in kernel mode. */
#define VGCF_IN_KERNEL 0x4
/** Bit number of `VGCF_i387_valid`. */
#define _VGCF_i387_valid 0
/** The FPU context is valid. */
#define VGCF_i387_valid 0x1
/** Bit number of `VGCF_in_kernel`. */
#define _VGCF_in_kernel 2
/** The vCPU starts in kernel mode. */
#define VGCF_in_kernel 0x4
/** Bit number of `VGCF_failsafe_disables_events`. */
#define _VGCF_failsafe_disables_events 3
/** Entering the failsafe callback masks events. */
#define VGCF_failsafe_disables_events 0x8
/** Bit number of `VGCF_syscall_disables_events`. */
#define _VGCF_syscall_disables_events 4
/** Entering the syscall callback masks events. */
#define VGCF_syscall_disables_events 0x10
/** Bit number of `VGCF_online`. */
#define _VGCF_online 5
/** The vCPU is online. */
#define VGCF_online 0x20
/** Bit number of `VGCF_in_syscall` (x86-64). */
#define _VGCF_in_syscall 8
/** The vCPU context was saved inside a syscall (x86-64). */
#define VGCF_in_syscall 0x100
/** Bit number of `XEN_X86_EMU_LAPIC`. */
#define _XEN_X86_EMU_LAPIC 0
/** Emulate a local APIC. */
#define XEN_X86_EMU_LAPIC 0x1
/** Bit number of `XEN_X86_EMU_HPET`. */
#define _XEN_X86_EMU_HPET 1
/** Emulate an HPET. */
#define XEN_X86_EMU_HPET 0x2
/** Bit number of `XEN_X86_EMU_PM`. */
#define _XEN_X86_EMU_PM 2
/** Emulate ACPI PM timer and registers. */
#define XEN_X86_EMU_PM 0x4
/** Bit number of `XEN_X86_EMU_RTC`. */
#define _XEN_X86_EMU_RTC 3
/** Emulate an RTC. */
#define XEN_X86_EMU_RTC 0x8
/** Bit number of `XEN_X86_EMU_IOAPIC`. */
#define _XEN_X86_EMU_IOAPIC 4
/** Emulate an IO-APIC. */
#define XEN_X86_EMU_IOAPIC 0x10
/** Bit number of `XEN_X86_EMU_PIC`. */
#define _XEN_X86_EMU_PIC 5
/** Emulate the legacy PIC. */
#define XEN_X86_EMU_PIC 0x20
/** Bit number of `XEN_X86_EMU_VGA`. */
#define _XEN_X86_EMU_VGA 6
/** Emulate VGA. */
#define XEN_X86_EMU_VGA 0x40
/** Bit number of `XEN_X86_EMU_IOMMU`. */
#define _XEN_X86_EMU_IOMMU 7
/** Emulate an IOMMU. */
#define XEN_X86_EMU_IOMMU 0x80
/** Bit number of `XEN_X86_EMU_PIT`. */
#define _XEN_X86_EMU_PIT 8
/** Emulate the PIT. */
#define XEN_X86_EMU_PIT 0x100
/** Bit number of `XEN_X86_EMU_USE_PIRQ`. */
#define _XEN_X86_EMU_USE_PIRQ 9
/** Route physical interrupts through event channels (PIRQs). */
#define XEN_X86_EMU_USE_PIRQ 0x200
/** Bit number of `XEN_X86_EMU_VPCI`. */
#define _XEN_X86_EMU_VPCI 10
/** Emulate PCI config space (vPCI). */
#define XEN_X86_EMU_VPCI 0x400
/** Every emulation flag. */
#define XEN_X86_EMU_ALL 0x7ff
/** xen_arch_domainconfig.misc_flags: unknown MSRs read as zero instead of faulting. */
#define XEN_X86_MSR_RELAXED 0x1
/** Highest valid misc flag. */
#define XEN_X86_MISC_FLAGS_MAX 1
/** xen_cpuid_leaf.subleaf value of a leaf without subleaves. */
#define XEN_CPUID_NO_SUBLEAF 0xffffffffU
/** I/O port of the HVM debug console. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9
/** set_segment_base: set the FS base. */
#define SEGBASE_FS 0
/** set_segment_base: set the user GS base. */
#define SEGBASE_GS_USER 1
/** set_segment_base: set the kernel GS base. */
#define SEGBASE_GS_KERNEL 2
/** set_segment_base: load the user GS selector. */
#define SEGBASE_GS_USER_SEL 3
/** Start of the hypervisor's reserved virtual range in PV guests. */
#define HYPERVISOR_VIRT_START 0xffff800000000000ULL
/** End of the hypervisor's reserved virtual range in PV guests. */
#define HYPERVISOR_VIRT_END 0xffff880000000000ULL
/** Start of the read-only machine-to-phys table in PV guests. */
#define MACH2PHYS_VIRT_START 0xffff800000000000ULL
/** End of the read-only machine-to-phys table in PV guests. */
#define MACH2PHYS_VIRT_END 0xffff804000000000ULL
/** 32-bit flat ring-3 code selector. */
#define FLAT_RING3_CS32 0xe023
/** 64-bit flat ring-3 code selector. */
#define FLAT_RING3_CS64 0xe033
/** 32-bit flat ring-3 data selector. */
#define FLAT_RING3_DS32 0xe02b
/** 64-bit flat ring-3 data selector (null). */
#define FLAT_RING3_DS64 0x0
/** 32-bit flat ring-3 stack selector. */
#define FLAT_RING3_SS32 0xe02b
/** 64-bit flat ring-3 stack selector. */
#define FLAT_RING3_SS64 0xe02b

/** One entry of a PV guest's virtual IDT. */
struct trap_info {
    /** Exception vector. */
    uint8_t vector;
    /** Bits 0-1: DPL; bit 2: clear the event mask on entry. */
    uint8_t flags;
    /** Code selector. */
    uint16_t cs;
    /** Padding before `address` (implicit padding in Xen's header). */
    uint8_t _pad0[4];
    /** Handler address. */
    uint64_t address;
};
typedef struct trap_info trap_info_t;
XEN_RS_CHECK(trap_info_size, sizeof(struct trap_info) == 16);
XEN_RS_CHECK(trap_info__vector, offsetof(struct trap_info, vector) == 0);
XEN_RS_CHECK(trap_info__flags, offsetof(struct trap_info, flags) == 1);
XEN_RS_CHECK(trap_info__cs, offsetof(struct trap_info, cs) == 2);
XEN_RS_CHECK(trap_info___pad0, offsetof(struct trap_info, _pad0) == 4);
XEN_RS_CHECK(trap_info__address, offsetof(struct trap_info, address) == 8);

/** Guest general-purpose registers as saved by Xen (x86-64). */
struct cpu_user_regs {
    /** r15. */
    uint64_t r15;
    /** r14. */
    uint64_t r14;
    /** r13. */
    uint64_t r13;
    /** r12. */
    uint64_t r12;
    /** rbp. */
    uint64_t rbp;
    /** rbx. */
    uint64_t rbx;
    /** r11. */
    uint64_t r11;
    /** r10. */
    uint64_t r10;
    /** r9. */
    uint64_t r9;
    /** r8. */
    uint64_t r8;
    /** rax. */
    uint64_t rax;
    /** rcx. */
    uint64_t rcx;
    /** rdx. */
    uint64_t rdx;
    /** rsi. */
    uint64_t rsi;
    /** rdi. */
    uint64_t rdi;
    /** Exception error code (private to Xen). */
    uint32_t error_code;
    /** Exception vector (private to Xen). */
    uint32_t entry_vector;
    /** rip. */
    uint64_t rip;
    /** cs. */
    uint16_t cs;
    /** Padding after cs. */
    uint16_t _pad0[1];
    /** Saved event mask of a PV vCPU. */
    uint8_t saved_upcall_mask;
    /** Padding after saved_upcall_mask. */
    uint8_t _pad1[3];
    /** rflags. */
    uint64_t rflags;
    /** rsp. */
    uint64_t rsp;
    /** ss. */
    uint16_t ss;
    /** Padding after ss. */
    uint16_t _pad2[3];
    /** es. */
    uint16_t es;
    /** Padding after es. */
    uint16_t _pad3[3];
    /** ds. */
    uint16_t ds;
    /** Padding after ds. */
    uint16_t _pad4[3];
    /** fs. */
    uint16_t fs;
    /** Padding after fs. */
    uint16_t _pad5[3];
    /** gs. */
    uint16_t gs;
    /** Padding after gs. */
    uint16_t _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
XEN_RS_CHECK(cpu_user_regs_size, sizeof(struct cpu_user_regs) == 200);
XEN_RS_CHECK(cpu_user_regs__r15, offsetof(struct cpu_user_regs, r15) == 0);
XEN_RS_CHECK(cpu_user_regs__r14, offsetof(struct cpu_user_regs, r14) == 8);
XEN_RS_CHECK(cpu_user_regs__r13, offsetof(struct cpu_user_regs, r13) == 16);
XEN_RS_CHECK(cpu_user_regs__r12, offsetof(struct cpu_user_regs, r12) == 24);
XEN_RS_CHECK(cpu_user_regs__rbp, offsetof(struct cpu_user_regs, rbp) == 32);
XEN_RS_CHECK(cpu_user_regs__rbx, offsetof(struct cpu_user_regs, rbx) == 40);
XEN_RS_CHECK(cpu_user_regs__r11, offsetof(struct cpu_user_regs, r11) == 48);
XEN_RS_CHECK(cpu_user_regs__r10, offsetof(struct cpu_user_regs, r10) == 56);
XEN_RS_CHECK(cpu_user_regs__r9, offsetof(struct cpu_user_regs, r9) == 64);
XEN_RS_CHECK(cpu_user_regs__r8, offsetof(struct cpu_user_regs, r8) == 72);
XEN_RS_CHECK(cpu_user_regs__rax, offsetof(struct cpu_user_regs, rax) == 80);
XEN_RS_CHECK(cpu_user_regs__rcx, offsetof(struct cpu_user_regs, rcx) == 88);
XEN_RS_CHECK(cpu_user_regs__rdx, offsetof(struct cpu_user_regs, rdx) == 96);
XEN_RS_CHECK(cpu_user_regs__rsi, offsetof(struct cpu_user_regs, rsi) == 104);
XEN_RS_CHECK(cpu_user_regs__rdi, offsetof(struct cpu_user_regs, rdi) == 112);
XEN_RS_CHECK(cpu_user_regs__error_code, offsetof(struct cpu_user_regs, error_code) == 120);
XEN_RS_CHECK(cpu_user_regs__entry_vector, offsetof(struct cpu_user_regs, entry_vector) == 124);
XEN_RS_CHECK(cpu_user_regs__rip, offsetof(struct cpu_user_regs, rip) == 128);
XEN_RS_CHECK(cpu_user_regs__cs, offsetof(struct cpu_user_regs, cs) == 136);
XEN_RS_CHECK(cpu_user_regs___pad0, offsetof(struct cpu_user_regs, _pad0) == 138);
XEN_RS_CHECK(cpu_user_regs__saved_upcall_mask, offsetof(struct cpu_user_regs, saved_upcall_mask) == 140);
XEN_RS_CHECK(cpu_user_regs___pad1, offsetof(struct cpu_user_regs, _pad1) == 141);
XEN_RS_CHECK(cpu_user_regs__rflags, offsetof(struct cpu_user_regs, rflags) == 144);
XEN_RS_CHECK(cpu_user_regs__rsp, offsetof(struct cpu_user_regs, rsp) == 152);
XEN_RS_CHECK(cpu_user_regs__ss, offsetof(struct cpu_user_regs, ss) == 160);
XEN_RS_CHECK(cpu_user_regs___pad2, offsetof(struct cpu_user_regs, _pad2) == 162);
XEN_RS_CHECK(cpu_user_regs__es, offsetof(struct cpu_user_regs, es) == 168);
XEN_RS_CHECK(cpu_user_regs___pad3, offsetof(struct cpu_user_regs, _pad3) == 170);
XEN_RS_CHECK(cpu_user_regs__ds, offsetof(struct cpu_user_regs, ds) == 176);
XEN_RS_CHECK(cpu_user_regs___pad4, offsetof(struct cpu_user_regs, _pad4) == 178);
XEN_RS_CHECK(cpu_user_regs__fs, offsetof(struct cpu_user_regs, fs) == 184);
XEN_RS_CHECK(cpu_user_regs___pad5, offsetof(struct cpu_user_regs, _pad5) == 186);
XEN_RS_CHECK(cpu_user_regs__gs, offsetof(struct cpu_user_regs, gs) == 192);
XEN_RS_CHECK(cpu_user_regs___pad6, offsetof(struct cpu_user_regs, _pad6) == 194);

/** Full register state of a PV vCPU (VCPUOP_initialise, XEN_DOMCTL_{set,get}vcpucontext). */
struct vcpu_guest_context {
    /** FXSAVE image of the FPU state (C: a struct wrapping `char x[512]`). */
    uint8_t fpu_ctxt[512];
    /** VGCF_* flags. */
    uint64_t flags;
    /** General-purpose registers. */
    struct cpu_user_regs user_regs;
    /** Virtual IDT. */
    struct trap_info trap_ctxt[256];
    /** LDT linear address. */
    uint64_t ldt_base;
    /** Number of LDT entries. */
    uint64_t ldt_ents;
    /** GDT frames. */
    uint64_t gdt_frames[16];
    /** Number of GDT entries. */
    uint64_t gdt_ents;
    /** Kernel stack selector. */
    uint64_t kernel_ss;
    /** Kernel stack pointer. */
    uint64_t kernel_sp;
    /** Control registers CR0-CR7. */
    uint64_t ctrlreg[8];
    /** Debug registers DR0-DR7. */
    uint64_t debugreg[8];
    /** Event callback entry point. */
    uint64_t event_callback_eip;
    /** Failsafe callback entry point. */
    uint64_t failsafe_callback_eip;
    /** Syscall callback entry point. */
    uint64_t syscall_callback_eip;
    /** VMASST_TYPE_* bitmap. */
    uint64_t vm_assist;
    /** FS base. */
    uint64_t fs_base;
    /** Kernel GS base. */
    uint64_t gs_base_kernel;
    /** User GS base. */
    uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
XEN_RS_CHECK(vcpu_guest_context_size, sizeof(struct vcpu_guest_context) == 5168);
XEN_RS_CHECK(vcpu_guest_context__fpu_ctxt, offsetof(struct vcpu_guest_context, fpu_ctxt) == 0);
XEN_RS_CHECK(vcpu_guest_context__flags, offsetof(struct vcpu_guest_context, flags) == 512);
XEN_RS_CHECK(vcpu_guest_context__user_regs, offsetof(struct vcpu_guest_context, user_regs) == 520);
XEN_RS_CHECK(vcpu_guest_context__trap_ctxt, offsetof(struct vcpu_guest_context, trap_ctxt) == 720);
XEN_RS_CHECK(vcpu_guest_context__ldt_base, offsetof(struct vcpu_guest_context, ldt_base) == 4816);
XEN_RS_CHECK(vcpu_guest_context__ldt_ents, offsetof(struct vcpu_guest_context, ldt_ents) == 4824);
XEN_RS_CHECK(vcpu_guest_context__gdt_frames, offsetof(struct vcpu_guest_context, gdt_frames) == 4832);
XEN_RS_CHECK(vcpu_guest_context__gdt_ents, offsetof(struct vcpu_guest_context, gdt_ents) == 4960);
XEN_RS_CHECK(vcpu_guest_context__kernel_ss, offsetof(struct vcpu_guest_context, kernel_ss) == 4968);
XEN_RS_CHECK(vcpu_guest_context__kernel_sp, offsetof(struct vcpu_guest_context, kernel_sp) == 4976);
XEN_RS_CHECK(vcpu_guest_context__ctrlreg, offsetof(struct vcpu_guest_context, ctrlreg) == 4984);
XEN_RS_CHECK(vcpu_guest_context__debugreg, offsetof(struct vcpu_guest_context, debugreg) == 5048);
XEN_RS_CHECK(vcpu_guest_context__event_callback_eip, offsetof(struct vcpu_guest_context, event_callback_eip) == 5112);
XEN_RS_CHECK(vcpu_guest_context__failsafe_callback_eip, offsetof(struct vcpu_guest_context, failsafe_callback_eip) == 5120);
XEN_RS_CHECK(vcpu_guest_context__syscall_callback_eip, offsetof(struct vcpu_guest_context, syscall_callback_eip) == 5128);
XEN_RS_CHECK(vcpu_guest_context__vm_assist, offsetof(struct vcpu_guest_context, vm_assist) == 5136);
XEN_RS_CHECK(vcpu_guest_context__fs_base, offsetof(struct vcpu_guest_context, fs_base) == 5144);
XEN_RS_CHECK(vcpu_guest_context__gs_base_kernel, offsetof(struct vcpu_guest_context, gs_base_kernel) == 5152);
XEN_RS_CHECK(vcpu_guest_context__gs_base_user, offsetof(struct vcpu_guest_context, gs_base_user) == 5160);

/** x86 part of shared_info. */
struct arch_shared_info {
    /** Highest pfn of a PV guest's p2m. */
    uint64_t max_pfn;
    /** Frame holding the list of p2m frame-list frames. */
    xen_pfn_t pfn_to_mfn_frame_list_list;
    /** NMI reason bits. */
    uint64_t nmi_reason;
    /** CR3 of the p2m address space. */
    uint64_t p2m_cr3;
    /** Virtual address of the linear p2m list. */
    uint64_t p2m_vaddr;
    /** Generation count of the p2m mapping. */
    uint64_t p2m_generation;
};
typedef struct arch_shared_info arch_shared_info_t;
XEN_RS_CHECK(arch_shared_info_size, sizeof(struct arch_shared_info) == 48);
XEN_RS_CHECK(arch_shared_info__max_pfn, offsetof(struct arch_shared_info, max_pfn) == 0);
XEN_RS_CHECK(arch_shared_info__pfn_to_mfn_frame_list_list, offsetof(struct arch_shared_info, pfn_to_mfn_frame_list_list) == 8);
XEN_RS_CHECK(arch_shared_info__nmi_reason, offsetof(struct arch_shared_info, nmi_reason) == 16);
XEN_RS_CHECK(arch_shared_info__p2m_cr3, offsetof(struct arch_shared_info, p2m_cr3) == 24);
XEN_RS_CHECK(arch_shared_info__p2m_vaddr, offsetof(struct arch_shared_info, p2m_vaddr) == 32);
XEN_RS_CHECK(arch_shared_info__p2m_generation, offsetof(struct arch_shared_info, p2m_generation) == 40);

/** x86 part of vcpu_info. */
struct arch_vcpu_info {
    /** Faulting address of the last page fault (PV). */
    uint64_t cr2;
    /** Pads vcpu_info to 64 bytes. */
    uint64_t pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;
XEN_RS_CHECK(arch_vcpu_info_size, sizeof(struct arch_vcpu_info) == 16);
XEN_RS_CHECK(arch_vcpu_info__cr2, offsetof(struct arch_vcpu_info, cr2) == 0);
XEN_RS_CHECK(arch_vcpu_info__pad, offsetof(struct arch_vcpu_info, pad) == 8);

/** x86 part of XEN_DOMCTL_createdomain's configuration. */
struct xen_arch_domainconfig {
    /** XEN_X86_EMU_* devices to emulate. */
    uint32_t emulation_flags;
    /** XEN_X86_MSR_RELAXED and friends. */
    uint32_t misc_flags;
};
typedef struct xen_arch_domainconfig xen_arch_domainconfig_t;
XEN_RS_CHECK(xen_arch_domainconfig_size, sizeof(struct xen_arch_domainconfig) == 8);
XEN_RS_CHECK(xen_arch_domainconfig__emulation_flags, offsetof(struct xen_arch_domainconfig, emulation_flags) == 0);
XEN_RS_CHECK(xen_arch_domainconfig__misc_flags, offsetof(struct xen_arch_domainconfig, misc_flags) == 4);

/** One CPUID leaf of a CPU policy. */
struct xen_cpuid_leaf {
    /** Leaf (EAX input). */
    uint32_t leaf;
    /** Subleaf (ECX input) or XEN_CPUID_NO_SUBLEAF. */
    uint32_t subleaf;
    /** EAX output. */
    uint32_t a;
    /** EBX output. */
    uint32_t b;
    /** ECX output. */
    uint32_t c;
    /** EDX output. */
    uint32_t d;
};
typedef struct xen_cpuid_leaf xen_cpuid_leaf_t;
XEN_RS_CHECK(xen_cpuid_leaf_size, sizeof(struct xen_cpuid_leaf) == 24);
XEN_RS_CHECK(xen_cpuid_leaf__leaf, offsetof(struct xen_cpuid_leaf, leaf) == 0);
XEN_RS_CHECK(xen_cpuid_leaf__subleaf, offsetof(struct xen_cpuid_leaf, subleaf) == 4);
XEN_RS_CHECK(xen_cpuid_leaf__a, offsetof(struct xen_cpuid_leaf, a) == 8);
XEN_RS_CHECK(xen_cpuid_leaf__b, offsetof(struct xen_cpuid_leaf, b) == 12);
XEN_RS_CHECK(xen_cpuid_leaf__c, offsetof(struct xen_cpuid_leaf, c) == 16);
XEN_RS_CHECK(xen_cpuid_leaf__d, offsetof(struct xen_cpuid_leaf, d) == 20);

/** One MSR of a CPU policy or vCPU state. */
struct xen_msr_entry {
    /** MSR index. */
    uint32_t idx;
    /** Reserved, must be zero. */
    uint32_t flags;
    /** MSR value. */
    uint64_t val;
};
typedef struct xen_msr_entry xen_msr_entry_t;
XEN_RS_CHECK(xen_msr_entry_size, sizeof(struct xen_msr_entry) == 16);
XEN_RS_CHECK(xen_msr_entry__idx, offsetof(struct xen_msr_entry, idx) == 0);
XEN_RS_CHECK(xen_msr_entry__flags, offsetof(struct xen_msr_entry, flags) == 4);
XEN_RS_CHECK(xen_msr_entry__val, offsetof(struct xen_msr_entry, val) == 8);

/** Frame pushed for HYPERVISOR_iret (x86-64 PV). */
struct iret_context {
    /** Saved rax. */
    uint64_t rax;
    /** Saved r11. */
    uint64_t r11;
    /** Saved rcx. */
    uint64_t rcx;
    /** VGCF_in_syscall or 0. */
    uint64_t flags;
    /** Return rip. */
    uint64_t rip;
    /** Return cs. */
    uint64_t cs;
    /** Return rflags. */
    uint64_t rflags;
    /** Return rsp. */
    uint64_t rsp;
    /** Return ss. */
    uint64_t ss;
};
typedef struct iret_context iret_context_t;
XEN_RS_CHECK(iret_context_size, sizeof(struct iret_context) == 72);
XEN_RS_CHECK(iret_context__rax, offsetof(struct iret_context, rax) == 0);
XEN_RS_CHECK(iret_context__r11, offsetof(struct iret_context, r11) == 8);
XEN_RS_CHECK(iret_context__rcx, offsetof(struct iret_context, rcx) == 16);
XEN_RS_CHECK(iret_context__flags, offsetof(struct iret_context, flags) == 24);
XEN_RS_CHECK(iret_context__rip, offsetof(struct iret_context, rip) == 32);
XEN_RS_CHECK(iret_context__cs, offsetof(struct iret_context, cs) == 40);
XEN_RS_CHECK(iret_context__rflags, offsetof(struct iret_context, rflags) == 48);
XEN_RS_CHECK(iret_context__rsp, offsetof(struct iret_context, rsp) == 56);
XEN_RS_CHECK(iret_context__ss, offsetof(struct iret_context, ss) == 64);

#endif /* XEN_RS_ARCH_X86_XEN_H */
