//! Machine-check architecture (public/arch-x86/xen-mca.h): `__HYPERVISOR_mca` and VIRQ_MCA.
//!
//! Xen offers `__HYPERVISOR_mca` to PV guests only (xen/include/hypercall-defs.c: its HVM columns
//! are `-`); an HVM or PVH caller gets `ENOSYS`. The numbers and the command structure are here
//! for the guests that probe it (Linux's xen_mcelog) and for the conformance cases.

use crate::xen::{__HYPERVISOR_arch_0, VIRQ_ARCH_0};
use crate::GuestHandle;

crate::xen_consts! {
    header "arch-x86/xen-mca.h";
    /// The machine-check hypercall (`__HYPERVISOR_arch_0`).
    pub const __HYPERVISOR_mca: u32 = __HYPERVISOR_arch_0;
    /// The interface version a `xen_mc` must carry.
    pub const XEN_MCA_INTERFACE_VERSION: u32 = 0x01ecc003;
    /// fetch flag: the non-urgent queue.
    pub const XEN_MC_NONURGENT: u32 = 0x0001;
    /// fetch flag: the urgent queue.
    pub const XEN_MC_URGENT: u32 = 0x0002;
    /// fetch flag: acknowledge an earlier fetch.
    pub const XEN_MC_ACK: u32 = 0x0004;
    /// fetch result: success.
    pub const XEN_MC_OK: u32 = 0x0;
    /// fetch result: copying the record failed.
    pub const XEN_MC_FETCHFAILED: u32 = 0x1;
    /// fetch result: nothing logged.
    pub const XEN_MC_NODATA: u32 = 0x2;
    /// The global VIRQ that announces machine-check telemetry to dom0.
    pub const VIRQ_MCA: u32 = VIRQ_ARCH_0;
    /// Command: fetch a telemetry record.
    pub const XEN_MC_fetch: u32 = 1;
    /// Command: notify a domU of an error.
    pub const XEN_MC_notifydomain: u32 = 2;
    /// Command: the physical CPUs' identities.
    pub const XEN_MC_physcpuinfo: u32 = 3;
    /// Command: inject machine-check MSR values.
    pub const XEN_MC_msrinject: u32 = 4;
    /// Command: raise a #MC on a CPU.
    pub const XEN_MC_mceinject: u32 = 5;
    /// Command: inject an MCE, CMCI or LMCE on a set of CPUs.
    pub const XEN_MC_inject_v2: u32 = 6;
}

crate::xen_structs! {
    header "arch-x86/xen-mca.h";

    /// XEN_MC_physcpuinfo's member of `xen_mc.u`.
    pub struct xen_mc_physcpuinfo: size 16, align 8 {
        /// In: the entries `info` has room for; out: the CPUs (or the entries filled).
        pub ncpus: u32 => 0,
        /// Padding.
        pub _pad0: u32 => 4,
        /// Out: an array of `mcinfo_logical_cpu`, or null to ask for the count.
        pub info: GuestHandle<u8> as "xen_mc_logical_cpu_t" => 8,
    }

    /// The `__HYPERVISOR_mca` argument.
    pub struct xen_mc: size 152, align 8 {
        /// XEN_MC_*.
        pub cmd: u32 => 0,
        /// XEN_MCA_INTERFACE_VERSION.
        pub interface_version: u32 => 4,
        /// The command's member (C: a union; its largest, `mc_msrinject`, is 144 bytes).
        pub u: [u64; 18] => 8,
    }
}
