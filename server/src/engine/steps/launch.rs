//! Starting a deployment: its first timeline line (a bake's method chosen with it, see
//! [`super::bake`]), and launching the new fleet (adopting what an earlier attempt launched,
//! so a retried launch never doubles the fleet).

use super::super::outcome::{happened, Context, StepOutcome};
use super::super::traffic;
use super::bake;
use crate::cloud::{tag, Cloud, CloudError, InstanceState, LaunchSpec, Tags};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;
use app::domain::DeploymentKind;

/// The first line: what the deployment will do (and, when it bakes, how the source instance
/// is imaged, chosen now).
pub async fn begin(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
) -> Result<StepOutcome, CloudError> {
    let message = match (plan.bake.is_some(), plan.kind, &plan.image_id) {
        (true, _, _) => bake::begin(cloud, plan).await?,
        (false, DeploymentKind::Scale, _) => format!(
            "Scaling from {} to {} instances",
            plan.old_instances().len(),
            plan.desired
        ),
        (false, _, image) => format!(
            "Launching {} × {} of {} from {}",
            plan.desired,
            plan.template.instance_type,
            plan.build,
            image.as_deref().unwrap_or("?")
        ),
    };
    Ok(happened(
        Event::Begin {
            bake: plan.bake.is_some(),
        },
        message,
    ))
}

pub async fn launch(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if plan.new_target_group.is_none() {
        plan.new_target_group = traffic::group_for_new(cloud, plan).await?;
    }
    if !plan.remove.is_empty() {
        if let Some(group) = plan.new_target_group.clone() {
            cloud.deregister_targets(&group, &plan.remove).await?;
        }
        return Ok(happened(
            Event::FleetLaunched,
            format!("Draining {}", plan.remove.join(", ")),
        ));
    }
    let Some(image_id) = plan.image_id.clone() else {
        return Ok(StepOutcome::Failed("no image to launch from".into()));
    };
    let count = match plan.kind {
        DeploymentKind::Scale => plan.desired as usize - plan.old_instances().len(),
        _ => plan.desired as usize,
    };
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), plan.environment.clone()),
        (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
        (tag::BUILD.to_owned(), plan.build.clone()),
        (
            "Name".to_owned(),
            format!("{}-{}", plan.environment, plan.build),
        ),
    ]);
    // Adopt what an earlier attempt launched before launching the rest.
    let mut ids: Vec<String> = cloud
        .find_instances(&tags)
        .await?
        .into_iter()
        .filter(|i| {
            !matches!(
                i.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            )
        })
        .map(|i| i.id)
        .collect();
    ids.sort();
    ids.truncate(count);
    if ids.len() < count {
        let spec = LaunchSpec {
            image_id: image_id.clone(),
            instance_type: plan.template.instance_type.clone(),
            count: (count - ids.len()) as u32,
            subnet_ids: plan.template.subnet_ids.clone(),
            security_group_ids: plan.template.security_group_ids.clone(),
            key_name: plan.template.key_name.clone(),
            instance_profile: plan.template.instance_profile.clone(),
            user_data: plan.template.user_data.clone(),
            tags,
            client_token: format!("greenlight-{}-{}", cx.deployment_id, ids.len()),
        };
        ids.extend(cloud.launch(&spec).await?.into_iter().map(|i| i.id));
    }
    plan.new_instances = ids;
    plan.launched_at.get_or_insert(cx.now);
    traffic::clear_idle_group(cloud, plan).await?;
    Ok(happened(
        Event::FleetLaunched,
        format!(
            "Launched {} from {image_id}: {}",
            plan.new_instances.len(),
            plan.new_instances.join(", ")
        ),
    ))
}
