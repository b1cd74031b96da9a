//! The notification worker: routes events written to the outbox to the channels the rules
//! pick (one delivery each), and delivers what is due — claimed first, so that replicas share
//! the work — retrying with doubling waits until `max_attempts`. Nothing here holds up a
//! deployment: the engine only writes an event row.

pub mod channels;
pub mod derived;
pub mod email;

use crate::core::Core;
use crate::db::notifications::{self as outbox, Attempt, Due};
use crate::error_chain::error_chain;
use app::domain::notification::EventKind;
use channels::{Channels, Target, WebHook};
use std::sync::Arc;
use std::time::Duration;

/// How long a claimed delivery is left alone by other replicas.
const CLAIM_MS: i64 = 60_000;
/// The longest wait between two attempts.
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// Starts the worker, looking every `every`.
pub fn spawn(core: Core, channels: Arc<Channels>, every: Duration) {
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "notifications are off: no HTTP client");
            return;
        }
    };
    tokio::spawn(async move {
        loop {
            if let Err(error) = derived::warm_windows_closing(&core).await {
                tracing::warn!(%error, "looking for warm windows closing failed; trying again");
            }
            if let Err(error) = route(&core).await {
                tracing::warn!(%error, "routing notifications failed; trying again");
            }
            if let Err(error) = deliver(&core, &channels, &client).await {
                tracing::warn!(%error, "delivering notifications failed; trying again");
            }
            tokio::time::sleep(every).await;
        }
    });
}

/// Gives each unrouted event its deliveries, in one transaction per event.
pub async fn route(core: &Core) -> Result<(), sqlx::Error> {
    let settings = &core.settings.notifications;
    for event in outbox::unrouted(&core.db, 100).await? {
        let now = core.now();
        let mut tx = crate::db::begin_write(&core.db).await?;
        if !outbox::mark_routed(&mut *tx, event.id, now).await? {
            continue;
        }
        if let Ok(kind) = EventKind::parse(&event.event) {
            for channel in settings.route(kind, event.environment.as_deref()) {
                outbox::add_delivery(&mut *tx, event.id, &channel, now).await?;
            }
        }
        derived::signoff_request(core, &mut tx, &event, now).await?;
        tx.commit().await?;
    }
    Ok(())
}

async fn deliver(
    core: &Core,
    channels: &Channels,
    client: &reqwest::Client,
) -> Result<(), sqlx::Error> {
    let now = core.now();
    for due in outbox::due(&core.db, now, 50).await? {
        if !outbox::claim(&core.db, due.id, now, now + CLAIM_MS).await? {
            continue;
        }
        let result = send(core, channels, client, &due).await;
        let settings = &core.settings.notifications;
        let attempts = due.attempts + 1;
        let outcome = match &result {
            Ok(()) => Attempt::Sent,
            Err(error) if attempts >= i64::from(settings.max_attempts) => Attempt::GiveUp { error },
            Err(error) => {
                let wait = settings
                    .retry_base
                    .as_millis_i64()
                    .saturating_mul(1_i64 << (attempts - 1).clamp(0, 30))
                    .min(MAX_BACKOFF_MS);
                Attempt::Retry {
                    at: core.now() + wait,
                    error,
                }
            }
        };
        if let Err(error) = &result {
            tracing::info!(channel = %due.channel, attempts, %error, "a notification was not delivered");
        }
        outbox::finish_attempt(&core.db, due.id, outcome, core.now()).await?;
    }
    Ok(())
}

async fn send(
    core: &Core,
    channels: &Channels,
    client: &reqwest::Client,
    due: &Due,
) -> Result<(), String> {
    let channel = channels
        .get(&due.channel)
        .ok_or_else(|| format!("no channel is named {:?} any more", due.channel))?;
    let link = match (&core.settings.public_url, due.event.deployment_id) {
        (Some(public), Some(id)) => Some(format!(
            "{}/deployments/{id}",
            public.as_str().trim_end_matches('/')
        )),
        _ => None,
    };
    match &channel.target {
        Target::Web(hook) => post(core, client, hook, due, link.as_deref()).await,
        Target::Email(to) => {
            let mailer = channels
                .mailer()
                .ok_or("no mail server is configured ([notifications.smtp])")?;
            mailer.send(to, &due.event, link.as_deref()).await
        }
    }
}

async fn post(
    core: &Core,
    client: &reqwest::Client,
    hook: &WebHook,
    due: &Due,
    link: Option<&str>,
) -> Result<(), String> {
    let outgoing = hook.outgoing(&due.event, link, core.now() / 1000);
    let mut request = client
        .post(outgoing.url.as_str())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(outgoing.body);
    for (name, value) in outgoing.headers {
        request = request.header(name, value);
    }
    // The URL is a secret (a Slack webhook's is its key): errors are told with their causes
    // but without it, even should a cause repeat it.
    let response = request.send().await.map_err(|e| {
        error_chain(&e.without_url()).replace(outgoing.url.as_str(), "the channel's URL")
    })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "the channel answered HTTP {}",
            response.status().as_u16()
        ))
    }
}
