//! xen-rs's own hypercall layer, in this process, as a toolstack backend for the tools' tests:
//! dom0's argument buffers live in a flat guest region, hypercalls go through
//! `hypercall::dispatch` (continuations followed, as a vCPU re-executing the call would), and
//! foreign writes go through the target's p2m (populating PoD entries as a foreign mapping
//! does).
#![forbid(unsafe_code)]

use std::sync::Arc;

use hypercall::dispatch::{Call, Outcome, PreemptAfter};
use hypercall::domain::{Domain, DomainConfig};
use hypercall::guest::FlatGuest;
use hypercall::hypervisor::Hypervisor;
use toolstack::{Buffer, Error, Hypercall};
use xen_mm::arena::ArenaFrames;
use xen_mm::frame::{FrameAccess, Gfn};
use xen_mm::p2m::npt::Npt;
use xen_public::domctl::{XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hvm};
use xen_public::errno::Errno;

pub const HEAP_BASE: u64 = 0x1000;
const GUEST_BASE: u64 = 0x10_0000;
const GUEST_BYTES: usize = 4 << 20;

pub type TestHv = Hypervisor<ArenaFrames, Npt>;

/// dom0 of an in-process xen-rs with `frames` frames of RAM.
pub struct InProcess {
    pub hv: TestHv,
    pub dom0: Arc<Domain<Npt>>,
    guest: FlatGuest,
    /// Live buffers: (offset in the guest region, length), by buffer id.
    live: Vec<Option<(usize, usize)>>,
    /// Preempt every this many steps (exercises continuations).
    pub preempt_steps: u64,
}

impl InProcess {
    pub fn new(frames: u64) -> Self {
        let hv = TestHv::on_arena(HEAP_BASE, frames).expect("a test heap");
        let dom0 = hv
            .create_domain(
                Some(0),
                DomainConfig {
                    flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
                    max_vcpus: 1,
                    is_privileged: true,
                    // Xen's dom0 gets `max_evtchn_port = -1` (xen/arch/x86/setup.c), capped at INT_MAX.
                    max_evtchn_port: u32::MAX,
                    ..Default::default()
                },
            )
            .expect("dom0");
        dom0.mem.set_max_pages(frames);
        dom0.state().controller_pause_count = 0;
        dom0.state().creation_finished = true;
        InProcess {
            hv,
            dom0,
            guest: FlatGuest::new(GUEST_BASE, GUEST_BYTES),
            live: Vec::new(),
            preempt_steps: 64,
        }
    }

    /// Buffers not yet freed.
    pub fn live_buffers(&self) -> usize {
        self.live.iter().flatten().count()
    }

    /// `len` bytes of domain `domid`'s memory from guest-physical `gpa` (test checks).
    pub fn read_domain(&self, domid: u16, gpa: u64, len: usize) -> Vec<u8> {
        let d = self.hv.domains.get(domid).expect("the domain");
        let mut out = vec![0u8; len];
        for (i, b) in out.iter_mut().enumerate() {
            let at = gpa + i as u64;
            let entry = d.p2m.get_entry(&self.hv.heap, Gfn(at >> 12));
            let mfn = entry.mfn.expect("a populated frame");
            let mut byte = [0u8];
            self.hv
                .heap
                .frames()
                .read_bytes(mfn, (at & 0xfff) as usize, &mut byte);
            *b = byte[0];
        }
        out
    }
}

impl Hypercall for InProcess {
    fn alloc_buffer(&mut self, len: usize) -> Result<Buffer, Error> {
        // First fit between live buffers, 64-byte aligned.
        let mut taken: Vec<(usize, usize)> = self.live.iter().flatten().copied().collect();
        taken.sort();
        let mut at = 0;
        for (start, n) in taken {
            if start >= at + len {
                break;
            }
            at = (start + n).next_multiple_of(64);
        }
        if at + len > GUEST_BYTES {
            return Err(Error::Platform("out of test buffer memory"));
        }
        self.guest.bytes[at..at + len].fill(0);
        let id = self
            .live
            .iter()
            .position(Option::is_none)
            .unwrap_or_else(|| {
                self.live.push(None);
                self.live.len() - 1
            });
        self.live[id] = Some((at, len));
        Ok(Buffer::new(id, GUEST_BASE + at as u64, len))
    }

    fn free_buffer(&mut self, buffer: Buffer) {
        assert!(self.live[buffer.id()].take().is_some(), "double free");
    }

    fn buffer(&self, buffer: &Buffer) -> &[u8] {
        let (at, len) = self.live[buffer.id()].expect("a live buffer");
        &self.guest.bytes[at..at + len]
    }

    fn buffer_mut(&mut self, buffer: &Buffer) -> &mut [u8] {
        let (at, len) = self.live[buffer.id()].expect("a live buffer");
        &mut self.guest.bytes[at..at + len]
    }

    fn hypercall(&mut self, op: u32, mut args: [u64; 5]) -> Result<u64, Errno> {
        loop {
            let mut preempt = PreemptAfter {
                steps: self.preempt_steps,
            };
            let mut call = Call {
                caller: &self.dom0,
                vcpu: 0,
                guest: &mut self.guest,
                preempt: &mut preempt,
                sched: None,
                interrupts_enabled: false,
            };
            match hypercall::dispatch(&self.hv, &mut call, op.into(), args) {
                Outcome::Return(v) if v < 0 => return Err(Errno(-v as i32)),
                Outcome::Return(v) => return Ok(v as u64),
                Outcome::Continue(next) => args = next,
            }
        }
    }

    fn copy_to_domain(&mut self, domid: u16, gfn: u64, data: &[u8]) -> Result<(), Error> {
        let d = self
            .hv
            .domains
            .get(domid)
            .ok_or(Error::Platform("no such domain"))?;
        for (i, chunk) in data.chunks(4096).enumerate() {
            let entry = d.get_entry_alloc(&self.hv.heap, Gfn(gfn + i as u64));
            let mfn = entry
                .mfn
                .filter(|_| entry.p2mt.is_ram())
                .ok_or(Error::Platform("a frame that cannot be mapped"))?;
            self.hv.heap.frames().write_bytes(mfn, 0, chunk);
        }
        Ok(())
    }
}

/// A minimal PVH ELF64 kernel: one PT_LOAD of `code` at `paddr` (memsz `memsz`), and a PT_NOTE
/// with XEN_ELFNOTE_PHYS32_ENTRY = `entry`.
pub fn pvh_kernel(paddr: u64, code: &[u8], memsz: u64, entry: u32) -> Vec<u8> {
    const EHDR: usize = 64;
    const PHDR: usize = 56;
    let note_off = EHDR + 2 * PHDR;
    let mut note = Vec::new();
    note.extend_from_slice(&4u32.to_le_bytes()); // namesz ("Xen\0")
    note.extend_from_slice(&4u32.to_le_bytes()); // descsz
    note.extend_from_slice(&18u32.to_le_bytes()); // XEN_ELFNOTE_PHYS32_ENTRY
    note.extend_from_slice(b"Xen\0");
    note.extend_from_slice(&entry.to_le_bytes());
    let code_off = (note_off + note.len()).next_multiple_of(16);

    let mut elf = vec![0u8; code_off];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2; // ELFCLASS64
    elf[5] = 1; // little-endian
    elf[6] = 1; // EV_CURRENT
    elf[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    elf[18..20].copy_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    elf[20..24].copy_from_slice(&1u32.to_le_bytes());
    elf[24..32].copy_from_slice(&u64::from(entry).to_le_bytes());
    elf[32..40].copy_from_slice(&(EHDR as u64).to_le_bytes()); // e_phoff
    elf[52..54].copy_from_slice(&(EHDR as u16).to_le_bytes());
    elf[54..56].copy_from_slice(&(PHDR as u16).to_le_bytes());
    elf[56..58].copy_from_slice(&2u16.to_le_bytes()); // e_phnum
    elf[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
    let phdr = |p_type: u32, flags: u32, off: usize, addr: u64, filesz: usize, memsz: u64| {
        let mut h = Vec::with_capacity(PHDR);
        h.extend_from_slice(&p_type.to_le_bytes());
        h.extend_from_slice(&flags.to_le_bytes());
        h.extend_from_slice(&(off as u64).to_le_bytes());
        h.extend_from_slice(&addr.to_le_bytes()); // vaddr
        h.extend_from_slice(&addr.to_le_bytes()); // paddr
        h.extend_from_slice(&(filesz as u64).to_le_bytes());
        h.extend_from_slice(&memsz.to_le_bytes());
        h.extend_from_slice(&16u64.to_le_bytes());
        h
    };
    let load = phdr(1, 5, code_off, paddr, code.len(), memsz);
    let notes = phdr(4, 4, note_off, 0, note.len(), note.len() as u64);
    elf[EHDR..EHDR + PHDR].copy_from_slice(&load);
    elf[EHDR + PHDR..EHDR + 2 * PHDR].copy_from_slice(&notes);
    elf[note_off..note_off + note.len()].copy_from_slice(&note);
    elf.extend_from_slice(code);
    elf
}
