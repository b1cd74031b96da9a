//! Users: name, role and password hash.

use app::domain::views::{Principal, UserRow};
use app::domain::{Role, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A user with the hash needed to check a password.
#[derive(Debug, Clone)]
pub struct UserWithHash {
    /// Who.
    pub principal: Principal,
    /// Argon2id PHC string.
    pub password_hash: String,
}

fn role(row: &AnyRow) -> Result<Role, sqlx::Error> {
    let text: String = row.try_get("role")?;
    Role::parse(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn principal(row: &AnyRow) -> Result<Principal, sqlx::Error> {
    Ok(Principal {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role(row)?,
    })
}

/// Inserts a user; fails on a duplicate name.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
    role: Role,
    password_hash: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(at)
        .fetch_one(db)
        .await?
        .try_get("id")
}

/// A user by name, with the password hash.
pub async fn by_name<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
) -> Result<Option<UserWithHash>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, role, password_hash FROM users WHERE name = $1")
        .bind(name)
        .fetch_optional(db)
        .await?;
    row.map(|row| {
        Ok(UserWithHash {
            principal: principal(&row)?,
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

/// A user by id.
pub async fn by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Principal>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, role FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(|row| principal(&row)).transpose()
}

/// Every user, by name.
pub async fn list<'c>(db: impl Executor<'c, Database = Any>) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, role, created_at FROM users ORDER BY name")
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(UserRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                role: role(row)?,
                created_at: Timestamp::from_millis(row.try_get("created_at")?),
            })
        })
        .collect()
}

/// How many users exist.
pub async fn count<'c>(db: impl Executor<'c, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(db)
        .await?
        .try_get("n")
}
