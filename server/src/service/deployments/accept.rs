//! Accepting a deployment: the history row in flight, its plan, the first timeline line, the
//! queued first step, the snapshot of what the environment is (code, config, infrastructure),
//! the end of any warm window it supersedes and the audit entry — one transaction, or nothing
//! at all.

use super::detail::detail;
use crate::core::Core;
use crate::db::{self, audit, rollouts};
use crate::service::{conflict_on_unique, internal};
use app::domain::gates::{failed, Gate, GateKind};
use app::domain::notification::EventKind;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::Outcome;
use app::use_cases::UseCaseError;

/// Refuses when a gate failed: a mutation in flight is a conflict (409), anything else a
/// failed precondition listing every failed gate (412).
pub fn refuse_failed(gates: &[Gate]) -> Result<(), UseCaseError> {
    let failed = failed(gates);
    if let Some(busy) = failed.iter().find(|g| g.gate == GateKind::NothingInFlight) {
        Err(UseCaseError::Conflict(busy.reason.clone()))
    } else if failed.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::GatesFailed(failed))
    }
}

/// Refuses (409) a change to `environment`'s fleet while another environment's deployment is
/// baking its image from one of its instances: the instance must stay as it is (and in the
/// fleet) until the image is made.
pub async fn refuse_while_baked_from(
    conn: &mut sqlx::AnyConnection,
    environment: &str,
) -> Result<(), UseCaseError> {
    let baking = db::bakes::baking_from(conn, environment)
        .await
        .map_err(internal)?;
    match baking.first() {
        Some((id, target)) => Err(UseCaseError::Conflict(format!(
            "deployment {id} into {target} is baking its image from an instance of \
             {environment}; {environment} cannot change until the image is made"
        ))),
        None => Ok(()),
    }
}

/// Who asks, from where, whether the row is demo data, and the sign-off it relies on.
pub struct Requester<'a> {
    /// The person (or token owner).
    pub actor: &'a Principal,
    /// Their address, for the audit log.
    pub address: &'a str,
    /// Label the history row as demo data.
    pub demo: bool,
    /// The QA sign-off a promotion relies on.
    pub signoff_id: Option<i64>,
    /// An admin's reason to override a freeze (deploys and promotions).
    pub override_reason: Option<&'a str>,
}

/// Accepts `plan`: one transaction, or nothing at all.
pub async fn accept(
    core: &Core,
    by: Requester<'_>,
    plan: DeploymentPlan,
    notes: String,
) -> Result<DeploymentDetail, UseCaseError> {
    // Secrets are read before the transaction opens: no cloud call holds the write lock.
    let side = crate::service::env_side::for_plan(core, &plan).await?;
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    refuse_while_baked_from(&mut tx, &plan.environment).await?;
    // Freezes and locks are read inside the transaction that accepts: one set a moment ago
    // cannot be slipped past.
    let env = core
        .settings
        .environments
        .iter()
        .find(|e| e.name.as_str() == plan.environment)
        .ok_or_else(|| internal(format!("environment {} vanished", plan.environment)))?;
    let overridden = crate::service::change_control::check(
        &mut tx,
        env,
        plan.kind,
        by.actor,
        by.override_reason,
        now,
    )
    .await?;
    let new = rollouts::NewRollout {
        deployment: db::deployments::NewDeployment {
            environment: &plan.environment,
            build_id: plan.build_id,
            kind: plan.kind,
            outcome: Outcome::InProgress,
            started_by: &by.actor.name,
            started_at: now,
            finished_at: None,
            notes: &notes,
            demo: by.demo,
        },
        plan: &plan,
        signoff_id: by.signoff_id,
    };
    let id = rollouts::insert(&mut tx, &new, now).await.map_err(|e| {
        conflict_on_unique(
            e,
            format!("{} already has a deployment in flight", plan.environment),
        )
    })?;
    let line = format!(
        "{} of {} requested by {}",
        plan.kind, plan.build, by.actor.name
    );
    rollouts::add_step(&mut *tx, id, now, Phase::Pending, &line)
        .await
        .map_err(internal)?;
    if let Some(reason) = &overridden {
        db::deployments::set_freeze_override(&mut *tx, id, reason)
            .await
            .map_err(internal)?;
        let summary = format!(
            "{} overrode the freeze of {} for the {} of {}: {reason}",
            by.actor.name, env.title, plan.kind, plan.build
        );
        let event = EventKind::FreezeOverridden.as_str();
        db::notifications::record(
            &mut *tx,
            event,
            Some(&plan.environment),
            Some(id),
            &summary,
            now,
        )
        .await
        .map_err(internal)?;
        let details = serde_json::json!({ "deployment": id, "reason": reason }).to_string();
        let entry = audit::Entry {
            actor: &by.actor.name,
            action: "deployment.freeze_override",
            target: &plan.build,
            environment: Some(&plan.environment),
            details,
            address: by.address,
        };
        audit::append(&mut tx, entry, now).await.map_err(internal)?;
    }
    let snapshot = db::snapshots::insert(&mut *tx, id, &side, now)
        .await
        .map_err(internal)?;
    // Any change to the serving fleet ends the previous release's warm window: a switch back
    // would no longer restore what served before (a new release replaced it, or a resize
    // added instances the old fleet knows nothing of).
    for warm in rollouts::in_phases(&mut *tx, &plan.environment, &[Phase::Warm])
        .await
        .map_err(internal)?
    {
        rollouts::end_warm_window(&mut tx, warm, now)
            .await
            .map_err(internal)?;
    }
    let details = serde_json::json!({
        "deployment": id, "environment": plan.environment, "kind": plan.kind.as_str(),
        "image_id": plan.image_id, "desired": plan.desired, "signoff": by.signoff_id, "snapshot": snapshot,
    })
    .to_string();
    let summary = format!(
        "#{id} {} of {} into {} started by {}",
        plan.kind, plan.build, env.title, by.actor.name
    );
    let event = EventKind::DeploymentStarted.as_str();
    db::notifications::record(
        &mut *tx,
        event,
        Some(&plan.environment),
        Some(id),
        &summary,
        now,
    )
    .await
    .map_err(internal)?;
    let action = format!("deployment.{}", plan.kind);
    let entry = audit::Entry {
        actor: &by.actor.name,
        action: &action,
        target: &plan.build,
        environment: Some(&plan.environment),
        details,
        address: by.address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    detail(core, id).await
}
