//! The host's IO-APICs, as far as xen-rs reads them: how many pins each has, for the hardware
//! domain's vIOAPICs to mirror (Xen's io_apic.c `ioapic_init_mappings`: `nr_ioapic_entries[i]`
//! is the version register's entries field plus one). xen-rs does not program them yet.

/// IOREGSEL and IOWIN, offsets in the register window.
const IOREGSEL: u64 = 0x00;
const IOWIN: u64 = 0x10;
/// The indirect version register.
const REG_VERSION: u32 = 0x01;

/// The number of redirection entries of the IO-APIC whose registers are at `addr` (below 4 GiB,
/// from the MADT), 1 to 256.
pub fn nr_pins(addr: u64) -> u32 {
    ((read(addr, REG_VERSION) >> 16) & 0xff) + 1
}

fn read(addr: u64, reg: u32) -> u32 {
    // SAFETY: `addr` is an IO-APIC's register window from the MADT, below 4 GiB and so in the
    // hypervisor's identity map; IOREGSEL and IOWIN are aligned 32-bit registers accessed with
    // one volatile store and one volatile load, on the boot CPU before any guest runs (nothing
    // else uses the window). Like the local APIC's page outside its uncached 2 MiB, the mapping
    // is write-back, which QEMU ignores; real hardware needs UC (see README).
    unsafe {
        core::ptr::write_volatile((addr + IOREGSEL) as *mut u32, reg);
        core::ptr::read_volatile((addr + IOWIN) as *const u32)
    }
}
