//! xen_version (xen/common/kernel.c `do_xen_version`) and console_io
//! (xen/drivers/char/console.c `do_console_io`).

use xen_public::version::{
    xen_feature_info, XENVER_capabilities, XENVER_extraversion, XENVER_get_features,
    XENVER_pagesize, XENVER_version,
};
use xen_public::xen::{__HYPERVISOR_console_io, __HYPERVISOR_xen_version, CONSOLEIO_write};

use super::{Rc, BAD_ADDRESS};
use crate::case;
use crate::hypercall::hypercall;

/// xen_version(cmd, arg).
fn xen_version(cmd: u32, arg: u64) -> i64 {
    // SAFETY: `arg` is a buffer on our stack large enough for `cmd`, or a bad address.
    unsafe { hypercall(__HYPERVISOR_xen_version, [u64::from(cmd), arg, 0, 0, 0]) }
}

/// The bytes up to the first NUL.
fn c_str(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

pub fn run() {
    // do_xen_version, XENVER_version: major << 16 | minor.
    let v = xen_version(XENVER_version, 0);
    case!(
        "xen_version.version",
        "rc {}, {}.{}",
        if v >= 0 { "ok" } else { "error" },
        v >> 16,
        v & 0xffff
    );

    // do_xen_version, XENVER_extraversion: a NUL-terminated string in 16 bytes.
    let mut extra = [0xffu8; 16];
    let rc = xen_version(XENVER_extraversion, extra.as_mut_ptr() as u64);
    let len = c_str(&extra).len();
    case!(
        "xen_version.extraversion",
        "rc {}, nul-terminated {}",
        Rc(rc),
        len < extra.len()
    );

    // do_xen_version, XENVER_capabilities: "xen-3.0-x86_64 hvm-3.0-x86_32 ..." in 1024 bytes.
    let mut caps = [0u8; 1024];
    let rc = xen_version(XENVER_capabilities, caps.as_mut_ptr() as u64);
    let caps = c_str(&caps);
    let has = |word: &[u8]| caps.windows(word.len()).any(|w| w == word);
    case!(
        "xen_version.capabilities",
        "rc {}, hvm-3.0-x86_64 {}, hvm-3.0-x86_32 {}",
        Rc(rc),
        has(b"hvm-3.0-x86_64"),
        has(b"hvm-3.0-x86_32 ")
    );

    // do_xen_version, XENVER_get_features: submap 0 for an HVM dom0 (xen/common/kernel.c).
    let mut fi = xen_feature_info {
        submap_idx: 0,
        submap: 0,
    };
    let rc = xen_version(XENVER_get_features, (&raw mut fi) as u64);
    case!(
        "xen_version.get_features.submap0",
        "rc {}, submap {:#x}",
        Rc(rc),
        fi.submap
    );

    // do_xen_version, XENVER_get_features: a submap index past XENFEAT_NR_SUBMAPS -> -EINVAL.
    let mut fi = xen_feature_info {
        submap_idx: 7,
        submap: 0,
    };
    let rc = xen_version(XENVER_get_features, (&raw mut fi) as u64);
    case!("xen_version.get_features.bad_submap", "rc {}", Rc(rc));

    // do_xen_version, XENVER_pagesize: returns the page size.
    let rc = xen_version(XENVER_pagesize, 0);
    case!("xen_version.pagesize", "rc {}", Rc(rc));

    // do_xen_version, XENVER_extraversion with a bad buffer: copy_to_guest fails.
    let rc = xen_version(XENVER_extraversion, BAD_ADDRESS);
    case!("xen_version.extraversion.bad_handle", "rc {}", Rc(rc));

    // do_xen_version: an unknown subop -> -ENOSYS.
    let rc = xen_version(63, 0);
    case!("xen_version.bad_subop", "rc {}", Rc(rc));

    // do_console_io, CONSOLEIO_write: the control domain writes; 0 on success.
    let text = b"";
    // SAFETY: Xen reads 0 bytes.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_console_io,
            [u64::from(CONSOLEIO_write), 0, text.as_ptr() as u64, 0, 0],
        )
    };
    case!("console_io.write.empty", "rc {}", Rc(rc));
    let text = b"conformance console line\n";
    // SAFETY: Xen reads `text.len()` bytes of `text`.
    let rc = unsafe {
        hypercall(
            __HYPERVISOR_console_io,
            [
                u64::from(CONSOLEIO_write),
                text.len() as u64,
                text.as_ptr() as u64,
                0,
                0,
            ],
        )
    };
    case!("console_io.write", "rc {}", Rc(rc));

    // do_console_io: an unknown command -> -ENOSYS.
    // SAFETY: an unknown command reads nothing.
    let rc = unsafe { hypercall(__HYPERVISOR_console_io, [63, 0, 0, 0, 0]) };
    case!("console_io.bad_cmd", "rc {}", Rc(rc));
}
