//! System time and what guests see of it (xen/arch/x86/time.c, xen/common/time.c).
//!
//! System time is nanoseconds since boot (Xen's `s_time_t`, `NOW()`), derived from the TSC: a
//! stamp (a TSC value and the system time it stood for) and a scale from TSC ticks to ns,
//! computed from the TSC frequency the arch layer calibrated. Xen keeps a stamp per CPU and
//! re-calibrates each second against the platform timer; xen-rs runs on one CPU with an
//! invariant TSC, so one stamp taken at calibration holds.
//!
//! Guests read it from `vcpu_time_info` records (in each vcpu_info, and in the area a vCPU
//! registers with VCPUOP_register_vcpu_time_memory_area) under a version protocol: the version is
//! odd while the record changes, so a reader retries until it reads the same even version before
//! and after. The wallclock (`wc_sec`, `wc_nsec`, `wc_sec_hi` in shared_info) is the time of day
//! at system time 0, from the CMOS RTC at boot and from XENPF_settime later.

use xen_mm::frame::{FrameAccess, Mfn};
use xen_mm::lock_order::WALLCLOCK;
use xen_mm::p2m::format::P2mFormat;
use xen_mm::sync::atomic::{AtomicU64, Ordering};
use xen_mm::sync::Mutex;
use xen_public::xen::vcpu_time_info;
use zerocopy::{FromZeros, IntoBytes};

use crate::domain::Life;
use crate::hypervisor::Hypervisor;

/// Nanoseconds in a second.
pub const NSEC_PER_SEC: u64 = 1_000_000_000;

/// A conversion from TSC ticks to nanoseconds: shift, then multiply by a 32.32 fraction (Xen's
/// `struct time_scale`, the `tsc_to_system_mul` and `tsc_shift` of `vcpu_time_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeScale {
    /// The multiplier, a fraction of 2^32.
    pub mul_frac: u32,
    /// The shift applied first: left if positive, right if negative.
    pub shift: i8,
}

impl TimeScale {
    /// The scale for a clock of `ticks_per_sec` (Xen's `set_time_scale`): the frequency is
    /// shifted into (1 GHz, 2 GHz], then `mul_frac` is 1 GHz divided by it. `None` for 0.
    pub fn for_frequency(ticks_per_sec: u64) -> Option<TimeScale> {
        if ticks_per_sec == 0 {
            return None;
        }
        let mut tps64 = ticks_per_sec;
        let mut shift: i8 = 0;
        while tps64 > 2 * NSEC_PER_SEC {
            tps64 >>= 1;
            shift -= 1;
        }
        let mut tps32 = tps64 as u32;
        while tps32 <= NSEC_PER_SEC as u32 {
            tps32 <<= 1;
            shift += 1;
        }
        // `div_frac(1e9, tps32)`: (1e9 << 32) / tps32, below 2^32 since tps32 > 1e9.
        let mul_frac = ((NSEC_PER_SEC << 32) / u64::from(tps32)) as u32;
        Some(TimeScale { mul_frac, shift })
    }

    /// `delta` ticks in nanoseconds (Xen's `scale_delta`, and the guest's pvclock arithmetic).
    pub fn scale(self, delta: u64) -> u64 {
        let shifted = if self.shift < 0 {
            delta >> -self.shift
        } else {
            delta << self.shift
        };
        ((u128::from(shifted) * u128::from(self.mul_frac)) >> 32) as u64
    }
}

/// The hypervisor's clock: the calibrated TSC and the wallclock at system time 0.
pub struct Clock {
    read_tsc: fn() -> u64,
    /// The TSC frequency, Hz.
    tsc_hz: AtomicU64,
    /// The TSC at system time `stamp_stime`.
    stamp_tsc: AtomicU64,
    stamp_stime: AtomicU64,
    /// `mul_frac | shift << 32`.
    scale: AtomicU64,
    /// The wallclock at system time 0 in nanoseconds, modulo 2^64: the `x` of Xen's
    /// `do_settime`, of which `wc_sec` and `wc_nsec` are the quotient and remainder by 10^9.
    /// One word, so that seconds and nanoseconds are never read torn.
    wc_ns: AtomicU64,
    /// Xen's `wc_lock`: serialises setting the wallclock and writing it into a shared_info.
    wc_lock: Mutex<()>,
}

impl Clock {
    /// A clock reading the TSC with `read_tsc`, not calibrated yet: its time stands at 0 until
    /// [`calibrate`](Self::calibrate) gives it a frequency.
    pub fn new(read_tsc: fn() -> u64) -> Self {
        Clock {
            read_tsc,
            tsc_hz: AtomicU64::new(0),
            stamp_tsc: AtomicU64::new(0),
            stamp_stime: AtomicU64::new(0),
            scale: AtomicU64::new(0),
            wc_ns: AtomicU64::new(0),
            wc_lock: Mutex::new(WALLCLOCK, ()),
        }
    }

    /// Sets the TSC frequency; system time goes on from where it is, counted at that rate.
    /// A frequency of 0 is ignored.
    pub fn calibrate(&self, tsc_hz: u64) {
        let Some(scale) = TimeScale::for_frequency(tsc_hz) else {
            return;
        };
        let tsc = (self.read_tsc)();
        let now = self.now_at(tsc);
        self.stamp_tsc.store(tsc, Ordering::SeqCst);
        self.stamp_stime.store(now, Ordering::SeqCst);
        self.scale.store(
            u64::from(scale.mul_frac) | (u64::from(scale.shift as u8) << 32),
            Ordering::SeqCst,
        );
        self.tsc_hz.store(tsc_hz, Ordering::SeqCst);
    }

    /// The TSC frequency, Hz (0 before calibration).
    pub fn tsc_hz(&self) -> u64 {
        self.tsc_hz.load(Ordering::SeqCst)
    }

    /// The TSC-to-ns scale in force.
    pub fn scale(&self) -> TimeScale {
        let packed = self.scale.load(Ordering::SeqCst);
        TimeScale {
            mul_frac: packed as u32,
            shift: (packed >> 32) as u8 as i8,
        }
    }

    /// The TSC now.
    pub fn tsc(&self) -> u64 {
        (self.read_tsc)()
    }

    /// System time at TSC value `tsc` (`get_s_time_fixed`).
    pub fn now_at(&self, tsc: u64) -> u64 {
        let delta = tsc.wrapping_sub(self.stamp_tsc.load(Ordering::SeqCst));
        self.stamp_stime.load(Ordering::SeqCst) + self.scale().scale(delta)
    }

    /// System time now (`NOW()`), in ns since boot.
    pub fn now(&self) -> u64 {
        self.now_at(self.tsc())
    }

    /// The `vcpu_time_info` a guest needs to compute system time from its TSC (the fields of
    /// `__update_vcpu_system_time`, guest TSC = host TSC), version left 0. No flags:
    /// XEN_PVCLOCK_TSC_STABLE_BIT says records of different vCPUs may be compared without a
    /// monotonicity check, which Xen says only when booted with `clocksource=tsc`
    /// (`clocksource_is_tsc`), not by default; xen-rs leaves it clear as Xen 4.17 does in the
    /// recorded conformance run, so guests keep their check.
    pub fn time_info(&self) -> vcpu_time_info {
        let scale = self.scale();
        let mut info = vcpu_time_info::new_zeroed();
        info.tsc_timestamp = self.stamp_tsc.load(Ordering::SeqCst);
        info.system_time = self.stamp_stime.load(Ordering::SeqCst);
        info.tsc_to_system_mul = scale.mul_frac;
        info.tsc_shift = scale.shift;
        info.flags = 0;
        info
    }

    /// Sets the wallclock to `secs`.`nsecs` since the epoch as of system time `system_time_base`
    /// (the first half of Xen's `do_settime`): what is stored is the wallclock at system time 0,
    /// `SECONDS(secs) + nsecs - system_time_base` in 64-bit arithmetic that wraps as Xen's does
    /// (a base later than the time set gives a wallclock near 2^64 ns, as in Xen), under
    /// `wc_lock`. The domains' copies are not touched: see [`do_settime`].
    pub fn set_wallclock(&self, secs: u64, nsecs: u32, system_time_base: u64) {
        let x = secs
            .wrapping_mul(NSEC_PER_SEC)
            .wrapping_add(u64::from(nsecs))
            .wrapping_sub(system_time_base);
        let _wc = self.wc_lock.lock();
        self.wc_ns.store(x, Ordering::SeqCst);
    }

    /// The wallclock at system time 0: (seconds, nanoseconds), Xen's `wc_sec` and `wc_nsec`
    /// (`do_div(x, 1000000000)`).
    pub fn wallclock(&self) -> (u64, u32) {
        let x = self.wc_ns.load(Ordering::SeqCst);
        (x / NSEC_PER_SEC, (x % NSEC_PER_SEC) as u32)
    }

    /// Writes the wallclock into the shared_info page `shared_info` under `wc_lock` (Xen's
    /// `update_domain_wallclock_time`, with no per-domain time offset). The caller keeps the
    /// page alive (see [`do_settime`]).
    pub fn update_domain_wallclock<F: FrameAccess>(&self, frames: &F, shared_info: Mfn) {
        let _wc = self.wc_lock.lock();
        let (wc_sec, wc_nsec) = self.wallclock();
        write_wallclock(frames, shared_info, wc_sec, wc_nsec);
    }
}

/// Xen's `do_settime` (xen/common/time.c): sets the wallclock so that it reads `secs`.`nsecs`
/// at system time `system_time_base`, then writes it into every domain's shared_info
/// (`for_each_domain ( d ) update_domain_wallclock_time(d)`). A domain that is already dead (its
/// shared_info page gone back to the heap) is skipped: each domain's state lock is held while its
/// page is written, and a domain is marked dead under that lock before the page is freed.
pub fn do_settime<F: FrameAccess, Fmt: P2mFormat>(
    hv: &Hypervisor<F, Fmt>,
    secs: u64,
    nsecs: u32,
    system_time_base: u64,
) {
    hv.clock.set_wallclock(secs, nsecs, system_time_base);
    for d in hv.domains.list_from(0, usize::MAX) {
        let st = d.state();
        if st.life != Life::Dead {
            hv.clock.update_domain_wallclock(&hv.heap, d.shared_info);
        }
        drop(st);
    }
}

/// The version a record takes while it changes (`version_update_begin`): odd.
fn version_update_begin(version: u32) -> u32 {
    version.wrapping_add(1) | 1
}

/// The version it takes once changed (`version_update_end`): the next even one.
fn version_update_end(version: u32) -> u32 {
    version.wrapping_add(1) & !1
}

/// Writes `info` as the `vcpu_time_info` at word `word` of frame `mfn` under the version
/// protocol (`__update_vcpu_system_time`): the version goes odd, the fields are written, the
/// version goes even, each step a release store after the previous one. The record's own version
/// is carried on; `info.version` is ignored. Returns the version written.
pub fn write_time_info<F: FrameAccess>(
    frames: &F,
    mfn: Mfn,
    word: usize,
    info: &vcpu_time_info,
) -> u32 {
    let old = frames.read_u64(mfn, word) as u32;
    let busy = version_update_begin(old);
    frames.write_u64(mfn, word, u64::from(busy));
    let mut record = *info;
    record.version = busy;
    let bytes = record.as_bytes();
    for i in 1..4 {
        let w = u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes"));
        frames.write_u64(mfn, word + i, w);
    }
    let done = version_update_end(busy);
    frames.write_u64(mfn, word, u64::from(done));
    done
}

/// Writes the domain's wallclock into its shared_info (`update_domain_wallclock_time`):
/// `wc_version` odd, then `wc_nsec` and `wc_sec_hi`, then `wc_sec` with the version made even.
/// `wc_version` and `wc_sec` share one 64-bit word, so the last step is one store; a reader that
/// saw the old even version sees a different one after, and retries.
pub fn write_wallclock<F: FrameAccess>(frames: &F, shared_info: Mfn, wc_sec: u64, wc_nsec: u32) {
    /// `wc_version` (low half) and `wc_sec` (high half); `wc_nsec` and `wc_sec_hi` follow.
    const WC_WORD: usize = 3072 / 8;
    let old = frames.read_u64(shared_info, WC_WORD);
    let busy = version_update_begin(old as u32);
    frames.write_u64(shared_info, WC_WORD, (old & !0xffff_ffff) | u64::from(busy));
    frames.write_u64(
        shared_info,
        WC_WORD + 1,
        u64::from(wc_nsec) | (wc_sec >> 32 << 32),
    );
    frames.write_u64(
        shared_info,
        WC_WORD,
        u64::from(version_update_end(busy)) | (wc_sec << 32),
    );
}

/// Refreshes vCPU `v`'s time record in its vcpu_info (`__update_vcpu_system_time`): skipped when
/// the record already says the same, unless `force`. Returns the record when it was written, for
/// the copy in the vCPU's registered time area.
pub fn update_vcpu_system_time<F: FrameAccess>(
    clock: &Clock,
    frames: &F,
    v: &crate::vcpu::Vcpu,
    force: bool,
) -> Option<vcpu_time_info> {
    let (mfn, word) = v.vcpu_info().word(crate::vcpu::layout::TIME)?;
    let info = clock.time_info();
    let bytes = info.as_bytes();
    let unchanged = (1..4).all(|i| {
        frames.read_u64(mfn, word + i)
            == u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes"))
    });
    if unchanged && !force {
        return None;
    }
    let version = write_time_info(frames, mfn, word, &info);
    let mut written = info;
    written.version = version;
    Some(written)
}

/// Copies `info` to the time area `v` registered (`update_secondary_system_time`) through
/// `guest`, the vCPU's own memory: the version made odd, the record, the version made even. A
/// failed copy leaves the area as far as it got, as in Xen.
pub fn update_secondary_system_time<G: crate::guest::GuestMemory>(
    guest: &mut G,
    area: u64,
    info: &vcpu_time_info,
) {
    // `info` carries the even version the vcpu_info record ended with; the odd one before it
    // marks the copy as changing.
    let mut during = *info;
    during.version = info.version.wrapping_sub(1);
    if guest
        .copy_to_guest(area, &during.version.to_le_bytes())
        .is_err()
    {
        return;
    }
    let _ = guest.copy_to_guest(area, during.as_bytes());
    let _ = guest.copy_to_guest(area, &info.version.to_le_bytes());
}
