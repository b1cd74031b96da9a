//! What a step sees ([`Context`]) and what it says happened ([`StepOutcome`]): an event for
//! the state machine with a timeline line and the serving fleet after it, a wait, or a failure.

pub use crate::db::rollouts::FleetChange;
use app::domain::rollout::Event;

/// What a step sees besides the plan.
#[derive(Debug, Clone)]
pub struct Context {
    /// The deployment.
    pub deployment_id: i64,
    /// Now, epoch ms.
    pub now: i64,
    /// How soon to look again while waiting.
    pub poll_ms: i64,
    /// Who asked to roll back, if someone did.
    pub rollback_requested_by: Option<String>,
    /// Who asked to switch traffic to the held new fleet, if someone did.
    pub switch_requested_by: Option<String>,
    /// Who cancelled and why, if someone did.
    pub cancel: Option<crate::db::requests::Cancel>,
    /// When the warm window ends.
    pub warm_until: Option<i64>,
}

/// The result of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// Something happened: apply `event`, record `message`.
    Happened {
        /// The event for the state machine.
        event: Event,
        /// For the timeline.
        message: String,
        /// The serving fleet afterwards.
        fleet: FleetChange,
    },
    /// Nothing to do yet: look again at `at`.
    Wait {
        /// Epoch ms.
        at: i64,
    },
    /// The step cannot succeed; the reason is recorded.
    Failed(String),
}

/// `event` happened, the serving fleet unchanged.
pub fn happened(event: Event, message: impl Into<String>) -> StepOutcome {
    StepOutcome::Happened {
        event,
        message: message.into(),
        fleet: FleetChange::Keep,
    }
}

/// Milliseconds as people read them (`4m 58s`).
pub fn seconds(ms: i64) -> String {
    // A moment already past reads as "0s".
    app::domain::duration::describe_seconds((ms / 1000).max(0).unsigned_abs())
}
