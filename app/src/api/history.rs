//! The release history page's data.

use crate::domain::views::HistoryPage;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// Rows per page of history.
pub const PAGE_SIZE: i64 = 50;

/// A page of release history; `query` holds the filter and cursor as query pairs.
#[server(prefix = "/fn")]
pub async fn get_history(query: Vec<(String, String)>) -> Result<HistoryPage, UseCaseError> {
    use crate::domain::history::HistoryCursor;
    use crate::domain::{FieldErrors, HistoryFilter};
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let filter =
        HistoryFilter::parse(pairs).map_err(|fields| answer(UseCaseError::Invalid(fields)))?;
    let cursor = match query.iter().find(|(k, v)| k == "cursor" && !v.is_empty()) {
        Some((_, text)) => Some(HistoryCursor::decode(text).map_err(|e| {
            let mut fields = FieldErrors::new();
            fields.add("cursor", e);
            answer(UseCaseError::Invalid(fields))
        })?),
        None => None,
    };
    use_cases
        .history(filter, cursor, PAGE_SIZE)
        .await
        .map_err(answer)
}
