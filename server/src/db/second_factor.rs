//! Two-factor sign-in state: the TOTP secret offered and confirmed, the last step a code was
//! accepted for, and recovery codes (as SHA-256), each used once.

use sqlx::{Any, Executor, Row};

/// A user's TOTP secret (confirmed) and the last step a code was accepted for.
pub async fn secret<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
) -> Result<Option<(String, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let secret: Option<String> = row.try_get("totp_secret")?;
    Ok(secret.map(|s| (s, super::opt_i64(&row, "totp_last_step").ok().flatten())))
}

/// The secret offered at enrolment, awaiting its first code.
pub async fn pending<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT totp_pending_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    match row {
        Some(row) => row.try_get("totp_pending_secret"),
        None => Ok(None),
    }
}

/// Offers a secret (replacing one offered before).
pub async fn offer<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    secret: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Confirms `secret`, the one the first code was checked against, used up to `step`; false
/// when it is no longer the one on offer (confirmed already, or offered anew meanwhile).
pub async fn confirm<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    secret: &str,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, totp_last_step = $2, \
         totp_failures = 0 WHERE id = $3 AND totp_pending_secret = $1",
    )
    .bind(secret)
    .bind(step)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a wrong code against the account (a new window when the last began before
/// `window_start`) and returns the count in the window.
pub async fn count_failure<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    now: i64,
    window_start: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "UPDATE users SET \
         totp_failures = CASE WHEN totp_failures_since IS NULL OR totp_failures_since < $1 THEN 1 ELSE totp_failures + 1 END, \
         totp_failures_since = CASE WHEN totp_failures_since IS NULL OR totp_failures_since < $1 THEN $2 ELSE totp_failures_since END \
         WHERE id = $3 RETURNING totp_failures",
    )
    .bind(window_start)
    .bind(now)
    .bind(user_id)
    .fetch_one(db)
    .await?
    .try_get("totp_failures")
}

/// Wrong codes against the account in the window that began at `window_start` or later.
pub async fn failures<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    window_start: i64,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT CAST(CASE WHEN totp_failures_since IS NULL OR totp_failures_since < $1 THEN 0 \
         ELSE totp_failures END AS BIGINT) AS n FROM users WHERE id = $2",
    )
    .bind(window_start)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    match row {
        Some(row) => row.try_get("n"),
        None => Ok(0),
    }
}

/// Clears the account's wrong-code count (after a right code).
pub async fn clear_failures<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_failures = 0, totp_failures_since = NULL WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Turns two-factor sign-in off and drops the recovery codes.
pub async fn remove(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records that a code for `step` was used; false when that step (or a later one) already
/// was, so that two requests racing with one code cannot both sign in.
pub async fn use_step<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
         AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a user's recovery codes with these digests.
pub async fn store_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    digests: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for digest in digests {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(digest)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Uses an unused recovery code with this digest; false when there is none.
pub async fn use_recovery_code<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    digest: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE id = \
         (SELECT id FROM recovery_codes WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL LIMIT 1) \
         AND used_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .bind(digest)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
