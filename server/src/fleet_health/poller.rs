//! The poller: every `fleet_refresh`, one read per environment into the shared
//! [`super::FleetCache`]. A failed read (throttled, unreachable) keeps the last good snapshot
//! and is logged; the next tick tries again.

use crate::core::Core;
use std::time::Duration;

/// Reads every environment once and updates the cache. Each read gets one refresh interval
/// (at least a second): a cloud retrying with backoff must not hold up the others, nor leave
/// a snapshot looking current while nothing answers.
pub async fn refresh(core: &Core) {
    let budget = Duration::from_millis(core.settings.fleet_refresh.as_millis().max(1_000));
    for environment in &core.settings.environments {
        let name = environment.name.as_str();
        let fleet = match crate::db::fleets::get(&core.db, name).await {
            Ok(Some(fleet)) => fleet,
            // No fleet on record (nothing deployed by this engine, or only imported history):
            // its health is unknown, not "down".
            Ok(None) => {
                core.fleet.failed(name, "no serving fleet on record".into());
                continue;
            }
            Err(error) => {
                core.fleet.failed(name, format!("database: {error}"));
                continue;
            }
        };
        let read = super::read::read(core.cloud.as_ref(), environment, Some(&fleet), core.now());
        match tokio::time::timeout(budget, read).await {
            Ok(Ok(snapshot)) => core.fleet.put(name, snapshot),
            Err(_) => {
                let error = format!("no answer within {} ms", budget.as_millis());
                tracing::warn!(environment = name, %error, "fleet health read failed; keeping the last snapshot");
                core.fleet.failed(name, error);
            }
            Ok(Err(error)) => {
                tracing::warn!(environment = name, %error, "fleet health read failed; keeping the last snapshot");
                core.fleet.failed(name, error.to_string());
            }
        }
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
