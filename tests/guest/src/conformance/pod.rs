//! Populate-on-demand: populate_physmap with XENMEMF_populate_on_demand
//! (xen/common/memory.c `populate_physmap`, xen/arch/x86/mm/p2m-pod.c
//! `guest_physmap_mark_populate_on_demand`) and XENMEM_set/get_pod_target
//! (xen/arch/x86/mm.c `arch_memory_op`, p2m-pod.c `p2m_pod_set_mem_target`).

use xen_public::memory::{
    xen_pod_target, XENMEMF_populate_on_demand, XENMEM_get_pod_target, XENMEM_populate_physmap,
    XENMEM_set_pod_target,
};

use super::{create_pvh, destroy, rel, reservation, settled_free, Rc};
use crate::case;
use crate::raw::memory_op;

fn pod_target(cmd: u32, domid: u16, target: u64) -> (i64, xen_pod_target) {
    let mut t = xen_pod_target {
        target_pages: target,
        domid,
        ..Default::default()
    };
    let rc = memory_op(cmd, (&raw mut t) as u64);
    (rc, t)
}

pub fn run() {
    let free_before = settled_free();
    // max_mem 8 MiB: max_pages 2048.
    let Some(domid) = create_pvh(8192) else {
        return;
    };

    // guest_physmap_mark_populate_on_demand: two 2M extents become PoD entries, no memory.
    let mut gfns = [0u64, 0x200];
    let rc = reservation(
        XENMEM_populate_physmap,
        domid,
        &mut gfns,
        9,
        XENMEMF_populate_on_demand,
    );
    let (get, t) = pod_target(XENMEM_get_pod_target, domid, 0);
    case!(
        "pod.populate_on_demand",
        "rc {}, get {}, tot_pages {}, pod_cache_pages {}, pod_entries {}",
        Rc(rc),
        Rc(get),
        t.tot_pages,
        t.pod_cache_pages,
        t.pod_entries
    );

    // p2m_pod_set_mem_target: a target of 512 pages fills the cache with 512 pages.
    let (set, _) = pod_target(XENMEM_set_pod_target, domid, 512);
    let (get, t) = pod_target(XENMEM_get_pod_target, domid, 0);
    case!(
        "pod.set_target",
        "rc {}, get {}, tot_pages {}, pod_cache_pages {}, pod_entries {}",
        Rc(set),
        Rc(get),
        t.tot_pages,
        t.pod_cache_pages,
        t.pod_entries
    );

    // p2m_pod_set_mem_target: lowering the target gives cache pages back.
    let (set, _) = pod_target(XENMEM_set_pod_target, domid, 256);
    let (_, t) = pod_target(XENMEM_get_pod_target, domid, 0);
    case!(
        "pod.lower_target",
        "rc {}, tot_pages {}, pod_cache_pages {}, pod_entries {}",
        Rc(set),
        t.tot_pages,
        t.pod_cache_pages,
        t.pod_entries
    );

    // arch_memory_op, XENMEM_set_pod_target: a target above max_pages -> -EINVAL.
    let (set, _) = pod_target(XENMEM_set_pod_target, domid, 4096);
    case!("pod.target_above_max", "rc {}", Rc(set));

    // arch_memory_op: set/get_pod_target of a domain that does not exist -> -ESRCH.
    let (get, _) = pod_target(XENMEM_get_pod_target, 0x7000, 0);
    case!("pod.get_target.no_domain", "rc {}", Rc(get));

    // p2m_pod_empty_cache on domain_kill: the cache goes back to the heap.
    let rc = destroy(domid);
    case!(
        "pod.destroy",
        "rc {}, free_after {} free_before",
        Rc(rc),
        rel(settled_free(), free_before)
    );
}
