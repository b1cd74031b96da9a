//! The durable executor: lease a due deployment job, run one step against the cloud, persist
//! the new phase + timeline line + serving fleet + next job in one transaction (refused if the
//! lease went stale meanwhile), repeat. Nothing is kept in memory between steps, so any
//! number of engines (processes or replicas on one PostgreSQL) can share the queue, and a
//! restarted engine simply carries on from the database.

pub mod clock;
pub mod health;
pub mod plan;
pub mod run;
pub mod steps;

use crate::cloud::{Cloud, CloudError};
use crate::db::{self, jobs, runs};
use app::domain::rollout::{apply, Event, Phase};
pub use clock::{Clock, ManualClock, SystemClock};
use run::Run;
use sqlx::AnyPool;
use std::sync::Arc;
use steps::{Context, FleetChange, Step};

/// Consecutive retryable failures of one step before it is given up.
pub const MAX_STEP_FAILURES: u32 = 10;

/// An engine worker.
#[derive(Clone)]
pub struct Engine {
    db: AnyPool,
    cloud: Arc<dyn Cloud>,
    clock: Arc<dyn Clock>,
    worker: String,
    /// How long a lease lasts (a step must finish within it).
    pub lease_ms: i64,
    /// How soon a waiting step looks again.
    pub poll_ms: i64,
}

/// What one tick did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tick {
    /// Nothing was due.
    Idle,
    /// A step ran and was persisted; the deployment is now in this phase.
    Stepped(i64, Phase),
    /// A step ran but another worker had taken the job over; its result was dropped.
    Stale(i64),
}

impl Engine {
    /// A worker named `worker` (unique per process and task).
    pub fn new(db: AnyPool, cloud: Arc<dyn Cloud>, clock: Arc<dyn Clock>, worker: &str) -> Self {
        Self {
            db,
            cloud,
            clock,
            worker: worker.to_owned(),
            lease_ms: 120_000,
            poll_ms: 2_000,
        }
    }

    /// Runs the most overdue step, if any.
    pub async fn tick(&self) -> anyhow::Result<Tick> {
        let now = self.clock.now_ms();
        let Some(lease) = jobs::lease_next(&self.db, &self.worker, now, self.lease_ms).await?
        else {
            return Ok(Tick::Idle);
        };
        let row = runs::load(&self.db, lease.deployment_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("job for missing deployment {}", lease.deployment_id))?;
        let phase = row
            .phase
            .as_deref()
            .map(Phase::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?;
        let (Some(phase), Some(run_json)) =
            (phase.filter(|p| !p.is_terminal()), row.run.as_deref())
        else {
            // Nothing left to run (an old row, or a job left behind): drop the job.
            let mut conn = self.db.acquire().await?;
            let _ = jobs::finish(&mut conn, lease).await?;
            return Ok(Tick::Stepped(row.id, phase.unwrap_or(Phase::Failed)));
        };
        let mut run: Run = serde_json::from_str(run_json)?;
        let cx = Context {
            deployment_id: row.id,
            now,
            poll_ms: self.poll_ms,
            rollback_requested_by: row.rollback_requested_by.clone(),
            warm_until: row.warm_until,
        };
        let step = match steps::advance(self.cloud.as_ref(), phase, &mut run, &cx).await {
            Ok(step) => {
                run.failures = 0;
                step
            }
            Err(error) => self.failed_call(&mut run, &cx, error),
        };
        let write = self.write_for(&row, phase, &mut run, &cx, step)?;
        let next = write.phase;
        match runs::save(&self.db, lease, self.clock.now_ms(), &write).await? {
            Ok(()) => {
                if write.step.is_some() {
                    tracing::info!(deployment = row.id, from = %phase, to = %next, "deployment step");
                }
                Ok(Tick::Stepped(row.id, next))
            }
            Err(stale) => {
                tracing::warn!(deployment = row.id, %stale, "step result dropped");
                Ok(Tick::Stale(row.id))
            }
        }
    }

    /// A cloud call failed: wait and retry if it may pass, else fail the step.
    fn failed_call(&self, run: &mut Run, cx: &Context, error: CloudError) -> Step {
        run.failures += 1;
        if error.is_retryable() && run.failures < MAX_STEP_FAILURES {
            run.progress = format!("retrying after: {error}");
            Step::Wait {
                at: cx.now + cx.poll_ms * i64::from(run.failures),
            }
        } else {
            Step::Failed(error.to_string())
        }
    }

    fn write_for(
        &self,
        row: &runs::RunRow,
        phase: Phase,
        run: &mut Run,
        cx: &Context,
        step: Step,
    ) -> anyhow::Result<runs::StepWrite> {
        let (next, message, fleet, wait) = match step {
            Step::Wait { at } => (phase, None, FleetChange::Keep, Some(at)),
            Step::Happened {
                event,
                message,
                fleet,
            } => (apply(phase, event)?, Some(message), fleet, None),
            Step::Failed(reason) => {
                run.reason.get_or_insert_with(|| reason.clone());
                (
                    apply(phase, Event::StepFailed)?,
                    Some(format!("Step failed: {reason}")),
                    FleetChange::Keep,
                    None,
                )
            }
        };
        if message.is_some() {
            run.progress.clear();
        }
        let mut notes = row.notes.clone();
        if next.is_terminal() {
            if let Some(reason) = &run.reason {
                if !notes.contains(reason.as_str()) {
                    notes = if notes.is_empty() {
                        reason.clone()
                    } else {
                        format!("{notes}; {reason}")
                    };
                }
            }
        }
        let warm_until =
            (next == Phase::Warm && phase != Phase::Warm).then(|| cx.now + run.warm_ms);
        let next_run_at = match (next.is_terminal(), wait) {
            (true, _) => None,
            (false, Some(at)) => Some(at),
            (false, None) => Some(cx.now),
        };
        Ok(runs::StepWrite {
            environment: run.environment.clone(),
            phase: next,
            run: serde_json::to_string(run)?,
            notes,
            warm_until,
            step: message,
            fleet: match fleet {
                FleetChange::Keep => runs::FleetWrite::Keep,
                FleetChange::Set(fleet) => runs::FleetWrite::Set(fleet),
                FleetChange::Clear => runs::FleetWrite::Clear,
            },
            next_run_at,
        })
    }

    /// Runs due steps until none is due.
    pub async fn drain(&self) -> anyhow::Result<usize> {
        let mut steps = 0;
        while self.tick().await? != Tick::Idle {
            steps += 1;
        }
        Ok(steps)
    }

    /// Runs forever: due steps, then a short sleep.
    pub async fn run_forever(self) {
        loop {
            match self.drain().await {
                Ok(_) => {}
                Err(error) => tracing::error!(worker = %self.worker, %error, "engine step failed"),
            }
            let idle = std::time::Duration::from_millis(self.poll_ms.clamp(50, 1000) as u64);
            tokio::time::sleep(idle).await;
        }
    }
}

/// Starts `workers` engine workers in the background.
pub fn spawn(engine: Engine, workers: usize) -> Vec<tokio::task::JoinHandle<()>> {
    let host = std::process::id();
    (0..workers)
        .map(|n| {
            let mut worker = engine.clone();
            worker.worker = format!("{host}-{n}-{}", db::now_ms());
            tokio::spawn(worker.run_forever())
        })
        .collect()
}
