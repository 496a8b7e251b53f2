//! An HVM vCPU's memory as its hypercall arguments name it (Xen's `hvm_copy_from_guest_linear` /
//! `hvm_copy_to_guest_linear` in xen/arch/x86/hvm/hvm.c, with the walk of
//! xen/arch/x86/mm/guest_walk.c): linear address -> the guest's own page tables -> guest-physical
//! address -> the p2m -> a machine frame, read and written through xen-mm's `FrameAccess`.
//!
//! Pieces of the walk: paging off (linear = physical, 32 bits), 32-bit paging (4 MiB pages with
//! PSE), PAE, and 4-level long mode (2 MiB and 1 GiB pages). Every table is itself reached
//! through the p2m, so a guest can only make the hypervisor read its own RAM. A frame that is
//! populate-on-demand is populated first (`P2M_ALLOC`); a write marks the frame dirty for
//! log-dirty tracking (`paging_mark_dirty`), and a write to read-only RAM is dropped, as Xen's
//! `__hvm_copy` does. Anything else faults (`EFAULT`).

use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::types::P2mType;

use crate::domain::Domain;
use crate::guest::GuestMemory;

const PAGE_SIZE: u64 = 4096;
const CR0_PG: u64 = 1 << 31;
const CR0_WP: u64 = 1 << 16;
const CR4_PSE: u64 = 1 << 4;
const CR4_PAE: u64 = 1 << 5;
const CR4_LA57: u64 = 1 << 12;
const EFER_LMA: u64 = 1 << 10;
const PTE_P: u64 = 1;
const PTE_RW: u64 = 1 << 1;
const PTE_PS: u64 = 1 << 7;
/// Address bits of a 64-bit entry (bits 12..51).
const PTE_ADDR: u64 = 0x000f_ffff_ffff_f000;

/// The paging registers of the calling vCPU (from its VMCB or VMCS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PagingState {
    /// CR0.
    pub cr0: u64,
    /// CR3.
    pub cr3: u64,
    /// CR4.
    pub cr4: u64,
    /// EFER.
    pub efer: u64,
}

/// A domain's memory seen through one of its vCPUs' paging state.
pub struct HvmGuestMemory<'a, F: FrameAccess, Fmt: P2mFormat> {
    /// The heap (frame access and PoD's cache).
    pub heap: &'a DomHeap<F>,
    /// The calling domain.
    pub domain: &'a Domain<Fmt>,
    /// The calling vCPU's paging registers.
    pub paging: PagingState,
}

impl<F: FrameAccess, Fmt: P2mFormat> HvmGuestMemory<'_, F, Fmt> {
    /// The machine frame behind guest-physical frame `gfn`, populating PoD; `EFAULT` unless it is
    /// RAM. For a write (`__hvm_copy` with HVMCOPY_to_guest): `None` when the write is to be
    /// dropped (read-only RAM, `p2m_is_discard_write`), `EFAULT` for an ioreq-server page, and the
    /// frame is recorded for log-dirty otherwise.
    fn gfn_to_mfn_for(&self, gfn: u64, write: bool) -> Result<Option<Mfn>, Errno> {
        let d = self.domain;
        let found = d.get_entry_alloc(self.heap, Gfn(gfn));
        let mfn = found
            .mfn
            .filter(|_| found.p2mt.is_ram())
            .ok_or(Errno::EFAULT)?;
        if write {
            // (Grant entries are not RAM: the lookup above already refused them.)
            if found.p2mt == P2mType::IoreqServer {
                return Err(Errno::EFAULT);
            }
            if found.p2mt.is_discard_write() {
                return Ok(None);
            }
            d.p2m.mark_dirty(Gfn(gfn));
        }
        Ok(Some(mfn))
    }

    /// The frame for reading (tables and copies from the guest).
    fn gfn_to_mfn(&self, gfn: u64) -> Result<Mfn, Errno> {
        self.gfn_to_mfn_for(gfn, false)?.ok_or(Errno::EFAULT)
    }

    /// Reads the `index`th 64-bit (or, with `narrow`, 32-bit) entry of the table at `table_gpa`.
    fn read_entry(&self, table_gpa: u64, index: u64, narrow: bool) -> Result<u64, Errno> {
        let size = if narrow { 4 } else { 8 };
        let at = table_gpa.checked_add(index * size).ok_or(Errno::EFAULT)?;
        let mfn = self.gfn_to_mfn(at / PAGE_SIZE)?;
        let mut bytes = [0u8; 8];
        self.heap
            .frames()
            .read_bytes(mfn, (at % PAGE_SIZE) as usize, &mut bytes[..size as usize]);
        Ok(u64::from_le_bytes(bytes))
    }

    /// Walks the guest's page tables (`guest_walk_tables`): the guest-physical address of
    /// `linear`, or `EFAULT` for a non-present entry, a reserved setup, or a write to a read-only
    /// page while CR0.WP is set.
    pub fn linear_to_gpa(&self, linear: u64, write: bool) -> Result<u64, Errno> {
        let p = self.paging;
        if p.cr0 & CR0_PG == 0 {
            // Paging off: 32-bit physical addresses.
            return Ok(linear & 0xffff_ffff);
        }
        let check_write = write && p.cr0 & CR0_WP != 0;
        let writable = |entry: u64| !check_write || entry & PTE_RW != 0;
        if p.efer & EFER_LMA != 0 {
            if p.cr4 & CR4_LA57 != 0 {
                // Five-level paging: not offered to guests.
                return Err(Errno::EFAULT);
            }
            // Canonical: bits 63..47 all equal.
            let top = linear >> 47;
            if top != 0 && top != (1 << 17) - 1 {
                return Err(Errno::EFAULT);
            }
            let mut table = p.cr3 & PTE_ADDR;
            for level in (1..=4u32).rev() {
                let shift = 12 + 9 * (level - 1);
                let entry = self.read_entry(table, (linear >> shift) & 0x1ff, false)?;
                if entry & PTE_P == 0 || !writable(entry) {
                    return Err(Errno::EFAULT);
                }
                let base = entry & PTE_ADDR;
                if level == 1 || (level <= 3 && entry & PTE_PS != 0) {
                    let mask = (1u64 << shift) - 1;
                    return Ok((base & !mask) | (linear & mask));
                }
                table = base;
            }
            return Err(Errno::EFAULT);
        }
        let linear = linear & 0xffff_ffff;
        if p.cr4 & CR4_PAE != 0 {
            // PAE: four PDPTEs at CR3 (32-byte aligned), then two levels of 64-bit entries.
            let pdpte = self.read_entry(p.cr3 & 0xffff_ffe0, linear >> 30, false)?;
            if pdpte & PTE_P == 0 {
                return Err(Errno::EFAULT);
            }
            let pde = self.read_entry(pdpte & PTE_ADDR, (linear >> 21) & 0x1ff, false)?;
            if pde & PTE_P == 0 || !writable(pde) {
                return Err(Errno::EFAULT);
            }
            if pde & PTE_PS != 0 {
                return Ok((pde & PTE_ADDR & !0x1f_ffff) | (linear & 0x1f_ffff));
            }
            let pte = self.read_entry(pde & PTE_ADDR, (linear >> 12) & 0x1ff, false)?;
            if pte & PTE_P == 0 || !writable(pte) {
                return Err(Errno::EFAULT);
            }
            return Ok((pte & PTE_ADDR) | (linear & 0xfff));
        }
        // 32-bit paging: 32-bit entries; 4 MiB pages with CR4.PSE (bits 13..20 of a PDE give
        // physical address bits 32..39).
        let pde = self.read_entry(p.cr3 & 0xffff_f000, linear >> 22, true)?;
        if pde & PTE_P == 0 || !writable(pde) {
            return Err(Errno::EFAULT);
        }
        if pde & PTE_PS != 0 && p.cr4 & CR4_PSE != 0 {
            let high = ((pde >> 13) & 0xff) << 32;
            return Ok(high | (pde & 0xffc0_0000) | (linear & 0x3f_ffff));
        }
        let pte = self.read_entry(pde & 0xffff_f000, (linear >> 12) & 0x3ff, true)?;
        if pte & PTE_P == 0 || !writable(pte) {
            return Err(Errno::EFAULT);
        }
        Ok((pte & 0xffff_f000) | (linear & 0xfff))
    }

    /// Runs `f` on each piece of `[addr, addr + len)` that lies in one page: the frame, the
    /// offset in it, and the offset in the caller's buffer.
    fn for_each_page(
        &self,
        addr: u64,
        len: usize,
        write: bool,
        mut f: impl FnMut(Option<Mfn>, usize, core::ops::Range<usize>),
    ) -> Result<(), Errno> {
        let mut done = 0usize;
        while done < len {
            let linear = addr.checked_add(done as u64).ok_or(Errno::EFAULT)?;
            let offset = (linear % PAGE_SIZE) as usize;
            let chunk = (PAGE_SIZE as usize - offset).min(len - done);
            let gpa = self.linear_to_gpa(linear, write)?;
            let mfn = self.gfn_to_mfn_for(gpa / PAGE_SIZE, write)?;
            f(mfn, offset, done..done + chunk);
            done += chunk;
        }
        Ok(())
    }
}

impl<F: FrameAccess, Fmt: P2mFormat> GuestMemory for HvmGuestMemory<'_, F, Fmt> {
    fn copy_from_guest(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        let frames = self.heap.frames();
        let len = buf.len();
        self.for_each_page(addr, len, false, |mfn, offset, range| {
            if let Some(mfn) = mfn {
                frames.read_bytes(mfn, offset, &mut buf[range]);
            }
        })
    }

    fn copy_to_guest(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        let frames = self.heap.frames();
        self.for_each_page(addr, data.len(), true, |mfn, offset, range| {
            // `None`: a write to read-only RAM, dropped as Xen drops it.
            if let Some(mfn) = mfn {
                frames.write_bytes(mfn, offset, &data[range]);
            }
        })
    }
}
