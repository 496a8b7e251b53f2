//! Machine frames as the hypervisor reaches them: through its identity map of RAM
//! ([`crate::paging`]: the boot tables' 0..4 GiB, then all of RAM once the direct map is built), as
//! xen-mm's `FrameAccess`. The heap only holds frames below [`crate::paging::directmap_end`].

use core::sync::atomic::{AtomicU64, Ordering};

use xen_mm::frame::{FrameAccess, Mfn, WORDS_PER_FRAME};

use crate::paging::directmap_end;

/// Frames of the direct map, by their physical address.
#[derive(Clone, Copy, Debug, Default)]
pub struct DirectMap;

impl DirectMap {
    /// The address of word `index` of `mfn`; panics (a hypervisor bug, never guest input) for a
    /// frame the map does not cover.
    fn word(mfn: Mfn, index: usize) -> *mut u64 {
        assert!(index < WORDS_PER_FRAME && mfn.paddr() < directmap_end());
        (mfn.paddr() + 8 * index as u64) as *mut u64
    }

    fn bytes(mfn: Mfn, offset: usize, len: usize) -> *mut u8 {
        assert!(offset + len <= 4096 && mfn.paddr() < directmap_end());
        (mfn.paddr() + offset as u64) as *mut u8
    }
}

impl FrameAccess for DirectMap {
    fn zero_frame(&self, mfn: Mfn) {
        let page = Self::bytes(mfn, 0, 4096);
        // SAFETY: the frame is identity-mapped and belongs to the heap (xen-mm only names frames
        // it manages); zeroing it cannot overlap the hypervisor's own image or stacks, which are
        // not heap frames.
        unsafe { core::ptr::write_bytes(page, 0, 4096) }
    }

    fn read_u64(&self, mfn: Mfn, index: usize) -> u64 {
        // SAFETY: an identity-mapped, 8-byte-aligned word of a heap frame; it may be written
        // concurrently (a guest, another CPU), so it is accessed atomically.
        unsafe { AtomicU64::from_ptr(Self::word(mfn, index)) }.load(Ordering::Acquire)
    }

    fn write_u64(&self, mfn: Mfn, index: usize, value: u64) {
        // SAFETY: as in `read_u64`.
        unsafe { AtomicU64::from_ptr(Self::word(mfn, index)) }.store(value, Ordering::Release)
    }

    fn compare_exchange_u64(&self, mfn: Mfn, index: usize, cur: u64, new: u64) -> Result<u64, u64> {
        // SAFETY: as in `read_u64`; a guest may update the word at the same time, which the
        // locked instruction makes safe.
        unsafe { AtomicU64::from_ptr(Self::word(mfn, index)) }.compare_exchange(
            cur,
            new,
            Ordering::SeqCst,
            Ordering::SeqCst,
        )
    }

    fn fetch_or_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        // SAFETY: as in `compare_exchange_u64`.
        unsafe { AtomicU64::from_ptr(Self::word(mfn, index)) }.fetch_or(bits, Ordering::SeqCst)
    }

    fn fetch_and_not_u64(&self, mfn: Mfn, index: usize, bits: u64) -> u64 {
        // SAFETY: as in `compare_exchange_u64`.
        unsafe { AtomicU64::from_ptr(Self::word(mfn, index)) }.fetch_and(!bits, Ordering::SeqCst)
    }

    fn read_bytes(&self, mfn: Mfn, offset: usize, buf: &mut [u8]) {
        let src = Self::bytes(mfn, offset, buf.len());
        // SAFETY: the range lies inside one identity-mapped heap frame (checked above) and `buf`
        // is hypervisor memory, so they cannot overlap.
        unsafe { core::ptr::copy_nonoverlapping(src, buf.as_mut_ptr(), buf.len()) }
    }

    fn write_bytes(&self, mfn: Mfn, offset: usize, data: &[u8]) {
        let dst = Self::bytes(mfn, offset, data.len());
        // SAFETY: as in `read_bytes`.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len()) }
    }
}

/// Copies the host's physical memory at `[paddr, paddr + buf.len())` into `buf` through the direct
/// map (virtual = physical), as Xen reads firmware memory through `mfn_to_virt` and
/// `acpi_os_map_memory`: the host's RAM below 1 MiB that dom0 gets a copy of, and the ACPI tables.
/// Callers name RAM, reserved or ACPI ranges of the memory map, never device registers (the map
/// is write-back). `false`, and `buf` untouched, when the range is not all in the direct map.
#[cfg(target_os = "none")]
pub fn read_phys(paddr: u64, buf: &mut [u8]) -> bool {
    match paddr.checked_add(buf.len() as u64) {
        Some(end) if end <= directmap_end() => {}
        _ => return false,
    }
    // SAFETY: every byte of [paddr, paddr + len) is mapped, present and readable, at the same
    // virtual address (the direct map, checked just above), and `buf` is borrowed mutably, so the
    // copy writes only memory this function owns for its duration. It is a `rep movsb` rather
    // than a slice because the range may start at physical address 0 (null, which no Rust
    // reference may be) and lies outside any Rust allocation. DF is clear, as the ABI requires
    // at every call.
    unsafe {
        core::arch::asm!(
            "rep movsb",
            inout("rcx") buf.len() => _,
            inout("rsi") paddr => _,
            inout("rdi") buf.as_mut_ptr() => _,
            options(nostack, preserves_flags)
        );
    }
    true
}
