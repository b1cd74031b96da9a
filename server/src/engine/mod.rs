//! The durable executor: lease a due deployment job, run one step against the cloud, persist
//! the new phase + timeline line + serving fleet + next job in one transaction (refused if the
//! lease went stale meanwhile), repeat. Nothing is kept in memory between steps, so any
//! number of engines (processes or replicas on one PostgreSQL) can share the queue, and a
//! restarted engine simply carries on from the database.

pub mod cloud_actions;
pub mod health;
pub mod incarnation;
pub mod outcome;
pub mod steps;
pub mod supervisor;
pub mod traffic;

use crate::clock::Clock;
use crate::cloud::{Cloud, CloudError};
use crate::db::{jobs, rollouts};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::{apply, Event, Phase};
use outcome::{Context, StepOutcome};
use sqlx::AnyPool;
use std::sync::Arc;

/// Consecutive retryable failures of one step before it is given up.
pub const MAX_STEP_FAILURES: u32 = 10;

/// How long a lease lasts unless renewed. Short, so that the job of a worker that died (a
/// killed process) is taken over within seconds; the heartbeat renews it every third of this
/// while a slow step runs.
pub const LEASE_MS: i64 = 9_000;

/// Adds `line` to a history row's notes unless they say it already.
fn append_note(notes: &mut String, line: &str) {
    if notes.contains(line) {
        return;
    }
    if !notes.is_empty() {
        notes.push_str("; ");
    }
    notes.push_str(line);
}

/// An engine worker.
#[derive(Clone)]
pub struct Engine {
    db: AnyPool,
    cloud: Arc<dyn Cloud>,
    clock: Arc<dyn Clock>,
    worker: String,
    hooks: crate::hooks::Runner,
    /// How long a lease lasts (a step must finish within it).
    pub lease_ms: i64,
    /// How soon a waiting step looks again.
    pub poll_ms: i64,
}

/// Renews a lease while alive; stops renewing when dropped.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
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
            hooks: crate::hooks::Runner::new(Arc::new(crate::hooks::Hooks::none()), db.clone()),
            db,
            cloud,
            clock,
            worker: worker.to_owned(),
            lease_ms: LEASE_MS,
            poll_ms: 2_000,
        }
    }

    /// This engine running the configured `hooks`.
    pub fn with_hooks(mut self, hooks: Arc<crate::hooks::Hooks>) -> Self {
        self.hooks = crate::hooks::Runner::new(hooks, self.db.clone());
        self
    }

    /// Runs the most overdue step, if any.
    pub async fn tick(&self) -> anyhow::Result<Tick> {
        let now = self.clock.now_ms();
        let Some(lease) = jobs::lease_next(&self.db, &self.worker, now, self.lease_ms).await?
        else {
            return Ok(Tick::Idle);
        };
        // Dropped when the step ends, however it ends (a panic included): a dead step's
        // lease must run out.
        let _heartbeat = Heartbeat(self.heartbeat(lease));
        self.step(lease, now).await
    }

    /// Renews `lease` every third of its length until aborted, so a step that takes long
    /// (retries with backoff, a slow cloud) keeps its job while a dead worker loses it fast.
    fn heartbeat(&self, lease: jobs::Lease) -> tokio::task::JoinHandle<()> {
        let (db, clock, lease_ms) = (self.db.clone(), self.clock.clone(), self.lease_ms);
        tokio::spawn(async move {
            let every = std::time::Duration::from_millis((lease_ms / 3).max(1) as u64);
            loop {
                tokio::time::sleep(every).await;
                match jobs::renew(&db, lease, clock.now_ms() + lease_ms).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => tracing::warn!(%error, "lease renewal failed"),
                }
            }
        })
    }

    /// Runs the step of the leased job and persists what it did.
    async fn step(&self, lease: jobs::Lease, now: i64) -> anyhow::Result<Tick> {
        let row = rollouts::load(&self.db, lease.deployment_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("job for missing deployment {}", lease.deployment_id))?;
        let (Some(phase), Some(mut run)) =
            (row.phase.filter(|p| !p.is_terminal()), row.plan.clone())
        else {
            // Nothing left to run (an old row, or a job left behind): drop the job.
            let mut conn = self.db.acquire().await?;
            let _ = jobs::finish(&mut conn, lease).await?;
            return Ok(Tick::Stepped(row.id, row.phase.unwrap_or(Phase::Failed)));
        };
        let cx = Context {
            deployment_id: row.id,
            now,
            poll_ms: self.poll_ms,
            rollback_requested_by: row.rollback_requested_by.clone(),
            switch_requested_by: row.switch_requested_by.clone(),
            cancel: row.cancel.clone(),
            warm_until: row.warm_until,
        };
        let started = std::time::Instant::now();
        let advanced = steps::advance(self.cloud.as_ref(), &self.hooks, phase, &mut run, &cx).await;
        metrics::histogram!(crate::telemetry::ENGINE_STEP, "phase" => phase.as_str())
            .record(started.elapsed().as_secs_f64());
        let step = match advanced {
            Ok(step) => {
                run.failures = 0;
                step
            }
            Err(error) => self.failed_call(&mut run, &cx, error),
        };
        let write = self.write_for(&row, phase, &mut run, &cx, step)?;
        let next = write.phase;
        match rollouts::save(&self.db, lease, self.clock.now_ms(), &write).await? {
            Ok(()) => {
                if write.step.is_some() {
                    tracing::info!(deployment = row.id, from = %phase, to = %next, "deployment step");
                }
                if next.is_terminal() {
                    metrics::counter!(
                        crate::telemetry::DEPLOYMENTS,
                        "kind" => run.kind.as_str(),
                        "outcome" => next.as_str()
                    )
                    .increment(1);
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
    fn failed_call(
        &self,
        run: &mut DeploymentPlan,
        cx: &Context,
        error: CloudError,
    ) -> StepOutcome {
        run.failures += 1;
        if error.is_retryable() && run.failures < MAX_STEP_FAILURES {
            run.progress = format!("retrying after: {error}");
            StepOutcome::Wait {
                at: cx.now + cx.poll_ms * i64::from(run.failures),
            }
        } else {
            StepOutcome::Failed(error.to_string())
        }
    }

    fn write_for(
        &self,
        row: &rollouts::RolloutRow,
        phase: Phase,
        run: &mut DeploymentPlan,
        cx: &Context,
        step: StepOutcome,
    ) -> anyhow::Result<rollouts::StepWrite> {
        let mut audit = None;
        let (next, message, fleet, wait) = match step {
            StepOutcome::Wait { at } => (phase, None, rollouts::FleetChange::Keep, Some(at)),
            StepOutcome::Happened {
                event,
                message,
                fleet,
            } => {
                audit = cloud_actions::cloud_action(event, run, &message);
                (apply(phase, event)?, Some(message), fleet, None)
            }
            StepOutcome::Failed(reason) => {
                run.reason.get_or_insert_with(|| reason.clone());
                (
                    apply(phase, Event::StepFailed)?,
                    Some(format!("Step failed: {reason}")),
                    rollouts::FleetChange::Keep,
                    None,
                )
            }
        };
        if message.is_some() {
            run.progress.clear();
        }
        let mut notes = row.notes.clone();
        // What the hooks reported stays with the release in the history (from when it counts
        // as succeeded, warm), and why it ended.
        if next.is_terminal() || next == Phase::Warm {
            for line in &run.hook_notes {
                append_note(&mut notes, line);
            }
        }
        if let (true, Some(reason)) = (next.is_terminal(), &run.reason) {
            append_note(&mut notes, reason);
        }
        let warm_until =
            (next == Phase::Warm && phase != Phase::Warm).then(|| cx.now + run.warm_ms);
        let next_run_at = match (next.is_terminal(), wait) {
            (true, _) => None,
            (false, Some(at)) => Some(at),
            (false, None) => Some(cx.now),
        };
        Ok(rollouts::StepWrite {
            environment: run.environment.clone(),
            phase: next,
            plan: run.clone(),
            notes,
            warm_until,
            step: message,
            fleet,
            next_run_at,
            audit,
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

    /// This worker under another name (each concurrent worker needs its own).
    pub fn named(&self, worker: String) -> Self {
        Self {
            worker,
            ..self.clone()
        }
    }

    /// The worker's name.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Works forever: due steps, then a short sleep.
    pub async fn work_forever(self) {
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
