//! Linux's /dev/xen/privcmd interface (xen/sys/privcmd.h): how a dom0 toolstack issues
//! hypercalls and maps foreign memory. Pointers are user-space addresses of the caller.

use crate::xen::domid_t;

crate::xen_consts! {
    header "sys/privcmd.h";
    /// Issue a hypercall (privcmd_hypercall); returns its result.
    pub const IOCTL_PRIVCMD_HYPERCALL: u32 = 0x0030_5000;
    /// Map foreign frames (privcmd_mmap).
    pub const IOCTL_PRIVCMD_MMAP: u32 = 0x0010_5002;
    /// Map a batch of foreign frames, errors in the frame array (privcmd_mmapbatch).
    pub const IOCTL_PRIVCMD_MMAPBATCH: u32 = 0x0018_5003;
    /// Map a batch of foreign frames with an error array (privcmd_mmapbatch_v2).
    pub const IOCTL_PRIVCMD_MMAPBATCH_V2: u32 = 0x0020_5004;
    /// Issue a dm_op with buffers checked by the kernel (privcmd_dm_op).
    pub const IOCTL_PRIVCMD_DM_OP: u32 = 0x0010_5005;
    /// Restrict the file descriptor to one target domain.
    pub const IOCTL_PRIVCMD_RESTRICT: u32 = 0x0002_5006;
    /// Map frames of a domain's resource (privcmd_mmap_resource).
    pub const IOCTL_PRIVCMD_MMAP_RESOURCE: u32 = 0x0020_5007;
    /// An ioctl number no kernel implements, to probe the driver.
    pub const IOCTL_PRIVCMD_UNIMPLEMENTED: u32 = 0x0000_50FF;
    /// mmapbatch: the frame could not be mapped.
    pub const PRIVCMD_MMAPBATCH_MFN_ERROR: u32 = 0xf000_0000;
    /// mmapbatch: the frame is paged out.
    pub const PRIVCMD_MMAPBATCH_PAGED_ERROR: u32 = 0x8000_0000;
}

crate::xen_structs! {
    header "sys/privcmd.h";

    /// IOCTL_PRIVCMD_HYPERCALL.
    pub struct privcmd_hypercall: size 48, align 8 {
        /// Hypercall number.
        pub op: u64 => 0,
        /// Arguments.
        pub arg: [u64; 5] => 8,
    }

    /// One range of IOCTL_PRIVCMD_MMAP.
    pub struct privcmd_mmap_entry: size 24, align 8 {
        /// Virtual address.
        pub va: u64 => 0,
        /// First frame.
        pub mfn: u64 => 8,
        /// Number of pages.
        pub npages: u64 => 16,
    }

    /// IOCTL_PRIVCMD_MMAP.
    pub struct privcmd_mmap: size 16, align 8 {
        /// Number of entries.
        pub num: i32 => 0,
        /// Target domain.
        pub dom: domid_t as "domid_t" => 4,
        /// Padding before `entry`.
        pad _pad0: [u8; 2] => 6,
        /// User pointer to the privcmd_mmap_entry array.
        pub entry: u64 => 8,
    }

    /// IOCTL_PRIVCMD_MMAPBATCH.
    pub struct privcmd_mmapbatch: size 24, align 8 {
        /// Number of pages.
        pub num: i32 => 0,
        /// Target domain.
        pub dom: domid_t as "domid_t" => 4,
        /// Padding before `addr`.
        pad _pad0: [u8; 2] => 6,
        /// Virtual address to map at.
        pub addr: u64 => 8,
        /// User pointer to the frames (top nibble set on error).
        pub arr: u64 => 16,
    }

    /// IOCTL_PRIVCMD_MMAPBATCH_V2.
    pub struct privcmd_mmapbatch_v2: size 32, align 8 {
        /// Number of pages.
        pub num: u32 => 0,
        /// Target domain.
        pub dom: domid_t as "domid_t" => 4,
        /// Padding before `addr`.
        pad _pad0: [u8; 2] => 6,
        /// Virtual address to map at.
        pub addr: u64 => 8,
        /// User pointer to the frames.
        pub arr: u64 => 16,
        /// User pointer to the per-page error codes.
        pub err: u64 => 24,
    }

    /// One buffer of IOCTL_PRIVCMD_DM_OP.
    pub struct privcmd_dm_op_buf: size 16, align 8 {
        /// User pointer to the buffer.
        pub uptr: u64 => 0,
        /// Its size.
        pub size: u64 => 8,
    }

    /// IOCTL_PRIVCMD_DM_OP.
    pub struct privcmd_dm_op: size 16, align 8 {
        /// Target domain.
        pub dom: domid_t as "domid_t" => 0,
        /// Number of buffers.
        pub num: u16 => 2,
        /// Padding before `ubufs`.
        pad _pad0: [u8; 4] => 4,
        /// User pointer to the privcmd_dm_op_buf array.
        pub ubufs: u64 => 8,
    }

    /// IOCTL_PRIVCMD_MMAP_RESOURCE.
    pub struct privcmd_mmap_resource: size 32, align 8 {
        /// Domain owning the resource.
        pub dom: domid_t as "domid_t" => 0,
        /// Padding before `type`.
        pad _pad0: [u8; 2] => 2,
        /// XENMEM_resource_* type.
        pub r#type: u32 => 4,
        /// Type-specific id.
        pub id: u32 => 8,
        /// First frame index.
        pub idx: u32 => 12,
        /// Number of frames.
        pub num: u64 => 16,
        /// Virtual address to map at (0 to query the size).
        pub addr: u64 => 24,
    }
}
