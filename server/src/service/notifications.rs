//! The admin's side of notifications: the delivery log, and a test message to a channel —
//! queued in the outbox and delivered by the worker like any event, so its row in the log
//! says whether the channel works.

use super::internal;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::views::{ChannelView, DeliveryLog, DeliveryView, Principal};
use app::use_cases::UseCaseError;

/// The channels as configured (names and kinds only) and the `limit` latest deliveries.
pub async fn delivery_log(core: &Core, limit: i64) -> Result<DeliveryLog, UseCaseError> {
    let deliveries = db::delivery_log::recent(&core.db, limit.clamp(1, 500))
        .await
        .map_err(internal)?;
    let channels = core
        .channels
        .all()
        .iter()
        .map(|c| ChannelView {
            name: c.name.clone(),
            kind: c.kind().to_owned(),
        })
        .collect();
    Ok(DeliveryLog {
        channels,
        deliveries,
    })
}

/// Queues a test message to `channel`, audited as `notification.test`.
pub async fn send_test_message(
    core: &Core,
    actor: &Principal,
    address: &str,
    channel: &str,
) -> Result<DeliveryView, UseCaseError> {
    if core.channels.get(channel).is_none() {
        return Err(UseCaseError::NotFound(format!("channel {channel:?}")));
    }
    let now = core.now();
    let summary = format!(
        "Test message from Greenlight to {channel}, sent by {}",
        actor.name
    );
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    let delivery = db::delivery_log::queue_test(&mut tx, channel, &summary, now)
        .await
        .map_err(internal)?;
    let entry = audit::Entry {
        actor: &actor.name,
        action: db::delivery_log::TEST_EVENT,
        target: channel,
        environment: None,
        details: serde_json::json!({ "delivery": delivery.id }).to_string(),
        address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(delivery)
}
