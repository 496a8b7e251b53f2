//! `cargo xtask` (run through `./x`): builds the xen-rs image, boots it from a GRUB ISO in QEMU, and
//! runs every test the project has. No dependencies beyond std, so it builds in seconds on a fresh
//! machine.

mod bench;
mod bochs;
mod boot_test;
mod conformance;
mod console;
mod fuzz;
mod grub;
mod guest;
mod image;
mod licences;
mod linux_dom0;
mod machine;
mod mutants;
mod qemu;
mod xen_ref;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use grub::{GrubEntry, GrubModule};
use qemu::{QemuExit, QemuRun};

const USAGE: &str = "\
usage: ./x <command> [options]

commands:
  build                 build the hypervisor image (target/x86_64-unknown-none/release/xen-rs)
  run [options]         build, stage a GRUB ISO and boot it in QEMU; exit 0 when xen-rs reports success
      --cmdline TEXT        the hypervisor command line (default: console=com1 com1=115200,8n1)
      --module 'FILE ARGS'  a module2 line: file, then its command line (repeatable); the first
                            is dom0's PVH kernel (default: the test guest, tests/guest, with
                            `mode=hello`)
      --memory SIZE         guest RAM, as QEMU's -m takes it (default: 1G)
      --timeout SECONDS     stop QEMU after this long (default: 60; 120 with --linux)
      --linux               dom0 is Debian's Linux as the package ships it, with the initramfs
                            of linux-dom0 (it runs xl, prints the kernel log, powers off)
  test                  rustfmt, clippy (host and x86_64-unknown-none), cargo test, loom, the
                        fuzzers, the boot tests and conformance cases in QEMU (AMD SVM) and in
                        Bochs (Intel VMX), and Linux as dom0 under Xen 4.17 and under xen-rs
                        running xl
  boot-test [--cpu amd|intel] [NAME]
                        only the boot tests (those whose name contains NAME); --cpu intel runs
                        those that run a guest on Intel VMX with EPT in Bochs
  fuzz [--seconds N] [--target dispatch|parse|decompress]
                        build the fuzzers (the hypercall dispatcher, hypercall/fuzz; the xl.cfg
                        parser, tools/xlcfg/fuzz; the bzImage parser and decoders, bzimage/fuzz)
                        and run each N seconds (default: 60); a crash, hang or leak fails it,
                        the input kept in target/fuzz/artifacts/<target>
  run-xen [--cmdline T]  real Xen 4.17 in QEMU, tests/guest as dom0 (T: mode=hello|garbage|
                        triple-fault|domu|logdirty|xstate|pingpong|smp|conformance|bench)
  conformance [--against xen] [--cpu amd|intel] [--all]
                        the guest's hypercall conformance cases under xen-rs, compared with Xen
                        4.17's recorded lines (tests/conformance/); --against xen also boots Xen;
                        --cpu intel runs xen-rs on Intel VMX with EPT in Bochs and requires its
                        lines to equal the AMD SVM run's (every case runs; --all changes nothing)
  linux-dom0 [--hypervisor xen|xen-rs] [--timeout SECONDS] [--quiet] [--xl FILE]
                        Debian's Linux as a PV dom0 under real Xen 4.17 runs the Rust xl
                        (tools/xl, or FILE) through create/claims/mem-set/destroy, then checks
                        its output and kernel log (tests/linux-dom0/); with xen-rs, the same
                        kernel then boots as xen-rs's PVH dom0 with the same checks, and its
                        kernel log is compared with Xen's
  bench [--runs N] [--no-qemu] [--no-callgrind]
                        every benchmark, written to target/bench/REPORT.md: host (claims, the
                        buddy allocator, populate next to memset, the p2m next to a flat array,
                        PoD, the dispatcher's overhead), callgrind's instruction counts, and in
                        QEMU xen-rs against Xen 4.17 (boot to the first conformance case, a
                        512 MiB domU built, 4 KiB against 2 MiB extents), N boots each (5)
  mutants [--crate C]... [--file F]... [--changed BASE] [--shard K/N] [--jobs N] [--iterate]
                        cargo-mutants (installed when missing) over the portable crates (C:
                        xen-public, libelf, bzimage, xen-mm, hypercall, toolstack; default
                        all), their
                        files F, or the lines changed since the commit BASE; K/N runs one of N
                        slices; --iterate retests only what earlier runs did not catch. Ends
                        with `mutants: N caught, N missed, N unviable, N timeout`, and fails
                        when a mutant is missed. Not part of `test` (hours for every crate)
  licences              check that every dependency's licence is compatible with GPL-2.0-only
                        (MIT, BSD, Zlib, or an OR with one of them; also part of `test`)
  headers               regenerate xen-public/include from the Rust ABI definitions
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => image::build().map(|path| println!("{}", path.display())),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("fuzz") => fuzz::command(&args[1..]),
        Some("boot-test") => boot_test(&args[1..]),
        Some("headers") => headers(),
        Some("run-xen") => xen_ref::command(&args[1..]),
        Some("conformance") => conformance::command(&args[1..]),
        Some("linux-dom0") => linux_dom0::command(&args[1..]),
        Some("bench") => bench::command(&args[1..]),
        Some("mutants") => mutants::command(&args[1..]),
        Some("licences") => licences::command(&args[1..]),
        Some("help" | "-h" | "--help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("x: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (this crate lives in tools/xtask).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .expect("tools/xtask sits two levels below the root")
        .to_path_buf()
}

/// The cargo that runs us (so the toolchain file's choice carries through).
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs a command to completion, turning a non-zero exit into an error naming it.
pub fn run_command(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut entry = GrubEntry {
        cmdline: "console=com1 com1=115200,8n1".into(),
        modules: Vec::new(),
    };
    let mut memory = "1G".to_string();
    let mut timeout = None;
    let mut linux = false;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--cmdline" => entry.cmdline = value()?,
            "--module" => entry.modules.push(GrubModule::parse_line(&value()?)?),
            "--memory" => memory = value()?,
            "--timeout" => {
                timeout = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--timeout takes whole seconds".to_string())?,
                )
            }
            "--linux" => linux = true,
            other => return Err(format!("unknown option `{other}` for run\n\n{USAGE}")),
        }
    }
    if linux {
        if !entry.modules.is_empty() {
            return Err("--linux brings its own modules; leave out --module".into());
        }
        // Debian's kernel as PVH dom0 with the initramfs of ./x linux-dom0 (its /init runs xl,
        // prints the kernel log and powers off).
        entry.modules = linux_dom0::dom0_modules(&root().join("target/linux-dom0"), None)?;
        if !args.iter().any(|a| a == "--cmdline") {
            entry.cmdline = linux_dom0::XEN_RS_CMDLINE.into();
        }
    }
    let timeout = timeout.unwrap_or(if linux { 120 } else { 60 });
    if entry.modules.is_empty() {
        // The default dom0: the workspace's test guest (tests/guest), saying hello.
        entry.modules.push(GrubModule {
            path: guest::build()?,
            args: "mode=hello".into(),
        });
    }

    let image = image::build()?;
    let iso = grub::make_iso(&image, &entry, &root().join("target/xen-rs/run"))?;
    let outcome = QemuRun {
        iso,
        memory,
        timeout_secs: timeout,
        echo: true,
    }
    .run()?;
    match outcome.exit {
        QemuExit::Success => Ok(()),
        // Linux powered the machine off through ACPI (it owns the PM ports as a PVH dom0).
        QemuExit::Other(0) if linux && outcome.console.contains("reboot: Power down") => Ok(()),
        QemuExit::Failure => Err("xen-rs stopped with a failure (see the console above)".into()),
        QemuExit::Dom0Crashed => Err("dom0 crashed; xen-rs stopped the machine".into()),
        QemuExit::Dom0Reboot => Err("dom0 asked for a reboot; xen-rs stopped the machine".into()),
        QemuExit::Timeout => Err(format!("QEMU did not stop within {timeout} s")),
        QemuExit::Other(code) => Err(format!("QEMU exited with status {code}")),
    }
}

/// One step of `./x test`.
struct Step {
    name: &'static str,
    run: fn() -> Result<(), String>,
}

fn test() -> Result<(), String> {
    const BARE_METAL_CRATES: [&str; 8] = [
        "xen-public",
        "libelf",
        "bzimage",
        "xen-mm",
        "hypercall",
        "arch-x86",
        "boot-shim",
        "toolstack",
    ];
    let steps = [
        Step {
            name: "licences (every dependency GPL-2.0-compatible)",
            run: licences::check,
        },
        Step {
            name: "rustfmt",
            run: || run_command(cargo().args(["fmt", "--all", "--", "--check"])),
        },
        Step {
            name: "rustfmt and clippy (test guest, its own workspace)",
            run: || {
                let dir = root().join("tests/guest");
                run_command(cargo().current_dir(&dir).args(["fmt", "--", "--check"]))?;
                run_command(
                    cargo()
                        .current_dir(&dir)
                        .env("CARGO_TARGET_DIR", root().join("target/guest"))
                        .args(["clippy", "--quiet", "--release", "--", "-D", "warnings"]),
                )
            },
        },
        Step {
            name: "clippy (host)",
            run: || {
                run_command(cargo().args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--quiet",
                    "--",
                    "-D",
                    "warnings",
                ]))
            },
        },
        Step {
            name: "clippy (x86_64-unknown-none)",
            run: || {
                let mut command = cargo();
                command.args(["clippy", "--quiet", "--target", "x86_64-unknown-none"]);
                for krate in BARE_METAL_CRATES {
                    command.args(["-p", krate]);
                }
                run_command(command.args(["--", "-D", "warnings"]))
            },
        },
        Step {
            name: "cargo test",
            run: || run_command(cargo().args(["test", "--workspace"])),
        },
        Step {
            name: "loom (claims and builds, lock-free p2m walks, PoD teardown and gfn locks, domain lookup against destruction, event-channel pending and mask, timers against blocking)",
            run: || {
                run_command(
                    cargo()
                        .env("RUSTFLAGS", "--cfg loom")
                        .env("CARGO_TARGET_DIR", root().join("target/loom"))
                        .args(["test", "--release", "-p", "xen-mm"])
                        .args([
                            "--test",
                            "loom_claims",
                            "--test",
                            "p2m_lockfree",
                            "--test",
                            "loom_pod",
                        ]),
                )
                .and_then(|()| {
                    run_command(
                        cargo()
                            .env("RUSTFLAGS", "--cfg loom")
                            .env("CARGO_TARGET_DIR", root().join("target/loom"))
                            .args(["test", "--release", "-p", "hypercall"])
                            .args(["--test", "loom_domains", "--test", "loom_events"]),
                    )
                })
            },
        },
        Step {
            name: "fuzz (hypercall dispatcher 60 s, xl.cfg parser 20 s, bzImage decoders 20 s)",
            run: || {
                fuzz::run(fuzz::DISPATCH, fuzz::DEFAULT_SECONDS)
                    .and_then(|()| fuzz::run(fuzz::XLCFG, 20))
                    .and_then(|()| fuzz::run(fuzz::BZIMAGE, 20))
            },
        },
        Step {
            name: "boot tests (QEMU, AMD SVM)",
            run: || boot_test::run_all(None, machine::Cpu::Amd).and_then(require_all_passed),
        },
        Step {
            name: "boot tests that run a guest (Bochs, Intel VMX with EPT)",
            run: || boot_test::run_all(None, machine::Cpu::Intel).and_then(require_all_passed),
        },
        Step {
            name: "conformance (the test guest's hypercall cases under xen-rs and under real Xen 4.17)",
            run: || {
                conformance::run(conformance::Options {
                    against_xen: true,
                    cpu: machine::Cpu::Amd,
                })
            },
        },
        Step {
            name: "conformance on Intel VMX with EPT (Bochs), line for line against the SVM run",
            run: || {
                conformance::run(conformance::Options {
                    against_xen: false,
                    cpu: machine::Cpu::Intel,
                })
            },
        },
        Step {
            name: "Linux dom0 runs xl (info, list, create with claim and PoD, claims, mem-set, destroy) under real Xen 4.17, then as xen-rs's PVH dom0 with the same checks",
            run: || {
                linux_dom0::command(&[
                    "--quiet".to_string(),
                    "--hypervisor".to_string(),
                    "xen-rs".to_string(),
                ])
            },
        },
    ];

    let mut failed = Vec::new();
    for step in &steps {
        println!("\n=== x test: {} ===", step.name);
        if let Err(message) = (step.run)() {
            eprintln!("x test: {} FAILED: {message}", step.name);
            failed.push(step.name);
        }
    }
    println!();
    println!(
        "steps: {} passed, {} failed",
        steps.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed steps: {}", failed.join(", ")))
    }
}

/// `./x boot-test [--cpu amd|intel] [NAME]`.
fn boot_test(args: &[String]) -> Result<(), String> {
    let (cpu, only) = match args {
        [flag, name, rest @ ..] if flag == "--cpu" => (
            machine::Cpu::parse(name).ok_or("--cpu takes amd or intel")?,
            rest,
        ),
        rest => (machine::Cpu::Amd, rest),
    };
    let only = match only {
        [] => None,
        [name] => Some(name.as_str()),
        _ => return Err("usage: ./x boot-test [--cpu amd|intel] [NAME]".into()),
    };
    boot_test::run_all(only, cpu).and_then(require_all_passed)
}

fn require_all_passed(summary: boot_test::Summary) -> Result<(), String> {
    if summary.failed == 0 {
        Ok(())
    } else {
        Err(format!("{} boot test(s) failed", summary.failed))
    }
}

fn headers() -> Result<(), String> {
    run_command(cargo().args([
        "run",
        "--quiet",
        "-p",
        "xen-public",
        "--example",
        "gen_headers",
        "--",
        "xen-public/include",
    ]))
}
