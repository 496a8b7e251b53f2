//! Arbitrary input never panics the parser or the getters (libxlu's parser fails cleanly too).

use proptest::prelude::*;

fn exercise(text: &str) {
    if let Ok(cfg) = xlcfg::parse("p.cfg", text) {
        for s in cfg.settings() {
            let _ = cfg.get_string(&s.name);
            let _ = cfg.get_long(&s.name);
            let _ = cfg.get_defbool(&s.name);
            let _ = cfg.get_list(&s.name);
            let _ = cfg.location(&s.name);
        }
    } else if let Err(e) = xlcfg::parse("p.cfg", text) {
        let _ = e.to_string();
    }
}

proptest! {
    #[test]
    fn any_string(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn config_like(text in "([a-z_0-9 \\t=+;,\\[\\]'\"\\\\#\\nx-]){0,200}") {
        exercise(&text);
    }
}
