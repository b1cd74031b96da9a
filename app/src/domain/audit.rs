//! The audit log as people read it: entries, the filter an admin narrows them with, pages
//! keyed by entry id, and the state of the log's hash chain.

use super::day_bounds::DayBounds;
use super::{FieldErrors, Timestamp};
use serde::{Deserialize, Serialize};

/// One entry: who did what, to what, when and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Position in the log (ascending with time).
    pub id: i64,
    /// When.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// Who: a user name, `engine` for the deployment engine's own cloud actions, `cli`, or
    /// `anonymous` for a refused request without credentials.
    pub actor: String,
    /// What, a dotted verb: `build.register`, `deployment.promote`, `cloud.terminate`, …
    pub action: String,
    /// To what: a build version, an environment, a user, a request path.
    pub target: String,
    /// The environment the entry concerns, if any.
    pub environment: Option<String>,
    /// Details as JSON text (never secrets).
    pub details: String,
    /// The client's address (empty for the engine).
    pub address: String,
}

/// Which entries to list; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only entries by this actor.
    pub actor: Option<String>,
    /// Only this action, or every action under a prefix ending in `.` (`cloud.`).
    pub action: Option<String>,
    /// Only entries about this environment.
    pub environment: Option<String>,
    /// On or after the start of this day (UTC).
    pub from: Option<Timestamp>,
    /// Before the end of this day (UTC).
    pub to: Option<Timestamp>,
}

impl AuditFilter {
    /// Parses query parameters; empty values mean "any", unknown keys are left to the caller
    /// (the cursor), bad values are named.
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
            let slot = match key {
                "actor" => &mut filter.actor,
                "action" => &mut filter.action,
                "environment" => &mut filter.environment,
                _ => continue,
            };
            if errors.check_text(key, value) {
                *slot = Some(value.to_owned());
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

    /// The filter as query pairs, for links that keep it (next page).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("environment", &self.environment),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.clone().map(|v| (key, v)))
        .collect();
        let days = DayBounds {
            from: self.from,
            to: self.to,
        };
        pairs.extend(days.to_query());
        pairs
    }
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; none after the last.
    pub next_cursor: Option<i64>,
}

/// What walking the hash chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainState {
    /// Every entry since the chain began matches its hash and its predecessor.
    Intact {
        /// Entries in the chain.
        entries: i64,
        /// Entries written before the chain began (not covered by it).
        before_chain: i64,
    },
    /// The first entry that does not match, and why.
    Broken {
        /// The entry's id (or, for a missing tail, the id the chain's end names).
        entry: i64,
        /// What does not match.
        reason: String,
    },
}

impl ChainState {
    /// One line for a page or a terminal.
    pub fn summary(&self) -> String {
        match self {
            Self::Intact {
                entries,
                before_chain: 0,
            } => format!("intact: {entries} entries, each matching its hash and the one before"),
            Self::Intact {
                entries,
                before_chain,
            } => format!(
                "intact: {entries} entries, each matching its hash and the one before \
                 ({before_chain} older entries predate the chain)"
            ),
            Self::Broken { entry, reason } => format!("broken at entry {entry}: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_filter_and_round_trips_through_the_query() {
        let filter = AuditFilter::parse([
            ("actor", " ana "),
            ("action", "cloud."),
            ("environment", "prod"),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
            ("cursor", "12"),
            ("actor", ""),
        ])
        .expect("valid");
        assert_eq!(filter.actor.as_deref(), Some("ana"));
        assert_eq!(filter.action.as_deref(), Some("cloud."));
        assert_eq!(filter.environment.as_deref(), Some("prod"));
        let again = AuditFilter::parse(filter.to_query().iter().map(|(k, v)| (*k, v.as_str())))
            .expect("round trip");
        assert_eq!(again, filter);
    }

    #[test]
    fn names_a_nul_and_a_bad_day() {
        let errors = AuditFilter::parse([("actor", "a\0"), ("from", "soon")]).expect_err("bad");
        assert_eq!(errors.0.keys().collect::<Vec<_>>(), ["actor", "from"]);
    }
}
