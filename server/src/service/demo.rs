//! The demo through the engine: on a fresh demo database, every environment gets the release
//! before its seeded one and then its seeded one, as real deployments on the sandbox, so that
//! each runs a fleet and keeps the previous one warm. QA's sign-offs on what TEST and STAGING
//! run are recorded afterwards, so a promotion can be clicked through at once.

use super::deployments::accept::{accept, Requester};
use super::deployments::plan::plan_for;
use super::{internal, signoffs};
use crate::cloud::sandbox::SandboxCloud;
use crate::core::Core;
use crate::db::{self, rollouts};
use app::domain::release_line::{release_line, rollback_target};
use app::domain::rollout::Phase;
use app::domain::signoff::Verdict;
use app::domain::signoff_request::SignOffForm;
use app::domain::views::{DeploymentDetail, Principal};
use app::domain::{Build, DeploymentKind, EnvironmentName, Role};
use app::use_cases::UseCaseError;
use std::sync::Arc;
use std::time::Duration;

/// Puts `build` into `environment` for the demo, gates aside: a real deployment through the
/// engine, labelled as demo data.
pub async fn demo_release(
    core: &Core,
    environment: &EnvironmentName,
    build: &Build,
    kind: DeploymentKind,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| UseCaseError::NotFound(format!("environment {environment}")))?;
    let previous = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    let image = signoffs::build_image(build);
    let plan = plan_for(env, kind, build, Some(image), previous)?;
    let actor = Principal {
        id: 0,
        name: "demo".into(),
        role: Role::Engineer,
    };
    let by = Requester {
        actor: &actor,
        address: "local",
        demo: true,
        signoff_id: None,
        override_reason: None,
    };
    let notes = "demo: started by Greenlight at start-up".to_owned();
    accept(core, by, plan, notes).await
}

/// Waits until deployment `id` rests (warm or finished), up to `limit`.
async fn rest(core: &Core, id: i64, limit: Duration) -> anyhow::Result<Phase> {
    let started = tokio::time::Instant::now();
    loop {
        let row = rollouts::load(&core.db, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("deployment {id} vanished"))?;
        let phase = row.phase.unwrap_or(Phase::Failed);
        if phase == Phase::Warm || phase.is_terminal() {
            return Ok(phase);
        }
        if started.elapsed() > limit {
            anyhow::bail!("deployment {id} still {phase} after {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Brings one environment's fleets up: the release before the seeded one, then the seeded one.
/// Between PROD's two releases the demo rotates one of its secrets (on the sandbox), so the
/// release-vs-release diff shows a secret that changed.
async fn environment(
    core: &Core,
    index: usize,
    name: &EnvironmentName,
    sandbox: Option<&SandboxCloud>,
) -> anyhow::Result<()> {
    let Some(current) = db::deployments::current(&core.db, name.as_str()).await? else {
        return Ok(());
    };
    let releases = db::deployments::releases(&core.db, name.as_str()).await?;
    let line = release_line(releases.iter().map(|r| (r.build_version.as_str(), r.kind)));
    let previous = rollback_target(&line).map(str::to_owned);
    let kind = if index == 0 {
        DeploymentKind::Deploy
    } else {
        DeploymentKind::Promote
    };
    let rotate_after = previous.clone();
    for version in previous.into_iter().chain([current.build_version]) {
        let (build, _) = db::builds::by_version(&core.db, &version)
            .await?
            .ok_or_else(|| anyhow::anyhow!("build {version} vanished"))?;
        let started = demo_release(core, name, &build, kind)
            .await
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        rest(core, started.record.id, Duration::from_secs(600)).await?;
        if let (Some(sandbox), true) = (sandbox, rotate_after.as_deref() == Some(&version)) {
            let rotated = crate::config::defaults::DEMO_ROTATED_SECRET;
            if name.as_str() == "prod" && config_names(core, rotated) {
                sandbox.put_parameter(rotated, "sandbox value, rotated");
            }
        }
    }
    Ok(())
}

/// Whether the config names the parameter (the demo pipeline does; a custom one may not).
fn config_names(core: &Core, parameter: &str) -> bool {
    core.settings.environments.iter().any(|e| {
        e.config.values().any(|v| {
            matches!(v, crate::config::ConfigValue::Secret { secret }
                if super::secrets::parameter_name(secret) == Some(parameter))
        })
    })
}

/// Runs the demo's deployments (all environments at once) and records QA's sign-offs.
pub async fn bring_up(core: Core, sandbox: Option<Arc<SandboxCloud>>) -> anyhow::Result<()> {
    let names: Vec<EnvironmentName> = core
        .settings
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let mut runs = tokio::task::JoinSet::new();
    for (index, name) in names.iter().enumerate() {
        let (core, name, sandbox) = (core.clone(), name.clone(), sandbox.clone());
        runs.spawn(async move { environment(&core, index, &name, sandbox.as_deref()).await });
    }
    while let Some(result) = runs.join_next().await {
        result??;
    }
    let qa = Principal {
        id: 0,
        name: "quinn (demo QA)".into(),
        role: Role::Qa,
    };
    for (index, name) in names.iter().enumerate() {
        let next_needs_signoff = core
            .settings
            .environments
            .get(index + 1)
            .is_some_and(|e| e.requires_signoff);
        let current = db::deployments::current(&core.db, name.as_str()).await?;
        if let (true, Some(current)) = (next_needs_signoff, current) {
            let version = app::domain::Version::parse(&current.build_version)
                .map_err(|e| anyhow::anyhow!("stored version {}: {e}", current.build_version))?;
            let form = SignOffForm::new(
                name.as_str(),
                Verdict::Approved.as_str(),
                "demo: regression suite green",
            );
            signoffs::record(&core, &qa, "local", &version, &form)
                .await
                .map_err(|e| anyhow::anyhow!("sign-off on {name}: {e}"))?;
        }
    }
    tracing::info!("demo fleets up: every environment runs its release with the previous one warm");
    Ok(())
}
