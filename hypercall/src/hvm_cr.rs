//! What an HVM guest may write to CR4, after xen/arch/x86/hvm/hvm.c `hvm_cr4_guest_valid_bits`
//! and `hvm_set_cr4`: a bit the guest's CPUID does not offer is reserved, and so is clearing PAE
//! in long mode, setting CET without CR0.WP, or turning PCIDE on outside long mode or with a
//! PCID in CR3. A refused write is #GP(0) and changes nothing. The vendor layer decodes the
//! write (an intercepted MOV to CR4) and applies what these rules accept.

/// CR4's bits (x86-defns.h).
pub mod cr4 {
    pub const VME: u64 = 1 << 0;
    pub const PVI: u64 = 1 << 1;
    pub const TSD: u64 = 1 << 2;
    pub const DE: u64 = 1 << 3;
    pub const PSE: u64 = 1 << 4;
    pub const PAE: u64 = 1 << 5;
    pub const MCE: u64 = 1 << 6;
    pub const PGE: u64 = 1 << 7;
    pub const PCE: u64 = 1 << 8;
    pub const OSFXSR: u64 = 1 << 9;
    pub const OSXMMEXCPT: u64 = 1 << 10;
    pub const UMIP: u64 = 1 << 11;
    pub const VMXE: u64 = 1 << 13;
    pub const FSGSBASE: u64 = 1 << 16;
    pub const PCIDE: u64 = 1 << 17;
    pub const OSXSAVE: u64 = 1 << 18;
    pub const SMEP: u64 = 1 << 20;
    pub const SMAP: u64 = 1 << 21;
    pub const PKE: u64 = 1 << 22;
    pub const CET: u64 = 1 << 23;
}

/// CR0.WP.
pub const CR0_WP: u64 = 1 << 16;

/// The CPUID words the valid bits depend on, as the guest sees them (its policy's leaves 1 and
/// 7.0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cr4Features {
    /// Leaf 1 ECX.
    pub leaf1_ecx: u32,
    /// Leaf 1 EDX.
    pub leaf1_edx: u32,
    /// Leaf 7 subleaf 0 EBX.
    pub leaf7_ebx: u32,
    /// Leaf 7 subleaf 0 ECX.
    pub leaf7_ecx: u32,
    /// Leaf 7 subleaf 0 EDX.
    pub leaf7_edx: u32,
}

/// `hvm_cr4_guest_valid_bits`: the CR4 bits a guest with these features may set. VMXE needs
/// nested virtualisation, which xen-rs does not offer; PCE is always allowed.
pub fn cr4_guest_valid_bits(f: &Cr4Features) -> u64 {
    let has = |word: u32, bit: u32| word & (1 << bit) != 0;
    let edx1 = |bit| has(f.leaf1_edx, bit);
    let ecx1 = |bit| has(f.leaf1_ecx, bit);
    let ebx7 = |bit| has(f.leaf7_ebx, bit);
    let ecx7 = |bit| has(f.leaf7_ecx, bit);
    let edx7 = |bit| has(f.leaf7_edx, bit);
    // Leaf 1 EDX: VME 1, DE 2, PSE 3, TSC 4, PAE 6, MCE 7, PGE 13, MCA 14, FXSR 24, SSE 25.
    // Leaf 1 ECX: PCID 17, XSAVE 26. Leaf 7 EBX: FSGSBASE 0, SMEP 7, SMAP 20. Leaf 7 ECX:
    // UMIP 2, PKU 3, CET_SS 7. Leaf 7 EDX: CET_IBT 20.
    let pick = |yes: bool, bits: u64| if yes { bits } else { 0 };
    pick(edx1(1), cr4::VME | cr4::PVI)
        | pick(edx1(4), cr4::TSD)
        | pick(edx1(2), cr4::DE)
        | pick(edx1(3), cr4::PSE)
        | pick(edx1(6), cr4::PAE)
        | pick(edx1(7) || edx1(14), cr4::MCE)
        | pick(edx1(13), cr4::PGE)
        | cr4::PCE
        | pick(edx1(24), cr4::OSFXSR)
        | pick(edx1(25), cr4::OSXMMEXCPT)
        | pick(ecx7(2), cr4::UMIP)
        | pick(ebx7(0), cr4::FSGSBASE)
        | pick(ecx1(17), cr4::PCIDE)
        | pick(ecx1(26), cr4::OSXSAVE)
        | pick(ebx7(7), cr4::SMEP)
        | pick(ebx7(20), cr4::SMAP)
        | pick(ecx7(3), cr4::PKE)
        | pick(ecx7(7) || edx7(20), cr4::CET)
}

/// The vCPU state a CR4 write is judged against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cr4Context {
    /// [`cr4_guest_valid_bits`] for the domain.
    pub valid: u64,
    /// The guest's CR4 before the write.
    pub old: u64,
    /// EFER.LMA.
    pub long_mode: bool,
    /// The guest's CR0.
    pub cr0: u64,
    /// The guest's CR3.
    pub cr3: u64,
}

/// `hvm_set_cr4`'s checks: whether the guest may write `value` (`false`: #GP(0)).
pub fn cr4_write_allowed(ctx: &Cr4Context, value: u64) -> bool {
    if value & !ctx.valid != 0 {
        return false;
    }
    if value & cr4::PAE == 0 && ctx.long_mode {
        return false;
    }
    if value & cr4::CET != 0 && ctx.cr0 & CR0_WP == 0 {
        return false;
    }
    let pcide_on = value & cr4::PCIDE != 0 && ctx.old & cr4::PCIDE == 0;
    !(pcide_on && (!ctx.long_mode || ctx.cr3 & 0xfff != 0))
}

/// `hvm_set_cr4`'s TLB rule: changing PSE, PAE, PGE or SMEP, or clearing PCIDE, flushes the
/// guest's TLB.
pub fn cr4_write_flushes_tlb(old: u64, value: u64) -> bool {
    (old ^ value) & (cr4::PSE | cr4::PAE | cr4::PGE | cr4::SMEP) != 0
        || (old & cr4::PCIDE != 0 && value & cr4::PCIDE == 0)
}
