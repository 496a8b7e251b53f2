//! The machine's PCI configuration space (Xen's xen/arch/x86/x86_64/pci.c `pci_conf_read` /
//! `pci_conf_write`): registers 0-255 of segment 0 by configuration mechanism #1 through
//! `pci_config_lock` (the address goes to port 0xcf8, the data moves through 0xcfc-0xcff), the
//! rest through the host's MMCFG (ECAM) regions (x86_64/mmconfig_64.c `pci_mmcfg_read`), which
//! the start of day hands over from the MCFG; without a region covering it, an extended register
//! reads all ones and ignores writes.

use alloc::vec::Vec;

use hypercall::vpci::{PciConfigSpace, Sbdf, PCI_CONF1_ADDRESS, PCI_CONF1_DATA};
use spin::Mutex;
use x86_64::instructions::port::Port;

/// Keeps the address and the data access of one configuration access together.
static PCI_CONFIG_LOCK: Mutex<()> = Mutex::new(());

/// One of the host's ECAM regions (an MCFG entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostMmcfg {
    /// Bus 0's configuration space (the entry's base address).
    pub address: u64,
    /// The PCI segment.
    pub segment: u16,
    /// The first bus.
    pub start_bus: u8,
    /// The last bus.
    pub end_bus: u8,
}

impl HostMmcfg {
    /// Where `reg` of `sbdf` is, if this region covers it.
    pub fn register_address(&self, sbdf: Sbdf, reg: u32) -> Option<u64> {
        let bus = (sbdf.bdf >> 8) as u8;
        (sbdf.seg == self.segment && (self.start_bus..=self.end_bus).contains(&bus) && reg < 4096)
            .then(|| self.address + (u64::from(sbdf.bdf) << 12) + u64::from(reg))
    }
}

/// The host's ECAM regions, set once at the start of day.
static HOST_MMCFG: Mutex<Vec<HostMmcfg>> = Mutex::new(Vec::new());

/// Records the host's MCFG regions (Xen's `pci_mmcfg_config`).
pub fn set_host_mmcfg(regions: &[HostMmcfg]) {
    *HOST_MMCFG.lock() = regions.to_vec();
}

fn ecam_address(sbdf: Sbdf, reg: u32) -> Option<u64> {
    HOST_MMCFG
        .lock()
        .iter()
        .find_map(|r| r.register_address(sbdf, reg))
}

/// The machine's configuration space.
pub struct MachineConfigSpace;

/// The CONFIG_ADDRESS value for `reg` of `sbdf` (`PCI_CONF1_ADDRESS`): enable bit, bus, device,
/// function, the register's dword.
fn conf1_address(sbdf: Sbdf, reg: u32) -> u32 {
    0x8000_0000 | u32::from(sbdf.bdf) << 8 | (reg & 0xfc)
}

impl PciConfigSpace for MachineConfigSpace {
    fn read(&self, sbdf: Sbdf, reg: u32, size: u32) -> u32 {
        if sbdf.seg != 0 || reg > 0xff {
            return ecam_address(sbdf, reg).map_or(u32::MAX, |at| {
                // SAFETY: `at` is inside one of the MCFG's ECAM regions (below 4 GiB on the
                // machines xen-rs boots, so in the identity map), aligned to `size` (the caller's
                // `vpci_access_allowed`); one volatile load of a configuration register. The
                // mapping is write-back, which QEMU ignores; real hardware needs UC (README).
                unsafe {
                    match size {
                        1 => u32::from(core::ptr::read_volatile(at as *const u8)),
                        2 => u32::from(core::ptr::read_volatile(at as *const u16)),
                        _ => core::ptr::read_volatile(at as *const u32),
                    }
                }
            });
        }
        let data = PCI_CONF1_DATA + (reg & 3) as u16;
        let _guard = PCI_CONFIG_LOCK.lock();
        // SAFETY: ports 0xcf8 and 0xcfc-0xcff are the chipset's configuration mechanism, which
        // only this module drives (guests reach them through it); the lock keeps the address
        // and the data access of one access together. Reading configuration registers has no
        // side effect the PCI specification allows a device to attach to it.
        unsafe {
            Port::<u32>::new(PCI_CONF1_ADDRESS).write(conf1_address(sbdf, reg));
            match size {
                1 => u32::from(Port::<u8>::new(data).read()),
                2 => u32::from(Port::<u16>::new(data).read()),
                _ => Port::<u32>::new(data).read(),
            }
        }
    }

    fn write(&self, sbdf: Sbdf, reg: u32, size: u32, val: u32) {
        if sbdf.seg != 0 || reg > 0xff {
            if let Some(at) = ecam_address(sbdf, reg) {
                // SAFETY: as in `read`, one volatile store, the hardware domain's, which owns
                // the devices.
                unsafe {
                    match size {
                        1 => core::ptr::write_volatile(at as *mut u8, val as u8),
                        2 => core::ptr::write_volatile(at as *mut u16, val as u16),
                        _ => core::ptr::write_volatile(at as *mut u32, val),
                    }
                }
            }
            return;
        }
        let data = PCI_CONF1_DATA + (reg & 3) as u16;
        let _guard = PCI_CONFIG_LOCK.lock();
        // SAFETY: as in `read`; the write is the hardware domain's, which owns the devices
        // (Xen forwards it the same way for a device vPCI has no handler for).
        unsafe {
            Port::<u32>::new(PCI_CONF1_ADDRESS).write(conf1_address(sbdf, reg));
            match size {
                1 => Port::<u8>::new(data).write(val as u8),
                2 => Port::<u16>::new(data).write(val as u16),
                _ => Port::<u32>::new(data).write(val),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecam_addresses_cover_the_regions_buses_only() {
        let r = HostMmcfg {
            address: 0xb000_0000,
            segment: 0,
            start_bus: 0,
            end_bus: 0xff,
        };
        let f = |bus: u16, dev: u16, func: u16| Sbdf {
            seg: 0,
            bdf: bus << 8 | dev << 3 | func,
        };
        // mmconfig_64.c pci_dev_base: bus << 20 | devfn << 12, then the register.
        assert_eq!(r.register_address(f(0, 0x1f, 2), 0x100), Some(0xb00f_a100));
        assert_eq!(r.register_address(f(3, 0, 0), 0xffc), Some(0xb030_0ffc));
        assert_eq!(r.register_address(f(0, 0, 0), 0x1000), None);
        assert_eq!(r.register_address(Sbdf { seg: 1, bdf: 0 }, 0), None);
        let high = HostMmcfg {
            start_bus: 0x10,
            end_bus: 0x1f,
            ..r
        };
        assert_eq!(high.register_address(f(0x0f, 0, 0), 0), None);
        assert_eq!(high.register_address(f(0x10, 0, 0), 0), Some(0xb100_0000));
        assert_eq!(high.register_address(f(0x20, 0, 0), 0), None);
    }
}
