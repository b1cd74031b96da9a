//! Deadlines on answers. A handler that never answers (a page whose server rendering waits
//! on something that never wakes — leptos-rs/leptos#4647 is one such case; CI has seen the
//! overview's render stall this way about once in a few hundred) would otherwise hold the
//! browser's connection until the browser gives up, with nothing in the log.
//!
//! A page (a `GET` outside `/api/` and `/fn/`, which reads and changes nothing) that has not
//! started its answer within [`RENDER_AGAIN_AFTER`] is rendered afresh — logged as a warning
//! naming the route — and the first attempt dropped; anything past [`ANSWER_DEADLINE`]
//! answers `503` with `Retry-After`, logged as an error naming the route.

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a handler may take to start its answer. Streams (the live events, exports) start
/// theirs at once and are not limited after that.
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(30);

/// How long a page's server rendering may take before it is started again: rendering a page
/// takes milliseconds, so this only ever cuts a render that stalled.
pub const RENDER_AGAIN_AFTER: Duration = Duration::from_secs(5);

/// Renders a stalled page again once, and answers `503` past [`ANSWER_DEADLINE`].
pub async fn within_deadline(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
    let path = request.uri().path();
    let page = matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/fn/");
    let request = if page {
        // A page request has no body: the same request can be made again.
        let (parts, _) = request.into_parts();
        let first = Request::from_parts(parts.clone(), Body::empty());
        match tokio::time::timeout(RENDER_AGAIN_AFTER, next.clone().run(first)).await {
            Ok(response) => return response,
            Err(_) => {
                tracing::warn!(%route, after = ?RENDER_AGAIN_AFTER, "a page's rendering stalled: rendering it again");
                Request::from_parts(parts, Body::empty())
            }
        }
    } else {
        request
    };
    match tokio::time::timeout(ANSWER_DEADLINE, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%route, deadline = ?ANSWER_DEADLINE, "no answer within the deadline: answered 503");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "This took too long to answer; please try again.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tower::ServiceExt;

    /// `/page` and `/api/stuck` stall on their first call and answer on the next; `/stuck`
    /// never answers.
    fn app(calls: Arc<AtomicUsize>) -> Router {
        let stalls_once = move || {
            let calls = calls.clone();
            async move {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    std::future::pending::<()>().await;
                }
                "rendered"
            }
        };
        Router::new()
            .route("/quick", get(|| async { "done" }))
            .route("/page", get(stalls_once.clone()))
            .route("/api/stuck", get(stalls_once))
            .route("/stuck", get(std::future::pending::<&'static str>))
            .route_layer(axum::middleware::from_fn(within_deadline))
    }

    async fn status_of(app: Router, path: &str) -> StatusCode {
        let request = Request::get(path).body(Body::empty()).expect("request");
        app.oneshot(request).await.expect("answer").status()
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_page_is_rendered_again_and_answers_after_the_retry_delay() {
        let calls = Arc::new(AtomicUsize::new(0));
        let started = tokio::time::Instant::now();
        assert_eq!(status_of(app(calls.clone()), "/page").await, StatusCode::OK);
        assert_eq!(started.elapsed(), RENDER_AGAIN_AFTER);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(status_of(app(calls), "/quick").await, StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn an_api_read_is_not_made_twice_and_a_handler_that_never_answers_gets_503_at_the_deadline(
    ) {
        let calls = Arc::new(AtomicUsize::new(0));
        let started = tokio::time::Instant::now();
        assert_eq!(
            status_of(app(calls.clone()), "/api/stuck").await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(started.elapsed(), ANSWER_DEADLINE);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "asked once");
        let started = tokio::time::Instant::now();
        assert_eq!(
            status_of(app(calls), "/stuck").await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(started.elapsed(), RENDER_AGAIN_AFTER + ANSWER_DEADLINE);
    }
}
