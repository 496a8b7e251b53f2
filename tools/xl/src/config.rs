//! From an xl.cfg file to what the builder needs, as xl's `parse_config_data`
//! (tools/xl/xl_parse.c) reads it, and the global `xl.conf` (`parse_global_config` in
//! tools/xl/xl.c).
//!
//! Only the keys a PVH guest without devices uses are read: `name`, `type` (or the old
//! `builder`), `kernel`, `ramdisk`, `cmdline` (else `root` and `extra`), `memory`, `maxmem`,
//! `vcpus`, `maxvcpus`, `uuid`. Other keys are accepted and ignored, as xl ignores keys it does not
//! know.

use xlcfg::{Config, GetError};

/// libxl's default memory when `memory=` is absent (`libxl__domain_build_info_setdefault`:
/// max_memkb = 32 MiB, target = max).
pub const DEFAULT_MEMORY_MIB: i64 = 32;

/// What `xl create` builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSpec {
    /// `name=`.
    pub name: String,
    /// `kernel=`.
    pub kernel: String,
    /// `ramdisk=`.
    pub ramdisk: Option<String>,
    /// `cmdline=`, else `root=`/`extra=` combined.
    pub cmdline: String,
    /// `memory=`, in KiB.
    pub target_memkb: u64,
    /// `maxmem=` (default: `memory`), in KiB.
    pub max_memkb: u64,
    /// `maxvcpus=`, else `vcpus=`, else 1.
    pub max_vcpus: u32,
    /// `uuid=`, if given.
    pub uuid: Option<[u8; 16]>,
    /// Warnings xl prints on stderr while parsing.
    pub warnings: Vec<String>,
}

/// The text xl parses for `xl create FILE key=value...` (xl_vmcontrol.c `create_domain`): the
/// file, then each override on its own line, so that the overrides' assignments come last and
/// win.
pub fn config_text(file_text: &str, overrides: &[String]) -> String {
    if overrides.is_empty() {
        return file_text.to_string();
    }
    let mut text = String::from(file_text);
    text.push('\n');
    for o in overrides {
        text.push_str(o);
        text.push('\n');
    }
    text
}

fn optional<T>(r: Result<T, GetError>) -> Result<Option<T>, String> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(GetError::NotFound) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// A libxl UUID string (`libxl_uuid_from_string`: 8-4-4-4-12 hex digits).
pub fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let groups: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lens != [8, 4, 4, 4, 12] {
        return None;
    }
    let hex: String = groups.concat();
    let mut uuid = [0u8; 16];
    for (i, b) in uuid.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(uuid)
}

/// Reads a domain configuration. Errors are what xl prints before it gives up.
pub fn domain_spec(config: &Config) -> Result<DomainSpec, String> {
    let mut warnings = Vec::new();
    let name = optional(config.get_string("name"))?
        .ok_or_else(|| "Domain name must be specified.".to_string())?
        .to_string();
    let kind = match optional(config.get_string("type"))? {
        Some(t) => t.to_string(),
        None => match optional(config.get_string("builder"))? {
            Some("hvm") => "hvm".into(),
            Some(_) | None => "pv".into(),
        },
    };
    match kind.as_str() {
        "pvh" => {}
        "pv" | "hvm" => {
            return Err(format!(
            "xen-rs's xl builds PVH domains only; this one is type \"{kind}\" (set type=\"pvh\")"
        ))
        }
        other => return Err(format!("Invalid domain type {other}.")),
    }
    let kernel = optional(config.get_string("kernel"))?
        .ok_or_else(|| "a PVH domain needs kernel= (xen-rs has no PVH firmware)".to_string())?
        .to_string();
    let ramdisk = optional(config.get_string("ramdisk"))?.map(str::to_string);

    let root = optional(config.get_string("root"))?;
    let extra = optional(config.get_string("extra"))?;
    let cmdline = match optional(config.get_string("cmdline"))? {
        Some(c) => {
            if root.is_some() || extra.is_some() {
                warnings.push("Warning: ignoring root= and extra= in favour of cmdline=".into());
            }
            c.to_string()
        }
        None => match (root, extra) {
            (Some(r), Some(e)) => format!("root={r} {e}"),
            (Some(r), None) => format!("root={r}"),
            (None, Some(e)) => e.to_string(),
            (None, None) => String::new(),
        },
    };
    if cmdline.contains('\n') {
        return Err("cmdline must not contain a newline".into());
    }

    let memory = optional(config.get_long("memory"))?.unwrap_or(DEFAULT_MEMORY_MIB);
    let maxmem = optional(config.get_long("maxmem"))?.unwrap_or(memory);
    if memory <= 0 || maxmem <= 0 {
        return Err("memory and maxmem must be positive".into());
    }
    if maxmem < memory {
        return Err(format!(
            "maxmem ({maxmem} MiB) is less than memory ({memory} MiB)"
        ));
    }
    let vcpus = optional(config.get_long("vcpus"))?;
    let maxvcpus = optional(config.get_long("maxvcpus"))?;
    let max_vcpus = maxvcpus.or(vcpus).unwrap_or(1);
    if !(1..=128).contains(&max_vcpus) {
        return Err(format!("invalid number of vcpus: {max_vcpus}"));
    }
    let uuid = match optional(config.get_string("uuid"))? {
        Some(s) => Some(parse_uuid(s).ok_or_else(|| format!("Failed to parse UUID: {s}"))?),
        None => None,
    };
    Ok(DomainSpec {
        name,
        kernel,
        ramdisk,
        cmdline,
        target_memkb: memory as u64 * 1024,
        max_memkb: maxmem as u64 * 1024,
        max_vcpus: max_vcpus as u32,
        uuid,
        warnings,
    })
}

/// The global configuration xl reads from /etc/xen/xl.conf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalConfig {
    /// `claim_mode` (default on).
    pub claim_mode: bool,
}

impl Default for GlobalConfig {
    fn default() -> Self {
        GlobalConfig { claim_mode: true }
    }
}

/// `parse_global_config`: a missing file means the defaults; a file that does not parse is
/// reported and ignored, as xl does.
pub fn global_config(file_name: &str, text: Option<&str>) -> (GlobalConfig, Option<String>) {
    let mut global = GlobalConfig::default();
    let Some(text) = text else {
        return (global, None);
    };
    match xlcfg::parse(file_name, text) {
        Ok(config) => {
            if let Ok(l) = config.get_long("claim_mode") {
                global.claim_mode = l != 0;
            }
            (global, None)
        }
        Err(e) => (global, Some(format!("Failed to parse config file: {e}"))),
    }
}
