//! What changed since an id: deployments that took a step and sign-offs recorded — read
//! by the live stream's change watcher.

use sqlx::{Any, Executor, Row};

/// A deployment's newest step id above some id, with its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SteppedDeployment {
    /// The deployment.
    pub deployment_id: i64,
    /// Its newest step's id.
    pub last_step: i64,
    /// Its environment.
    pub environment: String,
}

/// A recorded sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSignoff {
    /// Its id.
    pub id: i64,
    /// Where it was given.
    pub environment: String,
    /// The build's version.
    pub version: String,
}

/// Deployments with steps whose id is above `after`.
pub async fn stepped_since<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
) -> Result<Vec<SteppedDeployment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.deployment_id, MAX(s.id) AS last_step, d.environment FROM deployment_steps s \
         JOIN deployments d ON d.id = s.deployment_id WHERE s.id > $1 \
         GROUP BY s.deployment_id, d.environment",
    )
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SteppedDeployment {
                deployment_id: row.try_get("deployment_id")?,
                last_step: row.try_get("last_step")?,
                environment: row.try_get("environment")?,
            })
        })
        .collect()
}

/// Sign-offs whose id is above `after`, oldest first.
pub async fn signoffs_since<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
) -> Result<Vec<RecordedSignoff>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.environment, b.version FROM signoffs s JOIN builds b ON b.id = s.build_id \
         WHERE s.id > $1 ORDER BY s.id",
    )
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RecordedSignoff {
                id: row.try_get("id")?,
                environment: row.try_get("environment")?,
                version: row.try_get("version")?,
            })
        })
        .collect()
}
