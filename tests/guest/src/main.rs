//! The xen-rs test guest: a small PVH kernel that boots as dom0 under Xen 4.17 or xen-rs.
//!
//! - `boot.rs`: the ELF notes and the 32-bit entry (hvm_start_info in EBX) up to [`main`];
//! - `hypercall.rs`: CPUID detection, the hypercall page and every hypercall the guest makes;
//! - `start_info.rs`: the start info and the command line;
//! - `console.rs`: [`println!`] through console_io;
//! - `garbage.rs`: `mode=garbage`, random hypercalls and a summary of their errnos;
//! - `domu.rs`: `mode=domu`, a domU built with the toolstack library, run and destroyed;
//! - `logdirty.rs`: `mode=logdirty`, log-dirty tracking of a running domU;
//! - `xstate.rs`: `mode=xstate`, dom0 and a domU keep their own x87/SSE state and XCR0;
//! - `conformance/`: `mode=conformance`, one `CASE` line per hypercall conformance case;
//! - `bench.rs`: `mode=bench`, the whole-system measurements of `./x bench`.
//!
//! The command line picks the behaviour: `mode=hello` (the default), `mode=triple-fault`,
//! `mode=garbage` (optionally with `seed=N`, decimal or 0x-hex), `mode=spin` (a busy loop with no
//! hypercall, for the hypervisor's timer preemption). See README.md.
#![no_std]
#![no_main]

extern crate alloc;

mod bench;
mod boot;
mod conformance;
mod console;
mod domu;
mod garbage;
mod hypercall;
mod logdirty;
mod pingpong;
mod raw;
mod smp;
mod start_info;
mod toolstack_backend;
mod xstate;

use core::arch::asm;
use core::panic::PanicInfo;
use core::ptr::addr_of_mut;

use linked_list_allocator::LockedHeap;

use xen_public::sched::{SCHEDOP_block, SHUTDOWN_crash, SHUTDOWN_poweroff, SHUTDOWN_reboot};
use xen_public::version::XENVER_version;
use xen_public::xen::SIF_INITDOMAIN;

/// The heap (for the toolstack library in `mode=domu`): small, since it is part of the image
/// that `mode=domu` loads into its domU.
const HEAP_BYTES: usize = 512 * 1024;

#[repr(align(4096))]
struct HeapArena([u8; HEAP_BYTES]);

static mut HEAP_ARENA: HeapArena = HeapArena([0; HEAP_BYTES]);

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Rust starts here, on the boot stack, in long mode with the first GiB identity-mapped.
fn main(start_info_paddr: u64) -> ! {
    // SAFETY: runs once, before any allocation; the arena is used by nothing else.
    unsafe {
        HEAP.lock()
            .init(addr_of_mut!(HEAP_ARENA.0).cast::<u8>(), HEAP_BYTES)
    };
    let Some(xen) = hypercall::find_xen() else {
        // No Xen, no console: stop in a way any hypervisor reports.
        triple_fault()
    };
    hypercall::install_page(&xen);
    let start = start_info::read(start_info_paddr);

    match start.option("mode").unwrap_or("hello") {
        "hello" => hello(&xen, &start),
        "triple-fault" => {
            println!("mode=triple-fault: empty IDT, then int3");
            triple_fault()
        }
        "garbage" => {
            garbage::run(start.option("seed"));
            power_off()
        }
        "spin" => spin(),
        "domu" => {
            println!("mode=domu: build a PVH domU, run it, destroy it");
            if domu::run(&start) {
                println!("domu: done");
            }
            power_off()
        }
        "xstate" => {
            println!("mode=xstate: dom0 and a domU keep their own x87/SSE state and XCR0");
            if xstate::run(&start) {
                println!("xstate: done");
            }
            power_off()
        }
        "xstate-domu" => {
            // SHUTDOWN_reboot tells dom0 the state held, poweroff that it did not.
            let reason = if xstate::run_domu() {
                SHUTDOWN_reboot
            } else {
                SHUTDOWN_poweroff
            };
            let rc = hypercall::shutdown(reason);
            panic!("SCHEDOP_shutdown({reason}) returned {rc}");
        }
        "logdirty" => {
            println!("mode=logdirty: log-dirty tracking of a running domU");
            if logdirty::run(&start) {
                println!("logdirty: done");
            }
            power_off()
        }
        "bench" => {
            println!("mode=bench: build a 512 MiB domU, populate 4 KiB against 2 MiB extents");
            if bench::run(&start) {
                println!("bench: done");
            }
            power_off()
        }
        "conformance" => {
            println!("mode=conformance: hypercall conformance cases");
            conformance::run();
            power_off()
        }
        "pingpong" => {
            println!(
                "mode=pingpong: dom0 and a domU bounce {} events",
                pingpong::ROUNDS
            );
            if pingpong::ping(&start) {
                println!("pingpong: done");
                power_off()
            }
            panic!("pingpong: an event was lost")
        }
        "pong" => {
            let port = start
                .option("port")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            pingpong::pong(port)
        }
        "smp" => {
            println!("mode=smp: a domU starts its second vCPU");
            if smp::run(&start) {
                println!("smp: done");
                power_off()
            }
            panic!("smp: the domU's second vCPU did not run")
        }
        "smp-domu" => smp::domu(),
        "probe" => probe(&xen),
        "idle" => idle(&xen),
        other => panic!(
            "unknown mode `{other}` (hello, triple-fault, garbage, spin, domu, logdirty, xstate, \
             bench, conformance, pingpong, pong, smp, smp-domu, probe, idle)"
        ),
    }
}

/// The default mode: who we are, which Xen this is, then power off.
fn hello(xen: &hypercall::Hypervisor, start: &start_info::StartInfo) -> ! {
    match xen.domid {
        Some(domid) => println!("hello from dom{domid}"),
        None if start.info.flags & SIF_INITDOMAIN != 0 => println!("hello from dom0 (PVH)"),
        None => println!("hello from a domain without an id (PVH)"),
    }
    let version = hypercall::xen_version(XENVER_version);
    assert!(version >= 0, "XENVER_version failed: {version}");
    println!("xen_version {}.{}", version >> 16, version & 0xffff);
    power_off()
}

/// `mode=probe`, the domU of `mode=domu`: a write to QEMU's exit port (which must not reach
/// QEMU), a line through the console, then SHUTDOWN_reboot for dom0 to see.
fn probe(xen: &hypercall::Hypervisor) -> ! {
    // SAFETY: a port write; the hypervisor intercepts it (for a domU nothing may be behind it).
    unsafe { asm!("out dx, al", in("dx") 0xf4u16, in("al") 0x11u8, options(nomem, nostack)) };
    println!(
        "probe: dom{} ran its own code",
        xen.domid.unwrap_or(u32::MAX)
    );
    let rc = hypercall::shutdown(SHUTDOWN_reboot);
    panic!("SCHEDOP_shutdown(SHUTDOWN_reboot) returned {rc}");
}

/// `mode=idle`: says it is up, then blocks for ever (a domU for `xl list` and `xl destroy`).
fn idle(xen: &hypercall::Hypervisor) -> ! {
    println!("idle: dom{} up", xen.domid.unwrap_or(u32::MAX));
    loop {
        // SAFETY: SCHEDOP_block reads no argument memory.
        unsafe {
            hypercall::hypercall(
                xen_public::xen::__HYPERVISOR_sched_op,
                [u64::from(SCHEDOP_block), 0, 0, 0, 0],
            )
        };
    }
}

/// Busy for a while without a hypercall, then power off: the hypervisor can only get the CPU
/// back through its timer (the scheduler's preemption test).
///
/// The loop runs with interrupts enabled, as a kernel's code mostly does. The physical timer
/// interrupt makes the vCPU exit whatever the guest's IF (SVM's INTR intercept, VMX's external-
/// interrupt exiting) and is never injected, so IF changes nothing on hardware; but Bochs 2.7
/// computes its interrupt mask at VM entry before it marks the CPU as in the guest
/// (VMenterLoadCheckGuestState, then `in_vmx_guest = 1`), so a guest entered with IF clear never
/// takes an external-interrupt exit there until it changes IF itself.
fn spin() -> ! {
    println!("mode=spin: 100 million iterations without a hypercall");
    let mut x = 0u64;
    // SAFETY: no interrupt is ever delivered to this guest (see above); STI only changes IF.
    unsafe { asm!("sti", options(nomem, nostack)) };
    for i in 0..100_000_000u64 {
        x = core::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    // SAFETY: as above.
    unsafe { asm!("cli", options(nomem, nostack)) };
    println!("spin done ({:x})", x & 0xffff);
    power_off()
}

fn power_off() -> ! {
    power_off_with(SHUTDOWN_poweroff)
}

/// Shuts the domain down with `reason`.
fn power_off_with(reason: u32) -> ! {
    let rc = hypercall::shutdown(reason);
    panic!("SCHEDOP_shutdown({reason}) returned {rc}");
}

/// Loads an empty IDT and raises #BP: no exception can be delivered, so the CPU triple-faults.
fn triple_fault() -> ! {
    let empty_idt = [0u16; 5]; // limit 0, base 0
                               // SAFETY: deliberately fatal; lidt only reads the 10-byte descriptor on our stack.
    unsafe { asm!("lidt [{}]", "int3", in(reg) &empty_idt, options(noreturn)) }
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    if hypercall::page_ready() {
        println!("panic: {info}");
        hypercall::shutdown(SHUTDOWN_crash);
    }
    triple_fault()
}
