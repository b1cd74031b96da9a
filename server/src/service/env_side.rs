//! Sides to compare, from what Greenlight knows: an environment as it is now (the release it
//! runs, its config as configured now with secrets read, its infrastructure settings and the
//! image its fleet runs) and a deployment as its snapshot recorded it when it was accepted;
//! and the config drift between the two.

use super::deployments::plan::plan_for;
use super::internal;
use super::secrets::{self, Freshness};
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db;
use app::domain::env_diff::{diff, Change, ConfigEntry, DiffSide};
use app::domain::env_side::side_of;
use app::domain::plan::{Bake, DeploymentPlan};
use app::domain::{Build, DeploymentKind, DeploymentRecord};
use app::use_cases::UseCaseError;
use std::collections::BTreeMap;

/// The side of `environment` running `build` from `image_id`, with `config`; `None` only
/// when the environment has no launch template (never after start-up).
pub fn side_for(
    environment: &EnvironmentSettings,
    build: &Build,
    image_id: String,
    config: BTreeMap<String, ConfigEntry>,
) -> Option<DiffSide> {
    side_baked(environment, build, image_id, None, config)
}

/// As [`side_for`], the image baked as `bake` says.
fn side_baked(
    environment: &EnvironmentSettings,
    build: &Build,
    image_id: String,
    bake: Option<Bake>,
    config: BTreeMap<String, ConfigEntry>,
) -> Option<DiffSide> {
    let kind = DeploymentKind::Deploy;
    let mut plan = plan_for(environment, kind, build, Some(image_id), None).ok()?;
    plan.bake = bake;
    Some(side_of(build, &plan, config))
}

/// What a deployment accepted with `plan` records: the build, `environment`'s config read
/// afresh, and the plan's infrastructure.
pub async fn for_plan(core: &Core, plan: &DeploymentPlan) -> Result<DiffSide, UseCaseError> {
    let build = db::builds::by_id(&core.db, plan.build_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(format!("build {} vanished", plan.build_id)))?;
    let config = match core
        .settings
        .environments
        .iter()
        .find(|e| e.name.as_str() == plan.environment)
    {
        Some(environment) => secrets::config_entries(core, environment, Freshness::Fresh).await,
        None => BTreeMap::new(),
    };
    Ok(side_of(&build, plan, config))
}

/// An environment as it is now: the release it runs and that release's build, and its side;
/// `None` when it runs nothing yet.
pub struct EnvironmentNow {
    /// The release it runs.
    pub release: DeploymentRecord,
    /// That release's build.
    pub build: Build,
    /// What a comparison shows of it.
    pub side: DiffSide,
}

/// `environment` now (see [`EnvironmentNow`]).
pub async fn environment_now(
    core: &Core,
    environment: &EnvironmentSettings,
    freshness: Freshness,
) -> Result<Option<EnvironmentNow>, UseCaseError> {
    let name = environment.name.as_str();
    let Some(release) = db::deployments::current(&core.db, name)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let Some((build, _)) = db::builds::by_version(&core.db, &release.build_version)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let fleet = db::fleets::get(&core.db, name)
        .await
        .map_err(internal)?
        .filter(|f| f.build_id == build.id);
    // A baked image says where it was baked from (the plan of the deployment that made it).
    let bake = match &fleet {
        Some(fleet) => db::rollouts::load(&core.db, fleet.deployment_id)
            .await
            .map_err(internal)?
            .and_then(|row| row.plan)
            .and_then(|plan| plan.bake),
        None => None,
    };
    let image = fleet
        .map(|f| f.image_id)
        .unwrap_or_else(|| super::signoffs::build_image(&build));
    let config = secrets::config_entries(core, environment, freshness).await;
    let side = side_baked(environment, &build, image, bake, config)
        .ok_or_else(|| internal(format!("environment {name} has no launch template")))?;
    Ok(Some(EnvironmentNow {
        release,
        build,
        side,
    }))
}

/// The config keys of `environment` that changed since `release` (the release it runs) was
/// accepted — a value, a secret's version or a key added or removed; empty when nothing
/// changed or the release recorded no snapshot.
pub async fn config_drift(
    core: &Core,
    environment: &EnvironmentSettings,
    release: Option<&DeploymentRecord>,
) -> Result<Vec<String>, UseCaseError> {
    let Some(release) = release else {
        return Ok(Vec::new());
    };
    let Some(snapshot) = db::snapshots::get(&core.db, release.id)
        .await
        .map_err(internal)?
    else {
        return Ok(Vec::new());
    };
    let recorded = DiffSide {
        config: snapshot.side.config,
        ..DiffSide::default()
    };
    let now = DiffSide {
        config: secrets::config_entries(core, environment, Freshness::Cached).await,
        ..DiffSide::default()
    };
    Ok(diff(&recorded, &now)
        .into_iter()
        .filter(|row| row.change != Change::Same)
        .map(|row| row.key)
        .collect())
}
