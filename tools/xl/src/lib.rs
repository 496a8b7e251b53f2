//! `xl`, the command line of Xen's toolstack, for Xen and xen-rs: Xen's subcommands, config
//! files and output formats over the toolstack library (tools/toolstack).
//!
//! - [`commands`]: the subcommands, over any [`toolstack::Hypercall`] backend;
//! - [`config`]: xl.cfg (parsed by the `xlcfg` crate, after libxlu) and xl.conf;
//! - [`format`]: what xl prints, byte for byte as Xen 4.17's xl;
//! - [`getopt`]: command lines, split as xl's getopt splits them;
//! - [`size`]: memory sizes as xl reads them;
//! - [`state`]: domain names and configurations (libxl keeps them in xenstore);
//! - [`privcmd`] (Linux only): the dom0 backend, /dev/xen/privcmd.
#![deny(unsafe_code)]

pub mod commands;
pub mod config;
pub mod format;
pub mod getopt;
#[cfg(target_os = "linux")]
pub mod privcmd;
pub mod size;
pub mod state;
