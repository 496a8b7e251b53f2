//! Booting an ISO in Bochs, the one emulator here with Intel VMX and EPT (../shared/PLATFORM.md):
//! the same GRUB ISO QEMU boots, on a Haswell CPU model (VMX with EPT, unrestricted guest, VPID,
//! 2 MiB and 1 GiB EPT pages).
//!
//! Bochs has no isa-debug-exit device, so the run cannot end with xen-rs's exit code. xen-rs stops
//! the machine the same way on every path (arch-x86's `exit_machine`: the QEMU exit port, then
//! `cli; hlt` for ever), and Bochs's CPU logs each HLT with interrupts off: that log line ends the run.
//! The code xen-rs would have given QEMU is read back from the console's last lines (the message each
//! stop path prints before halting); a halt after none of the known messages is a failure.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::qemu::{QemuExit, QemuOutcome};

/// What Bochs's CPU logs when the CPU halts with interrupts off: only xen-rs's `halt_forever` does
/// that (a guest's HLT is a VM exit, and the scheduler idles with interrupts on).
const HALTED_MARKER: &str = "HLT instruction with IF=0";

/// The messages xen-rs prints right before it stops the machine, and the exit code each goes with
/// (boot-shim's `dom0_shutdown` and `main`).
const STOP_MESSAGES: &[(&str, QemuExit)] = &[
    ("Hardware Dom0 halted: halting machine", QemuExit::Success),
    ("Hardware Dom0 shutdown (reason ", QemuExit::Success),
    (
        "No domain to run yet: boot report complete, stopping.",
        QemuExit::Success,
    ),
    (
        "Hardware Dom0 crashed: halting machine",
        QemuExit::Dom0Crashed,
    ),
    (
        "Hardware Dom0 shutdown: rebooting machine",
        QemuExit::Dom0Reboot,
    ),
];

/// One boot in Bochs.
pub struct BochsRun {
    /// The GRUB ISO.
    pub iso: PathBuf,
    /// RAM in MiB.
    pub memory_mib: u64,
    /// Kill Bochs after this long.
    pub timeout_secs: u64,
    /// Where the bochsrc, the serial log and Bochs's own log go.
    pub work: PathBuf,
}

/// The Bochs configuration for a run; `dir` holds the serial and log files.
pub fn bochsrc(iso: &Path, memory_mib: u64, dir: &Path) -> String {
    format!(
        "# Written by ./x for one run: Intel VMX with EPT (see tools/xtask/src/bochs.rs).\n\
         megs: {memory_mib}\n\
         # Haswell: VMX with EPT, unrestricted guest, VPID and 1 GiB pages. The instruction rate\n\
         # and clock only set how fast guest time passes; sync=none runs as fast as Bochs can.\n\
         cpu: model=corei7_haswell_4770, count=1, ips=50000000, reset_on_triple_fault=0\n\
         clock: sync=none, time0=local\n\
         romimage: file=/usr/share/bochs/BIOS-bochs-latest\n\
         vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest\n\
         display_library: term\n\
         ata0-master: type=cdrom, path={iso}, status=inserted\n\
         boot: cdrom\n\
         com1: enabled=1, mode=file, dev={serial}\n\
         log: {log}\n\
         panic: action=fatal\n\
         error: action=ignore\n\
         # The CPU's info lines carry the halt that ends the run.\n\
         info: action=ignore, cpu0=report\n\
         debug: action=ignore\n",
        iso = iso.display(),
        serial = dir.join("serial.txt").display(),
        log = dir.join("bochs.log").display(),
    )
}

/// How the run ended, from the console, once the CPU has halted for good.
pub fn classify_halt(console: &str) -> QemuExit {
    let last_message = console
        .lines()
        .rev()
        .find_map(|line| {
            STOP_MESSAGES
                .iter()
                .find(|(text, _)| line.contains(text))
                .map(|&(_, exit)| exit)
        })
        .unwrap_or(QemuExit::Failure);
    // A stop message followed by a panic is still a failure.
    let after_message = console
        .rsplit_once("Hardware Dom0")
        .map_or(console, |(_, rest)| rest);
    if after_message.contains("Panic on CPU") || after_message.contains("FATAL") {
        QemuExit::Failure
    } else {
        last_message
    }
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\r', ""))
        .unwrap_or_default()
}

impl BochsRun {
    /// Boots and waits for the halt (or the timeout, or Bochs ending by itself).
    pub fn run(&self) -> Result<QemuOutcome, String> {
        fs::create_dir_all(&self.work).map_err(|e| format!("{}: {e}", self.work.display()))?;
        let serial = self.work.join("serial.txt");
        let log = self.work.join("bochs.log");
        for stale in [&serial, &log] {
            let _ = fs::remove_file(stale);
        }
        let rc = self.work.join("bochsrc.txt");
        fs::write(&rc, bochsrc(&self.iso, self.memory_mib, &self.work))
            .map_err(|e| format!("{}: {e}", rc.display()))?;
        // Debian's Bochs is built with its debugger, which waits for a command before the first
        // instruction: the debugger script says `continue`.
        let script = self.work.join("debugger.txt");
        fs::write(&script, "c\n").map_err(|e| format!("{}: {e}", script.display()))?;

        let mut child = Command::new("bochs")
            .arg("-q")
            .arg("-f")
            .arg(&rc)
            .arg("-rc")
            .arg(&script)
            .current_dir(&self.work)
            // The text-mode display wants a terminal type even with nothing to draw on.
            .env("TERM", "vt100")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start bochs (packages bochs, bochsbios, vgabios): {e}"))?;

        let deadline = Instant::now() + Duration::from_secs(self.timeout_secs);
        let exit = loop {
            if read_lossy(&log).contains(HALTED_MARKER) {
                let _ = child.kill();
                let _ = child.wait();
                break classify_halt(&read_lossy(&serial));
            }
            match child
                .try_wait()
                .map_err(|e| format!("waiting for Bochs: {e}"))?
            {
                // Bochs stopped by itself: a panic (a triple fault of the hypervisor) or an error.
                Some(status) => break QemuExit::Other(status.code().unwrap_or(-1)),
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break QemuExit::Timeout;
                }
                None => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        let console = read_lossy(&serial);
        if let QemuExit::Other(_) = exit {
            let tail: Vec<String> = read_lossy(&log)
                .lines()
                .rev()
                .take(10)
                .map(str::to_string)
                .collect();
            eprintln!(
                "bochs ended by itself; the end of {}:\n{}",
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        Ok(QemuOutcome { exit, console })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halts_are_classified_by_the_last_stop_message() {
        assert_eq!(
            classify_halt("(XEN) a\n(XEN) Hardware Dom0 halted: halting machine\n"),
            QemuExit::Success
        );
        assert_eq!(
            classify_halt("(XEN) Hardware Dom0 crashed: halting machine\n"),
            QemuExit::Dom0Crashed
        );
        assert_eq!(
            classify_halt(
                "(XEN) Hardware Dom0 shutdown: rebooting machine (noreboot: stopping instead)\n"
            ),
            QemuExit::Dom0Reboot
        );
        assert_eq!(
            classify_halt("(XEN) No domain to run yet: boot report complete, stopping.\n"),
            QemuExit::Success
        );
    }

    #[test]
    fn a_halt_without_a_stop_message_is_a_failure() {
        assert_eq!(classify_halt(""), QemuExit::Failure);
        assert_eq!(
            classify_halt("(XEN) ****\n(XEN) Panic on CPU 0:\n(XEN) FATAL TRAP: vector = 6\n"),
            QemuExit::Failure
        );
        // A dom0 that printed the words itself does not make a hypervisor panic a success.
        assert_eq!(
            classify_halt(
                "(XEN) Hardware Dom0 halted: halting machine\n(XEN) Panic on CPU 0:\n(XEN) x\n"
            ),
            QemuExit::Failure
        );
    }

    #[test]
    fn the_bochsrc_names_the_iso_and_the_files() {
        let rc = bochsrc(Path::new("/w/x.iso"), 512, Path::new("/w"));
        assert!(rc.contains("megs: 512\n"));
        assert!(rc.contains("path=/w/x.iso,"));
        assert!(rc.contains("dev=/w/serial.txt\n"));
        assert!(rc.contains("log: /w/bochs.log\n"));
        assert!(rc.contains("model=corei7_haswell_4770"));
    }
}
