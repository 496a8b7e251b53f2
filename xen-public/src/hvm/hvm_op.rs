//! HVM operations (public/hvm/hvm_op.h): `__HYPERVISOR_hvm_op`.

use crate::abi::{GuestHandle, Payload};
use crate::xen::domid_t;

crate::xen_consts! {
    header "hvm/hvm_op.h";
    /// Set an HVM_PARAM_* of a domain.
    pub const HVMOP_set_param: u32 = 0;
    /// Read an HVM_PARAM_* of a domain.
    pub const HVMOP_get_param: u32 = 1;
    /// Flush the TLBs of all vCPUs of the caller.
    pub const HVMOP_flush_tlbs: u32 = 5;
    /// Tell Xen a guest page table is being torn down.
    pub const HVMOP_pagetable_dying: u32 = 9;
    /// Current system time.
    pub const HVMOP_get_time: u32 = 10;
    /// Write a trace record.
    pub const HVMOP_xentrace: u32 = 11;
    /// Set memory access permissions (tools).
    pub const HVMOP_set_mem_access: u32 = 12;
    /// Read memory access permissions (tools).
    pub const HVMOP_get_mem_access: u32 = 13;
    /// Read the HVMMEM_* type of a guest frame.
    pub const HVMOP_get_mem_type: u32 = 15;
    /// Set a vCPU's event-channel upcall vector.
    pub const HVMOP_set_evtchn_upcall_vector: u32 = 23;
    /// Raise a vm_event guest request.
    pub const HVMOP_guest_request_vm_event: u32 = 24;
    /// Alternate p2m operations.
    pub const HVMOP_altp2m: u32 = 25;
    /// Version of the altp2m sub-interface.
    pub const HVMOP_ALTP2M_INTERFACE_VERSION: u32 = 0x0000_0001;
    /// altp2m: read whether altp2m is active.
    pub const HVMOP_altp2m_get_domain_state: u32 = 1;
    /// altp2m: activate or deactivate altp2m.
    pub const HVMOP_altp2m_set_domain_state: u32 = 2;
    /// altp2m: enable #VE notifications for a vCPU.
    pub const HVMOP_altp2m_vcpu_enable_notify: u32 = 3;
    /// altp2m: create a view.
    pub const HVMOP_altp2m_create_p2m: u32 = 4;
    /// altp2m: destroy a view.
    pub const HVMOP_altp2m_destroy_p2m: u32 = 5;
    /// altp2m: switch all vCPUs to a view.
    pub const HVMOP_altp2m_switch_p2m: u32 = 6;
    /// altp2m: set the access of a gfn in a view.
    pub const HVMOP_altp2m_set_mem_access: u32 = 7;
    /// altp2m: remap a gfn in a view.
    pub const HVMOP_altp2m_change_gfn: u32 = 8;
    /// altp2m: set the access of many gfns in a view.
    pub const HVMOP_altp2m_set_mem_access_multi: u32 = 9;
    /// altp2m: set the suppress-#VE bit of a gfn.
    pub const HVMOP_altp2m_set_suppress_ve: u32 = 10;
    /// altp2m: read the suppress-#VE bit of a gfn.
    pub const HVMOP_altp2m_get_suppress_ve: u32 = 11;
    /// altp2m: read the access of a gfn in a view.
    pub const HVMOP_altp2m_get_mem_access: u32 = 12;
    /// altp2m: disable #VE notifications for a vCPU.
    pub const HVMOP_altp2m_vcpu_disable_notify: u32 = 13;
    /// altp2m: current view of a vCPU.
    pub const HVMOP_altp2m_get_p2m_idx: u32 = 14;
    /// altp2m: set the suppress-#VE bit of a gfn range.
    pub const HVMOP_altp2m_set_suppress_ve_multi: u32 = 15;
    /// altp2m: make a view visible or not to the guest.
    pub const HVMOP_altp2m_set_visibility: u32 = 16;
    /// Ioreq server without a buffered ioreq ring.
    pub const HVM_IOREQSRV_BUFIOREQ_OFF: u32 = 0;
    /// Ioreq server with a buffered ring using the legacy pointers.
    pub const HVM_IOREQSRV_BUFIOREQ_LEGACY: u32 = 1;
    /// Ioreq server with a buffered ring updated atomically.
    pub const HVM_IOREQSRV_BUFIOREQ_ATOMIC: u32 = 2;
    /// Memory type: normal RAM.
    pub const HVMMEM_ram_rw: u32 = 0;
    /// Memory type: read-only RAM, writes discarded.
    pub const HVMMEM_ram_ro: u32 = 1;
    /// Memory type: MMIO emulated by a device model.
    pub const HVMMEM_mmio_dm: u32 = 2;
    /// Memory type placeholder; cannot be set.
    pub const HVMMEM_unused: u32 = 3;
    /// Memory type: RAM whose writes go to the ioreq server that claimed the type.
    pub const HVMMEM_ioreq_server: u32 = 4;
}

crate::xen_structs! {
    header "hvm/hvm_op.h";

    /// Argument of HVMOP_{set,get}_param.
    pub struct xen_hvm_param: size 16, align 8 {
        /// Target domain.
        pub domid: domid_t as "domid_t" => 0,
        /// Reserved.
        pub pad: u16 => 2,
        /// HVM_PARAM_* index.
        pub index: u32 => 4,
        /// Value (in or out).
        pub value: u64 => 8,
    }

    /// Argument of HVMOP_pagetable_dying.
    pub struct xen_hvm_pagetable_dying: size 16, align 8 {
        /// Target domain.
        pub domid: domid_t as "domid_t" => 0,
        /// Reserved.
        pub pad: [u16; 3] => 2,
        /// Guest-physical address of the top-level table.
        pub gpa: u64 => 8,
    }

    /// Result of HVMOP_get_time.
    pub struct xen_hvm_get_time: size 8, align 8 {
        /// System time in ns.
        pub now: u64 => 0,
    }

    /// Argument of HVMOP_get_mem_type.
    pub struct xen_hvm_get_mem_type: size 16, align 8 {
        /// Target domain.
        pub domid: domid_t as "domid_t" => 0,
        /// Out: HVMMEM_* type.
        pub mem_type: u16 => 2,
        /// Reserved.
        pub pad: [u16; 2] => 4,
        /// Guest frame queried.
        pub pfn: u64 => 8,
    }

    /// Argument of HVMOP_set_evtchn_upcall_vector.
    pub struct xen_hvm_evtchn_upcall_vector: size 8, align 4 {
        /// vCPU.
        pub vcpu: u32 => 0,
        /// Vector to raise for event upcalls.
        pub vector: u8 => 4,
        /// Padding after `vector`.
        pad _pad0: [u8; 3] => 5,
    }

    /// Argument of HVMOP_xentrace.
    pub struct xen_hvm_xentrace: size 32, align 2 {
        /// Trace event.
        pub event: u16 => 0,
        /// Bytes used in `extra`.
        pub extra_bytes: u16 => 2,
        /// Extra data.
        pub extra: [u8; 28] => 4,
    }

    /// altp2m: suppress-#VE bit of one gfn.
    pub struct xen_hvm_altp2m_suppress_ve: size 16, align 8 {
        /// View.
        pub view: u16 => 0,
        /// The bit (boolean).
        pub suppress_ve: u8 => 2,
        /// Reserved.
        pub pad1: u8 => 3,
        /// Reserved.
        pub pad2: u32 => 4,
        /// Guest frame.
        pub gfn: u64 => 8,
    }

    /// altp2m: suppress-#VE bit of a gfn range.
    pub struct xen_hvm_altp2m_suppress_ve_multi: size 32, align 8 {
        /// View.
        pub view: u16 => 0,
        /// The bit (boolean).
        pub suppress_ve: u8 => 2,
        /// Reserved.
        pub pad1: u8 => 3,
        /// Out: first error; must be zero on input.
        pub first_error: i32 => 4,
        /// First gfn (updated on continuation).
        pub first_gfn: u64 => 8,
        /// Last gfn.
        pub last_gfn: u64 => 16,
        /// Out: gfn of the first error.
        pub first_error_gfn: u64 => 24,
    }

    /// altp2m: domain state.
    pub struct xen_hvm_altp2m_domain_state: size 1, align 1 {
        /// Whether altp2m is active.
        pub state: u8 => 0,
    }

    /// altp2m: enable #VE notifications.
    pub struct xen_hvm_altp2m_vcpu_enable_notify: size 16, align 8 {
        /// vCPU.
        pub vcpu_id: u32 => 0,
        /// Reserved.
        pub pad: u32 => 4,
        /// Guest frame of the #VE information page.
        pub gfn: u64 => 8,
    }

    /// altp2m: disable #VE notifications.
    pub struct xen_hvm_altp2m_vcpu_disable_notify: size 4, align 4 {
        /// vCPU.
        pub vcpu_id: u32 => 0,
    }

    /// altp2m: a view and its default access.
    pub struct xen_hvm_altp2m_view: size 4, align 2 {
        /// View.
        pub view: u16 => 0,
        /// Default XENMEM_access_* of a new view.
        pub hvmmem_default_access: u16 => 2,
    }

    /// altp2m: access of one gfn.
    pub struct xen_hvm_altp2m_mem_access: size 16, align 8 {
        /// View.
        pub view: u16 => 0,
        /// XENMEM_access_* value.
        pub access: u16 => 2,
        /// Reserved.
        pub pad: u32 => 4,
        /// Guest frame.
        pub gfn: u64 => 8,
    }

    /// altp2m: access of many gfns.
    pub struct xen_hvm_altp2m_set_mem_access_multi: size 32, align 8 {
        /// View.
        pub view: u16 => 0,
        /// Reserved.
        pub pad: u16 => 2,
        /// Number of gfns.
        pub nr: u32 => 4,
        /// Continuation progress; must be zero.
        pub opaque: u64 => 8,
        /// Guest frames.
        pub pfn_list: GuestHandle<u64> => 16,
        /// XENMEM_access_* of each.
        pub access_list: GuestHandle<u8> => 24,
    }

    /// altp2m: remap a gfn.
    pub struct xen_hvm_altp2m_change_gfn: size 24, align 8 {
        /// View.
        pub view: u16 => 0,
        /// Reserved.
        pub pad1: u16 => 2,
        /// Reserved.
        pub pad2: u32 => 4,
        /// Gfn to remap.
        pub old_gfn: u64 => 8,
        /// Gfn it now shows, or ~0 to undo.
        pub new_gfn: u64 => 16,
    }

    /// altp2m: current view of a vCPU.
    pub struct xen_hvm_altp2m_get_vcpu_p2m_idx: size 8, align 4 {
        /// vCPU.
        pub vcpu_id: u32 => 0,
        /// Out: view.
        pub altp2m_idx: u16 => 4,
        /// Padding after `altp2m_idx`.
        pad _pad0: [u8; 2] => 6,
    }

    /// altp2m: visibility of a view.
    pub struct xen_hvm_altp2m_set_visibility: size 4, align 2 {
        /// View.
        pub altp2m_idx: u16 => 0,
        /// Whether the guest may switch to it.
        pub visible: u8 => 2,
        /// Reserved.
        pub pad: u8 => 3,
    }

    /// Argument of HVMOP_altp2m: `cmd` selects the member of `u`.
    pub struct xen_hvm_altp2m_op: size 80, align 8 {
        /// HVMOP_ALTP2M_INTERFACE_VERSION.
        pub version: u32 => 0,
        /// HVMOP_altp2m_*.
        pub cmd: u32 => 4,
        /// Target domain.
        pub domain: domid_t as "domid_t" => 8,
        /// Reserved.
        pub pad1: u16 => 10,
        /// Reserved.
        pub pad2: u32 => 12,
        /// The command's struct (C: a union padded to 64 bytes).
        pub u: [u64; 8] => 16,
    }
}

impl Payload for xen_hvm_altp2m_op {
    fn payload_bytes(&self) -> &[u8] {
        zerocopy::IntoBytes::as_bytes(&self.u)
    }
    fn payload_bytes_mut(&mut self) -> &mut [u8] {
        zerocopy::IntoBytes::as_mut_bytes(&mut self.u)
    }
}
