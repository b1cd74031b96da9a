//! A deployment's plan from its environment's settings: binding, launch template, timings
//! and alarms captured when the deployment is accepted, so a later config change never alters
//! a deployment in flight.

use crate::config::EnvironmentSettings;
use crate::core::Core;
use app::domain::plan::DeploymentPlan;
use app::domain::{Artifact, Build, DeploymentKind, Fleet};
use app::use_cases::UseCaseError;

/// A plan for `environment` with its timings and binding.
pub fn plan_for(
    environment: &EnvironmentSettings,
    kind: DeploymentKind,
    build: &Build,
    image_id: Option<String>,
    previous: Option<Fleet>,
) -> Result<DeploymentPlan, UseCaseError> {
    let version = build.version.to_string();
    // Start-up fills a template in for the sandbox, and the loader demands one on AWS.
    let artifact_url = match &build.artifact {
        Artifact::BaseImage { url, .. } => Some(url.as_str()),
        Artifact::Image { .. } => None,
    };
    let template = environment
        .launch_template(&version, artifact_url)
        .ok_or_else(|| {
            super::super::internal(format!(
                "environment {} has no [environments.instance]",
                environment.name
            ))
        })?;
    Ok(DeploymentPlan {
        environment: environment.name.to_string(),
        kind,
        binding: environment.binding(),
        template,
        build_id: build.id,
        build: version,
        image_id,
        bake: None,
        desired: environment.desired_capacity,
        health_deadline_ms: environment.health_deadline.as_millis_i64(),
        verify_ms: environment.verify_window.as_millis_i64(),
        warm_ms: environment.warm_retention.as_millis_i64(),
        watch_while_warm: environment.watch_while_warm,
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
        last_look: None,
        unwatched_ms: 0,
        config_capacity: Some(environment.desired_capacity),
        // A scale changes the serving fleet in place: there is no switch to hold for.
        manual_cutover: environment.cutover == crate::config::Cutover::Manual
            && kind != DeploymentKind::Scale,
        hold_deadline_ms: environment.hold_deadline.as_millis_i64(),
        held_at: None,
        new_addresses: Default::default(),
        // A rollback goes back to what ran before and a scale keeps it: neither tests a new
        // release nor may run a migration again.
        hooks: match kind {
            DeploymentKind::Deploy | DeploymentKind::Promote => {
                environment.hooks.iter().map(|h| h.spec()).collect()
            }
            DeploymentKind::Rollback | DeploymentKind::Scale => Vec::new(),
        },
        hook_notes: Vec::new(),
    })
}

/// How many instances a release into `environment` launches: the count its latest
/// successful deployment wanted while the config's `desired_capacity` is unchanged since (a
/// scale survives), else the config's.
pub async fn release_capacity(
    core: &Core,
    environment: &EnvironmentSettings,
) -> Result<u32, UseCaseError> {
    let serving = crate::db::rollouts::serving_capacity(&core.db, environment.name.as_str())
        .await
        .map_err(super::super::internal)?;
    Ok(app::domain::plan::release_capacity(
        environment.desired_capacity,
        serving,
    ))
}
