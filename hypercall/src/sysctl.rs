//! XEN_SYSCTL_* (xen/common/sysctl.c `do_sysctl`, xen/arch/x86/sysctl.c `arch_do_sysctl`).
//!
//! Xen 4.17 (sysctl interface 0x15) is the reference: copy in, interface version, `xsm_sysctl`
//! (the control domain only), the command, then the whole op copied back when the command
//! succeeded (`copyback = -1`), never for commands that went to `arch_do_sysctl`.

use xen_mm::buddy::MAX_NUMNODES;
use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::abi::Payload;
use xen_public::sysctl::*;
use xen_public::GuestHandle;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};

/// XEN_SYSCTL_* for `call.caller`: `args[0]` is the guest handle of the `xen_sysctl`.
pub fn do_sysctl<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    let u_sysctl = GuestHandle::<xen_sysctl>::new(args[0]);
    let mut op = guest::read(call.guest, u_sysctl)?;

    if op.interface_version != XEN_SYSCTL_INTERFACE_VERSION {
        return Err(Errno::EACCES);
    }

    // xsm_sysctl in the dummy policy: XSM_PRIV, with no target.
    policy::check(XsmAction::Priv, call.caller, None)?;

    // Xen's `copyback`: -1 copies the op back on success, 0 never.
    let mut copyback: i8 = -1;
    let ret = match op.cmd {
        // xsm_readconsole is XSM_HOOK.
        XEN_SYSCTL_readconsole => read_console_ring(hv, call.guest, &mut op),
        XEN_SYSCTL_getdomaininfolist => getdomaininfolist(hv, call.guest, &mut op),
        XEN_SYSCTL_physinfo => {
            physinfo(hv, &mut op);
            Ok(())
        }
        _ => {
            // arch_do_sysctl's default, which copies nothing back.
            copyback = 0;
            Err(Errno::ENOSYS)
        }
    };

    if copyback != 0
        && (ret.is_ok() || copyback > 0)
        && guest::write(call.guest, u_sysctl, &op).is_err()
    {
        return Err(Errno::EFAULT);
    }
    ret.map(|()| Outcome::Return(0))
}

/// XEN_SYSCTL_physinfo, with x86 `arch_do_physinfo`: memory from the heap (free pages include
/// claimed ones, read together with the claims as `get_outstanding_claims` does), the CPUs the
/// arch layer reported (`num_online_cpus()`, `nr_cpu_ids - 1`), and the capabilities xen-rs
/// offers: HVM guests with HAP.
fn physinfo<F: FrameAccess, Fmt: P2mFormat>(hv: &Hypervisor<F, Fmt>, op: &mut xen_sysctl) {
    let mem = hv.heap.physinfo();
    let nr_nodes = hv.heap.with_buddy(|b| b.nr_nodes());
    // `memset(pi, 0, sizeof(*pi))`, then the facts. cpu_khz and hw_cap are the arch layer's to
    // know: they stay zero here.
    let pi = xen_sysctl_physinfo {
        threads_per_core: 1,
        cores_per_socket: 1,
        nr_cpus: hv.cpus.nr_online(),
        max_cpu_id: hv.cpus.nr_cpu_ids().saturating_sub(1),
        nr_nodes: u32::try_from(nr_nodes).unwrap_or(u32::MAX),
        max_node_id: u32::try_from(MAX_NUMNODES - 1).unwrap_or(u32::MAX),
        capabilities: XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap,
        total_pages: mem.total_pages,
        free_pages: mem.free_pages,
        // scrub_pages stays 0: nothing is scrubbed lazily.
        outstanding_pages: mem.outstanding_pages,
        // get_upper_mfn_bound(): the highest machine frame there can be.
        max_mfn: hv.max_page.saturating_sub(1),
        ..Default::default()
    };
    op.set(&pi);
}

/// XEN_SYSCTL_getdomaininfolist: up to `max_domains` entries for the domains with ids from
/// `first_domain` on, in id order; `num_domains` says how many. A buffer that faults is EFAULT,
/// with the entries before it written and nothing copied back.
fn getdomaininfolist<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    guest: &mut impl GuestMemory,
    op: &mut xen_sysctl,
) -> Result<(), Errno> {
    let mut list: xen_sysctl_getdomaininfolist = op.get().ok_or(Errno::EINVAL)?;
    let max = usize::try_from(list.max_domains).unwrap_or(usize::MAX);
    let mut num_domains = 0u32;
    for d in hv.domains.list_from(list.first_domain, max) {
        // xsm_getdomaininfo is XSM_HOOK: every domain is listed.
        let info = crate::domctl::getdomaininfo(hv, &d);
        guest::write_at(guest, list.buffer, u64::from(num_domains), &info)
            .map_err(|_| Errno::EFAULT)?;
        num_domains += 1;
    }
    list.num_domains = num_domains;
    op.set(&list);
    Ok(())
}

/// XEN_SYSCTL_readconsole (drivers/char/console.c `read_console_ring`): up to `count` bytes of
/// the console ring into `buffer`, from the oldest byte it holds or, if `incremental`, from
/// `index` when that is newer; `count` and `index` come back as the bytes read and the index
/// after them. Indices are Xen's 32-bit ring positions (the low 32 bits of bytes ever written).
///
/// `clear` empties the ring once everything in it has been read. Xen instead discards exactly
/// the bytes read; the console here can only be emptied whole, and dropping unread bytes would
/// lose messages, so a read that leaves bytes behind does not clear (they are read again).
fn read_console_ring<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    guest: &mut impl GuestMemory,
    op: &mut xen_sysctl,
) -> Result<(), Errno> {
    let mut rc: xen_sysctl_readconsole = op.get().ok_or(Errno::EINVAL)?;
    let max = usize::try_from(rc.count).unwrap_or(usize::MAX);

    // `c = conringc`: the oldest byte the ring holds.
    let (_, oldest) = hv.console.read_from(0, 0);
    // `if ( op->incremental && ((int32_t)(op->index - c) > 0) ) c = op->index;`, in 32-bit
    // ring positions; read_from clamps an index beyond the newest byte.
    let ahead = if rc.incremental != 0 {
        (rc.index.wrapping_sub(oldest as u32) as i32).max(0)
    } else {
        0
    };
    let c = oldest.saturating_add(ahead.unsigned_abs().into());
    let (bytes, next) = hv.console.read_from(c, max);
    for (i, b) in (0u64..).zip(bytes.iter()) {
        guest::write_at(guest, rc.buffer, i, b)?;
    }

    if rc.clear != 0 {
        // Everything read: the ring holds nothing newer than `next`.
        let (rest, _) = hv.console.read_from(next, 1);
        if rest.is_empty() {
            hv.console.clear();
        }
    }

    rc.count = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    // The low 32 bits: Xen's ring positions are 32-bit counters.
    rc.index = next as u32;
    op.set(&rc);
    Ok(())
}
