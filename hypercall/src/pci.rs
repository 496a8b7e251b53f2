//! The PCI devices the hardware domain reported, after xen/drivers/passthrough/pci.c
//! (`pci_add_device`, `pci_remove_device`, `alloc_pseg`, `alloc_pdev`, `free_pdev`,
//! `pdev_type`, `apply_quirks`), xen/drivers/pci/pci.c (the capability walks) and the parts of
//! xen/drivers/vpci that decide `pci_add_device`'s answer; and the host's MCFG entries, which
//! xen/arch/x86/x86_64/mmconfig-shared.c `pci_mmcfg_reserved` checks the hardware domain's word
//! against (its own MMCFG regions, `register_vpci_mmcfg_handler`, are [`crate::vpci`]'s).
//!
//! Xen scans the buses itself only when it has an IOMMU (`iommu_hardware_setup` calls
//! `scan_pci_devices`); without one, as on the machines xen-rs runs on, the devices it knows are
//! exactly those the hardware domain reports with PHYSDEVOP_pci_device_add. So here: a record per
//! segment/bus/devfn, created on the first report of that function and kept (with no owner) when
//! setting it up fails, as Xen keeps its `pci_dev`; gone on PHYSDEVOP_pci_device_remove.
//!
//! The configuration space is read through [`PciConfigSpace`] (the arch layer's mechanism #1;
//! all ones for a function that does not answer, a segment other than 0 or a register past
//! 255, as Xen's `pci_conf_read*` answer without MMCFG).
//!
//! Bounded: at most [`MAX_PCI_DEVICES`] functions and [`MAX_PCI_SEGMENTS`] segments, each
//! entry's memory reserved fallibly; past either, or when the allocation fails, `ENOMEM`, Xen's
//! answer when `xzalloc` fails.
//!
//! Not done here, and why:
//! - Xen's vPCI sizes the BARs and maps them into the hardware domain's p2m (`init_bars`,
//!   `modify_bars`) and traps the MSI and MSI-X capabilities. xen-rs's vPCI passes every register
//!   through ([`crate::vpci`]), so only the check that decides the answer is made (a header type
//!   other than normal or bridge is `EOPNOTSUPP`) and the capabilities' places are recorded for
//!   the emulation to come.
//! - SR-IOV: Xen sizes a physical function's VF BARs (`vf_rlen`); here the SR-IOV capability's
//!   place is recorded, and no BAR is written.
//! - `check_pdev` writes only with `pci=serr`/`pci=perr`, and `pci_enable_acs`, the IOMMU
//!   calls and the phantom devices of `pci-phantom=` need options or an IOMMU xen-rs does not
//!   have: without them Xen does nothing there either.
//! - NUMA: `pxm_to_node` needs the SRAT; the proximity domain the hardware domain reported is
//!   kept as it came (Xen's node is NUMA_NO_NODE without an SRAT entry).
//!
//! The record's lock is a leaf, but for the machine's configuration-space lock that the arch
//! layer takes inside it for each access.
#![forbid(unsafe_code)]

use alloc::boxed::Box;
use alloc::vec::Vec;

use xen_mm::buddy::DomId;
use xen_mm::errno::Errno;

use crate::vpci::{PciConfigSpace, Sbdf};

/// Functions recorded at most (a large server has a few hundred, or a few thousand with SR-IOV
/// virtual functions enabled).
pub const MAX_PCI_DEVICES: usize = 8192;
/// Segments recorded at most (Xen's `pci_segments` tree grows with every new segment a device is
/// reported on).
pub const MAX_PCI_SEGMENTS: usize = 256;
/// The host's MCFG entries kept (as the boot code reads them).
pub const MAX_MMCFG_ENTRIES: usize = 32;

/// `PCI_VENDOR_ID`.
pub const PCI_VENDOR_ID: u32 = 0x00;
/// `PCI_DEVICE_ID`.
pub const PCI_DEVICE_ID: u32 = 0x02;
/// `PCI_STATUS`.
pub const PCI_STATUS: u32 = 0x06;
/// `PCI_STATUS_CAP_LIST`: the function has a capability list.
pub const PCI_STATUS_CAP_LIST: u32 = 0x10;
/// `PCI_CLASS_DEVICE`: class and subclass.
pub const PCI_CLASS_DEVICE: u32 = 0x0a;
/// `PCI_HEADER_TYPE`.
pub const PCI_HEADER_TYPE: u32 = 0x0e;
/// `PCI_HEADER_TYPE_NORMAL`.
pub const PCI_HEADER_TYPE_NORMAL: u8 = 0;
/// `PCI_HEADER_TYPE_BRIDGE`.
pub const PCI_HEADER_TYPE_BRIDGE: u8 = 1;
/// `PCI_SECONDARY_BUS`.
pub const PCI_SECONDARY_BUS: u32 = 0x19;
/// `PCI_SUBORDINATE_BUS`.
pub const PCI_SUBORDINATE_BUS: u32 = 0x1a;
/// `PCI_CAPABILITY_LIST`.
pub const PCI_CAPABILITY_LIST: u32 = 0x34;
/// `PCI_CAP_ID_MSI`.
pub const PCI_CAP_ID_MSI: u8 = 0x05;
/// `PCI_CAP_ID_EXP`: PCI Express.
pub const PCI_CAP_ID_EXP: u8 = 0x10;
/// `PCI_CAP_ID_MSIX`.
pub const PCI_CAP_ID_MSIX: u8 = 0x11;
/// `PCI_EXP_FLAGS`, in the PCI Express capability.
pub const PCI_EXP_FLAGS: u32 = 2;
/// `PCI_EXP_FLAGS_TYPE`: the device/port type.
pub const PCI_EXP_FLAGS_TYPE: u32 = 0x00f0;
/// `PCI_EXP_TYPE_PCI_BRIDGE`: PCI Express to PCI/PCI-X bridge.
pub const PCI_EXP_TYPE_PCI_BRIDGE: u32 = 0x7;
/// `PCI_EXP_TYPE_PCIE_BRIDGE`: PCI/PCI-X to PCI Express bridge.
pub const PCI_EXP_TYPE_PCIE_BRIDGE: u32 = 0x8;
/// `PCI_EXP_DEVCAP`, in the PCI Express capability.
pub const PCI_EXP_DEVCAP: u32 = 4;
/// `PCI_EXP_DEVCAP_PHANTOM`: phantom functions supported.
pub const PCI_EXP_DEVCAP_PHANTOM: u32 = 0x18;
/// `PCI_EXT_CAP_ID_SRIOV`.
pub const PCI_EXT_CAP_ID_SRIOV: u32 = 16;
/// `PCI_CLASS_BRIDGE_HOST`.
pub const PCI_CLASS_BRIDGE_HOST: u32 = 0x0600;
/// `PCI_CLASS_BRIDGE_PCI`.
pub const PCI_CLASS_BRIDGE_PCI: u32 = 0x0604;
/// `PCI_VENDOR_ID_INTEL`.
pub const PCI_VENDOR_ID_INTEL: u32 = 0x8086;

/// The devices whose BARs Xen ignores (`apply_quirks`: errata HSE43, BDF2 and BDX2).
const IGNORE_BARS: [(u32, u32); 4] = [
    (PCI_VENDOR_ID_INTEL, 0x2fc0),
    (PCI_VENDOR_ID_INTEL, 0x6f60),
    (PCI_VENDOR_ID_INTEL, 0x6fa0),
    (PCI_VENDOR_ID_INTEL, 0x6fc0),
];

/// `enum pdev_type`: what `pdev_type` makes of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PdevType {
    /// `DEV_TYPE_PCI_UNKNOWN`: class 0xffff (nothing answers).
    Unknown,
    /// `DEV_TYPE_PCIe_ENDPOINT`.
    PcieEndpoint,
    /// `DEV_TYPE_PCIe_BRIDGE`: a root port or switch port.
    PcieBridge,
    /// `DEV_TYPE_PCIe2PCI_BRIDGE`.
    Pcie2PciBridge,
    /// `DEV_TYPE_PCI2PCIe_BRIDGE`.
    Pci2PcieBridge,
    /// `DEV_TYPE_LEGACY_PCI_BRIDGE`.
    LegacyPciBridge,
    /// `DEV_TYPE_PCI_HOST_BRIDGE`.
    HostBridge,
    /// `DEV_TYPE_PCI`: a conventional PCI function.
    Pci,
}

/// `struct pci_dev_info`: what the hardware domain said of a function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PciDevInfo {
    /// An ARI extended function (for a virtual function: whether its physical function is).
    pub is_extfn: bool,
    /// An SR-IOV virtual function.
    pub is_virtfn: bool,
    /// A virtual function's physical function: bus and devfn.
    pub physfn: (u8, u8),
}

/// One recorded function (`struct pci_dev`, the parts xen-rs keeps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PciDev {
    /// Segment.
    pub seg: u16,
    /// Bus.
    pub bus: u8,
    /// Device and function.
    pub devfn: u8,
    /// `pdev->type`, read when the record was made.
    pub kind: PdevType,
    /// `pdev->info`.
    pub info: PciDevInfo,
    /// The proximity domain the hardware domain reported (XEN_PCI_DEV_PXM), if any.
    pub pxm: Option<u32>,
    /// `pdev->domain`: the owner, the hardware domain once it is set up; `None` while setting
    /// it up failed.
    pub owner: Option<DomId>,
    /// A bridge's secondary and subordinate bus (Xen's `bus2bridge` entries).
    pub bridge_buses: Option<(u8, u8)>,
    /// `pdev->phantom_stride`: the function-number step of a PCI Express endpoint's phantom
    /// functions, 0 for none.
    pub phantom_stride: u8,
    /// `pdev->ignore_bars` (`apply_quirks`).
    pub ignore_bars: bool,
    /// The SR-IOV extended capability's offset, 0 for none (a physical function's).
    pub sriov_pos: u16,
    /// Where vPCI found the MSI capability, 0 for none (set while the owner has vPCI).
    pub msi_pos: u8,
    /// Where vPCI found the MSI-X capability, 0 for none (set while the owner has vPCI).
    pub msix_pos: u8,
}

impl PciDev {
    /// Its address for [`PciConfigSpace`].
    pub fn sbdf(&self) -> Sbdf {
        sbdf(self.seg, self.bus, self.devfn)
    }
}

/// One MCFG entry (`struct acpi_mcfg_allocation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmcfgEntry {
    /// Base address (bus 0 of the segment).
    pub address: u64,
    /// Segment.
    pub segment: u16,
    /// First bus.
    pub start_bus: u8,
    /// Last bus.
    pub end_bus: u8,
}

/// A configuration space where nothing answers: reads are all ones, writes are dropped (a
/// hypervisor without PCI, the host tests' default).
pub struct NoPciDevices;

impl PciConfigSpace for NoPciDevices {
    fn read(&self, _: Sbdf, _: u32, size: u32) -> u32 {
        match size {
            1 => 0xff,
            2 => 0xffff,
            _ => u32::MAX,
        }
    }

    fn write(&self, _: Sbdf, _: u32, _: u32, _: u32) {}
}

/// `PCI_SBDF(seg, bus, devfn)`.
pub fn sbdf(seg: u16, bus: u8, devfn: u8) -> Sbdf {
    Sbdf {
        seg,
        bdf: u16::from_be_bytes([bus, devfn]),
    }
}

fn read8(hw: &dyn PciConfigSpace, s: Sbdf, reg: u32) -> u32 {
    hw.read(s, reg, 1) & 0xff
}

fn read16(hw: &dyn PciConfigSpace, s: Sbdf, reg: u32) -> u32 {
    hw.read(s, reg, 2) & 0xffff
}

/// `pci_find_cap_offset`: the offset of capability `cap` in the function's list, 0 if absent.
/// At most 48 entries are walked; a pointer below 0x40 or an ID of 0xff ends the walk.
pub fn find_cap_offset(hw: &dyn PciConfigSpace, s: Sbdf, cap: u8) -> u8 {
    if read16(hw, s, PCI_STATUS) & PCI_STATUS_CAP_LIST == 0 {
        return 0;
    }
    let mut pos = PCI_CAPABILITY_LIST;
    for _ in 0..48 {
        pos = read8(hw, s, pos);
        if pos < 0x40 {
            break;
        }
        pos &= !3;
        let id = read8(hw, s, pos);
        if id == 0xff {
            break;
        }
        if id == u32::from(cap) {
            return pos as u8;
        }
        pos += 1;
    }
    0
}

/// `pci_find_ext_capability`: the offset of extended capability `cap`, 0 if absent (or if the
/// extended space reads 0 or all ones, as without MMCFG). At most 480 entries are walked.
pub fn find_ext_capability(hw: &dyn PciConfigSpace, s: Sbdf, cap: u32) -> u16 {
    let mut pos = 0x100;
    let mut header = hw.read(s, pos, 4);
    if header == 0 || header == u32::MAX {
        return 0;
    }
    for _ in 0..480 {
        if header & 0xffff == cap {
            return pos as u16;
        }
        pos = (header >> 20) & 0xffc;
        if pos < 0x100 {
            break;
        }
        header = hw.read(s, pos, 4);
    }
    0
}

/// `pdev_type`: a function's kind from its class and its PCI Express capability.
pub fn pdev_type(hw: &dyn PciConfigSpace, s: Sbdf) -> PdevType {
    let pos = u32::from(find_cap_offset(hw, s, PCI_CAP_ID_EXP));
    match read16(hw, s, PCI_CLASS_DEVICE) {
        PCI_CLASS_BRIDGE_PCI => {
            if pos == 0 {
                return PdevType::LegacyPciBridge;
            }
            match (read16(hw, s, pos + PCI_EXP_FLAGS) & PCI_EXP_FLAGS_TYPE) >> 4 {
                PCI_EXP_TYPE_PCI_BRIDGE => PdevType::Pcie2PciBridge,
                PCI_EXP_TYPE_PCIE_BRIDGE => PdevType::Pci2PcieBridge,
                _ => PdevType::PcieBridge,
            }
        }
        PCI_CLASS_BRIDGE_HOST => PdevType::HostBridge,
        0xffff => PdevType::Unknown,
        // Legacy pre-PCI 2.0 functions (class 0) count as endpoints.
        _ if pos != 0 => PdevType::PcieEndpoint,
        _ => PdevType::Pci,
    }
}

/// `alloc_pdev`'s reading of a new function: its kind, a bridge's buses, an endpoint's phantom
/// stride, the BAR quirks.
fn new_pdev(hw: &dyn PciConfigSpace, seg: u16, bus: u8, devfn: u8) -> PciDev {
    let s = sbdf(seg, bus, devfn);
    let kind = pdev_type(hw, s);
    let mut dev = PciDev {
        seg,
        bus,
        devfn,
        kind,
        info: PciDevInfo::default(),
        pxm: None,
        owner: None,
        bridge_buses: None,
        phantom_stride: 0,
        ignore_bars: false,
        sriov_pos: 0,
        msi_pos: 0,
        msix_pos: 0,
    };
    match kind {
        PdevType::Pcie2PciBridge | PdevType::LegacyPciBridge => {
            dev.bridge_buses = Some((
                read8(hw, s, PCI_SECONDARY_BUS) as u8,
                read8(hw, s, PCI_SUBORDINATE_BUS) as u8,
            ));
        }
        PdevType::PcieEndpoint => {
            let pos = u32::from(find_cap_offset(hw, s, PCI_CAP_ID_EXP));
            let cap = read16(hw, s, pos + PCI_EXP_DEVCAP);
            if cap & PCI_EXP_DEVCAP_PHANTOM != 0 {
                // `8 >> MASK_EXTR(cap, PCI_EXP_DEVCAP_PHANTOM)`; none if this function is not
                // below the stride.
                let stride = 8u8 >> ((cap & PCI_EXP_DEVCAP_PHANTOM) >> 3);
                dev.phantom_stride = if devfn & 7 >= stride { 0 } else { stride };
            }
        }
        _ => {}
    }
    let vendor = read16(hw, s, PCI_VENDOR_ID);
    let device = read16(hw, s, PCI_DEVICE_ID);
    dev.ignore_bars = IGNORE_BARS.contains(&(vendor, device));
    dev
}

/// The vPCI set-up of `vpci_add_handlers` for an owner with vPCI, as far as it decides the
/// answer: `init_msix`, `init_bars` (`EOPNOTSUPP` for a header type other than normal or
/// bridge), `init_msi`. Records the capabilities' places once the header is accepted.
fn vpci_add_handlers(hw: &dyn PciConfigSpace, dev: &mut PciDev) -> Result<(), Errno> {
    let s = dev.sbdf();
    let msix = find_cap_offset(hw, s, PCI_CAP_ID_MSIX);
    match read8(hw, s, PCI_HEADER_TYPE) as u8 & 0x7f {
        PCI_HEADER_TYPE_NORMAL | PCI_HEADER_TYPE_BRIDGE => {}
        _ => return Err(Errno::EOPNOTSUPP),
    }
    dev.msix_pos = msix;
    dev.msi_pos = find_cap_offset(hw, s, PCI_CAP_ID_MSI);
    Ok(())
}

struct PciState {
    /// Known segments, sorted (`pci_segments`; segment 0 from boot, `pci_segments_init`).
    segments: Vec<u16>,
    /// Recorded functions, sorted by segment, bus, devfn.
    devices: Vec<PciDev>,
    /// The host's MCFG entries (`pci_mmcfg_config`).
    host_mmcfg: Vec<MmcfgEntry>,
}

impl PciState {
    fn find(&self, seg: u16, bus: u8, devfn: u8) -> Result<usize, usize> {
        self.devices
            .binary_search_by_key(&(seg, bus, devfn), |d| (d.seg, d.bus, d.devfn))
    }

    /// `alloc_pseg`.
    fn alloc_pseg(&mut self, seg: u16) -> Result<(), Errno> {
        if let Err(at) = self.segments.binary_search(&seg) {
            if self.segments.len() >= MAX_PCI_SEGMENTS || self.segments.try_reserve(1).is_err() {
                return Err(Errno::ENOMEM);
            }
            self.segments.insert(at, seg);
        }
        Ok(())
    }

    /// `alloc_pdev`: the record of `seg:bus:devfn`, made (reading the function) if new.
    fn alloc_pdev(
        &mut self,
        hw: &dyn PciConfigSpace,
        seg: u16,
        bus: u8,
        devfn: u8,
    ) -> Result<usize, Errno> {
        match self.find(seg, bus, devfn) {
            Ok(i) => Ok(i),
            Err(at) => {
                if self.devices.len() >= MAX_PCI_DEVICES || self.devices.try_reserve(1).is_err() {
                    return Err(Errno::ENOMEM);
                }
                self.devices.insert(at, new_pdev(hw, seg, bus, devfn));
                Ok(at)
            }
        }
    }
}

/// The hypervisor's PCI state: the machine's configuration space and what it knows of it.
pub struct Pci {
    config: Box<dyn PciConfigSpace + Send + Sync>,
    state: spin::Mutex<PciState>,
}

impl Default for Pci {
    fn default() -> Self {
        Self::new(Box::new(NoPciDevices))
    }
}

/// How the hardware domain is set up for a function it reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    /// Its id (`hardware_domain`).
    pub domid: DomId,
    /// Whether it has vPCI (`has_vpci`: XEN_X86_EMU_VPCI).
    pub has_vpci: bool,
}

impl Pci {
    /// No device known, segment 0 present (`pci_segments_init`), over `config`.
    pub fn new(config: Box<dyn PciConfigSpace + Send + Sync>) -> Self {
        Pci {
            config,
            state: spin::Mutex::new(PciState {
                segments: alloc::vec![0],
                devices: Vec::new(),
                host_mmcfg: Vec::new(),
            }),
        }
    }

    /// The machine's configuration space.
    pub fn config_space(&self) -> &dyn PciConfigSpace {
        &*self.config
    }

    /// Sets the host's MCFG entries (what Xen's `acpi_mmcfg_init` parsed); at most
    /// [`MAX_MMCFG_ENTRIES`] are kept.
    pub fn set_host_mmcfg(&self, entries: &[MmcfgEntry]) {
        let mut st = self.state.lock();
        st.host_mmcfg.clear();
        st.host_mmcfg
            .extend(entries.iter().take(MAX_MMCFG_ENTRIES).copied());
    }

    /// The recorded functions, in segment, bus, devfn order.
    pub fn devices(&self) -> Vec<PciDev> {
        self.state.lock().devices.clone()
    }

    /// The record of one function.
    pub fn device(&self, seg: u16, bus: u8, devfn: u8) -> Option<PciDev> {
        let st = self.state.lock();
        st.find(seg, bus, devfn).ok().map(|i| st.devices[i].clone())
    }

    /// Whether `seg` is known (`pci_known_segment`).
    pub fn known_segment(&self, seg: u16) -> bool {
        self.state.lock().segments.binary_search(&seg).is_ok()
    }

    /// `pci_add_device(seg, bus, devfn, info, node)` for the hardware domain `owner`, `at` being
    /// `(seg, bus, devfn)`.
    /// `plug_permitted` is the caller's `xsm_resource_plug_pci` (checked after a virtual
    /// function's physical function is added, as in Xen). `info` is `None` for a plain report
    /// (the physical function added on a virtual function's behalf).
    pub fn add_device(
        &self,
        owner: Owner,
        plug_permitted: Result<(), Errno>,
        at: (u16, u8, u8),
        info: Option<PciDevInfo>,
        pxm: Option<u32>,
    ) -> Result<(), Errno> {
        let (seg, bus, devfn) = at;
        let mut pf_is_extfn = false;
        if let Some(info) = info.filter(|i| i.is_virtfn) {
            let (pbus, pdevfn) = info.physfn;
            let pf = self.device(seg, pbus, pdevfn);
            match pf {
                Some(pf) => pf_is_extfn = pf.info.is_extfn,
                // Its own answer is not the virtual function's.
                None => {
                    let _ = self.add_device(owner, plug_permitted, (seg, pbus, pdevfn), None, pxm);
                }
            }
        }
        plug_permitted?;

        let hw = &*self.config;
        let mut st = self.state.lock();
        st.alloc_pseg(seg)?;
        let i = st.alloc_pdev(hw, seg, bus, devfn)?;
        let dev = &mut st.devices[i];
        dev.pxm = pxm;
        if let Some(info) = info {
            dev.info = info;
            // A virtual function's `is_extfn` says whether its physical function is one.
            if info.is_virtfn {
                dev.info.is_extfn = pf_is_extfn;
            }
        }
        if !dev.info.is_virtfn && dev.sriov_pos == 0 {
            dev.sriov_pos = find_ext_capability(hw, dev.sbdf(), PCI_EXT_CAP_ID_SRIOV);
        }
        if dev.owner.is_none() {
            dev.owner = Some(owner.domid);
            // `vpci_add_handlers`; `iommu_add_device` is 0 without an IOMMU.
            // On failure `vpci_remove_device` undoes what vPCI set up: here nothing was
            // recorded before the check that failed.
            if owner.has_vpci {
                if let Err(e) = vpci_add_handlers(hw, dev) {
                    dev.owner = None;
                    return Err(e);
                }
            }
        }
        // Else `iommu_enable_device`, and `pci_enable_acs`: nothing without an IOMMU.
        Ok(())
    }

    /// `pci_remove_device(seg, bus, devfn)`: `ENODEV` for an unknown segment or function;
    /// `EINVAL` (`iommu_remove_device` of a function with no owner) when its set-up had
    /// failed, the record going all the same. For that last case Xen 4.17 calls
    /// `vpci_remove_device` first, which reads the missing owner and panics the host; upstream
    /// Xen calls it only `if ( pdev->domain )` and answers `EINVAL`, as here.
    pub fn remove_device(
        &self,
        unplug_permitted: Result<(), Errno>,
        seg: u16,
        bus: u8,
        devfn: u8,
    ) -> Result<(), Errno> {
        unplug_permitted?;
        let mut st = self.state.lock();
        if st.segments.binary_search(&seg).is_err() {
            return Err(Errno::ENODEV);
        }
        let i = st.find(seg, bus, devfn).map_err(|_| Errno::ENODEV)?;
        let dev = st.devices.remove(i);
        if dev.owner.is_none() {
            Err(Errno::EINVAL)
        } else {
            Ok(())
        }
    }

    /// `pci_mmcfg_reserved`: the hardware domain says whether an MCFG region is reserved.
    /// `EINVAL` for unknown flags; `ENODEV` for a region the host's MCFG does not list (by
    /// segment and bus range); `EIO` when its base address differs.
    pub fn mmcfg_reserved(
        &self,
        address: u64,
        segment: u16,
        start_bus: u8,
        end_bus: u8,
        flags: u32,
    ) -> Result<(), Errno> {
        if flags & !xen_public::physdev::XEN_PCI_MMCFG_RESERVED != 0 {
            return Err(Errno::EINVAL);
        }
        let st = self.state.lock();
        let cfg = st
            .host_mmcfg
            .iter()
            .find(|c| c.segment == segment && c.start_bus == start_bus && c.end_bus == end_bus)
            .ok_or(Errno::ENODEV)?;
        if cfg.address != address {
            return Err(Errno::EIO);
        }
        // `pci_mmcfg_arch_enable` / `pci_mmcfg_arch_disable`: Xen maps or unmaps the region
        // for its own accesses; xen-rs's arch layer keeps every host region it was given at
        // boot.
        Ok(())
    }
}
