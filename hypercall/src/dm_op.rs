//! XEN_DMOP_* (xen/common/dm.c `do_dm_op`, xen/arch/x86/hvm/dm.c `dm_op`, and the ioreq-server
//! ops of xen/common/ioreq.c `ioreq_server_dm_op`), as Xen 4.17 has them.
//!
//! The hypercall takes a domain, a count of buffers and an array of `xen_dm_op_buf`; buffer 0 holds
//! a `xen_dm_op`: an 8-byte header (`op`, `pad`) and the op's struct. Ops that change their struct
//! (`const_op` false in dm.c) copy it back to buffer 0 on success and on a continuation, which is
//! how preemptible ops keep their progress: the guest re-issues the same arguments and the struct
//! in its memory says where to resume.
//!
//! Implemented: the ioreq-server ops, map_mem_type_to_ioreq_server, set_mem_type, modified_memory
//! and nr_vcpus. The others (track_dirty_vram, the interrupt and event injections, remote_shutdown,
//! relocate_memory, pin_memory_cacheattr) need machinery xen-rs does not have yet and get
//! `EOPNOTSUPP` once the header has been checked, as an op dm.c does not know.

use alloc::sync::Arc;

use xen_mm::buddy::DomId;
use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::ioreq::SetMemType;
use xen_mm::p2m::types::P2mType;
use xen_public::domctl::XEN_DOMCTL_CDF_hap;
use xen_public::hvm::dm_op::*;
use xen_public::hvm::hvm_op::{HVMMEM_ioreq_server, HVMMEM_mmio_dm, HVMMEM_ram_ro, HVMMEM_ram_rw};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// Buffers one call may pass (`ARRAY_SIZE(struct dmop_args.buf)`, xen/include/xen/dm.h).
pub const DMOP_MAX_NR_BUFS: u32 = 2;
/// Where the op's struct starts in buffer 0 (`offsetof(struct xen_dm_op, u)`).
const DMOP_U_OFFSET: u64 = 8;
/// One past the highest op dm.c's `op_size` table knows (XEN_DMOP_nr_vcpus).
const DMOP_NR_OPS: u32 = XEN_DMOP_nr_vcpus + 1;
/// Pfns modified_memory marks between preemption checks (dm.c `cont_check_interval`).
const MODIFIED_MEMORY_BATCH: u32 = 0x100;

/// The buffers of one call (`struct dmop_args`): guest address and size of each.
#[derive(Clone, Copy, Debug, Default)]
struct DmopArgs {
    domid: DomId,
    nr_bufs: u32,
    buf: [(u64, u64); DMOP_MAX_NR_BUFS as usize],
}

impl DmopArgs {
    /// Buffer `idx`, if the caller passed it. dm.c reads an unset `buf[]` slot; here it is empty.
    fn buf(&self, idx: u32) -> Option<(u64, u64)> {
        if idx >= self.nr_bufs {
            return None;
        }
        self.buf.get(usize::try_from(idx).ok()?).copied()
    }

    /// The size of buffer `idx`, 0 if it was not passed.
    fn size(&self, idx: u32) -> u64 {
        self.buf(idx).map_or(0, |(_, size)| size)
    }
}

/// dm.c `_raw_copy_from_guest_buf_offset`: a `T` at `offset` in buffer `idx`; `EFAULT` if the
/// buffer was not passed, the `T` does not fit in it, or the copy fails.
fn copy_from_guest_buf_offset<T: FromBytes + IntoBytes>(
    guest: &mut impl GuestMemory,
    args: &DmopArgs,
    idx: u32,
    offset: u64,
) -> Result<T, Errno> {
    let (addr, size) = args.buf(idx).ok_or(Errno::EFAULT)?;
    let end = offset
        .checked_add(core::mem::size_of::<T>() as u64)
        .ok_or(Errno::EFAULT)?;
    if end > size {
        return Err(Errno::EFAULT);
    }
    let at = addr.checked_add(offset).ok_or(Errno::EFAULT)?;
    guest::read(guest, GuestHandle::new(at))
}

/// The size of op `op`'s struct (dm.c's `op_size` table; ops it does not list are 0).
fn op_size(op: u32) -> usize {
    use core::mem::size_of;
    match op {
        XEN_DMOP_create_ioreq_server => size_of::<xen_dm_op_create_ioreq_server>(),
        XEN_DMOP_get_ioreq_server_info => size_of::<xen_dm_op_get_ioreq_server_info>(),
        XEN_DMOP_map_io_range_to_ioreq_server | XEN_DMOP_unmap_io_range_from_ioreq_server => {
            size_of::<xen_dm_op_ioreq_server_range>()
        }
        XEN_DMOP_set_ioreq_server_state => size_of::<xen_dm_op_set_ioreq_server_state>(),
        XEN_DMOP_destroy_ioreq_server => size_of::<xen_dm_op_destroy_ioreq_server>(),
        XEN_DMOP_track_dirty_vram => size_of::<xen_dm_op_track_dirty_vram>(),
        XEN_DMOP_set_pci_intx_level => size_of::<xen_dm_op_set_pci_intx_level>(),
        XEN_DMOP_set_isa_irq_level => size_of::<xen_dm_op_set_isa_irq_level>(),
        XEN_DMOP_set_pci_link_route => size_of::<xen_dm_op_set_pci_link_route>(),
        XEN_DMOP_modified_memory => size_of::<xen_dm_op_modified_memory>(),
        XEN_DMOP_set_mem_type => size_of::<xen_dm_op_set_mem_type>(),
        XEN_DMOP_inject_event => size_of::<xen_dm_op_inject_event>(),
        XEN_DMOP_inject_msi => size_of::<xen_dm_op_inject_msi>(),
        XEN_DMOP_map_mem_type_to_ioreq_server => {
            size_of::<xen_dm_op_map_mem_type_to_ioreq_server>()
        }
        XEN_DMOP_remote_shutdown => size_of::<xen_dm_op_remote_shutdown>(),
        XEN_DMOP_relocate_memory => size_of::<xen_dm_op_relocate_memory>(),
        XEN_DMOP_pin_memory_cacheattr => size_of::<xen_dm_op_pin_memory_cacheattr>(),
        XEN_DMOP_nr_vcpus => size_of::<xen_dm_op_nr_vcpus>(),
        _ => 0,
    }
}

/// XEN_DMOP_* for `call.caller` (xen/common/dm.c `do_dm_op`): `args[0]` is the target domain
/// (a `domid_t`), `args[1]` the number of buffers (an `unsigned int`), `args[2]` the guest address
/// of the buffer array. `E2BIG` for more than [`DMOP_MAX_NR_BUFS`] buffers, `EFAULT` if the array
/// cannot be read. A preempted op returns `ERESTART`: the dispatcher re-issues the same arguments.
pub fn do_dm_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    // The C parameters are `domid_t` and `unsigned int`: the registers are truncated to them.
    let domid = args[0] as DomId;
    let nr_bufs = args[1] as u32;
    let bufs = GuestHandle::<xen_dm_op_buf>::new(args[2]);
    if nr_bufs > DMOP_MAX_NR_BUFS {
        return Err(Errno::E2BIG);
    }
    let mut op_args = DmopArgs {
        domid,
        nr_bufs,
        ..Default::default()
    };
    for (i, slot) in (0..u64::from(nr_bufs)).zip(op_args.buf.iter_mut()) {
        let b = guest::read_at(call.guest, bufs, i)?;
        *slot = (b.h.addr(), b.size);
    }
    dm_op(hv, call, &op_args).map(|()| Outcome::Return(0))
}

/// `rcu_lock_remote_domain_by_id`: `ESRCH` for an unknown id (DOMID_SELF included), `EPERM` for
/// the caller itself.
fn rcu_lock_remote_domain_by_id<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    caller: &Arc<Domain<Fmt>>,
    domid: DomId,
) -> Result<Arc<Domain<Fmt>>, Errno> {
    let d = hv.domains.get(domid).ok_or(Errno::ESRCH)?;
    if d.domid() == caller.domid() {
        return Err(Errno::EPERM);
    }
    Ok(d)
}

/// Whether `d` uses hardware-assisted paging (`hap_enabled`).
fn hap_enabled<Fmt: P2mFormat>(d: &Domain<Fmt>) -> bool {
    d.state().config.flags & XEN_DOMCTL_CDF_hap != 0
}

/// The op's struct from the raw bytes after the header (zero-extended to the union's size).
fn body<T: FromBytes + KnownLayout + Immutable>(raw: &[u8; 24]) -> Result<T, Errno> {
    T::read_from_prefix(raw.as_slice())
        .map(|(t, _)| t)
        .map_err(|_| Errno::EFAULT)
}

/// The end of dm.c `dm_op`: a changed struct is copied back to buffer 0 on success or a
/// continuation; `EFAULT` if that fails (also over `ERESTART`, as in Xen).
fn finish<T: IntoBytes + Immutable>(
    guest: &mut impl GuestMemory,
    buf0: u64,
    const_op: bool,
    rc: Result<(), Errno>,
    data: &T,
) -> Result<(), Errno> {
    let copies = rc.is_ok() || rc == Err(Errno::ERESTART);
    if copies && !const_op {
        let at = buf0.checked_add(DMOP_U_OFFSET).ok_or(Errno::EFAULT)?;
        if guest::write(guest, GuestHandle::new(at), data).is_err() {
            return Err(Errno::EFAULT);
        }
    }
    rc
}

/// dm.c `dm_op`: the target must be another domain (`rcu_lock_remote_domain_by_id`), HVM
/// (`EINVAL`), and the caller its device model or the control domain (XSM_DM_PRIV, `EPERM`). Then
/// buffer 0 must hold the header (`EFAULT`), the op must be one dm.c knows (`EOPNOTSUPP`), buffer
/// 0 must hold its struct (`EFAULT`) and the header's pad must be 0 (`EINVAL`).
fn dm_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: &DmopArgs,
) -> Result<(), Errno> {
    let d = rcu_lock_remote_domain_by_id(hv, call.caller, args.domid)?;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    policy::check(XsmAction::DmPriv, call.caller, Some(&d))?;

    let size0 = args.size(0);
    if size0 < DMOP_U_OFFSET {
        return Err(Errno::EFAULT);
    }
    let buf0 = args.buf(0).map_or(0, |(addr, _)| addr);
    let [op, pad] = guest::read(call.guest, GuestHandle::<[u32; 2]>::new(buf0))?;
    if op >= DMOP_NR_OPS {
        return Err(Errno::EOPNOTSUPP);
    }
    let size = op_size(op);
    if size0 < DMOP_U_OFFSET + size as u64 {
        return Err(Errno::EFAULT);
    }
    let at = buf0.checked_add(DMOP_U_OFFSET).ok_or(Errno::EFAULT)?;
    let mut raw = [0u8; 24];
    let bytes = guest::read_bytes(call.guest, at, size)?;
    for (dst, src) in raw.iter_mut().zip(bytes) {
        *dst = src;
    }
    if pad != 0 {
        return Err(Errno::EINVAL);
    }

    let caller = call.caller.domid();
    match op {
        XEN_DMOP_create_ioreq_server => {
            let mut data: xen_dm_op_create_ioreq_server = body(&raw)?;
            let rc = if data.pad != [0; 3] {
                Err(Errno::EINVAL)
            } else {
                d.state()
                    .ioreq_servers
                    .create(caller, data.handle_bufioreq)
                    .map(|id| data.id = id)
            };
            finish(call.guest, buf0, false, rc, &data)
        }
        XEN_DMOP_get_ioreq_server_info => {
            let mut data: xen_dm_op_get_ioreq_server_info = body(&raw)?;
            let rc = get_ioreq_server_info(&d, caller, &mut data);
            finish(call.guest, buf0, false, rc, &data)
        }
        XEN_DMOP_map_io_range_to_ioreq_server | XEN_DMOP_unmap_io_range_from_ioreq_server => {
            let data: xen_dm_op_ioreq_server_range = body(&raw)?;
            if data.pad != 0 {
                return Err(Errno::EINVAL);
            }
            let mut st = d.state();
            if op == XEN_DMOP_map_io_range_to_ioreq_server {
                st.ioreq_servers
                    .map_io_range(data.id, caller, data.r#type, data.start, data.end)
            } else {
                st.ioreq_servers
                    .unmap_io_range(data.id, caller, data.r#type, data.start, data.end)
            }
        }
        XEN_DMOP_set_ioreq_server_state => {
            let data: xen_dm_op_set_ioreq_server_state = body(&raw)?;
            if data.pad != 0 {
                return Err(Errno::EINVAL);
            }
            d.state()
                .ioreq_servers
                .set_state(data.id, caller, data.enabled != 0)
        }
        XEN_DMOP_destroy_ioreq_server => {
            let data: xen_dm_op_destroy_ioreq_server = body(&raw)?;
            if data.pad != 0 {
                return Err(Errno::EINVAL);
            }
            destroy_ioreq_server(hv, &d, caller, data.id)
        }
        XEN_DMOP_map_mem_type_to_ioreq_server => {
            let mut data: xen_dm_op_map_mem_type_to_ioreq_server = body(&raw)?;
            let rc = map_mem_type_to_ioreq_server(hv, &d, caller, &mut data, call.preempt);
            finish(call.guest, buf0, false, rc, &data)
        }
        XEN_DMOP_set_mem_type => {
            let mut data: xen_dm_op_set_mem_type = body(&raw)?;
            let rc = if data.pad != 0 {
                Err(Errno::EINVAL)
            } else {
                set_mem_type(hv, &d, &mut data, call.preempt)
            };
            finish(call.guest, buf0, false, rc, &data)
        }
        XEN_DMOP_modified_memory => {
            let mut data: xen_dm_op_modified_memory = body(&raw)?;
            let rc = modified_memory(hv, &d, call.guest, args, &mut data, call.preempt);
            // dm.c: `const_op = !rc`, so only a continuation writes the progress back.
            finish(call.guest, buf0, rc.is_ok(), rc, &data)
        }
        XEN_DMOP_nr_vcpus => {
            let mut data: xen_dm_op_nr_vcpus = body(&raw)?;
            data.vcpus = d.state().config.max_vcpus;
            finish(call.guest, buf0, false, Ok(()), &data)
        }
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// ioreq.c `ioreq_server_get_info` for XEN_DMOP_get_ioreq_server_info: `EINVAL` for flags other
/// than XEN_DMOP_no_gfns, `ENOENT`/`EPERM` for the server. Without XEN_DMOP_no_gfns Xen maps the
/// ioreq pages at gfns from the pools the toolstack reserved (`arch_ioreq_server_map_pages`);
/// xen-rs has no such pages, so it answers `EOPNOTSUPP`, what Xen's Arm port (which has no gfn
/// mapping either) answers. A server with a buffered ring reports port 0: there are no event
/// channels to give it one; the other fields are left as the caller passed them, as in Xen.
fn get_ioreq_server_info<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    caller: DomId,
    data: &mut xen_dm_op_get_ioreq_server_info,
) -> Result<(), Errno> {
    if data.flags & !(XEN_DMOP_no_gfns as u16) != 0 {
        return Err(Errno::EINVAL);
    }
    let mut st = d.state();
    let s = st.ioreq_servers.get_for_emulator(data.id, caller)?;
    if u32::from(data.flags) & XEN_DMOP_no_gfns == 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if s.handle_bufioreq() {
        data.bufioreq_port = 0;
    }
    Ok(())
}

/// ioreq.c `ioreq_server_destroy`: `ENOENT`/`EPERM` for the server; if the ioreq_server memory
/// type is mapped to it, it is unmapped (x86 `arch_ioreq_server_destroy`, which calls
/// `p2m_set_ioreq_server(d, 0, s)` and ignores its answer). Entries of that type left in the p2m
/// are stale from then on; as in Xen, no reset pass runs here.
fn destroy_ioreq_server<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    caller: DomId,
    id: u16,
) -> Result<(), Errno> {
    // The ioreq-server lock (here the domain's) is held across the p2m call, as in Xen; the lock
    // order (domain 4, p2m 16) allows it.
    let mut st = d.state();
    st.ioreq_servers.get_for_emulator(id, caller)?;
    // Fails (EINVAL) unless the type is mapped to this server; Xen ignores the answer too.
    let _ = d.p2m.unmap_ioreq_server(&hv.heap, u32::from(id));
    st.ioreq_servers.remove(id);
    Ok(())
}

/// dm.c XEN_DMOP_map_mem_type_to_ioreq_server with ioreq.c `ioreq_server_map_mem_type`:
/// `EOPNOTSUPP` without HAP. With `opaque` 0: `EINVAL` unless the type is HVMMEM_ioreq_server and
/// the flags are 0 or XEN_DMOP_IOREQ_MEM_ACCESS_WRITE, `ENOENT`/`EPERM` for the server, then
/// xen-mm maps (`EBUSY` if a server is mapped or stale entries remain) or unmaps (`EINVAL` unless
/// it is the mapped one). After an unmap the remaining entries are reset to ram_rw in chunks;
/// when preempted, `opaque` holds the next gfn and the call continues from it (skipping the
/// checks, as dm.c does for a non-zero `opaque`).
fn map_mem_type_to_ioreq_server<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    caller: DomId,
    data: &mut xen_dm_op_map_mem_type_to_ioreq_server,
    preempt: &mut impl Preempt,
) -> Result<(), Errno> {
    if !hap_enabled(d) {
        return Err(Errno::EOPNOTSUPP);
    }
    let first_gfn = data.opaque;
    if first_gfn == 0 {
        ioreq_server_map_mem_type(hv, d, caller, data.id, data.r#type, data.flags)?;
    }
    if data.flags != 0 {
        return Ok(());
    }
    match d
        .p2m
        .ioreq_reset_step(&hv.heap, first_gfn, || preempt.should_preempt())?
    {
        None => Ok(()),
        Some(next) => {
            data.opaque = next;
            Err(Errno::ERESTART)
        }
    }
}

/// ioreq.c `ioreq_server_map_mem_type` (see [`map_mem_type_to_ioreq_server`]).
fn ioreq_server_map_mem_type<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    caller: DomId,
    id: u16,
    r#type: u16,
    flags: u32,
) -> Result<(), Errno> {
    if u32::from(r#type) != HVMMEM_ioreq_server {
        return Err(Errno::EINVAL);
    }
    if flags & !XEN_DMOP_IOREQ_MEM_ACCESS_WRITE != 0 {
        return Err(Errno::EINVAL);
    }
    // Held across the p2m call as Xen holds the ioreq-server lock (domain 4 before p2m 16).
    let mut st = d.state();
    st.ioreq_servers.get_for_emulator(id, caller)?;
    if flags == 0 {
        d.p2m.unmap_ioreq_server(&hv.heap, u32::from(id))
    } else {
        d.p2m.map_ioreq_server(u32::from(id), flags)
    }
}

/// The p2m type of an HVMMEM_* value set_mem_type accepts (dm.c's `memtype[]` without
/// HVMMEM_unused).
fn p2m_type_of_hvmmem(mem_type: u16) -> Option<P2mType> {
    match u32::from(mem_type) {
        HVMMEM_ram_rw => Some(P2mType::RamRw),
        HVMMEM_ram_ro => Some(P2mType::RamRo),
        HVMMEM_mmio_dm => Some(P2mType::MmioDm),
        HVMMEM_ioreq_server => Some(P2mType::IoreqServer),
        _ => None,
    }
}

/// dm.c `set_mem_type`: `EINVAL` for an empty or wrapping range or one past the highest mapped gfn,
/// for HVMMEM_unused or an unknown type; to HVMMEM_ioreq_server `EOPNOTSUPP` without HAP and
/// `EINVAL` with no server mapped. Then xen-mm changes the frames (`allow_p2m_type_change`,
/// `EAGAIN` for paged or shared frames), asking for preemption every 256; when preempted,
/// `first_pfn` and `nr` are advanced past the frames done and the call continues.
fn set_mem_type<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    data: &mut xen_dm_op_set_mem_type,
    preempt: &mut impl Preempt,
) -> Result<(), Errno> {
    // xen_pfn_t arithmetic, wrapping as in C: nr == 0 makes last_pfn < first_pfn or huge.
    let last_pfn = data
        .first_pfn
        .wrapping_add(u64::from(data.nr))
        .wrapping_sub(1);
    let max_gpfn = d.p2m.max_mapped_pfn().unwrap_or(0);
    if data.first_pfn > last_pfn || last_pfn > max_gpfn {
        return Err(Errno::EINVAL);
    }
    let new = p2m_type_of_hvmmem(data.mem_type).ok_or(Errno::EINVAL)?;
    if new == P2mType::IoreqServer {
        if !hap_enabled(d) {
            return Err(Errno::EOPNOTSUPP);
        }
        // Do not change to HVMMEM_ioreq_server if no ioreq server is mapped.
        if d.p2m.ioreq_server().is_none() {
            return Err(Errno::EINVAL);
        }
    }
    let done = d
        .p2m
        .set_mem_type(&hv.heap, data.first_pfn, u64::from(data.nr), new, || {
            preempt.should_preempt()
        })?;
    match done {
        SetMemType::Done => Ok(()),
        SetMemType::Restart { first_pfn, nr } => {
            data.first_pfn = first_pfn;
            data.nr = u32::try_from(nr).map_err(|_| Errno::EINVAL)?;
            Err(Errno::ERESTART)
        }
    }
}

/// dm.c `modified_memory`: nothing unless log-dirty is on. Else `EINVAL` if buffer 1 is too small
/// for `nr_extents` extents (a missing buffer 1 counts as empty); extents are taken from the last
/// one down, each `EFAULT` if unreadable, `EINVAL` for a non-zero pad, an empty or wrapping range,
/// an end past the highest mapped gfn, or `opaque` (pfns of it already done) not below its `nr`.
/// Every gfn whose RAM, grant or foreign entry has a frame is marked dirty (`p2m_is_any_ram`). After each 256 pfns, if extents remain, preemption
/// may stop it: `nr_extents` and `opaque` say where to resume.
///
/// Differences: Xen's `get_page_from_gfn(.., P2M_UNSHARE)` would populate a populate-on-demand
/// gfn first; here such a gfn is skipped, as are gfns without a frame.
fn modified_memory<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    guest: &mut impl GuestMemory,
    args: &DmopArgs,
    header: &mut xen_dm_op_modified_memory,
    preempt: &mut impl Preempt,
) -> Result<(), Errno> {
    const EXTENTS_BUFFER: u32 = 1;
    const EXTENT_SIZE: u64 = core::mem::size_of::<xen_dm_op_modified_memory_extent>() as u64;
    let mut batch_rem_pfns = MODIFIED_MEMORY_BATCH;

    if !d.p2m.logdirty_enabled() {
        return Ok(());
    }
    if args.size(EXTENTS_BUFFER) / EXTENT_SIZE < u64::from(header.nr_extents) {
        return Err(Errno::EINVAL);
    }
    let max_gpfn = d.p2m.max_mapped_pfn().unwrap_or(0);
    while header.nr_extents > 0 {
        let offset = u64::from(header.nr_extents - 1) * EXTENT_SIZE;
        let extent: xen_dm_op_modified_memory_extent =
            copy_from_guest_buf_offset(guest, args, EXTENTS_BUFFER, offset)?;
        if extent.pad != 0 {
            return Err(Errno::EINVAL);
        }
        let mut end_pfn = extent.first_pfn.wrapping_add(u64::from(extent.nr));
        if end_pfn <= extent.first_pfn || end_pfn > max_gpfn {
            return Err(Errno::EINVAL);
        }
        if header.opaque >= extent.nr {
            return Err(Errno::EINVAL);
        }
        // Cannot wrap: opaque < nr and first_pfn + nr did not.
        let pfn = extent.first_pfn + u64::from(header.opaque);
        let mut batch_nr = extent.nr - header.opaque;
        if batch_nr > batch_rem_pfns {
            batch_nr = batch_rem_pfns;
            header.opaque += batch_nr;
            end_pfn = pfn + u64::from(batch_nr);
        } else {
            header.nr_extents -= 1;
            header.opaque = 0;
        }
        batch_rem_pfns -= batch_nr;

        for gfn in pfn..end_pfn {
            let found = d.p2m.get_entry(&hv.heap, Gfn(gfn));
            // get_page_from_gfn: RAM, grant and foreign entries with a frame.
            if found.mfn.is_some() && found.p2mt.is_any_ram() {
                d.p2m.mark_dirty(Gfn(gfn));
            }
        }

        // After a full batch, with extents left, check for continuation.
        if batch_rem_pfns == 0 && header.nr_extents > 0 {
            if preempt.should_preempt() {
                return Err(Errno::ERESTART);
            }
            batch_rem_pfns = MODIFIED_MEMORY_BATCH;
        }
    }
    Ok(())
}
