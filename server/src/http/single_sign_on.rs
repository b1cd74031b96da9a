//! `/auth/oidc/login` and `/auth/oidc/callback`: the browser's way out to the OpenID provider
//! and back. Refusals go to the sign-in page, which names them (`/login?sso=no-role`).
//!
//! The session cookie is `SameSite=Strict`, so a browser coming back from the provider's site
//! does not send it, nor would it on a redirect chained to that return. The callback therefore
//! answers with a small page that moves on by itself: that next request starts on
//! Greenlight's own site and carries the new session.

use super::identity;
use crate::core::Core;
use crate::service::single_sign_on::{self as sso, Callback, HANDLE_COOKIE};
use app::domain::markup::escape;
use app::domain::single_sign_on::SsoRefusal;
use app::use_cases::Identity;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;

/// `next`: where to go once signed in (a local path).
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn handle_cookie(core: &Core, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if core.settings.https() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{HANDLE_COOKIE}={value}; Path=/auth/oidc/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn see_other(location: &str, cookie: HeaderValue) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

fn refused(core: &Core, refusal: SsoRefusal) -> Response {
    see_other(
        &format!("/login?sso={}", refusal.code()),
        handle_cookie(core, "", 0),
    )
}

/// Sends the browser to the provider to sign in.
pub async fn login(State(core): State<Core>, Query(query): Query<LoginQuery>) -> Response {
    match sso::begin(&core, query.next.as_deref()).await {
        Ok(begun) => {
            let max_age = sso::PENDING_MS / 1000;
            see_other(
                &begun.provider_url,
                handle_cookie(&core, &begun.handle, max_age),
            )
        }
        Err(refusal) => refused(&core, refusal),
    }
}

/// The provider's answer: the session starts, or the sign-in page says why not.
pub async fn callback(
    State(core): State<Core>,
    identity_ext: Option<Extension<Identity>>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let identity = identity(identity_ext);
    let handle = cookie(&headers, HANDLE_COOKIE);
    let callback = Callback {
        handle: handle.as_deref(),
        state: query.state.as_deref(),
        code: query.code.as_deref(),
        error: query.error.as_deref(),
    };
    match sso::finish(&core, &session, callback, &identity.address).await {
        Ok(next) => {
            let next = escape(&next);
            let page = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <meta http-equiv=\"refresh\" content=\"0;url={next}\"><title>Signed in</title></head>\
                 <body><p>Signed in. <a href=\"{next}\">Continue to Greenlight</a></p></body></html>"
            );
            let mut response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, handle_cookie(&core, "", 0));
            response
        }
        Err(refusal) => refused(&core, refusal),
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
