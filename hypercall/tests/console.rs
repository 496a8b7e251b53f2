//! The console rings (xen/drivers/char/console.c): the output ring keeps the last `conring_size`
//! bytes (`_CONRING_SIZE`, 16384), readers index bytes ever written (`conringp`), and what the
//! serial port has not yet printed is what the ring still holds of it.

use hypercall::console::{Console, CONRING_SIZE};

/// `len` bytes numbered from `from`, so every slice of them is recognisable.
fn pattern(from: usize, len: usize) -> Vec<u8> {
    (from..from + len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn the_output_ring_keeps_the_last_16_kib() {
    assert_eq!(CONRING_SIZE, 16384);
    let c = Console::new();
    c.write(&pattern(0, 20000));
    // Index 0 is older than the ring holds: the read starts at the oldest byte kept.
    let (bytes, next) = c.read_from(0, usize::MAX);
    assert_eq!(bytes, pattern(20000 - 16384, 16384));
    assert_eq!(next, 20000);
}

#[test]
fn unprinted_bytes_are_those_written_since_the_last_take_that_the_ring_still_holds() {
    let c = Console::new();
    c.write(b"(XEN) one\n");
    assert_eq!(c.take_unprinted(), b"(XEN) one\n");
    assert_eq!(c.take_unprinted(), b"", "taken once");
    c.write(&pattern(10, 20000));
    // More than the ring holds was written since: only what it still holds is printed.
    assert_eq!(c.take_unprinted(), pattern(20010 - 16384, 16384));
    c.write(b"tail");
    assert_eq!(c.take_unprinted(), b"tail");
}
