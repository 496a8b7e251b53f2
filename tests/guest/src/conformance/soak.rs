//! Longer runs: a populate and a decrease large enough for Xen's preemption checks
//! (`hypercall_preempt_check` in xen/common/memory.c `populate_physmap` and
//! `decrease_reservation`, continued through `hypercall_create_continuation` with the done
//! extents in `cmd >> MEMOP_EXTENT_SHIFT`), and a soak of create, claim, populate, destroy
//! cycles (`domain_create`, `domain_set_outstanding_pages`, `domain_kill`) after which the heap
//! must be back where it started.

use core::ptr::addr_of_mut;

use xen_public::memory::{
    XENMEM_claim_pages, XENMEM_decrease_reservation, XENMEM_populate_physmap,
};

use super::{create_pvh, destroy, domaininfo, physinfo, rel, reservation, reservation_at};
use super::{settled_free, Rc};
use crate::case;

/// Extents in the large calls (4K pages: 16 MiB).
const MANY: usize = 4096;

/// The extent list of the large calls (too big for the stack).
static mut EXTENTS: [u64; MANY] = [0; MANY];

/// Soak cycles.
const CYCLES: u32 = 200;

pub fn run() {
    many_extents();
    soak();
}

fn many_extents() {
    // max_mem 32 MiB: max_pages 8192.
    let Some(domid) = create_pvh(32 * 1024) else {
        return;
    };
    // SAFETY: one vCPU; only this function uses EXTENTS, and Xen only while called below.
    let extents = unsafe { &mut *addr_of_mut!(EXTENTS) };
    for (i, gfn) in extents.iter_mut().enumerate() {
        *gfn = i as u64;
    }
    let pop = reservation(XENMEM_populate_physmap, domid, extents, 0, 0);
    let (_, after_pop) = domaininfo(domid);
    for (i, gfn) in extents.iter_mut().enumerate() {
        *gfn = i as u64;
    }
    let dec = reservation(XENMEM_decrease_reservation, domid, extents, 0, 0);
    let (_, after_dec) = domaininfo(domid);
    case!(
        "memory_op.domu.many_extents",
        "populate {}, tot_pages {}, decrease {}, tot_pages {}",
        Rc(pop),
        after_pop.tot_pages,
        Rc(dec),
        after_dec.tot_pages
    );
    destroy(domid);
}

fn soak() {
    let free_before = settled_free();
    let mut failures = 0u32;
    for _ in 0..CYCLES {
        // max_mem 4 MiB (1024 pages); claim them all, populate two 2M extents, destroy.
        let Some(domid) = create_pvh(4096) else {
            failures += 1;
            break;
        };
        let claim = reservation_at(XENMEM_claim_pages, domid, 0, 1024, 0, 0);
        let mut gfns = [0u64, 0x200];
        let pop = reservation(XENMEM_populate_physmap, domid, &mut gfns, 9, 0);
        let left = physinfo().outstanding_pages;
        let gone = destroy(domid);
        if claim != 0 || pop != 2 || left != 0 || gone != 0 {
            failures += 1;
        }
    }
    case!(
        "soak.create_claim_populate_destroy",
        "cycles {CYCLES}, failures {failures}, outstanding {}, free_after {} free_before",
        physinfo().outstanding_pages,
        rel(settled_free(), free_before)
    );
}
