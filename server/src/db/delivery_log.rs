//! The admin's delivery log: recent deliveries with their events, and a test message queued
//! straight to one channel (an event that no rule routes, with its one delivery).

use app::domain::views::{DeliveryStatus, DeliveryView};
use app::domain::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

/// The event name a test message is recorded as.
pub const TEST_EVENT: &str = "notification.test";

const SELECT: &str = "SELECT d.id, e.event, e.environment, e.deployment_id, e.summary, d.channel, \
     d.status, d.attempts, d.last_error, e.created_at, d.sent_at \
     FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id";

fn view(row: &AnyRow) -> Result<DeliveryView, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(DeliveryView {
        id: row.try_get("id")?,
        event: row.try_get("event")?,
        environment: row.try_get("environment")?,
        deployment_id: super::opt_i64(row, "deployment_id")?,
        summary: row.try_get("summary")?,
        channel: row.try_get("channel")?,
        status: DeliveryStatus::parse(&status).map_err(|e| sqlx::Error::Decode(e.into()))?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
        sent_at: super::opt_i64(row, "sent_at")?.map(Timestamp::from_millis),
    })
}

/// The `limit` most recent deliveries, newest first.
pub async fn recent<'c>(
    db: impl Executor<'c, Database = Any>,
    limit: i64,
) -> Result<Vec<DeliveryView>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY d.id DESC LIMIT $1");
    let rows = sqlx::query(&sql).bind(limit).fetch_all(db).await?;
    rows.iter().map(view).collect()
}

/// Queues a test message to `channel`: an event already routed, with its one delivery.
pub async fn queue_test(
    conn: &mut AnyConnection,
    channel: &str,
    summary: &str,
    now: i64,
) -> Result<DeliveryView, sqlx::Error> {
    let event_id: i64 = sqlx::query(
        "INSERT INTO notification_events (event, environment, deployment_id, summary, created_at, routed_at) \
         VALUES ($1, NULL, NULL, $2, $3, $3) RETURNING id",
    )
    .bind(TEST_EVENT)
    .bind(summary)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    super::notifications::add_delivery(&mut *conn, event_id, channel, now).await?;
    let sql = format!("{SELECT} WHERE d.event_id = $1");
    let row = sqlx::query(&sql)
        .bind(event_id)
        .fetch_one(&mut *conn)
        .await?;
    view(&row)
}
