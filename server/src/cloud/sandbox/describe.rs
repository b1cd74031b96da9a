//! How the sandbox describes what it simulates the way AWS would: an instance's details
//! (type, zone, launch time, private address), a target's reason code and description, and
//! an instance's status checks.

use super::world::SimInstance;
use super::SandboxCloud;
use crate::cloud::{Instance, InstanceState, StatusChecks, TargetState};
use tokio::time::Instant;

/// Milliseconds since the epoch by the wall clock (launch times and alarm changes are shown
/// to people; the simulation itself runs on tokio's clock).
pub(super) fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The reason code and description ELB gives for a target in `state`.
pub(super) fn target_reason(state: TargetState) -> (Option<&'static str>, Option<&'static str>) {
    match state {
        TargetState::Healthy => (None, None),
        TargetState::Initial => (
            Some("Elb.RegistrationInProgress"),
            Some("Target registration is in progress"),
        ),
        TargetState::Unhealthy => (Some("Target.Timeout"), Some("Request timed out")),
        TargetState::Draining => (
            Some("Target.DeregistrationInProgress"),
            Some("Target deregistration is in progress"),
        ),
        TargetState::Unused => (
            Some("Target.InvalidState"),
            Some("Target is in the stopped state"),
        ),
    }
}

impl SandboxCloud {
    /// `instance` as DescribeInstances would show it at `now`.
    pub(super) fn describe(&self, id: &str, instance: &SimInstance, now: Instant) -> Instance {
        // Spread over three zones and a /16 by the id's number, as a subnet per zone would.
        let number = u64::from_str_radix(id.trim_start_matches("i-"), 16).unwrap_or(0);
        Instance {
            id: id.to_owned(),
            image_id: instance.image_id.clone(),
            state: self.instance_state(instance, now),
            tags: instance.tags.clone(),
            instance_type: instance.instance_type.clone(),
            zone: Some(format!(
                "sandbox-1{}",
                ["a", "b", "c"][(number % 3) as usize]
            )),
            launched_at_ms: Some(instance.launched_at_ms),
            private_ip: Some(format!(
                "10.0.{}.{}",
                (number / 250) % 250,
                number % 250 + 4
            )),
        }
    }

    /// A running instance's status checks: pending while it boots its first health-check
    /// interval, failed when it was made unhealthy, passed otherwise.
    pub(super) fn status_of(&self, instance: &SimInstance, now: Instant) -> StatusChecks {
        let timings = self.timings();
        let running = self.instance_state(instance, now) == InstanceState::Running;
        if !running || now < instance.launched + timings.boot + timings.health_check {
            StatusChecks::Pending
        } else if instance.healthy_ever {
            StatusChecks::Passed
        } else {
            StatusChecks::Failed
        }
    }
}
