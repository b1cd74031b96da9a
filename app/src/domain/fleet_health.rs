//! A fleet as the cloud last showed it — instances, their target-group health, the
//! environment's alarms — and the one-word health of an environment that the overview badge,
//! the API and the gates read. Pure: the snapshot comes in, the verdict goes out.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// An environment's health at a glance. Each has a label in words (never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A target's state in its target group, as ELB reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A target's health with AWS's reason, e.g. `Target.Timeout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetHealthView {
    /// The state.
    pub state: TargetHealthState,
    /// AWS's reason code, when not healthy.
    pub reason: Option<String>,
    /// AWS's description.
    pub description: Option<String>,
}

/// One serving instance as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceHealth {
    /// `i-…`.
    pub id: String,
    /// EC2 state.
    pub state: Ec2State,
    /// EC2 status checks passed (none before they ran).
    pub status_checks_ok: Option<bool>,
    /// Its target in the serving target group (none without one, e.g. behind an Elastic IP).
    pub target: Option<TargetHealthView>,
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
#[serde(rename_all = "snake_case")]
pub enum AlarmStatus {
    /// Quiet.
    Ok,
    /// Firing.
    Alarm,
    /// Not enough data to tell.
    InsufficientData,
}

/// A configured alarm as last seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlarmView {
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: AlarmStatus,
    /// Since when it is in that state.
    pub since: Option<Timestamp>,
}

/// What the cloud showed of an environment's serving fleet at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetSnapshot {
    /// When the cloud was asked.
    pub taken_at: Timestamp,
    /// The serving fleet's instances.
    pub instances: Vec<InstanceHealth>,
    /// The environment's configured alarms.
    pub alarms: Vec<AlarmView>,
}

impl FleetSnapshot {
    /// Healthy instances and all instances.
    pub fn healthy_of_total(&self) -> (usize, usize) {
        let healthy = self.instances.iter().filter(|i| i.is_healthy()).count();
        (healthy, self.instances.len())
    }

    /// The environment's health at `now`: unknown when there is no snapshot or it is older
    /// than `stale_after_ms`; down when nothing healthy serves; degraded when some instance
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
        let (healthy, total) = snapshot.healthy_of_total();
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
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_000_000);
    const STALE_AFTER: i64 = 60_000;

    fn in_group(id: &str, state: TargetHealthState) -> InstanceHealth {
        InstanceHealth {
            id: id.into(),
            state: Ec2State::Running,
            status_checks_ok: Some(true),
            target: Some(TargetHealthView {
                state,
                reason: None,
                description: None,
            }),
        }
    }

    fn snapshot(instances: Vec<InstanceHealth>, alarm: AlarmStatus) -> FleetSnapshot {
        FleetSnapshot {
            taken_at: Timestamp::from_millis(NOW.millis() - 1_000),
            instances,
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
}
