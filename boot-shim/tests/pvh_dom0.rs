//! The ELF reader and the PVH dom0 plan against hand-built kernel images, each rule checked against
//! the Xen 4.17 function it follows (xen/common/libelf, xen/arch/x86/dom0_build.c,
//! xen/arch/x86/hvm/dom0_build.c), plus a property test that no image makes them panic.

use boot_shim::acpi::{AcpiTable, MadtIntSrcOverride, MadtIoapic, Rsdp};
use boot_shim::dom0_acpi::HostAcpi;
use boot_shim::dom0_build::*;
use boot_shim::options::{parse_dom0_mem, Dom0Mem};
use libelf::*;
use proptest::prelude::*;
use xen_mm::p2m::types::{P2mAccess, P2mType};
use xen_public::elfnote::*;

const MIB: u64 = 1 << 20;

// ---------------------------------------------------------------------------------------------
// A small ELF writer.

struct Seg {
    paddr: u64,
    data: Vec<u8>,
    memsz: u64,
    flags: u32,
    p_type: u32,
}

impl Seg {
    fn load(paddr: u64, filesz: usize, memsz: u64) -> Seg {
        Seg {
            paddr,
            data: (0..filesz).map(|i| (i % 251) as u8).collect(),
            memsz,
            flags: PF_R | PF_X,
            p_type: PT_LOAD,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum NotesIn {
    Segment,
    Section,
    Both,
    /// A PT_NOTE at file offset 0 (which libelf skips).
    SegmentAtOffsetZero,
}

struct Spec {
    class64: bool,
    machine: u16,
    segs: Vec<Seg>,
    notes: Vec<(&'static [u8], u32, Vec<u8>)>,
    notes_in: NotesIn,
}

fn note_blob(notes: &[(&[u8], u32, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, ty, desc) in notes {
        let mut n = name.to_vec();
        n.push(0);
        b.extend((n.len() as u32).to_le_bytes());
        b.extend((desc.len() as u32).to_le_bytes());
        b.extend(ty.to_le_bytes());
        b.extend(&n);
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b.extend(desc);
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
    }
    b
}

fn put(buf: &mut [u8], off: usize, v: u64, size: usize) {
    buf[off..off + size].copy_from_slice(&v.to_le_bytes()[..size]);
}

fn build(spec: &Spec) -> Vec<u8> {
    let (ehsize, phsize, shsize, w) = if spec.class64 {
        (64, 56, 64, 8)
    } else {
        (52, 32, 40, 4)
    };
    let blob = note_blob(&spec.notes);
    let note_phdr = matches!(
        spec.notes_in,
        NotesIn::Segment | NotesIn::Both | NotesIn::SegmentAtOffsetZero
    );
    let note_shdr = matches!(spec.notes_in, NotesIn::Section | NotesIn::Both);
    let phnum = spec.segs.len() + usize::from(note_phdr);
    let mut img = vec![0u8; ehsize + phsize * phnum];
    let note_off = img.len();
    img.extend(&blob);
    let mut seg_offs = Vec::new();
    for s in &spec.segs {
        while !img.len().is_multiple_of(16) {
            img.push(0);
        }
        seg_offs.push(img.len());
        img.extend(&s.data);
    }
    while !img.len().is_multiple_of(8) {
        img.push(0);
    }
    let shoff = img.len();
    let shnum = if note_shdr { 2 } else { 0 };
    img.resize(img.len() + shsize * shnum, 0);

    img[..4].copy_from_slice(b"\x7fELF");
    img[4] = if spec.class64 { 2 } else { 1 };
    img[5] = 1;
    img[6] = 1;
    put(&mut img, 16, 2, 2); // ET_EXEC
    put(&mut img, 18, spec.machine.into(), 2);
    put(&mut img, 20, 1, 4);
    put(&mut img, 24, 0x100_0000, w); // e_entry (not used for PVH)
    put(&mut img, 24 + w, ehsize as u64, w); // e_phoff
    put(
        &mut img,
        24 + 2 * w,
        if shnum != 0 { shoff as u64 } else { 0 },
        w,
    );
    let rest = 24 + 3 * w + 4;
    put(&mut img, rest, ehsize as u64, 2);
    put(&mut img, rest + 2, phsize as u64, 2);
    put(&mut img, rest + 4, phnum as u64, 2);
    put(&mut img, rest + 6, shsize as u64, 2);
    put(&mut img, rest + 8, shnum as u64, 2);

    let mut phdrs: Vec<(u32, u32, u64, u64, u64, u64)> = spec
        .segs
        .iter()
        .zip(&seg_offs)
        .map(|(s, &off)| {
            (
                s.p_type,
                s.flags,
                off as u64,
                s.paddr,
                s.data.len() as u64,
                s.memsz,
            )
        })
        .collect();
    if note_phdr {
        let off = if spec.notes_in == NotesIn::SegmentAtOffsetZero {
            0
        } else {
            note_off as u64
        };
        phdrs.push((PT_NOTE, PF_R, off, 0, blob.len() as u64, 0));
    }
    for (i, (ty, flags, off, paddr, filesz, memsz)) in phdrs.into_iter().enumerate() {
        let p = ehsize + i * phsize;
        put(&mut img, p, ty.into(), 4);
        if spec.class64 {
            put(&mut img, p + 4, flags.into(), 4);
            put(&mut img, p + 8, off, 8);
            put(&mut img, p + 16, paddr | 0xffff_ffff_8000_0000, 8);
            put(&mut img, p + 24, paddr, 8);
            put(&mut img, p + 32, filesz, 8);
            put(&mut img, p + 40, memsz, 8);
            put(&mut img, p + 48, 0x1000, 8);
        } else {
            put(&mut img, p + 4, off, 4);
            put(&mut img, p + 8, paddr | 0x8000_0000, 4);
            put(&mut img, p + 12, paddr, 4);
            put(&mut img, p + 16, filesz, 4);
            put(&mut img, p + 20, memsz, 4);
            put(&mut img, p + 24, flags.into(), 4);
            put(&mut img, p + 28, 0x1000, 4);
        }
    }
    if note_shdr {
        // Section 0 is the null section; section 1 the notes.
        let s = shoff + shsize;
        put(&mut img, s + 4, SHT_NOTE.into(), 4);
        if spec.class64 {
            put(&mut img, s + 24, note_off as u64, 8);
            put(&mut img, s + 32, blob.len() as u64, 8);
        } else {
            put(&mut img, s + 16, note_off as u64, 4);
            put(&mut img, s + 20, blob.len() as u64, 4);
        }
    }
    img
}

const KERNEL_PADDR: u64 = 16 * MIB;
const KERNEL_ENTRY: u32 = 0x100_0010;

fn linux_notes(entry: u32) -> Vec<(&'static [u8], u32, Vec<u8>)> {
    vec![
        (b"Xen", XEN_ELFNOTE_GUEST_OS, b"linux\0".to_vec()),
        (b"Xen", XEN_ELFNOTE_GUEST_VERSION, b"2.6\0".to_vec()),
        (b"Xen", XEN_ELFNOTE_XEN_VERSION, b"xen-3.0\0".to_vec()),
        (b"Xen", XEN_ELFNOTE_LOADER, b"generic\0".to_vec()),
        (b"GNU", 3, vec![1, 2, 3, 4]),
        (
            b"Xen",
            XEN_ELFNOTE_PHYS32_ENTRY,
            entry.to_le_bytes().to_vec(),
        ),
    ]
}

fn kernel_spec(class64: bool) -> Spec {
    Spec {
        class64,
        machine: if class64 { EM_X86_64 } else { EM_386 },
        segs: vec![Seg::load(KERNEL_PADDR, 0x3000, 0x5000)],
        notes: linux_notes(KERNEL_ENTRY),
        notes_in: NotesIn::Segment,
    }
}

fn kernel64() -> Vec<u8> {
    build(&kernel_spec(true))
}

// ---------------------------------------------------------------------------------------------
// ELF.

#[test]
fn reads_a_pvh_kernel_and_its_xen_notes() {
    for class64 in [true, false] {
        let img = build(&kernel_spec(class64));
        let elf = Elf::parse(&img).unwrap();
        assert_eq!(elf.is_64bit(), class64);
        let segs: Vec<_> = elf.load_segments().collect();
        assert_eq!(segs.len(), 1);
        assert_eq!(
            (segs[0].p_paddr, segs[0].p_filesz, segs[0].p_memsz),
            (KERNEL_PADDR, 0x3000, 0x5000)
        );
        assert_eq!(elf.segment_data(&segs[0])[..4], [0, 1, 2, 3]);
        let k = elf.pvh_kernel().unwrap();
        assert_eq!(k.phys32_entry, KERNEL_ENTRY);
        assert_eq!((k.pstart, k.pend), (KERNEL_PADDR, KERNEL_PADDR + 0x5000));
        assert_eq!(k.notes.guest_os, Some(&b"linux"[..]));
        assert_eq!(k.notes.guest_version, Some(&b"2.6"[..]));
        assert_eq!(k.notes.xen_version, Some(&b"xen-3.0"[..]));
        assert_eq!(k.notes.loader, Some(&b"generic"[..]));
        assert_eq!(k.notes.count, 5, "the GNU note is not a Xen note");
        assert!(!k.notes.from_sections);
    }
}

#[test]
fn notes_iterate_with_names_types_and_descriptors() {
    let blob = note_blob(&linux_notes(KERNEL_ENTRY));
    let all: Vec<_> = notes(&blob).map(Result::unwrap).collect();
    assert_eq!(all.len(), 6);
    assert_eq!(all[4].name, b"GNU");
    assert_eq!((all[4].note_type, all[4].desc), (3, &[1u8, 2, 3, 4][..]));
    assert_eq!(all[5].desc, KERNEL_ENTRY.to_le_bytes());
    // A note cut short is an error, once.
    let cut: Vec<_> = notes(&blob[..blob.len() - 2]).collect();
    assert_eq!(cut.last(), Some(&Err(ElfError::NoteTruncated)));
    assert_eq!(cut.iter().filter(|n| n.is_err()).count(), 1);
}

/// libelf-dominfo.c elf_xen_note_check: "PVH only requires one ELF note to be set".
#[test]
fn phys32_entry_alone_makes_a_pvh_kernel() {
    let mut spec = kernel_spec(true);
    spec.notes = vec![(
        b"Xen",
        XEN_ELFNOTE_PHYS32_ENTRY,
        KERNEL_ENTRY.to_le_bytes().to_vec(),
    )];
    let img = build(&spec);
    let k = Elf::parse(&img).unwrap().pvh_kernel().unwrap();
    assert_eq!(k.phys32_entry, KERNEL_ENTRY);
    assert_eq!(k.notes.guest_os, None);
}

/// hvm/dom0_build.c pvh_load_kernel: "Unable to find XEN_ELFNOTE_PHYS32_ENTRY address".
#[test]
fn missing_phys32_entry_is_a_clear_error() {
    let mut spec = kernel_spec(true);
    spec.notes.retain(|n| n.1 != XEN_ELFNOTE_PHYS32_ENTRY);
    let img = build(&spec);
    let err = Elf::parse(&img).unwrap().pvh_kernel().unwrap_err();
    assert_eq!(err, ElfError::MissingPhys32Entry);
    assert_eq!(
        err.to_string(),
        "Unable to find XEN_ELFNOTE_PHYS32_ENTRY address"
    );
    // libelf's UNSET_ADDR32 counts as missing too.
    let mut spec = kernel_spec(true);
    spec.notes = linux_notes(UNSET_ADDR32);
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().pvh_kernel(),
        Err(ElfError::MissingPhys32Entry)
    );
}

/// elf_xen_note_check: "Not a Xen-ELF image: No ELF notes or '__xen_guest' section found".
#[test]
fn an_image_without_xen_notes_is_not_xen_elf() {
    let mut spec = kernel_spec(true);
    spec.notes = vec![(b"GNU", 3, vec![0; 4])];
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::NotXenElf)
    );
}

/// elf_xen_parse: SHT_NOTE sections are read only when no PT_NOTE segment has a Xen note; PT_NOTE
/// segments at file offset 0 are skipped ("Some versions of binutils do not correctly set
/// p_offset for note segments").
#[test]
fn note_sections_are_the_fallback_and_offset_zero_segments_are_skipped() {
    let mut spec = kernel_spec(true);
    spec.notes_in = NotesIn::Section;
    let img = build(&spec);
    let n = Elf::parse(&img).unwrap().xen_notes().unwrap();
    assert!(n.from_sections);
    assert_eq!(n.phys32_entry, Some(KERNEL_ENTRY));

    spec.notes_in = NotesIn::Both;
    let img = build(&spec);
    let n = Elf::parse(&img).unwrap().xen_notes().unwrap();
    assert!(!n.from_sections);
    assert_eq!(n.count, 5, "sections are not read twice");

    spec.notes_in = NotesIn::SegmentAtOffsetZero;
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::NotXenElf)
    );
}

/// elf_xen_parse_note overwrites on each note: the last one wins.
#[test]
fn the_last_duplicate_note_wins() {
    let mut spec = kernel_spec(true);
    spec.notes
        .push((b"Xen", XEN_ELFNOTE_GUEST_OS, b"other\0".to_vec()));
    let img = build(&spec);
    let n = Elf::parse(&img).unwrap().xen_notes().unwrap();
    assert_eq!(n.guest_os, Some(&b"other"[..]));
}

/// elf_xen_addr_calc_check with hvm: virt_kstart = pstart, virt_kend = pend, virt_entry =
/// phys_entry, which must lie in [virt_kstart, virt_kend] ("ELF start or entries are out of
/// bounds").
#[test]
fn the_entry_must_lie_in_the_image() {
    for (entry, ok) in [
        (KERNEL_PADDR as u32, true),
        ((KERNEL_PADDR + 0x5000) as u32, true),
        ((KERNEL_PADDR - 1) as u32, false),
        ((KERNEL_PADDR + 0x5001) as u32, false),
    ] {
        let mut spec = kernel_spec(true);
        spec.notes = linux_notes(entry);
        let img = build(&spec);
        let r = Elf::parse(&img).unwrap().pvh_kernel();
        assert_eq!(r.is_ok(), ok, "entry {entry:#x}: {r:?}");
    }
}

/// elf_phdr_is_loadable: PT_LOAD without R, W or X is not loaded; elf_parse_binary's
/// pstart/pend span the loadable segments.
#[test]
fn unflagged_load_segments_are_not_loaded() {
    let mut spec = kernel_spec(true);
    spec.segs.push(Seg {
        flags: 0,
        ..Seg::load(0x4000_0000, 0x10, 0x10)
    });
    spec.segs
        .push(Seg::load(KERNEL_PADDR + 0x8000, 0x10, 0x1000));
    let img = build(&spec);
    let elf = Elf::parse(&img).unwrap();
    assert_eq!(elf.load_segments().count(), 2);
    assert_eq!(elf.phys_bounds(), Ok((KERNEL_PADDR, KERNEL_PADDR + 0x9000)));
}

#[test]
fn xen_features_note_is_parsed_like_libelf() {
    let mut spec = kernel_spec(true);
    spec.notes.push((
        b"Xen",
        XEN_ELFNOTE_FEATURES,
        b"!writable_page_tables|hvm_callback_vector|bogus\0".to_vec(),
    ));
    spec.notes.push((
        b"Xen",
        XEN_ELFNOTE_SUPPORTED_FEATURES,
        (1u32 << 11).to_le_bytes().to_vec(),
    ));
    let img = build(&spec);
    let n = Elf::parse(&img).unwrap().xen_notes().unwrap();
    assert_eq!(n.f_required, 1 << 0);
    assert_eq!(n.f_supported, (1 << 0) | (1 << 8) | (1 << 11));

    // elf_xen_parse_features: an unknown *required* feature fails the parse.
    let mut spec = kernel_spec(true);
    spec.notes
        .push((b"Xen", XEN_ELFNOTE_FEATURES, b"!bogus\0".to_vec()));
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::UnsupportedRequiredFeature)
    );
}

#[test]
fn malformed_notes_are_errors() {
    // A numeric note of 3 bytes (libelf would read 0).
    let mut spec = kernel_spec(true);
    spec.notes = vec![(b"Xen", XEN_ELFNOTE_PHYS32_ENTRY, vec![1, 2, 3])];
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::BadNumericNote {
            note_type: XEN_ELFNOTE_PHYS32_ENTRY,
            descsz: 3
        })
    );
    // A PHYS32_ENTRY above 4 GiB (libelf keeps a uint32_t).
    spec.notes = vec![(
        b"Xen",
        XEN_ELFNOTE_PHYS32_ENTRY,
        (1u64 << 32).to_le_bytes().to_vec(),
    )];
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::Phys32EntryTooLarge(1 << 32))
    );
    // A string note whose NUL is not within ELF_MAX_STRING_LENGTH bytes (libelf-tools.c
    // elf_strval: "excessively long string").
    spec.notes = vec![(b"Xen", XEN_ELFNOTE_GUEST_OS, vec![b'x'; 5000])];
    let img = build(&spec);
    assert_eq!(
        Elf::parse(&img).unwrap().xen_notes(),
        Err(ElfError::UnterminatedStringNote {
            note_type: XEN_ELFNOTE_GUEST_OS
        })
    );
}

/// libelf-dominfo.c elf_xen_parse_note reads a string note with elf_strval, up to the first NUL
/// in the image: a `descsz` that leaves the NUL out (Linux's FEATURES note) is read as Xen reads it.
#[test]
fn a_string_note_may_end_in_its_padding() {
    let mut spec = kernel_spec(true);
    spec.notes.push((
        b"Xen",
        XEN_ELFNOTE_FEATURES,
        b"!writable_page_tables".to_vec(),
    ));
    let img = build(&spec);
    let k = Elf::parse(&img).unwrap().pvh_kernel().unwrap();
    assert_eq!(k.notes.features, Some(&b"!writable_page_tables"[..]));
    assert_eq!(k.notes.f_required, 1 << 0);
}

fn patched(img: &[u8], off: usize, bytes: &[u8]) -> Vec<u8> {
    let mut v = img.to_vec();
    v[off..off + bytes.len()].copy_from_slice(bytes);
    v
}

#[test]
fn malformed_headers_are_errors() {
    let img = kernel64();
    assert_eq!(Elf::parse(&img[..10]).unwrap_err(), ElfError::TooShort);
    assert_eq!(Elf::parse(&img[..40]).unwrap_err(), ElfError::TooShort);
    assert_eq!(
        Elf::parse(&patched(&img, 0, b"\x7fELG")).unwrap_err(),
        ElfError::BadMagic
    );
    assert_eq!(
        Elf::parse(&patched(&img, 4, &[3])).unwrap_err(),
        ElfError::BadClass(3)
    );
    assert_eq!(
        Elf::parse(&patched(&img, 5, &[2])).unwrap_err(),
        ElfError::NotLittleEndian(2)
    );
    assert_eq!(
        Elf::parse(&patched(&img, 18, &[40, 0])).unwrap_err(),
        ElfError::BadMachine(40)
    );
    assert_eq!(
        Elf::parse(&patched(&img, 16, &[1, 0])).unwrap_err(),
        ElfError::BadType(1)
    );
    // e_phnum so large the table passes the end of the file (libelf: "phdr overflow").
    assert_eq!(
        Elf::parse(&patched(&img, 56, &[0xff, 0x0f])).unwrap_err(),
        ElfError::PhdrTableOutOfFile
    );
    assert_eq!(
        Elf::parse(&patched(&img, 56, &[0xff, 0xff])).unwrap_err(),
        ElfError::ExtendedNumbering
    );
    // e_phoff near the top of the address space must not wrap.
    assert_eq!(
        Elf::parse(&patched(&img, 32, &u64::MAX.to_le_bytes())).unwrap_err(),
        ElfError::PhdrTableOutOfFile
    );
    assert_eq!(
        Elf::parse(&patched(&img, 54, &[8, 0])).unwrap_err(),
        ElfError::BadPhentsize(8)
    );
}

#[test]
fn malformed_segments_are_errors() {
    let img = kernel64();
    let ph = 64; // the PT_LOAD header
                 // p_filesz (still <= p_memsz) past the end of the file.
    assert!(img.len() < 0x5000);
    assert_eq!(
        Elf::parse(&patched(&img, ph + 32, &0x5000u64.to_le_bytes())).unwrap_err(),
        ElfError::SegmentOutOfFile { index: 0 }
    );
    // p_offset + p_filesz wrapping.
    assert_eq!(
        Elf::parse(&patched(&img, ph + 8, &u64::MAX.to_le_bytes())).unwrap_err(),
        ElfError::SegmentOutOfFile { index: 0 }
    );
    // p_filesz > p_memsz.
    assert_eq!(
        Elf::parse(&patched(&img, ph + 40, &0x10u64.to_le_bytes())).unwrap_err(),
        ElfError::SegmentFileLargerThanMemory { index: 0 }
    );
    // p_paddr + p_memsz wrapping.
    assert_eq!(
        Elf::parse(&patched(&img, ph + 24, &(u64::MAX - 0x100).to_le_bytes())).unwrap_err(),
        ElfError::SegmentAddressOverflow { index: 0 }
    );
    // The PT_NOTE running past the file.
    assert_eq!(
        Elf::parse(&patched(&img, ph + 56 + 32, &0x10_0000u64.to_le_bytes())).unwrap_err(),
        ElfError::SegmentOutOfFile { index: 1 }
    );
}

// ---------------------------------------------------------------------------------------------
// dom0_compute_nr_pages (xen/arch/x86/dom0_build.c).

fn mem(s: &str) -> Dom0Mem {
    let mut m = Dom0Mem::default();
    parse_dom0_mem(s, &mut m).unwrap();
    m
}

const GIB_PAGES: u64 = 1 << 18;

/// dom0_paging_pages for HAP: 4 * (256 * vcpus + MiB) KiB, rounded up to whole MiB.
#[test]
fn paging_pool_is_sized_like_xen() {
    // 960 MiB, 1 vCPU: 4 * (256 + 960) = 4864 KiB -> 5 MiB.
    assert_eq!(dom0_paging_pages(1, 245_760), 5 * 256);
    // 16 GiB, 4 vCPUs: 4 * (1024 + 16384) = 69632 KiB = 68 MiB exactly.
    assert_eq!(dom0_paging_pages(4, 16 * GIB_PAGES), 68 * 256);
}

/// default_nr_pages: "reserve 1/16th of available memory ... clamped to a maximum of 128MB".
#[test]
fn default_is_all_memory_but_a_sixteenth_capped_at_128m() {
    assert_eq!(default_nr_pages(GIB_PAGES), GIB_PAGES - GIB_PAGES / 16);
    assert_eq!(default_nr_pages(16 * GIB_PAGES), 16 * GIB_PAGES - 32768);
    let p = dom0_compute_nr_pages(GIB_PAGES, 1, &Dom0Mem::default()).unwrap();
    // Preliminary 960 MiB -> 5 MiB of paging pool; then the default of what is left.
    assert_eq!(p.paging_pages, 1280);
    assert_eq!(p.avail, GIB_PAGES - 1280);
    assert_eq!(p.nr_pages, default_nr_pages(GIB_PAGES - 1280));
    assert_eq!(p.max_pages, u64::from(u32::MAX));
}

#[test]
fn extra_vcpus_cost_a_page_each() {
    let one = dom0_compute_nr_pages(GIB_PAGES, 1, &mem("512M")).unwrap();
    let four = dom0_compute_nr_pages(GIB_PAGES, 4, &mem("512M")).unwrap();
    assert_eq!(one.nr_pages, 512 * 256);
    assert_eq!(four.avail, GIB_PAGES - 3 - four.paging_pages);
    assert_eq!(
        dom0_compute_nr_pages(GIB_PAGES, 0, &mem("512M")),
        Err(Dom0BuildError::NoVcpus)
    );
}

/// get_memsize and the clamps: "<amt> is clamped from below by <min_amt> and from above by
/// ... <max_amt>", "<min_amt> is ignored if it is greater than <max_amt>", negative amounts are
/// "subtracted from total available memory", percentages are of available memory.
#[test]
fn amounts_min_max_negative_and_percentages() {
    let avail = 4 * GIB_PAGES;
    let pages = |s: &str| dom0_compute_nr_pages(avail, 1, &mem(s)).map(|p| (p.nr_pages, p.avail));
    let (n, a) = pages("1G").unwrap();
    assert_eq!((n, a), (GIB_PAGES, a));
    let (n, a) = pages("-512M").unwrap();
    assert_eq!(n, a - 512 * 256);
    let (n, a) = pages("50%").unwrap();
    assert_eq!(n, a / 2);
    let (n, a) = pages("1G+10%").unwrap();
    assert_eq!(n, GIB_PAGES + a / 10);
    assert_eq!(pages("64M,min:128M").unwrap().0, 128 * 256);
    assert_eq!(pages("max:256M").unwrap().0, 256 * 256);
    assert_eq!(pages("1G,max:256M").unwrap().0, 256 * 256);
    assert_eq!(pages("min:2G,max:1G,512M").unwrap().0, GIB_PAGES);
    let p = dom0_compute_nr_pages(avail, 1, &mem("max:2G")).unwrap();
    assert_eq!(p.max_pages, 2 * GIB_PAGES);
}

/// Xen clamps a request above the available memory (`nr_pages = min(nr_pages, avail)`) and wraps a
/// negative amount larger than it; xen-rs refuses both.
#[test]
fn a_request_larger_than_memory_is_an_error() {
    let avail = GIB_PAGES;
    match dom0_compute_nr_pages(avail, 1, &mem("2G")) {
        Err(Dom0BuildError::Dom0MemTooLarge {
            requested,
            available,
        }) => {
            assert_eq!(requested, 2 * GIB_PAGES);
            assert!(available < avail);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        dom0_compute_nr_pages(avail, 1, &mem("min:2G")),
        Err(Dom0BuildError::Dom0MemTooLarge { .. })
    ));
    assert_eq!(
        dom0_compute_nr_pages(avail, 1, &mem("-2G")),
        Err(Dom0BuildError::NegativeAmountTooLarge)
    );
    assert!(matches!(
        dom0_compute_nr_pages(10, 1, &Dom0Mem::default()),
        Err(Dom0BuildError::NotEnoughMemory { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Memory maps.

fn e(addr: u64, size: u64, ty: u32) -> E820Entry {
    E820Entry {
        addr,
        size,
        r#type: ty,
    }
}

/// A QEMU-like map: 639 KiB of low RAM, the BIOS area, RAM to 3 GiB, the PCI hole, RAM above 4 GiB.
fn qemu_map() -> Vec<E820Entry> {
    vec![
        e(0, 0x9fc00, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, 3 * 1024 * MIB - MIB, E820_RAM),
        e(0xfeffc000, 0x4000, E820_RESERVED),
        e(0xfffc0000, 0x40000, E820_RESERVED),
        e(4 << 30, 1 << 30, E820_RAM),
    ]
}

/// e820.c sanitize_e820_map: sorted, overlaps resolved to the larger type, touching ranges of one
/// type merged.
#[test]
fn host_map_is_sanitized() {
    let map = sanitize_e820([
        e(0x2000, 0x2000, E820_RAM),
        e(0, 0x1000, E820_RAM),
        e(0x1000, 0x1000, E820_RAM),
        e(0x3000, 0x800, E820_RESERVED),
        e(0x9000, 0, E820_RAM),
    ])
    .unwrap();
    let got: Vec<_> = map.iter().collect();
    assert_eq!(
        got,
        [
            e(0, 0x3000, E820_RAM),
            e(0x3000, 0x800, E820_RESERVED),
            e(0x3800, 0x800, E820_RAM)
        ]
    );
    let too_many = (0..E820_MAX as u64 + 1).map(|i| e(i * 0x2000, 0x1000, E820_RAM));
    assert_eq!(
        sanitize_e820(too_many).err(),
        Some(Dom0BuildError::E820TooLarge)
    );
}

/// xen/arch/x86/hvm/dom0_build.c `pvh_setup_e820` (4.17.5): RAM follows the host's, page-aligned
/// and given in address order up to nr_pages; the RAM entry where dom0's share ends is split into
/// RAM and E820_UNUSABLE, and later RAM entries become E820_UNUSABLE; non-RAM entries are copied.
#[test]
fn dom0_map_follows_the_host_map() {
    let host = sanitize_e820(qemu_map()).unwrap();
    let low = 0x9f; // 0x9fc00 rounded down to pages
    let map = pvh_setup_e820(&host, 512 * 256).unwrap();
    let got: Vec<_> = map.iter().collect();
    let ram_end = MIB + (512 * 256 - low) * 4096;
    assert_eq!(
        got,
        [
            e(0, low * 4096, E820_RAM),
            e(0x9fc00, 0x400, E820_RESERVED),
            e(0xf0000, 0x10000, E820_RESERVED),
            e(MIB, ram_end - MIB, E820_RAM),
            // "Add the remaining of the RAM region as UNUSABLE."
            e(ram_end, 3 * 1024 * MIB - ram_end, E820_UNUSABLE),
            e(0xfeffc000, 0x4000, E820_RESERVED),
            e(0xfffc0000, 0x40000, E820_RESERVED),
            // "turn this RAM region into a UNUSABLE region in order to prevent Dom0 from placing
            // BARs in this area"
            e(4 << 30, 1 << 30, E820_UNUSABLE),
        ]
    );
    // More than fits below 4 GiB continues above it, after the host's hole.
    let below = low + (3 * 1024 - 1) * 256;
    let map = pvh_setup_e820(&host, below + 256).unwrap();
    let got: Vec<_> = map.iter().collect();
    assert_eq!(
        got[got.len() - 2..],
        [
            e(4 << 30, MIB, E820_RAM),
            e((4 << 30) + MIB, (1 << 30) - MIB, E820_UNUSABLE)
        ]
    );
    assert_eq!(got[3], e(MIB, 3 * 1024 * MIB - MIB, E820_RAM));
    // Exactly the host's RAM: no UNUSABLE entry at all.
    let map = pvh_setup_e820(&host, below + GIB_PAGES).unwrap();
    assert!(map.iter().all(|x| x.r#type != E820_UNUSABLE));
    // More than the host has (Xen asserts).
    assert_eq!(
        pvh_setup_e820(&host, below + GIB_PAGES + 1).err(),
        Some(Dom0BuildError::HostRamTooSmall {
            nr_pages: below + GIB_PAGES + 1,
            ram_pages: below + GIB_PAGES
        })
    );
}

/// pvh_setup_e820 (4.17.5) checks `nr_pages == cur_pages` before rounding: once dom0 is full, a
/// RAM entry is kept as E820_UNUSABLE with its own unrounded bounds, even without a whole page;
/// before that, a RAM entry without a whole page is dropped (`continue`), and a partial one is
/// rounded inwards.
#[test]
fn dom0_map_rounds_ram_and_keeps_unusable_entries_unrounded() {
    let host = sanitize_e820([
        e(0x800, 0x400, E820_RAM),    // no whole page: dropped
        e(0x1800, 0x1800, E820_RAM),  // page 2 (0x2000..0x3000)
        e(0x3800, 0x3000, E820_RAM),  // pages 4..=5; dom0's share ends after page 4
        e(0x6800, 0x100, E820_NVS),   // copied
        e(0x7000, 0x200, E820_RAM),   // dom0 is full: UNUSABLE as it is
        e(0x8000, 0x1000, E820_ACPI), // copied
    ])
    .unwrap();
    let map = pvh_setup_e820(&host, 2).unwrap();
    let got: Vec<_> = map.iter().collect();
    assert_eq!(
        got,
        [
            e(0x2000, 0x1000, E820_RAM),
            e(0x4000, 0x1000, E820_RAM),
            e(0x5000, 0x1000, E820_UNUSABLE),
            e(0x6800, 0x100, E820_NVS),
            e(0x7000, 0x200, E820_UNUSABLE),
            e(0x8000, 0x1000, E820_ACPI),
        ]
    );
    // The split adds an entry: a full host map still fits dom0's (Xen allocates nr_map + 1).
    let full =
        sanitize_e820((0..E820_MAX as u64).map(|i| e(i * 0x4000, 0x2000, E820_RAM))).unwrap();
    let map = pvh_setup_e820(&full, 1).unwrap();
    assert_eq!(map.len(), E820_MAX + 1);
    assert_eq!(map.get(1), Some(e(0x1000, 0x1000, E820_UNUSABLE)));
}

// ---------------------------------------------------------------------------------------------
// The plan (pvh_load_kernel, pvh_setup_cpus).

const IOAPIC0: MadtIoapic = MadtIoapic {
    id: 0,
    address: 0xfec0_0000,
    gsi_base: 0,
};

fn config<'a>(
    kernel: &'a [u8],
    modules: &'a [Dom0Module<'a>],
    cmdline: &'a [u8],
) -> Dom0Config<'a> {
    Dom0Config {
        avail_pages: 2 * GIB_PAGES,
        max_vcpus: 1,
        dom0_mem: mem("512M"),
        kernel,
        cmdline: Some(cmdline),
        modules,
        acpi: None,
        ioapics: &[IOAPIC0],
        mmcfg: &[],
        heap_free: None,
    }
}

#[test]
fn plan_lays_out_kernel_module_cmdline_modlist_and_start_info_like_xen() {
    let kernel = kernel64();
    let initrd = vec![0xaau8; 0x1234];
    let modules = [Dom0Module {
        image: &initrd,
        cmdline: Some(b"initrd args"),
    }];
    let cfg = config(&kernel, &modules, b"  console=hvc0");
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();

    assert_eq!(plan.pages.nr_pages, 512 * 256);
    assert_eq!(plan.segments.iter().count(), 1);
    // find_memory: the kernel [16M, 16M+20K) sits in [1M, ...); the side after it is larger.
    let after_kernel = KERNEL_PADDR + 0x5000;
    let m = plan.modules.get(0).unwrap();
    assert_eq!(m.paddr, after_kernel);
    assert_eq!(m.size, 0x1234);
    // The module cmdline follows the module rounded to 8 (ELF64), then a page boundary.
    assert_eq!(m.cmdline_paddr, after_kernel + 0x1238);
    let cmdline_paddr = after_kernel + 0x2000;
    assert_eq!(plan.start_info.cmdline_paddr, cmdline_paddr);
    assert_eq!(
        plan.cmdline,
        Some(&b"console=hvc0"[..]),
        "cmdline_cook strips leading spaces"
    );
    // "console=hvc0\0" is 13 bytes, rounded to 16.
    assert_eq!(plan.start_info.modlist_paddr, cmdline_paddr + 16);
    assert_eq!(plan.start_info_paddr, cmdline_paddr + 16 + 32);
    assert_eq!(plan.metadata, (after_kernel, plan.start_info_paddr + 56));

    // start_info: magic, version 0, SIF_PRIVILEGED | SIF_INITDOMAIN, no RSDP on a host without
    // ACPI (tests/dom0_acpi.rs has dom0's own).
    let si = plan.start_info;
    assert_eq!(si.magic, 0x336e_c578);
    assert_eq!(si.version, 0);
    assert_eq!(si.flags, 3);
    assert_eq!(si.nr_modules, 1);
    assert_eq!(si.rsdp_paddr, 0);
    assert_eq!((si.memmap_paddr, si.memmap_entries), (0, 0));
    let b = plan.start_info_bytes();
    assert_eq!(b[..4], 0x336e_c578u32.to_le_bytes());
    assert_eq!(b[16..24], si.modlist_paddr.to_le_bytes());
    assert_eq!(b[24..32], cmdline_paddr.to_le_bytes());
    assert_eq!(b[32..40], 0u64.to_le_bytes());

    // The boot vCPU (pvh_setup_cpus).
    let v = plan.vcpu;
    assert_eq!((v.eip, v.ebx), (KERNEL_ENTRY, plan.start_info_paddr as u32));
    assert_eq!((v.cr0, v.cr4, v.efer), (0x11, 0, 0));
    assert_eq!((v.cs_base, v.ds_base, v.es_base, v.ss_base), (0, 0, 0, 0));
    assert_eq!(
        (v.cs_limit, v.ds_limit, v.es_limit, v.ss_limit),
        (!0, !0, !0, !0)
    );
    assert_eq!(
        (v.cs_ar, v.ds_ar, v.es_ar, v.ss_ar, v.tr_ar),
        (0xc9b, 0xc93, 0xc93, 0xc93, 0x8b)
    );
    let ctx = plan.vcpu_context();
    assert_eq!(ctx.mode, 0);
    // Word 1 holds edx (bytes 8..12) and ebx (bytes 12..16).
    assert_eq!(ctx.cpu_regs[1], u64::from(v.ebx) << 32);
    assert_eq!(ctx.cpu_regs[4] & 0xffff_ffff, u64::from(KERNEL_ENTRY));
    assert_eq!(ctx.cpu_regs[5] & 0xffff_ffff, 0x11, "cr0");
    assert_eq!(ctx.cpu_regs[13] & 0xffff, 0xc9b, "cs_ar at byte 104");
}

/// Applies the writes to a model of guest memory and reads back what dom0 would find.
#[test]
fn writes_put_everything_where_start_info_says() {
    let kernel = kernel64();
    let initrd: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
    let modules = [Dom0Module {
        image: &initrd,
        cmdline: Some(b"rdinit=/sh"),
    }];
    let cfg = config(&kernel, &modules, b"console=hvc0 loglevel=8");
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();

    let base = KERNEL_PADDR;
    let mut memory = vec![0x55u8; 0x10_0000];
    let mut covered = 0u64;
    for w in plan.writes().iter() {
        let off = (w.paddr - base) as usize;
        match w.data {
            GuestData::Bytes(b) => {
                memory[off..off + b.len()].copy_from_slice(b);
                covered += b.len() as u64;
            }
            GuestData::Zeros(n) => {
                memory[off..off + n as usize].fill(0);
                covered += n;
            }
        }
    }
    let read = |paddr: u64, len: usize| &memory[(paddr - base) as usize..][..len];
    let u64_at = |paddr: u64| u64::from_le_bytes(read(paddr, 8).try_into().unwrap());
    let c_string = |paddr: u64| {
        let s = &memory[(paddr - base) as usize..];
        s[..s.iter().position(|&c| c == 0).unwrap()].to_vec()
    };

    // The kernel: its bytes, then zeros to p_memsz.
    let seg = Elf::parse(&kernel).unwrap().load_segments().next().unwrap();
    assert_eq!(
        read(base, 0x3000),
        Elf::parse(&kernel).unwrap().segment_data(&seg)
    );
    assert!(read(base + 0x3000, 0x2000).iter().all(|&b| b == 0));

    // What dom0 finds from EBX.
    let si = plan.vcpu.ebx as u64;
    assert_eq!(read(si, 4), 0x336e_c578u32.to_le_bytes());
    assert_eq!(c_string(u64_at(si + 24)), b"console=hvc0 loglevel=8");
    let modlist = u64_at(si + 16);
    assert_eq!(read(si + 12, 4), 1u32.to_le_bytes());
    let (mpaddr, msize, mcmd) = (u64_at(modlist), u64_at(modlist + 8), u64_at(modlist + 16));
    assert_eq!(read(mpaddr, msize as usize), &initrd[..]);
    assert_eq!(c_string(mcmd), b"rdinit=/sh");
    assert_eq!(u64_at(modlist + 24), 0, "reserved");
    let expected = 0x5000 + 5000 + 11 + 24 + 32 + 56;
    assert_eq!(covered, expected);
}

#[test]
fn elf32_kernels_get_4_byte_alignment_and_no_module_means_no_modlist() {
    let kernel = build(&kernel_spec(false));
    let cfg = config(&kernel, &[], b"ab");
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();
    let after_kernel = KERNEL_PADDR + 0x5000;
    assert_eq!(plan.start_info.cmdline_paddr, after_kernel);
    // "ab\0" is 3 bytes, rounded to 4 for ELF32 (8 for ELF64).
    assert_eq!(plan.start_info_paddr, after_kernel + 4);
    assert_eq!(
        (plan.start_info.nr_modules, plan.start_info.modlist_paddr),
        (0, 0)
    );

    let mut cfg = cfg;
    cfg.cmdline = None;
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();
    assert_eq!(
        (plan.start_info.cmdline_paddr, plan.start_info_paddr),
        (0, after_kernel)
    );
}

/// __start_xen copies the command line into dom0_cmdline[MAX_GUEST_CMDLINE] with safe_strcpy.
#[test]
fn long_command_lines_are_cut_like_xen() {
    let long = vec![b'x'; 2000];
    assert_eq!(cook_dom0_cmdline(&long), (&long[..1023], true));
    assert_eq!(cook_dom0_cmdline(b"  a b\0c"), (&b"a b"[..], false));
}

/// A range of dom0's p2m backed by `backing`.
fn p2m(backing: Dom0Backing) -> impl Fn(u64, u64) -> Dom0P2mRange {
    move |gfn, nr_pages| Dom0P2mRange {
        gfn,
        nr_pages,
        backing,
    }
}

/// A BIOS machine's map with ACPI and NVS ranges above 1 MiB that share a page.
fn acpi_map() -> Vec<E820Entry> {
    vec![
        e(0, 0x9fc00, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xe8000, 0x18000, E820_RESERVED),
        e(MIB, 0x3ff0_0000 - MIB, E820_RAM),
        e(0x3ff0_0000, 0x1_0800, E820_ACPI),
        e(0x3ff1_0800, 0xf800, E820_NVS),
        e(0x3ff2_0000, 0xe_0000, E820_RESERVED),
        e(0xfec0_0000, 0x1000, E820_RESERVED),
        e(0xfee0_0000, 0x1000, E820_RESERVED),
    ]
}

/// Xen 4.17's `dom0_construct_pvh`, by hand: first `arch_iommu_hwdom_init`
/// (xen/drivers/passthrough/x86/iommu.c `hwdom_iommu_map`: pages touching a reserved range,
/// p2m_mmio_direct with p2m_access_rw, not the IO-APIC's nor the local APIC's page); then
/// xen/arch/x86/hvm/dom0_build.c `pvh_populate_p2m`: RAM entries populated in map order, the part
/// below 1 MiB a copy of the host's (`hvm_copy_to_guest_phys(.., mfn_to_virt(addr), ..)`), then
/// every page below 1 MiB not yet mapped identity-mapped (`set_mmio_p2m_entry`); then
/// `pvh_setup_acpi`: the ACPI and NVS entries, from `PFN_DOWN(addr)` for
/// `PFN_UP((addr & ~PAGE_MASK) + size)` pages (`modify_identity_mmio`). dom0's E820_UNUSABLE
/// tail is not mapped.
#[test]
fn p2m_plan_copies_low_ram_and_identity_maps_the_rest_of_the_first_mib_and_acpi() {
    let (ram, copied) = (p2m(Dom0Backing::Ram), p2m(Dom0Backing::RamCopiedFromHost));
    let (identity, reserved) = (
        p2m(Dom0Backing::Identity),
        p2m(Dom0Backing::IdentityReserved),
    );
    let kernel = kernel64();
    let cfg = config(&kernel, &[], b"");
    let plan = plan_pvh_dom0(&cfg, acpi_map()).unwrap();
    let nr_pages = 512 * 256;
    assert_eq!(plan.pages.nr_pages, nr_pages);
    let got: Vec<_> = plan.p2m_ranges().collect();
    assert_eq!(
        got,
        [
            // The EBDA's page (with the last KiB of the host's low RAM) and the BIOS.
            reserved(0x9f, 1),
            reserved(0xe8, 0x18),
            // The reserved range after the NVS one; the IO-APIC's and local APIC's pages not.
            reserved(0x3ff20, 0xe0),
            copied(0, 0x9f),
            ram(0x100, nr_pages - 0x9f),
            // The VGA window and the option ROMs: no e820 entry, below 1 MiB.
            identity(0xa0, 0xe8 - 0xa0),
            // ACPI: [0x3ff00000, 0x3ff10800) touches pages 0x3ff00..=0x3ff10.
            identity(0x3ff00, 0x11),
            // NVS: [0x3ff10800, 0x3ff20000) from page 0x3ff10 (shared with the ACPI range).
            identity(0x3ff10, 0x10),
        ]
    );
    let how: Vec<_> = got
        .iter()
        .map(|r| (r.backing.p2m_type(), r.backing.p2m_access()))
        .collect();
    let rw = (P2mType::MmioDirect, P2mAccess::Rw);
    let rwx = (P2mType::MmioDirect, P2mAccess::Rwx);
    let ram_rw = (P2mType::RamRw, P2mAccess::Rwx);
    assert_eq!(how, [rw, rw, rw, ram_rw, ram_rw, rwx, rwx, rwx]);
    // dom0's map says so: RAM, then what was RAM beyond dom0's share as UNUSABLE.
    let ram_end = MIB + (nr_pages - 0x9f) * 4096;
    assert!(plan
        .e820
        .iter()
        .any(|x| x == e(ram_end, 0x3ff0_0000 - ram_end, E820_UNUSABLE)));
}

/// hwdom_iommu_map's other rules: a page that only touches a reserved range is mapped (its type
/// has RAM_TYPE_RESERVED), pages shared by two reserved ranges are mapped once, MMCFG regions
/// (`vpci_is_mmcfg_address`) are not, and above 4 GiB only frames below the end of RAM
/// (`mfn_valid`) are. A reserved page below 1 MiB is not mapped again by the first-MiB loop.
#[test]
fn reserved_ranges_are_identity_mapped_as_hwdom_iommu_map_does() {
    let (identity, reserved) = (
        p2m(Dom0Backing::Identity),
        p2m(Dom0Backing::IdentityReserved),
    );
    let kernel = kernel64();
    let mut cfg = config(&kernel, &[], b"");
    let mmcfg = [(0xb000_0000, 0xc000_0000)];
    cfg.mmcfg = &mmcfg;
    cfg.ioapics = &[
        IOAPIC0,
        MadtIoapic {
            id: 1,
            address: 0xfec2_0000,
            gsi_base: 24,
        },
    ];
    let host = [
        e(0, 0x9f000, E820_RAM),
        e(0x9f000, 0x1000, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, (1 << 30) - MIB, E820_RAM),
        e(0x4000_0800, 0x800, E820_RESERVED), // shares page 0x40000 with the next
        e(0x4000_1000, 0x1800, E820_RESERVED), // its last page is partly a hole
        e(0xaff0_0000, 0x20_0000, E820_RESERVED), // ends inside the MMCFG region
        e(0xfec0_0000, 0x3_0000, E820_RESERVED), // two IO-APICs inside
        e(0xfee0_0000, 0x10_0000, E820_RESERVED),
        e(4 << 30, 1 << 30, E820_RAM),
        e(5 << 30, 0x1000, E820_RESERVED), // above 4 GiB, past the end of RAM
        e(0x1_0800_0000, 0x1000, E820_RESERVED), // overlaps RAM: reserved wins in sanitize
    ];
    let plan = plan_pvh_dom0(&cfg, host).unwrap();
    let got: Vec<_> = plan
        .p2m_ranges()
        .filter(|r| r.backing == Dom0Backing::IdentityReserved)
        .collect();
    assert_eq!(
        got,
        [
            reserved(0x9f, 1),
            reserved(0xf0, 0x10),
            reserved(0x40000, 3),
            reserved(0xaff00, 0x100),
            reserved(0xfec01, 0x1f),
            reserved(0xfec21, 0xf),
            reserved(0x108000, 1),
        ]
    );
    let low: Vec<_> = plan
        .p2m_ranges()
        .filter(|r| r.backing == Dom0Backing::Identity)
        .collect();
    assert_eq!(low, [identity(0xa0, 0x50)]);
}

/// The same rules where ranges cross 1 MiB: a RAM entry is split at gfn 0x100 between the copy
/// and plain RAM, no page below 1 MiB is left unmapped, and an NVS range crossing 1 MiB is mapped
/// only above it ("This shouldn't happen, but is easy to deal with").
#[test]
fn p2m_plan_splits_ranges_that_cross_the_first_mib() {
    let (ram, copied) = (p2m(Dom0Backing::Ram), p2m(Dom0Backing::RamCopiedFromHost));
    let identity = p2m(Dom0Backing::Identity);
    let kernel = kernel64();
    let cfg = config(&kernel, &[], b"");
    let plan = plan_pvh_dom0(
        &cfg,
        [e(0, 64 * MIB, E820_RAM), e(64 * MIB, 1 << 30, E820_RAM)],
    )
    .unwrap();
    let got: Vec<_> = plan.p2m_ranges().collect();
    assert_eq!(got, [copied(0, 0x100), ram(0x100, 512 * 256 - 0x100)]);

    let plan = plan_pvh_dom0(
        &cfg,
        [
            e(0x1000, 0x7_f000, E820_RAM),
            e(0xfc000, 0x8000, E820_NVS),
            e(0x104000, 1 << 30, E820_RAM),
        ],
    )
    .unwrap();
    let got: Vec<_> = plan.p2m_ranges().collect();
    assert_eq!(
        got,
        [
            copied(1, 0x7f),
            ram(0x104, 512 * 256 - 0x7f),
            // Page 0 is not RAM in this map: identity-mapped like the rest.
            identity(0, 1),
            identity(0x80, 0x80),
            identity(0x100, 4),
        ]
    );
    // An ACPI range wholly below 1 MiB adds nothing: the first loop mapped it.
    let plan = plan_pvh_dom0(
        &cfg,
        [
            e(0, 0x9f000, E820_RAM),
            e(0xe0000, 0x1000, E820_ACPI),
            e(MIB, 1 << 30, E820_RAM),
        ],
    )
    .unwrap();
    let got: Vec<_> = plan.p2m_ranges().collect();
    assert_eq!(
        got,
        [
            copied(0, 0x9f),
            ram(0x100, 512 * 256 - 0x9f),
            identity(0x9f, 0x61)
        ]
    );
}

#[test]
fn kernel_outside_ram_or_overlapping_itself_is_refused() {
    // The kernel in the 3 GiB..4 GiB PCI hole.
    let mut spec = kernel_spec(true);
    spec.segs = vec![Seg::load(0xf000_0000, 0x100, 0x1000)];
    spec.notes = linux_notes(0xf000_0000);
    let kernel = build(&spec);
    let r = plan_pvh_dom0(&config(&kernel, &[], b""), qemu_map());
    assert_eq!(
        r.err(),
        Some(Dom0BuildError::KernelNotInRam {
            start: 0xf000_0000,
            end: 0xf000_1000
        })
    );
    // Past dom0's 512 MiB of RAM (the host has RAM there, dom0 does not).
    let mut spec = kernel_spec(true);
    spec.segs = vec![Seg::load(1 << 30, 0x100, 0x1000)];
    spec.notes = linux_notes(1 << 30);
    let kernel = build(&spec);
    assert!(matches!(
        plan_pvh_dom0(&config(&kernel, &[], b""), qemu_map()),
        Err(Dom0BuildError::KernelNotInRam { .. })
    ));
    // Two segments sharing memory.
    let mut spec = kernel_spec(true);
    spec.segs
        .push(Seg::load(KERNEL_PADDR + 0x4000, 0x10, 0x100));
    let kernel = build(&spec);
    assert_eq!(
        plan_pvh_dom0(&config(&kernel, &[], b""), qemu_map()).err(),
        Some(Dom0BuildError::SegmentsOverlap {
            first: KERNEL_PADDR,
            second: KERNEL_PADDR + 0x4000
        })
    );
}

/// find_memory: RAM above 1 MiB only, the larger side of the kernel's range; none big enough is
/// "Unable to find a memory region to load initrd and metadata".
#[test]
fn metadata_goes_to_the_larger_side_or_fails() {
    let kernel = kernel64();
    // RAM [1M, 16M + 20K + 8K): 15 MiB before the kernel, 8 KiB after it.
    let map = [e(0, 0x9f000, E820_RAM), e(MIB, 15 * MIB + 0x7000, E820_RAM)];
    let mut cfg = config(&kernel, &[], b"x");
    cfg.dom0_mem = mem(&format!("{}K", 0x9f * 4 + 15 * 1024 + 28));
    let plan = plan_pvh_dom0(&cfg, map).unwrap();
    assert_eq!(plan.metadata.0, MIB);

    // No room anywhere above 1 MiB.
    let map = [e(0, 0x9f000, E820_RAM), e(KERNEL_PADDR, 0x5000, E820_RAM)];
    cfg.dom0_mem = mem(&format!("{}K", 0x9f * 4 + 20));
    assert_eq!(
        plan_pvh_dom0(&cfg, map).err(),
        Some(Dom0BuildError::NoMetadataSpace { size: 56 + 8 })
    );
    // Room only above 4 GiB: start_info would be out of EBX's reach.
    let map = [
        e(0, 0x9f000, E820_RAM),
        e(KERNEL_PADDR, 0x5000, E820_RAM),
        e(4 << 30, MIB, E820_RAM),
    ];
    cfg.dom0_mem = mem(&format!("{}K", 0x9f * 4 + 20 + 1024));
    assert_eq!(
        plan_pvh_dom0(&cfg, map).err(),
        Some(Dom0BuildError::StartInfoAbove4G {
            paddr: (4 << 30) + 8
        })
    );
}

#[test]
fn a_broken_kernel_is_reported_not_planned() {
    let mut kernel = kernel64();
    kernel.truncate(100);
    assert!(matches!(
        plan_pvh_dom0(&config(&kernel, &[], b""), qemu_map()),
        Err(Dom0BuildError::Elf(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// No input panics.

fn mutate(mut img: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let len = img.len();
    for &(pos, byte) in edits {
        img[pos % len] = byte;
    }
    if let Some(c) = cut {
        img.truncate(c % (len + 1));
    }
    img
}

fn exercise(img: &[u8]) {
    if let Ok(elf) = Elf::parse(img) {
        for ph in elf.program_headers() {
            let _ = elf.segment_data(&ph);
            if ph.p_type == PT_NOTE {
                notes(elf.segment_data(&ph)).for_each(drop);
            }
        }
        for sh in elf.section_headers() {
            notes(elf.section_data(&sh)).for_each(drop);
        }
        let _ = elf.phys_bounds();
        let _ = elf.xen_notes();
        let _ = elf.pvh_kernel();
    }
    let modules = [Dom0Module {
        image: &[1, 2, 3],
        cmdline: Some(b"m"),
    }];
    if let Ok(plan) = plan_pvh_dom0(&config(img, &modules, b"c"), qemu_map()) {
        let _ = plan.writes();
        let _ = plan.p2m_ranges().count();
    }
}

// ---------------------------------------------------------------------------------------------
// dom0's ACPI tables in the plan (hvm/dom0_build.c pvh_setup_acpi; the rules themselves are in
// tests/dom0_acpi.rs).

fn acpi_table(sig: &[u8; 4], address: u64, length: u32) -> AcpiTable {
    AcpiTable {
        signature: *sig,
        address,
        length,
    }
}

/// A host table header with QEMU's OEM fields and a good checksum.
fn acpi_header(sig: &[u8; 4], length: u32) -> [u8; 36] {
    let mut h = [0u8; 36];
    h[..4].copy_from_slice(sig);
    h[4..8].copy_from_slice(&length.to_le_bytes());
    h[8] = 1;
    h[10..16].copy_from_slice(b"BOCHS ");
    h[16..24].copy_from_slice(b"BXPC    ");
    h
}

const QEMU_OVERRIDES: [MadtIntSrcOverride; 2] = [
    MadtIntSrcOverride {
        bus: 0,
        source_irq: 0,
        gsi: 2,
        flags: 0,
    },
    MadtIntSrcOverride {
        bus: 0,
        source_irq: 9,
        gsi: 9,
        flags: 0xd,
    },
];

/// QEMU's ACPI 1.0 RSDP and RSDT, with `tables` as the root table list.
fn qemu_acpi(tables: &[AcpiTable]) -> HostAcpi<'_> {
    HostAcpi {
        rsdp: Rsdp {
            address: 0xf59d0,
            oem_id: *b"BOCHS ",
            revision: 0,
            rsdt: 0x7ffe_1ad8,
            xsdt: 0,
        },
        root_header: Some(acpi_header(b"RSDT", 0x34)),
        tables,
        madt_header: Some(acpi_header(b"APIC", 0x78)),
        overrides: &QEMU_OVERRIDES,
    }
}

/// QEMU's map with 2 GiB: the ACPI tables in the reserved range at the top of low RAM.
fn qemu_2g_map() -> Vec<E820Entry> {
    vec![
        e(0, 0x9fc00, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, 0x7ffe_0000 - MIB, E820_RAM),
        e(0x7ffe_0000, 0x2_0000, E820_RESERVED),
        e(0xfffc_0000, 0x4_0000, E820_RESERVED),
    ]
}

fn qemu_tables() -> Vec<AcpiTable> {
    vec![
        acpi_table(b"DSDT", 0x7ffe_0040, 0x194c),
        acpi_table(b"FACS", 0x7ffe_0000, 0x40),
        acpi_table(b"FACP", 0x7ffe_198c, 0x74),
        acpi_table(b"APIC", 0x7ffe_1a00, 0x78),
        acpi_table(b"HPET", 0x7ffe_1a78, 0x38),
        acpi_table(b"WAET", 0x7ffe_1ab0, 0x28),
    ]
}

/// Physical memory as dom0 finds it: a few regions, reads inside one of them.
struct Memory(Vec<(u64, Vec<u8>)>);

impl Memory {
    fn read(&self, at: u64, buf: &mut [u8]) -> bool {
        self.0.iter().any(|(base, data)| {
            let off = at.wrapping_sub(*base) as usize;
            let ok = at >= *base
                && off
                    .checked_add(buf.len())
                    .is_some_and(|end| end <= data.len());
            if ok {
                buf.copy_from_slice(&data[off..off + buf.len()]);
            }
            ok
        })
    }
}

/// pvh_setup_acpi in the plan: dom0's MADT, XSDT and RSDP are written at the end of its last RAM
/// range below 4 GiB, which dom0's map (XENMEM_memory_map) ends early with an E820_ACPI entry
/// over them, and hvm_start_info.rsdp_paddr points at the RSDP. Read back from dom0's memory
/// with the host-side parser (ACPICA's rules), the tables give the root table list Linux sees:
/// the DSDT and FACS through the host's FADT, the FADT, and dom0's MADT with the host's IO-APICs
/// and overrides; the host's MADT, HPET and WAET are gone.
#[test]
fn plan_gives_dom0_its_own_acpi_tables() {
    let kernel = kernel64();
    let tables = qemu_tables();
    let mut cfg = config(&kernel, &[], b"console=hvc0");
    cfg.acpi = Some(qemu_acpi(&tables));
    cfg.max_vcpus = 2;
    let ioapics = [
        IOAPIC0,
        MadtIoapic {
            id: 1,
            address: 0xfec0_1000,
            gsi_base: 24,
        },
    ];
    cfg.ioapics = &ioapics;
    let plan = plan_pvh_dom0(&cfg, qemu_2g_map()).unwrap();
    let acpi = plan.acpi.as_ref().unwrap();

    // The RAM dom0 got ends here (pvh_setup_e820: 512 MiB, less the pages below 1 MiB).
    let ram_end = MIB + (plan.pages.nr_pages - 0x9f) * 4096;
    let madt_len = 44 + 2 * 12 + 2 * 16 + 2 * 10;
    assert_eq!(acpi.madt_paddr, ram_end - madt_len);
    assert_eq!(acpi.xsdt_paddr, acpi.madt_paddr - (36 + 2 * 8));
    assert_eq!(acpi.rsdp_paddr, acpi.xsdt_paddr - 36);
    assert_eq!(plan.start_info.rsdp_paddr, acpi.rsdp_paddr);
    assert_eq!(
        plan.start_info_bytes()[32..40],
        acpi.rsdp_paddr.to_le_bytes()
    );

    // dom0's map: RAM up to the RSDP, the tables E820_ACPI, the rest of the host's RAM unusable.
    let got: Vec<_> = plan.e820.iter().collect();
    assert_eq!(
        got[3..6],
        [
            e(MIB, acpi.rsdp_paddr - MIB, E820_RAM),
            e(acpi.rsdp_paddr, ram_end - acpi.rsdp_paddr, E820_ACPI),
            e(ram_end, 0x7ffe_0000 - ram_end, E820_UNUSABLE),
        ]
    );

    // Write everything into a model of dom0's memory, with the host's tables where they are.
    let mut guest = Memory(vec![(
        KERNEL_PADDR,
        vec![0; (ram_end - KERNEL_PADDR) as usize],
    )]);
    for w in plan.writes().iter() {
        let (base, data) = &mut guest.0[0];
        let off = (w.paddr - *base) as usize;
        match w.data {
            GuestData::Bytes(b) => data[off..off + b.len()].copy_from_slice(b),
            GuestData::Zeros(n) => data[off..off + n as usize].fill(0),
        }
    }
    let mut host_tables = vec![0u8; 0x2000];
    let mut fadt = acpi_header(b"FACP", 0x74).to_vec();
    fadt.resize(0x74, 0);
    fadt[36..40].copy_from_slice(&0x7ffe_0000u32.to_le_bytes()); // FACS
    fadt[40..44].copy_from_slice(&0x7ffe_0040u32.to_le_bytes()); // DSDT
    host_tables[0x198c..0x198c + 0x74].copy_from_slice(&fadt);
    host_tables[0x40..0x40 + 36].copy_from_slice(&acpi_header(b"DSDT", 0x194c));
    host_tables[..4].copy_from_slice(b"FACS");
    host_tables[4..8].copy_from_slice(&0x40u32.to_le_bytes());
    guest.0.push((0x7ffe_0000, host_tables));
    let read = |at: u64, buf: &mut [u8]| guest.read(at, buf);

    let rsdp = boot_shim::acpi::read_rsdp(&read, plan.start_info.rsdp_paddr).unwrap();
    assert_eq!((rsdp.revision, rsdp.xsdt), (2, acpi.xsdt_paddr));
    let mut raw = [0u8; 36];
    assert!(read(acpi.rsdp_paddr, &mut raw) && boot_shim::acpi::validate_rsdp(&raw));
    let seen: Vec<_> = boot_shim::acpi::root_tables(&read, acpi.rsdp_paddr)
        .iter()
        .map(|t| (t.signature, t.address))
        .collect();
    assert_eq!(
        seen,
        [
            (*b"DSDT", 0x7ffe_0040),
            (*b"FACS", 0x7ffe_0000),
            (*b"APIC", acpi.madt_paddr),
            (*b"FACP", 0x7ffe_198c),
        ]
    );
    let madt = boot_shim::acpi::parse_madt(
        &read,
        &acpi_table(b"APIC", acpi.madt_paddr, madt_len as u32),
    )
    .unwrap();
    assert_eq!(madt.ioapics, ioapics);
    assert_eq!(madt.overrides, QEMU_OVERRIDES);
    assert_eq!((madt.lapic_address, madt.flags), (0xfee0_0000, 0));
    assert!(madt.nmi_sources.is_empty() && madt.lapic_nmis.is_empty());
    assert_eq!(&madt.header[10..16], b"BOCHS ");
}

/// The tables' pages were populated as RAM before pvh_setup_acpi stole them (pvh_populate_p2m
/// runs first, and "Identity map ACPI e820 regions" runs before the steal): the p2m is the one a
/// dom0 without them gets, although dom0's map differs.
#[test]
fn dom0_acpi_tables_stay_ram_in_the_p2m() {
    let kernel = kernel64();
    let tables = qemu_tables();
    let without = config(&kernel, &[], b"");
    let mut with = without;
    with.acpi = Some(qemu_acpi(&tables));
    let (a, b) = (
        plan_pvh_dom0(&without, acpi_map()).unwrap(),
        plan_pvh_dom0(&with, acpi_map()).unwrap(),
    );
    assert_eq!(
        a.p2m_ranges().collect::<Vec<_>>(),
        b.p2m_ranges().collect::<Vec<_>>()
    );
    assert_ne!(a.e820, b.e820);
    let (start, end) = b.acpi.as_ref().unwrap().range();
    let ram = b
        .p2m_ranges()
        .find(|r| r.backing == Dom0Backing::Ram)
        .unwrap();
    assert!(ram.gfn * 4096 <= start && end <= (ram.gfn + ram.nr_pages) * 4096);
}

/// Tables that would land on the kernel are an error (Xen copies them over it): here dom0's last
/// RAM range below 4 GiB ends where the kernel does.
#[test]
fn dom0_acpi_tables_never_overwrite_the_kernel() {
    let kernel = kernel64();
    let tables = qemu_tables();
    let mut cfg = config(&kernel, &[], b"");
    cfg.acpi = Some(qemu_acpi(&tables));
    let kernel_end = KERNEL_PADDR + 0x5000;
    let host = [
        e(0, 0x9f000, E820_RAM),
        e(MIB, kernel_end - MIB, E820_RAM),
        e(0x7ffe_0000, 0x2_0000, E820_RESERVED),
    ];
    cfg.dom0_mem = mem(&format!("{}K", (0x9f000 + kernel_end - MIB) >> 10));
    let err = plan_pvh_dom0(&cfg, host).err();
    assert!(
        matches!(err, Some(Dom0BuildError::AcpiTablesOverlap { end, .. }) if end == kernel_end),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A direct-mapped dom0 (Xen on Arm's allocate_memory_11; x86's pvh_setup_e820 and
// pvh_populate_p2m for what stays as Xen's PVH builder does it).

/// The free frames `[lo, hi)` minus the runs `held` (first frame, length): what the heap gives
/// the planner.
fn free_runs(lo: u64, hi: u64, held: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut free = vec![true; (hi - lo) as usize];
    for &(s, n) in held {
        for f in s.max(lo)..(s + n).min(hi) {
            free[(f - lo) as usize] = false;
        }
    }
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for (i, &f) in free.iter().enumerate() {
        let frame = lo + i as u64;
        match runs.last_mut() {
            Some((_, end)) if f && *end == frame => *end += 1,
            _ if f => runs.push((frame, frame + 1)),
            _ => {}
        }
    }
    runs
}

/// The e820 ranges of type `ty`, as `[start, end)` byte ranges.
fn ranges_of(e820: &Dom0E820, ty: u32) -> Vec<(u64, u64)> {
    e820.iter()
        .filter(|x| x.r#type == ty)
        .map(|x| (x.addr, x.end()))
        .collect()
}

/// dom0's RAM ranges merged whatever backs them, `[start, end)` in bytes.
fn ram_bytes(plan: &Dom0Plan<'_>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for r in plan.ram.iter() {
        let (s, e) = (r.gfn * 4096, (r.gfn + r.nr_pages) * 4096);
        match out.last_mut() {
            Some((_, end)) if *end == s => *end = e,
            _ => out.push((s, e)),
        }
    }
    out
}

/// QEMU with 1 GiB as xen-rs leaves it before building dom0 (the console of a Debian boot):
/// the image at [2 MiB, 0x358000), the modules moved to the top of RAM and the xenheap below
/// them, the decompressed kernel's buffer at 768 MiB. dom0 (512 MiB) gets the RAM below 1 MiB
/// copied as Xen's PVH builder does, and above it the frames with its own numbers, lowest
/// first, the kernel's at 16 MiB among them; its map says RAM exactly there, unusable for the
/// rest of the host's RAM (the image's hole included), and its modules and metadata land in
/// that RAM.
#[test]
fn a_direct_mapped_dom0_gets_its_ram_where_the_heap_has_free_frames() {
    let map = vec![
        e(0, 0x9fc00, E820_RAM),
        e(0x9fc00, 0x400, E820_RESERVED),
        e(0xf0000, 0x10000, E820_RESERVED),
        e(MIB, 0x3ffe_0000 - MIB, E820_RAM),
        e(0x3ffe_0000, 0x2_0000, E820_RESERVED),
        e(0xfffc_0000, 0x4_0000, E820_RESERVED),
    ];
    let free = free_runs(
        0x100,
        0x3ffe0,
        &[(0x200, 0x158), (0x30000, 0x4000), (0x3a000, 0x5fe0)],
    );
    let kernel = kernel64();
    let initrd = vec![0x55u8; 3 * MIB as usize];
    let modules = [Dom0Module {
        image: &initrd,
        cmdline: Some(b""),
    }];
    let mut cfg = config(&kernel, &modules, b"console=hvc0");
    cfg.heap_free = Some(&free);
    let plan = plan_pvh_dom0(&cfg, map.clone()).unwrap();
    assert!(plan.direct_mapped);
    let nr = plan.pages.nr_pages;
    assert_eq!(nr, 512 * 256);
    let want_ram = [
        (0, 0x9f, Dom0Backing::RamCopiedFromHost),
        (0x100, 0x200, Dom0Backing::Direct),
        // 0x9f low pages and 0x100 pages below the image: the rest from 0x358 up.
        (0x358, 0x358 + nr - 0x9f - 0x100, Dom0Backing::Direct),
    ];
    let got: Vec<_> = plan
        .ram
        .iter()
        .map(|r| (r.gfn, r.gfn + r.nr_pages, r.backing))
        .collect();
    assert_eq!(got, want_ram);
    let ram_end = (0x358 + nr - 0x9f - 0x100) * 4096;
    assert_eq!(
        ranges_of(&plan.e820, E820_RAM),
        [(0, 0x9f000), (MIB, 2 * MIB), (0x358000, ram_end)]
    );
    assert_eq!(
        ranges_of(&plan.e820, E820_UNUSABLE),
        [(2 * MIB, 0x358000), (ram_end, 0x3ffe_0000)]
    );
    // Non-RAM entries are the host's.
    for x in map.iter().filter(|x| x.r#type != E820_RAM) {
        assert!(plan.e820.iter().any(|y| y == *x), "{x:?}");
    }
    // The kernel, the module and the metadata lie in direct-mapped RAM.
    let direct = |s: u64, e: u64| {
        plan.ram.iter().any(|r| {
            r.backing == Dom0Backing::Direct
                && r.gfn * 4096 <= s
                && e <= (r.gfn + r.nr_pages) * 4096
        })
    };
    assert!(direct(plan.kernel.pstart, plan.kernel.pend));
    assert!(direct(plan.metadata.0, plan.metadata.1));
    let m = plan.modules.get(0).unwrap();
    assert!(direct(m.paddr, m.paddr + m.size));
    // The p2m maps that RAM and nothing else as RAM.
    let p2m_ram: Vec<_> = plan
        .p2m_ranges()
        .filter(|r| r.backing.is_ram())
        .map(|r| (r.gfn, r.gfn + r.nr_pages, r.backing))
        .collect();
    assert_eq!(p2m_ram, want_ram);
}

/// The kernel's frames that the hypervisor holds (here its image, as a kernel linked at 2 MiB
/// would find it) cannot be direct-mapped: they are RAM from elsewhere in the heap, and only
/// they; the map still says RAM there, since dom0's RAM is there.
#[test]
fn kernel_frames_the_hypervisor_holds_are_ram_from_elsewhere() {
    let mut spec = kernel_spec(true);
    spec.segs = vec![Seg::load(2 * MIB, 0x3000, 0x20_0000)];
    spec.notes = linux_notes(2 * MIB as u32);
    let kernel = build(&spec);
    let free = free_runs(0x100, 0x10_0000, &[(0x200, 0x158)]);
    let mut cfg = config(&kernel, &[], b"");
    cfg.heap_free = Some(&free);
    cfg.dom0_mem = mem("64M");
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();
    let got: Vec<_> = plan
        .ram
        .iter()
        .map(|r| (r.gfn, r.gfn + r.nr_pages, r.backing))
        .collect();
    let rest = 0x400 + (64 * 256 - 0x9f - 0x100 - 0x200);
    assert_eq!(
        got,
        [
            (0, 0x9f, Dom0Backing::RamCopiedFromHost),
            (0x100, 0x200, Dom0Backing::Direct),
            (0x200, 0x358, Dom0Backing::Ram),
            (0x358, rest, Dom0Backing::Direct),
        ]
    );
    assert_eq!(
        ranges_of(&plan.e820, E820_RAM),
        [(0, 0x9f000), (MIB, rest * 4096)]
    );
}

/// What cannot be direct-mapped is an error, never a silent change of layout: a kernel outside
/// the host's RAM (check_load_address), a dom0_mem too small for the RAM below 1 MiB and the
/// kernel, and too few free frames (Xen on Arm's allocate_memory_11 panics "Failed to allocate
/// requested dom0 memory. %ldMB unallocated").
#[test]
fn direct_mapping_failures_are_clear_errors() {
    let kernel = kernel64();
    let mut cfg = config(&kernel, &[], b"");
    let free = free_runs(0x100, 0x10_0000, &[]);
    cfg.heap_free = Some(&free);
    // RAM only below 15 MiB and above 20 MiB: the kernel at 16 MiB is in a hole.
    let holed = vec![
        e(0, 0x9fc00, E820_RAM),
        e(MIB, 14 * MIB, E820_RAM),
        e(20 * MIB, 1 << 30, E820_RAM),
    ];
    assert!(matches!(
        plan_pvh_dom0(&cfg, holed),
        Err(Dom0BuildError::KernelNotInRam { .. })
    ));
    // 160 pages: the 0x9f below 1 MiB and the kernel's 5 do not fit.
    cfg.dom0_mem = mem("640K");
    let too_small = plan_pvh_dom0(&cfg, qemu_map()).unwrap_err();
    assert_eq!(
        too_small,
        Dom0BuildError::Dom0MemTooSmallForKernel {
            nr_pages: 160,
            needed: 0x9f + 5,
        }
    );
    // The heap says only 100 MiB above 1 MiB is free.
    cfg.dom0_mem = mem("512M");
    let free = free_runs(0x100, 0x100 + 100 * 256, &[]);
    cfg.heap_free = Some(&free);
    let short = plan_pvh_dom0(&cfg, qemu_map()).unwrap_err();
    assert_eq!(
        short.to_string(),
        format!(
            "Failed to allocate requested dom0 memory. {}MB unallocated",
            (512 * 256 - 0x9f - 100 * 256) >> 8
        )
    );
}

/// Without the heap's free frames the plan is Xen x86's: pvh_setup_e820's RAM in address
/// order, from any heap frames.
#[test]
fn without_free_frames_dom0_is_placed_as_xen_x86_places_it() {
    let kernel = kernel64();
    let cfg = config(&kernel, &[], b"");
    let plan = plan_pvh_dom0(&cfg, qemu_map()).unwrap();
    assert!(!plan.direct_mapped);
    let nr = plan.pages.nr_pages;
    let got: Vec<_> = plan
        .ram
        .iter()
        .map(|r| (r.gfn, r.gfn + r.nr_pages, r.backing))
        .collect();
    assert_eq!(
        got,
        [
            (0, 0x9f, Dom0Backing::RamCopiedFromHost),
            (0x100, 0x100 + nr - 0x9f, Dom0Backing::Ram),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&bytes);
        notes(&bytes).for_each(drop);
    }

    #[test]
    fn mutated_kernels_never_panic(
        class64 in any::<bool>(),
        sections in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut spec = kernel_spec(class64);
        if sections {
            spec.notes_in = NotesIn::Both;
        }
        exercise(&mutate(build(&spec), &edits, cut));
    }

    /// Mutations aimed at the header tables, where the interesting fields are.
    #[test]
    fn mutated_headers_never_panic(
        class64 in any::<bool>(),
        edits in proptest::collection::vec((0usize..300, any::<u8>()), 1..6),
    ) {
        let mut spec = kernel_spec(class64);
        spec.notes_in = NotesIn::Both;
        exercise(&mutate(build(&spec), &edits, None));
    }

    /// Whatever the host's map: dom0's RAM is nr_pages frames, copied from the host exactly
    /// below 1 MiB; every page below 1 MiB is mapped once (RAM or identity); no RAM page is also
    /// identity-mapped (pvh_populate_p2m's ASSERT: a page already mapped "must ... be identity
    /// mapped, or else be a RAM region"); pages mapped for being reserved touch a reserved host
    /// range, other identity pages above 1 MiB an ACPI or NVS entry; and no identity page lies
    /// wholly in the host's RAM, where the hypervisor's frames are.
    #[test]
    fn p2m_plan_maps_low_memory_once_and_identity_apart_from_ram(
        extra in proptest::collection::vec((0u64..0x3c00, 1u64..0x400, 1u32..6), 0..12),
        with_acpi in any::<bool>(),
        held in proptest::option::of(proptest::collection::vec((0x100u64..0x8000, 1u64..0x800), 0..6)),
    ) {
        // Random entries below 15 MiB (in KiB), then RAM for the kernel at 16 MiB.
        let mut host: Vec<_> = extra
            .iter()
            .map(|&(kib, len, t)| e(kib << 10, len << 10, t))
            .collect();
        host.push(e(16 * MIB, 1 << 30, E820_RAM));
        let kernel = kernel64();
        let mut cfg = config(&kernel, &[], b"");
        // Host tables wherever the random entries are: dom0's own are stolen from its RAM, which
        // stays RAM in the p2m.
        let tables: Vec<_> = extra
            .iter()
            .zip([b"FACP", b"APIC", b"SSDT", b"HPET"].iter().cycle())
            .map(|(&(kib, len, _), sig)| acpi_table(sig, kib << 10, (len << 10) as u32))
            .collect();
        if with_acpi {
            cfg.acpi = Some(qemu_acpi(&tables));
        }
        // Direct-mapped (with some frames held by the hypervisor) or not.
        let free = held.as_ref().map(|held| free_runs(0x100, 0x10_0000, held));
        cfg.heap_free = free.as_deref();
        let plan = plan_pvh_dom0(&cfg, host.clone()).unwrap();
        prop_assert_eq!(plan.acpi.is_some(), with_acpi);
        let ranges: Vec<_> = plan.p2m_ranges().collect();
        let ram_pages: u64 = ranges
            .iter()
            .filter(|r| !r.backing.is_identity())
            .map(|r| r.nr_pages)
            .sum();
        prop_assert_eq!(ram_pages, plan.pages.nr_pages);
        let mut low = [0u32; 256];
        for r in &ranges {
            prop_assert!(r.nr_pages > 0);
            let end = r.gfn + r.nr_pages;
            match r.backing {
                Dom0Backing::RamCopiedFromHost => prop_assert!(end <= 0x100),
                Dom0Backing::Ram | Dom0Backing::Direct => prop_assert!(r.gfn >= 0x100),
                Dom0Backing::Identity | Dom0Backing::IdentityReserved => {}
            }
            for gfn in r.gfn..end.min(0x100) {
                low[gfn as usize] += 1;
            }
            for o in &ranges {
                let overlap = r.gfn < o.gfn + o.nr_pages && o.gfn < end;
                if overlap && !core::ptr::eq(r, o) {
                    prop_assert!(
                        r.backing.is_identity() && o.backing.is_identity(),
                        "{:?} overlaps {:?}", r, o
                    );
                }
            }
        }
        prop_assert!(low.iter().all(|&n| n == 1), "{:?}", low);
        let host = sanitize_e820(host).unwrap();
        for r in ranges.iter().filter(|r| r.backing.is_identity()) {
            for gfn in r.gfn..r.gfn + r.nr_pages {
                let (s, t) = (gfn * 4096, gfn * 4096 + 4096);
                let touches = |x: &E820Entry, types: &[u32]| {
                    types.contains(&x.r#type) && x.addr < t && x.end() > s
                };
                if r.backing == Dom0Backing::IdentityReserved {
                    prop_assert!(host.iter().any(|x| touches(&x, &[E820_RESERVED])));
                } else if gfn >= 0x100 {
                    let acpi = plan.e820.iter().any(|x| touches(&x, &[E820_ACPI, E820_NVS]));
                    prop_assert!(acpi, "gfn {:#x}", gfn);
                }
                let host_ram = host.iter().any(|x| x.r#type == E820_RAM && x.addr <= s && x.end() >= t);
                prop_assert!(!host_ram, "gfn {:#x}", gfn);
            }
        }
    }

    /// A direct-mapped dom0 on any host map, any free frames and any kernel position: its RAM
    /// is nr_pages pages; below 1 MiB the host's RAM copied in address order; above it every
    /// direct-mapped frame is a free frame of host RAM, and the only other RAM is the kernel's
    /// frames the hypervisor holds; the kernel lies in its RAM; the free frames left out all lie
    /// above the direct-mapped ones (lowest first) but for those in the kernel's way; and its map
    /// lists RAM exactly where its RAM is, every other whole page of host RAM as unusable, and
    /// the host's other entries as they are.
    #[test]
    fn a_direct_mapped_dom0_has_ram_exactly_where_its_frames_are(
        extra in proptest::collection::vec((0u64..0x8000, 1u64..0x2000, 1u32..6), 0..10),
        held in proptest::collection::vec((0x100u64..0x20000, 1u64..0x1000), 0..8),
        kernel_mib in 1u64..48,
        size_mib in 60u64..400,
    ) {
        let mut host: Vec<_> = extra
            .iter()
            .map(|&(kib, len, t)| e(kib << 10, len << 10, t))
            .collect();
        host.push(e(0, 0x9fc00, E820_RAM));
        host.push(e(MIB, 511 * MIB, E820_RAM));
        let mut spec = kernel_spec(true);
        spec.segs = vec![Seg::load(kernel_mib * MIB, 0x3000, 0x5000)];
        spec.notes = linux_notes((kernel_mib * MIB) as u32);
        let kernel = build(&spec);
        let free = free_runs(0x100, 0x20000, &held);
        let mut cfg = config(&kernel, &[], b"");
        cfg.heap_free = Some(&free);
        cfg.dom0_mem = mem(&format!("{size_mib}M"));
        let plan = match plan_pvh_dom0(&cfg, host.clone()) {
            Ok(plan) => plan,
            // The random entries may take the kernel's RAM or too much of the rest.
            Err(Dom0BuildError::KernelNotInRam { .. } | Dom0BuildError::DirectMapShort { .. }) => {
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let host = sanitize_e820(host).unwrap();
        let host_ram = |f: u64| {
            host.iter().any(|x| x.r#type == E820_RAM && x.addr <= f * 4096 && (f + 1) * 4096 <= x.end())
        };
        let is_free = |f: u64| free.iter().any(|&(s, e)| s <= f && f < e);
        let (ks, ke) = (plan.kernel.pstart / 4096, plan.kernel.pend.div_ceil(4096));
        let mut total = 0;
        let mut last_end = 0;
        let mut direct_top = 0;
        for r in plan.ram.iter() {
            prop_assert!(r.gfn >= last_end, "sorted, disjoint");
            last_end = r.gfn + r.nr_pages;
            total += r.nr_pages;
            for f in r.gfn..r.gfn + r.nr_pages {
                prop_assert!(host_ram(f), "frame {:#x} is not host RAM", f);
                match r.backing {
                    Dom0Backing::RamCopiedFromHost => prop_assert!(f < 0x100),
                    Dom0Backing::Direct => {
                        prop_assert!(f >= 0x100 && is_free(f), "frame {:#x}", f);
                        if f < ks || f >= ke {
                            direct_top = direct_top.max(f);
                        }
                    }
                    Dom0Backing::Ram => prop_assert!(ks <= f && f < ke && !is_free(f)),
                    _ => prop_assert!(false, "{:?}", r),
                }
            }
        }
        prop_assert_eq!(total, plan.pages.nr_pages);
        let in_ram = |f: u64| plan.ram.iter().any(|r| r.gfn <= f && f < r.gfn + r.nr_pages);
        for f in ks.max(0x100)..ke {
            prop_assert!(in_ram(f), "kernel frame {:#x}", f);
        }
        for &(s, e) in &free {
            for f in s..e {
                if host_ram(f) && !in_ram(f) {
                    prop_assert!(f > direct_top, "free frame {:#x} skipped", f);
                }
            }
        }
        // The map: RAM entries are the RAM, merged.
        prop_assert_eq!(ranges_of(&plan.e820, E820_RAM), ram_bytes(&plan));
        for x in host.iter() {
            if x.r#type != E820_RAM {
                prop_assert!(plan.e820.iter().any(|y| y == x), "{:?}", x);
                continue;
            }
            for f in x.addr.div_ceil(4096)..x.end() / 4096 {
                let (s, t) = (f * 4096, f * 4096 + 4096);
                let ty = plan.e820.iter().find(|y| y.addr <= s && t <= y.end()).map(|y| y.r#type);
                prop_assert_eq!(ty, Some(if in_ram(f) { E820_RAM } else { E820_UNUSABLE }));
            }
        }
    }

    #[test]
    fn any_memory_map_and_size_never_panic(
        map in proptest::collection::vec((any::<u64>(), any::<u64>(), 0u32..8), 0..20),
        avail in any::<u64>(),
        vcpus in 0u32..300,
        size in any::<u64>(),
    ) {
        let kernel = kernel64();
        let tables = [acpi_table(b"FACP", size, vcpus), acpi_table(b"APIC", avail, 0x78)];
        let mut cfg = config(&kernel, &[], b"x");
        if size % 2 == 0 {
            cfg.acpi = Some(qemu_acpi(&tables));
        }
        cfg.avail_pages = avail;
        cfg.max_vcpus = vcpus;
        cfg.dom0_mem = mem(&format!("{}K", size >> 20));
        let map = map.into_iter().map(|(a, s, t)| e(a, s, t));
        let _ = plan_pvh_dom0(&cfg, map);
    }
}
