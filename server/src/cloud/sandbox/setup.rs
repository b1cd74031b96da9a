//! Setting the sandbox up and looking into it: declaring target groups, listeners and
//! addresses, adopting fleets a database says exist (so the demo survives a restart),
//! injecting faults and alarms, counting calls and listing images made, and the simulated
//! state of each thing (instances, targets, where an instance serves).

use super::world::{SimImage, SimInstance, SimTarget, World};
use super::{lock, Faults, ImageRecord, SandboxCloud, Timings};
use crate::cloud::{AlarmState, CloudError, InstanceState, Tags, TargetState};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::sync::Mutex;
use tokio::time::{Duration, Instant};

impl SandboxCloud {
    /// A cloud with these timings and no faults.
    pub fn new(timings: Timings) -> Self {
        Self {
            timings: Mutex::new(timings),
            world: Mutex::new(World::default()),
            faults: Mutex::new(Faults::default()),
            dice: Mutex::new(StdRng::seed_from_u64(7)),
        }
    }

    /// Replaces the timings (a test slows draining or baking down to watch the engine wait).
    pub fn set_timings(&self, timings: Timings) {
        *lock(&self.timings) = timings;
    }

    pub(super) fn timings(&self) -> Timings {
        *lock(&self.timings)
    }

    /// Every CreateImage so far, in order, with where the instance served at the time.
    pub fn images_made(&self) -> Vec<ImageRecord> {
        let world = lock(&self.world);
        let mut images: Vec<&SimImage> = world.images.values().collect();
        images.sort_by_key(|image| image.created);
        images.into_iter().map(|i| i.record.clone()).collect()
    }

    /// The injected faults.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// Replaces the injected faults.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// Sets (or creates) an alarm's state.
    pub fn set_alarm(&self, name: &str, state: AlarmState) {
        let mut world = lock(&self.world);
        if world.alarms.insert(name.to_owned(), state) != Some(state) {
            world
                .alarm_since
                .insert(name.to_owned(), super::describe::wall_clock_ms());
        }
    }

    /// Makes an instance fail (or pass again) its health checks, as a crashed application
    /// would: registered, it turns unhealthy once a health-check interval has passed.
    /// Returns whether the instance exists.
    pub fn set_instance_healthy(&self, instance_id: &str, healthy: bool) -> bool {
        let mut world = lock(&self.world);
        match world.instances.get_mut(instance_id) {
            Some(instance) => {
                instance.healthy_ever = healthy;
                instance.unhealthy_since_ms = match healthy {
                    true => None,
                    false => instance
                        .unhealthy_since_ms
                        .or_else(|| Some(super::describe::wall_clock_ms())),
                };
                true
            }
            None => false,
        }
    }

    /// Declares a target group (so that it exists, empty).
    pub fn add_target_group(&self, arn: &str) {
        lock(&self.world)
            .target_groups
            .entry(arn.to_owned())
            .or_default();
    }

    /// Declares a listener forwarding to `target_group`.
    pub fn add_listener(&self, arn: &str, target_group: &str) {
        lock(&self.world)
            .listeners
            .insert(arn.to_owned(), target_group.to_owned());
    }

    /// Declares an Elastic IP allocation, not yet associated.
    pub fn add_address(&self, allocation_id: &str) {
        lock(&self.world)
            .addresses
            .entry(allocation_id.to_owned())
            .or_default();
    }

    /// Takes over instances that already serve (after a restart of the demo, whose simulated
    /// world lived in memory): running, healthy and registered in `target_group`.
    pub fn adopt(
        &self,
        tags: &Tags,
        image_id: &str,
        instance_ids: &[String],
        target_group: Option<&str>,
    ) {
        let now = Instant::now();
        let long_ago = now
            .checked_sub(Duration::from_secs(24 * 3600))
            .unwrap_or(now);
        let mut world = lock(&self.world);
        for id in instance_ids {
            world.instances.entry(id.clone()).or_insert(SimInstance {
                image_id: image_id.to_owned(),
                tags: tags.clone(),
                instance_type: "t3.small".into(),
                launched: long_ago,
                launched_at_ms: super::describe::wall_clock_ms() - 24 * 3600 * 1000,
                terminated: None,
                healthy_ever: true,
                unhealthy_since_ms: None,
                rebooted: None,
                unlisted_lookups: 0,
            });
            if let Some(group) = target_group {
                world
                    .target_groups
                    .entry(group.to_owned())
                    .or_default()
                    .insert(
                        id.clone(),
                        SimTarget {
                            registered: long_ago,
                            deregistered: None,
                        },
                    );
            }
        }
        // Fresh ids must not collide with adopted ones.
        if let Some(highest) = instance_ids
            .iter()
            .filter_map(|id| u64::from_str_radix(id.trim_start_matches("i-"), 16).ok())
            .max()
        {
            world.next_id = world.next_id.max(highest);
        }
    }

    /// How many times each operation was called (faulted calls included).
    pub fn call_counts(&self) -> BTreeMap<&'static str, u64> {
        lock(&self.world).calls.clone()
    }

    pub(super) async fn call(&self, operation: &'static str) -> Result<(), CloudError> {
        let faults = lock(&self.faults).clone();
        *lock(&self.world).calls.entry(operation).or_default() += 1;
        metrics::counter!(crate::telemetry::CLOUD_CALLS, "operation" => operation).increment(1);
        if !faults.latency.is_zero() {
            tokio::time::sleep(faults.latency).await;
        }
        let roll: f64 = lock(&self.dice).gen();
        let failed = |kind: &'static str| {
            metrics::counter!(crate::telemetry::CLOUD_ERRORS, "operation" => operation, "kind" => kind)
                .increment(1);
        };
        if roll < faults.throttle_rate {
            failed("throttled");
            return Err(CloudError::Throttled(format!("{operation}: Rate exceeded")));
        }
        if roll < faults.throttle_rate + faults.error_rate {
            failed("unavailable");
            return Err(CloudError::Unavailable(format!(
                "{operation}: InternalError"
            )));
        }
        Ok(())
    }

    pub(super) fn instance_state(&self, instance: &SimInstance, now: Instant) -> InstanceState {
        let timings = self.timings();
        match instance.terminated {
            Some(at) if now >= at + timings.shutdown => InstanceState::Terminated,
            Some(_) => InstanceState::ShuttingDown,
            None if now >= instance.launched + timings.boot => InstanceState::Running,
            None => InstanceState::Pending,
        }
    }

    /// A target's health at `now`; none once it has drained out of its group.
    pub(super) fn target_state(
        &self,
        target: &SimTarget,
        instance: &SimInstance,
        now: Instant,
    ) -> Option<TargetState> {
        let timings = self.timings();
        Some(match target.deregistered {
            Some(at) if now >= at + timings.draining => return None,
            Some(_) => TargetState::Draining,
            None => match self.instance_state(instance, now) {
                InstanceState::Running => {
                    // A reboot takes it down as a boot does: failing checks while registered.
                    let up_since = [Some(instance.launched), instance.rebooted]
                        .into_iter()
                        .flatten()
                        .map(|at| at + timings.boot)
                        .fold(target.registered, Instant::max);
                    let rebooted_in_service =
                        instance.rebooted.is_some_and(|at| at >= target.registered);
                    match (now < up_since + timings.health_check, rebooted_in_service) {
                        (true, true) => TargetState::Unhealthy,
                        (true, false) => TargetState::Initial,
                        (false, _) if instance.healthy_ever => TargetState::Healthy,
                        (false, _) => TargetState::Unhealthy,
                    }
                }
                InstanceState::Pending => TargetState::Initial,
                _ => TargetState::Unused,
            },
        })
    }

    /// Where `instance` serves at `now`: the target groups it is registered in (draining
    /// ones too, until drained) and the Elastic IP allocations it holds.
    pub(super) fn serving_through(
        &self,
        world: &World,
        instance: &str,
        now: Instant,
    ) -> Vec<String> {
        let draining = self.timings().draining;
        let mut through: Vec<String> = world
            .target_groups
            .iter()
            .filter(|(_, targets)| {
                targets
                    .get(instance)
                    .is_some_and(|t| t.deregistered.is_none_or(|at| now < at + draining))
            })
            .map(|(group, _)| group.clone())
            .chain(
                world
                    .addresses
                    .iter()
                    .filter(|(_, holder)| holder.as_str() == instance)
                    .map(|(allocation, _)| allocation.clone()),
            )
            .collect();
        through.sort();
        through
    }
}
