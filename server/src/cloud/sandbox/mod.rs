//! The `sandbox` adapter: an in-process simulated fleet for the demo and for tests. It keeps
//! AWS's timings (instances boot, targets pass health checks after a while, deregistered
//! targets drain, images take time to bake, CreateImage reboots the instance unless told not
//! to) on tokio's clock, so tests can pause and advance time, and it injects faults on
//! request: instances that never get healthy, throttling and 5xx answers at a given rate,
//! slow calls, alarms that fire, images that fail. It records where each imaged instance
//! served, so a test can prove that no box serving users was rebooted.
//!
//! The world it simulates is in [`world`], setting it up and looking into it in [`setup`];
//! this file is the port's implementation, one trait impl of fifteen calls kept whole
//! (about 300 lines) so each call reads beside the others.

mod describe;
mod metrics;
pub mod names;
mod parameters;
mod setup;
mod world;

pub use world::{Faults, ImageRecord, Timings};
use world::{SimImage, SimInstance, SimTarget, World};

use crate::cloud::{
    Alarm, Cloud, CloudError, Image, ImageState, Instance, InstanceState, LaunchSpec, StatusChecks,
    Tags, TargetHealth,
};
use async_trait::async_trait;
use rand::rngs::StdRng;
use std::sync::Mutex;
use tokio::time::Instant;

/// The simulated cloud.
#[derive(Debug)]
pub struct SandboxCloud {
    timings: Mutex<Timings>,
    world: Mutex<World>,
    faults: Mutex<Faults>,
    dice: Mutex<StdRng>,
}

fn no_target_group(arn: &str) -> CloudError {
    CloudError::NotFound(format!("target group {arn}"))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; carry on with it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[async_trait]
impl Cloud for SandboxCloud {
    async fn launch(&self, spec: &LaunchSpec) -> Result<Vec<Instance>, CloudError> {
        self.call("RunInstances").await?;
        if spec.count == 0 || !spec.image_id.starts_with("ami-") {
            return Err(CloudError::Rejected(
                "count must be at least 1 and image_id an ami- id".into(),
            ));
        }
        let (never_healthy, invisible_for) = {
            let faults = lock(&self.faults);
            (faults.never_healthy, faults.invisible_for_lookups)
        };
        let now = Instant::now();
        let mut world = lock(&self.world);
        let ids = match world.client_tokens.get(&spec.client_token) {
            Some(ids) => ids.clone(),
            None => {
                let mut ids = Vec::new();
                for _ in 0..spec.count {
                    world.next_id += 1;
                    let id = format!("i-{:017x}", world.next_id);
                    let instance = SimInstance {
                        image_id: spec.image_id.clone(),
                        tags: spec.tags.clone(),
                        instance_type: spec.instance_type.clone(),
                        launched: now,
                        launched_at_ms: describe::wall_clock_ms(),
                        terminated: None,
                        healthy_ever: !never_healthy,
                        unhealthy_since_ms: never_healthy.then(describe::wall_clock_ms),
                        rebooted: None,
                        unlisted_lookups: invisible_for,
                    };
                    world.instances.insert(id.clone(), instance);
                    ids.push(id);
                }
                world
                    .client_tokens
                    .insert(spec.client_token.clone(), ids.clone());
                ids
            }
        };
        Ok(ids
            .iter()
            .filter_map(|id| world.instances.get(id).map(|i| (id, i)))
            .map(|(id, i)| self.describe(id, i, now))
            .collect())
    }

    async fn find_instances(&self, tags: &Tags) -> Result<Vec<Instance>, CloudError> {
        self.call("DescribeInstances").await?;
        let now = Instant::now();
        let mut world = lock(&self.world);
        let mut listed = Vec::new();
        for (id, instance) in world.instances.iter_mut() {
            if !tags.iter().all(|(k, v)| instance.tags.get(k) == Some(v)) {
                continue;
            }
            if instance.unlisted_lookups > 0 {
                instance.unlisted_lookups -= 1;
                continue;
            }
            listed.push(id.clone());
        }
        Ok(listed
            .iter()
            .filter_map(|id| world.instances.get(id).map(|i| (id, i)))
            .map(|(id, i)| self.describe(id, i, now))
            .collect())
    }

    async fn terminate(&self, instance_ids: &[String]) -> Result<(), CloudError> {
        self.call("TerminateInstances").await?;
        let now = Instant::now();
        let mut world = lock(&self.world);
        if let Some(missing) = instance_ids
            .iter()
            .find(|id| !world.instances.contains_key(*id))
        {
            return Err(CloudError::NotFound(format!("instance {missing}")));
        }
        for id in instance_ids {
            if let Some(instance) = world.instances.get_mut(id) {
                instance.terminated.get_or_insert(now);
            }
        }
        // A terminated instance leaves every target group and loses its address.
        for targets in world.target_groups.values_mut() {
            for id in instance_ids {
                if let Some(target) = targets.get_mut(id) {
                    target.deregistered.get_or_insert(now);
                }
            }
        }
        world
            .addresses
            .retain(|_, instance| !instance_ids.contains(instance));
        Ok(())
    }

    async fn create_image(
        &self,
        instance_id: &str,
        name: &str,
        _tags: &Tags,
        no_reboot: bool,
    ) -> Result<String, CloudError> {
        self.call("CreateImage").await?;
        let fails = lock(&self.faults).failing_images;
        let now = Instant::now();
        let mut world = lock(&self.world);
        if world
            .instances
            .get(instance_id)
            .is_none_or(|i| i.terminated.is_some())
        {
            return Err(CloudError::NotFound(format!("instance {instance_id}")));
        }
        if world.images.contains_key(name) {
            return Err(CloudError::Rejected(format!(
                "InvalidAMIName.Duplicate: {name}"
            )));
        }
        let record = ImageRecord {
            name: name.to_owned(),
            instance_id: instance_id.to_owned(),
            no_reboot,
            serving_through: self.serving_through(&world, instance_id, now),
        };
        if let (false, Some(instance)) = (no_reboot, world.instances.get_mut(instance_id)) {
            instance.rebooted = Some(now);
        }
        world.next_id += 1;
        let id = format!("ami-{:017x}", world.next_id);
        world.images.insert(
            name.to_owned(),
            SimImage {
                id: id.clone(),
                created: now,
                fails,
                record,
            },
        );
        Ok(id)
    }

    async fn find_image(&self, name: &str) -> Result<Option<Image>, CloudError> {
        self.call("DescribeImages").await?;
        let now = Instant::now();
        let world = lock(&self.world);
        Ok(world.images.get(name).map(|image| Image {
            id: image.id.clone(),
            name: name.to_owned(),
            state: match (now >= image.created + self.timings().bake, image.fails) {
                (false, _) => ImageState::Pending,
                (true, false) => ImageState::Available,
                (true, true) => ImageState::Failed,
            },
        }))
    }

    async fn register_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.call("RegisterTargets").await?;
        let now = Instant::now();
        let mut world = lock(&self.world);
        if let Some(missing) = instance_ids
            .iter()
            .find(|id| !world.instances.contains_key(*id))
        {
            return Err(CloudError::Rejected(format!("InvalidTarget: {missing}")));
        }
        let targets = world
            .target_groups
            .get_mut(target_group)
            .ok_or_else(|| no_target_group(target_group))?;
        for id in instance_ids {
            let target = targets.entry(id.clone()).or_insert(SimTarget {
                registered: now,
                deregistered: None,
            });
            if target.deregistered.is_some() {
                *target = SimTarget {
                    registered: now,
                    deregistered: None,
                };
            }
        }
        Ok(())
    }

    async fn deregister_targets(
        &self,
        target_group: &str,
        instance_ids: &[String],
    ) -> Result<(), CloudError> {
        self.call("DeregisterTargets").await?;
        let now = Instant::now();
        let mut world = lock(&self.world);
        let targets = world
            .target_groups
            .get_mut(target_group)
            .ok_or_else(|| no_target_group(target_group))?;
        for id in instance_ids {
            if let Some(target) = targets.get_mut(id) {
                target.deregistered.get_or_insert(now);
            }
        }
        Ok(())
    }

    async fn target_health(&self, target_group: &str) -> Result<Vec<TargetHealth>, CloudError> {
        self.call("DescribeTargetHealth").await?;
        let now = Instant::now();
        let world = lock(&self.world);
        let targets = world
            .target_groups
            .get(target_group)
            .ok_or_else(|| no_target_group(target_group))?;
        Ok(targets
            .iter()
            .filter_map(|(id, target)| {
                let state = self.target_state(target, world.instances.get(id)?, now)?;
                let (reason, description) = describe::target_reason(state);
                Some(TargetHealth {
                    instance_id: id.clone(),
                    state,
                    reason: reason.map(str::to_owned),
                    description: description.map(str::to_owned),
                })
            })
            .collect())
    }

    async fn forward_listener(&self, listener: &str, target_group: &str) -> Result<(), CloudError> {
        self.call("ModifyListener").await?;
        let mut world = lock(&self.world);
        if !world.target_groups.contains_key(target_group) {
            return Err(no_target_group(target_group));
        }
        let forward = world
            .listeners
            .get_mut(listener)
            .ok_or_else(|| CloudError::NotFound(format!("listener {listener}")))?;
        *forward = target_group.to_owned();
        Ok(())
    }

    async fn listener_target(&self, listener: &str) -> Result<Option<String>, CloudError> {
        self.call("DescribeListeners").await?;
        Ok(lock(&self.world).listeners.get(listener).cloned())
    }

    async fn associate_address(
        &self,
        allocation_id: &str,
        instance_id: &str,
    ) -> Result<(), CloudError> {
        self.call("AssociateAddress").await?;
        let now = Instant::now();
        let mut world = lock(&self.world);
        let running = world
            .instances
            .get(instance_id)
            .is_some_and(|i| self.instance_state(i, now) == InstanceState::Running);
        if !running {
            return Err(CloudError::Rejected(format!(
                "instance {instance_id} is not running"
            )));
        }
        let address = world
            .addresses
            .get_mut(allocation_id)
            .ok_or_else(|| CloudError::NotFound(format!("address {allocation_id}")))?;
        *address = instance_id.to_owned();
        Ok(())
    }

    async fn address_instance(&self, allocation_id: &str) -> Result<Option<String>, CloudError> {
        self.call("DescribeAddresses").await?;
        let world = lock(&self.world);
        let address = world
            .addresses
            .get(allocation_id)
            .ok_or_else(|| CloudError::NotFound(format!("address {allocation_id}")))?;
        Ok(Some(address.clone()).filter(|a| !a.is_empty()))
    }

    async fn alarms(&self, names: &[String]) -> Result<Vec<Alarm>, CloudError> {
        self.call("DescribeAlarms").await?;
        let world = lock(&self.world);
        Ok(names
            .iter()
            .filter_map(|name| {
                world.alarms.get(name).map(|state| Alarm {
                    name: name.clone(),
                    state: *state,
                    since_ms: world.alarm_since.get(name).copied(),
                })
            })
            .collect())
    }

    async fn status_checks(&self) -> Result<Vec<(String, StatusChecks)>, CloudError> {
        self.call("DescribeInstanceStatus").await?;
        let now = Instant::now();
        let world = lock(&self.world);
        Ok(world
            .instances
            .iter()
            .filter(|(_, i)| self.instance_state(i, now) == InstanceState::Running)
            .map(|(id, i)| (id.clone(), self.status_of(i, now)))
            .collect())
    }

    async fn metric_data(
        &self,
        queries: &[crate::cloud::MetricQuery],
        start_ms: i64,
        end_ms: i64,
        period_s: u32,
    ) -> Result<Vec<crate::cloud::MetricPoints>, CloudError> {
        for _ in queries.chunks(crate::cloud::metric_query::QUERIES_PER_CALL) {
            self.call("GetMetricData").await?;
        }
        Ok(self.metric_points(queries, start_ms, end_ms, period_s))
    }

    async fn load_balancer_of(&self, target_group: &str) -> Result<Option<String>, CloudError> {
        self.call("DescribeTargetGroups").await?;
        let known = lock(&self.world).target_groups.contains_key(target_group);
        Ok(known.then(|| "sandbox:load-balancer".to_owned()))
    }

    async fn parameter(&self, name: &str) -> Result<crate::cloud::ParameterValue, CloudError> {
        self.read_parameter(name).await
    }
}
