//! xl's subcommands over any [`Hypercall`] backend: privcmd in a Linux dom0, xen-rs's own
//! hypercall layer in this crate's tests. Each follows the xl function it is named after
//! (tools/xl/xl_info.c, xl_vmcontrol.c, xl_mem.c, xl_misc.c, xl_vcpu.c, xl_utils.c) and the
//! libxl call behind it; what they print comes from [`crate::format`].

use std::io::Write;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use toolstack::builder::LIBXL_MAXMEM_CONSTANT;
use toolstack::{build_pvh, BuildProgress, Hypercall, PvhConfig, XenCtrl};
use xen_public::arch_x86::xen::XEN_X86_EMU_ALL;
use xen_public::domctl::*;
use xen_public::sched::SHUTDOWN_poweroff;
use xen_public::sysctl::*;
use xen_public::version::{
    XENVER_capabilities, XENVER_changeset, XENVER_commandline, XENVER_extraversion,
};

use crate::config::{self, GlobalConfig};
use crate::format::{self, json::DomainType, Dominfo, ListOptions, ListedDomain};
use crate::getopt::{self, Arg};
use crate::size::parse_mem_size;
use crate::state::{DomainRecord, Store};

/// libxl's ERROR_INVAL, printed by `find_domain` as `rc=-6`.
const ERROR_INVAL: i32 = -6;
/// libxl's ERROR_FAIL.
const ERROR_FAIL: i32 = -3;

/// An xl run: the hypervisor, the domain records, xl.conf and the output streams.
pub struct Xl<'a, H> {
    /// The hypervisor.
    pub xc: XenCtrl<H>,
    /// Names and configurations.
    pub store: Store,
    /// xl.conf.
    pub global: GlobalConfig,
    /// `xl -v`: say what the builder does.
    pub verbose: bool,
    /// Draw a progress bar on stdout while a domain's memory is populated (xl's stdout is a
    /// terminal).
    pub progress_bar: bool,
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// The machine's uname, for `xl info` (host, release, version, machine).
    pub uname: [String; 4],
    /// Reads a file named in a configuration (the kernel, the ramdisk, the config itself).
    pub read_file: fn(&str) -> std::io::Result<Vec<u8>>,
    /// Random bytes for UUIDs.
    pub random: fn() -> [u8; 16],
}

/// How an xl command ended: its exit status (messages are already printed).
pub type Status = i32;

macro_rules! eprint_line {
    ($xl:expr, $($arg:tt)*) => {{
        let _ = writeln!($xl.err, $($arg)*);
    }};
}

fn domain_type(info: &xen_domctl_getdomaininfo) -> DomainType {
    if info.flags & XEN_DOMINF_hvm_guest == 0 {
        DomainType::Pv
    } else if info.arch_config.emulation_flags & XEN_X86_EMU_ALL == XEN_X86_EMU_ALL {
        DomainType::Hvm
    } else {
        DomainType::Pvh
    }
}

/// `libxl__xcinfo2xlinfo` (libxl_domain.c): getdomaininfo as libxl_dominfo.
pub fn dominfo(info: &xen_domctl_getdomaininfo) -> Dominfo {
    let shutdown = info.flags & XEN_DOMINF_shutdown != 0;
    Dominfo {
        uuid: info.handle,
        domid: u32::from(info.domain),
        ssidref: info.ssidref,
        ssid_label: None,
        running: info.flags & XEN_DOMINF_running != 0,
        blocked: info.flags & XEN_DOMINF_blocked != 0,
        paused: info.flags & XEN_DOMINF_paused != 0,
        shutdown,
        dying: info.flags & XEN_DOMINF_dying != 0,
        never_stop: info.flags & XEN_DOMINF_xs_domain != 0,
        shutdown_reason: if shutdown {
            ((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) as i32
        } else {
            format::SHUTDOWN_REASON_UNKNOWN
        },
        outstanding_memkb: info.outstanding_pages * 4,
        current_memkb: info.tot_pages * 4,
        shared_memkb: info.shr_pages * 4,
        paged_memkb: info.paged_pages * 4,
        max_memkb: info.max_pages.saturating_mul(4),
        cpu_time: info.cpu_time,
        vcpu_max_id: info.max_vcpu_id,
        vcpu_online: info.nr_online_vcpus,
        cpupool: info.cpupool,
        gpaddr_bits: info.gpaddr_bits,
        domain_type: domain_type(info),
    }
}

impl<H: Hypercall> Xl<'_, H> {
    /// `libxl_domid_to_name`: Domain-0, or the name xl recorded for this domain.
    fn name_of(&self, info: &xen_domctl_getdomaininfo) -> Option<String> {
        if info.domain == 0 {
            return Some("Domain-0".into());
        }
        self.store.get(info.domain, &info.handle).map(|r| r.name)
    }

    /// `find_domain` (xl_utils.c) / `libxl_domain_qualifier_to_domid`: all digits is a domid
    /// (not checked), anything else a name.
    fn find_domain(&mut self, p: &str) -> Result<u16, Status> {
        if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(domid) = p.parse::<u16>() {
                return Ok(domid);
            }
        }
        let found = self
            .domains()?
            .into_iter()
            .find_map(|info| (self.name_of(&info).as_deref() == Some(p)).then_some(info.domain));
        found.ok_or_else(|| {
            eprint_line!(
                self,
                "{p} is an invalid domain identifier (rc={ERROR_INVAL})"
            );
            1
        })
    }

    fn domains(&mut self) -> Result<Vec<xen_domctl_getdomaininfo>, Status> {
        self.xc.domain_list().map_err(|e| {
            eprint_line!(self, "libxl_list_domain failed: {e}");
            1
        })
    }

    fn xen_error(&mut self, what: &str, e: toolstack::Error) -> Status {
        eprint_line!(self, "{what}: {e}");
        1
    }

    /// Dispatches `args` (without the program name); returns the exit status.
    pub fn main(&mut self, args: &[String]) -> Status {
        let Some((cmd, rest)) = args.split_first() else {
            eprint_line!(self, "{}", USAGE);
            return 1;
        };
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        match cmd.as_str() {
            "info" => self.info(),
            "list" | "li" => self.list(&rest),
            "create" => self.create(&rest),
            "destroy" => self.with_domain("destroy", &rest, Self::destroy),
            "shutdown" => self.with_domain("shutdown", &rest, Self::shutdown),
            "pause" => self.with_domain("pause", &rest, Self::pause),
            "unpause" => self.with_domain("unpause", &rest, Self::unpause),
            "mem-set" => self.mem("mem-set", &rest),
            "mem-max" => self.mem("mem-max", &rest),
            "claims" => self.claims(),
            "dmesg" => self.dmesg(&rest),
            "domid" => self.domid(&rest),
            "domname" => self.domname(&rest),
            "vcpu-list" => self.vcpu_list(&rest),
            "help" | "-h" | "--help" => {
                let _ = write!(self.out, "{USAGE}");
                0
            }
            other => {
                eprint_line!(self, "command not implemented: {other}");
                eprint_line!(self, "{}", USAGE);
                2
            }
        }
    }

    fn with_domain(&mut self, cmd: &str, args: &[&str], f: fn(&mut Self, u16) -> Status) -> Status {
        // The options of these commands (destroy -f, shutdown -a/-w/-F, ...) change nothing
        // under xen-rs: any option is taken and ignored.
        let domains: Vec<String> = getopt::args(args)
            .filter_map(|arg| match arg {
                Arg::Operand(dom) => Some(dom),
                Arg::Option(_) => None,
            })
            .collect();
        let [dom] = domains.as_slice() else {
            eprint_line!(self, "'xl {cmd}' requires exactly one domain argument.");
            return 2;
        };
        match self.find_domain(dom) {
            Ok(domid) => f(self, domid),
            Err(status) => status,
        }
    }

    // ---- xl info ----

    fn info(&mut self) -> Status {
        let xc = &mut self.xc;
        let gathered = (|| -> Result<format::XlInfo, toolstack::Error> {
            let p = xc.physinfo()?;
            let (major, minor) = xc.version()?;
            let compile = xc.compile_info()?;
            let cstr = |b: &[u8]| {
                let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
                String::from_utf8_lossy(&b[..end]).into_owned()
            };
            // libxl_scheduler_to_string of a scheduler libxl does not know (or of a failed
            // sysctl, as under xen-rs, whose round-robin is none of Xen's) is NULL, which
            // glibc prints as "(null)".
            let scheduler = match xc.sched_id() {
                Ok(XEN_SCHEDULER_CREDIT) => "credit",
                Ok(XEN_SCHEDULER_CREDIT2) => "credit2",
                Ok(XEN_SCHEDULER_ARINC653) => "arinc653",
                Ok(XEN_SCHEDULER_RTDS) => "rtds",
                Ok(XEN_SCHEDULER_NULL) => "null",
                _ => "(null)",
            };
            Ok(format::XlInfo {
                nr_cpus: p.nr_cpus,
                max_cpu_id: p.max_cpu_id,
                nr_nodes: p.nr_nodes,
                cores_per_socket: p.cores_per_socket,
                threads_per_core: p.threads_per_core,
                cpu_khz: p.cpu_khz,
                hw_cap: p.hw_cap,
                cap_pv: p.capabilities & XEN_SYSCTL_PHYSCAP_pv != 0,
                cap_hvm: p.capabilities & XEN_SYSCTL_PHYSCAP_hvm != 0,
                cap_hvm_directio: p.capabilities & XEN_SYSCTL_PHYSCAP_directio != 0,
                cap_hap: p.capabilities & XEN_SYSCTL_PHYSCAP_hap != 0,
                cap_shadow: p.capabilities & XEN_SYSCTL_PHYSCAP_shadow != 0,
                cap_iommu_hap_pt_share: p.capabilities & XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share != 0,
                cap_vmtrace: p.capabilities & XEN_SYSCTL_PHYSCAP_vmtrace != 0,
                cap_vpmu: p.capabilities & XEN_SYSCTL_PHYSCAP_vpmu != 0,
                cap_gnttab_v1: p.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1 != 0,
                cap_gnttab_v2: p.capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2 != 0,
                total_pages: p.total_pages,
                free_pages: p.free_pages,
                outstanding_pages: p.outstanding_pages,
                free_cpus: Some(0),
                xen_version_major: major as i32,
                xen_version_minor: minor as i32,
                xen_version_extra: xc.version_string(XENVER_extraversion, 16)?,
                capabilities: xc.version_string(XENVER_capabilities, 1024)?,
                xen_scheduler: scheduler.into(),
                pagesize: xc.pagesize()? as u32,
                virt_start: xc.platform_parameters()?,
                changeset: xc.version_string(XENVER_changeset, 64)?,
                commandline: xc.version_string(XENVER_commandline, 1024)?,
                compiler: cstr(&compile.compiler),
                compile_by: cstr(&compile.compile_by),
                compile_domain: cstr(&compile.compile_domain),
                compile_date: cstr(&compile.compile_date),
                ..Default::default()
            })
        })();
        match gathered {
            Ok(mut info) => {
                let [host, release, version, machine] = self.uname.clone();
                info.host = host;
                info.release = release;
                info.version = version;
                info.machine = machine;
                let _ = write!(self.out, "{}", format::xl_info(&info));
                0
            }
            Err(e) => self.xen_error("libxl_get_physinfo failed", e),
        }
    }

    // ---- xl list / xl claims ----

    fn listed(&self, info: &xen_domctl_getdomaininfo) -> ListedDomain {
        ListedDomain {
            name: self.name_of(info),
            info: dominfo(info),
            cpupool_name: Some("Pool-0".into()),
            node_affinity: Vec::new(),
        }
    }

    fn list(&mut self, args: &[&str]) -> Status {
        let mut opts = ListOptions::default();
        let mut long = false;
        let mut wanted = Vec::new();
        for arg in getopt::args(args) {
            match arg {
                Arg::Operand(dom) => wanted.push(dom),
                Arg::Option(o) => match o.as_str() {
                    "-l" | "--long" => long = true,
                    "-v" | "--verbose" => opts.verbose = true,
                    "-Z" | "--context" => opts.context = true,
                    "-c" | "--cpupool" => opts.cpupool = true,
                    _ => {
                        eprint_line!(self, "xl list: unknown option {o}");
                        return 2;
                    }
                },
            }
        }
        let mut domains = match self.domains() {
            Ok(d) => d,
            Err(s) => return s,
        };
        if !wanted.is_empty() {
            let mut picked = Vec::new();
            for w in wanted {
                let domid = match self.find_domain(&w) {
                    Ok(d) => d,
                    Err(s) => return s,
                };
                match domains.iter().find(|d| d.domain == domid) {
                    Some(d) => picked.push(*d),
                    None => {
                        eprint_line!(self, "Error: Domain '{w}' does not exist.");
                        return 1;
                    }
                }
            }
            domains = picked;
        }
        if long {
            // list_domains_details skips a domain whose configuration libxl cannot retrieve
            // (dom0, domains another toolstack made): here, those without a record.
            let configs: Vec<(u32, format::DomainConfig)> = domains
                .iter()
                .filter_map(|d| Some((u32::from(d.domain), self.domain_config(d)?)))
                .collect();
            let refs: Vec<(u32, &format::DomainConfig)> =
                configs.iter().map(|(id, c)| (*id, c)).collect();
            let _ = write!(self.out, "{}", format::list_domains_details(&refs));
            return 0;
        }
        let listed: Vec<ListedDomain> = domains.iter().map(|d| self.listed(d)).collect();
        let _ = write!(self.out, "{}", format::list_domains(&opts, &listed));
        0
    }

    /// What `xl list -l` shows of a domain: the configuration it was created with, with the
    /// live values `libxl_retrieve_domain_configuration` puts in (name, UUID, memory).
    fn domain_config(&self, info: &xen_domctl_getdomaininfo) -> Option<format::DomainConfig> {
        let r = self.store.get(info.domain, &info.handle)?;
        let mut c = format::DomainConfig::default();
        c.c_info.type_ = DomainType::Pvh;
        c.c_info.name = Some(r.name);
        c.c_info.domid = u32::from(info.domain);
        c.c_info.uuid = info.handle;
        c.b_info.max_vcpus = r.max_vcpus as i32;
        c.b_info.avail_vcpus = format::bitmap_from_bits(0..r.max_vcpus as usize);
        c.b_info.max_memkb = r.max_memkb;
        c.b_info.target_memkb = r.target_memkb;
        c.b_info.kernel = Some(r.kernel);
        c.b_info.cmdline = Some(r.cmdline);
        c.b_info.ramdisk = r.ramdisk;
        c.b_info.type_info = format::TypeInfo::Pvh(format::PvhInfo::default());
        Some(c)
    }

    fn claims(&mut self) -> Status {
        if !self.global.claim_mode {
            eprint_line!(self, "claim_mode not enabled (see man xl.conf).");
        }
        let domains = match self.domains() {
            Ok(d) => d,
            Err(s) => return s,
        };
        let listed: Vec<ListedDomain> = domains.iter().map(|d| self.listed(d)).collect();
        let _ = write!(self.out, "{}", format::list_claims(&listed));
        0
    }

    // ---- xl create ----

    fn create(&mut self, args: &[&str]) -> Status {
        let mut paused = false;
        let mut dry_run = false;
        let mut file = None;
        let mut overrides = Vec::new();
        for arg in getopt::args(args) {
            match arg {
                Arg::Option(o) => match o.as_str() {
                    "-p" => paused = true,
                    "-n" | "--dryrun" => dry_run = true,
                    // Quiet, foreground, no monitor: nothing to change under xen-rs. -f is
                    // xl's way to name the config file; the name after it is taken below.
                    "-q" | "--quiet" | "-F" | "-e" | "-f" | "--defconfig" => {}
                    _ => {
                        eprint_line!(self, "xl create: unexpected argument {o}");
                        return 2;
                    }
                },
                // main_create: a key=value is appended to the config, else it names the file.
                Arg::Operand(a) if a.contains('=') => overrides.push(a),
                Arg::Operand(a) if file.is_none() => file = Some(a),
                Arg::Operand(a) => {
                    eprint_line!(self, "xl create: unexpected argument {a}");
                    return 2;
                }
            }
        }
        let Some(file) = file else {
            eprint_line!(self, "xl create: no config file given");
            return 2;
        };
        eprint_line!(self, "Parsing config from {file}");
        let text = match (self.read_file)(&file) {
            Ok(t) => String::from_utf8_lossy(&t).into_owned(),
            Err(e) => {
                eprint_line!(self, "Failed to read config file: {file}: {e}");
                return 1;
            }
        };
        let parsed = match xlcfg::parse(&file, &config::config_text(&text, &overrides)) {
            Ok(c) => c,
            Err(e) => {
                eprint_line!(self, "{e}");
                eprint_line!(self, "Failed to parse config: {}", "Invalid argument");
                return 1;
            }
        };
        let spec = match config::domain_spec(&parsed) {
            Ok(s) => s,
            Err(e) => {
                eprint_line!(self, "{e}");
                return 1;
            }
        };
        for w in &spec.warnings {
            eprint_line!(self, "{w}");
        }
        if dry_run {
            return 0;
        }
        let existing = match self.domains() {
            Ok(d) => d,
            Err(s) => return s,
        };
        if existing
            .iter()
            .any(|d| self.name_of(d).as_deref() == Some(spec.name.as_str()))
        {
            eprint_line!(
                self,
                "libxl: error: domain with name \"{}\" already exists.",
                spec.name
            );
            eprint_line!(self, "libxl: error: cannot make domain: -6");
            return 1;
        }
        let kernel = match (self.read_file)(&spec.kernel) {
            Ok(k) => k,
            Err(e) => {
                eprint_line!(
                    self,
                    "libxl: error: cannot read kernel {}: {e}",
                    spec.kernel
                );
                return 1;
            }
        };
        let ramdisk = match &spec.ramdisk {
            Some(path) => match (self.read_file)(path) {
                Ok(r) => Some(r),
                Err(e) => {
                    eprint_line!(self, "libxl: error: cannot read ramdisk {path}: {e}");
                    return 1;
                }
            },
            None => None,
        };
        let uuid = spec.uuid.unwrap_or_else(|| random_uuid((self.random)()));
        let build = PvhConfig {
            handle: uuid,
            max_vcpus: spec.max_vcpus,
            target_memkb: spec.target_memkb,
            max_memkb: spec.max_memkb,
            kernel: &kernel,
            ramdisk: ramdisk.as_deref(),
            cmdline: &spec.cmdline,
            claim: self.global.claim_mode,
            paused,
            max_extent_order: toolstack::builder::SUPERPAGE_1GB_ORDER,
        };
        let verbose = self.verbose;
        let bar = self.progress_bar.then(populate_bar);
        let err = &mut *self.err;
        let built = build_pvh(&mut self.xc, &build, &mut |xc, step| match step {
            BuildProgress::Created { domid } if verbose => {
                let _ = writeln!(err, "xl: created domain {domid}");
            }
            BuildProgress::Claimed { domid, pages } if verbose => {
                let total = xc.physinfo().map_or(0, |p| p.outstanding_pages);
                let _ = writeln!(
                    err,
                    "xl: claim: {pages} pages claimed for domain {domid}; outstanding claims on the host: {total} pages"
                );
            }
            BuildProgress::ClaimCancelled { domid } if verbose => {
                let total = xc.physinfo().map_or(0, |p| p.outstanding_pages);
                let _ = writeln!(
                    err,
                    "xl: claim: cancelled for domain {domid}; outstanding claims on the host: {total} pages"
                );
            }
            BuildProgress::Populated { done, total } => {
                if let Some(bar) = &bar {
                    bar.set_length(total);
                    bar.set_position(done);
                    if done == total {
                        bar.finish();
                    }
                }
            }
            _ => {}
        });
        let domid = match built {
            Ok(domid) => domid,
            Err(e) => {
                eprint_line!(self, "libxl: error: cannot (re-)build domain: {e}");
                eprint_line!(
                    self,
                    "libxl: error: domain creation failed; the domain was destroyed"
                );
                return 1;
            }
        };
        let record = DomainRecord {
            domid,
            name: spec.name,
            uuid,
            kernel: spec.kernel,
            ramdisk: spec.ramdisk,
            cmdline: spec.cmdline,
            target_memkb: spec.target_memkb,
            max_memkb: spec.max_memkb,
            max_vcpus: spec.max_vcpus,
        };
        if let Err(e) = self.store.put(&record) {
            eprint_line!(self, "{e}");
            let _ = self.xc.domain_destroy(domid);
            return 1;
        }
        0
    }

    // ---- the domain's life ----

    fn destroy(&mut self, domid: u16) -> Status {
        if domid == 0 {
            eprint_line!(
                self,
                "Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n"
            );
            return 1;
        }
        match self.xc.domain_destroy(domid) {
            Ok(()) => {
                self.store.remove(domid);
                0
            }
            Err(e) => {
                eprint_line!(self, "libxl: error: destroy: {e}");
                eprint_line!(self, "destroy failed (rc={ERROR_FAIL})");
                1
            }
        }
    }

    /// xen-rs has no xenstore, so no guest can hear a shutdown request: the domain is shut
    /// down from outside (XEN_DMOP_remote_shutdown, as a device model does), then destroyed as
    /// xl's default `on_poweroff="destroy"` would.
    fn shutdown(&mut self, domid: u16) -> Status {
        if domid == 0 {
            eprint_line!(self, "Cannot shut down domain 0 from xl.");
            return 1;
        }
        eprint_line!(self, "Shutting down domain {domid}");
        if let Err(e) = self.xc.remote_shutdown(domid, SHUTDOWN_poweroff) {
            eprint_line!(self, "libxl: error: shutdown: {e}");
            eprint_line!(self, "shutdown failed (rc={ERROR_FAIL})");
            return 1;
        }
        self.destroy(domid)
    }

    /// xl_vmcontrol.c `main_pause`: libxl's error is logged, but xl exits 0 regardless.
    fn pause(&mut self, domid: u16) -> Status {
        if let Err(e) = self.xc.domain_pause(domid) {
            eprint_line!(self, "libxl: error: pausing domain {domid}: {e}");
        }
        0
    }

    /// `main_unpause`: likewise.
    fn unpause(&mut self, domid: u16) -> Status {
        if let Err(e) = self.xc.domain_unpause(domid) {
            eprint_line!(self, "libxl: error: unpausing domain {domid}: {e}");
        }
        0
    }

    // ---- memory ----

    fn mem(&mut self, cmd: &str, args: &[&str]) -> Status {
        // No getopt here (nor in domid, domname, vcpu-list): they have no options, and a word
        // starting with '-' is taken as it is, so `-5` is refused as a size.
        let [dom, size] = args else {
            eprint_line!(self, "'xl {cmd}' requires a domain and a memory size.");
            return 2;
        };
        let domid = match self.find_domain(dom) {
            Ok(d) => d,
            Err(s) => return s,
        };
        let memorykb = match parse_mem_size(size) {
            Ok(kb) if kb >= 0 => kb,
            _ => {
                eprint_line!(self, "invalid memory size: {size}");
                return 1;
            }
        };
        let memorykb = memorykb as u64;
        let info = match self.xc.domain_getinfo(domid) {
            Ok(Some(i)) => i,
            Ok(None) => {
                eprint_line!(
                    self,
                    "{dom} is an invalid domain identifier (rc={ERROR_INVAL})"
                );
                return 1;
            }
            Err(e) => return self.xen_error("libxl_domain_info failed", e),
        };
        let mut record = self.store.get(domid, &info.handle);
        // What libxl reads from xenstore: memory/target and memory/static-max (dom0's from
        // its domain information).
        let (target, static_max) = match &record {
            Some(r) => (r.target_memkb, r.max_memkb),
            None => (info.tot_pages * 4, info.max_pages.saturating_mul(4)),
        };
        if cmd == "mem-set" {
            // libxl_set_memory_target(enforce=1): not above static-max; the limit follows
            // the target, and an HVM container's PoD target too (both with
            // LIBXL_MAXMEM_CONSTANT on top).
            if memorykb > static_max {
                eprint_line!(
                    self,
                    "libxl: error: memory_dynamic_max must be less than or equal to memory_static_max"
                );
                eprint_line!(
                    self,
                    "cannot set domid {domid} dynamic max memory to : {size}"
                );
                return 1;
            }
            let result = self
                .xc
                .domain_setmaxmem(domid, memorykb + LIBXL_MAXMEM_CONSTANT)
                .and_then(|()| {
                    if info.flags & XEN_DOMINF_hvm_guest != 0 {
                        let pages = (memorykb + LIBXL_MAXMEM_CONSTANT) / 4;
                        self.xc.domain_set_pod_target(domid, pages).map(drop)
                    } else {
                        Ok(())
                    }
                });
            if let Err(e) = result {
                eprint_line!(self, "libxl: error: {e}");
                eprint_line!(
                    self,
                    "cannot set domid {domid} dynamic max memory to : {size}"
                );
                return 1;
            }
            if let Some(r) = record.as_mut() {
                r.target_memkb = memorykb;
            }
        } else {
            // libxl_domain_setmaxmem: not below the target (libxl's message, typo included);
            // xenstore's static-max is left as it was.
            if memorykb < target {
                eprint_line!(
                    self,
                    "libxl: error: memory_static_max must be greater than or or equal to memory_dynamic_max"
                );
                eprint_line!(
                    self,
                    "cannot set domid {domid} static max memory to : {size}"
                );
                return 1;
            }
            if let Err(e) = self
                .xc
                .domain_setmaxmem(domid, memorykb + LIBXL_MAXMEM_CONSTANT)
            {
                eprint_line!(self, "libxl: error: {e}");
                eprint_line!(
                    self,
                    "cannot set domid {domid} static max memory to : {size}"
                );
                return 1;
            }
        }
        if let Some(r) = record {
            if let Err(e) = self.store.put(&r) {
                eprint_line!(self, "{e}");
                return 1;
            }
        }
        0
    }

    // ---- xl dmesg, domid, domname, vcpu-list ----

    fn dmesg(&mut self, args: &[&str]) -> Status {
        let mut clear = false;
        for arg in getopt::args(args) {
            match arg {
                Arg::Option(o) if o == "-c" => clear = true,
                _ => {
                    eprint_line!(self, "usage: xl dmesg [-c]");
                    return 2;
                }
            }
        }
        match self.xc.readconsolering(clear) {
            Ok(text) => {
                let _ = self.out.write_all(&text);
                0
            }
            Err(e) => self.xen_error("cannot get xen dmesg", e),
        }
    }

    fn domid(&mut self, args: &[&str]) -> Status {
        let [name] = args else {
            eprint_line!(self, "'xl domid' requires one domain name.");
            return 2;
        };
        let domains = match self.domains() {
            Ok(d) => d,
            Err(s) => return s,
        };
        match domains
            .iter()
            .find(|d| self.name_of(d).as_deref() == Some(*name))
        {
            Some(d) => {
                let _ = write!(self.out, "{}", format::domid_line(u32::from(d.domain)));
                0
            }
            None => {
                eprint_line!(
                    self,
                    "Can't get domid of domain name '{name}', maybe this domain does not exist."
                );
                1
            }
        }
    }

    fn domname(&mut self, args: &[&str]) -> Status {
        let [id] = args else {
            eprint_line!(self, "'xl domname' requires one domain id.");
            return 2;
        };
        let Ok(domid) = id.parse::<u16>() else {
            eprint_line!(self, "Invalid domain id.\n");
            return 1;
        };
        let info = match self.xc.domain_getinfo(domid) {
            Ok(i) => i,
            Err(e) => return self.xen_error("libxl_domain_info failed", e),
        };
        match info.and_then(|i| self.name_of(&i)) {
            Some(name) => {
                let _ = write!(self.out, "{}", format::domname_line(&name));
                0
            }
            None => {
                eprint_line!(
                    self,
                    "Can't get domain name of domain id '{id}', maybe this domain does not exist."
                );
                1
            }
        }
    }

    fn vcpu_list(&mut self, args: &[&str]) -> Status {
        let nr_cpus = match self.xc.physinfo() {
            Ok(p) => p.nr_cpus,
            Err(e) => return self.xen_error("libxl_physinfo failed", e),
        };
        let mut domains = match self.domains() {
            Ok(d) => d,
            Err(s) => return s,
        };
        if !args.is_empty() {
            let mut picked = Vec::new();
            for a in args {
                let domid = match self.find_domain(a) {
                    Ok(d) => d,
                    Err(s) => return s,
                };
                picked.extend(domains.iter().filter(|d| d.domain == domid).copied());
            }
            domains = picked;
        }
        let all_cpus = format::bitmap_from_bits(0..nr_cpus as usize);
        let mut listed = Vec::new();
        for d in &domains {
            let mut vcpus = Vec::new();
            for vcpu in 0..=d.max_vcpu_id {
                if d.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID {
                    break;
                }
                match self.xc.vcpu_getinfo(d.domain, vcpu) {
                    Ok(v) => vcpus.push(format::Vcpuinfo {
                        vcpuid: vcpu,
                        cpu: v.cpu,
                        online: v.online != 0,
                        blocked: v.blocked != 0,
                        running: v.running != 0,
                        vcpu_time: v.cpu_time,
                        cpumap: all_cpus.clone(),
                        cpumap_soft: all_cpus.clone(),
                    }),
                    Err(e) => return self.xen_error("libxl_list_vcpu failed", e),
                }
            }
            listed.push(format::VcpuListDomain {
                name: self.name_of(d),
                domid: u32::from(d.domain),
                vcpus,
            });
        }
        let _ = write!(self.out, "{}", format::vcpu_list(nr_cpus, &listed));
        0
    }
}

/// A random UUID, version 4 (libxl_uuid_generate).
fn random_uuid(mut bytes: [u8; 16]) -> [u8; 16] {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

/// A 40-column bar and a percentage on stdout, for populating large domains on a terminal.
fn populate_bar() -> ProgressBar {
    let style = ProgressStyle::with_template("[{bar:40}] {percent:>3}%")
        .expect("the template is valid")
        .progress_chars("# ");
    ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout()).with_style(style)
}

/// `xl help`.
pub const USAGE: &str = "Usage xl [-v] <subcommand> [args]

xl full list of subcommands (xen-rs):

 create              Create a domain from config file <filename>
 destroy             Terminate a domain immediately
 shutdown            Issue a shutdown signal to a domain
 pause               Pause execution of a domain
 unpause             Unpause a paused domain
 list                List information about all/some domains
 mem-max             Set the maximum amount reservation for a domain
 mem-set             Set the current memory usage for a domain
 claims              List outstanding claim information about all domains
 dmesg               Read and/or clear dmesg buffer
 domid               Convert a domain name to domain id
 domname             Convert a domain id to domain name
 info                Get information about Xen host
 vcpu-list           List the VCPUs for all/some domains
";
