//! What `xl` prints, byte for byte as Xen 4.17's `xl` prints it.
//!
//! Every formatter here is a pure function from plain structs (named in libxl's vocabulary, see
//! `tools/libs/light/libxl_types.idl`) to a `String`; the caller fills the structs from hypercall
//! results and writes the string to stdout unchanged. Each function names the Xen file and
//! function whose `printf` format strings it reproduces. C's `printf` pads by bytes, so the
//! padding helpers below count bytes, not characters.
//!
//! - [`list`]: `xl list`, `xl list -v`/`-Z`/`-c`/`-n`, `xl claims` (`tools/xl/xl_info.c`).
//! - [`json`]: `xl list -l` (`list_domains_details`, libxl's yajl generator).
//! - [`info`]: `xl info` (`main_info` and its `output_*` helpers).
//! - [`vcpu`]: `xl vcpu-list` (`tools/xl/xl_vcpu.c`).
//! - [`misc`]: `xl domid`, `xl domname` and `print_bitmap` (`tools/xl/xl_utils.c`).

pub mod info;
pub mod json;
pub mod list;
pub mod misc;
pub mod vcpu;

pub use info::{filter_info, xl_info, XlInfo};
pub use json::{
    list_domains_details, ActionOnShutdown, BuildInfo, CreateInfo, Defbool, DomainConfig,
    DomainSchedParams, DomainType, PvInfo, PvhInfo, TypeInfo, MEMKB_DEFAULT, SCHED_PARAM_DEFAULT,
};
pub use list::{list_claims, list_domains, Dominfo, ListOptions, ListedDomain};
pub use misc::{bitmap_from_bits, domid_line, domname_line, print_bitmap};
pub use vcpu::{vcpu_list, vcpu_list_header, vcpu_list_row, VcpuListDomain, Vcpuinfo};

/// `LIBXL_SHUTDOWN_REASON_UNKNOWN` (libxl_types.idl, `libxl_shutdown_reason`).
pub const SHUTDOWN_REASON_UNKNOWN: i32 = -1;
/// `LIBXL_SHUTDOWN_REASON_POWEROFF` (= `SHUTDOWN_poweroff` in Xen's sched.h).
pub const SHUTDOWN_REASON_POWEROFF: i32 = 0;
/// `LIBXL_SHUTDOWN_REASON_REBOOT`.
pub const SHUTDOWN_REASON_REBOOT: i32 = 1;
/// `LIBXL_SHUTDOWN_REASON_SUSPEND`.
pub const SHUTDOWN_REASON_SUSPEND: i32 = 2;
/// `LIBXL_SHUTDOWN_REASON_CRASH`.
pub const SHUTDOWN_REASON_CRASH: i32 = 3;
/// `LIBXL_SHUTDOWN_REASON_WATCHDOG`.
pub const SHUTDOWN_REASON_WATCHDOG: i32 = 4;
/// `LIBXL_SHUTDOWN_REASON_SOFT_RESET`.
pub const SHUTDOWN_REASON_SOFT_RESET: i32 = 5;

/// A UUID as `LIBXL_UUID_FMT` prints it (tools/include/libxl_uuid.h): 8-4-4-4-12 lower-case hex
/// digits.
pub fn uuid_string(uuid: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in uuid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// C's `%-Ns`: `s` then spaces up to `width` bytes; never truncates.
pub(crate) fn pad_right(s: &str, width: usize) -> String {
    let mut out = String::from(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(s.len())));
    out
}

/// C's `%Ns`: spaces up to `width` bytes, then `s`; never truncates.
pub(crate) fn pad_left(s: &str, width: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', width.saturating_sub(s.len())).collect();
    out.push_str(s);
    out
}

/// What glibc's `printf("%s", NULL)` prints, as xl does for a domain or pool name that
/// `libxl_domid_to_name`/`libxl_cpupoolid_to_name` could not find.
pub(crate) const C_NULL: &str = "(null)";

/// xl's time columns: `printf("%W.1f", (float)ns / 1e9)`.
///
/// The nanoseconds go through a C `float` first (`(float)info->cpu_time`, round to nearest),
/// then the division is done in `double`; `%.1f` then rounds the exact binary value, which Rust's
/// `{:.1}` does too (a tie cannot occur: no binary fraction ends in ...05 exactly).
pub(crate) fn seconds_1dp(ns: u64, width: usize) -> String {
    let secs = f64::from(ns as f32) / 1e9;
    pad_left(&format!("{secs:.1}"), width)
}
