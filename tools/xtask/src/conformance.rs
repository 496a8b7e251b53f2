//! `./x conformance [--against xen] [--cpu amd|intel] [--all]`: the test guest's `mode=conformance`
//! (tests/guest/src/conformance/) under xen-rs, each `CASE <name>: ...` line compared with the line
//! real Xen 4.17 printed, recorded in tests/conformance/xen-4.17.txt. A case passes when its line is
//! the same, or when it differs and tests/conformance/divergences.toml documents it (`case = "..."`
//! with a `reason = "..."`); a case missing from xen-rs's run fails. `--against xen` also boots real
//! Xen (xen_ref.rs) and compares its lines with xen-rs's: same, differ (undocumented: a failure) or
//! documented. A run never rewrites the recording.
//!
//! `--cpu amd` (the default) runs xen-rs in QEMU on AMD SVM with nested paging; `--cpu intel` runs the
//! same ISO in Bochs on Intel VMX with EPT (bochs.rs), and then also in QEMU, and requires the VMX
//! run's lines to equal the SVM run's one for one (documented divergences from Xen do not excuse a
//! difference between the two vendors). Bochs gets through every case in about 15 s on this
//! machine, so no subset is chosen: `--all` is accepted and changes nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::grub::{self, GrubEntry, GrubModule};
use crate::machine::{self, Cpu};
use crate::qemu::QemuExit;
use crate::xen_ref::{self, XenEnd};
use crate::{guest, image, root};

/// The recorded lines of real Xen 4.17.
const RECORDING: &str = "tests/conformance/xen-4.17.txt";
/// Documented differences.
const DIVERGENCES: &str = "tests/conformance/divergences.toml";
/// The guest's command line.
const GUEST_CMDLINE: &str = "mode=conformance";
/// xen-rs's command line for the run (dom0 gets 256 MiB, the rest stays free for domUs).
pub const XEN_RS_CMDLINE: &str = "console=com1 com1=115200,8n1 dom0_mem=256M";
/// The machine's RAM, for QEMU and Bochs alike.
const MEMORY_MIB: u64 = 1024;
/// Either boot is given this long.
const TIMEOUT_SECS: u64 = 120;

/// What `./x conformance` was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Also boot real Xen 4.17 and compare with it.
    pub against_xen: bool,
    /// The CPU xen-rs runs on.
    pub cpu: Cpu,
}

const USAGE: &str = "usage: ./x conformance [--against xen] [--cpu amd|intel] [--all]";

/// Reads the command's options.
fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        against_xen: false,
        cpu: Cpu::Amd,
    };
    let mut rest = args.iter().map(String::as_str);
    while let Some(flag) = rest.next() {
        match (flag, rest.clone().next()) {
            ("--against", Some("xen")) => options.against_xen = true,
            ("--cpu", Some(name)) => options.cpu = Cpu::parse(name).ok_or(USAGE)?,
            // Every case always runs (see the module comment).
            ("--all", _) => continue,
            _ => return Err(USAGE.into()),
        }
        rest.next();
    }
    Ok(options)
}

/// `CASE <name>: ...` lines by name, and the `SUMMARY` line if there was one.
#[derive(Debug, Default)]
struct Cases {
    lines: BTreeMap<String, String>,
    summary: Option<String>,
}

/// Reads the guest's lines (already without the guest's prefix).
fn parse_cases<'a>(lines: impl IntoIterator<Item = &'a str>) -> Cases {
    let mut cases = Cases::default();
    for line in lines {
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("CASE ") {
            if let Some((name, _)) = rest.split_once(": ") {
                cases.lines.insert(name.to_string(), line.to_string());
            }
        } else if line.starts_with("SUMMARY ") {
            cases.summary = Some(line.to_string());
        }
    }
    cases
}

/// The documented cases: `case = "name"` lines of divergences.toml (each entry also carries a
/// `reason = "..."`, which is for people).
fn parse_divergences(text: &str) -> Result<Vec<String>, String> {
    let mut cases = Vec::new();
    let mut reasons = 0;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| format!("{DIVERGENCES}: `{line}`: the value must be a \"string\""))?;
        match key.trim() {
            "case" => cases.push(unquoted.to_string()),
            "reason" => reasons += 1,
            other => return Err(format!("{DIVERGENCES}: unknown key `{other}`")),
        }
    }
    if reasons != cases.len() {
        return Err(format!(
            "{DIVERGENCES}: {} cases but {reasons} reasons; every case needs its reason",
            cases.len()
        ));
    }
    Ok(cases)
}

/// Boots xen-rs with the guest in `mode=conformance` on `cpu`; its case lines.
fn run_xen_rs(guest: &std::path::Path, cpu: Cpu) -> Result<Cases, String> {
    let entry = GrubEntry {
        cmdline: XEN_RS_CMDLINE.into(),
        modules: vec![GrubModule {
            path: guest.to_path_buf(),
            args: GUEST_CMDLINE.into(),
        }],
    };
    let image = image::build()?;
    let work = root().join("target/xen-rs/conformance");
    let iso = grub::make_iso(&image, &entry, &work)?;
    let outcome = machine::boot(cpu, iso, MEMORY_MIB, TIMEOUT_SECS, &work)?;
    let cases = parse_cases(xen_ref::guest_lines(&outcome.console));
    if outcome.exit != QemuExit::Success || cases.summary.is_none() {
        eprintln!("{}", outcome.console);
        return Err(format!(
            "xen-rs in {} did not finish the cases: {:?}, summary {:?}",
            cpu.machine(),
            outcome.exit,
            cases.summary
        ));
    }
    Ok(cases)
}

/// Boots real Xen 4.17 with the guest in `mode=conformance`; its case lines.
fn run_xen(guest: &std::path::Path) -> Result<Cases, String> {
    let outcome = xen_ref::boot(
        guest,
        GUEST_CMDLINE,
        Duration::from_secs(TIMEOUT_SECS),
        false,
    )?;
    let cases = parse_cases(xen_ref::guest_lines(&outcome.console));
    if outcome.end != XenEnd::PoweredOff || cases.summary.is_none() {
        eprintln!("{}", outcome.console);
        return Err(format!(
            "Xen 4.17 did not finish the cases: {:?}, summary {:?}",
            outcome.end, cases.summary
        ));
    }
    Ok(cases)
}

/// How xen-rs's cases compare with a reference.
#[derive(Debug, Default, PartialEq, Eq)]
struct Comparison {
    /// Same line.
    same: Vec<String>,
    /// Different (or missing under xen-rs) and documented.
    documented: Vec<String>,
    /// Different or missing, undocumented.
    differ: Vec<String>,
}

fn compare(reference: &Cases, xen_rs: &Cases, documented: &[String]) -> Comparison {
    let mut out = Comparison::default();
    for (name, want) in &reference.lines {
        let name = name.clone();
        match xen_rs.lines.get(&name) {
            Some(got) if got == want => out.same.push(name),
            _ if documented.contains(&name) => out.documented.push(name),
            _ => out.differ.push(name),
        }
    }
    // A case xen-rs prints that the reference lacks is a difference too.
    for name in xen_rs.lines.keys() {
        if !reference.lines.contains_key(name) {
            if documented.contains(name) {
                out.documented.push(name.clone());
            } else {
                out.differ.push(name.clone());
            }
        }
    }
    out
}

fn report_differences(what: &str, reference: &Cases, xen_rs: &Cases, names: &[String]) {
    for name in names {
        let missing = "(missing)".to_string();
        println!("  {what} {name}");
        println!(
            "    xen:    {}",
            reference.lines.get(name).unwrap_or(&missing)
        );
        println!("    xen-rs: {}", xen_rs.lines.get(name).unwrap_or(&missing));
    }
}

/// `./x conformance [--against xen] [--cpu amd|intel] [--all]`.
pub fn command(args: &[String]) -> Result<(), String> {
    run(parse_options(args)?)
}

/// Runs the comparison; an error when a case failed or a difference is undocumented.
pub fn run(options: Options) -> Result<(), String> {
    let read =
        |path: &str| std::fs::read_to_string(root().join(path)).map_err(|e| format!("{path}: {e}"));
    let recording = parse_cases(read(RECORDING)?.lines());
    if recording.lines.is_empty() {
        return Err(format!("{RECORDING} holds no CASE lines"));
    }
    let documented = parse_divergences(&read(DIVERGENCES)?)?;

    let guest = guest::build()?;
    let xen_rs = run_xen_rs(&guest, options.cpu)?;
    let against_recording = compare(&recording, &xen_rs, &documented);
    report_differences(
        "documented",
        &recording,
        &xen_rs,
        &against_recording.documented,
    );
    report_differences("FAILED", &recording, &xen_rs, &against_recording.differ);
    let passed = against_recording.same.len() + against_recording.documented.len();
    println!(
        "conformance: {passed} passed, {} failed",
        against_recording.differ.len()
    );
    let mut failures = Vec::new();
    if !against_recording.differ.is_empty() {
        failures.push(format!(
            "{} case(s) differ from {RECORDING}",
            against_recording.differ.len()
        ));
    }

    if options.cpu == Cpu::Intel {
        // The two vendors' runs must agree line for line, documented or not.
        let svm = run_xen_rs(&guest, Cpu::Amd)?;
        let vendors = compare(&svm, &xen_rs, &[]);
        report_differences("VMX DIFFERS FROM SVM", &svm, &xen_rs, &vendors.differ);
        println!(
            "vmx against svm: {} same, {} differ",
            vendors.same.len(),
            vendors.differ.len()
        );
        if !vendors.differ.is_empty() {
            failures.push(format!(
                "{} case(s) differ between VMX and SVM",
                vendors.differ.len()
            ));
        }
    }

    if options.against_xen {
        let xen = run_xen(&guest)?;
        // Real Xen must still print what was recorded.
        let drift = compare(&recording, &xen, &[]);
        report_differences("RECORDING DRIFT", &recording, &xen, &drift.differ);
        if !drift.differ.is_empty() {
            failures.push(format!(
                "Xen 4.17 no longer prints {} recorded line(s)",
                drift.differ.len()
            ));
        }
        let live = compare(&xen, &xen_rs, &documented);
        report_differences("DIFFER", &xen, &xen_rs, &live.differ);
        println!(
            "differential: {} same, {} differ, {} documented",
            live.same.len(),
            live.differ.len(),
            live.documented.len()
        );
        if !live.differ.is_empty() {
            failures.push(format!(
                "{} undocumented difference(s) from Xen 4.17",
                live.differ.len()
            ));
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
    fn options() {
        let args = |s: &str| -> Vec<String> { s.split_whitespace().map(String::from).collect() };
        let amd = Options {
            against_xen: false,
            cpu: Cpu::Amd,
        };
        assert_eq!(parse_options(&[]), Ok(amd));
        assert_eq!(
            parse_options(&args("--cpu intel --all")),
            Ok(Options {
                cpu: Cpu::Intel,
                ..amd
            })
        );
        assert_eq!(
            parse_options(&args("--all --against xen --cpu amd")),
            Ok(Options {
                against_xen: true,
                ..amd
            })
        );
        for bad in ["--cpu", "--cpu arm", "--against qemu", "--against", "intel"] {
            assert!(parse_options(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn cases_are_read_by_name() {
        let cases = parse_cases([
            "mode=conformance: hypercall conformance cases",
            "CASE a.b: rc 0",
            "CASE c: rc -EINVAL, x: y",
            "SUMMARY 2 cases",
        ]);
        assert_eq!(cases.lines.len(), 2);
        assert_eq!(cases.lines["c"], "CASE c: rc -EINVAL, x: y");
        assert_eq!(cases.summary.as_deref(), Some("SUMMARY 2 cases"));
    }

    #[test]
    fn divergences_need_reasons() {
        let text = "# comment\n[[divergence]]\ncase = \"a\"\nreason = \"upstream\"\n";
        assert_eq!(parse_divergences(text), Ok(vec!["a".to_string()]));
        assert!(parse_divergences("[[divergence]]\ncase = \"a\"\n").is_err());
        assert!(parse_divergences("case = a\nreason = \"b\"\n").is_err());
    }

    #[test]
    fn comparison_counts_same_documented_and_different() {
        let xen = parse_cases(["CASE a: 1", "CASE b: 2", "CASE c: 3", "CASE d: 4"]);
        let rs = parse_cases(["CASE a: 1", "CASE b: 9", "CASE c: 9", "CASE e: 5"]);
        let cmp = compare(&xen, &rs, &["b".to_string()]);
        assert_eq!(cmp.same, ["a"]);
        assert_eq!(cmp.documented, ["b"]);
        assert_eq!(cmp.differ, ["c", "d", "e"]);
    }
}
