//! The checked-in C headers (`xen-public/include/`) are what the registry generates today, and
//! each compiles on its own as C99 with warnings as errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../examples/gen_headers.rs"]
#[allow(dead_code)]
mod gen_headers;

fn checked_in_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

/// Every file under `root`, by path relative to `root`.
fn read_tree(root: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &root.join(gen_headers::SUBDIR), &mut out);
    out
}

#[test]
fn checked_in_headers_are_current() {
    let tmp = std::env::temp_dir().join(format!("xen-public-headers-{}", std::process::id()));
    gen_headers::write_all(&tmp).unwrap();
    let fresh = read_tree(&tmp);
    let current = read_tree(&checked_in_dir());

    let mut problems = Vec::new();
    for (path, text) in &fresh {
        match current.get(path) {
            None => problems.push(format!("{} is missing", path.display())),
            Some(old) if old != text => problems.push(format!("{} is stale", path.display())),
            Some(_) => {}
        }
    }
    for path in current.keys() {
        if !fresh.contains_key(path) {
            problems.push(format!("{} is no longer generated", path.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        problems.is_empty(),
        "xen-public/include is out of date; run `./x headers`:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn each_header_compiles_alone() {
    let root = checked_in_dir();
    let headers = read_tree(&root);
    assert!(!headers.is_empty(), "no headers under {}", root.display());
    let mut failures = Vec::new();
    for path in headers.keys() {
        let out = Command::new("cc")
            .env("LC_ALL", "C")
            .args(["-std=c99", "-Wall", "-Werror", "-fsyntax-only", "-x", "c"])
            .arg(root.join(path))
            .output()
            .unwrap_or_else(|e| panic!("cannot run cc ({e}): run `./x test`, which installs it"));
        if !out.status.success() {
            failures.push(format!(
                "{}:\n{}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} headers fail to compile alone:\n{}",
        failures.len(),
        headers.len(),
        failures.join("\n")
    );
}
