//! Reading the hypervisor's console: the `(XEN) ` lines of a boot, parsed back into what they claim,
//! so the boot tests can check the claims against each other and against what QEMU was given.

/// A physical range read from the console, `[start, end)` (the console prints inclusive ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: u64,
    pub end: u64,
}

/// A module line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleLine {
    pub range: Range,
    pub bytes: u64,
    pub cmdline: String,
}

/// What a boot report said.
#[derive(Debug, Default)]
pub struct BootReport {
    pub version: Option<String>,
    pub command_line: Option<String>,
    pub image: Option<Range>,
    pub boot_information: Option<Range>,
    /// Memory-map entries: range and type name.
    pub memory_map: Vec<(Range, String)>,
    pub module_count: Option<usize>,
    pub modules: Vec<ModuleLine>,
    pub acpi: Option<String>,
    pub heap_ranges: Vec<Range>,
    pub heap_frames: Option<u64>,
}

/// The hypervisor's lines (those with the `(XEN) ` prefix), without the prefix.
pub fn xen_lines(console: &str) -> Vec<&str> {
    console
        .lines()
        .filter_map(|line| line.split_once("(XEN) ").map(|(_, rest)| rest))
        .collect()
}

/// Reads `[0000000000100000, 000000003ffdffff]` at the start of `text`; returns the range and the rest.
fn parse_range(text: &str) -> Option<(Range, &str)> {
    let text = text.strip_prefix('[')?;
    let (first, text) = text.split_once(", ")?;
    let (last, rest) = text.split_once(']')?;
    let start = u64::from_str_radix(first, 16).ok()?;
    let last = u64::from_str_radix(last, 16).ok()?;
    Some((
        Range {
            start,
            end: last.wrapping_add(1),
        },
        rest,
    ))
}

/// Parses the boot report; lines it does not know are ignored, malformed known lines are errors.
pub fn parse(console: &str) -> Result<BootReport, String> {
    let mut report = BootReport::default();
    let mut in_memory_map = false;
    for line in xen_lines(console) {
        let bad = || format!("malformed console line: {line:?}");
        if in_memory_map {
            if let Some(entry) = line.strip_prefix(' ').filter(|l| l.starts_with('[')) {
                let (range, rest) = parse_range(entry).ok_or_else(bad)?;
                let kind = rest.trim().trim_start_matches('(').trim_end_matches(')');
                report.memory_map.push((range, kind.to_string()));
                continue;
            }
            in_memory_map = false;
        }
        if let Some(rest) = line.strip_prefix("xen-rs version ") {
            report.version = rest.split(' ').next().map(str::to_string);
        } else if let Some(rest) = line.strip_prefix("Command line: ") {
            report.command_line = Some(rest.to_string());
        } else if let Some(rest) = line.strip_prefix("Xen image: ") {
            report.image = Some(parse_range(rest).ok_or_else(bad)?.0);
        } else if let Some(rest) = line.strip_prefix("Multiboot information: ") {
            report.boot_information = Some(parse_range(rest).ok_or_else(bad)?.0);
        } else if line == "Xen-e820 RAM map:" {
            in_memory_map = true;
        } else if let Some(rest) = line.strip_prefix("Multiboot modules: ") {
            report.module_count = Some(rest.parse().map_err(|_| bad())?);
        } else if let Some(rest) = line.strip_prefix(" module ") {
            let (_, rest) = rest.split_once(": ").ok_or_else(bad)?;
            let (range, rest) = parse_range(rest).ok_or_else(bad)?;
            let (bytes, rest) = rest
                .trim_start()
                .split_once(" bytes, cmdline \"")
                .ok_or_else(bad)?;
            let cmdline = rest.strip_suffix('"').ok_or_else(bad)?;
            report.modules.push(ModuleLine {
                range,
                bytes: bytes.parse().map_err(|_| bad())?,
                cmdline: cmdline.to_string(),
            });
        } else if let Some(rest) = line.strip_prefix("ACPI: ") {
            report.acpi = Some(rest.to_string());
        } else if let Some(rest) = line.strip_prefix("Domain heap: ") {
            if rest.starts_with('[') {
                report
                    .heap_ranges
                    .push(parse_range(rest).ok_or_else(bad)?.0);
            } else {
                let frames = rest.split(' ').next().ok_or_else(bad)?;
                report.heap_frames = Some(frames.parse().map_err(|_| bad())?);
            }
        }
    }
    Ok(report)
}

const PAGE: u64 = 4096;
const LOW_MEMORY_END: u64 = 1 << 20;

/// The frames the heap should get according to the report's own memory map, image, boot information
/// and modules, worked out frame by frame (independently of the hypervisor's range arithmetic): a frame
/// is free if it lies wholly in usable RAM and touches neither the first MiB nor anything in use.
pub fn expected_heap_frames(report: &BootReport) -> Result<u64, String> {
    let usable: Vec<Range> = report
        .memory_map
        .iter()
        .filter(|(_, kind)| kind == "usable")
        .map(|(range, _)| *range)
        .collect();
    let top = usable.iter().map(|r| r.end).max().unwrap_or(0);
    let frames = top.div_ceil(PAGE) as usize;
    let mut free = vec![false; frames];
    for r in &usable {
        for frame in r.start.div_ceil(PAGE)..r.end / PAGE {
            free[frame as usize] = true;
        }
    }
    let mut in_use = vec![Range {
        start: 0,
        end: LOW_MEMORY_END,
    }];
    in_use.push(report.image.ok_or("no `Xen image` line")?);
    in_use.push(
        report
            .boot_information
            .ok_or("no `Multiboot information` line")?,
    );
    in_use.extend(report.modules.iter().map(|m| m.range));
    for r in in_use.iter().filter(|r| r.end > r.start) {
        for frame in r.start / PAGE..r.end.div_ceil(PAGE).min(frames as u64) {
            free[frame as usize] = false;
        }
    }
    Ok(free.iter().filter(|&&f| f).count() as u64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A real console from `./x run` (QEMU 7.2, SeaBIOS, GRUB 2.06, -m 1G).
    pub const QEMU_1G: &str = "\x1b[H\x1b[J  Booting `xen-rs'

(XEN) xen-rs version 0.1.0 (Xen 4.17 interfaces) debug=n
(XEN) Bootloader: GRUB 2.06-13+deb12u2
(XEN) Command line: console=com1 com1=115200,8n1
(XEN) Xen image: [0000000000200000, 000000000022cfff]
(XEN) Multiboot information: [00000000001c8010, 00000000001c85ef]
(XEN) Xen-e820 RAM map:
(XEN)  [0000000000000000, 000000000009fbff] (usable)
(XEN)  [000000000009fc00, 000000000009ffff] (reserved)
(XEN)  [00000000000f0000, 00000000000fffff] (reserved)
(XEN)  [0000000000100000, 000000003ffdffff] (usable)
(XEN)  [000000003ffe0000, 000000003fffffff] (reserved)
(XEN)  [00000000fffc0000, 00000000ffffffff] (reserved)
(XEN)  [000000fd00000000, 000000ffffffffff] (reserved)
(XEN) Multiboot modules: 1
(XEN)  module 0: [00000000001c8000, 00000000001c800c] 13 bytes, cmdline \"fixture a=b\"
(XEN) ACPI: RSDP r0 (BOCHS ) RSDT 3ffe1ad8
(XEN) Domain heap: [0000000000100000, 00000000001c7fff]
(XEN) Domain heap: [00000000001c9000, 00000000001fffff]
(XEN) Domain heap: [000000000022d000, 000000003ffdffff]
(XEN) Domain heap: 261810 free 4 KiB frames (1022 MiB)
(XEN) No domain to run yet: boot report complete, stopping.
";

    #[test]
    fn parses_a_real_boot() {
        let r = parse(QEMU_1G).unwrap();
        assert_eq!(r.version.as_deref(), Some("0.1.0"));
        assert_eq!(
            r.command_line.as_deref(),
            Some("console=com1 com1=115200,8n1")
        );
        assert_eq!(
            r.image,
            Some(Range {
                start: 0x20_0000,
                end: 0x22_d000
            })
        );
        assert_eq!(r.memory_map.len(), 7);
        assert_eq!(r.memory_map[3].1, "usable");
        assert_eq!(r.module_count, Some(1));
        assert_eq!(r.modules[0].bytes, 13);
        assert_eq!(r.modules[0].cmdline, "fixture a=b");
        assert_eq!(r.heap_ranges.len(), 3);
        assert_eq!(r.heap_frames, Some(261_810));
    }

    #[test]
    fn independent_count_agrees_with_a_real_boot() {
        let r = parse(QEMU_1G).unwrap();
        assert_eq!(expected_heap_frames(&r).unwrap(), 261_810);
    }

    #[test]
    fn independent_count_notices_memory_in_use_left_in_the_heap() {
        // GRUB put the module and the boot information in the same frame (0x1c8): only when both
        // are forgotten does that frame become free.
        let mut r = parse(QEMU_1G).unwrap();
        r.modules.clear();
        assert_eq!(expected_heap_frames(&r).unwrap(), 261_810);
        r.boot_information = Some(Range { start: 0, end: 0 });
        assert_eq!(expected_heap_frames(&r).unwrap(), 261_811);
        // An image one frame longer than printed leaves one frame fewer.
        let mut r = parse(QEMU_1G).unwrap();
        r.image = Some(Range {
            start: 0x20_0000,
            end: 0x22_e000,
        });
        assert_eq!(expected_heap_frames(&r).unwrap(), 261_809);
    }

    #[test]
    fn malformed_known_lines_are_errors() {
        assert!(parse("(XEN) Xen image: [zz, 12]\n").is_err());
        assert!(parse("(XEN) Domain heap: many free 4 KiB frames\n").is_err());
    }
}
