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
