//! The IDT and CPU exception reporting.
//!
//! Every exception vector (0-31) has a small assembly stub that makes the stack uniform (a dummy error
//! code where the CPU pushes none, then the vector), saves the general registers and calls
//! [`exception_entry`] with a pointer to the resulting [`ExceptionFrame`]. For now every exception
//! taken in the hypervisor is fatal: it is reported the way Xen reports a fatal trap and the machine is
//! stopped with a failure code. Guest-caused events will never arrive here: they come back as VM exits.

use core::fmt::{self, Write};

use crate::console::emergency_print;
use crate::cpu::{exit_machine, read_cr0, read_cr2, read_cr3, read_cr4, QemuExitCode};
use crate::gdt::{IST_DOUBLE_FAULT, IST_MACHINE_CHECK, IST_NMI};

/// Number of architecturally defined exception vectors.
pub const NR_EXCEPTIONS: usize = 32;

/// Vector numbers Xen's traps.c names specially.
pub const TRAP_NMI: u8 = 2;
/// Double fault.
pub const TRAP_DOUBLE_FAULT: u8 = 8;
/// Page fault.
pub const TRAP_PAGE_FAULT: u8 = 14;
/// Machine check.
pub const TRAP_MACHINE_CHECK: u8 = 18;

/// Whether the CPU pushes an error code for this exception vector (SDM vol. 3, table 6-1).
pub const fn has_error_code(vector: u8) -> bool {
    matches!(vector, 8 | 10..=14 | 17 | 21 | 29 | 30)
}

/// Xen's names for the exception vectors (xen/arch/x86/traps.c, `trapstr`).
pub fn trap_name(vector: u64) -> &'static str {
    const NAMES: [&str; 22] = [
        "divide error",
        "debug",
        "nmi",
        "bkpt",
        "overflow",
        "bounds",
        "invalid opcode",
        "device not available",
        "double fault",
        "coprocessor segment",
        "invalid tss",
        "segment not found",
        "stack error",
        "general protection fault",
        "page fault",
        "spurious interrupt",
        "coprocessor error",
        "alignment check",
        "machine check",
        "simd error",
        "virtualisation exception",
        "control-flow protection",
    ];
    NAMES.get(vector as usize).copied().unwrap_or("???")
}

/// An interrupt gate (type 0xE: interrupts stay off in the handler) for `handler` in segment
/// `selector`, on IST slot `ist` (0 = the current stack), callable from privilege `dpl`. By hand:
/// the `x86_64` crate's IDT names each exception as a typed field and hides the reserved
/// vectors, where the stubs below fill the table by vector number.
pub const fn interrupt_gate(handler: u64, selector: u16, ist: u8, dpl: u8) -> [u64; 2] {
    let low = (handler & 0xffff)
        | (selector as u64) << 16
        | (ist as u64 & 0x7) << 32
        | (0x8e | (dpl as u64 & 0x3) << 5) << 40
        | ((handler >> 16) & 0xffff) << 48;
    [low, handler >> 32]
}

/// The IST slot each exception runs on: those that can arrive with a broken stack get their own.
pub const fn ist_for_vector(vector: u8) -> u8 {
    match vector {
        TRAP_DOUBLE_FAULT => IST_DOUBLE_FAULT,
        TRAP_NMI => IST_NMI,
        TRAP_MACHINE_CHECK => IST_MACHINE_CHECK,
        _ => 0,
    }
}

/// The stack as the exception stubs leave it: saved registers, then vector and error code, then
/// what the CPU pushed.
#[repr(C)]
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct ExceptionFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

// The stub pushes 15 registers after vector and error code; the frame must match it exactly.
const _: () = assert!(core::mem::offset_of!(ExceptionFrame, vector) == 15 * 8);
const _: () = assert!(core::mem::size_of::<ExceptionFrame>() == 22 * 8);

/// Control registers captured when a fatal trap is reported.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct ControlRegisters {
    pub cr0: u64,
    pub cr2: u64,
    pub cr3: u64,
    pub cr4: u64,
}

/// Writes the report of a fatal trap in the shape of Xen's (show_registers and fatal_trap in
/// xen/arch/x86/traps.c and x86_64/traps.c), so people who read Xen crash logs can read this one.
pub fn write_fatal_trap_report(
    out: &mut impl Write,
    frame: &ExceptionFrame,
    cr: &ControlRegisters,
) -> fmt::Result {
    let context = if frame.cs & 3 == 0 {
        "hypervisor"
    } else {
        "unknown"
    };
    writeln!(
        out,
        "----[ xen-rs-{}  x86_64  debug={} ]----",
        env!("CARGO_PKG_VERSION"),
        if cfg!(debug_assertions) { 'y' } else { 'n' }
    )?;
    writeln!(out, "CPU:    0")?;
    writeln!(out, "RIP:    {:04x}:[<{:016x}>]", frame.cs, frame.rip)?;
    writeln!(out, "RFLAGS: {:016x}   CONTEXT: {}", frame.rflags, context)?;
    let f = frame;
    writeln!(
        out,
        "rax: {:016x}   rbx: {:016x}   rcx: {:016x}",
        f.rax, f.rbx, f.rcx
    )?;
    writeln!(
        out,
        "rdx: {:016x}   rsi: {:016x}   rdi: {:016x}",
        f.rdx, f.rsi, f.rdi
    )?;
    writeln!(
        out,
        "rbp: {:016x}   rsp: {:016x}   r8:  {:016x}",
        f.rbp, f.rsp, f.r8
    )?;
    writeln!(
        out,
        "r9:  {:016x}   r10: {:016x}   r11: {:016x}",
        f.r9, f.r10, f.r11
    )?;
    writeln!(
        out,
        "r12: {:016x}   r13: {:016x}   r14: {:016x}",
        f.r12, f.r13, f.r14
    )?;
    writeln!(
        out,
        "r15: {:016x}   cr0: {:016x}   cr4: {:016x}",
        f.r15, cr.cr0, cr.cr4
    )?;
    writeln!(out, "cr3: {:016x}   cr2: {:016x}", cr.cr3, cr.cr2)?;
    writeln!(out, "ss: {:04x}   cs: {:04x}", f.ss, f.cs)?;
    writeln!(out, "****************************************")?;
    writeln!(out, "Panic on CPU 0:")?;
    if frame.vector == u64::from(TRAP_PAGE_FAULT) {
        writeln!(out, "FATAL PAGE FAULT")?;
        writeln!(out, "[error_code={:04x}]", frame.error_code)?;
        writeln!(out, "Faulting linear address: {:016x}", cr.cr2)?;
    } else {
        writeln!(
            out,
            "FATAL TRAP: vector = {} ({})",
            frame.vector,
            trap_name(frame.vector)
        )?;
        writeln!(out, "[error_code={:04x}]", frame.error_code)?;
    }
    writeln!(out, "****************************************")
}

/// Where every exception stub lands. Exceptions in the hypervisor are fatal for now: report, then
/// stop the machine with a failure code. Never returns.
#[no_mangle]
extern "C" fn arch_x86_exception_entry(frame: &ExceptionFrame) -> ! {
    exception_entry(frame)
}

/// Reports a fatal trap on the console (without taking the console lock) and stops the machine.
pub fn exception_entry(frame: &ExceptionFrame) -> ! {
    let cr = ControlRegisters {
        cr0: read_cr0(),
        cr2: read_cr2(),
        cr3: read_cr3(),
        cr4: read_cr4(),
    };
    struct Emergency;
    impl Write for Emergency {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            emergency_print(format_args!("{s}"));
            Ok(())
        }
    }
    // `emergency_print` prefixes at the start of each call; feed it whole lines.
    let mut line = LineBuffer::new();
    let _ = write_fatal_trap_report(&mut line, frame, &cr);
    line.flush_into(&mut Emergency);
    exit_machine(QemuExitCode::Failure)
}

/// Collects the report so that it goes out line by line (each with its `(XEN) ` prefix) even though
/// the formatter writes fragments.
struct LineBuffer {
    buf: [u8; 4096],
    len: usize,
}

impl LineBuffer {
    const fn new() -> Self {
        LineBuffer {
            buf: [0; 4096],
            len: 0,
        }
    }

    fn flush_into(&self, out: &mut impl Write) {
        let text = core::str::from_utf8(&self.buf[..self.len]).unwrap_or("(unprintable report)\n");
        for line in text.split_inclusive('\n') {
            let _ = out.write_str(line);
        }
    }
}

impl Write for LineBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

#[cfg(target_os = "none")]
pub use bare_metal::load_boot_idt;

/// The IDT itself and the exception stubs: they only exist in the hypervisor image.
#[cfg(target_os = "none")]
mod bare_metal {
    use core::sync::atomic::{AtomicU64, Ordering};

    use super::{interrupt_gate, ist_for_vector, NR_EXCEPTIONS};
    use crate::gdt::HYPERVISOR_CS;

    /// The IDT. Atomics give it a stable, writable home without `static mut`.
    #[repr(C, align(16))]
    struct Idt([AtomicU64; 512]);

    static BOOT_IDT: Idt = Idt([const { AtomicU64::new(0) }; 512]);

    core::arch::global_asm!(
        r#"
        .section .text.arch_x86_exceptions, "ax"
        .macro EXC_NOERR vec
        .balign 16
    arch_x86_exc_\vec:
        pushq $0
        pushq $\vec
        jmp arch_x86_exception_common
        .endm
        .macro EXC_ERR vec
        .balign 16
    arch_x86_exc_\vec:
        pushq $\vec
        jmp arch_x86_exception_common
        .endm

        EXC_NOERR 0
        EXC_NOERR 1
        EXC_NOERR 2
        EXC_NOERR 3
        EXC_NOERR 4
        EXC_NOERR 5
        EXC_NOERR 6
        EXC_NOERR 7
        EXC_ERR 8
        EXC_NOERR 9
        EXC_ERR 10
        EXC_ERR 11
        EXC_ERR 12
        EXC_ERR 13
        EXC_ERR 14
        EXC_NOERR 15
        EXC_NOERR 16
        EXC_ERR 17
        EXC_NOERR 18
        EXC_NOERR 19
        EXC_NOERR 20
        EXC_ERR 21
        EXC_NOERR 22
        EXC_NOERR 23
        EXC_NOERR 24
        EXC_NOERR 25
        EXC_NOERR 26
        EXC_NOERR 27
        EXC_NOERR 28
        EXC_ERR 29
        EXC_ERR 30
        EXC_NOERR 31

        .balign 16
    arch_x86_exception_common:
        pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %rbp
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        cld
        movq %rsp, %rdi
        call arch_x86_exception_entry
        ud2

        /* The local APIC timer: caller-saved registers around the Rust handler, then IRETQ.
           The CPU's 40-byte frame leaves RSP 8 mod 16; nine pushes make the call aligned. */
        .balign 16
        .global arch_x86_apic_timer_stub
    arch_x86_apic_timer_stub:
        pushq %rax
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        cld
        call arch_x86_apic_timer_interrupt
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rdi
        popq %rsi
        popq %rdx
        popq %rcx
        popq %rax
        iretq

        /* A spurious APIC interrupt needs no EOI. */
        .balign 16
        .global arch_x86_spurious_stub
    arch_x86_spurious_stub:
        iretq

        .section .data.rel.ro.arch_x86_exception_stubs, "aw"
        .balign 8
        .global arch_x86_exception_stubs
    arch_x86_exception_stubs:
        .irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad arch_x86_exc_\vec
        .endr
        "#,
        options(att_syntax)
    );

    extern "C" {
        /// The entry addresses of the 32 exception stubs above, in vector order.
        static arch_x86_exception_stubs: [u64; NR_EXCEPTIONS];
        fn arch_x86_apic_timer_stub();
        fn arch_x86_spurious_stub();
    }

    /// Fills the IDT with the exception stubs and loads it. Bare metal only.
    pub fn load_boot_idt() {
        // SAFETY: the symbol is the table of 32 quadwords defined in the assembly above; it is
        // initialised at link time and never written.
        let stubs = unsafe { &arch_x86_exception_stubs };
        for (vector, &stub) in stubs.iter().enumerate() {
            let [low, high] = interrupt_gate(stub, HYPERVISOR_CS, ist_for_vector(vector as u8), 0);
            BOOT_IDT.0[2 * vector].store(low, Ordering::Relaxed);
            BOOT_IDT.0[2 * vector + 1].store(high, Ordering::Relaxed);
        }
        for (vector, stub) in [
            (
                crate::apic::TIMER_VECTOR,
                arch_x86_apic_timer_stub as *const () as u64,
            ),
            (
                crate::apic::SPURIOUS_VECTOR,
                arch_x86_spurious_stub as *const () as u64,
            ),
        ] {
            let [low, high] = interrupt_gate(stub, HYPERVISOR_CS, 0, 0);
            BOOT_IDT.0[2 * vector as usize].store(low, Ordering::Relaxed);
            BOOT_IDT.0[2 * vector as usize + 1].store(high, Ordering::Relaxed);
        }
        let pointer = x86_64::structures::DescriptorTablePointer {
            limit: (core::mem::size_of::<Idt>() - 1) as u16,
            base: x86_64::VirtAddr::new(&BOOT_IDT as *const Idt as u64),
        };
        // SAFETY: the IDT is a static that lives forever; every present gate points at a stub above, in
        // the code segment loaded by `gdt::load_boot_gdt`, with an IST slot that the TSS fills.
        unsafe { x86_64::instructions::tables::lidt(&pointer) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn gate_encoding_matches_the_sdm() {
        // Handler 0xffff_8000_1234_5678 in selector 0x08 on IST 1, DPL 0: SDM vol. 3, figure 6-8.
        let [low, high] = interrupt_gate(0xffff_8000_1234_5678, 0x08, 1, 0);
        assert_eq!(low & 0xffff, 0x5678, "offset 15:0");
        assert_eq!((low >> 16) & 0xffff, 0x08, "selector");
        assert_eq!((low >> 32) & 0x7, 1, "IST");
        assert_eq!(
            (low >> 40) & 0xff,
            0x8e,
            "present, DPL 0, 64-bit interrupt gate"
        );
        assert_eq!(low >> 48, 0x1234, "offset 31:16");
        assert_eq!(high, 0xffff_8000, "offset 63:32");
        let [low3, _] = interrupt_gate(0, 0x08, 0, 3);
        assert_eq!((low3 >> 45) & 3, 3, "DPL 3");
    }

    #[test]
    fn error_code_vectors() {
        let with: std::vec::Vec<u8> = (0..32).filter(|&v| has_error_code(v)).collect();
        assert_eq!(with, [8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);
    }

    #[test]
    fn faults_that_may_hit_a_bad_stack_get_their_own() {
        assert_eq!(ist_for_vector(8), IST_DOUBLE_FAULT);
        assert_eq!(ist_for_vector(2), IST_NMI);
        assert_eq!(ist_for_vector(18), IST_MACHINE_CHECK);
        assert_eq!(ist_for_vector(14), 0);
    }

    fn frame(vector: u64, error_code: u64) -> ExceptionFrame {
        ExceptionFrame {
            r15: 15,
            r14: 14,
            r13: 13,
            r12: 12,
            r11: 11,
            r10: 10,
            r9: 9,
            r8: 8,
            rbp: 0xb9,
            rdi: 0xd1,
            rsi: 0x51,
            rdx: 0xd4,
            rcx: 0xc4,
            rbx: 0xb4,
            rax: 0xa4,
            vector,
            error_code,
            rip: 0x20_1234,
            cs: 0x08,
            rflags: 0x10046,
            rsp: 0x30_0000,
            ss: 0x10,
        }
    }

    const CR: ControlRegisters = ControlRegisters {
        cr0: 0x8000_0033,
        cr2: 0xdead_0000_beef,
        cr3: 0x10_0000,
        cr4: 0x620,
    };

    #[test]
    fn fatal_trap_report_names_the_vector_and_every_register() {
        let mut s = String::new();
        write_fatal_trap_report(&mut s, &frame(6, 0), &CR).unwrap();
        assert!(
            s.contains("FATAL TRAP: vector = 6 (invalid opcode)\n"),
            "{s}"
        );
        assert!(s.contains("[error_code=0000]\n"), "{s}");
        assert!(s.contains("RIP:    0008:[<0000000000201234>]\n"), "{s}");
        assert!(s.contains("CONTEXT: hypervisor"), "{s}");
        for reg in [
            "rax: 00000000000000a4",
            "rbx: 00000000000000b4",
            "rcx: 00000000000000c4",
            "rdx: 00000000000000d4",
            "rsi: 0000000000000051",
            "rdi: 00000000000000d1",
            "rbp: 00000000000000b9",
            "rsp: 0000000000300000",
            "r8:  0000000000000008",
            "r15: 000000000000000f",
            "cr3: 0000000000100000",
        ] {
            assert!(s.contains(reg), "missing {reg} in\n{s}");
        }
    }

    #[test]
    fn page_fault_report_shows_the_faulting_address() {
        let mut s = String::new();
        write_fatal_trap_report(&mut s, &frame(14, 2), &CR).unwrap();
        assert!(s.contains("FATAL PAGE FAULT\n[error_code=0002]\n"), "{s}");
        assert!(
            s.contains("Faulting linear address: 0000dead0000beef\n"),
            "{s}"
        );
    }

    #[test]
    fn line_buffer_truncates_instead_of_overflowing() {
        let mut b = LineBuffer::new();
        for _ in 0..1000 {
            b.write_str("0123456789").unwrap();
        }
        assert_eq!(b.len, 4096);
    }
}
