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

#[cfg(test)]
mod tests {
    use super::*;

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
