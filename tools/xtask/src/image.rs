//! Building the hypervisor image.

use std::path::PathBuf;
use std::process::Command;

use crate::{cargo, root, run_command};

/// The bare-metal target the image is built for.
pub const TARGET: &str = "x86_64-unknown-none";

/// Builds `xen-rs` (release: the image is what people boot) and checks that GRUB will take it.
pub fn build() -> Result<PathBuf, String> {
    run_command(cargo().args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "boot-shim",
        "--bin",
        "xen-rs",
        "--target",
        TARGET,
    ]))?;
    let image = root().join("target").join(TARGET).join("release/xen-rs");
    let status = Command::new("grub-file")
        .arg("--is-x86-multiboot2")
        .arg(&image)
        .status()
        .map_err(|e| format!("cannot run grub-file (package grub-common): {e}"))?;
    if !status.success() {
        return Err(format!(
            "{} has no valid Multiboot2 header (grub-file --is-x86-multiboot2 says no)",
            image.display()
        ));
    }
    Ok(image)
}
