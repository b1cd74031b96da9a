//! Deployment snapshots: what an environment was when a deployment was accepted (code, config
//! with secrets as reference, version and keyed hash, infrastructure), written once in the
//! acceptance's transaction and never changed (the database refuses updates and deletes).

use app::domain::env_diff::DiffSide;
use app::domain::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Row};

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The deployment it belongs to.
    pub deployment_id: i64,
    /// What the environment was.
    pub side: DiffSide,
    /// SHA-256 of the stored JSON, hex.
    pub hash: String,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// The SHA-256 (hex) of a side's canonical JSON — maps are ordered, so equal sides hash
/// equally.
pub fn hash_of(side: &DiffSide) -> Result<(String, String), serde_json::Error> {
    let json = serde_json::to_string(side)?;
    let hash = hex::encode(Sha256::digest(json.as_bytes()));
    Ok((json, hash))
}

/// Records deployment `deployment_id`'s snapshot; returns its hash.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
    side: &DiffSide,
    now: i64,
) -> Result<String, sqlx::Error> {
    let (json, hash) = hash_of(side).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO deployment_snapshots (deployment_id, side, hash, recorded_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(deployment_id)
    .bind(json)
    .bind(&hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(hash)
}

/// Deployment `deployment_id`'s snapshot, if it has one (deployments accepted before
/// snapshots existed have none).
pub async fn get<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
) -> Result<Option<Snapshot>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT deployment_id, side, hash, recorded_at FROM deployment_snapshots \
         WHERE deployment_id = $1",
    )
    .bind(deployment_id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let side: String = row.try_get("side")?;
    Ok(Some(Snapshot {
        deployment_id: row.try_get("deployment_id")?,
        side: serde_json::from_str(&side).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        hash: row.try_get("hash")?,
        recorded_at: Timestamp::from_millis(row.try_get("recorded_at")?),
    }))
}

/// The release a deployment replaced: the newest earlier successful release (not a scale)
/// of the same environment.
pub async fn release_before<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.id FROM deployments d JOIN deployments p ON p.environment = d.environment \
         WHERE d.id = $1 AND p.id < d.id AND p.outcome = 'succeeded' AND p.kind <> 'scale' \
         ORDER BY p.id DESC LIMIT 1",
    )
    .bind(deployment_id)
    .fetch_optional(db)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// A deployment that recorded a snapshot, as offered for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The deployment's id.
    pub id: i64,
    /// Its environment.
    pub environment: String,
    /// The build it deployed.
    pub build_version: String,
    /// Its kind (`deploy`, `promote`, …).
    pub kind: String,
    /// When it started.
    pub started_at: Timestamp,
}

/// The newest `limit` deployments that recorded a snapshot, newest first.
pub async fn recent<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<Recorded>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, d.environment, b.version, d.kind, d.started_at \
         FROM deployment_snapshots s JOIN deployments d ON d.id = s.deployment_id \
         JOIN builds b ON b.id = d.build_id ORDER BY s.deployment_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Recorded {
                id: row.try_get("id")?,
                environment: row.try_get("environment")?,
                build_version: row.try_get("version")?,
                kind: row.try_get("kind")?,
                started_at: Timestamp::from_millis(row.try_get("started_at")?),
            })
        })
        .collect()
}
