//! The interface every hardware vCPU implementation offers (Xen's `hvm_funcs`): SVM now, VMX
//! later. The exit handlers (hvm_exit.rs) and the scheduler only see this trait, so the vendor is
//! chosen once at boot and nothing else depends on it.

use hypercall::hvm_guest::PagingState;
use xen_mm::p2m::fault::FaultAccess;

/// Why the guest stopped running, in vendor-neutral terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VmExit {
    /// A physical interrupt (the timer) arrived while the guest ran.
    ExternalInterrupt,
    /// CPUID (leaf in RAX, subleaf in RCX).
    Cpuid,
    /// RDMSR or WRMSR (index in RCX).
    Msr {
        /// WRMSR.
        write: bool,
    },
    /// VMMCALL / VMCALL: a hypercall.
    Hypercall,
    /// HLT.
    Hlt,
    /// An I/O port access the hypervisor intercepts.
    Io {
        /// The port.
        port: u16,
        /// Bytes: 1, 2 or 4.
        size: u8,
        /// IN (else OUT).
        input: bool,
        /// INS/OUTS (string forms).
        string: bool,
    },
    /// A triple fault (SVM's shutdown intercept, VMX's triple-fault exit).
    TripleFault,
    /// The guest became able to take an interrupt (the window asked for with
    /// [`HvmVcpu::request_interrupt_window`]).
    InterruptWindow,
    /// A nested page fault (NPF, EPT violation or misconfiguration).
    NestedPageFault {
        /// The guest-physical address.
        gpa: u64,
        /// The access that faulted.
        access: FaultAccess,
    },
    /// An EPT misconfiguration: an entry a lazy type change marked (Xen's `ept_handle_misconfig`).
    EptMisconfig {
        /// The guest-physical address.
        gpa: u64,
    },
    /// XSETBV (XCR index in RCX, value in EDX:EAX).
    Xsetbv,
    /// A virtualisation instruction the guest was told does not exist (VMRUN, VMLOAD, ...).
    VirtualisationInstruction,
    /// A MOV to CR4 the hypervisor checks (Xen's `hvm_set_cr4`): the source register when the
    /// vendor says which (VMX's exit qualification, SVM's decode assists), else `None` and the
    /// instruction has to be decoded.
    Cr4Write {
        /// The general register, in the encoding order.
        gpr: Option<u8>,
    },
    /// INVD or WBINVD.
    CacheFlush,
    /// MONITOR or MWAIT, which the guest was not offered.
    MonitorMwait,
    /// The hardware refused the vCPU's state at entry.
    InvalidState,
    /// Anything else, with the vendor's exit code.
    Other(u64),
}

/// The guest's general registers that a vendor's control block does not hold. Shared by SVM and
/// VMX so that the exit handlers read arguments one way.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestRegs {
    /// RBX.
    pub rbx: u64,
    /// RCX.
    pub rcx: u64,
    /// RDX.
    pub rdx: u64,
    /// RSI.
    pub rsi: u64,
    /// RDI.
    pub rdi: u64,
    /// RBP.
    pub rbp: u64,
    /// R8.
    pub r8: u64,
    /// R9.
    pub r9: u64,
    /// R10.
    pub r10: u64,
    /// R11.
    pub r11: u64,
    /// R12.
    pub r12: u64,
    /// R13.
    pub r13: u64,
    /// R14.
    pub r14: u64,
    /// R15.
    pub r15: u64,
}

impl GuestRegs {
    /// General register `n` in the encoding order (RAX 0, RCX 1, ... R15 15); `None` for RAX
    /// and RSP, which live in the vendor's control block.
    pub fn gpr_mut(&mut self, n: u8) -> Option<&mut u64> {
        Some(match n {
            1 => &mut self.rcx,
            2 => &mut self.rdx,
            3 => &mut self.rbx,
            5 => &mut self.rbp,
            6 => &mut self.rsi,
            7 => &mut self.rdi,
            8 => &mut self.r8,
            9 => &mut self.r9,
            10 => &mut self.r10,
            11 => &mut self.r11,
            12 => &mut self.r12,
            13 => &mut self.r13,
            14 => &mut self.r14,
            15 => &mut self.r15,
            _ => return None,
        })
    }
}

/// One hardware vCPU.
pub trait HvmVcpu {
    /// Runs the guest until the next exit.
    fn run(&mut self) -> VmExit;
    /// The registers not kept in the control block.
    fn regs(&mut self) -> &mut GuestRegs;
    /// RAX.
    fn rax(&self) -> u64;
    /// Sets RAX.
    fn set_rax(&mut self, value: u64);
    /// RIP.
    fn rip(&self) -> u64;
    /// RFLAGS.
    fn rflags(&self) -> u64;
    /// Moves RIP past the intercepted instruction of `len` bytes.
    fn skip_instruction(&mut self, len: u64);
    /// Moves RIP forward by exactly `len` bytes, past an instruction the hypervisor decoded
    /// itself (an emulated MMIO access, whose exit gives no length), out of any interrupt shadow.
    fn advance_rip(&mut self, len: u64);
    /// The bytes of the instruction that caused this nested page fault, when the CPU fetched
    /// them (SVM decode assists); `None` to fetch them from guest memory at RIP.
    fn fault_instruction_bytes(&self) -> Option<([u8; 15], usize)> {
        None
    }
    /// Whether the guest runs 64-bit code.
    fn in_long_mode(&self) -> bool;
    /// The current privilege level.
    fn cpl(&self) -> u8;
    /// CR0, CR3, CR4 and EFER, for walking the guest's page tables.
    fn paging_state(&self) -> PagingState;
    /// EFER as the guest sees it.
    fn guest_efer(&self) -> u64;
    /// A guest WRMSR of EFER; `false` if the value is refused (#GP).
    fn set_guest_efer(&mut self, value: u64) -> bool;
    /// The guest's PAT (the VMCB's G_PAT, or VMX's guest PAT field).
    fn guest_pat(&self) -> u64;
    /// Sets the guest's PAT.
    fn set_guest_pat(&mut self, value: u64);
    /// Sets the guest's CR4 to a value [`hypercall::hvm_cr`]'s rules accepted, as the guest
    /// will read it back.
    fn set_guest_cr4(&mut self, value: u64);
    /// Flushes the guest's cached translations at the next entry (its p2m changed).
    fn flush_guest_tlb(&mut self);
    /// Injects a hardware exception at the next entry.
    fn inject_exception(&mut self, vector: u8, error_code: Option<u32>);
    /// Whether an external interrupt would be taken at the next entry: RFLAGS.IF set, no
    /// interrupt shadow (STI, MOV SS), and no event already queued for it.
    fn interrupts_deliverable(&self) -> bool;
    /// Queues external interrupt `vector` for the next entry.
    fn inject_interrupt(&mut self, vector: u8);
    /// Asks for an exit as soon as the guest can take an interrupt (`true`), or stops asking
    /// (SVM: a virtual interrupt with the VINTR intercept; VMX: interrupt-window exiting).
    fn request_interrupt_window(&mut self, on: bool);
    /// The instruction the hypercall page's stubs use (`vmmcall` or `vmcall`).
    fn hypercall_instruction(&self) -> [u8; 3];
    /// The vCPU's x87/SSE/AVX state and XCR0.
    fn xstate(&mut self) -> &mut crate::xstate::Xstate;
    /// Prints the registers of vCPU `vcpu` of `domid` (Xen's `vcpu_show_registers`).
    fn dump_state(&self, domid: u16, vcpu: u32);
}

/// Event types of SVM's EVENTINJ/EXITINTINFO and VMX's interruption-information fields (the two
/// agree on these): an external interrupt, an NMI, a hardware exception.
pub mod event_type {
    /// An external interrupt.
    pub const EXT_INTR: u8 = 0;
    /// An NMI.
    pub const NMI: u8 = 2;
    /// A hardware exception.
    pub const HW_EXCEPTION: u8 = 3;
}

/// Whether an event whose delivery a VM exit interrupted must be delivered again at the next
/// entry (Xen's `hvm_event_needs_reinjection`): external interrupts, NMIs and hardware
/// exceptions, but not #BP and #OF, which the re-executed INT3 or INTO raises again; software
/// interrupts re-execute their instruction too.
pub fn event_needs_reinjection(kind: u8, vector: u8) -> bool {
    match kind {
        event_type::EXT_INTR | event_type::NMI => true,
        event_type::HW_EXCEPTION => vector != 3 && vector != 4,
        _ => false,
    }
}
