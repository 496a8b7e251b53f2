//! The toolstack library's [`Hypercall`] backend for the test guest, which is dom0 itself:
//! argument buffers are heap memory (identity-mapped, so their addresses are what Xen reads),
//! hypercalls go through the hypercall page, and writes into a domU go through a foreign
//! mapping of its frames into a window of our own physmap (XENMEM_add_to_physmap_batch with
//! XENMAPSPACE_gmfn_foreign, as a PVH dom0's privcmd does), removed again afterwards.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use toolstack::{Buffer, Error, Hypercall};
use xen_public::errno::Errno;
use xen_public::memory::{
    xen_add_to_physmap_batch, xen_remove_from_physmap, XENMAPSPACE_gmfn_foreign,
    XENMEM_add_to_physmap_batch, XENMEM_remove_from_physmap,
};
use xen_public::xen::DOMID_SELF;
use xen_public::GuestHandle;
use zerocopy::FromZeros;

use crate::hypercall::{hypercall, STUBS_PER_PAGE};
use crate::raw::memory_op;

/// The window of our physmap where domU frames are mapped while being written: above dom0's
/// RAM in the boot tests and under Xen's defaults, inside the first GiB our page tables map.
const WINDOW_GFN: u64 = 0x3f000;
/// Frames mapped at a time.
const WINDOW_PAGES: usize = 16;

/// dom0's hypercalls.
#[derive(Default)]
pub struct GuestHypercall {
    buffers: Vec<Option<Box<[u8]>>>,
}

impl Hypercall for GuestHypercall {
    fn alloc_buffer(&mut self, len: usize) -> Result<Buffer, Error> {
        let memory = vec![0u8; len.max(1)].into_boxed_slice();
        let addr = memory.as_ptr() as u64;
        let id = match self.buffers.iter().position(Option::is_none) {
            Some(id) => id,
            None => {
                self.buffers.push(None);
                self.buffers.len() - 1
            }
        };
        self.buffers[id] = Some(memory);
        Ok(Buffer::new(id, addr, len))
    }

    fn free_buffer(&mut self, buffer: Buffer) {
        if let Some(slot) = self.buffers.get_mut(buffer.id()) {
            *slot = None;
        }
    }

    fn buffer(&self, buffer: &Buffer) -> &[u8] {
        match self.buffers.get(buffer.id()) {
            Some(Some(b)) => &b[..buffer.len().min(b.len())],
            _ => &[],
        }
    }

    fn buffer_mut(&mut self, buffer: &Buffer) -> &mut [u8] {
        match self.buffers.get_mut(buffer.id()) {
            Some(Some(b)) => {
                let len = buffer.len().min(b.len());
                &mut b[..len]
            }
            _ => &mut [],
        }
    }

    fn hypercall(&mut self, op: u32, args: [u64; 5]) -> Result<u64, Errno> {
        if op >= STUBS_PER_PAGE {
            return Err(Errno::ENOSYS);
        }
        // SAFETY: the toolstack passes only addresses of its buffers (heap memory owned by
        // this backend, with no live reference while the call runs) or of nothing.
        let rc = unsafe { hypercall(op, args) };
        if rc < 0 {
            Err(Errno((-rc) as i32))
        } else {
            Ok(rc as u64)
        }
    }

    fn copy_to_domain(&mut self, domid: u16, gfn: u64, data: &[u8]) -> Result<(), Error> {
        for (n, chunk) in data.chunks(WINDOW_PAGES * 4096).enumerate() {
            let pages = chunk.len().div_ceil(4096);
            let first = gfn + (n * WINDOW_PAGES) as u64;
            let idxs: Vec<u64> = (first..first + pages as u64).collect();
            let gpfns: Vec<u64> = (WINDOW_GFN..WINDOW_GFN + pages as u64).collect();
            let mut errs = vec![0i32; pages];
            let mut batch = xen_add_to_physmap_batch {
                domid: DOMID_SELF,
                space: XENMAPSPACE_gmfn_foreign as u16,
                size: pages as u16,
                u: domid,
                idxs: GuestHandle::new(idxs.as_ptr() as u64),
                gpfns: GuestHandle::new(gpfns.as_ptr() as u64),
                errs: GuestHandle::new(errs.as_mut_ptr() as u64),
            };
            let rc = memory_op(XENMEM_add_to_physmap_batch, (&raw mut batch) as u64);
            let mapped = rc == 0 && errs.iter().all(|&e| e == 0);
            if mapped {
                let window = (WINDOW_GFN << 12) as *mut u8;
                // SAFETY: the window's frames are now the domU's frames in our physmap,
                // identity-mapped by our page tables (below 1 GiB); nothing else uses them.
                unsafe { core::ptr::copy_nonoverlapping(chunk.as_ptr(), window, chunk.len()) };
            }
            // Unmap what was mapped, also after a partial failure.
            for (i, &err) in errs.iter().enumerate() {
                if rc == 0 && err == 0 {
                    let mut remove = xen_remove_from_physmap {
                        domid: DOMID_SELF,
                        gpfn: WINDOW_GFN + i as u64,
                        ..FromZeros::new_zeroed()
                    };
                    memory_op(XENMEM_remove_from_physmap, (&raw mut remove) as u64);
                }
            }
            if !mapped {
                return Err(Error::Platform("mapping the domU's frames failed"));
            }
        }
        Ok(())
    }
}
