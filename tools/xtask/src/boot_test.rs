//! The QEMU boot tests: the image booted by GRUB, its console read back and checked.
//!
//! The report must agree with what QEMU and GRUB were given (command line, modules and their sizes,
//! RAM size) and with itself (the free-frame count is recomputed from the printed memory map, image,
//! boot information and modules). Forced exceptions must be reported, with registers, and end the run
//! with the failure code, never hang it.

use std::path::{Path, PathBuf};

use crate::console::{self, BootReport};
use crate::grub::{GrubEntry, GrubModule};
use crate::machine::{self, Cpu};
use crate::qemu::{QemuExit, QemuOutcome};
use crate::{image, root};

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
const BOOT_TIMEOUT_SECS: u64 = 60;

/// How the boot tests went.
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
}

struct Case {
    name: &'static str,
    memory: &'static str,
    cmdline: &'static str,
    modules: Vec<GrubModule>,
    /// The case runs a dom0, so it goes through the vCPU code and runs on both vendors (Bochs for
    /// Intel); the others stop before any vCPU exists and run in QEMU only.
    runs_a_guest: bool,
    /// The CPU the case needs whatever the run's (a machine without SVM or VMX); such a case runs
    /// with the AMD set.
    needs_cpu: Option<Cpu>,
    check: fn(&Case, Cpu, &QemuOutcome) -> Result<(), String>,
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/module.txt")
}

fn guest_module(args: &str) -> Vec<GrubModule> {
    let path = crate::guest::build().unwrap_or_else(|e| {
        eprintln!("boot tests: cannot build the test guest: {e}");
        PathBuf::from("tests/guest (build failed)")
    });
    vec![GrubModule {
        path,
        args: args.into(),
    }]
}

/// A bzImage around `payload`, as Linux's arch/x86/boot/tools/build.c lays one out for
/// bzimage.c: a boot sector and one setup sector with the setup header ("HdrS", boot protocol
/// 2.15, `setup_sects` 1), then the payload `payload_offset` bytes into the protected-mode part.
fn bzimage(payload: &[u8]) -> Vec<u8> {
    const PAYLOAD_OFFSET: usize = 0x100;
    let mut img = vec![0u8; 2 * 512 + PAYLOAD_OFFSET];
    img[0x1f1] = 1;
    img[0x1fe..0x200].copy_from_slice(&[0x55, 0xaa]);
    img[0x202..0x206].copy_from_slice(b"HdrS");
    img[0x206..0x208].copy_from_slice(&0x020fu16.to_le_bytes());
    img[0x248..0x24c].copy_from_slice(&(PAYLOAD_OFFSET as u32).to_le_bytes());
    img[0x24c..0x250].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    img.extend(payload);
    img
}

/// The test guest as a bzImage with a `gzip -n -9` payload (GRUB would inflate a bare .gz module
/// itself; a bzImage's payload reaches the hypervisor compressed, as with Linux's).
fn gzip_bzimage_guest_module(args: &str) -> Vec<GrubModule> {
    let out = root().join("target/xen-rs/test-guest.bzImage");
    let make = |elf: &Path| -> Result<(), String> {
        let gz = std::process::Command::new("gzip")
            .args(["-n", "-9", "-c"])
            .arg(elf)
            .output()
            .map_err(|e| format!("gzip: {e}"))?;
        if !gz.status.success() {
            return Err(format!("gzip: {}", gz.status));
        }
        std::fs::create_dir_all(root().join("target/xen-rs")).map_err(|e| e.to_string())?;
        std::fs::write(&out, bzimage(&gz.stdout)).map_err(|e| format!("{}: {e}", out.display()))
    };
    guest_module(args)
        .into_iter()
        .map(|m| match make(&m.path) {
            Ok(()) => GrubModule {
                path: out.clone(),
                ..m
            },
            Err(e) => {
                eprintln!("boot tests: cannot make the test guest's bzImage: {e}");
                GrubModule {
                    path: PathBuf::from("target/xen-rs/test-guest.bzImage (failed)"),
                    ..m
                }
            }
        })
        .collect()
}

/// Debian's vmlinuz as dom0's kernel, with its command line.
fn debian_kernel() -> Vec<GrubModule> {
    let path = crate::linux_dom0::vmlinuz().unwrap_or_else(|e| {
        eprintln!("boot tests: cannot fetch Debian's kernel: {e}");
        PathBuf::from("target/linux-dom0 (fetch failed)")
    });
    vec![GrubModule {
        path,
        args: "console=hvc0 earlyprintk=xen".into(),
    }]
}

fn cases(image: &Path) -> Vec<Case> {
    let fault = |name, cmdline| Case {
        name,
        memory: "256M",
        cmdline,
        modules: vec![],
        check: check_fault,
        runs_a_guest: false,
        needs_cpu: None,
    };
    vec![
        Case {
            name: "report-1g-one-module",
            memory: "1G",
            cmdline: "console=com1 com1=115200,8n1 loglvl=all",
            modules: vec![GrubModule {
                path: fixture(),
                args: "fixture a=b c".into(),
            }],
            check: check_report,
            runs_a_guest: false,
            needs_cpu: None,
        },
        Case {
            name: "report-5g-two-modules",
            memory: "5G",
            cmdline: "console=com1 dom0_mem=512M",
            // The first module is not a kernel, so dom0 cannot be built: the report, then Xen's
            // panic.
            modules: vec![
                GrubModule {
                    path: fixture(),
                    args: String::new(),
                },
                GrubModule {
                    path: image.to_path_buf(),
                    args: "a-multi-page-module".into(),
                },
            ],
            check: check_report,
            runs_a_guest: false,
            needs_cpu: None,
        },
        fault("fault-invalid-opcode", "console=com1 test_fault=ud"),
        fault("fault-page-fault", "console=com1 test_fault=pf"),
        fault("fault-general-protection", "console=com1 test_fault=gp"),
        fault("fault-divide-error", "console=com1 test_fault=de"),
        Case {
            name: "dom0-smoke-hello-poweroff",
            memory: "256M",
            cmdline: "console=com1 test_guest=smoke",
            modules: vec![],
            check: check_smoke_guest,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-triple-fault",
            memory: "256M",
            cmdline: "console=com1 test_guest=triple-fault",
            modules: vec![],
            check: check_triple_fault,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-pvh-guest-hello",
            memory: "512M",
            cmdline: "console=com1 com1=115200,8n1 dom0=pvh dom0_mem=64M noreboot",
            modules: guest_module("mode=hello"),
            check: check_guest_hello,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-pvh-guest-garbage-hypercalls",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: guest_module("mode=garbage"),
            check: check_guest_garbage,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-pvh-guest-spin-preempted",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: guest_module("mode=spin"),
            check: check_guest_spin,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-builds-runs-destroys-a-domu",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            // The guest as dom0, and again as the domU's kernel (dom0's first boot module).
            modules: [guest_module("mode=domu"), guest_module("")].concat(),
            check: check_guest_domu,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-and-a-domu-ping-pong-10000-events",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: [guest_module("mode=pingpong"), guest_module("")].concat(),
            check: check_guest_pingpong,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "a-domu-starts-its-second-vcpu",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: [guest_module("mode=smp"), guest_module("")].concat(),
            check: check_guest_smp,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-tracks-a-running-domu-with-log-dirty",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: [guest_module("mode=logdirty"), guest_module("")].concat(),
            check: check_guest_logdirty,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-and-a-domu-keep-their-own-fpu-state",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: [guest_module("mode=xstate"), guest_module("")].concat(),
            check: check_guest_xstate,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-pvh-guest-triple-fault",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: guest_module("mode=triple-fault"),
            check: check_triple_fault,
            runs_a_guest: true,
            needs_cpu: None,
        },
        Case {
            name: "dom0-pvh-guest-gzip-bzimage-hello",
            memory: "512M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: gzip_bzimage_guest_module("mode=hello"),
            check: check_gzip_guest_hello,
            // Decompression is the same code on either vendor; the plain-ELF cases cover VMX.
            runs_a_guest: false,
            needs_cpu: None,
        },
        Case {
            name: "dom0-debian-bzimage-decompressed-and-entered",
            memory: "1G",
            cmdline: "console=com1 dom0_mem=512M",
            modules: debian_kernel(),
            check: check_debian_bzimage,
            // It runs dom0, but decompressing 63 MB of xz in Bochs would take most of an hour.
            runs_a_guest: false,
            needs_cpu: None,
        },
        Case {
            name: "dom0-mem-larger-than-ram",
            memory: "256M",
            cmdline: "console=com1 dom0_mem=2G",
            modules: guest_module("mode=hello"),
            check: check_dom0_mem_too_large,
            runs_a_guest: false,
            needs_cpu: None,
        },
        Case {
            name: "dom0-without-svm-or-vmx",
            memory: "256M",
            cmdline: "console=com1 dom0_mem=64M",
            modules: guest_module("mode=hello"),
            check: check_no_hvm,
            runs_a_guest: false,
            needs_cpu: Some(Cpu::Neither),
        },
    ]
}

fn memory_bytes(memory: &str) -> u64 {
    let (number, unit) = memory.split_at(memory.len() - 1);
    let n: u64 = number
        .parse()
        .expect("test memory sizes are like 1G or 256M");
    match unit {
        "G" => n * GIB,
        "M" => n * MIB,
        _ => unreachable!("test memory sizes end in G or M"),
    }
}

/// A boot whose first module is a text file: the report is complete, agrees with the inputs, and
/// the count adds up; then dom0 cannot be built from the module and the run fails as Xen's does
/// (setup.c: "Could not set up DOM0 guest OS", after elf_init's "not an ELF binary").
fn check_report(case: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Failure {
        return Err(format!(
            "expected the failure code (the first module is not a kernel), got {:?}",
            outcome.exit
        ));
    }
    let report: BootReport = console::parse(&outcome.console)?;
    let version = report.version.as_deref().ok_or("no version banner")?;
    if version != env!("CARGO_PKG_VERSION") {
        return Err(format!("banner says version {version}"));
    }
    if report.command_line.as_deref() != Some(case.cmdline) {
        return Err(format!(
            "command line {:?}, expected {:?}",
            report.command_line, case.cmdline
        ));
    }

    // RAM: what QEMU was given, less the holes firmware keeps (a few hundred KiB).
    let usable: u64 = report
        .memory_map
        .iter()
        .filter(|(_, kind)| kind == "usable")
        .map(|(r, _)| r.end - r.start)
        .sum();
    let ram = memory_bytes(case.memory);
    if usable > ram || usable < ram - 4 * MIB {
        return Err(format!(
            "usable RAM {usable:#x} does not match -m {} ({ram:#x})",
            case.memory
        ));
    }
    if ram > 4 * GIB
        && !report
            .memory_map
            .iter()
            .any(|(r, kind)| kind == "usable" && r.start >= 4 * GIB)
    {
        return Err("RAM above 4 GiB is missing from the memory map".into());
    }

    if report.module_count != Some(case.modules.len()) || report.modules.len() != case.modules.len()
    {
        return Err(format!(
            "{} module(s) given, report says {:?} and lists {}",
            case.modules.len(),
            report.module_count,
            report.modules.len()
        ));
    }
    for (given, seen) in case.modules.iter().zip(&report.modules) {
        let size = std::fs::metadata(&given.path)
            .map_err(|e| format!("{}: {e}", given.path.display()))?
            .len();
        if seen.bytes != size || seen.range.end - seen.range.start != size {
            return Err(format!(
                "module {} is {size} bytes, report says {seen:?}",
                given.path.display()
            ));
        }
        if seen.cmdline != given.args {
            return Err(format!(
                "module cmdline {:?}, expected {:?}",
                seen.cmdline, given.args
            ));
        }
        if seen.range.start % 4096 != 0 {
            return Err(format!("module not page-aligned: {seen:?}"));
        }
    }
    match report.acpi.as_deref() {
        Some(acpi) if acpi.starts_with("RSDP r") => {}
        other => return Err(format!("no ACPI RSDP reported (got {other:?})")),
    }

    let frames = report.heap_frames.ok_or("no free-frame count")?;
    let expected = console::expected_heap_frames(&report)?;
    if frames != expected {
        return Err(format!(
            "report hands {frames} frames to the heap; its own map, image and modules give {expected}"
        ));
    }
    let listed: u64 = report
        .heap_ranges
        .iter()
        .map(|r| (r.end - r.start) / 4096)
        .sum();
    if listed != frames {
        return Err(format!(
            "heap ranges add up to {listed} frames, the total line says {frames}"
        ));
    }
    if frames * 4096 < usable - 64 * MIB {
        return Err(format!(
            "only {frames} frames free out of {usable:#x} bytes of RAM"
        ));
    }
    lines_with(
        &outcome.console,
        &[
            "(XEN) Panic on CPU 0:",
            "(XEN) Could not set up DOM0 guest OS: Unable to init ELF: not a kernel: neither an ELF image, a bzImage nor a compressed image",
        ],
    )
    .map_err(|e| format!("{e} (the closing lines)"))?;
    Ok(())
}

/// The test guest in a bzImage with a gzip payload: inflated by the hypervisor (bzimage.c
/// bzimage_parse, xen/common/inflate.c gunzip's checks), then booted as the plain ELF is.
fn check_gzip_guest_hello(case: &Case, cpu: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    check_guest_hello(case, cpu, outcome)?;
    let elf = guest_module("")
        .first()
        .and_then(|m| std::fs::metadata(&m.path).ok())
        .map(|m| m.len())
        .ok_or("cannot read the test guest's size")?;
    lines_with(
        &outcome.console,
        &[
            "d0: bzImage v2.15, gzip payload of ",
            &format!("d0: kernel decompressed to {elf} bytes (0 KiB of scratch, freed)"),
        ],
    )?;
    Ok(())
}

/// Debian's own kernel (./x linux-dom0's), a bzImage with an xz payload as the first module: the
/// payload decompressed (bzimage.c bzimage_parse), its Xen notes read as Xen reads them (FEATURES
/// ends in its padding: libelf-dominfo.c elf_xen_parse_note), and dom0 built and entered. Linux
/// must then print its banner, find the RSDP below 1 MiB (dom0's first MiB as
/// hvm/dom0_build.c pvh_populate_p2m builds it) and read its MADT in the host's reserved range
/// (identity-mapped as passthrough/x86/iommu.c arch_iommu_hwdom_init maps it). How far it gets
/// after that is up to the rest of the hypervisor (its APIC next); a failure of the hypervisor
/// itself fails the case.
fn check_debian_bzimage(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit == QemuExit::Failure {
        return Err("xen-rs stopped with a failure".into());
    }
    let lines = console::xen_lines(&outcome.console);
    for text in [
        "d0: bzImage v2.",
        ", xz payload of ",
        "d0: kernel decompressed to ",
        "d0: ELF: note: GUEST_OS = \"linux\"",
        "d0: ELF: note: FEATURES = \"!writable_page_tables|pae_pgdir_above_4gb\"",
        "d0: ELF: note: PHYS32_ENTRY = 0x",
        "d0: PVH kernel at [0x1000000, ",
        "*** Serial input to DOM0",
    ] {
        if !lines.iter().any(|l| l.contains(text)) {
            return Err(format!("no line with {text:?}"));
        }
    }
    // dom0's own ACPI tables (hvm/dom0_build.c pvh_setup_acpi): Linux finds its RSDP where
    // xen-rs put it, in the E820_ACPI range at the end of its RAM, lists the XSDT and dom0's MADT
    // there, the host's FADT, DSDT and FACS through them, and none of the tables Xen hides (the
    // host's RSDT, its MADT, HPET and WAET: only dom0's APIC line).
    let acpi = lines
        .iter()
        .find_map(|l| l.strip_prefix("d0: ACPI: RSDP at "))
        .ok_or("xen-rs printed no line with dom0's ACPI tables")?;
    let hex_after = |key: &str| -> Result<u64, String> {
        let rest = if key.is_empty() {
            acpi
        } else {
            acpi.split_once(key)
                .map(|(_, rest)| rest)
                .ok_or(format!("no {key:?} in {acpi:?}"))?
        };
        let digits = rest
            .strip_prefix("0x")
            .map(|r| {
                r.split(|c: char| !c.is_ascii_hexdigit())
                    .next()
                    .unwrap_or("")
            })
            .ok_or(format!("no address after {key:?} in {acpi:?}"))?;
        u64::from_str_radix(digits, 16).map_err(|e| format!("{acpi:?}: {e}"))
    };
    let (rsdp, xsdt, madt) = (
        hex_after("")?,
        hex_after("XSDT at ")?,
        hex_after("MADT at ")?,
    );
    let linux: Vec<&str> = outcome
        .console
        .lines()
        .filter(|l| !l.starts_with("(XEN)"))
        .collect();
    for text in [
        "Linux version ".to_string(),
        format!("BIOS-e820: [mem 0x{rsdp:016x}-"),
        format!("ACPI: RSDP 0x{rsdp:016X} 000024 (v02 "),
        format!("ACPI: XSDT 0x{xsdt:016X} "),
        format!("ACPI: APIC 0x{madt:016X} "),
        "ACPI: FACP 0x".to_string(),
        "ACPI: DSDT 0x".to_string(),
        "ACPI: FACS 0x".to_string(),
    ] {
        if !linux.iter().any(|l| l.contains(&text)) {
            return Err(format!("Linux printed no line with {text:?}"));
        }
    }
    let e820 = format!("BIOS-e820: [mem 0x{rsdp:016x}-");
    if !linux
        .iter()
        .any(|l| l.contains(&e820) && l.trim_end().ends_with("ACPI data"))
    {
        return Err(format!(
            "dom0's map has no ACPI range from its RSDP at {rsdp:#x}"
        ));
    }
    for hidden in ["ACPI: RSDT ", "ACPI: HPET ", "ACPI: WAET "] {
        if let Some(l) = linux.iter().find(|l| l.contains(hidden)) {
            return Err(format!("Linux found a table Xen hides: {l:?}"));
        }
    }
    if linux.iter().filter(|l| l.contains("ACPI: APIC 0x")).count() != 1 {
        return Err("Linux listed more than dom0's own MADT".into());
    }
    let stolen = acpi
        .split_once("E820_ACPI ")
        .and_then(|(_, rest)| parse_half_open(rest))
        .map(|(s, e, _)| (s, e))
        .ok_or(format!("no E820_ACPI range in {acpi:?}"))?;
    check_direct_mapped_e820(&lines, &linux, stolen)?;
    // The trailer's size, as the line gives it, is the decompressed ELF's.
    let size = lines
        .iter()
        .find_map(|l| l.strip_prefix("d0: kernel decompressed to "))
        .and_then(|rest| rest.split(' ').next()?.parse::<u64>().ok())
        .ok_or("no decompressed size")?;
    if size < 16 << 20 {
        return Err(format!("a {size}-byte kernel is too small for Debian's"));
    }
    Ok(())
}

/// `[start, end)` from text like `[0x100000, 0x200000)` (xen-rs's `d0: RAM` lines).
fn parse_half_open(text: &str) -> Option<(u64, u64, &str)> {
    let rest = text.strip_prefix("[0x")?;
    let (start, rest) = rest.split_once(", 0x")?;
    let (end, rest) = rest.split_once(')')?;
    Some((
        u64::from_str_radix(start, 16).ok()?,
        u64::from_str_radix(end, 16).ok()?,
        rest.trim(),
    ))
}

/// Linux's `BIOS-e820: [mem 0x...-0x...] <type>` lines as `[start, end)` and the type.
fn linux_e820(linux: &[&str]) -> Result<Vec<(u64, u64, String)>, String> {
    linux
        .iter()
        .filter_map(|l| {
            l.split_once("BIOS-e820: [mem 0x")
                .map(|(_, rest)| (l, rest))
        })
        .map(|(l, rest)| {
            let parse = || -> Option<(u64, u64, String)> {
                let (start, rest) = rest.split_once("-0x")?;
                let (last, kind) = rest.split_once("] ")?;
                Some((
                    u64::from_str_radix(start, 16).ok()?,
                    u64::from_str_radix(last, 16).ok()? + 1,
                    kind.trim().to_string(),
                ))
            };
            parse().ok_or_else(|| format!("cannot read Linux's e820 line {l:?}"))
        })
        .collect()
}

/// A direct-mapped dom0 (Xen on Arm's allocate_memory_11): xen-rs says which RAM ranges it mapped
/// gfn == mfn (`d0: RAM [a, b) direct-mapped`) and which it gave dom0 otherwise (below 1 MiB, a
/// copy of the host's, as Xen's PVH builder does); the usable RAM Linux reads from its e820 must
/// be exactly those ranges, less dom0's own ACPI tables `acpi` (`[start, end)`, stolen from the
/// end of a direct-mapped range and listed as ACPI data), and nothing else may be usable.
fn check_direct_mapped_e820(xen: &[&str], linux: &[&str], acpi: (u64, u64)) -> Result<(), String> {
    if !xen
        .iter()
        .any(|l| l.starts_with("Allocating 1:1 mappings totalling "))
    {
        return Err("xen-rs did not say it direct-mapped dom0's RAM".into());
    }
    let mut expected: Vec<(u64, u64)> = Vec::new();
    let mut direct: Vec<(u64, u64)> = Vec::new();
    for l in xen {
        let Some(rest) = l.strip_prefix("d0: RAM ") else {
            continue;
        };
        let (start, end, what) =
            parse_half_open(rest).ok_or_else(|| format!("cannot read {l:?}"))?;
        if what == "direct-mapped" {
            direct.push((start, end));
        } else if !(what.starts_with("holding a copy of the host's") && end <= 1 << 20) {
            return Err(format!(
                "dom0's RAM above 1 MiB must all be direct-mapped: {l:?}"
            ));
        }
        match expected.last_mut() {
            Some((_, e)) if *e == start => *e = end,
            _ => expected.push((start, end)),
        }
    }
    if direct.is_empty() {
        return Err("no `d0: RAM [..) direct-mapped` line".into());
    }
    if !direct.iter().any(|&(s, e)| s <= acpi.0 && acpi.1 <= e) {
        return Err(format!(
            "dom0's ACPI tables at [{:#x}, {:#x}) are not in its direct-mapped RAM",
            acpi.0, acpi.1
        ));
    }
    // Less the ACPI tables' range.
    let expected: Vec<(u64, u64)> = expected
        .into_iter()
        .flat_map(|(s, e)| [(s, e.min(acpi.0)), (s.max(acpi.1), e)])
        .filter(|(s, e)| s < e)
        .collect();
    let usable: Vec<(u64, u64)> = linux_e820(linux)?
        .into_iter()
        .filter(|(_, _, kind)| kind == "usable")
        .map(|(s, e, _)| (s, e))
        .collect();
    if usable != expected {
        let show = |v: &[(u64, u64)]| {
            v.iter()
                .map(|(s, e)| format!("[{s:#x}, {e:#x})"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return Err(format!(
            "Linux's usable RAM {} is not what xen-rs mapped for it {}",
            show(&usable),
            show(&expected)
        ));
    }
    Ok(())
}

/// A forced exception: reported like a Xen fatal trap, registers included, and the run fails.
fn check_fault(case: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Failure {
        return Err(format!(
            "expected the failure exit code, got {:?}",
            outcome.exit
        ));
    }
    let lines = console::xen_lines(&outcome.console);
    let has = |text: &str| lines.iter().any(|l| l.contains(text));
    let kind = case.cmdline.rsplit('=').next().unwrap_or_default();
    let expected: &[&str] = match kind {
        "ud" => &[
            "FATAL TRAP: vector = 6 (invalid opcode)",
            "[error_code=0000]",
        ],
        "pf" => &[
            "FATAL PAGE FAULT",
            "[error_code=0000]",
            "Faulting linear address: 0000001000000000",
        ],
        "gp" => &[
            "FATAL TRAP: vector = 13 (general protection fault)",
            "[error_code=0000]",
        ],
        "de" => &["FATAL TRAP: vector = 0 (divide error)", "[error_code=0000]"],
        other => return Err(format!("no expectation for fault kind {other}")),
    };
    for text in expected
        .iter()
        .chain(&["Panic on CPU 0:", "RIP:    0008:[<", "CONTEXT: hypervisor"])
        .chain(&["rax: ", "rbx: ", "rsp: ", "r15: ", "cr3: ", "cr2: "])
    {
        if !has(text) {
            return Err(format!("the trap report lacks {text:?}"));
        }
    }
    if has("No domain to run yet") {
        return Err("boot went on after the fault".into());
    }
    Ok(())
}

/// The built-in smoke guest as dom0 (either vendor): it finds Xen's CPUID leaves, installs the hypercall
/// page, prints through console_io and powers off, which ends the run with success.
fn check_smoke_guest(_: &Case, cpu: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    // dom0's console output is printed as it is, without the (XEN) prefix.
    if !outcome
        .console
        .lines()
        .any(|l| l.trim_end() == "xen-rs smoke guest: hello from dom0")
    {
        return Err("dom0's console_io line is missing".into());
    }
    let lines = console::xen_lines(&outcome.console);
    let enabled = format!("HVM: {} enabled", cpu.hvm_name());
    for text in [enabled.as_str(), "Hardware Dom0 halted: halting machine"] {
        if !lines.iter().any(|l| l.contains(text)) {
            return Err(format!("no line with {text:?}"));
        }
    }
    Ok(())
}

/// A dom0 that triple-faults: the domain is crashed with a register dump and the machine
/// stopped cleanly with the dom0-crashed code, never a hypervisor failure or a hang.
fn check_triple_fault(_: &Case, cpu: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Dom0Crashed {
        return Err(format!(
            "expected the dom0-crashed code, got {:?}",
            outcome.exit
        ));
    }
    let lines = console::xen_lines(&outcome.console);
    // The vendor's own exit code: SVM's VMEXIT_SHUTDOWN (0x7f), VMX's triple-fault exit reason (2).
    let exitcode = match cpu {
        Cpu::Amd | Cpu::Neither => "exitcode: 0x7f ",
        Cpu::Intel => "exitcode: 0x2 ",
    };
    for text in [
        "domain_crash called for d0v0: triple fault",
        "d0v0 RIP: ",
        exitcode,
        "Hardware Dom0 crashed: halting machine",
    ] {
        if !lines.iter().any(|l| l.contains(text)) {
            return Err(format!("no line with {text:?}"));
        }
    }
    Ok(())
}

fn lines_with<'a>(console: &'a str, texts: &[&str]) -> Result<Vec<&'a str>, String> {
    let lines: Vec<&str> = console.lines().map(str::trim_end).collect();
    for text in texts {
        if !lines.iter().any(|l| l.contains(text)) {
            return Err(format!("no line with {text:?}"));
        }
    }
    Ok(lines)
}

/// The test guest (tests/guest) as a PVH dom0 built from the first module: it prints through
/// console_io, reads the version, and powers off, which ends the run with success.
fn check_guest_hello(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    let lines = lines_with(
        &outcome.console,
        &["d0: PVH kernel at", "Hardware Dom0 halted: halting machine"],
    )?;
    for expected in [
        "xen-rs test guest: hello from dom0",
        "xen-rs test guest: xen_version 4.17",
    ] {
        if !lines.contains(&expected) {
            return Err(format!("dom0 did not print {expected:?}"));
        }
    }
    Ok(())
}

/// dom0 makes hundreds of hypercalls with random numbers and arguments: each gets an answer,
/// xen-rs neither crashes nor hangs, and dom0 powers off.
fn check_guest_garbage(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: garbage: 400 hypercalls:",
            "Hardware Dom0 halted: halting machine",
        ],
    )?;
    Ok(())
}

/// dom0 spins without a hypercall: only the local APIC timer can take the CPU back, and the
/// scheduler's count shows it did.
fn check_guest_spin(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    let lines = lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: spin done",
            "Scheduler: d0v0 stopped after",
        ],
    )?;
    let stats = lines
        .iter()
        .find(|l| l.contains("Scheduler: d0v0 stopped after"))
        .ok_or("no scheduler line")?;
    let preemptions: u64 = stats
        .rsplit(", ")
        .next()
        .and_then(|tail| tail.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("cannot read the preemption count in {stats:?}"))?;
    if preemptions == 0 {
        return Err(format!("the timer never preempted dom0: {stats:?}"));
    }
    Ok(())
}

/// dom0 builds a PVH domU with tools/toolstack's builder (createdomain, max_vcpus, max_mem, a
/// claim seen by Xen, PoD, the test guest's own ELF through foreign mappings, hvm_start_info,
/// sethvmcontext, unpause, the claim cancelled); the scheduler runs it; its write to QEMU's exit
/// port does not end the run, its line through port 0xe9 appears as "(d1) ...", and it shuts
/// down with SHUTDOWN_reboot, which dom0 reads back before destroying it (all its memory
/// returns) and powering off.
fn check_guest_domu(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: domu: created d1",
            "xen-rs test guest: domu: claimed 4096 pages for d1; Xen's outstanding claims: 4096",
            "xen-rs test guest: domu: claim of d1 cancelled; Xen's outstanding claims: 0",
            "d1v0: started at 0x100070",
            "(d1) xen-rs test guest: probe: dom1 ran its own code",
            "xen-rs test guest: domu: d1 shut down with reason 1",
            "xen-rs test guest: domu: d1 destroyed",
            "xen-rs test guest: domu: done",
            "Hardware Dom0 halted: halting machine",
        ],
    )?;
    Ok(())
}

/// dom0 and a domU bounce 10,000 events over an interdomain event channel: dom0 sends and
/// polls (SCHEDOP_poll), the domU takes upcalls on HVM_PARAM_CALLBACK_IRQ's vector while
/// halted (tests/guest/src/pingpong.rs). Both count every event, and the domU powers off.
fn check_guest_pingpong(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: pingpong: d1 port 1 connected to dom0 port 1",
            "(d1) xen-rs test guest: pong: received 10000, sent 10000, upcalls taken some",
            "xen-rs test guest: pingpong: dom0 sent 10000, received 10000",
            "xen-rs test guest: pingpong: d1 shut down with reason Some(0), destroyed true",
            "xen-rs test guest: pingpong: done",
            "Hardware Dom0 halted: halting machine",
        ],
    )?;
    Ok(())
}

/// A domU with two vCPUs starts the second with VCPUOP_initialise (a 64-bit start state) and
/// VCPUOP_up; it runs, then takes itself down with VCPUOP_down (tests/guest/src/smp.rs).
fn check_guest_smp(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "d1v1: started at 0x",
            "(d1) xen-rs test guest: smp: vcpu 1 is running",
            "(d1) xen-rs test guest: smp: initialise 0, up 0, vcpu 1 ran true, then went down true",
            "xen-rs test guest: smp: d1 shut down with reason Some(0), destroyed true",
            "xen-rs test guest: smp: done",
            "Hardware Dom0 halted: halting machine",
        ],
    )?;
    Ok(())
}

/// dom0 turns log-dirty mode on for a paused domU and lets it run: the lazy type change reaches
/// the running domU through the vendor's recalculation path (an EPT misconfiguration on VMX, a
/// nested page fault on SVM), its writes are recorded, and it shuts down normally
/// (tests/guest/src/logdirty.rs).
fn check_guest_logdirty(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: logdirty: enabled on d1; dirty before it ran: Ok(0)",
            "(d1) xen-rs test guest: probe: dom1 ran its own code",
            "xen-rs test guest: logdirty: d1 ran to its shutdown and dirtied some of its pages; \
             a second clean found none",
            "xen-rs test guest: logdirty: d1 destroyed, its memory returned",
            "xen-rs test guest: logdirty: done",
        ],
    )?;
    Ok(())
}

/// dom0 and a domU take turns on the CPU with different XMM0 values and XCR0s (dom0 with AVX's
/// YMM state, the domU without): each finds its own after every turn, so the hypervisor switches
/// the extended state and XCR0 between vCPUs (tests/guest/src/xstate.rs).
fn check_guest_xstate(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Success {
        return Err(format!("expected dom0's poweroff, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &[
            "xen-rs test guest: xstate: dom0 uses XCR0 FP|SSE|YMM",
            "(d1) xen-rs test guest: xstate-domu: 200 turns, state lost in 0",
            "xen-rs test guest: xstate: dom0 kept its XMM0 and XCR0 over",
            "xen-rs test guest: xstate: done",
        ],
    )?;
    Ok(())
}

/// `dom0_mem=` above the machine's memory: a clear error, and the run stops with the failure
/// code rather than building a smaller dom0 behind the user's back.
fn check_dom0_mem_too_large(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Failure {
        return Err(format!("expected the failure code, got {:?}", outcome.exit));
    }
    lines_with(
        &outcome.console,
        &["Could not set up DOM0 guest OS:", "dom0_mem"],
    )?;
    Ok(())
}

/// A CPU with neither SVM nor VMX and a dom0 kernel to run: a clear message and the failure code,
/// as Xen panics when it cannot create a PVH dom0 (`create_dom0`'s "Error creating d0").
fn check_no_hvm(_: &Case, _: Cpu, outcome: &QemuOutcome) -> Result<(), String> {
    if outcome.exit != QemuExit::Failure {
        return Err(format!("expected the failure code, got {:?}", outcome.exit));
    }
    let lines = lines_with(
        &outcome.console,
        &[
            "HVM: neither AMD SVM nor Intel VMX",
            "Could not set up DOM0 guest OS: a PVH dom0 needs AMD SVM or Intel VMX",
        ],
    )?;
    if lines.iter().any(|l| l.contains("d0: PVH kernel at")) {
        return Err("dom0 was built without a way to run it".into());
    }
    Ok(())
}

/// Builds the image and runs every boot test for `cpu` (on Intel, those that run a guest), or those
/// whose name contains `only`; prints one line per case and a summary.
pub fn run_all(only: Option<&str>, cpu: Cpu) -> Result<Summary, String> {
    let image = image::build()?;
    let work = root().join(match cpu {
        Cpu::Amd | Cpu::Neither => "target/xen-rs/boot-test",
        Cpu::Intel => "target/xen-rs/boot-test-intel",
    });
    let mut summary = Summary {
        passed: 0,
        failed: 0,
    };
    for case in cases(&image) {
        if only.is_some_and(|only| !case.name.contains(only))
            || (cpu == Cpu::Intel && (!case.runs_a_guest || case.needs_cpu.is_some()))
        {
            continue;
        }
        let cpu = case.needs_cpu.unwrap_or(cpu);
        let entry = GrubEntry {
            cmdline: case.cmdline.to_string(),
            modules: case.modules.clone(),
        };
        let case_dir = work.join(case.name);
        let result = crate::grub::make_iso(&image, &entry, &case_dir).and_then(|iso| {
            let memory_mib = memory_bytes(case.memory) / MIB;
            let outcome = machine::boot(cpu, iso, memory_mib, BOOT_TIMEOUT_SECS, &case_dir)?;
            (case.check)(&case, cpu, &outcome).map_err(|why| {
                let tail: Vec<&str> = outcome.console.lines().rev().take(40).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                format!(
                    "{why}\n--- console (last 40 lines) ---\n{}",
                    tail.join("\n")
                )
            })
        });
        match result {
            Ok(()) => {
                println!("boot test {} ({}) ... ok", case.name, cpu.hvm_name());
                summary.passed += 1;
            }
            Err(why) => {
                println!(
                    "boot test {} ({}) ... FAILED: {why}",
                    case.name,
                    cpu.hvm_name()
                );
                summary.failed += 1;
            }
        }
    }
    println!(
        "boot ({}): {} passed, {} failed",
        cpu.machine(),
        summary.passed,
        summary.failed
    );
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(exit: QemuExit, console: &str) -> QemuOutcome {
        QemuOutcome {
            exit,
            console: console.to_string(),
        }
    }

    fn ud_case() -> Case {
        Case {
            name: "t",
            memory: "256M",
            cmdline: "test_fault=ud",
            modules: vec![],
            check: check_fault,
            runs_a_guest: false,
            needs_cpu: None,
        }
    }

    #[test]
    fn a_triple_fault_shows_the_vendors_exit_code() {
        let crash = |code: &str| {
            format!(
                "(XEN) domain_crash called for d0v0: triple fault\n(XEN) d0v0 RIP: 0000:1\n\
                 (XEN) exitcode: {code} exitinfo1: 0x0 exitinfo2: 0x0 exitintinfo: 0x0\n\
                 (XEN) Hardware Dom0 crashed: halting machine\n"
            )
        };
        let case = ud_case();
        let svm = outcome(QemuExit::Dom0Crashed, &crash("0x7f"));
        let vmx = outcome(QemuExit::Dom0Crashed, &crash("0x2"));
        assert!(check_triple_fault(&case, Cpu::Amd, &svm).is_ok());
        assert!(check_triple_fault(&case, Cpu::Intel, &vmx).is_ok());
        assert!(check_triple_fault(&case, Cpu::Amd, &vmx).is_err());
        assert!(check_triple_fault(&case, Cpu::Intel, &svm).is_err());
        let svm_crash_on_exit_0x2f = outcome(QemuExit::Dom0Crashed, &crash("0x2f"));
        assert!(check_triple_fault(&case, Cpu::Intel, &svm_crash_on_exit_0x2f).is_err());
    }

    #[test]
    fn a_hang_is_not_a_reported_fault() {
        let err = check_fault(&ud_case(), Cpu::Amd, &outcome(QemuExit::Timeout, "")).unwrap_err();
        assert!(err.contains("Timeout"), "{err}");
    }

    #[test]
    fn a_fault_report_without_registers_fails() {
        let console = "(XEN) Panic on CPU 0:\n(XEN) FATAL TRAP: vector = 6 (invalid opcode)\n(XEN) [error_code=0000]\n";
        assert!(check_fault(&ud_case(), Cpu::Amd, &outcome(QemuExit::Failure, console)).is_err());
    }

    #[test]
    fn a_real_report_passes_and_a_wrong_count_fails() {
        // The recorded console booted one 13-byte module with cmdline "fixture a=b".
        let dir = std::env::temp_dir().join(format!("xtask-boot-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let module = dir.join("m");
        std::fs::write(&module, b"hello module\n").unwrap();
        let case = Case {
            name: "t",
            memory: "1G",
            cmdline: "console=com1 com1=115200,8n1",
            modules: vec![GrubModule {
                path: module,
                args: "fixture a=b".into(),
            }],
            check: check_report,
            runs_a_guest: false,
            needs_cpu: None,
        };
        // The recording predates dom0: its report ended the run. Now the text module is no
        // kernel, and the run ends in Xen's panic.
        let recorded = crate::console::tests::QEMU_1G;
        let old_end = "(XEN) No domain to run yet: boot report complete, stopping.\n";
        assert!(recorded.ends_with(old_end));
        let real = &recorded.replace(
            old_end,
            "(XEN) ****************************************\n\
             (XEN) Panic on CPU 0:\n\
             (XEN) Could not set up DOM0 guest OS: Unable to init ELF: not a kernel: neither an ELF image, a bzImage nor a compressed image\n\
             (XEN) ****************************************\n",
        );
        check_report(&case, Cpu::Amd, &outcome(QemuExit::Failure, real)).unwrap();
        let err = check_report(&case, Cpu::Amd, &outcome(QemuExit::Success, recorded)).unwrap_err();
        assert!(err.contains("got Success"), "{err}");
        let no_panic = outcome(QemuExit::Failure, recorded);
        let err = check_report(&case, Cpu::Amd, &no_panic).unwrap_err();
        assert!(err.contains("the closing lines"), "{err}");

        let tampered = real.replace("261810 free", "261811 free");
        let err =
            check_report(&case, Cpu::Amd, &outcome(QemuExit::Failure, &tampered)).unwrap_err();
        assert!(err.contains("report hands 261811 frames"), "{err}");

        let other_args = Case {
            modules: vec![GrubModule {
                path: case.modules[0].path.clone(),
                args: "something else".into(),
            }],
            ..case
        };
        let err =
            check_report(&other_args, Cpu::Amd, &outcome(QemuExit::Failure, real)).unwrap_err();
        assert!(err.contains("module cmdline"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A recorded run of Debian's 6.1.0-57 vmlinuz (QEMU, 1 GiB, dom0_mem=512M), cut: xen-rs
    /// direct-maps dom0's RAM above 1 MiB around its image (at 2 MiB), Linux reads its e820 (RAM
    /// exactly there), dom0's own ACPI tables (its RSDP, XSDT and MADT at the end of its RAM, the
    /// host's FADT, DSDT and FACS through them); the end is an older run's.
    const DEBIAN_RUN: &str = "\
(XEN) d0: bzImage v2.15, xz payload of 8122340 bytes at 0x52cc
(XEN) d0: kernel decompressed to 65906612 bytes (32768 KiB of scratch, freed)
(XEN) d0: host ACPI: RSDP at 0xf59d0, 6 tables, 1 IO-APICs, 5 overrides, 0 NMI sources, 1 LAPIC NMIs, 0 MMCFG regions
(XEN) d0: ELF: note: GUEST_OS = \"linux\"
(XEN) d0: ELF: note: GUEST_VERSION = \"2.6\"
(XEN) d0: ELF: note: XEN_VERSION = \"xen-3.0\"
(XEN) d0: ELF: note: LOADER = \"generic\"
(XEN) d0: ELF: note: FEATURES = \"!writable_page_tables|pae_pgdir_above_4gb\"
(XEN) d0: ELF: note: PHYS32_ENTRY = 0x1000850
(XEN) d0: ACPI: RSDP at 0x201cef2e, XSDT at 0x201cef52 (MADT and 1 host tables), MADT at 0x201cef86 (1 vCPUs, 1 IO-APICs, 5 overrides), E820_ACPI [0x201cef2e, 0x201cf000)
(XEN) Allocating 1:1 mappings totalling 511MB for dom0:
(XEN) d0: RAM [0x0, 0x9f000) holding a copy of the host's, not direct-mapped (below 1 MiB)
(XEN) d0: RAM [0x100000, 0x200000) direct-mapped
(XEN) d0: RAM [0x36e000, 0x201cf000) direct-mapped
(XEN) d0: PVH kernel at [0x1000000, 0x4a00000), entry 0x1000850, 131072 pages (512 MiB), start_info at 0x100020
(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3
[    0.000000] Command line: console=hvc0 earlyprintk=xen
[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable
[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x00000000000fffff] reserved
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] usable
[    0.000000] BIOS-e820: [mem 0x0000000000200000-0x000000000036dfff] unusable
[    0.000000] BIOS-e820: [mem 0x000000000036e000-0x00000000201cef2d] usable
[    0.000000] BIOS-e820: [mem 0x00000000201cef2e-0x00000000201cefff] ACPI data
[    0.000000] BIOS-e820: [mem 0x00000000201cf000-0x000000003ffdffff] unusable
[    0.000000] BIOS-e820: [mem 0x000000003ffe0000-0x000000003fffffff] reserved
[    2.639540] ACPI: RSDP 0x00000000201CEF2E 000024 (v02 BOCHS )
[    2.639897] ACPI: XSDT 0x00000000201CEF52 000034 (v01 BOCHS  BXPC     00000001 BXPC 00000001)
[    2.640408] ACPI: APIC 0x00000000201CEF86 00007A (v01 BOCHS  BXPC     00000001 BXPC 00000001)
[    2.640703] ACPI: FACP 0x000000003FFE198C 000074 (v01 BOCHS  BXPC     00000001 BXPC 00000001)
[    2.641204] ACPI: DSDT 0x000000003FFE0040 00194C (v01 BOCHS  BXPC     00000001 BXPC 00000001)
[    2.641446] ACPI: FACS 0x000000003FFE0000 000040
[    2.669662] ACPI: PM-Timer IO Port: 0x608
(XEN) d0v0 nested page fault at 0xfec00000 (FaultAccess { write: true, exec: false, present: false }): Emulate not supported yet
(XEN) domain_crash called for d0v0: unhandled nested page fault
(XEN) Hardware Dom0 crashed: halting machine
";

    #[test]
    fn debians_kernel_must_be_decompressed_read_and_entered() {
        let case = Case {
            name: "t",
            memory: "1G",
            cmdline: "",
            modules: vec![],
            check: check_debian_bzimage,
            runs_a_guest: false,
            needs_cpu: None,
        };
        let check =
            |exit, console: &str| check_debian_bzimage(&case, Cpu::Amd, &outcome(exit, console));
        check(QemuExit::Dom0Crashed, DEBIAN_RUN).unwrap();
        check(QemuExit::Timeout, DEBIAN_RUN).unwrap();
        assert!(check(QemuExit::Failure, DEBIAN_RUN).is_err());
        let refused = DEBIAN_RUN.replace(
            "(XEN) d0: ELF: note: FEATURES = \"!writable_page_tables|pae_pgdir_above_4gb\"\n",
            "",
        );
        let err = check(QemuExit::Dom0Crashed, &refused).unwrap_err();
        assert!(err.contains("FEATURES"), "{err}");
        let small = DEBIAN_RUN.replace("65906612 bytes", "4096 bytes");
        assert!(check(QemuExit::Dom0Crashed, &small).is_err());
        // Stopped before dom0's RSDP, XSDT, MADT or the host's FACS: a failure.
        for cut in [
            "[    2.639540] ACPI: RSDP",
            "[    2.639897] ACPI: XSDT",
            "[    2.640408] ACPI: APIC",
            "[    2.641446] ACPI: FACS",
        ] {
            let at = DEBIAN_RUN.find(cut).unwrap();
            let stopped = &DEBIAN_RUN[..at];
            let err = check(QemuExit::Dom0Crashed, stopped).unwrap_err();
            assert!(err.contains("Linux printed no line"), "{err}");
        }
        // The host's RSDP passed through, as before: the wrong tables.
        let host = DEBIAN_RUN.replace(
            "ACPI: RSDP 0x00000000201CEF2E 000024 (v02 BOCHS )",
            "ACPI: RSDP 0x00000000000F59D0 000014 (v00 BOCHS )",
        );
        assert!(check(QemuExit::Dom0Crashed, &host).is_err());
        let mut hidden = DEBIAN_RUN.replace(
            "[    2.641446] ACPI: FACS",
            "[    2.641446] ACPI: HPET 0x000000003FFE1A78 000038 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n[    2.641446] ACPI: FACS",
        );
        let err = check(QemuExit::Dom0Crashed, &hidden).unwrap_err();
        assert!(err.contains("Xen hides"), "{err}");
        hidden = DEBIAN_RUN.replace(
            "[    2.641446] ACPI: FACS",
            "[    2.641446] ACPI: APIC 0x000000003FFE1A00 000078 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\n[    2.641446] ACPI: FACS",
        );
        assert!(check(QemuExit::Dom0Crashed, &hidden).is_err());
        // dom0's map must say ACPI where the tables are.
        let ram = DEBIAN_RUN.replace(
            "0x00000000201cefff] ACPI data",
            "0x00000000201cefff] usable",
        );
        let err = check(QemuExit::Dom0Crashed, &ram).unwrap_err();
        assert!(err.contains("no ACPI range"), "{err}");
        // dom0's usable RAM must be exactly what xen-rs direct-mapped (and copied below 1 MiB).
        for (from, to) in [
            // More usable RAM than mapped.
            ("0x000000000036dfff] unusable", "0x000000000036dfff] usable"),
            // Less.
            (
                "0x0000000000100000-0x00000000001fffff] usable",
                "0x0000000000100000-0x00000000001fffff] reserved",
            ),
            // Elsewhere.
            (
                "(XEN) d0: RAM [0x100000, 0x200000)",
                "(XEN) d0: RAM [0x100000, 0x201000)",
            ),
            // RAM above 1 MiB that is not direct-mapped.
            (
                "[0x100000, 0x200000) direct-mapped",
                "[0x100000, 0x200000) not direct-mapped: the kernel loads there",
            ),
            // Said nothing about it.
            ("(XEN) Allocating 1:1 mappings", "(XEN) Allocating mappings"),
        ] {
            let changed = DEBIAN_RUN.replace(from, to);
            assert_ne!(changed, DEBIAN_RUN, "{from:?} is in the recording");
            let err = check(QemuExit::Dom0Crashed, &changed).unwrap_err();
            assert!(
                err.contains("usable RAM")
                    || err.contains("direct-mapped")
                    || err.contains("direct-map"),
                "{err}"
            );
        }
        let no_line = DEBIAN_RUN.replace("(XEN) d0: ACPI: RSDP at", "(XEN) d0: RSDP at");
        assert!(check(QemuExit::Dom0Crashed, &no_line).is_err());
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(memory_bytes("1G"), GIB);
        assert_eq!(memory_bytes("256M"), 256 * MIB);
    }
}
