//! Rolling an environment back: while the old fleet is warm (or the new one still verifying),
//! a request the engine turns into a traffic switch; afterwards, a new deployment of the
//! release below the running one in the environment's release line (never back up to the one
//! just left), or of any earlier release named with `to`, from the image that release ran.

use super::accept::{accept, refuse_failed, Requester};
use super::detail::detail;
use super::not_found;
use super::plan::{plan_for, release_capacity};
use crate::core::Core;
use crate::db::{self, audit, rollouts};
use crate::service::{conflict_on_unique, gates, internal, signoffs};
use app::domain::gates::environment_gates;
use app::domain::release_line::rollback_target;
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{Build, DeploymentKind, DeploymentRecord, EnvironmentName, FieldErrors, Version};
use app::use_cases::UseCaseError;

/// Who asks for a rollback, from where, and whether a schema downgrade is confirmed.
struct Steer<'a> {
    actor: &'a Principal,
    address: &'a str,
    confirm_schema_downgrade: bool,
}

/// The phase of the warm (or verifying) deployment `id`, and the builds it runs and would
/// switch back to.
async fn switch_back_builds(
    core: &Core,
    id: i64,
) -> Result<(Phase, Option<Build>, Option<Build>), UseCaseError> {
    let row = rollouts::load(&core.db, id).await.map_err(internal)?;
    let phase = row.as_ref().and_then(|r| r.phase).unwrap_or(Phase::Warm);
    let Some(plan) = row.and_then(|r| r.plan) else {
        return Ok((phase, None, None));
    };
    let by_id = |id| db::builds::by_id(&core.db, id);
    let running = by_id(plan.build_id).await.map_err(internal)?;
    let previous = match &plan.previous {
        Some(previous) => by_id(previous.build_id).await.map_err(internal)?,
        None => None,
    };
    Ok((phase, running, previous))
}

/// Asks the engine to switch back to the warm old fleet; `None` when no deployment of the
/// environment can be switched back any more (or `to` names another release).
async fn instant(
    core: &Core,
    steer: &Steer<'_>,
    env: &crate::config::EnvironmentSettings,
    to: Option<&Version>,
) -> Result<Option<DeploymentDetail>, UseCaseError> {
    let environment = &env.name;
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
    let (phase, running, previous) = switch_back_builds(core, id).await?;
    if let Some(to) = to {
        if previous.as_ref().map(|b| b.version.as_str()) != Some(to.as_str()) {
            return Ok(None);
        }
    }
    let downgrade = match &previous {
        Some(previous) => crate::service::schema::check(
            &env.title,
            running.as_ref(),
            previous,
            steer.confirm_schema_downgrade,
        )?,
        None => None,
    };
    let now = core.now();
    let mut tx = crate::db::begin_write(&core.db).await.map_err(internal)?;
    let requested = db::requests::request_rollback(&mut tx, id, &steer.actor.name, now)
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
    if let Some(note) = &downgrade {
        db::deployments::append_note(&mut *tx, id, note)
            .await
            .map_err(internal)?;
        rollouts::add_step(&mut *tx, id, now, phase, &capitalised(note))
            .await
            .map_err(internal)?;
    }
    let entry = audit::Entry {
        actor: &steer.actor.name,
        action: "deployment.rollback",
        target: environment.as_str(),
        environment: Some(environment.as_str()),
        details:
            serde_json::json!({ "deployment": id, "instant": true, "schema_downgrade": downgrade })
                .to_string(),
        address: steer.address,
    };
    audit::append(&mut tx, entry, now).await.map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(Some(detail(core, id).await?))
}

/// `text` with its first letter in capitals, for a timeline line.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Where a rollback of `environment` lands: `to` if given (a release that ran there, not the
/// running one), else the release below the running one; with the running version.
pub async fn target(
    core: &Core,
    environment: &EnvironmentName,
    to: Option<&Version>,
) -> Result<(DeploymentRecord, String), UseCaseError> {
    let top = crate::service::releases::line_top(core, environment.as_str(), 2).await?;
    let current = top.last().cloned().ok_or_else(|| {
        UseCaseError::Conflict(format!("{environment} runs nothing to roll back"))
    })?;
    let wanted = match to {
        Some(to) if to.as_str() == current => {
            let mut errors = FieldErrors::new();
            errors.add("to", format!("{environment} already runs {to}"));
            return Err(UseCaseError::Invalid(errors));
        }
        Some(to) => to.to_string(),
        None => rollback_target(&top).map(str::to_owned).ok_or_else(|| {
            UseCaseError::Conflict(format!(
                "{environment} has no earlier release than {current}"
            ))
        })?,
    };
    let record = db::releases::latest_of(&core.db, environment.as_str(), &wanted)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add("to", format!("{wanted} never ran in {environment}"));
            UseCaseError::Invalid(errors)
        })?;
    Ok((record, current))
}

/// Rolls `environment` back: a traffic switch while the old fleet is warm, else a new
/// deployment of the release it lands on (see [`target`]). A release expecting a lower
/// database schema is refused (see [`rollback_confirming`]).
pub async fn rollback(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    to: Option<&Version>,
) -> Result<DeploymentDetail, UseCaseError> {
    rollback_confirming(core, actor, address, environment, to, false).await
}

/// [`rollback`], a release expecting a lower database schema than the one running allowed
/// with `confirm_schema_downgrade` (and so noted in its history).
pub async fn rollback_confirming(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    to: Option<&Version>,
    confirm_schema_downgrade: bool,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let steer = Steer {
        actor,
        address,
        confirm_schema_downgrade,
    };
    if let Some(switched) = instant(core, &steer, env, to).await? {
        return Ok(switched);
    }
    let (previous, current) = target(core, environment, to).await?;
    // Rolling back to a known-good release is what an incident needs: a freeze or a firing
    // alarm does not stop it, only another mutation in flight does.
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
    let notes = format!("back to {} from {current}", previous.build_version);
    let notes =
        crate::service::schema::noted(core, env, &build, confirm_schema_downgrade, notes).await?;
    let mut plan = plan_for(env, DeploymentKind::Rollback, &build, Some(image), fleet)?;
    plan.desired = release_capacity(core, env).await?;
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: None,
        override_reason: None,
    };
    accept(core, by, plan, notes).await
}
