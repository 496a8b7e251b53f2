/* xen-rs/hvm/hvm_vcpu.h: Xen's public/hvm/hvm_vcpu.h, as xen-rs implements it (x86-64). */
/* Generated from the xen-public registry by xen-public/examples/gen_headers.rs; do not edit (run ./x headers). */
#ifndef XEN_RS_HVM_HVM_VCPU_H
#define XEN_RS_HVM_HVM_VCPU_H

#include "../abi-types.h"

/** vcpu_hvm_context.mode: use the 32-bit registers. */
#define VCPU_HVM_MODE_32B 0
/** vcpu_hvm_context.mode: use the 64-bit registers. */
#define VCPU_HVM_MODE_64B 1

/** 32-bit protected-mode register state. */
struct vcpu_hvm_x86_32 {
    /** eax. */
    uint32_t eax;
    /** ecx. */
    uint32_t ecx;
    /** edx. */
    uint32_t edx;
    /** ebx. */
    uint32_t ebx;
    /** esp. */
    uint32_t esp;
    /** ebp. */
    uint32_t ebp;
    /** esi. */
    uint32_t esi;
    /** edi. */
    uint32_t edi;
    /** eip. */
    uint32_t eip;
    /** eflags. */
    uint32_t eflags;
    /** cr0. */
    uint32_t cr0;
    /** cr3. */
    uint32_t cr3;
    /** cr4. */
    uint32_t cr4;
    /** Reserved. */
    uint32_t pad1;
    /** EFER. */
    uint64_t efer;
    /** CS base. */
    uint32_t cs_base;
    /** DS base. */
    uint32_t ds_base;
    /** SS base. */
    uint32_t ss_base;
    /** ES base. */
    uint32_t es_base;
    /** TR base. */
    uint32_t tr_base;
    /** CS limit. */
    uint32_t cs_limit;
    /** DS limit. */
    uint32_t ds_limit;
    /** SS limit. */
    uint32_t ss_limit;
    /** ES limit. */
    uint32_t es_limit;
    /** TR limit. */
    uint32_t tr_limit;
    /** CS access rights. */
    uint16_t cs_ar;
    /** DS access rights. */
    uint16_t ds_ar;
    /** SS access rights. */
    uint16_t ss_ar;
    /** ES access rights. */
    uint16_t es_ar;
    /** TR access rights. */
    uint16_t tr_ar;
    /** Reserved. */
    uint16_t pad2[3];
};
typedef struct vcpu_hvm_x86_32 vcpu_hvm_x86_32_t;
XEN_RS_CHECK(vcpu_hvm_x86_32_size, sizeof(struct vcpu_hvm_x86_32) == 120);
XEN_RS_CHECK(vcpu_hvm_x86_32__eax, offsetof(struct vcpu_hvm_x86_32, eax) == 0);
XEN_RS_CHECK(vcpu_hvm_x86_32__ecx, offsetof(struct vcpu_hvm_x86_32, ecx) == 4);
XEN_RS_CHECK(vcpu_hvm_x86_32__edx, offsetof(struct vcpu_hvm_x86_32, edx) == 8);
XEN_RS_CHECK(vcpu_hvm_x86_32__ebx, offsetof(struct vcpu_hvm_x86_32, ebx) == 12);
XEN_RS_CHECK(vcpu_hvm_x86_32__esp, offsetof(struct vcpu_hvm_x86_32, esp) == 16);
XEN_RS_CHECK(vcpu_hvm_x86_32__ebp, offsetof(struct vcpu_hvm_x86_32, ebp) == 20);
XEN_RS_CHECK(vcpu_hvm_x86_32__esi, offsetof(struct vcpu_hvm_x86_32, esi) == 24);
XEN_RS_CHECK(vcpu_hvm_x86_32__edi, offsetof(struct vcpu_hvm_x86_32, edi) == 28);
XEN_RS_CHECK(vcpu_hvm_x86_32__eip, offsetof(struct vcpu_hvm_x86_32, eip) == 32);
XEN_RS_CHECK(vcpu_hvm_x86_32__eflags, offsetof(struct vcpu_hvm_x86_32, eflags) == 36);
XEN_RS_CHECK(vcpu_hvm_x86_32__cr0, offsetof(struct vcpu_hvm_x86_32, cr0) == 40);
XEN_RS_CHECK(vcpu_hvm_x86_32__cr3, offsetof(struct vcpu_hvm_x86_32, cr3) == 44);
XEN_RS_CHECK(vcpu_hvm_x86_32__cr4, offsetof(struct vcpu_hvm_x86_32, cr4) == 48);
XEN_RS_CHECK(vcpu_hvm_x86_32__pad1, offsetof(struct vcpu_hvm_x86_32, pad1) == 52);
XEN_RS_CHECK(vcpu_hvm_x86_32__efer, offsetof(struct vcpu_hvm_x86_32, efer) == 56);
XEN_RS_CHECK(vcpu_hvm_x86_32__cs_base, offsetof(struct vcpu_hvm_x86_32, cs_base) == 64);
XEN_RS_CHECK(vcpu_hvm_x86_32__ds_base, offsetof(struct vcpu_hvm_x86_32, ds_base) == 68);
XEN_RS_CHECK(vcpu_hvm_x86_32__ss_base, offsetof(struct vcpu_hvm_x86_32, ss_base) == 72);
XEN_RS_CHECK(vcpu_hvm_x86_32__es_base, offsetof(struct vcpu_hvm_x86_32, es_base) == 76);
XEN_RS_CHECK(vcpu_hvm_x86_32__tr_base, offsetof(struct vcpu_hvm_x86_32, tr_base) == 80);
XEN_RS_CHECK(vcpu_hvm_x86_32__cs_limit, offsetof(struct vcpu_hvm_x86_32, cs_limit) == 84);
XEN_RS_CHECK(vcpu_hvm_x86_32__ds_limit, offsetof(struct vcpu_hvm_x86_32, ds_limit) == 88);
XEN_RS_CHECK(vcpu_hvm_x86_32__ss_limit, offsetof(struct vcpu_hvm_x86_32, ss_limit) == 92);
XEN_RS_CHECK(vcpu_hvm_x86_32__es_limit, offsetof(struct vcpu_hvm_x86_32, es_limit) == 96);
XEN_RS_CHECK(vcpu_hvm_x86_32__tr_limit, offsetof(struct vcpu_hvm_x86_32, tr_limit) == 100);
XEN_RS_CHECK(vcpu_hvm_x86_32__cs_ar, offsetof(struct vcpu_hvm_x86_32, cs_ar) == 104);
XEN_RS_CHECK(vcpu_hvm_x86_32__ds_ar, offsetof(struct vcpu_hvm_x86_32, ds_ar) == 106);
XEN_RS_CHECK(vcpu_hvm_x86_32__ss_ar, offsetof(struct vcpu_hvm_x86_32, ss_ar) == 108);
XEN_RS_CHECK(vcpu_hvm_x86_32__es_ar, offsetof(struct vcpu_hvm_x86_32, es_ar) == 110);
XEN_RS_CHECK(vcpu_hvm_x86_32__tr_ar, offsetof(struct vcpu_hvm_x86_32, tr_ar) == 112);
XEN_RS_CHECK(vcpu_hvm_x86_32__pad2, offsetof(struct vcpu_hvm_x86_32, pad2) == 114);

/** 64-bit long-mode register state (flat segments). */
struct vcpu_hvm_x86_64 {
    /** rax. */
    uint64_t rax;
    /** rcx. */
    uint64_t rcx;
    /** rdx. */
    uint64_t rdx;
    /** rbx. */
    uint64_t rbx;
    /** rsp. */
    uint64_t rsp;
    /** rbp. */
    uint64_t rbp;
    /** rsi. */
    uint64_t rsi;
    /** rdi. */
    uint64_t rdi;
    /** rip. */
    uint64_t rip;
    /** rflags. */
    uint64_t rflags;
    /** cr0. */
    uint64_t cr0;
    /** cr3. */
    uint64_t cr3;
    /** cr4. */
    uint64_t cr4;
    /** EFER. */
    uint64_t efer;
};
typedef struct vcpu_hvm_x86_64 vcpu_hvm_x86_64_t;
XEN_RS_CHECK(vcpu_hvm_x86_64_size, sizeof(struct vcpu_hvm_x86_64) == 112);
XEN_RS_CHECK(vcpu_hvm_x86_64__rax, offsetof(struct vcpu_hvm_x86_64, rax) == 0);
XEN_RS_CHECK(vcpu_hvm_x86_64__rcx, offsetof(struct vcpu_hvm_x86_64, rcx) == 8);
XEN_RS_CHECK(vcpu_hvm_x86_64__rdx, offsetof(struct vcpu_hvm_x86_64, rdx) == 16);
XEN_RS_CHECK(vcpu_hvm_x86_64__rbx, offsetof(struct vcpu_hvm_x86_64, rbx) == 24);
XEN_RS_CHECK(vcpu_hvm_x86_64__rsp, offsetof(struct vcpu_hvm_x86_64, rsp) == 32);
XEN_RS_CHECK(vcpu_hvm_x86_64__rbp, offsetof(struct vcpu_hvm_x86_64, rbp) == 40);
XEN_RS_CHECK(vcpu_hvm_x86_64__rsi, offsetof(struct vcpu_hvm_x86_64, rsi) == 48);
XEN_RS_CHECK(vcpu_hvm_x86_64__rdi, offsetof(struct vcpu_hvm_x86_64, rdi) == 56);
XEN_RS_CHECK(vcpu_hvm_x86_64__rip, offsetof(struct vcpu_hvm_x86_64, rip) == 64);
XEN_RS_CHECK(vcpu_hvm_x86_64__rflags, offsetof(struct vcpu_hvm_x86_64, rflags) == 72);
XEN_RS_CHECK(vcpu_hvm_x86_64__cr0, offsetof(struct vcpu_hvm_x86_64, cr0) == 80);
XEN_RS_CHECK(vcpu_hvm_x86_64__cr3, offsetof(struct vcpu_hvm_x86_64, cr3) == 88);
XEN_RS_CHECK(vcpu_hvm_x86_64__cr4, offsetof(struct vcpu_hvm_x86_64, cr4) == 96);
XEN_RS_CHECK(vcpu_hvm_x86_64__efer, offsetof(struct vcpu_hvm_x86_64, efer) == 104);

/** Initial state of an HVM vCPU. */
struct vcpu_hvm_context {
    /** VCPU_HVM_MODE_*. */
    uint32_t mode;
    /** Reserved. */
    uint32_t pad;
    /** vcpu_hvm_x86_32 or vcpu_hvm_x86_64 as selected by `mode` (C: a union). */
    uint64_t cpu_regs[15];
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;
XEN_RS_CHECK(vcpu_hvm_context_size, sizeof(struct vcpu_hvm_context) == 128);
XEN_RS_CHECK(vcpu_hvm_context__mode, offsetof(struct vcpu_hvm_context, mode) == 0);
XEN_RS_CHECK(vcpu_hvm_context__pad, offsetof(struct vcpu_hvm_context, pad) == 4);
XEN_RS_CHECK(vcpu_hvm_context__cpu_regs, offsetof(struct vcpu_hvm_context, cpu_regs) == 8);

#endif /* XEN_RS_HVM_HVM_VCPU_H */
