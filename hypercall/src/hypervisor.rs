//! Everything the hypercalls act on: the heap, the domain table, the console, and the facts a
//! guest can ask about (version, capabilities, command line).

use alloc::string::String;
use alloc::sync::Arc;

use xen_mm::arena::ArenaFrames;
use xen_mm::buddy::{DomId, InitError, NodeId};
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::types::P2mType;
use xen_mm::p2m::Superpages;
use xen_public::xen::DOMID_SELF;

use crate::console::Console;
use crate::domain::{Domain, DomainConfig, DomainTable};
use crate::pcpu::PhysCpus;
use crate::time::Clock;
use crate::timer::TimerQueue;

/// What XENVER_* report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XenInfo {
    /// Major version (XENVER_version's upper 16 bits).
    pub major: u16,
    /// Minor version.
    pub minor: u16,
    /// XENVER_extraversion, e.g. ".0" (at most 15 bytes and a NUL).
    pub extraversion: String,
    /// XENVER_changeset (at most 63 bytes and a NUL).
    pub changeset: String,
    /// XENVER_capabilities, e.g. "xen-3.0-x86_64 hvm-3.0-x86_32 ..." (at most 1023 bytes).
    pub capabilities: String,
    /// XENVER_commandline (at most 1023 bytes).
    pub commandline: String,
}

impl Default for XenInfo {
    /// The interfaces xen-rs implements: Xen 4.17's.
    fn default() -> Self {
        XenInfo {
            major: 4,
            minor: 17,
            extraversion: String::from("-xen-rs"),
            changeset: String::from("xen-rs"),
            capabilities: String::from(
                "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
            ),
            commandline: String::new(),
        }
    }
}

/// The hypervisor's portable state.
pub struct Hypervisor<F: FrameAccess, Fmt: P2mFormat> {
    /// The domain heap.
    pub heap: DomHeap<F>,
    /// All domains.
    pub domains: DomainTable<Fmt>,
    /// The console rings.
    pub console: Console,
    /// Version facts.
    pub info: XenInfo,
    /// The superpage sizes the hardware's nested paging supports.
    pub superpages: Superpages,
    /// One more than the highest RAM frame (Xen's `max_page`, XENMEM_maximum_ram_page).
    pub max_page: u64,
    /// System time and the wallclock.
    pub clock: Clock,
    /// The physical CPUs.
    pub cpus: PhysCpus,
    /// The vCPUs' timers.
    pub timers: TimerQueue,
    /// The machine's PCI configuration space and the devices the hardware domain reported.
    pub pci: crate::pci::Pci,
    /// Bumped each time a domain's controller unpauses it for good (its pause count reaches
    /// zero) or a vCPU is brought up (VCPUOP_up): the scheduler looks for new vCPUs to run only
    /// then.
    pub unpauses: core::sync::atomic::AtomicU64,
}

/// The clock source of a hypervisor built without one: no TSC, time stands at 0.
fn no_tsc() -> u64 {
    0
}

impl<Fmt: P2mFormat> Hypervisor<ArenaFrames, Fmt> {
    /// A hypervisor over `frames` frames of xen-mm's host arena from frame `base` on: one node,
    /// every superpage size, Xen 4.17's identity. What the host tests, the dispatcher's fuzzer
    /// and the tools' in-process backend run on.
    pub fn on_arena(base: u64, frames: u64) -> Result<Self, InitError> {
        let heap = DomHeap::new(
            ArenaFrames::new(Mfn(base), frames),
            &[(Mfn(base), Mfn(base + frames))],
            1,
            |_| NodeId(0),
        )?;
        let superpages = Superpages {
            two_mb: true,
            one_gb: true,
        };
        Ok(Hypervisor::new(
            heap,
            XenInfo::default(),
            superpages,
            base + frames,
        ))
    }
}

impl<F: FrameAccess, Fmt: P2mFormat> Hypervisor<F, Fmt> {
    /// A hypervisor with no domains over `heap`.
    pub fn new(heap: DomHeap<F>, info: XenInfo, superpages: Superpages, max_page: u64) -> Self {
        Hypervisor {
            heap,
            domains: DomainTable::new(),
            console: Console::new(),
            info,
            superpages,
            max_page,
            clock: Clock::new(no_tsc),
            cpus: PhysCpus::default(),
            timers: TimerQueue::new(),
            pci: crate::pci::Pci::default(),
            unpauses: core::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The same hypervisor with `clock` as its clock (the arch layer's calibrated TSC, or a
    /// test's).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same hypervisor with `cpus` as its physical CPUs (the arch layer's).
    pub fn with_cpus(mut self, cpus: PhysCpus) -> Self {
        self.cpus = cpus;
        self
    }

    /// The same hypervisor reaching the machine's PCI configuration space through `config`
    /// (the arch layer's; [`crate::pci::NoPciDevices`] until then).
    pub fn with_pci_config(
        mut self,
        config: alloc::boxed::Box<dyn crate::vpci::PciConfigSpace + Send + Sync>,
    ) -> Self {
        self.pci = crate::pci::Pci::new(config);
        self
    }

    /// Creates a domain with `config` (see [`DomainTable::create`]).
    pub fn create_domain(
        &self,
        domid: Option<DomId>,
        config: DomainConfig,
    ) -> Result<Arc<Domain<Fmt>>, Errno> {
        let d = self
            .domains
            .create(&self.heap, self.superpages, domid, config)?;
        // `update_domain_wallclock_time`: the time of day the guest finds at boot.
        self.clock
            .update_domain_wallclock(&self.heap, d.shared_info);
        // `sched_init_vcpu`: each vCPU is offline from its creation on.
        let now = self.clock.now();
        for v in d.vcpu_slots() {
            v.state().runstate.state_entry_time = now;
        }
        Ok(d)
    }

    /// The domain a hypercall argument names, DOMID_SELF being the caller
    /// (`rcu_lock_domain_by_any_id`).
    pub fn domain_by_any_id(
        &self,
        caller: &Arc<Domain<Fmt>>,
        domid: DomId,
    ) -> Option<Arc<Domain<Fmt>>> {
        if domid == DOMID_SELF {
            Some(caller.clone())
        } else {
            self.domains.get(domid)
        }
    }

    /// Kills `d` (see [`DomainTable::kill`]), closing its event channels first.
    pub fn kill_domain(
        &self,
        d: &Arc<Domain<Fmt>>,
        preempt: impl FnMut() -> bool,
    ) -> Result<(), Errno> {
        self.domains.kill(
            &self.heap,
            d,
            |preempt| {
                // `domain_kill`: its timers and event channels go, and the pages it lent the
                // hypervisor for vcpu_info are given back.
                self.timers.stop_domain(d.domid());
                crate::event::destroy(self, d, preempt)?;
                for v in d.vcpu_slots() {
                    crate::vcpu_op::unmap_vcpu_info(self, d, v);
                }
                Ok(())
            },
            preempt,
        )
    }

    /// Checks what must always hold, across xen-mm and the domains: the heap's invariants, each
    /// live domain's p2m and PoD invariants, that each live domain holds exactly one frame
    /// reference per foreign entry in its p2m, and that every RAM frame is free, a domain's, a
    /// p2m table, a table in limbo, a shared_info page, or an orphan (a frame its owner released
    /// or its dying owner relinquished while another domain still mapped it).
    // The tests' oracle: a weaker check changes no behaviour, and the tests cannot corrupt the
    // state it checks through the public interface to see each check fire.
    #[cfg_attr(test, mutants::skip)]
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        self.heap.check_invariants()?;
        let domains = self.domains.list_from(0, usize::MAX);
        let mut held = self.heap.orphan_pages();
        for d in &domains {
            d.p2m.check_invariants(&self.heap)?;
            if !d.p2m.is_torn_down() {
                d.pod.check_invariants(&d.p2m.locked(), &d.mem)?;
            }
            // A dying domain drops its references before its p2m goes.
            if !d.mem.is_dying() && d.p2m.type_pages(P2mType::MapForeign) != d.mem.foreign_refs() {
                return Err("foreign p2m entries and the references held for them differ");
            }
            held += d.mem.tot_pages() + d.p2m.table_frames() + d.p2m.limbo_frames() + 1;
        }
        let phys = self.heap.physinfo();
        if phys.free_pages + held != phys.total_pages {
            return Err("a frame is neither free nor accounted to a domain");
        }
        Ok(())
    }
}
