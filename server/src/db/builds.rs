//! Builds as CI registered them. Artifact and changes are stored as JSON text.

use app::domain::{Artifact, Build, BuildChange, HttpUrl, NewBuild, Revision, Timestamp, Version};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use std::collections::BTreeMap;

const COLUMNS: &str =
    "id, version, revision, artifact, changes, ci_url, registered_by, created_at, content_hash, \
     schema_version";

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn build(row: &AnyRow) -> Result<(Build, String), sqlx::Error> {
    let version: String = row.try_get("version")?;
    let revision: String = row.try_get("revision")?;
    let artifact: String = row.try_get("artifact")?;
    let changes: String = row.try_get("changes")?;
    let build = Build {
        id: row.try_get("id")?,
        version: Version::parse(&version).map_err(|e| sqlx::Error::Decode(e.into()))?,
        revision: Revision::parse(&revision).map_err(|e| sqlx::Error::Decode(e.into()))?,
        artifact: decode::<Artifact>(&artifact)?,
        changes: decode::<Vec<BuildChange>>(&changes)?,
        ci_url: row
            .try_get::<Option<String>, _>("ci_url")?
            .map(|url| HttpUrl::parse(&url))
            .transpose()
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        schema_version: super::opt_i64(row, "schema_version")?
            .map(u32::try_from)
            .transpose()
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        registered_by: row.try_get("registered_by")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    };
    Ok((build, row.try_get("content_hash")?))
}

/// Inserts a build. A duplicate version fails with a unique violation.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    new: &NewBuild,
    content_hash: &str,
    registered_by: &str,
    at: i64,
) -> Result<Build, sqlx::Error> {
    let artifact =
        serde_json::to_string(&new.artifact).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let changes =
        serde_json::to_string(&new.changes).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let row = sqlx::query(&format!(
        "INSERT INTO builds (version, revision, artifact, changes, ci_url, content_hash, registered_by, created_at, schema_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    ))
    .bind(new.version.as_str())
    .bind(new.revision.as_str())
    .bind(artifact)
    .bind(changes)
    .bind(new.ci_url.as_ref().map(|u| u.as_str().to_owned()))
    .bind(content_hash)
    .bind(registered_by)
    .bind(at)
    .bind(new.schema_version.map(i64::from))
    .fetch_one(db)
    .await?;
    Ok(build(&row)?.0)
}

/// A build and its content hash, by version.
pub async fn by_version<'c>(
    db: impl Executor<'c, Database = Any>,
    version: &str,
) -> Result<Option<(Build, String)>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM builds WHERE version = $1"))
        .bind(version)
        .fetch_optional(db)
        .await?;
    row.map(|row| build(&row)).transpose()
}

/// Builds older than `before` (by id), newest first.
pub async fn page<'c>(
    db: impl Executor<'c, Database = Any>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Build>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM builds WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| build(row).map(|(b, _)| b)).collect()
}

/// The newest builds never deployed anywhere.
pub async fn undeployed<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<Build>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM builds b WHERE NOT EXISTS (SELECT 1 FROM deployments d WHERE d.build_id = b.id) \
         ORDER BY id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| build(row).map(|(b, _)| b)).collect()
}

/// For builds with ids in `low..=high`: the environments each was deployed to successfully.
pub async fn reached<'c>(
    db: impl Executor<'c, Database = Any>,
    low: i64,
    high: i64,
) -> Result<BTreeMap<i64, Vec<String>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT build_id, environment FROM deployments \
         WHERE build_id >= $1 AND build_id <= $2 AND outcome = 'succeeded' AND kind <> 'scale'",
    )
    .bind(low)
    .bind(high)
    .fetch_all(db)
    .await?;
    let mut map: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in rows {
        map.entry(row.try_get("build_id")?)
            .or_default()
            .push(row.try_get("environment")?);
    }
    Ok(map)
}

/// How many builds exist.
pub async fn count<'c>(db: impl Executor<'c, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM builds")
        .fetch_one(db)
        .await?
        .try_get("n")
}

/// The build with this id.
pub async fn by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Build>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM builds WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(|row| build(&row).map(|(build, _)| build))
        .transpose()
}

/// The changes of every build with an id in `after < id <= up_to`, newest build first: each
/// build's version and its changes as CI sent them.
pub async fn changes_between<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
    up_to: i64,
) -> Result<Vec<(String, Vec<BuildChange>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT version, changes FROM builds WHERE id > $1 AND id <= $2 ORDER BY id DESC",
    )
    .bind(after)
    .bind(up_to)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let changes: String = row.try_get("changes")?;
            Ok((row.try_get("version")?, decode(&changes)?))
        })
        .collect()
}
