//! XEN_SYSCTL_* through the dispatcher, one rule per test, against Xen 4.17
//! (xen/common/sysctl.c `do_sysctl`, xen/arch/x86/sysctl.c, xen/drivers/char/console.c
//! `read_console_ring`). Every test ends with the hypervisor's invariants.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_public::abi::Payload;
use xen_public::domctl::{
    xen_domctl_getdomaininfo, XEN_DOMINF_hap, XEN_DOMINF_hvm_guest, XEN_DOMINF_paused,
};
use xen_public::sysctl::*;
use xen_public::xen::__HYPERVISOR_sysctl;
use xen_public::GuestHandle;

/// Where the xen_sysctl goes in the guest buffer.
const OP: u64 = GUEST_BASE;
/// Where output buffers go.
const BUF: u64 = GUEST_BASE + 0x1000;

fn sysctl(hv: &TestHv, caller: &Arc<TestDomain>, guest: &mut FlatGuest, op: &xen_sysctl) -> i64 {
    guest.put(OP, op);
    match common::hypercall(hv, caller, guest, __HYPERVISOR_sysctl, [OP, 0, 0, 0, 0]) {
        Outcome::Return(v) => v,
        other => panic!("unexpected {other:?}"),
    }
}

fn op_back(guest: &FlatGuest) -> xen_sysctl {
    guest.get(OP)
}

fn op_with<T: zerocopy::IntoBytes + zerocopy::Immutable>(cmd: u32, payload: &T) -> xen_sysctl {
    let mut op = xen_sysctl::new(cmd);
    assert!(op.set(payload));
    op
}

fn physinfo(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
) -> Result<xen_sysctl_physinfo, i64> {
    // Garbage in the payload: physinfo overwrites all of it.
    let op = op_with(XEN_SYSCTL_physinfo, &[0x5au8; 112]);
    match sysctl(hv, caller, guest, &op) {
        0 => Ok(op_back(guest).get().unwrap()),
        e => Err(e),
    }
}

// xen/common/sysctl.c do_sysctl: `op->interface_version != XEN_SYSCTL_INTERFACE_VERSION` is
// -EACCES (0x15 in 4.17), and nothing is copied back.
#[test]
fn wrong_interface_version_is_eacces() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    assert_eq!(XEN_SYSCTL_INTERFACE_VERSION, 0x15);
    for version in [0, 0x14, 0x16, u32::MAX] {
        let mut op = xen_sysctl::new(XEN_SYSCTL_physinfo);
        op.interface_version = version;
        assert_eq!(sysctl(&hv, &dom0, &mut guest, &op), Errno::EACCES.negated());
        assert_eq!(op_back(&guest), op);
    }
    hv.check_invariants().unwrap();
}

// do_sysctl: `copy_from_guest(op, u_sysctl, 1)` failing is -EFAULT.
#[test]
fn unreadable_op_is_efault() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let end = GUEST_BASE + common::GUEST_BYTES as u64;
    for addr in [0, GUEST_BASE - 1, end - 100, u64::MAX] {
        assert_eq!(
            common::hypercall(
                &hv,
                &dom0,
                &mut guest,
                __HYPERVISOR_sysctl,
                [addr, 0, 0, 0, 0]
            ),
            Outcome::Return(Errno::EFAULT.negated()),
            "{addr:#x}"
        );
    }
    hv.check_invariants().unwrap();
}

// include/xsm/dummy.h xsm_sysctl: XSM_PRIV - a domU gets -EPERM for every command, nothing is
// written and the console is not cleared.
#[test]
fn unprivileged_caller_gets_eperm_and_nothing_changes() {
    let (hv, _dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let domu = hv
        .create_domain(Some(3), common::pvh_config(false))
        .unwrap();
    hv.console.write(b"secret");
    let readconsole = xen_sysctl_readconsole {
        clear: 1,
        buffer: GuestHandle::new(BUF),
        count: 64,
        ..Default::default()
    };
    let list = xen_sysctl_getdomaininfolist {
        max_domains: 4,
        buffer: GuestHandle::new(BUF),
        ..Default::default()
    };
    for op in [
        op_with(XEN_SYSCTL_readconsole, &readconsole),
        op_with(XEN_SYSCTL_getdomaininfolist, &list),
        xen_sysctl::new(XEN_SYSCTL_physinfo),
        xen_sysctl::new(999),
    ] {
        assert_eq!(sysctl(&hv, &domu, &mut guest, &op), Errno::EPERM.negated());
        assert_eq!(op_back(&guest), op);
        assert_eq!(guest.get::<[u8; 8]>(BUF), [0; 8]);
    }
    assert_eq!(hv.console.read_from(0, 64).0, b"secret");
    hv.check_invariants().unwrap();
}

// do_sysctl default: arch_do_sysctl's -ENOSYS, with no copy back.
#[test]
fn unknown_command_is_enosys() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    for cmd in [0, XEN_SYSCTL_sched_id, XEN_SYSCTL_get_cpu_policy, u32::MAX] {
        let op = op_with(cmd, &[0x11u8; 128]);
        assert_eq!(sysctl(&hv, &dom0, &mut guest, &op), Errno::ENOSYS.negated());
        assert_eq!(op_back(&guest), op);
    }
    hv.check_invariants().unwrap();
}

// do_sysctl XEN_SYSCTL_physinfo (+ x86 arch_do_physinfo): memory from the heap with the claims
// (get_outstanding_claims), one CPU, HVM and HAP capabilities, max_mfn below max_page.
#[test]
fn physinfo_reports_the_heap_and_the_host() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let pi = physinfo(&hv, &dom0, &mut guest).unwrap();
    let mem = hv.heap.physinfo();
    assert_eq!(pi.total_pages, 4096);
    assert_eq!(
        (pi.total_pages, pi.free_pages, pi.outstanding_pages),
        (mem.total_pages, mem.free_pages, 0)
    );
    assert_eq!((pi.nr_cpus, pi.max_cpu_id), (1, 0));
    assert_eq!((pi.threads_per_core, pi.cores_per_socket), (1, 1));
    assert_eq!((pi.nr_nodes, pi.max_node_id), (1, 63));
    assert_eq!(
        pi.capabilities,
        XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap
    );
    assert_eq!(pi.max_mfn, hv.max_page - 1);
    assert_eq!((pi.scrub_pages, pi.pad, pi.hw_cap), (0, 0, [0; 8]));

    // A claim: outstanding, and still counted as free.
    let d = hv
        .create_domain(Some(2), common::pvh_config(false))
        .unwrap();
    d.mem.set_max_pages(1000);
    hv.heap.claim_pages(&d.mem, 500, None).unwrap();
    let pi = physinfo(&hv, &dom0, &mut guest).unwrap();
    assert_eq!(pi.outstanding_pages, 500);
    assert_eq!(pi.free_pages, hv.heap.physinfo().free_pages);
    hv.check_invariants().unwrap();
}

fn list(
    hv: &TestHv,
    dom0: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    first_domain: u16,
    max_domains: u32,
    buffer: u64,
) -> (i64, xen_sysctl_getdomaininfolist) {
    let l = xen_sysctl_getdomaininfolist {
        first_domain,
        max_domains,
        buffer: GuestHandle::new(buffer),
        num_domains: 0xdead,
        ..Default::default()
    };
    let ret = sysctl(hv, dom0, guest, &op_with(XEN_SYSCTL_getdomaininfolist, &l));
    (ret, op_back(guest).get().unwrap())
}

fn entry(guest: &FlatGuest, i: u64) -> xen_domctl_getdomaininfo {
    guest.get(BUF + i * core::mem::size_of::<xen_domctl_getdomaininfo>() as u64)
}

// do_sysctl XEN_SYSCTL_getdomaininfolist: the domains from first_domain on, in id order, at
// most max_domains of them, num_domains written back.
#[test]
fn getdomaininfolist_lists_from_first_domain() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    for id in [4, 9, 12] {
        hv.create_domain(Some(id), common::pvh_config(false))
            .unwrap();
    }
    let (ret, out) = list(&hv, &dom0, &mut guest, 0, 100, BUF);
    assert_eq!((ret, out.num_domains), (0, 4));
    let ids: Vec<u16> = (0..4).map(|i| entry(&guest, i).domain).collect();
    assert_eq!(ids, [0, 4, 9, 12]);
    let e = entry(&guest, 1);
    assert_eq!(
        e.flags & 0xffff,
        XEN_DOMINF_paused | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap
    );

    let (ret, out) = list(&hv, &dom0, &mut guest, 5, 2, BUF);
    assert_eq!((ret, out.num_domains), (0, 2));
    assert_eq!((entry(&guest, 0).domain, entry(&guest, 1).domain), (9, 12));

    let (ret, out) = list(&hv, &dom0, &mut guest, 13, 100, BUF);
    assert_eq!((ret, out.num_domains), (0, 0));
    // max_domains 0: nothing written, even through a null buffer.
    let (ret, out) = list(&hv, &dom0, &mut guest, 0, 0, 0);
    assert_eq!((ret, out.num_domains), (0, 0));
    hv.check_invariants().unwrap();
}

// do_sysctl XEN_SYSCTL_getdomaininfolist: a buffer that faults is -EFAULT; the entries before it
// are written, the op (num_domains) is not copied back.
#[test]
fn getdomaininfolist_bad_buffer_is_efault() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.create_domain(Some(4), common::pvh_config(false))
        .unwrap();
    let (ret, out) = list(&hv, &dom0, &mut guest, 0, 10, 0x10);
    assert_eq!(ret, Errno::EFAULT.negated());
    assert_eq!(out.num_domains, 0xdead);
    // Room for one entry only.
    let size = core::mem::size_of::<xen_domctl_getdomaininfo>() as u64;
    let last = GUEST_BASE + common::GUEST_BYTES as u64 - size;
    let (ret, out) = list(&hv, &dom0, &mut guest, 0, 10, last);
    assert_eq!(ret, Errno::EFAULT.negated());
    assert_eq!(out.num_domains, 0xdead);
    assert_eq!(guest.get::<xen_domctl_getdomaininfo>(last).domain, 0);
    assert_eq!(guest.get::<xen_domctl_getdomaininfo>(last).max_pages, 4096);
    hv.check_invariants().unwrap();
}

fn readconsole(
    hv: &TestHv,
    dom0: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    rc: xen_sysctl_readconsole,
) -> (i64, xen_sysctl_readconsole, Vec<u8>) {
    guest.put(BUF, &[0u8; 64]);
    let ret = sysctl(hv, dom0, guest, &op_with(XEN_SYSCTL_readconsole, &rc));
    let out: xen_sysctl_readconsole = op_back(guest).get().unwrap();
    let bytes = guest.get::<[u8; 64]>(BUF)[..out.count.min(64) as usize].to_vec();
    (ret, out, bytes)
}

fn rc(count: u32) -> xen_sysctl_readconsole {
    xen_sysctl_readconsole {
        buffer: GuestHandle::new(BUF),
        count,
        ..Default::default()
    }
}

// xen/drivers/char/console.c read_console_ring: without `incremental` it reads from the oldest
// byte, at most `count`; `count` comes back as the bytes read and `index` as the position
// after them.
#[test]
fn readconsole_reads_from_the_oldest_byte() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.console.write(b"hello, world");
    let (ret, out, bytes) = readconsole(&hv, &dom0, &mut guest, rc(64));
    assert_eq!(ret, 0);
    assert_eq!(bytes, b"hello, world");
    assert_eq!((out.count, out.index), (12, 12));
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, rc(5));
    assert_eq!(bytes, b"hello");
    assert_eq!((out.count, out.index), (5, 5));
    assert_eq!(guest.get::<u8>(BUF + 5), 0, "no more than count written");
    // count 0 reads nothing.
    let (ret, out, _) = readconsole(&hv, &dom0, &mut guest, rc(0));
    assert_eq!((ret, out.count, out.index), (0, 0, 0));
    hv.check_invariants().unwrap();
}

// read_console_ring: `incremental` starts at `index` when that is newer than the oldest byte
// (`(int32_t)(op->index - c) > 0`), else at the oldest byte.
#[test]
fn readconsole_incremental_continues_at_index() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.console.write(b"abcdefgh");
    let mut r = rc(3);
    r.incremental = 1;
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((bytes.as_slice(), out.index), (&b"abc"[..], 3));
    r.index = out.index;
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((bytes.as_slice(), out.index), (&b"def"[..], 6));
    r.index = out.index;
    r.count = 64;
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((bytes.as_slice(), out.index), (&b"gh"[..], 8));
    // Caught up: nothing more until something is written.
    r.index = out.index;
    let (_, out, _) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((out.count, out.index), (0, 8));
    hv.console.write(b"ij");
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((bytes.as_slice(), out.index), (&b"ij"[..], 10));
    // An index "behind" the oldest byte (negative distance) reads from the oldest.
    r.index = u32::MAX - 3;
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((bytes.as_slice(), out.index), (&b"abcdefghij"[..], 10));
    hv.check_invariants().unwrap();
}

// read_console_ring: `clear` discards what was read; the next read starts after it.
#[test]
fn readconsole_clear_discards_what_was_read() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.console.write(b"boot messages");
    let mut r = rc(64);
    r.clear = 1;
    let (ret, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((ret, bytes.as_slice()), (0, &b"boot messages"[..]));
    assert_eq!(out.index, 13);
    let (_, out, _) = readconsole(&hv, &dom0, &mut guest, rc(64));
    assert_eq!((out.count, out.index), (0, 13));
    hv.console.write(b"more");
    let (_, out, bytes) = readconsole(&hv, &dom0, &mut guest, rc(64));
    assert_eq!((bytes.as_slice(), out.index), (&b"more"[..], 17));
    hv.check_invariants().unwrap();
}

// read_console_ring: a buffer that faults is -EFAULT, with no copy back and no clear.
#[test]
fn readconsole_bad_buffer_is_efault() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.console.write(b"keep me");
    let r = xen_sysctl_readconsole {
        clear: 1,
        buffer: GuestHandle::new(8),
        count: 64,
        ..Default::default()
    };
    let op = op_with(XEN_SYSCTL_readconsole, &r);
    assert_eq!(sysctl(&hv, &dom0, &mut guest, &op), Errno::EFAULT.negated());
    assert_eq!(op_back(&guest), op);
    assert_eq!(hv.console.read_from(0, 64).0, b"keep me");
    hv.check_invariants().unwrap();
}

// read_console_ring `clear` (deviation, see sysctl.rs): Xen discards exactly the bytes read; the
// ring here can only be emptied whole, so a read that leaves bytes behind clears nothing rather
// than losing them.
#[test]
fn readconsole_clear_after_a_partial_read_keeps_the_unread_bytes() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.console.write(b"0123456789");
    let mut r = rc(4);
    r.clear = 1;
    let (ret, out, bytes) = readconsole(&hv, &dom0, &mut guest, r);
    assert_eq!((ret, bytes.as_slice(), out.index), (0, &b"0123"[..], 4));
    let (_, _, bytes) = readconsole(&hv, &dom0, &mut guest, rc(64));
    assert_eq!(bytes, b"0123456789");
    hv.check_invariants().unwrap();
}
