//! An environment's fleets as the cloud last showed them — the serving fleet and, during and
//! after a deployment, the incoming and the previous one; each instance with its details,
//! EC2 state and target-group health; the environment's alarms — and the one-word health
//! that the overview badge, the API and the gates read. Pure: the snapshot comes in, the
//! verdict goes out. A page of a big fleet's instance table is cut in [`super::fleet_table`].

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// An environment's health at a glance. Each has a label in words (never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentHealth {
    /// Every serving instance healthy, no alarm firing.
    Healthy,
    /// Serving, but some instance is not healthy or an alarm fires.
    Degraded,
    /// Nothing healthy serves.
    Down,
    /// No recent look at the cloud (never looked, or the last look is stale).
    Unknown,
}

impl EnvironmentHealth {
    /// Stored and exchanged spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Degraded => "degraded",
            Self::Down => "down",
            Self::Unknown => "unknown",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::Degraded => "Degraded",
            Self::Down => "Down",
            Self::Unknown => "Unknown",
        }
    }
}

/// An instance's EC2 state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ec2State {
    /// Booting.
    Pending,
    /// Running.
    Running,
    /// Stopping or stopped.
    Stopped,
    /// Shutting down or terminated.
    Terminated,
}

impl Ec2State {
    /// The exchanged spelling, also said to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Stopped => "stopped",
            Self::Terminated => "terminated",
        }
    }
}

/// A target's state in its target group, as ELB reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetHealthState {
    /// Registered, first checks pending.
    Initial,
    /// Passing health checks.
    Healthy,
    /// Failing health checks.
    Unhealthy,
    /// Being deregistered.
    Draining,
    /// Not in use (stopped instance, or no listener uses the group).
    Unused,
    /// Health unavailable.
    Unavailable,
}

impl TargetHealthState {
    /// The exchanged spelling, also said to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
            Self::Draining => "draining",
            Self::Unused => "unused",
            Self::Unavailable => "unavailable",
        }
    }
}

/// A target's health with AWS's reason, e.g. `Target.Timeout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetHealthView {
    /// The state.
    pub state: TargetHealthState,
    /// AWS's reason code, when not healthy.
    pub reason: Option<String>,
    /// AWS's description.
    pub description: Option<String>,
}

/// One instance as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InstanceHealth {
    /// `i-…`.
    pub id: String,
    /// EC2 state.
    pub state: Ec2State,
    /// EC2 status checks passed (none before they ran).
    pub status_checks_ok: Option<bool>,
    /// Its target in its fleet's target group (none without one, e.g. behind an Elastic IP).
    pub target: Option<TargetHealthView>,
    /// Its availability zone.
    pub zone: Option<String>,
    /// e.g. `t3.small`.
    pub instance_type: Option<String>,
    /// The image it runs.
    pub image_id: Option<String>,
    /// The build it runs (from its tag).
    pub build_version: Option<String>,
    /// When it was launched.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub launched_at: Option<Timestamp>,
    /// Its private address (to reach it from inside the network).
    pub private_ip: Option<String>,
}

impl InstanceHealth {
    /// Serves and passes its checks: healthy in its target group, or (without a target
    /// group) running with no failed EC2 status check (checks not reported count as passed).
    pub fn is_healthy(&self) -> bool {
        match &self.target {
            Some(target) => target.state == TargetHealthState::Healthy,
            None => self.state == Ec2State::Running && self.status_checks_ok != Some(false),
        }
    }
}

/// An alarm's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlarmStatus {
    /// Quiet.
    Ok,
    /// Firing.
    Alarm,
    /// Not enough data to tell.
    InsufficientData,
}

impl AlarmStatus {
    /// The exchanged spelling, also said to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Alarm => "alarm",
            Self::InsufficientData => "insufficient_data",
        }
    }
}

/// A configured alarm as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlarmView {
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: AlarmStatus,
    /// Since when it is in that state.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = DateTime))]
    pub since: Option<Timestamp>,
}

/// What a fleet is to its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FleetRole {
    /// Takes the traffic.
    Serving,
    /// Launched by the deployment in flight, not switched to yet.
    Incoming,
    /// Served before the last switch: kept warm for instant rollback, or on its way out.
    Previous,
}

impl FleetRole {
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Serving => "Serving",
            Self::Incoming => "Incoming",
            Self::Previous => "Previous",
        }
    }
}

/// One fleet of an environment: the instances one deployment launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetGroup {
    /// What it is to the environment.
    pub role: FleetRole,
    /// `blue` or `green`: which of an `alb-listener` environment's two target groups it is
    /// registered in (none for other strategies).
    pub colour: Option<String>,
    /// The deployment that launched it, from its tag.
    pub deployment_id: Option<i64>,
    /// The build it runs, from its tag.
    pub build_version: Option<String>,
    /// Its instances, by id.
    pub instances: Vec<InstanceHealth>,
}

impl FleetGroup {
    /// Healthy instances and all instances.
    pub fn healthy_of_total(&self) -> (usize, usize) {
        let healthy = self.instances.iter().filter(|i| i.is_healthy()).count();
        (healthy, self.instances.len())
    }
}

/// What the cloud showed of an environment's fleets at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetSnapshot {
    /// When the cloud was asked.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub taken_at: Timestamp,
    /// Its fleets: the serving one first, then incoming, then previous ones.
    pub fleets: Vec<FleetGroup>,
    /// The environment's configured alarms.
    pub alarms: Vec<AlarmView>,
}

impl FleetSnapshot {
    /// The fleet taking the traffic, if any.
    pub fn serving(&self) -> Option<&FleetGroup> {
        self.fleets.iter().find(|f| f.role == FleetRole::Serving)
    }

    /// The alarms firing here that were not firing in `before` (every firing one when there
    /// is no earlier snapshot).
    pub fn newly_firing(&self, before: Option<&FleetSnapshot>) -> Vec<&AlarmView> {
        let was_firing = |name: &str| {
            before.is_some_and(|b| {
                b.alarms
                    .iter()
                    .any(|a| a.name == name && a.state == AlarmStatus::Alarm)
            })
        };
        self.alarms
            .iter()
            .filter(|a| a.state == AlarmStatus::Alarm && !was_firing(&a.name))
            .collect()
    }

    /// Healthy and all instances of the serving fleet.
    pub fn healthy_of_total(&self) -> (usize, usize) {
        self.serving().map_or((0, 0), FleetGroup::healthy_of_total)
    }

    /// The environment's health at `now`: unknown when there is no snapshot, it is older
    /// than `stale_after_ms` or no fleet serves on record; down when nothing healthy serves; degraded when some instance
    /// is not healthy or an alarm fires; healthy otherwise.
    pub fn summarise(
        snapshot: Option<&FleetSnapshot>,
        now: Timestamp,
        stale_after_ms: i64,
    ) -> EnvironmentHealth {
        let Some(snapshot) = snapshot else {
            return EnvironmentHealth::Unknown;
        };
        if now.millis() - snapshot.taken_at.millis() > stale_after_ms {
            return EnvironmentHealth::Unknown;
        }
        // No fleet on record as serving (nothing deployed by this engine yet): not "down".
        let Some(serving) = snapshot.serving() else {
            return EnvironmentHealth::Unknown;
        };
        let (healthy, total) = serving.healthy_of_total();
        let firing = snapshot
            .alarms
            .iter()
            .any(|a| a.state == AlarmStatus::Alarm);
        if healthy == 0 {
            EnvironmentHealth::Down
        } else if healthy < total || firing {
            EnvironmentHealth::Degraded
        } else {
            EnvironmentHealth::Healthy
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_000_000);
    const STALE_AFTER: i64 = 60_000;

    pub(crate) fn in_group(id: &str, state: TargetHealthState) -> InstanceHealth {
        InstanceHealth {
            id: id.into(),
            state: Ec2State::Running,
            status_checks_ok: Some(true),
            target: Some(TargetHealthView {
                state,
                reason: None,
                description: None,
            }),
            zone: None,
            instance_type: None,
            image_id: None,
            build_version: None,
            launched_at: None,
            private_ip: None,
        }
    }

    pub(crate) fn fleet(role: FleetRole, instances: Vec<InstanceHealth>) -> FleetGroup {
        FleetGroup {
            role,
            colour: Some("blue".into()),
            deployment_id: Some(1),
            build_version: Some("1.0.0".into()),
            instances,
        }
    }

    fn snapshot(instances: Vec<InstanceHealth>, alarm: AlarmStatus) -> FleetSnapshot {
        FleetSnapshot {
            taken_at: Timestamp::from_millis(NOW.millis() - 1_000),
            fleets: vec![fleet(FleetRole::Serving, instances)],
            alarms: vec![AlarmView {
                name: "prod-5xx".into(),
                state: alarm,
                since: None,
            }],
        }
    }

    fn health(snapshot: &FleetSnapshot) -> EnvironmentHealth {
        FleetSnapshot::summarise(Some(snapshot), NOW, STALE_AFTER)
    }

    use AlarmStatus::{Alarm, InsufficientData, Ok as Quiet};
    use TargetHealthState::{Draining, Healthy, Initial, Unhealthy};

    #[test]
    fn every_target_healthy_and_alarms_quiet_is_healthy() {
        let fleet = snapshot(vec![in_group("a", Healthy), in_group("b", Healthy)], Quiet);
        assert_eq!(health(&fleet), EnvironmentHealth::Healthy);
        assert_eq!(fleet.healthy_of_total(), (2, 2));
        let no_data = snapshot(vec![in_group("a", Healthy)], InsufficientData);
        assert_eq!(health(&no_data), EnvironmentHealth::Healthy);
    }

    #[test]
    fn some_unhealthy_or_still_initial_is_degraded() {
        let some = snapshot(
            vec![in_group("a", Healthy), in_group("b", Unhealthy)],
            Quiet,
        );
        assert_eq!(health(&some), EnvironmentHealth::Degraded);
        let booting = snapshot(vec![in_group("a", Healthy), in_group("b", Initial)], Quiet);
        assert_eq!(health(&booting), EnvironmentHealth::Degraded);
    }

    #[test]
    fn an_alarm_is_newly_firing_only_when_it_was_not_firing_before() {
        let quiet = snapshot(vec![in_group("a", Healthy)], Quiet);
        let firing = snapshot(vec![in_group("a", Healthy)], Alarm);
        let names = |s: &FleetSnapshot, before: Option<&FleetSnapshot>| -> Vec<String> {
            s.newly_firing(before)
                .iter()
                .map(|a| a.name.clone())
                .collect()
        };
        assert_eq!(names(&firing, Some(&quiet)), ["prod-5xx"]);
        assert_eq!(names(&firing, None), ["prod-5xx"], "no earlier look");
        assert!(names(&firing, Some(&firing)).is_empty(), "still firing");
        assert!(names(&quiet, Some(&firing)).is_empty(), "quiet again");
    }

    #[test]
    fn an_alarm_firing_with_healthy_targets_is_degraded() {
        let fleet = snapshot(vec![in_group("a", Healthy)], Alarm);
        assert_eq!(health(&fleet), EnvironmentHealth::Degraded);
    }

    #[test]
    fn none_running_or_all_draining_is_down() {
        assert_eq!(
            health(&snapshot(Vec::new(), Quiet)),
            EnvironmentHealth::Down
        );
        let draining = snapshot(
            vec![in_group("a", Draining), in_group("b", Draining)],
            Quiet,
        );
        assert_eq!(health(&draining), EnvironmentHealth::Down);
        let mut stopped = in_group("a", Healthy);
        stopped.state = Ec2State::Stopped;
        stopped.target = None;
        assert_eq!(
            health(&snapshot(vec![stopped], Quiet)),
            EnvironmentHealth::Down
        );
    }

    #[test]
    fn without_a_target_group_ec2_status_checks_decide() {
        let mut passing = in_group("a", Healthy);
        passing.target = None;
        let mut failing = passing.clone();
        failing.status_checks_ok = Some(false);
        assert_eq!(
            health(&snapshot(vec![passing.clone()], Quiet)),
            EnvironmentHealth::Healthy
        );
        assert_eq!(
            health(&snapshot(vec![passing, failing], Quiet)),
            EnvironmentHealth::Degraded
        );
    }

    #[test]
    fn no_snapshot_or_a_stale_one_is_unknown() {
        assert_eq!(
            FleetSnapshot::summarise(None, NOW, STALE_AFTER),
            EnvironmentHealth::Unknown
        );
        let mut old = snapshot(vec![in_group("a", Healthy)], Quiet);
        old.taken_at = Timestamp::from_millis(NOW.millis() - STALE_AFTER - 1);
        assert_eq!(health(&old), EnvironmentHealth::Unknown);
    }

    #[test]
    fn only_the_serving_fleet_decides_the_health_and_without_one_it_is_unknown() {
        let mut both = snapshot(vec![in_group("a", Healthy)], Quiet);
        both.fleets
            .push(fleet(FleetRole::Incoming, vec![in_group("b", Initial)]));
        assert_eq!(health(&both), EnvironmentHealth::Healthy);
        assert_eq!(both.healthy_of_total(), (1, 1));
        let mut no_serving = both.clone();
        no_serving.fleets.remove(0);
        assert_eq!(health(&no_serving), EnvironmentHealth::Unknown);
    }
}
