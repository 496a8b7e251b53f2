//! xen/common/domctl.c XEN_DOMCTL_createdomain's `rover`: a domain created without an id gets
//! the first free one after the last id handed out that way, wrapping from the last id below
//! DOMID_FIRST_RESERVED to 1. A test binary of its own: reaching the wrap takes 32751 domains
//! (created and killed one at a time), and cargo stops at the first failing test binary, so a
//! mutant the main suite (tests/all.rs) already catches never pays for it.

mod common;

use xen_public::xen::DOMID_FIRST_RESERVED;

#[test]
fn automatic_domids_run_up_to_the_reserved_range_then_wrap_to_1() {
    let (hv, dom0) = common::hypervisor(256);
    assert_eq!(dom0.domid(), 0, "an explicit id leaves the rover alone");
    for expected in 1..DOMID_FIRST_RESERVED {
        let d = hv.create_domain(None, common::pvh_config(false)).unwrap();
        assert_eq!(d.domid(), expected);
        hv.kill_domain(&d, || false).unwrap();
    }
    let kept = hv.create_domain(None, common::pvh_config(false)).unwrap();
    assert_eq!(kept.domid(), 1);
    // With 1 taken, the next search starts after it.
    let next = hv.create_domain(None, common::pvh_config(false)).unwrap();
    assert_eq!(next.domid(), 2);
    hv.check_invariants().unwrap();
}
