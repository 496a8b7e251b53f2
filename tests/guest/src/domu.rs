//! `mode=domu`: dom0 builds and runs a small PVH domU the way Xen's toolstack does
//! (tools/libs/light and tools/libs/guest: createdomain, max_vcpus, max_mem, populate_physmap,
//! writing the kernel through a foreign mapping, the vCPU's start state through
//! get/sethvmcontext, unpause), waits for it to shut down, and destroys it.
//!
//! The domU's kernel is a few bytes of 32-bit code: it installs its hypercall page through
//! Xen's MSR and calls SCHEDOP_shutdown(SHUTDOWN_reboot). Seeing that reason in getdomaininfo
//! proves the domU ran its own code on its own memory.

use core::ptr::addr_of_mut;

use xen_public::abi::Payload;
use xen_public::arch_x86::hvm::save::{
    hvm_hw_cpu, hvm_save_header, HVM_SAVE_CODE_CPU, HVM_SAVE_CODE_HEADER,
};
use xen_public::arch_x86::xen::XEN_X86_EMU_LAPIC;
use xen_public::domctl::*;
use xen_public::hvm::save::hvm_save_descriptor;
use xen_public::memory::{
    xen_add_to_physmap_batch, xen_memory_reservation, xen_remove_from_physmap,
    XENMAPSPACE_gmfn_foreign, XENMEM_add_to_physmap_batch, XENMEM_populate_physmap,
    XENMEM_remove_from_physmap,
};
use xen_public::sched::{SCHEDOP_yield, SHUTDOWN_reboot};
use xen_public::xen::{
    __HYPERVISOR_domctl, __HYPERVISOR_memory_op, __HYPERVISOR_sched_op, DOMID_SELF,
};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, IntoBytes};

use crate::hypercall::hypercall;
use crate::println;

/// Where the domU's kernel goes (guest-physical, in the domU).
const DOMU_ENTRY: u64 = 0x10_0000;
/// Where dom0 maps the domU's kernel page while writing it: above dom0's RAM in the boot tests
/// and under Xen's defaults, inside the first GiB that the guest's page tables identity-map.
const MAP_GFN: u64 = 0x3f000;
/// The domU's memory: two 2 MiB extents.
const DOMU_PAGES: u64 = 1024;

/// The domU's code (32-bit, paging off, loaded at DOMU_ENTRY): first a write to port 0xf4
/// (QEMU's debug-exit device: a hypervisor that let a domU reach it would end the whole run), then
/// the hypercall page at 0x101000, SCHEDOP_shutdown with the reason at 0x100100, and halt.
const DOMU_CODE: [u8; 42] = [
    0x66, 0xba, 0xf4, 0x00, //       mov dx, 0xf4
    0xb0, 0x11, //                   mov al, 0x11
    0xee, //                         out dx, al
    0xb9, 0x00, 0x00, 0x00, 0x40, // mov ecx, 0x40000000   (Xen's hypercall MSR)
    0xb8, 0x00, 0x10, 0x10, 0x00, // mov eax, 0x101000     (the page's address)
    0x31, 0xd2, //                   xor edx, edx
    0x0f, 0x30, //                   wrmsr
    0xbb, 0x02, 0x00, 0x00, 0x00, // mov ebx, 2            (SCHEDOP_shutdown)
    0xb9, 0x00, 0x01, 0x10, 0x00, // mov ecx, 0x100100     (&reason)
    0xb8, 0xa0, 0x13, 0x10, 0x00, // mov eax, 0x1013a0     (the page's sched_op stub)
    0xff, 0xd0, //                   call eax
    0xf4, //                         hlt
    0xeb, 0xfd, //                   jmp hlt
    0x90, //                         padding
];

/// The hypercall buffers: static, so their (identity-mapped) addresses are guest-physical.
#[repr(C, align(4096))]
pub(crate) struct Buffers {
    pub(crate) domctl: xen_domctl,
    reservation: xen_memory_reservation,
    extents: [u64; 2],
    batch: xen_add_to_physmap_batch,
    idxs: [u64; 1],
    gpfns: [u64; 1],
    errs: [i32; 1],
    remove: xen_remove_from_physmap,
    yield_arg: u64,
    image: [u8; 16384],
}

static mut BUFFERS: Buffers = Buffers {
    domctl: xen_domctl {
        cmd: 0,
        interface_version: 0,
        domain: 0,
        _pad: [0; 3],
        u: [0; 16],
    },
    reservation: empty_reservation(),
    extents: [0; 2],
    batch: empty_batch(),
    idxs: [0],
    gpfns: [0],
    errs: [0],
    remove: empty_remove(),
    yield_arg: 0,
    image: [0; 16384],
};

const fn empty_reservation() -> xen_memory_reservation {
    xen_memory_reservation {
        extent_start: GuestHandle::NULL,
        nr_extents: 0,
        extent_order: 0,
        mem_flags: 0,
        domid: 0,
        _pad0: [0; 6],
    }
}

const fn empty_batch() -> xen_add_to_physmap_batch {
    xen_add_to_physmap_batch {
        domid: 0,
        space: 0,
        size: 0,
        u: 0,
        idxs: GuestHandle::NULL,
        gpfns: GuestHandle::NULL,
        errs: GuestHandle::NULL,
    }
}

const fn empty_remove() -> xen_remove_from_physmap {
    xen_remove_from_physmap {
        domid: 0,
        _pad0: [0; 6],
        gpfn: 0,
    }
}

pub(crate) fn buffers() -> &'static mut Buffers {
    // SAFETY: one vCPU, and one mode (domu or conformance) is the only user of BUFFERS; each
    // call site uses the reference only until the next call.
    unsafe { &mut *addr_of_mut!(BUFFERS) }
}

/// Issues one domctl with `payload` as its union member; returns the result and leaves the
/// struct (as Xen wrote it back) in the buffer. Shared with `mode=conformance`.
pub(crate) fn domctl<T: IntoBytes + zerocopy::Immutable>(
    cmd: u32,
    domain: u16,
    payload: &T,
) -> i64 {
    let b = buffers();
    b.domctl = xen_domctl::new(cmd, domain);
    b.domctl.set(payload);
    let addr = addr_of_mut!(b.domctl) as u64;
    // SAFETY: the argument is a domctl struct in the static buffers, which Xen may write.
    unsafe { hypercall(__HYPERVISOR_domctl, [addr, 0, 0, 0, 0]) }
}

/// memory_op(cmd, arg); shared with `mode=conformance`.
pub(crate) fn memory_op(cmd: u32, arg: u64) -> i64 {
    // SAFETY: callers pass the static buffers, their own stack or an address outside the
    // guest's memory (conformance's bad-handle cases); Xen may read and write the first two.
    unsafe { hypercall(__HYPERVISOR_memory_op, [u64::from(cmd), arg, 0, 0, 0]) }
}

fn check(what: &str, rc: i64) -> Result<(), ()> {
    if rc < 0 {
        println!("domu: {what} failed: {rc}");
        Err(())
    } else {
        Ok(())
    }
}

/// The mode: build, run, wait for, and destroy a domU. Returns whether all went as expected.
pub fn run() -> bool {
    // A failed step was already reported; it counts as not done.
    build_and_run().unwrap_or(false)
}

fn build_and_run() -> Result<bool, ()> {
    // createdomain (libxl's PVH: HVM container with HAP and only the local APIC emulated).
    let config = xen_domctl_createdomain {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 1,
        max_evtchn_port: 1023,
        max_grant_frames: 32,
        max_maptrack_frames: 1024,
        grant_opts: 2,
        arch: xen_public::arch_x86::xen::xen_arch_domainconfig {
            emulation_flags: XEN_X86_EMU_LAPIC,
            misc_flags: 0,
        },
        ..Default::default()
    };
    check("createdomain", domctl(XEN_DOMCTL_createdomain, 0, &config))?;
    let domid = buffers().domctl.domain;
    println!("domu: created d{domid}");
    let max = xen_domctl_max_vcpus { max: 1 };
    check("max_vcpus", domctl(XEN_DOMCTL_max_vcpus, domid, &max))?;
    let mem = xen_domctl_max_mem {
        max_memkb: DOMU_PAGES * 4 + 1024,
    };
    check("max_mem", domctl(XEN_DOMCTL_max_mem, domid, &mem))?;

    // populate_physmap: two 2 MiB extents from gfn 0.
    let b = buffers();
    b.extents = [0, 0x200];
    b.reservation = xen_memory_reservation {
        extent_start: GuestHandle::new(addr_of_mut!(b.extents) as u64),
        nr_extents: 2,
        extent_order: 9,
        domid,
        ..Default::default()
    };
    let rc = memory_op(XENMEM_populate_physmap, addr_of_mut!(b.reservation) as u64);
    if rc != 2 {
        println!("domu: populate_physmap gave {rc} of 2 extents");
        return Err(());
    }

    // The kernel, through a foreign mapping of the domU's page at DOMU_ENTRY.
    let b = buffers();
    b.idxs = [DOMU_ENTRY >> 12];
    b.gpfns = [MAP_GFN];
    b.errs = [0];
    b.batch = xen_add_to_physmap_batch {
        domid: DOMID_SELF,
        space: XENMAPSPACE_gmfn_foreign as u16,
        size: 1,
        u: domid,
        idxs: GuestHandle::new(addr_of_mut!(b.idxs) as u64),
        gpfns: GuestHandle::new(addr_of_mut!(b.gpfns) as u64),
        errs: GuestHandle::new(addr_of_mut!(b.errs) as u64),
    };
    check(
        "add_to_physmap_batch",
        memory_op(XENMEM_add_to_physmap_batch, addr_of_mut!(b.batch) as u64),
    )?;
    if b.errs[0] != 0 {
        println!("domu: mapping the domU's page failed: {}", b.errs[0]);
        return Err(());
    }
    let page = (MAP_GFN << 12) as *mut u8;
    // SAFETY: MAP_GFN is now the domU's frame in our physmap, identity-mapped by our page
    // tables (below 1 GiB); nothing else uses that address.
    unsafe {
        core::ptr::copy_nonoverlapping(DOMU_CODE.as_ptr(), page, DOMU_CODE.len());
        core::ptr::write_volatile(page.add(0x100) as *mut u32, SHUTDOWN_reboot);
    }
    b.remove = xen_remove_from_physmap {
        domid: DOMID_SELF,
        gpfn: MAP_GFN,
        ..Default::default()
    };
    check(
        "remove_from_physmap",
        memory_op(XENMEM_remove_from_physmap, addr_of_mut!(b.remove) as u64),
    )?;

    // The vCPU's start (xg_dom_x86.c vcpu_hvm): HEADER from Xen's image, a CPU record, END.
    let b = buffers();
    let probe = xen_domctl_hvmcontext {
        size: 0,
        buffer: GuestHandle::NULL,
        ..Default::default()
    };
    check(
        "gethvmcontext (size)",
        domctl(XEN_DOMCTL_gethvmcontext, domid, &probe),
    )?;
    let size = b
        .domctl
        .get::<xen_domctl_hvmcontext>()
        .map_or(0, |c| c.size) as usize;
    if size < 8 + 24 || size > b.image.len() {
        println!("domu: unexpected HVM context size {size}");
        return Err(());
    }
    let get = xen_domctl_hvmcontext {
        size: size as u32,
        buffer: GuestHandle::new(addr_of_mut!(b.image) as u64),
        ..Default::default()
    };
    check(
        "gethvmcontext",
        domctl(XEN_DOMCTL_gethvmcontext, domid, &get),
    )?;
    let header = hvm_save_header::read_from_prefix(&b.image[8..])
        .map(|(h, _)| h)
        .map_err(|_| ())?;
    let cpu = hvm_hw_cpu {
        rip: DOMU_ENTRY,
        rsp: DOMU_ENTRY + 0xf00,
        rflags: 2,
        cr0: 0x11, // PE | ET
        cs_limit: !0,
        ds_limit: !0,
        es_limit: !0,
        ss_limit: !0,
        cs_arbytes: 0xc9b,
        ds_arbytes: 0xc93,
        es_arbytes: 0xc93,
        ss_arbytes: 0xc93,
        tr_arbytes: 0x8b,
        tr_limit: 0x67,
        ..Default::default()
    };
    let mut image = [0u8; 8 + 24 + 8 + core::mem::size_of::<hvm_hw_cpu>() + 8];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        image[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    let desc = |typecode: u16, length: usize| hvm_save_descriptor {
        typecode,
        instance: 0,
        length: length as u32,
    };
    put(desc(HVM_SAVE_CODE_HEADER, 24).as_bytes());
    put(header.as_bytes());
    put(desc(HVM_SAVE_CODE_CPU, core::mem::size_of::<hvm_hw_cpu>()).as_bytes());
    put(cpu.as_bytes());
    put(desc(0, 0).as_bytes());
    let len = at;
    b.image[..len].copy_from_slice(&image[..len]);
    let set = xen_domctl_hvmcontext {
        size: len as u32,
        buffer: GuestHandle::new(addr_of_mut!(b.image) as u64),
        ..Default::default()
    };
    check(
        "sethvmcontext",
        domctl(XEN_DOMCTL_sethvmcontext, domid, &set),
    )?;

    check(
        "unpausedomain",
        domctl(XEN_DOMCTL_unpausedomain, domid, &()),
    )?;
    println!("domu: d{domid} unpaused; waiting for it to shut down");

    // Wait (yielding the CPU) until getdomaininfo says it shut down.
    let mut reason = None;
    for _ in 0..100_000 {
        check(
            "getdomaininfo",
            domctl(XEN_DOMCTL_getdomaininfo, domid, &()),
        )?;
        let info = buffers()
            .domctl
            .get::<xen_domctl_getdomaininfo>()
            .ok_or(())?;
        if info.domain == domid && info.flags & XEN_DOMINF_shutdown != 0 {
            reason = Some((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
            break;
        }
        let arg = addr_of_mut!(buffers().yield_arg) as u64;
        // SAFETY: SCHEDOP_yield takes no argument memory.
        unsafe {
            hypercall(
                __HYPERVISOR_sched_op,
                [u64::from(SCHEDOP_yield), arg, 0, 0, 0],
            )
        };
    }
    let Some(reason) = reason else {
        println!("domu: d{domid} never shut down");
        return Err(());
    };
    println!("domu: d{domid} shut down with reason {reason}");
    check(
        "destroydomain",
        domctl(XEN_DOMCTL_destroydomain, domid, &()),
    )?;
    println!("domu: d{domid} destroyed");
    Ok(reason == SHUTDOWN_reboot)
}
