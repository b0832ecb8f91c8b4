//! Provider timestamps in Asia/Dhaka (UTC+6, no DST), as docs/providers.md A.16 and B.3 give them.
//!
//! The clock is an argument (unix milliseconds); nothing here reads the time.
//! Formats: bKash `2024-11-25T14:07:02:118 GMT+0600` (a colon before the
//! milliseconds), bKash refund items `2024-11-26T10:12:44:000` (no zone),
//! compact `20241125140702` (Nagad `datetime`, bKash webhook `dateTime`),
//! Nagad verify `2024-11-25 14:05:33.0`.

/// Dhaka is UTC+6 all year.
pub const DHAKA_OFFSET_SECS: i64 = 6 * 3600;

/// A civil date and time on Dhaka's wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DhakaTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub milli: u16,
}

impl DhakaTime {
    /// The Dhaka wall-clock time of a unix instant in milliseconds.
    pub fn from_unix_millis(ms: i64) -> DhakaTime {
        let local = ms.div_euclid(1000) + DHAKA_OFFSET_SECS;
        let milli = ms.rem_euclid(1000) as u16;
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        DhakaTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs % 3600 / 60) as u8,
            second: (secs % 60) as u8,
            milli,
        }
    }

    /// The unix instant in milliseconds of this Dhaka wall-clock time.
    pub fn to_unix_millis(self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let local = days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        (local - DHAKA_OFFSET_SECS) * 1000 + i64::from(self.milli)
    }

    /// `20241125140702`
    pub fn compact(self) -> String {
        let mut s = String::with_capacity(14);
        push_num(&mut s, self.year as u32, 4);
        for (v, w) in [
            (self.month, 2),
            (self.day, 2),
            (self.hour, 2),
            (self.minute, 2),
            (self.second, 2),
        ] {
            push_num(&mut s, u32::from(v), w);
        }
        s
    }

    /// `20241125` (Nagad's `originalRequestDate`).
    pub fn ymd_compact(self) -> String {
        let mut s = String::with_capacity(8);
        push_num(&mut s, self.year as u32, 4);
        push_num(&mut s, u32::from(self.month), 2);
        push_num(&mut s, u32::from(self.day), 2);
        s
    }

    /// `2024-11-25` (our reports' day key).
    pub fn ymd_dashed(self) -> String {
        let mut s = String::with_capacity(10);
        push_num(&mut s, self.year as u32, 4);
        s.push('-');
        push_num(&mut s, u32::from(self.month), 2);
        s.push('-');
        push_num(&mut s, u32::from(self.day), 2);
        s
    }

    /// `2024-11-25T14:07:02:118` (no zone: bKash refund-status items).
    pub fn bkash_local(self) -> String {
        let mut s = self.ymd_dashed();
        s.push('T');
        push_num(&mut s, u32::from(self.hour), 2);
        s.push(':');
        push_num(&mut s, u32::from(self.minute), 2);
        s.push(':');
        push_num(&mut s, u32::from(self.second), 2);
        s.push(':');
        push_num(&mut s, u32::from(self.milli), 3);
        s
    }

    /// `2024-11-25T14:07:02:118 GMT+0600` (bKash create/execute/query times).
    pub fn bkash(self) -> String {
        let mut s = self.bkash_local();
        s.push_str(" GMT+0600");
        s
    }

    /// `2024-11-25 14:05:33.0` (Nagad verify, as a real reply shows it).
    pub fn nagad_verify(self) -> String {
        let mut s = self.ymd_dashed();
        s.push(' ');
        push_num(&mut s, u32::from(self.hour), 2);
        s.push(':');
        push_num(&mut s, u32::from(self.minute), 2);
        s.push(':');
        push_num(&mut s, u32::from(self.second), 2);
        s.push('.');
        s.push(char::from(b'0' + (self.milli / 100) as u8));
        s
    }

    /// Parses any provider format listed at the top of this module. An explicit
    /// zone other than `GMT+0600` is refused (no provider sends one).
    pub fn parse(s: &str) -> Option<DhakaTime> {
        let s = s.trim();
        if s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) {
            return DhakaTime::checked(
                num(s, 0, 4)? as i32,
                num(s, 4, 2)? as u8,
                num(s, 6, 2)? as u8,
                num(s, 8, 2)? as u8,
                num(s, 10, 2)? as u8,
                num(s, 12, 2)? as u8,
                0,
            );
        }
        let s = match s.strip_suffix(" GMT+0600") {
            Some(rest) => rest,
            None if s.contains("GMT") || s.contains('+') => return None,
            None => s,
        };
        let b = s.as_bytes();
        if b.len() < 19 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        if !matches!(b.get(10), Some(b'T' | b' ')) || b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
            return None;
        }
        let milli = match s.get(19..) {
            Some("") => 0,
            Some(frac) if matches!(frac.as_bytes().first(), Some(b':' | b'.')) => {
                let digits = frac.get(1..)?;
                if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|d| d.is_ascii_digit()) {
                    return None;
                }
                // ".0" is tenths, ":118" milliseconds: scale to three places.
                let v = num(digits, 0, digits.len())?;
                (v * 10u32.pow(3 - digits.len() as u32)) as u16
            }
            _ => return None,
        };
        DhakaTime::checked(
            num(s, 0, 4)? as i32,
            num(s, 5, 2)? as u8,
            num(s, 8, 2)? as u8,
            num(s, 11, 2)? as u8,
            num(s, 14, 2)? as u8,
            num(s, 17, 2)? as u8,
            milli,
        )
    }

    fn checked(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8, milli: u16) -> Option<DhakaTime> {
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60
            && milli < 1000;
        valid.then_some(DhakaTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            milli,
        })
    }
}

fn num(s: &str, at: usize, len: usize) -> Option<u32> {
    let part = s.get(at..at + len)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.bytes()
        .try_fold(0u32, |n, b| n.checked_mul(10)?.checked_add(u32::from(b - b'0')))
}

fn push_num(s: &mut String, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut n = v;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        s.push('0');
    }
    for &b in &buf[i..] {
        s.push(char::from(b));
    }
}

pub(crate) fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

pub(crate) fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-11-25 14:05:31.412 in Dhaka = 08:05:31.412 UTC.
    const CREATE_MS: i64 = 1_732_521_931_412;

    #[test]
    fn formats_the_providers_examples() {
        let t = DhakaTime::from_unix_millis(CREATE_MS);
        assert_eq!(t.bkash(), "2024-11-25T14:05:31:412 GMT+0600");
        assert_eq!(t.compact(), "20241125140531");
        assert_eq!(t.ymd_compact(), "20241125");
        assert_eq!(t.nagad_verify(), "2024-11-25 14:05:31.4");
    }

    #[test]
    fn parses_every_provider_format() {
        let want = DhakaTime::from_unix_millis(CREATE_MS);
        assert_eq!(DhakaTime::parse("2024-11-25T14:05:31:412 GMT+0600"), Some(want));
        assert_eq!(DhakaTime::parse("2024-11-25T14:05:31:412"), Some(want));
        let whole = DhakaTime { milli: 0, ..want };
        assert_eq!(DhakaTime::parse("20241125140531"), Some(whole));
        assert_eq!(DhakaTime::parse("2024-11-25 14:05:31.0"), Some(whole));
        assert_eq!(DhakaTime::parse("2024-11-25 14:05:31"), Some(whole));
    }

    #[test]
    fn refuses_garbage_and_other_zones() {
        for bad in [
            "",
            "2024",
            "20241325140531",
            "2024-11-25T14:05:31:412 GMT+0000",
            "2024-02-30 10:00:00",
            "2024-11-25T14:05:31:4x2",
        ] {
            assert_eq!(DhakaTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trips_through_unix_millis() {
        for ms in [0, CREATE_MS, -86_400_000, 4_102_444_800_000, 951_782_400_000] {
            assert_eq!(DhakaTime::from_unix_millis(ms).to_unix_millis(), ms);
        }
    }

    #[test]
    fn utc_evening_is_next_day_in_dhaka() {
        // 2024-11-25T21:00:00Z is 03:00 on the 26th in Dhaka (the reconciliation cron).
        let t = DhakaTime::from_unix_millis(1_732_568_400_000);
        assert_eq!((t.day, t.hour), (26, 3));
    }
}
