//! `xl list -l`: `list_domains_details` in Xen 4.17's tools/xl/xl_info.c, which prints
//! `[ {"domid": <id>, "config": <libxl_domain_config>} ... ]` through libxl's yajl generator.
//!
//! # Formatting
//!
//! `libxl_yajl_gen_alloc` (libxl_json.c) turns on `yajl_gen_beautify` with yajl 2's default
//! indent of four spaces. The writer below is a port of yajl 2's `yajl_gen.c` state machine for
//! that mode: `"key": value` with one space after the colon, `,` plus newline between members,
//! `{`/`[` followed by a newline, the closing bracket on its own line at the parent's indent (so
//! an empty map or array prints as `{`, an empty line, then `}`), and a final newline once the
//! top-level value is complete. xl then `puts()` the buffer, adding one more newline. Strings
//! are escaped as `yajl_string_encode` does (`\"`, `\\`, `\b \f \n \r \t`, other bytes below
//! 0x20 as `\u00XX` with upper-case hex; `/` and non-ASCII bytes are left alone).
//!
//! # Which fields appear
//!
//! The generated `libxl_domain_config_gen_json` (gentypes.py, `libxl_C_type_gen_json` and
//! `get_default_expr`) walks the IDL fields in order and skips a field that holds its default:
//! integers and strings when 0 / NULL, `MemKB` fields when `LIBXL_MEMKB_DEFAULT`, enums with an
//! `init_val` when equal to it, defbools when `<default>`, bitmaps when no bit is set, uuids when
//! nil, arrays when empty. Nested structs and keyed unions are always printed; the
//! `libxl_domain_build_info` union `u` is printed under the key `type.<hvm|pv|pvh|invalid>`.
//! Defbools print as the strings `"True"`/`"False"`, enums as their lower-case names.
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

use super::uuid_string;

/// `LIBXL_MEMKB_DEFAULT` (`~0ULL`): a `MemKB` field libxl leaves out of the JSON.
pub const MEMKB_DEFAULT: u64 = u64::MAX;

/// `LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT` (-1): a scheduler parameter libxl leaves out.
pub const SCHED_PARAM_DEFAULT: i32 = -1;

/// `libxl_domain_type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

impl DomainType {
    /// `libxl_domain_type_to_string`.
    pub fn as_str(self) -> &'static str {
        match self {
            DomainType::Invalid => "invalid",
            DomainType::Hvm => "hvm",
            DomainType::Pv => "pv",
            DomainType::Pvh => "pvh",
        }
    }
}

/// `libxl_defbool`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Defbool {
    /// Not set: left out of the JSON.
    #[default]
    Default,
    /// Printed as `"True"`.
    True,
    /// Printed as `"False"`.
    False,
}

impl Defbool {
    /// `libxl_defbool_to_string`.
    pub fn as_str(self) -> &'static str {
        match self {
            Defbool::Default => "<default>",
            Defbool::True => "True",
            Defbool::False => "False",
        }
    }
}

/// `libxl_action_on_shutdown`; `Destroy` is the init value and is left out of the JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

impl ActionOnShutdown {
    /// `libxl_action_on_shutdown_to_string` (the lower-cased IDL names, with `_`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionOnShutdown::Destroy => "destroy",
            ActionOnShutdown::Restart => "restart",
            ActionOnShutdown::RestartRename => "restart_rename",
            ActionOnShutdown::Preserve => "preserve",
            ActionOnShutdown::CoredumpDestroy => "coredump_destroy",
            ActionOnShutdown::CoredumpRestart => "coredump_restart",
            ActionOnShutdown::SoftReset => "soft_reset",
        }
    }
}

/// The modelled part of `libxl_domain_create_info`, in IDL order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateInfo {
    /// `type`.
    pub type_: DomainType,
    /// `hap`.
    pub hap: Defbool,
    /// `oos`.
    pub oos: Defbool,
    /// `ssidref` (left out when 0).
    pub ssidref: u32,
    /// `name`.
    pub name: Option<String>,
    /// `domid`: the domid xl asked for (left out when 0). xl passes its `domid_policy`
    /// (`INVALID_DOMID` unless xl.conf says otherwise), and libxl keeps that in the saved
    /// config; see the module documentation of the report.
    pub domid: u32,
    /// `uuid` (left out when nil).
    pub uuid: [u8; 16],
    /// `run_hotplug_scripts`.
    pub run_hotplug_scripts: Defbool,
}

/// `libxl_domain_sched_params`, as `libxl_domain_sched_params_get` fills it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSchedParams {
    /// `sched`: `libxl_scheduler_to_string` (`credit`, `credit2`, `rtds`, `arinc653`, `null`);
    /// `None` is `unknown` (0) and is left out.
    pub sched: Option<String>,
    /// `weight` ([`SCHED_PARAM_DEFAULT`] = left out).
    pub weight: i32,
    /// `cap`.
    pub cap: i32,
    /// `period`.
    pub period: i32,
    /// `budget`.
    pub budget: i32,
    /// `extratime`.
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PvhInfo {
    /// `pvshim`.
    pub pvshim: Defbool,
    /// `pvshim_path`.
    pub pvshim_path: Option<String>,
    /// `pvshim_cmdline`.
    pub pvshim_cmdline: Option<String>,
    /// `pvshim_extra`.
    pub pvshim_extra: Option<String>,
}

/// `u.pv` of `libxl_domain_build_info` (without the deprecated copies of top-level fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PvInfo {
    /// `slack_memkb` ([`MEMKB_DEFAULT`] = left out).
    pub slack_memkb: u64,
    /// `e820_host`.
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

/// The keyed union `u` of `libxl_domain_build_info`, keyed by `b_info.type`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TypeInfo {
    /// `type.invalid`: an empty map.
    #[default]
    Invalid,
    /// `type.hvm`: its members are not modelled, so an empty map.
    Hvm,
    /// `type.pv`.
    Pv(PvInfo),
    /// `type.pvh`.
    Pvh(PvhInfo),
}

/// The modelled part of `libxl_domain_build_info`, in IDL order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    /// `max_vcpus` (left out when 0).
    pub max_vcpus: i32,
    /// `avail_vcpus`: a libxl bitmap of online vcpus, printed as the array of set bit numbers
    /// (left out when no bit is set).
    pub avail_vcpus: Vec<u8>,
    /// `numa_placement`.
    pub numa_placement: Defbool,
    /// `max_memkb` ([`MEMKB_DEFAULT`] = left out).
    pub max_memkb: u64,
    /// `target_memkb` ([`MEMKB_DEFAULT`] = left out).
    pub target_memkb: u64,
    /// `sched_params` (always printed, possibly as an empty map).
    pub sched_params: DomainSchedParams,
    /// `claim_mode`.
    pub claim_mode: Defbool,
    /// `kernel`.
    pub kernel: Option<String>,
    /// `cmdline`.
    pub cmdline: Option<String>,
    /// `ramdisk`.
    pub ramdisk: Option<String>,
    /// `type` and `u`.
    pub type_info: TypeInfo,
    /// `arch_x86.msr_relaxed` (`arch_arm` is always printed as an empty map before it).
    pub arch_x86_msr_relaxed: Defbool,
    /// `vpmu`.
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainConfig {
    /// `c_info`.
    pub c_info: CreateInfo,
    /// `b_info`.
    pub b_info: BuildInfo,
    /// `on_poweroff`.
    pub on_poweroff: ActionOnShutdown,
    /// `on_reboot`.
    pub on_reboot: ActionOnShutdown,
    /// `on_watchdog`.
    pub on_watchdog: ActionOnShutdown,
    /// `on_crash`.
    pub on_crash: ActionOnShutdown,
    /// `on_soft_reset`.
    pub on_soft_reset: ActionOnShutdown,
}

/// `xl list -l`: the JSON array of `{"domid": .., "config": ..}` for every domain whose
/// configuration libxl could retrieve, exactly as `list_domains_details` prints it (including
/// the blank line at the end that `puts` of a beautified yajl buffer makes).
pub fn list_domains_details(domains: &[(u32, &DomainConfig)]) -> String {
    let mut g = Gen::new();
    g.array_open();
    for &(domid, config) in domains {
        // printf_info_one_json
        g.map_open();
        g.string("domid");
        g.integer(i64::from(domid));
        g.string("config");
        domain_config(&mut g, config);
        g.map_close();
    }
    g.array_close();
    let mut out = g.out;
    out.push('\n'); // puts()
    out
}

fn defbool(g: &mut Gen, key: &str, v: Defbool) {
    if v != Defbool::Default {
        g.string(key);
        g.string(v.as_str());
    }
}

fn opt_string(g: &mut Gen, key: &str, v: &Option<String>) {
    if let Some(s) = v {
        g.string(key);
        g.string(s);
    }
}

fn memkb(g: &mut Gen, key: &str, v: u64) {
    if v != MEMKB_DEFAULT {
        g.string(key);
        // libxl__uint64_gen_json: printed with PRIu64 through yajl_gen_number.
        g.number(&v.to_string());
    }
}

fn sched_int(g: &mut Gen, key: &str, v: i32) {
    if v != SCHED_PARAM_DEFAULT {
        g.string(key);
        g.integer(i64::from(v));
    }
}

fn action(g: &mut Gen, key: &str, v: ActionOnShutdown) {
    if v != ActionOnShutdown::Destroy {
        g.string(key);
        g.string(v.as_str());
    }
}

fn domain_config(g: &mut Gen, c: &DomainConfig) {
    g.map_open();

    g.string("c_info");
    g.map_open();
    let ci = &c.c_info;
    if ci.type_ != DomainType::Invalid {
        g.string("type");
        g.string(ci.type_.as_str());
    }
    defbool(g, "hap", ci.hap);
    defbool(g, "oos", ci.oos);
    if ci.ssidref != 0 {
        g.string("ssidref");
        g.integer(i64::from(ci.ssidref));
    }
    opt_string(g, "name", &ci.name);
    if ci.domid != 0 {
        g.string("domid");
        g.integer(i64::from(ci.domid));
    }
    if ci.uuid != [0; 16] {
        g.string("uuid");
        g.string(&uuid_string(&ci.uuid));
    }
    defbool(g, "run_hotplug_scripts", ci.run_hotplug_scripts);
    g.map_close();

    g.string("b_info");
    g.map_open();
    let bi = &c.b_info;
    if bi.max_vcpus != 0 {
        g.string("max_vcpus");
        g.integer(i64::from(bi.max_vcpus));
    }
    if bi.avail_vcpus.iter().any(|&b| b != 0) {
        // libxl_bitmap_gen_json: the numbers of the set bits.
        g.string("avail_vcpus");
        g.array_open();
        for (i, byte) in bi.avail_vcpus.iter().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    g.integer((i * 8 + bit) as i64);
                }
            }
        }
        g.array_close();
    }
    defbool(g, "numa_placement", bi.numa_placement);
    memkb(g, "max_memkb", bi.max_memkb);
    memkb(g, "target_memkb", bi.target_memkb);
    g.string("sched_params");
    g.map_open();
    let sp = &bi.sched_params;
    opt_string(g, "sched", &sp.sched);
    sched_int(g, "weight", sp.weight);
    sched_int(g, "cap", sp.cap);
    sched_int(g, "period", sp.period);
    sched_int(g, "budget", sp.budget);
    sched_int(g, "extratime", sp.extratime);
    g.map_close();
    defbool(g, "claim_mode", bi.claim_mode);
    opt_string(g, "kernel", &bi.kernel);
    opt_string(g, "cmdline", &bi.cmdline);
    opt_string(g, "ramdisk", &bi.ramdisk);
    match &bi.type_info {
        TypeInfo::Invalid => {
            g.string("type.invalid");
            g.map_open();
            g.map_close();
        }
        TypeInfo::Hvm => {
            g.string("type.hvm");
            g.map_open();
            g.map_close();
        }
        TypeInfo::Pv(pv) => {
            g.string("type.pv");
            g.map_open();
            memkb(g, "slack_memkb", pv.slack_memkb);
            defbool(g, "e820_host", pv.e820_host);
            g.map_close();
        }
        TypeInfo::Pvh(pvh) => {
            g.string("type.pvh");
            g.map_open();
            defbool(g, "pvshim", pvh.pvshim);
            opt_string(g, "pvshim_path", &pvh.pvshim_path);
            opt_string(g, "pvshim_cmdline", &pvh.pvshim_cmdline);
            opt_string(g, "pvshim_extra", &pvh.pvshim_extra);
            g.map_close();
        }
    }
    g.string("arch_arm");
    g.map_open();
    g.map_close();
    g.string("arch_x86");
    g.map_open();
    defbool(g, "msr_relaxed", bi.arch_x86_msr_relaxed);
    g.map_close();
    defbool(g, "vpmu", bi.vpmu);
    g.map_close();

    action(g, "on_poweroff", c.on_poweroff);
    action(g, "on_reboot", c.on_reboot);
    action(g, "on_watchdog", c.on_watchdog);
    action(g, "on_crash", c.on_crash);
    action(g, "on_soft_reset", c.on_soft_reset);

    g.map_close();
}

/// yajl 2's generator states (`yajl_gen_state`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    MapStart,
    MapKey,
    MapVal,
    ArrayStart,
    InArray,
    Complete,
}

/// A port of yajl 2's `yajl_gen` with `yajl_gen_beautify` set and the default indent string.
/// Callers keep to valid JSON; the error states of yajl are not modelled.
struct Gen {
    out: String,
    /// `state[depth]`, one entry per open level plus the top level.
    state: Vec<State>,
}

const INDENT: &str = "    ";

impl Gen {
    fn new() -> Gen {
        Gen {
            out: String::new(),
            state: vec![State::Start],
        }
    }

    fn depth(&self) -> usize {
        self.state.len() - 1
    }

    fn cur(&self) -> State {
        self.state[self.depth()]
    }

    fn set_cur(&mut self, s: State) {
        let d = self.depth();
        self.state[d] = s;
    }

    /// `INSERT_SEP`.
    fn insert_sep(&mut self) {
        match self.cur() {
            State::MapKey | State::InArray => self.out.push_str(",\n"),
            State::MapVal => self.out.push_str(": "),
            _ => {}
        }
    }

    /// `INSERT_WHITESPACE`.
    fn insert_whitespace(&mut self) {
        if self.cur() != State::MapVal {
            for _ in 0..self.depth() {
                self.out.push_str(INDENT);
            }
        }
    }

    /// `APPENDED_ATOM`.
    fn appended_atom(&mut self) {
        let next = match self.cur() {
            State::Start => State::Complete,
            State::MapStart | State::MapKey => State::MapVal,
            State::ArrayStart => State::InArray,
            State::MapVal => State::MapKey,
            s => s,
        };
        self.set_cur(next);
    }

    /// `FINAL_NEWLINE`.
    fn final_newline(&mut self) {
        if self.cur() == State::Complete {
            self.out.push('\n');
        }
    }

    fn atom(&mut self, text: &str) {
        self.insert_sep();
        self.insert_whitespace();
        self.out.push_str(text);
        self.appended_atom();
        self.final_newline();
    }

    /// `yajl_gen_integer` (`%lld`).
    fn integer(&mut self, v: i64) {
        self.atom(&v.to_string());
    }

    /// `yajl_gen_number`: the digits as given.
    fn number(&mut self, digits: &str) {
        self.atom(digits);
    }

    /// `yajl_gen_string`, for keys and values.
    fn string(&mut self, s: &str) {
        self.atom(&encode_string(s));
    }

    fn open(&mut self, bracket: char, state: State) {
        self.insert_sep();
        self.insert_whitespace();
        self.state.push(state);
        self.out.push(bracket);
        self.out.push('\n');
        self.final_newline();
    }

    fn close(&mut self, bracket: char) {
        self.state.pop();
        self.out.push('\n');
        self.appended_atom();
        self.insert_whitespace();
        self.out.push(bracket);
        self.final_newline();
    }

    fn map_open(&mut self) {
        self.open('{', State::MapStart);
    }

    fn map_close(&mut self) {
        self.close('}');
    }

    fn array_open(&mut self) {
        self.open('[', State::ArrayStart);
    }

    fn array_close(&mut self) {
        self.close(']');
    }
}

/// `yajl_string_encode` without `yajl_gen_escape_solidus`, plus the surrounding quotes.
fn encode_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{0c}' => out.push_str("\\f"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
