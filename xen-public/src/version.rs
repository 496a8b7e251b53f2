//! Version queries (public/version.h): `__HYPERVISOR_xen_version`.

crate::xen_typedefs! {
    header "version.h";
    /// Result of XENVER_extraversion.
    pub type xen_extraversion_t = [u8; 16];
    /// Result of XENVER_capabilities.
    pub type xen_capabilities_info_t = [u8; 1024];
    /// Result of XENVER_changeset.
    pub type xen_changeset_info_t = [u8; 64];
    /// Result of XENVER_commandline.
    pub type xen_commandline_t = [u8; 1024];
}

crate::xen_consts! {
    header "version.h";
    /// Version as major << 16 | minor (the return value).
    pub const XENVER_version: u32 = 0;
    /// Extra version string.
    pub const XENVER_extraversion: u32 = 1;
    /// Length of the extra version string.
    pub const XEN_EXTRAVERSION_LEN: u64 = 16;
    /// Build information.
    pub const XENVER_compile_info: u32 = 2;
    /// Capability string ("hvm-3.0-x86_64 ...").
    pub const XENVER_capabilities: u32 = 3;
    /// Length of the capability string.
    pub const XEN_CAPABILITIES_INFO_LEN: u64 = 1024;
    /// Source changeset.
    pub const XENVER_changeset: u32 = 4;
    /// Length of the changeset string.
    pub const XEN_CHANGESET_INFO_LEN: u64 = 64;
    /// Start of the hypervisor's virtual range.
    pub const XENVER_platform_parameters: u32 = 5;
    /// One 32-bit submap of XENFEAT_* flags.
    pub const XENVER_get_features: u32 = 6;
    /// Page size.
    pub const XENVER_pagesize: u32 = 7;
    /// Guest handle (UUID) of the caller.
    pub const XENVER_guest_handle: u32 = 8;
    /// Hypervisor command line.
    pub const XENVER_commandline: u32 = 9;
    /// Build id.
    pub const XENVER_build_id: u32 = 10;
}

crate::xen_structs! {
    header "version.h";

    /// Result of XENVER_compile_info.
    pub struct xen_compile_info: size 144, align 1 {
        /// Compiler.
        pub compiler: [u8; 64] as "char" => 0,
        /// User who built Xen.
        pub compile_by: [u8; 16] as "char" => 64,
        /// Domain of that user.
        pub compile_domain: [u8; 32] as "char" => 80,
        /// Build date.
        pub compile_date: [u8; 32] as "char" => 112,
    }

    /// Result of XENVER_platform_parameters.
    pub struct xen_platform_parameters: size 8, align 8 {
        /// Start of the hypervisor's virtual range.
        pub virt_start: u64 as "xen_ulong_t" => 0,
    }

    /// Argument of XENVER_get_features.
    pub struct xen_feature_info: size 8, align 4 {
        /// Which submap.
        pub submap_idx: u32 => 0,
        /// Out: the submap.
        pub submap: u32 => 4,
    }

    /// Header of XENVER_build_id (the id bytes follow).
    pub struct xen_build_id: size 4, align 4 {
        /// In: buffer size; out: id length.
        pub len: u32 => 0,
    }
}
