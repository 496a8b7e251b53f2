//! HVM save images: what XEN_DOMCTL_gethvmcontext writes and XEN_DOMCTL_sethvmcontext reads
//! (Xen 4.17 xen/arch/x86/hvm/save.c `hvm_save`, `hvm_save_size`, `hvm_load`; the records of
//! xen/arch/x86/hvm/hvm.c `hvm_save_cpu_ctxt` / `hvm_load_cpu_ctxt` and xen/arch/x86/hvm/mtrr.c
//! `hvm_save_mtrr_msr` / `hvm_load_mtrr_msr`), and the per-vCPU state they carry, which the arch
//! layer starts vCPUs from.
//!
//! What the toolstack does with it (4.17 tools/libs/guest/xg_dom_x86.c `vcpu_hvm`): fetch the size
//! and the image, take the HEADER and vCPU 0's MTRR record from it, load HEADER+MTRR+END once per
//! vCPU (default type write-back, enabled), then HEADER+CPU+END for vCPU 0 with the PVH entry
//! state (flat segments, CR0 = PE|ET, RIP = entry, RBX = start_info). That is why both record
//! types are here.
//!
//! Record types: an image holds HEADER, one CPU record per vCPU that is up, one MTRR record per
//! vCPU, END. Xen also emits PIC, IOAPIC, LAPIC, LAPIC_REGS, IRQ, PIT, RTC, HPET, PMTIMER,
//! VIRIDIAN, XSAVE, VMCE, TSC_ADJUST and MSR records; xen-rs does not model those devices in this
//! layer, so it leaves them out of the image (and out of the size) and refuses them on load with
//! EOPNOTSUPP (deviation: Xen would load them). Typecodes Xen has no loader for are EINVAL, as in
//! Xen.
//!
//! Loading is all or nothing (deviation from 4.17, whose `hvm_load` applies records as it goes
//! and leaves the earlier ones in place when a later one fails; upstream since 4.19 checks the
//! whole image before loading any of it, which is what this does).

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use xen_mm::errno::Errno;
use xen_public::arch_x86::hvm::save::{
    hvm_hw_cpu, hvm_hw_cpu_compat, hvm_hw_mtrr, hvm_save_header, HVM_FILE_MAGIC, HVM_FILE_VERSION,
    HVM_SAVE_CODE_CPU, HVM_SAVE_CODE_HEADER, HVM_SAVE_CODE_MAX, HVM_SAVE_CODE_MTRR, MTRR_VCNT,
    XEN_X86_FPU_INITIALISED,
};
use xen_public::hvm::save::{hvm_save_descriptor, HVM_SAVE_CODE_END};
use zerocopy::{FromBytes, IntoBytes};

use xen_mm::p2m::format::P2mFormat;

use crate::domain::{Domain, DomainState};

/// Bytes of a descriptor.
const DESC: usize = core::mem::size_of::<hvm_save_descriptor>();
/// `HVM_SAVE_LENGTH(HEADER)`.
const HEADER_LEN: usize = core::mem::size_of::<hvm_save_header>();
/// `HVM_SAVE_LENGTH(CPU)`.
pub const CPU_LEN: usize = core::mem::size_of::<hvm_hw_cpu>();
/// `HVM_SAVE_LENGTH_COMPAT(CPU)`: the record before msr_tsc_aux and flags existed.
const CPU_COMPAT_LEN: usize = core::mem::size_of::<hvm_hw_cpu_compat>();
/// `HVM_SAVE_LENGTH(MTRR)`.
pub const MTRR_LEN: usize = core::mem::size_of::<hvm_hw_mtrr>();

/// Largest image sethvmcontext reads in. Xen allocates what the caller asks for and fails with
/// ENOMEM when it cannot; xen-rs bounds it (1 MiB is far above the largest image it emits:
/// 128 vCPUs take 165 KiB).
pub const HVM_CONTEXT_MAX_BYTES: u32 = 1 << 20;

/// CR0 bits a guest may have set (`HVM_CR0_GUEST_RESERVED_BITS` is the complement): PE, MP, EM,
/// TS, ET, NE, WP, AM, NW, CD, PG.
const CR0_VALID: u64 =
    0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | (1 << 16) | (1 << 18) | (1 << 29) | (1 << 30) | (1 << 31);
const CR0_PE: u64 = 1;
const CR0_ET: u64 = 1 << 4;
const CR0_PG: u64 = 1 << 31;
const CR4_PAE: u64 = 1 << 5;

/// CR4 bits `hvm_cr4_guest_valid_bits(d, true)` allows with a full feature set on AMD: VME,
/// PVI, TSD, DE, PSE, PAE, MCE, PGE, PCE, OSFXSR, OSXMMEXCPT, UMIP, FSGSBASE, PCIDE, OSXSAVE,
/// SMEP, SMAP, PKE. xen-rs has no per-domain CPUID policy, so this is fixed (no VMXE: no VMX on
/// SVM hardware; no LA57, CET or PKS: not offered).
const CR4_VALID: u64 = 0x1
    | 0x2
    | 0x4
    | 0x8
    | 0x10
    | 0x20
    | 0x40
    | 0x80
    | 0x100
    | 0x200
    | 0x400
    | 0x800
    | (1 << 16)
    | (1 << 17)
    | (1 << 18)
    | (1 << 20)
    | (1 << 21)
    | (1 << 22);

/// EFER bits Xen knows (`EFER_KNOWN_MASK`): SCE, LME, LMA, NX, SVME, FFXSE.
const EFER_KNOWN: u64 = 1 | (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 14);
const EFER_LME: u64 = 1 << 8;
const EFER_LMA: u64 = 1 << 10;
const EFER_SVME: u64 = 1 << 12;

/// `X86_EFLAGS_MBS`: bit 1 of RFLAGS, always set.
const X86_EFLAGS_MBS: u64 = 1 << 1;

/// MTRRcap.VCNT: the number of variable ranges.
const MTRRCAP_VCNT: u64 = 0xff;

/// A segment register as Xen's `struct segment_register` holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// The selector.
    pub sel: u16,
    /// Attributes in Xen's 12-bit format: type 0-3, S 4, DPL 5-6, P 7, AVL 8, L 9, D/B 10, G 11
    /// (the VMCB's attribute layout).
    pub attr: u16,
    /// The limit, in bytes (already scaled by G).
    pub limit: u32,
    /// The base.
    pub base: u64,
}

/// A descriptor-table register (GDTR, IDTR).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DescriptorTable {
    /// The limit.
    pub limit: u32,
    /// The base.
    pub base: u64,
}

/// The register state of one HVM vCPU, as a CPU record loads it (`hvm_load_cpu_ctxt`): what the
/// arch layer starts the vCPU with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HvmVcpuContext {
    /// rax.
    pub rax: u64,
    /// rbx (a PVH guest's start_info address).
    pub rbx: u64,
    /// rcx.
    pub rcx: u64,
    /// rdx.
    pub rdx: u64,
    /// rbp.
    pub rbp: u64,
    /// rsi.
    pub rsi: u64,
    /// rdi.
    pub rdi: u64,
    /// rsp.
    pub rsp: u64,
    /// r8.
    pub r8: u64,
    /// r9.
    pub r9: u64,
    /// r10.
    pub r10: u64,
    /// r11.
    pub r11: u64,
    /// r12.
    pub r12: u64,
    /// r13.
    pub r13: u64,
    /// r14.
    pub r14: u64,
    /// r15.
    pub r15: u64,
    /// rip.
    pub rip: u64,
    /// rflags, bit 1 always set (`| X86_EFLAGS_MBS`, as Xen loads it).
    pub rflags: u64,
    /// cr0.
    pub cr0: u64,
    /// cr2.
    pub cr2: u64,
    /// cr3.
    pub cr3: u64,
    /// cr4.
    pub cr4: u64,
    /// EFER.
    pub efer: u64,
    /// dr0-dr3.
    pub dr: [u64; 4],
    /// dr6.
    pub dr6: u64,
    /// dr7.
    pub dr7: u64,
    /// CS.
    pub cs: Segment,
    /// DS.
    pub ds: Segment,
    /// ES.
    pub es: Segment,
    /// FS.
    pub fs: Segment,
    /// GS.
    pub gs: Segment,
    /// SS.
    pub ss: Segment,
    /// TR.
    pub tr: Segment,
    /// LDTR.
    pub ldtr: Segment,
    /// GDTR.
    pub gdtr: DescriptorTable,
    /// IDTR.
    pub idtr: DescriptorTable,
    /// MSR_IA32_SYSENTER_CS.
    pub sysenter_cs: u64,
    /// MSR_IA32_SYSENTER_ESP.
    pub sysenter_esp: u64,
    /// MSR_IA32_SYSENTER_EIP.
    pub sysenter_eip: u64,
    /// MSR_SHADOW_GS_BASE.
    pub shadow_gs: u64,
    /// MSR_STAR.
    pub star: u64,
    /// MSR_LSTAR.
    pub lstar: u64,
    /// MSR_CSTAR.
    pub cstar: u64,
    /// MSR_SYSCALL_MASK.
    pub syscall_mask: u64,
    /// MSR_TSC_AUX (32 bits).
    pub tsc_aux: u32,
    /// The guest TSC the record carried.
    pub tsc: u64,
    /// Pending event (hvm_hw_cpu.pending_event: vector, type, error-code-valid, valid bit 31).
    pub pending_event: u32,
    /// Its error code.
    pub error_code: u32,
    /// The FXSAVE image of the FPU/SSE state, if the record had XEN_X86_FPU_INITIALISED; `None`
    /// means the FPU starts in its reset state (Xen's `vcpu_setup_fpu` with FCW_RESET).
    pub fpu: Option<[u8; 512]>,
}

/// A vCPU's state in the save format's terms: its context and MTRRs (kept in its
/// [`VcpuState`](crate::vcpu::VcpuState)) and whether it is up (its VPF_down flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HvmVcpuState {
    /// The registers loaded by the last CPU record for this vCPU (Xen's `v->is_initialised`
    /// with its register state); `None` until one is loaded.
    pub context: Option<HvmVcpuContext>,
    /// Whether the vCPU is up (`!(v->pause_flags & VPF_down)`): a vCPU starts down; loading its
    /// CPU record brings it up; every sethvmcontext first takes all vCPUs down (`hvm_load`).
    pub online: bool,
    /// The PAT and MTRR MSRs (the MTRR record).
    pub mtrr: hvm_hw_mtrr,
}

impl Default for HvmVcpuState {
    fn default() -> Self {
        Self::new()
    }
}

impl HvmVcpuState {
    /// A new vCPU: down, no context, MTRRs as `hvm_vcpu_cacheattr_init` leaves them for a domU
    /// (MTRRcap = fixed ranges | WC | MTRR_VCNT, everything disabled, the power-on PAT).
    pub fn new() -> Self {
        let mtrr = crate::msr::vcpu_cacheattr_init(None, 0);
        HvmVcpuState {
            context: None,
            online: false,
            mtrr,
        }
    }
}

impl<Fmt: P2mFormat> Domain<Fmt> {
    /// The save-format state of vCPU `vcpu`, `None` if the domain has no such vCPU; `st` is its
    /// state, locked by the caller.
    pub fn hvm_vcpu_locked(&self, st: &DomainState, vcpu: u32) -> Option<HvmVcpuState> {
        if vcpu >= st.vcpus {
            return None;
        }
        let v = self.vcpu_slots().get(usize::try_from(vcpu).ok()?)?;
        let vs = v.state();
        Some(HvmVcpuState {
            context: vs.context,
            online: !v.is_down(),
            mtrr: vs.mtrr,
        })
    }

    /// The save-format state of vCPU `vcpu`, `None` if the domain has no such vCPU.
    pub fn hvm_vcpu(&self, vcpu: u32) -> Option<HvmVcpuState> {
        let st = self.state();
        self.hvm_vcpu_locked(&st, vcpu)
    }

    /// The context the arch layer starts vCPU `vcpu` from: `Some` once the toolstack loaded a
    /// CPU record for it and it is up (XEN_DOMCTL_sethvmcontext).
    pub fn vcpu_context(&self, vcpu: u32) -> Option<HvmVcpuContext> {
        let v = self.hvm_vcpu(vcpu)?;
        if v.online {
            v.context
        } else {
            None
        }
    }
}

/// `hvm_save_size`: HEADER and END with their descriptors, and for each vCPU a CPU and an MTRR
/// record (the handlers xen-rs has). An upper bound: vCPUs that are down have no CPU record.
pub fn save_size(vcpus: u32) -> u32 {
    let fixed = 2 * DESC + HEADER_LEN;
    let per_vcpu = DESC + CPU_LEN + DESC + MTRR_LEN;
    // At most HVM_MAX_VCPUS (128) vCPUs: far from overflowing.
    let per_vcpu = u32::try_from(per_vcpu).unwrap_or(u32::MAX);
    u32::try_from(fixed)
        .unwrap_or(u32::MAX)
        .saturating_add(per_vcpu.saturating_mul(vcpus))
}

/// The changeset a HEADER record carries: `simple_strtoll(strrchr(xen_changeset(), ':'), 16)`,
/// which starts parsing at the ':' itself and so yields 0 whenever there is one; ~0 (unknown)
/// when there is none.
pub fn header_changeset(changeset: &str) -> u64 {
    if changeset.contains(':') {
        0
    } else {
        u64::MAX
    }
}

fn push_record<T: IntoBytes + zerocopy::Immutable>(
    out: &mut Vec<u8>,
    typecode: u16,
    instance: u16,
    rec: &T,
) {
    let bytes = rec.as_bytes();
    let desc = hvm_save_descriptor {
        typecode,
        instance,
        length: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
    };
    out.extend_from_slice(desc.as_bytes());
    out.extend_from_slice(bytes);
}

/// `hvm_save`: the image of a domain with state `st` (its `vcpus` vCPUs), in typecode order:
/// HEADER, CPU for each vCPU that is up (`hvm_save_cpu_ctxt` skips those that are down), MTRR
/// for each vCPU, END. `changeset` is the HEADER's; the saving CPU's CPUID and the guest TSC
/// frequency are not known to this layer and are 0.
pub fn save<Fmt: P2mFormat>(d: &Domain<Fmt>, st: &DomainState, changeset: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let header = hvm_save_header {
        magic: HVM_FILE_MAGIC,
        version: HVM_FILE_VERSION,
        changeset,
        cpuid: 0,
        gtsc_khz: 0,
    };
    push_record(&mut out, HVM_SAVE_CODE_HEADER, 0, &header);
    let vcpus: Vec<(u16, HvmVcpuState)> = (0..st.vcpus)
        .filter_map(|v| Some((u16::try_from(v).ok()?, d.hvm_vcpu_locked(st, v)?)))
        .collect();
    for (id, v) in &vcpus {
        if let (true, Some(ctx)) = (v.online, v.context) {
            push_record(&mut out, HVM_SAVE_CODE_CPU, *id, &cpu_record(&ctx));
        }
    }
    for (id, v) in &vcpus {
        push_record(&mut out, HVM_SAVE_CODE_MTRR, *id, &v.mtrr);
    }
    push_record(&mut out, HVM_SAVE_CODE_END, 0, &());
    out
}

/// A context as a CPU record (`hvm_save_cpu_ctxt`).
pub fn cpu_record(c: &HvmVcpuContext) -> hvm_hw_cpu {
    let mut r = hvm_hw_cpu::default();
    if let Some(fpu) = c.fpu {
        r.fpu_regs = fpu;
        r.flags = XEN_X86_FPU_INITIALISED;
    }
    (r.rax, r.rbx, r.rcx, r.rdx) = (c.rax, c.rbx, c.rcx, c.rdx);
    (r.rbp, r.rsi, r.rdi, r.rsp) = (c.rbp, c.rsi, c.rdi, c.rsp);
    (r.r8, r.r9, r.r10, r.r11) = (c.r8, c.r9, c.r10, c.r11);
    (r.r12, r.r13, r.r14, r.r15) = (c.r12, c.r13, c.r14, c.r15);
    (r.rip, r.rflags) = (c.rip, c.rflags);
    (r.cr0, r.cr2, r.cr3, r.cr4) = (c.cr0, c.cr2, c.cr3, c.cr4);
    (r.dr0, r.dr1, r.dr2, r.dr3) = (c.dr[0], c.dr[1], c.dr[2], c.dr[3]);
    (r.dr6, r.dr7) = (c.dr6, c.dr7);
    macro_rules! put_seg {
        ($s:ident, $sel:ident, $limit:ident, $base:ident, $ar:ident) => {
            r.$sel = u32::from(c.$s.sel);
            r.$limit = c.$s.limit;
            r.$base = c.$s.base;
            r.$ar = u32::from(c.$s.attr);
        };
    }
    put_seg!(cs, cs_sel, cs_limit, cs_base, cs_arbytes);
    put_seg!(ds, ds_sel, ds_limit, ds_base, ds_arbytes);
    put_seg!(es, es_sel, es_limit, es_base, es_arbytes);
    put_seg!(fs, fs_sel, fs_limit, fs_base, fs_arbytes);
    put_seg!(gs, gs_sel, gs_limit, gs_base, gs_arbytes);
    put_seg!(ss, ss_sel, ss_limit, ss_base, ss_arbytes);
    put_seg!(tr, tr_sel, tr_limit, tr_base, tr_arbytes);
    put_seg!(ldtr, ldtr_sel, ldtr_limit, ldtr_base, ldtr_arbytes);
    (r.gdtr_limit, r.gdtr_base) = (c.gdtr.limit, c.gdtr.base);
    (r.idtr_limit, r.idtr_base) = (c.idtr.limit, c.idtr.base);
    (r.sysenter_cs, r.sysenter_esp, r.sysenter_eip) =
        (c.sysenter_cs, c.sysenter_esp, c.sysenter_eip);
    r.shadow_gs = c.shadow_gs;
    (r.msr_lstar, r.msr_star, r.msr_cstar) = (c.lstar, c.star, c.cstar);
    r.msr_syscall_mask = c.syscall_mask;
    r.msr_efer = c.efer;
    r.msr_tsc_aux = u64::from(c.tsc_aux);
    r.tsc = c.tsc;
    r.pending_event = c.pending_event;
    r.error_code = c.error_code;
    r
}

/// `UNFOLD_ARBYTES`: attributes saved by old Xen straight from the VMCS (bits 12-15 set, 8-11
/// clear) are moved into `segment_register` format; then truncated to its 16 bits. (Xen also
/// asks for a bit of 12-15 set; without one the move changes none of the 16 bits kept.)
fn unfold_arbytes(ar: u32) -> u16 {
    let ar = if ar & 0x0f00 == 0 {
        (ar & 0xff) | ((ar >> 4) & 0xf00)
    } else {
        ar
    };
    // `seg.attr = ctxt.cs_arbytes`: the 16-bit field keeps the low half.
    (ar & 0xffff) as u16
}

/// Which segment `check_segment` judges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SegKind {
    Cs,
    Ds,
    Ss,
    Es,
    Tr,
}

/// `check_segment` (xen/arch/x86/hvm/domain.c): attribute bits 12-15 clear; a null segment only
/// for DS and ES; TR a busy 32-bit TSS; the others code or data, present, CS code, SS writable
/// data, DS and ES readable.
fn check_segment(s: &Segment, kind: SegKind) -> Result<(), Errno> {
    let attr = s.attr;
    if attr & 0xf000 != 0 {
        return Err(Errno::EINVAL);
    }
    if attr == 0 {
        return if matches!(kind, SegKind::Ds | SegKind::Es) {
            Ok(())
        } else {
            Err(Errno::EINVAL)
        };
    }
    let ty = attr & 0xf;
    let code_or_data = attr & 0x10 != 0;
    let present = attr & 0x80 != 0;
    if kind == SegKind::Tr {
        // SYS_DESC_tss_busy.
        if code_or_data || ty != 11 {
            return Err(Errno::EINVAL);
        }
    } else if !code_or_data {
        return Err(Errno::EINVAL);
    }
    if !present {
        return Err(Errno::EINVAL);
    }
    let ok = match kind {
        SegKind::Cs => ty & 0x8 != 0,
        SegKind::Ss => ty & 0x8 == 0 && ty & 0x2 != 0,
        SegKind::Ds | SegKind::Es => !(ty & 0x8 != 0 && ty & 0x2 == 0),
        SegKind::Tr => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

fn dpl(s: &Segment) -> u16 {
    (s.attr >> 5) & 3
}

/// VCPUOP_initialise's context (`arch_set_info_hvm_guest`, xen/arch/x86/hvm/domain.c): a
/// `vcpu_hvm_context` in 32-bit mode (segments checked, the accessed or busy bit set for present
/// ones, EIP within CS's limit, SS.DPL equal to CS.DPL, DS and ES no more privileged) or 64-bit
/// mode (a canonical RIP, paging, PAE and LME on; flat segments); then EFER gains LMA with LME,
/// and CR4 and EFER must be valid. `EINVAL` for anything else.
pub fn context_from_hvm_vcpu(
    ctx: &xen_public::hvm::hvm_vcpu::vcpu_hvm_context,
) -> Result<HvmVcpuContext, Errno> {
    use xen_public::hvm::hvm_vcpu::{
        vcpu_hvm_x86_32, vcpu_hvm_x86_64, VCPU_HVM_MODE_32B, VCPU_HVM_MODE_64B,
    };
    if ctx.pad != 0 {
        return Err(Errno::EINVAL);
    }
    let regs_bytes = ctx.cpu_regs.as_bytes();
    let (mut c, cs, ds, ss, es, tr) = match ctx.mode {
        VCPU_HVM_MODE_32B => {
            let r = vcpu_hvm_x86_32::read_from_prefix(regs_bytes)
                .map_err(|_| Errno::EINVAL)?
                .0;
            if r.pad1 != 0 || r.pad2 != [0; 3] {
                return Err(Errno::EINVAL);
            }
            let seg = |ar: u16, limit: u32, base: u32, kind: SegKind| {
                let mut s = Segment {
                    sel: 0,
                    attr: ar,
                    limit,
                    base: u64::from(base),
                };
                if s.attr & 0x80 != 0 {
                    s.attr |= if kind == SegKind::Tr { 2 } else { 1 };
                }
                check_segment(&s, kind).map(|()| s)
            };
            // Xen ORs the checks' results: any failing is EINVAL.
            let cs = seg(r.cs_ar, r.cs_limit, r.cs_base, SegKind::Cs);
            let ds = seg(r.ds_ar, r.ds_limit, r.ds_base, SegKind::Ds);
            let ss = seg(r.ss_ar, r.ss_limit, r.ss_base, SegKind::Ss);
            let es = seg(r.es_ar, r.es_limit, r.es_base, SegKind::Es);
            let tr = seg(r.tr_ar, r.tr_limit, r.tr_base, SegKind::Tr);
            let (cs, ds, ss, es, tr) = (cs?, ds?, ss?, es?, tr?);
            let limit = if cs.attr & 0x800 != 0 {
                (cs.limit << 12) | 0xfff
            } else {
                cs.limit
            };
            if r.eip > limit
                || dpl(&ss) != dpl(&cs)
                || (ds.attr & 0x80 != 0 && dpl(&ds) > dpl(&cs))
                || (es.attr & 0x80 != 0 && dpl(&es) > dpl(&cs))
                || (r.efer & EFER_LMA != 0 && r.efer & EFER_LME == 0)
            {
                return Err(Errno::EINVAL);
            }
            let c = HvmVcpuContext {
                rax: r.eax.into(),
                rbx: r.ebx.into(),
                rcx: r.ecx.into(),
                rdx: r.edx.into(),
                rbp: r.ebp.into(),
                rsi: r.esi.into(),
                rdi: r.edi.into(),
                rsp: r.esp.into(),
                rip: r.eip.into(),
                rflags: u64::from(r.eflags) | X86_EFLAGS_MBS,
                cr0: r.cr0.into(),
                cr3: r.cr3.into(),
                cr4: r.cr4.into(),
                efer: r.efer,
                ..blank_context()
            };
            (c, cs, ds, ss, es, tr)
        }
        VCPU_HVM_MODE_64B => {
            let r = vcpu_hvm_x86_64::read_from_prefix(regs_bytes)
                .map_err(|_| Errno::EINVAL)?
                .0;
            // is_canonical_address: bits 63-47 all equal.
            let canonical = ((r.rip as i64) << 16 >> 16) as u64 == r.rip;
            if !canonical || r.cr0 & CR0_PG == 0 || r.cr4 & CR4_PAE == 0 || r.efer & EFER_LME == 0 {
                return Err(Errno::EINVAL);
            }
            let flat = |attr: u16| Segment {
                sel: 0,
                attr,
                limit: u32::MAX,
                base: 0,
            };
            let c = HvmVcpuContext {
                rax: r.rax,
                rbx: r.rbx,
                rcx: r.rcx,
                rdx: r.rdx,
                rbp: r.rbp,
                rsi: r.rsi,
                rdi: r.rdi,
                rsp: r.rsp,
                rip: r.rip,
                rflags: r.rflags | X86_EFLAGS_MBS,
                cr0: r.cr0,
                cr3: r.cr3,
                cr4: r.cr4,
                efer: r.efer,
                ..blank_context()
            };
            let tr = Segment {
                sel: 0,
                attr: 0x8b,
                limit: 0x67,
                base: 0,
            };
            (c, flat(0xa9b), flat(0xc93), flat(0xc93), flat(0xc93), tr)
        }
        _ => return Err(Errno::EINVAL),
    };
    if c.efer & EFER_LME != 0 {
        c.efer |= EFER_LMA;
    }
    // hvm_cr4_guest_valid_bits, then hvm_efer_valid (with CR0.PG not looked at).
    if c.cr4 & !CR4_VALID != 0 {
        return Err(Errno::EINVAL);
    }
    if c.efer & !EFER_KNOWN != 0
        || (c.efer & EFER_LMA != 0 && c.efer & EFER_LME == 0)
        || c.efer & EFER_SVME != 0
    {
        return Err(Errno::EINVAL);
    }
    (c.cs, c.ds, c.ss, c.es, c.tr) = (cs, ds, ss, es, tr);
    Ok(c)
}

/// A context with every register 0 and every segment null.
fn blank_context() -> HvmVcpuContext {
    HvmVcpuContext {
        rax: 0,
        rbx: 0,
        rcx: 0,
        rdx: 0,
        rbp: 0,
        rsi: 0,
        rdi: 0,
        rsp: 0,
        r8: 0,
        r9: 0,
        r10: 0,
        r11: 0,
        r12: 0,
        r13: 0,
        r14: 0,
        r15: 0,
        rip: 0,
        rflags: X86_EFLAGS_MBS,
        cr0: 0,
        cr2: 0,
        cr3: 0,
        cr4: 0,
        efer: 0,
        dr: [0; 4],
        dr6: 0xffff_0ff0,
        dr7: 0x400,
        cs: Segment::default(),
        ds: Segment::default(),
        es: Segment::default(),
        fs: Segment::default(),
        gs: Segment::default(),
        ss: Segment::default(),
        tr: Segment::default(),
        ldtr: Segment::default(),
        gdtr: DescriptorTable::default(),
        idtr: DescriptorTable::default(),
        sysenter_cs: 0,
        sysenter_esp: 0,
        sysenter_eip: 0,
        shadow_gs: 0,
        star: 0,
        lstar: 0,
        cstar: 0,
        syscall_mask: 0,
        tsc_aux: 0,
        tsc: 0,
        pending_event: 0,
        error_code: 0,
        fpu: None,
    }
}

/// Checks a CPU record and turns it into a context (`hvm_load_cpu_ctxt` and SVM's
/// `svm_vmcb_restore`); EINVAL for what Xen refuses.
pub fn load_cpu(r: &hvm_hw_cpu) -> Result<HvmVcpuContext, Errno> {
    if r.pad0 != 0 {
        return Err(Errno::EINVAL);
    }
    // "bad CR0": reserved bits, ET clear, or paging without protection.
    if r.cr0 & !CR0_VALID != 0
        || r.cr0 & CR0_ET == 0
        || (r.cr0 & CR0_PG != 0 && r.cr0 & CR0_PE == 0)
    {
        return Err(Errno::EINVAL);
    }
    // "bad CR4".
    if r.cr4 & !CR4_VALID != 0 {
        return Err(Errno::EINVAL);
    }
    // "bad EFER" (`hvm_efer_valid`): unknown bits, LMA without LME or CR0.PG, SVME without
    // nested virtualisation (which xen-rs never offers).
    let efer = r.msr_efer;
    if efer & !EFER_KNOWN != 0
        || (efer & EFER_LMA != 0 && (efer & EFER_LME == 0 || r.cr0 & CR0_PG == 0))
        || efer & EFER_SVME != 0
    {
        return Err(Errno::EINVAL);
    }
    // "bad flags value in CPU context".
    if r.flags & !XEN_X86_FPU_INITIALISED != 0 {
        return Err(Errno::EINVAL);
    }
    // "bad MSR_TSC_AUX".
    let tsc_aux = u32::try_from(r.msr_tsc_aux).map_err(|_| Errno::EINVAL)?;
    // svm_vmcb_restore: a pending event must be a valid SVM event type (0, 2, 3, 4) with no
    // reserved bits, and an error code it delivers must fit 16 bits.
    let ev = r.pending_event;
    if ev & (1 << 31) != 0 {
        let ty = (ev >> 8) & 7;
        let reserved = (ev >> 12) & 0x7_ffff;
        if ty == 1 || ty > 4 || reserved != 0 {
            return Err(Errno::EINVAL);
        }
        if ev & (1 << 11) != 0 && u16::try_from(r.error_code).is_err() {
            return Err(Errno::EINVAL);
        }
    }
    macro_rules! seg {
        ($sel:ident, $limit:ident, $base:ident, $ar:ident) => {
            Segment {
                // `seg.sel = ctxt.cs_sel`: a 16-bit field.
                sel: (r.$sel & 0xffff) as u16,
                attr: unfold_arbytes(r.$ar),
                limit: r.$limit,
                base: r.$base,
            }
        };
    }
    Ok(HvmVcpuContext {
        rax: r.rax,
        rbx: r.rbx,
        rcx: r.rcx,
        rdx: r.rdx,
        rbp: r.rbp,
        rsi: r.rsi,
        rdi: r.rdi,
        rsp: r.rsp,
        r8: r.r8,
        r9: r.r9,
        r10: r.r10,
        r11: r.r11,
        r12: r.r12,
        r13: r.r13,
        r14: r.r14,
        r15: r.r15,
        rip: r.rip,
        rflags: r.rflags | X86_EFLAGS_MBS,
        cr0: r.cr0,
        cr2: r.cr2,
        cr3: r.cr3,
        cr4: r.cr4,
        efer,
        dr: [r.dr0, r.dr1, r.dr2, r.dr3],
        dr6: r.dr6,
        dr7: r.dr7,
        cs: seg!(cs_sel, cs_limit, cs_base, cs_arbytes),
        ds: seg!(ds_sel, ds_limit, ds_base, ds_arbytes),
        es: seg!(es_sel, es_limit, es_base, es_arbytes),
        fs: seg!(fs_sel, fs_limit, fs_base, fs_arbytes),
        gs: seg!(gs_sel, gs_limit, gs_base, gs_arbytes),
        ss: seg!(ss_sel, ss_limit, ss_base, ss_arbytes),
        tr: seg!(tr_sel, tr_limit, tr_base, tr_arbytes),
        ldtr: seg!(ldtr_sel, ldtr_limit, ldtr_base, ldtr_arbytes),
        gdtr: DescriptorTable {
            limit: r.gdtr_limit,
            base: r.gdtr_base,
        },
        idtr: DescriptorTable {
            limit: r.idtr_limit,
            base: r.idtr_base,
        },
        sysenter_cs: r.sysenter_cs,
        sysenter_esp: r.sysenter_esp,
        sysenter_eip: r.sysenter_eip,
        shadow_gs: r.shadow_gs,
        star: r.msr_star,
        lstar: r.msr_lstar,
        cstar: r.msr_cstar,
        syscall_mask: r.msr_syscall_mask,
        tsc_aux,
        tsc: r.tsc,
        pending_event: r.pending_event,
        error_code: r.error_code,
        fpu: (r.flags & XEN_X86_FPU_INITIALISED != 0).then_some(r.fpu_regs),
    })
}

/// One record of an image, checked.
enum Loaded {
    Cpu(u32, Box<HvmVcpuContext>),
    Mtrr(u32, Box<hvm_hw_mtrr>),
}

/// The descriptor at `pos`; the caller made sure 8 bytes remain.
fn descriptor_at(data: &[u8], pos: usize) -> Result<hvm_save_descriptor, Errno> {
    let bytes = data.get(pos..).ok_or(Errno::EINVAL)?;
    hvm_save_descriptor::read_from_prefix(bytes)
        .map(|(d, _)| d)
        .map_err(|_| Errno::ENODATA)
}

/// `_hvm_check_entry`: the record at `pos` has type `typecode` and a length that is exactly
/// `len` (`strict`) or at most `len` (zero-extended), and lies inside the image. Returns its body.
fn check_entry(data: &[u8], pos: usize, typecode: u16, len: usize, strict: bool) -> Option<&[u8]> {
    let d = hvm_save_descriptor::read_from_prefix(data.get(pos..)?)
        .ok()?
        .0;
    let length = usize::try_from(d.length).ok()?;
    let length_ok = if strict { length == len } else { length <= len };
    if d.typecode != typecode || !length_ok {
        return None;
    }
    let start = pos.checked_add(DESC)?;
    let end = start.checked_add(length)?;
    data.get(start..end)
}

/// The vCPU a per-vCPU record names (`hvm_load_instance`): EINVAL unless it is below
/// `max_vcpus` and was created (`d->vcpu[vcpuid] != NULL`).
fn record_vcpu(st: &DomainState, instance: u16) -> Result<u32, Errno> {
    let v = u32::from(instance);
    if v >= st.config.max_vcpus || v >= st.vcpus {
        return Err(Errno::EINVAL);
    }
    Ok(v)
}

/// `hvm_load_cpu_ctxt`'s `hvm_load_entry_zeroextend(CPU, ...)`: a record of at most
/// `HVM_SAVE_LENGTH(CPU)` bytes, zero-extended; one of another length is fixed up by
/// `_hvm_hw_fix_cpu` (a pre-3.4 record of the compat length has its tail moved; any short
/// record gets `flags = XEN_X86_FPU_INITIALISED`).
fn read_cpu(body: &[u8]) -> Result<hvm_hw_cpu, Errno> {
    let mut buf = [0u8; CPU_LEN];
    buf.get_mut(..body.len())
        .ok_or(Errno::EINVAL)?
        .copy_from_slice(body);
    if body.len() == CPU_COMPAT_LEN {
        let old = hvm_hw_cpu_compat::read_from_bytes(&buf[..CPU_COMPAT_LEN])
            .map_err(|_| Errno::EINVAL)?;
        let mut r = hvm_hw_cpu::read_from_bytes(&buf[..]).map_err(|_| Errno::EINVAL)?;
        r.error_code = old.error_code;
        r.pending_event = old.pending_event;
        r.tsc = old.tsc;
        r.msr_tsc_aux = 0;
        r.flags = XEN_X86_FPU_INITIALISED;
        return Ok(r);
    }
    let mut r = hvm_hw_cpu::read_from_bytes(&buf[..]).map_err(|_| Errno::EINVAL)?;
    if body.len() != CPU_LEN {
        r.flags = XEN_X86_FPU_INITIALISED;
    }
    Ok(r)
}

/// `hvm_load` on an image, against the domain state `st`, without changing anything: every
/// record is checked, and the changes come back to be applied by [`apply`]. The errnos are
/// Xen's: ENODATA for a missing or malformed HEADER or an image that runs out before END,
/// EINVAL for a bad magic or version, an unknown typecode or a record its loader refuses.
fn check_image(st: &DomainState, data: &[u8]) -> Result<Vec<Loaded>, Errno> {
    // "Read the save header, which must be first": strict length.
    let header =
        check_entry(data, 0, HVM_SAVE_CODE_HEADER, HEADER_LEN, true).ok_or(Errno::ENODATA)?;
    let header = hvm_save_header::read_from_bytes(header).map_err(|_| Errno::ENODATA)?;
    // arch_hvm_load / arch_hvm_check: magic and version. The CPUID and changeset only warn.
    if header.magic != HVM_FILE_MAGIC || header.version != HVM_FILE_VERSION {
        return Err(Errno::EINVAL);
    }
    let mut pos = DESC + HEADER_LEN;
    let mut loaded = Vec::new();
    loop {
        // "save did not end with a null entry".
        if data.len().saturating_sub(pos) < DESC {
            return Err(Errno::ENODATA);
        }
        let d = descriptor_at(data, pos)?;
        match d.typecode {
            HVM_SAVE_CODE_END => return Ok(loaded),
            HVM_SAVE_CODE_CPU => {
                let v = record_vcpu(st, d.instance)?;
                let body = check_entry(data, pos, HVM_SAVE_CODE_CPU, CPU_LEN, false)
                    .ok_or(Errno::EINVAL)?;
                let ctx = load_cpu(&read_cpu(body)?)?;
                loaded.push(Loaded::Cpu(v, Box::new(ctx)));
                pos = next(pos, body.len())?;
            }
            HVM_SAVE_CODE_MTRR => {
                let v = record_vcpu(st, d.instance)?;
                let body = check_entry(data, pos, HVM_SAVE_CODE_MTRR, MTRR_LEN, true)
                    .ok_or(Errno::EINVAL)?;
                let mtrr = hvm_hw_mtrr::read_from_bytes(body).map_err(|_| Errno::EINVAL)?;
                // "too many variable range MTRRs".
                if mtrr.msr_mtrr_cap & MTRRCAP_VCNT > u64::from(MTRR_VCNT) {
                    return Err(Errno::EINVAL);
                }
                loaded.push(Loaded::Mtrr(v, Box::new(mtrr)));
                pos = next(pos, body.len())?;
            }
            // A second HEADER has no loader; nor has anything above HVM_SAVE_CODE_MAX:
            // "unknown entry typecode".
            HVM_SAVE_CODE_HEADER => return Err(Errno::EINVAL),
            t if t > HVM_SAVE_CODE_MAX => return Err(Errno::EINVAL),
            // Xen has a loader for these (PIC ... MSR), xen-rs does not model them.
            _ => return Err(Errno::EOPNOTSUPP),
        }
    }
}

/// The offset after a record of `len` bytes at `pos`.
fn next(pos: usize, len: usize) -> Result<usize, Errno> {
    pos.checked_add(DESC)
        .and_then(|p| p.checked_add(len))
        .ok_or(Errno::EINVAL)
}

/// Applies checked records: every vCPU goes down first (`hvm_load`), then each CPU record
/// loads its vCPU's context and brings it up (`hvm_load_cpu_ctxt`), and each MTRR record
/// replaces its vCPU's MTRRs (`hvm_load_mtrr_msr`).
fn apply<Fmt: P2mFormat>(d: &Domain<Fmt>, st: &DomainState, loaded: Vec<Loaded>) {
    let n = usize::try_from(st.vcpus).unwrap_or(0);
    let vcpus = d.vcpu_slots();
    for v in vcpus.iter().take(n) {
        v.set_down(true);
    }
    let vcpu = |i: u32| usize::try_from(i).ok().and_then(|i| vcpus.get(i));
    for rec in loaded {
        match rec {
            Loaded::Cpu(i, ctx) => {
                if let Some(v) = vcpu(i) {
                    let mut vs = v.state();
                    vs.context = Some(*ctx);
                    vs.is_initialised = true;
                    drop(vs);
                    v.set_down(false);
                }
            }
            Loaded::Mtrr(i, mtrr) => {
                if let Some(v) = vcpu(i) {
                    v.state().mtrr = *mtrr;
                }
            }
        }
    }
}

/// `hvm_load` of `data` into domain `d` (state `st`, locked by the caller): the whole image is
/// checked first and applied only if every record passes.
pub fn load<Fmt: P2mFormat>(d: &Domain<Fmt>, st: &DomainState, data: &[u8]) -> Result<(), Errno> {
    let loaded = check_image(st, data)?;
    apply(d, st, loaded);
    Ok(())
}

/// A zeroed buffer of `len` bytes with `image` at its start (the marshalling buffer Xen copies
/// out whole).
pub fn padded(image: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len.max(image.len())];
    if let Some(dst) = out.get_mut(..image.len()) {
        dst.copy_from_slice(image);
    }
    out
}
