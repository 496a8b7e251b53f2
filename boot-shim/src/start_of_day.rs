//! After the boot report: the xenheap and the domain heap from the free memory, SVM or VMX, dom0,
//! and the vCPU loop (Xen's `__start_xen` from `init_xenheap_pages` on). Everything after the
//! choice of vendor is generic over it ([`Vendor`]: its vCPU type and p2m format).
//!
//! Memory: a slice of RAM below 4 GiB (which the boot page tables identity-map), from the top,
//! becomes the xenheap (the hypervisor's own `alloc`); then the direct map covers all RAM and the
//! rest is the domain heap.
// Xen's names (`SHUTDOWN_poweroff`) are kept, also in patterns.
#![allow(non_upper_case_globals)]

use alloc::sync::Arc;
use alloc::vec::Vec;

use arch_x86::apic;
use arch_x86::cpu::{exit_machine, QemuExitCode};
use arch_x86::directmap::DirectMap;
pub use arch_x86::hvm_exit::Hv;
use arch_x86::paging::{build_direct_map, directmap_end, DIRECTMAP_MAX};
use arch_x86::printk;
use arch_x86::svm::SvmFeatures;
use arch_x86::vendor::Vendor;
use boot_shim::boot_memory::{FreeRanges, PhysRange};
use hypercall::domain::{Domain, DomainConfig};
use hypercall::hypervisor::{Hypervisor, XenInfo};
use xen_mm::buddy::NodeId;
use xen_mm::frame::{FrameAccess, Gfn, Mfn};
use xen_mm::heap::DomHeap;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::types::P2mType;
use xen_mm::p2m::Superpages;
use xen_public::arch_x86::xen::{XEN_X86_EMU_IOAPIC, XEN_X86_EMU_LAPIC, XEN_X86_EMU_VPCI};
use xen_public::domctl::{XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm};
use xen_public::sched::{SHUTDOWN_crash, SHUTDOWN_poweroff, SHUTDOWN_reboot};

const PAGE: u64 = 4096;

/// What Xen emulates for a PVH hardware domain (xen/arch/x86/setup.c `create_dom0`): the local
/// APICs, the IO-APICs and vPCI.
const PVH_DOM0_EMULATION: u32 = XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_VPCI;

/// How much RAM the xenheap takes: 1/16 of the free memory, between 8 and 64 MiB.
fn xenheap_size(free_bytes: u64) -> u64 {
    (free_bytes / 16).clamp(8 << 20, 64 << 20) & !(PAGE - 1)
}

/// Sets up the xenheap (below 4 GiB, which the boot tables map), then the direct map of all RAM,
/// and returns the domain heap's ranges (in frames). Stops the machine if there is not enough
/// memory.
pub fn init_heaps<const N: usize>(mut free: FreeRanges<N>) -> Vec<(Mfn, Mfn)> {
    let low = |r: PhysRange| PhysRange::new(r.start, r.end.min(4 << 30));
    let total: u64 = free.iter().map(|r| low(r).len()).sum();
    let size = xenheap_size(total);
    // From the top of the highest free range below 4 GiB that holds it, as Xen's boot allocator
    // (page_alloc.c `alloc_boot_pages`) takes its pages from the end of the last region: the
    // RAM above 1 MiB where PVH kernels load stays the domain heap's, for a direct-mapped dom0.
    let Some(region) = free.iter().map(low).filter(|r| r.len() >= size).last() else {
        printk!("Not enough memory below 4 GiB for the xenheap ({size} bytes)\n");
        exit_machine(QemuExitCode::Failure)
    };
    let xenheap = PhysRange::new(region.end - size, region.end);
    // SAFETY: the range is free RAM from the boot memory map, below 4 GiB (identity-mapped), and
    // is reserved just below so the domain heap never gets it.
    unsafe { arch_x86::xenheap::init(xenheap.start, xenheap.len()) };
    free.reserve(xenheap);
    printk!("Xenheap: {xenheap} ({} MiB)\n", size >> 20);

    let ram_end = free.iter().map(|r| r.end).max().unwrap_or(0);
    build_direct_map(ram_end);
    printk!("Direct map: [0, {:#x}) identity-mapped\n", directmap_end());
    let mapped = |r: PhysRange| PhysRange::new(r.start, r.end.min(directmap_end()));
    let ranges: Vec<(Mfn, Mfn)> = free
        .iter()
        .map(mapped)
        .filter(|r| r.len() >= PAGE)
        .map(|r| (Mfn(r.start.div_ceil(PAGE)), Mfn(r.end / PAGE)))
        .filter(|(s, e)| s < e)
        .collect();
    let beyond: u64 = free.iter().map(|r| r.len() - mapped(r).len()).sum();
    if beyond > 0 {
        printk!(
            "RAM beyond {} GiB not used ({} MiB): the direct map stops there\n",
            DIRECTMAP_MAX >> 30,
            beyond >> 20
        );
    }
    ranges
}

/// Builds the hypervisor's state over the domain heap's ranges, with the p2m format and
/// superpages of vendor `X`.
pub fn init_hypervisor<X: Vendor>(ranges: &[(Mfn, Mfn)], commandline: &str) -> Hv<X::Fmt> {
    let heap = match DomHeap::new(DirectMap, ranges, 1, |_| NodeId(0)) {
        Ok(heap) => heap,
        Err(e) => {
            printk!("Cannot build the domain heap: {e:?}\n");
            exit_machine(QemuExitCode::Failure)
        }
    };
    let max_page = ranges.iter().map(|&(_, end)| end.0).max().unwrap_or(0);
    let info = XenInfo {
        commandline: commandline.into(),
        ..Default::default()
    };
    let superpages: Superpages = X::superpages();
    // Time (Xen's `init_xen_time`): the TSC against the PIT, the wallclock from the RTC.
    let cal = apic::calibrate();
    printk!(
        "Detected {}.{:03} MHz processor; APIC timer {} counts per ms\n",
        cal.tsc_hz / 1_000_000,
        cal.tsc_hz / 1_000 % 1_000,
        cal.apic_per_ms
    );
    let clock = hypercall::time::Clock::new(arch_x86::cpu::read_tsc);
    clock.calibrate(cal.tsc_hz);
    clock.set_wallclock(arch_x86::rtc::read_cmos_time(), 0, clock.now());
    let hv = Hypervisor::new(heap, info, superpages, max_page)
        .with_clock(clock)
        .with_cpus(phys_cpus())
        .with_pci_config(alloc::boxed::Box::new(arch_x86::pci::MachineConfigSpace));
    let phys = hv.heap.physinfo();
    printk!(
        "Heap for domains after the xenheap: {} frames ({} MiB) in {} ranges\n",
        phys.total_pages,
        phys.total_pages >> 8,
        ranges.len()
    );
    hv
}

/// The physical CPUs (what XENPF_get_cpuinfo, XENPF_get_cpu_version and physinfo report): this
/// CPU as CPU 0, online, as Xen's `identify_cpu` and `acpi_get_processor_id` describe it; then
/// the MADT's other enabled processors in Xen's order, present but offline, as under Xen with
/// `maxcpus=1` (xen-rs runs on the boot CPU only).
fn phys_cpus() -> hypercall::pcpu::PhysCpus {
    use boot_shim::acpi;
    use hypercall::pcpu::{PhysCpu, PhysCpus, INVALID_ACPIID};

    let read = |at: u64, buf: &mut [u8]| arch_x86::directmap::read_phys(at, buf);
    let processors: Vec<acpi::MadtProcessor> = acpi::find_root_pointer(&read)
        .map(|rsdp| acpi::root_tables(&read, rsdp))
        .and_then(|tables| {
            let tables: Vec<acpi::AcpiTable> = tables.iter().collect();
            acpi::find_table(&tables, b"APIC")
        })
        .map(|madt| acpi::madt_processors(&read, &madt).iter().collect())
        .unwrap_or_default();
    let acpi_id = |apic_id| acpi::acpi_processor_id(&processors, apic_id).unwrap_or(INVALID_ACPIID);

    let leaf0 = arch_x86::msr::cpuid(0, 0);
    let leaf1 = arch_x86::msr::cpuid(1, 0);
    let apic_id = apic::id();
    let mut boot = PhysCpu::from_cpuid(
        apic_id,
        acpi_id(apic_id),
        [leaf0.ebx, leaf0.edx, leaf0.ecx],
        leaf1.eax,
    );
    // arch_acpi_set_pdc_bits: MONITOR (leaf 1 ECX bit 3), leaf 5 present, and its ECX with
    // the MWAIT extensions and break-on-interrupt (bits 0 and 1).
    boot.mwait_break = leaf1.ecx & (1 << 3) != 0
        && leaf0.eax >= 5
        && arch_x86::msr::cpuid(5, 0).ecx & 0b11 == 0b11;
    let mut cpus = alloc::vec![Some(boot.clone())];
    for p in &processors {
        let known = cpus.iter().flatten().any(|c| c.apic_id == p.apic_id);
        if !known && cpus.len() < acpi::MAX_MADT_PROCESSORS {
            cpus.push(Some(PhysCpu {
                apic_id: p.apic_id,
                acpi_id: acpi_id(p.apic_id),
                online: false,
                ..boot.clone()
            }));
        }
    }
    PhysCpus::new(cpus)
}

/// Which hardware virtualisation the CPU has and the hypervisor turned on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HvmKind {
    /// AMD SVM with nested paging.
    Svm,
    /// Intel VMX with EPT and unrestricted guest.
    Vmx,
}

/// Finds SVM with nested paging (AMD) or VMX with EPT (Intel) and turns it on, or says why
/// neither can run a guest (Xen's `start_svm` / `start_vmx`).
pub fn init_hvm() -> Result<HvmKind, &'static str> {
    let (xstates, size) = arch_x86::xstate::init();
    if xstates != 0 {
        printk!("xstate: using cntxt_size: {size:#x} and states: {xstates:#x}\n");
    }
    let f = SvmFeatures::probe();
    if f.svm {
        if !f.npt {
            return Err("AMD SVM without nested paging");
        }
        arch_x86::svm::enable();
        printk!(
            "HVM: SVM enabled: nested paging, {} ASIDs, next-RIP {}, decode assists {}\n",
            f.nr_asids,
            if f.nrips { "yes" } else { "no" },
            if f.decode_assists { "yes" } else { "no" }
        );
        return Ok(HvmKind::Svm);
    }
    if arch_x86::vmx::cpu_has_vmx() {
        let c = arch_x86::vmx::enable().map_err(|why| {
            printk!("HVM: VMX: {why}\n");
            "Intel VMX cannot run PVH guests"
        })?;
        let yes = |b: bool| if b { "yes" } else { "no" };
        printk!(
            "HVM: VMX enabled: EPT, unrestricted guest, VPID {}, EPT 2M pages {}, 1G pages {}\n",
            yes(c.vpid),
            yes(c.ept_2mb),
            yes(c.ept_1gb)
        );
        return Ok(HvmKind::Vmx);
    }
    Err("neither AMD SVM nor Intel VMX")
}

/// Creates dom0 (PVH: HVM with nested paging) with `pages` frames of RAM from gfn 0 in 2 MiB
/// pieces where possible.
pub fn create_dom0<Fmt: P2mFormat>(
    hv: &Hv<Fmt>,
    pages: u64,
) -> Result<Arc<Domain<Fmt>>, hypercall::Errno> {
    let config = DomainConfig {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 1,
        is_privileged: true,
        // Xen's dom0 gets `max_evtchn_port = -1` (xen/arch/x86/setup.c), capped at INT_MAX.
        max_evtchn_port: u32::MAX,
        emulation_flags: PVH_DOM0_EMULATION,
        ..Default::default()
    };
    let d = hv.create_domain(Some(0), config)?;
    d.mem.set_max_pages(pages);
    let mut gfn = 0u64;
    while gfn < pages {
        let order = if gfn.is_multiple_of(512) && pages - gfn >= 512 {
            9
        } else {
            0
        };
        let mfn = hv
            .heap
            .alloc_domheap_pages(&d.mem, order, &Default::default())?;
        let mut p2m = d.p2m.locked();
        d.pod
            .physmap_add_page(&mut p2m, &hv.heap, Gfn(gfn), mfn, order, P2mType::RamRw)?;
        gfn += 1 << order;
    }
    {
        let mut st = d.state();
        st.controller_pause_count = 0;
        st.creation_finished = true;
        st.vcpus = 1;
    }
    // The hardware domain's vCPUs start with a copy of the host's MTRRs
    // (mtrr.c `hvm_vcpu_cacheattr_init`).
    let host_mtrrs = arch_x86::msr::host_mtrrs();
    let maxphysaddr = arch_x86::msr::guest_msr_policy(true).maxphysaddr;
    for v in d.vcpu_slots() {
        v.state().mtrr = hypercall::msr::vcpu_cacheattr_init(host_mtrrs.as_ref(), maxphysaddr);
    }
    // The builder gives vCPU 0 its start state (Xen's `dom0_construct_pvh` sets it up).
    d.start_vcpu(0);
    Ok(d)
}

/// Copies `bytes` into `d`'s memory at guest-physical `gpa` (dom0 construction).
pub fn copy_to_domain<Fmt: P2mFormat>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    gpa: u64,
    bytes: &[u8],
) -> Result<(), &'static str> {
    let mut done = 0usize;
    while done < bytes.len() {
        let at = gpa + done as u64;
        let offset = (at % PAGE) as usize;
        let chunk = (PAGE as usize - offset).min(bytes.len() - done);
        let found = d.p2m.get_entry(&hv.heap, Gfn(at / PAGE));
        let mfn = found
            .mfn
            .filter(|_| found.p2mt.is_ram())
            .ok_or("outside dom0's RAM")?;
        hv.heap
            .frames()
            .write_bytes(mfn, offset, &bytes[done..done + chunk]);
        done += chunk;
    }
    Ok(())
}

/// A run queue with `d`'s one vCPU.
pub fn run_queue_with<X: Vendor>(
    d: Arc<Domain<X::Fmt>>,
    vcpu: X::Vcpu,
) -> arch_x86::sched::RunQueue<arch_x86::sched::SchedVcpu<X::Fmt>> {
    arch_x86::sched::run_queue_with(d, alloc::boxed::Box::new(vcpu))
}

/// Runs the vCPUs (arch-x86's scheduler) until dom0 stops; returns dom0's shutdown code.
pub fn schedule<X: Vendor>(
    hv: &Hv<X::Fmt>,
    rq: arch_x86::sched::RunQueue<arch_x86::sched::SchedVcpu<X::Fmt>>,
) -> u32 {
    arch_x86::sched::schedule::<X>(hv, rq)
}

/// Ends the machine the way dom0 asked (Xen's `hwdom_shutdown` with `noreboot`): poweroff is
/// success; a crash and a reboot have their own QEMU exit codes.
pub fn dom0_shutdown(code: u32) -> ! {
    match code {
        SHUTDOWN_poweroff => {
            printk!("Hardware Dom0 halted: halting machine\n");
            exit_machine(QemuExitCode::Success)
        }
        SHUTDOWN_reboot => {
            printk!("Hardware Dom0 shutdown: rebooting machine (noreboot: stopping instead)\n");
            exit_machine(QemuExitCode::Dom0Reboot)
        }
        SHUTDOWN_crash => {
            printk!("Hardware Dom0 crashed: halting machine\n");
            exit_machine(QemuExitCode::Dom0Crashed)
        }
        other => {
            printk!("Hardware Dom0 shutdown (reason {other}): halting machine\n");
            exit_machine(QemuExitCode::Success)
        }
    }
}

/// dom0 and its vCPU.
pub type Dom0<X> = (Arc<Domain<<X as Vendor>::Fmt>>, <X as Vendor>::Vcpu);

/// Why dom0 could not be built.
pub enum Dom0Error {
    /// GRUB gave no module: there is no dom0 kernel. (Xen panics "dom0 kernel not specified";
    /// xen-rs ends its boot report with success, as before dom0 existed.)
    NoKernel,
    /// dom0 cannot be built from the first module, whether it is no kernel at all, a kernel whose
    /// payload cannot be decompressed, or one that cannot boot as PVH (Xen panics "Could not set
    /// up DOM0 guest OS").
    Build(alloc::string::String),
}

/// Whether GRUB gave a first module, which is dom0's kernel: Xen takes the first module as the
/// kernel whatever it holds, and fails to set up dom0 if it is not one.
pub fn has_dom0_kernel(info: &boot_shim::multiboot2::BootInfo<'_>) -> bool {
    info.modules().next().is_some()
}

/// A contiguous block of the domain heap owned by no domain, used as the hypervisor's own memory
/// through the direct map while dom0 is built, and given back to the heap when dropped. The
/// xenheap (8 to 64 MiB) cannot hold a decompressed kernel (Debian's is 63 MiB) or xz's
/// dictionary (32 MiB for Linux); the domain heap can.
struct HeapBuffer<'h, Fmt: P2mFormat> {
    hv: &'h Hv<Fmt>,
    /// The block, or `None` for an empty buffer.
    block: Option<(Mfn, u32)>,
    len: usize,
}

impl<'h, Fmt: P2mFormat> HeapBuffer<'h, Fmt> {
    /// `len` zeroed bytes, in the smallest power-of-two block of frames that holds them.
    fn alloc(hv: &'h Hv<Fmt>, len: usize) -> Result<Self, Dom0Error> {
        if len == 0 {
            return Ok(HeapBuffer {
                hv,
                block: None,
                len,
            });
        }
        let pages = (len as u64).div_ceil(PAGE);
        let order = pages.next_power_of_two().trailing_zeros();
        if order > xen_mm::buddy::MAX_ORDER {
            return Err(Dom0Error::Build(alloc::format!(
                "{len} bytes is more than one heap block holds"
            )));
        }
        let mfn = hv
            .heap
            .alloc_anonymous(order, &Default::default())
            .map_err(|e| {
                Dom0Error::Build(alloc::format!(
                    "no {} MiB block in the domain heap for the kernel: {e:?}",
                    (PAGE << order) >> 20
                ))
            })?;
        Ok(HeapBuffer {
            hv,
            block: Some((mfn, order)),
            len,
        })
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self.block {
            // SAFETY: the block's 2^order frames are RAM of the domain heap below directmap_end
            // (init_heaps), identity-mapped; alloc_anonymous gave them to this buffer alone (no
            // domain owns them, no p2m maps them, so no guest writes them) until `drop` frees
            // them, and `len` fits in them. The slice borrows `self` mutably, so it is the only
            // reference.
            Some((mfn, _)) => unsafe {
                core::slice::from_raw_parts_mut(mfn.paddr() as usize as *mut u8, self.len)
            },
            None => &mut [],
        }
    }

    fn bytes(&self) -> &[u8] {
        match self.block {
            // SAFETY: as in `bytes_mut`; the slice borrows `self`, so no mutable one exists.
            Some((mfn, _)) => unsafe {
                core::slice::from_raw_parts(mfn.paddr() as usize as *const u8, self.len)
            },
            None => &[],
        }
    }
}

impl<Fmt: P2mFormat> Drop for HeapBuffer<'_, Fmt> {
    fn drop(&mut self) {
        if let Some((mfn, order)) = self.block.take() {
            if let Err(e) = self.hv.heap.free_anonymous(mfn, order) {
                printk!("d0: cannot give the kernel buffer at {mfn} back: {e:?}\n");
            }
        }
    }
}

/// Decompresses a bzImage's (or a compressed module's) payload into memory the hypervisor takes
/// from the domain heap for the purpose: the kernel, and for xz its dictionary (freed as soon as
/// the kernel is out). The kernel's buffer is freed when dom0 is built.
///
/// Xen does it differently: at boot, `bzimage_headroom` sizes room for the decompressed kernel
/// (its size plus the payload's for xz and zstd, plus 1/4096 and 32 KiB for gzip) and setup.c
/// moves the module up by that much; `bzimage_parse` then decompresses into the module's own
/// memory, below the payload, and the whole is freed with the other boot modules
/// (`discard_initial_images`). Its single-call decoders use the output as their window, so they
/// need no more. xen-rs leaves the module where GRUB put it and takes a separate block.
fn decompress_kernel<'h, Fmt: P2mFormat>(
    hv: &'h Hv<Fmt>,
    c: &bzimage::Compressed<'_>,
) -> Result<HeapBuffer<'h, Fmt>, Dom0Error> {
    use alloc::format;

    let fail = |e: bzimage::BzImageError| {
        Dom0Error::Build(format!("Error trying to detect bz compressed kernel: {e}"))
    };
    let scratch_len = c.scratch_size().map_err(fail)?;
    let mut out = HeapBuffer::alloc(hv, c.output_length as usize)?;
    let mut scratch = HeapBuffer::alloc(hv, scratch_len)?;
    // What zstd's decoder may take from the xenheap for its window: half of what is free.
    let (used, size) = arch_x86::xenheap::usage();
    let heap_limit = size.saturating_sub(used) / 2;
    c.decompress(out.bytes_mut(), scratch.bytes_mut(), heap_limit)
        .map_err(fail)?;
    match c.bzimage {
        Some(h) => printk!(
            "d0: bzImage v{}.{:02}, {} payload of {} bytes at {:#x}\n",
            h.version >> 8,
            h.version & 0xff,
            c.format,
            c.payload.len(),
            h.payload_start()
        ),
        None => printk!("d0: {} kernel of {} bytes\n", c.format, c.payload.len()),
    }
    printk!(
        "d0: kernel decompressed to {} bytes ({} KiB of scratch, freed)\n",
        out.len,
        scratch_len >> 10
    );
    Ok(out)
}

/// Builds a PVH dom0 from the boot modules (Xen's `dom0_construct_pvh`): the plan of
/// `boot_shim::dom0_build` (memory size, e820, where the kernel, modules, command lines and
/// hvm_start_info go), RAM populated in 2 MiB pieces where aligned, the writes copied in, the
/// memory map recorded for XENMEM_memory_map, and the vCPU in the PVH entry state.
pub fn build_pvh_dom0<X: Vendor>(
    hv: &Hv<X::Fmt>,
    info: &boot_shim::multiboot2::BootInfo<'_>,
    dom0_mem: boot_shim::options::Dom0Mem,
) -> Result<Dom0<X>, Dom0Error> {
    use alloc::format;
    use boot_shim::acpi;
    use boot_shim::dom0_acpi::HostAcpi;
    use boot_shim::dom0_build::{plan_pvh_dom0, Dom0Config, Dom0Module, E820Entry, GuestData};

    let Some(first) = info.modules().next() else {
        return Err(Dom0Error::NoKernel);
    };
    // bzimage.c bzimage_parse, before elf_init: a bzImage's payload, decompressed if it is not
    // ELF; a plain ELF as it is.
    let decompressed;
    let kernel = match bzimage::probe(module_bytes(first)) {
        Ok(bzimage::Kernel::Elf { elf, bzimage }) => {
            if let Some(h) = bzimage {
                printk!(
                    "d0: bzImage v{}.{:02} with an uncompressed ELF payload\n",
                    h.version >> 8,
                    h.version & 0xff
                );
            }
            elf
        }
        Ok(bzimage::Kernel::Compressed(c)) => {
            decompressed = decompress_kernel(hv, &c)?;
            decompressed.bytes()
        }
        // Xen finds nothing to decompress and elf_init fails ("Unable to init ELF").
        Err(e @ bzimage::BzImageError::NotAKernel) => {
            return Err(Dom0Error::Build(format!("Unable to init ELF: {e}")))
        }
        Err(e) => {
            return Err(Dom0Error::Build(format!(
                "Error trying to detect bz compressed kernel: {e}"
            )))
        }
    };
    let modules: Vec<&[u8]> = info.modules().map(module_bytes).collect();
    let cmdlines: Vec<&[u8]> = info.modules().map(|m| m.cmdline.as_bytes()).collect();
    let rest: Vec<Dom0Module<'_>> = modules[1..]
        .iter()
        .zip(&cmdlines[1..])
        .map(|(&image, &cmdline)| Dom0Module {
            image,
            cmdline: Some(cmdline),
        })
        .collect();
    // What Xen's ACPI code found at boot: the RSDP (acpi_os_get_root_pointer on a BIOS machine),
    // the root table list, the MADT and the MCFG's regions (see boot_shim::acpi), and what
    // pvh_setup_acpi copies from them into dom0's own tables.
    let read = |at: u64, buf: &mut [u8]| arch_x86::directmap::read_phys(at, buf);
    let rsdp = acpi::find_root_pointer(&read).and_then(|at| acpi::read_rsdp(&read, at));
    let tables: Vec<acpi::AcpiTable> = match &rsdp {
        Some(r) => acpi::root_tables(&read, r.address).iter().collect(),
        None => Vec::new(),
    };
    let host_madt = acpi::find_table(&tables, b"APIC").and_then(|t| acpi::parse_madt(&read, &t));
    // The host's IO-APICs, in MADT order: dom0's MADT lists them, and Xen gives dom0 an emulated
    // IO-APIC at each (vioapic.c vioapic_init for the hardware domain).
    let host_ioapics: Vec<acpi::MadtIoapic> = host_madt
        .as_ref()
        .map(|m| m.ioapics.clone())
        .unwrap_or_default();
    let host_overrides: Vec<acpi::MadtIntSrcOverride> = host_madt
        .as_ref()
        .map(|m| m.overrides.clone())
        .unwrap_or_default();
    let host_mmcfg: Vec<acpi::MmcfgRegion> = acpi::find_table(&tables, b"MCFG")
        .map(|mcfg| acpi::mcfg_regions(&read, &mcfg))
        .unwrap_or_default();
    arch_x86::pci::set_host_mmcfg(
        &host_mmcfg
            .iter()
            .map(|r| arch_x86::pci::HostMmcfg {
                address: r.address,
                segment: r.segment,
                start_bus: r.start_bus,
                end_bus: r.end_bus,
            })
            .collect::<Vec<_>>(),
    );
    let mmcfg: Vec<(u64, u64)> = host_mmcfg.iter().map(|r| r.range()).collect();
    // acpi_mmcfg_init's `pci_mmcfg_config`: what PHYSDEVOP_pci_mmcfg_reserved is checked against.
    hv.pci.set_host_mmcfg(
        &host_mmcfg
            .iter()
            .map(|r| hypercall::pci::MmcfgEntry {
                address: r.address,
                segment: r.segment,
                start_bus: r.start_bus,
                end_bus: r.end_bus,
            })
            .collect::<Vec<_>>(),
    );
    printk!(
        "d0: host ACPI: RSDP at {:#x}, {} tables, {} IO-APICs, {} overrides, {} NMI sources, \
         {} LAPIC NMIs, {} MMCFG regions\n",
        rsdp.map_or(0, |r| r.address),
        tables.len(),
        host_ioapics.len(),
        host_overrides.len(),
        host_madt.as_ref().map_or(0, |m| m.nmi_sources.len()),
        host_madt.as_ref().map_or(0, |m| m.lapic_nmis.len()),
        mmcfg.len()
    );
    let host_acpi = rsdp.map(|rsdp| HostAcpi {
        rsdp,
        root_header: acpi::root_table_header(&read, &rsdp),
        tables: &tables,
        madt_header: host_madt.as_ref().map(|m| m.header),
        overrides: &host_overrides,
    });
    // The domain first (Xen's create_dom0 before dom0_construct_pvh): what it takes from the
    // heap is gone before dom0's size and frames are chosen from what is free.
    let dom0 = DomainConfig {
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus: 1,
        is_privileged: true,
        // Xen's dom0 gets `max_evtchn_port = -1` (xen/arch/x86/setup.c), capped at INT_MAX.
        max_evtchn_port: u32::MAX,
        emulation_flags: PVH_DOM0_EMULATION,
        ..Default::default()
    };
    let fail = |what: &str, e: hypercall::Errno| Dom0Error::Build(format!("{what}: {e:?}"));
    let d = hv
        .create_domain(Some(0), dom0)
        .map_err(|e| fail("creating domain 0", e))?;
    // vioapic.c vioapic_init / vioapic_reset for the hardware domain: one vIOAPIC per host
    // IO-APIC, with the MADT's address, ID and GSI base (`mp_ioapics[i]`, `io_apic_gsi_base`)
    // and the pin count the IO-APIC itself reports (`nr_ioapic_entries[i]`).
    let vioapics: Vec<hypercall::vioapic::VioapicConfig> = host_ioapics
        .iter()
        .map(|io| hypercall::vioapic::VioapicConfig {
            base_address: io.address,
            id: io.id,
            base_gsi: io.gsi_base,
            nr_pins: arch_x86::ioapic::nr_pins(io.address),
        })
        .collect();
    d.init_vioapics(&vioapics);
    // hvm/dom0_build.c pvh_setup_mmcfg: dom0's accesses to the host's ECAM regions trap to
    // vPCI (they are not in its p2m).
    for r in &host_mmcfg {
        if hypercall::vpci::register_mmcfg_handler(&d, r.address, r.start_bus, r.end_bus, r.segment)
            .is_err()
        {
            printk!(
                "Unable to setup MMCFG handler at {:#x} for segment {}\n",
                r.address,
                r.segment
            );
        }
    }
    // The heap's free frames, read with its free count: dom0's direct-mapped RAM is chosen
    // from them and taken before anything else allocates (populate_dom0 below).
    let free: Vec<(u64, u64)> = hv
        .heap
        .free_ranges()
        .iter()
        .map(|&(s, e)| (s.0, e.0))
        .collect();
    let config = Dom0Config {
        avail_pages: hv.heap.physinfo().free_pages,
        max_vcpus: 1,
        dom0_mem,
        kernel,
        cmdline: Some(cmdlines[0]),
        modules: &rest,
        acpi: host_acpi,
        ioapics: &host_ioapics,
        mmcfg: &mmcfg,
        heap_free: Some(&free),
    };
    let host_e820 = info.memory_map().into_iter().flatten().map(E820Entry::from);
    let plan = plan_pvh_dom0(&config, host_e820).map_err(|e| Dom0Error::Build(format!("{e}")))?;
    print_xen_notes(&plan.kernel.notes);
    if let Some(a) = &plan.acpi {
        for t in a.skipped.iter() {
            let sig = core::str::from_utf8(&t.signature).unwrap_or("????");
            printk!("Skipping table {sig} in non-ACPI non-reserved region\n");
        }
        let (start, end) = a.range();
        printk!(
            "d0: ACPI: RSDP at {:#x}, XSDT at {:#x} (MADT and {} host tables), MADT at {:#x} \
             ({} vCPUs, {} IO-APICs, {} overrides), E820_ACPI [{start:#x}, {end:#x})\n",
            a.rsdp_paddr,
            a.xsdt_paddr,
            a.xsdt_tables.len(),
            a.madt_paddr,
            config.max_vcpus,
            host_ioapics.len(),
            host_overrides.len()
        );
    }

    d.mem.set_max_pages(plan.pages.max_pages);
    let frames = allocate_dom0_ram(hv, &d, &plan)?;
    print_dom0_ram(&plan);
    let mut frames = frames.iter().peekable();
    for range in plan.p2m_ranges() {
        populate_dom0_range(hv, &d, range, &mut frames)?;
    }
    if let Some(b) = frames.next() {
        return Err(Dom0Error::Build(format!(
            "dom0's RAM at gfn {:#x} is outside its p2m plan",
            b.gfn
        )));
    }
    let zeros = [0u8; PAGE as usize];
    for write in plan.writes().iter() {
        match write.data {
            GuestData::Bytes(bytes) => copy_to_domain(hv, &d, write.paddr, bytes),
            GuestData::Zeros(mut n) => {
                let mut at = write.paddr;
                let mut result = Ok(());
                while n > 0 && result.is_ok() {
                    let chunk = n.min(PAGE - at % PAGE);
                    result = copy_to_domain(hv, &d, at, &zeros[..chunk as usize]);
                    at += chunk;
                    n -= chunk;
                }
                result
            }
        }
        .map_err(|e| Dom0Error::Build(format!("loading dom0 at {:#x}: {e}", write.paddr)))?;
    }
    {
        let mut st = d.state();
        st.memory_map = plan.e820.iter().map(|e| e.to_bytes()).collect();
        st.controller_pause_count = 0;
        st.creation_finished = true;
        st.vcpus = 1;
    }
    // The hardware domain's vCPUs start with a copy of the host's MTRRs
    // (mtrr.c `hvm_vcpu_cacheattr_init`).
    let host_mtrrs = arch_x86::msr::host_mtrrs();
    let maxphysaddr = arch_x86::msr::guest_msr_policy(true).maxphysaddr;
    for v in d.vcpu_slots() {
        v.state().mtrr = hypercall::msr::vcpu_cacheattr_init(host_mtrrs.as_ref(), maxphysaddr);
    }
    // The builder gives vCPU 0 its start state (Xen's `dom0_construct_pvh` sets it up).
    d.start_vcpu(0);
    printk!(
        "d0: PVH kernel at [{:#x}, {:#x}), entry {:#x}, {} pages ({} MiB), start_info at {:#x}\n",
        plan.kernel.pstart,
        plan.kernel.pend,
        plan.vcpu.eip,
        plan.pages.nr_pages,
        plan.pages.nr_pages >> 8,
        plan.start_info_paddr
    );
    let ncr3 = d.p2m.root().paddr();
    let mut vcpu = X::new_pvh(plan.vcpu.eip, plan.vcpu.ebx, ncr3);
    X::allow_hardware_io(&mut vcpu);
    Ok((d, vcpu))
}

/// One block of dom0's RAM: 2^order frames from `mfn` for the guest frames from `gfn`.
#[derive(Clone, Copy)]
struct Dom0Block {
    gfn: u64,
    mfn: Mfn,
    order: u32,
}

/// Takes dom0's RAM from the heap, all of it before its p2m is built (whose tables come from the
/// heap too, and must not take the frames the plan chose): a direct-mapped range's own frames
/// (`alloc_domheap_exact`, gfn == mfn, in the largest aligned blocks up to 2 MiB), other
/// ranges' from wherever the heap has them (`alloc_domheap_pages`, 2 MiB blocks where the guest
/// frames are aligned). Every frame is dom0's as any allocation is (its `tot_pages`, owner and
/// reference), so dom0 gives them back with XENMEM_decrease_reservation and the free and claimed
/// totals (`xl info`'s free_memory) mean what they always do. Returns the blocks by guest frame.
fn allocate_dom0_ram<Fmt: P2mFormat>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    plan: &boot_shim::dom0_build::Dom0Plan<'_>,
) -> Result<Vec<Dom0Block>, Dom0Error> {
    use alloc::format;
    use boot_shim::dom0_build::Dom0Backing;

    let mut blocks = Vec::new();
    for range in plan.ram.iter() {
        let end = range.gfn + range.nr_pages;
        let mut gfn = range.gfn;
        while gfn < end {
            let order = if gfn.is_multiple_of(512) && end - gfn >= 512 {
                9
            } else {
                0
            };
            let mfn = match range.backing {
                Dom0Backing::Direct => hv
                    .heap
                    .alloc_domheap_exact(&d.mem, Mfn(gfn), order)
                    .map(|()| Mfn(gfn)),
                _ => hv
                    .heap
                    .alloc_domheap_pages(&d.mem, order, &Default::default()),
            }
            .map_err(|e| {
                Dom0Error::Build(format!(
                    "populating dom0 at gfn {gfn:#x} ({:?}): {e:?}",
                    range.backing
                ))
            })?;
            blocks.push(Dom0Block { gfn, mfn, order });
            gfn += 1 << order;
        }
    }
    Ok(blocks)
}

/// What backs dom0's RAM, range by range, as Xen on Arm's `allocate_memory_11` lists its banks
/// ("Allocating 1:1 mappings totalling %ldMB for dom0:", then one line per bank).
fn print_dom0_ram(plan: &boot_shim::dom0_build::Dom0Plan<'_>) {
    use boot_shim::dom0_build::Dom0Backing;

    if plan.direct_mapped {
        let direct: u64 = plan
            .ram
            .iter()
            .filter(|r| r.backing == Dom0Backing::Direct)
            .map(|r| r.nr_pages)
            .sum();
        printk!(
            "Allocating 1:1 mappings totalling {}MB for dom0:\n",
            direct >> (20 - 12)
        );
    }
    for r in plan.ram.iter() {
        let (start, end) = (r.gfn * PAGE, (r.gfn + r.nr_pages) * PAGE);
        let what = match r.backing {
            Dom0Backing::Direct => "direct-mapped",
            Dom0Backing::RamCopiedFromHost => {
                "holding a copy of the host's, not direct-mapped (below 1 MiB)"
            }
            _ if plan.direct_mapped => {
                "not direct-mapped: the kernel loads there and the hypervisor holds those frames"
            }
            _ => "from the heap",
        };
        printk!("d0: RAM [{start:#x}, {end:#x}) {what}\n");
    }
}

/// Backs one range of dom0's p2m as the plan says (`arch_iommu_hwdom_init`, `pvh_populate_p2m`,
/// `pvh_setup_acpi`): RAM with the blocks [`allocate_dom0_ram`] took (`frames`, consumed in
/// guest-frame order), filled with the host's memory at the same addresses below 1 MiB;
/// identity ranges as `p2m_mmio_direct` entries to the host's own frames with the plan's access,
/// in the largest aligned pieces, as Xen's `modify_identity_mmio` does (the other two map page
/// by page: the same translations, which xen-mm may hold in superpages where Xen holds 4 KiB
/// entries).
fn populate_dom0_range<'b, Fmt: P2mFormat>(
    hv: &Hv<Fmt>,
    d: &Domain<Fmt>,
    range: boot_shim::dom0_build::Dom0P2mRange,
    frames: &mut core::iter::Peekable<impl Iterator<Item = &'b Dom0Block>>,
) -> Result<(), Dom0Error> {
    use alloc::format;
    use boot_shim::dom0_build::Dom0Backing;

    let fail = |what: &str, gfn: u64, e: hypercall::Errno| {
        Dom0Error::Build(format!("{what} at gfn {gfn:#x}: {e:?}"))
    };
    let end = range.gfn + range.nr_pages;
    if range.backing.is_ram() {
        while let Some(b) = frames.next_if(|b| range.gfn <= b.gfn && b.gfn < end) {
            let mut p2m = d.p2m.locked();
            d.pod
                .physmap_add_page(
                    &mut p2m,
                    &hv.heap,
                    Gfn(b.gfn),
                    b.mfn,
                    b.order,
                    range.backing.p2m_type(),
                )
                .map_err(|e| fail("mapping dom0's memory", b.gfn, e))?;
        }
    } else {
        let mut gfn = range.gfn;
        while gfn < end {
            let align = gfn.trailing_zeros().min(xen_mm::p2m::PAGE_ORDER_1G);
            let order = align.min((end - gfn).ilog2());
            d.p2m
                .set_entry(
                    &hv.heap,
                    Gfn(gfn),
                    Some(Mfn(gfn)),
                    order,
                    range.backing.p2m_type(),
                    range.backing.p2m_access(),
                )
                .map_err(|e| fail("identity-mapping for dom0", gfn, e))?;
            gfn += 1 << order;
        }
    }
    if range.backing == Dom0Backing::RamCopiedFromHost {
        // hvm_copy_to_guest_phys(mfn_to_maddr(addr), mfn_to_virt(addr), ...): the host's low
        // memory, page by page, into dom0's new frames.
        let mut page = [0u8; PAGE as usize];
        for gfn in range.gfn..end {
            if !arch_x86::directmap::read_phys(gfn * PAGE, &mut page) {
                return Err(Dom0Error::Build(format!(
                    "host memory at {:#x} is not mapped",
                    gfn * PAGE
                )));
            }
            copy_to_domain(hv, d, gfn * PAGE, &page).map_err(|e| {
                Dom0Error::Build(format!("copying low memory at gfn {gfn:#x}: {e}"))
            })?;
        }
    }
    Ok(())
}

/// The Xen notes libelf read, as Xen's VERBOSE libelf logs them ("ELF: note: GUEST_OS = ...").
fn print_xen_notes(n: &libelf::XenNotes<'_>) {
    let strings = [
        ("GUEST_OS", n.guest_os),
        ("GUEST_VERSION", n.guest_version),
        ("XEN_VERSION", n.xen_version),
        ("LOADER", n.loader),
        ("FEATURES", n.features),
    ];
    for (name, value) in strings {
        if let Some(v) = value {
            let text = core::str::from_utf8(v).unwrap_or("(not UTF-8)");
            printk!("d0: ELF: note: {name} = \"{text}\"\n");
        }
    }
    if let Some(entry) = n.phys32_entry {
        printk!("d0: ELF: note: PHYS32_ENTRY = {entry:#x}\n");
    }
}

/// A module's bytes, where GRUB loaded it.
fn module_bytes(m: boot_shim::multiboot2::Module<'_>) -> &'static [u8] {
    let len = m.end.saturating_sub(m.start) as usize;
    // SAFETY: GRUB loaded the module at [start, end) below 4 GiB (Multiboot2 modules have 32-bit
    // addresses), which the boot page tables identity-map; the boot report reserved it from both
    // heaps, and nothing writes it while the hypervisor runs.
    unsafe { core::slice::from_raw_parts(m.start as usize as *const u8, len) }
}
