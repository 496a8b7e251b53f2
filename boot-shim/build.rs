//! Links the bare-metal image with `linker.ld`; host builds (tests, clippy) need no script.
fn main() {
    println!("cargo:rerun-if-changed=linker.ld");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo:rustc-link-arg-bin=xen-rs=-T{dir}/linker.ld");
        println!("cargo:rustc-link-arg-bin=xen-rs=--no-dynamic-linker");
        println!("cargo:rustc-link-arg-bin=xen-rs=-zmax-page-size=0x1000");
    }
}
