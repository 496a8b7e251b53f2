//! `parse_mem_size_kb` (Xen 4.17 tools/xl/xl_parse.c, used by `set_memory_target` and
//! `set_memory_max` in tools/xl/xl_mem.c) and the `memory=`/`maxmem=` conversion of
//! `parse_config_data` (tools/xl/xl_parse.c).

use xl::size::{mib_to_kb, parse_mem_size, parse_mem_size_kb, InvalidMemorySize};

// xl_parse.c parse_mem_size_kb: a bare number is MiB (`case '\0':` falls into `case 'm':`).
#[test]
fn bare_number_is_mib() {
    assert_eq!(parse_mem_size_kb("1"), 1024);
    assert_eq!(parse_mem_size_kb("512"), 512 * 1024);
    assert_eq!(parse_mem_size_kb("0"), 0);
}

// xl_parse.c parse_mem_size_kb: every suffix, both cases (`tolower`), with the fall-through
// shifts t -> g -> m.
#[test]
fn every_suffix_both_cases() {
    for (s, kb) in [
        ("3k", 3),
        ("3K", 3),
        ("3m", 3 << 10),
        ("3M", 3 << 10),
        ("3g", 3 << 20),
        ("3G", 3 << 20),
        ("3t", 3i64 << 30),
        ("3T", 3i64 << 30),
        ("3072b", 3),
        ("3072B", 3),
    ] {
        assert_eq!(parse_mem_size_kb(s), kb, "{s}");
    }
}

// xl_parse.c parse_mem_size_kb: `b` shifts right by 10, rounding down.
#[test]
fn bytes_round_down() {
    assert_eq!(parse_mem_size_kb("1023b"), 0);
    assert_eq!(parse_mem_size_kb("2047b"), 1);
    assert_eq!(parse_mem_size_kb("-2048b"), -2);
    // Arithmetic shift of -1 gives -1, which the caller takes for an error.
    assert_eq!(parse_mem_size_kb("-1b"), -1);
}

// xl_parse.c parse_mem_size_kb: strtoll skips leading white space and takes a sign; with no
// digits the value is 0 and the whole string is the "suffix".
#[test]
fn strtoll_prefixes() {
    assert_eq!(parse_mem_size_kb(" 5"), 5 << 10);
    assert_eq!(parse_mem_size_kb("\t\n\x0b\x0c\r5g"), 5 << 20);
    assert_eq!(parse_mem_size_kb("+5"), 5 << 10);
    assert_eq!(parse_mem_size_kb("-1"), -1024);
    assert_eq!(parse_mem_size_kb("007"), 7 << 10);
    // Empty string and a lone suffix: no digits, value 0.
    assert_eq!(parse_mem_size_kb(""), 0);
    assert_eq!(parse_mem_size_kb("m"), 0);
    assert_eq!(parse_mem_size_kb("K"), 0);
    assert_eq!(parse_mem_size_kb("b"), 0);
}

// xl_parse.c parse_mem_size_kb: `strlen(endptr) > 1` and unknown suffixes return -1.
#[test]
fn every_rejection() {
    for s in [
        "5 ", "5x", "5kb", "5MB", "1.5g", "abc", "-", "+", " ", "-m", " m", "0x10", "5é", "é",
        "k5", "5 k",
    ] {
        assert_eq!(parse_mem_size_kb(s), -1, "{s:?}");
        assert_eq!(
            parse_mem_size(s),
            Err(InvalidMemorySize(s.to_string())),
            "{s:?}"
        );
    }
    // xl_mem.c set_memory_target/set_memory_max: the message.
    assert_eq!(
        InvalidMemorySize("5x".into()).to_string(),
        "invalid memory size: 5x"
    );
}

// xl_parse.c parse_mem_size_kb: -1 KiB is indistinguishable from the error value.
#[test]
fn minus_one_kib_is_an_error() {
    assert_eq!(parse_mem_size_kb("-1k"), -1);
    assert!(parse_mem_size("-1k").is_err());
    assert_eq!(parse_mem_size("-2k"), Ok(-2));
    assert_eq!(parse_mem_size("256"), Ok(262144));
}

// xl_parse.c parse_mem_size_kb: strtoll saturates, the int64_t shifts wrap (gcc).
#[test]
fn overflow_saturates_then_wraps() {
    assert_eq!(parse_mem_size_kb("99999999999999999999k"), i64::MAX);
    assert_eq!(parse_mem_size_kb("-99999999999999999999k"), i64::MIN);
    assert_eq!(parse_mem_size_kb("9223372036854775807"), -1024);
    assert_eq!(parse_mem_size_kb("9007199254740992"), i64::MIN); // 2^53 MiB = 2^63 KiB
    assert_eq!(parse_mem_size_kb("8796093022208"), 1i64 << 53);
    assert_eq!(parse_mem_size_kb("-9223372036854775808k"), i64::MIN);
}

// C sees the argument only up to its first NUL.
#[test]
fn stops_at_nul() {
    assert_eq!(parse_mem_size_kb("5\0x"), 5 << 10);
}

// xl_parse.c parse_config_data: `b_info->target_memkb = l * 1024` (memory=) and
// `b_info->max_memkb = l * 1024` (maxmem=).
#[test]
fn config_memory_is_mib() {
    assert_eq!(mib_to_kb(512), 524288);
    assert_eq!(mib_to_kb(0), 0);
    assert_eq!(mib_to_kb(-1), -1024);
    assert_eq!(mib_to_kb(i64::MAX), i64::MAX.wrapping_mul(1024));
}
