//! Small outputs: `xl domid`, `xl domname` (tools/xl/xl_info.c) and `print_bitmap`
//! (tools/xl/xl_utils.c), which `xl vcpu-list` and `xl list -n` use for cpu and node sets.

/// `print_bitmap(map, maplen, stream)` in tools/xl/xl_utils.c.
///
/// `map` is a libxl bitmap (bit `n` is bit `n % 8` of byte `n / 8`); only the first `maplen`
/// bits are looked at (bytes past the end of `map` count as clear). Prints `none` when no bit is
/// set, `all` when the set bits are exactly one run starting at 0 and reaching `maplen - 1`,
/// and otherwise comma-separated runs `a` or `a-b`.
pub fn print_bitmap(map: &[u8], maplen: usize) -> String {
    let bit = |i: usize| map.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0);
    let mut out = String::new();
    // The states of xl's loop: 0 nothing seen, 1 in the first run, 2 between runs, 3 in a
    // later run.
    let mut state = 0;
    let mut firstset = 0;
    let emit = |out: &mut String, state: u32, firstset: usize, last: usize| {
        if state > 1 {
            out.push(',');
        }
        out.push_str(&firstset.to_string());
        if last > firstset {
            out.push_str(&format!("-{last}"));
        }
    };
    for i in 0..maplen {
        match state {
            0 | 2 => {
                if bit(i) {
                    firstset = i;
                    state += 1;
                }
            }
            _ => {
                if !bit(i) {
                    emit(&mut out, state, firstset, i - 1);
                    state = 2;
                }
            }
        }
    }
    match state {
        0 => out.push_str("none"),
        2 => {}
        1 if firstset == 0 => out.push_str("all"),
        _ => emit(&mut out, state, firstset, maplen - 1),
    }
    out
}

/// A libxl bitmap with the given bits set (a helper for filling the structs of this module).
pub fn bitmap_from_bits(bits: impl IntoIterator<Item = usize>) -> Vec<u8> {
    let mut map = Vec::new();
    for b in bits {
        if map.len() <= b / 8 {
            map.resize(b / 8 + 1, 0);
        }
        map[b / 8] |= 1 << (b % 8);
    }
    map
}

/// `xl domid <name>` on success: `printf("%u\n", domid)` in `main_domid`.
///
/// On failure xl prints to stderr "Can't get domid of domain name '<name>', maybe this domain
/// does not exist.\n" and exits 1.
pub fn domid_line(domid: u32) -> String {
    format!("{domid}\n")
}

/// `xl domname <id>` on success: `printf("%s\n", domname)` in `main_domname`.
///
/// On failure xl prints to stderr "Invalid domain id.\n\n" (no digits at all) or "Can't get
/// domain name of domain id '<id>', maybe this domain does not exist.\n" and exits 1.
pub fn domname_line(domname: &str) -> String {
    format!("{domname}\n")
}
