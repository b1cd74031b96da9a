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

/// One instance of a held new fleet and where to reach it for testing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InstanceAddress {
    /// The instance.
    pub instance_id: String,
    /// Its private IPv4 address.
    pub private_ip: String,
}

/// A healthy new fleet waiting for a person to switch traffic to it (`cutover = "manual"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HoldView {
    /// When the new fleet is taken out unless someone switches before.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub until: Timestamp,
    /// The new fleet's instances with their private addresses.
    pub addresses: Vec<InstanceAddress>,
    /// With `alb-listener`: the idle target group the new fleet sits in, for a test listener
    /// rule (by host header or path) that reaches it before the switch.
    pub test_target_group: Option<String>,
    /// Who asked to switch, once someone did.
    pub switch_requested_by: Option<String>,
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
    /// While the new fleet waits for its switch (`ready_to_switch`).
    #[serde(default)]
    pub hold: Option<HoldView>,
    /// Who cancelled it, once someone did.
    #[serde(default)]
    pub cancelled_by: Option<String>,
    /// The SHA-256 of what it recorded when accepted (code, config, infrastructure); none for
    /// deployments accepted before snapshots were recorded.
    #[serde(default)]
    pub snapshot_hash: Option<String>,
    /// The release it replaced in its environment, when both recorded snapshots: "what did
    /// this deployment change?" compares the two.
    #[serde(default)]
    pub changed_from: Option<i64>,
    /// The runs of its hooks (acceptance tests, migrations), in the order they started.
    #[serde(default)]
    pub hooks: Vec<crate::domain::hooks::HookRunView>,
}
