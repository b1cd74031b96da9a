//! Read use-cases: overview, builds, one build, history.

use super::internal;
use crate::core::Core;
use crate::db;
use app::domain::history::HistoryCursor;
use app::domain::views::{
    BuildDetail, BuildPage, BuildSummary, EnvironmentInfo, HistoryPage, Overview,
};
use app::domain::{Build, HistoryFilter, Version};
use app::use_cases::UseCaseError;

/// The configured environments, pipeline order.
pub fn environments(core: &Core) -> Vec<EnvironmentInfo> {
    core.settings
        .environments
        .iter()
        .map(|e| EnvironmentInfo {
            name: e.name.to_string(),
            title: e.title.clone(),
        })
        .collect()
}

/// The overview: each environment's release, newest undeployed builds.
pub async fn overview(core: &Core) -> Result<Overview, UseCaseError> {
    let columns = super::live::statuses(core).await?;
    let undeployed = db::builds::undeployed(&core.db, 10)
        .await
        .map_err(internal)?;
    let demo = db::deployments::has_demo(&core.db)
        .await
        .map_err(internal)?;
    Ok(Overview {
        columns,
        undeployed,
        demo,
    })
}

async fn summaries(core: &Core, builds: Vec<Build>) -> Result<Vec<BuildSummary>, UseCaseError> {
    let (Some(low), Some(high)) = (
        builds.iter().map(|b| b.id).min(),
        builds.iter().map(|b| b.id).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut reached = db::builds::reached(&core.db, low, high)
        .await
        .map_err(internal)?;
    let order: Vec<String> = core
        .settings
        .environments
        .iter()
        .map(|e| e.name.to_string())
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
    core: &Core,
    cursor: Option<i64>,
    limit: i64,
) -> Result<BuildPage, UseCaseError> {
    let mut builds = db::builds::page(&core.db, cursor, limit + 1)
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
        items: summaries(core, builds).await?,
        next_cursor,
    })
}

/// One build with its deployments.
pub async fn build_detail(core: &Core, version: &Version) -> Result<BuildDetail, UseCaseError> {
    let (build, _) = db::builds::by_version(&core.db, version.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("build {version}")))?;
    let deployments = db::deployments::for_build(&core.db, build.id)
        .await
        .map_err(internal)?;
    let summary = summaries(core, vec![build])
        .await?
        .pop()
        .ok_or(UseCaseError::Internal)?;
    Ok(BuildDetail {
        summary,
        deployments,
    })
}

/// A page of history plus the total matching the filter.
pub async fn history(
    core: &Core,
    filter: HistoryFilter,
    cursor: Option<HistoryCursor>,
    limit: i64,
) -> Result<HistoryPage, UseCaseError> {
    let mut items = db::deployments::page(&core.db, &filter, cursor, limit + 1)
        .await
        .map_err(internal)?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(|r| {
            HistoryCursor {
                started_at: r.started_at.millis(),
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    let counted = db::deployments::count_capped(&core.db, &filter)
        .await
        .map_err(internal)?;
    Ok(HistoryPage {
        filter,
        items,
        total: counted.min(db::deployments::COUNT_CAP),
        total_capped: counted > db::deployments::COUNT_CAP,
        next_cursor,
        environments: environments(core),
    })
}
