//! A parser for xl's domain configuration files (`xl.cfg`), after Xen 4.17's libxlu:
//! the lexer `tools/libs/util/libxlu_cfg_l.l`, the grammar `libxlu_cfg_y.y` and the helpers in
//! `libxlu_cfg.c` (`xlu__cfgl_dequote`, `xlu__cfg_set_store`, `xlu_cfg_get_long`, ...).
//!
//! The grammar, as libxlu's bison file has it:
//!
//! ```text
//! file:       stmts | stmts assignment
//! stmts:      /* empty */ | stmts stmt
//! stmt:       assignment endstmt | endstmt | error NEWLINE
//! assignment: IDENT '=' value | IDENT "+=" value
//! endstmt:    NEWLINE | ';'
//! value:      atom | '[' nlok valuelist ']'
//! atom:       STRING | NUMBER
//! valuelist:  /* empty */ | values | values ',' nlok
//! values:     atom nlok | values ',' nlok atom nlok
//! nlok:       /* empty */ | nlok NEWLINE
//! ```
//!
//! and the tokens, as its flex file has them: `IDENT` is `[a-z][_0-9a-z]*`, `NUMBER` is
//! `[0-9][0-9a-fx]*` (kept as text, like a string), strings are `'...'` or `"..."` on one line with
//! backslash escapes, `NEWLINE` is a newline or a `#` comment up to and including its newline,
//! blanks are spaces and tabs. Anything else is a lexical error.
//!
//! Differences from libxlu: the first error ends the parse (libxlu goes on to report more, but
//! fails the same files); errors carry a column as well as a line; columns count bytes.

#![forbid(unsafe_code)]

use std::fmt;

/// Where a token starts: 1-based line and byte column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: u32,
    /// The byte column in the line, from 1.
    pub column: u32,
}

/// A parsed value: a string (quoted or a bare number) or a list of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A quoted string or a `NUMBER` token, as text (libxlu's `XLU_STRING`).
    String(String),
    /// A list of values (libxlu's `XLU_LIST`); the grammar only puts atoms in lists.
    List(Vec<Value>),
}

/// A value and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it starts.
    pub loc: Location,
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            ValueKind::List(_) => None,
        }
    }
}

/// How a setting was made (libxlu's `enum XLU_Operation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `key = value`.
    Assign,
    /// `key += value`.
    Add,
}

/// One setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The key.
    pub name: String,
    /// The value, after any `+=` concatenation.
    pub value: Value,
    /// `=` or `+=`.
    pub op: Op,
    /// The line of the value (libxlu's `set->lineno`).
    pub line: u32,
}

/// A parsed configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    file_name: String,
    settings: Vec<Setting>,
}

/// A parse error, naming the file, line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The file name given to [`parse`].
    pub file: String,
    /// Where the offending token starts.
    pub loc: Location,
    /// The offending text (empty at the end of the file or for a newline).
    pub near: String,
    /// libxlu's message: `syntax error`, `lexical error`, ...
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // libxlu: "%s:%d: config parsing error near %s%.*s%s%s: %s", plus the column.
        write!(
            f,
            "{}:{}:{}: config parsing error near ",
            self.file, self.loc.line, self.loc.column
        )?;
        if self.near == "\n" {
            f.write_str("<newline>")?;
        } else if self.near.is_empty() {
            f.write_str("<end of file>")?;
        } else {
            write!(f, "`{}'", self.near)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// Why a `get_*` call found no usable value; the messages are libxlu's warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GetError {
    /// The key is not set (libxlu's `ESRCH`).
    NotFound,
    /// The value has the wrong shape or does not parse (libxlu's `EINVAL`/`ERANGE`).
    Invalid(String),
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::NotFound => f.write_str("not set"),
            GetError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for GetError {}

impl Config {
    /// The file name the configuration was parsed under.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Every setting in file order (later ones win).
    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// The setting that counts for `key`: the last one (libxlu's `find`).
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.iter().rev().find(|s| s.name == key)
    }

    fn find_atom(&self, key: &str) -> Result<(&Setting, &str), GetError> {
        let set = self.get(key).ok_or(GetError::NotFound)?;
        match &set.value.kind {
            ValueKind::String(s) => Ok((set, s)),
            ValueKind::List(_) => Err(GetError::Invalid(format!(
                "{}:{}: warning: parameter `{key}' is a list but should be a single value",
                self.file_name, set.line
            ))),
        }
    }

    /// `xlu_cfg_get_string`: the value of a single-valued key.
    pub fn get_string(&self, key: &str) -> Result<&str, GetError> {
        self.find_atom(key).map(|(_, s)| s)
    }

    /// `xlu_cfg_get_long`: the value as C's `strtol(s, &ep, 0)` reads it (leading blanks, a
    /// sign, `0x` hex, `0` octal), the whole string; a quoted number works like a bare one.
    /// A value set with `+=` is refused, as libxlu does.
    pub fn get_long(&self, key: &str) -> Result<i64, GetError> {
        let (set, s) = self.find_atom(key)?;
        if set.op == Op::Add {
            return Err(GetError::Invalid(format!(
                "{}:{}: warning: can't use += with numbers for parameter `{key}'",
                self.file_name, set.line
            )));
        }
        match strtol(s) {
            Ok(v) => Ok(v),
            Err(StrtolError::Range) => Err(GetError::Invalid(format!(
                "{}:{}: warning: parameter `{key}' could not be parsed as a number: \
                 Numerical result out of range",
                self.file_name, set.line
            ))),
            Err(StrtolError::Invalid) => Err(GetError::Invalid(format!(
                "{}:{}: warning: parameter `{key}' is not a valid number",
                self.file_name, set.line
            ))),
        }
    }

    /// `xlu_cfg_get_defbool`: `get_long`, then non-zero is true.
    pub fn get_defbool(&self, key: &str) -> Result<bool, GetError> {
        self.get_long(key).map(|l| l != 0)
    }

    /// `xlu_cfg_get_list`: the items of a list-valued key.
    pub fn get_list(&self, key: &str) -> Result<&[Value], GetError> {
        let set = self.get(key).ok_or(GetError::NotFound)?;
        match &set.value.kind {
            ValueKind::List(l) => Ok(l),
            ValueKind::String(_) => Err(GetError::Invalid(format!(
                "{}:{}: warning: parameter `{key}' is a single value but should be a list",
                self.file_name, set.line
            ))),
        }
    }

    /// The location of `key`'s value, for later error messages.
    pub fn location(&self, key: &str) -> Option<Location> {
        self.get(key).map(|s| s.value.loc)
    }
}

enum StrtolError {
    Invalid,
    Range,
}

/// C's `strtol(s, &ep, 0)` on a 64-bit `long`, requiring that it consumes the whole string.
fn strtol(s: &str) -> Result<i64, StrtolError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let mut radix = 10;
    if i < b.len() && b[i] == b'0' {
        if b.get(i + 1).is_some_and(|&x| x | 0x20 == b'x')
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    let start = i;
    let mut acc: i128 = 0;
    let mut overflow = false;
    while i < b.len() {
        let Some(d) = (b[i] as char).to_digit(radix) else {
            break;
        };
        acc = acc * i128::from(radix) + i128::from(d);
        if acc > i128::from(i64::MAX) + 1 {
            overflow = true;
            acc = i128::from(i64::MAX) + 1;
        }
        i += 1;
    }
    let v = if neg { -acc } else { acc };
    // libxlu checks errno (ERANGE) before the end pointer.
    if overflow || v > i128::from(i64::MAX) || v < i128::from(i64::MIN) {
        return Err(StrtolError::Range);
    }
    // Nothing parsed (ep == s) or trailing junk (*ep).
    if i == start || i != b.len() {
        return Err(StrtolError::Invalid);
    }
    i64::try_from(v).map_err(|_| StrtolError::Range)
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Number(String),
    Str(Vec<u8>),
    Comma,
    LBr,
    RBr,
    Eq,
    AddAssign,
    Semi,
    Newline,
    Eof,
}

struct Lexer<'a> {
    file: &'a str,
    b: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lexer<'a> {
    fn loc(&self, at: usize) -> Location {
        Location {
            line: self.line,
            column: u32::try_from(at - self.line_start + 1).unwrap_or(u32::MAX),
        }
    }

    fn error(&self, at: usize, end: usize, message: &str) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            loc: self.loc(at),
            near: String::from_utf8_lossy(&self.b[at..end]).into_owned(),
            message: message.to_string(),
        }
    }

    fn newline(&mut self) {
        self.line = self.line.saturating_add(1);
        self.line_start = self.pos;
    }

    /// The next token, its location and its text span.
    fn next(&mut self) -> Result<(Tok, Location, usize, usize), ParseError> {
        let b = self.b;
        while self.pos < b.len() && (b[self.pos] == b' ' || b[self.pos] == b'\t') {
            self.pos += 1;
        }
        let start = self.pos;
        let loc = self.loc(start);
        let Some(&c) = b.get(start) else {
            return Ok((Tok::Eof, loc, start, start));
        };
        let text = |end: usize| String::from_utf8_lossy(&b[start..end]).into_owned();
        let tok = match c {
            b'a'..=b'z' => {
                let mut end = start + 1;
                while end < b.len() && matches!(b[end], b'_' | b'0'..=b'9' | b'a'..=b'z') {
                    end += 1;
                }
                self.pos = end;
                Tok::Ident(text(end))
            }
            b'0'..=b'9' => {
                let mut end = start + 1;
                while end < b.len() && matches!(b[end], b'0'..=b'9' | b'a'..=b'f' | b'x') {
                    end += 1;
                }
                self.pos = end;
                Tok::Number(text(end))
            }
            b',' => self.single(Tok::Comma),
            b'[' => self.single(Tok::LBr),
            b']' => self.single(Tok::RBr),
            b'=' => self.single(Tok::Eq),
            b';' => self.single(Tok::Semi),
            b'+' if b.get(start + 1) == Some(&b'=') => {
                self.pos += 2;
                Tok::AddAssign
            }
            b'\n' => {
                self.pos += 1;
                let t = (Tok::Newline, loc, start, self.pos);
                self.newline();
                return Ok(t);
            }
            b'#' => {
                // `\#.*\n`: a comment needs its newline; without one `#` is a lexical error.
                match b[start..].iter().position(|&x| x == b'\n') {
                    Some(n) => {
                        self.pos = start + n + 1;
                        let t = (Tok::Newline, loc, start, self.pos);
                        self.newline();
                        return Ok(t);
                    }
                    None => return Err(self.lexerr(start)),
                }
            }
            b'\'' | b'"' => {
                let mut end = start + 1;
                loop {
                    match b.get(end) {
                        Some(&q) if q == c => break,
                        Some(b'\\') if b.get(end + 1).is_some_and(|&n| n != b'\n') => end += 2,
                        Some(b'\\') | Some(b'\n') | None => return Err(self.lexerr(start)),
                        Some(_) => end += 1,
                    }
                }
                self.pos = end + 1;
                Tok::Str(self.dequote(start, self.pos)?)
            }
            _ => return Err(self.lexerr(start)),
        };
        Ok((tok, loc, start, self.pos))
    }

    fn single(&mut self, t: Tok) -> Tok {
        self.pos += 1;
        t
    }

    /// The `lexerr` start condition: the bad character and the non-blanks after it.
    fn lexerr(&self, start: usize) -> ParseError {
        let mut end = start + 1;
        while end < self.b.len() && !matches!(self.b[end], b' ' | b'\t' | b'\n') {
            end += 1;
        }
        // Keep the text on a character boundary for the message.
        while end < self.b.len() && (self.b[end] & 0xc0) == 0x80 {
            end += 1;
        }
        self.error(start, end, "lexical error")
    }

    /// `xlu__cfgl_dequote`, with its quirks: unknown escapes produce nothing, `\x` always fails
    /// (its digit-count check can never pass), and `\<digit>` skips the next two or three decimal
    /// digits without producing anything, failing if fewer than two follow.
    fn dequote(&self, start: usize, end: usize) -> Result<Vec<u8>, ParseError> {
        let src = &self.b[start + 1..end - 1];
        let mut out = Vec::with_capacity(src.len());
        let mut p = 0;
        while p < src.len() {
            let c = src[p];
            p += 1;
            if c != b'\\' {
                out.push(c);
                continue;
            }
            let nc = src[p];
            p += 1;
            match nc {
                b'"' | b'\'' | b'\\' => out.push(nc),
                b'a' => out.push(0x07),
                b'b' => out.push(0x08),
                b'f' => out.push(0x0c),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'v' => out.push(0x0b),
                b'x' => return Err(self.error(
                    start,
                    end,
                    "invalid digit after backslash hex numerical character escape in quoted string",
                )),
                b'0'..=b'7' => {
                    let digits = src[p..]
                        .iter()
                        .take(3)
                        .take_while(|d| d.is_ascii_digit())
                        .count();
                    if digits <= 1 {
                        return Err(self.error(
                            start,
                            end,
                            "invalid digit after backslash octal numerical character escape in quoted string",
                        ));
                    }
                    p += digits;
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Tok,
    loc: Location,
    span: (usize, usize),
    settings: Vec<Setting>,
}

impl<'a> Parser<'a> {
    fn advance(&mut self) -> Result<(), ParseError> {
        let (t, loc, s, e) = self.lex.next()?;
        self.tok = t;
        self.loc = loc;
        self.span = (s, e);
        Ok(())
    }

    fn syntax_error(&self) -> ParseError {
        let mut near = String::from_utf8_lossy(&self.lex.b[self.span.0..self.span.1]).into_owned();
        if self.tok != Tok::Newline {
            near = near.trim_end_matches(['\n', ' ', '\t']).to_string();
        }
        ParseError {
            file: self.lex.file.to_string(),
            loc: self.loc,
            near,
            message: "syntax error".to_string(),
        }
    }

    fn nlok(&mut self) -> Result<(), ParseError> {
        while self.tok == Tok::Newline {
            self.advance()?;
        }
        Ok(())
    }

    fn atom(&mut self) -> Result<Option<Value>, ParseError> {
        let s = match &self.tok {
            Tok::Str(s) => String::from_utf8_lossy(s).into_owned(),
            Tok::Number(n) => n.clone(),
            _ => return Ok(None),
        };
        let v = Value {
            kind: ValueKind::String(s),
            loc: self.loc,
        };
        self.advance()?;
        Ok(Some(v))
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        if let Some(v) = self.atom()? {
            return Ok(v);
        }
        if self.tok != Tok::LBr {
            return Err(self.syntax_error());
        }
        let loc = self.loc;
        self.advance()?;
        self.nlok()?;
        let mut items = Vec::new();
        if self.tok != Tok::RBr {
            loop {
                let a = self.atom()?.ok_or_else(|| self.syntax_error())?;
                items.push(a);
                self.nlok()?;
                match self.tok {
                    Tok::Comma => {
                        self.advance()?;
                        self.nlok()?;
                        if self.tok == Tok::RBr {
                            break;
                        }
                    }
                    Tok::RBr => break,
                    _ => return Err(self.syntax_error()),
                }
            }
        }
        self.advance()?;
        Ok(Value {
            kind: ValueKind::List(items),
            loc,
        })
    }

    /// `xlu__cfg_set_store`, with `+=` concatenating onto the previous value.
    fn store(
        &mut self,
        name: String,
        op: Op,
        mut value: Value,
        at: (usize, usize),
    ) -> Result<(), ParseError> {
        if op == Op::Add {
            if let Some(prev) = self.settings.iter().rev().find(|s| s.name == name) {
                match (&prev.value.kind, &mut value.kind) {
                    (ValueKind::String(p), ValueKind::String(s)) => *s = format!("{p}{s}"),
                    (ValueKind::List(p), ValueKind::List(l)) => {
                        let mut all = p.clone();
                        all.append(l);
                        *l = all;
                    }
                    _ => {
                        return Err(ParseError {
                            file: self.lex.file.to_string(),
                            loc: value.loc,
                            near: String::from_utf8_lossy(&self.lex.b[at.0..at.1]).into_owned(),
                            message: "can't add [list] to \"string\" or vice versa".to_string(),
                        })
                    }
                }
            }
        }
        let line = value.loc.line;
        self.settings.push(Setting {
            name,
            value,
            op,
            line,
        });
        Ok(())
    }

    fn file(&mut self) -> Result<(), ParseError> {
        self.advance()?;
        loop {
            match &self.tok {
                Tok::Eof => return Ok(()),
                Tok::Newline | Tok::Semi => self.advance()?,
                Tok::Ident(name) => {
                    let name = name.clone();
                    self.advance()?;
                    let op = match self.tok {
                        Tok::Eq => Op::Assign,
                        Tok::AddAssign => Op::Add,
                        _ => return Err(self.syntax_error()),
                    };
                    self.advance()?;
                    let start = self.span.0;
                    let value = self.value()?;
                    // The value's text, for a `+=` error.
                    let mut end = self.span.0.max(start);
                    while end > start && matches!(self.lex.b[end - 1], b' ' | b'\t') {
                        end -= 1;
                    }
                    self.store(name, op, value, (start, end))?;
                    match self.tok {
                        Tok::Eof => return Ok(()),
                        Tok::Newline | Tok::Semi => self.advance()?,
                        _ => return Err(self.syntax_error()),
                    }
                }
                _ => return Err(self.syntax_error()),
            }
        }
    }
}

/// Parses `text`, an xl.cfg file; `file_name` goes into error messages.
pub fn parse(file_name: &str, text: &str) -> Result<Config, ParseError> {
    let mut p = Parser {
        lex: Lexer {
            file: file_name,
            b: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
        },
        tok: Tok::Eof,
        loc: Location { line: 1, column: 1 },
        span: (0, 0),
        settings: Vec::new(),
    };
    p.file()?;
    Ok(Config {
        file_name: file_name.to_string(),
        settings: p.settings,
    })
}
