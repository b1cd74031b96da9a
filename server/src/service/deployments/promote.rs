//! Promoting the build the previous environment runs: the preview the confirmation shows
//! (what changes and every gate), and the promotion itself, baking an image from a healthy
//! source instance where the environment asks for it.

use super::accept::{accept, refuse_failed, Requester};
use super::not_found;
use super::plan::plan_for;
use crate::core::Core;
use crate::db;
use crate::service::gates::{self, AlarmRead, Promotion};
use crate::service::{change_control, internal, signoffs};
use app::domain::gates::{Gate, GateKind};
use app::domain::plan::Bake;
use app::domain::views::{DeploymentDetail, Principal, PromotionPreview};
use app::domain::{DeploymentKind, EnvironmentName};
use app::use_cases::UseCaseError;

/// What promoting into `environment` would do, with every gate (alarms from the shared
/// snapshot: pages show this).
pub async fn preview(
    core: &Core,
    actor: &Principal,
    environment: &EnvironmentName,
) -> Result<Promotion, UseCaseError> {
    evaluate(core, actor, environment, AlarmRead::Shared).await
}

async fn evaluate(
    core: &Core,
    actor: &Principal,
    environment: &EnvironmentName,
    read: AlarmRead,
) -> Result<Promotion, UseCaseError> {
    let (index, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    if index == 0 {
        return Err(UseCaseError::GatesFailed(vec![Gate {
            gate: GateKind::SourceRelease,
            passed: false,
            reason: format!(
                "{} is the first environment: deploy a build into it",
                env.title
            ),
        }]));
    }
    let source = &core.settings.environments[index - 1];
    gates::promotion(core, env, source, actor, read).await
}

/// The preview alone (for the dialog and `GET …/promotion`).
pub async fn promotion_preview(
    core: &Core,
    actor: &Principal,
    environment: &EnvironmentName,
) -> Result<PromotionPreview, UseCaseError> {
    Ok(preview(core, actor, environment).await?.preview)
}

/// Promotes the build the previous environment runs into `environment`.
pub async fn promote(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
) -> Result<DeploymentDetail, UseCaseError> {
    promote_overriding(core, actor, address, environment, None, false).await
}

/// [`promote`], an admin overriding a freeze with `override_reason`, and a build expecting
/// a lower database schema than the one running allowed with `confirm_schema_downgrade`.
pub async fn promote_overriding(
    core: &Core,
    actor: &Principal,
    address: &str,
    environment: &EnvironmentName,
    override_reason: Option<&str>,
    confirm_schema_downgrade: bool,
) -> Result<DeploymentDetail, UseCaseError> {
    let (_, env) = core
        .environment(environment)
        .ok_or_else(|| not_found(environment))?;
    let freeze = change_control::freeze_of(&core.db, env, core.now()).await?;
    let overridden = change_control::override_for(freeze.as_ref(), actor, override_reason)?;
    // What is decided on reads the alarms afresh.
    let promotion = evaluate(core, actor, environment, AlarmRead::Fresh).await?;
    let gates: Vec<Gate> = promotion
        .preview
        .gates
        .iter()
        .filter(|g| overridden.is_none() || g.gate != GateKind::NotFrozen)
        .filter(|g| !confirm_schema_downgrade || g.gate != GateKind::SchemaVersion)
        .cloned()
        .collect();
    refuse_failed(&gates)?;
    let build = promotion
        .build
        .ok_or_else(|| internal("promotion passed its gates without a build"))?;
    let source_fleet = db::fleets::get(&core.db, promotion.source.name.as_str())
        .await
        .map_err(internal)?;
    let previous = db::fleets::get(&core.db, environment.as_str())
        .await
        .map_err(internal)?;
    let mut plan = plan_for(env, DeploymentKind::Promote, &build, None, previous)?;
    // What the confirmation said: the count carried over from a scale, or the config's.
    plan.desired = promotion.preview.instances;
    if env.bake_image {
        let from_instance = source_fleet
            .as_ref()
            .and_then(|f| f.instance_ids.first().cloned())
            .ok_or_else(|| internal("promotion to bake passed its gates without an instance"))?;
        plan.bake = Some(Bake {
            from_environment: promotion.source.name.to_string(),
            from_instance,
            // The group it serves through (none behind an Elastic IP): it may be taken out
            // of it while imaged.
            from_target_group: source_fleet.as_ref().and_then(|f| f.target_group.clone()),
            no_reboot: env.bake_no_reboot,
            // Unique per deployment, so a retried bake finds its own image instead of
            // making a second one, and a later promotion of the same build bakes afresh.
            image_name: format!(
                "greenlight-{}-{}-{}",
                environment,
                build.version,
                core.now()
            ),
            ..Bake::default()
        });
    } else {
        plan.image_id = Some(match source_fleet.filter(|f| f.build_id == build.id) {
            Some(fleet) => fleet.image_id,
            None => signoffs::build_image(&build),
        });
    }
    let notes = format!("from {}", promotion.source.title);
    let notes =
        crate::service::schema::noted(core, env, &build, confirm_schema_downgrade, notes).await?;
    let by = Requester {
        actor,
        address,
        demo: false,
        signoff_id: promotion.signoff_id,
        override_reason: overridden.as_deref(),
    };
    accept(core, by, plan, notes).await
}
