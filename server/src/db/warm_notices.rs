//! Releases whose warm window is about to close, and the mark that says their "closes soon"
//! notification was written (once, whichever replica saw it first).

use app::domain::plan::DeploymentPlan;
use sqlx::{Any, Executor, Row};

/// A release whose warm window closes soon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingSoon {
    /// The deployment.
    pub id: i64,
    /// Its environment.
    pub environment: String,
    /// The build it released.
    pub version: String,
    /// When the window closes (epoch ms).
    pub warm_until: i64,
}

/// Warm releases keeping an old fleet whose window closes after `now` and at most
/// `notice_ms` later, not yet told.
pub async fn closing<'c>(
    db: impl Executor<'c, Database = Any>,
    now: i64,
    notice_ms: i64,
) -> Result<Vec<ClosingSoon>, sqlx::Error> {
    let rows = sqlx::query(
        // `CROSS JOIN`: the warm releases' index drives, not a walk of every build (which
        // SQLite chose over a million deployments).
        "SELECT d.id, d.environment, b.version, d.warm_until, d.run FROM deployments d \
         CROSS JOIN builds b \
         WHERE b.id = d.build_id AND d.phase = 'warm' AND d.warm_closing_told_at IS NULL \
         AND d.warm_until > $1 AND d.warm_until <= $2 ORDER BY d.id",
    )
    .bind(now)
    .bind(now.saturating_add(notice_ms))
    .fetch_all(db)
    .await?;
    let mut soon = Vec::new();
    for row in &rows {
        // A release with no old fleet (the first one) is "warm" a moment with nothing kept.
        let run: Option<String> = row.try_get("run")?;
        let keeps_a_fleet = run
            .and_then(|r| serde_json::from_str::<DeploymentPlan>(&r).ok())
            .is_some_and(|plan| !plan.old_instances().is_empty());
        if keeps_a_fleet {
            soon.push(ClosingSoon {
                id: row.try_get("id")?,
                environment: row.try_get("environment")?,
                version: row.try_get("version")?,
                warm_until: row.try_get("warm_until")?,
            });
        }
    }
    Ok(soon)
}

/// Marks the release told; false when another replica did first.
pub async fn mark_told<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployments SET warm_closing_told_at = $1 \
         WHERE id = $2 AND warm_closing_told_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
