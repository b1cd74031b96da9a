//! Which steps changed the cloud, named for the audit log: the engine's own launches,
//! traffic switches, terminations and images are on record beside what people did, written in
//! the same transaction as the step (so a step that ran twice after a crash is recorded once).

use crate::db::rollouts::CloudAction;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

/// The audit entry for `event`, when the step that produced it changed the cloud.
pub fn cloud_action(event: Event, plan: &DeploymentPlan, message: &str) -> Option<CloudAction> {
    let action = match event {
        Event::ImageReady => "cloud.image",
        Event::FleetLaunched if !plan.remove.is_empty() => "cloud.deregister",
        Event::FleetLaunched => "cloud.launch",
        Event::TrafficSwitched => "cloud.traffic_switch",
        Event::OldFleetRetired if !plan.old_instances().is_empty() => "cloud.terminate",
        Event::RollbackDone => "cloud.rollback",
        Event::Resized => "cloud.resize",
        _ => return None,
    };
    Some(CloudAction {
        action,
        details: serde_json::json!({ "build": plan.build, "step": message }).to_string(),
    })
}
