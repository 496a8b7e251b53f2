//! HVMOP_* (xen/arch/x86/hvm/hvm.c `do_hvm_op`), as Xen 4.17 has them: HVMOP_set_param,
//! HVMOP_get_param, HVMOP_get_mem_type and HVMOP_set_evtchn_upcall_vector. Every other op is `ENOSYS` here (Xen implements more,
//! but they need vCPU, interrupt or tracing machinery xen-rs does not have yet).
//!
//! Parameters are plain values in [`DomainState::hvm_params`](crate::domain::DomainState); the
//! side effects Xen attaches to some (callback routing, S3 suspend, VMCS updates for the identity
//! page table, port relocation, ioreq gfn pools) are not modelled, but every check Xen makes before
//! accepting a value is.

use alloc::sync::Arc;

use xen_mm::errno::Errno;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::types::P2mType;
use xen_public::arch_x86::xen::XEN_X86_EMU_PM;
use xen_public::domctl::XEN_DOMCTL_CDF_nested_virt;
use xen_public::hvm::hvm_op::{
    xen_hvm_evtchn_upcall_vector, xen_hvm_get_mem_type, xen_hvm_pagetable_dying, xen_hvm_param,
    HVMMEM_ioreq_server, HVMMEM_mmio_dm, HVMMEM_ram_ro, HVMMEM_ram_rw, HVMOP_get_mem_type,
    HVMOP_get_param, HVMOP_pagetable_dying, HVMOP_set_evtchn_upcall_vector, HVMOP_set_param,
};
use xen_public::hvm::params::*;
use xen_public::sched::SHUTDOWN_MAX;
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// Marks a VM86 TSS value the vCPUs have not picked up yet (xen/arch/x86/include/asm/hvm/domain.h).
pub const VM86_TSS_UPDATED: u64 = 1 << 63;
/// `sizeof(struct tss32)`: the smallest VM86 TSS Xen accepts.
pub const TSS32_SIZE: u64 = 104;
/// The largest useful VM86 TSS: the base structure, a 256-bit interrupt redirection bitmap, a
/// 64k-bit I/O bitmap and a padding byte (hvm.c caps HVM_PARAM_VM86_TSS_SIZED at it).
pub const VM86_TSS_MAX_SIZE: u64 = TSS32_SIZE + 0x100 / 8 + 0x10000 / 8 + 1;
/// Pages an ioreq gfn pool may have: the bits of `d->ioreq_gfn.mask` (an `unsigned long`).
pub const MAX_NR_IOREQ_SERVER_PAGES: u64 = 64;

/// HVMOP_* for `call.caller`: `args[0]` is the op, `args[1]` its argument's guest address.
pub fn do_hvm_op<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let [op, arg, ..] = args;
    let rc = match u32::try_from(op) {
        Ok(HVMOP_set_param) => hvmop_set_param(hv, call, GuestHandle::new(arg)),
        Ok(HVMOP_get_param) => hvmop_get_param(hv, call, GuestHandle::new(arg)),
        Ok(HVMOP_get_mem_type) => hvmop_get_mem_type(hv, call, GuestHandle::new(arg)),
        Ok(HVMOP_set_evtchn_upcall_vector) => {
            hvmop_set_evtchn_upcall_vector(call, GuestHandle::new(arg))
        }
        Ok(HVMOP_pagetable_dying) => hvmop_pagetable_dying(hv, call, GuestHandle::new(arg)),
        _ => Err(Errno::ENOSYS),
    };
    rc.map(|()| Outcome::Return(0))
}

/// hvm.c `hvmop_set_evtchn_upcall_vector`: the calling domain's vCPU `vcpu` takes its upcalls
/// on `vector` from now on. `EFAULT`, then `EINVAL` for a vector below 0x10 (the exceptions),
/// then `ENOENT` for a vCPU the domain does not have. The upcall is then raised on the new
/// vector whether or not one is flagged (`hvm_assert_evtchn_irq`): a spurious one at worst.
fn hvmop_set_evtchn_upcall_vector<Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    call: &mut Call<'_, Fmt, G, P>,
    arg: GuestHandle<xen_hvm_evtchn_upcall_vector>,
) -> Result<(), Errno> {
    let d = call.caller;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    let op = guest::read(call.guest, arg)?;
    if op.vector < 0x10 {
        return Err(Errno::EINVAL);
    }
    let v = d.vcpu(op.vcpu).ok_or(Errno::ENOENT)?;
    v.set_upcall_vector(op.vector);
    v.assert_evtchn_irq();
    Ok(())
}

/// hvm.c `hvmop_set_param`: `EFAULT`, then `EINVAL` for an index past HVM_NR_PARAMS, `ESRCH`
/// for an unknown domain (DOMID_SELF is the caller), `EINVAL` for a non-HVM one.
fn hvmop_set_param<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    arg: GuestHandle<xen_hvm_param>,
) -> Result<(), Errno> {
    let a = guest::read(call.guest, arg)?;
    if a.index >= HVM_NR_PARAMS {
        return Err(Errno::EINVAL);
    }
    let d = hv
        .domain_by_any_id(call.caller, a.domid)
        .ok_or(Errno::ESRCH)?;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    hvm_set_param(call.caller, &d, a.index, a.value)
}

/// hvm.c `hvmop_get_param`: as set, then the value is copied back in the same struct.
fn hvmop_get_param<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    arg: GuestHandle<xen_hvm_param>,
) -> Result<(), Errno> {
    let mut a = guest::read(call.guest, arg)?;
    if a.index >= HVM_NR_PARAMS {
        return Err(Errno::EINVAL);
    }
    let d = hv
        .domain_by_any_id(call.caller, a.domid)
        .ok_or(Errno::ESRCH)?;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    a.value = hvm_get_param(call.caller, &d, a.index)?;
    guest::write(call.guest, arg, &a)
}

/// Parameters Xen no longer accepts either way (`hvm_allow_{set,get}_param`'s deprecated list).
/// Xen 4.17 answers `EINVAL` for them, whoever asks (recorded by the conformance suite:
/// tests/conformance/xen-4.17.txt, `hvm_op.get_param.pae_enabled` and friends).
fn deprecated(index: u32) -> bool {
    matches!(
        index,
        HVM_PARAM_PAE_ENABLED
            | HVM_PARAM_DM_DOMAIN
            | HVM_PARAM_MEMORY_EVENT_CR0
            | HVM_PARAM_MEMORY_EVENT_CR3
            | HVM_PARAM_MEMORY_EVENT_CR4
            | HVM_PARAM_MEMORY_EVENT_INT3
            | HVM_PARAM_NESTEDHVM
            | HVM_PARAM_MEMORY_EVENT_SINGLE_STEP
            | HVM_PARAM_BUFIOREQ_EVTCHN
            | HVM_PARAM_MEMORY_EVENT_MSR
    )
}

/// The value of parameter `index` (`index < HVM_NR_PARAMS`, checked by the callers).
fn param<Fmt: P2mFormat>(d: &Domain<Fmt>, index: u32) -> u64 {
    let st = d.state();
    usize::try_from(index)
        .ok()
        .and_then(|i| st.hvm_params.get(i).copied())
        .unwrap_or(0)
}

/// hvm.c `hvm_allow_set_param`: XSM_TARGET (the domain itself, its device model or the control
/// domain); `EINVAL` for deprecated parameters; `EPERM` when a domain sets one of its own
/// parameters that only the toolstack may set; `EEXIST` when a one-shot parameter that is already
/// set would change.
fn hvm_allow_set_param<Fmt: P2mFormat>(
    caller: &Arc<Domain<Fmt>>,
    d: &Arc<Domain<Fmt>>,
    index: u32,
    new_value: u64,
) -> Result<(), Errno> {
    policy::check(XsmAction::Target, caller, Some(d))?;
    match index {
        // The following parameters can be set by the guest.
        HVM_PARAM_CALLBACK_IRQ
        | HVM_PARAM_VM86_TSS
        | HVM_PARAM_VM86_TSS_SIZED
        | HVM_PARAM_ACPI_IOPORTS_LOCATION
        | HVM_PARAM_VM_GENERATION_ID_ADDR
        | HVM_PARAM_STORE_EVTCHN
        | HVM_PARAM_CONSOLE_EVTCHN
        | HVM_PARAM_X87_FIP_WIDTH => {}
        i if deprecated(i) => return Err(Errno::EINVAL),
        // HVM_PARAM_IDENT_PT and HVM_PARAM_ACPI_S_STATE (the domain may need pausing) and the
        // rest are for the toolstack only.
        _ => {
            if caller.domid() == d.domid() {
                return Err(Errno::EPERM);
            }
        }
    }
    match index {
        // The following parameters should only be changed once.
        HVM_PARAM_VIRIDIAN
        | HVM_PARAM_IOREQ_PFN
        | HVM_PARAM_BUFIOREQ_PFN
        | HVM_PARAM_IOREQ_SERVER_PFN
        | HVM_PARAM_NR_IOREQ_SERVER_PAGES
        | HVM_PARAM_ALTP2M
        | HVM_PARAM_MCA_CAP => {
            let value = param(d, index);
            if value != 0 && new_value != value {
                return Err(Errno::EEXIST);
            }
        }
        _ => {}
    }
    Ok(())
}

/// hvm.c `hvm_set_param`: [`hvm_allow_set_param`], then the per-parameter value checks; the value
/// is stored only if all pass.
///
/// Skipped (no machinery yet): routing the event callback (`hvm_set_callback_via`, which never
/// fails), updating the VMCSs for HVM_PARAM_IDENT_PT under the domctl lock, S3 suspend/resume for
/// HVM_PARAM_ACPI_S_STATE, relocating the PM timer ports, filling the ioreq gfn pools, and crashing
/// a domain that passes a bad VM86 TSS for itself (it gets `EINVAL` only).
pub fn hvm_set_param<Fmt: P2mFormat>(
    caller: &Arc<Domain<Fmt>>,
    d: &Arc<Domain<Fmt>>,
    index: u32,
    value: u64,
) -> Result<(), Errno> {
    if index >= HVM_NR_PARAMS {
        return Err(Errno::EINVAL);
    }
    hvm_allow_set_param(caller, d, index, value)?;
    if !value_in_range(index, value) {
        return Err(Errno::EINVAL);
    }
    let (mut index, mut value) = (index, value);
    // (hvm.c also has a case for HVM_PARAM_DM_DOMAIN, unreachable behind the deprecated list.)
    match index {
        HVM_PARAM_ACPI_IOPORTS_LOCATION => pmtimer_change_ioport(d, value)?,
        HVM_PARAM_ALTP2M => {
            // Xen 4.17: settable (once) by the control domain. Later Xen sets it at domain
            // creation and refuses any HVMOP_set_param of it with -EEXIST; this follows 4.17.
            policy::check(XsmAction::Priv, caller, Some(d))?;
            let nested = d.state().config.flags & XEN_DOMCTL_CDF_nested_virt != 0;
            if value > u64::from(XEN_ALTP2M_limited) || (value != 0 && nested) {
                return Err(Errno::EINVAL);
            }
        }
        HVM_PARAM_VM86_TSS => {
            // Hardware would silently truncate high bits.
            if value != u64::from(value as u32) {
                return Err(Errno::EINVAL);
            }
            // Old hvmloader binaries hardcode the size to 128 bytes.
            if value != 0 {
                value |= (128 << 32) | VM86_TSS_UPDATED;
            }
            index = HVM_PARAM_VM86_TSS_SIZED;
        }
        HVM_PARAM_VM86_TSS_SIZED => {
            let size = value >> 32;
            if size < TSS32_SIZE {
                return Err(Errno::EINVAL);
            }
            // A larger size is cut to the useful maximum.
            let size = size.min(VM86_TSS_MAX_SIZE);
            value = u64::from(value as u32) | (size << 32) | VM86_TSS_UPDATED;
        }
        _ => {}
    }
    let mut st = d.state();
    let slot = usize::try_from(index)
        .ok()
        .and_then(|i| st.hvm_params.get_mut(i))
        .ok_or(Errno::EINVAL)?;
    *slot = value;
    Ok(())
}

/// The plain value checks of hvm.c `hvm_set_param`: HVMPTM_* modes, known Viridian bits with the
/// base frequency, S3 or S0, a SHUTDOWN_* reason, 1 to 64 ioreq server pages, an x87 FIP width of
/// 0, 4 or 8, known machine-check capabilities.
fn value_in_range(index: u32, value: u64) -> bool {
    match index {
        HVM_PARAM_TIMER_MODE => value <= u64::from(HVMPTM_one_missed_tick_pending),
        HVM_PARAM_VIRIDIAN => {
            value & !u64::from(HVMPV_feature_mask) == 0 && value & u64::from(HVMPV_base_freq) != 0
        }
        HVM_PARAM_ACPI_S_STATE => value == 3 || value == 0,
        HVM_PARAM_TRIPLE_FAULT_REASON => value <= u64::from(SHUTDOWN_MAX),
        HVM_PARAM_NR_IOREQ_SERVER_PAGES => value != 0 && value <= MAX_NR_IOREQ_SERVER_PAGES,
        HVM_PARAM_X87_FIP_WIDTH => matches!(value, 0 | 4 | 8),
        HVM_PARAM_MCA_CAP => value & !XEN_HVM_MCA_CAP_MASK == 0,
        _ => true,
    }
}

/// pmtimer.c `pmtimer_change_ioport`: `ENODEV` without an emulated PM block (PVH domains), `0` if
/// the location does not change, `EINVAL` unless it moves between versions 0 and 1.
fn pmtimer_change_ioport<Fmt: P2mFormat>(d: &Domain<Fmt>, version: u64) -> Result<(), Errno> {
    if d.state().config.emulation_flags & XEN_X86_EMU_PM == 0 {
        return Err(Errno::ENODEV);
    }
    let old = param(d, HVM_PARAM_ACPI_IOPORTS_LOCATION);
    if version == old {
        return Ok(());
    }
    if version ^ old != 1 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// hvm.c `hvm_allow_get_param`: XSM_TARGET; `EINVAL` for deprecated parameters; `EPERM` when a
/// domain reads one of its own parameters that only the toolstack may read.
fn hvm_allow_get_param<Fmt: P2mFormat>(
    caller: &Arc<Domain<Fmt>>,
    d: &Arc<Domain<Fmt>>,
    index: u32,
) -> Result<(), Errno> {
    policy::check(XsmAction::Target, caller, Some(d))?;
    match index {
        // The following parameters can be read by the guest.
        HVM_PARAM_CALLBACK_IRQ
        | HVM_PARAM_VM86_TSS
        | HVM_PARAM_VM86_TSS_SIZED
        | HVM_PARAM_ACPI_IOPORTS_LOCATION
        | HVM_PARAM_VM_GENERATION_ID_ADDR
        | HVM_PARAM_STORE_PFN
        | HVM_PARAM_STORE_EVTCHN
        | HVM_PARAM_CONSOLE_PFN
        | HVM_PARAM_CONSOLE_EVTCHN
        | HVM_PARAM_ALTP2M
        | HVM_PARAM_X87_FIP_WIDTH => Ok(()),
        i if deprecated(i) => Err(Errno::EINVAL),
        // The remaining parameters should not be read by the guest.
        _ if caller.domid() == d.domid() => Err(Errno::EPERM),
        _ => Ok(()),
    }
}

/// hvm.c `hvm_get_param`: [`hvm_allow_get_param`], then the value. HVM_PARAM_VM86_TSS reads the
/// address half of the sized TSS and HVM_PARAM_VM86_TSS_SIZED hides the "updated" flag, as in
/// Xen; HVM_PARAM_ACPI_S_STATE and HVM_PARAM_X87_FIP_WIDTH read the stored value (Xen reads the
/// S3 state and `d->arch.x87_fip_width`, which its set path keeps equal to it).
pub fn hvm_get_param<Fmt: P2mFormat>(
    caller: &Arc<Domain<Fmt>>,
    d: &Arc<Domain<Fmt>>,
    index: u32,
) -> Result<u64, Errno> {
    if index >= HVM_NR_PARAMS {
        return Err(Errno::EINVAL);
    }
    hvm_allow_get_param(caller, d, index)?;
    Ok(match index {
        HVM_PARAM_VM86_TSS => u64::from(param(d, HVM_PARAM_VM86_TSS_SIZED) as u32),
        HVM_PARAM_VM86_TSS_SIZED => param(d, HVM_PARAM_VM86_TSS_SIZED) & !VM86_TSS_UPDATED,
        _ => param(d, index),
    })
}

/// The HVMMEM_* type a p2m type reads as (hvm.c `hvmop_get_mem_type`).
pub fn hvmmem_type(t: P2mType) -> u32 {
    if t.is_mmio() {
        HVMMEM_mmio_dm
    } else if t == P2mType::IoreqServer {
        HVMMEM_ioreq_server
    } else if t.is_readonly() {
        HVMMEM_ram_ro
    } else if t.is_ram() || t.is_pod() || t.is_grant() {
        HVMMEM_ram_rw
    } else {
        HVMMEM_mmio_dm
    }
}

/// hvm.c `hvmop_get_mem_type`: `ESRCH` for an unknown domain, then XSM_TARGET, then `EINVAL` for a
/// non-HVM domain. Xen 4.17 looks the domain up with `rcu_lock_domain_by_any_id` and checks
/// XSM_TARGET, so a domain may ask about itself (older Xen used `rcu_lock_remote_domain_by_id` and
/// refused that with `EPERM`); this follows 4.17. The type is read without populating or
/// unsharing (`get_gfn_query_unlocked`).
/// hvm.c `do_hvm_op`'s HVMOP_pagetable_dying, a hint for shadow paging: `EFAULT`, `ESRCH` for an
/// unknown domain, `EOPNOTSUPP` for a domain other than the caller, and otherwise `EINVAL`, as
/// for every domain on hardware-assisted paging (the only kind xen-rs runs; Linux then prints
/// "HVMOP_pagetable_dying not supported" under Xen too).
fn hvmop_pagetable_dying<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    arg: GuestHandle<xen_hvm_pagetable_dying>,
) -> Result<(), Errno> {
    let a = guest::read(call.guest, arg)?;
    let d = hv
        .domain_by_any_id(call.caller, a.domid)
        .ok_or(Errno::ESRCH)?;
    if !Arc::ptr_eq(&d, call.caller) {
        return Err(Errno::EOPNOTSUPP);
    }
    Err(Errno::EINVAL)
}

fn hvmop_get_mem_type<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    arg: GuestHandle<xen_hvm_get_mem_type>,
) -> Result<(), Errno> {
    let mut a = guest::read(call.guest, arg)?;
    let d = hv
        .domain_by_any_id(call.caller, a.domid)
        .ok_or(Errno::ESRCH)?;
    policy::check(XsmAction::Target, call.caller, Some(&d))?;
    if !d.is_hvm() {
        return Err(Errno::EINVAL);
    }
    let t = d.p2m.get_entry(&hv.heap, Gfn(a.pfn)).p2mt;
    // HVMMEM_* values are all below 5.
    a.mem_type = hvmmem_type(t) as u16;
    guest::write(call.guest, arg, &a)
}
