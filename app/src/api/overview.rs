//! The overview page's data.

use crate::domain::views::Overview;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// Environments with what they run, and builds not yet deployed.
#[server(prefix = "/fn")]
pub async fn get_overview() -> Result<Overview, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    use_cases.overview().await.map_err(answer)
}
