//! Rolling an environment back: while the old fleet is warm (or the new one still verifying),
//! a request the engine turns into a traffic switch; afterwards, a new deployment of the
//! release before, from the image that release ran.

use super::accept::{accept, refuse_failed, Requester};
use super::detail::detail;
use super::not_found;
use super::plan::plan_for;
use crate::core::Core;
use crate::db::{self, audit, rollouts};
use crate::service::{conflict_on_unique, gates, internal, signoffs};
use app::domain::gates::environment_gates;
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{DeploymentKind, EnvironmentName};
use app::use_cases::UseCaseError;

/// Asks the engine to switch back to the warm old fleet; `None` when no deployment of the
/// environment can be switched back any more.
async fn instant(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
) -> Result<Option<DeploymentDetail>, UseCaseError> {
    let candidates = rollouts::in_phases(
        &core.db,
        environment.as_str(),
        &[Phase::Verifying, Phase::Warm],
    )
    .await
    .map_err(internal)?;
    let Some(id) = candidates.first().copied() else {
        return Ok(None);
    };
    let now = core.now();
    let mut tx = core.db.begin().await.map_err(internal)?;
    let requested = rollouts::request_rollback(&mut tx, id, &actor.name, now)
        .await
        .map_err(|e| {
            conflict_on_unique(
                e,
                format!("{environment} already has a deployment in flight"),
            )
        })?;
    if !requested {
        return Ok(None);
    }
    let entry = audit::Entry {
        actor: &actor.name,
        action: "deployment.rollback",
        target: environment.as_str(),
        details: serde_json::json!({ "deployment": id, "instant": true }).to_string(),
        address,
    };
    audit::append(&mut *tx, entry, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(Some(detail(core, id).await?))
}

/// Rolls `environment` back: a traffic switch while the old fleet is warm, else a new
/// deployment of the release before.
pub async fn rollback(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    if let Some(switched) = instant(core, actor, address, environment).await? {
        return Ok(switched);
    }
    let current = db::deployments::current(&core.db, environment.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            UseCaseError::Conflict(format!("{environment} runs nothing to roll back"))
        })?;
    let previous = db::deployments::previous_release(&core.db, environment.as_str(), current.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            UseCaseError::Conflict(format!(
                "{environment} has no earlier release than {}",
                current.build_version
            ))
        })?;
    let in_flight = gates::in_flight(core, environment).await?;
    refuse_failed(&environment_gates(None, in_flight, &[]))?;
    let (build, _) = db::builds::by_version(&core.db, &previous.build_version)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(format!("build {} vanished", previous.build_version)))?;
    // The image that release ran from (baked images included), else the build's.
    let image = rollouts::load(&core.db, previous.id)
        .await
        .map_err(internal)?
        .and_then(|row| row.plan)
        .and_then(|plan| plan.image_id)
        .unwrap_or_else(|| signoffs::build_image(&build));
    let fleet = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    let plan = plan_for(env, DeploymentKind::Rollback, &build, Some(image), fleet)?;
    let notes = format!(
        "back to {} from {}",
        previous.build_version, current.build_version
    );
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: None,
    };
    accept(core, by, plan, notes).await
}
