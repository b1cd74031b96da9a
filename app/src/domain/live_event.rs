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

    /// Reads one event's JSON as the browser does: through the flat shape every event has on
    /// the wire rather than serde's internally tagged enum, which buffers each event and
    /// decodes it again per variant (several kilobytes of the browser build for five
    /// variants). `None` for what is not an event.
    pub fn from_json(bytes: &[u8]) -> Option<Self> {
        let flat: FlatEvent = serde_json::from_slice(bytes).ok()?;
        Some(match flat.kind.as_str() {
            "fleet" => Self::Fleet {
                environment: flat.environment?,
                live: flat.live?,
                digest: flat.digest?,
            },
            "deployment" => Self::Deployment {
                id: flat.id?,
                environment: flat.environment?,
            },
            "signoff" => Self::Signoff {
                environment: flat.environment?,
                build: flat.build?,
            },
            "charts" => Self::Charts {
                environment: flat.environment?,
            },
            "resync" => Self::Resync,
            _ => return None,
        })
    }

    /// Whether a page showing `environment` (none: every environment) should hear it.
    pub fn concerns(&self, environment: Option<&str>) -> bool {
        match (environment, self.environment()) {
            (Some(wanted), Some(about)) => wanted == about,
            _ => true,
        }
    }
}

/// Every field any event has, by name; [`LiveEvent::from_json`] picks the variant's own.
#[derive(Deserialize)]
struct FlatEvent {
    kind: String,
    environment: Option<String>,
    live: Option<LiveHealth>,
    digest: Option<String>,
    id: Option<i64>,
    build: Option<String>,
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
    fn the_browser_reads_every_kind_of_event_as_serde_writes_it_and_nothing_else() {
        let events = [
            LiveEvent::Fleet {
                environment: "test".into(),
                live: LiveHealth::unknown(),
                digest: "ab12".into(),
            },
            LiveEvent::Deployment {
                id: 7,
                environment: "prod".into(),
            },
            LiveEvent::Signoff {
                environment: "staging".into(),
                build: "1.2.3".into(),
            },
            LiveEvent::Charts {
                environment: "test".into(),
            },
            LiveEvent::Resync,
        ];
        for event in events {
            let json = serde_json::to_vec(&event).unwrap();
            assert_eq!(LiveEvent::from_json(&json), Some(event));
        }
        for not_an_event in [
            &br#"{"kind":"deployment","environment":"prod"}"#[..],
            br#"{"kind":"party","environment":"prod"}"#,
            br#"{"environment":"prod"}"#,
            b"not json",
        ] {
            assert_eq!(LiveEvent::from_json(not_an_event), None);
        }
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
