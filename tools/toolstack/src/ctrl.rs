//! Typed hypercalls, after libxenctrl: one method per `xc_*` call the builder and `xl` need,
//! named after it without the prefix (`xc_domain_claim_pages` is [`XenCtrl::domain_claim_pages`]).
//!
//! Each method copies its argument structure into a hypercall buffer, issues the hypercall,
//! copies the structure back (Xen writes results into it) and frees the buffers on every path.

use alloc::string::String;
use alloc::vec::Vec;

use xen_public::abi::Payload;
use xen_public::arch_x86::xen::xen_arch_domainconfig;
use xen_public::domctl::*;
use xen_public::errno::Errno;
use xen_public::hvm::dm_op::XEN_DMOP_remote_shutdown;
use xen_public::hvm::dm_op::{xen_dm_op, xen_dm_op_buf, xen_dm_op_remote_shutdown};
use xen_public::memory::*;
use xen_public::sysctl::*;
use xen_public::version::*;
use xen_public::xen::{
    __HYPERVISOR_dm_op, __HYPERVISOR_domctl, __HYPERVISOR_memory_op, __HYPERVISOR_sysctl,
    __HYPERVISOR_xen_version,
};
use xen_public::GuestHandle;
use zerocopy::{FromBytes, FromZeros, Immutable, IntoBytes, KnownLayout};

use crate::hypercall::{Buffer, Error, Hypercall};

/// One e820 entry as XENMEM_set_memory_map takes it (public/arch-x86/hvm/start_info.h has the
/// same fields with padding; Xen's `struct e820entry` is packed: 20 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct E820Entry {
    /// Start address.
    pub addr: u64,
    /// Length in bytes.
    pub size: u64,
    /// E820_RAM (1), E820_RESERVED (2), ...
    pub kind: u32,
}

/// The e820 type of RAM.
pub const E820_RAM: u32 = 1;
/// The e820 type of reserved ranges.
pub const E820_RESERVED: u32 = 2;

/// The hypervisor, through a [`Hypercall`] backend.
pub struct XenCtrl<H> {
    hc: H,
}

impl<H: Hypercall> XenCtrl<H> {
    /// Wraps a backend.
    pub fn new(hc: H) -> Self {
        Self { hc }
    }

    /// The backend (for foreign-memory writes).
    pub fn backend(&mut self) -> &mut H {
        &mut self.hc
    }

    /// Gives the backend back.
    pub fn into_backend(self) -> H {
        self.hc
    }

    /// A buffer holding `bytes`.
    fn buffer_with(&mut self, bytes: &[u8]) -> Result<Buffer, Error> {
        let buffer = self.hc.alloc_buffer(bytes.len())?;
        self.hc.buffer_mut(&buffer)[..bytes.len()].copy_from_slice(bytes);
        Ok(buffer)
    }

    /// Issues `op` with `value` in a buffer whose address `args` places; copies `value` back.
    fn call_with<T>(
        &mut self,
        what: &'static str,
        op: u32,
        value: &mut T,
        args: impl FnOnce(u64) -> [u64; 5],
    ) -> Result<u64, Error>
    where
        T: IntoBytes + FromBytes + Immutable + KnownLayout,
    {
        let buffer = self.buffer_with(value.as_bytes())?;
        let result = self.hc.hypercall(op, args(buffer.addr()));
        let len = value.as_bytes().len();
        value
            .as_mut_bytes()
            .copy_from_slice(&self.hc.buffer(&buffer)[..len]);
        self.hc.free_buffer(buffer);
        result.map_err(|errno| Error::Xen { what, errno })
    }

    /// A domctl; returns the structure as Xen left it.
    pub fn domctl<T: IntoBytes + Immutable>(
        &mut self,
        what: &'static str,
        cmd: u32,
        domid: u16,
        payload: &T,
    ) -> Result<xen_domctl, Error> {
        let mut domctl = xen_domctl::new(cmd, domid);
        if !domctl.set(payload) {
            return Err(Error::Invalid("domctl payload larger than the union"));
        }
        self.call_with(what, __HYPERVISOR_domctl, &mut domctl, |a| [a, 0, 0, 0, 0])?;
        Ok(domctl)
    }

    /// A sysctl; returns the structure as Xen left it.
    pub fn sysctl<T: IntoBytes + Immutable>(
        &mut self,
        what: &'static str,
        cmd: u32,
        payload: &T,
    ) -> Result<xen_sysctl, Error> {
        let mut sysctl = xen_sysctl::new(cmd);
        if !sysctl.set(payload) {
            return Err(Error::Invalid("sysctl payload larger than the union"));
        }
        self.call_with(what, __HYPERVISOR_sysctl, &mut sysctl, |a| [a, 0, 0, 0, 0])?;
        Ok(sysctl)
    }

    /// memory_op(`cmd`, &`arg`); returns Xen's result.
    fn memory_op<T>(&mut self, what: &'static str, cmd: u32, arg: &mut T) -> Result<u64, Error>
    where
        T: IntoBytes + FromBytes + Immutable + KnownLayout,
    {
        self.call_with(what, __HYPERVISOR_memory_op, arg, |a| {
            [u64::from(cmd), a, 0, 0, 0]
        })
    }

    // ---- xen_version ----

    /// `xc_version(XENVER_version)`: (major, minor).
    pub fn version(&mut self) -> Result<(u32, u32), Error> {
        let v = self
            .hc
            .hypercall(
                __HYPERVISOR_xen_version,
                [u64::from(XENVER_version), 0, 0, 0, 0],
            )
            .map_err(|errno| Error::Xen {
                what: "xen_version",
                errno,
            })?;
        Ok(((v >> 16) as u32, (v & 0xffff) as u32))
    }

    /// `xc_version(cmd, buf)` for the commands that fill a fixed-size string buffer of `len`
    /// bytes (extraversion 16, capabilities 1024, changeset 64, commandline 1024): the string
    /// up to its NUL.
    pub fn version_string(&mut self, cmd: u32, len: usize) -> Result<String, Error> {
        let buffer = self.hc.alloc_buffer(len)?;
        let result = self.hc.hypercall(
            __HYPERVISOR_xen_version,
            [u64::from(cmd), buffer.addr(), 0, 0, 0],
        );
        let bytes = self.hc.buffer(&buffer);
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
        self.hc.free_buffer(buffer);
        result.map_err(|errno| Error::Xen {
            what: "xen_version",
            errno,
        })?;
        Ok(text)
    }

    /// `xc_version(XENVER_compile_info)`.
    pub fn compile_info(&mut self) -> Result<xen_compile_info, Error> {
        let mut info = xen_compile_info::new_zeroed();
        self.call_with(
            "xen_version compile_info",
            __HYPERVISOR_xen_version,
            &mut info,
            |a| [u64::from(XENVER_compile_info), a, 0, 0, 0],
        )?;
        Ok(info)
    }

    /// `xc_version(XENVER_platform_parameters)`: the hypervisor's virtual start.
    pub fn platform_parameters(&mut self) -> Result<u64, Error> {
        let mut params = xen_platform_parameters::new_zeroed();
        self.call_with(
            "xen_version platform_parameters",
            __HYPERVISOR_xen_version,
            &mut params,
            |a| [u64::from(XENVER_platform_parameters), a, 0, 0, 0],
        )?;
        Ok(params.virt_start)
    }

    /// `xc_version(XENVER_pagesize)`.
    pub fn pagesize(&mut self) -> Result<u64, Error> {
        self.hc
            .hypercall(
                __HYPERVISOR_xen_version,
                [u64::from(XENVER_pagesize), 0, 0, 0, 0],
            )
            .map_err(|errno| Error::Xen {
                what: "xen_version pagesize",
                errno,
            })
    }

    // ---- sysctl ----

    /// `xc_physinfo`.
    pub fn physinfo(&mut self) -> Result<xen_sysctl_physinfo, Error> {
        let s = self.sysctl(
            "sysctl physinfo",
            XEN_SYSCTL_physinfo,
            &xen_sysctl_physinfo::new_zeroed(),
        )?;
        s.get().ok_or(Error::Invalid("physinfo does not fit"))
    }

    /// `xc_sched_id`: XEN_SCHEDULER_*.
    pub fn sched_id(&mut self) -> Result<u32, Error> {
        let s = self.sysctl(
            "sysctl sched_id",
            XEN_SYSCTL_sched_id,
            &xen_sysctl_sched_id::new_zeroed(),
        )?;
        Ok(s.get::<xen_sysctl_sched_id>().map_or(0, |s| s.sched_id))
    }

    /// `xc_domain_getinfolist`: up to `max` domains from `first` on, in domid order.
    pub fn domain_getinfolist(
        &mut self,
        first: u16,
        max: u32,
    ) -> Result<Vec<xen_domctl_getdomaininfo>, Error> {
        let entry = core::mem::size_of::<xen_domctl_getdomaininfo>();
        let buffer = self.hc.alloc_buffer(entry * max as usize)?;
        let arg = xen_sysctl_getdomaininfolist {
            first_domain: first,
            max_domains: max,
            buffer: GuestHandle::new(buffer.addr()),
            ..FromZeros::new_zeroed()
        };
        let result = self.sysctl(
            "sysctl getdomaininfolist",
            XEN_SYSCTL_getdomaininfolist,
            &arg,
        );
        let list = result.map(|s| {
            let n = s
                .get::<xen_sysctl_getdomaininfolist>()
                .map_or(0, |l| l.num_domains.min(max)) as usize;
            self.hc.buffer(&buffer)[..n * entry]
                .chunks_exact(entry)
                .filter_map(|c| xen_domctl_getdomaininfo::read_from_bytes(c).ok())
                .collect()
        });
        self.hc.free_buffer(buffer);
        list
    }

    /// Domain `domid`'s information, or `None` if there is no such domain (libxc's
    /// `xc_domain_getinfo_single`: the list from `domid`, checked to start with it).
    pub fn domain_getinfo(
        &mut self,
        domid: u16,
    ) -> Result<Option<xen_domctl_getdomaininfo>, Error> {
        let list = self.domain_getinfolist(domid, 1)?;
        Ok(list.into_iter().next().filter(|d| d.domain == domid))
    }

    /// Every domain.
    pub fn domain_list(&mut self) -> Result<Vec<xen_domctl_getdomaininfo>, Error> {
        let mut all: Vec<xen_domctl_getdomaininfo> = Vec::new();
        let mut next = 0u16;
        loop {
            let chunk = self.domain_getinfolist(next, 256)?;
            let Some(last) = chunk.last().map(|d| d.domain) else {
                return Ok(all);
            };
            let full = chunk.len() == 256;
            all.extend(chunk);
            match last.checked_add(1) {
                Some(n) if full && n < xen_public::xen::DOMID_FIRST_RESERVED => next = n,
                _ => return Ok(all),
            }
        }
    }

    /// `xc_readconsolering` as libxl's console reader calls it: incremental reads of the whole
    /// ring, each one also clearing what it read when `clear` (sysctl.c `read_console_ring`
    /// drops everything before the position a clearing read reached).
    pub fn readconsolering(&mut self, clear: bool) -> Result<Vec<u8>, Error> {
        const CHUNK: u32 = 16384;
        let buffer = self.hc.alloc_buffer(CHUNK as usize)?;
        let mut text = Vec::new();
        let mut index = 0u32;
        let result = loop {
            let arg = xen_sysctl_readconsole {
                clear: u8::from(clear),
                incremental: 1,
                index,
                buffer: GuestHandle::new(buffer.addr()),
                count: CHUNK,
                ..FromZeros::new_zeroed()
            };
            match self.sysctl("sysctl readconsole", XEN_SYSCTL_readconsole, &arg) {
                Err(e) => break Err(e),
                Ok(s) => {
                    let out = s.get::<xen_sysctl_readconsole>().unwrap_or(arg);
                    let count = out.count.min(CHUNK) as usize;
                    if count == 0 {
                        break Ok(());
                    }
                    text.extend_from_slice(&self.hc.buffer(&buffer)[..count]);
                    index = out.index;
                }
            }
        };
        self.hc.free_buffer(buffer);
        result.map(|()| text)
    }

    // ---- domctl ----

    /// `xc_domain_create`: creates a domain (`domid` 0 lets Xen choose); returns its id.
    pub fn domain_create(
        &mut self,
        domid: u16,
        config: &xen_domctl_createdomain,
    ) -> Result<u16, Error> {
        let d = self.domctl(
            "domctl createdomain",
            XEN_DOMCTL_createdomain,
            domid,
            config,
        )?;
        Ok(d.domain)
    }

    /// `xc_domain_max_vcpus`.
    pub fn domain_max_vcpus(&mut self, domid: u16, max: u32) -> Result<(), Error> {
        let arg = xen_domctl_max_vcpus { max };
        self.domctl("domctl max_vcpus", XEN_DOMCTL_max_vcpus, domid, &arg)
            .map(drop)
    }

    /// `xc_domain_setmaxmem`: the page limit, in KiB.
    pub fn domain_setmaxmem(&mut self, domid: u16, max_memkb: u64) -> Result<(), Error> {
        let arg = xen_domctl_max_mem { max_memkb };
        self.domctl("domctl max_mem", XEN_DOMCTL_max_mem, domid, &arg)
            .map(drop)
    }

    /// `xc_domain_pause`.
    pub fn domain_pause(&mut self, domid: u16) -> Result<(), Error> {
        self.domctl("domctl pausedomain", XEN_DOMCTL_pausedomain, domid, &())
            .map(drop)
    }

    /// `xc_domain_unpause`.
    pub fn domain_unpause(&mut self, domid: u16) -> Result<(), Error> {
        self.domctl("domctl unpausedomain", XEN_DOMCTL_unpausedomain, domid, &())
            .map(drop)
    }

    /// `xc_domain_destroy`: retried while Xen says -EAGAIN, as libxc does (Xen itself turns
    /// the long teardown into continuations).
    pub fn domain_destroy(&mut self, domid: u16) -> Result<(), Error> {
        loop {
            match self.domctl("domctl destroydomain", XEN_DOMCTL_destroydomain, domid, &()) {
                Err(Error::Xen {
                    errno: Errno::EAGAIN,
                    ..
                }) => continue,
                other => return other.map(drop),
            }
        }
    }

    /// `xc_vcpu_getinfo`.
    pub fn vcpu_getinfo(&mut self, domid: u16, vcpu: u32) -> Result<xen_domctl_getvcpuinfo, Error> {
        let arg = xen_domctl_getvcpuinfo {
            vcpu,
            ..FromZeros::new_zeroed()
        };
        let d = self.domctl("domctl getvcpuinfo", XEN_DOMCTL_getvcpuinfo, domid, &arg)?;
        d.get().ok_or(Error::Invalid("getvcpuinfo does not fit"))
    }

    /// `xc_shadow_control(XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION)`: the paging pool, in MiB.
    pub fn shadow_set_allocation(&mut self, domid: u16, mb: u32) -> Result<(), Error> {
        let arg = xen_domctl_shadow_op {
            op: XEN_DOMCTL_SHADOW_OP_SET_ALLOCATION,
            mb,
            ..FromZeros::new_zeroed()
        };
        self.domctl("domctl shadow_op", XEN_DOMCTL_shadow_op, domid, &arg)
            .map(drop)
    }

    /// `xc_shadow_control(XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY)`: start tracking the pages the
    /// domain writes (what live migration's first pass does).
    pub fn logdirty_enable(&mut self, domid: u16) -> Result<(), Error> {
        let arg = xen_domctl_shadow_op {
            op: XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY,
            ..FromZeros::new_zeroed()
        };
        self.domctl("domctl shadow_op", XEN_DOMCTL_shadow_op, domid, &arg)
            .map(drop)
    }

    /// `xc_shadow_control(XEN_DOMCTL_SHADOW_OP_OFF)`: stop tracking.
    pub fn logdirty_disable(&mut self, domid: u16) -> Result<(), Error> {
        let arg = xen_domctl_shadow_op {
            op: XEN_DOMCTL_SHADOW_OP_OFF,
            ..FromZeros::new_zeroed()
        };
        self.domctl("domctl shadow_op", XEN_DOMCTL_shadow_op, domid, &arg)
            .map(drop)
    }

    /// `xc_shadow_control(XEN_DOMCTL_SHADOW_OP_CLEAN)` over gfns `[0, pages)`: the dirty bitmap
    /// (bit `gfn % 8` of byte `gfn / 8`) and Xen's statistics, then the bitmap is cleared.
    pub fn logdirty_clean(
        &mut self,
        domid: u16,
        pages: u64,
    ) -> Result<(Vec<u8>, xen_domctl_shadow_op_stats), Error> {
        let bytes = pages.div_ceil(8) as usize;
        let buffer = self.hc.alloc_buffer(bytes)?;
        let arg = xen_domctl_shadow_op {
            op: XEN_DOMCTL_SHADOW_OP_CLEAN,
            dirty_bitmap: GuestHandle::new(buffer.addr()),
            pages,
            ..FromZeros::new_zeroed()
        };
        let result = self
            .domctl("domctl shadow_op", XEN_DOMCTL_shadow_op, domid, &arg)
            .and_then(|d| {
                let op = d
                    .get::<xen_domctl_shadow_op>()
                    .ok_or(Error::Invalid("shadow_op does not fit"))?;
                Ok((self.hc.buffer(&buffer)[..bytes].to_vec(), op.stats))
            });
        self.hc.free_buffer(buffer);
        result
    }

    /// `xc_domain_hvm_getcontext`: the domain's HVM save image.
    pub fn domain_hvm_getcontext(&mut self, domid: u16) -> Result<Vec<u8>, Error> {
        let probe = xen_domctl_hvmcontext::new_zeroed();
        let d = self.domctl(
            "domctl gethvmcontext",
            XEN_DOMCTL_gethvmcontext,
            domid,
            &probe,
        )?;
        let size = d.get::<xen_domctl_hvmcontext>().map_or(0, |c| c.size);
        let buffer = self.hc.alloc_buffer(size as usize)?;
        let arg = xen_domctl_hvmcontext {
            size,
            buffer: GuestHandle::new(buffer.addr()),
            ..FromZeros::new_zeroed()
        };
        let result = self
            .domctl(
                "domctl gethvmcontext",
                XEN_DOMCTL_gethvmcontext,
                domid,
                &arg,
            )
            .map(|d| {
                let used = d
                    .get::<xen_domctl_hvmcontext>()
                    .map_or(0, |c| c.size.min(size));
                self.hc.buffer(&buffer)[..used as usize].to_vec()
            });
        self.hc.free_buffer(buffer);
        result
    }

    /// `xc_domain_hvm_setcontext`.
    pub fn domain_hvm_setcontext(&mut self, domid: u16, image: &[u8]) -> Result<(), Error> {
        let buffer = self.buffer_with(image)?;
        let arg = xen_domctl_hvmcontext {
            size: image.len() as u32,
            buffer: GuestHandle::new(buffer.addr()),
            ..FromZeros::new_zeroed()
        };
        let result = self.domctl(
            "domctl sethvmcontext",
            XEN_DOMCTL_sethvmcontext,
            domid,
            &arg,
        );
        self.hc.free_buffer(buffer);
        result.map(drop)
    }

    // ---- memory_op ----

    /// `xc_domain_claim_pages`: claims `nr_pages` for `domid` (0 cancels its claim).
    pub fn domain_claim_pages(&mut self, domid: u16, nr_pages: u64) -> Result<(), Error> {
        let mut arg = xen_memory_reservation {
            extent_start: GuestHandle::NULL,
            nr_extents: nr_pages,
            extent_order: 0,
            mem_flags: 0,
            domid,
            ..FromZeros::new_zeroed()
        };
        self.memory_op("memory_op claim_pages", XENMEM_claim_pages, &mut arg)
            .map(drop)
    }

    /// `xc_domain_populate_physmap`: extents of `2^order` pages at `gfns` with `mem_flags`;
    /// returns how many were populated (fewer than asked when memory ran out).
    pub fn domain_populate_physmap(
        &mut self,
        domid: u16,
        order: u32,
        mem_flags: u32,
        gfns: &[u64],
    ) -> Result<usize, Error> {
        let extents = self.buffer_with(gfns.as_bytes())?;
        let mut arg = xen_memory_reservation {
            extent_start: GuestHandle::new(extents.addr()),
            nr_extents: gfns.len() as u64,
            extent_order: order,
            mem_flags,
            domid,
            ..FromZeros::new_zeroed()
        };
        let result = self.memory_op(
            "memory_op populate_physmap",
            XENMEM_populate_physmap,
            &mut arg,
        );
        self.hc.free_buffer(extents);
        result.map(|done| done as usize)
    }

    /// `xc_domain_set_pod_target`: returns Xen's view afterwards.
    pub fn domain_set_pod_target(
        &mut self,
        domid: u16,
        target_pages: u64,
    ) -> Result<xen_pod_target, Error> {
        let mut arg = xen_pod_target {
            target_pages,
            domid,
            ..FromZeros::new_zeroed()
        };
        self.memory_op("memory_op set_pod_target", XENMEM_set_pod_target, &mut arg)?;
        Ok(arg)
    }

    /// `xc_domain_get_pod_target`.
    pub fn domain_get_pod_target(&mut self, domid: u16) -> Result<xen_pod_target, Error> {
        let mut arg = xen_pod_target {
            domid,
            ..FromZeros::new_zeroed()
        };
        self.memory_op("memory_op get_pod_target", XENMEM_get_pod_target, &mut arg)?;
        Ok(arg)
    }

    /// `xc_domain_set_memory_map`: the domain's e820 (what XENMEM_memory_map gives it).
    pub fn domain_set_memory_map(&mut self, domid: u16, map: &[E820Entry]) -> Result<(), Error> {
        let mut bytes = Vec::with_capacity(map.len() * 20);
        for e in map {
            bytes.extend_from_slice(&e.addr.to_le_bytes());
            bytes.extend_from_slice(&e.size.to_le_bytes());
            bytes.extend_from_slice(&e.kind.to_le_bytes());
        }
        let entries = self.buffer_with(&bytes)?;
        let mut arg = xen_foreign_memory_map {
            domid,
            map: xen_memory_map {
                nr_entries: map.len() as u32,
                buffer: GuestHandle::new(entries.addr()),
                ..FromZeros::new_zeroed()
            },
            ..FromZeros::new_zeroed()
        };
        let result = self.memory_op("memory_op set_memory_map", XENMEM_set_memory_map, &mut arg);
        self.hc.free_buffer(entries);
        result.map(drop)
    }

    // ---- dm_op ----

    /// `xendevicemodel_shutdown`: XEN_DMOP_remote_shutdown, the domain shuts down with
    /// `reason` as if it had called SCHEDOP_shutdown.
    pub fn remote_shutdown(&mut self, domid: u16, reason: u32) -> Result<(), Error> {
        let mut op = xen_dm_op {
            op: XEN_DMOP_remote_shutdown,
            ..FromZeros::new_zeroed()
        };
        xen_dm_op_remote_shutdown { reason }
            .write_to_prefix(op.u.as_mut_bytes())
            .map_err(|_| Error::Invalid("dm_op payload"))?;
        let op_buffer = self.buffer_with(op.as_bytes())?;
        let bufs = [xen_dm_op_buf {
            h: GuestHandle::new(op_buffer.addr()),
            size: core::mem::size_of::<xen_dm_op>() as u64,
        }];
        let bufs_buffer = match self.buffer_with(bufs.as_bytes()) {
            Ok(b) => b,
            Err(e) => {
                self.hc.free_buffer(op_buffer);
                return Err(e);
            }
        };
        let result = self.hc.hypercall(
            __HYPERVISOR_dm_op,
            [u64::from(domid), 1, bufs_buffer.addr(), 0, 0],
        );
        self.hc.free_buffer(bufs_buffer);
        self.hc.free_buffer(op_buffer);
        result.map(drop).map_err(|errno| Error::Xen {
            what: "dm_op remote_shutdown",
            errno,
        })
    }
}

/// The createdomain configuration libxl uses for a PVH guest (libxl_create.c
/// `libxl__domain_make` and libxl_x86.c `libxl__arch_domain_prepare_config`): an HVM container
/// with HAP, only the local APIC emulated, grant table v2 allowed, libxl's default limits.
pub fn pvh_createdomain_config(max_vcpus: u32, handle: [u8; 16]) -> xen_domctl_createdomain {
    xen_domctl_createdomain {
        handle,
        flags: XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        max_vcpus,
        max_evtchn_port: 1023,
        max_grant_frames: 64,
        max_maptrack_frames: 1024,
        grant_opts: 2,
        arch: xen_arch_domainconfig {
            emulation_flags: xen_public::arch_x86::xen::XEN_X86_EMU_LAPIC,
            misc_flags: 0,
        },
        ..FromZeros::new_zeroed()
    }
}
