//! Sign-in (throttled, recorded), sign-out, users and API tokens.

use super::internal;
use super::sign_in_throttle::{self as throttle, Failures, Verdict};
use crate::auth::middleware::{LOGIN_AT, USER_ID};
use crate::auth::{password, token};
use crate::clock::Clock;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::views::{CreatedToken, Principal, TokenRow, UserRow};
use app::domain::{FieldErrors, Role, Timestamp, UserName};
use app::use_cases::{Identity, UseCaseError};
use sqlx::AnyPool;

fn entry<'a>(
    actor: &'a str,
    action: &'a str,
    target: &'a str,
    details: String,
    address: &'a str,
) -> audit::Entry<'a> {
    audit::Entry {
        actor,
        action,
        target,
        environment: None,
        details,
        address,
    }
}

/// Checks a password; on success rotates the session id and stores the user in it.
pub async fn login(
    core: &Core,
    session: tower_sessions::Session,
    name: &str,
    password: &str,
    address: &str,
) -> Result<Principal, UseCaseError> {
    // Nothing is stored for a name that cannot be one (no row, no audit entry): it could
    // be of any size or content.
    let name = match UserName::parse(name) {
        Ok(name) => name.to_string(),
        Err(reason) => {
            let mut errors = FieldErrors::new();
            errors.add("name", reason);
            return Err(UseCaseError::Invalid(errors));
        }
    };
    let name = name.as_str();
    let now = core.now();
    // The attempt counts as failed until the password checks out, and it is recorded before
    // the check: concurrent guesses see each other, so no burst gets more checks than the
    // limit allows.
    let attempt = db::logins::record(&core.db, name, address, false, now)
        .await
        .map_err(internal)?;
    db::logins::prune(&core.db, now - 2 * throttle::WINDOW_MS)
        .await
        .map_err(internal)?;
    let failures = Failures::count(&core.db, name, address, now)
        .await
        .map_err(internal)?;
    let delay = match failures.verdict() {
        Verdict::Refused(limit) => {
            let details = serde_json::json!({ "limit": limit.as_str() }).to_string();
            audit::append_alone(
                &core.db,
                entry(name, "session.login_throttled", name, details, address),
                now,
            )
            .await
            .map_err(internal)?;
            return Err(UseCaseError::Throttled(
                "too many failed sign-ins; try again in 15 minutes".into(),
            ));
        }
        Verdict::Allowed { delay } => delay,
    };
    // A slowed attempt says so in its audit entry: a sign that the account is under attack.
    let details = match delay {
        Some(delay) => {
            tokio::time::sleep(delay).await;
            serde_json::json!({ "slowed_down_ms": u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) }).to_string()
        }
        None => "{}".to_owned(),
    };
    let user = db::users::by_name(&core.db, name).await.map_err(internal)?;
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let Some(ok) = password::verify(password.to_owned(), phc).await else {
        return Err(UseCaseError::Throttled(
            "too many sign-ins at once; try again in a moment".into(),
        ));
    };
    let Some(user) = user.filter(|_| ok) else {
        audit::append_alone(
            &core.db,
            entry(name, "session.login_failed", name, details, address),
            now,
        )
        .await
        .map_err(internal)?;
        return Err(UseCaseError::BadCredentials);
    };
    // A fresh id at sign-in defeats session fixation.
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(USER_ID, user.principal.id)
        .await
        .map_err(internal)?;
    session.insert(LOGIN_AT, now).await.map_err(internal)?;
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    db::logins::mark_succeeded(&mut *tx, attempt)
        .await
        .map_err(internal)?;
    audit::append(
        &mut tx,
        entry(name, "session.login", name, details, address),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(user.principal)
}

/// Ends the session.
pub async fn logout(
    core: &Core,
    session: tower_sessions::Session,
    identity: &Identity,
) -> Result<(), UseCaseError> {
    session.flush().await.map_err(internal)?;
    if let Some(principal) = &identity.principal {
        let e = entry(
            &principal.name,
            "session.logout",
            &principal.name,
            "{}".into(),
            &identity.address,
        );
        audit::append_alone(&core.db, e, core.now())
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// Adds a user; `actor` is who asked (an admin, or `cli`).
pub async fn add_user(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: &str,
    address: &str,
    name: &str,
    role: Role,
    password_text: &str,
) -> Result<UserRow, UseCaseError> {
    let mut errors = FieldErrors::new();
    let name = UserName::parse(name)
        .map_err(|e| errors.add("name", e))
        .ok();
    if let Err(e) = password::check_policy(password_text) {
        errors.add("password", e);
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(UseCaseError::Invalid(errors));
    };
    let hash = password::hash(password_text.to_owned())
        .await
        .map_err(internal)?;
    let now = clock.now_ms();
    let mut tx = crate::db::begin_write(db).await.map_err(internal)?;
    if db::users::by_name(&mut *tx, name.as_str())
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(UseCaseError::Conflict(format!(
            "user {name} already exists"
        )));
    }
    let id = db::users::insert(&mut *tx, name.as_str(), role, &hash, now)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "role": role.as_str() }).to_string();
    audit::append(
        &mut tx,
        entry(actor, "user.add", name.as_str(), details, address),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(UserRow {
        id,
        name: name.to_string(),
        role,
        created_at: Timestamp::from_millis(now),
    })
}

/// Creates an API token for `user`; the secret is returned once and only its hash stored.
pub async fn create_token(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: &str,
    address: &str,
    user: &str,
    label: &str,
) -> Result<CreatedToken, UseCaseError> {
    let mut errors = FieldErrors::new();
    if label.is_empty() || label.chars().count() > 100 {
        errors.add("name", "must be 1 to 100 characters");
    }
    errors.check_text("name", label);
    let owner = match UserName::parse(user) {
        Ok(name) => db::users::by_name(db, name.as_str())
            .await
            .map_err(internal)?,
        Err(_) => None,
    };
    if owner.is_none() {
        errors.add("user", "no such user");
    }
    let Some(owner) = owner.filter(|_| errors.is_empty()) else {
        return Err(UseCaseError::Invalid(errors));
    };
    let secret = token::generate();
    let now = clock.now_ms();
    let mut tx = crate::db::begin_write(db).await.map_err(internal)?;
    let id = db::tokens::insert(
        &mut *tx,
        owner.principal.id,
        label,
        &token::digest(&secret),
        now,
    )
    .await
    .map_err(internal)?;
    let details = serde_json::json!({ "token_id": id, "name": label }).to_string();
    audit::append(
        &mut tx,
        entry(actor, "token.create", user, details, address),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    let row = TokenRow {
        id,
        user: owner.principal.name,
        name: label.to_owned(),
        created_at: Timestamp::from_millis(now),
        last_used_at: None,
        revoked_at: None,
    };
    Ok(CreatedToken { row, secret })
}

/// Revokes a token by id.
pub async fn revoke_token(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: &str,
    address: &str,
    id: i64,
) -> Result<(), UseCaseError> {
    let now = clock.now_ms();
    let mut tx = crate::db::begin_write(db).await.map_err(internal)?;
    if !db::tokens::revoke(&mut *tx, id, now)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::NotFound(format!("active token {id}")));
    }
    let details = serde_json::json!({ "token_id": id }).to_string();
    audit::append(
        &mut tx,
        entry(actor, "token.revoke", &id.to_string(), details, address),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
