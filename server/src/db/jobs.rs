//! The engine's work queue with leases and fencing. A worker leases one due job at a time;
//! each grant bumps the job's fencing counter, and finishing or rescheduling a step only
//! succeeds while the counter is still the one granted, so a worker whose lease expired
//! (paused, partitioned, slow) cannot overwrite the work of the one that took over.

use sqlx::{Any, AnyConnection, Executor, Row};

/// A granted lease: the job and the fencing counter that proves it is still ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// The deployment whose next step may run.
    pub deployment_id: i64,
    /// The fencing counter granted with the lease.
    pub fence: i64,
}

/// A write attempted with a lease that is no longer current.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("lease on deployment {0} is stale (another worker took over)")]
pub struct StaleLease(pub i64);

/// Queues a deployment's next step at `run_at` (or moves it there).
pub async fn enqueue<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
    run_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO deployment_jobs (deployment_id, run_at) VALUES ($1, $2) \
         ON CONFLICT (deployment_id) DO UPDATE SET run_at = excluded.run_at",
    )
    .bind(deployment_id)
    .bind(run_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Leases the most overdue job that nobody holds, for `lease_ms`. `None` when nothing is due
/// (or another worker won the race for the same job; the caller simply tries again later).
pub async fn lease_next<'c>(
    db: impl Executor<'c, Database = Any>,
    worker: &str,
    now: i64,
    lease_ms: i64,
) -> Result<Option<Lease>, sqlx::Error> {
    // The outer condition is checked again after the row lock on PostgreSQL, so of two
    // workers that picked the same job only one gets it; SQLite serialises writers anyway.
    let row = sqlx::query(
        "UPDATE deployment_jobs SET lease_owner = $1, lease_until = $2, fence = fence + 1 \
         WHERE deployment_id = (SELECT deployment_id FROM deployment_jobs \
                                WHERE run_at <= $3 AND (lease_until IS NULL OR lease_until < $4) \
                                ORDER BY run_at LIMIT 1) \
           AND (lease_until IS NULL OR lease_until < $5) \
         RETURNING deployment_id, fence",
    )
    .bind(worker)
    .bind(now + lease_ms)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(Lease {
            deployment_id: row.try_get("deployment_id")?,
            fence: row.try_get("fence")?,
        })
    })
    .transpose()
}

/// Inside a step's transaction: fails unless `lease` is still current. Call it first: it is a
/// write, so it takes the job's row lock (PostgreSQL) or the write lock (SQLite) until the
/// transaction ends, and the step's other writes commit only with a current lease.
pub async fn check(
    conn: &mut AnyConnection,
    lease: Lease,
) -> Result<Result<(), StaleLease>, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployment_jobs SET fence = fence WHERE deployment_id = $1 AND fence = $2",
    )
    .bind(lease.deployment_id)
    .bind(lease.fence)
    .execute(&mut *conn)
    .await?;
    Ok(fenced(lease, done.rows_affected() == 1))
}

/// Extends a held lease to `until` while its step runs (the heartbeat); `false` when the
/// lease is no longer ours.
pub async fn renew<'c>(
    db: impl Executor<'c, Database = Any>,
    lease: Lease,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployment_jobs SET lease_until = $1 WHERE deployment_id = $2 AND fence = $3",
    )
    .bind(until)
    .bind(lease.deployment_id)
    .bind(lease.fence)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Makes a job due now without taking it from whoever holds it: a step under way finishes
/// and records what it did in the cloud (a launch), and the next step sees the request.
/// `false` when the deployment has no job (it ended).
pub async fn wake(
    conn: &mut AnyConnection,
    deployment_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE deployment_jobs SET run_at = $1 WHERE deployment_id = $2")
        .bind(now)
        .bind(deployment_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a job away from whoever holds it and makes it due now: the holder's writes become
/// stale. Used when a person asks for something the next step must see (a rollback).
pub async fn interrupt(
    conn: &mut AnyConnection,
    deployment_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployment_jobs SET fence = fence + 1, run_at = $1, lease_owner = NULL, \
         lease_until = NULL WHERE deployment_id = $2",
    )
    .bind(now)
    .bind(deployment_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Frees the jobs leased by workers whose names start with `owner_prefix` — an earlier run of
/// this very server, known to be dead — so they are taken up at once instead of after their
/// lease. The fence moves, so anything such a worker might still try to write is refused.
/// Returns how many were freed.
pub async fn release_owned_by<'c>(
    db: impl Executor<'c, Database = Any>,
    owner_prefix: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployment_jobs SET fence = fence + 1, lease_owner = NULL, lease_until = NULL \
         WHERE lease_owner LIKE $1 ESCAPE '\\'",
    )
    .bind(super::like_prefix(owner_prefix))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The deployments with a queued job, oldest due first.
pub async fn queued<'c>(db: impl Executor<'c, Database = Any>) -> Result<Vec<i64>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT deployment_id FROM deployment_jobs ORDER BY run_at, deployment_id")
            .fetch_all(db)
            .await?;
    rows.iter().map(|r| r.try_get("deployment_id")).collect()
}

/// When the next job is due, if any.
pub async fn next_due<'c>(
    db: impl Executor<'c, Database = Any>,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT MIN(run_at) AS due FROM deployment_jobs")
        .fetch_one(db)
        .await?;
    super::opt_i64(&row, "due")
}

/// Releases the lease and schedules the next step at `run_at`; refused with a stale lease.
pub async fn reschedule(
    conn: &mut AnyConnection,
    lease: Lease,
    run_at: i64,
) -> Result<Result<(), StaleLease>, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deployment_jobs SET run_at = $1, lease_owner = NULL, lease_until = NULL \
         WHERE deployment_id = $2 AND fence = $3",
    )
    .bind(run_at)
    .bind(lease.deployment_id)
    .bind(lease.fence)
    .execute(&mut *conn)
    .await?;
    Ok(fenced(lease, done.rows_affected() == 1))
}

/// Removes a finished deployment's job; refused with a stale lease.
pub async fn finish(
    conn: &mut AnyConnection,
    lease: Lease,
) -> Result<Result<(), StaleLease>, sqlx::Error> {
    let done = sqlx::query("DELETE FROM deployment_jobs WHERE deployment_id = $1 AND fence = $2")
        .bind(lease.deployment_id)
        .bind(lease.fence)
        .execute(&mut *conn)
        .await?;
    Ok(fenced(lease, done.rows_affected() == 1))
}

/// `Ok` when the write matched the granted fence, else [`StaleLease`].
fn fenced(lease: Lease, matched: bool) -> Result<(), StaleLease> {
    if matched {
        Ok(())
    } else {
        Err(StaleLease(lease.deployment_id))
    }
}
