//! `./x licences`: every package in the dependency graph (`cargo metadata`, all targets and
//! platforms, build and dev dependencies included) is under a licence the project may combine
//! with its own GPL-2.0-only code. What cargo-deny's `check licenses` does, without installing it:
//! the SPDX expression of each package is evaluated against [`ALLOWED`].

use std::path::Path;

use crate::{cargo, root};

/// Licences compatible with GPL-2.0-only, each with why it is on the list. Apache-2.0 is not:
/// its patent-termination clause makes it incompatible with GPL version 2 (FSF licence list).
const ALLOWED: [(&str, &str); 8] = [
    ("GPL-2.0-only", "the project's own"),
    ("MIT", "permissive, GPL-compatible"),
    ("BSD-2-Clause", "permissive, GPL-compatible"),
    ("BSD-3-Clause", "permissive, GPL-compatible"),
    ("Zlib", "permissive, GPL-compatible"),
    ("Unlicense", "public-domain dedication, GPL-compatible"),
    // unicode-ident's data tables, a build-time dependency of the derive macros (zerocopy,
    // serde): the Unicode licence is permissive and GPL-compatible (FSF licence list).
    ("Unicode-3.0", "permissive, GPL-compatible"),
    // libfuzzer-sys's bundled libFuzzer (the fuzz targets only).
    ("NCSA", "permissive, GPL-compatible"),
];

pub fn command(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("licences takes no arguments (got `{extra}`)"));
    }
    check()
}

/// The workspaces: the main one, the test guest's and the fuzz targets' (each its own).
const WORKSPACES: [&str; 5] = [
    "",
    "tests/guest",
    "hypercall/fuzz",
    "tools/xlcfg/fuzz",
    "bzimage/fuzz",
];

/// Fails naming every package whose licence is not allowed, or that declares none.
pub fn check() -> Result<(), String> {
    for dir in WORKSPACES {
        check_workspace(&root().join(dir))?;
    }
    Ok(())
}

fn check_workspace(dir: &Path) -> Result<(), String> {
    let output = cargo()
        .current_dir(dir)
        .args(["metadata", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cannot start cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed something that is not JSON: {e}"))?;
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata has no package list")?;
    let mut refused = Vec::new();
    for package in packages {
        let name = package["name"].as_str().unwrap_or("?");
        let version = package["version"].as_str().unwrap_or("?");
        match package["license"].as_str() {
            Some(expr) if allowed(expr) => {}
            Some(expr) => refused.push(format!("{name} {version}: {expr}")),
            None => refused.push(format!("{name} {version}: no licence declared")),
        }
    }
    if refused.is_empty() {
        println!(
            "licences: {}: {} packages, each under {}",
            dir.display(),
            packages.len(),
            ALLOWED.map(|(l, _)| l).join(", ")
        );
        Ok(())
    } else {
        Err(format!(
            "licences not compatible with GPL-2.0-only:\n  {}",
            refused.join("\n  ")
        ))
    }
}

/// Whether an SPDX licence expression lets the project use the package: an `OR` needs one
/// side allowed, an `AND` both; `WITH exception` is judged by the licence it modifies. Cargo's
/// old `A/B` spelling means `A OR B`.
pub fn allowed(expr: &str) -> bool {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let verdict = or_expr(&tokens, &mut at);
    verdict == Some(true) && at == tokens.len()
}

fn or_expr(tokens: &[&str], at: &mut usize) -> Option<bool> {
    let mut any = and_expr(tokens, at)?;
    while tokens.get(*at) == Some(&"OR") {
        *at += 1;
        any |= and_expr(tokens, at)?;
    }
    Some(any)
}

fn and_expr(tokens: &[&str], at: &mut usize) -> Option<bool> {
    let mut all = term(tokens, at)?;
    while tokens.get(*at) == Some(&"AND") {
        *at += 1;
        all &= term(tokens, at)?;
    }
    Some(all)
}

fn term(tokens: &[&str], at: &mut usize) -> Option<bool> {
    let token = *tokens.get(*at)?;
    *at += 1;
    if token == "(" {
        let inner = or_expr(tokens, at)?;
        (tokens.get(*at) == Some(&")")).then(|| *at += 1)?;
        return Some(inner);
    }
    if matches!(token, ")" | "OR" | "AND" | "WITH") {
        return None;
    }
    if tokens.get(*at) == Some(&"WITH") {
        *at += 2;
    }
    Some(ALLOWED.iter().any(|(l, _)| *l == token))
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn spdx_expressions_are_judged_by_their_operators() {
        assert!(allowed("MIT"));
        assert!(allowed("MIT OR Apache-2.0"));
        assert!(allowed("Apache-2.0/MIT"), "cargo's old spelling of OR");
        assert!(allowed(
            "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"
        ));
        assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
        assert!(allowed("(MIT OR Apache-2.0) AND NCSA"));
        assert!(!allowed("Apache-2.0"), "not GPL-2.0 compatible alone");
        assert!(!allowed("Apache-2.0 WITH LLVM-exception"));
        assert!(!allowed("MIT AND Apache-2.0"), "both would apply");
        assert!(!allowed("(MIT OR Apache-2.0) AND MPL-2.0"));
        assert!(!allowed("GPL-3.0-only OR Apache-2.0"));
        assert!(!allowed(""), "nothing declared");
        assert!(!allowed("MIT OR"), "malformed");
        assert!(!allowed("(MIT"), "unbalanced");
        assert!(!allowed("MIT Zlib"), "two licences without an operator");
    }
}
