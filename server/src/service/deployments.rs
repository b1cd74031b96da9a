//! Deploy, promote, roll back and scale: each checks its gates, then accepts the deployment in
//! one transaction (history row in flight, plan, first timeline line, queued first step, audit
//! entry). The unique index on in-flight deployments turns a concurrent second request into a
//! conflict, whichever replica took it. The engine does the rest.

use super::gates::{self, Promotion};
use super::{internal, signoffs};
use crate::config::{EnvironmentSettings, Strategy};
use crate::db::{self, audit, runs};
use crate::engine::plan;
use crate::engine::run::{Bake, Fleet, Run};
use crate::state::AppState;
use app::api::backend::BackendError;
use app::domain::duration::parse_seconds;
use app::domain::gates::{environment_gates, failed, Gate, GateKind};
use app::domain::release::{DeploymentDetail, PromotionPreview, StepView};
use app::domain::rollout::Phase;
use app::domain::views::Principal;
use app::domain::{Build, DeploymentKind, FieldErrors, Outcome, Timestamp};

fn millis(text: &str) -> i64 {
    parse_seconds(text).unwrap_or(0) as i64 * 1000
}

/// A plan for `environment` with its timings and binding.
fn plan_for(
    environment: &EnvironmentSettings,
    kind: DeploymentKind,
    build: &Build,
    image_id: Option<String>,
    previous: Option<Fleet>,
) -> Run {
    Run {
        environment: environment.name.clone(),
        kind,
        binding: plan::binding(environment),
        template: plan::template(environment, &build.version.to_string()),
        build_id: build.id,
        build: build.version.to_string(),
        image_id,
        bake: None,
        desired: environment.desired_capacity,
        health_deadline_ms: millis(&environment.health_deadline),
        verify_ms: millis(&environment.verify_window),
        warm_ms: millis(&environment.warm_retention),
        alarms: environment.alarms.clone(),
        previous,
        new_instances: Vec::new(),
        new_target_group: None,
        remove: Vec::new(),
        launched_at: None,
        switched_at: None,
        rollback_started_at: None,
        failures: 0,
        progress: String::new(),
        reason: None,
    }
}

fn not_found(environment: &str) -> BackendError {
    BackendError::NotFound(format!("environment {environment}"))
}

/// Refuses when a gate failed: a mutation in flight is a conflict (409), anything else a
/// failed precondition listing every failed gate (412).
fn refuse_failed(gates: &[Gate]) -> Result<(), BackendError> {
    let failed = failed(gates);
    if let Some(busy) = failed.iter().find(|g| g.gate == GateKind::NothingInFlight) {
        Err(BackendError::Conflict(busy.reason.clone()))
    } else if failed.is_empty() {
        Ok(())
    } else {
        Err(BackendError::GatesFailed(failed))
    }
}

/// Accepts a deployment: one transaction, or nothing at all.
async fn accept(
    state: &AppState,
    actor: &Principal,
    address: &str,
    run: Run,
    notes: String,
) -> Result<DeploymentDetail, BackendError> {
    accept_labelled(state, actor, address, run, notes, false).await
}

/// [`accept`], with the history row labelled as demo data when `demo`.
async fn accept_labelled(
    state: &AppState,
    actor: &Principal,
    address: &str,
    run: Run,
    notes: String,
    demo: bool,
) -> Result<DeploymentDetail, BackendError> {
    let now = state.clock.now_ms();
    let json = serde_json::to_string(&run).map_err(internal)?;
    let mut tx = state.db.begin().await.map_err(internal)?;
    let new = runs::NewRun {
        deployment: db::deployments::NewDeployment {
            environment: &run.environment,
            build_id: run.build_id,
            kind: run.kind,
            outcome: Outcome::InProgress,
            started_by: &actor.name,
            started_at: now,
            finished_at: None,
            notes: &notes,
            demo,
        },
        run: json,
    };
    let id = match runs::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(BackendError::Conflict(format!(
                "{} already has a deployment in flight",
                run.environment
            )))
        }
        Err(e) => return Err(internal(e)),
    };
    let line = format!("{} of {} requested by {}", run.kind, run.build, actor.name);
    runs::add_step(&mut *tx, id, now, Phase::Pending, &line)
        .await
        .map_err(internal)?;
    // Any change to the serving fleet ends the previous release's warm window: a switch back
    // would no longer restore what served before (a new release replaced it, or a resize
    // added instances the old fleet knows nothing of).
    for warm in runs::in_phases(&mut *tx, &run.environment, &[Phase::Warm])
        .await
        .map_err(internal)?
    {
        runs::end_warm_window(&mut tx, warm, now)
            .await
            .map_err(internal)?;
    }
    let details = serde_json::json!({
        "deployment": id, "environment": run.environment, "kind": run.kind.as_str(),
        "image_id": run.image_id, "desired": run.desired,
    })
    .to_string();
    let action = format!("deployment.{}", run.kind);
    let entry = audit::Entry {
        actor: &actor.name,
        action: &action,
        target: &run.build,
        details,
        address,
    };
    audit::append(&mut *tx, entry, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    detail(state, id).await
}

/// Deploys `version` into the first environment of the pipeline.
pub async fn deploy(
    state: &AppState,
    actor: &Principal,
    address: &str,
    environment: &str,
    version: &str,
) -> Result<DeploymentDetail, BackendError> {
    let (index, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let mut errors = FieldErrors::new();
    if version.trim().is_empty() {
        errors.add("build", "required: the version to deploy");
        return Err(BackendError::Invalid(errors));
    }
    let (build, _) = db::builds::by_version(&state.db, version)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::NotFound(format!("build {version}")))?;
    let mut gates = Vec::new();
    if index > 0 {
        let first = &state.settings.environments[0].title;
        gates.push(Gate {
            gate: GateKind::SourceRelease,
            passed: false,
            reason: format!(
                "builds enter the pipeline at {first}; {} takes promotions only",
                env.title
            ),
        });
    }
    let in_flight = gates::in_flight(state, environment).await?;
    let alarms = gates::alarms_firing(state, env).await;
    gates.extend(environment_gates(env.frozen.as_deref(), in_flight, &alarms));
    refuse_failed(&gates)?;
    let previous = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?;
    let image = signoffs::build_image(&build);
    let run = plan_for(env, DeploymentKind::Deploy, &build, Some(image), previous);
    accept(state, actor, address, run, String::new()).await
}

/// Puts `build` into `environment` for the demo, gates aside: a real deployment through the
/// engine, labelled as demo data.
pub async fn demo_release(
    state: &AppState,
    environment: &str,
    build: &Build,
    kind: DeploymentKind,
) -> Result<DeploymentDetail, BackendError> {
    let (_, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let previous = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?;
    let image = signoffs::build_image(build);
    let run = plan_for(env, kind, build, Some(image), previous);
    let actor = Principal {
        id: 0,
        name: "demo".into(),
        role: app::domain::Role::Engineer,
    };
    let notes = "demo: started by Greenlight at start-up".to_owned();
    accept_labelled(state, &actor, "local", run, notes, true).await
}

/// What promoting into `environment` would do, with every gate.
pub async fn preview(
    state: &AppState,
    actor: &Principal,
    environment: &str,
) -> Result<Promotion, BackendError> {
    let (index, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    if index == 0 {
        return Err(BackendError::GatesFailed(vec![Gate {
            gate: GateKind::SourceRelease,
            passed: false,
            reason: format!(
                "{} is the first environment: deploy a build into it",
                env.title
            ),
        }]));
    }
    let source = &state.settings.environments[index - 1];
    gates::promotion(state, env, source, &actor.name).await
}

/// Promotes the build the previous environment runs into `environment`.
pub async fn promote(
    state: &AppState,
    actor: &Principal,
    address: &str,
    environment: &str,
) -> Result<DeploymentDetail, BackendError> {
    let promotion = preview(state, actor, environment).await?;
    refuse_failed(&promotion.preview.gates)?;
    let (_, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let Some(build) = promotion.build else {
        return Err(BackendError::Internal);
    };
    let source_fleet = db::fleets::get(&state.db, &promotion.source.name)
        .await
        .map_err(internal)?;
    let previous = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?;
    let mut run = plan_for(env, DeploymentKind::Promote, &build, None, previous);
    if env.bake_image {
        let from_instance = source_fleet
            .as_ref()
            .and_then(|f| f.instance_ids.first().cloned())
            .ok_or(BackendError::Internal)?;
        run.bake = Some(Bake {
            from_environment: promotion.source.name.clone(),
            from_instance,
            // Unique per deployment, so a retried bake finds its own image instead of
            // making a second one, and a later promotion of the same build bakes afresh.
            image_name: format!(
                "greenlight-{}-{}-{}",
                environment,
                build.version,
                state.clock.now_ms()
            ),
        });
    } else {
        run.image_id = Some(match source_fleet.filter(|f| f.build_id == build.id) {
            Some(fleet) => fleet.image_id,
            None => signoffs::build_image(&build),
        });
    }
    let notes = format!("from {}", promotion.source.title);
    accept(state, actor, address, run, notes).await
}

/// Rolls `environment` back: a traffic switch while the old fleet is warm, else a new
/// deployment of the release before.
pub async fn rollback(
    state: &AppState,
    actor: &Principal,
    address: &str,
    environment: &str,
) -> Result<DeploymentDetail, BackendError> {
    let (_, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let candidates = runs::in_phases(&state.db, environment, &[Phase::Verifying, Phase::Warm])
        .await
        .map_err(internal)?;
    if let Some(id) = candidates.first().copied() {
        let now = state.clock.now_ms();
        let mut tx = state.db.begin().await.map_err(internal)?;
        match runs::request_rollback(&mut tx, id, &actor.name, now).await {
            Ok(true) => {
                let entry = audit::Entry {
                    actor: &actor.name,
                    action: "deployment.rollback",
                    target: environment,
                    details: serde_json::json!({ "deployment": id, "instant": true }).to_string(),
                    address,
                };
                audit::append(&mut *tx, entry, now)
                    .await
                    .map_err(internal)?;
                tx.commit().await.map_err(internal)?;
                return detail(state, id).await;
            }
            Ok(false) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(BackendError::Conflict(format!(
                    "{environment} already has a deployment in flight"
                )))
            }
            Err(e) => return Err(internal(e)),
        }
    }
    let current = db::deployments::current(&state.db, environment)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            BackendError::Conflict(format!("{environment} runs nothing to roll back"))
        })?;
    let previous = db::deployments::previous_release(&state.db, environment, current.id)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            BackendError::Conflict(format!(
                "{environment} has no earlier release than {}",
                current.build_version
            ))
        })?;
    let in_flight = gates::in_flight(state, environment).await?;
    refuse_failed(&environment_gates(None, in_flight, &[]))?;
    let (build, _) = db::builds::by_version(&state.db, &previous.build_version)
        .await
        .map_err(internal)?
        .ok_or(BackendError::Internal)?;
    // The image that release ran from (baked images included), else the build's.
    let image = runs::load(&state.db, previous.id)
        .await
        .map_err(internal)?
        .and_then(|row| row.run)
        .and_then(|json| serde_json::from_str::<Run>(&json).ok())
        .and_then(|run| run.image_id)
        .unwrap_or_else(|| signoffs::build_image(&build));
    let fleet = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?;
    let run = plan_for(env, DeploymentKind::Rollback, &build, Some(image), fleet);
    let notes = format!(
        "back to {} from {}",
        previous.build_version, current.build_version
    );
    accept(state, actor, address, run, notes).await
}

/// Sets the number of instances serving `environment`.
pub async fn scale(
    state: &AppState,
    actor: &Principal,
    address: &str,
    environment: &str,
    desired: i64,
) -> Result<DeploymentDetail, BackendError> {
    let (_, env) = state
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let mut errors = FieldErrors::new();
    let max = if env.strategy() == Strategy::ElasticIp {
        1
    } else {
        100
    };
    if !(1..=max).contains(&desired) {
        errors.add(
            "desired",
            format!("must be between 1 and {max} for {}", env.title),
        );
        return Err(BackendError::Invalid(errors));
    }
    let fleet = db::fleets::get(&state.db, environment)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::Conflict(format!("{environment} runs no fleet to scale")))?;
    let now_serving = fleet.instance_ids.len() as i64;
    if desired == now_serving {
        errors.add(
            "desired",
            format!("{} already runs {desired} instances", env.title),
        );
        return Err(BackendError::Invalid(errors));
    }
    let in_flight = gates::in_flight(state, environment).await?;
    refuse_failed(&environment_gates(None, in_flight, &[]))?;
    let build = db::builds::by_id(&state.db, fleet.build_id)
        .await
        .map_err(internal)?
        .ok_or(BackendError::Internal)?;
    let image = fleet.image_id.clone();
    let mut run = plan_for(
        env,
        DeploymentKind::Scale,
        &build,
        Some(image),
        Some(fleet.clone()),
    );
    run.desired = desired as u32;
    run.new_target_group = fleet.target_group.clone();
    if desired < now_serving {
        let keep = desired as usize;
        run.remove = fleet.instance_ids[keep..].to_vec();
    }
    let notes = format!("{now_serving} → {desired} instances");
    accept(state, actor, address, run, notes).await
}

/// A deployment with its timeline and fleets.
pub async fn detail(state: &AppState, id: i64) -> Result<DeploymentDetail, BackendError> {
    let record = db::deployments::by_id(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::NotFound(format!("deployment {id}")))?;
    let row = runs::load(&state.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| BackendError::NotFound(format!("deployment {id}")))?;
    let run: Option<Run> = row
        .run
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(internal)?;
    let steps = runs::steps(&state.db, id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(at, phase, message)| {
            Ok(StepView {
                at: Timestamp(at),
                phase: Phase::parse(&phase)?,
                message,
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(internal)?;
    let phase = row
        .phase
        .as_deref()
        .map(Phase::parse)
        .transpose()
        .map_err(internal)?;
    Ok(DeploymentDetail {
        record,
        phase,
        progress: run.as_ref().map(|r| r.progress.clone()).unwrap_or_default(),
        steps,
        image_id: run.as_ref().and_then(|r| r.image_id.clone()),
        desired: run.as_ref().map(|r| r.desired),
        new_fleet: run
            .as_ref()
            .map(|r| r.new_instances.clone())
            .unwrap_or_default(),
        old_fleet: run
            .as_ref()
            .map(|r| r.old_instances().to_vec())
            .unwrap_or_default(),
        warm_until: row
            .warm_until
            .filter(|_| phase == Some(Phase::Warm))
            .map(Timestamp),
        warm_seconds_left: row
            .warm_until
            .filter(|_| phase == Some(Phase::Warm))
            .map(|until| ((until - state.clock.now_ms()) / 1000).max(0)),
        rollback_requested_by: row.rollback_requested_by,
        reason: run.and_then(|r| r.reason),
    })
}

/// The preview alone (for the dialog and `GET …/promotion`).
pub async fn promotion_preview(
    state: &AppState,
    actor: &Principal,
    environment: &str,
) -> Result<PromotionPreview, BackendError> {
    Ok(preview(state, actor, environment).await?.preview)
}
