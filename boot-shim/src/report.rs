//! The boot report: what the boot information says, in Xen's console style, and the free memory it
//! leaves for the domain heap. Written to any `fmt::Write` so that its lines are tested on the host.

use core::fmt::{self, Write};

use crate::boot_memory::{FreeRanges, PhysRange, LOW_MEMORY_END, PAGE_SIZE};
use crate::multiboot2::{memory_type, BootInfo, RsdpError};

/// How many separate free ranges boot keeps; more is lost (and reported), never misused.
pub const MAX_FREE_RANGES: usize = 128;

/// Why boot cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootError {
    /// The boot loader gave no memory map (Xen panics the same way).
    NoMemoryMap,
    /// The memory map has no usable RAM outside what is already in use.
    NoFreeMemory,
}

impl fmt::Display for BootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BootError::NoMemoryMap => write!(f, "the boot loader provided no memory map"),
            BootError::NoFreeMemory => write!(f, "no free memory for the domain heap"),
        }
    }
}

/// The version line, first on the console.
pub fn write_banner(out: &mut impl Write) -> fmt::Result {
    writeln!(
        out,
        "xen-rs version {} (Xen 4.17 interfaces) debug={}",
        env!("CARGO_PKG_VERSION"),
        if cfg!(debug_assertions) { 'y' } else { 'n' }
    )
}

/// Writes what the boot information holds and returns the memory free for the heap: usable RAM minus
/// the first MiB, the image (`image`), the boot information itself and every module.
pub fn write_boot_report<W: Write>(
    out: &mut W,
    info: &BootInfo<'_>,
    image: PhysRange,
) -> Result<FreeRanges<MAX_FREE_RANGES>, BootError> {
    // Console output is best effort: a failing writer must not change what boot decides.
    let _ = write_boot_information(out, info, image);

    let memory_map = info.memory_map().ok_or(BootError::NoMemoryMap)?;
    let mut free = FreeRanges::<MAX_FREE_RANGES>::new();
    for region in memory_map.filter(|r| r.region_type == memory_type::AVAILABLE) {
        free.add_usable(PhysRange::new(region.base, region.end()));
    }
    free.reserve(PhysRange::new(0, LOW_MEMORY_END));
    free.reserve(image);
    let (mbi_start, mbi_end) = info.extent();
    free.reserve(PhysRange::new(mbi_start, mbi_end));
    for module in info.modules() {
        free.reserve(PhysRange::new(module.start.into(), module.end.into()));
    }

    let _ = write_free_memory(out, &free);
    if free.is_empty() {
        return Err(BootError::NoFreeMemory);
    }
    Ok(free)
}

fn write_boot_information<W: Write>(
    out: &mut W,
    info: &BootInfo<'_>,
    image: PhysRange,
) -> fmt::Result {
    if let Some(name) = info.bootloader_name() {
        writeln!(out, "Bootloader: {name}")?;
    }
    match info.command_line() {
        Some(cmdline) => writeln!(out, "Command line: {cmdline}")?,
        None => writeln!(out, "Command line: (none)")?,
    }
    writeln!(out, "Xen image: {image}")?;
    let (mbi_start, mbi_end) = info.extent();
    writeln!(
        out,
        "Multiboot information: {}",
        PhysRange::new(mbi_start, mbi_end)
    )?;

    match info.memory_map() {
        Some(map) => {
            writeln!(out, "Xen-e820 RAM map:")?;
            for region in map {
                let range = PhysRange::new(region.base, region.end());
                match region.type_name() {
                    Some(name) => writeln!(out, " {range} ({name})")?,
                    None => writeln!(out, " {range} type {}", region.region_type)?,
                }
            }
        }
        None => writeln!(out, "No memory map from the boot loader")?,
    }

    writeln!(out, "Multiboot modules: {}", info.modules().count())?;
    for (index, module) in info.modules().enumerate() {
        let range = PhysRange::new(module.start.into(), module.end.into());
        writeln!(
            out,
            " module {index}: {range} {} bytes, cmdline \"{}\"",
            range.len(),
            module.cmdline
        )?;
    }

    match info.acpi_rsdp() {
        Some(Ok(rsdp)) => {
            let oem = core::str::from_utf8(&rsdp.oem_id).unwrap_or("??????");
            write!(
                out,
                "ACPI: RSDP r{} ({oem}) RSDT {:08x}",
                rsdp.revision, rsdp.rsdt_address
            )?;
            if let Some(xsdt) = rsdp.xsdt_address {
                write!(out, " XSDT {xsdt:016x}")?;
            }
            writeln!(out)?;
        }
        Some(Err(e)) => {
            let why = match e {
                RsdpError::TooShort => "too short",
                RsdpError::BadSignature => "bad signature",
                RsdpError::BadChecksum => "bad checksum",
            };
            writeln!(out, "ACPI: RSDP from the boot loader ignored: {why}")?;
        }
        None => writeln!(out, "ACPI: no RSDP from the boot loader")?,
    }
    Ok(())
}

fn write_free_memory<W: Write, const N: usize>(out: &mut W, free: &FreeRanges<N>) -> fmt::Result {
    for range in free.iter() {
        writeln!(out, "Domain heap: {range}")?;
    }
    if free.lost_bytes() > 0 {
        writeln!(
            out,
            "WARNING: {} KiB of RAM left unused: more than {N} free ranges",
            free.lost_bytes() / 1024
        )?;
    }
    let frames = free.frames();
    writeln!(
        out,
        "Domain heap: {frames} free 4 KiB frames ({} MiB)",
        (frames * PAGE_SIZE) >> 20
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::multiboot2::tests::Builder;
    use std::string::String;

    const MIB: u64 = 1 << 20;

    #[test]
    fn report_lists_everything_and_counts_the_frames() {
        let info = Builder::new()
            .cmdline("console=com1 test")
            .tag(crate::multiboot2::tag::BOOTLOADER_NAME, b"GRUB 2.06\0")
            .mmap(&[
                (0, 0x9fc00, 1),
                (0x9fc00, 0x400, 2),
                (0xf0000, 0x10000, 2),
                (MIB, 1023 * MIB - 128 * 1024, 1),
                (0xfffc_0000, 0x4_0000, 2),
            ])
            .module(0x40_0000, 0x40_0017, "fixture a=b")
            .finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        let image = PhysRange::new(2 * MIB, 3 * MIB);
        let mut out = String::new();
        let free = write_boot_report(&mut out, &bi, image).unwrap();

        for line in [
            "Bootloader: GRUB 2.06\n",
            "Command line: console=com1 test\n",
            "Xen image: [0000000000200000, 00000000002fffff]\n",
            "Xen-e820 RAM map:\n",
            " [0000000000000000, 000000000009fbff] (usable)\n",
            " [000000000009fc00, 000000000009ffff] (reserved)\n",
            " [0000000000100000, 000000003ffdffff] (usable)\n",
            "Multiboot modules: 1\n",
            " module 0: [0000000000400000, 0000000000400016] 23 bytes, cmdline \"fixture a=b\"\n",
            "ACPI: no RSDP from the boot loader\n",
        ] {
            assert!(out.contains(line), "missing {line:?} in\n{out}");
        }
        // The boot information lives in this test's buffer, far away from the modelled RAM, so the
        // free memory is: [1 MiB, 1 GiB - 128 KiB) minus the image and the module's one frame.
        let expected = (1023 * MIB - 128 * 1024) / PAGE_SIZE - MIB / PAGE_SIZE - 1;
        assert_eq!(free.frames(), expected);
        assert!(out.contains(&std::format!(
            "Domain heap: {expected} free 4 KiB frames ({} MiB)\n",
            (expected * PAGE_SIZE) >> 20
        )));
    }

    #[test]
    fn no_memory_map_is_an_error() {
        let info = Builder::new().cmdline("x").finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        let mut out = String::new();
        assert_eq!(
            write_boot_report(&mut out, &bi, PhysRange::new(0, 0)).err(),
            Some(BootError::NoMemoryMap)
        );
        assert!(out.contains("No memory map from the boot loader"));
    }

    #[test]
    fn memory_entirely_in_use_is_an_error() {
        let info = Builder::new().mmap(&[(0, 0x9fc00, 1)]).finish();
        let bi = BootInfo::parse(&info.0).unwrap();
        let mut out = String::new();
        assert_eq!(
            write_boot_report(&mut out, &bi, PhysRange::new(2 * MIB, 3 * MIB)).err(),
            Some(BootError::NoFreeMemory)
        );
    }

    #[test]
    fn banner_names_the_version() {
        let mut out = String::new();
        write_banner(&mut out).unwrap();
        assert!(out.starts_with(&std::format!(
            "xen-rs version {} ",
            env!("CARGO_PKG_VERSION")
        )));
    }
}
