//! Every module that defines items through the registry macros is listed in `abi.rs`, so that
//! its items reach `abi::CONSTANTS`, `abi::STRUCTS`, `abi::TYPEDEFS` and `abi::MACROS`.

use std::path::Path;

use xen_public::abi;

/// `src/hvm/dm_op.rs` -> `xen_public::hvm::dm_op`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().map(String::as_str) == Some("mod") {
        parts.pop();
    }
    std::iter::once("xen_public".to_string())
        .chain(parts)
        .collect::<Vec<_>>()
        .join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_defining_module_is_registered() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut missing = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("abi.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let module = module_of(&src, file);
        let registered: [(&str, bool); 4] = [
            (
                "xen_consts!",
                abi::CONSTANTS.iter().any(|c| c.module == module),
            ),
            (
                "xen_structs!",
                abi::STRUCTS.iter().any(|s| s.module == module),
            ),
            (
                "xen_typedefs!",
                abi::TYPEDEFS.iter().any(|t| t.module == module),
            ),
            (
                "xen_macros!",
                abi::MACROS.iter().any(|m| m.module == module),
            ),
        ];
        for (mac, found) in registered {
            if text.contains(&format!("crate::{mac}")) && !found {
                missing.push(format!(
                    "{module} uses {mac} but is not in its registry list"
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add these modules to the registry! lists in src/abi.rs:\n  {}",
        missing.join("\n  ")
    );
}
