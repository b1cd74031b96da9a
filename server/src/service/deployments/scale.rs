//! Scaling: the serving fleet grows (new instances from the same image, healthy before they
//! count) or shrinks (drained, then terminated), as one deployment.

use super::accept::{accept, refuse_failed, Requester};
use super::not_found;
use super::plan::plan_for;
use crate::core::Core;
use crate::db;
use crate::service::{gates, internal};
use app::domain::gates::environment_gates;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{DeploymentKind, EnvironmentName, FieldErrors};
use app::use_cases::UseCaseError;

/// Sets the number of instances serving `environment`.
pub async fn scale(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    desired: i64,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let mut errors = FieldErrors::new();
    // The same rule the page's input uses for its maximum.
    let max = i64::from(env.strategy().max_instances());
    if !(1..=max).contains(&desired) {
        errors.add(
            "desired",
            format!("must be between 1 and {max} for {}", env.title),
        );
        return Err(UseCaseError::Invalid(errors));
    }
    let fleet = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::Conflict(format!("{environment} runs no fleet to scale")))?;
    let now_serving = fleet.instance_ids.len() as i64;
    if desired == now_serving {
        errors.add(
            "desired",
            format!("{} already runs {desired} instances", env.title),
        );
        return Err(UseCaseError::Invalid(errors));
    }
    let in_flight = gates::in_flight(core, environment).await?;
    refuse_failed(&environment_gates(None, in_flight, &[]))?;
    let build = db::builds::by_id(&core.db, fleet.build_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            internal(format!(
                "build {} of the serving fleet vanished",
                fleet.build_id
            ))
        })?;
    let image = fleet.image_id.clone();
    let mut plan = plan_for(
        env,
        DeploymentKind::Scale,
        &build,
        Some(image),
        Some(fleet.clone()),
    )?;
    // In range 1..=max (at most 100), so the conversion cannot fail.
    plan.desired = u32::try_from(desired).unwrap_or(1);
    plan.new_target_group = fleet.target_group.clone();
    if desired < now_serving {
        let keep = usize::try_from(desired).unwrap_or(1);
        plan.remove = fleet.instance_ids[keep..].to_vec();
    }
    let notes = format!("{now_serving} → {desired} instances");
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: None,
        override_reason: None,
    };
    accept(core, by, plan, notes).await
}
