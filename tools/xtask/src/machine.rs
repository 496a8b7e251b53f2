//! One boot of a GRUB ISO on the chosen vendor's hardware virtualisation: QEMU for AMD SVM with
//! nested paging, Bochs for Intel VMX with EPT (../shared/PLATFORM.md: QEMU's TCG has no VMX).

use std::path::{Path, PathBuf};

use crate::bochs::BochsRun;
use crate::qemu::{QemuOutcome, QemuRun};

/// Which vendor's CPU xen-rs runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpu {
    /// AMD SVM with nested paging, in QEMU.
    Amd,
    /// Intel VMX with EPT, in Bochs.
    Intel,
    /// Neither: QEMU's CPU without SVM (xen-rs must say so and stop).
    Neither,
}

impl Cpu {
    /// `amd` or `intel`, as `--cpu` takes it.
    pub fn parse(name: &str) -> Option<Cpu> {
        match name {
            "amd" => Some(Cpu::Amd),
            "intel" => Some(Cpu::Intel),
            _ => None,
        }
    }

    /// The name xen-rs's boot report gives the extension (`HVM: SVM enabled`, `HVM: VMX enabled`).
    pub fn hvm_name(self) -> &'static str {
        match self {
            Cpu::Amd => "SVM",
            Cpu::Intel => "VMX",
            Cpu::Neither => "no HVM",
        }
    }

    /// The emulator and extension, for messages.
    pub fn machine(self) -> &'static str {
        match self {
            Cpu::Amd => "QEMU (AMD SVM)",
            Cpu::Intel => "Bochs (Intel VMX)",
            Cpu::Neither => "QEMU (no SVM)",
        }
    }
}

/// Boots `iso` with `memory_mib` of RAM; `work` holds Bochs's files.
pub fn boot(
    cpu: Cpu,
    iso: PathBuf,
    memory_mib: u64,
    timeout_secs: u64,
    work: &Path,
) -> Result<QemuOutcome, String> {
    let qemu = |iso| QemuRun {
        iso,
        memory: format!("{memory_mib}M"),
        timeout_secs,
        echo: false,
    };
    match cpu {
        Cpu::Amd => qemu(iso).run(),
        Cpu::Neither => qemu(iso).run_with_cpu("max,-svm"),
        Cpu::Intel => BochsRun {
            iso,
            memory_mib,
            timeout_secs,
            work: work.join("bochs"),
        }
        .run(),
    }
}
