//! The ELF notes Xen's PVH loader reads, and the 32-bit entry that gets to Rust.
//!
//! Xen's PVH dom0 builder (xen/arch/x86/hvm/dom0_build.c, pvh_load_kernel and pvh_setup_cpus)
//! loads the image, writes the command line and `hvm_start_info` after it, and starts the vCPU at
//! the XEN_ELFNOTE_PHYS32_ENTRY address in 32-bit protected mode: paging off, CR0 = PE|ET, flat
//! CS/DS/SS, interrupts off, EBX = physical address of `hvm_start_info` (docs/misc/pvh.pandoc).
//!
//! `pvh_start32` checks the start-info magic, clears .bss, identity-maps the first 1 GiB with
//! 2 MiB pages, loads its own GDT, enters long mode, enables SSE, sets up a 64 KiB stack and calls
//! [`crate::main`] with the start-info address. No Rust code runs before that call.

use xen_public::arch_x86::hvm::start_info::XEN_HVM_START_MAGIC_VALUE;
use xen_public::elfnote::{
    XEN_ELFNOTE_GUEST_OS, XEN_ELFNOTE_LOADER, XEN_ELFNOTE_PHYS32_ENTRY, XEN_ELFNOTE_XEN_VERSION,
};

core::arch::global_asm!(
    r#"
    /*
     * Notes named "Xen" (xen/common/libelf/libelf-dominfo.c, elf_xen_parse_note): strings are
     * NUL-terminated, PHYS32_ENTRY is a number (4 bytes here, as Linux writes it). With
     * PHYS32_ENTRY present Xen needs no other note for a PVH kernel (elf_xen_note_check); the
     * others are what a PV loader would also accept (loader "generic", Xen version "xen-3.0").
     */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 2f - 1f, {note_guest_os}
    .asciz "Xen"
1:  .asciz "xen-rs-guest"
2:  .balign 4
    .long 4, 2f - 1f, {note_xen_version}
    .asciz "Xen"
1:  .asciz "xen-3.0"
2:  .balign 4
    .long 4, 2f - 1f, {note_loader}
    .asciz "Xen"
1:  .asciz "generic"
2:  .balign 4
    .long 4, 2f - 1f, {note_phys32_entry}
    .asciz "Xen"
1:  .long pvh_start32
2:  .balign 4

    .section .text.pvh_start32, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    cmpl ${start_magic}, (%ebx)
    jne .Lbad_start_info
    movl %ebx, %esi                     /* hvm_start_info, kept in ESI until main */

    /* Clear .bss: the page tables, the stack and the hypercall page live there. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* PML4[0] -> PDPT; PDPT[0] -> PD; 512 2 MiB pages identity-map 0..1 GiB. */
    movl $boot_pdpt + 0x3, boot_pml4    /* present, writable */
    movl $boot_pd + 0x3, boot_pdpt
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax                      /* i * 2 MiB */
    orl $0x83, %eax                     /* present, writable, 2 MiB page */
    movl %eax, boot_pd(, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b

    movl %cr4, %eax
    orl $(1 << 5), %eax                 /* CR4.PAE */
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx              /* EFER */
    rdmsr
    orl $(1 << 8), %eax                 /* EFER.LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax               /* CR0.PG | CR0.PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $start64

.Lbad_start_info:
    /* No console before the hypercall page: fault (no IDT, so a triple fault Xen reports). */
    ud2

    .code64
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs

    /* SSE before any Rust code: CR0.EM = 0, CR0.MP = 1, CR4.OSFXSR | CR4.OSXMMEXCPT. */
    movq %cr0, %rax
    andq $~(1 << 2), %rax
    orq $(1 << 1), %rax
    movq %rax, %cr0
    movq %cr4, %rax
    orq $(3 << 9), %rax
    movq %rax, %cr4

    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %esi, %edi                     /* zero-extends: main(start_info_paddr) */
    call {main}
    ud2

    /* Writable: loading a segment sets the descriptor's accessed bit. */
    .section .data.boot_gdt, "aw"
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff            /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096
    /* Xen fills this page with its stubs when the guest writes its address to Xen's MSR. */
    .global hypercall_page
hypercall_page:
    .skip 4096
boot_stack:
    .skip 64 * 1024
boot_stack_top:
    "#,
    start_magic = const XEN_HVM_START_MAGIC_VALUE,
    note_guest_os = const XEN_ELFNOTE_GUEST_OS,
    note_xen_version = const XEN_ELFNOTE_XEN_VERSION,
    note_loader = const XEN_ELFNOTE_LOADER,
    note_phys32_entry = const XEN_ELFNOTE_PHYS32_ENTRY,
    main = sym entry,
    options(att_syntax)
);

/// Called by `start64` with the physical address of `hvm_start_info` (magic already checked).
extern "C" fn entry(start_info_paddr: u64) -> ! {
    crate::main(start_info_paddr)
}
