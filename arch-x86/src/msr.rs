//! Model-specific registers and CPUID: the `x86_64` crate's `Msr` and `Efer`, and `raw-cpuid`'s
//! CPUID instruction; the MSR numbers keep the names of Xen's msr-index.h.

use x86_64::registers::model_specific::{EferFlags, Msr};

/// EFER: long mode, no-execute, and SVM enable.
pub const IA32_EFER: u32 = 0xc000_0080;
/// EFER.LME: long mode enabled.
pub const EFER_LME: u64 = EferFlags::LONG_MODE_ENABLE.bits();
/// EFER.LMA: long mode active (set by the CPU when paging turns on with LME).
pub const EFER_LMA: u64 = EferFlags::LONG_MODE_ACTIVE.bits();
/// EFER.NXE: the no-execute bit of page-table entries is honoured.
pub const EFER_NXE: u64 = EferFlags::NO_EXECUTE_ENABLE.bits();
/// EFER.SVME: SVM instructions enabled.
pub const EFER_SVME: u64 = EferFlags::SECURE_VIRTUAL_MACHINE_ENABLE.bits();
/// EFER bits a guest may set (SCE, LME, NXE, LMSLE, FFXSR, TCE); LMA is the CPU's.
pub const EFER_GUEST_BITS: u64 = EferFlags::SYSTEM_CALL_EXTENSIONS.bits()
    | EFER_LME
    | EFER_NXE
    | EferFlags::LONG_MODE_SEGMENT_LIMIT_ENABLE.bits()
    | EferFlags::FAST_FXSAVE_FXRSTOR.bits()
    | EferFlags::TRANSLATION_CACHE_EXTENSION.bits();
/// Where VMRUN saves the host's state (AMD `VM_HSAVE_PA`).
pub const VM_HSAVE_PA: u32 = 0xc001_0117;

/// Reads an MSR.
///
/// # Safety
/// The MSR must exist on this CPU (reading one that does not raises #GP) and reading it must have no
/// side effect the caller does not expect.
pub unsafe fn rdmsr(msr: u32) -> u64 {
    // SAFETY: the caller guarantees the MSR exists and may be read.
    unsafe { Msr::new(msr).read() }
}

/// Writes an MSR.
///
/// # Safety
/// The MSR must exist and take `value`, and the write must not break what other code relies on
/// (EFER's long-mode bits, for instance).
pub unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: the caller guarantees the write is valid.
    unsafe { Msr::new(msr).write(value) }
}

/// The four registers CPUID returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuidResult {
    /// EAX.
    pub eax: u32,
    /// EBX.
    pub ebx: u32,
    /// ECX.
    pub ecx: u32,
    /// EDX.
    pub edx: u32,
}

impl From<raw_cpuid::CpuIdResult> for CpuidResult {
    fn from(r: raw_cpuid::CpuIdResult) -> Self {
        CpuidResult {
            eax: r.eax,
            ebx: r.ebx,
            ecx: r.ecx,
            edx: r.edx,
        }
    }
}

/// Executes CPUID for `leaf` and `subleaf`.
pub fn cpuid(leaf: u32, subleaf: u32) -> CpuidResult {
    raw_cpuid::native_cpuid::cpuid_count(leaf, subleaf).into()
}

/// This CPU's CPUID, decoded by `raw-cpuid`.
pub fn cpu_features() -> raw_cpuid::CpuId<raw_cpuid::CpuIdReaderNative> {
    raw_cpuid::CpuId::new()
}

/// The domain's MSR policy ([`hypercall::msr::MsrPolicy`]) from the CPUID its guests see
/// (Xen's `d->arch.cpu_policy`): the vendor, MTRR, RDTSCP/RDPID, RTM and the physical address
/// width as `crate::hvm::guest_cpuid` passes them through from the host.
pub fn guest_msr_policy(hardware_domain: bool) -> hypercall::msr::MsrPolicy {
    use hypercall::msr::{CpuVendor, MsrPolicy};
    let leaf0 = cpuid(0, 0);
    // "AuthenticAMD" has EBX "Auth"; everything else is handled as Intel (VMX).
    let vendor = if leaf0.ebx == u32::from_le_bytes(*b"Auth") {
        CpuVendor::Amd
    } else {
        CpuVendor::Intel
    };
    let max_extd = cpuid(0x8000_0000, 0).eax;
    let extd = |leaf: u32| {
        if leaf <= max_extd {
            cpuid(leaf, 0)
        } else {
            CpuidResult::default()
        }
    };
    let leaf7 = if leaf0.eax >= 7 {
        cpuid(7, 0)
    } else {
        CpuidResult::default()
    };
    MsrPolicy {
        vendor,
        hardware_domain,
        mtrr: cpuid(1, 0).edx & (1 << 12) != 0,
        tsc_aux: extd(0x8000_0001).edx & (1 << 27) != 0 || leaf7.ecx & (1 << 22) != 0,
        rtm: leaf7.ebx & (1 << 11) != 0,
        maxphysaddr: match extd(0x8000_0008).eax as u8 {
            0 => 36,
            n => n,
        },
        // xen-rs has no table of CPU models' LBR MSRs: LBR is write-discard, as on CPUs with
        // Arch LBR.
        model_specific_lbr: false,
    }
}

/// Puts a vCPU's MSR_TSC_AUX in the hardware, which guests read with RDTSCP and RDPID without
/// an exit (Xen's `wrmsr_tsc_aux` in `svm_ctxt_switch_to` and `vmx_restore_guest_msrs`, and in
/// `guest_wrmsr` for the running vCPU). Nothing on a CPU without RDTSCP or RDPID; the
/// hypervisor itself never reads TSC_AUX.
pub fn load_guest_tsc_aux(value: u64) {
    let has_tsc_aux = cpuid(0x8000_0000, 0).eax >= 0x8000_0001
        && cpuid(0x8000_0001, 0).edx & (1 << 27) != 0
        || cpuid(0, 0).eax >= 7 && cpuid(7, 0).ecx & (1 << 22) != 0;
    if !has_tsc_aux {
        return;
    }
    #[cfg(target_os = "none")]
    // SAFETY: CPUID says TSC_AUX exists; the policy only lets guests put 32-bit values in it,
    // which is all the MSR takes, and nothing in the hypervisor reads it.
    unsafe {
        wrmsr(hypercall::msr::MSR_TSC_AUX, value)
    };
    #[cfg(not(target_os = "none"))]
    let _ = value;
}

/// The host MSRs the policy forwards, read only where the architecture guarantees them for the
/// vendor: there is no `rdmsr_safe` (no exception fixup in the hypervisor yet), so anything
/// else answers `None`, Xen's answer when `rdmsr_safe` faults.
pub struct ArchitecturalHostMsrs(pub hypercall::msr::CpuVendor);

impl hypercall::msr::HostMsrs for ArchitecturalHostMsrs {
    fn rdmsr_safe(&self, msr: u32) -> Option<u64> {
        use hypercall::msr::{
            CpuVendor, MSR_AMD_PATCHLEVEL, MSR_IA32_MISC_ENABLE, MSR_K8_SYSCFG, MSR_K8_TOP_MEM1,
            MSR_K8_TOP_MEM2,
        };
        let present = matches!(
            (self.0, msr),
            (_, MSR_AMD_PATCHLEVEL)
                | (CpuVendor::Intel, MSR_IA32_MISC_ENABLE)
                | (
                    CpuVendor::Amd,
                    MSR_K8_SYSCFG | MSR_K8_TOP_MEM1 | MSR_K8_TOP_MEM2
                )
        );
        if !present {
            return None;
        }
        #[cfg(target_os = "none")]
        // SAFETY: the MSR is architectural for this vendor (IA32_BIOS_SIGN_ID / PATCH_LEVEL on
        // both; MISC_ENABLE on every Intel 64 CPU; SYSCFG, TOP_MEM and TOP_MEM2 on every AMD64
        // CPU), and reading it has no side effect.
        return Some(unsafe { rdmsr(msr) });
        #[cfg(not(target_os = "none"))]
        None
    }
}

/// The host's MTRRs as Xen's `get_mtrr_state` reads them at boot, `None` without MTRRs.
#[cfg(target_os = "none")]
pub fn host_mtrrs() -> Option<hypercall::msr::HostMtrrs> {
    if cpuid(1, 0).edx & (1 << 12) == 0 {
        return None;
    }
    Some(hypercall::msr::HostMtrrs::read(|msr| {
        // SAFETY: CPUID.1:EDX.MTRR says MTRRcap, MTRRdefType and the variable ranges exist,
        // and `HostMtrrs::read` asks for fixed ranges only when MTRRcap.FIX says they exist
        // and for no more variable ranges than MTRRcap.VCNT; reading them has no side effect.
        unsafe { rdmsr(msr) }
    }))
}
