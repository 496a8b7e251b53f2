/* xen-rs/arch-x86/hvm/save.h: Xen's public/arch-x86/hvm/save.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_ARCH_X86_HVM_SAVE_H
#define XEN_RS_ARCH_X86_HVM_SAVE_H

#include "../../abi-types.h"

/** hvm_save_header.magic. */
#define HVM_FILE_MAGIC 0x54381286
/** hvm_save_header.version: the only version of the format. */
#define HVM_FILE_VERSION 0x1
/** Bit number of XEN_X86_FPU_INITIALISED. */
#define _XEN_X86_FPU_INITIALISED 0
/** hvm_hw_cpu.flags: fpu_regs holds the vCPU's FPU state. */
#define XEN_X86_FPU_INITIALISED 0x1
/** Variable-range MTRR pairs in hvm_hw_mtrr. */
#define MTRR_VCNT 8
/** Fixed-range MTRRs in hvm_hw_mtrr. */
#define NUM_FIXED_MSR 11
/** Typecode of the variable-length XSAVE record (struct hvm_hw_cpu_xsave). */
#define CPU_XSAVE_CODE 16
/** Typecode of the variable-length MSR record (struct hvm_msr). */
#define CPU_MSR_CODE 20
/** The largest typecode in use. */
#define HVM_SAVE_CODE_MAX 20
/** xen-rs extension: `HVM_SAVE_CODE(HEADER)`: struct hvm_save_header, first in every image. */
#define HVM_SAVE_CODE_HEADER 1
/** xen-rs extension: `HVM_SAVE_CODE(CPU)`: struct hvm_hw_cpu, one per vCPU that is up. */
#define HVM_SAVE_CODE_CPU 2
/** xen-rs extension: `HVM_SAVE_CODE(PIC)`: struct hvm_hw_vpic. */
#define HVM_SAVE_CODE_PIC 3
/** xen-rs extension: `HVM_SAVE_CODE(IOAPIC)`: struct hvm_hw_vioapic. */
#define HVM_SAVE_CODE_IOAPIC 4
/** xen-rs extension: `HVM_SAVE_CODE(LAPIC)`: struct hvm_hw_lapic, per vCPU. */
#define HVM_SAVE_CODE_LAPIC 5
/** xen-rs extension: `HVM_SAVE_CODE(LAPIC_REGS)`: struct hvm_hw_lapic_regs, per vCPU. */
#define HVM_SAVE_CODE_LAPIC_REGS 6
/** xen-rs extension: `HVM_SAVE_CODE(PCI_IRQ)`: struct hvm_hw_pci_irqs. */
#define HVM_SAVE_CODE_PCI_IRQ 7
/** xen-rs extension: `HVM_SAVE_CODE(ISA_IRQ)`: struct hvm_hw_isa_irqs. */
#define HVM_SAVE_CODE_ISA_IRQ 8
/** xen-rs extension: `HVM_SAVE_CODE(PCI_LINK)`: struct hvm_hw_pci_link. */
#define HVM_SAVE_CODE_PCI_LINK 9
/** xen-rs extension: `HVM_SAVE_CODE(PIT)`: struct hvm_hw_pit. */
#define HVM_SAVE_CODE_PIT 10
/** xen-rs extension: `HVM_SAVE_CODE(RTC)`: struct hvm_hw_rtc. */
#define HVM_SAVE_CODE_RTC 11
/** xen-rs extension: `HVM_SAVE_CODE(HPET)`: struct hvm_hw_hpet. */
#define HVM_SAVE_CODE_HPET 12
/** xen-rs extension: `HVM_SAVE_CODE(PMTIMER)`: struct hvm_hw_pmtimer. */
#define HVM_SAVE_CODE_PMTIMER 13
/** xen-rs extension: `HVM_SAVE_CODE(MTRR)`: struct hvm_hw_mtrr, per vCPU. */
#define HVM_SAVE_CODE_MTRR 14
/** xen-rs extension: `HVM_SAVE_CODE(VIRIDIAN_DOMAIN)`: struct hvm_viridian_domain_context. */
#define HVM_SAVE_CODE_VIRIDIAN_DOMAIN 15
/** xen-rs extension: `HVM_SAVE_CODE(VIRIDIAN_VCPU)`: struct hvm_viridian_vcpu_context, per vCPU. */
#define HVM_SAVE_CODE_VIRIDIAN_VCPU 17
/** xen-rs extension: `HVM_SAVE_CODE(VMCE_VCPU)`: struct hvm_vmce_vcpu, per vCPU. */
#define HVM_SAVE_CODE_VMCE_VCPU 18
/** xen-rs extension: `HVM_SAVE_CODE(TSC_ADJUST)`: struct hvm_tsc_adjust, per vCPU. */
#define HVM_SAVE_CODE_TSC_ADJUST 19

/** The HEADER record: what saved the image. */
struct hvm_save_header {
    /** HVM_FILE_MAGIC. */
    uint32_t magic;
    /** HVM_FILE_VERSION. */
    uint32_t version;
    /** Changeset of the Xen that saved it (~0 if unknown). */
    uint64_t changeset;
    /** CPUID leaf 1 EAX of the saving machine. */
    uint32_t cpuid;
    /** The guest's TSC frequency in kHz (0: keep the current one). */
    uint32_t gtsc_khz;
};
typedef struct hvm_save_header hvm_save_header_t;
XEN_RS_CHECK(hvm_save_header_size, sizeof(struct hvm_save_header) == 24);
XEN_RS_CHECK(hvm_save_header__magic, offsetof(struct hvm_save_header, magic) == 0);
XEN_RS_CHECK(hvm_save_header__version, offsetof(struct hvm_save_header, version) == 4);
XEN_RS_CHECK(hvm_save_header__changeset, offsetof(struct hvm_save_header, changeset) == 8);
XEN_RS_CHECK(hvm_save_header__cpuid, offsetof(struct hvm_save_header, cpuid) == 16);
XEN_RS_CHECK(hvm_save_header__gtsc_khz, offsetof(struct hvm_save_header, gtsc_khz) == 20);

/** The CPU record: one vCPU's registers (Xen 4.7 and later). */
struct hvm_hw_cpu {
    /** The FXSAVE image of the x87/SSE state (valid with XEN_X86_FPU_INITIALISED). */
    uint8_t fpu_regs[512];
    /** rax. */
    uint64_t rax;
    /** rbx. */
    uint64_t rbx;
    /** rcx. */
    uint64_t rcx;
    /** rdx. */
    uint64_t rdx;
    /** rbp. */
    uint64_t rbp;
    /** rsi. */
    uint64_t rsi;
    /** rdi. */
    uint64_t rdi;
    /** rsp. */
    uint64_t rsp;
    /** r8. */
    uint64_t r8;
    /** r9. */
    uint64_t r9;
    /** r10. */
    uint64_t r10;
    /** r11. */
    uint64_t r11;
    /** r12. */
    uint64_t r12;
    /** r13. */
    uint64_t r13;
    /** r14. */
    uint64_t r14;
    /** r15. */
    uint64_t r15;
    /** rip. */
    uint64_t rip;
    /** rflags. */
    uint64_t rflags;
    /** cr0. */
    uint64_t cr0;
    /** cr2. */
    uint64_t cr2;
    /** cr3. */
    uint64_t cr3;
    /** cr4. */
    uint64_t cr4;
    /** dr0. */
    uint64_t dr0;
    /** dr1. */
    uint64_t dr1;
    /** dr2. */
    uint64_t dr2;
    /** dr3. */
    uint64_t dr3;
    /** dr6. */
    uint64_t dr6;
    /** dr7. */
    uint64_t dr7;
    /** CS selector. */
    uint32_t cs_sel;
    /** DS selector. */
    uint32_t ds_sel;
    /** ES selector. */
    uint32_t es_sel;
    /** FS selector. */
    uint32_t fs_sel;
    /** GS selector. */
    uint32_t gs_sel;
    /** SS selector. */
    uint32_t ss_sel;
    /** TR selector. */
    uint32_t tr_sel;
    /** LDTR selector. */
    uint32_t ldtr_sel;
    /** CS limit. */
    uint32_t cs_limit;
    /** DS limit. */
    uint32_t ds_limit;
    /** ES limit. */
    uint32_t es_limit;
    /** FS limit. */
    uint32_t fs_limit;
    /** GS limit. */
    uint32_t gs_limit;
    /** SS limit. */
    uint32_t ss_limit;
    /** TR limit. */
    uint32_t tr_limit;
    /** LDTR limit. */
    uint32_t ldtr_limit;
    /** IDTR limit. */
    uint32_t idtr_limit;
    /** GDTR limit. */
    uint32_t gdtr_limit;
    /** CS base. */
    uint64_t cs_base;
    /** DS base. */
    uint64_t ds_base;
    /** ES base. */
    uint64_t es_base;
    /** FS base. */
    uint64_t fs_base;
    /** GS base. */
    uint64_t gs_base;
    /** SS base. */
    uint64_t ss_base;
    /** TR base. */
    uint64_t tr_base;
    /** LDTR base. */
    uint64_t ldtr_base;
    /** IDTR base. */
    uint64_t idtr_base;
    /** GDTR base. */
    uint64_t gdtr_base;
    /** CS attributes, in Xen's segment_register format (12 bits). */
    uint32_t cs_arbytes;
    /** DS attributes, in Xen's segment_register format (12 bits). */
    uint32_t ds_arbytes;
    /** ES attributes, in Xen's segment_register format (12 bits). */
    uint32_t es_arbytes;
    /** FS attributes, in Xen's segment_register format (12 bits). */
    uint32_t fs_arbytes;
    /** GS attributes, in Xen's segment_register format (12 bits). */
    uint32_t gs_arbytes;
    /** SS attributes, in Xen's segment_register format (12 bits). */
    uint32_t ss_arbytes;
    /** TR attributes, in Xen's segment_register format (12 bits). */
    uint32_t tr_arbytes;
    /** LDTR attributes, in Xen's segment_register format (12 bits). */
    uint32_t ldtr_arbytes;
    /** MSR_IA32_SYSENTER_CS. */
    uint64_t sysenter_cs;
    /** MSR_IA32_SYSENTER_ESP. */
    uint64_t sysenter_esp;
    /** MSR_IA32_SYSENTER_EIP. */
    uint64_t sysenter_eip;
    /** MSR_SHADOW_GS_BASE (the GS base SWAPGS swaps in). */
    uint64_t shadow_gs;
    /** Obsolete, ignored. */
    uint64_t msr_flags;
    /** MSR_LSTAR. */
    uint64_t msr_lstar;
    /** MSR_STAR. */
    uint64_t msr_star;
    /** MSR_CSTAR. */
    uint64_t msr_cstar;
    /** MSR_SYSCALL_MASK (SFMASK). */
    uint64_t msr_syscall_mask;
    /** MSR_EFER. */
    uint64_t msr_efer;
    /** MSR_TSC_AUX (a 32-bit value). */
    uint64_t msr_tsc_aux;
    /** The guest's TSC. */
    uint64_t tsc;
    /** Pending event: vector 0-7, type 8-10, error code valid 11, valid 31 (a union with bit-fields in C). */
    uint32_t pending_event;
    /** Error code of the pending event. */
    uint32_t error_code;
    /** XEN_X86_FPU_INITIALISED or 0. */
    uint32_t flags;
    /** Must be zero. */
    uint32_t pad0;
};
typedef struct hvm_hw_cpu hvm_hw_cpu_t;
XEN_RS_CHECK(hvm_hw_cpu_size, sizeof(struct hvm_hw_cpu) == 1032);
XEN_RS_CHECK(hvm_hw_cpu__fpu_regs, offsetof(struct hvm_hw_cpu, fpu_regs) == 0);
XEN_RS_CHECK(hvm_hw_cpu__rax, offsetof(struct hvm_hw_cpu, rax) == 512);
XEN_RS_CHECK(hvm_hw_cpu__rbx, offsetof(struct hvm_hw_cpu, rbx) == 520);
XEN_RS_CHECK(hvm_hw_cpu__rcx, offsetof(struct hvm_hw_cpu, rcx) == 528);
XEN_RS_CHECK(hvm_hw_cpu__rdx, offsetof(struct hvm_hw_cpu, rdx) == 536);
XEN_RS_CHECK(hvm_hw_cpu__rbp, offsetof(struct hvm_hw_cpu, rbp) == 544);
XEN_RS_CHECK(hvm_hw_cpu__rsi, offsetof(struct hvm_hw_cpu, rsi) == 552);
XEN_RS_CHECK(hvm_hw_cpu__rdi, offsetof(struct hvm_hw_cpu, rdi) == 560);
XEN_RS_CHECK(hvm_hw_cpu__rsp, offsetof(struct hvm_hw_cpu, rsp) == 568);
XEN_RS_CHECK(hvm_hw_cpu__r8, offsetof(struct hvm_hw_cpu, r8) == 576);
XEN_RS_CHECK(hvm_hw_cpu__r9, offsetof(struct hvm_hw_cpu, r9) == 584);
XEN_RS_CHECK(hvm_hw_cpu__r10, offsetof(struct hvm_hw_cpu, r10) == 592);
XEN_RS_CHECK(hvm_hw_cpu__r11, offsetof(struct hvm_hw_cpu, r11) == 600);
XEN_RS_CHECK(hvm_hw_cpu__r12, offsetof(struct hvm_hw_cpu, r12) == 608);
XEN_RS_CHECK(hvm_hw_cpu__r13, offsetof(struct hvm_hw_cpu, r13) == 616);
XEN_RS_CHECK(hvm_hw_cpu__r14, offsetof(struct hvm_hw_cpu, r14) == 624);
XEN_RS_CHECK(hvm_hw_cpu__r15, offsetof(struct hvm_hw_cpu, r15) == 632);
XEN_RS_CHECK(hvm_hw_cpu__rip, offsetof(struct hvm_hw_cpu, rip) == 640);
XEN_RS_CHECK(hvm_hw_cpu__rflags, offsetof(struct hvm_hw_cpu, rflags) == 648);
XEN_RS_CHECK(hvm_hw_cpu__cr0, offsetof(struct hvm_hw_cpu, cr0) == 656);
XEN_RS_CHECK(hvm_hw_cpu__cr2, offsetof(struct hvm_hw_cpu, cr2) == 664);
XEN_RS_CHECK(hvm_hw_cpu__cr3, offsetof(struct hvm_hw_cpu, cr3) == 672);
XEN_RS_CHECK(hvm_hw_cpu__cr4, offsetof(struct hvm_hw_cpu, cr4) == 680);
XEN_RS_CHECK(hvm_hw_cpu__dr0, offsetof(struct hvm_hw_cpu, dr0) == 688);
XEN_RS_CHECK(hvm_hw_cpu__dr1, offsetof(struct hvm_hw_cpu, dr1) == 696);
XEN_RS_CHECK(hvm_hw_cpu__dr2, offsetof(struct hvm_hw_cpu, dr2) == 704);
XEN_RS_CHECK(hvm_hw_cpu__dr3, offsetof(struct hvm_hw_cpu, dr3) == 712);
XEN_RS_CHECK(hvm_hw_cpu__dr6, offsetof(struct hvm_hw_cpu, dr6) == 720);
XEN_RS_CHECK(hvm_hw_cpu__dr7, offsetof(struct hvm_hw_cpu, dr7) == 728);
XEN_RS_CHECK(hvm_hw_cpu__cs_sel, offsetof(struct hvm_hw_cpu, cs_sel) == 736);
XEN_RS_CHECK(hvm_hw_cpu__ds_sel, offsetof(struct hvm_hw_cpu, ds_sel) == 740);
XEN_RS_CHECK(hvm_hw_cpu__es_sel, offsetof(struct hvm_hw_cpu, es_sel) == 744);
XEN_RS_CHECK(hvm_hw_cpu__fs_sel, offsetof(struct hvm_hw_cpu, fs_sel) == 748);
XEN_RS_CHECK(hvm_hw_cpu__gs_sel, offsetof(struct hvm_hw_cpu, gs_sel) == 752);
XEN_RS_CHECK(hvm_hw_cpu__ss_sel, offsetof(struct hvm_hw_cpu, ss_sel) == 756);
XEN_RS_CHECK(hvm_hw_cpu__tr_sel, offsetof(struct hvm_hw_cpu, tr_sel) == 760);
XEN_RS_CHECK(hvm_hw_cpu__ldtr_sel, offsetof(struct hvm_hw_cpu, ldtr_sel) == 764);
XEN_RS_CHECK(hvm_hw_cpu__cs_limit, offsetof(struct hvm_hw_cpu, cs_limit) == 768);
XEN_RS_CHECK(hvm_hw_cpu__ds_limit, offsetof(struct hvm_hw_cpu, ds_limit) == 772);
XEN_RS_CHECK(hvm_hw_cpu__es_limit, offsetof(struct hvm_hw_cpu, es_limit) == 776);
XEN_RS_CHECK(hvm_hw_cpu__fs_limit, offsetof(struct hvm_hw_cpu, fs_limit) == 780);
XEN_RS_CHECK(hvm_hw_cpu__gs_limit, offsetof(struct hvm_hw_cpu, gs_limit) == 784);
XEN_RS_CHECK(hvm_hw_cpu__ss_limit, offsetof(struct hvm_hw_cpu, ss_limit) == 788);
XEN_RS_CHECK(hvm_hw_cpu__tr_limit, offsetof(struct hvm_hw_cpu, tr_limit) == 792);
XEN_RS_CHECK(hvm_hw_cpu__ldtr_limit, offsetof(struct hvm_hw_cpu, ldtr_limit) == 796);
XEN_RS_CHECK(hvm_hw_cpu__idtr_limit, offsetof(struct hvm_hw_cpu, idtr_limit) == 800);
XEN_RS_CHECK(hvm_hw_cpu__gdtr_limit, offsetof(struct hvm_hw_cpu, gdtr_limit) == 804);
XEN_RS_CHECK(hvm_hw_cpu__cs_base, offsetof(struct hvm_hw_cpu, cs_base) == 808);
XEN_RS_CHECK(hvm_hw_cpu__ds_base, offsetof(struct hvm_hw_cpu, ds_base) == 816);
XEN_RS_CHECK(hvm_hw_cpu__es_base, offsetof(struct hvm_hw_cpu, es_base) == 824);
XEN_RS_CHECK(hvm_hw_cpu__fs_base, offsetof(struct hvm_hw_cpu, fs_base) == 832);
XEN_RS_CHECK(hvm_hw_cpu__gs_base, offsetof(struct hvm_hw_cpu, gs_base) == 840);
XEN_RS_CHECK(hvm_hw_cpu__ss_base, offsetof(struct hvm_hw_cpu, ss_base) == 848);
XEN_RS_CHECK(hvm_hw_cpu__tr_base, offsetof(struct hvm_hw_cpu, tr_base) == 856);
XEN_RS_CHECK(hvm_hw_cpu__ldtr_base, offsetof(struct hvm_hw_cpu, ldtr_base) == 864);
XEN_RS_CHECK(hvm_hw_cpu__idtr_base, offsetof(struct hvm_hw_cpu, idtr_base) == 872);
XEN_RS_CHECK(hvm_hw_cpu__gdtr_base, offsetof(struct hvm_hw_cpu, gdtr_base) == 880);
XEN_RS_CHECK(hvm_hw_cpu__cs_arbytes, offsetof(struct hvm_hw_cpu, cs_arbytes) == 888);
XEN_RS_CHECK(hvm_hw_cpu__ds_arbytes, offsetof(struct hvm_hw_cpu, ds_arbytes) == 892);
XEN_RS_CHECK(hvm_hw_cpu__es_arbytes, offsetof(struct hvm_hw_cpu, es_arbytes) == 896);
XEN_RS_CHECK(hvm_hw_cpu__fs_arbytes, offsetof(struct hvm_hw_cpu, fs_arbytes) == 900);
XEN_RS_CHECK(hvm_hw_cpu__gs_arbytes, offsetof(struct hvm_hw_cpu, gs_arbytes) == 904);
XEN_RS_CHECK(hvm_hw_cpu__ss_arbytes, offsetof(struct hvm_hw_cpu, ss_arbytes) == 908);
XEN_RS_CHECK(hvm_hw_cpu__tr_arbytes, offsetof(struct hvm_hw_cpu, tr_arbytes) == 912);
XEN_RS_CHECK(hvm_hw_cpu__ldtr_arbytes, offsetof(struct hvm_hw_cpu, ldtr_arbytes) == 916);
XEN_RS_CHECK(hvm_hw_cpu__sysenter_cs, offsetof(struct hvm_hw_cpu, sysenter_cs) == 920);
XEN_RS_CHECK(hvm_hw_cpu__sysenter_esp, offsetof(struct hvm_hw_cpu, sysenter_esp) == 928);
XEN_RS_CHECK(hvm_hw_cpu__sysenter_eip, offsetof(struct hvm_hw_cpu, sysenter_eip) == 936);
XEN_RS_CHECK(hvm_hw_cpu__shadow_gs, offsetof(struct hvm_hw_cpu, shadow_gs) == 944);
XEN_RS_CHECK(hvm_hw_cpu__msr_flags, offsetof(struct hvm_hw_cpu, msr_flags) == 952);
XEN_RS_CHECK(hvm_hw_cpu__msr_lstar, offsetof(struct hvm_hw_cpu, msr_lstar) == 960);
XEN_RS_CHECK(hvm_hw_cpu__msr_star, offsetof(struct hvm_hw_cpu, msr_star) == 968);
XEN_RS_CHECK(hvm_hw_cpu__msr_cstar, offsetof(struct hvm_hw_cpu, msr_cstar) == 976);
XEN_RS_CHECK(hvm_hw_cpu__msr_syscall_mask, offsetof(struct hvm_hw_cpu, msr_syscall_mask) == 984);
XEN_RS_CHECK(hvm_hw_cpu__msr_efer, offsetof(struct hvm_hw_cpu, msr_efer) == 992);
XEN_RS_CHECK(hvm_hw_cpu__msr_tsc_aux, offsetof(struct hvm_hw_cpu, msr_tsc_aux) == 1000);
XEN_RS_CHECK(hvm_hw_cpu__tsc, offsetof(struct hvm_hw_cpu, tsc) == 1008);
XEN_RS_CHECK(hvm_hw_cpu__pending_event, offsetof(struct hvm_hw_cpu, pending_event) == 1016);
XEN_RS_CHECK(hvm_hw_cpu__error_code, offsetof(struct hvm_hw_cpu, error_code) == 1020);
XEN_RS_CHECK(hvm_hw_cpu__flags, offsetof(struct hvm_hw_cpu, flags) == 1024);
XEN_RS_CHECK(hvm_hw_cpu__pad0, offsetof(struct hvm_hw_cpu, pad0) == 1028);

/** The CPU record as Xen before 3.4 wrote it (no msr_tsc_aux, flags or pad0). */
struct hvm_hw_cpu_compat {
    /** The FXSAVE image of the x87/SSE state (valid with XEN_X86_FPU_INITIALISED). */
    uint8_t fpu_regs[512];
    /** rax. */
    uint64_t rax;
    /** rbx. */
    uint64_t rbx;
    /** rcx. */
    uint64_t rcx;
    /** rdx. */
    uint64_t rdx;
    /** rbp. */
    uint64_t rbp;
    /** rsi. */
    uint64_t rsi;
    /** rdi. */
    uint64_t rdi;
    /** rsp. */
    uint64_t rsp;
    /** r8. */
    uint64_t r8;
    /** r9. */
    uint64_t r9;
    /** r10. */
    uint64_t r10;
    /** r11. */
    uint64_t r11;
    /** r12. */
    uint64_t r12;
    /** r13. */
    uint64_t r13;
    /** r14. */
    uint64_t r14;
    /** r15. */
    uint64_t r15;
    /** rip. */
    uint64_t rip;
    /** rflags. */
    uint64_t rflags;
    /** cr0. */
    uint64_t cr0;
    /** cr2. */
    uint64_t cr2;
    /** cr3. */
    uint64_t cr3;
    /** cr4. */
    uint64_t cr4;
    /** dr0. */
    uint64_t dr0;
    /** dr1. */
    uint64_t dr1;
    /** dr2. */
    uint64_t dr2;
    /** dr3. */
    uint64_t dr3;
    /** dr6. */
    uint64_t dr6;
    /** dr7. */
    uint64_t dr7;
    /** CS selector. */
    uint32_t cs_sel;
    /** DS selector. */
    uint32_t ds_sel;
    /** ES selector. */
    uint32_t es_sel;
    /** FS selector. */
    uint32_t fs_sel;
    /** GS selector. */
    uint32_t gs_sel;
    /** SS selector. */
    uint32_t ss_sel;
    /** TR selector. */
    uint32_t tr_sel;
    /** LDTR selector. */
    uint32_t ldtr_sel;
    /** CS limit. */
    uint32_t cs_limit;
    /** DS limit. */
    uint32_t ds_limit;
    /** ES limit. */
    uint32_t es_limit;
    /** FS limit. */
    uint32_t fs_limit;
    /** GS limit. */
    uint32_t gs_limit;
    /** SS limit. */
    uint32_t ss_limit;
    /** TR limit. */
    uint32_t tr_limit;
    /** LDTR limit. */
    uint32_t ldtr_limit;
    /** IDTR limit. */
    uint32_t idtr_limit;
    /** GDTR limit. */
    uint32_t gdtr_limit;
    /** CS base. */
    uint64_t cs_base;
    /** DS base. */
    uint64_t ds_base;
    /** ES base. */
    uint64_t es_base;
    /** FS base. */
    uint64_t fs_base;
    /** GS base. */
    uint64_t gs_base;
    /** SS base. */
    uint64_t ss_base;
    /** TR base. */
    uint64_t tr_base;
    /** LDTR base. */
    uint64_t ldtr_base;
    /** IDTR base. */
    uint64_t idtr_base;
    /** GDTR base. */
    uint64_t gdtr_base;
    /** CS attributes, in Xen's segment_register format (12 bits). */
    uint32_t cs_arbytes;
    /** DS attributes, in Xen's segment_register format (12 bits). */
    uint32_t ds_arbytes;
    /** ES attributes, in Xen's segment_register format (12 bits). */
    uint32_t es_arbytes;
    /** FS attributes, in Xen's segment_register format (12 bits). */
    uint32_t fs_arbytes;
    /** GS attributes, in Xen's segment_register format (12 bits). */
    uint32_t gs_arbytes;
    /** SS attributes, in Xen's segment_register format (12 bits). */
    uint32_t ss_arbytes;
    /** TR attributes, in Xen's segment_register format (12 bits). */
    uint32_t tr_arbytes;
    /** LDTR attributes, in Xen's segment_register format (12 bits). */
    uint32_t ldtr_arbytes;
    /** MSR_IA32_SYSENTER_CS. */
    uint64_t sysenter_cs;
    /** MSR_IA32_SYSENTER_ESP. */
    uint64_t sysenter_esp;
    /** MSR_IA32_SYSENTER_EIP. */
    uint64_t sysenter_eip;
    /** MSR_SHADOW_GS_BASE (the GS base SWAPGS swaps in). */
    uint64_t shadow_gs;
    /** Obsolete, ignored. */
    uint64_t msr_flags;
    /** MSR_LSTAR. */
    uint64_t msr_lstar;
    /** MSR_STAR. */
    uint64_t msr_star;
    /** MSR_CSTAR. */
    uint64_t msr_cstar;
    /** MSR_SYSCALL_MASK (SFMASK). */
    uint64_t msr_syscall_mask;
    /** MSR_EFER. */
    uint64_t msr_efer;
    /** The guest's TSC. */
    uint64_t tsc;
    /** Pending event: vector 0-7, type 8-10, error code valid 11, valid 31 (a union with bit-fields in C). */
    uint32_t pending_event;
    /** Error code of the pending event. */
    uint32_t error_code;
};
typedef struct hvm_hw_cpu_compat hvm_hw_cpu_compat_t;
XEN_RS_CHECK(hvm_hw_cpu_compat_size, sizeof(struct hvm_hw_cpu_compat) == 1016);
XEN_RS_CHECK(hvm_hw_cpu_compat__fpu_regs, offsetof(struct hvm_hw_cpu_compat, fpu_regs) == 0);
XEN_RS_CHECK(hvm_hw_cpu_compat__rax, offsetof(struct hvm_hw_cpu_compat, rax) == 512);
XEN_RS_CHECK(hvm_hw_cpu_compat__rbx, offsetof(struct hvm_hw_cpu_compat, rbx) == 520);
XEN_RS_CHECK(hvm_hw_cpu_compat__rcx, offsetof(struct hvm_hw_cpu_compat, rcx) == 528);
XEN_RS_CHECK(hvm_hw_cpu_compat__rdx, offsetof(struct hvm_hw_cpu_compat, rdx) == 536);
XEN_RS_CHECK(hvm_hw_cpu_compat__rbp, offsetof(struct hvm_hw_cpu_compat, rbp) == 544);
XEN_RS_CHECK(hvm_hw_cpu_compat__rsi, offsetof(struct hvm_hw_cpu_compat, rsi) == 552);
XEN_RS_CHECK(hvm_hw_cpu_compat__rdi, offsetof(struct hvm_hw_cpu_compat, rdi) == 560);
XEN_RS_CHECK(hvm_hw_cpu_compat__rsp, offsetof(struct hvm_hw_cpu_compat, rsp) == 568);
XEN_RS_CHECK(hvm_hw_cpu_compat__r8, offsetof(struct hvm_hw_cpu_compat, r8) == 576);
XEN_RS_CHECK(hvm_hw_cpu_compat__r9, offsetof(struct hvm_hw_cpu_compat, r9) == 584);
XEN_RS_CHECK(hvm_hw_cpu_compat__r10, offsetof(struct hvm_hw_cpu_compat, r10) == 592);
XEN_RS_CHECK(hvm_hw_cpu_compat__r11, offsetof(struct hvm_hw_cpu_compat, r11) == 600);
XEN_RS_CHECK(hvm_hw_cpu_compat__r12, offsetof(struct hvm_hw_cpu_compat, r12) == 608);
XEN_RS_CHECK(hvm_hw_cpu_compat__r13, offsetof(struct hvm_hw_cpu_compat, r13) == 616);
XEN_RS_CHECK(hvm_hw_cpu_compat__r14, offsetof(struct hvm_hw_cpu_compat, r14) == 624);
XEN_RS_CHECK(hvm_hw_cpu_compat__r15, offsetof(struct hvm_hw_cpu_compat, r15) == 632);
XEN_RS_CHECK(hvm_hw_cpu_compat__rip, offsetof(struct hvm_hw_cpu_compat, rip) == 640);
XEN_RS_CHECK(hvm_hw_cpu_compat__rflags, offsetof(struct hvm_hw_cpu_compat, rflags) == 648);
XEN_RS_CHECK(hvm_hw_cpu_compat__cr0, offsetof(struct hvm_hw_cpu_compat, cr0) == 656);
XEN_RS_CHECK(hvm_hw_cpu_compat__cr2, offsetof(struct hvm_hw_cpu_compat, cr2) == 664);
XEN_RS_CHECK(hvm_hw_cpu_compat__cr3, offsetof(struct hvm_hw_cpu_compat, cr3) == 672);
XEN_RS_CHECK(hvm_hw_cpu_compat__cr4, offsetof(struct hvm_hw_cpu_compat, cr4) == 680);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr0, offsetof(struct hvm_hw_cpu_compat, dr0) == 688);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr1, offsetof(struct hvm_hw_cpu_compat, dr1) == 696);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr2, offsetof(struct hvm_hw_cpu_compat, dr2) == 704);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr3, offsetof(struct hvm_hw_cpu_compat, dr3) == 712);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr6, offsetof(struct hvm_hw_cpu_compat, dr6) == 720);
XEN_RS_CHECK(hvm_hw_cpu_compat__dr7, offsetof(struct hvm_hw_cpu_compat, dr7) == 728);
XEN_RS_CHECK(hvm_hw_cpu_compat__cs_sel, offsetof(struct hvm_hw_cpu_compat, cs_sel) == 736);
XEN_RS_CHECK(hvm_hw_cpu_compat__ds_sel, offsetof(struct hvm_hw_cpu_compat, ds_sel) == 740);
XEN_RS_CHECK(hvm_hw_cpu_compat__es_sel, offsetof(struct hvm_hw_cpu_compat, es_sel) == 744);
XEN_RS_CHECK(hvm_hw_cpu_compat__fs_sel, offsetof(struct hvm_hw_cpu_compat, fs_sel) == 748);
XEN_RS_CHECK(hvm_hw_cpu_compat__gs_sel, offsetof(struct hvm_hw_cpu_compat, gs_sel) == 752);
XEN_RS_CHECK(hvm_hw_cpu_compat__ss_sel, offsetof(struct hvm_hw_cpu_compat, ss_sel) == 756);
XEN_RS_CHECK(hvm_hw_cpu_compat__tr_sel, offsetof(struct hvm_hw_cpu_compat, tr_sel) == 760);
XEN_RS_CHECK(hvm_hw_cpu_compat__ldtr_sel, offsetof(struct hvm_hw_cpu_compat, ldtr_sel) == 764);
XEN_RS_CHECK(hvm_hw_cpu_compat__cs_limit, offsetof(struct hvm_hw_cpu_compat, cs_limit) == 768);
XEN_RS_CHECK(hvm_hw_cpu_compat__ds_limit, offsetof(struct hvm_hw_cpu_compat, ds_limit) == 772);
XEN_RS_CHECK(hvm_hw_cpu_compat__es_limit, offsetof(struct hvm_hw_cpu_compat, es_limit) == 776);
XEN_RS_CHECK(hvm_hw_cpu_compat__fs_limit, offsetof(struct hvm_hw_cpu_compat, fs_limit) == 780);
XEN_RS_CHECK(hvm_hw_cpu_compat__gs_limit, offsetof(struct hvm_hw_cpu_compat, gs_limit) == 784);
XEN_RS_CHECK(hvm_hw_cpu_compat__ss_limit, offsetof(struct hvm_hw_cpu_compat, ss_limit) == 788);
XEN_RS_CHECK(hvm_hw_cpu_compat__tr_limit, offsetof(struct hvm_hw_cpu_compat, tr_limit) == 792);
XEN_RS_CHECK(hvm_hw_cpu_compat__ldtr_limit, offsetof(struct hvm_hw_cpu_compat, ldtr_limit) == 796);
XEN_RS_CHECK(hvm_hw_cpu_compat__idtr_limit, offsetof(struct hvm_hw_cpu_compat, idtr_limit) == 800);
XEN_RS_CHECK(hvm_hw_cpu_compat__gdtr_limit, offsetof(struct hvm_hw_cpu_compat, gdtr_limit) == 804);
XEN_RS_CHECK(hvm_hw_cpu_compat__cs_base, offsetof(struct hvm_hw_cpu_compat, cs_base) == 808);
XEN_RS_CHECK(hvm_hw_cpu_compat__ds_base, offsetof(struct hvm_hw_cpu_compat, ds_base) == 816);
XEN_RS_CHECK(hvm_hw_cpu_compat__es_base, offsetof(struct hvm_hw_cpu_compat, es_base) == 824);
XEN_RS_CHECK(hvm_hw_cpu_compat__fs_base, offsetof(struct hvm_hw_cpu_compat, fs_base) == 832);
XEN_RS_CHECK(hvm_hw_cpu_compat__gs_base, offsetof(struct hvm_hw_cpu_compat, gs_base) == 840);
XEN_RS_CHECK(hvm_hw_cpu_compat__ss_base, offsetof(struct hvm_hw_cpu_compat, ss_base) == 848);
XEN_RS_CHECK(hvm_hw_cpu_compat__tr_base, offsetof(struct hvm_hw_cpu_compat, tr_base) == 856);
XEN_RS_CHECK(hvm_hw_cpu_compat__ldtr_base, offsetof(struct hvm_hw_cpu_compat, ldtr_base) == 864);
XEN_RS_CHECK(hvm_hw_cpu_compat__idtr_base, offsetof(struct hvm_hw_cpu_compat, idtr_base) == 872);
XEN_RS_CHECK(hvm_hw_cpu_compat__gdtr_base, offsetof(struct hvm_hw_cpu_compat, gdtr_base) == 880);
XEN_RS_CHECK(hvm_hw_cpu_compat__cs_arbytes, offsetof(struct hvm_hw_cpu_compat, cs_arbytes) == 888);
XEN_RS_CHECK(hvm_hw_cpu_compat__ds_arbytes, offsetof(struct hvm_hw_cpu_compat, ds_arbytes) == 892);
XEN_RS_CHECK(hvm_hw_cpu_compat__es_arbytes, offsetof(struct hvm_hw_cpu_compat, es_arbytes) == 896);
XEN_RS_CHECK(hvm_hw_cpu_compat__fs_arbytes, offsetof(struct hvm_hw_cpu_compat, fs_arbytes) == 900);
XEN_RS_CHECK(hvm_hw_cpu_compat__gs_arbytes, offsetof(struct hvm_hw_cpu_compat, gs_arbytes) == 904);
XEN_RS_CHECK(hvm_hw_cpu_compat__ss_arbytes, offsetof(struct hvm_hw_cpu_compat, ss_arbytes) == 908);
XEN_RS_CHECK(hvm_hw_cpu_compat__tr_arbytes, offsetof(struct hvm_hw_cpu_compat, tr_arbytes) == 912);
XEN_RS_CHECK(hvm_hw_cpu_compat__ldtr_arbytes, offsetof(struct hvm_hw_cpu_compat, ldtr_arbytes) == 916);
XEN_RS_CHECK(hvm_hw_cpu_compat__sysenter_cs, offsetof(struct hvm_hw_cpu_compat, sysenter_cs) == 920);
XEN_RS_CHECK(hvm_hw_cpu_compat__sysenter_esp, offsetof(struct hvm_hw_cpu_compat, sysenter_esp) == 928);
XEN_RS_CHECK(hvm_hw_cpu_compat__sysenter_eip, offsetof(struct hvm_hw_cpu_compat, sysenter_eip) == 936);
XEN_RS_CHECK(hvm_hw_cpu_compat__shadow_gs, offsetof(struct hvm_hw_cpu_compat, shadow_gs) == 944);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_flags, offsetof(struct hvm_hw_cpu_compat, msr_flags) == 952);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_lstar, offsetof(struct hvm_hw_cpu_compat, msr_lstar) == 960);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_star, offsetof(struct hvm_hw_cpu_compat, msr_star) == 968);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_cstar, offsetof(struct hvm_hw_cpu_compat, msr_cstar) == 976);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_syscall_mask, offsetof(struct hvm_hw_cpu_compat, msr_syscall_mask) == 984);
XEN_RS_CHECK(hvm_hw_cpu_compat__msr_efer, offsetof(struct hvm_hw_cpu_compat, msr_efer) == 992);
XEN_RS_CHECK(hvm_hw_cpu_compat__tsc, offsetof(struct hvm_hw_cpu_compat, tsc) == 1000);
XEN_RS_CHECK(hvm_hw_cpu_compat__pending_event, offsetof(struct hvm_hw_cpu_compat, pending_event) == 1008);
XEN_RS_CHECK(hvm_hw_cpu_compat__error_code, offsetof(struct hvm_hw_cpu_compat, error_code) == 1012);

/** The MTRR record: one vCPU's PAT and MTRR MSRs. */
struct hvm_hw_mtrr {
    /** MSR_IA32_CR_PAT. */
    uint64_t msr_pat_cr;
    /** The variable ranges: PHYSBASE, PHYSMASK pairs (MTRR_VCNT of them). */
    uint64_t msr_mtrr_var[16];
    /** The fixed ranges (NUM_FIXED_MSR of them). */
    uint64_t msr_mtrr_fixed[11];
    /** MSR_MTRRcap. */
    uint64_t msr_mtrr_cap;
    /** MSR_MTRRdefType. */
    uint64_t msr_mtrr_def_type;
};
typedef struct hvm_hw_mtrr hvm_hw_mtrr_t;
XEN_RS_CHECK(hvm_hw_mtrr_size, sizeof(struct hvm_hw_mtrr) == 240);
XEN_RS_CHECK(hvm_hw_mtrr__msr_pat_cr, offsetof(struct hvm_hw_mtrr, msr_pat_cr) == 0);
XEN_RS_CHECK(hvm_hw_mtrr__msr_mtrr_var, offsetof(struct hvm_hw_mtrr, msr_mtrr_var) == 8);
XEN_RS_CHECK(hvm_hw_mtrr__msr_mtrr_fixed, offsetof(struct hvm_hw_mtrr, msr_mtrr_fixed) == 136);
XEN_RS_CHECK(hvm_hw_mtrr__msr_mtrr_cap, offsetof(struct hvm_hw_mtrr, msr_mtrr_cap) == 224);
XEN_RS_CHECK(hvm_hw_mtrr__msr_mtrr_def_type, offsetof(struct hvm_hw_mtrr, msr_mtrr_def_type) == 232);

/** The XSAVE header inside hvm_hw_cpu_xsave's save area. */
struct hvm_hw_cpu_xsave_hdr {
    /** XSTATE_BV. */
    uint64_t xstate_bv;
    /** XCOMP_BV. */
    uint64_t xcomp_bv;
    /** Reserved. */
    uint64_t reserved[6];
};
typedef struct hvm_hw_cpu_xsave_hdr hvm_hw_cpu_xsave_hdr_t;
XEN_RS_CHECK(hvm_hw_cpu_xsave_hdr_size, sizeof(struct hvm_hw_cpu_xsave_hdr) == 64);
XEN_RS_CHECK(hvm_hw_cpu_xsave_hdr__xstate_bv, offsetof(struct hvm_hw_cpu_xsave_hdr, xstate_bv) == 0);
XEN_RS_CHECK(hvm_hw_cpu_xsave_hdr__xcomp_bv, offsetof(struct hvm_hw_cpu_xsave_hdr, xcomp_bv) == 8);
XEN_RS_CHECK(hvm_hw_cpu_xsave_hdr__reserved, offsetof(struct hvm_hw_cpu_xsave_hdr, reserved) == 16);

/** The XSAVE record (CPU_XSAVE_CODE); the save area continues past the struct. */
struct hvm_hw_cpu_xsave {
    /** Ignored. */
    uint64_t xfeature_mask;
    /** XCR0. */
    uint64_t xcr0;
    /** Every XCR0 bit ever set. */
    uint64_t xcr0_accum;
    /** The legacy FXSAVE area then the struct hvm_hw_cpu_xsave_hdr (a nested struct in C). */
    uint8_t save_area[576];
};
typedef struct hvm_hw_cpu_xsave hvm_hw_cpu_xsave_t;
XEN_RS_CHECK(hvm_hw_cpu_xsave_size, sizeof(struct hvm_hw_cpu_xsave) == 600);
XEN_RS_CHECK(hvm_hw_cpu_xsave__xfeature_mask, offsetof(struct hvm_hw_cpu_xsave, xfeature_mask) == 0);
XEN_RS_CHECK(hvm_hw_cpu_xsave__xcr0, offsetof(struct hvm_hw_cpu_xsave, xcr0) == 8);
XEN_RS_CHECK(hvm_hw_cpu_xsave__xcr0_accum, offsetof(struct hvm_hw_cpu_xsave, xcr0_accum) == 16);
XEN_RS_CHECK(hvm_hw_cpu_xsave__save_area, offsetof(struct hvm_hw_cpu_xsave, save_area) == 24);

#endif /* XEN_RS_ARCH_X86_HVM_SAVE_H */
