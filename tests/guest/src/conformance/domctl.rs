//! domctl (xen/common/domctl.c `do_domctl`, `getdomaininfo`; xen/common/domain.c
//! `domain_create`).

use xen_public::domctl::{
    xen_domctl, XEN_DOMCTL_createdomain, XEN_DOMCTL_getdomaininfo, XEN_DOMINF_hap,
    XEN_DOMINF_hvm_guest, XEN_DOMINF_paused, XEN_DOMINF_shutdown,
};
use xen_public::xen::__HYPERVISOR_domctl;

use super::{create_pvh, destroy, domaininfo, pvh_config, rel, set_max_mem, settled_free, Rc};
use crate::case;
use crate::hypercall::hypercall;
use crate::raw;

pub fn run() {
    let free_before = settled_free();

    // domain_create through XEN_DOMCTL_createdomain: a PVH domU (hvm | hap) gets a new id.
    let rc = raw::domctl(XEN_DOMCTL_createdomain, 0, &pvh_config());
    let domid = raw::buffers().domctl.domain;
    case!(
        "domctl.createdomain.pvh",
        "rc {}, domid > 0 {}",
        Rc(rc),
        domid > 0 && rc == 0
    );
    if rc != 0 {
        return;
    }

    // getdomaininfo of the fresh domain: HVM, HAP, paused (the controller's pause from
    // domain_create), no pages, no claim.
    let (rc, info) = domaininfo(domid);
    case!(
        "domctl.getdomaininfo.new",
        "rc {}, domain matches {}, hvm {}, hap {}, paused {}, shutdown {}, tot_pages {}, \
         outstanding {}, max_vcpu_id {}",
        Rc(rc),
        info.domain == domid,
        info.flags & XEN_DOMINF_hvm_guest != 0,
        info.flags & XEN_DOMINF_hap != 0,
        info.flags & XEN_DOMINF_paused != 0,
        info.flags & XEN_DOMINF_shutdown != 0,
        info.tot_pages,
        info.outstanding_pages,
        info.max_vcpu_id
    );

    // XEN_DOMCTL_max_mem: max_pages = max_memkb >> (PAGE_SHIFT - 10).
    let rc = set_max_mem(domid, 8192);
    let (_, info) = domaininfo(domid);
    case!(
        "domctl.max_mem",
        "rc {}, max_pages {}",
        Rc(rc),
        info.max_pages
    );

    // do_domctl: a wrong interface_version -> -EACCES, before anything else.
    let mut call = xen_domctl::new(XEN_DOMCTL_getdomaininfo, domid);
    call.interface_version -= 1;
    // SAFETY: Xen reads (at most) the domctl struct on our stack.
    let rc = unsafe { hypercall(__HYPERVISOR_domctl, [(&raw mut call) as u64, 0, 0, 0, 0]) };
    case!("domctl.bad_interface_version", "rc {}", Rc(rc));

    // do_domctl: an unknown domctl command -> -ENOSYS (arch_do_domctl's default).
    let rc = raw::domctl(250, domid, &());
    case!("domctl.bad_cmd", "rc {}", Rc(rc));

    // do_domctl: destroydomain of a domain that does not exist -> -ESRCH.
    let rc = destroy(0x7000);
    case!("domctl.destroydomain.no_domain", "rc {}", Rc(rc));

    // domain_kill through XEN_DOMCTL_destroydomain: 0, then the domain is gone (-ESRCH) and
    // the heap has its pages back.
    let rc = destroy(domid);
    let (gone, _) = domaininfo(domid);
    let free_after = settled_free();
    case!(
        "domctl.destroydomain",
        "rc {}, getdomaininfo after {}, free_after {} free_before",
        Rc(rc),
        Rc(gone),
        rel(free_after, free_before)
    );

    // A second domain: its id is above the destroyed one's, which is now free.
    if let Some(id) = create_pvh(4096) {
        let (_, info) = domaininfo(id);
        case!(
            "domctl.create_pvh.max_mem",
            "max_pages {}, tot_pages {}, id > previous {}",
            info.max_pages,
            info.tot_pages,
            id > domid
        );

        // getdomaininfo of a free id below an existing domain (do_domctl's
        // XEN_DOMCTL_getdomaininfo: Xen 4.17 looks for the first domain at or above the id).
        let (rc, info) = domaininfo(domid);
        case!(
            "domctl.getdomaininfo.free_id",
            "rc {}, returned the next domain {}",
            Rc(rc),
            rc == 0 && info.domain == id
        );

        // getdomaininfo past every domain -> -ESRCH.
        let (rc, _) = domaininfo(0x7000);
        case!("domctl.getdomaininfo.no_domain", "rc {}", Rc(rc));
        destroy(id);
    }

    // domain_create / arch_sanitise_domain_config: unknown flags -> -EINVAL.
    let mut config = pvh_config();
    config.flags |= 1 << 31;
    let rc = raw::domctl(XEN_DOMCTL_createdomain, 0, &config);
    case!("domctl.createdomain.bad_flags", "rc {}", Rc(rc));
    if rc == 0 {
        destroy(raw::buffers().domctl.domain);
    }

    // sanitise_domain_config: max_vcpus 0 -> -EINVAL.
    let mut config = pvh_config();
    config.max_vcpus = 0;
    let rc = raw::domctl(XEN_DOMCTL_createdomain, 0, &config);
    case!("domctl.createdomain.zero_vcpus", "rc {}", Rc(rc));
    if rc == 0 {
        destroy(raw::buffers().domctl.domain);
    }

    // do_domctl: max_mem of a domain that does not exist -> -ESRCH.
    let rc = set_max_mem(0x7000, 8192);
    case!("domctl.max_mem.no_domain", "rc {}", Rc(rc));
}
