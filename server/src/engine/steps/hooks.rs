//! The engine's side of hooks: the new fleet's addresses noted for them, then the gate of a
//! stage asked (see [`crate::hooks`]). A database error while asking is retried like a cloud
//! that is briefly unavailable.

use super::super::outcome::Context;
use crate::cloud::{Cloud, CloudError};
use crate::hooks::{Gate, Look, Runner};
use app::domain::hooks::HookStage;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;

/// The gate of `stage` (passed at once when the plan has no hooks there).
pub async fn gate(
    cloud: &dyn Cloud,
    hooks: &Runner,
    stage: HookStage,
    plan: &mut DeploymentPlan,
    cx: &Context,
    phase: Phase,
) -> Result<Gate, CloudError> {
    if !Runner::has(plan, stage) {
        return Ok(Gate::Passed(Vec::new()));
    }
    if plan.new_addresses.is_empty() {
        super::hold::record_addresses(cloud, plan, cx).await?;
    }
    let look = Look {
        deployment_id: cx.deployment_id,
        plan,
        now: cx.now,
        poll_ms: cx.poll_ms,
        phase,
    };
    let gate = hooks
        .gate(stage, &look)
        .await
        .map_err(|e| CloudError::Unavailable(format!("hook runs could not be read: {e}")))?;
    if let Gate::Passed(lines) = &gate {
        for line in lines {
            if !plan.hook_notes.contains(line) {
                plan.hook_notes.push(line.clone());
            }
        }
    }
    Ok(gate)
}
