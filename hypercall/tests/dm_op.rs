//! XEN_DMOP_* against Xen 4.17's rules (xen/common/dm.c, xen/arch/x86/hvm/dm.c,
//! xen/common/ioreq.c, and the p2m side in xen-mm). A domU is the target, dom0 the device model.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::{Outcome, PreemptAfter};
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_mm::frame::Gfn;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_public::domctl::XEN_DOMCTL_CDF_hvm;
use xen_public::hvm::dm_op::*;
use xen_public::hvm::hvm_op::*;
use xen_public::xen::{__HYPERVISOR_dm_op, DOMID_SELF};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes};

/// The buffer array.
const BUFS: u64 = GUEST_BASE;
/// Buffer 0: the xen_dm_op.
const OP: u64 = GUEST_BASE + 0x100;
/// Buffer 1 (modified_memory's extents).
const EXTENTS: u64 = GUEST_BASE + 0x1000;

struct Env {
    hv: TestHv,
    dom0: Arc<TestDomain>,
    domu: Arc<TestDomain>,
    g: FlatGuest,
}

/// dom0 and a PVH domU with `ram` frames of RAM at gfns 0..ram.
fn setup(ram: u64) -> Env {
    let (hv, dom0) = common::hypervisor(4096);
    let domu = hv
        .create_domain(None, common::pvh_config(false))
        .expect("domU");
    domu.mem.set_max_pages(ram);
    for gfn in 0..ram {
        let mfn = hv
            .heap
            .alloc_domheap_pages(&domu.mem, 0, &Default::default())
            .expect("a frame");
        domu.p2m
            .set_entry(
                &hv.heap,
                Gfn(gfn),
                Some(mfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .expect("mapped");
    }
    Env {
        hv,
        dom0,
        domu,
        g: common::guest(),
    }
}

fn rc(o: Outcome) -> i64 {
    match o {
        Outcome::Return(v) => v,
        Outcome::Continue(_) => panic!("an unexpected continuation"),
    }
}

fn err(e: Errno) -> i64 {
    e.negated()
}

fn put_bufs(g: &mut FlatGuest, bufs: &[(u64, u64)]) {
    for (i, &(addr, size)) in bufs.iter().enumerate() {
        let b = xen_dm_op_buf {
            h: GuestHandle::new(addr),
            size,
        };
        g.put(BUFS + 16 * i as u64, &b);
    }
}

/// Puts op `op` with `body` in buffer 0 and returns buffer 0's size.
fn put_op<T: IntoBytes + Immutable>(g: &mut FlatGuest, op: u32, body: &T) -> u64 {
    g.put(OP, &[op, 0u32]);
    g.put(OP + 8, body);
    8 + std::mem::size_of::<T>() as u64
}

fn args(domid: u16, nr_bufs: u64) -> [u64; 5] {
    [domid.into(), nr_bufs, BUFS, 0, 0]
}

impl Env {
    /// Issues op `op` with `body` as `caller` on `domid`, one buffer, never preempted.
    fn dmop_as<T: IntoBytes + Immutable>(
        &mut self,
        caller: &Arc<TestDomain>,
        domid: u16,
        op: u32,
        body: &T,
    ) -> i64 {
        let size = put_op(&mut self.g, op, body);
        put_bufs(&mut self.g, &[(OP, size)]);
        rc(common::hypercall(
            &self.hv,
            caller,
            &mut self.g,
            __HYPERVISOR_dm_op,
            args(domid, 1),
        ))
    }

    /// As dom0 on the domU.
    fn dmop<T: IntoBytes + Immutable>(&mut self, op: u32, body: &T) -> i64 {
        let (dom0, d) = (self.dom0.clone(), self.domu.domid());
        self.dmop_as(&dom0, d, op, body)
    }

    /// The op's struct as the call left it in buffer 0.
    fn out<T: FromBytes>(&self) -> T {
        self.g.get(OP + 8)
    }

    fn create_as(&mut self, caller: &Arc<TestDomain>, bufioreq: u8) -> Result<u16, i64> {
        let body = xen_dm_op_create_ioreq_server {
            handle_bufioreq: bufioreq,
            pad: [0; 3],
            id: 0xffff,
        };
        let d = self.domu.domid();
        match self.dmop_as(caller, d, XEN_DMOP_create_ioreq_server, &body) {
            0 => Ok(self.out::<xen_dm_op_create_ioreq_server>().id),
            e => Err(e),
        }
    }

    fn create(&mut self) -> u16 {
        let dom0 = self.dom0.clone();
        self.create_as(&dom0, HVM_IOREQSRV_BUFIOREQ_OFF as u8)
            .expect("a server")
    }

    fn range(&mut self, op: u32, id: u16, r#type: u32, start: u64, end: u64) -> i64 {
        let body = xen_dm_op_ioreq_server_range {
            id,
            pad: 0,
            r#type,
            start,
            end,
        };
        self.dmop(op, &body)
    }

    fn map_range(&mut self, id: u16, r#type: u32, start: u64, end: u64) -> i64 {
        self.range(
            XEN_DMOP_map_io_range_to_ioreq_server,
            id,
            r#type,
            start,
            end,
        )
    }

    fn unmap_range(&mut self, id: u16, r#type: u32, start: u64, end: u64) -> i64 {
        self.range(
            XEN_DMOP_unmap_io_range_from_ioreq_server,
            id,
            r#type,
            start,
            end,
        )
    }

    fn map_mem_type_as(
        &mut self,
        caller: &Arc<TestDomain>,
        id: u16,
        r#type: u16,
        flags: u32,
    ) -> i64 {
        let body = xen_dm_op_map_mem_type_to_ioreq_server {
            id,
            r#type,
            flags,
            opaque: 0,
        };
        let d = self.domu.domid();
        self.dmop_as(caller, d, XEN_DMOP_map_mem_type_to_ioreq_server, &body)
    }

    fn map_mem_type(&mut self, id: u16, flags: u32) -> i64 {
        let dom0 = self.dom0.clone();
        self.map_mem_type_as(&dom0, id, HVMMEM_ioreq_server as u16, flags)
    }

    fn set_mem_type(&mut self, first_pfn: u64, nr: u32, mem_type: u32) -> i64 {
        let body = xen_dm_op_set_mem_type {
            nr,
            mem_type: mem_type as u16,
            pad: 0,
            first_pfn,
        };
        self.dmop(XEN_DMOP_set_mem_type, &body)
    }

    fn p2mt(&self, gfn: u64) -> P2mType {
        self.domu.p2m.get_entry(&self.hv.heap, Gfn(gfn)).p2mt
    }

    fn check(&self) {
        self.hv.check_invariants().unwrap();
    }
}

/// xen/common/dm.c `do_dm_op`: more than two buffers is -E2BIG; an unreadable buffer array is
/// -EFAULT. xen/arch/x86/hvm/dm.c `dm_op`: buffer 0 too small for the header or for the op's
/// struct, or unreadable, is -EFAULT. Nothing is created.
#[test]
fn buffer_rules() {
    let mut e = setup(0);
    let d = e.domu.domid();
    let body = xen_dm_op_create_ioreq_server {
        handle_bufioreq: 0,
        pad: [0; 3],
        id: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_create_ioreq_server, &body);
    let call = |e: &mut Env, a: [u64; 5]| {
        let dom0 = e.dom0.clone();
        rc(common::hypercall(
            &e.hv,
            &dom0,
            &mut e.g,
            __HYPERVISOR_dm_op,
            a,
        ))
    };
    put_bufs(&mut e.g, &[(OP, size), (OP, size)]);
    assert_eq!(call(&mut e, args(d, 3)), err(Errno::E2BIG));
    // nr_bufs is an unsigned int: 2^32 + 3 is 3 buffers.
    assert_eq!(call(&mut e, args(d, (1 << 32) + 3)), err(Errno::E2BIG));
    assert_eq!(call(&mut e, [d.into(), 1, 0, 0, 0]), err(Errno::EFAULT));
    assert_eq!(
        call(&mut e, [d.into(), 2, GUEST_BASE - 16, 0, 0]),
        err(Errno::EFAULT)
    );
    // No buffer 0 at all.
    assert_eq!(call(&mut e, args(d, 0)), err(Errno::EFAULT));
    for (addr, size) in [(OP, 7), (OP, size - 1), (0, size), (u64::MAX - 3, size)] {
        put_bufs(&mut e.g, &[(addr, size)]);
        assert_eq!(
            call(&mut e, args(d, 1)),
            err(Errno::EFAULT),
            "{addr:#x}+{size}"
        );
    }
    assert!(e.domu.state().ioreq_servers.is_empty());
    put_bufs(&mut e.g, &[(OP, size)]);
    assert_eq!(call(&mut e, args(d, 1)), 0);
    // The registers are truncated to the C parameter types: domid_t and unsigned int.
    let mut a = args(d, (1 << 32) + 1);
    a[0] |= 1 << 40;
    assert_eq!(call(&mut e, a), 0);
    assert_eq!(e.domu.state().ioreq_servers.iter().count(), 2);
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op` with xen/common/domain.c `rcu_lock_remote_domain_by_id`: an
/// unknown target (DOMID_SELF included) is -ESRCH, the caller itself -EPERM, a non-HVM target
/// -EINVAL.
#[test]
fn target_rules() {
    let mut e = setup(0);
    let body = xen_dm_op_nr_vcpus { vcpus: 0 };
    let dom0 = e.dom0.clone();
    assert_eq!(
        e.dmop_as(&dom0, 0x7000, XEN_DMOP_nr_vcpus, &body),
        err(Errno::ESRCH)
    );
    assert_eq!(
        e.dmop_as(&dom0, DOMID_SELF, XEN_DMOP_nr_vcpus, &body),
        err(Errno::ESRCH)
    );
    assert_eq!(
        e.dmop_as(&dom0, 0, XEN_DMOP_nr_vcpus, &body),
        err(Errno::EPERM)
    );
    let pv =
        e.hv.create_domain(None, Default::default())
            .expect("a PV domain");
    assert_eq!(
        e.dmop_as(&dom0, pv.domid(), XEN_DMOP_nr_vcpus, &body),
        err(Errno::EINVAL)
    );
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op`: XSM_DM_PRIV. An unrelated unprivileged domain gets -EPERM and
/// changes nothing; the target's device model (XEN_DOMCTL_set_target) passes.
#[test]
fn unprivileged_caller_is_eperm_and_changes_nothing() {
    let mut e = setup(4);
    let other =
        e.hv.create_domain(None, common::pvh_config(false))
            .expect("another domU");
    assert_eq!(
        e.create_as(&other, HVM_IOREQSRV_BUFIOREQ_OFF as u8),
        Err(err(Errno::EPERM))
    );
    assert!(e.domu.state().ioreq_servers.is_empty());
    let body = xen_dm_op_set_mem_type {
        nr: 4,
        mem_type: HVMMEM_ram_ro as u16,
        pad: 0,
        first_pfn: 0,
    };
    let d = e.domu.domid();
    assert_eq!(
        e.dmop_as(&other, d, XEN_DMOP_set_mem_type, &body),
        err(Errno::EPERM)
    );
    assert!((0..4).all(|g| e.p2mt(g) == P2mType::RamRw));
    other.state().target = Some(d);
    assert_eq!(e.create_as(&other, HVM_IOREQSRV_BUFIOREQ_OFF as u8), Ok(0));
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op`: ops past the `op_size` table, and ops with no handler, are
/// -EOPNOTSUPP; a non-zero header pad is -EINVAL.
#[test]
fn unknown_ops_and_header_pad() {
    let mut e = setup(0);
    for op in [
        0u32,
        21,
        1000,
        u32::MAX,
        XEN_DMOP_set_irq_level,
        XEN_DMOP_inject_msi,
    ] {
        assert_eq!(e.dmop(op, &[0u64; 3]), err(Errno::EOPNOTSUPP), "op {op}");
    }
    let size = put_op(
        &mut e.g,
        XEN_DMOP_nr_vcpus,
        &xen_dm_op_nr_vcpus { vcpus: 0 },
    );
    e.g.put(OP + 4, &1u32);
    put_bufs(&mut e.g, &[(OP, size)]);
    let dom0 = e.dom0.clone();
    let d = e.domu.domid();
    assert_eq!(
        rc(common::hypercall(
            &e.hv,
            &dom0,
            &mut e.g,
            __HYPERVISOR_dm_op,
            args(d, 1)
        )),
        err(Errno::EINVAL)
    );
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op` XEN_DMOP_nr_vcpus: the domain's max_vcpus, copied back.
#[test]
fn nr_vcpus_is_copied_back() {
    let mut e = setup(0);
    assert_eq!(
        e.dmop(XEN_DMOP_nr_vcpus, &xen_dm_op_nr_vcpus { vcpus: 77 }),
        0
    );
    assert_eq!(e.out::<xen_dm_op_nr_vcpus>().vcpus, 1);
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_dm_op` XEN_DMOP_create_ioreq_server and
/// `ioreq_server_create`: pad must be 0, the bufioreq mode at most ATOMIC (-EINVAL); ids are the
/// first free of 8 (-ENOSPC after); servers start disabled with the caller as emulator.
#[test]
fn create_ioreq_server_rules() {
    let mut e = setup(0);
    let body = xen_dm_op_create_ioreq_server {
        handle_bufioreq: 0,
        pad: [0, 1, 0],
        id: 0,
    };
    assert_eq!(
        e.dmop(XEN_DMOP_create_ioreq_server, &body),
        err(Errno::EINVAL)
    );
    let dom0 = e.dom0.clone();
    assert_eq!(
        e.create_as(&dom0, HVM_IOREQSRV_BUFIOREQ_ATOMIC as u8 + 1),
        Err(err(Errno::EINVAL))
    );
    assert!(e.domu.state().ioreq_servers.is_empty());
    for want in 0..8u16 {
        assert_eq!(e.create_as(&dom0, (want % 3) as u8), Ok(want));
    }
    assert_eq!(e.create_as(&dom0, 0), Err(err(Errno::ENOSPC)));
    {
        let st = e.domu.state();
        let s = st.ioreq_servers.get(2).expect("server 2");
        assert_eq!(s.emulator, 0);
        assert!(!s.enabled);
        assert_eq!(u32::from(s.bufioreq_handling), HVM_IOREQSRV_BUFIOREQ_ATOMIC);
    }
    // Destroying one frees its id for the next create.
    let d = xen_dm_op_destroy_ioreq_server { id: 5, pad: 0 };
    assert_eq!(e.dmop(XEN_DMOP_destroy_ioreq_server, &d), 0);
    assert_eq!(e.create_as(&dom0, 0), Ok(5));
    e.check();
}

/// xen/common/ioreq.c: every op on one server checks it exists (-ENOENT) and that the caller is
/// its emulator (-EPERM), even for a caller XSM_DM_PRIV lets through.
#[test]
fn only_the_emulator_may_use_a_server() {
    let mut e = setup(0);
    let dm =
        e.hv.create_domain(None, common::pvh_config(false))
            .expect("a device-model domain");
    dm.state().target = Some(e.domu.domid());
    let id = e.create_as(&dm, 0).expect("a server of dm's");
    assert_eq!(
        e.domu.state().ioreq_servers.get(id).unwrap().emulator,
        dm.domid()
    );
    let state = xen_dm_op_set_ioreq_server_state {
        id,
        enabled: 1,
        pad: 0,
    };
    // dom0 is privileged but not the emulator.
    assert_eq!(
        e.dmop(XEN_DMOP_set_ioreq_server_state, &state),
        err(Errno::EPERM)
    );
    assert_eq!(
        e.map_range(id, XEN_DMOP_IO_RANGE_PORT, 1, 2),
        err(Errno::EPERM)
    );
    assert_eq!(
        e.map_mem_type(id, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE),
        err(Errno::EPERM)
    );
    let destroy = xen_dm_op_destroy_ioreq_server { id, pad: 0 };
    assert_eq!(
        e.dmop(XEN_DMOP_destroy_ioreq_server, &destroy),
        err(Errno::EPERM)
    );
    assert!(!e.domu.state().ioreq_servers.get(id).unwrap().enabled);
    let d = e.domu.domid();
    assert_eq!(
        e.dmop_as(&dm, d, XEN_DMOP_set_ioreq_server_state, &state),
        0
    );
    assert!(e.domu.state().ioreq_servers.get(id).unwrap().enabled);
    // Unknown ids, including ones past MAX_NR_IOREQ_SERVERS.
    for bad in [1u16, 8, 0xffff] {
        let s = xen_dm_op_set_ioreq_server_state { id: bad, ..state };
        assert_eq!(
            e.dmop_as(&dm, d, XEN_DMOP_set_ioreq_server_state, &s),
            err(Errno::ENOENT)
        );
    }
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_dm_op` XEN_DMOP_set_ioreq_server_state: pad must be 0; any
/// non-zero `enabled` enables.
#[test]
fn set_ioreq_server_state_rules() {
    let mut e = setup(0);
    let id = e.create();
    let mut s = xen_dm_op_set_ioreq_server_state {
        id,
        enabled: 7,
        pad: 1,
    };
    assert_eq!(
        e.dmop(XEN_DMOP_set_ioreq_server_state, &s),
        err(Errno::EINVAL)
    );
    assert!(!e.domu.state().ioreq_servers.get(id).unwrap().enabled);
    s.pad = 0;
    assert_eq!(e.dmop(XEN_DMOP_set_ioreq_server_state, &s), 0);
    assert!(e.domu.state().ioreq_servers.get(id).unwrap().enabled);
    s.enabled = 0;
    assert_eq!(e.dmop(XEN_DMOP_set_ioreq_server_state, &s), 0);
    assert!(!e.domu.state().ioreq_servers.get(id).unwrap().enabled);
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_get_info`: flags other than XEN_DMOP_no_gfns are -EINVAL;
/// without XEN_DMOP_no_gfns the pages would have to be mapped, which xen-rs cannot do
/// (-EOPNOTSUPP, as Xen's Arm `arch_ioreq_server_map_pages`); with it the call succeeds.
#[test]
fn get_ioreq_server_info_rules() {
    let mut e = setup(0);
    let id = e.create();
    let mut body = xen_dm_op_get_ioreq_server_info {
        id,
        flags: 2,
        bufioreq_port: 0xaaaa,
        ioreq_gfn: 0xbbbb,
        bufioreq_gfn: 0xcccc,
    };
    assert_eq!(
        e.dmop(XEN_DMOP_get_ioreq_server_info, &body),
        err(Errno::EINVAL)
    );
    body.flags = 0;
    assert_eq!(
        e.dmop(XEN_DMOP_get_ioreq_server_info, &body),
        err(Errno::EOPNOTSUPP)
    );
    body.flags = XEN_DMOP_no_gfns as u16;
    assert_eq!(e.dmop(XEN_DMOP_get_ioreq_server_info, &body), 0);
    let out = e.out::<xen_dm_op_get_ioreq_server_info>();
    // No buffered ring: the port and gfns are left alone.
    assert_eq!((out.bufioreq_port, out.ioreq_gfn), (0xaaaa, 0xbbbb));
    body.id = id + 1;
    assert_eq!(
        e.dmop(XEN_DMOP_get_ioreq_server_info, &body),
        err(Errno::ENOENT)
    );
    // A buffered ring would have an event channel; xen-rs has none and reports port 0.
    let dom0 = e.dom0.clone();
    body.id = e
        .create_as(&dom0, HVM_IOREQSRV_BUFIOREQ_ATOMIC as u8)
        .expect("a buffered server");
    assert_eq!(e.dmop(XEN_DMOP_get_ioreq_server_info, &body), 0);
    let out = e.out::<xen_dm_op_get_ioreq_server_info>();
    assert_eq!((out.bufioreq_port, out.ioreq_gfn), (0, 0xbbbb));
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_map_io_range` / `ioreq_server_unmap_io_range` with the
/// rangeset semantics of xen/common/rangeset.c.
#[test]
fn io_range_rules() {
    let mut e = setup(0);
    let id = e.create();
    let (port, mem, pci) = (
        XEN_DMOP_IO_RANGE_PORT,
        XEN_DMOP_IO_RANGE_MEMORY,
        XEN_DMOP_IO_RANGE_PCI,
    );
    // start > end and unknown types are -EINVAL; unknown servers -ENOENT.
    assert_eq!(e.map_range(id, port, 0x10, 0xf), err(Errno::EINVAL));
    assert_eq!(e.map_range(id, 3, 0, 1), err(Errno::EINVAL));
    assert_eq!(e.map_range(id + 1, port, 0, 1), err(Errno::ENOENT));
    let body = xen_dm_op_ioreq_server_range {
        id,
        pad: 1,
        r#type: port,
        start: 0,
        end: 1,
    };
    assert_eq!(
        e.dmop(XEN_DMOP_map_io_range_to_ioreq_server, &body),
        err(Errno::EINVAL)
    );
    assert_eq!(e.map_range(id, port, 0x3f8, 0x3ff), 0);
    // Any overlap is -EEXIST; the same range in another type is fine.
    for (s, t) in [
        (0x3f8, 0x3ff),
        (0x3f0, 0x3f8),
        (0x3ff, 0x400),
        (0x3fa, 0x3fb),
        (0, u64::MAX),
    ] {
        assert_eq!(
            e.map_range(id, port, s, t),
            err(Errno::EEXIST),
            "{s:#x}-{t:#x}"
        );
    }
    assert_eq!(e.map_range(id, mem, 0x3f8, 0x3ff), 0);
    assert_eq!(
        e.map_range(
            id,
            pci,
            XEN_DMOP_PCI_SBDF(0, 0, 3, 0).into(),
            XEN_DMOP_PCI_SBDF(0, 0, 3, 7).into()
        ),
        0
    );
    // A range just above merges into the one below; it may then be unmapped across the seam.
    assert_eq!(e.map_range(id, port, 0x400, 0x407), 0);
    assert_eq!(e.unmap_range(id, port, 0x3fc, 0x403), 0);
    {
        let st = e.domu.state();
        let r: Vec<_> = st.ioreq_servers.get(id).unwrap().range[0]
            .ranges()
            .collect();
        assert_eq!(r, [(0x3f8, 0x3fb), (0x404, 0x407)]);
    }
    // Xen does not merge a range with one starting just above it.
    assert_eq!(e.map_range(id, port, 0x3f0, 0x3f7), 0);
    assert_eq!(e.unmap_range(id, port, 0x3f6, 0x3f9), err(Errno::ENOENT));
    // Unmapping what is not wholly inside one range is -ENOENT and changes nothing.
    assert_eq!(e.unmap_range(id, port, 0x3fb, 0x404), err(Errno::ENOENT));
    assert_eq!(e.unmap_range(id, mem, 0x100, 0x100), err(Errno::ENOENT));
    assert_eq!(e.unmap_range(id, port, 5, 4), err(Errno::EINVAL));
    assert_eq!(e.unmap_range(id, 7, 4, 5), err(Errno::EINVAL));
    assert_eq!(e.unmap_range(id, mem, 0x3f8, 0x3ff), 0);
    assert_eq!(e.map_range(id, mem, 0x3f8, 0x3ff), 0);
    {
        let st = e.domu.state();
        let s = st.ioreq_servers.get(id).unwrap();
        let r: Vec<_> = s.range[0].ranges().collect();
        assert_eq!(r, [(0x3f0, 0x3f7), (0x3f8, 0x3fb), (0x404, 0x407)]);
        assert!(s.range[2].contains_singleton(XEN_DMOP_PCI_SBDF(0, 0, 3, 5).into()));
    }
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_alloc_rangesets` (`rangeset_limit(.., MAX_NR_IO_RANGES)`),
/// rangeset.c `alloc_range`: the 257th disjoint range is -ENOMEM, as is a split at the limit;
/// a range that merges needs no new one.
#[test]
fn io_ranges_are_limited_to_256() {
    let mut e = setup(0);
    let id = e.create();
    let port = XEN_DMOP_IO_RANGE_PORT;
    for i in 0..256u64 {
        assert_eq!(e.map_range(id, port, 4 * i, 4 * i + 1), 0, "range {i}");
    }
    assert_eq!(e.map_range(id, port, 4 * 256, 4 * 256), err(Errno::ENOMEM));
    // Adjacent to the range below: merged, no new range.
    assert_eq!(e.map_range(id, port, 2, 2), 0);
    // Splitting [0, 2] would need a 257th.
    assert_eq!(e.unmap_range(id, port, 1, 1), err(Errno::ENOMEM));
    assert_eq!(e.unmap_range(id, port, 0, 0), 0);
    assert_eq!(
        e.domu.state().ioreq_servers.get(id).unwrap().range[0].len(),
        256
    );
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_map_mem_type` and xen/arch/x86/mm/p2m.c
/// `p2m_set_ioreq_server` (xen-mm `map_ioreq_server`): the type must be HVMMEM_ioreq_server and
/// the flags 0 or XEN_DMOP_IOREQ_MEM_ACCESS_WRITE (-EINVAL); unknown server -ENOENT; a second
/// server while one is mapped -EBUSY; unmapping a server that is not mapped -EINVAL.
#[test]
fn map_mem_type_to_ioreq_server_rules() {
    let mut e = setup(4);
    let a = e.create();
    let b = e.create();
    let dom0 = e.dom0.clone();
    let write = XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
    assert_eq!(
        e.map_mem_type_as(&dom0, a, HVMMEM_ram_rw as u16, write),
        err(Errno::EINVAL)
    );
    assert_eq!(
        e.map_mem_type(a, XEN_DMOP_IOREQ_MEM_ACCESS_READ),
        err(Errno::EINVAL)
    );
    assert_eq!(e.map_mem_type(a, write | 4), err(Errno::EINVAL));
    assert_eq!(e.map_mem_type(7, write), err(Errno::ENOENT));
    assert_eq!(e.domu.p2m.ioreq_server(), None);
    assert_eq!(e.map_mem_type(a, 0), err(Errno::EINVAL));
    assert_eq!(e.map_mem_type(a, write), 0);
    assert_eq!(
        e.domu.p2m.ioreq_server().map(|m| m.server),
        Some(u32::from(a))
    );
    assert_eq!(e.map_mem_type(b, write), err(Errno::EBUSY));
    assert_eq!(e.map_mem_type(a, write), err(Errno::EBUSY));
    assert_eq!(e.map_mem_type(b, 0), err(Errno::EINVAL));
    assert_eq!(e.map_mem_type(a, 0), 0);
    assert_eq!(e.domu.p2m.ioreq_server(), None);
    assert_eq!(e.map_mem_type(b, write), 0);
    assert_eq!(
        e.domu.p2m.ioreq_server().map(|m| m.server),
        Some(u32::from(b))
    );
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op` XEN_DMOP_map_mem_type_to_ioreq_server and `set_mem_type`:
/// -EOPNOTSUPP for a domain without HAP.
#[test]
fn ioreq_mem_type_needs_hap() {
    let mut e = setup(0);
    let shadow =
        e.hv.create_domain(
            None,
            hypercall::DomainConfig {
                flags: XEN_DOMCTL_CDF_hvm,
                max_vcpus: 1,
                ..Default::default()
            },
        )
        .expect("a shadow-paged HVM domain");
    let dom0 = e.dom0.clone();
    let sd = shadow.domid();
    let id = e.create();
    let body = xen_dm_op_create_ioreq_server {
        handle_bufioreq: 0,
        pad: [0; 3],
        id: 0,
    };
    assert_eq!(e.dmop_as(&dom0, sd, XEN_DMOP_create_ioreq_server, &body), 0);
    let map = xen_dm_op_map_mem_type_to_ioreq_server {
        id,
        r#type: HVMMEM_ioreq_server as u16,
        flags: XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
        opaque: 0,
    };
    assert_eq!(
        e.dmop_as(&dom0, sd, XEN_DMOP_map_mem_type_to_ioreq_server, &map),
        err(Errno::EOPNOTSUPP)
    );
    assert_eq!(shadow.p2m.ioreq_server(), None);
    e.check();
}

/// xen/arch/x86/hvm/dm.c `set_mem_type` and `allow_p2m_type_change`: to ioreq_server only from
/// ram_rw and only with a server mapped; from ioreq_server only to ram_rw; RAM to ram_ro and back;
/// holes only to mmio_dm.
#[test]
fn set_mem_type_transitions() {
    let mut e = setup(8);
    assert_eq!(
        e.set_mem_type(0, 2, HVMMEM_ioreq_server),
        err(Errno::EINVAL)
    );
    assert_eq!(e.p2mt(0), P2mType::RamRw);
    let id = e.create();
    assert_eq!(e.map_mem_type(id, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE), 0);
    assert_eq!(e.set_mem_type(0, 2, HVMMEM_ioreq_server), 0);
    assert_eq!(
        (e.p2mt(0), e.p2mt(1)),
        (P2mType::IoreqServer, P2mType::IoreqServer)
    );
    assert_eq!(e.domu.p2m.ioreq_entry_count(), 2);
    assert_eq!(e.set_mem_type(0, 1, HVMMEM_ram_ro), err(Errno::EINVAL));
    assert_eq!(e.set_mem_type(0, 1, HVMMEM_mmio_dm), err(Errno::EINVAL));
    assert_eq!(e.set_mem_type(0, 1, HVMMEM_ram_rw), 0);
    assert_eq!(e.p2mt(0), P2mType::RamRw);
    assert_eq!(e.set_mem_type(2, 2, HVMMEM_ram_ro), 0);
    assert_eq!(e.p2mt(3), P2mType::RamRo);
    assert_eq!(
        e.set_mem_type(2, 1, HVMMEM_ioreq_server),
        err(Errno::EINVAL)
    );
    assert_eq!(e.set_mem_type(2, 2, HVMMEM_ram_rw), 0);
    // Frames before a refused one stay changed, as in Xen: gfn 1 is ioreq_server.
    assert_eq!(e.set_mem_type(0, 2, HVMMEM_ram_ro), err(Errno::EINVAL));
    assert_eq!(
        (e.p2mt(0), e.p2mt(1)),
        (P2mType::RamRo, P2mType::IoreqServer)
    );
    // RAM may become mmio_dm (p2m_is_ram(old)).
    assert_eq!(e.set_mem_type(5, 1, HVMMEM_mmio_dm), 0);
    assert_eq!(e.p2mt(5), P2mType::MmioDm);
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op` XEN_DMOP_set_mem_type and `set_mem_type`: pad must be 0; the
/// range must be non-empty and end at or below the highest mapped gfn; HVMMEM_unused and unknown
/// types are -EINVAL. Nothing changes.
#[test]
fn set_mem_type_argument_checks() {
    let mut e = setup(8);
    let body = xen_dm_op_set_mem_type {
        nr: 1,
        mem_type: HVMMEM_ram_ro as u16,
        pad: 1,
        first_pfn: 0,
    };
    assert_eq!(e.dmop(XEN_DMOP_set_mem_type, &body), err(Errno::EINVAL));
    for (first, nr, t) in [
        (0u64, 0u32, HVMMEM_ram_ro),
        (3, 0, HVMMEM_ram_ro),
        (7, 2, HVMMEM_ram_ro),
        (8, 1, HVMMEM_ram_ro),
        (u64::MAX, 2, HVMMEM_ram_ro),
        (0, 1, HVMMEM_unused),
        (0, 1, 5),
        (0, 1, 0xffff),
    ] {
        assert_eq!(
            e.set_mem_type(first, nr, t),
            err(Errno::EINVAL),
            "{first} {nr} {t}"
        );
    }
    assert!((0..8).all(|g| e.p2mt(g) == P2mType::RamRw));
    assert_eq!(e.set_mem_type(7, 1, HVMMEM_ram_ro), 0);
    e.check();
}

/// xen/arch/x86/hvm/dm.c `set_mem_type`: preemptible every 256 frames; on a continuation
/// `first_pfn` and `nr` in the guest's struct are advanced past the frames done, and re-issuing
/// the call finishes the rest.
#[test]
fn set_mem_type_is_preemptible() {
    let mut e = setup(600);
    let body = xen_dm_op_set_mem_type {
        nr: 600,
        mem_type: HVMMEM_ram_ro as u16,
        pad: 0,
        first_pfn: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_set_mem_type, &body);
    put_bufs(&mut e.g, &[(OP, size)]);
    let dom0 = e.dom0.clone();
    let a = args(e.domu.domid(), 1);
    let o = common::hypercall_preempted(
        &e.hv,
        &dom0,
        &mut e.g,
        &mut PreemptAfter { steps: 0 },
        __HYPERVISOR_dm_op,
        a,
    );
    assert_eq!(o, Outcome::Continue(a));
    let left = e.out::<xen_dm_op_set_mem_type>();
    assert_eq!((left.first_pfn, left.nr), (256, 344));
    assert_eq!((e.p2mt(255), e.p2mt(256)), (P2mType::RamRo, P2mType::RamRw));
    e.check();
    let (v, conts) =
        common::hypercall_to_completion(&e.hv, &dom0, &mut e.g, 0, __HYPERVISOR_dm_op, a);
    assert_eq!((v, conts), (0, 1));
    assert!((0..600).all(|g| e.p2mt(g) == P2mType::RamRo));
    e.check();
}

/// xen/arch/x86/mm/hap/hap.c `hap_enable_log_dirty` (xen-mm `enable_logdirty`): refused with
/// -EBUSY while ioreq_server pages exist, allowed once they are gone.
#[test]
fn logdirty_refused_while_ioreq_pages_exist() {
    let mut e = setup(4);
    let id = e.create();
    assert_eq!(e.map_mem_type(id, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE), 0);
    // A mapped server alone does not block it.
    assert_eq!(e.set_mem_type(1, 1, HVMMEM_ioreq_server), 0);
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Err(Errno::EBUSY));
    assert!(!e.domu.p2m.logdirty_enabled());
    assert_eq!(e.set_mem_type(1, 1, HVMMEM_ram_rw), 0);
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Ok(()));
    e.check();
}

/// xen/arch/x86/hvm/dm.c `dm_op` XEN_DMOP_map_mem_type_to_ioreq_server with flags 0: after the
/// unmap the remaining ioreq_server entries are reset to ram_rw 256 gfns at a time, preemptibly,
/// with the next gfn in `opaque`; until it finishes no server may map the type (-EBUSY).
#[test]
fn unmap_resets_entries_preemptibly() {
    let mut e = setup(1024);
    let a = e.create();
    let b = e.create();
    let write = XEN_DMOP_IOREQ_MEM_ACCESS_WRITE;
    assert_eq!(e.map_mem_type(a, write), 0);
    assert_eq!(e.set_mem_type(0, 1024, HVMMEM_ioreq_server), 0);
    assert_eq!(e.domu.p2m.ioreq_entry_count(), 1024);
    e.check();

    let body = xen_dm_op_map_mem_type_to_ioreq_server {
        id: a,
        r#type: HVMMEM_ioreq_server as u16,
        flags: 0,
        opaque: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_map_mem_type_to_ioreq_server, &body);
    put_bufs(&mut e.g, &[(OP, size)]);
    let dom0 = e.dom0.clone();
    let args = args(e.domu.domid(), 1);
    let o = common::hypercall_preempted(
        &e.hv,
        &dom0,
        &mut e.g,
        &mut PreemptAfter { steps: 0 },
        __HYPERVISOR_dm_op,
        args,
    );
    assert_eq!(o, Outcome::Continue(args));
    assert_eq!(
        e.out::<xen_dm_op_map_mem_type_to_ioreq_server>().opaque,
        256
    );
    assert_eq!(e.domu.p2m.ioreq_server(), None);
    let left = e.domu.p2m.ioreq_entry_count();
    assert!(left > 0 && left < 1024, "{left} left");
    e.check();
    // Stale entries remain: the barrier refuses a new mapping.
    let saved = e.g.clone();
    assert_eq!(e.map_mem_type(b, write), err(Errno::EBUSY));
    e.g = saved;

    let (v, conts) =
        common::hypercall_to_completion(&e.hv, &dom0, &mut e.g, 0, __HYPERVISOR_dm_op, args);
    assert_eq!((v, conts), (0, 2));
    assert_eq!(e.domu.p2m.ioreq_entry_count(), 0);
    assert!((0..1024).all(|g| e.p2mt(g) == P2mType::RamRw));
    assert_eq!(e.map_mem_type(b, write), 0);
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_destroy` with x86 `arch_ioreq_server_destroy`: the server is
/// gone (-ENOENT afterwards) and the ioreq_server type is unmapped from it; its pages stay
/// ioreq_server entries until recalculated, so the barrier still holds.
#[test]
fn destroy_unmaps_the_mem_type() {
    let mut e = setup(4);
    let id = e.create();
    let destroy = xen_dm_op_destroy_ioreq_server { id, pad: 1 };
    assert_eq!(
        e.dmop(XEN_DMOP_destroy_ioreq_server, &destroy),
        err(Errno::EINVAL)
    );
    assert_eq!(e.map_mem_type(id, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE), 0);
    assert_eq!(e.set_mem_type(0, 2, HVMMEM_ioreq_server), 0);
    let destroy = xen_dm_op_destroy_ioreq_server { id, pad: 0 };
    assert_eq!(e.dmop(XEN_DMOP_destroy_ioreq_server, &destroy), 0);
    assert_eq!(e.domu.p2m.ioreq_server(), None);
    assert!(e.domu.state().ioreq_servers.get(id).is_none());
    assert_eq!(
        e.dmop(XEN_DMOP_destroy_ioreq_server, &destroy),
        err(Errno::ENOENT)
    );
    // A server that never mapped the type is destroyed without touching the p2m.
    let other = e.create();
    assert_eq!(other, id);
    assert_eq!(
        e.map_mem_type(other, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE),
        err(Errno::EBUSY)
    );
    assert_eq!(e.dmop(XEN_DMOP_destroy_ioreq_server, &destroy), 0);
    e.check();
}

fn put_extents(g: &mut FlatGuest, extents: &[(u64, u32)]) {
    for (i, &(first_pfn, nr)) in extents.iter().enumerate() {
        let x = xen_dm_op_modified_memory_extent {
            nr,
            pad: 0,
            first_pfn,
        };
        g.put(EXTENTS + 16 * i as u64, &x);
    }
}

impl Env {
    fn modified_memory(&mut self, nr_extents: u32, opaque: u32, extents_size: u64) -> i64 {
        let body = xen_dm_op_modified_memory { nr_extents, opaque };
        let size = put_op(&mut self.g, XEN_DMOP_modified_memory, &body);
        put_bufs(&mut self.g, &[(OP, size), (EXTENTS, extents_size)]);
        let dom0 = self.dom0.clone();
        let d = self.domu.domid();
        rc(common::hypercall(
            &self.hv,
            &dom0,
            &mut self.g,
            __HYPERVISOR_dm_op,
            args(d, 2),
        ))
    }

    fn dirty(&self) -> Vec<u64> {
        let (bitmap, _) = self
            .domu
            .p2m
            .log_dirty_op(&self.hv.heap, 1024, false)
            .expect("log-dirty on");
        (0..1024u64)
            .filter(|&g| bitmap[(g / 64) as usize] & (1 << (g % 64)) != 0)
            .collect()
    }
}

/// xen/arch/x86/hvm/dm.c `modified_memory`: nothing at all unless log-dirty is on; then each
/// extent's RAM gfns are marked dirty (and grant and foreign ones, below). Buffer 1 too small for nr_extents (or missing) is -EINVAL,
/// as are a non-zero extent pad, an empty range, an end past the highest mapped gfn, and an
/// `opaque` not below the extent's `nr`; an unreadable extent is -EFAULT.
#[test]
fn modified_memory_rules() {
    let mut e = setup(16);
    put_extents(&mut e.g, &[(2, 3), (10, 1)]);
    // Log-dirty off: success without looking at anything.
    assert_eq!(e.modified_memory(5, 99, 0), 0);
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Ok(()));
    assert_eq!(e.modified_memory(2, 0, 31), err(Errno::EINVAL));
    // Only buffer 0.
    let body = xen_dm_op_modified_memory {
        nr_extents: 1,
        opaque: 0,
    };
    assert_eq!(e.dmop(XEN_DMOP_modified_memory, &body), err(Errno::EINVAL));
    assert_eq!(
        e.dmop(
            XEN_DMOP_modified_memory,
            &xen_dm_op_modified_memory {
                nr_extents: 0,
                opaque: 0
            }
        ),
        0
    );
    assert_eq!(e.modified_memory(1, 3, 32), err(Errno::EINVAL));
    assert!(e.dirty().is_empty());
    assert_eq!(e.modified_memory(2, 0, 32), 0);
    assert_eq!(e.dirty(), [2, 3, 4, 10]);
    for bad in [(3u64, 0u32), (15, 1), (u64::MAX, 2)] {
        put_extents(&mut e.g, &[bad]);
        assert_eq!(e.modified_memory(1, 0, 16), err(Errno::EINVAL), "{bad:?}");
    }
    put_extents(&mut e.g, &[(5, 1)]);
    e.g.put(EXTENTS + 4, &1u32);
    assert_eq!(e.modified_memory(1, 0, 16), err(Errno::EINVAL));
    // Extents in unreadable memory.
    let body = xen_dm_op_modified_memory {
        nr_extents: 1,
        opaque: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_modified_memory, &body);
    put_bufs(&mut e.g, &[(OP, size), (8, 16)]);
    let dom0 = e.dom0.clone();
    let d = e.domu.domid();
    assert_eq!(
        rc(common::hypercall(
            &e.hv,
            &dom0,
            &mut e.g,
            __HYPERVISOR_dm_op,
            args(d, 2)
        )),
        err(Errno::EFAULT)
    );
    assert_eq!(e.dirty(), [2, 3, 4, 10]);
    e.check();
}

/// xen/arch/x86/hvm/dm.c `modified_memory`: after each 256 pfns, with extents left, it may be
/// preempted; `nr_extents` and `opaque` (pfns of the current extent done) are written back and
/// the re-issued call carries on from there.
#[test]
fn modified_memory_is_preemptible() {
    let mut e = setup(1024);
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Ok(()));
    // Processed from the last extent down: 600 pfns at 100, then 10 at 900.
    put_extents(&mut e.g, &[(900, 10), (100, 600)]);
    let body = xen_dm_op_modified_memory {
        nr_extents: 2,
        opaque: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_modified_memory, &body);
    put_bufs(&mut e.g, &[(OP, size), (EXTENTS, 32)]);
    let dom0 = e.dom0.clone();
    let a = args(e.domu.domid(), 2);
    let o = common::hypercall_preempted(
        &e.hv,
        &dom0,
        &mut e.g,
        &mut PreemptAfter { steps: 0 },
        __HYPERVISOR_dm_op,
        a,
    );
    assert_eq!(o, Outcome::Continue(a));
    let h = e.out::<xen_dm_op_modified_memory>();
    assert_eq!((h.nr_extents, h.opaque), (2, 256));
    assert_eq!(e.dirty(), (100..356).collect::<Vec<_>>());
    // 256..512 of the first extent, preempted; then the last 88 and the whole second extent
    // fit in one batch.
    let (v, conts) =
        common::hypercall_to_completion(&e.hv, &dom0, &mut e.g, 0, __HYPERVISOR_dm_op, a);
    assert_eq!((v, conts), (0, 1));
    let want: Vec<u64> = (100..700).chain(900..910).collect();
    assert_eq!(e.dirty(), want);
    // A batch that ends with the last extent is not followed by a preemption check: a single
    // extent of exactly 256 pfns completes, even when every check would preempt.
    put_extents(&mut e.g, &[(0, 256)]);
    let body = xen_dm_op_modified_memory {
        nr_extents: 1,
        opaque: 0,
    };
    let size = put_op(&mut e.g, XEN_DMOP_modified_memory, &body);
    put_bufs(&mut e.g, &[(OP, size), (EXTENTS, 16)]);
    let o = common::hypercall_preempted(
        &e.hv,
        &dom0,
        &mut e.g,
        &mut PreemptAfter { steps: 0 },
        __HYPERVISOR_dm_op,
        a,
    );
    assert_eq!(o, Outcome::Return(0));
    e.check();
}

/// xen/common/ioreq.c `ioreq_server_select`, the range part: the enabled server whose ranges of
/// the access's type cover all of it; `FOR_EACH_IOREQ_SERVER` walks from the highest id down, so
/// the newest such server wins.
#[test]
fn select_picks_the_newest_enabled_server_covering_the_access() {
    use hypercall::ioreq::IoreqServers;
    let mut s = IoreqServers::default();
    assert!(s.is_empty());
    let a = s.create(0, 0).unwrap();
    let b = s.create(0, 0).unwrap();
    assert_eq!((a, b), (0, 1));
    assert!(!s.is_empty());
    s.map_io_range(a, 0, XEN_DMOP_IO_RANGE_PORT, 0x60, 0x6f)
        .unwrap();
    s.map_io_range(b, 0, XEN_DMOP_IO_RANGE_PORT, 0x64, 0x64)
        .unwrap();
    assert_eq!(
        s.select(XEN_DMOP_IO_RANGE_PORT, 0x64, 0x64),
        None,
        "none enabled"
    );
    s.set_state(a, 0, true).unwrap();
    assert_eq!(s.select(XEN_DMOP_IO_RANGE_PORT, 0x64, 0x64), Some(a));
    s.set_state(b, 0, true).unwrap();
    assert_eq!(s.select(XEN_DMOP_IO_RANGE_PORT, 0x64, 0x64), Some(b));
    assert_eq!(s.select(XEN_DMOP_IO_RANGE_PORT, 0x64, 0x65), Some(a));
    assert_eq!(s.select(XEN_DMOP_IO_RANGE_PORT, 0x70, 0x70), None);
    assert_eq!(s.select(XEN_DMOP_IO_RANGE_MEMORY, 0x64, 0x64), None);
    assert_eq!(s.select(7, 0x64, 0x64), None);
    s.remove(a);
    s.remove(b);
    assert!(s.is_empty());
}

/// xen/common/rangeset.c `rangeset_remove_range` at an ioreq server's limit: only cutting a range
/// in two needs a new range (ENOMEM when there is no room); trimming its head or tail, or
/// removing it whole, does not. `rangeset_overlaps_range` of an empty range is false.
#[test]
fn removing_at_the_range_limit_fails_only_for_a_split() {
    use hypercall::ioreq::{RangeSet, MAX_NR_IO_RANGES};
    let mut r = RangeSet::default();
    for i in 0..MAX_NR_IO_RANGES as u64 {
        r.add_range(8 * i, 8 * i + 4).unwrap();
    }
    assert_eq!(r.add_range(5000, 5000), Err(Errno::ENOMEM));
    assert_eq!(r.remove_range(1, 3), Err(Errno::ENOMEM), "a split");
    assert_eq!(r.remove_range(8, 9), Ok(()), "a head");
    assert_eq!(r.remove_range(19, 20), Ok(()), "a tail");
    assert_eq!(r.ranges().nth(1), Some((10, 12)));
    assert_eq!(r.ranges().nth(2), Some((16, 18)));
    assert_eq!(r.remove_range(24, 28), Ok(()), "a whole range");
    assert_eq!(r.len(), MAX_NR_IO_RANGES - 1);
    assert_eq!(r.remove_range(1, 3), Ok(()), "room for the split now");
    assert!(r.overlaps_range(0, 0));
    assert!(!r.overlaps_range(4, 0));
}

mod rangeset_model {
    //! xen/common/rangeset.c: whatever the order of adds and removes, a [`RangeSet`] covers
    //! exactly the values a plain set would, with disjoint sorted ranges, and answers
    //! `overlaps_range` and `contains_range` consistently with them.

    use std::collections::BTreeSet;

    use hypercall::ioreq::RangeSet;
    use proptest::prelude::*;

    fn covered(r: &RangeSet) -> BTreeSet<u64> {
        r.ranges().flat_map(|(s, e)| s..=e).collect()
    }

    proptest! {
        #[test]
        fn matches_a_plain_set(ops in proptest::collection::vec((any::<bool>(), 0u64..48, 0u64..6), 1..40)) {
            let mut r = RangeSet::default();
            let mut model = BTreeSet::new();
            for (add, s, len) in ops {
                let e = s + len;
                let hits = (s..=e).any(|v| model.contains(&v));
                prop_assert_eq!(r.overlaps_range(s, e), hits);
                prop_assert_eq!(
                    r.contains_range(s, e),
                    r.ranges().any(|(rs, re)| rs <= s && e <= re)
                );
                if add {
                    prop_assert!(r.add_range(s, e).is_ok());
                    model.extend(s..=e);
                } else {
                    // Any part of [s, e] may be covered, by any number of ranges.
                    prop_assert!(r.remove_range(s, e).is_ok());
                    for v in s..=e {
                        model.remove(&v);
                    }
                }
                prop_assert_eq!(covered(&r), model.clone());
                for v in s.saturating_sub(1)..=e + 1 {
                    prop_assert_eq!(r.contains_singleton(v), model.contains(&v));
                }
                let ranges: Vec<_> = r.ranges().collect();
                prop_assert!(ranges.windows(2).all(|w| w[0].1 < w[1].0));
                prop_assert!(ranges.iter().all(|&(s, e)| s <= e));
                prop_assert_eq!((r.len(), r.is_empty()), (ranges.len(), model.is_empty()));
            }
        }
    }
}

/// xen/arch/x86/hvm/dm.c `dm_op`: buffer 0 must hold the header (-EFAULT), and then the op's
/// struct from `op_size` (-EFAULT), implemented or not; an op with no struct (0 is none) needs
/// only the header and is -EOPNOTSUPP.
#[test]
fn buffer_0_must_hold_each_ops_struct() {
    use std::mem::size_of;
    let mut e = setup(0);
    let d = e.domu.domid();
    let dom0 = e.dom0.clone();
    let sizes = [
        (
            XEN_DMOP_create_ioreq_server,
            size_of::<xen_dm_op_create_ioreq_server>(),
        ),
        (
            XEN_DMOP_get_ioreq_server_info,
            size_of::<xen_dm_op_get_ioreq_server_info>(),
        ),
        (
            XEN_DMOP_map_io_range_to_ioreq_server,
            size_of::<xen_dm_op_ioreq_server_range>(),
        ),
        (
            XEN_DMOP_unmap_io_range_from_ioreq_server,
            size_of::<xen_dm_op_ioreq_server_range>(),
        ),
        (
            XEN_DMOP_set_ioreq_server_state,
            size_of::<xen_dm_op_set_ioreq_server_state>(),
        ),
        (
            XEN_DMOP_destroy_ioreq_server,
            size_of::<xen_dm_op_destroy_ioreq_server>(),
        ),
        (
            XEN_DMOP_track_dirty_vram,
            size_of::<xen_dm_op_track_dirty_vram>(),
        ),
        (
            XEN_DMOP_set_pci_intx_level,
            size_of::<xen_dm_op_set_pci_intx_level>(),
        ),
        (
            XEN_DMOP_set_isa_irq_level,
            size_of::<xen_dm_op_set_isa_irq_level>(),
        ),
        (
            XEN_DMOP_set_pci_link_route,
            size_of::<xen_dm_op_set_pci_link_route>(),
        ),
        (
            XEN_DMOP_modified_memory,
            size_of::<xen_dm_op_modified_memory>(),
        ),
        (XEN_DMOP_set_mem_type, size_of::<xen_dm_op_set_mem_type>()),
        (XEN_DMOP_inject_event, size_of::<xen_dm_op_inject_event>()),
        (XEN_DMOP_inject_msi, size_of::<xen_dm_op_inject_msi>()),
        (
            XEN_DMOP_map_mem_type_to_ioreq_server,
            size_of::<xen_dm_op_map_mem_type_to_ioreq_server>(),
        ),
        (
            XEN_DMOP_remote_shutdown,
            size_of::<xen_dm_op_remote_shutdown>(),
        ),
        (
            XEN_DMOP_relocate_memory,
            size_of::<xen_dm_op_relocate_memory>(),
        ),
        (
            XEN_DMOP_pin_memory_cacheattr,
            size_of::<xen_dm_op_pin_memory_cacheattr>(),
        ),
        (XEN_DMOP_nr_vcpus, size_of::<xen_dm_op_nr_vcpus>()),
    ];
    let call = |e: &mut Env, op: u32, size: u64| {
        e.g.put(OP, &[op, 0u32]);
        e.g.put(OP + 8, &[0u8; 32]);
        put_bufs(&mut e.g, &[(OP, size)]);
        rc(common::hypercall(
            &e.hv,
            &dom0,
            &mut e.g,
            __HYPERVISOR_dm_op,
            args(d, 1),
        ))
    };
    for (op, size) in sizes {
        assert!(size > 0);
        assert_eq!(
            call(&mut e, op, 8 + size as u64 - 1),
            err(Errno::EFAULT),
            "op {op}"
        );
    }
    assert_eq!(
        call(&mut e, 0, 8),
        err(Errno::EOPNOTSUPP),
        "op 0 has no struct"
    );
    assert_eq!(
        call(&mut e, 0, 7),
        err(Errno::EFAULT),
        "no room for the header"
    );
    e.check();
}

/// xen/arch/x86/hvm/dm.c `modified_memory`: an extent may end right at the highest mapped gfn
/// (`end_pfn > max_gpfn` is the refusal), and an extent of exactly the 256 pfns left in a batch
/// completes it rather than splitting it.
#[test]
fn modified_memory_extent_edges() {
    let mut e = setup(600);
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Ok(()));
    assert_eq!(e.domu.p2m.max_mapped_pfn(), Some(599));
    put_extents(&mut e.g, &[(598, 1)]);
    assert_eq!(e.modified_memory(1, 0, 16), 0);
    assert_eq!(e.dirty(), [598]);
    put_extents(&mut e.g, &[(0, 10), (300, 256)]);
    assert_eq!(e.modified_memory(2, 0, 32), 0);
    assert_eq!(e.dirty().len(), 1 + 10 + 256);
    e.check();
}

/// The guest memory of a caller whose dm_op buffers can be read but not written.
struct ReadOnly<'a>(&'a mut FlatGuest);

impl hypercall::guest::GuestMemory for ReadOnly<'_> {
    fn copy_from_guest(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        self.0.copy_from_guest(addr, buf)
    }
    fn copy_to_guest(&mut self, _addr: u64, _data: &[u8]) -> Result<(), Errno> {
        Err(Errno::EFAULT)
    }
}

impl Env {
    /// Issues op `op` with `body` as dom0 on the domU, from read-only buffers.
    fn dmop_read_only<T: IntoBytes + Immutable>(&mut self, op: u32, body: &T) -> i64 {
        let size = put_op(&mut self.g, op, body);
        put_bufs(&mut self.g, &[(OP, size)]);
        let mut call = hypercall::dispatch::Call {
            caller: &self.dom0,
            vcpu: 0,
            guest: &mut ReadOnly(&mut self.g),
            preempt: &mut hypercall::dispatch::NeverPreempt,
            sched: None,
            interrupts_enabled: false,
        };
        rc(hypercall::dispatch(
            &self.hv,
            &mut call,
            __HYPERVISOR_dm_op.into(),
            args(self.domu.domid(), 1),
        ))
    }
}

#[test]
fn only_a_successful_op_that_changes_its_struct_copies_it_back() {
    // xen/arch/x86/hvm/dm.c dm_op: `if ( (!rc || rc == -ERESTART) && !const_op &&
    // copy_to_guest_offset(...) ) rc = -EFAULT;`. With buffer 0 read-only, only a successful
    // non-const op fails (EFAULT); a const op succeeds and a failing op keeps its own error.
    let mut e = setup(16);
    let id = e.create();
    let state = xen_dm_op_set_ioreq_server_state {
        id,
        enabled: 1,
        pad: 0,
    };
    assert_eq!(e.dmop_read_only(XEN_DMOP_set_ioreq_server_state, &state), 0);
    let bad = xen_dm_op_create_ioreq_server {
        handle_bufioreq: 3,
        pad: [0; 3],
        id: 0xffff,
    };
    assert_eq!(
        e.dmop_read_only(XEN_DMOP_create_ioreq_server, &bad),
        err(Errno::EINVAL)
    );
    let info = xen_dm_op_get_ioreq_server_info {
        id,
        flags: XEN_DMOP_no_gfns as u16,
        bufioreq_port: 0,
        ioreq_gfn: 0,
        bufioreq_gfn: 0,
    };
    assert_eq!(
        e.dmop_read_only(XEN_DMOP_get_ioreq_server_info, &info),
        err(Errno::EFAULT)
    );
}

/// xen/arch/x86/hvm/dm.c `modified_memory` marks a pfn dirty when `get_page_from_gfn` gives a
/// page: RAM, grant and foreign entries (`p2m_is_any_ram`), not MMIO.
#[test]
fn modified_memory_marks_ram_and_foreign_entries_not_mmio() {
    let mut e = setup(16);
    // gfn 5: MMIO; gfn 6: a foreign mapping of one of dom0's frames.
    e.domu
        .p2m
        .set_entry(
            &e.hv.heap,
            Gfn(5),
            Some(xen_mm::frame::Mfn(0xfee00)),
            0,
            P2mType::MmioDirect,
            P2mAccess::Rw,
        )
        .unwrap();
    let dom0_frame =
        e.hv.heap
            .alloc_domheap_pages(&e.dom0.mem, 0, &Default::default())
            .unwrap();
    e.hv.heap
        .get_foreign_page(&e.domu.mem, &e.dom0.mem, dom0_frame)
        .unwrap();
    let old = e.domu.p2m.get_entry(&e.hv.heap, Gfn(6)).mfn.unwrap();
    e.domu
        .p2m
        .set_entry(
            &e.hv.heap,
            Gfn(6),
            Some(dom0_frame),
            0,
            P2mType::MapForeign,
            P2mAccess::Rwx,
        )
        .unwrap();
    e.hv.heap.free_domheap_pages(&e.domu.mem, old, 0).unwrap();
    assert_eq!(e.domu.p2m.enable_logdirty(&e.hv.heap), Ok(()));
    put_extents(&mut e.g, &[(4, 4)]);
    assert_eq!(e.modified_memory(1, 0, 16), 0);
    assert_eq!(e.dirty(), [4, 6, 7]);
    e.check();
}
