//! The notification outbox: events written beside what causes them, their deliveries to
//! channels, and the state of each delivery (pending with its next attempt, sent, failed).

use sqlx::{Any, Executor, Row};

/// An event to tell people about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// `deployment.failed`, …
    pub event: String,
    /// The environment it concerns, if any.
    pub environment: Option<String>,
    /// The deployment it concerns, if any.
    pub deployment_id: Option<i64>,
    /// One line a person reads.
    pub summary: String,
    /// When (epoch ms).
    pub created_at: i64,
}

/// A delivery due, with its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The delivery's id.
    pub id: i64,
    /// The channel's name.
    pub channel: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// What to say.
    pub event: Event,
}

/// Writes an event (inside the caller's transaction).
pub async fn record<'c>(
    db: impl Executor<'c, Database = Any>,
    event: &str,
    environment: Option<&str>,
    deployment_id: Option<i64>,
    summary: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_events (event, environment, deployment_id, summary, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event)
    .bind(environment)
    .bind(deployment_id)
    .bind(summary)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

fn event(row: &sqlx::any::AnyRow) -> Result<Event, sqlx::Error> {
    Ok(Event {
        id: row.try_get("event_id")?,
        event: row.try_get("event")?,
        environment: row.try_get("environment")?,
        deployment_id: super::opt_i64(row, "deployment_id")?,
        summary: row.try_get("summary")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Events not yet routed, oldest first.
pub async fn unrouted<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id AS event_id, event, environment, deployment_id, summary, created_at \
         FROM notification_events WHERE routed_at IS NULL ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(event).collect()
}

/// Marks an event routed; false when another worker routed it first.
pub async fn mark_routed<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification_events SET routed_at = $1 WHERE id = $2 AND routed_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds a pending delivery of event `event_id` to `channel`.
pub async fn add_delivery<'c>(
    db: impl Executor<'c, Database = Any>,
    event_id: i64,
    channel: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_deliveries (event_id, channel, status, next_attempt_at, created_at) \
         VALUES ($1, $2, 'pending', $3, $3)",
    )
    .bind(event_id)
    .bind(channel)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Pending deliveries whose next attempt is due at `now`, oldest first.
pub async fn due<'c>(
    db: impl Executor<'c, Database = Any>,
    now: i64,
    limit: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, d.channel, d.attempts, e.id AS event_id, e.event, e.environment, \
         e.deployment_id, e.summary, e.created_at \
         FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Due {
                id: row.try_get("id")?,
                channel: row.try_get("channel")?,
                attempts: row.try_get("attempts")?,
                event: event(row)?,
            })
        })
        .collect()
}

/// Claims a due delivery until `until` (so that another replica leaves it alone); false when
/// someone else claimed it first.
pub async fn claim<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification_deliveries SET next_attempt_at = $1 \
         WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
    )
    .bind(until)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the outcome of an attempt: sent, another attempt at `retry_at`, or given up.
pub async fn finish_attempt<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
    outcome: Attempt<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (status, next, error, sent) = match outcome {
        Attempt::Sent => ("sent", now, None, Some(now)),
        Attempt::Retry { at, error } => ("pending", at, Some(error), None),
        Attempt::GiveUp { error } => ("failed", now, Some(error), None),
    };
    sqlx::query(
        "UPDATE notification_deliveries SET status = $1, next_attempt_at = $2, last_error = $3, \
         sent_at = $4, attempts = attempts + 1 WHERE id = $5",
    )
    .bind(status)
    .bind(next)
    .bind(error)
    .bind(sent)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    /// The channel took it.
    Sent,
    /// It failed; try again at `at`.
    Retry {
        /// When.
        at: i64,
        /// Why it failed.
        error: &'a str,
    },
    /// It failed for the last time.
    GiveUp {
        /// Why it failed.
        error: &'a str,
    },
}
