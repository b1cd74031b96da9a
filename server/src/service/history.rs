//! Exporting the release history: every deployment matching a filter, read in pages of the
//! index so that a long history never sits in one query.

use super::internal;
use crate::core::Core;
use crate::db;
use app::domain::history::HistoryCursor;
use app::domain::{DeploymentRecord, HistoryFilter};
use app::use_cases::UseCaseError;

/// Rows read per query while exporting.
const EXPORT_PAGE: i64 = 5000;

/// Every deployment matching `filter`, newest first.
pub async fn export(
    core: &Core,
    filter: &HistoryFilter,
) -> Result<Vec<DeploymentRecord>, UseCaseError> {
    let mut rows = Vec::new();
    let mut cursor = None;
    loop {
        let page = db::deployments::page(&core.db, filter, cursor, EXPORT_PAGE)
            .await
            .map_err(internal)?;
        let done = (page.len() as i64) < EXPORT_PAGE;
        cursor = page.last().map(|r| HistoryCursor {
            started_at: r.started_at.millis(),
            id: r.id,
        });
        rows.extend(page);
        if done {
            return Ok(rows);
        }
    }
}
