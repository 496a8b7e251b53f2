//! The guest MSR policy (hypercall/src/msr.rs) against Xen 4.17's rules: vMTRR (xen/arch/x86/hvm/mtrr.c),
//! vMCE (xen/arch/x86/cpu/mcheck/vmce.c), xen/arch/x86/msr.c `guest_rdmsr`/`guest_wrmsr` and the
//! SVM and VMX intercepts.

use hypercall::msr::*;
use std::collections::BTreeMap;
use xen_public::arch_x86::hvm::save::hvm_hw_mtrr;

/// A made-up host: the MSRs it has.
struct Host(BTreeMap<u32, u64>);

impl HostMsrs for Host {
    fn rdmsr_safe(&self, msr: u32) -> Option<u64> {
        self.0.get(&msr).copied()
    }
}

fn policy(vendor: CpuVendor) -> MsrPolicy {
    MsrPolicy {
        vendor,
        hardware_domain: false,
        mtrr: true,
        tsc_aux: true,
        rtm: false,
        maxphysaddr: 40,
        model_specific_lbr: false,
    }
}

/// A vCPU as `hvm_vcpu_cacheattr_init` and `vmce_init_vcpu` leave a domU's.
struct Vcpu {
    p: MsrPolicy,
    mtrr: hvm_hw_mtrr,
    msrs: VcpuMsrs,
    host: Host,
}

impl Vcpu {
    fn new(p: MsrPolicy) -> Self {
        Vcpu {
            p,
            mtrr: vcpu_cacheattr_init(None, p.maxphysaddr),
            msrs: VcpuMsrs::default(),
            host: Host(BTreeMap::new()),
        }
    }
    fn rd(&self, msr: u32) -> Rdmsr {
        rdmsr(&self.p, &self.mtrr, &self.msrs, &self.host, msr)
    }
    fn wr(&mut self, msr: u32, value: u64) -> Wrmsr {
        wrmsr(
            &self.p,
            &mut self.mtrr,
            &mut self.msrs,
            &self.host,
            msr,
            value,
        )
    }
}

const AMD: CpuVendor = CpuVendor::Amd;
const INTEL: CpuVendor = CpuVendor::Intel;

// --- vMTRR: xen/arch/x86/hvm/hvm.c hvm_msr_read_intercept / hvm_msr_write_intercept and
// xen/arch/x86/hvm/mtrr.c.

#[test]
fn domu_mtrrs_start_as_hvm_vcpu_cacheattr_init_leaves_them() {
    let v = Vcpu::new(policy(AMD));
    // MTRRcap = WC | FIX | MTRR_VCNT (8); everything else 0, MTRRs disabled.
    assert_eq!(v.rd(MSR_MTRRCAP), Rdmsr::Value(0x508));
    assert_eq!(v.rd(MSR_MTRRDEFTYPE), Rdmsr::Value(0));
    assert_eq!(v.rd(MSR_MTRRFIX64K_00000), Rdmsr::Value(0));
    assert_eq!(v.rd(MSR_IA32_MTRR_PHYSBASE0 + 15), Rdmsr::Value(0));
    assert_eq!(v.mtrr.msr_pat_cr, 0x0007_0406_0007_0406);
}

#[test]
fn mtrrcap_is_read_only() {
    let mut v = Vcpu::new(policy(INTEL));
    assert_eq!(v.wr(MSR_MTRRCAP, 0x508), Wrmsr::Gp);
}

#[test]
fn mtrr_msrs_gp_without_cpuid_mtrr() {
    // `if ( !d->arch.cpuid->basic.mtrr ) goto gp_fault;` on every MTRR case.
    let mut v = Vcpu::new(MsrPolicy {
        mtrr: false,
        ..policy(AMD)
    });
    for msr in [
        MSR_MTRRCAP,
        MSR_MTRRDEFTYPE,
        MSR_MTRRFIX4K_F8000,
        0x200,
        0x24f,
    ] {
        assert_eq!(v.rd(msr), Rdmsr::Gp, "{msr:#x}");
        assert_eq!(v.wr(msr, 0), Wrmsr::Gp, "{msr:#x}");
    }
}

#[test]
fn def_type_checks_follow_mtrr_def_type_msr_set() {
    let mut v = Vcpu::new(policy(AMD));
    // WB, fixed and variable ranges enabled.
    assert_eq!(v.wr(MSR_MTRRDEFTYPE, 0xc06), Wrmsr::Done);
    assert_eq!(v.rd(MSR_MTRRDEFTYPE), Rdmsr::Value(0xc06));
    // Types 2, 3 and 7+ are not memory types.
    for t in [2, 3, 7, 0xff] {
        assert_eq!(v.wr(MSR_MTRRDEFTYPE, t), Wrmsr::Gp, "type {t}");
    }
    // Bits outside 0xcff.
    assert_eq!(v.wr(MSR_MTRRDEFTYPE, 0x1006), Wrmsr::Gp);
    assert_eq!(v.wr(MSR_MTRRDEFTYPE, 1 << 32), Wrmsr::Gp);
    // Bits 8-9 are outside 0xcff too; a refused write leaves the value.
    assert_eq!(v.wr(MSR_MTRRDEFTYPE, 0x306), Wrmsr::Gp);
    assert_eq!(v.rd(MSR_MTRRDEFTYPE), Rdmsr::Value(0xc06));
    assert_eq!(v.wr(MSR_MTRRDEFTYPE, 0x406), Wrmsr::Done);
    assert_eq!(v.mtrr.msr_mtrr_def_type, 0x406);
}

#[test]
fn fixed_ranges_follow_mtrr_fix_range_msr_set() {
    let mut v = Vcpu::new(policy(INTEL));
    // The 11 fixed-range MSRs map onto the record's rows in Xen's order.
    let msrs = [
        0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
    ];
    for (row, msr) in msrs.into_iter().enumerate() {
        let value = 0x0606_0606_0606_0600 | [0, 1, 4, 5, 6][row % 5];
        let value = if row == 2 {
            0x0505_0505_0404_0101
        } else {
            value
        };
        assert_eq!(v.wr(msr, value), Wrmsr::Done, "{msr:#x}");
        assert_eq!(v.rd(msr), Rdmsr::Value(value));
        assert_eq!(v.mtrr.msr_mtrr_fixed[row], value);
    }
    // One invalid type in any of the eight bytes is #GP and leaves the row alone.
    assert_eq!(v.wr(0x250, 0x0206_0606_0606_0606), Wrmsr::Gp);
    assert_eq!(v.rd(0x250), Rdmsr::Value(0x0606_0606_0606_0600));
    // MSRs between the fixed ones are not MTRRs: #GP from the vendor intercept.
    assert_eq!(v.rd(0x251), Rdmsr::Gp);
    assert_eq!(v.rd(0x25a), Rdmsr::Gp);
}

#[test]
fn var_ranges_follow_mtrr_var_range_msr_set() {
    let mut v = Vcpu::new(policy(AMD));
    // PHYSBASE0 = 0x8000_0000 UC, PHYSMASK0 = 2 GiB, valid.
    assert_eq!(v.wr(0x200, 0x8000_0000), Wrmsr::Done);
    assert_eq!(v.wr(0x201, 0xff_8000_0800), Wrmsr::Done);
    assert_eq!(v.rd(0x200), Rdmsr::Value(0x8000_0000));
    assert_eq!(v.rd(0x201), Rdmsr::Value(0xff_8000_0800));
    assert_eq!(v.mtrr.msr_mtrr_var[1], 0xff_8000_0800);
    // A bit at or above MAXPHYADDR (40).
    assert_eq!(v.wr(0x202, 1 << 40), Wrmsr::Gp);
    // Base: bits 8-11 reserved; mask: bits 0-10 reserved.
    assert_eq!(v.wr(0x202, 0x100), Wrmsr::Gp);
    assert_eq!(v.wr(0x203, 0x400), Wrmsr::Gp);
    // An invalid type in the low byte (Xen checks it for masks too).
    assert_eq!(v.wr(0x202, 0x2), Wrmsr::Gp);
    // Rewriting the value in place is accepted whatever it is.
    v.mtrr.msr_mtrr_var[4] = 0x3;
    assert_eq!(v.wr(0x204, 0x3), Wrmsr::Done);
    // Ranges 0..VCNT (8) exist; 0x210..0x24f are #GP, reads and writes.
    assert_eq!(v.rd(0x20f), Rdmsr::Value(0));
    assert_eq!(v.wr(0x20f, 0), Wrmsr::Done);
    for msr in [0x210, 0x24f] {
        assert_eq!(v.rd(msr), Rdmsr::Gp);
        assert_eq!(v.wr(msr, 0), Wrmsr::Gp);
    }
}

#[test]
fn fewer_var_ranges_follow_mtrrcap_vcnt() {
    let mut v = Vcpu::new(policy(AMD));
    v.mtrr.msr_mtrr_cap = 0x502;
    assert_eq!(v.rd(0x203), Rdmsr::Value(0));
    assert_eq!(v.rd(0x204), Rdmsr::Gp);
    assert_eq!(v.wr(0x204, 0), Wrmsr::Gp);
}

#[test]
fn hardware_domain_copies_the_host_mtrrs() {
    // hvm_vcpu_cacheattr_init for is_hardware_domain: VCNT from the host, fixed ranges
    // (MTRRcap.FIX), variable ranges and the default type through the setters.
    let mut fixed = [0x0606_0606_0606_0606; 11];
    fixed[3] = 0x0000_0000_0000_0000;
    // One the setter refuses is left at 0.
    fixed[4] = 0x0202_0202_0202_0202;
    let mut var = [0; 16];
    var[0] = 0x8000_0000;
    var[1] = 0xff_8000_0800;
    var[2] = 0x1_0000_0006;
    var[3] = 0xff_0000_0800;
    let host = HostMtrrs {
        cap: 0x0d0a, // SMRR | WC | FIX | VCNT 10
        def_type: 0xc06 | 0x300,
        fixed,
        var,
    };
    let m = vcpu_cacheattr_init(Some(&host), 40);
    // VCNT 10 is cut to the record's 8; xen-rs's cap is WC | FIX | VCNT as Xen's.
    assert_eq!(m.msr_mtrr_cap, 0x508);
    assert_eq!(m.msr_mtrr_fixed[0], 0x0606_0606_0606_0606);
    assert_eq!(m.msr_mtrr_fixed[4], 0);
    assert_eq!(m.msr_mtrr_var[..4], var[..4]);
    assert_eq!(m.msr_mtrr_def_type, 0xc06);
    // Without FIX the fixed ranges are not copied.
    let m = vcpu_cacheattr_init(Some(&HostMtrrs { cap: 0x402, ..host }), 40);
    assert_eq!(m.msr_mtrr_fixed, [0; 11]);
    assert_eq!(m.msr_mtrr_cap, 0x502);
    assert_eq!(m.msr_mtrr_var[..4], var[..4]);
    assert_eq!(m.msr_mtrr_var[4], 0);
}

#[test]
fn host_mtrrs_are_read_as_get_mtrr_state_reads_them() {
    let mut read = Vec::new();
    let h = HostMtrrs::read(|msr| {
        read.push(msr);
        match msr {
            MSR_MTRRCAP => 0x502,
            MSR_MTRRDEFTYPE => 0xc06,
            _ => u64::from(msr),
        }
    });
    assert_eq!(h.fixed[2], 0x259);
    assert_eq!(h.fixed[10], 0x26f);
    assert_eq!(h.var[..4], [0x200, 0x201, 0x202, 0x203]);
    assert_eq!(h.var[4], 0);
    // Never beyond VCNT's ranges.
    assert!(!read.contains(&0x204));
    let h = HostMtrrs::read(|msr| if msr == MSR_MTRRCAP { 0x401 } else { 1 });
    assert_eq!(h.fixed, [0; 11]);
}

// --- vMCE: xen/arch/x86/cpu/mcheck/vmce.c vmce_rdmsr / vmce_wrmsr.

#[test]
fn mcg_cap_is_what_vmce_init_vcpu_gives() {
    let intel = Vcpu::new(policy(INTEL));
    // MCG_SER_P | MCG_TES_P | MCG_CMCI_P | GUEST_MC_BANK_NUM.
    assert_eq!(intel.rd(MSR_IA32_MCG_CAP), Rdmsr::Value(0x100_0c02));
    let amd = Vcpu::new(policy(AMD));
    assert_eq!(amd.rd(MSR_IA32_MCG_CAP), Rdmsr::Value(2));
}

#[test]
fn global_mca_msrs() {
    for vendor in [INTEL, AMD] {
        let mut v = Vcpu::new(policy(vendor));
        // MCG_CAP is read-only: writes are ignored.
        assert_eq!(v.wr(MSR_IA32_MCG_CAP, 0), Wrmsr::Done);
        assert_eq!(v.rd(MSR_IA32_MCG_CAP), Rdmsr::Value(mcg_cap(&v.p, &v.msrs)));
        // No MCG_CTL_P: MCG_CTL reads 0, writes are ignored.
        assert_eq!(v.rd(MSR_IA32_MCG_CTL), Rdmsr::Value(0));
        assert_eq!(v.wr(MSR_IA32_MCG_CTL, 0), Wrmsr::Done);
        // MCG_STATUS takes what is written.
        assert_eq!(v.wr(MSR_IA32_MCG_STATUS, 5), Wrmsr::Done);
        assert_eq!(v.rd(MSR_IA32_MCG_STATUS), Rdmsr::Value(5));
        // No MCG_LMCE_P: MCG_EXT_CTL is #GP both ways.
        assert_eq!(v.rd(MSR_IA32_MCG_EXT_CTL), Rdmsr::Gp);
        assert_eq!(v.wr(MSR_IA32_MCG_EXT_CTL, 0), Wrmsr::Gp);
    }
    // With MCG_CTL_P (a restored cap), MCG_CTL reads all ones.
    let mut v = Vcpu::new(policy(INTEL));
    v.msrs.mcg_cap = Some(INTEL_GUEST_MCG_CAP | MCG_CTL_P | MCG_LMCE_P);
    assert_eq!(v.rd(MSR_IA32_MCG_CTL), Rdmsr::Value(u64::MAX));
    assert_eq!(v.wr(MSR_IA32_MCG_EXT_CTL, 1), Wrmsr::Done);
    assert_eq!(v.rd(MSR_IA32_MCG_EXT_CTL), Rdmsr::Value(1));
    assert_eq!(v.wr(MSR_IA32_MCG_EXT_CTL, 2), Wrmsr::Gp);
}

#[test]
fn bank_msrs_follow_bank_mce_rdmsr_and_bank_mce_wrmsr() {
    for vendor in [INTEL, AMD] {
        let mut v = Vcpu::new(policy(vendor));
        v.msrs.banks[1] = VmceBank {
            status: 0xb000_0000_0000_0001,
            addr: 0x1000,
            misc: 0x86,
            ctl2: 0,
        };
        for bank in 0..2 {
            let base = MSR_IA32_MC0_CTL + 4 * bank;
            // "stick all 1's to MCi_CTL"; writes ignored.
            assert_eq!(v.rd(base), Rdmsr::Value(u64::MAX));
            assert_eq!(v.wr(base, 0), Wrmsr::Done);
            assert_eq!(v.rd(base), Rdmsr::Value(u64::MAX));
        }
        assert_eq!(v.rd(0x405), Rdmsr::Value(0xb000_0000_0000_0001));
        assert_eq!(v.rd(0x406), Rdmsr::Value(0x1000));
        assert_eq!(v.rd(0x407), Rdmsr::Value(0x86));
        // STATUS, ADDR, MISC: only 0 may be written.
        for msr in [0x405, 0x406, 0x407] {
            assert_eq!(v.wr(msr, 1), Wrmsr::Gp, "{msr:#x}");
            assert_eq!(v.wr(msr, 0), Wrmsr::Done);
            assert_eq!(v.rd(msr), Rdmsr::Value(0));
        }
        // Banks beyond MCG_CAP.COUNT (2) read 0 and drop writes, as vmce_rdmsr's 0 return
        // does through guest_rdmsr; the whole 0x400-0x47f range is covered.
        for msr in [0x408, 0x409, 0x413, 0x47f] {
            assert_eq!(v.rd(msr), Rdmsr::Value(0), "{msr:#x}");
            assert_eq!(v.wr(msr, 1), Wrmsr::Done, "{msr:#x}");
        }
        // Beyond 0x47f: not an MCA MSR.
        assert_eq!(v.rd(0x480), Rdmsr::Gp);
    }
}

#[test]
fn ctl2_is_intels_only() {
    // vmce_intel_rdmsr / vmce_intel_wrmsr: MCi_CTL2 for the guest's banks.
    let mut v = Vcpu::new(policy(INTEL));
    assert_eq!(v.wr(0x281, 0x7fff), Wrmsr::Done);
    assert_eq!(v.rd(0x281), Rdmsr::Value(0x7fff));
    assert_eq!(v.msrs.banks[1].ctl2, 0x7fff);
    assert_eq!(v.rd(0x282), Rdmsr::Value(0));
    assert_eq!(v.wr(0x29f, 1), Wrmsr::Done);
    // The P5 bank-0 quirk reads bank 1.
    v.msrs.banks[1].addr = 0x42;
    v.msrs.banks[1].status = 0x43;
    assert_eq!(v.rd(MSR_P5_MC_ADDR), Rdmsr::Value(0x42));
    assert_eq!(v.rd(MSR_P5_MC_TYPE), Rdmsr::Value(0x43));
    // guest_wrmsr does not route the P5 MSRs to vMCE: #GP from the vendor intercept.
    assert_eq!(v.wr(MSR_P5_MC_ADDR, 0), Wrmsr::Gp);
    // AMD: no vendor bank MSRs there; the ranges read 0 and drop writes.
    let mut v = Vcpu::new(policy(AMD));
    assert_eq!(v.wr(0x281, 0x7fff), Wrmsr::Done);
    assert_eq!(v.rd(0x281), Rdmsr::Value(0));
    assert_eq!(v.rd(MSR_P5_MC_ADDR), Rdmsr::Value(0));
}

// --- xen/arch/x86/msr.c guest_rdmsr / guest_wrmsr.

#[test]
fn platform_info_and_misc_features_enables() {
    for vendor in [INTEL, AMD] {
        let mut v = Vcpu::new(policy(vendor));
        // The HVM policy offers CPUID faulting.
        assert_eq!(v.rd(MSR_INTEL_PLATFORM_INFO), Rdmsr::Value(1 << 32));
        assert_eq!(v.wr(MSR_INTEL_PLATFORM_INFO, 1 << 32), Wrmsr::Gp);
        assert_eq!(v.rd(MSR_INTEL_MISC_FEATURES_ENABLES), Rdmsr::Value(0));
        assert_eq!(v.wr(MSR_INTEL_MISC_FEATURES_ENABLES, 2), Wrmsr::Gp);
        assert_eq!(v.wr(MSR_INTEL_MISC_FEATURES_ENABLES, 1), Wrmsr::Done);
        assert_eq!(v.rd(MSR_INTEL_MISC_FEATURES_ENABLES), Rdmsr::Value(1));
    }
}

#[test]
fn tsc_aux_follows_cpuid() {
    let mut v = Vcpu::new(policy(AMD));
    assert_eq!(v.wr(MSR_TSC_AUX, 0x1_0000_0000), Wrmsr::Gp);
    assert_eq!(v.wr(MSR_TSC_AUX, 0xffff_ffff), Wrmsr::Done);
    assert_eq!(v.rd(MSR_TSC_AUX), Rdmsr::Value(0xffff_ffff));
    let mut v = Vcpu::new(MsrPolicy {
        tsc_aux: false,
        ..policy(INTEL)
    });
    assert_eq!(v.rd(MSR_TSC_AUX), Rdmsr::Gp);
    assert_eq!(v.wr(MSR_TSC_AUX, 0), Wrmsr::Gp);
}

#[test]
fn intel_only_msrs() {
    let mut intel = Vcpu::new(policy(INTEL));
    intel
        .host
        .0
        .insert(MSR_IA32_PLATFORM_ID, 0x0010_0000_0000_0000);
    let mut amd = Vcpu::new(policy(AMD));
    amd.host.0.insert(MSR_IA32_PLATFORM_ID, 1);
    // FEATURE_CONTROL: locked, no VMX outside SMX (the guest has no VMX), no LMCE.
    assert_eq!(intel.rd(MSR_IA32_FEATURE_CONTROL), Rdmsr::Value(1));
    assert_eq!(intel.wr(MSR_IA32_FEATURE_CONTROL, 1), Wrmsr::Gp);
    assert_eq!(amd.rd(MSR_IA32_FEATURE_CONTROL), Rdmsr::Gp);
    // PLATFORM_ID: the host's, on Intel.
    assert_eq!(
        intel.rd(MSR_IA32_PLATFORM_ID),
        Rdmsr::Value(0x0010_0000_0000_0000)
    );
    assert_eq!(amd.rd(MSR_IA32_PLATFORM_ID), Rdmsr::Gp);
    assert_eq!(intel.wr(MSR_IA32_PLATFORM_ID, 0), Wrmsr::Gp);
    // PERF_STATUS/PERF_CTL read as zero, PERF_CTL writes are dropped; THERM_STATUS RAZ.
    for msr in [
        MSR_IA32_PERF_STATUS,
        MSR_IA32_PERF_CTL,
        MSR_IA32_THERM_STATUS,
    ] {
        assert_eq!(intel.rd(msr), Rdmsr::Value(0), "{msr:#x}");
        assert_eq!(amd.rd(msr), Rdmsr::Gp, "{msr:#x}");
    }
    assert_eq!(intel.wr(MSR_IA32_PERF_CTL, 0x1234), Wrmsr::Done);
    assert_eq!(intel.wr(MSR_IA32_PERF_STATUS, 0), Wrmsr::Gp);
    assert_eq!(intel.wr(MSR_IA32_THERM_STATUS, 0), Wrmsr::Gp);
    assert_eq!(amd.wr(MSR_IA32_PERF_CTL, 0), Wrmsr::Gp);
}

#[test]
fn microcode_revision() {
    let mut v = Vcpu::new(policy(INTEL));
    // Without the host's value (rdmsr_safe faulting): #GP.
    assert_eq!(v.rd(MSR_AMD_PATCHLEVEL), Rdmsr::Gp);
    v.host.0.insert(MSR_AMD_PATCHLEVEL, 0xf0_0000_0000);
    assert_eq!(v.rd(MSR_AMD_PATCHLEVEL), Rdmsr::Value(0xf0_0000_0000));
    // Intel's "write 0, CPUID, read".
    assert_eq!(v.wr(MSR_AMD_PATCHLEVEL, 0), Wrmsr::Done);
    assert_eq!(v.wr(MSR_AMD_PATCHLEVEL, 1), Wrmsr::Gp);
    let mut amd = Vcpu::new(policy(AMD));
    assert_eq!(amd.wr(MSR_AMD_PATCHLEVEL, 0), Wrmsr::Gp);
}

#[test]
fn amd_model_msrs_for_a_domu() {
    let mut v = Vcpu::new(policy(AMD));
    // Not the hardware domain: guest_rdmsr leaves them to svm_msr_read_intercept, which
    // reads SYSCFG, TOP_MEM1/2, VM_CR, EX_CFG as 0 and ignores writes.
    for msr in [
        MSR_K8_SYSCFG,
        MSR_K8_TOP_MEM1,
        MSR_K8_TOP_MEM2,
        MSR_K8_VM_CR,
        MSR_AMD64_EX_CFG,
    ] {
        assert_eq!(v.rd(msr), Rdmsr::Value(0), "{msr:#x}");
        assert_eq!(v.wr(msr, 0x55), Wrmsr::Done, "{msr:#x}");
    }
    // IORRs and TSEG: #GP for a domU.
    for msr in [0xc001_0016, 0xc001_0019, MSR_K8_TSEG_BASE, MSR_K8_TSEG_MASK] {
        assert_eq!(v.rd(msr), Rdmsr::Gp, "{msr:#x}");
        assert_eq!(v.wr(msr, 0), Wrmsr::Gp, "{msr:#x}");
    }
    // HWCR reads 0; a write is #GP (neither guest_wrmsr nor the SVM intercept takes it).
    assert_eq!(v.rd(MSR_K8_HWCR), Rdmsr::Value(0));
    assert_eq!(v.wr(MSR_K8_HWCR, 0), Wrmsr::Gp);
    // NB_CFG: 0, writes ignored (hvm_msr_*_intercept); ENABLE_C1E: 0, write #GP.
    assert_eq!(v.rd(MSR_AMD64_NB_CFG), Rdmsr::Value(0));
    assert_eq!(v.wr(MSR_AMD64_NB_CFG, 1 << 46), Wrmsr::Done);
    assert_eq!(v.rd(MSR_K8_ENABLE_C1E), Rdmsr::Value(0));
    assert_eq!(v.wr(MSR_K8_ENABLE_C1E, 0), Wrmsr::Gp);
    // DE_CFG: LFENCE serialising; writes dropped.
    assert_eq!(v.rd(MSR_AMD64_DE_CFG), Rdmsr::Value(2));
    assert_eq!(v.wr(MSR_AMD64_DE_CFG, 0), Wrmsr::Done);
    // The fam10h threshold registers are locked; MC4_MISC0 is a bank MSR beyond the
    // guest's banks (0).
    assert_eq!(v.rd(MSR_F10_MC4_MISC1), Rdmsr::Value(1 << 61));
    assert_eq!(v.wr(MSR_F10_MC4_MISC3, 0), Wrmsr::Done);
    assert_eq!(v.rd(0x413), Rdmsr::Value(0));
    // VM_HSAVE_PA of the (nested) guest: page aligned, below 0xfd00000000.
    assert_eq!(v.wr(MSR_K8_VM_HSAVE_PA, 0x1000), Wrmsr::Done);
    assert_eq!(v.rd(MSR_K8_VM_HSAVE_PA), Rdmsr::Value(0x1000));
    assert_eq!(v.wr(MSR_K8_VM_HSAVE_PA, 0x1001), Wrmsr::Gp);
    assert_eq!(v.wr(MSR_K8_VM_HSAVE_PA, 0xfd_0000_1000), Wrmsr::Gp);
    // The vPMU is off: counters read 0, writes are dropped.
    for msr in [MSR_K7_EVNTSEL0, MSR_K7_PERFCTR3, 0xc001_0200, 0xc001_020b] {
        assert_eq!(v.rd(msr), Rdmsr::Value(0), "{msr:#x}");
        assert_eq!(v.wr(msr, 1), Wrmsr::Done, "{msr:#x}");
    }
    // Intel-only MSRs on AMD.
    assert_eq!(v.rd(MSR_IA32_MISC_ENABLE), Rdmsr::Gp);
    assert_eq!(v.rd(MSR_IA32_EBC_FREQUENCY_ID), Rdmsr::Value(0));
    assert_eq!(v.wr(MSR_IA32_EBC_FREQUENCY_ID, 0), Wrmsr::Gp);
}

#[test]
fn amd_model_msrs_for_the_hardware_domain() {
    let mut v = Vcpu::new(MsrPolicy {
        hardware_domain: true,
        ..policy(AMD)
    });
    // The host's SYSCFG with only the MTRR-related bits.
    v.host.0.insert(MSR_K8_SYSCFG, 0x0074_0600 | (1 << 23));
    v.host.0.insert(MSR_K8_TOP_MEM1, 0x8000_0000);
    assert_eq!(v.rd(MSR_K8_SYSCFG), Rdmsr::Value(0x0074_0000));
    assert_eq!(v.rd(MSR_K8_TOP_MEM1), Rdmsr::Value(0x8000_0000));
    // rdmsr_safe faulting: #GP.
    assert_eq!(v.rd(MSR_K8_TOP_MEM2), Rdmsr::Gp);
    assert_eq!(v.rd(MSR_K8_TSEG_BASE), Rdmsr::Gp);
    // Writes still go to the SVM intercept.
    assert_eq!(v.wr(MSR_K8_SYSCFG, 0), Wrmsr::Done);
    // On Intel they are #GP (vendor check first).
    let v = Vcpu::new(MsrPolicy {
        hardware_domain: true,
        ..policy(INTEL)
    });
    assert_eq!(v.rd(MSR_K8_SYSCFG), Rdmsr::Gp);
    assert_eq!(v.rd(MSR_K8_HWCR), Rdmsr::Gp);
    assert_eq!(v.rd(MSR_AMD64_DE_CFG), Rdmsr::Gp);
    // hvm_msr_read_intercept's NB_CFG / ENABLE_C1E: 0 on any vendor.
    assert_eq!(v.rd(MSR_AMD64_NB_CFG), Rdmsr::Value(0));
    assert_eq!(v.rd(MSR_K8_ENABLE_C1E), Rdmsr::Value(0));
}

// --- The vendor intercepts.

#[test]
fn debugctl_on_svm_takes_any_value() {
    // svm_msr_write_intercept: vmcb_set_debugctlmsr, no reserved-bit check.
    let mut v = Vcpu::new(policy(AMD));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, 0x3), Wrmsr::Done);
    assert_eq!(v.rd(MSR_IA32_DEBUGCTLMSR), Rdmsr::Value(0x3));
    assert_eq!(v.rd(MSR_IA32_LASTBRANCHFROMIP), Rdmsr::Value(0));
}

#[test]
fn debugctl_on_vmx_checks_reserved_bits() {
    // vmx_msr_write_intercept: LBR and BTF (RTM with RTM); LBR dropped without
    // model-specific LBRs.
    let mut v = Vcpu::new(policy(INTEL));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, DEBUGCTL_BTF), Wrmsr::Done);
    assert_eq!(v.rd(MSR_IA32_DEBUGCTLMSR), Rdmsr::Value(DEBUGCTL_BTF));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, DEBUGCTL_LBR), Wrmsr::Done);
    assert_eq!(v.rd(MSR_IA32_DEBUGCTLMSR), Rdmsr::Value(0));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, 1 << 6), Wrmsr::Gp);
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, DEBUGCTL_RTM), Wrmsr::Gp);
    let mut v = Vcpu::new(MsrPolicy {
        rtm: true,
        model_specific_lbr: true,
        ..policy(INTEL)
    });
    assert_eq!(
        v.wr(MSR_IA32_DEBUGCTLMSR, DEBUGCTL_RTM | DEBUGCTL_LBR),
        Wrmsr::Done
    );
    assert_eq!(
        v.rd(MSR_IA32_DEBUGCTLMSR),
        Rdmsr::Value(DEBUGCTL_RTM | DEBUGCTL_LBR)
    );
    assert_eq!(v.rd(MSR_IA32_LASTINTTOIP), Rdmsr::Value(0));
}

#[test]
fn misc_enable_on_vmx() {
    // vmx_msr_read_intercept: the host's | BTS_UNAVAIL | PEBS_UNAVAIL; a write must not
    // change it.
    let mut v = Vcpu::new(policy(INTEL));
    v.host.0.insert(MSR_IA32_MISC_ENABLE, 0x85_0089);
    assert_eq!(v.rd(MSR_IA32_MISC_ENABLE), Rdmsr::Value(0x85_1889));
    assert_eq!(v.wr(MSR_IA32_MISC_ENABLE, 0x85_1889), Wrmsr::Done);
    assert_eq!(v.wr(MSR_IA32_MISC_ENABLE, 0x85_0089), Wrmsr::Gp);
    // The Intel vPMU MSRs, off.
    for msr in [0xc1, 0x186, 0x309, 0x38f, 0x3f1, 0x600] {
        assert_eq!(v.rd(msr), Rdmsr::Value(0), "{msr:#x}");
        assert_eq!(v.wr(msr, 1), Wrmsr::Done, "{msr:#x}");
    }
    // EVNTSEL4-7: writes taken, reads #GP (vmx's lists differ).
    assert_eq!(v.rd(0x18a), Rdmsr::Gp);
    assert_eq!(v.wr(0x18a, 0), Wrmsr::Done);
}

#[test]
fn unknown_msrs_are_gp_and_hardware_state_is_the_arch_layers() {
    for vendor in [INTEL, AMD] {
        let mut v = Vcpu::new(policy(vendor));
        for msr in [0x3b, 0x48, 0x6e0, 0xc001_0114 + 0x100, 0xdead_beef] {
            assert_eq!(v.rd(msr), Rdmsr::Gp, "{msr:#x}");
            assert_eq!(v.wr(msr, 0), Wrmsr::Gp, "{msr:#x}");
        }
        for msr in [0x10, 0x1b, 0x277, 0xc000_0080, 0xc000_0100, 0x4000_0000] {
            assert_eq!(v.rd(msr), Rdmsr::NotHere, "{msr:#x}");
            assert_eq!(v.wr(msr, 0), Wrmsr::NotHere, "{msr:#x}");
        }
    }
}

#[test]
fn the_portable_vcpu_keeps_them_for_the_save_record() {
    // Reached through hypercall::vcpu::Vcpu: an MTRR write lands in the MTRR record that
    // XEN_DOMCTL_gethvmcontext saves.
    let vcpu = hypercall::vcpu::Vcpu::new(0, hypercall::vcpu::VcpuInfoArea::Dummy);
    let p = policy(AMD);
    assert_eq!(
        vcpu.wrmsr(&p, &NoHostMsrs, MSR_MTRRDEFTYPE, 0xc06),
        Wrmsr::Done
    );
    assert_eq!(vcpu.state().mtrr.msr_mtrr_def_type, 0xc06);
    assert_eq!(
        vcpu.rdmsr(&p, &NoHostMsrs, MSR_MTRRCAP),
        Rdmsr::Value(0x508)
    );
    assert!(!vcpu.cpuid_faulting());
    vcpu.wrmsr(&p, &NoHostMsrs, MSR_INTEL_MISC_FEATURES_ENABLES, 1);
    assert!(vcpu.cpuid_faulting());
    // TSC_AUX, which the arch layer loads into the hardware when the vCPU runs.
    assert_eq!(vcpu.wrmsr(&p, &NoHostMsrs, MSR_TSC_AUX, 3), Wrmsr::Done);
    assert_eq!(vcpu.tsc_aux(), 3);
}

// --- Mutation-testing follow-ups: edges the tests above leave open.

#[test]
fn no_host_msrs_answers_as_a_host_without_them() {
    // NoHostMsrs is what the hypervisor passes when it cannot read the host's MSRs: every
    // rdmsr_safe Xen forwards (guest_rdmsr's PLATFORM_ID, UCODE_REV and the hardware domain's
    // AMD MSRs, vmx_msr_read_intercept's MISC_ENABLE) faults, so each is #GP, as with a host
    // lacking them.
    for (p, msrs) in [
        (
            policy(INTEL),
            &[
                MSR_IA32_PLATFORM_ID,
                MSR_AMD_PATCHLEVEL,
                MSR_IA32_MISC_ENABLE,
            ][..],
        ),
        (
            MsrPolicy {
                hardware_domain: true,
                ..policy(AMD)
            },
            &[
                MSR_AMD_PATCHLEVEL,
                MSR_K8_SYSCFG,
                MSR_K8_TOP_MEM1,
                MSR_K8_TSEG_MASK,
            ][..],
        ),
    ] {
        let mut v = Vcpu::new(p);
        for &msr in msrs {
            let no_host = rdmsr(&v.p, &v.mtrr, &v.msrs, &NoHostMsrs, msr);
            assert_eq!(no_host, Rdmsr::Gp, "{msr:#x}");
            assert_eq!(no_host, v.rd(msr), "{msr:#x}");
        }
        // A MISC_ENABLE write compares with what a read gives: with no host value, #GP.
        if p.vendor == INTEL {
            for value in [0, MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL] {
                let w = wrmsr(
                    &v.p,
                    &mut v.mtrr,
                    &mut v.msrs,
                    &NoHostMsrs,
                    MSR_IA32_MISC_ENABLE,
                    value,
                );
                assert_eq!(w, Wrmsr::Gp);
            }
        }
    }
}

#[test]
fn misc_enable_keeps_the_hosts_unavailable_bits_set() {
    // vmx_msr_read_intercept: `*msr_content |= MSR_IA32_MISC_ENABLE_BTS_UNAVAIL |
    // MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL`: bits the host already has stay set.
    let mut v = Vcpu::new(policy(INTEL));
    v.host.0.insert(MSR_IA32_MISC_ENABLE, 0x1889);
    assert_eq!(v.rd(MSR_IA32_MISC_ENABLE), Rdmsr::Value(0x1889));
    assert_eq!(v.wr(MSR_IA32_MISC_ENABLE, 0x1889), Wrmsr::Done);
}

#[test]
fn debugctl_btf_is_bit_1_on_vmx() {
    // vmx_msr_write_intercept: IA32_DEBUGCTLMSR_BTF is bit 1 (the literal, so the constant is
    // checked too), allowed; bit 2 is reserved.
    assert_eq!(DEBUGCTL_BTF, 2);
    assert_eq!(DEBUGCTL_LBR, 1);
    let mut v = Vcpu::new(policy(INTEL));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, 0x2), Wrmsr::Done);
    assert_eq!(v.rd(MSR_IA32_DEBUGCTLMSR), Rdmsr::Value(0x2));
    assert_eq!(v.wr(MSR_IA32_DEBUGCTLMSR, 0x4), Wrmsr::Gp);
}

#[test]
fn lbr_msrs_on_vmx_follow_model_specific_lbr() {
    // vmx_msr_read_intercept / vmx_msr_write_intercept: is_last_branch_msr only for a model
    // whose LBRs Xen knows; otherwise #GP both ways.
    let mut v = Vcpu::new(policy(INTEL));
    for msr in MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP {
        assert_eq!(v.rd(msr), Rdmsr::Gp, "{msr:#x}");
        assert_eq!(v.wr(msr, 0), Wrmsr::Gp, "{msr:#x}");
    }
    let mut v = Vcpu::new(MsrPolicy {
        model_specific_lbr: true,
        ..policy(INTEL)
    });
    for msr in MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP {
        assert_eq!(v.rd(msr), Rdmsr::Value(0), "{msr:#x}");
        assert_eq!(v.wr(msr, 0), Wrmsr::Done, "{msr:#x}");
    }
}

#[test]
fn lbr_msr_writes_on_svm_are_taken() {
    // svm_msr_write_intercept: MSR_IA32_LASTBRANCHFROMIP .. MSR_IA32_LASTINTTOIP go to the
    // VMCB (vmcb_set_lastbranchfromip and co.), never #GP.
    let mut v = Vcpu::new(policy(AMD));
    for msr in MSR_IA32_LASTBRANCHFROMIP..=MSR_IA32_LASTINTTOIP {
        assert_eq!(v.wr(msr, 0x1234), Wrmsr::Done, "{msr:#x}");
    }
}

#[test]
fn vm_hsave_pa_may_be_0xfd00000000_itself() {
    // svm_msr_write_intercept: `msr_content > 0xfd00000000ULL` is #GP, the bound itself is not.
    let mut v = Vcpu::new(policy(AMD));
    assert_eq!(v.wr(MSR_K8_VM_HSAVE_PA, 0xfd_0000_0000), Wrmsr::Done);
    assert_eq!(v.rd(MSR_K8_VM_HSAVE_PA), Rdmsr::Value(0xfd_0000_0000));
    assert_eq!(v.wr(MSR_K8_VM_HSAVE_PA, 0xfd_0000_1000), Wrmsr::Gp);
}

#[test]
fn var_range_reserved_low_bits_stay_reserved_with_a_small_maxphysaddr() {
    // mtrr.c mtrr_var_range_msr_set: `msr_mask = ~((1 << phys_addr) - 1); msr_mask |= (index
    // & 1) ? 0x7ff : 0xf00`: the reserved low bits are reserved even where the bits above
    // MAXPHYADDR already cover them.
    let mut m = vcpu_cacheattr_init(None, 8);
    assert!(!mtrr_var_range_msr_set(&mut m, 0, 0x100, 8));
    assert!(!mtrr_var_range_msr_set(&mut m, 0, 0x800, 8));
    assert!(!mtrr_var_range_msr_set(&mut m, 1, 0x400, 8));
    assert!(!mtrr_var_range_msr_set(&mut m, 1, 0x100, 8));
    assert_eq!(m.msr_mtrr_var[..2], [0, 0]);
    // With MAXPHYADDR 12, bit 11 of a mask is reserved only by the MAXPHYADDR part.
    assert!(!mtrr_var_range_msr_set(&mut m, 0, 0x100, 12));
    assert!(mtrr_var_range_msr_set(&mut m, 0, 0x6, 12));
}

#[test]
fn host_mtrrs_read_the_default_type_and_two_msrs_per_range() {
    // generic.c get_mtrr_state: rdmsrl(MSR_MTRRdefType, ...), and a PHYSBASE and a PHYSMASK for
    // each of MTRRcap.VCNT's ranges.
    let mut read = Vec::new();
    let h = HostMtrrs::read(|msr| {
        read.push(msr);
        match msr {
            MSR_MTRRCAP => 0x503,
            MSR_MTRRDEFTYPE => 0xc06,
            _ => u64::from(msr),
        }
    });
    assert_eq!(h.def_type, 0xc06);
    assert!(read.contains(&MSR_MTRRDEFTYPE));
    assert_eq!(h.var[..6], [0x200, 0x201, 0x202, 0x203, 0x204, 0x205]);
    assert_eq!(h.var[6], 0);
    assert!(!read.contains(&0x206));
}

#[test]
fn hardware_domain_copies_all_eight_host_ranges() {
    // hvm_vcpu_cacheattr_init: `for ( i = 0; i < num_var_ranges; i++ )` both the PHYSBASE and
    // the PHYSMASK of every range.
    let mut var = [0; 16];
    for (i, slot) in var.iter_mut().enumerate() {
        *slot = if i % 2 == 0 {
            (i as u64 + 1) << 28
        } else {
            0xff_f000_0800
        };
    }
    let host = HostMtrrs {
        cap: 0x508,
        def_type: 0xc06,
        fixed: [0x0606_0606_0606_0606; 11],
        var,
    };
    let m = vcpu_cacheattr_init(Some(&host), 40);
    assert_eq!(m.msr_mtrr_var, var);
    let m = vcpu_cacheattr_init(Some(&HostMtrrs { cap: 0x503, ..host }), 40);
    assert_eq!(m.msr_mtrr_var[..6], var[..6]);
    assert_eq!(m.msr_mtrr_var[6..], [0; 10]);
}
