//! XENMEM_* (xen/common/memory.c `do_memory_op`, and x86's `arch_memory_op` in
//! xen/arch/x86/mm.c for memory_map, set_memory_map and the PoD target).
//!
//! Return conventions follow Xen exactly: the reservation subops (increase_reservation,
//! decrease_reservation, populate_physmap) return the number of extents done, never an errno, once
//! their argument is read (even a bad domain or bad flags give `start_extent`); the others return
//! 0 or a value, or a negative errno. Progress of a preempted reservation travels in the command's
//! upper bits (`cmd >> MEMOP_EXTENT_SHIFT`), as `hypercall_create_continuation` encodes it.
//!
//! All domains here are translated (HVM/PVH): frames are reached through the p2m, and mfns are
//! never written back to the guest.
//!
//! Foreign mapping (XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign, x86
//! `p2m_add_foreign`): a domain maps another domain's frame as `p2m_map_foreign` and holds a
//! reference on it ([`DomHeap::get_foreign_page`]) until the entry goes: through
//! XENMEM_remove_from_physmap, or when the mapping domain is relinquished (upstream's
//! `relinquish_p2m_mapping`; here the heap drops the references it recorded for the mapper).
//! A populate-on-demand mark over a foreign entry drops its reference as the entry goes (Xen's
//! `p2m_entry_modify`); nothing else replaces one: `guest_remove_page` (`-ENXIO`),
//! `physmap_add_page` and the type changes refuse it. Code that adds a new way to overwrite p2m
//! entries must put the references of the foreign entries it overwrites (the invariant check
//! counts one reference per foreign entry). Where xen-rs differs from Xen:
//! - A frame its owner frees, or a dying owner relinquishes, while another domain maps it leaves
//!   the owner's `tot_pages` at once and becomes an ownerless orphan that the last reference
//!   frees. Xen keeps it the owner's, counted in `tot_pages`, and the dead domain lingers as a
//!   zombie until then; here the domain leaves the table and its id may be reused, which is safe
//!   because the orphan no longer names an owner.
//! - Only frames the foreign domain owns are mappable: its shared_info page (an anonymous frame
//!   in xen-rs, a xenheap page shared with the guest in Xen) and DOMID_XEN's pages are not.
//! - A dying mapper's references go before its p2m is torn down, so for that short while its
//!   (never again running) p2m may still name frames it no longer holds.
//!
//! [`DomHeap::get_foreign_page`]: xen_mm::heap::DomHeap::get_foreign_page

use alloc::sync::Arc;
use alloc::vec::Vec;

use xen_mm::buddy::{AllocRequest, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::claim_node_from_mem_flags;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_mm::p2m::PAGE_ORDER_4K;
use xen_public::memory::*;
use xen_public::xen::{domid_t, xen_pfn_t};
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// Bits of `cmd` that are the subop (`MEMOP_CMD_MASK`).
pub const MEMOP_CMD_MASK: u64 = (1 << MEMOP_EXTENT_SHIFT) - 1;
/// Where the start extent of a continued call begins in `cmd` (`MEMOP_EXTENT_SHIFT`).
pub const MEMOP_EXTENT_SHIFT: u32 = 6;
/// The largest e820 map a domain may be given (Xen's `E820MAX`).
pub const E820MAX: u32 = 1024;
/// The largest order a domU may allocate in one extent (`CONFIG_DOMU_MAX_ORDER`, x86).
pub const DOMU_MAX_ORDER: u32 = 9;
/// The largest order the control domain may allocate (`CONFIG_CTLDOM_MAX_ORDER`, x86: 18).
pub const CTLDOM_MAX_ORDER: u32 = 18;
/// Xen's `MAX_ORDER` on x86: the bound for PoD extents.
pub const MAX_ORDER: u32 = 20;
const PAGE_SHIFT: u32 = 12;

/// `max_order(current->domain)`.
fn max_order<Fmt: P2mFormat>(d: &Domain<Fmt>) -> u32 {
    if d.is_privileged() {
        CTLDOM_MAX_ORDER
    } else {
        DOMU_MAX_ORDER
    }
}

/// `struct memop_args`: one reservation call's parameters and progress.
struct MemopArgs<Fmt: P2mFormat> {
    domain: Arc<Domain<Fmt>>,
    extent_list: GuestHandle<xen_pfn_t>,
    nr_extents: u64,
    extent_order: u32,
    request: AllocRequest,
    populate_on_demand: bool,
    nr_done: u64,
    preempted: bool,
}

/// Xen's `get_order_from_pages`: the smallest order with 2^order >= `pages`.
fn order_from_pages(pages: u64) -> u32 {
    pages.max(1).next_power_of_two().trailing_zeros()
}

/// `construct_memop_from_reservation` and `propagate_node`: address width and node from
/// `mem_flags`. `None` where Xen fails the call (it then returns `start_extent`).
fn alloc_request<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    caller: &Domain<Fmt>,
    mem_flags: u32,
) -> Option<AllocRequest> {
    let mut request = AllocRequest::default();
    let bits = XENMEMF_get_address_bits(mem_flags);
    if bits != 0 && bits < order_from_pages(hv.max_page) + PAGE_SHIFT {
        if bits <= PAGE_SHIFT {
            return None;
        }
        request.address_bits = Some(bits);
    }
    // No vNUMA: XENMEMF_vnode names no physical node. Otherwise XENMEMF_node(n), honoured for
    // the control domain only; a domU's exact-node request fails (`propagate_node`).
    if mem_flags & XENMEMF_vnode == 0 && (mem_flags >> 8) & 0xff != 0 {
        let node = XENMEMF_get_node(mem_flags);
        let exact = mem_flags & XENMEMF_exact_node_request != 0;
        if caller.is_privileged() {
            if node >= xen_mm::buddy::MAX_NUMNODES as u32 {
                return None;
            }
            request.node = Some(NodeId(node as u8));
            request.exact_node = exact;
        } else if exact {
            return None;
        }
    }
    Some(request)
}

/// XENMEM_* for `call.caller`.
pub fn do_memory_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let cmd = args[0];
    let arg = args[1];
    let op = (cmd & MEMOP_CMD_MASK) as u32;
    let start_extent = cmd >> MEMOP_EXTENT_SHIFT;
    let value = |v: u64| Ok(Outcome::Return(v as i64));
    match op {
        XENMEM_increase_reservation | XENMEM_decrease_reservation | XENMEM_populate_physmap => {
            reservation_op(hv, call, op, start_extent, arg)
        }
        XENMEM_maximum_ram_page => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            value(hv.max_page)
        }
        XENMEM_current_reservation | XENMEM_maximum_reservation | XENMEM_maximum_gpfn => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            let domid: domid_t = guest::read(call.guest, GuestHandle::new(arg))?;
            let d = hv
                .domain_by_any_id(call.caller, domid)
                .ok_or(Errno::ESRCH)?;
            policy::check(XsmAction::Target, call.caller, Some(&d))?;
            value(match op {
                XENMEM_current_reservation => d.mem.tot_pages(),
                XENMEM_maximum_reservation => d.mem.max_pages(),
                // `domain_get_maximum_gpfn`: an HVM domain's `max_mapped_pfn`.
                _ => d.p2m.max_mapped_pfn().unwrap_or(0),
            })
        }
        XENMEM_add_to_physmap => add_to_physmap(hv, call, start_extent, arg, args),
        XENMEM_add_to_physmap_batch => add_to_physmap_batch(hv, call, start_extent, arg),
        XENMEM_remove_from_physmap => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            let xrfp: xen_remove_from_physmap = guest::read(call.guest, GuestHandle::new(arg))?;
            let d = hv
                .domain_by_any_id(call.caller, xrfp.domid)
                .ok_or(Errno::ESRCH)?;
            policy::check(XsmAction::Target, call.caller, Some(&d))?;
            remove_from_physmap(hv, &d, Gfn(xrfp.gpfn))?;
            value(0)
        }
        XENMEM_claim_pages => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            let r: xen_memory_reservation = guest::read(call.guest, GuestHandle::new(arg))?;
            if !r.extent_start.is_null() || r.extent_order != 0 {
                return Err(Errno::EINVAL);
            }
            // Xen 4.17 refuses any mem_flags; the node claim is xen-rs's marked extension.
            let node = claim_node_from_mem_flags(r.mem_flags)?;
            // `rcu_lock_domain_by_id`: DOMID_SELF is not a domain here (-EINVAL, not -ESRCH).
            let d = hv.domains.get(r.domid).ok_or(Errno::EINVAL)?;
            policy::check(XsmAction::Priv, call.caller, Some(&d))?;
            hv.heap.claim_pages(&d.mem, r.nr_extents, node)?;
            value(0)
        }
        XENMEM_memory_map => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            let handle = GuestHandle::<xen_memory_map>::new(arg);
            let mut map = guest::read(call.guest, handle)?;
            let entries = call.caller.state().memory_map.clone();
            if entries.is_empty() {
                // "Backwards compatibility": no map was set.
                return Err(Errno::ENOSYS);
            }
            let n = (map.nr_entries as usize).min(entries.len());
            let bytes: Vec<u8> = entries[..n].iter().flatten().copied().collect();
            call.guest.copy_to_guest(map.buffer.addr(), &bytes)?;
            map.nr_entries = n as u32;
            guest::write(call.guest, handle, &map)?;
            value(0)
        }
        XENMEM_set_memory_map => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            let fmap: xen_foreign_memory_map = guest::read(call.guest, GuestHandle::new(arg))?;
            if fmap.map.nr_entries > E820MAX {
                return Err(Errno::EINVAL);
            }
            let d = hv
                .domain_by_any_id(call.caller, fmap.domid)
                .ok_or(Errno::ESRCH)?;
            policy::check(XsmAction::Target, call.caller, Some(&d))?;
            let bytes = guest::read_bytes(
                call.guest,
                fmap.map.buffer.addr(),
                fmap.map.nr_entries as usize * 20,
            )?;
            let entries = bytes
                .chunks_exact(20)
                .map(|c| {
                    let mut e = [0u8; 20];
                    e.copy_from_slice(c);
                    e
                })
                .collect();
            d.state().memory_map = entries;
            value(0)
        }
        XENMEM_set_pod_target | XENMEM_get_pod_target => {
            if start_extent != 0 {
                return Err(Errno::EINVAL);
            }
            pod_target(hv, call, op, arg)
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// increase_reservation, decrease_reservation, populate_physmap: every failure before the work
/// starts returns `start_extent`, as Xen does.
fn reservation_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    op: u32,
    start_extent: u64,
    arg: u64,
) -> HcResult {
    let give_up = Ok(Outcome::Return(start_extent as i64));
    let Ok(r) = guest::read::<xen_memory_reservation>(call.guest, GuestHandle::new(arg)) else {
        return give_up;
    };
    // Too large to encode a continuation, or nothing left to do.
    if r.nr_extents > u64::from(u32::MAX >> MEMOP_EXTENT_SHIFT) || start_extent >= r.nr_extents {
        return give_up;
    }
    let Some(d) = hv.domain_by_any_id(call.caller, r.domid) else {
        return give_up;
    };
    let Some(request) = alloc_request(hv, call.caller, r.mem_flags) else {
        return give_up;
    };
    if policy::check(XsmAction::Target, call.caller, Some(&d)).is_err() {
        return give_up;
    }
    let mut a = MemopArgs {
        domain: d,
        extent_list: r.extent_start,
        nr_extents: r.nr_extents,
        extent_order: r.extent_order,
        request,
        populate_on_demand: op == XENMEM_populate_physmap
            && r.mem_flags & XENMEMF_populate_on_demand != 0,
        nr_done: start_extent,
        preempted: false,
    };
    match op {
        XENMEM_increase_reservation => increase_reservation(hv, call, &mut a),
        XENMEM_decrease_reservation => decrease_reservation(hv, call, &mut a),
        _ => populate_physmap(hv, call, &mut a),
    }
    if a.preempted {
        let cmd = u64::from(op) | (a.nr_done << MEMOP_EXTENT_SHIFT);
        return Ok(Outcome::Continue([cmd, arg, 0, 0, 0]));
    }
    Ok(Outcome::Return(a.nr_done as i64))
}

/// `increase_reservation`: frames for the domain, not mapped anywhere (a translated domain's
/// extent list gets nothing back).
fn increase_reservation<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    a: &mut MemopArgs<Fmt>,
) {
    if a.extent_order > max_order(call.caller) {
        return;
    }
    let start = a.nr_done;
    for i in start..a.nr_extents {
        if i != start && call.preempt.should_preempt() {
            a.preempted = true;
            return;
        }
        if hv
            .heap
            .alloc_domheap_pages(&a.domain.mem, a.extent_order, &a.request)
            .is_err()
        {
            return;
        }
        a.nr_done = i + 1;
    }
}

/// `populate_physmap`: each extent's gfn read from the list, backed by a new allocation or
/// marked populate-on-demand.
fn populate_physmap<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    a: &mut MemopArgs<Fmt>,
) {
    let limit = if a.populate_on_demand {
        MAX_ORDER
    } else {
        max_order(call.caller)
    };
    if a.extent_order > limit {
        return;
    }
    let d = a.domain.clone();
    let start = a.nr_done;
    for i in start..a.nr_extents {
        if i != start && call.preempt.should_preempt() {
            a.preempted = true;
            return;
        }
        let Ok(gpfn) = guest::read_at(call.guest, a.extent_list, i) else {
            return;
        };
        let Some(gfn) = aligned_gfn(gpfn, a.extent_order) else {
            return;
        };
        if a.populate_on_demand {
            // "Disallow populating PoD pages on oneself."
            if Arc::ptr_eq(&d, call.caller) {
                return;
            }
            let mut p2m = d.p2m.locked();
            // Foreign entries the PoD entries replace: Xen's `p2m_entry_modify` drops their
            // references as the entries go; here they are collected first and put after.
            let foreign = foreign_entries(&p2m, &hv.heap, gfn, a.extent_order);
            if d.pod
                .mark_populate_on_demand(&mut p2m, &hv.heap, gfn, a.extent_order)
                .is_err()
            {
                return;
            }
            for mfn in foreign {
                if hv.heap.put_foreign_page(&d.mem, mfn).is_err() {
                    return;
                }
            }
        } else {
            let Ok(mfn) = hv
                .heap
                .alloc_domheap_pages(&d.mem, a.extent_order, &a.request)
            else {
                return;
            };
            let mut p2m = d.p2m.locked();
            if d.pod
                .physmap_add_page(&mut p2m, &hv.heap, gfn, mfn, a.extent_order, P2mType::RamRw)
                .is_err()
            {
                // Xen ignores guest_physmap_add_page's result; here the frames go back rather
                // than stay allocated but unmapped.
                drop(p2m);
                let _ = hv.heap.free_domheap_pages(&d.mem, mfn, a.extent_order);
                return;
            }
        }
        a.nr_done = i + 1;
    }
}

/// The frames of the foreign entries among 2^order gfns from `gfn`.
fn foreign_entries<F: FrameAccess, Fmt: P2mFormat>(
    p2m: &xen_mm::p2m::P2mLocked<'_, Fmt>,
    heap: &xen_mm::heap::DomHeap<F>,
    gfn: Gfn,
    order: u32,
) -> Vec<Mfn> {
    let mut found = Vec::new();
    let mut i = 0u64;
    while i < 1u64 << order {
        let entry = p2m.get_entry(heap, gfn + i);
        if entry.p2mt.is_foreign() {
            found.extend(entry.mfn);
        }
        // The rest of the leaf (or empty slot) the lookup landed in has the same type.
        let n = 1u64 << entry.order;
        i += n - ((gfn.0 + i) & (n - 1));
    }
    found
}

/// A gfn for an extent of `order`: Xen's p2m code needs it aligned and inside the address
/// space; `None` fails the extent.
fn aligned_gfn(gpfn: u64, order: u32) -> Option<Gfn> {
    let size = 1u64.checked_shl(order)?;
    (gpfn.is_multiple_of(size) && gpfn.checked_add(size)? <= 1 << 36).then_some(Gfn(gpfn))
}

/// `decrease_reservation`: PoD handles what it can (`p2m_pod_decrease_reservation`); the rest
/// is freed frame by frame (`guest_remove_page`), stopping at the first frame that cannot be.
fn decrease_reservation<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    a: &mut MemopArgs<Fmt>,
) {
    if a.extent_order > max_order(call.caller) {
        return;
    }
    let d = a.domain.clone();
    let start = a.nr_done;
    for i in start..a.nr_extents {
        if i != start && call.preempt.should_preempt() {
            a.preempted = true;
            return;
        }
        let Ok(gpfn) = guest::read_at(call.guest, a.extent_list, i) else {
            return;
        };
        let Some(gfn) = aligned_gfn(gpfn, a.extent_order) else {
            return;
        };
        let nr = 1u64 << a.extent_order;
        // Entries PoD turns invalid: guest_remove_page then finds them gone (-ENOENT), and
        // exactly that many such failures are expected.
        let (all_done, mut pod_done) = {
            let mut p2m = d.p2m.locked();
            let pod_before = (0..nr)
                .filter(|&j| p2m.get_entry(&hv.heap, gfn + j).p2mt == P2mType::PopulateOnDemand)
                .count() as u64;
            match d
                .pod
                .decrease_reservation(&mut p2m, &hv.heap, &d.mem, gfn, a.extent_order)
            {
                Ok(all) => (all, pod_before),
                Err(_) => return,
            }
        };
        if all_done {
            a.nr_done = i + 1;
            continue;
        }
        for j in 0..nr {
            match guest_remove_page(hv, &d, gfn + j) {
                Ok(()) => {}
                Err(Errno::ENOENT) if pod_done > 0 => pod_done -= 1,
                Err(_) => return,
            }
        }
        a.nr_done = i + 1;
    }
}

/// `guest_remove_page` for a translated domain: unmaps the gfn and frees its frame. `ENOENT`
/// when nothing is mapped there, `ENXIO` for a foreign or grant entry (a frame the domain does
/// not own), `EINVAL` for another entry without a frame of the domain's.
pub fn guest_remove_page<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    gfn: Gfn,
) -> Result<(), Errno> {
    let mut p2m = d.p2m.locked();
    let found = p2m.get_entry(&hv.heap, gfn);
    if matches!(found.p2mt, P2mType::Invalid | P2mType::MmioDm) {
        return Err(Errno::ENOENT);
    }
    if found.p2mt.is_foreign() || found.p2mt.is_grant() {
        // `get_page_from_mfn(mfn, d)` fails for a page `d` does not own: "Bad page free".
        return Err(Errno(xen_public::errno::XEN_ENXIO));
    }
    let Some(mfn) = found.mfn.filter(|_| found.p2mt.is_ram()) else {
        return Err(Errno::EINVAL);
    };
    if !owned_by(hv, d, mfn) {
        // Not a page of the domain's own (the shared_info page): just unhooked.
        return p2m.set_entry(
            &hv.heap,
            gfn,
            None,
            PAGE_ORDER_4K,
            P2mType::Invalid,
            P2mAccess::N,
        );
    }
    p2m.set_entry(
        &hv.heap,
        gfn,
        None,
        PAGE_ORDER_4K,
        P2mType::Invalid,
        P2mAccess::N,
    )?;
    drop(p2m);
    hv.heap.free_domheap_pages(&d.mem, mfn, 0)
}

fn owned_by<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    mfn: Mfn,
) -> bool {
    hv.heap.with_buddy(|b| b.owner(mfn) == Some(d.domid()))
}

/// XENMEM_remove_from_physmap: the frame at `gfn` (populated first if it is PoD, as
/// `get_page_from_gfn(..., P2M_ALLOC)`) is unmapped and stays the domain's; `ENOENT` if there is
/// no frame.
fn remove_from_physmap<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Arc<Domain<Fmt>>,
    gfn: Gfn,
) -> Result<(), Errno> {
    {
        // A foreign frame (`get_page_from_gfn` takes its owner's reference, then
        // `guest_physmap_remove_page` -> `p2m_entry_modify` drops the mapping's): unmapped, and
        // the reference `p2m_add_foreign` took goes, under the p2m lock so that the entries and
        // the references always agree.
        let mut p2m = d.p2m.locked();
        let found = p2m.get_entry(&hv.heap, gfn);
        if found.p2mt == P2mType::MapForeign {
            let mfn = found.mfn.ok_or(Errno::EINVAL)?;
            p2m.set_entry(
                &hv.heap,
                gfn,
                None,
                PAGE_ORDER_4K,
                P2mType::Invalid,
                P2mAccess::N,
            )?;
            return hv.heap.put_foreign_page(&d.mem, mfn);
        }
    }
    let found = d.get_entry_alloc(&hv.heap, gfn);
    let Some(mfn) = found.mfn.filter(|_| found.p2mt.is_ram()) else {
        return Err(Errno::ENOENT);
    };
    let mut p2m = d.p2m.locked();
    if p2m.get_entry(&hv.heap, gfn).mfn != Some(mfn) {
        return Err(Errno::ENOENT);
    }
    p2m.set_entry(
        &hv.heap,
        gfn,
        None,
        PAGE_ORDER_4K,
        P2mType::Invalid,
        P2mAccess::N,
    )?;
    drop(p2m);
    let mut st = d.state();
    if st.shared_info_gfn == Some(gfn) {
        st.shared_info_gfn = None;
    }
    Ok(())
}

/// XENMEM_add_to_physmap (`xenmem_add_to_physmap`, x86 `xenmem_add_to_physmap_one`).
fn add_to_physmap<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    start_extent: u64,
    arg: u64,
    args: [u64; 5],
) -> HcResult {
    // `start_extent != (typeof(xatp.size))start_extent`.
    let Ok(start) = u16::try_from(start_extent) else {
        return Err(Errno(xen_public::errno::XEN_EDOM));
    };
    let xatp: xen_add_to_physmap = guest::read(call.guest, GuestHandle::new(arg))?;
    if xatp.space == XENMAPSPACE_gmfn_foreign {
        return Err(Errno::ENOSYS);
    }
    let d = hv
        .domain_by_any_id(call.caller, xatp.domid)
        .ok_or(Errno::ESRCH)?;
    // `xatp_permission_check`: dev_mmio only for the hardware domain on itself.
    if xatp.space == XENMAPSPACE_dev_mmio
        && !(call.caller.is_privileged() && Arc::ptr_eq(&d, call.caller))
    {
        return Err(Errno::EACCES);
    }
    policy::check(XsmAction::Target, call.caller, Some(&d))?;
    if xatp.space != XENMAPSPACE_gmfn_range {
        add_to_physmap_one(hv, &d, xatp.space, xatp.idx, Gfn(xatp.gpfn))?;
        return Ok(Outcome::Return(0));
    }
    if xatp.size < start {
        return Err(Errno(xen_public::errno::XEN_EILSEQ));
    }
    let size = u64::from(xatp.size - start);
    let mut done = 0u64;
    while size > done {
        let idx = xatp.idx.wrapping_add(u64::from(start) + done);
        let gpfn = xatp.gpfn.wrapping_add(u64::from(start) + done);
        add_to_physmap_one(hv, &d, xatp.space, idx, Gfn(gpfn))?;
        done += 1;
        if size > done && call.preempt.should_preempt() {
            let cmd = u64::from(XENMEM_add_to_physmap)
                | ((u64::from(start) + done) << MEMOP_EXTENT_SHIFT);
            return Ok(Outcome::Continue([cmd, args[1], 0, 0, 0]));
        }
    }
    Ok(Outcome::Return(0))
}

/// XENMEM_add_to_physmap_batch (memory.c `do_memory_op` and `xenmem_add_to_physmap_batch`, Xen
/// 4.17): `start_extent` must fit the 16-bit `size` (`-EDOM`); gmfn_range is not a batch space
/// (`-EOPNOTSUPP`); the domain must exist (`-ESRCH`) and pass `xatp_permission_check`. Then
/// each entry from `start_extent` on is mapped and its result written to `errs[i]`: a failed
/// entry does not stop the batch, a failed copy does (`-EFAULT`). Preemption is checked after
/// every entry but the last; the continuation carries `start + done` in the command. 0 at the
/// end.
fn add_to_physmap_batch<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    start_extent: u64,
    arg: u64,
) -> HcResult {
    // `start_extent != (typeof(xatpb.size))start_extent`.
    let Ok(start) = u16::try_from(start_extent) else {
        return Err(Errno(xen_public::errno::XEN_EDOM));
    };
    let xatpb: xen_add_to_physmap_batch = guest::read(call.guest, GuestHandle::new(arg))?;
    if u32::from(xatpb.space) == XENMAPSPACE_gmfn_range {
        return Err(Errno::EOPNOTSUPP);
    }
    let d = hv
        .domain_by_any_id(call.caller, xatpb.domid)
        .ok_or(Errno::ESRCH)?;
    xatp_permission_check(call.caller, &d, u32::from(xatpb.space))?;
    // xenmem_add_to_physmap_batch.
    let size = xatpb.size;
    if size < start {
        return Err(Errno(xen_public::errno::XEN_EILSEQ));
    }
    if size == start {
        return if start != 0 {
            Err(Errno(xen_public::errno::XEN_EILSEQ))
        } else {
            Ok(Outcome::Return(0))
        };
    }
    // (`guest_handle_subrange_okay` always passes for a translated caller: each copy is checked.)
    let space = u32::from(xatpb.space);
    // The union: the foreign domain for gmfn_foreign; for dev_mmio `res0`, reserved.
    if space == XENMAPSPACE_dev_mmio && xatpb.u != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    let mut extent = u64::from(start);
    let size = u64::from(size);
    while size > extent {
        let idx: u64 = guest::read_at(call.guest, xatpb.idxs, extent)?;
        let gpfn: xen_pfn_t = guest::read_at(call.guest, xatpb.gpfns, extent)?;
        let rc = if space == XENMAPSPACE_gmfn_foreign {
            p2m_add_foreign(hv, call.caller, &d, idx, Gfn(gpfn), xatpb.u)
        } else {
            add_to_physmap_one(hv, &d, space, idx, Gfn(gpfn))
        };
        let rc: i32 = match rc {
            Ok(()) => 0,
            Err(e) => e.0.wrapping_neg(),
        };
        guest::write_at(call.guest, xatpb.errs, extent, &rc)?;
        extent += 1;
        // Check for continuation if it's not the last iteration.
        if size > extent && call.preempt.should_preempt() {
            let cmd = continuation_cmd(XENMEM_add_to_physmap_batch, extent);
            return Ok(Outcome::Continue([cmd, arg, 0, 0, 0]));
        }
    }
    Ok(Outcome::Return(0))
}

/// memory.c `xatp_permission_check`: dev_mmio only for the hardware domain on itself
/// (`-EACCES`), then XSM_TARGET of the caller on `d`.
fn xatp_permission_check<Fmt: P2mFormat>(
    caller: &Arc<Domain<Fmt>>,
    d: &Arc<Domain<Fmt>>,
    space: u32,
) -> Result<(), Errno> {
    if space == XENMAPSPACE_dev_mmio && !(caller.is_privileged() && Arc::ptr_eq(d, caller)) {
        return Err(Errno::EACCES);
    }
    policy::check(XsmAction::Target, caller, Some(d))
}

/// x86 `p2m_add_foreign` (xen/arch/x86/mm/p2m.c, as in Xen 4.17 and upstream): maps frame
/// `fgfn` of domain `foreigndom` at `gpfn` of `tdom` as `p2m_map_foreign`, keeping a reference
/// on the frame while it is mapped.
///
/// - `arch_acquire_resource_check(tdom)`: true here, xen-rs has neither altp2m nor nested p2ms;
/// - `rcu_lock_remote_domain_by_id(foreigndom)`: no such domain (DOMID_SELF is none) `-ESRCH`;
///   the caller itself `-EPERM`; then `tdom == fdom` `-EINVAL`;
/// - `xsm_map_gmfn_foreign(XSM_TARGET, tdom, fdom)`: `-EPERM` unless `tdom` is privileged or
///   `fdom`'s device model;
/// - `get_page_from_gfn(fdom, fgfn, &p2mt, P2M_ALLOC)` (PoD populated first): `-EINVAL` unless
///   `fgfn` is RAM (not shared) of a frame `fdom` owns (xen-rs: its shared_info page is not
///   one, see the module notes). Every frame-backed non-RAM entry (foreign, grant) names a
///   frame `fdom` does not own, so the ownership check refuses it as well;
/// - what was at `gpfn` is removed first: the domain's memory is freed (`guest_remove_page`), a
///   special page unhooked; a foreign frame already there is refused as `guest_remove_page`
///   refuses it (`get_page_from_mfn(mfn, tdom)` fails: `-ENXIO`) and stays mapped.
///
/// The reference is dropped by XENMEM_remove_from_physmap and when `tdom` is relinquished
/// (upstream's `relinquish_p2m_mapping`; here [`DomHeap::relinquish_memory`]).
///
/// [`DomHeap::relinquish_memory`]: xen_mm::heap::DomHeap::relinquish_memory
fn p2m_add_foreign<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    caller: &Arc<Domain<Fmt>>,
    tdom: &Arc<Domain<Fmt>>,
    fgfn: u64,
    gpfn: Gfn,
    foreigndom: domid_t,
) -> Result<(), Errno> {
    // rcu_lock_remote_domain_by_id. (DOMID_XEN's xenheap pages are not mappable: no dom_xen.)
    let fdom = hv.domains.get(foreigndom).ok_or(Errno::ESRCH)?;
    if Arc::ptr_eq(&fdom, caller) {
        return Err(Errno::EPERM);
    }
    if Arc::ptr_eq(&fdom, tdom) {
        return Err(Errno::EINVAL);
    }
    policy::check(XsmAction::Target, tdom, Some(&fdom))?;
    // get_page_from_gfn(fdom, fgfn, &p2mt, P2M_ALLOC).
    if fgfn > fdom.p2m.max_gfn() {
        return Err(Errno::EINVAL);
    }
    fdom.get_entry_alloc(&hv.heap, Gfn(fgfn));
    let mfn = {
        // Under fdom's p2m lock: the frame cannot leave fgfn while the reference is taken.
        let p2m = fdom.p2m.locked();
        let found = p2m.get_entry(&hv.heap, Gfn(fgfn));
        let mfn = found
            .mfn
            .filter(|_| found.p2mt.is_ram() && !found.p2mt.is_shared() && !found.p2mt.is_hole())
            .ok_or(Errno::EINVAL)?;
        hv.heap.get_foreign_page(&tdom.mem, &fdom.mem, mfn)?;
        mfn
    };
    let mapped = map_foreign_at(hv, tdom, gpfn, mfn);
    if mapped.is_err() {
        // put_page(page): the mapping was not made.
        hv.heap.put_foreign_page(&tdom.mem, mfn)?;
    }
    mapped
}

/// The second half of `p2m_add_foreign`: removes what `gpfn` of `tdom` maps, then maps `mfn`
/// there as `p2m_map_foreign` (`set_foreign_p2m_entry`).
fn map_foreign_at<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    tdom: &Arc<Domain<Fmt>>,
    gpfn: Gfn,
    mfn: Mfn,
) -> Result<(), Errno> {
    if gpfn.0 > tdom.p2m.max_gfn() {
        return Err(Errno::EINVAL);
    }
    let prev = tdom.p2m.get_entry(&hv.heap, gpfn);
    // A foreign or grant entry is refused here (-ENXIO) and stays.
    match guest_remove_page(hv, tdom, gpfn) {
        Ok(()) | Err(Errno::ENOENT) => {}
        // A PoD entry has no frame: physmap_add_page takes it out of entry_count.
        Err(_) if prev.p2mt == P2mType::PopulateOnDemand => {}
        Err(e) => return Err(e),
    }
    let mut p2m = tdom.p2m.locked();
    tdom.pod
        .physmap_add_page(&mut p2m, &hv.heap, gpfn, mfn, 0, P2mType::MapForeign)?;
    drop(p2m);
    let mut st = tdom.state();
    if st.shared_info_gfn == Some(gpfn) {
        st.shared_info_gfn = None;
    }
    Ok(())
}

/// One frame of XENMEM_add_to_physmap: `space` is shared_info (idx 0) or gmfn (idx is the gfn
/// whose frame moves to `gpfn`). Whatever `gpfn` mapped before is removed first (freed if it
/// was the domain's memory); the frame leaves its old gfn.
fn add_to_physmap_one<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Arc<Domain<Fmt>>,
    space: u32,
    idx: u64,
    gpfn: Gfn,
) -> Result<(), Errno> {
    if gpfn.0 > d.p2m.max_gfn() {
        return Err(Errno::EINVAL);
    }
    let (mfn, old_gfn) = match space {
        XENMAPSPACE_shared_info => {
            if idx != 0 {
                return Err(Errno::EINVAL);
            }
            (d.shared_info, d.state().shared_info_gfn)
        }
        XENMAPSPACE_gmfn | XENMAPSPACE_gmfn_range => {
            if idx > d.p2m.max_gfn() {
                return Err(Errno::EINVAL);
            }
            // get_page_from_mfn(mfn, d): a frame of the domain's, whatever the entry's type;
            // the shared_info page is one too in Xen (a xenheap page shared with the domain).
            let found = d.p2m.get_entry(&hv.heap, Gfn(idx));
            match found
                .mfn
                .filter(|&m| owned_by(hv, d, m) || m == d.shared_info)
            {
                Some(mfn) => (mfn, Some(Gfn(idx))),
                None => return Err(Errno::EINVAL),
            }
        }
        // Grant tables and device MMIO need machinery xen-rs does not have yet (foreign frames
        // go through `p2m_add_foreign`).
        _ => return Err(Errno::EOPNOTSUPP),
    };
    if old_gfn == Some(gpfn) {
        return Ok(());
    }
    // Remove what was at gpfn: the domain's memory is freed, special pages are unhooked.
    match guest_remove_page(hv, d, gpfn) {
        Ok(()) | Err(Errno::ENOENT) => {}
        Err(e) => {
            // A PoD entry: no frame, but it must leave entry_count when replaced (below).
            if d.p2m.get_entry(&hv.heap, gpfn).p2mt != P2mType::PopulateOnDemand {
                return Err(e);
            }
        }
    }
    let mut p2m = d.p2m.locked();
    if let Some(old) = old_gfn {
        if p2m.get_entry(&hv.heap, old).mfn == Some(mfn) {
            p2m.set_entry(
                &hv.heap,
                old,
                None,
                PAGE_ORDER_4K,
                P2mType::Invalid,
                P2mAccess::N,
            )?;
        }
    }
    d.pod
        .physmap_add_page(&mut p2m, &hv.heap, gpfn, mfn, 0, P2mType::RamRw)?;
    drop(p2m);
    if mfn == d.shared_info {
        d.state().shared_info_gfn = Some(gpfn);
    }
    Ok(())
}

/// XENMEM_set_pod_target / XENMEM_get_pod_target (x86 `arch_memory_op`): both for the control
/// domain only; setting is preemptible (`ERESTART` re-issues the call).
fn pod_target<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    op: u32,
    arg: u64,
) -> HcResult {
    let handle = GuestHandle::<xen_pod_target>::new(arg);
    let mut target = guest::read(call.guest, handle)?;
    let d = hv
        .domain_by_any_id(call.caller, target.domid)
        .ok_or(Errno::ESRCH)?;
    policy::check(XsmAction::Priv, call.caller, Some(&d))?;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    if op == XENMEM_set_pod_target {
        if target.target_pages > d.mem.max_pages() {
            return Err(Errno::EINVAL);
        }
        let preempt = &mut *call.preempt;
        d.pod
            .set_mem_target(&hv.heap, &d.mem, target.target_pages, || {
                preempt.should_preempt()
            })?;
    }
    let now = d.pod.get_mem_target(&d.mem);
    target.tot_pages = now.tot_pages;
    target.pod_cache_pages = now.pod_cache_pages;
    target.pod_entries = now.pod_entries;
    guest::write(call.guest, handle, &target)?;
    Ok(Outcome::Return(0))
}

/// The command that continues `op` from extent `done` (for tests and the fuzzer).
pub fn continuation_cmd(op: u32, done: u64) -> u64 {
    u64::from(op) | (done << MEMOP_EXTENT_SHIFT)
}
