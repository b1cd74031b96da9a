//! The poller: every `fleet_refresh`, one look at the cloud for every environment
//! ([`super::read::look`]) into the shared [`super::FleetCache`]. A failed look (throttled,
//! unreachable, too slow) keeps every last good snapshot and is logged; the next tick tries
//! again.

use super::read::Known;
use crate::core::Core;
use app::domain::live_event::LiveEvent;
use std::time::Duration;

/// Looks once and updates the cache. The look gets one refresh interval (at least a second):
/// a cloud retrying with backoff must not leave snapshots looking current while nothing
/// answers.
pub async fn refresh(core: &Core) {
    let budget = Duration::from_millis(core.settings.fleet_refresh.as_millis().max(1_000));
    let mut known = Vec::new();
    for settings in &core.settings.environments {
        let name = settings.name.as_str();
        let on_record = async {
            let serving = crate::db::fleets::get(&core.db, name).await?;
            let in_flight = crate::db::deployments::in_flight(&core.db, name).await?;
            Ok::<_, sqlx::Error>((serving, in_flight))
        };
        match on_record.await {
            Ok((serving, in_flight)) => known.push(Known {
                settings,
                serving,
                in_flight,
            }),
            Err(error) => core.fleet.failed(name, format!("database: {error}")),
        }
    }
    let look = super::read::look(core.cloud.as_ref(), &known);
    let started = std::time::Instant::now();
    let looked = tokio::time::timeout(budget, look).await;
    let result = if matches!(looked, Ok(Ok(_))) {
        "ok"
    } else {
        "failed"
    };
    metrics::histogram!(crate::telemetry::FLEET_REFRESH, "result" => result)
        .record(started.elapsed().as_secs_f64());
    match looked {
        Ok(Ok(view)) => {
            let now = core.now();
            for environment in &known {
                let snapshot = super::assemble::snapshot(&view, environment, now);
                core.fleet.put(environment.settings.name.as_str(), snapshot);
            }
        }
        failed => {
            let error = match failed {
                Ok(Err(error)) => error.to_string(),
                _ => format!("no answer within {} ms", budget.as_millis()),
            };
            tracing::warn!(%error, "fleet health read failed; keeping the last snapshots");
            for environment in &known {
                let name = environment.settings.name.as_str();
                core.fleet.failed(name, error.clone());
            }
        }
    }
    announce(core);
}

/// Tells every open page each environment's health after a look, failed or not: a page
/// learns that its data is fresh, or that the cloud stopped answering.
fn announce(core: &Core) {
    let now = core.now();
    for environment in &core.settings.environments {
        let name = environment.name.as_str();
        let (live, snapshot) = core.fleet.live(name, now, core.stale_after_ms());
        core.live.publish(LiveEvent::Fleet {
            environment: name.to_owned(),
            live,
            digest: super::digest(snapshot.as_ref()),
        });
    }
}

/// Refreshes every `every`, forever.
pub fn spawn(core: Core, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            refresh(&core).await;
        }
    })
}
