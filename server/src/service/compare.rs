//! Comparing two sides — environments as they are now, deployments as they were accepted —
//! into the rows, counts and code range the compare page, the promotion confirmation and
//! `GET /api/v1/diff` show.

use super::env_side::{environment_now, side_for};
use super::internal;
use super::secrets::{self, Freshness};
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db;
use app::domain::env_diff::{counts, diff, Change, DiffRow, DiffSide};
use app::domain::env_side::baked_from;
use app::domain::side_spec::SideSpec;
use app::domain::views::{
    CodeRange, Comparison, DeploymentChoice, EnvironmentInfo, RangeChange, SideLabel,
};
use app::domain::Build;
use app::use_cases::UseCaseError;

/// The row of the instances an environment runs now (from the poller's shared snapshot).
const RUNNING: &str = "running_instances";

/// "2 (2 healthy)", or why it is not known, from the shared snapshot (no cloud call).
fn running_now(core: &Core, environment: &str) -> String {
    let (live, _) = super::live::live_health(core, environment);
    match live.taken_at {
        None => "not read yet".to_owned(),
        Some(_) if live.stale => format!("{} ({} healthy; stale)", live.total, live.healthy),
        Some(_) => format!("{} ({} healthy)", live.total, live.healthy),
    }
}

/// One side, found.
struct Found {
    label: SideLabel,
    side: DiffSide,
    build: Option<Build>,
}

/// Recent deployments offered as sides on the compare page.
const OFFERED: i64 = 50;

/// Compares `from` (left) with `to` (right), each an environment name or a deployment id.
/// `to` left empty is the last environment of the pipeline; `from` left empty is, when `to`
/// is a deployment, the release it replaced ("what did this deployment change?"), else the
/// first environment.
pub async fn compare(core: &Core, from: &str, to: &str) -> Result<Comparison, UseCaseError> {
    let environments = &core.settings.environments;
    let end = |end: Option<&EnvironmentSettings>| end.map(|e| e.name.to_string());
    let to = match to.trim() {
        "" => end(environments.last()).unwrap_or_default(),
        given => given.to_owned(),
    };
    let from = match (from.trim(), SideSpec::parse(&to)) {
        ("", Ok(SideSpec::Deployment(id))) => replaced_by(core, id).await?.to_string(),
        ("", _) => end(environments.first()).unwrap_or_default(),
        (given, _) => given.to_owned(),
    };
    let (from, to) = SideSpec::parse_pair(&from, &to).map_err(UseCaseError::Invalid)?;
    let mut left = find(core, &from).await?;
    let mut right = find(core, &to).await?;
    // Running instances are known of an environment now, not of a deployment's record: the
    // row shows only when both sides have it.
    let running = |found: &Found| found.side.infrastructure.contains_key(RUNNING);
    if running(&left) != running(&right) {
        left.side.infrastructure.remove(RUNNING);
        right.side.infrastructure.remove(RUNNING);
    }
    let rows = diff(&left.side, &right.side);
    let code = code_range(core, left.build.as_ref(), right.build.as_ref()).await?;
    Ok(Comparison {
        left: left.label,
        right: right.label,
        counts: counts(&rows),
        rows,
        code,
        commit_url: core.settings.repository.commit_url.clone(),
        environments: environments
            .iter()
            .map(|e| EnvironmentInfo {
                name: e.name.to_string(),
                title: e.title.clone(),
            })
            .collect(),
        deployments: db::snapshots::recent(&core.db, OFFERED)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|d| DeploymentChoice {
                label: format!(
                    "#{} · {} · {} · {} · {}",
                    d.id,
                    title_of(core, &d.environment),
                    d.build_version,
                    d.kind,
                    d.started_at.to_display()
                ),
                id: d.id,
            })
            .collect(),
    })
}

/// The release deployment `id` replaced, for "what did it change?".
async fn replaced_by(core: &Core, id: i64) -> Result<i64, UseCaseError> {
    db::deployments::by_id(&core.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("deployment {id}")))?;
    db::snapshots::release_before(&core.db, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            UseCaseError::Conflict(format!(
                "deployment {id} replaced no earlier release of its environment: \
                 name a side to compare it with"
            ))
        })
}

/// An environment's title, or its name when it is no longer configured.
fn title_of(core: &Core, environment: &str) -> String {
    core.settings
        .environments
        .iter()
        .find(|e| e.name.as_str() == environment)
        .map_or_else(|| environment.to_owned(), |e| e.title.clone())
}

async fn find(core: &Core, spec: &SideSpec) -> Result<Found, UseCaseError> {
    match spec {
        SideSpec::Environment(name) => {
            let (_, environment) = core
                .environment(name)
                .ok_or_else(|| UseCaseError::NotFound(format!("environment {name}")))?;
            let label = |deployment_id| SideLabel {
                spec: name.to_string(),
                title: format!("{} (now)", environment.title),
                environment: name.to_string(),
                deployment_id,
                recorded_at: None,
                snapshot_hash: None,
            };
            Ok(
                match environment_now(core, environment, Freshness::Cached).await? {
                    Some(mut now) => {
                        let running = running_now(core, name.as_str());
                        now.side.infrastructure.insert(RUNNING.into(), running);
                        Found {
                            label: label(Some(now.release.id)),
                            side: now.side,
                            build: Some(now.build),
                        }
                    }
                    // Runs nothing yet: only its config can be compared.
                    None => Found {
                        label: label(None),
                        side: DiffSide {
                            config: secrets::config_entries(core, environment, Freshness::Cached)
                                .await,
                            ..DiffSide::default()
                        },
                        build: None,
                    },
                },
            )
        }
        SideSpec::Deployment(id) => {
            let record = db::deployments::by_id(&core.db, *id)
                .await
                .map_err(internal)?
                .ok_or_else(|| UseCaseError::NotFound(format!("deployment {id}")))?;
            let snapshot = db::snapshots::get(&core.db, *id)
                .await
                .map_err(internal)?
                .ok_or_else(|| {
                    UseCaseError::Conflict(format!(
                        "deployment {id} has no snapshot: it was accepted before Greenlight \
                         recorded what each deployment ran"
                    ))
                })?;
            let mut side = snapshot.side;
            // Recorded before its image was baked: the image baked since, and where from.
            if let Some(plan) = db::rollouts::load(&core.db, *id)
                .await
                .map_err(internal)?
                .and_then(|row| row.plan)
            {
                if let (Some(image), Some(bake)) = (plan.image_id, plan.bake) {
                    if side.infrastructure.get("image_id") == Some(&baked_from(&bake)) {
                        side.infrastructure.insert("image_id".into(), image);
                        side.infrastructure
                            .insert("image_source".into(), baked_from(&bake));
                    }
                }
            }
            let build = db::builds::by_version(&core.db, &record.build_version)
                .await
                .map_err(internal)?
                .map(|(build, _)| build);
            let title = title_of(core, &record.environment);
            Ok(Found {
                label: SideLabel {
                    spec: id.to_string(),
                    title: format!("deployment #{id} · {title} · {}", record.build_version),
                    environment: record.environment.clone(),
                    deployment_id: Some(*id),
                    recorded_at: Some(snapshot.recorded_at),
                    snapshot_hash: Some(snapshot.hash),
                },
                side,
                build,
            })
        }
    }
}

/// What promoting `build` into `target` (launched from `image`) changes: the target as its
/// running release recorded it against what the promotion would record (so config changed
/// since the last deployment, which the new fleet picks up, shows too), identical rows left
/// out; and the changes that reach the target for the first time. A failure to compare shows
/// nothing rather than failing the preview.
pub async fn promotion_changes(
    core: &Core,
    target: &EnvironmentSettings,
    build: &Build,
    image: &str,
) -> (Vec<DiffRow>, CodeRange) {
    let now = match environment_now(core, target, Freshness::Cached).await {
        Ok(now) => now,
        Err(_) => return (Vec::new(), CodeRange::default()),
    };
    let recorded = match &now {
        Some(now) => db::snapshots::get(&core.db, now.release.id)
            .await
            .ok()
            .flatten()
            .map(|s| s.side),
        None => None,
    };
    let left = match (recorded, &now) {
        (Some(side), _) => side,
        (None, Some(now)) => now.side.clone(),
        (None, None) => DiffSide::default(),
    };
    let config = secrets::config_entries(core, target, Freshness::Cached).await;
    let Some(right) = side_for(target, build, image.to_owned(), config) else {
        return (Vec::new(), CodeRange::default());
    };
    let rows = diff(&left, &right)
        .into_iter()
        .filter(|r| r.change != Change::Same)
        .collect();
    let code = match &now {
        Some(now) if build.id > now.build.id => code_range(core, Some(&now.build), Some(build))
            .await
            .unwrap_or_default(),
        None => CodeRange::default(),
        Some(_) => CodeRange::default(),
    };
    (rows, code)
}

/// The changes of a range, one line each: `abc1234 Fix login — ana · 1.4.0`.
pub fn change_lines(code: &CodeRange) -> Vec<String> {
    code.changes
        .iter()
        .map(|c| {
            let change = &c.change;
            format!(
                "{} {} — {} · {}",
                change.revision.short(),
                change.summary,
                change.author,
                c.version
            )
        })
        .collect()
}

/// The builds between the two sides' builds and their changes.
async fn code_range(
    core: &Core,
    left: Option<&Build>,
    right: Option<&Build>,
) -> Result<CodeRange, UseCaseError> {
    let (Some(left), Some(right)) = (left, right) else {
        return Ok(CodeRange::default());
    };
    let (after, up_to, sign) = if right.id >= left.id {
        (left.id, right.id, 1)
    } else {
        (right.id, left.id, -1)
    };
    let builds = db::builds::changes_between(&core.db, after, up_to)
        .await
        .map_err(internal)?;
    let total_changes = builds.iter().map(|(_, changes)| changes.len()).sum();
    let changes = builds
        .iter()
        .flat_map(|(version, changes)| {
            changes.iter().map(|change| RangeChange {
                version: version.clone(),
                change: change.clone(),
            })
        })
        .take(CodeRange::LIMIT)
        .collect();
    let ahead_by = sign * i64::try_from(builds.len()).unwrap_or(i64::MAX);
    let compare_url = core
        .settings
        .repository
        .compare_url
        .as_ref()
        .filter(|_| left.revision != right.revision)
        .map(|template| {
            template
                .replace("{from}", left.revision.as_str())
                .replace("{to}", right.revision.as_str())
        });
    Ok(CodeRange {
        ahead_by,
        changes,
        total_changes,
        compare_url,
    })
}
