//! The xen-rs hypervisor image. GRUB loads it with `multiboot2 /boot/xen-rs <options>` and one
//! `module2` line per module, like `xen.gz`.
//!
//! Boot sequence: `start32` (entry.rs) -> long mode -> [`xen_rs_main`]: console, descriptor tables,
//! boot information, the boot report, the memory free for the heap. Until domains exist (the SVM and
//! dom0 work) the hypervisor stops the machine with success after its report.
//!
//! On the host this file builds to a small program that says how to build the real image, so that
//! `cargo test --workspace` and clippy can cover the crate's library.
#![cfg_attr(target_os = "none", no_std)]
#![cfg_attr(target_os = "none", no_main)]

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(target_os = "none")]
mod entry;
#[cfg(target_os = "none")]
mod smoke_guest;
#[cfg(target_os = "none")]
mod start_of_day;

#[cfg(target_os = "none")]
mod hypervisor {
    use core::fmt::{self, Write};

    use arch_x86::console::emergency_print;
    use arch_x86::cpu::{exit_machine, QemuExitCode};
    use arch_x86::printk;
    use arch_x86::vendor::{Svm, Vendor, Vmx};
    use boot_shim::boot_memory::PhysRange;
    use boot_shim::cmdline;
    use boot_shim::multiboot2::BootInfo;
    use boot_shim::options::Options;
    use boot_shim::report::{write_banner, write_boot_report};

    use crate::{smoke_guest, start_of_day};

    extern "C" {
        static __image_start: u8;
        static __image_end: u8;
    }

    /// The console as a `fmt::Write`, for the report functions.
    struct Console;

    impl Write for Console {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            printk!("{s}");
            Ok(())
        }
    }

    /// Entered from `start64` with the physical address of the Multiboot2 information.
    #[no_mangle]
    extern "C" fn xen_rs_main(mbi_paddr: u64) -> ! {
        arch_x86::console::init();
        arch_x86::init_boot_cpu();
        let _ = write_banner(&mut Console);

        // SAFETY: start32 checked the Multiboot2 magic, so EBX (passed here) is GRUB's boot
        // information; GRUB places it below 4 GiB, which the boot page tables identity-map, and
        // nothing writes it while the hypervisor runs (it is only copied below).
        let grub_info = match unsafe { BootInfo::load(mbi_paddr as usize) } {
            Ok(info) => info,
            Err(e) => {
                printk!("Bad Multiboot2 information at {mbi_paddr:#x}: {e}\n");
                exit_machine(QemuExitCode::Failure)
            }
        };
        let image = PhysRange::new(
            core::ptr::addr_of!(__image_start) as u64,
            core::ptr::addr_of!(__image_end) as u64,
        );
        let info = match boot_info_copy(&grub_info) {
            Some(bytes) => {
                move_modules(bytes, image);
                let bytes: &'static [u8] = bytes;
                match BootInfo::parse(bytes) {
                    Ok(info) => info,
                    Err(e) => {
                        printk!("Bad copy of the Multiboot2 information: {e}\n");
                        exit_machine(QemuExitCode::Failure)
                    }
                }
            }
            None => {
                let (start, end) = grub_info.extent();
                printk!(
                    "Multiboot information of {} bytes left where GRUB put it, modules too\n",
                    end - start
                );
                grub_info
            }
        };
        let free = match write_boot_report(&mut Console, &info, image) {
            Ok(free) => free,
            Err(e) => {
                printk!("Panic: {e}\n");
                exit_machine(QemuExitCode::Failure)
            }
        };

        let cmdline = info.command_line().and_then(|c| c.as_str()).unwrap_or("");
        if let Some(fault) = cmdline::value_of(cmdline, "test_fault") {
            raise_test_fault(fault);
        }

        // Options shared with Xen: unknown ones are reported and ignored, as Xen does.
        let options = Options::parse(cmdline);
        for unknown in options.unknown.iter() {
            printk!("{unknown}\n");
        }
        for invalid in options.invalid.iter() {
            printk!("{invalid} ({})\n", invalid.reason);
        }

        arch_x86::cpu::mask_legacy_pic();
        let ranges = start_of_day::init_heaps(free);
        match start_of_day::init_hvm() {
            Ok(start_of_day::HvmKind::Svm) => run::<Svm>(&ranges, cmdline, &info, &options),
            Ok(start_of_day::HvmKind::Vmx) => run::<Vmx>(&ranges, cmdline, &info, &options),
            Err(why) => {
                printk!("HVM: {why}: no domain can run\n");
                if start_of_day::has_dom0_kernel(&info) {
                    // Xen cannot create a PVH dom0 without HVM either, and panics.
                    printk!("****************************************\n");
                    printk!("Panic on CPU 0:\n");
                    printk!(
                        "Could not set up DOM0 guest OS: a PVH dom0 needs AMD SVM or Intel VMX\n"
                    );
                    printk!("****************************************\n");
                    exit_machine(QemuExitCode::Failure)
                }
                printk!("No domain to run yet: boot report complete, stopping.\n");
                exit_machine(QemuExitCode::Success)
            }
        }
    }

    /// The most boot information copied into the image (GRUB's is a few KiB).
    const BOOT_INFO_COPY_SIZE: usize = 64 << 10;

    /// Where the boot information is copied: in the image's .bss, 8-byte aligned as Multiboot2
    /// requires.
    #[repr(C, align(8))]
    struct BootInfoCopy([u8; BOOT_INFO_COPY_SIZE]);

    static mut BOOT_INFO_COPY: BootInfoCopy = BootInfoCopy([0; BOOT_INFO_COPY_SIZE]);

    /// Copies GRUB's boot information into the image, as Xen's boot/reloc.c copies it into its
    /// own memory before anything is allocated: GRUB's copy, wherever GRUB put it, is then free
    /// RAM (a direct-mapped dom0 may need it), and the module tags can be rewritten when the
    /// modules move. `None` (nothing copied) if it does not fit.
    fn boot_info_copy(grub: &BootInfo<'static>) -> Option<&'static mut [u8]> {
        let (start, end) = grub.extent();
        let len = (end - start) as usize;
        if len > BOOT_INFO_COPY_SIZE {
            return None;
        }
        // SAFETY: called once, from xen_rs_main before anything else touches BOOT_INFO_COPY, so
        // this is the only reference to it, for the rest of the run. The source is GRUB's boot
        // information, `len` readable bytes below 4 GiB (checked by BootInfo::load) outside the
        // image, so the two do not overlap.
        unsafe {
            let copy: &'static mut BootInfoCopy = &mut *core::ptr::addr_of_mut!(BOOT_INFO_COPY);
            let dst = &mut copy.0[..len];
            core::ptr::copy_nonoverlapping(start as usize as *const u8, dst.as_mut_ptr(), len);
            Some(dst)
        }
    }

    /// Moves the boot modules to the top of the RAM below 4 GiB, as Xen's `__start_xen` moves
    /// them (`boot_memory::relocate_modules`), so that the RAM above 1 MiB where PVH kernels
    /// load (Linux at 16 MiB) is the heap's, for a direct-mapped dom0; rewrites their tags in
    /// the boot information's copy `bytes`.
    fn move_modules(bytes: &mut [u8], image: PhysRange) {
        use boot_shim::boot_memory::relocate_modules;
        use boot_shim::multiboot2::{memory_type, set_module_range};

        const MAX_MODULES: usize = 64;
        let mut modules = [PhysRange::default(); MAX_MODULES];
        let mut ram = [PhysRange::default(); boot_shim::report::MAX_FREE_RANGES];
        let (nmods, nram) = match BootInfo::parse(bytes) {
            Ok(info) => {
                let mut n = 0;
                for (slot, m) in modules.iter_mut().zip(info.modules()) {
                    *slot = PhysRange::new(m.start.into(), m.end.into());
                    n += 1;
                }
                let mut r = 0;
                let available = info
                    .memory_map()
                    .into_iter()
                    .flatten()
                    .filter(|e| e.region_type == memory_type::AVAILABLE);
                for (slot, e) in ram.iter_mut().zip(available) {
                    *slot = PhysRange::new(e.base, e.end());
                    r += 1;
                }
                (n, r)
            }
            Err(_) => return,
        };
        let ram = &mut ram[..nram];
        ram.sort_unstable_by_key(|r| r.start);
        let modules = &mut modules[..nmods];
        let moved = relocate_modules::<MAX_MODULES>(
            ram.iter().copied(),
            &[image],
            modules,
            4 << 30,
            |j, from, to| {
                // SAFETY: both ranges are below 4 GiB (the limit), which the boot page tables
                // identity-map; `from` holds module `j` (where GRUB or an earlier move put it)
                // and `to` is RAM of the memory map clear of the image (code, data, stacks, page
                // tables and the boot information's copy) and of every other module, so nothing
                // else lives there and nothing references either range yet (the modules are
                // read only after this). `copy` is memmove: the two may overlap.
                unsafe {
                    core::ptr::copy(
                        from.start as usize as *const u8,
                        to.start as usize as *mut u8,
                        from.len() as usize,
                    )
                };
                printk!("Module {j} moved from {from} to {to}\n");
            },
        );
        for (j, m) in modules.iter().enumerate() {
            // The limit keeps every address below 4 GiB.
            if moved[j] && !set_module_range(bytes, j, m.start as u32, m.end as u32) {
                printk!("Module {j}: cannot record where it moved\n");
                exit_machine(QemuExitCode::Failure)
            }
        }
    }

    /// The rest of the start of day on vendor `X`: the hypervisor's state, dom0, the scheduler.
    fn run<X: Vendor>(
        ranges: &[(xen_mm::frame::Mfn, xen_mm::frame::Mfn)],
        cmdline: &str,
        info: &boot_shim::multiboot2::BootInfo<'_>,
        options: &Options<'_>,
    ) -> ! {
        let hv = start_of_day::init_hypervisor::<X>(ranges, cmdline);
        let smoke = match options.test_guest {
            Some("smoke") => Some(smoke_guest::smoke()),
            Some("triple-fault") => Some(smoke_guest::triple_fault()),
            _ => None,
        };
        if let Some(code) = smoke {
            run_builtin_dom0::<X>(&hv, code);
        }

        // dom0_build.c dom0_max_vcpus, on one physical CPU; SMP (and more vCPUs) is issue #30.
        let wanted = options
            .dom0_max_vcpus
            .vcpus(1, u64::from(hypercall::domctl::HVM_MAX_VCPUS));
        if wanted > 1 {
            printk!("dom0_max_vcpus: dom0 would get {wanted} vCPUs; xen-rs builds it with 1\n");
        }
        match start_of_day::build_pvh_dom0::<X>(&hv, info, options.dom0_mem) {
            Ok((d, vcpu)) => {
                printk!("*** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\n");
                let rq = start_of_day::run_queue_with::<X>(d, vcpu);
                let reason = start_of_day::schedule::<X>(&hv, rq);
                start_of_day::dom0_shutdown(reason)
            }
            Err(start_of_day::Dom0Error::NoKernel) => {
                printk!("No dom0 kernel: no boot module\n");
                printk!("No domain to run yet: boot report complete, stopping.\n");
                exit_machine(QemuExitCode::Success)
            }
            Err(start_of_day::Dom0Error::Build(why)) => {
                printk!("****************************************\n");
                printk!("Panic on CPU 0:\n");
                printk!("Could not set up DOM0 guest OS: {why}\n");
                printk!("****************************************\n");
                exit_machine(QemuExitCode::Failure)
            }
        }
    }

    /// Runs a built-in guest (smoke_guest.rs) as dom0 with 4 MiB, then stops the machine as dom0
    /// asks.
    fn run_builtin_dom0<X: Vendor>(hv: &start_of_day::Hv<X::Fmt>, code: &[u8]) -> ! {
        let d = match start_of_day::create_dom0(hv, 1024) {
            Ok(d) => d,
            Err(e) => {
                printk!("Cannot build dom0: {e:?}\n");
                exit_machine(QemuExitCode::Failure)
            }
        };
        if let Err(e) = start_of_day::copy_to_domain(hv, &d, smoke_guest::LOAD_ADDRESS, code) {
            printk!("Cannot load dom0: {e}\n");
            exit_machine(QemuExitCode::Failure)
        }
        printk!(
            "d0: built-in test guest, {} bytes at {:#x}, 4 MiB of RAM\n",
            code.len(),
            smoke_guest::LOAD_ADDRESS
        );
        let root = d.p2m.root().paddr();
        let vcpu = X::new_pvh(smoke_guest::LOAD_ADDRESS as u32, 0, root);
        let rq = start_of_day::run_queue_with::<X>(d, vcpu);
        let reason = start_of_day::schedule::<X>(hv, rq);
        start_of_day::dom0_shutdown(reason)
    }

    /// `test_fault=<ud|pf|gp|de>` makes the hypervisor fault on purpose, so the boot tests can check
    /// that exceptions are reported and stop the machine rather than hang it.
    fn raise_test_fault(kind: &str) {
        printk!("test_fault={kind}: raising it now\n");
        match kind {
            // SAFETY: ud2 raises #UD, which the IDT installed by init_boot_cpu reports fatally.
            "ud" => unsafe { core::arch::asm!("ud2", options(nomem, nostack)) },
            // SAFETY: 64 GiB is outside the boot identity map (0..4 GiB), so the read raises #PF,
            // which is reported fatally; the value is never used.
            "pf" => unsafe {
                core::arch::asm!("mov {tmp}, [{addr}]", addr = in(reg) 0x10_0000_0000u64,
                                 tmp = out(reg) _, options(nostack, readonly))
            },
            // SAFETY: a non-canonical address raises #GP, which is reported fatally.
            "gp" => unsafe {
                core::arch::asm!("mov {tmp}, [{addr}]", addr = in(reg) 0x8000_0000_0000_0000u64,
                                 tmp = out(reg) _, options(nostack, readonly))
            },
            // SAFETY: dividing by zero raises #DE, which is reported fatally.
            "de" => unsafe {
                core::arch::asm!("xor edx, edx", "xor ecx, ecx", "div ecx",
                                 out("eax") _, out("edx") _, out("ecx") _, options(nomem, nostack))
            },
            _ => printk!("test_fault={kind}: unknown fault kind (ud, pf, gp, de)\n"),
        }
    }

    #[panic_handler]
    fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
        emergency_print(format_args!("****************************************\n"));
        emergency_print(format_args!("Panic on CPU 0:\n"));
        emergency_print(format_args!("{info}\n"));
        emergency_print(format_args!("****************************************\n"));
        exit_machine(QemuExitCode::Failure)
    }
}

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("xen-rs is a bare-metal hypervisor image: build and boot it with `./x run`.");
    std::process::exit(2);
}
