//! A moment in time as milliseconds since the Unix epoch, shown and exchanged as RFC 3339.

use super::civil::{self, Civil, DAY_MS};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

    /// The instant's UTC date and time of day.
    pub fn to_civil(self) -> Civil {
        Civil::from_millis(self.0)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-21T21:43:29.123Z`.
    pub fn to_rfc3339(self) -> String {
        let c = self.to_civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond
        )
    }

    /// A compact form for tables: `2026-11-21 21:43 UTC`.
    pub fn to_display(self) -> String {
        let c = self.to_civil();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            c.year, c.month, c.day, c.hour, c.minute
        )
    }

    /// Parses RFC 3339 text.
    pub fn parse_rfc3339(input: &str) -> Result<Self, String> {
        civil::parse_rfc3339(input)
            .map(Self)
            .ok_or_else(|| "must be an RFC 3339 timestamp".to_owned())
    }

    /// Parses a calendar date `YYYY-MM-DD` as the start of that day in UTC.
    pub fn parse_date(input: &str) -> Result<Self, String> {
        match civil::parse_date_prefix(input.as_bytes()) {
            Some(days) if input.len() == 10 => Ok(Self(days * DAY_MS)),
            _ => Err("must be a date, YYYY-MM-DD".to_owned()),
        }
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
