//! What every handler shares.

use crate::cloud::sandbox::SandboxCloud;
use crate::cloud::Cloud;
use crate::config::Settings;
use crate::engine::Clock;
use crate::site::Site;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::AnyPool;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: AnyPool,
    /// The configuration.
    pub settings: Arc<Settings>,
    /// Leptos' options (output name, site paths).
    pub leptos: LeptosOptions,
    /// The site's static files.
    pub site: Arc<Site>,
    /// Where fleets run (with retries).
    pub cloud: Arc<dyn Cloud>,
    /// The simulated cloud, when that is the provider (the demo drives it).
    pub sandbox: Option<Arc<SandboxCloud>>,
    /// The engine's clock, so that accepted deployments and steps agree on "now".
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// State for use-cases without the web front (tools, tests).
    pub fn headless(
        db: AnyPool,
        settings: Settings,
        cloud: Arc<dyn Cloud>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            leptos: LeptosOptions::builder().output_name("greenlight").build(),
            site: Arc::new(Site::from_files(Vec::new())),
            cloud,
            sandbox: None,
            clock,
        }
    }

    /// The environment named `name` and its place in the pipeline.
    pub fn environment(&self, name: &str) -> Option<(usize, &crate::config::EnvironmentSettings)> {
        self.settings
            .environments
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
