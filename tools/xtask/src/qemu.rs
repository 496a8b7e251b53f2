//! Booting an ISO in QEMU under a timeout, with the serial console captured.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a QEMU run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QemuExit {
    /// xen-rs wrote the success code to isa-debug-exit (QEMU status 33).
    Success,
    /// xen-rs wrote the failure code (QEMU status 35): a fatal trap or panic.
    Failure,
    /// dom0 crashed and xen-rs stopped the machine cleanly (QEMU status 37).
    Dom0Crashed,
    /// dom0 asked for a reboot; with `noreboot` xen-rs stopped instead (QEMU status 39).
    Dom0Reboot,
    /// Nothing ended the run in time; QEMU was killed.
    Timeout,
    /// QEMU ended by itself with another status (its own error, or a triple fault with -no-reboot).
    Other(i32),
}

/// Maps QEMU's exit status to what xen-rs said (arch-x86's `QemuExitCode`: 0x10 and 0x11, which
/// isa-debug-exit turns into `(code << 1) | 1`).
pub fn classify(status: i32) -> QemuExit {
    match status {
        33 => QemuExit::Success,
        35 => QemuExit::Failure,
        37 => QemuExit::Dom0Crashed,
        39 => QemuExit::Dom0Reboot,
        other => QemuExit::Other(other),
    }
}

/// QEMU's CPU model with everything TCG emulates, AMD SVM with nested paging included.
pub const CPU_MAX: &str = "max";

/// One boot.
pub struct QemuRun {
    /// The GRUB ISO.
    pub iso: PathBuf,
    /// RAM, as `-m` takes it.
    pub memory: String,
    /// Kill QEMU after this long.
    pub timeout_secs: u64,
    /// Copy the console to our stdout as it arrives.
    pub echo: bool,
}

/// The result of a boot.
pub struct QemuOutcome {
    /// How it ended.
    pub exit: QemuExit,
    /// Everything written to the serial port, with `\r` removed.
    pub console: String,
}

impl QemuRun {
    /// The QEMU command line: AMD SVM with nested paging comes with `-cpu max` under TCG.
    pub fn command(&self) -> Command {
        self.command_with_cpu(CPU_MAX)
    }

    /// The QEMU command line with `-cpu cpu`.
    pub fn command_with_cpu(&self, cpu: &str) -> Command {
        let mut command = Command::new("qemu-system-x86_64");
        command
            .args(["-cpu", cpu, "-m", &self.memory])
            .args(["-display", "none", "-serial", "stdio", "-monitor", "none"])
            .args(["-no-reboot", "-nic", "none"])
            .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
            .arg("-cdrom")
            .arg(&self.iso);
        command
    }

    /// Boots and waits for the end (or the timeout).
    pub fn run(&self) -> Result<QemuOutcome, String> {
        self.run_with_cpu(CPU_MAX)
    }

    /// Boots with `-cpu cpu` and waits for the end (or the timeout).
    pub fn run_with_cpu(&self, cpu: &str) -> Result<QemuOutcome, String> {
        let mut child = self
            .command_with_cpu(cpu)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!("cannot start qemu-system-x86_64 (package qemu-system-x86): {e}")
            })?;

        let captured = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let reader = {
            let captured = Arc::clone(&captured);
            let echo = self.echo;
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stdout.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if echo {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(&buf[..n]);
                        let _ = out.flush();
                    }
                    captured
                        .lock()
                        .expect("reader lock")
                        .extend_from_slice(&buf[..n]);
                }
            })
        };

        let deadline = Instant::now() + Duration::from_secs(self.timeout_secs);
        let exit = loop {
            match child
                .try_wait()
                .map_err(|e| format!("waiting for QEMU: {e}"))?
            {
                Some(status) => break classify(status.code().unwrap_or(-1)),
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break QemuExit::Timeout;
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let _ = reader.join();
        let bytes = captured.lock().expect("reader lock").clone();
        let console = String::from_utf8_lossy(&bytes).replace('\r', "");
        Ok(QemuOutcome { exit, console })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_statuses() {
        assert_eq!(classify(33), QemuExit::Success);
        assert_eq!(classify(35), QemuExit::Failure);
        assert_eq!(classify(37), QemuExit::Dom0Crashed);
        assert_eq!(classify(39), QemuExit::Dom0Reboot);
        assert_eq!(classify(1), QemuExit::Other(1));
        assert_eq!(classify(0), QemuExit::Other(0));
    }
}
