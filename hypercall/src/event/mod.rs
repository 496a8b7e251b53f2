//! Event channels (xen/common/event_channel.c): a domain's ports, what each is bound to, and
//! the operations of EVTCHNOP_* and of the hypervisor's own senders (VIRQs). How a pending event
//! reaches the guest is the ABI's: [`two_level`] (the bitmaps in shared_info) or FIFO.
//!
//! Each domain's ports live in one table behind its event lock (Xen's `d->event_lock`; Xen also
//! has a lock per channel so that senders need not take it, which one table lock replaces). An
//! operation on two domains (binding or closing an interdomain channel) takes the lower domid's
//! lock first; a send takes one lock at a time: the sender's to find the peer, then the peer's,
//! checking the peer port is still connected back to the sender.
//!
//! Lock order: the domain table and a domain's state come before the event lock (look domains
//! and vCPUs up first); vCPU wake-ups happen inside it.
//!
//! Memory: a domain's table grows in buckets of [`EVTCHNS_PER_BUCKET`] ports up to its
//! `max_evtchn_port` (set at creation by the toolstack) and the ABI's limit, so what a guest can
//! make the hypervisor allocate is bounded by what its toolstack granted.

pub mod fifo;
pub mod two_level;

use alloc::vec::Vec;

use xen_mm::buddy::DomId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::lock_order::EVENT;
use xen_mm::sync::{Mutex, MutexGuard};
use xen_public::event_channel::*;
use xen_public::xen::{NR_VIRQS, VIRQ_DEBUG, VIRQ_TIMER, VIRQ_XENOPROF, VIRQ_XENPMU};

use xen_mm::heap::DomHeap;
use xen_mm::p2m::format::P2mFormat;

use crate::domain::Domain;
use crate::hypervisor::Hypervisor;
use crate::vcpu::Vcpu;

/// Ports per allocation of the table: Xen's `EVTCHNS_PER_BUCKET`, a page of `struct evtchn`
/// rounded to a power of two (64 bytes in Debian's build). A port below the last allocated bucket
/// is valid even if free (EVTCHNOP_status calls it closed); one beyond it is `EINVAL`.
pub const EVTCHNS_PER_BUCKET: u32 = 64;

/// Ports a domain may have under the FIFO ABI (`EVTCHN_FIFO_NR_CHANNELS`).
pub const FIFO_NR_CHANNELS: u32 = EVTCHN_FIFO_NR_CHANNELS;

/// What a port is bound to (Xen's `ECS_*` with the matching member of `evtchn.u`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelState {
    /// Available (`ECS_FREE`).
    Free,
    /// Never usable: port 0 (`ECS_RESERVED`).
    Reserved,
    /// Waiting for `remote_domid` to bind it (`ECS_UNBOUND`).
    Unbound {
        /// Who may bind it.
        remote_domid: DomId,
    },
    /// Connected to a port of another domain, or of the same one (`ECS_INTERDOMAIN`).
    Interdomain {
        /// The peer domain.
        remote_dom: DomId,
        /// The peer's port.
        remote_port: evtchn_port_t,
    },
    /// Bound to a VIRQ (`ECS_VIRQ`).
    Virq(u32),
    /// An IPI between the domain's vCPUs (`ECS_IPI`).
    Ipi,
}

/// One port (Xen's `struct evtchn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evtchn {
    /// What it is bound to.
    pub state: ChannelState,
    /// The vCPU its events are announced to.
    pub notify_vcpu_id: u32,
    /// Its FIFO-ABI state (priority, last queue).
    pub fifo: fifo::FifoPort,
}

impl Evtchn {
    const FREE: Evtchn = Evtchn {
        state: ChannelState::Free,
        notify_vcpu_id: 0,
        fifo: fifo::FifoPort {
            priority: EVTCHN_FIFO_PRIORITY_DEFAULT as u8,
            last_vcpu: 0,
            last_priority: 0,
            pending: false,
        },
    };

    /// Whether a guest may use it (`evtchn_usable`): bound. (Xen also refuses its own ports,
    /// `xen_consumer`; xen-rs binds none yet: ioreq servers' ports will be the first.)
    pub fn usable(&self) -> bool {
        !matches!(self.state, ChannelState::Free | ChannelState::Reserved)
    }
}

/// Whether a VIRQ is per-domain, bound on vCPU 0 (`virq_is_global`); VIRQ_TIMER, VIRQ_DEBUG,
/// VIRQ_XENOPROF and VIRQ_XENPMU are per-vCPU. (The architecture's VIRQs are all global on x86:
/// `arch_virq_is_global`.)
pub fn virq_is_global(virq: u32) -> bool {
    !matches!(virq, VIRQ_TIMER | VIRQ_DEBUG | VIRQ_XENOPROF | VIRQ_XENPMU)
}

/// A domain's ports.
pub struct EventTable {
    /// Every valid port (`d->valid_evtchns` of them).
    chans: Vec<Evtchn>,
    /// The highest port it may allocate (`d->max_evtchn_port`).
    max_evtchn_port: u32,
    /// Ports in use, port 0 not counted (`d->active_evtchns`).
    active: u32,
    /// Where an EVTCHNOP_reset in progress resumes; 0 when none is (`d->next_evtchn`).
    next_reset: u32,
    /// Set when the domain dies: no port is allocated after (`evtchn_destroy`'s barrier).
    dying: bool,
    /// Where a preempted destruction resumes: ports below it are still to close (Xen shrinks
    /// `valid_evtchns` instead, which would make the closed ports invalid to lookups).
    destroy_from: u32,
    /// The FIFO ABI's state once the guest switched to it (`d->evtchn_fifo`); the 2-level ABI
    /// otherwise.
    fifo: Option<fifo::FifoDomain>,
}

impl EventTable {
    /// A table with port 0 reserved (`evtchn_init`); `max_port` above `INT_MAX` is capped there.
    fn new(max_port: u32) -> Self {
        let mut chans = Vec::new();
        chans.resize(EVTCHNS_PER_BUCKET as usize, Evtchn::FREE);
        chans[0].state = ChannelState::Reserved;
        EventTable {
            chans,
            max_evtchn_port: max_port.min(i32::MAX as u32),
            active: 0,
            next_reset: 0,
            dying: false,
            destroy_from: u32::MAX,
            fifo: None,
        }
    }

    /// Ports the ABI in use allows (`max_evtchns`).
    pub fn max_evtchns(&self) -> u32 {
        if self.fifo.is_some() {
            FIFO_NR_CHANNELS
        } else {
            two_level::NR_CHANNELS
        }
    }

    /// Whether the domain uses the FIFO ABI.
    pub fn is_fifo(&self) -> bool {
        self.fifo.is_some()
    }

    /// The highest port the domain may allocate.
    pub fn max_evtchn_port(&self) -> u32 {
        self.max_evtchn_port
    }

    /// Ports in use (port 0 not counted).
    pub fn active(&self) -> u32 {
        self.active
    }

    /// Ports the table holds (`d->valid_evtchns`).
    pub fn valid_evtchns(&self) -> u32 {
        self.chans.len() as u32
    }

    /// Port `port`, if valid (`_evtchn_from_port`).
    pub fn chan(&self, port: evtchn_port_t) -> Option<&Evtchn> {
        self.chans.get(port as usize)
    }

    fn chan_mut(&mut self, port: evtchn_port_t) -> Option<&mut Evtchn> {
        self.chans.get_mut(port as usize)
    }

    /// Claims `port` (`evtchn_allocate_port`): `ENOSPC` beyond the domain's or the ABI's limit,
    /// `EBUSY` if in use, or still linked on a FIFO queue (`evtchn_is_busy`); the table grows by
    /// whole buckets to hold it.
    fn allocate_port<F: FrameAccess>(
        &mut self,
        frames: &F,
        port: evtchn_port_t,
    ) -> Result<(), Errno> {
        if port > self.max_evtchn_port || port >= self.max_evtchns() {
            return Err(Errno::ENOSPC);
        }
        let busy = self.fifo.as_ref().is_some_and(|f| f.is_busy(frames, port));
        match self.chan(port) {
            Some(c) if c.state != ChannelState::Free || busy => return Err(Errno::EBUSY),
            Some(_) => {}
            None => {
                let buckets = port / EVTCHNS_PER_BUCKET + 1;
                self.chans
                    .resize((buckets * EVTCHNS_PER_BUCKET) as usize, Evtchn::FREE);
            }
        }
        self.active += 1;
        Ok(())
    }

    /// The lowest free port, claimed (`get_free_port`): `EINVAL` once the domain is dying,
    /// `ENOSPC` when none is left.
    fn get_free_port<F: FrameAccess>(&mut self, frames: &F) -> Result<evtchn_port_t, Errno> {
        if self.dying {
            return Err(Errno::EINVAL);
        }
        let mut port = 0;
        while port <= self.max_evtchn_port {
            match self.allocate_port(frames, port) {
                Ok(()) => return Ok(port),
                Err(Errno::EBUSY) => port += 1,
                Err(e) => return Err(e),
            }
        }
        Err(Errno::ENOSPC)
    }

    /// Undoes a claim that was not bound after all (`check_free_port`).
    fn check_free_port(&mut self, port: evtchn_port_t) {
        if self
            .chan(port)
            .is_some_and(|c| c.state == ChannelState::Free)
        {
            self.active -= 1;
        }
    }

    /// Frees a bound port (`evtchn_free`): its pending event is dropped, so that a rebinding
    /// starts clean, and it goes back to vCPU 0.
    fn free<F: FrameAccess>(&mut self, ports: &Ports<'_, F>, port: evtchn_port_t) {
        let Some(&c) = self.chan(port) else { return };
        self.chans[port as usize] = Evtchn::FREE;
        if c.usable() {
            match &self.fifo {
                Some(f) => f.clear_pending(ports.frames, port),
                None => two_level::clear_pending(ports.frames, ports.shared_info, port),
            }
        }
        self.active -= 1;
    }

    /// Whether `port` is pending (`evtchn_is_pending`): `false` for an unusable port.
    fn is_pending<F: FrameAccess>(&self, ports: &Ports<'_, F>, port: evtchn_port_t) -> bool {
        if !self.chan(port).is_some_and(|c| c.usable()) {
            return false;
        }
        match &self.fifo {
            Some(f) => f.is_pending(ports.frames, port),
            None => two_level::is_pending(ports.frames, ports.shared_info, port),
        }
    }

    /// Unmasks `port`, announcing a pending event (`evtchn_port_unmask`).
    fn unmask<F: FrameAccess>(&mut self, ports: &Ports<'_, F>, port: evtchn_port_t) {
        let Some(c) = self.chans.get_mut(port as usize) else {
            return;
        };
        if !c.usable() {
            return;
        }
        let Some(v) = ports.vcpus.get(c.notify_vcpu_id as usize) else {
            return;
        };
        match &mut self.fifo {
            Some(f) => f.unmask(ports.frames, v, port, &mut c.fifo),
            None => two_level::unmask(ports.frames, ports.shared_info, v, port),
        }
    }

    /// Marks `port` pending for vCPU `vcpu_id` (`evtchn_port_set_pending`) and wakes vCPUs
    /// polling it.
    fn set_pending<F: FrameAccess>(
        &mut self,
        ports: &Ports<'_, F>,
        vcpu_id: u32,
        port: evtchn_port_t,
    ) {
        let Some(c) = self.chans.get_mut(port as usize) else {
            return;
        };
        let Some(v) = ports.vcpus.get(vcpu_id as usize) else {
            return;
        };
        if !c.usable() {
            return;
        }
        let newly_pending = match &mut self.fifo {
            Some(f) => f.set_pending(ports.frames, v, port, &mut c.fifo),
            None => two_level::set_pending(ports.frames, ports.shared_info, v, port),
        };
        if newly_pending {
            check_pollers(ports.vcpus, port);
        }
    }
}

/// Wakes the vCPUs polling `port`, or polling several ports (`evtchn_check_pollers`).
fn check_pollers(vcpus: &[Vcpu], port: evtchn_port_t) {
    for v in vcpus {
        if v.poll_woken_by(port) {
            v.unblock();
        }
    }
}

/// What the ABI's port operations touch: the frames, the domain's shared_info page, its vCPUs.
pub struct Ports<'a, F: FrameAccess> {
    /// Frame contents.
    pub frames: &'a F,
    /// The domain's shared_info frame.
    pub shared_info: Mfn,
    /// The domain's vCPUs.
    pub vcpus: &'a [Vcpu],
}

/// A domain's event channels: its table behind the event lock.
pub struct Events {
    table: Mutex<EventTable>,
}

impl Events {
    /// Port 0 reserved, nothing else bound; ports up to `max_port` may be allocated.
    pub fn new(max_port: u32) -> Self {
        Events {
            table: Mutex::new(EVENT, EventTable::new(max_port)),
        }
    }

    /// Takes the event lock.
    pub fn lock(&self) -> MutexGuard<'_, EventTable> {
        self.table.lock()
    }

    fn lock_nested(&self) -> MutexGuard<'_, EventTable> {
        self.table.lock_nested()
    }
}

/// Two domains' tables locked in domid order (Xen's double `event_lock`), or one when they are
/// the same domain.
enum Locked<'a> {
    One(MutexGuard<'a, EventTable>),
    Two {
        local: MutexGuard<'a, EventTable>,
        remote: MutexGuard<'a, EventTable>,
    },
}

impl<'a> Locked<'a> {
    fn lock(local: (&'a Events, DomId), remote: (&'a Events, DomId)) -> Self {
        if local.1 == remote.1 {
            Locked::One(local.0.lock())
        } else if local.1 < remote.1 {
            let l = local.0.lock();
            let r = remote.0.lock_nested();
            Locked::Two {
                local: l,
                remote: r,
            }
        } else {
            let r = remote.0.lock();
            let l = local.0.lock_nested();
            Locked::Two {
                local: l,
                remote: r,
            }
        }
    }

    fn local(&mut self) -> &mut EventTable {
        match self {
            Locked::One(t) => t,
            Locked::Two { local, .. } => local,
        }
    }

    fn remote(&mut self) -> &mut EventTable {
        match self {
            Locked::One(t) => t,
            Locked::Two { remote, .. } => remote,
        }
    }
}

/// The domain's callback vector, HVM_PARAM_CALLBACK_IRQ of type vector
/// (`HVMIRQ_callback_vector`), if it set one. Without it (and without a vCPU upcall vector) a
/// PVH guest gets no upcall: the GSI and PCI INTx callbacks are not implemented.
pub fn callback_vector<Fmt: P2mFormat>(d: &Domain<Fmt>) -> Option<u8> {
    use xen_public::hvm::params::{
        HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CALLBACK_IRQ_TYPE_MASK, HVM_PARAM_CALLBACK_TYPE_VECTOR,
    };
    let via = d.state().hvm_params[HVM_PARAM_CALLBACK_IRQ as usize];
    let kind = (via & HVM_PARAM_CALLBACK_IRQ_TYPE_MASK) >> 56;
    (kind == u64::from(HVM_PARAM_CALLBACK_TYPE_VECTOR)).then_some(via as u8)
}

/// `hvm_vcpu_has_pending_irq`'s event-channel source: the callback vector while `v` has an
/// upcall flagged. It is injected without the vLAPIC and stays pending as long as the flag
/// does (a vCPU's own upcall vector goes through its vLAPIC instead).
pub fn pending_callback<F: FrameAccess, Fmt: P2mFormat>(
    frames: &F,
    d: &Domain<Fmt>,
    v: &Vcpu,
) -> Option<u8> {
    callback_vector(d).filter(|_| v.upcall_pending(frames))
}

/// `hvm_vcpu_has_pending_irq` without NMIs: the flagged callback vector, or a vLAPIC vector
/// above the processor priority. With interrupts on, a reason for a blocked vCPU to wake
/// (`hvm_local_events_need_delivery`).
pub fn has_pending_irq<F: FrameAccess, Fmt: P2mFormat>(
    frames: &F,
    d: &Domain<Fmt>,
    v: &Vcpu,
) -> bool {
    pending_callback(frames, d, v).is_some() || crate::vlapic::access::pending_irq(v).is_some()
}

/// What the port operations of domain `d` touch.
fn ports<'a, F: FrameAccess, Fmt: P2mFormat>(
    hv: &'a Hypervisor<F, Fmt>,
    d: &'a Domain<Fmt>,
) -> Ports<'a, DomHeap<F>> {
    Ports {
        frames: &hv.heap,
        shared_info: d.shared_info,
        vcpus: d.vcpu_slots(),
    }
}

/// EVTCHNOP_alloc_unbound's work on domain `d` (`evtchn_alloc_unbound`): a free port, waiting
/// for `remote_domid`. `permitted` is the XSM verdict on the caller, which Xen asks after
/// claiming the port (so a full table answers `ENOSPC` even to a caller without rights).
pub fn alloc_unbound<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    remote_domid: DomId,
    permitted: Result<(), Errno>,
) -> Result<evtchn_port_t, Errno> {
    let mut t = d.events.lock();
    let port = t.get_free_port(&hv.heap)?;
    if let Err(e) = permitted {
        t.check_free_port(port);
        return Err(e);
    }
    let c = t.chan_mut(port).expect("just allocated");
    c.state = ChannelState::Unbound { remote_domid };
    Ok(port)
}

/// EVTCHNOP_bind_interdomain (`evtchn_bind_interdomain`): a new port of `ld` connected to
/// `rd`'s unbound port `rport`, which must be waiting for `ld` (`EINVAL` otherwise). The new port
/// is marked pending, since events sent to the unbound port were dropped.
pub fn bind_interdomain<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    ld: &Domain<Fmt>,
    rd: &Domain<Fmt>,
    rport: evtchn_port_t,
) -> Result<evtchn_port_t, Errno> {
    let mut locked = Locked::lock((&ld.events, ld.domid()), (&rd.events, rd.domid()));
    let lport = locked.local().get_free_port(&hv.heap)?;
    let waiting = locked.remote().chan(rport).is_some_and(|c| {
        c.state
            == ChannelState::Unbound {
                remote_domid: ld.domid(),
            }
    });
    if !waiting {
        locked.local().check_free_port(lport);
        return Err(Errno::EINVAL);
    }
    let r = locked.remote().chan_mut(rport).expect("checked above");
    r.state = ChannelState::Interdomain {
        remote_dom: ld.domid(),
        remote_port: lport,
    };
    let t = locked.local();
    let l = t.chan_mut(lport).expect("just allocated");
    l.state = ChannelState::Interdomain {
        remote_dom: rd.domid(),
        remote_port: rport,
    };
    let notify = l.notify_vcpu_id;
    t.set_pending(&ports(hv, ld), notify, lport);
    Ok(lport)
}

/// EVTCHNOP_bind_virq (`evtchn_bind_virq`): `virq` on vCPU `vcpu`. `EINVAL` for a VIRQ out of
/// range or a global one on another vCPU than 0, `ENOENT` for a vCPU the domain does not have,
/// `EEXIST` if bound already.
pub fn bind_virq<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    virq: u32,
    vcpu: u32,
) -> Result<evtchn_port_t, Errno> {
    if virq >= NR_VIRQS {
        return Err(Errno::EINVAL);
    }
    if virq_is_global(virq) && vcpu != 0 {
        return Err(Errno::EINVAL);
    }
    let v = d.vcpu(vcpu).ok_or(Errno::ENOENT)?;
    let mut t = d.events.lock();
    if v.virq_port(virq) != 0 {
        return Err(Errno::EEXIST);
    }
    let port = t.get_free_port(&hv.heap)?;
    let c = t.chan_mut(port).expect("just allocated");
    c.state = ChannelState::Virq(virq);
    c.notify_vcpu_id = vcpu;
    v.set_virq_port(virq, port);
    Ok(port)
}

/// EVTCHNOP_bind_ipi (`evtchn_bind_ipi`): a port whose sends notify vCPU `vcpu` (`ENOENT` if
/// the domain has no such vCPU).
pub fn bind_ipi<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    vcpu: u32,
) -> Result<evtchn_port_t, Errno> {
    if d.vcpu(vcpu).is_none() {
        return Err(Errno::ENOENT);
    }
    let mut t = d.events.lock();
    let port = t.get_free_port(&hv.heap)?;
    let c = t.chan_mut(port).expect("just allocated");
    c.state = ChannelState::Ipi;
    c.notify_vcpu_id = vcpu;
    Ok(port)
}

/// EVTCHNOP_close (`evtchn_close`). Closing one end of an interdomain channel leaves the other unbound, waiting
/// for this domain again.
pub fn close<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d1: &Domain<Fmt>,
    port: evtchn_port_t,
) -> Result<(), Errno> {
    let (remote_dom, remote_port) = {
        let mut t = d1.events.lock();
        let c = *t.chan(port).ok_or(Errno::EINVAL)?;
        match c.state {
            ChannelState::Free | ChannelState::Reserved => return Err(Errno::EINVAL),
            ChannelState::Interdomain {
                remote_dom,
                remote_port,
            } => (remote_dom, remote_port),
            ChannelState::Virq(virq) => {
                let holder = if virq_is_global(virq) {
                    0
                } else {
                    c.notify_vcpu_id
                };
                if let Some(v) = d1.vcpu_slots().get(holder as usize) {
                    v.set_virq_port(virq, 0);
                }
                t.free(&ports(hv, d1), port);
                return Ok(());
            }
            ChannelState::Unbound { .. } | ChannelState::Ipi => {
                t.free(&ports(hv, d1), port);
                return Ok(());
            }
        }
    };
    // The peer cannot be gone while bound (a dying domain closes its ports first); if it were,
    // only this end would remain to free.
    let Some(d2) = hv.domains.get(remote_dom) else {
        d1.events.lock().free(&ports(hv, d1), port);
        return Ok(());
    };
    let mut locked = Locked::lock((&d1.events, d1.domid()), (&d2.events, d2.domid()));
    // The port may have been closed, and even rebound, while no lock was held: Xen answers as
    // for a free port, which it must have been meanwhile.
    let still = locked.local().chan(port).is_some_and(|c| {
        c.state
            == ChannelState::Interdomain {
                remote_dom,
                remote_port,
            }
    });
    if !still {
        return Err(Errno::EINVAL);
    }
    locked.local().free(&ports(hv, d1), port);
    if let Some(r) = locked.remote().chan_mut(remote_port) {
        r.state = ChannelState::Unbound {
            remote_domid: d1.domid(),
        };
    }
    Ok(())
}

/// EVTCHNOP_send (`evtchn_send`): to the peer of an interdomain port, to the bound vCPU of an
/// IPI port; dropped on an unbound port; `EINVAL` on anything else.
pub fn send<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    ld: &Domain<Fmt>,
    lport: evtchn_port_t,
) -> Result<(), Errno> {
    let (rdom, rport) = {
        let mut t = ld.events.lock();
        let c = *t.chan(lport).ok_or(Errno::EINVAL)?;
        match c.state {
            ChannelState::Interdomain {
                remote_dom,
                remote_port,
            } => (remote_dom, remote_port),
            ChannelState::Ipi => {
                t.set_pending(&ports(hv, ld), c.notify_vcpu_id, lport);
                return Ok(());
            }
            ChannelState::Unbound { .. } => return Ok(()),
            _ => return Err(Errno::EINVAL),
        }
    };
    let Some(rd) = hv.domains.get(rdom) else {
        return Ok(());
    };
    let mut t = rd.events.lock();
    let Some(&r) = t.chan(rport) else {
        return Ok(());
    };
    // Not connected back any more: closed after the sender's lock was dropped, so the event went
    // to a port being closed and is lost, as it would be in Xen.
    let connected = r.state
        == ChannelState::Interdomain {
            remote_dom: ld.domid(),
            remote_port: lport,
        };
    if connected {
        t.set_pending(&ports(hv, &rd), r.notify_vcpu_id, rport);
    }
    Ok(())
}

/// EVTCHNOP_status's answer for one port (`evtchn_status`): (EVTCHNSTAT_*, vCPU, `u`).
/// `EINVAL` for an invalid port. `permitted` is the XSM verdict, which Xen asks after that
/// check.
pub fn status<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    port: evtchn_port_t,
    permitted: Result<(), Errno>,
) -> Result<(u32, u32, [u32; 2]), Errno> {
    let t = d.events.lock();
    let c = *t.chan(port).ok_or(Errno::EINVAL)?;
    permitted?;
    let (status, u) = match c.state {
        ChannelState::Free | ChannelState::Reserved => (EVTCHNSTAT_closed, [0, 0]),
        ChannelState::Unbound { remote_domid } => {
            (EVTCHNSTAT_unbound, [u32::from(remote_domid), 0])
        }
        ChannelState::Interdomain {
            remote_dom,
            remote_port,
        } => (EVTCHNSTAT_interdomain, [u32::from(remote_dom), remote_port]),
        ChannelState::Virq(virq) => (EVTCHNSTAT_virq, [virq, 0]),
        ChannelState::Ipi => (EVTCHNSTAT_ipi, [0, 0]),
    };
    Ok((status, c.notify_vcpu_id, u))
}

/// EVTCHNOP_bind_vcpu (`evtchn_bind_vcpu`): later events of `port` go to vCPU `vcpu` (`ENOENT`
/// if the domain has no such vCPU). Only global VIRQs, unbound and interdomain ports move;
/// `EINVAL` for the rest.
pub fn bind_vcpu<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    port: evtchn_port_t,
    vcpu: u32,
) -> Result<(), Errno> {
    if d.vcpu(vcpu).is_none() {
        return Err(Errno::ENOENT);
    }
    let mut t = d.events.lock();
    let c = t.chan_mut(port).ok_or(Errno::EINVAL)?;
    match c.state {
        ChannelState::Virq(virq) if virq_is_global(virq) => c.notify_vcpu_id = vcpu,
        ChannelState::Unbound { .. } | ChannelState::Interdomain { .. } => c.notify_vcpu_id = vcpu,
        _ => return Err(Errno::EINVAL),
    }
    Ok(())
}

/// EVTCHNOP_unmask (`evtchn_unmask`): `EINVAL` for an invalid port; a pending event of a usable
/// port is announced.
pub fn unmask<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    port: evtchn_port_t,
) -> Result<(), Errno> {
    let mut t = d.events.lock();
    if t.chan(port).is_none() {
        return Err(Errno::EINVAL);
    }
    t.unmask(&ports(hv, d), port);
    Ok(())
}

/// Whether `port` is pending, for SCHEDOP_poll (`evtchn_port_poll`): `EINVAL` for an invalid or
/// unusable port.
pub fn poll_pending<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    port: evtchn_port_t,
) -> Result<bool, Errno> {
    let t = d.events.lock();
    match t.chan(port) {
        Some(c) if c.usable() => Ok(t.is_pending(&ports(hv, d), port)),
        _ => Err(Errno::EINVAL),
    }
}

/// Sends per-vCPU `virq` to vCPU `vcpu` (`send_guest_vcpu_virq`); nothing if unbound.
pub fn send_vcpu_virq<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    vcpu: u32,
    virq: u32,
) {
    let Some(v) = d.vcpu_slots().get(vcpu as usize) else {
        return;
    };
    let port = v.virq_port(virq);
    if port != 0 {
        d.events.lock().set_pending(&ports(hv, d), vcpu, port);
    }
}

/// Sends global `virq` to the domain (`send_guest_global_virq`), to the vCPU its port is bound
/// to; nothing if unbound.
pub fn send_global_virq<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    virq: u32,
) {
    let Some(v0) = d.vcpu_slots().first() else {
        return;
    };
    let port = v0.virq_port(virq);
    if port == 0 {
        return;
    }
    let mut t = d.events.lock();
    if let Some(&c) = t.chan(port) {
        t.set_pending(&ports(hv, d), c.notify_vcpu_id, port);
    }
}

/// How far an EVTCHNOP_reset got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetStart {
    /// A new reset (EVTCHNOP_reset).
    New,
    /// Continuing one (EVTCHNOP_reset_cont).
    Resume,
}

/// Marks the start or continuation of a reset (the first half of `evtchn_reset`): the first port
/// to close, or `EBUSY` if a new reset finds one in progress or a continuation finds none.
pub fn reset_begin(events: &Events, start: ResetStart) -> Result<evtchn_port_t, Errno> {
    let mut t = events.lock();
    let i = match start {
        ResetStart::Resume => t.next_reset,
        ResetStart::New => u32::from(t.next_reset == 0),
    };
    if i > t.next_reset {
        t.next_reset = i;
    }
    if i == 0 {
        return Err(Errno::EBUSY);
    }
    Ok(i)
}

/// Whether ports are still in use (`has_active_evtchns`; the hypervisor binds none of its own)
/// and `port` is valid: the reset loop's condition.
pub fn reset_should_close(events: &Events, port: evtchn_port_t) -> bool {
    let t = events.lock();
    t.chan(port).is_some() && t.active > 0
}

/// Records where a preempted reset resumes.
pub fn reset_preempted(events: &Events, port: evtchn_port_t) {
    events.lock().next_reset = port;
}

/// Ends a reset (the last part of `evtchn_reset`): `EAGAIN` if ports were bound meanwhile;
/// else a domain on the FIFO ABI goes back to the 2-level one.
pub fn reset_end<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
) -> Result<(), Errno> {
    let mut t = d.events.lock();
    t.next_reset = 0;
    if t.active > 0 {
        return Err(Errno::EAGAIN);
    }
    fifo_destroy(hv, &mut t);
    Ok(())
}

/// Gives back the pages of the FIFO ABI and returns to the 2-level one (`evtchn_fifo_destroy`
/// and `evtchn_2l_init`).
fn fifo_destroy<F: FrameAccess, Fmt: P2mFormat>(hv: &Hypervisor<F, Fmt>, t: &mut EventTable) {
    if let Some(f) = t.fifo.take() {
        for mfn in f.pages() {
            // The reference taken in `map_guest_page`.
            let _ = hv.heap.put_page(mfn);
        }
    }
}

/// A guest frame the FIFO ABI keeps using (`map_guest_page`): the domain's RAM (PoD populated
/// first), referenced until given back. `EINVAL` for anything else.
fn map_guest_page<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    gfn: u64,
) -> Result<Mfn, Errno> {
    let found = d.get_entry_alloc(&hv.heap, xen_mm::frame::Gfn(gfn));
    let mfn = found
        .mfn
        .filter(|_| found.p2mt.is_ram())
        .ok_or(Errno::EINVAL)?;
    hv.heap.get_page(&d.mem, mfn)?;
    Ok(mfn)
}

/// EVTCHNOP_init_control (`evtchn_fifo_init_control`): vCPU `vcpu`'s control block at byte
/// `offset` of guest frame `gfn`. `ENOENT` for a vCPU the domain does not have; `EINVAL` for an
/// offset that would cross the page or is not 8-aligned, a vCPU that has one already, or a frame
/// that is not RAM. The first one switches the domain to the FIFO ABI: ports bound so far keep
/// their pending state (raised once their event-array page is given) and get the default
/// priority.
pub fn init_control<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    vcpu: u32,
    gfn: u64,
    offset: u32,
) -> Result<(), Errno> {
    if d.vcpu(vcpu).is_none() {
        return Err(Errno::ENOENT);
    }
    if offset > 4096 - fifo::CONTROL_BLOCK_SIZE || !offset.is_multiple_of(8) {
        return Err(Errno::EINVAL);
    }
    let mut t = d.events.lock();
    match &mut t.fifo {
        Some(f) => {
            if f.has_control_block(vcpu) {
                return Err(Errno::EINVAL);
            }
            let mfn = map_guest_page(hv, d, gfn)?;
            f.set_control_block(vcpu, mfn, offset);
        }
        None => {
            let prev = t.max_evtchns();
            let mfn = map_guest_page(hv, d, gfn)?;
            let mut f = fifo::FifoDomain::new(d.vcpu_slots().len());
            f.set_control_block(vcpu, mfn, offset);
            t.fifo = Some(f);
            // `setup_ports`.
            let end = prev.min(t.valid_evtchns());
            for port in 1..end {
                let pending = two_level::is_pending(&hv.heap, d.shared_info, port);
                let c = &mut t.chans[port as usize].fifo;
                c.pending |= pending;
                c.priority = EVTCHN_FIFO_PRIORITY_DEFAULT as u8;
            }
        }
    }
    Ok(())
}

/// EVTCHNOP_expand_array (`evtchn_fifo_expand_array`): guest frame `gfn` holds the next 1024
/// event words. `EOPNOTSUPP` before EVTCHNOP_init_control, `ENOSPC` once 128 pages cover every
/// port, `EINVAL` for a frame that is not RAM. Events raised on the new ports while they had no
/// word are raised again.
pub fn expand_array<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    gfn: u64,
) -> Result<(), Errno> {
    let mut t = d.events.lock();
    match &t.fifo {
        None => return Err(Errno::EOPNOTSUPP),
        Some(f) if f.array_full() => return Err(Errno::ENOSPC),
        Some(_) => {}
    }
    let mfn = map_guest_page(hv, d, gfn)?;
    let first = t.fifo.as_mut().expect("checked above").add_page(mfn);
    let ports = ports(hv, d);
    for port in first..first + fifo::EVENT_WORDS_PER_PAGE {
        let Some(&c) = t.chan(port) else { break };
        if c.fifo.pending {
            t.set_pending(&ports, c.notify_vcpu_id, port);
        }
    }
    Ok(())
}

/// EVTCHNOP_set_priority (`evtchn_set_priority`): `EINVAL` for an invalid port, `ENOSYS` on the
/// 2-level ABI, `EACCES` for a port a guest may not use, `EINVAL` for a priority above
/// EVTCHN_FIFO_PRIORITY_MIN. Later events of the port go to that queue.
pub fn set_priority<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    port: evtchn_port_t,
    priority: u32,
) -> Result<(), Errno> {
    let mut t = d.events.lock();
    let fifo = t.fifo.is_some();
    let c = t.chan_mut(port).ok_or(Errno::EINVAL)?;
    if !fifo {
        return Err(Errno::ENOSYS);
    }
    if !c.usable() {
        return Err(Errno::EACCES);
    }
    if priority > EVTCHN_FIFO_PRIORITY_MIN {
        return Err(Errno::EINVAL);
    }
    c.fifo.priority = priority as u8;
    Ok(())
}

/// Closes every port of a dying domain (`evtchn_destroy`): after the first call no port is
/// allocated any more; ports close from the highest down, with a preemption check every 64
/// (`ERESTART`: call again). Peers of interdomain ports are left unbound, waiting for it.
pub fn destroy<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    preempt: &mut dyn FnMut() -> bool,
) -> Result<(), Errno> {
    let mut port = {
        let mut t = d.events.lock();
        t.dying = true;
        t.destroy_from.min(t.valid_evtchns())
    };
    while port > 1 {
        port -= 1;
        // Free ports answer EINVAL: nothing to close.
        let _ = close(hv, d, port);
        if port & 0x3f == 0 && preempt() {
            d.events.lock().destroy_from = port;
            return Err(Errno::ERESTART);
        }
    }
    let mut t = d.events.lock();
    t.destroy_from = 1;
    fifo_destroy(hv, &mut t);
    Ok(())
}
