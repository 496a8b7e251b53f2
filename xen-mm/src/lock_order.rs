//! The mm lock order, after Xen's xen/arch/x86/mm/mm-locks.h: every lock has a level, and a CPU may
//! only take a lock whose level is above the highest level it already holds. A violation is a latent
//! deadlock; debug builds panic on it, naming both locks.
//!
//! The order, lowest (taken first) to highest:
//!
//! | level | lock | what it protects |
//! |---|---|---|
//! | 2 | domlist | the domain table (Xen's `domlist_update_lock`; hypercall crate) |
//! | 4 | domain | one domain's lifecycle state and parameters (hypercall crate) |
//! | 6 | event | one domain's event channels (Xen's `d->event_lock`; hypercall crate); a second domain's, taken in domid order, at 7 |
//! | 8 | nestedp2m | nested p2m tables |
//! | 10 | vcpu | one vCPU's registered areas and timers (hypercall crate) |
//! | 12 | gfn | one guest frame's use outside the p2m lock (Xen's `gfn_lock`, here fine-grained) |
//! | 16 | p2m | a p2m (recursive in Xen) |
//! | 24 | per_page_sharing | page sharing |
//! | 32 | altp2mlist | the altp2m list |
//! | 40 | altp2m | one altp2m |
//! | 48 | pod | a p2m's populate-on-demand state |
//! | 56 | page_alloc | a domain's page list, tot_pages, max_pages (Xen's `d->page_alloc_lock`) |
//! | 64 | paging | the paging (log-dirty) state |
//! | 900 | wc_lock | the wallclock and its copies in shared_info (Xen's `wc_lock`; hypercall crate) |
//! | 950 | timer | the hypervisor's timer queue (Xen's per-CPU timer heap lock; hypercall crate) |
//! | 1000 | heap | the heap: free lists, the frame table, claims (Xen's global `heap_lock`) |
//!
//! The heap lock is not in mm-locks.h; in Xen it is a leaf taken inside page_alloc (for example in
//! `domain_set_outstanding_pages`), which is what its level here says. A control domain acting on
//! another domain's locks adds 64 to their level (mm-locks.h `_mm_lock`), so dom0 may hold its own
//! p2m lock while taking a guest's.
//!
//! Xen's p2m lock is recursive because PoD code calls p2m functions that take it again. Here code
//! that already holds the p2m lock passes its guard (`&mut` state) down instead of locking again, so
//! no lock is ever taken twice and the checker treats a second acquisition as a violation.
//!
//! Which CPU is running comes from a function the arch layer (or a test) registers with
//! [`register_cpu_id`]; until one is registered the order is not checked, because CPUs cannot be told
//! apart.

use core::sync::atomic::{AtomicU32, Ordering};

/// A lock's place in the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockClass {
    /// The name Xen uses.
    pub name: &'static str,
    /// The level; higher levels are taken later.
    pub level: u32,
}

impl LockClass {
    /// The same lock taken by a control domain on another domain's behalf.
    pub const fn for_foreign_domain(self) -> LockClass {
        LockClass {
            name: self.name,
            level: self.level + 64,
        }
    }
}

/// The domain table. Not an mm lock: the hypercall layer takes it before any of them.
pub const DOMLIST: LockClass = LockClass {
    name: "domlist",
    level: 2,
};
/// One domain's lifecycle state. Not an mm lock: taken before any of them.
pub const DOMAIN: LockClass = LockClass {
    name: "domain",
    level: 4,
};
/// One domain's event channels (Xen's `d->event_lock`). Not an mm lock: taken before any of them.
/// Code that needs two domains' locks takes the lower domid's first and the other with
/// [`crate::sync::Mutex::lock_nested`], one level higher.
pub const EVENT: LockClass = LockClass {
    name: "event",
    level: 6,
};
/// Nested p2m tables.
pub const NESTEDP2M: LockClass = LockClass {
    name: "nestedp2m",
    level: 8,
};
/// A domain's emulated interrupt controllers' state (Xen's `d->arch.hvm.irq_lock`): its
/// vIOAPICs. Delivery requests vectors in vLAPICs under it, so it comes before the vCPU lock.
pub const HVM_IRQ: LockClass = LockClass {
    name: "irq_lock",
    level: 9,
};
/// One vCPU's registered areas (vcpu_info, runstate, time) and timers. Registering an area looks
/// the guest frame up in the p2m and references it, so it comes before the mm locks.
pub const VCPU: LockClass = LockClass {
    name: "vcpu",
    level: 10,
};
/// One guest frame (a stripe of [`crate::p2m::gfn_lock::GfnLocks`]). Xen's `gfn_lock` is the p2m
/// lock itself; here it is a separate lock just below it.
pub const GFN: LockClass = LockClass {
    name: "gfn",
    level: 12,
};
/// A p2m.
pub const P2M: LockClass = LockClass {
    name: "p2m",
    level: 16,
};
/// Page sharing.
pub const PER_PAGE_SHARING: LockClass = LockClass {
    name: "per_page_sharing",
    level: 24,
};
/// The altp2m list.
pub const ALTP2MLIST: LockClass = LockClass {
    name: "altp2mlist",
    level: 32,
};
/// One altp2m.
pub const ALTP2M: LockClass = LockClass {
    name: "altp2m",
    level: 40,
};
/// Populate-on-demand state.
pub const POD: LockClass = LockClass {
    name: "pod",
    level: 48,
};
/// A domain's page list and memory counts.
pub const PAGE_ALLOC: LockClass = LockClass {
    name: "page_alloc",
    level: 56,
};
/// Paging (log-dirty) state.
pub const PAGING: LockClass = LockClass {
    name: "paging",
    level: 64,
};
/// The wallclock (Xen's `wc_lock`): held while it is set and while a domain's shared_info copy
/// of it is written. Only frame writes happen inside.
pub const WALLCLOCK: LockClass = LockClass {
    name: "wc_lock",
    level: 900,
};
/// The timer queue. Timer callbacks run after it is released.
pub const TIMER: LockClass = LockClass {
    name: "timer",
    level: 950,
};
/// The heap.
pub const HEAP: LockClass = LockClass {
    name: "heap",
    level: 1000,
};

const KNOWN: [LockClass; 16] = [
    DOMLIST,
    DOMAIN,
    EVENT,
    NESTEDP2M,
    VCPU,
    GFN,
    P2M,
    PER_PAGE_SHARING,
    ALTP2MLIST,
    ALTP2M,
    POD,
    PAGE_ALLOC,
    PAGING,
    WALLCLOCK,
    TIMER,
    HEAP,
];

/// CPUs the checker tracks; higher CPU numbers are not checked.
pub const MAX_CPUS: usize = 256;

/// Per CPU: the highest lock held, as `encode` packs it, or 0 for none.
static CURRENT: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];

static CPU_ID: spin::Once<fn() -> usize> = spin::Once::new();

/// Tells the checker how to find the current CPU. The first registration wins.
pub fn register_cpu_id(cpu_id: fn() -> usize) {
    CPU_ID.call_once(|| cpu_id);
}

/// Packs a class into a per-CPU slot: the level above bit 8, the name's index in `KNOWN` below.
fn encode(class: LockClass) -> u32 {
    let index = KNOWN
        .iter()
        .position(|k| k.name == class.name)
        .unwrap_or(KNOWN.len()) as u32;
    (class.level << 8) | index
}

fn decode(value: u32) -> LockClass {
    let level = value >> 8;
    let index = (value & 0xff) as usize;
    let name = KNOWN.get(index).map_or("unknown", |k| k.name);
    LockClass { name, level }
}

/// What the checker needs to undo an acquisition.
pub struct OrderToken {
    slot: Option<usize>,
    previous: u32,
    class: LockClass,
}

impl OrderToken {
    /// The class acquired.
    pub fn class(&self) -> LockClass {
        self.class
    }
}

impl Drop for OrderToken {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            CURRENT[slot].store(self.previous, Ordering::Relaxed);
        }
    }
}

/// Whether taking `next` while `held` is the highest held lock keeps the order.
pub fn order_allows(held: Option<LockClass>, next: LockClass) -> bool {
    held.is_none_or(|h| next.level > h.level)
}

/// The CPU whose order is checked: debug builds only, and only once a CPU-id source is registered.
fn checked_cpu() -> Option<usize> {
    if !cfg!(debug_assertions) {
        return None;
    }
    CPU_ID
        .get()
        .map(|cpu_id| cpu_id())
        .filter(|&c| c < MAX_CPUS)
}

/// Records that this CPU took a lock of `class` without waiting (a try-lock): no order check, and
/// the CPU's level becomes the higher of the two until the lock is released.
pub fn acquire_unordered(class: LockClass) -> OrderToken {
    let Some(cpu) = checked_cpu() else {
        return OrderToken {
            slot: None,
            previous: 0,
            class,
        };
    };
    let previous = CURRENT[cpu].load(Ordering::Relaxed);
    if previous == 0 || decode(previous).level < class.level {
        CURRENT[cpu].store(encode(class), Ordering::Relaxed);
    }
    OrderToken {
        slot: Some(cpu),
        previous,
        class,
    }
}

/// Records that this CPU takes a lock of `class`; panics (debug builds) if that breaks the order.
pub fn acquire(class: LockClass) -> OrderToken {
    let Some(cpu) = checked_cpu() else {
        return OrderToken {
            slot: None,
            previous: 0,
            class,
        };
    };
    let previous = CURRENT[cpu].load(Ordering::Relaxed);
    let held = (previous != 0).then(|| decode(previous));
    if !order_allows(held, class) {
        let held = held.expect("a violation needs a held lock");
        panic!(
            "mm lock order violation on CPU {cpu}: taking {} (level {}) while holding {} (level {})",
            class.name, class.level, held.name, held.level
        );
    }
    CURRENT[cpu].store(encode(class), Ordering::Relaxed);
    OrderToken {
        slot: Some(cpu),
        previous,
        class,
    }
}
