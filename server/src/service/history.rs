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

/// Rows read before an export answers: few, so the download starts at once (and a failing
/// read still answers an error status); the rest follow [`EXPORT_PAGE`] at a time.
pub const EXPORT_FIRST_PAGE: i64 = 100;

/// One page of an export, and the cursor of the next (none after the last).
pub async fn export_page(
    core: &Core,
    filter: &HistoryFilter,
    cursor: Option<HistoryCursor>,
) -> Result<(Vec<DeploymentRecord>, Option<HistoryCursor>), UseCaseError> {
    let limit = if cursor.is_none() {
        EXPORT_FIRST_PAGE
    } else {
        EXPORT_PAGE
    };
    let page = db::deployments::page(&core.db, filter, cursor, limit)
        .await
        .map_err(internal)?;
    let next = if (page.len() as i64) < limit {
        None
    } else {
        page.last().map(|r| HistoryCursor {
            started_at: r.started_at.millis(),
            id: r.id,
        })
    };
    Ok((page, next))
}
