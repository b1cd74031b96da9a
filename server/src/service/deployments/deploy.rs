//! Deploying a build into the first environment of the pipeline (builds enter there; every
//! other environment takes promotions).

use super::accept::{accept, refuse_failed, Requester};
use super::not_found;
use super::plan::plan_for;
use crate::core::Core;
use crate::db;
use crate::service::{gates, internal, signoffs};
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
    gates.extend(environment_gates(env.frozen.as_deref(), in_flight, &alarms));
    refuse_failed(&gates)?;
    let previous = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    let image = signoffs::build_image(&build);
    let plan = plan_for(env, DeploymentKind::Deploy, &build, Some(image), previous)?;
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: None,
    };
    accept(core, by, plan, String::new()).await
}
