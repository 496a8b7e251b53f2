//! Links the kernel with `linker.ld` (at 1 MiB physical, where Xen's PVH loader puts it).
fn main() {
    println!("cargo:rerun-if-changed=linker.ld");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-arg-bins=-T{dir}/linker.ld");
    println!("cargo:rustc-link-arg-bins=--no-dynamic-linker");
    println!("cargo:rustc-link-arg-bins=-zmax-page-size=0x1000");
}
