//! Two-factor sign-in for password accounts: enrol (a secret offered as a QR code and text,
//! confirmed by a first code, with one-time recovery codes shown once), the code asked after
//! the password (throttled with the passwords, each code single-use), and turning it off.

use super::accounts::{self, PENDING_AT, PENDING_MS, PENDING_USER};
use super::internal;
use crate::auth::totp;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::views::{Principal, TotpOffer};
use app::domain::FieldErrors;
use app::use_cases::UseCaseError;

fn invalid_code() -> UseCaseError {
    let mut errors = FieldErrors::new();
    errors.add("code", "is not a current code from your authenticator app");
    UseCaseError::Invalid(errors)
}

async fn record(
    core: &Core,
    actor: &Principal,
    action: &str,
    address: &str,
) -> Result<(), UseCaseError> {
    let entry = audit::Entry {
        actor: &actor.name,
        action,
        target: &actor.name,
        environment: None,
        details: "{}".into(),
        address,
    };
    audit::append_alone(&core.db, entry, core.now())
        .await
        .map_err(internal)
}

/// Offers a fresh secret for the actor's authenticator app (replacing an earlier offer).
pub async fn offer(core: &Core, actor: &Principal) -> Result<TotpOffer, UseCaseError> {
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
    db::second_factor::confirm(&mut *tx, actor.id, step)
        .await
        .map_err(internal)?;
    db::second_factor::store_recovery_codes(&mut tx, actor.id, &digests)
        .await
        .map_err(internal)?;
    let entry = audit::Entry {
        actor: &actor.name,
        action: "user.totp_enable",
        target: &actor.name,
        environment: None,
        details: "{}".into(),
        address,
    };
    audit::append(&mut tx, entry, core.now())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(codes)
}

/// Turns two-factor sign-in off, given a current code; refused while the role requires it.
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
    let (secret, last) = db::second_factor::secret(&core.db, actor.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::Conflict("two-factor sign-in is not on".into()))?;
    totp::matching_step(&secret, code, core.now(), last).ok_or_else(invalid_code)?;
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    db::second_factor::remove(&mut tx, actor.id)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    record(core, actor, "user.totp_disable", address).await
}

/// Checks the code (or a recovery code) that follows a password that checked out, and starts
/// the session. Throttled with the passwords; a code signs in once.
pub async fn sign_in_code(
    core: &Core,
    session: tower_sessions::Session,
    code: &str,
    address: &str,
) -> Result<Principal, UseCaseError> {
    let now = core.now();
    let pending = session.get::<i64>(PENDING_USER).await.ok().flatten();
    let since = session.get::<i64>(PENDING_AT).await.ok().flatten();
    let expired = || UseCaseError::Conflict("sign in with your password first".into());
    let Some(user_id) = pending.filter(|_| since.is_some_and(|at| now - at <= PENDING_MS)) else {
        return Err(expired());
    };
    let user = db::users::by_id(&core.db, user_id)
        .await
        .map_err(internal)?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(expired)?;
    let attempt = accounts::throttled_attempt(core, &user.principal.name, address, now).await?;
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
        let entry = audit::Entry {
            actor: &user.principal.name,
            action: "session.code_failed",
            target: &user.principal.name,
            environment: None,
            details: attempt.details.clone(),
            address,
        };
        audit::append_alone(&core.db, entry, now)
            .await
            .map_err(internal)?;
        return Err(invalid_code());
    }
    accounts::start_session(core, &session, &user, &attempt, address, now).await?;
    Ok(user.principal)
}
