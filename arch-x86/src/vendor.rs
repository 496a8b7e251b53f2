//! The two hardware virtualisation vendors behind one trait: what the start of day and the
//! scheduler need to make vCPUs (AMD SVM with NPT tables, Intel VMX with EPT tables). The exit
//! handlers (`hvm_exit`) and the p2m code are the same for both, generic over the p2m format.

use hypercall::hvm_context::HvmVcpuContext;
use xen_mm::p2m::ept::Ept;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::p2m::npt::Npt;
use xen_mm::p2m::Superpages;

use crate::svm::SvmVcpu;
use crate::vcpu::HvmVcpu;
use crate::vmx::VmxVcpu;

/// A virtualisation vendor.
pub trait Vendor: 'static {
    /// The p2m format the CPU walks.
    type Fmt: P2mFormat + 'static;
    /// Its vCPU.
    type Vcpu: HvmVcpu + 'static;
    /// "SVM" or "VMX".
    const NAME: &'static str;
    /// A vCPU in the PVH entry state at `entry`, EBX = `start_info`, on the p2m rooted at
    /// `p2m_root`.
    fn new_pvh(entry: u32, start_info: u32, p2m_root: u64) -> Self::Vcpu;
    /// A vCPU in the state the toolstack loaded (XEN_DOMCTL_sethvmcontext).
    fn from_context(ctx: &HvmVcpuContext, p2m_root: u64) -> Self::Vcpu;
    /// Lets the hardware domain reach the I/O ports but the hypervisor's.
    fn allow_hardware_io(v: &mut Self::Vcpu);
    /// The superpages the p2m may use.
    fn superpages() -> Superpages;
}

/// AMD SVM with nested paging.
pub struct Svm;

impl Vendor for Svm {
    type Fmt = Npt;
    type Vcpu = SvmVcpu;
    const NAME: &'static str = "SVM";

    fn new_pvh(entry: u32, start_info: u32, p2m_root: u64) -> SvmVcpu {
        SvmVcpu::new_pvh(entry, start_info, p2m_root)
    }

    fn from_context(ctx: &HvmVcpuContext, p2m_root: u64) -> SvmVcpu {
        SvmVcpu::from_context(ctx, p2m_root)
    }

    fn allow_hardware_io(v: &mut SvmVcpu) {
        v.allow_hardware_io();
    }

    /// 1 GiB nested pages need the CPU's Page1GB (CPUID 0x8000_0001 EDX bit 26).
    fn superpages() -> Superpages {
        Superpages {
            two_mb: true,
            one_gb: crate::msr::cpu_features()
                .get_extended_processor_and_feature_identifiers()
                .is_some_and(|f| f.has_1gib_pages()),
        }
    }
}

/// Intel VMX with EPT.
pub struct Vmx;

impl Vmx {
    fn controls() -> &'static crate::vmx::VmxControls {
        // The start of day enables VMX before it makes any vCPU.
        crate::vmx::controls().expect("VMX is enabled before vCPUs are made")
    }
}

impl Vendor for Vmx {
    type Fmt = Ept;
    type Vcpu = VmxVcpu;
    const NAME: &'static str = "VMX";

    fn new_pvh(entry: u32, start_info: u32, p2m_root: u64) -> VmxVcpu {
        VmxVcpu::new_pvh(Self::controls(), entry, start_info, p2m_root)
    }

    fn from_context(ctx: &HvmVcpuContext, p2m_root: u64) -> VmxVcpu {
        VmxVcpu::from_context(Self::controls(), ctx, p2m_root)
    }

    fn allow_hardware_io(v: &mut VmxVcpu) {
        v.allow_hardware_io();
    }

    /// What IA32_VMX_EPT_VPID_CAP allows.
    fn superpages() -> Superpages {
        let c = crate::vmx::controls();
        Superpages {
            two_mb: c.is_some_and(|c| c.ept_2mb),
            one_gb: c.is_some_and(|c| c.ept_1gb),
        }
    }
}
