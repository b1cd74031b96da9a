//! Exporting the release history: every deployment matching a filter, read a page of the
//! index at a time so that a long history is streamed, never held whole.

use super::internal;
use crate::core::Core;
use crate::db;
use app::domain::history::HistoryCursor;
use app::domain::{DeploymentRecord, HistoryFilter};
use app::use_cases::UseCaseError;

/// Rows read per query while exporting.
pub const EXPORT_PAGE: i64 = 5000;

/// One page of an export, and the cursor of the next (none after the last).
pub async fn export_page(
    core: &Core,
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
) -> Result<(Vec<DeploymentRecord>, Option<HistoryCursor>), UseCaseError> {
    let page = db::deployments::page(&core.db, filter, cursor, EXPORT_PAGE)
        .await
        .map_err(internal)?;
    let next = if (page.len() as i64) < EXPORT_PAGE {
        None
    } else {
        page.last().map(|r| HistoryCursor {
            started_at: r.started_at.millis(),
            id: r.id,
        })
    };
    Ok((page, next))
}
