//! Human durations in config files: `90s`, `10m`, `8h`, `7d`.

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
