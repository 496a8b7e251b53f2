//! The machine's PCI configuration space by configuration mechanism #1 (Xen's
//! xen/arch/x86/x86_64/pci.c `pci_conf_read` / `pci_conf_write` through `pci_config_lock`): the
//! address goes to port 0xcf8, the data moves through 0xcfc-0xcff. Registers 0-255 only; the
//! extended space needs MMCFG, which xen-rs does not use yet.

use hypercall::vpci::{PciConfigSpace, Sbdf, PCI_CONF1_ADDRESS, PCI_CONF1_DATA};
use spin::Mutex;
use x86_64::instructions::port::Port;

/// Keeps the address and the data access of one configuration access together.
static PCI_CONFIG_LOCK: Mutex<()> = Mutex::new(());

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
            return u32::MAX;
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
