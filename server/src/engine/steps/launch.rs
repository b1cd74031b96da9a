//! Starting a deployment: its first timeline line, baking an image from the source
//! environment when asked, and launching the new fleet (adopting what an earlier attempt
//! launched, so a retried launch never doubles the fleet).

use super::super::outcome::{happened, Context, StepOutcome};
use super::super::traffic;
use crate::cloud::{tag, Cloud, CloudError, ImageState, InstanceState, LaunchSpec, Tags};
use app::domain::plan::{Bake, DeploymentPlan};
use app::domain::rollout::Event;
use app::domain::DeploymentKind;

pub fn begin(plan: &mut DeploymentPlan) -> StepOutcome {
    let message = match (&plan.bake, plan.kind, &plan.image_id) {
        (Some(bake), _, _) => format!(
            "Baking image {} from {} in {}",
            bake.image_name, bake.from_instance, bake.from_environment
        ),
        (None, DeploymentKind::Scale, _) => format!(
            "Scaling from {} to {} instances",
            plan.old_instances().len(),
            plan.desired
        ),
        (None, _, image) => format!(
            "Launching {} × {} of {} from {}",
            plan.desired,
            plan.template.instance_type,
            plan.build,
            image.as_deref().unwrap_or("?")
        ),
    };
    happened(
        Event::Begin {
            bake: plan.bake.is_some(),
        },
        message,
    )
}

pub async fn bake(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let Some(bake) = plan.bake.clone() else {
        return Ok(StepOutcome::Failed("nothing to bake".into()));
    };
    match cloud.find_image(&bake.image_name).await? {
        None => {
            // Checked again here, not only when the promotion was accepted: the source's
            // fleet may have changed since, and only an instance of the promoted build may
            // become the image.
            if let Some(refusal) = refuse_foreign_source(cloud, plan, &bake).await? {
                return Ok(refusal);
            }
            let tags = Tags::from([
                (tag::ENVIRONMENT.to_owned(), plan.environment.clone()),
                (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
                (tag::BUILD.to_owned(), plan.build.clone()),
            ]);
            let id = cloud
                .create_image(&bake.from_instance, &bake.image_name, &tags)
                .await?;
            plan.progress = format!("Image {id} being created");
            Ok(StepOutcome::Wait {
                at: cx.now + cx.poll_ms,
            })
        }
        Some(image) => match image.state {
            ImageState::Pending => {
                plan.progress = format!("Image {} pending", image.id);
                Ok(StepOutcome::Wait {
                    at: cx.now + cx.poll_ms,
                })
            }
            ImageState::Available => {
                plan.image_id = Some(image.id.clone());
                Ok(happened(
                    Event::ImageReady,
                    format!("Image {} ({}) available", image.id, image.name),
                ))
            }
            ImageState::Failed => Ok(StepOutcome::Failed(format!(
                "image {} ({}) failed to bake",
                image.id, image.name
            ))),
        },
    }
}

/// A failed step unless `bake.from_instance` runs, tagged as an instance of the promoted build
/// in the source environment.
async fn refuse_foreign_source(
    cloud: &dyn Cloud,
    plan: &DeploymentPlan,
    bake: &Bake,
) -> Result<Option<StepOutcome>, CloudError> {
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), bake.from_environment.clone()),
        (tag::BUILD.to_owned(), plan.build.clone()),
    ]);
    let runs_the_build = cloud
        .find_instances(&tags)
        .await?
        .iter()
        .any(|i| i.id == bake.from_instance && i.state == InstanceState::Running);
    Ok((!runs_the_build).then(|| {
        StepOutcome::Failed(format!(
            "{} is not a running instance of {} in {}: refusing to bake an image of anything else",
            bake.from_instance, plan.build, bake.from_environment
        ))
    }))
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
