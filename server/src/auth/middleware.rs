//! Request middleware: who is asking (bearer token or session), sign-in required for pages,
//! and no mutation from another origin.

use crate::core::Core;
use crate::db;
use crate::http::client_address;
use crate::http::error::ApiError;
use app::use_cases::Identity;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use tower_sessions::Session;

/// Session key of the signed-in user's id.
pub const USER_ID: &str = "user_id";
/// Session key of the sign-in time (epoch ms), for the absolute timeout.
pub const LOGIN_AT: &str = "login_at";
/// Session key of the last request that extended the session (epoch ms).
pub const SEEN_AT: &str = "seen_at";
/// Session key of the user's session generation at sign-in: when the user's row has moved on
/// (disabled, password changed or reset, "end other sessions"), the session has ended.
pub const GENERATION: &str = "generation";

/// How often a token's last use is written down (its "last used" is this precise).
pub const TOKEN_USE_RECORDED_EVERY_MS: i64 = 60_000;

/// Attaches an [`Identity`], with the client's address as [`client_address::resolve`] finds
/// it (behind `trusted_proxies`, from `X-Forwarded-For`). A bearer token that is malformed, unknown or revoked is
/// refused with 401 at once rather than treated as anonymous.
pub async fn identify(
    State(core): State<Core>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    // Site files are the same for everyone: asking who wants one would cost a session or
    // token lookup per stylesheet, script and wasm chunk.
    if is_site_file(request.uri().path()) {
        return next.run(request).await;
    }
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| {
            client_address::resolve(peer.ip(), request.headers(), &core.settings.trusted_proxies)
        })
        .map_or_else(|| "unknown".into(), |address| address.to_string());
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let mutation = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let what = format!("{} {}", request.method(), request.uri().path());
    let identity = match bearer {
        Some(value) => {
            let Some(secret) = value.strip_prefix("Bearer ").map(str::trim) else {
                let refused =
                    ApiError::Unauthenticated("Authorization must be \"Bearer <token>\"".into())
                        .into_response();
                return record_denial(&core, mutation, None, &what, &address, refused).await;
            };
            let digest = crate::auth::token::digest(secret);
            match db::tokens::bearer(&core.db, &digest, core.now()).await {
                Ok(Some(bearer)) => {
                    let now = core.now();
                    // Recorded once a minute at most: a write on every request would queue a
                    // busy client's reads behind SQLite's one writer.
                    let stale = bearer
                        .last_used_at
                        .is_none_or(|at| now - at >= TOKEN_USE_RECORDED_EVERY_MS);
                    if stale {
                        if let Err(e) = db::tokens::touch(&core.db, bearer.token_id, now).await {
                            tracing::warn!(error = %e, "could not record token use");
                        }
                    }
                    Identity {
                        principal: Some(bearer.owner),
                        scopes: Some(bearer.scopes),
                        must_change_password: false,
                        must_enrol_totp: false,
                        address: address.clone(),
                    }
                }
                Ok(None) => {
                    let refused = ApiError::Unauthenticated(
                        "invalid, expired or revoked token, or its owner is disabled".into(),
                    )
                    .into_response();
                    return record_denial(&core, mutation, None, &what, &address, refused).await;
                }
                Err(e) => return ApiError::internal(e).into_response(),
            }
        }
        None => match session_principal(&core, &session).await {
            Ok(Some(session)) => Identity {
                principal: Some(session.principal),
                scopes: None,
                must_change_password: session.must_change_password,
                must_enrol_totp: session.must_enrol_totp,
                address: address.clone(),
            },
            Ok(None) => Identity::anonymous(address.clone()),
            Err(response) => return response,
        },
    };
    let actor = identity.principal.as_ref().map(|p| p.name.clone());
    request.extensions_mut().insert(identity);
    let response = next.run(request).await;
    record_denial(&core, mutation, actor.as_deref(), &what, &address, response).await
}

/// Writes a refused mutation (401 or 403) to the audit log: who (or `anonymous`), what
/// (method and path), from where. Failed sign-ins have their own entry.
async fn record_denial(
    core: &Core,
    mutation: bool,
    actor: Option<&str>,
    what: &str,
    address: &str,
    response: Response,
) -> Response {
    let status = response.status();
    let denied = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    if mutation && denied && !what.contains(" /fn/login") {
        let entry = crate::db::audit::Entry {
            actor: actor.unwrap_or("anonymous"),
            action: "request.denied",
            target: what,
            environment: None,
            details: serde_json::json!({ "status": status.as_u16() }).to_string(),
            address,
        };
        if let Err(error) = crate::db::audit::append_alone(&core.db, entry, core.now()).await {
            tracing::error!(%error, "could not record a refused request");
        }
    }
    response
}

/// A signed-in session's user and what they must do before anything else.
struct SessionUser {
    principal: app::domain::views::Principal,
    must_change_password: bool,
    must_enrol_totp: bool,
}

/// The session's user; `None` (and the session ends) when the session is too old, or the user
/// is gone, disabled, or has moved on to another session generation.
async fn session_principal(
    core: &Core,
    session: &Session,
) -> Result<Option<SessionUser>, Response> {
    let user_id = session
        .get::<i64>(USER_ID)
        .await
        .map_err(|e| ApiError::internal(e).into_response())?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    // A session without its sign-in time cannot prove it is young enough: it ends.
    let login_at = session.get::<i64>(LOGIN_AT).await.ok().flatten();
    let absolute = core.settings.session_absolute_timeout.as_millis_i64();
    let now = core.now();
    if login_at.is_none_or(|at| now - at > absolute) {
        let _ = session.flush().await;
        return Ok(None);
    }
    let account = db::users::by_id(&core.db, user_id)
        .await
        .map_err(|e| ApiError::internal(e).into_response())?;
    let generation = session.get::<i64>(GENERATION).await.ok().flatten();
    let Some(account) = account
        .filter(|a| a.disabled_at.is_none() && generation.unwrap_or(0) == a.session_generation)
    else {
        let _ = session.flush().await;
        return Ok(None);
    };
    // Idle means idle: activity extends the session (the store saves only a changed session,
    // and saving is what moves its expiry on), at most every tenth of the idle timeout.
    let idle = core.settings.session_idle_timeout.as_millis_i64();
    let seen = session.get::<i64>(SEEN_AT).await.ok().flatten();
    if seen.is_none_or(|at| now - at >= idle / 10) {
        session
            .insert(SEEN_AT, now)
            .await
            .map_err(|e| ApiError::internal(e).into_response())?;
    }
    let must_enrol_totp = !account.totp_enabled
        && !account.single_sign_on
        && core
            .settings
            .auth
            .require_totp_for
            .contains(&account.principal.role);
    Ok(Some(SessionUser {
        principal: account.principal,
        must_change_password: account.must_change_password,
        must_enrol_totp,
    }))
}

/// Paths anyone may fetch without signing in.
/// The site's static files (content-hashed under `/pkg/`, the icon).
fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico"
}

fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/readyz"
        // Prometheus scrapes without signing in; the text holds counts and names, no secrets.
        || path == "/metrics"
        || path.starts_with("/pkg/")
        || path.starts_with("/fn/")
        || path.starts_with("/api/")
        // Single sign-on's way out to the provider and back in.
        || path.starts_with("/auth/oidc/")
        || path == "/favicon.svg"
        || path == "/favicon.ico"
}

/// Sends anonymous page requests to the sign-in page (APIs answer 401 themselves).
pub async fn require_sign_in(request: Request, next: Next) -> Response {
    let identity = request.extensions().get::<Identity>();
    let signed_in = identity.is_some_and(|i| i.principal.is_some());
    let must_change = identity.is_some_and(|i| i.must_change_password || i.must_enrol_totp);
    let path = request.uri().path();
    // After an admin's reset, or while a role's required second factor is not set up, every
    // page leads to the account page until it is done.
    if must_change
        && path != "/account"
        && !is_public(path)
        && matches!(*request.method(), Method::GET | Method::HEAD)
    {
        return Redirect::to("/account").into_response();
    }
    if signed_in || is_public(path) || !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let next_param: String = url_encode(target);
    Redirect::to(&format!("/login?next={next_param}")).into_response()
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Refuses state-changing requests sent by a browser from another site: checks
/// `Sec-Fetch-Site`, then `Origin`: with `public_url` set, only its exact origin (scheme,
/// host and port) counts; without, an `http` origin naming the request's own host. Clients
/// that send neither (CI with a bearer token) pass.
pub async fn refuse_cross_origin(
    State(core): State<Core>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return ApiError::Forbidden("cross-origin request refused".into()).into_response();
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let allowed = match core.settings.public_origin() {
            Some(public) => public == origin,
            // Without a public URL Greenlight serves plain http on its own address.
            None => origin.strip_prefix("http://") == Some(host),
        };
        if !allowed {
            return ApiError::Forbidden("cross-origin request refused".into()).into_response();
        }
    }
    next.run(request).await
}
