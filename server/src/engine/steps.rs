//! One step of a deployment: look at the cloud, act, and say what happened. Every step may
//! run twice (a crash after acting but before the engine persisted, a lease that expired):
//! launches look up their tag first and carry a client token, images are looked up by their
//! unique name before baking, and registering, switching and terminating are idempotent.

use super::health;
use super::run::{Fleet, Run};
use crate::cloud::{
    tag, AlarmState, Cloud, CloudError, ImageState, InstanceState, LaunchSpec, Tags,
};
use crate::config::Strategy;
use app::domain::rollout::{Event, Phase};
use app::domain::DeploymentKind;

/// What a step sees besides the run.
#[derive(Debug, Clone)]
pub struct Context {
    /// The deployment.
    pub deployment_id: i64,
    /// Now, epoch ms.
    pub now: i64,
    /// How soon to look again while waiting.
    pub poll_ms: i64,
    /// Who asked to roll back, if someone did.
    pub rollback_requested_by: Option<String>,
    /// When the warm window ends.
    pub warm_until: Option<i64>,
}

/// What happens to the environment's serving fleet with a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetChange {
    /// Unchanged.
    Keep,
    /// This fleet serves now.
    Set(Fleet),
    /// Nothing serves.
    Clear,
}

/// The result of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Something happened: apply `event`, record `message`.
    Happened {
        /// The event for the state machine.
        event: Event,
        /// For the timeline.
        message: String,
        /// The serving fleet afterwards.
        fleet: FleetChange,
    },
    /// Nothing to do yet: look again at `at`.
    Wait {
        /// Epoch ms.
        at: i64,
    },
    /// The step cannot succeed; the reason is recorded.
    Failed(String),
}

fn happened(event: Event, message: impl Into<String>) -> Step {
    Step::Happened {
        event,
        message: message.into(),
        fleet: FleetChange::Keep,
    }
}

fn seconds(ms: i64) -> String {
    app::domain::duration::describe_seconds((ms / 1000).max(0) as u64)
}

/// Runs the step of `phase`, updating `run`'s progress.
pub async fn advance(
    cloud: &dyn Cloud,
    phase: Phase,
    run: &mut Run,
    cx: &Context,
) -> Result<Step, CloudError> {
    match phase {
        Phase::Pending => Ok(begin(run)),
        Phase::Baking => bake(cloud, run, cx).await,
        Phase::Launching => launch(cloud, run, cx).await,
        Phase::AwaitingHealth if run.kind == DeploymentKind::Scale => resize(cloud, run, cx).await,
        Phase::AwaitingHealth => await_health(cloud, run, cx).await,
        Phase::CuttingOver => cut_over(cloud, run, cx).await,
        Phase::Verifying => verify(cloud, run, cx).await,
        Phase::Warm => Ok(keep_warm(run, cx)),
        Phase::Retiring => retire(cloud, run).await,
        Phase::RollingBack => roll_back(cloud, run, cx).await,
        Phase::Succeeded | Phase::RolledBack | Phase::Failed => {
            Ok(Step::Failed(format!("{phase} is final")))
        }
    }
}

fn begin(run: &mut Run) -> Step {
    let message = match (&run.bake, run.kind, &run.image_id) {
        (Some(bake), _, _) => format!(
            "Baking image {} from {} in {}",
            bake.image_name, bake.from_instance, bake.from_environment
        ),
        (None, DeploymentKind::Scale, _) => format!(
            "Scaling from {} to {} instances",
            run.old_instances().len(),
            run.desired
        ),
        (None, _, image) => format!(
            "Launching {} × {} of {} from {}",
            run.desired,
            run.template.instance_type,
            run.build,
            image.as_deref().unwrap_or("?")
        ),
    };
    happened(
        Event::Begin {
            bake: run.bake.is_some(),
        },
        message,
    )
}

async fn bake(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    let Some(bake) = run.bake.clone() else {
        return Ok(Step::Failed("nothing to bake".into()));
    };
    match cloud.find_image(&bake.image_name).await? {
        None => {
            let tags = Tags::from([
                (tag::ENVIRONMENT.to_owned(), run.environment.clone()),
                (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
                (tag::BUILD.to_owned(), run.build.clone()),
            ]);
            let id = cloud
                .create_image(&bake.from_instance, &bake.image_name, &tags)
                .await?;
            run.progress = format!("Image {id} being created");
            Ok(Step::Wait {
                at: cx.now + cx.poll_ms,
            })
        }
        Some(image) => match image.state {
            ImageState::Pending => {
                run.progress = format!("Image {} pending", image.id);
                Ok(Step::Wait {
                    at: cx.now + cx.poll_ms,
                })
            }
            ImageState::Available => {
                run.image_id = Some(image.id.clone());
                Ok(happened(
                    Event::ImageReady,
                    format!("Image {} ({}) available", image.id, image.name),
                ))
            }
            ImageState::Failed => Ok(Step::Failed(format!(
                "image {} ({}) failed to bake",
                image.id, image.name
            ))),
        },
    }
}

/// The target group new instances go into.
async fn new_target_group(cloud: &dyn Cloud, run: &Run) -> Result<Option<String>, CloudError> {
    let groups = &run.binding.target_groups;
    Ok(match run.binding.strategy {
        Strategy::ElasticIp => None,
        Strategy::TargetGroup => groups.first().cloned(),
        Strategy::AlbListener if run.kind == DeploymentKind::Scale => run
            .old_target_group()
            .map(str::to_owned)
            .or_else(|| groups.first().cloned()),
        Strategy::AlbListener => {
            let listener = run.binding.listener.as_deref().unwrap_or_default();
            let live = cloud.listener_target(listener).await?;
            // The idle group of the two: the one the listener does not forward to.
            groups
                .iter()
                .find(|g| Some(g.as_str()) != live.as_deref())
                .cloned()
        }
    })
}

async fn launch(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    if run.new_target_group.is_none() {
        run.new_target_group = new_target_group(cloud, run).await?;
    }
    if !run.remove.is_empty() {
        if let Some(group) = run.new_target_group.clone() {
            cloud.deregister_targets(&group, &run.remove).await?;
        }
        return Ok(happened(
            Event::FleetLaunched,
            format!("Draining {}", run.remove.join(", ")),
        ));
    }
    let Some(image_id) = run.image_id.clone() else {
        return Ok(Step::Failed("no image to launch from".into()));
    };
    let count = match run.kind {
        DeploymentKind::Scale => run.desired as usize - run.old_instances().len(),
        _ => run.desired as usize,
    };
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), run.environment.clone()),
        (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
        (tag::BUILD.to_owned(), run.build.clone()),
        (
            "Name".to_owned(),
            format!("{}-{}", run.environment, run.build),
        ),
    ]);
    // Adopt what an earlier attempt launched before launching the rest.
    let mut ids: Vec<String> = cloud
        .find_instances(&tags)
        .await?
        .into_iter()
        .filter(|i| {
            !matches!(
                i.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            )
        })
        .map(|i| i.id)
        .collect();
    ids.sort();
    ids.truncate(count);
    if ids.len() < count {
        let spec = LaunchSpec {
            image_id: image_id.clone(),
            instance_type: run.template.instance_type.clone(),
            count: (count - ids.len()) as u32,
            subnet_ids: run.template.subnet_ids.clone(),
            security_group_ids: run.template.security_group_ids.clone(),
            key_name: run.template.key_name.clone(),
            instance_profile: run.template.instance_profile.clone(),
            user_data: run.template.user_data.clone(),
            tags,
            client_token: format!("greenlight-{}-{}", cx.deployment_id, ids.len()),
        };
        ids.extend(cloud.launch(&spec).await?.into_iter().map(|i| i.id));
    }
    run.new_instances = ids;
    run.launched_at.get_or_insert(cx.now);
    if run.binding.strategy == Strategy::AlbListener && run.kind != DeploymentKind::Scale {
        if let Some(group) = &run.new_target_group {
            // The idle group may still hold an older fleet; only the new one may be in it
            // when the listener switches.
            let strangers: Vec<String> = cloud
                .target_health(group)
                .await?
                .into_iter()
                .map(|t| t.instance_id)
                .filter(|id| !run.new_instances.contains(id))
                .collect();
            if !strangers.is_empty() {
                cloud.deregister_targets(group, &strangers).await?;
            }
        }
    }
    Ok(happened(
        Event::FleetLaunched,
        format!(
            "Launched {} from {image_id}: {}",
            run.new_instances.len(),
            run.new_instances.join(", ")
        ),
    ))
}

/// Registers running new instances and reports their health.
async fn registered_health(
    cloud: &dyn Cloud,
    run: &Run,
) -> Result<health::FleetHealth, CloudError> {
    let group = run.new_target_group.as_deref();
    let health = health::check(cloud, run, &run.new_instances, group).await?;
    if let (Some(group), false) = (group, health.unregistered.is_empty()) {
        cloud.register_targets(group, &health.unregistered).await?;
    }
    Ok(health)
}

async fn await_health(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    let deadline = run.launched_at.unwrap_or(cx.now) + run.health_deadline_ms;
    let health = registered_health(cloud, run).await?;
    if health.all_healthy() {
        let place = run
            .new_target_group
            .as_deref()
            .map(|g| format!(" in {g}"))
            .unwrap_or_default();
        return Ok(happened(
            Event::FleetHealthy,
            format!("All {} new instances healthy{place}", health.total),
        ));
    }
    if !health.dead.is_empty() {
        let reason = format!("new instance terminated: {}", health.dead.join(", "));
        run.reason = Some(reason.clone());
        return Ok(happened(Event::StepFailed, reason));
    }
    if cx.now >= deadline {
        let reason = format!(
            "new fleet not healthy within {}: {}",
            seconds(run.health_deadline_ms),
            health.describe()
        );
        run.reason = Some(reason.clone());
        return Ok(happened(Event::HealthDeadlinePassed, reason));
    }
    run.progress = format!(
        "{}; deadline in {}",
        health.describe(),
        seconds(deadline - cx.now)
    );
    Ok(Step::Wait {
        at: (cx.now + cx.poll_ms).min(deadline),
    })
}

async fn resize(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    let Some(previous) = run.previous.clone() else {
        return Ok(Step::Failed("nothing runs to scale".into()));
    };
    let mut fleet = previous.clone();
    if !run.remove.is_empty() {
        if let Some(group) = &run.new_target_group {
            let draining = cloud
                .target_health(group)
                .await?
                .into_iter()
                .filter(|t| run.remove.contains(&t.instance_id))
                .count();
            if draining > 0 {
                run.progress = format!("{draining} instances draining");
                return Ok(Step::Wait {
                    at: cx.now + cx.poll_ms,
                });
            }
        }
        terminate(cloud, &run.remove).await?;
        fleet.instance_ids.retain(|id| !run.remove.contains(id));
    } else {
        match await_health(cloud, run, cx).await? {
            Step::Happened {
                event: Event::FleetHealthy,
                ..
            } => fleet.instance_ids.extend(run.new_instances.iter().cloned()),
            other => return Ok(other),
        }
    }
    Ok(Step::Happened {
        event: Event::Resized,
        message: format!("{} instances serving", fleet.instance_ids.len()),
        fleet: FleetChange::Set(fleet),
    })
}

async fn cut_over(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    let message = match run.binding.strategy {
        Strategy::AlbListener => {
            let listener = run.binding.listener.clone().unwrap_or_default();
            let group = run.new_target_group.clone().unwrap_or_default();
            cloud.forward_listener(&listener, &group).await?;
            format!("Listener now forwards to {group}")
        }
        Strategy::TargetGroup => {
            let group = run.new_target_group.clone().unwrap_or_default();
            let old = run.old_instances().to_vec();
            if !old.is_empty() {
                cloud.deregister_targets(&group, &old).await?;
            }
            format!("Old instances deregistered from {group} (draining)")
        }
        Strategy::ElasticIp => {
            let allocation = run.binding.allocation_id.clone().unwrap_or_default();
            let instance = run.new_instances.first().cloned().unwrap_or_default();
            cloud.associate_address(&allocation, &instance).await?;
            format!("Elastic IP {allocation} now on {instance}")
        }
    };
    run.switched_at.get_or_insert(cx.now);
    let fleet = match run.new_fleet(cx.deployment_id) {
        Some(fleet) => FleetChange::Set(fleet),
        None => FleetChange::Keep,
    };
    Ok(Step::Happened {
        event: Event::TrafficSwitched,
        message,
        fleet,
    })
}

fn requested_rollback(run: &mut Run, cx: &Context) -> Option<Step> {
    let by = cx.rollback_requested_by.as_ref()?;
    run.reason = Some(format!("rollback requested by {by}"));
    Some(happened(
        Event::RollbackRequested,
        format!("Rollback requested by {by}"),
    ))
}

async fn verify(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    if let Some(step) = requested_rollback(run, cx) {
        return Ok(step);
    }
    let alarms = if run.alarms.is_empty() {
        Vec::new()
    } else {
        cloud.alarms(&run.alarms).await?
    };
    let firing: Vec<String> = alarms
        .into_iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .map(|a| a.name)
        .collect();
    if !firing.is_empty() {
        let reason = format!("alarm fired during verification: {}", firing.join(", "));
        run.reason = Some(reason.clone());
        return Ok(happened(Event::VerifyFailed, reason));
    }
    let group = run.new_target_group.as_deref();
    let health = health::check(cloud, run, &run.new_instances, group).await?;
    if !health.all_healthy() && health.missing.is_empty() {
        let reason = format!("health dropped during verification: {}", health.describe());
        run.reason = Some(reason.clone());
        return Ok(happened(Event::VerifyFailed, reason));
    }
    let end = run.switched_at.unwrap_or(cx.now) + run.verify_ms;
    if cx.now >= end && health.all_healthy() {
        return Ok(happened(
            Event::VerifyPassed,
            format!("Healthy with alarms quiet for {}", seconds(run.verify_ms)),
        ));
    }
    run.progress = format!("Verifying: {} left", seconds(end - cx.now));
    Ok(Step::Wait {
        at: (cx.now + cx.poll_ms).min(end.max(cx.now + 1)),
    })
}

fn keep_warm(run: &mut Run, cx: &Context) -> Step {
    if let Some(step) = requested_rollback(run, cx) {
        return step;
    }
    if run.old_instances().is_empty() {
        return happened(Event::WarmWindowEnded, "No old fleet to keep warm");
    }
    let until = cx.warm_until.unwrap_or(cx.now);
    if cx.now >= until {
        return happened(Event::WarmWindowEnded, "Warm window over");
    }
    run.progress = format!("Old fleet warm for {}", seconds(until - cx.now));
    Step::Wait { at: until }
}

/// Terminates instances; ones the cloud no longer knows are already gone.
async fn terminate(cloud: &dyn Cloud, ids: &[String]) -> Result<(), CloudError> {
    if ids.is_empty() {
        return Ok(());
    }
    match cloud.terminate(ids).await {
        Err(CloudError::NotFound(_)) => {
            for id in ids {
                match cloud.terminate(std::slice::from_ref(id)).await {
                    Ok(()) | Err(CloudError::NotFound(_)) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok(())
        }
        other => other,
    }
}

async fn retire(cloud: &dyn Cloud, run: &mut Run) -> Result<Step, CloudError> {
    let old = run.old_instances().to_vec();
    if let (Strategy::AlbListener, Some(group)) = (run.binding.strategy, run.old_target_group()) {
        if !old.is_empty() {
            cloud.deregister_targets(group, &old).await?;
        }
    }
    terminate(cloud, &old).await?;
    Ok(happened(
        Event::OldFleetRetired,
        if old.is_empty() {
            "Nothing to retire".to_owned()
        } else {
            format!("Terminated old fleet: {}", old.join(", "))
        },
    ))
}

/// Puts the old fleet back into service, seen healthy first; `None` once it serves.
async fn restore_old_fleet(
    cloud: &dyn Cloud,
    run: &mut Run,
    cx: &Context,
) -> Result<Option<Step>, CloudError> {
    let old = run.old_instances().to_vec();
    let started = *run.rollback_started_at.get_or_insert(cx.now);
    let give_up = started + run.health_deadline_ms;
    let group = match run.binding.strategy {
        Strategy::AlbListener => run.old_target_group().map(str::to_owned),
        Strategy::TargetGroup => run.binding.target_groups.first().cloned(),
        Strategy::ElasticIp => None,
    };
    let health = health::check(cloud, run, &old, group.as_deref()).await?;
    if let (Some(group), false) = (&group, health.unregistered.is_empty()) {
        cloud.register_targets(group, &health.unregistered).await?;
    }
    if !health.all_healthy() {
        if cx.now >= give_up || !health.dead.is_empty() {
            return Ok(Some(Step::Failed(format!(
                "cannot roll back: old fleet not healthy ({}); traffic stays on the new fleet",
                health.describe()
            ))));
        }
        run.progress = format!("Old fleet: {}", health.describe());
        return Ok(Some(Step::Wait {
            at: cx.now + cx.poll_ms,
        }));
    }
    match run.binding.strategy {
        Strategy::AlbListener => {
            let listener = run.binding.listener.clone().unwrap_or_default();
            let group = group.unwrap_or_default();
            if cloud.listener_target(&listener).await?.as_deref() != Some(group.as_str()) {
                cloud.forward_listener(&listener, &group).await?;
            }
        }
        Strategy::TargetGroup => {}
        Strategy::ElasticIp => {
            let allocation = run.binding.allocation_id.clone().unwrap_or_default();
            let instance = old.first().cloned().unwrap_or_default();
            if cloud.address_instance(&allocation).await?.as_deref() != Some(instance.as_str()) {
                cloud.associate_address(&allocation, &instance).await?;
            }
        }
    }
    Ok(None)
}

async fn roll_back(cloud: &dyn Cloud, run: &mut Run, cx: &Context) -> Result<Step, CloudError> {
    let traffic_moved = run.switched_at.is_some();
    if traffic_moved && !run.old_instances().is_empty() {
        if let Some(step) = restore_old_fleet(cloud, run, cx).await? {
            return Ok(step);
        }
    }
    if let Some(group) = run.new_target_group.clone() {
        if !run.new_instances.is_empty() {
            cloud.deregister_targets(&group, &run.new_instances).await?;
        }
        if !run.remove.is_empty() {
            cloud.register_targets(&group, &run.remove).await?;
        }
    }
    terminate(cloud, &run.new_instances).await?;
    let fleet = match (traffic_moved, &run.previous) {
        (false, _) => FleetChange::Keep,
        (true, Some(previous)) => FleetChange::Set(previous.clone()),
        (true, None) => FleetChange::Clear,
    };
    let message = match (traffic_moved, run.new_instances.is_empty()) {
        (true, _) => "Traffic back on the old fleet; new fleet terminated".to_owned(),
        (false, false) => format!(
            "Traffic never left the old fleet; terminated {}",
            run.new_instances.join(", ")
        ),
        (false, true) => "Nothing was launched".to_owned(),
    };
    Ok(Step::Happened {
        event: Event::RollbackDone,
        message,
        fleet,
    })
}
