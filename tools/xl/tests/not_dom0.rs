//! The `xl` binary outside a Xen dom0 (the build machine): a clear error naming what is missing,
//! exit status 1, and nothing else attempted (libxl's `xl` says "cannot init xl context").

use std::process::Command;

#[test]
fn outside_dom0_xl_says_what_is_missing() {
    if std::path::Path::new("/dev/xen/privcmd").exists() {
        // Running in a real dom0: the error cannot happen here; the Linux dom0 run covers xl.
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_xl"))
        .arg("list")
        .env("XL_STATE_DIR", std::env::temp_dir().join("xl-not-dom0"))
        .output()
        .expect("xl runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("xl: cannot open /dev/xen/privcmd: "),
        "{err}"
    );
    assert!(err.contains("This is not a Xen control domain"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn usage_without_a_subcommand() {
    let out = Command::new(env!("CARGO_BIN_EXE_xl"))
        .output()
        .expect("xl runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Usage xl [-v] <subcommand>"));
}
