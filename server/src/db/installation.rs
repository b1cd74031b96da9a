//! This installation's id: generated on first start, kept for good.

use sqlx::{AnyPool, Row};

/// The installation's id, created (as 32 random hex digits) if this database has none yet.
pub async fn id(pool: &AnyPool, now: i64) -> Result<String, sqlx::Error> {
    let fresh = hex::encode(rand::random::<[u8; 16]>());
    // Two replicas starting at once on one database agree: the second insert does nothing.
    sqlx::query(
        "INSERT INTO installation (singleton, id, created_at) VALUES (1, $1, $2) \
         ON CONFLICT (singleton) DO NOTHING",
    )
    .bind(fresh)
    .bind(now)
    .execute(pool)
    .await?;
    sqlx::query("SELECT id FROM installation WHERE singleton = 1")
        .fetch_one(pool)
        .await?
        .try_get("id")
}
