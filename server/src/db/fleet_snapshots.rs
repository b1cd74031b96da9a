//! Fleet snapshots shared between replicas, and the poller's lease: the replica holding the
//! lease writes each environment's latest look; every replica reads what changed since its
//! last read.

use app::domain::fleet_health::FleetSnapshot;
use app::domain::notification::EventKind;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row};

/// One environment's stored look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The environment.
    pub environment: String,
    /// The last good snapshot, if any.
    pub snapshot: Option<FleetSnapshot>,
    /// Why the last look failed, when it did.
    pub last_error: Option<String>,
    /// Its write counter.
    pub version: i64,
}

/// Takes (or keeps) lease `name` for `holder` until `expires_at`, if it is free, expired or
/// already `holder`'s; answers whether `holder` holds it now.
pub async fn take_lease(
    db: &AnyPool,
    name: &str,
    holder: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = super::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO poller_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE poller_leases.holder = excluded.holder OR poller_leases.expires_at < $4",
    )
    .bind(name)
    .bind(holder)
    .bind(expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT holder FROM poller_leases WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
    let held = row.try_get::<String, _>("holder")? == holder;
    tx.commit().await?;
    Ok(held)
}

/// Lets lease `name` go, if `holder` holds it (a replica shutting down hands over at once).
pub async fn release_lease<'c>(
    db: impl Executor<'c, Database = Any>,
    name: &str,
    holder: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM poller_leases WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(db)
        .await?;
    Ok(())
}

/// Stores `environment`'s look: a new snapshot, or (none) only the error of a failed look,
/// keeping the last good snapshot.
pub async fn store(
    db: &AnyPool,
    environment: &str,
    snapshot: Option<&FleetSnapshot>,
    last_error: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let body = snapshot
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = super::begin_write(db).await?;
    if let Some(snapshot) = snapshot {
        tell_newly_firing(&mut tx, environment, snapshot, now).await?;
    }
    // One counter for all environments: a reader asks for everything above the highest it saw.
    let next: i64 =
        sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM fleet_snapshots")
            .fetch_one(&mut *tx)
            .await?
            .try_get("next")?;
    sqlx::query(
        "INSERT INTO fleet_snapshots (environment, body, last_error, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (environment) DO UPDATE SET \
         body = COALESCE(excluded.body, fleet_snapshots.body), last_error = excluded.last_error, \
         version = excluded.version, updated_at = excluded.updated_at",
    )
    .bind(environment)
    .bind(body)
    .bind(last_error)
    .bind(next)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Writes `alarm.firing` for each alarm firing in `snapshot` that was not in the stored one,
/// in the transaction that stores it.
async fn tell_newly_firing(
    conn: &mut AnyConnection,
    environment: &str,
    snapshot: &FleetSnapshot,
    now: i64,
) -> Result<(), sqlx::Error> {
    let before: Option<String> =
        sqlx::query("SELECT body FROM fleet_snapshots WHERE environment = $1")
            .bind(environment)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get::<Option<String>, _>("body"))
            .transpose()?
            .flatten();
    // A stored body that no longer reads (an older shape) counts as no earlier look.
    let before: Option<FleetSnapshot> = before.and_then(|b| serde_json::from_str(b.as_str()).ok());
    for alarm in snapshot.newly_firing(before.as_ref()) {
        let summary = format!("Alarm {} is firing on {environment}", alarm.name);
        super::notifications::record(
            &mut *conn,
            EventKind::AlarmFiring.as_str(),
            Some(environment),
            None,
            &summary,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Every stored look with a version above `after`.
pub async fn changed_since<'c>(
    db: impl Executor<'c, Database = Any>,
    after: i64,
) -> Result<Vec<Stored>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT environment, body, last_error, version FROM fleet_snapshots WHERE version > $1 \
         ORDER BY version",
    )
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            let body: Option<String> = row.try_get("body")?;
            Ok(Stored {
                environment: row.try_get("environment")?,
                snapshot: body
                    .map(|b| serde_json::from_str(&b))
                    .transpose()
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                last_error: row.try_get("last_error")?,
                version: row.try_get("version")?,
            })
        })
        .collect()
}
