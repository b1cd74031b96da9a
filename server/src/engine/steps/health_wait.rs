//! Waiting for the new fleet: registering running instances in their target group and
//! judging their health against the deadline; and scaling, which adds instances the same
//! way or drains and terminates the ones taken out.

use super::super::health;
use super::super::outcome::{happened, seconds, Context, FleetChange, StepOutcome};
use super::retire::terminate;
use crate::cloud::{Cloud, CloudError};
use crate::hooks::{Gate, Runner};
use app::domain::hooks::HookStage;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::{Event, Phase};

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

/// Waits for the new fleet's health, then runs the acceptance hooks that come before the
/// switch, then holds (manual cutover) or moves on to the switch.
pub async fn await_health(
    cloud: &dyn Cloud,
    hooks: &Runner,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let mut healthy = match judge_health(cloud, plan, cx).await? {
        Judged::Healthy(healthy) => healthy,
        Judged::Not(step) => return Ok(step),
    };
    match super::hooks::gate(
        cloud,
        hooks,
        HookStage::BeforeSwitch,
        plan,
        cx,
        Phase::AwaitingHealth,
    )
    .await?
    {
        Gate::Passed(lines) => {
            for line in lines {
                healthy = format!("{healthy}; {line}");
            }
        }
        Gate::Waiting { at, progress } => {
            plan.progress = progress;
            return Ok(StepOutcome::Wait { at });
        }
        Gate::Failed(reason) => {
            let reason = format!("{reason}; the new fleet is taken out, the old one kept serving");
            plan.reason = Some(reason.clone());
            return Ok(happened(Event::HookFailed, reason));
        }
    }
    if plan.manual_cutover {
        return super::hold::hold(cloud, plan, cx, healthy).await;
    }
    Ok(happened(Event::FleetHealthy, healthy))
}

/// What the new fleet's health says.
enum Judged {
    /// Every new instance healthy: the line saying so.
    Healthy(String),
    /// Not (yet): wait, or fail.
    Not(StepOutcome),
}

async fn judge_health(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<Judged, CloudError> {
    plan.observe(cx.now, cx.poll_ms);
    let deadline = plan.health_deadline(cx.now);
    let health = registered_health(cloud, plan).await?;
    if health.all_healthy() {
        let place = plan
            .new_target_group
            .as_deref()
            .map(|g| format!(" in {g}"))
            .unwrap_or_default();
        return Ok(Judged::Healthy(match health.total {
            1 => format!("The new instance is healthy{place}"),
            n => format!("All {n} new instances healthy{place}"),
        }));
    }
    if !health.dead.is_empty() {
        let reason = format!("new instance terminated: {}", health.dead.join(", "));
        plan.reason = Some(reason.clone());
        return Ok(Judged::Not(happened(Event::StepFailed, reason)));
    }
    if cx.now >= deadline {
        let reason = format!(
            "new fleet not healthy within {}: {}",
            seconds(plan.health_deadline_ms),
            health.describe()
        );
        plan.reason = Some(reason.clone());
        return Ok(Judged::Not(happened(Event::HealthDeadlinePassed, reason)));
    }
    plan.progress = format!(
        "{}; deadline in {}",
        health.describe(),
        seconds(deadline - cx.now)
    );
    Ok(Judged::Not(StepOutcome::Wait {
        at: (cx.now + cx.poll_ms).min(deadline),
    }))
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
        // A scale's added instances join the serving fleet: no hooks, nothing to hold.
        match judge_health(cloud, plan, cx).await? {
            Judged::Healthy(_) => fleet
                .instance_ids
                .extend(plan.new_instances.iter().cloned()),
            Judged::Not(step) => return Ok(step),
        }
    }
    Ok(StepOutcome::Happened {
        event: Event::Resized,
        message: format!("{} instances serving", fleet.instance_ids.len()),
        fleet: FleetChange::Set(fleet),
    })
}
