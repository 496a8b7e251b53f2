//! `./x fuzz`: the libFuzzer targets, built and run on the stable toolchain: the hypercall
//! dispatcher (hypercall/fuzz, target `dispatch`), the xl.cfg parser (tools/xlcfg/fuzz,
//! target `parse`) and the bzImage parser and decoders (bzimage/fuzz, target `decompress`).
//!
//! cargo-fuzz's default build needs nightly (`-Zsanitizer=address`), and CI has only stable. So this
//! builds the target as `cargo fuzz build --sanitizer none` would: plain cargo with the
//! SanitizerCoverage flags cargo-fuzz passes (all stable `-C` options), `--cfg fuzzing`, release
//! with debug assertions (set in hypercall/fuzz's profile), and the host triple given explicitly so
//! build scripts and proc macros stay uninstrumented. libfuzzer-sys compiles libFuzzer itself with
//! the machine's C++ compiler. The layout is cargo-fuzz's, so `cargo fuzz run dispatch` still works
//! for whoever has cargo-fuzz.
//!
//! A run writes new inputs to target/fuzz/corpus/<target> (kept between local runs), reads the
//! checked-in seeds in <crate>/fuzz/seeds/<target>, and leaves a crashing input in
//! target/fuzz/artifacts/<target>/; a crash, a hang or a leak fails the command (the dispatcher's
//! target also checks the hypervisor's invariants and that destroying every domain gives every
//! frame back; the parser's that every error names a place in the input).

use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, root, run_command};

/// A fuzz target: its crate (relative to the root), its binary, and the longest input.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The fuzz crate.
    pub dir: &'static str,
    /// The `[[bin]]`.
    pub name: &'static str,
    /// libFuzzer's `-max_len`.
    pub max_len: usize,
}

/// The hypercall dispatcher: room for tens of hypercalls and their buffers.
pub const DISPATCH: Target = Target {
    dir: "hypercall/fuzz",
    name: "dispatch",
    max_len: 4096,
};

/// The xl.cfg parser: a configuration file of a few kilobytes.
pub const XLCFG: Target = Target {
    dir: "tools/xlcfg/fuzz",
    name: "parse",
    max_len: 4096,
};

/// The bzImage parser and the gzip, xz and zstd decoders: the seeds are 5 to 13 KiB.
pub const BZIMAGE: Target = Target {
    dir: "bzimage/fuzz",
    name: "decompress",
    max_len: 16384,
};

/// How long `./x fuzz` runs each target by default, and the `./x test` step the dispatcher.
pub const DEFAULT_SECONDS: u64 = 60;
/// A single input running this long is a hang (no input needs more than a fraction of a second).
const TIMEOUT_SECONDS: u64 = 20;

/// What cargo-fuzz passes to rustc for libFuzzer's coverage feedback (cargo-fuzz's project.rs);
/// the last one is added on Linux.
const SANCOV_RUSTFLAGS: [&str; 8] = [
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "--cfg",
    "fuzzing",
    "-Cllvm-args=-sanitizer-coverage-stack-depth",
];

/// `./x fuzz [--seconds N] [--target dispatch|parse|decompress]`.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = vec![DISPATCH, XLCFG, BZIMAGE];
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&s| s > 0)
                    .ok_or("--seconds takes a whole number of seconds above 0")?;
            }
            "--target" => {
                let name = rest.next().map(String::as_str);
                targets = vec![[DISPATCH, XLCFG, BZIMAGE]
                    .into_iter()
                    .find(|t| Some(t.name) == name)
                    .ok_or("--target takes dispatch, parse or decompress")?];
            }
            other => return Err(format!("unknown option `{other}` for fuzz")),
        }
    }
    targets.into_iter().try_for_each(|t| run(t, seconds))
}

/// Builds a fuzz target and runs it for `seconds`.
pub fn run(target: Target, seconds: u64) -> Result<(), String> {
    let binary = build(target)?;
    let corpus = root().join("target/fuzz/corpus").join(target.name);
    let artifacts = root().join("target/fuzz/artifacts").join(target.name);
    let seeds = root().join(target.dir).join("seeds").join(target.name);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut fuzzer = Command::new(&binary);
    fuzzer
        .current_dir(root())
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={TIMEOUT_SECONDS}"))
        .arg(format!("-max_len={}", target.max_len))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        // New inputs go to the first directory; the seeds are only read.
        .arg(&corpus);
    if seeds.is_dir() {
        fuzzer.arg(&seeds);
    }
    run_command(&mut fuzzer).map_err(|e| {
        format!(
            "{e}\nthe input that failed is in {}; replay it with `{} FILE`",
            artifacts.display(),
            binary.display()
        )
    })
}

/// Builds the target (see the module comment); returns the binary.
fn build(target: Target) -> Result<PathBuf, String> {
    let triple = host_triple()?;
    let target_dir = root().join("target/fuzz");
    let mut rustflags = SANCOV_RUSTFLAGS.join(" ");
    if let Ok(extra) = std::env::var("RUSTFLAGS") {
        // As cargo-fuzz does: the caller's flags come last.
        rustflags.push(' ');
        rustflags.push_str(&extra);
    }
    run_command(
        cargo()
            .current_dir(root().join(target.dir))
            .env("RUSTFLAGS", rustflags)
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["build", "--quiet", "--release", "--bin", target.name])
            .args(["--target", &triple]),
    )?;
    Ok(target_dir.join(triple).join("release").join(target.name))
}

/// The host's target triple, from `rustc -vV` (the toolchain file's rustc, as cargo's).
fn host_triple() -> Result<String, String> {
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .current_dir(root())
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| "rustc -vV names no host triple".to_string())
}
