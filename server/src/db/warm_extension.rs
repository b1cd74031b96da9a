//! The warm window of an environment's release: which deployment holds it open, until when,
//! how much it was extended already; and extending it.

use sqlx::{Any, Executor, Row};

/// A release whose old fleet is kept warm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmRelease {
    /// The deployment.
    pub id: i64,
    /// When the window closes (epoch ms).
    pub warm_until: i64,
    /// How much it was extended by hand so far (ms).
    pub extended_ms: i64,
}

/// The environment's release whose warm window is open at `now`, if any (the newest, should
/// a superseded one not be retired yet).
pub async fn open<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    now: i64,
) -> Result<Option<WarmRelease>, sqlx::Error> {
    // `+id`: the warm releases' index finds the few, never a walk of the table newest first
    // (see `rollouts::in_phases`).
    let row = sqlx::query(
        "SELECT id, warm_until, warm_extended_ms FROM deployments \
         WHERE environment = $1 AND phase = 'warm' AND warm_until > $2 ORDER BY +id DESC LIMIT 1",
    )
    .bind(environment)
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(WarmRelease {
            id: row.try_get("id")?,
            warm_until: row.try_get("warm_until")?,
            extended_ms: row.try_get("warm_extended_ms")?,
        })
    })
    .transpose()
}

/// Moves the window's end `by_ms` later (and says "closes soon" again when it comes); false
/// when the release left its warm window, or it closed, meanwhile.
pub async fn extend<'c>(
    db: impl Executor<'c, Database = Any>,
    release: WarmRelease,
    by_ms: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployments SET warm_until = $1, warm_extended_ms = $2, \
         warm_closing_told_at = NULL \
         WHERE id = $3 AND phase = 'warm' AND warm_until = $4 AND warm_until > $5",
    )
    .bind(release.warm_until + by_ms)
    .bind(release.extended_ms + by_ms)
    .bind(release.id)
    .bind(release.warm_until)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
