//! The change watcher: once a second each replica asks the database which deployments took a
//! step and which sign-offs were recorded since it last looked, and publishes them to its
//! streams — so a page learns of a deployment run by any replica's engine, and one query a
//! second serves every open page. Ids are read with an overlap, because on PostgreSQL a
//! lower id can commit after a higher one; what was already announced is not announced again.

use super::LiveHub;
use crate::db::changes;
use app::domain::live_event::LiveEvent;
use sqlx::AnyPool;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How far back each look reaches past the highest id seen.
const OVERLAP: i64 = 200;

/// What was announced so far.
#[derive(Debug, Default)]
pub struct Watermarks {
    steps: BTreeMap<i64, i64>,
    signoffs: BTreeSet<i64>,
    highest_step: Option<i64>,
    highest_signoff: Option<i64>,
}

/// Looks once and publishes what is new. The first look only sets the watermarks (what
/// happened before a page opened is in the page already).
pub async fn look(db: &AnyPool, hub: &LiveHub, seen: &mut Watermarks) -> Result<(), sqlx::Error> {
    let first = seen.highest_step.is_none();
    let from = seen.highest_step.map_or(i64::MIN, |h| h - OVERLAP);
    let mut highest = seen.highest_step.unwrap_or(0);
    for stepped in changes::stepped_since(db, from).await? {
        highest = highest.max(stepped.last_step);
        let known = seen.steps.insert(stepped.deployment_id, stepped.last_step);
        if first || known.is_some_and(|before| before >= stepped.last_step) {
            continue;
        }
        hub.publish(LiveEvent::Deployment {
            id: stepped.deployment_id,
            environment: stepped.environment,
        });
    }
    seen.highest_step = Some(highest);
    seen.steps.retain(|_, last| *last > highest - OVERLAP);

    let first = seen.highest_signoff.is_none();
    let from = seen.highest_signoff.map_or(i64::MIN, |h| h - OVERLAP);
    let mut highest = seen.highest_signoff.unwrap_or(0);
    for signoff in changes::signoffs_since(db, from).await? {
        highest = highest.max(signoff.id);
        if !seen.signoffs.insert(signoff.id) || first {
            continue;
        }
        hub.publish(LiveEvent::Signoff {
            environment: signoff.environment,
            build: signoff.version,
        });
    }
    seen.highest_signoff = Some(highest);
    seen.signoffs.retain(|id| *id > highest - OVERLAP);
    Ok(())
}

/// Looks every `every`, forever.
pub fn spawn(
    db: AnyPool,
    hub: std::sync::Arc<LiveHub>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen = Watermarks::default();
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(error) = look(&db, &hub, &mut seen).await {
                tracing::warn!(%error, "live change watcher could not read the database");
            }
        }
    })
}
