//! The compare page's data.

use crate::domain::views::Comparison;
use crate::use_cases::UseCaseError;
use leptos::server;

#[cfg(feature = "ssr")]
use crate::domain::Permission;
#[cfg(feature = "ssr")]
use crate::use_cases::{answer, authorised};

/// What differs between `from` and `to` (environment names or deployment ids; empty: the two
/// ends of the pipeline).
#[server(prefix = "/fn")]
pub async fn get_comparison(from: String, to: String) -> Result<Comparison, UseCaseError> {
    let (use_cases, _, _) = authorised(Permission::Read).await?;
    use_cases.compare(&from, &to).await.map_err(answer)
}
