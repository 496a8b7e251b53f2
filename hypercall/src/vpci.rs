//! The hardware domain's PCI configuration space through configuration mechanism #1 (ports
//! 0xcf8 and 0xcfc-0xcff), after xen/arch/x86/hvm/io.c `vpci_portio_*` and
//! xen/drivers/vpci/vpci.c: a 4-byte access to 0xcf8 reads or writes the domain's address latch
//! (`d->arch.hvm.pci_cf8`); an access to 0xcfc-0xcff while the latch's enable bit is set reads
//! or writes the register it names, on the machine; anything else is not handled (all ones,
//! writes dropped, as the null handler answers).
//!
//! Every register goes to the hardware, as `vpci_read_hw` / `vpci_write_hw` do for a device
//! vPCI has no handler for. Xen's vPCI also emulates the header of the devices it knows (BARs,
//! the command register, MSI and MSI-X) to map BARs into the domain's p2m; that is not done here.

use xen_mm::sync::atomic::Ordering;

use xen_mm::p2m::format::P2mFormat;

use crate::domain::Domain;

/// CONFIG_ADDRESS.
pub const PCI_CONF1_ADDRESS: u16 = 0xcf8;
/// CONFIG_DATA, the first of its four ports.
pub const PCI_CONF1_DATA: u16 = 0xcfc;

/// A function's address, as `pci_sbdf_t` names it (segment 0 for mechanism #1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sbdf {
    /// The segment.
    pub seg: u16,
    /// Bus, device and function: bus in bits 15:8, device 7:3, function 2:0 (`CF8_BDF`).
    pub bdf: u16,
}

/// The machine's configuration space, as the arch layer reaches it (Xen's `pci_conf_read*` /
/// `pci_conf_write*`): `size` is 1, 2 or 4 and `reg` is aligned to it.
pub trait PciConfigSpace {
    /// Reads `size` bytes at `reg` of `sbdf`.
    fn read(&self, sbdf: Sbdf, reg: u32, size: u32) -> u32;
    /// Writes the low `size` bytes of `val` at `reg` of `sbdf`.
    fn write(&self, sbdf: Sbdf, reg: u32, size: u32, val: u32);
}

/// `CF8_ENABLED`.
fn cf8_enabled(cf8: u32) -> bool {
    cf8 & 0x8000_0000 != 0
}

/// `hvm_pci_decode_addr`: the function and the register the latch and the data port name (the
/// register's low two bits are the port's offset in CONFIG_DATA).
pub fn decode_addr(cf8: u32, port: u16) -> (Sbdf, u32) {
    let sbdf = Sbdf {
        seg: 0,
        bdf: ((cf8 & 0x00ff_ff00) >> 8) as u16,
    };
    (sbdf, (cf8 & 0xfc) | u32::from(port & 3))
}

/// `vpci_access_allowed`: 1, 2, 4 (or 8) bytes, aligned to the size.
pub fn access_allowed(reg: u32, size: u32) -> bool {
    matches!(size, 1 | 2 | 4 | 8) && reg & (size - 1) == 0
}

/// `vpci_portio_accept`: a 4-byte access to CONFIG_ADDRESS, or any access within CONFIG_DATA.
pub fn portio_accept(port: u16, size: u32) -> bool {
    (port == PCI_CONF1_ADDRESS && size == 4) || port & !3 == PCI_CONF1_DATA
}

/// `vpci_portio_read` of `size` bytes at `port` (which [`portio_accept`] took): the latch, the
/// register, all ones for an access `vpci_access_allowed` refuses, or `None` for data read
/// while the latch is not enabled (X86EMUL_UNHANDLEABLE: the caller's null handler).
pub fn portio_read<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    hw: &impl PciConfigSpace,
    port: u16,
    size: u32,
) -> Option<u32> {
    if port == PCI_CONF1_ADDRESS {
        return Some(d.pci_cf8.load(Ordering::Relaxed));
    }
    let cf8 = d.pci_cf8.load(Ordering::Relaxed);
    if !cf8_enabled(cf8) {
        return None;
    }
    let (sbdf, reg) = decode_addr(cf8, port);
    if !access_allowed(reg, size) || size > 4 {
        return Some(u32::MAX);
    }
    Some(hw.read(sbdf, reg, size))
}

/// `vpci_portio_write` of the low `size` bytes of `val` at `port`: `false` for data written while
/// the latch is not enabled (unhandled: dropped by the caller).
pub fn portio_write<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    hw: &impl PciConfigSpace,
    port: u16,
    size: u32,
    val: u32,
) -> bool {
    if port == PCI_CONF1_ADDRESS {
        d.pci_cf8.store(val, Ordering::Relaxed);
        return true;
    }
    let cf8 = d.pci_cf8.load(Ordering::Relaxed);
    if !cf8_enabled(cf8) {
        return false;
    }
    let (sbdf, reg) = decode_addr(cf8, port);
    if access_allowed(reg, size) && size <= 4 {
        hw.write(sbdf, reg, size, val);
    }
    true
}
