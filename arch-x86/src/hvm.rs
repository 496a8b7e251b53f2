//! What an HVM (PVH) vCPU's exits mean, independent of SVM or VMX where possible (Xen's
//! xen/arch/x86/hvm/: hvm.c, hypercall.c, and the CPUID leaves of xen/arch/x86/cpuid.c):
//! Xen's CPUID leaves, the hypercall page, decoding hypercall arguments.

use crate::msr::CpuidResult;
use xen_public::arch_x86::cpuid::*;

/// The MSR a guest writes a page's guest-physical address to, to get the hypercall page
/// (advertised in leaf base+2 EBX).
pub const HYPERCALL_MSR: u32 = 0x4000_0000;

/// Xen's hypervisor leaves (xen/arch/x86/traps.c `cpuid_hypervisor_leaves`), or `None` for a
/// leaf outside 0x4000_0000..=0x4000_00ff. `domid` and `vcpu_id` go in leaf 4.
pub fn xen_cpuid_leaf(
    leaf: u32,
    version: (u16, u16),
    domid: u16,
    vcpu_id: u32,
) -> Option<CpuidResult> {
    let idx = leaf.checked_sub(XEN_CPUID_FIRST_LEAF)?;
    if idx > 0xff {
        return None;
    }
    let r = match idx {
        0 => CpuidResult {
            eax: XEN_CPUID_FIRST_LEAF + XEN_CPUID_MAX_NUM_LEAVES,
            ebx: XEN_CPUID_SIGNATURE_EBX,
            ecx: XEN_CPUID_SIGNATURE_ECX,
            edx: XEN_CPUID_SIGNATURE_EDX,
        },
        1 => CpuidResult {
            eax: (u32::from(version.0) << 16) | u32::from(version.1),
            ..Default::default()
        },
        // One hypercall page, installed through HYPERCALL_MSR.
        2 => CpuidResult {
            eax: 1,
            ebx: HYPERCALL_MSR,
            ..Default::default()
        },
        // HVM-specific: which ids are reported, and the ids.
        4 => CpuidResult {
            eax: XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT,
            ebx: vcpu_id,
            ecx: u32::from(domid),
            edx: 0,
        },
        // Time (3) and PV-specific (5) leaves report nothing yet; leaves past the last are zero.
        _ => CpuidResult::default(),
    };
    Some(r)
}

/// What a vCPU's CPUID answers depend on beyond the host's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestCpuidView {
    /// The guest's CR4.OSXSAVE, which CPUID.1:ECX.OSXSAVE mirrors.
    pub cr4_osxsave: bool,
    /// The XSAVE states the hypervisor switches for guests (xstate.rs); 0 hides XSAVE.
    pub xfeature_mask: u64,
}

/// The host's CPUID as a guest sees it (Xen's `guest_cpuid` over the HVM policy): the hypervisor
/// bit set; the virtualisation extensions the guest cannot use hidden (SVM, VMX, and SVM's own
/// leaf); OSXSAVE as the guest's own CR4 says; XSAVE offering only the states the hypervisor
/// switches, without XSAVES (no IA32_XSS for guests); no protection keys (PKRU is not
/// switched); and no MONITOR/MWAIT (nor AMD's MONITORX), its leaf 5 and the thermal and power
/// leaf 6 empty (cpu-policy.c `recalculate_misc`: "MONITOR not exposed to guests").
pub fn guest_cpuid(
    leaf: u32,
    subleaf: u32,
    host: CpuidResult,
    view: GuestCpuidView,
) -> CpuidResult {
    const ECX1_MONITOR: u32 = 1 << 3;
    const ECX1_VMX: u32 = 1 << 5;
    const ECX1_XSAVE: u32 = 1 << 26;
    const ECX1_OSXSAVE: u32 = 1 << 27;
    const ECX1_AVX: u32 = 1 << 28;
    const ECX7_PKU: u32 = 1 << 3;
    const ECX7_OSPKE: u32 = 1 << 4;
    const EAX_D1_XSAVES: u32 = 1 << 3;
    let mut r = host;
    match (leaf, subleaf) {
        (1, _) => {
            r.ecx |= 1 << 31; // hypervisor present
            r.ecx &= !(ECX1_MONITOR | ECX1_VMX | ECX1_OSXSAVE);
            if view.xfeature_mask == 0 {
                r.ecx &= !(ECX1_XSAVE | ECX1_AVX);
            } else if view.cr4_osxsave {
                r.ecx |= ECX1_OSXSAVE;
            }
        }
        (5 | 6, _) => r = CpuidResult::default(),
        (7, 0) => r.ecx &= !(ECX7_PKU | ECX7_OSPKE),
        (0xd, _) if view.xfeature_mask == 0 => r = CpuidResult::default(),
        (0xd, 0) => {
            r.eax &= view.xfeature_mask as u32;
            r.edx &= (view.xfeature_mask >> 32) as u32;
        }
        (0xd, 1) => {
            r.eax &= !EAX_D1_XSAVES;
            r.ebx = 0;
            r.ecx = 0;
            r.edx = 0;
        }
        // A state component's size and offset, for the states offered only.
        (0xd, n) if n < 64 && view.xfeature_mask & (1 << n) == 0 => r = CpuidResult::default(),
        (0x8000_0001, _) => r.ecx &= !(1 << 2 | 1 << 29), // SVM, MONITORX
        (0x8000_000a, _) => r = CpuidResult::default(),
        _ => {}
    }
    r
}

/// The hypercall page (Xen's `svm_init_hypercall_page` / `vmx_init_hypercall_page`): every
/// 32-byte slot is `mov $nr, %eax; <insn>; ret` with `insn` `vmmcall` (SVM) or `vmcall` (VMX),
/// except `iret`'s (`ud2`), the rest of the page int3.
pub fn hypercall_page(insn: [u8; 3]) -> [u8; 4096] {
    let mut page = [0xcc_u8; 4096];
    for nr in 0..4096 / 32 {
        let slot = &mut page[nr * 32..nr * 32 + 32];
        if nr as u32 == xen_public::xen::__HYPERVISOR_iret {
            slot[..2].copy_from_slice(&[0x0f, 0x0b]);
            continue;
        }
        slot[0] = 0xb8;
        slot[1..5].copy_from_slice(&(nr as u32).to_le_bytes());
        slot[5..8].copy_from_slice(&insn);
        slot[8] = 0xc3;
    }
    page
}

/// The registers a hypercall reads, whatever the mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HypercallRegs {
    /// RAX.
    pub rax: u64,
    /// RBX.
    pub rbx: u64,
    /// RCX.
    pub rcx: u64,
    /// RDX.
    pub rdx: u64,
    /// RSI.
    pub rsi: u64,
    /// RDI.
    pub rdi: u64,
    /// R8.
    pub r8: u64,
    /// R10.
    pub r10: u64,
}

/// The hypercall number and five arguments (xen/arch/x86/hvm/hypercall.c `hvm_hypercall`): in
/// 64-bit mode RDI, RSI, RDX, R10, R8; in 32-bit mode EBX, ECX, EDX, ESI, EDI, zero-extended.
pub fn hypercall_args(regs: &HypercallRegs, long_mode: bool) -> (u64, [u64; 5]) {
    if long_mode {
        (regs.rax, [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8])
    } else {
        let low = |v: u64| v & 0xffff_ffff;
        (
            low(regs.rax),
            [
                low(regs.rbx),
                low(regs.rcx),
                low(regs.rdx),
                low(regs.rsi),
                low(regs.rdi),
            ],
        )
    }
}

/// Puts a continuation's arguments back where `hypercall_args` read them.
pub fn set_hypercall_args(regs: &mut HypercallRegs, long_mode: bool, args: [u64; 5]) {
    if long_mode {
        [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8] = args;
    } else {
        [regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi] = args.map(|a| a & 0xffff_ffff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_leaf_says_xenvmmxenvmm() {
        let r = xen_cpuid_leaf(0x4000_0000, (4, 17), 0, 0).unwrap();
        let mut sig = [0u8; 12];
        sig[..4].copy_from_slice(&r.ebx.to_le_bytes());
        sig[4..8].copy_from_slice(&r.ecx.to_le_bytes());
        sig[8..].copy_from_slice(&r.edx.to_le_bytes());
        assert_eq!(&sig, b"XenVMMXenVMM");
        assert_eq!(r.eax, 0x4000_0005);
        assert_eq!(
            xen_cpuid_leaf(0x4000_0001, (4, 17), 0, 0).unwrap().eax,
            0x0004_0011
        );
        let l2 = xen_cpuid_leaf(0x4000_0002, (4, 17), 0, 0).unwrap();
        assert_eq!((l2.eax, l2.ebx), (1, 0x4000_0000));
        let l4 = xen_cpuid_leaf(0x4000_0004, (4, 17), 7, 0).unwrap();
        assert_eq!(l4.ecx, 7);
        assert!(xen_cpuid_leaf(0x4000_0100, (4, 17), 0, 0).is_none());
        assert!(xen_cpuid_leaf(0x3fff_ffff, (4, 17), 0, 0).is_none());
    }

    #[test]
    fn guests_see_a_hypervisor_and_no_svm() {
        let all = CpuidResult {
            eax: !0,
            ebx: !0,
            ecx: !0,
            edx: !0,
        };
        let view = GuestCpuidView {
            cr4_osxsave: false,
            xfeature_mask: 0x7,
        };
        let none = CpuidResult::default();
        assert_eq!(guest_cpuid(1, 0, none, view).ecx, 1 << 31);
        assert_eq!(guest_cpuid(1, 0, all, view).ecx & (1 << 5), 0);
        assert_eq!(guest_cpuid(0x8000_0001, 0, all, view).ecx & (1 << 2), 0);
        assert_eq!(guest_cpuid(0x8000_000a, 0, all, view), none);
        assert_eq!(guest_cpuid(2, 0, all, view), all);
        // recalculate_misc: no MONITOR (leaf 1 ECX 3, leaf 5), no MONITORX, no leaf 6.
        assert_eq!(guest_cpuid(1, 0, all, view).ecx & (1 << 3), 0);
        assert_eq!(guest_cpuid(0x8000_0001, 0, all, view).ecx & (1 << 29), 0);
        assert_eq!(guest_cpuid(5, 0, all, view), none);
        assert_eq!(guest_cpuid(6, 0, all, view), none);
    }

    /// Xen's `guest_cpuid`: OSXSAVE follows the guest's CR4 (not the host's, which has it on);
    /// leaf 0xD offers the states xen-rs switches; no XSAVES, no protection keys; without XSAVE
    /// support in the hypervisor, no XSAVE at all.
    #[test]
    fn guests_see_their_own_osxsave_and_only_switched_xstates() {
        let all = CpuidResult {
            eax: !0,
            ebx: !0,
            ecx: !0,
            edx: !0,
        };
        let mut view = GuestCpuidView {
            cr4_osxsave: false,
            xfeature_mask: 0x7,
        };
        let leaf1 = guest_cpuid(1, 0, all, view);
        assert_eq!(
            leaf1.ecx & (1 << 27),
            0,
            "OSXSAVE off while the guest's CR4 has it off"
        );
        assert_ne!(leaf1.ecx & (1 << 26), 0, "XSAVE offered");
        view.cr4_osxsave = true;
        assert_ne!(guest_cpuid(1, 0, all, view).ecx & (1 << 27), 0);
        let d0 = guest_cpuid(0xd, 0, all, view);
        assert_eq!((d0.eax, d0.edx), (0x7, 0));
        assert_eq!(d0.ecx, !0, "the largest size comes from the CPU");
        assert_eq!(
            guest_cpuid(0xd, 1, all, view).eax & (1 << 3),
            0,
            "no XSAVES"
        );
        assert_eq!(guest_cpuid(0xd, 2, all, view), all, "YMM's size and offset");
        assert_eq!(guest_cpuid(0xd, 5, all, view), CpuidResult::default());
        assert_eq!(
            guest_cpuid(7, 0, all, view).ecx & 0b11000,
            0,
            "no PKU/OSPKE"
        );
        let no_xsave = GuestCpuidView {
            cr4_osxsave: true,
            xfeature_mask: 0,
        };
        assert_eq!(guest_cpuid(1, 0, all, no_xsave).ecx & (0b111 << 26), 0);
        assert_eq!(guest_cpuid(0xd, 0, all, no_xsave), CpuidResult::default());
    }

    #[test]
    fn hypercall_page_slots_call_vmmcall_or_vmcall_with_their_number() {
        let page = hypercall_page([0x0f, 0x01, 0xd9]);
        // Slot 18 (console_io): b8 12 00 00 00 0f 01 d9 c3, then int3 padding.
        assert_eq!(
            &page[18 * 32..18 * 32 + 10],
            &[0xb8, 18, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3, 0xcc]
        );
        assert_eq!(
            &page[23 * 32..23 * 32 + 3],
            &[0x0f, 0x0b, 0xcc],
            "iret is ud2"
        );
        // VMX: vmcall (0f 01 c1), Xen's vmx_init_hypercall_page.
        let page = hypercall_page([0x0f, 0x01, 0xc1]);
        assert_eq!(&page[18 * 32 + 5..18 * 32 + 8], &[0x0f, 0x01, 0xc1]);
    }

    #[test]
    fn arguments_come_from_the_mode_s_registers() {
        let regs = HypercallRegs {
            rax: 0x1_0000_0012,
            rbx: 1,
            rcx: 2,
            rdx: 3,
            rsi: 4,
            rdi: 5,
            r8: 6,
            r10: 7,
        };
        assert_eq!(
            hypercall_args(&regs, true),
            (0x1_0000_0012, [5, 4, 3, 7, 6])
        );
        assert_eq!(hypercall_args(&regs, false), (0x12, [1, 2, 3, 4, 5]));
        let mut r = regs;
        set_hypercall_args(&mut r, false, [9, 8, 7, 6, 0x1_0000_0005]);
        assert_eq!((r.rbx, r.rdi, r.r10), (9, 5, 7));
    }
}
