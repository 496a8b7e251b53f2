//! The hardware domain's PCI configuration mechanism #1 (Xen 4.17 xen/arch/x86/hvm/io.c
//! `vpci_portio_accept`, `vpci_portio_read`, `vpci_portio_write`, `hvm_pci_decode_addr`, and
//! xen/drivers/vpci/vpci.c `vpci_access_allowed`), over a recording configuration space.

use crate::common;

use std::cell::RefCell;

use hypercall::vpci::{self, PciConfigSpace, Sbdf};

/// One access: read or write, function, register, size, value written.
type Access = (char, Sbdf, u32, u32, u32);

/// A configuration space that answers `reg` plus the size, and records every access.
#[derive(Default)]
struct Recorder {
    log: RefCell<Vec<Access>>,
}

impl PciConfigSpace for Recorder {
    fn read(&self, sbdf: Sbdf, reg: u32, size: u32) -> u32 {
        self.log.borrow_mut().push(('r', sbdf, reg, size, 0));
        0x1000 + reg + size
    }
    fn write(&self, sbdf: Sbdf, reg: u32, size: u32, val: u32) {
        self.log.borrow_mut().push(('w', sbdf, reg, size, val));
    }
}

fn sbdf(bus: u16, dev: u16, func: u16) -> Sbdf {
    Sbdf {
        seg: 0,
        bdf: bus << 8 | dev << 3 | func,
    }
}

#[test]
fn accepts_four_byte_address_accesses_and_any_data_access() {
    // vpci_portio_accept.
    assert!(vpci::portio_accept(0xcf8, 4));
    for size in [1, 2] {
        assert!(!vpci::portio_accept(0xcf8, size));
    }
    for port in 0xcfc..=0xcff {
        for size in [1, 2, 4] {
            assert!(vpci::portio_accept(port, size));
        }
    }
    for port in [0xcf9, 0xcfa, 0xcfb, 0xcf7, 0xd00] {
        assert!(!vpci::portio_accept(port, 4));
    }
}

#[test]
fn the_address_latch_names_function_and_register() {
    let (_hv, dom0) = common::hypervisor(64);
    let hw = Recorder::default();
    // The latch reads back as written, enable bit or not, and touches no device.
    assert_eq!(vpci::portio_read(&dom0, &hw, 0xcf8, 4), Some(0));
    assert!(vpci::portio_write(&dom0, &hw, 0xcf8, 4, 0x8012_3a44));
    assert_eq!(vpci::portio_read(&dom0, &hw, 0xcf8, 4), Some(0x8012_3a44));
    assert!(hw.log.borrow().is_empty());
    // hvm_pci_decode_addr: bus 0x12, device 7, function 2; register 0x44 plus the data port's
    // offset.
    assert_eq!(
        vpci::portio_read(&dom0, &hw, 0xcfc, 4),
        Some(0x1000 + 0x44 + 4)
    );
    assert_eq!(
        vpci::portio_read(&dom0, &hw, 0xcfe, 2),
        Some(0x1000 + 0x46 + 2)
    );
    assert_eq!(
        vpci::portio_read(&dom0, &hw, 0xcff, 1),
        Some(0x1000 + 0x47 + 1)
    );
    assert!(vpci::portio_write(&dom0, &hw, 0xcfd, 1, 0xab));
    assert_eq!(
        *hw.log.borrow(),
        vec![
            ('r', sbdf(0x12, 7, 2), 0x44, 4, 0),
            ('r', sbdf(0x12, 7, 2), 0x46, 2, 0),
            ('r', sbdf(0x12, 7, 2), 0x47, 1, 0),
            ('w', sbdf(0x12, 7, 2), 0x45, 1, 0xab),
        ]
    );
    // The latch's low two bits and bits 30:24 take no part (CF8_ADDR_LO, CF8_BDF).
    vpci::portio_write(&dom0, &hw, 0xcf8, 4, 0xff00_0003 | 0x10 << 8);
    assert_eq!(
        vpci::decode_addr(0xff00_0003 | 0x10 << 8, 0xcfc),
        (sbdf(0, 2, 0), 0)
    );
}

#[test]
fn data_without_the_enable_bit_is_not_handled() {
    let (_hv, dom0) = common::hypervisor(64);
    let hw = Recorder::default();
    vpci::portio_write(&dom0, &hw, 0xcf8, 4, 0x0000_0800);
    // X86EMUL_UNHANDLEABLE: the caller answers as its null handler does.
    assert_eq!(vpci::portio_read(&dom0, &hw, 0xcfc, 4), None);
    assert!(!vpci::portio_write(&dom0, &hw, 0xcfc, 4, 1));
    assert!(hw.log.borrow().is_empty());
}

#[test]
fn misaligned_data_accesses_read_ones_and_write_nothing() {
    let (_hv, dom0) = common::hypervisor(64);
    let hw = Recorder::default();
    vpci::portio_write(&dom0, &hw, 0xcf8, 4, 0x8000_0000);
    // vpci_access_allowed: the register must be aligned to the size; the access is still
    // handled (X86EMUL_OKAY with the data left all ones).
    assert_eq!(vpci::portio_read(&dom0, &hw, 0xcfd, 2), Some(u32::MAX));
    assert_eq!(vpci::portio_read(&dom0, &hw, 0xcfe, 4), Some(u32::MAX));
    assert!(vpci::portio_write(&dom0, &hw, 0xcfd, 4, 5));
    assert!(hw.log.borrow().is_empty());
    for (reg, size, ok) in [
        (0, 1, true),
        (1, 1, true),
        (2, 2, true),
        (1, 2, false),
        (4, 4, true),
        (2, 4, false),
        (0, 3, false),
        (8, 8, true),
    ] {
        assert_eq!(vpci::access_allowed(reg, size), ok, "{reg} {size}");
    }
}

/// hvm/io.c `register_vpci_mmcfg_handler`: `EINVAL` for start_bus > end_bus; an overlap is
/// `EEXIST` unless it is the very same region; the region begins at start_bus.
#[test]
fn mmcfg_regions_register_like_xen() {
    let (_hv, dom0) = common::hypervisor(64);
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 2, 1, 0),
        Err(hypercall::Errno::EINVAL)
    );
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 1, 3, 0),
        Ok(())
    );
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 1, 3, 0),
        Ok(())
    );
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 3, 4, 0),
        Err(hypercall::Errno::EEXIST)
    );
    assert_eq!(dom0.state().vpci_mmcfg.len(), 1);
    // Bus 1 starts 1 MiB in; bus 4 is outside.
    assert!(vpci::mmcfg_find(&dom0, 0xb000_0000 + (1 << 20) - 1).is_none());
    assert!(vpci::mmcfg_find(&dom0, 0xb000_0000 + (1 << 20)).is_some());
    assert!(vpci::mmcfg_find(&dom0, 0xb000_0000 + (4 << 20) - 1).is_some());
    assert!(vpci::mmcfg_find(&dom0, 0xb000_0000 + (4 << 20)).is_none());
    // Adjacent regions do not overlap.
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 4, 4, 0),
        Ok(())
    );
    // ... and one that ends where an existing one starts.
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 0, 0, 0),
        Ok(())
    );
    for bus in 5..=(4 + vpci::MAX_MMCFG_REGIONS as u8 - 3) {
        assert_eq!(
            vpci::register_mmcfg_handler(&dom0, 0xb000_0000, bus, bus, 0),
            Ok(())
        );
    }
    assert_eq!(
        vpci::register_mmcfg_handler(&dom0, 0xb000_0000, 0xf0, 0xf0, 0),
        Err(hypercall::Errno::ENOMEM)
    );
}

/// hvm/io.c `vpci_mmcfg_decode_addr` and `vpci_mmcfg_read` / `_write`, vpci.c
/// `vpci_ecam_read` / `_write`: the offset names bus, device, function and register; 8-byte
/// accesses go as two 4-byte ones; a misaligned access or one past the 4 KiB space reads all ones
/// and writes nothing.
#[test]
fn mmcfg_accesses_reach_the_function_they_name() {
    let (_hv, dom0) = common::hypervisor(64);
    let hw = Recorder::default();
    let base = 0xe000_0000u64;
    vpci::register_mmcfg_handler(&dom0, base, 0x10, 0x1f, 0).unwrap();
    // Bus 0x12, device 3, function 1, register 0x104.
    let at = base + (0x12 << 20) + (3 << 15) + (1 << 12) + 0x104;
    assert_eq!(
        vpci::mmcfg_read(&dom0, &hw, at, 4),
        Some(0x1000 + 0x104 + 4)
    );
    assert_eq!(
        vpci::mmcfg_read(&dom0, &hw, at + 4, 8),
        Some((0x1000 + 0x10c + 4) << 32 | (0x1000 + 0x108 + 4))
    );
    assert!(vpci::mmcfg_write(&dom0, &hw, at + 2, 2, 0xbeef));
    assert!(vpci::mmcfg_write(
        &dom0,
        &hw,
        at + 4,
        8,
        0x1111_2222_3333_4444
    ));
    let f = sbdf(0x12, 3, 1);
    assert_eq!(
        *hw.log.borrow(),
        vec![
            ('r', f, 0x104, 4, 0),
            ('r', f, 0x108, 4, 0),
            ('r', f, 0x10c, 4, 0),
            ('w', f, 0x106, 2, 0xbeef),
            ('w', f, 0x108, 4, 0x3333_4444),
            ('w', f, 0x10c, 4, 0x1111_2222),
        ]
    );
    // An 8-byte access must be 8-aligned.
    assert_eq!(vpci::mmcfg_read(&dom0, &hw, at, 8), Some(u64::MAX));
    hw.log.borrow_mut().clear();
    // The first and the last register of the function's 4 KiB.
    let function = base + (0x12 << 20) + (3 << 15) + (1 << 12);
    assert_eq!(vpci::mmcfg_read(&dom0, &hw, function, 4), Some(0x1000 + 4));
    assert_eq!(
        vpci::mmcfg_read(&dom0, &hw, function + 0xffc, 4),
        Some(0x1000 + 0xffc + 4)
    );
    hw.log.borrow_mut().clear();
    // Misaligned, or running past the function's 4 KiB.
    assert_eq!(vpci::mmcfg_read(&dom0, &hw, at + 1, 2), Some(u64::MAX));
    let last = base + (0x12 << 20) + 0xffc;
    assert_eq!(vpci::mmcfg_read(&dom0, &hw, last, 8), Some(u64::MAX));
    assert!(vpci::mmcfg_write(&dom0, &hw, last, 8, 1));
    assert!(hw.log.borrow().is_empty());
    // Outside every region: not handled.
    assert_eq!(vpci::mmcfg_read(&dom0, &hw, base, 4), None);
    assert!(!vpci::mmcfg_write(&dom0, &hw, base, 4, 0));
}
