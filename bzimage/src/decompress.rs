//! The three decoders, each writing into the caller's output buffer and returning how many bytes
//! the stream decompressed to. Data after the end of a stream (the size Linux appends to xz and
//! zstd payloads) is not read, as Xen's single-call decoders do not read it.

use alloc::boxed::Box;

use miniz_oxide::inflate::core::{decompress as inflate, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use ruzstd::decoding::errors::FrameDecoderError;
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};
use ruzstd::io::Read;
use xz4rust::{XzDecoder, XzError};

use crate::{BzImageError, Compression};

fn corrupt(format: Compression, why: &'static str) -> BzImageError {
    BzImageError::CorruptPayload { format, why }
}

/// The size error for a stream with more to give than `out` holds.
fn too_long(format: Compression, out: &[u8]) -> BzImageError {
    BzImageError::SizeMismatch {
        format,
        expected: u32::try_from(out.len()).unwrap_or(u32::MAX),
        actual: out.len() as u64 + 1,
    }
}

// ------------------------------------------------------------------------------------------------
// gzip

/// The gzip flags xen/common/inflate.c `gunzip` refuses, with its messages: ENCRYPTED,
/// CONTINUATION (RFC 1952's FHCRC) and RESERVED.
const REFUSED_FLAGS: [(u8, &str); 3] = [
    (0x20, "Input is encrypted"),
    (0x02, "Multi part input"),
    (0xc0, "Input has invalid flags"),
];
/// gunzip's EXTRA_FIELD flag: a length-prefixed field follows the fixed header.
const EXTRA_FIELD: u8 = 0x04;
/// ORIG_NAME and COMMENT: NUL-terminated strings follow, in this order.
const STRINGS: [u8; 2] = [0x08, 0x10];

/// The offset of the deflate stream after a gzip header, read as xen/common/inflate.c `gunzip`
/// reads it: magic, method 8, no encrypted, multi-part or reserved flag; six bytes of time, extra
/// flags and OS; then the optional extra field, original name and comment.
fn gzip_header_end(payload: &[u8]) -> Result<usize, BzImageError> {
    let short = corrupt(Compression::Gzip, "truncated header");
    let fixed = payload.get(..10).ok_or(short)?;
    // "We only support method #8, DEFLATED".
    if fixed[2] != 8 {
        return Err(corrupt(Compression::Gzip, "invalid method"));
    }
    let flags = fixed[3];
    if let Some(&(_, why)) = REFUSED_FLAGS.iter().find(|(bits, _)| flags & bits != 0) {
        return Err(corrupt(Compression::Gzip, why));
    }
    let mut pos = 10usize;
    if flags & EXTRA_FIELD != 0 {
        let len = payload.get(pos..pos + 2).ok_or(short)?;
        pos += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for field in STRINGS {
        if flags & field != 0 {
            let rest = payload.get(pos..).ok_or(short)?;
            pos += rest.iter().position(|&b| b == 0).ok_or(short)? + 1;
        }
    }
    if pos > payload.len() {
        return Err(short);
    }
    Ok(pos)
}

/// gzip: the header, the deflate stream (miniz_oxide, into `out` with its window inside `out`),
/// then the trailer's CRC-32 and ISIZE checked as `gunzip` checks them ("crc error", "length
/// error").
pub(crate) fn gunzip(payload: &[u8], out: &mut [u8]) -> Result<usize, BzImageError> {
    let format = Compression::Gzip;
    let start = gzip_header_end(payload)?;
    let mut state = Box::new(DecompressorOxide::new());
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, read, written) = inflate(&mut state, &payload[start..], out, 0, flags);
    match status {
        TINFLStatus::Done => {}
        TINFLStatus::HasMoreOutput => return Err(too_long(format, out)),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            return Err(corrupt(format, "out of input data"))
        }
        _ => return Err(corrupt(format, "invalid compressed format")),
    }
    let trailer = start + read;
    let word = |at: usize| {
        payload
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or(corrupt(format, "out of input data"))
    };
    let (crc, isize) = (word(trailer)?, word(trailer + 4)?);
    if crc != crc32fast::hash(&out[..written]) {
        return Err(corrupt(format, "crc error"));
    }
    if isize != written as u32 {
        return Err(corrupt(format, "length error"));
    }
    Ok(written)
}

// ------------------------------------------------------------------------------------------------
// xz

fn xz_error(e: &XzError) -> &'static str {
    match e {
        XzError::StreamHeaderMagicNumberMismatch
        | XzError::StreamHeaderCrc32Mismatch(..)
        | XzError::UnsupportedStreamHeaderOption => "bad stream header",
        XzError::BlockHeaderCrc32Mismatch(..)
        | XzError::BlockHeaderTooSmall
        | XzError::UnsupportedBlockHeaderOption
        | XzError::CorruptedCompressedLengthVliInBlockHeader
        | XzError::CorruptedUncompressedLengthVliInBlockHeader => "bad block header",
        XzError::UnsupportedCheckType(_)
        | XzError::UnsupportedLzmaProperties(_)
        | XzError::UnsupportedBcjFilter(_)
        | XzError::DeltaFilterUnsupported
        | XzError::Sha256NotSupported => "unsupported option",
        XzError::ContentCrc32Mismatch(..) | XzError::ContentCrc64Mismatch(..) => {
            "check of the data failed"
        }
        XzError::IndexCrc32Mismatch(..)
        | XzError::CorruptedDataInBlockIndex
        | XzError::FooterMagicNumberMismatch
        | XzError::FooterCheckTypeMismatch(..)
        | XzError::FooterCrc32Mismatch(..)
        | XzError::FooterDecoderIndexMismatch(..) => "bad index or footer",
        _ => "corrupt data",
    }
}

/// The dictionary an xz stream declares: xz4rust reads the stream and block headers and, with
/// an empty dictionary, stops at the LZMA2 properties with the size they need.
pub(crate) fn xz_dictionary_size(payload: &[u8]) -> Result<usize, BzImageError> {
    let mut decoder = Box::new(XzDecoder::with_fixed_size_dict(&mut []));
    let mut input = payload;
    loop {
        match decoder.decode(input, &mut [0u8; 0]) {
            Err(XzError::DictionaryTooLarge(size)) => {
                return usize::try_from(size).map_err(|_| corrupt(Compression::Xz, "dictionary"))
            }
            Err(e) => return Err(corrupt(Compression::Xz, xz_error(&e))),
            // A stream without blocks needs no dictionary.
            Ok(r) if r.is_end_of_stream() => return Ok(0),
            Ok(r) if r.input_consumed() == 0 => {
                return Err(corrupt(Compression::Xz, "out of input data"))
            }
            Ok(r) => input = &input[r.input_consumed()..],
        }
    }
}

/// xz with `scratch` as the dictionary, BCJ x86 (Linux's `--x86`) and CRC32 or CRC64 checks.
pub(crate) fn unxz(
    payload: &[u8],
    out: &mut [u8],
    scratch: &mut [u8],
) -> Result<usize, BzImageError> {
    let format = Compression::Xz;
    let len = scratch.len();
    let mut decoder = Box::new(XzDecoder::with_fixed_size_dict(scratch));
    let (mut input, mut written) = (payload, 0usize);
    loop {
        let r = match decoder.decode(input, &mut out[written..]) {
            Ok(r) => r,
            Err(XzError::DictionaryTooLarge(needed)) => {
                return Err(BzImageError::ScratchTooSmall { needed, len })
            }
            Err(e) => return Err(corrupt(format, xz_error(&e))),
        };
        input = &input[r.input_consumed()..];
        written += r.output_produced();
        if r.is_end_of_stream() {
            return Ok(written);
        }
        if !r.made_progress() {
            return Err(if written == out.len() {
                too_long(format, out)
            } else {
                corrupt(format, "out of input data")
            });
        }
    }
}

// ------------------------------------------------------------------------------------------------
// zstd

/// What ruzstd allocates besides its window, at most: its block scratch (a 128 KiB block and its
/// literals) and tables, bounded generously. A caller's heap limit covers this plus the window.
pub const ZSTD_EXTRA_HEAP: usize = 512 << 10;

/// One zstd frame into `out` (ruzstd; its content checksum compared when the frame has one).
/// Its window is allocated on the heap, so a frame whose window is larger than `heap_limit` (less
/// [`ZSTD_EXTRA_HEAP`]) is refused before anything is allocated.
pub(crate) fn unzstd(
    payload: &[u8],
    out: &mut [u8],
    heap_limit: usize,
) -> Result<usize, BzImageError> {
    let format = Compression::Zstd;
    let limit = heap_limit.saturating_sub(ZSTD_EXTRA_HEAP) as u64;
    let mut decoder = FrameDecoder::new();
    decoder.set_max_window_size(limit);
    let mut input = payload;
    match decoder.init(&mut input) {
        Ok(()) => {}
        Err(FrameDecoderError::WindowSizeTooBig { requested, .. }) => {
            return Err(BzImageError::WindowTooLarge {
                window: requested,
                limit,
            })
        }
        Err(_) => return Err(corrupt(format, "bad frame header")),
    }
    let mut written = 0usize;
    loop {
        let finished = decoder
            .decode_blocks(&mut input, BlockDecodingStrategy::UptoBytes(1 << 20))
            .map_err(|e| match e {
                FrameDecoderError::FailedToReadBlockHeader(_)
                | FrameDecoderError::FailedToReadChecksum(_) => {
                    corrupt(format, "out of input data")
                }
                _ => corrupt(format, "bad block"),
            })?;
        let n = decoder
            .read(&mut out[written..])
            .map_err(|_| corrupt(format, "bad block"))?;
        written += n;
        if decoder.can_collect() != 0 {
            return Err(too_long(format, out));
        }
        if finished {
            break;
        }
    }
    if let Some(expected) = decoder.get_checksum_from_data() {
        if decoder.get_calculated_checksum() != Some(expected) {
            return Err(corrupt(format, "checksum mismatch"));
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    const GZ: &[u8] = include_bytes!("../tests/fixtures/kernel.elf.gz");
    const KERNEL: &[u8] = include_bytes!("../tests/fixtures/kernel.elf");

    fn with_flags(flags: u8, fields: &[u8]) -> Vec<u8> {
        let mut v = GZ[..10].to_vec();
        v[3] = flags;
        v.extend(fields);
        v.extend(&GZ[10..]);
        v
    }

    /// xen/common/inflate.c gunzip: method 8 only; ENCRYPTED, CONTINUATION and RESERVED flags
    /// refused with its messages; the extra field, name and comment skipped.
    #[test]
    fn gzip_headers_are_read_as_gunzip_reads_them() {
        for (flags, why) in [
            (0x20, "Input is encrypted"),
            (0x02, "Multi part input"),
            (0x80, "Input has invalid flags"),
            (0x40, "Input has invalid flags"),
        ] {
            let mut out = std::vec![0u8; KERNEL.len()];
            let got = gunzip(&with_flags(flags, &[]), &mut out);
            assert_eq!(
                got,
                Err(corrupt(Compression::Gzip, why)),
                "flags {flags:#x}"
            );
        }
        let mut bad_method = GZ.to_vec();
        bad_method[2] = 7;
        assert_eq!(
            gzip_header_end(&bad_method),
            Err(corrupt(Compression::Gzip, "invalid method"))
        );

        let fields = b"\x03\x00abcname\0comment\0";
        let p = with_flags(0x04 | 0x08 | 0x10 | 0x01, fields);
        assert_eq!(gzip_header_end(&p), Ok(10 + fields.len()));
        let mut out = std::vec![0u8; KERNEL.len()];
        assert_eq!(gunzip(&p, &mut out), Ok(KERNEL.len()));
        assert_eq!(out, KERNEL);
        // A name without its NUL, an extra field past the end.
        let short = corrupt(Compression::Gzip, "truncated header");
        assert_eq!(
            gzip_header_end(&with_flags(0x08, b"name")[..14]),
            Err(short)
        );
        assert_eq!(
            gzip_header_end(&with_flags(0x04, b"\xff\xff")[..12]),
            Err(short)
        );
        assert_eq!(gzip_header_end(&GZ[..9]), Err(short));
    }
}
