//! `xl info`: `main_info` → `print_info` in Xen 4.17's tools/xl/xl_info.c, which prints
//! `output_nodeinfo`, `output_physinfo`, `output_xeninfo` and `xend_config_format`.
//!
//! Every line is `maybe_printf("<key padded to 23 bytes>: <value>\n")`. The `-n` variant
//! (topology and NUMA tables) is not implemented.

/// The raw values `xl info` prints, in libxl's names.
///
/// `uname(2)` fields for `output_nodeinfo`; `libxl_physinfo` (from `XEN_SYSCTL_physinfo`) for
/// `output_physinfo`; `libxl_version_info` (from the `XENVER_*` calls) and the scheduler name
/// for `output_xeninfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XlInfo {
    /// `utsname.nodename`.
    pub host: String,
    /// `utsname.release`.
    pub release: String,
    /// `utsname.version`.
    pub version: String,
    /// `utsname.machine`.
    pub machine: String,

    /// `physinfo.nr_cpus`.
    pub nr_cpus: u32,
    /// `physinfo.max_cpu_id`.
    pub max_cpu_id: u32,
    /// `physinfo.nr_nodes`.
    pub nr_nodes: u32,
    /// `physinfo.cores_per_socket`.
    pub cores_per_socket: u32,
    /// `physinfo.threads_per_core`.
    pub threads_per_core: u32,
    /// `physinfo.cpu_khz`.
    pub cpu_khz: u32,
    /// `physinfo.hw_cap`: the 8 words of `XEN_SYSCTL_physinfo`'s `hw_cap`.
    pub hw_cap: [u32; 8],
    /// `physinfo.cap_pv` (`XEN_SYSCTL_PHYSCAP_pv`).
    pub cap_pv: bool,
    /// `physinfo.cap_hvm` (`XEN_SYSCTL_PHYSCAP_hvm`).
    pub cap_hvm: bool,
    /// `physinfo.cap_hvm_directio` (`XEN_SYSCTL_PHYSCAP_directio`).
    pub cap_hvm_directio: bool,
    /// `physinfo.cap_hap`.
    pub cap_hap: bool,
    /// `physinfo.cap_shadow`.
    pub cap_shadow: bool,
    /// `physinfo.cap_iommu_hap_pt_share`.
    pub cap_iommu_hap_pt_share: bool,
    /// `physinfo.cap_vmtrace`.
    pub cap_vmtrace: bool,
    /// `physinfo.cap_vpmu`.
    pub cap_vpmu: bool,
    /// `physinfo.cap_gnttab_v1`.
    pub cap_gnttab_v1: bool,
    /// `physinfo.cap_gnttab_v2`.
    pub cap_gnttab_v2: bool,
    /// `physinfo.total_pages`.
    pub total_pages: u64,
    /// `physinfo.free_pages`.
    pub free_pages: u64,
    /// `physinfo.outstanding_pages`: the sum of all claims.
    pub outstanding_pages: u64,
    /// `physinfo.sharing_freed_pages`.
    pub sharing_freed_pages: u64,
    /// `physinfo.sharing_used_frames`.
    pub sharing_used_frames: u64,
    /// The number of cpus in no cpupool (`libxl_get_freecpus`); `None` if that call failed,
    /// in which case xl prints no `free_cpus` line.
    pub free_cpus: Option<u32>,

    /// `version_info.xen_version_major`.
    pub xen_version_major: i32,
    /// `version_info.xen_version_minor`.
    pub xen_version_minor: i32,
    /// `version_info.xen_version_extra` (e.g. `.0`, `-pre`).
    pub xen_version_extra: String,
    /// `version_info.capabilities` (`XENVER_capabilities`, e.g.
    /// `xen-3.0-x86_64 hvm-3.0-x86_32 ...`).
    pub capabilities: String,
    /// `libxl_scheduler_to_string(libxl_get_scheduler())`, e.g. `credit2`.
    pub xen_scheduler: String,
    /// `version_info.pagesize` (`XENVER_pagesize`), bytes.
    pub pagesize: u32,
    /// `version_info.virt_start` (`XENVER_platform_parameters`).
    pub virt_start: u64,
    /// `version_info.changeset`.
    pub changeset: String,
    /// `version_info.commandline`.
    pub commandline: String,
    /// `version_info.compiler`.
    pub compiler: String,
    /// `version_info.compile_by`.
    pub compile_by: String,
    /// `version_info.compile_domain`.
    pub compile_domain: String,
    /// `version_info.compile_date`.
    pub compile_date: String,
    /// `version_info.build_id` (hex).
    pub build_id: String,
}

fn line(out: &mut String, key: &str, value: &str) {
    // All keys in xl_info.c are padded to 23 bytes before the colon.
    out.push_str(&super::pad_right(key, 23));
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}

/// The whole of `xl info` (without `-n`).
///
/// Order and formats follow `print_info`: `output_nodeinfo` (host, release, version, machine),
/// `output_physinfo` (`cpu_mhz` as `%d.%03d` of kHz; `hw_caps` as 8 `%08x` words joined by
/// `:`; `virt_caps` as the 4.17 list `pv hvm hvm_directio pv_directio hap shadow
/// iommu_hap_pt_share vmtrace vpmu gnttab-v1 gnttab-v2`, each with a leading space and no space
/// after the colon; memory lines in MiB = pages / (1 MiB / pagesize), `free_memory` being
/// `free_pages - outstanding_pages`), `output_xeninfo` and `xend_config_format : 4`.
///
/// With `pagesize` 0 or above 1 MiB xl would divide by zero; here the memory lines are then left
/// out (as xl does when `libxl_get_version_info` fails).
pub fn xl_info(i: &XlInfo) -> String {
    let mut out = String::new();
    // output_nodeinfo
    line(&mut out, "host", &i.host);
    line(&mut out, "release", &i.release);
    line(&mut out, "version", &i.version);
    line(&mut out, "machine", &i.machine);

    // output_physinfo: `%d` of uint32 fields, so values above INT_MAX come out negative.
    line(&mut out, "nr_cpus", &(i.nr_cpus as i32).to_string());
    line(&mut out, "max_cpu_id", &(i.max_cpu_id as i32).to_string());
    line(&mut out, "nr_nodes", &(i.nr_nodes as i32).to_string());
    line(
        &mut out,
        "cores_per_socket",
        &(i.cores_per_socket as i32).to_string(),
    );
    line(
        &mut out,
        "threads_per_core",
        &(i.threads_per_core as i32).to_string(),
    );
    line(
        &mut out,
        "cpu_mhz",
        &format!(
            "{}.{:03}",
            (i.cpu_khz / 1000) as i32,
            (i.cpu_khz % 1000) as i32
        ),
    );
    let hw: Vec<String> = i.hw_cap.iter().map(|w| format!("{w:08x}")).collect();
    line(&mut out, "hw_caps", &hw.join(":"));
    let caps = [
        (i.cap_pv, " pv"),
        (i.cap_hvm, " hvm"),
        (i.cap_hvm && i.cap_hvm_directio, " hvm_directio"),
        (i.cap_pv && i.cap_hvm_directio, " pv_directio"),
        (i.cap_hap, " hap"),
        (i.cap_shadow, " shadow"),
        (i.cap_iommu_hap_pt_share, " iommu_hap_pt_share"),
        (i.cap_vmtrace, " vmtrace"),
        (i.cap_vpmu, " vpmu"),
        (i.cap_gnttab_v1, " gnttab-v1"),
        (i.cap_gnttab_v2, " gnttab-v2"),
    ];
    out.push_str("virt_caps              :");
    for (on, name) in caps {
        if on {
            out.push_str(name);
        }
    }
    out.push('\n');
    let per_mib = if i.pagesize == 0 {
        0
    } else {
        (1u64 << 20) / u64::from(i.pagesize)
    };
    if per_mib != 0 {
        let mib = |pages: u64| (pages / per_mib).to_string();
        line(&mut out, "total_memory", &mib(i.total_pages));
        // Unsigned arithmetic in C: wraps if the claims exceed the free pages.
        line(
            &mut out,
            "free_memory",
            &mib(i.free_pages.wrapping_sub(i.outstanding_pages)),
        );
        line(
            &mut out,
            "sharing_freed_memory",
            &mib(i.sharing_freed_pages),
        );
        line(&mut out, "sharing_used_memory", &mib(i.sharing_used_frames));
        line(&mut out, "outstanding_claims", &mib(i.outstanding_pages));
    }
    if let Some(n) = i.free_cpus {
        line(&mut out, "free_cpus", &(n as i32).to_string());
    }

    // output_xeninfo
    line(&mut out, "xen_major", &i.xen_version_major.to_string());
    line(&mut out, "xen_minor", &i.xen_version_minor.to_string());
    line(&mut out, "xen_extra", &i.xen_version_extra);
    line(
        &mut out,
        "xen_version",
        &format!(
            "{}.{}{}",
            i.xen_version_major, i.xen_version_minor, i.xen_version_extra
        ),
    );
    line(&mut out, "xen_caps", &i.capabilities);
    line(&mut out, "xen_scheduler", &i.xen_scheduler);
    line(&mut out, "xen_pagesize", &i.pagesize.to_string());
    line(
        &mut out,
        "platform_params",
        &format!("virt_start=0x{:x}", i.virt_start),
    );
    line(&mut out, "xen_changeset", &i.changeset);
    line(&mut out, "xen_commandline", &i.commandline);
    line(&mut out, "cc_compiler", &i.compiler);
    line(&mut out, "cc_compile_by", &i.compile_by);
    line(&mut out, "cc_compile_domain", &i.compile_domain);
    line(&mut out, "cc_compile_date", &i.compile_date);
    line(&mut out, "build_id", &i.build_id);

    // print_info
    line(&mut out, "xend_config_format", "4");
    out
}

/// `xl info <name>`: `maybe_printf` with `info_name` set.
///
/// For every line of [`xl_info`]'s output that starts with `name` (a prefix match, as xl's
/// `strncmp(str, info_name, strlen(info_name))`) and has a `": "` at its first colon, xl prints
/// only what follows `": "`. So `xl info xen_major` prints `4\n`, and `xl info xen_` prints the
/// values of every `xen_*` line. (`virt_caps` never matches when it is empty of caps, since its
/// colon is then followed by the newline.)
pub fn filter_info(full: &str, name: &str) -> String {
    let mut out = String::new();
    for l in full.split_inclusive('\n') {
        if !l.as_bytes().starts_with(name.as_bytes()) {
            continue;
        }
        if let Some(colon) = l.find(':') {
            if l.as_bytes().get(colon + 1) == Some(&b' ') {
                out.push_str(&l[colon + 2..]);
            }
        }
    }
    out
}
