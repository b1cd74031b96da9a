//! Environments' charts shared between replicas: the poller's lease holder stores each
//! environment's charts per range; every replica reads what changed since its last read.

use app::domain::metric_series::{ChartRange, MetricChart};
use sqlx::{Any, AnyPool, Executor, Row};

/// One environment's charts for one range.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCharts {
    /// The environment.
    pub environment: String,
    /// The range.
    pub range: ChartRange,
    /// When CloudWatch was asked.
    pub taken_at: i64,
    /// The charts.
    pub charts: Vec<MetricChart>,
    /// Its write counter.
    pub version: i64,
}

/// Stores `environment`'s `charts` for `range`, read at `taken_at`.
pub async fn store(
    db: &AnyPool,
    environment: &str,
    range: ChartRange,
    charts: &[MetricChart],
    taken_at: i64,
) -> Result<(), sqlx::Error> {
    let body = serde_json::to_string(charts).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = super::begin_write(db).await?;
    let next: i64 =
        sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM chart_snapshots")
            .fetch_one(&mut *tx)
            .await?
            .try_get("next")?;
    sqlx::query(
        "INSERT INTO chart_snapshots (environment, chart_range, taken_at, body, version) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (environment, chart_range) DO UPDATE SET \
         taken_at = excluded.taken_at, body = excluded.body, version = excluded.version",
    )
    .bind(environment)
    .bind(range.as_str())
    .bind(taken_at)
    .bind(body)
    .bind(next)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Every stored chart set with a version above `after`.
pub async fn changed_since<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
) -> Result<Vec<StoredCharts>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT environment, chart_range, taken_at, body, version FROM chart_snapshots \
         WHERE version > $1 ORDER BY version",
    )
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let range: String = row.try_get("chart_range")?;
            let body: String = row.try_get("body")?;
            Ok(StoredCharts {
                environment: row.try_get("environment")?,
                range: ChartRange::parse(&range).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown chart range {range:?}").into())
                })?,
                taken_at: row.try_get("taken_at")?,
                charts: serde_json::from_str(&body)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                version: row.try_get("version")?,
            })
        })
        .collect()
}
