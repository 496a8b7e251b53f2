//! `./x conformance [--against xen]`: the test guest's `mode=conformance` (tests/guest/src/
//! conformance/) under xen-rs, each `CASE <name>: ...` line compared with the line real Xen 4.17
//! printed, recorded in tests/conformance/xen-4.17.txt. A case passes when its line is the same,
//! or when it differs and tests/conformance/divergences.toml documents it (`case = "..."` with a
//! `reason = "..."`); a case missing from xen-rs's run fails. `--against xen` also boots real Xen
//! (xen_ref.rs) and compares its lines with xen-rs's: same, differ (undocumented: a failure) or
//! documented. A run never rewrites the recording.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::grub::{self, GrubEntry, GrubModule};
use crate::qemu::{QemuExit, QemuRun};
use crate::xen_ref::{self, XenEnd};
use crate::{guest, image, root};

/// The recorded lines of real Xen 4.17.
const RECORDING: &str = "tests/conformance/xen-4.17.txt";
/// Documented differences.
const DIVERGENCES: &str = "tests/conformance/divergences.toml";
/// The guest's command line.
const GUEST_CMDLINE: &str = "mode=conformance";
/// xen-rs's command line for the run (dom0 gets 256 MiB, the rest stays free for domUs).
const XEN_RS_CMDLINE: &str = "console=com1 com1=115200,8n1 dom0_mem=256M";
/// Either boot is given this long.
const TIMEOUT_SECS: u64 = 120;

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

/// Boots xen-rs with the guest in `mode=conformance`; its case lines.
fn run_xen_rs(guest: &std::path::Path) -> Result<Cases, String> {
    let entry = GrubEntry {
        cmdline: XEN_RS_CMDLINE.into(),
        modules: vec![GrubModule {
            path: guest.to_path_buf(),
            args: GUEST_CMDLINE.into(),
        }],
    };
    let image = image::build()?;
    let iso = grub::make_iso(&image, &entry, &root().join("target/xen-rs/conformance"))?;
    let outcome = QemuRun {
        iso,
        memory: "1G".into(),
        timeout_secs: TIMEOUT_SECS,
        echo: false,
    }
    .run()?;
    let cases = parse_cases(xen_ref::guest_lines(&outcome.console));
    if outcome.exit != QemuExit::Success || cases.summary.is_none() {
        eprintln!("{}", outcome.console);
        return Err(format!(
            "xen-rs did not finish the cases: {:?}, summary {:?}",
            outcome.exit, cases.summary
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

/// `./x conformance [--against xen]`.
pub fn command(args: &[String]) -> Result<(), String> {
    let against_xen = match args {
        [] => false,
        [flag, what] if flag == "--against" && what == "xen" => true,
        _ => return Err("usage: ./x conformance [--against xen]".into()),
    };
    run(against_xen)
}

/// Runs the comparison; an error when a case failed or a difference is undocumented.
pub fn run(against_xen: bool) -> Result<(), String> {
    let read =
        |path: &str| std::fs::read_to_string(root().join(path)).map_err(|e| format!("{path}: {e}"));
    let recording = parse_cases(read(RECORDING)?.lines());
    if recording.lines.is_empty() {
        return Err(format!("{RECORDING} holds no CASE lines"));
    }
    let documented = parse_divergences(&read(DIVERGENCES)?)?;

    let guest = guest::build()?;
    let xen_rs = run_xen_rs(&guest)?;
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

    if against_xen {
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
