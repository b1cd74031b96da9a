//! What a signed-in user does to their own account: change the password (the current one
//! required, through the sign-in throttle), end their other sessions, and confirm their
//! password before a sensitive change.

use super::accounts::{entry, throttled_attempt};
use super::internal;
use crate::auth::middleware::GENERATION;
use crate::auth::password;
use crate::core::Core;
use crate::db::{self, audit};
use app::domain::views::Principal;
use app::domain::FieldErrors;
use app::use_cases::UseCaseError;

/// Changes the signed-in user's own password (the current one required), ends their other
/// sessions and keeps this one; clears a pending "must change" after an admin's reset.
pub async fn change_password(
    core: &Core,
    session: tower_sessions::Session,
    actor: &Principal,
    address: &str,
    current: &str,
    new: &str,
) -> Result<(), UseCaseError> {
    let mut errors = FieldErrors::new();
    if let Err(reason) = password::check_policy(new) {
        errors.add("new_password", reason);
    }
    if current == new {
        errors.add("new_password", "must differ from the current password");
    }
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    confirm_password(core, actor, address, current, "current_password").await?;
    let hash = password::hash(new.to_owned()).await.map_err(internal)?;
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    let generation = db::users::set_password(&mut *tx, actor.id, &hash, false)
        .await
        .map_err(internal)?;
    let e = entry(
        &actor.name,
        "user.change_password",
        &actor.name,
        "{}".into(),
        address,
    );
    audit::append(&mut tx, e, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    // This session carries on under the new generation; every other one has ended.
    session.cycle_id().await.map_err(internal)?;
    session
        .insert(GENERATION, generation)
        .await
        .map_err(internal)
}

/// Ends every other session of the signed-in user; this one carries on.
pub async fn end_other_sessions(
    core: &Core,
    session: tower_sessions::Session,
    actor: &Principal,
    address: &str,
) -> Result<(), UseCaseError> {
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    let generation = db::users::end_sessions(&mut *tx, actor.id)
        .await
        .map_err(internal)?;
    let e = entry(
        &actor.name,
        "session.end_others",
        &actor.name,
        "{}".into(),
        address,
    );
    audit::append(&mut tx, e, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    session
        .insert(GENERATION, generation)
        .await
        .map_err(internal)
}

/// Checks the signed-in user's own password before a sensitive change, through the sign-in
/// throttle (a borrowed session cannot guess it freely); a wrong one is refused naming `field`.
pub async fn confirm_password(
    core: &Core,
    actor: &Principal,
    address: &str,
    password_text: &str,
    field: &str,
) -> Result<(), UseCaseError> {
    let now = core.now();
    let attempt = throttled_attempt(core, &actor.name, address, now).await?;
    let user = db::users::by_id(&core.db, actor.id)
        .await
        .map_err(internal)?
        .ok_or(UseCaseError::Unauthenticated)?;
    let Some(ok) = password::verify(password_text.to_owned(), Some(user.password_hash)).await
    else {
        return Err(UseCaseError::Throttled(
            "too many password checks at once; try again in a moment".into(),
        ));
    };
    if !ok {
        let mut errors = FieldErrors::new();
        errors.add(field, "is not your current password");
        return Err(UseCaseError::Invalid(errors));
    }
    db::logins::mark_succeeded(&core.db, attempt.id)
        .await
        .map_err(internal)
}
