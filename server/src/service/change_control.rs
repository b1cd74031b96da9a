//! Change control at run time: freezing an environment (and lifting the freeze), taking,
//! releasing and breaking its lock, and the check every accepted deployment passes inside its
//! own transaction — so a freeze or lock set a moment before cannot be slipped past.

use super::internal;
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db::change_control::FreezeRow;
use crate::db::{self, audit};
use app::domain::change_control::{
    freeze_gate, lock_gate, parse_reason, Freeze, FreezeSource, Lock, WindowView,
};
use app::domain::notification::EventKind;
use app::domain::views::Principal;
use app::domain::{DeploymentKind, EnvironmentName, FieldErrors, Role};
use app::use_cases::UseCaseError;

pub(crate) fn reason(text: &str, field: &str) -> Result<String, UseCaseError> {
    parse_reason(text).map_err(|why| {
        let mut errors = FieldErrors::new();
        errors.add(field, why);
        UseCaseError::Invalid(errors)
    })
}

fn settings<'a>(
    core: &'a Core,
    environment: &EnvironmentName,
) -> Result<&'a EnvironmentSettings, UseCaseError> {
    core.environment(environment)
        .map(|(_, env)| env)
        .ok_or_else(|| UseCaseError::NotFound(format!("environment {environment}")))
}

/// The freeze in force on `env` at `now`: its config's, else a person's, else a scheduled
/// window's.
pub async fn freeze_of<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    env: &EnvironmentSettings,
    now: i64,
) -> Result<Option<Freeze>, UseCaseError> {
    if let Some(reason) = &env.frozen {
        return Ok(Some(Freeze::config(reason.clone())));
    }
    let row = db::change_control::freeze(db, env.name.as_str())
        .await
        .map_err(internal)?;
    if let Some(row) = row {
        return Ok(Some(Freeze::run_time(
            row.reason,
            row.frozen_by,
            row.frozen_at,
        )));
    }
    Ok(env.freeze_windows().into_iter().find_map(|window| {
        window
            .active(now)
            .map(|span| Freeze::window(window.reason.clone(), window.name.clone(), span.end))
    }))
}

/// The scheduled freeze window of `env` that holds `now` or comes first after it.
pub fn next_window(env: &EnvironmentSettings, now: i64) -> Option<WindowView> {
    env.freeze_windows()
        .into_iter()
        .filter_map(|window| {
            window.current_or_next(now).map(|span| WindowView {
                name: window.name.clone(),
                reason: window.reason.clone(),
                start: span.start,
                end: span.end,
            })
        })
        .min_by_key(|view| view.start)
}

/// A warning when a deployment accepted at `now` would still be verifying or keeping its old
/// fleet warm (health deadline, verify window and warm retention at their longest) when a
/// scheduled freeze window of `env` begins: a rollback is allowed in a freeze, a fix forward
/// is not.
pub fn warm_window_warnings(env: &EnvironmentSettings, now: i64) -> Vec<String> {
    let settled_by = now
        + env.health_deadline.as_millis_i64()
        + env.verify_window.as_millis_i64()
        + env.warm_retention.as_millis_i64();
    env.freeze_windows()
        .into_iter()
        .filter_map(|window| {
            let span = window.current_or_next(now)?;
            (span.start > now && span.start < settled_by).then(|| {
                format!(
                    "The warm window would run into freeze window {} from {}: once it begins, only a rollback may follow this promotion.",
                    window.name,
                    app::domain::Timestamp::from_millis(span.start).to_display()
                )
            })
        })
        .collect()
}

/// The lock on `environment` that has not lapsed by `now`.
pub async fn lock_of<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    environment: &str,
    now: i64,
) -> Result<Option<Lock>, UseCaseError> {
    let lock = db::change_control::lock(db, environment)
        .await
        .map_err(internal)?;
    Ok(lock.filter(|l| l.expires_at > now))
}

async fn append(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &Principal,
    address: &str,
    action: &str,
    environment: &str,
    details: serde_json::Value,
    now: i64,
) -> Result<(), UseCaseError> {
    let entry = audit::Entry {
        actor: &actor.name,
        action,
        target: environment,
        environment: Some(environment),
        details: details.to_string(),
        address,
    };
    audit::append(tx, entry, now).await.map_err(internal)
}

/// Writes a notification event in the transaction of what causes it.
async fn tell(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    event: EventKind,
    environment: &EnvironmentName,
    summary: &str,
    now: i64,
) -> Result<(), UseCaseError> {
    db::notifications::record(
        &mut **tx,
        event.as_str(),
        Some(environment.as_str()),
        None,
        summary,
        now,
    )
    .await
    .map_err(internal)
}

/// Freezes `environment` with a reason: deploys and promotions into it are refused until it
/// is lifted (rollback and scaling stay allowed).
pub async fn freeze(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    text: &str,
) -> Result<Freeze, UseCaseError> {
    let env = settings(core, environment)?;
    let reason = reason(text, "reason")?;
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    // A scheduled window ends by itself; a person may freeze beyond it.
    if let Some(freeze) = freeze_of(&mut *tx, env, now)
        .await?
        .filter(|f| f.source != FreezeSource::Window)
    {
        return Err(UseCaseError::Conflict(format!(
            "{} is frozen already: {}",
            env.title,
            freeze.describe()
        )));
    }
    let row = FreezeRow {
        reason: reason.clone(),
        frozen_by: actor.name.clone(),
        frozen_at: now,
    };
    db::change_control::set_freeze(&mut *tx, environment.as_str(), &row, Some(actor.id))
        .await
        .map_err(|e| super::conflict_on_unique(e, format!("{} is frozen already", env.title)))?;
    let details = serde_json::json!({ "reason": reason });
    append(
        &mut tx,
        actor,
        address,
        "environment.freeze",
        environment.as_str(),
        details,
        now,
    )
    .await?;
    let summary = format!("{} froze {}: {reason}", actor.name, env.title);
    tell(&mut tx, EventKind::FreezeSet, environment, &summary, now).await?;
    tx.commit().await.map_err(internal)?;
    Ok(Freeze::run_time(reason, actor.name.clone(), now))
}

/// Lifts a person's freeze; a freeze in the config is lifted only by changing the config.
pub async fn lift(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
) -> Result<(), UseCaseError> {
    let env = settings(core, environment)?;
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    let row = db::change_control::freeze(&mut *tx, environment.as_str())
        .await
        .map_err(internal)?;
    let Some(row) = row else {
        return Err(UseCaseError::Conflict(match &env.frozen {
            Some(_) => format!(
                "{} is frozen by its configuration (key `frozen`); only a config change lifts that",
                env.title
            ),
            None => format!("{} is not frozen", env.title),
        }));
    };
    db::change_control::lift(&mut *tx, environment.as_str())
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "reason": row.reason, "frozen_by": row.frozen_by });
    append(
        &mut tx,
        actor,
        address,
        "environment.unfreeze",
        environment.as_str(),
        details,
        now,
    )
    .await?;
    let summary = format!(
        "{} lifted the freeze of {} ({})",
        actor.name, env.title, row.reason
    );
    tell(&mut tx, EventKind::FreezeLifted, environment, &summary, now).await?;
    tx.commit().await.map_err(internal)
}

/// Takes `environment`'s lock (or renews one's own) until now + `lock_expiry`.
pub async fn take_lock(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    text: &str,
) -> Result<Lock, UseCaseError> {
    let env = settings(core, environment)?;
    let reason = reason(text, "reason")?;
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    if let Some(held) = lock_of(&mut *tx, environment.as_str(), now).await? {
        if held.holder_id != actor.id {
            return Err(UseCaseError::Conflict(format!(
                "{} is locked by {} since {}: {}",
                env.title,
                held.holder,
                app::domain::Timestamp::from_millis(held.since).to_display(),
                held.reason
            )));
        }
    }
    // A lapsed lock, or one's own being renewed, makes way.
    db::change_control::drop_lock(&mut *tx, environment.as_str())
        .await
        .map_err(internal)?;
    let lock = Lock {
        holder: actor.name.clone(),
        holder_id: actor.id,
        reason,
        since: now,
        expires_at: now + core.settings.lock_expiry.as_millis_i64(),
    };
    db::change_control::take_lock(&mut *tx, environment.as_str(), &lock)
        .await
        .map_err(|e| super::conflict_on_unique(e, format!("{} was locked just now", env.title)))?;
    let details = serde_json::json!({ "reason": lock.reason, "expires_at": lock.expires_at });
    append(
        &mut tx,
        actor,
        address,
        "environment.lock",
        environment.as_str(),
        details,
        now,
    )
    .await?;
    let summary = format!(
        "{} took the lock of {}: {}",
        actor.name, env.title, lock.reason
    );
    tell(&mut tx, EventKind::LockTaken, environment, &summary, now).await?;
    tx.commit().await.map_err(internal)?;
    Ok(lock)
}

/// Releases one's own lock, or (`break_it`, admins) someone else's — audited as a break.
pub async fn release_lock(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    break_it: bool,
) -> Result<(), UseCaseError> {
    let env = settings(core, environment)?;
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    let Some(held) = lock_of(&mut *tx, environment.as_str(), now).await? else {
        return Err(UseCaseError::Conflict(format!(
            "{} is not locked",
            env.title
        )));
    };
    let action = if held.holder_id == actor.id {
        "environment.unlock"
    } else if !break_it {
        return Err(UseCaseError::Denied(format!(
            "the lock is {}'s; only they release it, or an admin breaks it",
            held.holder
        )));
    } else if actor.role != Role::Admin {
        return Err(UseCaseError::Denied(
            "only an admin breaks someone else's lock".into(),
        ));
    } else {
        "environment.lock_broken"
    };
    db::change_control::drop_lock(&mut *tx, environment.as_str())
        .await
        .map_err(internal)?;
    let details = serde_json::json!({ "holder": held.holder, "reason": held.reason });
    append(
        &mut tx,
        actor,
        address,
        action,
        environment.as_str(),
        details,
        now,
    )
    .await?;
    if action == "environment.lock_broken" {
        let summary = format!(
            "{} broke {}'s lock of {} ({})",
            actor.name, held.holder, env.title, held.reason
        );
        tell(&mut tx, EventKind::LockBroken, environment, &summary, now).await?;
    }
    tx.commit().await.map_err(internal)
}

/// The change-control gates of a deployment of `kind` into `env` asked by `actor`: the lock
/// (every kind), and the freeze (deploys and promotions), which an admin may override with a
/// reason. Returns the override that applied, for the record.
pub async fn check(
    conn: &mut sqlx::AnyConnection,
    env: &EnvironmentSettings,
    kind: DeploymentKind,
    actor: &Principal,
    override_reason: Option<&str>,
    now: i64,
) -> Result<Option<String>, UseCaseError> {
    let mut failed = Vec::new();
    if let Some(gate) = lock_gate(
        lock_of(&mut *conn, env.name.as_str(), now).await?.as_ref(),
        actor.id,
    ) {
        if !gate.passed {
            failed.push(gate);
        }
    }
    let mut applied = None;
    if matches!(kind, DeploymentKind::Deploy | DeploymentKind::Promote) {
        let freeze = freeze_of(&mut *conn, env, now).await?;
        let overridden = override_for(freeze.as_ref(), actor, override_reason)?;
        let gate = freeze_gate(freeze.as_ref(), overridden.as_deref());
        if !gate.passed {
            failed.push(gate);
        }
        applied = overridden;
    }
    if failed.is_empty() {
        Ok(applied)
    } else {
        Err(UseCaseError::GatesFailed(failed))
    }
}

/// The override that applies: a non-empty reason from an admin, when there is a freeze.
pub fn override_for(
    freeze: Option<&Freeze>,
    actor: &Principal,
    override_reason: Option<&str>,
) -> Result<Option<String>, UseCaseError> {
    let blank = |t: &&str| {
        t.trim_matches(app::domain::change_control::is_blank)
            .is_empty()
    };
    let Some(text) = override_reason.filter(|t| !blank(t)) else {
        return Ok(None);
    };
    if actor.role != Role::Admin {
        return Err(UseCaseError::Denied(
            "only an admin overrides a freeze".into(),
        ));
    }
    let why = reason(text, "override_reason")?;
    Ok(freeze.map(|_| why))
}
