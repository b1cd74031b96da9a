//! Deploying a build into the first environment of the pipeline (builds enter there; every
//! other environment takes promotions).

use super::accept::{accept, refuse_failed, Requester};
use super::not_found;
use super::plan::{plan_for, release_capacity};
use crate::core::Core;
use crate::db;
use crate::service::{change_control, gates, internal, signoffs};
use app::domain::change_control::{freeze_gate, lock_gate};
use app::domain::gates::{environment_gates, Gate, GateKind};
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{DeploymentKind, EnvironmentName, Version};
use app::use_cases::UseCaseError;

/// Deploys `version` into `environment`, which must be the first of the pipeline.
pub async fn deploy(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    version: &Version,
    override_reason: Option<&str>,
) -> Result<DeploymentDetail, UseCaseError> {
    let (index, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let (build, _) = db::builds::by_version(&core.db, version.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("build {version}")))?;
    let mut gates = Vec::new();
    if index > 0 {
        let first = &core.settings.environments[0].title;
        gates.push(Gate {
            gate: GateKind::SourceRelease,
            passed: false,
            reason: format!(
                "builds enter the pipeline at {first}; {} takes promotions only",
                env.title
            ),
        });
    }
    let in_flight = gates::in_flight(core, environment).await?;
    let alarms = gates::alarms_firing(core, env, gates::AlarmRead::Fresh).await;
    let now = core.now();
    let freeze = change_control::freeze_of(&core.db, env, now).await?;
    let overridden = change_control::override_for(freeze.as_ref(), actor, override_reason)?;
    gates.push(freeze_gate(freeze.as_ref(), overridden.as_deref()));
    gates.extend(lock_gate(
        change_control::lock_of(&core.db, environment.as_str(), now)
            .await?
            .as_ref(),
        actor.id,
    ));
    gates.extend(
        environment_gates(None, in_flight, &alarms)
            .into_iter()
            .filter(|g| g.gate != GateKind::NotFrozen),
    );
    refuse_failed(&gates)?;
    let previous = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    let image = signoffs::build_image(&build);
    let mut plan = plan_for(env, DeploymentKind::Deploy, &build, Some(image), previous)?;
    plan.desired = release_capacity(core, env).await?;
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: None,
        override_reason: overridden.as_deref(),
    };
    accept(core, by, plan, String::new()).await
}
