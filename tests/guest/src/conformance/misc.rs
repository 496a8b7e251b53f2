//! hvm_op (xen/arch/x86/hvm/hvm.c `do_hvm_op`, `hvmop_get_param`) and the hypercall table
//! (xen/arch/x86/hvm/hypercall.c `hvm_hypercall`).

use xen_public::hvm::hvm_op::{xen_hvm_param, HVMOP_get_param, HVMOP_set_param};
use xen_public::hvm::params::{
    HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_DM_DOMAIN, HVM_PARAM_NR_IOREQ_SERVER_PAGES,
    HVM_PARAM_PAE_ENABLED, HVM_PARAM_TIMER_MODE,
};
use xen_public::xen::{__HYPERVISOR_hvm_op, DOMID_SELF};

use super::{create_pvh, destroy, Rc};
use crate::case;
use crate::hypercall::hypercall;

fn set_param(domid: u16, index: u32, value: u64) -> i64 {
    let mut p = xen_hvm_param {
        domid,
        pad: 0,
        index,
        value,
    };
    // SAFETY: Xen reads the 16-byte xen_hvm_param on our stack.
    unsafe {
        hypercall(
            __HYPERVISOR_hvm_op,
            [u64::from(HVMOP_set_param), (&raw mut p) as u64, 0, 0, 0],
        )
    }
}

fn get_param(domid: u16, index: u32) -> (i64, u64) {
    let mut p = xen_hvm_param {
        domid,
        pad: 0,
        index,
        value: 0xdead,
    };
    // SAFETY: Xen reads and writes the 16-byte xen_hvm_param on our stack.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_hvm_op,
            [u64::from(HVMOP_get_param), (&raw mut p) as u64, 0, 0, 0],
        )
    };
    (rc, p.value)
}

pub fn run() {
    // hvm_hypercall: a number with no handler -> -ENOSYS.
    // SAFETY: no handler, nothing is read.
    let rc = unsafe { hypercall(60, [0; 5]) };
    case!("hypercall.unknown", "rc {}", Rc(rc));

    // hvmop_get_param / hvm_allow_get_param on the caller (DOMID_SELF): HVM_PARAM_CALLBACK_IRQ,
    // which a guest may read; dom0 never set it.
    let (rc, value) = get_param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ);
    case!(
        "hvm_op.get_param.callback_irq",
        "rc {}, value {value}",
        Rc(rc)
    );

    // hvmop_get_param / hvm_allow_get_param on the caller: HVM_PARAM_PAE_ENABLED, a parameter
    // only the toolstack uses (and upstream lists as deprecated).
    let (rc, _) = get_param(DOMID_SELF, HVM_PARAM_PAE_ENABLED);
    case!("hvm_op.get_param.pae_enabled", "rc {}", Rc(rc));

    // hvm_allow_get_param on the caller: HVM_PARAM_TIMER_MODE, a toolstack parameter.
    let (rc, _) = get_param(DOMID_SELF, HVM_PARAM_TIMER_MODE);
    case!("hvm_op.get_param.self_timer_mode", "rc {}", Rc(rc));

    // hvm_allow_get_param on the caller: HVM_PARAM_DM_DOMAIN (upstream: deprecated).
    let (rc, _) = get_param(DOMID_SELF, HVM_PARAM_DM_DOMAIN);
    case!("hvm_op.get_param.self_dm_domain", "rc {}", Rc(rc));

    // The same parameters read by the control domain on a domU (hvm_allow_get_param for
    // another domain, XSM_TARGET).
    if let Some(domid) = create_pvh(4096) {
        let (timer_rc, timer) = get_param(domid, HVM_PARAM_TIMER_MODE);
        let (pae_rc, _) = get_param(domid, HVM_PARAM_PAE_ENABLED);
        let (dm_rc, _) = get_param(domid, HVM_PARAM_DM_DOMAIN);
        let (cb_rc, cb) = get_param(domid, HVM_PARAM_CALLBACK_IRQ);
        case!(
            "hvm_op.get_param.domu",
            "timer_mode {} value {timer}, pae_enabled {}, dm_domain {}, callback_irq {} value {cb}",
            Rc(timer_rc),
            Rc(pae_rc),
            Rc(dm_rc),
            Rc(cb_rc)
        );

        // hvmop_set_param / hvm_allow_set_param / hvm_set_param on the domU: a valid timer
        // mode is stored and read back, an out-of-range one is refused; a one-shot parameter
        // (HVM_PARAM_NR_IOREQ_SERVER_PAGES) cannot change once set; PAE_ENABLED.
        let timer = set_param(domid, HVM_PARAM_TIMER_MODE, 1);
        let (_, back) = get_param(domid, HVM_PARAM_TIMER_MODE);
        let bad_timer = set_param(domid, HVM_PARAM_TIMER_MODE, 9);
        let once = set_param(domid, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 4);
        let same = set_param(domid, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 4);
        let change = set_param(domid, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 8);
        let pae = set_param(domid, HVM_PARAM_PAE_ENABLED, 1);
        case!(
            "hvm_op.set_param.domu",
            "timer_mode {} read back {back}, timer_mode 9 {}, one-shot {} same {} change {}, \
             pae_enabled {}",
            Rc(timer),
            Rc(bad_timer),
            Rc(once),
            Rc(same),
            Rc(change),
            Rc(pae)
        );
        destroy(domid);
    }

    // hvm_allow_set_param: a domain setting one of its own toolstack parameters -> -EPERM.
    let rc = set_param(DOMID_SELF, HVM_PARAM_TIMER_MODE, 1);
    case!("hvm_op.set_param.self_timer_mode", "rc {}", Rc(rc));

    // hvmop_get_param: an index at or past HVM_NR_PARAMS -> -EINVAL.
    let (rc, _) = get_param(DOMID_SELF, 1000);
    case!("hvm_op.get_param.bad_index", "rc {}", Rc(rc));

    // do_hvm_op: an unknown HVMOP -> -ENOSYS.
    // SAFETY: an unknown op reads nothing.
    let rc = unsafe { hypercall(__HYPERVISOR_hvm_op, [255, 0, 0, 0, 0]) };
    case!("hvm_op.bad_op", "rc {}", Rc(rc));
}
