//! The vCPUs' extended state: x87, SSE, AVX and the rest of what XSAVE manages (Xen's
//! xen/arch/x86/xstate.c and i387.c).
//!
//! Each vCPU owns a save area and its own XCR0. The state is switched eagerly: before a vCPU
//! enters its guest, [`Xstate::load`] saves the state of the vCPU whose state the CPU holds (with
//! that vCPU's XCR0 still loaded, so every component it enabled is saved) and restores this one's,
//! XCR0 included. The hypervisor itself never touches x87/SSE registers (it is built soft-float), so
//! the guest's state stays in the CPU across exits and only moves when another vCPU runs.
//!
//! A guest's XSETBV is intercepted on both vendors and checked as Xen's `handle_xsetbv` does. The
//! switch does not rely on the intercept, though: it saves the outgoing state under the XCR0 the
//! CPU holds and records that value as the vCPU's (QEMU's TCG, for one, does not honour SVM's
//! XSETBV intercept, and a stale XCR0 would make the next XRSTOR fault in the hypervisor).
//! The record lives in the save area's bytes 464-511, which the architecture leaves to software
//! (XSAVE and FXSAVE never write them).

#[cfg(target_os = "none")]
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// x87 state (XCR0 bit 0).
pub const XSTATE_FP: u64 = 1 << 0;
/// SSE state.
pub const XSTATE_SSE: u64 = 1 << 1;
/// The upper halves of the YMM registers (AVX).
pub const XSTATE_YMM: u64 = 1 << 2;
/// MPX bound registers.
pub const XSTATE_BNDREGS: u64 = 1 << 3;
/// MPX configuration.
pub const XSTATE_BNDCSR: u64 = 1 << 4;
/// AVX-512 opmask registers.
pub const XSTATE_OPMASK: u64 = 1 << 5;
/// AVX-512: the upper halves of ZMM0-15.
pub const XSTATE_ZMM: u64 = 1 << 6;
/// AVX-512: ZMM16-31.
pub const XSTATE_HI_ZMM: u64 = 1 << 7;
/// What a vCPU starts with (Xen's `XSTATE_FP_SSE`, the architectural reset value of XCR0 plus SSE).
pub const XSTATE_FP_SSE: u64 = XSTATE_FP | XSTATE_SSE;

/// The user states xen-rs switches (Xen's `XCNTXT_MASK` without LWP and PKRU, which need more
/// than XSAVE of the area).
pub const XCNTXT_MASK: u64 = XSTATE_FP
    | XSTATE_SSE
    | XSTATE_YMM
    | XSTATE_BNDREGS
    | XSTATE_BNDCSR
    | XSTATE_OPMASK
    | XSTATE_ZMM
    | XSTATE_HI_ZMM;

/// XCR0's index for XSETBV (Xen's `XCR_XFEATURE_ENABLED_MASK`).
pub const XCR_XFEATURE_ENABLED_MASK: u32 = 0;

/// The x87 control word after FINIT (Xen's `FCW_DEFAULT`).
pub const FCW_DEFAULT: u16 = 0x037f;
/// MXCSR at reset: every SIMD exception masked (Xen's `MXCSR_DEFAULT`).
pub const MXCSR_DEFAULT: u32 = 0x1f80;

/// Whether `xcr0` is a combination the CPU accepts (Xen's `valid_xcr0`).
pub fn valid_xcr0(xcr0: u64) -> bool {
    // FP must be unconditionally set.
    if xcr0 & XSTATE_FP == 0 {
        return false;
    }
    // YMM depends on SSE.
    if xcr0 & XSTATE_YMM != 0 && xcr0 & XSTATE_SSE == 0 {
        return false;
    }
    let avx512 = XSTATE_OPMASK | XSTATE_ZMM | XSTATE_HI_ZMM;
    if xcr0 & avx512 != 0 {
        // OPMASK, ZMM and HI_ZMM require YMM, and come together.
        if xcr0 & XSTATE_YMM == 0 || !xcr0 & avx512 != 0 {
            return false;
        }
    }
    // BNDREGS and BNDCSR must be the same.
    (xcr0 & XSTATE_BNDREGS == 0) == (xcr0 & XSTATE_BNDCSR == 0)
}

/// Why a guest's XSETBV is refused; either way the guest gets #GP(0) (Xen's `x86emul_write_xcr`
/// turns every failure of `handle_xsetbv` into #GP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XsetbvError {
    /// Not XCR0 (Xen: -EOPNOTSUPP).
    NotXcr0,
    /// A state the hypervisor does not offer, or a combination `valid_xcr0` refuses (-EINVAL).
    Invalid,
}

/// Xen's `handle_xsetbv` checks: `index` must name XCR0 and `new_bv` stay within `xfeature_mask`
/// (what the host supports and xen-rs switches) and be valid.
pub fn check_xsetbv(index: u32, new_bv: u64, xfeature_mask: u64) -> Result<(), XsetbvError> {
    if index != XCR_XFEATURE_ENABLED_MASK {
        return Err(XsetbvError::NotXcr0);
    }
    if new_bv & !xfeature_mask != 0 || !valid_xcr0(new_bv) {
        return Err(XsetbvError::Invalid);
    }
    Ok(())
}

/// The states the host offers guests (CPUID leaf 0xD's EDX:EAX within [`XCNTXT_MASK`]); 0 until
/// [`init`] ran, and on a CPU without XSAVE.
#[cfg(target_os = "none")]
static XFEATURE_MASK: AtomicU64 = AtomicU64::new(0);
/// The save area's size for every state in the mask (CPUID leaf 0xD's ECX), or 512 for FXSAVE.
#[cfg(target_os = "none")]
static XSAVE_CNTXT_SIZE: AtomicU32 = AtomicU32::new(512);
/// The save area whose state the CPU holds (its physical address), 0 when none does.
#[cfg(target_os = "none")]
static LOADED: AtomicU64 = AtomicU64::new(0);

/// The states guests may enable ([`check_xsetbv`]'s mask).
#[cfg(target_os = "none")]
pub fn xfeature_mask() -> u64 {
    XFEATURE_MASK.load(Ordering::Relaxed)
}

/// Sets up this CPU for guests' extended state (Xen's `xstate_init`): CR0 and CR4 for x87/SSE,
/// and with XSAVE, CR4.OSXSAVE and XCR0. Returns the mask and the save area's size.
#[cfg(target_os = "none")]
pub fn init() -> (u64, u32) {
    use crate::cpu::{read_cr0, read_cr4, write_cr0, write_cr4, CR4_OSXSAVE};
    use x86_64::registers::control::{Cr0Flags, Cr4Flags};
    const CR0_MP: u64 = Cr0Flags::MONITOR_COPROCESSOR.bits();
    const CR0_EM: u64 = Cr0Flags::EMULATE_COPROCESSOR.bits();
    const CR0_TS: u64 = Cr0Flags::TASK_SWITCHED.bits();
    const CR4_OSFXSR: u64 = Cr4Flags::OSFXSR.bits();
    const CR4_OSXMMEXCPT: u64 = Cr4Flags::OSXMMEXCPT_ENABLE.bits();
    let has_xsave = crate::msr::cpuid(0, 0).eax >= 0xd
        && crate::msr::cpu_features()
            .get_feature_info()
            .is_some_and(|f| f.has_xsave());
    let cr0 = (read_cr0() | CR0_MP) & !(CR0_EM | CR0_TS);
    let mut cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if has_xsave {
        cr4 |= CR4_OSXSAVE;
    }
    // SAFETY: MP/EM/TS only change how x87 and SSE instructions trap, OSFXSR/OSXMMEXCPT/OSXSAVE
    // enable FXSAVE, SSE exceptions and XSAVE, which the CPU supports (checked above); the
    // hypervisor's own code uses none of them.
    unsafe {
        write_cr0(cr0);
        write_cr4(cr4);
    }
    if !has_xsave {
        return (0, 512);
    }
    let leaf = crate::msr::cpuid(0xd, 0);
    let mask = ((u64::from(leaf.edx) << 32) | u64::from(leaf.eax)) & XCNTXT_MASK;
    // SAFETY: CR4.OSXSAVE is on, and FP|SSE is valid on every XSAVE CPU.
    unsafe { xsetbv(XSTATE_FP_SSE) };
    XFEATURE_MASK.store(mask, Ordering::Relaxed);
    XSAVE_CNTXT_SIZE.store(leaf.ecx, Ordering::Relaxed);
    (mask, leaf.ecx)
}

/// Writes XCR0.
///
/// # Safety
/// CR4.OSXSAVE must be on and `xcr0` valid for this CPU.
#[cfg(target_os = "none")]
unsafe fn xsetbv(xcr0: u64) {
    // SAFETY: the caller's promise.
    unsafe { x86_64::registers::xcontrol::XCr0::write_raw(xcr0) }
}

/// One vCPU's extended state: its save area (from the hypervisor's heap, 64-byte aligned as
/// XSAVE needs), which also records its XCR0 (Xen's `v->arch.xsave_area` and `v->arch.xcr0`).
pub struct Xstate {
    area: alloc::vec::Vec<u8>,
}

/// The area's alignment for XSAVE.
const ALIGN: usize = 64;
/// Where in the area the vCPU's XCR0 is recorded (the legacy region's software bytes).
const SW_XCR0: usize = 464;

impl Xstate {
    /// A vCPU's state at reset: every component in its initial configuration (an empty XSAVE
    /// header), FCW and MXCSR at their defaults (Xen's `vcpu_init_fpu`), XCR0 = FP|SSE.
    pub fn new() -> Self {
        #[cfg(target_os = "none")]
        let size = XSAVE_CNTXT_SIZE.load(Ordering::Relaxed) as usize;
        #[cfg(not(target_os = "none"))]
        let size = 512;
        // At least the legacy region and the XSAVE header, and room to align.
        let mut area = alloc::vec![0u8; size.max(512 + 64) + ALIGN];
        let start = Self::offset(&area);
        area[start..start + 2].copy_from_slice(&FCW_DEFAULT.to_le_bytes());
        area[start + 24..start + 28].copy_from_slice(&MXCSR_DEFAULT.to_le_bytes());
        area[start + SW_XCR0..start + SW_XCR0 + 8].copy_from_slice(&XSTATE_FP_SSE.to_le_bytes());
        Xstate { area }
    }

    /// Where the 64-byte aligned area starts in the buffer.
    fn offset(area: &[u8]) -> usize {
        area.as_ptr().align_offset(ALIGN)
    }

    /// The vCPU's XCR0.
    pub fn xcr0(&self) -> u64 {
        let at = Self::offset(&self.area) + SW_XCR0;
        u64::from_le_bytes(self.area[at..at + 8].try_into().unwrap_or_default())
    }

    /// A guest's XSETBV (Xen's `hvm_handle_xsetbv`): checked, then in force at once (this vCPU's
    /// state is the loaded one while its guest runs).
    #[cfg(target_os = "none")]
    pub fn handle_xsetbv(&mut self, index: u32, new_bv: u64) -> Result<(), XsetbvError> {
        check_xsetbv(index, new_bv, xfeature_mask())?;
        // SAFETY: checked against what the CPU offers; CR4.OSXSAVE is on (a mask is only set
        // when `init` turned it on).
        unsafe { xsetbv(new_bv) };
        let at = Self::offset(&self.area) + SW_XCR0;
        self.area[at..at + 8].copy_from_slice(&new_bv.to_le_bytes());
        Ok(())
    }

    /// Makes this vCPU's state the CPU's, saving the previous owner's first. Called right before
    /// each guest entry; a no-op when this state is already loaded.
    #[cfg(target_os = "none")]
    pub fn load(&mut self) {
        let start = Self::offset(&self.area);
        let mine = self.area[start..].as_mut_ptr() as u64;
        let previous = LOADED.swap(mine, Ordering::Relaxed);
        if previous == mine {
            return;
        }
        let xsave = xfeature_mask() != 0;
        let xcr0 = self.xcr0();
        // SAFETY: `previous` is the aligned area of a live Xstate (a dropped one clears LOADED,
        // and there is one CPU), as large as the CPU's XSAVE size for every state it supports;
        // saving under the XCR0 the CPU holds saves every component the owner enabled, and that
        // XCR0 is recorded in the area's software bytes, which XSAVE leaves alone. Then this area
        // (aligned, large enough, its header written only by XSAVE or zeroed) is restored under
        // the XCR0 recorded with it, so no state it holds is outside XCR0.
        unsafe {
            if previous != 0 {
                if xsave {
                    let held = x86_64::registers::xcontrol::XCr0::read_raw();
                    core::ptr::write_unaligned((previous as usize + SW_XCR0) as *mut u64, held);
                    core::arch::asm!("xsave64 [{}]", in(reg) previous, in("eax") u32::MAX,
                        in("edx") u32::MAX, options(nostack));
                } else {
                    core::arch::asm!("fxsave64 [{}]", in(reg) previous, options(nostack));
                }
            }
            if xsave {
                xsetbv(xcr0);
                core::arch::asm!("xrstor64 [{}]", in(reg) mine, in("eax") u32::MAX,
                    in("edx") u32::MAX, options(nostack));
            } else {
                core::arch::asm!("fxrstor64 [{}]", in(reg) mine, options(nostack));
            }
        }
    }
}

impl Default for Xstate {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(target_os = "none")]
impl Drop for Xstate {
    fn drop(&mut self) {
        // The CPU still holds this state, but nobody may save into the freed area.
        let start = Self::offset(&self.area);
        let mine = self.area[start..].as_ptr() as u64;
        let _ = LOADED.compare_exchange(mine, 0, Ordering::Relaxed, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Xen's `valid_xcr0` (xen/arch/x86/xstate.c), rule by rule.
    #[test]
    fn valid_xcr0_follows_xen() {
        assert!(valid_xcr0(XSTATE_FP));
        assert!(valid_xcr0(XSTATE_FP_SSE));
        assert!(valid_xcr0(XSTATE_FP_SSE | XSTATE_YMM));
        assert!(!valid_xcr0(XSTATE_SSE), "FP is mandatory");
        assert!(!valid_xcr0(0));
        assert!(!valid_xcr0(XSTATE_FP | XSTATE_YMM), "YMM needs SSE");
        let avx512 = XSTATE_OPMASK | XSTATE_ZMM | XSTATE_HI_ZMM;
        assert!(valid_xcr0(XSTATE_FP_SSE | XSTATE_YMM | avx512));
        assert!(!valid_xcr0(XSTATE_FP_SSE | avx512), "AVX-512 needs YMM");
        assert!(
            !valid_xcr0(XSTATE_FP_SSE | XSTATE_YMM | XSTATE_OPMASK | XSTATE_ZMM),
            "the three AVX-512 states come together"
        );
        assert!(valid_xcr0(XSTATE_FP | XSTATE_BNDREGS | XSTATE_BNDCSR));
        assert!(
            !valid_xcr0(XSTATE_FP | XSTATE_BNDREGS),
            "MPX states come together"
        );
    }

    /// Xen's `handle_xsetbv`: only XCR0, only offered states, only valid combinations.
    #[test]
    fn xsetbv_checks_follow_xen() {
        let offered = XSTATE_FP_SSE | XSTATE_YMM;
        assert_eq!(check_xsetbv(0, XSTATE_FP_SSE | XSTATE_YMM, offered), Ok(()));
        assert_eq!(check_xsetbv(0, XSTATE_FP, offered), Ok(()));
        assert_eq!(
            check_xsetbv(1, XSTATE_FP_SSE, offered),
            Err(XsetbvError::NotXcr0)
        );
        assert_eq!(
            check_xsetbv(0, XSTATE_FP_SSE | XSTATE_BNDREGS | XSTATE_BNDCSR, offered),
            Err(XsetbvError::Invalid),
            "a state the host does not offer"
        );
        assert_eq!(
            check_xsetbv(0, XSTATE_SSE, offered),
            Err(XsetbvError::Invalid)
        );
    }

    #[test]
    fn a_new_vcpu_starts_with_fp_sse_and_default_control_words() {
        let x = Xstate::new();
        assert_eq!(x.xcr0(), XSTATE_FP_SSE);
        let start = Xstate::offset(&x.area);
        assert_eq!((x.area.as_ptr() as usize + start) % ALIGN, 0);
        assert_eq!(&x.area[start..start + 2], &FCW_DEFAULT.to_le_bytes());
        assert_eq!(
            &x.area[start + 24..start + 28],
            &MXCSR_DEFAULT.to_le_bytes()
        );
        assert_eq!(
            &x.area[start + SW_XCR0..start + SW_XCR0 + 8],
            &XSTATE_FP_SSE.to_le_bytes()
        );
        // The XSAVE header (bytes 512..576): XSTATE_BV and XCOMP_BV zero, every state at init.
        assert!(x.area[start + 512..start + 576].iter().all(|&b| b == 0));
    }
}
