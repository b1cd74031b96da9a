//! What the environment page shows: the release it runs, its fleet, QA's verdict and what a
//! promotion into it would change.

use super::deployment::DeploymentDetail;
use super::EnvironmentInfo;
use crate::domain::gates::Gate;
use crate::domain::signoff::SignOff;
use crate::domain::{DeploymentRecord, Strategy};
use serde::{Deserialize, Serialize};

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
    /// What differs between what the target was deployed with and what the promotion would
    /// deploy (code, config, infrastructure), identical rows left out, each as `[key, line]`
    /// (`"version", "version: 1.4.1 → 1.4.2"`); secrets by reference only. The rows as data:
    /// `GET /api/v1/diff`.
    #[serde(default)]
    pub differences: Vec<(String, String)>,
    /// The changes (commits) that reach the target for the first time, newest first, each
    /// as a line: `9fceb02 Fix login — ana · 1.4.2`.
    #[serde(default)]
    pub arriving: Vec<String>,
    /// How many changes arrive in all.
    #[serde(default)]
    pub arriving_total: usize,
    /// What to know before confirming that no gate checks, e.g. that the warm window would
    /// run into a scheduled freeze window.
    #[serde(default)]
    pub warnings: Vec<String>,
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
    /// When it no longer counts: exactly what changed since it was given (code, config,
    /// image), each as `[key, line]`, secrets by reference only.
    #[serde(default)]
    pub changed: Vec<(String, String)>,
}

/// The environment page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentPage {
    /// The environment.
    pub environment: EnvironmentInfo,
    /// How traffic is switched (and so how many instances a fleet may have).
    pub strategy: Strategy,
    /// Configured instances per fleet.
    pub desired_capacity: u32,
    /// Whether this is the first environment (builds are deployed into it).
    pub first: bool,
    /// Why it is frozen, if it is.
    pub frozen: Option<String>,
    /// The freeze in force: why, who, when.
    #[serde(default)]
    pub freeze: Option<crate::domain::change_control::Freeze>,
    /// The lock, while someone holds it.
    #[serde(default)]
    pub lock: Option<crate::domain::change_control::Lock>,
    /// The next (or current) occurrence of a scheduled freeze window.
    #[serde(default)]
    pub next_freeze_window: Option<crate::domain::change_control::WindowView>,
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
    /// Where "roll back" would land once the warm window is over: the release below the
    /// running one.
    pub rollback_to: Option<String>,
    /// Earlier releases of this environment a rollback may name instead, newest first.
    pub earlier_releases: Vec<String>,
    /// Config keys changed since the running release was deployed (config drift).
    #[serde(default)]
    pub config_drift: Vec<String>,
    /// The next environment of the pipeline, if any (what a sign-off here is compared with).
    #[serde(default)]
    pub next_environment: Option<String>,
    /// What a sign-off given now would sign, against the next environment, as lines (see
    /// [`super::SigningView::lines`]; text, so the page's code stays small).
    #[serde(default)]
    pub signing: Vec<String>,
}
