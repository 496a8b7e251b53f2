//! XEN_DOMCTL_* through the dispatcher, one rule per test, against Xen 4.17
//! (xen/common/domctl.c `do_domctl`, xen/common/domain.c, xen/arch/x86/domctl.c and
//! xen/arch/x86/mm/paging.c). Every test ends with the hypervisor's invariants.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_mm::frame::Gfn;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_public::abi::Payload;
use xen_public::arch_x86::xen::{XEN_X86_EMU_ALL, XEN_X86_EMU_LAPIC, XEN_X86_EMU_VPCI};
use xen_public::domctl::*;
use xen_public::xen::{__HYPERVISOR_domctl, DOMID_FIRST_RESERVED, DOMID_SELF};
use xen_public::GuestHandle;

/// Where the xen_domctl goes in the guest buffer.
const OP: u64 = GUEST_BASE;
/// Where a dirty bitmap goes.
const BITMAP: u64 = GUEST_BASE + 0x1000;

/// Issues the domctl `op` as `caller` and returns rax.
fn domctl(hv: &TestHv, caller: &Arc<TestDomain>, guest: &mut FlatGuest, op: &xen_domctl) -> i64 {
    guest.put(OP, op);
    match common::hypercall(hv, caller, guest, __HYPERVISOR_domctl, [OP, 0, 0, 0, 0]) {
        Outcome::Return(v) => v,
        other => panic!("unexpected {other:?}"),
    }
}

/// The op as the guest's buffer holds it after the call.
fn op_back(guest: &FlatGuest) -> xen_domctl {
    guest.get(OP)
}

/// A domctl `cmd` on `domain` carrying `payload`.
fn op_with<T: zerocopy::IntoBytes + zerocopy::Immutable>(
    cmd: u32,
    domain: u16,
    payload: &T,
) -> xen_domctl {
    let mut op = xen_domctl::new(cmd, domain);
    assert!(op.set(payload));
    op
}

/// A PVH guest's createdomain: HVM with HAP, the local APIC only.
fn pvh_create(max_vcpus: u32) -> xen_domctl_createdomain {
    let mut c = xen_domctl_createdomain {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus,
        ..Default::default()
    };
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    c
}

/// Creates a domain through the domctl (id 0: any) and returns its id.
fn create(hv: &TestHv, dom0: &Arc<TestDomain>, guest: &mut FlatGuest, domid: u16) -> u16 {
    let op = op_with(XEN_DOMCTL_createdomain, domid, &pvh_create(1));
    assert_eq!(domctl(hv, dom0, guest, &op), 0);
    op_back(guest).domain
}

fn getdomaininfo(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
) -> Result<xen_domctl_getdomaininfo, i64> {
    let op = xen_domctl::new(XEN_DOMCTL_getdomaininfo, domid);
    match domctl(hv, caller, guest, &op) {
        0 => Ok(op_back(guest).get().unwrap()),
        e => Err(e),
    }
}

fn simple(hv: &TestHv, caller: &Arc<TestDomain>, guest: &mut FlatGuest, cmd: u32, d: u16) -> i64 {
    domctl(hv, caller, guest, &xen_domctl::new(cmd, d))
}

// xen/common/domctl.c do_domctl: `op->interface_version != XEN_DOMCTL_INTERFACE_VERSION` is
// -EACCES, before anything else happens.
#[test]
fn wrong_interface_version_is_eacces_and_changes_nothing() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let before = hv.heap.physinfo();
    for version in [
        0,
        XEN_DOMCTL_INTERFACE_VERSION - 1,
        XEN_DOMCTL_INTERFACE_VERSION + 1,
    ] {
        let mut op = op_with(XEN_DOMCTL_createdomain, 0, &pvh_create(1));
        op.interface_version = version;
        assert_eq!(domctl(&hv, &dom0, &mut guest, &op), Errno::EACCES.negated());
        assert_eq!(op_back(&guest), op, "nothing copied back");
    }
    assert_eq!(hv.domains.len(), 1);
    assert_eq!(hv.heap.physinfo(), before);
    hv.check_invariants().unwrap();
}

// do_domctl: `copy_from_guest(op, u_domctl, 1)` failing is -EFAULT.
#[test]
fn unreadable_op_is_efault() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let end = GUEST_BASE + common::GUEST_BYTES as u64;
    // Null, before the buffer, straddling its end, wrapping the address space.
    for addr in [0, GUEST_BASE - 8, end - 8, u64::MAX - 4] {
        assert_eq!(
            common::hypercall(
                &hv,
                &dom0,
                &mut guest,
                __HYPERVISOR_domctl,
                [addr, 0, 0, 0, 0]
            ),
            Outcome::Return(Errno::EFAULT.negated()),
            "{addr:#x}"
        );
    }
    assert_eq!(hv.domains.len(), 1);
    hv.check_invariants().unwrap();
}

// include/xsm/dummy.h xsm_domctl: XSM_PRIV for these commands, so a domU gets -EPERM and
// nothing changes, even for commands on itself.
#[test]
fn unprivileged_caller_gets_eperm_and_nothing_changes() {
    let (hv, _dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let domu = hv
        .create_domain(Some(7), common::pvh_config(false))
        .unwrap();
    domu.mem.set_max_pages(100);
    let before = hv.heap.physinfo();
    let eperm = Errno::EPERM.negated();

    let op = op_with(XEN_DOMCTL_createdomain, 0, &pvh_create(1));
    assert_eq!(domctl(&hv, &domu, &mut guest, &op), eperm);
    assert_eq!(
        simple(&hv, &domu, &mut guest, XEN_DOMCTL_destroydomain, 0),
        eperm
    );
    assert_eq!(
        simple(&hv, &domu, &mut guest, XEN_DOMCTL_pausedomain, 0),
        eperm
    );
    assert_eq!(
        simple(&hv, &domu, &mut guest, XEN_DOMCTL_unpausedomain, 7),
        eperm
    );
    assert_eq!(getdomaininfo(&hv, &domu, &mut guest, 7), Err(eperm));
    let op = op_with(
        XEN_DOMCTL_max_mem,
        7,
        &xen_domctl_max_mem { max_memkb: 1 << 30 },
    );
    assert_eq!(domctl(&hv, &domu, &mut guest, &op), eperm);
    let op = op_with(XEN_DOMCTL_max_vcpus, 7, &xen_domctl_max_vcpus { max: 1 });
    assert_eq!(domctl(&hv, &domu, &mut guest, &op), eperm);

    assert_eq!(hv.domains.len(), 2);
    assert_eq!(domu.mem.max_pages(), 100);
    assert_eq!(domu.state().controller_pause_count, 1);
    assert_eq!(domu.state().vcpus, 0);
    assert!(hv.domains.get(0).is_some());
    assert_eq!(hv.heap.physinfo(), before);
    hv.check_invariants().unwrap();
}

// include/xsm/dummy.h xsm_domctl: getdomaininfo is XSM_XS_PRIV, so a xenstore domain may use
// it though it is not the control domain.
#[test]
fn xenstore_domain_may_getdomaininfo() {
    let (hv, _dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let mut config = common::pvh_config(false);
    config.flags |= XEN_DOMCTL_CDF_xs_domain;
    let xs = hv.create_domain(Some(3), config).unwrap();
    let info = getdomaininfo(&hv, &xs, &mut guest, 0).unwrap();
    assert_eq!(info.domain, 0);
    let info = getdomaininfo(&hv, &xs, &mut guest, 3).unwrap();
    assert_ne!(info.flags & XEN_DOMINF_xs_domain, 0);
    // Everything else stays the control domain's.
    assert_eq!(
        simple(&hv, &xs, &mut guest, XEN_DOMCTL_pausedomain, 0),
        Errno::EPERM.negated()
    );
    hv.check_invariants().unwrap();
}

// do_domctl: the target is looked up (`rcu_lock_domain_by_id`) before xsm_domctl, so a
// missing domain is -ESRCH even for a domU; DOMID_SELF is not an id there.
#[test]
fn missing_target_is_esrch_before_the_privilege_check() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let domu = hv
        .create_domain(Some(7), common::pvh_config(false))
        .unwrap();
    let esrch = Errno::ESRCH.negated();
    for caller in [&dom0, &domu] {
        for cmd in [
            XEN_DOMCTL_destroydomain,
            XEN_DOMCTL_pausedomain,
            XEN_DOMCTL_max_mem,
        ] {
            assert_eq!(simple(&hv, caller, &mut guest, cmd, 9), esrch);
            assert_eq!(simple(&hv, caller, &mut guest, cmd, DOMID_SELF), esrch);
        }
    }
    assert_eq!(hv.domains.len(), 2);
    hv.check_invariants().unwrap();
}

// do_domctl: an unknown command (arch_do_domctl, iommu_do_domctl) is -ENOSYS.
#[test]
fn unknown_command_is_enosys() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    for cmd in [0, XEN_DOMCTL_setvcpucontext, 999, u32::MAX] {
        assert_eq!(
            simple(&hv, &dom0, &mut guest, cmd, 0),
            Errno::ENOSYS.negated()
        );
    }
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_createdomain: 0 or a reserved id picks one with the rover (after the last
// id handed out, never 0), and the chosen id is written back to the op's `domain`.
#[test]
fn createdomain_picks_ids_with_the_rover_and_writes_them_back() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    assert_eq!(create(&hv, &dom0, &mut guest, 0), 1);
    assert_eq!(create(&hv, &dom0, &mut guest, DOMID_FIRST_RESERVED), 2);
    assert_eq!(create(&hv, &dom0, &mut guest, u16::MAX), 3);
    // An explicit id does not move the rover.
    assert_eq!(create(&hv, &dom0, &mut guest, 10), 10);
    assert_eq!(create(&hv, &dom0, &mut guest, 0), 4);
    // Freed ids are not reused until the rover comes round again.
    let d1 = hv.domains.get(1).unwrap();
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_destroydomain, 1),
        0
    );
    assert!(hv.domains.get(1).is_none());
    drop(d1);
    assert_eq!(create(&hv, &dom0, &mut guest, 0), 5);
    let d = hv.domains.get(5).unwrap();
    assert!(d.is_hvm() && !d.is_privileged());
    assert_eq!(d.state().controller_pause_count, 1, "created paused");
    assert!(!d.state().creation_finished);
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_createdomain: an explicit id that is taken is -EEXIST; nothing changes.
#[test]
fn createdomain_with_a_taken_id_is_eexist() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    assert_eq!(create(&hv, &dom0, &mut guest, 5), 5);
    let before = hv.heap.physinfo();
    let op = op_with(XEN_DOMCTL_createdomain, 5, &pvh_create(1));
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), Errno::EEXIST.negated());
    // The check comes before the configuration's.
    let op = op_with(XEN_DOMCTL_createdomain, 5, &pvh_create(0));
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), Errno::EEXIST.negated());
    assert_eq!(op_back(&guest).domain, 5, "nothing copied back");
    assert_eq!(hv.domains.len(), 2);
    assert_eq!(hv.heap.physinfo(), before);
    hv.check_invariants().unwrap();
}

/// Breaks one thing in a createdomain configuration.
type Breaker = fn(&mut xen_domctl_createdomain);

// xen/common/domain.c sanitise_domain_config and xen/arch/x86/domain.c
// arch_sanitise_domain_config / arch_domain_create (emulation_flags_ok): each bad configuration
// gets Xen's errno and creates nothing.
#[test]
fn createdomain_refuses_bad_configurations() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let before = hv.heap.physinfo();
    let einval = Errno::EINVAL.negated();
    let cases: Vec<(&str, Breaker, i64)> = vec![
        ("unknown flag", |c| c.flags |= 1 << 8, einval),
        ("top flag", |c| c.flags |= 1 << 31, einval),
        ("hap without hvm", |c| c.flags = XEN_DOMCTL_CDF_hap, einval),
        ("no vcpus", |c| c.max_vcpus = 0, einval),
        ("too many vcpus", |c| c.max_vcpus = 129, einval),
        ("pv", |c| c.flags = 0, einval),
        ("hvm with shadow", |c| c.flags = XEN_DOMCTL_CDF_hvm, einval),
        ("grant opts", |c| c.grant_opts = 0x10, einval),
        ("iommu", |c| c.flags |= XEN_DOMCTL_CDF_iommu, einval),
        ("iommu opts", |c| c.iommu_opts = 1, einval),
        ("vmtrace", |c| c.vmtrace_size = 4096, einval),
        ("vpmu", |c| c.flags |= XEN_DOMCTL_CDF_vpmu, einval),
        ("s3", |c| c.flags |= XEN_DOMCTL_CDF_s3_integrity, einval),
        ("misc flags", |c| c.arch.misc_flags = 2, einval),
        ("cpupool", |c| c.cpupool_id = 1, Errno::ESRCH.negated()),
        (
            "unknown emulation bit",
            |c| c.arch.emulation_flags = XEN_X86_EMU_ALL + 1,
            einval,
        ),
        (
            "no emulated LAPIC",
            |c| c.arch.emulation_flags = 0,
            Errno::EOPNOTSUPP.negated(),
        ),
        (
            "vPCI for a domU",
            |c| c.arch.emulation_flags = XEN_X86_EMU_ALL,
            Errno::EOPNOTSUPP.negated(),
        ),
    ];
    for (what, break_it, errno) in &cases {
        let mut cfg = pvh_create(1);
        break_it(&mut cfg);
        let op = op_with(XEN_DOMCTL_createdomain, 0, &cfg);
        assert_eq!(domctl(&hv, &dom0, &mut guest, &op), *errno, "{what}");
        assert_eq!(op_back(&guest), op, "{what}: nothing copied back");
        assert_eq!(hv.domains.len(), 1, "{what}");
        assert_eq!(hv.heap.physinfo(), before, "{what}");
    }
    // The two accepted emulation sets: a PVH guest's and a full HVM guest's.
    let mut cfg = pvh_create(2);
    cfg.arch.emulation_flags = XEN_X86_EMU_ALL & !XEN_X86_EMU_VPCI;
    let op = op_with(XEN_DOMCTL_createdomain, 0, &cfg);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    assert_eq!(create(&hv, &dom0, &mut guest, 0), 2);
    hv.check_invariants().unwrap();
}

// do_domctl createdomain + getdomaininfo + destroydomain (domain_kill): a full cycle gives every
// frame back to the heap.
#[test]
fn create_getdomaininfo_destroy_returns_the_heap() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let start = hv.heap.physinfo();
    let domid = create(&hv, &dom0, &mut guest, 0);
    assert!(hv.heap.physinfo().free_pages < start.free_pages);
    let info = getdomaininfo(&hv, &dom0, &mut guest, domid).unwrap();
    assert_eq!(info.domain, domid);
    assert_eq!(op_back(&guest).domain, domid);
    hv.check_invariants().unwrap();

    // Memory for it, and p2m tables mapping it.
    let d = hv.domains.get(domid).unwrap();
    d.mem.set_max_pages(64);
    let mfn = hv
        .heap
        .alloc_domheap_pages(&d.mem, 5, &Default::default())
        .unwrap();
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(0x100),
            Some(mfn),
            5,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap();
    drop(d);
    hv.check_invariants().unwrap();

    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_destroydomain, domid),
        0
    );
    assert!(hv.domains.get(domid).is_none());
    assert_eq!(hv.heap.physinfo(), start);
    // Gone: getdomaininfo finds no domain from that id on.
    assert_eq!(
        getdomaininfo(&hv, &dom0, &mut guest, domid),
        Err(Errno::ESRCH.negated())
    );
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_destroydomain: domain_kill's -ERESTART becomes a continuation of the same
// call; re-issued until done, the domain's memory all comes back.
#[test]
fn destroydomain_continues_until_the_memory_is_back() {
    let (hv, dom0) = common::hypervisor(8192);
    let mut guest = common::guest();
    let start = hv.heap.physinfo();
    let domid = create(&hv, &dom0, &mut guest, 0);
    let d = hv.domains.get(domid).unwrap();
    d.mem.set_max_pages(4096);
    for i in 0..4 {
        let mfn = hv
            .heap
            .alloc_domheap_pages(&d.mem, 9, &Default::default())
            .unwrap();
        d.p2m
            .set_entry(
                &hv.heap,
                Gfn(i << 9),
                Some(mfn),
                9,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    for _ in 0..100 {
        hv.heap
            .alloc_domheap_pages(&d.mem, 0, &Default::default())
            .unwrap();
    }
    drop(d);
    hv.check_invariants().unwrap();

    // Preempted at every check: one continuation per relinquished batch at least.
    guest.put(OP, &xen_domctl::new(XEN_DOMCTL_destroydomain, domid));
    let (ret, continuations) = common::hypercall_to_completion(
        &hv,
        &dom0,
        &mut guest,
        0,
        __HYPERVISOR_domctl,
        [OP, 0, 0, 0, 0],
    );
    assert_eq!(ret, 0);
    assert!(continuations >= 3, "{continuations} continuations");
    assert!(hv.domains.get(domid).is_none());
    assert_eq!(hv.heap.physinfo(), start);
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_destroydomain: while a destroy is under way the domain is still listed
// (4.17 reports XEN_DOMINF_dying only once it is dead), and its invariants hold at every step.
#[test]
fn destroydomain_midway_keeps_the_domain_listed() {
    let (hv, dom0) = common::hypervisor(8192);
    let mut guest = common::guest();
    let domid = create(&hv, &dom0, &mut guest, 0);
    let d = hv.domains.get(domid).unwrap();
    d.mem.set_max_pages(2048);
    for _ in 0..4 {
        hv.heap
            .alloc_domheap_pages(&d.mem, 9, &Default::default())
            .unwrap();
    }
    let op = xen_domctl::new(XEN_DOMCTL_destroydomain, domid);
    guest.put(OP, &op);
    let mut preempt = hypercall::dispatch::PreemptAfter { steps: 0 };
    let out = common::hypercall_preempted(
        &hv,
        &dom0,
        &mut guest,
        &mut preempt,
        __HYPERVISOR_domctl,
        [OP, 0, 0, 0, 0],
    );
    assert_eq!(out, Outcome::Continue([OP, 0, 0, 0, 0]));
    hv.check_invariants().unwrap();
    let info = getdomaininfo(&hv, &dom0, &mut guest, domid).unwrap();
    assert_eq!(info.domain, domid);
    assert_eq!(info.flags & XEN_DOMINF_dying, 0);
    assert!(info.tot_pages < 2048);
    // Finishing it, then the reference still held sees it dead.
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_destroydomain, domid),
        0
    );
    assert_eq!(d.mem.tot_pages(), 0);
    assert_eq!(d.life(), hypercall::domain::Life::Dead);
    let info = hypercall::domctl::getdomaininfo(&hv, &d);
    assert_eq!(info.flags & XEN_DOMINF_dying, XEN_DOMINF_dying);
    assert_eq!(
        info.flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_hap),
        XEN_DOMINF_hvm_guest | XEN_DOMINF_hap
    );
    hv.check_invariants().unwrap();
}

// xen/common/domctl.c getdomaininfo: XEN_DOMINF_hvm_guest and XEN_DOMINF_hap follow the domain's
// own flags (is_hvm_domain, paging_mode_hap); a PV domain (which only the portable core can make:
// XEN_DOMCTL_createdomain refuses PV) shows its shared_info mfn, not a gfn.
#[test]
fn getdomaininfo_reports_hvm_and_hap_from_the_domain() {
    let (hv, _dom0) = common::hypervisor(4096);
    let pv = hv
        .create_domain(
            None,
            hypercall::domain::DomainConfig {
                flags: 0,
                max_vcpus: 1,
                ..Default::default()
            },
        )
        .unwrap();
    let info = hypercall::domctl::getdomaininfo(&hv, &pv);
    assert_eq!(info.flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_hap), 0);
    assert_eq!(info.shared_info_frame, pv.shared_info.0);
}

// xen/common/domain.c domain_kill: `if ( d == current->domain ) return -EINVAL;` - dom0 cannot
// destroy itself (nor can any domain).
#[test]
fn destroying_yourself_is_einval() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let before = hv.heap.physinfo();
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_destroydomain, 0),
        Errno::EINVAL.negated()
    );
    assert_eq!(dom0.life(), hypercall::domain::Life::Alive);
    assert_eq!(hv.heap.physinfo(), before);
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_getdomaininfo (4.17): the first domain with an id at or above the one
// asked for; -ESRCH past the last; -EINVAL for a reserved id.
#[test]
fn getdomaininfo_returns_the_next_domain() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    create(&hv, &dom0, &mut guest, 5);
    create(&hv, &dom0, &mut guest, 9);
    for (asked, got) in [(0, 0), (1, 5), (5, 5), (6, 9), (9, 9)] {
        let info = getdomaininfo(&hv, &dom0, &mut guest, asked).unwrap();
        assert_eq!(info.domain, got, "asked {asked}");
        assert_eq!(op_back(&guest).domain, got, "op.domain follows");
    }
    assert_eq!(
        getdomaininfo(&hv, &dom0, &mut guest, 10),
        Err(Errno::ESRCH.negated())
    );
    for reserved in [DOMID_FIRST_RESERVED, DOMID_SELF, u16::MAX] {
        assert_eq!(
            getdomaininfo(&hv, &dom0, &mut guest, reserved),
            Err(Errno::EINVAL.negated())
        );
    }
    hv.check_invariants().unwrap();
}

// xen/common/domctl.c getdomaininfo and x86 arch_get_domain_info: what the fields hold.
#[test]
fn getdomaininfo_fills_the_fields() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let mut cfg = pvh_create(3);
    cfg.handle = *b"0123456789abcdef";
    cfg.ssidref = 77;
    let op = op_with(XEN_DOMCTL_createdomain, 4, &cfg);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    let d = hv.domains.get(4).unwrap();

    let info = getdomaininfo(&hv, &dom0, &mut guest, 4).unwrap();
    // Paused by its controller, HVM with HAP, no shutdown code (SHUTDOWN_CODE_INVALID << 16).
    assert_eq!(
        info.flags,
        XEN_DOMINF_paused | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap | 0xffff_0000
    );
    assert_eq!(info.handle, cfg.handle);
    assert_eq!(info.ssidref, 0, "the dummy XSM policy reports no label");
    assert_eq!(
        (info.nr_online_vcpus, info.max_vcpu_id),
        (0, XEN_INVALID_MAX_VCPU_ID)
    );
    assert_eq!(
        (info.tot_pages, info.max_pages, info.outstanding_pages),
        (0, 0, 0)
    );
    assert_eq!(info.shared_info_frame, u64::MAX, "not mapped by the guest");
    assert_eq!(info.cpupool, 0);
    assert_eq!(info.gpaddr_bits, 48);
    assert_eq!(info.arch_config.emulation_flags, XEN_X86_EMU_LAPIC);

    // vCPUs, memory, a claim, the shared_info mapping, a shutdown, unpaused.
    let op = op_with(XEN_DOMCTL_max_vcpus, 4, &xen_domctl_max_vcpus { max: 3 });
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    let op = op_with(
        XEN_DOMCTL_max_mem,
        4,
        &xen_domctl_max_mem { max_memkb: 400 },
    );
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    hv.heap
        .alloc_domheap_pages(&d.mem, 3, &Default::default())
        .unwrap();
    hv.heap.claim_pages(&d.mem, 50, None).unwrap();
    d.state().shared_info_gfn = Some(Gfn(0xfeff));
    {
        let mut st = d.state();
        st.shutdown_code = Some(xen_public::sched::SHUTDOWN_reboot);
        st.is_shutting_down = true;
    }
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_unpausedomain, 4),
        0
    );

    let info = getdomaininfo(&hv, &dom0, &mut guest, 4).unwrap();
    assert_eq!(
        info.flags,
        XEN_DOMINF_shutdown
            | XEN_DOMINF_hvm_guest
            | XEN_DOMINF_hap
            | (xen_public::sched::SHUTDOWN_reboot << XEN_DOMINF_shutdownshift)
    );
    assert_eq!((info.nr_online_vcpus, info.max_vcpu_id), (3, 2));
    assert_eq!(
        (info.tot_pages, info.max_pages, info.outstanding_pages),
        (8, 100, 42)
    );
    assert_eq!(info.shared_info_frame, 0xfeff);
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_max_mem: `max_memkb >> (PAGE_SHIFT - 10)`, capped at the 32-bit
// d->max_pages; it may go below tot_pages.
#[test]
fn max_mem_sets_max_pages_from_kib() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let domid = create(&hv, &dom0, &mut guest, 0);
    let d = hv.domains.get(domid).unwrap();
    for (kib, pages) in [
        (0, 0),
        (3, 0),
        (4, 1),
        (4097, 1024),
        (1 << 40, u64::from(u32::MAX)),
        (u64::MAX, u64::from(u32::MAX)),
    ] {
        let op = op_with(
            XEN_DOMCTL_max_mem,
            domid,
            &xen_domctl_max_mem { max_memkb: kib },
        );
        assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
        assert_eq!(d.mem.max_pages(), pages, "{kib} KiB");
    }
    // Below what it holds: allowed; it just cannot grow.
    d.mem.set_max_pages(16);
    hv.heap
        .alloc_domheap_pages(&d.mem, 3, &Default::default())
        .unwrap();
    let op = op_with(
        XEN_DOMCTL_max_mem,
        domid,
        &xen_domctl_max_mem { max_memkb: 4 },
    );
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    assert_eq!(d.mem.max_pages(), 1);
    assert!(hv
        .heap
        .alloc_domheap_pages(&d.mem, 0, &Default::default())
        .is_err());
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_max_vcpus: -EINVAL unless it matches createdomain's max_vcpus, or for the
// caller itself.
#[test]
fn max_vcpus_must_match_createdomain() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let op = op_with(XEN_DOMCTL_createdomain, 0, &pvh_create(2));
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    let domid = op_back(&guest).domain;
    let d = hv.domains.get(domid).unwrap();
    for bad in [0, 1, 3, u32::MAX] {
        let op = op_with(
            XEN_DOMCTL_max_vcpus,
            domid,
            &xen_domctl_max_vcpus { max: bad },
        );
        assert_eq!(domctl(&hv, &dom0, &mut guest, &op), Errno::EINVAL.negated());
        assert_eq!(d.state().vcpus, 0);
    }
    let op = op_with(XEN_DOMCTL_max_vcpus, 0, &xen_domctl_max_vcpus { max: 1 });
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), Errno::EINVAL.negated());
    let op = op_with(
        XEN_DOMCTL_max_vcpus,
        domid,
        &xen_domctl_max_vcpus { max: 2 },
    );
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    assert_eq!(d.state().vcpus, 2);
    hv.check_invariants().unwrap();
}

// xen/common/domain.c domain_pause_by_systemcontroller / domain_unpause_by_systemcontroller:
// counted, at most 255 (-EOVERFLOW), not below zero (-EINVAL); the first unpause to zero
// finishes creation.
#[test]
fn pause_and_unpause_count_with_xens_limits() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let domid = create(&hv, &dom0, &mut guest, 0);
    let d = hv.domains.get(domid).unwrap();
    assert_eq!(d.state().controller_pause_count, 1);

    for n in 2..=255 {
        assert_eq!(
            simple(&hv, &dom0, &mut guest, XEN_DOMCTL_pausedomain, domid),
            0
        );
        assert_eq!(d.state().controller_pause_count, n);
    }
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_pausedomain, domid),
        Errno::EOVERFLOW.negated()
    );
    assert_eq!(d.state().controller_pause_count, 255);

    for n in (0..255).rev() {
        assert_eq!(
            simple(&hv, &dom0, &mut guest, XEN_DOMCTL_unpausedomain, domid),
            0
        );
        assert_eq!(d.state().controller_pause_count, n);
        assert_eq!(d.state().creation_finished, n == 0);
    }
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_unpausedomain, domid),
        Errno::EINVAL.negated()
    );
    assert_eq!(d.state().controller_pause_count, 0);
    assert!(!d.is_paused());

    // Paused again and unpaused: creation stays finished.
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_pausedomain, domid),
        0
    );
    assert!(d.is_paused());
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_unpausedomain, domid),
        0
    );
    assert!(d.state().creation_finished);
    hv.check_invariants().unwrap();
}

// do_domctl XEN_DOMCTL_pausedomain: `if ( d != current->domain )`, else -EINVAL.
#[test]
fn pausing_yourself_is_einval() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    assert_eq!(
        simple(&hv, &dom0, &mut guest, XEN_DOMCTL_pausedomain, 0),
        Errno::EINVAL.negated()
    );
    assert_eq!(dom0.state().controller_pause_count, 0);
    hv.check_invariants().unwrap();
}

/// A created domain with its vCPU up, `pages` frames mapped from gfn 0.
fn logdirty_domain(
    hv: &TestHv,
    dom0: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    order: u32,
) -> (u16, Arc<TestDomain>) {
    let domid = create(hv, dom0, guest, 0);
    let op = op_with(
        XEN_DOMCTL_max_vcpus,
        domid,
        &xen_domctl_max_vcpus { max: 1 },
    );
    assert_eq!(domctl(hv, dom0, guest, &op), 0);
    let d = hv.domains.get(domid).unwrap();
    d.mem.set_max_pages(1 << order);
    let mfn = hv
        .heap
        .alloc_domheap_pages(&d.mem, order, &Default::default())
        .unwrap();
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(0),
            Some(mfn),
            order,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap();
    (domid, d)
}

fn shadow(
    hv: &TestHv,
    dom0: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    sc: xen_domctl_shadow_op,
) -> (i64, xen_domctl_shadow_op) {
    let op = op_with(XEN_DOMCTL_shadow_op, domid, &sc);
    let ret = domctl(hv, dom0, guest, &op);
    (ret, op_back(guest).get().unwrap())
}

fn sc(op: u32) -> xen_domctl_shadow_op {
    xen_domctl_shadow_op {
        op,
        ..Default::default()
    }
}

// xen/arch/x86/mm/paging.c paging_domctl + paging_log_dirty_op: enable log-dirty, PEEK hands out
// the bitmap and statistics, CLEAN hands them out and clears them, OFF turns it off; the op is
// copied back with the pages covered.
#[test]
fn shadow_op_logdirty_peek_clean_off() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 6);

    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, 0);
    assert!(d.p2m.logdirty_enabled());
    for gfn in [0, 9, 63] {
        d.p2m.mark_dirty(Gfn(gfn));
    }

    // PEEK of 20 pages: 3 bytes, gfn 0 and 9 set; the byte after untouched.
    guest.put(BITMAP, &[0xaau8; 16]);
    let mut peek = sc(XEN_DOMCTL_SHADOW_OP_PEEK);
    peek.dirty_bitmap = GuestHandle::new(BITMAP);
    peek.pages = 20;
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!(ret, 0);
    assert_eq!(out.pages, 20);
    assert_eq!(out.stats.dirty_count, 3);
    assert_eq!(guest.get::<[u8; 4]>(BITMAP), [0x01, 0x02, 0x00, 0xaa]);

    // CLEAN of more than the domain maps: covers its 64 gfns only.
    let mut clean = sc(XEN_DOMCTL_SHADOW_OP_CLEAN);
    clean.dirty_bitmap = GuestHandle::new(BITMAP);
    clean.pages = 1 << 40;
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, clean);
    assert_eq!(ret, 0);
    assert_eq!(out.pages, 64);
    assert_eq!(out.stats.dirty_count, 3);
    assert_eq!(guest.get::<u64>(BITMAP), 1 | 1 << 9 | 1 << 63);
    assert_eq!(guest.get::<u8>(BITMAP + 8), 0xaa);

    // Cleared: a second CLEAN (null bitmap: statistics only) finds nothing.
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, clean_stats_only());
    assert_eq!(ret, 0);
    assert_eq!(out.stats.dirty_count, 0);

    // Enabling twice is -EINVAL; OFF turns it off, and twice is fine.
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, Errno::EINVAL.negated());
    for _ in 0..2 {
        let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, sc(XEN_DOMCTL_SHADOW_OP_OFF));
        assert_eq!(ret, 0);
        assert!(!d.p2m.logdirty_enabled());
    }
    // ENABLE with the LOG_DIRTY mode is the same as ENABLE_LOGDIRTY.
    let mut enable = sc(XEN_DOMCTL_SHADOW_OP_ENABLE);
    enable.mode = XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY;
    let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, enable);
    assert_eq!(ret, 0);
    assert!(d.p2m.logdirty_enabled());
    hv.check_invariants().unwrap();
}

fn clean_stats_only() -> xen_domctl_shadow_op {
    let mut s = sc(XEN_DOMCTL_SHADOW_OP_CLEAN);
    s.pages = 64;
    s
}

// paging_domctl / hap_domctl: bad requests get Xen's errno and change nothing - the caller
// itself, no vCPUs yet, a shadow mode other than log-dirty, a bad CLEAN/PEEK mode, an unknown op,
// PEEK with log-dirty off (xen-mm), a bitmap that faults.
#[test]
fn shadow_op_bad_requests() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let einval = Errno::EINVAL.negated();

    // Itself.
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        0,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, einval);
    assert!(!dom0.p2m.logdirty_enabled());

    // No vCPUs yet.
    let domid = create(&hv, &dom0, &mut guest, 0);
    let d = hv.domains.get(domid).unwrap();
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, einval);
    assert!(!d.p2m.logdirty_enabled());

    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 4);
    for bad in [
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE),
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_TEST),
        sc(99),
        sc(XEN_DOMCTL_SHADOW_OP_PEEK),
    ] {
        let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, bad);
        assert_eq!(ret, einval, "{bad:?}");
        assert!(!d.p2m.logdirty_enabled());
    }
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, 0);
    d.p2m.mark_dirty(Gfn(1));
    let mut peek = sc(XEN_DOMCTL_SHADOW_OP_PEEK);
    peek.mode = 2;
    let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!(ret, einval);
    // FINAL is the only mode bit CLEAN and PEEK take.
    peek.mode = XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL;
    peek.pages = 16;
    peek.dirty_bitmap = GuestHandle::new(8);
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!(ret, Errno::EFAULT.negated());
    assert_eq!(out.op, XEN_DOMCTL_SHADOW_OP_PEEK);
    // PEEK left the bitmap as it was.
    peek.dirty_bitmap = GuestHandle::new(BITMAP);
    let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!(ret, 0);
    assert_eq!(guest.get::<[u8; 2]>(BITMAP), [0x02, 0x00]);
    hv.check_invariants().unwrap();
}

// xen/arch/x86/mm/hap/hap.c hap_enable_log_dirty: refused with -EBUSY while ioreq_server pages
// exist.
#[test]
fn shadow_op_enable_with_ioreq_server_pages_is_ebusy() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 4);
    let mfn = d.mem.blocks()[0].0;
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(2),
            Some(mfn + 2),
            0,
            P2mType::IoreqServer,
            P2mAccess::Rwx,
        )
        .unwrap();
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, Errno::EBUSY.negated());
    assert!(!d.p2m.logdirty_enabled());
    hv.check_invariants().unwrap();
}

// hap_domctl XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION: the paging memory in MiB, rounded up; the op
// comes back with it.
#[test]
fn shadow_op_get_allocation_reports_mib() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 4);
    let (ret, out) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION),
    );
    assert_eq!(ret, 0);
    assert!(d.p2m.table_frames() > 1);
    assert_eq!(u64::from(out.mb), d.p2m.table_frames().div_ceil(256));
    assert_eq!(out.mb, 1);
    // 300 4 KiB entries 2 MiB apart take a page table each: past 256 tables, 2 MiB.
    d.mem.set_max_pages(d.mem.max_pages() + 1);
    let mfn = hv
        .heap
        .alloc_domheap_pages(&d.mem, 0, &Default::default())
        .unwrap();
    for i in 1..=300u64 {
        d.p2m
            .set_entry(
                &hv.heap,
                Gfn(i << 9),
                Some(mfn),
                0,
                P2mType::RamRw,
                P2mAccess::Rwx,
            )
            .unwrap();
    }
    assert!(d.p2m.table_frames() > 256);
    let (ret, out) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION),
    );
    assert_eq!((ret, out.mb), (0, 2));
    // Xen resizes its paging pool; the p2m here takes its tables from the domain heap as it
    // needs them, so there is nothing to set (deviation).
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION),
    );
    assert_eq!(ret, Errno::EOPNOTSUPP.negated());
}

// paging_log_dirty_op copies (pages + 7) / 8 bytes of bitmap: whole words, then the bytes of the
// last one that are needed, and nothing past them.
#[test]
fn shadow_op_peek_writes_only_the_bytes_the_pages_need() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 7);
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, 0);
    for gfn in [1, 64] {
        d.p2m.mark_dirty(Gfn(gfn));
    }
    guest.put(BITMAP, &[0xaau8; 24]);
    let mut peek = sc(XEN_DOMCTL_SHADOW_OP_PEEK);
    peek.dirty_bitmap = GuestHandle::new(BITMAP);
    peek.pages = 70;
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!((ret, out.pages), (0, 70));
    assert_eq!(guest.get::<u64>(BITMAP), 1 << 1);
    assert_eq!(guest.get::<[u8; 3]>(BITMAP + 8), [0x01, 0xaa, 0xaa]);
}

// paging_log_dirty_op covers no more than the domain's highest gfn; beyond
// LOGDIRTY_MAX_PAGES (the bitmap xen-mm would build at once) it is -ENOMEM, Xen's errno for a
// bitmap it cannot allocate, and nothing is cleared.
#[test]
fn shadow_op_huge_bitmap_is_enomem() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let (domid, d) = logdirty_domain(&hv, &dom0, &mut guest, 2);
    d.mem.set_max_pages(8);
    let mfn = hv
        .heap
        .alloc_domheap_pages(&d.mem, 0, &Default::default())
        .unwrap();
    let high = hypercall::domctl::LOGDIRTY_MAX_PAGES;
    d.p2m
        .set_entry(
            &hv.heap,
            Gfn(high),
            Some(mfn),
            0,
            P2mType::RamRw,
            P2mAccess::Rwx,
        )
        .unwrap();
    let (ret, _) = shadow(
        &hv,
        &dom0,
        &mut guest,
        domid,
        sc(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY),
    );
    assert_eq!(ret, 0);
    d.p2m.mark_dirty(Gfn(1));

    let mut clean = sc(XEN_DOMCTL_SHADOW_OP_CLEAN);
    clean.pages = u64::MAX;
    let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, clean);
    assert_eq!(ret, Errno::ENOMEM.negated());
    // The dirty gfn is still there.
    let mut peek = sc(XEN_DOMCTL_SHADOW_OP_PEEK);
    peek.pages = 8;
    peek.dirty_bitmap = GuestHandle::new(BITMAP);
    let (ret, _) = shadow(&hv, &dom0, &mut guest, domid, peek);
    assert_eq!(ret, 0);
    assert_eq!(guest.get::<u8>(BITMAP), 0x02);
    // Up to the limit it works (statistics only: no bitmap buffer that large here).
    clean.pages = high;
    let (ret, out) = shadow(&hv, &dom0, &mut guest, domid, clean);
    assert_eq!(ret, 0);
    assert_eq!(out.pages, high);
    assert_eq!(out.stats.dirty_count, 1);
    hv.check_invariants().unwrap();
}

// xen/common/domain.c sanitise_domain_config: the known CDF flags a PVH guest may carry are
// accepted through the domctl (xenstore domain, out-of-sync shadow off), and max_vcpus may be
// HVM_MAX_VCPUS (128) itself.
#[test]
fn createdomain_accepts_the_flags_and_vcpus_xen_offers() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    for (flag, vcpus) in [
        (XEN_DOMCTL_CDF_xs_domain, 1),
        (XEN_DOMCTL_CDF_oos_off, 1),
        (0, 128),
    ] {
        let mut cfg = pvh_create(vcpus);
        cfg.flags |= flag;
        let op = op_with(XEN_DOMCTL_createdomain, 0, &cfg);
        assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0, "flag {flag:#x}");
        let d = op_back(&guest).domain;
        assert!(hv.domains.get(d).is_some(), "flag {flag:#x}: domain {d}");
    }
    hv.check_invariants().unwrap();
}
