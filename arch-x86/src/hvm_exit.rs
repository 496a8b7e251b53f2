//! What each exit of an HVM vCPU does, for SVM and VMX alike (Xen's `svm_vmexit_handler` /
//! `vmx_vmexit_handler` and the common code they call in xen/arch/x86/hvm/): CPUID answers Xen's
//! leaves, the hypercall MSR installs the hypercall page, a hypercall goes to the dispatcher (a
//! continuation leaves RIP on the instruction with the updated arguments), nested page faults go
//! to xen-mm's fault path, and a triple fault or anything the guest cannot be allowed to do
//! crashes the domain. Nothing a guest does stops the hypervisor.

use alloc::sync::Arc;

use hypercall::console_io::{hvm_print_char, XEN_HVM_DEBUGCONS_IOPORT};
use hypercall::dispatch::{Call, Outcome, PreemptAfter, SchedRequest};
use hypercall::domain::Domain;
use hypercall::hvm_guest::HvmGuestMemory;
use hypercall::hypervisor::Hypervisor;
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::fault::{FaultAccess, FaultOutcome};
use xen_mm::p2m::format::P2mFormat;

use crate::directmap::DirectMap;
use crate::hvm::{self, HypercallRegs, HYPERCALL_MSR};
use crate::msr::{self, CpuidResult};
use crate::printk;
use crate::vcpu::{GuestRegs, HvmVcpu, VmExit};

/// The hypervisor as the exit handlers see it.
pub type Hv<Fmt> = Hypervisor<DirectMap, Fmt>;

/// What the scheduler does after an exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Run the guest again.
    Resume,
    /// A timer interrupt arrived: the scheduler may switch vCPUs.
    Interrupted,
    /// SCHEDOP_yield: switch to another vCPU if one can run.
    Yield,
    /// SCHEDOP_block or HLT: the vCPU waits for an event.
    Block,
    /// The domain shut down or crashed: stop running it.
    Stop,
}

/// Hypercall steps between preemption checks: long operations return continuations, and the
/// scheduler gets control back regularly.
const HYPERCALL_PREEMPT_STEPS: u64 = 256;

const VECTOR_UD: u8 = 6;
const VECTOR_GP: u8 = 13;
/// IA32_TIME_STAMP_COUNTER.
const MSR_TSC: u32 = 0x10;
/// IA32_PAT.
const MSR_PAT: u32 = 0x277;

/// Handles one exit of `d`'s vCPU `vcpu_id`, whose hardware state is `v`.
pub fn handle_exit<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
    exit: VmExit,
) -> Next {
    match exit {
        VmExit::ExternalInterrupt => Next::Interrupted,
        // The upcall waiting for it is injected before the next entry.
        VmExit::InterruptWindow => Next::Resume,
        VmExit::Cpuid => {
            // CPUID faulting, which the guest asked for in MSR_INTEL_MISC_FEATURES_ENABLES:
            // #GP outside ring 0, RIP left on the instruction (hvm.c `hvm_vmexit_cpuid`).
            let faulting = d.vcpu(vcpu_id).is_some_and(|vc| vc.cpuid_faulting());
            if faulting && v.cpl() > 0 {
                v.inject_exception(VECTOR_GP, Some(0));
            } else {
                cpuid(hv, d, v);
            }
            Next::Resume
        }
        VmExit::Msr { write } => {
            msr_access(hv, d, vcpu_id, v, write);
            if d.is_shut_down() {
                Next::Stop
            } else {
                Next::Resume
            }
        }
        VmExit::Hypercall => hypercall(hv, d, vcpu_id, v),
        VmExit::Io {
            port,
            size,
            input,
            string,
        } => {
            if string {
                // INS/OUTS need the instruction emulator, which does not exist yet.
                printk!(
                    "d{}v{vcpu_id} string I/O at port {port:#x} cannot be emulated yet\n",
                    d.domid()
                );
                crash(d, vcpu_id, v, "string I/O");
                return Next::Stop;
            }
            if port == XEN_HVM_DEBUGCONS_IOPORT && size == 1 {
                // Xen's debug console (hvm_print_line). A read returns the port number, as
                // upstream Xen does since it follows Bochs' "port e9 hack" (4.17 crashed the
                // domain instead).
                if input {
                    let rax = v.rax();
                    v.set_rax((rax & !0xff) | u64::from(XEN_HVM_DEBUGCONS_IOPORT));
                } else {
                    hvm_print_char(hv, d, v.rax() as u8);
                }
                v.skip_instruction(1);
                return Next::Resume;
            }
            // The hardware domain's PCI configuration mechanism (hvm/io.c `vpci_portio_*`).
            if d.domid() == 0 && hypercall::vpci::portio_accept(port, u32::from(size)) {
                let hw = crate::pci::MachineConfigSpace;
                let size32 = u32::from(size);
                if input {
                    let val = hypercall::vpci::portio_read(d, &hw, port, size32)
                        .map_or(u64::MAX, u64::from);
                    let mask = (1u64 << (8 * size32)) - 1;
                    let rax = v.rax();
                    v.set_rax((rax & !mask) | (val & mask));
                } else {
                    let mask = (1u64 << (8 * size32)) - 1;
                    hypercall::vpci::portio_write(d, &hw, port, size32, (v.rax() & mask) as u32);
                }
                v.skip_instruction(1);
                return Next::Resume;
            }
            // No device behind the port: reads give all ones, writes are dropped (what a PC
            // does for a port nothing decodes; emulate.c's `null_handler`).
            if input {
                let ones = (1u64 << (8 * u32::from(size))) - 1;
                let rax = v.rax();
                v.set_rax((rax & !ones) | ones);
            }
            v.skip_instruction(1);
            Next::Resume
        }
        VmExit::Hlt => {
            v.skip_instruction(1);
            hlt(hv, d, vcpu_id, v)
        }
        VmExit::TripleFault => {
            crash(d, vcpu_id, v, "triple fault");
            Next::Stop
        }
        VmExit::NestedPageFault { gpa, access } => {
            nested_page_fault(hv, d, vcpu_id, v, gpa, access)
        }
        VmExit::EptMisconfig { gpa } => {
            // Xen's ept_handle_misconfig: the lazy recalculation on the path to the gfn must
            // find something to resolve; a misconfiguration it cannot explain crashes the domain.
            match d.p2m.resolve_fault(&hv.heap, Gfn(gpa >> 12)) {
                Ok(true) => Next::Resume,
                _ => {
                    printk!(
                        "d{}v{vcpu_id} EPT misconfiguration at {gpa:#x}\n",
                        d.domid()
                    );
                    crash(d, vcpu_id, v, "EPT misconfiguration");
                    Next::Stop
                }
            }
        }
        VmExit::Xsetbv => {
            // Xen's hvm_handle_xsetbv: any refusal is #GP(0), nothing changes.
            let index = v.regs().rcx as u32;
            let value = (v.regs().rdx << 32) | (v.rax() & 0xffff_ffff);
            if xsetbv(v, index, value) {
                v.skip_instruction(3);
            } else {
                v.inject_exception(VECTOR_GP, Some(0));
            }
            Next::Resume
        }
        VmExit::VirtualisationInstruction | VmExit::MonitorMwait => {
            // The guest was told there is no SVM or VMX, and no MONITOR/MWAIT (Xen injects
            // #UD for both: svm.c and vmx.c's exit handlers).
            v.inject_exception(VECTOR_UD, None);
            Next::Resume
        }
        VmExit::CacheFlush => {
            // svm_vmexit_do_invalidate_cache / vmx's INVD and WBINVD: the caches are flushed
            // for a domain that owns devices (`cache_flush_permitted`: dom0's I/O ports and
            // memory), and skipped for any other; INVD is a WBINVD either way.
            if d.domid() == 0 {
                #[cfg(target_os = "none")]
                crate::cpu::wbinvd();
            }
            v.skip_instruction(2);
            Next::Resume
        }
        VmExit::Cr4Write { gpr } => cr4_write(hv, d, vcpu_id, v, gpr),
        VmExit::InvalidState => {
            printk!(
                "d{}v{vcpu_id} the CPU refused the vCPU's state at entry\n",
                d.domid()
            );
            v.dump_state(d.domid(), vcpu_id);
            d.crash();
            Next::Stop
        }
        VmExit::Other(code) => {
            printk!("d{}v{vcpu_id} unexpected exit {code:#x}\n", d.domid());
            crash(d, vcpu_id, v, "unhandled exit");
            Next::Stop
        }
    }
}

/// The CR4 bits a guest may set (hvm.c `hvm_cr4_guest_valid_bits`), from the CPUID leaves 1 and
/// 7 it sees.
pub fn guest_cr4_valid_bits() -> u64 {
    let view = hvm::GuestCpuidView {
        cr4_osxsave: false,
        xfeature_mask: host_xfeature_mask(),
    };
    let leaf = |n| hvm::guest_cpuid(n, 0, msr::cpuid(n, 0), view);
    let (l1, l7) = (leaf(1), leaf(7));
    hypercall::hvm_cr::cr4_guest_valid_bits(&hypercall::hvm_cr::Cr4Features {
        leaf1_ecx: l1.ecx,
        leaf1_edx: l1.edx,
        leaf7_ebx: l7.ebx,
        leaf7_ecx: l7.ecx,
        leaf7_edx: l7.edx,
    })
}

/// A MOV to CR4 (hvm.c `hvm_mov_to_cr` -> `hvm_set_cr4`): the source register from the vendor,
/// else from decoding the instruction; a value the rules refuse is #GP(0) and changes nothing;
/// an accepted one is written, flushing the guest's TLB when the paging bits change.
fn cr4_write<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
    gpr: Option<u8>,
) -> Next {
    use hypercall::hvm_cr::{cr4_write_allowed, cr4_write_flushes_tlb, Cr4Context};
    let (gpr, len) = match gpr {
        Some(gpr) => (gpr, 3),
        None => {
            let (bytes, n) = fetch_instruction(hv, d, v);
            match crate::mmio::decode_mov_to_cr(&bytes[..n], v.in_long_mode()) {
                Ok(insn) if insn.cr == 4 => (insn.gpr, u64::from(insn.len)),
                other => {
                    printk!(
                        "d{}v{vcpu_id} CR4 write not decoded: {other:?} (bytes {:02x?})\n",
                        d.domid(),
                        &bytes[..n]
                    );
                    crash(d, vcpu_id, v, "CR4 write not emulated");
                    return Next::Stop;
                }
            }
        }
    };
    let mut value = crate::mmio::read_gpr(v, gpr);
    if !v.in_long_mode() {
        value &= 0xffff_ffff;
    }
    let p = v.paging_state();
    let ctx = Cr4Context {
        valid: guest_cr4_valid_bits(),
        old: p.cr4,
        // `hvm_long_mode_active`: EFER.LMA, compatibility mode included.
        long_mode: p.efer & (1 << 10) != 0,
        cr0: p.cr0,
        cr3: p.cr3,
    };
    if !cr4_write_allowed(&ctx, value) {
        v.inject_exception(VECTOR_GP, Some(0));
        return Next::Resume;
    }
    v.set_guest_cr4(value);
    if cr4_write_flushes_tlb(p.cr4, value) {
        v.flush_guest_tlb();
    }
    v.skip_instruction(len);
    Next::Resume
}

/// The states guests may enable (none off the bare-metal build, where no guest runs).
fn host_xfeature_mask() -> u64 {
    #[cfg(target_os = "none")]
    return crate::xstate::xfeature_mask();
    #[cfg(not(target_os = "none"))]
    0
}

/// A guest's XSETBV; `false` when refused.
fn xsetbv<V: HvmVcpu + ?Sized>(v: &mut V, index: u32, value: u64) -> bool {
    #[cfg(target_os = "none")]
    return v.xstate().handle_xsetbv(index, value).is_ok();
    #[cfg(not(target_os = "none"))]
    {
        let _ = v;
        crate::xstate::check_xsetbv(index, value, 0).is_ok()
    }
}

fn cpuid<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(hv: &Hv<Fmt>, d: &Domain<Fmt>, v: &mut V) {
    let leaf = v.rax() as u32;
    let subleaf = v.regs().rcx as u32;
    let view = hvm::GuestCpuidView {
        cr4_osxsave: v.paging_state().cr4 & crate::cpu::CR4_OSXSAVE != 0,
        xfeature_mask: host_xfeature_mask(),
    };
    // The host's leaf 0xD reports sizes for the XCR0 in force, which is this vCPU's (xstate.rs).
    let r = hvm::xen_cpuid_leaf(leaf, (hv.info.major, hv.info.minor), d.domid(), 0)
        .unwrap_or_else(|| hvm::guest_cpuid(leaf, subleaf, msr::cpuid(leaf, subleaf), view));
    set_cpuid_result(v, r);
    v.skip_instruction(2);
}

/// A 64-bit result in EDX:EAX (RDMSR).
fn set_edx_eax<V: HvmVcpu + ?Sized>(v: &mut V, value: u64) {
    v.set_rax(value & 0xffff_ffff);
    v.regs().rdx = value >> 32;
}

fn set_cpuid_result<V: HvmVcpu + ?Sized>(v: &mut V, r: CpuidResult) {
    v.set_rax(u64::from(r.eax));
    let regs = v.regs();
    regs.rbx = u64::from(r.ebx);
    regs.rcx = u64::from(r.ecx);
    regs.rdx = u64::from(r.edx);
}

/// An RDMSR or WRMSR: the MSR, the value written (EDX:EAX), and which.
#[derive(Clone, Copy, Debug)]
struct MsrOp {
    index: u32,
    value: u64,
    write: bool,
}

fn msr_access<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu_id: u32,
    v: &mut V,
    write: bool,
) {
    let index = v.regs().rcx as u32;
    let value = (v.regs().rdx << 32) | (v.rax() & 0xffff_ffff);
    // The vLAPIC's MSRs first: APIC_BASE, the TSC deadline and the x2APIC range (Xen's
    // `hvm_msr_read_intercept` / `hvm_msr_write_intercept` ask the vLAPIC before
    // `guest_rdmsr` / `guest_wrmsr`).
    let op = MsrOp {
        index,
        value,
        write,
    };
    if let Some(ok) = vlapic_msr(hv, d, vcpu_id, v, op) {
        if ok {
            v.skip_instruction(2);
        } else if !d.is_shut_down() {
            v.inject_exception(VECTOR_GP, Some(0));
        }
        return;
    }
    let ok = match (index, write) {
        (HYPERCALL_MSR, true) => {
            let insn = v.hypercall_instruction();
            install_hypercall_page(hv, d, value, insn)
        }
        (msr::IA32_EFER, true) => v.set_guest_efer(value),
        (msr::IA32_EFER, false) => {
            let efer = v.guest_efer();
            set_edx_eax(v, efer);
            true
        }
        (MSR_PAT, false) => {
            let pat = v.guest_pat();
            set_edx_eax(v, pat);
            true
        }
        // Each of the eight PAT entries must be a valid memory type (0, 1, 4, 5, 6, 7).
        (MSR_PAT, true) => {
            let valid = (0..8).all(|i| matches!((value >> (8 * i)) & 0xff, 0 | 1 | 4..=7));
            if valid {
                v.set_guest_pat(value);
            }
            valid
        }
        // The time-stamp counter reads as the host's (no offset yet); writes are dropped.
        (MSR_TSC, false) => {
            let tsc = crate::cpu::read_tsc();
            set_edx_eax(v, tsc);
            true
        }
        (MSR_TSC, true) => true,
        // The rest as Xen's policy answers it (guest_rdmsr/guest_wrmsr, the vMTRRs and vMCE,
        // the vendor intercepts), kept in the portable vCPU; what it does not know is #GP.
        _ => policy_msr(d, vcpu_id, v, op),
    };
    if ok {
        v.skip_instruction(2);
    } else {
        v.inject_exception(VECTOR_GP, Some(0));
    }
}

/// Whether the guest sees x2APIC in CPUID leaf 1 (ECX bit 21, passed through from the host):
/// `guest_wrmsr_apic_base`'s `cp->basic.x2apic`.
fn x2apic_allowed() -> bool {
    msr::cpuid(1, 0).ecx & (1 << 21) != 0
}

/// A vLAPIC MSR (`hypercall::vlapic::access`): `None` when `index` is not one, `Some(false)` for
/// #GP, `Some(true)` when done (a read's value in EDX:EAX).
fn vlapic_msr<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu_id: u32,
    v: &mut V,
    op: MsrOp,
) -> Option<bool> {
    use hypercall::vlapic::access;
    let MsrOp {
        index,
        value,
        write,
    } = op;
    let vcpu = d.vcpu(vcpu_id)?;
    if !write {
        return Some(match access::rdmsr(vcpu, index, hv.clock.now())? {
            Ok(val) => {
                set_edx_eax(v, val);
                true
            }
            Err(_) => false,
        });
    }
    let tsc = hv.clock.tsc();
    let now = access::Now {
        ns: hv.clock.now_at(tsc),
        tsc,
        scale: hv.clock.scale(),
    };
    Some(
        match access::wrmsr(&hv.timers, d, vcpu, index, value, x2apic_allowed(), now)? {
            Ok(done) => vlapic_done(hv, d, vcpu_id, v, done),
            Err(_) => false,
        },
    )
}

/// Acts on what a vLAPIC access asked of the caller; `false` if the domain was crashed. An EOI
/// goes to the vIOAPICs (`vlapic_handle_EOI`); software-enabling the APIC re-raises a flagged
/// upcall; INIT/SIPI are not delivered yet (Xen's `vlapic_init_sipi_action`).
fn vlapic_done<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    vcpu_id: u32,
    v: &V,
    done: hypercall::vlapic::access::Done,
) -> bool {
    if done.crash {
        // vlapic_accept_irq: "vlapic: ExtINT ... not supported".
        printk!(
            "d{}v{vcpu_id} vLAPIC: ExtINT IPI not supported\n",
            d.domid()
        );
        crash(d, vcpu_id, v, "vLAPIC ExtINT IPI");
        return false;
    }
    if let Some(vcpu) = d.vcpu(vcpu_id) {
        if let Some(vector) = done.effects.eoi {
            hypercall::vioapic::vlapic_eoi(d, vcpu, vector);
        }
        if done.effects.sw_enabled {
            vcpu.reassert_upcall(hv.heap.frames());
        }
    }
    if let Some(ipi) = done.init_sipi {
        printk!(
            "d{}v{vcpu_id} vLAPIC: INIT/STARTUP IPI {:#x} to {:#x} not delivered yet\n",
            d.domid(),
            ipi.icr_low,
            ipi.dest
        );
    }
    true
}

/// An MSR the portable policy answers (`hypercall::msr`): `false` for #GP.
fn policy_msr<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    d: &Domain<Fmt>,
    vcpu_id: u32,
    v: &mut V,
    op: MsrOp,
) -> bool {
    use hypercall::msr::{Rdmsr, Wrmsr};
    let MsrOp {
        index,
        value,
        write,
    } = op;
    let Some(vcpu) = d.vcpu(vcpu_id) else {
        return false;
    };
    // Dom0 is the hardware domain.
    let policy = msr::guest_msr_policy(d.domid() == 0);
    let host = msr::ArchitecturalHostMsrs(policy.vendor);
    if write {
        let done = matches!(vcpu.wrmsr(&policy, &host, index, value), Wrmsr::Done);
        if done && index == hypercall::msr::MSR_TSC_AUX {
            msr::load_guest_tsc_aux(value);
        }
        done
    } else {
        match vcpu.rdmsr(&policy, &host, index) {
            Rdmsr::Value(val) => {
                set_edx_eax(v, val);
                true
            }
            Rdmsr::Gp | Rdmsr::NotHere => false,
        }
    }
}

/// A WRMSR of the hypercall MSR: fill the named guest frame with the hypercall stubs (Xen's
/// `hvm_set_guest_hypercall_page`). Page index bits other than 0 are refused (one page).
fn install_hypercall_page<Fmt: P2mFormat>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    value: u64,
    insn: [u8; 3],
) -> bool {
    if value & 0xfff != 0 {
        return false;
    }
    let gfn = Gfn(value >> 12);
    let found = d.get_entry_alloc(&hv.heap, gfn);
    let Some(mfn) = found.mfn.filter(|_| found.p2mt.is_ram()) else {
        return false;
    };
    hv.heap
        .frames()
        .write_bytes(mfn, 0, &hvm::hypercall_page(insn));
    d.p2m.mark_dirty(gfn);
    true
}

fn hypercall_regs(rax: u64, r: &GuestRegs) -> HypercallRegs {
    HypercallRegs {
        rax,
        rbx: r.rbx,
        rcx: r.rcx,
        rdx: r.rdx,
        rsi: r.rsi,
        rdi: r.rdi,
        r8: r.r8,
        r10: r.r10,
    }
}

fn hypercall<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
) -> Next {
    if v.cpl() != 0 {
        // hvm_hypercall: only the guest kernel may make hypercalls.
        v.set_rax(Errno::EPERM.negated() as u64);
        v.skip_instruction(3);
        return Next::Resume;
    }
    let long_mode = v.in_long_mode();
    let rax = v.rax();
    let mut regs = hypercall_regs(rax, v.regs());
    let (nr, args) = hvm::hypercall_args(&regs, long_mode);
    let rflags = v.rflags();
    let mut guest = HvmGuestMemory {
        heap: &hv.heap,
        domain: d,
        paging: v.paging_state(),
    };
    let mut preempt = PreemptAfter {
        steps: HYPERCALL_PREEMPT_STEPS,
    };
    let mut call = Call {
        caller: d,
        vcpu: vcpu_id,
        guest: &mut guest,
        preempt: &mut preempt,
        sched: None,
        // A hypercall instruction leaves no interrupt shadow: IF alone says.
        interrupts_enabled: rflags & (1 << 9) != 0,
    };
    let outcome = hypercall::dispatch(hv, &mut call, nr, args);
    let sched = call.sched;
    match outcome {
        Outcome::Return(value) => {
            let value = if long_mode {
                value as u64
            } else {
                value as u64 & 0xffff_ffff
            };
            v.set_rax(value);
            v.skip_instruction(3);
        }
        Outcome::Continue(next) => {
            // RIP stays on the instruction: the guest re-executes it with the new arguments.
            hvm::set_hypercall_args(&mut regs, long_mode, next);
            let r = v.regs();
            r.rbx = regs.rbx;
            r.rcx = regs.rcx;
            r.rdx = regs.rdx;
            r.rsi = regs.rsi;
            r.rdi = regs.rdi;
            r.r8 = regs.r8;
            r.r10 = regs.r10;
        }
    }
    flush_console(hv);
    if d.is_shut_down() {
        return Next::Stop;
    }
    match sched {
        Some(SchedRequest::Yield) => Next::Yield,
        Some(SchedRequest::Block) => Next::Block,
        None => Next::Resume,
    }
}

fn nested_page_fault<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
    gpa: u64,
    access: FaultAccess,
) -> Next {
    // Internally emulated MMIO before the p2m (hvm.c `hvm_hap_nested_page_fault`,
    // `hvm_mmio_internal`): the vLAPIC page and the vIOAPICs.
    if d.vcpu(vcpu_id)
        .is_some_and(|vc| hypercall::vlapic::access::mmio_range(vc, gpa))
    {
        return vlapic_mmio(hv, d, vcpu_id, v, gpa);
    }
    if hypercall::vioapic::mmio_range(d, gpa) {
        return emulate_mmio(hv, d, vcpu_id, v, gpa, "vIOAPIC", |a| match a {
            crate::mmio::Access::Read { .. } => u64::from(hypercall::vioapic::mmio_read(d, gpa)),
            crate::mmio::Access::Write { value, .. } => {
                // The hardware domain's unmasked pin is not bound to the machine's GSI yet
                // (`vioapic_hwdom_map_gsi`): dom0's devices get no interrupts through it.
                let _ = hypercall::vioapic::mmio_write(d, gpa, value as u32);
                0
            }
        });
    }
    // The hardware domain's MMCFG regions (hvm/io.c `vpci_mmcfg_*`), kept out of its p2m.
    if d.domid() == 0 && hypercall::vpci::mmcfg_find(d, gpa).is_some() {
        let hw = crate::pci::MachineConfigSpace;
        return emulate_mmio(hv, d, vcpu_id, v, gpa, "MMCFG", |a| match a {
            crate::mmio::Access::Read { size } => {
                hypercall::vpci::mmcfg_read(d, &hw, gpa, u32::from(size)).unwrap_or(u64::MAX)
            }
            crate::mmio::Access::Write { size, value } => {
                hypercall::vpci::mmcfg_write(d, &hw, gpa, u32::from(size), value);
                0
            }
        });
    }
    let gfn = Gfn(gpa >> 12);
    match d.p2m.handle_fault(&hv.heap, gfn, access) {
        Ok(FaultOutcome::Retry) if retried_too_often(d.domid(), gfn) => {
            // The p2m says the access is allowed but the hardware keeps refusing it: a bug in
            // the tables, not the guest's doing. Stop the domain rather than spin for ever.
            printk!(
                "d{}v{vcpu_id} nested page fault at {gpa:#x} ({access:?}) repeats without progress\n",
                d.domid()
            );
            crash(d, vcpu_id, v, "nested page fault loop");
            Next::Stop
        }
        Ok(FaultOutcome::Retry) => Next::Resume,
        Ok(FaultOutcome::PopulateOnDemand) => {
            if d.get_entry_alloc(&hv.heap, gfn).p2mt.is_ram() {
                Next::Resume
            } else {
                crash(d, vcpu_id, v, "out of populate-on-demand memory");
                Next::Stop
            }
        }
        Ok(FaultOutcome::Emulate) => {
            // Nothing claims the access and no ioreq server takes it: emulate.c's
            // `null_handler` reads all ones and drops writes (`hvmemul_do_io` without a server).
            emulate_mmio(hv, d, vcpu_id, v, gpa, "unclaimed MMIO", |a| match a {
                crate::mmio::Access::Read { size } => u64::MAX >> (64 - 8 * u32::from(size)),
                crate::mmio::Access::Write { .. } => 0,
            })
        }
        Ok(outcome) => {
            // No device model yet: ioreq-server accesses cannot be served.
            printk!(
                "d{}v{vcpu_id} nested page fault at {gpa:#x} ({access:?}): {outcome:?} not supported yet\n",
                d.domid()
            );
            crash(d, vcpu_id, v, "unhandled nested page fault");
            Next::Stop
        }
        Err(e) => {
            printk!(
                "d{}v{vcpu_id} nested page fault at {gpa:#x}: {e:?}\n",
                d.domid()
            );
            crash(d, vcpu_id, v, "nested page fault");
            Next::Stop
        }
    }
}

/// The instruction bytes at the faulting RIP: the CPU's (SVM decode assists), else read
/// through the guest's page tables (CS base 0: long mode, or PVH's flat segments). Up to 15
/// bytes, fewer if the next page cannot be read.
fn fetch_instruction<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    v: &V,
) -> ([u8; crate::mmio::MAX_INSN_LEN], usize) {
    use hypercall::guest::GuestMemory;
    if let Some(given) = v.fault_instruction_bytes() {
        return given;
    }
    let mut bytes = [0u8; crate::mmio::MAX_INSN_LEN];
    let mut guest = HvmGuestMemory {
        heap: &hv.heap,
        domain: d,
        paging: v.paging_state(),
    };
    let rip = v.rip();
    let first = ((4096 - (rip & 0xfff)) as usize).min(bytes.len());
    if guest.copy_from_guest(rip, &mut bytes[..first]).is_err() {
        return (bytes, 0);
    }
    if first < bytes.len()
        && guest
            .copy_from_guest(rip.wrapping_add(first as u64), &mut bytes[first..])
            .is_ok()
    {
        return (bytes, bytes.len());
    }
    (bytes, first)
}

/// One MOV at the faulting RIP, emulated on `device` (`hvmemul_do_io` for a handler that
/// claimed the address): the instruction is fetched and decoded, and an instruction the
/// emulator cannot do crashes the domain, saying which `what` it touched.
fn emulate_mmio<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
    gpa: u64,
    what: &str,
    device: impl FnMut(crate::mmio::Access) -> u64,
) -> Next {
    let (bytes, n) = fetch_instruction(hv, d, v);
    match crate::mmio::emulate(v, &bytes[..n], device) {
        Ok(_) => Next::Resume,
        Err(e) => {
            printk!(
                "d{}v{vcpu_id} {what} access at {gpa:#x}: {e} (bytes {:02x?})\n",
                d.domid(),
                &bytes[..n]
            );
            crash(d, vcpu_id, v, "MMIO instruction not emulated");
            Next::Stop
        }
    }
}

/// An access to the vCPU's xAPIC page (`vlapic_mmio_read` / `vlapic_mmio_write`).
fn vlapic_mmio<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
    gpa: u64,
) -> Next {
    use hypercall::vlapic::access;
    let Some(vcpu) = d.vcpu(vcpu_id) else {
        return Next::Stop;
    };
    let offset = (gpa & 0xfff) as u32;
    let now = hv.clock.now();
    let mut done = access::Done::default();
    let next = emulate_mmio(hv, d, vcpu_id, v, gpa, "vLAPIC", |a| match a {
        crate::mmio::Access::Read { size } => {
            u64::from(access::mmio_read(vcpu, offset, u32::from(size), now))
        }
        crate::mmio::Access::Write { size, value } => {
            done = access::mmio_write(
                &hv.timers,
                d,
                vcpu,
                offset,
                u32::from(size),
                value as u32,
                now,
            );
            0
        }
    });
    match next {
        Next::Resume if !vlapic_done(hv, d, vcpu_id, v, done) => Next::Stop,
        next => next,
    }
}

/// Consecutive retried faults on one gfn after which the fault counts as a loop.
const NPF_RETRY_LIMIT: u32 = 10_000;

/// Whether the fault at `gfn` of `domid` has been retried [`NPF_RETRY_LIMIT`] times in a row
/// (one CPU: plain statics track the last fault).
fn retried_too_often(domid: u16, gfn: Gfn) -> bool {
    use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(u64::MAX);
    static REPEATS: AtomicU32 = AtomicU32::new(0);
    let key = (u64::from(domid) << 48) | (gfn.0 & ((1 << 48) - 1));
    if LAST.swap(key, Ordering::Relaxed) == key {
        REPEATS.fetch_add(1, Ordering::Relaxed) + 1 >= NPF_RETRY_LIMIT
    } else {
        REPEATS.store(0, Ordering::Relaxed);
        false
    }
}

/// Prints what guests wrote to the console since the last call.
pub fn flush_console<Fmt: P2mFormat>(hv: &Hv<Fmt>) {
    let bytes = hv.console.take_unprinted();
    if !bytes.is_empty() {
        crate::console::write_bytes(&bytes);
    }
}

/// Crashes the domain (Xen's `domain_crash`), saying why and where.
/// HLT (Xen's `hvm_hlt`): with interrupts off the vCPU goes down, and the last one down powers
/// the domain off (`hvm_vcpu_down`: "All CPUs offline -- powering off"); with interrupts on it
/// blocks until an event wakes it, unless an upcall is already waiting.
fn hlt<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(
    hv: &Hv<Fmt>,
    d: &Arc<Domain<Fmt>>,
    vcpu_id: u32,
    v: &mut V,
) -> Next {
    let Some(vcpu) = d.vcpu_slots().get(vcpu_id as usize) else {
        return Next::Stop;
    };
    if v.rflags() & (1 << 9) == 0 {
        vcpu.set_down(true);
        let online = d
            .vcpu_slots()
            .iter()
            .take(d.state().vcpus as usize)
            .any(|o| !o.is_down());
        if !online {
            printk!("d{}: all CPUs offline -- powering off\n", d.domid());
            d.shutdown(xen_public::sched::SHUTDOWN_poweroff);
            return Next::Stop;
        }
        return Next::Block;
    }
    if hypercall::sched_op::vcpu_block(hv, d, vcpu_id, true) {
        Next::Block
    } else {
        Next::Resume
    }
}

fn crash<Fmt: P2mFormat, V: HvmVcpu + ?Sized>(d: &Domain<Fmt>, vcpu_id: u32, v: &V, why: &str) {
    printk!("domain_crash called for d{}v{vcpu_id}: {why}\n", d.domid());
    v.dump_state(d.domid(), vcpu_id);
    d.crash();
}

/// The register dump every vendor prints (Xen's `vcpu_show_registers`): `exit` is the vendor's
/// exit code and its three qualifiers.
pub fn dump_registers<V: HvmVcpu + ?Sized>(
    domid: u16,
    vcpu: u32,
    v: &V,
    r: &GuestRegs,
    exit: [u64; 4],
    cs: u16,
    rsp: u64,
) {
    let p = v.paging_state();
    printk!(
        "d{domid}v{vcpu} RIP: {cs:04x}:{:016x} RFLAGS: {:016x} CPL: {}\n",
        v.rip(),
        v.rflags(),
        v.cpl()
    );
    printk!(
        "rax: {:016x} rbx: {:016x} rcx: {:016x}\n",
        v.rax(),
        r.rbx,
        r.rcx
    );
    printk!(
        "rdx: {:016x} rsi: {:016x} rdi: {:016x}\n",
        r.rdx,
        r.rsi,
        r.rdi
    );
    printk!("rbp: {:016x} rsp: {:016x} r8:  {:016x}\n", r.rbp, rsp, r.r8);
    printk!(
        "cr0: {:016x} cr3: {:016x} cr4: {:016x} efer: {:016x}\n",
        p.cr0,
        p.cr3,
        p.cr4,
        p.efer
    );
    printk!(
        "exitcode: {:#x} exitinfo1: {:#x} exitinfo2: {:#x} exitintinfo: {:#x}\n",
        exit[0],
        exit[1],
        exit[2],
        exit[3]
    );
}
