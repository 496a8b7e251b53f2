//! xl's commands against xen-rs's hypercall layer in this process: what a user sees from
//! create, list, claims, mem-set, mem-max, destroy, domid, domname, dmesg, vcpu-list and info,
//! and what each does to the hypervisor. The output formats themselves are pinned in
//! tests/format.rs; each test here names the xl function whose behaviour it follows.

use std::path::PathBuf;

use inprocess::{pvh_kernel, InProcess};
use toolstack::XenCtrl;
use xl::commands::Xl;
use xl::config::GlobalConfig;
use xl::state::Store;

/// 64 MiB of host memory.
const FRAMES: u64 = 16384;

struct Env {
    xc: Option<XenCtrl<InProcess>>,
    dir: PathBuf,
    claim_mode: bool,
}

struct Run {
    status: i32,
    out: String,
    err: String,
}

impl Env {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xl-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let kernel = pvh_kernel(0x10_0000, b"\xf4kernel", 0x2000, 0x10_0000);
        std::fs::write(dir.join("kernel"), kernel).unwrap();
        let cfg = format!(
            "name = \"pvh1\"\ntype = \"pvh\"\nkernel = \"{}\"\ncmdline = \"mode=idle\"\nmemory = 16\nmaxmem = 32\nvcpus = 1\n",
            dir.join("kernel").display()
        );
        std::fs::write(dir.join("pvh.cfg"), cfg).unwrap();
        Env {
            xc: Some(XenCtrl::new(InProcess::new(FRAMES))),
            dir,
            claim_mode: true,
        }
    }

    fn cfg(&self) -> String {
        self.dir.join("pvh.cfg").display().to_string()
    }

    fn xl(&mut self, verbose: bool, args: &[&str]) -> Run {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let mut xl = Xl {
            xc: self.xc.take().unwrap(),
            store: Store::at(self.dir.join("state")),
            global: GlobalConfig {
                claim_mode: self.claim_mode,
            },
            verbose,
            progress_bar: false,
            out: &mut out,
            err: &mut err,
            uname: ["host".into(), "6.1".into(), "#1".into(), "x86_64".into()],
            read_file: |p| std::fs::read(p),
            random: || [0x42; 16],
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let status = xl.main(&args);
        self.xc = Some(xl.xc);
        Run {
            status,
            out: String::from_utf8(out).unwrap(),
            err: String::from_utf8(err).unwrap(),
        }
    }

    fn ok(&mut self, args: &[&str]) -> String {
        let r = self.xl(false, args);
        assert_eq!(r.status, 0, "xl {args:?}: {}", r.err);
        r.out
    }
}

/// The `xl list` row of `name`, split into its columns.
fn row<'a>(list: &'a str, name: &str) -> Option<Vec<&'a str>> {
    list.lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .map(|l| l.split_whitespace().collect())
}

/// The value of an `xl info` line.
fn info_value(info: &str, key: &str) -> u64 {
    info.lines()
        .find(|l| l.split(':').next().map(str::trim) == Some(key))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in\n{info}"))
}

/// xl_vmcontrol.c `create_domain` + xl_info.c `list_domains`: the domain appears under its
/// name with its target memory (PoD: maxmem 32, memory 16), one vCPU; `xl domid`/`domname`
/// map the name and the id both ways (xl_misc.c `main_domid`, `main_domname`).
#[test]
fn create_then_list_domid_domname() {
    let mut env = Env::new("create");
    let cfg = env.cfg();
    let r = env.xl(false, &["create", &cfg]);
    assert_eq!(r.status, 0, "{}", r.err);
    assert_eq!(r.err, format!("Parsing config from {cfg}\n"));
    let list = env.ok(&["list"]);
    let pvh1 = row(&list, "pvh1").expect("listed");
    assert_eq!(pvh1[1], "1", "domid");
    assert_eq!(pvh1[2], "16", "Mem (MiB): the target, PoD cache included");
    assert_eq!(pvh1[3], "1", "VCPUs");
    assert!(row(&list, "Domain-0").is_some());
    assert_eq!(env.ok(&["domid", "pvh1"]), "1\n");
    assert_eq!(env.ok(&["domname", "1"]), "pvh1\n");
    let r = env.xl(false, &["domid", "nosuch"]);
    assert_eq!(r.status, 1);
    assert_eq!(
        r.err,
        "Can't get domid of domain name 'nosuch', maybe this domain does not exist.\n"
    );
}

/// libxenguest `meminit_hvm` with claim mode: the claim is visible to Xen while the domain is
/// built (the verbose lines read physinfo's outstanding pages) and cancelled at the end, so
/// `xl claims` (xl_info.c `main_claims`) shows 0 claimed and `xl info` 0 outstanding.
#[test]
fn claims_show_while_building_then_clear() {
    let mut env = Env::new("claims");
    let cfg = env.cfg();
    let r = env.xl(true, &["create", &cfg]);
    assert_eq!(r.status, 0, "{}", r.err);
    assert!(
        r.err.contains(
            "xl: claim: 4096 pages claimed for domain 1; outstanding claims on the host: 4096 pages"
        ),
        "{}",
        r.err
    );
    assert!(
        r.err
            .contains("xl: claim: cancelled for domain 1; outstanding claims on the host: 0 pages"),
        "{}",
        r.err
    );
    let claims = env.ok(&["claims"]);
    assert!(claims.starts_with("Name"), "{claims}");
    assert!(claims.lines().next().unwrap().ends_with("Claimed"));
    assert_eq!(row(&claims, "pvh1").unwrap().last(), Some(&"0"));
    assert_eq!(info_value(&env.ok(&["info"]), "outstanding_claims"), 0);

    // Without claim mode nothing is claimed, and `xl claims` says so (xl_info.c).
    let mut env = Env::new("noclaims");
    env.claim_mode = false;
    let cfg = env.cfg();
    let r = env.xl(true, &["create", &cfg]);
    assert!(!r.err.contains("xl: claim:"), "{}", r.err);
    let r = env.xl(false, &["claims"]);
    assert_eq!(r.err, "claim_mode not enabled (see man xl.conf).\n");
}

/// xl_mem.c `set_memory_target` → `libxl_set_memory_target(enforce=1)`: max_mem becomes the
/// target + LIBXL_MAXMEM_CONSTANT and so does the PoD target (the domain's memory follows it);
/// a target above maxmem (xenstore's static-max) is refused. `set_memory_max` →
/// `libxl_domain_setmaxmem` refuses a maximum below the target. Bad sizes are refused as
/// `parse_mem_size_kb` refuses them.
#[test]
fn mem_set_and_mem_max() {
    let mut env = Env::new("mem");
    let cfg = env.cfg();
    env.ok(&["create", &cfg]);
    env.ok(&["mem-set", "pvh1", "24m"]);
    let list = env.ok(&["list"]);
    assert_eq!(
        row(&list, "pvh1").unwrap()[2],
        "25",
        "24 MiB + LIBXL_MAXMEM_CONSTANT"
    );
    let xc = env.xc.as_mut().unwrap();
    let info = xc.domain_getinfo(1).unwrap().unwrap();
    assert_eq!(info.max_pages, (24 * 1024 + 1024) / 4);
    assert_eq!(xc.domain_get_pod_target(1).unwrap().tot_pages, 25 * 256);

    let r = env.xl(false, &["mem-set", "pvh1", "33m"]);
    assert_eq!(r.status, 1);
    assert!(
        r.err
            .ends_with("cannot set domid 1 dynamic max memory to : 33m\n"),
        "{}",
        r.err
    );

    let r = env.xl(false, &["mem-max", "pvh1", "20"]);
    assert_eq!(r.status, 1);
    assert!(r
        .err
        .contains("memory_static_max must be greater than or or equal to memory_dynamic_max"));
    assert!(r
        .err
        .ends_with("cannot set domid 1 static max memory to : 20\n"));
    env.ok(&["mem-max", "pvh1", "40"]);
    let info = env.xc.as_mut().unwrap().domain_getinfo(1).unwrap().unwrap();
    assert_eq!(info.max_pages, (40 * 1024 + 1024) / 4);

    for bad in ["12x", "abc", "-5"] {
        let r = env.xl(false, &["mem-set", "pvh1", bad]);
        assert_eq!(
            (r.status, r.err.as_str()),
            (1, format!("invalid memory size: {bad}\n").as_str())
        );
    }
    let r = env.xl(false, &["mem-set", "nosuch", "16"]);
    assert_eq!(r.err, "nosuch is an invalid domain identifier (rc=-6)\n");
}

/// xl_vmcontrol.c `destroy_domain`: the domain goes, its name is forgotten, and the host's free
/// memory (`xl info` free_memory) is back where it started.
#[test]
fn destroy_returns_every_page() {
    let mut env = Env::new("destroy");
    let cfg = env.cfg();
    let before = info_value(&env.ok(&["info"]), "free_memory");
    env.ok(&["create", &cfg]);
    assert!(info_value(&env.ok(&["info"]), "free_memory") < before);
    env.ok(&["destroy", "pvh1"]);
    let list = env.ok(&["list"]);
    assert!(row(&list, "pvh1").is_none(), "{list}");
    assert_eq!(info_value(&env.ok(&["info"]), "free_memory"), before);
    let r = env.xl(false, &["destroy", "0"]);
    assert_eq!(r.status, 1);
    assert!(r
        .err
        .starts_with("Not destroying domain 0; use -f to force."));
}

/// `create_domain`: `key=value` arguments are appended to the file and win; a name in use is
/// refused (libxl_create.c), and the refused build leaves no domain behind.
#[test]
fn overrides_win_and_names_are_unique() {
    let mut env = Env::new("overrides");
    let cfg = env.cfg();
    env.ok(&["create", &cfg, "memory=8", "name=\"small\""]);
    let list = env.ok(&["list"]);
    assert_eq!(row(&list, "small").unwrap()[2], "8");
    env.ok(&["create", &cfg]);
    let r = env.xl(false, &["create", &cfg]);
    assert_eq!(r.status, 1);
    assert!(
        r.err.contains("domain with name \"pvh1\" already exists"),
        "{}",
        r.err
    );
    let list = env.ok(&["list"]);
    assert_eq!(
        list.lines().count(),
        4,
        "header, Domain-0, small, pvh1:\n{list}"
    );

    // A config error names the file, line and column (libxlu), and creates nothing.
    let r = env.xl(false, &["create", &cfg, "memory=="]);
    assert_eq!(r.status, 1);
    assert!(r.err.contains(&format!("{cfg}:")), "{}", r.err);
    assert_eq!(env.ok(&["list"]).lines().count(), 4);
}

/// `xl create -p` leaves the domain paused (state `p`); `xl unpause` and `xl pause` change it.
#[test]
fn paused_create_pause_unpause() {
    let mut env = Env::new("pause");
    let cfg = env.cfg();
    env.ok(&["create", "-p", &cfg]);
    let state = |env: &mut Env| row(&env.ok(&["list"]), "pvh1").unwrap()[4].to_string();
    assert_eq!(state(&mut env), "--p---");
    env.ok(&["unpause", "pvh1"]);
    assert_eq!(state(&mut env), "------");
    env.ok(&["pause", "1"]);
    assert_eq!(state(&mut env), "--p---");
}

/// `xl list -l` (list_domains_details): JSON with each domain's id and configuration.
#[test]
fn list_long_is_json_with_the_configuration() {
    let mut env = Env::new("long");
    let cfg = env.cfg();
    env.ok(&["create", &cfg]);
    let json = env.ok(&["list", "-l", "pvh1"]);
    assert!(json.trim_start().starts_with('['), "{json}");
    for needle in [
        "\"domid\": 1",
        "\"name\": \"pvh1\"",
        "\"type\": \"pvh\"",
        "\"max_memkb\": 32768",
        "\"target_memkb\": 16384",
        "\"cmdline\": \"mode=idle\"",
        "\"type.pvh\": {",
    ] {
        assert!(json.contains(needle), "{needle} in\n{json}");
    }
    // Domains whose configuration xl does not have (dom0 here) are skipped, as libxl cannot
    // retrieve theirs.
    let all = env.ok(&["list", "-l"]);
    assert!(!all.contains("\"domid\": 0"), "{all}");
    assert_eq!(all.matches("\"config\"").count(), 1, "{all}");
}

/// `xl vcpu-list` (xl_vcpu.c) lists every vCPU of every domain; `xl dmesg` (xl_misc.c
/// `main_dmesg`) prints the console ring, and `-c` clears it.
#[test]
fn vcpu_list_and_dmesg() {
    let mut env = Env::new("vcpu");
    let cfg = env.cfg();
    env.ok(&["create", &cfg]);
    let vcpus = env.ok(&["vcpu-list"]);
    assert!(vcpus.starts_with("Name"));
    // (The in-process dom0 was made without vCPUs; pvh1 has one.)
    let pvh1 = row(&vcpus, "pvh1").expect("pvh1's vCPU");
    assert_eq!(&pvh1[..3], ["pvh1", "1", "0"], "{vcpus}");

    env.xc
        .as_mut()
        .unwrap()
        .backend()
        .hv
        .console
        .write(b"(XEN) hello ring\n");
    assert!(env.ok(&["dmesg", "-c"]).contains("(XEN) hello ring"));
    assert!(!env.ok(&["dmesg"]).contains("hello ring"));
}
