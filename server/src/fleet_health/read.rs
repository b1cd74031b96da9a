//! One look at an environment's serving fleet: its instances (by the environment's tag),
//! their health in the serving target group (one DescribeTargetHealth), and the environment's
//! alarms (one DescribeAlarms) — as a domain [`FleetSnapshot`].

use crate::cloud::{AlarmState, Cloud, CloudError, InstanceState, TargetState};
use crate::config::EnvironmentSettings;
use app::domain::fleet_health::{
    AlarmStatus, AlarmView, Ec2State, FleetSnapshot, InstanceHealth, TargetHealthState,
    TargetHealthView,
};
use app::domain::{Fleet, Timestamp};

/// Reads the serving `fleet` of `environment` (none: nothing serves) as of `now`.
pub async fn read(
    cloud: &dyn Cloud,
    environment: &EnvironmentSettings,
    fleet: Option<&Fleet>,
    now: i64,
) -> Result<FleetSnapshot, CloudError> {
    let alarms = if environment.alarms.is_empty() {
        Vec::new()
    } else {
        cloud.alarms(&environment.alarms).await?
    };
    let alarms = alarms
        .into_iter()
        .map(|a| AlarmView {
            name: a.name,
            state: match a.state {
                AlarmState::Ok => AlarmStatus::Ok,
                AlarmState::Alarm => AlarmStatus::Alarm,
                AlarmState::InsufficientData => AlarmStatus::InsufficientData,
            },
            since: None,
        })
        .collect();
    let Some(fleet) = fleet.filter(|f| !f.instance_ids.is_empty()) else {
        return Ok(FleetSnapshot {
            taken_at: Timestamp::from_millis(now),
            instances: Vec::new(),
            alarms,
        });
    };
    let (states, targets) = crate::engine::health::states_and_targets(
        cloud,
        environment.name.as_str(),
        fleet.target_group.as_deref(),
    )
    .await?;
    let instances = fleet
        .instance_ids
        .iter()
        .map(|id| InstanceHealth {
            id: id.clone(),
            state: ec2_state(states.get(id).copied()),
            status_checks_ok: None,
            target: fleet
                .target_group
                .as_ref()
                .map(|_| target_view(targets.get(id))),
        })
        .collect();
    Ok(FleetSnapshot {
        taken_at: Timestamp::from_millis(now),
        instances,
        alarms,
    })
}

fn ec2_state(state: Option<InstanceState>) -> Ec2State {
    match state {
        Some(InstanceState::Pending) => Ec2State::Pending,
        Some(InstanceState::Running) => Ec2State::Running,
        Some(InstanceState::Stopped) => Ec2State::Stopped,
        // An instance the cloud no longer lists is gone.
        Some(InstanceState::ShuttingDown | InstanceState::Terminated) | None => {
            Ec2State::Terminated
        }
    }
}

fn target_view(state: Option<&TargetState>) -> TargetHealthView {
    let state = match state {
        Some(TargetState::Initial) => TargetHealthState::Initial,
        Some(TargetState::Healthy) => TargetHealthState::Healthy,
        Some(TargetState::Unhealthy) => TargetHealthState::Unhealthy,
        Some(TargetState::Draining) => TargetHealthState::Draining,
        Some(TargetState::Unused) => TargetHealthState::Unused,
        // Not registered in the group at all.
        None => TargetHealthState::Unused,
    };
    TargetHealthView {
        state,
        reason: None,
        description: None,
    }
}
