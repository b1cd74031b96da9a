//! From one look at the cloud to each environment's snapshot: its instances (by the
//! environment tag) grouped into fleets by the deployment that launched them — the one on
//! record as serving, the one in flight (incoming), and any other (previous: warm or on its
//! way out) — each instance with its details, status checks and target health, and the
//! environment's alarms.

use super::read::{CloudView, Known};
use crate::cloud::{
    tag, AlarmState, Instance, InstanceState, StatusChecks, TargetHealth, TargetState,
};
use app::domain::fleet_health::{
    AlarmStatus, AlarmView, Ec2State, FleetGroup, FleetRole, FleetSnapshot, InstanceHealth,
    TargetHealthState, TargetHealthView,
};
use app::domain::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

/// `known`'s environment as `view` saw it at `now`.
pub fn snapshot(view: &CloudView, known: &Known<'_>, now: i64) -> FleetSnapshot {
    let environment = known.settings.name.as_str();
    // Indexes, so that a look at ten thousand instances stays linear.
    let targets = Targets::of(view, known);
    let serving_ids: HashSet<&str> = known
        .serving
        .as_ref()
        .map(|f| f.instance_ids.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut serving = Vec::new();
    // By launching deployment; instances without the tag (adopted) group under none.
    let mut others: BTreeMap<Option<i64>, Vec<&Instance>> = BTreeMap::new();
    for instance in view
        .instances
        .iter()
        .filter(|i| i.tags.get(tag::ENVIRONMENT).map(String::as_str) == Some(environment))
    {
        if serving_ids.contains(instance.id.as_str()) {
            serving.push(instance);
        } else {
            let deployment = instance
                .tags
                .get(tag::DEPLOYMENT)
                .and_then(|d| d.parse().ok());
            others.entry(deployment).or_default().push(instance);
        }
    }
    let mut fleets = Vec::new();
    if let Some(fleet) = &known.serving {
        // An instance on record that the cloud no longer lists is shown, as gone.
        let listed: HashMap<&str, &Instance> =
            serving.iter().map(|i| (i.id.as_str(), *i)).collect();
        let mut instances: Vec<InstanceHealth> = fleet
            .instance_ids
            .iter()
            .map(|id| match listed.get(id.as_str()) {
                Some(instance) => health(view, &targets, instance),
                None => gone(id, &targets),
            })
            .collect();
        instances.sort_by(|a, b| a.id.cmp(&b.id));
        fleets.push(group(
            &targets,
            known,
            FleetRole::Serving,
            serving.first().copied(),
            instances,
        ));
    }
    let mut incoming = Vec::new();
    let mut previous = Vec::new();
    // Newest deployment first.
    for (deployment, members) in others.into_iter().rev() {
        let instances = members.iter().map(|i| health(view, &targets, i)).collect();
        let sample = members.first().copied();
        if deployment.is_some() && deployment == known.in_flight {
            incoming.push(group(
                &targets,
                known,
                FleetRole::Incoming,
                sample,
                instances,
            ));
        } else {
            previous.push(group(
                &targets,
                known,
                FleetRole::Previous,
                sample,
                instances,
            ));
        }
    }
    fleets.extend(incoming);
    fleets.extend(previous);
    let alarms = known
        .settings
        .alarms
        .iter()
        .filter_map(|name| view.alarms.get(name))
        .map(|alarm| AlarmView {
            name: alarm.name.clone(),
            state: match alarm.state {
                AlarmState::Ok => AlarmStatus::Ok,
                AlarmState::Alarm => AlarmStatus::Alarm,
                AlarmState::InsufficientData => AlarmStatus::InsufficientData,
            },
            since: alarm.since_ms.map(Timestamp::from_millis),
        })
        .collect();
    FleetSnapshot {
        taken_at: Timestamp::from_millis(now),
        fleets,
        alarms,
    }
}

fn group(
    targets: &Targets<'_>,
    known: &Known<'_>,
    role: FleetRole,
    sample: Option<&Instance>,
    instances: Vec<InstanceHealth>,
) -> FleetGroup {
    FleetGroup {
        role,
        colour: colour(targets, known, &instances),
        deployment_id: sample
            .and_then(|i| i.tags.get(tag::DEPLOYMENT))
            .and_then(|d| d.parse().ok())
            .or_else(|| {
                let serving = known.serving.as_ref()?;
                (role == FleetRole::Serving).then_some(serving.deployment_id)
            }),
        build_version: sample.and_then(|i| i.tags.get(tag::BUILD).cloned()),
        instances,
    }
}

/// Blue when the fleet is registered in an `alb-listener` environment's first target group,
/// green in its second; none otherwise (one group, or an Elastic IP).
fn colour(
    targets: &Targets<'_>,
    known: &Known<'_>,
    instances: &[InstanceHealth],
) -> Option<String> {
    let groups = &known.settings.target_group_arns;
    if known.settings.strategy() != app::domain::Strategy::AlbListener || groups.len() != 2 {
        return None;
    }
    let registered = |group: &String| instances.iter().any(|i| targets.in_group(group, &i.id));
    ["blue", "green"]
        .iter()
        .zip(groups)
        .find(|(_, group)| registered(group))
        .map(|(colour, _)| (*colour).to_owned())
}

fn health(view: &CloudView, targets: &Targets<'_>, instance: &Instance) -> InstanceHealth {
    InstanceHealth {
        id: instance.id.clone(),
        state: match instance.state {
            InstanceState::Pending => Ec2State::Pending,
            InstanceState::Running => Ec2State::Running,
            InstanceState::Stopped => Ec2State::Stopped,
            InstanceState::ShuttingDown | InstanceState::Terminated => Ec2State::Terminated,
        },
        status_checks_ok: match view.checks.get(&instance.id) {
            Some(StatusChecks::Passed) => Some(true),
            Some(StatusChecks::Failed) => Some(false),
            Some(StatusChecks::Pending) | None => None,
        },
        target: targets.view(&instance.id),
        zone: instance.zone.clone(),
        instance_type: Some(instance.instance_type.clone()).filter(|t| !t.is_empty()),
        image_id: Some(instance.image_id.clone()).filter(|t| !t.is_empty()),
        build_version: instance.tags.get(tag::BUILD).cloned(),
        launched_at: instance.launched_at_ms.map(Timestamp::from_millis),
        private_ip: instance.private_ip.clone(),
    }
}

fn gone(id: &str, targets: &Targets<'_>) -> InstanceHealth {
    InstanceHealth {
        id: id.to_owned(),
        state: Ec2State::Terminated,
        status_checks_ok: None,
        target: targets.view(id),
        zone: None,
        instance_type: None,
        image_id: None,
        build_version: None,
        launched_at: None,
        private_ip: None,
    }
}

/// Where each instance is registered among the environment's target groups (the serving
/// group first), looked up by id.
struct Targets<'v> {
    /// Whether the environment has any target group.
    any_group: bool,
    by_instance: HashMap<&'v str, (&'v str, &'v TargetHealth)>,
}

impl<'v> Targets<'v> {
    fn of(view: &'v CloudView, known: &'v Known<'_>) -> Self {
        let serving_group = known.serving.as_ref().and_then(|f| f.target_group.as_ref());
        let groups: Vec<&String> = serving_group
            .into_iter()
            .chain(known.settings.target_group_arns.iter())
            .collect();
        let mut by_instance = HashMap::new();
        for group in &groups {
            for target in view.targets.get(*group).into_iter().flatten() {
                by_instance
                    .entry(target.instance_id.as_str())
                    .or_insert((group.as_str(), target));
            }
        }
        Self {
            any_group: !groups.is_empty(),
            by_instance,
        }
    }

    fn in_group(&self, group: &str, id: &str) -> bool {
        self.by_instance.get(id).is_some_and(|(g, _)| *g == group)
    }

    /// The instance's health where it is registered, else "not registered" — none when the
    /// environment has no target group.
    fn view(&self, id: &str) -> Option<TargetHealthView> {
        if !self.any_group {
            return None;
        }
        Some(match self.by_instance.get(id) {
            Some((_, t)) => TargetHealthView {
                state: match t.state {
                    TargetState::Initial => TargetHealthState::Initial,
                    TargetState::Healthy => TargetHealthState::Healthy,
                    TargetState::Unhealthy => TargetHealthState::Unhealthy,
                    TargetState::Draining => TargetHealthState::Draining,
                    TargetState::Unused => TargetHealthState::Unused,
                },
                reason: t.reason.clone(),
                description: t.description.clone(),
            },
            None => TargetHealthView {
                state: TargetHealthState::Unused,
                reason: Some("Target.NotRegistered".into()),
                description: Some("Target is not registered to the target group".into()),
            },
        })
    }
}
