//! physdev_op as the hardware domain sees it (xen/arch/x86/hvm/hypercall.c `hvm_physdev_op`,
//! xen/arch/x86/physdev.c `do_physdev_op`, xen/drivers/pci/physdev.c `pci_physdev_op`,
//! xen/drivers/passthrough/pci.c `pci_add_device` / `pci_remove_device`, xen/drivers/vpci
//! `vpci_add_handlers`, xen/arch/x86/x86_64/mmconfig-shared.c `pci_mmcfg_reserved`,
//! xen/drivers/char/ehci-dbgp.c `dbgp_op`), on the machine's bus 0 and on functions that do not
//! exist; `__HYPERVISOR_mca` (a PV-only hypercall, xen/include/hypercall-defs.c) and VIRQ_MCA
//! (xen/common/event_channel.c `evtchn_bind_virq`), what Linux's xen_mcelog asks for.
//!
//! The lines name no device count: QEMU's and Bochs's machines have different functions on
//! bus 0, and the lines of both must be the same. Every function touched is left reported, as
//! Linux leaves them. No case withdraws a function whose set-up failed: Xen 4.17 panics there.
// Xen's names (`PHYSDEVOP_pci_device_add`) are kept, also in patterns.
#![allow(non_upper_case_globals)]

use alloc::string::String;
use core::arch::asm;
use core::fmt::Write;

use xen_public::arch_x86::xen_mca::*;
use xen_public::event_channel::EVTCHNSTAT_virq;
use xen_public::physdev::*;
use xen_public::xen::{__HYPERVISOR_physdev_op, DOMID_SELF};

use super::events::{bind_virq, close, status};
use super::{Rc, BAD_ADDRESS};
use crate::case;
use crate::hypercall::hypercall;

/// physdev_op `cmd` with its argument at `arg`.
fn physdev_at(cmd: u32, arg: u64) -> i64 {
    // SAFETY: `arg` is a structure on our stack that Xen reads (and may write within its size),
    // or an address Xen fails to read.
    unsafe { hypercall(__HYPERVISOR_physdev_op, [u64::from(cmd), arg, 0, 0, 0]) }
}

/// physdev_op `cmd` on `arg`.
fn physdev<T>(cmd: u32, arg: &mut T) -> i64 {
    physdev_at(cmd, (arg as *mut T) as u64)
}

/// PHYSDEVOP_pci_device_add with optarr[0] after the fixed part.
#[repr(C)]
struct AddExt {
    add: physdev_pci_device_add,
    pxm: u32,
}

fn add_with(seg: u16, bus: u8, devfn: u8, flags: u32, physfn: [u8; 2]) -> i64 {
    let mut a = AddExt {
        add: physdev_pci_device_add {
            seg,
            bus,
            devfn,
            flags,
            physfn,
            ..Default::default()
        },
        pxm: 0,
    };
    physdev(PHYSDEVOP_pci_device_add, &mut a)
}

fn add(seg: u16, bus: u8, devfn: u8) -> i64 {
    add_with(seg, bus, devfn, 0, [0, 0])
}

fn remove(seg: u16, bus: u8, devfn: u8) -> i64 {
    let mut d = physdev_pci_device { seg, bus, devfn };
    physdev(PHYSDEVOP_pci_device_remove, &mut d)
}

fn mmcfg_reserved(address: u64, segment: u16, buses: (u8, u8), flags: u32) -> i64 {
    let mut r = physdev_pci_mmcfg_reserved {
        address,
        segment,
        start_bus: buses.0,
        end_bus: buses.1,
        flags,
    };
    physdev(PHYSDEVOP_pci_mmcfg_reserved, &mut r)
}

fn dbgp(op: u8, bus: u8) -> i64 {
    let mut d = physdev_dbgp_op {
        op,
        bus,
        u: physdev_pci_device {
            seg: 0,
            bus: 0,
            devfn: 0x1d << 3,
        },
    };
    physdev(PHYSDEVOP_dbgp_op, &mut d)
}

/// A 32-bit read of `reg` of `0:bus:devfn` by configuration mechanism #1.
fn conf_read32(bus: u8, devfn: u8, reg: u8) -> u32 {
    let address =
        0x8000_0000 | u32::from(bus) << 16 | u32::from(devfn) << 8 | u32::from(reg & 0xfc);
    let value: u32;
    // SAFETY: ports 0xcf8 and 0xcfc are the PCI configuration mechanism, which the hypervisor
    // emulates for the hardware domain (vPCI); reading a configuration register has no side
    // effect, and nothing else in the guest uses the ports meanwhile.
    unsafe {
        asm!("out dx, eax", in("dx") 0xcf8u16, in("eax") address, options(nomem, nostack));
        asm!("in eax, dx", out("eax") value, in("dx") 0xcfcu16, options(nomem, nostack));
    }
    value
}

/// The functions on bus 0 that answer, as (devfn, answer of pci_device_add).
fn report_bus0(out: &mut String) -> (u32, u32) {
    let (mut added, mut failed) = (0, 0);
    for dev in 0..32u8 {
        for func in 0..8u8 {
            let devfn = dev << 3 | func;
            if conf_read32(0, devfn, 0) & 0xffff == 0xffff {
                if func == 0 {
                    break;
                }
                continue;
            }
            match add(0, 0, devfn) {
                0 => added += 1,
                rc => {
                    failed += 1;
                    let _ = write!(out, " {dev:02x}.{func} {}", Rc(rc));
                }
            }
            // Only a multi-function device has functions past 0.
            if func == 0 && conf_read32(0, devfn, 0x0c) >> 16 & 0x80 == 0 {
                break;
            }
        }
    }
    (added, failed)
}

pub fn run() {
    // hvm_physdev_op: what a PVH caller may not reach is ENOSYS, whatever its argument.
    let refused = [
        ("manage_pci_add", PHYSDEVOP_manage_pci_add),
        ("manage_pci_add_ext", PHYSDEVOP_manage_pci_add_ext),
        ("manage_pci_remove", PHYSDEVOP_manage_pci_remove),
        ("restore_msi", PHYSDEVOP_restore_msi),
        ("restore_msi_ext", PHYSDEVOP_restore_msi_ext),
        ("prepare_msix", PHYSDEVOP_prepare_msix),
        ("release_msix", PHYSDEVOP_release_msix),
        ("setup_gsi", PHYSDEVOP_setup_gsi),
        ("apic_read", PHYSDEVOP_apic_read),
        ("apic_write", PHYSDEVOP_apic_write),
        ("alloc_irq_vector", PHYSDEVOP_alloc_irq_vector),
        ("set_iopl", PHYSDEVOP_set_iopl),
        ("set_iobitmap", PHYSDEVOP_set_iobitmap),
        ("pirq_eoi_gmfn_v2", PHYSDEVOP_pirq_eoi_gmfn_v2),
        ("irq_unmask_notify", PHYSDEVOP_IRQ_UNMASK_NOTIFY),
        ("99", 99),
    ];
    let mut line = String::new();
    for (name, cmd) in refused {
        let _ = write!(line, "{name} {} ", Rc(physdev_at(cmd, BAD_ADDRESS)));
    }
    case!("physdev.hvm_refused", "{}", line.trim_end());

    // hvm_physdev_op: the PIRQ commands need XEN_X86_EMU_USE_PIRQ, which a PVH dom0 lacks.
    let mut line = String::new();
    for (name, cmd) in [
        ("map_pirq", PHYSDEVOP_map_pirq),
        ("unmap_pirq", PHYSDEVOP_unmap_pirq),
        ("eoi", PHYSDEVOP_eoi),
        ("irq_status_query", PHYSDEVOP_irq_status_query),
        ("get_free_pirq", PHYSDEVOP_get_free_pirq),
    ] {
        let _ = write!(line, "{name} {} ", Rc(physdev_at(cmd, BAD_ADDRESS)));
    }
    case!("physdev.pirq_without_use_pirq", "{}", line.trim_end());

    // do_physdev_op / pci_physdev_op: the hardware domain's commands copy their argument first.
    case!(
        "physdev.bad_handle",
        "pci_device_add {}, pci_device_remove {}, pci_mmcfg_reserved {}, dbgp_op {}",
        Rc(physdev_at(PHYSDEVOP_pci_device_add, BAD_ADDRESS)),
        Rc(physdev_at(PHYSDEVOP_pci_device_remove, BAD_ADDRESS)),
        Rc(physdev_at(PHYSDEVOP_pci_mmcfg_reserved, BAD_ADDRESS)),
        Rc(physdev_at(PHYSDEVOP_dbgp_op, BAD_ADDRESS))
    );

    // pci_add_device for every function on bus 0, as Linux reports them: each is set up for
    // the hardware domain (vpci_add_handlers of a normal or bridge header).
    let mut failures = String::new();
    let (added, failed) = report_bus0(&mut failures);
    case!(
        "physdev.pci_device_add.bus0",
        "some added {}, failed {failed}{}",
        added > 0,
        failures
    );

    // pci_add_device of a function already there: 0, with the extended-function flag too, and
    // with a proximity domain in optarr[0] (XEN_PCI_DEV_PXM).
    case!(
        "physdev.pci_device_add.again",
        "plain {}, extfn {}, pxm {}",
        Rc(add(0, 0, 0)),
        Rc(add_with(0, 0, 0, XEN_PCI_DEV_EXTFN, [0, 0])),
        Rc(add_with(0, 0, 0, XEN_PCI_DEV_PXM, [0, 0]))
    );

    // pci_remove_device of the host bridge (no BARs), twice (ENODEV), and its report again.
    let first = remove(0, 0, 0);
    let second = remove(0, 0, 0);
    let again = add(0, 0, 0);
    case!(
        "physdev.pci_device_remove.host_bridge",
        "remove {}, again {}, add {}",
        Rc(first),
        Rc(second),
        Rc(again)
    );

    // A function that does not answer (00:1f.7): vPCI's init_bars refuses header type 0x7f
    // (EOPNOTSUPP), every time. (Its record stays, without an owner; withdrawing it would
    // make Xen 4.17 dereference that missing owner in vpci_remove_device and panic, so no case
    // does. Upstream answers EINVAL there, as xen-rs does: see its host tests.)
    let absent = 0x1f << 3 | 7;
    let first = add(0, 0, absent);
    let second = add(0, 0, absent);
    case!(
        "physdev.pci_device_add.absent",
        "add {}, again {}",
        Rc(first),
        Rc(second)
    );

    // A segment never seen: pci_remove_device finds no pseg (ENODEV); pci_add_device makes one
    // (alloc_pseg), but nothing answers there without MMCFG; a function never reported there
    // is ENODEV.
    let unknown = remove(2, 0, 0);
    let added = add(1, 0, 0);
    let other = remove(1, 0, 1);
    case!(
        "physdev.pci_device_add.segment",
        "remove on an unknown segment {}, add {}, remove another function there {}",
        Rc(unknown),
        Rc(added),
        Rc(other)
    );

    // Virtual functions: one whose physical function was never reported has that added first
    // (its answer is dropped), and neither answers here; a function already set up reported
    // again as a virtual function of a known physical function is 0.
    let vf = add_with(0, 0, 0x1e << 3, XEN_PCI_DEV_VIRTFN, [0, 0x1d << 3]);
    let known = add_with(0, 0, 0, XEN_PCI_DEV_VIRTFN, [0, 0]);
    let plain = add(0, 0, 0);
    case!(
        "physdev.pci_device_add.virtfn",
        "absent with an absent physical function {}, known {}, plain again {}",
        Rc(vf),
        Rc(known),
        Rc(plain)
    );

    // pci_mmcfg_reserved: flags beyond XEN_PCI_MMCFG_RESERVED are EINVAL; a region the MCFG
    // does not list (these machines have no MCFG) is ENODEV, reserved or not.
    case!(
        "physdev.pci_mmcfg_reserved",
        "bad flags {}, reserved {}, not reserved {}",
        Rc(mmcfg_reserved(0xe000_0000, 0, (0, 255), 2)),
        Rc(mmcfg_reserved(
            0xe000_0000,
            0,
            (0, 255),
            XEN_PCI_MMCFG_RESERVED
        )),
        Rc(mmcfg_reserved(0xe000_0000, 0, (0, 255), 0))
    );

    // dbgp_op: no EHCI debug port in use, so any operation is 0.
    case!(
        "physdev.dbgp_op",
        "reset_prepare {}, reset_done on a PCI controller {}, unknown op {}",
        Rc(dbgp(
            PHYSDEVOP_DBGP_RESET_PREPARE as u8,
            PHYSDEVOP_DBGP_BUS_UNKNOWN as u8
        )),
        Rc(dbgp(
            PHYSDEVOP_DBGP_RESET_DONE as u8,
            PHYSDEVOP_DBGP_BUS_PCI as u8
        )),
        Rc(dbgp(9, 9))
    );

    // __HYPERVISOR_mca: PV only (hypercall-defs.c), so ENOSYS for a PVH dom0, and nothing is
    // written back; what Linux's xen_mcelog asks first.
    let mut mc = xen_mc {
        cmd: XEN_MC_physcpuinfo,
        interface_version: XEN_MCA_INTERFACE_VERSION,
        ..Default::default()
    };
    // SAFETY: `mc` is on our stack; Xen would write the count into it.
    let count = unsafe { hypercall(__HYPERVISOR_mca, [(&raw mut mc) as u64, 0, 0, 0, 0]) };
    let mut fetch = xen_mc {
        cmd: XEN_MC_fetch,
        interface_version: XEN_MCA_INTERFACE_VERSION,
        ..Default::default()
    };
    fetch.u[0] = u64::from(XEN_MC_NONURGENT);
    // SAFETY: as above.
    let fetched = unsafe { hypercall(__HYPERVISOR_mca, [(&raw mut fetch) as u64, 0, 0, 0, 0]) };
    case!(
        "mca.hvm",
        "physcpuinfo {} ncpus {}, fetch {} flags {:#x}",
        Rc(count),
        mc.u[0] as u32,
        Rc(fetched),
        fetch.u[0] as u32
    );

    // evtchn_bind_virq: VIRQ_MCA is a global VIRQ (arch_virq_is_global): vCPU 0 only, once.
    let (rc, port) = bind_virq(VIRQ_MCA, 0);
    let twice = bind_virq(VIRQ_MCA, 0).0;
    let other_vcpu = bind_virq(VIRQ_MCA, 1).0;
    let (src, st, vcpu, u) = status(DOMID_SELF, port);
    let closed = close(port);
    case!(
        "evtchn.bind_virq.mca",
        "rc {}, port > 0 {}, again {}, vcpu 1 {}, status {} virq {} vcpu {vcpu} ({}), close {}",
        Rc(rc),
        port > 0,
        Rc(twice),
        Rc(other_vcpu),
        Rc(src),
        u[0],
        if st == EVTCHNSTAT_virq {
            "virq"
        } else {
            "other"
        },
        Rc(closed)
    );
}
