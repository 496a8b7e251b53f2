//! Building the test guest (`tests/guest`): a no_std PVH kernel that boots as dom0. It is a cargo
//! workspace of its own (the main workspace builds for the host), built here with its own target
//! directory so that its build never invalidates the main workspace's.

use std::path::PathBuf;

use crate::image::TARGET;
use crate::{cargo, root, run_command};

/// The guest's package and binary name (tests/guest/Cargo.toml).
const BINARY: &str = "xen-rs-test-guest";

/// Builds the guest in release for x86_64-unknown-none and returns the ELF's path
/// (`target/guest/x86_64-unknown-none/release/xen-rs-test-guest`).
pub fn build() -> Result<PathBuf, String> {
    let dir = root().join("tests/guest");
    let target_dir = root().join("target/guest");
    run_command(
        cargo()
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target_dir)
            .args(["build", "--quiet", "--release", "--target", TARGET]),
    )?;
    let elf = target_dir.join(TARGET).join("release").join(BINARY);
    if elf.is_file() {
        Ok(elf)
    } else {
        Err(format!("the guest build left no {}", elf.display()))
    }
}
