//! The registry: a `&'static` description of every constant, struct, typedef and function-like
//! macro this crate defines, filled in by the macros that define them (see the crate docs).
//!
//! It feeds the conformance test against Xen's own headers (`tests/abi_vs_xen_headers.rs`) and
//! the C header generator (`examples/gen_headers.rs`).

use core::marker::PhantomData;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

/// One constant: a `#define` (or enum value) in Xen's headers.
#[derive(Clone, Copy, Debug)]
pub struct ConstDesc {
    /// Xen's name, e.g. `XENMEM_claim_pages`.
    pub name: &'static str,
    /// The value, widened without loss.
    pub value: i128,
    /// C spelling of the Rust type the constant has (e.g. `uint32_t`).
    pub c_type: &'static str,
    /// Whether that type is signed.
    pub signed: bool,
    /// The Rust expression the value was written as (used to pick hex or decimal in C).
    pub expr: &'static str,
    /// The one-line doc comment.
    pub doc: &'static str,
    /// Rust module that defines it (`module_path!()`), e.g. `xen_public::memory`.
    pub module: &'static str,
    /// Xen header the constant belongs to, relative to `xen/` (e.g. `hvm/dm_op.h`).
    pub header: &'static str,
    /// A xen-rs extension, not part of Xen's ABI.
    pub extension: bool,
}

/// One field of a struct.
#[derive(Clone, Copy, Debug)]
pub struct FieldDesc {
    /// Xen's name of the field (the Rust name without any `r#`).
    pub name: &'static str,
    /// Byte offset in the struct.
    pub offset: usize,
    /// Size in bytes.
    pub size: usize,
    /// C spelling of the element type (`uint32_t`, `struct vcpu_info`, `domid_t`, ...).
    pub c_type: &'static str,
    /// Number of elements if the field is an array, 0 otherwise.
    pub array_len: usize,
    /// The field is a guest handle; `c_type` then names what it points to.
    pub handle: bool,
    /// Whether the field exists in Xen's C struct, and if not, why.
    pub kind: FieldKind,
    /// The one-line doc comment.
    pub doc: &'static str,
}

impl FieldDesc {
    /// Whether Xen's C struct has a field of this name.
    pub fn is_xen_field(&self) -> bool {
        self.kind == FieldKind::Xen
    }
}

/// What a field of a registered struct is, with respect to Xen's C struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A field of Xen's struct, same name (`pub` in the struct macros).
    Xen,
    /// Padding that C leaves implicit, made explicit for zerocopy (`pad`).
    Pad,
    /// Storage of C bit-fields, which have no address of their own (`bits`).
    BitFields,
    /// A xen-rs extension (`ext`).
    Extension,
}

/// One struct.
#[derive(Clone, Copy, Debug)]
pub struct StructDesc {
    /// The struct tag, e.g. `xen_memory_reservation` (C: `struct xen_memory_reservation`).
    pub name: &'static str,
    /// Size in bytes.
    pub size: usize,
    /// Alignment in bytes.
    pub align: usize,
    /// Fields in declaration order.
    pub fields: &'static [FieldDesc],
    /// The one-line doc comment.
    pub doc: &'static str,
    /// Rust module that defines it (`module_path!()`), e.g. `xen_public::memory`.
    pub module: &'static str,
    /// Xen header the struct belongs to, relative to `xen/`.
    pub header: &'static str,
    /// A xen-rs extension, not part of Xen's ABI.
    pub extension: bool,
}

/// One typedef of a scalar or array type (`domid_t`, `xen_pfn_t`, ...).
#[derive(Clone, Copy, Debug)]
pub struct TypedefDesc {
    /// Xen's name, e.g. `domid_t`.
    pub name: &'static str,
    /// C spelling of the underlying element type.
    pub c_type: &'static str,
    /// Number of elements if the typedef is an array, 0 otherwise.
    pub array_len: usize,
    /// Size in bytes.
    pub size: usize,
    /// The one-line doc comment.
    pub doc: &'static str,
    /// Rust module that defines it (`module_path!()`), e.g. `xen_public::memory`.
    pub module: &'static str,
    /// Xen header the typedef belongs to, relative to `xen/`.
    pub header: &'static str,
}

/// One function-like macro of Xen, defined in Rust as a `const fn` of `u32` arguments.
#[derive(Clone, Copy, Debug)]
pub struct MacroDesc {
    /// Xen's name, e.g. `XENMEMF_node`.
    pub name: &'static str,
    /// The parameter names used in the C body.
    pub params: &'static [&'static str],
    /// The C body of the macro, as emitted in the generated headers.
    pub c_body: &'static str,
    /// The Rust function on `u32` arguments given widened to `u64` (one per parameter), its
    /// result widened to `u64`, so that it can be compared with the C macro.
    pub eval: fn(&[u64]) -> u64,
    /// The one-line doc comment.
    pub doc: &'static str,
    /// Rust module that defines it (`module_path!()`), e.g. `xen_public::memory`.
    pub module: &'static str,
    /// Xen header the macro belongs to, relative to `xen/`.
    pub header: &'static str,
}

/// How a Rust type is spelled in C. Implemented for the integer types, arrays of them, guest
/// handles and every struct defined through [`xen_structs!`](crate::xen_structs!).
pub trait CType {
    /// C spelling of the (element) type.
    const C_NAME: &'static str;
    /// Whether the type is a signed integer.
    const SIGNED: bool = false;
    /// Number of elements for an array, 0 otherwise.
    const ARRAY_LEN: usize = 0;
    /// Whether the type is a guest handle (then `C_NAME` names the pointee).
    const HANDLE: bool = false;
}

macro_rules! c_scalar {
    ($($t:ty => $c:literal, $signed:literal;)*) => {
        $(impl CType for $t {
            const C_NAME: &'static str = $c;
            const SIGNED: bool = $signed;
        })*
    };
}

c_scalar! {
    u8 => "uint8_t", false;
    u16 => "uint16_t", false;
    u32 => "uint32_t", false;
    u64 => "uint64_t", false;
    i8 => "int8_t", true;
    i16 => "int16_t", true;
    i32 => "int32_t", true;
    i64 => "int64_t", true;
}

impl CType for () {
    const C_NAME: &'static str = "void";
}

impl<T: CType, const N: usize> CType for [T; N] {
    const C_NAME: &'static str = {
        assert!(
            T::ARRAY_LEN == 0,
            "nested arrays are not supported: flatten them"
        );
        T::C_NAME
    };
    const SIGNED: bool = T::SIGNED;
    const ARRAY_LEN: usize = N;
}

impl<T: CType> CType for GuestHandle<T> {
    const C_NAME: &'static str = T::C_NAME;
    const HANDLE: bool = true;
}

/// A guest handle: a guest virtual address of a `T` (or of an array of them), as Xen's
/// `XEN_GUEST_HANDLE(T)` / `XEN_GUEST_HANDLE_64(T)` on x86-64. Never dereferenced here: the
/// hypervisor copies through it with its guest-memory accessors.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable)]
#[repr(transparent)]
pub struct GuestHandle<T> {
    addr: u64,
    _pointee: PhantomData<fn() -> T>,
}

impl<T> GuestHandle<T> {
    /// The null handle.
    pub const NULL: Self = Self::new(0);

    /// A handle to the guest virtual address `addr`.
    pub const fn new(addr: u64) -> Self {
        Self {
            addr,
            _pointee: PhantomData,
        }
    }

    /// The guest virtual address.
    pub const fn addr(self) -> u64 {
        self.addr
    }

    /// Whether the handle is null.
    pub const fn is_null(self) -> bool {
        self.addr == 0
    }
}

impl<T> Clone for GuestHandle<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GuestHandle<T> {}

impl<T> PartialEq for GuestHandle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.addr == other.addr
    }
}

impl<T> Eq for GuestHandle<T> {}

impl<T> core::fmt::Debug for GuestHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "GuestHandle({:#x})", self.addr)
    }
}

impl<T> Default for GuestHandle<T> {
    fn default() -> Self {
        Self::NULL
    }
}

const _: () = assert!(core::mem::size_of::<GuestHandle<u8>>() == 8);
const _: () = assert!(core::mem::align_of::<GuestHandle<u8>>() == 8);

/// `stringify!` keeps the `r#` of raw identifiers; C names do not have it.
#[doc(hidden)]
pub const fn strip_raw(name: &'static str) -> &'static str {
    let bytes = name.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'r' && bytes[1] == b'#' {
        let (_, rest) = bytes.split_at(2);
        match core::str::from_utf8(rest) {
            Ok(s) => s,
            Err(_) => panic!("not UTF-8"),
        }
    } else {
        name
    }
}

/// Whether an item keyword marks a xen-rs extension (`ext`) rather than Xen's ABI (`pub`).
#[doc(hidden)]
#[macro_export]
macro_rules! __xen_is_ext {
    (pub) => {
        false
    };
    (ext) => {
        true
    };
}

/// The [`FieldKind`] of a field keyword.
#[doc(hidden)]
#[macro_export]
macro_rules! __xen_field_kind {
    (pub) => {
        $crate::abi::FieldKind::Xen
    };
    (pad) => {
        $crate::abi::FieldKind::Pad
    };
    (bits) => {
        $crate::abi::FieldKind::BitFields
    };
    (ext) => {
        $crate::abi::FieldKind::Extension
    };
}

/// Defines constants and records them in the module's `CONSTANTS` registry.
///
/// ```text
/// xen_consts! {
///     header "memory.h";
///     /// One-line doc.
///     pub const XENMEM_claim_pages: u32 = 24;
///     /// Write `ext` instead of `pub` for a xen-rs extension.
///     ext const XENMEM_xen_rs_thing: u32 = 100;
/// }
/// ```
#[macro_export]
macro_rules! xen_consts {
    (
        header $header:literal;
        $(
            #[doc = $doc:literal]
            $kind:ident const $name:ident : $ty:ty = $value:expr;
        )*
    ) => {
        $(
            #[doc = $doc]
            #[doc = $crate::__xen_ext_doc!($kind)]
            pub const $name: $ty = $value;
        )*

        /// Registry of the constants defined in this module.
        pub const CONSTANTS: &[$crate::abi::ConstDesc] = &[
            $($crate::abi::ConstDesc {
                name: stringify!($name),
                value: $name as i128,
                c_type: <$ty as $crate::abi::CType>::C_NAME,
                signed: <$ty as $crate::abi::CType>::SIGNED,
                expr: stringify!($value),
                doc: $doc,
                module: module_path!(),
                header: $header,
                extension: $crate::__xen_is_ext!($kind),
            },)*
        ];
    };
}

/// The doc line marking extensions.
#[doc(hidden)]
#[macro_export]
macro_rules! __xen_ext_doc {
    (pub) => {
        ""
    };
    (pad) => {
        ""
    };
    (bits) => {
        ""
    };
    (ext) => {
        " xen-rs extension: not part of Xen's ABI."
    };
}

/// Defines typedefs (`pub type`) and records them in the module's `TYPEDEFS` registry.
#[macro_export]
macro_rules! xen_typedefs {
    (
        header $header:literal;
        $(
            #[doc = $doc:literal]
            pub type $name:ident = $ty:ty;
        )*
    ) => {
        $(
            #[doc = $doc]
            pub type $name = $ty;
        )*

        /// Registry of the typedefs defined in this module.
        pub const TYPEDEFS: &[$crate::abi::TypedefDesc] = &[
            $($crate::abi::TypedefDesc {
                name: stringify!($name),
                c_type: <$ty as $crate::abi::CType>::C_NAME,
                array_len: <$ty as $crate::abi::CType>::ARRAY_LEN,
                size: core::mem::size_of::<$ty>(),
                doc: $doc,
                module: module_path!(),
                header: $header,
            },)*
        ];
    };
}

/// Defines Xen's function-like macros as `const fn`s of `u32` arguments and records them, with
/// their C body, in the module's `MACROS` registry.
///
/// ```text
/// xen_macros! {
///     header "memory.h";
///     /// One-line doc.
///     pub const fn XENMEMF_node(x: u32) -> u32 {
///         x.wrapping_add(1) << 8
///     }
///     c "(((x) + 1) << 8)";
/// }
/// ```
#[macro_export]
macro_rules! xen_macros {
    (
        header $header:literal;
        $(
            #[doc = $doc:literal]
            pub const fn $name:ident($($param:ident: u32),+) -> u32 $body:block
            c $c_body:literal;
        )*
    ) => {
        $(
            #[doc = $doc]
            pub const fn $name($($param: u32),+) -> u32 $body
        )*

        /// Registry of the function-like macros defined in this module.
        pub const MACROS: &[$crate::abi::MacroDesc] = &[
            $($crate::abi::MacroDesc {
                name: stringify!($name),
                params: &[$(stringify!($param)),+],
                c_body: $c_body,
                eval: {
                    fn eval(args: &[u64]) -> u64 {
                        let mut args = args.iter().map(|&a| a as u32);
                        $(let $param = args.next().expect("one argument per parameter");)+
                        $name($($param),+) as u64
                    }
                    eval
                },
                doc: $doc,
                module: module_path!(),
                header: $header,
            },)*
        ];
    };
}

/// Defines `#[repr(C)]` structs with zerocopy derives, checks their layout at compile time and
/// records them in the module's `STRUCTS` registry.
///
/// ```text
/// xen_structs! {
///     header "memory.h";
///     /// One-line doc.
///     pub struct xen_pod_target: size 40, align 8 {
///         /// One-line doc; `=> 0` is the expected offset.
///         pub target_pages: u64 => 0,
///         /// `as "domid_t"` names the C element type where Rust uses an alias.
///         pub domid: domid_t as "domid_t" => 32,
///         /// `pad` marks padding that is implicit in C (it has no name there).
///         pad _pad0: [u8; 6] => 34,
///     }
/// }
/// ```
#[macro_export]
macro_rules! xen_structs {
    (
        header $header:literal;
        $(
            #[doc = $doc:literal]
            $skind:ident struct $name:ident : size $size:literal, align $align:literal {
                $(
                    #[doc = $fdoc:literal]
                    $fkind:ident $field:ident : $fty:ty $(as $cty:literal)? => $offset:literal,
                )*
            }
        )*
    ) => {
        $(
            #[doc = $doc]
            #[doc = $crate::__xen_ext_doc!($skind)]
            #[derive(
                Clone,
                Copy,
                Debug,
                PartialEq,
                Eq,
                zerocopy::FromBytes,
                zerocopy::IntoBytes,
                zerocopy::KnownLayout,
                zerocopy::Immutable,
            )]
            #[repr(C)]
            pub struct $name {
                $(
                    #[doc = $fdoc]
                    #[doc = $crate::__xen_ext_doc!($fkind)]
                    pub $field: $fty,
                )*
            }

            const _: () = assert!(core::mem::size_of::<$name>() == $size);
            const _: () = assert!(core::mem::align_of::<$name>() == $align);
            $(const _: () = assert!(core::mem::offset_of!($name, $field) == $offset);)*

            impl Default for $name {
                /// All zeroes.
                fn default() -> Self {
                    zerocopy::FromZeros::new_zeroed()
                }
            }

            impl $crate::abi::CType for $name {
                const C_NAME: &'static str = concat!("struct ", stringify!($name));
            }

            impl $crate::abi::XenStruct for $name {
                const DESC: $crate::abi::StructDesc = $crate::abi::StructDesc {
                    name: stringify!($name),
                    size: core::mem::size_of::<$name>(),
                    align: core::mem::align_of::<$name>(),
                    fields: &[
                        $($crate::abi::FieldDesc {
                            name: $crate::abi::strip_raw(stringify!($field)),
                            offset: core::mem::offset_of!($name, $field),
                            size: core::mem::size_of::<$fty>(),
                            c_type: $crate::__xen_c_type!($fty $(, $cty)?),
                            array_len: <$fty as $crate::abi::CType>::ARRAY_LEN,
                            handle: <$fty as $crate::abi::CType>::HANDLE,
                            kind: $crate::__xen_field_kind!($fkind),
                            doc: $fdoc,
                        },)*
                    ],
                    doc: $doc,
                    module: module_path!(),
                    header: $header,
                    extension: $crate::__xen_is_ext!($skind),
                };
            }
        )*

        /// Registry of the structs defined in this module.
        pub const STRUCTS: &[$crate::abi::StructDesc] =
            &[$(<$name as $crate::abi::XenStruct>::DESC,)*];
    };
}

/// The C element type of a field: the explicit `as "..."` text, else the Rust type's.
#[doc(hidden)]
#[macro_export]
macro_rules! __xen_c_type {
    ($ty:ty) => {
        <$ty as $crate::abi::CType>::C_NAME
    };
    ($ty:ty, $c:literal) => {
        $c
    };
}

/// A struct defined through [`xen_structs!`](crate::xen_structs!).
pub trait XenStruct {
    /// Its registry entry.
    const DESC: StructDesc;
}

/// Outer structs whose C union is a byte payload here (`xen_domctl.u`, `xen_sysctl.u`,
/// `xen_dm_op.u`, `xen_hvm_altp2m_op.u`): read and write a member through it.
pub trait Payload: IntoBytes + FromBytes + Immutable + KnownLayout + Sized {
    /// The raw payload bytes.
    fn payload_bytes(&self) -> &[u8];
    /// The raw payload bytes, mutable.
    fn payload_bytes_mut(&mut self) -> &mut [u8];

    /// Reads member `T` from the start of the payload (`None` if `T` does not fit).
    fn get<T: FromBytes + KnownLayout + Immutable>(&self) -> Option<T> {
        T::read_from_prefix(self.payload_bytes())
            .ok()
            .map(|(t, _)| t)
    }

    /// Writes member `T` at the start of the payload, leaving the rest as it was (`false` if
    /// `T` does not fit).
    fn set<T: IntoBytes + Immutable>(&mut self, value: &T) -> bool {
        value.write_to_prefix(self.payload_bytes_mut()).is_ok()
    }
}

/// Builds a flat registry from the per-module ones.
macro_rules! registry {
    ($(#[doc = $doc:literal])* $name:ident: $ty:ty = [$($module:path),* $(,)?]) => {
        $(#[doc = $doc])*
        pub static $name: &[$ty] = &{
            const GROUPS: &[&[$ty]] = &[$({
                use $module as m;
                m::$name
            }),*];
            flatten::<$ty, { total(GROUPS) }>(GROUPS)
        };
    };
}

registry! {
    /// Every constant, in header order.
    CONSTANTS: ConstDesc = [
        crate::errno,
        crate::arch_x86::xen,
        crate::xen,
        crate::arch_x86::xen_mca,
        crate::physdev,
        crate::memory,
        crate::arch_x86::cpuid,
        crate::arch_x86::hvm::start_info,
        crate::hvm::save,
        crate::arch_x86::hvm::save,
        crate::hvm::hvm_op,
        crate::hvm::params,
        crate::hvm::dm_op,
        crate::hvm::ioreq,
        crate::hvm::hvm_vcpu,
        crate::hvm::e820,
        crate::event_channel,
        crate::grant_table,
        crate::sched,
        crate::vcpu,
        crate::version,
        crate::features,
        crate::elfnote,
        crate::domctl,
        crate::sysctl,
        crate::platform,
        crate::privcmd,
    ]
}

registry! {
    /// Every struct, in header order.
    STRUCTS: StructDesc = [
        crate::arch_x86::xen,
        crate::xen,
        crate::arch_x86::xen_mca,
        crate::physdev,
        crate::memory,
        crate::arch_x86::hvm::start_info,
        crate::hvm::save,
        crate::arch_x86::hvm::save,
        crate::hvm::hvm_op,
        crate::hvm::dm_op,
        crate::hvm::ioreq,
        crate::hvm::hvm_vcpu,
        crate::event_channel,
        crate::grant_table,
        crate::sched,
        crate::vcpu,
        crate::version,
        crate::domctl,
        crate::sysctl,
        crate::platform,
        crate::privcmd,
    ]
}

registry! {
    /// Every typedef, in header order.
    TYPEDEFS: TypedefDesc = [
        crate::arch_x86::xen,
        crate::xen,
        crate::event_channel,
        crate::grant_table,
        crate::hvm::dm_op,
        crate::version,
    ]
}

registry! {
    /// Every function-like macro, in header order.
    MACROS: MacroDesc = [
        crate::memory,
        crate::arch_x86::cpuid,
        crate::domctl,
        crate::hvm::dm_op,
    ]
}

/// Number of items in a list of registry slices.
const fn total<T>(groups: &[&[T]]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < groups.len() {
        n += groups[i].len();
        i += 1;
    }
    n
}

/// Flattens a non-empty list of registry slices into one array.
const fn flatten<T: Copy, const N: usize>(groups: &[&[T]]) -> [T; N] {
    // Any element will do to initialise the array; a registry is never empty.
    let mut g = 0;
    while groups[g].is_empty() {
        g += 1;
    }
    let mut out = [groups[g][0]; N];
    let mut k = 0;
    let mut i = 0;
    while i < groups.len() {
        let mut j = 0;
        while j < groups[i].len() {
            out[k] = groups[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module defining items through the macros, as a header module would, with extensions.
    mod demo {
        crate::xen_consts! {
            header "xen-rs-demo.h";
            /// A Xen constant.
            pub const XEN_DEMO_A: u32 = 1;
            /// A constant only xen-rs has.
            ext const XEN_RS_DEMO_B: u64 = 1 << 40;
        }

        crate::xen_structs! {
            header "xen-rs-demo.h";
            /// A struct only xen-rs has.
            ext struct xen_rs_demo: size 16, align 8 {
                /// A field as Xen would have it.
                pub a: u32 => 0,
                /// Implicit padding in C.
                pad _pad0: [u8; 4] => 4,
                /// A field only xen-rs has.
                ext b: crate::GuestHandle<u32> => 8,
            }
        }
    }

    #[test]
    fn macros_record_extensions() {
        assert_eq!(demo::XEN_RS_DEMO_B, 1 << 40);
        let [a, b] = demo::CONSTANTS else {
            panic!("two constants expected")
        };
        assert!(!a.extension && b.extension);
        assert_eq!(
            (a.name, a.value, a.c_type, a.signed),
            ("XEN_DEMO_A", 1, "uint32_t", false)
        );
        assert_eq!(
            (b.value, b.c_type, b.expr),
            (1 << 40, "uint64_t", "1 << 40")
        );

        let s = &demo::STRUCTS[0];
        assert!(s.extension);
        assert_eq!(
            (s.name, s.size, s.align, s.header),
            ("xen_rs_demo", 16, 8, "xen-rs-demo.h")
        );
        let kinds: [FieldKind; 3] = [s.fields[0].kind, s.fields[1].kind, s.fields[2].kind];
        assert_eq!(
            kinds,
            [FieldKind::Xen, FieldKind::Pad, FieldKind::Extension]
        );
        assert_eq!((s.fields[1].c_type, s.fields[1].array_len), ("uint8_t", 4));
        assert!(s.fields[2].handle);
        assert_eq!(s.fields[2].c_type, "uint32_t");
    }

    #[test]
    fn names_are_unique_and_docs_one_line() {
        let names = CONSTANTS
            .iter()
            .map(|c| (c.name, c.doc))
            .chain(STRUCTS.iter().map(|s| (s.name, s.doc)))
            .chain(TYPEDEFS.iter().map(|t| (t.name, t.doc)))
            .chain(MACROS.iter().map(|m| (m.name, m.doc)));
        for (i, (name, doc)) in names.clone().enumerate() {
            assert!(
                !doc.trim().is_empty() && !doc.contains('\n'),
                "{name}: one-line doc"
            );
            assert!(
                names.clone().skip(i + 1).all(|(other, _)| other != name),
                "{name} is defined twice"
            );
        }
    }

    #[test]
    fn fields_tile_each_struct() {
        for s in STRUCTS {
            let mut end = 0;
            for f in s.fields {
                assert_eq!(
                    f.offset, end,
                    "{}.{}: gap or overlap before it",
                    s.name, f.name
                );
                assert!(!f.doc.trim().is_empty(), "{}.{}: doc", s.name, f.name);
                end = f.offset + f.size;
            }
            assert_eq!(end, s.size, "{}: trailing padding must be explicit", s.name);
        }
    }

    #[test]
    fn union_members_fit_their_payload() {
        // Outer struct name, member prefix, payload size.
        let unions = [
            ("xen_domctl", "xen_domctl_", 128),
            ("xen_sysctl", "xen_sysctl_", 128),
            ("xen_platform_op", "xenpf_", 128),
            ("xen_dm_op", "xen_dm_op_", 24),
            ("xen_hvm_altp2m_op", "xen_hvm_altp2m_", 64),
        ];
        for (outer, prefix, size) in unions {
            let members = STRUCTS.iter().filter(|s| s.name.starts_with(prefix));
            // Buffers and array elements passed beside the payload are not members.
            let members = members.filter(|s| {
                !matches!(
                    s.name,
                    "xen_dm_op_buf"
                        | "xen_dm_op_modified_memory_extent"
                        | "xen_sysctl_lockprof_data"
                        | "xen_sysctl_perfc_desc"
                        | "xen_hvm_altp2m_op"
                )
            });
            for m in members {
                assert!(m.size <= size, "{} does not fit in {outer}.u", m.name);
                assert!(m.align <= 8, "{} is over-aligned for {outer}.u", m.name);
            }
        }
    }

    #[test]
    fn strip_raw_removes_the_prefix() {
        assert_eq!(strip_raw("r#type"), "type");
        assert_eq!(strip_raw("ref_a"), "ref_a");
    }

    #[test]
    fn guest_handles_are_addresses() {
        let h = GuestHandle::<u64>::new(0x1000);
        assert_eq!(h.addr(), 0x1000);
        assert!(!h.is_null() && GuestHandle::<u64>::NULL.is_null());
        assert_eq!(h, h.clone());
    }

    #[test]
    fn payload_reads_back_what_was_written() {
        use crate::domctl::{xen_domctl, xen_domctl_max_mem, XEN_DOMCTL_max_mem};
        let mut d = xen_domctl::new(XEN_DOMCTL_max_mem, 1);
        assert_eq!(
            d.interface_version,
            crate::domctl::XEN_DOMCTL_INTERFACE_VERSION
        );
        assert!(d.set(&xen_domctl_max_mem { max_memkb: 1 << 20 }));
        assert_eq!(
            d.get::<xen_domctl_max_mem>().map(|m| m.max_memkb),
            Some(1 << 20)
        );
        // A type larger than the payload does not fit.
        assert!(d.get::<[u8; 129]>().is_none());
    }
}
