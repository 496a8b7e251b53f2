//! Real xl.cfg files. `data/xlexample.pvhlinux` is Xen's tools/examples/xlexample.pvhlinux,
//! parsed by libxlu (tools/libs/util/libxlu_cfg_y.y) as xl does.

use xlcfg::{parse, Location};

#[test]
fn xlexample_pvhlinux() {
    let text = include_str!("data/xlexample.pvhlinux");
    let cfg = parse("xlexample.pvhlinux", text).unwrap();
    assert_eq!(cfg.get_string("type"), Ok("pvh"));
    assert_eq!(cfg.get_string("name"), Ok("example.pvhlinux"));
    assert_eq!(cfg.get_string("kernel"), Ok("/boot/vmlinuz"));
    assert_eq!(cfg.get_string("extra"), Ok("root=/dev/xvda1"));
    assert_eq!(cfg.get_long("memory"), Ok(512));
    assert_eq!(cfg.get_long("vcpus"), Ok(4));
    assert_eq!(
        cfg.location("memory"),
        Some(Location {
            line: 29,
            column: 10
        })
    );
    let vif = cfg.get_list("vif").unwrap();
    assert_eq!(vif.len(), 1);
    assert_eq!(vif[0].as_str(), Some(""));
    let disk = cfg.get_list("disk").unwrap();
    assert_eq!(
        disk[0].as_str(),
        Some("/dev/zvol/tank/guest-volume,raw,xvda,rw")
    );
    assert!(cfg.get("uuid").is_none());
    assert!(cfg.get("ramdisk").is_none());
    assert_eq!(cfg.settings().len(), 8);
}

/// The shape of config the xen-rs test uses: PVH, claim-friendly PoD (maxmem > memory), CRLF-free.
#[test]
fn pvh_pod_guest() {
    let text = "\
name = \"domu\"
type = \"pvh\"
kernel = \"/guest.elf\"
cmdline = \"mode=domu\"
memory = 128
maxmem = 256
vcpus = 1
on_crash = 'destroy'
cpus = [\"0\", \"1\"]
";
    let cfg = parse("domu.cfg", text).unwrap();
    assert_eq!(cfg.get_long("maxmem"), Ok(256));
    assert_eq!(cfg.get_list("cpus").unwrap().len(), 2);
    assert_eq!(cfg.get_string("on_crash"), Ok("destroy"));
}
