//! `mode=pingpong`: dom0 builds a domU (this image with `mode=pong port=N`), connects an
//! interdomain event channel to it, and the two bounce 10,000 events: dom0 sends and waits for
//! the reply with SCHEDOP_poll; the domU takes each event as an upcall (HVM_PARAM_CALLBACK_IRQ
//! with a vector, an IDT gate, `sti; hlt` to idle) and sends it back. Each side counts what it
//! sent and received; the counts must match. Every event crosses the hypervisor's event
//! channels, its upcall injection (with the interrupt window when the domU has interrupts off)
//! and its wake-ups of blocked vCPUs.

use core::arch::{asm, global_asm};
use core::sync::atomic::{AtomicU64, Ordering};

use toolstack::{build_pvh, PvhConfig, XenCtrl};
use xen_public::hvm::hvm_op::{xen_hvm_param, HVMOP_set_param};
use xen_public::hvm::params::HVM_PARAM_CALLBACK_IRQ;
use xen_public::sched::{SHUTDOWN_poweroff, SHUTDOWN_reboot};
use xen_public::xen::{__HYPERVISOR_hvm_op, DOMID_SELF};

use crate::conformance::events::{
    alloc_unbound, bind_interdomain, clear_pending, map_shared_info, pending, send, SHARED_INFO,
};
use crate::conformance::timekeeping::now;
use crate::domu::{module, wait_for_shutdown};
use crate::hypercall::hypercall;
use crate::println;
use crate::start_info::StartInfo;
use crate::toolstack_backend::GuestHypercall;

/// Events each way.
pub const ROUNDS: u64 = 10_000;
/// The vector the domU takes its upcalls on.
const UPCALL_VECTOR: u8 = 0xf3;
/// How long dom0 waits for one reply.
const REPLY_TIMEOUT_NS: u64 = 5_000_000_000;

/// dom0's side. Returns whether both sides counted every event.
pub fn ping(start: &StartInfo) -> bool {
    let Some(kernel) = module(start, 0) else {
        println!("pingpong: no boot module: the domU's kernel must be the first module");
        return false;
    };
    if map_shared_info() != 0 {
        println!("pingpong: cannot map shared_info");
        return false;
    }
    let mut xc = XenCtrl::new(GuestHypercall::default());
    let config = PvhConfig {
        handle: *b"xen-rs pingpong\0",
        max_vcpus: 1,
        target_memkb: 16 * 1024,
        max_memkb: 16 * 1024,
        kernel,
        ramdisk: None,
        // The domU's port is the first it has: port 1 (0 is reserved).
        cmdline: "mode=pong port=1",
        claim: false,
        paused: true,
        max_extent_order: 9,
    };
    let domid = match build_pvh(&mut xc, &config, &mut |_, _| {}) {
        Ok(domid) => domid,
        Err(e) => {
            println!("pingpong: building the domU failed: {e}");
            return false;
        }
    };
    // The domU's port waits for dom0; dom0 connects to it.
    let (rc, theirs) = alloc_unbound(domid, 0);
    let (bind, mine) = bind_interdomain(domid, theirs);
    if rc != 0 || bind != 0 || theirs != 1 {
        println!("pingpong: alloc_unbound {rc} port {theirs}, bind_interdomain {bind}");
        return false;
    }
    clear_pending(mine);
    if let Err(e) = xc.domain_unpause(domid) {
        println!("pingpong: unpausing d{domid} failed: {e}");
        return false;
    }
    println!("pingpong: d{domid} port {theirs} connected to dom0 port {mine}");
    let (mut sent, mut received) = (0u64, 0u64);
    while received < ROUNDS {
        if send(mine) != 0 {
            break;
        }
        sent += 1;
        let rc = crate::conformance::timekeeping::poll(&[mine], now() + REPLY_TIMEOUT_NS);
        if rc != 0 || !pending(mine) {
            println!("pingpong: no reply to event {sent} (poll {rc})");
            break;
        }
        clear_pending(mine);
        received += 1;
    }
    println!("pingpong: dom0 sent {sent}, received {received}");
    let reason = wait_for_shutdown(&mut xc, domid, || {});
    let destroyed = xc.domain_destroy(domid).is_ok();
    println!("pingpong: d{domid} shut down with reason {reason:?}, destroyed {destroyed}");
    sent == ROUNDS && received == ROUNDS && reason == Some(SHUTDOWN_poweroff) && destroyed
}

/// Upcalls taken (the IDT stub counts them).
static UPCALLS: AtomicU64 = AtomicU64::new(0);

// The upcall's interrupt gate, what a guest's handler does first (Linux's
// `__xen_evtchn_do_upcall`): clears vCPU 0's `evtchn_upcall_pending` (the first byte of
// shared_info, where vcpu_info[0] starts), then takes its `evtchn_pending_sel` (the next word)
// with an exchange, so that the hypervisor announces the next event again; counts the upcall.
// The loop in `pong` handles the pending ports.
global_asm!(
    ".global pingpong_upcall",
    "pingpong_upcall:",
    "movb $0, {shared_info}(%rip)",
    "push %rax",
    "xor %eax, %eax",
    "xchg %rax, {shared_info}+8(%rip)",
    "pop %rax",
    "lock incq {upcalls}(%rip)",
    "iretq",
    shared_info = sym SHARED_INFO,
    upcalls = sym UPCALLS,
    options(att_syntax),
);

extern "C" {
    fn pingpong_upcall();
}

/// One 16-byte IDT gate.
#[derive(Clone, Copy)]
#[repr(C)]
struct Gate([u64; 2]);

#[repr(C, align(16))]
struct Idt([Gate; 256]);

static mut IDT: Idt = Idt([Gate([0, 0]); 256]);

/// Loads an IDT whose only gate is the upcall's (a 64-bit interrupt gate, DPL 0).
fn install_idt() {
    let handler = pingpong_upcall as *const () as u64;
    let cs: u16;
    // SAFETY: reading CS has no effect.
    unsafe { asm!("mov {0:x}, cs", out(reg) cs, options(nomem, nostack, preserves_flags)) };
    let low = (handler & 0xffff)
        | (u64::from(cs) << 16)
        | (0x8e << 40)
        | ((handler >> 16) & 0xffff) << 48;
    let high = handler >> 32;
    // SAFETY: one vCPU, interrupts off: nothing else touches the IDT while it is written.
    unsafe { IDT.0[usize::from(UPCALL_VECTOR)] = Gate([low, high]) };
    let descriptor: [u64; 2] = [
        ((core::mem::size_of::<Idt>() as u64 - 1) & 0xffff) | (((&raw const IDT) as u64) << 16),
        ((&raw const IDT) as u64) >> 48,
    ];
    // SAFETY: LIDT reads the 10-byte descriptor on our stack; the IDT is a static that lives for
    // ever, and only the upcall's vector has a gate (any other interrupt is a fault: none is
    // expected).
    unsafe { asm!("lidt [{}]", in(reg) &descriptor, options(nostack, preserves_flags)) };
}

/// Clears vCPU 0's `evtchn_upcall_pending` and takes its `evtchn_pending_sel`, as the upcall
/// stub does.
fn take_announcements() {
    let base = (&raw mut SHARED_INFO).cast::<u64>();
    // SAFETY: words 0 and 1 of the mapped shared_info page (vcpu_info[0]'s flag byte and its
    // selector); the hypervisor updates them with locked instructions, so atomics here too.
    unsafe {
        core::sync::atomic::AtomicU8::from_ptr(base.cast::<u8>()).store(0, Ordering::SeqCst);
        AtomicU64::from_ptr(base.add(1)).swap(0, Ordering::SeqCst);
    }
}

/// The domU's side: events on `port` come as upcalls; each is answered on the same port.
pub fn pong(port: u32) -> ! {
    if map_shared_info() != 0 {
        println!("pong: cannot map shared_info");
        crate::power_off_with(SHUTDOWN_reboot)
    }
    install_idt();
    let mut p = xen_hvm_param {
        domid: DOMID_SELF,
        pad: 0,
        index: HVM_PARAM_CALLBACK_IRQ,
        // HVM_PARAM_CALLBACK_TYPE_VECTOR.
        value: (2 << 56) | u64::from(UPCALL_VECTOR),
    };
    // SAFETY: the parameter is on our stack.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_hvm_op,
            [u64::from(HVMOP_set_param), (&raw mut p) as u64, 0, 0, 0],
        )
    };
    if rc != 0 {
        println!("pong: HVM_PARAM_CALLBACK_IRQ refused: {rc}");
        crate::power_off_with(SHUTDOWN_reboot)
    }
    let (mut received, mut sent) = (0u64, 0u64);
    while received < ROUNDS {
        // Interrupts off while looking, so that an upcall cannot slip in between the look and
        // the halt; `sti; hlt` then takes it (STI's shadow covers the HLT).
        // SAFETY: CLI only masks interrupts.
        unsafe { asm!("cli", options(nomem, nostack)) };
        // What the upcall handler does, also when the event is found without one: unless the
        // selector is taken, the hypervisor never announces this word's next event (its bit is
        // still set) and the `hlt` below would sleep for ever.
        take_announcements();
        if pending(port) {
            clear_pending(port);
            received += 1;
            if send(port) == 0 {
                sent += 1;
            }
            continue;
        }
        // SAFETY: the upcall's gate is installed; HLT returns after it (or any wake-up).
        unsafe { asm!("sti", "hlt", options(nomem, nostack)) };
    }
    // SAFETY: as above.
    unsafe { asm!("cli", options(nomem, nostack)) };
    println!(
        "pong: received {received}, sent {sent}, upcalls taken {}",
        if UPCALLS.load(Ordering::Relaxed) > 0 {
            "some"
        } else {
            "none"
        }
    );
    crate::power_off_with(SHUTDOWN_poweroff)
}
