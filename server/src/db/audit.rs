//! The append-only audit log: who did what, to what, when and from where. The database
//! refuses UPDATE and DELETE on it (triggers in the migrations), and every entry is chained
//! to the one before by a hash (see [`super::audit_chain`]), so a change made behind those
//! triggers shows.

use super::audit_chain::{entry_hash, Sealed};
use app::domain::{AuditEntry, AuditFilter, Timestamp};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection, AnyPool, Arguments, Executor, Row};

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Who: a user name, `engine`, `cli`, or `anonymous`.
    pub actor: &'a str,
    /// What: a dotted verb, e.g. `build.register`.
    pub action: &'a str,
    /// To what: e.g. the build version.
    pub target: &'a str,
    /// The environment it concerns, if any.
    pub environment: Option<&'a str>,
    /// Detail as JSON text; never secrets.
    pub details: String,
    /// From where: the client address.
    pub address: &'a str,
}

/// A change the engine made to the cloud, recorded as done by `engine`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudAction {
    /// A `cloud.` verb: `cloud.launch`, `cloud.traffic_switch`, `cloud.terminate`, …
    pub action: &'static str,
    /// Detail as JSON text.
    pub details: String,
}

impl CloudAction {
    /// The entry for this action of `deployment` in `environment`.
    pub fn entry<'a>(&'a self, deployment: &'a str, environment: &'a str) -> Entry<'a> {
        Entry {
            actor: "engine",
            action: self.action,
            target: deployment,
            environment: Some(environment),
            details: self.details.clone(),
            address: "",
        }
    }
}

/// Appends an entry inside the caller's transaction, chained to the newest entry. Taking the
/// chain's head first makes concurrent appenders queue (a row lock on PostgreSQL, the write
/// lock on SQLite) until this transaction ends, so the chain never forks; call it as the
/// transaction's last write to keep that wait short.
pub async fn append(
    conn: &mut AnyConnection,
    entry: Entry<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    let head = sqlx::query(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id, hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = head.try_get("last_id")?;
    let prev_hash: String = head.try_get("hash")?;
    let row = AuditEntry {
        id,
        at: Timestamp::from_millis(at),
        actor: entry.actor.to_owned(),
        action: entry.action.to_owned(),
        target: entry.target.to_owned(),
        environment: entry.environment.map(str::to_owned),
        details: entry.details,
        address: entry.address.to_owned(),
    };
    let hash = entry_hash(&row, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, target, environment, details, address, \
         prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(row.id)
    .bind(at)
    .bind(&row.actor)
    .bind(&row.action)
    .bind(&row.target)
    .bind(&row.environment)
    .bind(&row.details)
    .bind(&row.address)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE singleton = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Appends an entry in a transaction of its own.
pub async fn append_alone(pool: &AnyPool, entry: Entry<'_>, at: i64) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    append(&mut tx, entry, at).await?;
    tx.commit().await
}

const COLUMNS: &str = "id, at, actor, action, target, environment, details, address";

/// Entries matching `filter`, newest first, with ids below `before` (all when none), at most
/// `limit`.
pub async fn list<'c>(
    db: impl Executor<'c, Database = Any>,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1 = 1");
    let mut args = AnyArguments::default();
    let mut condition = |clause: &str, value: Value| -> Result<(), sqlx::Error> {
        // Each placeholder is used once, in order, so SQLite and PostgreSQL bind alike.
        sql += &clause.replace('?', &format!("${}", args.len() + 1));
        match value {
            Value::Int(n) => args.add(n),
            Value::Text(t) => args.add(t),
        }
        .map_err(sqlx::Error::Encode)
    };
    if let Some(before) = before {
        condition(" AND id < ?", Value::Int(before))?;
    }
    if let Some(actor) = &filter.actor {
        condition(" AND actor = ?", Value::Text(actor.clone()))?;
    }
    match filter.action.as_deref() {
        // A trailing dot asks for a family of actions (`cloud.`).
        Some(prefix) if prefix.ends_with('.') => condition(
            " AND action LIKE ? ESCAPE '\\'",
            Value::Text(super::like_prefix(prefix)),
        )?,
        Some(action) => condition(" AND action = ?", Value::Text(action.to_owned()))?,
        None => {}
    }
    if let Some(environment) = &filter.environment {
        condition(" AND environment = ?", Value::Text(environment.clone()))?;
    }
    if let Some(from) = filter.from {
        condition(" AND at >= ?", Value::Int(from.millis()))?;
    }
    if let Some(to) = filter.to {
        condition(" AND at < ?", Value::Int(to.millis()))?;
    }
    condition(" ORDER BY id DESC LIMIT ?", Value::Int(limit))?;
    let rows = sqlx::query_with(&sql, args).fetch_all(db).await?;
    rows.iter().map(entry_from_row).collect()
}

/// A bound value of a filter.
enum Value {
    Int(i64),
    Text(String),
}

/// The newest entries first (every filter off).
pub async fn recent<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    list(db, &AuditFilter::default(), None, limit).await
}

/// Entries with ids above `after`, oldest first, at most `limit`, with their chain columns:
/// what the chain walk reads page by page.
pub async fn sealed_after<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
    limit: i64,
) -> Result<Vec<Sealed>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Sealed {
                entry: entry_from_row(row)?,
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: Timestamp::from_millis(row.try_get("at")?),
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        environment: row.try_get("environment")?,
        details: row.try_get("details")?,
        address: row.try_get("address")?,
    })
}
