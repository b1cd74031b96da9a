//! Headers every answer carries so that a browser treats Greenlight as the sensitive tool it
//! is: a Content-Security-Policy (see [`app::ui::csp`]), no content sniffing, no referrer to other sites, never framed, nothing with data
//! cached (pages and API answers; static files keep their own caching), and HSTS when
//! Greenlight is reached over https.

use crate::core::Core;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Adds the headers to every answer.
pub async fn add(State(core): State<Core>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page sets its own policy, carrying its nonce; every other answer gets it without.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&app::ui::csp::policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    let mut set = |name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    if core.settings.https() {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    // Static files say how long they may be kept; anything else may hold data.
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
