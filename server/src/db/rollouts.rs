//! A deployment's rollout, as the `deployments` row and its `deployment_steps` hold it: the
//! phase, the plan (stored as JSON), the warm window, a rollback request and the timeline. This
//! is the one place the phase and the plan are parsed: callers get [`Phase`] and
//! [`DeploymentPlan`]. A step's writes happen in [`save`], in one transaction that first proves
//! the worker's lease is still current.

pub use super::audit::CloudAction;
use super::jobs::{self, Lease, StaleLease};
use app::domain::notification::EventKind;
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;
use app::domain::views::StepView;
use app::domain::{Fleet, Outcome, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row};

fn decode(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> sqlx::Error {
    sqlx::Error::Decode(error.into())
}

fn encode(error: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Encode(Box::new(error))
}

fn phase(row: &AnyRow, column: &str) -> Result<Phase, sqlx::Error> {
    let text: String = row.try_get(column)?;
    Phase::parse(&text).map_err(decode)
}

/// A deployment's rollout state.
#[derive(Debug, Clone)]
pub struct RolloutRow {
    /// Id.
    pub id: i64,
    /// Phase (`None` for history rows the engine never ran).
    pub phase: Option<Phase>,
    /// The plan and progress (`None` for history rows the engine never ran).
    pub plan: Option<DeploymentPlan>,
    /// Notes so far.
    pub notes: String,
    /// When the warm window ends.
    pub warm_until: Option<i64>,
    /// Who asked to roll back.
    pub rollback_requested_by: Option<String>,
    /// Who asked to switch traffic to a held new fleet.
    pub switch_requested_by: Option<String>,
    /// Who cancelled, and why.
    pub cancel: Option<super::requests::Cancel>,
}

/// Loads a deployment's rollout state.
pub async fn load<'c>(
    db: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<RolloutRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, phase, run, notes, warm_until, rollback_requested_by, switch_requested_by, \
         cancel_requested_by, cancel_reason FROM deployments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        let plan: Option<String> = row.try_get("run")?;
        Ok(RolloutRow {
            id: row.try_get("id")?,
            phase: match row.try_get::<Option<String>, _>("phase")? {
                Some(_) => Some(phase(&row, "phase")?),
                None => None,
            },
            plan: plan
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(decode)?,
            notes: row.try_get("notes")?,
            warm_until: super::opt_i64(&row, "warm_until")?,
            rollback_requested_by: row.try_get("rollback_requested_by")?,
            switch_requested_by: row.try_get("switch_requested_by")?,
            cancel: match row.try_get::<Option<String>, _>("cancel_requested_by")? {
                Some(by) => Some(super::requests::Cancel {
                    by,
                    reason: row
                        .try_get::<Option<String>, _>("cancel_reason")?
                        .unwrap_or_default(),
                }),
                None => None,
            },
        })
    })
    .transpose()
}

/// Appends a line to a deployment's timeline.
pub async fn add_step<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
    at: i64,
    phase: Phase,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO deployment_steps (deployment_id, at, phase, message) VALUES ($1, $2, $3, $4)",
    )
    .bind(deployment_id)
    .bind(at)
    .bind(phase.as_str())
    .bind(message)
    .execute(db)
    .await?;
    Ok(())
}

/// A deployment's timeline, oldest first.
pub async fn steps<'c>(
    db: impl Executor<'c, Database = Any>,
    deployment_id: i64,
) -> Result<Vec<StepView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, phase, message FROM deployment_steps WHERE deployment_id = $1 ORDER BY id",
    )
    .bind(deployment_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StepView {
                at: Timestamp::from_millis(r.try_get("at")?),
                phase: phase(r, "phase")?,
                message: r.try_get("message")?,
            })
        })
        .collect()
}

/// What becomes of an environment's serving fleet with a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetChange {
    /// Unchanged.
    Keep,
    /// This fleet serves now.
    Set(Fleet),
    /// Nothing serves.
    Clear,
}

/// Everything one step writes.
#[derive(Debug, Clone)]
pub struct StepWrite {
    /// The deployment's environment.
    pub environment: String,
    /// Its phase after the step.
    pub phase: Phase,
    /// The plan and progress.
    pub plan: DeploymentPlan,
    /// Notes (with the reason once it ends badly).
    pub notes: String,
    /// Set when the warm window starts.
    pub warm_until: Option<i64>,
    /// A timeline line, when something happened.
    pub step: Option<String>,
    /// The serving fleet.
    pub fleet: FleetChange,
    /// When to run the next step; `None` when the deployment is over.
    pub next_run_at: Option<i64>,
    /// What the step changed in the cloud, for the audit log.
    pub audit: Option<CloudAction>,
}

/// Persists a step: state, timeline line, fleet and next job, all or nothing, and only while
/// `lease` is current.
pub async fn save(
    pool: &AnyPool,
    lease: Lease,
    now: i64,
    write: &StepWrite,
) -> Result<Result<(), StaleLease>, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    let conn: &mut AnyConnection = &mut tx;
    if let Err(stale) = jobs::check(conn, lease).await? {
        return Ok(Err(stale));
    }
    let plan = serde_json::to_string(&write.plan).map_err(encode)?;
    let outcome: Outcome = write.phase.outcome();
    // Told once, when the outcome changes (a warm release keeps saving as succeeded).
    let before = sqlx::query("SELECT outcome, phase FROM deployments WHERE id = $1")
        .bind(lease.deployment_id)
        .fetch_one(&mut *conn)
        .await?;
    let changed = before.try_get::<String, _>("outcome")? != outcome.as_str();
    let was_warm =
        before.try_get::<Option<String>, _>("phase")?.as_deref() == Some(Phase::Warm.as_str());
    let finished_at = write.phase.is_terminal().then_some(now);
    sqlx::query(
        "UPDATE deployments SET phase = $1, outcome = $2, run = $3, notes = $4, \
         finished_at = COALESCE($5, finished_at) WHERE id = $6",
    )
    .bind(write.phase.as_str())
    .bind(outcome.as_str())
    .bind(plan)
    .bind(&write.notes)
    .bind(finished_at)
    .bind(lease.deployment_id)
    .execute(&mut *conn)
    .await?;
    if let Some(until) = write.warm_until {
        sqlx::query("UPDATE deployments SET warm_until = $1 WHERE id = $2")
            .bind(until)
            .bind(lease.deployment_id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(message) = &write.step {
        add_step(&mut *conn, lease.deployment_id, now, write.phase, message).await?;
    }
    if let Some(event) = finished_event(outcome).filter(|_| changed) {
        // Told from the outbox by the notification worker: nothing here waits on a channel.
        let id = lease.deployment_id;
        let plan = &write.plan;
        let summary = match write.notes.trim() {
            "" => format!(
                "#{id} {} of {} into {}: {outcome}",
                plan.kind, plan.build, write.environment
            ),
            notes => format!(
                "#{id} {} of {} into {}: {outcome} — {notes}",
                plan.kind, plan.build, write.environment
            ),
        };
        super::notifications::record(
            &mut *conn,
            event.as_str(),
            Some(&write.environment),
            Some(id),
            &summary,
            now,
        )
        .await?;
    }
    if was_warm && write.phase == Phase::Retiring && !write.plan.old_instances().is_empty() {
        let plan = &write.plan;
        let summary = format!(
            "The warm window of #{} ({} in {}) closed: the previous fleet is being \
             terminated and an instant rollback is no longer possible",
            lease.deployment_id, plan.build, write.environment
        );
        super::notifications::record(
            &mut *conn,
            EventKind::WarmWindowClosed.as_str(),
            Some(&write.environment),
            Some(lease.deployment_id),
            &summary,
            now,
        )
        .await?;
    }
    match &write.fleet {
        FleetChange::Keep => {}
        FleetChange::Set(fleet) => {
            super::fleets::set(&mut *conn, &write.environment, fleet, now).await?
        }
        FleetChange::Clear => super::fleets::clear(&mut *conn, &write.environment).await?,
    }
    let queued = match write.next_run_at {
        Some(at) => jobs::reschedule(conn, lease, at).await?,
        None => jobs::finish(conn, lease).await?,
    };
    if let Err(stale) = queued {
        return Ok(Err(stale));
    }
    if let Some(action) = &write.audit {
        // Last, so the audit chain's head is held only for the commit.
        let deployment = lease.deployment_id.to_string();
        super::audit::append(conn, action.entry(&deployment, &write.environment), now).await?;
    }
    tx.commit().await?;
    Ok(Ok(()))
}

/// The `desired` count and configured capacity of the environment's latest successful
/// deployment run by the engine (a release or a scale), if any.
pub async fn serving_capacity<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
) -> Result<Option<(u32, Option<u32>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT run FROM deployments WHERE environment = $1 AND outcome = 'succeeded' \
         AND run IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1",
    )
    .bind(environment)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let run: String = row.try_get("run")?;
    let plan: DeploymentPlan =
        serde_json::from_str(&run).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Some((plan.desired, plan.config_capacity)))
}

/// The event a deployment ending in `outcome` is told as.
fn finished_event(outcome: Outcome) -> Option<EventKind> {
    match outcome {
        Outcome::InProgress => None,
        Outcome::Succeeded => Some(EventKind::DeploymentSucceeded),
        Outcome::Failed => Some(EventKind::DeploymentFailed),
        Outcome::RolledBack => Some(EventKind::DeploymentRolledBack),
    }
}

/// A new engine deployment's columns.
#[derive(Debug, Clone)]
pub struct NewRollout<'a> {
    /// The history row.
    pub deployment: super::deployments::NewDeployment<'a>,
    /// The plan.
    pub plan: &'a DeploymentPlan,
    /// The QA sign-off a promotion relies on.
    pub signoff_id: Option<i64>,
}

/// Inserts an accepted deployment (phase `pending`) and queues its first step. A second
/// in-flight deployment of the environment fails on the unique index.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewRollout<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let plan = serde_json::to_string(new.plan).map_err(encode)?;
    let id = super::deployments::insert(&mut *conn, &new.deployment).await?;
    sqlx::query("UPDATE deployments SET phase = $1, run = $2, signoff_id = $3 WHERE id = $4")
        .bind(Phase::Pending.as_str())
        .bind(plan)
        .bind(new.signoff_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    jobs::enqueue(&mut *conn, id, now).await?;
    Ok(id)
}

/// The environment's deployments in `phases`, newest first.
pub async fn in_phases<'c>(
    db: impl Executor<'c, Database = Any>,
    environment: &str,
    phases: &[Phase],
) -> Result<Vec<i64>, sqlx::Error> {
    let list = phases
        .iter()
        .map(|p| format!("'{}'", p.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    // `+id`: ordering by the bare id lets a planner walk the whole table newest first looking
    // for the few live deployments (SQLite did, over a million rows); the phase index finds
    // them and the handful is sorted.
    let rows = sqlx::query(&format!(
        "SELECT id FROM deployments WHERE environment = $1 AND phase IN ({list}) ORDER BY +id DESC"
    ))
    .bind(environment)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// Ends a warm window now (a newer deployment replaces the old fleet's purpose).
pub async fn end_warm_window(
    conn: &mut AnyConnection,
    deployment_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    jobs::interrupt(conn, deployment_id, now).await?;
    sqlx::query("UPDATE deployments SET warm_until = $1 WHERE id = $2 AND phase = 'warm'")
        .bind(now)
        .bind(deployment_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
