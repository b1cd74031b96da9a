//! Two-factor sign-in for password accounts: enrol (after the current password, a secret
//! offered as a QR code and text, confirmed by a first code, with one-time recovery codes
//! shown once), the code asked after the password (throttled per address with the passwords
//! and per account on its own, each code single-use), and turning it off.

use super::accounts::{self, PENDING_AT, PENDING_GENERATION, PENDING_MS, PENDING_USER};
use super::internal;
use super::sign_in_throttle as throttle;
use crate::auth::totp;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::views::{Principal, SignInStep, TotpOffer};
use app::domain::FieldErrors;
use app::use_cases::UseCaseError;

/// Wrong codes an account takes within the throttle's window, from all addresses together,
/// before codes are refused.
pub const MAX_CODE_FAILURES_PER_ACCOUNT: i64 = 10;

fn invalid_code() -> UseCaseError {
    let mut errors = FieldErrors::new();
    errors.add("code", "is not a current code from your authenticator app");
    UseCaseError::Invalid(errors)
}

fn entry<'a>(who: &'a str, action: &'a str, details: String, address: &'a str) -> audit::Entry<'a> {
    audit::Entry {
        actor: who,
        action,
        target: who,
        environment: None,
        details,
        address,
    }
}

/// Offers a fresh secret for the actor's authenticator app (replacing an earlier offer), once
/// their current password checks out: a borrowed session cannot enrol someone else's app.
pub async fn offer(
    core: &Core,
    actor: &Principal,
    address: &str,
    password: &str,
) -> Result<TotpOffer, UseCaseError> {
    super::own_account::confirm_password(core, actor, address, password, "password").await?;
    if db::second_factor::secret(&core.db, actor.id)
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(UseCaseError::Conflict(
            "two-factor sign-in is already on; turn it off first to enrol another app".into(),
        ));
    }
    let secret = totp::new_secret();
    let (uri, qr_svg) = totp::enrolment(&secret, &actor.name).ok_or(UseCaseError::Internal)?;
    db::second_factor::offer(&core.db, actor.id, &secret)
        .await
        .map_err(internal)?;
    Ok(TotpOffer {
        secret,
        uri,
        qr_svg,
    })
}

/// Confirms the offered secret with a first code: two-factor sign-in is on, and the recovery
/// codes are returned (shown once; only their hashes are kept).
pub async fn confirm(
    core: &Core,
    actor: &Principal,
    address: &str,
    code: &str,
) -> Result<Vec<String>, UseCaseError> {
    let pending = db::second_factor::pending(&core.db, actor.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::Conflict("set up two-factor sign-in first".into()))?;
    let step = totp::matching_step(&pending, code, core.now(), None).ok_or_else(invalid_code)?;
    let codes = totp::recovery_codes();
    let digests: Vec<String> = codes.iter().map(|c| totp::recovery_digest(c)).collect();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    // Only the secret the code was checked against is confirmed: a second submission, or an
    // offer made meanwhile, turns nothing on.
    if !db::second_factor::confirm(&mut *tx, actor.id, &pending, step)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::Conflict(
            "the offer changed meanwhile; set up two-factor sign-in again".into(),
        ));
    }
    db::second_factor::store_recovery_codes(&mut tx, actor.id, &digests)
        .await
        .map_err(internal)?;
    let e = entry(&actor.name, "user.totp_enable", "{}".into(), address);
    audit::append(&mut tx, e, core.now())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(codes)
}

/// Turns two-factor sign-in off, given a current code (throttled, and used up like a sign-in
/// code); refused while the role requires it.
pub async fn turn_off(
    core: &Core,
    actor: &Principal,
    address: &str,
    code: &str,
) -> Result<(), UseCaseError> {
    if core.settings.auth.require_totp_for.contains(&actor.role) {
        return Err(UseCaseError::Conflict(format!(
            "two-factor sign-in is required for the role {}",
            actor.role
        )));
    }
    let now = core.now();
    let attempt = accounts::throttled_attempt(core, &actor.name, address, now).await?;
    let (secret, last) = db::second_factor::secret(&core.db, actor.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::Conflict("two-factor sign-in is not on".into()))?;
    let step = totp::matching_step(&secret, code, now, last).ok_or_else(invalid_code)?;
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    if !db::second_factor::use_step(&mut *tx, actor.id, step)
        .await
        .map_err(internal)?
    {
        return Err(invalid_code());
    }
    db::second_factor::remove(&mut tx, actor.id)
        .await
        .map_err(internal)?;
    db::logins::mark_succeeded(&mut *tx, attempt.id)
        .await
        .map_err(internal)?;
    let e = entry(&actor.name, "user.totp_disable", "{}".into(), address);
    audit::append(&mut tx, e, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Checks the code (or a recovery code) that follows a password that checked out, and starts
/// the session. A code signs in once.
pub async fn sign_in_code(
    core: &Core,
    session: tower_sessions::Session,
    code: &str,
    address: &str,
) -> Result<SignInStep, UseCaseError> {
    let now = core.now();
    let pending = session.get::<i64>(PENDING_USER).await.ok().flatten();
    let since = session.get::<i64>(PENDING_AT).await.ok().flatten();
    let generation = session.get::<i64>(PENDING_GENERATION).await.ok().flatten();
    let expired = || UseCaseError::Conflict("sign in with your password first".into());
    let Some(user_id) = pending.filter(|_| since.is_some_and(|at| now - at <= PENDING_MS)) else {
        return Err(expired());
    };
    // A password reset or a disable since the password checked out ends the wait too.
    let user = db::users::by_id(&core.db, user_id)
        .await
        .map_err(internal)?
        .filter(|u| u.disabled_at.is_none() && Some(u.session_generation) == generation)
        .ok_or_else(expired)?;
    let name = user.principal.name.as_str();
    let attempt = accounts::throttled_attempt(core, name, address, now).await?;
    // Per address the sign-in throttle holds; per account, from any address, this does: an
    // attacker with the password and many addresses still gets a bounded number of guesses.
    let window_start = now - throttle::WINDOW_MS;
    let failures = db::second_factor::failures(&core.db, user_id, window_start)
        .await
        .map_err(internal)?;
    if failures >= MAX_CODE_FAILURES_PER_ACCOUNT {
        let details = serde_json::json!({ "limit": "codes_per_account" }).to_string();
        audit::append_alone(
            &core.db,
            entry(name, "session.login_throttled", details, address),
            now,
        )
        .await
        .map_err(internal)?;
        return Err(UseCaseError::Throttled(
            "too many wrong codes for this account; try again in 15 minutes".into(),
        ));
    }
    let (secret, last) = db::second_factor::secret(&core.db, user_id)
        .await
        .map_err(internal)?
        .ok_or_else(expired)?;
    let accepted = match totp::matching_step(&secret, code, now, last) {
        // Recorded before the session starts: a second request with the same code loses.
        Some(step) => db::second_factor::use_step(&core.db, user_id, step)
            .await
            .map_err(internal)?,
        None => {
            let digest = totp::recovery_digest(code);
            code.trim().len() > 6
                && db::second_factor::use_recovery_code(&core.db, user_id, &digest, now)
                    .await
                    .map_err(internal)?
        }
    };
    if !accepted {
        db::second_factor::count_failure(&core.db, user_id, now, window_start)
            .await
            .map_err(internal)?;
        let details = attempt.details.clone();
        audit::append_alone(
            &core.db,
            entry(name, "session.code_failed", details, address),
            now,
        )
        .await
        .map_err(internal)?;
        return Err(invalid_code());
    }
    db::second_factor::clear_failures(&core.db, user_id)
        .await
        .map_err(internal)?;
    accounts::start_session(core, &session, &user, &attempt, address, now).await?;
    accounts::step_after_sign_in(core, &core.db, user.principal).await
}
