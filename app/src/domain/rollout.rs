//! The blue/green rollout of one deployment as a pure state machine: where a deployment is,
//! and which events may move it on. The engine persists the phase after every step and feeds
//! it the events it observes in the cloud; nothing here does I/O or reads a clock.

use super::Outcome;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a deployment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Accepted; nothing done in the cloud yet.
    Pending,
    /// Creating an image from a healthy instance of the source environment.
    Baking,
    /// Launching the new fleet beside the old one.
    Launching,
    /// New fleet launched; waiting until every instance is healthy, up to the deadline.
    AwaitingHealth,
    /// New fleet healthy, traffic still on the old one: held for a person to test the new
    /// fleet and switch (`cutover = "manual"`), until the hold deadline.
    ReadyToSwitch,
    /// Switching traffic from the old fleet to the new one.
    CuttingOver,
    /// Traffic on the new fleet; target health and alarms watched for the verify window.
    Verifying,
    /// Verified; the old fleet is kept warm so that rollback is a traffic switch.
    Warm,
    /// The warm window is over; terminating the old fleet.
    Retiring,
    /// Old fleet back in service (seen healthy first), then the new fleet taken out.
    RollingBack,
    /// Terminal: the new release runs and the old fleet is gone.
    Succeeded,
    /// Terminal: traffic is on the old fleet and the new fleet is gone.
    RolledBack,
    /// Terminal: stopped with an error; an operator should look.
    Failed,
}

/// Something the engine did or observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Start, baking an image first when the environment asks for it.
    Begin {
        /// Bake an image from the source environment before launching.
        bake: bool,
    },
    /// The baked image is available.
    ImageReady,
    /// Every new instance was launched (and tagged).
    FleetLaunched,
    /// Every new instance is running and healthy.
    FleetHealthy,
    /// Every new instance is healthy and the environment switches by hand: hold.
    HeldForSwitch,
    /// A person asked to switch traffic to the held new fleet.
    SwitchRequested,
    /// Nobody switched a held new fleet before the hold deadline.
    HoldDeadlinePassed,
    /// A person cancelled the deployment before traffic moved.
    CancelRequested,
    /// The health deadline passed before the new fleet was healthy.
    HealthDeadlinePassed,
    /// Traffic now goes to the new fleet.
    TrafficSwitched,
    /// The verify window passed with healthy targets and quiet alarms.
    VerifyPassed,
    /// An alarm fired or target health dropped during the verify window (or while warm, when
    /// the warm window is watched).
    VerifyFailed,
    /// A person asked to roll back.
    RollbackRequested,
    /// The warm window ended.
    WarmWindowEnded,
    /// The old fleet is terminated.
    OldFleetRetired,
    /// Rollback finished: old fleet serving, new fleet terminated.
    RollbackDone,
    /// A scale change reached its desired count (added instances healthy, removed ones gone).
    Resized,
    /// A hook failed, timed out or could not be run: before the switch the new fleet is
    /// taken out, after it the deployment rolls back.
    HookFailed,
    /// A step failed for good (retries exhausted, or an error retrying cannot fix).
    StepFailed,
}

/// An event that does not apply in a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{event:?} cannot happen while the deployment is {from}")]
pub struct IllegalTransition {
    /// The phase the deployment was in.
    pub from: Phase,
    /// The event refused.
    pub event: Event,
}

impl Phase {
    /// Every phase.
    pub const ALL: [Phase; 13] = [
        Phase::Pending,
        Phase::Baking,
        Phase::Launching,
        Phase::AwaitingHealth,
        Phase::ReadyToSwitch,
        Phase::CuttingOver,
        Phase::Verifying,
        Phase::Warm,
        Phase::Retiring,
        Phase::RollingBack,
        Phase::Succeeded,
        Phase::RolledBack,
        Phase::Failed,
    ];

    /// Whether nothing more can happen.
    pub fn is_terminal(self) -> bool {
        matches!(self, Phase::Succeeded | Phase::RolledBack | Phase::Failed)
    }

    /// Whether traffic may be on the new fleet, so that a failure must roll back rather
    /// than simply stop.
    pub fn traffic_may_be_on_new_fleet(self) -> bool {
        matches!(self, Phase::CuttingOver | Phase::Verifying | Phase::Warm)
    }

    /// How the release history shows a deployment in this phase. A warm deployment has
    /// succeeded as far as users are concerned; only its clean-up is pending.
    pub fn outcome(self) -> Outcome {
        match self {
            Phase::Warm | Phase::Retiring | Phase::Succeeded => Outcome::Succeeded,
            Phase::RolledBack => Outcome::RolledBack,
            Phase::Failed => Outcome::Failed,
            _ => Outcome::InProgress,
        }
    }

    /// The phase's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pending => "pending",
            Phase::Baking => "baking",
            Phase::Launching => "launching",
            Phase::AwaitingHealth => "awaiting_health",
            Phase::ReadyToSwitch => "ready_to_switch",
            Phase::CuttingOver => "cutting_over",
            Phase::Verifying => "verifying",
            Phase::Warm => "warm",
            Phase::Retiring => "retiring",
            Phase::RollingBack => "rolling_back",
            Phase::Succeeded => "succeeded",
            Phase::RolledBack => "rolled_back",
            Phase::Failed => "failed",
        }
    }
}

impl Phase {
    /// Parses the stored name.
    pub fn parse(input: &str) -> Result<Self, String> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str() == input)
            .ok_or_else(|| format!("unknown phase {input:?}"))
    }

    /// What the step list calls this phase.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Pending => "Accepted",
            Phase::Baking => "Baking image",
            Phase::Launching => "Launching new fleet",
            Phase::AwaitingHealth => "Waiting for health",
            Phase::ReadyToSwitch => "Ready to switch",
            Phase::CuttingOver => "Cutting over",
            Phase::Verifying => "Verifying",
            Phase::Warm => "Old fleet warm",
            Phase::Retiring => "Retiring old fleet",
            Phase::RollingBack => "Rolling back",
            Phase::Succeeded => "Succeeded",
            Phase::RolledBack => "Rolled back",
            Phase::Failed => "Failed",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The transition function: the phase after `event`, or why it cannot happen.
pub fn apply(from: Phase, event: Event) -> Result<Phase, IllegalTransition> {
    use Event as E;
    use Phase as P;
    let next = match (from, event) {
        (P::Pending, E::Begin { bake: true }) => P::Baking,
        (P::Pending, E::Begin { bake: false }) => P::Launching,
        (P::Baking, E::ImageReady) => P::Launching,
        (P::Launching, E::FleetLaunched) => P::AwaitingHealth,
        (P::AwaitingHealth, E::FleetHealthy) => P::CuttingOver,
        (P::AwaitingHealth, E::HeldForSwitch) => P::ReadyToSwitch,
        (P::ReadyToSwitch, E::SwitchRequested) => P::CuttingOver,
        // Traffic never left the old fleet: the held new fleet is simply taken out.
        (P::ReadyToSwitch, E::HoldDeadlinePassed) => P::RollingBack,
        (
            P::Pending | P::Baking | P::Launching | P::AwaitingHealth | P::ReadyToSwitch,
            E::CancelRequested,
        ) => P::RollingBack,
        // Traffic may have moved already: the rollback restores the old fleet first.
        (P::CuttingOver, E::CancelRequested) => P::RollingBack,
        // A scale change has no cutover: the added instances join the serving fleet.
        (P::AwaitingHealth, E::Resized) => P::Succeeded,
        // Traffic never left the old fleet: rolling back only takes the new fleet out.
        (P::AwaitingHealth, E::HealthDeadlinePassed) => P::RollingBack,
        (P::CuttingOver, E::TrafficSwitched) => P::Verifying,
        (P::Verifying, E::VerifyPassed) => P::Warm,
        // Watched while warm too (`watch_while_warm`): the old fleet is still there to go back to.
        (P::Verifying | P::Warm, E::VerifyFailed) => P::RollingBack,
        (P::Verifying | P::Warm, E::RollbackRequested) => P::RollingBack,
        (P::Warm, E::WarmWindowEnded) => P::Retiring,
        (P::Retiring, E::OldFleetRetired) => P::Succeeded,
        // Before the switch the old fleet never stopped serving; during the switch or after
        // it, the rollback puts traffic back first.
        (P::AwaitingHealth | P::CuttingOver | P::Verifying, E::HookFailed) => P::RollingBack,
        (P::RollingBack, E::RollbackDone) => P::RolledBack,
        // Before traffic moves, a failure stops (the engine cleans up new instances); once
        // traffic may be on the new fleet, it goes back to the old one.
        (P::Pending | P::Baking | P::Launching, E::StepFailed) => P::Failed,
        (P::AwaitingHealth | P::ReadyToSwitch, E::StepFailed) => P::RollingBack,
        (P::CuttingOver | P::Verifying | P::Warm, E::StepFailed) => P::RollingBack,
        (P::Retiring | P::RollingBack, E::StepFailed) => P::Failed,
        _ => return Err(IllegalTransition { from, event }),
    };
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Event as E;
    use Phase as P;

    const EVENTS: [Event; 20] = [
        E::HookFailed,
        E::HeldForSwitch,
        E::SwitchRequested,
        E::HoldDeadlinePassed,
        E::CancelRequested,
        E::Begin { bake: true },
        E::Begin { bake: false },
        E::ImageReady,
        E::FleetLaunched,
        E::FleetHealthy,
        E::HealthDeadlinePassed,
        E::TrafficSwitched,
        E::VerifyPassed,
        E::VerifyFailed,
        E::RollbackRequested,
        E::WarmWindowEnded,
        E::OldFleetRetired,
        E::RollbackDone,
        E::Resized,
        E::StepFailed,
    ];

    const LEGAL: [(Phase, Event, Phase); 37] = [
        (P::AwaitingHealth, E::HookFailed, P::RollingBack),
        (P::CuttingOver, E::HookFailed, P::RollingBack),
        (P::Verifying, E::HookFailed, P::RollingBack),
        (P::CuttingOver, E::CancelRequested, P::RollingBack),
        (P::AwaitingHealth, E::HeldForSwitch, P::ReadyToSwitch),
        (P::ReadyToSwitch, E::SwitchRequested, P::CuttingOver),
        (P::ReadyToSwitch, E::HoldDeadlinePassed, P::RollingBack),
        (P::ReadyToSwitch, E::StepFailed, P::RollingBack),
        (P::Pending, E::CancelRequested, P::RollingBack),
        (P::Baking, E::CancelRequested, P::RollingBack),
        (P::Launching, E::CancelRequested, P::RollingBack),
        (P::AwaitingHealth, E::CancelRequested, P::RollingBack),
        (P::ReadyToSwitch, E::CancelRequested, P::RollingBack),
        (P::Pending, E::Begin { bake: true }, P::Baking),
        (P::Pending, E::Begin { bake: false }, P::Launching),
        (P::Pending, E::StepFailed, P::Failed),
        (P::Baking, E::ImageReady, P::Launching),
        (P::Baking, E::StepFailed, P::Failed),
        (P::Launching, E::FleetLaunched, P::AwaitingHealth),
        (P::Launching, E::StepFailed, P::Failed),
        (P::AwaitingHealth, E::FleetHealthy, P::CuttingOver),
        (P::AwaitingHealth, E::HealthDeadlinePassed, P::RollingBack),
        (P::AwaitingHealth, E::Resized, P::Succeeded),
        (P::AwaitingHealth, E::StepFailed, P::RollingBack),
        (P::CuttingOver, E::TrafficSwitched, P::Verifying),
        (P::CuttingOver, E::StepFailed, P::RollingBack),
        (P::Verifying, E::VerifyPassed, P::Warm),
        (P::Verifying, E::VerifyFailed, P::RollingBack),
        (P::Verifying, E::RollbackRequested, P::RollingBack),
        (P::Verifying, E::StepFailed, P::RollingBack),
        (P::Warm, E::VerifyFailed, P::RollingBack),
        (P::Warm, E::RollbackRequested, P::RollingBack),
        (P::Warm, E::WarmWindowEnded, P::Retiring),
        (P::Warm, E::StepFailed, P::RollingBack),
        (P::Retiring, E::OldFleetRetired, P::Succeeded),
        (P::Retiring, E::StepFailed, P::Failed),
        (P::RollingBack, E::RollbackDone, P::RolledBack),
    ];

    #[test]
    fn every_legal_transition_leads_where_it_should() {
        for (from, event, to) in LEGAL {
            assert_eq!(apply(from, event), Ok(to), "{from} + {event:?}");
        }
        assert_eq!(apply(P::RollingBack, E::StepFailed), Ok(P::Failed));
    }

    #[test]
    fn every_other_pair_is_refused_with_both_named() {
        let mut legal: Vec<(Phase, Event)> = LEGAL.iter().map(|(f, e, _)| (*f, *e)).collect();
        legal.push((P::RollingBack, E::StepFailed));
        let mut refused = 0;
        for from in Phase::ALL {
            for event in EVENTS {
                if legal.contains(&(from, event)) {
                    continue;
                }
                assert_eq!(
                    apply(from, event),
                    Err(IllegalTransition { from, event }),
                    "{from} + {event:?}"
                );
                refused += 1;
            }
        }
        assert_eq!(refused, Phase::ALL.len() * EVENTS.len() - legal.len());
    }

    #[test]
    fn terminal_phases_accept_nothing() {
        for from in Phase::ALL.into_iter().filter(|p| p.is_terminal()) {
            assert!(EVENTS.iter().all(|e| apply(from, *e).is_err()), "{from}");
        }
    }

    #[test]
    fn the_happy_path_with_a_bake_ends_succeeded() {
        let path = [
            E::Begin { bake: true },
            E::ImageReady,
            E::FleetLaunched,
            E::FleetHealthy,
            E::TrafficSwitched,
            E::VerifyPassed,
            E::WarmWindowEnded,
            E::OldFleetRetired,
        ];
        let end = path.into_iter().try_fold(P::Pending, apply);
        assert_eq!(end, Ok(P::Succeeded));
        assert_eq!(P::Warm.outcome(), Outcome::Succeeded);
        assert_eq!(P::Verifying.outcome(), Outcome::InProgress);
    }

    #[test]
    fn a_held_deployment_switches_only_when_asked_and_is_in_progress_while_held() {
        let held = [E::Begin { bake: false }, E::FleetLaunched, E::HeldForSwitch];
        let at = held.into_iter().try_fold(P::Pending, apply);
        assert_eq!(at, Ok(P::ReadyToSwitch));
        assert_eq!(P::ReadyToSwitch.outcome(), Outcome::InProgress);
        assert!(!P::ReadyToSwitch.traffic_may_be_on_new_fleet());
        assert_eq!(apply(P::ReadyToSwitch, E::TrafficSwitched).ok(), None);
        assert_eq!(
            apply(P::ReadyToSwitch, E::SwitchRequested),
            Ok(P::CuttingOver)
        );
    }

    #[test]
    fn phases_after_cutover_know_traffic_may_be_on_the_new_fleet() {
        let on_new: Vec<Phase> = Phase::ALL
            .into_iter()
            .filter(|p| p.traffic_may_be_on_new_fleet())
            .collect();
        assert_eq!(on_new, [P::CuttingOver, P::Verifying, P::Warm]);
    }

    #[test]
    fn phases_round_trip_through_their_stored_names() {
        for phase in Phase::ALL {
            assert_eq!(Phase::parse(phase.as_str()), Ok(phase));
        }
        assert!(Phase::parse("exploded").is_err());
    }
}
