//! `xl list -l`: `list_domains_details` in Xen 4.17's tools/xl/xl_info.c, which prints
//! `[ {"domid": <id>, "config": <libxl_domain_config>} ... ]` through libxl's yajl generator.
//!
//! # Formatting
//!
//! `libxl_yajl_gen_alloc` (libxl_json.c) turns on `yajl_gen_beautify` with yajl 2's default
//! indent of four spaces; `YajlBeautify` below is that layout as a `serde_json` formatter. It
//! differs from `serde_json`'s pretty printer in two ways: an empty map or array prints as `{`,
//! an empty line, then `}` (yajl writes the newline after `{` at once), and control characters
//! are escaped as `\u00XX` with upper-case hex (`yajl_string_encode`; `/` and non-ASCII bytes
//! are left alone, as `serde_json` does). yajl ends the complete top-level value with a newline
//! and xl then `puts()` the buffer, adding one more.
//!
//! # Which fields appear
//!
//! The generated `libxl_domain_config_gen_json` (gentypes.py, `libxl_C_type_gen_json` and
//! `get_default_expr`) walks the IDL fields in order and skips a field that holds its default:
//! the `skip_serializing_if` attributes below. Nested structs and keyed unions are always
//! printed; the `libxl_domain_build_info` union `u` is printed under the key
//! `type.<hvm|pv|pvh|invalid>`. Defbools print as the strings `"True"`/`"False"`, enums as their
//! lower-case names, bitmaps as the array of their set bits.
//!
//! # What is left out compared with real libxl
//!
//! Only the fields below are modelled; the rest of the IDL is printed by libxl when not default
//! and is never printed here: in `c_info` `ssid_label`, `xsdata`, `platformdata`, `poolid`,
//! `pool_name`, `driver_domain`, `passthrough`, `xend_suspend_evtchn_compat`; in `b_info`
//! `cpumap`, `nodemap`, `vcpu_hard_affinity`, `vcpu_soft_affinity`, `tsc_mode`, `video_memkb`,
//! `shadow_memkb`, `iommu_memkb`, `rtc_timeoffset`, `exec_ssidref`, `exec_ssid_label`,
//! `localtime`, `disable_migrate`, `cpuid`, `blkdev_start`, `vnuma_nodes`, `max_grant_frames`,
//! `max_maptrack_frames`, `max_grant_version`, every `device_model*` and `stubdomain_*` field,
//! `extra*`, `ioports`, `irqs`, `iomem`, `event_channels`, `device_tree`, `acpi`, `bootloader*`,
//! `timer_mode`, `nested_hvm`, `apic`, `dm_restrict`, `tee`, every `type.hvm` member,
//! `type.pv.bootloader`/`kernel`/`cmdline`/`ramdisk`/`bootloader_args` (deprecated copies),
//! `arch_arm.gic_version`/`vuart`, `altp2m`, `vmtrace_buf_kb`; and every device array of
//! `libxl_domain_config` (`disks`, `nics`, `pcidevs`, `rdms`, `dtdevs`, `vfbs`, `vkbs`,
//! `virtios`, `vtpms`, `p9s`, `pvcallsifs`, `vdispls`, `vsnds`, `channels`, `usbctrls`,
//! `usbdevs`), which xen-rs does not have.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use super::uuid_string;

/// `LIBXL_MEMKB_DEFAULT` (`~0ULL`): a `MemKB` field libxl leaves out of the JSON.
pub const MEMKB_DEFAULT: u64 = u64::MAX;

/// `LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT` (-1): a scheduler parameter libxl leaves out.
pub const SCHED_PARAM_DEFAULT: i32 = -1;

/// `libxl_domain_type`, printed as `libxl_domain_type_to_string` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainType {
    /// `LIBXL_DOMAIN_TYPE_INVALID` (-1), the init value.
    #[default]
    Invalid,
    /// `LIBXL_DOMAIN_TYPE_HVM` (1).
    Hvm,
    /// `LIBXL_DOMAIN_TYPE_PV` (2).
    Pv,
    /// `LIBXL_DOMAIN_TYPE_PVH` (3).
    Pvh,
}

/// `libxl_defbool`, printed as `libxl_defbool_to_string` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Defbool {
    /// Not set: left out of the JSON.
    #[default]
    #[serde(rename = "<default>")]
    Default,
    /// Printed as `"True"`.
    #[serde(rename = "True")]
    True,
    /// Printed as `"False"`.
    #[serde(rename = "False")]
    False,
}

/// `libxl_action_on_shutdown`, printed as `libxl_action_on_shutdown_to_string` names it (the
/// lower-cased IDL names); `Destroy` is the init value and is left out of the JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionOnShutdown {
    /// `destroy` (1).
    #[default]
    Destroy,
    /// `restart` (2).
    Restart,
    /// `restart_rename` (3).
    RestartRename,
    /// `preserve` (4).
    Preserve,
    /// `coredump_destroy` (5).
    CoredumpDestroy,
    /// `coredump_restart` (6).
    CoredumpRestart,
    /// `soft_reset` (7).
    SoftReset,
}

/// The modelled part of `libxl_domain_create_info`, in IDL order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CreateInfo {
    /// `type`.
    #[serde(rename = "type", skip_serializing_if = "is_default")]
    pub type_: DomainType,
    /// `hap`.
    #[serde(skip_serializing_if = "is_default")]
    pub hap: Defbool,
    /// `oos`.
    #[serde(skip_serializing_if = "is_default")]
    pub oos: Defbool,
    /// `ssidref` (left out when 0).
    #[serde(skip_serializing_if = "is_default")]
    pub ssidref: u32,
    /// `name`.
    #[serde(skip_serializing_if = "is_default")]
    pub name: Option<String>,
    /// `domid`: the domid xl asked for (left out when 0). xl passes its `domid_policy`
    /// (`INVALID_DOMID` unless xl.conf says otherwise), and libxl keeps that in the saved
    /// config; see the module documentation of the report.
    #[serde(skip_serializing_if = "is_default")]
    pub domid: u32,
    /// `uuid` (left out when nil).
    #[serde(skip_serializing_if = "is_default", serialize_with = "uuid")]
    pub uuid: [u8; 16],
    /// `run_hotplug_scripts`.
    #[serde(skip_serializing_if = "is_default")]
    pub run_hotplug_scripts: Defbool,
}

/// `libxl_domain_sched_params`, as `libxl_domain_sched_params_get` fills it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DomainSchedParams {
    /// `sched`: `libxl_scheduler_to_string` (`credit`, `credit2`, `rtds`, `arinc653`, `null`);
    /// `None` is `unknown` (0) and is left out.
    #[serde(skip_serializing_if = "is_default")]
    pub sched: Option<String>,
    /// `weight` ([`SCHED_PARAM_DEFAULT`] = left out).
    #[serde(skip_serializing_if = "is_sched_param_default")]
    pub weight: i32,
    /// `cap`.
    #[serde(skip_serializing_if = "is_sched_param_default")]
    pub cap: i32,
    /// `period`.
    #[serde(skip_serializing_if = "is_sched_param_default")]
    pub period: i32,
    /// `budget`.
    #[serde(skip_serializing_if = "is_sched_param_default")]
    pub budget: i32,
    /// `extratime`.
    #[serde(skip_serializing_if = "is_sched_param_default")]
    pub extratime: i32,
}

impl Default for DomainSchedParams {
    fn default() -> Self {
        DomainSchedParams {
            sched: None,
            weight: SCHED_PARAM_DEFAULT,
            cap: SCHED_PARAM_DEFAULT,
            period: SCHED_PARAM_DEFAULT,
            budget: SCHED_PARAM_DEFAULT,
            extratime: SCHED_PARAM_DEFAULT,
        }
    }
}

/// `u.pvh` of `libxl_domain_build_info`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PvhInfo {
    /// `pvshim`.
    #[serde(skip_serializing_if = "is_default")]
    pub pvshim: Defbool,
    /// `pvshim_path`.
    #[serde(skip_serializing_if = "is_default")]
    pub pvshim_path: Option<String>,
    /// `pvshim_cmdline`.
    #[serde(skip_serializing_if = "is_default")]
    pub pvshim_cmdline: Option<String>,
    /// `pvshim_extra`.
    #[serde(skip_serializing_if = "is_default")]
    pub pvshim_extra: Option<String>,
}

/// `u.pv` of `libxl_domain_build_info` (without the deprecated copies of top-level fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PvInfo {
    /// `slack_memkb` ([`MEMKB_DEFAULT`] = left out).
    #[serde(skip_serializing_if = "is_memkb_default")]
    pub slack_memkb: u64,
    /// `e820_host`.
    #[serde(skip_serializing_if = "is_default")]
    pub e820_host: Defbool,
}

impl Default for PvInfo {
    fn default() -> Self {
        PvInfo {
            slack_memkb: MEMKB_DEFAULT,
            e820_host: Defbool::Default,
        }
    }
}

/// The keyed union `u` of `libxl_domain_build_info`, keyed by `b_info.type`: one member of
/// `b_info` named `type.<type>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TypeInfo {
    /// `type.invalid`: an empty map.
    #[default]
    #[serde(rename = "type.invalid", serialize_with = "empty_map")]
    Invalid,
    /// `type.hvm`: its members are not modelled, so an empty map.
    #[serde(rename = "type.hvm", serialize_with = "empty_map")]
    Hvm,
    /// `type.pv`.
    #[serde(rename = "type.pv")]
    Pv(PvInfo),
    /// `type.pvh`.
    #[serde(rename = "type.pvh")]
    Pvh(PvhInfo),
}

/// The modelled part of `libxl_domain_build_info`, in IDL order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    /// `max_vcpus` (left out when 0).
    #[serde(skip_serializing_if = "is_default")]
    pub max_vcpus: i32,
    /// `avail_vcpus`: a libxl bitmap of online vcpus, printed as the array of set bit numbers
    /// (left out when no bit is set).
    #[serde(skip_serializing_if = "bitmap_is_empty", serialize_with = "bitmap")]
    pub avail_vcpus: Vec<u8>,
    /// `numa_placement`.
    #[serde(skip_serializing_if = "is_default")]
    pub numa_placement: Defbool,
    /// `max_memkb` ([`MEMKB_DEFAULT`] = left out).
    #[serde(skip_serializing_if = "is_memkb_default")]
    pub max_memkb: u64,
    /// `target_memkb` ([`MEMKB_DEFAULT`] = left out).
    #[serde(skip_serializing_if = "is_memkb_default")]
    pub target_memkb: u64,
    /// `sched_params` (always printed, possibly as an empty map).
    pub sched_params: DomainSchedParams,
    /// `claim_mode`.
    #[serde(skip_serializing_if = "is_default")]
    pub claim_mode: Defbool,
    /// `kernel`.
    #[serde(skip_serializing_if = "is_default")]
    pub kernel: Option<String>,
    /// `cmdline`.
    #[serde(skip_serializing_if = "is_default")]
    pub cmdline: Option<String>,
    /// `ramdisk`.
    #[serde(skip_serializing_if = "is_default")]
    pub ramdisk: Option<String>,
    /// `type` and `u`.
    #[serde(flatten)]
    pub type_info: TypeInfo,
    /// `arch_x86.msr_relaxed` (`arch_arm` is always printed as an empty map before it).
    #[serde(flatten, serialize_with = "arch")]
    pub arch_x86_msr_relaxed: Defbool,
    /// `vpmu`.
    #[serde(skip_serializing_if = "is_default")]
    pub vpmu: Defbool,
}

impl Default for BuildInfo {
    fn default() -> Self {
        BuildInfo {
            max_vcpus: 0,
            avail_vcpus: Vec::new(),
            numa_placement: Defbool::Default,
            max_memkb: MEMKB_DEFAULT,
            target_memkb: MEMKB_DEFAULT,
            sched_params: DomainSchedParams::default(),
            claim_mode: Defbool::Default,
            kernel: None,
            cmdline: None,
            ramdisk: None,
            type_info: TypeInfo::Invalid,
            arch_x86_msr_relaxed: Defbool::Default,
            vpmu: Defbool::Default,
        }
    }
}

/// The modelled part of `libxl_domain_config`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DomainConfig {
    /// `c_info`.
    pub c_info: CreateInfo,
    /// `b_info`.
    pub b_info: BuildInfo,
    /// `on_poweroff`.
    #[serde(skip_serializing_if = "is_default")]
    pub on_poweroff: ActionOnShutdown,
    /// `on_reboot`.
    #[serde(skip_serializing_if = "is_default")]
    pub on_reboot: ActionOnShutdown,
    /// `on_watchdog`.
    #[serde(skip_serializing_if = "is_default")]
    pub on_watchdog: ActionOnShutdown,
    /// `on_crash`.
    #[serde(skip_serializing_if = "is_default")]
    pub on_crash: ActionOnShutdown,
    /// `on_soft_reset`.
    #[serde(skip_serializing_if = "is_default")]
    pub on_soft_reset: ActionOnShutdown,
}

/// `xl list -l`: the JSON array of `{"domid": .., "config": ..}` for every domain whose
/// configuration libxl could retrieve, exactly as `list_domains_details` prints it (including
/// the blank line at the end that `puts` of a beautified yajl buffer makes).
pub fn list_domains_details(domains: &[(u32, &DomainConfig)]) -> String {
    /// One entry, as `printf_info_one_json` makes it.
    #[derive(Serialize)]
    struct Details<'a> {
        domid: u32,
        config: &'a DomainConfig,
    }
    let details: Vec<Details> = domains
        .iter()
        .map(|&(domid, config)| Details { domid, config })
        .collect();
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, YajlBeautify { depth: 0 });
    details
        .serialize(&mut ser)
        .expect("writing to a Vec cannot fail");
    // yajl's newline after a complete value, then puts().
    out.extend_from_slice(b"\n\n");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// gentypes.py `get_default_expr`: the field holds its init value (0, NULL, `<default>`, the
/// enum's `init_val`, a nil uuid).
fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn is_memkb_default(v: &u64) -> bool {
    *v == MEMKB_DEFAULT
}

fn is_sched_param_default(v: &i32) -> bool {
    *v == SCHED_PARAM_DEFAULT
}

/// `libxl_bitmap_is_empty`.
fn bitmap_is_empty(map: &[u8]) -> bool {
    map.iter().all(|&b| b == 0)
}

/// `libxl_bitmap_gen_json`: the numbers of the set bits.
fn bitmap<S: Serializer>(map: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq((0..map.len() * 8).filter(|&bit| map[bit / 8] & (1 << (bit % 8)) != 0))
}

/// `libxl_uuid_gen_json`: `LIBXL_UUID_FMT`.
fn uuid<S: Serializer>(uuid: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&uuid_string(uuid))
}

/// A struct or union with no modelled member: `{}`.
#[derive(Serialize)]
struct Empty {}

fn empty_map<S: Serializer>(s: S) -> Result<S::Ok, S::Error> {
    Empty {}.serialize(s)
}

/// `arch_arm` (no member modelled) and `arch_x86`, which follow the union `u` in the IDL.
fn arch<S: Serializer>(msr_relaxed: &Defbool, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct ArchX86 {
        #[serde(skip_serializing_if = "is_default")]
        msr_relaxed: Defbool,
    }
    #[derive(Serialize)]
    struct Arch {
        arch_arm: Empty,
        arch_x86: ArchX86,
    }
    Arch {
        arch_arm: Empty {},
        arch_x86: ArchX86 {
            msr_relaxed: *msr_relaxed,
        },
    }
    .serialize(s)
}

/// yajl 2's generator with `yajl_gen_beautify` and the default indent (yajl_gen.c): `{`/`[`
/// and a newline at once, each member on its own line at the depth's indent with `,` and a
/// newline between members, `"key": value`, and the closing bracket on its own line at the
/// parent's indent.
struct YajlBeautify {
    depth: usize,
}

impl YajlBeautify {
    /// `INSERT_SEP` and `INSERT_WHITESPACE` before an array element or map key.
    fn member<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",\n")?;
        }
        self.indent(w)
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"    ")?;
        }
        Ok(())
    }

    /// `yajl_gen_map_open` / `yajl_gen_array_open`.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        w.write_all(bracket)?;
        w.write_all(b"\n")
    }

    /// `yajl_gen_map_close` / `yajl_gen_array_close`.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        w.write_all(b"\n")?;
        self.indent(w)?;
        w.write_all(bracket)
    }
}

impl Formatter for YajlBeautify {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.member(w, first)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.member(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    /// `yajl_string_encode`: `\u00XX` in upper case; the named escapes as `serde_json` has them.
    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::AsciiControl(byte) => write!(w, "\\u{byte:04X}"),
            other => CompactFormatter.write_char_escape(w, other),
        }
    }
}
