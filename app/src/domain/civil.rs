//! Calendar arithmetic and RFC 3339 text for [`super::timestamp::Timestamp`], written here
//! rather than taken from the `time` crate because every page's code carries it: `time`'s
//! general parser and formatter were about 30 kB of the browser build, for the one format we
//! exchange. Dates are proleptic Gregorian, times UTC (the day algorithms are Howard
//! Hinnant's `days_from_civil` / `civil_from_days`). The tests check both directions against
//! the `time` crate.

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A UTC calendar date and time of day, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// The year (proleptic Gregorian).
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    /// 0 to 23.
    pub hour: u32,
    /// 0 to 59.
    pub minute: u32,
    /// 0 to 59.
    pub second: u32,
    /// 0 to 999.
    pub millisecond: u32,
}

/// Days from 1970-01-01 to `year`-`month`-`day`.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * i64::from((month + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` days after 1970-01-01, as (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days in `month` of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Civil {
    /// The moment `millis` after the epoch, in UTC.
    pub fn from_millis(millis: i64) -> Self {
        let (year, month, day) = civil_from_days(millis.div_euclid(DAY_MS));
        let of_day = millis.rem_euclid(DAY_MS);
        Self {
            year,
            month,
            day,
            hour: (of_day / 3_600_000) as u32,
            minute: (of_day / 60_000 % 60) as u32,
            second: (of_day / 1000 % 60) as u32,
            millisecond: (of_day % 1000) as u32,
        }
    }
}

/// A fixed-width run of ASCII digits, or `None`.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `text`, checked to be a real date: days since the epoch.
pub fn parse_date_prefix(text: &[u8]) -> Option<i64> {
    if text.len() < 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let year = i64::from(digits(&text[..4])?);
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Parses RFC 3339 (`2026-11-21T21:43:29.123Z`, `…+01:00`; `T` or `t`, `Z` or `z`, any
/// number of fraction digits, kept to the millisecond): milliseconds since the epoch.
pub fn parse_rfc3339(input: &str) -> Option<i64> {
    let text = input.as_bytes();
    let days = parse_date_prefix(text)?;
    let time = text.get(10..)?;
    if time.len() < 9 || !matches!(time[0], b'T' | b't') || time[3] != b':' || time[6] != b':' {
        return None;
    }
    let (hour, minute, second) = (
        digits(&time[1..3])?,
        digits(&time[4..6])?,
        digits(&time[7..9])?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &time[9..];
    let mut nanos: i64 = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        for (place, &c) in fraction[..count.min(9)].iter().enumerate() {
            nanos += i64::from(c - b'0') * 10i64.pow(8 - place as u32);
        }
        rest = &fraction[count..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = i64::from(hours * 60 + minutes);
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let seconds =
        days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    // The epoch's nanoseconds divided towards zero, as `time` gave them before this module.
    let since_epoch = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    Some((since_epoch / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    fn oracle(text: &str) -> Option<i64> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(|dt| (dt.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    #[test]
    fn dates_match_the_time_crate_from_year_zero_to_9999_both_ways() {
        let first = days_from_civil(0, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        for days in (first..=last).step_by(7) {
            let (year, month, day) = civil_from_days(days);
            let date = time::Date::from_julian_day((days + 2_440_588) as i32).expect("date");
            assert_eq!(
                (year, month, day),
                (
                    i64::from(date.year()),
                    u8::from(date.month()).into(),
                    date.day().into()
                ),
                "day {days}"
            );
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn times_of_day_match_the_time_crate_before_and_after_the_epoch() {
        for millis in (-2_000_000_000_000i64..4_000_000_000_000).step_by(999_999_937) {
            let c = Civil::from_millis(millis);
            let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
                .expect("in range");
            assert_eq!(
                (
                    c.year,
                    c.month,
                    c.day,
                    c.hour,
                    c.minute,
                    c.second,
                    c.millisecond
                ),
                (
                    i64::from(dt.year()),
                    u32::from(u8::from(dt.month())),
                    u32::from(dt.day()),
                    u32::from(dt.hour()),
                    u32::from(dt.minute()),
                    u32::from(dt.second()),
                    u32::from(dt.millisecond())
                ),
                "{millis}"
            );
        }
    }

    #[test]
    fn rfc3339_offsets_fractions_and_lower_case_parse_as_the_time_crate_does() {
        for text in [
            "2026-11-21T21:43:29Z",
            "2026-11-21T21:43:29.1Z",
            "2026-11-21T21:43:29.123Z",
            "2026-11-21T21:43:29.123456789Z",
            "2026-11-21T21:43:29.1234567891234Z",
            "2026-11-21t21:43:29.5z",
            "2026-11-21T21:43:29+01:00",
            "2026-11-21T00:10:00.25+05:30",
            "2026-11-21T23:59:59.999-11:45",
            "2024-02-29T12:00:00Z",
            "2000-02-29T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "1900-03-01T00:00:00-00:00",
            "0001-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(text), oracle(text), "{text}");
            assert!(parse_rfc3339(text).is_some(), "{text}");
        }
    }

    #[test]
    fn impossible_or_incomplete_rfc3339_is_refused() {
        for text in [
            "",
            "2026-11-21",
            "2026-11-21T21:43Z",
            "2026-11-21T21:43:29",
            "2026-11-21 21:43:29Z",
            "2026-11-21T21:43:29.Z",
            "2026-11-21T21:43:29ZZ",
            "2026-11-21T24:00:00Z",
            "2026-11-21T23:60:00Z",
            "2025-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-11-21T21:43:29+24:00",
            "2026-11-21T21:43:29+01:60",
            "2026-11-21T21:43:29+0100",
            "+2026-11-21T21:43:29Z",
            "2026-11-2１T21:43:29Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }
}
