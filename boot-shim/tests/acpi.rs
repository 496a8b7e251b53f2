//! The host's ACPI tables as Xen 4.17's ACPICA and parsers read them (boot-shim/src/acpi.rs), over
//! a fake physical memory.

use boot_shim::acpi::*;

/// Physical memory: a few regions, every other address unreadable.
#[derive(Default)]
struct Mem(Vec<(u64, Vec<u8>)>);

impl Mem {
    fn put(&mut self, at: u64, bytes: &[u8]) {
        for (base, data) in &mut self.0 {
            let off = at.wrapping_sub(*base) as usize;
            if at >= *base && off + bytes.len() <= data.len() {
                data[off..off + bytes.len()].copy_from_slice(bytes);
                return;
            }
        }
        self.0.push((at, bytes.to_vec()));
    }

    fn read(&self, at: u64, buf: &mut [u8]) -> bool {
        self.0.iter().any(|(base, data)| {
            let off = at.wrapping_sub(*base) as usize;
            let ok = at >= *base && off + buf.len() <= data.len();
            if ok {
                buf.copy_from_slice(&data[off..off + buf.len()]);
            }
            ok
        })
    }

    fn reader(&self) -> impl Fn(u64, &mut [u8]) -> bool + '_ {
        |at, buf| self.read(at, buf)
    }
}

/// A BIOS machine's first MiB, zeroed, with the EBDA segment word at 0x40e.
fn low_memory(ebda_segment: u16) -> Mem {
    let mut m = Mem(vec![(0, vec![0; 0x10_0000 + 64])]);
    m.put(0x40e, &ebda_segment.to_le_bytes());
    m
}

fn fix_checksum(bytes: &mut [u8], at: usize) {
    bytes[at] = 0;
    bytes[at] = 0u8.wrapping_sub(checksum(bytes));
}

fn rsdp(revision: u8, rsdt: u32, xsdt: u64) -> [u8; 36] {
    let mut r = [0u8; 36];
    r[..8].copy_from_slice(RSDP_SIGNATURE);
    r[9..15].copy_from_slice(b"BOCHS ");
    r[15] = revision;
    r[16..20].copy_from_slice(&rsdt.to_le_bytes());
    r[20..24].copy_from_slice(&36u32.to_le_bytes());
    r[24..32].copy_from_slice(&xsdt.to_le_bytes());
    fix_checksum(&mut r[..20], 8);
    fix_checksum(&mut r, 32);
    r
}

/// A table: header with `sig` and the length, then `body`, checksummed.
fn table(sig: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut t = vec![0u8; 36];
    t[..4].copy_from_slice(sig);
    let len = (36 + body.len()) as u32;
    t[4..8].copy_from_slice(&len.to_le_bytes());
    t.extend_from_slice(body);
    fix_checksum(&mut t, 9);
    t
}

fn root(sig: &[u8; 4], entries: &[u64], size: usize) -> Vec<u8> {
    let body: Vec<u8> = entries
        .iter()
        .flat_map(|e| e.to_le_bytes()[..size].to_vec())
        .collect();
    table(sig, &body)
}

/// A FADT of `length` bytes with the 32-bit FACS/DSDT and, if it is long enough, the 64-bit ones.
fn fadt(length: usize, facs: u32, dsdt: u32, xfacs: u64, xdsdt: u64, flags: u32) -> Vec<u8> {
    let mut body = vec![0u8; length - 36];
    body[0..4].copy_from_slice(&facs.to_le_bytes());
    body[4..8].copy_from_slice(&dsdt.to_le_bytes());
    body[76..80].copy_from_slice(&flags.to_le_bytes());
    if length >= 148 {
        body[96..104].copy_from_slice(&xfacs.to_le_bytes());
        body[104..112].copy_from_slice(&xdsdt.to_le_bytes());
    }
    table(b"FACP", &body)
}

fn facs() -> Vec<u8> {
    let mut f = vec![0u8; 64];
    f[..4].copy_from_slice(b"FACS");
    f[4..8].copy_from_slice(&64u32.to_le_bytes());
    f
}

fn t(sig: &[u8; 4], address: u64, length: u32) -> AcpiTable {
    AcpiTable {
        signature: *sig,
        address,
        length,
    }
}

/// tbxfroot.c acpi_find_root_pointer: the EBDA's first KiB first, then 0xe0000-0xfffff, on
/// 16-byte boundaries; acpi_tb_validate_rsdp: signature, 20-byte checksum, and the 36-byte one
/// from revision 2.
#[test]
fn the_rsdp_is_found_where_acpica_looks() {
    let good = rsdp(0, 0x1234, 0);
    // In the EBDA (segment 0x9fc0) and in the F segment: the EBDA's wins.
    let mut m = low_memory(0x9fc0);
    m.put(0x9fc00 + 0x40, &good);
    m.put(0xf59d0, &good);
    assert_eq!(find_root_pointer(&m.reader()), Some(0x9fc40));
    // An EBDA pointer of 0x400 or below is no EBDA.
    let mut m = low_memory(0x40);
    m.put(0x400 + 0x40, &good);
    m.put(0xf59d0, &good);
    assert_eq!(find_root_pointer(&m.reader()), Some(0xf59d0));
    // Only the first KiB of the EBDA is searched.
    let mut m = low_memory(0x9fc0);
    m.put(0x9fc00 + 0x400, &good);
    assert_eq!(find_root_pointer(&m.reader()), None);
    // Off a 16-byte boundary: not found.
    let mut m = low_memory(0);
    m.put(0xf59d8, &good);
    assert_eq!(find_root_pointer(&m.reader()), None);
    // A bad checksum is skipped ("the valid RSDP has a valid checksum").
    let mut bad = good;
    bad[19] ^= 1;
    let mut m = low_memory(0);
    m.put(0xe0000, &bad);
    m.put(0xe0010, &good);
    assert_eq!(find_root_pointer(&m.reader()), Some(0xe0010));
    // Revision 2 also needs the extended checksum; revision 0 does not.
    let mut v2 = rsdp(2, 0x1234, 0x5678);
    v2[33] ^= 1;
    let mut v0 = rsdp(0, 0x1234, 0);
    v0[33] ^= 1;
    assert!(!validate_rsdp(&v2));
    assert!(validate_rsdp(&v0));
    // No memory at 0x40e: nothing.
    assert_eq!(find_root_pointer(&Mem::default().reader()), None);
}

/// A QEMU-like set: RSDP r0 -> RSDT -> FACP (-> DSDT, FACS), APIC, HPET.
fn qemu_tables() -> (Mem, u64) {
    let mut m = low_memory(0x9fc0);
    let base = 0x3ffe_0000u64;
    let (dsdt, facs_at, fadt_at, madt, hpet, rsdt) = (
        base + 0x40,
        base,
        base + 0x1000,
        base + 0x1100,
        base + 0x1200,
        base + 0x1ad8,
    );
    m.put(base, &vec![0u8; 0x2000]);
    m.put(dsdt, &table(b"DSDT", &[0xaa; 100]));
    m.put(facs_at, &facs());
    m.put(fadt_at, &fadt(116, facs_at as u32, dsdt as u32, 0, 0, 0));
    m.put(madt, &table(b"APIC", &[0; 8]));
    m.put(hpet, &table(b"HPET", &[0; 20]));
    m.put(rsdt, &root(b"RSDT", &[fadt_at, madt, hpet], 4));
    m.put(0xf59d0, &rsdp(0, rsdt as u32, 0));
    (m, base)
}

/// tbutils.c acpi_tb_parse_root_table and tbfadt.c acpi_tb_parse_fadt: the DSDT and FACS in
/// slots 0 and 1, then the RSDT's entries in order, each with its header's signature and length.
#[test]
fn the_root_table_list_is_built_as_acpica_builds_it() {
    let (m, base) = qemu_tables();
    let rsdp = find_root_pointer(&m.reader()).unwrap();
    let tables: Vec<_> = root_tables(&m.reader(), rsdp).iter().collect();
    assert_eq!(
        tables,
        [
            t(b"DSDT", base + 0x40, 136),
            t(b"FACS", base, 64),
            t(b"FACP", base + 0x1000, 116),
            t(b"APIC", base + 0x1100, 44),
            t(b"HPET", base + 0x1200, 56),
        ]
    );
    assert_eq!(find_table(&tables, b"APIC"), Some(tables[3]));
    assert_eq!(find_table(&tables, b"MCFG"), None);
}

/// The XSDT when the RSDP is revision 2 and names one; the RSDT when the XSDT has a null entry
/// ("BIOS XSDT has NULL entry, using RSDT"); the FADT's 64-bit fields first, the 32-bit ones
/// where those are zero; no FACS for reduced hardware; a DSDT pointer to another signature
/// installs nothing. A bad root checksum is only a warning in ACPICA.
#[test]
fn xsdt_rsdt_and_fadt_fields_are_chosen_like_acpica() {
    let mut m = low_memory(0);
    let base = 0x7000_0000u64;
    m.put(base, &vec![0u8; 0x4000]);
    let (dsdt32, dsdt64, facs32) = (base + 0x100, base + 0x200, base + 0x300);
    m.put(dsdt32, &table(b"DSDT", &[]));
    m.put(dsdt64, &table(b"DSDT", &[1]));
    m.put(facs32, &facs());
    let fadt_at = base + 0x1000;
    m.put(
        fadt_at,
        &fadt(244, facs32 as u32, dsdt32 as u32, 0, dsdt64, 0),
    );
    let ssdt = base + 0x2000;
    m.put(ssdt, &table(b"SSDT", &[]));
    let (xsdt, rsdt) = (base + 0x3000, base + 0x3800);
    let mut x = root(b"XSDT", &[fadt_at, ssdt], 8);
    x[9] ^= 0x55; // a wrong checksum
    m.put(xsdt, &x);
    m.put(rsdt, &root(b"RSDT", &[ssdt], 4));
    m.put(0xe0000, &rsdp(2, rsdt as u32, xsdt));
    let tables: Vec<_> = root_tables(&m.reader(), 0xe0000).iter().collect();
    assert_eq!(
        tables,
        [
            t(b"DSDT", dsdt64, 37),
            t(b"FACS", facs32, 64),
            t(b"FACP", fadt_at, 244),
            t(b"SSDT", ssdt, 36),
        ]
    );
    // A null XSDT entry: the RSDT is used.
    m.put(xsdt, &root(b"XSDT", &[fadt_at, 0], 8));
    let tables: Vec<_> = root_tables(&m.reader(), 0xe0000).iter().collect();
    assert_eq!(tables, [t(b"SSDT", ssdt, 36)]);
    // Revision 0 ignores the XSDT field.
    m.put(xsdt, &root(b"XSDT", &[fadt_at, ssdt], 8));
    m.put(0xe0000, &rsdp(0, rsdt as u32, xsdt));
    assert_eq!(root_tables(&m.reader(), 0xe0000).len(), 1);
    // Reduced hardware: no FACS. A DSDT pointer at the FACS: not installed.
    m.put(
        fadt_at,
        &fadt(244, facs32 as u32, facs32 as u32, 0, 0, 1 << 20),
    );
    m.put(0xe0000, &rsdp(2, rsdt as u32, xsdt));
    let tables: Vec<_> = root_tables(&m.reader(), 0xe0000).iter().collect();
    assert_eq!(tables, [t(b"FACP", fadt_at, 244), t(b"SSDT", ssdt, 36)]);
    // A root table shorter than a header, or no RSDP: no tables.
    m.put(xsdt, &[b'X', b'S', b'D', b'T', 8, 0, 0, 0]);
    assert_eq!(root_tables(&m.reader(), 0xe0000).len(), 0);
    assert_eq!(root_tables(&m.reader(), 0x1_0000_0000).len(), 0);
}

/// More root entries than ACPI_MAX_TABLES - 2 are cut (Xen does not resize its list).
#[test]
fn the_root_table_list_is_cut_at_its_size() {
    let mut m = low_memory(0);
    let base = 0x1000_0000u64;
    m.put(base, &vec![0u8; 0x10_0000]);
    let ssdts: Vec<u64> = (0..200).map(|i| base + 0x100 * i).collect();
    for &a in &ssdts {
        m.put(a, &table(b"SSDT", &[]));
    }
    let rsdt = base + 0x8_0000;
    m.put(rsdt, &root(b"RSDT", &ssdts, 4));
    m.put(0xe0000, &rsdp(0, rsdt as u32, 0));
    let tables = root_tables(&m.reader(), 0xe0000);
    assert_eq!(tables.len(), MAX_ACPI_TABLES - 2);
    assert_eq!(tables.get(0), Some(t(b"SSDT", base, 36)));
}

fn madt_with(entries: &[&[u8]]) -> Vec<u8> {
    let mut body = vec![0u8; 8];
    for e in entries {
        body.extend_from_slice(e);
    }
    table(b"APIC", &body)
}

/// boot.c acpi_parse_ioapic / mpparse.c mp_register_ioapic: type-1 entries of 12 bytes, a zero
/// address skipped; other entries stepped over by their length; a zero length ends the walk.
#[test]
fn madt_io_apics_are_registered_like_xen() {
    let lapic: &[u8] = &[0, 8, 0, 0, 1, 0, 0, 0];
    let ioapic = |id: u8, addr: u32| {
        let mut e = vec![1u8, 12, id, 0];
        e.extend_from_slice(&addr.to_le_bytes());
        e.extend_from_slice(&0u32.to_le_bytes());
        e
    };
    let short: &[u8] = &[1, 8, 0, 0, 0, 0, 0xc0, 0xfe];
    let madt = madt_with(&[
        lapic,
        &ioapic(0, 0xfec0_0000),
        short,
        &ioapic(1, 0),
        &ioapic(2, 0xfec0_1000),
        &[2, 0],
        &ioapic(3, 0xfec0_2000),
    ]);
    let mut m = Mem::default();
    m.put(0x5000, &madt);
    let at = t(b"APIC", 0x5000, madt.len() as u32);
    let got: Vec<_> = madt_ioapics(&m.reader(), &at).iter().collect();
    assert_eq!(got, [0xfec0_0000, 0xfec0_1000]);
    // An entry running past the table's length is not read.
    let cut = t(b"APIC", 0x5000, 44 + 8 + 6);
    assert_eq!(madt_ioapics(&m.reader(), &cut).len(), 0);
}

fn lapic(acpi_id: u8, apic_id: u8, flags: u32) -> Vec<u8> {
    let mut e = vec![0u8, 8, acpi_id, apic_id];
    e.extend_from_slice(&flags.to_le_bytes());
    e
}

fn x2apic(apic_id: u32, flags: u32, uid: u32) -> Vec<u8> {
    let mut e = vec![9u8, 16, 0, 0];
    for w in [apic_id, flags, uid] {
        e.extend_from_slice(&w.to_le_bytes());
    }
    e
}

/// boot.c acpi_parse_madt_lapic_entries: x2APIC entries (acpi_parse_x2apic) are registered
/// before local APIC entries (acpi_parse_lapic); only enabled ones go into
/// x86_acpiid_to_apicid, x2APIC ids from MAX_APICS (1024) and UIDs from MAX_MADT_ENTRIES (512)
/// are ignored, short entries skipped.
#[test]
fn madt_processors_are_registered_like_xen() {
    let madt = madt_with(&[
        &lapic(0, 0, 1),
        &lapic(1, 2, 0),
        &[0, 6, 2, 4, 1, 0],
        &x2apic(0x100, 1, 7),
        &lapic(3, 6, 1),
        &x2apic(1024, 1, 8),
        &x2apic(9, 1, 512),
        &x2apic(10, 0, 9),
        &[1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0],
    ]);
    let mut m = Mem::default();
    m.put(0x5000, &madt);
    let at = t(b"APIC", 0x5000, madt.len() as u32);
    let got: Vec<_> = madt_processors(&m.reader(), &at)
        .iter()
        .map(|p| (p.acpi_id, p.apic_id))
        .collect();
    assert_eq!(got, [(7, 0x100), (0, 0), (3, 6)]);
}

/// lib.c acpi_get_processor_id: the lowest ACPI id whose x86_acpiid_to_apicid entry (the last
/// registration wins) is the APIC id; INVALID_ACPIID (None) if none.
#[test]
fn acpi_processor_ids_are_looked_up_like_xen() {
    let p = |acpi_id, apic_id| MadtProcessor { acpi_id, apic_id };
    let procs = [p(5, 1), p(2, 1), p(2, 3), p(7, 3), p(0, 0)];
    assert_eq!(acpi_processor_id(&procs, 0), Some(0));
    // ACPI id 2 was re-registered for APIC 3: APIC 1 keeps only 5.
    assert_eq!(acpi_processor_id(&procs, 1), Some(5));
    assert_eq!(acpi_processor_id(&procs, 3), Some(2));
    assert_eq!(acpi_processor_id(&procs, 4), None);
    assert_eq!(acpi_processor_id(&[], 0), None);
}

/// acpi_mmcfg.c acpi_parse_mcfg: (length - 44) / 16 entries; vpci.c register_vpci_mmcfg_handler
/// covers the buses from start_bus to end_bus.
#[test]
fn mcfg_regions_cover_their_buses() {
    let mut body = vec![0u8; 8];
    for (addr, seg, s, e) in [
        (0xb000_0000u64, 0u16, 0u8, 255u8),
        (0xe000_0000, 1, 0x10, 0x1f),
    ] {
        body.extend_from_slice(&addr.to_le_bytes());
        body.extend_from_slice(&seg.to_le_bytes());
        body.extend_from_slice(&[s, e, 0, 0, 0, 0]);
    }
    body.extend_from_slice(&[0; 15]); // not a whole entry
    let mcfg = table(b"MCFG", &body);
    let mut m = Mem::default();
    m.put(0x6000, &mcfg);
    let got: Vec<_> = mcfg_regions(&m.reader(), &t(b"MCFG", 0x6000, mcfg.len() as u32))
        .iter()
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].range(), (0xb000_0000, 0xc000_0000));
    assert_eq!(
        got[1],
        MmcfgRegion {
            address: 0xe000_0000,
            segment: 1,
            start_bus: 0x10,
            end_bus: 0x1f
        }
    );
    assert_eq!(got[1].range(), (0xe100_0000, 0xe200_0000));
}
