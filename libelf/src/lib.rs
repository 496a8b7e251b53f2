//! libelf: a validating ELF reader for PVH kernels, shared by the hypervisor's dom0 builder
//! (boot-shim) and the toolstack's domU builder, as Xen's xen/common/libelf is shared by Xen and
//! libxenguest. It reads the header, the program headers (PT_LOAD segments and PT_NOTE), the
//! section headers (for SHT_NOTE), the notes, and the Xen notes that Xen's PVH loader reads
//! (xen/common/libelf: `elf_init`, `elf_parse_binary`, `elf_xen_parse`, `elf_xen_parse_note`,
//! `elf_xen_note_check`, `elf_xen_addr_calc_check`, Xen 4.17).
//!
//! The kernel image comes from GRUB or a user's file and is not trusted: every field is bounds-
//! and overflow-checked before use and every malformed input is an [`ElfError`], never a panic or
//! an out-of-bounds read. Where libelf is lenient (it marks the image "broken" and carries on, or
//! reads a 0), this reader refuses the image instead; each such place says so.
//!
//! Only little-endian x86 images are accepted (ELF32 or ELF64, `EM_386` or `EM_X86_64`); libelf
//! itself would byte-swap other encodings, which an x86 kernel never needs.

#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

use core::fmt;

use xen_public::elfnote::*;
use xen_public::features::*;

/// `EM_386`: Intel 80386.
pub const EM_386: u16 = 3;
/// `EM_X86_64`: AMD x86-64.
pub const EM_X86_64: u16 = 62;
/// `ET_EXEC`: executable file.
pub const ET_EXEC: u16 = 2;
/// `ET_DYN`: shared object (position-independent executable).
pub const ET_DYN: u16 = 3;
/// `PT_LOAD`: loadable segment.
pub const PT_LOAD: u32 = 1;
/// `PT_NOTE`: note segment.
pub const PT_NOTE: u32 = 4;
/// `SHT_NOTE`: note section.
pub const SHT_NOTE: u32 = 7;
/// `PF_X`: executable segment.
pub const PF_X: u32 = 1;
/// `PF_W`: writable segment.
pub const PF_W: u32 = 2;
/// `PF_R`: readable segment.
pub const PF_R: u32 = 4;
/// `PN_XNUM`: e_phnum escape for extended numbering (the real count lives in section 0).
const PN_XNUM: u16 = 0xffff;

/// libelf's cap on the notes it walks in one image (`ELF_MAX_TOTAL_NOTE_COUNT`, libelf-private.h).
pub const ELF_MAX_TOTAL_NOTE_COUNT: usize = 65536;

/// libelf's `UNSET_ADDR32`: a PHYS32_ENTRY of this value counts as absent.
pub const UNSET_ADDR32: u32 = !0;

/// The size of a note header (`Elf32_Nhdr` and `Elf64_Nhdr` are both three 32-bit words).
const NOTE_HEADER_SIZE: usize = 12;

/// ELF file class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfClass {
    /// ELFCLASS32.
    Elf32,
    /// ELFCLASS64.
    Elf64,
}

impl ElfClass {
    const fn ehdr_size(self) -> usize {
        match self {
            ElfClass::Elf32 => 52,
            ElfClass::Elf64 => 64,
        }
    }
    const fn phdr_size(self) -> u64 {
        match self {
            ElfClass::Elf32 => 32,
            ElfClass::Elf64 => 56,
        }
    }
    const fn shdr_size(self) -> u64 {
        match self {
            ElfClass::Elf32 => 40,
            ElfClass::Elf64 => 64,
        }
    }
}

/// Why an image was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfError {
    /// Shorter than its ELF header.
    TooShort,
    /// No `\x7fELF` magic (libelf `elf_init`: "not an ELF binary"; a bzImage or compressed kernel
    /// is unwrapped by the bzimage crate first, as Xen's `bzimage_parse` runs before `elf_init`).
    BadMagic,
    /// EI_CLASS is neither ELFCLASS32 nor ELFCLASS64.
    BadClass(u8),
    /// EI_DATA is not ELFDATA2LSB.
    NotLittleEndian(u8),
    /// EI_VERSION or e_version is not EV_CURRENT.
    BadVersion,
    /// e_type is neither ET_EXEC nor ET_DYN.
    BadType(u16),
    /// e_machine is neither EM_386 nor EM_X86_64.
    BadMachine(u16),
    /// e_phnum is PN_XNUM (extended numbering), which kernels do not use.
    ExtendedNumbering,
    /// e_phentsize is smaller than a program header.
    BadPhentsize(u16),
    /// The program header table does not lie inside the file (libelf: "phdr overflow").
    PhdrTableOutOfFile,
    /// e_shentsize is smaller than a section header.
    BadShentsize(u16),
    /// The section header table does not lie inside the file (libelf: "shdr overflow").
    ShdrTableOutOfFile,
    /// A PT_LOAD or PT_NOTE segment's file bytes do not lie inside the file.
    SegmentOutOfFile {
        /// Program header index.
        index: u16,
    },
    /// A PT_LOAD segment has more file bytes than memory bytes.
    SegmentFileLargerThanMemory {
        /// Program header index.
        index: u16,
    },
    /// A PT_LOAD segment's physical range wraps around the address space.
    SegmentAddressOverflow {
        /// Program header index.
        index: u16,
    },
    /// An SHT_NOTE section does not lie inside the file.
    SectionOutOfFile {
        /// Section header index.
        index: u16,
    },
    /// No loadable PT_LOAD segment (libelf would compute an empty, inverted image range).
    NoLoadableSegment,
    /// A note's header, name or descriptor runs past the end of its segment or section.
    NoteTruncated,
    /// More notes than libelf walks (libelf: "too many ELF notes").
    TooManyNotes,
    /// A numeric Xen note whose descriptor is not 1, 2, 4 or 8 bytes (libelf reads it as 0).
    BadNumericNote {
        /// The note type.
        note_type: u32,
        /// Its descriptor size.
        descsz: u32,
    },
    /// A string Xen note with no NUL within [`ELF_MAX_STRING_LENGTH`] bytes of its descriptor's
    /// start before the end of the image (libelf's `elf_strval` fails and marks the image broken).
    UnterminatedStringNote {
        /// The note type.
        note_type: u32,
    },
    /// XEN_ELFNOTE_FEATURES requires ("!name") a feature Xen does not know.
    UnsupportedRequiredFeature,
    /// No note named "Xen" in any PT_NOTE segment or SHT_NOTE section.
    NotXenElf,
    /// No usable XEN_ELFNOTE_PHYS32_ENTRY: the image cannot boot as PVH.
    MissingPhys32Entry,
    /// XEN_ELFNOTE_PHYS32_ENTRY does not fit in 32 bits (libelf keeps a `uint32_t`).
    Phys32EntryTooLarge(u64),
    /// The PVH entry lies outside the loaded image (libelf `elf_xen_addr_calc_check`).
    EntryOutOfBounds {
        /// The XEN_ELFNOTE_PHYS32_ENTRY value.
        entry: u32,
        /// The lowest loaded physical address.
        pstart: u64,
        /// The end of the highest loaded segment.
        pend: u64,
    },
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ElfError::TooShort => write!(f, "not an ELF binary: too short"),
            ElfError::BadMagic => write!(f, "not an ELF binary"),
            ElfError::BadClass(c) => write!(f, "bad ELF class {c}"),
            ElfError::NotLittleEndian(d) => write!(f, "ELF data encoding {d} is not little-endian"),
            ElfError::BadVersion => write!(f, "bad ELF version"),
            ElfError::BadType(t) => write!(f, "ELF type {t} is not an executable"),
            ElfError::BadMachine(m) => write!(f, "ELF machine {m} is not x86"),
            ElfError::ExtendedNumbering => write!(f, "extended program header numbering"),
            ElfError::BadPhentsize(s) => write!(f, "program header size {s} too small"),
            ElfError::PhdrTableOutOfFile => write!(f, "phdr overflow"),
            ElfError::BadShentsize(s) => write!(f, "section header size {s} too small"),
            ElfError::ShdrTableOutOfFile => write!(f, "shdr overflow"),
            ElfError::SegmentOutOfFile { index } => {
                write!(f, "program header {index}: segment outside the file")
            }
            ElfError::SegmentFileLargerThanMemory { index } => {
                write!(f, "program header {index}: p_filesz > p_memsz")
            }
            ElfError::SegmentAddressOverflow { index } => {
                write!(f, "program header {index}: p_paddr + p_memsz overflows")
            }
            ElfError::SectionOutOfFile { index } => {
                write!(f, "section {index}: note section outside the file")
            }
            ElfError::NoLoadableSegment => write!(f, "no loadable segment"),
            ElfError::NoteTruncated => write!(f, "truncated ELF note"),
            ElfError::TooManyNotes => write!(f, "too many ELF notes"),
            ElfError::BadNumericNote { note_type, descsz } => {
                write!(f, "Xen note {note_type}: numeric value of {descsz} bytes")
            }
            ElfError::UnterminatedStringNote { note_type } => {
                write!(f, "Xen note {note_type}: string without NUL in the image")
            }
            ElfError::UnsupportedRequiredFeature => {
                write!(f, "XEN_ELFNOTE_FEATURES requires an unsupported feature")
            }
            ElfError::NotXenElf => write!(
                f,
                "Not a Xen-ELF image: No ELF notes or '__xen_guest' section found"
            ),
            ElfError::MissingPhys32Entry => {
                write!(f, "Unable to find XEN_ELFNOTE_PHYS32_ENTRY address")
            }
            ElfError::Phys32EntryTooLarge(v) => {
                write!(f, "XEN_ELFNOTE_PHYS32_ENTRY {v:#x} is above 4 GiB")
            }
            ElfError::EntryOutOfBounds { entry, pstart, pend } => write!(
                f,
                "ELF start or entries are out of bounds (entry {entry:#x}, image [{pstart:#x}, {pend:#x}])"
            ),
        }
    }
}

fn read_u16(b: &[u8], off: usize) -> Option<u16> {
    let end = off.checked_add(2)?;
    let s = b.get(off..end)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn read_u32(b: &[u8], off: usize) -> Option<u32> {
    let end = off.checked_add(4)?;
    let s: [u8; 4] = b.get(off..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(s))
}

fn read_u64(b: &[u8], off: usize) -> Option<u64> {
    let end = off.checked_add(8)?;
    let s: [u8; 8] = b.get(off..end)?.try_into().ok()?;
    Some(u64::from_le_bytes(s))
}

/// The file bytes `[offset, offset + size)`, if they lie inside `image`.
fn file_range(image: &[u8], offset: u64, size: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let len = usize::try_from(size).ok()?;
    image.get(start..start.checked_add(len)?)
}

/// One program header, widened to 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramHeader {
    /// Segment type (PT_*).
    pub p_type: u32,
    /// Segment flags (PF_*).
    pub p_flags: u32,
    /// File offset of the segment's bytes.
    pub p_offset: u64,
    /// Virtual address.
    pub p_vaddr: u64,
    /// Physical address: where a PVH loader puts the segment (paging is off at entry).
    pub p_paddr: u64,
    /// Bytes in the file.
    pub p_filesz: u64,
    /// Bytes in memory (the rest after p_filesz is zeroed).
    pub p_memsz: u64,
    /// Alignment.
    pub p_align: u64,
}

impl ProgramHeader {
    /// libelf's `elf_phdr_is_loadable`: PT_LOAD with at least one of PF_R, PF_W, PF_X.
    pub fn is_loadable(&self) -> bool {
        self.p_type == PT_LOAD && self.p_flags & (PF_R | PF_W | PF_X) != 0
    }
}

/// One section header, widened to 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionHeader {
    /// Offset of the name in the section name table.
    pub sh_name: u32,
    /// Section type (SHT_*).
    pub sh_type: u32,
    /// Section flags.
    pub sh_flags: u64,
    /// Address in memory.
    pub sh_addr: u64,
    /// File offset.
    pub sh_offset: u64,
    /// Size in bytes.
    pub sh_size: u64,
}

/// One note: its name (up to its NUL), type and descriptor bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note<'a> {
    /// The name ("Xen" for Xen's notes), without its terminating NUL.
    pub name: &'a [u8],
    /// The note type.
    pub note_type: u32,
    /// The descriptor.
    pub desc: &'a [u8],
    /// The bytes from the descriptor's start to the end of the image (or of the buffer given to
    /// [`notes`]): what libelf's `elf_strval` may read when it looks for a string's NUL, which
    /// can lie past `desc` (in the note's padding, as in Linux's XEN_ELFNOTE_FEATURES).
    pub from_desc: &'a [u8],
}

/// The notes packed in a PT_NOTE segment or SHT_NOTE section: 12-byte header, name and descriptor
/// each padded to 4 bytes (libelf `elf_note_next` pads both classes to 4). A note that runs past the
/// end is an error (after which the iterator ends); the last note may omit its trailing padding.
#[derive(Clone, Debug)]
pub struct Notes<'a> {
    /// The buffer the notes lie in: the notes end at `end`, strings may run to its end.
    image: &'a [u8],
    pos: usize,
    end: usize,
    failed: bool,
}

/// Iterates over the notes in `data`.
pub fn notes(data: &[u8]) -> Notes<'_> {
    notes_in(data, 0, data.len())
}

/// The notes in `image[start..end]` (a range the caller checked), with strings read to the end of
/// `image` as libelf reads them.
fn notes_in(image: &[u8], start: usize, end: usize) -> Notes<'_> {
    Notes {
        image,
        pos: start,
        end,
        failed: false,
    }
}

fn align4(v: usize) -> Option<usize> {
    v.checked_add(3).map(|v| v & !3)
}

impl<'a> Notes<'a> {
    fn next_note(&mut self) -> Option<Note<'a>> {
        let data = self.image.get(..self.end)?;
        let pos = self.pos;
        let namesz = usize::try_from(read_u32(data, pos)?).ok()?;
        let descsz = usize::try_from(read_u32(data, pos.checked_add(4)?)?).ok()?;
        let note_type = read_u32(data, pos.checked_add(8)?)?;
        let name_start = pos.checked_add(NOTE_HEADER_SIZE)?;
        let name = data.get(name_start..name_start.checked_add(namesz)?)?;
        let desc_start = name_start.checked_add(align4(namesz)?)?;
        let desc = data.get(desc_start..desc_start.checked_add(descsz)?)?;
        let next = desc_start.checked_add(align4(descsz)?)?;
        self.pos = next.min(data.len());
        let name = match name.iter().position(|&b| b == 0) {
            Some(nul) => &name[..nul],
            None => name,
        };
        Some(Note {
            name,
            note_type,
            desc,
            from_desc: self.image.get(desc_start..)?,
        })
    }
}

impl<'a> Iterator for Notes<'a> {
    type Item = Result<Note<'a>, ElfError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.end {
            return None;
        }
        match self.next_note() {
            Some(note) => Some(Ok(note)),
            None => {
                self.failed = true;
                Some(Err(ElfError::NoteTruncated))
            }
        }
    }
}

/// A parsed and validated ELF image.
///
/// [`Elf::parse`] checks the header, that both header tables lie in the file, and every PT_LOAD,
/// PT_NOTE and SHT_NOTE entry, so the accessors below cannot fail.
#[derive(Clone, Copy, Debug)]
pub struct Elf<'a> {
    image: &'a [u8],
    class: ElfClass,
    e_type: u16,
    machine: u16,
    entry: u64,
    phoff: u64,
    phentsize: u16,
    phnum: u16,
    shoff: u64,
    shentsize: u16,
    shnum: u16,
}

impl<'a> Elf<'a> {
    /// Validates `image` (libelf `elf_init` plus the checks libelf leaves to "broken" marks).
    pub fn parse(image: &'a [u8]) -> Result<Self, ElfError> {
        let ident = image.get(..16).ok_or(ElfError::TooShort)?;
        if ident[..4] != *b"\x7fELF" {
            return Err(ElfError::BadMagic);
        }
        let class = match ident[4] {
            1 => ElfClass::Elf32,
            2 => ElfClass::Elf64,
            c => return Err(ElfError::BadClass(c)),
        };
        if ident[5] != 1 {
            return Err(ElfError::NotLittleEndian(ident[5]));
        }
        if ident[6] != 1 {
            return Err(ElfError::BadVersion);
        }
        if image.len() < class.ehdr_size() {
            return Err(ElfError::TooShort);
        }
        let short = ElfError::TooShort;
        let e_type = read_u16(image, 16).ok_or(short)?;
        let machine = read_u16(image, 18).ok_or(short)?;
        let version = read_u32(image, 20).ok_or(short)?;
        let (entry, phoff, shoff, rest) = match class {
            ElfClass::Elf32 => (
                u64::from(read_u32(image, 24).ok_or(short)?),
                u64::from(read_u32(image, 28).ok_or(short)?),
                u64::from(read_u32(image, 32).ok_or(short)?),
                40,
            ),
            ElfClass::Elf64 => (
                read_u64(image, 24).ok_or(short)?,
                read_u64(image, 32).ok_or(short)?,
                read_u64(image, 40).ok_or(short)?,
                52,
            ),
        };
        // e_ehsize at rest, then phentsize, phnum, shentsize, shnum, shstrndx.
        let phentsize = read_u16(image, rest + 2).ok_or(short)?;
        let phnum = read_u16(image, rest + 4).ok_or(short)?;
        let shentsize = read_u16(image, rest + 6).ok_or(short)?;
        let shnum = read_u16(image, rest + 8).ok_or(short)?;

        if e_type != ET_EXEC && e_type != ET_DYN {
            return Err(ElfError::BadType(e_type));
        }
        if machine != EM_386 && machine != EM_X86_64 {
            return Err(ElfError::BadMachine(machine));
        }
        if version != 1 {
            return Err(ElfError::BadVersion);
        }
        if phnum == PN_XNUM {
            return Err(ElfError::ExtendedNumbering);
        }
        if phnum != 0 {
            if u64::from(phentsize) < class.phdr_size() {
                return Err(ElfError::BadPhentsize(phentsize));
            }
            // libelf elf_init: e_phoff + e_phentsize * e_phnum must not pass the end of the file.
            let table = u64::from(phentsize) * u64::from(phnum);
            file_range(image, phoff, table).ok_or(ElfError::PhdrTableOutOfFile)?;
        }
        if shnum != 0 {
            if u64::from(shentsize) < class.shdr_size() {
                return Err(ElfError::BadShentsize(shentsize));
            }
            let table = u64::from(shentsize) * u64::from(shnum);
            file_range(image, shoff, table).ok_or(ElfError::ShdrTableOutOfFile)?;
        }

        let elf = Elf {
            image,
            class,
            e_type,
            machine,
            entry,
            phoff,
            phentsize,
            phnum,
            shoff,
            shentsize,
            shnum,
        };
        for index in 0..phnum {
            let ph = elf
                .program_header(index)
                .ok_or(ElfError::PhdrTableOutOfFile)?;
            match ph.p_type {
                PT_LOAD => {
                    if ph.p_filesz > ph.p_memsz {
                        return Err(ElfError::SegmentFileLargerThanMemory { index });
                    }
                    if ph.p_paddr.checked_add(ph.p_memsz).is_none() {
                        return Err(ElfError::SegmentAddressOverflow { index });
                    }
                    file_range(image, ph.p_offset, ph.p_filesz)
                        .ok_or(ElfError::SegmentOutOfFile { index })?;
                }
                // libelf skips note segments at offset 0 (some binutils leave p_offset unset).
                PT_NOTE if ph.p_offset != 0 => {
                    file_range(image, ph.p_offset, ph.p_filesz)
                        .ok_or(ElfError::SegmentOutOfFile { index })?;
                }
                _ => {}
            }
        }
        for index in 0..shnum {
            let sh = elf
                .section_header(index)
                .ok_or(ElfError::ShdrTableOutOfFile)?;
            if sh.sh_type == SHT_NOTE {
                file_range(image, sh.sh_offset, sh.sh_size)
                    .ok_or(ElfError::SectionOutOfFile { index })?;
            }
        }
        Ok(elf)
    }

    /// The whole image.
    pub fn image(&self) -> &'a [u8] {
        self.image
    }

    /// ELF32 or ELF64.
    pub fn class(&self) -> ElfClass {
        self.class
    }

    /// libelf's `elf_64bit`: whether the image is ELF64 (metadata is then 8-byte aligned).
    pub fn is_64bit(&self) -> bool {
        self.class == ElfClass::Elf64
    }

    /// e_type (ET_EXEC or ET_DYN).
    pub fn e_type(&self) -> u16 {
        self.e_type
    }

    /// e_machine (EM_386 or EM_X86_64).
    pub fn machine(&self) -> u16 {
        self.machine
    }

    /// e_entry.
    pub fn entry(&self) -> u64 {
        self.entry
    }

    /// The number of program headers.
    pub fn phnum(&self) -> u16 {
        self.phnum
    }

    /// The number of section headers.
    pub fn shnum(&self) -> u16 {
        self.shnum
    }

    /// Program header `index`, or `None` past the table.
    pub fn program_header(&self, index: u16) -> Option<ProgramHeader> {
        if index >= self.phnum {
            return None;
        }
        let off = self
            .phoff
            .checked_add(u64::from(self.phentsize) * u64::from(index))?;
        let b = file_range(self.image, off, self.class.phdr_size())?;
        Some(match self.class {
            ElfClass::Elf32 => ProgramHeader {
                p_type: read_u32(b, 0)?,
                p_offset: read_u32(b, 4)?.into(),
                p_vaddr: read_u32(b, 8)?.into(),
                p_paddr: read_u32(b, 12)?.into(),
                p_filesz: read_u32(b, 16)?.into(),
                p_memsz: read_u32(b, 20)?.into(),
                p_flags: read_u32(b, 24)?,
                p_align: read_u32(b, 28)?.into(),
            },
            ElfClass::Elf64 => ProgramHeader {
                p_type: read_u32(b, 0)?,
                p_flags: read_u32(b, 4)?,
                p_offset: read_u64(b, 8)?,
                p_vaddr: read_u64(b, 16)?,
                p_paddr: read_u64(b, 24)?,
                p_filesz: read_u64(b, 32)?,
                p_memsz: read_u64(b, 40)?,
                p_align: read_u64(b, 48)?,
            },
        })
    }

    /// Section header `index`, or `None` past the table.
    pub fn section_header(&self, index: u16) -> Option<SectionHeader> {
        if index >= self.shnum {
            return None;
        }
        let off = self
            .shoff
            .checked_add(u64::from(self.shentsize) * u64::from(index))?;
        let b = file_range(self.image, off, self.class.shdr_size())?;
        Some(match self.class {
            ElfClass::Elf32 => SectionHeader {
                sh_name: read_u32(b, 0)?,
                sh_type: read_u32(b, 4)?,
                sh_flags: read_u32(b, 8)?.into(),
                sh_addr: read_u32(b, 12)?.into(),
                sh_offset: read_u32(b, 16)?.into(),
                sh_size: read_u32(b, 20)?.into(),
            },
            ElfClass::Elf64 => SectionHeader {
                sh_name: read_u32(b, 0)?,
                sh_type: read_u32(b, 4)?,
                sh_flags: read_u64(b, 8)?,
                sh_addr: read_u64(b, 16)?,
                sh_offset: read_u64(b, 24)?,
                sh_size: read_u64(b, 32)?,
            },
        })
    }

    /// All program headers, in order.
    pub fn program_headers(&self) -> impl Iterator<Item = ProgramHeader> + 'a {
        let elf = *self;
        (0..self.phnum).filter_map(move |i| elf.program_header(i))
    }

    /// All section headers, in order.
    pub fn section_headers(&self) -> impl Iterator<Item = SectionHeader> + 'a {
        let elf = *self;
        (0..self.shnum).filter_map(move |i| elf.section_header(i))
    }

    /// The segments a loader copies, in order: libelf's `elf_phdr_is_loadable`.
    pub fn load_segments(&self) -> impl Iterator<Item = ProgramHeader> + 'a {
        self.program_headers().filter(ProgramHeader::is_loadable)
    }

    /// The file bytes of a PT_LOAD or PT_NOTE segment (empty for other types or a note at offset 0).
    pub fn segment_data(&self, ph: &ProgramHeader) -> &'a [u8] {
        match ph.p_type {
            PT_LOAD | PT_NOTE => file_range(self.image, ph.p_offset, ph.p_filesz).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The file bytes of an SHT_NOTE section (empty for other types).
    pub fn section_data(&self, sh: &SectionHeader) -> &'a [u8] {
        if sh.sh_type == SHT_NOTE {
            file_range(self.image, sh.sh_offset, sh.sh_size).unwrap_or(&[])
        } else {
            &[]
        }
    }

    /// The notes in the file bytes `[offset, offset + size)` (a PT_NOTE segment or SHT_NOTE section
    /// that [`Elf::parse`] checked; none if the range is not in the file), their strings read up to
    /// the end of the image as libelf's `elf_strval` reads them.
    fn notes_at(&self, offset: u64, size: u64) -> Notes<'a> {
        let Some(area) = file_range(self.image, offset, size) else {
            return notes(&[]);
        };
        // file_range checked that offset and offset + size fit the image (and so usize).
        let start = usize::try_from(offset).unwrap_or(0);
        notes_in(self.image, start, start + area.len())
    }

    /// libelf's `elf_parse_binary`: `[pstart, pend)`, the lowest p_paddr and the highest
    /// p_paddr + p_memsz over the loadable segments.
    pub fn phys_bounds(&self) -> Result<(u64, u64), ElfError> {
        let mut bounds: Option<(u64, u64)> = None;
        for ph in self.load_segments() {
            // Parse checked that p_paddr + p_memsz does not overflow.
            let end = ph
                .p_paddr
                .checked_add(ph.p_memsz)
                .ok_or(ElfError::NoLoadableSegment)?;
            bounds = Some(match bounds {
                None => (ph.p_paddr, end),
                Some((lo, hi)) => (lo.min(ph.p_paddr), hi.max(end)),
            });
        }
        bounds.ok_or(ElfError::NoLoadableSegment)
    }

    /// The Xen notes, collected the way libelf's `elf_xen_parse` finds them: every PT_NOTE segment
    /// (except those at file offset 0), and only if they hold no Xen note, every SHT_NOTE section
    /// (from index 1). The legacy `__xen_guest` section (PV only) is not read.
    pub fn xen_notes(&self) -> Result<XenNotes<'a>, ElfError> {
        let mut parms = XenNotes::default();
        let mut total = 0usize;
        for ph in self.program_headers() {
            if ph.p_type != PT_NOTE || ph.p_offset == 0 {
                continue;
            }
            let area = self.notes_at(ph.p_offset, ph.p_filesz);
            parms.count += parse_xen_notes(&mut parms, area, &mut total)?;
        }
        if parms.count == 0 {
            for sh in self.section_headers().skip(1) {
                if sh.sh_type != SHT_NOTE {
                    continue;
                }
                let area = self.notes_at(sh.sh_offset, sh.sh_size);
                let found = parse_xen_notes(&mut parms, area, &mut total)?;
                if found != 0 {
                    parms.from_sections = true;
                }
                parms.count += found;
            }
        }
        if parms.count == 0 {
            return Err(ElfError::NotXenElf);
        }
        Ok(parms)
    }

    /// What Xen's PVH dom0 builder takes from the image: `elf_xen_parse(..., hvm = true)` followed
    /// by `pvh_load_kernel`'s PHYS32_ENTRY check.
    ///
    /// - A PVH image needs only XEN_ELFNOTE_PHYS32_ENTRY (`elf_xen_note_check`: "PVH only requires
    ///   one ELF note to be set"); GUEST_OS, LOADER and XEN_VERSION are reported, not checked.
    /// - For HVM containers VIRT_BASE and ELF_PADDR_OFFSET are forced to 0, so the image spans
    ///   `[pstart, pend)` physical and the entry is PHYS32_ENTRY (`elf_xen_addr_calc_check`), which
    ///   must lie in `[pstart, pend]`.
    pub fn pvh_kernel(&self) -> Result<PvhKernel<'a>, ElfError> {
        let notes = self.xen_notes()?;
        let phys32_entry = match notes.phys32_entry {
            Some(e) if e != UNSET_ADDR32 => e,
            _ => return Err(ElfError::MissingPhys32Entry),
        };
        let (pstart, pend) = self.phys_bounds()?;
        let entry = u64::from(phys32_entry);
        if entry < pstart || entry > pend {
            return Err(ElfError::EntryOutOfBounds {
                entry: phys32_entry,
                pstart,
                pend,
            });
        }
        Ok(PvhKernel {
            notes,
            phys32_entry,
            pstart,
            pend,
            is_64bit: self.is_64bit(),
        })
    }
}

/// A kernel that can boot as PVH: its Xen notes, PVH entry and physical extent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PvhKernel<'a> {
    /// The Xen notes.
    pub notes: XenNotes<'a>,
    /// XEN_ELFNOTE_PHYS32_ENTRY: EIP at entry.
    pub phys32_entry: u32,
    /// libelf `pstart`: the lowest loaded physical address (`virt_kstart` for PVH).
    pub pstart: u64,
    /// libelf `pend`: the end of the loaded image (`virt_kend` for PVH).
    pub pend: u64,
    /// ELF64 (metadata after the kernel is then 8-byte aligned, else 4).
    pub is_64bit: bool,
}

/// The Xen notes libelf records (`struct elf_dom_parms`, filled by `elf_xen_parse_note`). When a
/// note appears more than once the last one wins, as in libelf.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XenNotes<'a> {
    /// How many notes named "Xen" were read.
    pub count: usize,
    /// Whether they came from SHT_NOTE sections (no Xen note in any PT_NOTE segment).
    pub from_sections: bool,
    /// XEN_ELFNOTE_PHYS32_ENTRY: the PVH 32-bit entry point.
    pub phys32_entry: Option<u32>,
    /// XEN_ELFNOTE_GUEST_OS ("linux", ...).
    pub guest_os: Option<&'a [u8]>,
    /// XEN_ELFNOTE_GUEST_VERSION.
    pub guest_version: Option<&'a [u8]>,
    /// XEN_ELFNOTE_XEN_VERSION ("xen-3.0").
    pub xen_version: Option<&'a [u8]>,
    /// XEN_ELFNOTE_LOADER ("generic").
    pub loader: Option<&'a [u8]>,
    /// XEN_ELFNOTE_PAE_MODE.
    pub pae_mode: Option<&'a [u8]>,
    /// XEN_ELFNOTE_FEATURES, as written.
    pub features: Option<&'a [u8]>,
    /// XEN_ELFNOTE_BSD_SYMTAB is "yes" (the symbol table is not loaded by xen-rs).
    pub bsd_symtab: bool,
    /// XEN_ELFNOTE_ENTRY (PV entry, virtual).
    pub virt_entry: Option<u64>,
    /// XEN_ELFNOTE_HYPERCALL_PAGE (virtual).
    pub hypercall_page: Option<u64>,
    /// XEN_ELFNOTE_VIRT_BASE.
    pub virt_base: Option<u64>,
    /// XEN_ELFNOTE_PADDR_OFFSET.
    pub paddr_offset: Option<u64>,
    /// XEN_ELFNOTE_HV_START_LOW.
    pub hv_start_low: Option<u64>,
    /// XEN_ELFNOTE_INIT_P2M.
    pub init_p2m: Option<u64>,
    /// XEN_ELFNOTE_MOD_START_PFN is non-zero.
    pub mod_start_pfn: bool,
    /// XEN_ELFNOTE_SUSPEND_CANCEL.
    pub suspend_cancel: Option<u64>,
    /// XENFEAT_* bits the kernel supports (submap 0): FEATURES names plus SUPPORTED_FEATURES.
    pub f_supported: u32,
    /// XENFEAT_* bits the kernel requires (submap 0): FEATURES names with a '!'.
    pub f_required: u32,
}

impl XenNotes<'_> {
    /// A string note as text, if it is UTF-8.
    pub fn text(note: Option<&[u8]>) -> Option<&str> {
        note.and_then(|b| core::str::from_utf8(b).ok())
    }
}

/// How libelf reads a Xen note's descriptor (`note_desc[].str` in `elf_xen_parse_note`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum NoteKind {
    Numeric,
    String,
    Ignored,
}

fn xen_note_kind(note_type: u32) -> NoteKind {
    match note_type {
        XEN_ELFNOTE_ENTRY
        | XEN_ELFNOTE_HYPERCALL_PAGE
        | XEN_ELFNOTE_VIRT_BASE
        | XEN_ELFNOTE_INIT_P2M
        | XEN_ELFNOTE_PADDR_OFFSET
        | XEN_ELFNOTE_HV_START_LOW
        | XEN_ELFNOTE_SUPPORTED_FEATURES
        | XEN_ELFNOTE_SUSPEND_CANCEL
        | XEN_ELFNOTE_MOD_START_PFN
        | XEN_ELFNOTE_PHYS32_ENTRY => NoteKind::Numeric,
        XEN_ELFNOTE_XEN_VERSION
        | XEN_ELFNOTE_GUEST_OS
        | XEN_ELFNOTE_GUEST_VERSION
        | XEN_ELFNOTE_LOADER
        | XEN_ELFNOTE_PAE_MODE
        | XEN_ELFNOTE_FEATURES
        | XEN_ELFNOTE_BSD_SYMTAB => NoteKind::String,
        // INFO, L1_MFN_VALID and unknown types: libelf logs "unknown" and goes on.
        _ => NoteKind::Ignored,
    }
}

/// libelf `elf_note_numeric`: a 1, 2, 4 or 8-byte little-endian value.
fn note_numeric(note: &Note<'_>) -> Result<u64, ElfError> {
    let d = note.desc;
    let bad = ElfError::BadNumericNote {
        note_type: note.note_type,
        descsz: u32::try_from(d.len()).unwrap_or(u32::MAX),
    };
    match d.len() {
        1 => Ok(u64::from(d[0])),
        2 => read_u16(d, 0).map(u64::from).ok_or(bad),
        4 => read_u32(d, 0).map(u64::from).ok_or(bad),
        8 => read_u64(d, 0).ok_or(bad),
        _ => Err(bad),
    }
}

/// libelf's `ELF_MAX_STRING_LENGTH` (xen/include/xen/libelf.h): the longest string `elf_strval`
/// reads, without its NUL.
pub const ELF_MAX_STRING_LENGTH: usize = 4096;

/// libelf-dominfo.c `elf_xen_parse_note` reads a string note with libelf-tools.c `elf_strval`
/// from the descriptor's start: the bytes up to the first NUL *in the image*, whatever `descsz`
/// says. The NUL may sit in the note's padding (Linux's XEN_ELFNOTE_FEATURES has `descsz` 41, the
/// text without its NUL, then three bytes of zero padding) or further on; Xen reads it all.
///
/// Where `elf_strval` finds no NUL before the end of the image ("out of range access") or none
/// within [`ELF_MAX_STRING_LENGTH`] bytes ("excessively long string"), libelf skips the note and
/// marks the image broken; this reader refuses the image.
fn note_string<'a>(note: &Note<'a>) -> Result<&'a [u8], ElfError> {
    let window = &note.from_desc[..note.from_desc.len().min(ELF_MAX_STRING_LENGTH + 1)];
    let nul = window
        .iter()
        .position(|&b| b == 0)
        .ok_or(ElfError::UnterminatedStringNote {
            note_type: note.note_type,
        })?;
    Ok(&window[..nul])
}

/// libelf's `elf_xen_feature_names`: the XENFEAT_* a FEATURES string may name.
const XEN_FEATURE_NAMES: [(&[u8], u32); 7] = [
    (b"writable_page_tables", XENFEAT_writable_page_tables),
    (
        b"writable_descriptor_tables",
        XENFEAT_writable_descriptor_tables,
    ),
    (b"auto_translated_physmap", XENFEAT_auto_translated_physmap),
    (b"supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel),
    (b"pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb),
    (b"hvm_callback_vector", XENFEAT_hvm_callback_vector),
    (b"dom0", XENFEAT_dom0),
];

/// libelf `elf_xen_parse_features`: '|'-separated names, '!' marking a required one. An unknown
/// supported name is ignored; an unknown required name is an error. Like libelf, a name is cut to
/// 63 bytes.
fn parse_features(s: &[u8], supported: &mut u32, required: &mut u32) -> Result<(), ElfError> {
    for item in s.split(|&b| b == b'|') {
        let item = &item[..item.len().min(63)];
        if item.is_empty() {
            continue;
        }
        let (is_required, name) = match item.split_first() {
            Some((b'!', rest)) => (true, rest),
            _ => (false, item),
        };
        match XEN_FEATURE_NAMES.iter().find(|(n, _)| *n == name) {
            Some(&(_, bit)) => {
                *supported |= 1 << bit;
                if is_required {
                    *required |= 1 << bit;
                }
            }
            None if is_required => return Err(ElfError::UnsupportedRequiredFeature),
            None => {}
        }
    }
    Ok(())
}

/// libelf `elf_xen_parse_notes` + `elf_xen_parse_note` over one note area: returns how many notes
/// named "Xen" it holds.
fn parse_xen_notes<'a>(
    parms: &mut XenNotes<'a>,
    area: Notes<'a>,
    total: &mut usize,
) -> Result<usize, ElfError> {
    let mut found = 0;
    for note in area {
        let note = note?;
        if *total >= ELF_MAX_TOTAL_NOTE_COUNT {
            return Err(ElfError::TooManyNotes);
        }
        *total += 1;
        if note.name != b"Xen" {
            continue;
        }
        found += 1;
        parse_xen_note(parms, &note)?;
    }
    Ok(found)
}

fn parse_xen_note<'a>(parms: &mut XenNotes<'a>, note: &Note<'a>) -> Result<(), ElfError> {
    match xen_note_kind(note.note_type) {
        NoteKind::Ignored => Ok(()),
        NoteKind::String => {
            let s = note_string(note)?;
            match note.note_type {
                XEN_ELFNOTE_LOADER => parms.loader = Some(s),
                XEN_ELFNOTE_GUEST_OS => parms.guest_os = Some(s),
                XEN_ELFNOTE_GUEST_VERSION => parms.guest_version = Some(s),
                XEN_ELFNOTE_XEN_VERSION => parms.xen_version = Some(s),
                XEN_ELFNOTE_PAE_MODE => parms.pae_mode = Some(s),
                XEN_ELFNOTE_BSD_SYMTAB => parms.bsd_symtab = s == b"yes",
                XEN_ELFNOTE_FEATURES => {
                    parms.features = Some(s);
                    parse_features(s, &mut parms.f_supported, &mut parms.f_required)?;
                }
                _ => {}
            }
            Ok(())
        }
        NoteKind::Numeric => {
            if note.note_type == XEN_ELFNOTE_SUPPORTED_FEATURES {
                // elf_note_numeric_array(.., 4, i) for each of XENFEAT_NR_SUBMAPS (1) words.
                if !note.desc.len().is_multiple_of(4) {
                    return Err(ElfError::BadNumericNote {
                        note_type: note.note_type,
                        descsz: u32::try_from(note.desc.len()).unwrap_or(u32::MAX),
                    });
                }
                parms.f_supported |= read_u32(note.desc, 0).unwrap_or(0);
                return Ok(());
            }
            let val = note_numeric(note)?;
            match note.note_type {
                XEN_ELFNOTE_VIRT_BASE => parms.virt_base = Some(val),
                XEN_ELFNOTE_ENTRY => parms.virt_entry = Some(val),
                XEN_ELFNOTE_INIT_P2M => parms.init_p2m = Some(val),
                XEN_ELFNOTE_MOD_START_PFN => parms.mod_start_pfn = val != 0,
                XEN_ELFNOTE_PADDR_OFFSET => parms.paddr_offset = Some(val),
                XEN_ELFNOTE_HYPERCALL_PAGE => parms.hypercall_page = Some(val),
                XEN_ELFNOTE_HV_START_LOW => parms.hv_start_low = Some(val),
                XEN_ELFNOTE_SUSPEND_CANCEL => parms.suspend_cancel = Some(val),
                XEN_ELFNOTE_PHYS32_ENTRY => {
                    // libelf stores it in a uint32_t; a wider value would be silently cut.
                    let entry =
                        u32::try_from(val).map_err(|_| ElfError::Phys32EntryTooLarge(val))?;
                    parms.phys32_entry = Some(entry);
                }
                _ => {}
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(name: &[u8], ty: u32, desc: &[u8], pad_last: bool) -> std::vec::Vec<u8> {
        let mut b = std::vec::Vec::new();
        b.extend((name.len() as u32).to_le_bytes());
        b.extend((desc.len() as u32).to_le_bytes());
        b.extend(ty.to_le_bytes());
        b.extend(name);
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b.extend(desc);
        while pad_last && !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b
    }

    #[test]
    fn the_last_note_may_omit_its_padding() {
        let mut blob = note(b"Xen\0", 6, b"linux\0\0\0", true);
        blob.extend(note(b"Xen\0", 7, b"abc", false));
        let all: std::vec::Vec<_> = notes(&blob).collect();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[1],
            Ok(Note {
                name: b"Xen",
                note_type: 7,
                desc: b"abc",
                from_desc: b"abc",
            })
        );
    }

    /// Debian 12's Linux 6.1.0-57-amd64 (vmlinuz-6.1.0-57-amd64, its vmlinux's `.notes`), the
    /// notes around XEN_ELFNOTE_FEATURES (10) byte for byte: ENTRY (1) before it,
    /// SUPPORTED_FEATURES (17) after it. Note 10 has `descsz` 0x29: the 41 characters without
    /// their NUL, which is the first byte of the note's padding.
    const DEBIAN_NOTE_10: &[u8] = b"\
        \x04\x00\x00\x00\x08\x00\x00\x00\x01\x00\x00\x00Xen\x00\
        \xc0\x91\x07\x83\xff\xff\xff\xff\
        \x04\x00\x00\x00\x29\x00\x00\x00\x0a\x00\x00\x00Xen\x00\
        !writable_page_tables|pae_pgdir_above_4gb\x00\x00\x00\
        \x04\x00\x00\x00\x04\x00\x00\x00\x11\x00\x00\x00Xen\x00\
        \x01\x88\x00\x00";

    /// libelf-dominfo.c `elf_xen_parse_note` reads string notes with libelf-tools.c `elf_strval`,
    /// up to the first NUL in the image: Debian's note 10 ends in its padding and is accepted,
    /// with the features it names (`elf_xen_parse_features`).
    #[test]
    fn debians_features_note_ends_in_its_padding() {
        let all: std::vec::Vec<_> = notes(DEBIAN_NOTE_10).map(Result::unwrap).collect();
        assert_eq!(all.len(), 3);
        let n10 = all[1];
        assert_eq!(
            (n10.name, n10.note_type, n10.desc.len()),
            (&b"Xen"[..], 10, 41)
        );
        assert!(!n10.desc.contains(&0), "descsz leaves the NUL out");
        let text = &b"!writable_page_tables|pae_pgdir_above_4gb"[..];
        assert_eq!(note_string(&n10), Ok(text));

        let mut parms = XenNotes::default();
        assert_eq!(
            parse_xen_notes(&mut parms, notes(DEBIAN_NOTE_10), &mut 0),
            Ok(3)
        );
        assert_eq!(parms.features, Some(text));
        assert_eq!(parms.virt_entry, Some(0xffff_ffff_8307_91c0));
        let wpt = 1 << XENFEAT_writable_page_tables;
        let pae = 1 << XENFEAT_pae_pgdir_above_4gb;
        assert_eq!(parms.f_required, wpt);
        // FEATURES' names, then SUPPORTED_FEATURES' word 0x8801 (bits 0, 11 and 15).
        assert_eq!(parms.f_supported, wpt | pae | 0x8801);
    }

    /// `elf_strval` reads on past the descriptor and its padding, up to the image's first NUL
    /// (here in the next note's header), and at most `ELF_MAX_STRING_LENGTH` bytes.
    #[test]
    fn strings_run_to_the_first_nul_in_the_image() {
        let mut blob = note(b"Xen\0", 6, b"linux", true);
        // The padding is not zero: the string goes on into it and stops at the next header's
        // namesz (4, 0, ...).
        blob[12 + 4 + 5..12 + 4 + 8].copy_from_slice(b"abc");
        blob.extend(note(b"Xen\0", 7, b"2.6\0", true));
        let all: std::vec::Vec<_> = notes(&blob).map(Result::unwrap).collect();
        assert_eq!(note_string(&all[0]), Ok(&b"linuxabc\x04"[..]));
        assert_eq!(note_string(&all[1]), Ok(&b"2.6"[..]));

        // No NUL before the end of the image: refused (libelf: "out of range access").
        let cut = note(b"Xen\0", 6, b"linux", false);
        let n = notes(&cut).next().unwrap().unwrap();
        let unterminated = ElfError::UnterminatedStringNote { note_type: 6 };
        assert_eq!(note_string(&n), Err(unterminated));

        // 4096 bytes and a NUL: read; 4097 before the NUL: refused ("excessively long string").
        for (len, ok) in [
            (ELF_MAX_STRING_LENGTH, true),
            (ELF_MAX_STRING_LENGTH + 1, false),
        ] {
            let mut text = std::vec![b'x'; len];
            text.push(0);
            let blob = note(b"Xen\0", 6, &text, true);
            let n = notes(&blob).next().unwrap().unwrap();
            let expected = if ok {
                Ok(&text[..len])
            } else {
                Err(unterminated)
            };
            assert_eq!(note_string(&n), expected, "{len} bytes");
        }
    }

    #[test]
    fn huge_note_sizes_do_not_wrap() {
        let mut blob = std::vec::Vec::new();
        blob.extend(u32::MAX.to_le_bytes());
        blob.extend(u32::MAX.to_le_bytes());
        blob.extend(1u32.to_le_bytes());
        assert_eq!(notes(&blob).next(), Some(Err(ElfError::NoteTruncated)));
        assert_eq!(notes(&blob[..5]).next(), Some(Err(ElfError::NoteTruncated)));
        assert_eq!(notes(&[]).next(), None);
    }

    #[test]
    fn numeric_notes_are_1_2_4_or_8_bytes() {
        let n = |d: &'static [u8]| Note {
            name: b"Xen",
            note_type: 18,
            desc: d,
            from_desc: d,
        };
        assert_eq!(note_numeric(&n(&[7])), Ok(7));
        assert_eq!(note_numeric(&n(&[1, 2])), Ok(0x201));
        assert_eq!(note_numeric(&n(&[1, 0, 0, 1])), Ok(0x100_0001));
        assert_eq!(note_numeric(&n(&[0, 0, 0, 0, 0, 0, 0, 1])), Ok(1 << 56));
        assert!(note_numeric(&n(&[0; 16])).is_err());
        assert!(note_numeric(&n(&[])).is_err());
    }

    #[test]
    fn features_parse_like_elf_xen_parse_features() {
        let (mut s, mut r) = (0, 0);
        assert_eq!(
            parse_features(b"dom0||!auto_translated_physmap", &mut s, &mut r),
            Ok(())
        );
        assert_eq!((s, r), ((1 << 11) | (1 << 2), 1 << 2));
        assert_eq!(
            parse_features(b"!not_a_feature", &mut s, &mut r),
            Err(ElfError::UnsupportedRequiredFeature)
        );
    }
}
