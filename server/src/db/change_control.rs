//! Run-time freezes and locks of environments: at most one of each per environment.

use app::domain::change_control::Lock;
use sqlx::{Any, Executor, Row};

/// A person's freeze: why, who, when (epoch ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezeRow {
    /// Why.
    pub reason: String,
    /// Who froze it.
    pub frozen_by: String,
    /// When.
    pub frozen_at: i64,
}

/// The run-time freeze of `environment`, if any.
pub async fn freeze<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<FreezeRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT reason, frozen_by, frozen_at FROM environment_freezes WHERE environment = $1",
    )
    .bind(environment)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(FreezeRow {
            reason: row.try_get("reason")?,
            frozen_by: row.try_get("frozen_by")?,
            frozen_at: row.try_get("frozen_at")?,
        })
    })
    .transpose()
}

/// Freezes `environment`; fails on the unique key when it is frozen already.
pub async fn set_freeze<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    freeze: &FreezeRow,
    by_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO environment_freezes (environment, reason, frozen_by, frozen_by_id, frozen_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(environment)
    .bind(&freeze.reason)
    .bind(&freeze.frozen_by)
    .bind(by_id)
    .bind(freeze.frozen_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Lifts the run-time freeze; whether there was one.
pub async fn lift<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM environment_freezes WHERE environment = $1")
        .bind(environment)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The lock of `environment`, lapsed or not.
pub async fn lock<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<Lock>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT holder, holder_id, reason, since, expires_at FROM environment_locks WHERE environment = $1",
    )
    .bind(environment)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(Lock {
            holder: row.try_get("holder")?,
            holder_id: row.try_get("holder_id")?,
            reason: row.try_get("reason")?,
            since: row.try_get("since")?,
            expires_at: row.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// Takes the lock of `environment`; fails on the unique key when a lock row exists.
pub async fn take_lock<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    lock: &Lock,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO environment_locks (environment, holder, holder_id, reason, since, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(environment)
    .bind(&lock.holder)
    .bind(lock.holder_id)
    .bind(&lock.reason)
    .bind(lock.since)
    .bind(lock.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Drops the lock of `environment`; whether there was one.
pub async fn drop_lock<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM environment_locks WHERE environment = $1")
        .bind(environment)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}
