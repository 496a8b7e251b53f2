//! Guest MSRs as Xen's policy answers them for an HVM/PVH vCPU: the common layer of
//! xen/arch/x86/msr.c (`guest_rdmsr` / `guest_wrmsr`), the virtual MTRRs of
//! xen/arch/x86/hvm/hvm.c (`hvm_msr_read_intercept` / `hvm_msr_write_intercept`) with their checks
//! from xen/arch/x86/hvm/mtrr.c, the virtual machine-check MSRs of
//! xen/arch/x86/cpu/mcheck/vmce.c (`vmce_rdmsr` / `vmce_wrmsr`), and the vendor MSRs of
//! xen/arch/x86/hvm/svm/svm.c (`svm_msr_read_intercept` / `svm_msr_write_intercept`) and
//! xen/arch/x86/hvm/vmx/vmx.c (`vmx_msr_read_intercept` / `vmx_msr_write_intercept`).
//!
//! The per-vCPU values live in the portable vCPU ([`crate::vcpu::VcpuState`]): the MTRRs in its
//! save-format MTRR record (`mtrr`, so XEN_DOMCTL_gethvmcontext sees what the guest wrote), the
//! rest in [`VcpuMsrs`]. MSRs whose state is the vendor's hardware (EFER, PAT, the TSC, the APIC
//! base, the hypercall MSR, the SYSCALL/SYSENTER/segment-base MSRs) are not answered here:
//! [`Rdmsr::NotHere`] sends them back to the arch layer. Anything else Xen does not know is #GP.
//!
//! Xen's state that depends on the host (the hardware domain's copy of the host MTRRs, host
//! MSR values Xen forwards with `rdmsr_safe`) comes in through [`HostMsrs`], so the rules are
//! tested on the host with made-up machines.

use xen_public::arch_x86::hvm::save::{hvm_hw_mtrr, MTRR_VCNT, NUM_FIXED_MSR};

/// `MSR_P5_MC_ADDR`.
pub const MSR_P5_MC_ADDR: u32 = 0x0;
/// `MSR_P5_MC_TYPE`.
pub const MSR_P5_MC_TYPE: u32 = 0x1;
/// `MSR_IA32_PLATFORM_ID`.
pub const MSR_IA32_PLATFORM_ID: u32 = 0x17;
/// `MSR_IA32_EBC_FREQUENCY_ID`.
pub const MSR_IA32_EBC_FREQUENCY_ID: u32 = 0x2c;
/// `MSR_IA32_FEATURE_CONTROL`.
pub const MSR_IA32_FEATURE_CONTROL: u32 = 0x3a;
/// `MSR_AMD_PATCHLEVEL` (= `MSR_IA32_UCODE_REV`).
pub const MSR_AMD_PATCHLEVEL: u32 = 0x8b;
/// `MSR_INTEL_PLATFORM_INFO`.
pub const MSR_INTEL_PLATFORM_INFO: u32 = 0xce;
/// `MSR_MTRRcap`.
pub const MSR_MTRRCAP: u32 = 0xfe;
/// `MSR_INTEL_MISC_FEATURES_ENABLES`.
pub const MSR_INTEL_MISC_FEATURES_ENABLES: u32 = 0x140;
/// `MSR_IA32_MCG_CAP`.
pub const MSR_IA32_MCG_CAP: u32 = 0x179;
/// `MSR_IA32_MCG_STATUS`.
pub const MSR_IA32_MCG_STATUS: u32 = 0x17a;
/// `MSR_IA32_MCG_CTL`.
pub const MSR_IA32_MCG_CTL: u32 = 0x17b;
/// `MSR_IA32_PERF_STATUS`.
pub const MSR_IA32_PERF_STATUS: u32 = 0x198;
/// `MSR_IA32_PERF_CTL`.
pub const MSR_IA32_PERF_CTL: u32 = 0x199;
/// `MSR_IA32_THERM_STATUS`.
pub const MSR_IA32_THERM_STATUS: u32 = 0x19c;
/// `MSR_IA32_MISC_ENABLE`.
pub const MSR_IA32_MISC_ENABLE: u32 = 0x1a0;
/// `MSR_IA32_DEBUGCTLMSR`.
pub const MSR_IA32_DEBUGCTLMSR: u32 = 0x1d9;
/// `MSR_IA32_LASTBRANCHFROMIP` (the first of the four LBR MSRs up to `MSR_IA32_LASTINTTOIP`).
pub const MSR_IA32_LASTBRANCHFROMIP: u32 = 0x1db;
/// `MSR_IA32_LASTINTTOIP`.
pub const MSR_IA32_LASTINTTOIP: u32 = 0x1de;
/// `MSR_IA32_MTRR_PHYSBASE(0)`.
pub const MSR_IA32_MTRR_PHYSBASE0: u32 = 0x200;
/// `MSR_MTRRfix64K_00000`.
pub const MSR_MTRRFIX64K_00000: u32 = 0x250;
/// `MSR_MTRRfix16K_80000`.
pub const MSR_MTRRFIX16K_80000: u32 = 0x258;
/// `MSR_MTRRfix16K_A0000`.
pub const MSR_MTRRFIX16K_A0000: u32 = 0x259;
/// `MSR_MTRRfix4K_C0000`.
pub const MSR_MTRRFIX4K_C0000: u32 = 0x268;
/// `MSR_MTRRfix4K_F8000`.
pub const MSR_MTRRFIX4K_F8000: u32 = 0x26f;
/// `MSR_IA32_MC0_CTL2` (`MSR_IA32_MCx_CTL2(0)`).
pub const MSR_IA32_MC0_CTL2: u32 = 0x280;
/// `MSR_MTRRdefType`.
pub const MSR_MTRRDEFTYPE: u32 = 0x2ff;
/// `MSR_IA32_MC0_CTL` (`MSR_IA32_MCx_CTL(0)`); bank i's CTL, STATUS, ADDR, MISC follow at 4i.
pub const MSR_IA32_MC0_CTL: u32 = 0x400;
/// `MSR_IA32_MCG_EXT_CTL`.
pub const MSR_IA32_MCG_EXT_CTL: u32 = 0x4d0;
/// `MSR_TSC_AUX`.
pub const MSR_TSC_AUX: u32 = 0xc000_0103;
/// `MSR_F10_MC4_MISC1`; MISC2 and MISC3 follow.
pub const MSR_F10_MC4_MISC1: u32 = 0xc000_0408;
/// `MSR_F10_MC4_MISC3`.
pub const MSR_F10_MC4_MISC3: u32 = 0xc000_040a;
/// `MSR_K7_EVNTSEL0`; EVNTSEL1-3 and PERFCTR0-3 follow up to 0xc0010007.
pub const MSR_K7_EVNTSEL0: u32 = 0xc001_0000;
/// `MSR_K7_PERFCTR3`.
pub const MSR_K7_PERFCTR3: u32 = 0xc001_0007;
/// `MSR_K8_SYSCFG`.
pub const MSR_K8_SYSCFG: u32 = 0xc001_0010;
/// `MSR_K8_IORR_BASE0`; MASK0, BASE1, MASK1 follow.
pub const MSR_K8_IORR_BASE0: u32 = 0xc001_0016;
/// `MSR_K8_IORR_MASK1`.
pub const MSR_K8_IORR_MASK1: u32 = 0xc001_0019;
/// `MSR_K8_TOP_MEM1`.
pub const MSR_K8_TOP_MEM1: u32 = 0xc001_001a;
/// `MSR_K8_TOP_MEM2`.
pub const MSR_K8_TOP_MEM2: u32 = 0xc001_001d;
/// `MSR_K8_HWCR`.
pub const MSR_K8_HWCR: u32 = 0xc001_0015;
/// `MSR_AMD64_NB_CFG`.
pub const MSR_AMD64_NB_CFG: u32 = 0xc001_001f;
/// `MSR_K8_ENABLE_C1E`.
pub const MSR_K8_ENABLE_C1E: u32 = 0xc001_0055;
/// `MSR_K8_TSEG_BASE`.
pub const MSR_K8_TSEG_BASE: u32 = 0xc001_0112;
/// `MSR_K8_TSEG_MASK`.
pub const MSR_K8_TSEG_MASK: u32 = 0xc001_0113;
/// `MSR_K8_VM_CR`.
pub const MSR_K8_VM_CR: u32 = 0xc001_0114;
/// `MSR_K8_VM_HSAVE_PA`.
pub const MSR_K8_VM_HSAVE_PA: u32 = 0xc001_0117;
/// `MSR_AMD_FAM15H_EVNTSEL0`; PERFCTR0, EVNTSEL1, ... alternate up to PERFCTR5.
pub const MSR_AMD_FAM15H_EVNTSEL0: u32 = 0xc001_0200;
/// `MSR_AMD_FAM15H_PERFCTR5`.
pub const MSR_AMD_FAM15H_PERFCTR5: u32 = 0xc001_020b;
/// `MSR_AMD64_DE_CFG`.
pub const MSR_AMD64_DE_CFG: u32 = 0xc001_1029;
/// `MSR_AMD64_EX_CFG`.
pub const MSR_AMD64_EX_CFG: u32 = 0xc001_102c;

/// `MTRRcap_VCNT`: the number of variable ranges.
pub const MTRRCAP_VCNT: u64 = 0xff;
/// MTRRcap.FIX: fixed ranges supported.
pub const MTRRCAP_FIX: u64 = 1 << 8;
/// MTRRcap.WC: write combining supported.
pub const MTRRCAP_WC: u64 = 1 << 10;
/// `MTRRdefType_FE`: fixed ranges enabled.
pub const MTRRDEFTYPE_FE: u64 = 1 << 10;
/// `MTRRdefType_E`: MTRRs enabled.
pub const MTRRDEFTYPE_E: u64 = 1 << 11;

/// `GUEST_MC_BANK_NUM` (xen/arch/x86/include/asm/mce.h): the banks a guest sees.
pub const GUEST_MC_BANK_NUM: usize = 2;
/// `MCG_CAP_COUNT`.
pub const MCG_CAP_COUNT: u64 = 0xff;
/// `MCG_CTL_P`.
pub const MCG_CTL_P: u64 = 1 << 8;
/// `MCG_CMCI_P`.
pub const MCG_CMCI_P: u64 = 1 << 10;
/// `MCG_TES_P`.
pub const MCG_TES_P: u64 = 1 << 11;
/// `MCG_SER_P`.
pub const MCG_SER_P: u64 = 1 << 24;
/// `MCG_LMCE_P`.
pub const MCG_LMCE_P: u64 = 1 << 27;
/// `INTEL_GUEST_MCG_CAP` (vmce.c).
pub const INTEL_GUEST_MCG_CAP: u64 = MCG_SER_P | MCG_TES_P | MCG_CMCI_P | GUEST_MC_BANK_NUM as u64;
/// `AMD_GUEST_MCG_CAP` (vmce.c).
pub const AMD_GUEST_MCG_CAP: u64 = GUEST_MC_BANK_NUM as u64;

/// `IA32_FEATURE_CONTROL_LOCK`.
pub const IA32_FEATURE_CONTROL_LOCK: u64 = 1;
/// MSR_INTEL_PLATFORM_INFO.CPUID_FAULTING (bit 32), which Xen's HVM policy always sets
/// (xen/arch/x86/cpu-policy.c `calculate_hvm_max_policy`).
pub const PLATFORM_INFO_CPUID_FAULTING: u64 = 1 << 32;
/// `MSR_MISC_FEATURES_CPUID_FAULTING`.
pub const MISC_FEATURES_CPUID_FAULTING: u64 = 1;
/// `MSR_IA32_MISC_ENABLE_BTS_UNAVAIL`.
pub const MISC_ENABLE_BTS_UNAVAIL: u64 = 1 << 11;
/// `MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL`.
pub const MISC_ENABLE_PEBS_UNAVAIL: u64 = 1 << 12;
/// `IA32_DEBUGCTLMSR_LBR`.
pub const DEBUGCTL_LBR: u64 = 1 << 0;
/// `IA32_DEBUGCTLMSR_BTF`.
pub const DEBUGCTL_BTF: u64 = 1 << 1;
/// `IA32_DEBUGCTLMSR_RTM`.
pub const DEBUGCTL_RTM: u64 = 1 << 15;
/// The SYSCFG bits a hardware domain sees (`guest_rdmsr`): TOM2_FORCE_WB, MTRR_TOM2_EN,
/// MTRR_VAR_DRAM_EN, MTRR_FIX_DRAM_EN.
pub const SYSCFG_GUEST_BITS: u64 = (1 << 22) | (1 << 21) | (1 << 20) | (1 << 18);
/// `AMD64_DE_CFG_LFENCE_SERIALISE`.
pub const DE_CFG_LFENCE_SERIALISE: u64 = 1 << 1;
/// MC4_MISC.Locked, what `svm_msr_read_intercept` reports for the threshold registers.
pub const MC4_MISC_LOCKED: u64 = 1 << 61;

/// The vendor of the CPU (Xen's `boot_cpu_data.x86_vendor`, which is also the guest's
/// `cp->x86_vendor`: guests see the host's vendor) and so of the HVM functions in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuVendor {
    /// GenuineIntel, VMX (`vmx_msr_*_intercept`).
    Intel,
    /// AuthenticAMD, SVM (`svm_msr_*_intercept`).
    Amd,
}

/// What the domain's CPUID policy and Xen's configuration say about its MSRs (the parts of
/// `d->arch.cpu_policy` the MSR paths read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsrPolicy {
    /// The vendor.
    pub vendor: CpuVendor,
    /// Whether it is the hardware domain (`is_hardware_domain`).
    pub hardware_domain: bool,
    /// CPUID.1:EDX.MTRR (`cp->basic.mtrr`).
    pub mtrr: bool,
    /// CPUID.80000001:EDX.RDTSCP or CPUID.7.0:ECX.RDPID (`cp->extd.rdtscp || cp->feat.rdpid`).
    pub tsc_aux: bool,
    /// CPUID.7.0:EBX.RTM (`cp->feat.rtm`).
    pub rtm: bool,
    /// CPUID.80000008:EAX[7:0] (`cp->extd.maxphysaddr`).
    pub maxphysaddr: u8,
    /// Whether Xen knows the CPU model's LBR MSRs (vmx.c `model_specific_lbr`).
    pub model_specific_lbr: bool,
}

/// One virtual machine-check bank (`struct vmce_bank`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmceBank {
    /// MCi_STATUS.
    pub status: u64,
    /// MCi_ADDR.
    pub addr: u64,
    /// MCi_MISC.
    pub misc: u64,
    /// MCi_CTL2 (Intel).
    pub ctl2: u64,
}

/// A vCPU's MSR values that are not MTRRs and not in the vendor's hardware state (Xen's
/// `v->arch.msrs`, `v->arch.vmce` and the VMCB/VMCS fields the intercepts keep).
/// A new vCPU's are all zero (`vmce_init_vcpu` clears the banks and MCG_STATUS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VcpuMsrs {
    /// MCG_CAP (`v->arch.vmce.mcg_cap`) once a VMCE record set it (`vmce_restore_vcpu`); `None`
    /// is what `vmce_init_vcpu` gives, the vendor's ([`mcg_cap`]).
    pub mcg_cap: Option<u64>,
    /// MCG_STATUS.
    pub mcg_status: u64,
    /// MCG_EXT_CTL.
    pub mcg_ext_ctl: u64,
    /// The guest's banks.
    pub banks: [VmceBank; GUEST_MC_BANK_NUM],
    /// MSR_TSC_AUX (`msrs->tsc_aux`).
    pub tsc_aux: u64,
    /// MSR_INTEL_MISC_FEATURES_ENABLES (`msrs->misc_features_enables`).
    pub misc_features_enables: u64,
    /// DEBUGCTL (the VMCB's or VMCS's guest DEBUGCTL).
    pub debugctl: u64,
    /// VM_HSAVE_PA as the guest set it (`nsvm->ns_msr_hsavepa`).
    pub hsave_pa: u64,
}

/// The vCPU's MCG_CAP: `vmce_init_vcpu`'s `INTEL_GUEST_MCG_CAP` or `AMD_GUEST_MCG_CAP` by the
/// vendor, unless a VMCE record set another.
pub fn mcg_cap(p: &MsrPolicy, v: &VcpuMsrs) -> u64 {
    v.mcg_cap.unwrap_or(match p.vendor {
        CpuVendor::Intel => INTEL_GUEST_MCG_CAP,
        CpuVendor::Amd => AMD_GUEST_MCG_CAP,
    })
}

/// The host's MSRs, where Xen forwards them (`rdmsr_safe`: `None` when reading faults).
pub trait HostMsrs {
    /// The host's value of `msr`, or `None` if the host has no such MSR.
    fn rdmsr_safe(&self, msr: u32) -> Option<u64>;
}

/// A host with no MSRs to forward.
pub struct NoHostMsrs;

impl HostMsrs for NoHostMsrs {
    fn rdmsr_safe(&self, _msr: u32) -> Option<u64> {
        None
    }
}

/// The answer to a guest's RDMSR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rdmsr {
    /// The value.
    Value(u64),
    /// #GP(0) (`X86EMUL_EXCEPTION`).
    Gp,
    /// The arch layer's: the value is vendor hardware state.
    NotHere,
}

/// The answer to a guest's WRMSR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrmsr {
    /// Accepted (perhaps ignored, as Xen ignores it).
    Done,
    /// #GP(0).
    Gp,
    /// The arch layer's: the value is vendor hardware state.
    NotHere,
}

/// MSRs the arch layer owns (vendor hardware state, or the hypercall MSR).
fn arch_owned(msr: u32) -> bool {
    matches!(
        msr,
        0x10 // MSR_IA32_TSC
            | 0x1b // MSR_APIC_BASE
            | 0x277 // MSR_IA32_CR_PAT
            | 0x174..=0x176 // SYSENTER_CS/ESP/EIP
            | 0xc000_0080..=0xc000_0084 // EFER, STAR, LSTAR, CSTAR, SYSCALL_MASK
            | 0xc000_0100..=0xc000_0102 // FS_BASE, GS_BASE, SHADOW_GS_BASE
            | 0x4000_0000..=0x4000_02ff // the Xen (and Viridian) MSRs
    )
}

fn is_amd(p: &MsrPolicy) -> bool {
    p.vendor == CpuVendor::Amd
}

fn is_intel(p: &MsrPolicy) -> bool {
    p.vendor == CpuVendor::Intel
}

/// The vPMU MSRs with the vPMU off (Xen's default): `vpmu_do_msr`'s `nop` path reads 0 and
/// drops writes. `read` because VMX's read list stops at EVNTSEL3, its write list at EVNTSEL7.
fn vpmu_msr(p: &MsrPolicy, msr: u32, read: bool) -> bool {
    match p.vendor {
        CpuVendor::Amd => matches!(
            msr,
            MSR_K7_EVNTSEL0..=MSR_K7_PERFCTR3 | MSR_AMD_FAM15H_EVNTSEL0..=MSR_AMD_FAM15H_PERFCTR5
        ),
        CpuVendor::Intel => {
            let evntsel_last = if read { 0x189 } else { 0x18d };
            matches!(msr,
                0xc1..=0xc8 // MSR_P6_PERFCTR(0..7)
                | 0x309..=0x30b // MSR_CORE_PERF_FIXED_CTR0..2
                | 0x38d..=0x390 // FIXED_CTR_CTRL .. GLOBAL_OVF_CTRL
                | 0x3f1 // MSR_IA32_PEBS_ENABLE
                | 0x600 // MSR_IA32_DS_AREA
            ) || (0x186..=evntsel_last).contains(&msr)
        }
    }
}

/// The guest's RDMSR of `msr`, in Xen's order: `guest_rdmsr`, then `hvm_msr_read_intercept`'s
/// own cases (MTRRs), then the vendor's `*_msr_read_intercept`.
pub fn rdmsr<H: HostMsrs>(
    p: &MsrPolicy,
    mtrr: &hvm_hw_mtrr,
    v: &VcpuMsrs,
    host: &H,
    msr: u32,
) -> Rdmsr {
    if arch_owned(msr) {
        return Rdmsr::NotHere;
    }
    if let Some(r) = guest_rdmsr(p, v, host, msr) {
        return r;
    }
    if let Some(r) = mtrr_rdmsr(p, mtrr, msr) {
        return r;
    }
    match msr {
        // hvm_msr_read_intercept: AMD registers a guest migrated to Intel may read.
        MSR_K8_ENABLE_C1E | MSR_AMD64_NB_CFG => Rdmsr::Value(0),
        _ => match p.vendor {
            CpuVendor::Amd => svm_rdmsr(p, v, msr),
            CpuVendor::Intel => vmx_rdmsr(p, v, host, msr),
        },
    }
}

/// The guest's WRMSR of `value` to `msr`, in Xen's order: `guest_wrmsr`,
/// `hvm_msr_write_intercept`, the vendor's `*_msr_write_intercept`.
pub fn wrmsr<H: HostMsrs>(
    p: &MsrPolicy,
    mtrr: &mut hvm_hw_mtrr,
    v: &mut VcpuMsrs,
    host: &H,
    msr: u32,
    value: u64,
) -> Wrmsr {
    if arch_owned(msr) {
        return Wrmsr::NotHere;
    }
    if let Some(r) = guest_wrmsr(p, v, msr, value) {
        return r;
    }
    if let Some(r) = mtrr_wrmsr(p, mtrr, msr, value) {
        return r;
    }
    match msr {
        // hvm_msr_write_intercept: "ignore the write".
        MSR_AMD64_NB_CFG => Wrmsr::Done,
        _ => match p.vendor {
            CpuVendor::Amd => svm_wrmsr(v, msr, value),
            CpuVendor::Intel => vmx_wrmsr(p, v, host, msr, value),
        },
    }
}

fn gp_unless(ok: bool) -> Rdmsr {
    if ok {
        Rdmsr::Value(0)
    } else {
        Rdmsr::Gp
    }
}

/// xen/arch/x86/msr.c `guest_rdmsr`; `None` for its `X86EMUL_UNHANDLEABLE`.
fn guest_rdmsr<H: HostMsrs>(p: &MsrPolicy, v: &VcpuMsrs, host: &H, msr: u32) -> Option<Rdmsr> {
    Some(match msr {
        // Intel-like vendors only; LMCE is not offered (MCG_LMCE_P is never in the vCPU's
        // MCG_CAP) and the guest's CPUID has no VMX.
        MSR_IA32_FEATURE_CONTROL => {
            if is_intel(p) {
                Rdmsr::Value(IA32_FEATURE_CONTROL_LOCK)
            } else {
                Rdmsr::Gp
            }
        }
        MSR_IA32_PLATFORM_ID if is_intel(p) => host.rdmsr_safe(msr).map_or(Rdmsr::Gp, Rdmsr::Value),
        MSR_IA32_PLATFORM_ID => Rdmsr::Gp,
        // The microcode revision Xen last loaded, straight from the host.
        MSR_AMD_PATCHLEVEL => host.rdmsr_safe(msr).map_or(Rdmsr::Gp, Rdmsr::Value),
        MSR_INTEL_PLATFORM_INFO => Rdmsr::Value(PLATFORM_INFO_CPUID_FAULTING),
        MSR_INTEL_MISC_FEATURES_ENABLES => Rdmsr::Value(v.misc_features_enables),
        MSR_P5_MC_ADDR
        | MSR_P5_MC_TYPE
        | MSR_IA32_MCG_CAP..=MSR_IA32_MCG_CTL
        | 0x280..=0x29f
        | 0x400..=0x47f
        | MSR_IA32_MCG_EXT_CTL => vmce_rdmsr(p, v, msr).map_or(Rdmsr::Gp, Rdmsr::Value),
        // RAZ for Intel (dom0 is not the cpufreq controller with Xen's default cpufreq=xen).
        MSR_IA32_PERF_STATUS | MSR_IA32_PERF_CTL => gp_unless(is_intel(p)),
        MSR_IA32_THERM_STATUS => gp_unless(is_intel(p)),
        MSR_TSC_AUX => {
            if p.tsc_aux {
                Rdmsr::Value(v.tsc_aux)
            } else {
                Rdmsr::Gp
            }
        }
        MSR_K8_SYSCFG
        | MSR_K8_TOP_MEM1
        | MSR_K8_TOP_MEM2
        | MSR_K8_IORR_BASE0..=MSR_K8_IORR_MASK1
        | MSR_K8_TSEG_BASE
        | MSR_K8_TSEG_MASK => {
            if !is_amd(p) {
                return Some(Rdmsr::Gp);
            }
            if !p.hardware_domain {
                return None;
            }
            match host.rdmsr_safe(msr) {
                None => Rdmsr::Gp,
                Some(val) if msr == MSR_K8_SYSCFG => Rdmsr::Value(val & SYSCFG_GUEST_BITS),
                Some(val) => Rdmsr::Value(val),
            }
        }
        MSR_K8_HWCR => gp_unless(is_amd(p)),
        MSR_AMD64_DE_CFG => {
            if is_amd(p) {
                Rdmsr::Value(DE_CFG_LFENCE_SERIALISE)
            } else {
                Rdmsr::Gp
            }
        }
        _ => return None,
    })
}

/// xen/arch/x86/msr.c `guest_wrmsr`; `None` for its `X86EMUL_UNHANDLEABLE`.
fn guest_wrmsr(p: &MsrPolicy, v: &mut VcpuMsrs, msr: u32, value: u64) -> Option<Wrmsr> {
    let done_if = |ok: bool| if ok { Wrmsr::Done } else { Wrmsr::Gp };
    Some(match msr {
        MSR_IA32_PLATFORM_ID | MSR_INTEL_PLATFORM_INFO => Wrmsr::Gp,
        // Only the "write 0, CPUID, read" sequence of Intel's SDM.
        MSR_AMD_PATCHLEVEL => done_if(is_intel(p) && value == 0),
        MSR_INTEL_MISC_FEATURES_ENABLES => {
            // The HVM policy offers CPUID faulting, so that bit alone may be set.
            if value & !MISC_FEATURES_CPUID_FAULTING != 0 {
                Wrmsr::Gp
            } else {
                v.misc_features_enables = value;
                Wrmsr::Done
            }
        }
        MSR_IA32_MCG_CAP..=MSR_IA32_MCG_CTL
        | 0x280..=0x29f
        | 0x400..=0x47f
        | MSR_IA32_MCG_EXT_CTL => done_if(vmce_wrmsr(p, v, msr, value)),
        MSR_IA32_PERF_CTL => done_if(is_intel(p)),
        MSR_TSC_AUX => {
            if !p.tsc_aux || value != u64::from(value as u32) {
                Wrmsr::Gp
            } else {
                v.tsc_aux = value;
                Wrmsr::Done
            }
        }
        MSR_AMD64_DE_CFG => done_if(is_amd(p)),
        _ => return None,
    })
}

/// Bank MSRs of the vCPU (xen/arch/x86/cpu/mcheck/mce.h `mce_bank_msr` with
/// `mce_vendor_bank_msr`).
fn mce_bank_msr(p: &MsrPolicy, v: &VcpuMsrs, msr: u32) -> bool {
    let count = (mcg_cap(p, v) & MCG_CAP_COUNT) as u32;
    if (MSR_IA32_MC0_CTL..MSR_IA32_MC0_CTL + 4 * count).contains(&msr) {
        return true;
    }
    match p.vendor {
        CpuVendor::Intel => {
            (MSR_IA32_MC0_CTL2..MSR_IA32_MC0_CTL2 + count).contains(&msr)
                || msr == MSR_P5_MC_ADDR
                || msr == MSR_P5_MC_TYPE
        }
        CpuVendor::Amd => (MSR_F10_MC4_MISC1..=MSR_F10_MC4_MISC3).contains(&msr),
    }
}

/// xen/arch/x86/cpu/mcheck/vmce.c `vmce_rdmsr` (with `bank_mce_rdmsr`, mce_intel.c
/// `vmce_intel_rdmsr` and mce_amd.c `vmce_amd_rdmsr`): `None` for its -1 (#GP). An MSR of the
/// ranges that is not one of the vCPU's reads as 0 (its return 0).
fn vmce_rdmsr(p: &MsrPolicy, v: &VcpuMsrs, msr: u32) -> Option<u64> {
    let cap = mcg_cap(p, v);
    Some(match msr {
        MSR_IA32_MCG_STATUS => v.mcg_status,
        MSR_IA32_MCG_CAP => cap,
        MSR_IA32_MCG_CTL if cap & MCG_CTL_P != 0 => u64::MAX,
        MSR_IA32_MCG_CTL => 0,
        MSR_IA32_MCG_EXT_CTL if cap & MCG_LMCE_P != 0 => v.mcg_ext_ctl,
        MSR_IA32_MCG_EXT_CTL => return None,
        _ if !mce_bank_msr(p, v, msr) => 0,
        _ => {
            let bank = msr.wrapping_sub(MSR_IA32_MC0_CTL) / 4;
            let b = v.banks.get(bank as usize);
            match msr & (MSR_IA32_MC0_CTL.wrapping_neg() | 3) {
                // "stick all 1's to MCi_CTL".
                0x400 => u64::MAX,
                0x401 => b.map_or(0, |b| b.status),
                0x402 => b.map_or(0, |b| b.addr),
                0x403 => b.map_or(0, |b| b.misc),
                _ => match p.vendor {
                    CpuVendor::Intel => match msr {
                        // The "bank 0 quirk" of older processors reads bank 1.
                        MSR_P5_MC_ADDR => v.banks[1].addr,
                        MSR_P5_MC_TYPE => v.banks[1].status,
                        _ => v
                            .banks
                            .get(msr.wrapping_sub(MSR_IA32_MC0_CTL2) as usize)
                            .map_or(0, |b| b.ctl2),
                    },
                    // "we don't emulate this MC bank currently".
                    CpuVendor::Amd => 0,
                },
            }
        }
    })
}

/// xen/arch/x86/cpu/mcheck/vmce.c `vmce_wrmsr` (with `bank_mce_wrmsr`, `vmce_intel_wrmsr`,
/// `vmce_amd_wrmsr`): `false` for its -1 (#GP).
fn vmce_wrmsr(p: &MsrPolicy, v: &mut VcpuMsrs, msr: u32, value: u64) -> bool {
    match msr {
        // MCG_CTL sticks to all 1s (or is absent); MCG_CAP is read-only: writes are ignored.
        MSR_IA32_MCG_CTL | MSR_IA32_MCG_CAP => true,
        MSR_IA32_MCG_STATUS => {
            v.mcg_status = value;
            true
        }
        MSR_IA32_MCG_EXT_CTL => {
            // MCG_EXT_CTL_LMCE_EN (bit 0) alone, and only with LMCE offered.
            let ok = mcg_cap(p, v) & MCG_LMCE_P != 0 && value & !1 == 0;
            if ok {
                v.mcg_ext_ctl = value;
            }
            ok
        }
        _ if !mce_bank_msr(p, v, msr) => true,
        _ => {
            let bank = msr.wrapping_sub(MSR_IA32_MC0_CTL) / 4;
            let kind = msr & (MSR_IA32_MC0_CTL.wrapping_neg() | 3);
            match kind {
                // A guest clearing bits of MCi_CTL is ignored.
                0x400 => true,
                // STATUS, ADDR and MISC may only be cleared.
                0x401..=0x403 => {
                    if value != 0 {
                        return false;
                    }
                    if let Some(b) = v.banks.get_mut(bank as usize) {
                        match kind {
                            0x401 => b.status = 0,
                            0x402 => b.addr = 0,
                            _ => b.misc = 0,
                        }
                    }
                    true
                }
                _ => {
                    if p.vendor == CpuVendor::Intel {
                        if let Some(b) = v
                            .banks
                            .get_mut(msr.wrapping_sub(MSR_IA32_MC0_CTL2) as usize)
                        {
                            b.ctl2 = value;
                        }
                    }
                    true
                }
            }
        }
    }
}

/// Whether a byte is a memory type an MTRR may hold (mtrr.c `valid_mtrr_type`: UC, WC, WT, WP,
/// WB).
pub fn valid_mtrr_type(t: u8) -> bool {
    matches!(t, 0 | 1 | 4 | 5 | 6)
}

/// The index in `msr_mtrr_fixed` of a fixed-range MSR.
fn fixed_index(msr: u32) -> Option<usize> {
    match msr {
        MSR_MTRRFIX64K_00000 => Some(0),
        MSR_MTRRFIX16K_80000 | MSR_MTRRFIX16K_A0000 => {
            Some((msr - MSR_MTRRFIX16K_80000 + 1) as usize)
        }
        MSR_MTRRFIX4K_C0000..=MSR_MTRRFIX4K_F8000 => Some((msr - MSR_MTRRFIX4K_C0000 + 3) as usize),
        _ => None,
    }
}

/// `MTRR_VCNT_MAX`: the variable-range MSRs end where the fixed ones start.
const MTRR_VCNT_MAX: u32 = (MSR_MTRRFIX64K_00000 - MSR_IA32_MTRR_PHYSBASE0) / 2;

/// The MTRR cases of xen/arch/x86/hvm/hvm.c `hvm_msr_read_intercept`.
fn mtrr_rdmsr(p: &MsrPolicy, m: &hvm_hw_mtrr, msr: u32) -> Option<Rdmsr> {
    let is_mtrr = msr == MSR_MTRRCAP
        || msr == MSR_MTRRDEFTYPE
        || fixed_index(msr).is_some()
        || (MSR_IA32_MTRR_PHYSBASE0..MSR_IA32_MTRR_PHYSBASE0 + 2 * MTRR_VCNT_MAX).contains(&msr);
    if !is_mtrr {
        return None;
    }
    if !p.mtrr {
        return Some(Rdmsr::Gp);
    }
    Some(match msr {
        MSR_MTRRCAP => Rdmsr::Value(m.msr_mtrr_cap),
        MSR_MTRRDEFTYPE => Rdmsr::Value(m.msr_mtrr_def_type),
        _ => match fixed_index(msr) {
            Some(i) => Rdmsr::Value(m.msr_mtrr_fixed[i]),
            None => {
                let index = (msr - MSR_IA32_MTRR_PHYSBASE0) as usize;
                if index / 2 >= (m.msr_mtrr_cap & MTRRCAP_VCNT) as usize {
                    Rdmsr::Gp
                } else {
                    m.msr_mtrr_var
                        .get(index)
                        .map_or(Rdmsr::Gp, |&x| Rdmsr::Value(x))
                }
            }
        },
    })
}

/// The MTRR cases of xen/arch/x86/hvm/hvm.c `hvm_msr_write_intercept`.
fn mtrr_wrmsr(p: &MsrPolicy, m: &mut hvm_hw_mtrr, msr: u32, value: u64) -> Option<Wrmsr> {
    let ok = |b: bool| if b { Wrmsr::Done } else { Wrmsr::Gp };
    if msr == MSR_MTRRCAP {
        return Some(Wrmsr::Gp);
    }
    let is_mtrr = msr == MSR_MTRRDEFTYPE
        || fixed_index(msr).is_some()
        || (MSR_IA32_MTRR_PHYSBASE0..MSR_IA32_MTRR_PHYSBASE0 + 2 * MTRR_VCNT_MAX).contains(&msr);
    if !is_mtrr {
        return None;
    }
    if !p.mtrr {
        return Some(Wrmsr::Gp);
    }
    Some(match msr {
        MSR_MTRRDEFTYPE => ok(mtrr_def_type_msr_set(m, value)),
        _ => match fixed_index(msr) {
            Some(i) => ok(mtrr_fix_range_msr_set(m, i, value)),
            None => ok(mtrr_var_range_msr_set(
                m,
                (msr - MSR_IA32_MTRR_PHYSBASE0) as usize,
                value,
                p.maxphysaddr,
            )),
        },
    })
}

/// mtrr.c `mtrr_def_type_msr_set`: the default type must be valid and only bits 0-7, 10 (FE)
/// and 11 (E) may be set (`~0xcff`).
pub fn mtrr_def_type_msr_set(m: &mut hvm_hw_mtrr, value: u64) -> bool {
    if !valid_mtrr_type(value as u8) || value & !0xcff != 0 {
        return false;
    }
    m.msr_mtrr_def_type = value;
    true
}

/// mtrr.c `mtrr_fix_range_msr_set`: an unchanged value is accepted as it is; a new one must
/// hold eight valid types.
pub fn mtrr_fix_range_msr_set(m: &mut hvm_hw_mtrr, row: usize, value: u64) -> bool {
    let Some(slot) = m.msr_mtrr_fixed.get_mut(row) else {
        return false;
    };
    if *slot != value {
        if !value.to_le_bytes().iter().all(|&t| valid_mtrr_type(t)) {
            return false;
        }
        *slot = value;
    }
    true
}

/// mtrr.c `mtrr_var_range_msr_set` for PHYSBASE/PHYSMASK `index` (base even, mask odd): beyond
/// MTRRcap.VCNT is refused; an unchanged value is accepted; a new one needs a valid type in its
/// low byte (also for a mask, as Xen checks it) and no bit at or above `maxphysaddr` nor in the
/// reserved low bits (base 8-11, mask 0-10).
pub fn mtrr_var_range_msr_set(
    m: &mut hvm_hw_mtrr,
    index: usize,
    value: u64,
    maxphysaddr: u8,
) -> bool {
    if index / 2 >= (m.msr_mtrr_cap & MTRRCAP_VCNT) as usize {
        return false;
    }
    let Some(slot) = m.msr_mtrr_var.get_mut(index) else {
        return false;
    };
    if *slot == value {
        return true;
    }
    if !valid_mtrr_type(value as u8) {
        return false;
    }
    let above = if maxphysaddr >= 64 {
        0
    } else {
        !((1u64 << maxphysaddr) - 1)
    };
    let mask = above | if index & 1 != 0 { 0x7ff } else { 0xf00 };
    if value & mask != 0 {
        return false;
    }
    *slot = value;
    true
}

/// The host's MTRRs as Xen reads them at boot (xen/arch/x86/cpu/mtrr/generic.c
/// `get_mtrr_state`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostMtrrs {
    /// MTRRcap.
    pub cap: u64,
    /// MTRRdefType.
    pub def_type: u64,
    /// The fixed ranges (read when MTRRcap.FIX is set).
    pub fixed: [u64; NUM_FIXED_MSR as usize],
    /// PHYSBASE/PHYSMASK pairs, as many as MTRRcap.VCNT says (up to the save record's 8).
    pub var: [u64; 2 * MTRR_VCNT as usize],
}

impl HostMtrrs {
    /// Reads them with `rdmsr` (the fixed ranges only when MTRRcap.FIX is set, and as many
    /// variable ranges as MTRRcap.VCNT says, up to the record's 8).
    pub fn read(mut rdmsr: impl FnMut(u32) -> u64) -> Self {
        let mut h = HostMtrrs {
            cap: rdmsr(MSR_MTRRCAP),
            def_type: rdmsr(MSR_MTRRDEFTYPE),
            ..Default::default()
        };
        if h.cap & MTRRCAP_FIX != 0 {
            let msrs = [
                MSR_MTRRFIX64K_00000,
                MSR_MTRRFIX16K_80000,
                MSR_MTRRFIX16K_A0000,
            ]
            .into_iter()
            .chain(MSR_MTRRFIX4K_C0000..=MSR_MTRRFIX4K_F8000);
            for (slot, msr) in h.fixed.iter_mut().zip(msrs) {
                *slot = rdmsr(msr);
            }
        }
        let vcnt = (h.cap & MTRRCAP_VCNT) as usize;
        for (i, slot) in h.var.iter_mut().enumerate().take(2 * vcnt) {
            *slot = rdmsr(MSR_IA32_MTRR_PHYSBASE0 + i as u32);
        }
        h
    }
}

/// A vCPU's MTRRs when it is made (mtrr.c `hvm_vcpu_cacheattr_init`): MTRRcap = WC | FIX |
/// VCNT, with the power-on PAT. A domU gets MTRR_VCNT ranges and everything disabled; the
/// hardware domain gets the host's VCNT and a copy of the host's ranges and default type, each
/// through its setter (so a host value the setter refuses is left at 0).
///
/// Xen lets the hardware domain have up to `MTRR_VCNT_MAX` (40) ranges; the save record holds
/// `MTRR_VCNT` (8), which is what xen-rs keeps, so a host with more is cut to 8 (Xen's
/// `hvm_save_mtrr_msr` could not save such a vCPU either).
pub fn vcpu_cacheattr_init(host: Option<&HostMtrrs>, maxphysaddr: u8) -> hvm_hw_mtrr {
    let vcnt = match host {
        Some(h) => (h.cap & MTRRCAP_VCNT).min(u64::from(MTRR_VCNT)),
        None => u64::from(MTRR_VCNT),
    };
    let mut m = hvm_hw_mtrr {
        msr_mtrr_cap: MTRRCAP_WC | MTRRCAP_FIX | vcnt,
        // PAT0 WB, PAT1 WT, PAT2 UC-, PAT3 UC, repeated.
        msr_pat_cr: 0x0007_0406_0007_0406,
        ..Default::default()
    };
    if let Some(h) = host {
        if h.cap & MTRRCAP_FIX != 0 {
            for (i, &f) in h.fixed.iter().enumerate() {
                mtrr_fix_range_msr_set(&mut m, i, f);
            }
        }
        for i in 0..(2 * vcnt as usize) {
            mtrr_var_range_msr_set(&mut m, i, h.var[i], maxphysaddr);
        }
        mtrr_def_type_msr_set(&mut m, h.def_type & (0xff | MTRRDEFTYPE_FE | MTRRDEFTYPE_E));
    }
    m
}

/// svm.c `svm_msr_read_intercept` for what it answers itself (the hardware-state cases are the
/// arch layer's).
fn svm_rdmsr(p: &MsrPolicy, v: &VcpuMsrs, msr: u32) -> Rdmsr {
    match msr {
        // MCA/MCE: the threshold registers are reported locked by the BIOS.
        MSR_F10_MC4_MISC1..=MSR_F10_MC4_MISC3 => Rdmsr::Value(MC4_MISC_LOCKED),
        // Intel-only; read as 0 for guests migrated from Intel.
        MSR_IA32_EBC_FREQUENCY_ID => Rdmsr::Value(0),
        MSR_IA32_DEBUGCTLMSR => Rdmsr::Value(v.debugctl),
        // The VMCB's LBR fields, which xen-rs does not enable (no LBR virtualisation).
        MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP => Rdmsr::Value(0),
        _ if vpmu_msr(p, msr, true) => Rdmsr::Value(0),
        MSR_K8_SYSCFG | MSR_K8_TOP_MEM1 | MSR_K8_TOP_MEM2 | MSR_K8_VM_CR | MSR_AMD64_EX_CFG => {
            Rdmsr::Value(0)
        }
        MSR_K8_VM_HSAVE_PA => Rdmsr::Value(v.hsave_pa),
        _ => Rdmsr::Gp,
    }
}

/// svm.c `svm_msr_write_intercept` for what it answers itself.
fn svm_wrmsr(v: &mut VcpuMsrs, msr: u32, value: u64) -> Wrmsr {
    match msr {
        MSR_IA32_DEBUGCTLMSR => {
            v.debugctl = value;
            Wrmsr::Done
        }
        MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP => Wrmsr::Done,
        MSR_K7_EVNTSEL0..=MSR_K7_PERFCTR3 | MSR_AMD_FAM15H_EVNTSEL0..=MSR_AMD_FAM15H_PERFCTR5 => {
            Wrmsr::Done
        }
        // "ignore write. handle all bits as read-only."
        MSR_K8_TOP_MEM1 | MSR_K8_TOP_MEM2 | MSR_K8_SYSCFG | MSR_K8_VM_CR | MSR_AMD64_EX_CFG => {
            Wrmsr::Done
        }
        MSR_K8_VM_HSAVE_PA => {
            if value & 0xfff != 0 || value > 0xfd_0000_0000 {
                Wrmsr::Gp
            } else {
                v.hsave_pa = value;
                Wrmsr::Done
            }
        }
        // The threshold registers are locked: writes are ignored.
        MSR_F10_MC4_MISC1..=MSR_F10_MC4_MISC3 => Wrmsr::Done,
        _ => Wrmsr::Gp,
    }
}

/// vmx.c `vmx_msr_read_intercept` for what it answers itself.
fn vmx_rdmsr<H: HostMsrs>(p: &MsrPolicy, v: &VcpuMsrs, host: &H, msr: u32) -> Rdmsr {
    match msr {
        MSR_IA32_DEBUGCTLMSR => Rdmsr::Value(v.debugctl),
        // The host's, with Debug Trace Store and PEBS marked unavailable (the vPMU, off,
        // changes nothing).
        MSR_IA32_MISC_ENABLE => host.rdmsr_safe(msr).map_or(Rdmsr::Gp, |val| {
            Rdmsr::Value(val | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
        }),
        _ if vpmu_msr(p, msr, true) => Rdmsr::Value(0),
        // `is_last_branch_msr` for the architectural four (the model-specific stacks are not
        // known to xen-rs).
        MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP if p.model_specific_lbr => Rdmsr::Value(0),
        _ => Rdmsr::Gp,
    }
}

/// vmx.c `vmx_msr_write_intercept` for what it answers itself.
fn vmx_wrmsr<H: HostMsrs>(
    p: &MsrPolicy,
    v: &mut VcpuMsrs,
    host: &H,
    msr: u32,
    value: u64,
) -> Wrmsr {
    match msr {
        MSR_IA32_DEBUGCTLMSR => {
            // No BTS (the vPMU is off); RTM debugging only with RTM.
            let mut rsvd = !(DEBUGCTL_LBR | DEBUGCTL_BTF);
            if p.rtm {
                rsvd &= !DEBUGCTL_RTM;
            }
            if value & rsvd != 0 {
                return Wrmsr::Gp;
            }
            // Without model-specific LBRs, LBR is write-discard (the Arch LBR behaviour).
            v.debugctl = if p.model_specific_lbr {
                value
            } else {
                value & !DEBUGCTL_LBR
            };
            Wrmsr::Done
        }
        // Writes that do not change the reported value are dropped; others #GP.
        MSR_IA32_MISC_ENABLE => match vmx_rdmsr(p, v, host, msr) {
            Rdmsr::Value(cur) if cur == value => Wrmsr::Done,
            _ => Wrmsr::Gp,
        },
        _ if vpmu_msr(p, msr, false) => Wrmsr::Done,
        MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP if p.model_specific_lbr => Wrmsr::Done,
        _ => Wrmsr::Gp,
    }
}
