//! Device-model operations (public/hvm/dm_op.h): `__HYPERVISOR_dm_op`.
//!
//! The hypercall takes a domain and an array of xen_dm_op_buf; the first buffer holds a
//! xen_dm_op, whose `op` selects the member of its union `u`.

use crate::abi::{GuestHandle, Payload};
use crate::event_channel::evtchn_port_t;
use crate::xen::xen_ulong_t;

crate::xen_typedefs! {
    header "hvm/dm_op.h";
    /// An ioreq server id.
    pub type ioservid_t = u16;
}

crate::xen_consts! {
    header "hvm/dm_op.h";
    /// Create an ioreq server.
    pub const XEN_DMOP_create_ioreq_server: u32 = 1;
    /// Read an ioreq server's pages and event channel.
    pub const XEN_DMOP_get_ioreq_server_info: u32 = 2;
    /// Bit number of `XEN_DMOP_no_gfns`.
    pub const _XEN_DMOP_no_gfns: u32 = 0;
    /// get_ioreq_server_info flag: do not return (or map) the gfns.
    pub const XEN_DMOP_no_gfns: u32 = 1 << _XEN_DMOP_no_gfns;
    /// Claim an I/O range for an ioreq server.
    pub const XEN_DMOP_map_io_range_to_ioreq_server: u32 = 3;
    /// Release an I/O range of an ioreq server.
    pub const XEN_DMOP_unmap_io_range_from_ioreq_server: u32 = 4;
    /// Range type: I/O ports.
    pub const XEN_DMOP_IO_RANGE_PORT: u32 = 0;
    /// Range type: MMIO.
    pub const XEN_DMOP_IO_RANGE_MEMORY: u32 = 1;
    /// Range type: PCI config space (SBDF).
    pub const XEN_DMOP_IO_RANGE_PCI: u32 = 2;
    /// Enable or disable an ioreq server.
    pub const XEN_DMOP_set_ioreq_server_state: u32 = 5;
    /// Destroy an ioreq server.
    pub const XEN_DMOP_destroy_ioreq_server: u32 = 6;
    /// Track dirty VRAM pages.
    pub const XEN_DMOP_track_dirty_vram: u32 = 7;
    /// Set the level of a PCI INTx line.
    pub const XEN_DMOP_set_pci_intx_level: u32 = 8;
    /// Set the level of an ISA IRQ.
    pub const XEN_DMOP_set_isa_irq_level: u32 = 9;
    /// Route a PCI link to an ISA IRQ.
    pub const XEN_DMOP_set_pci_link_route: u32 = 10;
    /// Report pages the device model modified.
    pub const XEN_DMOP_modified_memory: u32 = 11;
    /// Change the HVMMEM_* type of guest frames.
    pub const XEN_DMOP_set_mem_type: u32 = 12;
    /// Inject an event into a vCPU.
    pub const XEN_DMOP_inject_event: u32 = 13;
    /// Event type: external interrupt.
    pub const XEN_DMOP_EVENT_ext_int: u32 = 0;
    /// Event type: NMI.
    pub const XEN_DMOP_EVENT_nmi: u32 = 2;
    /// Event type: hardware exception.
    pub const XEN_DMOP_EVENT_hw_exc: u32 = 3;
    /// Event type: software interrupt.
    pub const XEN_DMOP_EVENT_sw_int: u32 = 4;
    /// Event type: privileged software exception (ICEBP).
    pub const XEN_DMOP_EVENT_pri_sw_exc: u32 = 5;
    /// Event type: software exception (INT3, INTO).
    pub const XEN_DMOP_EVENT_sw_exc: u32 = 6;
    /// Inject an MSI.
    pub const XEN_DMOP_inject_msi: u32 = 14;
    /// Forward accesses to pages of HVMMEM_ioreq_server type to an ioreq server.
    pub const XEN_DMOP_map_mem_type_to_ioreq_server: u32 = 15;
    /// Forward reads (not supported by Xen yet).
    pub const XEN_DMOP_IOREQ_MEM_ACCESS_READ: u32 = 1 << 0;
    /// Forward writes.
    pub const XEN_DMOP_IOREQ_MEM_ACCESS_WRITE: u32 = 1 << 1;
    /// Shut the domain down on behalf of the device model.
    pub const XEN_DMOP_remote_shutdown: u32 = 16;
    /// Move guest frames to other gfns.
    pub const XEN_DMOP_relocate_memory: u32 = 17;
    /// Pin the cache attribute of a gfn range.
    pub const XEN_DMOP_pin_memory_cacheattr: u32 = 18;
    /// Cache attribute: uncacheable.
    pub const XEN_DMOP_MEM_CACHEATTR_UC: u32 = 0;
    /// Cache attribute: write combining.
    pub const XEN_DMOP_MEM_CACHEATTR_WC: u32 = 1;
    /// Cache attribute: write through.
    pub const XEN_DMOP_MEM_CACHEATTR_WT: u32 = 4;
    /// Cache attribute: write protected.
    pub const XEN_DMOP_MEM_CACHEATTR_WP: u32 = 5;
    /// Cache attribute: write back.
    pub const XEN_DMOP_MEM_CACHEATTR_WB: u32 = 6;
    /// Cache attribute: uncacheable, overridable by MTRRs.
    pub const XEN_DMOP_MEM_CACHEATTR_UCM: u32 = 7;
    /// Remove a pinned cache attribute.
    pub const XEN_DMOP_DELETE_MEM_CACHEATTR: u32 = !0;
    /// Set the level of an interrupt line.
    pub const XEN_DMOP_set_irq_level: u32 = 19;
    /// Number of vCPUs of the domain.
    pub const XEN_DMOP_nr_vcpus: u32 = 20;
}

crate::xen_macros! {
    header "hvm/dm_op.h";
    /// PCI segment/bus/device/function packed as XEN_DMOP_IO_RANGE_PCI addresses them.
    pub const fn XEN_DMOP_PCI_SBDF(s: u32, b: u32, d: u32, f: u32) -> u32 {
        ((s & 0xffff) << 16) | ((b & 0xff) << 8) | ((d & 0x1f) << 3) | (f & 0x07)
    }
    c "((((s) & 0xffff) << 16) | (((b) & 0xff) << 8) | (((d) & 0x1f) << 3) | ((f) & 0x07))";
}

crate::xen_structs! {
    header "hvm/dm_op.h";

    /// XEN_DMOP_create_ioreq_server.
    pub struct xen_dm_op_create_ioreq_server: size 6, align 2 {
        /// HVM_IOREQSRV_BUFIOREQ_* mode.
        pub handle_bufioreq: u8 => 0,
        /// Must be zero.
        pub pad: [u8; 3] => 1,
        /// Out: the new server's id.
        pub id: ioservid_t as "ioservid_t" => 4,
    }

    /// XEN_DMOP_get_ioreq_server_info.
    pub struct xen_dm_op_get_ioreq_server_info: size 24, align 8 {
        /// Server id.
        pub id: ioservid_t as "ioservid_t" => 0,
        /// XEN_DMOP_no_gfns.
        pub flags: u16 => 2,
        /// Out: event channel of the buffered ring.
        pub bufioreq_port: evtchn_port_t as "evtchn_port_t" => 4,
        /// Out: gfn of the synchronous page.
        pub ioreq_gfn: u64 => 8,
        /// Out: gfn of the buffered page.
        pub bufioreq_gfn: u64 => 16,
    }

    /// XEN_DMOP_{map_io_range_to,unmap_io_range_from}_ioreq_server.
    pub struct xen_dm_op_ioreq_server_range: size 24, align 8 {
        /// Server id.
        pub id: ioservid_t as "ioservid_t" => 0,
        /// Must be zero.
        pub pad: u16 => 2,
        /// XEN_DMOP_IO_RANGE_* type.
        pub r#type: u32 => 4,
        /// First address of the range.
        pub start: u64 => 8,
        /// Last address of the range (inclusive).
        pub end: u64 => 16,
    }

    /// XEN_DMOP_set_ioreq_server_state.
    pub struct xen_dm_op_set_ioreq_server_state: size 4, align 2 {
        /// Server id.
        pub id: ioservid_t as "ioservid_t" => 0,
        /// Non-zero to enable.
        pub enabled: u8 => 2,
        /// Must be zero.
        pub pad: u8 => 3,
    }

    /// XEN_DMOP_destroy_ioreq_server.
    pub struct xen_dm_op_destroy_ioreq_server: size 4, align 2 {
        /// Server id.
        pub id: ioservid_t as "ioservid_t" => 0,
        /// Must be zero.
        pub pad: u16 => 2,
    }

    /// XEN_DMOP_track_dirty_vram (the bitmap is the second buffer).
    pub struct xen_dm_op_track_dirty_vram: size 16, align 8 {
        /// Number of pages.
        pub nr: u32 => 0,
        /// Must be zero.
        pub pad: u32 => 4,
        /// First pfn.
        pub first_pfn: u64 => 8,
    }

    /// XEN_DMOP_set_pci_intx_level.
    pub struct xen_dm_op_set_pci_intx_level: size 6, align 2 {
        /// PCI segment.
        pub domain: u16 => 0,
        /// Bus.
        pub bus: u8 => 2,
        /// Device.
        pub device: u8 => 3,
        /// INTx pin.
        pub intx: u8 => 4,
        /// Level (0 or 1).
        pub level: u8 => 5,
    }

    /// XEN_DMOP_set_isa_irq_level.
    pub struct xen_dm_op_set_isa_irq_level: size 2, align 1 {
        /// ISA IRQ.
        pub isa_irq: u8 => 0,
        /// Level (0 or 1).
        pub level: u8 => 1,
    }

    /// XEN_DMOP_set_pci_link_route.
    pub struct xen_dm_op_set_pci_link_route: size 2, align 1 {
        /// PCI link.
        pub link: u8 => 0,
        /// ISA IRQ, or 0 to disable.
        pub isa_irq: u8 => 1,
    }

    /// XEN_DMOP_modified_memory (the extents are the second buffer).
    pub struct xen_dm_op_modified_memory: size 8, align 4 {
        /// Number of extents.
        pub nr_extents: u32 => 0,
        /// Continuation progress; must be zero.
        pub opaque: u32 => 4,
    }

    /// One extent of XEN_DMOP_modified_memory.
    pub struct xen_dm_op_modified_memory_extent: size 16, align 8 {
        /// Number of pages.
        pub nr: u32 => 0,
        /// Must be zero.
        pub pad: u32 => 4,
        /// First pfn.
        pub first_pfn: u64 => 8,
    }

    /// XEN_DMOP_set_mem_type.
    pub struct xen_dm_op_set_mem_type: size 16, align 8 {
        /// Number of pages.
        pub nr: u32 => 0,
        /// HVMMEM_* type.
        pub mem_type: u16 => 4,
        /// Must be zero.
        pub pad: u16 => 6,
        /// First pfn.
        pub first_pfn: u64 => 8,
    }

    /// XEN_DMOP_inject_event.
    pub struct xen_dm_op_inject_event: size 24, align 8 {
        /// Target vCPU.
        pub vcpuid: u32 => 0,
        /// Vector.
        pub vector: u8 => 4,
        /// XEN_DMOP_EVENT_* type.
        pub r#type: u8 => 5,
        /// Instruction length for software events.
        pub insn_len: u8 => 6,
        /// Must be zero.
        pub pad0: u8 => 7,
        /// Error code, or ~0 for none.
        pub error_code: u32 => 8,
        /// Must be zero.
        pub pad1: u32 => 12,
        /// CR2 for a page fault.
        pub cr2: u64 => 16,
    }

    /// XEN_DMOP_inject_msi.
    pub struct xen_dm_op_inject_msi: size 16, align 8 {
        /// MSI data.
        pub data: u32 => 0,
        /// Must be zero.
        pub pad: u32 => 4,
        /// MSI address.
        pub addr: u64 => 8,
    }

    /// XEN_DMOP_map_mem_type_to_ioreq_server.
    pub struct xen_dm_op_map_mem_type_to_ioreq_server: size 16, align 8 {
        /// Server id.
        pub id: ioservid_t as "ioservid_t" => 0,
        /// HVMMEM_* type (only HVMMEM_ioreq_server).
        pub r#type: u16 => 2,
        /// XEN_DMOP_IOREQ_MEM_ACCESS_* to forward; 0 unmaps.
        pub flags: u32 => 4,
        /// Continuation progress; must be zero.
        pub opaque: u64 => 8,
    }

    /// XEN_DMOP_remote_shutdown.
    pub struct xen_dm_op_remote_shutdown: size 4, align 4 {
        /// SHUTDOWN_* reason.
        pub reason: u32 => 0,
    }

    /// XEN_DMOP_relocate_memory.
    pub struct xen_dm_op_relocate_memory: size 24, align 8 {
        /// Number of pages.
        pub size: u32 => 0,
        /// Must be zero.
        pub pad: u32 => 4,
        /// First source gfn.
        pub src_gfn: u64 => 8,
        /// First destination gfn.
        pub dst_gfn: u64 => 16,
    }

    /// XEN_DMOP_pin_memory_cacheattr.
    pub struct xen_dm_op_pin_memory_cacheattr: size 24, align 8 {
        /// First gfn.
        pub start: u64 => 0,
        /// Last gfn.
        pub end: u64 => 8,
        /// XEN_DMOP_MEM_CACHEATTR_* type.
        pub r#type: u32 => 16,
        /// Must be zero.
        pub pad: u32 => 20,
    }

    /// XEN_DMOP_set_irq_level.
    pub struct xen_dm_op_set_irq_level: size 8, align 4 {
        /// Interrupt line.
        pub irq: u32 => 0,
        /// Level (0 or 1).
        pub level: u8 => 4,
        /// Must be zero.
        pub pad: [u8; 3] => 5,
    }

    /// XEN_DMOP_nr_vcpus.
    pub struct xen_dm_op_nr_vcpus: size 4, align 4 {
        /// Out: number of vCPUs.
        pub vcpus: u32 => 0,
    }

    /// A device-model operation: `op` selects the member of `u`.
    pub struct xen_dm_op: size 32, align 8 {
        /// XEN_DMOP_* operation.
        pub op: u32 => 0,
        /// Must be zero.
        pub pad: u32 => 4,
        /// The operation's arguments (C: a union of the xen_dm_op_* structs).
        pub u: [u64; 3] => 8,
    }

    /// One buffer passed to __HYPERVISOR_dm_op.
    pub struct xen_dm_op_buf: size 16, align 8 {
        /// Guest address of the buffer.
        pub h: GuestHandle<()> => 0,
        /// Its size in bytes.
        pub size: xen_ulong_t as "xen_ulong_t" => 8,
    }
}

impl Payload for xen_dm_op {
    fn payload_bytes(&self) -> &[u8] {
        zerocopy::IntoBytes::as_bytes(&self.u)
    }
    fn payload_bytes_mut(&mut self) -> &mut [u8] {
        zerocopy::IntoBytes::as_mut_bytes(&mut self.u)
    }
}

/// Every member of the union must fit in it.
const _: () = {
    use core::mem::size_of;
    let u = size_of::<[u64; 3]>();
    assert!(size_of::<xen_dm_op_create_ioreq_server>() <= u);
    assert!(size_of::<xen_dm_op_get_ioreq_server_info>() <= u);
    assert!(size_of::<xen_dm_op_ioreq_server_range>() <= u);
    assert!(size_of::<xen_dm_op_inject_event>() <= u);
    assert!(size_of::<xen_dm_op_map_mem_type_to_ioreq_server>() <= u);
    assert!(size_of::<xen_dm_op_relocate_memory>() <= u);
    assert!(size_of::<xen_dm_op_pin_memory_cacheattr>() <= u);
};
