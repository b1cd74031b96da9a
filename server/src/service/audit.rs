//! Reading the audit log: pages of entries, newest first, keyed by entry id.

use super::internal;
use crate::core::Core;
use app::domain::{AuditFilter, AuditPage};
use app::use_cases::UseCaseError;

/// A page of entries matching `filter` with ids below `cursor`, and the next page's cursor.
pub async fn page(
    core: &Core,
    filter: &AuditFilter,
    cursor: Option<i64>,
    limit: i64,
) -> Result<AuditPage, UseCaseError> {
    // One more than asked says whether another page follows.
    let mut entries = crate::db::audit::list(&core.db, filter, cursor, limit + 1)
        .await
        .map_err(internal)?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit.max(0) as usize);
    let next_cursor = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok(AuditPage {
        entries,
        next_cursor,
    })
}
