//! `mode=domu`: dom0 builds a PVH domU with the toolstack library (tools/toolstack, the same
//! builder `xl create` uses: claim, PoD, the ELF kernel, hvm_start_info, the vCPU's start
//! state, unpause, cancel the claim), waits for it to shut down, and destroys it.
//!
//! The domU's kernel is the first boot module, normally this guest's own image; it runs with
//! `mode=probe` (main.rs), which writes to QEMU's exit port (a hypervisor that let a domU reach
//! it would end the whole run), prints through the HVM debug port and shuts down with
//! SHUTDOWN_reboot. Seeing that reason in getdomaininfo proves the domU ran its own code on its
//! own memory. The domU has 16 MiB and may balloon to 32 MiB, so it is a PoD domain.

use toolstack::{build_pvh, BuildProgress, PvhConfig, XenCtrl};
use xen_public::arch_x86::hvm::start_info::hvm_modlist_entry;
use xen_public::domctl::{XEN_DOMINF_shutdown, XEN_DOMINF_shutdownmask, XEN_DOMINF_shutdownshift};
use xen_public::sched::{SCHEDOP_yield, SHUTDOWN_reboot};
use xen_public::xen::__HYPERVISOR_sched_op;

use crate::hypercall::hypercall;
use crate::println;
use crate::start_info::{mapped, StartInfo};
use crate::toolstack_backend::GuestHypercall;

/// Boot module `index` as a byte slice (it lies in the identity-mapped first GiB).
pub fn module(start: &StartInfo, index: u32) -> Option<&'static [u8]> {
    let entry_size = core::mem::size_of::<hvm_modlist_entry>() as u64;
    let at = start.info.modlist_paddr + u64::from(index) * entry_size;
    if index >= start.info.nr_modules || !mapped(at, entry_size) {
        return None;
    }
    // SAFETY: the entry is inside the identity-mapped first GiB, where Xen wrote the module
    // list (an unaligned read, since nothing promises alignment).
    let entry = unsafe { core::ptr::read_unaligned(at as *const hvm_modlist_entry) };
    if !mapped(entry.paddr, entry.size) {
        return None;
    }
    // SAFETY: the module's bytes lie in the identity-mapped first GiB, given to us by Xen and
    // never written by this guest.
    Some(unsafe { core::slice::from_raw_parts(entry.paddr as *const u8, entry.size as usize) })
}

/// The mode: build, run, wait for, and destroy a domU. Returns whether all went as expected.
pub fn run(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("domu: no boot module: the domU's kernel must be the first module");
        return false;
    };
    let mut xc = XenCtrl::new(GuestHypercall::default());
    let config = PvhConfig {
        handle: *b"xen-rs test domU",
        max_vcpus: 1,
        target_memkb: 16 * 1024,
        max_memkb: 32 * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=probe",
        claim: true,
        paused: false,
        max_extent_order: 18,
    };
    let free_before = xc.physinfo().map(|p| p.free_pages);
    let built = build_pvh(&mut xc, &config, &mut |xc, step| match step {
        BuildProgress::Created { domid } => println!("domu: created d{domid}"),
        BuildProgress::Claimed { domid, pages } => {
            let outstanding = xc.physinfo().map_or(0, |p| p.outstanding_pages);
            println!(
                "domu: claimed {pages} pages for d{domid}; Xen's outstanding claims: {outstanding}"
            );
        }
        BuildProgress::ClaimCancelled { domid } => {
            let outstanding = xc.physinfo().map_or(0, |p| p.outstanding_pages);
            println!("domu: claim of d{domid} cancelled; Xen's outstanding claims: {outstanding}");
        }
        BuildProgress::Populated { .. } => {}
    });
    let domid = match built {
        Ok(domid) => domid,
        Err(e) => {
            println!("domu: building the domU failed: {e}");
            return false;
        }
    };
    println!("domu: d{domid} unpaused; waiting for it to shut down");

    let Some(reason) = wait_for_shutdown(&mut xc, domid, || {}) else {
        println!("domu: d{domid} never shut down");
        return false;
    };
    println!("domu: d{domid} shut down with reason {reason}");
    if let Err(e) = xc.domain_destroy(domid) {
        println!("domu: destroying d{domid} failed: {e}");
        return false;
    }
    println!("domu: d{domid} destroyed");
    let free_after = wait_for_free_pages(&mut xc, free_before);
    if free_before != free_after {
        println!("domu: free pages {free_before:?} before, {free_after:?} after");
        return false;
    }
    reason == SHUTDOWN_reboot
}

/// Waits (yielding the CPU, and calling `after_turn` after each yield) until getdomaininfo says
/// `domid` shut down; the reason, or `None` when it never did (or vanished).
pub fn wait_for_shutdown(
    xc: &mut XenCtrl<GuestHypercall>,
    domid: u16,
    mut after_turn: impl FnMut(),
) -> Option<u32> {
    for _ in 0..100_000 {
        match xc.domain_getinfo(domid) {
            Ok(Some(info)) if info.flags & XEN_DOMINF_shutdown != 0 => {
                return Some((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
            }
            Ok(Some(_)) => {}
            other => {
                println!("domu: d{domid} vanished: {other:?}");
                return None;
            }
        }
        sched_yield();
        after_turn();
    }
    None
}

/// Free pages once they are back to `before` (or after 1000 yields): Xen frees the last pages
/// of a destroyed domain (p2m root, paging pool) after an RCU grace period.
pub fn wait_for_free_pages(
    xc: &mut XenCtrl<GuestHypercall>,
    before: Result<u64, toolstack::Error>,
) -> Result<u64, toolstack::Error> {
    let mut free = xc.physinfo().map(|p| p.free_pages);
    for _ in 0..1000 {
        if free == before {
            break;
        }
        sched_yield();
        free = xc.physinfo().map(|p| p.free_pages);
    }
    free
}

pub fn sched_yield() {
    let arg = 0u64;
    // SAFETY: SCHEDOP_yield reads no argument memory.
    unsafe {
        hypercall(
            __HYPERVISOR_sched_op,
            [u64::from(SCHEDOP_yield), (&raw const arg) as u64, 0, 0, 0],
        )
    };
}
