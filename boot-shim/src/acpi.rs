//! The host's ACPI tables as Xen 4.17 finds them at boot, for building dom0: where the RSDP is,
//! the root table list, the MADT's entries (IO-APICs, interrupt source overrides, NMI sources,
//! local APIC NMIs) and the MCFG's configuration-space regions. Xen reads them with its copy of
//! ACPICA (xen/drivers/acpi/tables/) and its own parsers (xen/arch/x86/acpi/boot.c,
//! xen/arch/x86/x86_64/acpi_mmcfg.c).
//!
//! rust-osdev's `acpi` crate reads what it reads as ACPICA does: the root table's entries
//! (`AcpiTables::from_rsdt`, `table_entries`), the MADT's entries (`Madt::entries`) and the
//! MCFG's (`Mcfg::entries`). Four parts stay by hand because the crate reads them differently
//! from Xen (README, "Dependencies"): the RSDP scan (`Rsdp::search_for_on_bios` searches the BIOS
//! area before the EBDA, guesses an EBDA Xen would not search, skips an RSDP whose OEM ID is not
//! UTF-8, and sums a revision-2 RSDP only as a whole), the choice of the RSDT when the XSDT has a
//! null entry (`acpi_tb_check_xsdt`, which the crate lacks), the FADT's DSDT and FACS addresses
//! (the crate reads the 64-bit fields only from FADT revision 2 on; ACPICA's
//! `acpi_tb_convert_fadt` whenever the table is long enough), and table headers (the crate's
//! `Signature` gives its bytes only through `as_str`, which panics on non-UTF-8).
//!
//! Memory is read through the caller's `read(paddr, buf) -> bool` (the hypervisor's direct map;
//! byte buffers in the host tests); a read that fails is a table that is not there. The crate is
//! handed copies ([`CopyHandler`]), never the firmware's memory, and each length it reads by is
//! checked first: a hostile table can make a list short, never make this code panic, loop or read
//! outside what it copied.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::mem::size_of;
use core::ptr::NonNull;

use ::acpi::sdt::madt::{
    GicInterruptTranslationServiceEntry, GicMsiFrameEntry, GicRedistributorEntry, GiccEntry,
    GicdEntry, InterruptSourceOverrideEntry, IoApicEntry, IoSapicEntry,
    LocalApicAddressOverrideEntry, LocalApicEntry, LocalApicNmiEntry, LocalSapicEntry,
    LocalX2ApicEntry, Madt, MadtEntry, MultiprocessorWakeupEntry, NmiSourceEntry,
    PlatformInterruptSourceEntry, X2ApicNmiEntry,
};
use ::acpi::sdt::mcfg::{Mcfg, McfgEntry};
use ::acpi::{AcpiTables, Handler, PciAddress, PhysicalMapping, RawPhysicalMapping};

use crate::options::FixedList;

/// `ACPI_SIG_RSDP`.
pub const RSDP_SIGNATURE: &[u8; 8] = b"RSD PTR ";
/// `sizeof(struct acpi_table_rsdp)`: the ACPI 2.0 RSDP.
pub const RSDP_LENGTH: usize = 36;
// Where `acpi_find_root_pointer` looks (ACPICA's acconfig.h): the BIOS data area's word with the
// EBDA's segment (ACPI_EBDA_PTR_LOCATION), the EBDA's first KiB (ACPI_EBDA_WINDOW_SIZE), then
// 0xe0000-0xfffff (ACPI_HI_RSDP_WINDOW_BASE and _SIZE), every 16 bytes (ACPI_RSDP_SCAN_STEP);
// and what `acpi_tb_validate_rsdp` sums: the ACPI 1.0 part (ACPI_RSDP_CHECKSUM_LENGTH), then the
// whole ACPI 2.0 RSDP (ACPI_RSDP_XCHECKSUM_LENGTH).
const EBDA_PTR_LOCATION: u64 = 0x40e;
const EBDA_WINDOW_SIZE: u64 = 1024;
const HI_RSDP_WINDOW: (u64, u64) = (0xe0000, 0x20000);
const RSDP_SCAN_STEP: usize = 16;
/// `ACPI_RSDP_CHECKSUM_LENGTH` (also `ACPI_RSDP_REV0_SIZE`) and `ACPI_RSDP_XCHECKSUM_LENGTH`.
pub const RSDP_CHECKSUM_LENGTHS: (usize, usize) = (20, 36);
/// `sizeof(struct acpi_table_header)`.
pub const HEADER_LENGTH: u32 = 36;
/// `ACPI_MAX_TABLES` (xen/drivers/acpi/tables.c): the root table list Xen allocates, not resized
/// (`acpi_initialize_tables(NULL, ACPI_MAX_TABLES, 0)`); its first two slots are the DSDT's and
/// the FACS's.
pub const MAX_ACPI_TABLES: usize = 128;
/// `MAX_IO_APICS`.
pub const MAX_IO_APICS: usize = 128;
/// `ACPI_FADT_HW_REDUCED`: no FACS.
const FADT_HW_REDUCED: u32 = 1 << 20;
/// `sizeof(struct acpi_table_madt)`: where the MADT's entries start (header, local APIC address,
/// flags). The MCFG's start at the same offset (header, 8 reserved bytes).
pub const MADT_HEADER_LENGTH: u32 = 44;
/// `sizeof(struct acpi_subtable_header)`.
const SUBTABLE_HEADER_LENGTH: u32 = 2;
/// The most bytes of one table the crate is given: far above any real root table, MADT or MCFG.
/// A longer root table is read up to here (ACPICA keeps only its first `MAX_ACPI_TABLES - 2`
/// entries anyway); a longer MADT or MCFG is not read at all.
const MAP_LIMIT: usize = 1 << 20;
/// Zeroed bytes after each copy, at least the largest structure the crate views a copy as, so
/// that viewing a table shorter than its structure reads zeros inside the copy.
const MAP_SLACK: usize = 128;
const _: () = assert!(MAP_SLACK >= size_of::<Madt>() && MAP_SLACK >= size_of::<Mcfg>());
/// `ACPI_MADT_ENABLED`.
const MADT_ENABLED: u32 = 1;
/// `MAX_MADT_ENTRIES` and `MAX_APICS` with Debian's `CONFIG_NR_CPUS` (256): x2APIC entries
/// beyond them are ignored.
const MAX_MADT_ENTRIES: u32 = 512;
const MAX_APICS: u32 = 1024;
/// How many processor entries are kept (`NR_CPUS`).
pub const MAX_MADT_PROCESSORS: usize = 256;

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

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from(u32_at(b, off)) | u64::from(u32_at(b, off + 4)) << 32
}

// ----------------------------------------------------------------------------------------------
// The crate's view of memory: copies.

/// The `acpi` crate's [`Handler`] over the caller's `read`: a "mapping" is a fresh, 8-byte
/// aligned heap copy of `min(size, MAP_LIMIT)` bytes (zeros where `read` fails) followed by
/// `MAP_SLACK` zeroed bytes, freed when the crate unmaps it. The crate never sees the
/// firmware's memory, and a view of a structure longer than a short table stays inside the copy.
///
/// A copy shorter than asked for (past `MAP_LIMIT`) is only handed to `AcpiTables::from_rsdt`,
/// which counts the root table's entries by the length it was given (`region_length`); every
/// other view is of a table whose length was checked against `MAP_LIMIT` first.
#[derive(Clone, Copy)]
pub struct CopyHandler<'r> {
    read: &'r dyn Fn(u64, &mut [u8]) -> bool,
}

impl<'r> CopyHandler<'r> {
    /// A handler that copies through `read`.
    pub fn new(read: &'r dyn Fn(u64, &mut [u8]) -> bool) -> Self {
        CopyHandler { read }
    }

    /// The crate's view of the table at `address` as a `T`, `length` bytes long.
    #[allow(unsafe_code)]
    fn map<T>(self, address: u64, length: usize) -> Option<PhysicalMapping<Self, T>> {
        let address = usize::try_from(address).ok()?;
        // SAFETY: `map_physical_region` below makes an owned copy of at least `size_of::<T>()`
        // initialised, 8-byte-aligned bytes (MAP_SLACK covers the types viewed here), whatever
        // `address` and `length` are: nothing at `address` is dereferenced.
        Some(unsafe { PhysicalMapping::new(address, length, self) })
    }
}

#[allow(unsafe_code)]
impl Handler for CopyHandler<'_> {
    unsafe fn map_physical_region<T>(
        &self,
        physical_address: usize,
        size: usize,
    ) -> RawPhysicalMapping<T> {
        let region = size.min(MAP_LIMIT);
        let mut bytes = vec![0u8; region];
        if !(self.read)(physical_address as u64, &mut bytes) {
            bytes.fill(0);
        }
        let mut words = vec![0u64; (region + MAP_SLACK) / 8 + 1].into_boxed_slice();
        for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            *word = u64::from_le_bytes(w);
        }
        let mapped = words.len() * 8;
        let virtual_start = NonNull::from(Box::leak(words)).cast::<T>();
        // SAFETY: `virtual_start` is a new heap allocation of `mapped` initialised bytes, aligned
        // to 8, that nothing else refers to; `region <= mapped`; `unmap_physical_region` frees it
        // with the same length.
        unsafe { RawPhysicalMapping::new(physical_address, virtual_start, region, mapped) }
    }

    unsafe fn unmap_physical_region<T>(&self, region: RawPhysicalMapping<T>) {
        // SAFETY: the crate unmaps each mapping once, when it is dropped; the pointer and length
        // are those of the `Box<[u64]>` that `map_physical_region` leaked, and no view of it
        // outlives the mapping.
        let words = unsafe {
            let start = region.virtual_start().cast::<u64>().as_ptr();
            Box::from_raw(core::ptr::slice_from_raw_parts_mut(
                start,
                region.mapped_length() / 8,
            ))
        };
        drop(words);
    }

    // Registers, ports, PCI and time are for the AML interpreter, which is not built (no `aml`
    // feature): never called. Reads give zero and writes are dropped.
    fn read_u8(&self, _: usize) -> u8 {
        0
    }
    fn read_u16(&self, _: usize) -> u16 {
        0
    }
    fn read_u32(&self, _: usize) -> u32 {
        0
    }
    fn read_u64(&self, _: usize) -> u64 {
        0
    }
    fn write_u8(&self, _: usize, _: u8) {}
    fn write_u16(&self, _: usize, _: u16) {}
    fn write_u32(&self, _: usize, _: u32) {}
    fn write_u64(&self, _: usize, _: u64) {}
    fn read_io_u8(&self, _: u16) -> u8 {
        0
    }
    fn read_io_u16(&self, _: u16) -> u16 {
        0
    }
    fn read_io_u32(&self, _: u16) -> u32 {
        0
    }
    fn write_io_u8(&self, _: u16, _: u8) {}
    fn write_io_u16(&self, _: u16, _: u16) {}
    fn write_io_u32(&self, _: u16, _: u32) {}
    fn read_pci_u8(&self, _: PciAddress, _: u16) -> u8 {
        0
    }
    fn read_pci_u16(&self, _: PciAddress, _: u16) -> u16 {
        0
    }
    fn read_pci_u32(&self, _: PciAddress, _: u16) -> u32 {
        0
    }
    fn write_pci_u8(&self, _: PciAddress, _: u16, _: u8) {}
    fn write_pci_u16(&self, _: PciAddress, _: u16, _: u16) {}
    fn write_pci_u32(&self, _: PciAddress, _: u16, _: u32) {}
    fn nanos_since_boot(&self) -> u64 {
        0
    }
    fn stall(&self, _: u64) {}
    fn sleep(&self, _: u64) {}
}

/// The root table's entries, `entry_size` bytes each (4: RSDT, 8: XSDT), as the crate reads
/// them, for a root table whose header says `length` (at least a header's). Unreadable: none.
#[allow(unsafe_code)]
fn root_entries<R: Fn(u64, &mut [u8]) -> bool>(read: &R, root: u64, entry_size: usize) -> Vec<u64> {
    let Some(root) = usize::try_from(root).ok() else {
        return Vec::new();
    };
    let handler = CopyHandler::new(read);
    // SAFETY: the handler copies (see `CopyHandler`); the crate reads the root table's length
    // from the copy of its header and its entries from a copy of that many bytes (at most
    // MAP_LIMIT, which it counts entries by), nothing at `root` itself.
    let Ok(tables) = (unsafe { AcpiTables::from_rsdt(handler, root, entry_size) }) else {
        return Vec::new();
    };
    tables.table_entries().map(|e| e as u64).collect()
}

// ----------------------------------------------------------------------------------------------
// The RSDP (by hand: the crate's scan is not ACPICA's).

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

/// The host RSDP's fields Xen uses (`struct acpi_table_rsdp`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rsdp {
    /// Where it is.
    pub address: u64,
    /// `oem_id`, which dom0's RSDP copies.
    pub oem_id: [u8; 6],
    /// `revision`: 0 for ACPI 1.0 (no XSDT field), 2 and later for ACPI 2.0+.
    pub revision: u8,
    /// `rsdt_physical_address`.
    pub rsdt: u64,
    /// `xsdt_physical_address`, meaningful from revision 2 (0 below it).
    pub xsdt: u64,
}

/// The RSDP at `address` (36 bytes read, as ACPICA maps `sizeof(struct acpi_table_rsdp)`); the
/// XSDT field only from revision 2 on, so an ACPI 1.0 RSDP's neighbouring bytes are not taken for
/// one. `None` when it cannot be read.
pub fn read_rsdp<R: Fn(u64, &mut [u8]) -> bool>(read: &R, address: u64) -> Option<Rsdp> {
    let mut r = [0u8; RSDP_LENGTH];
    if !read(address, &mut r) {
        return None;
    }
    let mut oem_id = [0u8; 6];
    oem_id.copy_from_slice(&r[9..15]);
    Some(Rsdp {
        address,
        oem_id,
        revision: r[15],
        rsdt: u64::from(u32_at(&r, 16)),
        xsdt: if r[15] > 1 { u64_at(&r, 24) } else { 0 },
    })
}

// ----------------------------------------------------------------------------------------------
// The root table list.

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

/// The length field of the header at `address`.
fn table_length<R: Fn(u64, &mut [u8]) -> bool>(read: &R, address: u64) -> Option<u32> {
    let mut header = [0u8; 8];
    read(address, &mut header).then(|| u32_at(&header, 4))
}

/// The 36-byte header (`struct acpi_table_header`) of the table at `address`, as Xen's
/// `acpi_os_map_memory(address, sizeof(*table))` reads it; `None` when it cannot be read.
pub fn table_header<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    address: u64,
) -> Option<[u8; HEADER_LENGTH as usize]> {
    let mut header = [0u8; HEADER_LENGTH as usize];
    read(address, &mut header).then_some(header)
}

/// tbutils.c `acpi_tb_check_xsdt`: whether the XSDT has a null entry (ACPICA then uses the RSDT).
/// An XSDT shorter than a header is not "null" (`AE_INVALID_TABLE_LENGTH`): it is kept, and fails
/// later.
fn xsdt_has_null_entry<R: Fn(u64, &mut [u8]) -> bool>(read: &R, xsdt: u64) -> bool {
    table_length(read, xsdt).is_some_and(|length| length >= HEADER_LENGTH)
        && root_entries(read, xsdt, 8).contains(&0)
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
    let Some(r) = read_rsdp(read, rsdp) else {
        return out;
    };
    let (mut root, mut entry_size) = if r.xsdt != 0 {
        (r.xsdt, 8)
    } else {
        (r.rsdt, 4)
    };
    if entry_size == 8 && xsdt_has_null_entry(read, root) {
        (root, entry_size) = (r.rsdt, 4);
    }
    if table_length(read, root).is_none_or(|l| l < HEADER_LENGTH) {
        return out;
    }
    let mut slots: [Option<AcpiTable>; 2] = [None, None];
    let mut entries = FixedList::<AcpiTable, MAX_ACPI_TABLES>::new();
    for address in root_entries(read, root, entry_size)
        .into_iter()
        .take(MAX_ACPI_TABLES - 2)
    {
        let Some(table) = install_table(read, address, None) else {
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

/// The header `pvh_setup_acpi_xsdt` copies into dom0's XSDT: the XSDT's when the RSDP's revision
/// is above 1 and it names one, else the RSDT's (upstream Xen; 4.17 reads the RSDP's XSDT field
/// whatever the revision, which an ACPI 1.0 RSDP does not have). `None` when it cannot be read
/// (Xen: "Unable to map XSDT").
pub fn root_table_header<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    rsdp: &Rsdp,
) -> Option<[u8; HEADER_LENGTH as usize]> {
    let root = if rsdp.revision > 1 && rsdp.xsdt != 0 {
        rsdp.xsdt
    } else {
        rsdp.rsdt
    };
    table_header(read, root)
}

// ----------------------------------------------------------------------------------------------
// The MADT.

/// An IO-APIC of the host's MADT as Xen registers it (boot.c `acpi_parse_ioapic`, mpparse.c
/// `mp_register_ioapic`): `mp_ioapics[i]`'s ID and address and `mp_ioapic_routing[i].gsi_base`,
/// which Xen's PVH dom0 gets as its emulated IO-APICs (vioapic.c `vioapic_init`) and finds in its
/// MADT (hvm/dom0_build.c `pvh_setup_acpi_madt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadtIoapic {
    /// The IO-APIC's ID (`mpc_apicid`: the MADT's, but for pre-xAPIC Intel parts, whose
    /// `io_apic_get_unique_id` is not modelled).
    pub id: u8,
    /// Its register block's physical address.
    pub address: u64,
    /// The first GSI it serves.
    pub gsi_base: u32,
}

/// An interrupt source override (`struct acpi_madt_interrupt_override`, MADT type 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadtIntSrcOverride {
    /// The bus (0: ISA).
    pub bus: u8,
    /// The bus-relative IRQ.
    pub source_irq: u8,
    /// The GSI it is wired to.
    pub gsi: u32,
    /// MPS INTI flags (polarity, trigger mode).
    pub flags: u16,
}

/// An NMI source (`struct acpi_madt_nmi_source`, MADT type 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadtNmiSource {
    /// MPS INTI flags.
    pub flags: u16,
    /// The GSI that is an NMI.
    pub gsi: u32,
}

/// A local APIC NMI (`struct acpi_madt_local_apic_nmi`, MADT type 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MadtLapicNmi {
    /// The ACPI processor ID (0xff: all processors).
    pub processor_id: u8,
    /// MPS INTI flags.
    pub flags: u16,
    /// The LINT pin (0 or 1).
    pub lint: u8,
}

/// What the host's MADT holds that Xen uses, in MADT order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostMadt {
    /// Its 36-byte header, which dom0's MADT copies (`madt->header = *table`).
    pub header: [u8; HEADER_LENGTH as usize],
    /// The local APIC address field (0 when the table is too short to have it).
    pub lapic_address: u32,
    /// The flags field (`ACPI_MADT_PCAT_COMPAT` ...).
    pub flags: u32,
    /// The IO-APICs, a zero address skipped ("Bogus (zero) I/O APIC address"), at most
    /// [`MAX_IO_APICS`] (Xen panics past them: "Max # of I/O APICs").
    pub ioapics: Vec<MadtIoapic>,
    /// The interrupt source overrides.
    pub overrides: Vec<MadtIntSrcOverride>,
    /// The NMI sources.
    pub nmi_sources: Vec<MadtNmiSource>,
    /// The local APIC NMIs.
    pub lapic_nmis: Vec<MadtLapicNmi>,
    /// The enabled x2APIC processors Xen registers (see [`madt_processors`]).
    pub x2apic_processors: Vec<MadtProcessor>,
    /// The enabled local APIC processors.
    pub lapic_processors: Vec<MadtProcessor>,
}

/// The size the crate's structure for MADT entry type `t` needs (2, a subtable header, for the
/// reserved and OEM types, which it steps over).
fn madt_entry_size(t: u8) -> usize {
    match t {
        0x0 => size_of::<LocalApicEntry>(),
        0x1 => size_of::<IoApicEntry>(),
        0x2 => size_of::<InterruptSourceOverrideEntry>(),
        0x3 => size_of::<NmiSourceEntry>(),
        0x4 => size_of::<LocalApicNmiEntry>(),
        0x5 => size_of::<LocalApicAddressOverrideEntry>(),
        0x6 => size_of::<IoSapicEntry>(),
        0x7 => size_of::<LocalSapicEntry>(),
        0x8 => size_of::<PlatformInterruptSourceEntry>(),
        0x9 => size_of::<LocalX2ApicEntry>(),
        0xa => size_of::<X2ApicNmiEntry>(),
        0xb => size_of::<GiccEntry>(),
        0xc => size_of::<GicdEntry>(),
        0xd => size_of::<GicMsiFrameEntry>(),
        0xe => size_of::<GicRedistributorEntry>(),
        0xf => size_of::<GicInterruptTranslationServiceEntry>(),
        0x10 => size_of::<MultiprocessorWakeupEntry>(),
        _ => SUBTABLE_HEADER_LENGTH as usize,
    }
}

/// How many entries of the crate's types (0 to 0x10) the walk of the MADT at `address` (`length`
/// bytes) reaches before it must stop, following tables.c `acpi_parse_entries`: entries are read
/// while a subtable header fits before the table's end (its strict `<`), a zero length stops the
/// walk ("Invalid zero length"), and so does an entry shorter than its structure or running past
/// the end (`BAD_MADT_ENTRY`, which fails the parse of the entry's type). The crate's iterator
/// is only ever advanced that many times: it would loop on a zero length, and read a short entry
/// past its end.
fn madt_walk_length<R: Fn(u64, &mut [u8]) -> bool>(read: &R, address: u64, length: u32) -> usize {
    let mut known = 0;
    let mut off = MADT_HEADER_LENGTH;
    let mut head = [0u8; 2];
    while off
        .checked_add(SUBTABLE_HEADER_LENGTH)
        .is_some_and(|end| end < length)
        && address
            .checked_add(u64::from(off))
            .is_some_and(|at| read(at, &mut head))
    {
        let [t, len] = head;
        let next = off + u32::from(len);
        if len == 0 || usize::from(len) < madt_entry_size(t) || next > length {
            break;
        }
        if t <= 0x10 {
            known += 1;
        }
        off = next;
    }
    known
}

/// The host MADT as Xen's boot.c reads it (`acpi_parse_madt`, then `acpi_table_parse_madt` for
/// `acpi_parse_ioapic`, `acpi_parse_int_src_ovr`, `acpi_parse_nmi_src` and
/// `acpi_parse_lapic_nmi`), through the crate's `Madt::entries`. The walk stops at the first
/// malformed entry (see `madt_walk_length`); Xen fails the parse of that entry's type there
/// (and, for the types it needs, then gives up ACPI: "Invalid BIOS MADT, disabling ACPI").
/// `None` when the header cannot be read; a table shorter than the MADT's fixed part, or longer
/// than this code reads, has a header and no entries.
pub fn parse_madt<R: Fn(u64, &mut [u8]) -> bool>(read: &R, madt: &AcpiTable) -> Option<HostMadt> {
    let header = table_header(read, madt.address)?;
    let mut out = HostMadt {
        header,
        lapic_address: 0,
        flags: 0,
        ioapics: Vec::new(),
        overrides: Vec::new(),
        nmi_sources: Vec::new(),
        lapic_nmis: Vec::new(),
        x2apic_processors: Vec::new(),
        lapic_processors: Vec::new(),
    };
    let length = madt.length;
    if length < MADT_HEADER_LENGTH || length as usize > MAP_LIMIT {
        return Some(out);
    }
    let known = madt_walk_length(read, madt.address, length);
    let mapping = CopyHandler::new(read).map::<Madt>(madt.address, length as usize)?;
    let table = mapping.get();
    // The copy is the table that was walked (firmware tables do not move), else nothing is read.
    if { table.header.length } != length {
        return Some(out);
    }
    out.lapic_address = table.local_apic_address;
    out.flags = table.flags;
    for entry in table.entries().take(known) {
        match entry {
            MadtEntry::IoApic(e) => {
                let address = u64::from(e.io_apic_address);
                if address != 0 && out.ioapics.len() < MAX_IO_APICS {
                    out.ioapics.push(MadtIoapic {
                        id: e.io_apic_id,
                        address,
                        gsi_base: e.global_system_interrupt_base,
                    });
                }
            }
            MadtEntry::InterruptSourceOverride(e) => out.overrides.push(MadtIntSrcOverride {
                bus: e.bus,
                source_irq: e.irq,
                gsi: e.global_system_interrupt,
                flags: e.flags,
            }),
            MadtEntry::NmiSource(e) => out.nmi_sources.push(MadtNmiSource {
                flags: e.flags,
                gsi: e.global_system_interrupt,
            }),
            MadtEntry::LocalApicNmi(e) => out.lapic_nmis.push(MadtLapicNmi {
                processor_id: e.processor_id,
                flags: e.flags,
                lint: e.nmi_line,
            }),
            MadtEntry::LocalX2Apic(e) => {
                let (apic_id, flags, uid) = (e.x2apic_id, e.flags, e.processor_uid);
                if flags & MADT_ENABLED != 0
                    && apic_id < MAX_APICS
                    && uid < MAX_MADT_ENTRIES
                    && out.x2apic_processors.len() < MAX_MADT_PROCESSORS
                {
                    out.x2apic_processors.push(MadtProcessor {
                        acpi_id: uid,
                        apic_id,
                    });
                }
            }
            MadtEntry::LocalApic(e)
                if { e.flags } & MADT_ENABLED != 0
                    && out.lapic_processors.len() < MAX_MADT_PROCESSORS =>
            {
                out.lapic_processors.push(MadtProcessor {
                    acpi_id: e.processor_id.into(),
                    apic_id: e.apic_id.into(),
                });
            }
            _ => {}
        }
    }
    Some(out)
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
/// APIC entries (`acpi_parse_lapic`). Disabled entries are skipped; the walk is
/// [`parse_madt`]'s, which stops at a malformed entry.
pub fn madt_processors<R: Fn(u64, &mut [u8]) -> bool>(
    read: &R,
    madt: &AcpiTable,
) -> FixedList<MadtProcessor, MAX_MADT_PROCESSORS> {
    let mut out = FixedList::new();
    if let Some(m) = parse_madt(read, madt) {
        for p in m.x2apic_processors.iter().chain(&m.lapic_processors) {
            out.push(*p);
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
// ----------------------------------------------------------------------------------------------
// The MCFG.

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

/// acpi_mmcfg.c `acpi_parse_mcfg`: the MCFG's entries, `(length - 44) / 16` of them, through the
/// crate's `Mcfg::entries`. (Xen then drops the whole table for an entry above 4 GiB from a BIOS
/// older than 2010, which needs DMI, and `pci_mmcfg_reject_broken` may drop it later; every entry
/// is kept here.) An MCFG longer than this code reads has none.
pub fn mcfg_regions<R: Fn(u64, &mut [u8]) -> bool>(read: &R, mcfg: &AcpiTable) -> Vec<MmcfgRegion> {
    let length = mcfg.length;
    if length < MADT_HEADER_LENGTH || length as usize > MAP_LIMIT {
        return Vec::new();
    }
    let Some(mapping) = CopyHandler::new(read).map::<Mcfg>(mcfg.address, length as usize) else {
        return Vec::new();
    };
    if { mapping.header.length } != length {
        return Vec::new();
    }
    mapping
        .entries()
        .iter()
        .map(|e: &McfgEntry| MmcfgRegion {
            address: e.base_address,
            segment: e.pci_segment_group,
            start_bus: e.bus_number_start,
            end_bus: e.bus_number_end,
        })
        .collect()
}
