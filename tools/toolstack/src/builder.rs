//! The PVH domain builder, in the order Xen's toolstack builds a domain (4.17
//! tools/libs/light/libxl_create.c, libxl_dom.c `libxl__build_pre` / `libxl__build_hvm`,
//! tools/libs/guest/xg_dom_x86.c `meminit_hvm`, `bootlate_hvm`, `vcpu_hvm`):
//!
//! 1. createdomain (HVM container with HAP, only the LAPIC emulated), max_vcpus, max_mem
//!    (target + LIBXL_MAXMEM_CONSTANT), the paging pool, the e820;
//! 2. claim the target when claim mode is on (meminit_hvm: before set_pod_target, which
//!    allocates);
//! 3. PoD when maxmem exceeds the target: set_pod_target(target), then every page up to maxmem
//!    populated as a PoD entry; otherwise the target populated for real. Extents of 1 GiB, then
//!    2 MiB, then 4 KiB, each falling back to the next when Xen has no superpage;
//! 4. the ELF kernel, the ramdisk, hvm_start_info with the module list, the memory map and the
//!    command line;
//! 5. the vCPU's start state through sethvmcontext (MTRRs write-back, then the CPU record with
//!    flat segments, CR0 = PE|ET, RIP = the PHYS32 entry, RBX = the start info);
//! 6. unpause (unless asked not to), cancel the claim.
//!
//! Any failure after createdomain destroys the half-built domain.
//!
//! Not built (libxl does these, a guest without PV devices does not need them): the xenstore
//! and console pages and event channels, ACPI tables, the vNUMA layout, CPUID and MSR policy
//! changes.

use alloc::vec;
use alloc::vec::Vec;

use libelf::{Elf, PvhKernel};
use xen_public::arch_x86::hvm::save::{
    hvm_hw_cpu, hvm_hw_mtrr, hvm_save_header, HVM_SAVE_CODE_CPU, HVM_SAVE_CODE_HEADER,
    HVM_SAVE_CODE_MTRR,
};
use xen_public::arch_x86::hvm::start_info::{
    hvm_memmap_table_entry, hvm_modlist_entry, hvm_start_info, XEN_HVM_MEMMAP_TYPE_RAM,
    XEN_HVM_START_MAGIC_VALUE,
};
use xen_public::errno::Errno;
use xen_public::hvm::e820::HVM_BELOW_4G_RAM_END;
use xen_public::hvm::save::hvm_save_descriptor;
use xen_public::memory::XENMEMF_populate_on_demand;
use zerocopy::{FromBytes, FromZeros, IntoBytes};

use crate::ctrl::{pvh_createdomain_config, E820Entry, XenCtrl, E820_RAM};
use crate::hypercall::{Error, Hypercall};

/// Bytes in a page.
pub const PAGE_SIZE: u64 = 4096;
/// libxl's LIBXL_MAXMEM_CONSTANT: the KiB above the target that max_mem allows (libxl_internal.h).
pub const LIBXL_MAXMEM_CONSTANT: u64 = 1024;
/// Extent orders: 1 GiB and 2 MiB superpages, 4 KiB pages.
pub const SUPERPAGE_1GB_ORDER: u32 = 18;
/// 2 MiB.
pub const SUPERPAGE_2MB_ORDER: u32 = 9;
/// Extents per populate_physmap call (libxc batches the same way).
const EXTENTS_PER_CALL: usize = 512;
/// MTRRdefType: enabled, default type write-back (xg_dom_x86.c `vcpu_hvm`).
const MTRR_DEF_TYPE_WB_ENABLED: u64 = (1 << 11) | 6;

/// What to build.
#[derive(Clone, Debug)]
pub struct PvhConfig<'a> {
    /// The domain handle (UUID).
    pub handle: [u8; 16],
    /// vCPUs.
    pub max_vcpus: u32,
    /// The memory the domain starts with (`memory=` in MiB times 1024).
    pub target_memkb: u64,
    /// The most it may balloon up to (`maxmem=`); above the target, the rest is PoD.
    pub max_memkb: u64,
    /// The ELF kernel image.
    pub kernel: &'a [u8],
    /// The initial ramdisk, handed over as module 0.
    pub ramdisk: Option<&'a [u8]>,
    /// The kernel command line.
    pub cmdline: &'a str,
    /// Claim the target before allocating (xl.conf `claim_mode`).
    pub claim: bool,
    /// Leave the domain paused (`xl create -p`).
    pub paused: bool,
    /// The largest extent order to populate with (18, 9 or 0; for measuring 4 KiB against
    /// superpages).
    pub max_extent_order: u32,
}

/// What the builder reports as it goes, for xl's verbose output and progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildProgress {
    /// The domain exists.
    Created {
        /// Its id.
        domid: u16,
    },
    /// Xen accepted the claim.
    Claimed {
        /// The domain.
        domid: u16,
        /// Pages claimed.
        pages: u64,
    },
    /// Pages populated so far (PoD entries count), of the total to populate.
    Populated {
        /// Done.
        done: u64,
        /// To do.
        total: u64,
    },
    /// The claim was cancelled (what Xen still held for it is released).
    ClaimCancelled {
        /// The domain.
        domid: u16,
    },
}

/// The guest-physical layout of the boot data, worked out before anything is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Page-aligned start of the kernel image.
    pub kernel_start: u64,
    /// End of the kernel image (not aligned).
    pub kernel_end: u64,
    /// The ramdisk's address (page-aligned), if any.
    pub ramdisk: Option<u64>,
    /// The start-info area: hvm_start_info, the module list, the memory map, the command line.
    pub start_info: u64,
    /// End of the boot data (page-aligned).
    pub end: u64,
    /// The RAM ranges, as the e820 and the start info give them.
    pub ram: Vec<(u64, u64)>,
    /// Pages to populate (PoD entries or real pages), per RAM range: (first gfn, count).
    pub populate: Vec<(u64, u64)>,
    /// Whether the domain is PoD (maxmem above the target).
    pub pod: bool,
}

const START_INFO_SIZE: u64 = core::mem::size_of::<hvm_start_info>() as u64;
const MODLIST_ENTRY_SIZE: u64 = core::mem::size_of::<hvm_modlist_entry>() as u64;
const MEMMAP_ENTRY_SIZE: u64 = core::mem::size_of::<hvm_memmap_table_entry>() as u64;

fn page_up(x: u64) -> u64 {
    x.div_ceil(PAGE_SIZE) * PAGE_SIZE
}

/// RAM for `pages` pages: below HVM_BELOW_4G_RAM_END, the rest from 4 GiB (libxl's default
/// MMIO hole for an HVM container).
fn ram_ranges(pages: u64) -> Vec<(u64, u64)> {
    let bytes = pages * PAGE_SIZE;
    let low_end = u64::from(HVM_BELOW_4G_RAM_END);
    let mut ram = vec![(0, bytes.min(low_end))];
    if bytes > low_end {
        ram.push((1 << 32, bytes - low_end));
    }
    ram
}

/// Works out where everything goes, refusing what cannot be built (before any hypercall).
pub fn layout(config: &PvhConfig, kernel: &PvhKernel) -> Result<Layout, Error> {
    if config.max_vcpus == 0 {
        return Err(Error::Invalid("a domain needs at least one vCPU"));
    }
    if config.target_memkb == 0 || !config.target_memkb.is_multiple_of(4) {
        return Err(Error::Invalid(
            "memory must be a positive number of 4 KiB pages",
        ));
    }
    if config.max_memkb < config.target_memkb || !config.max_memkb.is_multiple_of(4) {
        return Err(Error::Invalid(
            "maxmem must be at least memory, in 4 KiB pages",
        ));
    }
    let target_pages = config.target_memkb / 4;
    let max_pages = config.max_memkb / 4;
    let pod = max_pages > target_pages;
    let ram = ram_ranges(max_pages);
    let populate_bytes_per_range =
        |&(start, len): &(u64, u64)| (start / PAGE_SIZE, len / PAGE_SIZE);
    let populate = if pod {
        ram.iter().map(populate_bytes_per_range).collect()
    } else {
        ram_ranges(target_pages)
            .iter()
            .map(populate_bytes_per_range)
            .collect()
    };

    let kernel_start = kernel.pstart & !(PAGE_SIZE - 1);
    let kernel_end = kernel.pend;
    let mut at = page_up(kernel_end);
    let ramdisk = config.ramdisk.map(|r| {
        let paddr = at;
        at = page_up(at + r.len() as u64);
        paddr
    });
    let start_info = at;
    let modules = u64::from(config.ramdisk.is_some());
    let memmap_entries = ram.len() as u64;
    let info_bytes = START_INFO_SIZE
        + modules * MODLIST_ENTRY_SIZE
        + memmap_entries * MEMMAP_ENTRY_SIZE
        + config.cmdline.len() as u64
        + 1;
    let end = page_up(start_info + info_bytes);
    // The boot data is written before the guest runs; with PoD each page written takes one
    // from the target, and the guest must have some left.
    let limit = ram[0].1.min(target_pages * PAGE_SIZE);
    if kernel_start >= kernel_end || end > limit {
        return Err(Error::Invalid(
            "the kernel, ramdisk and start info do not fit in the domain's low memory",
        ));
    }
    Ok(Layout {
        kernel_start,
        kernel_end,
        ramdisk,
        start_info,
        end,
        ram,
        populate,
        pod,
    })
}

/// The start-info area's bytes (at `layout.start_info`): hvm_start_info, the module list, the
/// memory map, the command line (NUL-terminated).
pub fn start_info_bytes(config: &PvhConfig, layout: &Layout) -> Vec<u8> {
    let base = layout.start_info;
    let nr_modules = u32::from(layout.ramdisk.is_some());
    let modlist = base + START_INFO_SIZE;
    let memmap = modlist + u64::from(nr_modules) * MODLIST_ENTRY_SIZE;
    let cmdline = memmap + layout.ram.len() as u64 * MEMMAP_ENTRY_SIZE;
    let info = hvm_start_info {
        magic: XEN_HVM_START_MAGIC_VALUE,
        version: 1,
        flags: 0,
        nr_modules,
        modlist_paddr: if nr_modules > 0 { modlist } else { 0 },
        cmdline_paddr: cmdline,
        rsdp_paddr: 0,
        memmap_paddr: memmap,
        memmap_entries: layout.ram.len() as u32,
        reserved: 0,
    };
    let mut bytes = Vec::new();
    bytes.extend_from_slice(info.as_bytes());
    if let (Some(paddr), Some(ramdisk)) = (layout.ramdisk, config.ramdisk) {
        let module = hvm_modlist_entry {
            paddr,
            size: ramdisk.len() as u64,
            cmdline_paddr: 0,
            reserved: 0,
        };
        bytes.extend_from_slice(module.as_bytes());
    }
    for &(addr, size) in &layout.ram {
        let entry = hvm_memmap_table_entry {
            addr,
            size,
            r#type: XEN_HVM_MEMMAP_TYPE_RAM,
            reserved: 0,
        };
        bytes.extend_from_slice(entry.as_bytes());
    }
    bytes.extend_from_slice(config.cmdline.as_bytes());
    bytes.push(0);
    bytes
}

/// Bytes of kernel image assembled and written at a time (the test guest's heap is small).
const KERNEL_CHUNK: u64 = 64 * 1024;

/// Writes the kernel's loaded image from `layout.kernel_start` to its end, a chunk at a time:
/// each loadable segment's file bytes at its physical address, zeros elsewhere (BSS included),
/// as libelf's `elf_load_binary` does.
fn load_kernel<H: Hypercall>(
    xc: &mut XenCtrl<H>,
    domid: u16,
    elf: &Elf,
    layout: &Layout,
) -> Result<(), Error> {
    let mut start = layout.kernel_start;
    while start < layout.kernel_end {
        let end = (start + KERNEL_CHUNK).min(layout.kernel_end);
        let mut chunk = vec![0u8; (end - start) as usize];
        for ph in elf.load_segments() {
            let data = elf.segment_data(&ph);
            let (seg_start, seg_end) = (ph.p_paddr, ph.p_paddr + data.len() as u64);
            let (from, to) = (seg_start.max(start), seg_end.min(end));
            if from < to {
                chunk[(from - start) as usize..(to - start) as usize]
                    .copy_from_slice(&data[(from - seg_start) as usize..(to - seg_start) as usize]);
            }
        }
        xc.backend()
            .copy_to_domain(domid, start / PAGE_SIZE, &chunk)?;
        start = end;
    }
    Ok(())
}

/// Builds a PVH domain; returns its id. `progress` hears about each stage.
pub fn build_pvh<H: Hypercall>(
    xc: &mut XenCtrl<H>,
    config: &PvhConfig,
    progress: &mut dyn FnMut(&mut XenCtrl<H>, BuildProgress),
) -> Result<u16, Error> {
    let elf = Elf::parse(config.kernel)?;
    let kernel = elf.pvh_kernel()?;
    let layout = layout(config, &kernel)?;

    let domid = xc.domain_create(0, &pvh_createdomain_config(config.max_vcpus, config.handle))?;
    progress(xc, BuildProgress::Created { domid });
    match build_created(xc, domid, config, &elf, &kernel, &layout, progress) {
        Ok(()) => Ok(domid),
        Err(e) => {
            // The half-built domain goes, as libxl's create does on failure; its own error
            // is the one worth reporting.
            let _ = xc.domain_destroy(domid);
            Err(e)
        }
    }
}

fn build_created<H: Hypercall>(
    xc: &mut XenCtrl<H>,
    domid: u16,
    config: &PvhConfig,
    elf: &Elf,
    kernel: &PvhKernel,
    layout: &Layout,
    progress: &mut dyn FnMut(&mut XenCtrl<H>, BuildProgress),
) -> Result<(), Error> {
    let target_pages = config.target_memkb / 4;
    xc.domain_max_vcpus(domid, config.max_vcpus)?;
    xc.domain_setmaxmem(domid, config.target_memkb + LIBXL_MAXMEM_CONSTANT)?;
    // libxl_get_required_shadow_memory: 4 KiB x (256 per vCPU + 2 per MiB of maxmem).
    let shadow_kb = 4 * (256 * u64::from(config.max_vcpus) + 2 * (config.max_memkb / 1024));
    match xc.shadow_set_allocation(domid, shadow_kb.div_ceil(1024) as u32) {
        // xen-rs takes p2m pages from the domain heap and has no pool to size.
        Err(Error::Xen {
            errno: Errno::EOPNOTSUPP,
            ..
        }) => {}
        other => other?,
    }
    let e820: Vec<E820Entry> = layout
        .ram
        .iter()
        .map(|&(addr, size)| E820Entry {
            addr,
            size,
            kind: E820_RAM,
        })
        .collect();
    xc.domain_set_memory_map(domid, &e820)?;

    if config.claim {
        xc.domain_claim_pages(domid, target_pages)?;
        progress(
            xc,
            BuildProgress::Claimed {
                domid,
                pages: target_pages,
            },
        );
    }
    if layout.pod {
        xc.domain_set_pod_target(domid, target_pages)?;
    }
    populate(xc, domid, config, layout, progress)?;

    load_kernel(xc, domid, elf, layout)?;
    if let (Some(paddr), Some(ramdisk)) = (layout.ramdisk, config.ramdisk) {
        xc.backend()
            .copy_to_domain(domid, paddr / PAGE_SIZE, ramdisk)?;
    }
    let info = start_info_bytes(config, layout);
    xc.backend()
        .copy_to_domain(domid, layout.start_info / PAGE_SIZE, &info)?;

    set_vcpu_start(
        xc,
        domid,
        config.max_vcpus,
        kernel.phys32_entry,
        layout.start_info,
    )?;

    if !config.paused {
        xc.domain_unpause(domid)?;
    }
    if config.claim {
        xc.domain_claim_pages(domid, 0)?;
        progress(xc, BuildProgress::ClaimCancelled { domid });
    }
    Ok(())
}

/// Populates `layout.populate` with the largest extents that fit, falling back to smaller ones
/// when Xen runs out of superpages (meminit_hvm's 1 GiB / 2 MiB / 4 KiB loop).
fn populate<H: Hypercall>(
    xc: &mut XenCtrl<H>,
    domid: u16,
    config: &PvhConfig,
    layout: &Layout,
    progress: &mut dyn FnMut(&mut XenCtrl<H>, BuildProgress),
) -> Result<(), Error> {
    let flags = if layout.pod {
        XENMEMF_populate_on_demand
    } else {
        0
    };
    let total: u64 = layout.populate.iter().map(|&(_, n)| n).sum();
    let mut done = 0u64;
    // Lowered for good once Xen has no more superpages of an order.
    let mut order_cap = config.max_extent_order;
    for &(first, count) in &layout.populate {
        let mut gfn = first;
        let end = first + count;
        while gfn < end {
            let order = [SUPERPAGE_1GB_ORDER, SUPERPAGE_2MB_ORDER]
                .into_iter()
                .find(|&o| o <= order_cap && gfn.is_multiple_of(1 << o) && end - gfn >= 1 << o)
                .unwrap_or(0);
            // As many extents of this order as fit, in one call.
            let n = ((end - gfn) >> order).min(EXTENTS_PER_CALL as u64);
            let gfns: Vec<u64> = (0..n).map(|i| gfn + (i << order)).collect();
            let populated = xc.domain_populate_physmap(domid, order, flags, &gfns)? as u64;
            if populated == 0 {
                if order == 0 {
                    return Err(Error::Xen {
                        what: "memory_op populate_physmap",
                        errno: Errno::ENOMEM,
                    });
                }
                order_cap = order - SUPERPAGE_2MB_ORDER;
                continue;
            }
            gfn += populated << order;
            done += populated << order;
            progress(xc, BuildProgress::Populated { done, total });
        }
    }
    Ok(())
}

/// The vCPUs' start state (xg_dom_x86.c `vcpu_hvm`): Xen's HEADER from the domain's own image,
/// each vCPU's MTRRs with write-back as the enabled default type, then vCPU 0's CPU record in
/// the PVH entry state.
fn set_vcpu_start<H: Hypercall>(
    xc: &mut XenCtrl<H>,
    domid: u16,
    max_vcpus: u32,
    entry: u32,
    start_info: u64,
) -> Result<(), Error> {
    let image = xc.domain_hvm_getcontext(domid)?;
    let records = records(&image);
    let header = records
        .iter()
        .find(|r| r.0 == HVM_SAVE_CODE_HEADER)
        .and_then(|r| hvm_save_header::read_from_prefix(r.2).ok())
        .map(|(h, _)| h)
        .ok_or(Error::Invalid("the domain's HVM context has no header"))?;
    let mtrr = records
        .iter()
        .find(|r| r.0 == HVM_SAVE_CODE_MTRR && r.1 == 0)
        .and_then(|r| hvm_hw_mtrr::read_from_prefix(r.2).ok())
        .map(|(m, _)| m);

    if let Some(mut mtrr) = mtrr {
        mtrr.msr_mtrr_def_type = MTRR_DEF_TYPE_WB_ENABLED;
        for vcpu in 0..max_vcpus {
            let mut out = Vec::new();
            put_record(&mut out, HVM_SAVE_CODE_HEADER, 0, header.as_bytes());
            put_record(&mut out, HVM_SAVE_CODE_MTRR, vcpu as u16, mtrr.as_bytes());
            put_record(&mut out, 0, 0, &[]);
            xc.domain_hvm_setcontext(domid, &out)?;
        }
    }

    let cpu = hvm_hw_cpu {
        rip: u64::from(entry),
        rbx: start_info,
        rflags: 2,
        cr0: 0x11, // PE | ET
        cs_limit: !0,
        ds_limit: !0,
        es_limit: !0,
        ss_limit: !0,
        cs_arbytes: 0xc9b,
        ds_arbytes: 0xc93,
        es_arbytes: 0xc93,
        ss_arbytes: 0xc93,
        tr_arbytes: 0x8b,
        tr_limit: 0x67,
        ..FromZeros::new_zeroed()
    };
    let mut out = Vec::new();
    put_record(&mut out, HVM_SAVE_CODE_HEADER, 0, header.as_bytes());
    put_record(&mut out, HVM_SAVE_CODE_CPU, 0, cpu.as_bytes());
    put_record(&mut out, 0, 0, &[]);
    xc.domain_hvm_setcontext(domid, &out)
}

/// The records of an HVM save image: (typecode, instance, body). Stops at END or at the first
/// record that does not fit.
fn records(image: &[u8]) -> Vec<(u16, u16, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Ok((desc, _)) = hvm_save_descriptor::read_from_prefix(&image[at..]) {
        let body_start = at + core::mem::size_of::<hvm_save_descriptor>();
        let Some(body) = image.get(body_start..body_start + desc.length as usize) else {
            break;
        };
        if desc.typecode == 0 {
            break;
        }
        out.push((desc.typecode, desc.instance, body));
        at = body_start + body.len();
    }
    out
}

fn put_record(out: &mut Vec<u8>, typecode: u16, instance: u16, body: &[u8]) {
    let desc = hvm_save_descriptor {
        typecode,
        instance,
        length: body.len() as u32,
    };
    out.extend_from_slice(desc.as_bytes());
    out.extend_from_slice(body);
}
