//! Memory sizes as xl reads them.
//!
//! - `xl mem-set` / `xl mem-max` take a size string: [`parse_mem_size_kb`], a port of
//!   `parse_mem_size_kb` in Xen 4.17's tools/xl/xl_parse.c (called from `set_memory_target`
//!   and `set_memory_max` in tools/xl/xl_mem.c).
//! - `xl create` reads `memory=` and `maxmem=` as plain integers in MiB
//!   (`xlu_cfg_get_long` in `parse_config_data`, tools/xl/xl_parse.c) and stores
//!   `b_info->target_memkb = memory * 1024` and `b_info->max_memkb = maxmem * 1024`:
//!   [`mib_to_kb`].

/// xl's error for a size [`parse_mem_size_kb`] refuses: xl prints
/// `"invalid memory size: %s\n"` with the argument to stderr and exits with `EXIT_FAILURE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidMemorySize(pub String);

impl std::fmt::Display for InvalidMemorySize {
    /// The message without its newline: `invalid memory size: <arg>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid memory size: {}", self.0)
    }
}

impl std::error::Error for InvalidMemorySize {}

/// `parse_mem_size_kb` (tools/xl/xl_parse.c): the size in KiB, or -1 when refused.
///
/// Exactly xl's C behaviour:
/// - the number is read by `strtoll(mem, &end, 10)`: leading C-locale white space
///   (space, `\t \n \v \f \r`) and one `+`/`-` are accepted, so negative sizes parse; with no
///   digits the number is 0 and the "rest" is the whole string; an out-of-range number saturates
///   at `i64::MIN`/`i64::MAX` (xl does not look at `errno`);
/// - more than one byte after the number is refused (-1); so is a single byte other than the
///   suffixes below;
/// - the suffix is case-insensitive: none or `m` is MiB (`<< 10`), `g` GiB (`<< 20`), `t` TiB
///   (`<< 30`), `k` KiB, `b` bytes (`>> 10`, rounding down, arithmetically for negatives);
/// - the shifts are done on `int64_t` and overflow is not checked: like gcc's code this wraps
///   (`-1k` and sizes that wrap to -1 are then indistinguishable from an error, as in xl).
///
/// So `""` is 0, `"m"` is 0, `"-1"` is -1024 and `"1x"`, `"1kb"`, `"abc"`, `" "` are -1. The
/// argument is read up to its first NUL, as C sees it.
pub fn parse_mem_size_kb(mem: &str) -> i64 {
    let s = mem.as_bytes();
    let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
    let (kbytes, rest) = c_strtoll(s);
    if rest.len() > 1 {
        return -1;
    }
    match rest.first().map(u8::to_ascii_lowercase) {
        Some(b't') => kbytes.wrapping_shl(30),
        Some(b'g') => kbytes.wrapping_shl(20),
        None | Some(b'm') => kbytes.wrapping_shl(10),
        Some(b'k') => kbytes,
        Some(b'b') => kbytes >> 10,
        Some(_) => -1,
    }
}

/// [`parse_mem_size_kb`] as a `Result`: `Err` exactly when xl's caller sees -1 and prints
/// "invalid memory size: <arg>".
pub fn parse_mem_size(mem: &str) -> Result<i64, InvalidMemorySize> {
    match parse_mem_size_kb(mem) {
        -1 => Err(InvalidMemorySize(mem.to_string())),
        kb => Ok(kb),
    }
}

/// `strtoll(s, &end, 10)` in the C locale: the value and the bytes from `end` on.
fn c_strtoll(s: &[u8]) -> (i64, &[u8]) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits_start = i;
    // Accumulate the magnitude; saturate like strtoll does on ERANGE.
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while i < s.len() && s[i].is_ascii_digit() {
        let d = u64::from(s[i] - b'0');
        match magnitude.checked_mul(10).and_then(|m| m.checked_add(d)) {
            Some(m) => magnitude = m,
            None => overflow = true,
        }
        i += 1;
    }
    if i == digits_start {
        // No conversion: the value is 0 and end is the start of the string.
        return (0, s);
    }
    let value = if negative {
        if overflow || magnitude > 1u64 << 63 {
            i64::MIN
        } else {
            (magnitude as i64).wrapping_neg()
        }
    } else if overflow || magnitude > i64::MAX as u64 {
        i64::MAX
    } else {
        magnitude as i64
    };
    (value, &s[i..])
}

/// `memory = N` / `maxmem = N` of an xl config file: N MiB in KiB, as `parse_config_data` stores
/// it (`target_memkb = l * 1024`, `max_memkb = l * 1024`, with `l` a C `long`). The product is
/// computed in 64 bits and wraps like C; `xlu_cfg_get_long` itself accepts only a whole decimal
/// number (see xlcfg), which is the caller's business.
pub fn mib_to_kb(mib: i64) -> i64 {
    mib.wrapping_mul(1024)
}
