//! Virtual I/O APICs, after xen/arch/x86/hvm/vioapic.c: the register window (IOREGSEL at 0x00,
//! IOWIN at 0x10) of one 82093AA-like IO-APIC (version 0x11, so no EOI register) per range, the
//! redirection table, and delivery of a pin's interrupt to the domain's vLAPICs.
//!
//! The hardware domain gets one vIOAPIC for each of the host's IO-APICs, at the host's address,
//! with the host's ID, GSI base and pin count (`vioapic_init`, `vioapic_reset`:
//! `mp_ioapics[i]`, `nr_ioapic_entries[i]`, `io_apic_gsi_base(i)`); any other domain that has one
//! gets a single vIOAPIC of [`VIOAPIC_NUM_PINS`] pins at [`VIOAPIC_DEFAULT_BASE_ADDRESS`].
//!
//! Lock order: a domain's vIOAPICs are under its `irq_lock` (Xen's `d->arch.hvm.irq_lock`,
//! level 9), taken before a vCPU's lock (10): delivery requests the vector in each target's
//! vLAPIC with the irq lock held, as `vioapic_deliver` does.

use alloc::vec::Vec;

use xen_mm::p2m::format::P2mFormat;

use crate::domain::Domain;
use crate::vcpu::Vcpu;
use crate::vlapic::access::lowest_prio;
use crate::vlapic::Ipi;

/// `VIOAPIC_VERSION_ID`: an 82093AA; versions from 0x20 on would have the EOI register.
pub const VIOAPIC_VERSION_ID: u32 = 0x11;
/// `VIOAPIC_DEFAULT_BASE_ADDRESS`: where a domU's vIOAPIC sits.
pub const VIOAPIC_DEFAULT_BASE_ADDRESS: u64 = 0xfec0_0000;
/// `VIOAPIC_MEM_LENGTH`: the bytes of guest-physical space each vIOAPIC decodes.
pub const VIOAPIC_MEM_LENGTH: u64 = 0x100;
/// `VIOAPIC_NUM_PINS`: a domU's pins (16 ISA IRQs, 32 PCI ones).
pub const VIOAPIC_NUM_PINS: u32 = 48;
/// The most pins an IO-APIC can have: the version register's entries field is 8 bits.
pub const MAX_PINS: u32 = 256;

// The direct registers (offsets in the MMIO range) and the indirect ones (IOREGSEL values).
const REG_SELECT: u64 = 0x00;
const REG_WINDOW: u64 = 0x10;
const REG_APIC_ID: u32 = 0x00;
const REG_VERSION: u32 = 0x01;
const REG_ARB_ID: u32 = 0x02;
const REG_RTE0: u32 = 0x10;

// `union vioapic_redir_entry` (public/arch-x86/hvm/save.h).
const RTE_VECTOR: u64 = 0xff;
const RTE_DELIVERY_MODE_SHIFT: u32 = 8;
const RTE_DELIVERY_STATUS: u64 = 1 << 12;
const RTE_ACTIVE_LOW: u64 = 1 << 13;
const RTE_REMOTE_IRR: u64 = 1 << 14;
const RTE_LEVEL_TRIG: u64 = 1 << 15;
const RTE_MASK: u64 = 1 << 16;
const RTE_DEST_SHIFT: u32 = 56;

// Delivery modes (`dest_Fixed` ...).
const DEST_FIXED: u64 = 0;
const DEST_LOWEST_PRIO: u64 = 1;
const DEST_NMI: u64 = 4;

/// Where a vIOAPIC sits and what it decodes: the domain builder's part of `vioapic_init`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VioapicConfig {
    /// Its MMIO base (`base_address`).
    pub base_address: u64,
    /// Its IO-APIC ID.
    pub id: u8,
    /// The GSI of its pin 0.
    pub base_gsi: u32,
    /// Its pins, 1 to [`MAX_PINS`].
    pub nr_pins: u32,
}

impl VioapicConfig {
    /// A domU's single vIOAPIC.
    pub const DOMU: VioapicConfig = VioapicConfig {
        base_address: VIOAPIC_DEFAULT_BASE_ADDRESS,
        id: 0,
        base_gsi: 0,
        nr_pins: VIOAPIC_NUM_PINS,
    };
}

/// One vIOAPIC (`struct hvm_vioapic`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vioapic {
    config: VioapicConfig,
    /// The ID as the guest last wrote it (4 bits, `IO_APIC_reg_02.arbitration`).
    id: u32,
    ioregsel: u32,
    redirtbl: Vec<u64>,
    /// Each pin's line is asserted (`hvm_irq->gsi_assert_count`, 0 or 1 for the hardware
    /// domain's lines).
    asserted: Vec<bool>,
}

impl Vioapic {
    /// `vioapic_reset`: every pin masked, IOREGSEL 0, the configured ID.
    fn new(config: VioapicConfig) -> Vioapic {
        let nr_pins = config.nr_pins.clamp(1, MAX_PINS);
        Vioapic {
            config: VioapicConfig { nr_pins, ..config },
            id: u32::from(config.id),
            ioregsel: 0,
            redirtbl: alloc::vec![RTE_MASK; nr_pins as usize],
            asserted: alloc::vec![false; nr_pins as usize],
        }
    }

    fn decodes(&self, addr: u64) -> bool {
        addr >= self.config.base_address && addr - self.config.base_address < VIOAPIC_MEM_LENGTH
    }

    /// Pin `pin`'s redirection entry, if it has one.
    pub fn rte(&self, pin: u32) -> Option<u64> {
        self.redirtbl.get(pin as usize).copied()
    }

    /// `vioapic_read_indirect`: the version with the pin count, the ID (in the arbitration
    /// field's place, for APIC_ID and ARB_ID alike), or half of a redirection entry; 0 for a
    /// register past the last pin.
    fn read_indirect(&self) -> u32 {
        match self.ioregsel {
            REG_VERSION => VIOAPIC_VERSION_ID | (self.config.nr_pins - 1) << 16,
            REG_APIC_ID | REG_ARB_ID => (self.id & 0xf) << 24,
            sel => {
                let index = sel.wrapping_sub(REG_RTE0) >> 1;
                match self.redirtbl.get(index as usize) {
                    Some(&rte) if sel & 1 == 1 => (rte >> 32) as u32,
                    Some(&rte) => rte as u32,
                    None => 0,
                }
            }
        }
    }
}

/// What a redirection-entry write asks of the caller once the irq lock is released.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unmasked {
    /// The GSI the hardware domain just unmasked (`vioapic_hwdom_map_gsi`'s arguments), to
    /// bind to the machine's GSI.
    pub gsi: u32,
    /// Level-triggered.
    pub level: bool,
    /// Active low.
    pub active_low: bool,
}

/// A domain's vIOAPICs.
#[derive(Debug, Default)]
pub struct Vioapics {
    ioapics: Vec<Vioapic>,
}

impl Vioapics {
    /// `vioapic_init` and `vioapic_reset` for `configs`.
    pub fn new(configs: &[VioapicConfig]) -> Vioapics {
        Vioapics {
            ioapics: configs.iter().map(|&c| Vioapic::new(c)).collect(),
        }
    }

    /// The vIOAPICs, in the order they were configured.
    pub fn list(&self) -> &[Vioapic] {
        &self.ioapics
    }

    /// `addr_vioapic`.
    fn at(&self, addr: u64) -> Option<&Vioapic> {
        self.ioapics.iter().find(|a| a.decodes(addr))
    }

    /// `vioapic_range`: whether `addr` is in one of the vIOAPICs' windows.
    pub fn range(&self, addr: u64) -> bool {
        self.at(addr).is_some()
    }

    /// `gsi_vioapic`: which vIOAPIC and pin `gsi` is.
    fn gsi_pin(&self, gsi: u32) -> Option<(usize, u32)> {
        self.ioapics
            .iter()
            .position(|a| gsi >= a.config.base_gsi && gsi - a.config.base_gsi < a.config.nr_pins)
            .map(|i| (i, gsi - self.ioapics[i].config.base_gsi))
    }

    /// `vioapic_read`: IOREGSEL, the window, or 0 for any other offset; whatever the access
    /// size, the 32-bit register is returned.
    pub fn read(&self, addr: u64) -> u32 {
        let Some(a) = self.at(addr) else { return 0 };
        match addr & 0xff {
            REG_SELECT => a.ioregsel,
            REG_WINDOW => a.read_indirect(),
            _ => 0,
        }
    }

    /// `vioapic_write`: IOREGSEL takes the whole value; the window writes the selected
    /// register; other offsets are ignored (version 0x11 has no EOI register). Delivers what the
    /// write makes deliverable to `vcpus`; returns the pin the hardware domain unmasked.
    pub fn write(&mut self, vcpus: &[Vcpu], addr: u64, val: u32) -> Option<Unmasked> {
        let i = self.ioapics.iter().position(|a| a.decodes(addr))?;
        match addr & 0xff {
            REG_SELECT => {
                self.ioapics[i].ioregsel = val;
                None
            }
            REG_WINDOW => self.write_indirect(vcpus, i, val),
            _ => None,
        }
    }

    /// `vioapic_write_indirect`: the version and arbitration registers ignore writes, the ID
    /// register keeps its 4-bit field, and a register past the last pin is ignored.
    fn write_indirect(&mut self, vcpus: &[Vcpu], i: usize, val: u32) -> Option<Unmasked> {
        let a = &mut self.ioapics[i];
        match a.ioregsel {
            REG_VERSION | REG_ARB_ID => None,
            REG_APIC_ID => {
                a.id = (val >> 24) & 0xf;
                None
            }
            sel => {
                let pin = sel.wrapping_sub(REG_RTE0) >> 1;
                if pin >= a.config.nr_pins {
                    return None;
                }
                self.write_redirent(vcpus, i, pin, sel & 1 == 1, val)
            }
        }
    }

    /// `vioapic_write_redirent`: the top word holds only the destination; the bottom word
    /// keeps Remote IRR and clears Delivery Status. An edge-triggered pin drops Remote IRR; an
    /// unmasked level-triggered pin whose line is asserted and that is not waiting for an EOI
    /// is delivered again. Unmasking a pin is reported for the hardware domain to bind its GSI.
    fn write_redirent(
        &mut self,
        vcpus: &[Vcpu],
        i: usize,
        pin: u32,
        top_word: bool,
        val: u32,
    ) -> Option<Unmasked> {
        let a = &mut self.ioapics[i];
        let gsi = a.config.base_gsi.wrapping_add(pin);
        let old = a.redirtbl[pin as usize];
        let mut ent;
        let mut unmasked = false;
        if top_word {
            ent = (old & 0xffff_ffff) | (u64::from(val) << 32);
        } else {
            ent = ((old >> 32) << 32) | u64::from(val);
            ent &= !(RTE_DELIVERY_STATUS | RTE_REMOTE_IRR);
            ent |= old & RTE_REMOTE_IRR;
            unmasked = old & RTE_MASK != 0 && ent & RTE_MASK == 0;
        }
        if ent & RTE_LEVEL_TRIG == 0 {
            ent &= !RTE_REMOTE_IRR;
        } else if ent & (RTE_MASK | RTE_REMOTE_IRR) == 0 && a.asserted[pin as usize] {
            ent |= RTE_REMOTE_IRR;
            deliver(vcpus, ent);
        }
        self.ioapics[i].redirtbl[pin as usize] = ent;
        unmasked.then_some(Unmasked {
            gsi,
            level: ent & RTE_LEVEL_TRIG != 0,
            active_low: ent & RTE_ACTIVE_LOW != 0,
        })
    }

    /// `vioapic_irq_positive_edge`: a rising edge on `gsi`. A masked pin ignores it; an
    /// edge-triggered one delivers; a level-triggered one delivers unless an EOI is still
    /// awaited (Remote IRR), and then awaits one.
    pub fn irq_positive_edge(&mut self, vcpus: &[Vcpu], gsi: u32) {
        let Some((i, pin)) = self.gsi_pin(gsi) else {
            return;
        };
        let ent = &mut self.ioapics[i].redirtbl[pin as usize];
        if *ent & RTE_MASK != 0 {
            return;
        }
        if *ent & RTE_LEVEL_TRIG == 0 {
            deliver(vcpus, *ent);
        } else if *ent & RTE_REMOTE_IRR == 0 {
            *ent |= RTE_REMOTE_IRR;
            deliver(vcpus, *ent);
        }
    }

    /// `hvm_gsi_assert` for the hardware domain's lines: an edge-triggered pin delivers at
    /// every assertion; a level-triggered line is delivered when it rises and then counts as
    /// asserted until [`gsi_deassert`](Self::gsi_deassert).
    pub fn gsi_assert(&mut self, vcpus: &[Vcpu], gsi: u32) {
        let Some((i, pin)) = self.gsi_pin(gsi) else {
            return;
        };
        let level = self.ioapics[i].redirtbl[pin as usize] & RTE_LEVEL_TRIG != 0;
        if !level || !self.ioapics[i].asserted[pin as usize] {
            if level {
                self.ioapics[i].asserted[pin as usize] = true;
            }
            self.irq_positive_edge(vcpus, gsi);
        }
    }

    /// `hvm_gsi_deassert`: a level-triggered line drops (an edge-triggered one has no level).
    pub fn gsi_deassert(&mut self, gsi: u32) {
        let Some((i, pin)) = self.gsi_pin(gsi) else {
            return;
        };
        if self.ioapics[i].redirtbl[pin as usize] & RTE_LEVEL_TRIG != 0 {
            self.ioapics[i].asserted[pin as usize] = false;
        }
    }

    /// `vioapic_update_EOI`: every pin programmed with `vector` leaves Remote IRR; a
    /// level-triggered one still asserted and unmasked is delivered again.
    pub fn update_eoi(&mut self, vcpus: &[Vcpu], vector: u8) {
        for i in 0..self.ioapics.len() {
            for pin in 0..self.ioapics[i].config.nr_pins {
                let ent = self.ioapics[i].redirtbl[pin as usize];
                if ent & RTE_VECTOR != u64::from(vector) {
                    continue;
                }
                let mut ent = ent & !RTE_REMOTE_IRR;
                let redeliver = ent & RTE_LEVEL_TRIG != 0
                    && ent & RTE_MASK == 0
                    && self.ioapics[i].asserted[pin as usize];
                if redeliver {
                    ent |= RTE_REMOTE_IRR;
                }
                self.ioapics[i].redirtbl[pin as usize] = ent;
                if redeliver {
                    deliver(vcpus, ent);
                }
            }
        }
    }
}

/// `vioapic_deliver`: a pin's interrupt to the vLAPICs its entry names, with the trigger mode
/// recorded in their TMR (`ioapic_inj_irq`). Lowest priority goes to one enabled matching vLAPIC
/// (`vlapic_lowest_prio`); fixed to every enabled matching one; NMI flags each matching vCPU.
/// Other modes are dropped ("Unsupported delivery mode"). Xen's IRQ0 special routing only
/// applies with an emulated PIT, which xen-rs has not.
fn deliver(vcpus: &[Vcpu], ent: u64) {
    let level = ent & RTE_LEVEL_TRIG != 0;
    let vector = (ent & RTE_VECTOR) as u8;
    // As `vlapic_match_dest(target, NULL, 0, dest, dest_mode)` sees it: vector, delivery and
    // destination mode, no shorthand, no source.
    let ipi = Ipi {
        icr_low: (ent as u32) & 0xfff,
        dest: (ent >> RTE_DEST_SHIFT) as u32,
        source: u32::MAX,
    };
    let request = |v: &Vcpu, only_if: fn(&crate::vlapic::Vlapic, &Ipi) -> bool| {
        let kick = {
            let mut st = v.state();
            only_if(&st.vlapic, &ipi) && st.vlapic.set_irq(vector, level)
        };
        if kick {
            v.unblock();
        }
    };
    match (ent >> RTE_DELIVERY_MODE_SHIFT) & 7 {
        DEST_LOWEST_PRIO => {
            if let Some(v) = lowest_prio(vcpus, &ipi) {
                request(v, |_, _| true);
            }
        }
        DEST_FIXED => {
            for v in vcpus {
                request(v, |l, ipi| l.enabled() && l.match_dest(ipi));
            }
        }
        DEST_NMI => {
            for v in vcpus {
                if v.state().vlapic.match_dest(&ipi) && v.raise_nmi() {
                    v.unblock();
                }
            }
        }
        _ => {}
    }
}

/// Whether guest-physical `addr` is in one of `d`'s vIOAPICs (`vioapic_range`): the vendor
/// layer asks before decoding a nested-page fault as a vIOAPIC access.
pub fn mmio_range<Fmt: P2mFormat>(d: &Domain<Fmt>, addr: u64) -> bool {
    d.vioapics.lock().range(addr)
}

/// `vioapic_read` at `addr`, under `d`'s irq lock.
pub fn mmio_read<Fmt: P2mFormat>(d: &Domain<Fmt>, addr: u64) -> u32 {
    d.vioapics.lock().read(addr)
}

/// `vioapic_write` of `val` at `addr`, under `d`'s irq lock, delivering to `d`'s vCPUs.
pub fn mmio_write<Fmt: P2mFormat>(d: &Domain<Fmt>, addr: u64, val: u32) -> Option<Unmasked> {
    d.vioapics.lock().write(d.vcpu_slots(), addr, val)
}

/// `vlapic_handle_EOI`'s part for the vIOAPICs: an EOI of `vector` on `v`, if the vector was
/// accepted level-triggered (its TMR bit), ends it at every pin programmed with it
/// (`vioapic_update_EOI`).
pub fn vlapic_eoi<Fmt: P2mFormat>(d: &Domain<Fmt>, v: &Vcpu, vector: u8) {
    if v.state().vlapic.tmr_test(vector) {
        d.vioapics.lock().update_eoi(d.vcpu_slots(), vector);
    }
}
