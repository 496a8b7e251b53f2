//! XEN_DOMCTL_gethvmcontext, XEN_DOMCTL_sethvmcontext and XEN_DOMCTL_getvcpuinfo through the
//! dispatcher, one rule per test, against Xen 4.17: xen/arch/x86/domctl.c `arch_do_domctl`,
//! xen/arch/x86/hvm/save.c `hvm_save_size` / `hvm_save` / `hvm_load` / `_hvm_check_entry`,
//! xen/arch/x86/hvm/hvm.c `hvm_save_cpu_ctxt` / `hvm_load_cpu_ctxt`, xen/arch/x86/hvm/mtrr.c
//! `hvm_save_mtrr_msr` / `hvm_load_mtrr_msr`, xen/common/domctl.c (getvcpuinfo), and the
//! toolstack's use of them in tools/libs/guest/xg_dom_x86.c `vcpu_hvm`.

use crate::common;

use std::sync::Arc;

use common::{TestDomain, TestHv, GUEST_BASE};
use hypercall::dispatch::Outcome;
use hypercall::domain::Life;
use hypercall::guest::FlatGuest;
use hypercall::hvm_context::{HvmVcpuState, CPU_LEN, MTRR_LEN};
use hypercall::Errno;
use xen_public::abi::Payload;
use xen_public::arch_x86::hvm::save::*;
use xen_public::arch_x86::xen::XEN_X86_EMU_LAPIC;
use xen_public::domctl::*;
use xen_public::hvm::save::{hvm_save_descriptor, HVM_SAVE_CODE_END};
use xen_public::xen::__HYPERVISOR_domctl;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, IntoBytes};

/// Where the xen_domctl goes in the guest buffer.
const OP: u64 = GUEST_BASE;
/// Where the context buffer goes.
const BUF: u64 = GUEST_BASE + 0x1000;

const EINVAL: i64 = -(Errno::EINVAL.0 as i64);
const EPERM: i64 = -(Errno::EPERM.0 as i64);
const ENOSPC: i64 = -(Errno::ENOSPC.0 as i64);
const ENODATA: i64 = -(Errno::ENODATA.0 as i64);
const ESRCH: i64 = -(Errno::ESRCH.0 as i64);
const EBUSY: i64 = -(Errno::EBUSY.0 as i64);
const ENOMEM: i64 = -(Errno::ENOMEM.0 as i64);
const EFAULT: i64 = -(Errno::EFAULT.0 as i64);
const EOPNOTSUPP: i64 = -(Errno::EOPNOTSUPP.0 as i64);

const DESC: u32 = 8;
const HEADER_LEN: u32 = 24;

fn domctl(hv: &TestHv, caller: &Arc<TestDomain>, guest: &mut FlatGuest, op: &xen_domctl) -> i64 {
    guest.put(OP, op);
    match common::hypercall(hv, caller, guest, __HYPERVISOR_domctl, [OP, 0, 0, 0, 0]) {
        Outcome::Return(v) => v,
        other => panic!("unexpected {other:?}"),
    }
}

fn op_with<T: zerocopy::IntoBytes + zerocopy::Immutable>(
    cmd: u32,
    domain: u16,
    payload: &T,
) -> xen_domctl {
    let mut op = xen_domctl::new(cmd, domain);
    assert!(op.set(payload));
    op
}

/// A hypervisor with dom0 and a paused PVH domU `domid` of `vcpus` vCPUs, created and sized
/// through the domctls as the toolstack does.
fn setup(domid: u16, vcpus: u32) -> (TestHv, Arc<TestDomain>, FlatGuest) {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let mut c = xen_domctl_createdomain {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: vcpus,
        ..Default::default()
    };
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    let op = op_with(XEN_DOMCTL_createdomain, domid, &c);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    let op = op_with(
        XEN_DOMCTL_max_vcpus,
        domid,
        &xen_domctl_max_vcpus { max: vcpus },
    );
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), 0);
    (hv, dom0, guest)
}

/// gethvmcontext with `size` and a buffer at BUF (or a null one): (rax, size written back).
fn get(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    size: u32,
    null: bool,
) -> (i64, u32) {
    let ctx = xen_domctl_hvmcontext {
        size,
        buffer: if null {
            GuestHandle::NULL
        } else {
            GuestHandle::new(BUF)
        },
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_gethvmcontext, domid, &ctx);
    let ret = domctl(hv, caller, guest, &op);
    let back: xen_domctl = guest.get(OP);
    (ret, back.get::<xen_domctl_hvmcontext>().unwrap().size)
}

/// The toolstack's xc_domain_hvm_getcontext: the size, then the image (`size` bytes used).
fn get_image(hv: &TestHv, dom0: &Arc<TestDomain>, guest: &mut FlatGuest, domid: u16) -> Vec<u8> {
    let (ret, size) = get(hv, dom0, guest, domid, 0, true);
    assert_eq!(ret, 0);
    let (ret, used) = get(hv, dom0, guest, domid, size, false);
    assert_eq!(ret, 0);
    assert!(used <= size);
    let start = (BUF - GUEST_BASE) as usize;
    guest.bytes[start..start + used as usize].to_vec()
}

/// sethvmcontext with `image` at BUF.
fn set(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    image: &[u8],
) -> i64 {
    let start = (BUF - GUEST_BASE) as usize;
    guest.bytes[start..start + image.len()].copy_from_slice(image);
    let ctx = xen_domctl_hvmcontext {
        size: image.len() as u32,
        buffer: GuestHandle::new(BUF),
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_sethvmcontext, domid, &ctx);
    domctl(hv, caller, guest, &op)
}

/// The records of an image: (typecode, instance, body), up to and including END.
fn records(image: &[u8]) -> Vec<(u16, u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let (d, _) = hvm_save_descriptor::read_from_prefix(&image[pos..]).unwrap();
        let start = pos + DESC as usize;
        let end = start + d.length as usize;
        out.push((d.typecode, d.instance, image[start..end].to_vec()));
        if d.typecode == HVM_SAVE_CODE_END {
            return out;
        }
        pos = end;
    }
}

/// Appends a record.
fn rec(out: &mut Vec<u8>, typecode: u16, instance: u16, body: &[u8]) {
    let d = hvm_save_descriptor {
        typecode,
        instance,
        length: body.len() as u32,
    };
    out.extend_from_slice(d.as_bytes());
    out.extend_from_slice(body);
}

fn header() -> hvm_save_header {
    hvm_save_header {
        magic: HVM_FILE_MAGIC,
        version: HVM_FILE_VERSION,
        changeset: u64::MAX,
        cpuid: 0,
        gtsc_khz: 0,
    }
}

/// HEADER, the given records, END.
fn image(body: &[(u16, u16, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    rec(&mut out, HVM_SAVE_CODE_HEADER, 0, header().as_bytes());
    for (t, i, b) in body {
        rec(&mut out, *t, *i, b);
    }
    rec(&mut out, HVM_SAVE_CODE_END, 0, &[]);
    out
}

/// The BSP record xg_dom_x86.c `vcpu_hvm` builds: flat 32-bit segments, CR0 = PE|ET, the PVH
/// entry point in RIP and the start_info address in RBX.
fn pvh_bsp(entry: u64, start_info: u64) -> hvm_hw_cpu {
    // `memset(&bsp_ctx, 0, ...)`, then the fields vcpu_hvm sets.
    hvm_hw_cpu {
        cs_base: 0,
        ds_base: 0,
        es_base: 0,
        ss_base: 0,
        tr_base: 0,
        cs_limit: !0,
        ds_limit: !0,
        es_limit: !0,
        ss_limit: !0,
        tr_limit: 0x67,
        cs_arbytes: 0xc9b,
        ds_arbytes: 0xc93,
        es_arbytes: 0xc93,
        ss_arbytes: 0xc93,
        tr_arbytes: 0x8b,
        cr0: 0x1 | 0x10, // X86_CR0_PE | X86_CR0_ET
        rip: entry,
        dr6: 0xffff_0ff0, // X86_DR6_DEFAULT
        dr7: 0x400,       // X86_DR7_DEFAULT
        rbx: start_info,
        ..Default::default()
    }
}

fn cpu_image(instance: u16, cpu: &hvm_hw_cpu) -> Vec<u8> {
    image(&[(HVM_SAVE_CODE_CPU, instance, cpu.as_bytes())])
}

/// The per-vCPU state of `domid`, as the arch layer sees it.
fn vcpu_state(hv: &TestHv, domid: u16, vcpu: u32) -> Option<HvmVcpuState> {
    hv.domains.get(domid).unwrap().hvm_vcpu(vcpu)
}

fn getvcpuinfo(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    guest: &mut FlatGuest,
    domid: u16,
    vcpu: u32,
) -> Result<xen_domctl_getvcpuinfo, i64> {
    let info = xen_domctl_getvcpuinfo {
        vcpu,
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_getvcpuinfo, domid, &info);
    match domctl(hv, caller, guest, &op) {
        0 => Ok(guest.get::<xen_domctl>(OP).get().unwrap()),
        e => Err(e),
    }
}

// xg_dom_x86.c `vcpu_hvm` end to end: the size, the image (HEADER, no CPU record for a vCPU that
// is down, MTRR records, END), one HEADER+MTRR+END load per vCPU with write-back enabled, then
// HEADER+CPU+END for vCPU 0 with the PVH entry state; the stored context is what was loaded,
// vCPU 0 is up, and a new image carries its CPU record.
#[test]
fn toolstack_round_trip_starts_vcpu0_like_vcpu_hvm() {
    let (hv, dom0, mut guest) = setup(5, 2);

    let full = get_image(&hv, &dom0, &mut guest, 5);
    let recs = records(&full);
    let types: Vec<(u16, u16)> = recs.iter().map(|(t, i, _)| (*t, *i)).collect();
    assert_eq!(
        types,
        [
            (HVM_SAVE_CODE_HEADER, 0),
            (HVM_SAVE_CODE_MTRR, 0),
            (HVM_SAVE_CODE_MTRR, 1),
            (HVM_SAVE_CODE_END, 0)
        ]
    );
    let hdr = hvm_save_header::read_from_bytes(&recs[0].2).unwrap();
    assert_eq!((hdr.magic, hdr.version), (HVM_FILE_MAGIC, HVM_FILE_VERSION));

    // The MTRR step: vCPU 0's record, default type WB (6) | enabled (1 << 11), for each vCPU.
    let mut mtrr = hvm_hw_mtrr::read_from_bytes(&recs[1].2).unwrap();
    mtrr.msr_mtrr_def_type = 6 | (1 << 11);
    let header_bytes = &full[..(DESC + HEADER_LEN) as usize];
    for i in 0..2u16 {
        let mut img = header_bytes.to_vec();
        rec(&mut img, HVM_SAVE_CODE_MTRR, i, mtrr.as_bytes());
        rec(&mut img, HVM_SAVE_CODE_END, 0, &[]);
        assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);
    }

    // The BSP step, last "since each setcontext call will put all vCPUs down".
    let bsp = pvh_bsp(0x100_0000, 0x7000);
    let mut img = header_bytes.to_vec();
    rec(&mut img, HVM_SAVE_CODE_CPU, 0, bsp.as_bytes());
    rec(&mut img, HVM_SAVE_CODE_END, 0, &[]);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);

    let d = hv.domains.get(5).unwrap();
    let ctx = d.vcpu_context(0).expect("vCPU 0 has a context");
    assert_eq!((ctx.rip, ctx.rbx, ctx.cr0), (0x100_0000, 0x7000, 0x11));
    assert_eq!(
        (ctx.cs.base, ctx.cs.limit, ctx.cs.attr, ctx.cs.sel),
        (0, !0, 0xc9b, 0)
    );
    assert_eq!((ctx.ss.attr, ctx.ds.attr, ctx.es.limit), (0xc93, 0xc93, !0));
    assert_eq!((ctx.tr.limit, ctx.tr.attr), (0x67, 0x8b));
    assert_eq!(
        (ctx.dr6, ctx.dr7, ctx.efer, ctx.cr4),
        (0xffff_0ff0, 0x400, 0, 0)
    );
    // hvm_load_cpu_ctxt: `rflags = ctxt.rflags | X86_EFLAGS_MBS`; no FPU state without the flag.
    assert_eq!(ctx.rflags, 2);
    assert_eq!(ctx.fpu, None);
    assert_eq!(d.vcpu_context(1), None);
    assert_eq!(vcpu_state(&hv, 5, 1).unwrap().mtrr, mtrr);
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 5, 0).unwrap().online, 1);
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 5, 1).unwrap().online, 0);

    // The next image carries vCPU 0's CPU record, as hvm_save_cpu_ctxt would.
    let again = records(&get_image(&hv, &dom0, &mut guest, 5));
    let cpu = again
        .iter()
        .find(|(t, i, _)| (*t, *i) == (HVM_SAVE_CODE_CPU, 0))
        .expect("a CPU record for vCPU 0");
    let cpu = hvm_hw_cpu::read_from_bytes(&cpu.2).unwrap();
    assert_eq!(
        (cpu.rip, cpu.rbx, cpu.cs_arbytes, cpu.rflags),
        (0x100_0000, 0x7000, 0xc9b, 2)
    );
    assert!(!again
        .iter()
        .any(|(t, i, _)| (*t, *i) == (HVM_SAVE_CODE_CPU, 1)));
    hv.check_invariants().unwrap();
}

// arch_do_domctl gethvmcontext: a null buffer asks for the size, `hvm_save_size` (two
// descriptors and the HEADER, plus a CPU and an MTRR record with descriptors per vCPU), written
// back in `size`; nothing else happens.
#[test]
fn null_buffer_returns_the_size() {
    for vcpus in [1u32, 3] {
        let (hv, dom0, mut guest) = setup(5, vcpus);
        let (ret, size) = get(&hv, &dom0, &mut guest, 5, 7, true);
        assert_eq!(ret, 0);
        let per_vcpu = DESC + CPU_LEN as u32 + DESC + MTRR_LEN as u32;
        assert_eq!(size, 2 * DESC + HEADER_LEN + vcpus * per_vcpu);
    }
    // Before XEN_DOMCTL_max_vcpus there are no vCPUs: HEADER and END only.
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    hv.create_domain(Some(6), common::pvh_config(false))
        .unwrap();
    assert_eq!(
        get(&hv, &dom0, &mut guest, 6, 0, true),
        (0, 2 * DESC + HEADER_LEN)
    );
}

// arch_do_domctl gethvmcontext: "Check that the client has a big enough buffer": ENOSPC when
// `size` is below hvm_save_size, nothing written to the buffer, `size` copied back unchanged.
#[test]
fn small_buffer_is_enospc() {
    let (hv, dom0, mut guest) = setup(5, 1);
    let (_, need) = get(&hv, &dom0, &mut guest, 5, 0, true);
    let start = (BUF - GUEST_BASE) as usize;
    guest.bytes[start..start + need as usize].fill(0xaa);
    assert_eq!(
        get(&hv, &dom0, &mut guest, 5, need - 1, false),
        (ENOSPC, need - 1)
    );
    assert!(guest.bytes[start..start + need as usize]
        .iter()
        .all(|&b| b == 0xaa));
    // Exactly the size is enough.
    assert_eq!(get(&hv, &dom0, &mut guest, 5, need, false).0, 0);
}

// arch_do_domctl: get and set on the caller itself are EINVAL ("no domain_pause()").
#[test]
fn caller_itself_is_einval() {
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(get(&hv, &dom0, &mut guest, 0, 0, true).0, EINVAL);
    let img = cpu_image(0, &pvh_bsp(0x1000, 0));
    assert_eq!(set(&hv, &dom0, &mut guest, 0, &img), EINVAL);
    assert_eq!(dom0.vcpu_context(0), None);
}

// arch_do_domctl: `!is_hvm_domain(d)` is EINVAL for get and set.
#[test]
fn non_hvm_domain_is_einval() {
    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let mut config = common::pvh_config(false);
    config.flags = 0;
    let d = hv.create_domain(Some(9), config).unwrap();
    d.state().vcpus = 1;
    assert_eq!(get(&hv, &dom0, &mut guest, 9, 0, true).0, EINVAL);
    let img = cpu_image(0, &pvh_bsp(0x1000, 0));
    assert_eq!(set(&hv, &dom0, &mut guest, 9, &img), EINVAL);
    assert_eq!(d.vcpu_context(0), None);
}

// xsm_domctl (dummy policy, XSM_PRIV): an unprivileged caller gets EPERM for all three
// commands, and nothing changes.
#[test]
fn unprivileged_caller_is_eperm() {
    let (hv, _dom0, mut guest) = setup(5, 1);
    let other = hv
        .create_domain(Some(7), common::pvh_config(false))
        .unwrap();
    assert_eq!(get(&hv, &other, &mut guest, 5, 0, true).0, EPERM);
    let img = cpu_image(0, &pvh_bsp(0x1000, 0));
    assert_eq!(set(&hv, &other, &mut guest, 5, &img), EPERM);
    assert_eq!(vcpu_state(&hv, 5, 0), Some(HvmVcpuState::new()));
    assert_eq!(getvcpuinfo(&hv, &other, &mut guest, 5, 0), Err(EPERM));
}

/// Loads `img` into a 1-vCPU domain that already has a good context, expects `errno`, and checks
/// that the domain's vCPU state did not change.
fn refused(img: &[u8], errno: i64) {
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            5,
            &cpu_image(0, &pvh_bsp(0x2000, 0x10))
        ),
        0
    );
    let before = vcpu_state(&hv, 5, 0);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, img), errno);
    assert_eq!(
        vcpu_state(&hv, 5, 0),
        before,
        "a refused image changed the vCPU"
    );
    assert!(before.unwrap().online);
}

// arch_hvm_check: a HEADER whose magic is not HVM_FILE_MAGIC, or whose version is not
// HVM_FILE_VERSION, is EINVAL.
#[test]
fn bad_magic_or_version_is_einval() {
    let mut img = cpu_image(0, &pvh_bsp(0x1000, 0));
    img[8..12].copy_from_slice(&0x5438_1287u32.to_le_bytes());
    refused(&img, EINVAL);
    let mut img = cpu_image(0, &pvh_bsp(0x1000, 0));
    img[12..16].copy_from_slice(&2u32.to_le_bytes());
    refused(&img, EINVAL);
}

// hvm_load: "Read the save header, which must be first" (`hvm_load_entry(HEADER, ...)`, strict
// length): no HEADER, a HEADER of the wrong length, or an image too short for one is ENODATA.
#[test]
fn missing_or_malformed_header_is_enodata() {
    let good = image(&[]);
    refused(&good[(DESC + HEADER_LEN) as usize..], ENODATA); // starts with END
    refused(&good[..20], ENODATA); // truncated inside the HEADER
    refused(&[], ENODATA);
    let mut long_header = Vec::new();
    let mut h = header().as_bytes().to_vec();
    h.extend_from_slice(&[0; 8]);
    rec(&mut long_header, HVM_SAVE_CODE_HEADER, 0, &h);
    rec(&mut long_header, HVM_SAVE_CODE_END, 0, &[]);
    refused(&long_header, ENODATA);
}

// hvm_load: "save did not end with a null entry": an image that runs out before END, even by a
// few bytes of a descriptor, is ENODATA.
#[test]
fn image_without_end_is_enodata() {
    let img = cpu_image(0, &pvh_bsp(0x1000, 0));
    let no_end = &img[..img.len() - DESC as usize];
    refused(no_end, ENODATA);
    refused(&img[..img.len() - 3], ENODATA);
}

// _hvm_check_entry: a record longer than what is left of the image is EINVAL (truncated record),
// and so is a length near 2^32 (no overflow in the bounds check).
#[test]
fn truncated_or_overlong_record_is_einval() {
    let img = cpu_image(0, &pvh_bsp(0x1000, 0));
    // Cut inside the CPU record's body.
    refused(&img[..(DESC + HEADER_LEN + DESC + 100) as usize], EINVAL);
    for length in [u32::MAX, u32::MAX - 7, CPU_LEN as u32 + 1] {
        let mut img = cpu_image(0, &pvh_bsp(0x1000, 0));
        let at = (DESC + HEADER_LEN + 4) as usize;
        img[at..at + 4].copy_from_slice(&length.to_le_bytes());
        refused(&img, EINVAL);
    }
    // MTRR records are read with a strict length.
    let short_mtrr = [0u8; MTRR_LEN - 8];
    refused(&image(&[(HVM_SAVE_CODE_MTRR, 0, &short_mtrr)]), EINVAL);
}

// hvm_load_cpu_ctxt / hvm_load_mtrr_msr: "dom%u has no vcpu%u": an instance at or above
// max_vcpus is EINVAL, and so is one below it that XEN_DOMCTL_max_vcpus has not created.
#[test]
fn record_for_a_missing_vcpu_is_einval() {
    refused(&cpu_image(5, &pvh_bsp(0x1000, 0)), EINVAL);
    let mtrr = HvmVcpuState::new().mtrr;
    refused(&image(&[(HVM_SAVE_CODE_MTRR, 1, mtrr.as_bytes())]), EINVAL);

    let (hv, dom0) = common::hypervisor(4096);
    let mut guest = common::guest();
    let mut config = common::pvh_config(false);
    config.max_vcpus = 2;
    let d = hv.create_domain(Some(6), config).unwrap();
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            6,
            &cpu_image(0, &pvh_bsp(0x1000, 0))
        ),
        EINVAL
    );
    d.state().vcpus = 2;
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            6,
            &cpu_image(1, &pvh_bsp(0x1000, 0))
        ),
        0
    );
}

// hvm_load: "unknown entry typecode": above HVM_SAVE_CODE_MAX, or a type with no loader (a second
// HEADER), is EINVAL. Types Xen loads but xen-rs does not model (LAPIC here) are EOPNOTSUPP
// (deviation).
#[test]
fn unknown_typecode_is_einval() {
    refused(&image(&[(HVM_SAVE_CODE_MAX + 1, 0, &[0; 8])]), EINVAL);
    refused(&image(&[(0xffff, 0, &[])]), EINVAL);
    refused(
        &image(&[(HVM_SAVE_CODE_HEADER, 0, header().as_bytes())]),
        EINVAL,
    );
    refused(&image(&[(HVM_SAVE_CODE_LAPIC, 0, &[0; 24])]), EOPNOTSUPP);
}

/// A change that makes a CPU record invalid.
type Breaker = fn(&mut hvm_hw_cpu);

// hvm_load_cpu_ctxt (and svm_vmcb_restore for the pending event): each check that refuses a CPU
// record with EINVAL.
#[test]
fn cpu_record_checks_are_einval() {
    let cases: [(&str, Breaker); 14] = [
        ("pad0", |c| c.pad0 = 1),
        ("CR0 reserved bit", |c| c.cr0 |= 1 << 6),
        ("CR0 high bit", |c| c.cr0 |= 1 << 32),
        ("CR0 without ET", |c| c.cr0 &= !0x10),
        ("CR0.PG without PE", |c| c.cr0 = 0x10 | (1 << 31)),
        ("CR4.VMXE", |c| c.cr4 = 1 << 13),
        ("CR4.LA57", |c| c.cr4 = 1 << 12),
        ("EFER unknown bit", |c| c.msr_efer = 1 << 1),
        ("EFER.LMA without LME", |c| {
            c.cr0 = 0x11 | (1 << 31);
            c.msr_efer = 1 << 10;
        }),
        ("EFER.LMA without CR0.PG", |c| {
            c.msr_efer = (1 << 10) | (1 << 8)
        }),
        ("EFER.SVME without nested virt", |c| c.msr_efer = 1 << 12),
        ("flags", |c| c.flags = 2),
        ("MSR_TSC_AUX above 32 bits", |c| c.msr_tsc_aux = 1 << 32),
        ("pending event of type 1", |c| {
            c.pending_event = (1 << 31) | (1 << 8) | 14
        }),
    ];
    for (what, break_it) in cases {
        let mut c = pvh_bsp(0x1000, 0);
        break_it(&mut c);
        let (hv, dom0, mut guest) = setup(5, 1);
        assert_eq!(
            set(&hv, &dom0, &mut guest, 5, &cpu_image(0, &c)),
            EINVAL,
            "{what}"
        );
        assert_eq!(vcpu_state(&hv, 5, 0), Some(HvmVcpuState::new()), "{what}");
    }
    // The same record with long mode on, a hardware exception pending with a 16-bit error code,
    // and every allowed CR4 bit, is good.
    let mut c = pvh_bsp(0x1000, 0);
    c.cr0 = 0x11 | (1 << 31);
    c.cr4 = 0x20;
    c.msr_efer = (1 << 8) | (1 << 10) | (1 << 11) | 1;
    c.pending_event = (1 << 31) | (1 << 11) | (3 << 8) | 13;
    c.error_code = 0xfff8;
    refused_not(&c);
    let mut c = pvh_bsp(0x1000, 0);
    c.pending_event = (1 << 31) | (1 << 11) | (3 << 8) | 13;
    c.error_code = 0x1_0000;
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &cpu_image(0, &c)), EINVAL);
}

fn refused_not(c: &hvm_hw_cpu) {
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &cpu_image(0, c)), 0);
}

// hvm_load_mtrr_msr: "too many variable range MTRRs" (MTRRcap.VCNT above MTRR_VCNT) is EINVAL;
// a good record replaces the vCPU's MTRRs.
#[test]
fn mtrr_record_checks() {
    let mut mtrr = HvmVcpuState::new().mtrr;
    mtrr.msr_mtrr_cap = (mtrr.msr_mtrr_cap & !0xff) | 9;
    refused(&image(&[(HVM_SAVE_CODE_MTRR, 0, mtrr.as_bytes())]), EINVAL);

    let (hv, dom0, mut guest) = setup(5, 1);
    let mut mtrr = HvmVcpuState::new().mtrr;
    mtrr.msr_mtrr_var[0] = 0x6;
    mtrr.msr_mtrr_def_type = 0x806;
    let img = image(&[(HVM_SAVE_CODE_MTRR, 0, mtrr.as_bytes())]);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);
    assert_eq!(vcpu_state(&hv, 5, 0).unwrap().mtrr, mtrr);
}

// hvm_vcpu_cacheattr_init: a new vCPU's MTRR record (what vcpu_hvm copies) has MTRRcap =
// fixed | WC | 8 variable ranges, the power-on PAT, and everything disabled.
#[test]
fn new_vcpu_mtrr_record_is_the_reset_state() {
    let (hv, dom0, mut guest) = setup(5, 1);
    let recs = records(&get_image(&hv, &dom0, &mut guest, 5));
    let mtrr = hvm_hw_mtrr::read_from_bytes(&recs[1].2).unwrap();
    assert_eq!(mtrr.msr_mtrr_cap, 0x508);
    assert_eq!(mtrr.msr_pat_cr, 0x0007_0406_0007_0406);
    assert_eq!(mtrr.msr_mtrr_def_type, 0);
}

// hvm_load_entry_zeroextend(CPU) with _hvm_hw_fix_cpu: a record of the pre-3.4 length (no
// msr_tsc_aux, flags) is accepted with its tail moved, and any short record gets
// XEN_X86_FPU_INITIALISED (so the FPU image is taken).
#[test]
fn compat_cpu_record_is_fixed_up() {
    let (hv, dom0, mut guest) = setup(5, 1);
    let mut c = pvh_bsp(0x1000, 0);
    c.tsc = 0x1234;
    c.fpu_regs[0] = 0x7f;
    let full = c.as_bytes();
    // The compat record is the native one without msr_tsc_aux (8 bytes before tsc) and
    // without flags/pad0 at the end.
    let tsc_at = std::mem::offset_of!(hvm_hw_cpu, msr_tsc_aux);
    let mut compat = full[..tsc_at].to_vec();
    compat.extend_from_slice(&full[tsc_at + 8..full.len() - 8]);
    assert_eq!(compat.len(), std::mem::size_of::<hvm_hw_cpu_compat>());
    let img = image(&[(HVM_SAVE_CODE_CPU, 0, &compat)]);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);
    let ctx = hv.domains.get(5).unwrap().vcpu_context(0).unwrap();
    assert_eq!((ctx.tsc, ctx.rip, ctx.tsc_aux), (0x1234, 0x1000, 0));
    assert_eq!(ctx.fpu.unwrap()[0], 0x7f);
}

// hvm_load_cpu_ctxt: UNFOLD_ARBYTES turns attributes old Xen saved from the VMCS (bits 12-15)
// into segment_register format; a record with XEN_X86_FPU_INITIALISED keeps its FPU image.
#[test]
fn cpu_record_loading_follows_xen() {
    let (hv, dom0, mut guest) = setup(5, 1);
    let mut c = pvh_bsp(0x1000, 0);
    c.cs_arbytes = 0xc09b; // VMX layout: G and D/B in bits 15 and 14
    c.flags = XEN_X86_FPU_INITIALISED;
    c.fpu_regs[24] = 0x80;
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &cpu_image(0, &c)), 0);
    let ctx = hv.domains.get(5).unwrap().vcpu_context(0).unwrap();
    assert_eq!(ctx.cs.attr, 0xc9b);
    assert_eq!(ctx.fpu.unwrap()[24], 0x80);
}

// hvm_load: "Down all the vcpus: we only re-enable the ones that had state saved": an image
// without a CPU record for a vCPU leaves it down (its registers are kept).
#[test]
fn each_load_takes_every_vcpu_down() {
    let (hv, dom0, mut guest) = setup(5, 2);
    let bsp = pvh_bsp(0x1000, 0);
    let img = image(&[
        (HVM_SAVE_CODE_CPU, 0, bsp.as_bytes()),
        (HVM_SAVE_CODE_CPU, 1, bsp.as_bytes()),
    ]);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);
    assert!(vcpu_state(&hv, 5, 1).unwrap().online);
    let mtrr = HvmVcpuState::new().mtrr;
    let img = image(&[(HVM_SAVE_CODE_MTRR, 0, mtrr.as_bytes())]);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &img), 0);
    for v in 0..2 {
        let s = vcpu_state(&hv, 5, v).unwrap();
        assert!(!s.online && s.context.is_some());
        assert_eq!(hv.domains.get(5).unwrap().vcpu_context(v), None);
        assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 5, v).unwrap().online, 0);
    }
    // hvm_save_cpu_ctxt: "We don't need to save state for a vcpu that is down".
    let recs = records(&get_image(&hv, &dom0, &mut guest, 5));
    assert!(!recs.iter().any(|(t, _, _)| *t == HVM_SAVE_CODE_CPU));
}

// A refused image changes nothing, even after good records (upstream hvm_load's check pass,
// since 4.19; 4.17 left the records before the bad one loaded).
#[test]
fn bad_record_after_good_ones_changes_nothing() {
    let bsp = pvh_bsp(0x3000, 0);
    let mut bad = pvh_bsp(0x3000, 0);
    bad.pad0 = 1;
    let mtrr = HvmVcpuState::new().mtrr;
    let mut new_mtrr = mtrr;
    new_mtrr.msr_mtrr_def_type = 0x806;
    refused(
        &image(&[
            (HVM_SAVE_CODE_MTRR, 0, new_mtrr.as_bytes()),
            (HVM_SAVE_CODE_CPU, 0, bsp.as_bytes()),
            (HVM_SAVE_CODE_CPU, 0, bad.as_bytes()),
        ]),
        EINVAL,
    );
}

// hvm_load / hvm_save: `if ( d->is_dying ) return -EINVAL;`
#[test]
fn dying_domain_is_einval() {
    let (hv, dom0, mut guest) = setup(5, 1);
    hv.domains.get(5).unwrap().state().life = Life::Dying;
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            5,
            &cpu_image(0, &pvh_bsp(0x1000, 0))
        ),
        EINVAL
    );
    assert_eq!(vcpu_state(&hv, 5, 0), Some(HvmVcpuState::new()));
    let (_, need) = get(&hv, &dom0, &mut guest, 5, 0, true);
    assert_eq!(get(&hv, &dom0, &mut guest, 5, need, false), (EINVAL, 0));
    hv.domains.get(5).unwrap().state().life = Life::Alive;
}

// Deviation: Xen pauses the domain around hvm_load itself; xen-rs needs it paused by the
// toolstack (a running vCPU's registers are the arch layer's), else EBUSY.
#[test]
fn unpaused_domain_is_ebusy() {
    let (hv, dom0, mut guest) = setup(5, 1);
    hv.domains.get(5).unwrap().state().controller_pause_count = 0;
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            5,
            &cpu_image(0, &pvh_bsp(0x1000, 0))
        ),
        EBUSY
    );
    assert_eq!(vcpu_state(&hv, 5, 0), Some(HvmVcpuState::new()));
}

// arch_do_domctl sethvmcontext: the buffer is allocated (ENOMEM when it cannot be: xen-rs bounds
// it at 1 MiB) and copied in (EFAULT); gethvmcontext's copy out is EFAULT too.
#[test]
fn buffer_errors() {
    let (hv, dom0, mut guest) = setup(5, 1);
    let ctx = xen_domctl_hvmcontext {
        size: (1 << 20) + 1,
        buffer: GuestHandle::new(BUF),
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_sethvmcontext, 5, &ctx);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), ENOMEM);
    // Exactly 1 MiB is read in (here from memory the guest buffer does not have).
    let ctx = xen_domctl_hvmcontext {
        size: 1 << 20,
        buffer: GuestHandle::new(BUF),
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_sethvmcontext, 5, &ctx);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), EFAULT);
    let ctx = xen_domctl_hvmcontext {
        size: 4096,
        buffer: GuestHandle::new(0x10),
        ..Default::default()
    };
    let op = op_with(XEN_DOMCTL_sethvmcontext, 5, &ctx);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), EFAULT);
    let op = op_with(XEN_DOMCTL_gethvmcontext, 5, &ctx);
    assert_eq!(domctl(&hv, &dom0, &mut guest, &op), EFAULT);
}

// do_domctl getvcpuinfo (4.17): EINVAL at or above max_vcpus, ESRCH for a vCPU not created yet;
// `online` is !VPF_down (a new vCPU is down).
#[test]
fn getvcpuinfo_rules() {
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 5, 1), Err(EINVAL));
    let info = getvcpuinfo(&hv, &dom0, &mut guest, 5, 0).unwrap();
    assert_eq!(
        (info.vcpu, info.online, info.running, info.blocked),
        (0, 0, 0, 0)
    );
    assert_eq!(
        set(
            &hv,
            &dom0,
            &mut guest,
            5,
            &cpu_image(0, &pvh_bsp(0x1000, 0))
        ),
        0
    );
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 5, 0).unwrap().online, 1);

    let mut config = common::pvh_config(false);
    config.max_vcpus = 2;
    hv.create_domain(Some(6), config).unwrap();
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 6, 0), Err(ESRCH));
    assert_eq!(getvcpuinfo(&hv, &dom0, &mut guest, 6, 2), Err(EINVAL));
}

// hvm_load_cpu_ctxt: every CR0 bit a guest may set (the complement of
// HVM_CR0_GUEST_RESERVED_BITS), every CR4 bit hvm_cr4_guest_valid_bits allows here, and the
// EFER bits of EFER_KNOWN_MASK that need nothing else, are each accepted, alone and all together.
#[test]
fn every_valid_control_register_bit_is_accepted() {
    const PE_ET: u64 = 0x1 | 0x10;
    let cr0_bits = [
        0x2,
        0x4,
        0x8,
        0x20,
        1 << 16,
        1 << 18,
        1 << 29,
        1 << 30,
        1 << 31,
    ];
    let cr4_bits = [
        0x1,
        0x2,
        0x4,
        0x8,
        0x10,
        0x20,
        0x40,
        0x80,
        0x100,
        0x200,
        0x400,
        0x800,
        1 << 16,
        1 << 17,
        1 << 18,
        1 << 20,
        1 << 21,
        1 << 22,
    ];
    // SCE, LME, NX, FFXSE (LMA needs LME and paging on; SVME needs nested virtualisation).
    let efer_bits = [1, 1 << 8, 1 << 11, 1 << 14];
    for bit in cr0_bits {
        let mut c = pvh_bsp(0x1000, 0);
        c.cr0 = PE_ET | bit;
        refused_not(&c);
    }
    for bit in cr4_bits {
        let mut c = pvh_bsp(0x1000, 0);
        c.cr4 = bit;
        refused_not(&c);
    }
    for bit in efer_bits {
        let mut c = pvh_bsp(0x1000, 0);
        c.msr_efer = bit;
        refused_not(&c);
    }
    let mut c = pvh_bsp(0x1000, 0);
    c.cr0 = cr0_bits.iter().fold(PE_ET, |a, b| a | b);
    c.cr4 = cr4_bits.iter().fold(0, |a, b| a | b);
    c.msr_efer = efer_bits.iter().fold(1 << 10, |a, b| a | b);
    refused_not(&c);
}

// The HEADER's changeset: xen/arch/x86/hvm/save.c arch_hvm_save does
// `simple_strtoll(strrchr(xen_changeset(), ':'), NULL, 16)`, which parses from the ':' itself (so
// 0), or ~0 when the changeset has no ':'.
#[test]
fn header_changeset_is_0_with_a_colon_and_all_ones_without() {
    use hypercall::hvm_context::header_changeset;
    assert_eq!(header_changeset("Wed Nov 6 2024 +0100 git:01140da4e8"), 0);
    assert_eq!(header_changeset("unavailable"), u64::MAX);
}

/// Loads `c` as vCPU 0's record of domain 5 and returns the context it gave.
fn loaded(c: &hvm_hw_cpu) -> hypercall::hvm_context::HvmVcpuContext {
    let (hv, dom0, mut guest) = setup(5, 1);
    assert_eq!(set(&hv, &dom0, &mut guest, 5, &cpu_image(0, c)), 0);
    vcpu_state(&hv, 5, 0).unwrap().context.unwrap()
}

// hvm_load_cpu_ctxt: UNFOLD_ARBYTES moves attributes saved in VMCS format (bits 12-15 set, 8-11
// clear) down into segment_register format; others are kept (to 16 bits). RFLAGS always gets
// bit 1 (X86_EFLAGS_MBS), which a record may already have.
#[test]
fn segment_attributes_unfold_and_rflags_keeps_bit_1() {
    let mut c = pvh_bsp(0x1000, 0);
    c.cs_arbytes = 0xc09b; // VMCS layout: G, D/B in bits 15, 14
    c.ds_arbytes = 0xc93; // already unfolded
    c.es_arbytes = 0x1_f093; // bits 8-11 clear but a bit above 16: still folded
    c.ss_arbytes = 0xf193; // bits 12-15 set and bit 8 set: kept
    c.rflags = 0x2;
    let ctx = loaded(&c);
    assert_eq!(ctx.cs.attr, 0xc9b);
    assert_eq!(ctx.ds.attr, 0xc93);
    assert_eq!(ctx.es.attr, 0xf93);
    assert_eq!(ctx.ss.attr, 0xf193);
    assert_eq!(ctx.rflags, 0x2);
    c.rflags = 0x200;
    assert_eq!(loaded(&c).rflags, 0x202);
}

// svm_vmcb_restore: only a pending event with its valid bit is checked; its type must be 0, 2, 3
// or 4 with no reserved bits, and only an event that delivers an error code needs one of 16 bits.
// hvm_load_cpu_ctxt accepts real mode (CR0 = ET alone).
#[test]
fn pending_event_checks_look_at_valid_events_only() {
    let good = |ev: u32, error_code: u32| {
        let mut c = pvh_bsp(0x1000, 0);
        c.pending_event = ev;
        c.error_code = error_code;
        refused_not(&c);
    };
    let bad = |ev: u32| {
        let mut c = pvh_bsp(0x1000, 0);
        c.pending_event = ev;
        let (hv, dom0, mut guest) = setup(5, 1);
        assert_eq!(
            set(&hv, &dom0, &mut guest, 5, &cpu_image(0, &c)),
            EINVAL,
            "{ev:#x}"
        );
    };
    // Not valid: nothing is checked.
    good((1 << 8) | (1 << 12) | (1 << 11), 0x1_0000);
    // Software interrupt (type 4), and an exception with no error code but a wide one given.
    good((1 << 31) | (4 << 8) | 0x80, 0);
    good((1 << 31) | (3 << 8) | 6, 0x1_0000);
    bad((1 << 31) | (5 << 8));
    bad((1 << 31) | (1 << 12) | 6);
    let mut c = pvh_bsp(0x1000, 0);
    c.cr0 = 0x10;
    refused_not(&c);
}

// hvm_load: a typecode up to HVM_SAVE_CODE_MAX has a loader in Xen (xen-rs models CPU and MTRR
// and answers EOPNOTSUPP for the others); the HEADER must be the first record, by its typecode as
// well as its length (ENODATA); a CPU record longer than the structure is EINVAL, even when the
// image holds its bytes (_hvm_check_entry: `len < d->length`).
#[test]
fn record_types_and_lengths_at_their_limits() {
    refused(&image(&[(HVM_SAVE_CODE_MAX, 0, &[0; 8])]), EOPNOTSUPP);
    let mut not_header = Vec::new();
    rec(&mut not_header, HVM_SAVE_CODE_CPU, 0, header().as_bytes());
    rec(&mut not_header, HVM_SAVE_CODE_END, 0, &[]);
    refused(&not_header, ENODATA);
    let mut long_cpu = pvh_bsp(0x1000, 0).as_bytes().to_vec();
    long_cpu.extend_from_slice(&[0; 8]);
    refused(&image(&[(HVM_SAVE_CODE_CPU, 0, &long_cpu)]), EINVAL);
}
