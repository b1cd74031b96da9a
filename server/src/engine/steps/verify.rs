//! After the new fleet is healthy: switching traffic to it, watching it for the verify
//! window (alarms and target health; a failure rolls back), and keeping the old fleet warm
//! for instant rollback until the warm window ends.

use super::super::health;
use super::super::outcome::{happened, seconds, Context, FleetChange, StepOutcome};
use super::super::traffic;
use crate::cloud::{AlarmState, Cloud, CloudError};
use crate::hooks::{Gate, Runner};
use app::domain::hooks::HookStage;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::{Event, Phase};

/// Runs the pre-cutover hooks (once), then switches traffic to the new fleet.
pub async fn cut_over(
    cloud: &dyn Cloud,
    hooks: &Runner,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let Some(cancel) = &cx.cancel {
        // An earlier attempt of this step may have switched before its result was dropped:
        // go back as if traffic had moved (switching back to where traffic is is a no-op).
        plan.switched_at.get_or_insert(cx.now);
        plan.reason = Some(format!("cancelled by {}: {}", cancel.by, cancel.reason));
        return Ok(happened(
            Event::CancelRequested,
            format!(
                "Cancelled by {} during the switch: {}; traffic goes back to the old fleet",
                cancel.by, cancel.reason
            ),
        ));
    }
    let mut before = String::new();
    if plan.switched_at.is_none() {
        match super::hooks::gate(
            cloud,
            hooks,
            HookStage::PreCutover,
            plan,
            cx,
            Phase::CuttingOver,
        )
        .await?
        {
            Gate::Passed(lines) => {
                for line in lines {
                    before.push_str(&line);
                    before.push_str("; ");
                }
            }
            Gate::Waiting { at, progress } => {
                plan.progress = progress;
                return Ok(StepOutcome::Wait { at });
            }
            Gate::Failed(reason) => {
                // Traffic never moved (`switched_at` stays unset): the new fleet goes.
                let reason = format!("{reason}; nothing was switched");
                plan.reason = Some(reason.clone());
                return Ok(happened(Event::HookFailed, reason));
            }
        }
    }
    let message = format!("{before}{}", traffic::switch_to_new(cloud, plan).await?);
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

/// A rollback asked by a person, or a cancel that came while traffic may have moved.
pub fn requested_rollback(plan: &mut DeploymentPlan, cx: &Context) -> Option<StepOutcome> {
    if let Some(cancel) = &cx.cancel {
        plan.reason = Some(format!("cancelled by {}: {}", cancel.by, cancel.reason));
        return Some(happened(
            Event::RollbackRequested,
            format!(
                "Cancelled by {} after the switch: {}; rolling back",
                cancel.by, cancel.reason
            ),
        ));
    }
    let by = cx.rollback_requested_by.as_ref()?;
    plan.reason = Some(format!("rollback requested by {by}"));
    Some(happened(
        Event::RollbackRequested,
        format!("Rollback requested by {by}"),
    ))
}

/// How often a warm fleet is looked at, at most: a warm window lasts an hour or more, and
/// alarms are evaluated per minute, so looking every poll would only multiply AWS calls.
pub const WARM_WATCH_MS: i64 = 15_000;

/// What watching the new fleet found.
enum Watched {
    /// Alarms quiet and every instance healthy in its target.
    Healthy,
    /// Alarms quiet, nothing unhealthy, but some instances not (yet) seen in the target.
    Unsure,
    /// A firing alarm or a health drop: roll back (the step says why).
    Failed(StepOutcome),
}

/// Watches the new fleet: a firing alarm or target health that dropped fails it (`during`
/// says when, for the timeline).
async fn watch(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    during: &str,
) -> Result<Watched, CloudError> {
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
    let reason = if !firing.is_empty() {
        format!("alarm fired {during}: {}", firing.join(", "))
    } else {
        let group = plan.new_target_group.as_deref();
        let health = health::check(cloud, plan, &plan.new_instances, group).await?;
        if health.all_healthy() {
            return Ok(Watched::Healthy);
        }
        if !health.missing.is_empty() {
            return Ok(Watched::Unsure);
        }
        format!("health dropped {during}: {}", health.describe())
    };
    plan.reason = Some(reason.clone());
    Ok(Watched::Failed(happened(Event::VerifyFailed, reason)))
}

/// Watches the new fleet for the verify window while the acceptance hooks that come after
/// the switch run; it passes when both have.
pub async fn verify(
    cloud: &dyn Cloud,
    hooks: &Runner,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let Some(step) = requested_rollback(plan, cx) {
        return Ok(step);
    }
    let watched = watch(cloud, plan, "during verification").await?;
    if let Watched::Failed(step) = watched {
        return Ok(step);
    }
    let accepted = super::hooks::gate(
        cloud,
        hooks,
        HookStage::AfterSwitch,
        plan,
        cx,
        Phase::Verifying,
    )
    .await?;
    if let Gate::Failed(reason) = &accepted {
        let reason = format!("{reason}; rolling back");
        plan.reason = Some(reason.clone());
        return Ok(happened(Event::HookFailed, reason));
    }
    plan.observe(cx.now, cx.poll_ms);
    let end = plan.verify_end(cx.now);
    // Past the window, only hooks still running (or targets not yet seen) hold it: look
    // again after a poll, never at once.
    let mut next = if cx.now >= end {
        cx.now + cx.poll_ms
    } else {
        (cx.now + cx.poll_ms).min(end)
    };
    plan.progress = format!("Verifying: {} left", seconds((end - cx.now).max(0)));
    match accepted {
        Gate::Passed(lines) if cx.now >= end && matches!(watched, Watched::Healthy) => {
            let mut message = format!("Healthy with alarms quiet for {}", seconds(plan.verify_ms));
            for line in lines {
                message = format!("{message}; {line}");
            }
            return Ok(happened(Event::VerifyPassed, message));
        }
        Gate::Waiting { at, progress } => {
            plan.progress = format!("{}; {progress}", plan.progress);
            next = next.min(at.max(cx.now + 1));
        }
        _ => {}
    }
    Ok(StepOutcome::Wait { at: next })
}

/// The old fleet kept for instant rollback until the warm window ends; with
/// `watch_while_warm`, the new fleet is watched meanwhile as during verification.
pub async fn keep_warm(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let Some(step) = requested_rollback(plan, cx) {
        return Ok(step);
    }
    if plan.old_instances().is_empty() {
        return Ok(happened(
            Event::WarmWindowEnded,
            "No old fleet to keep warm",
        ));
    }
    let until = cx.warm_until.unwrap_or(cx.now);
    if cx.now >= until {
        return Ok(happened(Event::WarmWindowEnded, "Warm window over"));
    }
    if plan.watch_while_warm {
        if let Watched::Failed(step) = watch(cloud, plan, "while the old fleet was warm").await? {
            return Ok(step);
        }
    }
    plan.progress = format!("Old fleet warm for {}", seconds(until - cx.now));
    let next = if plan.watch_while_warm {
        (cx.now + cx.poll_ms.max(WARM_WATCH_MS)).min(until)
    } else {
        until
    };
    Ok(StepOutcome::Wait { at: next })
}
