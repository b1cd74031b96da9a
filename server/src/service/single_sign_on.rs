//! Single sign-on through the configured OpenID provider: the sign-in sent to the provider
//! (its state kept on the server under a handle the browser holds), and the way back — the
//! ID token checked, the user found by the provider's subject or created with the role their
//! groups map to, their role brought in line with their groups at every sign-in, and the
//! session started. Every outcome is audited.

use super::accounts::{entry, start_session, Attempt};
use super::internal;
use crate::auth::oidc::OidcError;
use crate::core::Core;
use crate::db::sso_logins::PendingSignIn;
use crate::db::{self, audit};
use app::api::auth::safe_next;
use app::domain::single_sign_on::{user_name_from, SsoRefusal};
use app::domain::UserKind;
use sha2::{Digest, Sha256};

/// The cookie that carries a pending sign-in's handle to the callback. `SameSite=Lax`: the
/// provider sends the browser back by a top-level GET from its own site.
pub const HANDLE_COOKIE: &str = "greenlight_sso";
/// Session key marking a session begun through the provider (sign-out offers its end-session).
pub const SSO_SESSION: &str = "sso";
/// How long a sign-in may stay at the provider.
pub const PENDING_MS: i64 = 10 * 60 * 1000;

/// A sign-in sent to the provider.
pub struct Begun {
    /// Where to send the browser.
    pub provider_url: String,
    /// The handle for the cookie.
    pub handle: String,
}

fn hash(handle: &str) -> String {
    hex::encode(Sha256::digest(handle.as_bytes()))
}

/// Starts a sign-in: the authorization request, its state kept under a fresh handle.
pub async fn begin(core: &Core, next: Option<&str>) -> Result<Begun, SsoRefusal> {
    let provider = core.oidc.as_ref().ok_or(SsoRefusal::Unavailable)?;
    let authorization = provider.authorize().await.map_err(|e| {
        tracing::warn!(error = %e, "single sign-on could not start");
        SsoRefusal::Unavailable
    })?;
    let handle = hex::encode(rand::random::<[u8; 32]>());
    let now = core.now();
    let pending = PendingSignIn {
        state: authorization.state,
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        next_path: safe_next(next),
        created_at: now,
    };
    let kept = async {
        db::sso_logins::prune(&core.db, now - PENDING_MS).await?;
        db::sso_logins::insert(&core.db, &hash(&handle), &pending).await
    };
    kept.await.map_err(|e| {
        tracing::error!(error = %e, "cannot keep a pending sign-in");
        SsoRefusal::Unavailable
    })?;
    Ok(Begun {
        provider_url: authorization.url,
        handle,
    })
}

/// What the provider sent back to the callback.
pub struct Callback<'a> {
    /// The handle from the cookie.
    pub handle: Option<&'a str>,
    /// `state`.
    pub state: Option<&'a str>,
    /// `code`, when the provider granted the sign-in.
    pub code: Option<&'a str>,
    /// `error`, when it did not.
    pub error: Option<&'a str>,
}

/// Completes a sign-in: the session starts and the local path to go to is returned.
pub async fn finish(
    core: &Core,
    session: &tower_sessions::Session,
    callback: Callback<'_>,
    address: &str,
) -> Result<String, SsoRefusal> {
    let provider = core.oidc.as_ref().ok_or(SsoRefusal::Unavailable)?;
    let now = core.now();
    let Some(handle) = callback.handle else {
        return Err(SsoRefusal::Expired);
    };
    let pending = db::sso_logins::take(&core.db, &hash(handle))
        .await
        .map_err(|e| refuse_internal(&e))?
        .filter(|p| now - p.created_at <= PENDING_MS)
        .ok_or(SsoRefusal::Expired)?;
    // The state ties this answer to the request this browser sent (no login CSRF).
    if callback.state != Some(pending.state.as_str()) {
        return Err(SsoRefusal::Expired);
    }
    let issuer = provider.settings.issuer.as_str();
    let code = match (callback.code, callback.error) {
        (Some(code), None) => code,
        (_, error) => {
            let details = serde_json::json!({ "issuer": issuer, "error": error }).to_string();
            record(core, "-", "session.sso_cancelled", details, address).await?;
            return Err(SsoRefusal::Cancelled);
        }
    };
    let identity = match provider
        .finish(code, &pending.pkce_verifier, &pending.nonce)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on answer refused");
            let details = serde_json::json!({ "issuer": issuer, "reason": e.to_string() });
            record(
                core,
                "-",
                "session.sso_failed",
                details.to_string(),
                address,
            )
            .await?;
            return Err(match e {
                OidcError::Unreachable(_) => SsoRefusal::Unavailable,
                OidcError::Rejected(_) => SsoRefusal::Failed,
            });
        }
    };
    let role = provider.settings.role_for(&identity.groups);
    let mut tx = db::begin_write(&core.db)
        .await
        .map_err(|e| refuse_internal(&e))?;
    let existing = db::users::by_sso(&mut *tx, issuer, &identity.subject)
        .await
        .map_err(|e| refuse_internal(&e))?;
    let who = existing
        .as_ref()
        .map(|u| u.principal.name.clone())
        .or_else(|| identity.username.clone())
        .unwrap_or_else(|| identity.subject.clone());
    let Some(role) = role else {
        // Losing every mapped group ends the sessions the user still has.
        if let Some(user) = &existing {
            db::users::end_sessions(&mut *tx, user.principal.id)
                .await
                .map_err(|e| refuse_internal(&e))?;
        }
        tx.commit().await.map_err(|e| refuse_internal(&e))?;
        let details = serde_json::json!({ "issuer": issuer, "groups": identity.groups });
        record(
            core,
            &who,
            "session.sso_no_role",
            details.to_string(),
            address,
        )
        .await?;
        return Err(SsoRefusal::NoRole);
    };
    let user = match existing {
        Some(user) if user.disabled_at.is_some() => {
            drop(tx);
            record(core, &who, "session.sso_disabled", "{}".into(), address).await?;
            return Err(SsoRefusal::Disabled);
        }
        Some(user) => {
            if user.principal.role != role {
                db::users::set_role(&mut *tx, user.principal.id, role)
                    .await
                    .map_err(|e| refuse_internal(&e))?;
                let details = serde_json::json!({ "from": user.principal.role.as_str(), "to": role.as_str(), "groups": identity.groups });
                let e = entry(
                    &who,
                    "user.role_from_groups",
                    &who,
                    details.to_string(),
                    address,
                );
                audit::append(&mut tx, e, now)
                    .await
                    .map_err(|e| refuse_internal(&e))?;
            }
            user.principal.id
        }
        None => {
            let Some(name) = identity.username.as_deref().and_then(user_name_from) else {
                drop(tx);
                let details = serde_json::json!({ "issuer": issuer, "subject": identity.subject });
                record(
                    core,
                    &who,
                    "session.sso_no_name",
                    details.to_string(),
                    address,
                )
                .await?;
                return Err(SsoRefusal::NoName);
            };
            if db::users::by_name(&mut *tx, name.as_str())
                .await
                .map_err(|e| refuse_internal(&e))?
                .is_some()
            {
                drop(tx);
                let details = serde_json::json!({ "issuer": issuer, "subject": identity.subject });
                record(
                    core,
                    name.as_str(),
                    "session.sso_name_taken",
                    details.to_string(),
                    address,
                )
                .await?;
                return Err(SsoRefusal::NameTaken);
            }
            let id = db::users::insert_sso(
                &mut *tx,
                name.as_str(),
                role,
                issuer,
                &identity.subject,
                now,
            )
            .await
            .map_err(|e| refuse_internal(&e))?;
            let details = serde_json::json!({ "role": role.as_str(), "kind": UserKind::Person.as_str(), "issuer": issuer, "groups": identity.groups });
            let e = entry(
                name.as_str(),
                "user.add",
                name.as_str(),
                details.to_string(),
                address,
            );
            audit::append(&mut tx, e, now)
                .await
                .map_err(|e| refuse_internal(&e))?;
            id
        }
    };
    tx.commit().await.map_err(|e| refuse_internal(&e))?;
    let account = db::users::by_id(&core.db, user)
        .await
        .map_err(|e| refuse_internal(&e))?
        .ok_or(SsoRefusal::Unavailable)?;
    let name = account.principal.name.as_str();
    let attempt = Attempt {
        id: db::logins::record(&core.db, name, address, false, now)
            .await
            .map_err(|e| refuse_internal(&e))?,
        details: serde_json::json!({ "via": "sso", "issuer": issuer }).to_string(),
    };
    start_session(core, session, &account, &attempt, address, now)
        .await
        .map_err(|_| SsoRefusal::Unavailable)?;
    session
        .insert(SSO_SESSION, true)
        .await
        .map_err(|e| refuse_internal(&e))?;
    Ok(pending.next_path)
}

async fn record(
    core: &Core,
    who: &str,
    action: &str,
    details: String,
    address: &str,
) -> Result<(), SsoRefusal> {
    audit::append_alone(
        &core.db,
        entry(who, action, who, details, address),
        core.now(),
    )
    .await
    .map_err(|e| refuse_internal(&e))
}

fn refuse_internal(error: &dyn std::fmt::Display) -> SsoRefusal {
    let _ = internal(error.to_string());
    SsoRefusal::Unavailable
}
