//! Guest memory as the dispatcher sees it: copies in and out through [`GuestMemory`], which fails
//! with `EFAULT` (Xen's `copy_from_guest` / `copy_to_guest` returning non-zero), never a pointer the
//! hypervisor dereferences. The arch layer implements it by walking the calling vCPU's page tables
//! and the p2m; tests and fuzzers use [`FlatGuest`].
//!
//! Typed access goes through `xen_public::GuestHandle<T>` and zerocopy: a handle's element `i` is
//! at `addr + i * size_of::<T>()`, as Xen's `copy_from_guest_offset`.

use alloc::vec;
use alloc::vec::Vec;

use xen_mm::errno::Errno;
use xen_public::GuestHandle;
use zerocopy::{FromBytes, Immutable, IntoBytes};

/// The calling guest's memory, by the addresses its hypercall arguments carry.
pub trait GuestMemory {
    /// Copies `buf.len()` bytes from guest address `addr`; `EFAULT` if any byte is not readable.
    fn copy_from_guest(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Errno>;
    /// Copies `data` to guest address `addr`; `EFAULT` if any byte is not writable. A failed copy
    /// may have written a prefix, as in Xen.
    fn copy_to_guest(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno>;
}

/// The address of element `index` of `handle`, or `EFAULT` if it overflows.
fn element_addr<T>(handle: GuestHandle<T>, index: u64) -> Result<u64, Errno> {
    let size = core::mem::size_of::<T>() as u64;
    index
        .checked_mul(size)
        .and_then(|off| handle.addr().checked_add(off))
        .ok_or(Errno::EFAULT)
}

/// Reads the `T` a handle points at (`copy_from_guest`).
pub fn read<T: FromBytes + IntoBytes>(
    guest: &mut impl GuestMemory,
    handle: GuestHandle<T>,
) -> Result<T, Errno> {
    read_at(guest, handle, 0)
}

/// Reads element `index` of a guest array (`copy_from_guest_offset`).
pub fn read_at<T: FromBytes + IntoBytes>(
    guest: &mut impl GuestMemory,
    handle: GuestHandle<T>,
    index: u64,
) -> Result<T, Errno> {
    let mut value = T::new_zeroed();
    guest.copy_from_guest(element_addr(handle, index)?, value.as_mut_bytes())?;
    Ok(value)
}

/// Writes the `T` a handle points at (`copy_to_guest`).
pub fn write<T: IntoBytes + Immutable>(
    guest: &mut impl GuestMemory,
    handle: GuestHandle<T>,
    value: &T,
) -> Result<(), Errno> {
    write_at(guest, handle, 0, value)
}

/// Writes element `index` of a guest array (`copy_to_guest_offset`).
pub fn write_at<T: IntoBytes + Immutable>(
    guest: &mut impl GuestMemory,
    handle: GuestHandle<T>,
    index: u64,
    value: &T,
) -> Result<(), Errno> {
    guest.copy_to_guest(element_addr(handle, index)?, value.as_bytes())
}

/// Reads `len` bytes at `addr`.
pub fn read_bytes(guest: &mut impl GuestMemory, addr: u64, len: usize) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0; len];
    guest.copy_from_guest(addr, &mut buf)?;
    Ok(buf)
}

/// A guest whose memory is one flat buffer at `base`; every other address faults. For tests, the
/// fuzzer, and toolstacks that build hypercall arguments in a local buffer.
#[derive(Clone, Debug)]
pub struct FlatGuest {
    /// The guest address of `bytes[0]`.
    pub base: u64,
    /// The memory.
    pub bytes: Vec<u8>,
}

impl FlatGuest {
    /// `len` zero bytes at `base`.
    pub fn new(base: u64, len: usize) -> Self {
        FlatGuest {
            base,
            bytes: vec![0; len],
        }
    }

    fn range(&self, addr: u64, len: usize) -> Result<core::ops::Range<usize>, Errno> {
        let start = addr.checked_sub(self.base).ok_or(Errno::EFAULT)?;
        let start = usize::try_from(start).map_err(|_| Errno::EFAULT)?;
        let end = start.checked_add(len).ok_or(Errno::EFAULT)?;
        if end > self.bytes.len() {
            return Err(Errno::EFAULT);
        }
        Ok(start..end)
    }

    /// Puts `value` at `addr` (test set-up); panics outside the buffer.
    pub fn put<T: IntoBytes + Immutable>(&mut self, addr: u64, value: &T) {
        let r = self
            .range(addr, value.as_bytes().len())
            .expect("inside the buffer");
        self.bytes[r].copy_from_slice(value.as_bytes());
    }

    /// The `T` at `addr` (test checks); panics outside the buffer.
    pub fn get<T: FromBytes>(&self, addr: u64) -> T {
        let r = self
            .range(addr, core::mem::size_of::<T>())
            .expect("inside the buffer");
        T::read_from_bytes(&self.bytes[r]).expect("sized")
    }
}

impl GuestMemory for FlatGuest {
    fn copy_from_guest(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
        let r = self.range(addr, buf.len())?;
        buf.copy_from_slice(&self.bytes[r]);
        Ok(())
    }

    fn copy_to_guest(&mut self, addr: u64, data: &[u8]) -> Result<(), Errno> {
        let r = self.range(addr, data.len())?;
        self.bytes[r].copy_from_slice(data);
        Ok(())
    }
}
