//! One look at the cloud for every environment at once, with the fewest calls AWS allows:
//! DescribeInstances of this installation's instances (paged at 1000), DescribeInstanceStatus
//! (paged at 1000), DescribeTargetHealth once per configured target group, DescribeAlarms for
//! every configured alarm (batched by 100). [`super::assemble`] turns it into each
//! environment's snapshot.

use crate::cloud::{Alarm, Cloud, CloudError, Instance, StatusChecks, Tags, TargetHealth};
use crate::config::EnvironmentSettings;
use app::domain::Fleet;
use std::collections::{BTreeSet, HashMap};

/// What the database knows of an environment that the cloud does not say.
#[derive(Debug, Clone)]
pub struct Known<'a> {
    /// Its settings (target groups, alarms).
    pub settings: &'a EnvironmentSettings,
    /// The fleet on record as serving it.
    pub serving: Option<Fleet>,
    /// Its deployment in flight, whose fleet is incoming until the switch.
    pub in_flight: Option<i64>,
}

/// The cloud as one look saw it.
#[derive(Debug, Clone, Default)]
pub struct CloudView {
    /// Every instance of this installation, terminated ones left out.
    pub instances: Vec<Instance>,
    /// Status checks of running instances.
    pub checks: HashMap<String, StatusChecks>,
    /// Target health by target group.
    pub targets: HashMap<String, Vec<TargetHealth>>,
    /// Alarms by name.
    pub alarms: HashMap<String, Alarm>,
}

/// Looks at everything the environments in `known` need.
pub async fn look(cloud: &dyn Cloud, known: &[Known<'_>]) -> Result<CloudView, CloudError> {
    let instances = cloud
        .find_instances(&Tags::new())
        .await?
        .into_iter()
        .filter(|i| i.state != crate::cloud::InstanceState::Terminated)
        .collect();
    let checks = cloud.status_checks().await?.into_iter().collect();
    let groups: BTreeSet<&String> = known
        .iter()
        .flat_map(|k| {
            k.settings
                .target_group_arns
                .iter()
                .chain(k.serving.as_ref().and_then(|f| f.target_group.as_ref()))
        })
        .collect();
    let mut targets = HashMap::new();
    for group in groups {
        targets.insert(group.clone(), cloud.target_health(group).await?);
    }
    let names: Vec<String> = known
        .iter()
        .flat_map(|k| k.settings.alarms.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let alarms = if names.is_empty() {
        HashMap::new()
    } else {
        cloud
            .alarms(&names)
            .await?
            .into_iter()
            .map(|a| (a.name.clone(), a))
            .collect()
    };
    Ok(CloudView {
        instances,
        checks,
        targets,
        alarms,
    })
}
