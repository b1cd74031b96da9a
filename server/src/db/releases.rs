//! An environment's releases (its succeeded deployments) read from the newest back, so that a
//! page over a long history reads only as far back as its question needs.

use super::deployments::{record, SELECT};
use app::domain::{DeploymentKind, DeploymentRecord};
use sqlx::{Any, Executor, Row};

/// The environment's newest `limit` releases as `(version, kind)`, newest first.
pub async fn newest<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    limit: i64,
) -> Result<Vec<(String, DeploymentKind)>, sqlx::Error> {
    let rows = sqlx::query(
        // `CROSS JOIN`: the environment's index drives, newest first (see warm_notices).
        "SELECT b.version, d.kind FROM deployments d CROSS JOIN builds b \
         WHERE b.id = d.build_id AND d.environment = $1 AND d.outcome = 'succeeded' \
         ORDER BY d.started_at DESC, d.id DESC LIMIT $2",
    )
    .bind(environment)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok((
                row.try_get("version")?,
                DeploymentKind::parse(&kind).map_err(|e| sqlx::Error::Decode(e.into()))?,
            ))
        })
        .collect()
}

/// Versions that ran in the environment, newest build first, at most `limit`: a probe of the
/// build's index per build, however many times each ran.
pub async fn versions_that_ran<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT b.version FROM builds b WHERE EXISTS (SELECT 1 FROM deployments d \
         WHERE d.build_id = b.id AND d.environment = $1 AND d.outcome = 'succeeded') \
         ORDER BY b.id DESC LIMIT $2",
    )
    .bind(environment)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| row.try_get("version")).collect()
}

/// The latest release of `version` in the environment, scaling aside (what a rollback to it
/// deploys again).
pub async fn latest_of<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    version: &str,
) -> Result<Option<DeploymentRecord>, sqlx::Error> {
    // The build's id first, so the build's index (not the environment's) finds the rows.
    let sql = format!(
        "{SELECT} WHERE d.build_id = (SELECT id FROM builds WHERE version = $1) \
         AND d.environment = $2 AND d.outcome = 'succeeded' AND d.kind <> 'scale' \
         ORDER BY d.started_at DESC, d.id DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(version)
        .bind(environment)
        .fetch_optional(db)
        .await?;
    row.map(|row| record(&row)).transpose()
}
