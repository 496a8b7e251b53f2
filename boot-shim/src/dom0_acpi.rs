//! dom0's own ACPI tables, as Xen's PVH dom0 builder crafts them (xen/arch/x86/hvm/dom0_build.c,
//! `pvh_setup_acpi` and the functions it calls): a MADT for dom0's vCPUs and the host's IO-APICs
//! and interrupt source overrides, an XSDT listing that MADT and the host's tables Xen lets
//! through, and an RSDP pointing at that XSDT, stolen from the end of dom0's last RAM range below
//! 4 GiB and marked E820_ACPI in dom0's memory map; `hvm_start_info.rsdp_paddr` points at the
//! RSDP. Pure data, as the rest of the dom0 plan: nothing here touches memory or allocates.
//!
//! Where xen-rs differs, on purpose:
//! - the XSDT's header is the XSDT's when the host RSDP's revision is above 1 and names one, else
//!   the RSDT's, with the signature made "XSDT" (upstream Xen's `pvh_setup_acpi_xsdt`; 4.17 reads
//!   the RSDP's XSDT field whatever the revision, which an ACPI 1.0 RSDP such as SeaBIOS's does
//!   not have, and copies a header from whatever address that gives);
//! - `pvh_add_mem_range` extending an entry downwards grows it by what it adds; Xen's only moves
//!   its start (`d->arch.e820[i].addr = s`), so the E820_ACPI entry that should cover the RSDP,
//!   the XSDT and the MADT is only as long as the MADT, and the MADT's tail ends up in a hole;
//! - an interrupt source override is written 10 bytes long; Xen copies the host's entry
//!   structure, header included, so a host entry of another length would give dom0 that length;
//! - tables that would overlap the kernel, the modules or the metadata are an error
//!   ([`Dom0BuildError::AcpiTablesOverlap`]); Xen copies them over what it loaded.

use crate::acpi::{
    checksum, AcpiTable, MadtIntSrcOverride, MadtIoapic, Rsdp, HEADER_LENGTH, MADT_HEADER_LENGTH,
    MAX_ACPI_TABLES, RSDP_CHECKSUM_LENGTHS, RSDP_LENGTH, RSDP_SIGNATURE,
};
use crate::boot_memory::PAGE_SIZE;
use crate::dom0_build::{
    Dom0BuildError, Dom0E820, E820Entry, E820_ACPI, E820_NVS, E820_RAM, E820_RESERVED,
};
use crate::options::FixedList;

/// `APIC_DEFAULT_PHYS_BASE`: the local APIC address dom0's MADT gives.
pub const APIC_DEFAULT_PHYS_BASE: u32 = 0xfee0_0000;
/// `ACPI_MADT_ENABLED`.
pub const ACPI_MADT_ENABLED: u32 = 1;
/// `ACPI_MADT_TYPE_IO_APIC`, `ACPI_MADT_TYPE_INTERRUPT_OVERRIDE`, `ACPI_MADT_TYPE_LOCAL_X2APIC`.
pub const MADT_TYPE_IO_APIC: u8 = 1;
/// See [`MADT_TYPE_IO_APIC`].
pub const MADT_TYPE_INTERRUPT_OVERRIDE: u8 = 2;
/// See [`MADT_TYPE_IO_APIC`].
pub const MADT_TYPE_LOCAL_X2APIC: u8 = 9;
/// `sizeof(struct acpi_madt_io_apic)`, `sizeof(struct acpi_madt_interrupt_override)` and
/// `sizeof(struct acpi_madt_local_x2apic)`.
pub const MADT_IO_APIC_LENGTH: usize = 12;
/// See [`MADT_IO_APIC_LENGTH`].
pub const MADT_OVERRIDE_LENGTH: usize = 10;
/// See [`MADT_IO_APIC_LENGTH`].
pub const MADT_X2APIC_LENGTH: usize = 16;
/// "NB: this is currently set to 4, which is the revision in the ACPI spec 6.1."
pub const MADT_MAX_REVISION: u8 = 4;
/// The room for dom0's three tables here: a MADT for 128 vCPUs, 128 IO-APICs and 256 overrides,
/// and an XSDT with every table of the root table list, fit.
pub const DOM0_ACPI_MAX_BYTES: usize = 8192;
const GB4: u64 = 1 << 32;
const MB1: u64 = 1 << 20;

/// `pvh_acpi_table_allowed`'s `allowed_tables` (Xen 4.17): the host tables dom0 may see.
/// Everything else (the MADT, which dom0 gets its own of, SRAT, SLIT, DMAR, IVRS, HPET, ...) is
/// left out of dom0's XSDT.
pub const ALLOWED_TABLES: [&[u8; 4]; 12] = [
    b"DSDT", b"FACP", b"FACS", b"PSDT", b"SSDT", b"SBST", b"MCFG", b"SLIC", b"MSDM", b"WDAT",
    b"FPDT", b"S3PT",
];

/// What `pvh_setup_acpi` reads from the host's ACPI tables (gathered at boot with
/// [`crate::acpi`]).
#[derive(Clone, Copy, Debug)]
pub struct HostAcpi<'a> {
    /// The host's RSDP (`acpi_os_get_root_pointer`): its OEM ID goes into dom0's RSDP.
    pub rsdp: Rsdp,
    /// The header dom0's XSDT copies ([`crate::acpi::root_table_header`]); `None`: unreadable.
    pub root_header: Option<[u8; HEADER_LENGTH as usize]>,
    /// ACPICA's root table list (`acpi_gbl_root_table_list`), DSDT and FACS first.
    pub tables: &'a [AcpiTable],
    /// The host MADT's header (`acpi_get_table(ACPI_SIG_MADT, 0, &table)`); `None`: no MADT.
    pub madt_header: Option<[u8; HEADER_LENGTH as usize]>,
    /// The host MADT's interrupt source overrides, in order.
    pub overrides: &'a [MadtIntSrcOverride],
}

/// What `pvh_acpi_table_allowed` says of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableAccess {
    /// On the list, and in reserved or ACPI memory.
    Allowed,
    /// On the list, but not all in reserved or ACPI memory: "Skipping table %.4s in non-ACPI
    /// non-reserved region".
    Banned,
    /// Not on the list.
    Hidden,
}

/// `page_is_ram_type(mfn, RAM_TYPE_RESERVED) || page_is_ram_type(mfn, RAM_TYPE_ACPI)`
/// (xen/arch/x86/mm.c): the whole page lies inside one E820_RESERVED, E820_ACPI or E820_NVS entry
/// of the host's map. Returns the first page past that entry's last whole page.
fn whole_page_in_reserved_or_acpi(host_e820: &[E820Entry], pfn: u64) -> Option<u64> {
    let start = pfn.checked_mul(PAGE_SIZE)?;
    let end = start.checked_add(PAGE_SIZE)?;
    host_e820
        .iter()
        .find(|e| {
            matches!(e.r#type, E820_RESERVED | E820_ACPI | E820_NVS)
                && e.addr <= start
                && e.end() >= end
        })
        .map(|e| e.end() / PAGE_SIZE)
}

/// hvm/dom0_build.c `acpi_memory_banned`: whether a page of `[address, address + size)`, from
/// `PFN_DOWN(address)` for `PFN_UP((address & ~PAGE_MASK) + size)` pages, is not wholly inside a
/// reserved, ACPI or NVS entry of the host's map.
pub fn acpi_memory_banned(host_e820: &[E820Entry], address: u64, size: u64) -> bool {
    let first = address / PAGE_SIZE;
    let nr_pages = ((address % PAGE_SIZE) + size).div_ceil(PAGE_SIZE);
    let end = first.saturating_add(nr_pages);
    let mut pfn = first;
    while pfn < end {
        match whole_page_in_reserved_or_acpi(host_e820, pfn) {
            Some(next) => pfn = next.max(pfn + 1),
            None => return true,
        }
    }
    false
}

/// hvm/dom0_build.c `pvh_acpi_table_allowed` (4.17): a table on [`ALLOWED_TABLES`] whose memory
/// is not banned (`acpi_memory_banned`).
pub fn pvh_acpi_table_allowed(host_e820: &[E820Entry], table: &AcpiTable) -> TableAccess {
    if !ALLOWED_TABLES.contains(&&table.signature) {
        TableAccess::Hidden
    } else if acpi_memory_banned(host_e820, table.address, u64::from(table.length)) {
        TableAccess::Banned
    } else {
        TableAccess::Allowed
    }
}

/// hvm/dom0_build.c `pvh_acpi_xsdt_table_allowed`: an allowed table, but for the DSDT and the
/// FACS, which the FADT points at ("DSDT and FACS are pointed to from FADT and thus don't belong
/// in XSDT").
pub fn pvh_acpi_xsdt_table_allowed(host_e820: &[E820Entry], table: &AcpiTable) -> bool {
    pvh_acpi_table_allowed(host_e820, table) == TableAccess::Allowed
        && &table.signature != b"DSDT"
        && &table.signature != b"FACS"
}

/// Why `pvh_add_mem_range` did not add a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddRangeError {
    /// It overlaps an entry (`-EEXIST`).
    Exists,
    /// The map is full here (Xen: `-ENOMEM`, "E820: out of memory to add region").
    Full,
}

/// hvm/dom0_build.c `pvh_add_mem_range`: `[s, e)` of `r#type` added to the sorted map: an entry of
/// the same type that starts at `e` is extended down to `s` (see the module's notes: Xen only
/// moves its start), one that ends at `s` is extended up to `e` when the next entry starts at or
/// after `e`; otherwise a range that overlaps an entry is refused and one in a hole is inserted
/// in order.
pub fn pvh_add_mem_range(
    e820: &mut Dom0E820,
    s: u64,
    e: u64,
    r#type: u32,
) -> Result<(), AddRangeError> {
    let n = e820.len();
    let mut at = n;
    for i in 0..n {
        let Some(entry) = e820.get(i) else { break };
        let (rs, re) = (entry.addr, entry.end());
        if rs == e && entry.r#type == r#type {
            if let Some(x) = e820.get_mut(i) {
                x.size = x.size.saturating_add(e - s);
                x.addr = s;
            }
            return Ok(());
        }
        if re == s && entry.r#type == r#type && e820.get(i + 1).is_none_or(|next| next.addr >= e) {
            if let Some(x) = e820.get_mut(i) {
                x.size = x.size.saturating_add(e - s);
            }
            return Ok(());
        }
        if rs >= e {
            at = i;
            break;
        }
        if re > s {
            return Err(AddRangeError::Exists);
        }
    }
    let mut out = Dom0E820::new();
    let new = E820Entry {
        addr: s,
        size: e - s,
        r#type,
    };
    let fits = e820
        .iter()
        .take(at)
        .chain(Some(new))
        .chain(e820.iter().skip(at))
        .all(|x| out.push(x));
    if !fits {
        return Err(AddRangeError::Full);
    }
    *e820 = out;
    Ok(())
}

/// hvm/dom0_build.c `pvh_steal_ram` (4.17): `size` bytes, aligned down to `align` (0 taken as 1),
/// from the end of the last RAM entry that ends at or below `limit`, never below 1 MiB ("Don't
/// steal from the low 1MB due to the copying done there"); the entry shrinks to end there.
/// (Where the entry is shorter than `size`, Xen's unsigned subtraction wraps; it is skipped here.)
pub fn pvh_steal_ram(e820: &mut Dom0E820, size: u64, align: u64, limit: u64) -> Option<u64> {
    let align = align.max(1);
    for i in (0..e820.len()).rev() {
        let entry = e820.get(i)?;
        let end = entry.addr.checked_add(entry.size);
        if entry.r#type != E820_RAM || end.is_none_or(|end| end > limit) {
            continue;
        }
        let Some(addr) = end.and_then(|end| end.checked_sub(size)) else {
            continue;
        };
        let addr = addr & !(align - 1);
        if addr < entry.addr || addr < MB1 {
            continue;
        }
        let x = e820.get_mut(i)?;
        x.size = addr - x.addr;
        return Some(addr);
    }
    None
}

/// The size of the MADT `pvh_setup_acpi_madt` builds: the header and its two fields, one IO-APIC
/// entry per host IO-APIC, one local x2APIC entry per vCPU, one override per host override.
pub fn madt_size(nr_ioapics: usize, max_vcpus: u32, nr_overrides: usize) -> u64 {
    u64::from(MADT_HEADER_LENGTH)
        + (MADT_IO_APIC_LENGTH * nr_ioapics) as u64
        + MADT_X2APIC_LENGTH as u64 * u64::from(max_vcpus)
        + (MADT_OVERRIDE_LENGTH * nr_overrides) as u64
}

/// Sets byte `at` so that the bytes sum to zero (`header.checksum -= acpi_tb_checksum(...)`).
fn fix_checksum(bytes: &mut [u8], at: usize) {
    bytes[at] = 0;
    bytes[at] = 0u8.wrapping_sub(checksum(bytes));
}

/// hvm/dom0_build.c `pvh_setup_acpi_madt`'s table, into `out` (exactly [`madt_size`] bytes): the
/// host MADT's header (revision at most 4), the local APIC at `APIC_DEFAULT_PHYS_BASE`, flags 0
/// (Xen zero-allocates the table and copies only the header), then one IO-APIC entry per emulated
/// IO-APIC with the host's ID, address and GSI base (hvm/vioapic.c `vioapic_init` gives the
/// hardware domain one per `mp_ioapics[i]`), one enabled local x2APIC entry per vCPU with UID `i`
/// and APIC ID `2 * i` (what the vLAPIC reports, vlapic.c `vlapic_reset`), then the host's
/// interrupt source overrides. No NMI source nor local APIC NMI entry ("x86/pvh: do not forward
/// MADT Local APIC NMI structures to dom0", in 4.17: dom0's local APIC is emulated, its LINT pins
/// wired to nothing).
pub fn build_madt(
    host_header: &[u8; HEADER_LENGTH as usize],
    ioapics: &[MadtIoapic],
    max_vcpus: u32,
    overrides: &[MadtIntSrcOverride],
    out: &mut [u8],
) {
    let size = out.len();
    out.fill(0);
    out[..36].copy_from_slice(host_header);
    out[4..8].copy_from_slice(&(size as u32).to_le_bytes());
    out[8] = host_header[8].min(MADT_MAX_REVISION);
    out[36..40].copy_from_slice(&APIC_DEFAULT_PHYS_BASE.to_le_bytes());
    let mut off = MADT_HEADER_LENGTH as usize;
    for io in ioapics {
        let e = &mut out[off..off + MADT_IO_APIC_LENGTH];
        e[0] = MADT_TYPE_IO_APIC;
        e[1] = MADT_IO_APIC_LENGTH as u8;
        e[2] = io.id;
        // `io_apic->address` is 32 bits wide; the MADT gave 32 bits.
        e[4..8].copy_from_slice(&(io.address as u32).to_le_bytes());
        e[8..12].copy_from_slice(&io.gsi_base.to_le_bytes());
        off += MADT_IO_APIC_LENGTH;
    }
    for i in 0..max_vcpus {
        let e = &mut out[off..off + MADT_X2APIC_LENGTH];
        e[0] = MADT_TYPE_LOCAL_X2APIC;
        e[1] = MADT_X2APIC_LENGTH as u8;
        e[4..8].copy_from_slice(&i.wrapping_mul(2).to_le_bytes());
        e[8..12].copy_from_slice(&ACPI_MADT_ENABLED.to_le_bytes());
        e[12..16].copy_from_slice(&i.to_le_bytes());
        off += MADT_X2APIC_LENGTH;
    }
    for o in overrides {
        let e = &mut out[off..off + MADT_OVERRIDE_LENGTH];
        e[0] = MADT_TYPE_INTERRUPT_OVERRIDE;
        e[1] = MADT_OVERRIDE_LENGTH as u8;
        e[2] = o.bus;
        e[3] = o.source_irq;
        e[4..8].copy_from_slice(&o.gsi.to_le_bytes());
        e[8..10].copy_from_slice(&o.flags.to_le_bytes());
        off += MADT_OVERRIDE_LENGTH;
    }
    fix_checksum(out, 9);
}

/// hvm/dom0_build.c `pvh_setup_acpi_xsdt`'s table, into `out` (`36 + 8 * (1 + entries)` bytes):
/// the host root table's header with signature "XSDT", revision 1 and its own length and
/// checksum, then dom0's MADT, then `entries`.
pub fn build_xsdt(
    root_header: &[u8; HEADER_LENGTH as usize],
    madt: u64,
    entries: impl IntoIterator<Item = u64>,
    out: &mut [u8],
) {
    let size = out.len();
    out.fill(0);
    out[..36].copy_from_slice(root_header);
    // "In case the header is an RSDT copy, unconditionally ensure it has an XSDT sig."
    out[0] = b'X';
    out[4..8].copy_from_slice(&(size as u32).to_le_bytes());
    out[8] = 1;
    for (slot, address) in out[36..]
        .chunks_exact_mut(8)
        .zip(core::iter::once(madt).chain(entries))
    {
        slot.copy_from_slice(&address.to_le_bytes());
    }
    fix_checksum(out, 9);
}

/// hvm/dom0_build.c `pvh_setup_acpi`'s RSDP: revision 2, 36 bytes, the host RSDP's OEM ID, no
/// RSDT, the XSDT at `xsdt`, the ACPI 1.0 checksum over the first 20 bytes and the extended one
/// over all 36.
pub fn build_rsdp(oem_id: &[u8; 6], xsdt: u64) -> [u8; RSDP_LENGTH] {
    let mut r = [0u8; RSDP_LENGTH];
    r[..8].copy_from_slice(RSDP_SIGNATURE);
    r[9..15].copy_from_slice(oem_id);
    r[15] = 2;
    r[20..24].copy_from_slice(&(RSDP_LENGTH as u32).to_le_bytes());
    r[24..32].copy_from_slice(&xsdt.to_le_bytes());
    let (v1, v2) = RSDP_CHECKSUM_LENGTHS;
    fix_checksum(&mut r[..v1], 8);
    fix_checksum(&mut r[..v2], 32);
    r
}

/// dom0's ACPI tables: where they are and their bytes.
#[derive(Clone, Copy, Debug)]
pub struct Dom0Acpi {
    /// dom0's RSDP (`hvm_start_info.rsdp_paddr`).
    pub rsdp_paddr: u64,
    /// dom0's XSDT.
    pub xsdt_paddr: u64,
    /// dom0's MADT.
    pub madt_paddr: u64,
    /// The host tables the XSDT lists after the MADT, in root table list order.
    pub xsdt_tables: FixedList<AcpiTable, MAX_ACPI_TABLES>,
    /// The allowed tables left out because their memory is not reserved or ACPI ("Skipping
    /// table %.4s in non-ACPI non-reserved region").
    pub skipped: FixedList<AcpiTable, MAX_ACPI_TABLES>,
    madt_len: usize,
    xsdt_len: usize,
    /// The MADT, then the XSDT, then the RSDP.
    bytes: [u8; DOM0_ACPI_MAX_BYTES],
}

impl Dom0Acpi {
    /// The MADT's bytes, written at [`Dom0Acpi::madt_paddr`].
    pub fn madt(&self) -> &[u8] {
        &self.bytes[..self.madt_len]
    }

    /// The XSDT's bytes, written at [`Dom0Acpi::xsdt_paddr`].
    pub fn xsdt(&self) -> &[u8] {
        &self.bytes[self.madt_len..self.madt_len + self.xsdt_len]
    }

    /// The RSDP's bytes, written at [`Dom0Acpi::rsdp_paddr`].
    pub fn rsdp(&self) -> &[u8] {
        let start = self.madt_len + self.xsdt_len;
        &self.bytes[start..start + RSDP_LENGTH]
    }

    /// `[start, end)` of the three tables in dom0's memory: the RSDP, the XSDT and the MADT, in
    /// that order, back to back.
    pub fn range(&self) -> (u64, u64) {
        (self.rsdp_paddr, self.madt_paddr + self.madt_len as u64)
    }
}

/// hvm/dom0_build.c `pvh_setup_acpi`, on dom0's map `e820` (after `pvh_setup_e820` and the kernel's
/// placement), for a domain of `max_vcpus` vCPUs with an emulated IO-APIC at each of the host's
/// `ioapics`:
///
/// 1. "Scan top-level tables and add their regions to the guest memory map": each table of the
///    root table list that `pvh_acpi_table_allowed` allows (for the host MADT: whose memory is not
///    banned, "so that Dom0 can properly access the data returned by _MAT methods") is added as
///    E820_ACPI with `pvh_add_mem_range`, errors ignored (an allowed table lies in a reserved or
///    ACPI entry dom0's map has too, so that is `-EEXIST` but for tables of length 0);
/// 2. "Identity map ACPI e820 regions": the map at this point is returned, for the p2m's identity
///    maps of its E820_ACPI and E820_NVS entries (the tables stolen below stay RAM in the p2m);
/// 3. `pvh_setup_acpi_madt`, `pvh_setup_acpi_xsdt` and the RSDP: each stolen (`pvh_steal_ram`,
///    below 4 GiB) in that order and added as E820_ACPI ("Unable to add ... region to memory
///    map" is not fatal), so the RSDP ends lowest and the three share one entry.
pub fn pvh_setup_acpi(
    e820: &mut Dom0E820,
    host_e820: &[E820Entry],
    host: &HostAcpi<'_>,
    ioapics: &[MadtIoapic],
    max_vcpus: u32,
) -> Result<(Dom0E820, Dom0Acpi), Dom0BuildError> {
    let mut skipped = FixedList::new();
    for t in host.tables {
        let access = pvh_acpi_table_allowed(host_e820, t);
        if access == TableAccess::Banned {
            skipped.push(*t);
        }
        let add = if &t.signature == b"APIC" {
            !acpi_memory_banned(host_e820, t.address, u64::from(t.length))
        } else {
            access == TableAccess::Allowed
        };
        if add {
            if let Some(end) = t.address.checked_add(u64::from(t.length)) {
                let _ = pvh_add_mem_range(e820, t.address, end, E820_ACPI);
            }
        }
    }
    let identity_map = *e820;

    let madt_header = host.madt_header.ok_or(Dom0BuildError::NoMadt)?;
    let root_header = host.root_header.ok_or(Dom0BuildError::NoRootTable)?;
    let mut xsdt_tables = FixedList::new();
    for t in host
        .tables
        .iter()
        .filter(|t| pvh_acpi_xsdt_table_allowed(host_e820, t))
    {
        xsdt_tables.push(*t);
    }
    let madt_len = madt_size(ioapics.len(), max_vcpus, host.overrides.len());
    let xsdt_len = u64::from(HEADER_LENGTH) + 8 * (1 + xsdt_tables.len() as u64);
    let total = madt_len + xsdt_len + RSDP_LENGTH as u64;
    if total > DOM0_ACPI_MAX_BYTES as u64 {
        return Err(Dom0BuildError::AcpiTablesTooLarge { size: total });
    }
    let (madt_len, xsdt_len) = (madt_len as usize, xsdt_len as usize);

    let mut steal = |size: usize, what: &'static str| {
        let at = pvh_steal_ram(e820, size as u64, 0, GB4)
            .ok_or(Dom0BuildError::NoRamForAcpi { what })?;
        let _ = pvh_add_mem_range(e820, at, at + size as u64, E820_ACPI);
        Ok::<u64, Dom0BuildError>(at)
    };
    let madt_paddr = steal(madt_len, "MADT")?;
    let xsdt_paddr = steal(xsdt_len, "XSDT")?;
    let rsdp_paddr = steal(RSDP_LENGTH, "RSDP")?;

    let mut acpi = Dom0Acpi {
        rsdp_paddr,
        xsdt_paddr,
        madt_paddr,
        xsdt_tables,
        skipped,
        madt_len,
        xsdt_len,
        bytes: [0; DOM0_ACPI_MAX_BYTES],
    };
    let (madt, rest) = acpi.bytes.split_at_mut(madt_len);
    let (xsdt, rest) = rest.split_at_mut(xsdt_len);
    build_madt(&madt_header, ioapics, max_vcpus, host.overrides, madt);
    build_xsdt(
        &root_header,
        madt_paddr,
        xsdt_tables.iter().map(|t| t.address),
        xsdt,
    );
    rest[..RSDP_LENGTH].copy_from_slice(&build_rsdp(&host.rsdp.oem_id, xsdt_paddr));
    Ok((identity_map, acpi))
}
