//! How a set of instances is doing: visible, running, healthy in its target group. Instances
//! missing right after a launch are "not yet visible", never "gone".

use crate::cloud::{tag, Cloud, CloudError, InstanceState, Tags, TargetState};
use app::domain::plan::DeploymentPlan;
use std::collections::BTreeMap;

/// The state of a set of instances.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FleetHealth {
    /// How many were asked about.
    pub total: usize,
    /// Not listed by the cloud yet (eventual consistency after a launch).
    pub missing: Vec<String>,
    /// Shutting down or terminated.
    pub dead: Vec<String>,
    /// Running, but not registered in the target group yet.
    pub unregistered: Vec<String>,
    /// Running (and, with a target group, healthy in it).
    pub healthy: usize,
}

impl FleetHealth {
    /// Whether every instance is running and healthy.
    pub fn all_healthy(&self) -> bool {
        self.total > 0 && self.healthy == self.total
    }

    /// e.g. `2 of 3 healthy`, naming what is missing or dead.
    pub fn describe(&self) -> String {
        let mut text = format!("{} of {} healthy", self.healthy, self.total);
        if !self.missing.is_empty() {
            text += &format!("; not yet visible: {}", self.missing.join(", "));
        }
        if !self.dead.is_empty() {
            text += &format!("; terminated: {}", self.dead.join(", "));
        }
        text
    }
}

/// Every instance of `environment` with its state (one DescribeInstances by tag), and, when
/// there is a target group, each target's state in it (one DescribeTargetHealth).
pub async fn states_and_targets(
    cloud: &dyn Cloud,
    environment: &str,
    target_group: Option<&str>,
) -> Result<
    (
        BTreeMap<String, InstanceState>,
        BTreeMap<String, TargetState>,
    ),
    CloudError,
> {
    let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), environment.to_owned())]);
    let states = cloud
        .find_instances(&tags)
        .await?
        .into_iter()
        .map(|i| (i.id, i.state))
        .collect();
    let targets = match target_group {
        Some(group) => cloud
            .target_health(group)
            .await?
            .into_iter()
            .map(|t| (t.instance_id, t.state))
            .collect(),
        None => BTreeMap::new(),
    };
    Ok((states, targets))
}

/// The health of `ids` (instances of `run`'s environment), judged in `target_group` when
/// there is one, else by the instance state alone.
pub async fn check(
    cloud: &dyn Cloud,
    run: &DeploymentPlan,
    ids: &[String],
    target_group: Option<&str>,
) -> Result<FleetHealth, CloudError> {
    let (states, targets) = states_and_targets(cloud, &run.environment, target_group).await?;
    let mut health = FleetHealth {
        total: ids.len(),
        ..FleetHealth::default()
    };
    for id in ids {
        match states.get(id) {
            None => health.missing.push(id.clone()),
            Some(InstanceState::ShuttingDown | InstanceState::Terminated) => {
                health.dead.push(id.clone())
            }
            Some(InstanceState::Running) => match (target_group, targets.get(id)) {
                (None, _) | (Some(_), Some(TargetState::Healthy)) => health.healthy += 1,
                (Some(_), None | Some(TargetState::Draining)) => {
                    health.unregistered.push(id.clone())
                }
                (Some(_), Some(_)) => {}
            },
            Some(_) => {}
        }
    }
    Ok(health)
}
