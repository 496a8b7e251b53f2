//! `mode=conformance`: hypercall conformance cases, one module per area. Each case prints one
//! stable line, `CASE <name>: <observations>`: return values (errnos by name), fields read back,
//! and for values that legitimately differ between hypervisors (frame numbers, totals) only
//! relations. Then `SUMMARY <n> cases`. The lines of real Xen 4.17 are recorded in
//! tests/conformance/xen-4.17.txt; `./x conformance` compares xen-rs's lines with them.
//!
//! Every case names, in a comment, the Xen function whose behaviour it checks. The cases run in
//! one order (each area leaves no domain behind), so that the lines are the same on every run.

mod claims;
mod dm_op;
mod domctl;
pub mod events;
mod memory;
mod misc;
mod physdev;
mod platform;
mod pod;
mod soak;
mod sysctl;
pub mod timekeeping;
mod version;

use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use xen_public::abi::Payload;
use xen_public::arch_x86::xen::XEN_X86_EMU_LAPIC;
use xen_public::domctl::{
    xen_domctl_createdomain, xen_domctl_getdomaininfo, xen_domctl_max_mem, xen_domctl_max_vcpus,
    XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm, XEN_DOMCTL_createdomain, XEN_DOMCTL_destroydomain,
    XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_max_mem, XEN_DOMCTL_max_vcpus,
};
use xen_public::errno::Errno;
use xen_public::memory::xen_memory_reservation;
use xen_public::sched::SCHEDOP_yield;
use xen_public::sysctl::{xen_sysctl, xen_sysctl_physinfo, XEN_SYSCTL_physinfo};
use xen_public::xen::{__HYPERVISOR_sched_op, __HYPERVISOR_sysctl};
use xen_public::GuestHandle;

use crate::hypercall::hypercall;
use crate::println;
use crate::raw;

/// A guest-virtual address the guest's page tables do not map (they map the first GiB only),
/// canonical, and far above any RAM: a bad guest handle.
pub const BAD_ADDRESS: u64 = 0x7f_ffff_f000;

/// Cases printed so far.
static CASES: AtomicU32 = AtomicU32::new(0);

/// Prints `CASE <name>: <observations>` and counts it.
#[macro_export]
macro_rules! case {
    ($name:expr, $($arg:tt)*) => {{
        $crate::conformance::count();
        $crate::println!("CASE {}: {}", $name, format_args!($($arg)*));
    }};
}

/// Counts one case (used by [`case!`]).
pub fn count() {
    CASES.fetch_add(1, Ordering::Relaxed);
}

/// A hypercall result as the lines show it: `-EINVAL` for a known errno, else the number.
#[derive(Clone, Copy)]
pub struct Rc(pub i64);

impl fmt::Display for Rc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            rc @ -255..=-1 => match Errno(-rc as i32).name() {
                Some(name) => write!(f, "-{name}"),
                None => write!(f, "{rc}"),
            },
            rc => write!(f, "{rc}"),
        }
    }
}

/// `==`, `<` or `>`: how `a` relates to `b`, for lines that must not show raw totals.
pub fn rel(a: u64, b: u64) -> &'static str {
    match a.cmp(&b) {
        core::cmp::Ordering::Equal => "==",
        core::cmp::Ordering::Less => "<",
        core::cmp::Ordering::Greater => ">",
    }
}

/// One sysctl; Xen writes its answer back into `call`.
pub fn sysctl(call: &mut xen_sysctl) -> i64 {
    // SAFETY: Xen reads and writes the sysctl struct on our stack (identity-mapped).
    unsafe {
        hypercall(
            __HYPERVISOR_sysctl,
            [(call as *mut xen_sysctl) as u64, 0, 0, 0, 0],
        )
    }
}

/// sysctl physinfo (xen/common/sysctl.c do_sysctl, XEN_SYSCTL_physinfo).
pub fn physinfo() -> xen_sysctl_physinfo {
    let mut call = xen_sysctl::new(XEN_SYSCTL_physinfo);
    let rc = sysctl(&mut call);
    assert!(rc == 0, "sysctl physinfo failed: {rc}");
    call.get().expect("physinfo fits the union")
}

/// Free pages once the heap is quiet: Xen returns a destroyed domain's last pages from an RCU
/// callback and scrubs lazily, so physinfo's free_pages settles only after dom0 yields a few
/// times. Yields (SCHEDOP_yield) until two readings in a row agree (at most 200 times).
pub fn settled_free() -> u64 {
    let mut last = physinfo().free_pages;
    for _ in 0..200 {
        // SAFETY: SCHEDOP_yield reads no argument memory.
        unsafe {
            hypercall(
                __HYPERVISOR_sched_op,
                [u64::from(SCHEDOP_yield), 0, 0, 0, 0],
            )
        };
        let now = physinfo().free_pages;
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

/// domctl getdomaininfo of `domid`: the result and the info Xen wrote back.
pub fn domaininfo(domid: u16) -> (i64, xen_domctl_getdomaininfo) {
    let rc = raw::domctl(XEN_DOMCTL_getdomaininfo, domid, &());
    let info = raw::buffers().domctl.get().unwrap_or_default();
    (rc, info)
}

/// Creates a PVH domU as libxl does (HVM container, HAP, only the local APIC emulated) with one
/// vCPU and `max_kb` of max_mem; returns its id.
pub fn create_pvh(max_kb: u64) -> Option<u16> {
    let config = pvh_config();
    let rc = raw::domctl(XEN_DOMCTL_createdomain, 0, &config);
    if rc != 0 {
        println!("conformance: createdomain failed: {}", Rc(rc));
        return None;
    }
    let domid = raw::buffers().domctl.domain;
    let rc = raw::domctl(
        XEN_DOMCTL_max_vcpus,
        domid,
        &xen_domctl_max_vcpus { max: 1 },
    );
    assert!(rc == 0, "max_vcpus failed: {rc}");
    set_max_mem(domid, max_kb);
    Some(domid)
}

/// The createdomain configuration of a PVH domU (libxl's choices).
pub fn pvh_config() -> xen_domctl_createdomain {
    xen_domctl_createdomain {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 1,
        max_evtchn_port: 1023,
        max_grant_frames: 32,
        max_maptrack_frames: 1024,
        grant_opts: 2,
        arch: xen_public::arch_x86::xen::xen_arch_domainconfig {
            emulation_flags: XEN_X86_EMU_LAPIC,
            misc_flags: 0,
        },
        ..Default::default()
    }
}

/// domctl max_mem.
pub fn set_max_mem(domid: u16, max_kb: u64) -> i64 {
    raw::domctl(
        XEN_DOMCTL_max_mem,
        domid,
        &xen_domctl_max_mem { max_memkb: max_kb },
    )
}

/// domctl destroydomain.
pub fn destroy(domid: u16) -> i64 {
    raw::domctl(XEN_DOMCTL_destroydomain, domid, &())
}

/// A reservation memory_op (increase, decrease, populate, claim) on the stack.
pub fn reservation(cmd: u32, domid: u16, extents: &mut [u64], order: u32, flags: u32) -> i64 {
    reservation_at(
        cmd,
        domid,
        extents.as_mut_ptr() as u64,
        extents.len() as u64,
        order,
        flags,
    )
}

/// A reservation memory_op with an explicit extent list address and count.
pub fn reservation_at(
    cmd: u32,
    domid: u16,
    extent_start: u64,
    nr_extents: u64,
    order: u32,
    flags: u32,
) -> i64 {
    let mut r = xen_memory_reservation {
        extent_start: GuestHandle::new(extent_start),
        nr_extents,
        extent_order: order,
        mem_flags: flags,
        domid,
        ..Default::default()
    };
    raw::memory_op(cmd, (&raw mut r) as u64)
}

/// Runs every case, prints the summary.
pub fn run() {
    version::run();
    misc::run();
    sysctl::run();
    memory::run();
    domctl::run();
    claims::run();
    pod::run();
    dm_op::run();
    events::run();
    timekeeping::run();
    platform::run();
    physdev::run();
    soak::run();
    println!("SUMMARY {} cases", CASES.load(Ordering::Relaxed));
}
