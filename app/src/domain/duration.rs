//! Human durations in config files: `500ms`, `90s`, `10m`, `8h`, `7d`, parsed once into
//! [`Duration`] when the configuration loads.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A length of time written as a whole number and a unit (`ms`, `s`, `m`, `h`, `d`). Parsed
/// when the configuration loads, so a value that cannot be read stops start-up with its key,
/// and nothing downstream parses or falls back to a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    millis: u64,
}

impl Duration {
    /// `n` milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }

    /// `n` seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self {
            millis: secs.saturating_mul(1000),
        }
    }

    /// Parses `500ms`, `90s`, `10m`, `8h` or `7d`.
    pub fn parse(input: &str) -> Result<Self, String> {
        parse_millis(input).map(Self::from_millis)
    }

    /// In milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.millis
    }

    /// In milliseconds, as the engine's epoch-millisecond arithmetic wants it.
    pub fn as_millis_i64(self) -> i64 {
        i64::try_from(self.millis).unwrap_or(i64::MAX)
    }

    /// In whole seconds (rounded down).
    pub const fn as_secs(self) -> u64 {
        self.millis / 1000
    }
}

impl fmt::Display for Duration {
    /// The largest unit that states the value exactly: `10m`, `90s`, `1500ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.millis;
        if !ms.is_multiple_of(1000) {
            return write!(f, "{ms}ms");
        }
        let secs = ms / 1000;
        let (n, unit) = [(86_400, "d"), (3600, "h"), (60, "m")]
            .into_iter()
            .find(|(size, _)| secs != 0 && secs.is_multiple_of(*size))
            .map(|(size, unit)| (secs / size, unit))
            .unwrap_or((secs, "s"));
        write!(f, "{n}{unit}")
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Duration {
    type Err = String;
    fn from_str(input: &str) -> Result<Self, String> {
        Self::parse(input)
    }
}

/// Parses a whole number followed by `s`, `m`, `h` or `d` into seconds.
pub fn parse_seconds(input: &str) -> Result<u64, String> {
    let input = input.trim();
    let split = input
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(input.len());
    let (number, unit) = input.split_at(split);
    let number: u64 = number.parse().map_err(|_| {
        format!("{input:?} must be a number followed by s, m, h or d, e.g. \"10m\"")
    })?;
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{input:?} must end in s, m, h or d, e.g. \"10m\"")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("{input:?} is too long"))
}

/// Like [`parse_seconds`], also accepting `ms`; returns milliseconds.
pub fn parse_millis(input: &str) -> Result<u64, String> {
    match input.trim().strip_suffix("ms") {
        Some(number) => number
            .parse()
            .map_err(|_| format!("{input:?} must be a number followed by ms, s, m, h or d")),
        None => parse_seconds(input).map(|s| s.saturating_mul(1000)),
    }
}

/// Seconds as people read them: `45s`, `10m`, `1h 5m`, `2d 3h`.
pub fn describe_seconds(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m"), (s, "s")]
        .into_iter()
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_writes_the_largest_exact_unit_and_reads_it_back() {
        for (text, ms) in [
            ("500ms", 500),
            ("1500ms", 1500),
            ("90s", 90_000),
            ("10m", 600_000),
            ("8h", 28_800_000),
            ("7d", 604_800_000),
            ("0s", 0),
        ] {
            let parsed = Duration::parse(text).expect(text);
            assert_eq!(parsed.as_millis(), ms, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
        let json: Duration = serde_json::from_str("\"2s\"").expect("json");
        assert_eq!(json, Duration::from_secs(2));
        assert!(serde_json::from_str::<Duration>("\"soon\"")
            .expect_err("soon")
            .to_string()
            .contains("soon"));
    }

    #[test]
    fn millis_accept_ms_and_every_seconds_unit() {
        assert_eq!(parse_millis("50ms"), Ok(50));
        assert_eq!(parse_millis("2s"), Ok(2000));
        assert!(parse_millis("fastms").is_err());
    }

    #[test]
    fn describes_the_two_largest_units() {
        assert_eq!(describe_seconds(0), "0s");
        assert_eq!(describe_seconds(45), "45s");
        assert_eq!(describe_seconds(600), "10m");
        assert_eq!(describe_seconds(3900), "1h 5m");
        assert_eq!(describe_seconds(3601), "1h");
        assert_eq!(describe_seconds(183_600), "2d 3h");
    }

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_seconds("90s"), Ok(90));
        assert_eq!(parse_seconds("10m"), Ok(600));
        assert_eq!(parse_seconds("8h"), Ok(28_800));
        assert_eq!(parse_seconds("7d"), Ok(604_800));
    }

    #[test]
    fn refuses_missing_or_unknown_units() {
        for bad in ["", "10", "m", "10w", "1.5h", "-1h"] {
            assert!(parse_seconds(bad).is_err(), "{bad:?}");
        }
    }
}
