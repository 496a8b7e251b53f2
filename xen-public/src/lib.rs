//! Xen's public ABI, as guests and tools see it: hypercall and subop numbers, the structures passed
//! through guest handles, and errno values, each with Xen's own name so that a grep for
//! `XENMEM_claim_pages` lands on its definition. Layouts are checked at compile time and against the
//! real Xen headers.
//!
//! Portable: no unsafe code, no allocation; built for the host and for bare metal.
//!
//! # Layout
//!
//! One module per Xen public header, same name: [`xen`] is `xen.h`, [`memory`] is `memory.h`,
//! [`hvm::dm_op`] is `hvm/dm_op.h`, [`arch_x86::cpuid`] is `arch-x86/cpuid.h`,
//! [`privcmd`] is Linux's `xen/sys/privcmd.h`. Only the x86-64 layout exists. The reference is
//! Xen 4.17 (interface version 0x00040e00; domctl and sysctl at 0x15).
//!
//! # The registry
//!
//! Items are defined through four macros that emit the Rust item and record a description of it
//! in the module: [`xen_consts!`] (`CONSTANTS`), [`xen_structs!`] (`STRUCTS`), [`xen_typedefs!`]
//! (`TYPEDEFS`) and [`xen_macros!`] (`MACROS`, Xen's function-like macros as `const fn`s with
//! their C body). [`abi`] gathers the modules' lists into [`abi::CONSTANTS`], [`abi::STRUCTS`],
//! [`abi::TYPEDEFS`] and [`abi::MACROS`]. Two consumers:
//! - `tests/abi_vs_xen_headers.rs` prints every size, alignment, field offset and size, constant
//!   and macro value from the registry and from a C program built on `/usr/include/xen`, and
//!   fails on any difference or on any item Xen does not have;
//! - `examples/gen_headers.rs` writes the C headers checked in under `include/xen-rs/`
//!   (`./x headers`; `tests/headers_current.rs` fails when they are stale).
//!
//! # Adding a struct
//!
//! In the header's module, inside its `xen_structs!` invocation (one per module):
//!
//! ```text
//! /// One-line doc, in your words.
//! pub struct xen_pod_target: size 40, align 8 {
//!     /// One-line doc. `=> 0` is the offset, checked by a const assertion.
//!     pub target_pages: u64 => 0,
//!     // ...
//!     /// `as "domid_t"` names the C type where Rust only sees an alias (u16).
//!     pub domid: domid_t as "domid_t" => 32,
//!     /// `pad`: padding C leaves implicit, made explicit so zerocopy can derive IntoBytes.
//!     pad _pad0: [u8; 6] => 34,
//! }
//! ```
//!
//! Size, alignment and every offset become `const _: () = assert!(..)`s; the struct gets
//! `#[repr(C)]`, `Clone, Copy, Debug, PartialEq, Eq` and zerocopy's `FromBytes, IntoBytes,
//! KnownLayout, Immutable`. Field keywords: `pub` (a field of Xen's struct, same name), `pad`
//! (implicit padding in C), `bits` (storage of C bit-fields, with accessors written by hand),
//! `ext` (a xen-rs extension). Item keywords: `pub`, or `ext` for a xen-rs extension, which the
//! docs and generated headers mark "xen-rs extension" and the conformance test leaves out. A
//! module that starts using a macro must be added to the matching `registry!` list in
//! `abi.rs` (`tests/registry_complete.rs` checks it). Then run `cargo test -p xen-public` and
//! `./x headers`.
//!
//! # Conventions
//!
//! - Guest handles are [`GuestHandle<T>`]: a `u64` guest address, never a pointer.
//! - C unions inside a struct are a field of the union's name and size, typed as bytes or
//!   words of the union's alignment (`xen_domctl.u` is `[u64; 16]`). The outer structs
//!   [`domctl::xen_domctl`], [`sysctl::xen_sysctl`] and [`hvm::dm_op::xen_dm_op`] implement
//!   [`abi::Payload`] to read and write their members through it.
//! - Xen's names are kept, so lints on naming are allowed crate-wide.
#![no_std]
#![forbid(unsafe_code)]
// Xen's names, and its way of writing flags (`1 << 0`), are kept on purpose.
#![allow(non_camel_case_types, non_upper_case_globals, non_snake_case)]
#![allow(clippy::identity_op)]

pub mod abi;
pub mod arch_x86;
pub mod domctl;
pub mod elfnote;
pub mod errno;
pub mod event_channel;
pub mod features;
pub mod grant_table;
pub mod hvm;
pub mod memory;
pub mod physdev;
pub mod platform;
pub mod privcmd;
pub mod sched;
pub mod sysctl;
pub mod vcpu;
pub mod version;
pub mod xen;

pub use abi::GuestHandle;
