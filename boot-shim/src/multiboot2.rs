//! Multiboot2 boot information (Multiboot2 specification 2.0, section 3.6), read through one
//! validating entry point: [`BootInfo::parse`] checks the whole tag list once (framing, strings,
//! memory map, modules), after which every accessor is infallible and bounds-safe.
//!
//! [`BootInfo::load`] is the only `unsafe` part: turning the address GRUB left in EBX into a slice.

use core::fmt;

/// EAX at the entry point when a Multiboot2 loader started us.
pub const BOOTLOADER_MAGIC: u32 = 0x36d7_6289;

/// Tag types this parser understands (Multiboot2 spec, 3.6.x).
pub mod tag {
    /// Ends the tag list.
    pub const END: u32 = 0;
    /// The image's command line.
    pub const CMDLINE: u32 = 1;
    /// The boot loader's name.
    pub const BOOTLOADER_NAME: u32 = 2;
    /// A boot module.
    pub const MODULE: u32 = 3;
    /// The BIOS memory map.
    pub const MMAP: u32 = 6;
    /// A copy of the ACPI 1.0 RSDP.
    pub const ACPI_OLD: u32 = 14;
    /// A copy of the ACPI 2.0+ RSDP.
    pub const ACPI_NEW: u32 = 15;
}

/// Memory-map entry types (Multiboot2 spec, 3.6.8; the same numbers as the e820 types).
pub mod memory_type {
    /// RAM the OS may use.
    pub const AVAILABLE: u32 = 1;
    /// Reserved by firmware or hardware.
    pub const RESERVED: u32 = 2;
    /// ACPI tables, reclaimable once read.
    pub const ACPI_RECLAIMABLE: u32 = 3;
    /// ACPI non-volatile storage, to be preserved across sleep.
    pub const NVS: u32 = 4;
    /// Defective RAM.
    pub const BADRAM: u32 = 5;
}

/// Why boot information was rejected. Offsets are from the start of the information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mb2Error {
    /// The information is not 8-byte aligned (the spec requires it).
    Misaligned,
    /// `total_size` is smaller than a header plus an end tag, or larger than the bytes available.
    BadTotalSize {
        /// The announced size.
        total_size: u32,
    },
    /// A tag is shorter than its own header or runs past `total_size`, or an end tag is not 8 bytes.
    BadTag {
        /// Where the tag starts.
        offset: usize,
        /// Its type.
        tag_type: u32,
        /// Its announced size.
        size: u32,
    },
    /// The tag list ends without an end tag.
    MissingEndTag,
    /// A string in a tag has no terminating NUL.
    UnterminatedString {
        /// Where the tag starts.
        offset: usize,
    },
    /// A memory-map tag with an entry size below 24 or not a multiple of 8, or a partial entry.
    BadMemoryMap {
        /// Where the tag starts.
        offset: usize,
    },
    /// A module tag too short for its fields, or whose end lies before its start.
    BadModule {
        /// Where the tag starts.
        offset: usize,
    },
}

impl fmt::Display for Mb2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Mb2Error::Misaligned => write!(f, "boot information is not 8-byte aligned"),
            Mb2Error::BadTotalSize { total_size } => {
                write!(f, "bad total_size {total_size}")
            }
            Mb2Error::BadTag {
                offset,
                tag_type,
                size,
            } => write!(
                f,
                "bad tag (type {tag_type}, size {size}) at offset {offset}"
            ),
            Mb2Error::MissingEndTag => write!(f, "no end tag"),
            Mb2Error::UnterminatedString { offset } => {
                write!(f, "unterminated string in tag at offset {offset}")
            }
            Mb2Error::BadMemoryMap { offset } => write!(f, "bad memory map tag at offset {offset}"),
            Mb2Error::BadModule { offset } => write!(f, "bad module tag at offset {offset}"),
        }
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// A NUL-terminated string from the boot loader, without its NUL. Boot loaders promise nothing about
/// encoding, so it is kept as bytes; `Display` shows valid UTF-8 as is and escapes the rest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Mb2Str<'a>(&'a [u8]);

impl<'a> Mb2Str<'a> {
    /// The bytes before the NUL.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The string, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.0).ok()
    }
}

impl fmt::Display for Mb2Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() {
                    write!(f, "{}", c.escape_default())?;
                } else {
                    write!(f, "{c}")?;
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Mb2Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// The bytes of a string field up to (not including) its NUL, or `None` if there is no NUL.
fn c_string(bytes: &[u8]) -> Option<Mb2Str<'_>> {
    let nul = bytes.iter().position(|&b| b == 0)?;
    Some(Mb2Str(&bytes[..nul]))
}

/// One tag: its type and the bytes after its 8-byte header.
#[derive(Clone, Copy, Debug)]
pub struct Tag<'a> {
    /// The tag type (see [`tag`]).
    pub tag_type: u32,
    /// The tag's contents after the type and size fields.
    pub body: &'a [u8],
}

/// A memory-map entry: `[base, base + length)` of one type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryRegion {
    /// First byte.
    pub base: u64,
    /// Length in bytes.
    pub length: u64,
    /// Entry type (see [`memory_type`]).
    pub region_type: u32,
}

impl MemoryRegion {
    /// The first byte past the region (saturating at the top of the address space).
    pub fn end(&self) -> u64 {
        self.base.saturating_add(self.length)
    }

    /// Xen's name for the type (xen/arch/x86/e820.c, `print_e820_memory_map`).
    pub fn type_name(&self) -> Option<&'static str> {
        match self.region_type {
            memory_type::AVAILABLE => Some("usable"),
            memory_type::RESERVED => Some("reserved"),
            memory_type::ACPI_RECLAIMABLE => Some("ACPI data"),
            memory_type::NVS => Some("ACPI NVS"),
            memory_type::BADRAM => Some("unusable"),
            _ => None,
        }
    }
}

/// A boot module: `[start, end)` in physical memory, and the command line GRUB gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Module<'a> {
    /// First byte.
    pub start: u32,
    /// First byte past the module.
    pub end: u32,
    /// The text after the file name on the `module2` line.
    pub cmdline: Mb2Str<'a>,
}

/// What the ACPI RSDP copy says, or why it cannot be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rsdp {
    /// ACPI revision (0 for ACPI 1.0, 2 for 2.0 and later).
    pub revision: u8,
    /// OEM identifier.
    pub oem_id: [u8; 6],
    /// Physical address of the RSDT.
    pub rsdt_address: u32,
    /// Physical address of the XSDT (revision 2 and later).
    pub xsdt_address: Option<u64>,
}

/// Why an RSDP copy was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsdpError {
    /// Shorter than its revision requires.
    TooShort,
    /// The signature is not "RSD PTR ".
    BadSignature,
    /// The bytes do not sum to zero.
    BadChecksum,
}

impl Rsdp {
    /// Decodes and checks an RSDP (ACPI 6.5, 5.2.5.3): signature, the 20-byte checksum, and for
    /// revision 2 and later the extended checksum over `length` bytes.
    pub fn parse(bytes: &[u8]) -> Result<Rsdp, RsdpError> {
        if bytes.len() < 20 {
            return Err(RsdpError::TooShort);
        }
        if &bytes[..8] != b"RSD PTR " {
            return Err(RsdpError::BadSignature);
        }
        let sum = |b: &[u8]| b.iter().fold(0u8, |acc, &x| acc.wrapping_add(x));
        if sum(&bytes[..20]) != 0 {
            return Err(RsdpError::BadChecksum);
        }
        let mut oem_id = [0; 6];
        oem_id.copy_from_slice(&bytes[9..15]);
        let revision = bytes[15];
        let rsdt_address = read_u32(bytes, 16);
        let xsdt_address = if revision >= 2 {
            if bytes.len() < 36 {
                return Err(RsdpError::TooShort);
            }
            let length = read_u32(bytes, 20) as usize;
            if length < 36 || length > bytes.len() {
                return Err(RsdpError::TooShort);
            }
            if sum(&bytes[..length]) != 0 {
                return Err(RsdpError::BadChecksum);
            }
            Some(read_u64(bytes, 24))
        } else {
            None
        };
        Ok(Rsdp {
            revision,
            oem_id,
            rsdt_address,
            xsdt_address,
        })
    }
}

/// Validated Multiboot2 boot information.
#[derive(Clone, Copy)]
pub struct BootInfo<'a> {
    bytes: &'a [u8],
}

impl<'a> BootInfo<'a> {
    /// Checks boot information held in `bytes` (which may be longer than `total_size`): alignment,
    /// size, every tag's framing up to the end tag, and the contents of the tags this parser reads.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Mb2Error> {
        if !(bytes.as_ptr() as usize).is_multiple_of(8) {
            return Err(Mb2Error::Misaligned);
        }
        if bytes.len() < 8 {
            return Err(Mb2Error::BadTotalSize { total_size: 0 });
        }
        let total_size = read_u32(bytes, 0);
        if (total_size as usize) < 16 || total_size as usize > bytes.len() {
            return Err(Mb2Error::BadTotalSize { total_size });
        }
        let bytes = &bytes[..total_size as usize];
        let mut offset = 8;
        while offset + 8 <= bytes.len() {
            let tag_type = read_u32(bytes, offset);
            let size = read_u32(bytes, offset + 4);
            let bad_tag = Mb2Error::BadTag {
                offset,
                tag_type,
                size,
            };
            if (size as usize) < 8 || size as usize > bytes.len() - offset {
                return Err(bad_tag);
            }
            let body = &bytes[offset + 8..offset + size as usize];
            match tag_type {
                tag::END if size != 8 => return Err(bad_tag),
                tag::END => return Ok(BootInfo { bytes }),
                tag::CMDLINE | tag::BOOTLOADER_NAME if c_string(body).is_none() => {
                    return Err(Mb2Error::UnterminatedString { offset })
                }
                tag::MODULE => {
                    if body.len() < 8 || read_u32(body, 4) < read_u32(body, 0) {
                        return Err(Mb2Error::BadModule { offset });
                    }
                    if c_string(&body[8..]).is_none() {
                        return Err(Mb2Error::UnterminatedString { offset });
                    }
                }
                tag::MMAP => {
                    let entry_size = if body.len() >= 8 {
                        read_u32(body, 0) as usize
                    } else {
                        0
                    };
                    if entry_size < 24
                        || !entry_size.is_multiple_of(8)
                        || !(body.len() - 8).is_multiple_of(entry_size)
                    {
                        return Err(Mb2Error::BadMemoryMap { offset });
                    }
                }
                _ => {}
            }
            offset = align8(offset + size as usize);
        }
        Err(Mb2Error::MissingEndTag)
    }

    /// Reads the boot information the loader left at `addr`.
    ///
    /// # Safety
    /// `addr` must be the address a Multiboot2 loader passed in EBX together with
    /// [`BOOTLOADER_MAGIC`], readable (mapped) for the `total_size` bytes it announces, and nothing may
    /// write those bytes while the returned value (or anything borrowed from it) is alive.
    #[allow(unsafe_code)]
    pub unsafe fn load(addr: usize) -> Result<BootInfo<'static>, Mb2Error> {
        if addr == 0 || !addr.is_multiple_of(8) {
            return Err(Mb2Error::Misaligned);
        }
        // SAFETY: the caller guarantees `addr` points at readable boot information, whose first field
        // is the u32 total size; it is 8-byte aligned (checked above).
        let total_size = unsafe { core::ptr::read(addr as *const u32) };
        // SAFETY: the caller guarantees `total_size` bytes from `addr` are readable and stay unchanged
        // for 'static; `parse` checks the framing before anything else is read.
        let bytes = unsafe { core::slice::from_raw_parts(addr as *const u8, total_size as usize) };
        BootInfo::parse(bytes)
    }

    /// The information's own physical extent, `[start, end)`, for keeping it out of the heap.
    pub fn extent(&self) -> (u64, u64) {
        let start = self.bytes.as_ptr() as u64;
        (start, start + self.bytes.len() as u64)
    }

    /// Every tag before the end tag, in order.
    pub fn tags(&self) -> impl Iterator<Item = Tag<'a>> + 'a {
        let bytes = self.bytes;
        let mut offset = 8;
        core::iter::from_fn(move || {
            // `parse` checked every tag up to the end tag, so these reads are in bounds.
            let tag_type = read_u32(bytes, offset);
            if tag_type == tag::END {
                return None;
            }
            let size = read_u32(bytes, offset + 4) as usize;
            let body = &bytes[offset + 8..offset + size];
            offset = align8(offset + size);
            Some(Tag { tag_type, body })
        })
    }

    fn first_tag(&self, tag_type: u32) -> Option<Tag<'a>> {
        self.tags().find(|t| t.tag_type == tag_type)
    }

    /// The image's command line (the text after the file name on the `multiboot2` line).
    pub fn command_line(&self) -> Option<Mb2Str<'a>> {
        self.first_tag(tag::CMDLINE).and_then(|t| c_string(t.body))
    }

    /// The boot loader's name, e.g. "GRUB 2.06".
    pub fn bootloader_name(&self) -> Option<Mb2Str<'a>> {
        self.first_tag(tag::BOOTLOADER_NAME)
            .and_then(|t| c_string(t.body))
    }

    /// The boot modules, in the order of the `module2` lines.
    pub fn modules(&self) -> impl Iterator<Item = Module<'a>> + 'a {
        self.tags()
            .filter(|t| t.tag_type == tag::MODULE)
            .filter_map(|t| {
                Some(Module {
                    start: read_u32(t.body, 0),
                    end: read_u32(t.body, 4),
                    cmdline: c_string(&t.body[8..])?,
                })
            })
    }

    /// The memory map's entries, if the loader gave one.
    pub fn memory_map(&self) -> Option<impl Iterator<Item = MemoryRegion> + 'a> {
        let body = self.first_tag(tag::MMAP)?.body;
        let entry_size = read_u32(body, 0) as usize;
        Some(body[8..].chunks_exact(entry_size).map(|e| MemoryRegion {
            base: read_u64(e, 0),
            length: read_u64(e, 8),
            region_type: read_u32(e, 16),
        }))
    }

    /// The ACPI RSDP copy (the 2.0 one if both are present), checked.
    pub fn acpi_rsdp(&self) -> Option<Result<Rsdp, RsdpError>> {
        self.first_tag(tag::ACPI_NEW)
            .or_else(|| self.first_tag(tag::ACPI_OLD))
            .map(|t| Rsdp::parse(t.body))
    }
}

/// Rewrites the `[start, end)` of module `index` (in `module2` order) in boot information held in
/// `bytes`, as Xen's `__start_xen` rewrites `mod[j].mod_start` when it moves a module. `false`,
/// with nothing written, if `bytes` is not valid boot information, has no such module, or
/// `end < start`.
pub fn set_module_range(bytes: &mut [u8], index: usize, start: u32, end: u32) -> bool {
    if end < start || BootInfo::parse(bytes).is_err() {
        return false;
    }
    // `parse` checked the framing of every tag up to the end tag.
    let mut offset = 8;
    let mut seen = 0;
    loop {
        let tag_type = read_u32(bytes, offset);
        if tag_type == tag::END {
            return false;
        }
        if tag_type == tag::MODULE {
            if seen == index {
                bytes[offset + 8..offset + 12].copy_from_slice(&start.to_le_bytes());
                bytes[offset + 12..offset + 16].copy_from_slice(&end.to_le_bytes());
                return true;
            }
            seen += 1;
        }
        offset = align8(offset + read_u32(bytes, offset + 4) as usize);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::vec::Vec;

    /// Builds boot information the way a loader lays it out, in an 8-byte aligned buffer.
    pub(crate) struct Builder {
        bytes: Vec<u8>,
    }

    #[repr(C, align(8))]
    pub(crate) struct Aligned(pub [u8; 4096]);

    impl Builder {
        pub(crate) fn new() -> Self {
            Builder {
                bytes: std::vec![0; 8],
            }
        }

        pub(crate) fn tag(mut self, tag_type: u32, body: &[u8]) -> Self {
            self.bytes.extend_from_slice(&tag_type.to_le_bytes());
            self.bytes
                .extend_from_slice(&(8 + body.len() as u32).to_le_bytes());
            self.bytes.extend_from_slice(body);
            while !self.bytes.len().is_multiple_of(8) {
                self.bytes.push(0);
            }
            self
        }

        pub(crate) fn cmdline(self, s: &str) -> Self {
            let mut body = s.as_bytes().to_vec();
            body.push(0);
            self.tag(tag::CMDLINE, &body)
        }

        pub(crate) fn module(self, start: u32, end: u32, s: &str) -> Self {
            let mut body = Vec::new();
            body.extend_from_slice(&start.to_le_bytes());
            body.extend_from_slice(&end.to_le_bytes());
            body.extend_from_slice(s.as_bytes());
            body.push(0);
            self.tag(tag::MODULE, &body)
        }

        pub(crate) fn mmap(self, regions: &[(u64, u64, u32)]) -> Self {
            let mut body = Vec::new();
            body.extend_from_slice(&24u32.to_le_bytes());
            body.extend_from_slice(&0u32.to_le_bytes());
            for &(base, length, ty) in regions {
                body.extend_from_slice(&base.to_le_bytes());
                body.extend_from_slice(&length.to_le_bytes());
                body.extend_from_slice(&ty.to_le_bytes());
                body.extend_from_slice(&0u32.to_le_bytes());
            }
            self.tag(tag::MMAP, &body)
        }

        /// Finishes with an end tag and the total size, into an aligned buffer.
        pub(crate) fn finish(self) -> Aligned {
            self.finish_raw(true)
        }

        pub(crate) fn finish_raw(mut self, end_tag: bool) -> Aligned {
            if end_tag {
                self = self.tag(tag::END, &[]);
            }
            let total = self.bytes.len() as u32;
            self.bytes[0..4].copy_from_slice(&total.to_le_bytes());
            let mut out = Aligned([0; 4096]);
            out.0[..self.bytes.len()].copy_from_slice(&self.bytes);
            out
        }
    }

    fn rsdp_v0() -> [u8; 20] {
        let mut r = [0u8; 20];
        r[..8].copy_from_slice(b"RSD PTR ");
        r[9..15].copy_from_slice(b"BOCHS ");
        r[16..20].copy_from_slice(&0x3ffe_1234u32.to_le_bytes());
        let sum = r.iter().fold(0u8, |a, &b| a.wrapping_add(b));
        r[8] = 0u8.wrapping_sub(sum);
        r
    }

    #[test]
    fn a_module_range_can_be_rewritten_in_place() {
        let mut info = Builder::new()
            .cmdline("x")
            .module(0x30_0000, 0x30_0017, "fixture a=b")
            .module(0x30_1000, 0x30_2000, "")
            .finish();
        assert!(set_module_range(&mut info.0, 1, 0x3f00_0000, 0x3f00_1000));
        assert!(!set_module_range(&mut info.0, 2, 0, 0), "no third module");
        assert!(!set_module_range(&mut info.0, 0, 2, 1), "end before start");
        let bi = BootInfo::parse(&info.0).unwrap();
        let mods: Vec<_> = bi.modules().collect();
        assert_eq!((mods[0].start, mods[0].end), (0x30_0000, 0x30_0017));
        assert_eq!((mods[1].start, mods[1].end), (0x3f00_0000, 0x3f00_1000));
        assert_eq!(mods[0].cmdline.as_str(), Some("fixture a=b"));
        let mut junk = Aligned([0xff; 4096]);
        assert!(!set_module_range(&mut junk.0, 0, 0, 0));
    }

    #[test]
    fn reads_what_grub_passes() {
        let info = Builder::new()
            .cmdline("console=com1 dom0_mem=512M")
            .tag(tag::BOOTLOADER_NAME, b"GRUB 2.06\0")
            .mmap(&[
                (0, 0x9fc00, 1),
                (0x9fc00, 0x400, 2),
                (0x10_0000, 0x3fee_0000, 1),
            ])
            .module(0x30_0000, 0x30_0017, "fixture a=b")
            .module(0x30_1000, 0x30_2000, "")
            .tag(tag::ACPI_OLD, &rsdp_v0())
            .finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        assert_eq!(
            bi.command_line().unwrap().as_str(),
            Some("console=com1 dom0_mem=512M")
        );
        assert_eq!(bi.bootloader_name().unwrap().as_str(), Some("GRUB 2.06"));
        let map: Vec<_> = bi.memory_map().unwrap().collect();
        assert_eq!(map.len(), 3);
        assert_eq!(
            map[2],
            MemoryRegion {
                base: 0x10_0000,
                length: 0x3fee_0000,
                region_type: 1
            }
        );
        assert_eq!(map[1].type_name(), Some("reserved"));
        let mods: Vec<_> = bi.modules().collect();
        assert_eq!(mods.len(), 2);
        assert_eq!((mods[0].start, mods[0].end), (0x30_0000, 0x30_0017));
        assert_eq!(mods[0].cmdline.as_str(), Some("fixture a=b"));
        assert_eq!(mods[1].cmdline.as_str(), Some(""));
        let rsdp = bi.acpi_rsdp().unwrap().unwrap();
        assert_eq!(rsdp.revision, 0);
        assert_eq!(&rsdp.oem_id, b"BOCHS ");
        assert_eq!(rsdp.rsdt_address, 0x3ffe_1234);
        assert_eq!(rsdp.xsdt_address, None);
    }

    #[test]
    fn missing_tags_are_none_not_errors() {
        let info = Builder::new().finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        assert!(bi.command_line().is_none());
        assert!(bi.memory_map().is_none());
        assert_eq!(bi.modules().count(), 0);
        assert!(bi.acpi_rsdp().is_none());
    }

    #[test]
    fn rejects_misaligned_information() {
        let info = Builder::new().finish();
        assert_eq!(
            BootInfo::parse(&info.0[4..]).err(),
            Some(Mb2Error::Misaligned)
        );
    }

    #[test]
    fn rejects_total_size_beyond_the_buffer_or_too_small() {
        let mut info = Builder::new().finish();
        info.0[0..4].copy_from_slice(&5000u32.to_le_bytes());
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::BadTotalSize { total_size: 5000 })
        );
        info.0[0..4].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::BadTotalSize { total_size: 8 })
        );
    }

    #[test]
    fn rejects_a_tag_running_past_the_end() {
        let mut info = Builder::new().cmdline("x").finish();
        // Make the cmdline tag claim 4000 bytes: past total_size.
        info.0[12..16].copy_from_slice(&4000u32.to_le_bytes());
        assert!(matches!(
            BootInfo::parse(&info.0),
            Err(Mb2Error::BadTag {
                offset: 8,
                tag_type: 1,
                size: 4000
            })
        ));
    }

    #[test]
    fn rejects_a_tag_smaller_than_its_header() {
        let mut info = Builder::new().cmdline("x").finish();
        info.0[12..16].copy_from_slice(&4u32.to_le_bytes());
        assert!(matches!(
            BootInfo::parse(&info.0),
            Err(Mb2Error::BadTag { size: 4, .. })
        ));
    }

    #[test]
    fn rejects_a_list_without_end_tag() {
        let info = Builder::new().cmdline("x").finish_raw(false);
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::MissingEndTag)
        );
    }

    #[test]
    fn rejects_unterminated_strings() {
        let info = Builder::new().tag(tag::CMDLINE, b"abc").finish();
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::UnterminatedString { offset: 8 })
        );
    }

    #[test]
    fn rejects_bad_memory_maps_and_modules() {
        let info = Builder::new()
            .tag(tag::MMAP, &[16, 0, 0, 0, 0, 0, 0, 0])
            .finish();
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::BadMemoryMap { offset: 8 })
        );
        let info = Builder::new().module(0x2000, 0x1000, "").finish();
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::BadModule { offset: 8 })
        );
        let info = Builder::new().tag(tag::MODULE, &[0; 4]).finish();
        assert_eq!(
            BootInfo::parse(&info.0).err(),
            Some(Mb2Error::BadModule { offset: 8 })
        );
    }

    #[test]
    fn unknown_tags_are_skipped() {
        let info = Builder::new()
            .tag(99, &[1, 2, 3])
            .cmdline("after unknown")
            .finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        assert_eq!(bi.command_line().unwrap().as_str(), Some("after unknown"));
        assert_eq!(bi.tags().count(), 2);
    }

    #[test]
    fn strings_display_escaped() {
        assert_eq!(std::format!("{}", Mb2Str(b"a\tb\xffc")), "a\\tb\\xffc");
    }

    #[test]
    fn rsdp_checks() {
        let good = rsdp_v0();
        assert!(Rsdp::parse(&good).is_ok());
        let mut bad = good;
        bad[10] ^= 1;
        assert_eq!(Rsdp::parse(&bad), Err(RsdpError::BadChecksum));
        let mut sig = good;
        sig[0] = b'X';
        assert_eq!(Rsdp::parse(&sig), Err(RsdpError::BadSignature));
        assert_eq!(Rsdp::parse(&good[..19]), Err(RsdpError::TooShort));

        // Revision 2: 36 bytes, extended checksum over all of them.
        let mut v2 = [0u8; 36];
        v2[..20].copy_from_slice(&good);
        v2[15] = 2;
        v2[8] = 0;
        let s = v2[..20].iter().fold(0u8, |a, &b| a.wrapping_add(b));
        v2[8] = 0u8.wrapping_sub(s);
        v2[20..24].copy_from_slice(&36u32.to_le_bytes());
        v2[24..32].copy_from_slice(&0x3ffe_2000u64.to_le_bytes());
        let s = v2.iter().fold(0u8, |a, &b| a.wrapping_add(b));
        v2[32] = 0u8.wrapping_sub(s);
        let r = Rsdp::parse(&v2).unwrap();
        assert_eq!(r.xsdt_address, Some(0x3ffe_2000));
        v2[33] = 1;
        assert_eq!(Rsdp::parse(&v2), Err(RsdpError::BadChecksum));
    }

    proptest::proptest! {
        /// Whatever the bytes, parsing returns (never panics), and accepted information can be walked.
        #[test]
        fn parse_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
                              total in 0u32..600) {
            let mut buf = Aligned([0; 4096]);
            buf.0[..4].copy_from_slice(&total.to_le_bytes());
            buf.0[8..8 + body.len()].copy_from_slice(&body);
            if let Ok(bi) = BootInfo::parse(&buf.0[..600]) {
                let _ = bi.command_line();
                let _ = bi.bootloader_name();
                let _ = bi.modules().count();
                let _ = bi.memory_map().map(|m| m.count());
                let _ = bi.acpi_rsdp();
            }
        }
    }
}
