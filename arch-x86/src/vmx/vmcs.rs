//! The VMCS: field encodings (Intel SDM volume 3, appendix B; Xen's asm/hvm/vmx/vmcs.h), control
//! bits, exit reasons, and [`Vmcs`], the software copy of a vCPU's fields that the vCPU code reads
//! and writes. Only [`super::VmxVcpu`]'s entry path moves it to and from the hardware VMCS
//! (VMWRITE of what changed, VMREAD of what an exit changed), so everything here is testable on
//! the host.

use alloc::vec::Vec;

/// Field encodings.
pub mod field {
    /// Virtual-processor identifier.
    pub const VPID: u32 = 0x0000;
    /// Guest ES selector (the other guest selectors follow in steps of 2: CS, SS, DS, FS, GS,
    /// LDTR, TR).
    pub const GUEST_ES_SELECTOR: u32 = 0x0800;
    /// Host ES selector (then CS, SS, DS, FS, GS, TR).
    pub const HOST_ES_SELECTOR: u32 = 0x0c00;
    /// Host CS selector.
    pub const HOST_CS_SELECTOR: u32 = 0x0c02;
    /// Host SS selector.
    pub const HOST_SS_SELECTOR: u32 = 0x0c04;
    /// Host DS selector.
    pub const HOST_DS_SELECTOR: u32 = 0x0c06;
    /// Host FS selector.
    pub const HOST_FS_SELECTOR: u32 = 0x0c08;
    /// Host GS selector.
    pub const HOST_GS_SELECTOR: u32 = 0x0c0a;
    /// Host TR selector.
    pub const HOST_TR_SELECTOR: u32 = 0x0c0c;
    /// I/O bitmap A (ports 0-0x7fff).
    pub const IO_BITMAP_A: u32 = 0x2000;
    /// I/O bitmap B (ports 0x8000-0xffff).
    pub const IO_BITMAP_B: u32 = 0x2002;
    /// MSR bitmaps.
    pub const MSR_BITMAP: u32 = 0x2004;
    /// EPT pointer.
    pub const EPT_POINTER: u32 = 0x201a;
    /// Guest-physical address of an EPT violation or misconfiguration.
    pub const GUEST_PHYSICAL_ADDRESS: u32 = 0x2400;
    /// VMCS link pointer (all ones: none).
    pub const VMCS_LINK_POINTER: u32 = 0x2800;
    /// Guest IA32_PAT.
    pub const GUEST_PAT: u32 = 0x2804;
    /// Guest IA32_EFER.
    pub const GUEST_EFER: u32 = 0x2806;
    /// Host IA32_PAT.
    pub const HOST_PAT: u32 = 0x2c00;
    /// Host IA32_EFER.
    pub const HOST_EFER: u32 = 0x2c02;
    /// Pin-based controls.
    pub const PIN_BASED_CONTROLS: u32 = 0x4000;
    /// Primary processor-based controls.
    pub const CPU_BASED_CONTROLS: u32 = 0x4002;
    /// Exception bitmap.
    pub const EXCEPTION_BITMAP: u32 = 0x4004;
    /// Page-fault error-code mask.
    pub const PAGE_FAULT_ERROR_CODE_MASK: u32 = 0x4006;
    /// Page-fault error-code match.
    pub const PAGE_FAULT_ERROR_CODE_MATCH: u32 = 0x4008;
    /// CR3-target count.
    pub const CR3_TARGET_COUNT: u32 = 0x400a;
    /// VM-exit controls.
    pub const EXIT_CONTROLS: u32 = 0x400c;
    /// VM-exit MSR-store count.
    pub const EXIT_MSR_STORE_COUNT: u32 = 0x400e;
    /// VM-exit MSR-load count.
    pub const EXIT_MSR_LOAD_COUNT: u32 = 0x4010;
    /// VM-entry controls.
    pub const ENTRY_CONTROLS: u32 = 0x4012;
    /// VM-entry MSR-load count.
    pub const ENTRY_MSR_LOAD_COUNT: u32 = 0x4014;
    /// VM-entry interruption information.
    pub const ENTRY_INTR_INFO: u32 = 0x4016;
    /// VM-entry exception error code.
    pub const ENTRY_EXCEPTION_ERROR_CODE: u32 = 0x4018;
    /// VM-entry instruction length (for software events).
    pub const ENTRY_INSTRUCTION_LEN: u32 = 0x401a;
    /// Secondary processor-based controls.
    pub const SECONDARY_CONTROLS: u32 = 0x401e;
    /// VM-instruction error.
    pub const VM_INSTRUCTION_ERROR: u32 = 0x4400;
    /// Exit reason.
    pub const EXIT_REASON: u32 = 0x4402;
    /// VM-exit interruption information.
    pub const EXIT_INTR_INFO: u32 = 0x4404;
    /// IDT-vectoring information.
    pub const IDT_VECTORING_INFO: u32 = 0x4408;
    /// IDT-vectoring error code.
    pub const IDT_VECTORING_ERROR_CODE: u32 = 0x440a;
    /// VM-exit instruction length.
    pub const EXIT_INSTRUCTION_LEN: u32 = 0x440c;
    /// Guest ES limit (then CS, SS, DS, FS, GS, LDTR, TR, GDTR, IDTR).
    pub const GUEST_ES_LIMIT: u32 = 0x4800;
    /// Guest GDTR limit.
    pub const GUEST_GDTR_LIMIT: u32 = 0x4810;
    /// Guest IDTR limit.
    pub const GUEST_IDTR_LIMIT: u32 = 0x4812;
    /// Guest ES access rights (then CS, SS, DS, FS, GS, LDTR, TR).
    pub const GUEST_ES_AR: u32 = 0x4814;
    /// Guest interruptibility state.
    pub const GUEST_INTERRUPTIBILITY: u32 = 0x4824;
    /// Guest activity state.
    pub const GUEST_ACTIVITY_STATE: u32 = 0x4826;
    /// Guest IA32_SYSENTER_CS.
    pub const GUEST_SYSENTER_CS: u32 = 0x482a;
    /// Host IA32_SYSENTER_CS.
    pub const HOST_SYSENTER_CS: u32 = 0x4c00;
    /// CR0 guest/host mask.
    pub const CR0_GUEST_HOST_MASK: u32 = 0x6000;
    /// CR4 guest/host mask.
    pub const CR4_GUEST_HOST_MASK: u32 = 0x6002;
    /// CR0 read shadow.
    pub const CR0_READ_SHADOW: u32 = 0x6004;
    /// CR4 read shadow.
    pub const CR4_READ_SHADOW: u32 = 0x6006;
    /// Exit qualification.
    pub const EXIT_QUALIFICATION: u32 = 0x6400;
    /// Guest CR0.
    pub const GUEST_CR0: u32 = 0x6800;
    /// Guest CR3.
    pub const GUEST_CR3: u32 = 0x6802;
    /// Guest CR4.
    pub const GUEST_CR4: u32 = 0x6804;
    /// Guest ES base (then CS, SS, DS, FS, GS, LDTR, TR, GDTR, IDTR).
    pub const GUEST_ES_BASE: u32 = 0x6806;
    /// Guest FS base.
    pub const GUEST_FS_BASE: u32 = 0x680e;
    /// Guest GS base.
    pub const GUEST_GS_BASE: u32 = 0x6810;
    /// Guest GDTR base.
    pub const GUEST_GDTR_BASE: u32 = 0x6816;
    /// Guest IDTR base.
    pub const GUEST_IDTR_BASE: u32 = 0x6818;
    /// Guest DR7.
    pub const GUEST_DR7: u32 = 0x681a;
    /// Guest RSP.
    pub const GUEST_RSP: u32 = 0x681c;
    /// Guest RIP.
    pub const GUEST_RIP: u32 = 0x681e;
    /// Guest RFLAGS.
    pub const GUEST_RFLAGS: u32 = 0x6820;
    /// Guest pending debug exceptions.
    pub const GUEST_PENDING_DBG_EXCEPTIONS: u32 = 0x6822;
    /// Guest IA32_SYSENTER_ESP.
    pub const GUEST_SYSENTER_ESP: u32 = 0x6824;
    /// Guest IA32_SYSENTER_EIP.
    pub const GUEST_SYSENTER_EIP: u32 = 0x6826;
    /// Host CR0.
    pub const HOST_CR0: u32 = 0x6c00;
    /// Host CR3.
    pub const HOST_CR3: u32 = 0x6c02;
    /// Host CR4.
    pub const HOST_CR4: u32 = 0x6c04;
    /// Host FS base.
    pub const HOST_FS_BASE: u32 = 0x6c06;
    /// Host GS base.
    pub const HOST_GS_BASE: u32 = 0x6c08;
    /// Host TR base.
    pub const HOST_TR_BASE: u32 = 0x6c0a;
    /// Host GDTR base.
    pub const HOST_GDTR_BASE: u32 = 0x6c0c;
    /// Host IDTR base.
    pub const HOST_IDTR_BASE: u32 = 0x6c0e;
    /// Host IA32_SYSENTER_ESP.
    pub const HOST_SYSENTER_ESP: u32 = 0x6c10;
    /// Host IA32_SYSENTER_EIP.
    pub const HOST_SYSENTER_EIP: u32 = 0x6c12;
    /// Host RSP.
    pub const HOST_RSP: u32 = 0x6c14;
    /// Host RIP.
    pub const HOST_RIP: u32 = 0x6c16;
}

/// The eight guest segments in VMCS order (the selector, limit, AR and base fields of segment
/// `i` are the ES field plus `2 * i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    /// ES.
    Es = 0,
    /// CS.
    Cs = 1,
    /// SS.
    Ss = 2,
    /// DS.
    Ds = 3,
    /// FS.
    Fs = 4,
    /// GS.
    Gs = 5,
    /// LDTR.
    Ldtr = 6,
    /// TR.
    Tr = 7,
}

bitflags::bitflags! {
    /// Pin-based controls.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct PinControls: u32 {
        /// External interrupts cause exits.
        const EXTERNAL_INTERRUPT_EXITING = 1 << 0;
        /// NMIs cause exits.
        const NMI_EXITING = 1 << 3;
    }
}

bitflags::bitflags! {
    /// Primary processor-based controls.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct CpuControls: u32 {
        /// An exit as soon as the guest can take an external interrupt.
        const INTERRUPT_WINDOW_EXITING = 1 << 2;
        /// HLT exits.
        const HLT_EXITING = 1 << 7;
        /// MWAIT exits.
        const MWAIT_EXITING = 1 << 10;
        /// CR3 loads exit (cleared: EPT makes guest CR3 the guest's own business).
        const CR3_LOAD_EXITING = 1 << 15;
        /// CR3 stores exit (cleared likewise).
        const CR3_STORE_EXITING = 1 << 16;
        /// I/O goes through the I/O bitmaps.
        const USE_IO_BITMAPS = 1 << 25;
        /// MSR accesses go through the MSR bitmaps.
        const USE_MSR_BITMAPS = 1 << 28;
        /// MONITOR exits.
        const MONITOR_EXITING = 1 << 29;
        /// The secondary controls apply.
        const ACTIVATE_SECONDARY = 1 << 31;
    }
}

bitflags::bitflags! {
    /// Secondary processor-based controls.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct SecondaryControls: u32 {
        /// EPT.
        const ENABLE_EPT = 1 << 1;
        /// VPID-tagged TLB entries.
        const ENABLE_VPID = 1 << 5;
        /// WBINVD exits.
        const WBINVD_EXITING = 1 << 6;
        /// Unrestricted guest: real mode and unpaged protected mode run natively (the PVH entry).
        const UNRESTRICTED_GUEST = 1 << 7;
    }
}

bitflags::bitflags! {
    /// VM-exit controls.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct ExitControls: u32 {
        /// The host runs 64-bit code.
        const HOST_ADDRESS_SPACE_SIZE = 1 << 9;
        /// Save the guest's IA32_PAT.
        const SAVE_PAT = 1 << 18;
        /// Load the host's IA32_PAT.
        const LOAD_PAT = 1 << 19;
        /// Save the guest's IA32_EFER.
        const SAVE_EFER = 1 << 20;
        /// Load the host's IA32_EFER.
        const LOAD_EFER = 1 << 21;
    }
}

bitflags::bitflags! {
    /// VM-entry controls.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct EntryControls: u32 {
        /// The guest is in IA-32e mode (the CPU keeps this equal to EFER.LMA at every exit).
        const IA32E_MODE_GUEST = 1 << 9;
        /// Load the guest's IA32_PAT.
        const LOAD_PAT = 1 << 14;
        /// Load the guest's IA32_EFER.
        const LOAD_EFER = 1 << 15;
    }
}

/// Basic exit reasons (SDM appendix C).
pub mod reason {
    /// An exception or NMI.
    pub const EXCEPTION_NMI: u32 = 0;
    /// An external interrupt.
    pub const EXTERNAL_INTERRUPT: u32 = 1;
    /// A triple fault.
    pub const TRIPLE_FAULT: u32 = 2;
    /// An INIT signal.
    pub const INIT: u32 = 3;
    /// An interrupt window opened.
    pub const INTERRUPT_WINDOW: u32 = 7;
    /// CPUID.
    pub const CPUID: u32 = 10;
    /// HLT.
    pub const HLT: u32 = 12;
    /// INVD.
    pub const INVD: u32 = 13;
    /// VMCALL.
    pub const VMCALL: u32 = 18;
    /// VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMREAD, VMRESUME, VMWRITE, VMXOFF, VMXON: 19-27.
    pub const VMCLEAR: u32 = 19;
    /// The last of the VMX instructions above.
    pub const VMXON: u32 = 27;
    /// A control-register access.
    pub const CR_ACCESS: u32 = 28;
    /// MWAIT.
    pub const MWAIT: u32 = 36;
    /// MONITOR.
    pub const MONITOR: u32 = 39;
    /// An I/O instruction.
    pub const IO_INSTRUCTION: u32 = 30;
    /// RDMSR.
    pub const RDMSR: u32 = 31;
    /// WRMSR.
    pub const WRMSR: u32 = 32;
    /// Entry failed: invalid guest state.
    pub const INVALID_GUEST_STATE: u32 = 33;
    /// Entry failed: MSR loading.
    pub const MSR_LOADING: u32 = 34;
    /// Entry failed: machine check.
    pub const MACHINE_CHECK: u32 = 41;
    /// An EPT violation.
    pub const EPT_VIOLATION: u32 = 48;
    /// An EPT misconfiguration.
    pub const EPT_MISCONFIG: u32 = 49;
    /// INVEPT.
    pub const INVEPT: u32 = 50;
    /// INVVPID.
    pub const INVVPID: u32 = 53;
    /// WBINVD.
    pub const WBINVD: u32 = 54;
    /// XSETBV.
    pub const XSETBV: u32 = 55;
}

/// Bit 31 of the exit reason: the VM entry failed.
pub const EXIT_REASON_FAILED_ENTRY: u32 = 1 << 31;

/// What a control MSR allows: `allowed0` bits must be 1, bits outside `allowed1` must be 0
/// (SDM A.3: the low half of the MSR is the allowed 0-settings, the high half the allowed
/// 1-settings). Returns the controls to use, or the wanted bits the CPU cannot set.
/// Bits the CPU requires are kept even where this code does not name them.
pub fn adjust_controls<F: bitflags::Flags<Bits = u32>>(
    wanted: F,
    forbidden: F,
    msr: u64,
) -> Result<F, F> {
    let (wanted, forbidden) = (wanted.bits(), forbidden.bits());
    let must_be_one = msr as u32;
    let may_be_one = (msr >> 32) as u32;
    let missing = wanted & !may_be_one;
    if missing != 0 {
        return Err(F::from_bits_retain(missing));
    }
    Ok(F::from_bits_retain(
        (wanted | must_be_one) & !(forbidden & !must_be_one),
    ))
}

/// A segment's attributes in Xen's 12-bit save format (`arbytes`: type, S, DPL, P in bits 0-7;
/// AVL, L, D/B, G in bits 8-11) as a VMCS access-rights field, where AVL-G sit at 12-15 and bit 16
/// marks an unusable segment (`vmx_set_segment_register`: a null segment is unusable).
pub fn ar_from_attr(attr: u16) -> u32 {
    let attr = u32::from(attr);
    if attr & 0x80 == 0 {
        // Not present: unusable (what Xen loads for a null selector).
        return 1 << 16;
    }
    (attr & 0xff) | ((attr & 0xf00) << 4)
}

/// The reverse of [`ar_from_attr`] (`vmx_get_segment_register`).
pub fn attr_from_ar(ar: u32) -> u16 {
    if ar & (1 << 16) != 0 {
        return 0;
    }
    ((ar & 0xff) | ((ar >> 4) & 0xf00)) as u16
}

/// The software copy of a VMCS: every field this vCPU set, with the ones written since the last
/// entry marked for VMWRITE.
#[derive(Clone, Debug, Default)]
pub struct Vmcs {
    fields: Vec<(u32, u64)>,
    dirty: Vec<u32>,
}

impl Vmcs {
    /// A field's value (0 if never written or read).
    pub fn read(&self, field: u32) -> u64 {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(0, |&(_, v)| v)
    }

    /// Sets a field, to be written to the hardware at the next entry.
    pub fn write(&mut self, field: u32, value: u64) {
        self.set(field, value);
        if !self.dirty.contains(&field) {
            self.dirty.push(field);
        }
    }

    /// Records what the hardware holds (after a VMREAD): not written back.
    pub fn set(&mut self, field: u32, value: u64) {
        match self.fields.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((field, value)),
        }
    }

    /// The fields written since the last call, with their values, for VMWRITE.
    pub fn take_dirty(&mut self) -> Vec<(u32, u64)> {
        let dirty = core::mem::take(&mut self.dirty);
        dirty.into_iter().map(|f| (f, self.read(f))).collect()
    }

    /// Marks every field for writing (a freshly cleared hardware VMCS holds none of them).
    pub fn mark_all_dirty(&mut self) {
        self.dirty = self.fields.iter().map(|&(f, _)| f).collect();
    }

    /// Whether a field waits to be written.
    pub fn is_dirty(&self, field: u32) -> bool {
        self.dirty.contains(&field)
    }

    /// Sets segment `seg`: selector, base, limit and VMX access rights.
    pub fn set_segment(&mut self, seg: Seg, selector: u16, base: u64, limit: u32, ar: u32) {
        let i = seg as u32 * 2;
        self.write(field::GUEST_ES_SELECTOR + i, u64::from(selector));
        self.write(field::GUEST_ES_BASE + i, base);
        self.write(field::GUEST_ES_LIMIT + i, u64::from(limit));
        self.write(field::GUEST_ES_AR + i, u64::from(ar));
    }

    /// Segment `seg`'s access rights.
    pub fn segment_ar(&self, seg: Seg) -> u32 {
        self.read(field::GUEST_ES_AR + seg as u32 * 2) as u32
    }

    /// Segment `seg`'s selector.
    pub fn segment_selector(&self, seg: Seg) -> u16 {
        self.read(field::GUEST_ES_SELECTOR + seg as u32 * 2) as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_take_the_must_be_one_bits_and_refuse_what_cannot_be_set() {
        // Allowed 0-settings 0x16 (bits 1, 2, 4 must be 1), allowed 1-settings 0xff.
        let msr = (0xffu64 << 32) | 0x16;
        let adjust = |wanted: u32, forbidden: u32| {
            adjust_controls(
                CpuControls::from_bits_retain(wanted),
                CpuControls::from_bits_retain(forbidden),
                msr,
            )
            .map(|c| c.bits())
            .map_err(|c| c.bits())
        };
        assert_eq!(adjust(0x81, 0), Ok(0x97));
        assert_eq!(adjust(0x100, 0), Err(0x100));
        // A forbidden bit is cleared unless the CPU insists on it.
        assert_eq!(adjust(0x1, 0x8 | 0x2), Ok(0x15 | 0x2));
    }

    #[test]
    fn segment_attributes_convert_both_ways() {
        // Xen's PVH flat code segment 0xc9b: G, D/B, P, S, type 0xb.
        assert_eq!(ar_from_attr(0xc9b), 0xc09b);
        assert_eq!(attr_from_ar(0xc09b), 0xc9b);
        assert_eq!(ar_from_attr(0x8b), 0x8b);
        assert_eq!(ar_from_attr(0), 1 << 16, "null: unusable");
        assert_eq!(attr_from_ar(1 << 16), 0);
        // 64-bit code: L set.
        assert_eq!(ar_from_attr(0xa9b), 0xa09b);
    }

    #[test]
    fn the_software_vmcs_writes_only_what_changed() {
        let mut v = Vmcs::default();
        v.write(field::GUEST_RIP, 0x1000);
        v.write(field::GUEST_RSP, 0x2000);
        v.write(field::GUEST_RIP, 0x1004);
        assert_eq!(
            v.take_dirty(),
            [(field::GUEST_RIP, 0x1004), (field::GUEST_RSP, 0x2000)]
        );
        assert!(v.take_dirty().is_empty());
        v.set(field::EXIT_REASON, 12);
        assert!(!v.is_dirty(field::EXIT_REASON));
        assert_eq!(v.read(field::EXIT_REASON), 12);
        v.set_segment(Seg::Tr, 0, 0, 0x67, 0x8b);
        assert_eq!(v.read(field::GUEST_ES_LIMIT + 14), 0x67);
        assert_eq!(v.segment_ar(Seg::Tr), 0x8b);
    }
}
