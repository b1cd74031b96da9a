//! Deploy, promote, roll back, scale, extend a warm window, switch a held fleet, cancel: each checks its gates, then accepts the deployment in
//! one transaction ([`accept`]). The unique index on in-flight deployments turns a concurrent
//! second request into a conflict, whichever replica took it. The engine does the rest.
//! One file per command; the plan they build is in [`plan`], the detail query in [`detail`].

pub mod accept;
pub mod control;
pub mod deploy;
pub mod detail;
pub mod extend_warm;
pub mod plan;
pub mod promote;
pub mod rollback;
pub mod scale;

pub use control::{cancel, switch_traffic};
pub use deploy::deploy;
pub use detail::detail;
pub use extend_warm::extend_warm_window;
pub use promote::{preview, promote, promotion_preview};
pub use rollback::rollback;
pub use scale::scale;

use app::domain::EnvironmentName;
use app::use_cases::UseCaseError;

fn not_found(environment: &EnvironmentName) -> UseCaseError {
    UseCaseError::NotFound(format!("environment {environment}"))
}
