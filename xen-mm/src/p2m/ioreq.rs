//! Guest memory whose writes go to an ioreq server (Xen's `p2m_ioreq_server` type):
//! xen/arch/x86/mm/p2m.c `p2m_set_ioreq_server`, and the p2m side of xen/arch/x86/hvm/dm.c's
//! XEN_DMOP_map_mem_type_to_ioreq_server and XEN_DMOP_set_mem_type.
//!
//! The barrier that keeps lazy changes unambiguous ("a barrier around the hole"): while stale
//! `ioreq_server` entries from an unmapped server remain, no server may be mapped (`EBUSY`), so a
//! marked entry can never be claimed by the wrong server; and log-dirty cannot start while any
//! `ioreq_server` entry exists. Unmapping starts a global change back to `ram_rw` and the caller
//! finishes it in bounded steps ([`P2m::ioreq_reset_step`]).

use crate::errno::Errno;
use crate::frame::{FrameAccess, Gfn};
use crate::p2m::format::P2mFormat;
use crate::p2m::types::P2mType;
use crate::p2m::{P2m, TableFrames};

/// The only mapping flag Xen accepts: forward writes (XEN_DMOP_IOREQ_MEM_ACCESS_WRITE).
pub const IOREQ_MEM_ACCESS_WRITE: u32 = xen_public::hvm::dm_op::XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;

/// Gfns finished per step of the reset after an unmap (dm.c: 256).
pub const RESET_CHUNK: u64 = 256;
/// Gfns between preemption checks in set_mem_type (dm.c: `iter & 0xff`).
pub const SET_MEM_TYPE_CHUNK: u64 = 256;

/// The server the `ioreq_server` type is mapped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoreqMapping {
    /// The server's id.
    pub server: u32,
    /// Its flags (only [`IOREQ_MEM_ACCESS_WRITE`]).
    pub flags: u32,
}

/// Where set_mem_type stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetMemType {
    /// Every frame was changed.
    Done,
    /// Preempted: continue with these arguments (the hypercall returns -ERESTART).
    Restart {
        /// The next gfn.
        first_pfn: u64,
        /// Frames left.
        nr: u64,
    },
}

/// Whether set_mem_type may change `old` into `new` (dm.c `allow_p2m_type_change`).
pub const fn allow_p2m_type_change(old: P2mType, new: P2mType) -> bool {
    if matches!(new, P2mType::IoreqServer) {
        return matches!(old, P2mType::RamRw);
    }
    if matches!(old, P2mType::IoreqServer) {
        return matches!(new, P2mType::RamRw);
    }
    old.is_ram() || (old.is_hole() && matches!(new, P2mType::MmioDm))
}

impl<Fmt: P2mFormat> P2m<Fmt> {
    /// The mapped server, if any (Xen's `p2m_get_ioreq_server`).
    pub fn ioreq_server(&self) -> Option<IoreqMapping> {
        self.lock().ioreq
    }

    /// Frames of type `ioreq_server` still in the tables (Xen's `p2m->ioreq.entry_count`), stale
    /// ones awaiting recalculation included.
    pub fn ioreq_entry_count(&self) -> u64 {
        self.type_pages(P2mType::IoreqServer)
    }

    /// Maps the `ioreq_server` type to `server` (`p2m_set_ioreq_server` with flags): `EINVAL` for
    /// flags other than write-forwarding; `EBUSY` if a server is mapped or stale entries remain.
    pub fn map_ioreq_server(&self, server: u32, flags: u32) -> Result<(), Errno> {
        if flags == 0 || flags & !IOREQ_MEM_ACCESS_WRITE != 0 {
            return Err(Errno::EINVAL);
        }
        let mut st = self.lock();
        if st.ioreq.is_some() || st.type_pages[P2mType::IoreqServer as usize] != 0 {
            return Err(Errno::EBUSY);
        }
        st.ioreq = Some(IoreqMapping { server, flags });
        st.recalc.ioreq_server_mapped = true;
        Ok(())
    }

    /// Unmaps `server` (`p2m_set_ioreq_server` with flags 0): `EINVAL` unless it is the mapped one.
    /// Remaining `ioreq_server` entries become stale and are marked for recalculation (to `ram_rw`, or
    /// `ram_logdirty` where log-dirty applies); finish with [`ioreq_reset_step`](Self::ioreq_reset_step).
    /// Unlike Xen, this leaves the global log-dirty state alone (Xen's change of ioreq_server to
    /// ram_rw clears `global_logdirty` and silently ends log-dirty tracking).
    pub fn unmap_ioreq_server(&self, mem: &impl FrameAccess, server: u32) -> Result<(), Errno> {
        let mut st = self.lock();
        if st.ioreq.map(|m| m.server) != Some(server) {
            return Err(Errno::EINVAL);
        }
        st.ioreq = None;
        st.recalc.ioreq_server_mapped = false;
        if st.type_pages[P2mType::IoreqServer as usize] != 0 {
            self.mark_all(mem);
        }
        Ok(())
    }

    /// One call's worth of dm.c's reset after an unmap: finishes the type change `RESET_CHUNK` gfns
    /// at a time from `first_gfn` while stale entries remain, asking `preempt` after each chunk.
    /// Returns `Some(next)` to continue from (the DMOP stores it in `opaque` and returns
    /// -ERESTART) or `None` when done.
    pub fn ioreq_reset_step(
        &self,
        mem: &impl TableFrames,
        first_gfn: u64,
        mut preempt: impl FnMut() -> bool,
    ) -> Result<Option<u64>, Errno> {
        let mut gfn = first_gfn;
        loop {
            let (left, max_mapped) = {
                let st = self.lock();
                (
                    st.type_pages[P2mType::IoreqServer as usize],
                    st.max_mapped_pfn,
                )
            };
            let Some(max_mapped) = max_mapped else {
                return Ok(None);
            };
            if left == 0 || gfn > max_mapped {
                return Ok(None);
            }
            self.finish_type_change(mem, Gfn(gfn), RESET_CHUNK)?;
            gfn += RESET_CHUNK;
            if gfn <= max_mapped && preempt() {
                return Ok(Some(gfn));
            }
        }
    }

    /// The p2m side of XEN_DMOP_set_mem_type: changes `nr` frames from `first_pfn` to `new`
    /// (`ram_rw`, `ram_ro`, `mmio_dm` or `ioreq_server`). `EINVAL` for another type, a range past
    /// the highest mapped gfn, `ioreq_server` with no server mapped, or a transition
    /// `allow_p2m_type_change` refuses; `EAGAIN` for paged or shared frames; `EBUSY` from a frame
    /// changing under it. Frames before an error stay changed, as in Xen. `preempt` is asked every
    /// 256 frames.
    pub fn set_mem_type(
        &self,
        mem: &impl TableFrames,
        first_pfn: u64,
        nr: u64,
        new: P2mType,
        mut preempt: impl FnMut() -> bool,
    ) -> Result<SetMemType, Errno> {
        if !matches!(
            new,
            P2mType::RamRw | P2mType::RamRo | P2mType::MmioDm | P2mType::IoreqServer
        ) {
            return Err(Errno::EINVAL);
        }
        let max_pfn = self.max_mapped_pfn().unwrap_or(0);
        let last = first_pfn.checked_add(nr.saturating_sub(1));
        if first_pfn > max_pfn || last.is_none_or(|l| l > max_pfn) {
            return Err(Errno::EINVAL);
        }
        if new == P2mType::IoreqServer && self.ioreq_server().is_none() {
            return Err(Errno::EINVAL);
        }
        let mut iter = 0;
        while iter < nr {
            let gfn = Gfn(first_pfn + iter);
            let now = self.get_entry(mem, gfn).p2mt;
            if now.is_paging() || now.is_shared() {
                return Err(Errno::EAGAIN);
            }
            if !allow_p2m_type_change(now, new) {
                return Err(Errno::EINVAL);
            }
            self.change_type_one(mem, gfn, now, new)?;
            iter += 1;
            if nr > iter && iter % SET_MEM_TYPE_CHUNK == 0 && preempt() {
                return Ok(SetMemType::Restart {
                    first_pfn: first_pfn + iter,
                    nr: nr - iter,
                });
            }
        }
        Ok(SetMemType::Done)
    }
}
