//! One deployment as its page and `GET /api/v1/deployments/{id}` show it: the history row,
//! the phase, the timeline, the fleets, the warm window and the hooks' runs.

use crate::core::Core;
use crate::db::{self, rollouts};
use crate::service::internal;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;
use app::domain::views::{DeploymentDetail, HoldView, InstanceAddress};
use app::domain::{DeploymentKind, Strategy, Timestamp};
use app::use_cases::UseCaseError;

/// A deployment with its timeline and fleets.
pub async fn detail(core: &Core, id: i64) -> Result<DeploymentDetail, UseCaseError> {
    // One snapshot: the outcome and the phase are written together, and read together.
    let mut tx = db::begin_snapshot(&core.db).await.map_err(internal)?;
    let record = db::deployments::by_id(&mut *tx, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("deployment {id}")))?;
    let row = rollouts::load(&mut *tx, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| UseCaseError::NotFound(format!("deployment {id}")))?;
    let steps = rollouts::steps(&mut *tx, id).await.map_err(internal)?;
    let hooks = db::hook_runs::for_deployment(&mut *tx, id)
        .await
        .map_err(internal)?;
    let snapshot = db::snapshots::get(&mut *tx, id).await.map_err(internal)?;
    let before = match (&snapshot, record.kind) {
        (Some(_), kind) if kind != DeploymentKind::Scale => {
            match db::snapshots::release_before(&mut *tx, id)
                .await
                .map_err(internal)?
            {
                Some(before) => db::snapshots::get(&mut *tx, before)
                    .await
                    .map_err(internal)?
                    .map(|s| s.deployment_id),
                None => None,
            }
        }
        _ => None,
    };
    tx.commit().await.map_err(internal)?;
    let plan = row.plan.as_ref();
    let warm_until = row.warm_until.filter(|_| row.phase == Some(Phase::Warm));
    Ok(DeploymentDetail {
        record,
        phase: row.phase,
        progress: plan.map(|p| p.progress.clone()).unwrap_or_default(),
        steps,
        image_id: plan.and_then(|p| p.image_id.clone()),
        desired: plan.map(|p| p.desired),
        new_fleet: plan.map(|p| p.new_instances.clone()).unwrap_or_default(),
        old_fleet: plan.map(|p| p.old_instances().to_vec()).unwrap_or_default(),
        warm_until: warm_until.map(Timestamp::from_millis),
        warm_seconds_left: warm_until.map(|until| ((until - core.now()) / 1000).max(0)),
        rollback_requested_by: row.rollback_requested_by.clone(),
        hold: plan
            .filter(|_| row.phase == Some(Phase::ReadyToSwitch))
            .map(|p| hold(p, row.switch_requested_by.clone(), core.now())),
        cancelled_by: row.cancel.as_ref().map(|c| c.by.clone()),
        reason: row.plan.as_ref().and_then(|p| p.reason.clone()),
        snapshot_hash: snapshot.map(|s| s.hash),
        changed_from: before,
        hooks,
    })
}

/// Where a held new fleet can be reached, and until when it waits.
fn hold(plan: &DeploymentPlan, switch_requested_by: Option<String>, now: i64) -> HoldView {
    HoldView {
        until: Timestamp::from_millis(plan.hold_end(now)),
        addresses: plan
            .new_addresses
            .iter()
            .map(|(id, ip)| InstanceAddress {
                instance_id: id.clone(),
                private_ip: ip.clone(),
            })
            .collect(),
        test_target_group: plan
            .new_target_group
            .clone()
            .filter(|_| plan.binding.strategy == Strategy::AlbListener),
        switch_requested_by,
    }
}
