//! A deadline for every handler's answer. A handler that never answers (a page whose server
//! rendering waits on something that never wakes — leptos-rs/leptos#4647 is one such case)
//! would otherwise hold the browser's connection until the browser gives up, with nothing in
//! the log; past the deadline the caller gets a `503` it can retry and the log names the
//! route.

use axum::extract::{MatchedPath, Request};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long a handler may take to start its answer. Streams (the live events, exports) start
/// theirs at once and are not limited after that.
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(30);

/// Answers `503` when the handler has not answered within [`ANSWER_DEADLINE`].
pub async fn within_deadline(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| request.uri().path().to_owned());
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
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/quick", get(|| async { "done" }))
            .route("/stuck", get(std::future::pending::<&'static str>))
            .route_layer(axum::middleware::from_fn(within_deadline))
    }

    async fn status_of(path: &str) -> StatusCode {
        let request = Request::get(path).body(Body::empty()).expect("request");
        app().oneshot(request).await.expect("answer").status()
    }

    #[tokio::test(start_paused = true)]
    async fn a_handler_that_never_answers_gets_503_at_the_deadline_and_a_quick_one_its_answer() {
        assert_eq!(status_of("/quick").await, StatusCode::OK);
        let started = tokio::time::Instant::now();
        assert_eq!(status_of("/stuck").await, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(started.elapsed(), ANSWER_DEADLINE);
    }
}
