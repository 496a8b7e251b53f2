//! The VMCB (AMD64 APM volume 2, appendix B "Layout of VMCB"): a 4 KiB page the CPU reads at VMRUN
//! and writes at #VMEXIT. Kept as bytes with typed accessors at the architectural offsets, so
//! building one is ordinary safe code, tested on the host.

/// Control-area offsets.
pub mod ctrl {
    /// CR read (bits 0-15) and write (16-31) intercepts.
    pub const INTERCEPT_CR: usize = 0x000;
    /// Exception intercepts, one bit per vector.
    pub const INTERCEPT_EXCEPTIONS: usize = 0x008;
    /// Instruction intercepts, first word (INTR, CPUID, HLT, IOIO, MSR, SHUTDOWN, ...).
    pub const INTERCEPT_MISC1: usize = 0x00c;
    /// Instruction intercepts, second word (VMRUN, VMMCALL, ...).
    pub const INTERCEPT_MISC2: usize = 0x010;
    /// Physical address of the I/O permission map.
    pub const IOPM_BASE_PA: usize = 0x040;
    /// Physical address of the MSR permission map.
    pub const MSRPM_BASE_PA: usize = 0x048;
    /// Guest ASID.
    pub const GUEST_ASID: usize = 0x058;
    /// TLB control (1: flush everything on VMRUN).
    pub const TLB_CONTROL: usize = 0x05c;
    /// Virtual interrupt control (V_INTR_MASKING is bit 24).
    pub const VINTR: usize = 0x060;
    /// Interrupt shadow (bit 0: the guest is in an STI or MOV SS shadow).
    pub const INTERRUPT_SHADOW: usize = 0x068;
    /// The exit code.
    pub const EXITCODE: usize = 0x070;
    /// Exit information 1.
    pub const EXITINFO1: usize = 0x078;
    /// Exit information 2.
    pub const EXITINFO2: usize = 0x080;
    /// An event that was being delivered when the exit happened.
    pub const EXITINTINFO: usize = 0x088;
    /// Nested paging enable (bit 0).
    pub const NP_ENABLE: usize = 0x090;
    /// An event to inject at VMRUN.
    pub const EVENTINJ: usize = 0x0a8;
    /// Nested page table root.
    pub const N_CR3: usize = 0x0b0;
    /// Which VMCB fields the CPU may take from its cache (0: none).
    pub const VMCB_CLEAN: usize = 0x0c0;
    /// The next sequential RIP after an intercepted instruction (with NRIPS).
    pub const NRIP: usize = 0x0c8;
    /// Decode assists: how many instruction bytes the CPU fetched on a nested page fault.
    pub const INSN_LEN: usize = 0x0d0;
    /// Decode assists: those bytes (up to 15).
    pub const INSN_BYTES: usize = 0x0d1;
}

/// State-save-area offsets.
pub mod save {
    /// ES.
    pub const ES: usize = 0x400;
    /// CS.
    pub const CS: usize = 0x410;
    /// SS.
    pub const SS: usize = 0x420;
    /// DS.
    pub const DS: usize = 0x430;
    /// FS.
    pub const FS: usize = 0x440;
    /// GS.
    pub const GS: usize = 0x450;
    /// GDTR (base and limit).
    pub const GDTR: usize = 0x460;
    /// LDTR.
    pub const LDTR: usize = 0x470;
    /// IDTR (base and limit).
    pub const IDTR: usize = 0x480;
    /// TR.
    pub const TR: usize = 0x490;
    /// Current privilege level.
    pub const CPL: usize = 0x4cb;
    /// EFER.
    pub const EFER: usize = 0x4d0;
    /// CR4.
    pub const CR4: usize = 0x548;
    /// CR3.
    pub const CR3: usize = 0x550;
    /// CR0.
    pub const CR0: usize = 0x558;
    /// DR7.
    pub const DR7: usize = 0x560;
    /// DR6.
    pub const DR6: usize = 0x568;
    /// RFLAGS.
    pub const RFLAGS: usize = 0x570;
    /// RIP.
    pub const RIP: usize = 0x578;
    /// RSP.
    pub const RSP: usize = 0x5d8;
    /// RAX.
    pub const RAX: usize = 0x5f8;
    /// STAR (loaded by VMLOAD, like the next ones up to SYSENTER_EIP).
    pub const STAR: usize = 0x600;
    /// LSTAR.
    pub const LSTAR: usize = 0x608;
    /// CSTAR.
    pub const CSTAR: usize = 0x610;
    /// SFMASK.
    pub const SFMASK: usize = 0x618;
    /// KernelGSbase.
    pub const KERNEL_GS_BASE: usize = 0x620;
    /// SYSENTER_CS.
    pub const SYSENTER_CS: usize = 0x628;
    /// SYSENTER_ESP.
    pub const SYSENTER_ESP: usize = 0x630;
    /// SYSENTER_EIP.
    pub const SYSENTER_EIP: usize = 0x638;
    /// CR2.
    pub const CR2: usize = 0x640;
    /// The guest PAT.
    pub const G_PAT: usize = 0x668;
}

bitflags::bitflags! {
    /// Instruction intercepts in [`ctrl::INTERCEPT_MISC1`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct InterceptMisc1: u32 {
        /// Physical interrupts.
        const INTR = 1 << 0;
        /// NMIs.
        const NMI = 1 << 1;
        /// SMIs.
        const SMI = 1 << 2;
        /// INIT signals.
        const INIT = 1 << 3;
        /// The guest becoming able to take the virtual interrupt of V_IRQ (an interrupt window).
        const VINTR = 1 << 4;
        /// CPUID.
        const CPUID = 1 << 18;
        /// INVD.
        const INVD = 1 << 22;
        /// HLT.
        const HLT = 1 << 24;
        /// INVLPGA.
        const INVLPGA = 1 << 26;
        /// I/O port accesses, as the I/O permission map says.
        const IOIO_PROT = 1 << 27;
        /// MSR accesses, as the MSR permission map says (MSRs outside its ranges always exit).
        const MSR_PROT = 1 << 28;
        /// Shutdown (a triple fault).
        const SHUTDOWN = 1 << 31;
    }
}

bitflags::bitflags! {
    /// Instruction intercepts in [`ctrl::INTERCEPT_MISC2`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct InterceptMisc2: u32 {
        /// VMRUN (must be intercepted).
        const VMRUN = 1 << 0;
        /// VMMCALL: the hypercall instruction.
        const VMMCALL = 1 << 1;
        /// VMLOAD.
        const VMLOAD = 1 << 2;
        /// VMSAVE.
        const VMSAVE = 1 << 3;
        /// STGI.
        const STGI = 1 << 4;
        /// CLGI.
        const CLGI = 1 << 5;
        /// SKINIT.
        const SKINIT = 1 << 6;
        /// ICEBP (INT1).
        const ICEBP = 1 << 8;
        /// WBINVD.
        const WBINVD = 1 << 9;
        /// MONITOR.
        const MONITOR = 1 << 10;
        /// MWAIT, unconditionally.
        const MWAIT = 1 << 11;
        /// XSETBV.
        const XSETBV = 1 << 13;
    }
}

/// The write intercept of CR`n` in [`ctrl::INTERCEPT_CR`] (reads are bits 0-15, writes 16-31).
pub const fn intercept_cr_write(n: u32) -> u32 {
    1 << (16 + n)
}

/// Exit codes (APM volume 2, appendix C).
pub mod exit {
    /// First exception exit: `EXCP_BASE + vector`.
    pub const EXCP_BASE: u64 = 0x40;
    /// A physical interrupt.
    pub const INTR: u64 = 0x60;
    /// An NMI.
    pub const NMI: u64 = 0x61;
    /// A virtual interrupt window opened.
    pub const VINTR: u64 = 0x64;
    /// MOV to CR4 (EXITINFO1 bit 63: the GPR in bits 3:0 is valid, with decode assists).
    pub const CR4_WRITE: u64 = 0x14;
    /// SMI.
    pub const SMI: u64 = 0x62;
    /// INIT.
    pub const INIT: u64 = 0x63;
    /// CPUID.
    pub const CPUID: u64 = 0x72;
    /// INVD.
    pub const INVD: u64 = 0x76;
    /// HLT.
    pub const HLT: u64 = 0x78;
    /// I/O port access (EXITINFO1: bit 0 IN, bit 2 string, bits 4-6 size, bits 16-31 port;
    /// EXITINFO2: the next RIP).
    pub const IOIO: u64 = 0x7b;
    /// MSR access (EXITINFO1: 0 read, 1 write).
    pub const MSR: u64 = 0x7c;
    /// Shutdown (triple fault).
    pub const SHUTDOWN: u64 = 0x7f;
    /// VMRUN.
    pub const VMRUN: u64 = 0x80;
    /// VMMCALL.
    pub const VMMCALL: u64 = 0x81;
    /// VMLOAD.
    pub const VMLOAD: u64 = 0x82;
    /// VMSAVE.
    pub const VMSAVE: u64 = 0x83;
    /// STGI.
    pub const STGI: u64 = 0x84;
    /// CLGI.
    pub const CLGI: u64 = 0x85;
    /// SKINIT.
    pub const SKINIT: u64 = 0x86;
    /// ICEBP.
    pub const ICEBP: u64 = 0x88;
    /// WBINVD.
    pub const WBINVD: u64 = 0x89;
    /// MONITOR.
    pub const MONITOR: u64 = 0x8a;
    /// MWAIT.
    pub const MWAIT: u64 = 0x8b;
    /// MWAIT with a monitor armed.
    pub const MWAIT_CONDITIONAL: u64 = 0x8c;
    /// XSETBV.
    pub const XSETBV: u64 = 0x8d;
    /// A nested page fault (EXITINFO1: error code, EXITINFO2: guest-physical address).
    pub const NPF: u64 = 0x400;
    /// VMRUN refused the VMCB's state.
    pub const INVALID: u64 = u64::MAX;
}

/// A segment register as the VMCB stores it: selector, packed attributes, limit, base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    /// Selector.
    pub selector: u16,
    /// Attributes: type (0-3), S (4), DPL (5-6), P (7), AVL (8), L (9), D/B (10), G (11).
    pub attrib: u16,
    /// Limit, in bytes.
    pub limit: u32,
    /// Base.
    pub base: u64,
}

impl Segment {
    /// A flat 32-bit code segment (execute/read, accessed; base 0, 4 GiB).
    pub const FLAT_CODE32: Segment = Segment {
        selector: 0x10,
        attrib: 0xc9b,
        limit: 0xffff_ffff,
        base: 0,
    };
    /// A flat 32-bit data segment (read/write, accessed; base 0, 4 GiB).
    pub const FLAT_DATA32: Segment = Segment {
        selector: 0x18,
        attrib: 0xc93,
        limit: 0xffff_ffff,
        base: 0,
    };
    /// A busy 32-bit TSS, as VMRUN requires TR to be.
    pub const TSS32_BUSY: Segment = Segment {
        selector: 0x20,
        attrib: 0x8b,
        limit: 0x67,
        base: 0,
    };
    /// An LDT that is present and empty.
    pub const LDT_EMPTY: Segment = Segment {
        selector: 0,
        attrib: 0x82,
        limit: 0,
        base: 0,
    };

    /// Whether this is a 64-bit code segment (L set).
    pub const fn is_long(&self) -> bool {
        self.attrib & (1 << 9) != 0
    }
}

/// A VMCB page.
#[repr(C, align(4096))]
pub struct Vmcb(pub [u8; 4096]);

impl Default for Vmcb {
    fn default() -> Self {
        Vmcb([0; 4096])
    }
}

impl Vmcb {
    /// The 8 bytes at `offset`.
    pub fn read_u64(&self, offset: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[offset..offset + 8]);
        u64::from_le_bytes(b)
    }
    /// Sets the 8 bytes at `offset`.
    pub fn write_u64(&mut self, offset: usize, value: u64) {
        self.0[offset..offset + 8].copy_from_slice(&value.to_le_bytes());
    }
    /// The 4 bytes at `offset`.
    pub fn read_u32(&self, offset: usize) -> u32 {
        let mut b = [0u8; 4];
        b.copy_from_slice(&self.0[offset..offset + 4]);
        u32::from_le_bytes(b)
    }
    /// Sets the 4 bytes at `offset`.
    pub fn write_u32(&mut self, offset: usize, value: u32) {
        self.0[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
    }
    /// The byte at `offset`.
    pub fn read_u8(&self, offset: usize) -> u8 {
        self.0[offset]
    }
    /// Sets the byte at `offset`.
    pub fn write_u8(&mut self, offset: usize, value: u8) {
        self.0[offset] = value;
    }
    /// The segment register at `offset` (one of [`save`]'s segment offsets).
    pub fn segment(&self, offset: usize) -> Segment {
        Segment {
            selector: u16::from_le_bytes([self.0[offset], self.0[offset + 1]]),
            attrib: u16::from_le_bytes([self.0[offset + 2], self.0[offset + 3]]),
            limit: self.read_u32(offset + 4),
            base: self.read_u64(offset + 8),
        }
    }
    /// Sets a descriptor-table register (GDTR, IDTR): limit at +4, base at +8.
    pub fn set_table(&mut self, offset: usize, limit: u32, base: u64) {
        self.write_u32(offset + 4, limit);
        self.write_u64(offset + 8, base);
    }
    /// Sets the segment register at `offset`.
    pub fn set_segment(&mut self, offset: usize, seg: Segment) {
        self.0[offset..offset + 2].copy_from_slice(&seg.selector.to_le_bytes());
        self.0[offset + 2..offset + 4].copy_from_slice(&seg.attrib.to_le_bytes());
        self.write_u32(offset + 4, seg.limit);
        self.write_u64(offset + 8, seg.base);
    }
}

/// The MSR permission map (8 KiB; APM 15.11): two bits per MSR, read then write, for the ranges
/// 0..0x1fff, 0xc000_0000..0xc000_1fff and 0xc001_0000..0xc001_1fff. MSRs outside them always
/// exit when MSR_PROT is set.
#[repr(C, align(4096))]
pub struct MsrPermissionMap(pub [u8; 8192]);

impl Default for MsrPermissionMap {
    fn default() -> Self {
        MsrPermissionMap([0; 8192])
    }
}

impl MsrPermissionMap {
    /// The bit index of `msr`'s read bit, or `None` outside the three ranges.
    pub fn read_bit(msr: u32) -> Option<usize> {
        let (base, offset) = match msr {
            0..=0x1fff => (0, msr),
            0xc000_0000..=0xc000_1fff => (0x800 * 8, msr - 0xc000_0000),
            0xc001_0000..=0xc001_1fff => (0x1000 * 8, msr - 0xc001_0000),
            _ => return None,
        };
        Some(base + 2 * offset as usize)
    }

    /// Makes every MSR access exit.
    pub fn intercept_all(&mut self) {
        self.0.fill(0xff);
    }

    /// Lets the guest read and write `msr` directly (for MSRs the VMCB switches: VMLOAD/VMSAVE
    /// state and the segment bases).
    pub fn allow(&mut self, msr: u32) {
        if let Some(bit) = Self::read_bit(msr) {
            self.0[bit / 8] &= !(0b11 << (bit % 8));
        }
    }

    /// Makes reads and/or writes of `msr` exit (no-op for MSRs outside the ranges, which always do).
    pub fn intercept(&mut self, msr: u32, read: bool, write: bool) {
        if let Some(bit) = Self::read_bit(msr) {
            if read {
                self.0[bit / 8] |= 1 << (bit % 8);
            }
            if write {
                self.0[(bit + 1) / 8] |= 1 << ((bit + 1) % 8);
            }
        }
    }
}

/// The I/O permission map (12 KiB): one bit per port; all clear lets every port through.
#[repr(C, align(4096))]
pub struct IoPermissionMap(pub [u8; 12288]);

impl IoPermissionMap {
    /// Makes every port exit.
    pub fn intercept_all(&mut self) {
        self.0.fill(0xff);
    }

    /// Lets every port through.
    pub fn allow_all(&mut self) {
        self.0.fill(0);
    }

    /// Makes accesses to ports `first..=last` exit.
    pub fn intercept(&mut self, first: u16, last: u16) {
        for port in first..=last {
            self.0[usize::from(port) / 8] |= 1 << (port % 8);
        }
    }

    /// Whether an access to `port` exits.
    pub fn intercepts(&self, port: u16) -> bool {
        self.0[usize::from(port) / 8] & (1 << (port % 8)) != 0
    }
}

impl Default for IoPermissionMap {
    fn default() -> Self {
        IoPermissionMap([0; 12288])
    }
}

/// EVENTINJ for a hardware exception `vector` without an error code.
pub const fn inject_exception(vector: u8) -> u64 {
    vector as u64 | (3 << 8) | (1 << 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::boxed::Box;

    #[test]
    fn segments_round_trip_at_their_offsets() {
        let mut v = Box::new(Vmcb::default());
        v.set_segment(save::CS, Segment::FLAT_CODE32);
        // APM B-2: selector at +0, attrib at +2, limit at +4, base at +8.
        assert_eq!(
            &v.0[0x410..0x420],
            &[0x10, 0, 0x9b, 0x0c, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(v.segment(save::CS), Segment::FLAT_CODE32);
        assert!(!Segment::FLAT_CODE32.is_long());
    }

    #[test]
    fn msr_permission_bits_follow_the_three_ranges() {
        // APM 15.11: 0xc000_0080 (EFER) is in the second range, at byte 0x800 + 0x80 * 2 / 8.
        assert_eq!(
            MsrPermissionMap::read_bit(0xc000_0080),
            Some(0x800 * 8 + 0x100)
        );
        assert_eq!(MsrPermissionMap::read_bit(0x1b), Some(0x36));
        assert_eq!(MsrPermissionMap::read_bit(0x4000_0000), None);
        let mut m = Box::new(MsrPermissionMap::default());
        m.intercept(0xc000_0080, false, true);
        assert_eq!(m.0[0x820], 0b10);
        m.intercept(0xc001_0117, true, true);
        assert_eq!(m.0[0x1000 + 0x117 * 2 / 8], 0b11 << ((0x117 * 2) % 8));
    }

    #[test]
    fn maps_can_intercept_everything_and_let_chosen_ones_through() {
        let mut m = Box::new(MsrPermissionMap::default());
        m.intercept_all();
        m.allow(0xc000_0100);
        let bit = MsrPermissionMap::read_bit(0xc000_0100).unwrap();
        assert_eq!(
            m.0[bit / 8] & (0b11 << (bit % 8)),
            0,
            "FS_BASE goes through"
        );
        let efer = MsrPermissionMap::read_bit(0xc000_0080).unwrap();
        assert_eq!(m.0[efer / 8] & (0b11 << (efer % 8)), 0b11 << (efer % 8));
        let mut io = Box::new(IoPermissionMap::default());
        assert!(!io.intercepts(0xf4));
        io.intercept(0x3f8, 0x3ff);
        assert!(io.intercepts(0x3f8) && io.intercepts(0x3ff) && !io.intercepts(0x400));
        io.intercept_all();
        assert!(io.intercepts(0xf4) && io.intercepts(0xffff));
    }

    #[test]
    fn exception_injection_is_valid_and_typed() {
        assert_eq!(inject_exception(6), 0x8000_0306);
    }
}
