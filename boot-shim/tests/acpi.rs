//! The host's ACPI tables as Xen 4.17's ACPICA and parsers read them (boot-shim/src/acpi.rs), over
//! a fake physical memory.

use boot_shim::acpi::*;
use proptest::prelude::*;

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
    body[..4].copy_from_slice(&0xfee0_0000u32.to_le_bytes());
    body[4] = 1; // PCAT_COMPAT
    for e in entries {
        body.extend_from_slice(e);
    }
    table(b"APIC", &body)
}

fn ioapic(id: u8, addr: u32, gsi_base: u32) -> Vec<u8> {
    let mut e = vec![1u8, 12, id, 0];
    e.extend_from_slice(&addr.to_le_bytes());
    e.extend_from_slice(&gsi_base.to_le_bytes());
    e
}

fn int_src_ovr(irq: u8, gsi: u32, flags: u16) -> Vec<u8> {
    let mut e = vec![2u8, 10, 0, irq];
    e.extend_from_slice(&gsi.to_le_bytes());
    e.extend_from_slice(&flags.to_le_bytes());
    e
}

const LAPIC: &[u8] = &[0, 8, 0, 0, 1, 0, 0, 0];

/// Puts `madt` at 0x5000 and parses it as listed with `length`.
fn parse(madt: &[u8], length: u32) -> HostMadt {
    let mut m = Mem::default();
    m.put(0x5000, madt);
    let got = parse_madt(&m.reader(), &t(b"APIC", 0x5000, length));
    got.unwrap()
}

/// boot.c acpi_parse_ioapic / mpparse.c mp_register_ioapic: type-1 entries of 12 bytes with their
/// ID, address and GSI base, in MADT order, a zero address skipped ("Bogus (zero) I/O APIC
/// address"); acpi_parse_int_src_ovr, acpi_parse_nmi_src and acpi_parse_lapic_nmi likewise;
/// other entries stepped over by their length. tables.c acpi_parse_entries: a zero length ends
/// the walk, and so does an entry shorter than its structure (BAD_MADT_ENTRY fails the parse).
#[test]
fn madt_entries_are_read_like_xen() {
    let nmi_src: &[u8] = &[3, 8, 5, 0, 9, 0, 0, 0];
    let lapic_nmi: &[u8] = &[4, 6, 0xff, 5, 0, 1];
    let oem: &[u8] = &[0x80, 4, 0xaa, 0xbb];
    let madt = madt_with(&[
        LAPIC,
        &ioapic(0, 0xfec0_0000, 0),
        &int_src_ovr(0, 2, 0),
        &ioapic(1, 0, 24),
        oem,
        &int_src_ovr(9, 9, 0xd),
        nmi_src,
        &ioapic(2, 0xfec0_1000, 24),
        lapic_nmi,
    ]);
    let got = parse(&madt, madt.len() as u32);
    assert_eq!(got.header[..], madt[..36]);
    assert_eq!((got.lapic_address, got.flags), (0xfee0_0000, 1));
    assert_eq!(
        got.ioapics,
        [
            MadtIoapic {
                id: 0,
                address: 0xfec0_0000,
                gsi_base: 0
            },
            MadtIoapic {
                id: 2,
                address: 0xfec0_1000,
                gsi_base: 24
            },
        ]
    );
    let ovr = |source_irq, gsi, flags| MadtIntSrcOverride {
        bus: 0,
        source_irq,
        gsi,
        flags,
    };
    assert_eq!(got.overrides, [ovr(0, 2, 0), ovr(9, 9, 0xd)]);
    assert_eq!(got.nmi_sources, [MadtNmiSource { flags: 5, gsi: 9 }]);
    assert_eq!(
        got.lapic_nmis,
        [MadtLapicNmi {
            processor_id: 0xff,
            flags: 5,
            lint: 1
        }]
    );

    // A short IO-APIC entry stops the walk (Xen: "Error parsing IO APIC entry").
    let short: &[u8] = &[1, 8, 0, 0, 0, 0, 0xc0, 0xfe];
    let madt = madt_with(&[
        &ioapic(0, 0xfec0_0000, 0),
        short,
        &ioapic(2, 0xfec0_1000, 24),
    ]);
    let got = parse(&madt, madt.len() as u32);
    assert_eq!(got.ioapics.len(), 1);
    // A zero length ends it: the crate's iterator would go round forever on it ("Invalid zero
    // length"), also on a reserved type it skips without yielding.
    for zero in [[2u8, 0], [0x42, 0]] {
        let madt = madt_with(&[
            &ioapic(0, 0xfec0_0000, 0),
            &zero,
            &ioapic(3, 0xfec0_2000, 0),
        ]);
        let got = parse(&madt, madt.len() as u32);
        assert_eq!(got.ioapics.len(), 1);
    }
    // An entry running past the table's length is not read.
    let madt = madt_with(&[&ioapic(0, 0xfec0_0000, 0)]);
    assert_eq!(parse(&madt, 44 + 6).ioapics.len(), 0);
    // A table too short for the MADT's fields: its header, nothing else.
    let got = parse(&madt, 40);
    assert_eq!((got.lapic_address, got.ioapics.len()), (0, 0));
    // A length the crate is not given (over 1 MiB): the header only, no read past the table.
    assert_eq!(parse(&madt, u32::MAX).ioapics.len(), 0);
    // No header: no MADT.
    assert_eq!(
        parse_madt(&Mem::default().reader(), &t(b"APIC", 0x5000, 56)),
        None
    );
}

/// At most MAX_IO_APICS IO-APICs are kept (mp_register_ioapic panics beyond them).
#[test]
fn madt_io_apics_stop_at_max_io_apics() {
    let entries: Vec<Vec<u8>> = (0..200u32)
        .map(|i| ioapic(i as u8, 0xfec0_0000 + (i << 12), i * 24))
        .collect();
    let refs: Vec<&[u8]> = entries.iter().map(|e| &e[..]).collect();
    let madt = madt_with(&refs);
    let got = parse(&madt, madt.len() as u32);
    assert_eq!(got.ioapics.len(), MAX_IO_APICS);
    assert_eq!(got.ioapics[127].gsi_base, 127 * 24);
}

/// tables.c acpi_parse_entries as a reference model: entries while a subtable header fits before
/// the end, stopping at a zero length or an entry shorter than its structure or past the end.
fn model_ioapics(body: &[u8], length: usize) -> Vec<(u8, u32, u32)> {
    let sizes = [
        8, 12, 10, 8, 6, 12, 16, 17, 16, 16, 12, 82, 24, 24, 16, 20, 16,
    ];
    let mut table = vec![0u8; 44];
    table.extend_from_slice(body);
    let mut out = Vec::new();
    let mut off = 44;
    while off + 2 < length {
        let (t, len) = (table[off], table[off + 1] as usize);
        let need = sizes.get(t as usize).copied().unwrap_or(2);
        if len == 0 || len < need || off + len > length {
            break;
        }
        if t == 1 {
            let e = &table[off..off + 12];
            let addr = u32::from_le_bytes(e[4..8].try_into().unwrap());
            if addr != 0 {
                out.push((e[2], addr, u32::from_le_bytes(e[8..12].try_into().unwrap())));
            }
        }
        off += len;
    }
    out
}

proptest! {
    /// Any MADT body, of any stated length: the parse ends, panics on nothing and finds the
    /// IO-APICs the reference walk finds.
    #[test]
    fn any_madt_parses_like_the_reference_walk(
        body in proptest::collection::vec(
            prop_oneof![Just(0u8), Just(1), Just(2), Just(12), Just(0x42), any::<u8>()],
            0..160,
        ),
        cut in 0usize..220,
    ) {
        let mut madt = table(b"APIC", &body);
        let length = (36 + cut).min(madt.len());
        madt[4..8].copy_from_slice(&(length as u32).to_le_bytes());
        let got = parse(&madt, length as u32);
        let ioapics: Vec<_> = got.ioapics.iter().map(|i| (i.id, i.address as u32, i.gsi_base)).collect();
        let want = if length >= 44 { model_ioapics(&madt[44..], length) } else { Vec::new() };
        prop_assert_eq!(ioapics, want);
    }
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
/// are ignored. A short entry (BAD_MADT_ENTRY) ends the walk there: Xen's parse of its type
/// fails at it (tables.c acpi_parse_entries), keeping what it registered before, and then gives
/// up ACPI ("Invalid BIOS MADT"); xen-rs keeps what came before it.
#[test]
fn madt_processors_are_registered_like_xen() {
    let madt = madt_with(&[
        &lapic(0, 0, 1),
        &lapic(1, 2, 0),
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

    let short = madt_with(&[
        &lapic(0, 0, 1),
        &[0, 6, 2, 4, 1, 0],
        &x2apic(0x100, 1, 7),
        &lapic(3, 6, 1),
    ]);
    m.put(0x5000, &short);
    let at = t(b"APIC", 0x5000, short.len() as u32);
    let got: Vec<_> = madt_processors(&m.reader(), &at)
        .iter()
        .map(|p| (p.acpi_id, p.apic_id))
        .collect();
    assert_eq!(got, [(0, 0)]);
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
    let got = mcfg_regions(&m.reader(), &t(b"MCFG", 0x6000, mcfg.len() as u32));
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

/// A root table whose length is absurd: ACPICA keeps its first ACPI_MAX_TABLES - 2 entries; here
/// it is read up to the crate's limit, without a panic or a read past what was copied, and the
/// entries that cannot be read are not installed.
#[test]
fn a_hostile_root_table_length_is_harmless() {
    let mut m = low_memory(0);
    let base = 0x1000_0000u64;
    let ssdt = base + 0x100;
    m.put(ssdt, &table(b"SSDT", &[]));
    let mut rsdt = root(b"RSDT", &[ssdt, ssdt], 4);
    rsdt[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    m.put(base + 0x1000, &rsdt);
    m.put(0xe0000, &rsdp(0, (base + 0x1000) as u32, 0));
    // The table's bytes past what memory holds cannot be read: nothing is installed.
    assert_eq!(root_tables(&m.reader(), 0xe0000).len(), 0);
    // With readable (zero) memory behind it, the two entries are found and the zeros skipped.
    let mut long = rsdt.clone();
    long.resize(2 << 20, 0);
    m.put(base + 0x1000, &long);
    let tables: Vec<_> = root_tables(&m.reader(), 0xe0000).iter().collect();
    assert_eq!(tables, [t(b"SSDT", ssdt, 36), t(b"SSDT", ssdt, 36)]);
}

/// The RSDP's fields (struct acpi_table_rsdp), and the header hvm/dom0_build.c
/// pvh_setup_acpi_xsdt copies into dom0's XSDT: upstream Xen's "rsdp->revision > 1 &&
/// rsdp->xsdt_physical_address" picks the XSDT, else the RSDT (an ACPI 1.0 RSDP has no XSDT
/// field: the bytes after it are not one).
#[test]
fn the_rsdp_and_the_root_header_dom0_copies() {
    let mut m = low_memory(0);
    let (rsdt, xsdt) = (0x7000_0000u64, 0x7000_1000u64);
    m.put(rsdt, &root(b"RSDT", &[], 4));
    m.put(xsdt, &root(b"XSDT", &[], 8));
    // Revision 0, with what would be an XSDT address after it.
    m.put(0xe0000, &rsdp(0, rsdt as u32, xsdt));
    let r = read_rsdp(&m.reader(), 0xe0000).unwrap();
    assert_eq!(
        r,
        Rsdp {
            address: 0xe0000,
            oem_id: *b"BOCHS ",
            revision: 0,
            rsdt,
            xsdt: 0
        }
    );
    assert_eq!(&root_table_header(&m.reader(), &r).unwrap()[..4], b"RSDT");
    // Revision 2 with an XSDT: the XSDT's header; without one, the RSDT's.
    m.put(0xe0000, &rsdp(2, rsdt as u32, xsdt));
    let r = read_rsdp(&m.reader(), 0xe0000).unwrap();
    assert_eq!((r.revision, r.xsdt), (2, xsdt));
    let header = root_table_header(&m.reader(), &r).unwrap();
    assert_eq!(&header[..4], b"XSDT");
    assert_eq!(header[..], root(b"XSDT", &[], 8)[..36]);
    m.put(0xe0000, &rsdp(2, rsdt as u32, 0));
    let r = read_rsdp(&m.reader(), 0xe0000).unwrap();
    assert_eq!(&root_table_header(&m.reader(), &r).unwrap()[..4], b"RSDT");
    // Nothing there: nothing read.
    assert_eq!(read_rsdp(&Mem::default().reader(), 0xe0000), None);
}
