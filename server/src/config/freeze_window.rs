//! `[[environments.freeze_windows]]`: scheduled freezes in a named time zone — weekly
//! ("Fri 16:00" to "Mon 08:00", crossing the week's end if need be), one-off dates
//! ("2026-12-20" to "2027-01-04", a date-only end meaning the end of that day), or starts by a
//! cron expression with a duration ([`super::freeze_cron`]). Wall-clock
//! times are read in the window's zone through `jiff`, so a window keeps its local hours
//! across daylight-saving changes. Pure: every function takes the instant it asks about.

use super::freeze_cron::CronWindow;
use app::domain::Duration;
use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

const WEEK_MINUTES: i64 = 7 * 24 * 60;

/// A window as written in the config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeWindowSettings {
    /// `name`: shown on pages and in refusals.
    pub name: String,
    /// `time_zone`: an IANA zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// `from`: `Fri 16:00` (weekly) or `2026-12-20` / `2026-12-20 18:00` (once).
    #[serde(default)]
    pub from: Option<String>,
    /// `to`: the same form as `from`.
    #[serde(default)]
    pub to: Option<String>,
    /// `cron`: when each window starts, five fields (`0 16 * * Fri`), with `duration`.
    #[serde(default)]
    pub cron: Option<String>,
    /// `duration`: how long each `cron` window lasts (`64h`).
    #[serde(default)]
    pub duration: Option<Duration>,
    /// `reason`: why (default: "freeze window {name}").
    #[serde(default)]
    pub reason: Option<String>,
}

/// When a window recurs.
#[derive(Debug, Clone)]
enum Schedule {
    /// Every week, minute of the week (Monday 00:00 = 0) from and to.
    Weekly { from: i64, to: i64 },
    /// Once, local date-times from and to.
    Once { from: DateTime, to: DateTime },
    /// Starting by a cron expression, each lasting a duration.
    Cron(Box<CronWindow>),
}

/// A window, parsed.
#[derive(Debug, Clone)]
pub struct FreezeWindow {
    /// Its name.
    pub name: String,
    /// Why.
    pub reason: String,
    zone: TimeZone,
    schedule: Schedule,
}

/// A stretch of time in epoch milliseconds, start included, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start (epoch ms).
    pub start: i64,
    /// End (epoch ms).
    pub end: i64,
}

fn weekday(text: &str) -> Option<Weekday> {
    let lower = text.to_ascii_lowercase();
    let days = [
        ("mon", Weekday::Monday),
        ("tue", Weekday::Tuesday),
        ("wed", Weekday::Wednesday),
        ("thu", Weekday::Thursday),
        ("fri", Weekday::Friday),
        ("sat", Weekday::Saturday),
        ("sun", Weekday::Sunday),
    ];
    days.iter()
        .find(|(short, day)| lower == *short || lower == format!("{day:?}").to_ascii_lowercase())
        .map(|(_, day)| *day)
}

/// `Fri 16:00` as minutes into the week.
fn week_minute(text: &str) -> Option<i64> {
    let (day, time) = text.trim().split_once(' ')?;
    let day = weekday(day)?;
    let (hour, minute) = time.trim().split_once(':')?;
    let (hour, minute): (i64, i64) = (hour.parse().ok()?, minute.parse().ok()?);
    ((0..24).contains(&hour) && (0..60).contains(&minute))
        .then(|| i64::from(day.to_monday_zero_offset()) * 1440 + hour * 60 + minute)
}

/// `2026-12-20` (its start, or with `end_of_day` the next day's start) or `2026-12-20 18:00`.
fn local_datetime(text: &str, end_of_day: bool) -> Option<DateTime> {
    let text = text.trim();
    // jiff reads a date out of a date-time too; only a bare date means a whole day.
    let bare_date = text.len() == "2026-12-20".len();
    if let Ok(date) = text
        .parse::<jiff::civil::Date>()
        .map_err(|_| ())
        .and_then(|d| if bare_date { Ok(d) } else { Err(()) })
    {
        let start = date.to_datetime(jiff::civil::Time::midnight());
        return if end_of_day {
            date.tomorrow()
                .ok()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        } else {
            Some(start)
        };
    }
    text.replacen(' ', "T", 1).parse::<DateTime>().ok()
}

/// A weekly or one-off schedule from `from` and `to`.
fn dated(from: &str, to: &str, key: &str) -> Result<Schedule, String> {
    Ok(match (week_minute(from), week_minute(to)) {
        (Some(from), Some(to)) if from != to => Schedule::Weekly { from, to },
        (Some(_), Some(_)) => return Err(format!("key `{key}.to`: must differ from `from`")),
        _ => {
            let from = local_datetime(from, false).ok_or_else(|| {
                format!("key `{key}.from`: must be like \"Fri 16:00\" or \"2026-12-20\" (or \"2026-12-20 18:00\")")
            })?;
            let to = local_datetime(to, true)
                .ok_or_else(|| format!("key `{key}.to`: must be of the same form as `from`"))?;
            if to <= from {
                return Err(format!("key `{key}.to`: must come after `from`"));
            }
            Schedule::Once { from, to }
        }
    })
}

impl FreezeWindow {
    /// Parses a window, naming the key and the reason when it cannot be one.
    pub fn parse(settings: &FreezeWindowSettings, key: &str) -> Result<Self, String> {
        if settings.name.trim().is_empty() {
            return Err(format!("key `{key}.name`: must not be empty"));
        }
        let zone = TimeZone::get(&settings.time_zone).map_err(|_| {
            format!(
                "key `{key}.time_zone`: {:?} is not a known time zone (e.g. Europe/Berlin)",
                settings.time_zone
            )
        })?;
        let schedule = match (settings, &settings.cron) {
            (
                FreezeWindowSettings {
                    from: None,
                    to: None,
                    ..
                },
                Some(cron),
            ) => {
                let duration = settings.duration.ok_or_else(|| {
                    format!("key `{key}.duration`: a cron window says how long it lasts (\"64h\")")
                })?;
                Schedule::Cron(Box::new(CronWindow::parse(
                    cron,
                    &settings.time_zone,
                    duration.as_millis_i64(),
                    key,
                )?))
            }
            (_, Some(_)) => {
                return Err(format!(
                    "key `{key}.cron`: a window has either `cron` and `duration` or `from` and `to`"
                ))
            }
            (
                FreezeWindowSettings {
                    from: Some(from),
                    to: Some(to),
                    duration: None,
                    ..
                },
                None,
            ) => dated(from, to, key)?,
            (
                FreezeWindowSettings {
                    duration: Some(_), ..
                },
                None,
            ) => {
                return Err(format!(
                    "key `{key}.duration`: only a `cron` window has a duration"
                ))
            }
            _ => {
                return Err(format!(
                    "key `{key}.from`: a window needs `from` and `to` (or `cron` and `duration`)"
                ))
            }
        };
        Ok(Self {
            name: settings.name.trim().to_owned(),
            reason: settings
                .reason
                .clone()
                .unwrap_or_else(|| format!("freeze window {}", settings.name.trim())),
            zone,
            schedule,
        })
    }

    fn instant(&self, local: DateTime) -> i64 {
        self.zone
            .to_zoned_datetime(local)
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(i64::MAX)
    }

    /// The occurrence that holds `now`, or else the next one (none for a one-off window
    /// that is over).
    pub fn current_or_next(&self, now: i64) -> Option<Span> {
        let instant = jiff::Timestamp::from_millisecond(now).ok()?;
        let local = instant.to_zoned_datetime(self.zone.clone()).datetime();
        match &self.schedule {
            Schedule::Cron(cron) => cron
                .current_or_next(now)
                .map(|(start, end)| Span { start, end }),
            Schedule::Once { from, to } => {
                let span = Span {
                    start: self.instant(*from),
                    end: self.instant(*to),
                };
                (now < span.end).then_some(span)
            }
            Schedule::Weekly { from, to } => {
                let minute = local
                    .time()
                    .with()
                    .second(0)
                    .subsec_nanosecond(0)
                    .build()
                    .ok()?;
                let local = local.date().to_datetime(minute);
                let at = i64::from(local.weekday().to_monday_zero_offset()) * 1440
                    + i64::from(local.hour()) * 60
                    + i64::from(local.minute());
                let length = (to - from).rem_euclid(WEEK_MINUTES);
                let since_start = (at - from).rem_euclid(WEEK_MINUTES);
                let start_local = if since_start < length {
                    local
                        .checked_sub(jiff::Span::new().minutes(since_start))
                        .ok()?
                } else {
                    local
                        .checked_add(jiff::Span::new().minutes(WEEK_MINUTES - since_start))
                        .ok()?
                };
                let end_local = start_local
                    .checked_add(jiff::Span::new().minutes(length))
                    .ok()?;
                let span = Span {
                    start: self.instant(start_local),
                    end: self.instant(end_local),
                };
                // A start skipped by a daylight-saving gap still counts from the gap on.
                Some(span)
            }
        }
    }

    /// The occurrence in force at `now`, if any.
    pub fn active(&self, now: i64) -> Option<Span> {
        self.current_or_next(now)
            .filter(|span| span.start <= now && now < span.end)
    }
}

#[cfg(test)]
#[path = "freeze_window_tests.rs"]
mod tests;
