//! Sign-ins sent to the OpenID provider and awaited back: kept by the SHA-256 of the handle
//! the browser holds, taken (deleted) by the one callback that uses them.

use sqlx::{Any, Executor, Row};

/// What a sign-in sent to the provider keeps until it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The `state` the provider must send back.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier for the code exchange.
    pub pkce_verifier: String,
    /// The local path to go to once signed in.
    pub next_path: String,
    /// When it was sent (epoch ms).
    pub created_at: i64,
}

/// Keeps a pending sign-in under `handle_hash`.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    handle_hash: &str,
    pending: &PendingSignIn,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sso_logins (handle_hash, state, nonce, pkce_verifier, next_path, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(handle_hash)
    .bind(&pending.state)
    .bind(&pending.nonce)
    .bind(&pending.pkce_verifier)
    .bind(&pending.next_path)
    .bind(pending.created_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the pending sign-in under `handle_hash`: it is gone afterwards, so a second
/// callback with the same handle finds nothing.
pub async fn take<'c>(
    db: impl Executor<'c, Database = Any>,
    handle_hash: &str,
) -> Result<Option<PendingSignIn>, sqlx::Error> {
    let row = sqlx::query(
        "DELETE FROM sso_logins WHERE handle_hash = $1 \
         RETURNING state, nonce, pkce_verifier, next_path, created_at",
    )
    .bind(handle_hash)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(PendingSignIn {
            state: row.try_get("state")?,
            nonce: row.try_get("nonce")?,
            pkce_verifier: row.try_get("pkce_verifier")?,
            next_path: row.try_get("next_path")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .transpose()
}

/// Drops pending sign-ins sent before `before` (never completed).
pub async fn prune<'c>(
    db: impl Executor<'c, Database = Any>,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}
