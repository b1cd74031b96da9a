//! The user lifecycle, for admins (pages) and the CLI alike: add a person or a service
//! account, disable and re-enable, change role, reset password, rename. Each change is
//! audited in the same transaction; disabling ends the user's sessions and stops their tokens
//! at once (both are checked against the row on every request).

use super::internal;
use crate::auth::password;
use crate::clock::Clock;
use crate::db::{self, audit};
use app::domain::views::{PasswordReset, UserRow};
use app::domain::{FieldErrors, Role, Timestamp, UserKind, UserName};
use app::use_cases::UseCaseError;
use sqlx::AnyPool;

/// Who asks: an admin (with their id) or the CLI (no id), and from where.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The admin's id; `None` for the CLI.
    pub id: Option<i64>,
    /// Name written to the audit log (`cli` for the command line).
    pub name: &'a str,
    /// Client address (`local` for the command line).
    pub address: &'a str,
}

impl<'a> Actor<'a> {
    /// A signed-in user acting through a page or the API.
    pub fn admin(principal: &'a app::domain::views::Principal, address: &'a str) -> Self {
        Self {
            id: Some(principal.id),
            name: &principal.name,
            address,
        }
    }

    /// The command line on the server's host.
    pub fn cli() -> Self {
        Self {
            id: None,
            name: "cli",
            address: "local",
        }
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> UseCaseError {
    let mut errors = FieldErrors::new();
    errors.add(field, reason);
    UseCaseError::Invalid(errors)
}

async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: Actor<'_>,
    action: &str,
    target: &str,
    details: serde_json::Value,
    at: i64,
) -> Result<(), UseCaseError> {
    let entry = audit::Entry {
        actor: actor.name,
        action,
        target,
        environment: None,
        details: details.to_string(),
        address: actor.address,
    };
    audit::append(tx, entry, at).await.map_err(internal)
}

/// Adds a user. A person needs a password that passes the policy; a service account has
/// none (it never signs in and exists to own tokens).
pub async fn add(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
    role: Role,
    kind: UserKind,
    password_text: &str,
) -> Result<UserRow, UseCaseError> {
    let mut errors = FieldErrors::new();
    let name = UserName::parse(name)
        .map_err(|e| errors.add("name", e))
        .ok();
    match kind {
        UserKind::Person => {
            if let Err(e) = password::check_policy(password_text) {
                errors.add("password", e);
            }
        }
        UserKind::Service if !password_text.is_empty() => {
            errors.add("password", "a service account has no password");
        }
        UserKind::Service => {}
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(UseCaseError::Invalid(errors));
    };
    let hash = match kind {
        UserKind::Person => password::hash(password_text.to_owned())
            .await
            .map_err(internal)?,
        UserKind::Service => db::users::NO_PASSWORD.to_owned(),
    };
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    if db::users::by_name(&mut *tx, name.as_str())
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(UseCaseError::Conflict(format!(
            "user {name} already exists"
        )));
    }
    let id = db::users::insert(&mut *tx, name.as_str(), role, kind, &hash, now)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "role": role.as_str(), "kind": kind.as_str() });
    record(&mut tx, actor, "user.add", name.as_str(), details, now).await?;
    tx.commit().await.map_err(internal)?;
    Ok(UserRow {
        id,
        name: name.to_string(),
        role,
        kind,
        created_at: Timestamp::from_millis(now),
        disabled_at: None,
        must_change_password: false,
        totp_enabled: false,
        single_sign_on: false,
    })
}

/// The account named `name`, or 404.
async fn existing(
    conn: &mut sqlx::AnyConnection,
    name: &str,
) -> Result<db::users::Account, UseCaseError> {
    let found = match UserName::parse(name) {
        Ok(name) => db::users::by_name(&mut *conn, name.as_str())
            .await
            .map_err(internal)?,
        Err(_) => None,
    };
    found.ok_or_else(|| UseCaseError::NotFound(format!("user {name}")))
}

/// Refuses a change that would leave no enabled admin who can sign in.
async fn keep_an_admin(
    conn: &mut sqlx::AnyConnection,
    user: &db::users::Account,
    what: &str,
) -> Result<(), UseCaseError> {
    db::users::lock_admins(&mut *conn).await.map_err(internal)?;
    let is_last = user.principal.role == Role::Admin
        && user.kind == UserKind::Person
        && user.disabled_at.is_none()
        && db::users::enabled_admins(&mut *conn)
            .await
            .map_err(internal)?
            <= 1;
    if is_last {
        return Err(UseCaseError::Conflict(format!(
            "{} is the last enabled admin; {what} would leave nobody to administer Greenlight",
            user.principal.name
        )));
    }
    Ok(())
}

/// Disables (`disable`) or re-enables a user. Disabling ends their sessions and stops their
/// tokens at once; an admin cannot disable themselves, nor the last enabled admin.
pub async fn set_disabled(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
    disable: bool,
) -> Result<UserRow, UseCaseError> {
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let user = existing(&mut tx, name).await?;
    if disable {
        if actor.id == Some(user.principal.id) {
            return Err(UseCaseError::Conflict("you cannot disable yourself".into()));
        }
        keep_an_admin(&mut tx, &user, "disabling them").await?;
    }
    if user.disabled_at.is_some() == disable {
        let state = if disable { "disabled" } else { "enabled" };
        return Err(UseCaseError::Conflict(format!(
            "user {} is already {state}",
            user.principal.name
        )));
    }
    db::users::set_disabled(&mut *tx, user.principal.id, disable.then_some(now))
        .await
        .map_err(internal)?;
    let action = if disable {
        "user.disable"
    } else {
        "user.enable"
    };
    record(
        &mut tx,
        actor,
        action,
        &user.principal.name,
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    row(db, user.principal.id).await
}

/// Changes a user's role; it applies to their sessions and tokens on the next request.
pub async fn set_role(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
    role: Role,
) -> Result<UserRow, UseCaseError> {
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let user = existing(&mut tx, name).await?;
    if user.principal.role == role {
        return Err(invalid(
            "role",
            format!("{name} already has the role {role}"),
        ));
    }
    if role != Role::Admin {
        keep_an_admin(&mut tx, &user, "changing their role").await?;
    }
    db::users::set_role(&mut *tx, user.principal.id, role)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "from": user.principal.role.as_str(), "to": role.as_str() });
    record(
        &mut tx,
        actor,
        "user.set_role",
        &user.principal.name,
        details,
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    row(db, user.principal.id).await
}

/// Resets a person's password to `chosen`, or to a generated one shown once when `chosen` is
/// empty; either way they must change it at the next sign-in, their sessions end and their
/// tokens are revoked.
pub async fn reset_password(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
    chosen: &str,
) -> Result<PasswordReset, UseCaseError> {
    let generated = chosen.is_empty().then(password::generate);
    let new_password = generated.clone().unwrap_or_else(|| chosen.to_owned());
    password::check_policy(&new_password).map_err(|e| invalid("password", e))?;
    let hash = password::hash(new_password).await.map_err(internal)?;
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let user = existing(&mut tx, name).await?;
    if user.kind == UserKind::Service {
        return Err(invalid("name", "a service account has no password"));
    }
    if user.single_sign_on {
        return Err(invalid(
            "name",
            "signs in through single sign-on; the identity provider keeps the password",
        ));
    }
    db::users::set_password(&mut *tx, user.principal.id, &hash, true)
        .await
        .map_err(internal)?;
    // A reset usually follows a compromise: the person's tokens go with the old password.
    let revoked = db::tokens::revoke_all_of(&mut *tx, user.principal.id, now)
        .await
        .map_err(internal)?;
    let details =
        serde_json::json!({ "generated": generated.is_some(), "tokens_revoked": revoked });
    record(
        &mut tx,
        actor,
        "user.reset_password",
        &user.principal.name,
        details,
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(PasswordReset {
        user: user.principal.name,
        generated,
    })
}

/// Turns a user's two-factor sign-in off (they lost their device and their recovery codes);
/// they set it up again at their next sign-in if their role requires it.
pub async fn reset_two_factor(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
) -> Result<UserRow, UseCaseError> {
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let user = existing(&mut tx, name).await?;
    if !user.totp_enabled {
        return Err(UseCaseError::Conflict(format!(
            "{} has no two-factor sign-in to reset",
            user.principal.name
        )));
    }
    db::second_factor::remove(&mut tx, user.principal.id)
        .await
        .map_err(internal)?;
    let target = user.principal.name.as_str();
    record(
        &mut tx,
        actor,
        "user.totp_reset",
        target,
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    row(db, user.principal.id).await
}

/// Renames a user. History keeps the name each record was written under; four-eyes compares
/// ids, so it holds across the rename.
pub async fn rename(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    name: &str,
    new_name: &str,
) -> Result<UserRow, UseCaseError> {
    let new_name = UserName::parse(new_name).map_err(|e| invalid("new_name", e))?;
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let user = existing(&mut tx, name).await?;
    if db::users::by_name(&mut *tx, new_name.as_str())
        .await
        .map_err(internal)?
        .is_some()
    {
        return Err(UseCaseError::Conflict(format!(
            "user {new_name} already exists"
        )));
    }
    db::users::rename(&mut *tx, user.principal.id, new_name.as_str())
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "from": user.principal.name, "to": new_name.as_str() });
    record(
        &mut tx,
        actor,
        "user.rename",
        new_name.as_str(),
        details,
        now,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    row(db, user.principal.id).await
}

async fn row(db: &AnyPool, id: i64) -> Result<UserRow, UseCaseError> {
    db::users::list(db)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(UseCaseError::Internal)
}
