//! Gathering the facts a promotion's gates judge (source release, sign-off and whether it
//! still counts, frozen, in flight, alarms) and the preview the confirmation dialog shows.

use super::secrets::Freshness;
use super::{internal, signoffs};
use crate::cloud::AlarmState;
use crate::config::EnvironmentSettings;
use crate::core::Core;
use crate::db;
use app::domain::bake::{self, BakeMethod, SourceTraffic};
use app::domain::gates::{promotion_gates, Gate, PromotionFacts, SignoffFacts};
use app::domain::signoff::void_reasons;
use app::domain::views::PromotionPreview;
use app::domain::{Build, EnvironmentName, Strategy};
use app::use_cases::UseCaseError;

/// Where a gate reads alarms from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmRead {
    /// The poller's shared snapshot: what a page or a preview shows, so that opening pages
    /// costs no AWS call (a fresh read when there is no snapshot yet, or the poller is off).
    Shared,
    /// A fresh read: what a deploy or a promotion decides on.
    Fresh,
}

/// Alarms of `environment` that fire now; a failure to ask counts as firing, named.
pub async fn alarms_firing(
    core: &Core,
    environment: &EnvironmentSettings,
    read: AlarmRead,
) -> Vec<String> {
    if environment.alarms.is_empty() {
        return Vec::new();
    }
    let shared = core
        .fleet
        .get(environment.name.as_str())
        .and_then(|cached| cached.snapshot);
    if let (AlarmRead::Shared, Some(snapshot)) = (read, shared) {
        return snapshot
            .alarms
            .into_iter()
            .filter(|a| a.state == app::domain::fleet_health::AlarmStatus::Alarm)
            .map(|a| a.name)
            .collect();
    }
    match core.cloud.alarms(&environment.alarms).await {
        Ok(alarms) => alarms
            .into_iter()
            .filter(|a| a.state == AlarmState::Alarm)
            .map(|a| a.name)
            .collect(),
        Err(error) => vec![format!("(cannot read alarms: {error})")],
    }
}

/// The id of the environment's mutation in flight.
pub async fn in_flight(
    core: &Core,
    environment: &EnvironmentName,
) -> Result<Option<i64>, UseCaseError> {
    db::deployments::in_flight(&core.db, environment.as_str())
        .await
        .map_err(internal)
}

/// What a promotion into `target` (not the first environment) would do and its gates.
pub struct Promotion {
    /// For the dialog and the API.
    pub preview: PromotionPreview,
    /// The build to promote.
    pub build: Option<Build>,
    /// The source environment.
    pub source: EnvironmentSettings,
    /// The approved sign-off that still counts and that the promotion relies on, if any.
    pub signoff_id: Option<i64>,
}

/// Evaluates a promotion into `target` by `promoter`, its alarms as `read` says.
pub async fn promotion(
    core: &Core,
    target: &EnvironmentSettings,
    source: &EnvironmentSettings,
    promoter: &app::domain::views::Principal,
    read: AlarmRead,
) -> Result<Promotion, UseCaseError> {
    let source_release = db::deployments::current(&core.db, source.name.as_str())
        .await
        .map_err(internal)?;
    let target_release = db::deployments::current(&core.db, target.name.as_str())
        .await
        .map_err(internal)?;
    let build = match &source_release {
        Some(release) => db::builds::by_version(&core.db, &release.build_version)
            .await
            .map_err(internal)?
            .map(|(build, _)| build),
        None => None,
    };
    let source_fleet = db::fleets::get(&core.db, source.name.as_str())
        .await
        .map_err(internal)?;
    let target_fleet = db::fleets::get(&core.db, target.name.as_str())
        .await
        .map_err(internal)?;
    let mut signoff_id = None;
    let signoff = match &build {
        Some(build) => {
            let running = source_fleet
                .as_ref()
                .filter(|f| f.build_id == build.id)
                .map(|f| f.image_id.as_str());
            let freshness = match read {
                AlarmRead::Shared => Freshness::Cached,
                AlarmRead::Fresh => Freshness::Fresh,
            };
            let current = signoffs::basis(core, build, source, running, freshness).await;
            let latest = db::signoffs::latest(&core.db, build.id, source.name.as_str())
                .await
                .map_err(internal)?;
            let signer_id = match &latest {
                Some((signoff, _)) => db::signoffs::signer_id(&core.db, signoff.id)
                    .await
                    .map_err(internal)?,
                None => None,
            };
            latest.map(|(signoff, signed)| {
                let facts = SignoffFacts {
                    approved: signoff.verdict == app::domain::signoff::Verdict::Approved,
                    signed_by: signoff.signed_by,
                    signed_by_id: signer_id,
                    void_reasons: void_reasons(&signed, &current)
                        .iter()
                        .map(|r| r.describe())
                        .collect(),
                };
                if facts.approved && facts.void_reasons.is_empty() {
                    signoff_id = Some(signoff.id);
                }
                facts
            })
        }
        None => None,
    };
    let source_fleet_build = match &source_fleet {
        Some(fleet) => db::builds::by_id(&core.db, fleet.build_id)
            .await
            .map_err(internal)?
            .map(|b| b.version.to_string()),
        None => None,
    };
    let facts = PromotionFacts {
        source_title: source.title.clone(),
        source_build: source_release.as_ref().map(|r| r.build_version.clone()),
        source_fleet_build,
        source_in_flight: in_flight(core, &source.name).await?,
        target_build: target_release.as_ref().map(|r| r.build_version.clone()),
        requires_signoff: target.requires_signoff,
        four_eyes: target.four_eyes,
        signoff,
        promoter: promoter.name.clone(),
        promoter_id: promoter.id,
        frozen: super::change_control::freeze_of(&core.db, target, core.now())
            .await?
            .map(|f| f.describe()),
        in_flight: in_flight(core, &target.name).await?,
        alarms_firing: alarms_firing(core, target, read).await,
    };
    let mut gates: Vec<Gate> = promotion_gates(&facts);
    if let Some(build) = &build {
        let running = super::schema::running_build(core, target.name.as_str()).await?;
        gates.extend(super::schema::gate(
            &target.title,
            running.as_ref(),
            build,
            false,
        ));
    }
    let lock = super::change_control::lock_of(&core.db, target.name.as_str(), core.now()).await?;
    gates.extend(app::domain::change_control::lock_gate(
        lock.as_ref(),
        promoter.id,
    ));
    let image = if target.bake_image {
        match source_fleet.as_ref().and_then(|f| f.instance_ids.first()) {
            Some(instance) => format!(
                "baked from {instance} in {}{}",
                source.title,
                how_baked(target, source)
            ),
            None => {
                gates.push(Gate {
                    gate: app::domain::gates::GateKind::SourceRelease,
                    passed: false,
                    reason: format!(
                        "{} has no running instance to bake an image from",
                        source.title
                    ),
                });
                "baked from the previous environment".into()
            }
        }
    } else {
        match (&source_fleet, &build) {
            (Some(fleet), _) => fleet.image_id.clone(),
            (None, Some(build)) => signoffs::build_image(build),
            (None, None) => "none".into(),
        }
    };
    let (differences, arriving) = match &build {
        Some(build) => super::compare::promotion_changes(core, target, build, &image).await,
        None => (Vec::new(), Default::default()),
    };
    let preview = PromotionPreview {
        from: source.title.clone(),
        version: build.as_ref().map(|b| b.version.to_string()),
        revision: build.as_ref().map(|b| b.revision.to_string()),
        image,
        instances: crate::service::deployments::plan::release_capacity(core, target).await?,
        outgoing: target_fleet.map(|f| f.instance_ids).unwrap_or_default(),
        gates,
        differences: differences
            .iter()
            .map(|row| (row.key.clone(), row.line()))
            .collect(),
        arriving_total: arriving.total_changes,
        arriving: super::compare::change_lines(&arriving),
        warnings: super::change_control::warm_window_warnings(target, core.now()),
    };
    Ok(Promotion {
        preview,
        build,
        source: source.clone(),
        signoff_id: signoff_id.filter(|_| target.requires_signoff),
    })
}

/// How the source instance will likely be imaged, for the preview (the engine decides when it
/// begins, from the target group's health then).
fn how_baked(target: &EnvironmentSettings, source: &EnvironmentSettings) -> String {
    let traffic = (source.strategy() != Strategy::ElasticIp).then_some(SourceTraffic {
        registered: true,
        others_healthy: source.desired_capacity.saturating_sub(1) as usize,
    });
    match bake::choose(target.bake_no_reboot, traffic) {
        BakeMethod::OutOfTraffic => ", taken out of traffic while imaged".into(),
        BakeMethod::NoRebootConfigured => " without reboot (bake_no_reboot)".into(),
        BakeMethod::NoRebootServesAlone | BakeMethod::NotServing => {
            format!(" without reboot (it serves {} alone)", source.title)
        }
    }
}
