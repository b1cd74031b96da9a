//! Reading the charts: for each range whose period has passed since its last read (1 h every
//! minute, 6 h every 5 minutes, 24 h every 15 minutes — when a new point can exist), one
//! GetMetricData for every environment's queries at once (batched by 500), stored for every
//! replica; a serving fleet that changed makes every range due. The load balancer of each target group is asked once per process.

use super::chart_queries;
use super::read::Known;
use crate::core::Core;
use crate::db::chart_snapshots;
use app::domain::metric_series::ChartRange;
use std::collections::HashMap;
use std::sync::Mutex;

/// What the lease holder remembers between looks.
#[derive(Debug, Default)]
pub struct ChartReads {
    last: Mutex<HashMap<ChartRange, i64>>,
    /// The serving fleets the last reads were for, by environment: another fleet (a release,
    /// a rollback, a scale) makes every range due at once.
    fleets: Mutex<Vec<(String, i64, usize)>>,
    load_balancers: Mutex<HashMap<String, Option<String>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads and stores the charts of every range that is due at `now`.
pub async fn read_due(core: &Core, known: &[Known<'_>], now: i64) {
    let reads = &core.fleet.chart_reads;
    let fleets: Vec<(String, i64, usize)> = known
        .iter()
        .filter_map(|k| {
            let fleet = k.serving.as_ref()?;
            Some((
                k.settings.name.to_string(),
                fleet.deployment_id,
                fleet.instance_ids.len(),
            ))
        })
        .collect();
    if *lock(&reads.fleets) != fleets {
        lock(&reads.last).clear();
        *lock(&reads.fleets) = fleets;
    }
    let due: Vec<ChartRange> = ChartRange::ALL
        .into_iter()
        .filter(|range| {
            let last = lock(&reads.last).get(range).copied();
            last.is_none_or(|at| now - at >= i64::from(range.period_seconds()) * 1_000)
        })
        .collect();
    if due.is_empty() {
        return;
    }
    let mut plans = Vec::new();
    for (n, environment) in known.iter().enumerate() {
        let Some(fleet) = &environment.serving else {
            continue;
        };
        let load_balancer = match &fleet.target_group {
            Some(group) => load_balancer(core, reads, group).await,
            None => None,
        };
        let slots = chart_queries::queries(&format!("e{n}"), fleet, load_balancer.as_deref());
        plans.push((environment.settings.name.as_str(), slots));
    }
    let queries: Vec<_> = plans
        .iter()
        .flat_map(|(_, slots)| slots.iter().map(|(_, q)| q.clone()))
        .collect();
    for range in due {
        let start = now - i64::from(range.span_seconds()) * 1_000;
        let points = if queries.is_empty() {
            Vec::new()
        } else {
            match core
                .cloud
                .metric_data(&queries, start, now, range.period_seconds())
                .await
            {
                Ok(points) => points,
                Err(error) => {
                    tracing::warn!(%error, range = range.as_str(), "charts not read; keeping the last");
                    continue;
                }
            }
        };
        lock(&reads.last).insert(range, now);
        for (environment, slots) in &plans {
            let charts = chart_queries::charts(slots, &points);
            if let Err(error) =
                chart_snapshots::store(&core.db, environment, range, &charts, now).await
            {
                tracing::warn!(environment, %error, "charts not stored");
            }
        }
    }
}

async fn load_balancer(core: &Core, reads: &ChartReads, group: &str) -> Option<String> {
    if let Some(known) = lock(&reads.load_balancers).get(group) {
        return known.clone();
    }
    match core.cloud.load_balancer_of(group).await {
        Ok(found) => {
            lock(&reads.load_balancers).insert(group.to_owned(), found.clone());
            found
        }
        Err(error) => {
            tracing::warn!(group, %error, "the target group's load balancer is unknown for now");
            None
        }
    }
}
