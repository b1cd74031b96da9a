//! Sign-in attempts: every success and failure, used to throttle guessing.

use sqlx::{Any, Executor, Row};

/// Records one attempt; returns its id. An attempt is recorded as failed before the password
/// is checked, so concurrent guesses count against each other, and marked succeeded after.
pub async fn record<'c>(
    db: impl Executor<'c, Database = Any>,
    user_name: &str,
    address: &str,
    succeeded: bool,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_attempts (user_name, address, succeeded, at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(user_name)
    .bind(address)
    .bind(i64::from(succeeded))
    .bind(at)
    .fetch_one(db)
    .await?
    .try_get("id")
}

/// Marks attempt `id` as succeeded.
pub async fn mark_succeeded<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets attempts older than `before` (past every throttling window).
pub async fn prune<'c>(
    db: impl Executor<'c, Database = Any>,
    before: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(before)
        .execute(db)
        .await?
        .rows_affected())
}

/// Failed attempts for an account from one address since `since`.
pub async fn failures_for_user_from<'c>(
    db: impl Executor<'c, Database = Any>,
    user_name: &str,
    address: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM login_attempts \
         WHERE user_name = $1 AND address = $2 AND at >= $3 AND succeeded = 0",
    )
    .bind(user_name)
    .bind(address)
    .bind(since)
    .fetch_one(db)
    .await?
    .try_get("n")
}

/// Failed attempts for an account, from every address, since `since`.
pub async fn failures_for_user<'c>(
    db: impl Executor<'c, Database = Any>,
    user_name: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM login_attempts WHERE user_name = $1 AND at >= $2 AND succeeded = 0")
        .bind(user_name)
        .bind(since)
        .fetch_one(db)
        .await?
        .try_get("n")
}

/// Failed attempts from an address since `since`.
pub async fn failures_for_address<'c>(
    db: impl Executor<'c, Database = Any>,
    address: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM login_attempts WHERE address = $1 AND at >= $2 AND succeeded = 0")
        .bind(address)
        .bind(since)
        .fetch_one(db)
        .await?
        .try_get("n")
}
