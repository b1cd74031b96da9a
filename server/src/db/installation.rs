//! This installation's id and its key for hashing secrets: each generated on first start and
//! kept for good.

use sqlx::{AnyPool, Row};

/// The value a singleton table (`installation`, `secret_hash_key`) holds in `column`,
/// inserting `fresh` first if it holds none. Two replicas starting at once on one database
/// agree: the second insert does nothing.
async fn singleton(
    pool: &AnyPool,
    table: &str,
    column: &str,
    fresh: String,
    now: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO {table} (singleton, {column}, created_at) VALUES (1, $1, $2) \
         ON CONFLICT (singleton) DO NOTHING"
    ))
    .bind(fresh)
    .bind(now)
    .execute(pool)
    .await?;
    sqlx::query(&format!("SELECT {column} FROM {table} WHERE singleton = 1"))
        .fetch_one(pool)
        .await?
        .try_get(column)
}

/// The installation's id, created (as 32 random hex digits) if this database has none yet.
pub async fn id(pool: &AnyPool, now: i64) -> Result<String, sqlx::Error> {
    let fresh = hex::encode(rand::random::<[u8; 16]>());
    singleton(pool, "installation", "id", fresh, now).await
}

/// The installation's key for hashing secret values, created (32 random bytes) on first use.
pub async fn secret_hash_key(pool: &AnyPool, now: i64) -> Result<[u8; 32], sqlx::Error> {
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    let key = singleton(pool, "secret_hash_key", "key", fresh, now).await?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(&key, &mut bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(bytes)
}
