//! memory_op on dom0 itself (xen/common/memory.c `do_memory_op` and the reservation functions,
//! xen/arch/x86/mm.c `arch_memory_op` for the memory map).

use xen_public::memory::{
    xen_memory_map, XENMEMF_exact_node_request, XENMEMF_vnode, XENMEM_current_reservation,
    XENMEM_decrease_reservation, XENMEM_maximum_ram_page, XENMEM_maximum_reservation,
    XENMEM_memory_map, XENMEM_populate_physmap,
};
use xen_public::xen::DOMID_SELF;
use xen_public::GuestHandle;

use super::{create_pvh, destroy, domaininfo, rel, reservation, reservation_at, Rc, BAD_ADDRESS};
use crate::case;
use crate::raw::memory_op;

/// A dom0 frame the guest never uses (32 MiB: above the image, below every dom0_mem the tests
/// use, inside the first GiB the guest maps).
const SPARE_GFN: u64 = 0x2000;

/// E820 RAM.
const E820_RAM: u32 = 1;

/// current_reservation / maximum_reservation of `domid`.
fn reservation_of(cmd: u32, domid: u16) -> i64 {
    let mut id = domid;
    memory_op(cmd, (&raw mut id) as u64)
}

pub fn run() {
    // arch_memory_op, XENMEM_memory_map: the caller's e820 (dom0's, built by
    // xen/arch/x86/hvm/dom0_build.c pvh_setup_e820), sorted and non-overlapping.
    let mut entries = [0u8; 20 * 128];
    let mut map = xen_memory_map {
        nr_entries: 128,
        buffer: GuestHandle::new(entries.as_mut_ptr() as u64),
        ..Default::default()
    };
    let rc = memory_op(XENMEM_memory_map, (&raw mut map) as u64);
    let n = (map.nr_entries as usize).min(128);
    let entry = |i: usize| {
        let e = &entries[i * 20..i * 20 + 20];
        let addr = u64::from_le_bytes(e[0..8].try_into().unwrap_or_default());
        let size = u64::from_le_bytes(e[8..16].try_into().unwrap_or_default());
        let kind = u32::from_le_bytes(e[16..20].try_into().unwrap_or_default());
        (addr, size, kind)
    };
    let sorted = (1..n).all(|i| entry(i - 1).0 + entry(i - 1).1 <= entry(i).0);
    let spare_is_ram = (0..n).any(|i| {
        let (addr, size, kind) = entry(i);
        kind == E820_RAM && addr <= SPARE_GFN << 12 && (SPARE_GFN + 1) << 12 <= addr + size
    });
    case!(
        "memory_op.memory_map",
        "rc {}, entries > 0 {}, sorted {sorted}, ram at 32M {spare_is_ram}",
        Rc(rc),
        n > 0
    );

    // arch_memory_op, XENMEM_memory_map: a buffer of 1 entry (what fits is copied, and
    // nr_entries says how many).
    let mut one = [0u8; 20];
    let mut map = xen_memory_map {
        nr_entries: 1,
        buffer: GuestHandle::new(one.as_mut_ptr() as u64),
        ..Default::default()
    };
    let rc = memory_op(XENMEM_memory_map, (&raw mut map) as u64);
    case!(
        "memory_op.memory_map.one_entry",
        "rc {}, nr_entries {}",
        Rc(rc),
        map.nr_entries
    );

    // arch_memory_op, XENMEM_memory_map: the buffer at a bad address -> -EFAULT.
    let mut map = xen_memory_map {
        nr_entries: 128,
        buffer: GuestHandle::new(BAD_ADDRESS),
        ..Default::default()
    };
    let rc = memory_op(XENMEM_memory_map, (&raw mut map) as u64);
    case!("memory_op.memory_map.bad_buffer", "rc {}", Rc(rc));

    // do_memory_op: the argument itself at a bad address (copy_from_guest fails) -> -EFAULT.
    let rc = memory_op(XENMEM_memory_map, BAD_ADDRESS);
    case!("memory_op.memory_map.bad_arg", "rc {}", Rc(rc));

    // do_memory_op, XENMEM_maximum_ram_page: the highest machine frame, positive.
    let rc = memory_op(XENMEM_maximum_ram_page, 0);
    case!("memory_op.maximum_ram_page", "rc > 0 {}", rc > 0);

    // do_memory_op, XENMEM_current_reservation / maximum_reservation (domain_tot_pages,
    // d->max_pages) against getdomaininfo's tot_pages and max_pages.
    let (_, info) = domaininfo(0);
    let current = reservation_of(XENMEM_current_reservation, DOMID_SELF);
    let maximum = reservation_of(XENMEM_maximum_reservation, DOMID_SELF);
    case!(
        "memory_op.current_reservation",
        "current {} tot_pages, > 0 {}",
        rel(current as u64, info.tot_pages),
        current > 0
    );
    case!(
        "memory_op.maximum_reservation",
        "maximum {} max_pages, maximum {} current",
        rel(maximum as u64, info.max_pages),
        rel(maximum as u64, current as u64)
    );

    // do_memory_op: current_reservation of a domain that does not exist -> -ESRCH.
    let rc = reservation_of(XENMEM_current_reservation, 0x7000);
    case!("memory_op.current_reservation.no_domain", "rc {}", Rc(rc));

    // decrease_reservation then populate_physmap of one dom0 gfn (guest_remove_page,
    // guest_physmap_add_page): each returns the extents done; tot_pages follows.
    let before = reservation_of(XENMEM_current_reservation, DOMID_SELF);
    let mut gfn = [SPARE_GFN];
    let dec = reservation(XENMEM_decrease_reservation, DOMID_SELF, &mut gfn, 0, 0);
    let mid = reservation_of(XENMEM_current_reservation, DOMID_SELF);
    // A second decrease of the same gfn: a hole now (guest_remove_page on p2m_invalid).
    let mut gfn = [SPARE_GFN];
    let again = reservation(XENMEM_decrease_reservation, DOMID_SELF, &mut gfn, 0, 0);
    let mut gfn = [SPARE_GFN];
    let pop = reservation(XENMEM_populate_physmap, DOMID_SELF, &mut gfn, 0, 0);
    let after = reservation_of(XENMEM_current_reservation, DOMID_SELF);
    case!(
        "memory_op.decrease_then_populate",
        "decrease {}, current {} before - 1, decrease again {}, populate {}, current {} before",
        Rc(dec),
        rel(mid as u64, before as u64 - 1),
        Rc(again),
        Rc(pop),
        rel(after as u64, before as u64)
    );
    // SAFETY: SPARE_GFN is identity-mapped and now populated again; the guest uses it for
    // nothing else.
    unsafe { core::ptr::write_volatile((SPARE_GFN << 12) as *mut u64, 0x5a5a) };

    // decrease_reservation with the extent list at a bad address: no extent done.
    let rc = reservation_at(
        XENMEM_decrease_reservation,
        DOMID_SELF,
        BAD_ADDRESS,
        1,
        0,
        0,
    );
    case!("memory_op.decrease.bad_extent_list", "rc {}", Rc(rc));

    // do_memory_op: extent_order above what the caller may use -> 0 extents (start_extent).
    let mut gfn = [SPARE_GFN];
    let rc = reservation(XENMEM_populate_physmap, DOMID_SELF, &mut gfn, 30, 0);
    case!("memory_op.populate.bad_order", "rc {}", Rc(rc));

    // do_memory_op: nr_extents 0 -> 0.
    let rc = reservation_at(XENMEM_populate_physmap, DOMID_SELF, 0, 0, 0, 0);
    case!("memory_op.populate.zero_extents", "rc {}", Rc(rc));

    // do_memory_op: an unknown subop (63 is unused; arch_memory_op's default) -> -ENOSYS.
    let rc = memory_op(63, 0);
    case!("memory_op.bad_subop", "rc {}", Rc(rc));

    domu();
}

/// Reservations on a domU: assign_pages' max_pages limit, decrease_reservation of 4K and 2M,
/// and exact-node requests (construct_memop_from_reservation).
fn domu() {
    // max_mem 4 MiB: max_pages 1024.
    let Some(domid) = create_pvh(4096) else {
        return;
    };
    // populate_physmap: three 2M extents against 1024 pages: assign_pages refuses the third.
    let mut gfns = [0u64, 0x200, 0x400];
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfns, 9, 0);
    let (_, info) = domaininfo(domid);
    case!(
        "memory_op.domu.populate_over_max_pages",
        "rc {}, tot_pages {}",
        Rc(rc),
        info.tot_pages
    );

    // decrease_reservation: one 4K page out of the first 2M extent, then the second extent.
    let mut gfn = [0u64];
    let small = reservation(XENMEM_decrease_reservation, domid, &mut gfn, 0, 0);
    let mut gfn = [0x200u64];
    let large = reservation(XENMEM_decrease_reservation, domid, &mut gfn, 9, 0);
    let (_, info) = domaininfo(domid);
    case!(
        "memory_op.domu.decrease",
        "4k {}, 2m {}, tot_pages {}",
        Rc(small),
        Rc(large),
        info.tot_pages
    );

    // construct_memop_from_reservation: an exact request for a node that does not exist.
    let mut gfn = [0x600u64];
    let flags = ((5 + 1) << 8) | XENMEMF_exact_node_request;
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfn, 0, flags);
    case!("memory_op.domu.populate_bad_node", "rc {}", Rc(rc));

    // construct_memop_from_reservation: address_bits at or below PAGE_SHIFT cannot be met.
    let mut gfn = [0x600u64];
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfn, 0, 12);
    case!("memory_op.domu.populate_address_bits_12", "rc {}", Rc(rc));

    // construct_memop_from_reservation: XENMEMF_vnode on a domain without vNUMA.
    let mut gfn = [0x600u64];
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfn, 0, XENMEMF_vnode);
    case!("memory_op.domu.populate_vnode", "rc {}", Rc(rc));

    // populate_physmap: a gfn that is already populated is replaced (guest_physmap_add_page);
    // the domain's page count does not grow.
    let (_, before) = domaininfo(domid);
    let mut gfn = [0x1u64];
    let rc = reservation(XENMEM_populate_physmap, domid, &mut gfn, 0, 0);
    let (_, after) = domaininfo(domid);
    case!(
        "memory_op.domu.populate_populated_gfn",
        "rc {}, tot_pages after {} before",
        Rc(rc),
        rel(after.tot_pages, before.tot_pages)
    );

    destroy(domid);
}
