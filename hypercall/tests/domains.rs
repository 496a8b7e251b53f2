//! The domain table and lifecycle (xen/common/domain.c `domain_create`, `domain_shutdown`,
//! `domain_crash`, `domain_kill`; xen/common/domctl.c's domid rover).

use crate::common;

use common::{hypervisor, pvh_config};
use hypercall::domain::Life;
use hypercall::Errno;
use xen_public::sched::{SHUTDOWN_crash, SHUTDOWN_poweroff, SHUTDOWN_reboot};

#[test]
fn ids_come_from_a_rover_and_reserved_or_taken_ids_are_refused() {
    assert!(hypercall::domain::DomainTable::<xen_mm::p2m::npt::Npt>::new().is_empty());
    let (hv, _dom0) = hypervisor(4096);
    assert!(!hv.domains.is_empty());
    let a = hv.create_domain(None, pvh_config(false)).unwrap();
    let b = hv.create_domain(None, pvh_config(false)).unwrap();
    assert_eq!((a.domid(), b.domid()), (1, 2));
    assert_eq!(hv.domains.len(), 3);
    assert_eq!(
        hv.create_domain(Some(2), pvh_config(false)).err(),
        Some(Errno::EEXIST)
    );
    assert_eq!(
        hv.create_domain(Some(0x7ff0), pvh_config(false)).err(),
        Some(Errno::EINVAL)
    );
    // An explicit id does not move the rover; a freed id is not reused at once.
    let c = hv.create_domain(Some(100), pvh_config(false)).unwrap();
    hv.kill_domain(&a, || false).unwrap();
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    assert_eq!((c.domid(), d.domid()), (100, 3));
    // New domains start paused by their controller, with nothing.
    assert!(d.is_paused());
    assert_eq!((d.mem.tot_pages(), d.mem.max_pages()), (0, 0));
    hv.check_invariants().unwrap();
}

#[test]
fn the_first_shutdown_code_stays_and_a_crash_is_a_shutdown() {
    let (hv, _dom0) = hypervisor(4096);
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    assert!(!d.is_shut_down());
    assert_eq!(d.shutdown(SHUTDOWN_reboot), SHUTDOWN_reboot);
    assert_eq!(d.shutdown(SHUTDOWN_poweroff), SHUTDOWN_reboot);
    assert!(d.is_shut_down());
    let e = hv.create_domain(None, pvh_config(false)).unwrap();
    e.crash();
    assert_eq!(e.state().shutdown_code, Some(SHUTDOWN_crash));
    assert!(e.is_shut_down());
}

#[test]
fn killing_is_preemptible_and_ends_with_the_domain_gone() {
    let (hv, _dom0) = hypervisor(8192);
    let free = hv.heap.physinfo().free_pages;
    let d = hv.create_domain(None, pvh_config(false)).unwrap();
    d.mem.set_max_pages(4096);
    for _ in 0..6 {
        hv.heap
            .alloc_domheap_pages(&d.mem, 9, &Default::default())
            .unwrap();
    }
    // Preempted at every check: one batch of frames per call.
    let mut calls = 1;
    while hv.kill_domain(&d, || true) == Err(Errno::ERESTART) {
        assert_eq!(d.life(), Life::Dying);
        assert!(
            hv.domains.get(d.domid()).is_some(),
            "dying domains stay visible"
        );
        calls += 1;
    }
    assert!(
        calls >= 6,
        "{calls} calls for 3072 frames in batches of 512"
    );
    assert_eq!(d.life(), Life::Dead);
    assert!(hv.domains.get(d.domid()).is_none());
    assert_eq!(
        hv.kill_domain(&d, || true),
        Ok(()),
        "killing the dead is a no-op"
    );
    assert_eq!(hv.heap.physinfo().free_pages, free);
    // A reference kept past death cannot get memory for it.
    assert!(hv
        .heap
        .alloc_domheap_pages(&d.mem, 0, &Default::default())
        .is_err());
    hv.check_invariants().unwrap();
}
