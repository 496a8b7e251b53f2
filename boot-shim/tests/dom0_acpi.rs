//! dom0's ACPI tables and the memory-map rules they are placed by (boot-shim/src/dom0_acpi.rs),
//! each checked against the Xen function it follows in xen/arch/x86/hvm/dom0_build.c (Xen 4.17,
//! upstream where the module says so). The whole plan, with a kernel, is in tests/pvh_dom0.rs.

use boot_shim::acpi::{
    checksum, validate_rsdp, AcpiTable, MadtIntSrcOverride, MadtIoapic, Rsdp, RSDP_LENGTH,
};
use boot_shim::dom0_acpi::*;
use boot_shim::dom0_build::*;
use boot_shim::options::FixedList;

const MIB: u64 = 1 << 20;

fn e(addr: u64, size: u64, ty: u32) -> E820Entry {
    E820Entry {
        addr,
        size,
        r#type: ty,
    }
}

fn map(entries: &[E820Entry]) -> Dom0E820 {
    let mut m = FixedList::new();
    for x in entries {
        m.push(*x);
    }
    m
}

fn t(sig: &[u8; 4], address: u64, length: u32) -> AcpiTable {
    AcpiTable {
        signature: *sig,
        address,
        length,
    }
}

/// A host table header: signature, length, revision, then QEMU's OEM fields.
fn header(sig: &[u8; 4], length: u32, revision: u8) -> [u8; 36] {
    let mut h = [0u8; 36];
    h[..4].copy_from_slice(sig);
    h[4..8].copy_from_slice(&length.to_le_bytes());
    h[8] = revision;
    h[9] = 0x5a; // the host's checksum, which Xen starts from
    h[10..16].copy_from_slice(b"BOCHS ");
    h[16..24].copy_from_slice(b"BXPC    ");
    h[24..28].copy_from_slice(&1u32.to_le_bytes());
    h[28..32].copy_from_slice(b"BXPC");
    h[32..36].copy_from_slice(&1u32.to_le_bytes());
    h
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

const IOAPICS: [MadtIoapic; 2] = [
    MadtIoapic {
        id: 0,
        address: 0xfec0_0000,
        gsi_base: 0,
    },
    MadtIoapic {
        id: 9,
        address: 0xfec2_0000,
        gsi_base: 24,
    },
];

fn ovr(source_irq: u8, gsi: u32, flags: u16) -> MadtIntSrcOverride {
    MadtIntSrcOverride {
        bus: 0,
        source_irq,
        gsi,
        flags,
    }
}

/// pvh_setup_acpi_madt: the host MADT's header (OEM fields kept, revision at most 4, its own length
/// and checksum), local APIC address APIC_DEFAULT_PHYS_BASE, flags 0; one IO-APIC entry per
/// emulated IO-APIC with the host's ID, address and GSI base (vioapic_init for the hardware
/// domain), one enabled local x2APIC entry per vCPU (UID i, APIC ID 2i, as vlapic_reset sets it),
/// then the host's interrupt source overrides; no NMI source nor local APIC NMI entries (4.17,
/// "x86/pvh: do not forward MADT Local APIC NMI structures to dom0").
#[test]
fn dom0_madt_for_n_vcpus_and_the_host_ioapics() {
    let host = header(b"APIC", 0x78, 1);
    let overrides = [ovr(0, 2, 0), ovr(9, 9, 0xd)];
    for (ioapics, vcpus) in [(&IOAPICS[..1], 1u32), (&IOAPICS[..], 2), (&IOAPICS[..], 5)] {
        let size = madt_size(ioapics.len(), vcpus, overrides.len()) as usize;
        assert_eq!(size, 44 + 12 * ioapics.len() + 16 * vcpus as usize + 20);
        let mut m = vec![0xeeu8; size];
        build_madt(&host, ioapics, vcpus, &overrides, &mut m);
        assert_eq!(&m[..4], b"APIC");
        assert_eq!(u32_at(&m, 4) as usize, size);
        assert_eq!(m[8], 1, "revision");
        assert_eq!(checksum(&m), 0);
        assert_eq!(
            m[10..36],
            host[10..36],
            "OEM ID, table ID, revisions, creator"
        );
        assert_eq!(u32_at(&m, 36), 0xfee0_0000);
        assert_eq!(u32_at(&m, 40), 0, "flags: not the host's");
        let mut off = 44;
        for io in ioapics {
            assert_eq!(m[off..off + 4], [1, 12, io.id, 0]);
            assert_eq!(u32_at(&m, off + 4) as u64, io.address);
            assert_eq!(u32_at(&m, off + 8), io.gsi_base);
            off += 12;
        }
        for i in 0..vcpus {
            assert_eq!(m[off..off + 4], [9, 16, 0, 0]);
            assert_eq!(u32_at(&m, off + 4), 2 * i, "x2APIC ID");
            assert_eq!(u32_at(&m, off + 8), 1, "ACPI_MADT_ENABLED");
            assert_eq!(u32_at(&m, off + 12), i, "UID");
            off += 16;
        }
        assert_eq!(m[off..off + 10], [2, 10, 0, 0, 2, 0, 0, 0, 0, 0]);
        assert_eq!(m[off + 10..off + 20], [2, 10, 0, 9, 9, 0, 0, 0, 0xd, 0]);
        assert_eq!(off + 20, size);
    }
    // "min_t(unsigned char, table->revision, 4)".
    let mut m = vec![0u8; madt_size(0, 1, 0) as usize];
    build_madt(&header(b"APIC", 0, 6), &[], 1, &[], &mut m);
    assert_eq!(m[8], 4);
    assert_eq!(checksum(&m), 0);
}

/// pvh_setup_acpi_xsdt: the host root table's header, signature "XSDT" (upstream: "In case the
/// header is an RSDT copy, unconditionally ensure it has an XSDT sig"), revision 1, its own length
/// and checksum; dom0's MADT first, then the allowed tables.
#[test]
fn dom0_xsdt_bytes() {
    let rsdt = header(b"RSDT", 0x34, 1);
    let mut x = vec![0u8; 36 + 8 * 3];
    build_xsdt(&rsdt, 0x7fff_ff00, [0x7ffe_198c, 0x7ffe_2000], &mut x);
    assert_eq!(&x[..4], b"XSDT");
    assert_eq!(u32_at(&x, 4), 60);
    assert_eq!(x[8], 1);
    assert_eq!(x[10..36], rsdt[10..36]);
    assert_eq!(checksum(&x), 0);
    assert_eq!(
        [u64_at(&x, 36), u64_at(&x, 44), u64_at(&x, 52)],
        [0x7fff_ff00, 0x7ffe_198c, 0x7ffe_2000]
    );
}

/// pvh_setup_acpi's RSDP: "RSD PTR ", the host's OEM ID, revision 2, length 36, no RSDT, the
/// XSDT, the checksum over ACPI_RSDP_REV0_SIZE (20) bytes and the extended one over all 36; so
/// ACPICA's acpi_tb_validate_rsdp accepts it.
#[test]
fn dom0_rsdp_bytes_and_checksums() {
    let r = build_rsdp(b"BOCHS ", 0x7fff_fe00);
    assert_eq!(r.len(), RSDP_LENGTH);
    assert_eq!(&r[..8], b"RSD PTR ");
    assert_eq!(&r[9..15], b"BOCHS ");
    assert_eq!(r[15], 2);
    assert_eq!(u32_at(&r, 16), 0, "rsdt_physical_address");
    assert_eq!(u32_at(&r, 20), 36, "length");
    assert_eq!(u64_at(&r, 24), 0x7fff_fe00);
    assert_eq!(checksum(&r[..20]), 0);
    assert_eq!(checksum(&r), 0);
    assert_eq!(r[33..], [0, 0, 0]);
    assert!(validate_rsdp(&r));
}

/// acpi_memory_banned (with xen/arch/x86/mm.c page_is_ram_type): each page from PFN_DOWN(address)
/// for PFN_UP((address & ~PAGE_MASK) + size) must lie wholly inside one reserved, ACPI or NVS
/// entry of the host's map.
#[test]
fn acpi_memory_is_banned_unless_each_page_is_reserved_or_acpi() {
    let host = [
        e(0, 0x9f000, E820_RAM),
        e(MIB, 0x3fe0_0000, E820_RAM),
        e(0x3ff0_0000, 0x1_0800, E820_ACPI),
        e(0x3ff1_0800, 0xf800, E820_NVS),
        e(0x3ff2_0000, 0x2_0000, E820_RESERVED),
    ];
    let banned = |a, s| acpi_memory_banned(&host, a, s);
    assert!(!banned(0x3ff0_0100, 0x100));
    // Across the ACPI/reserved boundary: both pages whole in one entry each.
    assert!(!banned(0x3ff1_f000, 0x2000));
    assert!(!banned(0x3ff2_0000, 0x2_0000));
    // The page 0x3ff10 is half ACPI, half NVS: in no single entry.
    assert!(banned(0x3ff1_0000, 0x10));
    assert!(banned(0x3ff0_f000, 0x1001));
    // RAM, a hole, the end of the map.
    assert!(banned(0x100_0000, 0x24));
    assert!(banned(0x3ff3_f000, 0x2000));
    // Nothing to check: PFN_UP(0) pages.
    assert!(!banned(0x100_0000, 0));
    assert!(
        banned(0x100_0010, 0),
        "an unaligned start still checks its page"
    );
}

/// pvh_acpi_table_allowed (4.17's list: DSDT FACP FACS PSDT SSDT SBST MCFG SLIC MSDM WDAT FPDT
/// S3PT, in reserved or ACPI memory) and pvh_acpi_xsdt_table_allowed (not the DSDT or the FACS).
#[test]
fn tables_are_allowed_hidden_or_banned_like_xen() {
    let host = [
        e(MIB, 0x3fe0_0000, E820_RAM),
        e(0x3ff0_0000, 0x10_0000, E820_RESERVED),
    ];
    let inside = 0x3ff0_1000;
    for sig in [
        b"DSDT", b"FACP", b"FACS", b"PSDT", b"SSDT", b"SBST", b"MCFG", b"SLIC", b"MSDM", b"WDAT",
        b"FPDT", b"S3PT",
    ] {
        assert_eq!(
            pvh_acpi_table_allowed(&host, &t(sig, inside, 0x40)),
            TableAccess::Allowed
        );
        assert_eq!(
            pvh_acpi_table_allowed(&host, &t(sig, 0x200_0000, 0x40)),
            TableAccess::Banned
        );
        let in_xsdt = pvh_acpi_xsdt_table_allowed(&host, &t(sig, inside, 0x40));
        assert_eq!(in_xsdt, sig != b"DSDT" && sig != b"FACS");
    }
    for sig in [
        b"APIC", b"SRAT", b"SLIT", b"DMAR", b"IVRS", b"HPET", b"WAET", b"BGRT", b"TPM2", b"XENV",
        b"VFCT", b"OEM1", b"BERT", b"HEST", b"ERST", b"MSCT", b"RSDT",
    ] {
        assert_eq!(
            pvh_acpi_table_allowed(&host, &t(sig, inside, 0x40)),
            TableAccess::Hidden,
            "{}",
            String::from_utf8_lossy(sig)
        );
    }
}

/// pvh_steal_ram (4.17): from the end of the last RAM entry that ends at or below the limit,
/// aligned down, never below 1 MiB; the entry shrinks.
#[test]
fn ram_is_stolen_from_the_last_ram_entry_below_4g() {
    let mut m = map(&[
        e(0, 0x9f000, E820_RAM),
        e(MIB, 0x6ec7_3000 - MIB, E820_RAM),
        e(0x6ec7_3000, 0x1136_d000, E820_UNUSABLE),
        e(0xfffc_0000, 0x4_0000, E820_RESERVED),
        e(1 << 32, 1 << 30, E820_RAM), // above the limit
    ]);
    assert_eq!(
        pvh_steal_ram(&mut m, 0x7a, 0, 1 << 32),
        Some(0x6ec7_3000 - 0x7a)
    );
    assert_eq!(
        pvh_steal_ram(&mut m, 0x34, 0, 1 << 32),
        Some(0x6ec7_3000 - 0x7a - 0x34)
    );
    assert_eq!(m.get(1), Some(e(MIB, 0x6ec7_3000 - 0xae - MIB, E820_RAM)));
    assert_eq!(
        pvh_steal_ram(&mut m, 0x109, 128, 1 << 32),
        Some((0x6ec7_3000 - 0xae - 0x109) & !127)
    );
    // The low 1 MiB is never stolen from ("due to the copying done there").
    let mut m = map(&[e(0, 0x9f000, E820_RAM), e(MIB, 0x1000, E820_RAM)]);
    assert_eq!(pvh_steal_ram(&mut m, 0x800, 0, 1 << 32), Some(MIB + 0x800));
    assert_eq!(pvh_steal_ram(&mut m, 0x801, 0, 1 << 32), None);
    assert_eq!(m.get(0), Some(e(0, 0x9f000, E820_RAM)));
    // Only RAM above 4 GiB: nothing.
    let mut m = map(&[e(1 << 32, 1 << 30, E820_RAM)]);
    assert_eq!(pvh_steal_ram(&mut m, 36, 0, 1 << 32), None);
}

/// pvh_add_mem_range on a sorted map: an entry of the type starting at the range's end grows down
/// to it (xen-rs grows its size too; Xen's only moves its start), one ending at the range's start
/// grows up when the next starts at or after its end; an overlap is -EEXIST; anything else is
/// inserted in order.
#[test]
fn ranges_are_added_to_dom0_map_like_pvh_add_mem_range() {
    let base = map(&[
        e(MIB, 0x100_0000, E820_RAM),
        e(0x200_0000, 0x1000, E820_ACPI),
        e(0x300_0000, 0x1000, E820_RESERVED),
    ]);
    let mut m = base;
    // Down from an ACPI entry: [0x1fff000, 0x2001000).
    assert_eq!(
        pvh_add_mem_range(&mut m, 0x1ff_f000, 0x200_0000, E820_ACPI),
        Ok(())
    );
    assert_eq!(m.get(1), Some(e(0x1ff_f000, 0x2000, E820_ACPI)));
    // Up from it, the next entry starting later.
    assert_eq!(
        pvh_add_mem_range(&mut m, 0x200_1000, 0x200_1800, E820_ACPI),
        Ok(())
    );
    assert_eq!(m.get(1), Some(e(0x1ff_f000, 0x2800, E820_ACPI)));
    // Overlaps.
    for (s, end) in [(0x100_0000, 0x100_0024), (0x1ff_f800, 0x200_0000)] {
        assert_eq!(
            pvh_add_mem_range(&mut m, s, end, E820_ACPI),
            Err(AddRangeError::Exists)
        );
    }
    // A hole: inserted in order; a different type next to an entry is not merged.
    let mut m = base;
    assert_eq!(
        pvh_add_mem_range(&mut m, 0x250_0000, 0x250_0040, E820_ACPI),
        Ok(())
    );
    assert_eq!(
        pvh_add_mem_range(&mut m, 0x2ff_f000, 0x300_0000, E820_ACPI),
        Ok(())
    );
    let got: Vec<_> = m.iter().collect();
    assert_eq!(
        got,
        [
            e(MIB, 0x100_0000, E820_RAM),
            e(0x200_0000, 0x1000, E820_ACPI),
            e(0x250_0000, 0x40, E820_ACPI),
            e(0x2ff_f000, 0x1000, E820_ACPI),
            e(0x300_0000, 0x1000, E820_RESERVED),
        ]
    );
    // After the last entry.
    assert_eq!(
        pvh_add_mem_range(&mut m, 0x400_0000, 0x400_0010, E820_NVS),
        Ok(())
    );
    assert_eq!(m.last(), Some(e(0x400_0000, 0x10, E820_NVS)));
}

/// A host like QEMU's: tables in a reserved range, an ACPI 1.0 RSDP.
fn qemu_host() -> (Vec<E820Entry>, Vec<AcpiTable>) {
    let host = vec![
        e(0, 0x9fc00, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, 0x7ffe_0000 - MIB, E820_RAM),
        e(0x7ffe_0000, 0x2_0000, E820_RESERVED),
        e(0xfffc_0000, 0x4_0000, E820_RESERVED),
    ];
    let tables = vec![
        t(b"DSDT", 0x7ffe_0040, 0x194c),
        t(b"FACS", 0x7ffe_0000, 0x40),
        t(b"FACP", 0x7ffe_198c, 0x74),
        t(b"APIC", 0x7ffe_1a00, 0x78),
        t(b"HPET", 0x7ffe_1a78, 0x38),
        t(b"WAET", 0x7ffe_1ab0, 0x28),
    ];
    (host, tables)
}

fn qemu_rsdp() -> Rsdp {
    Rsdp {
        address: 0xf59d0,
        oem_id: *b"BOCHS ",
        revision: 0,
        rsdt: 0x7ffe_1ad8,
        xsdt: 0,
    }
}

/// pvh_setup_acpi on dom0's map: the MADT, the XSDT and the RSDP stolen in that order from the end
/// of the last RAM entry below 4 GiB, back to back, and one E820_ACPI entry covering them; the
/// map the p2m is built from is the one before (the stolen pages stay RAM); the XSDT lists the
/// MADT and FACP only (the DSDT and FACS hang off the FADT; APIC, HPET and WAET are hidden).
#[test]
fn pvh_setup_acpi_places_the_tables_at_the_end_of_ram_below_4g() {
    let (host, tables) = qemu_host();
    let overrides = [ovr(0, 2, 0), ovr(5, 5, 0xd), ovr(9, 9, 0xd)];
    let h = HostAcpi {
        rsdp: qemu_rsdp(),
        root_header: Some(header(b"RSDT", 0x34, 1)),
        tables: &tables,
        madt_header: Some(header(b"APIC", 0x78, 1)),
        overrides: &overrides,
    };
    let ram_end = 0x6ec7_3000;
    let dom0 = map(&[
        e(0, 0x9f000, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, ram_end - MIB, E820_RAM),
        e(ram_end, 0x7ffe_0000 - ram_end, E820_UNUSABLE),
        e(0x7ffe_0000, 0x2_0000, E820_RESERVED),
        e(0xfffc_0000, 0x4_0000, E820_RESERVED),
    ]);
    let mut m = dom0;
    let (p2m_map, acpi) = pvh_setup_acpi(&mut m, &host, &h, &IOAPICS[..1], 2).unwrap();
    assert_eq!(
        p2m_map, dom0,
        "every host table lies in a reserved entry: -EEXIST"
    );

    let madt_len = 44 + 12 + 2 * 16 + 3 * 10;
    let xsdt_len = 36 + 8 * 2;
    assert_eq!(acpi.madt_paddr, ram_end - madt_len);
    assert_eq!(acpi.xsdt_paddr, acpi.madt_paddr - xsdt_len);
    assert_eq!(acpi.rsdp_paddr, acpi.xsdt_paddr - 36);
    assert_eq!(acpi.range(), (acpi.rsdp_paddr, ram_end));
    assert_eq!(acpi.madt().len() as u64, madt_len);
    assert_eq!(acpi.xsdt().len() as u64, xsdt_len);
    let got: Vec<_> = m.iter().collect();
    assert_eq!(
        got[3..5],
        [
            e(MIB, acpi.rsdp_paddr - MIB, E820_RAM),
            e(acpi.rsdp_paddr, ram_end - acpi.rsdp_paddr, E820_ACPI),
        ]
    );
    assert_eq!(got[5..], dom0.iter().skip(4).collect::<Vec<_>>()[..]);

    // The tables point at each other.
    let rsdp = acpi.rsdp();
    assert!(validate_rsdp(rsdp.try_into().unwrap()));
    assert_eq!(u64_at(rsdp, 24), acpi.xsdt_paddr);
    let xsdt = acpi.xsdt();
    assert_eq!(
        [u64_at(xsdt, 36), u64_at(xsdt, 44)],
        [acpi.madt_paddr, 0x7ffe_198c]
    );
    let listed: Vec<_> = acpi.xsdt_tables.iter().map(|t| t.signature).collect();
    assert_eq!(listed, [*b"FACP"]);
    assert_eq!(checksum(acpi.madt()), 0);
    assert_eq!(acpi.skipped.len(), 0);
}

/// Hidden tables (pvh_acpi_xsdt_table_allowed) are not in dom0's XSDT: the MADT (dom0 has its
/// own), SRAT, SLIT, DMAR, HPET, ...; allowed tables outside reserved or ACPI memory are skipped
/// ("Skipping table %.4s in non-ACPI non-reserved region"); the host's ACPI ranges are in the map
/// the p2m identity-maps.
#[test]
fn hidden_and_banned_tables_are_not_in_dom0_xsdt() {
    let host = [
        e(MIB, 0x3fe0_0000, E820_RAM),
        e(0x3ff0_0000, 0x2_0000, E820_ACPI),
        e(0x3ff2_0000, 0x1_0000, E820_NVS),
        e(0x3ff3_0000, 0x1_0000, E820_RESERVED),
    ];
    let at = |i: u64| 0x3ff0_0000 + i * 0x800;
    let tables = [
        t(b"DSDT", at(0), 0x800),
        t(b"FACS", 0x3ff2_0000, 0x40),
        t(b"FACP", at(2), 0x114),
        t(b"APIC", at(3), 0x100),
        t(b"SRAT", at(4), 0x100),
        t(b"SLIT", at(5), 0x30),
        t(b"DMAR", at(6), 0x80),
        t(b"HPET", at(7), 0x38),
        t(b"SSDT", at(8), 0x400),
        t(b"MCFG", 0x3ff3_0000, 0x3c),
        t(b"SSDT", 0x200_0000, 0x100), // in RAM: skipped
        t(b"FPDT", at(9), 0x44),
        t(b"BGRT", at(10), 0x38),
    ];
    let h = HostAcpi {
        rsdp: Rsdp {
            revision: 2,
            xsdt: 0x3ff1_f000,
            ..qemu_rsdp()
        },
        root_header: Some(header(b"XSDT", 0x6c, 1)),
        tables: &tables,
        madt_header: Some(header(b"APIC", 0x100, 3)),
        overrides: &[],
    };
    let mut m = map(&[
        e(MIB, 0x3fe0_0000, E820_RAM),
        e(0x3ff0_0000, 0x2_0000, E820_ACPI),
        e(0x3ff2_0000, 0x1_0000, E820_NVS),
        e(0x3ff3_0000, 0x1_0000, E820_RESERVED),
    ]);
    let (p2m_map, acpi) = pvh_setup_acpi(&mut m, &host, &h, &IOAPICS, 4).unwrap();
    let listed: Vec<_> = acpi.xsdt_tables.iter().map(|t| t.signature).collect();
    assert_eq!(listed, [*b"FACP", *b"SSDT", *b"MCFG", *b"FPDT"]);
    let xsdt = acpi.xsdt();
    let entries: Vec<u64> = (36..xsdt.len())
        .step_by(8)
        .map(|o| u64_at(xsdt, o))
        .collect();
    assert_eq!(entries, [acpi.madt_paddr, at(2), at(8), 0x3ff3_0000, at(9)]);
    for hidden in [b"APIC", b"SRAT", b"SLIT", b"DMAR", b"HPET", b"BGRT"] {
        let addr = tables
            .iter()
            .find(|t| &t.signature == hidden)
            .unwrap()
            .address;
        assert!(!entries.contains(&addr), "{:?}", hidden);
    }
    let skipped: Vec<_> = acpi.skipped.iter().collect();
    assert_eq!(skipped, [t(b"SSDT", 0x200_0000, 0x100)]);
    // An XSDT's header stays one; MADT revision 3 stays 3.
    assert_eq!(&xsdt[..4], b"XSDT");
    assert_eq!(acpi.madt()[8], 3);
    // The host's ACPI and NVS ranges are identity-mapped from the map before the steal.
    assert!(p2m_map
        .iter()
        .any(|x| x == e(0x3ff0_0000, 0x2_0000, E820_ACPI)));
    assert!(p2m_map.iter().any(|x| x == e(MIB, 0x3fe0_0000, E820_RAM)));
}

/// pvh_setup_acpi's first loop adds each allowed table's range (the MADT's when its memory is not
/// banned) with pvh_add_mem_range: a table inside a reserved or ACPI entry is -EEXIST, but one
/// that acpi_memory_banned does not check (length 0 on a page boundary, PFN_UP(0) pages) lands in
/// a hole, and is in the map the p2m is built from.
#[test]
fn the_first_loop_adds_allowed_table_ranges() {
    let host = [
        e(MIB, 0x3fe0_0000, E820_RAM),
        e(0x3ff0_0000, 0x2_0000, E820_RESERVED),
    ];
    let tables = [
        t(b"APIC", 0x3ff0_0100, 0x78),
        t(b"SSDT", 0x5000_0000, 0),
        t(b"HPET", 0x5000_1000, 0),
        // The MADT is not on the list but is added all the same ("Make sure the original MADT is
        // also mapped").
        t(b"APIC", 0x5000_2000, 0),
    ];
    let h = HostAcpi {
        rsdp: qemu_rsdp(),
        root_header: Some(header(b"RSDT", 0x30, 1)),
        tables: &tables,
        madt_header: Some(header(b"APIC", 0x78, 1)),
        overrides: &[],
    };
    let mut m = map(&host);
    let (p2m_map, _) = pvh_setup_acpi(&mut m, &host, &h, &[], 1).unwrap();
    let got: Vec<_> = p2m_map.iter().collect();
    assert_eq!(
        got,
        [
            e(MIB, 0x3fe0_0000, E820_RAM),
            e(0x3ff0_0000, 0x2_0000, E820_RESERVED),
            e(0x5000_0000, 0, E820_ACPI),
            e(0x5000_2000, 0, E820_ACPI),
        ]
    );
}

/// The ways pvh_setup_acpi fails: no host MADT ("Failed to get MADT ACPI table, aborting."), no
/// readable root table ("Unable to map XSDT"), no RAM below 4 GiB to steal ("Unable to steal guest
/// RAM for MADT"); and tables too large for the plan.
#[test]
fn pvh_setup_acpi_errors() {
    let (host, tables) = qemu_host();
    let good = HostAcpi {
        rsdp: qemu_rsdp(),
        root_header: Some(header(b"RSDT", 0x34, 1)),
        tables: &tables,
        madt_header: Some(header(b"APIC", 0x78, 1)),
        overrides: &[],
    };
    let dom0 = map(&[e(MIB, 0x100_0000, E820_RAM), e(1 << 32, 1 << 30, E820_RAM)]);
    let run = |h: &HostAcpi<'_>, m: &Dom0E820, vcpus| {
        let mut m = *m;
        pvh_setup_acpi(&mut m, &host, h, &IOAPICS, vcpus).map(|(_, a)| a.rsdp_paddr)
    };
    assert!(run(&good, &dom0, 1).is_ok());
    let no_madt = HostAcpi {
        madt_header: None,
        ..good
    };
    assert_eq!(run(&no_madt, &dom0, 1), Err(Dom0BuildError::NoMadt));
    let no_root = HostAcpi {
        root_header: None,
        ..good
    };
    assert_eq!(run(&no_root, &dom0, 1), Err(Dom0BuildError::NoRootTable));
    let high = map(&[e(1 << 32, 1 << 30, E820_RAM)]);
    assert_eq!(
        run(&good, &high, 1),
        Err(Dom0BuildError::NoRamForAcpi { what: "MADT" })
    );
    assert!(matches!(
        run(&good, &dom0, 1000),
        Err(Dom0BuildError::AcpiTablesTooLarge { .. })
    ));
    assert!(run(&good, &dom0, 128).is_ok());
}
