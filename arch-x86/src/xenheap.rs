//! The hypervisor's own allocator (Xen's xenheap): `alloc` for the domain table, the p2m's
//! bookkeeping, VMCBs. A first-fit allocator over one region of RAM set aside at boot.

use linked_list_allocator::LockedHeap;

#[cfg(target_os = "none")]
#[global_allocator]
static XENHEAP: LockedHeap = LockedHeap::empty();

/// Hands `[start, start + size)` to the allocator. Called once, before anything allocates.
///
/// # Safety
/// The region must be identity-mapped RAM that nothing else uses, for as long as the hypervisor
/// runs.
#[cfg(target_os = "none")]
pub unsafe fn init(start: u64, size: u64) {
    // SAFETY: the caller guarantees the region is unused, mapped RAM.
    unsafe { XENHEAP.lock().init(start as *mut u8, size as usize) }
}

/// Bytes the allocator has handed out, and its size.
#[cfg(target_os = "none")]
pub fn usage() -> (usize, usize) {
    let heap = XENHEAP.lock();
    (heap.used(), heap.size())
}

/// Keeps the type in use on the host, where the global allocator is the host's.
#[cfg(not(target_os = "none"))]
pub type Xenheap = LockedHeap;
