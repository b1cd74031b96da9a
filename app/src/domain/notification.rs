//! What Greenlight tells people about: the events a notification rule may choose.

/// An event worth telling someone about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A deployment was accepted and starts.
    DeploymentStarted,
    /// A deployment finished and serves.
    DeploymentSucceeded,
    /// A deployment failed (the old fleet kept serving).
    DeploymentFailed,
    /// A deployment was rolled back, automatically or by hand.
    DeploymentRolledBack,
    /// An environment was frozen.
    FreezeSet,
    /// A freeze was lifted.
    FreezeLifted,
    /// An admin deployed through a freeze.
    FreezeOverridden,
    /// Someone took an environment's lock.
    LockTaken,
    /// An admin broke someone's lock.
    LockBroken,
    /// A build reached an environment whose next one needs QA's sign-off on it (QA's cue).
    SignOffRequested,
    /// QA approved a build in an environment.
    SignOffApproved,
    /// QA rejected a build in an environment.
    SignOffRejected,
    /// A release's warm window (instant rollback) closes soon.
    WarmWindowClosing,
    /// A release's warm window closed: the old fleet is being terminated.
    WarmWindowClosed,
    /// An alarm an environment watches started firing.
    AlarmFiring,
}

impl EventKind {
    /// Every event, in the order documented.
    pub const ALL: [EventKind; 15] = [
        EventKind::DeploymentStarted,
        EventKind::DeploymentSucceeded,
        EventKind::DeploymentFailed,
        EventKind::DeploymentRolledBack,
        EventKind::FreezeSet,
        EventKind::FreezeLifted,
        EventKind::FreezeOverridden,
        EventKind::LockTaken,
        EventKind::LockBroken,
        EventKind::SignOffRequested,
        EventKind::SignOffApproved,
        EventKind::SignOffRejected,
        EventKind::WarmWindowClosing,
        EventKind::WarmWindowClosed,
        EventKind::AlarmFiring,
    ];

    /// The name rules and payloads use.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DeploymentStarted => "deployment.started",
            EventKind::DeploymentSucceeded => "deployment.succeeded",
            EventKind::DeploymentFailed => "deployment.failed",
            EventKind::DeploymentRolledBack => "deployment.rolled_back",
            EventKind::FreezeSet => "freeze.set",
            EventKind::FreezeLifted => "freeze.lifted",
            EventKind::FreezeOverridden => "freeze.overridden",
            EventKind::LockTaken => "lock.taken",
            EventKind::LockBroken => "lock.broken",
            EventKind::SignOffRequested => "signoff.requested",
            EventKind::SignOffApproved => "signoff.approved",
            EventKind::SignOffRejected => "signoff.rejected",
            EventKind::WarmWindowClosing => "warm_window.closing",
            EventKind::WarmWindowClosed => "warm_window.closed",
            EventKind::AlarmFiring => "alarm.firing",
        }
    }

    /// Parses an event name.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|e| e.as_str()).collect();
                format!("{text:?} is not an event; events are {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_name_and_an_unknown_one_lists_them() {
        for event in EventKind::ALL {
            assert_eq!(EventKind::parse(event.as_str()), Ok(event));
        }
        let error = EventKind::parse("deployment.exploded").unwrap_err();
        assert!(error.contains("deployment.failed"), "{error}");
    }
}
