//! The HVM save format's framing (public/hvm/save.h): every record of a save image (the buffer
//! of XEN_DOMCTL_gethvmcontext / sethvmcontext) starts with a descriptor naming its type,
//! instance and length. The x86 record types are in [`crate::arch_x86::hvm::save`].

crate::xen_consts! {
    header "hvm/save.h";
    /// Typecode of the END record, which closes an image (`HVM_SAVE_CODE(END)`, zero length).
    ext const HVM_SAVE_CODE_END: u16 = 0;
}

crate::xen_structs! {
    header "hvm/save.h";

    /// The descriptor in front of every record of a save image.
    pub struct hvm_save_descriptor: size 8, align 4 {
        /// Record type (`HVM_SAVE_CODE(x)`).
        pub typecode: u16 => 0,
        /// Instance: the vCPU for per-vCPU records, else 0.
        pub instance: u16 => 2,
        /// Length of the record in bytes, not counting this descriptor.
        pub length: u32 => 4,
    }
}
