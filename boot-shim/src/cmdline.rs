//! The hypervisor command line, split the way Xen's `parse_params` (xen/common/kernel.c) splits it:
//! options separated by spaces (no quoting), each `name` or `name=value`; `no-name` means
//! `name=no` for booleans.

/// One option from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmdlineOption<'a> {
    /// The name, before any `=`.
    pub name: &'a str,
    /// The text after the first `=`, if there is one.
    pub value: Option<&'a str>,
}

/// The options of a command line, in order.
pub fn options(cmdline: &str) -> impl Iterator<Item = CmdlineOption<'_>> {
    cmdline
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(|word| match word.split_once('=') {
            Some((name, value)) => CmdlineOption {
                name,
                value: Some(value),
            },
            None => CmdlineOption {
                name: word,
                value: None,
            },
        })
}

/// The value of the last `name=value` on the line (Xen applies options in order, so the last wins).
pub fn value_of<'a>(cmdline: &'a str, name: &str) -> Option<&'a str> {
    options(cmdline)
        .filter(|o| o.name == name)
        .filter_map(|o| o.value)
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn splits_like_xen() {
        let opts: Vec<_> = options("  console=com1  noreboot com1=115200,8n1 a=b=c ").collect();
        assert_eq!(
            opts,
            [
                CmdlineOption {
                    name: "console",
                    value: Some("com1")
                },
                CmdlineOption {
                    name: "noreboot",
                    value: None
                },
                CmdlineOption {
                    name: "com1",
                    value: Some("115200,8n1")
                },
                CmdlineOption {
                    name: "a",
                    value: Some("b=c")
                },
            ]
        );
    }

    #[test]
    fn last_value_wins() {
        assert_eq!(value_of("x=1 y=2 x=3", "x"), Some("3"));
        assert_eq!(value_of("x=1 y=2", "z"), None);
        assert_eq!(value_of("x", "x"), None);
    }
}
