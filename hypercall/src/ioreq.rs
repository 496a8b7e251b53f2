//! Ioreq servers (xen/common/ioreq.c, Xen 4.17): the emulators a domain's device models register,
//! with their I/O ranges and state.
//!
//! Each server belongs to the domain it emulates for (`s->target`) and records the domain that
//! created it (`s->emulator`): only that domain may use or destroy it. What needs machinery xen-rs
//! does not have yet (the ioreq and buffered-ioreq pages, their event channels, per-vCPU state,
//! sending requests) is left out; the bookkeeping the DMOPs act on is here.

use alloc::collections::BTreeMap;
use core::ops::Bound::{Excluded, Included};

use xen_mm::buddy::DomId;
use xen_mm::errno::Errno;
use xen_public::hvm::dm_op::{
    XEN_DMOP_IO_RANGE_MEMORY, XEN_DMOP_IO_RANGE_PCI, XEN_DMOP_IO_RANGE_PORT,
};
use xen_public::hvm::hvm_op::{HVM_IOREQSRV_BUFIOREQ_ATOMIC, HVM_IOREQSRV_BUFIOREQ_OFF};

/// Servers one domain may have (xen/include/xen/sched.h `MAX_NR_IOREQ_SERVERS`).
pub const MAX_NR_IOREQ_SERVERS: usize = 8;
/// Disjoint ranges one rangeset of a server may hold (xen/include/xen/ioreq.h `MAX_NR_IO_RANGES`).
pub const MAX_NR_IO_RANGES: usize = 256;
/// Range types: port, memory, PCI (`NR_IO_RANGE_TYPES`).
pub const NR_IO_RANGE_TYPES: usize = 3;

/// Inclusive `[start, end]` ranges with the semantics of Xen's rangesets (xen/common/rangeset.c)
/// and the `rangeset_limit` an ioreq server's sets have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeSet {
    /// Disjoint ranges, start -> end.
    ranges: BTreeMap<u64, u64>,
}

impl RangeSet {
    /// The range that starts at or below `v`, if any (`find_range`).
    fn find_range(&self, v: u64) -> Option<(u64, u64)> {
        self.ranges.range(..=v).next_back().map(|(&s, &e)| (s, e))
    }

    /// Whether any range shares a value with `[s, e]` (`rangeset_overlaps_range`; none for an
    /// empty `s > e`, which Xen only ASSERTs against).
    pub fn overlaps_range(&self, s: u64, e: u64) -> bool {
        if s > e {
            return false;
        }
        // The range at or below s reaching s, or one starting inside (s, e].
        self.find_range(s).is_some_and(|(_, xe)| xe >= s)
            || self.starting_after(s, e).next().is_some()
    }

    /// The ranges that start inside `(s, e]` (`s <= e`).
    fn starting_after(&self, s: u64, e: u64) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges
            .range((Excluded(s), Included(e)))
            .map(|(&a, &b)| (a, b))
    }

    /// Whether one range covers all of `[s, e]` (`rangeset_contains_range`).
    pub fn contains_range(&self, s: u64, e: u64) -> bool {
        self.find_range(s).is_some_and(|(_, xe)| xe >= e)
    }

    /// Whether `v` is in a range (`rangeset_contains_singleton`).
    pub fn contains_singleton(&self, v: u64) -> bool {
        self.contains_range(v, v)
    }

    /// Adds `[s, e]` (`rangeset_add_range`, `s <= e`): merges with ranges it overlaps and with a
    /// range ending just below `s` (Xen does not merge with one starting just above `e`).
    /// `ENOMEM` when a new range would exceed [`MAX_NR_IO_RANGES`], as `alloc_range` fails.
    pub fn add_range(&mut self, s: u64, e: u64) -> Result<(), Errno> {
        if s > e {
            return Err(Errno::EINVAL);
        }
        let x = self.find_range(s);
        let y = self.find_range(e);
        let joins_x = |(_, xe): (u64, u64)| xe >= s || xe.checked_add(1) == Some(s);
        if x == y {
            match x {
                Some(r) if joins_x(r) => {
                    self.ranges.insert(r.0, r.1.max(e));
                }
                _ => {
                    if self.ranges.len() >= MAX_NR_IO_RANGES {
                        return Err(Errno::ENOMEM);
                    }
                    self.ranges.insert(s, e);
                }
            }
            return Ok(());
        }
        // Ranges start inside (s, e]: they, and x if it touches s, become one range.
        let ye = y.map_or(e, |(_, ye)| ye);
        let start = match x {
            Some(r) if joins_x(r) => r.0,
            _ => s,
        };
        let end = ye.max(e);
        let swallowed: alloc::vec::Vec<u64> =
            self.ranges.range(start..=e).map(|(&k, _)| k).collect();
        for k in swallowed {
            self.ranges.remove(&k);
        }
        self.ranges.insert(start, end);
        Ok(())
    }

    /// Removes `[s, e]` (`rangeset_remove_range`, `s <= e`). Splitting a range needs a new one:
    /// `ENOMEM` at the limit, as in Xen.
    pub fn remove_range(&mut self, s: u64, e: u64) -> Result<(), Errno> {
        if s > e {
            return Err(Errno::EINVAL);
        }
        // Ranges meeting [s, e]: the one at or below s, and those starting inside (s, e].
        let mut hit: alloc::vec::Vec<(u64, u64)> = alloc::vec::Vec::new();
        if let Some(r) = self.find_range(s).filter(|&(_, xe)| xe >= s) {
            hit.push(r);
        }
        hit.extend(self.starting_after(s, e));
        let splits = hit.iter().any(|&(rs, re)| rs < s && re > e);
        if splits && self.ranges.len() >= MAX_NR_IO_RANGES {
            return Err(Errno::ENOMEM);
        }
        for (rs, re) in hit {
            self.ranges.remove(&rs);
            if rs < s {
                // s > rs >= 0, so s - 1 cannot wrap.
                self.ranges.insert(rs, s - 1);
            }
            if re > e {
                // e < re <= u64::MAX, so e + 1 cannot wrap.
                self.ranges.insert(e + 1, re);
            }
        }
        Ok(())
    }

    /// The ranges, in order.
    pub fn ranges(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges.iter().map(|(&s, &e)| (s, e))
    }

    /// How many disjoint ranges it holds.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// One ioreq server (`struct ioreq_server`, without its pages, event channels and vCPU list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoreqServer {
    /// The domain that created it and alone may use it (`s->emulator`).
    pub emulator: DomId,
    /// HVM_IOREQSRV_BUFIOREQ_* (`s->bufioreq_handling`).
    pub bufioreq_handling: u8,
    /// Whether it receives requests (`s->enabled`); servers start disabled.
    pub enabled: bool,
    /// Its I/O ranges by XEN_DMOP_IO_RANGE_* type (`s->range`).
    pub range: [RangeSet; NR_IO_RANGE_TYPES],
}

impl IoreqServer {
    /// Whether it has a buffered ioreq ring (`HANDLE_BUFIOREQ`).
    pub fn handle_bufioreq(&self) -> bool {
        u32::from(self.bufioreq_handling) != HVM_IOREQSRV_BUFIOREQ_OFF
    }

    /// The rangeset of XEN_DMOP_IO_RANGE_* `r#type`, or `None` for another type.
    fn rangeset(&mut self, r#type: u32) -> Option<&mut RangeSet> {
        match r#type {
            XEN_DMOP_IO_RANGE_PORT | XEN_DMOP_IO_RANGE_MEMORY | XEN_DMOP_IO_RANGE_PCI => {
                self.range.get_mut(usize::try_from(r#type).ok()?)
            }
            _ => None,
        }
    }
}

/// One domain's ioreq servers, by id (`d->ioreq_server.server[]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IoreqServers {
    server: [Option<IoreqServer>; MAX_NR_IOREQ_SERVERS],
}

impl IoreqServers {
    /// Server `id`, if it exists (`get_ioreq_server`).
    pub fn get(&self, id: u16) -> Option<&IoreqServer> {
        self.server.get(usize::from(id))?.as_ref()
    }

    /// The existing servers with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &IoreqServer)> + '_ {
        (0u16..)
            .zip(self.server.iter())
            .filter_map(|(id, s)| s.as_ref().map(|s| (id, s)))
    }

    /// Server `id` for `current`: `ENOENT` if there is none, `EPERM` if `current` is not its
    /// emulator (the checks every ioreq.c operation on one server starts with).
    pub fn get_for_emulator(&mut self, id: u16, current: DomId) -> Result<&mut IoreqServer, Errno> {
        let s = self
            .server
            .get_mut(usize::from(id))
            .and_then(Option::as_mut)
            .ok_or(Errno::ENOENT)?;
        if s.emulator != current {
            return Err(Errno::EPERM);
        }
        Ok(s)
    }

    /// `ioreq_server_create`: a disabled server emulated by `emulator`, in the first free slot.
    /// `EINVAL` for a bufioreq mode above HVM_IOREQSRV_BUFIOREQ_ATOMIC, `ENOSPC` when all
    /// [`MAX_NR_IOREQ_SERVERS`] are taken.
    pub fn create(&mut self, emulator: DomId, bufioreq_handling: u8) -> Result<u16, Errno> {
        if u32::from(bufioreq_handling) > HVM_IOREQSRV_BUFIOREQ_ATOMIC {
            return Err(Errno::EINVAL);
        }
        let (id, slot) = (0u16..)
            .zip(self.server.iter_mut())
            .find(|(_, s)| s.is_none())
            .ok_or(Errno::ENOSPC)?;
        *slot = Some(IoreqServer {
            emulator,
            bufioreq_handling,
            enabled: false,
            range: Default::default(),
        });
        Ok(id)
    }

    /// Removes server `id` (the end of `ioreq_server_destroy`; the caller has checked it with
    /// [`get_for_emulator`](Self::get_for_emulator) and unmapped its memory type).
    pub fn remove(&mut self, id: u16) -> Option<IoreqServer> {
        self.server.get_mut(usize::from(id))?.take()
    }

    /// `ioreq_server_set_state`: enables or disables server `id` for `current`.
    pub fn set_state(&mut self, id: u16, current: DomId, enabled: bool) -> Result<(), Errno> {
        self.get_for_emulator(id, current)?.enabled = enabled;
        Ok(())
    }

    /// `ioreq_server_map_io_range`: claims `[start, end]` of XEN_DMOP_IO_RANGE_* `r#type`.
    /// `EINVAL` for `start > end` or an unknown type, `ENOENT`/`EPERM` for the server, `EEXIST` if
    /// the range overlaps one it has, `ENOMEM` past [`MAX_NR_IO_RANGES`].
    pub fn map_io_range(
        &mut self,
        id: u16,
        current: DomId,
        r#type: u32,
        start: u64,
        end: u64,
    ) -> Result<(), Errno> {
        if start > end {
            return Err(Errno::EINVAL);
        }
        let r = self
            .get_for_emulator(id, current)?
            .rangeset(r#type)
            .ok_or(Errno::EINVAL)?;
        if r.overlaps_range(start, end) {
            return Err(Errno::EEXIST);
        }
        r.add_range(start, end)
    }

    /// `ioreq_server_unmap_io_range`: releases `[start, end]`. As map, but `ENOENT` unless one
    /// range of the server covers all of it.
    pub fn unmap_io_range(
        &mut self,
        id: u16,
        current: DomId,
        r#type: u32,
        start: u64,
        end: u64,
    ) -> Result<(), Errno> {
        if start > end {
            return Err(Errno::EINVAL);
        }
        let r = self
            .get_for_emulator(id, current)?
            .rangeset(r#type)
            .ok_or(Errno::EINVAL)?;
        if !r.contains_range(start, end) {
            return Err(Errno::ENOENT);
        }
        r.remove_range(start, end)
    }

    /// The enabled server whose XEN_DMOP_IO_RANGE_* `r#type` ranges cover `[start, end]`; the
    /// highest such id, as Xen's backwards `FOR_EACH_IOREQ_SERVER` favours newer servers (the range
    /// part of `ioreq_server_select`).
    pub fn select(&self, r#type: u32, start: u64, end: u64) -> Option<u16> {
        let t = usize::try_from(r#type).ok()?;
        self.iter()
            .filter(|(_, s)| s.enabled)
            .filter(|(_, s)| s.range.get(t).is_some_and(|r| r.contains_range(start, end)))
            .map(|(id, _)| id)
            .last()
    }

    /// Whether the domain has no servers.
    pub fn is_empty(&self) -> bool {
        self.server.iter().all(Option::is_none)
    }
}
