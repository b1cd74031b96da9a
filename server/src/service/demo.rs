//! The demo through the engine: on a fresh demo database, every environment gets the release
//! before its seeded one and then its seeded one, as real deployments on the sandbox, so that
//! each runs a fleet and keeps the previous one warm. QA's sign-offs on what TEST and STAGING
//! run are recorded afterwards, so a promotion can be clicked through at once.

use super::{deployments, signoffs};
use crate::db::{self, runs};
use crate::state::AppState;
use app::domain::rollout::Phase;
use app::domain::views::Principal;
use app::domain::{DeploymentKind, Role};
use std::time::Duration;

/// Waits until deployment `id` rests (warm or finished), up to `limit`.
async fn rest(state: &AppState, id: i64, limit: Duration) -> anyhow::Result<Phase> {
    let started = tokio::time::Instant::now();
    loop {
        let row = runs::load(&state.db, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("deployment {id} vanished"))?;
        let phase =
            Phase::parse(row.phase.as_deref().unwrap_or("failed")).map_err(anyhow::Error::msg)?;
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
async fn environment(state: &AppState, index: usize, name: &str) -> anyhow::Result<()> {
    let Some(current) = db::deployments::current(&state.db, name).await? else {
        return Ok(());
    };
    let previous = db::deployments::previous_release(&state.db, name, current.id).await?;
    let kind = if index == 0 {
        DeploymentKind::Deploy
    } else {
        DeploymentKind::Promote
    };
    for version in previous
        .map(|p| p.build_version)
        .into_iter()
        .chain([current.build_version])
    {
        let (build, _) = db::builds::by_version(&state.db, &version)
            .await?
            .ok_or_else(|| anyhow::anyhow!("build {version} vanished"))?;
        let started = deployments::demo_release(state, name, &build, kind)
            .await
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        rest(state, started.record.id, Duration::from_secs(600)).await?;
    }
    Ok(())
}

/// Runs the demo's deployments (all environments at once) and records QA's sign-offs.
pub async fn bring_up(state: AppState) -> anyhow::Result<()> {
    let names: Vec<String> = state
        .settings
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let mut runs = tokio::task::JoinSet::new();
    for (index, name) in names.iter().enumerate() {
        let (state, name) = (state.clone(), name.clone());
        runs.spawn(async move { environment(&state, index, &name).await });
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
        let next_needs_signoff = state
            .settings
            .environments
            .get(index + 1)
            .is_some_and(|e| e.requires_signoff);
        let current = db::deployments::current(&state.db, name).await?;
        if let (true, Some(current)) = (next_needs_signoff, current) {
            signoffs::record(
                &state,
                &qa,
                "local",
                &current.build_version,
                name,
                "approved",
                "demo: regression suite green",
            )
            .await
            .map_err(|e| anyhow::anyhow!("sign-off on {name}: {e}"))?;
        }
    }
    tracing::info!("demo fleets up: every environment runs its release with the previous one warm");
    Ok(())
}
