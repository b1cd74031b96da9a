//! The builds list and one build's page.

use crate::domain::views::{BuildDetail, BuildPage};
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised, contract::build_ref};

/// Builds per page on the builds list.
pub const PAGE_SIZE: i64 = 50;

/// A page of builds.
#[server(prefix = "/fn")]
pub async fn get_builds(cursor: Option<i64>) -> Result<BuildPage, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    use_cases.builds(cursor, PAGE_SIZE).await.map_err(answer)
}

/// One build and its deployments.
#[server(prefix = "/fn")]
pub async fn get_build_detail(version: String) -> Result<BuildDetail, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    let version = build_ref(&version).map_err(answer)?;
    use_cases.build_detail(&version).await.map_err(answer)
}
