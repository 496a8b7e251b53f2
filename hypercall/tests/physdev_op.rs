//! `__HYPERVISOR_physdev_op` for HVM/PVH callers as Xen 4.17 answers it without an IOMMU:
//! xen/arch/x86/hvm/hypercall.c `hvm_physdev_op` (what an HVM caller may reach),
//! xen/arch/x86/physdev.c `do_physdev_op`, xen/drivers/pci/physdev.c `pci_physdev_op`,
//! xen/drivers/passthrough/pci.c `pci_add_device` / `pci_remove_device` / `alloc_pdev` /
//! `pdev_type` / `apply_quirks`, xen/drivers/vpci (`vpci_add_handlers`, `init_bars`),
//! xen/arch/x86/x86_64/mmconfig-shared.c `pci_mmcfg_reserved`, xen/arch/x86/hvm/io.c
//! `register_vpci_mmcfg_handler`, xen/drivers/char/ehci-dbgp.c `dbgp_op`; over a fake
//! configuration space.

use crate::common::{self, TestDomain, TestHv, GUEST_BASE, HEAP_BASE};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use hypercall::dispatch::Outcome;
use hypercall::guest::FlatGuest;
use hypercall::pci::{MmcfgEntry, PdevType, MAX_PCI_DEVICES, MAX_PCI_SEGMENTS};
use hypercall::vpci::{MmcfgRegion, PciConfigSpace, Sbdf};
use hypercall::Errno;
use xen_public::arch_x86::xen::{XEN_X86_EMU_IOAPIC, XEN_X86_EMU_LAPIC, XEN_X86_EMU_VPCI};
use xen_public::physdev::*;
use xen_public::xen::__HYPERVISOR_physdev_op;

/// Xen 4.17's PVH hardware domain (xen/arch/x86/setup.c `create_dom0`).
const PVH_DOM0: u32 = XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_VPCI;

/// A guest address nothing is mapped at.
const BAD: u64 = 0xdead_0000;

/// Functions' configuration spaces (4 KiB each), the rest reading all ones; records writes.
#[derive(Clone, Default)]
struct FakePci(Arc<Mutex<FakeState>>);

#[derive(Default)]
struct FakeState {
    spaces: BTreeMap<(u16, u16), Vec<u8>>,
    writes: usize,
}

impl FakePci {
    /// A function at `seg:bus:devfn` with vendor/device, class, header type and status.
    fn add(&self, seg: u16, bus: u8, devfn: u8, id: (u16, u16), class: u16, header: u8) {
        let mut space = vec![0u8; 4096];
        space[0..2].copy_from_slice(&id.0.to_le_bytes());
        space[2..4].copy_from_slice(&id.1.to_le_bytes());
        space[0x0a..0x0c].copy_from_slice(&class.to_le_bytes());
        space[0x0e] = header;
        self.0
            .lock()
            .unwrap()
            .spaces
            .insert((seg, u16::from(bus) << 8 | u16::from(devfn)), space);
    }

    /// Sets bytes of a function's space.
    fn poke(&self, seg: u16, bus: u8, devfn: u8, reg: usize, bytes: &[u8]) {
        let mut st = self.0.lock().unwrap();
        let space = st
            .spaces
            .get_mut(&(seg, u16::from(bus) << 8 | u16::from(devfn)))
            .expect("a function");
        space[reg..reg + bytes.len()].copy_from_slice(bytes);
    }

    /// Adds capability `id` at `pos` (linked first in the list) with `body` after its header.
    fn cap(&self, seg: u16, bus: u8, devfn: u8, pos: u8, id: u8, body: &[u8]) {
        let next = {
            let st = self.0.lock().unwrap();
            let space = &st.spaces[&(seg, u16::from(bus) << 8 | u16::from(devfn))];
            if space[0x06] & 0x10 != 0 {
                space[0x34]
            } else {
                0
            }
        };
        self.poke(seg, bus, devfn, 0x06, &[0x10]);
        self.poke(seg, bus, devfn, 0x34, &[pos]);
        self.poke(seg, bus, devfn, usize::from(pos), &[id, next]);
        self.poke(seg, bus, devfn, usize::from(pos) + 2, body);
    }

    fn writes(&self) -> usize {
        self.0.lock().unwrap().writes
    }
}

impl PciConfigSpace for FakePci {
    fn read(&self, sbdf: Sbdf, reg: u32, size: u32) -> u32 {
        assert!(
            matches!(size, 1 | 2 | 4) && reg.is_multiple_of(size),
            "{reg:#x}/{size}"
        );
        let st = self.0.lock().unwrap();
        let Some(space) = st.spaces.get(&(sbdf.seg, sbdf.bdf)) else {
            return if size == 4 {
                u32::MAX
            } else {
                (1 << (8 * size)) - 1
            };
        };
        let mut v = 0u32;
        for i in 0..size as usize {
            v |= u32::from(space[reg as usize + i]) << (8 * i);
        }
        v
    }

    fn write(&self, _: Sbdf, _: u32, _: u32, _: u32) {
        self.0.lock().unwrap().writes += 1;
    }
}

/// A hypervisor over `pci`, with dom0 created with `emulation_flags`, and an empty guest.
fn setup(pci: &FakePci, emulation_flags: u32) -> (TestHv, Arc<TestDomain>, FlatGuest) {
    let hv = TestHv::on_arena(HEAP_BASE, 256)
        .expect("a heap")
        .with_pci_config(Box::new(pci.clone()));
    let mut cfg = common::pvh_config(true);
    cfg.emulation_flags = emulation_flags;
    let dom0 = hv.create_domain(Some(0), cfg).expect("dom0");
    dom0.state().controller_pause_count = 0;
    (hv, dom0, common::guest())
}

fn domu(hv: &TestHv) -> Arc<TestDomain> {
    let mut cfg = common::pvh_config(false);
    cfg.emulation_flags = XEN_X86_EMU_LAPIC;
    hv.create_domain(Some(1), cfg).expect("a domU")
}

fn physdev(hv: &TestHv, d: &Arc<TestDomain>, g: &mut FlatGuest, cmd: u32, arg: u64) -> i64 {
    match common::hypercall(
        hv,
        d,
        g,
        __HYPERVISOR_physdev_op,
        [u64::from(cmd), arg, 0, 0, 0],
    ) {
        Outcome::Return(v) => v,
        c => panic!("physdev_op {cmd} continued: {c:?}"),
    }
}

fn err(e: Errno) -> i64 {
    e.negated()
}

const fn devfn(dev: u8, func: u8) -> u8 {
    dev << 3 | func
}

/// PHYSDEVOP_pci_device_add of `seg:bus:devfn` with `flags`, `physfn` and, when given, the
/// proximity domain in optarr[0].
#[allow(clippy::too_many_arguments)]
fn add(
    hv: &TestHv,
    d: &Arc<TestDomain>,
    g: &mut FlatGuest,
    seg: u16,
    bus: u8,
    devfn: u8,
    flags: u32,
    physfn: (u8, u8),
) -> i64 {
    let a = physdev_pci_device_add {
        seg,
        bus,
        devfn,
        flags,
        physfn: [physfn.0, physfn.1],
        ..Default::default()
    };
    g.put(GUEST_BASE, &a);
    physdev(hv, d, g, PHYSDEVOP_pci_device_add, GUEST_BASE)
}

fn remove(hv: &TestHv, d: &Arc<TestDomain>, g: &mut FlatGuest, seg: u16, bus: u8, df: u8) -> i64 {
    let r = physdev_pci_device {
        seg,
        bus,
        devfn: df,
    };
    g.put(GUEST_BASE, &r);
    physdev(hv, d, g, PHYSDEVOP_pci_device_remove, GUEST_BASE)
}

fn mmcfg(
    hv: &TestHv,
    d: &Arc<TestDomain>,
    g: &mut FlatGuest,
    address: u64,
    segment: u16,
    buses: (u8, u8),
    flags: u32,
) -> i64 {
    let r = physdev_pci_mmcfg_reserved {
        address,
        segment,
        start_bus: buses.0,
        end_bus: buses.1,
        flags,
    };
    g.put(GUEST_BASE, &r);
    physdev(hv, d, g, PHYSDEVOP_pci_mmcfg_reserved, GUEST_BASE)
}

/// QEMU's i440FX machine: host bridge, PIIX3 (multi-function), IDE, ACPI, VGA.
fn i440fx() -> FakePci {
    let pci = FakePci::default();
    pci.add(0, 0, devfn(0, 0), (0x8086, 0x1237), 0x0600, 0);
    pci.add(0, 0, devfn(1, 0), (0x8086, 0x7000), 0x0601, 0x80);
    pci.add(0, 0, devfn(1, 1), (0x8086, 0x7010), 0x0101, 0);
    pci.add(0, 0, devfn(1, 3), (0x8086, 0x7113), 0x0680, 0);
    pci.add(0, 0, devfn(2, 0), (0x1234, 0x1111), 0x0300, 0);
    pci
}

// hvm_physdev_op: an HVM caller reaches only pci_mmcfg_reserved, pci_device_add,
// pci_device_remove and dbgp_op (hardware domain), and the PIRQ commands (with USE_PIRQ);
// everything else is ENOSYS before the argument is read.
#[test]
fn an_hvm_caller_reaches_only_the_hardware_domains_pci_commands() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    for cmd in [
        PHYSDEVOP_IRQ_UNMASK_NOTIFY,
        PHYSDEVOP_irq_status_query,
        PHYSDEVOP_set_iopl,
        PHYSDEVOP_set_iobitmap,
        PHYSDEVOP_apic_read,
        PHYSDEVOP_apic_write,
        PHYSDEVOP_alloc_irq_vector,
        PHYSDEVOP_free_irq_vector,
        PHYSDEVOP_eoi,
        PHYSDEVOP_map_pirq,
        PHYSDEVOP_unmap_pirq,
        PHYSDEVOP_manage_pci_add,
        PHYSDEVOP_manage_pci_remove,
        PHYSDEVOP_pirq_eoi_gmfn_v1,
        PHYSDEVOP_restore_msi,
        PHYSDEVOP_manage_pci_add_ext,
        PHYSDEVOP_setup_gsi,
        PHYSDEVOP_get_free_pirq,
        PHYSDEVOP_restore_msi_ext,
        PHYSDEVOP_pirq_eoi_gmfn_v2,
        PHYSDEVOP_prepare_msix,
        PHYSDEVOP_release_msix,
        0,
        18,
        22,
        32,
        99,
        u32::MAX,
    ] {
        assert_eq!(
            physdev(&hv, &dom0, &mut g, cmd, BAD),
            err(Errno::ENOSYS),
            "{cmd}"
        );
    }
    // The four the hardware domain may use read their argument: a bad handle is EFAULT.
    for cmd in [
        PHYSDEVOP_pci_mmcfg_reserved,
        PHYSDEVOP_pci_device_add,
        PHYSDEVOP_pci_device_remove,
        PHYSDEVOP_dbgp_op,
    ] {
        assert_eq!(
            physdev(&hv, &dom0, &mut g, cmd, BAD),
            err(Errno::EFAULT),
            "{cmd}"
        );
    }
    // The command is an int: the upper half of the register is not part of it.
    let upper = 1 << 32 | u64::from(PHYSDEVOP_pci_device_add);
    let args = [upper, BAD, 0, 0, 0];
    assert_eq!(
        common::hypercall(&hv, &dom0, &mut g, __HYPERVISOR_physdev_op, args),
        Outcome::Return(err(Errno::EFAULT))
    );
    assert!(hv.pci.devices().is_empty());
}

// hvm_physdev_op: `!is_hardware_domain(currd)` -> ENOSYS for the PCI commands; a domU
// without USE_PIRQ gets ENOSYS for the PIRQ ones too.
#[test]
fn a_domu_gets_enosys_for_every_command() {
    let pci = i440fx();
    let (hv, _dom0, mut g) = setup(&pci, PVH_DOM0);
    let du = domu(&hv);
    add_payload(&mut g, 0, 0, 0);
    for cmd in 0..64 {
        assert_eq!(
            physdev(&hv, &du, &mut g, cmd, GUEST_BASE),
            err(Errno::ENOSYS),
            "{cmd}"
        );
    }
    assert!(hv.pci.devices().is_empty());
}

fn add_payload(g: &mut FlatGuest, seg: u16, bus: u8, df: u8) {
    g.put(
        GUEST_BASE,
        &physdev_pci_device_add {
            seg,
            bus,
            devfn: df,
            ..Default::default()
        },
    );
}

// pci_add_device: a new function is recorded (alloc_pdev), owned by the hardware domain,
// set up by vPCI; reporting it again changes nothing and answers 0.
#[test]
fn the_hardware_domain_reports_its_functions() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    for df in [
        devfn(0, 0),
        devfn(1, 0),
        devfn(1, 1),
        devfn(1, 3),
        devfn(2, 0),
    ] {
        assert_eq!(add(&hv, &dom0, &mut g, 0, 0, df, 0, (0, 0)), 0, "{df:#x}");
    }
    let devs = hv.pci.devices();
    assert_eq!(devs.len(), 5);
    assert!(devs.iter().all(|d| d.owner == Some(0)));
    assert_eq!(devs[0].kind, PdevType::HostBridge);
    assert_eq!(devs[1].kind, PdevType::Pci);
    assert_eq!(devs[4].kind, PdevType::Pci);
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, devfn(1, 1), 0, (0, 0)), 0);
    assert_eq!(hv.pci.devices(), devs);
    // Nothing is written to the devices (xen-rs's vPCI does not size BARs).
    assert_eq!(pci.writes(), 0);
}

// vpci_add_handlers -> init_bars: a header type other than normal (0) or bridge (1) is
// EOPNOTSUPP, which is also what a function that does not answer gets (0xff & 0x7f); the
// record stays without an owner (pci_add_device's `pdev->domain = NULL` on failure).
#[test]
fn vpci_refuses_what_it_cannot_set_up_and_the_record_stays() {
    let pci = i440fx();
    pci.add(0, 0, devfn(5, 0), (0x104c, 0xac50), 0x0607, 2); // a CardBus bridge
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    for df in [devfn(5, 0), devfn(31, 7)] {
        assert_eq!(
            add(&hv, &dom0, &mut g, 0, 0, df, 0, (0, 0)),
            err(Errno::EOPNOTSUPP)
        );
        let d = hv.pci.device(0, 0, df).expect("recorded");
        assert_eq!(d.owner, None);
        // Again: set-up is tried again, and fails again.
        assert_eq!(
            add(&hv, &dom0, &mut g, 0, 0, df, 0, (0, 0)),
            err(Errno::EOPNOTSUPP)
        );
    }
    assert_eq!(
        hv.pci.device(0, 0, devfn(31, 7)).unwrap().kind,
        PdevType::Unknown
    );
    // A multi-function normal header (0x80) is fine.
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, devfn(1, 0), 0, (0, 0)), 0);
    // pci_remove_device of a record without an owner: iommu_remove_device's EINVAL, and the
    // record goes all the same. (Upstream Xen; 4.17's vpci_remove_device reads the missing
    // owner first and panics, which is why no conformance case does this.)
    assert_eq!(
        remove(&hv, &dom0, &mut g, 0, 0, devfn(31, 7)),
        err(Errno::EINVAL)
    );
    assert_eq!(
        remove(&hv, &dom0, &mut g, 0, 0, devfn(31, 7)),
        err(Errno::ENODEV)
    );
    assert!(hv.pci.device(0, 0, devfn(31, 7)).is_none());
}

// vpci_add_handlers: `if ( !has_vpci(pdev->domain) ) return 0;` a hardware domain without
// vPCI (a PV dom0 in Xen) is given any function it reports.
#[test]
fn without_vpci_every_function_is_accepted() {
    let pci = FakePci::default();
    pci.add(0, 0, devfn(5, 0), (0x104c, 0xac50), 0x0607, 2);
    let (hv, dom0, mut g) = setup(&pci, XEN_X86_EMU_LAPIC);
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, devfn(5, 0), 0, (0, 0)), 0);
    assert_eq!(add(&hv, &dom0, &mut g, 0, 3, devfn(0, 0), 0, (0, 0)), 0);
    assert_eq!(hv.pci.device(0, 3, 0).unwrap().owner, Some(0));
    assert_eq!(remove(&hv, &dom0, &mut g, 0, 3, 0), 0);
}

// pci_remove_device: xsm_resource_unplug_pci, then `if ( !pseg ) return -ENODEV`, then the
// function or ENODEV; a removed function can be reported again.
#[test]
fn removal_forgets_the_function() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, devfn(2, 0), 0, (0, 0)), 0);
    assert_eq!(
        remove(&hv, &dom0, &mut g, 0, 0, devfn(2, 1)),
        err(Errno::ENODEV)
    );
    assert_eq!(
        remove(&hv, &dom0, &mut g, 0, 1, devfn(2, 0)),
        err(Errno::ENODEV)
    );
    assert_eq!(
        remove(&hv, &dom0, &mut g, 7, 0, devfn(2, 0)),
        err(Errno::ENODEV)
    );
    assert_eq!(remove(&hv, &dom0, &mut g, 0, 0, devfn(2, 0)), 0);
    assert!(hv.pci.devices().is_empty());
    assert_eq!(
        remove(&hv, &dom0, &mut g, 0, 0, devfn(2, 0)),
        err(Errno::ENODEV)
    );
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, devfn(2, 0), 0, (0, 0)), 0);
    assert_eq!(hv.pci.device(0, 0, devfn(2, 0)).unwrap().owner, Some(0));
}

// alloc_pseg: reporting a function on a new segment makes the segment known, even when the
// function cannot be set up (pci_conf_read* without MMCFG reads all ones there).
#[test]
fn a_new_segment_is_known_from_its_first_report() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    assert!(hv.pci.known_segment(0));
    assert!(!hv.pci.known_segment(5));
    assert_eq!(
        add(&hv, &dom0, &mut g, 5, 0, 0, 0, (0, 0)),
        err(Errno::EOPNOTSUPP)
    );
    assert!(hv.pci.known_segment(5));
    assert_eq!(remove(&hv, &dom0, &mut g, 5, 0, 0), err(Errno::EINVAL));
    // The segment stays; its function does not.
    assert!(hv.pci.known_segment(5));
    assert_eq!(remove(&hv, &dom0, &mut g, 5, 0, 0), err(Errno::ENODEV));
}

// pdev_type: host bridge, PCI bridges by their PCI Express port type, endpoints by the PCI
// Express capability, class 0xffff unknown, the rest conventional PCI; alloc_pdev reads a
// bridge's secondary and subordinate buses and an endpoint's phantom stride
// (`8 >> MASK_EXTR(cap, PCI_EXP_DEVCAP_PHANTOM)`, none for a function at or past it).
#[test]
fn functions_are_classified_as_pdev_type_does() {
    let pci = FakePci::default();
    // A legacy PCI-PCI bridge to buses 2..=4.
    pci.add(0, 0, devfn(3, 0), (0x8086, 0x244e), 0x0604, 1);
    pci.poke(0, 0, devfn(3, 0), 0x19, &[2, 4]);
    // A PCI Express root port (type 4), a PCIe-to-PCI bridge (7) to bus 5, a PCI-to-PCIe
    // bridge (8).
    for (dev, ty) in [(4u8, 4u8), (5, 7), (6, 8)] {
        pci.add(0, 0, devfn(dev, 0), (0x8086, 0x1000), 0x0604, 1);
        pci.cap(0, 0, devfn(dev, 0), 0x40, 0x10, &[ty << 4, 0]);
    }
    pci.poke(0, 0, devfn(5, 0), 0x19, &[5, 5]);
    // PCI Express endpoints: with phantom functions (field 1: stride 4) at function 0 and at
    // function 5, and with field 3 (stride 1).
    for (df, field) in [(devfn(7, 0), 1u8), (devfn(7, 5), 1), (devfn(8, 0), 3)] {
        pci.add(0, 1, df, (0x8086, 0x10d3), 0x0200, 0);
        // An MSI capability first, then PCI Express: the walk follows the list.
        pci.cap(0, 1, df, 0x50, 0x10, &[0x02, 0, field << 3, 0]);
        pci.cap(0, 1, df, 0x70, 0x05, &[0, 0]);
    }
    // A PCI Express endpoint without phantom functions.
    pci.add(0, 1, devfn(10, 0), (0x8086, 0x10d3), 0x0200, 0);
    pci.cap(0, 1, devfn(10, 0), 0x50, 0x10, &[0x02, 0, 0x07, 0]);
    // Class 0 (pre-PCI 2.0) with no capability: conventional PCI.
    pci.add(0, 1, devfn(9, 0), (0x1af4, 0x1000), 0x0000, 0);
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    for (bus, df) in [
        (0, devfn(3, 0)),
        (0, devfn(4, 0)),
        (0, devfn(5, 0)),
        (0, devfn(6, 0)),
        (1, devfn(7, 0)),
        (1, devfn(7, 5)),
        (1, devfn(8, 0)),
        (1, devfn(9, 0)),
        (1, devfn(10, 0)),
    ] {
        assert_eq!(
            add(&hv, &dom0, &mut g, 0, bus, df, 0, (0, 0)),
            0,
            "{bus}:{df:#x}"
        );
    }
    let d = |bus, df| hv.pci.device(0, bus, df).unwrap();
    assert_eq!(d(0, devfn(3, 0)).kind, PdevType::LegacyPciBridge);
    assert_eq!(d(0, devfn(3, 0)).bridge_buses, Some((2, 4)));
    assert_eq!(d(0, devfn(4, 0)).kind, PdevType::PcieBridge);
    assert_eq!(d(0, devfn(4, 0)).bridge_buses, None);
    assert_eq!(d(0, devfn(5, 0)).kind, PdevType::Pcie2PciBridge);
    assert_eq!(d(0, devfn(5, 0)).bridge_buses, Some((5, 5)));
    assert_eq!(d(0, devfn(6, 0)).kind, PdevType::Pci2PcieBridge);
    assert_eq!(d(1, devfn(7, 0)).kind, PdevType::PcieEndpoint);
    assert_eq!(d(1, devfn(7, 0)).phantom_stride, 4);
    assert_eq!(d(1, devfn(7, 5)).phantom_stride, 0);
    assert_eq!(d(1, devfn(8, 0)).phantom_stride, 1);
    assert_eq!(d(1, devfn(9, 0)).kind, PdevType::Pci);
    assert_eq!(d(1, devfn(9, 0)).phantom_stride, 0);
    assert_eq!(d(1, devfn(10, 0)).kind, PdevType::PcieEndpoint);
    assert_eq!(d(1, devfn(10, 0)).phantom_stride, 0);
    // vPCI found the MSI capability (init_msi) and no MSI-X.
    assert_eq!(d(1, devfn(7, 0)).msi_pos, 0x70);
    assert_eq!(d(1, devfn(7, 0)).msix_pos, 0);
}

// pci_find_cap_offset: no capability list without PCI_STATUS_CAP_LIST; the walk stops at a
// pointer below 0x40, at an ID of 0xff, and after 48 entries; pointers are masked to dwords.
#[test]
fn capability_walks_stop_as_xens_do() {
    use hypercall::pci::find_cap_offset;
    let pci = FakePci::default();
    let s = |df| hypercall::pci::sbdf(0, 0, df);
    // The list is there but the status bit is not.
    pci.add(0, 0, 1, (1, 1), 0x0200, 0);
    pci.poke(0, 0, 1, 0x34, &[0x40]);
    pci.poke(0, 0, 1, 0x40, &[0x11, 0]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0);
    pci.poke(0, 0, 1, 0x06, &[0x10]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0x40);
    // An unaligned pointer is masked (0x43 -> 0x40).
    pci.poke(0, 0, 1, 0x34, &[0x43]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0x40);
    // A pointer below 0x40 ends the list.
    pci.poke(0, 0, 1, 0x34, &[0x3c]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0);
    // An ID of 0xff ends it.
    pci.poke(0, 0, 1, 0x34, &[0x40]);
    pci.poke(0, 0, 1, 0x40, &[0xff, 0x50]);
    pci.poke(0, 0, 1, 0x50, &[0x11, 0]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0);
    // A loop is walked 48 times, then given up.
    pci.poke(0, 0, 1, 0x40, &[0x01, 0x40]);
    assert_eq!(find_cap_offset(&pci, s(1), 0x11), 0);
    assert_eq!(find_cap_offset(&pci, s(1), 0x01), 0x40);
    // Nothing answers: the status reads all ones, the pointer 0xff, the ID 0xff.
    assert_eq!(find_cap_offset(&pci, s(2), 0x11), 0);
}

// pci_find_ext_capability: nothing when the extended space reads 0 or all ones; a chain
// from 0x100 followed by `(header >> 20) & 0xffc` until below 0x100.
#[test]
fn extended_capabilities_are_found_from_0x100() {
    use hypercall::pci::find_ext_capability;
    let pci = FakePci::default();
    let s = hypercall::pci::sbdf(0, 0, 1);
    pci.add(0, 0, 1, (1, 1), 0x0200, 0);
    assert_eq!(find_ext_capability(&pci, s, 16), 0);
    // An extended space of zeroes has nothing, not even a capability 0 at 0x100.
    assert_eq!(find_ext_capability(&pci, s, 0), 0);
    // The list ends at a next pointer below 0x100; the walk does not go on from there (here it
    // would read the header's IDs, whose "next" field points at 0x160).
    pci.add(0, 0, 3, (0x8086, 0x1600), 0x0200, 0);
    pci.poke(0, 0, 3, 0x100, &(1u32 | 1 << 16).to_le_bytes());
    pci.poke(0, 0, 3, 0x160, &(16u32 | 1 << 16).to_le_bytes());
    let s3 = hypercall::pci::sbdf(0, 0, 3);
    assert_eq!(find_ext_capability(&pci, s3, 1), 0x100);
    assert_eq!(find_ext_capability(&pci, s3, 16), 0);
    // AER (1) at 0x100 -> SR-IOV (16) at 0x160.
    pci.poke(
        0,
        0,
        1,
        0x100,
        &(1u32 | 1 << 16 | 0x160 << 20).to_le_bytes(),
    );
    pci.poke(0, 0, 1, 0x160, &(16u32 | 1 << 16).to_le_bytes());
    assert_eq!(find_ext_capability(&pci, s, 16), 0x160);
    assert_eq!(find_ext_capability(&pci, s, 1), 0x100);
    assert_eq!(find_ext_capability(&pci, s, 2), 0);
    // Not answering (all ones).
    assert_eq!(
        find_ext_capability(&pci, hypercall::pci::sbdf(0, 0, 2), 1),
        0
    );
    // The SR-IOV capability's place is recorded when the physical function is reported.
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, 1, 0, (0, 0)), 0);
    assert_eq!(hv.pci.device(0, 0, 1).unwrap().sriov_pos, 0x160);
}

// pci_physdev_op PHYSDEVOP_pci_device_add: XEN_PCI_DEV_EXTFN and XEN_PCI_DEV_VIRTFN become
// pdev->info; a virtual function whose physical function is unknown has it added first
// (pci_add_device(seg, physfn..., NULL)); a virtual function's is_extfn is its physical
// function's.
#[test]
fn extended_and_virtual_functions() {
    let pci = FakePci::default();
    for df in [devfn(0, 0), devfn(0, 1), devfn(16, 0), devfn(16, 1)] {
        pci.add(0, 2, df, (0x8086, 0x10c9), 0x0200, 0);
    }
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    // An ARI extended function.
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            2,
            devfn(0, 1),
            XEN_PCI_DEV_EXTFN,
            (0, 0)
        ),
        0
    );
    let d = hv.pci.device(0, 2, devfn(0, 1)).unwrap();
    assert!(d.info.is_extfn && !d.info.is_virtfn);
    // A virtual function of it: its is_extfn follows the physical function's.
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            2,
            devfn(16, 1),
            XEN_PCI_DEV_VIRTFN,
            (2, devfn(0, 1))
        ),
        0
    );
    let vf = hv.pci.device(0, 2, devfn(16, 1)).unwrap();
    assert!(vf.info.is_virtfn && vf.info.is_extfn);
    assert_eq!(vf.info.physfn, (2, devfn(0, 1)));
    // A virtual function whose physical function was never reported: that one is added.
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            2,
            devfn(16, 0),
            XEN_PCI_DEV_VIRTFN | XEN_PCI_DEV_EXTFN,
            (2, devfn(0, 0))
        ),
        0
    );
    let pf = hv
        .pci
        .device(0, 2, devfn(0, 0))
        .expect("the physical function");
    assert_eq!(pf.owner, Some(0));
    assert!(!pf.info.is_virtfn && !pf.info.is_extfn);
    assert!(!hv.pci.device(0, 2, devfn(16, 0)).unwrap().info.is_extfn);
    // A virtual function's own SR-IOV capability is not looked for (only a physical
    // function's is: `!pdev->info.is_virtfn`).
    pci.poke(0, 2, devfn(16, 1), 0x100, &(16u32 | 1 << 16).to_le_bytes());
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            2,
            devfn(16, 1),
            XEN_PCI_DEV_VIRTFN,
            (2, devfn(0, 1))
        ),
        0
    );
    assert_eq!(hv.pci.device(0, 2, devfn(16, 1)).unwrap().sriov_pos, 0);
    // A physical function that does not answer is recorded without an owner; its failure is
    // not the virtual function's.
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            2,
            devfn(16, 0),
            XEN_PCI_DEV_VIRTFN,
            (3, 0)
        ),
        0
    );
    assert_eq!(hv.pci.device(0, 3, 0).unwrap().owner, None);
    // The flags of a later report replace the earlier ones; unknown bits are ignored.
    assert_eq!(add(&hv, &dom0, &mut g, 0, 2, devfn(0, 1), 0xf0, (0, 0)), 0);
    assert_eq!(
        hv.pci.device(0, 2, devfn(0, 1)).unwrap().info,
        hypercall::pci::PciDevInfo::default()
    );
}

// pci_physdev_op: with XEN_PCI_DEV_PXM, optarr[0] (4 bytes at offset 12) is read too; if it
// cannot be, EFAULT and nothing is added.
#[test]
fn the_proximity_domain_is_read_after_the_fixed_part() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    let a = physdev_pci_device_add {
        devfn: devfn(2, 0),
        flags: XEN_PCI_DEV_PXM,
        ..Default::default()
    };
    g.put(GUEST_BASE, &a);
    g.put(GUEST_BASE + PHYSDEV_PCI_DEVICE_ADD_OPTARR, &7u32);
    assert_eq!(
        physdev(&hv, &dom0, &mut g, PHYSDEVOP_pci_device_add, GUEST_BASE),
        0
    );
    assert_eq!(hv.pci.device(0, 0, devfn(2, 0)).unwrap().pxm, Some(7));
    // The fixed part ends the guest's memory: the proximity domain is out of reach.
    let end = GUEST_BASE + common::GUEST_BYTES as u64 - 12;
    let a = physdev_pci_device_add {
        devfn: devfn(1, 1),
        flags: XEN_PCI_DEV_PXM,
        ..Default::default()
    };
    g.put(end, &a);
    assert_eq!(
        physdev(&hv, &dom0, &mut g, PHYSDEVOP_pci_device_add, end),
        err(Errno::EFAULT)
    );
    assert!(hv.pci.device(0, 0, devfn(1, 1)).is_none());
    // Without the flag the same 12 bytes are enough.
    g.put(end, &physdev_pci_device_add { flags: 0, ..a });
    assert_eq!(
        physdev(&hv, &dom0, &mut g, PHYSDEVOP_pci_device_add, end),
        0
    );
    assert_eq!(hv.pci.device(0, 0, devfn(1, 1)).unwrap().pxm, None);
}

// The record is bounded: one entry per segment/bus/devfn, at most MAX_PCI_DEVICES functions
// and MAX_PCI_SEGMENTS segments; past that, ENOMEM (Xen's answer when xzalloc fails), and a
// function already recorded can still be reported.
#[test]
fn the_record_is_bounded() {
    let pci = FakePci::default();
    let (hv, dom0, mut g) = setup(&pci, XEN_X86_EMU_LAPIC);
    for i in 0..MAX_PCI_DEVICES {
        let (bus, df) = ((i >> 8) as u8, i as u8);
        assert_eq!(add(&hv, &dom0, &mut g, 0, bus, df, 0, (0, 0)), 0);
    }
    let next = MAX_PCI_DEVICES;
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            (next >> 8) as u8,
            next as u8,
            0,
            (0, 0)
        ),
        err(Errno::ENOMEM)
    );
    assert_eq!(add(&hv, &dom0, &mut g, 0, 0, 0, 0, (0, 0)), 0);
    assert_eq!(hv.pci.devices().len(), MAX_PCI_DEVICES);
    assert_eq!(remove(&hv, &dom0, &mut g, 0, 0, 0), 0);
    assert_eq!(
        add(
            &hv,
            &dom0,
            &mut g,
            0,
            (next >> 8) as u8,
            next as u8,
            0,
            (0, 0)
        ),
        0
    );

    let (hv, dom0, mut g) = setup(&pci, XEN_X86_EMU_LAPIC);
    for seg in 1..MAX_PCI_SEGMENTS as u16 {
        assert_eq!(add(&hv, &dom0, &mut g, seg, 0, 0, 0, (0, 0)), 0);
    }
    let seg = MAX_PCI_SEGMENTS as u16;
    assert_eq!(
        add(&hv, &dom0, &mut g, seg, 0, 0, 0, (0, 0)),
        err(Errno::ENOMEM)
    );
    assert!(!hv.pci.known_segment(seg));
    assert_eq!(add(&hv, &dom0, &mut g, 1, 0, 1, 0, (0, 0)), 0);
}

// do_physdev_op PHYSDEVOP_pci_mmcfg_reserved -> pci_mmcfg_reserved: flags other than
// XEN_PCI_MMCFG_RESERVED are EINVAL; a segment and bus range the host's MCFG does not list is
// ENODEV; a listed one with another base address is EIO; then, for a hardware domain with vPCI
// and the RESERVED flag, register_vpci_mmcfg_handler records the region.
#[test]
fn mmcfg_regions_are_checked_against_the_hosts_mcfg() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    let base = 0xb000_0000;
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 2),
        err(Errno::EINVAL)
    );
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 1),
        err(Errno::ENODEV)
    );
    hv.pci.set_host_mmcfg(&[
        MmcfgEntry {
            address: base,
            segment: 0,
            start_bus: 0,
            end_bus: 255,
        },
        MmcfgEntry {
            address: 0xc000_0000,
            segment: 1,
            start_bus: 4,
            end_bus: 7,
        },
        // Inside the first one.
        MmcfgEntry {
            address: base,
            segment: 0,
            start_bus: 0,
            end_bus: 15,
        },
        // A broken entry.
        MmcfgEntry {
            address: 0xd000_0000,
            segment: 2,
            start_bus: 9,
            end_bus: 8,
        },
    ]);
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 3),
        err(Errno::EINVAL)
    );
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 0, (0, 127), 1),
        err(Errno::ENODEV)
    );
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 1, (0, 255), 1),
        err(Errno::ENODEV)
    );
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base + 1, 0, (0, 255), 1),
        err(Errno::EIO)
    );
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base + 1, 0, (0, 255), 0),
        err(Errno::EIO)
    );
    // Not reserved: accepted, nothing registered.
    assert_eq!(mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 0), 0);
    assert!(dom0.state().vpci_mmcfg.clone().is_empty());
    assert_eq!(mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 1), 0);
    assert_eq!(mmcfg(&hv, &dom0, &mut g, 0xc000_0000, 1, (4, 7), 1), 0);
    assert_eq!(
        dom0.state().vpci_mmcfg.clone(),
        vec![
            MmcfgRegion {
                addr: base,
                size: 256 << 20,
                start_bus: 0,
                segment: 0
            },
            MmcfgRegion {
                addr: 0xc000_0000 + (4 << 20),
                size: 4 << 20,
                start_bus: 4,
                segment: 1
            },
        ]
    );
    // The same region again: 0; an overlapping other one: EEXIST.
    assert_eq!(mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 1), 0);
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, base, 0, (0, 15), 1),
        err(Errno::EEXIST)
    );
    // Regions that only touch do not overlap: one bus just below and one just above
    // another region, and a single-bus region (start_bus == end_bus) is fine.
    hv.pci.set_host_mmcfg(&[
        MmcfgEntry {
            address: base,
            segment: 0,
            start_bus: 0,
            end_bus: 255,
        },
        MmcfgEntry {
            address: 0xc000_0000,
            segment: 1,
            start_bus: 4,
            end_bus: 7,
        },
        MmcfgEntry {
            address: 0xc000_0000,
            segment: 1,
            start_bus: 3,
            end_bus: 3,
        },
        MmcfgEntry {
            address: 0xc000_0000,
            segment: 1,
            start_bus: 8,
            end_bus: 8,
        },
        MmcfgEntry {
            address: base,
            segment: 0,
            start_bus: 0,
            end_bus: 15,
        },
        MmcfgEntry {
            address: 0xd000_0000,
            segment: 2,
            start_bus: 9,
            end_bus: 8,
        },
    ]);
    assert_eq!(mmcfg(&hv, &dom0, &mut g, 0xc000_0000, 1, (3, 3), 1), 0);
    assert_eq!(mmcfg(&hv, &dom0, &mut g, 0xc000_0000, 1, (8, 8), 1), 0);
    assert_eq!(dom0.state().vpci_mmcfg.clone().len(), 4);
    assert_eq!(
        dom0.state().vpci_mmcfg.clone()[2],
        MmcfgRegion {
            addr: 0xc000_0000 + (3 << 20),
            size: 1 << 20,
            start_bus: 3,
            segment: 1
        }
    );
    // start_bus > end_bus: register_vpci_mmcfg_handler's EINVAL.
    assert_eq!(
        mmcfg(&hv, &dom0, &mut g, 0xd000_0000, 2, (9, 8), 1),
        err(Errno::EINVAL)
    );
    assert_eq!(dom0.state().vpci_mmcfg.clone().len(), 4);
    assert_eq!(
        physdev(&hv, &dom0, &mut g, PHYSDEVOP_pci_mmcfg_reserved, BAD),
        err(Errno::EFAULT)
    );
}

// PHYSDEVOP_pci_mmcfg_reserved: `has_vpci(currd)` decides whether the region is registered.
#[test]
fn without_vpci_no_mmcfg_region_is_registered() {
    let pci = FakePci::default();
    let (hv, dom0, mut g) = setup(&pci, XEN_X86_EMU_LAPIC);
    hv.pci.set_host_mmcfg(&[MmcfgEntry {
        address: 0xe000_0000,
        segment: 0,
        start_bus: 0,
        end_bus: 63,
    }]);
    assert_eq!(mmcfg(&hv, &dom0, &mut g, 0xe000_0000, 0, (0, 63), 1), 0);
    assert!(dom0.state().vpci_mmcfg.clone().is_empty());
}

// do_physdev_op PHYSDEVOP_dbgp_op -> dbgp_op: without an EHCI debug port in use, 0 for any
// operation and bus, once the argument is read.
#[test]
fn dbgp_op_does_nothing_without_a_debug_port() {
    let pci = i440fx();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    for (op, bus) in [(1u8, 0u8), (2, 1), (9, 9)] {
        let d = physdev_dbgp_op {
            op,
            bus,
            u: physdev_pci_device {
                seg: 0,
                bus: 0,
                devfn: 0x1d << 3,
            },
        };
        g.put(GUEST_BASE, &d);
        assert_eq!(
            physdev(&hv, &dom0, &mut g, PHYSDEVOP_dbgp_op, GUEST_BASE),
            0
        );
    }
}

// A hypervisor the arch layer gave no configuration space reads all ones (Xen's answer for a
// function that does not answer): the hardware domain's reports fail vPCI's header check.
#[test]
fn without_a_configuration_space_nothing_answers() {
    use hypercall::pci::NoPciDevices;
    let s = hypercall::pci::sbdf(0, 0, 0);
    assert_eq!(NoPciDevices.read(s, 0, 1), 0xff);
    assert_eq!(NoPciDevices.read(s, 0, 2), 0xffff);
    assert_eq!(NoPciDevices.read(s, 0, 4), u32::MAX);
    let hv = TestHv::on_arena(HEAP_BASE, 256).expect("a heap");
    let mut cfg = common::pvh_config(true);
    cfg.emulation_flags = PVH_DOM0;
    let dom0 = hv.create_domain(Some(0), cfg).expect("dom0");
    let mut g = common::guest();
    assert_eq!(
        add(&hv, &dom0, &mut g, 0, 0, 0, 0, (0, 0)),
        err(Errno::EOPNOTSUPP)
    );
    assert_eq!(hv.pci.device(0, 0, 0).unwrap().kind, PdevType::Unknown);
}

// Xen registers the host's MCFG regions for a PVH hardware domain when building it
// (hvm/dom0_build.c pvh_setup_mmcfg); the same region reported reserved later is the same
// region (register_vpci_mmcfg_handler's 0), not a second one.
#[test]
fn a_region_registered_at_build_is_not_registered_twice() {
    let pci = FakePci::default();
    let (hv, dom0, mut g) = setup(&pci, PVH_DOM0);
    let base = 0xb000_0000;
    hv.pci.set_host_mmcfg(&[MmcfgEntry {
        address: base,
        segment: 0,
        start_bus: 0,
        end_bus: 255,
    }]);
    hypercall::vpci::register_mmcfg_handler(&dom0, base, 0, 255, 0).expect("pvh_setup_mmcfg");
    assert_eq!(mmcfg(&hv, &dom0, &mut g, base, 0, (0, 255), 1), 0);
    assert_eq!(dom0.state().vpci_mmcfg.len(), 1);
}
