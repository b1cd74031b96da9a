//! After the new fleet is healthy: switching traffic to it, watching it for the verify
//! window (alarms and target health; a failure rolls back), and keeping the old fleet warm
//! for instant rollback until the warm window ends.

use super::super::health;
use super::super::outcome::{happened, seconds, Context, FleetChange, StepOutcome};
use super::super::traffic;
use crate::cloud::{AlarmState, Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

pub async fn cut_over(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let message = traffic::switch_to_new(cloud, plan).await?;
    plan.switched_at.get_or_insert(cx.now);
    let fleet = match plan.new_fleet(cx.deployment_id) {
        Some(fleet) => FleetChange::Set(fleet),
        None => FleetChange::Keep,
    };
    Ok(StepOutcome::Happened {
        event: Event::TrafficSwitched,
        message,
        fleet,
    })
}

pub fn requested_rollback(plan: &mut DeploymentPlan, cx: &Context) -> Option<StepOutcome> {
    let by = cx.rollback_requested_by.as_ref()?;
    plan.reason = Some(format!("rollback requested by {by}"));
    Some(happened(
        Event::RollbackRequested,
        format!("Rollback requested by {by}"),
    ))
}

pub async fn verify(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let Some(step) = requested_rollback(plan, cx) {
        return Ok(step);
    }
    let alarms = if plan.alarms.is_empty() {
        Vec::new()
    } else {
        cloud.alarms(&plan.alarms).await?
    };
    let firing: Vec<String> = alarms
        .into_iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .map(|a| a.name)
        .collect();
    if !firing.is_empty() {
        let reason = format!("alarm fired during verification: {}", firing.join(", "));
        plan.reason = Some(reason.clone());
        return Ok(happened(Event::VerifyFailed, reason));
    }
    let group = plan.new_target_group.as_deref();
    let health = health::check(cloud, plan, &plan.new_instances, group).await?;
    if !health.all_healthy() && health.missing.is_empty() {
        let reason = format!("health dropped during verification: {}", health.describe());
        plan.reason = Some(reason.clone());
        return Ok(happened(Event::VerifyFailed, reason));
    }
    plan.observe(cx.now, cx.poll_ms);
    let end = plan.verify_end(cx.now);
    if cx.now >= end && health.all_healthy() {
        return Ok(happened(
            Event::VerifyPassed,
            format!("Healthy with alarms quiet for {}", seconds(plan.verify_ms)),
        ));
    }
    plan.progress = format!("Verifying: {} left", seconds(end - cx.now));
    Ok(StepOutcome::Wait {
        at: (cx.now + cx.poll_ms).min(end.max(cx.now + 1)),
    })
}

pub fn keep_warm(plan: &mut DeploymentPlan, cx: &Context) -> StepOutcome {
    if let Some(step) = requested_rollback(plan, cx) {
        return step;
    }
    if plan.old_instances().is_empty() {
        return happened(Event::WarmWindowEnded, "No old fleet to keep warm");
    }
    let until = cx.warm_until.unwrap_or(cx.now);
    if cx.now >= until {
        return happened(Event::WarmWindowEnded, "Warm window over");
    }
    plan.progress = format!("Old fleet warm for {}", seconds(until - cx.now));
    StepOutcome::Wait { at: until }
}
