//! xl's command lines, split by lexopt as glibc's `getopt_long` splits them for xl (`main` in
//! xl.c, `def_getopt` in xl_utils.c): `-lv` is `-l -v`, `--` ends the options, and options may
//! follow operands (xl's subcommands permute; main.rs stops at the subcommand, the `+` in xl.c's
//! option string). xl's messages name an option as it was written, so options are handed out as
//! their spelling; no option xen-rs's xl knows takes a value.

use std::ffi::OsString;

/// One item of a command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Arg {
    /// An option as written: `-l`, `--long`, or `--long=x`.
    Option(String),
    /// An operand: a domain, a file, a `key=value`.
    Operand(String),
}

/// A parser over `args` (without the program name).
pub fn parser(args: impl IntoIterator<Item = impl Into<OsString>>) -> lexopt::Parser {
    let mut p = lexopt::Parser::from_args(args);
    // getopt has no `-o=value`: `-l=x` is `-l`, `-=`, `-x`.
    p.set_short_equals(false);
    p
}

/// The next item of `p`, or `None` at the end.
pub fn next(p: &mut lexopt::Parser) -> Option<Arg> {
    // `next` fails only on a value left attached to the previous option, and that is always
    // taken below.
    let long = match p.next().ok()?? {
        lexopt::Arg::Short(c) => return Some(Arg::Option(format!("-{c}"))),
        lexopt::Arg::Long(name) => format!("--{name}"),
        lexopt::Arg::Value(v) => return Some(Arg::Operand(v.to_string_lossy().into_owned())),
    };
    Some(Arg::Option(match p.optional_value() {
        Some(value) => format!("{long}={}", value.to_string_lossy()),
        None => long,
    }))
}

/// A subcommand's arguments, in order.
pub fn args(words: &[&str]) -> impl Iterator<Item = Arg> {
    let mut p = parser(words.iter().copied());
    std::iter::from_fn(move || next(&mut p))
}
