//! Baking a promotion's image from an instance of the source environment without silently
//! rebooting a box that serves users ([`app::domain::bake`] holds the rule). How to image it
//! is chosen when the deployment begins ([`begin`]) and stored with the plan; the bake step
//! then does one idempotent action per run, each guarded by a look at the cloud first:
//!
//! 1. out of traffic (where chosen): deregister the instance, wait until it has drained;
//! 2. create the image (looked up by its unique name first), with a reboot only when the
//!    instance serves no one, and wait until it is no longer pending: the reboot happens at
//!    CreateImage, so by then the instance is up again;
//! 3. back into traffic: register it again and wait until it is healthy, then launch.
//!
//! A bake that fails after the instance was taken out of traffic puts it back first and fails
//! only then, so no fleet is left short.

use super::super::outcome::{happened, seconds, Context, StepOutcome};
use super::super::MAX_STEP_FAILURES;
use crate::cloud::{tag, Cloud, CloudError, ImageState, InstanceState, Tags, TargetState};
use app::domain::bake::{self, Bake, BakeMethod, BakeStage, SourceTraffic};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

/// Chooses how to image the source instance and says so: the first line of a baking
/// deployment's timeline.
pub async fn begin(cloud: &dyn Cloud, plan: &mut DeploymentPlan) -> Result<String, CloudError> {
    let Some(mut bake) = plan.bake.clone() else {
        return Ok("Nothing to bake".into());
    };
    let others = choose(cloud, &mut bake).await?;
    let line = bake.intent(others);
    plan.bake = Some(bake);
    Ok(line)
}

/// Sets `bake.method` from its target group's health; returns how many other healthy
/// targets keep serving.
async fn choose(cloud: &dyn Cloud, bake: &mut Bake) -> Result<usize, CloudError> {
    let traffic = match (&bake.from_target_group, bake.no_reboot) {
        (Some(group), false) => {
            let health = cloud.target_health(group).await?;
            let me = |id: &String| *id == bake.from_instance;
            Some(SourceTraffic {
                registered: health.iter().any(|t| me(&t.instance_id)),
                others_healthy: health
                    .iter()
                    .filter(|t| !me(&t.instance_id) && t.state == TargetState::Healthy)
                    .count(),
            })
        }
        _ => None,
    };
    bake.method = Some(bake::choose(bake.no_reboot, traffic));
    Ok(traffic.map_or(0, |t| t.others_healthy))
}

fn wait(plan: &mut DeploymentPlan, at: i64, progress: String) -> StepOutcome {
    plan.progress = progress;
    StepOutcome::Wait { at }
}

/// Whether a failed call ends the bake (retrying cannot help, or retries are used up).
fn gives_up(plan: &DeploymentPlan, error: &CloudError) -> bool {
    !error.is_retryable() || plan.failures + 1 >= MAX_STEP_FAILURES
}

/// The bake step: one action towards the image, then a wait or the image ready.
pub async fn bake(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let Some(mut bake) = plan.bake.clone() else {
        return Ok(StepOutcome::Failed("nothing to bake".into()));
    };
    if bake.method.is_none() && bake.stage == BakeStage::Preparing {
        // A plan stored before the method was chosen at the start: an image it already
        // started is awaited as it was; otherwise the choice is made now (such a plan did
        // not record the source's target group, so it is imaged without reboot).
        if cloud.find_image(&bake.image_name).await?.is_some() {
            bake.stage = BakeStage::Imaging;
        } else {
            choose(cloud, &mut bake).await?;
        }
    }
    let outcome = match bake.stage {
        BakeStage::Preparing => prepare(cloud, plan, &mut bake, cx).await,
        BakeStage::Imaging => imaging(cloud, plan, &mut bake, cx).await,
        BakeStage::Restoring => restore(cloud, plan, &mut bake, cx).await,
    };
    let outcome = match (bake.stage, outcome) {
        (BakeStage::Restoring, outcome) => outcome,
        (_, Err(error)) if gives_up(plan, &error) => Ok(stop(&mut bake, error.to_string(), cx)),
        (_, Ok(StepOutcome::Failed(reason))) => Ok(stop(&mut bake, reason, cx)),
        (_, outcome) => outcome,
    };
    plan.bake = Some(bake);
    outcome
}

/// Baking cannot go on: an instance taken out of traffic is put back first (the failure is
/// reported once it serves again); otherwise the step fails now.
fn stop(bake: &mut Bake, reason: String, cx: &Context) -> StepOutcome {
    if !bake.method.is_some_and(BakeMethod::takes_out_of_traffic) {
        return StepOutcome::Failed(reason);
    }
    bake.failure = Some(reason);
    bake.stage = BakeStage::Restoring;
    StepOutcome::Wait { at: cx.now }
}

/// The instance's state in `group`; none once it is not registered (or has drained).
async fn target_state(
    cloud: &dyn Cloud,
    group: &str,
    instance: &str,
) -> Result<Option<TargetState>, CloudError> {
    Ok(cloud
        .target_health(group)
        .await?
        .into_iter()
        .find(|t| t.instance_id == instance)
        .map(|t| t.state))
}

/// Takes the instance out of traffic where chosen and waits until it has drained; then
/// creates the image.
async fn prepare(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    bake: &mut Bake,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let (Some(BakeMethod::OutOfTraffic), Some(group)) =
        (bake.method, bake.from_target_group.clone())
    {
        let i = bake.from_instance.clone();
        let progress = format!("Draining {i} from {group} before imaging it");
        match target_state(cloud, &group, &i).await? {
            None => {}
            Some(TargetState::Draining) => {
                return Ok(wait(plan, cx.now + cx.poll_ms, progress));
            }
            Some(_) => {
                if let Some(refusal) = refuse_foreign_source(cloud, plan, bake).await? {
                    return Ok(refusal);
                }
                cloud.deregister_targets(&group, &[i]).await?;
                return Ok(wait(plan, cx.now + cx.poll_ms, progress));
            }
        }
    }
    if cloud.find_image(&bake.image_name).await?.is_none() {
        // Checked again here, not only when the promotion was accepted: the source's fleet
        // may have changed since, and only an instance of the promoted build may become the
        // image.
        if let Some(refusal) = refuse_foreign_source(cloud, plan, bake).await? {
            return Ok(refusal);
        }
        let tags = Tags::from([
            (tag::ENVIRONMENT.to_owned(), plan.environment.clone()),
            (tag::DEPLOYMENT.to_owned(), cx.deployment_id.to_string()),
            (tag::BUILD.to_owned(), plan.build.clone()),
        ]);
        let no_reboot = bake.method.is_some_and(BakeMethod::no_reboot);
        match cloud
            .create_image(&bake.from_instance, &bake.image_name, &tags, no_reboot)
            .await
        {
            // An earlier attempt made it and its answer was lost; DescribeImages lags.
            Err(CloudError::Rejected(m)) if m.contains("InvalidAMIName.Duplicate") => {}
            other => {
                other?;
            }
        }
    }
    bake.stage = BakeStage::Imaging;
    let progress = format!("Image {} being created", bake.image_name);
    Ok(wait(plan, cx.now + cx.poll_ms, progress))
}

/// Waits until the image is no longer pending.
async fn imaging(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    bake: &mut Bake,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let next = cx.now + cx.poll_ms;
    let Some(image) = cloud.find_image(&bake.image_name).await? else {
        // CreateImage answered with an id; DescribeImages may not list it yet.
        let progress = format!("Image {} not listed yet", bake.image_name);
        return Ok(wait(plan, next, progress));
    };
    match image.state {
        ImageState::Pending => Ok(wait(plan, next, format!("Image {} pending", image.id))),
        ImageState::Failed => Ok(StepOutcome::Failed(format!(
            "image {} ({}) failed to bake",
            image.id, image.name
        ))),
        ImageState::Available => {
            plan.image_id = Some(image.id.clone());
            if bake.method.is_some_and(BakeMethod::takes_out_of_traffic) {
                bake.stage = BakeStage::Restoring;
                let progress = format!("Image {} available", image.id);
                return Ok(wait(plan, cx.now, progress));
            }
            Ok(happened(Event::ImageReady, bake.ready_line(&image.id)))
        }
    }
}

/// Registers the instance again and waits until it is healthy; then the image is ready, or
/// the failure that sent it back is reported.
async fn restore(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    bake: &mut Bake,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    match put_back(cloud, plan, bake, cx).await {
        Err(error) if gives_up(plan, &error) => Ok(failed(
            bake,
            format!(
                "{} could not be put back into {} ({error}): register it by hand",
                bake.from_instance,
                bake.group()
            ),
        )),
        other => other,
    }
}

/// The step fails for `what`, after the failure that sent the instance back, if any.
fn failed(bake: &Bake, what: String) -> StepOutcome {
    StepOutcome::Failed(match &bake.failure {
        Some(failure) => format!("{failure}; {what}"),
        None => what,
    })
}

async fn put_back(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
    bake: &mut Bake,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    let (i, group) = (bake.from_instance.clone(), bake.group().to_owned());
    let since = *bake.restoring_since.get_or_insert(cx.now);
    let next = cx.now + cx.poll_ms;
    Ok(match target_state(cloud, &group, &i).await? {
        Some(TargetState::Healthy) => match &bake.failure {
            Some(failure) => {
                StepOutcome::Failed(format!("{failure} ({i} is in service in {group})"))
            }
            None => {
                let image = plan.image_id.clone().unwrap_or_default();
                happened(Event::ImageReady, bake.ready_line(&image))
            }
        },
        None | Some(TargetState::Draining) => {
            cloud
                .register_targets(&group, std::slice::from_ref(&i))
                .await?;
            wait(plan, next, format!("Registering {i} in {group} again"))
        }
        Some(_) if cx.now >= since + plan.health_deadline_ms => failed(
            bake,
            format!(
                "{i} was registered in {group} again but is not healthy after {}",
                seconds(plan.health_deadline_ms)
            ),
        ),
        Some(_) => wait(
            plan,
            next,
            format!("Waiting for {i} to be healthy in {group}"),
        ),
    })
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
