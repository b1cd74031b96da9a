//! Extending the warm window of an environment's current release: the old fleet stays ready
//! for an instant rollback a while longer (engineer or admin; audited; at most the
//! environment's `warm_extension_limit` in all). The engine reads the window's end at every
//! step, so the release simply stays warm until the new end.

use super::not_found;
use crate::core::Core;
use crate::db::{self, audit, warm_extension};
use crate::service::internal;
use app::domain::duration::describe_seconds;
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{Duration, EnvironmentName, FieldErrors, Timestamp};
use app::use_cases::UseCaseError;

/// Keeps `environment`'s old fleet warm `by` longer.
pub async fn extend_warm_window(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    by: Duration,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let now = core.now();
    let release = warm_extension::open(&core.db, environment.as_str(), now)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            UseCaseError::Conflict(format!(
                "{} keeps no old fleet warm now: there is no warm window to extend",
                env.title
            ))
        })?;
    let by_ms = by.as_millis_i64();
    let limit = env.warm_extension_limit.as_millis_i64();
    let left = (limit - release.extended_ms).max(0);
    if by_ms <= 0 {
        let mut fields = FieldErrors::new();
        fields.add("extend_by", "must be longer than zero");
        return Err(UseCaseError::Invalid(fields));
    }
    // Well-formed, but more than this release has left: a conflict with its state.
    if by_ms > left {
        return Err(UseCaseError::Conflict(format!(
            "{} allows {} of extension per release; {} left",
            env.title,
            describe_seconds(env.warm_extension_limit.as_secs()),
            describe_seconds((left / 1000) as u64)
        )));
    }
    let until = Timestamp::from_millis(release.warm_until + by_ms);
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    // A step the engine is taking with the old end in hand must not retire the fleet after
    // this commits: the job's fence moves, that step's result is dropped, and the next one
    // reads the new end.
    db::jobs::interrupt(&mut tx, release.id, now)
        .await
        .map_err(internal)?;
    if !warm_extension::extend(&mut *tx, release, by_ms, now)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::Conflict(format!(
            "the warm window of #{} closed or changed meanwhile",
            release.id
        )));
    }
    let line = format!(
        "Warm window extended by {} by {}, until {}",
        describe_seconds(by.as_secs()),
        actor.name,
        until.to_rfc3339()
    );
    db::rollouts::add_step(&mut *tx, release.id, now, Phase::Warm, &line)
        .await
        .map_err(internal)?;
    let entry = audit::Entry {
        actor: &actor.name,
        action: "deployment.warm_extend",
        target: &release.id.to_string(),
        environment: Some(environment.as_str()),
        details: serde_json::json!({ "by_ms": by_ms, "warm_until": until.to_rfc3339() })
            .to_string(),
        address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    super::detail(core, release.id).await
}
