//! Intel VMX with EPT (Intel SDM volume 3, chapters 23-29; Xen's xen/arch/x86/hvm/vmx/).
//!
//! [`VmxVcpu`] keeps a software copy of its VMCS ([`vmcs::Vmcs`]), the guest's general registers,
//! its MSR and I/O bitmaps, and the VM entry round trip. The guest's PVH entry state (32-bit
//! protected mode, paging off) runs natively with "unrestricted guest"; its p2m is xen-mm's EPT
//! table, named by the EPT pointer; VPIDs tag its TLB entries. Bits the CPU insists on in CR0 and
//! CR4 while in VMX operation (NE, VMXE) are owned by the hypervisor through the guest/host masks,
//! and the guest sees its own values in the read shadows; a guest write that changes them is
//! emulated here, inside [`HvmVcpu::run`], so the exit handlers never see it.
//!
//! MSRs the VMCS does not switch (KERNEL_GS_BASE and the SYSCALL MSRs) are loaded before each
//! entry and saved after each exit, as Xen's `vmx_restore_guest_msrs` / `vmx_save_guest_msrs` do.

pub mod vmcs;

use alloc::boxed::Box;

use crate::msr;
pub use crate::vcpu::GuestRegs;
use crate::vcpu::{HvmVcpu, VmExit};
use crate::xstate::Xstate;
use hypercall::hvm_context::HvmVcpuContext;
use hypercall::hvm_guest::PagingState;
use vmcs::{
    adjust_controls, ar_from_attr, field, reason, CpuControls, EntryControls, ExitControls,
    PinControls, SecondaryControls, Seg, Vmcs, EXIT_REASON_FAILED_ENTRY,
};
use xen_mm::p2m::fault::FaultAccess;

/// IA32_FEATURE_CONTROL.
pub const IA32_FEATURE_CONTROL: u32 = 0x3a;
/// IA32_VMX_BASIC: the VMCS revision, and whether the TRUE_* control MSRs exist (bit 55).
pub const IA32_VMX_BASIC: u32 = 0x480;
/// The control MSRs (plain, TRUE_) for pin-based, processor-based, exit and entry controls.
pub const CONTROL_MSRS: [(u32, u32); 4] = [
    (0x481, 0x48d),
    (0x482, 0x48e),
    (0x483, 0x48f),
    (0x484, 0x490),
];
/// IA32_VMX_PROCBASED_CTLS2.
pub const IA32_VMX_PROCBASED_CTLS2: u32 = 0x48b;
/// IA32_VMX_EPT_VPID_CAP.
pub const IA32_VMX_EPT_VPID_CAP: u32 = 0x48c;
/// IA32_VMX_CR0_FIXED0, CR0_FIXED1, CR4_FIXED0, CR4_FIXED1.
pub const CR_FIXED_MSRS: [u32; 4] = [0x486, 0x487, 0x488, 0x489];

#[cfg(target_os = "none")]
use crate::cpu::{read_cr0, read_cr3, read_cr4};
use crate::cpu::{CR0_PE, CR0_PG, CR4_VMXE};
use crate::msr::{EFER_GUEST_BITS, EFER_LMA, EFER_LME};
/// The PAT value after reset.
const PAT_RESET: u64 = 0x0007_0406_0007_0406;

/// The VMX capability MSRs (read once; host-testable as plain values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmxMsrs {
    /// IA32_VMX_BASIC.
    pub basic: u64,
    /// Pin-based, primary processor-based, exit and entry controls (the TRUE_* MSRs when
    /// IA32_VMX_BASIC bit 55 says they exist).
    pub pin: u64,
    /// Primary processor-based controls.
    pub cpu: u64,
    /// Exit controls.
    pub exit: u64,
    /// Entry controls.
    pub entry: u64,
    /// Secondary processor-based controls.
    pub secondary: u64,
    /// EPT and VPID capabilities.
    pub ept_vpid_cap: u64,
    /// CR0 bits fixed to 1 / allowed to be 1, CR4 likewise.
    pub cr_fixed: [u64; 4],
}

/// EPT capability: a 4-level page walk.
const EPT_CAP_WALK4: u64 = 1 << 6;
/// EPT capability: write-back paging structures.
const EPT_CAP_WB: u64 = 1 << 14;
/// EPT capability: 2 MiB pages.
const EPT_CAP_2MB: u64 = 1 << 16;
/// EPT capability: 1 GiB pages.
const EPT_CAP_1GB: u64 = 1 << 17;
/// EPT capability: INVEPT.
const EPT_CAP_INVEPT: u64 = 1 << 20;
/// EPT capability: single-context INVEPT.
const EPT_CAP_INVEPT_SINGLE: u64 = 1 << 25;
/// EPT capability: all-context INVEPT.
const EPT_CAP_INVEPT_ALL: u64 = 1 << 26;

/// The controls every vCPU uses, worked out from the capability MSRs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VmxControls {
    /// The VMCS revision identifier.
    pub revision: u32,
    /// Pin-based controls.
    pub pin: PinControls,
    /// Primary processor-based controls.
    pub cpu: CpuControls,
    /// Secondary controls (with VPID; a vCPU without a VPID clears it).
    pub secondary: SecondaryControls,
    /// Exit controls.
    pub exit: ExitControls,
    /// Entry controls, without IA-32e mode guest.
    pub entry: EntryControls,
    /// CR0 bits the CPU requires in VMX operation, less PE and PG (unrestricted guest).
    pub cr0_fixed: u64,
    /// CR4 bits it requires.
    pub cr4_fixed: u64,
    /// EPT 2 MiB and 1 GiB pages.
    pub ept_2mb: bool,
    /// 1 GiB EPT pages.
    pub ept_1gb: bool,
    /// INVEPT single-context exists (else all-context is used).
    pub invept_single: bool,
    /// VPIDs exist.
    pub vpid: bool,
}

/// The controls a control MSR allows to be 1 (its high half, SDM A.3).
fn allowed1<F: bitflags::Flags<Bits = u32>>(msr: u64) -> F {
    F::from_bits_retain((msr >> 32) as u32)
}

impl VmxControls {
    /// What this hypervisor needs of VMX (Xen's `vmx_init_vmcs_config`, less what xen-rs does not
    /// use), or what the CPU lacks.
    pub fn from_msrs(m: &VmxMsrs) -> Result<Self, &'static str> {
        let pin = adjust_controls(
            PinControls::EXTERNAL_INTERRUPT_EXITING | PinControls::NMI_EXITING,
            PinControls::empty(),
            m.pin,
        )
        .map_err(|_| "VMX without external-interrupt or NMI exiting")?;
        let cpu = adjust_controls(
            CpuControls::HLT_EXITING
                | CpuControls::MWAIT_EXITING
                | CpuControls::MONITOR_EXITING
                | CpuControls::USE_IO_BITMAPS
                | CpuControls::USE_MSR_BITMAPS
                | CpuControls::ACTIVATE_SECONDARY,
            CpuControls::CR3_LOAD_EXITING | CpuControls::CR3_STORE_EXITING,
            m.cpu,
        )
        .map_err(|_| "VMX without I/O or MSR bitmaps or secondary controls")?;
        // Turned on per vCPU while an upcall waits for the guest to enable interrupts.
        if !allowed1::<CpuControls>(m.cpu).contains(CpuControls::INTERRUPT_WINDOW_EXITING) {
            return Err("VMX without interrupt-window exiting");
        }
        let cap = m.ept_vpid_cap;
        if cap & EPT_CAP_WALK4 == 0 || cap & EPT_CAP_WB == 0 {
            return Err("EPT without 4-level write-back tables");
        }
        if cap & EPT_CAP_INVEPT == 0 || cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL) == 0 {
            return Err("EPT without INVEPT");
        }
        let vpid_possible =
            allowed1::<SecondaryControls>(m.secondary).contains(SecondaryControls::ENABLE_VPID);
        let mut want2 = SecondaryControls::ENABLE_EPT | SecondaryControls::UNRESTRICTED_GUEST;
        want2.set(SecondaryControls::ENABLE_VPID, vpid_possible);
        // Optional, as in Xen's vmx_init_vmcs_config: without it WBINVD runs in the guest.
        let wbinvd_possible =
            allowed1::<SecondaryControls>(m.secondary).contains(SecondaryControls::WBINVD_EXITING);
        want2.set(SecondaryControls::WBINVD_EXITING, wbinvd_possible);
        let secondary = adjust_controls(want2, SecondaryControls::empty(), m.secondary)
            .map_err(|_| "VMX without EPT and unrestricted guest")?;
        let exit = adjust_controls(
            ExitControls::HOST_ADDRESS_SPACE_SIZE
                | ExitControls::SAVE_PAT
                | ExitControls::LOAD_PAT
                | ExitControls::SAVE_EFER
                | ExitControls::LOAD_EFER,
            ExitControls::empty(),
            m.exit,
        )
        .map_err(|_| "VMX without 64-bit hosts or EFER/PAT switching")?;
        let entry = adjust_controls(
            EntryControls::LOAD_PAT | EntryControls::LOAD_EFER,
            EntryControls::IA32E_MODE_GUEST,
            m.entry,
        )
        .map_err(|_| "VMX without EFER/PAT loading")?;
        Ok(VmxControls {
            revision: (m.basic & 0x7fff_ffff) as u32,
            pin,
            cpu,
            secondary,
            exit,
            entry,
            cr0_fixed: m.cr_fixed[0] & !(CR0_PE | CR0_PG),
            cr4_fixed: m.cr_fixed[2],
            ept_2mb: cap & EPT_CAP_2MB != 0,
            ept_1gb: cap & EPT_CAP_1GB != 0,
            invept_single: cap & EPT_CAP_INVEPT_SINGLE != 0,
            vpid: vpid_possible,
        })
    }
}

/// Whether CPUID says this CPU has VMX (leaf 1, ECX bit 5).
pub fn cpu_has_vmx() -> bool {
    msr::cpu_features()
        .get_feature_info()
        .is_some_and(|f| f.has_vmx())
}

/// Reads the capability MSRs.
#[cfg(target_os = "none")]
pub fn read_msrs() -> VmxMsrs {
    // SAFETY: the caller checked CPUID for VMX, so the VMX capability MSRs exist (the TRUE_ ones
    // only when IA32_VMX_BASIC bit 55 says so, and the secondary/EPT ones only when the primary
    // controls allow secondary controls, which `from_msrs` requires anyway: reading them on a CPU
    // without is avoided below).
    unsafe {
        let basic = msr::rdmsr(IA32_VMX_BASIC);
        let true_ctls = basic & (1 << 55) != 0;
        let ctl =
            |(plain, true_msr): (u32, u32)| msr::rdmsr(if true_ctls { true_msr } else { plain });
        let cpu = ctl(CONTROL_MSRS[1]);
        let has_secondary = allowed1::<CpuControls>(cpu).contains(CpuControls::ACTIVATE_SECONDARY);
        let secondary = if has_secondary {
            msr::rdmsr(IA32_VMX_PROCBASED_CTLS2)
        } else {
            0
        };
        let ept_vpid_cap = if has_secondary
            && allowed1::<SecondaryControls>(secondary).contains(SecondaryControls::ENABLE_EPT)
        {
            msr::rdmsr(IA32_VMX_EPT_VPID_CAP)
        } else {
            0
        };
        VmxMsrs {
            basic,
            pin: ctl(CONTROL_MSRS[0]),
            cpu,
            exit: ctl(CONTROL_MSRS[2]),
            entry: ctl(CONTROL_MSRS[3]),
            secondary,
            ept_vpid_cap,
            cr_fixed: CR_FIXED_MSRS.map(|m| msr::rdmsr(m)),
        }
    }
}

/// A 4 KiB page for the hardware (VMXON region, VMCS, bitmaps).
#[repr(C, align(4096))]
pub struct Page(pub [u8; 4096]);

impl Default for Page {
    fn default() -> Self {
        Page([0; 4096])
    }
}

impl Page {
    /// Its physical address (the xenheap is identity-mapped).
    fn paddr(&self) -> u64 {
        self as *const Page as u64
    }
}

/// The controls, once VMX is on.
static CONTROLS: spin::Once<VmxControls> = spin::Once::new();

/// The controls [`enable`] settled on.
pub fn controls() -> Option<&'static VmxControls> {
    CONTROLS.get()
}

/// Turns VMX on for this CPU (Xen's `_vmx_cpu_up`): IA32_FEATURE_CONTROL, the CR0/CR4 bits VMX
/// operation requires, and VMXON.
#[cfg(target_os = "none")]
pub fn enable() -> Result<&'static VmxControls, &'static str> {
    static VMXON_REGION: spin::Once<Box<Page>> = spin::Once::new();
    let controls = VmxControls::from_msrs(&read_msrs())?;
    // SAFETY: VMX exists (the caller checked CPUID). IA32_FEATURE_CONTROL exists with VMX; it is
    // written only when unlocked, with the lock and VMX-outside-SMX bits. CR0/CR4 gain only the
    // bits VMX operation requires (NE, VMXE), which change nothing else for the hypervisor.
    // VMXON takes a page that lives for the rest of the hypervisor's life, holding the revision.
    unsafe {
        let feature = msr::rdmsr(IA32_FEATURE_CONTROL);
        if feature & 1 != 0 && feature & (1 << 2) == 0 {
            return Err("VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked)");
        }
        if feature & 1 == 0 {
            msr::wrmsr(IA32_FEATURE_CONTROL, feature | 1 | (1 << 2));
        }
        let cr0 = read_cr0() | controls.cr0_fixed;
        crate::cpu::write_cr0(cr0);
        let cr4 = read_cr4() | controls.cr4_fixed | CR4_VMXE;
        crate::cpu::write_cr4(cr4);
        let region = VMXON_REGION.call_once(|| Box::new(Page::default()));
        let pa = region.paddr();
        core::ptr::write_volatile(pa as *mut u32, controls.revision);
        let fail: u8;
        core::arch::asm!("vmxon qword ptr [{}]", "setna {}", in(reg) &pa, out(reg_byte) fail,
                         options(nostack));
        if fail != 0 {
            return Err("VMXON failed");
        }
    }
    Ok(CONTROLS.call_once(|| controls))
}

/// VPIDs handed out so far; 0 is the host's.
static NEXT_VPID: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);

/// A VPID of its own for a new vCPU; `None` once the 16-bit space is used up (the vCPU then
/// runs without one: every entry and exit flushes its linear translations).
fn allocate_vpid() -> Option<u16> {
    use core::sync::atomic::Ordering;
    NEXT_VPID
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < 0xffff).then_some(n + 1)
        })
        .ok()
        .map(|n| n as u16)
}

/// MSRs the guest reaches directly: the VMCS switches FS/GS base and SYSENTER; the SYSCALL MSRs
/// and KERNEL_GS_BASE are switched by software around each entry.
const PASSTHROUGH_MSRS: [u32; 10] = [
    0xc000_0100, // FS_BASE
    0xc000_0101, // GS_BASE
    0xc000_0102, // KERNEL_GS_BASE
    0xc000_0081, // STAR
    0xc000_0082, // LSTAR
    0xc000_0083, // CSTAR
    0xc000_0084, // SFMASK
    0x174,       // SYSENTER_CS
    0x175,       // SYSENTER_ESP
    0x176,       // SYSENTER_EIP
];

/// The MSRs switched by software, in [`VmxVcpu::syscall_msrs`] order.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
const SOFTWARE_SWITCHED_MSRS: [u32; 5] = [
    0xc000_0102,
    0xc000_0081,
    0xc000_0082,
    0xc000_0083,
    0xc000_0084,
];

/// The MSR bitmaps (SDM 24.6.9): read-low, read-high, write-low, write-high, 1 KiB each; a set
/// bit makes the access exit.
fn allow_msr(bitmap: &mut Page, msr: u32) {
    let (base, index) = match msr {
        0..=0x1fff => (0, msr),
        0xc000_0000..=0xc000_1fff => (1024, msr - 0xc000_0000),
        _ => return,
    };
    for half in [0, 2048] {
        let byte = half + base + (index / 8) as usize;
        bitmap.0[byte] &= !(1 << (index % 8));
    }
}

/// The guest's general registers as the entry code loads and stores them: RAX after the rest.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VmxGprs {
    /// RBX to R15.
    pub regs: GuestRegs,
    /// RAX (in the VMCB on SVM; nowhere in the VMCS on VMX).
    pub rax: u64,
}

/// One vCPU on VMX.
pub struct VmxVcpu {
    /// The software copy of the VMCS.
    pub vmcs: Vmcs,
    /// The hardware VMCS region.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    region: Box<Page>,
    /// The guest's general registers.
    pub gprs: VmxGprs,
    /// KERNEL_GS_BASE, STAR, LSTAR, CSTAR, SFMASK.
    pub syscall_msrs: [u64; 5],
    msr_bitmap: Box<Page>,
    io_bitmaps: Box<[Page; 2]>,
    /// VMLAUNCH done: the next entry is a VMRESUME.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    launched: bool,
    /// Guest translations to invalidate before the next entry.
    #[cfg_attr(not(target_os = "none"), allow(dead_code))]
    flush_pending: bool,
    controls: VmxControls,
    /// x87/SSE/AVX state and XCR0.
    xstate: Xstate,
}

/// Ports the hypervisor keeps even from dom0 (as on SVM).
pub use crate::svm::HYPERVISOR_PORTS;

impl VmxVcpu {
    /// A vCPU in the PVH entry state (docs/misc/pvh.pandoc): 32-bit protected mode, paging off,
    /// flat CS/DS/ES/SS, CR0 = PE|ET (as the guest sees it), EBX = `start_info`, at `entry`, on
    /// the EPT table rooted at `ept_root`.
    pub fn new_pvh(controls: &VmxControls, entry: u32, start_info: u32, ept_root: u64) -> Self {
        let mut msr_bitmap = Box::new(Page([0xff; 4096]));
        for m in PASSTHROUGH_MSRS {
            allow_msr(&mut msr_bitmap, m);
        }
        let io_bitmaps = Box::new([Page([0xff; 4096]), Page([0xff; 4096])]);
        let mut c = *controls;
        let vpid = if c.vpid { allocate_vpid() } else { None };
        if vpid.is_none() {
            c.secondary.remove(SecondaryControls::ENABLE_VPID);
        }
        let mut v = Vmcs::default();
        v.write(field::PIN_BASED_CONTROLS, u64::from(c.pin.bits()));
        v.write(field::CPU_BASED_CONTROLS, u64::from(c.cpu.bits()));
        v.write(field::SECONDARY_CONTROLS, u64::from(c.secondary.bits()));
        v.write(field::EXIT_CONTROLS, u64::from(c.exit.bits()));
        v.write(field::ENTRY_CONTROLS, u64::from(c.entry.bits()));
        v.write(field::EXCEPTION_BITMAP, 0);
        // No page-fault filtering, CR3-target values, or MSR load/store lists.
        for f in [
            field::PAGE_FAULT_ERROR_CODE_MASK,
            field::PAGE_FAULT_ERROR_CODE_MATCH,
            field::CR3_TARGET_COUNT,
            field::EXIT_MSR_STORE_COUNT,
            field::EXIT_MSR_LOAD_COUNT,
            field::ENTRY_MSR_LOAD_COUNT,
        ] {
            v.write(f, 0);
        }
        v.write(field::VPID, u64::from(vpid.unwrap_or(0)));
        // Write-back paging structures, a 4-level walk (Xen's `ept_get_eptp`).
        v.write(field::EPT_POINTER, ept_root | (3 << 3) | 6);
        v.write(field::MSR_BITMAP, msr_bitmap.paddr());
        v.write(field::IO_BITMAP_A, io_bitmaps[0].paddr());
        v.write(field::IO_BITMAP_B, io_bitmaps[1].paddr());
        v.write(field::VMCS_LINK_POINTER, u64::MAX);
        v.write(field::CR0_GUEST_HOST_MASK, c.cr0_fixed);
        // The bits VMX needs, and every bit the guest's CPUID does not offer, so that setting
        // one exits to `hvm_set_cr4`'s checks (Xen's vmx `cr4_host_mask`).
        v.write(
            field::CR4_GUEST_HOST_MASK,
            c.cr4_fixed | CR4_VMXE | !crate::hvm_exit::guest_cr4_valid_bits(),
        );

        v.set_segment(Seg::Cs, 0, 0, 0xffff_ffff, 0xc09b);
        for s in [Seg::Ds, Seg::Es, Seg::Ss, Seg::Fs, Seg::Gs] {
            v.set_segment(s, 0, 0, 0xffff_ffff, 0xc093);
        }
        v.set_segment(Seg::Tr, 0, 0, 0x67, 0x8b);
        v.set_segment(Seg::Ldtr, 0, 0, 0, 1 << 16);
        v.write(field::GUEST_GDTR_BASE, 0);
        v.write(field::GUEST_GDTR_LIMIT, 0);
        v.write(field::GUEST_IDTR_BASE, 0);
        v.write(field::GUEST_IDTR_LIMIT, 0);
        v.write(field::GUEST_DR7, 0x400);
        v.write(field::GUEST_RSP, 0);
        v.write(field::GUEST_RIP, u64::from(entry));
        v.write(field::GUEST_RFLAGS, 0x2);
        v.write(field::GUEST_CR3, 0);
        v.write(field::GUEST_EFER, 0);
        v.write(field::GUEST_PAT, PAT_RESET);
        v.write(field::GUEST_SYSENTER_CS, 0);
        v.write(field::GUEST_SYSENTER_ESP, 0);
        v.write(field::GUEST_SYSENTER_EIP, 0);
        v.write(field::GUEST_INTERRUPTIBILITY, 0);
        v.write(field::GUEST_ACTIVITY_STATE, 0);
        v.write(field::GUEST_PENDING_DBG_EXCEPTIONS, 0);
        v.write(field::ENTRY_INTR_INFO, 0);
        let mut vcpu = VmxVcpu {
            vmcs: v,
            region: Box::new(Page::default()),
            gprs: VmxGprs {
                regs: GuestRegs {
                    rbx: u64::from(start_info),
                    ..Default::default()
                },
                rax: 0,
            },
            syscall_msrs: [0; 5],
            msr_bitmap,
            io_bitmaps,
            launched: false,
            flush_pending: true,
            controls: c,
            xstate: Xstate::new(),
        };
        vcpu.set_cr0(0x11);
        vcpu.set_cr4(0);
        vcpu
    }

    /// Lets dom0 reach the I/O ports, except the hypervisor's own.
    pub fn allow_hardware_io(&mut self) {
        for page in self.io_bitmaps.iter_mut() {
            page.0.fill(0);
        }
        for (first, last) in HYPERVISOR_PORTS {
            for port in first..=last {
                let page = &mut self.io_bitmaps[usize::from(port >> 15)];
                let bit = usize::from(port & 0x7fff);
                page.0[bit / 8] |= 1 << (bit % 8);
            }
        }
    }

    /// Whether an access to `port` exits.
    pub fn intercepts_port(&self, port: u16) -> bool {
        let page = &self.io_bitmaps[usize::from(port >> 15)];
        let bit = usize::from(port & 0x7fff);
        page.0[bit / 8] & (1 << (bit % 8)) != 0
    }

    /// Whether an MSR access exits.
    pub fn intercepts_msr(&self, msr: u32, write: bool) -> bool {
        let (base, index) = match msr {
            0..=0x1fff => (0, msr),
            0xc000_0000..=0xc000_1fff => (1024, msr - 0xc000_0000),
            _ => return true,
        };
        let byte = if write { 2048 } else { 0 } + base + (index / 8) as usize;
        self.msr_bitmap.0[byte] & (1 << (index % 8)) != 0
    }

    /// The guest's CR0 as it set it: the real one carries the bits VMX requires, the read shadow
    /// what the guest wrote.
    fn set_cr0(&mut self, value: u64) {
        self.vmcs.write(field::CR0_READ_SHADOW, value);
        self.vmcs
            .write(field::GUEST_CR0, value | self.controls.cr0_fixed);
    }

    /// The guest's CR4 likewise (VMXE is always set in the real one, never seen).
    fn set_cr4(&mut self, value: u64) {
        self.vmcs.write(field::CR4_READ_SHADOW, value);
        self.vmcs
            .write(field::GUEST_CR4, value | self.controls.cr4_fixed | CR4_VMXE);
    }

    /// A vCPU in the state the toolstack loaded with XEN_DOMCTL_sethvmcontext (Xen's
    /// `vmx_load_cpu_state` / `vmx_vmcs_restore`), on the EPT table rooted at `ept_root`.
    pub fn from_context(controls: &VmxControls, ctx: &HvmVcpuContext, ept_root: u64) -> Self {
        let mut v = Self::new_pvh(controls, ctx.rip as u32, ctx.rbx as u32, ept_root);
        for (seg, s) in [
            (Seg::Cs, &ctx.cs),
            (Seg::Ds, &ctx.ds),
            (Seg::Es, &ctx.es),
            (Seg::Fs, &ctx.fs),
            (Seg::Gs, &ctx.gs),
            (Seg::Ss, &ctx.ss),
            (Seg::Tr, &ctx.tr),
            (Seg::Ldtr, &ctx.ldtr),
        ] {
            v.vmcs
                .set_segment(seg, s.sel, s.base, s.limit, ar_from_attr(s.attr));
        }
        let m = &mut v.vmcs;
        m.write(field::GUEST_GDTR_BASE, ctx.gdtr.base);
        m.write(field::GUEST_GDTR_LIMIT, u64::from(ctx.gdtr.limit));
        m.write(field::GUEST_IDTR_BASE, ctx.idtr.base);
        m.write(field::GUEST_IDTR_LIMIT, u64::from(ctx.idtr.limit));
        m.write(field::GUEST_CR3, ctx.cr3);
        m.write(field::GUEST_EFER, ctx.efer);
        m.write(field::GUEST_RFLAGS, ctx.rflags | 2);
        m.write(field::GUEST_RIP, ctx.rip);
        m.write(field::GUEST_RSP, ctx.rsp);
        m.write(field::GUEST_DR7, ctx.dr7);
        m.write(field::GUEST_SYSENTER_CS, ctx.sysenter_cs);
        m.write(field::GUEST_SYSENTER_ESP, ctx.sysenter_esp);
        m.write(field::GUEST_SYSENTER_EIP, ctx.sysenter_eip);
        let mut entry = v.controls.entry;
        entry.set(EntryControls::IA32E_MODE_GUEST, ctx.efer & EFER_LMA != 0);
        m.write(field::ENTRY_CONTROLS, u64::from(entry.bits()));
        v.set_cr0(ctx.cr0);
        v.set_cr4(ctx.cr4);
        v.syscall_msrs = [
            ctx.shadow_gs,
            ctx.star,
            ctx.lstar,
            ctx.cstar,
            ctx.syscall_mask,
        ];
        v.gprs = VmxGprs {
            regs: GuestRegs {
                rbx: ctx.rbx,
                rcx: ctx.rcx,
                rdx: ctx.rdx,
                rsi: ctx.rsi,
                rdi: ctx.rdi,
                rbp: ctx.rbp,
                r8: ctx.r8,
                r9: ctx.r9,
                r10: ctx.r10,
                r11: ctx.r11,
                r12: ctx.r12,
                r13: ctx.r13,
                r14: ctx.r14,
                r15: ctx.r15,
            },
            rax: ctx.rax,
        };
        v
    }

    /// Decodes the exit the software VMCS holds (SDM appendix C).
    pub fn decode_exit(&self) -> VmExit {
        let exit_reason = self.vmcs.read(field::EXIT_REASON) as u32;
        let qual = self.vmcs.read(field::EXIT_QUALIFICATION);
        if exit_reason & EXIT_REASON_FAILED_ENTRY != 0 {
            return VmExit::InvalidState;
        }
        match exit_reason & 0xffff {
            // Only NMIs exit here (the exception bitmap is empty).
            reason::EXCEPTION_NMI | reason::EXTERNAL_INTERRUPT => VmExit::ExternalInterrupt,
            reason::TRIPLE_FAULT => VmExit::TripleFault,
            reason::INTERRUPT_WINDOW => VmExit::InterruptWindow,
            reason::CPUID => VmExit::Cpuid,
            reason::HLT => VmExit::Hlt,
            reason::INVD | reason::WBINVD => VmExit::CacheFlush,
            reason::MWAIT | reason::MONITOR => VmExit::MonitorMwait,
            // A MOV to CR4 (access type 0) that touched a bit the guest may not own:
            // checked by the common code (`hvm_set_cr4`); CR0 is handled here (`cr_access`).
            reason::CR_ACCESS if qual & 0xf == 4 && (qual >> 4) & 3 == 0 => VmExit::Cr4Write {
                gpr: Some(((qual >> 8) & 0xf) as u8),
            },
            reason::VMCALL => VmExit::Hypercall,
            reason::XSETBV => VmExit::Xsetbv,
            reason::VMCLEAR..=reason::VMXON | reason::INVEPT | reason::INVVPID => {
                VmExit::VirtualisationInstruction
            }
            reason::IO_INSTRUCTION => VmExit::Io {
                port: (qual >> 16) as u16,
                size: match qual & 7 {
                    0 => 1,
                    1 => 2,
                    _ => 4,
                },
                input: qual & (1 << 3) != 0,
                string: qual & (1 << 4) != 0,
            },
            reason::RDMSR => VmExit::Msr { write: false },
            reason::WRMSR => VmExit::Msr { write: true },
            reason::EPT_VIOLATION => VmExit::NestedPageFault {
                gpa: self.vmcs.read(field::GUEST_PHYSICAL_ADDRESS),
                access: FaultAccess {
                    present: qual & 0b11_1000 != 0,
                    write: qual & 2 != 0,
                    exec: qual & 4 != 0,
                },
            },
            reason::EPT_MISCONFIG => VmExit::EptMisconfig {
                gpa: self.vmcs.read(field::GUEST_PHYSICAL_ADDRESS),
            },
            reason::INVALID_GUEST_STATE | reason::MSR_LOADING | reason::MACHINE_CHECK => {
                VmExit::InvalidState
            }
            other => VmExit::Other(u64::from(other)),
        }
    }

    /// A MOV to CR0 or CR4 that changed a bit the hypervisor owns (an exit with reason
    /// CR_ACCESS, Xen's `vmx_cr_access`): the read shadow takes the guest's value, the real
    /// register keeps the required bits, and turning paging on or off with EFER.LME set moves
    /// EFER.LMA and the IA-32e entry control as the CPU would have. Returns `false` for what is
    /// refused (#GP: setting CR4.VMXE, which the guest was told does not exist) or not handled.
    pub fn cr_access(&mut self) -> bool {
        let qual = self.vmcs.read(field::EXIT_QUALIFICATION);
        let cr = qual & 0xf;
        let access = (qual >> 4) & 3;
        let gpr = (qual >> 8) & 0xf;
        if access != 0 {
            return false;
        }
        let value = match gpr {
            0 => self.gprs.rax,
            4 => self.vmcs.read(field::GUEST_RSP),
            n => self.gprs.regs.gpr_mut(n as u8).map_or(0, |r| *r),
        };
        match cr {
            0 => {
                let old = self.vmcs.read(field::CR0_READ_SHADOW);
                let efer = self.vmcs.read(field::GUEST_EFER);
                let mut entry = self.vmcs.read(field::ENTRY_CONTROLS);
                if old & CR0_PG == 0 && value & CR0_PG != 0 && efer & EFER_LME != 0 {
                    self.vmcs.write(field::GUEST_EFER, efer | EFER_LMA);
                    entry |= u64::from(EntryControls::IA32E_MODE_GUEST.bits());
                } else if old & CR0_PG != 0 && value & CR0_PG == 0 && efer & EFER_LMA != 0 {
                    self.vmcs.write(field::GUEST_EFER, efer & !EFER_LMA);
                    entry &= !u64::from(EntryControls::IA32E_MODE_GUEST.bits());
                }
                self.vmcs.write(field::ENTRY_CONTROLS, entry);
                self.set_cr0(value);
            }
            4 => {
                if value & CR4_VMXE != 0 {
                    return false;
                }
                self.set_cr4(value);
            }
            _ => return false,
        }
        HvmVcpu::skip_instruction(self, 3);
        true
    }
}

/// The hypercall instruction Xen's VMX hypercall page uses (`vmcall`).
pub const VMCALL: [u8; 3] = [0x0f, 0x01, 0xc1];

impl HvmVcpu for VmxVcpu {
    #[cfg(target_os = "none")]
    fn run(&mut self) -> VmExit {
        self.xstate.load();
        loop {
            if let Err(error) = self.enter() {
                crate::printk!("VMX: VM entry failed: VM-instruction error {error}\n");
                return VmExit::InvalidState;
            }
            let exit = self.decode_exit();
            if let VmExit::Other(code) = exit {
                if code == u64::from(reason::CR_ACCESS) {
                    if self.cr_access() {
                        continue;
                    }
                    self.inject_exception(13, Some(0));
                    continue;
                }
                if code == u64::from(reason::INIT) {
                    // vmx_vmexit_handler: "Error: INIT received - ignoring".
                    crate::printk!("Error: INIT received - ignoring\n");
                    continue;
                }
            }
            return exit;
        }
    }

    #[cfg(not(target_os = "none"))]
    fn run(&mut self) -> VmExit {
        unreachable!("guests only run on the bare-metal hypervisor")
    }

    fn regs(&mut self) -> &mut GuestRegs {
        &mut self.gprs.regs
    }

    fn rax(&self) -> u64 {
        self.gprs.rax
    }

    fn set_rax(&mut self, value: u64) {
        self.gprs.rax = value;
    }

    fn rip(&self) -> u64 {
        self.vmcs.read(field::GUEST_RIP)
    }

    fn rflags(&self) -> u64 {
        self.vmcs.read(field::GUEST_RFLAGS)
    }

    /// The VM-exit instruction length, when the exit gave one.
    fn skip_instruction(&mut self, len: u64) {
        let given = self.vmcs.read(field::EXIT_INSTRUCTION_LEN);
        let len = if (1..=15).contains(&given) {
            given
        } else {
            len
        };
        self.advance_rip(len);
    }

    /// EPT violations give no instruction length: `len` is the decoder's.
    fn advance_rip(&mut self, len: u64) {
        let rip = self.vmcs.read(field::GUEST_RIP);
        self.vmcs.write(field::GUEST_RIP, rip.wrapping_add(len));
        // The next instruction runs outside any STI or MOV SS shadow (Xen's
        // `__update_guest_eip`): `sti; hlt` must take its interrupt at once.
        let blocking = self.vmcs.read(field::GUEST_INTERRUPTIBILITY);
        if blocking & 0b11 != 0 {
            self.vmcs
                .write(field::GUEST_INTERRUPTIBILITY, blocking & !0b11);
        }
    }

    /// EFER.LMA and CS.L.
    fn in_long_mode(&self) -> bool {
        self.vmcs.read(field::GUEST_EFER) & EFER_LMA != 0
            && self.vmcs.segment_ar(Seg::Cs) & (1 << 13) != 0
    }

    /// SS.DPL (Xen's `vmx_get_cpl`).
    fn cpl(&self) -> u8 {
        ((self.vmcs.segment_ar(Seg::Ss) >> 5) & 3) as u8
    }

    fn paging_state(&self) -> PagingState {
        PagingState {
            cr0: self.vmcs.read(field::GUEST_CR0),
            cr3: self.vmcs.read(field::GUEST_CR3),
            cr4: self.vmcs.read(field::GUEST_CR4),
            efer: self.vmcs.read(field::GUEST_EFER),
        }
    }

    fn guest_efer(&self) -> u64 {
        self.vmcs.read(field::GUEST_EFER)
    }

    /// LMA stays as the CPU keeps it.
    fn set_guest_efer(&mut self, value: u64) -> bool {
        if value & !EFER_GUEST_BITS & !EFER_LMA != 0 {
            return false;
        }
        let current = self.vmcs.read(field::GUEST_EFER);
        self.vmcs.write(
            field::GUEST_EFER,
            (value & EFER_GUEST_BITS) | (current & EFER_LMA),
        );
        true
    }

    fn guest_pat(&self) -> u64 {
        self.vmcs.read(field::GUEST_PAT)
    }

    fn set_guest_pat(&mut self, value: u64) {
        self.vmcs.write(field::GUEST_PAT, value);
    }

    fn set_guest_cr4(&mut self, value: u64) {
        self.set_cr4(value);
    }

    /// INVEPT before the next entry.
    fn flush_guest_tlb(&mut self) {
        self.flush_pending = true;
    }

    fn inject_exception(&mut self, vector: u8, error_code: Option<u32>) {
        // Valid, type 3 (hardware exception).
        let mut info = (1u64 << 31) | (3 << 8) | u64::from(vector);
        if let Some(code) = error_code {
            info |= 1 << 11;
            self.vmcs
                .write(field::ENTRY_EXCEPTION_ERROR_CODE, u64::from(code));
        }
        self.vmcs.write(field::ENTRY_INTR_INFO, info);
    }

    fn interrupts_deliverable(&self) -> bool {
        self.vmcs.read(field::GUEST_RFLAGS) & (1 << 9) != 0
            && self.vmcs.read(field::GUEST_INTERRUPTIBILITY) & 0b11 == 0
            && self.vmcs.read(field::ENTRY_INTR_INFO) & (1 << 31) == 0
    }

    fn inject_interrupt(&mut self, vector: u8) {
        self.vmcs
            .write(field::ENTRY_INTR_INFO, u64::from(vector) | (1 << 31));
    }

    /// Interrupt-window exiting (Xen's `vmx_enable_intr_window`).
    fn request_interrupt_window(&mut self, on: bool) {
        let controls = self.vmcs.read(field::CPU_BASED_CONTROLS);
        let window = u64::from(CpuControls::INTERRUPT_WINDOW_EXITING.bits());
        let wanted = if on {
            controls | window
        } else {
            controls & !window
        };
        if wanted != controls {
            self.vmcs.write(field::CPU_BASED_CONTROLS, wanted);
        }
    }

    fn hypercall_instruction(&self) -> [u8; 3] {
        VMCALL
    }

    fn xstate(&mut self) -> &mut Xstate {
        &mut self.xstate
    }

    fn dump_state(&self, domid: u16, vcpu: u32) {
        crate::hvm_exit::dump_registers(
            domid,
            vcpu,
            self,
            &self.gprs.regs,
            [
                self.vmcs.read(field::EXIT_REASON),
                self.vmcs.read(field::EXIT_QUALIFICATION),
                self.vmcs.read(field::GUEST_PHYSICAL_ADDRESS),
                self.vmcs.read(field::IDT_VECTORING_INFO),
            ],
            self.vmcs.segment_selector(Seg::Cs),
            self.vmcs.read(field::GUEST_RSP),
        );
    }
}

/// The fields an exit changes that the vCPU code reads: read back after every exit.
#[cfg_attr(not(target_os = "none"), allow(dead_code))]
const EXIT_FIELDS: [u32; 20] = [
    field::EXIT_REASON,
    field::EXIT_QUALIFICATION,
    field::GUEST_PHYSICAL_ADDRESS,
    field::EXIT_INSTRUCTION_LEN,
    field::EXIT_INTR_INFO,
    field::IDT_VECTORING_INFO,
    field::IDT_VECTORING_ERROR_CODE,
    field::GUEST_RIP,
    field::GUEST_RSP,
    field::GUEST_RFLAGS,
    field::GUEST_CR0,
    field::GUEST_CR3,
    field::GUEST_CR4,
    field::GUEST_EFER,
    field::GUEST_PAT,
    field::ENTRY_CONTROLS,
    field::GUEST_ES_AR + 2,       // CS
    field::GUEST_ES_AR + 4,       // SS
    field::GUEST_ES_SELECTOR + 2, // CS selector
    field::GUEST_INTERRUPTIBILITY,
];

#[cfg(target_os = "none")]
impl VmxVcpu {
    /// One VM entry and exit: make this VMCS current, write what changed, invalidate stale
    /// translations, switch the software-switched MSRs, VMLAUNCH or VMRESUME, then read back
    /// the exit. `Err` carries the VM-instruction error of a failed entry.
    fn enter(&mut self) -> Result<(), u64> {
        let pa = self.region.paddr();
        // SAFETY: VMX is on (`enable`); the region is this vCPU's page, holding the revision
        // identifier from its first use; VMCLEAR before the first VMPTRLD puts it in the clear
        // state VMLAUNCH needs.
        unsafe {
            if !self.launched {
                core::ptr::write_volatile(pa as *mut u32, self.controls.revision);
                vmx_insn("vmclear", pa)?;
            }
            vmx_insn("vmptrld", pa)?;
            if !self.launched {
                self.write_host_state();
            }
        }
        if self.flush_pending {
            // SAFETY: INVEPT with this vCPU's EPT pointer (single-context) or all contexts; it
            // only drops cached translations.
            unsafe {
                let eptp = self.vmcs.read(field::EPT_POINTER);
                invept(if self.controls.invept_single { 1 } else { 2 }, eptp);
            }
            self.flush_pending = false;
        }
        for (f, value) in self.vmcs.take_dirty() {
            // SAFETY: this VMCS is current; every field written is one the software copy was
            // given by this module, with a value the checks at entry judge.
            unsafe { vmwrite(f, value) }?;
        }
        // SAFETY: the MSRs exist on every x86-64 CPU; the hypervisor itself never uses SYSCALL
        // or SWAPGS, so the guest's values may stay loaded while it runs.
        unsafe {
            for (m, v) in SOFTWARE_SWITCHED_MSRS.iter().zip(self.syscall_msrs) {
                msr::wrmsr(*m, v);
            }
        }
        // SAFETY: the current VMCS describes a valid guest (checked by the CPU at entry) and a
        // host state written by `write_host_state`; `vmx_enter` saves every callee-saved
        // register, sets HOST_RSP/HOST_RIP to its own frame and exit label, and returns there.
        let rc = unsafe { vmx_enter(&mut self.gprs, u64::from(self.launched)) };
        if rc != 0 {
            let error = if rc == 2 {
                // SAFETY: reading the VM-instruction error of the current VMCS.
                unsafe { vmread(field::VM_INSTRUCTION_ERROR) }
            } else {
                0
            };
            return Err(error);
        }
        self.launched = true;
        // SAFETY: as above.
        unsafe {
            for (i, m) in SOFTWARE_SWITCHED_MSRS.iter().enumerate() {
                self.syscall_msrs[i] = msr::rdmsr(*m);
            }
            for f in EXIT_FIELDS {
                self.vmcs.set(f, vmread(f));
            }
        }
        // The CPU clears the entry's event injection at every exit.
        self.vmcs.set(field::ENTRY_INTR_INFO, 0);
        self.requeue_interrupted_event();
        Ok(())
    }

    /// An event the exit cut off in delivery (IDT-vectoring information) is queued again, with
    /// its error code (Xen's `vmx_idtv_reinject`), so an interrupt or exception is never lost to,
    /// say, an EPT violation on the guest's IDT.
    fn requeue_interrupted_event(&mut self) {
        let info = self.vmcs.read(field::IDT_VECTORING_INFO);
        let valid = info & (1 << 31) != 0;
        if !valid || !crate::vcpu::event_needs_reinjection(((info >> 8) & 7) as u8, info as u8) {
            return;
        }
        // Bit 12 (NMI unblocking by IRET) is reserved in the entry field.
        self.vmcs.write(field::ENTRY_INTR_INFO, info & !(1 << 12));
        if info & (1 << 11) != 0 {
            let code = self.vmcs.read(field::IDT_VECTORING_ERROR_CODE);
            self.vmcs.write(field::ENTRY_EXCEPTION_ERROR_CODE, code);
        }
    }

    /// The host state (Xen's `vmx_set_host_env` and `construct_vmcs`): this CPU's control
    /// registers, selectors, descriptor tables, TSS, SYSENTER MSRs, EFER and PAT.
    ///
    /// # Safety
    /// The VMCS must be current.
    unsafe fn write_host_state(&mut self) {
        let gdt_base = x86_64::instructions::tables::sgdt().base.as_u64();
        let idt_base = x86_64::instructions::tables::sidt().base.as_u64();
        let tr: u16;
        // SAFETY: STR only stores the task register's selector.
        unsafe { core::arch::asm!("str {0:x}", out(reg) tr, options(nomem, nostack)) };
        // The TSS descriptor's base (a 16-byte system descriptor in the GDT).
        // SAFETY: the GDT is the hypervisor's own, identity-mapped, and `tr` indexes its TSS
        // descriptor.
        let tss_base = unsafe {
            let d = (gdt_base + u64::from(tr & !7)) as *const u64;
            let lo = core::ptr::read_volatile(d);
            let hi = core::ptr::read_volatile(d.add(1));
            ((lo >> 16) & 0xff_ffff) | (((lo >> 56) & 0xff) << 24) | ((hi & 0xffff_ffff) << 32)
        };
        let cs = u64::from(crate::gdt::HYPERVISOR_CS);
        let ds = u64::from(crate::gdt::HYPERVISOR_DS);
        let fields = [
            (field::HOST_CR0, read_cr0()),
            (field::HOST_CR3, read_cr3()),
            (field::HOST_CR4, read_cr4()),
            (field::HOST_CS_SELECTOR, cs),
            (field::HOST_SS_SELECTOR, ds),
            (field::HOST_DS_SELECTOR, ds),
            (field::HOST_ES_SELECTOR, ds),
            (field::HOST_FS_SELECTOR, 0),
            (field::HOST_GS_SELECTOR, 0),
            (field::HOST_TR_SELECTOR, u64::from(tr)),
            (field::HOST_TR_BASE, tss_base),
            (field::HOST_GDTR_BASE, gdt_base),
            (field::HOST_IDTR_BASE, idt_base),
        ];
        // SAFETY: the current VMCS is this vCPU's; the MSRs exist on every x86-64 CPU.
        unsafe {
            for (f, v) in fields {
                let _ = vmwrite(f, v);
            }
            let _ = vmwrite(field::HOST_FS_BASE, msr::rdmsr(0xc000_0100));
            let _ = vmwrite(field::HOST_GS_BASE, msr::rdmsr(0xc000_0101));
            let _ = vmwrite(field::HOST_SYSENTER_CS, msr::rdmsr(0x174));
            let _ = vmwrite(field::HOST_SYSENTER_ESP, msr::rdmsr(0x175));
            let _ = vmwrite(field::HOST_SYSENTER_EIP, msr::rdmsr(0x176));
            let _ = vmwrite(field::HOST_EFER, msr::rdmsr(msr::IA32_EFER));
            let _ = vmwrite(field::HOST_PAT, msr::rdmsr(0x277));
        }
        // A cleared VMCS holds nothing: every field of the software copy goes in.
        self.vmcs.mark_all_dirty();
    }
}

/// VMCLEAR or VMPTRLD of the region at `pa`.
///
/// # Safety
/// VMX must be on and `pa` a VMCS region holding the revision identifier.
#[cfg(target_os = "none")]
unsafe fn vmx_insn(which: &str, pa: u64) -> Result<(), u64> {
    let fail: u8;
    // SAFETY: per the caller; the instruction reads the 8-byte address at `&pa`.
    unsafe {
        if which == "vmclear" {
            core::arch::asm!("vmclear qword ptr [{}]", "setna {}", in(reg) &pa, out(reg_byte) fail,
                             options(nostack));
        } else {
            core::arch::asm!("vmptrld qword ptr [{}]", "setna {}", in(reg) &pa, out(reg_byte) fail,
                             options(nostack));
        }
    }
    if fail != 0 {
        Err(0)
    } else {
        Ok(())
    }
}

/// VMWRITE; `Err` with the VM-instruction error.
///
/// # Safety
/// A VMCS must be current.
#[cfg(target_os = "none")]
unsafe fn vmwrite(f: u32, value: u64) -> Result<(), u64> {
    let fail: u8;
    // SAFETY: per the caller; VMWRITE touches only the current VMCS.
    unsafe {
        core::arch::asm!("vmwrite {}, {}", "setna {}", in(reg) u64::from(f), in(reg) value,
                         out(reg_byte) fail, options(nostack));
    }
    if fail != 0 {
        // SAFETY: as above.
        Err(unsafe { vmread(field::VM_INSTRUCTION_ERROR) })
    } else {
        Ok(())
    }
}

/// VMREAD (0 if the field does not exist).
///
/// # Safety
/// A VMCS must be current.
#[cfg(target_os = "none")]
unsafe fn vmread(f: u32) -> u64 {
    let value: u64;
    // SAFETY: per the caller; VMREAD touches only the current VMCS.
    unsafe {
        core::arch::asm!("vmread {}, {}", out(reg) value, in(reg) u64::from(f),
                         options(nostack));
    }
    value
}

/// INVEPT of `kind` (1 single-context, 2 all contexts).
///
/// # Safety
/// VMX must be on.
#[cfg(target_os = "none")]
unsafe fn invept(kind: u64, eptp: u64) {
    let descriptor = [eptp, 0u64];
    // SAFETY: per the caller; INVEPT reads the 16-byte descriptor.
    unsafe {
        core::arch::asm!("invept {}, xmmword ptr [{}]", in(reg) kind, in(reg) descriptor.as_ptr(),
                         options(nostack));
    }
}

#[cfg(target_os = "none")]
extern "C" {
    /// Sets HOST_RSP and HOST_RIP, loads the guest's general registers, VMLAUNCH (`launched`
    /// 0) or VMRESUME, and on the exit stores them back. Returns 0 after an exit, 1 if the
    /// instruction failed with VMfailInvalid, 2 with VMfailValid.
    fn vmx_enter(gprs: *mut VmxGprs, launched: u64) -> u64;
}

#[cfg(target_os = "none")]
core::arch::global_asm!(
    r#"
    .text
    .global vmx_enter
vmx_enter:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    push rdi                    /* [rsp]: the registers' address */

    mov rax, {host_rsp}
    vmwrite rax, rsp
    mov rax, {host_rip}
    lea rdx, [rip + .Lvmx_exit]
    vmwrite rax, rdx

    cmp rsi, 0                  /* flags kept until the jump: mov leaves them alone */
    mov rax, rdi
    mov rbx, [rax + {rbx}]
    mov rcx, [rax + {rcx}]
    mov rdx, [rax + {rdx}]
    mov rsi, [rax + {rsi}]
    mov rdi, [rax + {rdi}]
    mov rbp, [rax + {rbp}]
    mov r8, [rax + {r8}]
    mov r9, [rax + {r9}]
    mov r10, [rax + {r10}]
    mov r11, [rax + {r11}]
    mov r12, [rax + {r12}]
    mov r13, [rax + {r13}]
    mov r14, [rax + {r14}]
    mov r15, [rax + {r15}]
    mov rax, [rax + {rax}]
    jne .Lvmx_resume
    vmlaunch
    jmp .Lvmx_failed
.Lvmx_resume:
    vmresume
.Lvmx_failed:
    /* Only a failed VMLAUNCH/VMRESUME gets here: CF (invalid) or ZF (valid, with an error). */
    mov eax, 2
    jz .Lvmx_return
    mov eax, 1
.Lvmx_return:
    /* Both ends: drop the registers' address, restore the callee-saved registers. */
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

.Lvmx_exit:
    /* The VM exit: RSP is HOST_RSP, RFLAGS cleared (IF too), every other register the guest's. */
    push rax
    mov rax, [rsp + 8]
    mov [rax + {rbx}], rbx
    mov [rax + {rcx}], rcx
    mov [rax + {rdx}], rdx
    mov [rax + {rsi}], rsi
    mov [rax + {rdi}], rdi
    mov [rax + {rbp}], rbp
    mov [rax + {r8}], r8
    mov [rax + {r9}], r9
    mov [rax + {r10}], r10
    mov [rax + {r11}], r11
    mov [rax + {r12}], r12
    mov [rax + {r13}], r13
    mov [rax + {r14}], r14
    mov [rax + {r15}], r15
    pop rcx
    mov [rax + {rax}], rcx
    xor eax, eax
    jmp .Lvmx_return
    "#,
    host_rsp = const field::HOST_RSP,
    host_rip = const field::HOST_RIP,
    rbx = const core::mem::offset_of!(VmxGprs, regs.rbx),
    rcx = const core::mem::offset_of!(VmxGprs, regs.rcx),
    rdx = const core::mem::offset_of!(VmxGprs, regs.rdx),
    rsi = const core::mem::offset_of!(VmxGprs, regs.rsi),
    rdi = const core::mem::offset_of!(VmxGprs, regs.rdi),
    rbp = const core::mem::offset_of!(VmxGprs, regs.rbp),
    r8 = const core::mem::offset_of!(VmxGprs, regs.r8),
    r9 = const core::mem::offset_of!(VmxGprs, regs.r9),
    r10 = const core::mem::offset_of!(VmxGprs, regs.r10),
    r11 = const core::mem::offset_of!(VmxGprs, regs.r11),
    r12 = const core::mem::offset_of!(VmxGprs, regs.r12),
    r13 = const core::mem::offset_of!(VmxGprs, regs.r13),
    r14 = const core::mem::offset_of!(VmxGprs, regs.r14),
    r15 = const core::mem::offset_of!(VmxGprs, regs.r15),
    rax = const core::mem::offset_of!(VmxGprs, rax),
);

#[cfg(test)]
mod tests {
    use super::*;

    /// CR0.NE.
    use crate::cpu::CR0_NE;

    /// Capability MSRs of a CPU with everything xen-rs needs (TRUE controls allowing 0 for CR3
    /// exiting), in the style of the SDM's appendix A.
    fn msrs() -> VmxMsrs {
        let all = |must: u32| (0xffff_ffffu64 << 32) | u64::from(must);
        VmxMsrs {
            basic: (1 << 55) | 0x12,
            pin: all(0x16),
            // The TRUE_PROCBASED value: CR3 load/store exiting may be 0.
            cpu: all(0x0400_6172),
            exit: all(0x36dff),
            entry: all(0x11ff),
            secondary: all(0),
            ept_vpid_cap: EPT_CAP_WALK4
                | EPT_CAP_WB
                | EPT_CAP_2MB
                | EPT_CAP_INVEPT
                | EPT_CAP_INVEPT_SINGLE,
            cr_fixed: [0x8000_0021, 0xffff_ffff, 0x2000, 0x3f_ffff],
        }
    }

    #[test]
    fn controls_come_from_the_capability_msrs() {
        let c = VmxControls::from_msrs(&msrs()).unwrap();
        assert_eq!(c.revision, 0x12);
        assert!(c.secondary.contains(
            SecondaryControls::UNRESTRICTED_GUEST
                | SecondaryControls::ENABLE_EPT
                | SecondaryControls::ENABLE_VPID
        ));
        assert!(!c
            .cpu
            .intersects(CpuControls::CR3_LOAD_EXITING | CpuControls::CR3_STORE_EXITING));
        assert!(c.cpu.contains(CpuControls::HLT_EXITING));
        assert!(!c.entry.contains(EntryControls::IA32E_MODE_GUEST));
        assert_eq!(
            c.cr0_fixed, CR0_NE,
            "PE and PG are free with unrestricted guest"
        );
        assert!(c.ept_2mb && !c.ept_1gb && c.invept_single);

        let mut no_ug = msrs();
        no_ug.secondary = u64::from(SecondaryControls::ENABLE_EPT.bits()) << 32;
        assert_eq!(
            VmxControls::from_msrs(&no_ug),
            Err("VMX without EPT and unrestricted guest")
        );
        let mut no_invept = msrs();
        no_invept.ept_vpid_cap &= !EPT_CAP_INVEPT;
        assert!(VmxControls::from_msrs(&no_invept).is_err());
    }

    #[test]
    fn the_pvh_entry_state_is_what_pvh_pandoc_says() {
        let c = VmxControls::from_msrs(&msrs()).unwrap();
        let v = VmxVcpu::new_pvh(&c, 0x10_0070, 0x2000, 0x5000);
        let m = &v.vmcs;
        assert_eq!(m.read(field::GUEST_RIP), 0x10_0070);
        assert_eq!(v.gprs.regs.rbx, 0x2000);
        assert_eq!(m.read(field::CR0_READ_SHADOW), 0x11, "the guest sees PE|ET");
        assert_eq!(m.read(field::GUEST_CR0), 0x31, "the CPU gets NE too");
        assert_eq!(m.read(field::CR4_READ_SHADOW), 0);
        assert_ne!(m.read(field::GUEST_CR4) & CR4_VMXE, 0);
        assert_eq!(m.segment_ar(Seg::Cs), 0xc09b);
        assert_eq!(m.segment_ar(Seg::Tr), 0x8b);
        assert_eq!(m.segment_ar(Seg::Ldtr), 1 << 16, "unusable");
        assert_eq!(m.read(field::EPT_POINTER), 0x5000 | 0x1e);
        assert_eq!(m.read(field::VMCS_LINK_POINTER), u64::MAX);
        assert_ne!(m.read(field::VPID), 0, "never the host's VPID");
        assert!(!v.in_long_mode());
        assert_eq!(v.cpl(), 0);
        // Every MSR exits but the switched ones; every port exits for a domU.
        assert!(v.intercepts_msr(0xc000_0080, true) && v.intercepts_msr(0x277, false));
        assert!(!v.intercepts_msr(0xc000_0082, true) && !v.intercepts_msr(0x175, false));
        assert!(v.intercepts_port(0xf4) && v.intercepts_port(0x80e9));
    }

    #[test]
    fn dom0_reaches_every_port_but_the_hypervisor_s() {
        let c = VmxControls::from_msrs(&msrs()).unwrap();
        let mut v = VmxVcpu::new_pvh(&c, 0, 0, 0);
        v.allow_hardware_io();
        assert!(!v.intercepts_port(0xf4) && !v.intercepts_port(0x60));
        assert!(v.intercepts_port(0x3f8) && v.intercepts_port(0x20) && v.intercepts_port(0xcf9));
        // dom0_setup_permissions' 0x61 (the PIT gate xen-rs calibrates with); setup_io_bitmap's
        // 0xcf8 and the denied 0xcfc-0xcff, for vPCI; 0xcfa-0xcfb reach the chipset.
        for port in [0x61, 0xcf8, 0xcfc, 0xcfd, 0xcfe, 0xcff] {
            assert!(v.intercepts_port(port), "{port:#x}");
        }
        assert!(
            !v.intercepts_port(0xcfa)
                && !v.intercepts_port(0xcfb)
                && !v.intercepts_port(0xcf7)
                && !v.intercepts_port(0xd00)
        );
    }

    #[test]
    fn exits_decode_to_vendor_neutral_reasons() {
        let c = VmxControls::from_msrs(&msrs()).unwrap();
        let mut v = VmxVcpu::new_pvh(&c, 0, 0, 0);
        let mut exit = |r: u32, qual: u64| {
            v.vmcs.set(field::EXIT_REASON, u64::from(r));
            v.vmcs.set(field::EXIT_QUALIFICATION, qual);
            v.vmcs.set(field::GUEST_PHYSICAL_ADDRESS, 0x1234_5000);
            v.decode_exit()
        };
        // A write to a present, read-only page.
        assert_eq!(
            exit(reason::EPT_VIOLATION, 0b00_1010),
            VmExit::NestedPageFault {
                gpa: 0x1234_5000,
                access: FaultAccess {
                    present: true,
                    write: true,
                    exec: false
                }
            }
        );
        assert_eq!(
            exit(reason::EPT_MISCONFIG, 0),
            VmExit::EptMisconfig { gpa: 0x1234_5000 }
        );
        // OUT to port 0x80, one byte.
        assert_eq!(
            exit(reason::IO_INSTRUCTION, 0x80 << 16),
            VmExit::Io {
                port: 0x80,
                size: 1,
                input: false,
                string: false
            }
        );
        assert_eq!(exit(reason::VMCALL, 0), VmExit::Hypercall);
        assert_eq!(exit(reason::TRIPLE_FAULT, 0), VmExit::TripleFault);
        assert_eq!(exit(21, 0), VmExit::VirtualisationInstruction);
        assert_eq!(
            exit(reason::INVALID_GUEST_STATE | EXIT_REASON_FAILED_ENTRY, 0),
            VmExit::InvalidState
        );
        assert_eq!(exit(reason::XSETBV, 0), VmExit::Xsetbv);
        assert_eq!(exit(reason::INVD, 0), VmExit::CacheFlush);
        assert_eq!(exit(reason::WBINVD, 0), VmExit::CacheFlush);
        assert_eq!(exit(reason::MWAIT, 0), VmExit::MonitorMwait);
        assert_eq!(exit(reason::MONITOR, 0), VmExit::MonitorMwait);
        // MOV to CR4 from RBX (qualification: CR 4, access 0, GPR 3); CR0 and reads stay here.
        assert_eq!(
            exit(reason::CR_ACCESS, 4 | (3 << 8)),
            VmExit::Cr4Write { gpr: Some(3) }
        );
        assert_eq!(exit(reason::CR_ACCESS, 3 << 8), VmExit::Other(28));
        assert_eq!(exit(reason::CR_ACCESS, 4 | (1 << 4)), VmExit::Other(28));
    }

    #[test]
    fn cr0_writes_keep_ne_and_turn_long_mode_on() {
        let c = VmxControls::from_msrs(&msrs()).unwrap();
        let mut v = VmxVcpu::new_pvh(&c, 0, 0, 0);
        v.set_guest_efer(EFER_LME);
        // MOV CR0, RAX with PG|NE|PE: the qualification names CR0, a MOV to it, from RAX.
        v.gprs.rax = CR0_PG | CR0_NE | CR0_PE | 0x10;
        v.vmcs.set(field::EXIT_QUALIFICATION, 0);
        v.vmcs.set(field::EXIT_INSTRUCTION_LEN, 3);
        assert!(v.cr_access());
        assert_eq!(v.vmcs.read(field::CR0_READ_SHADOW), 0x8000_0031);
        assert_ne!(v.vmcs.read(field::GUEST_EFER) & EFER_LMA, 0);
        assert_ne!(
            v.vmcs.read(field::ENTRY_CONTROLS) & u64::from(EntryControls::IA32E_MODE_GUEST.bits()),
            0
        );
        assert_eq!(v.rip(), 3);
        // MOV CR4, RCX setting VMXE: refused.
        v.gprs.regs.rcx = CR4_VMXE;
        v.vmcs.set(field::EXIT_QUALIFICATION, 4 | (1 << 8));
        assert!(!v.cr_access());
    }
}
