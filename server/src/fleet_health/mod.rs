//! Live fleet health: one poller among the replicas reads every environment's fleets from
//! the cloud at `fleet_refresh` and stores the snapshots in the database; each replica keeps
//! the latest here, where every page, API answer and stream reads it — so AWS calls grow
//! neither with open pages nor with replicas. A failed read keeps the last good snapshot and
//! records the error; a snapshot older than three refreshes counts as unknown.

pub mod assemble;
pub mod chart_queries;
pub mod charts;
pub mod poller;
pub mod read;

use app::domain::fleet_health::FleetSnapshot;
use app::domain::metric_series::{ChartRange, MetricChart};
use app::domain::views::LiveHealth;
use app::domain::Timestamp;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::RwLock;

/// The latest snapshot of an environment and, when the last read failed, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    /// The last good snapshot, if any read ever succeeded.
    pub snapshot: Option<FleetSnapshot>,
    /// The last read's error, when it failed.
    pub last_error: Option<String>,
}

/// An environment's charts of one range and when they were read.
pub type ReadCharts = (i64, Vec<MetricChart>);

/// Snapshots by environment name, and the stored version read last.
#[derive(Debug, Default)]
pub struct FleetCache {
    snapshots: RwLock<HashMap<String, Cached>>,
    followed: AtomicI64,
    charts: RwLock<HashMap<(String, ChartRange), ReadCharts>>,
    followed_charts: AtomicI64,
    /// When each range was last read from the cloud (by this process, as lease holder).
    pub chart_reads: charts::ChartReads,
}

impl FleetCache {
    /// Keeps `cached` as `environment`'s latest, read from the store at `version`.
    pub fn set(&self, environment: &str, cached: Cached, version: i64) {
        let mut all = self.snapshots.write().unwrap_or_else(|e| e.into_inner());
        all.insert(environment.to_owned(), cached);
        self.followed.fetch_max(version, Ordering::Relaxed);
    }

    /// Keeps `charts` (read at `taken_at`) as `environment`'s latest for `range`, read from the
    /// store at `version`.
    pub fn set_charts(
        &self,
        environment: &str,
        range: ChartRange,
        taken_at: i64,
        charts: Vec<MetricChart>,
        version: i64,
    ) {
        let mut all = self.charts.write().unwrap_or_else(|e| e.into_inner());
        all.insert((environment.to_owned(), range), (taken_at, charts));
        self.followed_charts.fetch_max(version, Ordering::Relaxed);
    }

    /// `environment`'s latest charts for `range` and when they were read.
    pub fn charts(&self, environment: &str, range: ChartRange) -> Option<ReadCharts> {
        let all = self.charts.read().unwrap_or_else(|e| e.into_inner());
        all.get(&(environment.to_owned(), range)).cloned()
    }

    /// The highest stored chart version read so far.
    pub fn followed_charts(&self) -> i64 {
        self.followed_charts.load(Ordering::Relaxed)
    }

    /// The highest stored version read so far.
    pub fn followed(&self) -> i64 {
        self.followed.load(Ordering::Relaxed)
    }

    /// What is known of `environment`.
    pub fn get(&self, environment: &str) -> Option<Cached> {
        let all = self.snapshots.read().unwrap_or_else(|e| e.into_inner());
        all.get(environment).cloned()
    }

    /// `environment`'s live health at `now` (stale after `stale_after_ms`) and its last good
    /// snapshot.
    pub fn live(
        &self,
        environment: &str,
        now: i64,
        stale_after_ms: i64,
    ) -> (LiveHealth, Option<FleetSnapshot>) {
        let cached = self.get(environment);
        let snapshot = cached.as_ref().and_then(|c| c.snapshot.clone());
        let (healthy, total) = snapshot
            .as_ref()
            .map_or((0, 0), FleetSnapshot::healthy_of_total);
        let live = LiveHealth {
            health: FleetSnapshot::summarise(
                snapshot.as_ref(),
                Timestamp::from_millis(now),
                stale_after_ms,
            ),
            healthy,
            total,
            taken_at: snapshot.as_ref().map(|s| s.taken_at),
            stale: snapshot
                .as_ref()
                .is_none_or(|s| now - s.taken_at.millis() > stale_after_ms),
            last_error: cached.and_then(|c| c.last_error),
        };
        (live, snapshot)
    }
}

/// A fingerprint of what a snapshot shows, its time left out: equal for two looks that saw
/// the same fleets and alarms.
pub fn digest(snapshot: Option<&FleetSnapshot>) -> String {
    let Some(snapshot) = snapshot else {
        return String::new();
    };
    let shown = serde_json::to_vec(&(&snapshot.fleets, &snapshot.alarms)).unwrap_or_default();
    hex::encode(&Sha256::digest(&shown)[..8])
}
