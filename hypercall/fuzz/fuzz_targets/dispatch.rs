//! Fuzzes the hypercall dispatcher: a small hypervisor (dom0 privileged, two domUs, one of them
//! with a little memory) runs a sequence of hypercalls read from the input, each by one of the
//! live domains, through a guest buffer whose bytes also come from the input. Continuations are
//! followed as a vCPU would re-execute them, up to a bound. After every call (and every
//! continuation) the hypervisor's invariants must hold; at the end every domain is destroyed and
//! every frame must be back in the heap. Any panic is a finding: nothing a guest passes may make
//! the hypervisor panic.
//!
//! Input format (read front to back; the run stops when the input does): a sequence of steps, each
//! a selector byte and its operands. Selector % 16 == 0 pokes bytes into the guest buffer, == 1
//! queues serial input, anything else is a hypercall: caller, number (biased toward the
//! implemented ones), preemption, then five arguments (biased toward small values, addresses
//! inside the guest buffer, and domain ids). The caller is picked among the domains that can run
//! (alive, unpaused, not shut down), by id order: 0 is dom0, 1 and 2 the domUs while they run. The
//! checked-in seeds (hypercall/fuzz/seeds/dispatch) are small hand-made programs in this format:
//! every XENVER_* subop, get_features, console write and read, shutdowns, and a domU populating
//! itself through a continuation.
#![no_main]

use std::sync::Arc;

use hypercall::dispatch::{Call, Outcome, Preempt};
use hypercall::domain::{Domain, DomainConfig, Life};
use hypercall::guest::FlatGuest;
use hypercall::hypervisor::Hypervisor;
use libfuzzer_sys::fuzz_target;
use xen_mm::arena::ArenaFrames;
use xen_mm::errno::Errno;
use xen_mm::p2m::npt::Npt;
use xen_public::domctl::{XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm};
use xen_public::memory::{xen_memory_reservation, XENMEM_populate_physmap};
use xen_public::xen::{
    __HYPERVISOR_console_io, __HYPERVISOR_dm_op, __HYPERVISOR_domctl,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op, __HYPERVISOR_memory_op,
    __HYPERVISOR_platform_op, __HYPERVISOR_sched_op, __HYPERVISOR_set_timer_op,
    __HYPERVISOR_sysctl, __HYPERVISOR_vcpu_op, __HYPERVISOR_vm_assist, __HYPERVISOR_xen_version,
    DOMID_SELF,
};
use xen_public::GuestHandle;

/// The first frame of the heap.
const HEAP_BASE: u64 = 0x1000;
/// Frames of RAM: enough for a few small domains and their p2m tables.
const FRAMES: u64 = 2048;
/// The guest buffer's address and size.
const GUEST_BASE: u64 = 0x10_0000;
const GUEST_BYTES: usize = 16 * 1024;
/// Pages the second domain starts with, and its limit.
const DOMU_PAGES: u64 = 16;
const DOMU_MAX_PAGES: u64 = 256;
/// Hypercalls per input, and re-executions of one preempted hypercall, at most.
const MAX_CALLS: usize = 64;
const MAX_CONTINUATIONS: u32 = 64;

/// The hypercalls xen-rs implements, which most calls go to.
const IMPLEMENTED: [u32; 13] = [
    __HYPERVISOR_memory_op,
    __HYPERVISOR_xen_version,
    __HYPERVISOR_console_io,
    __HYPERVISOR_sched_op,
    __HYPERVISOR_hvm_op,
    __HYPERVISOR_sysctl,
    __HYPERVISOR_domctl,
    __HYPERVISOR_dm_op,
    __HYPERVISOR_event_channel_op,
    __HYPERVISOR_vcpu_op,
    __HYPERVISOR_set_timer_op,
    __HYPERVISOR_vm_assist,
    __HYPERVISOR_platform_op,
];

/// Argument values that mean something to many handlers.
const SPECIAL: [u64; 12] = [
    0,
    1,
    2,
    3,
    DOMID_SELF as u64,
    0x7ff1,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    1 << 32,
    u64::MAX,
];

type Hv = Hypervisor<ArenaFrames, Npt>;
type Dom = Domain<Npt>;

/// The input, read front to back; `None` once it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }

    fn u64(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(u64::from_le_bytes(*head))
    }

    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    /// One hypercall argument.
    fn arg(&mut self) -> Option<u64> {
        let kind = self.u8()?;
        Some(match kind % 8 {
            // Subops, counts, small ids.
            0 | 1 => u64::from(self.u8()? % 64),
            // An address in (or just past) the guest buffer.
            2..=4 => GUEST_BASE + u64::from(self.u16()?) % (GUEST_BYTES as u64 + 1),
            5 => SPECIAL[usize::from(self.u8()?) % SPECIAL.len()],
            _ => self.u64()?,
        })
    }
}

/// Preempts after a set number of checks, or never.
struct FuzzPreempt(Option<u64>);

impl Preempt for FuzzPreempt {
    fn should_preempt(&mut self) -> bool {
        match &mut self.0 {
            None => false,
            Some(0) => true,
            Some(n) => {
                *n -= 1;
                false
            }
        }
    }
}

fn config(is_privileged: bool) -> DomainConfig {
    DomainConfig {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 2,
        is_privileged,
        // xl's default: event channels can be bound and run out.
        max_evtchn_port: 1023,
        ..Default::default()
    }
}

fn unpause(d: &Dom) {
    let mut st = d.state();
    st.controller_pause_count = 0;
    st.creation_finished = true;
    st.vcpus = 2;
    drop(st);
    d.start_vcpu(0);
}

fn check(hv: &Hv, what: &str) {
    if let Err(e) = hv.check_invariants() {
        panic!("invariant broken after {what}: {e}");
    }
}

/// dom0 (privileged), a domU with [`DOMU_PAGES`] pages populated, and an empty domU.
fn build() -> Hv {
    let hv = Hv::on_arena(HEAP_BASE, FRAMES).expect("the heap");
    let dom0 = hv.create_domain(Some(0), config(true)).expect("dom0");
    dom0.mem.set_max_pages(FRAMES);
    unpause(&dom0);
    let small = hv.create_domain(None, config(false)).expect("domU 1");
    small.mem.set_max_pages(DOMU_MAX_PAGES);
    unpause(&small);
    let empty = hv.create_domain(None, config(false)).expect("domU 2");
    unpause(&empty);

    // dom0 populates gfns 0.. of the first domU, as a toolstack would.
    let mut g = FlatGuest::new(GUEST_BASE, GUEST_BYTES);
    let list = GUEST_BASE + 0x100;
    g.put(
        GUEST_BASE,
        &xen_memory_reservation {
            extent_start: GuestHandle::new(list),
            nr_extents: DOMU_PAGES,
            extent_order: 0,
            mem_flags: 0,
            domid: small.domid(),
            ..Default::default()
        },
    );
    for gfn in 0..DOMU_PAGES {
        g.put(list + 8 * gfn, &gfn);
    }
    let mut call = Call {
        caller: &dom0,
        vcpu: 0,
        guest: &mut g,
        preempt: &mut FuzzPreempt(None),
        sched: None,
        interrupts_enabled: false,
    };
    hypercall::dispatch(
        &hv,
        &mut call,
        __HYPERVISOR_memory_op.into(),
        [XENMEM_populate_physmap.into(), GUEST_BASE, 0, 0, 0],
    );
    check(&hv, "set-up");
    hv
}

/// One hypercall from the input, followed through its continuations.
fn hypercall(hv: &Hv, guest: &mut FlatGuest, input: &mut Input) -> Option<()> {
    // Only a domain whose vCPUs run can make a hypercall: alive, unpaused, not shut down.
    let runnable: Vec<Arc<Dom>> = hv
        .domains
        .list_from(0, usize::MAX)
        .into_iter()
        .filter(|d| d.life() == Life::Alive && !d.is_paused() && !d.is_shut_down())
        .collect();
    if runnable.is_empty() {
        return None;
    }
    let pick = usize::from(input.u8()?);
    let caller = runnable[pick % runnable.len()].clone();
    let nr_sel = input.u8()?;
    let nr = if nr_sel < 240 {
        u64::from(IMPLEMENTED[usize::from(nr_sel) % IMPLEMENTED.len()])
    } else {
        input.u64()?
    };
    let preempt = match input.u8()? {
        p if p < 128 => None,
        p => Some(u64::from(p % 8)),
    };
    let flags = input.u8()?;
    let mut args = [0u64; 5];
    for a in &mut args {
        *a = input.arg()?;
    }
    for _ in 0..MAX_CONTINUATIONS {
        let mut call = Call {
            caller: &caller,
            vcpu: u32::from(flags & 1),
            guest: &mut *guest,
            preempt: &mut FuzzPreempt(preempt),
            sched: None,
            interrupts_enabled: flags & 2 != 0,
        };
        let outcome = hypercall::dispatch(hv, &mut call, nr, args);
        check(hv, "a hypercall");
        match outcome {
            Outcome::Return(v) => {
                // ERESTART is internal: a guest never sees it.
                assert_ne!(v, Errno::ERESTART.negated(), "ERESTART reached the guest");
                return Some(());
            }
            Outcome::Continue(next) => args = next,
        }
    }
    // Still going: the guest is descheduled mid-call (or destroyed); state must be consistent.
    Some(())
}

fn run(data: &[u8]) {
    let hv = build();
    let mut guest = FlatGuest::new(GUEST_BASE, GUEST_BYTES);
    let mut input = Input(data);
    let mut calls = 0;
    while calls < MAX_CALLS {
        let Some(sel) = input.u8() else { break };
        let step = match sel % 16 {
            0 => (|| {
                let offset = usize::from(input.u16()?) % GUEST_BYTES;
                let len = usize::from(input.u8()?);
                let bytes = input.bytes(len)?;
                let end = (offset + bytes.len()).min(GUEST_BYTES);
                guest.bytes[offset..end].copy_from_slice(&bytes[..end - offset]);
                Some(())
            })(),
            1 => (|| {
                let len = usize::from(input.u8()? % 32);
                hv.console.push_input(input.bytes(len)?);
                Some(())
            })(),
            _ => {
                calls += 1;
                hypercall(&hv, &mut guest, &mut input)
            }
        };
        if step.is_none() {
            break;
        }
    }

    // Destroy everything: every frame must come back.
    for d in hv.domains.list_from(0, usize::MAX) {
        let mut attempts = 0;
        while let Err(e) = hv.kill_domain(&d, || false) {
            attempts += 1;
            assert!(
                e == Errno::ERESTART && attempts < 1000,
                "killing d{} failed: {e:?}",
                d.domid()
            );
        }
        check(&hv, "a domain's destruction");
    }
    let phys = hv.heap.physinfo();
    assert_eq!(
        phys.free_pages, phys.total_pages,
        "frames leaked once every domain was destroyed"
    );
}

fuzz_target!(|data: &[u8]| run(data));
