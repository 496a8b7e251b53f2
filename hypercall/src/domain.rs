//! Domains and the domain table (Xen's xen/common/domain.c and `struct domain`).
//!
//! A [`Domain`] is shared as `Arc<Domain>`: every lookup takes a reference and every drop is
//! `Arc`'s decrement-and-test, so a reference can never be released twice or revive a freed domain
//! (seed 002's lesson about Xen's `get_domain`/`put_domain`). A domain stays in the table while it
//! is alive or dying, so lookups find dying domains as Xen's `rcu_lock_domain_by_id` does; once
//! its resources are relinquished it is marked dead and leaves the table, and no lookup returns it
//! again. Code that still holds a reference sees `Life::Dead` and refuses to act on it.
//!
//! Lock order: the table's lock (`domlist`) before a domain's state lock (`domain`), both before
//! any xen-mm lock, so code may call into xen-mm with them held (the ioreq-server ops and
//! `domain_kill` do, as Xen holds its ioreq-server lock across p2m changes).

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::vec::Vec;

use xen_mm::buddy::DomId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::{DomHeap, DomainMemory};
use xen_mm::lock_order::{DOMAIN, DOMLIST, HVM_IRQ};
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::{Lookup, P2m, Query, Superpages};
use xen_mm::pod::{Pod, PodFiller};
use xen_mm::sync::atomic::AtomicU32;
use xen_mm::sync::{Mutex, MutexGuard};
use xen_public::arch_x86::xen::XEN_LEGACY_MAX_VCPUS;
use xen_public::hvm::params::HVM_NR_PARAMS;
use xen_public::xen::DOMID_FIRST_RESERVED;

use crate::domctl::HVM_MAX_VCPUS;
use crate::event::Events;
use crate::vcpu::{Vcpu, VcpuInfoArea, VCPU_INFO_SIZE};
use crate::vioapic::{VioapicConfig, Vioapics};

/// Where a domain is in its life (Xen's `d->is_dying`: DOMDYING_alive, _dying, _dead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    /// Running or runnable.
    Alive,
    /// Being destroyed: its resources are being relinquished.
    Dying,
    /// Everything relinquished; gone from the domain table.
    Dead,
}

/// What a domain is created with (the checked parts of `xen_domctl_createdomain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DomainConfig {
    /// XEN_DOMCTL_CDF_* flags.
    pub flags: u32,
    /// vCPUs it may have.
    pub max_vcpus: u32,
    /// XSM label.
    pub ssidref: u32,
    /// The toolstack's handle (a UUID).
    pub handle: [u8; 16],
    /// XEN_X86_EMU_* devices emulated for it.
    pub emulation_flags: u32,
    /// Whether it is the control domain (dom0: may use the privileged operations).
    pub is_privileged: bool,
    /// The highest event-channel port it may allocate (`max_evtchn_port`; capped at `INT_MAX`).
    pub max_evtchn_port: u32,
}

/// A domain's mutable state, behind its `domain` lock.
#[derive(Clone, Debug)]
pub struct DomainState {
    /// Alive, dying or dead.
    pub life: Life,
    /// How it was created.
    pub config: DomainConfig,
    /// Pauses by the toolstack (`controller_pause_count`); a new domain starts with one.
    pub controller_pause_count: u32,
    /// Set the first time the controller unpauses it (`creation_finished`).
    pub creation_finished: bool,
    /// The SHUTDOWN_* code recorded, by a shutdown or ahead of one by SCHEDOP_shutdown_code
    /// (`shutdown_code`).
    pub shutdown_code: Option<u32>,
    /// Whether it has shut down (`is_shutting_down`): its vCPUs no longer run.
    pub is_shutting_down: bool,
    /// The domain this one is the device model of (`d->target`, XEN_DOMCTL_set_target).
    pub target: Option<DomId>,
    /// HVM parameters (`d->arch.hvm.params`).
    pub hvm_params: [u64; HVM_NR_PARAMS as usize],
    /// The memory map set by the toolstack (XENMEM_set_memory_map), as raw e820 entries.
    pub memory_map: Vec<[u8; 20]>,
    /// Where the guest mapped its shared_info page (XENMAPSPACE_shared_info).
    pub shared_info_gfn: Option<Gfn>,
    /// vCPUs brought up (`max_vcpus` set by XEN_DOMCTL_max_vcpus).
    pub vcpus: u32,
    /// Its ioreq servers (those of the device models that emulate for it).
    pub ioreq_servers: crate::ioreq::IoreqServers,
    /// VMASST_TYPE_runstate_update_flag (`d->vm_assist`): runstate copies are bracketed by
    /// XEN_RUNSTATE_UPDATE in `state_entry_time`.
    pub runstate_update_flag: bool,
    /// The partial line written to the HVM debug port 0xe9 (Xen's `d->pbuf`), printed when a
    /// newline arrives or it is full ([`crate::console_io::hvm_print_char`]).
    pub pbuf: Vec<u8>,
    /// The MMCFG regions whose accesses trap to [`crate::vpci`] (`d->arch.hvm.mmcfg_regions`).
    pub vpci_mmcfg: Vec<crate::vpci::MmcfgRegion>,
}

/// A domain: its id, its memory (xen-mm's accounting, p2m and PoD state) and its state.
pub struct Domain<Fmt: P2mFormat> {
    domid: DomId,
    /// Memory accounting and claims.
    pub mem: DomainMemory,
    /// The guest-physical to machine map.
    pub p2m: P2m<Fmt>,
    /// Populate-on-demand.
    pub pod: Pod,
    /// The shared_info page: a frame of the hypervisor's, mapped into the guest on request.
    pub shared_info: Mfn,
    /// Its event channels.
    pub events: Events,
    /// Its vCPUs, `max_vcpus` of them from creation; those from `DomainState::vcpus` on are not
    /// brought up yet (Xen's `d->vcpu[]` entries still NULL) and [`Domain::vcpu`] does not
    /// return them.
    vcpus: Box<[Vcpu]>,
    /// Its vIOAPICs (none until a builder configures them: [`Domain::init_vioapics`]).
    pub vioapics: Mutex<Vioapics>,
    /// The PCI configuration address latch of port 0xcf8 (`d->arch.hvm.pci_cf8`,
    /// [`crate::vpci`]).
    pub pci_cf8: AtomicU32,
    state: Mutex<DomainState>,
}

impl<Fmt: P2mFormat> Domain<Fmt> {
    /// The domain id.
    pub fn domid(&self) -> DomId {
        self.domid
    }

    /// vCPU `id` if it exists (`domain_vcpu`): below the count XEN_DOMCTL_max_vcpus brought up.
    /// Takes the domain lock, so call it before the event lock.
    pub fn vcpu(&self, id: u32) -> Option<&Vcpu> {
        if id < self.state.lock().vcpus {
            self.vcpus.get(id as usize)
        } else {
            None
        }
    }

    /// Marks vCPU `id` initialised and up: a domain builder gave it its start state. Nothing for
    /// a vCPU the domain does not have.
    pub fn start_vcpu(&self, id: u32) {
        if let Some(v) = self.vcpu(id) {
            v.state().is_initialised = true;
            v.set_down(false);
        }
    }

    /// Gives the domain the vIOAPICs of `configs`, every pin masked (`vioapic_init`).
    pub fn init_vioapics(&self, configs: &[VioapicConfig]) {
        *self.vioapics.lock() = Vioapics::new(configs);
    }

    /// Every vCPU slot, brought up or not: for code that holds a vCPU id the domain handed out
    /// (an event channel's notify vCPU), without the domain lock.
    pub fn vcpu_slots(&self) -> &[Vcpu] {
        &self.vcpus
    }

    /// Locks its state.
    pub fn state(&self) -> MutexGuard<'_, DomainState> {
        self.state.lock()
    }

    /// Its life stage.
    pub fn life(&self) -> Life {
        self.state.lock().life
    }

    /// Whether it is the control domain.
    pub fn is_privileged(&self) -> bool {
        self.state.lock().config.is_privileged
    }

    /// Whether it is an HVM (or PVH) domain.
    pub fn is_hvm(&self) -> bool {
        self.state.lock().config.flags & xen_public::domctl::XEN_DOMCTL_CDF_hvm != 0
    }

    /// The p2m entry for `gfn`, populated first if it is populate-on-demand (Xen's
    /// `get_gfn(d, gfn, P2M_ALLOC)`): what every hypervisor access to a guest frame looks up.
    pub fn get_entry_alloc<F: FrameAccess>(&self, heap: &DomHeap<F>, gfn: Gfn) -> Lookup {
        let filler = PodFiller {
            pod: &self.pod,
            p2m: &self.p2m,
            heap,
            d: &self.mem,
        };
        self.p2m.get_entry_query(heap, gfn, Query::ALLOC, &filler)
    }

    /// Whether it is paused by the toolstack.
    pub fn is_paused(&self) -> bool {
        self.state.lock().controller_pause_count > 0
    }

    /// Shuts the domain down with SHUTDOWN_* `reason` (Xen's `domain_shutdown`): the first code
    /// recorded stays (SCHEDOP_shutdown_code may have set it earlier); its vCPUs stop running.
    /// Returns the code in force.
    pub fn shutdown(&self, reason: u32) -> u32 {
        let mut st = self.state.lock();
        let code = *st.shutdown_code.get_or_insert(reason);
        if st.life == Life::Alive {
            st.is_shutting_down = true;
        }
        code
    }

    /// Crashes the domain (Xen's `domain_crash`): a shutdown with SHUTDOWN_crash. What a guest
    /// did wrong ends here, never in a hypervisor panic.
    pub fn crash(&self) {
        self.shutdown(xen_public::sched::SHUTDOWN_crash);
    }

    /// Whether it has shut down (and so must not run).
    pub fn is_shut_down(&self) -> bool {
        self.state.lock().is_shutting_down
    }
}

/// Where vCPU `id` finds its vcpu_info until it registers one (`vcpu_info_reset`): the first
/// XEN_LEGACY_MAX_VCPUS in shared_info's slots, the others nowhere.
pub fn default_vcpu_info(shared_info: Mfn, id: u32) -> VcpuInfoArea {
    if id < XEN_LEGACY_MAX_VCPUS {
        VcpuInfoArea::SharedInfo {
            mfn: shared_info,
            offset: id * VCPU_INFO_SIZE,
        }
    } else {
        VcpuInfoArea::Dummy
    }
}

struct TableState<Fmt: P2mFormat> {
    domains: BTreeMap<DomId, Arc<Domain<Fmt>>>,
    /// Where the search for a free id starts (Xen's `rover` in domctl createdomain).
    rover: DomId,
}

/// All domains, by id.
pub struct DomainTable<Fmt: P2mFormat> {
    inner: Mutex<TableState<Fmt>>,
}

impl<Fmt: P2mFormat> Default for DomainTable<Fmt> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Fmt: P2mFormat> DomainTable<Fmt> {
    /// No domains.
    pub fn new() -> Self {
        DomainTable {
            inner: Mutex::new(
                DOMLIST,
                TableState {
                    domains: BTreeMap::new(),
                    rover: 0,
                },
            ),
        }
    }

    /// A reference to domain `domid`, alive or dying (`rcu_lock_domain_by_id`).
    pub fn get(&self, domid: DomId) -> Option<Arc<Domain<Fmt>>> {
        self.inner.lock().domains.get(&domid).cloned()
    }

    /// The domains with ids from `first` on, in id order, at most `max` of them
    /// (for XEN_SYSCTL_getdomaininfolist).
    pub fn list_from(&self, first: DomId, max: usize) -> Vec<Arc<Domain<Fmt>>> {
        self.inner
            .lock()
            .domains
            .range(first..)
            .take(max)
            .map(|(_, d)| d.clone())
            .collect()
    }

    /// How many domains the table holds.
    pub fn len(&self) -> usize {
        self.inner.lock().domains.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Creates a domain (`domain_create`): `domid` if given (`EEXIST` if taken, `EINVAL` if
    /// reserved), else the next free id after the last one handed out (`ENOMEM` if none is free).
    /// It starts paused by its controller, with no memory and `max_pages` 0.
    pub fn create<F: FrameAccess>(
        &self,
        heap: &DomHeap<F>,
        superpages: Superpages,
        domid: Option<DomId>,
        config: DomainConfig,
    ) -> Result<Arc<Domain<Fmt>>, Errno> {
        let mut table = self.inner.lock();
        // A reserved id is refused (EINVAL) by the heap's `new_domain` below.
        let domid = match domid {
            Some(id) if table.domains.contains_key(&id) => return Err(Errno::EEXIST),
            Some(id) => id,
            None => {
                // At most one pass over ids 1..DOMID_FIRST_RESERVED (the rover may be 0, which
                // the search never reaches, so count rather than wait to come back to it).
                let mut id = table.rover;
                let mut found = None;
                for _ in 1..DOMID_FIRST_RESERVED {
                    id = if id + 1 >= DOMID_FIRST_RESERVED {
                        1
                    } else {
                        id + 1
                    };
                    if !table.domains.contains_key(&id) {
                        found = Some(id);
                        break;
                    }
                }
                let id = found.ok_or(Errno::ENOMEM)?;
                table.rover = id;
                id
            }
        };
        let mem = heap.new_domain(domid, 0)?;
        let p2m = P2m::new(heap, superpages)?;
        let shared_info = match heap.alloc_anonymous(0, &Default::default()) {
            Ok(mfn) => mfn,
            Err(e) => {
                p2m.teardown(heap);
                return Err(e);
            }
        };
        let vcpus = (0..config.max_vcpus.min(HVM_MAX_VCPUS))
            .map(|id| Vcpu::new(id, default_vcpu_info(shared_info, id)))
            .collect();
        let d = Arc::new(Domain {
            domid,
            mem,
            p2m,
            pod: Pod::new(),
            shared_info,
            events: Events::new(config.max_evtchn_port),
            vcpus,
            vioapics: Mutex::new(HVM_IRQ, Vioapics::default()),
            pci_cf8: AtomicU32::new(0),
            state: Mutex::new(
                DOMAIN,
                DomainState {
                    life: Life::Alive,
                    config,
                    controller_pause_count: 1,
                    creation_finished: false,
                    shutdown_code: None,
                    is_shutting_down: false,
                    target: None,
                    hvm_params: [0; HVM_NR_PARAMS as usize],
                    memory_map: Vec::new(),
                    shared_info_gfn: None,
                    vcpus: 0,
                    ioreq_servers: Default::default(),
                    runstate_update_flag: false,
                    pbuf: Vec::new(),
                    vpci_mmcfg: Vec::new(),
                },
            ),
        });
        table.domains.insert(domid, d.clone());
        Ok(d)
    }

    /// Takes a dead domain out of the table, if it is still the one registered under its id.
    fn remove(&self, d: &Arc<Domain<Fmt>>) {
        let mut table = self.inner.lock();
        if table
            .domains
            .get(&d.domid)
            .is_some_and(|cur| Arc::ptr_eq(cur, d))
        {
            table.domains.remove(&d.domid);
        }
    }
}

/// Frames relinquished between preemption checks.
pub const RELINQUISH_BATCH: u64 = 512;

impl<Fmt: P2mFormat> DomainTable<Fmt> {
    /// Kills a domain (Xen's `domain_kill` with `domain_relinquish_resources`): alive -> dying
    /// (its claim is released, it stops running), then its PoD cache, memory, p2m and
    /// shared_info page go back to the heap in batches; `ERESTART` when `preempt` says stop, to be
    /// called again (the continuation). Once everything is back it is dead and leaves the table.
    /// Killing a dead domain does nothing.
    ///
    /// `teardown` runs once the domain is dying, before its memory goes back, and again on every
    /// continuation until it succeeds: the event channels are closed there (Xen's
    /// `evtchn_destroy`, which needs the domain table to find peers).
    pub fn kill<F: FrameAccess>(
        &self,
        heap: &DomHeap<F>,
        d: &Arc<Domain<Fmt>>,
        teardown: impl FnOnce(&mut dyn FnMut() -> bool) -> Result<(), Errno>,
        mut preempt: impl FnMut() -> bool,
    ) -> Result<(), Errno> {
        {
            let mut st = d.state();
            match st.life {
                Life::Dead => return Ok(()),
                Life::Alive => {
                    // Under the domain lock, so that once anyone sees it dying, its memory
                    // accounting refuses allocations too (domain before page_alloc: in order).
                    st.life = Life::Dying;
                    heap.domain_kill(&d.mem);
                }
                Life::Dying => {}
            }
        }
        teardown(&mut preempt)?;
        d.pod.empty_cache(&d.mem)?;
        while !heap.relinquish_memory(&d.mem, RELINQUISH_BATCH)? {
            if preempt() {
                return Err(Errno::ERESTART);
            }
        }
        d.p2m.teardown(heap);
        d.p2m.reclaim_limbo(heap);
        if d.p2m.limbo_frames() != 0 {
            // A lock-free reader may still walk the old tables: come back later.
            return Err(Errno::ERESTART);
        }
        {
            let mut st = d.state();
            if st.life == Life::Dead {
                return Ok(());
            }
            st.life = Life::Dead;
        }
        heap.free_anonymous(d.shared_info, 0)?;
        self.remove(d);
        Ok(())
    }
}
