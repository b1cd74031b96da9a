//! The environment page: its release, serving fleet, warm window, QA's verdict on what it
//! runs, what a promotion into it would do, and what may be deployed into it.

use super::{deployments, internal, signoffs};
use crate::db::{self, runs};
use crate::state::AppState;
use app::api::backend::BackendError;
use app::domain::release::{EnvironmentPage, FleetView, SignoffStatus};
use app::domain::rollout::Phase;
use app::domain::signoff::void_reasons;
use app::domain::views::{EnvironmentInfo, Principal};

/// Everything the environment page shows.
pub async fn page(
    state: &AppState,
    actor: &Principal,
    name: &str,
) -> Result<EnvironmentPage, BackendError> {
    let (index, env) = state
        .environment(name)
        .ok_or_else(|| BackendError::NotFound(format!("environment {name}")))?;
    let current = db::deployments::current(&state.db, name)
        .await
        .map_err(internal)?;
    let fleet = db::fleets::get(&state.db, name).await.map_err(internal)?;
    let warm = match runs::in_phases(&state.db, name, &[Phase::Verifying, Phase::Warm])
        .await
        .map_err(internal)?
        .first()
    {
        Some(id) => Some(deployments::detail(state, *id).await?),
        None => None,
    };
    let in_flight = match db::deployments::in_flight(&state.db, name)
        .await
        .map_err(internal)?
    {
        Some(id) => db::deployments::by_id(&state.db, id)
            .await
            .map_err(internal)?,
        None => None,
    };
    let signoff = match &current {
        Some(release) => {
            match db::builds::by_version(&state.db, &release.build_version)
                .await
                .map_err(internal)?
            {
                Some((build, _)) => {
                    let running = fleet
                        .as_ref()
                        .filter(|f| f.build_id == build.id)
                        .map(|f| f.image_id.as_str());
                    let now = signoffs::basis(&build, env, running);
                    db::signoffs::latest(&state.db, build.id, name)
                        .await
                        .map_err(internal)?
                        .map(|(signoff, signed)| SignoffStatus {
                            signoff,
                            void_reasons: void_reasons(&signed, &now)
                                .iter()
                                .map(|r| r.describe())
                                .collect(),
                        })
                }
                None => None,
            }
        }
        None => None,
    };
    let promotion = if index > 0 {
        Some(deployments::preview(state, actor, name).await?.preview)
    } else {
        None
    };
    let deployable = if index == 0 {
        db::builds::page(&state.db, None, 20)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|b| b.version.to_string())
            .collect()
    } else {
        Vec::new()
    };
    Ok(EnvironmentPage {
        environment: EnvironmentInfo {
            name: env.name.clone(),
            title: env.title.clone(),
        },
        strategy: serde_json::to_value(env.strategy())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        desired_capacity: env.desired_capacity,
        first: index == 0,
        frozen: env.frozen.clone(),
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
        recent: db::deployments::recent(&state.db, name, 10)
            .await
            .map_err(internal)?,
        deployable,
    })
}
