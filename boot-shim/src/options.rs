//! The hypervisor command-line options xen-rs shares with Xen, parsed from the Multiboot2 command
//! line with Xen's rules (split by [`crate::cmdline::options`], as `parse_params` in
//! xen/common/kernel.c splits it):
//!
//! - `console=<dev>[,<dev>...]` (xen/drivers/char/console.c, `console_has`);
//! - `com1=` / `com2=` (xen/drivers/char/ns16550.c, `ns16550_parse_port_config`);
//! - `dom0_mem=` (xen/arch/x86/dom0_build.c, `parse_dom0_mem`, with `parse_size_and_unit` from
//!   xen/lib/parse-size.c);
//! - `loglvl=` / `guest_loglvl=` (console.c, `_parse_loglvl`);
//! - `noreboot` (a boolean, `parse_bool` in kernel.c);
//! - `dom0=` (dom0_build.c, `parse_dom0_param`), as a Xen built without CONFIG_PV and without
//!   CONFIG_SHADOW_PAGING parses it: `dom0=pv` is an invalid value;
//! - xen-rs's own `test_fault=` and `test_guest=`.
//!
//! Unknown options and invalid values are collected, not fatal, so the caller can print Xen's
//! messages (`parameter "foo" unknown!`) and go on, as Xen does.

use core::fmt;

use crate::cmdline;

/// A list of at most `N` items that never allocates; what does not fit is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedList<T: Copy, const N: usize> {
    items: [Option<T>; N],
    len: usize,
    dropped: usize,
}

impl<T: Copy, const N: usize> Default for FixedList<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy, const N: usize> FixedList<T, N> {
    /// An empty list.
    pub const fn new() -> Self {
        FixedList {
            items: [None; N],
            len: 0,
            dropped: 0,
        }
    }

    /// Appends `item`; returns false (and counts it as dropped) when the list is full.
    pub fn push(&mut self, item: T) -> bool {
        match self.items.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(item);
                self.len += 1;
                true
            }
            None => {
                self.dropped = self.dropped.saturating_add(1);
                false
            }
        }
    }

    /// The number of items kept.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no item is kept.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many items did not fit.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Item `index`.
    pub fn get(&self, index: usize) -> Option<T> {
        self.items.get(index).copied().flatten()
    }

    /// The items, in order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.items.iter().take(self.len).filter_map(|i| *i)
    }

    /// The last item.
    pub fn last(&self) -> Option<T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// Mutable access to item `index`.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        if index < self.len {
            self.items.get_mut(index).and_then(|i| i.as_mut())
        } else {
            None
        }
    }
}

/// Xen's -EINVAL, the `rc` its "invalid value" message shows for these options.
pub const EINVAL_RC: i32 = -22;

/// How many unknown and invalid options are kept for the report.
pub const MAX_REPORTED_OPTIONS: usize = 32;

/// Why an option's value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionError {
    /// A size is not `<number>[BKMGT]` (`parse_size_and_unit`).
    BadSize,
    /// A number does not fit in 64 bits (Xen would wrap silently).
    Overflow,
    /// A `dom0_mem` percentage is 100 or more (`parse_amt`: "<frac>: integer value < 100").
    BadPercentage,
    /// Text after a value (`parse_dom0_mem` returns -EINVAL).
    TrailingCharacters,
    /// `loglvl=` names no level (none, error, warning, info, debug, all).
    BadLogLevel,
    /// A boolean value that `parse_bool` does not know.
    BadBoolean,
    /// `dom0=pv`: xen-rs, like a Xen built without CONFIG_PV, only builds a PVH dom0.
    Dom0PvUnsupported,
    /// `dom0=shadow`: xen-rs, like a Xen built without CONFIG_SHADOW_PAGING, uses only HAP.
    Dom0ShadowUnsupported,
    /// A `dom0=` sub-option Xen does not know (or one for PV only).
    BadDom0Option,
    /// `no-` in front of an option that is not a boolean.
    NotBoolean,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OptionError::BadSize => "not a size (<number>[BKMGT])",
            OptionError::Overflow => "number too large",
            OptionError::BadPercentage => "percentage must be below 100",
            OptionError::TrailingCharacters => "unexpected characters after the value",
            OptionError::BadLogLevel => {
                "log level must be none, error, warning, info, debug or all"
            }
            OptionError::BadBoolean => "not a boolean",
            OptionError::Dom0PvUnsupported => {
                "xen-rs builds only a PVH dom0 (dom0=pvh); a PV dom0 is not supported"
            }
            OptionError::Dom0ShadowUnsupported => {
                "xen-rs has no shadow paging; dom0 uses hardware-assisted paging"
            }
            OptionError::BadDom0Option => "unknown dom0= sub-option",
            OptionError::NotBoolean => "no- applies only to boolean options",
        })
    }
}

/// An option whose value was refused; displays as Xen's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidOption<'a> {
    /// The option name as written (with any `no-`).
    pub name: &'a str,
    /// The value as written ("" when there was none).
    pub value: &'a str,
    /// Xen's return code (-EINVAL).
    pub rc: i32,
    /// Why, in words.
    pub reason: OptionError,
}

impl fmt::Display for InvalidOption<'_> {
    /// `parameter "dom0" has invalid value "pv", rc=-22!` (xen/common/kernel.c, `parse_params`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parameter \"{}\" has invalid value \"{}\", rc={}!",
            self.name, self.value, self.rc
        )
    }
}

/// An option nobody knows; displays as Xen's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownOption<'a>(pub &'a str);

impl fmt::Display for UnknownOption<'_> {
    /// `parameter "foo" unknown!` (xen/common/kernel.c, `parse_params`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "parameter \"{}\" unknown!", self.0)
    }
}

// ----------------------------------------------------------------------------------------------
// Numbers and sizes.

/// Xen's `simple_strtoull`: the longest prefix of digits in `base` (0 picks 16 for "0x" followed by
/// a hex digit, 8 for a leading 0, else 10), and the rest of the string. No digit gives 0 and the
/// whole string. Unlike Xen, a value above 64 bits is an error instead of wrapping.
pub fn simple_strtoull(s: &str, base: u32) -> Result<(u64, &str), OptionError> {
    let b = s.as_bytes();
    let (mut base, mut i) = (base, 0usize);
    if base == 0 {
        base = 10;
        if b.first() == Some(&b'0') {
            base = 8;
            i = 1;
            if matches!(b.get(1), Some(b'x' | b'X')) && b.get(2).is_some_and(u8::is_ascii_hexdigit)
            {
                base = 16;
                i = 2;
            }
        }
    } else if base == 16
        && b.first() == Some(&b'0')
        && matches!(b.get(1), Some(b'x' | b'X'))
        && b.get(2).is_some_and(u8::is_ascii_hexdigit)
    {
        i = 2;
    }
    let mut value: u64 = 0;
    while let Some(d) = b.get(i).and_then(|c| char::from(*c).to_digit(base)) {
        value = value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or(OptionError::Overflow)?;
        i += 1;
    }
    // Every byte consumed is an ASCII digit or 'x', so `i` is a char boundary.
    Ok((value, s.get(i..).unwrap_or("")))
}

/// Xen's `simple_strtol` (base 10 here): an optional '-' then digits.
fn simple_strtol(s: &str) -> Result<(i64, &str), OptionError> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (v, rest) = simple_strtoull(digits, 10)?;
    let v = i64::try_from(v).map_err(|_| OptionError::Overflow)?;
    Ok((if neg { -v } else { v }, rest))
}

/// Xen's `parse_size_and_unit` (xen/lib/parse-size.c) with an end pointer: a number (base as
/// `simple_strtoull(.., 0)`) and a unit: `T`, `G`, `M`, `K` (either case) multiply by 2^40, 2^30,
/// 2^20, 2^10; `B` means bytes; `%` is left for the caller (dom0_mem percentages) and the number
/// is returned unscaled; anything else means KiB and is not consumed. Returns the value and the
/// rest after the unit. An overflowing size is an error (Xen shifts the bits out).
pub fn parse_size_and_unit(s: &str) -> Result<(u64, &str), OptionError> {
    let (value, rest) = simple_strtoull(s, 0)?;
    let (shift, consumed) = match rest.as_bytes().first() {
        Some(b'T' | b't') => (40, 1),
        Some(b'G' | b'g') => (30, 1),
        Some(b'M' | b'm') => (20, 1),
        Some(b'K' | b'k') => (10, 1),
        Some(b'B' | b'b') => (0, 1),
        Some(b'%') => (0, 0),
        _ => (10, 0),
    };
    let scaled = value
        .checked_mul(1u64 << shift)
        .ok_or(OptionError::Overflow)?;
    Ok((scaled, rest.get(consumed..).unwrap_or("")))
}

// ----------------------------------------------------------------------------------------------
// dom0_mem.

/// The size of a page, for `dom0_mem` amounts.
const PAGE_SHIFT: u32 = 12;

/// One `dom0_mem` amount (`struct memsize` in dom0_build.c): `<size>`, `<frac>%` or
/// `<size>+<frac>%`, optionally negative ("all available memory but this").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemSize {
    /// The `<size>` part, in pages (bytes >> 12, rounded down).
    pub nr_pages: u64,
    /// The `<frac>%` part, 0..=99.
    pub percent: u32,
    /// A leading '-': the amount is subtracted from the available memory.
    pub minus: bool,
}

impl MemSize {
    /// No amount (`dom0_size` and `dom0_min_size` before any option).
    pub const ZERO: MemSize = MemSize {
        nr_pages: 0,
        percent: 0,
        minus: false,
    };

    /// No limit (`dom0_max_size`'s initial `LONG_MAX` pages).
    pub const UNLIMITED: MemSize = MemSize {
        nr_pages: i64::MAX as u64,
        percent: 0,
        minus: false,
    };

    /// Xen's `get_memsize`: `nr_pages + percent * avail / 100`, subtracted from `avail` when negative.
    /// `None` when a negative amount exceeds `avail` (Xen's unsigned arithmetic wraps there and
    /// then clamps to all of memory; xen-rs refuses instead).
    pub fn get_memsize(&self, avail: u64) -> Option<u64> {
        let frac = u64::from(self.percent).checked_mul(avail)? / 100;
        let pages = self.nr_pages.checked_add(frac)?;
        if self.minus {
            avail.checked_sub(pages)
        } else {
            Some(pages)
        }
    }

    /// Xen's `memsize_gt_zero`: a positive, non-zero page amount.
    pub fn gt_zero(&self) -> bool {
        !self.minus && self.nr_pages != 0
    }
}

/// The `dom0_mem=` settings: `[min:<amt>,][max:<amt>,][<amt>]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dom0Mem {
    /// `<amt>`: dom0's size; zero means "not given" (the default then applies).
    pub size: MemSize,
    /// `min:<amt>`.
    pub min: MemSize,
    /// `max:<amt>`.
    pub max: MemSize,
}

impl Default for Dom0Mem {
    fn default() -> Self {
        Dom0Mem {
            size: MemSize::ZERO,
            min: MemSize::ZERO,
            max: MemSize::UNLIMITED,
        }
    }
}

/// Xen's `parse_amt`: one amount, up to the next ',' or the end; returns the rest (at the ',').
fn parse_amt(s: &str) -> Result<(MemSize, &str), OptionError> {
    let mut tmp = MemSize::ZERO;
    let mut s = s;
    if let Some(rest) = s.strip_prefix('-') {
        tmp.minus = true;
        s = rest;
    }
    let mut items = 0;
    loop {
        if !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Err(OptionError::BadSize);
        }
        let (val, rest) = parse_size_and_unit(s)?;
        s = rest;
        if let Some(rest) = s.strip_prefix('%') {
            if val >= 100 {
                return Err(OptionError::BadPercentage);
            }
            // val < 100 was just checked.
            tmp.percent = u32::try_from(val).map_err(|_| OptionError::BadPercentage)?;
            s = rest;
            items += 1; // No other item allowed.
        } else {
            // The <size> item must be the first one.
            if items != 0 {
                return Err(OptionError::BadSize);
            }
            tmp.nr_pages = val >> PAGE_SHIFT;
        }
        items += 1;
        match s.strip_prefix('+') {
            Some(rest) if items < 2 => s = rest,
            Some(_) => return Err(OptionError::TrailingCharacters),
            None => break,
        }
    }
    if !s.is_empty() && !s.starts_with(',') {
        return Err(OptionError::TrailingCharacters);
    }
    Ok((tmp, s))
}

/// Xen's `parse_dom0_mem`: applies each `min:`, `max:` or plain amount to `mem` in order. Like Xen,
/// the amounts before a bad one stay applied.
pub fn parse_dom0_mem(s: &str, mem: &mut Dom0Mem) -> Result<(), OptionError> {
    let mut s = s;
    loop {
        let (slot, text) = if let Some(rest) = s.strip_prefix("min:") {
            (&mut mem.min, rest)
        } else if let Some(rest) = s.strip_prefix("max:") {
            (&mut mem.max, rest)
        } else {
            (&mut mem.size, s)
        };
        let (amt, rest) = parse_amt(text)?;
        *slot = amt;
        match rest.strip_prefix(',') {
            Some(next) => s = next,
            None => return Ok(()),
        }
    }
}

// ----------------------------------------------------------------------------------------------
// loglvl.

/// Xen's log levels as `loglvl=` names them (console.c `__parse_loglvl`); a message of level L is
/// printed when L is below the threshold.
pub mod loglvl {
    /// `none`.
    pub const NONE: u8 = 0;
    /// `error`.
    pub const ERROR: u8 = 1;
    /// `warning` (also the fallback for an unknown name).
    pub const WARNING: u8 = 2;
    /// `info`.
    pub const INFO: u8 = 3;
    /// `debug` and `all`.
    pub const DEBUG: u8 = 4;
}

/// `loglvl=<always>[/<rate-limited>]`: messages below `lower` are always printed, below `upper`
/// rate-limited, the rest dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogLevels {
    /// The level always printed (`xenlog_lower_thresh`).
    pub lower: u8,
    /// The level printed rate-limited (`xenlog_upper_thresh`), never below `lower`.
    pub upper: u8,
}

impl LogLevels {
    /// Xen's defaults in a release build (NDEBUG): `loglvl=warning`.
    pub const XEN_RELEASE_DEFAULT: LogLevels = LogLevels {
        lower: loglvl::WARNING,
        upper: loglvl::WARNING,
    };
    /// Xen's default for guests in a release build: `guest_loglvl=none/warning`.
    pub const XEN_RELEASE_GUEST_DEFAULT: LogLevels = LogLevels {
        lower: loglvl::NONE,
        upper: loglvl::WARNING,
    };
    /// Xen's defaults in a debug build: everything.
    pub const XEN_DEBUG_DEFAULT: LogLevels = LogLevels {
        lower: loglvl::DEBUG,
        upper: loglvl::DEBUG,
    };
}

/// console.c `loglvl_str`: how Xen names a threshold.
pub fn loglvl_str(level: u8) -> &'static str {
    match level {
        0 => "Nothing",
        1 => "Errors",
        2 => "Errors and warnings",
        3 => "Errors, warnings and info",
        4 => "All",
        _ => "???",
    }
}

/// console.c `__parse_loglvl`: a level name at the start of `s` (prefix match, as Xen's strncmp).
fn parse_one_loglvl(s: &str) -> Option<(u8, &str)> {
    const LEVELS: [(&str, u8); 6] = [
        ("none", loglvl::NONE),
        ("error", loglvl::ERROR),
        ("warning", loglvl::WARNING),
        ("info", loglvl::INFO),
        ("debug", loglvl::DEBUG),
        ("all", loglvl::DEBUG),
    ];
    LEVELS
        .iter()
        .find_map(|&(name, lvl)| s.strip_prefix(name).map(|rest| (lvl, rest)))
}

/// console.c `_parse_loglvl`: `<lvl>[/<lvl>]`, the second raised to the first if lower. An unknown
/// name or trailing text is -EINVAL; unlike Xen (which keeps the "warning" fallback it set), the
/// levels are then left unchanged.
pub fn parse_loglvl(s: &str) -> Result<LogLevels, OptionError> {
    let (lower, rest) = parse_one_loglvl(s).ok_or(OptionError::BadLogLevel)?;
    let (mut upper, rest) = match rest.strip_prefix('/') {
        Some(r) => parse_one_loglvl(r).ok_or(OptionError::BadLogLevel)?,
        None => (lower, rest),
    };
    if upper < lower {
        upper = lower;
    }
    if !rest.is_empty() {
        return Err(OptionError::BadLogLevel);
    }
    Ok(LogLevels { lower, upper })
}

// ----------------------------------------------------------------------------------------------
// Booleans and dom0=.

/// kernel.c `parse_bool`: 1/on/yes/true/enable or 0/no/off/false/disable.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "on" | "yes" | "true" | "enable" => Some(true),
        "0" | "no" | "off" | "false" | "disable" => Some(false),
        _ => None,
    }
}

/// kernel.c `parse_boolean` on one `dom0=` item: `name`, `no-name` or `name=<bool>`.
fn parse_boolean(name: &str, item: &str) -> Option<Result<bool, OptionError>> {
    let (val, s) = match item.strip_prefix("no-") {
        Some(rest) => (false, rest),
        None => (true, item),
    };
    let rest = s.strip_prefix(name)?;
    if rest.is_empty() {
        return Some(Ok(val));
    }
    let value = rest.strip_prefix('=')?;
    Some(parse_bool(value).ok_or(OptionError::BadBoolean))
}

/// The `dom0=` settings a PVH-only, HAP-only xen-rs keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dom0Options {
    /// `dom0=verbose`.
    pub verbose: bool,
    /// `dom0=msr-relaxed`.
    pub msr_relaxed: bool,
}

/// dom0_build.c `parse_dom0_param` for a Xen built with CONFIG_HVM only: comma-separated `pvh`,
/// `verbose`, `msr-relaxed`; `pv` (and the PV-only `cpuid-faulting`) and `shadow` are invalid. Like
/// Xen, every item is applied and the first error is returned.
pub fn parse_dom0_param(s: &str, opts: &mut Dom0Options) -> Result<(), OptionError> {
    let mut rc = Ok(());
    for item in s.split(',') {
        // cmdline_strcmp: the name ends at NUL, ',', ':', ';' or '='.
        let head = item.split([':', ';', '=']).next().unwrap_or("");
        let result = if head == "pvh" {
            Ok(())
        } else if head == "pv" {
            Err(OptionError::Dom0PvUnsupported)
        } else if let Some(v) = parse_boolean("verbose", item) {
            v.map(|v| opts.verbose = v)
        } else if let Some(v) = parse_boolean("msr-relaxed", item) {
            v.map(|v| opts.msr_relaxed = v)
        } else if parse_boolean("shadow", item).is_some() {
            Err(OptionError::Dom0ShadowUnsupported)
        } else {
            Err(OptionError::BadDom0Option)
        };
        if rc.is_ok() {
            rc = result;
        }
    }
    rc
}

// ----------------------------------------------------------------------------------------------
// Serial ports (ns16550).

/// ns16550.c `UART_CLOCK_HZ`: the default UART input clock.
pub const UART_CLOCK_HZ: u64 = 1_843_200;

/// The baud rate of a 16550 port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baud {
    /// Not given (Xen's 0): the port is not set up unless the console uses it.
    Unset,
    /// `auto` (Xen's BAUD_AUTO): keep what the firmware or boot loader programmed.
    Auto,
    /// A rate in bits per second.
    Rate(u32),
}

/// Parity, as ns16550.c `parse_parity_char` reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parity {
    /// `n` (and, as in Xen, any character it does not know).
    None,
    /// `o`.
    Odd,
    /// `e`.
    Even,
    /// `m`.
    Mark,
    /// `s`.
    Space,
}

impl Parity {
    /// ns16550.c `parse_parity_char`: unknown characters give UART_PARITY_NONE (0), as in Xen.
    pub fn from_char(c: Option<u8>) -> Parity {
        match c {
            Some(b'o') => Parity::Odd,
            Some(b'e') => Parity::Even,
            Some(b'm') => Parity::Mark,
            Some(b's') => Parity::Space,
            _ => Parity::None,
        }
    }
}

/// The configuration of one ns16550 port (the fields of `struct ns16550` that `com1=` sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ns16550Config {
    /// Baud rate.
    pub baud: Baud,
    /// Input clock in Hz (`<base-baud>` times 16).
    pub clock_hz: u64,
    /// Data bits, 5..=8.
    pub data_bits: u64,
    /// Parity.
    pub parity: Parity,
    /// Stop bits, 1..=2.
    pub stop_bits: u64,
    /// I/O port (or MMIO address at and above 0x10000).
    pub io_base: u64,
    /// IRQ; 0 means polled mode.
    pub irq: i64,
    /// Register shift.
    pub reg_shift: u64,
    /// Register width, 1 or 4.
    pub reg_width: u64,
}

impl Ns16550Config {
    /// Xen's x86 defaults (xen/arch/x86/setup.c and `ns16550_init`): COM1 at 0x3f8 IRQ 4, COM2 at
    /// 0x2f8 IRQ 3, 8n1, register width 1, baud not set.
    pub const fn x86_default(index: usize) -> Ns16550Config {
        let (io_base, irq) = if index == 0 { (0x3f8, 4) } else { (0x2f8, 3) };
        Ns16550Config {
            baud: Baud::Unset,
            clock_hz: UART_CLOCK_HZ,
            data_bits: 8,
            parity: Parity::None,
            stop_bits: 1,
            io_base,
            irq,
            reg_shift: 0,
            reg_width: 1,
        }
    }
}

/// Why a `comN=` configuration was refused (Xen prints "ERROR: ..." and leaves the port unused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComError {
    /// A baud rate outside 1200..=115200.
    BaudOutOfRange(u64),
    /// Data bits outside 5..=8.
    DataBits(u64),
    /// A register width other than 1 or 4.
    RegWidth,
    /// Stop bits outside 1..=2.
    StopBits(u64),
    /// I/O base 0.
    NoIoBase,
    /// A `name=value` pair with an unknown name.
    InvalidParameter,
    /// `pci`, `amt`, `msi` or PCI coordinates: xen-rs has no PCI UART support.
    PciUnsupported,
    /// A number does not fit in 64 bits.
    Overflow,
}

impl fmt::Display for ComError {
    /// Xen's wording (ns16550.c `ns16550_parse_port_config`, after its "ERROR: ").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ComError::BaudOutOfRange(b) => write!(f, "Baud rate {b} outside supported range."),
            ComError::DataBits(d) => write!(f, "{d} data bits are unsupported."),
            ComError::RegWidth => write!(f, "Accepted values of reg_width are 1 and 4 only"),
            ComError::StopBits(s) => write!(f, "{s} stop bits are unsupported."),
            ComError::NoIoBase => write!(f, "I/O base address must be specified."),
            ComError::InvalidParameter => write!(f, "Invalid parameter"),
            ComError::PciUnsupported => write!(f, "PCI serial ports are not supported by xen-rs"),
            ComError::Overflow => write!(f, "number too large"),
        }
    }
}

impl From<OptionError> for ComError {
    fn from(_: OptionError) -> Self {
        ComError::Overflow
    }
}

/// Advances past a ',' and says whether a field follows: Xen's `*conf == ',' && *++conf != ','`
/// (the pointer moves past the first ',' even when the field is empty).
fn next_field(conf: &mut &str) -> bool {
    match conf.strip_prefix(',') {
        Some(rest) => {
            *conf = rest;
            !rest.starts_with(',')
        }
        None => false,
    }
}

/// ns16550.c `parse_positional`:
/// `<baud>|auto[/<base-baud>][,DPS[,<io-base>[,<irq>[,<port-bdf>[,<bridge-bdf>]]]]]`. Text left
/// after the last field is ignored, as in Xen.
fn parse_positional(uart: &mut Ns16550Config, conf: &str) -> Result<(), ComError> {
    let mut conf = conf;
    if let Some(rest) = conf.strip_prefix("auto") {
        uart.baud = Baud::Auto;
        conf = rest;
    } else {
        let (baud, rest) = simple_strtoull(conf, 10)?;
        if baud != 0 {
            uart.baud = Baud::Rate(u32::try_from(baud).unwrap_or(u32::MAX));
        }
        conf = rest;
    }
    if let Some(rest) = conf.strip_prefix('/') {
        let (clock, rest) = simple_strtoull(rest, 0)?;
        uart.clock_hz = clock.checked_mul(16).ok_or(ComError::Overflow)?;
        conf = rest;
    }
    if next_field(&mut conf) {
        let (data_bits, rest) = simple_strtoull(conf, 10)?;
        uart.data_bits = data_bits;
        uart.parity = Parity::from_char(rest.as_bytes().first().copied());
        let after_parity = rest.get(1..).unwrap_or("");
        let (stop_bits, rest) = simple_strtoull(after_parity, 10)?;
        uart.stop_bits = stop_bits;
        conf = rest;
    }
    if next_field(&mut conf) {
        if conf.starts_with("pci") || conf.starts_with("amt") {
            return Err(ComError::PciUnsupported);
        }
        let (io_base, rest) = simple_strtoull(conf, 0)?;
        uart.io_base = io_base;
        conf = rest;
    }
    if next_field(&mut conf) {
        if conf.starts_with("msi") {
            return Err(ComError::PciUnsupported);
        }
        let (irq, rest) = simple_strtol(conf)?;
        uart.irq = irq;
        conf = rest;
    }
    if next_field(&mut conf) {
        // <port-bdf> and <bridge-bdf>.
        return Err(ComError::PciUnsupported);
    }
    Ok(())
}

/// ns16550.c `parse_namevalue_pairs`: `name=value` items separated by ','.
fn parse_namevalue_pairs(uart: &mut Ns16550Config, s: &str) -> Result<(), ComError> {
    if s.is_empty() {
        return Ok(());
    }
    for token in s.split(',') {
        let (name, value) = token.split_once('=').unwrap_or((token, ""));
        let number = |v: &str| simple_strtoull(v, 0).map(|(n, _)| n);
        match name {
            "baud" => {
                let b = number(value)?;
                uart.baud = if b == 0 {
                    Baud::Unset
                } else {
                    Baud::Rate(u32::try_from(b).unwrap_or(u32::MAX))
                };
            }
            "clock-hz" => {
                uart.clock_hz = number(value)?.checked_mul(16).ok_or(ComError::Overflow)?
            }
            "io-base" => uart.io_base = number(value)?,
            "irq" => uart.irq = i64::try_from(number(value)?).map_err(|_| ComError::Overflow)?,
            "data-bits" => uart.data_bits = number(value)?,
            "parity" => uart.parity = Parity::from_char(value.as_bytes().first().copied()),
            "stop-bits" => uart.stop_bits = number(value)?,
            "reg-shift" => uart.reg_shift = number(value)?,
            "reg-width" => uart.reg_width = number(value)?,
            "bridge" | "dev" | "port" => return Err(ComError::PciUnsupported),
            _ => return Err(ComError::InvalidParameter),
        }
    }
    Ok(())
}

/// ns16550.c `ns16550_parse_port_config` on top of `uart` (the port's defaults): `None` when the
/// port is left unused (no configuration and no baud rate), else the checked configuration.
pub fn ns16550_parse_port_config(
    mut uart: Ns16550Config,
    conf: Option<&str>,
) -> Result<Option<Ns16550Config>, ComError> {
    match conf {
        None | Some("") => {
            // No user configuration: only a port the console uses (baud auto) is set up.
            if uart.baud == Baud::Unset {
                return Ok(None);
            }
        }
        Some(conf) => {
            let (positional, pairs) = match conf.find('=') {
                None => (conf, ""),
                Some(eq) => match conf[..eq].rfind(',') {
                    Some(comma) => (&conf[..comma], &conf[comma + 1..]),
                    None => ("", conf),
                },
            };
            if !positional.is_empty() {
                parse_positional(&mut uart, positional)?;
            }
            parse_namevalue_pairs(&mut uart, pairs)?;
        }
    }
    match uart.baud {
        Baud::Auto => {}
        Baud::Unset => return Err(ComError::BaudOutOfRange(0)),
        Baud::Rate(b) if !(1200..=115_200).contains(&b) => {
            return Err(ComError::BaudOutOfRange(b.into()))
        }
        Baud::Rate(_) => {}
    }
    if !(5..=8).contains(&uart.data_bits) {
        return Err(ComError::DataBits(uart.data_bits));
    }
    if uart.reg_width != 1 && uart.reg_width != 4 {
        return Err(ComError::RegWidth);
    }
    if !(1..=2).contains(&uart.stop_bits) {
        return Err(ComError::StopBits(uart.stop_bits));
    }
    if uart.io_base == 0 {
        return Err(ComError::NoIoBase);
    }
    Ok(Some(uart))
}

// ----------------------------------------------------------------------------------------------
// console=.

/// The `console=` value: a comma-separated list of outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Console<'a>(pub Option<&'a str>);

impl<'a> Console<'a> {
    /// The outputs, in order.
    pub fn devices(&self) -> impl Iterator<Item = &'a str> {
        self.0.unwrap_or("").split(',').filter(|d| !d.is_empty())
    }

    /// console.c `console_has`: whether an entry starts with `device` (a prefix match, as Xen's).
    pub fn has(&self, device: &str) -> bool {
        self.0
            .unwrap_or("")
            .split(',')
            .any(|d| !d.is_empty() && d.starts_with(device))
    }
}

// ----------------------------------------------------------------------------------------------
// dom0_max_vcpus.

/// `dom0_max_vcpus=` (xen/arch/x86/dom0_build.c `opt_dom0_max_vcpus_min` and `_max`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dom0MaxVcpus {
    /// At least this many vCPUs.
    pub min: u64,
    /// At most this many.
    pub max: u64,
}

impl Default for Dom0MaxVcpus {
    fn default() -> Self {
        Dom0MaxVcpus {
            min: 1,
            max: u64::from(u32::MAX),
        }
    }
}

impl Dom0MaxVcpus {
    /// dom0_build.c `dom0_max_vcpus`: as many as the host's CPUs (`pcpus`), raised to `min` and
    /// capped at `max`, then at `limit` (HVM_MAX_VCPUS for a PVH dom0), at least 1.
    pub fn vcpus(&self, pcpus: u64, limit: u64) -> u64 {
        let mut n = pcpus.max(self.min);
        n = n.min(self.max);
        n.min(limit).max(1)
    }
}

/// dom0_build.c `parse_dom0_max_vcpus`: `N` (exactly N), `N-` (at least N), `N-M`, or `-M`
/// (at most M); a minimum of 0 counts as 1; text left over is `-EINVAL`, after the parts read
/// were applied.
pub fn parse_dom0_max_vcpus(s: &str, opt: &mut Dom0MaxVcpus) -> Result<(), OptionError> {
    let rest = if let Some(after) = s.strip_prefix('-') {
        let (max, rest) = simple_strtoull(after, 0)?;
        opt.max = max;
        rest
    } else {
        let (min, rest) = simple_strtoull(s, 0)?;
        opt.min = min.max(1);
        if rest.is_empty() {
            opt.max = opt.min;
            rest
        } else if let Some(after) = rest.strip_prefix('-') {
            if after.is_empty() {
                after
            } else {
                let (max, rest) = simple_strtoull(after, 0)?;
                opt.max = max;
                rest
            }
        } else {
            rest
        }
    };
    if rest.is_empty() {
        Ok(())
    } else {
        Err(OptionError::TrailingCharacters)
    }
}

// ----------------------------------------------------------------------------------------------
// The whole command line.

/// What the hypervisor command line asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options<'a> {
    /// `console=` (last wins).
    pub console: Console<'a>,
    /// `com1=` and `com2=` as written (last wins); see [`Options::com`].
    pub com: [Option<&'a str>; 2],
    /// `dom0_mem=` (each occurrence updates the parts it names).
    pub dom0_mem: Dom0Mem,
    /// Whether `dom0_mem=` appeared at all (Xen's `dom0_mem_set`).
    pub dom0_mem_set: bool,
    /// `loglvl=`, if given.
    pub loglvl: Option<LogLevels>,
    /// `guest_loglvl=`, if given.
    pub guest_loglvl: Option<LogLevels>,
    /// `noreboot`: stay halted after a crash instead of rebooting.
    pub noreboot: bool,
    /// `dom0=`.
    pub dom0: Dom0Options,
    /// `dom0_max_vcpus=`.
    pub dom0_max_vcpus: Dom0MaxVcpus,
    /// xen-rs's `test_fault=<ud|pf|gp|de>` (boot tests).
    pub test_fault: Option<&'a str>,
    /// xen-rs's `test_guest=<smoke|triple-fault>`: a built-in dom0 instead of the first module.
    pub test_guest: Option<&'a str>,
    /// Options nobody knows, for `parameter "x" unknown!`.
    pub unknown: FixedList<UnknownOption<'a>, MAX_REPORTED_OPTIONS>,
    /// Options whose value was refused.
    pub invalid: FixedList<InvalidOption<'a>, MAX_REPORTED_OPTIONS>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            console: Console(None),
            com: [None, None],
            dom0_mem: Dom0Mem::default(),
            dom0_mem_set: false,
            loglvl: None,
            guest_loglvl: None,
            noreboot: false,
            dom0: Dom0Options::default(),
            dom0_max_vcpus: Dom0MaxVcpus::default(),
            test_fault: None,
            test_guest: None,
            unknown: FixedList::new(),
            invalid: FixedList::new(),
        }
    }
}

impl<'a> Options<'a> {
    /// Parses a command line, applying options left to right as Xen's `parse_params` does.
    pub fn parse(line: &'a str) -> Options<'a> {
        let mut opts = Options::default();
        for opt in cmdline::options(line) {
            opts.apply(opt.name, opt.value);
        }
        opts
    }

    fn invalid(&mut self, name: &'a str, value: Option<&'a str>, reason: OptionError) {
        self.invalid.push(InvalidOption {
            name,
            value: value.unwrap_or(""),
            rc: EINVAL_RC,
            reason,
        });
    }

    fn apply(&mut self, name: &'a str, value: Option<&'a str>) {
        // parse_params: "no-" inverts a boolean; the messages show the name as written.
        let (key, negated) = match name.strip_prefix("no-") {
            Some(rest) => (rest, true),
            None => (name, false),
        };
        let text = value.unwrap_or("");
        match key {
            "noreboot" => {
                let v = if value.is_none() {
                    Some(true)
                } else {
                    parse_bool(text)
                };
                match v {
                    Some(v) => self.noreboot = v != negated,
                    None => self.invalid(name, value, OptionError::BadBoolean),
                }
            }
            "console" | "com1" | "com2" | "dom0_mem" | "loglvl" | "guest_loglvl" | "dom0"
            | "dom0_max_vcpus" | "test_fault" | "test_guest"
                if negated =>
            {
                self.invalid(name, value, OptionError::NotBoolean)
            }
            "console" => self.console = Console(Some(text)),
            "com1" => self.com[0] = Some(text),
            "com2" => self.com[1] = Some(text),
            "dom0_mem" => {
                self.dom0_mem_set = true;
                if let Err(e) = parse_dom0_mem(text, &mut self.dom0_mem) {
                    self.invalid(name, value, e);
                }
            }
            "loglvl" | "guest_loglvl" => match parse_loglvl(text) {
                Ok(l) if key == "loglvl" => self.loglvl = Some(l),
                Ok(l) => self.guest_loglvl = Some(l),
                Err(e) => self.invalid(name, value, e),
            },
            "dom0" => {
                if let Err(e) = parse_dom0_param(text, &mut self.dom0) {
                    self.invalid(name, value, e);
                }
            }
            "dom0_max_vcpus" => {
                if let Err(e) = parse_dom0_max_vcpus(text, &mut self.dom0_max_vcpus) {
                    self.invalid(name, value, e);
                }
            }
            "test_fault" => self.test_fault = Some(text),
            "test_guest" => self.test_guest = Some(text),
            _ => {
                self.unknown.push(UnknownOption(name));
            }
        }
    }

    /// Port `index` (0 for COM1, 1 for COM2) as Xen's `ns16550_init` sets it up: the x86 defaults,
    /// baud `auto` if `console=` uses the port, then `comN=`. `Ok(None)` when the port is unused.
    pub fn com(&self, index: usize) -> Result<Option<Ns16550Config>, ComError> {
        let mut uart = Ns16550Config::x86_default(index);
        let name = if index == 0 { "com1" } else { "com2" };
        if self.console.has(name) {
            uart.baud = Baud::Auto;
        }
        ns16550_parse_port_config(uart, self.com.get(index).copied().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_list_counts_what_does_not_fit() {
        let mut l = FixedList::<u8, 2>::new();
        assert!(l.push(1) && l.push(2));
        assert!(!l.push(3));
        assert_eq!((l.len(), l.dropped(), l.last()), (2, 1, Some(2)));
        assert_eq!(l.iter().sum::<u8>(), 3);
    }

    #[test]
    fn strtoull_bases_like_xen() {
        assert_eq!(simple_strtoull("0x1fz", 0), Ok((0x1f, "z")));
        assert_eq!(simple_strtoull("017", 0), Ok((0o17, "")));
        assert_eq!(simple_strtoull("0x", 0), Ok((0, "x")));
        assert_eq!(simple_strtoull("12b", 10), Ok((12, "b")));
        assert_eq!(simple_strtoull("abc", 10), Ok((0, "abc")));
        assert_eq!(
            simple_strtoull("99999999999999999999", 10),
            Err(OptionError::Overflow)
        );
    }
}
