//! The hypervisor's own page tables: an identity map of all RAM (Xen's direct map, here with
//! virtual = physical), built at start of day to replace the boot tables' first 4 GiB.
//!
//! Mappings are 1 GiB pages where the CPU has them (CPUID 0x8000_0001 EDX.Page1GB), else 2 MiB.
//! Everything up to the end of RAM is mapped write-back, MMIO holes included, except the 2 MiB
//! around the local APIC's registers, the only device memory the hypervisor touches: uncached.

#[cfg(target_os = "none")]
use alloc::boxed::Box;
use core::sync::atomic::{AtomicU64, Ordering};

use x86_64::structures::paging::PageTableFlags;

const PRESENT: u64 = PageTableFlags::PRESENT.bits();
const WRITABLE: u64 = PageTableFlags::WRITABLE.bits();
const PAGE_SIZE_BIT: u64 = PageTableFlags::HUGE_PAGE.bits();
/// Page-level write-through and cache-disable: uncached with the reset PAT.
const UNCACHED: u64 = PageTableFlags::WRITE_THROUGH.bits() | PageTableFlags::NO_CACHE.bits();
const GIB: u64 = 1 << 30;
/// One PML4 entry maps 512 GiB: the most the direct map covers for now.
pub const DIRECTMAP_MAX: u64 = 512 * GIB;

/// The end of the direct map; the boot tables map 0..4 GiB.
static DIRECTMAP_END: AtomicU64 = AtomicU64::new(4 * GIB);

/// Where the direct map ends.
pub fn directmap_end() -> u64 {
    DIRECTMAP_END.load(Ordering::Relaxed)
}

/// A page-table page.
#[repr(C, align(4096))]
pub struct PageTable(pub [u64; 512]);

/// The entries of an identity map of `[0, gib GiB)`: the PDPT's. A GiB is one 1 GiB page when
/// `one_gb` and `directory(i)` is `None`, else the page directory at `pd_addr(i)`. Host-testable.
pub fn identity_entries(
    gib: u64,
    one_gb: bool,
    pd_addr: impl Fn(u64) -> Option<u64>,
) -> [u64; 512] {
    let mut pdpt = [0u64; 512];
    for (i, entry) in pdpt.iter_mut().enumerate().take(gib.min(512) as usize) {
        let base = i as u64 * GIB;
        let directory = pd_addr(i as u64);
        *entry = if let Some(pd) = directory {
            pd | PRESENT | WRITABLE
        } else if one_gb {
            base | PRESENT | WRITABLE | PAGE_SIZE_BIT
        } else {
            0
        };
    }
    pdpt
}

/// A page directory mapping the GiB at `base` with 2 MiB pages; the one holding `uncached`
/// (the APIC's registers) is mapped uncached.
pub fn identity_directory(base: u64, uncached: u64) -> [u64; 512] {
    core::array::from_fn(|j| {
        let addr = base + ((j as u64) << 21);
        let cache = if uncached >> 21 == addr >> 21 {
            UNCACHED
        } else {
            0
        };
        addr | PRESENT | WRITABLE | PAGE_SIZE_BIT | cache
    })
}

/// Builds an identity map of `[0, end)` (whole GiBs, at most [`DIRECTMAP_MAX`]) in xenheap pages
/// and switches to it. Called once, on the boot CPU, after the xenheap exists.
#[cfg(target_os = "none")]
pub fn build_direct_map(end: u64) {
    let gib = end.div_ceil(GIB).clamp(4, DIRECTMAP_MAX / GIB);
    let one_gb = crate::msr::cpu_features()
        .get_extended_processor_and_feature_identifiers()
        .is_some_and(|f| f.has_1gib_pages());
    // The tables live for ever: leaked boxes from the xenheap, which is identity-mapped below
    // 4 GiB by the boot tables, so their addresses are physical addresses.
    let apic = crate::apic::register_base();
    // A directory for every GiB without 1 GiB pages, and for the APIC's GiB in any case.
    let directories: alloc::vec::Vec<Option<&'static mut PageTable>> = (0..gib)
        .map(|i| {
            (!one_gb || apic / GIB == i)
                .then(|| Box::leak(Box::new(PageTable(identity_directory(i * GIB, apic)))))
        })
        .collect();
    let pdpt = Box::leak(Box::new(PageTable(identity_entries(gib, one_gb, |i| {
        directories[i as usize]
            .as_deref()
            .map(|pd| pd as *const PageTable as u64)
    }))));
    let mut pml4 = Box::new(PageTable([0; 512]));
    pml4.0[0] = (&*pdpt as *const PageTable as u64) | PRESENT | WRITABLE;
    let pml4 = Box::leak(pml4);
    // SAFETY: the new tables map everything the boot tables mapped (0..4 GiB, identically, with
    // the same write-back attributes) and more, so every address in use (code, stacks, data,
    // the xenheap, the console) means the same after the switch. The pages are leaked, so they
    // are never freed or reused. Writing CR3 flushes the non-global TLB entries.
    unsafe {
        x86_64::registers::control::Cr3::write_raw(
            x86_64::structures::paging::PhysFrame::containing_address(x86_64::PhysAddr::new(
                &*pml4 as *const PageTable as u64,
            )),
            0,
        )
    };
    DIRECTMAP_END.store(gib * GIB, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_use_1g_or_2m_pages() {
        let e = identity_entries(6, true, |i| (i == 3).then_some(0x20_0000));
        assert_eq!(e[0], 0x83);
        assert_eq!(e[3], 0x20_0000 | 0x3, "the APIC's GiB has a directory");
        assert_eq!(e[5], (5 << 30) | 0x83);
        assert_eq!(e[6], 0, "nothing past the end");
        let e = identity_entries(2, false, |i| Some(0x10_0000 + i * 0x1000));
        assert_eq!(e[1], 0x10_1000 | 0x3);
        let d = identity_directory(GIB, 0xfee0_0000);
        assert_eq!(d[0], GIB | 0x83);
        assert_eq!(d[511], (GIB + (511 << 21)) | 0x83);
        let d = identity_directory(3 * GIB, 0xfee0_0000);
        assert_eq!(
            d[(0xfee0_0000 - 3 * GIB) as usize >> 21],
            0xfee0_0000 | 0x83 | 0x18,
            "UC"
        );
        assert_eq!(d[0] & 0x18, 0, "RAM stays write-back");
    }
}
