//! The virtual local APIC of an HVM/PVH vCPU (Xen 4.17 xen/arch/x86/hvm/vlapic.c, with the
//! register layout of xen/arch/x86/include/asm/apicdef.h and the periodic-timer rules of
//! xen/arch/x86/hvm/vpt.c that the LAPIC timer relies on).
//!
//! [`Vlapic`] is the model: the register page, APIC_BASE, the timer, and the rules by which a
//! guest reads and writes them. It holds no lock, reads no clock and touches no other vCPU: every
//! time it needs is passed in as system time in ns (`NOW()`; a guest's time is system time in
//! xen-rs, so Xen's `hvm_get_guest_time` is the same value), and what a write asks of others (an
//! IPI, a timer to re-queue, an EOI to forward) comes back as [`Effects`]. [`access`] is the glue
//! the vendor layer calls: it takes the vCPU lock, runs the model, keeps the timer queue in step
//! and delivers IPIs to the domain's other vCPUs.
//!
//! # How the vendor layer reaches it (arch-x86: `hvm_exit.rs`, `mmio.rs`, `intr.rs`)
//! - xAPIC MMIO: a nested-page fault (NPF / EPT violation) in the page at
//!   [`Vlapic::base_address`] while [`Vlapic::mmio_range`] holds (Xen's `vlapic_range`: enabled
//!   in APIC_BASE and not in x2APIC mode) is decoded (iced-x86, `arch-x86/src/mmio.rs`) into a
//!   read or a write of 1, 2 or 4 bytes (8 reach the model too, which ignores them as Xen does)
//!   at an offset in the page, then [`access::mmio_read`] / [`access::mmio_write`]
//!   (Xen's `vlapic_mmio_read` / `vlapic_mmio_write`); the p2m keeps no RAM there.
//! - MSRs: RDMSR/WRMSR of MSR_APIC_BASE (0x1b), the x2APIC range 0x800-0x8ff and
//!   MSR_IA32_TSC_DEADLINE (0x6e0) go to [`access::rdmsr`] / [`access::wrmsr`], whose `None`
//!   says "not a vLAPIC MSR" and `Err(Gp)` means inject #GP (Xen's `guest_rdmsr_x2apic`,
//!   `guest_wrmsr_x2apic`, `guest_wrmsr_apic_base`, `vlapic_tdt_msr_set`).
//! - Interrupts, before each VM entry (Xen's `svm_intr_assist` / `vmx_intr_assist`):
//!   [`access::pending_irq`] gives the vector to inject now, if any (`vlapic_has_pending_irq`
//!   with the TPR check of `hvm_interrupt_blocked`); if the guest can take it the vendor injects
//!   it and calls [`access::ack_irq`] (`vlapic_ack_pending_irq`: IRR -> ISR), otherwise it asks
//!   for an interrupt window and tries again at that exit. A guest EOI then clears the ISR bit
//!   and is reported as [`Effects::eoi`].
//! - The event-channel upcall (HVMOP_set_evtchn_upcall_vector), not wired yet (the upcall is
//!   still injected directly, before the vLAPIC's vectors): `hvm_assert_evtchn_irq`
//!   becomes [`access::set_irq`] of the upcall vector (IRR, edge), so it is taken and EOI'd like
//!   any other LAPIC interrupt; [`Effects::sw_enabled`] tells the caller to re-assert a pending
//!   upcall when the guest software-enables its APIC (the SPIV case of `vlapic_reg_write`).
//! - The timer: [`access`] keeps one [`crate::timer::TimerKind::Lapic`] timer per vCPU in the
//!   hypervisor's queue at [`Vlapic::timer_deadline`]; `run_timers` calls [`access::timer_fn`].
//!
//! Locking: a vCPU's `Vlapic` lives in its [`crate::vcpu::VcpuState`], behind the vCPU lock
//! (`vcpu`, level 10). A write is done under that lock and the timer queue (950) is updated inside
//! it; IPIs are delivered after it is released, taking each target's lock in turn (never two vCPU
//! locks at once, as both are level 10). Xen keeps IRR in atomics for posted interrupts; with the
//! lock there is no such race to cover.

pub mod access;

use crate::time::TimeScale;

/// `MSR_APIC_BASE`.
pub const MSR_APIC_BASE: u32 = 0x1b;
/// `MSR_IA32_TSC_DEADLINE`.
pub const MSR_IA32_TSC_DEADLINE: u32 = 0x6e0;
/// `MSR_X2APIC_FIRST`: x2APIC register `offset >> 4` is MSR 0x800 + it.
pub const MSR_X2APIC_FIRST: u32 = 0x800;
/// `MSR_X2APIC_LAST`.
pub const MSR_X2APIC_LAST: u32 = 0x8ff;

/// `APIC_BASE_BSP`: this is the boot processor.
pub const APIC_BASE_BSP: u64 = 1 << 8;
/// `APIC_BASE_EXTD`: x2APIC mode.
pub const APIC_BASE_EXTD: u64 = 1 << 10;
/// `APIC_BASE_ENABLE`: the APIC is enabled ("hardware" enable).
pub const APIC_BASE_ENABLE: u64 = 1 << 11;
/// `APIC_BASE_ADDR_MASK`.
pub const APIC_BASE_ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
/// `APIC_DEFAULT_PHYS_BASE`: where the xAPIC page is (and must stay, `guest_wrmsr_apic_base`).
pub const APIC_DEFAULT_PHYS_BASE: u64 = 0xfee0_0000;

/// `VLAPIC_VERSION`: version 0x14 (an integrated xAPIC), max LVT entry 5, no directed EOI.
pub const VLAPIC_VERSION: u32 = 0x0005_0014;
/// `VLAPIC_LVT_NUM`: LVTT, LVTTHMR, LVTPC, LVT0, LVT1, LVTERR.
pub const VLAPIC_LVT_NUM: usize = 6;
/// `APIC_BUS_CYCLE_NS`: the timer counts at 100 MHz before its divider.
pub const APIC_BUS_CYCLE_NS: u64 = 10;
/// The shortest period a periodic timer gets (`create_periodic_time`: 0.1 ms).
pub const MIN_PERIOD_NS: u64 = 100_000;

/// Register offsets in the xAPIC page (apicdef.h); the x2APIC MSR is `0x800 + offset / 16`.
pub mod reg {
    /// Local APIC ID.
    pub const ID: u32 = 0x20;
    /// Version.
    pub const LVR: u32 = 0x30;
    /// Task priority.
    pub const TASKPRI: u32 = 0x80;
    /// Arbitration priority (reads 0).
    pub const ARBPRI: u32 = 0x90;
    /// Processor priority.
    pub const PROCPRI: u32 = 0xa0;
    /// End of interrupt.
    pub const EOI: u32 = 0xb0;
    /// Logical destination.
    pub const LDR: u32 = 0xd0;
    /// Destination format.
    pub const DFR: u32 = 0xe0;
    /// Spurious-interrupt vector (and software enable).
    pub const SPIV: u32 = 0xf0;
    /// In-service register, 8 words.
    pub const ISR: u32 = 0x100;
    /// Trigger-mode register, 8 words.
    pub const TMR: u32 = 0x180;
    /// Interrupt-request register, 8 words.
    pub const IRR: u32 = 0x200;
    /// Error status.
    pub const ESR: u32 = 0x280;
    /// Corrected machine-check LVT (not one of Xen's six).
    pub const CMCI: u32 = 0x2f0;
    /// Interrupt command, low half.
    pub const ICR: u32 = 0x300;
    /// Interrupt command, high half (the destination).
    pub const ICR2: u32 = 0x310;
    /// LVT timer.
    pub const LVTT: u32 = 0x320;
    /// LVT thermal monitor.
    pub const LVTTHMR: u32 = 0x330;
    /// LVT performance counter.
    pub const LVTPC: u32 = 0x340;
    /// LVT LINT0.
    pub const LVT0: u32 = 0x350;
    /// LVT LINT1.
    pub const LVT1: u32 = 0x360;
    /// LVT error.
    pub const LVTERR: u32 = 0x370;
    /// Timer initial count.
    pub const TMICT: u32 = 0x380;
    /// Timer current count.
    pub const TMCCT: u32 = 0x390;
    /// Timer divide configuration.
    pub const TDCR: u32 = 0x3e0;
    /// Self IPI (x2APIC only).
    pub const SELF_IPI: u32 = 0x3f0;
    /// Xen's six LVTs, in the order of `vlapic_lvt_mask`.
    pub const LVTS: [u32; super::VLAPIC_LVT_NUM] = [LVTT, LVTTHMR, LVTPC, LVT0, LVT1, LVTERR];
}

/// Bits of the registers (apicdef.h).
pub mod bits {
    /// SPIV: the APIC is software-enabled.
    pub const SPIV_APIC_ENABLED: u32 = 1 << 8;
    /// SPIV: focus-processor checking disabled.
    pub const SPIV_FOCUS_DISABLED: u32 = 1 << 9;
    /// ESR: a send with an illegal vector.
    pub const ESR_SENDILL: u32 = 0x20;
    /// ESR: a receive with an illegal vector.
    pub const ESR_RECVILL: u32 = 0x40;
    /// DFR flat model.
    pub const DFR_FLAT: u32 = 0xffff_ffff;
    /// DFR cluster model.
    pub const DFR_CLUSTER: u32 = 0x0fff_ffff;
    /// ICR destination shorthands.
    pub const DEST_NOSHORT: u32 = 0;
    /// Shorthand: self.
    pub const DEST_SELF: u32 = 0x4_0000;
    /// Shorthand: all including self.
    pub const DEST_ALLINC: u32 = 0x8_0000;
    /// Shorthand: all but self.
    pub const DEST_ALLBUT: u32 = 0xc_0000;
    /// The shorthand field.
    pub const SHORT_MASK: u32 = 0xc_0000;
    /// ICR: level-triggered.
    pub const INT_LEVELTRIG: u32 = 0x8000;
    /// ICR: assert.
    pub const INT_ASSERT: u32 = 0x4000;
    /// ICR delivery status / LVT send pending.
    pub const ICR_BUSY: u32 = 0x1000;
    /// ICR: logical destination mode.
    pub const DEST_LOGICAL: u32 = 0x800;
    /// Delivery mode field.
    pub const MODE_MASK: u32 = 0x700;
    /// Delivery modes.
    pub const DM_FIXED: u32 = 0x000;
    /// Lowest priority.
    pub const DM_LOWEST: u32 = 0x100;
    /// SMI.
    pub const DM_SMI: u32 = 0x200;
    /// Remote read.
    pub const DM_REMRD: u32 = 0x300;
    /// NMI.
    pub const DM_NMI: u32 = 0x400;
    /// INIT.
    pub const DM_INIT: u32 = 0x500;
    /// Start-up.
    pub const DM_STARTUP: u32 = 0x600;
    /// ExtINT.
    pub const DM_EXTINT: u32 = 0x700;
    /// Vector field.
    pub const VECTOR_MASK: u32 = 0xff;
    /// LVT timer mode field.
    pub const TIMER_MODE_MASK: u32 = 3 << 17;
    /// One-shot.
    pub const TIMER_MODE_ONESHOT: u32 = 0;
    /// Periodic.
    pub const TIMER_MODE_PERIODIC: u32 = 1 << 17;
    /// TSC deadline.
    pub const TIMER_MODE_TSC_DEADLINE: u32 = 2 << 17;
    /// LVT masked.
    pub const LVT_MASKED: u32 = 1 << 16;
    /// LVT level-triggered.
    pub const LVT_LEVEL_TRIGGER: u32 = 1 << 15;
    /// LVT remote IRR.
    pub const LVT_REMOTE_IRR: u32 = 1 << 14;
    /// LVT input polarity.
    pub const INPUT_POLARITY: u32 = 1 << 13;
    /// TDCR: the settable bits.
    pub const TDR_DIV_MASK: u32 = 0xb;
}

use bits::*;

/// `LVT_MASK`.
const LVT_MASK: u32 = LVT_MASKED | ICR_BUSY | VECTOR_MASK;
/// `LINT_MASK`.
const LINT_MASK: u32 = LVT_MASK | MODE_MASK | INPUT_POLARITY | LVT_REMOTE_IRR | LVT_LEVEL_TRIGGER;

/// `vlapic_lvt_mask`: the writable bits of each LVT, LVTT first.
pub const LVT_WRITABLE: [u32; VLAPIC_LVT_NUM] = [
    LVT_MASK | TIMER_MODE_MASK,
    LVT_MASK | MODE_MASK,
    LVT_MASK | MODE_MASK,
    LINT_MASK,
    LINT_MASK,
    LVT_MASK,
];

/// `VLAPIC_HW_DISABLED`: APIC_BASE has the APIC disabled.
const HW_DISABLED: u8 = 1;
/// `VLAPIC_SW_DISABLED`: SPIV has it disabled.
const SW_DISABLED: u8 = 2;

/// A guest access the hardware refuses: the caller injects #GP (X86EMUL_EXCEPTION).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gp;

/// An ICR write to hand to the domain's vCPUs (`vlapic_ipi`, after the checks the source does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipi {
    /// The ICR's low half: vector, delivery mode, destination mode and shorthand.
    pub icr_low: u32,
    /// The destination as the source decoded it (`_VLAPIC_ID`: 8 bits in xAPIC mode, 32 in
    /// x2APIC mode).
    pub dest: u32,
    /// The sending vCPU.
    pub source: u32,
}

impl Ipi {
    /// The delivery mode (`icr_low & APIC_MODE_MASK`).
    pub fn mode(&self) -> u32 {
        self.icr_low & MODE_MASK
    }
    /// The shorthand.
    pub fn short_hand(&self) -> u32 {
        self.icr_low & SHORT_MASK
    }
    /// Whether the destination is logical.
    pub fn logical(&self) -> bool {
        self.icr_low & DEST_LOGICAL != 0
    }
}

/// What a write asks of the world outside the model.
#[must_use]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// An IPI to deliver (`vlapic_ipi`), once the source's lock is released.
    pub ipi: Option<Ipi>,
    /// The timer's deadline may have changed: re-queue it at [`Vlapic::timer_deadline`].
    pub timer: bool,
    /// The vector an EOI took out of service (`vlapic_EOI_set`), for the I/O APIC (when its TMR
    /// bit was set) and for the upcall's EOI.
    pub eoi: Option<u8>,
    /// The guest software-enabled its APIC: a pending upcall is re-asserted (`vlapic_reg_write`).
    pub sw_enabled: bool,
    /// A vector became pending in this vCPU's IRR (an error interrupt): kick it.
    pub kick: bool,
}

/// The LAPIC timer while it runs (Xen's `vlapic->pt`, a `struct periodic_time`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Armed {
    /// When it fires next, system time (`pt->scheduled`).
    deadline: u64,
    /// Its period, 0 for one-shot and TSC-deadline (`pt->period`).
    period: u64,
}

/// What a timer expiry did ([`Vlapic::timer_expired`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fired {
    /// The LVTT vector was newly set in IRR: kick the vCPU.
    pub kick: bool,
    /// The timer fired (it was armed and due).
    pub fired: bool,
}

/// Words of the register page the model keeps: offsets 0 to 0x3f0, one 32-bit register each 16.
const NR_REGS: usize = 64;

/// One vCPU's local APIC (Xen's `struct vlapic` with its register page).
///
/// Invariants: `regs` holds the registers as the guest last made them through the rules of
/// `vlapic_reg_write` (the x2APIC ID and LDR as `set_x2apic_id` sets them); `disabled` has
/// HW_DISABLED exactly when APIC_BASE lacks the enable bit, and EXTD is only ever set with
/// ENABLE; `timer` is `None` whenever no timer mode can fire; `timer_last_update` is `None`
/// exactly when Xen's is 0 (TMCCT reads 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vlapic {
    vcpu_id: u32,
    regs: [u32; NR_REGS],
    apic_base_msr: u64,
    disabled: u8,
    /// `hw.timer_divisor`: 1 to 128, from TDCR.
    timer_divisor: u32,
    /// `hw.tdt_msr`.
    tdt_msr: u64,
    /// `hw.pending_esr` (upstream): errors since the last ESR write.
    pending_esr: u32,
    /// `timer_last_update`: when the count last started (or a periodic timer last ticked).
    timer_last_update: Option<u64>,
    timer: Option<Armed>,
}

/// `x2apic_ldr_from_id`: cluster in bits 31:16, one bit of 16 in 15:0.
pub fn x2apic_ldr_from_id(id: u32) -> u32 {
    ((id & !0xf) << 12) | (1 << (id & 0xf))
}

impl Vlapic {
    /// vCPU `vcpu_id`'s APIC as `vlapic_init` leaves it: `vlapic_reset`.
    pub fn new(vcpu_id: u32) -> Self {
        let mut v = Vlapic {
            vcpu_id,
            regs: [0; NR_REGS],
            apic_base_msr: 0,
            disabled: 0,
            timer_divisor: 2,
            tdt_msr: 0,
            pending_esr: 0,
            timer_last_update: None,
            timer: None,
        };
        v.reset();
        v
    }

    /// `vlapic_reset`: enabled at the default base (BSP for vCPU 0), xAPIC ID `2 * vcpu_id`
    /// (the MADT's, `pvh_setup_acpi_madt`), then `vlapic_do_init`.
    pub fn reset(&mut self) {
        self.apic_base_msr = APIC_BASE_ENABLE | APIC_DEFAULT_PHYS_BASE;
        if self.vcpu_id == 0 {
            self.apic_base_msr |= APIC_BASE_BSP;
        }
        self.set_reg(reg::ID, self.vcpu_id.wrapping_mul(2) << 24);
        self.do_init();
    }

    /// `vlapic_do_init`: IRR/ISR/TMR, ICR, TPR and the timer cleared, LDR too outside x2APIC
    /// mode, DFR flat, every LVT masked, SPIV 0xff (software-disabled), the timer stopped.
    fn do_init(&mut self) {
        self.set_reg(reg::LVR, VLAPIC_VERSION);
        for i in 0..8 {
            self.set_reg(reg::IRR + 0x10 * i, 0);
            self.set_reg(reg::ISR + 0x10 * i, 0);
            self.set_reg(reg::TMR + 0x10 * i, 0);
        }
        self.set_reg(reg::ICR, 0);
        self.set_reg(reg::ICR2, 0);
        if !self.x2apic_mode() {
            self.set_reg(reg::LDR, 0);
        }
        self.set_reg(reg::TASKPRI, 0);
        self.set_reg(reg::TMICT, 0);
        self.set_reg(reg::TMCCT, 0);
        self.set_tdcr(0);
        self.set_reg(reg::DFR, 0xffff_ffff);
        for lvt in reg::LVTS {
            self.set_reg(lvt, LVT_MASKED);
        }
        self.set_reg(reg::SPIV, 0xff);
        self.disabled |= SW_DISABLED;
        self.timer = None;
    }

    /// The vCPU it belongs to.
    pub fn vcpu_id(&self) -> u32 {
        self.vcpu_id
    }

    /// `vlapic_get_reg`: the raw register at `offset` (16-byte aligned, below 0x400).
    pub fn reg(&self, offset: u32) -> u32 {
        self.regs[(offset >> 4) as usize % NR_REGS]
    }

    fn set_reg(&mut self, offset: u32, val: u32) {
        self.regs[(offset >> 4) as usize % NR_REGS] = val;
    }

    /// MSR_APIC_BASE as the guest reads it.
    pub fn apic_base(&self) -> u64 {
        self.apic_base_msr
    }

    /// `vlapic_base_address`.
    pub fn base_address(&self) -> u64 {
        self.apic_base_msr & APIC_BASE_ADDR_MASK
    }

    /// `vlapic_x2apic_mode`.
    pub fn x2apic_mode(&self) -> bool {
        self.apic_base_msr & APIC_BASE_EXTD != 0
    }

    /// `vlapic_xapic_mode`.
    pub fn xapic_mode(&self) -> bool {
        !self.hw_disabled() && !self.x2apic_mode()
    }

    /// `vlapic_hw_disabled`.
    pub fn hw_disabled(&self) -> bool {
        self.disabled & HW_DISABLED != 0
    }

    /// `vlapic_sw_disabled`.
    pub fn sw_disabled(&self) -> bool {
        self.disabled & SW_DISABLED != 0
    }

    /// `vlapic_enabled`: neither hardware- nor software-disabled.
    pub fn enabled(&self) -> bool {
        self.disabled == 0
    }

    /// `VLAPIC_ID`: the ID as destinations compare it.
    pub fn id(&self) -> u32 {
        self.decode_id(self.reg(reg::ID))
    }

    /// `_VLAPIC_ID`: 32 bits in x2APIC mode, bits 31:24 in xAPIC mode.
    fn decode_id(&self, id: u32) -> u32 {
        if self.x2apic_mode() {
            id
        } else {
            id >> 24
        }
    }

    fn lvtt_mode(&self) -> u32 {
        self.reg(reg::LVTT) & TIMER_MODE_MASK
    }

    /// `vlapic_lvtt_oneshot`.
    pub fn lvtt_oneshot(&self) -> bool {
        self.lvtt_mode() == TIMER_MODE_ONESHOT
    }

    /// `vlapic_lvtt_period`.
    pub fn lvtt_period(&self) -> bool {
        self.lvtt_mode() == TIMER_MODE_PERIODIC
    }

    /// `vlapic_lvtt_tdt`.
    pub fn lvtt_tdt(&self) -> bool {
        self.lvtt_mode() == TIMER_MODE_TSC_DEADLINE
    }

    /// `hw.timer_divisor`.
    pub fn timer_divisor(&self) -> u32 {
        self.timer_divisor
    }

    // ---- vector bitmaps -------------------------------------------------------------------

    fn test_vector(&self, base: u32, vec: u8) -> bool {
        self.reg(base + u32::from(vec / 32) * 0x10) & (1 << (vec % 32)) != 0
    }

    fn assign_vector(&mut self, base: u32, vec: u8, set: bool) -> bool {
        let offset = base + u32::from(vec / 32) * 0x10;
        let word = self.reg(offset);
        let bit = 1 << (vec % 32);
        self.set_reg(offset, if set { word | bit } else { word & !bit });
        word & bit != 0
    }

    /// `vlapic_find_highest_vector`.
    fn highest(&self, base: u32) -> Option<u8> {
        (0..8u32).rev().find_map(|i| {
            let word = self.reg(base + 0x10 * i);
            (word != 0).then(|| (i * 32 + 31 - word.leading_zeros()) as u8)
        })
    }

    /// Whether `vec` is requested (IRR).
    pub fn irr_test(&self, vec: u8) -> bool {
        self.test_vector(reg::IRR, vec)
    }

    /// Whether `vec` is in service (ISR).
    pub fn isr_test(&self, vec: u8) -> bool {
        self.test_vector(reg::ISR, vec)
    }

    /// Whether `vec` was accepted level-triggered (TMR).
    pub fn tmr_test(&self, vec: u8) -> bool {
        self.test_vector(reg::TMR, vec)
    }

    /// `vlapic_find_highest_irr`.
    pub fn highest_irr(&self) -> Option<u8> {
        self.highest(reg::IRR)
    }

    /// `vlapic_find_highest_isr`.
    pub fn highest_isr(&self) -> Option<u8> {
        self.highest(reg::ISR)
    }

    /// `vlapic_get_ppr`: the TPR, or the class of the highest vector in service if above it.
    pub fn ppr(&self) -> u32 {
        let tpr = self.reg(reg::TASKPRI);
        let isrv = u32::from(self.highest_isr().unwrap_or(0));
        if (tpr & 0xf0) >= (isrv & 0xf0) {
            tpr & 0xff
        } else {
            isrv & 0xf0
        }
    }

    // ---- interrupt acceptance and delivery -----------------------------------------------

    /// `vlapic_error`: accumulates `errmask` in the pending errors and, the first time since the
    /// last ESR write, raises LVTERR if it is unmasked with a legal vector (an illegal one adds
    /// RECVILL instead, not to loop).
    ///
    /// Upstream, not 4.17: errors collect in `hw.pending_esr` and only an ESR write makes them
    /// visible ("x86/vlapic: Fix handling of writes to APIC_ESR", Xen 4.20, the SDM's rule); Xen
    /// 4.17 ORs them straight into ESR, which no write clears.
    fn error(&mut self, mut errmask: u32) -> bool {
        let esr = self.pending_esr;
        if esr & errmask == errmask {
            return false;
        }
        let lvterr = self.reg(reg::LVTERR);
        let mut inj = false;
        if lvterr & LVT_MASKED == 0 {
            if lvterr & VECTOR_MASK >= 16 {
                inj = true;
            } else {
                errmask |= ESR_RECVILL;
            }
        }
        self.pending_esr = esr | errmask;
        inj && self.set_irq((lvterr & VECTOR_MASK) as u8, false)
    }

    /// `vlapic_set_irq`: requests `vec` (IRR), recording its trigger mode in TMR. A vector
    /// below 16 is illegal and latches RECVILL instead. `true` if it was newly requested: the
    /// caller kicks the vCPU (`vcpu_kick`).
    pub fn set_irq(&mut self, vec: u8, level: bool) -> bool {
        if vec < 16 {
            return self.error(ESR_RECVILL);
        }
        self.assign_vector(reg::TMR, vec, level);
        !self.assign_vector(reg::IRR, vec, true)
    }

    /// `vlapic_has_pending_irq`: the highest requested vector if the APIC is enabled and its
    /// class is above that of the highest vector in service.
    pub fn has_pending_irq(&self) -> Option<u8> {
        if !self.enabled() {
            return None;
        }
        let irr = self.highest_irr()?;
        match self.highest_isr() {
            Some(isr) if (irr & 0xf0) <= (isr & 0xf0) => None,
            _ => Some(irr),
        }
    }

    /// The vector to inject now: [`has_pending_irq`](Self::has_pending_irq) unless the TPR
    /// blocks its class (`hvm_interrupt_blocked`'s `hvm_intblk_tpr`): together, the highest IRR
    /// whose class is above the PPR.
    pub fn pending_irq(&self) -> Option<u8> {
        let vec = self.has_pending_irq()?;
        (self.reg(reg::TASKPRI) & 0xf0 < u32::from(vec) & 0xf0).then_some(vec)
    }

    /// `vlapic_ack_pending_irq`: `vec` was injected: in service, no longer requested.
    pub fn ack_pending_irq(&mut self, vec: u8) {
        self.assign_vector(reg::ISR, vec, true);
        self.assign_vector(reg::IRR, vec, false);
    }

    /// `vlapic_EOI_set`: the highest vector in service is done; returned for
    /// `vlapic_handle_EOI` (the I/O APIC when its TMR bit is set, and the upcall).
    fn eoi_set(&mut self) -> Option<u8> {
        let vec = self.highest_isr()?;
        self.assign_vector(reg::ISR, vec, false);
        Some(vec)
    }

    /// `vlapic_match_logical_addr`: x2APIC compares the cluster and ANDs the 16 bits; xAPIC
    /// ANDs the 8-bit logical ID in the flat model, or compares the cluster nibble and ANDs the
    /// low one in the cluster model; any other DFR matches nothing.
    fn match_logical_addr(&self, mda: u32) -> bool {
        let ldr = self.reg(reg::LDR);
        if self.x2apic_mode() {
            return ldr >> 16 == mda >> 16 && ldr & mda & 0xffff != 0;
        }
        let lid = ldr >> 24;
        let mda = mda & 0xff;
        match self.reg(reg::DFR) {
            DFR_FLAT => lid & mda != 0,
            DFR_CLUSTER => lid >> 4 == mda >> 4 && lid & mda & 0xf != 0,
            _ => false,
        }
    }

    /// `vlapic_match_dest`: whether this APIC is a target of `ipi`.
    pub fn match_dest(&self, ipi: &Ipi) -> bool {
        match ipi.short_hand() {
            DEST_NOSHORT if ipi.logical() => self.match_logical_addr(ipi.dest),
            DEST_NOSHORT => ipi.dest == self.decode_id(0xffff_ffff) || ipi.dest == self.id(),
            DEST_SELF => self.vcpu_id == ipi.source,
            DEST_ALLINC => true,
            _ => self.vcpu_id != ipi.source,
        }
    }

    /// `vlapic_ipi`'s checks on the sender: an illegal vector for a fixed or lowest-priority
    /// IPI latches SENDILL and sends nothing; otherwise the IPI goes out.
    fn ipi(&mut self, icr_low: u32, icr_high: u32, fx: &mut Effects) {
        let mode = icr_low & MODE_MASK;
        if (mode == DM_FIXED || mode == DM_LOWEST) && icr_low & VECTOR_MASK < 16 {
            fx.kick |= self.error(ESR_SENDILL);
            return;
        }
        fx.ipi = Some(Ipi {
            icr_low,
            dest: self.decode_id(icr_high),
            source: self.vcpu_id,
        });
    }

    // ---- register reads ------------------------------------------------------------------

    /// `vlapic_read_aligned`: PPR is computed; TMCCT is the count left, and it and TMICT read 0
    /// in TSC-deadline mode; everything else is the register as stored.
    pub fn read_aligned(&self, offset: u32, now: u64) -> u32 {
        match offset {
            reg::PROCPRI => self.ppr(),
            reg::TMCCT | reg::TMICT if !self.lvtt_oneshot() && !self.lvtt_period() => 0,
            reg::TMCCT => self.tmcct(now),
            _ => self.reg(offset),
        }
    }

    /// `vlapic_get_tmcct`: the initial count less the bus cycles (divided) since the count
    /// started, modulo the initial count for a periodic timer; 0 once a one-shot count ran out
    /// or when no count runs.
    fn tmcct(&self, now: u64) -> u32 {
        let tmict = self.reg(reg::TMICT);
        let Some(last) = self.timer_last_update else {
            return 0;
        };
        if tmict == 0 {
            return 0;
        }
        let mut passed =
            now.saturating_sub(last) / (APIC_BUS_CYCLE_NS * u64::from(self.timer_divisor));
        if self.lvtt_period() {
            passed %= u64::from(tmict);
        }
        if passed < u64::from(tmict) {
            tmict - passed as u32
        } else {
            0
        }
    }

    /// `vlapic_mmio_read`: an access of `len` bytes at `offset` in the page that fits in one
    /// 32-bit register up to TDCR reads that part of it; anything else reads 0.
    pub fn mmio_read(&self, offset: u32, len: u32, now: u64) -> u32 {
        let alignment = offset & 0xf;
        if alignment + len > 4 || offset > reg::TDCR + 3 {
            return 0;
        }
        let reg = self.read_aligned(offset & !0xf, now);
        match len {
            1 => (reg >> (alignment * 8)) & 0xff,
            2 => (reg >> (alignment * 8)) & 0xffff,
            4 => reg,
            _ => 0,
        }
    }

    /// `vlapic_range`: whether an access at guest-physical `addr` is the xAPIC page's.
    pub fn mmio_range(&self, addr: u64) -> bool {
        !self.hw_disabled() && !self.x2apic_mode() && addr.wrapping_sub(self.base_address()) < 4096
    }

    /// `guest_rdmsr_x2apic`: in x2APIC mode the registers of its `readable` set, ICR as one
    /// 64-bit value; #GP for anything else or outside x2APIC mode.
    pub fn rdmsr_x2apic(&self, msr: u32, now: u64) -> Result<u64, Gp> {
        const fn regbit(offset: u32) -> u64 {
            1 << (offset >> 4)
        }
        const fn regblock(offset: u32) -> u64 {
            0xff << (offset >> 4)
        }
        const READABLE: u64 = regbit(reg::ID)
            | regbit(reg::LVR)
            | regbit(reg::TASKPRI)
            | regbit(reg::PROCPRI)
            | regbit(reg::LDR)
            | regbit(reg::SPIV)
            | regbit(reg::ESR)
            | regbit(reg::ICR)
            | regbit(reg::CMCI)
            | regbit(reg::LVTT)
            | regbit(reg::LVTTHMR)
            | regbit(reg::LVTPC)
            | regbit(reg::LVT0)
            | regbit(reg::LVT1)
            | regbit(reg::LVTERR)
            | regbit(reg::TMICT)
            | regbit(reg::TMCCT)
            | regbit(reg::TDCR)
            | regblock(reg::ISR)
            | regblock(reg::TMR)
            | regblock(reg::IRR);
        let index = msr.wrapping_sub(MSR_X2APIC_FIRST);
        if !self.x2apic_mode() || index >= 64 || READABLE & (1 << index) == 0 {
            return Err(Gp);
        }
        let offset = index << 4;
        let high = if offset == reg::ICR {
            u64::from(self.read_aligned(reg::ICR2, now)) << 32
        } else {
            0
        };
        Ok(high | u64::from(self.read_aligned(offset, now)))
    }

    // ---- register writes -----------------------------------------------------------------

    /// `vlapic_reg_write`: the rules of each register, for an aligned 32-bit write at `offset`.
    pub fn reg_write(&mut self, offset: u32, val: u32, now: u64) -> Effects {
        let mut fx = Effects::default();
        match offset {
            reg::ID => self.set_reg(reg::ID, val),
            // Upstream `vlapic_reg_write` (see `error`): the value written is dropped; the
            // errors since the last write become ESR.
            reg::ESR => {
                self.set_reg(reg::ESR, self.pending_esr);
                self.pending_esr = 0;
            }
            reg::TASKPRI => self.set_reg(reg::TASKPRI, val & 0xff),
            reg::EOI => fx.eoi = self.eoi_set(),
            reg::LDR => self.set_reg(reg::LDR, val & 0xff00_0000),
            reg::DFR => self.set_reg(reg::DFR, val | 0x0fff_ffff),
            reg::SPIV => {
                self.set_reg(reg::SPIV, val & 0x3ff);
                if val & SPIV_APIC_ENABLED == 0 {
                    self.disabled |= SW_DISABLED;
                    for lvt in reg::LVTS {
                        self.set_reg(lvt, self.reg(lvt) | LVT_MASKED);
                    }
                } else {
                    self.disabled &= !SW_DISABLED;
                    fx.sw_enabled = true;
                }
            }
            reg::ICR => {
                let val = val & !ICR_BUSY;
                self.ipi(val, self.reg(reg::ICR2), &mut fx);
                self.set_reg(reg::ICR, val);
            }
            reg::ICR2 => self.set_reg(reg::ICR2, val & 0xff00_0000),
            reg::LVTT..=reg::LVTERR if offset & 0xf == 0 => {
                if offset == reg::LVTT {
                    if self.lvtt_tdt() != (val & TIMER_MODE_MASK == TIMER_MODE_TSC_DEADLINE) {
                        self.set_reg(reg::TMICT, 0);
                        self.tdt_msr = 0;
                    }
                    self.update_timer(val, false, self.timer_divisor, now);
                    fx.timer = true;
                }
                let mut val = val;
                if self.sw_disabled() {
                    val |= LVT_MASKED;
                }
                val &= LVT_WRITABLE[((offset - reg::LVTT) >> 4) as usize % VLAPIC_LVT_NUM];
                self.set_reg(offset, val);
            }
            reg::TMICT if self.lvtt_oneshot() || self.lvtt_period() => {
                self.set_reg(reg::TMICT, val);
                self.update_timer(self.reg(reg::LVTT), true, self.timer_divisor, now);
                fx.timer = true;
            }
            reg::TDCR => {
                let old = self.timer_divisor;
                self.set_tdcr(val);
                self.update_timer(self.reg(reg::LVTT), false, old, now);
                fx.timer = true;
            }
            _ => {}
        }
        fx
    }

    /// `vlapic_mmio_write`: a write of `len` bytes at `offset` in the page that fits in one
    /// register up to TDCR is merged into what that register reads, then written; anything
    /// else is dropped.
    pub fn mmio_write(&mut self, offset: u32, len: u32, val: u32, now: u64) -> Effects {
        let alignment = offset & 0xf;
        let offset = offset & !0xf;
        if alignment + len > 4 || offset > reg::TDCR {
            return Effects::default();
        }
        let shift = alignment * 8;
        let val = match len {
            1 => (self.read_aligned(offset, now) & !(0xff << shift)) | ((val & 0xff) << shift),
            2 => (self.read_aligned(offset, now) & !(0xffff << shift)) | ((val & 0xffff) << shift),
            _ => val,
        };
        self.reg_write(offset, val, now)
    }

    /// `guest_wrmsr_x2apic`: in x2APIC mode, the writable registers with their reserved bits
    /// checked (#GP if set); ICR as one 64-bit value; SELF_IPI as a fixed self-IPI; EOI and ESR
    /// only with 0. Everything else, and any write outside x2APIC mode, is #GP.
    pub fn wrmsr_x2apic(&mut self, msr: u32, val: u64, now: u64) -> Result<Effects, Gp> {
        if !self.x2apic_mode() || !(MSR_X2APIC_FIRST..=MSR_X2APIC_LAST).contains(&msr) {
            return Err(Gp);
        }
        let mut offset = (msr - MSR_X2APIC_FIRST) << 4;
        let mut val = val;
        let reserved = |allowed: u32| {
            if val & !u64::from(allowed) != 0 {
                Err(Gp)
            } else {
                Ok(())
            }
        };
        match offset {
            reg::TASKPRI => reserved(0xff)?,
            reg::SPIV => reserved(VECTOR_MASK | SPIV_APIC_ENABLED | SPIV_FOCUS_DISABLED)?,
            reg::LVTT => reserved(LVT_MASK | TIMER_MODE_MASK)?,
            reg::LVTTHMR | reg::LVTPC | reg::CMCI => reserved(LVT_MASK | MODE_MASK)?,
            reg::LVT0 | reg::LVT1 => reserved(LINT_MASK)?,
            reg::LVTERR => reserved(LVT_MASK)?,
            reg::TMICT => {}
            reg::TDCR => reserved(TDR_DIV_MASK)?,
            reg::ICR => {
                let allowed = VECTOR_MASK
                    | MODE_MASK
                    | DEST_LOGICAL
                    | INT_ASSERT
                    | INT_LEVELTRIG
                    | SHORT_MASK;
                if val as u32 & !allowed != 0 {
                    return Err(Gp);
                }
                self.set_reg(reg::ICR2, (val >> 32) as u32);
            }
            reg::SELF_IPI => {
                reserved(VECTOR_MASK)?;
                offset = reg::ICR;
                val = u64::from(DEST_SELF) | (val & u64::from(VECTOR_MASK));
            }
            reg::EOI | reg::ESR if val == 0 => {}
            _ => return Err(Gp),
        }
        Ok(self.reg_write(offset, val as u32, now))
    }

    /// `guest_wrmsr_apic_base`: reserved bits (EXTD too without x2APIC in the CPUID policy,
    /// `x2apic_allowed`) and an xAPIC window moved off its default base are #GP; enabling
    /// resets the APIC (straight into x2APIC mode is #GP), disabling marks it hardware-
    /// disabled; EXTD may only change in xAPIC mode (no way back from x2APIC but through
    /// disabled). Entering x2APIC mode sets the x2APIC ID and LDR (`set_x2apic_id`).
    pub fn set_apic_base(&mut self, value: u64, x2apic_allowed: bool) -> Result<Effects, Gp> {
        let extd = if x2apic_allowed { APIC_BASE_EXTD } else { 0 };
        if value & !(APIC_BASE_ADDR_MASK | APIC_BASE_ENABLE | APIC_BASE_BSP | extd) != 0 {
            return Err(Gp);
        }
        if value & (APIC_BASE_EXTD | APIC_BASE_ENABLE) == APIC_BASE_ENABLE
            && value & APIC_BASE_ADDR_MASK != APIC_DEFAULT_PHYS_BASE
        {
            return Err(Gp);
        }
        let mut fx = Effects::default();
        if (self.apic_base_msr ^ value) & APIC_BASE_ENABLE != 0 {
            if value & APIC_BASE_EXTD != 0 {
                return Err(Gp);
            }
            if value & APIC_BASE_ENABLE != 0 {
                self.reset();
                self.disabled &= !HW_DISABLED;
                fx.timer = true;
            } else {
                self.disabled |= HW_DISABLED;
            }
        } else if (self.apic_base_msr ^ value) & APIC_BASE_EXTD != 0 && !self.xapic_mode() {
            return Err(Gp);
        }
        self.apic_base_msr = value;
        if self.x2apic_mode() {
            self.set_x2apic_id();
        }
        Ok(fx)
    }

    /// `set_x2apic_id`: ID `2 * vcpu_id`, LDR derived from it (`x2apic_ldr_from_id`).
    fn set_x2apic_id(&mut self) {
        let id = self.vcpu_id.wrapping_mul(2);
        self.set_reg(reg::ID, id);
        self.set_reg(reg::LDR, x2apic_ldr_from_id(id));
    }

    // ---- the timer -----------------------------------------------------------------------

    /// `vlapic_set_tdcr`: bits 0, 1 and 3 kept; the divisor is 2 << the value they encode,
    /// 1 for 0b1011.
    fn set_tdcr(&mut self, val: u32) {
        let val = val & TDR_DIV_MASK;
        self.set_reg(reg::TDCR, val);
        let code = ((val & 3) | ((val & 8) >> 1)) + 1;
        self.timer_divisor = 1 << (code & 7);
    }

    /// `create_periodic_time` for the LAPIC: first tick `delta` from now, a periodic timer's
    /// period at least 0.1 ms and its first tick half a `delta` later (the LAPIC offset, without
    /// HVM_PARAM_VPT_ALIGN).
    fn create_periodic_time(&mut self, delta: u64, period: u64, now: u64) {
        let period = if period != 0 && period < MIN_PERIOD_NS {
            MIN_PERIOD_NS
        } else {
            period
        };
        let mut deadline = now.saturating_add(delta);
        if period != 0 {
            deadline = deadline.saturating_add(delta >> 1);
        }
        self.timer = Some(Armed { deadline, period });
    }

    /// `vlapic_update_timer`, after a write to LVTT (`lvtt` the new value, set after), TMICT
    /// (`tmict_updated`, set before) or TDCR (`old_divisor` the divisor before): a running
    /// count goes on from where it is, rescaled to a new divisor; a new initial count starts
    /// now; outside one-shot and periodic mode, or with nothing left to count, it stops.
    fn update_timer(&mut self, lvtt: u32, tmict_updated: bool, old_divisor: u32, now: u64) {
        let mode = lvtt & TIMER_MODE_MASK;
        let is_periodic = mode == TIMER_MODE_PERIODIC;
        let is_oneshot = mode == TIMER_MODE_ONESHOT;
        let tmict = u64::from(self.reg(reg::TMICT));
        let mut period = tmict * APIC_BUS_CYCLE_NS * u64::from(old_divisor);
        let mut delta = 0;
        if tmict_updated {
            delta = period;
        } else if let (true, Some(last)) = (period != 0, self.timer_last_update) {
            let mut passed = now.saturating_sub(last);
            if self.lvtt_period() {
                passed %= period;
            }
            if passed < period {
                delta = period - passed;
            }
        }
        if delta != 0 && (is_oneshot || is_periodic) {
            if self.timer_divisor != old_divisor {
                period = tmict * APIC_BUS_CYCLE_NS * u64::from(self.timer_divisor);
                delta = delta * u64::from(self.timer_divisor) / u64::from(old_divisor);
            }
            self.create_periodic_time(delta, if is_periodic { period } else { 0 }, now);
            let mut last = now;
            if !tmict_updated {
                last = last.saturating_sub(period.saturating_sub(delta));
            }
            self.timer_last_update = Some(last);
        } else {
            self.timer = None;
            self.timer_last_update = None;
        }
    }

    /// `vlapic_tdt_msr_get`: MSR_IA32_TSC_DEADLINE reads 0 outside TSC-deadline mode.
    pub fn tdt_msr(&self) -> u64 {
        if self.lvtt_tdt() {
            self.tdt_msr
        } else {
            0
        }
    }

    /// `vlapic_tdt_msr_set`: ignored when hardware-disabled or outside TSC-deadline mode; a
    /// deadline ahead of the guest TSC (`tsc`, the host's) arms the timer that far ahead in
    /// system time (`gtsc_to_gtime` with `scale`); one already past fires at once and reads
    /// back 0; 0 disarms it.
    pub fn set_tdt_msr(&mut self, value: u64, tsc: u64, scale: TimeScale, now: u64) -> Effects {
        if self.hw_disabled() || !self.lvtt_tdt() {
            return Effects::default();
        }
        if value > tsc {
            self.tdt_msr = value;
            self.create_periodic_time(scale.scale(value - tsc), 0, now);
            self.timer_last_update = Some(now);
        } else {
            self.tdt_msr = 0;
            if value > 0 {
                self.create_periodic_time(0, 0, now);
                self.timer_last_update = Some(now);
            } else {
                self.timer = None;
            }
        }
        Effects {
            timer: true,
            ..Effects::default()
        }
    }

    /// When the timer fires next, in system time, if it runs.
    pub fn timer_deadline(&self) -> Option<u64> {
        self.timer.map(|t| t.deadline)
    }

    /// The timer's period in ns, 0 for one-shot and TSC-deadline, if it runs.
    pub fn timer_period(&self) -> Option<u64> {
        self.timer.map(|t| t.period)
    }

    /// The timer's expiry at `now` (vpt.c `pt_timer_fn`, then `pt_update_irq` /
    /// `pt_intr_post`): unless the APIC is disabled or LVTT masked (`pt_irq_masked`), the LVTT
    /// vector is requested; a TSC deadline reads 0 afterwards (`vlapic_tdt_pt_cb`); a periodic
    /// timer's count restarts (`vlapic_pt_cb`) and it re-arms one period after the deadline it
    /// served (`pt->scheduled += pt->period`), skipping periods already past; others stop. A
    /// timer not yet due (re-armed meanwhile) is left alone.
    ///
    /// Differences from Xen's vpt, kept small on purpose: ticks missed while the vCPU did not
    /// take them are not counted up (`pending_intr_nr`), and a masked periodic timer keeps
    /// its schedule instead of leaving the vCPU's timer list until unmasked.
    pub fn timer_expired(&mut self, now: u64) -> Fired {
        let Some(armed) = self.timer else {
            return Fired::default();
        };
        if armed.deadline > now {
            return Fired::default();
        }
        let lvtt = self.reg(reg::LVTT);
        let mut kick = false;
        if self.enabled() && lvtt & LVT_MASKED == 0 {
            kick = self.set_irq((lvtt & VECTOR_MASK) as u8, false);
        }
        if self.lvtt_tdt() {
            self.tdt_msr = 0;
        }
        match (now - armed.deadline).checked_div(armed.period) {
            Some(missed) => {
                let next = armed
                    .deadline
                    .saturating_add(armed.period.saturating_mul(missed + 1));
                self.timer = Some(Armed {
                    deadline: next,
                    period: armed.period,
                });
                self.timer_last_update = Some(armed.deadline);
            }
            None => self.timer = None,
        }
        Fired { kick, fired: true }
    }
}
