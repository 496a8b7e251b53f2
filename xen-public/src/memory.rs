//! Memory reservation and physmap operations (public/memory.h): `__HYPERVISOR_memory_op`.
//!
//! The command word carries the subop in its low 6 bits; the bits above hold the extent to
//! restart from when Xen continues a long operation.

use crate::abi::GuestHandle;
use crate::physdev::physdev_pci_device;
use crate::xen::{domid_t, xen_pfn_t, xen_ulong_t};

crate::xen_consts! {
    header "memory.h";
    // Subops.
    /// Give the domain more extents (returns the number done).
    pub const XENMEM_increase_reservation: u32 = 0;
    /// Give extents back to Xen (returns the number done).
    pub const XENMEM_decrease_reservation: u32 = 1;
    /// Highest machine frame in use.
    pub const XENMEM_maximum_ram_page: u32 = 2;
    /// A domain's current number of pages.
    pub const XENMEM_current_reservation: u32 = 3;
    /// A domain's maximum number of pages.
    pub const XENMEM_maximum_reservation: u32 = 4;
    /// List the frames of the machine-to-phys table.
    pub const XENMEM_machphys_mfn_list: u32 = 5;
    /// Allocate extents and map them at given guest frames (returns the number done).
    pub const XENMEM_populate_physmap: u32 = 6;
    /// Map a page of some space (shared info, grant table, ...) into the physmap.
    pub const XENMEM_add_to_physmap: u32 = 7;
    /// The calling domain's memory map (e820-like).
    pub const XENMEM_memory_map: u32 = 9;
    /// The host's memory map (control domain).
    pub const XENMEM_machine_memory_map: u32 = 10;
    /// Exchange extents for extents of another size or placement.
    pub const XENMEM_exchange: u32 = 11;
    /// Virtual location of the machine-to-phys table.
    pub const XENMEM_machphys_mapping: u32 = 12;
    /// Set a domain's memory map.
    pub const XENMEM_set_memory_map: u32 = 13;
    /// Highest guest frame number of a domain.
    pub const XENMEM_maximum_gpfn: u32 = 14;
    /// Remove a page from the physmap.
    pub const XENMEM_remove_from_physmap: u32 = 15;
    /// Set a domain's populate-on-demand target.
    pub const XENMEM_set_pod_target: u32 = 16;
    /// Read a domain's populate-on-demand state.
    pub const XENMEM_get_pod_target: u32 = 17;
    /// Pages freed by memory sharing.
    pub const XENMEM_get_sharing_freed_pages: u32 = 18;
    /// Pages currently shared.
    pub const XENMEM_get_sharing_shared_pages: u32 = 19;
    /// Memory paging operations.
    pub const XENMEM_paging_op: u32 = 20;
    /// Memory access (permission) operations.
    pub const XENMEM_access_op: u32 = 21;
    /// Memory sharing operations.
    pub const XENMEM_sharing_op: u32 = 22;
    /// Batched add_to_physmap.
    pub const XENMEM_add_to_physmap_batch: u32 = 23;
    /// Claim a total number of pages for a domain ahead of populating it.
    pub const XENMEM_claim_pages: u32 = 24;
    /// Machine-to-phys frames of the compat (32-bit) table.
    pub const XENMEM_machphys_compat_mfn_list: u32 = 25;
    /// A domain's virtual NUMA topology.
    pub const XENMEM_get_vnumainfo: u32 = 26;
    /// Regions reserved for devices (RMRRs).
    pub const XENMEM_reserved_device_memory_map: u32 = 27;
    /// Map frames of a resource (ioreq pages, grant table, ...) of a domain.
    pub const XENMEM_acquire_resource: u32 = 28;
    // mem_flags of xen_memory_reservation.
    /// Mark the gfns populate-on-demand instead of allocating.
    pub const XENMEMF_populate_on_demand: u32 = 1 << 16;
    /// Fail rather than fall back to another NUMA node.
    pub const XENMEMF_exact_node_request: u32 = 1 << 17;
    /// The node in mem_flags is a virtual node.
    pub const XENMEMF_vnode: u32 = 1 << 18;
    /// Claim on one NUMA node: XENMEM_claim_pages accepts mem_flags XENMEMF_exact_node(n) (Xen: -EINVAL).
    ext const XENMEMF_claim_node_mask: u32 = (0xff << 8) | (1 << 17);
    // Spaces of add_to_physmap.
    /// The shared-info page.
    pub const XENMAPSPACE_shared_info: u32 = 0;
    /// A grant-table frame.
    pub const XENMAPSPACE_grant_table: u32 = 1;
    /// A guest frame moved to another gfn.
    pub const XENMAPSPACE_gmfn: u32 = 2;
    /// A range of guest frames (add_to_physmap only).
    pub const XENMAPSPACE_gmfn_range: u32 = 3;
    /// A frame of another domain.
    pub const XENMAPSPACE_gmfn_foreign: u32 = 4;
    /// Device MMIO (Arm only).
    pub const XENMAPSPACE_dev_mmio: u32 = 5;
    /// idx flag: map a grant-status frame instead of a shared frame.
    pub const XENMAPIDX_grant_table_status: u32 = 0x8000_0000;
    // Paging.
    /// Paging: nominate a page for eviction.
    pub const XENMEM_paging_op_nominate: u32 = 0;
    /// Paging: evict a nominated page.
    pub const XENMEM_paging_op_evict: u32 = 1;
    /// Paging: prepare a page to be paged back in.
    pub const XENMEM_paging_op_prep: u32 = 2;
    // Access.
    /// Access op: set the access of a range.
    pub const XENMEM_access_op_set_access: u32 = 0;
    /// Access op: read the access of a page.
    pub const XENMEM_access_op_get_access: u32 = 1;
    /// Access op: set the access of a list of pages.
    pub const XENMEM_access_op_set_access_multi: u32 = 4;
    /// No access.
    pub const XENMEM_access_n: u32 = 0;
    /// Read only.
    pub const XENMEM_access_r: u32 = 1;
    /// Write only.
    pub const XENMEM_access_w: u32 = 2;
    /// Read and write.
    pub const XENMEM_access_rw: u32 = 3;
    /// Execute only.
    pub const XENMEM_access_x: u32 = 4;
    /// Read and execute.
    pub const XENMEM_access_rx: u32 = 5;
    /// Write and execute.
    pub const XENMEM_access_wx: u32 = 6;
    /// Full access.
    pub const XENMEM_access_rwx: u32 = 7;
    /// Read and execute, becoming read-write on a write fault.
    pub const XENMEM_access_rx2rw: u32 = 8;
    /// No access, becoming full access after one notification.
    pub const XENMEM_access_n2rwx: u32 = 9;
    /// The domain's default access.
    pub const XENMEM_access_default: u32 = 10;
    // Sharing.
    /// Sharing: nominate a gfn.
    pub const XENMEM_sharing_op_nominate_gfn: u32 = 0;
    /// Sharing: nominate a grant reference.
    pub const XENMEM_sharing_op_nominate_gref: u32 = 1;
    /// Sharing: share two nominated pages.
    pub const XENMEM_sharing_op_share: u32 = 2;
    /// Sharing: debug a gfn.
    pub const XENMEM_sharing_op_debug_gfn: u32 = 3;
    /// Sharing: debug an mfn.
    pub const XENMEM_sharing_op_debug_mfn: u32 = 4;
    /// Sharing: debug a grant reference.
    pub const XENMEM_sharing_op_debug_gref: u32 = 5;
    /// Sharing: add a shared page to a physmap.
    pub const XENMEM_sharing_op_add_physmap: u32 = 6;
    /// Sharing: audit the sharing state.
    pub const XENMEM_sharing_op_audit: u32 = 7;
    /// Sharing: share a range.
    pub const XENMEM_sharing_op_range_share: u32 = 8;
    /// Sharing: fork a domain.
    pub const XENMEM_sharing_op_fork: u32 = 9;
    /// Sharing: reset a fork.
    pub const XENMEM_sharing_op_fork_reset: u32 = 10;
    /// Sharing error: invalid source handle.
    pub const XENMEM_SHARING_OP_S_HANDLE_INVALID: i32 = -10;
    /// Sharing error: invalid client handle.
    pub const XENMEM_SHARING_OP_C_HANDLE_INVALID: i32 = -9;
    /// Sharing: the field holds a grant reference, not a gfn.
    pub const XENMEM_SHARING_OP_FIELD_IS_GREF_FLAG: u64 = 1 << 62;
    /// Fork: allow the IOMMU to be enabled.
    pub const XENMEM_FORK_WITH_IOMMU_ALLOWED: u32 = 1 << 0;
    /// Fork: block interrupt injection.
    pub const XENMEM_FORK_BLOCK_INTERRUPTS: u32 = 1 << 1;
    /// Fork reset: reset vCPU state.
    pub const XENMEM_FORK_RESET_STATE: u32 = 1 << 2;
    /// Fork reset: reset memory.
    pub const XENMEM_FORK_RESET_MEMORY: u32 = 1 << 3;
    /// Reserved device memory: return every region.
    pub const XENMEM_RDM_ALL: u32 = 1;
    // acquire_resource.
    /// Resource: the pages of an ioreq server.
    pub const XENMEM_resource_ioreq_server: u32 = 0;
    /// Resource: the grant table.
    pub const XENMEM_resource_grant_table: u32 = 1;
    /// Resource: a vCPU's vmtrace buffer.
    pub const XENMEM_resource_vmtrace_buf: u32 = 2;
    /// Grant-table resource id: shared frames.
    pub const XENMEM_resource_grant_table_id_shared: u32 = 0;
    /// Grant-table resource id: status frames.
    pub const XENMEM_resource_grant_table_id_status: u32 = 1;
    /// Ioreq-server resource frame: the buffered ioreq page.
    pub const XENMEM_resource_ioreq_server_frame_bufioreq: u32 = 0;
}

crate::xen_macros! {
    header "memory.h";
    /// mem_flags encoding of the maximum address width of the frames.
    pub const fn XENMEMF_address_bits(x: u32) -> u32 {
        x
    }
    c "(x)";
    /// Address width from mem_flags.
    pub const fn XENMEMF_get_address_bits(x: u32) -> u32 {
        x & 0xff
    }
    c "((x) & 0xffu)";
    /// mem_flags encoding of a NUMA node to allocate from.
    pub const fn XENMEMF_node(x: u32) -> u32 {
        x.wrapping_add(1) << 8
    }
    c "(((x) + 1) << 8)";
    /// NUMA node from mem_flags (0xff: none).
    pub const fn XENMEMF_get_node(x: u32) -> u32 {
        (x >> 8).wrapping_sub(1) & 0xff
    }
    c "((((x) >> 8) - 1) & 0xffu)";
    /// mem_flags encoding of a NUMA node that must be used.
    pub const fn XENMEMF_exact_node(n: u32) -> u32 {
        XENMEMF_node(n) | XENMEMF_exact_node_request
    }
    c "(XENMEMF_node(n) | XENMEMF_exact_node_request)";
    /// Ioreq-server resource frame of the n-th synchronous ioreq page.
    pub const fn XENMEM_resource_ioreq_server_frame_ioreq(n: u32) -> u32 {
        1 + n
    }
    c "(1 + (n))";
}

crate::xen_structs! {
    header "memory.h";

    /// Argument of the reservation subops and of XENMEM_claim_pages.
    pub struct xen_memory_reservation: size 32, align 8 {
        /// Guest array of frames (in or out depending on the subop); NULL for claims.
        pub extent_start: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 0,
        /// Number of extents (for claims: the page target).
        pub nr_extents: xen_ulong_t as "xen_ulong_t" => 8,
        /// Each extent is 2^extent_order pages.
        pub extent_order: u32 => 16,
        /// XENMEMF_* flags.
        pub mem_flags: u32 => 20,
        /// Target domain.
        pub domid: domid_t as "domid_t" => 24,
        /// Padding after `domid`.
        pad _pad0: [u8; 6] => 26,
    }

    /// Argument of XENMEM_exchange.
    pub struct xen_memory_exchange: size 72, align 8 {
        /// Extents given up.
        pub r#in: xen_memory_reservation => 0,
        /// Extents received.
        pub out: xen_memory_reservation => 32,
        /// Input extents exchanged so far.
        pub nr_exchanged: xen_ulong_t as "xen_ulong_t" => 64,
    }

    /// Argument of the subops that only name a domain.
    pub struct xen_memory_domain: size 2, align 2 {
        /// Domain queried.
        pub domid: domid_t as "domid_t" => 0,
    }

    /// Argument of XENMEM_machphys_mfn_list.
    pub struct xen_machphys_mfn_list: size 24, align 8 {
        /// Size of the output array.
        pub max_extents: u32 => 0,
        /// Padding before `extent_start`.
        pad _pad0: [u8; 4] => 4,
        /// Output array of frames.
        pub extent_start: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 8,
        /// Number of frames returned.
        pub nr_extents: u32 => 16,
        /// Padding after `nr_extents`.
        pad _pad1: [u8; 4] => 20,
    }

    /// Result of XENMEM_machphys_mapping.
    pub struct xen_machphys_mapping: size 24, align 8 {
        /// Start of the table's virtual range.
        pub v_start: xen_ulong_t as "xen_ulong_t" => 0,
        /// End of the table's virtual range.
        pub v_end: xen_ulong_t as "xen_ulong_t" => 8,
        /// Highest machine frame that can be looked up.
        pub max_mfn: xen_ulong_t as "xen_ulong_t" => 16,
    }

    /// Argument of XENMEM_add_to_physmap.
    pub struct xen_add_to_physmap: size 24, align 8 {
        /// Domain whose physmap changes.
        pub domid: domid_t as "domid_t" => 0,
        /// Number of pages for XENMAPSPACE_gmfn_range.
        pub size: u16 => 2,
        /// XENMAPSPACE_* space.
        pub space: u32 => 4,
        /// Index in that space.
        pub idx: xen_ulong_t as "xen_ulong_t" => 8,
        /// Guest frame to map it at.
        pub gpfn: xen_pfn_t as "xen_pfn_t" => 16,
    }

    /// Argument of XENMEM_add_to_physmap_batch.
    pub struct xen_add_to_physmap_batch: size 32, align 8 {
        /// Domain whose physmap changes.
        pub domid: domid_t as "domid_t" => 0,
        /// XENMAPSPACE_* space.
        pub space: u16 => 2,
        /// Number of pages.
        pub size: u16 => 4,
        /// Source domain for XENMAPSPACE_gmfn_foreign, else zero (C: a union).
        pub u: u16 => 6,
        /// Indexes in the space.
        pub idxs: GuestHandle<xen_ulong_t> as "xen_ulong_t" => 8,
        /// Guest frames to map them at.
        pub gpfns: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 16,
        /// Per-page error codes (out).
        pub errs: GuestHandle<i32> as "int" => 24,
    }

    /// Argument of XENMEM_remove_from_physmap.
    pub struct xen_remove_from_physmap: size 16, align 8 {
        /// Domain whose physmap changes.
        pub domid: domid_t as "domid_t" => 0,
        /// Padding before `gpfn`.
        pad _pad0: [u8; 6] => 2,
        /// Guest frame to unmap.
        pub gpfn: xen_pfn_t as "xen_pfn_t" => 8,
    }

    /// A memory map buffer (XENMEM_memory_map, XENMEM_machine_memory_map).
    pub struct xen_memory_map: size 16, align 8 {
        /// In: entries the buffer holds; out: entries written.
        pub nr_entries: u32 => 0,
        /// Padding before `buffer`.
        pad _pad0: [u8; 4] => 4,
        /// Array of e820 entries.
        pub buffer: GuestHandle<()> => 8,
    }

    /// Argument of XENMEM_set_memory_map.
    pub struct xen_foreign_memory_map: size 24, align 8 {
        /// Domain whose map is set.
        pub domid: domid_t as "domid_t" => 0,
        /// Padding before `map`.
        pad _pad0: [u8; 6] => 2,
        /// The map.
        pub map: xen_memory_map => 8,
    }

    /// Argument of XENMEM_{set,get}_pod_target.
    pub struct xen_pod_target: size 40, align 8 {
        /// In: target number of pages.
        pub target_pages: u64 => 0,
        /// Out: pages the domain has.
        pub tot_pages: u64 => 8,
        /// Out: pages in the PoD cache.
        pub pod_cache_pages: u64 => 16,
        /// Out: PoD entries in the p2m.
        pub pod_entries: u64 => 24,
        /// In: target domain.
        pub domid: domid_t as "domid_t" => 32,
        /// Padding after `domid`.
        pad _pad0: [u8; 6] => 34,
    }

    /// Argument of XENMEM_paging_op.
    pub struct xen_mem_paging_op: size 24, align 8 {
        /// XENMEM_paging_op_* operation.
        pub op: u8 => 0,
        /// Padding before `domain`.
        pad _pad0: [u8; 1] => 1,
        /// Target domain.
        pub domain: domid_t as "domid_t" => 2,
        /// Padding before `buffer`.
        pad _pad1: [u8; 4] => 4,
        /// Contents to page in with XENMEM_paging_op_prep.
        pub buffer: GuestHandle<u8> => 8,
        /// Guest frame operated on.
        pub gfn: u64 => 16,
    }

    /// Argument of XENMEM_access_op.
    pub struct xen_mem_access_op: size 32, align 8 {
        /// XENMEM_access_op_* operation.
        pub op: u8 => 0,
        /// XENMEM_access_* value.
        pub access: u8 => 1,
        /// Target domain.
        pub domid: domid_t as "domid_t" => 2,
        /// Number of pages.
        pub nr: u32 => 4,
        /// First pfn, or ~0 for the default access.
        pub pfn: u64 => 8,
        /// Pfn list of set_access_multi.
        pub pfn_list: GuestHandle<u64> => 16,
        /// Access list of set_access_multi.
        pub access_list: GuestHandle<u8> => 24,
    }

    /// Argument of XENMEM_sharing_op.
    pub struct xen_mem_sharing_op: size 48, align 8 {
        /// XENMEM_sharing_op_* operation.
        pub op: u8 => 0,
        /// Padding before `domain`.
        pad _pad0: [u8; 1] => 1,
        /// Target domain.
        pub domain: domid_t as "domid_t" => 2,
        /// Padding before `u`.
        pad _pad1: [u8; 4] => 4,
        /// Per-operation arguments (C: a union of nominate/share/range/debug/fork).
        pub u: [u64; 5] => 8,
    }

    /// One region of XENMEM_reserved_device_memory_map.
    pub struct xen_reserved_device_memory: size 16, align 8 {
        /// First frame.
        pub start_pfn: xen_pfn_t as "xen_pfn_t" => 0,
        /// Number of frames.
        pub nr_pages: xen_ulong_t as "xen_ulong_t" => 8,
    }

    /// Argument of XENMEM_reserved_device_memory_map.
    pub struct xen_reserved_device_memory_map: size 24, align 8 {
        /// XENMEM_RDM_* flags.
        pub flags: u32 => 0,
        /// In: buffer entries; out: regions.
        pub nr_entries: u32 => 4,
        /// Output regions.
        pub buffer: GuestHandle<xen_reserved_device_memory> => 8,
        /// Device to query (C: a union holding `pci`).
        pub dev: physdev_pci_device => 16,
        /// Padding after `dev`.
        pad _pad0: [u8; 4] => 20,
    }

    /// Argument of XENMEM_acquire_resource.
    pub struct xen_mem_acquire_resource: size 32, align 8 {
        /// Domain owning the resource.
        pub domid: domid_t as "domid_t" => 0,
        /// XENMEM_resource_* type.
        pub r#type: u16 => 2,
        /// Type-specific id (ioreq server id, grant-table id, vCPU).
        pub id: u32 => 4,
        /// In: frames wanted; out: frames available if frame_list is NULL.
        pub nr_frames: u32 => 8,
        /// Must be zero.
        pub pad: u32 => 12,
        /// First frame index within the resource.
        pub frame: u64 => 16,
        /// Guest frames to map at (or out: machine frames).
        pub frame_list: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 24,
    }

    /// A virtual NUMA memory range.
    pub struct xen_vmemrange: size 24, align 8 {
        /// Start address.
        pub start: u64 => 0,
        /// End address.
        pub end: u64 => 8,
        /// Reserved.
        pub flags: u32 => 16,
        /// Virtual node.
        pub nid: u32 => 20,
    }

    /// Argument of XENMEM_get_vnumainfo.
    pub struct xen_vnuma_topology_info: size 40, align 8 {
        /// Domain queried.
        pub domid: domid_t as "domid_t" => 0,
        /// Reserved.
        pub pad: u16 => 2,
        /// Number of virtual nodes.
        pub nr_vnodes: u32 => 4,
        /// Number of vCPUs.
        pub nr_vcpus: u32 => 8,
        /// Number of memory ranges.
        pub nr_vmemranges: u32 => 12,
        /// Distance table (C: a union with a u64).
        pub vdistance: GuestHandle<u32> as "unsigned int" => 16,
        /// vCPU to node map (C: a union with a u64).
        pub vcpu_to_vnode: GuestHandle<u32> as "unsigned int" => 24,
        /// Memory ranges (C: a union with a u64).
        pub vmemrange: GuestHandle<xen_vmemrange> => 32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_flags_helpers() {
        let flags = XENMEMF_address_bits(32) | XENMEMF_node(3) | XENMEMF_populate_on_demand;
        assert_eq!(XENMEMF_get_address_bits(flags), 32);
        assert_eq!(XENMEMF_get_node(flags), 3);
        assert_eq!(XENMEMF_get_node(0), 0xff, "no node requested");
        assert_eq!(XENMEMF_exact_node(0), (1 << 8) | XENMEMF_exact_node_request);
    }
}
