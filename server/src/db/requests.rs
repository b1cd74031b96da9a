//! What people ask of a deployment in flight: roll it back, switch traffic to its held new
//! fleet, cancel it. Each is a column the engine reads at its next step, written with a moved
//! job fence (`jobs::interrupt`) so that a step already under way with the old state in hand
//! cannot write over it — except a cancel while baking or launching, which only wakes the job
//! (`jobs::wake`), so that a launch under way records the instances it started before the
//! cancel takes them out.

use super::jobs;
use sqlx::AnyConnection;

/// A cancellation: who asked and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancel {
    /// Who cancelled.
    pub by: String,
    /// Why.
    pub reason: String,
}

/// The phases a deployment can be cancelled in: still in flight and not yet verified (a warm
/// release has succeeded and is rolled back instead).
pub const CANCELLABLE: &str = "'pending', 'baking', 'launching', 'awaiting_health', \
                               'ready_to_switch', 'cutting_over', 'verifying'";

/// Asks the engine to roll a verifying or warm deployment back. `false` when it has moved on
/// (the caller then deploys the previous release instead). The deployment is in flight again,
/// so this fails on the unique index while another mutation of the environment is.
pub async fn request_rollback(
    conn: &mut AnyConnection,
    deployment_id: i64,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    // The job row first: both this and the engine's step lock it before the deployment.
    if !jobs::interrupt(conn, deployment_id, now).await? {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE deployments SET rollback_requested_by = $1, outcome = 'in_progress' \
         WHERE id = $2 AND phase IN ('verifying', 'warm') AND rollback_requested_by IS NULL \
         AND cancel_requested_by IS NULL",
    )
    .bind(by)
    .bind(deployment_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Asks the engine to switch traffic to a held new fleet. `false` when the deployment is not
/// (or no longer) waiting for its switch, or a switch or cancel was asked already.
pub async fn request_switch(
    conn: &mut AnyConnection,
    deployment_id: i64,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if !jobs::interrupt(conn, deployment_id, now).await? {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE deployments SET switch_requested_by = $1 WHERE id = $2 \
         AND phase = 'ready_to_switch' AND switch_requested_by IS NULL \
         AND cancel_requested_by IS NULL",
    )
    .bind(by)
    .bind(deployment_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Asks the engine to cancel a deployment: before the switch the new fleet is taken out,
/// after it traffic goes back. `fence` moves the job's fence, so that a step under way cannot
/// carry the deployment past the cancel (into a switch, or warm); without it (baking and
/// launching, whose steps must record what they made) the job is only woken. `false` when it
/// is past cancelling (warm, finished) or was cancelled or rolled back already.
pub async fn request_cancel(
    conn: &mut AnyConnection,
    deployment_id: i64,
    cancel: &Cancel,
    fence: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let woken = if fence {
        jobs::interrupt(conn, deployment_id, now).await?
    } else {
        jobs::wake(conn, deployment_id, now).await?
    };
    if !woken {
        return Ok(false);
    }
    let done = sqlx::query(&format!(
        "UPDATE deployments SET cancel_requested_by = $1, cancel_reason = $2 WHERE id = $3 \
         AND phase IN ({CANCELLABLE}) AND cancel_requested_by IS NULL \
         AND rollback_requested_by IS NULL"
    ))
    .bind(&cancel.by)
    .bind(&cancel.reason)
    .bind(deployment_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
