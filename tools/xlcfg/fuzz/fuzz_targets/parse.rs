//! Fuzzes `xlcfg::parse` and the getters: no input may panic, and a parsed config's settings
//! must all be found again by name.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match xlcfg::parse("fuzz.cfg", &text) {
        Ok(cfg) => {
            for s in cfg.settings() {
                assert!(cfg.get(&s.name).is_some());
                let _ = cfg.get_string(&s.name);
                let _ = cfg.get_long(&s.name);
                let _ = cfg.get_defbool(&s.name);
                let _ = cfg.get_list(&s.name);
            }
        }
        Err(e) => {
            assert!(e.loc.line >= 1 && e.loc.column >= 1);
            let _ = e.to_string();
        }
    }
});
