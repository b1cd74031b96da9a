//! How the database runs each history filter: the plans of the page and count queries the
//! history page and API send, for the million-row benchmark's report
//! (`greenlight history-plans`) and the test that no filter reads the whole table.

use super::deployments::{count_query, page_query};
use super::Backend;
use app::domain::history::HistoryCursor;
use app::domain::HistoryFilter;
use sqlx::any::AnyArguments;
use sqlx::{AnyPool, Row};

/// The filters the history offers, as their query strings, each alone and in the combinations
/// people use; `build` and the dates name values the benchmark's seed writes.
pub const FILTERS: &[&str] = &[
    "",
    "environment=prod",
    "outcome=failed",
    "user=dana",
    "build=9.2.50",
    "from=2025-06-01&to=2025-06-30",
    "environment=prod&outcome=succeeded",
    "environment=prod&outcome=failed",
    "user=dana&from=2025-01-01&to=2025-12-31",
    "environment=prod&user=dana&outcome=rolled_back",
];

/// One filter's plans.
#[derive(Debug, Clone)]
pub struct FilterPlan {
    /// The filter's query string.
    pub filter: &'static str,
    /// The first page, newest first.
    pub page: Vec<String>,
    /// A later page, after a cursor.
    pub next_page: Vec<String>,
    /// The capped count.
    pub count: Vec<String>,
}

/// The plans of every filter in [`FILTERS`].
pub async fn plans(pool: &AnyPool, backend: Backend) -> Result<Vec<FilterPlan>, sqlx::Error> {
    let mut all = Vec::new();
    for &text in FILTERS {
        let filter = HistoryFilter::parse(text.split('&').filter_map(|p| p.split_once('=')))
            .map_err(|e| sqlx::Error::Protocol(format!("filter {text}: {e:?}")))?;
        let cursor = HistoryCursor {
            started_at: i64::MAX / 2,
            id: i64::MAX / 2,
        };
        all.push(FilterPlan {
            filter: text,
            page: explain(pool, backend, page_query(&filter, None, 50)?).await?,
            next_page: explain(pool, backend, page_query(&filter, Some(cursor), 50)?).await?,
            count: explain(pool, backend, count_query(&filter)?).await?,
        });
    }
    Ok(all)
}

async fn explain(
    pool: &AnyPool,
    backend: Backend,
    (sql, args): (String, AnyArguments<'static>),
) -> Result<Vec<String>, sqlx::Error> {
    let (prefix, column) = match backend {
        Backend::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
        Backend::Postgres => ("EXPLAIN ", 0),
    };
    let rows = sqlx::query_with(&format!("{prefix}{sql}"), args)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(column))
        .collect()
}
