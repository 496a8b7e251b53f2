//! `mode=xstate`: two domains' x87/SSE/AVX state and XCR0 stay their own while they take turns on
//! the CPU (the hypervisor's job, Xen's xstate.c and i387.c).
//!
//! dom0 turns on SSE and XSAVE, sets XCR0 to every state it can (FP|SSE|YMM with AVX) and puts a
//! pattern in XMM0, then builds a domU running `mode=xstate-domu`, which sets XCR0 to FP|SSE only
//! and its own pattern. Both yield the CPU to each other many times and after each turn check
//! XMM0 and XCR0 (XGETBV reads the CPU's register, so a value left by the other domain shows).
//! XSETBV is intercepted on both vendors, so setting XCR0 also goes through the hypervisor's
//! checks (on VMX it always exits, which the Bochs run exercises).
//!
//! Under Xen 4.17 in QEMU (`./x run-xen --cmdline mode=xstate`) dom0 finds XCR0 = FP|SSE and
//! XMM0 cleared after its turns: QEMU's TCG does not honour SVM's XSETBV intercept
//! (target/i386/tcg/fpu_helper.c `helper_xsetbv` never checks it), so Xen never learns the XCR0 a
//! guest set and its `__context_switch` loads the one it knows. xen-rs records the XCR0 the CPU
//! holds when it saves a vCPU's state, so it does not depend on the intercept.

use core::arch::asm;
use core::arch::x86_64::__cpuid_count;

use toolstack::{build_pvh, PvhConfig, XenCtrl};
use xen_public::sched::SHUTDOWN_reboot;

use crate::domu::{module, sched_yield, wait_for_free_pages, wait_for_shutdown};
use crate::println;
use crate::start_info::StartInfo;
use crate::toolstack_backend::GuestHypercall;

/// How many turns each side checks.
const TURNS: u32 = 200;
const DOM0_PATTERN: u64 = 0xd0d0_0000_0000_00d0;
const DOMU_PATTERN: u64 = 0x1111_2222_3333_4444;

const XSTATE_FP_SSE: u64 = 0b011;
const XSTATE_YMM: u64 = 0b100;

/// Turns on SSE (CR0.MP, not EM or TS; CR4.OSFXSR and OSXMMEXCPT) and, when CPUID offers XSAVE,
/// CR4.OSXSAVE and XCR0 = FP|SSE, plus YMM when `want_avx` and AVX is offered. Returns XCR0 (0
/// without XSAVE).
fn enable(want_avx: bool) -> u64 {
    let (ecx1, xstates) = {
        let ecx1 = __cpuid_count(1, 0).ecx;
        let xsave = ecx1 & (1 << 26) != 0;
        (
            ecx1,
            if xsave {
                u64::from(__cpuid_count(0xd, 0).eax)
            } else {
                0
            },
        )
    };
    // SAFETY: only how x87/SSE instructions trap and whether XSAVE is enabled change; this guest
    // uses SSE only through this module.
    unsafe {
        let mut cr0: u64;
        asm!("mov {}, cr0", out(reg) cr0, options(nomem, nostack));
        cr0 = (cr0 | (1 << 1)) & !((1 << 2) | (1 << 3));
        asm!("mov cr0, {}", in(reg) cr0, options(nomem, nostack));
        let mut cr4: u64;
        asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack));
        cr4 |= (1 << 9) | (1 << 10);
        if xstates != 0 {
            cr4 |= 1 << 18;
        }
        asm!("mov cr4, {}", in(reg) cr4, options(nomem, nostack));
    }
    if xstates == 0 {
        return 0;
    }
    let avx = ecx1 & (1 << 28) != 0 && xstates & XSTATE_YMM != 0;
    let xcr0 = if want_avx && avx {
        XSTATE_FP_SSE | XSTATE_YMM
    } else {
        XSTATE_FP_SSE
    };
    // SAFETY: CR4.OSXSAVE is on and the value only holds states CPUID offers.
    unsafe {
        asm!("xsetbv", in("ecx") 0u32, in("eax") xcr0 as u32, in("edx") (xcr0 >> 32) as u32,
            options(nomem, nostack))
    };
    xcr0
}

fn xgetbv() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: XGETBV(0) reads XCR0; only called once CR4.OSXSAVE is on.
    unsafe {
        asm!("xgetbv", in("ecx") 0u32, out("eax") lo, out("edx") hi, options(nomem, nostack))
    };
    (u64::from(hi) << 32) | u64::from(lo)
}

fn set_xmm0(value: u64) {
    // SAFETY: SSE is on (`enable`); nothing else in this guest uses XMM0.
    unsafe { asm!("movq xmm0, {}", in(reg) value, options(nomem, nostack)) };
}

fn xmm0() -> u64 {
    let value: u64;
    // SAFETY: as in `set_xmm0`.
    unsafe { asm!("movq {}, xmm0", out(reg) value, options(nomem, nostack)) };
    value
}

/// Whether XMM0 and XCR0 still hold what this domain put there; the first time they do not,
/// says what they hold instead.
fn intact(pattern: u64, xcr0: u64, reported: &mut bool) -> bool {
    let (now_xmm0, now_xcr0) = (xmm0(), if xcr0 == 0 { 0 } else { xgetbv() });
    let ok = now_xmm0 == pattern && now_xcr0 == xcr0;
    if !ok && !*reported {
        *reported = true;
        println!(
            "xstate: expected XMM0 {pattern:#x} XCR0 {xcr0:#x}, found {now_xmm0:#x} {now_xcr0:#x}"
        );
    }
    ok
}

/// dom0's side; returns whether all went as expected.
pub fn run(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("xstate: no boot module: the domU's kernel must be the first module");
        return false;
    };
    let xcr0 = enable(true);
    set_xmm0(DOM0_PATTERN);
    println!(
        "xstate: dom0 uses XCR0 {}",
        match xcr0 {
            0 => "(no XSAVE)",
            XSTATE_FP_SSE => "FP|SSE",
            _ => "FP|SSE|YMM",
        }
    );
    let mut xc = XenCtrl::new(GuestHypercall::default());
    let config = PvhConfig {
        handle: *b"xen-rs xstate  u",
        max_vcpus: 1,
        target_memkb: 16 * 1024,
        max_memkb: 16 * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=xstate-domu",
        claim: false,
        paused: false,
        max_extent_order: 18,
    };
    let free_before = xc.physinfo().map(|p| p.free_pages);
    let domid = match build_pvh(&mut xc, &config, &mut |_, _| {}) {
        Ok(domid) => domid,
        Err(e) => {
            println!("xstate: building the domU failed: {e}");
            return false;
        }
    };
    // Take turns with the domU until it shuts down, checking after each.
    let mut turns = 0u32;
    let mut broken = 0u32;
    let mut reported = false;
    let reason = wait_for_shutdown(&mut xc, domid, || {
        turns += 1;
        if !intact(DOM0_PATTERN, xcr0, &mut reported) {
            broken += 1;
        }
    });
    let destroyed = xc.domain_destroy(domid).is_ok();
    let freed = wait_for_free_pages(&mut xc, free_before) == free_before;
    let ok = broken == 0 && reason == Some(SHUTDOWN_reboot) && destroyed && freed;
    if ok {
        println!("xstate: dom0 kept its XMM0 and XCR0 over {turns} turns; d{domid} kept its own");
    } else {
        println!(
            "xstate: dom0 lost its state in {broken} of {turns} turns; d{domid} shutdown reason \
             {reason:?}; destroyed {destroyed}, memory back {freed}"
        );
    }
    ok
}

/// The domU's side: shuts down with SHUTDOWN_reboot when its state held, else poweroff.
pub fn run_domu() -> bool {
    let xcr0 = enable(false);
    set_xmm0(DOMU_PATTERN);
    let mut broken = 0;
    let mut reported = false;
    for _ in 0..TURNS {
        sched_yield();
        if !intact(DOMU_PATTERN, xcr0, &mut reported) {
            broken += 1;
        }
    }
    println!("xstate-domu: {TURNS} turns, state lost in {broken}");
    broken == 0
}
