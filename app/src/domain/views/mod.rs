//! What the pages show: plain serialisable values built by the server, read by the UI.

pub mod accounts;
pub mod compare;
pub mod deployment;
pub mod environment;
pub mod ledger;
pub mod live;
pub mod notifications;
pub mod what_changes;

pub use accounts::{
    AccountView, CreatedToken, PasswordReset, SignInStep, TokenForm, TokenRow, TotpOffer, UserRow,
};
pub use compare::{CodeRange, Comparison, DeploymentChoice, RangeChange, SideLabel};
pub use deployment::{DeploymentDetail, HoldView, InstanceAddress, StepView};
pub use environment::{EnvironmentPage, FleetView, PromotionPreview, SignoffStatus};
pub use ledger::LedgerEntry;
pub use live::{ChartsReport, EnvironmentStatus, FleetReport, LiveHealth, SignoffState};
pub use notifications::{ChannelView, DeliveryLog, DeliveryStatus, DeliveryView};
pub use what_changes::{promotion_lines, SigningView};

use super::{Build, DeploymentRecord, HistoryFilter, Role};
use serde::{Deserialize, Serialize};

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// User id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// One environment as configured, in pipeline order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentInfo {
    /// Short name, e.g. `prod`.
    pub name: String,
    /// Display title, e.g. `PROD`.
    pub title: String,
}

/// A build in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildSummary {
    /// The build.
    pub build: Build,
    /// Environments it was deployed to successfully, in pipeline order.
    pub reached: Vec<String>,
}

/// The overview page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// One column per environment, pipeline order.
    pub columns: Vec<EnvironmentStatus>,
    /// The newest builds not deployed anywhere yet.
    pub undeployed: Vec<Build>,
    /// Whether the database holds demo data.
    pub demo: bool,
}

/// A page of builds, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildPage {
    /// The builds.
    pub items: Vec<BuildSummary>,
    /// Cursor of the next (older) page.
    pub next_cursor: Option<i64>,
}

/// One build with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildDetail {
    /// The build and where it went.
    pub summary: BuildSummary,
    /// Every deployment of it, newest first.
    pub deployments: Vec<DeploymentRecord>,
}

/// A page of release history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The filter that produced it.
    pub filter: HistoryFilter,
    /// Rows, newest first.
    pub items: Vec<DeploymentRecord>,
    /// How many rows match the filter, counted up to a cap.
    pub total: i64,
    /// True when more than `total` rows match (counting stopped at the cap).
    pub total_capped: bool,
    /// Cursor of the next (older) page.
    pub next_cursor: Option<String>,
    /// Environments, for the filter's choices.
    pub environments: Vec<EnvironmentInfo>,
}
