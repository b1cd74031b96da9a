//! Deployment records as the release history shows them.

use super::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a deployment did to its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeploymentKind {
    /// A build deployed straight into an environment (the first of the pipeline).
    Deploy,
    /// The build of the previous environment promoted into this one.
    Promote,
    /// Back to the previous release.
    Rollback,
    /// Capacity changed, same release.
    Scale,
}

/// How a deployment ended (or that it has not yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still running.
    InProgress,
    /// Done; the environment runs the new release.
    Succeeded,
    /// Stopped with an error; the environment runs what it ran before.
    Failed,
    /// Health or alarms failed; traffic went back to the old fleet.
    RolledBack,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];

            /// The value as stored and typed.
            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),+ }
            }

            /// Parses the stored or typed form.
            pub fn parse(input: &str) -> Result<Self, String> {
                match input {
                    $($text => Ok(<$ty>::$variant),)+
                    _ => Err(format!("must be one of {}", [$($text),+].join(", "))),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(DeploymentKind { Deploy => "deploy", Promote => "promote", Rollback => "rollback", Scale => "scale" });
text_enum!(Outcome { InProgress => "in_progress", Succeeded => "succeeded", Failed => "failed", RolledBack => "rolled_back" });

impl Outcome {
    /// The label people read; colour is never the only signal.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::InProgress => "In progress",
            Outcome::Succeeded => "Succeeded",
            Outcome::Failed => "Failed",
            Outcome::RolledBack => "Rolled back",
        }
    }
}

/// One deployment in the permanent release history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentRecord {
    /// Greenlight's id.
    pub id: i64,
    /// The environment it changed.
    pub environment: String,
    /// The build's version.
    pub build_version: String,
    /// The build's revision.
    pub build_revision: String,
    /// What it did.
    pub kind: DeploymentKind,
    /// How it ended.
    pub outcome: Outcome,
    /// Who started it.
    pub started_by: String,
    /// When it started.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub started_at: Timestamp,
    /// When it ended.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub finished_at: Option<Timestamp>,
    /// Why, or what went wrong.
    pub notes: String,
    /// Written by the demo seed, not by a real deployment.
    pub demo: bool,
    /// The QA sign-off a promotion relied on (none when no sign-off was required).
    pub signoff_id: Option<i64>,
    /// Who signed that sign-off off.
    pub approved_by: Option<String>,
    /// When they signed it.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    #[serde(default)]
    pub approved_at: Option<Timestamp>,
    /// What they wrote with it.
    #[serde(default)]
    pub approval_notes: Option<String>,
    /// An admin let it through a freeze, for this reason.
    #[serde(default)]
    pub freeze_override: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_outcomes_round_trip_through_text() {
        for kind in DeploymentKind::ALL {
            assert_eq!(DeploymentKind::parse(kind.as_str()), Ok(*kind));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Ok(*outcome));
        }
        assert!(Outcome::parse("exploded").is_err());
    }
}
