//! `./x linux-dom0`: Debian's Linux 6.1 as a PV dom0 under Debian's Xen 4.17 (xen_ref.rs), with a
//! busybox initramfs whose /init (tests/linux-dom0/init) loads the Xen modules and runs the Rust
//! `xl` (tools/xl) through a fixed sequence: info, list, create a PVH domU with a claim, claims,
//! mem-set, destroy, info again, then prints the kernel log. The console is split at the init
//! script's markers and each command's output is checked against what Xen's own xl prints
//! (tools/xl/xl_info.c), and the kernel log for the Xen clock source, the event channels and the
//! absence of warnings.
//!
//! `--hypervisor xen-rs` then boots the same kernel, exactly as Debian ships it, as the PVH dom0
//! of xen-rs on QEMU's default machine, with the same initramfs and checks, in the same
//! invocation: both runs must pass the same number of checks, and every warning-like kernel
//! line of the xen-rs run must also be in the Xen run's log or be explained in
//! tests/linux-dom0/pvh-dom0-lines.txt (a line real Xen 4.17 prints for a PVH dom0 too, or one
//! QEMU's machine causes).
//!
//! The kernel (`linux-image-6.1.0-N-amd64`, the package that Debian's `linux-image-amd64` depends
//! on) and busybox (`busybox-static`) are fetched with apt-get and unpacked with dpkg into
//! `target/linux-dom0/` once; nothing is installed on the host. The initramfs is an uncompressed
//! cpio written here, so no cpio or gzip tool is needed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::grub::{self, GrubEntry, GrubModule};
use crate::qemu::QemuRun;
use crate::xen_ref::{self, XenEnd};
use crate::{cargo, guest, root, run_command};

/// Debian's meta package; the real kernel package is the one it depends on.
const KERNEL_META_PACKAGE: &str = "linux-image-amd64";

/// A statically linked busybox, so the initramfs needs no libraries.
const BUSYBOX_PACKAGE: &str = "busybox-static";

/// The modules /init loads (with their dependencies, found by [`module_order`]): privcmd makes
/// /dev/xen/privcmd and /dev/xen/hypercall, which xl needs; evtchn and xenfs (/proc/xen) are the
/// other devices a Xen toolstack opens.
const MODULES: [&str; 3] = ["xen-privcmd", "xen-evtchn", "xenfs"];

/// Xen's command line: a PV dom0 of 512 MiB (the rest of the machine is free for domUs), the
/// console on COM1 with every message, and a halt instead of a reboot when dom0 ends.
const XEN_CMDLINE: &str = "console=com1 com1=115200 noreboot loglvl=all guest_loglvl=all \
                           dom0_mem=512M,max:512M dom0_max_vcpus=1";

/// Linux's command line: its console is Xen's (hvc0), from the first message on.
const LINUX_CMDLINE: &str = "console=hvc0 earlyprintk=xen";

/// A PV kernel faults early under TCG with SMAP/SMEP (../shared/PLATFORM.md). QEMU takes the last
/// `-cpu`, so this overrides the `-cpu max` of [`QemuRun::command`].
const QEMU_CPU: &str = "max,-smap,-smep";

/// The machine: 512 MiB for dom0, about 450 MiB left for Xen's heap and domUs.
const MEMORY: &str = "1G";

/// The default time limit for the whole boot; a run takes well under a minute.
const DEFAULT_TIMEOUT: u64 = 110;

/// The target of the statically linked xl.
const MUSL: &str = "x86_64-unknown-linux-musl";

/// The files under tests/linux-dom0 that go into the initramfs, and where.
const FILES: [(&str, &str, u32); 3] = [
    ("init", "init", 0o755),
    ("xl.conf", "etc/xen/xl.conf", 0o644),
    ("pvh.cfg", "etc/xen/pvh.cfg", 0o644),
];

/// The xl commands /init runs, in order (tests/linux-dom0/init).
pub const XL_SEQUENCE: [&str; 13] = [
    "xl info",
    "xl list",
    "xl -v create /etc/xen/pvh.cfg",
    "xl claims",
    "xl list",
    "xl list -l",
    "xl vcpu-list",
    "xl dmesg",
    "xl mem-set pvh1 48m",
    "xl list",
    "xl destroy pvh1",
    "xl list",
    "xl info",
];

/// The domU of tests/linux-dom0/pvh.cfg and its `memory=` in MiB.
const DOMU: &str = "pvh1";
const DOMU_MEMORY_MIB: u64 = 32;

/// `./x linux-dom0 [--timeout SECONDS] [--quiet] [--xl FILE]`; `--xl` puts FILE in the initramfs
/// instead of building tools/xl.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut timeout = DEFAULT_TIMEOUT;
    let mut echo = true;
    let mut xl = None;
    let mut with_xen_rs = false;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--timeout" => {
                timeout = rest
                    .next()
                    .and_then(|value| value.parse().ok())
                    .ok_or("--timeout takes whole seconds")?
            }
            "--quiet" => echo = false,
            "--xl" => xl = Some(PathBuf::from(rest.next().ok_or("--xl needs a file")?)),
            "--hypervisor" => match rest.next().map(String::as_str) {
                Some("xen") => with_xen_rs = false,
                Some("xen-rs") => with_xen_rs = true,
                _ => return Err("--hypervisor takes xen or xen-rs".into()),
            },
            other => return Err(format!("unknown option `{other}` for linux-dom0")),
        }
    }

    let cache = root().join("target/linux-dom0");
    let modules = dom0_modules(&cache, xl)?;
    let timeout = Duration::from_secs(timeout);
    let xen_run = boot_xen(&cache, &modules, timeout, echo)?;
    let runs = if with_xen_rs {
        let xen_rs_run = boot_xen_rs(&cache, &modules, timeout, echo, &xen_run)?;
        vec![xen_run, xen_rs_run]
    } else {
        vec![xen_run]
    };
    report(&runs)
}

/// Debian's kernel with its command line and the initramfs of tests/linux-dom0 (built with
/// tools/xl, or `xl`), as GRUB modules: dom0's kernel and its initramfs.
pub fn dom0_modules(cache: &Path, xl: Option<PathBuf>) -> Result<Vec<GrubModule>, String> {
    let linux = linux(cache)?;
    let busybox = busybox(cache)?;
    let xl = match xl {
        Some(xl) => xl,
        None => build_xl()?,
    };
    let test_guest = guest::build()?;
    println!("x: Linux {} ({})", linux.package, linux.vmlinuz.display());

    let modules = module_order(&linux.modules, &MODULES)?;
    let initramfs = cache.join("initramfs.cpio");
    let archive = initramfs_archive(&busybox, &xl, &test_guest, &linux.modules, &modules)?;
    fs::write(&initramfs, archive).map_err(|e| format!("{}: {e}", initramfs.display()))?;
    Ok(vec![
        GrubModule {
            path: linux.vmlinuz.clone(),
            args: LINUX_CMDLINE.into(),
        },
        GrubModule {
            path: initramfs,
            args: String::new(),
        },
    ])
}

/// One boot of Linux as dom0 and what came of it.
struct Run {
    /// "Xen 4.17" or "xen-rs".
    hypervisor: &'static str,
    /// How dom0 ran.
    dom0: &'static str,
    checks: Vec<Check>,
    /// Checks of this run against the Xen run (xen-rs's only), kept apart so that both runs
    /// have the same `checks`.
    against_xen: Vec<Check>,
    /// From QEMU's start to dom0's power-off (or whatever ended the run).
    elapsed: Duration,
    /// The kernel log /init printed (`dmesg`), without timestamps.
    kernel_log: Vec<String>,
}

/// Boots Xen 4.17 with Linux as a PV dom0.
fn boot_xen(
    cache: &Path,
    modules: &[GrubModule],
    timeout: Duration,
    echo: bool,
) -> Result<Run, String> {
    let xen = xen_ref::hypervisor()?;
    let entry = GrubEntry {
        cmdline: XEN_CMDLINE.into(),
        modules: modules.to_vec(),
    };
    let iso = grub::make_iso(&xen, &entry, &cache.join("run"))?;
    let mut qemu = QemuRun {
        iso,
        memory: MEMORY.into(),
        timeout_secs: timeout.as_secs(),
        echo,
    }
    .command();
    qemu.args(["-cpu", QEMU_CPU]);
    let outcome = xen_ref::watch(qemu, timeout, echo)?;
    finish_run(
        cache,
        "Xen 4.17",
        "PV dom0",
        "console.log",
        outcome,
        powered_off,
    )
}

/// Boots xen-rs with the same kernel and initramfs as its PVH dom0, on QEMU's default machine
/// and CPU, and adds the comparison of its kernel log with `xen`'s.
fn boot_xen_rs(
    cache: &Path,
    modules: &[GrubModule],
    timeout: Duration,
    echo: bool,
    xen: &Run,
) -> Result<Run, String> {
    let image = crate::image::build()?;
    let entry = GrubEntry {
        cmdline: XEN_RS_CMDLINE.into(),
        modules: modules.to_vec(),
    };
    let iso = grub::make_iso(&image, &entry, &cache.join("run-xen-rs"))?;
    let qemu = QemuRun {
        iso,
        memory: MEMORY.into(),
        timeout_secs: timeout.as_secs(),
        echo,
    }
    .command();
    let outcome = xen_ref::watch(qemu, timeout, echo)?;
    let mut run = finish_run(
        cache,
        "xen-rs",
        "PVH dom0",
        "console-xen-rs.log",
        outcome,
        xen_rs_powered_off,
    )?;
    let explained = fs::read_to_string(root().join(PVH_DOM0_LINES))
        .map_err(|e| format!("{PVH_DOM0_LINES}: {e}"))?;
    run.against_xen.extend(check_kernel_log_against(
        &run.kernel_log,
        &xen.kernel_log,
        &explained_lines(&explained),
    ));
    Ok(run)
}

/// Keeps the console, says how the boot ended, and checks the log.
fn finish_run(
    cache: &Path,
    hypervisor: &'static str,
    dom0: &'static str,
    log_name: &str,
    outcome: xen_ref::XenOutcome,
    powered_off: fn(XenEnd, &str) -> bool,
) -> Result<Run, String> {
    let log_path = cache.join(log_name);
    fs::write(&log_path, &outcome.console).map_err(|e| format!("{}: {e}", log_path.display()))?;
    println!(
        "\nx: {hypervisor} with Linux as {dom0} ended: {:?} after {:.1} s; the console is in {}",
        outcome.end,
        outcome.elapsed.as_secs_f64(),
        log_path.display()
    );
    let log = split(&outcome.console);
    let mut checks = vec![Check::new(
        powered_off(outcome.end, &outcome.console),
        format!("dom0 powered off (ended: {:?})", outcome.end),
    )];
    checks.extend(check(&log));
    let kernel_log = log
        .nth("dmesg", 0)
        .map(|section| section.output.iter().map(|l| kernel_line(l)).collect())
        .unwrap_or_default();
    Ok(Run {
        hypervisor,
        dom0,
        checks,
        against_xen: Vec::new(),
        elapsed: outcome.elapsed,
        kernel_log,
    })
}

/// xen-rs's command line: the same dom0 memory as Xen's run, every message on COM1.
pub const XEN_RS_CMDLINE: &str = "console=com1 com1=115200,8n1 noreboot loglvl=all \
                              guest_loglvl=all dom0_mem=512M,max:512M dom0_max_vcpus=1";

/// Kernel lines of a PVH dom0 on xen-rs that the Xen run (a PV dom0) does not print, each with
/// the reason it is not xen-rs's fault.
const PVH_DOM0_LINES: &str = "tests/linux-dom0/pvh-dom0-lines.txt";

/// A dmesg line without its `[    1.234567] ` timestamp.
fn kernel_line(line: &str) -> String {
    match line
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
    {
        Some((_, text)) => text.to_string(),
        None => line.to_string(),
    }
}

/// Whether a kernel line reports something going wrong: a warning, a BUG, an error or a failed
/// call.
fn warning_like(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    [
        "fail",
        "error",
        "warn",
        "bug",
        "unable",
        "cannot",
        "not supported",
        "invalid",
        "refused",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// The line with every number (a run of hex digits holding a decimal digit) replaced by `#`, so
/// that addresses, sizes and times do not count as differences; words stay.
fn without_numbers(line: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().any(|c| c.is_ascii_digit()) {
            out.push('#');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// One entry of tests/linux-dom0/pvh-dom0-lines.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Explained {
    /// The kernel line, numbers as `#` ([`without_numbers`]).
    line: String,
    /// Why xen-rs's run prints it.
    reason: String,
    /// A `gap:` entry: something xen-rs does not do yet, tracked by an issue; reported as a
    /// note, never as a pass.
    gap: bool,
}

/// The entries of tests/linux-dom0/pvh-dom0-lines.txt: each non-comment line is
/// `[gap: ]<kernel line> # <reason>`; timestamps and numbers do not matter.
fn explained_lines(text: &str) -> Vec<Explained> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (gap, line) = match line.strip_prefix("gap:") {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let (text, reason) = line.split_once(" # ").unwrap_or((line, ""));
            Explained {
                line: without_numbers(text.trim()),
                reason: reason.trim().to_string(),
                gap,
            }
        })
        .collect()
}

/// Every warning-like line of the xen-rs run's kernel log must be in the Xen run's log, or
/// explained: a failed check for each line that is neither, a note for each known gap, and one
/// passed check when nothing is unexplained.
fn check_kernel_log_against(
    xen_rs: &[String],
    xen: &[String],
    explained: &[Explained],
) -> Vec<Check> {
    let in_xen: std::collections::BTreeSet<String> =
        xen.iter().map(|l| without_numbers(l)).collect();
    let mut checks = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for line in xen_rs.iter().filter(|l| warning_like(l)) {
        let normal = without_numbers(line);
        if in_xen.contains(&normal) || !seen.insert(normal.clone()) {
            continue;
        }
        match explained.iter().find(|e| e.line == normal) {
            Some(e) if e.gap => checks.push(Check {
                verdict: Verdict::Note,
                what: format!("known gap: {line} ({})", e.reason),
            }),
            Some(_) => {}
            None => checks.push(Check::new(
                false,
                format!("kernel line not in Xen's run nor explained: {line}"),
            )),
        }
    }
    if !checks.iter().any(|c| c.verdict == Verdict::Fail) {
        checks.push(Check::new(
            true,
            "every warning-like kernel line is also in Xen's run or explained".into(),
        ));
    }
    checks
}

/// xen-rs's end of a dom0 power-off: Linux's ACPI S5 reaches QEMU's power management (dom0 owns
/// the ACPI ports, as a PVH dom0 of Xen does) and QEMU exits 0 after Linux's "reboot: Power
/// down"; or dom0 asks xen-rs (SCHEDOP_shutdown, or `cli; hlt` on its last vCPU) and xen-rs
/// halts ("Hardware Dom0 halted").
pub fn xen_rs_powered_off(end: XenEnd, console: &str) -> bool {
    match end {
        XenEnd::PoweredOff => true,
        XenEnd::QemuExited(0) => console.contains("reboot: Power down"),
        _ => false,
    }
}

/// Xen's line when it powers the machine off for dom0 (xen/arch/x86/acpi/power.c).
const ACPI_S5: &str = "Entering ACPI S5 state";

/// Whether dom0's power-off went through: Linux as dom0 powers off through ACPI, which Xen carries
/// out itself (XENPF_enter_acpi_sleep), so QEMU exits 0 and `noreboot` plays no part; Xen's own
/// halt ("Hardware Dom0 halted") is the ending without ACPI.
fn powered_off(end: XenEnd, console: &str) -> bool {
    match end {
        XenEnd::PoweredOff => true,
        XenEnd::QemuExited(0) => console.contains(ACPI_S5),
        _ => false,
    }
}

/// The unpacked kernel.
struct Linux {
    /// `boot/vmlinuz-<release>`.
    vmlinuz: PathBuf,
    /// `lib/modules/<release>`.
    modules: PathBuf,
    /// The package and its version, as `dpkg-deb -f` gave them.
    package: String,
}

/// Debian's kernel, `boot/vmlinuz-<release>` (a bzImage with an xz payload), fetched on first
/// use into the cache `./x linux-dom0` uses.
pub fn vmlinuz() -> Result<PathBuf, String> {
    linux(&root().join("target/linux-dom0")).map(|l| l.vmlinuz)
}

/// The cached kernel, fetched on first use.
fn linux(cache: &Path) -> Result<Linux, String> {
    let unpacked = cache.join("linux");
    if !unpacked.join("PACKAGE").is_file() {
        let debs = cache.join("deb");
        let meta = xen_ref::download_deb(KERNEL_META_PACKAGE, &debs)?;
        let depends = command_output(Command::new("dpkg-deb").arg("-f").arg(&meta).arg("Depends"))?;
        let package = kernel_package(&depends).ok_or_else(|| {
            format!(
                "{} depends on no linux-image package: {depends}",
                meta.display()
            )
        })?;
        let deb = xen_ref::download_deb(package, &debs)?;
        unpack(&deb, &unpacked)?;
        let version = command_output(
            Command::new("dpkg-deb")
                .arg("-f")
                .arg(&deb)
                .args(["Package", "Version"]),
        )?;
        let version = version
            .lines()
            .filter_map(|line| line.split_once(": ").map(|(_, value)| value))
            .collect::<Vec<_>>()
            .join(" ");
        // Written last: its presence says the unpacked tree is complete.
        let marker = unpacked.join("PACKAGE");
        fs::write(&marker, version).map_err(|e| format!("{}: {e}", marker.display()))?;
    }
    let package = fs::read_to_string(unpacked.join("PACKAGE"))
        .map_err(|e| format!("{}/PACKAGE: {e}", unpacked.display()))?;
    let boot = unpacked.join("boot");
    let vmlinuz = fs::read_dir(&boot)
        .map_err(|e| format!("{}: {e}", boot.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinuz-"))
        })
        .ok_or_else(|| format!("no vmlinuz-* in {}", boot.display()))?;
    let release = vmlinuz
        .file_name()
        .and_then(|n| {
            n.to_string_lossy()
                .strip_prefix("vmlinuz-")
                .map(String::from)
        })
        .unwrap_or_default();
    Ok(Linux {
        modules: unpacked.join("lib/modules").join(release),
        vmlinuz,
        package: package.trim().to_string(),
    })
}

/// The cached static busybox, fetched on first use.
fn busybox(cache: &Path) -> Result<PathBuf, String> {
    let unpacked = cache.join("busybox");
    let busybox = unpacked.join("bin/busybox");
    if !busybox.is_file() {
        let deb = xen_ref::download_deb(BUSYBOX_PACKAGE, &cache.join("deb"))?;
        unpack(&deb, &unpacked)?;
    }
    if busybox.is_file() {
        Ok(busybox)
    } else {
        Err(format!("{BUSYBOX_PACKAGE} holds no bin/busybox"))
    }
}

/// `dpkg -x deb into`, through a scratch directory so that an interrupted unpack is redone.
fn unpack(deb: &Path, into: &Path) -> Result<(), String> {
    let partial = into.with_extension("partial");
    for dir in [&partial, into] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    run_command(Command::new("dpkg").arg("-x").arg(deb).arg(&partial))?;
    fs::rename(&partial, into).map_err(|e| format!("{}: {e}", into.display()))
}

/// A command's stdout, or an error naming it.
fn command_output(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The kernel package in the meta package's `Depends` field, e.g.
/// `linux-image-6.1.0-56-amd64 (= 6.1.192-2)` gives `linux-image-6.1.0-56-amd64`.
pub fn kernel_package(depends: &str) -> Option<&str> {
    depends
        .split([',', '|'])
        .filter_map(|alternative| alternative.split_whitespace().next())
        .find(|name| name.starts_with("linux-image-"))
}

/// Builds the statically linked xl (`x` adds the musl target).
fn build_xl() -> Result<PathBuf, String> {
    run_command(cargo().args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "xl",
        "--target",
        MUSL,
    ]))?;
    let xl = root().join("target").join(MUSL).join("release/xl");
    if xl.is_file() {
        Ok(xl)
    } else {
        Err(format!("the xl build left no {}", xl.display()))
    }
}

/// A module's name as the kernel compares them: the file name without `.ko` (or `.ko.xz`...),
/// with `-` and `_` the same.
fn module_name(path_or_name: &str) -> String {
    let file = path_or_name.rsplit('/').next().unwrap_or(path_or_name);
    let stem = file.split(".ko").next().unwrap_or(file);
    stem.replace('-', "_")
}

/// A field of a module's `.modinfo` section (NUL-terminated `key=value` strings), read from the
/// whole file.
pub fn modinfo<'a>(module: &'a [u8], key: &str) -> Option<&'a str> {
    let needle = format!("\0{key}=");
    let at = module
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())?;
    let value = &module[at + needle.len()..];
    let end = value.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&value[..end]).ok()
}

/// The modules to load for `wanted`, dependencies first, as paths below `tree`
/// (`lib/modules/<release>`). Debian's package has no modules.dep (depmod makes it on
/// installation), so the paths come from modules.order and the dependencies from each module's
/// `depends=`.
fn module_order(tree: &Path, wanted: &[&str]) -> Result<Vec<PathBuf>, String> {
    let order_file = tree.join("modules.order");
    let order =
        fs::read_to_string(&order_file).map_err(|e| format!("{}: {e}", order_file.display()))?;
    let mut out = Vec::new();
    for name in wanted {
        add_module(name, tree, &order, &mut out)?;
    }
    Ok(out)
}

fn add_module(name: &str, tree: &Path, order: &str, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let relative = order
        .lines()
        .find(|line| module_name(line) == module_name(name))
        .map(PathBuf::from)
        .ok_or_else(|| format!("module {name} is not in {}/modules.order", tree.display()))?;
    if out.contains(&relative) {
        return Ok(());
    }
    if relative.extension().is_none_or(|ext| ext != "ko") {
        // busybox's insmod takes plain .ko files; Debian 12's are not compressed.
        return Err(format!("{} is compressed", relative.display()));
    }
    let path = tree.join(&relative);
    let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let depends = modinfo(&bytes, "depends").unwrap_or("").to_string();
    for dependency in depends.split(',').filter(|d| !d.is_empty()) {
        add_module(dependency, tree, order, out)?;
    }
    out.push(relative);
    Ok(())
}

/// The initramfs: busybox (its applets are linked by /init), /init and the configs from
/// tests/linux-dom0, xl, the test guest as the domU's kernel, and the modules with their load
/// order in /lib/modules/order.
fn initramfs_archive(
    busybox: &Path,
    xl: &Path,
    test_guest: &Path,
    module_tree: &Path,
    modules: &[PathBuf],
) -> Result<Vec<u8>, String> {
    let read = |path: &Path| fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let mut cpio = Cpio::default();
    for dir in [
        "bin",
        "sbin",
        "usr",
        "usr/bin",
        "usr/sbin",
        "dev",
        "proc",
        "sys",
        "etc",
        "etc/xen",
        "lib",
        "lib/modules",
        "boot",
        "tmp",
        "root",
    ] {
        cpio.dir(dir);
    }
    // The kernel opens /dev/console for /init before devtmpfs is mounted.
    cpio.char_device("dev/console", 0o600, 5, 1);
    cpio.file("bin/busybox", 0o755, &read(busybox)?);
    cpio.symlink("bin/sh", "busybox");
    let tests = root().join("tests/linux-dom0");
    for (source, name, mode) in FILES {
        cpio.file(name, mode, &read(&tests.join(source))?);
    }
    cpio.file("usr/sbin/xl", 0o755, &read(xl)?);
    cpio.file("boot/test-guest", 0o644, &read(test_guest)?);
    let mut order = String::new();
    for module in modules {
        let name = module
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        cpio.file(
            &format!("lib/modules/{name}"),
            0o644,
            &read(&module_tree.join(module))?,
        );
        order.push_str(&name);
        order.push('\n');
    }
    cpio.file("lib/modules/order", 0o644, order.as_bytes());
    Ok(cpio.finish())
}

/// A cpio archive in the "newc" format the kernel unpacks as an initramfs
/// (Documentation/driver-api/early-userspace/buffer-format.rst).
#[derive(Default)]
pub struct Cpio {
    data: Vec<u8>,
    next_inode: u32,
}

impl Cpio {
    pub fn dir(&mut self, name: &str) {
        self.entry(name, 0o040_755, (0, 0), b"");
    }

    pub fn file(&mut self, name: &str, permissions: u32, contents: &[u8]) {
        self.entry(name, 0o100_000 | permissions, (0, 0), contents);
    }

    pub fn symlink(&mut self, name: &str, target: &str) {
        self.entry(name, 0o120_777, (0, 0), target.as_bytes());
    }

    pub fn char_device(&mut self, name: &str, permissions: u32, major: u32, minor: u32) {
        self.entry(name, 0o020_000 | permissions, (major, minor), b"");
    }

    /// The trailer entry ends the archive.
    pub fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, (0, 0), b"");
        self.data
    }

    fn entry(&mut self, name: &str, mode: u32, (rdev_major, rdev_minor): (u32, u32), body: &[u8]) {
        self.next_inode += 1;
        let nlink = if mode & 0o170_000 == 0o040_000 { 2 } else { 1 };
        let fields = [
            self.next_inode,
            mode,
            0, // uid
            0, // gid
            nlink,
            0, // mtime
            body.len() as u32,
            0, // devmajor
            0, // devminor
            rdev_major,
            rdev_minor,
            name.len() as u32 + 1,
            0, // check
        ];
        self.data.extend_from_slice(b"070701");
        for field in fields {
            self.data
                .extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.data.extend_from_slice(name.as_bytes());
        self.data.push(0);
        self.pad();
        self.data.extend_from_slice(body);
        self.pad();
    }

    /// Header plus name, and the body, each end on a 4-byte boundary.
    fn pad(&mut self) {
        while !self.data.len().is_multiple_of(4) {
            self.data.push(0);
        }
    }
}

/// The marker /init prints before each command, and `rc=N` after it.
const MARK: &str = "@@@ ";

/// One command /init ran, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// The command line, as /init printed it.
    pub command: &'a str,
    /// The lines between the command's marker and its status (its output, and whatever Xen
    /// printed meanwhile).
    pub output: Vec<&'a str>,
    /// The exit status; `None` if the command never finished.
    pub rc: Option<i32>,
}

/// The console log, split at /init's markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log<'a> {
    pub sections: Vec<Section<'a>>,
    /// /init printed its end marker: every command ran.
    pub ended: bool,
}

impl<'a> Log<'a> {
    /// The `n`th (from 0) run of `command`.
    pub fn nth(&self, command: &str, n: usize) -> Option<&Section<'a>> {
        self.sections
            .iter()
            .filter(|section| section.command == command)
            .nth(n)
    }
}

/// Splits the console at /init's markers: `@@@ COMMAND`, `@@@ rc=N`, `@@@ end`. Lines outside a
/// command (the boot, Xen's messages between commands) are left out. The hypervisor prints a
/// domU's console lines (`(d1) ...`) on the same serial line as dom0's, so one may land inside
/// a line of dom0's: a marker is also found after other text, and a status is the number that
/// starts it.
pub fn split(console: &str) -> Log<'_> {
    let mut log = Log {
        sections: Vec::new(),
        ended: false,
    };
    for whole in console.lines() {
        let (before, marked) = match whole.find(MARK) {
            Some(0) => ("", Some(&whole[MARK.len()..])),
            Some(at) => (&whole[..at], Some(&whole[at + MARK.len()..])),
            None => (whole, None),
        };
        let open = log.sections.last_mut().filter(|s| s.rc.is_none());
        if !before.is_empty() || marked.is_none() {
            if let Some(section) = open {
                section.output.push(before);
            }
        }
        let Some(marker) = marked else {
            continue;
        };
        let open = log.sections.last_mut().filter(|s| s.rc.is_none());
        match marker.strip_prefix("rc=") {
            Some(rc) => {
                if let Some(section) = open {
                    // A status that is no number stays `None`: the check then fails.
                    let digits = rc
                        .char_indices()
                        .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '-'))
                        .count();
                    section.rc = rc[..digits].parse().ok();
                }
            }
            None if marker.trim() == "end" || marker.starts_with("end(") => log.ended = true,
            None => log.sections.push(Section {
                command: marker.trim(),
                output: Vec::new(),
                rc: None,
            }),
        }
    }
    log
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Reported, never a failure.
    Note,
}

/// One checked fact about the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub verdict: Verdict,
    pub what: String,
}

impl Check {
    fn new(passed: bool, what: String) -> Self {
        let verdict = if passed { Verdict::Pass } else { Verdict::Fail };
        Check { verdict, what }
    }
}

/// xl's `info` lines are `"%-23s: %s"` (tools/xl/xl_info.c output_physinfo).
const FREE_MEMORY: &str = "free_memory            : ";

/// The header of `xl list` (xl_info.c list_domains); `xl claims` adds "  Claimed".
const LIST_HEADER: &str =
    "Name                                        ID   Mem VCPUs\tState\tTime(s)";

/// A row of `xl list` or `xl claims`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow<'a> {
    pub name: &'a str,
    pub id: u32,
    /// Current plus outstanding (claimed) memory, MiB.
    pub mem: u64,
    pub vcpus: u32,
    pub state: &'a str,
    pub time: f64,
    /// `xl claims` only: the outstanding claim, MiB.
    pub claimed: Option<u64>,
}

impl ListRow<'_> {
    /// The row as xl_info.c prints it: `"%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"`, then
    /// `" %5lu"` for the claim.
    pub fn render(&self) -> String {
        let mut row = format!(
            "{:<40} {:>5} {:>5} {:>5}     {}  {:>8.1}",
            self.name, self.id, self.mem, self.vcpus, self.state, self.time
        );
        if let Some(claimed) = self.claimed {
            row.push_str(&format!(" {claimed:>5}"));
        }
        row
    }
}

/// The row for domain `name` in a list's output: `None` without one; an error if it does not
/// read as a row or is laid out otherwise than Xen's xl lays it out.
pub fn list_row<'a>(output: &[&'a str], name: &str) -> Option<Result<ListRow<'a>, String>> {
    let line = output
        .iter()
        .find(|line| line.split_whitespace().next() == Some(name))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    let row = match (fields.len(), number(1), number(2), number(3)) {
        (6 | 7, Some(id), Some(mem), Some(vcpus)) => ListRow {
            name: fields[0],
            id: id as u32,
            mem,
            vcpus: vcpus as u32,
            state: fields[4],
            time: match fields[5].parse() {
                Ok(time) => time,
                Err(_) => return Some(Err(format!("no time in {line:?}"))),
            },
            claimed: if fields.len() == 7 { number(6) } else { None },
        },
        _ => return Some(Err(format!("not a list row: {line:?}"))),
    };
    if row.render() != line.trim_end() {
        return Some(Err(format!(
            "laid out otherwise than Xen's xl: {line:?}, expected {:?}",
            row.render()
        )));
    }
    Some(Ok(row))
}

/// `free_memory` in `xl info`'s output, MiB.
pub fn free_memory(output: &[&str]) -> Result<u64, String> {
    let line = output
        .iter()
        .find(|line| line.starts_with("free_memory"))
        .ok_or("no free_memory line")?;
    line.strip_prefix(FREE_MEMORY)
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("{line:?} is not `{FREE_MEMORY}N`"))
}

/// Every check on the split log, in the order they are reported.
pub fn check(log: &Log) -> Vec<Check> {
    let mut checks = vec![Check::new(
        log.ended,
        "/init ran every command and reached its end marker".into(),
    )];
    for section in &log.sections {
        let status = match section.rc {
            Some(rc) => format!("exited {rc}"),
            None => "never finished".into(),
        };
        checks.push(Check::new(
            section.rc == Some(0),
            format!("`{}` {status}", section.command),
        ));
    }
    let xl_commands: Vec<&str> = log
        .sections
        .iter()
        .map(|section| section.command)
        .filter(|command| command.starts_with("xl "))
        .collect();
    checks.push(Check::new(
        xl_commands == XL_SEQUENCE,
        format!(
            "the xl commands ran in /init's order ({} of {})",
            xl_commands.len(),
            XL_SEQUENCE.len()
        ),
    ));

    checks.push(check_free_memory(log));
    checks.push(check_list(log, 1, "after create", |row| {
        (
            row.mem == DOMU_MEMORY_MIB,
            format!("Mem {} MiB (memory={DOMU_MEMORY_MIB})", row.mem),
        )
    }));
    // libxl_set_memory_target sets the PoD target to the new target + LIBXL_MAXMEM_CONSTANT
    // (1 MiB); Xen fills the PoD cache up to it, and xl list shows tot_pages.
    checks.push(check_list(log, 2, "after mem-set 48m", |row| {
        (
            row.mem == 49,
            format!("Mem {} MiB (48 + LIBXL_MAXMEM_CONSTANT)", row.mem),
        )
    }));
    checks.push(check_gone(log));
    checks.push(check_claim_seen(log));
    checks.push(check_claim_cancelled(log));

    // The domU (the test guest in mode=idle) prints through the HVM debug port; with
    // guest_loglvl=all Xen keeps its line in the console ring.
    let domu_printed = log.nth("xl dmesg", 0).is_some_and(|section| {
        section
            .output
            .iter()
            .any(|line| line.contains("(d1) xen-rs test guest: idle: dom1 up"))
    });
    checks.push(Check::new(
        domu_printed,
        "`xl dmesg` holds the domU's own line `(d1) xen-rs test guest: idle: dom1 up`".into(),
    ));
    checks.extend(check_dom0_kernel(log));
    checks
}

/// The kernel's own view: xenfs says it is the control domain, its log shows the Xen clock
/// source and the event-channel ABI, and no warning, BUG or oops.
fn check_dom0_kernel(log: &Log) -> Vec<Check> {
    let capabilities = log
        .nth("cat /proc/xen/capabilities", 0)
        .map(|section| section.output.clone());
    let kernel: Vec<&str> = log
        .nth("dmesg", 0)
        .map(|section| section.output.clone())
        .unwrap_or_default();
    let has = |text: &str| kernel.iter().any(|line| line.contains(text));
    let trouble: Vec<&&str> = kernel
        .iter()
        .filter(|line| KERNEL_TROUBLE.iter().any(|t| line.contains(t)))
        .collect();
    vec![
        Check::new(
            capabilities.as_deref() == Some(&["control_d"][..]),
            format!("/proc/xen/capabilities says control_d ({capabilities:?})"),
        ),
        Check::new(
            has("clocksource: xen: mask:"),
            "the kernel log shows the Xen clock source (`clocksource: xen:`)".into(),
        ),
        Check::new(
            has("xen:events: Using FIFO-based ABI") || has("xen:events: Using 2-level ABI"),
            "the kernel log shows the FIFO or 2-level event channels".into(),
        ),
        Check::new(
            !kernel.is_empty() && trouble.is_empty(),
            match trouble.first() {
                None => format!("no kernel warning, BUG or oops in {} lines", kernel.len()),
                Some(line) => format!("kernel trouble: {line}"),
            },
        ),
    ]
}

/// What the kernel prints for a warning, a BUG or an oops (include/asm-generic/bug.h,
/// arch/x86/kernel/dumpstack.c).
const KERNEL_TROUBLE: [&str; 6] = [
    "WARNING:",
    "BUG:",
    "Oops",
    "cut here",
    "Call Trace:",
    "Kernel panic",
];

/// `free_memory` after destroy equals `free_memory` at the start: every page came back.
fn check_free_memory(log: &Log) -> Check {
    let read = |n| {
        log.nth("xl info", n)
            .ok_or_else(|| "did not run".to_string())
            .and_then(|section| free_memory(&section.output))
    };
    match (read(0), read(1)) {
        (Ok(before), Ok(after)) => Check::new(
            before == after,
            format!(
                "`xl info` free_memory after destroy ({after} MiB) equals the start ({before} MiB)"
            ),
        ),
        (before, after) => Check::new(
            false,
            format!(
                "`xl info` free_memory at the start ({}) and after destroy ({})",
                before.map_or_else(|e| e, |v| format!("{v} MiB")),
                after.map_or_else(|e| e, |v| format!("{v} MiB"))
            ),
        ),
    }
}

/// The `n`th `xl list` has a well-formed row for the domU that `judge` accepts.
fn check_list(
    log: &Log,
    n: usize,
    when: &str,
    judge: impl Fn(&ListRow) -> (bool, String),
) -> Check {
    let what = format!("`xl list` {when}: {DOMU}");
    let Some(section) = log.nth("xl list", n) else {
        return Check::new(false, format!("{what}: did not run"));
    };
    match list_row(&section.output, DOMU) {
        Some(Ok(row)) => {
            let (passed, detail) = judge(&row);
            Check::new(passed, format!("{what}: {detail}"))
        }
        Some(Err(e)) => Check::new(false, format!("{what}: {e}")),
        None => Check::new(false, format!("{what}: no row")),
    }
}

/// The last `xl list` lists domains (its header is there) but not the domU.
fn check_gone(log: &Log) -> Check {
    let what = format!("`xl list` after destroy: no {DOMU}");
    let Some(section) = log.nth("xl list", 3) else {
        return Check::new(false, format!("{what}: did not run"));
    };
    if !section.output.contains(&LIST_HEADER) {
        return Check::new(false, format!("{what}: no `Name  ID  Mem ...` header"));
    }
    match list_row(&section.output, DOMU) {
        None => Check::new(true, what),
        Some(_) => Check::new(false, format!("{what}: it is still listed")),
    }
}

/// The verbose create says what Xen made of the claim (a line `xl: claim: ...`).
fn check_claim_seen(log: &Log) -> Check {
    let line = log
        .nth(XL_SEQUENCE[2], 0)
        .and_then(|section| section.output.iter().find(|l| l.starts_with("xl: claim:")));
    match line {
        Some(line) => Check::new(true, format!("`xl -v create` reported the claim: {line}")),
        None => Check::new(false, "`xl -v create` printed no `xl: claim:` line".into()),
    }
}

/// Once the domain is built its claim is cancelled: `xl claims` shows it with 0 claimed.
fn check_claim_cancelled(log: &Log) -> Check {
    let what = format!("`xl claims` after create: {DOMU}");
    let Some(section) = log.nth("xl claims", 0) else {
        return Check::new(false, format!("{what}: did not run"));
    };
    match list_row(&section.output, DOMU) {
        Some(Ok(ListRow {
            claimed: Some(claimed),
            ..
        })) => Check::new(
            claimed == 0,
            format!("{what}: claimed {claimed} MiB (want 0)"),
        ),
        Some(Ok(_)) => Check::new(false, format!("{what}: no Claimed column")),
        Some(Err(e)) => Check::new(false, format!("{what}: {e}")),
        None => Check::new(false, format!("{what}: no row")),
    }
}

/// Prints each run's checks and summary, and the runs' times side by side; an error if a check
/// failed or the runs passed different numbers of checks.
fn report(runs: &[Run]) -> Result<(), String> {
    let tag = |check: &Check| match check.verdict {
        Verdict::Pass => "ok  ",
        Verdict::Fail => "FAIL",
        Verdict::Note => "note",
    };
    let count = |checks: &[Check], verdict| checks.iter().filter(|c| c.verdict == verdict).count();
    let mut failures = Vec::new();
    for run in runs {
        println!("\n{} ({}):", run.hypervisor, run.dom0);
        for check in &run.checks {
            println!("{} {}", tag(check), check.what);
        }
        if !run.against_xen.is_empty() {
            println!("{}'s kernel log against Xen's:", run.hypervisor);
            for check in &run.against_xen {
                println!("{} {}", tag(check), check.what);
            }
        }
    }
    println!();
    for run in runs {
        let failed = count(&run.checks, Verdict::Fail);
        println!(
            "linux-dom0: {} passed, {failed} failed, {} noted ({}, {})",
            count(&run.checks, Verdict::Pass),
            count(&run.checks, Verdict::Note),
            run.hypervisor,
            run.dom0
        );
        if failed > 0 {
            failures.push(format!(
                "{failed} linux-dom0 check(s) failed under {}",
                run.hypervisor
            ));
        }
        if !run.against_xen.is_empty() {
            let failed = count(&run.against_xen, Verdict::Fail);
            println!(
                "linux-dom0: {}'s kernel log against Xen's: {failed} unexplained, {} known gaps",
                run.hypervisor,
                count(&run.against_xen, Verdict::Note)
            );
            if failed > 0 {
                failures.push(format!(
                    "{failed} kernel line(s) of {} neither in Xen's log nor explained",
                    run.hypervisor
                ));
            }
        }
    }
    if let [xen, xen_rs] = runs {
        println!(
            "linux-dom0: from QEMU's start to dom0's power-off: {} {:.1} s, {} {:.1} s (xen-rs/Xen {:.2})",
            xen.hypervisor,
            xen.elapsed.as_secs_f64(),
            xen_rs.hypervisor,
            xen_rs.elapsed.as_secs_f64(),
            xen_rs.elapsed.as_secs_f64() / xen.elapsed.as_secs_f64()
        );
        let (a, b) = (
            count(&xen.checks, Verdict::Pass),
            count(&xen_rs.checks, Verdict::Pass),
        );
        if a != b {
            failures.push(format!("xen-rs passed {b} checks, Xen {a}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_power_off_is_acpi_s5_or_xens_halt() {
        // The end of a real run (Xen 4.17.7, Linux 6.1.0-56).
        let console = "@@@ end\n[   13.174224] reboot: Power down\n\
                       (XEN) Preparing system for ACPI S5 state.\n\
                       (XEN) Disabling non-boot CPUs ...\n\
                       (XEN) Entering ACPI S5 state.\n";
        assert!(powered_off(XenEnd::QemuExited(0), console));
        assert!(!powered_off(XenEnd::QemuExited(0), "[ 1.0] Kernel panic\n"));
        assert!(!powered_off(XenEnd::QemuExited(1), console));
        assert!(powered_off(XenEnd::PoweredOff, ""));
        assert!(!powered_off(XenEnd::Crashed, console));
        assert!(!powered_off(XenEnd::Timeout, ""));
    }

    #[test]
    fn the_kernel_package_is_read_from_depends() {
        assert_eq!(
            kernel_package("linux-image-6.1.0-56-amd64 (= 6.1.192-2)"),
            Some("linux-image-6.1.0-56-amd64")
        );
        assert_eq!(
            kernel_package("initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-9-amd64"),
            Some("linux-image-6.1.0-9-amd64")
        );
        assert_eq!(kernel_package("kmod, busybox"), None);
    }

    #[test]
    fn modinfo_fields_and_module_names() {
        let module = b"\x7fELF...\0license=GPL\0depends=xen-privcmd\0retpoline=Y\0";
        assert_eq!(modinfo(module, "depends"), Some("xen-privcmd"));
        assert_eq!(modinfo(module, "license"), Some("GPL"));
        assert_eq!(modinfo(b"\0depends=\0", "depends"), Some(""));
        assert_eq!(modinfo(module, "vermagic"), None);
        assert_eq!(
            module_name("kernel/drivers/xen/xen-privcmd.ko"),
            "xen_privcmd"
        );
        assert_eq!(module_name("xen_privcmd"), "xen_privcmd");
        assert_eq!(module_name("a/b/xenfs.ko.xz"), "xenfs");
    }

    #[test]
    fn cpio_entries_are_newc_and_aligned() {
        let mut cpio = Cpio::default();
        cpio.file("init", 0o755, b"#!/bin/sh\n");
        cpio.symlink("bin/sh", "busybox");
        let data = cpio.finish();
        assert!(data.starts_with(b"070701"));
        // inode 1, mode 0100755, uid, gid, nlink 1, mtime, size 10, 4 device numbers, name 5.
        let header = std::str::from_utf8(&data[6..110]).unwrap();
        let fields: Vec<u32> = (0..13)
            .map(|i| u32::from_str_radix(&header[i * 8..i * 8 + 8], 16).unwrap())
            .collect();
        assert_eq!(fields, [1, 0o100_755, 0, 0, 1, 0, 10, 0, 0, 0, 0, 5, 0]);
        // Header and name "init\0" are 115 bytes, padded to 116; the body follows.
        assert_eq!(&data[110..116], b"init\0\0");
        assert_eq!(&data[116..126], b"#!/bin/sh\n");
        assert_eq!(&data[128..134], b"070701");
        assert_eq!(data.len() % 4, 0);
        let tail = String::from_utf8_lossy(&data[data.len() - 16..]).into_owned();
        assert!(tail.contains("TRAILER!!!"), "{tail:?}");
    }

    /// A console as a working xl would leave it, with Xen's messages mixed in.
    const SAMPLE: &str = "\
[    0.000000] Linux version 6.1.0-56-amd64
init: Linux 6.1.0-56-amd64
@@@ insmod /lib/modules/xen-privcmd.ko
@@@ rc=0
@@@ test -c /dev/xen/privcmd
@@@ rc=0
@@@ cat /proc/xen/capabilities
control_d
@@@ rc=0
@@@ xl info
host                   : (none)
total_memory           : 1023
free_memory            : 440
@@@ rc=0
@@@ xl list
Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0   512     1     r-----       9.1
@@@ rc=0
@@@ xl -v create /etc/xen/pvh.cfg
Parsing config from /etc/xen/pvh.cfg
xl: claim: 8192 pages staked for domain 1, outstanding 8192
(XEN) d1: populate-on-demand
@@@ rc=0
@@@ xl claims
Name                                        ID   Mem VCPUs\tState\tTime(s)  Claimed
Domain-0                                     0   512     1     r-----       9.5     0
pvh1                                         1    32     1     -b----       0.0     0
@@@ rc=0
@@@ xl list
Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0   512     1     r-----       9.6
pvh1                                         1    32     1     -b----       0.0
@@@ rc=0
@@@ xl list -l
[]
@@@ rc=0
@@@ xl vcpu-list
@@@ rc=0
@@@ xl dmesg
(XEN) Xen version 4.17.7
(d1) xen-rs test guest: idle: dom1 up
@@@ rc=0
@@@ xl mem-set pvh1 48m
@@@ rc=0
@@@ xl list
Name                                        ID   Mem VCPUs\tState\tTime(s)
pvh1                                         1    49     1     -b----       0.0
@@@ rc=0
@@@ xl destroy pvh1
@@@ rc=0
@@@ xl list
Name                                        ID   Mem VCPUs\tState\tTime(s)
Domain-0                                     0   512     1     r-----       9.9
@@@ rc=0
@@@ xl info
free_memory            : 440
@@@ rc=0
@@@ dmesg
[    0.000000] Linux version 6.1.0-56-amd64
[    2.946212] xen:events: Using FIFO-based ABI
[    3.358223] clocksource: xen: mask: 0xffffffffffffffff max_cycles: 0x1cd42e4dffb
@@@ rc=0
@@@ end
(XEN) Hardware Dom0 halted: halting machine
";

    #[test]
    fn markers_are_found_next_to_a_domus_line() {
        // A domU line printed by the hypervisor while dom0's line was half written.
        let console = "@@@ xl list\nName\n@@@ rc=0(d1) xen-rs test guest: idle: dom1 up\n\
                       (d1) early@@@ xl claims\n@@@ rc=12\n@@@ end\n";
        let log = split(console);
        assert!(log.ended);
        assert_eq!(log.sections.len(), 2);
        assert_eq!(log.sections[0].rc, Some(0));
        assert_eq!(log.sections[0].output, ["Name"]);
        assert_eq!(log.sections[1].command, "xl claims");
        assert_eq!(log.sections[1].rc, Some(12));
        assert_eq!(split("@@@ x\n@@@ rc=oops\n").sections[0].rc, None);
        assert_eq!(split("@@@ x\n@@@ rc=-1\n").sections[0].rc, Some(-1));
    }

    #[test]
    fn the_console_splits_into_commands() {
        let log = split(SAMPLE);
        assert!(log.ended);
        assert_eq!(log.sections.len(), 4 + XL_SEQUENCE.len());
        assert_eq!(
            log.sections[0].command,
            "insmod /lib/modules/xen-privcmd.ko"
        );
        assert_eq!(log.sections[0].output, Vec::<&str>::new());
        let create = log.nth("xl -v create /etc/xen/pvh.cfg", 0).unwrap();
        assert_eq!(create.rc, Some(0));
        assert_eq!(create.output.len(), 3);
        assert_eq!(create.output[2], "(XEN) d1: populate-on-demand");
        assert_eq!(log.nth("xl list", 3).unwrap().output.len(), 2);
        assert!(log.nth("xl list", 4).is_none());

        // A run cut short: the last command has no status and there is no end.
        let cut = split("@@@ xl info\nfree_memory            : 1\n@@@ rc=1\n@@@ xl list\nName\n");
        assert!(!cut.ended);
        assert_eq!(cut.sections[0].rc, Some(1));
        assert_eq!(cut.sections[1].rc, None);
        assert_eq!(cut.sections[1].output, ["Name"]);
    }

    #[test]
    fn list_rows_are_read_and_their_layout_checked() {
        let row = list_row(
            &["pvh1                                         1    32     1     -b----       0.0"],
            "pvh1",
        );
        let row = row.unwrap().unwrap();
        assert_eq!(
            (row.id, row.mem, row.vcpus, row.state),
            (1, 32, 1, "-b----")
        );
        assert_eq!(row.claimed, None);
        let claims = list_row(
            &["pvh1                                         1    32     1     -b----       0.0     7"],
            "pvh1",
        );
        assert_eq!(claims.unwrap().unwrap().claimed, Some(7));
        // Too little padding: a row, but not xl's layout.
        assert!(list_row(&["pvh1 1 32 1 -b---- 0.0"], "pvh1")
            .unwrap()
            .is_err());
        assert!(list_row(&["pvh1 is not running"], "pvh1").unwrap().is_err());
        assert!(list_row(&["Domain-0 0 512 1 r----- 1.0"], "pvh1").is_none());
    }

    #[test]
    fn free_memory_needs_xls_layout() {
        assert_eq!(
            free_memory(&[
                "total_memory           : 1023",
                "free_memory            : 440"
            ]),
            Ok(440)
        );
        assert!(free_memory(&["free_memory: 440"]).is_err());
        assert!(free_memory(&["xl: not built yet"]).is_err());
    }

    #[test]
    fn a_good_run_passes_every_check() {
        let checks = check(&split(SAMPLE));
        let failed: Vec<_> = checks
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .collect();
        assert!(failed.is_empty(), "{failed:#?}");
        assert!(checks.iter().any(|c| c.what.contains("(d1)")));
        assert!(checks.iter().any(|c| c.what.contains("Mem 49 MiB")));
    }

    #[test]
    fn kernel_trouble_or_a_missing_clock_source_fails() {
        let failed = |console: &str| -> Vec<String> {
            check(&split(console))
                .into_iter()
                .filter(|c| c.verdict == Verdict::Fail)
                .map(|c| c.what)
                .collect()
        };
        let warned = SAMPLE.replace(
            "[    0.000000] Linux version",
            "[    1.0] WARNING: CPU: 0 PID: 1 at x.c:1\n[    0.000000] Linux version",
        );
        assert_eq!(
            failed(&warned),
            ["kernel trouble: [    1.0] WARNING: CPU: 0 PID: 1 at x.c:1"]
        );
        let no_clock = SAMPLE.replace("clocksource: xen:", "clocksource: tsc:");
        assert_eq!(failed(&no_clock).len(), 1);
        let no_events = SAMPLE.replace("FIFO-based", "odd");
        assert_eq!(failed(&no_events).len(), 1);
        let domu = SAMPLE.replace("control_d", "");
        assert_eq!(failed(&domu).len(), 1);
    }

    #[test]
    fn xen_rs_kernel_lines_must_be_in_xens_log_or_explained() {
        let xen = vec!["ACPI: 3 ACPI AML tables successfully acquired and loaded".to_string()];
        let explained = explained_lines(
            "# comment\nFailed to register legacy timer interrupt # Xen's PVH dom0 too\n\
             gap: xen:events: channel 3 failed # issue 99\n",
        );
        let xen_rs: Vec<String> = [
            "ACPI: 4 ACPI AML tables successfully acquired and loaded",
            "Failed to register legacy timer interrupt",
            "xen:grant_table: grant table add_to_physmap failed, err=-95",
            "Linux version 6.1.0",
            "xen:events: channel 5 failed",
        ]
        .map(String::from)
        .to_vec();
        let checks = check_kernel_log_against(&xen_rs, &xen, &explained);
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].verdict, Verdict::Fail);
        assert!(checks[0].what.contains("add_to_physmap failed"));
        assert_eq!(checks[1].verdict, Verdict::Note);
        assert!(checks[1].what.contains("issue 99"));
        let ok = check_kernel_log_against(&xen_rs[..2], &xen, &explained);
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].verdict, Verdict::Pass);
        assert_eq!(
            without_numbers("mem 0x7ffe1a00-0x7ffe1a77 failed"),
            "mem #x#-#x# failed"
        );
        assert_eq!(kernel_line("[    3.1] text] x"), "text] x");
    }

    #[test]
    fn a_stub_xl_fails_the_xl_checks_but_not_the_boot() {
        let mut console = String::from(
            "@@@ insmod /lib/modules/xen-privcmd.ko\n@@@ rc=0\n\
             @@@ test -c /dev/xen/privcmd\n@@@ rc=0\n",
        );
        for command in XL_SEQUENCE {
            console.push_str(&format!("@@@ {command}\nxl: not built yet\n@@@ rc=1\n"));
        }
        console.push_str("@@@ end\n");
        let checks = check(&split(&console));
        let verdict = |what: &str| {
            checks
                .iter()
                .find(|c| c.what.contains(what))
                .map(|c| c.verdict)
        };
        assert_eq!(verdict("end marker"), Some(Verdict::Pass));
        assert_eq!(
            verdict("`test -c /dev/xen/privcmd` exited 0"),
            Some(Verdict::Pass)
        );
        assert_eq!(verdict("`xl info` exited 1"), Some(Verdict::Fail));
        assert_eq!(verdict("in /init's order"), Some(Verdict::Pass));
        assert_eq!(verdict("free_memory"), Some(Verdict::Fail));
        assert_eq!(verdict("after create: pvh1: no row"), Some(Verdict::Fail));
        assert_eq!(verdict("after destroy"), Some(Verdict::Fail));
        assert_eq!(verdict("xl: claim:"), Some(Verdict::Fail));
        assert_eq!(verdict("`xl claims`"), Some(Verdict::Fail));
        assert_eq!(verdict("(d1)"), Some(Verdict::Fail));
    }

    #[test]
    fn the_init_script_runs_the_sequence_checked_here() {
        let init = fs::read_to_string(root().join("tests/linux-dom0/init")).unwrap();
        let run: Vec<&str> = init
            .lines()
            .filter_map(|line| line.trim().strip_prefix("run xl "))
            .collect();
        let expected: Vec<&str> = XL_SEQUENCE.iter().map(|c| &c[3..]).collect();
        assert_eq!(run, expected);
        assert!(init.contains("echo \"@@@ end\""));
    }
}
