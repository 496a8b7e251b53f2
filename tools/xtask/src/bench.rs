//! `./x bench [--runs N] [--no-qemu] [--no-callgrind]`: every benchmark, one report,
//! `target/bench/REPORT.md`.
//!
//! - Host: the divan benches (xen-mm's heap_ops and p2m, hypercall's dispatch) and the
//!   hand-rolled ones that alternate a measurement with its floor (xen-mm's populate and pod, one
//!   `NAME median V UNIT min V UNIT max V UNIT runs N` line per figure).
//! - Instruction counts: callgrind over one divan benchmark at a time, run with 1 and with 1 + K
//!   iterations; the difference over K is the count per iteration, without setup and harness.
//! - QEMU: xen-rs and Xen 4.17 booted alternately, N times each: wall time from QEMU's start to
//!   the conformance guest's first `CASE` line, and the test guest's `mode=bench` (a 512 MiB
//!   PVH domU built with the toolstack, populating 4 KiB against 2 MiB extents), which prints
//!   TSC deltas measured inside the guest.
//!
//! Every figure is compared with a partner (Xen, memset, a flat array, a smaller case), with the
//! ratio of medians and a plain word where xen-rs is slower than Xen or far from the floor.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::conformance::XEN_RS_CMDLINE;
use crate::grub::{self, GrubEntry, GrubModule};
use crate::qemu::QemuRun;
use crate::xen_ref::{self, GUEST_PREFIX};
use crate::{cargo, guest, image, root};

/// RAM for every QEMU boot (xen_ref::boot's size).
const QEMU_MEMORY: &str = "1G";
/// Any boot is stopped after this long.
const BOOT_TIMEOUT: Duration = Duration::from_secs(120);
/// `mode=bench` repeats its set this many times per boot.
const GUEST_ROUNDS: u32 = 2;
/// Where the report and callgrind's files go.
const OUT_DIR: &str = "target/bench";

const USAGE: &str = "usage: ./x bench [--runs N] [--no-qemu] [--no-callgrind]";

/// One figure over its runs (seconds, or instructions for callgrind).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figure {
    median: f64,
    min: f64,
    max: f64,
    runs: usize,
}

impl Figure {
    /// The median (the upper one of an even count) and range of `samples`; `None` when empty.
    fn from_samples(samples: &[f64]) -> Option<Figure> {
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Figure {
            median: *sorted.get(sorted.len() / 2)?,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
            runs: sorted.len(),
        })
    }

    /// One exact value (an instruction count).
    fn exact(value: f64) -> Figure {
        Figure {
            median: value,
            min: value,
            max: value,
            runs: 1,
        }
    }

    /// The same figure for a part of the work (per item, per page).
    fn divided(self, by: f64) -> Figure {
        Figure {
            median: self.median / by,
            min: self.min / by,
            max: self.max / by,
            runs: self.runs,
        }
    }
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Instructions,
}

/// Seconds in a short human unit: `330 ns`, `1.74 µs`, `41.9 ms`, `2.31 s`.
fn format_seconds(s: f64) -> String {
    let (value, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    // Three significant digits.
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// A count with thousands separators: `93,710,417`.
fn format_count(n: f64) -> String {
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// `41.9 ms (38.2 ms–43.8 ms, 7 runs)`; an exact count alone.
fn format_figure(figure: &Figure, unit: Unit) -> String {
    match unit {
        Unit::Instructions => format_count(figure.median),
        Unit::Seconds if figure.runs == 1 => format!("{} (1 run)", format_seconds(figure.median)),
        Unit::Seconds => format!(
            "{} ({}–{}, {} runs)",
            format_seconds(figure.median),
            format_seconds(figure.min),
            format_seconds(figure.max),
            figure.runs
        ),
    }
}

/// A factor with as many decimals as it needs: `2.44`, `23.6`, `2562`, `0.0025`.
fn format_factor(r: f64) -> String {
    match r {
        r if r >= 100.0 => format!("{r:.0}"),
        r if r >= 10.0 => format!("{r:.1}"),
        r if r >= 0.1 => format!("{r:.2}"),
        r if r >= 0.01 => format!("{r:.3}"),
        r => format!("{r:.4}"),
    }
}

/// The ratio of medians, `2.44×`.
fn format_ratio(ours: &Figure, against: &Figure) -> String {
    format!("{}×", format_factor(ours.median / against.median))
}

/// How a comparison is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judge {
    /// Against Xen 4.17 doing the same.
    Xen,
    /// Against the physical floor (memset, a flat array, the answer without the layer).
    Floor,
    /// Against a smaller case of the same operation, which should cost the same.
    Flat,
    /// Against a related case, for information.
    Plain,
}

/// The verdict for `ratio` (ours / theirs), said plainly where xen-rs loses.
fn verdict(judge: Judge, ratio: f64) -> String {
    match judge {
        Judge::Xen if ratio > 1.10 => format!("**slower than Xen** ({}×)", format_factor(ratio)),
        Judge::Xen if ratio < 1.0 / 1.10 => {
            format!(
                "faster than Xen ({}× less time)",
                format_factor(1.0 / ratio)
            )
        }
        Judge::Xen => "on par with Xen".into(),
        Judge::Floor if ratio > 3.0 => {
            format!("**far from the floor** ({}×)", format_factor(ratio))
        }
        Judge::Floor if ratio > 1.1 => format!("{}× the floor", format_factor(ratio)),
        Judge::Floor if ratio >= 0.9 => "at the floor".into(),
        Judge::Floor => "below this floor: it does not do all of the floor's work".into(),
        Judge::Flat if ratio > 1.25 => format!("**grows** ({}×)", format_factor(ratio)),
        Judge::Flat => "flat".into(),
        Judge::Plain => String::new(),
    }
}

/// A row of the report: our figure, what it is compared with, and the verdict.
struct Row {
    what: String,
    ours: Option<Figure>,
    against_what: String,
    against: Option<Figure>,
    judge: Judge,
    unit: Unit,
    /// Why the partner is the right one, or what the figure includes.
    note: &'static str,
}

/// A report table: header names for our side and the partner's.
fn table(out: &mut String, ours_header: &str, rows: &[Row]) {
    let _ = writeln!(
        out,
        "| figure | {ours_header} | compared with | its figure | ratio | verdict |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for row in rows {
        let na = "not measured".to_string();
        let ours = row.ours.map_or(na.clone(), |f| format_figure(&f, row.unit));
        let against = row.against.map_or(na, |f| format_figure(&f, row.unit));
        let (ratio, verdict) = match (row.ours, row.against) {
            (Some(o), Some(a)) => (
                format_ratio(&o, &a),
                verdict(row.judge, o.median / a.median),
            ),
            _ => ("–".into(), String::new()),
        };
        let verdict = match (verdict.is_empty(), row.note.is_empty()) {
            (_, true) => verdict,
            (true, false) => row.note.to_string(),
            (false, false) => format!("{verdict}; {}", row.note),
        };
        let _ = writeln!(
            out,
            "| {} | {ours} | {} | {against} | {ratio} | {verdict} |",
            row.what, row.against_what
        );
    }
}

// ---- Parsing what the benches print ----

/// A duration with divan's or the figure lines' unit, in seconds.
fn parse_duration(value: &str, unit: &str) -> Option<f64> {
    let scale = match unit {
        "ps" => 1e-12,
        "ns" => 1e-9,
        "µs" | "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(value.parse::<f64>().ok()? * scale)
}

/// divan's table: `root::group::arg` -> median, fastest..slowest and the sample count.
fn parse_divan(output: &str) -> BTreeMap<String, Figure> {
    const TREE: &[char] = &['│', '├', '╰', '─', ' '];
    let mut figures = BTreeMap::new();
    let mut root = String::new();
    // The names of the groups above the current row, by depth.
    let mut groups: Vec<String> = Vec::new();
    for line in output.lines() {
        if line.contains("fastest") && line.contains("│ slowest") {
            root = line.split_whitespace().next().unwrap_or("").to_string();
            groups.clear();
            continue;
        }
        if root.is_empty() || !line.contains('│') {
            continue;
        }
        let name_part = line.trim_start_matches(TREE);
        // The tree draws three characters per level.
        let depth = (line.chars().count() - name_part.chars().count()) / 3;
        let mut columns = name_part.split('│').map(str::trim);
        let first: Vec<&str> = columns.next().unwrap_or("").split_whitespace().collect();
        let rest: Vec<&str> = columns.collect();
        let is_time =
            |c: &[&str]| c.len() >= 2 && parse_duration(c[c.len() - 2], c[c.len() - 1]).is_some();
        match first.len() {
            0 => {}
            // A group heading.
            1 => {
                groups.truncate(depth.saturating_sub(1));
                groups.push(first[0].to_string());
            }
            // A throughput line under a row ("1.033 Gitem/s").
            2 => {}
            _ if is_time(&first) && rest.len() >= 4 => {
                let name = first[..first.len() - 2].join(" ");
                groups.truncate(depth.saturating_sub(1));
                let time = |column: &str| {
                    let words: Vec<&str> = column.split_whitespace().collect();
                    match words[..] {
                        [value, unit] => parse_duration(value, unit),
                        _ => None,
                    }
                };
                let fastest = parse_duration(first[first.len() - 2], first[first.len() - 1]);
                if let (Some(min), Some(max), Some(median), Ok(runs)) = (
                    fastest,
                    time(rest[0]),
                    time(rest[1]),
                    rest[3].parse::<usize>(),
                ) {
                    let mut path = vec![root.clone()];
                    path.extend(groups.iter().cloned());
                    path.push(name);
                    figures.insert(
                        path.join("::"),
                        Figure {
                            median,
                            min,
                            max,
                            runs,
                        },
                    );
                }
            }
            _ => {}
        }
    }
    figures
}

/// The hand-rolled benches' lines: `NAME median V UNIT min V UNIT max V UNIT runs N`.
fn parse_figure_lines(output: &str) -> BTreeMap<String, Figure> {
    let mut figures = BTreeMap::new();
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [name, "median", mv, mu, "min", lv, lu, "max", hv, hu, "runs", n] = words[..] else {
            continue;
        };
        if let (Some(median), Some(min), Some(max), Ok(runs)) = (
            parse_duration(mv, mu),
            parse_duration(lv, lu),
            parse_duration(hv, hu),
            n.parse(),
        ) {
            figures.insert(
                name.to_string(),
                Figure {
                    median,
                    min,
                    max,
                    runs,
                },
            );
        }
    }
    figures
}

/// The instruction total of a callgrind output file (its `totals:` line, else `summary:`).
fn parse_callgrind_total(text: &str) -> Option<u64> {
    let find = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    };
    find("totals:").or_else(|| find("summary:"))
}

/// The value of `"key":"..."` in one line of cargo's JSON messages (cargo escapes no character
/// that a path of this tree holds, so the first closing quote ends it).
fn json_string<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

/// A `mode=bench` line: `bench: NAME round=R tsc=T part=T ...` -> (NAME, [(part, ticks)]), with
/// `tsc` as the whole and round and extents left out.
fn parse_bench_line(line: &str) -> Option<(String, Vec<(String, u64)>)> {
    let rest = line.strip_prefix("bench: ")?;
    let mut words = rest.split_whitespace();
    let name = words.next()?;
    let mut parts = Vec::new();
    for word in words {
        let (key, value) = word.split_once('=')?;
        if key == "round" || key == "extents" {
            continue;
        }
        parts.push((key.to_string(), value.parse().ok()?));
    }
    if parts.is_empty() {
        return None;
    }
    Some((name.to_string(), parts))
}

// ---- Host benchmarks ----

/// `cargo bench` of the crates with benches, only their bench targets.
fn cargo_bench() -> Command {
    let mut command = cargo();
    command.args([
        "bench",
        "--quiet",
        "-p",
        "xen-mm",
        "-p",
        "hypercall",
        "--benches",
    ]);
    command
}

/// Runs the host benches (divan and hand-rolled); their figures by name.
fn host_benches() -> Result<BTreeMap<String, Figure>, String> {
    println!("x bench: host benchmarks (cargo bench -p xen-mm -p hypercall)");
    let output = cargo_bench()
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    if !output.status.success() {
        return Err(format!("cargo bench failed ({})", output.status));
    }
    let mut figures = parse_divan(&text);
    figures.extend(parse_figure_lines(&text));
    Ok(figures)
}

/// The bench executables cargo built, by target name.
fn bench_executables() -> Result<BTreeMap<String, PathBuf>, String> {
    let output = cargo_bench()
        .args(["--no-run", "--message-format=json"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo bench --no-run: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut found = BTreeMap::new();
    for line in text.lines() {
        if let (Some(name), Some(exe)) =
            (json_string(line, "name"), json_string(line, "executable"))
        {
            found.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    Ok(found)
}

/// A host figure and its partner: bench names as [`parse_divan`] and [`parse_figure_lines`] key
/// them.
struct Pair {
    what: &'static str,
    ours: &'static str,
    against_what: &'static str,
    against: &'static str,
    judge: Judge,
    /// Why the partner is the right one, or what the figure includes.
    note: &'static str,
    /// Items one iteration does (the p2m benches look up 65536 gfns), shown per item.
    items: u32,
    /// For callgrind: K, the iterations added to the single one (None: not counted; the
    /// hand-rolled benches are not divan's, and some take too long under valgrind).
    callgrind: Option<u32>,
}

/// gfns per p2m lookup iteration (xen-mm/benches/p2m.rs `FRAMES`).
const LOOKUPS: u32 = 1 << 16;

/// The host figures, each next to its partner.
const PAIRS: &[Pair] = &[
    Pair {
        what: "claim stake+cancel, 10,000 domains",
        ours: "heap_ops::claim_stake_and_cancel::10000",
        against_what: "1 domain",
        against: "heap_ops::claim_stake_and_cancel::1",
        judge: Judge::Flat,
        note: "a claim is O(1)",
        items: 1,
        callgrind: Some(1000),
    },
    Pair {
        what: "buddy allocate+free, 2 MiB",
        ours: "heap_ops::buddy_alloc_and_free::9",
        against_what: "4 KiB",
        against: "heap_ops::buddy_alloc_and_free::0",
        judge: Judge::Plain,
        note: "",
        items: 1,
        callgrind: Some(1000),
    },
    Pair {
        what: "buddy allocate+free, 1 GiB",
        ours: "heap_ops::buddy_alloc_and_free::18",
        against_what: "4 KiB",
        against: "heap_ops::buddy_alloc_and_free::0",
        judge: Judge::Plain,
        note: "grows with the block: each frame's state is set on the way out and back",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "populate 1 GiB, 4 KiB frames",
        ours: "populate/4KiB-frames-1GiB",
        against_what: "memset 1 GiB",
        against: "populate/memset-1GiB",
        judge: Judge::Floor,
        note: "the scrub that zeroes every frame is the floor; alternating rounds",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "populate 1 GiB, 2 MiB frames",
        ours: "populate/2MiB-frames-1GiB",
        against_what: "memset 1 GiB",
        against: "populate/memset-1GiB",
        judge: Judge::Floor,
        note: "alternating rounds",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "p2m lookup, 4 KiB mappings, random (per lookup)",
        ours: "p2m::lookup::4k-random",
        against_what: "flat array lookup",
        against: "p2m::flat_array_lookup::random",
        judge: Judge::Floor,
        note: "a four-level walk under the p2m lock against one load",
        items: LOOKUPS,
        callgrind: Some(3),
    },
    Pair {
        what: "p2m lookup, 4 KiB mappings, sequential (per lookup)",
        ours: "p2m::lookup::4k-sequential",
        against_what: "flat array lookup",
        against: "p2m::flat_array_lookup::sequential",
        judge: Judge::Floor,
        note: "",
        items: LOOKUPS,
        callgrind: None,
    },
    Pair {
        what: "p2m lookup, 2 MiB mappings, random (per lookup)",
        ours: "p2m::lookup::2m-random",
        against_what: "flat array lookup",
        against: "p2m::flat_array_lookup::random",
        judge: Judge::Floor,
        note: "",
        items: LOOKUPS,
        callgrind: Some(3),
    },
    Pair {
        what: "p2m lock-free lookup, 4 KiB mappings, random (per lookup)",
        ours: "p2m::lookup_unlocked::4k-random",
        against_what: "flat array lookup",
        against: "p2m::flat_array_lookup::random",
        judge: Judge::Floor,
        note: "",
        items: LOOKUPS,
        callgrind: Some(3),
    },
    Pair {
        what: "p2m lock-free lookup, 2 MiB mappings, random (per lookup)",
        ours: "p2m::lookup_unlocked::2m-random",
        against_what: "flat array lookup",
        against: "p2m::flat_array_lookup::random",
        judge: Judge::Floor,
        note: "",
        items: LOOKUPS,
        callgrind: None,
    },
    Pair {
        what: "start+end global log-dirty, 4 GiB p2m",
        ours: "p2m::start_global_change::4096",
        against_what: "16 MiB p2m",
        against: "p2m::start_global_change::16",
        judge: Judge::Flat,
        note: "only the root's entries are marked",
        items: 1,
        callgrind: Some(100),
    },
    Pair {
        what: "resolve a pending type change over 1 GiB, 4 KiB mappings",
        ours: "p2m::resolve_one_gib::4k",
        against_what: "2 MiB mappings",
        against: "p2m::resolve_one_gib::2m",
        judge: Judge::Plain,
        note: "512 times the entries",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "PoD demand fault, 4 KiB",
        ours: "pod/fault-4KiB",
        against_what: "zeroing 4 KiB",
        against: "pod/zero-4KiB",
        judge: Judge::Floor,
        note: "cache frames were zeroed when they entered the cache",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "PoD demand fault, 2 MiB",
        ours: "pod/fault-2MiB",
        against_what: "zeroing 2 MiB",
        against: "pod/zero-2MiB",
        judge: Judge::Floor,
        note: "cache frames were zeroed when they entered the cache",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "filling a 128 MiB PoD cache",
        ours: "pod/fill-128MiB-cache",
        against_what: "zeroing 128 MiB",
        against: "pod/zero-128MiB",
        judge: Judge::Floor,
        note: "frames are zeroed as they enter the cache",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "PoD touch served by reclaiming a zero page",
        ours: "pod/reclaim-per-touch",
        against_what: "PoD demand fault, 4 KiB",
        against: "pod/fault-4KiB",
        judge: Judge::Plain,
        note: "the sweep scans for zero pages first",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "4 GiB PoD guest, 1 GiB target, every page touched",
        ours: "pod/4GiB-guest-1GiB-target",
        against_what: "populating 1 GiB, 2 MiB frames",
        against: "populate/2MiB-frames-1GiB",
        judge: Judge::Plain,
        note: "one run",
        items: 1,
        callgrind: None,
    },
    Pair {
        what: "xen_version(XENVER_version) through the dispatcher",
        ours: "dispatch::through_dispatcher::xen_version",
        against_what: "do_xen_version called directly",
        against: "dispatch::handler_direct::xen_version",
        judge: Judge::Floor,
        note: "the difference is the dispatcher's overhead",
        items: 1,
        callgrind: Some(1000),
    },
    Pair {
        what: "memory_op(XENMEM_current_reservation) through the dispatcher",
        ours: "dispatch::through_dispatcher::memory_op_current_reservation",
        against_what: "do_memory_op called directly",
        against: "dispatch::handler_direct::memory_op_current_reservation",
        judge: Judge::Floor,
        note: "the difference is the dispatcher's overhead",
        items: 1,
        callgrind: Some(1000),
    },
    Pair {
        what: "do_memory_op(XENMEM_current_reservation) directly",
        ours: "dispatch::handler_direct::memory_op_current_reservation",
        against_what: "reading tot_pages",
        against: "dispatch::answer_only::memory_op_current_reservation",
        judge: Judge::Floor,
        note: "copying the domid in, the domain lookup and the XSM check",
        items: 1,
        callgrind: Some(1000),
    },
];

/// Instructions per iteration of divan benchmark `path` (`binary::...`): callgrind with 1 and
/// with 1 + `extra` iterations in one sample.
fn callgrind_per_iteration(
    executables: &BTreeMap<String, PathBuf>,
    path: &str,
    extra: u32,
) -> Result<f64, String> {
    let binary = path.split("::").next().unwrap_or("");
    let exe = executables
        .get(binary)
        .ok_or_else(|| format!("no bench executable `{binary}`"))?;
    let dir = root().join(OUT_DIR).join("callgrind");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut totals = [0u64; 2];
    for (total, iterations) in totals.iter_mut().zip([1, 1 + extra]) {
        let file = dir.join(format!("{}.{iterations}.out", path.replace("::", ".")));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", file.display()))
            .arg(exe)
            .args([
                "--bench",
                "--exact",
                path,
                "--sample-count",
                "1",
                "--sample-size",
            ])
            .arg(iterations.to_string())
            .output()
            .map_err(|e| format!("cannot run valgrind (Debian package valgrind): {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "callgrind of {path} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        *total = parse_callgrind_total(&text)
            .ok_or_else(|| format!("{}: no totals line", file.display()))?;
    }
    Ok((totals[1] as f64 - totals[0] as f64) / f64::from(extra))
}

/// The callgrind rows: the pairs that say how many iterations to add.
fn callgrind_rows() -> Result<Vec<Row>, String> {
    println!("x bench: instruction counts (valgrind --tool=callgrind)");
    let executables = bench_executables()?;
    let mut rows = Vec::new();
    for pair in PAIRS {
        let Some(extra) = pair.callgrind else {
            continue;
        };
        let count = |path| {
            callgrind_per_iteration(&executables, path, extra)
                .map(|n| Figure::exact(n / f64::from(pair.items)))
        };
        let ours = count(pair.ours)?;
        let against = count(pair.against)?;
        println!(
            "  {}: {} against {}",
            pair.what,
            format_count(ours.median),
            format_count(against.median)
        );
        rows.push(Row {
            what: pair.what.into(),
            ours: Some(ours),
            against_what: pair.against_what.into(),
            against: Some(against),
            judge: pair.judge,
            unit: Unit::Instructions,
            note: "",
        });
    }
    Ok(rows)
}

/// The host rows, from the benches' figures.
fn host_rows(figures: &BTreeMap<String, Figure>) -> Vec<Row> {
    PAIRS
        .iter()
        .map(|pair| {
            let get = |name| figures.get(name).map(|f| f.divided(f64::from(pair.items)));
            Row {
                what: pair.what.into(),
                ours: get(pair.ours),
                against_what: pair.against_what.into(),
                against: get(pair.against),
                judge: pair.judge,
                unit: Unit::Seconds,
                note: pair.note,
            }
        })
        .collect()
}

// ---- QEMU ----

/// A console line and when it arrived, counted from QEMU's start.
struct TimedLine {
    at: Duration,
    text: String,
}

/// Runs `command` (QEMU, its serial console on stdout) until `done` accepts a line, QEMU exits
/// or `timeout` passes; QEMU is stopped then. Returns the lines with their arrival times and
/// whether `done` was met.
fn run_timed(
    mut command: Command,
    timeout: Duration,
    done: impl Fn(&str) -> bool,
) -> Result<(Vec<TimedLine>, bool), String> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start qemu-system-x86_64 (package qemu-system-x86): {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (send, receive) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut stdout = BufReader::new(stdout);
        let mut line = Vec::new();
        while let Ok(1..) = stdout.read_until(b'\n', &mut line) {
            let at = started.elapsed();
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if send.send(TimedLine { at, text }).is_err() {
                break;
            }
            line.clear();
        }
    });
    let mut lines = Vec::new();
    let mut met = false;
    while let Some(left) = timeout.checked_sub(started.elapsed()) {
        match receive.recv_timeout(left) {
            Ok(line) => {
                met = done(&line.text);
                lines.push(line);
                if met {
                    break;
                }
            }
            // QEMU closed its console (it exited), or the time is up.
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    Ok((lines, met))
}

/// The guest's part of a console line.
fn guest_text(line: &str) -> Option<&str> {
    line.split_once(GUEST_PREFIX).map(|(_, rest)| rest)
}

/// The two hypervisors, as QEMU boots them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hypervisor {
    XenRs,
    Xen,
}

/// The QEMU command booting `iso` for `hv`: xen-rs as `./x run` boots it, Xen with the CPU
/// xen_ref.rs gives it.
fn qemu_command(hv: Hypervisor, iso: &Path, prealloc: bool) -> Command {
    let mut command = QemuRun {
        iso: iso.to_path_buf(),
        memory: QEMU_MEMORY.into(),
        timeout_secs: BOOT_TIMEOUT.as_secs(),
        echo: false,
    }
    .command();
    if hv == Hypervisor::Xen {
        command.args(["-cpu", xen_ref::QEMU_CPU]);
    }
    if prealloc {
        // The host backs the guest's RAM before the start, so a first touch of it does not
        // pay the host's page faults (Xen's boot scrub would otherwise have paid them).
        command.arg("-mem-prealloc");
    }
    command
}

/// The ISO for `hv` with the guest as dom0 (`cmdline`), and for `mode=bench` the guest again as
/// its domU's kernel.
fn iso_for(
    hv: Hypervisor,
    guest: &Path,
    cmdline: &str,
    with_domu: bool,
) -> Result<PathBuf, String> {
    let mut modules = vec![GrubModule {
        path: guest.to_path_buf(),
        args: cmdline.into(),
    }];
    if with_domu {
        modules.push(GrubModule {
            path: guest.to_path_buf(),
            args: String::new(),
        });
    }
    let (image, hv_cmdline, name) = match hv {
        Hypervisor::XenRs => (image::build()?, XEN_RS_CMDLINE.to_string(), "xen-rs"),
        Hypervisor::Xen => (
            xen_ref::hypervisor()?,
            format!("{} dom0_mem=256M", xen_ref::XEN_CMDLINE),
            "xen",
        ),
    };
    let mode = cmdline
        .split_whitespace()
        .next()
        .unwrap_or("")
        .replace('=', "-");
    let entry = GrubEntry {
        cmdline: hv_cmdline,
        modules,
    };
    grub::make_iso(
        &image,
        &entry,
        &root().join(OUT_DIR).join(format!("{name}-{mode}")),
    )
}

/// Wall time from QEMU's start to the conformance guest's first `CASE` line, `runs` times for
/// each hypervisor, alternately.
fn boot_to_first_case(guest: &Path, runs: usize) -> Result<[Vec<f64>; 2], String> {
    println!(
        "x bench: boot to the first conformance CASE, xen-rs and Xen 4.17 alternately, \
         {runs} runs each"
    );
    let hvs = [Hypervisor::XenRs, Hypervisor::Xen];
    let isos = hvs
        .map(|hv| iso_for(hv, guest, "mode=conformance", false))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut samples = [Vec::new(), Vec::new()];
    for run in 1..=runs {
        for (i, hv) in hvs.into_iter().enumerate() {
            let (lines, met) = run_timed(qemu_command(hv, &isos[i], false), BOOT_TIMEOUT, |l| {
                guest_text(l).is_some_and(|t| t.starts_with("CASE "))
            })?;
            let Some(last) = lines.last().filter(|_| met) else {
                return Err(format!("{hv:?} printed no CASE line (run {run})"));
            };
            println!(
                "  run {run}: {hv:?} {}",
                format_seconds(last.at.as_secs_f64())
            );
            samples[i].push(last.at.as_secs_f64());
        }
    }
    Ok(samples)
}

/// `mode=bench` under each hypervisor, `runs` boots each, alternately: TSC ticks by figure name.
fn guest_bench(guest: &Path, runs: usize) -> Result<[BTreeMap<String, Vec<f64>>; 2], String> {
    println!(
        "x bench: mode=bench (512 MiB domU, 4 KiB against 2 MiB extents), xen-rs and Xen 4.17 \
         alternately, {runs} boots each"
    );
    let hvs = [Hypervisor::XenRs, Hypervisor::Xen];
    let cmdline = format!("mode=bench rounds={GUEST_ROUNDS}");
    let isos = hvs
        .map(|hv| iso_for(hv, guest, &cmdline, true))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut ticks = [BTreeMap::new(), BTreeMap::new()];
    for run in 1..=runs {
        for (i, hv) in hvs.into_iter().enumerate() {
            let (lines, met) = run_timed(qemu_command(hv, &isos[i], true), BOOT_TIMEOUT, |l| {
                guest_text(l).is_some_and(|t| t == "bench: done" || t.contains(" failed"))
                    || l.contains("Hardware Dom0 ")
                    || l.contains("Panic on CPU")
            })?;
            let guest_lines: Vec<&str> = lines.iter().filter_map(|l| guest_text(&l.text)).collect();
            if !met || !guest_lines.contains(&"bench: done") {
                let console: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
                eprintln!("{}", console.join("\n"));
                return Err(format!(
                    "mode=bench under {hv:?} did not finish (boot {run})"
                ));
            }
            for (name, parts) in guest_lines.iter().filter_map(|l| parse_bench_line(l)) {
                for (part, value) in parts {
                    let key = if part == "tsc" {
                        name.clone()
                    } else {
                        format!("{name}/{part}")
                    };
                    ticks[i]
                        .entry(key)
                        .or_insert_with(Vec::new)
                        .push(value as f64);
                }
            }
            // The whole boot's wall time, a check on the TSC figures.
            let wall = lines.last().map_or(0.0, |l| l.at.as_secs_f64());
            ticks[i]
                .entry(WALL.to_string())
                .or_insert_with(Vec::new)
                .push(wall);
            println!("  boot {run}: {hv:?} done after {}", format_seconds(wall));
        }
    }
    Ok(ticks)
}

/// The key of the bench boots' wall times (seconds, not ticks) among the guest's figures.
const WALL: &str = "wall";

/// The host's TSC rate in Hz, as Linux reports it (`cpu MHz` of /proc/cpuinfo: the TSC rate on a
/// machine without frequency scaling, such as a VM); QEMU's TCG reads the host's TSC for the
/// guest's RDTSC.
fn host_tsc_hz() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let mhz: f64 = text
        .lines()
        .find(|l| l.starts_with("cpu MHz"))?
        .split(':')
        .nth(1)?
        .trim()
        .parse()
        .ok()?;
    Some(mhz * 1e6)
}

/// The QEMU rows: xen-rs against Xen for each figure, then 4 KiB against 2 MiB per hypervisor.
fn qemu_rows(
    boot: &[Vec<f64>; 2],
    ticks: &[BTreeMap<String, Vec<f64>>; 2],
    tsc_hz: f64,
) -> Vec<Row> {
    let seconds = |i: usize, name: &str| {
        let per_second = if name == WALL { 1.0 } else { tsc_hz };
        let samples: Vec<f64> = ticks[i].get(name)?.iter().map(|t| t / per_second).collect();
        Figure::from_samples(&samples)
    };
    let versus_xen = |what: &str, name: &str, note| Row {
        what: what.into(),
        ours: seconds(0, name),
        against_what: "Xen 4.17".into(),
        against: seconds(1, name),
        judge: Judge::Xen,
        unit: Unit::Seconds,
        note,
    };
    let mut rows = vec![
        Row {
            what: "boot to the conformance guest's first CASE (wall time from QEMU's start)".into(),
            ours: Figure::from_samples(&boot[0]),
            against_what: "Xen 4.17".into(),
            against: Figure::from_samples(&boot[1]),
            judge: Judge::Xen,
            unit: Unit::Seconds,
            note: "includes QEMU's firmware and GRUB, the same for both",
        },
        versus_xen(
            "build a 512 MiB PVH domU with the toolstack (create, claim, populate, load; paused)",
            "build-512MiB",
            "",
        ),
        versus_xen(
            "… of which populate (claim to the last extent)",
            "build-512MiB/populate",
            "",
        ),
        versus_xen(
            "destroying it",
            "build-512MiB/destroy",
            "not like for like: xen-rs hands the frames back unscrubbed and zeroes them when \
             they are next allocated (inside the populate figures above)",
        ),
        versus_xen(
            "populate_physmap 256 MiB, 4 KiB extents",
            "populate-256MiB-order0",
            "",
        ),
        versus_xen(
            "populate_physmap 256 MiB, 2 MiB extents",
            "populate-256MiB-order9",
            "",
        ),
        versus_xen(
            "the whole `mode=bench` boot (wall time from QEMU's start to `bench: done`)",
            WALL,
            "measured on the host: a check on the TSC figures above",
        ),
    ];
    for (i, name) in ["xen-rs", "Xen 4.17"].into_iter().enumerate() {
        rows.push(Row {
            what: format!("{name}: populate 256 MiB, 4 KiB extents"),
            ours: seconds(i, "populate-256MiB-order0"),
            against_what: "2 MiB extents".into(),
            against: seconds(i, "populate-256MiB-order9"),
            judge: Judge::Plain,
            unit: Unit::Seconds,
            note: "",
        });
    }
    rows
}

// ---- The command ----

/// `./x bench`.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut runs = 5usize;
    let (mut qemu, mut callgrind) = (true, true);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--runs" => {
                runs = rest
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("--runs takes a count\n{USAGE}"))?
            }
            "--no-qemu" => qemu = false,
            "--no-callgrind" => callgrind = false,
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut note_failure = |what: &str, e: String| {
        eprintln!("x bench: {what} failed: {e}");
        failures.push(format!("{what}: {e}"));
    };

    let host = host_benches().unwrap_or_else(|e| {
        note_failure("host benchmarks", e);
        BTreeMap::new()
    });
    let callgrind_rows = if callgrind {
        callgrind_rows().unwrap_or_else(|e| {
            note_failure("callgrind", e);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let tsc_hz = host_tsc_hz();
    let qemu_rows = if qemu {
        let measured = guest::build().and_then(|guest| {
            let boot = boot_to_first_case(&guest, runs)?;
            let ticks = guest_bench(&guest, runs)?;
            Ok((boot, ticks))
        });
        match (measured, tsc_hz) {
            (Ok((boot, ticks)), Some(hz)) => qemu_rows(&boot, &ticks, hz),
            (Ok(_), None) => {
                note_failure(
                    "QEMU",
                    "no `cpu MHz` in /proc/cpuinfo for the TSC rate".into(),
                );
                Vec::new()
            }
            (Err(e), _) => {
                note_failure("QEMU", e);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    let report = render(&Report {
        host: host_rows(&host),
        callgrind: callgrind_rows,
        qemu: qemu_rows,
        tsc_hz,
        elapsed: started.elapsed(),
        runs,
        failures: &failures,
    });
    let path = root().join(OUT_DIR).join("REPORT.md");
    std::fs::create_dir_all(root().join(OUT_DIR)).map_err(|e| format!("{OUT_DIR}: {e}"))?;
    std::fs::write(&path, report).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "x bench: wrote {} after {}",
        path.display(),
        format_seconds(started.elapsed().as_secs_f64())
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} part(s) failed: {}",
            failures.len(),
            failures.join("; ")
        ))
    }
}

/// Everything the report shows.
struct Report<'a> {
    host: Vec<Row>,
    callgrind: Vec<Row>,
    qemu: Vec<Row>,
    tsc_hz: Option<f64>,
    elapsed: Duration,
    runs: usize,
    failures: &'a [String],
}

/// The first line of a command's output, or `unknown`.
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// HEAD's short hash, and whether the tree measured had changes on top of it.
fn commit() -> String {
    let head = command_line("git", &["rev-parse", "--short", "HEAD"]);
    let changed = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(root())
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if changed {
        format!("{head} with uncommitted changes")
    } else {
        head
    }
}

/// REPORT.md.
fn render(report: &Report) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mut out = String::new();
    let _ = writeln!(out, "# xen-rs benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `./x bench` on {} (commit {}), {cpu}, {cpus} CPUs; the whole run took {}.\n",
        command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        commit(),
        format_seconds(report.elapsed.as_secs_f64())
    );
    out.push_str(
        "How to read it: each row is one figure for xen-rs next to what it is compared with: Xen \
         4.17 doing the same in the same QEMU, or the physical floor (a memset of the same memory, \
         a lookup in a flat array, the answer read without the hypercall layer), or a smaller case \
         of the same operation that should cost the same. Times are medians with the fastest and \
         slowest run in brackets; the ratio is ours over theirs, of the medians. The verdict says \
         **slower than Xen** above 1.10×, **far from the floor** above 3×, \
         at the floor within 10%, and **grows** where a \
         figure that should stay flat rises by more than 25%. Nothing here is tuned for the \
         benchmark.\n\n",
    );
    if !report.failures.is_empty() {
        out.push_str("**Not everything was measured:**\n\n");
        for failure in report.failures {
            let _ = writeln!(out, "- {failure}");
        }
        out.push('\n');
    }

    out.push_str("## Whole system: xen-rs against Xen 4.17 in QEMU\n\n");
    if report.qemu.is_empty() {
        out.push_str("Not run (`--no-qemu`, or it failed).\n\n");
    } else {
        let _ = writeln!(
            out,
            "QEMU 7.2 with TCG (software emulation), 1 vCPU, {QEMU_MEMORY} of RAM; both \
             hypervisors booted from GRUB ISOs, alternately, {} boots each, dom0 with 256 MiB. \
             The boot is wall time from QEMU's start to the first `CASE` line of `mode=conformance` on the serial \
             console (read as it arrives). The rest is measured inside dom0 (the test guest's \
             `mode=bench`, tests/guest/src/bench.rs) with RDTSC, {GUEST_ROUNDS} rounds per boot, \
             QEMU started with `-mem-prealloc`; ticks are turned into time at the host's TSC rate \
             ({} MHz, /proc/cpuinfo), which TCG's RDTSC follows. Under TCG every guest instruction \
             is emulated, so absolute times are far above real hardware, and an instruction's \
             cost is not its cost on hardware (a TLB flush, for one, empties QEMU's software \
             TLB): a large gap says where to look, not how large it is on a real machine.\n",
            report.runs,
            report.tsc_hz.map_or("?".into(), |hz| format!("{:.0}", hz / 1e6))
        );
        table(&mut out, "xen-rs", &report.qemu);
        out.push('\n');
    }

    out.push_str("## Host: the memory-management core and the dispatcher\n\n");
    out.push_str(
        "`cargo bench -p xen-mm -p hypercall`: divan for heap_ops, p2m and dispatch (100 samples \
         each: median, fastest and slowest sample); xen-mm's populate and pod benches alternate \
         each measurement with its floor in one loop (median and range over the rounds). Frames \
         live in xen-mm's arena of atomic words, the floor in plain memory.\n\n",
    );
    table(&mut out, "xen-rs", &report.host);
    out.push('\n');

    out.push_str("## Instruction counts (callgrind)\n\n");
    if report.callgrind.is_empty() {
        out.push_str("Not run (`--no-callgrind`, or it failed).\n");
    } else {
        out.push_str(
            "`valgrind --tool=callgrind` over one divan benchmark at a time, with 1 and with 1 + K \
             iterations in one sample: the difference over K is the count per iteration (per \
             lookup for the p2m), without setup or harness. These repeat exactly from run to run, \
             so they show a change in the code where the times above are noisy.\n\n",
        );
        table(&mut out, "instructions", &report.callgrind);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let f = Figure::from_samples(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        // The upper median of an even count, as the benches' own `median`.
        assert_eq!(f.median, 3.0);
        assert_eq!((f.min, f.max, f.runs), (1.0, 10.0, 4));
        assert_eq!(Figure::from_samples(&[]), None);
        assert_eq!(Figure::from_samples(&[2.0]).unwrap().median, 2.0);
        assert_eq!(f.divided(2.0).median, 1.5);
    }

    #[test]
    fn times_counts_and_ratios_are_formatted() {
        assert_eq!(format_seconds(2.3149), "2.31 s");
        assert_eq!(format_seconds(0.041887), "41.9 ms");
        assert_eq!(format_seconds(1.742e-6), "1.74 µs");
        assert_eq!(format_seconds(329.6e-9), "330 ns");
        assert_eq!(format_count(93_710_417.0), "93,710,417");
        assert_eq!(format_count(127.4), "127");
        assert_eq!(format_count(-1234.0), "-1,234");
        let f = Figure::from_samples(&[0.0382, 0.0419, 0.0438]).unwrap();
        assert_eq!(
            format_figure(&f, Unit::Seconds),
            "41.9 ms (38.2 ms–43.8 ms, 3 runs)"
        );
        assert_eq!(
            format_figure(&Figure::exact(1e3), Unit::Instructions),
            "1,000"
        );
        let half = Figure::exact(0.5);
        assert_eq!(format_ratio(&Figure::exact(1.22), &half), "2.44×");
        assert_eq!(format_factor(2562.01), "2562");
        assert_eq!(format_factor(23.62), "23.6");
        assert_eq!(format_factor(0.0532), "0.053");
        assert_eq!(format_factor(0.00254), "0.0025");
    }

    #[test]
    fn verdicts_say_where_xen_rs_loses() {
        assert_eq!(verdict(Judge::Xen, 1.5), "**slower than Xen** (1.50×)");
        assert_eq!(verdict(Judge::Xen, 1.05), "on par with Xen");
        assert_eq!(
            verdict(Judge::Xen, 0.5),
            "faster than Xen (2.00× less time)"
        );
        assert_eq!(
            verdict(Judge::Xen, 0.0025),
            "faster than Xen (400× less time)"
        );
        assert_eq!(
            verdict(Judge::Floor, 20.0),
            "**far from the floor** (20.0×)"
        );
        assert_eq!(verdict(Judge::Floor, 2.44), "2.44× the floor");
        assert_eq!(verdict(Judge::Floor, 1.2), "1.20× the floor");
        assert_eq!(verdict(Judge::Floor, 1.05), "at the floor");
        assert!(verdict(Judge::Floor, 0.3).starts_with("below"));
        assert_eq!(verdict(Judge::Flat, 1.01), "flat");
        assert_eq!(verdict(Judge::Flat, 2.0), "**grows** (2.00×)");
        assert_eq!(verdict(Judge::Plain, 9.0), "");
    }

    #[test]
    fn divan_tables_are_read_with_their_paths() {
        // As divan 0.1.21 prints them (throughput lines under the rows with a counter).
        let out = "\
Timer precision: 20 ns
heap_ops                   fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ buddy_alloc_and_free                  │               │               │               │         │
│  ├─ 0                    289.6 ns      │ 2.293 µs      │ 329.6 ns      │ 359.6 ns      │ 100     │ 100
│  ╰─ 18                   712.6 µs      │ 872.7 µs      │ 718.1 µs      │ 736.3 µs      │ 100     │ 100
╰─ claim_stake_and_cancel                │               │               │               │         │
   ╰─ 10000                40.49 ns      │ 40.96 ns      │ 40.79 ns      │ 40.76 ns      │ 100     │ 6400
p2m                     fastest       │ slowest       │ median        │ mean          │ samples │ iters
├─ flat_array_lookup                  │               │               │               │         │
│  ╰─ sequential        58.58 µs      │ 100.6 µs      │ 58.7 µs       │ 59.96 µs      │ 100     │ 100
│                       1.118 Gitem/s │ 651.2 Mitem/s │ 1.116 Gitem/s │ 1.092 Gitem/s │         │
╰─ start_global_change                │               │               │               │         │
   ╰─ 16                2.162 ms      │ 2.412 ms      │ 2.172 ms      │ 2.175 ms      │ 100     │ 100
";
        let f = parse_divan(out);
        assert_eq!(f.len(), 5, "{f:?}");
        let b = f["heap_ops::buddy_alloc_and_free::0"];
        assert!((b.median - 329.6e-9).abs() < 1e-15);
        assert!((b.min - 289.6e-9).abs() < 1e-15 && (b.max - 2.293e-6).abs() < 1e-15);
        assert_eq!(b.runs, 100);
        assert!(f.contains_key("heap_ops::buddy_alloc_and_free::18"));
        assert!(f.contains_key("heap_ops::claim_stake_and_cancel::10000"));
        assert!((f["p2m::flat_array_lookup::sequential"].median - 58.7e-6).abs() < 1e-12);
        assert!((f["p2m::start_global_change::16"].median - 2.172e-3).abs() < 1e-12);
    }

    #[test]
    fn figure_lines_are_read() {
        let out = "populate 1 GiB, 7 alternating rounds:\n\
            \x20 populate/memset-1GiB          median 41.887 ms  min 38.154 ms  max 43.825 ms  runs 7\n\
            \x20 pod/fault-4KiB                median 314.149 ns  min 312.290 ns  max 316.534 ns  runs 5\n\
            \x20 ratio to memset: 4 KiB 2.44, 2 MiB 1.23\n";
        let f = parse_figure_lines(out);
        assert_eq!(f.len(), 2);
        let m = f["populate/memset-1GiB"];
        assert!((m.median - 0.041887).abs() < 1e-12 && (m.max - 0.043825).abs() < 1e-12);
        assert_eq!(m.runs, 7);
        assert!((f["pod/fault-4KiB"].min - 312.29e-9).abs() < 1e-15);
    }

    #[test]
    fn callgrind_totals_and_cargo_messages_are_read() {
        let cg = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 93710417\n\nfn=main\n1 2\ntotals: 93710417\n";
        assert_eq!(parse_callgrind_total(cg), Some(93_710_417));
        assert_eq!(parse_callgrind_total("summary: 12\n"), Some(12));
        assert_eq!(parse_callgrind_total("events: Ir\n"), None);
        let msg = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/xen-mm#0.1.0","target":{"kind":["bench"],"crate_types":["bin"],"name":"heap_ops","src_path":"/w/xen-mm/benches/heap_ops.rs"},"executable":"/w/target/release/deps/heap_ops-38a2","fresh":true}"#;
        assert_eq!(json_string(msg, "name"), Some("heap_ops"));
        assert_eq!(
            json_string(msg, "executable"),
            Some("/w/target/release/deps/heap_ops-38a2")
        );
        assert_eq!(json_string(msg, "missing"), None);
    }

    #[test]
    fn bench_lines_of_the_guest_are_read() {
        let (name, parts) = parse_bench_line(
            "bench: build-512MiB round=1 tsc=4484021204 populate=4426289010 destroy=14244880",
        )
        .unwrap();
        assert_eq!(name, "build-512MiB");
        assert_eq!(
            parts,
            [
                ("tsc".to_string(), 4_484_021_204),
                ("populate".to_string(), 4_426_289_010),
                ("destroy".to_string(), 14_244_880)
            ]
        );
        let (name, parts) =
            parse_bench_line("bench: populate-256MiB-order9 round=2 tsc=238616144 extents=128")
                .unwrap();
        assert_eq!(name, "populate-256MiB-order9");
        assert_eq!(parts, [("tsc".to_string(), 238_616_144)]);
        assert_eq!(parse_bench_line("bench: done"), None);
        assert_eq!(parse_bench_line("bench: round 1 failed: x"), None);
    }
}
