//! The web layer's state: the [`Core`] the use-cases run on, plus what only the web needs
//! (Leptos' options, the site's static files, the sandbox's fault injection). Handlers extract the part they use.

use crate::cloud::sandbox::SandboxCloud;
use crate::core::Core;
use crate::site::Site;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared state of the HTTP server.
#[derive(Clone)]
pub struct AppState {
    /// Database, settings, cloud and clock.
    pub core: Core,
    /// Leptos' options (output name, site paths).
    pub leptos: LeptosOptions,
    /// The site's static files.
    pub site: Arc<Site>,
    /// The simulated cloud, when it is the provider (its fault injection is served).
    pub sandbox: Option<Arc<SandboxCloud>>,
}

impl FromRef<AppState> for Option<Arc<SandboxCloud>> {
    fn from_ref(state: &AppState) -> Self {
        state.sandbox.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for Core {
    fn from_ref(state: &AppState) -> Self {
        state.core.clone()
    }
}

impl FromRef<AppState> for Arc<Site> {
    fn from_ref(state: &AppState) -> Self {
        state.site.clone()
    }
}
