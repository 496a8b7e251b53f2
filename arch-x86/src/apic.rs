//! The local APIC (xAPIC mode, registers at the address in IA32_APIC_BASE): its timer is what takes
//! the CPU back from a guest that never makes a hypercall (Xen's xen/arch/x86/apic.c and time.c).
//!
//! The timer interrupt only reaches the hypervisor at one place: the vCPU loop's
//! [`take_pending_interrupts`], right after a guest exit. Everywhere else interrupts are off.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::msr;

/// The timer's vector (Xen uses 0xfa for its timer; any high-priority vector will do).
pub const TIMER_VECTOR: u8 = 0xef;
/// The spurious-interrupt vector.
pub const SPURIOUS_VECTOR: u8 = 0xff;

const REG_EOI: u64 = 0xb0;
const REG_SVR: u64 = 0xf0;
const REG_LVT_TIMER: u64 = 0x320;
const REG_TIMER_INITIAL: u64 = 0x380;
const REG_TIMER_DIVIDE: u64 = 0x3e0;
/// LVT timer mode: periodic.
const LVT_TIMER_PERIODIC: u32 = 1 << 17;
/// SVR: APIC software enable.
const SVR_ENABLE: u32 = 1 << 8;
/// Divide configuration for a divisor of 16.
const DIVIDE_BY_16: u32 = 0b0011;

static TICKS: AtomicU64 = AtomicU64::new(0);

fn base() -> u64 {
    // SAFETY: IA32_APIC_BASE exists on every x86-64 CPU; reading it has no side effect.
    unsafe { msr::rdmsr(0x1b) & 0x000f_ffff_f000 }
}

fn write(reg: u64, value: u32) {
    // SAFETY: the APIC's register page is below 4 GiB (0xfee00000 unless the firmware moved it,
    // and it cannot be moved above the identity map on the machines xen-rs boots), identity-mapped;
    // each register is an aligned 32-bit word written with one volatile store. The mapping is
    // write-back rather than uncached, which QEMU ignores; real hardware needs UC (see README).
    unsafe { core::ptr::write_volatile((base() + reg) as *mut u32, value) }
}

/// Turns the APIC on and starts its timer, periodic, every `count` × 16 bus clocks.
pub fn start_timer(count: u32) {
    write(REG_SVR, SVR_ENABLE | u32::from(SPURIOUS_VECTOR));
    write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    write(REG_LVT_TIMER, LVT_TIMER_PERIODIC | u32::from(TIMER_VECTOR));
    write(REG_TIMER_INITIAL, count);
}

/// Timer interrupts taken so far.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Opens the interrupt window for one instruction, so that an interrupt that arrived while a guest
/// ran (and made it exit) is delivered now, through the IDT.
pub fn take_pending_interrupts() {
    // SAFETY: STI's shadow lets exactly the NOP run with interrupts on; any pending interrupt is
    // taken there by a handler that preserves every register the C ABI says survive, and CLI
    // closes the window. The clobbers tell the compiler that the handler may change the others.
    unsafe { core::arch::asm!("sti", "nop", "cli", clobber_abi("C")) }
}

/// Waits for the next interrupt (the idle loop), then returns with interrupts off again.
pub fn wait_for_interrupt() {
    // SAFETY: as in `take_pending_interrupts`; HLT right after STI runs in STI's shadow, so no
    // interrupt can be lost between the two.
    unsafe { core::arch::asm!("sti", "hlt", "cli", clobber_abi("C")) }
}

/// The timer interrupt's handler, called from the IDT stub: count the tick and acknowledge it.
#[no_mangle]
extern "C" fn arch_x86_apic_timer_interrupt() {
    TICKS.fetch_add(1, Ordering::Relaxed);
    write(REG_EOI, 0);
}
