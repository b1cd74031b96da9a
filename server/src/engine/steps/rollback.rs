//! Rolling back: the old fleet registered again and seen healthy, traffic switched back to
//! it, and only then the new fleet taken out and terminated. Before traffic moved, rolling
//! back is just terminating what was launched.

use super::super::health;
use super::super::outcome::{Context, FleetChange, StepOutcome};
use super::super::traffic;
use super::retire::terminate;
use crate::cloud::{Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

/// Puts the old fleet back into service, seen healthy first; `None` once it serves.
async fn restore_old_fleet(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<Option<StepOutcome>, CloudError> {
    let old = plan.old_instances().to_vec();
    let started = *plan.rollback_started_at.get_or_insert(cx.now);
    plan.observe(cx.now, cx.poll_ms);
    let give_up = started + plan.health_deadline_ms + plan.unwatched_ms;
    let group = traffic::group_of_old(plan);
    let health = health::check(cloud, plan, &old, group.as_deref()).await?;
    if let (Some(group), false) = (&group, health.unregistered.is_empty()) {
        cloud.register_targets(group, &health.unregistered).await?;
    }
    if !health.all_healthy() {
        if cx.now >= give_up || !health.dead.is_empty() {
            return Ok(Some(StepOutcome::Failed(format!(
                "cannot roll back: old fleet not healthy ({}); traffic stays on the new fleet",
                health.describe()
            ))));
        }
        plan.progress = format!("Old fleet: {}", health.describe());
        return Ok(Some(StepOutcome::Wait {
            at: cx.now + cx.poll_ms,
        }));
    }
    traffic::switch_back(cloud, plan, group.as_deref()).await?;
    Ok(None)
}

pub async fn roll_back(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let traffic_moved = plan.switched_at.is_some();
    if !traffic_moved {
        // A launch cut short (cancelled, or a crash) may have left instances it never
        // recorded: they go too.
        for instance in super::hold::launched_for(cloud, plan, cx).await? {
            if !plan.new_instances.contains(&instance.id) {
                plan.new_instances.push(instance.id);
            }
        }
    }
    if traffic_moved && !plan.old_instances().is_empty() {
        if let Some(step) = restore_old_fleet(cloud, plan, cx).await? {
            return Ok(step);
        }
    }
    if let Some(group) = plan.new_target_group.clone() {
        if !plan.new_instances.is_empty() {
            cloud
                .deregister_targets(&group, &plan.new_instances)
                .await?;
        }
        if !plan.remove.is_empty() {
            cloud.register_targets(&group, &plan.remove).await?;
        }
    }
    terminate(cloud, &plan.new_instances).await?;
    let fleet = match (traffic_moved, &plan.previous) {
        (false, _) => FleetChange::Keep,
        (true, Some(previous)) => FleetChange::Set(previous.clone()),
        (true, None) => FleetChange::Clear,
    };
    let message = match (traffic_moved, plan.new_instances.is_empty()) {
        (true, _) => "Traffic back on the old fleet; new fleet terminated".to_owned(),
        (false, false) => format!(
            "Traffic never left the old fleet; terminated {}",
            plan.new_instances.join(", ")
        ),
        (false, true) => "Nothing was launched".to_owned(),
    };
    Ok(StepOutcome::Happened {
        event: Event::RollbackDone,
        message,
        fleet,
    })
}
