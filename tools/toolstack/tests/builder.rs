//! The PVH builder against xen-rs's hypercall layer in this process: what a built domain looks
//! like (memory, PoD, claims, boot data, vCPU state), and that a failed build leaves nothing.
//! Each test names the Xen 4.17 toolstack function whose behaviour it checks.

use inprocess::{pvh_kernel, InProcess};
use toolstack::builder::{layout, start_info_bytes};
use toolstack::{build_pvh, BuildProgress, Error, PvhConfig, XenCtrl};
use xen_mm::frame::Gfn;
use xen_public::arch_x86::hvm::save::{hvm_hw_cpu, HVM_SAVE_CODE_CPU};
use xen_public::arch_x86::hvm::start_info::{hvm_start_info, XEN_HVM_START_MAGIC_VALUE};
use xen_public::domctl::{XEN_DOMINF_hvm_guest, XEN_DOMINF_paused};
use xen_public::errno::Errno;
use zerocopy::FromBytes;

/// Heap frames: 64 MiB.
const FRAMES: u64 = 16384;
const KERNEL_PADDR: u64 = 0x10_0000;
const CODE: &[u8] = b"\xf4\xeb\xfd pretend kernel text";

fn config(kernel: &[u8], target_mib: u64, max_mib: u64) -> PvhConfig<'_> {
    PvhConfig {
        handle: [7; 16],
        max_vcpus: 1,
        target_memkb: target_mib * 1024,
        max_memkb: max_mib * 1024,
        kernel,
        ramdisk: None,
        cmdline: "mode=hello",
        claim: true,
        paused: false,
        max_extent_order: 18,
    }
}

fn xc() -> XenCtrl<InProcess> {
    XenCtrl::new(InProcess::new(FRAMES))
}

/// libxl_create.c + xg_dom_x86.c `meminit_hvm` without PoD: tot_pages is the target, the
/// kernel sits at its physical address, the start info is where the layout put it, and the vCPU
/// starts at the PHYS32 entry with RBX pointing at it (`vcpu_hvm`).
#[test]
fn a_built_domain_has_its_memory_kernel_start_info_and_entry_state() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x3000, 0x10_0000);
    let mut xc = xc();
    let cfg = config(&kernel, 16, 16);
    let domid = build_pvh(&mut xc, &cfg, &mut |_, _| {}).expect("built");
    assert_ne!(domid, 0);

    let info = xc.domain_getinfo(domid).unwrap().expect("listed");
    assert_eq!(info.tot_pages, 16 * 256);
    assert_eq!(
        info.max_pages,
        (16 * 1024 + 1024) / 4,
        "target + LIBXL_MAXMEM_CONSTANT"
    );
    assert_eq!(info.outstanding_pages, 0, "the claim is cancelled");
    assert_ne!(info.flags & XEN_DOMINF_hvm_guest, 0);
    assert_eq!(info.flags & XEN_DOMINF_paused, 0, "unpaused");
    assert_eq!(info.handle, [7; 16]);

    let backend = xc.backend();
    assert_eq!(backend.read_domain(domid, KERNEL_PADDR, CODE.len()), CODE);
    assert_eq!(
        backend.read_domain(domid, KERNEL_PADDR + CODE.len() as u64, 16),
        [0; 16],
        "BSS is zero"
    );
    let elf = libelf::Elf::parse(&kernel).unwrap();
    let lay = layout(&cfg, &elf.pvh_kernel().unwrap()).unwrap();
    let si_bytes = backend.read_domain(domid, lay.start_info, 56);
    let si = hvm_start_info::read_from_bytes(&si_bytes).unwrap();
    assert_eq!(si.magic, XEN_HVM_START_MAGIC_VALUE);
    assert_eq!(si.memmap_entries, 1);
    let cmdline = backend.read_domain(domid, si.cmdline_paddr, 11);
    assert_eq!(&cmdline, b"mode=hello\0");
    assert_eq!(
        backend.read_domain(domid, lay.start_info, start_info_bytes(&cfg, &lay).len()),
        start_info_bytes(&cfg, &lay)
    );

    let image = xc.domain_hvm_getcontext(domid).unwrap();
    let cpu = find_record(&image, HVM_SAVE_CODE_CPU).expect("vCPU 0 is up");
    let cpu = hvm_hw_cpu::read_from_prefix(cpu).unwrap().0;
    assert_eq!(cpu.rip, 0x10_0000);
    assert_eq!(cpu.rbx, lay.start_info);
    assert_eq!(cpu.cr0, 0x11);
    assert_eq!(
        xc.backend().live_buffers(),
        0,
        "every hypercall buffer freed"
    );
    xc.backend().hv.check_invariants().unwrap();
}

fn find_record(image: &[u8], typecode: u16) -> Option<&[u8]> {
    let mut at = 0;
    while at + 8 <= image.len() {
        let code = u16::from_le_bytes([image[at], image[at + 1]]);
        let len = u32::from_le_bytes(image[at + 4..at + 8].try_into().unwrap()) as usize;
        if code == typecode {
            return image.get(at + 8..at + 8 + len);
        }
        if code == 0 {
            return None;
        }
        at += 8 + len;
    }
    None
}

/// `meminit_hvm` with PoD (maxmem > memory): claim the target, set_pod_target(target), every
/// page up to maxmem a PoD entry. tot_pages is the target (the PoD cache), the PoD entries
/// cover maxmem minus what the boot data populated, and the claim was seen by Xen (physinfo's
/// outstanding_pages) before it was cancelled.
#[test]
fn pod_when_maxmem_exceeds_memory_and_the_claim_shows_then_clears() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let mut xc = xc();
    let cfg = config(&kernel, 16, 32);
    let mut seen = Vec::new();
    let domid = build_pvh(&mut xc, &cfg, &mut |xc, step| {
        if let BuildProgress::Claimed { .. } | BuildProgress::ClaimCancelled { .. } = step {
            seen.push((step, xc.physinfo().unwrap().outstanding_pages));
        }
    })
    .expect("built");
    assert_eq!(
        seen,
        [
            (
                BuildProgress::Claimed {
                    domid,
                    pages: 16 * 256
                },
                16 * 256
            ),
            (BuildProgress::ClaimCancelled { domid }, 0),
        ]
    );
    let info = xc.domain_getinfo(domid).unwrap().unwrap();
    assert_eq!(info.tot_pages, 16 * 256, "the PoD cache is the target");
    let pod = xc.domain_get_pod_target(domid).unwrap();
    let populated_for_boot_data = 16 * 256 - pod.pod_cache_pages;
    assert!(
        populated_for_boot_data > 0,
        "writing the kernel took pages from the cache"
    );
    assert_eq!(
        pod.pod_entries,
        32 * 256 - populated_for_boot_data,
        "every other page up to maxmem is a PoD entry"
    );
    assert_eq!(
        xc.backend().read_domain(domid, KERNEL_PADDR, CODE.len()),
        CODE
    );
    xc.backend().hv.check_invariants().unwrap();
}

/// meminit_hvm's extent loop: 2 MiB extents where the range allows, 4 KiB pages when asked
/// (`max_extent_order` 0, for the 4 KiB-versus-2 MiB benchmark).
#[test]
fn superpages_unless_limited_to_4k() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    for (max_order, expected_order) in [(18, 9), (9, 9), (0, 0)] {
        let mut xc = xc();
        let mut cfg = config(&kernel, 8, 8);
        cfg.max_extent_order = max_order;
        let domid = build_pvh(&mut xc, &cfg, &mut |_, _| {}).unwrap();
        let hv = &xc.backend().hv;
        let d = hv.domains.get(domid).unwrap();
        let entry = d.p2m.get_entry(&hv.heap, Gfn(0x600));
        assert_eq!(entry.order, expected_order, "max_extent_order {max_order}");
    }
}

/// libxl's create: a failure after createdomain destroys the half-built domain. Here the claim
/// is larger than the host (XENMEM_claim_pages: -ENOMEM); nothing is left and no memory lost.
#[test]
fn a_failed_build_destroys_the_domain_and_frees_everything() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let mut xc = xc();
    let free_before = xc.physinfo().unwrap().free_pages;
    let cfg = config(&kernel, 128, 128); // twice the host
    let mut created = None;
    let err = build_pvh(&mut xc, &cfg, &mut |_, step| {
        if let BuildProgress::Created { domid } = step {
            created = Some(domid);
        }
    })
    .unwrap_err();
    assert_eq!(
        err,
        Error::Xen {
            what: "memory_op claim_pages",
            errno: Errno::ENOMEM
        }
    );
    let domid = created.expect("the domain had been created");
    assert_eq!(xc.domain_getinfo(domid).unwrap(), None, "and is gone");
    assert_eq!(xc.domain_list().unwrap().len(), 1, "only dom0");
    assert_eq!(xc.physinfo().unwrap().free_pages, free_before);
    assert_eq!(xc.physinfo().unwrap().outstanding_pages, 0);
    assert_eq!(xc.backend().live_buffers(), 0);
}

/// Without claim mode the same domain fails later, in populate_physmap, and is destroyed too.
#[test]
fn without_a_claim_running_out_in_populate_also_destroys() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let mut xc = xc();
    let free_before = xc.physinfo().unwrap().free_pages;
    let mut cfg = config(&kernel, 128, 128);
    cfg.claim = false;
    let err = build_pvh(&mut xc, &cfg, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Xen {
                what: "memory_op populate_physmap",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(xc.domain_list().unwrap().len(), 1);
    assert_eq!(xc.physinfo().unwrap().free_pages, free_before);
}

/// What is wrong with the request is found before any hypercall: no domain is created.
#[test]
fn bad_requests_create_nothing() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let garbage = [0x7fu8, b'E', b'L', b'F', 0, 0];
    type Expect = fn(&Error) -> bool;
    let cases: [(PvhConfig, Expect); 4] = [
        (config(&garbage, 16, 16), |e| matches!(e, Error::Elf(_))),
        (config(&kernel, 16, 8), |e| matches!(e, Error::Invalid(_))),
        (
            PvhConfig {
                max_vcpus: 0,
                ..config(&kernel, 16, 16)
            },
            |e| matches!(e, Error::Invalid(_)),
        ),
        (
            PvhConfig {
                // Kernel at 1 MiB in a 1 MiB domain.
                ..config(&kernel, 1, 1)
            },
            |e| matches!(e, Error::Invalid(_)),
        ),
    ];
    for (cfg, expected) in cases {
        let mut xc = xc();
        let mut created = false;
        let err = build_pvh(&mut xc, &cfg, &mut |_, _| created = true).unwrap_err();
        assert!(expected(&err), "{err:?}");
        assert!(!created);
        assert_eq!(xc.domain_list().unwrap().len(), 1);
    }
}

/// `xl create -p`: built but left paused (libxl_domain_create_new with a paused domain).
#[test]
fn paused_builds_stay_paused() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let mut xc = xc();
    let mut cfg = config(&kernel, 8, 8);
    cfg.paused = true;
    let domid = build_pvh(&mut xc, &cfg, &mut |_, _| {}).unwrap();
    let info = xc.domain_getinfo(domid).unwrap().unwrap();
    assert_ne!(info.flags & XEN_DOMINF_paused, 0);
    xc.domain_unpause(domid).unwrap();
    let info = xc.domain_getinfo(domid).unwrap().unwrap();
    assert_eq!(info.flags & XEN_DOMINF_paused, 0);
}

/// libelf `elf_load_binary`: every byte of a segment lands at its physical address, also for a
/// kernel larger than the builder's write chunk, and the BSS after it is zero.
#[test]
fn a_kernel_larger_than_one_write_arrives_whole() {
    let code: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let kernel = pvh_kernel(KERNEL_PADDR + 0x123, &code, 200_000 + 0x5000, 0x10_0123);
    let mut xc = xc();
    let domid = build_pvh(&mut xc, &config(&kernel, 8, 8), &mut |_, _| {}).unwrap();
    let backend = xc.backend();
    assert_eq!(
        backend.read_domain(domid, KERNEL_PADDR + 0x123, code.len()),
        code
    );
    assert_eq!(
        backend.read_domain(domid, KERNEL_PADDR + 0x123 + code.len() as u64, 0x5000),
        vec![0; 0x5000]
    );
}

/// `xc_shadow_control` for log-dirty, as a migration's first pass uses it (xen/arch/x86/mm/
/// paging.c): enabling starts with an empty bitmap, enabling twice is `paging_log_dirty_enable`'s
/// -EINVAL, CLEAN covers the pages asked for, and once disabled `paging_log_dirty_op` refuses
/// with -EINVAL.
#[test]
fn log_dirty_enable_clean_disable() {
    let kernel = pvh_kernel(KERNEL_PADDR, CODE, 0x1000, 0x10_0000);
    let mut xc = xc();
    let mut cfg = config(&kernel, 8, 8);
    cfg.paused = true;
    let domid = build_pvh(&mut xc, &cfg, &mut |_, _| {}).unwrap();
    let pages = 8 * 256;

    xc.logdirty_enable(domid).unwrap();
    let again = xc.logdirty_enable(domid).unwrap_err();
    assert!(
        matches!(again, Error::Xen { errno, .. } if errno == Errno::EINVAL),
        "{again:?}"
    );
    let (bitmap, stats) = xc.logdirty_clean(domid, pages).unwrap();
    assert_eq!(bitmap.len(), pages as usize / 8);
    assert!(
        bitmap.iter().all(|&b| b == 0),
        "nothing ran, nothing is dirty"
    );
    assert_eq!(stats.dirty_count, 0);

    xc.logdirty_disable(domid).unwrap();
    let off = xc.logdirty_clean(domid, pages).unwrap_err();
    assert!(
        matches!(off, Error::Xen { errno, .. } if errno == Errno::EINVAL),
        "{off:?}"
    );
}
