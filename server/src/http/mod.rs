//! The HTTP surface: REST API v1, health probes, static site files, the Leptos pages and
//! server functions, and the middleware stack around them.

pub mod answer_deadline;
pub mod api_audit;
pub mod api_builds;
pub mod api_change_control;
pub mod api_deployment_control;
pub mod api_deployment_detail;
pub mod api_deployments;
pub mod api_diff;
pub mod api_environments;
pub mod api_hook_runs;
pub mod api_live;
pub mod api_notifications;
pub mod api_sandbox;
pub mod api_signoffs;
pub mod api_warm_window;
pub mod client_address;
pub mod error;
pub mod export_stream;
pub mod extract;
pub mod health;
pub mod history_csv;
pub mod openapi;
pub mod security_headers;
pub mod single_sign_on;

use crate::auth::middleware;
use crate::auth::session_store::Store;
use crate::state::AppState;
use app::use_cases::{Identity, SharedUseCases};
use axum::routing::{get, post, put};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The whole application router.
pub fn router(state: AppState, store: Store) -> Router {
    let routes = generate_route_list(app::ui::App);
    let use_cases: SharedUseCases = Arc::new(state.core.clone());
    let assets = state.site.links();
    let api = Router::new()
        .route(
            "/api/v1/builds",
            get(api_builds::list).post(api_builds::register),
        )
        .route("/api/v1/builds/{version}", get(api_builds::show))
        .route(
            "/api/v1/builds/{version}/signoffs",
            get(api_signoffs::list).post(api_signoffs::record),
        )
        .route("/api/v1/deployments", get(api_deployments::list))
        .route("/api/v1/deployments/export", get(api_deployments::export))
        .route("/api/v1/deployments/{id}", get(api_deployment_detail::show))
        .route(
            "/api/v1/deployments/{id}/cutover",
            post(api_deployment_control::switch),
        )
        .route(
            "/api/v1/deployments/{id}/cancel",
            post(api_deployment_control::cancel),
        )
        .route(
            "/api/v1/environments/{environment}/deployments",
            post(api_environments::deploy),
        )
        .route(
            "/api/v1/environments/{environment}/promote",
            post(api_environments::promote),
        )
        .route(
            "/api/v1/environments/{environment}/promotion",
            get(api_environments::promotion),
        )
        .route(
            "/api/v1/environments/{environment}/rollback",
            post(api_environments::rollback),
        )
        .route(
            "/api/v1/environments/{environment}/scale",
            post(api_environments::scale),
        )
        .route(
            "/api/v1/environments/{environment}/warm-window",
            post(api_warm_window::extend),
        )
        .route(
            "/api/v1/environments/{environment}/freeze",
            post(api_change_control::freeze).delete(api_change_control::lift),
        )
        .route(
            "/api/v1/environments/{environment}/lock",
            post(api_change_control::lock).delete(api_change_control::unlock),
        )
        .route("/api/v1/audit", get(api_audit::list))
        .route(
            "/api/v1/notifications/deliveries",
            get(api_notifications::deliveries),
        )
        .route(
            "/api/v1/notifications/channels/{channel}/test",
            post(api_notifications::send_test),
        )
        .route("/api/v1/diff", get(api_diff::diff))
        .route("/api/v1/environments", get(api_live::environments))
        .route(
            "/api/v1/environments/{environment}/fleet",
            get(api_live::fleet),
        )
        .route(
            "/api/v1/environments/{environment}/metrics",
            get(api_live::metrics),
        )
        .route("/api/v1/events", get(api_live::events))
        .route(
            "/api/v1/sandbox/instances/{instance}/health",
            post(api_sandbox::set_instance_health),
        )
        .route("/api/v1/sandbox/faults", put(api_sandbox::set_error_rates))
        .route("/api/v1/hook-runs/{id}/result", post(api_hook_runs::report))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/auth/oidc/login", get(single_sign_on::login))
        .route("/auth/oidc/callback", get(single_sign_on::callback))
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(crate::telemetry::serve));
    let sessions = SessionManagerLayer::new(store)
        .with_name("greenlight_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.core.settings.https())
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::milliseconds(
                state.core.settings.session_idle_timeout.as_millis_i64(),
            ),
        ));
    api.leptos_routes_with_context(
        &state,
        routes,
        move || provide_context(use_cases.clone()),
        move || app::ui::shell(assets.clone()),
    )
    .route_layer(axum::middleware::from_fn(answer_deadline::within_deadline))
    .route_layer(axum::middleware::from_fn(crate::telemetry::http::record))
    .fallback(crate::site::serve)
    .layer(axum::middleware::from_fn(middleware::require_sign_in))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::identify,
    ))
    .layer(sessions)
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::refuse_cross_origin,
    ))
    // Pages and API answers are compressed on the fly; site files arrive pre-compressed and
    // already carry Content-Encoding, which this layer leaves alone.
    .layer(tower_http::compression::CompressionLayer::new())
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        security_headers::add,
    ))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    .with_state(state)
}

/// The identity a handler runs as; the middleware always attaches one.
pub fn identity(extension: Option<axum::Extension<Identity>>) -> Identity {
    extension
        .map(|axum::Extension(identity)| identity)
        .unwrap_or_else(|| Identity::anonymous("unknown".into()))
}
