//! How xl's command lines are split: as glibc's getopt_long splits them for xl's subcommands
//! (def_getopt in xl_utils.c, permuting), each option under the spelling xl's messages use.

use xl::getopt::{args, Arg};

fn split(words: &[&str]) -> Vec<Arg> {
    args(words).collect()
}

fn opt(s: &str) -> Arg {
    Arg::Option(s.into())
}

fn operand(s: &str) -> Arg {
    Arg::Operand(s.into())
}

#[test]
fn options_may_follow_operands() {
    assert_eq!(
        split(&["dom", "-l", "--long", "other"]),
        [operand("dom"), opt("-l"), opt("--long"), operand("other")]
    );
}

#[test]
fn short_options_cluster() {
    assert_eq!(split(&["-lv"]), [opt("-l"), opt("-v")]);
    // getopt has no `-o=value`.
    assert_eq!(split(&["-l=x"]), [opt("-l"), opt("-="), opt("-x")]);
}

#[test]
fn a_value_given_to_a_long_option_is_part_of_its_spelling() {
    assert_eq!(split(&["--long=1", "--x="]), [opt("--long=1"), opt("--x=")]);
}

#[test]
fn double_dash_ends_the_options_and_a_lone_dash_is_an_operand() {
    assert_eq!(
        split(&["-", "--", "-l", "--"]),
        [operand("-"), operand("-l"), operand("--")]
    );
}
