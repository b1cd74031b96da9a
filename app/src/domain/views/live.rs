//! What every page and script reads about an environment at a glance — the release it runs,
//! its live health (and how fresh that is), QA's verdict on it, whether it is frozen, and its
//! warm window — and the environment's fleets as a report with a page of each instance table.

use super::EnvironmentInfo;
use crate::domain::fleet_health::{AlarmView, EnvironmentHealth};
use crate::domain::fleet_table::FleetPanel;
use crate::domain::metric_series::{ChartRange, MetricChart};
use crate::domain::signoff::{SignOff, Verdict};
use crate::domain::{DeploymentRecord, Timestamp};
use serde::{Deserialize, Serialize};

/// An environment's health as last read from the cloud, and how fresh the read is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LiveHealth {
    /// The verdict (unknown when never read or stale).
    pub health: EnvironmentHealth,
    /// Healthy instances of the serving fleet.
    pub healthy: usize,
    /// All instances of the serving fleet.
    pub total: usize,
    /// When the cloud last answered.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub taken_at: Option<Timestamp>,
    /// Whether the last answer is too old to trust (the cloud stopped answering).
    pub stale: bool,
    /// Why the last read failed, when it did.
    pub last_error: Option<String>,
}

impl LiveHealth {
    /// Nothing known yet.
    pub fn unknown() -> Self {
        Self {
            health: EnvironmentHealth::Unknown,
            healthy: 0,
            total: 0,
            taken_at: None,
            stale: true,
            last_error: None,
        }
    }
}

/// QA's verdict on the build an environment runs, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignoffState {
    /// Nothing runs there.
    NothingRunning,
    /// No sign-off recorded for what runs.
    Awaiting,
    /// Approved, and the approval still counts.
    Approved,
    /// Rejected.
    Rejected,
    /// Approved, but config or image changed since, so it no longer counts.
    Void,
}

impl SignoffState {
    /// The state of `signoff` (with `void_reasons`) for a running release.
    pub fn of(running: bool, signoff: Option<(&SignOff, &[String])>) -> Self {
        match (running, signoff) {
            (false, _) => Self::NothingRunning,
            (true, None) => Self::Awaiting,
            (true, Some((s, _))) if s.verdict == Verdict::Rejected => Self::Rejected,
            (true, Some((_, void))) if !void.is_empty() => Self::Void,
            (true, Some(_)) => Self::Approved,
        }
    }

    /// Stored and exchanged spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NothingRunning => "nothing_running",
            Self::Awaiting => "awaiting",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Void => "void",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Self::NothingRunning => "Nothing to sign off",
            Self::Awaiting => "Awaiting QA sign-off",
            Self::Approved => "Signed off by QA",
            Self::Rejected => "Rejected by QA",
            Self::Void => "Sign-off no longer counts",
        }
    }
}

/// One environment at a glance: the overview's column and an entry of
/// `GET /api/v1/environments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentStatus {
    /// The environment.
    pub environment: EnvironmentInfo,
    /// The last successful deployment: the release it runs.
    pub current: Option<DeploymentRecord>,
    /// The most recent deployment of any outcome, when it is not the current one.
    pub latest_attempt: Option<DeploymentRecord>,
    /// Its live health.
    pub live: LiveHealth,
    /// QA's verdict on what it runs.
    pub signoff: SignoffState,
    /// Who signed, when there is a sign-off.
    pub signed_by: Option<String>,
    /// Why it is frozen, if it is.
    pub frozen: Option<String>,
    /// Until when the previous fleet stays warm for instant rollback.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub warm_until: Option<Timestamp>,
    /// The deployment in flight, if any.
    pub in_flight: Option<i64>,
    /// Config keys changed since the release it runs was deployed (config drift).
    #[serde(default)]
    pub config_drift: Vec<String>,
}

/// An environment's fleets as last read: `GET /api/v1/environments/{env}/fleet` and the
/// environment page's fleet section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetReport {
    /// The environment's name.
    pub environment: String,
    /// Its live health.
    pub live: LiveHealth,
    /// Each fleet (serving, incoming, previous) with one page of its instances.
    pub fleets: Vec<FleetPanel>,
    /// The configured alarms as last read.
    pub alarms: Vec<AlarmView>,
}

/// An environment's charts for one range: `GET /api/v1/environments/{env}/metrics` and the
/// environment page's charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChartsReport {
    /// The environment's name.
    pub environment: String,
    /// The range shown.
    pub range: ChartRange,
    /// When CloudWatch was asked (none: not read yet).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub taken_at: Option<Timestamp>,
    /// The charts, empty before the first read or without a serving fleet.
    pub charts: Vec<MetricChart>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signoff(verdict: Verdict) -> SignOff {
        SignOff {
            id: 1,
            build: "1.0.0".into(),
            environment: "test".into(),
            verdict,
            notes: String::new(),
            signed_by: "qa".into(),
            signed_at: Timestamp::from_millis(0),
            image_id: "ami-1".into(),
            fingerprint: None,
        }
    }

    #[test]
    fn a_signoff_state_says_approved_only_while_the_approval_counts() {
        let approved = signoff(Verdict::Approved);
        let void = vec!["config changed".to_owned()];
        assert_eq!(SignoffState::of(false, None), SignoffState::NothingRunning);
        assert_eq!(SignoffState::of(true, None), SignoffState::Awaiting);
        assert_eq!(
            SignoffState::of(true, Some((&approved, &[]))),
            SignoffState::Approved
        );
        assert_eq!(
            SignoffState::of(true, Some((&approved, &void))),
            SignoffState::Void
        );
        let rejected = signoff(Verdict::Rejected);
        assert_eq!(
            SignoffState::of(true, Some((&rejected, &void))),
            SignoffState::Rejected
        );
    }
}
