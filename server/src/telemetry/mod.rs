//! Greenlight's own metrics, served as Prometheus text at `GET /metrics`: fleet refresh
//! durations, cloud calls and errors by operation, snapshot age, live-stream clients,
//! deployments by kind and outcome, engine step durations, HTTP requests by route and status.
//! Counters and histograms are recorded where things happen (the `metrics` crate's macros);
//! gauges of current state are read at scrape time. One recorder per process: several
//! servers in one test process share it, so their tests compare before and after.

pub mod http;

use crate::core::Core;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// Cloud calls made, by `operation` (each page of a paged read counts).
pub const CLOUD_CALLS: &str = "greenlight_cloud_calls_total";
/// Cloud calls failed, by `operation` and `kind` (throttled, unavailable, not_found, rejected).
pub const CLOUD_ERRORS: &str = "greenlight_cloud_errors_total";
/// Seconds one look at every environment's fleets took, by `result`.
pub const FLEET_REFRESH: &str = "greenlight_fleet_refresh_seconds";
/// Seconds since an environment's snapshot was taken, by `environment`.
pub const SNAPSHOT_AGE: &str = "greenlight_fleet_snapshot_age_seconds";
/// Open live streams.
pub const LIVE_CLIENTS: &str = "greenlight_live_stream_clients";
/// Deployments that ended, by `kind` and `outcome`.
pub const DEPLOYMENTS: &str = "greenlight_deployments_finished_total";
/// Seconds an engine step took, by `phase`.
pub const ENGINE_STEP: &str = "greenlight_engine_step_seconds";
/// HTTP requests answered, by `route` and `status`.
pub const HTTP_REQUESTS: &str = "greenlight_http_requests_total";
/// Seconds HTTP requests took, by `route`.
pub const HTTP_DURATION: &str = "greenlight_http_request_seconds";

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only when another recorder was installed first; then this one still renders
        // what is recorded through it (nothing), which a test would notice.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

/// The Prometheus text, with the gauges of `core`'s current state filled in first.
pub fn render(core: &Core) -> String {
    let handle = handle();
    let now = core.now();
    for environment in &core.settings.environments {
        let name = environment.name.to_string();
        let age = core
            .fleet
            .get(&name)
            .and_then(|cached| cached.snapshot)
            .map(|s| (now - s.taken_at.millis()) as f64 / 1000.0);
        if let Some(age) = age {
            metrics::gauge!(SNAPSHOT_AGE, "environment" => name).set(age);
        }
    }
    metrics::gauge!(LIVE_CLIENTS).set(core.live.clients() as f64);
    handle.render()
}

/// `GET /metrics`.
pub async fn serve(
    axum::extract::State(core): axum::extract::State<Core>,
) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        render(&core),
    )
}
