//! What each #VMEXIT of an SVM vCPU does (Xen's xen/arch/x86/hvm/svm/svm.c `svm_vmexit_handler`):
//! CPUID answers Xen's leaves, the hypercall MSR installs the hypercall page, VMMCALL goes to the
//! dispatcher (a continuation leaves RIP on the VMMCALL with the updated arguments), nested page
//! faults go to xen-mm's fault path, a triple fault or anything the guest cannot be allowed to do
//! crashes the domain. Nothing a guest does stops the hypervisor.

use alloc::sync::Arc;

use hypercall::dispatch::{Call, Outcome, PreemptAfter};
use hypercall::domain::Domain;
use hypercall::hvm_guest::{HvmGuestMemory, PagingState};
use hypercall::hypervisor::Hypervisor;
use hypercall::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::fault::{FaultAccess, FaultOutcome};
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::Query;
use xen_mm::pod::PodFiller;

use super::vmcb::{ctrl, exit, inject_exception, save};
use super::SvmVcpu;
use crate::directmap::DirectMap;
use crate::hvm::{self, HypercallRegs, HYPERCALL_MSR};
use crate::msr::{self, CpuidResult};
use crate::printk;

/// The hypervisor as the SVM exit handlers see it.
pub type Hv = Hypervisor<DirectMap, Npt>;

/// What the vCPU loop does after an exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Run the guest again.
    Resume,
    /// The domain shut down or crashed: stop running it.
    Stop,
}

/// Hypercall steps between preemption checks: long operations return continuations, and the
/// loop gets control back regularly.
const HYPERCALL_PREEMPT_STEPS: u64 = 256;

const VECTOR_UD: u8 = 6;
const VECTOR_GP: u8 = 13;

/// EFER bits a guest may set (SCE, LME, NXE, LMSLE, FFXSR, TCE); LMA is the CPU's.
const EFER_GUEST_BITS: u64 = (1 << 0) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 14) | (1 << 15);

fn regs_for_hypercall(v: &SvmVcpu) -> HypercallRegs {
    HypercallRegs {
        rax: v.vmcb.read_u64(save::RAX),
        rbx: v.regs.rbx,
        rcx: v.regs.rcx,
        rdx: v.regs.rdx,
        rsi: v.regs.rsi,
        rdi: v.regs.rdi,
        r8: v.regs.r8,
        r10: v.regs.r10,
    }
}

fn paging_state(v: &SvmVcpu) -> PagingState {
    PagingState {
        cr0: v.vmcb.read_u64(save::CR0),
        cr3: v.vmcb.read_u64(save::CR3),
        cr4: v.vmcb.read_u64(save::CR4),
        efer: v.vmcb.read_u64(save::EFER),
    }
}

/// Handles one exit of `d`'s vCPU `v`.
pub fn handle_exit(hv: &Hv, d: &Arc<Domain<Npt>>, v: &mut SvmVcpu, code: u64) -> Next {
    match code {
        exit::INTR | exit::NMI => Next::Resume,
        exit::CPUID => {
            cpuid(hv, d, v);
            Next::Resume
        }
        exit::MSR => {
            msr_access(hv, d, v);
            Next::Resume
        }
        exit::VMMCALL => hypercall(hv, d, v),
        exit::HLT => {
            v.skip_instruction(1);
            if v.vmcb.read_u64(save::RFLAGS) & (1 << 9) == 0 {
                crash(d, v, "halted with interrupts disabled");
                return Next::Stop;
            }
            // No event sources yet: waking at once is what a spurious wake-up looks like.
            Next::Resume
        }
        exit::SHUTDOWN => {
            crash(d, v, "triple fault");
            Next::Stop
        }
        exit::NPF => nested_page_fault(hv, d, v),
        exit::VMRUN | exit::VMLOAD | exit::VMSAVE | exit::STGI | exit::CLGI | exit::SKINIT => {
            // The guest was told there is no SVM.
            v.vmcb
                .write_u64(ctrl::EVENTINJ, inject_exception(VECTOR_UD));
            Next::Resume
        }
        exit::INVALID => {
            printk!("d{}v0 VMRUN refused the VMCB (VMEXIT_INVALID)\n", d.domid());
            dump_state(d.domid(), v);
            d.crash();
            Next::Stop
        }
        other => {
            printk!("d{}v0 unexpected #VMEXIT {other:#x}\n", d.domid());
            crash(d, v, "unhandled exit");
            Next::Stop
        }
    }
}

fn cpuid(hv: &Hv, d: &Domain<Npt>, v: &mut SvmVcpu) {
    let leaf = v.vmcb.read_u64(save::RAX) as u32;
    let subleaf = v.regs.rcx as u32;
    let r = hvm::xen_cpuid_leaf(leaf, (hv.info.major, hv.info.minor), d.domid(), 0)
        .unwrap_or_else(|| hvm::guest_cpuid(leaf, msr::cpuid(leaf, subleaf)));
    set_cpuid_result(v, r);
    v.skip_instruction(2);
}

fn set_cpuid_result(v: &mut SvmVcpu, r: CpuidResult) {
    v.vmcb.write_u64(save::RAX, u64::from(r.eax));
    v.regs.rbx = u64::from(r.ebx);
    v.regs.rcx = u64::from(r.ecx);
    v.regs.rdx = u64::from(r.edx);
}

fn msr_access(hv: &Hv, d: &Domain<Npt>, v: &mut SvmVcpu) {
    let index = v.regs.rcx as u32;
    let write = v.vmcb.read_u64(ctrl::EXITINFO1) == 1;
    let value = (v.regs.rdx << 32) | (v.vmcb.read_u64(save::RAX) & 0xffff_ffff);
    let ok = match (index, write) {
        (HYPERCALL_MSR, true) => install_hypercall_page(hv, d, value),
        (msr::IA32_EFER, true) => {
            if value & !EFER_GUEST_BITS & !(1 << 10) != 0 {
                false
            } else {
                let current = v.vmcb.read_u64(save::EFER);
                let efer = (value & EFER_GUEST_BITS) | (current & (1 << 10)) | msr::EFER_SVME;
                v.vmcb.write_u64(save::EFER, efer);
                true
            }
        }
        (msr::IA32_EFER, false) => {
            let efer = v.vmcb.read_u64(save::EFER) & !msr::EFER_SVME;
            v.vmcb.write_u64(save::RAX, efer & 0xffff_ffff);
            v.regs.rdx = efer >> 32;
            true
        }
        // The APIC base belongs to the hypervisor: writes are dropped.
        (0x1b, true) => true,
        _ => false,
    };
    if ok {
        v.skip_instruction(2);
    } else {
        v.vmcb
            .write_u64(ctrl::EVENTINJ, inject_exception(VECTOR_GP) | (1 << 11));
    }
}

/// A WRMSR of the hypercall MSR: fill the named guest frame with the hypercall stubs (Xen's
/// `hvm_set_guest_hypercall_page`). Page index bits other than 0 are refused (one page).
fn install_hypercall_page(hv: &Hv, d: &Domain<Npt>, value: u64) -> bool {
    if value & 0xfff != 0 {
        return false;
    }
    let gfn = Gfn(value >> 12);
    let filler = PodFiller {
        pod: &d.pod,
        p2m: &d.p2m,
        heap: &hv.heap,
        d: &d.mem,
    };
    let found = d.p2m.get_entry_query(&hv.heap, gfn, Query::ALLOC, &filler);
    let Some(mfn) = found.mfn.filter(|_| found.p2mt.is_ram()) else {
        return false;
    };
    hv.heap
        .frames()
        .write_bytes(mfn, 0, &hvm::svm_hypercall_page());
    d.p2m.mark_dirty(gfn);
    true
}

fn hypercall(hv: &Hv, d: &Arc<Domain<Npt>>, v: &mut SvmVcpu) -> Next {
    let long_mode = v.in_long_mode();
    let mut regs = regs_for_hypercall(v);
    if v.cpl() != 0 {
        // hvm_hypercall: only the guest kernel may make hypercalls.
        v.vmcb.write_u64(save::RAX, Errno::EPERM.negated() as u64);
        v.skip_instruction(3);
        return Next::Resume;
    }
    let (nr, args) = hvm::hypercall_args(&regs, long_mode);
    let mut guest = HvmGuestMemory {
        heap: &hv.heap,
        domain: d,
        paging: paging_state(v),
    };
    let mut preempt = PreemptAfter {
        steps: HYPERCALL_PREEMPT_STEPS,
    };
    let mut call = Call {
        caller: d,
        vcpu: 0,
        guest: &mut guest,
        preempt: &mut preempt,
        sched: None,
    };
    match hypercall::dispatch(hv, &mut call, nr, args) {
        Outcome::Return(value) => {
            let value = if long_mode {
                value as u64
            } else {
                value as u64 & 0xffff_ffff
            };
            v.vmcb.write_u64(save::RAX, value);
            v.skip_instruction(3);
        }
        Outcome::Continue(next) => {
            // RIP stays on VMMCALL: the guest re-executes it with the updated arguments.
            hvm::set_hypercall_args(&mut regs, long_mode, next);
            v.regs.rbx = regs.rbx;
            v.regs.rcx = regs.rcx;
            v.regs.rdx = regs.rdx;
            v.regs.rsi = regs.rsi;
            v.regs.rdi = regs.rdi;
            v.regs.r8 = regs.r8;
            v.regs.r10 = regs.r10;
        }
    }
    flush_console(hv);
    if d.is_shut_down() {
        return Next::Stop;
    }
    Next::Resume
}

fn nested_page_fault(hv: &Hv, d: &Arc<Domain<Npt>>, v: &mut SvmVcpu) -> Next {
    let error = v.vmcb.read_u64(ctrl::EXITINFO1);
    let gpa = v.vmcb.read_u64(ctrl::EXITINFO2);
    let access = FaultAccess {
        present: error & 1 != 0,
        write: error & 2 != 0,
        exec: error & 16 != 0,
    };
    let gfn = Gfn(gpa >> 12);
    match d.p2m.handle_fault(&hv.heap, gfn, access) {
        Ok(FaultOutcome::Retry) => Next::Resume,
        Ok(FaultOutcome::PopulateOnDemand) => {
            let filler = PodFiller {
                pod: &d.pod,
                p2m: &d.p2m,
                heap: &hv.heap,
                d: &d.mem,
            };
            let found = d.p2m.get_entry_query(&hv.heap, gfn, Query::ALLOC, &filler);
            if found.p2mt.is_ram() {
                Next::Resume
            } else {
                crash(d, v, "out of populate-on-demand memory");
                Next::Stop
            }
        }
        Ok(outcome) => {
            // No device model or emulator yet: MMIO and ioreq-server accesses cannot be served.
            printk!(
                "d{}v0 nested page fault at {gpa:#x} (error {error:#x}): {outcome:?} not supported yet\n",
                d.domid()
            );
            crash(d, v, "unhandled nested page fault");
            Next::Stop
        }
        Err(e) => {
            printk!("d{}v0 nested page fault at {gpa:#x}: {e:?}\n", d.domid());
            crash(d, v, "nested page fault");
            Next::Stop
        }
    }
}

/// Prints what guests wrote to the console since the last call.
pub fn flush_console(hv: &Hv) {
    let bytes = hv.console.take_unprinted();
    if !bytes.is_empty() {
        crate::console::write_bytes(&bytes);
    }
}

/// Crashes the domain (Xen's `domain_crash`), saying why and where.
fn crash(d: &Domain<Npt>, v: &SvmVcpu, why: &str) {
    printk!("domain_crash called for d{}v0: {why}\n", d.domid());
    dump_state(d.domid(), v);
    d.crash();
}

/// The vCPU's registers, as Xen's `vcpu_show_registers`.
pub fn dump_state(domid: u16, v: &SvmVcpu) {
    let r = &v.regs;
    let vm = &v.vmcb;
    printk!(
        "d{domid}v0 RIP: {:04x}:{:016x} RFLAGS: {:016x} CPL: {}\n",
        vm.segment(save::CS).selector,
        vm.read_u64(save::RIP),
        vm.read_u64(save::RFLAGS),
        vm.read_u8(save::CPL)
    );
    printk!(
        "rax: {:016x} rbx: {:016x} rcx: {:016x}\n",
        vm.read_u64(save::RAX),
        r.rbx,
        r.rcx
    );
    printk!(
        "rdx: {:016x} rsi: {:016x} rdi: {:016x}\n",
        r.rdx,
        r.rsi,
        r.rdi
    );
    printk!(
        "rbp: {:016x} rsp: {:016x} r8:  {:016x}\n",
        r.rbp,
        vm.read_u64(save::RSP),
        r.r8
    );
    printk!(
        "cr0: {:016x} cr3: {:016x} cr4: {:016x} efer: {:016x}\n",
        vm.read_u64(save::CR0),
        vm.read_u64(save::CR3),
        vm.read_u64(save::CR4),
        vm.read_u64(save::EFER)
    );
    printk!(
        "exitcode: {:#x} exitinfo1: {:#x} exitinfo2: {:#x} exitintinfo: {:#x}\n",
        vm.read_u64(ctrl::EXITCODE),
        vm.read_u64(ctrl::EXITINFO1),
        vm.read_u64(ctrl::EXITINFO2),
        vm.read_u64(ctrl::EXITINTINFO)
    );
}
