//! One test per rule of libxlu's grammar (tools/libs/util/libxlu_cfg_y.y), lexer
//! (libxlu_cfg_l.l) and helpers (libxlu_cfg.c), as in Xen 4.17.

use xlcfg::{parse, GetError, Location, Op, ValueKind};

fn strings(cfg: &xlcfg::Config, key: &str) -> Vec<String> {
    cfg.get_list(key)
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// libxlu_cfg_y.y `file: stmts | stmts assignment`: the last assignment needs no newline.
#[test]
fn file_without_final_newline() {
    let cfg = parse("t.cfg", "a = 1\nb = 2").unwrap();
    assert_eq!(cfg.get_long("a"), Ok(1));
    assert_eq!(cfg.get_long("b"), Ok(2));
    assert!(parse("t.cfg", "").unwrap().settings().is_empty());
}

/// libxlu_cfg_y.y `stmt: endstmt` and `endstmt: NEWLINE | ';'`: empty statements.
#[test]
fn empty_statements_and_semicolons() {
    let cfg = parse("t.cfg", ";;\n\n a = 1; b = \"x\";\n;").unwrap();
    assert_eq!(cfg.get_long("a"), Ok(1));
    assert_eq!(cfg.get_string("b"), Ok("x"));
}

/// libxlu_cfg_y.y `assignment: IDENT '=' value`, and libxlu_cfg.c `find`: the last one wins.
#[test]
fn last_assignment_wins() {
    let cfg = parse("t.cfg", "memory = 512\nmemory = 1024\n").unwrap();
    assert_eq!(cfg.get_long("memory"), Ok(1024));
    assert_eq!(
        cfg.location("memory"),
        Some(Location {
            line: 2,
            column: 10
        })
    );
}

/// libxlu_cfg_y.y `assignment: IDENT "+=" value`; libxlu_cfg.c `xlu__cfg_concat_vals`.
#[test]
fn add_assign_concatenates() {
    let cfg = parse(
        "t.cfg",
        "extra = \"console=hvc0\"\nextra += \" quiet\"\ndisk = ['a']\ndisk += ['b', 'c']\nnew += 'n'\n",
    )
    .unwrap();
    assert_eq!(cfg.get_string("extra"), Ok("console=hvc0 quiet"));
    assert_eq!(strings(&cfg, "disk"), ["a", "b", "c"]);
    assert_eq!(cfg.get_string("new"), Ok("n"));
    assert_eq!(cfg.get("new").unwrap().op, Op::Add);
    let e = parse("t.cfg", "a = 'x'\na += ['y']\n").unwrap_err();
    assert_eq!(e.message, "can't add [list] to \"string\" or vice versa");
    assert_eq!(e.loc.line, 2);
}

/// libxlu_cfg.c `xlu_cfg_get_bounded_long`: a `+=` setting is not a number.
#[test]
fn add_assign_is_not_a_number() {
    let cfg = parse("t.cfg", "vcpus += 2\n").unwrap();
    assert_eq!(
        cfg.get_long("vcpus"),
        Err(GetError::Invalid(
            "t.cfg:1: warning: can't use += with numbers for parameter `vcpus'".into()
        ))
    );
}

/// libxlu_cfg_y.y `value: '[' nlok valuelist ']'`, `valuelist`, `values`, `nlok`:
/// lists across lines, empty lists, a trailing comma.
#[test]
fn lists() {
    let cfg = parse(
        "t.cfg",
        "a = [\n  'x',\n  \"y\" ,\n\n  3,\n]\nb = []\nc = [\n]\nd = ['only']\n",
    )
    .unwrap();
    assert_eq!(strings(&cfg, "a"), ["x", "y", "3"]);
    assert!(cfg.get_list("b").unwrap().is_empty());
    assert!(cfg.get_list("c").unwrap().is_empty());
    assert_eq!(strings(&cfg, "d"), ["only"]);
    assert_eq!(
        cfg.get_list("a").unwrap()[1].loc,
        Location { line: 3, column: 3 }
    );
    // No leading comma, no double comma, no nested list, no comma alone.
    for bad in [
        "a = [,]\n",
        "a = ['x',,]\n",
        "a = [['x']]\n",
        "a = ['x' 'y']\n",
    ] {
        assert_eq!(
            parse("t.cfg", bad).unwrap_err().message,
            "syntax error",
            "{bad}"
        );
    }
}

/// libxlu_cfg_l.l `[a-z][_0-9a-z]*`: keys are lower case.
#[test]
fn key_syntax() {
    let cfg = parse("t.cfg", "on_poweroff_2 = 'destroy'\n").unwrap();
    assert_eq!(cfg.get_string("on_poweroff_2"), Ok("destroy"));
    let e = parse("t.cfg", "Name = 'x'\n").unwrap_err();
    assert_eq!(e.message, "lexical error");
    assert_eq!(
        e.to_string(),
        "t.cfg:1:1: config parsing error near `Name': lexical error"
    );
    assert_eq!(
        parse("t.cfg", "_a = 1\n").unwrap_err().message,
        "lexical error"
    );
}

/// libxlu_cfg_l.l `[0-9][0-9a-fx]*` and libxlu_cfg.c `xlu_cfg_get_long` (strtol base 0,
/// whole string), which also reads quoted numbers.
#[test]
fn numbers() {
    let cfg = parse(
        "t.cfg",
        "a = 0x10\nb = 010\nc = \"42\"\nd = ' -7'\ne = 12ab\nf = 'x'\ng = 99999999999999999999\nh = ['1']\n",
    )
    .unwrap();
    assert_eq!(cfg.get_long("a"), Ok(16));
    assert_eq!(cfg.get_long("b"), Ok(8));
    assert_eq!(cfg.get_long("c"), Ok(42));
    assert_eq!(cfg.get_long("d"), Ok(-7));
    assert_eq!(cfg.get_string("e"), Ok("12ab"));
    assert_eq!(
        cfg.get_long("e"),
        Err(GetError::Invalid(
            "t.cfg:5: warning: parameter `e' is not a valid number".into()
        ))
    );
    assert!(cfg.get_long("f").is_err());
    assert_eq!(
        cfg.get_long("g"),
        Err(GetError::Invalid(
            "t.cfg:7: warning: parameter `g' could not be parsed as a number: Numerical result out of range".into()
        ))
    );
    assert_eq!(
        cfg.get_long("h"),
        Err(GetError::Invalid(
            "t.cfg:8: warning: parameter `h' is a list but should be a single value".into()
        ))
    );
    assert_eq!(cfg.get_long("missing"), Err(GetError::NotFound));
    assert_eq!(
        cfg.get_list("a"),
        Err(GetError::Invalid(
            "t.cfg:1: warning: parameter `a' is a single value but should be a list".into()
        ))
    );
    // A number can't be negative in the lexer: `-` is a lexical error.
    assert_eq!(
        parse("t.cfg", "a = -1\n").unwrap_err().message,
        "lexical error"
    );
}

/// libxlu_cfg.c `xlu_cfg_get_defbool`: non-zero is true.
#[test]
fn defbool() {
    let cfg = parse("t.cfg", "a = 1\nb = 0\nc = '2'\n").unwrap();
    assert_eq!(cfg.get_defbool("a"), Ok(true));
    assert_eq!(cfg.get_defbool("b"), Ok(false));
    assert_eq!(cfg.get_defbool("c"), Ok(true));
}

/// libxlu_cfg_l.l string rules and libxlu_cfg.c `xlu__cfgl_dequote`.
#[test]
fn strings_and_escapes() {
    let cfg = parse(
        "t.cfg",
        r#"a = 'it\'s "q"'
b = "tab\there\\ \"x\" \a\b\f\n\r\v"
c = "unknown\qescape"
d = "oct\123al"
"#,
    )
    .unwrap();
    assert_eq!(cfg.get_string("a"), Ok("it's \"q\""));
    assert_eq!(
        cfg.get_string("b"),
        Ok("tab\there\\ \"x\" \x07\x08\x0c\n\r\x0b")
    );
    assert_eq!(cfg.get_string("c"), Ok("unknownescape"));
    // libxlu reads the digits after the first but never stores the character.
    assert_eq!(cfg.get_string("d"), Ok("octal"));
    assert!(parse("t.cfg", "a = '\\x41'\n")
        .unwrap_err()
        .message
        .contains("hex"));
    // A string ends on its line.
    let e = parse("t.cfg", "a = 'abc\nb = 1\n").unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.loc),
        ("lexical error", Location { line: 1, column: 5 })
    );
}

/// libxlu_cfg_l.l `\n|\#.*\n`: a comment is a newline; at the very end it needs one.
#[test]
fn comments() {
    let cfg = parse(
        "t.cfg",
        "# top\na = 1 # trailing\n#\nb = [ 'x', # in a list\n 'y' ]\n",
    )
    .unwrap();
    assert_eq!(cfg.get_long("a"), Ok(1));
    assert_eq!(strings(&cfg, "b"), ["x", "y"]);
    assert_eq!(
        parse("t.cfg", "a = 1\n# no newline").unwrap_err().message,
        "lexical error"
    );
}

/// libxlu_cfg_y.y `stmt: error NEWLINE` / bison: a syntax error names file, line and column.
#[test]
fn syntax_errors() {
    let e = parse("guest.cfg", "name = 'x'\nmemory 512\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "guest.cfg:2:8: config parsing error near `512': syntax error"
    );
    let e = parse("guest.cfg", "a = 1 2\n").unwrap_err();
    assert_eq!(e.loc, Location { line: 1, column: 7 });
    let e = parse("guest.cfg", "a =\nb = 1\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "guest.cfg:1:4: config parsing error near <newline>: syntax error"
    );
    let e = parse("guest.cfg", "a = [ 'x'").unwrap_err();
    assert_eq!(
        e.to_string(),
        "guest.cfg:1:10: config parsing error near <end of file>: syntax error"
    );
}

/// libxlu_cfg_l.l `[+-.():]`: Python-looking configs are lexical errors.
#[test]
fn python_is_rejected() {
    let e = parse("t.cfg", "name = 'x'\nmemory = 2 * 256\n").unwrap_err();
    assert_eq!(e.loc.line, 2);
    assert_eq!(e.near, "*");
}

#[test]
fn value_kinds() {
    let cfg = parse("t.cfg", "a = ['x']\n").unwrap();
    assert!(matches!(
        cfg.get("a").unwrap().value.kind,
        ValueKind::List(_)
    ));
}
