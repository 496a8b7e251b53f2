//! The local APIC (xAPIC mode, registers at the address in IA32_APIC_BASE): its timer, in one-shot
//! mode, fires at the next deadline the scheduler needs (a timer of the hypervisor's queue or the
//! end of a slice), which is what takes the CPU back from a guest that never makes a hypercall
//! (Xen's xen/arch/x86/apic.c and time.c).
//!
//! The timer interrupt only reaches the hypervisor at one place: the vCPU loop's
//! [`take_pending_interrupts`], right after a guest exit. Everywhere else interrupts are off.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::msr;

/// The timer's vector (Xen uses 0xfa for its timer; any high-priority vector will do).
pub const TIMER_VECTOR: u8 = 0xef;
/// The spurious-interrupt vector.
pub const SPURIOUS_VECTOR: u8 = 0xff;

const REG_ID: u64 = 0x20;
const REG_EOI: u64 = 0xb0;
const REG_SVR: u64 = 0xf0;
const REG_LVT_TIMER: u64 = 0x320;
const REG_TIMER_INITIAL: u64 = 0x380;
const REG_TIMER_CURRENT: u64 = 0x390;
const REG_TIMER_DIVIDE: u64 = 0x3e0;
/// SVR: APIC software enable.
const SVR_ENABLE: u32 = 1 << 8;
/// Divide configuration for a divisor of 16.
const DIVIDE_BY_16: u32 = 0b0011;

static TICKS: AtomicU64 = AtomicU64::new(0);
/// APIC timer counts per millisecond, from [`calibrate`].
static COUNTS_PER_MS: AtomicU32 = AtomicU32::new(0);

/// The physical address of the APIC's register page (IA32_APIC_BASE).
pub fn register_base() -> u64 {
    base()
}

/// This CPU's local APIC id (Xen's `get_apic_id` in xAPIC mode: the ID register's top byte).
pub fn id() -> u32 {
    read(REG_ID) >> 24
}

fn base() -> u64 {
    // SAFETY: IA32_APIC_BASE exists on every x86-64 CPU; reading it has no side effect.
    unsafe { msr::rdmsr(0x1b) & 0x000f_ffff_f000 }
}

fn read(reg: u64) -> u32 {
    // SAFETY: as in `write`: an aligned 32-bit APIC register, read with one volatile load.
    unsafe { core::ptr::read_volatile((base() + reg) as *const u32) }
}

fn write(reg: u64, value: u32) {
    // SAFETY: the APIC's register page is below 4 GiB (0xfee00000 unless the firmware moved it,
    // and it cannot be moved above the identity map on the machines xen-rs boots), identity-mapped;
    // each register is an aligned 32-bit word written with one volatile store. The mapping is
    // write-back rather than uncached, which QEMU ignores; real hardware needs UC (see README).
    unsafe { core::ptr::write_volatile((base() + reg) as *mut u32, value) }
}

/// The PIT's input clock, Hz.
const PIT_HZ: u32 = 1_193_182;
/// How long the calibration measures (Xen's `calibrate_APIC_clock` uses a PIT interval too).
const CALIBRATION_MS: u32 = 10;

/// What [`calibrate`] measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calibration {
    /// APIC timer counts (at divide-by-16) per millisecond, at least 1.
    pub apic_per_ms: u32,
    /// TSC ticks per second.
    pub tsc_hz: u64,
}

/// Measures how many APIC timer counts (at divide-by-16) and TSC ticks pass in 10 ms, against
/// the PIT's channel 2 (the speaker gate, which no guest reaches: the PIT's ports are the
/// hypervisor's). Xen calibrates the TSC against the PIT the same way (`init_pit`,
/// `calibrate_APIC_clock`).
pub fn calibrate() -> Calibration {
    let pit_count = PIT_HZ / 1000 * CALIBRATION_MS;
    write(REG_SVR, SVR_ENABLE | u32::from(SPURIOUS_VECTOR));
    write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    // One-shot, masked (bit 16): it only counts down.
    write(REG_LVT_TIMER, (1 << 16) | u32::from(TIMER_VECTOR));
    // SAFETY: port 0x61 is the PC's system control port B (bit 0 gates PIT channel 2, bit 1 the
    // speaker, bit 5 reads channel 2's output); 0x42/0x43 are PIT channel 2 and the PIT's mode
    // register. The hypervisor owns these devices (guests cannot reach them) and nothing else
    // uses channel 2.
    unsafe {
        let b = crate::io::inb(0x61);
        crate::io::outb(0x61, (b & !0x02) | 0x01);
        crate::io::outb(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0, binary
        crate::io::outb(0x42, pit_count as u8);
        crate::io::outb(0x42, (pit_count >> 8) as u8);
    }
    write(REG_TIMER_INITIAL, u32::MAX);
    let tsc0 = crate::cpu::read_tsc();
    // SAFETY: as above; reading port 0x61 has no side effect.
    while unsafe { crate::io::inb(0x61) } & 0x20 == 0 {
        core::hint::spin_loop();
    }
    let tsc1 = crate::cpu::read_tsc();
    let elapsed = u32::MAX - read(REG_TIMER_CURRENT);
    write(REG_TIMER_INITIAL, 0);
    let apic_per_ms = (elapsed / CALIBRATION_MS).max(1);
    COUNTS_PER_MS.store(apic_per_ms, Ordering::Relaxed);
    Calibration {
        apic_per_ms,
        tsc_hz: (tsc1 - tsc0) * u64::from(1000 / CALIBRATION_MS),
    }
}

/// Arms the APIC timer to interrupt once, `count` × 16 bus clocks from now (one-shot mode,
/// Xen's `reprogram_timer`); a later call replaces the deadline.
pub fn arm_oneshot(count: u32) {
    write(REG_SVR, SVR_ENABLE | u32::from(SPURIOUS_VECTOR));
    write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
    write(REG_LVT_TIMER, u32::from(TIMER_VECTOR));
    write(REG_TIMER_INITIAL, count.max(1));
}

/// Arms the APIC timer to interrupt once, `ns` nanoseconds from now (at least one count, at
/// most what the counter holds), at the rate [`calibrate`] measured.
pub fn arm_oneshot_ns(ns: u64) {
    arm_oneshot(counts_for_ns(
        ns,
        COUNTS_PER_MS.load(Ordering::Relaxed).max(1),
    ));
}

/// The one-shot count for `ns` nanoseconds at `per_ms` counts per millisecond, at least 1 and
/// at most what the counter holds.
pub fn counts_for_ns(ns: u64, per_ms: u32) -> u32 {
    let counts = u128::from(ns) * u128::from(per_ms) / 1_000_000;
    counts.clamp(1, u128::from(u32::MAX)) as u32
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
