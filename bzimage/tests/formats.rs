//! The decoders against the fixtures in tests/fixtures (made by make-fixtures.py with Debian's
//! gzip, xz and zstd, as Linux's arch/x86/boot/compressed/Makefile makes a bzImage payload), raw
//! and wrapped in a bzImage setup header as xen/arch/x86/bzimage.c reads it; then truncated,
//! corrupted and mis-sized: each an error, never a panic.

use bzimage::*;
use libelf::Elf;

const KERNEL: &[u8] = include_bytes!("fixtures/kernel.elf");
const GZ: &[u8] = include_bytes!("fixtures/kernel.elf.gz");
const XZ: &[u8] = include_bytes!("fixtures/kernel.elf.xz");
const XZ_CRC64: &[u8] = include_bytes!("fixtures/kernel.elf.crc64.xz");
const ZST: &[u8] = include_bytes!("fixtures/kernel.elf.zst");
const ZST_BIG_WINDOW: &[u8] = include_bytes!("fixtures/kernel.elf.big-window.zst");

/// Enough heap for the fixtures' zstd windows (48 KiB) and the decoder's own tables.
const HEAP: usize = 1 << 20;

const FIXTURES: [(&str, &[u8], Compression); 4] = [
    ("gzip", GZ, Compression::Gzip),
    ("xz", XZ, Compression::Xz),
    ("xz crc64", XZ_CRC64, Compression::Xz),
    ("zstd", ZST, Compression::Zstd),
];

/// A bzImage as Linux's arch/x86/boot/tools/build.c lays it out: boot sector and `setup_sects`
/// sectors of setup, then the protected-mode code with the payload `payload_offset` bytes in.
fn bzimage(setup_sects: u8, payload: &[u8]) -> Vec<u8> {
    let pm = (usize::from(setup_sects) + 1) * 512;
    let mut img = vec![0xccu8; pm + 0x3b4];
    img[0x1f1] = setup_sects;
    img[0x1fe..0x200].copy_from_slice(&[0x55, 0xaa]);
    img[0x202..0x206].copy_from_slice(b"HdrS");
    img[0x206..0x208].copy_from_slice(&0x020fu16.to_le_bytes());
    img[0x248..0x24c].copy_from_slice(&0x3b4u32.to_le_bytes());
    img[0x24c..0x250].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    img.extend(payload);
    img.extend([0u8; 100]);
    img
}

fn compressed(image: &[u8]) -> Compressed<'_> {
    match probe(image) {
        Ok(Kernel::Compressed(c)) => c,
        other => panic!("expected a compressed kernel, got {other:?}"),
    }
}

/// Decompresses as the hypervisor does: an output of `output_length` bytes and the scratch the
/// payload asks for.
fn decompress(c: &Compressed<'_>) -> Result<Vec<u8>, BzImageError> {
    let mut out = vec![0u8; c.output_length as usize];
    let mut scratch = vec![0u8; c.scratch_size()?];
    c.decompress(&mut out, &mut scratch, HEAP)?;
    Ok(out)
}

/// The payload with the stream cut to `len` bytes and the original size trailer kept.
fn cut_stream(payload: &[u8], len: usize) -> Vec<u8> {
    let (stream, size) = payload.split_at(payload.len() - 4);
    let mut v = stream[..len].to_vec();
    v.extend(size);
    v
}

#[test]
fn each_format_decompresses_to_the_kernel_raw_and_in_a_bzimage() {
    for (name, payload, format) in FIXTURES {
        for image in [payload.to_vec(), bzimage(27, payload)] {
            let c = compressed(&image);
            assert_eq!(c.format, format, "{name}");
            assert_eq!(c.payload, payload, "{name}");
            assert_eq!(c.output_length as usize, KERNEL.len(), "{name}");
            assert_eq!(c.bzimage.is_some(), image.len() != payload.len(), "{name}");
            assert_eq!(decompress(&c).as_deref(), Ok(KERNEL), "{name}");
        }
    }
}

/// The decompressed kernel is what libelf reads: its PVH entry, and the FEATURES note whose NUL
/// is in its padding as in Debian's vmlinux (libelf-dominfo.c elf_xen_parse_note).
#[test]
fn the_decompressed_kernel_boots_as_pvh() {
    let out = decompress(&compressed(&bzimage(4, XZ))).unwrap();
    let k = Elf::parse(&out).unwrap().pvh_kernel().unwrap();
    assert_eq!(k.phys32_entry, 0x100_0040);
    assert_eq!((k.pstart, k.pend), (0x100_0000, 0x100_0000 + 0xe000));
    assert_eq!(
        k.notes.features,
        Some(&b"!writable_page_tables|pae_pgdir_above_4gb"[..])
    );
}

/// bzimage.c bzimage_parse: an ELF module, or an ELF payload, is used as it is.
#[test]
fn elf_kernels_are_not_decompressed() {
    assert_eq!(
        probe(KERNEL),
        Ok(Kernel::Elf {
            elf: KERNEL,
            bzimage: None
        })
    );
    let img = bzimage(1, KERNEL);
    match probe(&img) {
        Ok(Kernel::Elf {
            elf,
            bzimage: Some(h),
        }) => {
            assert_eq!(elf, KERNEL);
            assert_eq!(h.payload_start(), 1024 + 0x3b4);
        }
        other => panic!("{other:?}"),
    }
}

/// The xz fixtures' dictionaries: 1 MiB as asked (`--lzma2=,dict=1MiB`), and xz -6's 8 MiB.
#[test]
fn xz_asks_for_its_dictionary_and_refuses_a_smaller_one() {
    assert_eq!(compressed(XZ).scratch_size(), Ok(1 << 20));
    assert_eq!(compressed(XZ_CRC64).scratch_size(), Ok(8 << 20));
    assert_eq!(compressed(GZ).scratch_size(), Ok(0));
    assert_eq!(compressed(ZST).scratch_size(), Ok(0));
    let c = compressed(XZ);
    let mut out = vec![0u8; KERNEL.len()];
    let mut scratch = vec![0u8; (1 << 20) - 1];
    assert_eq!(
        c.decompress(&mut out, &mut scratch, HEAP),
        Err(BzImageError::ScratchTooSmall {
            needed: 1 << 20,
            len: (1 << 20) - 1
        })
    );
}

/// Linux's own zstd payloads (zstd -22 --ultra from a pipe) declare a 128 MiB window, which
/// ruzstd allocates: refused below the caller's heap limit, decoded above it.
#[test]
fn a_zstd_window_beyond_the_heap_limit_is_refused() {
    let c = compressed(ZST_BIG_WINDOW);
    let mut out = vec![0u8; KERNEL.len()];
    let limit = 64 << 20;
    assert_eq!(
        c.decompress(&mut out, &mut [], limit),
        Err(BzImageError::WindowTooLarge {
            window: 128 << 20,
            limit: (limit - ZSTD_EXTRA_HEAP) as u64
        })
    );
    c.decompress(&mut out, &mut [], (128 << 20) + ZSTD_EXTRA_HEAP)
        .unwrap();
    assert_eq!(out, KERNEL);
}

#[test]
fn the_output_buffer_must_be_output_length() {
    let c = compressed(GZ);
    let mut out = vec![0u8; KERNEL.len() - 1];
    assert_eq!(
        c.decompress(&mut out, &mut [], HEAP),
        Err(BzImageError::BadOutputBuffer {
            expected: KERNEL.len() as u32,
            len: KERNEL.len() - 1
        })
    );
}

/// The size trailer (bzimage.c output_length) off by one either way.
#[test]
fn a_wrong_size_trailer_is_a_size_mismatch() {
    let n = KERNEL.len() as u32;
    for (name, payload, format) in FIXTURES {
        for size in [n - 1, n + 1] {
            let mut p = payload.to_vec();
            let at = p.len() - 4;
            p[at..].copy_from_slice(&size.to_le_bytes());
            let got = decompress(&compressed(&p));
            let expected = match (format, size > n) {
                // gzip's trailer is its ISIZE: inflate.c gunzip's "length error".
                (Compression::Gzip, true) => Err(BzImageError::CorruptPayload {
                    format,
                    why: "length error",
                }),
                (_, true) => Err(BzImageError::SizeMismatch {
                    format,
                    expected: size,
                    actual: u64::from(n),
                }),
                (_, false) => Err(BzImageError::SizeMismatch {
                    format,
                    expected: size,
                    actual: u64::from(n),
                }),
            };
            assert_eq!(got, expected, "{name}, trailer {size}");
        }
    }
}

/// A stream cut anywhere (its size trailer kept) is a corrupt payload; a payload cut anywhere
/// (its trailer lost) is an error or a refusal, never a panic.
#[test]
fn truncated_payloads_are_errors() {
    for (name, payload, format) in FIXTURES {
        let stream = payload.len() - 4;
        for len in (0..stream).step_by(7).chain([stream - 1]) {
            let p = cut_stream(payload, len);
            match probe(&p) {
                Ok(Kernel::Compressed(c)) => {
                    let got = decompress(&c);
                    assert!(
                        matches!(got, Err(BzImageError::CorruptPayload { format: f, .. }) if f == format),
                        "{name} cut at {len}: {got:?}"
                    );
                }
                // Cut inside the magic.
                Err(BzImageError::NotAKernel | BzImageError::PayloadTooShort { .. }) => {
                    assert!(len < 6, "{name} cut at {len}")
                }
                other => panic!("{name} cut at {len}: {other:?}"),
            }
        }
        for len in 0..payload.len() {
            let p = &payload[..len];
            if let Ok(Kernel::Compressed(c)) = probe(p) {
                // The trailer is now 4 bytes of the stream: decode only sizes a test can hold.
                if c.output_length <= 1 << 20 {
                    assert!(decompress(&c).is_err(), "{name} cut at {len}");
                }
            }
        }
    }
}

/// Every byte of each stream flipped in turn: an error, or (where the format does not look at
/// the byte, like gzip's timestamp) the kernel itself; never wrong bytes, never a panic.
#[test]
fn corrupt_payloads_are_errors() {
    for (name, payload, format) in FIXTURES {
        let stream = payload.len() - 4;
        let (mut errors, mut ok, mut not_kernel) = (0, Vec::new(), 0);
        for at in 0..stream {
            let mut p = payload.to_vec();
            p[at] ^= 0x55;
            match probe(&p) {
                Ok(Kernel::Compressed(c)) => match decompress(&c) {
                    Ok(out) => {
                        assert_eq!(out, KERNEL, "{name}: byte {at} flipped");
                        ok.push(at);
                    }
                    // Bad data that inflates to another length is a size mismatch.
                    Err(
                        BzImageError::CorruptPayload { format: f, .. }
                        | BzImageError::SizeMismatch { format: f, .. },
                    ) => {
                        assert_eq!(f, format);
                        errors += 1;
                    }
                    Err(e) => panic!("{name}: byte {at} flipped: {e:?}"),
                },
                Err(BzImageError::NotAKernel) => {
                    assert!(at < 6, "{name}: byte {at}");
                    not_kernel += 1;
                }
                other => panic!("{name}: byte {at} flipped: {other:?}"),
            }
        }
        // The bytes no decoder looks at: gzip's MTIME, XFL and OS (inflate.c gunzip skips
        // them); the first byte of LZMA's range coder, always 0 (xz-embedded's rc_read_init
        // skips it); zstd's frame content size (the payload's trailer is the size checked).
        let unread: &[usize] = match name {
            "gzip" => &[4, 5, 6, 7, 8, 9],
            "xz" | "xz crc64" => &[30],
            _ => &[5],
        };
        assert_eq!(ok, unread, "{name}");
        assert_eq!(not_kernel, magic_len(format), "{name}: flipped magic bytes");
        assert_eq!(errors + ok.len() + not_kernel, stream);
    }
}

fn magic_len(format: Compression) -> usize {
    match format {
        Compression::Gzip => 2,
        Compression::Xz => 6,
        _ => 4,
    }
}

#[test]
fn errors_say_what_went_wrong() {
    let e = BzImageError::CorruptPayload {
        format: Compression::Xz,
        why: "check of the data failed",
    };
    assert_eq!(
        e.to_string(),
        "corrupt xz payload: check of the data failed"
    );
    let e = BzImageError::SizeMismatch {
        format: Compression::Zstd,
        expected: 10,
        actual: 9,
    };
    assert_eq!(
        e.to_string(),
        "zstd payload decompresses to 9 bytes, its trailer says 10"
    );
    assert_eq!(
        BzImageError::UnsupportedCompression(Compression::Lz4).to_string(),
        "lz4-compressed kernels are not supported (gzip, xz and zstd are)"
    );
}
