//! Generates grep-able C headers from the xen-public registry.
//!
//! `cargo run -p xen-public --example gen_headers -- <outdir>` writes `<outdir>/xen-rs/...`,
//! one header per Xen public header (`xen-rs/memory.h`, `xen-rs/hvm/dm_op.h`, ...) plus the
//! common `xen-rs/abi-types.h`. Each header includes what it needs and checks its own struct
//! layouts at compile time. The checked-in copy lives in `xen-public/include/` (`./x headers`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use xen_public::abi::{self, ConstDesc, FieldKind, StructDesc};

/// Directory (under the output directory) all generated headers live in.
pub const SUBDIR: &str = "xen-rs";

/// Name of the common header.
const TYPES_HEADER: &str = "abi-types.h";

const BANNER: &str =
    "Generated from the xen-public registry by xen-public/examples/gen_headers.rs; \
                      do not edit (run ./x headers).";

/// A C comment holding `text`.
fn comment(text: &str) -> String {
    format!("/** {} */", text.trim().replace("*/", "* /"))
}

fn doc(text: &str, extension: bool) -> String {
    if extension {
        comment(&format!("xen-rs extension: {}", text.trim()))
    } else {
        comment(text)
    }
}

fn guard(header: &str) -> String {
    let mut g = String::from("XEN_RS_");
    g.extend(header.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    g
}

/// How the value of a constant is written in C.
fn c_value(c: &ConstDesc) -> String {
    if c.value < 0 {
        return format!("({})", c.value);
    }
    let hex = c.expr.contains("0x") || c.expr.contains("<<") || c.expr.contains('!');
    let mut s = if hex {
        format!("{:#x}", c.value)
    } else {
        c.value.to_string()
    };
    if c.value > i128::from(u32::MAX) {
        s.push_str("ULL");
    } else if c.value > i128::from(i32::MAX) {
        s.push('U');
    }
    s
}

/// The C type names a struct's fields refer to.
fn used_types(s: &StructDesc) -> impl Iterator<Item = &'static str> + '_ {
    s.fields.iter().map(|f| f.c_type)
}

/// Every header name the registry knows, in first-seen order.
fn headers() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let all = abi::TYPEDEFS
        .iter()
        .map(|t| t.header)
        .chain(abi::CONSTANTS.iter().map(|c| c.header))
        .chain(abi::MACROS.iter().map(|m| m.header))
        .chain(abi::STRUCTS.iter().map(|s| s.header));
    for h in all {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// Which header defines each C type name (`struct foo`, `foo_t`, typedef names).
fn type_homes() -> BTreeMap<String, &'static str> {
    let mut homes = BTreeMap::new();
    for t in abi::TYPEDEFS {
        homes.insert(t.name.to_string(), t.header);
    }
    for s in abi::STRUCTS {
        homes.insert(format!("struct {}", s.name), s.header);
        homes.insert(format!("{}_t", s.name), s.header);
    }
    homes
}

/// `../` as many times as `header` is deep.
fn up(header: &str) -> String {
    "../".repeat(header.matches('/').count())
}

fn common_header() -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* xen-rs/{TYPES_HEADER}: types shared by the xen-rs headers. */"
    );
    let _ = writeln!(h, "/* {BANNER} */");
    h.push_str("#ifndef XEN_RS_ABI_TYPES_H\n#define XEN_RS_ABI_TYPES_H\n\n");
    h.push_str("#include <stddef.h>\n#include <stdint.h>\n\n");
    h.push_str(
        "/** A guest handle: the guest virtual address of a `type` (Xen: XEN_GUEST_HANDLE). */\n\
         #define XEN_RS_GUEST_HANDLE(type) uint64_t\n\n",
    );
    h.push_str(
        "/** Compile-time check of a layout fact. */\n\
         #define XEN_RS_CHECK(name, cond) typedef char xen_rs_check_##name[(cond) ? 1 : -1]\n\n",
    );
    h.push_str("#endif /* XEN_RS_ABI_TYPES_H */\n");
    h
}

fn header_text(header: &str, homes: &BTreeMap<String, &'static str>) -> String {
    let typedefs: Vec<_> = abi::TYPEDEFS
        .iter()
        .filter(|t| t.header == header)
        .collect();
    let consts: Vec<_> = abi::CONSTANTS
        .iter()
        .filter(|c| c.header == header)
        .collect();
    let macros: Vec<_> = abi::MACROS.iter().filter(|m| m.header == header).collect();
    let structs: Vec<_> = abi::STRUCTS.iter().filter(|s| s.header == header).collect();

    let mut deps: Vec<&str> = Vec::new();
    for ty in structs.iter().flat_map(|s| used_types(s)) {
        if let Some(&home) = homes.get(ty) {
            if home != header && !deps.contains(&home) {
                deps.push(home);
            }
        }
    }
    deps.sort_unstable();

    let mut h = String::new();
    let _ = writeln!(
        h,
        "/* xen-rs/{header}: Xen's public/{header}, as xen-rs implements it (x86-64). */"
    );
    let _ = writeln!(h, "/* {BANNER} */");
    let g = guard(header);
    let _ = writeln!(h, "#ifndef {g}\n#define {g}\n");
    let _ = writeln!(h, "#include \"{}{TYPES_HEADER}\"", up(header));
    for d in &deps {
        let _ = writeln!(h, "#include \"{}{d}\"", up(header));
    }
    h.push('\n');

    for t in &typedefs {
        let _ = writeln!(h, "{}", comment(t.doc));
        if t.array_len > 0 {
            let _ = writeln!(h, "typedef {} {}[{}];", t.c_type, t.name, t.array_len);
        } else {
            let _ = writeln!(h, "typedef {} {};", t.c_type, t.name);
        }
    }
    if !typedefs.is_empty() {
        h.push('\n');
    }
    for c in &consts {
        let _ = writeln!(h, "{}", doc(c.doc, c.extension));
        let _ = writeln!(h, "#define {} {}", c.name, c_value(c));
    }
    if !consts.is_empty() {
        h.push('\n');
    }
    for m in &macros {
        let _ = writeln!(h, "{}", comment(m.doc));
        let _ = writeln!(
            h,
            "#define {}({}) {}",
            m.name,
            m.params.join(", "),
            m.c_body
        );
    }
    if !macros.is_empty() {
        h.push('\n');
    }
    for s in &structs {
        let _ = writeln!(h, "{}", doc(s.doc, s.extension));
        let _ = writeln!(h, "struct {} {{", s.name);
        for f in s.fields {
            let note = match f.kind {
                FieldKind::Xen => doc(f.doc, false),
                FieldKind::Extension => doc(f.doc, true),
                FieldKind::Pad => comment(&format!(
                    "{} (implicit padding in Xen's header).",
                    f.doc.trim().trim_end_matches('.')
                )),
                FieldKind::BitFields => comment(f.doc),
            };
            let _ = writeln!(h, "    {note}");
            let ty = if f.handle {
                format!("XEN_RS_GUEST_HANDLE({})", f.c_type)
            } else {
                f.c_type.to_string()
            };
            if f.array_len > 0 {
                let _ = writeln!(h, "    {ty} {}[{}];", f.name, f.array_len);
            } else {
                let _ = writeln!(h, "    {ty} {};", f.name);
            }
        }
        let _ = writeln!(h, "}};");
        let _ = writeln!(h, "typedef struct {n} {n}_t;", n = s.name);
        let _ = writeln!(
            h,
            "XEN_RS_CHECK({n}_size, sizeof(struct {n}) == {});",
            s.size,
            n = s.name
        );
        for f in s.fields {
            let _ = writeln!(
                h,
                "XEN_RS_CHECK({n}__{f}, offsetof(struct {n}, {f}) == {});",
                f.offset,
                n = s.name,
                f = f.name
            );
        }
        h.push('\n');
    }
    let _ = writeln!(h, "#endif /* {g} */");
    h
}

/// Every generated header: its path relative to the output directory, and its text.
pub fn generate() -> Vec<(PathBuf, String)> {
    let homes = type_homes();
    let mut out = vec![(Path::new(SUBDIR).join(TYPES_HEADER), common_header())];
    for header in headers() {
        out.push((Path::new(SUBDIR).join(header), header_text(header, &homes)));
    }
    out
}

/// Writes the headers under `outdir`, replacing `outdir/xen-rs` entirely.
pub fn write_all(outdir: &Path) -> std::io::Result<()> {
    let root = outdir.join(SUBDIR);
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    for (rel, text) in generate() {
        let path = outdir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(path, text)?;
    }
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let Some(outdir) = std::env::args_os().nth(1) else {
        eprintln!("usage: gen_headers <outdir>");
        std::process::exit(2);
    };
    let outdir = PathBuf::from(outdir);
    if let Err(e) = write_all(&outdir) {
        eprintln!("gen_headers: writing {}: {e}", outdir.display());
        std::process::exit(1);
    }
    println!(
        "gen_headers: wrote {} headers to {}",
        generate().len(),
        outdir.join(SUBDIR).display()
    );
}
