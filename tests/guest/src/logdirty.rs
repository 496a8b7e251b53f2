//! `mode=logdirty`: dom0 builds the probe domU paused (as `mode=domu` does, without PoD), turns
//! log-dirty mode on for it (XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, a migration's first step),
//! lets it run, and reads the dirty bitmap back (XEN_DOMCTL_SHADOW_OP_CLEAN).
//!
//! Turning log-dirty on is a global type change of the domU's RAM, done lazily (Xen's
//! `p2m_change_entry_type_global`): only the top of the p2m is marked. The domU's first touch of
//! its memory then takes the vendor's recalculation path (on EPT an EPT misconfiguration exit,
//! resolved as Xen's `resolve_misconfig` does; on NPT a nested page fault on the marked entry),
//! which turns its pages into log-dirty ones, and its first write to each takes a fault that marks
//! the page dirty and makes it writable again. A domU that shut down normally and a non-empty
//! bitmap show both paths worked; a second CLEAN must then find nothing new.

use toolstack::{build_pvh, PvhConfig, XenCtrl};
use xen_public::sched::SHUTDOWN_reboot;

use crate::domu::{module, wait_for_free_pages, wait_for_shutdown};
use crate::println;
use crate::start_info::StartInfo;
use crate::toolstack_backend::GuestHypercall;

/// The domU's memory: 16 MiB, all populated.
const DOMU_MIB: u64 = 16;

/// The mode; returns whether all went as expected.
pub fn run(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("logdirty: no boot module: the domU's kernel must be the first module");
        return false;
    };
    let mut xc = XenCtrl::new(GuestHypercall::default());
    let config = PvhConfig {
        handle: *b"xen-rs logdirty ",
        max_vcpus: 1,
        target_memkb: DOMU_MIB * 1024,
        max_memkb: DOMU_MIB * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=probe",
        claim: true,
        paused: true,
        max_extent_order: 18,
    };
    let pages = DOMU_MIB * 256;
    let free_before = xc.physinfo().map(|p| p.free_pages);
    let domid = match build_pvh(&mut xc, &config, &mut |_, _| {}) {
        Ok(domid) => domid,
        Err(e) => {
            println!("logdirty: building the domU failed: {e}");
            return false;
        }
    };
    let ok = track(&mut xc, domid, pages);
    if let Err(e) = xc.domain_destroy(domid) {
        println!("logdirty: destroying d{domid} failed: {e}");
        return false;
    }
    let free_after = wait_for_free_pages(&mut xc, free_before);
    if free_before != free_after {
        println!("logdirty: free pages {free_before:?} before, {free_after:?} after");
        return false;
    }
    println!("logdirty: d{domid} destroyed, its memory returned");
    ok
}

/// Log-dirty on, run the domU to its end, read the bitmap twice, log-dirty off.
fn track(xc: &mut XenCtrl<GuestHypercall>, domid: u16, pages: u64) -> bool {
    if let Err(e) = xc.logdirty_enable(domid) {
        println!("logdirty: enabling on d{domid} failed: {e}");
        return false;
    }
    let dirty = |xc: &mut XenCtrl<GuestHypercall>| {
        xc.logdirty_clean(domid, pages).map(|(bitmap, _)| {
            bitmap
                .iter()
                .map(|b| u64::from(b.count_ones()))
                .sum::<u64>()
        })
    };
    let before = dirty(xc);
    println!("logdirty: enabled on d{domid}; dirty before it ran: {before:?}");
    if let Err(e) = xc.domain_unpause(domid) {
        println!("logdirty: unpausing d{domid} failed: {e}");
        return false;
    }
    let reason = wait_for_shutdown(xc, domid, || {});
    let ran = dirty(xc);
    let again = dirty(xc);
    let _ = xc.logdirty_disable(domid);
    match (before, reason, ran, again) {
        (Ok(0), Some(reason), Ok(n), Ok(0)) if reason == SHUTDOWN_reboot && n > 0 && n < pages => {
            println!(
                "logdirty: d{domid} ran to its shutdown and dirtied some of its pages; \
                 a second clean found none"
            );
            true
        }
        other => {
            println!(
                "logdirty: unexpected (before, shutdown reason, dirtied, second clean): {other:?}"
            );
            false
        }
    }
}
