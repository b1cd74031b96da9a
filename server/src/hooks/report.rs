//! A receiver reporting an HTTP hook's result to the run's callback with its one-time token:
//! recorded once, on the timeline, and the deployment's job woken so that it moves on now.

use crate::db::{hook_runs, jobs, rollouts};
use app::domain::hooks::{HookReport, HookStatus};
use sqlx::AnyPool;

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// Recorded; the deployment moves on.
    Recorded(HookStatus),
    /// No such run.
    NotFound,
    /// The token is not this run's.
    WrongToken,
    /// The run has its result already (its token is spent).
    Ended,
}

/// Whether `token` may report for run `run_id` now: `None` when it may, else why not. Asked
/// before the report itself is read, so that a caller without the token learns nothing more.
pub async fn refusal(
    db: &AnyPool,
    run_id: i64,
    token: &str,
) -> Result<Option<Reported>, sqlx::Error> {
    let Some(run) = hook_runs::by_id(db, run_id).await? else {
        return Ok(Some(Reported::NotFound));
    };
    if run.view.status.is_final() {
        return Ok(Some(Reported::Ended));
    }
    let digest = crate::auth::token::digest(token);
    Ok((!hook_runs::token_matches(db, run_id, &digest).await?).then_some(Reported::WrongToken))
}

/// Records `report` for run `run_id` if `token` is its unspent token.
pub async fn report(
    db: &AnyPool,
    run_id: i64,
    token: &str,
    report: &HookReport,
    now: i64,
) -> Result<Reported, sqlx::Error> {
    let Some(run) = hook_runs::by_id(db, run_id).await? else {
        return Ok(Reported::NotFound);
    };
    let digest = crate::auth::token::digest(token);
    if !hook_runs::report(db, run_id, &digest, report, now).await? {
        return Ok(if run.view.status.is_final() {
            Reported::Ended
        } else {
            Reported::WrongToken
        });
    }
    let status = if report.passed {
        HookStatus::Passed
    } else {
        HookStatus::Failed
    };
    let label = super::kind_label(run.view.kind);
    let mut message = format!("{label} {} {}", run.view.name, super::verb(status));
    if let Some(summary) = &report.summary {
        message.push_str(": ");
        message.push_str(summary);
    }
    if let Some(link) = &report.link {
        message.push_str(&format!(" ({link})"));
    }
    let phase = rollouts::load(db, run.deployment_id)
        .await?
        .and_then(|row| row.phase)
        .unwrap_or(app::domain::rollout::Phase::AwaitingHealth);
    rollouts::add_step(db, run.deployment_id, now, phase, &message).await?;
    let mut conn = db.acquire().await?;
    jobs::wake(&mut conn, run.deployment_id, now).await?;
    Ok(Reported::Recorded(status))
}
