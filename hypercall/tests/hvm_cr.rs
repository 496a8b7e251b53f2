//! What an HVM guest may write to CR4 (Xen 4.17 xen/arch/x86/hvm/hvm.c
//! `hvm_cr4_guest_valid_bits`, `hvm_set_cr4`).

use hypercall::hvm_cr::{cr4, *};

/// Leaf 1 EDX and ECX, leaf 7 EBX/ECX/EDX bits by name.
const EDX1_VME: u32 = 1 << 1;
const EDX1_DE: u32 = 1 << 2;
const EDX1_PSE: u32 = 1 << 3;
const EDX1_TSC: u32 = 1 << 4;
const EDX1_PAE: u32 = 1 << 6;
const EDX1_MCE: u32 = 1 << 7;
const EDX1_PGE: u32 = 1 << 13;
const EDX1_MCA: u32 = 1 << 14;
const EDX1_FXSR: u32 = 1 << 24;
const EDX1_SSE: u32 = 1 << 25;
const ECX1_VMX: u32 = 1 << 5;
const ECX1_PCID: u32 = 1 << 17;
const ECX1_XSAVE: u32 = 1 << 26;
const EBX7_FSGSBASE: u32 = 1 << 0;
const EBX7_SMEP: u32 = 1 << 7;
const EBX7_SMAP: u32 = 1 << 20;
const ECX7_UMIP: u32 = 1 << 2;
const ECX7_PKU: u32 = 1 << 3;
const ECX7_CET_SS: u32 = 1 << 7;
const EDX7_CET_IBT: u32 = 1 << 20;

/// CR4's bits where the SDM (vol. 3, 2.5) and Xen's x86-defns.h put them.
#[test]
fn cr4_bits_are_the_architectures() {
    let bits = [
        (cr4::VME, 0x1),
        (cr4::PVI, 0x2),
        (cr4::TSD, 0x4),
        (cr4::DE, 0x8),
        (cr4::PSE, 0x10),
        (cr4::PAE, 0x20),
        (cr4::MCE, 0x40),
        (cr4::PGE, 0x80),
        (cr4::PCE, 0x100),
        (cr4::OSFXSR, 0x200),
        (cr4::OSXMMEXCPT, 0x400),
        (cr4::UMIP, 0x800),
        (cr4::VMXE, 0x2000),
        (cr4::FSGSBASE, 0x1_0000),
        (cr4::PCIDE, 0x2_0000),
        (cr4::OSXSAVE, 0x4_0000),
        (cr4::SMEP, 0x10_0000),
        (cr4::SMAP, 0x20_0000),
        (cr4::PKE, 0x40_0000),
        (cr4::CET, 0x80_0000),
        (CR0_WP, 0x1_0000),
    ];
    for (i, (bit, value)) in bits.into_iter().enumerate() {
        assert_eq!(bit, value, "entry {i}");
    }
}

#[test]
fn each_feature_offers_its_cr4_bits_and_vmxe_is_never_offered() {
    // hvm_cr4_guest_valid_bits, one feature at a time: PCE alone without any.
    let none = Cr4Features::default();
    assert_eq!(cr4_guest_valid_bits(&none), cr4::PCE);
    let cases: [(Cr4Features, u64); 18] = [
        (
            Cr4Features {
                leaf1_edx: EDX1_VME,
                ..none
            },
            cr4::VME | cr4::PVI,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_TSC,
                ..none
            },
            cr4::TSD,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_DE,
                ..none
            },
            cr4::DE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_PSE,
                ..none
            },
            cr4::PSE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_PAE,
                ..none
            },
            cr4::PAE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_MCE,
                ..none
            },
            cr4::MCE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_MCA,
                ..none
            },
            cr4::MCE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_PGE,
                ..none
            },
            cr4::PGE,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_FXSR,
                ..none
            },
            cr4::OSFXSR,
        ),
        (
            Cr4Features {
                leaf1_edx: EDX1_SSE,
                ..none
            },
            cr4::OSXMMEXCPT,
        ),
        (
            Cr4Features {
                leaf7_ecx: ECX7_UMIP,
                ..none
            },
            cr4::UMIP,
        ),
        (
            Cr4Features {
                leaf7_ebx: EBX7_FSGSBASE,
                ..none
            },
            cr4::FSGSBASE,
        ),
        (
            Cr4Features {
                leaf1_ecx: ECX1_PCID,
                ..none
            },
            cr4::PCIDE,
        ),
        (
            Cr4Features {
                leaf1_ecx: ECX1_XSAVE,
                ..none
            },
            cr4::OSXSAVE,
        ),
        (
            Cr4Features {
                leaf7_ebx: EBX7_SMEP,
                ..none
            },
            cr4::SMEP,
        ),
        (
            Cr4Features {
                leaf7_ebx: EBX7_SMAP,
                ..none
            },
            cr4::SMAP,
        ),
        (
            Cr4Features {
                leaf7_ecx: ECX7_PKU,
                ..none
            },
            cr4::PKE,
        ),
        (
            Cr4Features {
                leaf7_ecx: ECX7_CET_SS,
                ..none
            },
            cr4::CET,
        ),
    ];
    for (f, bits) in cases {
        assert_eq!(cr4_guest_valid_bits(&f), bits | cr4::PCE, "{f:?}");
    }
    let ibt = Cr4Features {
        leaf7_edx: EDX7_CET_IBT,
        ..none
    };
    assert_eq!(cr4_guest_valid_bits(&ibt), cr4::CET | cr4::PCE);
    // VMXE needs nested virtualisation, which xen-rs does not offer: never valid, even with
    // the VMX bit in the guest's CPUID.
    let all = Cr4Features {
        leaf1_ecx: u32::MAX,
        leaf1_edx: u32::MAX,
        leaf7_ebx: u32::MAX,
        leaf7_ecx: u32::MAX,
        leaf7_edx: u32::MAX,
    };
    assert_eq!(cr4_guest_valid_bits(&all) & cr4::VMXE, 0);
    let vmx = Cr4Features {
        leaf1_ecx: ECX1_VMX,
        ..none
    };
    assert_eq!(cr4_guest_valid_bits(&vmx), cr4::PCE);
    // Bits no feature names (12, 14, 15, 19, 24 and up) are never valid.
    for bit in [12, 14, 15, 19, 24, 25, 31, 63] {
        assert_eq!(cr4_guest_valid_bits(&all) & (1 << bit), 0, "bit {bit}");
    }
}

fn long_mode_ctx(valid: u64) -> Cr4Context {
    Cr4Context {
        valid,
        old: cr4::PAE,
        long_mode: true,
        cr0: CR0_WP,
        cr3: 0x1000,
    }
}

#[test]
fn hvm_set_cr4_refuses_reserved_bits_and_unsafe_transitions() {
    let valid = cr4::PAE | cr4::PGE | cr4::PCIDE | cr4::CET | cr4::PCE;
    let ctx = long_mode_ctx(valid);
    assert!(cr4_write_allowed(&ctx, cr4::PAE | cr4::PGE));
    // "Guest attempts to set reserved bit in CR4".
    assert!(!cr4_write_allowed(&ctx, cr4::PAE | cr4::VMXE));
    assert!(!cr4_write_allowed(&ctx, cr4::PAE | cr4::SMEP));
    // "Guest cleared CR4.PAE while EFER.LMA is set"; outside long mode it may.
    assert!(!cr4_write_allowed(&ctx, cr4::PGE));
    assert!(cr4_write_allowed(
        &Cr4Context {
            long_mode: false,
            ..ctx
        },
        cr4::PGE
    ));
    // CET needs CR0.WP; without CET, WP does not matter.
    assert!(cr4_write_allowed(&ctx, cr4::PAE | cr4::CET));
    let no_wp = Cr4Context { cr0: 0, ..ctx };
    assert!(!cr4_write_allowed(&no_wp, cr4::PAE | cr4::CET));
    assert!(cr4_write_allowed(&no_wp, cr4::PAE | cr4::PGE));
    assert!(cr4_write_allowed(
        &Cr4Context {
            cr0: !CR0_WP,
            ..ctx
        },
        cr4::PAE
    ));
    // PCIDE from 0 to 1 needs long mode and CR3[11:0] = 0; already set, it may stay.
    assert!(cr4_write_allowed(&ctx, cr4::PAE | cr4::PCIDE));
    assert!(!cr4_write_allowed(
        &Cr4Context { cr3: 0x1001, ..ctx },
        cr4::PAE | cr4::PCIDE
    ));
    let legacy = Cr4Context {
        long_mode: false,
        ..ctx
    };
    assert!(!cr4_write_allowed(&legacy, cr4::PAE | cr4::PCIDE));
    let already = Cr4Context {
        old: cr4::PAE | cr4::PCIDE,
        cr3: 0x1001,
        ..ctx
    };
    assert!(cr4_write_allowed(&already, cr4::PAE | cr4::PCIDE));
}

#[test]
fn paging_bit_changes_flush_the_tlb() {
    // hvm_set_cr4: PSE, PAE, PGE or SMEP changing, or PCIDE cleared.
    for bit in [cr4::PSE, cr4::PAE, cr4::PGE, cr4::SMEP] {
        assert!(cr4_write_flushes_tlb(0, bit));
        assert!(cr4_write_flushes_tlb(bit, 0));
    }
    assert!(cr4_write_flushes_tlb(cr4::PCIDE, 0));
    assert!(!cr4_write_flushes_tlb(0, cr4::PCIDE));
    assert!(!cr4_write_flushes_tlb(
        cr4::PAE,
        cr4::PAE | cr4::OSFXSR | cr4::TSD
    ));
}
