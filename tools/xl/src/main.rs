//! The `xl` binary: global options, then a subcommand run against /dev/xen/privcmd.

use std::io::IsTerminal;
use std::process::ExitCode;

use toolstack::XenCtrl;
use xl::commands::{Xl, USAGE};
use xl::config::global_config;
use xl::getopt::{self, Arg};
use xl::privcmd::Privcmd;
use xl::state::Store;

const XL_CONF: &str = "/etc/xen/xl.conf";

fn main() -> ExitCode {
    // Global options before the subcommand (xl.c main): -v more verbose, -N dry run, -f force,
    // -t timestamps, -T; only -v changes anything here.
    let mut p = getopt::parser(std::env::args().skip(1));
    let mut verbose = false;
    let mut args = Vec::new();
    while let Some(arg) = getopt::next(&mut p) {
        match arg {
            Arg::Option(o) => match o.as_str() {
                "-v" => verbose = true,
                "-N" | "-f" | "-t" | "-T" => {}
                "-h" | "--help" => {
                    print!("{USAGE}");
                    return ExitCode::SUCCESS;
                }
                // Not a global option: taken as the subcommand, which xl does not know.
                _ => {
                    args.push(o);
                    break;
                }
            },
            // "+vftTN": the subcommand ends the global options; the rest is the subcommand's.
            Arg::Operand(cmd) => {
                args.push(cmd);
                if let Ok(rest) = p.raw_args() {
                    args.extend(rest.map(|a| a.to_string_lossy().into_owned()));
                }
                break;
            }
        }
    }
    if args.is_empty() {
        eprint!("{USAGE}");
        return ExitCode::from(1);
    }
    let conf_text = std::fs::read_to_string(XL_CONF).ok();
    let (global, warning) = global_config(XL_CONF, conf_text.as_deref());
    if let Some(w) = warning {
        eprintln!("{w}");
    }
    let backend = match Privcmd::open() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("xl: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr();
    let mut xl = Xl {
        xc: XenCtrl::new(backend),
        store: Store::from_env(),
        global,
        verbose,
        progress_bar: std::io::stdout().is_terminal(),
        out: &mut out,
        err: &mut err,
        uname: uname(),
        read_file: |path| std::fs::read(path),
        random,
    };
    let status = xl.main(&args);
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// host, release, version, machine (what `uname(2)` gives, read from /proc).
fn uname() -> [String; 4] {
    let read = |f: &str| {
        std::fs::read_to_string(format!("/proc/sys/kernel/{f}"))
            .map(|s| s.trim_end().to_string())
            .unwrap_or_default()
    };
    [
        read("hostname"),
        read("osrelease"),
        read("version"),
        std::env::consts::ARCH.to_string(),
    ]
}

/// 16 bytes from /dev/urandom (all zero if it cannot be read: the UUID is then only
/// informative, as domains are told apart by their domid).
fn random() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut bytes);
    }
    bytes
}
