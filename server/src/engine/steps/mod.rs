//! One step of a deployment: look at the cloud, act, and say what happened. Every step may
//! run twice (a crash after acting but before the engine persisted, a lease that expired):
//! launches look up their tag first and carry a client token, images are looked up by their
//! unique name before baking, and registering, switching and terminating are idempotent.
//!
//! The step families live in their own files: [`launch`] (begin, launch), [`bake`],
//! [`health_wait`] (the new fleet's health, scaling), [`hooks`], [`hold`] (a manual cutover's hold, and
//! cancelling before the switch), [`verify`] (verify and warm windows),
//! [`retire`] and [`rollback`]. Traffic switching per strategy is in [`super::traffic`].

mod bake;
mod health_wait;
mod hold;
mod hooks;
mod launch;
mod retire;
mod rollback;
mod verify;

use super::outcome::{Context, StepOutcome};
use crate::cloud::{Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;
use app::domain::DeploymentKind;

/// Runs the step of `phase`, updating `plan`'s progress.
pub async fn advance(
    cloud: &dyn Cloud,
    hooks: &crate::hooks::Runner,
    phase: Phase,
    plan: &mut DeploymentPlan,
    cx: &Context,
) -> Result<StepOutcome, CloudError> {
    if let Some(step) = hold::cancelled(phase, plan, cx) {
        return Ok(step);
    }
    match phase {
        Phase::Pending => launch::begin(cloud, plan).await,
        Phase::Baking => bake::bake(cloud, plan, cx).await,
        Phase::Launching => launch::launch(cloud, plan, cx).await,
        Phase::AwaitingHealth if plan.kind == DeploymentKind::Scale => {
            health_wait::resize(cloud, plan, cx).await
        }
        Phase::AwaitingHealth => health_wait::await_health(cloud, hooks, plan, cx).await,
        Phase::ReadyToSwitch => Ok(hold::held(plan, cx)),
        Phase::CuttingOver => verify::cut_over(cloud, hooks, plan, cx).await,
        Phase::Verifying => verify::verify(cloud, hooks, plan, cx).await,
        Phase::Warm => verify::keep_warm(cloud, plan, cx).await,
        Phase::Retiring => retire::retire(cloud, plan).await,
        Phase::RollingBack => rollback::roll_back(cloud, plan, cx).await,
        Phase::Succeeded | Phase::RolledBack | Phase::Failed => {
            Ok(StepOutcome::Failed(format!("{phase} is final")))
        }
    }
}
