//! Steering a deployment in flight: switching traffic to a held new fleet
//! (`cutover = "manual"`) and cancelling (before the switch the new fleet is taken out, after
//! it traffic goes back). Both are requests the engine carries out at its next step; both are
//! audited and on the deployment's timeline.

use super::detail;
use crate::core::Core;
use crate::db::requests::{self, Cancel};
use crate::db::{self, audit, rollouts};
use crate::service::{change_control, internal};
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{DeploymentKind, EnvironmentName, Outcome};
use app::use_cases::UseCaseError;

/// The deployment's phase and environment settings, or why there is nothing to steer.
async fn in_flight(
    core: &Core,
    id: i64,
) -> Result<(Phase, crate::config::EnvironmentSettings), UseCaseError> {
    let record = db::deployments::by_id(&core.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("deployment {id}")))?;
    let phase = rollouts::load(&core.db, id)
        .await
        .map_err(internal)?
        .and_then(|row| row.phase)
        .ok_or_else(|| UseCaseError::Conflict(format!("deployment #{id} is history only")))?;
    let env = EnvironmentName::parse(&record.environment)
        .ok()
        .and_then(|name| core.environment(&name).map(|(_, env)| env.clone()))
        .ok_or_else(|| {
            UseCaseError::Conflict(format!(
                "deployment #{id}'s environment {} is no longer configured",
                record.environment
            ))
        })?;
    Ok((phase, env))
}

/// Moves traffic to deployment `id`'s held, healthy new fleet.
pub async fn switch_traffic(
    core: &Core,
    actor: &Principal,
    address: &str,
    id: i64,
) -> Result<DeploymentDetail, UseCaseError> {
    let (phase, env) = in_flight(core, id).await?;
    if phase != Phase::ReadyToSwitch {
        return Err(UseCaseError::Conflict(format!(
            "deployment #{id} is {}, not ready to switch",
            phase.label().to_lowercase()
        )));
    }
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    // The lock only: the freeze was checked when the deployment was accepted, and the switch
    // is that same deployment's step.
    change_control::check(&mut tx, &env, DeploymentKind::Rollback, actor, None, now).await?;
    if !requests::request_switch(&mut tx, id, &actor.name, now)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::Conflict(format!(
            "deployment #{id} was switched, cancelled or moved on meanwhile"
        )));
    }
    let line = format!("{} asked to switch traffic to the new fleet", actor.name);
    rollouts::add_step(&mut *tx, id, now, Phase::ReadyToSwitch, &line)
        .await
        .map_err(internal)?;
    let entry = audit::Entry {
        actor: &actor.name,
        action: "deployment.switch",
        target: &id.to_string(),
        environment: Some(env.name.as_str()),
        details: serde_json::json!({ "deployment": id }).to_string(),
        address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    detail(core, id).await
}

/// Cancels deployment `id` with `reason`.
pub async fn cancel(
    core: &Core,
    actor: &Principal,
    address: &str,
    id: i64,
    reason: &str,
) -> Result<DeploymentDetail, UseCaseError> {
    let (phase, env) = in_flight(core, id).await?;
    if phase.outcome() != Outcome::InProgress || phase == Phase::RollingBack {
        let hint = if phase == Phase::Warm {
            "; roll back instead"
        } else {
            ""
        };
        return Err(UseCaseError::Conflict(format!(
            "deployment #{id} is {}: there is nothing to cancel{hint}",
            phase.label().to_lowercase()
        )));
    }
    let reason = change_control::reason(reason, "reason")?;
    let now = core.now();
    let mut tx = db::begin_write(&core.db).await.map_err(internal)?;
    change_control::check(&mut tx, &env, DeploymentKind::Rollback, actor, None, now).await?;
    let cancel = Cancel {
        by: actor.name.clone(),
        reason,
    };
    // A bake or launch under way must record what it made; any other step must not carry
    // the deployment past the cancel.
    let fence = !matches!(phase, Phase::Baking | Phase::Launching);
    if !requests::request_cancel(&mut tx, id, &cancel, fence, now)
        .await
        .map_err(internal)?
    {
        return Err(UseCaseError::Conflict(format!(
            "deployment #{id} was cancelled, rolled back or moved on meanwhile"
        )));
    }
    let line = format!("{} cancelled: {}", actor.name, cancel.reason);
    rollouts::add_step(&mut *tx, id, now, phase, &line)
        .await
        .map_err(internal)?;
    let entry = audit::Entry {
        actor: &actor.name,
        action: "deployment.cancel",
        target: &id.to_string(),
        environment: Some(env.name.as_str()),
        details: serde_json::json!({ "deployment": id, "phase": phase.as_str(), "reason": cancel.reason })
            .to_string(),
        address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    detail(core, id).await
}
