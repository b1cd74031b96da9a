//! Which fleet serves each environment now (instance ids stored as a JSON array). Written only in the engine step that moves
//! traffic (cutover, rollback, resize), inside that step's transaction.

use app::domain::Fleet;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

fn fleet(row: &AnyRow) -> Result<Fleet, sqlx::Error> {
    let ids: String = row.try_get("instance_ids")?;
    Ok(Fleet {
        deployment_id: row.try_get("deployment_id")?,
        build_id: row.try_get("build_id")?,
        image_id: row.try_get("image_id")?,
        target_group: row.try_get("target_group")?,
        instance_ids: serde_json::from_str(&ids).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

/// The fleet serving `environment`, if any.
pub async fn get<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<Fleet>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT deployment_id, build_id, image_id, target_group, instance_ids \
         FROM environment_fleets WHERE environment = $1",
    )
    .bind(environment)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(fleet).transpose()
}

/// Every environment's serving fleet.
pub async fn all<'c>(
    db: impl Executor<'c, Database = Any>,
) -> Result<Vec<(String, Fleet)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT environment, deployment_id, build_id, image_id, target_group, instance_ids \
         FROM environment_fleets ORDER BY environment",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("environment")?, fleet(row)?)))
        .collect()
}

/// Makes `fleet` the one serving `environment`.
pub async fn set<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    fleet: &Fleet,
    now: i64,
) -> Result<(), sqlx::Error> {
    let ids =
        serde_json::to_string(&fleet.instance_ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO environment_fleets (environment, deployment_id, build_id, image_id, target_group, instance_ids, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (environment) DO UPDATE SET \
         deployment_id = excluded.deployment_id, build_id = excluded.build_id, image_id = excluded.image_id, \
         target_group = excluded.target_group, instance_ids = excluded.instance_ids, updated_at = excluded.updated_at",
    )
    .bind(environment)
    .bind(fleet.deployment_id)
    .bind(fleet.build_id)
    .bind(&fleet.image_id)
    .bind(fleet.target_group.as_deref())
    .bind(ids)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Nothing serves `environment` any more.
pub async fn clear<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM environment_fleets WHERE environment = $1")
        .bind(environment)
        .execute(db)
        .await?;
    Ok(())
}
