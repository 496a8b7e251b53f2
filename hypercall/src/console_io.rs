//! CONSOLEIO_* (xen/drivers/char/console.c `do_console_io` and `guest_console_write`), as Xen 4.17
//! behaves in a release build.
//!
//! Who may use it is `xsm_console_io` of the dummy policy (xen/include/xsm/dummy.h): `is_console`
//! domains (Arm dom0less) and, in `CONFIG_VERBOSE_DEBUG` builds, any domain's CONSOLEIO_write are
//! `XSM_HOOK`; everything else is `XSM_PRIV`. xen-rs has no `is_console` domains and follows a
//! release build, so only the control domain gets past the check; a domU gets `EPERM`.
//!
//! Output goes to [`crate::console::Console`], Xen's console ring and the queue for the serial
//! port (the arch layer prints what [`crate::console::Console::take_unprinted`] returns). The
//! hardware domain's bytes go to the serial port raw and not into the ring, as Xen does without
//! `console_to_ring`. Any other (privileged) caller's text is filtered and printed line by line
//! with `guest_printk`'s "(d<N>) " prefix, into the ring.
//!
//! Deviations: Xen keeps a non-hardware domain's partial line in
//! `d->pbuf` until a newline arrives; xen-rs has no per-domain line buffer, so a chunk that ends
//! without a newline is printed at once as its own line (what Xen does when `pbuf` is full). Xen
//! prints those lines at `XENLOG_G_DEBUG`, which a release build's default `guest_loglvl` drops;
//! xen-rs prints them (as a debug build does).

use alloc::vec::Vec;

use xen_mm::errno::Errno;
use xen_mm::frame::FrameAccess;
use xen_mm::p2m::format::P2mFormat;
use xen_public::xen::{CONSOLEIO_read, CONSOLEIO_write};

use crate::console::SERIAL_RX_SIZE;
use crate::dispatch::{Call, HcResult, Outcome, Preempt};
use crate::domain::Domain;
use crate::guest::{self, GuestMemory};
use crate::hypervisor::Hypervisor;
use crate::policy::{self, XsmAction};
use crate::xen_version::is_hardware_domain;

/// Bytes copied from the guest per step of CONSOLEIO_write (`sizeof(kbuf) - 1`).
pub const CONSOLE_WRITE_CHUNK: u32 = 127;
/// The largest CONSOLEIO_read count: the result must not overlap the errno range (`INT_MAX`).
pub const CONSOLE_READ_MAX: u32 = i32::MAX as u32;

/// `xsm_console_io(XSM_OTHER, d, cmd)` of the dummy policy, for a release build without
/// `is_console` domains: `XSM_PRIV`.
fn xsm_console_io<Fmt: P2mFormat>(d: &Domain<Fmt>, _cmd: u32) -> Result<(), Errno> {
    policy::check(XsmAction::Priv, d, None)
}

/// CONSOLEIO_* for `call.caller`: `args[0]` the command, `args[1]` the byte count, `args[2]` the
/// guest buffer (Xen's `unsigned int cmd, unsigned int count, XEN_GUEST_HANDLE(char) buffer`).
pub fn do_console_io<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    args: [u64; 5],
) -> HcResult {
    // Truncations are Xen's: `cmd` and `count` are unsigned ints.
    let cmd = args[0] as u32;
    let count = args[1] as u32;
    let buffer = args[2];
    xsm_console_io(call.caller, cmd)?;
    match cmd {
        CONSOLEIO_write => guest_console_write(hv, call, buffer, count, args),
        CONSOLEIO_read => console_read(hv, call, buffer, count),
        _ => Err(Errno::ENOSYS),
    }
}

/// `guest_console_write`: copies `count` bytes from `buffer` in chunks of
/// [`CONSOLE_WRITE_CHUNK`], checking for preemption between chunks; a preempted write continues
/// with what is left (`hypercall_create_continuation(..., "iih", CONSOLEIO_write, count,
/// buffer)`). A fault ends it with `EFAULT`, the chunks before it already written, as in Xen.
fn guest_console_write<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    mut buffer: u64,
    mut count: u32,
    args: [u64; 5],
) -> HcResult {
    let hardware = is_hardware_domain(call.caller);
    let domid = call.caller.domid();
    let mut kcount = 0u32;
    while count > 0 {
        if kcount != 0 && call.preempt.should_preempt() {
            return Ok(Outcome::Continue([
                u64::from(CONSOLEIO_write),
                u64::from(count),
                buffer,
                args[3],
                args[4],
            ]));
        }
        kcount = count.min(CONSOLE_WRITE_CHUNK);
        let kbuf = guest::read_bytes(call.guest, buffer, kcount as usize)?;
        let consumed = if hardware {
            // Direct output: it may be interactive. Not into the ring (no `console_to_ring`).
            hv.console.write_serial_only(&kbuf);
            kcount
        } else {
            guest_line(hv, domid, &kbuf)
        };
        // `guest_handle_add_offset`; an address that would wrap cannot be copied from next time.
        buffer = buffer
            .checked_add(u64::from(consumed))
            .ok_or(Errno::EFAULT)?;
        count = count.saturating_sub(consumed);
    }
    Ok(Outcome::Return(0))
}

/// Xen's `isprint` on a (signed) `char`: ASCII printables and Latin-1's upper half
/// (xen/lib/ctype.c classes 160-255 as printable).
fn is_print(c: u8) -> bool {
    (0x20..=0x7e).contains(&c) || c >= 0xa0
}

/// A non-hardware domain's output: up to and including the first newline of `kbuf`, stripped of
/// non-printable characters (tabs stay), printed as one "(d<N>) " line. Returns how many bytes of
/// `kbuf` it took.
fn guest_line<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    domid: u16,
    kbuf: &[u8],
) -> u32 {
    let taken = kbuf
        .iter()
        .position(|&c| c == b'\n')
        .map_or(kbuf.len(), |i| i.saturating_add(1));
    let mut line: Vec<u8> = Vec::with_capacity(taken.saturating_add(16));
    line.extend_from_slice(alloc::format!("(d{domid}) ").as_bytes());
    line.extend(
        kbuf.iter()
            .take(taken)
            .copied()
            .filter(|&c| is_print(c) || c == b'\t'),
    );
    line.push(b'\n');
    hv.console.write(&line);
    // At most CONSOLE_WRITE_CHUNK.
    u32::try_from(taken).unwrap_or(CONSOLE_WRITE_CHUNK)
}

/// Xen's `DOMAIN_PBUF_SIZE`: a debug-port line is printed when it reaches this size less one.
pub const DOMAIN_PBUF_SIZE: usize = 200;

/// The HVM debug port (`XEN_HVM_DEBUGCONS_IOPORT`).
pub const XEN_HVM_DEBUGCONS_IOPORT: u16 = 0xe9;

/// A one-byte write by HVM domain `d` to port 0xe9 (xen/arch/x86/hvm/hvm.c `hvm_print_line`):
/// printable characters, tabs and newlines are kept, anything else is dropped; the line goes to
/// the console with the "(d<N>) " prefix at a newline or when the buffer is full. Any domain may
/// write it, dom0 included.
pub fn hvm_print_char<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    d: &Domain<Fmt>,
    c: u8,
) {
    if !is_print(c) && c != b'\n' && c != b'\t' {
        return;
    }
    let line = {
        let mut st = d.state();
        if c != b'\n' {
            st.pbuf.push(c);
        }
        if c != b'\n' && st.pbuf.len() < DOMAIN_PBUF_SIZE - 1 {
            return;
        }
        core::mem::take(&mut st.pbuf)
    };
    let mut out: Vec<u8> = Vec::with_capacity(line.len() + 16);
    out.extend_from_slice(alloc::format!("(d{}) ", d.domid()).as_bytes());
    out.extend_from_slice(&line);
    out.push(b'\n');
    hv.console.write(&out);
}

/// CONSOLEIO_read: up to `count` bytes of serial input into `buffer`; returns how many. A fault
/// returns `EFAULT` and leaves the input unread (Xen advances its ring only past copied bytes).
fn console_read<F: FrameAccess, Fmt: P2mFormat, G: GuestMemory, P: Preempt>(
    hv: &Hypervisor<F, Fmt>,
    call: &mut Call<'_, Fmt, G, P>,
    buffer: u64,
    count: u32,
) -> HcResult {
    // The result is a count or a negative errno: the two must not overlap.
    if count > CONSOLE_READ_MAX {
        return Err(Errno::E2BIG);
    }
    let max = (count as usize).min(SERIAL_RX_SIZE);
    let input = hv.console.take_input(max);
    if input.is_empty() {
        return Ok(Outcome::Return(0));
    }
    if let Err(e) = call.guest.copy_to_guest(buffer, &input) {
        // Put everything back in its order: what was taken, then what is still queued.
        let mut all = input;
        all.extend(hv.console.take_input(SERIAL_RX_SIZE));
        hv.console.push_input(&all);
        return Err(e);
    }
    Ok(Outcome::Return(input.len() as i64))
}
