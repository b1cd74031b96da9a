//! The core state: what the use-cases and the engine need (database, settings, cloud, clock,
//! the shared fleet snapshots and the live stream's hub) and nothing of the web. The web layer ([`crate::state::AppState`]) holds a core beside what
//! only it needs; tools and tests build a core alone.

use crate::clock::Clock;
use crate::cloud::Cloud;
use crate::config::{EnvironmentSettings, Settings};
use app::domain::EnvironmentName;
use sqlx::AnyPool;
use std::sync::Arc;

/// Database, settings, cloud and clock, cheap to clone.
#[derive(Clone)]
pub struct Core {
    /// The database.
    pub db: AnyPool,
    /// The configuration, parsed.
    pub settings: Arc<Settings>,
    /// Where fleets run (behind retries).
    pub cloud: Arc<dyn Cloud>,
    /// "Now", for every use-case and the engine alike.
    pub clock: Arc<dyn Clock>,
    /// The latest look at every environment's fleet (filled by the poller).
    pub fleet: Arc<crate::fleet_health::FleetCache>,
    /// The live stream every open page reads.
    pub live: Arc<crate::live::LiveHub>,
    /// The secret hashing key and recent secret reads.
    pub secrets: Arc<crate::service::secrets::SecretCache>,
    /// The notification channels, their URLs and keys read.
    pub channels: Arc<crate::notify::channels::Channels>,
    /// The OpenID provider for single sign-on, when `[auth.oidc]` is configured.
    pub oidc: Option<Arc<crate::auth::oidc::OidcProvider>>,
    /// The deployment hooks, their URLs and keys read.
    pub hooks: Arc<crate::hooks::Hooks>,
}

impl Core {
    /// A core over these parts.
    pub fn new(
        db: AnyPool,
        settings: Settings,
        cloud: Arc<dyn Cloud>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            cloud,
            clock,
            fleet: Arc::default(),
            live: Arc::default(),
            secrets: Arc::default(),
            channels: Arc::default(),
            oidc: None,
            hooks: Arc::new(crate::hooks::Hooks::none()),
        }
    }

    /// After how long a fleet snapshot no longer counts: three refreshes missed.
    pub fn stale_after_ms(&self) -> i64 {
        3 * self.settings.fleet_refresh.as_millis_i64()
    }

    /// Now, in epoch milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The environment named `name` and its place in the pipeline.
    pub fn environment(&self, name: &EnvironmentName) -> Option<(usize, &EnvironmentSettings)> {
        self.settings
            .environments
            .iter()
            .enumerate()
            .find(|(_, e)| &e.name == name)
    }
}
