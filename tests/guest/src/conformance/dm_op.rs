//! dm_op and ioreq-server memory types: xen/arch/x86/hvm/dm.c `dm_op`
//! (create/destroy_ioreq_server, map_mem_type_to_ioreq_server, set_mem_type),
//! xen/common/ioreq.c `ioreq_server_create`, xen/arch/x86/mm/p2m.c
//! `p2m_set_ioreq_server`, xen/arch/x86/hvm/hvm.c `hvmop_get_mem_type`, and log-dirty
//! refused while ioreq_server entries exist (xen/arch/x86/mm/hap/hap.c `hap_enable_log_dirty`,
//! reached through XEN_DOMCTL_shadow_op).

use xen_public::domctl::{
    xen_domctl_shadow_op, XEN_DOMCTL_shadow_op, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY,
    XEN_DOMCTL_SHADOW_OP_OFF,
};
use xen_public::hvm::dm_op::{
    xen_dm_op, xen_dm_op_buf, xen_dm_op_create_ioreq_server, xen_dm_op_destroy_ioreq_server,
    xen_dm_op_map_mem_type_to_ioreq_server, xen_dm_op_set_mem_type, XEN_DMOP_create_ioreq_server,
    XEN_DMOP_destroy_ioreq_server, XEN_DMOP_map_mem_type_to_ioreq_server, XEN_DMOP_set_mem_type,
    XEN_DMOP_IOREQ_MEM_ACCESS_READ, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
};
use xen_public::hvm::hvm_op::{
    xen_hvm_get_mem_type, HVMMEM_ioreq_server, HVMMEM_ram_ro, HVMMEM_ram_rw, HVMOP_get_mem_type,
};
use xen_public::xen::{__HYPERVISOR_dm_op, __HYPERVISOR_hvm_op, DOMID_SELF};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use super::{create_pvh, destroy, reservation, Rc};
use crate::case;
use crate::hypercall::hypercall;
use crate::raw;
use xen_public::abi::Payload;
use xen_public::memory::XENMEM_populate_physmap;

/// dm_op(domid, 1 buffer) with `payload` as the union member; the struct as Xen left it.
fn dm_op<T: IntoBytes + Immutable>(domid: u16, op: u32, payload: &T) -> (i64, xen_dm_op) {
    let mut call = xen_dm_op {
        op,
        ..Default::default()
    };
    call.set(payload);
    let mut buf = xen_dm_op_buf {
        h: GuestHandle::new((&raw mut call) as u64),
        size: core::mem::size_of::<xen_dm_op>() as u64,
    };
    // SAFETY: Xen reads the buffer descriptor and reads/writes the xen_dm_op, both on our stack.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_dm_op,
            [u64::from(domid), 1, (&raw mut buf) as u64, 0, 0],
        )
    };
    (rc, call)
}

fn out<T: FromBytes + KnownLayout + Immutable + Default>(call: &xen_dm_op) -> T {
    call.get().unwrap_or_default()
}

fn create_server(domid: u16) -> (i64, u16) {
    let (rc, call) = dm_op(
        domid,
        XEN_DMOP_create_ioreq_server,
        &xen_dm_op_create_ioreq_server::default(),
    );
    (rc, out::<xen_dm_op_create_ioreq_server>(&call).id)
}

fn map_type(domid: u16, id: u16, mem_type: u32, flags: u32) -> i64 {
    let arg = xen_dm_op_map_mem_type_to_ioreq_server {
        id,
        r#type: mem_type as u16,
        flags,
        opaque: 0,
    };
    dm_op(domid, XEN_DMOP_map_mem_type_to_ioreq_server, &arg).0
}

fn set_mem_type(domid: u16, first_pfn: u64, nr: u32, mem_type: u32) -> i64 {
    let arg = xen_dm_op_set_mem_type {
        nr,
        mem_type: mem_type as u16,
        pad: 0,
        first_pfn,
    };
    dm_op(domid, XEN_DMOP_set_mem_type, &arg).0
}

fn destroy_server(domid: u16, id: u16) -> i64 {
    let arg = xen_dm_op_destroy_ioreq_server { id, pad: 0 };
    dm_op(domid, XEN_DMOP_destroy_ioreq_server, &arg).0
}

/// HVMOP_get_mem_type of one gfn: (rc, HVMMEM_* type).
fn get_mem_type(domid: u16, pfn: u64) -> (i64, u16) {
    let mut arg = xen_hvm_get_mem_type {
        domid,
        pfn,
        ..Default::default()
    };
    // SAFETY: Xen reads and writes the 16-byte struct on our stack.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_hvm_op,
            [
                u64::from(HVMOP_get_mem_type),
                (&raw mut arg) as u64,
                0,
                0,
                0,
            ],
        )
    };
    (rc, arg.mem_type)
}

/// XEN_DOMCTL_shadow_op with `op` (log-dirty on or off).
fn shadow_op(domid: u16, op: u32) -> i64 {
    let arg = xen_domctl_shadow_op {
        op,
        ..Default::default()
    };
    raw::domctl(XEN_DOMCTL_shadow_op, domid, &arg)
}

pub fn run() {
    // dm_op: the caller's own domain is not a remote domain (rcu_lock_remote_domain_by_id).
    let (rc, _) = create_server(DOMID_SELF);
    case!("dm_op.self", "rc {}", Rc(rc));

    // max_mem 8 MiB; 4 MiB populated from gfn 0.
    let Some(domid) = create_pvh(8192) else {
        return;
    };
    let mut gfns = [0u64, 0x200];
    let pop = reservation(XENMEM_populate_physmap, domid, &mut gfns, 9, 0);

    // dm_op: an unknown operation.
    let (bad, _) = dm_op(domid, 99, &());
    case!("dm_op.bad_op", "populate {}, rc {}", Rc(pop), Rc(bad));

    // ioreq_server_create: two servers.
    let (rc_a, a) = create_server(domid);
    let (rc_b, b) = create_server(domid);
    case!(
        "dm_op.create_ioreq_server",
        "first {}, second {}, ids differ {}",
        Rc(rc_a),
        Rc(rc_b),
        a != b
    );

    // p2m_set_ioreq_server / dm.c: only HVMMEM_ioreq_server, only write access, a known id.
    let wrong_type = map_type(domid, a, HVMMEM_ram_rw, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE);
    let read = map_type(
        domid,
        a,
        HVMMEM_ioreq_server,
        XEN_DMOP_IOREQ_MEM_ACCESS_READ | XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
    );
    let unknown = map_type(
        domid,
        77,
        HVMMEM_ioreq_server,
        XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
    );
    case!(
        "dm_op.map_mem_type.bad_args",
        "type ram_rw {}, read access {}, unknown id {}",
        Rc(wrong_type),
        Rc(read),
        Rc(unknown)
    );

    // set_mem_type to ioreq_server with no server mapped.
    let early = set_mem_type(domid, 0x10, 4, HVMMEM_ioreq_server);
    case!("dm_op.set_mem_type.ioreq_unmapped", "rc {}", Rc(early));

    // p2m_set_ioreq_server: the first server takes the type; a second one is refused.
    let map_a = map_type(
        domid,
        a,
        HVMMEM_ioreq_server,
        XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
    );
    let map_b = map_type(
        domid,
        b,
        HVMMEM_ioreq_server,
        XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
    );
    case!(
        "dm_op.map_mem_type",
        "first {}, second {}",
        Rc(map_a),
        Rc(map_b)
    );

    // set_mem_type transitions: ram_rw -> ioreq_server, ioreq_server -> ram_ro (refused).
    let to_ioreq = set_mem_type(domid, 0x10, 4, HVMMEM_ioreq_server);
    let (get_rc, t) = get_mem_type(domid, 0x11);
    let to_ro = set_mem_type(domid, 0x10, 1, HVMMEM_ram_ro);
    case!(
        "dm_op.set_mem_type.to_ioreq_server",
        "rc {}, get_mem_type {} type {t}, ioreq_server to ram_ro {}",
        Rc(to_ioreq),
        Rc(get_rc),
        Rc(to_ro)
    );

    // Log-dirty while ioreq_server entries exist -> -EBUSY.
    let busy = shadow_op(domid, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY);
    case!("dm_op.logdirty_with_ioreq_entries", "rc {}", Rc(busy));
    if busy == 0 {
        shadow_op(domid, XEN_DOMCTL_SHADOW_OP_OFF);
    }

    // Unmapping a server that is not the mapped one -> -EINVAL; the mapped one -> 0, and the
    // remaining ioreq_server entries go back to ram_rw.
    let unmap_b = map_type(domid, b, HVMMEM_ioreq_server, 0);
    let unmap_a = map_type(domid, a, HVMMEM_ioreq_server, 0);
    let (_, t) = get_mem_type(domid, 0x11);
    case!(
        "dm_op.unmap_mem_type",
        "other server {}, mapped server {}, type after {t}",
        Rc(unmap_b),
        Rc(unmap_a)
    );

    // Log-dirty once no ioreq_server entry is left.
    let on = shadow_op(domid, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY);
    let off = shadow_op(domid, XEN_DOMCTL_SHADOW_OP_OFF);
    case!(
        "dm_op.logdirty_after_unmap",
        "enable {}, off {}",
        Rc(on),
        Rc(off)
    );

    // ioreq_server_destroy: each once; an unknown id -> -ENOENT.
    let da = destroy_server(domid, a);
    let db = destroy_server(domid, b);
    let again = destroy_server(domid, a);
    case!(
        "dm_op.destroy_ioreq_server",
        "first {}, second {}, again {}",
        Rc(da),
        Rc(db),
        Rc(again)
    );
    destroy(domid);
}
