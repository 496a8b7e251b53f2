//! `__HYPERVISOR_physdev_op` as Xen 4.17 answers an HVM or PVH caller
//! (xen/arch/x86/hvm/hypercall.c `hvm_physdev_op`, then xen/arch/x86/physdev.c `do_physdev_op`
//! and xen/drivers/pci/physdev.c `pci_physdev_op`), on a machine without an IOMMU.
//!
//! `hvm_physdev_op` lets through only:
//! - PHYSDEVOP_pci_device_add, pci_device_remove, pci_mmcfg_reserved and dbgp_op, for the
//!   hardware domain (anyone else: `ENOSYS`). Those reach [`crate::pci`]'s record of the
//!   devices the hardware domain reported (`pci_add_device`, `pci_remove_device`,
//!   `pci_mmcfg_reserved`) and, for a hardware domain with vPCI, [`crate::vpci`]'s
//!   `register_vpci_mmcfg_handler`, which traps its accesses to the region from then on.
//!   dbgp_op is 0: xen-rs has no EHCI debug port (`dbgp_op` without `ehci_dbgp.ehci_debug`).
//! - PHYSDEVOP_map_pirq, unmap_pirq, eoi, irq_status_query and get_free_pirq, for a domain
//!   with XEN_X86_EMU_USE_PIRQ (`has_pirq`); without it, `ENOSYS`. xen-rs has no PIRQs (see
//!   the README): for a domain created with that flag (an HVM domU of libxl's "hvm" type, never
//!   a PVH one) these are `ENOSYS` too, where Xen would emulate PIRQs.
//!
//! Everything else is `ENOSYS` for an HVM caller, among them PHYSDEVOP_manage_pci_add,
//! manage_pci_add_ext and manage_pci_remove (the PV-era commands Linux falls back to when
//! pci_device_add is `ENOSYS`), restore_msi, prepare_msix, setup_gsi, apic_read and set_iopl.
#![forbid(unsafe_code)]

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::arch_x86::xen::XEN_X86_EMU_VPCI;
use xen_public::physdev::*;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, IntoBytes};

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::pci::{Owner, PciDevInfo};
use crate::policy::{self, XsmAction};
use crate::xen_version::is_hardware_domain;

/// `has_vpci(d)`: the domain was created with XEN_X86_EMU_VPCI (only a PVH hardware domain is).
pub fn has_vpci<Fmt: P2mFormat>(d: &Domain<Fmt>) -> bool {
    d.state().config.emulation_flags & XEN_X86_EMU_VPCI != 0
}

/// PHYSDEVOP_* for `call.caller`: `args[0]` the command (an int), `args[1]` the argument's guest
/// address.
pub fn do_physdev_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let cmd = args[0] as u32;
    let arg = args[1];
    let caller = call.caller;

    // hvm_physdev_op: what an HVM caller may reach. (PHYSDEVOP_map_pirq, unmap_pirq, eoi,
    // irq_status_query and get_free_pirq fall to the default: Xen's answer without
    // XEN_X86_EMU_USE_PIRQ; with it, xen-rs has no PIRQs to emulate, see above.)
    match cmd {
        PHYSDEVOP_pci_mmcfg_reserved
        | PHYSDEVOP_pci_device_add
        | PHYSDEVOP_pci_device_remove
        | PHYSDEVOP_dbgp_op => {
            if !is_hardware_domain(caller) {
                return Err(Errno::ENOSYS);
            }
        }
        _ => return Err(Errno::ENOSYS),
    }

    // do_physdev_op, and pci_physdev_op for its default case.
    let rc = match cmd {
        PHYSDEVOP_pci_mmcfg_reserved => {
            policy::check(XsmAction::Priv, caller, None)?; // xsm_resource_setup_misc
            let info: physdev_pci_mmcfg_reserved = read(call, arg)?;
            hv.pci.mmcfg_reserved(
                info.address,
                info.segment,
                info.start_bus,
                info.end_bus,
                info.flags,
            )?;
            if has_vpci(caller) && info.flags & XEN_PCI_MMCFG_RESERVED != 0 {
                crate::vpci::register_mmcfg_handler(
                    caller,
                    info.address,
                    info.start_bus,
                    info.end_bus,
                    info.segment,
                )?;
            }
            Ok(())
        }
        PHYSDEVOP_pci_device_add => {
            // `is_pci_passthrough_enabled()` is always true on x86.
            let add: physdev_pci_device_add = read(call, arg)?;
            let info = PciDevInfo {
                is_extfn: add.flags & XEN_PCI_DEV_EXTFN != 0,
                is_virtfn: add.flags & XEN_PCI_DEV_VIRTFN != 0,
                // Meaningful for a virtual function only (Xen leaves it unset otherwise).
                physfn: (add.physfn[0], add.physfn[1]),
            };
            let pxm = if add.flags & XEN_PCI_DEV_PXM != 0 {
                // `copy_from_guest_offset(&pxm, arg, optarr_off, 1)`: optarr[0].
                let at = arg.wrapping_add(PHYSDEV_PCI_DEVICE_ADD_OPTARR);
                Some(guest::read(call.guest, GuestHandle::<u32>::new(at))?)
            } else {
                None
            };
            hv.pci.add_device(
                hardware_owner(caller),
                policy::check(XsmAction::Priv, caller, None), // xsm_resource_plug_pci
                (add.seg, add.bus, add.devfn),
                Some(info),
                pxm,
            )
        }
        PHYSDEVOP_pci_device_remove => {
            let dev: physdev_pci_device = read(call, arg)?;
            hv.pci.remove_device(
                policy::check(XsmAction::Priv, caller, None), // xsm_resource_unplug_pci
                dev.seg,
                dev.bus,
                dev.devfn,
            )
        }
        PHYSDEVOP_dbgp_op => {
            // (Its `EPERM` for a domain other than the hardware domain cannot happen here: the
            // filter above already answered such a caller.)
            let _: physdev_dbgp_op = read(call, arg)?;
            // `dbgp_op`: no EHCI debug port in use, so nothing to do.
            Ok(())
        }
        _ => Err(Errno::ENOSYS),
    };
    rc.map(|()| Outcome::Return(0))
}

/// The hardware domain as the owner of the functions it reports (`pdev->domain =
/// hardware_domain`; only the hardware domain reaches `pci_add_device` here).
fn hardware_owner<Fmt: P2mFormat>(hwdom: &Domain<Fmt>) -> Owner {
    Owner {
        domid: hwdom.domid(),
        has_vpci: has_vpci(hwdom),
    }
}

/// The argument structure (`copy_from_guest`): `EFAULT` if unreadable.
fn read<T: FromBytes + IntoBytes, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    arg: u64,
) -> Result<T, Errno> {
    guest::read(call.guest, GuestHandle::<T>::new(arg))
}
