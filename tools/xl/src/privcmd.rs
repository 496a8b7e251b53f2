//! The Linux dom0 backend: hypercalls through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), their
//! argument buffers from /dev/xen/hypercall (else locked anonymous memory), and foreign memory
//! through IOCTL_PRIVCMD_MMAPBATCH_V2, as libxencall and libxenforeignmemory do
//! (tools/libs/call/linux.c, tools/libs/foreignmemory/linux.c).
//!
//! The only unsafe code of the tools lives here: system calls that map memory and ioctls whose
//! arguments are pointers. Each block says why it is sound.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::ptr::NonNull;

use rustix::ioctl::{Ioctl, IoctlOutput, Opcode};
use rustix::mm::{mlock, mmap, mmap_anonymous, munmap, MapFlags, ProtFlags};
use toolstack::{Buffer, Error, Hypercall};
use xen_public::errno::Errno;
use xen_public::privcmd::{
    privcmd_hypercall, privcmd_mmapbatch_v2, IOCTL_PRIVCMD_HYPERCALL, IOCTL_PRIVCMD_MMAPBATCH_V2,
};

const PAGE_SIZE: usize = 4096;
/// Pages mapped at a time when writing into another domain.
const FOREIGN_BATCH: usize = 1024;

const PRIVCMD: &str = "/dev/xen/privcmd";
const HYPERCALL_BUF: &str = "/dev/xen/hypercall";

/// A mapping this module made and unmaps when dropped.
struct Mapping {
    ptr: NonNull<c_void>,
    len: usize,
}

impl Mapping {
    fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` is a live mapping of `len` readable bytes owned by this value; the
        // hypervisor only writes it during a hypercall, while no reference exists (the
        // Privcmd methods that issue hypercalls take `&mut self`).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast(), self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes this the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().cast(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by mmap with this address and length and nothing refers
        // to it any more (references borrow the Mapping).
        let _ = unsafe { munmap(self.ptr.as_ptr(), self.len) };
    }
}

/// A hypercall buffer: its mapping and the length asked for.
struct HypercallBuffer {
    mapping: Mapping,
    len: usize,
}

/// /dev/xen/privcmd, open.
pub struct Privcmd {
    privcmd: File,
    hypercall_dev: Option<File>,
    buffers: Vec<Option<HypercallBuffer>>,
}

impl Privcmd {
    /// Opens the driver. The error explains what is missing when this is not a Xen dom0.
    pub fn open() -> Result<Self, String> {
        let privcmd = open_rw(PRIVCMD).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => format!(
                "cannot open {PRIVCMD}: {e}. This is not a Xen control domain, or the privcmd \
                 driver is not loaded (modprobe xen-privcmd; mount -t devtmpfs dev /dev)."
            ),
            io::ErrorKind::PermissionDenied => {
                format!("cannot open {PRIVCMD}: {e}. xl must run as root in dom0.")
            }
            _ => format!("cannot open {PRIVCMD}: {e}"),
        })?;
        // Older kernels have no hypercall buffer device: locked anonymous memory then.
        let hypercall_dev = open_rw(HYPERCALL_BUF).ok();
        Ok(Privcmd {
            privcmd,
            hypercall_dev,
            buffers: Vec::new(),
        })
    }
}

fn open_rw(path: &str) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
}

fn map_buffer(dev: Option<&File>, len: usize) -> rustix::io::Result<Mapping> {
    let len = len.max(1).next_multiple_of(PAGE_SIZE);
    let prot = ProtFlags::READ | ProtFlags::WRITE;
    let ptr = match dev {
        // SAFETY: a new shared mapping of the device at an address the kernel picks; it
        // overlaps nothing Rust knows about.
        Some(dev) => unsafe {
            mmap(
                std::ptr::null_mut(),
                len,
                prot,
                MapFlags::SHARED,
                dev.as_fd(),
                0,
            )?
        },
        None => {
            // SAFETY: a new private anonymous mapping at an address the kernel picks.
            let ptr =
                unsafe { mmap_anonymous(std::ptr::null_mut(), len, prot, MapFlags::PRIVATE)? };
            // SAFETY: locking the pages just mapped (so Xen never finds them paged out); on
            // failure the mapping is given back below.
            if let Err(e) = unsafe { mlock(ptr, len) } {
                // SAFETY: the mapping made just above, unused.
                let _ = unsafe { munmap(ptr, len) };
                return Err(e);
            }
            ptr
        }
    };
    let ptr = NonNull::new(ptr).ok_or(rustix::io::Errno::NOMEM)?;
    Ok(Mapping { ptr, len })
}

/// IOCTL_PRIVCMD_HYPERCALL: the ioctl's return value is the hypercall's.
struct HypercallIoctl(privcmd_hypercall);

// SAFETY: the opcode is privcmd's hypercall ioctl, which reads a privcmd_hypercall through the
// pointer we give and returns the hypercall's result; it writes nothing through the pointer.
unsafe impl Ioctl for HypercallIoctl {
    type Output = IoctlOutput;
    const IS_MUTATING: bool = false;

    fn opcode(&self) -> Opcode {
        IOCTL_PRIVCMD_HYPERCALL as Opcode
    }

    fn as_ptr(&mut self) -> *mut c_void {
        (&raw mut self.0).cast()
    }

    unsafe fn output_from_ptr(
        out: IoctlOutput,
        _: *mut c_void,
    ) -> rustix::io::Result<Self::Output> {
        Ok(out)
    }
}

/// IOCTL_PRIVCMD_MMAPBATCH_V2.
struct MmapBatchIoctl(privcmd_mmapbatch_v2);

// SAFETY: privcmd's mmapbatch ioctl reads the struct, reads `num` frame numbers at `arr`, writes
// `num` ints at `err`, and maps the frames into the privcmd mapping at `addr`; the caller keeps
// all three valid for the call.
unsafe impl Ioctl for MmapBatchIoctl {
    type Output = IoctlOutput;
    const IS_MUTATING: bool = true;

    fn opcode(&self) -> Opcode {
        IOCTL_PRIVCMD_MMAPBATCH_V2 as Opcode
    }

    fn as_ptr(&mut self) -> *mut c_void {
        (&raw mut self.0).cast()
    }

    unsafe fn output_from_ptr(
        out: IoctlOutput,
        _: *mut c_void,
    ) -> rustix::io::Result<Self::Output> {
        Ok(out)
    }
}

impl Hypercall for Privcmd {
    fn alloc_buffer(&mut self, len: usize) -> Result<Buffer, Error> {
        let mapping = map_buffer(self.hypercall_dev.as_ref(), len)
            .map_err(|_| Error::Platform("cannot map hypercall buffer memory"))?;
        let addr = mapping.ptr.as_ptr() as u64;
        let id = match self.buffers.iter().position(Option::is_none) {
            Some(id) => id,
            None => {
                self.buffers.push(None);
                self.buffers.len() - 1
            }
        };
        self.buffers[id] = Some(HypercallBuffer { mapping, len });
        Ok(Buffer::new(id, addr, len))
    }

    fn free_buffer(&mut self, buffer: Buffer) {
        if let Some(slot) = self.buffers.get_mut(buffer.id()) {
            *slot = None;
        }
    }

    fn buffer(&self, buffer: &Buffer) -> &[u8] {
        match self.buffers.get(buffer.id()) {
            Some(Some(b)) => &b.mapping.bytes()[..b.len],
            _ => &[],
        }
    }

    fn buffer_mut(&mut self, buffer: &Buffer) -> &mut [u8] {
        match self.buffers.get_mut(buffer.id()) {
            Some(Some(b)) => {
                let len = b.len;
                &mut b.mapping.bytes_mut()[..len]
            }
            _ => &mut [],
        }
    }

    fn hypercall(&mut self, op: u32, args: [u64; 5]) -> Result<u64, Errno> {
        let call = HypercallIoctl(privcmd_hypercall {
            op: u64::from(op),
            arg: args,
        });
        // SAFETY: the argument is a privcmd_hypercall on our stack; the pointers inside `args`
        // are hypercall buffers of this object, alive for the call (Xen checks every guest
        // address it is given and fails the call on a bad one).
        match unsafe { rustix::ioctl::ioctl(&self.privcmd, call) } {
            Ok(v) => Ok(v as u64),
            // Linux passes Xen's negative errno through; x86 Xen and Linux share the values.
            Err(e) => Err(Errno(e.raw_os_error())),
        }
    }

    fn copy_to_domain(&mut self, domid: u16, gfn: u64, data: &[u8]) -> Result<(), Error> {
        for (batch, chunk) in data.chunks(FOREIGN_BATCH * PAGE_SIZE).enumerate() {
            let pages = chunk.len().div_ceil(PAGE_SIZE);
            let first = gfn + (batch * FOREIGN_BATCH) as u64;
            let gfns: Vec<u64> = (first..first + pages as u64).collect();
            let mut errs = vec![0i32; pages];
            let len = pages * PAGE_SIZE;
            // SAFETY: a new shared mapping of privcmd at an address the kernel picks; the
            // ioctl below fills it with the foreign frames.
            let ptr = unsafe {
                mmap(
                    std::ptr::null_mut(),
                    len,
                    ProtFlags::READ | ProtFlags::WRITE,
                    MapFlags::SHARED,
                    self.privcmd.as_fd(),
                    0,
                )
            }
            .map_err(|_| Error::Platform("cannot map privcmd for foreign frames"))?;
            let Some(ptr) = NonNull::new(ptr) else {
                return Err(Error::Platform("cannot map privcmd for foreign frames"));
            };
            let mut mapping = Mapping { ptr, len };
            let batch = MmapBatchIoctl(privcmd_mmapbatch_v2 {
                num: pages as u32,
                dom: domid,
                addr: ptr.as_ptr() as u64,
                arr: gfns.as_ptr() as u64,
                err: errs.as_mut_ptr() as u64,
                ..zerocopy::FromZeros::new_zeroed()
            });
            // SAFETY: `gfns` and `errs` hold `pages` entries and outlive the call; `addr` is
            // the privcmd mapping of `pages` pages made above.
            let rc = unsafe { rustix::ioctl::ioctl(&self.privcmd, batch) };
            if rc.is_err() || errs.iter().any(|&e| e != 0) {
                return Err(Error::Platform(
                    "cannot map the domain's memory (IOCTL_PRIVCMD_MMAPBATCH_V2)",
                ));
            }
            mapping.bytes_mut()[..chunk.len()].copy_from_slice(chunk);
            // Dropping the mapping unmaps the foreign frames.
        }
        Ok(())
    }
}
