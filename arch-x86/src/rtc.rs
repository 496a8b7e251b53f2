//! The CMOS real-time clock, read once at boot for the wallclock (Xen's `get_cmos_time` in
//! xen/arch/x86/time.c). The date arithmetic is `days_from_civil`, below, tested on the host.

/// Seconds since the epoch for a UTC calendar time (Xen's `mktime`).
pub fn unix_time(year: u64, month: u64, day: u64, hour: u64, min: u64, sec: u64) -> u64 {
    days_from_civil(year, month, day) * 86_400 + hour * 3_600 + min * 60 + sec
}

/// Days from 1970-01-01 to `year`-`month`-`day` (proleptic Gregorian), for years from 1970.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    // Count years from March, so the leap day ends a year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg_attr(not(any(test, target_os = "none")), allow(dead_code))]
fn bcd(v: u8) -> u64 {
    u64::from(v & 0xf) + u64::from(v >> 4) * 10
}

/// The RTC's time as seconds since the epoch: waits for an update to finish (register A's
/// update-in-progress bit), then reads the registers, decoding BCD unless register B says
/// binary. Years below 70 are 20xx, as in Xen.
#[cfg(target_os = "none")]
pub fn read_cmos_time() -> u64 {
    fn cmos(reg: u8) -> u8 {
        // SAFETY: ports 0x70/0x71 are the CMOS index and data ports; this runs at boot, before
        // any guest exists to use them. Selecting a register and reading it has no other
        // effect. Bit 7 of the index (NMI disable) is left clear, as the firmware leaves it.
        unsafe {
            crate::io::outb(0x70, reg);
            crate::io::inb(0x71)
        }
    }
    const UIP: u8 = 0x80;
    // An update takes under 2 ms; wait for one to start then end, or give up after a while.
    for _ in 0..1_000_000 {
        if cmos(0x0a) & UIP != 0 {
            break;
        }
    }
    for _ in 0..1_000_000 {
        if cmos(0x0a) & UIP == 0 {
            break;
        }
    }
    let raw = [
        cmos(0x00),
        cmos(0x02),
        cmos(0x04),
        cmos(0x07),
        cmos(0x08),
        cmos(0x09),
    ];
    let binary = cmos(0x0b) & 0x04 != 0;
    let [sec, min, hour, day, mon, year] = raw.map(|v| if binary { u64::from(v) } else { bcd(v) });
    let year = if year < 70 { 2000 + year } else { 1900 + year };
    unix_time(year, mon.clamp(1, 12), day.max(1), hour, min, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_times_become_unix_seconds() {
        assert_eq!(unix_time(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(unix_time(2000, 3, 1, 0, 0, 0), 951_868_800);
        assert_eq!(unix_time(2024, 2, 29, 12, 34, 56), 1_709_210_096);
        assert_eq!(unix_time(2026, 12, 7, 20, 50, 42), 1_796_676_642);
    }

    #[test]
    fn bcd_digits_decode() {
        assert_eq!(bcd(0x59), 59);
        assert_eq!(bcd(0x07), 7);
    }
}
