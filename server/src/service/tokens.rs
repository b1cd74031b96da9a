//! API tokens: created with scopes and an optional expiry, for oneself or (by an admin) for a
//! service account — never for another person, so that nobody can act in a colleague's name.
//! A token's scopes must lie within its owner's role; the secret is returned once and only
//! its hash stored.

use super::internal;
use super::users::Actor;
use crate::auth::token;
use crate::clock::Clock;
use crate::db::{self, audit};
use app::domain::views::{CreatedToken, TokenForm, TokenRow};
use app::domain::{FieldErrors, Scopes, Timestamp, UserKind, UserName};
use app::use_cases::UseCaseError;
use sqlx::AnyPool;

/// Longest lifetime a token may be given, in days.
pub const MAX_DAYS: i64 = 3650;

/// Creates a token. The actor may create one for themselves, an admin (`may_administer`) also
/// for a service account, the CLI (`actor.id` none) for anyone.
pub async fn create(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    may_administer: bool,
    request: &TokenForm,
) -> Result<CreatedToken, UseCaseError> {
    let mut errors = FieldErrors::new();
    let label = request.name.trim();
    if label.is_empty() || label.chars().count() > 100 {
        errors.add("name", "must be 1 to 100 characters");
    }
    errors.check_text("name", label);
    let scopes = Scopes::parse(&request.scopes)
        .map_err(|e| errors.add("scopes", e))
        .ok();
    let now = clock.now_ms();
    let expires_at = match request.expires_in_days.trim() {
        "" => None,
        days => {
            match days.parse::<i64>() {
                Ok(days) if (1..=MAX_DAYS).contains(&days) => Some(now + days * 86_400_000),
                _ => {
                    errors.add(
                    "expires_in_days",
                    format!("must be a whole number of days from 1 to {MAX_DAYS}, or empty for never"),
                );
                    None
                }
            }
        }
    };
    let owner = match UserName::parse(request.user.trim()) {
        Ok(name) => db::users::by_name(db, name.as_str())
            .await
            .map_err(internal)?,
        Err(_) => None,
    };
    let owner = match owner {
        None => {
            errors.add("user", "no such user");
            None
        }
        Some(owner) if Some(owner.principal.id) == actor.id => Some(owner),
        // The command line runs on the server's host with its database: the operator's
        // break-glass, audited as `cli`, may make a token for anyone.
        Some(owner) if actor.id.is_none() => Some(owner),
        Some(owner) if owner.kind == UserKind::Service && may_administer => Some(owner),
        Some(owner) => {
            errors.add(
                "user",
                format!(
                    "{} is not a service account: a person's tokens are theirs to create",
                    owner.principal.name
                ),
            );
            None
        }
    };
    if let (Some(owner), Some(scopes)) = (&owner, &scopes) {
        let beyond: Vec<&str> = scopes
            .iter()
            .filter(|s| !owner.principal.role.allows(s.grants()))
            .map(|s| s.as_str())
            .collect();
        if !beyond.is_empty() {
            errors.add(
                "scopes",
                format!(
                    "{} goes beyond what the role {} of {} allows",
                    beyond.join(", "),
                    owner.principal.role,
                    owner.principal.name
                ),
            );
        }
        if owner.disabled_at.is_some() {
            errors.add("user", format!("{} is disabled", owner.principal.name));
        }
    }
    let (Some(owner), Some(scopes)) = (owner, scopes) else {
        return Err(UseCaseError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(UseCaseError::Invalid(errors));
    }
    let secret = token::generate();
    let digest = token::digest(&secret);
    let new = db::tokens::NewToken {
        user_id: owner.principal.id,
        name: label,
        token_hash: &digest,
        scopes: &scopes,
        expires_at,
    };
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    let id = db::tokens::insert(&mut *tx, &new, now)
        .await
        .map_err(internal)?;
    let details = serde_json::json!({
        "token_id": id,
        "name": label,
        "scopes": scopes.to_string(),
        "expires_at": expires_at,
    })
    .to_string();
    let entry = audit::Entry {
        actor: actor.name,
        action: "token.create",
        target: &owner.principal.name,
        environment: None,
        details,
        address: actor.address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    let row = TokenRow {
        id,
        user: owner.principal.name,
        name: label.to_owned(),
        scopes,
        created_at: Timestamp::from_millis(now),
        expires_at: expires_at.map(Timestamp::from_millis),
        last_used_at: None,
        revoked_at: None,
    };
    Ok(CreatedToken { row, secret })
}

/// Revokes a token by id: any token for an admin or the CLI (`owner` none), else only one of
/// `owner`'s own.
pub async fn revoke(
    db: &AnyPool,
    clock: &dyn Clock,
    actor: Actor<'_>,
    owner: Option<i64>,
    id: i64,
) -> Result<(), UseCaseError> {
    let now = clock.now_ms();
    let mut tx = db::begin_write(db).await.map_err(internal)?;
    if !db::tokens::revoke(&mut *tx, id, owner, now)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::NotFound(format!("active token {id}")));
    }
    let entry = audit::Entry {
        actor: actor.name,
        action: "token.revoke",
        target: &id.to_string(),
        environment: None,
        details: serde_json::json!({ "token_id": id }).to_string(),
        address: actor.address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}
