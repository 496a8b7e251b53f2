//! HVMOP_set_param, HVMOP_get_param, HVMOP_get_mem_type and HVMOP_set_evtchn_upcall_vector against
//! Xen 4.17's rules (xen/arch/x86/hvm/hvm.c). A domU is the target, dom0 the toolstack.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_mm::frame::Gfn;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_public::arch_x86::xen::XEN_X86_EMU_PM;
use xen_public::domctl::XEN_DOMCTL_CDF_nested_virt;
use xen_public::hvm::hvm_op::*;
use xen_public::hvm::params::*;
use xen_public::xen::{__HYPERVISOR_hvm_op, DOMID_SELF};
use zerocopy::FromZeros;

/// Where the argument struct goes.
const ARG: u64 = GUEST_BASE + 0x100;

fn setup() -> (TestHv, Arc<TestDomain>, Arc<TestDomain>, FlatGuest) {
    let (hv, dom0) = common::hypervisor(4096);
    let domu = hv
        .create_domain(None, common::pvh_config(false))
        .expect("domU");
    (hv, dom0, domu, common::guest())
}

fn rc(o: Outcome) -> i64 {
    match o {
        Outcome::Return(v) => v,
        Outcome::Continue(_) => panic!("hvm_op never continues"),
    }
}

fn err(e: Errno) -> i64 {
    e.negated()
}

fn set_param(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    index: u32,
    value: u64,
) -> i64 {
    let a = xen_hvm_param {
        domid,
        pad: 0,
        index,
        value,
    };
    guest.put(ARG, &a);
    rc(common::hypercall(
        hv,
        caller,
        guest,
        __HYPERVISOR_hvm_op,
        [HVMOP_set_param.into(), ARG, 0, 0, 0],
    ))
}

fn get_param(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    index: u32,
) -> Result<u64, i64> {
    let a = xen_hvm_param {
        domid,
        pad: 0,
        index,
        value: 0xdead,
    };
    guest.put(ARG, &a);
    let r = rc(common::hypercall(
        hv,
        caller,
        guest,
        __HYPERVISOR_hvm_op,
        [HVMOP_get_param.into(), ARG, 0, 0, 0],
    ));
    if r == 0 {
        Ok(guest.get::<xen_hvm_param>(ARG).value)
    } else {
        Err(r)
    }
}

fn stored(d: &TestDomain, index: u32) -> u64 {
    d.state().hvm_params[index as usize]
}

/// hvm.c `hvmop_set_param`/`hvmop_get_param`: an index at or past HVM_NR_PARAMS is -EINVAL,
/// before the domain is even looked up.
#[test]
fn index_out_of_range_is_einval() {
    let (hv, dom0, domu, mut g) = setup();
    for index in [HVM_NR_PARAMS, HVM_NR_PARAMS + 1, u32::MAX] {
        assert_eq!(
            set_param(&hv, &dom0, &mut g, domu.domid(), index, 1),
            err(Errno::EINVAL)
        );
        assert_eq!(
            get_param(&hv, &dom0, &mut g, 0x7000, index),
            Err(err(Errno::EINVAL))
        );
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvmop_set_param`: `rcu_lock_domain_by_any_id` fails with -ESRCH for an unknown domain.
#[test]
fn unknown_domain_is_esrch() {
    let (hv, dom0, _domu, mut g) = setup();
    assert_eq!(
        set_param(&hv, &dom0, &mut g, 0x7000, HVM_PARAM_TIMER_MODE, 1),
        err(Errno::ESRCH)
    );
    assert_eq!(
        get_param(&hv, &dom0, &mut g, 0x7000, HVM_PARAM_TIMER_MODE),
        Err(err(Errno::ESRCH))
    );
    hv.check_invariants().unwrap();
}

/// hvm.c `hvmop_set_param`/`hvmop_get_param`: a non-HVM target is -EINVAL.
#[test]
fn non_hvm_target_is_einval() {
    let (hv, dom0, _domu, mut g) = setup();
    let pv = hv
        .create_domain(None, Default::default())
        .expect("a PV domain");
    assert_eq!(
        set_param(&hv, &dom0, &mut g, pv.domid(), HVM_PARAM_TIMER_MODE, 1),
        err(Errno::EINVAL)
    );
    assert_eq!(
        get_param(&hv, &dom0, &mut g, pv.domid(), HVM_PARAM_TIMER_MODE),
        Err(err(Errno::EINVAL))
    );
    assert_eq!(stored(&pv, HVM_PARAM_TIMER_MODE), 0);
    hv.check_invariants().unwrap();
}

/// hvm.c `do_hvm_op`/`hvmop_set_param`: an unreadable argument is -EFAULT and changes nothing; a
/// get whose result cannot be written back is -EFAULT too.
#[test]
fn bad_buffer_is_efault() {
    let (hv, dom0, _domu, mut g) = setup();
    for op in [HVMOP_set_param, HVMOP_get_param, HVMOP_get_mem_type] {
        for addr in [0, GUEST_BASE - 1, u64::MAX - 4] {
            assert_eq!(
                rc(common::hypercall(
                    &hv,
                    &dom0,
                    &mut g,
                    __HYPERVISOR_hvm_op,
                    [op.into(), addr, 0, 0, 0]
                )),
                err(Errno::EFAULT),
                "op {op} at {addr:#x}"
            );
        }
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `do_hvm_op`: ops it does not know are -ENOSYS.
#[test]
fn unknown_ops_are_enosys() {
    let (hv, dom0, _domu, mut g) = setup();
    for op in [2u64, 3, 200, 1 << 32, u64::MAX] {
        assert_eq!(
            rc(common::hypercall(
                &hv,
                &dom0,
                &mut g,
                __HYPERVISOR_hvm_op,
                [op, ARG, 0, 0, 0]
            )),
            err(Errno::ENOSYS)
        );
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_set_param`/`hvm_allow_get_param`: a guest may set and read its own
/// guest-settable parameters (HVM_PARAM_CALLBACK_IRQ here, by DOMID_SELF).
#[test]
fn guest_sets_and_reads_its_callback_irq() {
    let (hv, _dom0, domu, mut g) = setup();
    // hvm_set_callback_via never fails: any delivery type is accepted and stored.
    let via = (0xffu64 << 56) | 0x1234;
    assert_eq!(
        set_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, via),
        0
    );
    assert_eq!(
        get_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ),
        Ok(via)
    );
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_set_param`: the remaining parameters (HVM_PARAM_IDENT_PT, HVM_PARAM_STORE_PFN,
/// HVM_PARAM_ACPI_S_STATE, ...) may not be set by the domain itself (-EPERM); the toolstack may.
#[test]
fn guest_may_not_set_toolstack_params() {
    let (hv, dom0, domu, mut g) = setup();
    for index in [
        HVM_PARAM_IDENT_PT,
        HVM_PARAM_STORE_PFN,
        HVM_PARAM_ACPI_S_STATE,
        HVM_PARAM_TIMER_MODE,
    ] {
        assert_eq!(
            set_param(&hv, &domu, &mut g, DOMID_SELF, index, 0),
            err(Errno::EPERM),
            "param {index}"
        );
        assert_eq!(stored(&domu, index), 0);
    }
    assert_eq!(
        set_param(
            &hv,
            &dom0,
            &mut g,
            domu.domid(),
            HVM_PARAM_IDENT_PT,
            0xfeffc000
        ),
        0
    );
    assert_eq!(stored(&domu, HVM_PARAM_IDENT_PT), 0xfeffc000);
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_get_param`: the guest may read HVM_PARAM_STORE_PFN but not the toolstack's
/// parameters such as HVM_PARAM_IOREQ_PFN or HVM_PARAM_IDENT_PT (-EPERM).
#[test]
fn guest_reads_only_guest_readable_params() {
    let (hv, dom0, domu, mut g) = setup();
    assert_eq!(
        set_param(
            &hv,
            &dom0,
            &mut g,
            domu.domid(),
            HVM_PARAM_STORE_PFN,
            0xfeffe
        ),
        0
    );
    assert_eq!(
        get_param(&hv, &domu, &mut g, domu.domid(), HVM_PARAM_STORE_PFN),
        Ok(0xfeffe)
    );
    for index in [
        HVM_PARAM_IOREQ_PFN,
        HVM_PARAM_IDENT_PT,
        HVM_PARAM_TIMER_MODE,
    ] {
        assert_eq!(
            get_param(&hv, &domu, &mut g, DOMID_SELF, index),
            Err(err(Errno::EPERM)),
            "param {index}"
        );
        assert_eq!(get_param(&hv, &dom0, &mut g, domu.domid(), index), Ok(0));
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_set_param`/`hvm_allow_get_param`: XSM_TARGET. An unrelated unprivileged domain
/// gets -EPERM and changes nothing; the target's device model (XEN_DOMCTL_set_target) may act on
/// it like the toolstack.
#[test]
fn xsm_target_decides_who_may_touch_params() {
    let (hv, _dom0, domu, mut g) = setup();
    let other = hv
        .create_domain(None, common::pvh_config(false))
        .expect("another domU");
    assert_eq!(
        set_param(&hv, &other, &mut g, domu.domid(), HVM_PARAM_STORE_PFN, 5),
        err(Errno::EPERM)
    );
    assert_eq!(
        get_param(&hv, &other, &mut g, domu.domid(), HVM_PARAM_CALLBACK_IRQ),
        Err(err(Errno::EPERM))
    );
    assert_eq!(stored(&domu, HVM_PARAM_STORE_PFN), 0);
    other.state().target = Some(domu.domid());
    assert_eq!(
        set_param(&hv, &other, &mut g, domu.domid(), HVM_PARAM_STORE_PFN, 5),
        0
    );
    assert_eq!(
        get_param(&hv, &other, &mut g, domu.domid(), HVM_PARAM_STORE_PFN),
        Ok(5)
    );
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_set_param`/`hvm_allow_get_param`: deprecated parameters are refused for
/// everyone, the toolstack included: -EINVAL in Xen 4.17 (recorded in
/// tests/conformance/xen-4.17.txt).
#[test]
fn deprecated_params_are_einval() {
    let (hv, dom0, domu, mut g) = setup();
    for index in [
        HVM_PARAM_PAE_ENABLED,
        HVM_PARAM_DM_DOMAIN,
        HVM_PARAM_MEMORY_EVENT_CR0,
        HVM_PARAM_NESTEDHVM,
        HVM_PARAM_BUFIOREQ_EVTCHN,
        HVM_PARAM_MEMORY_EVENT_MSR,
    ] {
        assert_eq!(
            set_param(&hv, &dom0, &mut g, domu.domid(), index, 1),
            err(Errno::EINVAL),
            "param {index}"
        );
        assert_eq!(
            get_param(&hv, &dom0, &mut g, domu.domid(), index),
            Err(err(Errno::EINVAL))
        );
        assert_eq!(stored(&domu, index), 0);
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_allow_set_param`: one-shot parameters (VIRIDIAN, IOREQ_PFN, BUFIOREQ_PFN,
/// IOREQ_SERVER_PFN, NR_IOREQ_SERVER_PAGES, ALTP2M, MCA_CAP) may be set again only to the same
/// value; a change is -EEXIST.
#[test]
fn one_shot_params_are_eexist_on_change() {
    let (hv, dom0, domu, mut g) = setup();
    let d = domu.domid();
    for (index, first, second) in [
        (HVM_PARAM_VIRIDIAN, 1u64, 3u64),
        (HVM_PARAM_IOREQ_PFN, 0xfeff0, 0xfeff1),
        (HVM_PARAM_BUFIOREQ_PFN, 0xfeff2, 0xfeff3),
        (HVM_PARAM_IOREQ_SERVER_PFN, 0xfee00, 0xfee01),
        (HVM_PARAM_NR_IOREQ_SERVER_PAGES, 8, 4),
        (HVM_PARAM_ALTP2M, 1, 2),
        (HVM_PARAM_MCA_CAP, XEN_HVM_MCA_CAP_LMCE, 0),
    ] {
        assert_eq!(set_param(&hv, &dom0, &mut g, d, index, first), 0, "{index}");
        assert_eq!(set_param(&hv, &dom0, &mut g, d, index, first), 0, "{index}");
        assert_eq!(
            set_param(&hv, &dom0, &mut g, d, index, second),
            err(Errno::EEXIST),
            "param {index}"
        );
        assert_eq!(stored(&domu, index), first);
    }
    // Not one-shot: the timer mode may change freely.
    assert_eq!(set_param(&hv, &dom0, &mut g, d, HVM_PARAM_TIMER_MODE, 1), 0);
    assert_eq!(set_param(&hv, &dom0, &mut g, d, HVM_PARAM_TIMER_MODE, 2), 0);
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_set_param`: the value checks of individual parameters; a refused value is not
/// stored.
#[test]
fn per_param_value_checks() {
    let (hv, dom0, domu, mut g) = setup();
    let d = domu.domid();
    let bad: &[(u32, u64)] = &[
        // HVMPTM_* stop at one_missed_tick_pending.
        (
            HVM_PARAM_TIMER_MODE,
            u64::from(HVMPTM_one_missed_tick_pending) + 1,
        ),
        // Viridian needs the base frequency bit and known bits only.
        (HVM_PARAM_VIRIDIAN, u64::from(HVMPV_time_ref_count)),
        (HVM_PARAM_VIRIDIAN, u64::from(HVMPV_base_freq) | 1 << 13),
        // S3 or S0 only.
        (HVM_PARAM_ACPI_S_STATE, 2),
        (HVM_PARAM_TRIPLE_FAULT_REASON, 6),
        (HVM_PARAM_NR_IOREQ_SERVER_PAGES, 0),
        (HVM_PARAM_NR_IOREQ_SERVER_PAGES, 65),
        (HVM_PARAM_X87_FIP_WIDTH, 2),
        (HVM_PARAM_MCA_CAP, 2),
        (HVM_PARAM_ALTP2M, u64::from(XEN_ALTP2M_limited) + 1),
        // The address must fit in 32 bits.
        (HVM_PARAM_VM86_TSS, 1 << 32),
        // The TSS must hold a struct tss32 (104 bytes).
        (HVM_PARAM_VM86_TSS_SIZED, (103 << 32) | 0x1000),
    ];
    for &(index, value) in bad {
        assert_eq!(
            set_param(&hv, &dom0, &mut g, d, index, value),
            err(Errno::EINVAL),
            "param {index} = {value:#x}"
        );
        assert_eq!(stored(&domu, index), 0, "param {index}");
    }
    assert_eq!(stored(&domu, HVM_PARAM_VM86_TSS_SIZED), 0);
    let good: &[(u32, u64)] = &[
        (
            HVM_PARAM_TIMER_MODE,
            u64::from(HVMPTM_one_missed_tick_pending),
        ),
        (HVM_PARAM_VIRIDIAN, u64::from(HVMPV_base_freq | HVMPV_synic)),
        (HVM_PARAM_ACPI_S_STATE, 3),
        (HVM_PARAM_TRIPLE_FAULT_REASON, 5),
        (HVM_PARAM_NR_IOREQ_SERVER_PAGES, 64),
        (HVM_PARAM_X87_FIP_WIDTH, 4),
        (HVM_PARAM_MCA_CAP, XEN_HVM_MCA_CAP_LMCE),
    ];
    for &(index, value) in good {
        assert_eq!(set_param(&hv, &dom0, &mut g, d, index, value), 0, "{index}");
        assert_eq!(get_param(&hv, &dom0, &mut g, d, index), Ok(value));
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_set_param`/`hvm_get_param`: HVM_PARAM_VM86_TSS is stored as a 128-byte sized TSS;
/// HVM_PARAM_VM86_TSS_SIZED is capped at the useful maximum; reads hide the "updated" flag.
#[test]
fn vm86_tss_is_stored_sized() {
    let (hv, _dom0, domu, mut g) = setup();
    // The guest itself may set both.
    assert_eq!(
        set_param(
            &hv,
            &domu,
            &mut g,
            DOMID_SELF,
            HVM_PARAM_VM86_TSS,
            0xfeff_0000
        ),
        0
    );
    assert_eq!(
        get_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_VM86_TSS),
        Ok(0xfeff_0000)
    );
    assert_eq!(
        get_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_VM86_TSS_SIZED),
        Ok((128 << 32) | 0xfeff_0000)
    );
    assert_eq!(stored(&domu, HVM_PARAM_VM86_TSS), 0);
    let huge = (0x0fff_ffff_u64 << 32) | 0x1000;
    assert_eq!(
        set_param(
            &hv,
            &domu,
            &mut g,
            DOMID_SELF,
            HVM_PARAM_VM86_TSS_SIZED,
            huge
        ),
        0
    );
    assert_eq!(
        get_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_VM86_TSS_SIZED),
        Ok((8329 << 32) | 0x1000)
    );
    // Stored with VM86_TSS_UPDATED (bit 63) for the vCPUs to pick up; sizes from sizeof(struct
    // tss32) (104) to the maximum are kept as given.
    assert_eq!(
        stored(&domu, HVM_PARAM_VM86_TSS_SIZED),
        (1 << 63) | (8329 << 32) | 0x1000
    );
    for size in [104u64, 128, 8329] {
        let value = (size << 32) | 0x2000;
        assert_eq!(
            set_param(
                &hv,
                &domu,
                &mut g,
                DOMID_SELF,
                HVM_PARAM_VM86_TSS_SIZED,
                value
            ),
            0
        );
        assert_eq!(
            get_param(&hv, &domu, &mut g, DOMID_SELF, HVM_PARAM_VM86_TSS_SIZED),
            Ok(value)
        );
    }
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_set_param` HVM_PARAM_ALTP2M: XSM_PRIV, so a device model that passes XSM_TARGET is
/// still -EPERM; with nested virtualisation any non-zero mode is -EINVAL.
#[test]
fn altp2m_needs_privilege_and_no_nested_virt() {
    let (hv, dom0, domu, mut g) = setup();
    let dm = hv
        .create_domain(None, common::pvh_config(false))
        .expect("a device-model domain");
    dm.state().target = Some(domu.domid());
    assert_eq!(
        set_param(&hv, &dm, &mut g, domu.domid(), HVM_PARAM_ALTP2M, 1),
        err(Errno::EPERM)
    );
    assert_eq!(stored(&domu, HVM_PARAM_ALTP2M), 0);
    let mut config = common::pvh_config(false);
    config.flags |= XEN_DOMCTL_CDF_nested_virt;
    let nested = hv
        .create_domain(None, config)
        .expect("a nested-virt domain");
    assert_eq!(
        set_param(&hv, &dom0, &mut g, nested.domid(), HVM_PARAM_ALTP2M, 1),
        err(Errno::EINVAL)
    );
    assert_eq!(
        set_param(&hv, &dom0, &mut g, nested.domid(), HVM_PARAM_ALTP2M, 0),
        0
    );
    assert_eq!(
        set_param(&hv, &dom0, &mut g, domu.domid(), HVM_PARAM_ALTP2M, 2),
        0
    );
    // The highest mode, XEN_ALTP2M_limited, is a mode too.
    let limited = hv.create_domain(None, common::pvh_config(false)).unwrap();
    assert_eq!(
        set_param(
            &hv,
            &dom0,
            &mut g,
            limited.domid(),
            HVM_PARAM_ALTP2M,
            u64::from(XEN_ALTP2M_limited)
        ),
        0
    );
    hv.check_invariants().unwrap();
}

/// hvm.c `hvm_set_param` HVM_PARAM_ACPI_IOPORTS_LOCATION, pmtimer.c `pmtimer_change_ioport`:
/// -ENODEV without an emulated PM block (PVH), else only a move between 0 and 1.
#[test]
fn acpi_ioports_location_needs_a_pm_block() {
    let (hv, _dom0, domu, mut g) = setup();
    assert_eq!(
        set_param(
            &hv,
            &domu,
            &mut g,
            DOMID_SELF,
            HVM_PARAM_ACPI_IOPORTS_LOCATION,
            1
        ),
        err(Errno::ENODEV)
    );
    let mut config = common::pvh_config(false);
    config.emulation_flags = XEN_X86_EMU_PM;
    let hvm = hv.create_domain(None, config).expect("an HVM domain");
    let me = hvm.domid();
    assert_eq!(
        set_param(&hv, &hvm, &mut g, me, HVM_PARAM_ACPI_IOPORTS_LOCATION, 3),
        err(Errno::EINVAL)
    );
    assert_eq!(
        set_param(&hv, &hvm, &mut g, me, HVM_PARAM_ACPI_IOPORTS_LOCATION, 1),
        0
    );
    assert_eq!(
        set_param(&hv, &hvm, &mut g, me, HVM_PARAM_ACPI_IOPORTS_LOCATION, 1),
        0
    );
    assert_eq!(
        get_param(&hv, &hvm, &mut g, me, HVM_PARAM_ACPI_IOPORTS_LOCATION),
        Ok(1)
    );
    hv.check_invariants().unwrap();
}

fn get_mem_type(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    g: &mut FlatGuest,
    domid: u16,
    pfn: u64,
) -> Result<u32, i64> {
    let a = xen_hvm_get_mem_type {
        domid,
        mem_type: 0xffff,
        pad: [0; 2],
        pfn,
    };
    g.put(ARG, &a);
    let r = rc(common::hypercall(
        hv,
        caller,
        g,
        __HYPERVISOR_hvm_op,
        [HVMOP_get_mem_type.into(), ARG, 0, 0, 0],
    ));
    if r == 0 {
        Ok(g.get::<xen_hvm_get_mem_type>(ARG).mem_type.into())
    } else {
        Err(r)
    }
}

/// hvm.c `hvmop_get_mem_type`: the HVMMEM_* type reported for each p2m type; unmapped gfns read
/// as mmio_dm, log-dirty RAM as ram_ro, populate-on-demand as ram_rw (without populating it).
#[test]
fn get_mem_type_maps_p2m_types() {
    let (hv, dom0, domu, mut g) = setup();
    domu.mem.set_max_pages(8);
    for (gfn, t) in [
        (0u64, P2mType::RamRw),
        (1, P2mType::RamRo),
        (2, P2mType::RamLogdirty),
        (3, P2mType::IoreqServer),
    ] {
        let mfn = hv
            .heap
            .alloc_domheap_pages(&domu.mem, 0, &Default::default())
            .unwrap();
        domu.p2m
            .set_entry(&hv.heap, Gfn(gfn), Some(mfn), 0, t, P2mAccess::Rwx)
            .unwrap();
    }
    domu.pod
        .mark_populate_on_demand(&mut domu.p2m.locked(), &hv.heap, Gfn(6), 0)
        .unwrap();
    let d = domu.domid();
    assert_eq!(get_mem_type(&hv, &dom0, &mut g, d, 6), Ok(HVMMEM_ram_rw));
    assert_eq!(
        domu.p2m.get_entry(&hv.heap, Gfn(6)).p2mt,
        P2mType::PopulateOnDemand
    );
    assert_eq!(get_mem_type(&hv, &dom0, &mut g, d, 0), Ok(HVMMEM_ram_rw));
    assert_eq!(get_mem_type(&hv, &dom0, &mut g, d, 1), Ok(HVMMEM_ram_ro));
    assert_eq!(get_mem_type(&hv, &dom0, &mut g, d, 2), Ok(HVMMEM_ram_ro));
    assert_eq!(
        get_mem_type(&hv, &dom0, &mut g, d, 3),
        Ok(HVMMEM_ioreq_server)
    );
    assert_eq!(get_mem_type(&hv, &dom0, &mut g, d, 5), Ok(HVMMEM_mmio_dm));
    assert_eq!(
        get_mem_type(&hv, &dom0, &mut g, d, u64::MAX),
        Ok(HVMMEM_mmio_dm)
    );
    // Reading it changed nothing.
    assert_eq!(
        domu.p2m.get_entry(&hv.heap, Gfn(2)).p2mt,
        P2mType::RamLogdirty
    );
    hv.check_invariants().unwrap();
}

/// hvm.c `hvmop_get_mem_type`: grant mappings read as RAM, read-only ones as ram_ro (no grant
/// table yet makes them, so the mapping from p2m type is checked directly).
#[test]
fn grant_mappings_read_as_ram() {
    use hypercall::hvm_op::hvmmem_type;
    assert_eq!(hvmmem_type(P2mType::GrantMapRw), HVMMEM_ram_rw);
    assert_eq!(hvmmem_type(P2mType::GrantMapRo), HVMMEM_ram_ro);
    assert_eq!(hvmmem_type(P2mType::MmioDirect), HVMMEM_mmio_dm);
}

/// hvm.c `hvmop_get_mem_type` (4.17): `rcu_lock_domain_by_any_id` and XSM_TARGET, so a domain may
/// ask about itself; an unrelated domain is -EPERM; an unknown one -ESRCH; a non-HVM one -EINVAL.
#[test]
fn get_mem_type_permissions() {
    let (hv, dom0, domu, mut g) = setup();
    assert_eq!(
        get_mem_type(&hv, &domu, &mut g, DOMID_SELF, 0),
        Ok(HVMMEM_mmio_dm)
    );
    let other = hv
        .create_domain(None, common::pvh_config(false))
        .expect("another domU");
    assert_eq!(
        get_mem_type(&hv, &other, &mut g, domu.domid(), 0),
        Err(err(Errno::EPERM))
    );
    assert_eq!(
        get_mem_type(&hv, &other, &mut g, 0x7000, 0),
        Err(err(Errno::ESRCH))
    );
    let pv = hv
        .create_domain(
            None,
            hypercall::DomainConfig {
                flags: 0,
                ..Default::default()
            },
        )
        .expect("a PV domain");
    assert_eq!(
        get_mem_type(&hv, &dom0, &mut g, pv.domid(), 0),
        Err(err(Errno::EINVAL))
    );
    hv.check_invariants().unwrap();
}

fn set_upcall_vector(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    vcpu: u32,
    vector: u8,
) -> i64 {
    let mut a = xen_hvm_evtchn_upcall_vector::new_zeroed();
    (a.vcpu, a.vector) = (vcpu, vector);
    guest.put(ARG, &a);
    rc(common::hypercall(
        hv,
        caller,
        guest,
        __HYPERVISOR_hvm_op,
        [HVMOP_set_evtchn_upcall_vector.into(), ARG, 0, 0, 0],
    ))
}

/// hvm.c `hvmop_set_evtchn_upcall_vector`: a guest gives one of its own vCPUs the vector its event
/// channel upcalls arrive on. A vector below 0x10 (an exception) is -EINVAL, checked before the
/// vCPU; a vCPU the domain does not have (`domain_vcpu` NULL: at or above max_vcpus, or not
/// created yet) is -ENOENT. A refused call leaves every vector as it was.
#[test]
fn guest_sets_a_vcpus_upcall_vector() {
    let (hv, _dom0, _domu, mut g) = setup();
    let d = hv
        .create_domain(
            None,
            hypercall::DomainConfig {
                max_vcpus: 2,
                ..common::pvh_config(false)
            },
        )
        .expect("a domU with one of two vCPUs created");
    d.state().vcpus = 1;
    let v = &d.vcpu_slots()[0];
    assert_eq!(v.upcall_vector(), None);
    for (vcpu, vector) in [(0, 0), (0, 0x0f), (5, 0x0f)] {
        assert_eq!(
            set_upcall_vector(&hv, &d, &mut g, vcpu, vector),
            err(Errno::EINVAL),
            "vCPU {vcpu}, vector {vector:#x}"
        );
    }
    assert_eq!(v.upcall_vector(), None);
    for vector in [0x10, 0xff, 0xf3] {
        assert_eq!(set_upcall_vector(&hv, &d, &mut g, 0, vector), 0);
        assert_eq!(v.upcall_vector(), Some(vector));
    }
    for vcpu in [1, 2, u32::MAX] {
        assert_eq!(
            set_upcall_vector(&hv, &d, &mut g, vcpu, 0x20),
            err(Errno::ENOENT),
            "vCPU {vcpu}"
        );
    }
    assert_eq!(v.upcall_vector(), Some(0xf3));
    assert_eq!(d.vcpu_slots()[1].upcall_vector(), None);
    hv.check_invariants().unwrap();
}

/// hvm.c `hvmop_set_evtchn_upcall_vector`: a domain that is not HVM is -EINVAL, before its
/// argument is even read; an HVM one whose argument cannot be read gets -EFAULT.
#[test]
fn upcall_vectors_are_for_hvm_guests_only() {
    let (hv, _dom0, domu, mut g) = setup();
    let pv = hv
        .create_domain(
            None,
            hypercall::DomainConfig {
                max_vcpus: 1,
                ..Default::default()
            },
        )
        .expect("a PV domain");
    pv.state().vcpus = 1;
    assert_eq!(
        set_upcall_vector(&hv, &pv, &mut g, 0, 0xf3),
        err(Errno::EINVAL)
    );
    assert_eq!(pv.vcpu_slots()[0].upcall_vector(), None);
    let unreadable = |caller: &Arc<TestDomain>, g: &mut FlatGuest| {
        let op = HVMOP_set_evtchn_upcall_vector.into();
        rc(common::hypercall(
            &hv,
            caller,
            g,
            __HYPERVISOR_hvm_op,
            [op, GUEST_BASE - 8, 0, 0, 0],
        ))
    };
    assert_eq!(unreadable(&pv, &mut g), err(Errno::EINVAL));
    domu.state().vcpus = 1;
    assert_eq!(unreadable(&domu, &mut g), err(Errno::EFAULT));
}

/// hvm.c `hvmop_set_evtchn_upcall_vector` ends with `hvm_assert_evtchn_irq(v)`, which requests
/// the new vector in the vCPU's vLAPIC (`vlapic_set_irq`) whether or not an upcall is flagged,
/// and kicks it (`vcpu_kick` unblocks): a blocked vCPU wakes, to a spurious upcall at worst.
#[test]
fn a_new_upcall_vector_is_raised_at_once() {
    let (hv, _dom0, domu, mut g) = setup();
    domu.state().vcpus = 1;
    let v = &domu.vcpu_slots()[0];
    v.block();
    assert_eq!(set_upcall_vector(&hv, &domu, &mut g, 0, 0xf3), 0);
    assert!(!v.is_blocked());
    assert!(v.state().vlapic.irr_test(0xf3));
    // Edge-triggered: an EOI of it is not for the vIOAPIC.
    assert!(!v.state().vlapic.tmr_test(0xf3));
    // A flagged upcall requests it again (`vcpu_mark_events_pending`); already requested, no
    // kick.
    v.block();
    v.mark_events_pending(&hv.heap);
    assert!(v.is_blocked());
    v.state().vlapic.ack_pending_irq(0xf3);
    v.block();
    assert_eq!(set_upcall_vector(&hv, &domu, &mut g, 0, 0xf4), 0);
    assert!(!v.is_blocked());
    assert!(v.state().vlapic.irr_test(0xf4));
}

/// hvm.c `do_hvm_op`, HVMOP_pagetable_dying: a shadow-paging hint. `EFAULT` for an unreadable
/// argument, `ESRCH` for an unknown domain, `EOPNOTSUPP` for a domain other than the caller's
/// own, and `EINVAL` for the caller itself, which runs on hardware-assisted paging
/// (`paging_mode_shadow` is false), as every xen-rs domain does.
#[test]
fn pagetable_dying_is_for_shadow_paging_only() {
    let (hv, dom0, domu, mut g) = setup();
    let call = |caller: &Arc<TestDomain>, g: &mut FlatGuest, domid: u16, arg: u64| {
        let mut a = xen_hvm_pagetable_dying::new_zeroed();
        (a.domid, a.gpa) = (domid, 0x1000);
        g.put(ARG, &a);
        rc(common::hypercall(
            &hv,
            caller,
            g,
            __HYPERVISOR_hvm_op,
            [HVMOP_pagetable_dying.into(), arg, 0, 0, 0],
        ))
    };
    assert_eq!(call(&domu, &mut g, DOMID_SELF, ARG), err(Errno::EINVAL));
    assert_eq!(call(&domu, &mut g, domu.domid(), ARG), err(Errno::EINVAL));
    assert_eq!(
        call(&dom0, &mut g, domu.domid(), ARG),
        err(Errno::EOPNOTSUPP)
    );
    assert_eq!(call(&dom0, &mut g, 999, ARG), err(Errno::ESRCH));
    assert_eq!(call(&dom0, &mut g, DOMID_SELF, 0x10), err(Errno::EFAULT));
}

/// vlapic.c `vlapic_reg_write` (SPIV): when the guest software-enables its vLAPIC, an upcall
/// still flagged is requested again on the vCPU's upcall vector; nothing without a vector or
/// without a flagged upcall.
#[test]
fn enabling_the_vlapic_reraises_a_flagged_upcall() {
    let (hv, _dom0, domu, _g) = setup();
    domu.state().vcpus = 1;
    let v = &domu.vcpu_slots()[0];
    let irr = |v: &hypercall::vcpu::Vcpu| v.state().vlapic.irr_test(0xf3);
    // No upcall vector: nothing, even with an upcall flagged.
    v.mark_events_pending(&hv.heap);
    v.reassert_upcall(&hv.heap);
    assert!(!irr(v));
    // With the vector and the flag: requested, and a blocked vCPU wakes.
    v.set_upcall_vector(0xf3);
    v.block();
    v.reassert_upcall(&hv.heap);
    assert!(irr(v));
    assert!(!v.is_blocked());
    // Taken and the flag cleared: nothing more.
    v.state().vlapic.ack_pending_irq(0xf3);
    let (mfn, word) = v.vcpu_info().word(hypercall::vcpu::layout::UPCALL).unwrap();
    use xen_mm::frame::FrameAccess;
    let w = hv.heap.frames().read_u64(mfn, word);
    hv.heap
        .frames()
        .write_u64(mfn, word, w & !hypercall::vcpu::layout::UPCALL_PENDING_BIT);
    v.reassert_upcall(&hv.heap);
    assert!(!irr(v));
}
