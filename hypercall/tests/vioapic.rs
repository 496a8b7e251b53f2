//! The virtual IO-APICs (Xen 4.17 xen/arch/x86/hvm/vioapic.c): the register window, the
//! redirection table's read-only bits, delivery to the domain's vLAPICs, and EOIs.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv};
use hypercall::domain::DomainConfig;
use hypercall::vioapic::{self, VioapicConfig, Vioapics, VIOAPIC_NUM_PINS};
use hypercall::vlapic::access;
use hypercall::vlapic::reg;
use proptest::prelude::*;

const T0: u64 = 1_000_000_000;
const BASE: u64 = 0xfec0_0000;
const SELECT: u64 = BASE;
const WINDOW: u64 = BASE + 0x10;

/// Domain 1 with `n` vCPUs, their APICs software-enabled, and the vIOAPICs of `configs`.
fn domain(n: u32, configs: &[VioapicConfig]) -> (TestHv, Arc<TestDomain>) {
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
        let _ = access::mmio_write(&hv.timers, &d, v, reg::SPIV, 4, 0x1ff, T0);
    }
    d.init_vioapics(configs);
    (hv, d)
}

fn domu(n: u32) -> (TestHv, Arc<TestDomain>) {
    domain(n, &[VioapicConfig::DOMU])
}

/// Selects register `reg` and reads the window.
fn read(d: &TestDomain, reg: u32) -> u32 {
    vioapic::mmio_write(d, SELECT, reg);
    vioapic::mmio_read(d, WINDOW)
}

/// Selects register `reg` and writes `val` through the window.
fn write(d: &TestDomain, reg: u32, val: u32) -> Option<vioapic::Unmasked> {
    vioapic::mmio_write(d, SELECT, reg);
    vioapic::mmio_write(d, WINDOW, val)
}

/// Programs pin `pin`: the top word (destination) first, then the bottom.
fn program(d: &TestDomain, pin: u32, low: u32, dest: u8) -> Option<vioapic::Unmasked> {
    write(d, 0x11 + 2 * pin, u32::from(dest) << 24);
    write(d, 0x10 + 2 * pin, low)
}

fn rte(d: &TestDomain, pin: u32) -> u64 {
    d.vioapics.lock().list()[0].rte(pin).unwrap()
}

fn irr(d: &TestDomain, id: usize, vec: u8) -> bool {
    d.vcpu_slots()[id].state().vlapic.irr_test(vec)
}

const LEVEL: u32 = 1 << 15;
const MASKED: u32 = 1 << 16;
const REMOTE_IRR: u64 = 1 << 14;
const LOWEST: u32 = 1 << 8;
const NMI: u32 = 4 << 8;
const LOGICAL: u32 = 1 << 11;

#[test]
fn registers_after_reset_are_vioapic_reset_and_read_indirect() {
    let (_hv, d) = domu(1);
    // vioapic_reset: IOREGSEL 0, every pin masked; a domU's one vIOAPIC is at
    // VIOAPIC_DEFAULT_BASE_ADDRESS with ID 0 and VIOAPIC_NUM_PINS pins.
    assert!(vioapic::mmio_range(&d, BASE) && vioapic::mmio_range(&d, BASE + 0xff));
    assert!(!vioapic::mmio_range(&d, BASE + 0x100) && !vioapic::mmio_range(&d, BASE - 1));
    assert_eq!(vioapic::mmio_read(&d, SELECT), 0);
    // vioapic_read_indirect: VERSION is 0x11 with entries = pins - 1 in bits 23:16.
    assert_eq!(read(&d, 1), 0x11 | (VIOAPIC_NUM_PINS - 1) << 16);
    assert_eq!(read(&d, 0), 0);
    assert_eq!(read(&d, 2), 0);
    for pin in 0..VIOAPIC_NUM_PINS {
        assert_eq!(read(&d, 0x10 + 2 * pin), MASKED, "pin {pin}");
        assert_eq!(read(&d, 0x11 + 2 * pin), 0, "pin {pin}");
    }
    // Past the last pin: 0 ("apic_mem_readl:undefined ioregsel").
    assert_eq!(read(&d, 0x10 + 2 * VIOAPIC_NUM_PINS), 0);
    // vioapic_read: any offset but IOREGSEL and IOWIN reads 0; IOREGSEL keeps all 32 bits.
    vioapic::mmio_write(&d, SELECT, 0xdead_beef);
    assert_eq!(vioapic::mmio_read(&d, SELECT), 0xdead_beef);
    assert_eq!(vioapic::mmio_read(&d, BASE + 0x40), 0);
    assert_eq!(vioapic::mmio_read(&d, BASE + 0x20), 0);
}

#[test]
fn id_version_and_arbitration_writes_are_vioapic_write_indirect() {
    let (_hv, d) = domu(1);
    // The ID keeps its 4-bit field (IO_APIC_reg_02.arbitration, bits 27:24), read back from
    // both APIC_ID and ARB_ID; VERSION and ARB_ID ignore writes.
    write(&d, 0, 0x0500_0000);
    assert_eq!(read(&d, 0), 0x0500_0000);
    write(&d, 0, 0xffff_ffff);
    assert_eq!(read(&d, 0), 0x0f00_0000);
    assert_eq!(read(&d, 2), 0x0f00_0000);
    write(&d, 2, 0);
    write(&d, 1, 0);
    assert_eq!(read(&d, 2), 0x0f00_0000);
    assert_eq!(read(&d, 1), 0x11 | (VIOAPIC_NUM_PINS - 1) << 16);
    // A write past the last pin, or at an offset other than IOREGSEL/IOWIN (no EOI register
    // below version 0x20), changes nothing.
    let before = d.vioapics.lock().list().to_vec();
    write(&d, 0x10 + 2 * VIOAPIC_NUM_PINS, 0);
    vioapic::mmio_write(&d, BASE + 0x40, 0x30);
    vioapic::mmio_write(&d, BASE + 0x20, 0x30);
    vioapic::mmio_write(&d, SELECT, 1);
    assert_eq!(d.vioapics.lock().list()[1..], before[1..]);
    assert_eq!(read(&d, 0x10), MASKED);
}

#[test]
fn redirection_entries_keep_remote_irr_and_clear_delivery_status() {
    let (_hv, d) = domu(1);
    // vioapic_write_redirent: the guest cannot set Delivery Status (bit 12) or Remote IRR (14).
    program(&d, 3, 0x0000_5031 | MASKED, 0x12);
    assert_eq!(rte(&d, 3), 0x1200_0000_0001_0031);
    // The top word is the destination only; the bottom word's write leaves it alone.
    assert_eq!(read(&d, 0x17), 0x1200_0000);
    // A pending level-triggered interrupt keeps its Remote IRR across a bottom-word write.
    program(&d, 4, LEVEL | 0x32, 0);
    d.vioapics.lock().gsi_assert(d.vcpu_slots(), 4);
    assert_ne!(rte(&d, 4) & REMOTE_IRR, 0);
    write(&d, 0x18, LEVEL | 0x33);
    assert_ne!(rte(&d, 4) & REMOTE_IRR, 0);
    // Switching it to edge drops Remote IRR.
    write(&d, 0x18, 0x33);
    assert_eq!(rte(&d, 4) & REMOTE_IRR, 0);
}

#[test]
fn unmasking_a_pin_is_reported_for_the_hardware_domain() {
    let (_hv, d) = domain(
        1,
        &[VioapicConfig {
            base_address: BASE,
            id: 2,
            base_gsi: 24,
            nr_pins: 8,
        }],
    );
    // The hardware domain's vIOAPIC mirrors the host's: its ID, its pins, its GSI base.
    assert_eq!(read(&d, 0), 2 << 24);
    assert_eq!(read(&d, 1), 0x11 | 7 << 16);
    // vioapic_write_redirent: `unmasked` is a bottom-word write clearing the mask, reported with
    // the pin's GSI, trigger and polarity (vioapic_hwdom_map_gsi's arguments).
    assert_eq!(write(&d, 0x11, 0), None);
    assert_eq!(write(&d, 0x10, 0x30 | MASKED), None);
    assert_eq!(
        write(&d, 0x12, 0x31 | LEVEL | 1 << 13),
        Some(vioapic::Unmasked {
            gsi: 25,
            level: true,
            active_low: true
        })
    );
    // Already unmasked: not reported again.
    assert_eq!(write(&d, 0x12, 0x31), None);
    // An edge-triggered, active-high pin.
    assert_eq!(write(&d, 0x14, 0x32 | MASKED), None);
    assert_eq!(
        write(&d, 0x14, 0x32),
        Some(vioapic::Unmasked {
            gsi: 26,
            level: false,
            active_low: false
        })
    );
    // The GSIs outside its range are not its pins.
    let mut io = d.vioapics.lock();
    io.gsi_assert(d.vcpu_slots(), 23);
    io.gsi_assert(d.vcpu_slots(), 32);
    drop(io);
    assert!(!irr(&d, 0, 0x31));
}

#[test]
fn edges_deliver_fixed_lowest_priority_and_nmi_as_vioapic_deliver() {
    let (hv, d) = domu(3);
    let v = d.vcpu_slots();
    // Fixed, physical destination 2 (vCPU 1's APIC ID): only vCPU 1, and it is kicked.
    program(&d, 1, 0x41, 2);
    v[1].block();
    d.vioapics.lock().irq_positive_edge(v, 1);
    assert!(irr(&d, 1, 0x41) && !irr(&d, 0, 0x41) && !irr(&d, 2, 0x41));
    assert!(!v[1].is_blocked());
    // Edge-triggered: TMR stays clear, so an EOI does not reach the vIOAPIC; no Remote IRR,
    // and every edge (or assertion) delivers again.
    assert!(!v[1].state().vlapic.tmr_test(0x41));
    assert_eq!(rte(&d, 1) & REMOTE_IRR, 0);
    access::ack_irq(&v[1], 0x41);
    d.vioapics.lock().irq_positive_edge(v, 1);
    assert!(irr(&d, 1, 0x41));
    access::ack_irq(&v[1], 0x41);
    d.vioapics.lock().gsi_assert(v, 1);
    assert!(irr(&d, 1, 0x41));
    access::ack_irq(&v[1], 0x41);
    d.vioapics.lock().gsi_assert(v, 1);
    assert!(irr(&d, 1, 0x41));
    assert_eq!(rte(&d, 1) & REMOTE_IRR, 0);
    // Masked: nothing.
    program(&d, 2, 0x42 | MASKED, 0xff);
    d.vioapics.lock().irq_positive_edge(v, 2);
    assert!((0..3).all(|i| !irr(&d, i, 0x42)));
    // Fixed broadcast: every enabled APIC; a software-disabled one is skipped.
    let _ = access::mmio_write(&hv.timers, &d, &v[2], reg::SPIV, 4, 0xff, T0);
    program(&d, 2, 0x42, 0xff);
    d.vioapics.lock().irq_positive_edge(v, 2);
    assert!(irr(&d, 0, 0x42) && irr(&d, 1, 0x42) && !irr(&d, 2, 0x42));
    // Lowest priority, logical flat destination of every APIC: exactly one enabled one.
    for vc in v {
        let _ = access::mmio_write(&hv.timers, &d, vc, reg::LDR, 4, 0xff << 24, T0);
    }
    program(&d, 5, 0x45 | LOWEST | LOGICAL, 0xff);
    d.vioapics.lock().irq_positive_edge(v, 5);
    assert_eq!((0..3).filter(|&i| irr(&d, i, 0x45)).count(), 1);
    assert!(!irr(&d, 2, 0x45));
    // vCPU 1 has 0x41 in service (PPR 0x40): vCPU 0 has the lowest priority.
    assert!(irr(&d, 0, 0x45));
    // NMI: flags the matching vCPU (its APIC need not be enabled), no vector requested.
    program(&d, 6, 0x46 | NMI, 4);
    d.vioapics.lock().irq_positive_edge(v, 6);
    assert!(v[2].take_nmi() && !v[0].take_nmi() && !v[1].take_nmi());
    assert!(!irr(&d, 2, 0x46));
    // Other delivery modes (SMI, INIT, ExtINT) are dropped.
    for mode in [2u32, 5, 7] {
        program(&d, 7, 0x47 | mode << 8, 0xff);
        d.vioapics.lock().irq_positive_edge(v, 7);
        assert!((0..3).all(|i| !irr(&d, i, 0x47)));
    }
}

#[test]
fn level_triggered_pins_wait_for_the_eoi_as_vioapic_update_eoi() {
    let (hv, d) = domu(1);
    let v = d.vcpu_slots();
    program(&d, 9, 0x59 | LEVEL, 0);
    // hvm_gsi_assert: the line rises, the pin is delivered with TMR set and awaits the EOI.
    d.vioapics.lock().gsi_assert(v, 9);
    assert!(irr(&d, 0, 0x59) && v[0].state().vlapic.tmr_test(0x59));
    assert_ne!(rte(&d, 9) & REMOTE_IRR, 0);
    // The guest takes it (IRR to ISR).
    access::ack_irq(&v[0], 0x59);
    assert!(!irr(&d, 0, 0x59));
    // While Remote IRR is set a new edge delivers nothing, and a second assertion of a line
    // already up is not an edge.
    d.vioapics.lock().irq_positive_edge(v, 9);
    d.vioapics.lock().gsi_assert(v, 9);
    assert!(!irr(&d, 0, 0x59));
    // The EOI with the line still up: Remote IRR again, and delivered again.
    let done = access::mmio_write(&hv.timers, &d, &v[0], reg::EOI, 4, 0, T0);
    assert_eq!(done.effects.eoi, Some(0x59));
    vioapic::vlapic_eoi(&d, &v[0], 0x59);
    assert!(irr(&d, 0, 0x59));
    assert_ne!(rte(&d, 9) & REMOTE_IRR, 0);
    // The line drops before the next EOI: Remote IRR clears and nothing more comes.
    access::ack_irq(&v[0], 0x59);
    d.vioapics.lock().gsi_deassert(9);
    let _ = access::mmio_write(&hv.timers, &d, &v[0], reg::EOI, 4, 0, T0);
    vioapic::vlapic_eoi(&d, &v[0], 0x59);
    assert_eq!(rte(&d, 9) & REMOTE_IRR, 0);
    assert!(!irr(&d, 0, 0x59));
    // An EOI of a vector accepted edge-triggered (TMR clear) does not touch the vIOAPIC.
    program(&d, 10, 0x5a | LEVEL, 0);
    d.vioapics.lock().gsi_assert(v, 10);
    assert_ne!(rte(&d, 10) & REMOTE_IRR, 0);
    v[0].state().vlapic.ack_pending_irq(0x5a);
    let _ = v[0].state().vlapic.set_irq(0x5a, false);
    vioapic::vlapic_eoi(&d, &v[0], 0x5a);
    assert_ne!(rte(&d, 10) & REMOTE_IRR, 0);
}

#[test]
fn unmasking_an_asserted_level_pin_delivers_it() {
    let (_hv, d) = domu(1);
    let v = d.vcpu_slots();
    // vioapic_write_redirent: a level-triggered pin unmasked while its line is asserted and no
    // EOI is awaited is delivered at once.
    program(&d, 11, 0x5b | LEVEL | MASKED, 0);
    d.vioapics.lock().gsi_assert(v, 11);
    assert!(!irr(&d, 0, 0x5b));
    // "A top word write should never trigger an interrupt injection", nor does a masked pin.
    write(&d, 0x11 + 2 * 11, 0);
    write(&d, 0x10 + 2 * 11, 0x5b | LEVEL | MASKED);
    assert!(!irr(&d, 0, 0x5b));
    assert_eq!(rte(&d, 11) & REMOTE_IRR, 0);
    program(&d, 11, 0x5b | LEVEL, 0);
    assert!(irr(&d, 0, 0x5b));
    assert_ne!(rte(&d, 11) & REMOTE_IRR, 0);
}

#[test]
fn several_vioapics_decode_their_own_windows_and_gsis() {
    let second = 0xfec0_1000;
    let (_hv, d) = domain(
        1,
        &[
            VioapicConfig {
                base_address: BASE,
                id: 0,
                base_gsi: 0,
                nr_pins: 24,
            },
            VioapicConfig {
                base_address: second,
                id: 1,
                base_gsi: 24,
                nr_pins: 32,
            },
        ],
    );
    assert!(vioapic::mmio_range(&d, second + 0x10));
    vioapic::mmio_write(&d, second, 1);
    assert_eq!(vioapic::mmio_read(&d, second + 0x10), 0x11 | 31 << 16);
    // The first's IOREGSEL is its own.
    assert_eq!(vioapic::mmio_read(&d, SELECT), 0);
    // GSI 30 is the second's pin 6.
    vioapic::mmio_write(&d, second, 0x10 + 12);
    vioapic::mmio_write(&d, second + 0x10, 0x66);
    d.vioapics.lock().irq_positive_edge(d.vcpu_slots(), 30);
    assert!(irr(&d, 0, 0x66));
}

#[test]
fn pin_counts_are_bounded() {
    // An IO-APIC has 1 to 256 pins (the version register's 8-bit entries field).
    let io = Vioapics::new(&[VioapicConfig {
        nr_pins: 0,
        ..VioapicConfig::DOMU
    }]);
    assert_eq!(io.list()[0].rte(0), Some(1 << 16));
    assert_eq!(io.list()[0].rte(1), None);
    let io = Vioapics::new(&[VioapicConfig {
        nr_pins: 100_000,
        ..VioapicConfig::DOMU
    }]);
    assert_eq!(io.list()[0].rte(255), Some(1 << 16));
    assert_eq!(io.list()[0].rte(256), None);
}

proptest! {
    /// Whatever a guest writes, in any order, reads back the way vioapic.c stores it: the
    /// model never panics, Delivery Status never reads set, and an edge-triggered pin never
    /// shows Remote IRR.
    #[test]
    fn any_register_traffic_keeps_the_read_only_bits(
        ops in prop::collection::vec((0u64..0x100, any::<u32>()), 1..200)
    ) {
        let (_hv, d) = domu(2);
        for (offset, val) in ops {
            vioapic::mmio_write(&d, BASE + offset, val);
            let _ = vioapic::mmio_read(&d, BASE + offset);
        }
        for pin in 0..VIOAPIC_NUM_PINS {
            let e = rte(&d, pin);
            prop_assert_eq!(e & 1 << 12, 0);
            if e & 1 << 15 == 0 {
                prop_assert_eq!(e & REMOTE_IRR, 0);
            }
        }
    }
}

/// A pin switched from level to edge while its line is up: irq.c `hvm_gsi_deassert` keeps no
/// state for an edge-triggered pin (the line stays up), an EOI of its vector does not deliver it
/// again (`vioapic_update_EOI` redelivers level-triggered pins only), and switched back to level
/// it is delivered at once (`vioapic_write_redirent`).
#[test]
fn a_pin_switched_between_level_and_edge_keeps_its_line() {
    let (hv, d) = domu(1);
    let v = d.vcpu_slots();
    program(&d, 12, 0x5c | LEVEL, 0);
    d.vioapics.lock().gsi_assert(v, 12);
    assert!(irr(&d, 0, 0x5c));
    access::ack_irq(&v[0], 0x5c);
    // To edge: Remote IRR drops; deasserting an edge pin changes nothing.
    write(&d, 0x10 + 2 * 12, 0x5c);
    assert_eq!(rte(&d, 12) & REMOTE_IRR, 0);
    d.vioapics.lock().gsi_deassert(12);
    // The EOI of its vector: nothing delivered.
    let _ = access::mmio_write(&hv.timers, &d, &v[0], reg::EOI, 4, 0, T0);
    d.vioapics.lock().update_eoi(v, 0x5c);
    assert!(!irr(&d, 0, 0x5c));
    assert_eq!(rte(&d, 12) & REMOTE_IRR, 0);
    // Back to level: the line is still up, so it is delivered.
    write(&d, 0x10 + 2 * 12, 0x5c | LEVEL);
    assert!(irr(&d, 0, 0x5c));
    assert_ne!(rte(&d, 12) & REMOTE_IRR, 0);
}

/// vlapic.c `vlapic_lowest_prio`: among equal processor priorities the round robin, which starts
/// after `round_robin_prev_vcpu` (0), picks vCPU 1 first.
#[test]
fn lowest_priority_ties_start_after_vcpu_0() {
    let (hv, d) = domu(3);
    let v = d.vcpu_slots();
    for vc in v {
        let _ = access::mmio_write(&hv.timers, &d, vc, reg::LDR, 4, 0xff << 24, T0);
    }
    program(&d, 5, 0x45 | LOWEST | LOGICAL, 0xff);
    d.vioapics.lock().irq_positive_edge(v, 5);
    assert!(irr(&d, 1, 0x45) && !irr(&d, 0, 0x45) && !irr(&d, 2, 0x45));
}
