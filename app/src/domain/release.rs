//! What the environment and deployment pages show of the engine: a deployment's live
//! timeline, the fleets it moves, the warm window, and what a promotion would change.

use super::gates::Gate;
use super::rollout::Phase;
use super::signoff::SignOff;
use super::views::EnvironmentInfo;
use super::{DeploymentRecord, Timestamp};
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
}

/// The fleet serving an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetView {
    /// The deployment that put it into service.
    pub deployment_id: i64,
    /// Its image.
    pub image_id: String,
    /// Its instances.
    pub instance_ids: Vec<String>,
}

/// What promoting into an environment would do, and whether it may.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PromotionPreview {
    /// Where the build comes from.
    pub from: String,
    /// The build.
    pub version: Option<String>,
    /// Its revision.
    pub revision: Option<String>,
    /// The image the new fleet launches from, or how it will be baked.
    pub image: String,
    /// New instances.
    pub instances: u32,
    /// The fleet that goes out (warm first, then terminated).
    pub outgoing: Vec<String>,
    /// Every gate, passed or not.
    pub gates: Vec<Gate>,
}

impl PromotionPreview {
    /// Whether every gate passes.
    pub fn allowed(&self) -> bool {
        self.gates.iter().all(|g| g.passed)
    }
}

/// QA's newest verdict on the build an environment runs, and whether it still counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffStatus {
    /// The sign-off.
    pub signoff: SignOff,
    /// Why it no longer counts (empty when it does).
    pub void_reasons: Vec<String>,
}

/// The environment page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentPage {
    /// The environment.
    pub environment: EnvironmentInfo,
    /// `alb-listener`, `target-group` or `elastic-ip`.
    pub strategy: String,
    /// Configured instances per fleet.
    pub desired_capacity: u32,
    /// Whether this is the first environment (builds are deployed into it).
    pub first: bool,
    /// Why it is frozen, if it is.
    pub frozen: Option<String>,
    /// The release it runs.
    pub current: Option<DeploymentRecord>,
    /// The fleet serving it.
    pub fleet: Option<FleetView>,
    /// A deployment in its verify or warm window (instant rollback possible).
    pub warm: Option<DeploymentDetail>,
    /// The mutation in flight.
    pub in_flight: Option<DeploymentRecord>,
    /// QA's newest verdict on what it runs.
    pub signoff: Option<SignoffStatus>,
    /// What a promotion into it would do (not for the first environment).
    pub promotion: Option<PromotionPreview>,
    /// Recent deployments, newest first.
    pub recent: Vec<DeploymentRecord>,
    /// Builds that may be deployed (first environment only), newest first.
    pub deployable: Vec<String>,
}

/// What a person asks the engine to do to an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartRequest {
    /// Deploy this version (first environment only).
    Deploy(String),
    /// Promote the previous environment's build.
    Promote,
    /// Roll back.
    Rollback,
    /// Set the instance count.
    Scale(i64),
}
