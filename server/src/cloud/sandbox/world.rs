//! The sandbox's simulated world: what it holds (instances, targets, images, listeners,
//! addresses, alarms, call counts), how long things take ([`Timings`]), the faults it
//! injects ([`Faults`]) and what each CreateImage found ([`ImageRecord`]).

use crate::cloud::{AlarmState, Tags};
use std::collections::{BTreeMap, HashMap};
use tokio::time::{Duration, Instant};

/// How long things take in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Launch to running.
    pub boot: Duration,
    /// Registration (of a running instance) to healthy.
    pub health_check: Duration,
    /// Deregistration to gone.
    pub draining: Duration,
    /// CreateImage to available.
    pub bake: Duration,
    /// Terminate to terminated.
    pub shutdown: Duration,
}

impl Timings {
    /// Roughly what AWS takes, shortened for a demo.
    pub fn realistic() -> Self {
        Self {
            boot: Duration::from_secs(20),
            health_check: Duration::from_secs(15),
            draining: Duration::from_secs(10),
            bake: Duration::from_secs(30),
            shutdown: Duration::from_secs(5),
        }
    }

    /// Everything at once (for measuring engine overhead).
    pub fn instant() -> Self {
        Self {
            boot: Duration::ZERO,
            health_check: Duration::ZERO,
            draining: Duration::ZERO,
            bake: Duration::ZERO,
            shutdown: Duration::ZERO,
        }
    }
}

/// Faults to inject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Instances launched from now on never pass health checks.
    pub never_healthy: bool,
    /// Share of calls answered with throttling (0.0–1.0).
    pub throttle_rate: f64,
    /// Share of calls answered with a 5xx (0.0–1.0).
    pub error_rate: f64,
    /// Added to every call.
    pub latency: Duration,
    /// New instances are missing from this many DescribeInstances answers after their launch
    /// (AWS's eventual consistency: "not found" right after a launch means "not yet
    /// visible"). Counted in lookups, not time, so a test sees it the same on any clock.
    pub invisible_for_lookups: u32,
    /// Images created from now on end `failed` instead of `available`.
    pub failing_images: bool,
}

/// One CreateImage as the sandbox saw it, so a test can tell whether a box that served users
/// was rebooted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    /// The image's name.
    pub name: String,
    /// The instance imaged.
    pub instance_id: String,
    /// Whether it was imaged without a reboot.
    pub no_reboot: bool,
    /// Where the instance served when imaged: target groups it was registered in (draining
    /// included: it still finishes requests) and Elastic IP allocations it held.
    pub serving_through: Vec<String>,
}

impl ImageRecord {
    /// Whether CreateImage rebooted an instance that served users.
    pub fn rebooted_in_service(&self) -> bool {
        !self.no_reboot && !self.serving_through.is_empty()
    }
}

#[derive(Debug, Clone)]
pub(super) struct SimInstance {
    pub(super) image_id: String,
    pub(super) tags: Tags,
    pub(super) instance_type: String,
    pub(super) launched: Instant,
    /// Wall-clock launch time, as DescribeInstances reports it.
    pub(super) launched_at_ms: i64,
    pub(super) terminated: Option<Instant>,
    pub(super) healthy_ever: bool,
    /// Since when (wall clock) it fails its health checks, for the simulated metrics.
    pub(super) unhealthy_since_ms: Option<i64>,
    /// When CreateImage last rebooted it.
    pub(super) rebooted: Option<Instant>,
    /// DescribeInstances answers that will still leave it out.
    pub(super) unlisted_lookups: u32,
}

#[derive(Debug, Clone)]
pub(super) struct SimTarget {
    pub(super) registered: Instant,
    pub(super) deregistered: Option<Instant>,
}

#[derive(Debug, Clone)]
pub(super) struct SimImage {
    pub(super) id: String,
    pub(super) created: Instant,
    pub(super) fails: bool,
    pub(super) record: ImageRecord,
}

#[derive(Debug, Default)]
pub(super) struct World {
    pub(super) next_id: u64,
    pub(super) instances: BTreeMap<String, SimInstance>,
    pub(super) client_tokens: HashMap<String, Vec<String>>,
    pub(super) images: BTreeMap<String, SimImage>,
    pub(super) target_groups: HashMap<String, BTreeMap<String, SimTarget>>,
    pub(super) listeners: HashMap<String, String>,
    pub(super) addresses: HashMap<String, String>,
    pub(super) alarms: BTreeMap<String, AlarmState>,
    /// When each alarm entered its state (wall clock).
    pub(super) alarm_since: BTreeMap<String, i64>,
    pub(super) calls: BTreeMap<&'static str, u64>,
    pub(super) parameters: BTreeMap<String, super::parameters::SimParameter>,
}
