//! Liveness and readiness probes.

use crate::core::Core;
use axum::extract::State;
use axum::http::StatusCode;

/// `GET /healthz`: the process answers.
pub async fn alive() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers and every migration is applied.
pub async fn ready(State(core): State<Core>) -> (StatusCode, &'static str) {
    if crate::db::ready(&core.db, &core.settings.database_url).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database not ready")
    }
}
