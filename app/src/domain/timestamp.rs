//! A moment in time as milliseconds since the Unix epoch, shown and exchanged as RFC 3339.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// Milliseconds since 1970-01-01T00:00:00Z. Stored as a number, exchanged as RFC 3339 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// The instant as `OffsetDateTime` in UTC.
    pub fn to_datetime(self) -> OffsetDateTime {
        let nanos = i128::from(self.0) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-21T21:43:29.123Z`.
    pub fn to_rfc3339(self) -> String {
        let dt = self.to_datetime();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
            dt.millisecond()
        )
    }

    /// A compact form for tables: `2026-11-21 21:43 UTC`.
    pub fn to_display(self) -> String {
        let dt = self.to_datetime();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            dt.year(),
            u8::from(dt.month()),
            dt.day(),
            dt.hour(),
            dt.minute()
        )
    }

    /// Parses RFC 3339 text.
    pub fn parse_rfc3339(input: &str) -> Result<Self, String> {
        let dt = OffsetDateTime::parse(input, &Rfc3339)
            .map_err(|_| "must be an RFC 3339 timestamp".to_owned())?;
        Ok(Self((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// Parses a calendar date `YYYY-MM-DD` as the start of that day in UTC.
    pub fn parse_date(input: &str) -> Result<Self, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(input, &format)
            .map_err(|_| "must be a date, YYYY-MM-DD".to_owned())?;
        Ok(Self(date.midnight().assume_utc().unix_timestamp() * 1000))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_rfc3339_round_trip() {
        let at = Timestamp::from_millis(1_795_303_409_123);
        let text = at.to_rfc3339();
        assert_eq!(text, "2026-11-21T23:23:29.123Z");
        assert_eq!(Timestamp::parse_rfc3339(&text), Ok(at));
    }

    #[test]
    fn dates_are_midnight_utc() {
        assert_eq!(
            Timestamp::parse_date("1970-01-02"),
            Ok(Timestamp::from_millis(86_400_000))
        );
        assert!(Timestamp::parse_date("1970-13-02").is_err());
        assert!(Timestamp::parse_date("yesterday").is_err());
    }
}
