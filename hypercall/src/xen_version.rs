//! XENVER_* (xen/common/kernel.c `do_xen_version`), as Xen 4.17 answers them, with the dummy XSM
//! policy's `xsm_xen_version` (xen/include/xsm/dummy.h) deciding what a caller may see.
//!
//! XENVER_version, _platform_parameters and _get_features bypass the policy; _extraversion,
//! _compile_info, _capabilities, _changeset, _pagesize and _guest_handle are `XSM_HOOK` (anyone);
//! everything else, _commandline and _build_id among them, is `XSM_PRIV`. A denied caller is not
//! refused outright: Xen hands it "<denied>" (`xen_deny()`) in place of the string, except for
//! _build_id, which fails with `EPERM`.
//!
//! String results have Xen's fixed sizes and are NUL-padded (`safe_strcpy` into a zeroed buffer),
//! so a guest always receives the whole `xen_*_t` array.

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::arch_x86::xen::{HYPERVISOR_VIRT_START, XEN_X86_EMU_USE_PIRQ};
use xen_public::features::*;
use xen_public::version::*;
use xen_public::xen::xen_domain_handle_t;
use xen_public::GuestHandle;
use zerocopy::FromZeros;

use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;

/// What a denied caller reads in place of a string (xen/common/version.c `xen_deny()`).
pub const XEN_DENY: &str = "<denied>";
/// XENVER_pagesize's answer (`PAGE_SIZE` on x86).
pub const PAGE_SIZE: i64 = 4096;
/// XENVER_compile_info's `compiler` (Xen's generated `XEN_COMPILER`).
pub const XEN_COMPILER: &str = "rustc";
/// XENVER_compile_info's `compile_by` (`XEN_COMPILE_BY`).
pub const XEN_COMPILE_BY: &str = "xen-rs";
/// XENVER_compile_info's `compile_domain` (`XEN_COMPILE_DOMAIN`); empty: builds are reproducible.
pub const XEN_COMPILE_DOMAIN: &str = "";
/// XENVER_compile_info's `compile_date` (`XEN_COMPILE_DATE`); empty: builds are reproducible.
pub const XEN_COMPILE_DATE: &str = "";

/// Whether `d` is the hardware domain (`is_hardware_domain`): Xen's `hardware_domid` defaults to 0,
/// and xen-rs has no `hardware_dom=` option, so it is dom0.
pub fn is_hardware_domain<Fmt: P2mFormat>(d: &Domain<Fmt>) -> bool {
    d.domid() == 0
}

/// `xsm_xen_version(XSM_OTHER, cmd)` of the dummy policy: `true` when `caller` is denied.
fn xsm_xen_version_denies<Fmt: P2mFormat>(caller: &Domain<Fmt>, cmd: u32) -> bool {
    match cmd {
        // "These sub-ops ignore the permission checks and return data."
        XENVER_version | XENVER_platform_parameters | XENVER_get_features => false,
        // "These MUST always be accessible to any guest by default." (XSM_HOOK)
        XENVER_extraversion | XENVER_compile_info | XENVER_capabilities | XENVER_changeset
        | XENVER_pagesize | XENVER_guest_handle => false,
        // XSM_PRIV.
        _ => !caller.is_privileged(),
    }
}

/// `s` as Xen's `safe_strcpy` leaves it in a zeroed `[u8; N]`: at most `N - 1` bytes (up to the
/// first NUL), then NULs.
pub fn nul_padded<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let bytes = s.as_bytes();
    let len = bytes
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(bytes.len())
        .min(N.saturating_sub(1));
    for (dst, &src) in out.iter_mut().zip(bytes.iter().take(len)) {
        *dst = src;
    }
    out
}

/// XENVER_get_features submap 0 for `d` (kernel.c, Xen 4.17's x86 set).
pub fn features_submap0<Fmt: P2mFormat>(d: &Domain<Fmt>) -> u32 {
    let (translated, has_pirq) = {
        let st = d.state();
        (
            st.config.flags & xen_public::domctl::XEN_DOMCTL_CDF_hvm != 0,
            st.config.emulation_flags & XEN_X86_EMU_USE_PIRQ != 0,
        )
    };
    let feature = |n: u32| 1u32 << n;
    let mut submap = feature(XENFEAT_memory_op_vnode_supported);
    // VM_ASSIST(d, pae_extended_cr3) is a PV assist; xen-rs has no vm_assist, so it stays clear.
    if translated {
        // paging_mode_translate(d): every HVM/PVH domain.
        submap |= feature(XENFEAT_writable_page_tables) | feature(XENFEAT_auto_translated_physmap);
    }
    if is_hardware_domain(d) {
        submap |= feature(XENFEAT_dom0);
    }
    if translated {
        submap |= feature(XENFEAT_hvm_safe_pvclock) | feature(XENFEAT_hvm_callback_vector);
        if has_pirq {
            submap |= feature(XENFEAT_hvm_pirqs);
        }
    } else {
        submap |= feature(XENFEAT_mmu_pt_update_preserve_ad)
            | feature(XENFEAT_highmem_assist)
            | feature(XENFEAT_gnttab_map_avail_bits);
    }
    // No x86 domain is direct mapped unless it is untranslated (PV).
    if translated {
        submap |= feature(XENFEAT_not_direct_mapped);
    } else {
        submap |= feature(XENFEAT_direct_mapped);
    }
    submap
}

/// XENVER_* for `call.caller`. `args[0]` is the subop (Xen's `int cmd`: its low 32 bits), `args[1]`
/// the guest buffer.
pub fn do_xen_version<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    // Truncation is Xen's: `cmd` is an int.
    let cmd = args[0] as u32;
    let arg = args[1];
    let deny = xsm_xen_version_denies(call.caller, cmd);
    let info = &hv.info;
    match cmd {
        XENVER_version => Ok(Outcome::Return(
            (i64::from(info.major) << 16) | i64::from(info.minor),
        )),
        XENVER_extraversion => {
            let s: xen_extraversion_t = nul_padded(pick(deny, &info.extraversion));
            guest::write(call.guest, GuestHandle::new(arg), &s)?;
            Ok(Outcome::Return(0))
        }
        XENVER_compile_info => {
            let mut ci = xen_compile_info::new_zeroed();
            ci.compiler = nul_padded(pick(deny, XEN_COMPILER));
            ci.compile_by = nul_padded(pick(deny, XEN_COMPILE_BY));
            ci.compile_domain = nul_padded(pick(deny, XEN_COMPILE_DOMAIN));
            ci.compile_date = nul_padded(pick(deny, XEN_COMPILE_DATE));
            guest::write(call.guest, GuestHandle::new(arg), &ci)?;
            Ok(Outcome::Return(0))
        }
        XENVER_capabilities => {
            // A denied caller gets an empty string here, not "<denied>".
            let s: xen_capabilities_info_t = nul_padded(if deny { "" } else { &info.capabilities });
            guest::write(call.guest, GuestHandle::new(arg), &s)?;
            Ok(Outcome::Return(0))
        }
        XENVER_platform_parameters => {
            // Xen 4.17 still reports HYPERVISOR_VIRT_START to 64-bit callers of every kind (4.18
            // returns 0 to HVM guests); xen-rs has no 32-bit (compat) hypercall ABI.
            let mut params = xen_platform_parameters::new_zeroed();
            params.virt_start = HYPERVISOR_VIRT_START;
            guest::write(call.guest, GuestHandle::new(arg), &params)?;
            Ok(Outcome::Return(0))
        }
        XENVER_changeset => {
            let s: xen_changeset_info_t = nul_padded(pick(deny, &info.changeset));
            guest::write(call.guest, GuestHandle::new(arg), &s)?;
            Ok(Outcome::Return(0))
        }
        XENVER_get_features => {
            let handle = GuestHandle::<xen_feature_info>::new(arg);
            let mut fi = guest::read(call.guest, handle)?;
            fi.submap = match fi.submap_idx {
                0 => features_submap0(call.caller),
                _ => return Err(Errno::EINVAL),
            };
            guest::write(call.guest, handle, &fi)?;
            Ok(Outcome::Return(0))
        }
        XENVER_pagesize => {
            if deny {
                return Ok(Outcome::Return(0));
            }
            if arg != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(Outcome::Return(PAGE_SIZE))
        }
        XENVER_guest_handle => {
            let hdl: xen_domain_handle_t = if deny {
                [0; 16]
            } else {
                call.caller.state().config.handle
            };
            guest::write(call.guest, GuestHandle::new(arg), &hdl)?;
            Ok(Outcome::Return(0))
        }
        XENVER_commandline => {
            if deny {
                // Only strlen("<denied>") + 1 bytes are copied, not the whole xen_commandline_t.
                let s: [u8; XEN_DENY.len() + 1] = nul_padded(XEN_DENY);
                guest::write(call.guest, GuestHandle::new(arg), &s)?;
            } else {
                let s: xen_commandline_t = nul_padded(&info.commandline);
                guest::write(call.guest, GuestHandle::new(arg), &s)?;
            }
            Ok(Outcome::Return(0))
        }
        XENVER_build_id => {
            if deny {
                return Err(Errno::EPERM);
            }
            if arg != 0 {
                let build_id = guest::read(call.guest, GuestHandle::<xen_build_id>::new(arg))?;
                if build_id.len == 0 {
                    return Err(Errno::EINVAL);
                }
            }
            // `xen_build_id()` of a hypervisor built without a build id (xen-rs's image carries
            // no .note.gnu.build-id that this layer could read).
            Err(Errno::ENODATA)
        }
        _ => Err(Errno::ENOSYS),
    }
}

/// The string a caller sees: the real one, or "<denied>".
fn pick(deny: bool, s: &str) -> &str {
    if deny {
        XEN_DENY
    } else {
        s
    }
}
