//! What the live stream (`GET /api/v1/events`, server-sent events) tells open pages: an
//! environment's health after each look at the cloud, a deployment that moved, a sign-off
//! recorded. Pages update from it instead of polling; one JSON object per event, tagged by
//! `kind`.

use super::views::LiveHealth;
use serde::{Deserialize, Serialize};

/// One event of the live stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// The poller looked at an environment's fleets (sent after every look, so a page also
    /// learns that the data is fresh, or that the cloud stopped answering).
    Fleet {
        /// The environment.
        environment: String,
        /// Its health now.
        live: LiveHealth,
        /// Changes whenever anything in the snapshot but its time changes: a page refetches
        /// its instance table only then.
        digest: String,
    },
    /// A deployment took a step (or changed phase or outcome).
    Deployment {
        /// The deployment.
        id: i64,
        /// Its environment.
        environment: String,
    },
    /// A sign-off was recorded.
    Signoff {
        /// The environment it was given in.
        environment: String,
        /// The build.
        build: String,
    },
    /// New charts of an environment were read (about once a minute).
    Charts {
        /// The environment.
        environment: String,
    },
    /// The stream missed events (a slow reader): reload everything shown.
    Resync,
}

impl LiveEvent {
    /// The environment it concerns (none: every environment).
    pub fn environment(&self) -> Option<&str> {
        match self {
            Self::Fleet { environment, .. }
            | Self::Deployment { environment, .. }
            | Self::Signoff { environment, .. }
            | Self::Charts { environment } => Some(environment),
            Self::Resync => None,
        }
    }

    /// Whether a page showing `environment` (none: every environment) should hear it.
    pub fn concerns(&self, environment: Option<&str>) -> bool {
        match (environment, self.environment()) {
            (Some(wanted), Some(about)) => wanted == about,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_kind_in_snake_case() {
        let event = LiveEvent::Deployment {
            id: 7,
            environment: "prod".into(),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(json, r#"{"kind":"deployment","id":7,"environment":"prod"}"#);
        assert_eq!(serde_json::from_str::<LiveEvent>(&json).unwrap(), event);
        assert_eq!(
            serde_json::to_string(&LiveEvent::Resync).unwrap(),
            r#"{"kind":"resync"}"#
        );
    }

    #[test]
    fn a_page_of_one_environment_hears_its_own_events_and_resyncs_only() {
        let prod = LiveEvent::Signoff {
            environment: "prod".into(),
            build: "1.0.0".into(),
        };
        assert!(prod.concerns(Some("prod")));
        assert!(!prod.concerns(Some("test")));
        assert!(prod.concerns(None));
        assert!(LiveEvent::Resync.concerns(Some("test")));
    }
}
