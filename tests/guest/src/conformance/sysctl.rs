//! sysctl (xen/common/sysctl.c `do_sysctl`; xen/arch/x86/sysctl.c `arch_do_physinfo`).

use xen_public::sysctl::{
    xen_sysctl, XEN_SYSCTL_PHYSCAP_hap, XEN_SYSCTL_PHYSCAP_hvm, XEN_SYSCTL_physinfo,
};

use super::{rel, sysctl, Rc};
use crate::case;

pub fn run() {
    // do_sysctl, XEN_SYSCTL_physinfo: HVM and HAP, one CPU here, free <= total, no claims.
    let mut call = xen_sysctl::new(XEN_SYSCTL_physinfo);
    let rc = sysctl(&mut call);
    let info: xen_public::sysctl::xen_sysctl_physinfo =
        xen_public::abi::Payload::get(&call).unwrap_or_default();
    case!(
        "sysctl.physinfo",
        "rc {}, hvm {}, hap {}, nr_cpus {}, free {} total, outstanding {}",
        Rc(rc),
        info.capabilities & XEN_SYSCTL_PHYSCAP_hvm != 0,
        info.capabilities & XEN_SYSCTL_PHYSCAP_hap != 0,
        info.nr_cpus,
        rel(info.free_pages, info.total_pages),
        info.outstanding_pages
    );

    // do_sysctl: a wrong interface_version -> -EACCES.
    let mut call = xen_sysctl::new(XEN_SYSCTL_physinfo);
    call.interface_version += 1;
    let rc = sysctl(&mut call);
    case!("sysctl.bad_interface_version", "rc {}", Rc(rc));

    // do_sysctl / arch_do_sysctl: an unknown command -> -ENOSYS.
    let mut call = xen_sysctl::new(250);
    let rc = sysctl(&mut call);
    case!("sysctl.bad_cmd", "rc {}", Rc(rc));
}
