//! The environment page: its release, serving fleet, warm window, QA's verdict on what it
//! runs, what a promotion into it would do, and what may be deployed into it.

use super::{deployments, internal};
use crate::core::Core;
use crate::db::{self, rollouts};
use app::domain::rollout::Phase;
use app::domain::views::{EnvironmentInfo, Principal};
use app::domain::views::{EnvironmentPage, FleetView};
use app::domain::EnvironmentName;
use app::use_cases::UseCaseError;

/// Everything the environment page shows.
pub async fn page(
    core: &Core,
    actor: &Principal,
    environment: &EnvironmentName,
) -> Result<EnvironmentPage, UseCaseError> {
    let (index, env) = core
        .environment(environment)
        .ok_or_else(|| UseCaseError::NotFound(format!("environment {environment}")))?;
    let name = environment.as_str();
    let current = db::deployments::current(&core.db, name)
        .await
        .map_err(internal)?;
    let fleet = db::fleets::get(&core.db, name).await.map_err(internal)?;
    let warm = match rollouts::in_phases(&core.db, name, &[Phase::Verifying, Phase::Warm])
        .await
        .map_err(internal)?
        .first()
    {
        Some(id) => Some(deployments::detail(core, *id).await?),
        None => None,
    };
    let in_flight = match db::deployments::in_flight(&core.db, name)
        .await
        .map_err(internal)?
    {
        Some(id) => db::deployments::by_id(&core.db, id)
            .await
            .map_err(internal)?,
        None => None,
    };
    let signoff = super::live::signoff_status(core, env, current.as_ref(), fleet.as_ref()).await?;
    let next = core.settings.environments.get(index + 1);
    let signing = super::signing::signing_view(core, env, next, current.as_ref(), fleet.as_ref())
        .await?
        .map(|view| view.lines())
        .unwrap_or_default();
    let promotion = if index > 0 {
        Some(
            deployments::preview(core, actor, environment)
                .await?
                .preview,
        )
    } else {
        None
    };
    let deployable = if index == 0 {
        db::builds::page(&core.db, None, 20)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|b| b.version.to_string())
            .collect()
    } else {
        Vec::new()
    };
    let rollback_to = match deployments::rollback::target(core, environment, None).await {
        Ok((record, _)) => Some(record.build_version),
        Err(UseCaseError::Conflict(_)) => None,
        Err(other) => return Err(other),
    };
    let running = current.as_ref().map(|c| c.build_version.as_str());
    let earlier_releases = super::releases::earlier(core, name, running).await?;
    let config_drift = super::env_side::config_drift(core, env, current.as_ref()).await?;
    let now = core.now();
    let freeze = super::change_control::freeze_of(&core.db, env, now).await?;
    let lock = super::change_control::lock_of(&core.db, name, now).await?;
    let next_freeze_window = super::change_control::next_window(env, now);
    Ok(EnvironmentPage {
        frozen: freeze.as_ref().map(|f| f.describe()),
        freeze,
        lock,
        next_freeze_window,
        config_drift,
        next_environment: next.map(|e| e.name.to_string()),
        signing,
        environment: EnvironmentInfo {
            name: env.name.to_string(),
            title: env.title.clone(),
        },
        strategy: env.strategy(),
        desired_capacity: env.desired_capacity,
        first: index == 0,
        current,
        fleet: fleet.map(|f| FleetView {
            deployment_id: f.deployment_id,
            image_id: f.image_id,
            instance_ids: f.instance_ids,
        }),
        warm,
        in_flight,
        signoff,
        promotion,
        recent: db::deployments::recent(&core.db, name, 10)
            .await
            .map_err(internal)?,
        deployable,
        rollback_to,
        earlier_releases,
    })
}
