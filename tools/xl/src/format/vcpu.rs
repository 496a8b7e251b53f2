//! `xl vcpu-list`: `vcpulist`, `print_domain_vcpuinfo` and `print_vcpuinfo` in Xen 4.17's
//! tools/xl/xl_vcpu.c.

use super::{pad_left, pad_right, print_bitmap, seconds_1dp, C_NULL};

/// `libxl_vcpuinfo` (libxl_types.idl), as `libxl_list_vcpu` fills it from
/// `XEN_DOMCTL_getvcpuinfo` and `XEN_DOMCTL_getvcpuaffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vcpuinfo {
    /// `vcpuid`.
    pub vcpuid: u32,
    /// `cpu`: the physical cpu it last ran on.
    pub cpu: u32,
    /// `online`.
    pub online: bool,
    /// `blocked`.
    pub blocked: bool,
    /// `running`.
    pub running: bool,
    /// `vcpu_time`: nanoseconds run.
    pub vcpu_time: u64,
    /// `cpumap`: hard affinity, a libxl bitmap (bit n of byte n/8 = pcpu n).
    pub cpumap: Vec<u8>,
    /// `cpumap_soft`: soft affinity, a libxl bitmap.
    pub cpumap_soft: Vec<u8>,
}

/// One domain's vcpus for [`vcpu_list`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VcpuListDomain {
    /// `libxl_domid_to_name(domid)`; `None` prints `(null)`.
    pub name: Option<String>,
    /// The domain id.
    pub domid: u32,
    /// `libxl_list_vcpu(domid)`.
    pub vcpus: Vec<Vcpuinfo>,
}

/// The header line of `vcpulist`:
/// `printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
/// "Affinity (Hard / Soft)")`.
pub fn vcpu_list_header() -> String {
    format!(
        "{} {} {} {} {} {} {}\n",
        pad_right("Name", 32),
        pad_left("ID", 5),
        pad_left("VCPU", 5),
        pad_left("CPU", 5),
        pad_left("State", 5),
        pad_left("Time(s)", 9),
        "Affinity (Hard / Soft)"
    )
}

/// One line of `print_vcpuinfo`: `"%-32s %5u %5u"` (name, domid, vcpu), then for an offline
/// vcpu `"%5c %3c%cp "` with `-`s, else `"%5u %3c%c- "` (cpu, `r`, `b`), then `"%9.1f  "` of
/// the seconds run, then `print_bitmap(hard, nr_cpus)`, `" / "`, `print_bitmap(soft, nr_cpus)`
/// and a newline. `nr_cpus` is `physinfo.nr_cpus`.
pub fn vcpu_list_row(name: Option<&str>, domid: u32, v: &Vcpuinfo, nr_cpus: u32) -> String {
    let mut row = format!(
        "{} {} {}",
        pad_right(name.unwrap_or(C_NULL), 32),
        pad_left(&domid.to_string(), 5),
        pad_left(&v.vcpuid.to_string(), 5)
    );
    if !v.online {
        row.push_str(&format!("{} {}-p ", pad_left("-", 5), pad_left("-", 3)));
    } else {
        let r = if v.running { "r" } else { "-" };
        let b = if v.blocked { 'b' } else { '-' };
        row.push_str(&format!(
            "{} {}{b}- ",
            pad_left(&v.cpu.to_string(), 5),
            pad_left(r, 3)
        ));
    }
    row.push_str(&seconds_1dp(v.vcpu_time, 9));
    row.push_str("  ");
    row.push_str(&print_bitmap(&v.cpumap, nr_cpus as usize));
    row.push_str(" / ");
    row.push_str(&print_bitmap(&v.cpumap_soft, nr_cpus as usize));
    row.push('\n');
    row
}

/// `xl vcpu-list [domains]`: the header, then every vcpu of every domain in order
/// (`print_domain_vcpuinfo` per domain).
pub fn vcpu_list(nr_cpus: u32, domains: &[VcpuListDomain]) -> String {
    let mut out = vcpu_list_header();
    for d in domains {
        for v in &d.vcpus {
            out.push_str(&vcpu_list_row(d.name.as_deref(), d.domid, v, nr_cpus));
        }
    }
    out
}
