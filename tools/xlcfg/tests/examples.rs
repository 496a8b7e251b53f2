//! Whole xl.cfg files, parsed as libxlu (tools/libs/util/libxlu_cfg_y.y) parses them for xl.
//! `data/pvh-guest.cfg` is xen-rs's own sample in the shape of Xen's tools/examples files.

use xlcfg::{parse, Location};

#[test]
fn a_sample_pvh_guest() {
    let text = include_str!("data/pvh-guest.cfg");
    let cfg = parse("pvh-guest.cfg", text).unwrap();
    assert_eq!(cfg.get_string("type"), Ok("pvh"));
    assert_eq!(cfg.get_string("name"), Ok("sample-pvh"));
    assert_eq!(cfg.get_string("kernel"), Ok("/boot/vmlinuz"));
    assert_eq!(cfg.get_string("extra"), Ok("console=hvc0 root=/dev/xvda1"));
    assert_eq!(cfg.get_long("memory"), Ok(512));
    assert_eq!(cfg.get_long("vcpus"), Ok(4));
    assert_eq!(
        cfg.location("memory"),
        Some(Location {
            line: 14,
            column: 10
        })
    );
    let vif = cfg.get_list("vif").unwrap();
    assert_eq!(vif.len(), 1);
    assert_eq!(vif[0].as_str(), Some(""));
    let disk = cfg.get_list("disk").unwrap();
    assert_eq!(
        disk[0].as_str(),
        Some("format=raw, vdev=xvda, access=rw, target=/dev/vg0/sample")
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
