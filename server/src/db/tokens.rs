//! API tokens: only the SHA-256 of the secret is stored.

use app::domain::views::{Principal, TokenRow};
use app::domain::{Role, Timestamp};
use sqlx::{Any, Executor, Row};

/// Stores a token hash for a user.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    name: &str,
    token_hash: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(at)
        .fetch_one(db)
        .await?
        .try_get("id")
}

/// The owner of an unrevoked token with this hash, and the token's id.
pub async fn owner<'c>(
    db: impl Executor<'c, Database = Any>,
    token_hash: &str,
) -> Result<Option<(i64, Principal)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.id AS token_id, u.id, u.name, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    let principal = Principal {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(e.into()))?,
    };
    Ok(Some((row.try_get("token_id")?, principal)))
}

/// Notes that a token was used.
pub async fn touch<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Revokes a token; false when there is no such unrevoked token.
pub async fn revoke<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Every token, newest first.
pub async fn list<'c>(db: impl Executor<'c, Database = Any>) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, u.name AS user_name, t.name, t.created_at, t.last_used_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(TokenRow {
                id: row.try_get("id")?,
                user: row.try_get("user_name")?,
                name: row.try_get("name")?,
                created_at: Timestamp::from_millis(row.try_get("created_at")?),
                last_used_at: super::opt_i64(row, "last_used_at")?.map(Timestamp::from_millis),
                revoked_at: super::opt_i64(row, "revoked_at")?.map(Timestamp::from_millis),
            })
        })
        .collect()
}
