//! What every handler shares.

use crate::config::Settings;
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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
