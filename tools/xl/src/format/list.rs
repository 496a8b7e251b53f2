//! `xl list` and `xl claims`: `list_domains` in Xen 4.17's `tools/xl/xl_info.c`.

use super::json::DomainType;
use super::{
    pad_left, pad_right, print_bitmap, seconds_1dp, uuid_string, C_NULL, SHUTDOWN_REASON_UNKNOWN,
};

/// `libxl_dominfo` (libxl_types.idl), as `libxl_domain_info`/`libxl_list_domain` fill it from
/// `XEN_DOMCTL_getdomaininfo` (`libxl__xcinfo2xlinfo` in libxl_domain.c): memory in KiB
/// (pages * 4), `cpu_time` in nanoseconds, `shutdown_reason` the `SHUTDOWN_*` code when
/// `shutdown` is set and [`SHUTDOWN_REASON_UNKNOWN`] otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dominfo {
    /// `uuid`: the domain handle.
    pub uuid: [u8; 16],
    /// `domid`.
    pub domid: u32,
    /// `ssidref`: the XSM/FLASK security id (0 under the dummy policy).
    pub ssidref: u32,
    /// `ssid_label`: the FLASK context of `ssidref`; `None` when FLASK is off (xl prints `-`).
    pub ssid_label: Option<String>,
    /// `running`: `XEN_DOMINF_running`.
    pub running: bool,
    /// `blocked`: `XEN_DOMINF_blocked`.
    pub blocked: bool,
    /// `paused`: `XEN_DOMINF_paused`.
    pub paused: bool,
    /// `shutdown`: `XEN_DOMINF_shutdown`.
    pub shutdown: bool,
    /// `dying`: `XEN_DOMINF_dying`.
    pub dying: bool,
    /// `never_stop`: `XEN_DOMINF_xs_domain` (not printed by `xl list`).
    pub never_stop: bool,
    /// `shutdown_reason`: a `SHUTDOWN_REASON_*` constant.
    pub shutdown_reason: i32,
    /// `outstanding_memkb`: the domain's outstanding claim, KiB.
    pub outstanding_memkb: u64,
    /// `current_memkb`: `tot_pages` in KiB.
    pub current_memkb: u64,
    /// `shared_memkb`.
    pub shared_memkb: u64,
    /// `paged_memkb`.
    pub paged_memkb: u64,
    /// `max_memkb`: `max_pages` in KiB.
    pub max_memkb: u64,
    /// `cpu_time`: nanoseconds.
    pub cpu_time: u64,
    /// `vcpu_max_id`.
    pub vcpu_max_id: u32,
    /// `vcpu_online`: `nr_online_vcpus`.
    pub vcpu_online: u32,
    /// `cpupool`: the cpupool id.
    pub cpupool: u32,
    /// `gpaddr_bits`.
    pub gpaddr_bits: u8,
    /// `domain_type`.
    pub domain_type: DomainType,
}

impl Default for Dominfo {
    fn default() -> Self {
        Dominfo {
            uuid: [0; 16],
            domid: 0,
            ssidref: 0,
            ssid_label: None,
            running: false,
            blocked: false,
            paused: false,
            shutdown: false,
            dying: false,
            never_stop: false,
            shutdown_reason: SHUTDOWN_REASON_UNKNOWN,
            outstanding_memkb: 0,
            current_memkb: 0,
            shared_memkb: 0,
            paged_memkb: 0,
            max_memkb: 0,
            cpu_time: 0,
            vcpu_max_id: 0,
            vcpu_online: 0,
            cpupool: 0,
            gpaddr_bits: 0,
            domain_type: DomainType::Invalid,
        }
    }
}

/// One row of `xl list`: the `libxl_dominfo` plus what xl looks up per row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListedDomain {
    /// `libxl_domid_to_name(domid)` (xenstore `/local/domain/<id>/name`); `None` prints as
    /// glibc's `(null)`.
    pub name: Option<String>,
    /// The domain's info.
    pub info: Dominfo,
    /// `libxl_cpupoolid_to_name(info.cpupool)`, used by `-c`; `None` prints `(null)`.
    pub cpupool_name: Option<String>,
    /// `libxl_domain_get_nodeaffinity`: libxl bitmap bytes (bit n of byte n/8 = node n), used
    /// by `-n`.
    pub node_affinity: Vec<u8>,
}

/// The flags of `list_domains(verbose, context, claim, numa, cpupool, ...)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// `-v`: UUID, reason code and security label columns.
    pub verbose: bool,
    /// `-Z`: the security label column.
    pub context: bool,
    /// The `Claimed` column (only `xl claims` sets it).
    pub claim: bool,
    /// `-c`: the `Cpupool` column.
    pub cpupool: bool,
    /// `-n`: the `NODE Affinity` column, with `physinfo.nr_nodes` as the bitmap length.
    pub numa_nodes: Option<u32>,
}

/// `shutdown_reason_letters[]` in `list_domains`: indexed by the reason, `-` for poweroff.
const SHUTDOWN_REASON_LETTERS: &[u8] = b"-rscwS";

/// The six state letters `r b p s <reason> d` of `list_domains`.
fn state_letters(info: &Dominfo) -> String {
    // xl: `shutdown_reason = info[i].shutdown ? info[i].shutdown_reason : 0;`
    let reason = if info.shutdown {
        info.shutdown_reason
    } else {
        0
    };
    let reason_letter = usize::try_from(reason)
        .ok()
        .and_then(|r| SHUTDOWN_REASON_LETTERS.get(r))
        .map_or('?', |&c| c as char);
    let flag = |on: bool, c: char| if on { c } else { '-' };
    [
        flag(info.running, 'r'),
        flag(info.blocked, 'b'),
        flag(info.paused, 'p'),
        flag(info.shutdown, 's'),
        reason_letter,
        flag(info.dying, 'd'),
    ]
    .iter()
    .collect()
}

/// `xl list` (all variants but `-l`): `list_domains` in tools/xl/xl_info.c.
///
/// Header, then per domain
/// `"%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f"` (name, domid, (current+outstanding)/1024 MiB,
/// online vcpus, state, cpu seconds), then with `-v` `" <uuid>"` and `" %8x"` of the shutdown
/// reason (or `" %8s"` of `-` when not shut down), with `claim` `" %5lu"` of the outstanding
/// claim in MiB, with `-v` or `-Z` `" %16s"` of the security label (`-` without FLASK), with `-c`
/// `"%16s"` of the pool name, with `-n` a space and `print_bitmap` of the node affinity.
pub fn list_domains(opts: &ListOptions, domains: &[ListedDomain]) -> String {
    let mut out =
        String::from("Name                                        ID   Mem VCPUs\tState\tTime(s)");
    if opts.verbose {
        out.push_str("   UUID                            Reason-Code\tSecurity Label");
    }
    if opts.context && !opts.verbose {
        out.push_str("   Security Label");
    }
    if opts.claim {
        out.push_str("  Claimed");
    }
    if opts.cpupool {
        out.push_str("         Cpupool");
    }
    if opts.numa_nodes.is_some() {
        out.push_str(" NODE Affinity");
    }
    out.push('\n');
    for d in domains {
        out.push_str(&list_row(opts, d));
        out.push('\n');
    }
    out
}

/// `xl claims`: `main_claims` calls `list_domains(false, false, true /* claim */, false, false,
/// ...)`. (xl also warns on stderr "claim_mode not enabled (see man xl.conf)." when xl.conf's
/// `claim_mode` is off; that is not part of this output.)
pub fn list_claims(domains: &[ListedDomain]) -> String {
    let opts = ListOptions {
        claim: true,
        ..ListOptions::default()
    };
    list_domains(&opts, domains)
}

fn list_row(opts: &ListOptions, d: &ListedDomain) -> String {
    let info = &d.info;
    let mem_mib = info.current_memkb.wrapping_add(info.outstanding_memkb) / 1024;
    let mut row = format!(
        "{} {} {} {}     {}  {}",
        pad_right(d.name.as_deref().unwrap_or(C_NULL), 40),
        // `%5d` of the uint32 domid / vcpu_online: C reinterprets them as int.
        pad_left(&(info.domid as i32).to_string(), 5),
        pad_left(&mem_mib.to_string(), 5),
        pad_left(&(info.vcpu_online as i32).to_string(), 5),
        state_letters(info),
        seconds_1dp(info.cpu_time, 8),
    );
    if opts.verbose {
        row.push(' ');
        row.push_str(&uuid_string(&info.uuid));
        if info.shutdown {
            // `%8x` of the (int) reason: C prints its two's complement bits.
            row.push_str(&format!(" {:>8x}", info.shutdown_reason as u32));
        } else {
            row.push_str(&format!(" {}", pad_left("-", 8)));
        }
    }
    if opts.claim {
        row.push(' ');
        row.push_str(&pad_left(&(info.outstanding_memkb / 1024).to_string(), 5));
    }
    if opts.verbose || opts.context {
        row.push(' ');
        row.push_str(&pad_left(info.ssid_label.as_deref().unwrap_or("-"), 16));
    }
    if opts.cpupool {
        row.push_str(&pad_left(d.cpupool_name.as_deref().unwrap_or(C_NULL), 16));
    }
    if let Some(nr_nodes) = opts.numa_nodes {
        row.push(' ');
        row.push_str(&print_bitmap(&d.node_affinity, nr_nodes as usize));
    }
    row
}
