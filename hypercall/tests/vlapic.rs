//! The virtual local APIC (Xen 4.17 xen/arch/x86/hvm/vlapic.c, with xen/arch/x86/hvm/vpt.c for
//! its timer and xen/arch/x86/hvm/hvm.c for the TPR check): the model on its own, then through
//! `vlapic::access` on a domain's vCPUs and the hypervisor's timer queue.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{TestDomain, TestHv};
use hypercall::domain::DomainConfig;
use hypercall::time::TimeScale;
use hypercall::timer::{run_timers, TimerId, TimerKind};
use hypercall::vlapic::access::{self, Done, Now};
use hypercall::vlapic::bits::*;
use hypercall::vlapic::*;
use proptest::prelude::*;

/// System time the tests start at.
const T0: u64 = 1_000_000_000;

/// vCPU `id`'s APIC, software-enabled (SPIV vector 0xff, enable bit).
fn enabled(id: u32) -> Vlapic {
    let mut l = Vlapic::new(id);
    let _ = l.reg_write(reg::SPIV, 0x1ff, T0);
    l
}

/// vCPU `id`'s APIC, enabled and in x2APIC mode.
fn x2apic(id: u32) -> Vlapic {
    let mut l = enabled(id);
    let base = l.apic_base() | APIC_BASE_EXTD;
    assert_eq!(l.set_apic_base(base, true), Ok(Effects::default()));
    l
}

fn x2msr(offset: u32) -> u32 {
    MSR_X2APIC_FIRST + (offset >> 4)
}

#[test]
fn reset_state_is_vlapic_reset_and_do_init() {
    // vlapic_reset: enabled at 0xfee00000, BSP on vCPU 0 only; xAPIC ID 2n in bits 31:24.
    let l0 = Vlapic::new(0);
    let l3 = Vlapic::new(3);
    assert_eq!(
        l0.apic_base(),
        0xfee0_0000 | APIC_BASE_ENABLE | APIC_BASE_BSP
    );
    assert_eq!(l3.apic_base(), 0xfee0_0000 | APIC_BASE_ENABLE);
    assert_eq!(l0.reg(reg::ID), 0);
    assert_eq!(l3.reg(reg::ID), 6 << 24);
    assert_eq!(l3.id(), 6);
    // vlapic_do_init: VLAPIC_VERSION (version 0x14, max LVT 5), DFR flat, SPIV 0xff and
    // software-disabled, every LVT masked, TDCR 0 (divide by 2).
    assert_eq!(l3.reg(reg::LVR), 0x0005_0014);
    assert_eq!(l3.reg(reg::LVR) >> 16 & 0xff, VLAPIC_LVT_NUM as u32 - 1);
    assert_eq!(l3.reg(reg::DFR), 0xffff_ffff);
    assert_eq!(l3.reg(reg::SPIV), 0xff);
    assert!(l3.sw_disabled() && !l3.hw_disabled() && !l3.enabled());
    for lvt in reg::LVTS {
        assert_eq!(l3.reg(lvt), LVT_MASKED, "{lvt:#x}");
    }
    assert_eq!(l3.timer_divisor(), 2);
    assert_eq!(l3.timer_deadline(), None);
    assert!(l3.xapic_mode() && !l3.x2apic_mode());
    assert_eq!(l3.base_address(), APIC_DEFAULT_PHYS_BASE);
}

#[test]
fn mmio_reads_fit_one_register_up_to_tdcr() {
    // vlapic_mmio_read: 1, 2 or 4 bytes inside one 32-bit register, offsets to TDCR + 3.
    let l = Vlapic::new(1);
    assert_eq!(l.mmio_read(reg::LVR, 4, T0), 0x0005_0014);
    assert_eq!(l.mmio_read(reg::LVR, 1, T0), 0x14);
    assert_eq!(l.mmio_read(reg::LVR + 2, 1, T0), 0x05);
    assert_eq!(l.mmio_read(reg::LVR + 2, 2, T0), 0x0005);
    assert_eq!(l.mmio_read(reg::ID + 3, 1, T0), 2);
    // Crossing the register, 8 bytes, or past TDCR + 3: 0.
    assert_eq!(l.mmio_read(reg::LVR + 2, 4, T0), 0);
    assert_eq!(l.mmio_read(reg::LVR, 8, T0), 0);
    assert_eq!(l.mmio_read(reg::DFR, 4, T0), 0xffff_ffff);
    assert_eq!(l.mmio_read(reg::TDCR + 3, 1, T0), 0);
    assert_eq!(l.mmio_read(reg::TDCR + 4, 4, T0), 0);
    assert_eq!(l.mmio_read(0xff0, 4, T0), 0);
    assert_eq!(l.mmio_read(u32::MAX, 4, T0), 0);
    // vlapic_read_aligned: a register between the 16-byte slots reads as the slot's.
    assert_eq!(l.mmio_read(reg::LVR + 3, 1, T0), 0);
}

#[test]
fn mmio_writes_merge_partial_accesses_and_drop_the_rest() {
    // vlapic_mmio_write: a partial write is merged into what the register reads.
    let mut l = enabled(0);
    let _ = l.mmio_write(reg::TASKPRI, 1, 0x5a, T0);
    assert_eq!(l.reg(reg::TASKPRI), 0x5a);
    // The byte at +1 lands in bits 15:8, which the TPR rule masks off.
    let _ = l.mmio_write(reg::TASKPRI + 1, 1, 0x77, T0);
    assert_eq!(l.reg(reg::TASKPRI), 0x5a);
    let _ = l.mmio_write(reg::LVT0 + 2, 1, 0x00, T0);
    assert_eq!(l.reg(reg::LVT0), 0, "the mask bit cleared by a byte write");
    let _ = l.mmio_write(reg::LVT0, 2, 0x1234, T0);
    // LINT_MASK keeps the send-pending bit 12 as Xen's does.
    assert_eq!(l.reg(reg::LVT0), 0x1234);
    // Crossing a register, or past TDCR (SELF_IPI is x2APIC only): dropped.
    let before = l.clone();
    let _ = l.mmio_write(reg::TASKPRI + 2, 4, 0xffff_ffff, T0);
    let fx = l.mmio_write(reg::SELF_IPI, 4, 0x40, T0);
    assert_eq!(fx, Effects::default());
    let _ = l.mmio_write(0xfff, 1, 0xff, T0);
    assert_eq!(l, before);
}

#[test]
fn register_write_rules_are_vlapic_reg_write() {
    let mut l = enabled(0);
    // ID is writable in xAPIC mode; LVR, PPR, ISR, TMR, IRR, TMCCT are not.
    let _ = l.reg_write(reg::ID, 0x0700_0000, T0);
    assert_eq!(l.id(), 7);
    for r in [
        reg::LVR,
        reg::PROCPRI,
        reg::ISR,
        reg::TMR,
        reg::IRR,
        reg::TMCCT,
    ] {
        let old = l.reg(r);
        let _ = l.reg_write(r, 0xffff_ffff, T0);
        assert_eq!(l.reg(r), old, "{r:#x}");
    }
    let _ = l.reg_write(reg::TASKPRI, 0x1ff, T0);
    assert_eq!(l.reg(reg::TASKPRI), 0xff);
    let _ = l.reg_write(reg::LDR, 0xffff_ffff, T0);
    assert_eq!(l.reg(reg::LDR), 0xff00_0000);
    let _ = l.reg_write(reg::DFR, 0, T0);
    assert_eq!(l.reg(reg::DFR), 0x0fff_ffff);
    let _ = l.reg_write(reg::ICR2, 0xffff_ffff, T0);
    assert_eq!(l.reg(reg::ICR2), 0xff00_0000);
    // ICR: the delivery-status bit never sticks.
    let _ = l.reg_write(reg::ICR, ICR_BUSY | DEST_SELF | 0x40, T0);
    assert_eq!(l.reg(reg::ICR), DEST_SELF | 0x40);
    // The LVTs keep the bits of vlapic_lvt_mask.
    for (i, lvt) in reg::LVTS.into_iter().enumerate() {
        let _ = l.reg_write(lvt, 0xffff_ffff, T0);
        assert_eq!(l.reg(lvt), LVT_WRITABLE[i], "{lvt:#x}");
    }
    assert_eq!(LVT_WRITABLE[0], 0x7_10ff);
    assert_eq!(LVT_WRITABLE[3], 0x1_f7ff);
    assert_eq!(LVT_WRITABLE[5], 0x1_10ff);
}

#[test]
fn spiv_software_disable_masks_every_lvt_and_enable_asks_for_the_upcall() {
    // vlapic_reg_write, APIC_SPIV: 10 bits kept; clearing the enable bit masks the six LVTs
    // and keeps them masked; setting it reports the re-assertion of a pending upcall.
    let mut l = enabled(0);
    assert!(l.enabled());
    let _ = l.reg_write(reg::LVT0, 0x31, T0);
    let fx = l.reg_write(reg::SPIV, 0xffff_f2ff, T0);
    assert!(!fx.sw_enabled);
    assert_eq!(l.reg(reg::SPIV), 0x2ff);
    assert!(l.sw_disabled());
    assert_eq!(l.reg(reg::LVT0), 0x31 | LVT_MASKED);
    let _ = l.reg_write(reg::LVT1, 0x32, T0);
    assert_eq!(l.reg(reg::LVT1), 0x32 | LVT_MASKED, "masked while disabled");
    let fx = l.reg_write(reg::SPIV, 0x1ff, T0);
    assert!(fx.sw_enabled && l.enabled());
    assert_eq!(
        l.reg(reg::LVT0),
        0x31 | LVT_MASKED,
        "enabling leaves the LVTs masked"
    );
}

#[test]
fn ppr_is_tpr_or_the_class_in_service() {
    // vlapic_get_ppr.
    let mut l = enabled(0);
    assert_eq!(l.ppr(), 0);
    let _ = l.reg_write(reg::TASKPRI, 0x35, T0);
    assert_eq!(l.read_aligned(reg::PROCPRI, T0), 0x35);
    assert!(l.set_irq(0x51, false));
    l.ack_pending_irq(0x51);
    assert_eq!(l.ppr(), 0x50);
    let _ = l.reg_write(reg::TASKPRI, 0x57, T0);
    assert_eq!(l.ppr(), 0x57, "same class: the TPR");
    assert_eq!(l.mmio_read(reg::PROCPRI, 4, T0), 0x57);
}

#[test]
fn irr_to_isr_to_eoi_follows_priority() {
    let mut l = enabled(0);
    // vlapic_set_irq: IRR set once (kick), TMR follows the trigger mode.
    assert!(l.set_irq(0x41, true));
    assert!(!l.set_irq(0x41, false), "already requested: no kick");
    assert!(!l.tmr_test(0x41));
    assert!(l.set_irq(0x61, true));
    assert!(l.tmr_test(0x61));
    assert_eq!(l.mmio_read(reg::IRR + 0x30, 4, T0), 1 << 1);
    assert_eq!(l.mmio_read(reg::IRR + 0x20, 4, T0), 1 << 1);
    // vlapic_has_pending_irq / vlapic_ack_pending_irq: highest first, into ISR.
    assert_eq!(l.has_pending_irq(), Some(0x61));
    l.ack_pending_irq(0x61);
    assert!(l.isr_test(0x61) && !l.irr_test(0x61));
    // 0x41 is of a lower class than 0x61 in service: not deliverable.
    assert_eq!(l.has_pending_irq(), None);
    assert!(l.set_irq(0x62, false));
    assert_eq!(l.has_pending_irq(), None, "same class as in service");
    assert!(l.set_irq(0x71, false));
    assert_eq!(l.has_pending_irq(), Some(0x71));
    l.ack_pending_irq(0x71);
    // vlapic_EOI_set: the highest in service goes; an EOI with nothing in service does nothing.
    let fx = l.reg_write(reg::EOI, 0, T0);
    assert_eq!(fx.eoi, Some(0x71));
    assert_eq!(l.has_pending_irq(), None, "0x62 waits behind 0x61");
    assert_eq!(l.mmio_write(reg::EOI, 4, 0, T0).eoi, Some(0x61));
    assert_eq!(l.has_pending_irq(), Some(0x62));
    l.ack_pending_irq(0x62);
    let _ = l.reg_write(reg::EOI, 0, T0);
    l.ack_pending_irq(0x41);
    let _ = l.reg_write(reg::EOI, 0, T0);
    assert_eq!(l.reg_write(reg::EOI, 0, T0).eoi, None);
    assert_eq!(l.highest_isr(), None);
}

#[test]
fn pending_irq_needs_enabled_apic_and_a_class_above_tpr() {
    // vlapic_has_pending_irq: nothing while disabled; hvm_interrupt_blocked: the TPR's class
    // blocks vectors of its class and below.
    let mut l = Vlapic::new(0);
    assert!(l.set_irq(0x80, false));
    assert_eq!(l.pending_irq(), None, "software-disabled");
    let _ = l.reg_write(reg::SPIV, 0x1ff, T0);
    assert_eq!(l.pending_irq(), Some(0x80));
    let _ = l.reg_write(reg::TASKPRI, 0x80, T0);
    assert_eq!(l.has_pending_irq(), Some(0x80));
    assert_eq!(l.pending_irq(), None);
    let _ = l.reg_write(reg::TASKPRI, 0x7f, T0);
    assert_eq!(l.pending_irq(), Some(0x80));
}

/// `l`'s ESR as a guest reads it, after the write that latches the errors since the last one.
fn esr(l: &mut Vlapic) -> u32 {
    let _ = l.reg_write(reg::ESR, 0xdead, T0);
    l.mmio_read(reg::ESR, 4, T0)
}

#[test]
fn illegal_vectors_latch_esr_and_raise_lvterr() {
    // vlapic_set_irq: below 16 is RECVILL; vlapic_error: once per ESR write, and LVTERR if
    // unmasked. Upstream's ESR: errors show after the next ESR write, which re-arms LVTERR.
    let mut l = enabled(0);
    assert!(!l.set_irq(15, false));
    assert_eq!(l.reg(reg::ESR), 0, "not visible before an ESR write");
    assert_eq!(l.highest_irr(), None, "LVTERR masked");
    let _ = l.reg_write(reg::LVTERR, 0xe3, T0);
    let mut l2 = l.clone();
    // Already pending: no second error interrupt.
    assert!(!l.set_irq(3, false));
    assert_eq!(l.highest_irr(), None);
    assert_eq!(esr(&mut l), ESR_RECVILL);
    assert_eq!(esr(&mut l), 0, "a second write clears it");
    // A fresh error (SENDILL from an ICR with vector < 16) raises LVTERR's vector.
    let fx = l2.reg_write(reg::ICR, 0x0f, T0);
    assert_eq!(fx.ipi, None);
    assert!(fx.kick);
    assert!(l2.irr_test(0xe3));
    assert_eq!(esr(&mut l2), ESR_RECVILL | ESR_SENDILL);
    // After the write, the same error raises LVTERR again.
    l2.ack_pending_irq(0xe3);
    let _ = l2.reg_write(reg::EOI, 0, T0);
    assert!(l2.set_irq(2, false), "LVTERR newly requested");
    assert!(l2.irr_test(0xe3));
    // LVTERR with an illegal vector folds RECVILL in instead of looping.
    let mut l3 = enabled(0);
    let _ = l3.reg_write(reg::LVTERR, 0x05, T0);
    let fx = l3.reg_write(reg::ICR, DM_LOWEST | 0x01, T0);
    assert!(!fx.kick);
    assert_eq!(l3.highest_irr(), None);
    assert_eq!(esr(&mut l3), ESR_SENDILL | ESR_RECVILL);
    // x2APIC: ESR is written with 0 only (guest_wrmsr_x2apic), with the same effect.
    let mut x = x2apic(0);
    assert!(!x.set_irq(1, false));
    assert!(x.wrmsr_x2apic(x2msr(reg::ESR), 0, T0).is_ok());
    assert_eq!(x.rdmsr_x2apic(x2msr(reg::ESR), T0), Ok(ESR_RECVILL.into()));
}

#[test]
fn apic_base_transitions_are_guest_wrmsr_apic_base() {
    let mut l = enabled(1);
    let base = l.apic_base();
    // Reserved bits, EXTD without x2APIC in the policy, and moving the xAPIC window: #GP.
    assert_eq!(l.set_apic_base(base | 1, true), Err(Gp));
    assert_eq!(l.set_apic_base(base | APIC_BASE_EXTD, false), Err(Gp));
    assert_eq!(l.set_apic_base(base + 0x1000, true), Err(Gp));
    // BSP may be set; the same value again changes nothing.
    assert!(l.set_apic_base(base | APIC_BASE_BSP, true).is_ok());
    assert!(l.set_apic_base(base, true).is_ok());
    assert!(l.enabled(), "no reset without an enable transition");
    // xAPIC -> x2APIC: ID 2n and its LDR (set_x2apic_id, x2apic_ldr_from_id).
    assert!(l.set_apic_base(base | APIC_BASE_EXTD, true).is_ok());
    assert!(l.x2apic_mode() && !l.mmio_range(APIC_DEFAULT_PHYS_BASE));
    assert_eq!(l.reg(reg::ID), 2);
    assert_eq!(l.reg(reg::LDR), 1 << 2);
    assert_eq!(x2apic_ldr_from_id(0x23), (0x20 << 12) | (1 << 3));
    // A moved window is fine in x2APIC mode (there is no window).
    assert!(l
        .set_apic_base(APIC_BASE_ENABLE | APIC_BASE_EXTD | 0x1000, true)
        .is_ok());
    // x2APIC -> xAPIC directly: #GP.
    assert_eq!(l.set_apic_base(base, true), Err(Gp));
    // x2APIC -> disabled: allowed; disabled -> x2APIC: #GP; disabled -> xAPIC: reset.
    assert!(l.set_apic_base(0, true).is_ok());
    assert!(l.hw_disabled() && !l.enabled() && !l.mmio_range(APIC_DEFAULT_PHYS_BASE));
    assert_eq!(
        l.set_apic_base(
            APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE | APIC_BASE_EXTD,
            true
        ),
        Err(Gp)
    );
    assert_eq!(
        l.set_apic_base(APIC_BASE_EXTD, true),
        Err(Gp),
        "EXTD while disabled"
    );
    let fx = l.set_apic_base(APIC_DEFAULT_PHYS_BASE | APIC_BASE_ENABLE, true);
    assert!(fx.unwrap().timer, "the reset stops the timer");
    assert!(l.xapic_mode() && l.sw_disabled() && !l.hw_disabled());
    assert_eq!(l.reg(reg::ID), 2 << 24, "vlapic_reset's xAPIC ID");
    assert!(l.mmio_range(APIC_DEFAULT_PHYS_BASE + 0xfff));
    assert!(!l.mmio_range(APIC_DEFAULT_PHYS_BASE + 0x1000));
    assert!(!l.mmio_range(APIC_DEFAULT_PHYS_BASE - 1));
}

#[test]
fn x2apic_reads_are_guest_rdmsr_x2apic() {
    let xl = Vlapic::new(0);
    assert_eq!(
        xl.rdmsr_x2apic(x2msr(reg::LVR), T0),
        Err(Gp),
        "not in x2APIC mode"
    );
    let mut l = x2apic(2);
    assert_eq!(l.rdmsr_x2apic(x2msr(reg::ID), T0), Ok(4));
    assert_eq!(l.rdmsr_x2apic(x2msr(reg::LVR), T0), Ok(0x0005_0014));
    assert_eq!(l.rdmsr_x2apic(x2msr(reg::LDR), T0), Ok(1 << 4));
    assert_eq!(l.rdmsr_x2apic(x2msr(reg::SPIV), T0), Ok(0x1ff));
    assert!(l.set_irq(0x45, false));
    assert_eq!(l.rdmsr_x2apic(0x822, T0), Ok(1 << 5));
    // Not in the readable set: DFR, ICR2, EOI, ARBPRI, SELF_IPI; past 64 registers.
    for r in [reg::DFR, reg::ICR2, reg::EOI, reg::ARBPRI, reg::SELF_IPI] {
        assert_eq!(l.rdmsr_x2apic(x2msr(r), T0), Err(Gp), "{r:#x}");
    }
    assert_eq!(l.rdmsr_x2apic(0x840, T0), Err(Gp));
    assert_eq!(l.rdmsr_x2apic(0x8ff, T0), Err(Gp));
    // ICR is one 64-bit register: ICR2 in the high half.
    let fx = l.wrmsr_x2apic(x2msr(reg::ICR), 0x1234_5678_0000_0050, T0);
    assert_eq!(fx.unwrap().ipi.unwrap().dest, 0x1234_5678);
    assert_eq!(
        l.rdmsr_x2apic(x2msr(reg::ICR), T0),
        Ok(0x1234_5678_0000_0050)
    );
}

#[test]
fn x2apic_writes_are_guest_wrmsr_x2apic() {
    let mut xl = enabled(0);
    assert_eq!(xl.wrmsr_x2apic(x2msr(reg::TASKPRI), 0, T0), Err(Gp));
    let mut l = x2apic(1);
    // Reserved bits are #GP, per register.
    let cases = [
        (reg::TASKPRI, 0xff, 0x100),
        (reg::SPIV, 0x3ff, 0x1000),
        (reg::LVTT, 0x7_10ff, 0x8_0000),
        (reg::LVTTHMR, 0x1_17ff, 0x2000),
        (reg::CMCI, 0x1_17ff, 0x2000),
        (reg::LVT0, 0x1_f7ff, 0x2_0000),
        (reg::LVTERR, 0x1_10ff, 0x100),
        (reg::TDCR, 0xb, 0x4),
        (reg::SELF_IPI, 0xff, 0x100),
    ];
    for (r, ok, bad) in cases {
        assert_eq!(l.wrmsr_x2apic(x2msr(r), bad, T0), Err(Gp), "{r:#x}");
        assert!(l.wrmsr_x2apic(x2msr(r), ok, T0).is_ok(), "{r:#x}");
    }
    assert_eq!(l.reg(reg::TASKPRI), 0xff);
    let _ = l.wrmsr_x2apic(x2msr(reg::TASKPRI), 0, T0);
    assert_eq!(
        l.wrmsr_x2apic(x2msr(reg::ICR), ICR_BUSY.into(), T0),
        Err(Gp)
    );
    assert_eq!(l.wrmsr_x2apic(x2msr(reg::ICR), 0x1_0000, T0), Err(Gp));
    // Read-only or absent in x2APIC mode: ID, LDR, DFR, PPR, ICR2, TMCCT, IRR: #GP.
    for r in [
        reg::ID,
        reg::LDR,
        reg::DFR,
        reg::PROCPRI,
        reg::ICR2,
        reg::TMCCT,
        reg::IRR,
    ] {
        assert_eq!(l.wrmsr_x2apic(x2msr(r), 0, T0), Err(Gp), "{r:#x}");
    }
    assert_eq!(l.wrmsr_x2apic(0x7ff, 0, T0), Err(Gp));
    assert_eq!(l.wrmsr_x2apic(0x900, 0, T0), Err(Gp));
    // EOI and ESR: only 0.
    assert_eq!(l.wrmsr_x2apic(x2msr(reg::EOI), 1, T0), Err(Gp));
    assert_eq!(l.wrmsr_x2apic(x2msr(reg::ESR), 1, T0), Err(Gp));
    assert!(l.wrmsr_x2apic(x2msr(reg::ESR), 0, T0).is_ok());
    assert!(l.set_irq(0x30, false));
    l.ack_pending_irq(0x30);
    assert_eq!(
        l.wrmsr_x2apic(x2msr(reg::EOI), 0, T0).unwrap().eoi,
        Some(0x30)
    );
    // SELF_IPI: a fixed IPI to self with that vector.
    let fx = l.wrmsr_x2apic(x2msr(reg::SELF_IPI), 0x99, T0).unwrap();
    let ipi = fx.ipi.unwrap();
    assert_eq!(ipi.icr_low, DEST_SELF | 0x99);
    assert_eq!(ipi.source, 1);
    assert!(l.match_dest(&ipi) && !Vlapic::new(0).match_dest(&ipi));
}

#[test]
fn destinations_are_vlapic_match_dest() {
    let src = 0;
    let ipi = |icr_low: u32, dest: u32| Ipi {
        icr_low,
        dest,
        source: src,
    };
    let mut a = enabled(1); // xAPIC ID 2
                            // Physical: the ID or the broadcast 0xff.
    assert!(a.match_dest(&ipi(0x30, 2)));
    assert!(!a.match_dest(&ipi(0x30, 3)));
    assert!(a.match_dest(&ipi(0x30, 0xff)));
    // Logical flat: the LDR's bits ANDed.
    let _ = a.reg_write(reg::LDR, 0x0600_0000, T0);
    assert!(a.match_dest(&ipi(DEST_LOGICAL | 0x30, 0x02)));
    assert!(!a.match_dest(&ipi(DEST_LOGICAL | 0x30, 0x01)));
    // Logical cluster: the high nibble compared, the low ANDed.
    let _ = a.reg_write(reg::DFR, 0, T0);
    let _ = a.reg_write(reg::LDR, 0x3200_0000, T0);
    assert!(a.match_dest(&ipi(DEST_LOGICAL | 0x30, 0x36)));
    assert!(!a.match_dest(&ipi(DEST_LOGICAL | 0x30, 0x26)));
    assert!(!a.match_dest(&ipi(DEST_LOGICAL | 0x30, 0x31)));
    // Shorthands.
    assert!(!a.match_dest(&ipi(DEST_SELF | 0x30, 2)));
    assert!(a.match_dest(&ipi(DEST_ALLINC | 0x30, 0)));
    assert!(a.match_dest(&ipi(DEST_ALLBUT | 0x30, 0)));
    assert!(!enabled(0).match_dest(&ipi(DEST_ALLBUT | 0x30, 0)));
    // x2APIC: 32-bit IDs, broadcast 0xffffffff, logical cluster in 31:16.
    let x = x2apic(17); // ID 34, LDR (2 << 16) | (1 << 2)
    assert!(x.match_dest(&ipi(0x30, 34)));
    assert!(!x.match_dest(&ipi(0x30, 0xff)));
    assert!(x.match_dest(&ipi(0x30, 0xffff_ffff)));
    assert!(x.match_dest(&ipi(DEST_LOGICAL | 0x30, (2 << 16) | 0x4)));
    assert!(!x.match_dest(&ipi(DEST_LOGICAL | 0x30, (1 << 16) | 0x4)));
    // The sender decodes the destination from ICR2 (_VLAPIC_ID): bits 31:24 in xAPIC mode.
    let mut s = enabled(0);
    let _ = s.reg_write(reg::ICR2, 0x0200_0000, T0);
    let fx = s.reg_write(reg::ICR, 0x30, T0);
    assert_eq!(fx.ipi, Some(ipi(0x30, 2)));
}

/// Domain 1 with `n` vCPUs, all up, their APICs software-enabled.
fn domain(n: u32) -> (TestHv, Arc<TestDomain>) {
    let hv = TestHv::on_arena(common::HEAP_BASE, 1 << 10).unwrap();
    let d = hv
        .create_domain(
            Some(1),
            DomainConfig {
                max_vcpus: n,
                ..common::pvh_config(false)
            },
        )
        .unwrap();
    d.state().vcpus = n;
    for id in 0..n {
        d.start_vcpu(id);
        let v = &d.vcpu_slots()[id as usize];
        let done = access::mmio_write(&hv.timers, &d, v, reg::SPIV, 4, 0x1ff, T0);
        assert_eq!(done.effects.eoi, None);
        assert!(done.effects.sw_enabled);
    }
    (hv, d)
}

fn irr(d: &TestDomain, id: usize, vec: u8) -> bool {
    d.vcpu_slots()[id].state().vlapic.irr_test(vec)
}

/// vCPU `from` writes `icr_low` with destination `dest` (xAPIC) through the MMIO page.
fn send(hv: &TestHv, d: &TestDomain, from: usize, dest: u32, icr_low: u32) -> Done {
    let v = &d.vcpu_slots()[from];
    let _ = access::mmio_write(&hv.timers, d, v, reg::ICR2, 4, dest << 24, T0);
    access::mmio_write(&hv.timers, d, v, reg::ICR, 4, icr_low, T0)
}

#[test]
fn ipis_reach_the_domains_vcpus_as_vlapic_ipi_sends_them() {
    let (hv, d) = domain(3);
    let v = d.vcpu_slots();
    // Each vCPU's APIC has the ID vlapic_reset gives vCPU n: 2n.
    for (n, vcpu) in v.iter().enumerate() {
        assert_eq!(access::mmio_read(vcpu, reg::ID + 3, 1, T0), 2 * n as u32);
    }
    // Fixed, physical: vCPU 1 has ID 2; it is woken (vcpu_kick).
    v[1].block();
    send(&hv, &d, 0, 2, 0x40);
    assert!(irr(&d, 1, 0x40) && !irr(&d, 0, 0x40) && !irr(&d, 2, 0x40));
    assert!(!v[1].is_blocked());
    // Broadcast and the shorthands.
    send(&hv, &d, 0, 0xff, 0x41);
    assert!((0..3).all(|i| irr(&d, i, 0x41)));
    send(&hv, &d, 1, 0, DEST_ALLBUT | 0x42);
    assert!(irr(&d, 0, 0x42) && !irr(&d, 1, 0x42) && irr(&d, 2, 0x42));
    send(&hv, &d, 2, 0, DEST_SELF | 0x43);
    assert!(!irr(&d, 0, 0x43) && irr(&d, 2, 0x43));
    // A software-disabled target does not accept fixed IPIs (vlapic_accept_irq).
    let _ = access::mmio_write(&hv.timers, &d, &v[2], reg::SPIV, 4, 0xff, T0);
    send(&hv, &d, 0, 0xff, 0x44);
    assert!(irr(&d, 1, 0x44) && !irr(&d, 2, 0x44));
    // Illegal vector: SENDILL on the sender, nothing sent.
    send(&hv, &d, 0, 0xff, 0x0e);
    assert!(!irr(&d, 1, 0x0e));
    assert_eq!(esr(&mut v[0].state().vlapic), ESR_SENDILL);
    // NMI: flagged for injection; SMI and remote read ignored; ExtINT crashes (in Xen).
    send(&hv, &d, 0, 2, DM_NMI);
    assert!(v[1].take_nmi() && !v[0].take_nmi());
    for mode in [DM_SMI, DM_REMRD] {
        let done = send(&hv, &d, 0, 2, mode | 0x50);
        assert!(!done.crash && done.init_sipi.is_none());
        assert_eq!(done.effects.ipi.unwrap().mode(), mode);
    }
    assert!(!irr(&d, 1, 0x50));
    assert!(send(&hv, &d, 0, 2, DM_EXTINT).crash);
    // INIT and STARTUP are handed back (vlapic_init_sipi_action is the wiring step's).
    let done = send(&hv, &d, 0, 2, DM_STARTUP | 0x9a);
    assert_eq!(done.init_sipi.unwrap().icr_low, DM_STARTUP | 0x9a);
}

#[test]
fn lowest_priority_picks_the_lowest_ppr() {
    // vlapic_lowest_prio: among the matching enabled APICs, the lowest PPR.
    let (hv, d) = domain(3);
    let v = d.vcpu_slots();
    let _ = access::mmio_write(&hv.timers, &d, &v[0], reg::TASKPRI, 4, 0x30, T0);
    let _ = access::mmio_write(&hv.timers, &d, &v[1], reg::TASKPRI, 4, 0x20, T0);
    let _ = access::mmio_write(&hv.timers, &d, &v[2], reg::TASKPRI, 4, 0x10, T0);
    send(&hv, &d, 1, 0xff, DM_LOWEST | 0x60);
    assert!(!irr(&d, 0, 0x60) && !irr(&d, 1, 0x60) && irr(&d, 2, 0x60));
    // Equal PPRs: the first from vCPU 1 on, as Xen's round robin starts from vCPU 0.
    let _ = access::mmio_write(&hv.timers, &d, &v[1], reg::TASKPRI, 4, 0x10, T0);
    send(&hv, &d, 0, 0, DM_LOWEST | DEST_ALLBUT | 0x61);
    assert!(irr(&d, 1, 0x61) && !irr(&d, 2, 0x61));
    // Nothing matches: nothing is sent; an illegal vector is SENDILL.
    send(&hv, &d, 0, 9, DM_LOWEST | 0x62);
    assert!((0..3).all(|i| !irr(&d, i, 0x62)));
    send(&hv, &d, 0, 0xff, DM_LOWEST | 0x02);
    assert_eq!(esr(&mut v[0].state().vlapic), ESR_SENDILL);
}

#[test]
fn interrupt_api_for_the_vendor_layer() {
    // The sequence svm_intr_assist / vmx_intr_assist will run: vlapic_has_pending_irq, inject,
    // vlapic_ack_pending_irq, then the guest's EOI (vlapic_EOI_set).
    let (hv, d) = domain(1);
    let v = &d.vcpu_slots()[0];
    assert!(access::mmio_range(v, APIC_DEFAULT_PHYS_BASE + 0x20));
    assert!(!access::mmio_range(v, APIC_DEFAULT_PHYS_BASE + 0x1000));
    assert_eq!(access::mmio_read(v, reg::ID, 4, T0), 0);
    assert_eq!(access::pending_irq(v), None);
    v.block();
    access::set_irq(v, 0xf3, false);
    assert!(!v.is_blocked());
    assert_eq!(access::pending_irq(v), Some(0xf3));
    access::ack_irq(v, 0xf3);
    assert_eq!(access::pending_irq(v), None);
    assert_eq!(access::mmio_read(v, reg::ISR + 0x70, 4, T0), 1 << 19);
    let done = access::mmio_write(&hv.timers, &d, v, reg::EOI, 4, 0, T0);
    assert_eq!(done.effects.eoi, Some(0xf3));
    assert_eq!(access::mmio_read(v, reg::ISR + 0x70, 4, T0), 0);
}

#[test]
fn msr_access_routes_only_the_vlapic_msrs() {
    let (hv, d) = domain(2);
    let v = &d.vcpu_slots()[1];
    let now = Now {
        ns: T0,
        tsc: T0,
        scale: TimeScale::for_frequency(1_000_000_000).unwrap(),
    };
    assert_eq!(access::rdmsr(v, 0x10, T0), None);
    assert!(access::wrmsr(&hv.timers, &d, v, 0x10, 0, true, now).is_none());
    assert_eq!(
        access::rdmsr(v, MSR_APIC_BASE, T0),
        Some(Ok(0xfee0_0000 | APIC_BASE_ENABLE))
    );
    assert_eq!(access::rdmsr(v, 0x802, T0), Some(Err(Gp)));
    let to_x2 = 0xfee0_0000 | APIC_BASE_ENABLE | APIC_BASE_EXTD;
    assert_eq!(
        access::wrmsr(&hv.timers, &d, v, MSR_APIC_BASE, to_x2, false, now),
        Some(Err(Gp))
    );
    assert!(
        access::wrmsr(&hv.timers, &d, v, MSR_APIC_BASE, to_x2, true, now)
            .unwrap()
            .is_ok()
    );
    assert_eq!(access::rdmsr(v, 0x802, T0), Some(Ok(2)));
    // x2APIC fixed IPI to vCPU 0 (ID 0) through the ICR MSR.
    let done = access::wrmsr(&hv.timers, &d, v, 0x830, 0x55, true, now);
    let done = done.unwrap().unwrap();
    assert_eq!((done.crash, done.init_sipi), (false, None));
    assert!(irr(&d, 0, 0x55));
    assert_eq!(access::rdmsr(v, MSR_IA32_TSC_DEADLINE, T0), Some(Ok(0)));
}

// ---- the timer -------------------------------------------------------------------------

#[test]
fn tdcr_decodes_the_divisor() {
    // vlapic_set_tdcr: bits 0, 1 and 3; 0b1011 divides by 1.
    let mut l = enabled(0);
    for (tdcr, div) in [
        (0x0, 2),
        (0x1, 4),
        (0x2, 8),
        (0x3, 16),
        (0x8, 32),
        (0x9, 64),
        (0xa, 128),
        (0xb, 1),
    ] {
        let _ = l.reg_write(reg::TDCR, tdcr | 0xf4, T0);
        assert_eq!(l.reg(reg::TDCR), tdcr);
        assert_eq!(l.timer_divisor(), div, "{tdcr:#x}");
    }
}

#[test]
fn one_shot_counts_down_and_fires_once() {
    let mut l = enabled(0);
    let _ = l.reg_write(reg::TDCR, 0xb, T0); // divide by 1: a count is 10 ns
    let _ = l.reg_write(reg::LVTT, 0x30, T0);
    assert_eq!(l.timer_deadline(), None, "no count yet");
    // vlapic_update_timer with tmict_updated: fires count * 10 ns * divisor from now.
    let fx = l.reg_write(reg::TMICT, 1000, T0);
    assert!(fx.timer);
    assert_eq!(l.timer_deadline(), Some(T0 + 10_000));
    assert_eq!(l.timer_period(), Some(0));
    // vlapic_get_tmcct: what is left.
    assert_eq!(l.read_aligned(reg::TMCCT, T0), 1000);
    assert_eq!(l.read_aligned(reg::TMCCT, T0 + 2_500), 750);
    assert_eq!(l.read_aligned(reg::TMICT, T0 + 2_500), 1000);
    // Not due yet: nothing happens.
    assert_eq!(l.timer_expired(T0 + 9_999), Fired::default());
    let fired = l.timer_expired(T0 + 10_000);
    assert!(fired.fired && fired.kick);
    assert!(l.irr_test(0x30));
    assert_eq!(l.timer_deadline(), None, "one-shot: once");
    assert_eq!(l.read_aligned(reg::TMCCT, T0 + 20_000), 0);
    assert!(!l.timer_expired(T0 + 30_000).fired);
}

#[test]
fn a_new_divisor_rescales_what_is_left() {
    // vlapic_update_timer from a TDCR write: the rest of the count at the new rate.
    let mut l = enabled(0);
    let _ = l.reg_write(reg::LVTT, 0x30, T0);
    let _ = l.reg_write(reg::TMICT, 1000, T0); // divide by 2: 20 us
    assert_eq!(l.timer_deadline(), Some(T0 + 20_000));
    let _ = l.reg_write(reg::TDCR, 0x1, T0 + 5_000); // divide by 4: 15 us left become 30 us
    assert_eq!(l.timer_deadline(), Some(T0 + 35_000));
    assert_eq!(l.read_aligned(reg::TMCCT, T0 + 5_000), 750);
    // Writing TMICT 0 stops it.
    let _ = l.reg_write(reg::TMICT, 0, T0 + 6_000);
    assert_eq!(l.timer_deadline(), None);
    assert_eq!(l.read_aligned(reg::TMCCT, T0 + 6_000), 0);
}

#[test]
fn a_mode_change_keeps_the_count_running() {
    // vlapic_update_timer from an LVTT write: what is left of the count (in the old mode's
    // terms) becomes the new mode's first delta; a periodic timer's count restarts from the
    // time already passed.
    let mut l = enabled(0);
    let _ = l.reg_write(reg::TDCR, 0xb, T0);
    let _ = l.reg_write(reg::LVTT, 0x34, T0);
    let _ = l.reg_write(reg::TMICT, 100_000, T0); // 1 ms one-shot
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_PERIODIC | 0x34, T0 + 400_000);
    // 600 us left, then half of that as the LAPIC offset; period 1 ms.
    assert_eq!(l.timer_deadline(), Some(T0 + 400_000 + 600_000 + 300_000));
    assert_eq!(l.timer_period(), Some(1_000_000));
    assert_eq!(l.read_aligned(reg::TMCCT, T0 + 400_000), 60_000);
    // Back to one-shot 100 us later: 500 us left, no offset.
    let _ = l.reg_write(reg::LVTT, 0x34, T0 + 500_000);
    assert_eq!(l.timer_deadline(), Some(T0 + 1_000_000));
    assert_eq!(l.timer_period(), Some(0));
    // To TSC-deadline: TMICT cleared, the count stops.
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_TSC_DEADLINE | 0x34, T0 + 600_000);
    assert_eq!(l.timer_deadline(), None);
    // A count that ran out: a mode change does not restart it.
    let _ = l.reg_write(reg::LVTT, 0x34, T0);
    let _ = l.reg_write(reg::TMICT, 100, T0);
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_PERIODIC | 0x34, T0 + 5_000);
    assert_eq!(l.timer_deadline(), None);
}

#[test]
fn periodic_rearms_one_period_after_each_tick() {
    let mut l = enabled(0);
    let _ = l.reg_write(reg::TDCR, 0xb, T0);
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_PERIODIC | 0x31, T0);
    let _ = l.reg_write(reg::TMICT, 100_000, T0); // 1 ms
                                                  // create_periodic_time: a LAPIC timer's first tick is half a period later.
    let first = T0 + 1_500_000;
    assert_eq!(l.timer_deadline(), Some(first));
    assert_eq!(l.timer_period(), Some(1_000_000));
    for k in 0..3 {
        assert!(l.timer_expired(first + k * 1_000_000).fired);
        assert!(l.irr_test(0x31));
        l.ack_pending_irq(0x31);
        let _ = l.reg_write(reg::EOI, 0, T0);
        assert_eq!(l.timer_deadline(), Some(first + (k + 1) * 1_000_000));
    }
    // The count restarts each period (vlapic_pt_cb, modulo the initial count).
    assert_eq!(l.read_aligned(reg::TMCCT, first + 2_000_000 + 10), 99_999);
    // Late by 2.5 periods: the missed ticks are skipped, not queued.
    let late = first + 3_000_000 + 2_500_000;
    assert!(l.timer_expired(late).fired);
    assert_eq!(l.timer_deadline(), Some(first + 6_000_000));
    // Periods below 0.1 ms are stretched to it.
    let _ = l.reg_write(reg::TMICT, 10, T0);
    assert_eq!(l.timer_period(), Some(MIN_PERIOD_NS));
}

#[test]
fn masked_or_disabled_timer_requests_nothing() {
    // pt_irq_masked: LVTT masked, or the APIC disabled.
    let mut l = enabled(0);
    let _ = l.reg_write(reg::LVTT, LVT_MASKED | TIMER_MODE_PERIODIC | 0x32, T0);
    let _ = l.reg_write(reg::TMICT, 100_000, T0);
    let d = l.timer_deadline().unwrap();
    assert_eq!(
        l.timer_expired(d),
        Fired {
            kick: false,
            fired: true
        }
    );
    assert!(!l.irr_test(0x32));
    assert!(
        l.timer_deadline().is_some(),
        "a masked periodic timer keeps its schedule"
    );
    // Software-disabling masks LVTT.
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_PERIODIC | 0x32, T0);
    let _ = l.reg_write(reg::SPIV, 0xff, T0);
    let d = l.timer_deadline().unwrap();
    assert!(!l.timer_expired(d).kick);
    assert!(!l.irr_test(0x32));
}

#[test]
fn tsc_deadline_mode_is_vlapic_tdt_msr_set() {
    let scale = TimeScale::for_frequency(2_000_000_000).unwrap(); // 2 GHz: 2 ticks a ns
    let mut l = enabled(0);
    // Outside TSC-deadline mode the MSR reads 0 and writes are ignored.
    let _ = l.set_tdt_msr(5_000, 1_000, scale, T0);
    assert_eq!(l.tdt_msr(), 0);
    assert_eq!(l.timer_deadline(), None);
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_PERIODIC | 0x33, T0);
    let _ = l.reg_write(reg::TMICT, 500, T0);
    // Switching to TSC-deadline clears TMICT (and stops the count); TMICT and TMCCT read 0
    // and TMICT writes are ignored (vlapic_read_aligned, vlapic_reg_write).
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_TSC_DEADLINE | 0x33, T0);
    assert_eq!(l.reg(reg::TMICT), 0);
    assert_eq!(l.timer_deadline(), None);
    let _ = l.reg_write(reg::TMICT, 500, T0);
    assert_eq!(l.reg(reg::TMICT), 0);
    assert_eq!(l.read_aligned(reg::TMCCT, T0), 0);
    // A deadline ahead: armed that far ahead in ns.
    let fx = l.set_tdt_msr(1_000 + 20_000, 1_000, scale, T0);
    assert!(fx.timer);
    assert_eq!(l.tdt_msr(), 21_000);
    assert_eq!(l.timer_deadline(), Some(T0 + 10_000));
    // vlapic_tdt_pt_cb: the MSR reads 0 once it fired.
    assert!(l.timer_expired(T0 + 10_000).kick);
    assert!(l.irr_test(0x33));
    assert_eq!(l.tdt_msr(), 0);
    assert_eq!(l.timer_deadline(), None);
    // A deadline already past fires at once and reads 0; 0 disarms.
    let _ = l.set_tdt_msr(500, 1_000, scale, T0);
    assert_eq!(l.tdt_msr(), 0);
    assert_eq!(l.timer_deadline(), Some(T0));
    let _ = l.set_tdt_msr(0, 1_000, scale, T0);
    assert_eq!(l.timer_deadline(), None);
    // Leaving the mode clears the deadline.
    let _ = l.set_tdt_msr(1_000_000, 1_000, scale, T0);
    let _ = l.reg_write(reg::LVTT, 0x33, T0);
    let _ = l.reg_write(reg::LVTT, TIMER_MODE_TSC_DEADLINE | 0x33, T0);
    assert_eq!(l.tdt_msr(), 0);
    // Hardware-disabled: ignored.
    let _ = l.set_apic_base(0, true);
    let _ = l.set_tdt_msr(1_000_000, 1_000, scale, T0);
    assert_eq!(l.timer_deadline(), None);
}

#[test]
fn the_timer_queue_fires_a_periodic_lapic_timer_repeatedly_and_a_one_shot_once() {
    let (hv, d) = domain(2);
    let v = d.vcpu_slots();
    let id = |vcpu| TimerId {
        domid: 1,
        vcpu,
        kind: TimerKind::Lapic,
    };
    let w = |v, off, val| {
        let _ = access::mmio_write(&hv.timers, &d, v, off, 4, val, T0);
    };
    // vCPU 0: periodic, 1 ms (divide by 1, 100000 counts); vCPU 1: one-shot, 2 ms.
    w(&v[0], reg::TDCR, 0xb);
    w(&v[0], reg::LVTT, TIMER_MODE_PERIODIC | 0xe0);
    w(&v[0], reg::TMICT, 100_000);
    w(&v[1], reg::TDCR, 0xb);
    w(&v[1], reg::LVTT, 0xe1);
    w(&v[1], reg::TMICT, 200_000);
    let first = T0 + 1_500_000;
    assert_eq!(hv.timers.deadline(id(0)), Some(first));
    assert_eq!(hv.timers.deadline(id(1)), Some(T0 + 2_000_000));
    let mut ticks = 0;
    let mut oneshots = 0;
    for k in 0..5 {
        let now = first + k * 1_000_000;
        v[0].block();
        run_timers(&hv, now);
        assert!(!v[0].is_blocked(), "tick {k} kicks");
        if access::pending_irq(&v[0]) == Some(0xe0) {
            ticks += 1;
            access::ack_irq(&v[0], 0xe0);
            let _ = access::mmio_write(&hv.timers, &d, &v[0], reg::EOI, 4, 0, now);
        }
        if access::pending_irq(&v[1]) == Some(0xe1) {
            oneshots += 1;
            access::ack_irq(&v[1], 0xe1);
        }
        assert_eq!(hv.timers.deadline(id(0)), Some(now + 1_000_000), "re-armed");
    }
    assert_eq!((ticks, oneshots), (5, 1));
    assert_eq!(hv.timers.deadline(id(1)), None);
    // Masking the LVTT through the page keeps the schedule and stops the interrupts; TMICT 0
    // takes the timer out of the queue.
    w(&v[0], reg::TMICT, 0);
    assert_eq!(hv.timers.deadline(id(0)), None);
    assert!(hv.timers.is_empty());
}

#[test]
fn guest_writes_never_panic() {
    // Every offset, length and value class, in both modes, through every entry point.
    let vals = [0, 1, 0xff, 0x100, 0x1_0000, 0x7_ffff, 0xffff_ffff];
    for mode in 0..2 {
        let mut l = if mode == 0 { enabled(5) } else { x2apic(5) };
        for offset in (0..0x1010).step_by(1) {
            for len in [0, 1, 2, 3, 4, 8] {
                for &val in &vals {
                    let _ = l.mmio_read(offset, len, T0);
                    let _ = l.mmio_write(offset, len, val, T0);
                }
            }
        }
        for msr in 0x7f0..0x910 {
            for &val in &vals {
                let _ = l.rdmsr_x2apic(msr, u64::MAX);
                let _ = l.wrmsr_x2apic(msr, u64::from(val) | u64::from(val) << 32, u64::MAX);
            }
        }
        let _ = l.set_tdt_msr(u64::MAX, 0, TimeScale::for_frequency(1).unwrap(), u64::MAX);
        let _ = l.timer_expired(u64::MAX);
        let _ = l.reg_write(reg::TMICT, u32::MAX, u64::MAX);
        let _ = l.reg_write(reg::TDCR, 0xa, 0);
        let _ = l.timer_expired(u64::MAX);
        let _ = l.read_aligned(reg::TMCCT, 0);
    }
}

#[derive(Clone, Debug)]
enum Op {
    SetIrq(u8, bool),
    Inject,
    Eoi,
    Tpr(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u8>(), any::<bool>()).prop_map(|(v, l)| Op::SetIrq(v, l)),
        Just(Op::Inject),
        Just(Op::Eoi),
        any::<u8>().prop_map(Op::Tpr),
    ]
}

proptest! {
    /// Against sets of requested and in-service vectors: what the vendor layer is told to inject
    /// is the highest request whose class is above the PPR's (`vlapic_get_ppr`,
    /// `vlapic_has_pending_irq`, `hvm_interrupt_blocked`); injecting moves it to service
    /// (`vlapic_ack_pending_irq`); an EOI ends the highest in service (`vlapic_EOI_set`);
    /// vectors below 16 are never requested (`vlapic_set_irq`).
    #[test]
    fn delivery_follows_the_processor_priority(ops in proptest::collection::vec(op(), 1..64)) {
        let mut l = enabled(0);
        let mut irr = BTreeSet::new();
        let mut isr = BTreeSet::new();
        let mut tpr = 0u32;
        for op in ops {
            match op {
                Op::SetIrq(v, level) => {
                    let kick = l.set_irq(v, level);
                    if v >= 16 {
                        prop_assert_eq!(kick, irr.insert(v));
                        prop_assert_eq!(l.tmr_test(v), level);
                    } else {
                        prop_assert!(!l.irr_test(v));
                    }
                }
                Op::Inject => {
                    if let Some(v) = l.pending_irq() {
                        l.ack_pending_irq(v);
                        irr.remove(&v);
                        isr.insert(v);
                    }
                }
                Op::Eoi => {
                    let top = isr.last().copied();
                    prop_assert_eq!(l.reg_write(reg::EOI, 0, T0).eoi, top);
                    if let Some(v) = top {
                        isr.remove(&v);
                    }
                }
                Op::Tpr(t) => {
                    let _ = l.reg_write(reg::TASKPRI, u32::from(t), T0);
                    tpr = u32::from(t);
                }
            }
            let isrv = u32::from(isr.last().copied().unwrap_or(0));
            let ppr = if tpr & 0xf0 >= isrv & 0xf0 { tpr } else { isrv & 0xf0 };
            prop_assert_eq!(l.ppr(), ppr);
            let expect = irr.last().copied().filter(|&v| u32::from(v) & 0xf0 > ppr & 0xf0);
            prop_assert_eq!(l.pending_irq(), expect);
            prop_assert_eq!(l.highest_irr(), irr.last().copied());
            prop_assert_eq!(l.highest_isr(), isr.last().copied());
        }
    }
}
