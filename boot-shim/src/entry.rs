//! The Multiboot2 header and the 32-bit entry point.
//!
//! GRUB jumps to `start32` in 32-bit protected mode, paging off, with the Multiboot2 magic in EAX and
//! the boot information's physical address in EBX. The entry checks both, clears .bss, checks for long
//! mode, identity-maps the first 4 GiB with 2 MiB pages, enters long mode, enables SSE, and calls
//! `xen_rs_main(mbi)` on the boot stack. No Rust code runs before that call.

core::arch::global_asm!(
    r#"
    .set MB2_MAGIC,        0xe85250d6
    .set MB2_ARCH_I386,    0
    .set MB2_LOADER_MAGIC, 0x36d76289

    /* The header GRUB looks for (Multiboot2 spec, 3.1). */
    .section .multiboot2_header, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Module alignment tag: modules start on page boundaries, as Xen asks too. */
    .balign 8
    .short 6
    .short 0
    .long 8
    /* End tag. */
    .balign 8
    .short 0
    .short 0
    .long 8
mb2_header_end:

    .section .text.entry32, "ax"
    .code32
    .global start32
start32:
    cli
    cld
    cmpl $MB2_LOADER_MAGIC, %eax
    jne .Lbad_magic
    movl %ebx, %esi                     /* boot information, kept in ESI until main */

    /* Clear .bss: the page tables and the stack live there. */
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    movl $boot_stack_top, %esp

    /* Long mode: CPUID 0x80000001 EDX bit 29. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb .Lno_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc .Lno_long_mode

    /* PML4[0] -> PDPT; PDPT[0..4] -> four page directories; 2048 2 MiB pages map 0..4 GiB. */
    movl $boot_pdpt + 0x3, boot_pml4    /* present, writable */
    movl $boot_pd + 0x3, %eax
    movl %eax, boot_pdpt
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 8
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 16
    addl $0x1000, %eax
    movl %eax, boot_pdpt + 24
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax                      /* i * 2 MiB; below 4 GiB, so the high half stays 0 */
    orl $0x83, %eax                     /* present, writable, 2 MiB page */
    movl %eax, boot_pd(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
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

.Lno_long_mode:
    movl $.Lmsg_no_long_mode, %esi
    jmp .Learly_fail
.Lbad_magic:
    movl $.Lmsg_bad_magic, %esi
    /* Print the message in ESI on COM1, then stop (QEMU's debug-exit reports failure). */
.Learly_fail:
    lodsb
    testb %al, %al
    jz 3f
    movb %al, %bl
    movw $0x3fd, %dx                    /* COM1 line status */
2:  inb %dx, %al
    testb $0x20, %al
    jz 2b
    movb %bl, %al
    movw $0x3f8, %dx
    outb %al, %dx
    jmp .Learly_fail
3:  movb $0x11, %al
    outb %al, $0xf4
4:  cli
    hlt
    jmp 4b

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
    movl %esi, %edi                     /* zero-extends: the high halves are undefined after the switch */
    call xen_rs_main
    ud2

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

.Lmsg_bad_magic:
    .asciz "xen-rs: not started by a Multiboot2 boot loader (bad magic in EAX)\r\n"
.Lmsg_no_long_mode:
    .asciz "xen-rs: this CPU has no long mode (x86-64); cannot boot\r\n"

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .balign 16
    /* 256 KiB: decompressing an xz kernel (the bzimage crate) builds xz4rust's 30 KB decoder
       on the stack before boxing it, about 60 KB deep; nothing guards the stack's end. */
boot_stack:
    .skip 256 * 1024
boot_stack_top:
    "#,
    options(att_syntax)
);
