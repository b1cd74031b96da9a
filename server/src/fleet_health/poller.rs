//! The poller: every `fleet_refresh`, the replica holding the poller's lease (a row in the
//! database, renewed each time, free after three missed refreshes) takes one look at the
//! cloud for every environment ([`super::read::look`]) and stores each environment's
//! snapshot in the database; every replica then reads what changed into its
//! [`super::FleetCache`] and tells its open pages. A failed look (throttled, unreachable, too
//! slow) keeps every last good snapshot, records the error and is logged; the next tick tries
//! again. So AWS calls grow neither with open pages nor with replicas.

use super::read::Known;
use crate::core::Core;
use crate::db::fleet_snapshots;
use app::domain::live_event::LiveEvent;
use std::time::Duration;

/// The lease's name: one poller for every environment, since one look serves them all.
const LEASE: &str = "fleet-health";

/// Looks at the cloud, stores what it saw, reads it back into the cache and tells open
/// pages — without asking for the lease (a test, or the lease holder).
pub async fn refresh(core: &Core) {
    look_and_store(core).await;
    follow(core).await;
}

/// One tick of replica `holder`: look if it holds the lease, then follow.
pub async fn tick(core: &Core, holder: &str) {
    let now = core.now();
    let lease_ms = core.stale_after_ms().max(3_000);
    match fleet_snapshots::take_lease(&core.db, LEASE, holder, now, now + lease_ms).await {
        Ok(true) => look_and_store(core).await,
        Ok(false) => {}
        Err(error) => tracing::warn!(%error, "fleet poller could not read its lease"),
    }
    follow(core).await;
}

async fn look_and_store(core: &Core) {
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
            Err(error) => {
                tracing::warn!(environment = name, %error, "fleet poller could not read the database")
            }
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
    let now = core.now();
    let looked = looked
        .map_err(|_| format!("no answer within {} ms", budget.as_millis()))
        .and_then(|r| r.map_err(|e| e.to_string()));
    if let Err(error) = &looked {
        tracing::warn!(%error, "fleet health read failed; keeping the last snapshots");
    }
    for environment in &known {
        let name = environment.settings.name.as_str();
        let stored = match &looked {
            Ok(view) => {
                let snapshot = super::assemble::snapshot(view, environment, now);
                fleet_snapshots::store(&core.db, name, Some(&snapshot), None, now).await
            }
            Err(error) => fleet_snapshots::store(&core.db, name, None, Some(error), now).await,
        };
        if let Err(error) = stored {
            tracing::warn!(environment = name, %error, "fleet snapshot not stored");
        }
    }
    // Charts are read when their range gains a point; a cloud that does not answer for the
    // fleets will not answer for the metrics either.
    if looked.is_ok() {
        super::charts::read_due(core, &known, now).await;
    }
}

/// Reads the snapshots stored since this replica last read into its cache, then tells every
/// open page each environment's health — after every tick, changed or not, so a page also
/// learns when its data grows stale because nobody looks any more.
async fn follow(core: &Core) {
    match fleet_snapshots::changed_since(&core.db, core.fleet.followed()).await {
        Ok(changed) => {
            for stored in changed {
                core.fleet.set(
                    &stored.environment,
                    super::Cached {
                        snapshot: stored.snapshot,
                        last_error: stored.last_error,
                    },
                    stored.version,
                );
            }
        }
        Err(error) => tracing::warn!(%error, "fleet snapshots could not be read"),
    }
    let mut charts_changed = std::collections::BTreeSet::new();
    match crate::db::chart_snapshots::changed_since(&core.db, core.fleet.followed_charts()).await {
        Ok(changed) => {
            for stored in changed {
                charts_changed.insert(stored.environment.clone());
                core.fleet.set_charts(
                    &stored.environment,
                    stored.range,
                    stored.taken_at,
                    stored.charts,
                    stored.version,
                );
            }
        }
        Err(error) => tracing::warn!(%error, "charts could not be read"),
    }
    for environment in charts_changed {
        core.live.publish(LiveEvent::Charts { environment });
    }
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

/// Ticks every `every`, forever, as replica `holder`.
pub fn spawn(core: Core, holder: String, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            tick(&core, &holder).await;
        }
    })
}
