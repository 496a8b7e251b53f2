//! CONSOLEIO_* (xen/drivers/char/console.c `do_console_io`, `guest_console_write`, Xen 4.17) with
//! the dummy policy's `xsm_console_io` (xen/include/xsm/dummy.h) of a release build.

use crate::common;

use std::sync::Arc;

use common::{
    guest, hypercall, hypercall_preempted, hypercall_to_completion, hypervisor, pvh_config,
    TestDomain, TestHv, GUEST_BASE, GUEST_BYTES,
};
use hypercall::dispatch::{Outcome, PreemptAfter};
use hypercall::guest::FlatGuest;
use hypercall::Errno;
use xen_public::xen::{__HYPERVISOR_console_io, CONSOLEIO_read, CONSOLEIO_write};

const BUF: u64 = GUEST_BASE + 0x2000;
const BAD: u64 = GUEST_BASE + GUEST_BYTES as u64 + 0x1000;

fn console_io(
    hv: &TestHv,
    caller: &Arc<TestDomain>,
    g: &mut FlatGuest,
    cmd: u64,
    count: u64,
    buffer: u64,
) -> i64 {
    match hypercall(
        hv,
        caller,
        g,
        __HYPERVISOR_console_io,
        [cmd, count, buffer, 0, 0],
    ) {
        Outcome::Return(v) => v,
        other => panic!("unexpected continuation {other:?}"),
    }
}

/// Everything in the console ring.
fn ring(hv: &TestHv) -> Vec<u8> {
    hv.console.read_from(0, usize::MAX).0
}

/// What the hardware domain's writes sent to the serial line, taken; they never go into the
/// ring (console.c guest_console_write: `conring_puts` only with `console_to_ring`).
fn dom0_output(hv: &TestHv) -> Vec<u8> {
    assert!(ring(hv).is_empty(), "dom0's output is not in the ring");
    hv.console.take_unprinted()
}

/// A guest whose buffer at [`BUF`] holds `text`.
fn guest_with(text: &[u8]) -> FlatGuest {
    let mut g = guest();
    let start = (BUF - GUEST_BASE) as usize;
    g.bytes[start..start + text.len()].copy_from_slice(text);
    g
}

/// `n` printable bytes, a pattern that shows order.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| b'a' + (i % 26) as u8).collect()
}

// console.c guest_console_write: the hardware domain's bytes go out raw, all `count` of them.
#[test]
fn dom0_writes_go_to_the_console_raw() {
    let (hv, dom0) = hypervisor(1024);
    let text = b"hello\x01\n\tworld";
    let mut g = guest_with(text);
    assert_eq!(console_io(&hv, &dom0, &mut g, 0, text.len() as u64, BUF), 0);
    assert_eq!(dom0_output(&hv), text);
}

// console.c guest_console_write: copied in chunks of sizeof(kbuf) - 1 = 127 bytes, every chunk
// written in order.
#[test]
fn long_writes_are_copied_in_chunks() {
    let (hv, dom0) = hypervisor(1024);
    let text = pattern(1000);
    let mut g = guest_with(&text);
    assert_eq!(console_io(&hv, &dom0, &mut g, 0, 1000, BUF), 0);
    assert_eq!(dom0_output(&hv), text);
}

// console.c guest_console_write: preempted between chunks, it continues with
// (CONSOLEIO_write, count left, buffer advanced), and the continuation finishes the job.
#[test]
fn preempted_writes_continue_where_they_stopped() {
    let (hv, dom0) = hypervisor(1024);
    let text = pattern(300);
    let mut g = guest_with(&text);
    let out = hypercall_preempted(
        &hv,
        &dom0,
        &mut g,
        &mut PreemptAfter { steps: 0 },
        __HYPERVISOR_console_io,
        [0, 300, BUF, 7, 8],
    );
    assert_eq!(out, Outcome::Continue([0, 300 - 127, BUF + 127, 7, 8]));
    assert_eq!(dom0_output(&hv), &text[..127]);

    let (hv, dom0) = hypervisor(1024);
    let (v, continuations) = hypercall_to_completion(
        &hv,
        &dom0,
        &mut g,
        0,
        __HYPERVISOR_console_io,
        [0, 300, BUF, 0, 0],
    );
    assert_eq!((v, continuations), (0, 2));
    assert_eq!(dom0_output(&hv), text);
}

// console.c do_console_io: count is an unsigned int, so a count of zero (also in the upper bits
// only) writes nothing and returns 0.
#[test]
fn zero_count_writes_nothing() {
    let (hv, dom0) = hypervisor(1024);
    let mut g = guest_with(b"abc");
    assert_eq!(console_io(&hv, &dom0, &mut g, 0, 0, BAD), 0);
    assert_eq!(console_io(&hv, &dom0, &mut g, 0, 1 << 32, BUF), 0);
    assert!(dom0_output(&hv).is_empty());
}

// console.c guest_console_write: copy_from_guest failing is EFAULT; nothing of that chunk is
// written.
#[test]
fn unreadable_buffers_are_efault_and_write_nothing() {
    let (hv, dom0) = hypervisor(1024);
    let mut g = guest();
    for addr in [BAD, GUEST_BASE + GUEST_BYTES as u64 - 2, u64::MAX - 1] {
        assert_eq!(
            console_io(&hv, &dom0, &mut g, 0, 5, addr),
            Errno::EFAULT.negated()
        );
    }
    assert!(dom0_output(&hv).is_empty());
}

// dummy.h xsm_console_io: XSM_PRIV in a release build (no is_console, no VERBOSE_DEBUG), so a domU
// can neither write nor read, and the refusal comes before the command is looked at.
#[test]
fn domus_may_not_use_the_console() {
    let (hv, _dom0) = hypervisor(1024);
    let domu = hv.create_domain(None, pvh_config(false)).unwrap();
    hv.console.push_input(b"secret");
    let mut g = guest_with(b"hello");
    for cmd in [0u64, 1, 2] {
        assert_eq!(
            console_io(&hv, &domu, &mut g, cmd, 5, BUF),
            Errno::EPERM.negated()
        );
    }
    assert!(dom0_output(&hv).is_empty());
    assert_eq!(hv.console.take_input(100), b"secret");
    assert_eq!(&g.bytes[0x2000..0x2005], b"hello");
}

// console.c guest_console_write: a privileged domain that is not the hardware domain is printed
// through guest_printk: non-printable characters dropped (tabs and Latin-1 kept), one line per
// newline, each with the "(d<N>) " prefix.
#[test]
fn other_privileged_domains_are_printed_as_prefixed_lines() {
    let (hv, _dom0) = hypervisor(1024);
    let ctl = hv.create_domain(Some(5), pvh_config(true)).unwrap();
    let text = b"hi\x01\tthere\xe9\x85\nnext";
    let mut g = guest_with(text);
    assert_eq!(console_io(&hv, &ctl, &mut g, 0, text.len() as u64, BUF), 0);
    assert_eq!(ring(&hv), b"(d5) hi\tthere\xe9\n(d5) next\n");
}

// console.c do_console_io CONSOLEIO_read: up to `count` bytes of serial input, returns how many;
// what is left stays for the next read.
#[test]
fn reads_take_serial_input_in_order() {
    let (hv, dom0) = hypervisor(1024);
    hv.console.push_input(b"hello");
    let mut g = guest();
    assert_eq!(console_io(&hv, &dom0, &mut g, 1, 3, BUF), 3);
    assert_eq!(&g.bytes[0x2000..0x2003], b"hel");
    assert_eq!(console_io(&hv, &dom0, &mut g, 1, 100, BUF + 3), 2);
    assert_eq!(&g.bytes[0x2000..0x2006], b"hello\0");
    assert_eq!(console_io(&hv, &dom0, &mut g, 1, 100, BUF), 0);
}

// console.c do_console_io CONSOLEIO_read: count > INT_MAX is E2BIG (the result would overlap the
// errnos); a fault is EFAULT; neither consumes input.
#[test]
fn read_limits_and_faults_consume_nothing() {
    let (hv, dom0) = hypervisor(1024);
    hv.console.push_input(b"abcdef");
    let mut g = guest();
    assert_eq!(
        console_io(&hv, &dom0, &mut g, 1, 0x8000_0000, BUF),
        Errno::E2BIG.negated()
    );
    assert_eq!(
        console_io(&hv, &dom0, &mut g, 1, 4, BAD),
        Errno::EFAULT.negated()
    );
    assert!(g.bytes.iter().all(|&b| b == 0));
    // INT_MAX itself is allowed.
    assert_eq!(console_io(&hv, &dom0, &mut g, 1, 0x7fff_ffff, BUF), 6);
    assert_eq!(&g.bytes[0x2000..0x2006], b"abcdef");
}

// console.c do_console_io: unknown commands are ENOSYS (for a caller the policy lets through);
// the command is an unsigned int, so upper register bits do not count.
#[test]
fn unknown_commands_are_enosys() {
    let (hv, dom0) = hypervisor(1024);
    let mut g = guest_with(b"ok");
    for cmd in [2u64, 3, 0xffff_ffff] {
        assert_eq!(
            console_io(&hv, &dom0, &mut g, cmd, 2, BUF),
            Errno::ENOSYS.negated()
        );
    }
    assert!(dom0_output(&hv).is_empty());
    assert_eq!(
        console_io(
            &hv,
            &dom0,
            &mut g,
            (1 << 32) | u64::from(CONSOLEIO_write),
            2,
            BUF
        ),
        0
    );
    assert_eq!(dom0_output(&hv), b"ok");
    assert_eq!(
        console_io(
            &hv,
            &dom0,
            &mut g,
            (1 << 32) | u64::from(CONSOLEIO_read),
            2,
            BUF
        ),
        0
    );
}

/// xen/arch/x86/hvm/hvm.c `hvm_print_line`: port 0xe9 bytes collect in the domain's `pbuf`
/// (printables, tabs; other bytes dropped) and print as one "(d<N>) " line at a newline, or
/// when DOMAIN_PBUF_SIZE - 1 bytes have gathered. Each domain has its own buffer.
#[test]
fn debug_port_lines_are_buffered_per_domain() {
    use hypercall::console_io::{hvm_print_char, DOMAIN_PBUF_SIZE};
    let (hv, _dom0) = hypervisor(64);
    let d1 = hv.create_domain(Some(1), pvh_config(false)).unwrap();
    let d2 = hv.create_domain(Some(2), pvh_config(false)).unwrap();
    for &c in b"he\x07llo" {
        hvm_print_char(&hv, &d1, c);
    }
    for &c in b"other\tline\n" {
        hvm_print_char(&hv, &d2, c);
    }
    assert_eq!(
        ring(&hv),
        b"(d2) other\tline\n",
        "d1's line is not finished"
    );
    hvm_print_char(&hv, &d1, b'\n');
    assert_eq!(ring(&hv), b"(d2) other\tline\n(d1) hello\n");

    hv.console.clear();
    for _ in 0..DOMAIN_PBUF_SIZE - 1 {
        hvm_print_char(&hv, &d1, b'x');
    }
    let full = ring(&hv);
    assert_eq!(
        full.len(),
        5 + DOMAIN_PBUF_SIZE - 1 + 1,
        "printed when full"
    );
    hvm_print_char(&hv, &d1, b'\n');
    assert_eq!(ring(&hv).len(), full.len() + 6, "then an empty line");
}
