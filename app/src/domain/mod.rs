//! The pure rules of Greenlight: validated values, roles, builds, deployment records and the
//! views the pages show. No I/O and no clock, so the browser and the server agree.

pub mod ami;
pub mod audit;
pub mod bake;
pub mod build;
pub mod build_registration;
pub mod day_bounds;
pub mod deployment_record;
pub mod duration;
pub mod environment_name;
pub mod field_errors;
pub mod fleet;
pub mod fleet_health;
pub mod fleet_table;
pub mod gates;
pub mod history;
pub mod http_url;
pub mod live_event;
pub mod metric_series;
mod newtype;
pub mod plan;
pub mod release_line;
pub mod revision;
pub mod role;
pub mod rollout;
pub mod signoff;
pub mod signoff_request;
pub mod timestamp;
pub mod user_name;
pub mod version;
pub mod views;

pub use ami::AmiId;
pub use audit::{AuditEntry, AuditFilter, AuditPage, ChainState};
pub use build::{Artifact, Build, BuildChange, NewBuild};
pub use deployment_record::{DeploymentKind, DeploymentRecord, Outcome};
pub use duration::Duration;
pub use environment_name::EnvironmentName;
pub use field_errors::FieldErrors;
pub use fleet::{Fleet, Strategy};
pub use history::HistoryFilter;
pub use http_url::HttpUrl;
pub use revision::Revision;
pub use role::{Permission, Role};
pub use timestamp::Timestamp;
pub use user_name::UserName;
pub use version::Version;
