//! Date-range filters as people type them: `from` and `to` are calendar days (UTC), `to`
//! inclusive. Stored as the instants that bound them: the start of `from`, the end of `to`.

use super::{FieldErrors, Timestamp};

const DAY_MS: i64 = 86_400_000;

/// A `from`–`to` day range, either end optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayBounds {
    /// The start of the first day.
    pub from: Option<Timestamp>,
    /// The end of the last day (exclusive).
    pub to: Option<Timestamp>,
}

impl DayBounds {
    /// Takes `key = value` when `key` is `from` or `to` (true), recording a bad date under
    /// its key; other keys are left alone (false).
    pub fn take(&mut self, key: &str, value: &str, errors: &mut FieldErrors) -> bool {
        let slot = match key {
            "from" => &mut self.from,
            "to" => &mut self.to,
            _ => return false,
        };
        match Timestamp::parse_date(value) {
            Ok(day) if key == "to" => *slot = Some(Timestamp::from_millis(day.millis() + DAY_MS)),
            Ok(day) => *slot = Some(day),
            Err(e) => errors.add(key, e),
        }
        true
    }

    /// Refuses a `to` before `from`.
    pub fn check_order(&self, errors: &mut FieldErrors) {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from >= to {
                errors.add("to", "must not be before from");
            }
        }
    }

    /// The range as query pairs, the way [`DayBounds::take`] reads them.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let date = |at: Timestamp| at.to_rfc3339()[..10].to_owned();
        let mut pairs = Vec::new();
        if let Some(from) = self.from {
            pairs.push(("from", date(from)));
        }
        if let Some(to) = self.to {
            pairs.push(("to", date(Timestamp::from_millis(to.millis() - DAY_MS))));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_covers_its_whole_day_and_round_trips() {
        let mut bounds = DayBounds::default();
        let mut errors = FieldErrors::new();
        assert!(bounds.take("from", "2026-01-01", &mut errors));
        assert!(bounds.take("to", "2026-01-01", &mut errors));
        assert!(!bounds.take("user", "ana", &mut errors));
        assert!(errors.is_empty());
        assert_eq!(
            bounds.to.map(|t| t.millis()),
            bounds.from.map(|f| f.millis() + DAY_MS)
        );
        assert_eq!(
            bounds.to_query(),
            [("from", "2026-01-01".into()), ("to", "2026-01-01".into())]
        );
    }

    #[test]
    fn a_bad_day_and_a_reversed_range_are_named() {
        let mut bounds = DayBounds::default();
        let mut errors = FieldErrors::new();
        bounds.take("from", "yesterday", &mut errors);
        assert!(errors.0.contains_key("from"));
        let mut reversed = DayBounds::default();
        let mut errors = FieldErrors::new();
        reversed.take("from", "2026-02-01", &mut errors);
        reversed.take("to", "2026-01-01", &mut errors);
        reversed.check_order(&mut errors);
        assert!(errors.0.contains_key("to"));
    }
}
