//! Grant tables (public/grant_table.h): `__HYPERVISOR_grant_table_op`.

use crate::abi::GuestHandle;
use crate::xen::{domid_t, xen_pfn_t};

crate::xen_typedefs! {
    header "grant_table.h";
    /// A grant reference: an index into a domain's grant table.
    pub type grant_ref_t = u32;
    /// One entry of the v2 status table.
    pub type grant_status_t = u16;
    /// A handle to a grant mapping.
    pub type grant_handle_t = u32;
}

crate::xen_consts! {
    header "grant_table.h";
    /// Number of entries reserved for the toolstack.
    pub const GNTTAB_NR_RESERVED_ENTRIES: u32 = 8;
    /// Reserved entry granting the console ring.
    pub const GNTTAB_RESERVED_CONSOLE: u32 = 0;
    /// Reserved entry granting the xenstore ring.
    pub const GNTTAB_RESERVED_XENSTORE: u32 = 1;
    /// Entry type: unused.
    pub const GTF_invalid: u32 = 0;
    /// Entry type: the grantee may map or copy the frame.
    pub const GTF_permit_access: u32 = 1;
    /// Entry type: the grantee may transfer a frame to us.
    pub const GTF_accept_transfer: u32 = 2;
    /// Entry type: access granted through another grant (v2).
    pub const GTF_transitive: u32 = 3;
    /// Mask of the entry type.
    pub const GTF_type_mask: u32 = 3;
    /// Bit number of `GTF_readonly`.
    pub const _GTF_readonly: u32 = 2;
    /// Read-only access.
    pub const GTF_readonly: u32 = 1 << _GTF_readonly;
    /// Bit number of `GTF_reading`.
    pub const _GTF_reading: u32 = 3;
    /// Set by Xen while the grantee reads the frame.
    pub const GTF_reading: u32 = 1 << _GTF_reading;
    /// Bit number of `GTF_writing`.
    pub const _GTF_writing: u32 = 4;
    /// Set by Xen while the grantee writes the frame.
    pub const GTF_writing: u32 = 1 << _GTF_writing;
    /// Bit number of `GTF_PWT`.
    pub const _GTF_PWT: u32 = 5;
    /// Map with PWT cache attribute.
    pub const GTF_PWT: u32 = 1 << _GTF_PWT;
    /// Bit number of `GTF_PCD`.
    pub const _GTF_PCD: u32 = 6;
    /// Map with PCD cache attribute.
    pub const GTF_PCD: u32 = 1 << _GTF_PCD;
    /// Bit number of `GTF_PAT`.
    pub const _GTF_PAT: u32 = 7;
    /// Map with PAT cache attribute.
    pub const GTF_PAT: u32 = 1 << _GTF_PAT;
    /// Bit number of `GTF_sub_page`.
    pub const _GTF_sub_page: u32 = 8;
    /// Only part of the page is granted (v2).
    pub const GTF_sub_page: u32 = 1 << _GTF_sub_page;
    /// Bit number of `GTF_transfer_committed`.
    pub const _GTF_transfer_committed: u32 = 2;
    /// A transfer is committed.
    pub const GTF_transfer_committed: u32 = 1 << _GTF_transfer_committed;
    /// Bit number of `GTF_transfer_completed`.
    pub const _GTF_transfer_completed: u32 = 3;
    /// A transfer is complete.
    pub const GTF_transfer_completed: u32 = 1 << _GTF_transfer_completed;
    /// Map grant references.
    pub const GNTTABOP_map_grant_ref: u32 = 0;
    /// Unmap grant references.
    pub const GNTTABOP_unmap_grant_ref: u32 = 1;
    /// Set up (and list the frames of) a grant table.
    pub const GNTTABOP_setup_table: u32 = 2;
    /// Dump a grant table to the console.
    pub const GNTTABOP_dump_table: u32 = 3;
    /// Transfer frames to other domains.
    pub const GNTTABOP_transfer: u32 = 4;
    /// Copy between granted frames.
    pub const GNTTABOP_copy: u32 = 5;
    /// Current and maximum size of a grant table.
    pub const GNTTABOP_query_size: u32 = 6;
    /// Unmap a grant and put another mapping in its place.
    pub const GNTTABOP_unmap_and_replace: u32 = 7;
    /// Select the grant-table version.
    pub const GNTTABOP_set_version: u32 = 8;
    /// List the v2 status frames.
    pub const GNTTABOP_get_status_frames: u32 = 9;
    /// Read the grant-table version.
    pub const GNTTABOP_get_version: u32 = 10;
    /// Swap two grant entries.
    pub const GNTTABOP_swap_grant_ref: u32 = 11;
    /// Clean or invalidate caches of granted memory.
    pub const GNTTABOP_cache_flush: u32 = 12;
    /// Bit number of `GNTCOPY_source_gref`.
    pub const _GNTCOPY_source_gref: u32 = 0;
    /// The copy source is a grant reference.
    pub const GNTCOPY_source_gref: u32 = 1 << _GNTCOPY_source_gref;
    /// Bit number of `GNTCOPY_dest_gref`.
    pub const _GNTCOPY_dest_gref: u32 = 1;
    /// The copy destination is a grant reference.
    pub const GNTCOPY_dest_gref: u32 = 1 << _GNTCOPY_dest_gref;
    /// Cache flush: clean.
    pub const GNTTAB_CACHE_CLEAN: u32 = 1 << 0;
    /// Cache flush: invalidate.
    pub const GNTTAB_CACHE_INVAL: u32 = 1 << 1;
    /// Cache flush: the address is a grant reference.
    pub const GNTTAB_CACHE_SOURCE_GREF: u32 = 1 << 31;
    /// Bit number of `GNTMAP_device_map`.
    pub const _GNTMAP_device_map: u32 = 0;
    /// Map for device access.
    pub const GNTMAP_device_map: u32 = 1 << _GNTMAP_device_map;
    /// Bit number of `GNTMAP_host_map`.
    pub const _GNTMAP_host_map: u32 = 1;
    /// Map for CPU access.
    pub const GNTMAP_host_map: u32 = 1 << _GNTMAP_host_map;
    /// Bit number of `GNTMAP_readonly`.
    pub const _GNTMAP_readonly: u32 = 2;
    /// Map read-only.
    pub const GNTMAP_readonly: u32 = 1 << _GNTMAP_readonly;
    /// Bit number of `GNTMAP_application_map`.
    pub const _GNTMAP_application_map: u32 = 3;
    /// Map for user space.
    pub const GNTMAP_application_map: u32 = 1 << _GNTMAP_application_map;
    /// Bit number of `GNTMAP_contains_pte`.
    pub const _GNTMAP_contains_pte: u32 = 4;
    /// host_addr is the address of a PTE.
    pub const GNTMAP_contains_pte: u32 = 1 << _GNTMAP_contains_pte;
    /// First flag bit left to the guest.
    pub const _GNTMAP_guest_avail0: u32 = 16;
    /// Flag bits left to the guest.
    pub const GNTMAP_guest_avail_mask: u32 = !0 << _GNTMAP_guest_avail0;
    /// Grant status: success.
    pub const GNTST_okay: i32 = 0;
    /// Grant status: unspecified error.
    pub const GNTST_general_error: i32 = -1;
    /// Grant status: unknown domain.
    pub const GNTST_bad_domain: i32 = -2;
    /// Grant status: bad grant reference.
    pub const GNTST_bad_gntref: i32 = -3;
    /// Grant status: bad mapping handle.
    pub const GNTST_bad_handle: i32 = -4;
    /// Grant status: bad virtual address.
    pub const GNTST_bad_virt_addr: i32 = -5;
    /// Grant status: bad device address.
    pub const GNTST_bad_dev_addr: i32 = -6;
    /// Grant status: no IOMMU space.
    pub const GNTST_no_device_space: i32 = -7;
    /// Grant status: permission denied.
    pub const GNTST_permission_denied: i32 = -8;
    /// Grant status: bad page.
    pub const GNTST_bad_page: i32 = -9;
    /// Grant status: copy crosses a page boundary.
    pub const GNTST_bad_copy_arg: i32 = -10;
    /// Grant status: transfer address too large.
    pub const GNTST_address_too_big: i32 = -11;
    /// Grant status: try again.
    pub const GNTST_eagain: i32 = -12;
    /// Grant status: out of space.
    pub const GNTST_no_space: i32 = -13;
}

crate::xen_structs! {
    header "grant_table.h";

    /// A v1 grant entry.
    pub struct grant_entry_v1: size 8, align 4 {
        /// GTF_* flags.
        pub flags: u16 => 0,
        /// Domain granted access.
        pub domid: domid_t as "domid_t" => 2,
        /// Granted frame.
        pub frame: u32 => 4,
    }

    /// Header shared by all v2 grant entries.
    pub struct grant_entry_header: size 4, align 2 {
        /// GTF_* flags.
        pub flags: u16 => 0,
        /// Domain granted access.
        pub domid: domid_t as "domid_t" => 2,
    }

    /// GNTTABOP_map_grant_ref.
    pub struct gnttab_map_grant_ref: size 32, align 8 {
        /// Address to map at (or of the PTE).
        pub host_addr: u64 => 0,
        /// GNTMAP_* flags.
        pub flags: u32 => 8,
        /// Grant reference.
        pub r#ref: grant_ref_t as "grant_ref_t" => 12,
        /// Granting domain.
        pub dom: domid_t as "domid_t" => 16,
        /// Out: GNTST_*.
        pub status: i16 => 18,
        /// Out: handle of the mapping.
        pub handle: grant_handle_t as "grant_handle_t" => 20,
        /// Out: bus address for device mappings.
        pub dev_bus_addr: u64 => 24,
    }

    /// GNTTABOP_unmap_grant_ref.
    pub struct gnttab_unmap_grant_ref: size 24, align 8 {
        /// Mapped address.
        pub host_addr: u64 => 0,
        /// Mapped bus address.
        pub dev_bus_addr: u64 => 8,
        /// Handle of the mapping.
        pub handle: grant_handle_t as "grant_handle_t" => 16,
        /// Out: GNTST_*.
        pub status: i16 => 20,
        /// Padding after `status`.
        pad _pad0: [u8; 2] => 22,
    }

    /// GNTTABOP_setup_table.
    pub struct gnttab_setup_table: size 24, align 8 {
        /// Domain.
        pub dom: domid_t as "domid_t" => 0,
        /// Padding before `nr_frames`.
        pad _pad0: [u8; 2] => 2,
        /// Number of frames.
        pub nr_frames: u32 => 4,
        /// Out: GNTST_*.
        pub status: i16 => 8,
        /// Padding before `frame_list`.
        pad _pad1: [u8; 6] => 10,
        /// Out: the table's frames.
        pub frame_list: GuestHandle<xen_pfn_t> as "xen_pfn_t" => 16,
    }

    /// GNTTABOP_dump_table.
    pub struct gnttab_dump_table: size 4, align 2 {
        /// Domain.
        pub dom: domid_t as "domid_t" => 0,
        /// Out: GNTST_*.
        pub status: i16 => 2,
    }

    /// GNTTABOP_transfer.
    pub struct gnttab_transfer: size 24, align 8 {
        /// Frame to give away.
        pub mfn: xen_pfn_t as "xen_pfn_t" => 0,
        /// Receiving domain.
        pub domid: domid_t as "domid_t" => 8,
        /// Padding before `ref`.
        pad _pad0: [u8; 2] => 10,
        /// Receiver's grant reference.
        pub r#ref: grant_ref_t as "grant_ref_t" => 12,
        /// Out: GNTST_*.
        pub status: i16 => 16,
        /// Padding after `status`.
        pad _pad1: [u8; 6] => 18,
    }

    /// One end of a GNTTABOP_copy.
    pub struct gnttab_copy_ptr: size 16, align 8 {
        /// Grant reference or frame (C: a union).
        pub u: u64 => 0,
        /// Domain.
        pub domid: domid_t as "domid_t" => 8,
        /// Offset in the page.
        pub offset: u16 => 10,
        /// Padding after `offset`.
        pad _pad0: [u8; 4] => 12,
    }

    /// GNTTABOP_copy.
    pub struct gnttab_copy: size 40, align 8 {
        /// Source.
        pub source: gnttab_copy_ptr => 0,
        /// Destination.
        pub dest: gnttab_copy_ptr => 16,
        /// Bytes to copy.
        pub len: u16 => 32,
        /// GNTCOPY_* flags.
        pub flags: u16 => 34,
        /// Out: GNTST_*.
        pub status: i16 => 36,
        /// Padding after `status`.
        pad _pad0: [u8; 2] => 38,
    }

    /// GNTTABOP_query_size.
    pub struct gnttab_query_size: size 16, align 4 {
        /// Domain.
        pub dom: domid_t as "domid_t" => 0,
        /// Padding before `nr_frames`.
        pad _pad0: [u8; 2] => 2,
        /// Out: current frames.
        pub nr_frames: u32 => 4,
        /// Out: maximum frames.
        pub max_nr_frames: u32 => 8,
        /// Out: GNTST_*.
        pub status: i16 => 12,
        /// Padding after `status`.
        pad _pad1: [u8; 2] => 14,
    }

    /// GNTTABOP_unmap_and_replace.
    pub struct gnttab_unmap_and_replace: size 24, align 8 {
        /// Mapped address.
        pub host_addr: u64 => 0,
        /// Address whose mapping replaces it.
        pub new_addr: u64 => 8,
        /// Handle of the mapping.
        pub handle: grant_handle_t as "grant_handle_t" => 16,
        /// Out: GNTST_*.
        pub status: i16 => 20,
        /// Padding after `status`.
        pad _pad0: [u8; 2] => 22,
    }

    /// GNTTABOP_set_version.
    pub struct gnttab_set_version: size 4, align 4 {
        /// Version (1 or 2); out: the version in use.
        pub version: u32 => 0,
    }

    /// GNTTABOP_get_status_frames.
    pub struct gnttab_get_status_frames: size 16, align 8 {
        /// Number of frames.
        pub nr_frames: u32 => 0,
        /// Domain.
        pub dom: domid_t as "domid_t" => 4,
        /// Out: GNTST_*.
        pub status: i16 => 6,
        /// Out: the status frames.
        pub frame_list: GuestHandle<u64> => 8,
    }

    /// GNTTABOP_get_version.
    pub struct gnttab_get_version: size 8, align 4 {
        /// Domain.
        pub dom: domid_t as "domid_t" => 0,
        /// Reserved.
        pub pad: u16 => 2,
        /// Out: the version.
        pub version: u32 => 4,
    }

    /// GNTTABOP_swap_grant_ref.
    pub struct gnttab_swap_grant_ref: size 12, align 4 {
        /// First entry.
        pub ref_a: grant_ref_t as "grant_ref_t" => 0,
        /// Second entry.
        pub ref_b: grant_ref_t as "grant_ref_t" => 4,
        /// Out: GNTST_*.
        pub status: i16 => 8,
        /// Padding after `status`.
        pad _pad0: [u8; 2] => 10,
    }

    /// GNTTABOP_cache_flush.
    pub struct gnttab_cache_flush: size 16, align 8 {
        /// Bus address or grant reference (C: a union).
        pub a: u64 => 0,
        /// Offset in the grant.
        pub offset: u16 => 8,
        /// Length.
        pub length: u16 => 10,
        /// GNTTAB_CACHE_* operations.
        pub op: u32 => 12,
    }
}
