//! Counting HTTP requests by route (the router's pattern, so `/deployments/{id}` is one route
//! however many ids are asked for) and status, with their durations.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Middleware: records every answered request.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        // Pages and files answered by the fallback: one label, not one per path.
        .unwrap_or_else(|| "other".to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(super::HTTP_REQUESTS, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(super::HTTP_DURATION, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
