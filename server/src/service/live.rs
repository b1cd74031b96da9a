//! Environments at a glance and their fleets, from the database and the poller's shared
//! snapshot — never from the cloud, so that reading them costs no AWS call however many pages
//! and scripts ask: the overview's columns and `GET /api/v1/environments` ([`statuses`]), the
//! environment page's fleet section and `GET /api/v1/environments/{env}/fleet`
//! ([`fleet_report`]), and its charts ([`charts`]).

use super::internal;
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db::{self, rollouts};
use app::domain::env_diff::{diff, Change, Section};
use app::domain::fleet_health::FleetSnapshot;
use app::domain::fleet_table::InstanceFilter;
use app::domain::metric_series::ChartRange;
use app::domain::rollout::Phase;
use app::domain::signoff::void_reasons;
use app::domain::views::{
    ChartsReport, EnvironmentInfo, EnvironmentStatus, FleetReport, LiveHealth, SignoffState,
    SignoffStatus,
};
use app::domain::{DeploymentRecord, EnvironmentName, Fleet, Timestamp};
use app::use_cases::UseCaseError;

/// Rows of an instance table page.
pub const INSTANCES_PER_PAGE: usize = 50;

/// Every environment at a glance, in pipeline order.
pub async fn statuses(core: &Core) -> Result<Vec<EnvironmentStatus>, UseCaseError> {
    let mut all = Vec::new();
    for environment in &core.settings.environments {
        all.push(status(core, environment).await?);
    }
    Ok(all)
}

async fn status(
    core: &Core,
    environment: &EnvironmentSettings,
) -> Result<EnvironmentStatus, UseCaseError> {
    let name = environment.name.as_str();
    let current = db::deployments::current(&core.db, name)
        .await
        .map_err(internal)?;
    let latest = db::deployments::latest(&core.db, name)
        .await
        .map_err(internal)?;
    let latest_attempt = latest.filter(|l| current.as_ref().is_none_or(|c| c.id != l.id));
    let fleet = db::fleets::get(&core.db, name).await.map_err(internal)?;
    let signoff = signoff_status(core, environment, current.as_ref(), fleet.as_ref()).await?;
    let warm_until = match rollouts::in_phases(&core.db, name, &[Phase::Warm])
        .await
        .map_err(internal)?
        .first()
    {
        Some(id) => rollouts::load(&core.db, *id)
            .await
            .map_err(internal)?
            .and_then(|row| row.warm_until)
            .map(Timestamp::from_millis),
        None => None,
    };
    let in_flight = db::deployments::in_flight(&core.db, name)
        .await
        .map_err(internal)?;
    let config_drift = super::env_side::config_drift(core, environment, current.as_ref()).await?;
    Ok(EnvironmentStatus {
        config_drift,
        environment: EnvironmentInfo {
            name: name.to_owned(),
            title: environment.title.clone(),
        },
        signoff: SignoffState::of(
            current.is_some(),
            signoff
                .as_ref()
                .map(|s| (&s.signoff, s.void_reasons.as_slice())),
        ),
        signed_by: signoff.map(|s| s.signoff.signed_by),
        current,
        latest_attempt,
        live: live_health(core, name).0,
        frozen: super::change_control::freeze_of(&core.db, environment, core.now())
            .await?
            .map(|f| f.describe()),
        warm_until,
        in_flight,
    })
}

/// QA's newest verdict on the release `environment` runs, and why it no longer counts.
pub async fn signoff_status(
    core: &Core,
    environment: &EnvironmentSettings,
    current: Option<&DeploymentRecord>,
    fleet: Option<&Fleet>,
) -> Result<Option<SignoffStatus>, UseCaseError> {
    let Some(release) = current else {
        return Ok(None);
    };
    let Some((build, _)) = db::builds::by_version(&core.db, &release.build_version)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let running = fleet
        .filter(|f| f.build_id == build.id)
        .map(|f| f.image_id.as_str());
    let now = super::signoffs::basis(
        core,
        &build,
        environment,
        running,
        super::secrets::Freshness::Cached,
    )
    .await;
    Ok(
        db::signoffs::latest(&core.db, build.id, environment.name.as_str())
            .await
            .map_err(internal)?
            .map(|(signoff, signed)| {
                let void_reasons: Vec<String> = void_reasons(&signed, &now)
                    .iter()
                    .map(|r| r.describe())
                    .collect();
                let changed = match (&signed.side, &now.side) {
                    (Some(then), Some(current)) if !void_reasons.is_empty() => diff(then, current)
                        .into_iter()
                        .filter(|r| r.change != Change::Same)
                        .filter(|r| r.section != Section::Infrastructure || r.key == "image_id")
                        .map(|r| (r.key.clone(), r.line()))
                        .collect(),
                    _ => Vec::new(),
                };
                SignoffStatus {
                    signoff,
                    void_reasons,
                    changed,
                }
            }),
    )
}

/// `environment`'s live health from the shared snapshot, and the snapshot itself.
pub fn live_health(core: &Core, environment: &str) -> (LiveHealth, Option<FleetSnapshot>) {
    core.fleet
        .live(environment, core.now(), core.stale_after_ms())
}

/// `environment`'s fleets as last read, each with page `page` of the instances `filter`
/// keeps.
pub fn fleet_report(
    core: &Core,
    environment: &EnvironmentName,
    filter: InstanceFilter,
    page: usize,
) -> Result<FleetReport, UseCaseError> {
    core.environment(environment)
        .ok_or_else(|| UseCaseError::NotFound(format!("environment {environment}")))?;
    let (live, snapshot) = live_health(core, environment.as_str());
    let (fleets, alarms) = match snapshot {
        Some(snapshot) => (
            snapshot
                .fleets
                .iter()
                .map(|f| f.page(filter, page, INSTANCES_PER_PAGE))
                .collect(),
            snapshot.alarms,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(FleetReport {
        environment: environment.to_string(),
        live,
        fleets,
        alarms,
    })
}

/// `environment`'s charts of `range` as last read.
pub fn charts(
    core: &Core,
    environment: &EnvironmentName,
    range: ChartRange,
) -> Result<ChartsReport, UseCaseError> {
    core.environment(environment)
        .ok_or_else(|| UseCaseError::NotFound(format!("environment {environment}")))?;
    let read = core.fleet.charts(environment.as_str(), range);
    Ok(ChartsReport {
        environment: environment.to_string(),
        range,
        taken_at: read.as_ref().map(|(at, _)| Timestamp::from_millis(*at)),
        charts: read.map(|(_, charts)| charts).unwrap_or_default(),
    })
}
