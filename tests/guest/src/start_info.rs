//! Reading `hvm_start_info` (public/arch-x86/hvm/start_info.h) and the command line it points to.
//!
//! Xen's dom0 builder puts both right after the kernel image (pvh_load_kernel), well inside the
//! identity-mapped first GiB; anything outside it is refused rather than read. Both are copied
//! out at once, since garbage mode may let Xen write over the memory after the image.

use xen_public::arch_x86::hvm::start_info::{hvm_start_info, XEN_HVM_START_MAGIC_VALUE};
use xen_public::xen::MAX_GUEST_CMDLINE;

/// The boot page tables map 0..1 GiB, virtual = physical.
const MAPPED_END: u64 = 1 << 30;

/// Room for the command line (MAX_GUEST_CMDLINE bytes with its NUL).
const CMDLINE_MAX: usize = MAX_GUEST_CMDLINE as usize;

/// What the guest takes from the start info.
pub struct StartInfo {
    /// The structure itself (version 0 fields; dom0 gets version 0).
    pub info: hvm_start_info,
    cmdline: [u8; CMDLINE_MAX],
    cmdline_len: usize,
}

pub fn mapped(paddr: u64, len: u64) -> bool {
    paddr != 0 && paddr.checked_add(len).is_some_and(|end| end <= MAPPED_END)
}

/// Reads the start info at `paddr` (boot.rs checked its magic already) and its command line.
pub fn read(paddr: u64) -> StartInfo {
    let size = core::mem::size_of::<hvm_start_info>() as u64;
    assert!(
        mapped(paddr, size) && paddr.is_multiple_of(8),
        "hvm_start_info at {paddr:#x} is not an aligned address below 1 GiB"
    );
    // SAFETY: the range is inside the identity-mapped first GiB and aligned, and Xen wrote an
    // hvm_start_info there (the magic matched in boot.rs).
    let info = unsafe { core::ptr::read(paddr as *const hvm_start_info) };
    assert_eq!(info.magic, XEN_HVM_START_MAGIC_VALUE);

    let mut start = StartInfo {
        info,
        cmdline: [0; CMDLINE_MAX],
        cmdline_len: 0,
    };
    let at = info.cmdline_paddr;
    if at != 0 {
        assert!(
            mapped(at, CMDLINE_MAX as u64),
            "command line at {at:#x} is not below 1 GiB"
        );
        // SAFETY: the range is inside the identity-mapped first GiB, where Xen copied the
        // NUL-terminated command line; it is copied out here and not read again.
        unsafe {
            core::ptr::copy_nonoverlapping(at as *const u8, start.cmdline.as_mut_ptr(), CMDLINE_MAX)
        };
        start.cmdline_len = start
            .cmdline
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(CMDLINE_MAX);
    }
    start
}

impl StartInfo {
    /// The command line ("" when Xen gave none, cmdline_paddr = 0, or it is not UTF-8).
    pub fn cmdline(&self) -> &str {
        core::str::from_utf8(&self.cmdline[..self.cmdline_len]).unwrap_or("")
    }

    /// The value of `key=value` among the command line's space-separated words.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.cmdline().split_ascii_whitespace().find_map(|word| {
            word.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
        })
    }
}
