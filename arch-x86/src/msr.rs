//! Model-specific registers.

use core::arch::asm;

/// EFER: long mode, no-execute, and SVM enable.
pub const IA32_EFER: u32 = 0xc000_0080;
/// EFER.NXE: the no-execute bit of page-table entries is honoured.
pub const EFER_NXE: u64 = 1 << 11;
/// EFER.SVME: SVM instructions enabled.
pub const EFER_SVME: u64 = 1 << 12;
/// Where VMRUN saves the host's state (AMD `VM_HSAVE_PA`).
pub const VM_HSAVE_PA: u32 = 0xc001_0117;

/// Reads an MSR.
///
/// # Safety
/// The MSR must exist on this CPU (reading one that does not raises #GP) and reading it must have no
/// side effect the caller does not expect.
pub unsafe fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: the caller guarantees the MSR exists; rdmsr touches no memory.
    unsafe {
        asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags))
    };
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Writes an MSR.
///
/// # Safety
/// The MSR must exist and take `value`, and the write must not break what other code relies on
/// (EFER's long-mode bits, for instance).
pub unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: the caller guarantees the write is valid; wrmsr touches no memory.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") value as u32, in("edx") (value >> 32) as u32,
             options(nomem, nostack, preserves_flags))
    };
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

/// Executes CPUID for `leaf` and `subleaf`.
pub fn cpuid(leaf: u32, subleaf: u32) -> CpuidResult {
    let (eax, ebx, ecx, edx): (u32, u32, u32, u32);
    // SAFETY: CPUID exists on every x86-64 CPU and only reads identification registers. RBX is
    // reserved by LLVM, so it is saved and restored around the instruction.
    unsafe {
        asm!(
            "mov {tmp:r}, rbx",
            "cpuid",
            "xchg {tmp:r}, rbx",
            tmp = out(reg) ebx,
            inout("eax") leaf => eax,
            inout("ecx") subleaf => ecx,
            out("edx") edx,
            options(nomem, nostack, preserves_flags)
        )
    };
    CpuidResult { eax, ebx, ecx, edx }
}
