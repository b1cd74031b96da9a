//! Waiting for the new fleet: registering running instances in their target group and
//! judging their health against the deadline; and scaling, which adds instances the same
//! way or drains and terminates the ones taken out.

use super::super::health;
use super::super::outcome::{happened, seconds, Context, FleetChange, StepOutcome};
use super::retire::terminate;
use crate::cloud::{Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

/// Registers running new instances and reports their health.
async fn registered_health(
    cloud: &dyn Cloud,
    plan: &DeploymentPlan,
) -> Result<health::FleetHealth, CloudError> {
    let group = plan.new_target_group.as_deref();
    let health = health::check(cloud, plan, &plan.new_instances, group).await?;
    if let (Some(group), false) = (group, health.unregistered.is_empty()) {
        cloud.register_targets(group, &health.unregistered).await?;
    }
    Ok(health)
}

pub async fn await_health(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    plan.observe(cx.now, cx.poll_ms);
    let deadline = plan.health_deadline(cx.now);
    let health = registered_health(cloud, plan).await?;
    if health.all_healthy() {
        let place = plan
            .new_target_group
            .as_deref()
            .map(|g| format!(" in {g}"))
            .unwrap_or_default();
        let healthy = match health.total {
            1 => format!("The new instance is healthy{place}"),
            n => format!("All {n} new instances healthy{place}"),
        };
        // A scale's added instances join the serving fleet (see `resize`): nothing to hold.
        if plan.manual_cutover && plan.kind != app::domain::DeploymentKind::Scale {
            return super::hold::hold(cloud, plan, cx, healthy).await;
        }
        return Ok(happened(Event::FleetHealthy, healthy));
    }
    if !health.dead.is_empty() {
        let reason = format!("new instance terminated: {}", health.dead.join(", "));
        plan.reason = Some(reason.clone());
        return Ok(happened(Event::StepFailed, reason));
    }
    if cx.now >= deadline {
        let reason = format!(
            "new fleet not healthy within {}: {}",
            seconds(plan.health_deadline_ms),
            health.describe()
        );
        plan.reason = Some(reason.clone());
        return Ok(happened(Event::HealthDeadlinePassed, reason));
    }
    plan.progress = format!(
        "{}; deadline in {}",
        health.describe(),
        seconds(deadline - cx.now)
    );
    Ok(StepOutcome::Wait {
        at: (cx.now + cx.poll_ms).min(deadline),
    })
}

pub async fn resize(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let Some(previous) = plan.previous.clone() else {
        return Ok(StepOutcome::Failed("nothing runs to scale".into()));
    };
    let mut fleet = previous.clone();
    if !plan.remove.is_empty() {
        if let Some(group) = &plan.new_target_group {
            let draining = cloud
                .target_health(group)
                .await?
                .into_iter()
                .filter(|t| plan.remove.contains(&t.instance_id))
                .count();
            if draining > 0 {
                plan.progress = format!("{draining} instances draining");
                return Ok(StepOutcome::Wait {
                    at: cx.now + cx.poll_ms,
                });
            }
        }
        terminate(cloud, &plan.remove).await?;
        fleet.instance_ids.retain(|id| !plan.remove.contains(id));
    } else {
        match await_health(cloud, plan, cx).await? {
            StepOutcome::Happened {
                event: Event::FleetHealthy,
                ..
            } => fleet
                .instance_ids
                .extend(plan.new_instances.iter().cloned()),
            other => return Ok(other),
        }
    }
    Ok(StepOutcome::Happened {
        event: Event::Resized,
        message: format!("{} instances serving", fleet.instance_ids.len()),
        fleet: FleetChange::Set(fleet),
    })
}
