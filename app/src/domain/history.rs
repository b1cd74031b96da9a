//! The release-history filter and its keyset cursor, parsed from a query string.

use super::day_bounds::DayBounds;
use super::{FieldErrors, Outcome, Timestamp, Version};
use serde::{Deserialize, Serialize};

/// Which deployments to list; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFilter {
    /// Only this environment.
    pub environment: Option<String>,
    /// Only this build version.
    pub build: Option<String>,
    /// Only deployments started by this user.
    pub user: Option<String>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Started on or after the start of this day (UTC).
    pub from: Option<Timestamp>,
    /// Started before the end of this day (UTC).
    pub to: Option<Timestamp>,
}

/// Where a page of history starts: strictly older than this (started_at, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCursor {
    /// started_at of the last row shown, in ms.
    pub started_at: i64,
    /// id of the last row shown.
    pub id: i64,
}

impl HistoryCursor {
    /// The opaque text form used in links: `<started_at>.<id>`.
    pub fn encode(self) -> String {
        format!("{}.{}", self.started_at, self.id)
    }

    /// Parses the text form.
    pub fn decode(input: &str) -> Result<Self, String> {
        let (at, id) = input.split_once('.').ok_or("is not a history cursor")?;
        Ok(Self {
            started_at: at.parse().map_err(|_| "is not a history cursor")?,
            id: id.parse().map_err(|_| "is not a history cursor")?,
        })
    }
}

impl HistoryFilter {
    /// Parses query parameters; empty values mean "any". Unknown keys are ignored here
    /// (the page also carries its cursor), bad values are named.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, FieldErrors> {
        let mut filter = Self::default();
        let mut errors = FieldErrors::new();
        let mut days = DayBounds::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() || days.take(key, value, &mut errors) {
                continue;
            }
            match key {
                "environment" | "user" if !errors.check_text(key, value) => {}
                "environment" => filter.environment = Some(value.to_owned()),
                "build" => match Version::parse(value) {
                    Ok(version) => filter.build = Some(version.to_string()),
                    Err(e) => errors.add("build", e),
                },
                "user" => filter.user = Some(value.to_owned()),
                "outcome" => match Outcome::parse(value) {
                    Ok(outcome) => filter.outcome = Some(outcome),
                    Err(e) => errors.add("outcome", e),
                },
                _ => {}
            }
        }
        days.check_order(&mut errors);
        (filter.from, filter.to) = (days.from, days.to);
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }

    /// The filter as query pairs, for links that keep it (export, next page).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(env) = &self.environment {
            pairs.push(("environment", env.clone()));
        }
        if let Some(build) = &self.build {
            pairs.push(("build", build.clone()));
        }
        if let Some(user) = &self.user {
            pairs.push(("user", user.clone()));
        }
        if let Some(outcome) = self.outcome {
            pairs.push(("outcome", outcome.as_str().to_owned()));
        }
        let days = DayBounds {
            from: self.from,
            to: self.to,
        };
        pairs.extend(days.to_query());
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;

    #[test]
    fn a_nul_in_a_text_filter_is_refused_with_its_field() {
        let errors =
            HistoryFilter::parse([("user", "a\0b"), ("environment", "p\0")]).expect_err("NUL");
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["environment", "user"]);
    }

    #[test]
    fn parses_every_filter_and_ignores_empty_values() {
        let filter = HistoryFilter::parse([
            ("environment", "prod"),
            ("build", "1.4.2"),
            ("user", "ana"),
            ("outcome", "rolled_back"),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
            ("cursor", "whatever"),
            ("user", ""),
        ])
        .expect("valid");
        assert_eq!(filter.environment.as_deref(), Some("prod"));
        assert_eq!(filter.outcome, Some(Outcome::RolledBack));
        assert_eq!(
            filter
                .to
                .map(|t| t.millis() - filter.from.map(|f| f.millis()).unwrap_or(0)),
            Some(31 * DAY_MS)
        );
        let again = HistoryFilter::parse(filter.to_query().iter().map(|(k, v)| (*k, v.as_str())))
            .expect("round trip");
        assert_eq!(again, filter);
    }

    #[test]
    fn names_bad_values() {
        let errors = HistoryFilter::parse([("outcome", "bad"), ("from", "x"), ("build", "nope")])
            .expect_err("invalid");
        assert_eq!(
            errors.0.keys().collect::<Vec<_>>(),
            ["build", "from", "outcome"]
        );
        let reversed = HistoryFilter::parse([("from", "2026-02-01"), ("to", "2026-01-01")])
            .expect_err("reversed");
        assert!(reversed.0.contains_key("to"));
    }

    #[test]
    fn cursors_round_trip() {
        let cursor = HistoryCursor {
            started_at: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(HistoryCursor::decode(&cursor.encode()), Ok(cursor));
        assert!(HistoryCursor::decode("42").is_err());
    }
}
