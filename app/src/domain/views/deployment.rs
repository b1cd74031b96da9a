//! What the deployment page (and `GET /api/v1/deployments/{id}`) shows of the engine: a
//! deployment's live timeline, the fleets it moves and the warm window.

use crate::domain::rollout::Phase;
use crate::domain::{DeploymentRecord, Timestamp};
use serde::{Deserialize, Serialize};

/// One line of a deployment's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepView {
    /// When.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// The phase entered.
    pub phase: Phase,
    /// What happened.
    pub message: String,
}

/// A deployment with the engine's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentDetail {
    /// The history row.
    pub record: DeploymentRecord,
    /// Where the engine is (none for history the engine did not run).
    pub phase: Option<Phase>,
    /// What the current step waits for.
    pub progress: String,
    /// The timeline, oldest first.
    pub steps: Vec<StepView>,
    /// The image launched.
    pub image_id: Option<String>,
    /// Instances wanted.
    pub desired: Option<u32>,
    /// The new fleet.
    pub new_fleet: Vec<String>,
    /// The fleet it replaces (kept warm for instant rollback).
    pub old_fleet: Vec<String>,
    /// When instant rollback expires.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub warm_until: Option<Timestamp>,
    /// Seconds of instant rollback left (while warm).
    pub warm_seconds_left: Option<i64>,
    /// Who asked to roll back.
    pub rollback_requested_by: Option<String>,
    /// Why it rolled back or failed.
    pub reason: Option<String>,
    /// The SHA-256 of what it recorded when accepted (code, config, infrastructure); none for
    /// deployments accepted before snapshots were recorded.
    #[serde(default)]
    pub snapshot_hash: Option<String>,
    /// The release it replaced in its environment, when both recorded snapshots: "what did
    /// this deployment change?" compares the two.
    #[serde(default)]
    pub changed_from: Option<i64>,
}
