//! Conformance of the registry against Xen's own public headers (Debian's libxen-dev, Xen 4.17).
//!
//! A C program generated from the registry includes the real headers and prints, one per line,
//! the size and alignment of every struct, the offset and size of every field, the size of every
//! typedef, the value of every constant and the value of every function-like macro at a few
//! arguments. The same lines are computed from the registry; any difference fails the test.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use xen_public::abi::{self, ConstDesc, StructDesc};

/// Xen's interface version for 4.17 (xen-compat.h: __XEN_LATEST_INTERFACE_VERSION__).
const XEN_INTERFACE_VERSION: &str = "0x00040e00";

/// Arguments the function-like macros are evaluated at (the first one, for macros of several).
const MACRO_ARGS: &[u64] = &[0, 1, 2, 5, 63, 200];

/// The arguments of one evaluation of a macro of `n` parameters: `a`, `a + 1`, ...
fn macro_args(n: usize, a: u64) -> Vec<u64> {
    (0..n as u64).map(|i| a + i).collect()
}

/// Registered structs that are Xen's (xen-rs extensions have no C counterpart).
fn xen_structs() -> impl Iterator<Item = &'static StructDesc> {
    abi::STRUCTS.iter().filter(|s| !s.extension)
}

/// Registered constants that are Xen's.
fn xen_constants() -> impl Iterator<Item = &'static ConstDesc> {
    abi::CONSTANTS.iter().filter(|c| !c.extension)
}

fn const_line(c: &ConstDesc) -> String {
    if c.signed {
        format!("const {} = {}", c.name, c.value as i64)
    } else {
        format!("const {} = {}", c.name, c.value as u64)
    }
}

/// The expected lines, from the registry.
fn rust_lines() -> Vec<String> {
    let mut out = Vec::new();
    for t in abi::TYPEDEFS {
        out.push(format!("typedef {} size = {}", t.name, t.size));
    }
    for s in xen_structs() {
        out.push(format!("struct {} size = {}", s.name, s.size));
        out.push(format!("struct {} align = {}", s.name, s.align));
        for f in s.fields.iter().filter(|f| f.is_xen_field()) {
            out.push(format!("field {}.{} offset = {}", s.name, f.name, f.offset));
            out.push(format!("field {}.{} size = {}", s.name, f.name, f.size));
        }
    }
    for c in xen_constants() {
        out.push(const_line(c));
    }
    for m in abi::MACROS {
        for &a in MACRO_ARGS {
            let args = macro_args(m.params.len(), a);
            let shown: Vec<String> = args.iter().map(u64::to_string).collect();
            out.push(format!(
                "macro {}({}) = {}",
                m.name,
                shown.join(", "),
                (m.eval)(&args)
            ));
        }
    }
    out
}

/// The C program printing the same lines from Xen's headers.
fn c_program() -> String {
    let mut headers: Vec<&str> = Vec::new();
    let all_headers = xen_structs()
        .map(|s| s.header)
        .chain(xen_constants().map(|c| c.header))
        .chain(abi::TYPEDEFS.iter().map(|t| t.header))
        .chain(abi::MACROS.iter().map(|m| m.header));
    for h in all_headers {
        if !headers.contains(&h) {
            headers.push(h);
        }
    }

    let mut p = String::new();
    let _ = writeln!(p, "#define __XEN_TOOLS__ 1");
    let _ = writeln!(
        p,
        "#define __XEN_INTERFACE_VERSION__ {XEN_INTERFACE_VERSION}"
    );
    p.push_str("#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n");
    // privcmd.h uses the kernel's _IOC.
    p.push_str("#include <sys/ioctl.h>\n");
    // errno.h keeps XEN_EINTR and XEN_ERESTART for the hypervisor: include it first as Xen does.
    p.push_str("#define __XEN__\n#include <xen/errno.h>\n#undef __XEN__\n");
    p.push_str("#include <xen/xen.h>\n");
    for h in &headers {
        let _ = writeln!(p, "#include <xen/{h}>");
    }
    p.push_str("int main(void)\n{\n");
    for t in abi::TYPEDEFS {
        let _ = writeln!(
            p,
            "    printf(\"typedef {n} size = %zu\\n\", sizeof({n}));",
            n = t.name
        );
    }
    for s in xen_structs() {
        let _ = writeln!(
            p,
            "    printf(\"struct {n} size = %zu\\n\", sizeof(struct {n}));\n    \
             printf(\"struct {n} align = %zu\\n\", (size_t)_Alignof(struct {n}));",
            n = s.name
        );
        for f in s.fields.iter().filter(|f| f.is_xen_field()) {
            let _ = writeln!(
                p,
                "    printf(\"field {n}.{f} offset = %zu\\n\", offsetof(struct {n}, {f}));\n    \
                 printf(\"field {n}.{f} size = %zu\\n\", sizeof(((struct {n} *)0)->{f}));",
                n = s.name,
                f = f.name
            );
        }
    }
    for c in xen_constants() {
        if c.signed {
            let _ = writeln!(
                p,
                "    printf(\"const {n} = %lld\\n\", (long long)({n}));",
                n = c.name
            );
        } else {
            let _ = writeln!(
                p,
                "    printf(\"const {n} = %llu\\n\", (unsigned long long)({n}));",
                n = c.name
            );
        }
    }
    for m in abi::MACROS {
        for &a in MACRO_ARGS {
            let args = macro_args(m.params.len(), a);
            let shown: Vec<String> = args.iter().map(u64::to_string).collect();
            let c_args: Vec<String> = args.iter().map(|a| format!("{a}u")).collect();
            let _ = writeln!(
                p,
                "    printf(\"macro {n}({shown}) = %llu\\n\", (unsigned long long)({n}({c_args})));",
                n = m.name,
                shown = shown.join(", "),
                c_args = c_args.join(", ")
            );
        }
    }
    p.push_str("    return 0;\n}\n");
    p
}

/// Turns compiler errors into a list of the registry items Xen's headers lack.
fn explain_compile_errors(stderr: &str) -> String {
    let mut items = Vec::new();
    for line in stderr.lines().filter(|l| l.contains("error:")) {
        let quoted: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
        let item = if line.contains("undeclared") {
            format!(
                "constant or typedef `{}` is not defined by Xen's headers",
                quoted[0]
            )
        } else if line.contains("has no member named") && quoted.len() >= 2 {
            format!("field `{}` does not exist in `{}`", quoted[1], quoted[0])
        } else if (line.contains("incomplete type") || line.contains("undefined type"))
            && !quoted.is_empty()
        {
            format!(
                "`{}` is not defined by Xen's headers",
                quoted.last().unwrap()
            )
        } else {
            line.to_string()
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    items.join("\n  ")
}

fn parse(lines: &[String]) -> BTreeMap<String, String> {
    lines
        .iter()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn registry_matches_xen_headers() {
    assert!(
        Path::new("/usr/include/xen/xen.h").exists(),
        "Xen's public headers are missing (/usr/include/xen): run `./x test`, which installs \
         libxen-dev"
    );

    let n_structs = xen_structs().count();
    let n_consts = xen_constants().count();
    let n_extensions = abi::STRUCTS.len() - n_structs + abi::CONSTANTS.len() - n_consts;
    let dir = std::env::temp_dir().join(format!("xen-public-abi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("abi.c");
    let exe = dir.join("abi");
    std::fs::write(&src, c_program()).unwrap();

    let cc = Command::new("cc")
        .env("LC_ALL", "C")
        .args(["-std=gnu11", "-Wall", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cc ({e}): run `./x test`, which installs it"));
    let stderr = String::from_utf8_lossy(&cc.stderr);
    assert!(
        cc.status.success(),
        "the registry names items that Xen's headers lack ({n_structs} structs, {n_consts} \
         constants; C program in {}):\n  {}",
        src.display(),
        explain_compile_errors(&stderr)
    );

    let run = Command::new(&exe).output().expect("running the C program");
    assert!(run.status.success());
    let c_out: Vec<String> = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let rust_out = rust_lines();
    let c_map = parse(&c_out);

    let mut mismatches = Vec::new();
    for line in &rust_out {
        let (key, value) = line.split_once(" = ").unwrap();
        match c_map.get(key) {
            Some(c_value) if c_value == value => {}
            Some(c_value) => mismatches.push(format!("{key}: xen-rs {value}, Xen {c_value}")),
            None => mismatches.push(format!("{key}: missing from the C output")),
        }
    }
    if c_out.len() != rust_out.len() {
        mismatches.push(format!(
            "line counts differ: xen-rs {}, Xen {}",
            rust_out.len(),
            c_out.len()
        ));
    }

    let summary = format!(
        "abi: {n_structs} structs, {n_consts} constants, {} mismatches ({} typedefs and {} \
         macros also compared; {n_extensions} xen-rs extensions not compared)",
        mismatches.len(),
        abi::TYPEDEFS.len(),
        abi::MACROS.len(),
    );
    eprintln!("{summary}");
    println!("{summary}");
    assert!(
        mismatches.is_empty(),
        "{summary}:\n  {}",
        mismatches.join("\n  ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
