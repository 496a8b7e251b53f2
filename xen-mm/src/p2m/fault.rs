//! The p2m's part of a nested page fault (AMD NPF, Intel EPT violation or misconfiguration), in the
//! order of Xen's svm.c `VMEXIT_NPF` / `ept_handle_misconfig` and hvm.c
//! `hvm_hap_nested_page_fault`:
//!
//! 1. A fault on a present entry may be a pending lazy type change: recalculate, and if anything
//!    was pending, retry the access.
//! 2. Writes to `ioreq_server` frames go to the mapped server; writes to read-only-discard types
//!    are emulated (and dropped) — both before the log-dirty case.
//! 3. The first write to a `ram_logdirty` frame marks it dirty and makes it `ram_rw` again.
//! 4. Populate-on-demand frames are for the PoD code; holes go to the device model; broken frames
//!    crash the domain. Anything else the type allows was a stale TLB entry: retry.

use crate::errno::Errno;
use crate::frame::Gfn;
use crate::p2m::format::P2mFormat;
use crate::p2m::types::P2mType;
use crate::p2m::{P2m, TableFrames};

/// The access that faulted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultAccess {
    /// A write.
    pub write: bool,
    /// An instruction fetch.
    pub exec: bool,
    /// The entry was present (NPF error code P bit; always so for an EPT misconfiguration).
    pub present: bool,
}

/// What the vCPU's exit handler does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultOutcome {
    /// The p2m was fixed (or the fault was stale): resume the guest at the same instruction.
    Retry,
    /// Forward the write to this ioreq server.
    IoreqServer(u32),
    /// Emulate the access: a hole or MMIO for the device model, or a write to drop.
    Emulate,
    /// A populate-on-demand entry: populate it (the PoD code's job), then retry.
    PopulateOnDemand,
    /// The access cannot be satisfied: crash the domain (never the hypervisor).
    Crash,
}

/// Whether a type and access rights permit the access (the permissions Xen's
/// `ept_p2m_type_to_flags` and p2m-pt's `p2m_type_to_flags` grant).
fn allows(t: P2mType, a: crate::p2m::types::P2mAccess, access: FaultAccess) -> bool {
    let (tr, tw, tx) = crate::p2m::ept::type_rwx(t);
    let (ar, aw, ax) = a.rwx();
    let (r, w, x) = (tr && ar, tw && aw, tx && ax);
    if access.write {
        w
    } else if access.exec {
        x
    } else {
        r
    }
}

impl<Fmt: P2mFormat> P2m<Fmt> {
    /// Handles a nested fault at `gfn`. Errors (no frame for a table while recalculating) are for
    /// the caller to turn into a domain crash, as Xen does.
    pub fn handle_fault(
        &self,
        mem: &impl TableFrames,
        gfn: Gfn,
        access: FaultAccess,
    ) -> Result<FaultOutcome, Errno> {
        if access.present && self.resolve_fault(mem, gfn)? {
            return Ok(FaultOutcome::Retry);
        }
        let found = self.get_entry(mem, gfn);
        let t = found.p2mt;
        if access.write {
            if t == P2mType::IoreqServer {
                return Ok(match self.ioreq_server() {
                    Some(m) => FaultOutcome::IoreqServer(m.server),
                    None => FaultOutcome::Crash,
                });
            }
            if t.is_discard_write() {
                return Ok(FaultOutcome::Emulate);
            }
            if t == P2mType::RamLogdirty {
                self.mark_dirty(gfn);
                self.lock().logdirty.fault_count += 1;
                // Another vCPU may have done it first: its EBUSY is not an error.
                match self.change_type_one(mem, gfn, P2mType::RamLogdirty, P2mType::RamRw) {
                    Ok(()) | Err(Errno::EBUSY) => return Ok(FaultOutcome::Retry),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(match t {
            P2mType::PopulateOnDemand => FaultOutcome::PopulateOnDemand,
            // Holes (mmio_dm, invalid, paged out) go to the device model's emulation.
            t if t.is_hole() => FaultOutcome::Emulate,
            // A stale TLB entry: the mapping allows the access now.
            _ if allows(t, found.access, access) => FaultOutcome::Retry,
            // A real violation (or broken / paged-out memory, which xen-rs does not page back in):
            // Xen's hvm_hap_nested_page_fault gives up and the domain is crashed.
            _ => FaultOutcome::Crash,
        })
    }
}
