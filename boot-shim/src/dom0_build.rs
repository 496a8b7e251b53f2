//! The plan for a PVH dom0, as pure data, following Xen 4.17's builder:
//!
//! - how many pages dom0 gets: `dom0_compute_nr_pages` (xen/arch/x86/dom0_build.c);
//! - dom0's memory map: `pvh_setup_e820` (xen/arch/x86/hvm/dom0_build.c) over the host map, which
//!   Xen first sorts and de-overlaps (`sanitize_e820_map`, xen/arch/x86/e820.c);
//! - where the kernel's PT_LOAD segments, the modules, the command lines, the module list and
//!   `hvm_start_info` go: `pvh_load_kernel` (and its `find_memory`);
//! - dom0's p2m: RAM from the heap, the host's low memory copied into it, identity maps below
//!   1 MiB and over the ACPI ranges: `pvh_populate_p2m` and `pvh_setup_acpi`;
//! - a direct-mapped dom0 ([`direct_mapped_ram`], [`direct_e820`]): its RAM above 1 MiB is the
//!   heap's free frames with the guest frames' own numbers (gfn == mfn), as Xen on Arm's
//!   `allocate_memory_11` gives a direct-mapped dom0 its banks, so that its devices can DMA
//!   without an IOMMU; its map says RAM exactly there and unusable for the rest of the host's
//!   RAM, after `pvh_setup_e820`;
//! - the boot vCPU's state: `pvh_setup_cpus`;
//! - dom0's ACPI tables (its MADT, XSDT and RSDP, in RAM stolen from its map and marked
//!   E820_ACPI): `pvh_setup_acpi` ([`crate::dom0_acpi`]).
//!
//! Nothing here touches memory. The caller backs dom0's p2m ([`Dom0Plan::p2m_ranges`]),
//! copies [`Dom0Plan::writes`] into guest-physical memory and starts the vCPU with
//! [`Dom0Plan::vcpu`]. Nothing allocates either: the lists have fixed capacities (errors past them).
//!
//! Deviations from Xen 4.17, each on purpose:
//! - dom0's RAM above 1 MiB is direct-mapped (Xen x86 gives a PVH dom0 whatever frames the heap
//!   hands out and relies on an IOMMU for DMA); it is placed where the heap's free RAM is, lowest
//!   first, rather than in the host's RAM in address order, and the kernel's frames that the
//!   hypervisor holds are the only RAM above 1 MiB from elsewhere. xen-rs moves the boot modules
//!   to the top of RAM and takes its xenheap from there (as Xen's `__start_xen` and its boot
//!   allocator do), so the RAM where kernels load is the heap's;
//! - a `dom0_mem` request larger than the available memory is an error ([`Dom0BuildError`]), where
//!   Xen clamps it to the available memory without a word (`nr_pages = min(nr_pages, avail)`); the
//!   same for a negative amount larger than the available memory, where Xen's unsigned arithmetic
//!   wraps and the clamp then gives dom0 everything;
//! - no IOMMU reserve (xen-rs has no IOMMU support) and no vCPU-struct reserve beyond Xen's one page
//!   per extra vCPU;
//! - the kernel must lie in one RAM range of dom0's map (later Xen's `check_load_address`; 4.17
//!   fails only when copying) and its segments must not overlap;
//! - the space for the metadata counts the module command lines (4.17 forgets them; fixed later);
//! - several modules may be passed (Xen passes only the first, the initrd): each one is laid out
//!   as Xen lays out the initrd, so one module gives Xen's exact layout;
//! - on a host without an RSDP, dom0 gets no ACPI tables and `rsdp_paddr` 0; Xen fails to build
//!   it ("Failed to get MADT ACPI table, aborting."); dom0's own tables differ from Xen's where
//!   [`crate::dom0_acpi`] says;
//! - `arch_iommu_hwdom_init`'s identity maps of reserved ranges are made without an IOMMU (Xen
//!   needs one for a PVH dom0); its `mfn_valid` test above 4 GiB is "below the end of the
//!   host's RAM", and every MCFG region is kept out, where Xen may reject an MCFG and then map
//!   it;
//! - a bzImage or compressed kernel reaches this plan decompressed (start_of_day.rs, with the
//!   bzimage crate, into a block of the domain heap freed once dom0 is built; Xen decompresses
//!   into the module's own memory, moved up by `bzimage_headroom` at boot), and that block is not
//!   counted in the available memory (Xen counts the module and its headroom, which it frees
//!   after building dom0, `initial_images_nrpages`);
//! - no BSD symbol table loading.

use core::fmt;

use xen_public::arch_x86::hvm::start_info::{
    hvm_modlist_entry, hvm_start_info, XEN_HVM_START_MAGIC_VALUE,
};
use xen_public::hvm::hvm_vcpu::{vcpu_hvm_context, vcpu_hvm_x86_32, VCPU_HVM_MODE_32B};
use xen_public::xen::{MAX_GUEST_CMDLINE, SIF_INITDOMAIN, SIF_PRIVILEGED};

use crate::acpi::MadtIoapic;
use crate::boot_memory::PAGE_SIZE;
use crate::dom0_acpi::{pvh_setup_acpi, Dom0Acpi, HostAcpi};
use crate::multiboot2::MemoryRegion;
use crate::options::{Dom0Mem, FixedList, MemSize};
use libelf::{Elf, ElfError, PvhKernel};
use xen_mm::p2m::types::{P2mAccess, P2mType};

/// e820 type: usable RAM.
pub const E820_RAM: u32 = 1;
/// e820 type: reserved.
pub const E820_RESERVED: u32 = 2;
/// e820 type: ACPI tables.
pub const E820_ACPI: u32 = 3;
/// e820 type: ACPI non-volatile storage.
pub const E820_NVS: u32 = 4;
/// e820 type: unusable.
pub const E820_UNUSABLE: u32 = 5;

/// How many entries a memory map may have here.
pub const E820_MAX: usize = 128;
/// How many entries dom0's memory map may have here: the host's, one more where dom0's RAM ends
/// inside a RAM entry (`pvh_setup_e820`), and the ACPI tables' ranges `pvh_setup_acpi` adds.
pub const DOM0_E820_MAX: usize = 2 * E820_MAX;
/// dom0's memory map.
pub type Dom0E820 = FixedList<E820Entry, DOM0_E820_MAX>;
/// How many PT_LOAD segments a kernel may have here.
pub const MAX_LOAD_SEGMENTS: usize = 32;
/// How many modules dom0 may get here.
pub const MAX_DOM0_MODULES: usize = 16;
/// The most writes a plan makes: two per segment, three per module, two for the command line, the
/// module list, start_info and the three ACPI tables.
pub const MAX_GUEST_WRITES: usize = 2 * MAX_LOAD_SEGMENTS + 3 * MAX_DOM0_MODULES + 7;

/// `sizeof(struct hvm_start_info)`: Xen copies the whole structure, memmap fields zeroed.
pub const START_INFO_SIZE: u64 = 56;
/// `sizeof(struct hvm_modlist_entry)`.
pub const MODLIST_ENTRY_SIZE: u64 = 32;
/// The first MiB: dom0's RAM there holds a copy of the host's, the rest is identity-mapped
/// (`pvh_populate_p2m`), and none of it is used for dom0's metadata (`find_memory`: "could
/// overwrite BDA/EBDA/IBFT").
pub const LOW_MEMORY_END: u64 = 1 << 20;
/// The frames below 1 MiB (`MB1_PAGES`).
const LOW_PAGES: u64 = LOW_MEMORY_END / PAGE_SIZE;
/// `X86_CR0_PE | X86_CR0_ET`: protected mode, paging off.
pub const PVH_CR0: u32 = 0x11;
/// 4 GiB: where EBX (the start_info address) stops.
const GB4: u64 = 1 << 32;
/// 128 MiB in pages: the cap on the default reserve.
const DEFAULT_RESERVE_CAP_PAGES: u64 = 128 << (20 - 12);

/// One memory map entry (Xen's `struct e820entry`, packed: 20 bytes in XENMEM_memory_map).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct E820Entry {
    /// First byte.
    pub addr: u64,
    /// Length in bytes.
    pub size: u64,
    /// E820_* type.
    pub r#type: u32,
}

impl E820Entry {
    /// The first byte past the entry, saturating at the top of the address space.
    pub fn end(&self) -> u64 {
        self.addr.saturating_add(self.size)
    }

    /// The packed 20-byte form XENMEM_memory_map returns.
    pub fn to_bytes(&self) -> [u8; 20] {
        let mut b = [0u8; 20];
        b[..8].copy_from_slice(&self.addr.to_le_bytes());
        b[8..16].copy_from_slice(&self.size.to_le_bytes());
        b[16..].copy_from_slice(&self.r#type.to_le_bytes());
        b
    }
}

impl From<MemoryRegion> for E820Entry {
    /// Multiboot2 memory types are the e820 types (Xen copies them as they are).
    fn from(r: MemoryRegion) -> Self {
        E820Entry {
            addr: r.base,
            size: r.length,
            r#type: r.region_type,
        }
    }
}

/// Why dom0 cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dom0BuildError {
    /// The kernel image was refused.
    Elf(ElfError),
    /// `max_vcpus` is 0.
    NoVcpus,
    /// The vCPU or paging reserves alone exceed the available memory.
    NotEnoughMemory {
        /// Pages the reserves need.
        needed: u64,
        /// Pages available.
        available: u64,
    },
    /// A negative `dom0_mem` amount is larger than the available memory (Xen wraps).
    NegativeAmountTooLarge,
    /// The host has ACPI tables but no MADT (`pvh_setup_acpi_madt`).
    NoMadt,
    /// The host's XSDT or RSDT header cannot be read (`pvh_setup_acpi_xsdt`).
    NoRootTable,
    /// dom0's MADT, XSDT and RSDP need more room than the plan has.
    AcpiTablesTooLarge {
        /// Bytes needed.
        size: u64,
    },
    /// No RAM below 4 GiB to steal for one of dom0's ACPI tables (`pvh_steal_ram`).
    NoRamForAcpi {
        /// "MADT", "XSDT" or "RSDP".
        what: &'static str,
    },
    /// dom0's ACPI tables would land on the kernel, the modules or the metadata.
    AcpiTablesOverlap {
        /// First byte of the tables.
        start: u64,
        /// First byte past them.
        end: u64,
    },
    /// dom0_mem asks for more than is available (Xen silently clamps).
    Dom0MemTooLarge {
        /// Pages asked for (after min/max).
        requested: u64,
        /// Pages available.
        available: u64,
    },
    /// The computation leaves dom0 no page.
    NoMemoryForDom0,
    /// The host's memory map has more entries than [`E820_MAX`], or dom0's than [`DOM0_E820_MAX`].
    E820TooLarge,
    /// The host's RAM holds fewer whole pages than dom0 gets (Xen asserts).
    HostRamTooSmall {
        /// dom0's pages.
        nr_pages: u64,
        /// Whole RAM pages in the host map.
        ram_pages: u64,
    },
    /// More than [`MAX_LOAD_SEGMENTS`] segments.
    TooManySegments,
    /// More than [`MAX_DOM0_MODULES`] modules.
    TooManyModules,
    /// Two PT_LOAD segments share guest-physical memory.
    SegmentsOverlap {
        /// Start of the first.
        first: u64,
        /// Start of the second.
        second: u64,
    },
    /// The kernel does not lie inside one RAM range of dom0's map.
    KernelNotInRam {
        /// First byte.
        start: u64,
        /// First byte past the kernel.
        end: u64,
    },
    /// No RAM range above 1 MiB holds the modules and metadata.
    NoMetadataSpace {
        /// Bytes needed.
        size: u64,
    },
    /// start_info would not be reachable from 32-bit EBX.
    StartInfoAbove4G {
        /// Where it would go.
        paddr: u64,
    },
    /// An address or size calculation overflowed.
    Overflow,
    /// dom0's size cannot hold its RAM below 1 MiB and the kernel's load range (a direct-mapped
    /// dom0 must have the kernel's frames).
    Dom0MemTooSmallForKernel {
        /// dom0's pages.
        nr_pages: u64,
        /// The pages of RAM below 1 MiB and of the kernel's load range.
        needed: u64,
    },
    /// The direct-mapped RAM could not be found in the heap's free frames (Xen on Arm's
    /// `allocate_memory_11` panics the same way).
    DirectMapShort {
        /// Pages left unallocated.
        unallocated: u64,
    },
}

impl From<ElfError> for Dom0BuildError {
    fn from(e: ElfError) -> Self {
        Dom0BuildError::Elf(e)
    }
}

impl fmt::Display for Dom0BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dom0BuildError::Elf(e) => write!(f, "Unable to parse kernel: {e}"),
            Dom0BuildError::NoVcpus => write!(f, "dom0 needs at least one vCPU"),
            Dom0BuildError::NotEnoughMemory { needed, available } => write!(
                f,
                "dom0 reserves need {needed} pages, only {available} are available"
            ),
            Dom0BuildError::NegativeAmountTooLarge => write!(
                f,
                "dom0_mem: a negative amount is larger than the available memory"
            ),
            Dom0BuildError::Dom0MemTooLarge {
                requested,
                available,
            } => write!(
                f,
                "dom0_mem asks for {requested} pages, only {available} are available"
            ),
            Dom0BuildError::NoMemoryForDom0 => write!(f, "dom0 would get no memory"),
            Dom0BuildError::NoMadt => write!(f, "Failed to get MADT ACPI table, aborting."),
            Dom0BuildError::NoRootTable => write!(f, "Unable to map XSDT"),
            Dom0BuildError::AcpiTablesTooLarge { size } => {
                write!(f, "dom0's ACPI tables need {size} bytes")
            }
            Dom0BuildError::NoRamForAcpi { what } => {
                write!(f, "Unable to steal guest RAM for {what}")
            }
            Dom0BuildError::AcpiTablesOverlap { start, end } => write!(
                f,
                "dom0's ACPI tables at [{start:#x}, {end:#x}) overlap the kernel or its modules"
            ),
            Dom0BuildError::E820TooLarge => write!(f, "memory map has too many entries"),
            Dom0BuildError::HostRamTooSmall {
                nr_pages,
                ram_pages,
            } => write!(
                f,
                "host RAM holds {ram_pages} pages, dom0 needs {nr_pages}"
            ),
            Dom0BuildError::TooManySegments => write!(f, "kernel has too many PT_LOAD segments"),
            Dom0BuildError::TooManyModules => write!(f, "too many modules for dom0"),
            Dom0BuildError::SegmentsOverlap { first, second } => write!(
                f,
                "kernel segments at {first:#x} and {second:#x} overlap"
            ),
            Dom0BuildError::KernelNotInRam { start, end } => write!(
                f,
                "d0 kernel: Address conflict and not relocatable ([{start:#x}, {end:#x}) is not RAM)"
            ),
            Dom0BuildError::NoMetadataSpace { .. } => {
                write!(f, "Unable to find a memory region to load initrd and metadata")
            }
            Dom0BuildError::StartInfoAbove4G { paddr } => {
                write!(f, "start_info at {paddr:#x} is above 4 GiB")
            }
            Dom0BuildError::Overflow => write!(f, "address overflow"),
            Dom0BuildError::Dom0MemTooSmallForKernel { nr_pages, needed } => write!(
                f,
                "dom0 gets {nr_pages} pages, its low memory and kernel need {needed}"
            ),
            Dom0BuildError::DirectMapShort { unallocated } => write!(
                f,
                "Failed to allocate requested dom0 memory. {}MB unallocated",
                unallocated >> (20 - 12)
            ),
        }
    }
}

fn round_up(v: u64, align: u64) -> Option<u64> {
    Some(v.checked_add(align - 1)? & !(align - 1))
}

fn page_round_up(v: u64) -> Option<u64> {
    round_up(v, PAGE_SIZE)
}

// ----------------------------------------------------------------------------------------------
// Page count.

/// How dom0's memory was sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dom0Pages {
    /// Pages dom0 gets (`nr_pages`).
    pub nr_pages: u64,
    /// `d->max_pages`: the `max:` amount, capped at `UINT_MAX`.
    pub max_pages: u64,
    /// Pages set aside for dom0's p2m (`dom0_paging_pages`), from the preliminary size.
    pub paging_pages: u64,
    /// The available pages after the reserves, which `dom0_mem` amounts are relative to.
    pub avail: u64,
}

/// dom0_build.c `dom0_paging_pages` for a HAP (not shadow) PVH dom0, as libxl sizes a guest's
/// paging pool: `4 * (256 * vcpus + MiB)` KiB, rounded up to whole MiB.
pub fn dom0_paging_pages(max_vcpus: u32, nr_pages: u64) -> u64 {
    let memkb = nr_pages.saturating_mul(PAGE_SIZE / 1024);
    let memkb = (256 * u64::from(max_vcpus))
        .saturating_add(memkb / 1024)
        .saturating_mul(4);
    memkb.div_ceil(1024).saturating_mul(1 << (20 - 12))
}

/// dom0_build.c `default_nr_pages`: all available memory minus 1/16th of it, the reserve capped at
/// 128 MiB ("for uses such as DMA buffers").
pub fn default_nr_pages(avail: u64) -> u64 {
    avail - (avail / 16).min(DEFAULT_RESERVE_CAP_PAGES)
}

fn memsize(sz: &MemSize, avail: u64) -> Result<u64, Dom0BuildError> {
    sz.get_memsize(avail)
        .ok_or(Dom0BuildError::NegativeAmountTooLarge)
}

/// dom0_build.c `dom0_compute_nr_pages` for a PVH dom0 with HAP and no IOMMU.
///
/// `avail_pages` is Xen's `avail`: the heap's free pages plus the pages of the boot modules (which
/// are freed once copied). From it: one page per vCPU after the first (`struct vcpu`), then the
/// paging pool for a preliminary size. Then `nr_pages` is `<amt>` (or the default), raised to
/// `min:`, lowered to `max:` (so `min:` above `max:` is ignored).
pub fn dom0_compute_nr_pages(
    avail_pages: u64,
    max_vcpus: u32,
    mem: &Dom0Mem,
) -> Result<Dom0Pages, Dom0BuildError> {
    if max_vcpus == 0 {
        return Err(Dom0BuildError::NoVcpus);
    }
    let vcpu_pages = u64::from(max_vcpus) - 1;
    let mut avail = avail_pages
        .checked_sub(vcpu_pages)
        .ok_or(Dom0BuildError::NotEnoughMemory {
            needed: vcpu_pages,
            available: avail_pages,
        })?;

    // Preliminary size, only to size the paging pool (paging_mode_enabled for PVH).
    let size = |avail| -> Result<u64, Dom0BuildError> {
        Ok(match memsize(&mem.size, avail)? {
            0 => default_nr_pages(avail),
            n => n,
        })
    };
    let prelim = size(avail)?
        .max(memsize(&mem.min, avail)?)
        .min(memsize(&mem.max, avail)?)
        .min(avail);
    let paging_pages = dom0_paging_pages(max_vcpus, prelim);
    avail = avail
        .checked_sub(paging_pages)
        .ok_or(Dom0BuildError::NotEnoughMemory {
            needed: paging_pages.saturating_add(vcpu_pages),
            available: avail_pages,
        })?;

    let min_pages = memsize(&mem.min, avail)?;
    let max_pages = memsize(&mem.max, avail)?;
    let nr_pages = size(avail)?.max(min_pages).min(max_pages);
    if nr_pages > avail {
        // Xen: nr_pages = min(nr_pages, avail), silently.
        return Err(Dom0BuildError::Dom0MemTooLarge {
            requested: nr_pages,
            available: avail,
        });
    }
    if nr_pages == 0 {
        return Err(Dom0BuildError::NoMemoryForDom0);
    }
    Ok(Dom0Pages {
        nr_pages,
        max_pages: max_pages.min(u64::from(u32::MAX)),
        paging_pages,
        avail,
    })
}

// ----------------------------------------------------------------------------------------------
// Memory maps.

/// e820.c `sanitize_e820_map`: the map sorted, overlaps resolved (the larger type value wins, as
/// in Xen and Linux), empty entries dropped and touching entries of one type merged.
pub fn sanitize_e820(
    entries: impl IntoIterator<Item = E820Entry>,
) -> Result<FixedList<E820Entry, E820_MAX>, Dom0BuildError> {
    let mut input = FixedList::<E820Entry, E820_MAX>::new();
    for e in entries {
        if e.size != 0
            && !input.push(E820Entry {
                size: e.end() - e.addr,
                ..e
            })
        {
            return Err(Dom0BuildError::E820TooLarge);
        }
    }
    // Every start and end, sorted: the map is uniform between two consecutive points.
    let mut points = [0u64; 2 * E820_MAX];
    let mut n = 0;
    for e in input.iter() {
        points[n] = e.addr;
        points[n + 1] = e.end();
        n += 2;
    }
    let points = &mut points[..n];
    points.sort_unstable();

    let mut out = FixedList::<E820Entry, E820_MAX>::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a == b {
            continue;
        }
        let Some(t) = input
            .iter()
            .filter(|e| e.addr <= a && e.end() >= b)
            .map(|e| e.r#type)
            .max()
        else {
            continue;
        };
        let last = out.len().checked_sub(1).and_then(|i| out.get_mut(i));
        match last {
            Some(prev) if prev.r#type == t && prev.end() == a => prev.size += b - a,
            _ => {
                if !out.push(E820Entry {
                    addr: a,
                    size: b - a,
                    r#type: t,
                }) {
                    return Err(Dom0BuildError::E820TooLarge);
                }
            }
        }
    }
    Ok(out)
}

/// hvm/dom0_build.c `pvh_setup_e820` (4.17): dom0's map is the host's, entry for entry, with RAM
/// cut to whole pages (an entry without a whole page is dropped) and given to dom0 in address order
/// until it has `nr_pages`. The RAM entry in which dom0's share ends is split: its first part stays
/// RAM, the rest of its pages become an E820_UNUSABLE entry; every RAM entry after it becomes
/// E820_UNUSABLE as it is (not page-rounded), "to prevent Dom0 from placing BARs in this area".
/// Non-RAM entries are copied. So dom0's RAM sits where the host has RAM, with the host's holes
/// below 4 GiB, and whatever does not fit below continues above.
pub fn pvh_setup_e820(
    host: &FixedList<E820Entry, E820_MAX>,
    nr_pages: u64,
) -> Result<Dom0E820, Dom0BuildError> {
    let mut out = FixedList::new();
    let mut push = |e: E820Entry| {
        if out.push(e) {
            Ok(())
        } else {
            Err(Dom0BuildError::E820TooLarge)
        }
    };
    let mut cur_pages = 0u64;
    for entry in host.iter() {
        if entry.r#type != E820_RAM {
            push(entry)?;
            continue;
        }
        if cur_pages == nr_pages {
            // Checked before the rounding: even a RAM entry without a whole page is kept.
            push(E820Entry {
                r#type: E820_UNUSABLE,
                ..entry
            })?;
            continue;
        }
        let Some(start) = page_round_up(entry.addr) else {
            continue;
        };
        let end = entry.end() & !(PAGE_SIZE - 1);
        if start >= end {
            continue;
        }
        let pages = (end - start) / PAGE_SIZE;
        if cur_pages + pages > nr_pages {
            let split = start + (nr_pages - cur_pages) * PAGE_SIZE;
            push(E820Entry {
                addr: start,
                size: split - start,
                r#type: E820_RAM,
            })?;
            push(E820Entry {
                addr: split,
                size: end - split,
                r#type: E820_UNUSABLE,
            })?;
            cur_pages = nr_pages;
        } else {
            cur_pages += pages;
            push(E820Entry {
                addr: start,
                size: end - start,
                r#type: E820_RAM,
            })?;
        }
    }
    if cur_pages != nr_pages {
        return Err(Dom0BuildError::HostRamTooSmall {
            nr_pages,
            ram_pages: cur_pages,
        });
    }
    Ok(out)
}

// ----------------------------------------------------------------------------------------------
// A direct-mapped dom0 (gfn == mfn for its RAM above 1 MiB).

/// How many ranges dom0's RAM may be in here (what its memory map can hold).
pub const MAX_RAM_RANGES: usize = DOM0_E820_MAX;
/// dom0's RAM, range by range, sorted by guest frame.
pub type Dom0RamRanges = FixedList<Dom0P2mRange, MAX_RAM_RANGES>;

/// The whole pages of each RAM entry of `host`, `[first, end)` in frames.
fn ram_pages(host: &FixedList<E820Entry, E820_MAX>) -> impl Iterator<Item = (u64, u64)> + '_ {
    host.iter()
        .filter(|e| e.r#type == E820_RAM)
        .filter_map(|e| {
            let start = page_round_up(e.addr)? / PAGE_SIZE;
            let end = e.end() / PAGE_SIZE;
            (start < end).then_some((start, end))
        })
}

/// Sorts `ranges` by guest frame and merges touching ranges of one backing into `out`.
fn sorted_ram(ranges: &mut [Dom0P2mRange]) -> Result<Dom0RamRanges, Dom0BuildError> {
    ranges.sort_unstable_by_key(|r| r.gfn);
    let mut out = Dom0RamRanges::new();
    for r in ranges.iter().filter(|r| r.nr_pages != 0) {
        let last = out.len().checked_sub(1).and_then(|i| out.get_mut(i));
        match last {
            Some(prev) if prev.backing == r.backing && prev.gfn + prev.nr_pages == r.gfn => {
                prev.nr_pages += r.nr_pages
            }
            _ => {
                if !out.push(*r) {
                    return Err(Dom0BuildError::E820TooLarge);
                }
            }
        }
    }
    Ok(out)
}

/// Where a direct-mapped PVH dom0's `nr_pages` pages of RAM are, the rules in order:
///
/// 1. below 1 MiB, the host's RAM in address order, as `pvh_setup_e820` gives it (whole pages),
///    backed by heap frames holding a copy of the host's memory there, as `pvh_populate_p2m`
///    does ([`Dom0Backing::RamCopiedFromHost`]). These are not direct-mapped: a device that DMAs
///    to a bus address below 1 MiB reaches the host's frames, not dom0's copies; Linux keeps
///    the first MiB for itself (arch/x86 `reserve_real_mode` and, since 5.13, all of it:
///    "x86/setup: Always reserve the first 1M of RAM"), so it never gives a driver a DMA buffer
///    there, and the holes, ROMs and firmware areas identity-mapped there are the host's own;
/// 2. the kernel's load range `[kernel.0, kernel.1)` above 1 MiB, page-rounded: a PVH kernel
///    runs where its ELF `p_paddr` says (Linux at 16 MiB) and must find RAM there; it must lie
///    in one RAM entry of the host's map (later Xen's `check_load_address`). Its frames that are
///    free in the heap are direct-mapped ([`Dom0Backing::Direct`]); any the hypervisor holds
///    (its image, its heap's allocations, a module it could not move) are backed by other heap
///    frames ([`Dom0Backing::Ram`]), the one place dom0's RAM above 1 MiB is not direct-mapped;
/// 3. the rest from the heap's free frames `free` (`[start, end)` frame runs, sorted by address)
///    that are whole pages of host RAM above 1 MiB, lowest first, direct-mapped: dom0's RAM
///    where the host has RAM, in address order, as `pvh_setup_e820` places it, and as low as
///    possible as Xen on Arm's `allocate_memory_11` wants it ("as much of the RAM as we
///    reasonably can below 4GB ... accessed from all the devices").
///
/// The RAM that the hypervisor holds elsewhere (its image, the xenheap, the boot modules, its
/// allocations) is left out; [`direct_e820`] marks it unusable, as `pvh_setup_e820` marks the
/// RAM beyond dom0's share. Errors: a kernel outside the host's RAM ([`Dom0BuildError::
/// KernelNotInRam`]); a size too small for the low RAM and the kernel; too few free frames
/// ([`Dom0BuildError::DirectMapShort`], Xen on Arm's "Failed to allocate requested dom0
/// memory" panic); more ranges than dom0's memory map can list (Arm's `NR_MEM_BANKS`).
pub fn direct_mapped_ram(
    host: &FixedList<E820Entry, E820_MAX>,
    nr_pages: u64,
    free: &[(u64, u64)],
    kernel: (u64, u64),
) -> Result<Dom0RamRanges, Dom0BuildError> {
    let mut ranges = [Dom0P2mRange {
        gfn: 0,
        nr_pages: 0,
        backing: Dom0Backing::Direct,
    }; MAX_RAM_RANGES];
    let mut n = 0usize;
    let mut push = |gfn: u64, end: u64, backing: Dom0Backing| -> Result<(), Dom0BuildError> {
        if gfn >= end {
            return Ok(());
        }
        let slot = ranges.get_mut(n).ok_or(Dom0BuildError::E820TooLarge)?;
        *slot = Dom0P2mRange {
            gfn,
            nr_pages: end - gfn,
            backing,
        };
        n += 1;
        Ok(())
    };

    // 1. Below 1 MiB.
    let mut taken = 0u64;
    for (start, end) in ram_pages(host) {
        let end = end.min(LOW_PAGES).min(start + (nr_pages - taken));
        if start < end {
            push(start, end, Dom0Backing::RamCopiedFromHost)?;
            taken += end - start;
        }
    }

    // 2. The kernel's frames above 1 MiB.
    let kstart = (kernel.0 / PAGE_SIZE).max(LOW_PAGES);
    let kend = page_round_up(kernel.1)
        .ok_or(Dom0BuildError::Overflow)?
        .div_ceil(PAGE_SIZE)
        .max(kstart);
    if kstart < kend {
        if !ram_pages(host).any(|(s, e)| s <= kstart && kend <= e) {
            return Err(Dom0BuildError::KernelNotInRam {
                start: kernel.0,
                end: kernel.1,
            });
        }
        let needed = taken + (kend - kstart);
        if needed > nr_pages {
            return Err(Dom0BuildError::Dom0MemTooSmallForKernel { nr_pages, needed });
        }
        let mut at = kstart;
        for &(fs, fe) in free {
            let (s, e) = (fs.max(at), fe.min(kend));
            if s < e {
                push(at, s, Dom0Backing::Ram)?;
                push(s, e, Dom0Backing::Direct)?;
                at = e;
            }
        }
        push(at, kend, Dom0Backing::Ram)?;
        taken = needed;
    }

    // 3. The rest, lowest first.
    for &(fs, fe) in free {
        for (rs, re) in ram_pages(host) {
            let (s, e) = (fs.max(rs).max(LOW_PAGES), fe.min(re));
            // Around the kernel: [s, e) minus [kstart, kend).
            for (a, b) in [(s, e.min(kstart)), (s.max(kend), e)] {
                if a < b && taken < nr_pages {
                    let b = b.min(a + (nr_pages - taken));
                    push(a, b, Dom0Backing::Direct)?;
                    taken += b - a;
                }
            }
        }
    }
    if taken < nr_pages {
        return Err(Dom0BuildError::DirectMapShort {
            unallocated: nr_pages - taken,
        });
    }
    sorted_ram(&mut ranges[..n])
}

/// dom0's memory map for the RAM `ram` ([`direct_mapped_ram`]), after `pvh_setup_e820`'s rules:
/// the host's entries in order, non-RAM ones copied; a RAM entry holding some of dom0's RAM
/// becomes its whole pages, RAM where dom0's is (one entry per run, whatever backs it) and
/// E820_UNUSABLE between and around it; a RAM entry holding none of it becomes one
/// E820_UNUSABLE entry as it is ("to prevent Dom0 from placing BARs in this area"). So dom0's
/// map lists RAM exactly where its RAM is.
pub fn direct_e820(
    host: &FixedList<E820Entry, E820_MAX>,
    ram: &Dom0RamRanges,
) -> Result<Dom0E820, Dom0BuildError> {
    let mut out = Dom0E820::new();
    let mut push = |addr: u64, end: u64, r#type: u32| -> Result<(), Dom0BuildError> {
        if addr >= end {
            return Ok(());
        }
        // Only dom0's RAM runs are merged (differently backed runs that touch): the host's
        // entries are copied one by one, as pvh_setup_e820 copies them.
        let last = out.len().checked_sub(1).and_then(|i| out.get_mut(i));
        if let Some(prev) =
            last.filter(|p| r#type == E820_RAM && p.r#type == r#type && p.end() == addr)
        {
            prev.size += end - addr;
            return Ok(());
        }
        let new = E820Entry {
            addr,
            size: end - addr,
            r#type,
        };
        if out.push(new) {
            Ok(())
        } else {
            Err(Dom0BuildError::E820TooLarge)
        }
    };
    for entry in host.iter() {
        if entry.r#type != E820_RAM {
            push(entry.addr, entry.end(), entry.r#type)?;
            continue;
        }
        let (start, end) = match page_round_up(entry.addr) {
            Some(s) => (s / PAGE_SIZE, entry.end() / PAGE_SIZE),
            None => (0, 0),
        };
        let mut inside = ram
            .iter()
            .filter(|r| r.gfn < end && r.gfn + r.nr_pages > start)
            .peekable();
        if inside.peek().is_none() {
            push(entry.addr, entry.end(), E820_UNUSABLE)?;
            continue;
        }
        let mut at = start;
        for r in inside {
            let (s, e) = (r.gfn.max(start), (r.gfn + r.nr_pages).min(end));
            push(at * PAGE_SIZE, s * PAGE_SIZE, E820_UNUSABLE)?;
            push(s * PAGE_SIZE, e * PAGE_SIZE, E820_RAM)?;
            at = e;
        }
        push(at * PAGE_SIZE, end * PAGE_SIZE, E820_UNUSABLE)?;
    }
    Ok(out)
}

/// dom0's RAM as [`pvh_setup_e820`] placed it, from its map: each RAM entry from the domain
/// heap, the part below 1 MiB holding a copy of the host's memory (`pvh_populate_p2m`).
fn ram_from_e820(e820: &Dom0E820) -> Result<Dom0RamRanges, Dom0BuildError> {
    let mut ranges = [Dom0P2mRange {
        gfn: 0,
        nr_pages: 0,
        backing: Dom0Backing::Ram,
    }; MAX_RAM_RANGES];
    let mut n = 0usize;
    for e in e820.iter().filter(|e| e.r#type == E820_RAM) {
        let (gfn, end) = (e.addr / PAGE_SIZE, e.end() / PAGE_SIZE);
        let split = end.min(LOW_PAGES).max(gfn);
        for (s, e, backing) in [
            (gfn, split, Dom0Backing::RamCopiedFromHost),
            (split, end, Dom0Backing::Ram),
        ] {
            if s < e {
                let slot = ranges.get_mut(n).ok_or(Dom0BuildError::E820TooLarge)?;
                *slot = Dom0P2mRange {
                    gfn: s,
                    nr_pages: e - s,
                    backing,
                };
                n += 1;
            }
        }
    }
    sorted_ram(&mut ranges[..n])
}

/// Later Xen's `check_load_address`: `[start, end)` lies inside one RAM entry.
fn check_load_address(e820: &Dom0E820, start: u64, end: u64) -> bool {
    e820.iter()
        .any(|e| e.r#type == E820_RAM && e.addr <= start && e.end() >= end)
}

/// hvm/dom0_build.c `find_memory` (4.17): the first RAM range above 1 MiB with `size` bytes free of
/// the kernel `[kernel_start, kernel_end)` (page-rounded). When the kernel sits inside a range, the
/// larger side is used, as in 4.17 (the side after the kernel on a tie); a kernel overlapping only
/// one end of a range leaves the other side (4.17 miscomputed that case, fixed in later Xen).
fn find_memory(e820: &Dom0E820, kernel_start: u64, kernel_end: u64, size: u64) -> Option<u64> {
    for e in e820.iter() {
        let end = e.end();
        if end <= LOW_MEMORY_END || e.r#type != E820_RAM {
            continue;
        }
        let start = page_round_up(e.addr)?.max(LOW_MEMORY_END);
        let (start, end) = if end <= kernel_start || start >= kernel_end {
            (start, end)
        } else if kernel_start > start && kernel_end < end {
            if kernel_start - start > end - kernel_end {
                (start, kernel_start)
            } else {
                (kernel_end, end)
            }
        } else if kernel_start > start {
            (start, kernel_start)
        } else if kernel_end < end {
            (kernel_end, end)
        } else {
            continue;
        };
        if end.saturating_sub(start) >= size {
            return Some(start);
        }
    }
    None
}

// ----------------------------------------------------------------------------------------------
// The plan.

/// A module for dom0: its bytes and its command line (the text after the file name on GRUB's
/// `module2` line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dom0Module<'a> {
    /// The module's contents.
    pub image: &'a [u8],
    /// Its command line; `Some("")` still gets a NUL in guest memory, as Xen 4.17 does.
    pub cmdline: Option<&'a [u8]>,
}

/// What dom0 is built from.
#[derive(Clone, Copy, Debug)]
pub struct Dom0Config<'a> {
    /// Xen's `avail`: the heap's free pages plus the boot modules' pages.
    pub avail_pages: u64,
    /// dom0's vCPUs (`dom0_max_vcpus`).
    pub max_vcpus: u32,
    /// The `dom0_mem=` settings.
    pub dom0_mem: Dom0Mem,
    /// The kernel ELF image (a bzImage's payload, decompressed by the caller).
    pub kernel: &'a [u8],
    /// dom0's command line: the kernel module's command line.
    pub cmdline: Option<&'a [u8]>,
    /// The modules after the kernel, in order (Xen passes the first, the initrd).
    pub modules: &'a [Dom0Module<'a>],
    /// The host's ACPI tables, from which dom0's are made (`pvh_setup_acpi`); `None` for a host
    /// without an RSDP: dom0 then gets no tables and `rsdp_paddr` 0.
    pub acpi: Option<HostAcpi<'a>>,
    /// The host's IO-APICs (the MADT's, in order): Xen's PVH dom0 has an emulated IO-APIC at
    /// each, listed in its MADT, so their pages are not identity-mapped.
    pub ioapics: &'a [MadtIoapic],
    /// The host's PCI configuration-space regions (the MCFG's), `[start, end)` in bytes: vPCI
    /// traps them for Xen's PVH dom0, so they are not identity-mapped.
    pub mmcfg: &'a [(u64, u64)],
    /// `Some`: dom0 is direct-mapped ([`direct_mapped_ram`]) from these free frames of the
    /// domain heap (`[start, end)` frame runs, sorted by address, as `DomHeap::free_ranges`
    /// gives them). `None`: dom0's RAM is placed as Xen x86's `pvh_setup_e820` places it, backed
    /// by whatever frames the heap hands out.
    pub heap_free: Option<&'a [(u64, u64)]>,
}

/// Where one PT_LOAD segment goes: `p_filesz` bytes from the image at `p_offset`, then zeros up to
/// `p_memsz`, at guest-physical `p_paddr` (Xen: `dest_base + paddr - pstart` with
/// `dest_base = pstart`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentLoad {
    /// Guest-physical address.
    pub paddr: u64,
    /// Offset of the bytes in the image.
    pub file_offset: u64,
    /// Bytes copied from the image.
    pub filesz: u64,
    /// Bytes in memory (the tail is zeroed).
    pub memsz: u64,
}

/// Where one module and its command line go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModulePlacement {
    /// Guest-physical address of the module.
    pub paddr: u64,
    /// Its size in bytes.
    pub size: u64,
    /// Guest-physical address of its command line, 0 for none.
    pub cmdline_paddr: u64,
}

/// What backs a range of dom0's guest frames, and with which p2m type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dom0Backing {
    /// Frames from the domain heap, `p2m_ram_rw` (`pvh_populate_memory_range`).
    Ram,
    /// Frames from the domain heap, `p2m_ram_rw`, filled with a copy of the host's memory at the
    /// same physical addresses: dom0's RAM below 1 MiB (`pvh_populate_p2m`:
    /// `hvm_copy_to_guest_phys(mfn_to_maddr(addr), mfn_to_virt(addr), ...)`), so that dom0 sees
    /// the BIOS data area, the EBDA's neighbourhood and whatever the firmware left there, in
    /// frames of its own.
    RamCopiedFromHost,
    /// Frames from the domain heap taken exactly, each the frame with the guest frame's own
    /// number (gfn == mfn), `p2m_ram_rw`: dom0's RAM above 1 MiB when it is direct-mapped (Xen
    /// on Arm's `allocate_memory_11`, whose frames are ordinary `alloc_domheap_pages` ones:
    /// dom0's own, in its `tot_pages`, given back by XENMEM_decrease_reservation like any).
    Direct,
    /// The host's own frames at the same addresses (gfn == mfn), `p2m_mmio_direct` with the
    /// p2m's default access (read, write, execute): every page below 1 MiB that is not dom0's
    /// RAM nor mapped already (`pvh_populate_p2m`: `set_mmio_p2m_entry`), and the ACPI and ACPI
    /// NVS ranges of dom0's map (`pvh_setup_acpi`: `modify_identity_mmio`).
    Identity,
    /// The host's own frames at the same addresses, `p2m_mmio_direct` with `p2m_access_rw`: the
    /// pages touching the host's reserved ranges (`arch_iommu_hwdom_init`:
    /// `p2m_add_identity_entry`).
    IdentityReserved,
}

impl Dom0Backing {
    /// The p2m type Xen gives such frames.
    pub const fn p2m_type(self) -> P2mType {
        match self {
            Dom0Backing::Ram | Dom0Backing::RamCopiedFromHost | Dom0Backing::Direct => {
                P2mType::RamRw
            }
            Dom0Backing::Identity | Dom0Backing::IdentityReserved => P2mType::MmioDirect,
        }
    }

    /// The access Xen gives them: `p2m_access_rw` for `p2m_add_identity_entry`'s, else the
    /// default, `p2m_access_rwx`.
    pub const fn p2m_access(self) -> P2mAccess {
        match self {
            Dom0Backing::IdentityReserved => P2mAccess::Rw,
            _ => P2mAccess::Rwx,
        }
    }

    /// Whether the range maps the host's own frames (gfn == mfn) as `p2m_mmio_direct`, owned by
    /// no domain.
    pub const fn is_identity(self) -> bool {
        matches!(self, Dom0Backing::Identity | Dom0Backing::IdentityReserved)
    }

    /// Whether the range is dom0's RAM: frames of the domain heap that dom0 owns.
    pub const fn is_ram(self) -> bool {
        matches!(
            self,
            Dom0Backing::Ram | Dom0Backing::RamCopiedFromHost | Dom0Backing::Direct
        )
    }
}

/// A range of dom0's guest frames and what backs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dom0P2mRange {
    /// First guest frame.
    pub gfn: u64,
    /// Number of frames.
    pub nr_pages: u64,
    /// What backs them: for [`Dom0Backing::Identity`] and [`Dom0Backing::RamCopiedFromHost`],
    /// the host frames from `gfn` on.
    pub backing: Dom0Backing,
}

/// What to put in guest memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestData<'a> {
    /// These bytes.
    Bytes(&'a [u8]),
    /// This many zero bytes.
    Zeros(u64),
}

/// One copy into dom0's guest-physical memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestWrite<'a> {
    /// Guest-physical address.
    pub paddr: u64,
    /// The data.
    pub data: GuestData<'a>,
}

/// dom0's command line as `__start_xen` prepares it: up to the first NUL, leading spaces stripped
/// (`cmdline_cook` for GRUB2, which does not prefix the image name), cut to `MAX_GUEST_CMDLINE - 1`
/// bytes (`safe_strcpy` into `dom0_cmdline[MAX_GUEST_CMDLINE]`). Returns the text and whether it
/// was cut. Xen's additions (`noapic`, `acpi=`) are not made.
pub fn cook_dom0_cmdline(raw: &[u8]) -> (&[u8], bool) {
    let raw = match raw.iter().position(|&b| b == 0) {
        Some(nul) => &raw[..nul],
        None => raw,
    };
    let start = raw.iter().position(|&b| b != b' ').unwrap_or(raw.len());
    let s = &raw[start..];
    let max = MAX_GUEST_CMDLINE as usize - 1;
    if s.len() > max {
        (&s[..max], true)
    } else {
        (s, false)
    }
}

/// Up to the first NUL (a C string's `strlen`).
fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(nul) => &b[..nul],
        None => b,
    }
}

/// The little-endian bytes of `hvm_start_info` (public/arch-x86/hvm/start_info.h layout).
pub fn start_info_bytes(si: &hvm_start_info) -> [u8; START_INFO_SIZE as usize] {
    let mut b = [0u8; START_INFO_SIZE as usize];
    b[0..4].copy_from_slice(&si.magic.to_le_bytes());
    b[4..8].copy_from_slice(&si.version.to_le_bytes());
    b[8..12].copy_from_slice(&si.flags.to_le_bytes());
    b[12..16].copy_from_slice(&si.nr_modules.to_le_bytes());
    b[16..24].copy_from_slice(&si.modlist_paddr.to_le_bytes());
    b[24..32].copy_from_slice(&si.cmdline_paddr.to_le_bytes());
    b[32..40].copy_from_slice(&si.rsdp_paddr.to_le_bytes());
    b[40..48].copy_from_slice(&si.memmap_paddr.to_le_bytes());
    b[48..52].copy_from_slice(&si.memmap_entries.to_le_bytes());
    b[52..56].copy_from_slice(&si.reserved.to_le_bytes());
    b
}

/// The little-endian bytes of one `hvm_modlist_entry`.
pub fn modlist_entry_bytes(m: &hvm_modlist_entry) -> [u8; MODLIST_ENTRY_SIZE as usize] {
    let mut b = [0u8; MODLIST_ENTRY_SIZE as usize];
    b[0..8].copy_from_slice(&m.paddr.to_le_bytes());
    b[8..16].copy_from_slice(&m.size.to_le_bytes());
    b[16..24].copy_from_slice(&m.cmdline_paddr.to_le_bytes());
    b[24..32].copy_from_slice(&m.reserved.to_le_bytes());
    b
}

/// hvm/dom0_build.c `pvh_setup_cpus`: the boot vCPU enters in 32-bit protected mode with paging
/// off, flat 4 GiB code and data segments, CR0 = PE|ET, EBX = start_info and EIP = PHYS32_ENTRY.
/// (Xen's `arch_set_info_hvm_guest` adds EFLAGS' always-one bit 1 when it loads this.)
pub fn pvh_vcpu_state(entry: u32, start_info: u32) -> vcpu_hvm_x86_32 {
    vcpu_hvm_x86_32 {
        eax: 0,
        ecx: 0,
        edx: 0,
        ebx: start_info,
        esp: 0,
        ebp: 0,
        esi: 0,
        edi: 0,
        eip: entry,
        eflags: 0,
        cr0: PVH_CR0,
        cr3: 0,
        cr4: 0,
        pad1: 0,
        efer: 0,
        cs_base: 0,
        ds_base: 0,
        ss_base: 0,
        es_base: 0,
        tr_base: 0,
        cs_limit: !0,
        ds_limit: !0,
        ss_limit: !0,
        es_limit: !0,
        tr_limit: 0x67,
        cs_ar: 0xc9b,
        ds_ar: 0xc93,
        ss_ar: 0xc93,
        es_ar: 0xc93,
        tr_ar: 0x8b,
        pad2: [0; 3],
    }
}

/// The `vcpu_hvm_context` (VCPU_HVM_MODE_32B) that carries `regs`, as `pvh_setup_cpus` builds it.
pub fn pvh_vcpu_context(regs: &vcpu_hvm_x86_32) -> vcpu_hvm_context {
    let mut b = [0u8; 120];
    let words32 = [
        regs.eax,
        regs.ecx,
        regs.edx,
        regs.ebx,
        regs.esp,
        regs.ebp,
        regs.esi,
        regs.edi,
        regs.eip,
        regs.eflags,
        regs.cr0,
        regs.cr3,
        regs.cr4,
        regs.pad1,
    ];
    for (i, w) in words32.iter().enumerate() {
        b[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    b[56..64].copy_from_slice(&regs.efer.to_le_bytes());
    let words32b = [
        regs.cs_base,
        regs.ds_base,
        regs.ss_base,
        regs.es_base,
        regs.tr_base,
        regs.cs_limit,
        regs.ds_limit,
        regs.ss_limit,
        regs.es_limit,
        regs.tr_limit,
    ];
    for (i, w) in words32b.iter().enumerate() {
        b[64 + i * 4..68 + i * 4].copy_from_slice(&w.to_le_bytes());
    }
    let ars = [
        regs.cs_ar,
        regs.ds_ar,
        regs.ss_ar,
        regs.es_ar,
        regs.tr_ar,
        regs.pad2[0],
        regs.pad2[1],
        regs.pad2[2],
    ];
    for (i, w) in ars.iter().enumerate() {
        b[104 + i * 2..106 + i * 2].copy_from_slice(&w.to_le_bytes());
    }
    let mut cpu_regs = [0u64; 15];
    for (i, word) in cpu_regs.iter_mut().enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i * 8..i * 8 + 8]);
        *word = u64::from_le_bytes(w);
    }
    vcpu_hvm_context {
        mode: VCPU_HVM_MODE_32B,
        pad: 0,
        cpu_regs,
    }
}

/// The complete plan for dom0.
#[derive(Clone, Copy, Debug)]
pub struct Dom0Plan<'a> {
    /// dom0's size.
    pub pages: Dom0Pages,
    /// dom0's memory map (what XENMEM_memory_map returns to it), its ACPI tables' range included.
    pub e820: Dom0E820,
    /// dom0's RAM and what backs it, sorted by guest frame: `nr_pages` pages in all.
    pub ram: Dom0RamRanges,
    /// Whether dom0's RAM above 1 MiB is direct-mapped ([`Dom0Config::heap_free`]); the
    /// [`Dom0Backing::Ram`] ranges of [`Dom0Plan::ram`] then are the kernel's frames that the
    /// hypervisor held.
    pub direct_mapped: bool,
    /// dom0's ACPI tables (`None` on a host without ACPI).
    pub acpi: Option<Dom0Acpi>,
    /// The kernel's Xen notes, entry and extent.
    pub kernel: PvhKernel<'a>,
    /// The loadable segments, in program header order.
    pub segments: FixedList<SegmentLoad, MAX_LOAD_SEGMENTS>,
    /// The modules, in order.
    pub modules: FixedList<ModulePlacement, MAX_DOM0_MODULES>,
    /// The command line dom0 gets (cooked), if any.
    pub cmdline: Option<&'a [u8]>,
    /// Whether the command line was cut to fit MAX_GUEST_CMDLINE.
    pub cmdline_truncated: bool,
    /// `[start, end)` of the region `find_memory` chose for modules and metadata.
    pub metadata: (u64, u64),
    /// Where hvm_start_info goes (EBX at entry).
    pub start_info_paddr: u64,
    /// hvm_start_info as dom0 will read it.
    pub start_info: hvm_start_info,
    /// The boot vCPU's registers.
    pub vcpu: vcpu_hvm_x86_32,
    image: &'a [u8],
    /// dom0's map before its ACPI tables were stolen from its RAM: what the p2m is built from.
    p2m_e820: Dom0E820,
    /// The host's sanitized map, for `arch_iommu_hwdom_init`'s rules.
    host_e820: FixedList<E820Entry, E820_MAX>,
    ioapics: &'a [MadtIoapic],
    mmcfg: &'a [(u64, u64)],
    module_images: &'a [Dom0Module<'a>],
    start_info_bytes: [u8; START_INFO_SIZE as usize],
    modlist_bytes: [u8; MODLIST_ENTRY_SIZE as usize * MAX_DOM0_MODULES],
}

/// Builds the plan: Xen's `dom0_compute_nr_pages`, `pvh_setup_e820`, `pvh_load_kernel` and
/// `pvh_setup_cpus`, from the host memory map (`host_e820`, e.g. the Multiboot2 map converted with
/// `E820Entry::from`) and `cfg`.
pub fn plan_pvh_dom0<'a>(
    cfg: &Dom0Config<'a>,
    host_e820: impl IntoIterator<Item = E820Entry>,
) -> Result<Dom0Plan<'a>, Dom0BuildError> {
    let elf = Elf::parse(cfg.kernel)?;
    let kernel = elf.pvh_kernel()?;
    if cfg.modules.len() > MAX_DOM0_MODULES {
        return Err(Dom0BuildError::TooManyModules);
    }

    let pages = dom0_compute_nr_pages(cfg.avail_pages, cfg.max_vcpus, &cfg.dom0_mem)?;
    let host = sanitize_e820(host_e820)?;
    let (ram, mut e820) = match cfg.heap_free {
        Some(free) => {
            let ram = direct_mapped_ram(&host, pages.nr_pages, free, (kernel.pstart, kernel.pend))?;
            let e820 = direct_e820(&host, &ram)?;
            (ram, e820)
        }
        None => {
            let e820 = pvh_setup_e820(&host, pages.nr_pages)?;
            (ram_from_e820(&e820)?, e820)
        }
    };

    // The segments: libelf copies each loadable one to its p_paddr.
    let mut segments = FixedList::<SegmentLoad, MAX_LOAD_SEGMENTS>::new();
    for ph in elf.load_segments() {
        let seg = SegmentLoad {
            paddr: ph.p_paddr,
            file_offset: ph.p_offset,
            filesz: ph.p_filesz,
            memsz: ph.p_memsz,
        };
        if !segments.push(seg) {
            return Err(Dom0BuildError::TooManySegments);
        }
    }
    for (i, a) in segments.iter().enumerate() {
        for b in segments.iter().skip(i + 1) {
            if a.memsz == 0 || b.memsz == 0 {
                continue;
            }
            // Elf::parse checked that p_paddr + p_memsz does not overflow.
            let (a_end, b_end) = (a.paddr + a.memsz, b.paddr + b.memsz);
            if a.paddr < b_end && b.paddr < a_end {
                return Err(Dom0BuildError::SegmentsOverlap {
                    first: a.paddr,
                    second: b.paddr,
                });
            }
        }
    }
    if !check_load_address(&e820, kernel.pstart, kernel.pend) {
        return Err(Dom0BuildError::KernelNotInRam {
            start: kernel.pstart,
            end: kernel.pend,
        });
    }

    // pvh_load_kernel: metadata is aligned to the kernel's word size (elf_round_up).
    let word = if kernel.is_64bit { 8 } else { 4 };
    let elf_round_up = |v: u64| round_up(v, word).ok_or(Dom0BuildError::Overflow);
    let add = |a: u64, b: u64| a.checked_add(b).ok_or(Dom0BuildError::Overflow);

    let (cmdline, cmdline_truncated) = match cfg.cmdline {
        Some(raw) => {
            let (c, cut) = cook_dom0_cmdline(raw);
            (Some(c), cut)
        }
        None => (None, false),
    };
    let cmdline_len = cmdline.map(|c| c.len() as u64 + 1);

    let mut extra = START_INFO_SIZE;
    for m in cfg.modules {
        let mut space = elf_round_up(m.image.len() as u64)?;
        if let Some(c) = m.cmdline {
            space = add(space, c_str(c).len() as u64 + 1)?;
        }
        let space = page_round_up(space).ok_or(Dom0BuildError::Overflow)?;
        extra = add(extra, add(space, MODLIST_ENTRY_SIZE)?)?;
    }
    if let Some(len) = cmdline_len {
        extra = add(extra, elf_round_up(len)?)?;
    }

    let kernel_start = kernel.pstart & !(PAGE_SIZE - 1);
    let kernel_end = page_round_up(kernel.pend).ok_or(Dom0BuildError::Overflow)?;
    let mut last_addr = find_memory(&e820, kernel_start, kernel_end, extra)
        .ok_or(Dom0BuildError::NoMetadataSpace { size: extra })?;
    let metadata_start = last_addr;

    let mut modules = FixedList::<ModulePlacement, MAX_DOM0_MODULES>::new();
    let mut modlist_bytes = [0u8; MODLIST_ENTRY_SIZE as usize * MAX_DOM0_MODULES];
    for (i, m) in cfg.modules.iter().enumerate() {
        let size = m.image.len() as u64;
        let mut placement = ModulePlacement {
            paddr: last_addr,
            size,
            cmdline_paddr: 0,
        };
        last_addr = add(last_addr, elf_round_up(size)?)?;
        if let Some(c) = m.cmdline {
            placement.cmdline_paddr = last_addr;
            last_addr = add(last_addr, c_str(c).len() as u64 + 1)?;
        }
        last_addr = page_round_up(last_addr).ok_or(Dom0BuildError::Overflow)?;
        let entry = hvm_modlist_entry {
            paddr: placement.paddr,
            size: placement.size,
            cmdline_paddr: placement.cmdline_paddr,
            reserved: 0,
        };
        let off = i * MODLIST_ENTRY_SIZE as usize;
        if let Some(dst) = modlist_bytes.get_mut(off..off + MODLIST_ENTRY_SIZE as usize) {
            dst.copy_from_slice(&modlist_entry_bytes(&entry));
        }
        modules.push(placement);
    }

    let mut cmdline_paddr = 0;
    if let Some(len) = cmdline_len {
        cmdline_paddr = last_addr;
        last_addr = add(last_addr, elf_round_up(len)?)?;
    }
    let mut modlist_paddr = 0;
    if !modules.is_empty() {
        modlist_paddr = last_addr;
        last_addr = add(last_addr, MODLIST_ENTRY_SIZE * modules.len() as u64)?;
    }
    let start_info_paddr = last_addr;
    let metadata_end = add(start_info_paddr, START_INFO_SIZE)?;
    let ebx = u32::try_from(start_info_paddr)
        .ok()
        .filter(|_| metadata_end <= GB4)
        .ok_or(Dom0BuildError::StartInfoAbove4G {
            paddr: start_info_paddr,
        })?;

    // pvh_setup_acpi, after the kernel and its metadata are placed (pvh_load_kernel).
    let host_entries: [E820Entry; E820_MAX] =
        core::array::from_fn(|i| host.get(i).unwrap_or_default());
    let host_entries = &host_entries[..host.len()];
    let (p2m_e820, acpi) = match &cfg.acpi {
        Some(h) => {
            let (map, acpi) =
                pvh_setup_acpi(&mut e820, host_entries, h, cfg.ioapics, cfg.max_vcpus)?;
            let (start, end) = acpi.range();
            let overlaps = |(s, e): (u64, u64)| start < e && s < end;
            if overlaps((kernel.pstart, kernel.pend)) || overlaps((metadata_start, metadata_end)) {
                return Err(Dom0BuildError::AcpiTablesOverlap { start, end });
            }
            (map, Some(acpi))
        }
        None => (e820, None),
    };

    let start_info = hvm_start_info {
        magic: XEN_HVM_START_MAGIC_VALUE,
        version: 0,
        flags: SIF_PRIVILEGED | SIF_INITDOMAIN,
        nr_modules: modules.len() as u32,
        modlist_paddr,
        cmdline_paddr,
        rsdp_paddr: acpi.as_ref().map_or(0, |a| a.rsdp_paddr),
        memmap_paddr: 0,
        memmap_entries: 0,
        reserved: 0,
    };

    Ok(Dom0Plan {
        pages,
        e820,
        ram,
        direct_mapped: cfg.heap_free.is_some(),
        acpi,
        kernel,
        segments,
        modules,
        cmdline,
        cmdline_truncated,
        metadata: (metadata_start, metadata_end),
        start_info_paddr,
        start_info,
        vcpu: pvh_vcpu_state(kernel.phys32_entry, ebx),
        image: cfg.kernel,
        p2m_e820,
        host_e820: host,
        ioapics: cfg.ioapics,
        mmcfg: cfg.mmcfg,
        module_images: cfg.modules,
        start_info_bytes: start_info_bytes(&start_info),
        modlist_bytes,
    })
}

/// The maximal runs of frames in `[start, end)` where `keep` holds, as ranges of `backing`.
fn runs(
    start: u64,
    end: u64,
    backing: Dom0Backing,
    keep: impl Fn(u64) -> bool,
) -> impl Iterator<Item = Dom0P2mRange> {
    let mut pfn = start;
    core::iter::from_fn(move || {
        while pfn < end && !keep(pfn) {
            pfn += 1;
        }
        let gfn = pfn;
        while pfn < end && keep(pfn) {
            pfn += 1;
        }
        (pfn > gfn).then_some(Dom0P2mRange {
            gfn,
            nr_pages: pfn - gfn,
            backing,
        })
    })
}

impl<'a> Dom0Plan<'a> {
    /// Everything to copy into dom0's memory, in Xen's order: the kernel segments (bytes, then the
    /// zeroed tail), each module and its NUL-terminated command line, dom0's command line, the
    /// module list and start_info (`pvh_load_kernel`), then dom0's MADT, XSDT and RSDP
    /// (`pvh_setup_acpi`, which also sets start_info's `rsdp_paddr`, here already in its bytes).
    pub fn writes(&self) -> FixedList<GuestWrite<'_>, MAX_GUEST_WRITES> {
        let mut w = FixedList::new();
        for seg in self.segments.iter() {
            let bytes = usize::try_from(seg.file_offset)
                .ok()
                .zip(usize::try_from(seg.filesz).ok())
                .and_then(|(off, len)| self.image.get(off..off.checked_add(len)?))
                .unwrap_or(&[]);
            if !bytes.is_empty() {
                w.push(GuestWrite {
                    paddr: seg.paddr,
                    data: GuestData::Bytes(bytes),
                });
            }
            if seg.memsz > seg.filesz {
                w.push(GuestWrite {
                    paddr: seg.paddr.saturating_add(seg.filesz),
                    data: GuestData::Zeros(seg.memsz - seg.filesz),
                });
            }
        }
        for (placement, m) in self.modules.iter().zip(self.module_images) {
            if !m.image.is_empty() {
                w.push(GuestWrite {
                    paddr: placement.paddr,
                    data: GuestData::Bytes(m.image),
                });
            }
            if let Some(c) = m.cmdline {
                let c = c_str(c);
                self.push_c_string(&mut w, placement.cmdline_paddr, c);
            }
        }
        if let Some(c) = self.cmdline {
            self.push_c_string(&mut w, self.start_info.cmdline_paddr, c);
        }
        let n = self.modules.len() * MODLIST_ENTRY_SIZE as usize;
        if n != 0 {
            w.push(GuestWrite {
                paddr: self.start_info.modlist_paddr,
                data: GuestData::Bytes(&self.modlist_bytes[..n]),
            });
        }
        w.push(GuestWrite {
            paddr: self.start_info_paddr,
            data: GuestData::Bytes(&self.start_info_bytes),
        });
        if let Some(acpi) = &self.acpi {
            for (paddr, bytes) in [
                (acpi.madt_paddr, acpi.madt()),
                (acpi.xsdt_paddr, acpi.xsdt()),
                (acpi.rsdp_paddr, acpi.rsdp()),
            ] {
                w.push(GuestWrite {
                    paddr,
                    data: GuestData::Bytes(bytes),
                });
            }
        }
        w
    }

    fn push_c_string<'s>(
        &'s self,
        w: &mut FixedList<GuestWrite<'s>, MAX_GUEST_WRITES>,
        paddr: u64,
        text: &'s [u8],
    ) {
        if !text.is_empty() {
            w.push(GuestWrite {
                paddr,
                data: GuestData::Bytes(text),
            });
        }
        w.push(GuestWrite {
            paddr: paddr.saturating_add(text.len() as u64),
            data: GuestData::Zeros(1),
        });
    }

    /// dom0's p2m, range by range, in the order Xen 4.17's `dom0_construct_pvh` builds it:
    ///
    /// 1. `iommu_hwdom_init` -> `arch_iommu_hwdom_init` (xen/drivers/passthrough/x86/iommu.c),
    ///    which runs before the RAM is populated: for a PVH dom0 (`check_hwdom_reqs` makes it
    ///    strict, `iommu_hwdom_reserved` defaults to 1), `hwdom_iommu_map` identity-maps every page
    ///    that `page_get_ram_type` finds touching an E820_RESERVED entry of the host's map, with
    ///    `p2m_add_identity_entry(.., p2m_access_rw, ..)` ([`Dom0Backing::IdentityReserved`]),
    ///    except pages above 4 GiB that are not `mfn_valid` (here: at or beyond the end of the
    ///    host's RAM), the local APIC's range 0xfee00-0xfeeff, the pages of the IO-APICs (dom0
    ///    has an emulated one at each) and the PCI configuration space of the MCFG (vPCI traps
    ///    it); conventional RAM, unusable, ACPI-only pages and holes are not mapped this way;
    /// 2. `pvh_populate_p2m`: dom0's RAM ([`Dom0Plan::ram`], the RAM entries of its map) from
    ///    the domain heap; the part below 1 MiB gets a copy of the host's memory there
    ///    ([`Dom0Backing::RamCopiedFromHost`]); above it, a direct-mapped dom0's RAM is the
    ///    frames with the same numbers ([`Dom0Backing::Direct`], Xen on Arm's
    ///    `allocate_memory_11`);
    /// 3. `pvh_populate_p2m`, "Identity map everything below 1MB that's not already mapped": the
    ///    pages below gfn 0x100 that are neither RAM nor mapped in step 1, gfn == mfn as
    ///    `p2m_mmio_direct` with the default access (holes such as the VGA window and the ROMs,
    ///    and the partial pages the rounding of RAM left out);
    /// 4. `pvh_setup_acpi`, "Identity map ACPI e820 regions": each E820_ACPI and E820_NVS entry
    ///    of dom0's map, from the page holding its first byte to the page holding its last
    ///    (`PFN_DOWN(addr)`, `PFN_UP((addr & ~PAGE_MASK) + size)`), with what lies below 1 MiB
    ///    left out ("Memory below 1MB has been dealt with by pvh_populate_p2m()"), through
    ///    `map_mmio_regions` with the default access (a page also mapped in step 1 gets it too,
    ///    as `set_typed_p2m_entry` rewrites an identical entry whose access differs). The map is
    ///    the one before `pvh_setup_acpi` steals dom0's own tables from its RAM: their pages
    ///    stay RAM, as in Xen, though dom0's map says E820_ACPI.
    ///
    /// RAM entries of dom0's map are whole pages and no entry overlaps another, so no identity
    /// page is also a RAM page; identity ranges may share pages, which are then mapped again to
    /// the same frame, as in Xen. No hypervisor frame is identity-mapped: below 1 MiB a frame
    /// that is RAM on the host is always dom0's RAM (copied, not shared) unless dom0 has fewer
    /// pages than the host's low RAM, and elsewhere only pages touching reserved, ACPI or NVS
    /// ranges are, of which the heap, the xenheap and the image hold none (they are whole RAM
    /// frames; Xen's `xen_in_range` check has nothing to exclude).
    pub fn p2m_ranges(&self) -> impl Iterator<Item = Dom0P2mRange> + '_ {
        let reserved = self.hwdom_reserved_ranges();
        let ram = self.ram.iter();
        let is_ram = |pfn: u64| {
            let addr = pfn * PAGE_SIZE;
            self.p2m_e820
                .iter()
                .any(|e| e.r#type == E820_RAM && e.addr <= addr && addr < e.end())
        };
        let low_identity = runs(0, LOW_PAGES, Dom0Backing::Identity, move |pfn| {
            !is_ram(pfn) && !self.hwdom_maps_reserved(pfn)
        });
        let acpi = self
            .p2m_e820
            .iter()
            .filter(|e| e.r#type == E820_ACPI || e.r#type == E820_NVS)
            .filter_map(|e| {
                let pfn = e.addr / PAGE_SIZE;
                let nr_pages = ((e.addr % PAGE_SIZE) + e.size).div_ceil(PAGE_SIZE);
                let end = pfn + nr_pages;
                (end > LOW_PAGES).then(|| Dom0P2mRange {
                    gfn: pfn.max(LOW_PAGES),
                    nr_pages: end - pfn.max(LOW_PAGES),
                    backing: Dom0Backing::Identity,
                })
            });
        reserved
            .chain(ram)
            .chain(low_identity)
            .chain(acpi)
            .filter(|r| r.nr_pages != 0)
    }

    /// The frames `hwdom_iommu_map` may map (pfn <= 0xfffff or `mfn_valid`): below 4 GiB, or below
    /// the end of the host's RAM. (Xen's `mfn_valid` also needs the frame's PDX group to hold
    /// RAM; that granularity is not modelled.)
    fn hwdom_top(&self) -> u64 {
        let ram_end = self
            .host_e820
            .iter()
            .filter(|e| e.r#type == E820_RAM)
            .map(|e| e.end() / PAGE_SIZE)
            .max()
            .unwrap_or(0);
        ram_end.max(GB4 / PAGE_SIZE)
    }

    /// `hwdom_iommu_map`'s exclusions for a PVH dom0: the interrupt address range, the emulated
    /// IO-APICs' pages and the MMCFG regions vPCI traps.
    fn hwdom_excluded(&self, pfn: u64) -> bool {
        let addr = pfn * PAGE_SIZE;
        (0xfee00..=0xfeeff).contains(&pfn)
            || self.ioapics.iter().any(|io| io.address / PAGE_SIZE == pfn)
            || self.mmcfg.iter().any(|&(s, e)| s <= addr && addr < e)
    }

    /// Whether `hwdom_iommu_map` identity-maps `pfn` for a PVH dom0: it touches a reserved entry
    /// of the host's map and is not excluded.
    fn hwdom_maps_reserved(&self, pfn: u64) -> bool {
        let (start, end) = (pfn * PAGE_SIZE, (pfn + 1) * PAGE_SIZE);
        pfn < self.hwdom_top()
            && self
                .host_e820
                .iter()
                .any(|e| e.r#type == E820_RESERVED && e.addr < end && e.end() > start)
            && !self.hwdom_excluded(pfn)
    }

    /// Step 1 of [`Dom0Plan::p2m_ranges`]: the host's reserved entries page by page, each page
    /// once (sorted entries may share a page), cut at [`Dom0Plan::hwdom_top`] and around the
    /// exclusions.
    fn hwdom_reserved_ranges(&self) -> impl Iterator<Item = Dom0P2mRange> + '_ {
        let top = self.hwdom_top();
        self.host_e820
            .iter()
            .filter(|e| e.r#type == E820_RESERVED)
            .scan(0u64, move |done, e| {
                let start = (e.addr / PAGE_SIZE).max(*done);
                let end = e.end().div_ceil(PAGE_SIZE).min(top).max(start);
                *done = end.max(*done);
                Some((start, end))
            })
            .flat_map(move |(start, end)| {
                runs(start, end, Dom0Backing::IdentityReserved, move |pfn| {
                    !self.hwdom_excluded(pfn)
                })
            })
    }

    /// The boot vCPU as the `vcpu_hvm_context` Xen hands `arch_set_info_hvm_guest`.
    pub fn vcpu_context(&self) -> vcpu_hvm_context {
        pvh_vcpu_context(&self.vcpu)
    }

    /// The start_info bytes written at [`Dom0Plan::start_info_paddr`].
    pub fn start_info_bytes(&self) -> &[u8; START_INFO_SIZE as usize] {
        &self.start_info_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ram(addr: u64, size: u64) -> E820Entry {
        E820Entry {
            addr,
            size,
            r#type: E820_RAM,
        }
    }

    fn map(entries: &[E820Entry]) -> Dom0E820 {
        let mut l = FixedList::new();
        for e in entries {
            l.push(*e);
        }
        l
    }

    const MIB: u64 = 1 << 20;

    /// find_memory (4.17): a kernel inside a range leaves its larger side, ties going after it.
    #[test]
    fn find_memory_takes_the_larger_side_of_the_kernel() {
        let m = map(&[ram(0, 0x9f000), ram(MIB, 63 * MIB)]);
        // 15 MiB before, 47 MiB after.
        assert_eq!(find_memory(&m, 16 * MIB, 17 * MIB, 4096), Some(17 * MIB));
        // 47 MiB before, 15 MiB after.
        assert_eq!(find_memory(&m, 48 * MIB, 49 * MIB, 4096), Some(MIB));
        // A tie: after the kernel, as 4.17's `>` does.
        assert_eq!(find_memory(&m, 32 * MIB, 33 * MIB, 4096), Some(33 * MIB));
        // Never below 1 MiB, never in non-RAM.
        let m = map(&[
            ram(0, 0x9f000),
            E820Entry {
                addr: MIB,
                size: MIB,
                r#type: E820_RESERVED,
            },
            ram(2 * MIB, MIB),
        ]);
        assert_eq!(find_memory(&m, 0, 0x1000, 4096), Some(2 * MIB));
        assert_eq!(find_memory(&m, 0, 0x1000, 2 * MIB), None);
    }

    /// The partial overlaps 4.17 miscomputed (an unsigned underflow, fixed in 2024 by the commit
    /// that "Fixes: 73b47eea2104 ('x86/dom0: improve PVH initrd and metadata placement')").
    #[test]
    fn find_memory_handles_a_kernel_across_a_range_end() {
        // The range starts (after the 1 MiB clamp) inside the kernel: use what follows it.
        let m = map(&[ram(0, 64 * MIB)]);
        assert_eq!(find_memory(&m, 0xff000, 0x105000, 4096), Some(0x105000));
        // The range ends inside the kernel: use what precedes it.
        let m = map(&[ram(MIB, 15 * MIB)]);
        assert_eq!(find_memory(&m, 15 * MIB, 17 * MIB, 4096), Some(MIB));
        // The kernel covers the range.
        let m = map(&[ram(2 * MIB, MIB)]);
        assert_eq!(find_memory(&m, MIB, 4 * MIB, 1), None);
    }

    #[test]
    fn e820_entries_convert_and_serialise() {
        let e = E820Entry::from(MemoryRegion {
            base: 0x1000,
            length: 0x2000,
            region_type: 3,
        });
        assert_eq!(
            e,
            E820Entry {
                addr: 0x1000,
                size: 0x2000,
                r#type: E820_ACPI
            }
        );
        let b = e.to_bytes();
        assert_eq!(b[..8], 0x1000u64.to_le_bytes());
        assert_eq!(b[8..16], 0x2000u64.to_le_bytes());
        assert_eq!(b[16..], 3u32.to_le_bytes());
    }

    /// The byte layouts match xen-public's checked offsets (start_info.h).
    #[test]
    fn start_info_and_modlist_bytes_follow_the_abi() {
        let si = hvm_start_info {
            magic: 1,
            version: 2,
            flags: 3,
            nr_modules: 4,
            modlist_paddr: 5,
            cmdline_paddr: 6,
            rsdp_paddr: 7,
            memmap_paddr: 8,
            memmap_entries: 9,
            reserved: 10,
        };
        let b = start_info_bytes(&si);
        for (off, size, v) in [
            (0, 4, 1u64),
            (4, 4, 2),
            (8, 4, 3),
            (12, 4, 4),
            (16, 8, 5),
            (24, 8, 6),
            (32, 8, 7),
            (40, 8, 8),
            (48, 4, 9),
            (52, 4, 10),
        ] {
            let mut w = [0u8; 8];
            w[..size].copy_from_slice(&b[off..off + size]);
            assert_eq!(u64::from_le_bytes(w), v, "offset {off}");
        }
        let m = hvm_modlist_entry {
            paddr: 1,
            size: 2,
            cmdline_paddr: 3,
            reserved: 0,
        };
        let b = modlist_entry_bytes(&m);
        assert_eq!(b[16..24], 3u64.to_le_bytes());
        assert_eq!(
            core::mem::size_of::<hvm_start_info>() as u64,
            START_INFO_SIZE
        );
        assert_eq!(
            core::mem::size_of::<hvm_modlist_entry>() as u64,
            MODLIST_ENTRY_SIZE
        );
    }

    /// vcpu_hvm_context carries vcpu_hvm_x86_32 at its C offsets (hvm_vcpu.h).
    #[test]
    fn vcpu_context_packs_the_32_bit_registers() {
        let regs = pvh_vcpu_state(0x100_0000, 0x200_0000);
        let ctx = pvh_vcpu_context(&regs);
        assert_eq!(ctx.mode, VCPU_HVM_MODE_32B);
        let byte = |off: usize| (ctx.cpu_regs[off / 8] >> ((off % 8) * 8)) as u8;
        let u32_at = |off: usize| {
            u32::from_le_bytes([byte(off), byte(off + 1), byte(off + 2), byte(off + 3)])
        };
        assert_eq!(u32_at(12), 0x200_0000, "ebx");
        assert_eq!(u32_at(32), 0x100_0000, "eip");
        assert_eq!(u32_at(40), PVH_CR0, "cr0");
        assert_eq!(u32_at(84), !0, "cs_limit");
        assert_eq!(u32_at(100), 0x67, "tr_limit");
        assert_eq!(
            u32::from(byte(104)) | u32::from(byte(105)) << 8,
            0xc9b,
            "cs_ar"
        );
        assert_eq!(
            u32::from(byte(112)) | u32::from(byte(113)) << 8,
            0x8b,
            "tr_ar"
        );
    }
}
