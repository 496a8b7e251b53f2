//! What libxl keeps in xenstore and xen-rs's xl keeps in files: each domain's name and the
//! configuration it was created with (`xl list`, `xl domid`, `xl list -l`, `xl mem-max`'s
//! check against the target).
//!
//! xen-rs's tools run without xenstored, so a domain's record is a file `<domid>` in the state
//! directory (`/var/lib/xen-rs/xl`, or `$XL_STATE_DIR`). A record counts only while its UUID
//! matches the domain handle Xen reports for that domid, so a record outliving its domain (a
//! guest destroyed by another tool) is ignored and replaced, never mistaken for a new domain.
//! dom0 is `Domain-0`, as libxl names it.

use std::fs;
use std::path::PathBuf;

/// A domain as xl created it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainRecord {
    /// The domain id.
    pub domid: u16,
    /// `name=`.
    pub name: String,
    /// The handle given to createdomain.
    pub uuid: [u8; 16],
    /// `kernel=`.
    pub kernel: String,
    /// `ramdisk=`.
    pub ramdisk: Option<String>,
    /// The command line.
    pub cmdline: String,
    /// The memory target, KiB (changed by `xl mem-set`).
    pub target_memkb: u64,
    /// `maxmem=`, KiB (changed by `xl mem-max`).
    pub max_memkb: u64,
    /// vCPUs.
    pub max_vcpus: u32,
}

impl DomainRecord {
    /// The record as text: `key=value` lines (values never hold newlines: `xl create` refuses
    /// them).
    pub fn to_text(&self) -> String {
        let uuid: String = self.uuid.iter().map(|b| format!("{b:02x}")).collect();
        let mut s = format!(
            "domid={}\nname={}\nuuid={uuid}\nkernel={}\ncmdline={}\ntarget_memkb={}\nmax_memkb={}\nmax_vcpus={}\n",
            self.domid,
            self.name,
            self.kernel,
            self.cmdline,
            self.target_memkb,
            self.max_memkb,
            self.max_vcpus
        );
        if let Some(ramdisk) = &self.ramdisk {
            s.push_str(&format!("ramdisk={ramdisk}\n"));
        }
        s
    }

    /// Parses [`DomainRecord::to_text`]'s output; `None` if it is damaged.
    pub fn from_text(text: &str) -> Option<Self> {
        let mut r = DomainRecord::default();
        let mut have_uuid = false;
        for line in text.lines() {
            let (key, value) = line.split_once('=')?;
            match key {
                "domid" => r.domid = value.parse().ok()?,
                "name" => r.name = value.to_string(),
                "uuid" => {
                    if value.len() != 32 {
                        return None;
                    }
                    for (i, byte) in r.uuid.iter_mut().enumerate() {
                        *byte = u8::from_str_radix(value.get(2 * i..2 * i + 2)?, 16).ok()?;
                    }
                    have_uuid = true;
                }
                "kernel" => r.kernel = value.to_string(),
                "ramdisk" => r.ramdisk = Some(value.to_string()),
                "cmdline" => r.cmdline = value.to_string(),
                "target_memkb" => r.target_memkb = value.parse().ok()?,
                "max_memkb" => r.max_memkb = value.parse().ok()?,
                "max_vcpus" => r.max_vcpus = value.parse().ok()?,
                _ => {}
            }
        }
        (have_uuid && !r.name.is_empty()).then_some(r)
    }
}

/// The state directory.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// `$XL_STATE_DIR`, else /var/lib/xen-rs/xl.
    pub fn from_env() -> Self {
        let dir = std::env::var_os("XL_STATE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/var/lib/xen-rs/xl"));
        Store { dir }
    }

    /// A store in `dir`.
    pub fn at(dir: PathBuf) -> Self {
        Store { dir }
    }

    /// The record of `domid` if it belongs to the domain with handle `uuid`.
    pub fn get(&self, domid: u16, uuid: &[u8; 16]) -> Option<DomainRecord> {
        let text = fs::read_to_string(self.dir.join(domid.to_string())).ok()?;
        DomainRecord::from_text(&text).filter(|r| r.domid == domid && &r.uuid == uuid)
    }

    /// Saves a record (replacing any for the same domid).
    pub fn put(&self, record: &DomainRecord) -> Result<(), String> {
        fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let path = self.dir.join(record.domid.to_string());
        let tmp = self.dir.join(format!(".{}.tmp", record.domid));
        fs::write(&tmp, record.to_text())
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Forgets `domid`.
    pub fn remove(&self, domid: u16) {
        let _ = fs::remove_file(self.dir.join(domid.to_string()));
    }
}
