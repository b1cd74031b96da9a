//! Ending well: the old fleet taken out of its target group and terminated once the warm
//! window is over. Terminating is idempotent: instances the cloud no longer knows are gone.

use super::super::outcome::{happened, StepOutcome};
use super::super::traffic;
use crate::cloud::{Cloud, CloudError};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Event;

/// Terminates instances; ones the cloud no longer knows are already gone.
pub async fn terminate(cloud: &dyn Cloud, ids: &[String]) -> Result<(), CloudError> {
    if ids.is_empty() {
        return Ok(());
    }
    match cloud.terminate(ids).await {
        Err(CloudError::NotFound(_)) => {
            for id in ids {
                match cloud.terminate(std::slice::from_ref(id)).await {
                    Ok(()) | Err(CloudError::NotFound(_)) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok(())
        }
        other => other,
    }
}

pub async fn retire(
    cloud: &dyn Cloud,
    plan: &mut DeploymentPlan,
) -> Result<StepOutcome, CloudError> {
    let old = plan.old_instances().to_vec();
    traffic::release_old(cloud, plan).await?;
    terminate(cloud, &old).await?;
    Ok(happened(
        Event::OldFleetRetired,
        if old.is_empty() {
            "Nothing to retire".to_owned()
        } else {
            format!("Terminated old fleet: {}", old.join(", "))
        },
    ))
}
