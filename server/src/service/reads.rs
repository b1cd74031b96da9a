//! Read use-cases: overview, builds, one build, history.

use super::internal;
use crate::db;
use crate::state::AppState;
use app::api::backend::BackendError;
use app::domain::history::HistoryCursor;
use app::domain::views::{
    BuildDetail, BuildPage, BuildSummary, EnvironmentColumn, EnvironmentInfo, HistoryPage, Overview,
};
use app::domain::{Build, HistoryFilter};

/// The configured environments, pipeline order.
pub fn environments(state: &AppState) -> Vec<EnvironmentInfo> {
    state
        .settings
        .environments
        .iter()
        .map(|e| EnvironmentInfo {
            name: e.name.clone(),
            title: e.title.clone(),
        })
        .collect()
}

/// The overview: each environment's release, newest undeployed builds.
pub async fn overview(state: &AppState) -> Result<Overview, BackendError> {
    let mut columns = Vec::new();
    for environment in environments(state) {
        let current = db::deployments::current(&state.db, &environment.name)
            .await
            .map_err(internal)?;
        let latest = db::deployments::latest(&state.db, &environment.name)
            .await
            .map_err(internal)?;
        let latest_attempt = latest.filter(|l| current.as_ref().is_none_or(|c| c.id != l.id));
        columns.push(EnvironmentColumn {
            environment,
            current,
            latest_attempt,
        });
    }
    let undeployed = db::builds::undeployed(&state.db, 10)
        .await
        .map_err(internal)?;
    let demo = db::deployments::has_demo(&state.db)
        .await
        .map_err(internal)?;
    Ok(Overview {
        columns,
        undeployed,
        demo,
    })
}

async fn summaries(
    state: &AppState,
    builds: Vec<Build>,
) -> Result<Vec<BuildSummary>, BackendError> {
    let (Some(low), Some(high)) = (
        builds.iter().map(|b| b.id).min(),
        builds.iter().map(|b| b.id).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut reached = db::builds::reached(&state.db, low, high)
        .await
        .map_err(internal)?;
    let order: Vec<String> = state
        .settings
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    Ok(builds
        .into_iter()
        .map(|build| {
            let mut envs = reached.remove(&build.id).unwrap_or_default();
            envs.sort_by_key(|env| order.iter().position(|o| o == env).unwrap_or(usize::MAX));
            BuildSummary {
                build,
                reached: envs,
            }
        })
        .collect())
}

/// A page of builds, newest first.
pub async fn builds(
    state: &AppState,
    cursor: Option<i64>,
    limit: i64,
) -> Result<BuildPage, BackendError> {
    let mut builds = db::builds::page(&state.db, cursor, limit + 1)
        .await
        .map_err(internal)?;
    let more = builds.len() as i64 > limit;
    builds.truncate(limit as usize);
    let next_cursor = if more {
        builds.last().map(|b| b.id)
    } else {
        None
    };
    Ok(BuildPage {
        items: summaries(state, builds).await?,
        next_cursor,
    })
}

/// One build with its deployments.
pub async fn build_detail(state: &AppState, version: &str) -> Result<BuildDetail, BackendError> {
    let (build, _) = db::builds::by_version(&state.db, version)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::NotFound(format!("build {version}")))?;
    let deployments = db::deployments::for_build(&state.db, build.id)
        .await
        .map_err(internal)?;
    let summary = summaries(state, vec![build])
        .await?
        .pop()
        .ok_or(BackendError::Internal)?;
    Ok(BuildDetail {
        summary,
        deployments,
    })
}

/// A page of history plus the total matching the filter.
pub async fn history(
    state: &AppState,
    filter: HistoryFilter,
    cursor: Option<HistoryCursor>,
    limit: i64,
) -> Result<HistoryPage, BackendError> {
    let mut items = db::deployments::page(&state.db, &filter, cursor, limit + 1)
        .await
        .map_err(internal)?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(|r| {
            HistoryCursor {
                started_at: r.started_at.0,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    let counted = db::deployments::count_capped(&state.db, &filter)
        .await
        .map_err(internal)?;
    Ok(HistoryPage {
        filter,
        items,
        total: counted.min(db::deployments::COUNT_CAP),
        total_capped: counted > db::deployments::COUNT_CAP,
        next_cursor,
        environments: environments(state),
    })
}
