//! API tokens: only the SHA-256 of the secret is stored, with the token's scopes and expiry.

use app::domain::views::{Principal, TokenRow};
use app::domain::{Role, Scopes, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// Owner.
    pub user_id: i64,
    /// Label.
    pub name: &'a str,
    /// SHA-256 of the secret, in hex.
    pub token_hash: &'a str,
    /// What it may be used for.
    pub scopes: &'a Scopes,
    /// When it stops working (epoch ms), if ever.
    pub expires_at: Option<i64>,
}

/// Stores a token hash for a user.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    new: &NewToken<'_>,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, scopes, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.name)
    .bind(new.token_hash)
    .bind(new.scopes.to_string())
    .bind(new.expires_at)
    .bind(at)
    .fetch_one(db)
    .await?
    .try_get("id")
}

/// A token that works: its id, its owner as they are now, and its scopes.
#[derive(Debug, Clone)]
pub struct Bearer {
    /// The token's id.
    pub token_id: i64,
    /// The owner, with their current role.
    pub owner: Principal,
    /// What the token may be used for.
    pub scopes: Scopes,
    /// When its use was last recorded (epoch ms).
    pub last_used_at: Option<i64>,
}

fn scopes(row: &AnyRow) -> Result<Scopes, sqlx::Error> {
    let text: String = row.try_get("scopes")?;
    Scopes::parse(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// The token with this hash when it works at `now`: not revoked, not expired, its owner not
/// disabled.
pub async fn bearer<'c>(
    db: impl Executor<'c, Database = Any>,
    token_hash: &str,
    now: i64,
) -> Result<Option<Bearer>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.id AS token_id, t.scopes, t.last_used_at, u.id, u.name, u.role FROM api_tokens t \
         JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL \
         AND (t.expires_at IS NULL OR t.expires_at > $2)",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    Ok(Some(Bearer {
        token_id: row.try_get("token_id")?,
        owner: Principal {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: Role::parse(&role).map_err(|e| sqlx::Error::Decode(e.into()))?,
        },
        scopes: scopes(&row)?,
        last_used_at: super::opt_i64(&row, "last_used_at")?,
    }))
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

/// Revokes a token (of `owner` only, when given); false when there is no such unrevoked token.
pub async fn revoke<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    owner: Option<i64>,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
         AND ($3 IS NULL OR user_id = $3)",
    )
    .bind(at)
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every active token of a user; how many.
pub async fn revoke_all_of<'c>(
    db: impl Executor<'c, Database = Any>,
    user_id: i64,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Every token (of `owner` only, when given), newest first.
pub async fn list<'c>(
    db: impl Executor<'c, Database = Any>,
    owner: Option<i64>,
) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, u.name AS user_name, t.name, t.scopes, t.created_at, t.expires_at, \
         t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE $1 IS NULL OR t.user_id = $1 ORDER BY t.id DESC",
    )
    .bind(owner)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let at = |column| super::opt_i64(row, column).map(|t| t.map(Timestamp::from_millis));
            Ok(TokenRow {
                id: row.try_get("id")?,
                user: row.try_get("user_name")?,
                name: row.try_get("name")?,
                scopes: scopes(row)?,
                created_at: Timestamp::from_millis(row.try_get("created_at")?),
                expires_at: at("expires_at")?,
                last_used_at: at("last_used_at")?,
                revoked_at: at("revoked_at")?,
            })
        })
        .collect()
}
