//! The pure rules of Greenlight: validated values, roles, builds, deployment records and the
//! views the pages show. No I/O and no clock, so the browser and the server agree.

pub mod ami;
pub mod build;
pub mod deployment;
pub mod duration;
pub mod field_errors;
pub mod gates;
pub mod history;
mod newtype;
pub mod release;
pub mod revision;
pub mod role;
pub mod rollout;
pub mod signoff;
pub mod timestamp;
pub mod user_name;
pub mod version;
pub mod views;

pub use ami::AmiId;
pub use build::{Artifact, Build, BuildChange, NewBuild};
pub use deployment::{DeploymentKind, DeploymentRecord, Outcome};
pub use field_errors::FieldErrors;
pub use history::HistoryFilter;
pub use revision::Revision;
pub use role::{Permission, Role};
pub use timestamp::Timestamp;
pub use user_name::UserName;
pub use version::Version;
