//! Traffic switching, per strategy, in one place: which target group a new fleet goes into,
//! how traffic moves to it, how it moves back, and what the old fleet leaves behind. The steps
//! call these and never look at the strategy themselves.
//!
//! - `alb-listener`: two target groups; the new fleet goes into the idle one and the listener's
//!   forward action is switched in one call (and switched back on rollback).
//! - `target-group`: one group; the new fleet is registered beside the old, then the old fleet
//!   is deregistered (draining). Rollback registers the old fleet again.
//! - `elastic-ip`: one instance; the address is re-associated.

use crate::cloud::{Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::{DeploymentKind, Strategy};

/// The target group the new instances go into (none for elastic-ip).
pub async fn group_for_new(
    cloud: &dyn Cloud,
    plan: &DeploymentPlan,
) -> Result<Option<String>, CloudError> {
    let groups = &plan.binding.target_groups;
    Ok(match plan.binding.strategy {
        Strategy::ElasticIp => None,
        Strategy::TargetGroup => groups.first().cloned(),
        // Scaling adds to (or drains from) the group that serves.
        Strategy::AlbListener if plan.kind == DeploymentKind::Scale => plan
            .old_target_group()
            .map(str::to_owned)
            .or_else(|| groups.first().cloned()),
        Strategy::AlbListener => {
            let listener = plan.binding.listener.as_deref().unwrap_or_default();
            let live = cloud.listener_target(listener).await?;
            // The idle group of the two: the one the listener does not forward to.
            groups
                .iter()
                .find(|g| Some(g.as_str()) != live.as_deref())
                .cloned()
        }
    })
}

/// Before a listener switch, takes anything but the new fleet out of the idle group (an
/// older fleet may still sit there); nothing to do for the other strategies.
pub async fn clear_idle_group(cloud: &dyn Cloud, plan: &DeploymentPlan) -> Result<(), CloudError> {
    let (Strategy::AlbListener, Some(group)) = (plan.binding.strategy, &plan.new_target_group)
    else {
        return Ok(());
    };
    if plan.kind == DeploymentKind::Scale {
        return Ok(());
    }
    let strangers: Vec<String> = cloud
        .target_health(group)
        .await?
        .into_iter()
        .map(|t| t.instance_id)
        .filter(|id| !plan.new_instances.contains(id))
        .collect();
    if !strangers.is_empty() {
        cloud.deregister_targets(group, &strangers).await?;
    }
    Ok(())
}

/// Moves traffic to the new fleet; says what was done, for the timeline.
pub async fn switch_to_new(cloud: &dyn Cloud, plan: &DeploymentPlan) -> Result<String, CloudError> {
    Ok(match plan.binding.strategy {
        Strategy::AlbListener => {
            let listener = plan.binding.listener.clone().unwrap_or_default();
            let group = plan.new_target_group.clone().unwrap_or_default();
            cloud.forward_listener(&listener, &group).await?;
            format!("Listener now forwards to {group}")
        }
        Strategy::TargetGroup => {
            let group = plan.new_target_group.clone().unwrap_or_default();
            let old = plan.old_instances().to_vec();
            if !old.is_empty() {
                cloud.deregister_targets(&group, &old).await?;
            }
            format!("Old instances deregistered from {group} (draining)")
        }
        Strategy::ElasticIp => {
            let allocation = plan.binding.allocation_id.clone().unwrap_or_default();
            let instance = plan.new_instances.first().cloned().unwrap_or_default();
            cloud.associate_address(&allocation, &instance).await?;
            format!("Elastic IP {allocation} now on {instance}")
        }
    })
}

/// The target group the old fleet serves from once restored (none for elastic-ip).
pub fn group_of_old(plan: &DeploymentPlan) -> Option<String> {
    match plan.binding.strategy {
        Strategy::AlbListener => plan.old_target_group().map(str::to_owned),
        Strategy::TargetGroup => plan.binding.target_groups.first().cloned(),
        Strategy::ElasticIp => None,
    }
}

/// Points traffic back at the old fleet (already registered and healthy in `group`).
/// Idempotent: nothing is called when traffic is already there.
pub async fn switch_back(
    cloud: &dyn Cloud,
    plan: &DeploymentPlan,
    group: Option<&str>,
) -> Result<(), CloudError> {
    match plan.binding.strategy {
        Strategy::AlbListener => {
            let listener = plan.binding.listener.clone().unwrap_or_default();
            let group = group.unwrap_or_default();
            if cloud.listener_target(&listener).await?.as_deref() != Some(group) {
                cloud.forward_listener(&listener, group).await?;
            }
        }
        // Registering the old fleet again (done by the caller) is the whole switch.
        Strategy::TargetGroup => {}
        Strategy::ElasticIp => {
            let allocation = plan.binding.allocation_id.clone().unwrap_or_default();
            let instance = plan.old_instances().first().cloned().unwrap_or_default();
            if cloud.address_instance(&allocation).await?.as_deref() != Some(instance.as_str()) {
                cloud.associate_address(&allocation, &instance).await?;
            }
        }
    }
    Ok(())
}

/// Takes the old fleet out of its target group before it is terminated, where it still
/// sits in one (alb-listener's idle group; target-group drained it at cutover).
pub async fn release_old(cloud: &dyn Cloud, plan: &DeploymentPlan) -> Result<(), CloudError> {
    let old = plan.old_instances();
    if let (Strategy::AlbListener, Some(group), false) = (
        plan.binding.strategy,
        plan.old_target_group(),
        old.is_empty(),
    ) {
        cloud.deregister_targets(group, old).await?;
    }
    Ok(())
}
