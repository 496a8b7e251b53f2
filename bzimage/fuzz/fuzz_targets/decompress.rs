//! Fuzzes `bzimage::probe` and the decoders on any module: no input may panic. A compressed
//! payload is decompressed when its sizes are small enough for a fuzzer (1 MiB of output, 4 MiB
//! of xz dictionary, 16 MiB of zstd heap); a kernel that comes out, or an ELF that went in, is
//! handed to libelf as the dom0 builder hands it.
#![no_main]

use bzimage::{probe, Kernel};
use libfuzzer_sys::fuzz_target;

fn read_elf(elf: &[u8]) {
    if let Ok(e) = libelf::Elf::parse(elf) {
        let _ = e.pvh_kernel();
    }
}

fuzz_target!(|data: &[u8]| {
    match probe(data) {
        Ok(Kernel::Elf { elf, .. }) => read_elf(elf),
        Ok(Kernel::Compressed(c)) => {
            // The trailer is 4 bytes after at least one of payload.
            assert!(c.payload.len() > 4);
            let Ok(scratch) = c.scratch_size() else {
                return;
            };
            if c.output_length > 1 << 20 || scratch > 4 << 20 {
                return;
            }
            let mut out = vec![0u8; c.output_length as usize];
            let mut scratch = vec![0u8; scratch];
            match c.decompress(&mut out, &mut scratch, 16 << 20) {
                Ok(()) => read_elf(&out),
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
