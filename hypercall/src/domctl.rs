//! XEN_DOMCTL_* (xen/common/domctl.c `do_domctl`, xen/arch/x86/domctl.c `arch_do_domctl`).
//!
//! Xen 4.17 (domctl interface 0x15) is the reference: its command order of checks is kept
//! (copy in, interface version, domain lookup, `xsm_domctl`, the command, copy back), and so are
//! its errnos. Where later Xen differs (getdomaininfo looking a domain up exactly, since 4.18), the
//! comment says so and 4.17 is followed.

use alloc::sync::Arc;
use alloc::vec::Vec;

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::abi::Payload;
use xen_public::arch_x86::xen::{
    XEN_X86_EMU_ALL, XEN_X86_EMU_LAPIC, XEN_X86_EMU_VPCI, XEN_X86_MSR_RELAXED,
};
use xen_public::domctl::*;
use xen_public::xen::DOMID_FIRST_RESERVED;
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::{Domain, DomainConfig, Life};
use crate::guest::{self, GuestMemory};
use crate::hvm_context;
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// Most vCPUs an HVM domain may have (Xen's `HVM_MAX_VCPUS`).
pub const HVM_MAX_VCPUS: u32 = 128;

/// The only CPU pool there is (cpupool 0, which every domain is in).
pub const CPUPOOLID_DEFAULT: u32 = 0;

/// Most toolstack pauses of one domain (`_domain_pause_by_systemcontroller`'s limit, which keeps
/// repeated hypercalls from overflowing the pause count).
pub const MAX_CONTROLLER_PAUSE_COUNT: u32 = 255;

/// `d->shutdown_code` of a domain that recorded no shutdown reason (`SHUTDOWN_CODE_INVALID`):
/// getdomaininfo reports it shifted into the flags, so bits 16-31 are all set.
pub const SHUTDOWN_CODE_INVALID: u32 = !0;

/// Most guest frames one CLEAN or PEEK may cover. Xen streams its log-dirty trie to the guest
/// with preemption; xen-mm's `log_dirty_op` builds the whole bitmap at once, so it is bounded
/// (2^28 frames, 1 TiB of guest-physical space, a 32 MiB bitmap) and larger requests get ENOMEM,
/// Xen's errno for a bitmap it cannot allocate.
pub const LOGDIRTY_MAX_PAGES: u64 = 1 << 28;

/// Whether two references name the same domain.
fn same_domain<Fmt: P2mFormat>(a: &Domain<Fmt>, b: &Domain<Fmt>) -> bool {
    a.domid() == b.domid()
}

/// XEN_DOMCTL_* for `call.caller`: `args[0]` is the guest handle of the `xen_domctl`.
pub fn do_domctl<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let u_domctl = GuestHandle::<xen_domctl>::new(args[0]);
    let mut op = guest::read(call.guest, u_domctl)?;

    if op.interface_version != XEN_DOMCTL_INTERFACE_VERSION {
        return Err(Errno::EACCES);
    }

    // The target, looked up by id before the privilege check, as Xen does (so a missing domain
    // is ESRCH even for an unprivileged caller). `rcu_lock_domain_by_id`: DOMID_SELF is no id.
    let d = match op.cmd {
        XEN_DOMCTL_createdomain => None,
        cmd => match hv.domains.get(op.domain) {
            Some(d) => Some(d),
            // 4.17: getdomaininfo then searches for the next domain (see below).
            None if cmd == XEN_DOMCTL_getdomaininfo => None,
            None => return Err(Errno::ESRCH),
        },
    };

    xsm_domctl(call.caller, d.as_deref(), op.cmd)?;

    let mut copyback = false;
    let ret = match op.cmd {
        XEN_DOMCTL_createdomain => createdomain(hv, &mut op, &mut copyback),
        XEN_DOMCTL_getdomaininfo => getdomaininfo_op(hv, d, &mut op, &mut copyback),
        cmd => {
            // Every other command has a target (looked up above).
            let Some(d) = d else {
                return Err(Errno::ESRCH);
            };
            match cmd {
                XEN_DOMCTL_destroydomain => destroydomain(hv, call, &d),
                XEN_DOMCTL_pausedomain => pausedomain(call.caller, &d),
                XEN_DOMCTL_unpausedomain => unpausedomain(hv, &d),
                XEN_DOMCTL_max_vcpus => max_vcpus(call.caller, &d, &op),
                XEN_DOMCTL_max_mem => max_mem(&d, &op),
                XEN_DOMCTL_gethvmcontext => {
                    // arch_do_domctl copies the op back on every path (`gethvmcontext_out`).
                    copyback = true;
                    gethvmcontext(hv, call, &d, &mut op)
                }
                XEN_DOMCTL_sethvmcontext => sethvmcontext(call, &d, &op),
                XEN_DOMCTL_getvcpuinfo => getvcpuinfo(&d, &mut op, &mut copyback),
                XEN_DOMCTL_shadow_op => {
                    // arch_do_domctl copies the op back whatever paging_domctl returned, except
                    // when it left a continuation.
                    let ret = shadow_op(hv, call, &d, &mut op);
                    copyback = ret != Err(Errno::ERESTART);
                    ret
                }
                _ => Err(Errno::ENOSYS),
            }
        }
    };

    // `if ( copyback && __copy_to_guest(u_domctl, op, 1) ) ret = -EFAULT;`
    if copyback && guest::write(call.guest, u_domctl, &op).is_err() {
        return Err(Errno::EFAULT);
    }
    ret.map(|()| Outcome::Return(0))
}

/// The dummy policy's `xsm_domctl` (xen/include/xsm/dummy.h, 4.17): getdomaininfo is
/// `XSM_XS_PRIV` (the control domain, or a xenstore domain), everything else here `XSM_PRIV`.
fn xsm_domctl<Fmt: P2mFormat>(
    caller: &Domain<Fmt>,
    d: Option<&Domain<Fmt>>,
    cmd: u32,
) -> Result<(), Errno> {
    if cmd == XEN_DOMCTL_getdomaininfo
        && caller.state().config.flags & XEN_DOMCTL_CDF_xs_domain != 0
    {
        return Ok(());
    }
    policy::check(XsmAction::Priv, caller, d)
}

/// XEN_DOMCTL_createdomain (do_domctl, then common/domain.c `domain_create`): picks the domain id
/// and writes it back to the caller's `domain` field.
fn createdomain<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    op: &mut xen_domctl,
    copyback: &mut bool,
) -> Result<(), Errno> {
    let cfg: xen_domctl_createdomain = op.get().ok_or(Errno::EINVAL)?;

    // An id in 1..DOMID_FIRST_RESERVED is asked for by the caller: EEXIST if taken. 0 or a
    // reserved id means "pick one": the table's rover continues after the last id handed out,
    // wrapping to 1 (Xen's `rover` loop; ENOMEM when every id is taken).
    let dom = op.domain;
    let domid = if dom > 0 && dom < DOMID_FIRST_RESERVED {
        if hv.domains.get(dom).is_some() {
            return Err(Errno::EEXIST);
        }
        Some(dom)
    } else {
        None
    };

    // Xen advances its rover before domain_create() can fail on a bad configuration; here the
    // configuration is checked first, so a refused request leaves the rover where it was.
    let config = sanitise_domain_config(&cfg)?;
    arch_domain_create_check(&cfg)?;
    // domain_create -> sched_init_domain -> cpupool_add_domain (after arch_domain_create): a
    // pool that does not exist is ESRCH.
    if cfg.cpupool_id != CPUPOOLID_DEFAULT {
        return Err(Errno::ESRCH);
    }

    let d = hv.create_domain(domid, config)?;
    op.domain = d.domid();
    *copyback = true;
    Ok(())
}

/// Xen's `sanitise_domain_config` (common/domain.c) followed by x86 `arch_sanitise_domain_config`
/// (arch/x86/domain.c), 4.17, for what xen-rs offers: HVM guests with HAP (no PV, no shadow
/// paging, no IOMMU, vmtrace, vPMU, tboot or nested virtualisation).
fn sanitise_domain_config(cfg: &xen_domctl_createdomain) -> Result<DomainConfig, Errno> {
    let flags = cfg.flags;
    let hvm = flags & XEN_DOMCTL_CDF_hvm != 0;
    let hap = flags & XEN_DOMCTL_CDF_hap != 0;
    let iommu = flags & XEN_DOMCTL_CDF_iommu != 0;
    let vpmu = flags & XEN_DOMCTL_CDF_vpmu != 0;
    let nested_virt = flags & XEN_DOMCTL_CDF_nested_virt != 0;

    // Unknown CDF flags.
    let known = XEN_DOMCTL_CDF_hvm
        | XEN_DOMCTL_CDF_hap
        | XEN_DOMCTL_CDF_s3_integrity
        | XEN_DOMCTL_CDF_oos_off
        | XEN_DOMCTL_CDF_xs_domain
        | XEN_DOMCTL_CDF_iommu
        | XEN_DOMCTL_CDF_nested_virt
        | XEN_DOMCTL_CDF_vpmu;
    if flags & !known != 0 {
        return Err(Errno::EINVAL);
    }
    if cfg.grant_opts & !XEN_DOMCTL_GRANT_version_mask != 0 {
        return Err(Errno::EINVAL);
    }
    // "No vCPUS".
    if cfg.max_vcpus < 1 {
        return Err(Errno::EINVAL);
    }
    // "HAP requested for non-HVM guest".
    if hap && !hvm {
        return Err(Errno::EINVAL);
    }
    if iommu {
        // Unknown IOMMU options are checked first, then "IOMMU requested but not available".
        return Err(Errno::EINVAL);
    }
    if cfg.iommu_opts != 0 {
        // "IOMMU options specified but IOMMU not requested".
        return Err(Errno::EINVAL);
    }
    // "vmtrace requested but not available", "vpmu requested but cannot be enabled this way".
    if cfg.vmtrace_size != 0 || vpmu {
        return Err(Errno::EINVAL);
    }

    // arch_sanitise_domain_config: "PV support not available" (xen-rs runs HVM guests only).
    if !hvm {
        return Err(Errno::EINVAL);
    }
    if cfg.max_vcpus > HVM_MAX_VCPUS {
        return Err(Errno::EINVAL);
    }
    // "S3 integrity check not valid without CONFIG_TBOOT".
    if flags & XEN_DOMCTL_CDF_s3_integrity != 0 {
        return Err(Errno::EINVAL);
    }
    // "Shadow paging requested but not available".
    if !hap {
        return Err(Errno::EINVAL);
    }
    // "Nested virt not supported without HAP"; with HAP it is not offered either (deviation:
    // Xen would accept it on hardware that supports it).
    if nested_virt {
        return Err(Errno::EINVAL);
    }
    // "Invalid arch misc flags".
    if cfg.arch.misc_flags & !XEN_X86_MSR_RELAXED != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(DomainConfig {
        flags,
        max_vcpus: cfg.max_vcpus,
        ssidref: cfg.ssidref,
        handle: cfg.handle,
        emulation_flags: cfg.arch.emulation_flags,
        is_privileged: false,
        max_evtchn_port: cfg.max_evtchn_port,
    })
}

/// The emulation checks of x86 `arch_domain_create` and `emulation_flags_ok` (4.17) for an HVM
/// domain that is not the hardware domain (domctl never creates domain 0): unknown bits are
/// EINVAL; the set must be a full HVM guest's (everything but vPCI) or a PVH guest's (the local
/// APIC only), else EOPNOTSUPP.
fn arch_domain_create_check(cfg: &xen_domctl_createdomain) -> Result<(), Errno> {
    let emflags = cfg.arch.emulation_flags;
    if emflags & !XEN_X86_EMU_ALL != 0 {
        return Err(Errno::EINVAL);
    }
    if emflags != (XEN_X86_EMU_ALL & !XEN_X86_EMU_VPCI) && emflags != XEN_X86_EMU_LAPIC {
        return Err(Errno::EOPNOTSUPP);
    }
    Ok(())
}

/// Xen's `getdomaininfo` (common/domctl.c) with x86 `arch_get_domain_info`: what the toolstack
/// sees of `d`. Also the entries of XEN_SYSCTL_getdomaininfolist.
///
/// Run-state bits (XEN_DOMINF_blocked, _running) and CPU time are not reported: the portable
/// layer has no scheduler state. `nr_online_vcpus` counts the vCPUs XEN_DOMCTL_max_vcpus brought
/// up (there is no per-vCPU down state here). `ssidref` is 0, as the dummy XSM policy leaves it.
pub fn getdomaininfo<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
) -> xen_domctl_getdomaininfo {
    let outstanding_pages = hv.heap.outstanding_pages(&d.mem);
    let tot_pages = d.mem.tot_pages();
    let max_pages = d.mem.max_pages();
    // Guest-physical address width: what the p2m maps (gfns up to max_gfn, 4 KiB frames).
    let gpaddr_bits = 64u32
        .saturating_sub(d.p2m.max_gfn().leading_zeros())
        .saturating_add(12);
    let gpaddr_bits = u8::try_from(gpaddr_bits).unwrap_or(u8::MAX);

    let st = d.state();
    let hvm = st.config.flags & XEN_DOMCTL_CDF_hvm != 0;
    let nr_online_vcpus = st.vcpus;
    let mut flags = 0u32;
    // 4.17 reports `dying` only once the domain is dead (DOMDYING_dead); xen-rs drops dead
    // domains from the table, so only a reference held across the kill can see it.
    if st.life == Life::Dead {
        flags |= XEN_DOMINF_dying;
    }
    if st.is_shutting_down {
        flags |= XEN_DOMINF_shutdown;
    }
    if st.controller_pause_count > 0 {
        flags |= XEN_DOMINF_paused;
    }
    if st.config.flags & XEN_DOMCTL_CDF_xs_domain != 0 {
        flags |= XEN_DOMINF_xs_domain;
    }
    // `d->shutdown_code << XEN_DOMINF_shutdownshift`, SHUTDOWN_CODE_INVALID when none.
    flags |= st
        .shutdown_code
        .unwrap_or(SHUTDOWN_CODE_INVALID)
        .wrapping_shl(XEN_DOMINF_shutdownshift);
    if hvm {
        flags |= XEN_DOMINF_hvm_guest;
    }
    if st.config.flags & XEN_DOMCTL_CDF_hap != 0 {
        flags |= XEN_DOMINF_hap;
    }

    // `mfn_to_gfn(d, shared_info's mfn)`: for a translated guest the gfn it mapped the page at,
    // else INVALID_M2P_ENTRY (~0); for others the mfn itself.
    let shared_info_frame = if hvm {
        st.shared_info_gfn.map_or(u64::MAX, |g| g.0)
    } else {
        d.shared_info.0
    };

    let mut info = xen_domctl_getdomaininfo {
        domain: d.domid(),
        flags,
        tot_pages,
        max_pages,
        outstanding_pages,
        shared_info_frame,
        nr_online_vcpus,
        max_vcpu_id: nr_online_vcpus
            .checked_sub(1)
            .unwrap_or(XEN_INVALID_MAX_VCPU_ID),
        handle: st.config.handle,
        gpaddr_bits,
        // ssidref (0 under the dummy XSM policy) and cpupool (CPUPOOLID_DEFAULT, pool 0).
        ..Default::default()
    };
    info.arch_config.emulation_flags = st.config.emulation_flags;
    info
}

/// XEN_DOMCTL_getdomaininfo, 4.17: the domain named, or else the first one with a higher id
/// (EINVAL for a reserved id, ESRCH if there is none). 4.18 changed this to an exact lookup.
fn getdomaininfo_op<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: Option<Arc<Domain<Fmt>>>,
    op: &mut xen_domctl,
    copyback: &mut bool,
) -> Result<(), Errno> {
    let d = match d {
        Some(d) => d,
        None => {
            if op.domain >= DOMID_FIRST_RESERVED {
                return Err(Errno::EINVAL);
            }
            hv.domains
                .list_from(op.domain, 1)
                .into_iter()
                .next()
                .ok_or(Errno::ESRCH)?
        }
    };
    // xsm_getdomaininfo is XSM_HOOK: always allowed.
    let info = getdomaininfo(hv, &d);
    op.set(&info);
    op.domain = info.domain;
    *copyback = true;
    Ok(())
}

/// XEN_DOMCTL_destroydomain (`domain_kill`): preemptible, ERESTART becomes a continuation. A
/// domain cannot destroy itself (EINVAL), which also keeps dom0 from destroying itself.
fn destroydomain<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    d: &Arc<Domain<Fmt>>,
) -> Result<(), Errno> {
    if same_domain(d, call.caller) {
        return Err(Errno::EINVAL);
    }
    let preempt = &mut *call.preempt;
    hv.kill_domain(d, || preempt.should_preempt())
}

/// XEN_DOMCTL_pausedomain (`domain_pause_by_systemcontroller`): EINVAL for the caller itself (it
/// cannot wait for its own vCPUs to stop), EOVERFLOW beyond 255 pauses.
fn pausedomain<Fmt: P2mFormat>(caller: &Domain<Fmt>, d: &Domain<Fmt>) -> Result<(), Errno> {
    if same_domain(d, caller) {
        return Err(Errno::EINVAL);
    }
    let mut st = d.state();
    let new = st
        .controller_pause_count
        .checked_add(1)
        .filter(|&n| n <= MAX_CONTROLLER_PAUSE_COUNT)
        .ok_or(Errno::EOVERFLOW)?;
    st.controller_pause_count = new;
    Ok(())
}

/// XEN_DOMCTL_unpausedomain (`domain_unpause_by_systemcontroller`): EINVAL when not paused; the
/// first time the count reaches zero, creation is finished.
fn unpausedomain<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
) -> Result<(), Errno> {
    let mut st = d.state();
    let new = st
        .controller_pause_count
        .checked_sub(1)
        .ok_or(Errno::EINVAL)?;
    st.controller_pause_count = new;
    if new == 0 {
        st.creation_finished = true;
        // The scheduler picks up the vCPUs it can now run.
        hv.unpauses
            .fetch_add(1, core::sync::atomic::Ordering::SeqCst);
    }
    Ok(())
}

/// XEN_DOMCTL_max_vcpus: brings up the vCPUs createdomain sized. EINVAL for the caller itself or
/// a count other than createdomain's `max_vcpus`.
fn max_vcpus<Fmt: P2mFormat>(
    caller: &Domain<Fmt>,
    d: &Domain<Fmt>,
    op: &xen_domctl,
) -> Result<(), Errno> {
    let max = op.get::<xen_domctl_max_vcpus>().ok_or(Errno::EINVAL)?.max;
    if same_domain(d, caller) {
        return Err(Errno::EINVAL);
    }
    let mut st = d.state();
    if max != st.config.max_vcpus {
        return Err(Errno::EINVAL);
    }
    st.vcpus = max;
    Ok(())
}

/// XEN_DOMCTL_max_mem: the limit in KiB becomes pages (rounded down), capped at what Xen's
/// 32-bit `d->max_pages` holds. It may go below what the domain has: it then can only shrink.
fn max_mem<Fmt: P2mFormat>(d: &Domain<Fmt>, op: &xen_domctl) -> Result<(), Errno> {
    let max_memkb = op
        .get::<xen_domctl_max_mem>()
        .ok_or(Errno::EINVAL)?
        .max_memkb;
    // PAGE_SHIFT - 10: KiB to 4 KiB pages.
    let new_max = max_memkb >> 2;
    d.mem.set_max_pages(new_max.min(u64::from(u32::MAX)));
    Ok(())
}

/// XEN_DOMCTL_shadow_op: x86 `paging_domctl` and, for the rest, `hap_domctl` (every xen-rs
/// domain uses HAP). The op is updated in place for the copy back.
fn shadow_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    d: &Domain<Fmt>,
    op: &mut xen_domctl,
) -> Result<(), Errno> {
    let mut sc: xen_domctl_shadow_op = op.get().ok_or(Errno::EINVAL)?;

    // "Tried to do a paging op on itself."
    if same_domain(d, call.caller) {
        return Err(Errno::EINVAL);
    }
    // "Ignoring paging op on dying domain": succeeds without doing anything.
    if d.life() != Life::Alive {
        return Ok(());
    }
    // "Paging op on a domain with no vcpus" (before XEN_DOMCTL_max_vcpus).
    if d.state().vcpus == 0 {
        return Err(Errno::EINVAL);
    }

    let frames = hv.heap.frames();
    let ret = match sc.op {
        XEN_DOMCTL_SHADOW_OP_ENABLE if sc.mode & XEN_DOMCTL_SHADOW_ENABLE_LOG_DIRTY == 0 => {
            // hap_domctl: shadow modes other than log-dirty do not exist under HAP.
            Err(Errno::EINVAL)
        }
        XEN_DOMCTL_SHADOW_OP_ENABLE | XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY => {
            // paging_log_dirty_enable: EINVAL if already on; hap_enable_log_dirty: EBUSY while
            // ioreq_server pages exist (both from xen-mm).
            d.p2m.enable_logdirty(frames)
        }
        XEN_DOMCTL_SHADOW_OP_OFF => {
            // paging_log_dirty_disable (nothing to do if it is off), then hap_domctl's OFF: 0.
            d.p2m.disable_logdirty(frames);
            Ok(())
        }
        XEN_DOMCTL_SHADOW_OP_CLEAN | XEN_DOMCTL_SHADOW_OP_PEEK => {
            if sc.mode & !XEN_DOMCTL_SHADOW_LOGDIRTY_FINAL != 0 {
                Err(Errno::EINVAL)
            } else {
                log_dirty_op(call.guest, d, frames, &mut sc)
            }
        }
        XEN_DOMCTL_SHADOW_OP_GET_ALLOCATION => {
            sc.mb = hap_get_allocation(d);
            Ok(())
        }
        // The p2m takes its tables from the domain heap as it needs them: there is no paging
        // pool to size (deviation: Xen resizes it, preemptibly).
        XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION => Err(Errno::EOPNOTSUPP),
        // "Bad hap domctl op".
        _ => Err(Errno::EINVAL),
    };
    op.set(&sc);
    ret
}

/// XEN_DOMCTL_gethvmcontext (4.17 xen/arch/x86/domctl.c `arch_do_domctl`, then
/// xen/arch/x86/hvm/save.c `hvm_save_size` / `hvm_save`): EINVAL for the caller itself or a
/// non-HVM domain; with a null buffer, the size needed comes back in `size`; ENOSPC if `size` is
/// below it; else the image is written and `size` becomes the bytes used (the whole buffer of
/// `hvm_save_size` bytes is copied out, as Xen does, zero past the image). A dying domain is
/// EINVAL (`hvm_save`), with `size` 0. Only CPU and MTRR records are emitted (see
/// [`crate::hvm_context`]).
fn gethvmcontext<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    d: &Domain<Fmt>,
    op: &mut xen_domctl,
) -> Result<(), Errno> {
    let mut ctx: xen_domctl_hvmcontext = op.get().ok_or(Errno::EINVAL)?;
    // "no domain_pause()" of the caller itself.
    if same_domain(d, call.caller) || !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    let changeset = hvm_context::header_changeset(&hv.info.changeset);
    let (size, image) = {
        let st = d.state();
        let size = hvm_context::save_size(st.vcpus);
        if ctx.buffer.is_null() {
            // "Client is querying for the correct buffer size".
            ctx.size = size;
            op.set(&ctx);
            return Ok(());
        }
        if ctx.size < size {
            return Err(Errno::ENOSPC);
        }
        let image = if st.life == Life::Alive {
            Some(hvm_context::save(d, &st, changeset))
        } else {
            None
        };
        (size, image)
    };
    let len = usize::try_from(size).map_err(|_| Errno::ENOMEM)?;
    let (ret, buf) = match image {
        Some(image) => {
            ctx.size = u32::try_from(image.len()).map_err(|_| Errno::ENOMEM)?;
            (Ok(()), hvm_context::padded(&image, len))
        }
        // hvm_save: `if ( d->is_dying ) return -EINVAL;` before writing anything.
        None => {
            ctx.size = 0;
            (Err(Errno::EINVAL), hvm_context::padded(&[], len))
        }
    };
    op.set(&ctx);
    if call.guest.copy_to_guest(ctx.buffer.addr(), &buf).is_err() {
        return Err(Errno::EFAULT);
    }
    ret
}

/// XEN_DOMCTL_sethvmcontext (4.17 xen/arch/x86/domctl.c `arch_do_domctl`, then
/// xen/arch/x86/hvm/save.c `hvm_load`): EINVAL for the caller itself or a non-HVM domain, ENOMEM
/// for a buffer larger than [`hvm_context::HVM_CONTEXT_MAX_BYTES`] (Xen's failing `xmalloc`),
/// EFAULT if it cannot be read, then the image is loaded (see [`hvm_context::load`] for the
/// record rules); a dying domain is EINVAL. Xen pauses the domain around the load itself;
/// xen-rs cannot rewrite a running vCPU's registers from this layer, so it requires the
/// toolstack's pause instead and refuses an unpaused domain with EBUSY (deviation).
fn sethvmcontext<Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    d: &Domain<Fmt>,
    op: &xen_domctl,
) -> Result<(), Errno> {
    let ctx: xen_domctl_hvmcontext = op.get().ok_or(Errno::EINVAL)?;
    if same_domain(d, call.caller) || !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    if ctx.size > hvm_context::HVM_CONTEXT_MAX_BYTES {
        return Err(Errno::ENOMEM);
    }
    let len = usize::try_from(ctx.size).map_err(|_| Errno::ENOMEM)?;
    let data = guest::read_bytes(call.guest, ctx.buffer.addr(), len).map_err(|_| Errno::EFAULT)?;
    let st = d.state();
    // hvm_load: `if ( d->is_dying ) return -EINVAL;`
    if st.life != Life::Alive {
        return Err(Errno::EINVAL);
    }
    if st.controller_pause_count == 0 {
        return Err(Errno::EBUSY);
    }
    hvm_context::load(d, &st, &data)
}

/// XEN_DOMCTL_getvcpuinfo (4.17 xen/common/domctl.c `do_domctl`): EINVAL for a vCPU at or above
/// `max_vcpus`, ESRCH for one not created yet; `online` is whether the vCPU is up (`VPF_down`
/// clear, see [`crate::hvm_context::HvmVcpuState::online`]). `blocked`, `running`, `cpu_time`
/// and `cpu` are scheduler state the portable layer does not have: reported as 0.
fn getvcpuinfo<Fmt: P2mFormat>(
    d: &Domain<Fmt>,
    op: &mut xen_domctl,
    copyback: &mut bool,
) -> Result<(), Errno> {
    let mut info: xen_domctl_getvcpuinfo = op.get().ok_or(Errno::EINVAL)?;
    let st = d.state();
    if info.vcpu >= st.config.max_vcpus {
        return Err(Errno::EINVAL);
    }
    let v = d.hvm_vcpu_locked(&st, info.vcpu).ok_or(Errno::ESRCH)?;
    info.online = u8::from(v.online);
    info.blocked = 0;
    info.running = 0;
    info.cpu_time = 0;
    info.cpu = 0;
    op.set(&info);
    *copyback = true;
    Ok(())
}

/// `hap_get_allocation`: the paging memory in MiB, rounded up (the p2m's tables here).
fn hap_get_allocation<Fmt: P2mFormat>(d: &Domain<Fmt>) -> u32 {
    // 256 4 KiB frames per MiB.
    let mb = d.p2m.table_frames().div_ceil(256);
    u32::try_from(mb).unwrap_or(u32::MAX)
}

/// `paging_log_dirty_op`: the statistics, and the dirty bitmap of gfns `[0, pages)` copied to
/// `dirty_bitmap` (unless it is null); CLEAN also clears both. Log-dirty mode being off is EINVAL
/// (xen-mm's rule).
///
/// Deviation: 4.17 walks (preemptibly) the whole range asked for, writing zeroes where nothing
/// was logged. Here the range stops at the domain's highest gfn (`domain_get_maximum_gpfn() + 1`,
/// as the proposed "x86/paging: supply more useful log-dirty page count" does): nothing above it
/// can be dirty, and `pages` comes back as the count covered, so the bitmap xen-mm builds at
/// once stays bounded by what the domain maps.
fn log_dirty_op<Fmt: P2mFormat>(
    guest: &mut impl GuestMemory,
    d: &Domain<Fmt>,
    frames: &impl FrameAccess,
    sc: &mut xen_domctl_shadow_op,
) -> Result<(), Errno> {
    let clean = sc.op == XEN_DOMCTL_SHADOW_OP_CLEAN;
    let max_gpfn = d.p2m.max_mapped_pfn().unwrap_or(0);
    let pages = sc.pages.min(max_gpfn.saturating_add(1));
    if pages > LOGDIRTY_MAX_PAGES {
        return Err(Errno::ENOMEM);
    }
    let (bitmap, stats) = d.p2m.log_dirty_op(frames, pages, clean)?;
    sc.stats.fault_count = u32::try_from(stats.fault_count).unwrap_or(u32::MAX);
    sc.stats.dirty_count = u32::try_from(stats.dirty_count).unwrap_or(u32::MAX);
    if !sc.dirty_bitmap.is_null() {
        copy_bitmap_to_guest(guest, sc.dirty_bitmap, &bitmap, pages.div_ceil(8))?;
    }
    sc.pages = pages;
    Ok(())
}

/// Copies the first `nbytes` bytes of `bitmap` (64 gfns per word, lowest gfn in bit 0 of byte 0)
/// to the guest buffer, eight bytes at a time.
fn copy_bitmap_to_guest(
    guest: &mut impl GuestMemory,
    buffer: GuestHandle<u8>,
    bitmap: &[u64],
    nbytes: u64,
) -> Result<(), Errno> {
    let words = GuestHandle::<[u8; 8]>::new(buffer.addr());
    let mut written = 0u64;
    for (i, word) in (0u64..).zip(bitmap) {
        let bytes = word.to_le_bytes();
        let left = nbytes.saturating_sub(written);
        if left >= 8 {
            guest::write_at(guest, words, i, &bytes)?;
            written += 8;
        } else {
            let tail: Vec<u8> = bytes.iter().copied().take(left as usize).collect();
            for (j, b) in (written..).zip(tail) {
                guest::write_at(guest, buffer, j, &b)?;
            }
            break;
        }
    }
    Ok(())
}
