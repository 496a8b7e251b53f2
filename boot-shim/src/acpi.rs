//! The host's ACPI tables as Xen 4.17 finds them at boot, for building dom0: where the RSDP is,
//! the root table list, the MADT's IO-APICs and the MCFG's configuration-space regions. Xen reads
//! them with its copy of ACPICA (xen/drivers/acpi/tables/) and its own parsers
//! (xen/arch/x86/acpi/boot.c, xen/arch/x86/x86_64/acpi_mmcfg.c).
//!
//! Memory is read through the caller's `read(paddr, buf) -> bool` (the hypervisor's direct map;
//! byte buffers in the host tests); a read that fails is a table that is not there. Nothing here
//! trusts a length or an address: every field is bounds-checked, and lists have fixed capacities.

use crate::options::FixedList;

/// `ACPI_SIG_RSDP`.
pub const RSDP_SIGNATURE: &[u8; 8] = b"RSD PTR ";
// Where `acpi_find_root_pointer` looks (ACPICA's acconfig.h): the BIOS data area's word with the
// EBDA's segment (ACPI_EBDA_PTR_LOCATION), the EBDA's first KiB (ACPI_EBDA_WINDOW_SIZE), then
// 0xe0000-0xfffff (ACPI_HI_RSDP_WINDOW_BASE and _SIZE), every 16 bytes (ACPI_RSDP_SCAN_STEP);
// and what `acpi_tb_validate_rsdp` sums: the ACPI 1.0 part (ACPI_RSDP_CHECKSUM_LENGTH), then the
// whole ACPI 2.0 RSDP (ACPI_RSDP_XCHECKSUM_LENGTH).
const EBDA_PTR_LOCATION: u64 = 0x40e;
const EBDA_WINDOW_SIZE: u64 = 1024;
const HI_RSDP_WINDOW: (u64, u64) = (0xe0000, 0x20000);
const RSDP_SCAN_STEP: usize = 16;
const RSDP_CHECKSUM_LENGTHS: (usize, usize) = (20, 36);
/// `sizeof(struct acpi_table_header)`.
pub const HEADER_LENGTH: u32 = 36;
/// `ACPI_MAX_TABLES` (xen/drivers/acpi/tables.c): the root table list Xen allocates, not resized
/// (`acpi_initialize_tables(NULL, ACPI_MAX_TABLES, 0)`); its first two slots are the DSDT's and
/// the FACS's.
pub const MAX_ACPI_TABLES: usize = 128;
/// `MAX_IO_APICS`.
pub const MAX_IO_APICS: usize = 128;
/// How many MCFG entries are kept here.
pub const MAX_MMCFG_REGIONS: usize = 32;
/// `ACPI_FADT_HW_REDUCED`: no FACS.
const FADT_HW_REDUCED: u32 = 1 << 20;
/// `ACPI_MADT_TYPE_IO_APIC` and `sizeof(struct acpi_madt_io_apic)`.
const MADT_TYPE_IO_APIC: u8 = 1;
const MADT_IO_APIC_LENGTH: u8 = 12;
/// `ACPI_MADT_TYPE_LOCAL_APIC` and `ACPI_MADT_TYPE_LOCAL_X2APIC`, with their entries' sizes, and
/// `ACPI_MADT_ENABLED`.
const MADT_TYPE_LOCAL_APIC: u8 = 0;
const MADT_LOCAL_APIC_LENGTH: u8 = 8;
const MADT_TYPE_LOCAL_X2APIC: u8 = 9;
const MADT_LOCAL_X2APIC_LENGTH: u8 = 16;
const MADT_ENABLED: u32 = 1;
/// `MAX_MADT_ENTRIES` and `MAX_APICS` with Debian's `CONFIG_NR_CPUS` (256): x2APIC entries
/// beyond them are ignored.
const MAX_MADT_ENTRIES: u32 = 512;
const MAX_APICS: u32 = 1024;
/// How many processor entries are kept (`NR_CPUS`).
pub const MAX_MADT_PROCESSORS: usize = 256;
/// Where the MADT's and the MCFG's entries start (header, then 8 bytes).
const SUBTABLES_OFFSET: u64 = 44;
/// `sizeof(struct acpi_mcfg_allocation)`.
const MCFG_ENTRY_LENGTH: u64 = 16;

/// One entry of ACPICA's root table list (`struct acpi_table_desc`): what
/// `acpi_tb_install_table` read from the table's header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcpiTable {
    /// The four-character signature ("FACP", "APIC", ...).
    pub signature: [u8; 4],
    /// Its physical address.
    pub address: u64,
    /// Its length in bytes, from its header.
    pub length: u32,
}

/// The circular byte sum ACPI checksums use (`acpi_tb_checksum`): zero for a good table.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |sum, &b| sum.wrapping_add(b))
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from(u32_at(b, off)) | u64::from(u32_at(b, off + 4)) << 32
}

/// tbxfroot.c `acpi_tb_validate_rsdp`: the signature, the checksum of the first 20 bytes and, for
/// revision 2 and later, of all 36.
pub fn validate_rsdp(rsdp: &[u8; 36]) -> bool {
    let (v1, v2) = RSDP_CHECKSUM_LENGTHS;
    &rsdp[..8] == RSDP_SIGNATURE
        && checksum(&rsdp[..v1]) == 0
        && (rsdp[15] < 2 || checksum(&rsdp[..v2]) == 0)
}

/// tbxfroot.c `acpi_tb_scan_memory_for_rsdp`: the first valid RSDP on a 16-byte boundary of
/// `[start, start + length)`.
fn scan_for_rsdp<R: Fn(u64, &mut [u8]) -> bool>(read: &R, start: u64, length: u64) -> Option<u64> {
    (start..start + length).step_by(RSDP_SCAN_STEP).find(|&at| {
        let mut rsdp = [0u8; 36];
        read(at, &mut rsdp) && validate_rsdp(&rsdp)
    })
}

/// tbxfroot.c `acpi_find_root_pointer`, which Xen's `acpi_os_get_root_pointer` uses on a BIOS
/// machine: the first KiB of the EBDA (its segment is the word at 0x40e, used when above 0x400),
/// then 0xe0000-0xfffff.
pub fn find_root_pointer<R: Fn(u64, &mut [u8]) -> bool>(read: &R) -> Option<u64> {
    let mut ptr = [0u8; 2];
    if !read(EBDA_PTR_LOCATION, &mut ptr) {
        return None;
    }
    let ebda = u64::from(u16::from_le_bytes(ptr)) << 4;
    if ebda > 0x400 {
        if let Some(at) = scan_for_rsdp(read, ebda, EBDA_WINDOW_SIZE) {
            return Some(at);
        }
    }
    scan_for_rsdp(read, HI_RSDP_WINDOW.0, HI_RSDP_WINDOW.1)
}

/// tbutils.c `acpi_tb_install_table`: the table at `address` as its header describes it, `None`
/// for a null address, an unreadable header or a signature other than the one `expected`.
fn install_table<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    address: u64,
    expected: Option<&[u8; 4]>,
) -> Option<AcpiTable> {
    if address == 0 {
        return None;
    }
    // The signature and the length: the FACS has them where every other table has them.
    let mut header = [0u8; 8];
    if !read(address, &mut header) {
        return None;
    }
    let mut signature = [0u8; 4];
    signature.copy_from_slice(&header[..4]);
    if expected.is_some_and(|sig| *sig != signature) {
        return None;
    }
    Some(AcpiTable {
        signature,
        address,
        length: u32_at(&header, 4),
    })
}

/// Reads the table's 4- or 8-byte entry `index` (RSDT or XSDT) after its header.
fn root_entry<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    table: u64,
    entry_size: u64,
    index: u64,
) -> Option<u64> {
    let at = table.checked_add(u64::from(HEADER_LENGTH) + index * entry_size)?;
    let mut b = [0u8; 8];
    let b = &mut b[..entry_size as usize];
    if !read(at, b) {
        return None;
    }
    Some(if entry_size == 8 {
        u64_at(b, 0)
    } else {
        u64::from(u32_at(b, 0))
    })
}

/// The length field of the header at `address`.
fn table_length<R: Fn(u64, &mut [u8]) -> bool>(read: &R, address: u64) -> Option<u32> {
    let mut header = [0u8; 8];
    read(address, &mut header).then(|| u32_at(&header, 4))
}

/// tbutils.c `acpi_tb_check_xsdt`: whether the XSDT has a null entry (ACPICA then uses the RSDT).
/// An XSDT shorter than a header is not "null" (`AE_INVALID_TABLE_LENGTH`): it is kept, and fails
/// later.
fn xsdt_has_null_entry<R: Fn(u64, &mut [u8]) -> bool>(read: &R, xsdt: u64) -> bool {
    let Some(length) = table_length(read, xsdt) else {
        return false;
    };
    let Some(count) = length.checked_sub(HEADER_LENGTH) else {
        return false;
    };
    (0..u64::from(count) / 8).any(|i| root_entry(read, xsdt, 8, i) == Some(0))
}

/// ACPICA's root table list as Xen builds it at boot: tbutils.c `acpi_tb_parse_root_table` (the
/// XSDT when the RSDP's revision is above 1 and it names one, unless the XSDT has a null entry;
/// else the RSDT; the root table's checksum is not enforced, `ACPI_CHECKSUM_ABORT` being FALSE),
/// each entry installed from its header, and for a FADT tbfadt.c `acpi_tb_parse_fadt`: the DSDT
/// and, unless the hardware is reduced, the FACS, from the 64-bit fields or, where those are zero
/// or the FADT too short to hold them, the 32-bit ones (`acpi_tb_convert_fadt`). The DSDT and the
/// FACS come first, as in ACPICA's reserved slots 0 and 1; slots that stay empty and entries that
/// do not install are left out. More entries than the list holds are cut ("Truncating").
pub fn root_tables<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    rsdp: u64,
) -> FixedList<AcpiTable, MAX_ACPI_TABLES> {
    let mut out = FixedList::new();
    let mut r = [0u8; 36];
    if !read(rsdp, &mut r) {
        return out;
    }
    let (rsdt, xsdt) = (u64::from(u32_at(&r, 16)), u64_at(&r, 24));
    let (mut root, mut entry_size) = if r[15] > 1 && xsdt != 0 {
        (xsdt, 8)
    } else {
        (rsdt, 4)
    };
    if entry_size == 8 && xsdt_has_null_entry(read, xsdt) {
        (root, entry_size) = (rsdt, 4);
    }
    let Some(length) = table_length(read, root).filter(|&l| l >= HEADER_LENGTH) else {
        return out;
    };
    let count = u64::from(length - HEADER_LENGTH) / entry_size;
    let room = (MAX_ACPI_TABLES - 2) as u64;
    let mut slots: [Option<AcpiTable>; 2] = [None, None];
    let mut entries = FixedList::<AcpiTable, MAX_ACPI_TABLES>::new();
    for i in 0..count.min(room) {
        let Some(table) =
            root_entry(read, root, entry_size, i).and_then(|a| install_table(read, a, None))
        else {
            continue;
        };
        entries.push(table);
        if &table.signature == b"FACP" {
            parse_fadt(read, &table, &mut slots);
        }
    }
    for t in slots.into_iter().flatten().chain(entries.iter()) {
        out.push(t);
    }
    out
}

/// tbfadt.c `acpi_tb_parse_fadt` and `acpi_tb_create_local_fadt`: the FADT copied (zero-extended
/// to Xen's `struct acpi_table_fadt`, 268 bytes) to find the DSDT and the FACS.
fn parse_fadt<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    fadt: &AcpiTable,
    slots: &mut [Option<AcpiTable>; 2],
) {
    let mut local = [0u8; 268];
    let len = (fadt.length as usize).min(local.len());
    if !read(fadt.address, &mut local[..len]) {
        return;
    }
    let reduced = u32_at(&local, 112) & FADT_HW_REDUCED != 0;
    let pick = |x: usize, legacy: usize| match u64_at(&local, x) {
        0 => u64::from(u32_at(&local, legacy)),
        a => a,
    };
    slots[0] = install_table(read, pick(140, 40), Some(b"DSDT"));
    if !reduced {
        slots[1] = install_table(read, pick(132, 36), Some(b"FACS"));
    }
}

/// The first table with this signature in the list (`acpi_get_table(sig, 1, ...)`).
pub fn find_table(tables: &[AcpiTable], signature: &[u8; 4]) -> Option<AcpiTable> {
    tables.iter().copied().find(|t| &t.signature == signature)
}

/// Reads `buf.len()` bytes of `table` from offset `off`; `false` past the table's length.
fn read_at<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    table: &AcpiTable,
    off: u64,
    buf: &mut [u8],
) -> bool {
    off.checked_add(buf.len() as u64)
        .is_some_and(|end| end <= u64::from(table.length))
        && table
            .address
            .checked_add(off)
            .is_some_and(|at| read(at, buf))
}

/// The IO-APICs' register addresses from the MADT, as Xen registers them: boot.c
/// `acpi_parse_ioapic` for each `ACPI_MADT_TYPE_IO_APIC` entry (12 bytes; a shorter one is a bad
/// entry) and mpparse.c `mp_register_ioapic` (a zero address is skipped, "Bogus (zero) I/O APIC
/// address"). Xen's PVH dom0 has one emulated IO-APIC at each of these (vioapic.c
/// `vioapic_init`, `mp_ioapics[i].mpc_apicaddr`). The walk stops at an entry of length 0.
pub fn madt_ioapics<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    madt: &AcpiTable,
) -> FixedList<u64, MAX_IO_APICS> {
    let mut out = FixedList::new();
    let mut off = SUBTABLES_OFFSET;
    let mut head = [0u8; 2];
    while read_at(read, madt, off, &mut head) && head[1] != 0 {
        if head[0] == MADT_TYPE_IO_APIC && head[1] >= MADT_IO_APIC_LENGTH {
            let mut entry = [0u8; MADT_IO_APIC_LENGTH as usize];
            if read_at(read, madt, off, &mut entry) {
                let address = u32_at(&entry, 4);
                if address != 0 {
                    out.push(u64::from(address));
                }
            }
        }
        off += u64::from(head[1]);
    }
    out
}

/// An enabled processor of the MADT: its ACPI processor id (UID) and local APIC id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadtProcessor {
    /// The ACPI processor id (`processor_id` of a local APIC entry, `uid` of an x2APIC one).
    pub acpi_id: u32,
    /// The local APIC id.
    pub apic_id: u32,
}

/// The MADT's enabled processors in the order Xen registers them (boot.c
/// `acpi_parse_madt_lapic_entries`): the x2APIC entries first (`acpi_parse_x2apic`, which skips
/// an APIC id of `MAX_APICS` or more and a UID of `MAX_MADT_ENTRIES` or more), then the local
/// APIC entries (`acpi_parse_lapic`). Disabled entries and entries shorter than their type's
/// size are skipped; the walk stops at an entry of length 0.
pub fn madt_processors<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    madt: &AcpiTable,
) -> FixedList<MadtProcessor, MAX_MADT_PROCESSORS> {
    let mut out = FixedList::new();
    for wanted in [MADT_TYPE_LOCAL_X2APIC, MADT_TYPE_LOCAL_APIC] {
        let mut off = SUBTABLES_OFFSET;
        let mut head = [0u8; 2];
        while read_at(read, madt, off, &mut head) && head[1] != 0 {
            let mut e = [0u8; MADT_LOCAL_X2APIC_LENGTH as usize];
            let found = match head[0] {
                t if t != wanted => None,
                MADT_TYPE_LOCAL_X2APIC if head[1] >= MADT_LOCAL_X2APIC_LENGTH => {
                    read_at(read, madt, off, &mut e).then(|| {
                        let (apic_id, flags, uid) = (u32_at(&e, 4), u32_at(&e, 8), u32_at(&e, 12));
                        (flags & MADT_ENABLED != 0 && apic_id < MAX_APICS && uid < MAX_MADT_ENTRIES)
                            .then_some(MadtProcessor {
                                acpi_id: uid,
                                apic_id,
                            })
                    })
                }
                MADT_TYPE_LOCAL_APIC if head[1] >= MADT_LOCAL_APIC_LENGTH => {
                    let e = &mut e[..MADT_LOCAL_APIC_LENGTH as usize];
                    read_at(read, madt, off, e).then(|| {
                        (u32_at(e, 4) & MADT_ENABLED != 0).then_some(MadtProcessor {
                            acpi_id: e[2].into(),
                            apic_id: e[3].into(),
                        })
                    })
                }
                _ => None,
            };
            if let Some(Some(p)) = found {
                out.push(p);
            }
            off += u64::from(head[1]);
        }
    }
    out
}

/// lib.c `acpi_get_processor_id`: the lowest ACPI id whose entry in `x86_acpiid_to_apicid` (the
/// APIC id of the last registered processor with that ACPI id) is `apic_id`; `None` if there is
/// none (Xen's `INVALID_ACPIID`).
pub fn acpi_processor_id(processors: &[MadtProcessor], apic_id: u32) -> Option<u32> {
    processors
        .iter()
        .map(|p| p.acpi_id)
        .filter(|&acpi_id| {
            processors
                .iter()
                .rev()
                .find(|q| q.acpi_id == acpi_id)
                .is_some_and(|q| q.apic_id == apic_id)
        })
        .min()
}

/// A PCI segment's memory-mapped configuration space for buses `start_bus..=end_bus`, from an
/// MCFG entry (`struct acpi_mcfg_allocation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MmcfgRegion {
    /// The entry's base address (bus 0 of the segment).
    pub address: u64,
    /// PCI segment group.
    pub segment: u16,
    /// First bus.
    pub start_bus: u8,
    /// Last bus.
    pub end_bus: u8,
}

impl MmcfgRegion {
    /// `[start, end)` of the buses' configuration space, as vpci.c
    /// `register_vpci_mmcfg_handler` records it: `addr + (start_bus << 20)` for
    /// `(end_bus - start_bus + 1) << 20` bytes.
    pub fn range(&self) -> (u64, u64) {
        let start = self.address.saturating_add(u64::from(self.start_bus) << 20);
        let buses = u64::from(self.end_bus.saturating_sub(self.start_bus)) + 1;
        (start, start.saturating_add(buses << 20))
    }
}

/// acpi_mmcfg.c `acpi_parse_mcfg`: the MCFG's entries, `(length - 44) / 16` of them. (Xen then
/// drops the whole table for an entry above 4 GiB from a BIOS older than 2010, which needs DMI,
/// and `pci_mmcfg_reject_broken` may drop it later; every entry is kept here.)
pub fn mcfg_regions<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    mcfg: &AcpiTable,
) -> FixedList<MmcfgRegion, MAX_MMCFG_REGIONS> {
    let mut out = FixedList::new();
    let count = u64::from(mcfg.length).saturating_sub(SUBTABLES_OFFSET) / MCFG_ENTRY_LENGTH;
    for i in 0..count {
        let mut e = [0u8; MCFG_ENTRY_LENGTH as usize];
        if !read_at(read, mcfg, SUBTABLES_OFFSET + i * MCFG_ENTRY_LENGTH, &mut e) {
            break;
        }
        out.push(MmcfgRegion {
            address: u64_at(&e, 0),
            segment: u16_at(&e, 8),
            start_bus: e[10],
            end_bus: e[11],
        });
    }
    out
}
