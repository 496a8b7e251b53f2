//! Two tiny built-in dom0 kernels for bringing up the vCPU path before a real one is loaded
//! (`test_guest=smoke` and `test_guest=triple-fault` on the command line): 32-bit code, paging
//! off, loaded at [`LOAD_ADDRESS`]. The first installs the hypercall page through Xen's CPUID MSR
//! (at 0x10_2000), prints a line with CONSOLEIO_write and powers off with
//! SCHEDOP_shutdown; the second loads an empty IDT and executes int3, a triple fault.

/// Where the code goes in dom0's memory (guest-physical).
pub const LOAD_ADDRESS: u64 = 0x10_0000;

core::arch::global_asm!(
    r#"
    .pushsection .rodata.smoke_guest, "a"
    .code32
    .global smoke_guest_start
    .global smoke_guest_end
smoke_guest_start:
    mov $0x9f000, %esp
    mov $0x40000000, %eax
    cpuid
    mov %eax, %ecx                          /* 0x40000000: the Xen leaves' base is the MSR */
    mov $0x40000000, %ecx
    mov $0x102000, %eax
    xor %edx, %edx
    wrmsr                                   /* install the hypercall page */
    xor %ebx, %ebx                          /* CONSOLEIO_write */
    mov $(.Lmsg_end - .Lmsg), %ecx
    mov $(0x100000 + (.Lmsg - smoke_guest_start)), %edx
    mov $(0x102000 + 18 * 32), %eax         /* __HYPERVISOR_console_io */
    call *%eax
    mov $2, %ebx                            /* SCHEDOP_shutdown */
    mov $(0x100000 + (.Lreason - smoke_guest_start)), %ecx
    mov $(0x102000 + 29 * 32), %eax         /* __HYPERVISOR_sched_op */
    call *%eax
    hlt
.Lmsg:
    .ascii "xen-rs smoke guest: hello from dom0\n"
.Lmsg_end:
    .balign 4
.Lreason:
    .long 0                                 /* SHUTDOWN_poweroff */
smoke_guest_end:

    .global triple_fault_guest_start
    .global triple_fault_guest_end
triple_fault_guest_start:
    lidt (0x100000 + (.Lnull_idt - triple_fault_guest_start))
    int3
.Lnull_idt:
    .short 0
    .long 0
triple_fault_guest_end:
    .code64
    .popsection
    "#,
    options(att_syntax)
);

extern "C" {
    static smoke_guest_start: u8;
    static smoke_guest_end: u8;
    static triple_fault_guest_start: u8;
    static triple_fault_guest_end: u8;
}

fn bytes(start: *const u8, end: *const u8) -> &'static [u8] {
    // SAFETY: both symbols delimit one blob in the image's read-only data (the global_asm above),
    // which lives as long as the hypervisor and is never written.
    unsafe { core::slice::from_raw_parts(start, end as usize - start as usize) }
}

/// The code of the smoke guest.
pub fn smoke() -> &'static [u8] {
    bytes(
        core::ptr::addr_of!(smoke_guest_start),
        core::ptr::addr_of!(smoke_guest_end),
    )
}

/// The code of the triple-fault guest.
pub fn triple_fault() -> &'static [u8] {
    bytes(
        core::ptr::addr_of!(triple_fault_guest_start),
        core::ptr::addr_of!(triple_fault_guest_end),
    )
}
