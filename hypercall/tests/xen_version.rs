//! XENVER_* (xen/common/kernel.c `do_xen_version`, Xen 4.17) and who may see what
//! (xen/include/xsm/dummy.h `xsm_xen_version`).

use crate::common;

use common::{guest, hypercall, hypervisor, pvh_config, GUEST_BASE, GUEST_BYTES};
use hypercall::dispatch::Outcome;
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_public::arch_x86::xen::{HYPERVISOR_VIRT_START, XEN_X86_EMU_USE_PIRQ};
use xen_public::features::*;
use xen_public::version::*;
use xen_public::xen::__HYPERVISOR_xen_version;

/// Where the tests put results: well inside the guest buffer.
const BUF: u64 = GUEST_BASE + 0x1000;
/// An address outside the guest buffer.
const BAD: u64 = GUEST_BASE + GUEST_BYTES as u64 + 0x1000;

fn xen_version(
    hv: &common::TestHv,
    caller: &std::sync::Arc<common::TestDomain>,
    guest: &mut FlatGuest,
    cmd: u64,
    arg: u64,
) -> i64 {
    match hypercall(
        hv,
        caller,
        guest,
        __HYPERVISOR_xen_version,
        [cmd, arg, 0, 0, 0],
    ) {
        Outcome::Return(v) => v,
        other => panic!("xen_version does not continue: {other:?}"),
    }
}

/// A guest buffer filled with 0xaa, to see what a call wrote.
fn dirty_guest() -> FlatGuest {
    let mut g = guest();
    g.bytes.fill(0xaa);
    g
}

/// The bytes at `addr`.
fn bytes_at(g: &FlatGuest, addr: u64, len: usize) -> Vec<u8> {
    let start = (addr - g.base) as usize;
    g.bytes[start..start + len].to_vec()
}

/// `s` followed by NULs up to `len`.
fn padded(s: &str, len: usize) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(len, 0);
    v
}

// kernel.c XENVER_version: (major << 16) | minor, for anyone; the subop is an int.
#[test]
fn version_is_major_and_minor_for_anyone() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    for caller in [&dom0, &domu] {
        assert_eq!(xen_version(&hv, caller, &mut g, 0, 0), (4 << 16) | 17);
        // Upper bits of the register are not part of `int cmd`.
        assert_eq!(xen_version(&hv, caller, &mut g, 1 << 32, 0), (4 << 16) | 17);
    }
}

// kernel.c XENVER_extraversion and XENVER_changeset: the whole NUL-padded xen_*_t, truncated by
// safe_strcpy; XSM_HOOK, so a domU sees the real strings.
#[test]
fn extraversion_and_changeset_are_nul_padded_fixed_arrays() {
    let (mut hv, _dom0) = hypervisor(1024);
    hv.info.extraversion = "-0123456789abcdefXYZ".into();
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 1, BUF), 0);
    assert_eq!(bytes_at(&g, BUF, 16), padded("-0123456789abcd", 16));
    assert_eq!(bytes_at(&g, BUF + 16, 1), [0xaa]);

    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 4, BUF), 0);
    assert_eq!(bytes_at(&g, BUF, 64), padded("xen-rs", 64));
    assert_eq!(bytes_at(&g, BUF + 64, 1), [0xaa]);
}

// kernel.c XENVER_compile_info: four NUL-padded strings in xen_compile_info_t (XSM_HOOK).
#[test]
fn compile_info_fills_the_whole_structure() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 2, BUF), 0);
    let info: xen_compile_info = g.get(BUF);
    assert_eq!(info.compiler.to_vec(), padded("rustc", 64));
    assert_eq!(info.compile_by.to_vec(), padded("xen-rs", 16));
    assert_eq!(info.compile_domain, [0; 32]);
    assert_eq!(info.compile_date, [0; 32]);
    assert_eq!(bytes_at(&g, BUF + 144, 1), [0xaa]);
}

// kernel.c XENVER_capabilities: the 1024-byte xen_capabilities_info_t (XSM_HOOK).
#[test]
fn capabilities_are_the_whole_1024_byte_array() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 3, BUF), 0);
    assert_eq!(
        bytes_at(&g, BUF, 1024),
        padded(
            "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
            1024
        )
    );
    assert_eq!(bytes_at(&g, BUF + 1024, 1), [0xaa]);
}

// kernel.c XENVER_platform_parameters (4.17): HYPERVISOR_VIRT_START for a 64-bit caller.
#[test]
fn platform_parameters_give_the_hypervisor_virtual_start() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 5, BUF), 0);
    assert_eq!(g.get::<u64>(BUF), HYPERVISOR_VIRT_START);
}

// kernel.c XENVER_get_features: submap 0 is Xen 4.17's HVM set, XENFEAT_dom0 only for the
// hardware domain, hvm_pirqs only with XEN_X86_EMU_USE_PIRQ; other submaps are EINVAL.
#[test]
fn get_features_gives_the_hvm_set_and_dom0_only_to_the_hardware_domain() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut hvm_cfg = pvh_config(false);
    hvm_cfg.emulation_flags = XEN_X86_EMU_USE_PIRQ;
    let hvm = hv.create_domain(None, hvm_cfg).unwrap();
    let hvm_set = (1 << XENFEAT_memory_op_vnode_supported)
        | (1 << XENFEAT_writable_page_tables)
        | (1 << XENFEAT_auto_translated_physmap)
        | (1 << XENFEAT_hvm_safe_pvclock)
        | (1 << XENFEAT_hvm_callback_vector)
        | (1 << XENFEAT_not_direct_mapped);
    for (caller, want) in [
        (&dom0, hvm_set | (1 << XENFEAT_dom0)),
        (&domu, hvm_set),
        (&hvm, hvm_set | (1 << XENFEAT_hvm_pirqs)),
    ] {
        let mut g = guest();
        g.put(
            BUF,
            &xen_feature_info {
                submap_idx: 0,
                submap: 0xdead,
            },
        );
        assert_eq!(xen_version(&hv, caller, &mut g, 6, BUF), 0);
        let fi: xen_feature_info = g.get(BUF);
        assert_eq!((fi.submap_idx, fi.submap), (0, want), "d{}", caller.domid());
    }
    // A PV domain (only the portable core can make one; XEN_DOMCTL_createdomain refuses PV)
    // gets the PV set: direct mapped, with the PV page-table features.
    let pv = hv
        .create_domain(
            None,
            hypercall::domain::DomainConfig {
                flags: 0,
                max_vcpus: 1,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        hypercall::xen_version::features_submap0(&pv),
        (1 << XENFEAT_memory_op_vnode_supported)
            | (1 << XENFEAT_mmu_pt_update_preserve_ad)
            | (1 << XENFEAT_highmem_assist)
            | (1 << XENFEAT_gnttab_map_avail_bits)
            | (1 << XENFEAT_direct_mapped)
    );
}

// kernel.c XENVER_get_features: an unknown submap is EINVAL and nothing is written back; an
// unreadable argument is EFAULT.
#[test]
fn get_features_refuses_other_submaps_and_bad_handles() {
    let (hv, dom0) = hypervisor(1024);
    let mut g = guest();
    let fi = xen_feature_info {
        submap_idx: 1,
        submap: 0xdead,
    };
    g.put(BUF, &fi);
    let before = g.bytes.clone();
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 6, BUF),
        Errno::EINVAL.negated()
    );
    assert_eq!(g.bytes, before);
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 6, BAD),
        Errno::EFAULT.negated()
    );
}

// kernel.c XENVER_pagesize: PAGE_SIZE with a null handle, EINVAL with any other.
#[test]
fn pagesize_needs_a_null_handle() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 7, 0), 4096);
    assert_eq!(
        xen_version(&hv, &domu, &mut g, 7, BUF),
        Errno::EINVAL.negated()
    );
}

// kernel.c XENVER_guest_handle: the caller's own xen_domain_handle_t (XSM_HOOK).
#[test]
fn guest_handle_is_the_callers_handle() {
    let (hv, _dom0) = hypervisor(1024);
    let mut cfg = pvh_config(false);
    cfg.handle = *b"0123456789abcdef";
    let domu = hv.create_domain(None, cfg).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 8, BUF), 0);
    assert_eq!(bytes_at(&g, BUF, 17), b"0123456789abcdef\xaa");
}

// kernel.c XENVER_commandline with dummy.h's XSM_PRIV: the control domain gets the whole
// 1024-byte command line; a domU is not refused but gets "<denied>" and its NUL, nothing more.
#[test]
fn commandline_is_for_the_control_domain_and_denied_to_domus() {
    let (mut hv, dom0) = hypervisor(1024);
    hv.info.commandline = "console=com1 dom0_mem=1G".into();
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &dom0, &mut g, 9, BUF), 0);
    assert_eq!(
        bytes_at(&g, BUF, 1024),
        padded("console=com1 dom0_mem=1G", 1024)
    );

    let mut g = dirty_guest();
    assert_eq!(xen_version(&hv, &domu, &mut g, 9, BUF), 0);
    assert_eq!(bytes_at(&g, BUF, 10), b"<denied>\0\xaa");
}

// kernel.c XENVER_build_id: EPERM when denied (XSM_PRIV); a zero-length buffer is EINVAL; a build
// without a build id answers ENODATA (`xen_build_id`), also to a size query with a null handle.
#[test]
fn build_id_is_privileged_and_absent() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    assert_eq!(
        xen_version(&hv, &domu, &mut g, 10, 0),
        Errno::EPERM.negated()
    );
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 10, 0),
        Errno::ENODATA.negated()
    );
    g.put(BUF, &xen_build_id { len: 0 });
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 10, BUF),
        Errno::EINVAL.negated()
    );
    g.put(BUF, &xen_build_id { len: 64 });
    let before = g.bytes.clone();
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 10, BUF),
        Errno::ENODATA.negated()
    );
    assert_eq!(g.bytes, before);
    assert_eq!(
        xen_version(&hv, &dom0, &mut g, 10, BAD),
        Errno::EFAULT.negated()
    );
}

// kernel.c: every subop that copies to the guest fails with EFAULT on a bad handle, and an
// unreadable or unwritable buffer changes nothing.
#[test]
fn bad_handles_are_efault() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    for caller in [&dom0, &domu] {
        for cmd in [1u64, 2, 3, 4, 5, 6, 8, 9] {
            // The last byte of the buffer: never room for a whole result.
            for addr in [BAD, GUEST_BASE + GUEST_BYTES as u64 - 1, u64::MAX - 4] {
                assert_eq!(
                    xen_version(&hv, caller, &mut g, cmd, addr),
                    Errno::EFAULT.negated(),
                    "cmd {cmd} at {addr:#x}"
                );
            }
        }
    }
    assert!(g.bytes.iter().all(|&b| b == 0));
}

// kernel.c: unknown subops are ENOSYS, whoever asks (the XSM denial only changes known answers).
#[test]
fn unknown_subops_are_enosys() {
    let (hv, dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    let mut g = guest();
    for caller in [&dom0, &domu] {
        for cmd in [11u64, 12, 0x7fff_ffff, 0xffff_ffff] {
            assert_eq!(
                xen_version(&hv, caller, &mut g, cmd, BUF),
                Errno::ENOSYS.negated()
            );
        }
    }
    assert!(g.bytes.iter().all(|&b| b == 0));
}
