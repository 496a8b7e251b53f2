//! bzimage: Linux's bzImage kernels and compressed ELF kernels as Xen's dom0 builder takes them
//! (xen/arch/x86/bzimage.c, Xen 4.17: `bzimage_check`, `bzimage_headroom`, `bzimage_parse`), so
//! that a distribution's `vmlinuz` boots as a PVH dom0 like an ELF `vmlinux`.
//!
//! [`probe`] looks at a module the way `bzimage_parse` does:
//! 1. a bzImage is recognised by its setup header (`HdrS` at 0x202, boot protocol 2.08 or later);
//!    its payload is `payload_length` bytes at `(setup_sects + 1) * 512 + payload_offset`; anything
//!    else is taken whole;
//! 2. a payload (or module) that is an ELF image is returned as it is;
//! 3. otherwise its compression is told by its magic, as `perform_gunzip` (gzip) and
//!    xen/common/decompress.c `decompress` (bzip2, xz, lzma, lzo, lz4, zstd) tell it, and its
//!    decompressed size is `output_length`: the payload's last 4 bytes, little-endian.
//!
//! [`Compressed::decompress`] then inflates gzip, xz and zstd payloads into a buffer the caller
//! allocates (Xen's `image_base`), with maintained no_std decoders: miniz_oxide (deflate, under
//! gzip's header and trailer as xen/common/inflate.c `gunzip` reads them), xz4rust and ruzstd.
//! bzip2, lzma, lzo and lz4 payloads, which Xen also decompresses, are refused with
//! [`BzImageError::UnsupportedCompression`] (no Linux distribution kernel uses them by default).
//!
//! The module comes from the boot loader and is not trusted: every offset is bounds-checked, and
//! a malformed or corrupt image is a [`BzImageError`], never a panic. Where Xen trusts the header
//! (it reads the payload without checking that it lies in the module), this crate refuses.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

#[cfg(test)]
extern crate std;

mod decompress;

use core::fmt;

pub use decompress::ZSTD_EXTRA_HEAP;

/// `sizeof(struct setup_header)` in bzimage.c: the header runs to `payload_length` at 0x24c.
pub const SETUP_HEADER_SIZE: usize = 0x250;
/// `HDR_MAGIC`: "HdrS" at offset 0x202.
pub const HDR_MAGIC: &[u8; 4] = b"HdrS";
/// The oldest boot protocol with `payload_offset`/`payload_length`: 2.08 (`VERSION(2,8)`).
pub const MIN_BOOT_PROTOCOL: u16 = 0x0208;

/// How a payload is compressed, told by its first bytes as Xen tells it (`gzip_check` in
/// xen/common/gunzip.c, then xen/common/decompress.c `decompress`, in that order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// `1f 8b` or `1f 9e`.
    Gzip,
    /// `BZh`.
    Bzip2,
    /// `fd 37 7a 58 5a 00` ("\3757zXZ\0").
    Xz,
    /// `5d 00`: LZMA-alone.
    Lzma,
    /// `89 4c 5a 4f 00` ("\x89LZO\0").
    Lzo,
    /// `02 21`: LZ4's legacy frame.
    Lz4,
    /// `28 b5 2f fd`.
    Zstd,
}

impl Compression {
    /// The format whose magic `payload` starts with, as Xen checks them.
    pub fn from_magic(payload: &[u8]) -> Option<Compression> {
        let magics: [(&[u8], Compression); 8] = [
            (b"\x1f\x8b", Compression::Gzip),
            (b"\x1f\x9e", Compression::Gzip),
            (b"BZh", Compression::Bzip2),
            (b"\xfd7zXZ\x00", Compression::Xz),
            (b"\x5d\x00", Compression::Lzma),
            (b"\x89LZO\x00", Compression::Lzo),
            (b"\x02\x21", Compression::Lz4),
            (b"\x28\xb5\x2f\xfd", Compression::Zstd),
        ];
        magics
            .iter()
            .find(|(magic, _)| payload.starts_with(magic))
            .map(|&(_, c)| c)
    }

    /// Whether xen-rs decompresses it.
    pub fn is_supported(self) -> bool {
        matches!(
            self,
            Compression::Gzip | Compression::Xz | Compression::Zstd
        )
    }

    /// The format's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Lzma => "lzma",
            Compression::Lzo => "lzo",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a module is not a kernel xen-rs can load, or its payload could not be decompressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BzImageError {
    /// Neither an ELF image, nor a bzImage, nor a compressed image Xen knows (Xen decompresses
    /// nothing and then fails in `elf_init`: "not an ELF binary").
    NotAKernel,
    /// "HdrS" sits at 0x202 but the module ends inside the setup header (Xen takes it for a
    /// non-bzImage and fails later).
    TruncatedHeader {
        /// The module's length.
        len: usize,
    },
    /// A boot protocol older than 2.08, which has no payload fields (bzimage_check: "Cannot
    /// load bzImage v%d.%02d at least v2.08 is required").
    OldBootProtocol(u16),
    /// The payload the header describes does not lie inside the module (Xen reads it anyway).
    PayloadOutOfImage {
        /// Its offset in the module: `(setup_sects + 1) * 512 + payload_offset`.
        offset: u64,
        /// `payload_length`.
        length: u32,
        /// The module's length.
        image_len: usize,
    },
    /// A bzImage whose payload is neither an ELF image nor compressed in a format Xen knows.
    UnknownCompression {
        /// The payload's first bytes (zero-padded).
        magic: [u8; 4],
    },
    /// A format Xen decompresses and xen-rs does not (bzip2, lzma, lzo, lz4).
    UnsupportedCompression(Compression),
    /// The payload is too short to hold a decompressed size (its last 4 bytes).
    PayloadTooShort {
        /// The payload's length.
        len: usize,
    },
    /// The decoder refused the payload: bad header, bad data, bad checksum, or the stream ends
    /// before it is complete.
    CorruptPayload {
        /// The payload's format.
        format: Compression,
        /// What the decoder found.
        why: &'static str,
    },
    /// The payload decompressed to a size other than its trailer's (`output_length`).
    SizeMismatch {
        /// The payload's format.
        format: Compression,
        /// `output_length`: the payload's last 4 bytes.
        expected: u32,
        /// The bytes the stream decompresses to, or `expected + 1` when it has more than the
        /// output buffer takes.
        actual: u64,
    },
    /// The output buffer is not `output_length` bytes long (a caller's mistake).
    BadOutputBuffer {
        /// `output_length`.
        expected: u32,
        /// The buffer's length.
        len: usize,
    },
    /// The scratch buffer is smaller than [`Compressed::scratch_size`] says (a caller's mistake,
    /// or an xz stream whose later block needs a larger dictionary than its first).
    ScratchTooSmall {
        /// Bytes needed.
        needed: u64,
        /// Bytes given.
        len: usize,
    },
    /// A zstd frame whose window is larger than the heap the caller lets the decoder use (Xen's
    /// decoder uses its output as the window; ruzstd keeps its own).
    WindowTooLarge {
        /// The frame's window, in bytes.
        window: u64,
        /// The caller's limit.
        limit: u64,
    },
}

impl fmt::Display for BzImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BzImageError::NotAKernel => write!(
                f,
                "not a kernel: neither an ELF image, a bzImage nor a compressed image"
            ),
            BzImageError::TruncatedHeader { len } => write!(
                f,
                "bzImage setup header truncated: the module ends at {len:#x}, the header at {SETUP_HEADER_SIZE:#x}"
            ),
            BzImageError::OldBootProtocol(v) => write!(
                f,
                "Cannot load bzImage v{}.{:02} at least v2.08 is required",
                v >> 8,
                v & 0xff
            ),
            BzImageError::PayloadOutOfImage {
                offset,
                length,
                image_len,
            } => write!(
                f,
                "bzImage payload [{offset:#x}, +{length:#x}) lies outside the {image_len:#x}-byte module"
            ),
            BzImageError::UnknownCompression { magic } => write!(
                f,
                "bzImage payload is neither ELF nor compressed in a known format (magic {:02x} {:02x} {:02x} {:02x})",
                magic[0], magic[1], magic[2], magic[3]
            ),
            BzImageError::UnsupportedCompression(c) => {
                write!(f, "{c}-compressed kernels are not supported (gzip, xz and zstd are)")
            }
            BzImageError::PayloadTooShort { len } => {
                write!(f, "compressed payload of {len} bytes has no size trailer")
            }
            BzImageError::CorruptPayload { format, why } => {
                write!(f, "corrupt {format} payload: {why}")
            }
            BzImageError::SizeMismatch {
                format,
                expected,
                actual,
            } => {
                if actual > u64::from(expected) {
                    write!(
                        f,
                        "{format} payload decompresses to more than its trailer's {expected} bytes"
                    )
                } else {
                    write!(
                        f,
                        "{format} payload decompresses to {actual} bytes, its trailer says {expected}"
                    )
                }
            }
            BzImageError::BadOutputBuffer { expected, len } => write!(
                f,
                "output buffer of {len} bytes for a {expected}-byte kernel"
            ),
            BzImageError::ScratchTooSmall { needed, len } => write!(
                f,
                "decoder needs {needed} bytes of scratch memory, {len} given"
            ),
            BzImageError::WindowTooLarge { window, limit } => write!(
                f,
                "zstd window of {} KiB is larger than the {} KiB the decoder may allocate",
                window >> 10,
                limit >> 10
            ),
        }
    }
}

fn read_u16(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

fn read_u32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

/// The bzImage setup header fields Xen reads (`struct setup_header` in bzimage.c).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetupHeader {
    /// `setup_sects`: 512-byte sectors of real-mode setup code after the boot sector. Used as it
    /// is, as Xen uses it (the boot protocol's "0 means 4" predates protocol 2.08).
    pub setup_sects: u8,
    /// `version`: the boot protocol, major in the high byte.
    pub version: u16,
    /// `payload_offset`: from the start of the protected-mode code.
    pub payload_offset: u32,
    /// `payload_length`.
    pub payload_length: u32,
}

impl SetupHeader {
    /// `bzimage_check`: `Ok(None)` for a module that is not a bzImage (no "HdrS" at 0x202),
    /// the header of one with protocol 2.08 or later, and an error for an older one.
    ///
    /// Xen also takes a module shorter than the header for a non-bzImage; one that has "HdrS"
    /// at 0x202 and ends inside the header is refused here ([`BzImageError::TruncatedHeader`]).
    pub fn parse(image: &[u8]) -> Result<Option<SetupHeader>, BzImageError> {
        // bzimage.c's struct setup_header, after 0x1f1 bytes of padding: setup_sects at 0x1f1,
        // header at 0x202, version at 0x206, ..., payload_offset at 0x248, payload_length at
        // 0x24c.
        if image.get(0x202..0x206) != Some(&HDR_MAGIC[..]) {
            return Ok(None);
        }
        if image.len() < SETUP_HEADER_SIZE {
            return Err(BzImageError::TruncatedHeader { len: image.len() });
        }
        let version = read_u16(image, 0x206);
        if version < MIN_BOOT_PROTOCOL {
            return Err(BzImageError::OldBootProtocol(version));
        }
        Ok(Some(SetupHeader {
            setup_sects: image[0x1f1],
            version,
            payload_offset: read_u32(image, 0x248),
            payload_length: read_u32(image, 0x24c),
        }))
    }

    /// Where the payload starts in the module: `(setup_sects + 1) * 512 + payload_offset`.
    pub fn payload_start(&self) -> u64 {
        (u64::from(self.setup_sects) + 1) * 512 + u64::from(self.payload_offset)
    }

    /// The payload's bytes, if they lie inside `image`.
    pub fn payload<'a>(&self, image: &'a [u8]) -> Result<&'a [u8], BzImageError> {
        let start = self.payload_start();
        let out = BzImageError::PayloadOutOfImage {
            offset: start,
            length: self.payload_length,
            image_len: image.len(),
        };
        let start = usize::try_from(start).map_err(|_| out)?;
        let len = usize::try_from(self.payload_length).map_err(|_| out)?;
        image
            .get(start..start.checked_add(len).ok_or(out)?)
            .ok_or(out)
    }
}

/// libelf's `elf_is_elfbinary` (xen/common/libelf/libelf-tools.c): at least an ELF32 header's
/// 52 bytes, starting with "\x7fELF".
pub fn is_elf(image: &[u8]) -> bool {
    image.len() >= 52 && image.starts_with(b"\x7fELF")
}

/// What a module holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel<'a> {
    /// An ELF image, to hand to libelf as it is: the module itself, or a bzImage's uncompressed
    /// payload.
    Elf {
        /// The ELF bytes.
        elf: &'a [u8],
        /// The bzImage header, if the ELF was a bzImage's payload.
        bzimage: Option<SetupHeader>,
    },
    /// A compressed ELF image: a bzImage's payload, or the module itself.
    Compressed(Compressed<'a>),
}

/// A compressed kernel: its payload, format and decompressed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compressed<'a> {
    /// The compressed bytes, size trailer included (Xen's `image_start`, `orig_image_len`).
    pub payload: &'a [u8],
    /// Its format.
    pub format: Compression,
    /// bzimage.c `output_length`: the payload's last 4 bytes, little-endian. For gzip this is the
    /// format's own ISIZE; Linux appends it to xz and zstd payloads (`size_append`).
    pub output_length: u32,
    /// The bzImage header, if the payload came from a bzImage.
    pub bzimage: Option<SetupHeader>,
}

/// Looks at a module as `bzimage_parse` does: a bzImage's payload or the module itself; an ELF
/// image as it is; else a compressed image of a known format (gzip, xz or zstd; the formats Xen
/// also knows are refused as unsupported).
pub fn probe(image: &[u8]) -> Result<Kernel<'_>, BzImageError> {
    let header = SetupHeader::parse(image)?;
    let payload = match header {
        Some(h) => h.payload(image)?,
        None => image,
    };
    if is_elf(payload) {
        return Ok(Kernel::Elf {
            elf: payload,
            bzimage: header,
        });
    }
    let Some(format) = Compression::from_magic(payload) else {
        return Err(match header {
            Some(_) => {
                let mut magic = [0u8; 4];
                for (m, b) in magic.iter_mut().zip(payload) {
                    *m = *b;
                }
                BzImageError::UnknownCompression { magic }
            }
            None => BzImageError::NotAKernel,
        });
    };
    if !format.is_supported() {
        return Err(BzImageError::UnsupportedCompression(format));
    }
    let len = payload.len();
    let trailer = len
        .checked_sub(4)
        .filter(|&at| at > 0)
        .ok_or(BzImageError::PayloadTooShort { len })?;
    Ok(Kernel::Compressed(Compressed {
        payload,
        format,
        output_length: read_u32(payload, trailer),
        bzimage: header,
    }))
}

impl Compressed<'_> {
    /// Bytes of scratch memory [`decompress`](Self::decompress) needs besides its output: the
    /// dictionary an xz stream declares (xz4rust keeps it apart from the output; Xen's `unxz`
    /// runs in single-call mode, its output being the dictionary). None for gzip and zstd.
    pub fn scratch_size(&self) -> Result<usize, BzImageError> {
        match self.format {
            Compression::Xz => decompress::xz_dictionary_size(self.payload),
            _ => Ok(0),
        }
    }

    /// Decompresses the payload into `out`, which must be [`output_length`](Self::output_length)
    /// bytes long, and checks that the stream fills it exactly (Xen sets the image length to
    /// `output_length` without checking; its decoders check their own sizes and checksums, and so
    /// do these). `scratch` must hold [`scratch_size`](Self::scratch_size) bytes.
    ///
    /// `heap_limit` bounds what zstd's decoder allocates for its window (see
    /// [`ZSTD_EXTRA_HEAP`] for the rest it takes); gzip and xz take about 10 and 30 KiB of heap
    /// for their state.
    pub fn decompress(
        &self,
        out: &mut [u8],
        scratch: &mut [u8],
        heap_limit: usize,
    ) -> Result<(), BzImageError> {
        if out.len() as u64 != u64::from(self.output_length) {
            return Err(BzImageError::BadOutputBuffer {
                expected: self.output_length,
                len: out.len(),
            });
        }
        let written = match self.format {
            Compression::Gzip => decompress::gunzip(self.payload, out)?,
            Compression::Xz => decompress::unxz(self.payload, out, scratch)?,
            Compression::Zstd => decompress::unzstd(self.payload, out, heap_limit)?,
            other => return Err(BzImageError::UnsupportedCompression(other)),
        };
        if written != out.len() {
            return Err(BzImageError::SizeMismatch {
                format: self.format,
                expected: self.output_length,
                actual: written as u64,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    const HEADER: usize = 0x202;
    const PAYLOAD_OFFSET: usize = 0x248;

    /// A bzImage with `setup_sects` and `version`, its payload 16 bytes into the protected-mode
    /// code.
    fn bzimage(setup_sects: u8, version: u16, payload: &[u8]) -> std::vec::Vec<u8> {
        let start = (usize::from(setup_sects) + 1) * 512;
        let mut img = std::vec![0u8; start + 16];
        img[0x1f1] = setup_sects;
        img[HEADER..HEADER + 4].copy_from_slice(HDR_MAGIC);
        img[0x206..0x208].copy_from_slice(&version.to_le_bytes());
        img[PAYLOAD_OFFSET..PAYLOAD_OFFSET + 4].copy_from_slice(&16u32.to_le_bytes());
        let len = payload.len() as u32;
        img[0x24c..0x250].copy_from_slice(&len.to_le_bytes());
        img.extend(payload);
        img
    }

    #[test]
    fn magics_are_told_in_xens_order() {
        let cases: [(&[u8], Option<Compression>); 10] = [
            (b"\x1f\x8b\x08", Some(Compression::Gzip)),
            (b"\x1f\x9e", Some(Compression::Gzip)),
            (b"BZh9", Some(Compression::Bzip2)),
            (b"\xfd7zXZ\x00\x00", Some(Compression::Xz)),
            (b"\xfd7zXZ", None),
            (b"\x5d\x00\x00", Some(Compression::Lzma)),
            (b"\x89LZO\x00", Some(Compression::Lzo)),
            (b"\x02\x21\x4c\x18", Some(Compression::Lz4)),
            (b"\x28\xb5\x2f\xfd", Some(Compression::Zstd)),
            (b"\x7fELF", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(Compression::from_magic(bytes), expected, "{bytes:02x?}");
        }
    }

    /// bzimage.c bzimage_check: "HdrS" at 0x202, version >= 2.08; the payload at
    /// (setup_sects + 1) * 512 + payload_offset.
    #[test]
    fn the_setup_header_locates_the_payload() {
        let img = bzimage(3, 0x020f, b"\x1f\x8b\x08\x00payload!\x05\x00\x00\x00");
        let h = SetupHeader::parse(&img).unwrap().unwrap();
        assert_eq!((h.setup_sects, h.version, h.payload_offset), (3, 0x20f, 16));
        assert_eq!(h.payload_start(), 4 * 512 + 16);
        let Kernel::Compressed(c) = probe(&img).unwrap() else {
            panic!("a gzip payload")
        };
        assert_eq!(c.format, Compression::Gzip);
        assert_eq!(c.output_length, 5);
        assert_eq!(c.bzimage, Some(h));
        assert_eq!(c.payload.len(), 16);

        assert_eq!(
            probe(&bzimage(3, 0x0207, b"x")),
            Err(BzImageError::OldBootProtocol(0x0207))
        );
        assert_eq!(
            BzImageError::OldBootProtocol(0x0207).to_string(),
            "Cannot load bzImage v2.07 at least v2.08 is required"
        );
        // Not "HdrS": not a bzImage, and then not a kernel.
        let mut not = img.clone();
        not[HEADER] = b'h';
        assert_eq!(SetupHeader::parse(&not), Ok(None));
        assert_eq!(probe(&not), Err(BzImageError::NotAKernel));
    }

    #[test]
    fn headers_and_payloads_out_of_the_module_are_errors() {
        let img = bzimage(1, 0x020f, b"\x28\xb5\x2f\xfd....\x10\x00\x00\x00");
        assert_eq!(
            probe(&img[..0x230]),
            Err(BzImageError::TruncatedHeader { len: 0x230 })
        );
        let len = img.len();
        assert_eq!(
            probe(&img[..len - 1]),
            Err(BzImageError::PayloadOutOfImage {
                offset: 1024 + 16,
                length: 12,
                image_len: len - 1
            })
        );
        // A payload_offset that wraps nothing: u32::MAX past the setup code.
        let mut far = img.clone();
        far[PAYLOAD_OFFSET..PAYLOAD_OFFSET + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            probe(&far),
            Err(BzImageError::PayloadOutOfImage { .. })
        ));
        // A payload with its magic and nothing else.
        assert_eq!(
            probe(&bzimage(1, 0x020f, b"\x28\xb5\x2f\xfd")),
            Err(BzImageError::PayloadTooShort { len: 4 })
        );
    }

    #[test]
    fn payloads_are_elf_compressed_or_refused() {
        let mut elf = std::vec![0u8; 64];
        elf[..4].copy_from_slice(b"\x7fELF");
        let img = bzimage(1, 0x0208, &elf);
        let h = SetupHeader::parse(&img).unwrap();
        assert_eq!(
            probe(&img),
            Ok(Kernel::Elf {
                elf: &elf,
                bzimage: h
            })
        );
        assert_eq!(
            probe(&elf),
            Ok(Kernel::Elf {
                elf: &elf,
                bzimage: None
            })
        );
        // elf_is_elfbinary wants a whole ELF32 header.
        assert_eq!(probe(&elf[..51]), Err(BzImageError::NotAKernel));
        assert_eq!(
            probe(&bzimage(1, 0x0208, b"BZh91AY&SY")),
            Err(BzImageError::UnsupportedCompression(Compression::Bzip2))
        );
        assert_eq!(
            probe(&bzimage(1, 0x0208, b"MZ\x90\x00")),
            Err(BzImageError::UnknownCompression {
                magic: *b"MZ\x90\x00"
            })
        );
        assert_eq!(
            probe(&bzimage(1, 0x0208, b"MZ")),
            Err(BzImageError::UnknownCompression { magic: *b"MZ\0\0" })
        );
        assert_eq!(probe(b"fixture a=b"), Err(BzImageError::NotAKernel));
        assert_eq!(probe(&[]), Err(BzImageError::NotAKernel));
    }
}
