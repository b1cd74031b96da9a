//! Read-only server functions behind the pages. Any signed-in role may read.

use crate::domain::views::{BuildDetail, BuildPage, HistoryPage, Overview, Principal};
use leptos::prelude::*;
use leptos::server;

#[cfg(feature = "ssr")]
use super::backend::{context, to_server_error};
#[cfg(feature = "ssr")]
use crate::domain::Permission;

/// The signed-in user, or `None`.
#[server(prefix = "/fn")]
pub async fn current_user() -> Result<Option<Principal>, ServerFnError> {
    let (_, identity) = context().await?;
    Ok(identity.principal)
}

/// The overview page's data.
#[server(prefix = "/fn")]
pub async fn get_overview() -> Result<Overview, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    backend.overview().await.map_err(to_server_error)
}

/// A page of builds.
#[server(prefix = "/fn")]
pub async fn get_builds(cursor: Option<i64>) -> Result<BuildPage, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    backend.builds(cursor).await.map_err(to_server_error)
}

/// One build and its deployments.
#[server(prefix = "/fn")]
pub async fn get_build_detail(version: String) -> Result<BuildDetail, ServerFnError> {
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    backend
        .build_detail(&version)
        .await
        .map_err(to_server_error)
}

/// A page of release history; `query` holds the filter and cursor as query pairs.
#[server(prefix = "/fn")]
pub async fn get_history(query: Vec<(String, String)>) -> Result<HistoryPage, ServerFnError> {
    use crate::domain::history::HistoryCursor;
    use crate::domain::HistoryFilter;
    let (backend, identity) = context().await?;
    identity
        .require(Permission::Read)
        .map_err(to_server_error)?;
    let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let filter = HistoryFilter::parse(pairs).map_err(|e| ServerFnError::new(e.summary()))?;
    let cursor = match query.iter().find(|(k, v)| k == "cursor" && !v.is_empty()) {
        Some((_, text)) => Some(
            HistoryCursor::decode(text).map_err(|e| ServerFnError::new(format!("cursor: {e}")))?,
        ),
        None => None,
    };
    backend
        .history(filter, cursor)
        .await
        .map_err(to_server_error)
}
