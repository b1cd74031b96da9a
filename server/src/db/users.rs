//! Users: name, role, kind, password hash, and the state an admin changes (disabled, must
//! change password, session generation).

use app::domain::views::{Principal, UserRow};
use app::domain::{Role, Timestamp, UserKind};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// The stored password hash of an account that has no password (a service account): no
/// PHC string parses as it, so no password ever verifies.
pub const NO_PASSWORD: &str = "!";

/// A user as sign-in and the lifecycle see it.
#[derive(Debug, Clone)]
pub struct Account {
    /// Who.
    pub principal: Principal,
    /// Person or service account.
    pub kind: UserKind,
    /// Argon2id PHC string, or [`NO_PASSWORD`].
    pub password_hash: String,
    /// Disabled, if so (epoch ms).
    pub disabled_at: Option<i64>,
    /// Must change the password at the next sign-in.
    pub must_change_password: bool,
    /// Sessions begun under another generation have ended.
    pub session_generation: i64,
    /// Two-factor sign-in is on: a code follows the password.
    pub totp_enabled: bool,
    /// Signs in through the OpenID provider (no password).
    pub single_sign_on: bool,
}

const COLUMNS: &str =
    "id, name, role, kind, password_hash, created_at, disabled_at, must_change_password, session_generation, \
     CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS totp_enabled, \
     CAST(CASE WHEN sso_subject IS NULL THEN 0 ELSE 1 END AS BIGINT) AS single_sign_on";

fn role(row: &AnyRow) -> Result<Role, sqlx::Error> {
    let text: String = row.try_get("role")?;
    Role::parse(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn kind(row: &AnyRow) -> Result<UserKind, sqlx::Error> {
    let text: String = row.try_get("kind")?;
    UserKind::parse(&text).map_err(|e| sqlx::Error::Decode(e.into()))
}

fn account(row: &AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        principal: Principal {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            role: role(row)?,
        },
        kind: kind(row)?,
        password_hash: row.try_get("password_hash")?,
        disabled_at: super::opt_i64(row, "disabled_at")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        session_generation: row.try_get("session_generation")?,
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? != 0,
        single_sign_on: row.try_get::<i64, _>("single_sign_on")? != 0,
    })
}

/// Inserts a user; fails on a duplicate name.
pub async fn insert<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
    role: Role,
    kind: UserKind,
    password_hash: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (name, role, kind, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(kind.as_str())
    .bind(password_hash)
    .bind(at)
    .fetch_one(db)
    .await?
    .try_get("id")
}

/// A user by name, disabled or not.
pub async fn by_name<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE name = $1"))
        .bind(name)
        .fetch_optional(db)
        .await?;
    row.map(|row| account(&row)).transpose()
}

/// The user the OpenID provider `issuer` knows as `subject`, disabled or not.
pub async fn by_sso<'c>(
    db: impl Executor<'c, Database = Any>,
    issuer: &str,
    subject: &str,
) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE sso_issuer = $1 AND sso_subject = $2"
    ))
    .bind(issuer)
    .bind(subject)
    .fetch_optional(db)
    .await?;
    row.map(|row| account(&row)).transpose()
}

/// Inserts a person who signs in through the OpenID provider (no password); fails on a
/// duplicate name or subject.
pub async fn insert_sso<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
    role: Role,
    issuer: &str,
    subject: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (name, role, kind, password_hash, created_at, sso_issuer, sso_subject) \
         VALUES ($1, $2, 'person', $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(NO_PASSWORD)
    .bind(at)
    .bind(issuer)
    .bind(subject)
    .fetch_one(db)
    .await?
    .try_get("id")
}

/// A user by id, disabled or not.
pub async fn by_id<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(|row| account(&row)).transpose()
}

/// Every user, by name.
pub async fn list<'c>(db: impl Executor<'c, Database = Any>) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            let account = account(row)?;
            Ok(UserRow {
                id: account.principal.id,
                name: account.principal.name,
                role: account.principal.role,
                kind: account.kind,
                created_at: Timestamp::from_millis(row.try_get("created_at")?),
                disabled_at: account.disabled_at.map(Timestamp::from_millis),
                must_change_password: account.must_change_password,
                totp_enabled: account.totp_enabled,
                single_sign_on: account.single_sign_on,
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

/// Locks the enabled admins' rows until the transaction ends (a no-op update: on PostgreSQL
/// it takes their row locks, SQLite's writer lock is held already), so that two admins
/// demoting or disabling each other at once cannot both see the other still there.
pub async fn lock_admins<'c>(db: impl Executor<'c, Database = Any>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET role = role WHERE role = 'admin' AND kind = 'person' AND disabled_at IS NULL",
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How many enabled admins (people) there are: the last one may not be demoted or disabled.
pub async fn enabled_admins<'c>(db: impl Executor<'c, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND kind = 'person' AND disabled_at IS NULL",
    )
    .fetch_one(db)
    .await?
    .try_get("n")
}

/// Sets a user's role.
pub async fn set_role<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Disables (`Some(at)`) or re-enables (`None`) a user; disabling also ends their sessions.
pub async fn set_disabled<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    disabled_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET disabled_at = $1, session_generation = session_generation + 1 WHERE id = $2",
    )
    .bind(disabled_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Stores a new password hash and whether it must be changed at the next sign-in; ends every
/// session of the user and returns the new session generation.
pub async fn set_password<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    password_hash: &str,
    must_change: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, \
         session_generation = session_generation + 1 WHERE id = $3 RETURNING session_generation",
    )
    .bind(password_hash)
    .bind(i64::from(must_change))
    .bind(id)
    .fetch_one(db)
    .await?
    .try_get("session_generation")
}

/// Ends every session of a user; returns the new generation (the caller's own session may
/// adopt it to stay signed in).
pub async fn end_sessions<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "UPDATE users SET session_generation = session_generation + 1 WHERE id = $1 RETURNING session_generation",
    )
    .bind(id)
    .fetch_one(db)
    .await?
    .try_get("session_generation")
}

/// Renames a user; fails on a duplicate name.
pub async fn rename<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks that a user must change their password before anything else.
pub async fn require_password_change<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET must_change_password = 1 WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
