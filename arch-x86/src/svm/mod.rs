//! AMD SVM with nested paging (AMD64 APM volume 2, chapter 15; Xen's xen/arch/x86/hvm/svm/).
//!
//! [`SvmVcpu`] owns a VMCB, the guest's general registers that the VMCB does not hold, and the
//! VMRUN round trip. What an exit means is decided by the caller (the vCPU loop); this module only
//! sets up the hardware state and moves between host and guest.

pub mod vmcb;

use alloc::boxed::Box;

use crate::msr::{self, CpuidResult, EFER_GUEST_BITS, EFER_LMA};
pub use crate::vcpu::GuestRegs;
use crate::vcpu::{event_needs_reinjection, HvmVcpu, VmExit};
use crate::xstate::Xstate;
use hypercall::hvm_context::HvmVcpuContext;
use hypercall::hvm_guest::PagingState;
use vmcb::{
    ctrl, exit, inject_exception, intercept_cr_write, save, InterceptMisc1, InterceptMisc2,
    IoPermissionMap, MsrPermissionMap, Segment, Vmcb,
};
use xen_mm::p2m::fault::FaultAccess;

/// What CPUID says about SVM (leaf 0x8000_000a and the SVM bit of 0x8000_0001).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SvmFeatures {
    /// SVM exists.
    pub svm: bool,
    /// Nested paging.
    pub npt: bool,
    /// Next-RIP saved on intercepts.
    pub nrips: bool,
    /// Decode assists.
    pub decode_assists: bool,
    /// ASIDs available.
    pub nr_asids: u32,
    /// SVM revision.
    pub revision: u8,
}

impl SvmFeatures {
    /// Decodes the two CPUID leaves (host-testable). By hand rather than by `raw-cpuid`, whose
    /// `has_svm` and `get_svm_info` answer only for the AMD vendor string: Xen takes SVM from
    /// the feature bit alone (xen/arch/x86/hvm/hvm.c `hvm_enable`, `cpu_has_svm`), Hygon too.
    pub fn from_cpuid(ext1: CpuidResult, svm_leaf: CpuidResult) -> Self {
        let svm = ext1.ecx & (1 << 2) != 0;
        if !svm {
            return SvmFeatures::default();
        }
        SvmFeatures {
            svm,
            npt: svm_leaf.edx & (1 << 0) != 0,
            nrips: svm_leaf.edx & (1 << 3) != 0,
            decode_assists: svm_leaf.edx & (1 << 7) != 0,
            nr_asids: svm_leaf.ebx,
            revision: svm_leaf.eax as u8,
        }
    }

    /// Probes this CPU.
    pub fn probe() -> Self {
        let max_ext = msr::cpuid(0x8000_0000, 0).eax;
        if max_ext < 0x8000_000a {
            return SvmFeatures::default();
        }
        Self::from_cpuid(msr::cpuid(0x8000_0001, 0), msr::cpuid(0x8000_000a, 0))
    }
}

/// The host save area VMRUN writes the host's state to (`VM_HSAVE_PA`).
#[cfg(target_os = "none")]
static HOST_SAVE_AREA: spin::Once<Box<Vmcb>> = spin::Once::new();

/// Turns SVM on for this CPU: EFER.SVME and the host save area (Xen's `_svm_cpu_up`).
#[cfg(target_os = "none")]
pub fn enable() {
    let area = HOST_SAVE_AREA.call_once(|| Box::new(Vmcb::default()));
    NR_ASIDS.store(
        SvmFeatures::probe().nr_asids.max(2),
        core::sync::atomic::Ordering::Relaxed,
    );
    // Nested page tables mark MMIO, foreign and grant frames no-execute: bit 63 is only a flag,
    // not a reserved bit, with EFER.NXE set (CPUID 0x8000_0001 EDX bit 20), as Xen always runs.
    let nxe = if msr::cpu_features()
        .get_extended_processor_and_feature_identifiers()
        .is_some_and(|f| f.has_execute_disable())
    {
        msr::EFER_NXE
    } else {
        0
    };
    // SAFETY: EFER exists on every x86-64 CPU; setting SVME only enables the SVM instructions
    // (the caller checked SVM exists) and NXE only gives bit 63 of page-table entries its NX
    // meaning (the hypervisor's own tables never set it). VM_HSAVE_PA takes the physical
    // (identity-mapped) address of a page that lives for the rest of the hypervisor's life.
    unsafe {
        msr::wrmsr(
            msr::IA32_EFER,
            msr::rdmsr(msr::IA32_EFER) | msr::EFER_SVME | nxe,
        );
        msr::wrmsr(msr::VM_HSAVE_PA, &**area as *const Vmcb as u64);
    }
}

/// ASIDs handed out so far; ASID 0 is the host's.
static NEXT_ASID: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);
/// ASIDs the CPU has (CPUID 0x8000_000a EBX), recorded by [`enable`].
static NR_ASIDS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(2);

/// An ASID of its own for a new vCPU, so that its TLB entries never serve another vCPU's nested
/// tables; `None` once they run out (the vCPU then flushes its TLB at every VMRUN, as Xen does
/// when it recycles ASIDs).
fn allocate_asid() -> Option<u32> {
    use core::sync::atomic::Ordering;
    let nr = NR_ASIDS.load(Ordering::Relaxed);
    NEXT_ASID
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
            (next < nr).then_some(next + 1)
        })
        .ok()
}

/// The ASID every vCPU shares once the others are used up (with a flush at each VMRUN).
const SHARED_ASID: u32 = 1;
/// The PAT value after reset.
const PAT_RESET: u64 = 0x0007_0406_0007_0406;

/// One vCPU on SVM.
pub struct SvmVcpu {
    /// The guest's VMCB.
    pub vmcb: Box<Vmcb>,
    /// Where VMSAVE keeps the host's hidden segment and syscall state across the guest's run.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    host_vmcb: Box<Vmcb>,
    /// The guest's general registers.
    pub regs: GuestRegs,
    _msrpm: Box<MsrPermissionMap>,
    iopm: Box<IoPermissionMap>,
    /// No ASID of its own: flush the guest TLB at every VMRUN.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    flush_every_run: bool,
    /// x87/SSE/AVX state and XCR0.
    xstate: Xstate,
}

/// MSRs the guest accesses directly: the VMCB holds them and VMLOAD/VMSAVE or VMRUN switch
/// them (FS/GS bases, KernelGSbase, the SYSCALL and SYSENTER MSRs).
const GUEST_SWITCHED_MSRS: [u32; 10] = [
    0xc000_0100, // FS_BASE
    0xc000_0101, // GS_BASE
    0xc000_0102, // KERNEL_GS_BASE
    0xc000_0081, // STAR
    0xc000_0082, // LSTAR
    0xc000_0083, // CSTAR
    0xc000_0084, // SFMASK
    0x174,       // SYSENTER_CS
    0x175,       // SYSENTER_ESP
    0x176,       // SYSENTER_EIP
];

/// Ports that exit even for dom0: those the hypervisor drives itself (the legacy PICs, the PIT
/// and its channel-2 gate at 0x61, COM1, its console, and the reset control port), as Xen's
/// `dom0_setup_permissions` denies them, and the PCI configuration ports it emulates for dom0
/// (0xcf8 for 4-byte accesses and 0xcfc-0xcff: `setup_io_bitmap`, hvm/io.c `vpci_portio_*`).
pub const HYPERVISOR_PORTS: [(u16, u16); 8] = [
    (0x20, 0x21),
    (0x40, 0x43),
    (0x61, 0x61),
    (0xa0, 0xa1),
    (0x3f8, 0x3ff),
    (0xcf8, 0xcf8),
    (0xcf9, 0xcf9),
    (0xcfc, 0xcff),
];

impl SvmVcpu {
    /// A vCPU in the PVH entry state (docs/misc/pvh.pandoc; Xen's `arch_set_info_hvm_guest` as
    /// dom0_build.c uses it): 32-bit protected mode, paging off, flat CS/DS/ES/SS, CR0 = PE|ET,
    /// EBX = `start_info`, at `entry`, on the nested page table rooted at `ncr3`.
    pub fn new_pvh(entry: u32, start_info: u32, ncr3: u64) -> Self {
        // Every MSR exits but those the VMCB switches with the guest (Xen's svm_msrbit list
        // idea): a guest can never write the host's MSRs. EFER is intercepted because the guest
        // must not clear SVME in the VMCB copy, nor see it.
        let mut msrpm = Box::new(MsrPermissionMap::default());
        msrpm.intercept_all();
        for m in GUEST_SWITCHED_MSRS {
            msrpm.allow(m);
        }
        // Every I/O port exits (a domU has no device to reach); dom0 gets most of them with
        // `allow_hardware_io`.
        let mut iopm = Box::new(IoPermissionMap::default());
        iopm.intercept_all();
        let mut v = Box::new(Vmcb::default());
        v.write_u32(
            ctrl::INTERCEPT_MISC1,
            (InterceptMisc1::INTR
                | InterceptMisc1::NMI
                | InterceptMisc1::INIT
                | InterceptMisc1::CPUID
                | InterceptMisc1::INVD
                | InterceptMisc1::HLT
                | InterceptMisc1::INVLPGA
                | InterceptMisc1::IOIO_PROT
                | InterceptMisc1::MSR_PROT
                | InterceptMisc1::SHUTDOWN)
                .bits(),
        );
        v.write_u32(
            ctrl::INTERCEPT_MISC2,
            (InterceptMisc2::VMRUN
                | InterceptMisc2::VMMCALL
                | InterceptMisc2::VMLOAD
                | InterceptMisc2::VMSAVE
                | InterceptMisc2::STGI
                | InterceptMisc2::CLGI
                | InterceptMisc2::SKINIT
                | InterceptMisc2::WBINVD
                | InterceptMisc2::MONITOR
                | InterceptMisc2::MWAIT
                // XCR0 is the vCPU's own (xstate.rs): a guest must not load the CPU's directly.
                | InterceptMisc2::XSETBV)
                .bits(),
        );
        // CR4 writes are checked against the guest's CPUID (hvm.c `hvm_set_cr4`); Xen's
        // construct_vmcb intercepts the other CRs too, which xen-rs leaves to the guest.
        v.write_u32(ctrl::INTERCEPT_CR, intercept_cr_write(4));
        v.write_u64(ctrl::IOPM_BASE_PA, &*iopm as *const IoPermissionMap as u64);
        v.write_u64(
            ctrl::MSRPM_BASE_PA,
            &*msrpm as *const MsrPermissionMap as u64,
        );
        let asid = allocate_asid();
        v.write_u32(ctrl::GUEST_ASID, asid.unwrap_or(SHARED_ASID));
        v.write_u8(ctrl::TLB_CONTROL, 1);
        // V_INTR_MASKING: the guest's IF masks only its virtual interrupts, not the host's.
        v.write_u64(ctrl::VINTR, 1 << 24);
        v.write_u64(ctrl::NP_ENABLE, 1);
        v.write_u64(ctrl::N_CR3, ncr3);

        for seg in [save::DS, save::ES, save::SS, save::FS, save::GS] {
            v.set_segment(seg, Segment::FLAT_DATA32);
        }
        v.set_segment(save::CS, Segment::FLAT_CODE32);
        v.set_segment(save::TR, Segment::TSS32_BUSY);
        v.set_segment(save::LDTR, Segment::LDT_EMPTY);
        v.write_u64(save::CR0, 0x11);
        v.write_u64(save::CR4, 0);
        v.write_u64(save::EFER, msr::EFER_SVME);
        v.write_u64(save::RFLAGS, 0x2);
        v.write_u64(save::RIP, u64::from(entry));
        v.write_u64(save::DR6, 0xffff_0ff0);
        v.write_u64(save::DR7, 0x400);
        v.write_u64(save::G_PAT, PAT_RESET);
        SvmVcpu {
            vmcb: v,
            host_vmcb: Box::new(Vmcb::default()),
            regs: GuestRegs {
                rbx: u64::from(start_info),
                ..Default::default()
            },
            _msrpm: msrpm,
            iopm,
            flush_every_run: asid.is_none(),
            xstate: Xstate::new(),
        }
    }

    /// Lets the hardware domain (dom0) reach the I/O ports directly, except the ones the
    /// hypervisor drives itself (Xen's `ioports_deny_access` of its own devices for dom0).
    pub fn allow_hardware_io(&mut self) {
        self.iopm.allow_all();
        for (first, last) in HYPERVISOR_PORTS {
            self.iopm.intercept(first, last);
        }
    }

    /// A vCPU in the state the toolstack loaded with XEN_DOMCTL_sethvmcontext (Xen's
    /// `svm_load_cpu_state` / `svm_vmcb_restore`), on the nested page table rooted at `ncr3`.
    /// The FPU starts in its reset state and a pending event is dropped (not modelled yet).
    pub fn from_context(ctx: &HvmVcpuContext, ncr3: u64) -> Self {
        let mut v = Self::new_pvh(ctx.rip as u32, ctx.rbx as u32, ncr3);
        let seg = |s: &hypercall::hvm_context::Segment| Segment {
            selector: s.sel,
            attrib: s.attr,
            limit: s.limit,
            base: s.base,
        };
        let m = &mut v.vmcb;
        for (offset, s) in [
            (save::CS, &ctx.cs),
            (save::DS, &ctx.ds),
            (save::ES, &ctx.es),
            (save::FS, &ctx.fs),
            (save::GS, &ctx.gs),
            (save::SS, &ctx.ss),
            (save::TR, &ctx.tr),
            (save::LDTR, &ctx.ldtr),
        ] {
            m.set_segment(offset, seg(s));
        }
        m.set_table(save::GDTR, ctx.gdtr.limit, ctx.gdtr.base);
        m.set_table(save::IDTR, ctx.idtr.limit, ctx.idtr.base);
        // CPL is SS.DPL (APM 15.5.1).
        m.write_u8(save::CPL, ((ctx.ss.attr >> 5) & 3) as u8);
        m.write_u64(save::CR0, ctx.cr0);
        m.write_u64(save::CR2, ctx.cr2);
        m.write_u64(save::CR3, ctx.cr3);
        m.write_u64(save::CR4, ctx.cr4);
        m.write_u64(save::EFER, ctx.efer | msr::EFER_SVME);
        m.write_u64(save::RFLAGS, ctx.rflags | 2);
        m.write_u64(save::RIP, ctx.rip);
        m.write_u64(save::RSP, ctx.rsp);
        m.write_u64(save::RAX, ctx.rax);
        m.write_u64(save::DR6, ctx.dr6);
        m.write_u64(save::DR7, ctx.dr7);
        m.write_u64(save::STAR, ctx.star);
        m.write_u64(save::LSTAR, ctx.lstar);
        m.write_u64(save::CSTAR, ctx.cstar);
        m.write_u64(save::SFMASK, ctx.syscall_mask);
        m.write_u64(save::KERNEL_GS_BASE, ctx.shadow_gs);
        m.write_u64(save::SYSENTER_CS, ctx.sysenter_cs);
        m.write_u64(save::SYSENTER_ESP, ctx.sysenter_esp);
        m.write_u64(save::SYSENTER_EIP, ctx.sysenter_eip);
        v.regs = GuestRegs {
            rbx: ctx.rbx,
            rcx: ctx.rcx,
            rdx: ctx.rdx,
            rsi: ctx.rsi,
            rdi: ctx.rdi,
            rbp: ctx.rbp,
            r8: ctx.r8,
            r9: ctx.r9,
            r10: ctx.r10,
            r11: ctx.r11,
            r12: ctx.r12,
            r13: ctx.r13,
            r14: ctx.r14,
            r15: ctx.r15,
        };
        v
    }

    /// Runs the guest until the next #VMEXIT; returns the exit code.
    #[cfg(target_os = "none")]
    pub fn vmrun(&mut self) -> u64 {
        // Every field may have changed: nothing may come from the CPU's VMCB cache.
        self.vmcb.write_u32(ctrl::VMCB_CLEAN, 0);
        let guest = &mut *self.vmcb as *mut Vmcb as u64;
        let host = &mut *self.host_vmcb as *mut Vmcb as u64;
        // SAFETY: SVM is enabled on this CPU (`enable`); both VMCBs are identity-mapped,
        // page-aligned pages this vCPU owns, and the guest's describes a valid state (built by
        // `new_pvh`, kept valid by the exit handlers). `svm_vmrun` preserves every callee-saved
        // register and the stack, and restores the host's hidden state with VMLOAD before it
        // returns. The guest can only reach memory its nested page tables map.
        unsafe { svm_vmrun(guest, host, &mut self.regs) };
        self.vmcb
            .write_u8(ctrl::TLB_CONTROL, u8::from(self.flush_every_run));
        self.requeue_interrupted_event();
        self.vmcb.read_u64(ctrl::EXITCODE)
    }

    /// An event the exit cut off in delivery (EXITINTINFO) is queued again (Xen's
    /// `svm_vmexit_handler`: "Event delivery caused this intercept? Queue for redelivery"), so
    /// an interrupt or exception is never lost to, say, a nested page fault on the guest's IDT.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    fn requeue_interrupted_event(&mut self) {
        let info = self.vmcb.read_u64(ctrl::EXITINTINFO);
        let valid = info & (1 << 31) != 0;
        if valid && event_needs_reinjection(((info >> 8) & 7) as u8, info as u8) {
            self.vmcb.write_u64(ctrl::EVENTINJ, info);
        }
    }

    /// Moves RIP past the intercepted instruction of `len` bytes (next-RIP when the CPU gives it).
    fn skip(&mut self, len: u64) {
        let nrip = self.vmcb.read_u64(ctrl::NRIP);
        let rip = self.vmcb.read_u64(save::RIP);
        let next = if nrip > rip && nrip - rip <= 15 {
            nrip
        } else {
            rip + len
        };
        self.vmcb.write_u64(save::RIP, next);
        self.leave_interrupt_shadow();
    }

    /// Moves RIP by `len`, whatever next-RIP says.
    fn advance(&mut self, len: u64) {
        let rip = self.vmcb.read_u64(save::RIP);
        self.vmcb.write_u64(save::RIP, rip.wrapping_add(len));
        self.leave_interrupt_shadow();
    }

    /// The instruction after an emulated one runs outside any STI or MOV SS shadow (Xen's
    /// `__update_guest_eip` clears `intr_shadow`): `sti; hlt` must take its interrupt at once.
    fn leave_interrupt_shadow(&mut self) {
        let shadow = self.vmcb.read_u64(ctrl::INTERRUPT_SHADOW);
        self.vmcb.write_u64(ctrl::INTERRUPT_SHADOW, shadow & !1);
    }

    /// Decodes an exit code (APM volume 2, appendix C).
    pub fn decode_exit(&self, code: u64) -> VmExit {
        match code {
            exit::INTR | exit::NMI => VmExit::ExternalInterrupt,
            exit::VINTR => VmExit::InterruptWindow,
            exit::CPUID => VmExit::Cpuid,
            exit::MSR => VmExit::Msr {
                write: self.vmcb.read_u64(ctrl::EXITINFO1) == 1,
            },
            exit::VMMCALL => VmExit::Hypercall,
            exit::XSETBV => VmExit::Xsetbv,
            exit::HLT => VmExit::Hlt,
            exit::IOIO => {
                let info = self.vmcb.read_u64(ctrl::EXITINFO1);
                VmExit::Io {
                    port: (info >> 16) as u16,
                    size: match (info >> 4) & 7 {
                        1 => 1,
                        2 => 2,
                        _ => 4,
                    },
                    input: info & 1 != 0,
                    string: info & (1 << 2) != 0,
                }
            }
            exit::SHUTDOWN => VmExit::TripleFault,
            exit::NPF => {
                let error = self.vmcb.read_u64(ctrl::EXITINFO1);
                VmExit::NestedPageFault {
                    gpa: self.vmcb.read_u64(ctrl::EXITINFO2),
                    access: FaultAccess {
                        present: error & 1 != 0,
                        write: error & 2 != 0,
                        exec: error & 16 != 0,
                    },
                }
            }
            exit::VMRUN | exit::VMLOAD | exit::VMSAVE | exit::STGI | exit::CLGI | exit::SKINIT => {
                VmExit::VirtualisationInstruction
            }
            exit::CR4_WRITE => {
                let info = self.vmcb.read_u64(ctrl::EXITINFO1);
                VmExit::Cr4Write {
                    gpr: (info >> 63 != 0).then_some((info & 0xf) as u8),
                }
            }
            exit::INVD | exit::WBINVD => VmExit::CacheFlush,
            exit::MONITOR | exit::MWAIT | exit::MWAIT_CONDITIONAL => VmExit::MonitorMwait,
            exit::INVALID => VmExit::InvalidState,
            other => VmExit::Other(other),
        }
    }
}

/// The hypercall instruction of Xen's SVM hypercall page (`vmmcall`).
pub const VMMCALL: [u8; 3] = [0x0f, 0x01, 0xd9];

impl HvmVcpu for SvmVcpu {
    #[cfg(target_os = "none")]
    fn run(&mut self) -> VmExit {
        self.xstate.load();
        let code = self.vmrun();
        self.decode_exit(code)
    }

    #[cfg(not(target_os = "none"))]
    fn run(&mut self) -> VmExit {
        unreachable!("guests only run on the bare-metal hypervisor")
    }

    fn regs(&mut self) -> &mut GuestRegs {
        &mut self.regs
    }

    fn rax(&self) -> u64 {
        self.vmcb.read_u64(save::RAX)
    }

    fn set_rax(&mut self, value: u64) {
        self.vmcb.write_u64(save::RAX, value);
    }

    fn rip(&self) -> u64 {
        self.vmcb.read_u64(save::RIP)
    }

    fn rflags(&self) -> u64 {
        self.vmcb.read_u64(save::RFLAGS)
    }

    fn skip_instruction(&mut self, len: u64) {
        // An I/O intercept tells the next RIP itself (EXITINFO2), whatever the prefixes.
        if self.vmcb.read_u64(ctrl::EXITCODE) == exit::IOIO {
            let next = self.vmcb.read_u64(ctrl::EXITINFO2);
            self.vmcb.write_u64(save::RIP, next);
            self.leave_interrupt_shadow();
            return;
        }
        self.skip(len);
    }

    fn advance_rip(&mut self, len: u64) {
        self.advance(len);
    }

    /// With decode assists the CPU fetched up to 15 bytes at RIP on a nested page fault
    /// (APM volume 2, 15.33.4): number of bytes at 0xd0, the bytes from 0xd1. Zero when it did
    /// not (no decode assists, or the fetch itself faulted).
    fn fault_instruction_bytes(&self) -> Option<([u8; 15], usize)> {
        if self.vmcb.read_u64(ctrl::EXITCODE) != exit::NPF {
            return None;
        }
        let n = usize::from(self.vmcb.read_u8(ctrl::INSN_LEN));
        if n == 0 || n > 15 {
            return None;
        }
        let mut bytes = [0u8; 15];
        for (i, b) in bytes.iter_mut().enumerate().take(n) {
            *b = self.vmcb.read_u8(ctrl::INSN_BYTES + i);
        }
        Some((bytes, n))
    }

    /// EFER.LMA and CS.L.
    fn in_long_mode(&self) -> bool {
        self.vmcb.read_u64(save::EFER) & EFER_LMA != 0 && self.vmcb.segment(save::CS).is_long()
    }

    fn cpl(&self) -> u8 {
        self.vmcb.read_u8(save::CPL)
    }

    fn paging_state(&self) -> PagingState {
        PagingState {
            cr0: self.vmcb.read_u64(save::CR0),
            cr3: self.vmcb.read_u64(save::CR3),
            cr4: self.vmcb.read_u64(save::CR4),
            efer: self.vmcb.read_u64(save::EFER),
        }
    }

    /// The VMCB's EFER without SVME, which the guest must not see (it was told there is no SVM).
    fn guest_efer(&self) -> u64 {
        self.vmcb.read_u64(save::EFER) & !msr::EFER_SVME
    }

    /// Keeps SVME set in the VMCB (VMRUN requires it) and LMA as the CPU left it.
    fn set_guest_efer(&mut self, value: u64) -> bool {
        if value & !EFER_GUEST_BITS & !EFER_LMA != 0 {
            return false;
        }
        let current = self.vmcb.read_u64(save::EFER);
        let efer = (value & EFER_GUEST_BITS) | (current & EFER_LMA) | msr::EFER_SVME;
        self.vmcb.write_u64(save::EFER, efer);
        true
    }

    fn guest_pat(&self) -> u64 {
        self.vmcb.read_u64(save::G_PAT)
    }

    fn set_guest_pat(&mut self, value: u64) {
        self.vmcb.write_u64(save::G_PAT, value);
    }

    /// TLB_CONTROL 1: flush every ASID's entries at the next VMRUN (correct whatever the CPU
    /// supports; flush-by-ASID would be cheaper).
    fn flush_guest_tlb(&mut self) {
        self.vmcb.write_u8(ctrl::TLB_CONTROL, 1);
    }

    fn set_guest_cr4(&mut self, value: u64) {
        self.vmcb.write_u64(save::CR4, value);
    }

    fn inject_exception(&mut self, vector: u8, error_code: Option<u32>) {
        let mut event = inject_exception(vector);
        if let Some(code) = error_code {
            event |= (1 << 11) | (u64::from(code) << 32);
        }
        self.vmcb.write_u64(ctrl::EVENTINJ, event);
    }

    fn interrupts_deliverable(&self) -> bool {
        self.vmcb.read_u64(save::RFLAGS) & (1 << 9) != 0
            && self.vmcb.read_u64(ctrl::INTERRUPT_SHADOW) & 1 == 0
            && self.vmcb.read_u64(ctrl::EVENTINJ) & (1 << 31) == 0
    }

    fn inject_interrupt(&mut self, vector: u8) {
        self.vmcb
            .write_u64(ctrl::EVENTINJ, u64::from(vector) | (1 << 31));
    }

    /// A virtual interrupt (V_IRQ, highest priority, TPR ignored) that is never delivered: the
    /// VINTR intercept exits as soon as the guest could take it (Xen's `svm_enable_intr_window`).
    fn request_interrupt_window(&mut self, on: bool) {
        const V_IRQ: u64 = 1 << 8;
        const V_INTR_PRIO: u64 = 0xf << 16;
        const V_IGN_TPR: u64 = 1 << 20;
        let vintr = self.vmcb.read_u64(ctrl::VINTR) & !(V_IRQ | V_INTR_PRIO | V_IGN_TPR);
        let mut misc1 = InterceptMisc1::from_bits_retain(self.vmcb.read_u32(ctrl::INTERCEPT_MISC1));
        misc1.set(InterceptMisc1::VINTR, on);
        if on {
            self.vmcb
                .write_u64(ctrl::VINTR, vintr | V_IRQ | V_INTR_PRIO | V_IGN_TPR);
        } else {
            self.vmcb.write_u64(ctrl::VINTR, vintr);
        }
        self.vmcb.write_u32(ctrl::INTERCEPT_MISC1, misc1.bits());
    }

    fn hypercall_instruction(&self) -> [u8; 3] {
        VMMCALL
    }

    fn xstate(&mut self) -> &mut Xstate {
        &mut self.xstate
    }

    fn dump_state(&self, domid: u16, vcpu: u32) {
        crate::hvm_exit::dump_registers(
            domid,
            vcpu,
            self,
            &self.regs,
            [
                self.vmcb.read_u64(ctrl::EXITCODE),
                self.vmcb.read_u64(ctrl::EXITINFO1),
                self.vmcb.read_u64(ctrl::EXITINFO2),
                self.vmcb.read_u64(ctrl::EXITINTINFO),
            ],
            self.vmcb.segment(save::CS).selector,
            self.vmcb.read_u64(save::RSP),
        );
    }
}

#[cfg(target_os = "none")]
extern "C" {
    /// VMSAVE the host's hidden state, load the guest's general registers, VMLOAD + VMRUN the
    /// guest, then VMSAVE it, store its registers and VMLOAD the host's state back.
    fn svm_vmrun(guest_vmcb: u64, host_vmcb: u64, regs: *mut GuestRegs);
}

#[cfg(target_os = "none")]
core::arch::global_asm!(
    r#"
    .text
    .global svm_vmrun
svm_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx                   /* 16(%rsp): regs */
    push %rsi                   /* 8(%rsp):  host VMCB */
    push %rdi                   /* 0(%rsp):  guest VMCB */

    clgi                        /* no interrupt between here and the guest */
    sti                         /* with V_INTR_MASKING, the host's IF lets physical interrupts
                                   make the guest exit (GIF=0 holds them until VMRUN) */
    mov %rsi, %rax
    vmsave

    mov 16(%rsp), %rax
    mov {rbx}(%rax), %rbx
    mov {rcx}(%rax), %rcx
    mov {rdx}(%rax), %rdx
    mov {rsi}(%rax), %rsi
    mov {rdi}(%rax), %rdi
    mov {rbp}(%rax), %rbp
    mov {r8}(%rax), %r8
    mov {r9}(%rax), %r9
    mov {r10}(%rax), %r10
    mov {r11}(%rax), %r11
    mov {r12}(%rax), %r12
    mov {r13}(%rax), %r13
    mov {r14}(%rax), %r14
    mov {r15}(%rax), %r15

    mov 0(%rsp), %rax
    vmload
    vmrun
    vmsave

    mov 16(%rsp), %rax
    mov %rbx, {rbx}(%rax)
    mov %rcx, {rcx}(%rax)
    mov %rdx, {rdx}(%rax)
    mov %rsi, {rsi}(%rax)
    mov %rdi, {rdi}(%rax)
    mov %rbp, {rbp}(%rax)
    mov %r8, {r8}(%rax)
    mov %r9, {r9}(%rax)
    mov %r10, {r10}(%rax)
    mov %r11, {r11}(%rax)
    mov %r12, {r12}(%rax)
    mov %r13, {r13}(%rax)
    mov %r14, {r14}(%rax)
    mov %r15, {r15}(%rax)

    mov 8(%rsp), %rax
    vmload
    cli                         /* a pending interrupt waits for the vCPU loop's window */
    stgi

    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    "#,
    rbx = const core::mem::offset_of!(GuestRegs, rbx),
    rcx = const core::mem::offset_of!(GuestRegs, rcx),
    rdx = const core::mem::offset_of!(GuestRegs, rdx),
    rsi = const core::mem::offset_of!(GuestRegs, rsi),
    rdi = const core::mem::offset_of!(GuestRegs, rdi),
    rbp = const core::mem::offset_of!(GuestRegs, rbp),
    r8 = const core::mem::offset_of!(GuestRegs, r8),
    r9 = const core::mem::offset_of!(GuestRegs, r9),
    r10 = const core::mem::offset_of!(GuestRegs, r10),
    r11 = const core::mem::offset_of!(GuestRegs, r11),
    r12 = const core::mem::offset_of!(GuestRegs, r12),
    r13 = const core::mem::offset_of!(GuestRegs, r13),
    r14 = const core::mem::offset_of!(GuestRegs, r14),
    r15 = const core::mem::offset_of!(GuestRegs, r15),
    options(att_syntax)
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msr::EFER_LME;

    #[test]
    fn svm_features_decode_cpuid() {
        let ext1 = CpuidResult {
            ecx: 1 << 2,
            ..Default::default()
        };
        let leaf = CpuidResult {
            eax: 1,
            ebx: 16,
            ecx: 0,
            edx: 1 | (1 << 3),
        };
        let f = SvmFeatures::from_cpuid(ext1, leaf);
        assert!(f.svm && f.npt && f.nrips && !f.decode_assists);
        assert_eq!((f.nr_asids, f.revision), (16, 1));
        assert_eq!(
            SvmFeatures::from_cpuid(CpuidResult::default(), leaf),
            SvmFeatures::default()
        );
    }

    #[test]
    fn the_pvh_entry_state_is_what_pvh_pandoc_says() {
        let mut v = SvmVcpu::new_pvh(0x10_0000, 0x2000, 0x5000);
        assert_eq!(v.vmcb.read_u64(save::RIP), 0x10_0000);
        assert_eq!(v.regs.rbx, 0x2000);
        assert_eq!(v.vmcb.read_u64(save::CR0), 0x11, "PE|ET, paging off");
        assert_eq!(v.vmcb.segment(save::CS).base, 0);
        assert_eq!(v.vmcb.segment(save::DS).limit, 0xffff_ffff);
        assert_eq!(v.vmcb.read_u64(ctrl::N_CR3), 0x5000);
        assert_ne!(
            v.vmcb.read_u32(ctrl::GUEST_ASID),
            0,
            "never the host's ASID"
        );
        assert_ne!(
            v.vmcb.read_u32(ctrl::INTERCEPT_MISC2) & InterceptMisc2::VMRUN.bits(),
            0
        );
        assert_ne!(
            v.vmcb.read_u32(ctrl::INTERCEPT_MISC2) & InterceptMisc2::XSETBV.bits(),
            0
        );
        assert!(!v.in_long_mode());
        assert_eq!(v.guest_efer(), 0, "SVME is hidden");
        assert!(v.set_guest_efer(EFER_LME));
        assert_eq!(v.vmcb.read_u64(save::EFER), EFER_LME | msr::EFER_SVME);
        assert!(
            !v.set_guest_efer(msr::EFER_SVME),
            "the guest may not enable SVM"
        );
        v.inject_exception(13, Some(0));
        assert_eq!(v.vmcb.read_u64(ctrl::EVENTINJ), 0x8000_0b0d);
    }

    #[test]
    fn a_loaded_hvm_context_becomes_the_vmcb_state() {
        // The toolstack's PVH start (xg_dom_x86.c vcpu_hvm): flat 32-bit segments, CR0 = PE|ET,
        // RIP = entry, RBX = start_info; loaded as Xen's svm_vmcb_restore would.
        use xen_public::arch_x86::hvm::save::hvm_hw_cpu;
        let rec = hvm_hw_cpu {
            rip: 0x10_0040,
            rbx: 0x3000,
            rflags: 2,
            cr0: 0x11,
            cs_limit: !0,
            cs_arbytes: 0xc9b,
            ss_limit: !0,
            ss_arbytes: 0xc93,
            ds_arbytes: 0xc93,
            tr_arbytes: 0x8b,
            tr_limit: 0x67,
            ..Default::default()
        };
        let ctx = hypercall::hvm_context::load_cpu(&rec).expect("a valid record");
        let v = SvmVcpu::from_context(&ctx, 0x7000);
        assert_eq!(v.vmcb.read_u64(save::RIP), 0x10_0040);
        assert_eq!(v.regs.rbx, 0x3000);
        assert_eq!(v.vmcb.read_u64(save::CR0), 0x11);
        assert_eq!(v.vmcb.segment(save::CS).attrib, 0xc9b);
        assert_eq!(v.vmcb.segment(save::CS).limit, 0xffff_ffff);
        assert_eq!(v.vmcb.segment(save::TR).attrib, 0x8b);
        assert_eq!(
            v.vmcb.read_u64(save::EFER),
            msr::EFER_SVME,
            "SVME kept for VMRUN"
        );
        assert_eq!(v.vmcb.read_u8(save::CPL), 0);
        assert_eq!(v.vmcb.read_u64(ctrl::N_CR3), 0x7000);
    }

    #[test]
    fn cr4_writes_cache_flushes_monitor_and_init_are_intercepted() {
        // construct_vmcb's intercepts that xen-rs keeps: CR4 writes (only), INIT, INVD,
        // WBINVD, MONITOR and MWAIT.
        let v = SvmVcpu::new_pvh(0, 0, 0);
        assert_eq!(v.vmcb.read_u32(ctrl::INTERCEPT_CR), 1 << 20);
        let misc1 = InterceptMisc1::from_bits_retain(v.vmcb.read_u32(ctrl::INTERCEPT_MISC1));
        assert!(misc1.contains(InterceptMisc1::INIT | InterceptMisc1::INVD));
        let misc2 = InterceptMisc2::from_bits_retain(v.vmcb.read_u32(ctrl::INTERCEPT_MISC2));
        assert!(misc2
            .contains(InterceptMisc2::WBINVD | InterceptMisc2::MONITOR | InterceptMisc2::MWAIT));
        let mut v = v;
        let mut decoded = |code, info1: u64| {
            v.vmcb.write_u64(ctrl::EXITINFO1, info1);
            v.decode_exit(code)
        };
        // With decode assists (bit 63) the GPR comes with the exit; without, it is decoded.
        assert_eq!(
            decoded(exit::CR4_WRITE, (1 << 63) | 9),
            VmExit::Cr4Write { gpr: Some(9) }
        );
        assert_eq!(decoded(exit::CR4_WRITE, 0), VmExit::Cr4Write { gpr: None });
        assert_eq!(decoded(exit::INVD, 0), VmExit::CacheFlush);
        assert_eq!(decoded(exit::WBINVD, 0), VmExit::CacheFlush);
        for code in [exit::MONITOR, exit::MWAIT, exit::MWAIT_CONDITIONAL] {
            assert_eq!(decoded(code, 0), VmExit::MonitorMwait);
        }
        // svm_vmexit_handler has no case for INIT: crash_or_fault.
        assert_eq!(decoded(exit::INIT, 0), VmExit::Other(exit::INIT));
    }

    #[test]
    fn domus_reach_no_port_and_dom0_all_but_the_hypervisor_s() {
        let mut v = SvmVcpu::new_pvh(0, 0, 0);
        assert!(v.iopm.intercepts(0xf4) && v.iopm.intercepts(0x60));
        v.allow_hardware_io();
        assert!(!v.iopm.intercepts(0xf4) && !v.iopm.intercepts(0x60));
        assert!(v.iopm.intercepts(0x3f8) && v.iopm.intercepts(0x20) && v.iopm.intercepts(0xcf9));
        // dom0_setup_permissions' 0x61 (the PIT gate xen-rs calibrates with); setup_io_bitmap's
        // 0xcf8 and the denied 0xcfc-0xcff, for vPCI; 0xcfa-0xcfb reach the chipset.
        for port in [0x61, 0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff] {
            assert!(v.iopm.intercepts(port), "{port:#x}");
        }
        assert!(
            !v.iopm.intercepts(0xcfa)
                && !v.iopm.intercepts(0xcfb)
                && !v.iopm.intercepts(0xcf7)
                && !v.iopm.intercepts(0xd00)
        );
        // OUT to port 0x80, one byte: EXITINFO1 = port << 16 | SZ8.
        v.vmcb.write_u64(ctrl::EXITINFO1, (0x80 << 16) | (1 << 4));
        assert_eq!(
            v.decode_exit(exit::IOIO),
            VmExit::Io {
                port: 0x80,
                size: 1,
                input: false,
                string: false
            }
        );
    }

    #[test]
    fn exits_decode_to_vendor_neutral_reasons() {
        let mut v = SvmVcpu::new_pvh(0, 0, 0);
        v.vmcb.write_u64(ctrl::EXITINFO1, 0b10111);
        v.vmcb.write_u64(ctrl::EXITINFO2, 0x1234_5000);
        assert_eq!(
            v.decode_exit(exit::NPF),
            VmExit::NestedPageFault {
                gpa: 0x1234_5000,
                access: FaultAccess {
                    present: true,
                    write: true,
                    exec: true
                }
            }
        );
        assert_eq!(v.decode_exit(exit::SHUTDOWN), VmExit::TripleFault);
        assert_eq!(v.decode_exit(exit::VMMCALL), VmExit::Hypercall);
        assert_eq!(v.decode_exit(exit::XSETBV), VmExit::Xsetbv);
        assert_eq!(v.decode_exit(exit::INVALID), VmExit::InvalidState);
        assert_eq!(v.decode_exit(0x7e), VmExit::Other(0x7e));
    }

    #[test]
    fn decode_assists_bytes_are_used_on_nested_page_faults_only() {
        let mut v = SvmVcpu::new_pvh(0, 0, 0);
        v.vmcb.write_u64(ctrl::EXITCODE, exit::NPF);
        // Nothing fetched (no decode assists): the caller reads guest memory.
        assert_eq!(v.fault_instruction_bytes(), None);
        v.vmcb.write_u8(ctrl::INSN_LEN, 2);
        v.vmcb.write_u8(ctrl::INSN_BYTES, 0x8b);
        v.vmcb.write_u8(ctrl::INSN_BYTES + 1, 0x00);
        let (bytes, n) = v.fault_instruction_bytes().unwrap();
        assert_eq!(&bytes[..n], &[0x8b, 0x00]);
        v.vmcb.write_u64(ctrl::EXITCODE, exit::HLT);
        assert_eq!(v.fault_instruction_bytes(), None);
        // An emulated instruction moves RIP by its decoded length, whatever next-RIP holds.
        v.vmcb.write_u64(save::RIP, 0x1000);
        v.vmcb.write_u64(ctrl::NRIP, 0x1003);
        v.advance_rip(2);
        assert_eq!(v.rip(), 0x1002);
    }
}
