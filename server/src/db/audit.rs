//! The append-only audit log: who did what, to what, when and from where. The database
//! itself refuses UPDATE and DELETE on it (triggers in the migrations).

use sqlx::{Any, Executor, Row};

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Who: a user name, `cli`, or `system`.
    pub actor: &'a str,
    /// What: a dotted verb, e.g. `build.register`.
    pub action: &'a str,
    /// To what: e.g. the build version.
    pub target: &'a str,
    /// Detail as JSON text; never secrets.
    pub details: String,
    /// From where: the client address.
    pub address: &'a str,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Id.
    pub id: i64,
    /// Epoch ms.
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// To what.
    pub target: String,
    /// Detail.
    pub details: String,
    /// From where.
    pub address: String,
}

/// Appends an entry.
pub async fn append<'c>(
    db: impl Executor<'c, Database = Any>,
    entry: Entry<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, details, address) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(at)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.details)
        .bind(entry.address)
        .execute(db)
        .await?;
    Ok(())
}

/// The newest entries first.
pub async fn recent<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, at, actor, action, target, details, address FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditRow {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                target: row.try_get("target")?,
                details: row.try_get("details")?,
                address: row.try_get("address")?,
            })
        })
        .collect()
}
