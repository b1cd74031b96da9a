//! Sign-in (throttled, recorded), sign-out, and what a user does to their own account:
//! change the password, end their other sessions.

use super::internal;
use super::sign_in_throttle::{self as throttle, Failures, Verdict};
use crate::auth::middleware::{GENERATION, LOGIN_AT, USER_ID};
use crate::auth::password;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::single_sign_on::SignInOptions;
use app::domain::views::{Principal, SignInStep};
use app::domain::{FieldErrors, UserKind, UserName};
use app::use_cases::{Identity, UseCaseError};

/// An audit entry about an account (no environment).
pub fn entry<'a>(
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

/// Session key of the user whose password checked out and whose second factor is awaited.
pub const PENDING_USER: &str = "pending_user";
/// Session key of when the password checked out (epoch ms): the code must follow within
/// [`PENDING_MS`].
pub const PENDING_AT: &str = "pending_at";
/// Session key of the user's session generation when the password checked out.
pub const PENDING_GENERATION: &str = "pending_generation";
/// How long a password that checked out waits for its second factor.
pub const PENDING_MS: i64 = 5 * 60 * 1000;

/// An attempt that passed the throttle: its row (failed until it succeeds) and the audit
/// details (whether it was slowed down).
pub struct Attempt {
    /// The `login_attempts` row.
    pub id: i64,
    /// JSON details for the audit entry.
    pub details: String,
}

/// Records an attempt for `name` from `address` as failed, then applies the throttle (which
/// counts passwords and second-factor codes alike): refused, slowed down, or allowed.
pub async fn throttled_attempt(
    core: &Core,
    name: &str,
    address: &str,
    now: i64,
) -> Result<Attempt, UseCaseError> {
    // The attempt counts as failed until it checks out, and it is recorded before the check:
    // concurrent guesses see each other, so no burst gets more checks than the limit allows.
    let id = db::logins::record(&core.db, name, address, false, now)
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
    Ok(Attempt { id, details })
}

/// Starts the user's session: a fresh id (defeating session fixation), the user, the sign-in
/// time and the session generation; the attempt succeeded and `session.login` is audited.
pub async fn start_session(
    core: &Core,
    session: &tower_sessions::Session,
    user: &db::users::Account,
    attempt: &Attempt,
    address: &str,
    now: i64,
) -> Result<(), UseCaseError> {
    session.cycle_id().await.map_err(internal)?;
    let _ = session.remove::<i64>(PENDING_USER).await;
    let _ = session.remove::<i64>(PENDING_AT).await;
    let _ = session.remove::<i64>(PENDING_GENERATION).await;
    session
        .insert(USER_ID, user.principal.id)
        .await
        .map_err(internal)?;
    session.insert(LOGIN_AT, now).await.map_err(internal)?;
    session
        .insert(GENERATION, user.session_generation)
        .await
        .map_err(internal)?;
    let name = user.principal.name.as_str();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    db::logins::mark_succeeded(&mut *tx, attempt.id)
        .await
        .map_err(internal)?;
    let details = attempt.details.clone();
    audit::append(
        &mut tx,
        entry(name, "session.login", name, details, address),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Checks a password. Without a second factor the session starts; with one, the session
/// holds the user as pending until [`super::second_factor::sign_in_code`] checks the code.
pub async fn login(
    core: &Core,
    session: tower_sessions::Session,
    name: &str,
    password: &str,
    address: &str,
) -> Result<SignInStep, UseCaseError> {
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
    if core
        .oidc
        .as_ref()
        .is_some_and(|p| !p.settings.allow_password_login)
    {
        return Err(UseCaseError::Denied(
            "signing in with a password is turned off here; use single sign-on".into(),
        ));
    }
    let name = name.as_str();
    let now = core.now();
    let attempt = throttled_attempt(core, name, address, now).await?;
    let user = db::users::by_name(&core.db, name).await.map_err(internal)?;
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let Some(ok) = password::verify(password.to_owned(), phc).await else {
        return Err(UseCaseError::Throttled(
            "too many sign-ins at once; try again in a moment".into(),
        ));
    };
    // A disabled user or a service account fails like a wrong password: nothing tells a
    // guesser which names exist or what state they are in.
    let Some(user) = user.filter(|u| ok && u.disabled_at.is_none() && u.kind == UserKind::Person)
    else {
        let details = attempt.details.clone();
        audit::append_alone(
            &core.db,
            entry(name, "session.login_failed", name, details, address),
            now,
        )
        .await
        .map_err(internal)?;
        return Err(UseCaseError::BadCredentials);
    };
    // A password set before the policy grew (a common one) still signs in, once: its owner
    // must choose another before anything else.
    if password::check_policy(password).is_err() && !user.must_change_password {
        db::users::require_password_change(&core.db, user.principal.id)
            .await
            .map_err(internal)?;
        let e = entry(name, "user.password_flagged", name, "{}".into(), address);
        audit::append_alone(&core.db, e, now)
            .await
            .map_err(internal)?;
    }
    if user.totp_enabled {
        // The password checked out (its attempt no longer counts as failed); each code is an
        // attempt of its own, throttled alike.
        db::logins::mark_succeeded(&core.db, attempt.id)
            .await
            .map_err(internal)?;
        session.cycle_id().await.map_err(internal)?;
        session
            .insert(PENDING_USER, user.principal.id)
            .await
            .map_err(internal)?;
        session.insert(PENDING_AT, now).await.map_err(internal)?;
        session
            .insert(PENDING_GENERATION, user.session_generation)
            .await
            .map_err(internal)?;
        return Ok(SignInStep::CodeNeeded);
    }
    start_session(core, &session, &user, &attempt, address, now).await?;
    step_after_sign_in(core, &core.db, user.principal).await
}

/// Ends the session; true when it was begun through single sign-on.
pub async fn logout(
    core: &Core,
    session: tower_sessions::Session,
    identity: &Identity,
) -> Result<bool, UseCaseError> {
    let single_sign_on = session
        .get::<bool>(super::single_sign_on::SSO_SESSION)
        .await
        .ok()
        .flatten()
        .unwrap_or(false);
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
    Ok(single_sign_on)
}

/// What the sign-in page offers.
pub async fn sign_in_options(core: &Core, signed_out_of_sso: bool) -> SignInOptions {
    let Some(provider) = &core.oidc else {
        return SignInOptions {
            single_sign_on: None,
            password: true,
            provider_sign_out: None,
        };
    };
    let provider_sign_out = match (signed_out_of_sso, &core.settings.public_url) {
        (true, Some(public)) => {
            let back = format!("{}/login", public.as_str().trim_end_matches('/'));
            provider.end_session_url(&back).await
        }
        _ => None,
    };
    SignInOptions {
        single_sign_on: Some(provider.settings.label.clone()),
        password: provider.settings.allow_password_login,
        provider_sign_out,
    }
}

/// Where a fresh session goes: the account page when the user owes a password change or a
/// required second factor, else where they were going.
pub async fn step_after_sign_in(
    core: &Core,
    db: &sqlx::AnyPool,
    principal: Principal,
) -> Result<SignInStep, UseCaseError> {
    let account = db::users::by_id(db, principal.id)
        .await
        .map_err(internal)?
        .ok_or(UseCaseError::Internal)?;
    // Single sign-on users prove a second factor, if any, to their provider.
    let owes_totp = !account.totp_enabled
        && !account.single_sign_on
        && core
            .settings
            .auth
            .require_totp_for
            .contains(&principal.role);
    Ok(if account.must_change_password || owes_totp {
        SignInStep::AccountFirst(principal)
    } else {
        SignInStep::SignedIn(principal)
    })
}
