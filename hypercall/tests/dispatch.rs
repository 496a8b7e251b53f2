//! The dispatcher's own rules (xen/arch/x86/hvm/hypercall.c `hvm_hypercall`): unknown hypercall
//! numbers get -ENOSYS and change nothing.

use crate::common;

use hypercall::dispatch::Outcome;
use hypercall::Errno;

#[test]
fn unknown_hypercalls_get_enosys_and_change_nothing() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let before = hv.heap.physinfo();
    // 1 (mmu_update) is PV-only; 42+ and numbers beyond 32 bits do not exist.
    for nr in [1u64, 3, 43, 47, 64, 1 << 32, u64::MAX] {
        let mut call = hypercall::Call {
            caller: &dom0,
            vcpu: 0,
            guest: &mut guest,
            preempt: &mut hypercall::dispatch::NeverPreempt,
            sched: None,
            interrupts_enabled: false,
        };
        assert_eq!(
            hypercall::dispatch(&hv, &mut call, nr, [1, 2, 3, 4, 5]),
            Outcome::Return(Errno::ENOSYS.negated()),
            "hypercall {nr}"
        );
    }
    assert_eq!(hv.heap.physinfo(), before);
    hv.check_invariants().unwrap();
}
