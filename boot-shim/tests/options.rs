//! The hypervisor command-line options, each rule checked against the Xen 4.17 code it follows.

use boot_shim::options::*;

// ---------------------------------------------------------------------------------------------
// parse_params (xen/common/kernel.c).

#[test]
fn unknown_options_are_collected_with_xens_message() {
    let o = Options::parse("console=com1 foo bar=1 no-baz noreboot");
    let unknown: Vec<_> = o.unknown.iter().map(|u| u.to_string()).collect();
    assert_eq!(
        unknown,
        [
            "parameter \"foo\" unknown!",
            "parameter \"bar\" unknown!",
            // The name is printed as written, "no-" included.
            "parameter \"no-baz\" unknown!",
        ]
    );
    assert!(o.invalid.is_empty());
    assert!(o.noreboot);
}

#[test]
fn invalid_values_get_xens_message_and_a_reason() {
    let o = Options::parse("dom0=pv loglvl=loud dom0_mem=12Q");
    let msgs: Vec<_> = o.invalid.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "parameter \"dom0\" has invalid value \"pv\", rc=-22!",
            "parameter \"loglvl\" has invalid value \"loud\", rc=-22!",
            "parameter \"dom0_mem\" has invalid value \"12Q\", rc=-22!",
        ]
    );
    assert_eq!(
        o.invalid.get(0).unwrap().reason,
        OptionError::Dom0PvUnsupported
    );
    assert!(o
        .invalid
        .get(0)
        .unwrap()
        .reason
        .to_string()
        .contains("only a PVH dom0"));
}

#[test]
fn the_report_lists_are_bounded() {
    let line: String = (0..40).map(|i| format!("x{i} ")).collect();
    let o = Options::parse(&line);
    assert_eq!(o.unknown.len(), MAX_REPORTED_OPTIONS);
    assert_eq!(o.unknown.dropped(), 40 - MAX_REPORTED_OPTIONS);
}

/// boolean_param("noreboot"): `noreboot`, `noreboot=<bool>` (parse_bool) and `no-noreboot`.
#[test]
fn noreboot_is_a_xen_boolean() {
    assert!(Options::parse("noreboot").noreboot);
    assert!(!Options::parse("").noreboot);
    assert!(Options::parse("noreboot=yes").noreboot);
    assert!(!Options::parse("noreboot=off").noreboot);
    assert!(!Options::parse("noreboot no-noreboot").noreboot);
    assert!(Options::parse("no-noreboot=0").noreboot);
    let o = Options::parse("noreboot=maybe");
    assert_eq!(o.invalid.get(0).unwrap().reason, OptionError::BadBoolean);
    for (s, v) in [
        ("1", true),
        ("on", true),
        ("yes", true),
        ("true", true),
        ("enable", true),
        ("0", false),
        ("no", false),
        ("off", false),
        ("false", false),
        ("disable", false),
    ] {
        assert_eq!(parse_bool(s), Some(v), "{s}");
    }
    assert_eq!(parse_bool("2"), None);
}

/// xen-rs's own test_fault= stays known (the boot tests use it).
#[test]
fn test_fault_is_kept() {
    let o = Options::parse("console=com1 test_fault=ud");
    assert_eq!(o.test_fault, Some("ud"));
    assert!(o.unknown.is_empty());
}

// ---------------------------------------------------------------------------------------------
// console= (xen/drivers/char/console.c).

#[test]
fn console_is_a_list_and_console_has_matches_prefixes() {
    let o = Options::parse("console=vga,com1");
    assert_eq!(o.console.devices().collect::<Vec<_>>(), ["vga", "com1"]);
    assert!(o.console.has("com1") && o.console.has("vga"));
    assert!(!o.console.has("com2"));
    // console_has compares strlen(device) bytes: "com1H" has com1.
    assert!(Options::parse("console=com1H").console.has("com1"));
    // The last console= wins (string_param).
    let o = Options::parse("console=com1 console=vga");
    assert!(!o.console.has("com1"));
}

// ---------------------------------------------------------------------------------------------
// com1= (xen/drivers/char/ns16550.c).

#[test]
fn com1_positional_baud_and_dps() {
    let o = Options::parse("console=com1 com1=115200,8n1");
    let c = o.com(0).unwrap().unwrap();
    assert_eq!(c.baud, Baud::Rate(115_200));
    assert_eq!((c.data_bits, c.parity, c.stop_bits), (8, Parity::None, 1));
    assert_eq!((c.io_base, c.irq), (0x3f8, 4), "x86 COM1 defaults");

    let c = Options::parse("com1=9600,7e2,0x2e8,5")
        .com(0)
        .unwrap()
        .unwrap();
    assert_eq!(c.baud, Baud::Rate(9600));
    assert_eq!((c.data_bits, c.parity, c.stop_bits), (7, Parity::Even, 2));
    assert_eq!((c.io_base, c.irq), (0x2e8, 5));

    // <baud>/<base-baud>: the clock is base-baud * 16.
    let c = Options::parse("com1=57600/115200").com(0).unwrap().unwrap();
    assert_eq!(c.clock_hz, 115_200 * 16);

    // An empty field keeps the default: ",," skips DPS.
    let c = Options::parse("com1=38400,,0x3e8").com(0).unwrap().unwrap();
    assert_eq!((c.data_bits, c.io_base), (8, 0x3e8));

    // COM2's defaults.
    let c = Options::parse("com2=19200").com(1).unwrap().unwrap();
    assert_eq!((c.io_base, c.irq), (0x2f8, 3));
}

/// parse_parity_char: n o e m s; anything else is UART_PARITY_NONE (0), as in Xen.
#[test]
fn parity_chars_like_xen() {
    for (ch, p) in [
        ("n", Parity::None),
        ("o", Parity::Odd),
        ("e", Parity::Even),
        ("m", Parity::Mark),
        ("s", Parity::Space),
        ("x", Parity::None),
    ] {
        let c = Options::parse(&format!("com1=115200,8{ch}1"))
            .com(0)
            .unwrap()
            .unwrap();
        assert_eq!(c.parity, p, "{ch}");
    }
}

/// ns16550_init: with no com1= the port is set up only if the console uses it (baud "auto").
#[test]
fn com1_auto() {
    assert_eq!(Options::parse("").com(0), Ok(None));
    let c = Options::parse("console=com1").com(0).unwrap().unwrap();
    assert_eq!(c.baud, Baud::Auto);
    let c = Options::parse("com1=auto,8n1").com(0).unwrap().unwrap();
    assert_eq!(c.baud, Baud::Auto);
}

#[test]
fn com1_name_value_pairs() {
    let c = Options::parse("com1=115200,8n1,baud=9600,io-base=0x2e8,irq=0,parity=o")
        .com(0)
        .unwrap()
        .unwrap();
    assert_eq!(c.baud, Baud::Rate(9600));
    assert_eq!((c.io_base, c.irq, c.parity), (0x2e8, 0, Parity::Odd));
    let c = Options::parse("com1=baud=57600,data-bits=7,stop-bits=2,reg-width=4,reg-shift=2")
        .com(0)
        .unwrap()
        .unwrap();
    assert_eq!(
        (c.baud, c.data_bits, c.stop_bits, c.reg_width, c.reg_shift),
        (Baud::Rate(57600), 7, 2, 4, 2)
    );
    assert_eq!(
        Options::parse("com1=115200,speed=3").com(0),
        Err(ComError::InvalidParameter)
    );
}

/// ns16550_parse_port_config's sanity checks, with Xen's messages.
#[test]
fn com1_sanity_checks() {
    let err = |s: &str| Options::parse(s).com(0).unwrap_err();
    assert_eq!(err("com1=300"), ComError::BaudOutOfRange(300));
    assert_eq!(
        err("com1=300").to_string(),
        "Baud rate 300 outside supported range."
    );
    assert_eq!(err("com1=230400"), ComError::BaudOutOfRange(230_400));
    assert_eq!(err("com1=,8n1"), ComError::BaudOutOfRange(0));
    assert_eq!(err("com1=9600,9n1"), ComError::DataBits(9));
    assert_eq!(err("com1=9600,8n3"), ComError::StopBits(3));
    assert_eq!(err("com1=9600,8n1,0"), ComError::NoIoBase);
    assert_eq!(err("com1=9600,reg-width=2"), ComError::RegWidth);
    assert_eq!(err("com1=9600,8n1,pci"), ComError::PciUnsupported);
    assert_eq!(err("com1=9600,8n1,0x3f8,msi"), ComError::PciUnsupported);
    assert!(Options::parse("com1=1200").com(0).is_ok());
    assert!(Options::parse("com1=115200").com(0).is_ok());
}

// ---------------------------------------------------------------------------------------------
// dom0_mem= (xen/arch/x86/dom0_build.c parse_dom0_mem, xen/lib/parse-size.c).

/// parse_size_and_unit: T/G/M/K (either case), B for bytes, default KiB; base as simple_strtoull.
#[test]
fn sizes_like_parse_size_and_unit() {
    assert_eq!(parse_size_and_unit("4G"), Ok((4 << 30, "")));
    assert_eq!(parse_size_and_unit("4g"), Ok((4 << 30, "")));
    assert_eq!(parse_size_and_unit("1T"), Ok((1 << 40, "")));
    assert_eq!(parse_size_and_unit("512M,"), Ok((512 << 20, ",")));
    assert_eq!(parse_size_and_unit("8k"), Ok((8 << 10, "")));
    assert_eq!(parse_size_and_unit("100B"), Ok((100, "")));
    assert_eq!(
        parse_size_and_unit("100"),
        Ok((100 << 10, "")),
        "default KiB"
    );
    assert_eq!(parse_size_and_unit("0x10M"), Ok((16 << 20, "")));
    assert_eq!(parse_size_and_unit("010M"), Ok((8 << 20, "")), "octal");
    assert_eq!(
        parse_size_and_unit("25%"),
        Ok((25, "%")),
        "percent left unscaled"
    );
    assert_eq!(
        parse_size_and_unit("100000000T"),
        Err(OptionError::Overflow)
    );
}

fn dom0_mem(s: &str) -> Result<Dom0Mem, OptionError> {
    let mut m = Dom0Mem::default();
    parse_dom0_mem(s, &mut m).map(|()| m)
}

fn amt(nr_pages: u64, percent: u32, minus: bool) -> MemSize {
    MemSize {
        nr_pages,
        percent,
        minus,
    }
}

#[test]
fn dom0_mem_full_syntax() {
    let m = dom0_mem("min:512M,max:4G,1G").unwrap();
    assert_eq!(m.min, amt(512 * 256, 0, false));
    assert_eq!(m.max, amt(4 << 18, 0, false));
    assert_eq!(m.size, amt(1 << 18, 0, false));
    // Negative: "all but".
    assert_eq!(dom0_mem("-512M").unwrap().size, amt(512 * 256, 0, true));
    // <frac>% and <size>+<frac>%.
    assert_eq!(dom0_mem("25%").unwrap().size, amt(0, 25, false));
    assert_eq!(dom0_mem("1G+10%").unwrap().size, amt(1 << 18, 10, false));
    assert_eq!(dom0_mem("max:-1G+5%").unwrap().max, amt(1 << 18, 5, true));
    // Unset parts keep Xen's defaults.
    let m = dom0_mem("2G").unwrap();
    assert_eq!((m.min, m.max), (MemSize::ZERO, MemSize::UNLIMITED));
    // Bytes below a page are dropped (>> PAGE_SHIFT).
    assert_eq!(dom0_mem("6K").unwrap().size, amt(1, 0, false));
}

#[test]
fn dom0_mem_errors_like_parse_amt() {
    assert_eq!(dom0_mem("1G,"), Err(OptionError::BadSize));
    assert_eq!(dom0_mem(""), Err(OptionError::BadSize));
    assert_eq!(dom0_mem("G"), Err(OptionError::BadSize));
    assert_eq!(dom0_mem("100%"), Err(OptionError::BadPercentage));
    assert_eq!(dom0_mem("10%+1G"), Err(OptionError::TrailingCharacters));
    assert_eq!(dom0_mem("1G+2G"), Err(OptionError::BadSize));
    assert_eq!(dom0_mem("1G+10%+1"), Err(OptionError::TrailingCharacters));
    assert_eq!(dom0_mem("1Gx"), Err(OptionError::TrailingCharacters));
    assert_eq!(dom0_mem("mid:1G"), Err(OptionError::BadSize));
    // Amounts before the bad one stay applied, as in Xen.
    let mut m = Dom0Mem::default();
    assert!(parse_dom0_mem("max:1G,bad", &mut m).is_err());
    assert_eq!(m.max, amt(1 << 18, 0, false));
}

/// Each dom0_mem= sets only the parts it names; "dom0_mem_set" records that it appeared.
#[test]
fn dom0_mem_accumulates_over_occurrences() {
    let o = Options::parse("dom0_mem=1G dom0_mem=max:2G");
    assert!(o.dom0_mem_set);
    assert_eq!(o.dom0_mem.size, amt(1 << 18, 0, false));
    assert_eq!(o.dom0_mem.max, amt(2 << 18, 0, false));
    assert!(!Options::parse("").dom0_mem_set);
}

/// get_memsize: nr_pages + percent * avail / 100, from avail when negative.
#[test]
fn get_memsize_like_xen() {
    assert_eq!(amt(100, 10, false).get_memsize(1000), Some(200));
    assert_eq!(amt(100, 10, true).get_memsize(1000), Some(800));
    assert_eq!(amt(2000, 0, true).get_memsize(1000), None, "Xen wraps");
    assert!(amt(1, 0, false).gt_zero());
    assert!(!amt(1, 0, true).gt_zero());
}

// ---------------------------------------------------------------------------------------------
// loglvl= (xen/drivers/char/console.c _parse_loglvl).

#[test]
fn loglvl_levels_and_rate_limited_part() {
    let l = |s: &str| parse_loglvl(s);
    assert_eq!(l("all"), Ok(LogLevels { lower: 4, upper: 4 }));
    assert_eq!(l("debug"), Ok(LogLevels { lower: 4, upper: 4 }));
    assert_eq!(l("info"), Ok(LogLevels { lower: 3, upper: 3 }));
    assert_eq!(l("warning"), Ok(LogLevels { lower: 2, upper: 2 }));
    assert_eq!(l("error"), Ok(LogLevels { lower: 1, upper: 1 }));
    assert_eq!(l("none"), Ok(LogLevels { lower: 0, upper: 0 }));
    assert_eq!(l("none/warning"), Ok(LogLevels { lower: 0, upper: 2 }));
    // "if ( *upper < *lower ) *upper = *lower;"
    assert_eq!(l("info/error"), Ok(LogLevels { lower: 3, upper: 3 }));
    assert_eq!(l("loud"), Err(OptionError::BadLogLevel));
    assert_eq!(l("all/"), Err(OptionError::BadLogLevel));
    assert_eq!(l("allx"), Err(OptionError::BadLogLevel));
    let o = Options::parse("loglvl=all guest_loglvl=none/warning");
    assert_eq!(o.loglvl, Some(LogLevels::XEN_DEBUG_DEFAULT));
    assert_eq!(o.guest_loglvl, Some(LogLevels::XEN_RELEASE_GUEST_DEFAULT));
    assert_eq!(loglvl_str(2), "Errors and warnings");
}

// ---------------------------------------------------------------------------------------------
// dom0= (xen/arch/x86/dom0_build.c parse_dom0_param, CONFIG_PV=n, CONFIG_SHADOW_PAGING=n).

#[test]
fn dom0_param_like_a_pvh_only_xen() {
    let mut d = Dom0Options::default();
    assert_eq!(parse_dom0_param("pvh", &mut d), Ok(()));
    assert_eq!(
        parse_dom0_param("pvh,verbose,msr-relaxed=1", &mut d),
        Ok(())
    );
    assert!(d.verbose && d.msr_relaxed);
    assert_eq!(parse_dom0_param("no-verbose", &mut d), Ok(()));
    assert!(!d.verbose);
    assert_eq!(
        parse_dom0_param("pv", &mut d),
        Err(OptionError::Dom0PvUnsupported)
    );
    assert_eq!(
        parse_dom0_param("pvh,shadow", &mut d),
        Err(OptionError::Dom0ShadowUnsupported)
    );
    assert_eq!(
        parse_dom0_param("cpuid-faulting", &mut d),
        Err(OptionError::BadDom0Option)
    );
    // Later items are still applied after a bad one (Xen keeps going, returns -EINVAL).
    assert_eq!(
        parse_dom0_param("bogus,verbose", &mut d),
        Err(OptionError::BadDom0Option)
    );
    assert!(d.verbose);
    assert_eq!(
        parse_dom0_param("verbose=maybe", &mut d),
        Err(OptionError::BadBoolean)
    );
}

// ---------------------------------------------------------------------------------------------
// No command line panics.

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn option_text() -> impl Strategy<Value = String> {
        let names = prop::sample::select(vec![
            "console",
            "com1",
            "com2",
            "dom0_mem",
            "loglvl",
            "guest_loglvl",
            "noreboot",
            "no-noreboot",
            "dom0",
            "test_fault",
            "no-dom0_mem",
            "x",
        ]);
        (names, "[0-9a-zA-Z:,%+/=.\\-é]{0,24}").prop_map(|(n, v)| format!("{n}={v}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn any_command_line_parses_without_panicking(
            opts in proptest::collection::vec(option_text(), 0..6),
            noise in "\\PC{0,40}",
        ) {
            let line = format!("{} {noise}", opts.join(" "));
            let o = Options::parse(&line);
            let _ = o.com(0);
            let _ = o.com(1);
            for i in o.invalid.iter() {
                let _ = (i.to_string(), i.reason.to_string());
            }
            let mut m = Dom0Mem::default();
            let _ = parse_dom0_mem(&noise, &mut m);
            let _ = parse_loglvl(&noise);
            let _ = parse_size_and_unit(&noise);
        }
    }
}

/// dom0_build.c `parse_dom0_max_vcpus` and `dom0_max_vcpus`: N, N-, N-M and -M; 0 counts as 1;
/// leftover text is -EINVAL; the count is the host's CPUs raised to the minimum and capped at
/// the maximum and the limit.
#[test]
fn dom0_max_vcpus_like_xen() {
    let parse = |s: &str| {
        let mut o = Dom0MaxVcpus::default();
        parse_dom0_max_vcpus(s, &mut o).map(|()| (o.min, o.max))
    };
    let unbounded = u64::from(u32::MAX);
    assert_eq!(
        Dom0MaxVcpus::default(),
        Dom0MaxVcpus {
            min: 1,
            max: unbounded
        }
    );
    assert_eq!(parse("4"), Ok((4, 4)));
    assert_eq!(parse("0"), Ok((1, 1)));
    assert_eq!(parse("2-"), Ok((2, unbounded)));
    assert_eq!(parse("2-8"), Ok((2, 8)));
    assert_eq!(parse("-3"), Ok((1, 3)));
    assert_eq!(parse("0x10"), Ok((16, 16)));
    assert_eq!(parse("2x"), Err(OptionError::TrailingCharacters));
    assert_eq!(parse("2-8z"), Err(OptionError::TrailingCharacters));
    let o = |min, max| Dom0MaxVcpus { min, max };
    assert_eq!(o(1, unbounded).vcpus(8, 128), 8);
    assert_eq!(o(4, 4).vcpus(1, 128), 4);
    assert_eq!(o(1, 2).vcpus(8, 128), 2);
    assert_eq!(o(200, 300).vcpus(1, 128), 128);
    // The command line: no longer unknown.
    let opts = Options::parse("dom0_max_vcpus=1");
    assert_eq!(opts.dom0_max_vcpus, o(1, 1));
    assert_eq!(opts.unknown.len(), 0);
    assert_eq!(Options::parse("no-dom0_max_vcpus").invalid.len(), 1);
}
