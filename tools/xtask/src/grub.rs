//! Staging a GRUB rescue ISO that boots the image like a Xen menu entry.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `module2` line: the file and the command line GRUB passes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrubModule {
    /// The file on this machine.
    pub path: PathBuf,
    /// The text after the file name.
    pub args: String,
}

impl GrubModule {
    /// Reads `FILE ARGS...` as written after `module2`.
    pub fn parse_line(line: &str) -> Result<Self, String> {
        let line = line.trim();
        let (path, args) = line.split_once(' ').unwrap_or((line, ""));
        if path.is_empty() {
            return Err("--module needs a file".into());
        }
        Ok(GrubModule {
            path: PathBuf::from(path),
            args: args.trim().to_string(),
        })
    }
}

/// What the menu entry boots.
#[derive(Debug, Clone)]
pub struct GrubEntry {
    /// The hypervisor's command line.
    pub cmdline: String,
    /// Modules, in order (the first is dom0's kernel once dom0 exists).
    pub modules: Vec<GrubModule>,
}

/// The grub.cfg for an entry: serial console, no menu delay, and the same shape as a Xen entry.
pub fn grub_cfg(entry: &GrubEntry, module_names: &[String]) -> String {
    let mut cfg = String::from(
        "set timeout=0\n\
         serial --unit=0 --speed=115200\n\
         terminal_input serial\n\
         terminal_output serial\n\
         menuentry 'xen-rs' {\n",
    );
    let _ = writeln!(cfg, "    multiboot2 /boot/xen-rs {}", entry.cmdline);
    for (module, name) in entry.modules.iter().zip(module_names) {
        let _ = writeln!(cfg, "    module2 /boot/{name} {}", module.args);
    }
    cfg.push_str("}\n");
    cfg
}

/// Stages `image` and the entry's modules under `work` and builds `work.iso` with grub-mkrescue.
pub fn make_iso(image: &Path, entry: &GrubEntry, work: &Path) -> Result<PathBuf, String> {
    let staging = work.join("iso-root");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    let boot = staging.join("boot");
    fs::create_dir_all(boot.join("grub")).map_err(|e| format!("{}: {e}", boot.display()))?;
    fs::copy(image, boot.join("xen-rs")).map_err(|e| format!("{}: {e}", image.display()))?;
    let mut names = Vec::new();
    for (index, module) in entry.modules.iter().enumerate() {
        let file_name = module
            .path
            .file_name()
            .ok_or_else(|| format!("module {} has no file name", module.path.display()))?;
        let name = format!("mod{index}-{}", file_name.to_string_lossy());
        fs::copy(&module.path, boot.join(&name))
            .map_err(|e| format!("module {}: {e}", module.path.display()))?;
        names.push(name);
    }
    fs::write(boot.join("grub/grub.cfg"), grub_cfg(entry, &names))
        .map_err(|e| format!("grub.cfg: {e}"))?;

    let iso = work.join("xen-rs.iso");
    let output = Command::new("grub-mkrescue")
        .arg("-o")
        .arg(&iso)
        .arg(&staging)
        .output()
        .map_err(|e| format!("cannot run grub-mkrescue (packages grub-pc-bin, xorriso): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "grub-mkrescue failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_lines_split_file_from_arguments() {
        let m = GrubModule::parse_line(" /tmp/dom0.elf  console=hvc0 quiet ").unwrap();
        assert_eq!(m.path, PathBuf::from("/tmp/dom0.elf"));
        assert_eq!(m.args, "console=hvc0 quiet");
        assert_eq!(GrubModule::parse_line("f").unwrap().args, "");
        assert!(GrubModule::parse_line("  ").is_err());
    }

    #[test]
    fn cfg_has_a_xen_shaped_entry() {
        let entry = GrubEntry {
            cmdline: "console=com1 dom0_mem=512M".into(),
            modules: vec![GrubModule {
                path: "/x/kernel".into(),
                args: "root=/dev/xvda".into(),
            }],
        };
        let cfg = grub_cfg(&entry, &["mod0-kernel".into()]);
        assert!(cfg.contains("serial --unit=0 --speed=115200\n"));
        assert!(cfg.contains("    multiboot2 /boot/xen-rs console=com1 dom0_mem=512M\n"));
        assert!(cfg.contains("    module2 /boot/mod0-kernel root=/dev/xvda\n"));
    }
}
