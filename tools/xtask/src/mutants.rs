//! `./x mutants`: cargo-mutants over the portable crates. Each mutant is a small bug put into the
//! code (an operator swapped, a function body replaced by a default value); the crate's own tests
//! must fail for it ("caught"). A "missed" mutant is code whose behaviour no test checks: kill it
//! with a test, or mark the function `#[cfg_attr(test, mutants::skip)]` with a one-line reason
//! (an equivalent mutant, a debug-only check).
//!
//! The settings cargo-mutants reads live in `.cargo/mutants.toml` (timeouts, the `mutants`
//! profile); this command chooses the crates, files and shard, installs cargo-mutants when it is
//! missing, and adds up the outcome files of every crate into one summary line. Results go to
//! `target/mutants.out/<crate>[-shard-K-of-N]/mutants.out/` (`caught.txt`, `missed.txt`, ...,
//! and each mutant's log and diff).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, root, run_command};

/// The version `./x` installs (`cargo install --locked`), so every machine mutates alike.
const CARGO_MUTANTS_VERSION: &str = "27.1.0";

/// The portable crates (no unsafe, host and bare metal): package name and folder.
const PORTABLE_CRATES: [(&str, &str); 6] = [
    ("xen-public", "xen-public"),
    ("libelf", "libelf"),
    ("bzimage", "bzimage"),
    ("xen-mm", "xen-mm"),
    ("hypercall", "hypercall"),
    ("toolstack", "tools/toolstack"),
];

const USAGE: &str = "usage: ./x mutants [--crate C]... [--file F]... [--changed BASE] [--shard K/N] [--jobs N] [--iterate]";

#[derive(Debug, Default)]
struct Options {
    crates: Vec<String>,
    files: Vec<String>,
    changed: Option<String>,
    shard: Option<(u32, u32)>,
    jobs: Option<u32>,
    iterate: bool,
}

/// The outcome counts of one or more cargo-mutants runs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub caught: usize,
    pub missed: usize,
    pub unviable: usize,
    pub timeout: usize,
    /// With `--iterate`: mutants an earlier run caught or found unviable, not tested again.
    pub previously: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.caught += other.caught;
        self.missed += other.missed;
        self.unviable += other.unviable;
        self.timeout += other.timeout;
        self.previously += other.previously;
    }

    /// The summary line the issue tracker and the README quote.
    pub fn line(&self) -> String {
        let line = format!(
            "mutants: {} caught, {} missed, {} unviable, {} timeout",
            self.caught, self.missed, self.unviable, self.timeout
        );
        if self.previously == 0 {
            line
        } else {
            format!(
                "{line} ({} caught or unviable in earlier runs, not retested)",
                self.previously
            )
        }
    }
}

pub fn command(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    ensure_cargo_mutants()?;

    // Which files of which crates: every file of the named (or all portable) crates, or the given
    // files, or the files changed since BASE.
    let mut plan: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let named: Vec<(&'static str, &'static str)> = if options.crates.is_empty() {
        PORTABLE_CRATES.to_vec()
    } else {
        options
            .crates
            .iter()
            .map(|name| {
                PORTABLE_CRATES
                    .iter()
                    .copied()
                    .find(|(package, dir)| package == name || dir == name)
                    .ok_or_else(|| {
                        format!(
                            "`{name}` is not a portable crate (one of {})",
                            PORTABLE_CRATES.map(|(p, _)| p).join(", ")
                        )
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let mut files = options.files.clone();
    let mut diff = None;
    if let Some(base) = &options.changed {
        diff = Some(write_diff(base)?);
        let changed = changed_files(base)?;
        if changed.is_empty() {
            println!("mutants: no Rust file of a portable crate changed since {base}");
        }
        files.extend(changed);
        if files.is_empty() {
            println!("{}", Tally::default().line());
            return Ok(());
        }
    }
    if files.is_empty() {
        for (package, _) in &named {
            plan.insert(package, Vec::new());
        }
    } else {
        for file in files {
            let (package, _) = crate_of(&file)
                .ok_or_else(|| format!("{file} is not in a portable crate's src/"))?;
            if named.iter().any(|(p, _)| *p == package) {
                plan.entry(package).or_default().push(file);
            }
        }
    }

    let mut total = Tally::default();
    let mut missed = Vec::new();
    for (package, files) in &plan {
        let out = output_dir(package, options.shard);
        fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        println!("\n=== x mutants: {package} ===");
        let mut run = cargo();
        run.args(["mutants", "--package", package, "--output"])
            .arg(&out);
        for file in files {
            run.args(["--file", file]);
        }
        if let Some(diff) = &diff {
            run.arg("--in-diff").arg(diff);
        }
        if let Some((k, n)) = options.shard {
            run.arg("--shard").arg(format!("{k}/{n}"));
        }
        if let Some(jobs) = options.jobs {
            run.arg("--jobs").arg(jobs.to_string());
        }
        if options.iterate {
            run.arg("--iterate");
        }
        // cargo-mutants exits non-zero when a mutant is missed or times out; the outcome files
        // say which, so the status only matters when they were not written.
        let status = run
            .status()
            .map_err(|e| format!("cannot start cargo mutants: {e}"))?;
        let results = out.join("mutants.out");
        if !results.join("caught.txt").exists() {
            return Err(format!(
                "cargo mutants for {package} stopped before testing any mutant ({status}); see {}",
                results.join("debug.log").display()
            ));
        }
        let tally = read_tally(&results)?;
        println!("{package}: {}", tally.line());
        missed.extend(read_lines(&results.join("missed.txt"))?);
        total.add(tally);
    }

    println!();
    for name in &missed {
        println!("MISSED {name}");
    }
    println!("{}", total.line());
    if total.missed == 0 {
        Ok(())
    } else {
        Err(format!(
            "{} mutant(s) missed: kill each with a test or mark it skipped with a reason",
            total.missed
        ))
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--crate" => options.crates.push(value()?),
            "--file" => options.files.push(value()?),
            "--changed" => options.changed = Some(value()?),
            "--shard" => options.shard = Some(parse_shard(&value()?)?),
            "--jobs" => {
                options.jobs = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--jobs takes a whole number".to_string())?,
                )
            }
            "--iterate" => options.iterate = true,
            other => return Err(format!("unknown option `{other}` for mutants\n{USAGE}")),
        }
    }
    Ok(options)
}

/// `K/N` with 0 <= K < N, as cargo-mutants' `--shard` takes it.
fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--shard takes K/N with 0 <= K < N, not `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k < n {
        Ok((k, n))
    } else {
        Err(bad())
    }
}

/// The portable crate whose `src/` holds `file` (a path from the repository root).
fn crate_of(file: &str) -> Option<(&'static str, &'static str)> {
    let file = file.strip_prefix("./").unwrap_or(file);
    PORTABLE_CRATES
        .iter()
        .copied()
        .find(|(_, dir)| Path::new(file).starts_with(Path::new(dir).join("src")))
}

/// The Rust files of the portable crates' `src/` that differ between `base` and the work tree
/// (committed or not), and still exist.
fn changed_files(base: &str) -> Result<Vec<String>, String> {
    let names = git_diff_rust(base, &["--name-only"])?;
    Ok(String::from_utf8_lossy(&names)
        .lines()
        .filter(|file| crate_of(file).is_some() && root().join(file).exists())
        .map(str::to_string)
        .collect())
}

/// `git diff BASE` into a file for cargo-mutants' `--in-diff`, which keeps only the mutants on
/// changed lines: a change is judged by its own lines, not by the whole of every file it touched.
fn write_diff(base: &str) -> Result<PathBuf, String> {
    let diff = git_diff_rust(base, &[])?;
    let path = root().join("target/mutants.out/changed.diff");
    fs::create_dir_all(path.parent().expect("a folder"))
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    fs::write(&path, diff).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// `git diff [options] BASE -- *.rs`: what git prints.
fn git_diff_rust(base: &str, options: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .current_dir(root())
        .arg("diff")
        .args(options)
        .args([base, "--", "*.rs"])
        .output()
        .map_err(|e| format!("cannot start git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git diff {base} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}

fn output_dir(package: &str, shard: Option<(u32, u32)>) -> PathBuf {
    let name = match shard {
        Some((k, n)) => format!("{package}-shard-{k}-of-{n}"),
        None => package.to_string(),
    };
    root().join("target/mutants.out").join(name)
}

/// cargo-mutants writes one file per outcome, a mutant a line.
fn read_tally(results: &Path) -> Result<Tally, String> {
    let count = |name: &str| read_lines(&results.join(name)).map(|lines| lines.len());
    Ok(Tally {
        caught: count("caught.txt")?,
        missed: count("missed.txt")?,
        unviable: count("unviable.txt")?,
        timeout: count("timeout.txt")?,
        previously: count("previously_caught.txt")?,
    })
}

fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Installs cargo-mutants (`cargo install --locked`) unless this version is already there.
fn ensure_cargo_mutants() -> Result<(), String> {
    let installed = cargo()
        .args(["mutants", "--version"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
    if installed.is_some_and(|version| version.contains(CARGO_MUTANTS_VERSION)) {
        return Ok(());
    }
    eprintln!("x: installing cargo-mutants {CARGO_MUTANTS_VERSION}");
    run_command(cargo().args([
        "install",
        "--locked",
        &format!("cargo-mutants@{CARGO_MUTANTS_VERSION}"),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_k_of_n_with_k_below_n() {
        assert_eq!(parse_shard("0/4"), Ok((0, 4)));
        assert_eq!(parse_shard("3/4"), Ok((3, 4)));
        assert!(parse_shard("4/4").is_err());
        assert!(parse_shard("1").is_err());
        assert!(parse_shard("a/2").is_err());
    }

    #[test]
    fn files_belong_to_the_portable_crate_whose_src_holds_them() {
        assert_eq!(crate_of("xen-mm/src/heap.rs").map(|c| c.0), Some("xen-mm"));
        assert_eq!(
            crate_of("./tools/toolstack/src/builder.rs").map(|c| c.0),
            Some("toolstack")
        );
        // Tests, benches and other crates are not mutated.
        assert_eq!(crate_of("xen-mm/tests/claims.rs"), None);
        assert_eq!(crate_of("arch-x86/src/apic.rs"), None);
        assert_eq!(crate_of("xen-mm-other/src/lib.rs"), None);
    }

    #[test]
    fn the_summary_line_counts_each_outcome() {
        let mut tally = Tally {
            caught: 40,
            missed: 3,
            unviable: 2,
            timeout: 1,
            previously: 0,
        };
        tally.add(Tally {
            caught: 2,
            missed: 0,
            unviable: 1,
            timeout: 0,
            previously: 0,
        });
        assert_eq!(
            tally.line(),
            "mutants: 42 caught, 3 missed, 3 unviable, 1 timeout"
        );
        // After `--iterate`, what earlier runs settled is said apart.
        tally.add(Tally {
            previously: 245,
            ..Tally::default()
        });
        assert_eq!(
            tally.line(),
            "mutants: 42 caught, 3 missed, 3 unviable, 1 timeout (245 caught or unviable in earlier runs, not retested)"
        );
    }
}
