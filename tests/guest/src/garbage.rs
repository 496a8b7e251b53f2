//! `mode=garbage`: a few hundred hypercalls with pseudo-random numbers and arguments, then one
//! line counting the results by errno. The generator is xorshift with a fixed seed unless
//! `seed=N` says otherwise, so every run makes the same calls. The hypervisor must answer each
//! with an error or a harmless success, and stay up.
//!
//! Each argument is one of: a small number (0..63: a subop, a count, an index), the address of
//! the scratch area (filled with random bytes before each call: a structure full of garbage), or
//! a random value with bit 63 set (a non-canonical pointer, a huge count, a negative int).
//! Calls that would end or stall dom0 itself are skipped and drawn again (see [`allowed`]).

// Xen's names, matched as patterns.
#![allow(non_upper_case_globals)]

use core::fmt::Write;

use xen_public::errno::Errno;
use xen_public::vcpu::VCPUOP_down;
use xen_public::xen::{
    __HYPERVISOR_console_io, __HYPERVISOR_dm_op, __HYPERVISOR_domctl,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_grant_table_op, __HYPERVISOR_hvm_op,
    __HYPERVISOR_hypfs_op, __HYPERVISOR_iret, __HYPERVISOR_kexec_op, __HYPERVISOR_memory_op,
    __HYPERVISOR_mmuext_op, __HYPERVISOR_multicall, __HYPERVISOR_physdev_op,
    __HYPERVISOR_platform_op, __HYPERVISOR_sched_op, __HYPERVISOR_set_timer_op,
    __HYPERVISOR_sysctl, __HYPERVISOR_vcpu_op, __HYPERVISOR_vm_assist, __HYPERVISOR_xen_version,
    __HYPERVISOR_xsm_op, CONSOLEIO_read, CONSOLEIO_write,
};

use crate::console::LineWriter;
use crate::hypercall::{self, STUBS_PER_PAGE};
use crate::println;

/// How many hypercalls one run makes.
const CALLS: u32 = 400;

/// The generator's default seed (fixed, so runs under Xen and xen-rs make the same calls);
/// `seed=N` on the command line picks another (0 is taken as this one: xorshift needs non-zero).
const DEFAULT_SEED: u64 = 0x5eed_0f9a_7ba9;

/// The hypercalls Xen 4.17 lets HVM/PVH guests make (xen/include/hypercall-defs.c), less those
/// [`allowed`] never lets through; the others answer ENOSYS without looking at their arguments.
const HVM_HYPERCALLS: [u32; 17] = [
    __HYPERVISOR_platform_op,
    __HYPERVISOR_memory_op,
    __HYPERVISOR_set_timer_op,
    __HYPERVISOR_xen_version,
    __HYPERVISOR_console_io,
    __HYPERVISOR_grant_table_op,
    __HYPERVISOR_vm_assist,
    __HYPERVISOR_vcpu_op,
    __HYPERVISOR_mmuext_op,
    __HYPERVISOR_xsm_op,
    __HYPERVISOR_event_channel_op,
    __HYPERVISOR_physdev_op,
    __HYPERVISOR_hvm_op,
    __HYPERVISOR_sysctl,
    __HYPERVISOR_domctl,
    __HYPERVISOR_dm_op,
    __HYPERVISOR_hypfs_op,
];

/// The scratch area's size: the last thing in the image (linker.ld), so that a hypercall writing
/// past it lands in memory the guest no longer uses.
const SCRATCH_SIZE: usize = 64 * 1024;

/// How many scratch bytes get fresh garbage before each call.
const SCRATCH_FILL: usize = 4096;

core::arch::global_asm!(
    r#"
    .section .scratch, "aw", @nobits
    .balign 4096
    .global scratch_area
scratch_area:
    .skip {size}
    "#,
    size = const SCRATCH_SIZE,
    options(att_syntax)
);

extern "C" {
    /// Only ever handed to the hypervisor or written through a raw pointer; never read by Rust.
    static mut scratch_area: [u8; SCRATCH_SIZE];
}

/// Marsaglia's xorshift64.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn scratch_address() -> u64 {
    (&raw mut scratch_area) as u64
}

fn argument(rng: &mut XorShift) -> u64 {
    match rng.next() % 10 {
        0..=4 => rng.next() % 64,
        5..=7 => scratch_address(),
        _ => rng.next() | 1 << 63 | 1 << 31,
    }
}

/// Whether a call may be made: none of these may make Xen end, stall or rewrite dom0.
fn allowed(nr: u32, args: &[u64; 5]) -> bool {
    match nr {
        // SCHEDOP_shutdown, remote_shutdown, watchdog and shutdown_code end or doom dom0;
        // block and poll can wait forever.
        __HYPERVISOR_sched_op => false,
        // A batch of calls read from garbage could be any of the calls refused here.
        __HYPERVISOR_multicall => false,
        // KEXEC_CMD_kexec hands the machine to a crash kernel.
        __HYPERVISOR_kexec_op => false,
        // Xen's stub for iret is ud2 (svm_init_hypercall_page).
        __HYPERVISOR_iret => false,
        // No read (it takes console input); no write (random bytes on the console).
        __HYPERVISOR_console_io => {
            args[0] != u64::from(CONSOLEIO_read) && args[0] != u64::from(CONSOLEIO_write)
        }
        // VCPUOP_down of vCPU 0 takes dom0's only vCPU away.
        __HYPERVISOR_vcpu_op => args[0] != u64::from(VCPUOP_down),
        // The one call with an array and its length side by side (cmd, uop, count): a count as
        // large as an address would walk the array over the guest's own image, updating it.
        // Small counts stay inside the scratch area or low memory; negative ones (as the
        // `int` Xen checks) are refused with EINVAL.
        __HYPERVISOR_grant_table_op => !(64..1 << 31).contains(&(args[2] as u32)),
        _ => true,
    }
}

/// The seed from `seed=N` (decimal or 0x-hex), or [`DEFAULT_SEED`].
fn seed(option: Option<&str>) -> u64 {
    let Some(text) = option else {
        return DEFAULT_SEED;
    };
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    match parsed {
        Ok(0) => DEFAULT_SEED,
        Ok(seed) => seed,
        Err(_) => panic!("seed={text} is not a number"),
    }
}

/// Makes the calls and prints the summary; `seed_option` is the command line's `seed=` value.
pub fn run(seed_option: Option<&str>) {
    let seed = seed(seed_option);
    let mut rng = XorShift(seed);
    // counts[0]: non-negative results; counts[e]: -e for e in 1..=255; counts[256]: the rest.
    let mut counts = [0u32; 257];
    println!("mode=garbage: {CALLS} random hypercalls, seed {seed:#x}");
    for _ in 0..CALLS {
        let (nr, args) = loop {
            // Half from the calls an HVM guest may make, half from 0..71 (unused ones included).
            let nr = if rng.next().is_multiple_of(2) {
                HVM_HYPERCALLS[(rng.next() % HVM_HYPERCALLS.len() as u64) as usize]
            } else {
                (rng.next() % 72) as u32
            };
            let args = [(); 5].map(|()| argument(&mut rng));
            if allowed(nr, &args) {
                break (nr, args);
            }
        };
        for i in 0..SCRATCH_FILL / 8 {
            let word = rng.next();
            // SAFETY: in bounds of the scratch area, which only the hypervisor otherwise touches
            // (and not while this runs: the guest has one vCPU).
            unsafe { (&raw mut scratch_area).cast::<u64>().add(i).write(word) };
        }
        debug_assert!(nr < STUBS_PER_PAGE);
        // SAFETY: `allowed` keeps out the calls that end or stall the guest; the arguments point
        // only at the scratch area (the image's last part, followed by free memory and the start
        // info and command line, already copied out), at low memory the guest does not use
        // (0..63 plus what a small count reaches), or nowhere (non-canonical).
        let rc = unsafe { hypercall::hypercall(nr, args) };
        let bucket = match rc {
            0.. => 0,
            -255..=-1 => (-rc) as usize,
            _ => 256,
        };
        counts[bucket] += 1;
    }

    // One line, so a test can compare runs: "garbage: 400 hypercalls: ok 14, ENOENT 20, ...".
    let mut line = LineWriter::new();
    let _ = write!(line, "garbage: {CALLS} hypercalls: ok {}", counts[0]);
    for (errno, &count) in counts.iter().enumerate().skip(1).filter(|(_, &c)| c > 0) {
        let _ = match Errno(errno as i32).name() {
            _ if errno == 256 => write!(line, ", other {count}"),
            Some(name) => write!(line, ", {name} {count}"),
            None => write!(line, ", errno {errno} {count}"),
        };
    }
    let _ = writeln!(line);
    line.flush();
}
