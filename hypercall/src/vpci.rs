//! The hardware domain's PCI configuration space through configuration mechanism #1 (ports
//! 0xcf8 and 0xcfc-0xcff), after xen/arch/x86/hvm/io.c `vpci_portio_*` and
//! xen/drivers/vpci/vpci.c: a 4-byte access to 0xcf8 reads or writes the domain's address latch
//! (`d->arch.hvm.pci_cf8`); an access to 0xcfc-0xcff while the latch's enable bit is set reads
//! or writes the register it names, on the machine; anything else is not handled (all ones,
//! writes dropped, as the null handler answers).
//!
//! The same registers are reached through the MMCFG (ECAM) regions registered for the domain
//! (`register_vpci_mmcfg_handler`: the host's MCFG at build, PHYSDEVOP_pci_mmcfg_reserved later),
//! which are not in its p2m, so that each access traps (`vpci_mmcfg_*`).
//!
//! Every register goes to the hardware, as `vpci_read_hw` / `vpci_write_hw` do for a device
//! vPCI has no handler for. Xen's vPCI also emulates the header of the devices it knows (BARs,
//! the command register, MSI and MSI-X) to map BARs into the domain's p2m; that is not done here.

use xen_mm::errno::Errno;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::sync::atomic::Ordering;

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
/// `pci_conf_write*`): `size` is 1, 2 or 4 and `reg` is aligned to it, below 4096.
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

/// `PCI_CFG_SPACE_EXP_SIZE`: a function's configuration space through ECAM.
pub const PCI_CFG_SPACE_EXP_SIZE: u32 = 4096;

/// The most MMCFG regions a domain registers (Xen's list is unbounded; the hardware domain's
/// come from the host's MCFG and PHYSDEVOP_pci_mmcfg_reserved).
pub const MAX_MMCFG_REGIONS: usize = 64;

/// One MMCFG (ECAM) region the hardware domain's accesses are trapped in (`struct hvm_mmcfg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmcfgRegion {
    /// The configuration space of `start_bus`, function 0 (`addr`, already offset by the bus).
    pub addr: u64,
    /// Its size: 1 MiB per bus.
    pub size: u64,
    /// The first bus.
    pub start_bus: u8,
    /// The PCI segment.
    pub segment: u16,
}

impl MmcfgRegion {
    fn contains(&self, gpa: u64) -> bool {
        gpa >= self.addr && gpa - self.addr < self.size
    }
}

/// `register_vpci_mmcfg_handler`: traps the ECAM region of buses `start_bus..=end_bus` of
/// `segment`, whose bus 0 is at `addr`. `EINVAL` for `start_bus > end_bus`; a region that
/// overlaps one registered already is `EEXIST`, unless it is the same region (then nothing
/// changes and it succeeds); `ENOMEM` past [`MAX_MMCFG_REGIONS`].
pub fn register_mmcfg_handler<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    addr: u64,
    start_bus: u8,
    end_bus: u8,
    segment: u16,
) -> Result<(), Errno> {
    if start_bus > end_bus {
        return Err(Errno::EINVAL);
    }
    let new = MmcfgRegion {
        addr: addr.wrapping_add(u64::from(start_bus) << 20),
        size: (u64::from(end_bus - start_bus) + 1) << 20,
        start_bus,
        segment,
    };
    let mut st = d.state();
    for r in &st.vpci_mmcfg {
        if new.addr < r.addr.wrapping_add(r.size) && r.addr < new.addr.wrapping_add(new.size) {
            return if *r == new {
                Ok(())
            } else {
                Err(Errno::EEXIST)
            };
        }
    }
    if st.vpci_mmcfg.len() >= MAX_MMCFG_REGIONS {
        return Err(Errno::ENOMEM);
    }
    st.vpci_mmcfg.push(new);
    Ok(())
}

/// `vpci_mmcfg_find`: the region `gpa` is in, if it is in one (`vpci_mmcfg_accept`).
pub fn mmcfg_find<Fmt: P2mFormat>(d: &Domain<Fmt>, gpa: u64) -> Option<MmcfgRegion> {
    d.state()
        .vpci_mmcfg
        .iter()
        .copied()
        .find(|r| r.contains(gpa))
}

/// `vpci_mmcfg_decode_addr`: the function and register an address of `region` names
/// (`VPCI_ECAM_BDF`: bus, device and function in bits 27:12 of the offset).
pub fn mmcfg_decode(region: &MmcfgRegion, gpa: u64) -> (Sbdf, u32) {
    let offset = gpa - region.addr;
    let bdf = ((offset >> 12) as u16).wrapping_add(u16::from(region.start_bus) << 8);
    (
        Sbdf {
            seg: region.segment,
            bdf,
        },
        (offset & u64::from(PCI_CFG_SPACE_EXP_SIZE - 1)) as u32,
    )
}

/// `vpci_ecam_access_allowed` (`vpci_access_allowed` and the end of the function's space).
fn ecam_access_allowed(reg: u32, len: u32) -> bool {
    access_allowed(reg, len) && reg + len <= PCI_CFG_SPACE_EXP_SIZE
}

/// `vpci_mmcfg_read` of `len` bytes at `gpa`: all ones for an access `vpci_ecam_read` refuses,
/// an 8-byte read as two 4-byte ones; `None` when `gpa` is in no region (X86EMUL_RETRY).
pub fn mmcfg_read<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    hw: &impl PciConfigSpace,
    gpa: u64,
    len: u32,
) -> Option<u64> {
    let region = mmcfg_find(d, gpa)?;
    let (sbdf, reg) = mmcfg_decode(&region, gpa);
    if !ecam_access_allowed(reg, len) {
        return Some(u64::MAX);
    }
    let low = u64::from(hw.read(sbdf, reg, len.min(4)));
    Some(if len == 8 {
        low | u64::from(hw.read(sbdf, reg + 4, 4)) << 32
    } else {
        low
    })
}

/// `vpci_mmcfg_write` of the low `len` bytes of `data` at `gpa`: nothing for an access
/// `vpci_ecam_write` refuses, an 8-byte write as two 4-byte ones; `false` when `gpa` is in no
/// region.
pub fn mmcfg_write<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    hw: &impl PciConfigSpace,
    gpa: u64,
    len: u32,
    data: u64,
) -> bool {
    let Some(region) = mmcfg_find(d, gpa) else {
        return false;
    };
    let (sbdf, reg) = mmcfg_decode(&region, gpa);
    if ecam_access_allowed(reg, len) {
        hw.write(sbdf, reg, len.min(4), data as u32);
        if len == 8 {
            hw.write(sbdf, reg + 4, 4, (data >> 32) as u32);
        }
    }
    true
}
