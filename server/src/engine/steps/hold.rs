//! Holding a healthy new fleet for a person (`cutover = "manual"`): where to reach it for
//! testing, the switch they ask for, and the hold deadline that takes an abandoned fleet out;
//! and cancelling before traffic moves. Traffic stays on the old fleet throughout, so ending
//! a hold either way is safe.

use super::super::outcome::{happened, seconds, Context, StepOutcome};
use crate::cloud::{tag, Cloud, CloudError, InstanceState, Tags};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::{Event, Phase};
use app::domain::Timestamp;

/// How often a held deployment looks for a request it might have missed, at most.
pub const HOLD_LOOK_MS: i64 = 60_000;

/// The instances launched for this deployment that are still alive, by tag: an attempt whose
/// result was never recorded (a step cut short by a cancel or a crash) is found this way.
pub async fn launched_for(
    cloud: &dyn Cloud,
    plan: &DeploymentPlan,
    cx: &Context,
) -> Result<Vec<crate::cloud::Instance>, CloudError> {
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), plan.environment.clone()),
        (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
    ]);
    Ok(cloud
        .find_instances(&tags)
        .await?
        .into_iter()
        .filter(|i| {
            !matches!(
                i.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            )
        })
        .collect())
}

/// Notes the new instances' private addresses, for people and hooks to reach them by.
pub async fn record_addresses(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<(), CloudError> {
    plan.new_addresses = launched_for(cloud, plan, cx)
        .await?
        .into_iter()
        .filter(|i| plan.new_instances.contains(&i.id))
        .filter_map(|i| Some((i.id, i.private_ip?)))
        .collect();
    Ok(())
}

/// The new fleet is healthy: note where to reach it and wait for a person (`healthy` says
/// what the health check found, for the timeline).
pub async fn hold(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
    healthy: String,
) -> Result<StepOutcome, CloudError> {
    record_addresses(cloud, plan, cx).await?;
    plan.held_at = Some(cx.now);
    let until = Timestamp::from_millis(plan.hold_end(cx.now)).to_display();
    Ok(happened(
        Event::HeldForSwitch,
        format!(
            "{healthy}; traffic stays on the old fleet until someone switches (held until {until})"
        ),
    ))
}

/// Waiting for the switch: a person's request moves on, the deadline takes the fleet out.
pub fn held(plan: &mut DeploymentPlan, cx: &Context) -> StepOutcome {
    if let Some(by) = &cx.switch_requested_by {
        return happened(
            Event::SwitchRequested,
            format!("Switch to the new fleet requested by {by}"),
        );
    }
    let end = plan.hold_end(cx.now);
    if cx.now >= end {
        let reason = format!(
            "nobody switched traffic within {}; the new fleet is taken out",
            seconds(plan.hold_deadline_ms)
        );
        plan.reason = Some(reason.clone());
        return happened(Event::HoldDeadlinePassed, reason);
    }
    plan.progress = format!("Ready to switch: held for {} more", seconds(end - cx.now));
    // A switch or cancel makes the job due at once; looking each minute anyway bounds the
    // delay of a cancel whose wake-up this very step wrote over.
    StepOutcome::Wait {
        at: end.min(cx.now + HOLD_LOOK_MS),
    }
}

/// A cancel asked before traffic moved, in a phase where stopping is safe: not mid-bake (the
/// source instance may be out of its group; it takes effect once the image is made) and not
/// mid-switch (`cut_over` goes back as if traffic had moved).
pub fn cancelled(phase: Phase, plan: &mut DeploymentPlan, cx: &Context) -> Option<StepOutcome> {
    let cancel = cx.cancel.as_ref()?;
    if !matches!(
        phase,
        Phase::Pending | Phase::Launching | Phase::AwaitingHealth | Phase::ReadyToSwitch
    ) {
        return None;
    }
    let reason = format!("cancelled by {}: {}", cancel.by, cancel.reason);
    plan.reason = Some(reason);
    Some(happened(
        Event::CancelRequested,
        format!(
            "Cancelled by {} before the switch: {}",
            cancel.by, cancel.reason
        ),
    ))
}
