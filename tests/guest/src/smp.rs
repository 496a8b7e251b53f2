//! `mode=smp`: dom0 builds a domU with two vCPUs (this image, `mode=smp-domu`). The domU's vCPU 0
//! starts vCPU 1 the way a PVH kernel starts its secondary CPUs: VCPUOP_initialise with a 64-bit
//! start state (its own CR0, CR3, CR4 and EFER, a stack of its own) and VCPUOP_up
//! (xen/common/domain.c `common_vcpu_op`, xen/arch/x86/hvm/domain.c `arch_set_info_hvm_guest`).
//! vCPU 1 says so and takes itself down (VCPUOP_down); vCPU 0 waits for both, reports, and powers
//! the domain off.

use core::arch::asm;
use core::sync::atomic::{AtomicU64, Ordering};

use toolstack::{build_pvh, PvhConfig, XenCtrl};
use xen_public::hvm::hvm_vcpu::{vcpu_hvm_context, vcpu_hvm_x86_64, VCPU_HVM_MODE_64B};
use xen_public::sched::SHUTDOWN_poweroff;
use xen_public::vcpu::{VCPUOP_down, VCPUOP_initialise, VCPUOP_is_up, VCPUOP_up};
use xen_public::xen::__HYPERVISOR_vcpu_op;
use zerocopy::{FromZeros, IntoBytes};

use crate::domu::{module, sched_yield, wait_for_shutdown};
use crate::hypercall::hypercall;
use crate::println;
use crate::start_info::StartInfo;
use crate::toolstack_backend::GuestHypercall;

/// dom0's side: build the two-vCPU domU, wait for it to power off, destroy it.
pub fn run(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("smp: no boot module: the domU's kernel must be the first module");
        return false;
    };
    let mut xc = XenCtrl::new(GuestHypercall::default());
    let config = PvhConfig {
        handle: *b"xen-rs smp domU\0",
        max_vcpus: 2,
        target_memkb: 16 * 1024,
        max_memkb: 16 * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=smp-domu",
        claim: false,
        paused: false,
        max_extent_order: 9,
    };
    let domid = match build_pvh(&mut xc, &config, &mut |_, _| {}) {
        Ok(domid) => domid,
        Err(e) => {
            println!("smp: building the domU failed: {e}");
            return false;
        }
    };
    let reason = wait_for_shutdown(&mut xc, domid, || {});
    let destroyed = xc.domain_destroy(domid).is_ok();
    println!("smp: d{domid} shut down with reason {reason:?}, destroyed {destroyed}");
    reason == Some(SHUTDOWN_poweroff) && destroyed
}

/// Set by vCPU 1 once it runs.
static AP_RAN: AtomicU64 = AtomicU64::new(0);

#[repr(C, align(16))]
struct Stack([u8; 16384]);

static mut AP_STACK: Stack = Stack([0; 16384]);

/// vCPU 1's first instruction: 64-bit mode, paging on (the BSP's tables), interrupts off.
extern "C" fn ap_main() -> ! {
    AP_RAN.store(1, Ordering::SeqCst);
    println!("smp: vcpu 1 is running");
    // Down (VCPUOP_down on itself: not the last vCPU, so the domain lives on); it does not come
    // back unless brought up again. (`cli; hlt` would do the same through `hvm_hlt`, but Bochs
    // takes a halt with interrupts off for the end of the run.)
    loop {
        vcpu_op(VCPUOP_down, 1, 0);
    }
}

fn vcpu_op(cmd: u32, vcpu: u32, arg: u64) -> i64 {
    // SAFETY: `arg` is 0 or a structure on our stack.
    unsafe {
        hypercall(
            __HYPERVISOR_vcpu_op,
            [u64::from(cmd), u64::from(vcpu), arg, 0, 0],
        )
    }
}

/// The domU's vCPU 0.
pub fn domu() -> ! {
    let (cr0, cr3, cr4): (u64, u64, u64);
    // SAFETY: reading control registers has no effect.
    unsafe {
        asm!("mov {}, cr0", out(reg) cr0, options(nomem, nostack, preserves_flags));
        asm!("mov {}, cr3", out(reg) cr3, options(nomem, nostack, preserves_flags));
        asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack, preserves_flags));
    }
    let (lo, hi): (u32, u32);
    // SAFETY: RDMSR of EFER, which every x86-64 CPU has.
    unsafe {
        asm!("rdmsr", in("ecx") 0xc000_0080u32, out("eax") lo, out("edx") hi,
             options(nomem, nostack, preserves_flags))
    };
    let efer = (u64::from(hi) << 32) | u64::from(lo);
    let mut regs = vcpu_hvm_x86_64::new_zeroed();
    regs.rip = ap_main as *const () as u64;
    // The stack's top less 8: a function's entry sees the return address's slot.
    regs.rsp = (&raw const AP_STACK) as u64 + 16384 - 8;
    regs.rflags = 0x2;
    (regs.cr0, regs.cr3, regs.cr4, regs.efer) = (cr0, cr3, cr4, efer);
    let mut ctx = vcpu_hvm_context::new_zeroed();
    ctx.mode = VCPU_HVM_MODE_64B;
    let bytes = regs.as_bytes();
    ctx.cpu_regs.as_mut_bytes()[..bytes.len()].copy_from_slice(bytes);
    let init = vcpu_op(VCPUOP_initialise, 1, (&raw mut ctx) as u64);
    let up = vcpu_op(VCPUOP_up, 1, 0);
    let mut ran = false;
    let mut down = false;
    for _ in 0..100_000 {
        ran = AP_RAN.load(Ordering::SeqCst) != 0;
        down = vcpu_op(VCPUOP_is_up, 1, 0) == 0;
        if ran && down {
            break;
        }
        sched_yield();
    }
    println!("smp: initialise {init}, up {up}, vcpu 1 ran {ran}, then went down {down}");
    crate::power_off_with(SHUTDOWN_poweroff)
}
