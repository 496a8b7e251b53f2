//! Event channels (xen/common/event_channel.c `do_event_channel_op` and the `evtchn_*` functions
//! it calls; xen/common/event_2l.c for the bits in shared_info). The guest maps its shared_info
//! page (XENMAPSPACE_shared_info) and reads the pending and mask bitmaps and vCPU 0's upcall
//! flag and selector directly. Every port a case binds is closed again, so that the next case
//! starts from the same table.
// Xen's names (`EVTCHNSTAT_closed`) are kept, also in patterns.
#![allow(non_upper_case_globals)]

use core::sync::atomic::{AtomicU64, Ordering};

use xen_public::event_channel::*;
use xen_public::memory::{xen_add_to_physmap, XENMAPSPACE_shared_info, XENMEM_add_to_physmap};
use xen_public::xen::{
    __HYPERVISOR_event_channel_op, DOMID_SELF, VIRQ_CONSOLE, VIRQ_DEBUG, VIRQ_TIMER,
};
use zerocopy::{FromZeros, Immutable, IntoBytes};

use super::{create_pvh, destroy, Rc, BAD_ADDRESS};
use crate::case;
use crate::hypercall::hypercall;
use crate::raw;

/// The page the shared_info frame is mapped over (its RAM is given back by the mapping).
#[repr(C, align(4096))]
pub struct Page([u64; 512]);

/// The page shared_info is mapped over (the ping-pong upcall stub writes its first byte).
pub static mut SHARED_INFO: Page = Page([0; 512]);

/// The address of the mapped shared_info page (identity-mapped: also its gfn << 12).
fn shared_info_addr() -> u64 {
    (&raw const SHARED_INFO) as u64
}

/// Word `index` of shared_info, read as the hypervisor left it.
pub fn shinfo_word(index: usize) -> u64 {
    assert!(index < 512);
    // SAFETY: the static page is ours and identity-mapped; the hypervisor writes it
    // concurrently (it is shared_info), so it is read with a volatile load.
    unsafe { core::ptr::read_volatile((shared_info_addr() as *const u64).add(index)) }
}

/// Sets word `index` of shared_info (the guest's side of the protocol: masks, clearing flags).
pub fn set_shinfo_word(index: usize, value: u64) {
    assert!(index < 512);
    // SAFETY: as in `shinfo_word`.
    unsafe { core::ptr::write_volatile((shared_info_addr() as *mut u64).add(index), value) }
}

static MAPPED: AtomicU64 = AtomicU64::new(0);

/// Maps shared_info over the static page, once (xen/common/memory.c `xenmem_add_to_physmap_one`
/// with XENMAPSPACE_shared_info). Returns the result.
pub fn map_shared_info() -> i64 {
    if MAPPED.load(Ordering::Relaxed) != 0 {
        return 0;
    }
    let mut a = xen_add_to_physmap {
        domid: DOMID_SELF,
        space: XENMAPSPACE_shared_info,
        gpfn: shared_info_addr() >> 12,
        ..Default::default()
    };
    let rc = raw::memory_op(XENMEM_add_to_physmap, (&raw mut a) as u64);
    if rc == 0 {
        MAPPED.store(1, Ordering::Relaxed);
    }
    rc
}

/// `evtchn_pending[port]`.
pub fn pending(port: u32) -> bool {
    shinfo_word(256 + port as usize / 64) & (1 << (port % 64)) != 0
}

/// Clears `evtchn_pending[port]`, as a guest does once it handled the event.
pub fn clear_pending(port: u32) {
    let w = 256 + port as usize / 64;
    set_shinfo_word(w, shinfo_word(w) & !(1 << (port % 64)));
}

fn set_mask(port: u32, masked: bool) {
    let w = 320 + port as usize / 64;
    let bit = 1 << (port % 64);
    let old = shinfo_word(w);
    set_shinfo_word(w, if masked { old | bit } else { old & !bit });
}

/// vCPU 0's (`evtchn_upcall_pending`, `evtchn_pending_sel`), then both cleared.
pub fn take_upcall() -> (bool, u64) {
    let flag = shinfo_word(0) & 1 != 0;
    let sel = shinfo_word(1);
    set_shinfo_word(0, shinfo_word(0) & !0xff);
    set_shinfo_word(1, 0);
    (flag, sel)
}

/// EVTCHNOP `cmd` on `arg` (written back by the hypervisor).
pub fn op<T: IntoBytes + Immutable>(cmd: u32, arg: &mut T) -> i64 {
    // SAFETY: the argument is on our stack (identity-mapped); the hypervisor reads it and may
    // write it back.
    unsafe {
        hypercall(
            __HYPERVISOR_event_channel_op,
            [u64::from(cmd), (arg as *mut T) as u64, 0, 0, 0],
        )
    }
}

/// EVTCHNOP_alloc_unbound in `dom` for `remote`: (rc, port).
pub fn alloc_unbound(dom: u16, remote: u16) -> (i64, u32) {
    let mut a = evtchn_alloc_unbound {
        dom,
        remote_dom: remote,
        port: 0,
    };
    let rc = op(EVTCHNOP_alloc_unbound, &mut a);
    (rc, a.port)
}

/// EVTCHNOP_bind_interdomain: (rc, local port).
pub fn bind_interdomain(rdom: u16, rport: u32) -> (i64, u32) {
    let mut b = evtchn_bind_interdomain::new_zeroed();
    b.remote_dom = rdom;
    b.remote_port = rport;
    let rc = op(EVTCHNOP_bind_interdomain, &mut b);
    (rc, b.local_port)
}

/// EVTCHNOP_bind_virq: (rc, port).
pub fn bind_virq(virq: u32, vcpu: u32) -> (i64, u32) {
    let mut b = evtchn_bind_virq {
        virq,
        vcpu,
        port: 0,
    };
    let rc = op(EVTCHNOP_bind_virq, &mut b);
    (rc, b.port)
}

fn bind_ipi(vcpu: u32) -> (i64, u32) {
    let mut b = evtchn_bind_ipi { vcpu, port: 0 };
    let rc = op(EVTCHNOP_bind_ipi, &mut b);
    (rc, b.port)
}

/// EVTCHNOP_close.
pub fn close(port: u32) -> i64 {
    op(EVTCHNOP_close, &mut evtchn_close { port })
}

/// EVTCHNOP_send.
pub fn send(port: u32) -> i64 {
    op(EVTCHNOP_send, &mut evtchn_send { port })
}

fn unmask(port: u32) -> i64 {
    op(EVTCHNOP_unmask, &mut evtchn_unmask { port })
}

fn bind_vcpu(port: u32, vcpu: u32) -> i64 {
    op(EVTCHNOP_bind_vcpu, &mut evtchn_bind_vcpu { port, vcpu })
}

/// EVTCHNOP_status: (rc, status, vcpu, u).
pub fn status(dom: u16, port: u32) -> (i64, u32, u32, [u32; 2]) {
    let mut s = evtchn_status::new_zeroed();
    s.dom = dom;
    s.port = port;
    let rc = op(EVTCHNOP_status, &mut s);
    (rc, s.status, s.vcpu, s.u)
}

/// A status as the lines show it, with the domains of `names` shown by name (so that the lines
/// do not depend on domain ids).
fn stat_named(
    s: (i64, u32, u32, [u32; 2]),
    names: &'static [(u16, &'static str)],
    ids: [u16; 2],
) -> impl core::fmt::Display {
    struct S(
        (i64, u32, u32, [u32; 2]),
        &'static [(u16, &'static str)],
        [u16; 2],
    );
    impl core::fmt::Display for S {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            let (rc, status, vcpu, u) = self.0;
            if rc != 0 {
                return write!(f, "{}", Rc(rc));
            }
            let dom = |f: &mut core::fmt::Formatter<'_>, d: u32| match self
                .2
                .iter()
                .position(|&id| u32::from(id) == d)
            {
                Some(i) => write!(f, "dom {}", self.1[i].1),
                None => write!(f, "dom {d}"),
            };
            match status {
                EVTCHNSTAT_closed => write!(f, "closed vcpu {vcpu}"),
                EVTCHNSTAT_unbound => {
                    f.write_str("unbound ")?;
                    dom(f, u[0])?;
                    write!(f, " vcpu {vcpu}")
                }
                EVTCHNSTAT_interdomain => {
                    f.write_str("interdomain ")?;
                    dom(f, u[0])?;
                    write!(f, " vcpu {vcpu}")
                }
                EVTCHNSTAT_pirq => write!(f, "pirq vcpu {vcpu}"),
                EVTCHNSTAT_virq => write!(f, "virq {} vcpu {vcpu}", u[0]),
                EVTCHNSTAT_ipi => write!(f, "ipi vcpu {vcpu}"),
                other => write!(f, "status {other}"),
            }
        }
    }
    S(s, names, ids)
}

/// Names for [`stat_named`]: this domain, then a domU.
const NAMES: &[(u16, &str)] = &[(0, "self"), (0, "domu")];

/// A status with no domain names.
fn stat(s: (i64, u32, u32, [u32; 2])) -> impl core::fmt::Display {
    stat_named(s, &[], [u16::MAX; 2])
}

/// A status with this domain (`me`) and `domu` named.
fn stat_rel(s: (i64, u32, u32, [u32; 2]), me: u16, domu: u16) -> impl core::fmt::Display {
    stat_named(s, NAMES, [me, domu])
}

pub fn run() {
    // xenmem_add_to_physmap_one, XENMAPSPACE_shared_info: the page the bits live in.
    let rc = map_shared_info();
    case!("evtchn.map_shared_info", "rc {}", Rc(rc));
    let me = crate::hypercall::find_xen()
        .and_then(|x| x.domid)
        .unwrap_or(0) as u16;

    // evtchn_alloc_unbound: a free port (port 0 is reserved), waiting for the remote, which
    // DOMID_SELF names as the caller.
    let (rc, port) = alloc_unbound(DOMID_SELF, DOMID_SELF);
    case!(
        "evtchn.alloc_unbound",
        "rc {}, port > 0 {}, status {}",
        Rc(rc),
        port > 0,
        stat(status(DOMID_SELF, port))
    );
    close(port);

    // evtchn_alloc_unbound: the remote domain is not checked; the allocating domain is
    // (rcu_lock_domain_by_any_id: ESRCH); an unreadable argument is EFAULT.
    let (rc, port) = alloc_unbound(DOMID_SELF, 4242);
    let st = status(DOMID_SELF, port);
    close(port);
    let (bad_dom, _) = alloc_unbound(4242, 0);
    // SAFETY: a bad handle: the hypervisor's copy fails.
    let bad = unsafe {
        hypercall(
            __HYPERVISOR_event_channel_op,
            [u64::from(EVTCHNOP_alloc_unbound), BAD_ADDRESS, 0, 0, 0],
        )
    };
    case!(
        "evtchn.alloc_unbound.errors",
        "unknown remote {} {}, unknown dom {}, bad handle {}",
        Rc(rc),
        stat(st),
        Rc(bad_dom),
        Rc(bad)
    );

    // evtchn_status: port 0 is reserved (closed); free ports of the first bucket are closed;
    // beyond the allocated buckets a port is not valid (EINVAL); an unknown domain is ESRCH.
    case!(
        "evtchn.status.ports",
        "port 0 {}, port 63 {}, port 64 {}, port 4096 {}, unknown dom {}",
        stat(status(DOMID_SELF, 0)),
        stat(status(DOMID_SELF, 63)),
        stat(status(DOMID_SELF, 64)),
        stat(status(DOMID_SELF, 4096)),
        Rc(status(4242, 1).0)
    );

    // evtchn_close: twice (EINVAL, the port is free), port 0 (reserved), an invalid port.
    let (_, port) = alloc_unbound(DOMID_SELF, 0);
    let first = close(port);
    let again = close(port);
    case!(
        "evtchn.close",
        "rc {}, again {}, port 0 {}, invalid {}",
        Rc(first),
        Rc(again),
        Rc(close(0)),
        Rc(close(100_000))
    );

    // evtchn_send: an unbound port drops the event (rc 0, nothing pending); a free, reserved or
    // invalid port is EINVAL.
    let (_, port) = alloc_unbound(DOMID_SELF, 0);
    let rc = send(port);
    let was_pending = pending(port);
    close(port);
    case!(
        "evtchn.send.unbound_and_bad_ports",
        "unbound {} pending {was_pending}, free {}, port 0 {}, invalid {}",
        Rc(rc),
        Rc(send(port)),
        Rc(send(0)),
        Rc(send(100_000))
    );

    // evtchn_bind_virq: a per-vCPU VIRQ binds once per vCPU (EEXIST); sends on it are EINVAL.
    let (rc, timer) = bind_virq(VIRQ_TIMER, 0);
    let st = status(DOMID_SELF, timer);
    let twice = bind_virq(VIRQ_TIMER, 0).0;
    let sent = send(timer);
    case!(
        "evtchn.bind_virq.timer",
        "rc {}, status {}, again {}, send {}",
        Rc(rc),
        stat(st),
        Rc(twice),
        Rc(sent)
    );
    close(timer);
    // Closing frees the binding.
    let (rc, timer) = bind_virq(VIRQ_TIMER, 0);
    close(timer);
    case!("evtchn.bind_virq.rebind_after_close", "rc {}", Rc(rc));

    // evtchn_bind_virq: VIRQ number out of range (EINVAL), a global VIRQ on a vCPU other than 0
    // (virq_is_global: EINVAL), a vCPU the domain does not have (ENOENT).
    case!(
        "evtchn.bind_virq.errors",
        "virq 24 {}, virq -1 {}, global on vcpu 1 {}, timer on vcpu 100 {}",
        Rc(bind_virq(24, 0).0),
        Rc(bind_virq(u32::MAX, 0).0),
        Rc(bind_virq(VIRQ_CONSOLE, 1).0),
        Rc(bind_virq(VIRQ_TIMER, 100).0)
    );

    // A global VIRQ binds on vCPU 0, once.
    let (rc, console) = bind_virq(VIRQ_CONSOLE, 0);
    let st = status(DOMID_SELF, console);
    let twice = bind_virq(VIRQ_CONSOLE, 0).0;
    close(console);
    case!(
        "evtchn.bind_virq.global",
        "rc {}, status {}, again {}",
        Rc(rc),
        stat(st),
        Rc(twice)
    );

    // evtchn_bind_ipi, then a send to it (evtchn_2l_set_pending): pending, the selector bit of
    // its word and the upcall flag set in vCPU 0's vcpu_info.
    take_upcall();
    let (rc, ipi) = bind_ipi(0);
    let st = status(DOMID_SELF, ipi);
    let sent = send(ipi);
    let p = pending(ipi);
    let (flag, sel) = take_upcall();
    case!(
        "evtchn.ipi",
        "rc {}, status {}, send {}, pending {p}, upcall {flag}, sel bit {}",
        Rc(rc),
        stat(st),
        Rc(sent),
        sel & (1 << (ipi / 64)) != 0
    );
    // Closing drops the pending event (evtchn_free clears it).
    close(ipi);
    case!(
        "evtchn.close.clears_pending",
        "pending {}, bad vcpu {}",
        pending(ipi),
        Rc(bind_ipi(100).0)
    );

    // A second send of a pending event announces nothing new; a masked port stays pending
    // unannounced until EVTCHNOP_unmask (evtchn_2l_unmask) announces it.
    let (_, ipi) = bind_ipi(0);
    send(ipi);
    take_upcall();
    send(ipi);
    let (again_flag, _) = take_upcall();
    clear_pending(ipi);
    set_mask(ipi, true);
    send(ipi);
    let masked_pending = pending(ipi);
    let (masked_flag, masked_sel) = take_upcall();
    let rc = unmask(ipi);
    let (unmask_flag, unmask_sel) = take_upcall();
    let bit = 1 << (ipi / 64);
    case!(
        "evtchn.mask_and_unmask",
        "resend upcall {again_flag}, masked pending {masked_pending} upcall {masked_flag} sel {}, \
         unmask {} upcall {unmask_flag} sel {}",
        masked_sel & bit != 0,
        Rc(rc),
        unmask_sel & bit != 0
    );
    // Unmasking an unmasked port, or a masked one that is not pending, announces nothing.
    clear_pending(ipi);
    let again = unmask(ipi);
    set_mask(ipi, true);
    let not_pending = unmask(ipi);
    let (flag, _) = take_upcall();
    close(ipi);
    case!(
        "evtchn.unmask.nothing_pending",
        "unmasked {}, masked not pending {}, upcall {flag}, invalid {}",
        Rc(again),
        Rc(not_pending),
        Rc(unmask(100_000))
    );

    // evtchn_bind_interdomain within one domain: the new port is connected to the unbound one
    // and is marked pending ("we may have lost notifications"); a send goes to the other end.
    let (_, a) = alloc_unbound(DOMID_SELF, DOMID_SELF);
    let (rc, b) = bind_interdomain(DOMID_SELF, a);
    let b_pending = pending(b);
    clear_pending(b);
    let sent = send(b);
    let (a_pending, b_after) = (pending(a), pending(b));
    case!(
        "evtchn.bind_interdomain.loopback",
        "rc {}, status a {}, status b {}, new port pending {b_pending}, send {} a {a_pending} b {b_after}",
        Rc(rc),
        stat_rel(status(DOMID_SELF, a), me, u16::MAX),
        stat_rel(status(DOMID_SELF, b), me, u16::MAX),
        Rc(sent)
    );
    // Closing one end leaves the other unbound, waiting for the closer.
    let closed = close(a);
    case!(
        "evtchn.close.interdomain",
        "rc {}, other end {}",
        Rc(closed),
        stat_rel(status(DOMID_SELF, b), me, u16::MAX)
    );
    close(b);
    clear_pending(a);
    clear_pending(b);

    // evtchn_bind_interdomain: a port waiting for another domain, a free port, an invalid one,
    // an unknown domain; nothing is left allocated (the next free port is the same).
    let (_, other) = alloc_unbound(DOMID_SELF, 4242);
    let (_, probe) = alloc_unbound(DOMID_SELF, 0);
    close(probe);
    let not_waiting = bind_interdomain(DOMID_SELF, other).0;
    let free = bind_interdomain(DOMID_SELF, probe).0;
    let invalid = bind_interdomain(DOMID_SELF, 100_000).0;
    let unknown = bind_interdomain(4242, 1).0;
    let (_, next) = alloc_unbound(DOMID_SELF, 0);
    close(next);
    close(other);
    case!(
        "evtchn.bind_interdomain.errors",
        "not waiting {}, free {}, invalid {}, unknown dom {}, nothing left {}",
        Rc(not_waiting),
        Rc(free),
        Rc(invalid),
        Rc(unknown),
        next == probe
    );

    // evtchn_bind_vcpu: interdomain and unbound ports move; per-vCPU VIRQs and IPIs do not
    // (EINVAL); a vCPU the domain does not have is ENOENT.
    let (_, unbound) = alloc_unbound(DOMID_SELF, 0);
    let (_, timer) = bind_virq(VIRQ_DEBUG, 0);
    let (_, ipi) = bind_ipi(0);
    case!(
        "evtchn.bind_vcpu",
        "unbound {}, per-vcpu virq {}, ipi {}, bad vcpu {}, free port {}, invalid {}",
        Rc(bind_vcpu(unbound, 0)),
        Rc(bind_vcpu(timer, 0)),
        Rc(bind_vcpu(ipi, 0)),
        Rc(bind_vcpu(unbound, 100)),
        Rc(bind_vcpu(60, 0)),
        Rc(bind_vcpu(100_000, 0))
    );
    close(unbound);
    close(timer);
    close(ipi);

    // evtchn_set_priority on the 2-level ABI: no such port operation (ENOSYS); an invalid port
    // first (EINVAL). Unknown commands are ENOSYS.
    let (_, port) = alloc_unbound(DOMID_SELF, 0);
    let mut sp = evtchn_set_priority { port, priority: 3 };
    let prio = op(EVTCHNOP_set_priority, &mut sp);
    let mut sp = evtchn_set_priority {
        port: 100_000,
        priority: 3,
    };
    let bad_prio = op(EVTCHNOP_set_priority, &mut sp);
    close(port);
    case!(
        "evtchn.set_priority_and_bad_cmd",
        "2-level {}, invalid port {}, cmd 99 {}",
        Rc(prio),
        Rc(bad_prio),
        Rc(op(99, &mut 0u64))
    );

    // A domU built by this dom0: dom0 allocates a port in its table for itself (XSM_TARGET),
    // binds to it from dom0, and closing dom0's end leaves the domU's port waiting for dom0.
    if let Some(domid) = create_pvh(4096) {
        let (rc, theirs) = alloc_unbound(domid, me);
        let st = status(domid, theirs);
        let (bind, mine) = bind_interdomain(domid, theirs);
        let connected = status(domid, theirs);
        let mine_st = status(DOMID_SELF, mine);
        close(mine);
        clear_pending(mine);
        let after = status(domid, theirs);
        case!(
            "evtchn.domu.interdomain",
            "alloc {} {}, bind {} theirs {} mine {}, after close {}",
            Rc(rc),
            stat_rel(st, me, domid),
            Rc(bind),
            stat_rel(connected, me, domid),
            stat_rel(mine_st, me, domid),
            stat_rel(after, me, domid)
        );
        // evtchn_unmask of port 0 (reserved: nothing to announce) and dom0's view of the domU's
        // port 0; a global VIRQ's port moves to vCPU 0 (bind_vcpu).
        let (_, console) = bind_virq(VIRQ_CONSOLE, 0);
        case!(
            "evtchn.misc",
            "unmask port 0 {}, domu port 0 {}, global virq bind_vcpu {}",
            Rc(unmask(0)),
            stat(status(domid, 0)),
            Rc(bind_vcpu(console, 0))
        );
        close(console);
        // EVTCHNOP_reset of the domU (paused by its controller): every port closed.
        let mut r = evtchn_reset { dom: domid };
        let reset = op(EVTCHNOP_reset, &mut r);
        case!(
            "evtchn.domu.reset",
            "rc {}, port {}",
            Rc(reset),
            stat(status(domid, theirs))
        );
        // evtchn_allocate_port: a domU's ports run out at its max_evtchn_port (1023, xl's
        // default): ENOSPC after that.
        let mut allocated = 0;
        let last = loop {
            let (rc, _) = alloc_unbound(domid, me);
            if rc != 0 {
                break rc;
            }
            allocated += 1;
            if allocated > 5000 {
                break 0;
            }
        };
        case!(
            "evtchn.domu.max_evtchn_port",
            "allocated {allocated}, then {}",
            Rc(last)
        );
        // evtchn_reset of another domain that its controller has not paused: EINVAL.
        let unpaused = raw::domctl(xen_public::domctl::XEN_DOMCTL_unpausedomain, domid, &());
        let mut r = evtchn_reset { dom: domid };
        let reset = op(EVTCHNOP_reset, &mut r);
        case!(
            "evtchn.domu.reset_unpaused",
            "unpause {}, reset {}",
            Rc(unpaused),
            Rc(reset)
        );
        destroy(domid);
        // Once destroyed, the domain is gone: binding to it is ESRCH.
        case!(
            "evtchn.domu.destroyed",
            "bind {}, status {}",
            Rc(bind_interdomain(domid, theirs).0),
            Rc(status(domid, theirs).0)
        );
    }

    fifo(me);

    // EVTCHNOP_reset of the caller itself: every port closed (and back on the 2-level ABI).
    let (_, a) = alloc_unbound(DOMID_SELF, 0);
    let (_, b) = bind_ipi(0);
    let mut r = evtchn_reset { dom: DOMID_SELF };
    let rc = op(EVTCHNOP_reset, &mut r);
    case!(
        "evtchn.reset.self",
        "rc {}, {} and {}, unknown dom {}",
        Rc(rc),
        stat(status(DOMID_SELF, a)),
        stat(status(DOMID_SELF, b)),
        Rc(op(EVTCHNOP_reset, &mut evtchn_reset { dom: 4242 }))
    );
    take_upcall();
    clear_pending(b);
}

/// Pages the FIFO cases give the hypervisor: a control block and an event-array page.
static mut FIFO_PAGES: [Page; 2] = [Page([0; 512]), Page([0; 512])];

fn fifo_page(i: usize) -> u64 {
    // SAFETY: only the address is taken.
    (unsafe { (&raw const FIFO_PAGES[i]) }) as u64
}

/// A 32-bit word of a FIFO page, as the hypervisor left it.
fn fifo_word(page: usize, index: usize) -> u32 {
    // SAFETY: our own static page, which the hypervisor writes: read volatile.
    unsafe { core::ptr::read_volatile((fifo_page(page) as *const u32).add(index)) }
}

fn init_control(vcpu: u32, gfn: u64, offset: u32) -> (i64, u8) {
    let mut c = evtchn_init_control::new_zeroed();
    c.control_gfn = gfn;
    c.offset = offset;
    c.vcpu = vcpu;
    let rc = op(EVTCHNOP_init_control, &mut c);
    (rc, c.link_bits)
}

fn expand_array(gfn: u64) -> i64 {
    op(
        EVTCHNOP_expand_array,
        &mut evtchn_expand_array { array_gfn: gfn },
    )
}

/// The FIFO ABI (xen/common/event_fifo.c): its set-up checks, then an event as the guest sees
/// it: the port's event word PENDING|LINKED, its queue's ready bit and head.
fn fifo(_me: u16) {
    let cb = fifo_page(0) >> 12;
    let array = fifo_page(1) >> 12;
    // evtchn_fifo_expand_array before init_control: EOPNOTSUPP. evtchn_fifo_init_control: a
    // vCPU the domain does not have (ENOENT), an offset crossing the page or misaligned (EINVAL).
    case!(
        "evtchn.fifo.errors",
        "expand first {}, bad vcpu {}, offset 4090 {}, offset 4 {}",
        Rc(expand_array(array)),
        Rc(init_control(100, cb, 0).0),
        Rc(init_control(0, cb, 4090).0),
        Rc(init_control(0, cb, 4).0)
    );
    let (rc, link_bits) = init_control(0, cb, 0);
    let again = init_control(0, cb, 0).0;
    let expand = expand_array(array);
    case!(
        "evtchn.fifo.init_control",
        "rc {}, link bits {link_bits}, again {}, expand {}",
        Rc(rc),
        Rc(again),
        Rc(expand)
    );
    if rc != 0 {
        return;
    }
    let (_, port) = bind_ipi(0);
    let sent = send(port);
    let word = fifo_word(1, port as usize);
    let (ready, head) = (fifo_word(0, 0), fifo_word(0, 2 + 7));
    case!(
        "evtchn.fifo.event",
        "send {}, word pending {} linked {}, ready bit 7 {}, head is the port {}",
        Rc(sent),
        word & (1 << 31) != 0,
        word & (1 << 29) != 0,
        ready & (1 << 7) != 0,
        head == port
    );
    let mut sp = evtchn_set_priority { port, priority: 16 };
    let bad = op(EVTCHNOP_set_priority, &mut sp);
    sp.priority = 3;
    let ok = op(EVTCHNOP_set_priority, &mut sp);
    let mut sp = evtchn_set_priority {
        port: 60,
        priority: 3,
    };
    let free = op(EVTCHNOP_set_priority, &mut sp);
    case!(
        "evtchn.fifo.set_priority",
        "16 {}, 3 {}, free port {}",
        Rc(bad),
        Rc(ok),
        Rc(free)
    );
    close(port);
}
