//! Raw domctl and memory_op calls with one static domctl buffer, for the conformance cases,
//! which need exact control over every argument (the domU builder uses tools/toolstack instead).

use core::ptr::addr_of_mut;

use xen_public::abi::Payload;
use xen_public::domctl::xen_domctl;
use xen_public::xen::{__HYPERVISOR_domctl, __HYPERVISOR_memory_op};
use zerocopy::{Immutable, IntoBytes};

use crate::hypercall::hypercall;

/// The domctl buffer: static, so its (identity-mapped) address is guest-physical.
pub(crate) struct Buffers {
    pub(crate) domctl: xen_domctl,
}

static mut BUFFERS: Buffers = Buffers {
    domctl: xen_domctl {
        cmd: 0,
        interface_version: 0,
        domain: 0,
        _pad: [0; 3],
        u: [0; 16],
    },
};

pub(crate) fn buffers() -> &'static mut Buffers {
    // SAFETY: one vCPU, and only the conformance mode uses BUFFERS; each call site uses the
    // reference only until the next call.
    unsafe { &mut *addr_of_mut!(BUFFERS) }
}

/// Issues one domctl with `payload` as its union member; returns the result and leaves the
/// struct (as Xen wrote it back) in the buffer.
pub(crate) fn domctl<T: IntoBytes + Immutable>(cmd: u32, domain: u16, payload: &T) -> i64 {
    let b = buffers();
    b.domctl = xen_domctl::new(cmd, domain);
    b.domctl.set(payload);
    let addr = addr_of_mut!(b.domctl) as u64;
    // SAFETY: the argument is a domctl struct in the static buffers, which Xen may write.
    unsafe { hypercall(__HYPERVISOR_domctl, [addr, 0, 0, 0, 0]) }
}

/// memory_op(cmd, arg).
pub(crate) fn memory_op(cmd: u32, arg: u64) -> i64 {
    // SAFETY: callers pass the static buffers, their own stack or an address outside the
    // guest's memory (conformance's bad-handle cases); Xen may read and write the first two.
    unsafe { hypercall(__HYPERVISOR_memory_op, [u64::from(cmd), arg, 0, 0, 0]) }
}
