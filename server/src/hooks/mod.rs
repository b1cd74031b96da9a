//! Running a deployment's hooks ([`app::domain::hooks`]): the engine asks [`Runner::gate`] at
//! each look whether the hooks of a stage have passed; the gate calls the next one that has
//! not run (claiming its row first, so a one-way hook is never called twice), waits for its
//! result — a receiver's callback ([`report`]), a command's exit status — and fails a run
//! past its timeout. Everything it knows is in `hook_runs`, so a restarted engine carries on.

mod call;
mod command;
mod report;

pub use report::{refusal, report, Reported};

use crate::config::hooks::HookSettings;
use crate::db::hook_runs::{self, Ending, HookRun, NewRun};
use app::domain::hooks::{HookSpec, HookStage, HookStatus};
use app::domain::plan::DeploymentPlan;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// What calling a hook does.
pub enum Action {
    /// POST a signed JSON body to `url`; the result comes back to the callback.
    Http {
        /// Where (often carrying a token: never logged).
        url: Zeroizing<String>,
        /// The signing key.
        secret: Zeroizing<String>,
    },
    /// Run a program with these arguments on this host.
    Command(Vec<String>),
}

/// Every configured hook, ready to call.
pub struct Hooks {
    actions: HashMap<(String, String), Action>,
    client: reqwest::Client,
    /// Where Greenlight is reached, for callbacks and deployment links.
    base_url: OnceLock<String>,
    /// Where commands keep their output and exit status.
    workdir: PathBuf,
}

impl Hooks {
    /// The hooks of `environments`, their URLs and keys read, commands kept under `workdir`.
    pub fn from_environments(
        environments: &[crate::config::EnvironmentSettings],
        workdir: PathBuf,
    ) -> Result<Self, String> {
        let mut actions = HashMap::new();
        for (e, environment) in environments.iter().enumerate() {
            for (h, hook) in environment.hooks.iter().enumerate() {
                let key = format!("environments[{e}].hooks[{h}]");
                actions.insert(
                    (environment.name.to_string(), hook.name.clone()),
                    action(hook, &key)?,
                );
            }
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(call::CALL_TIMEOUT)
            .build()
            .map_err(|e| format!("hooks: no HTTP client: {e}"))?;
        Ok(Self {
            actions,
            client,
            base_url: OnceLock::new(),
            workdir,
        })
    }

    /// No hooks at all.
    pub fn none() -> Self {
        Self::from_environments(&[], std::env::temp_dir()).expect("no secrets to read")
    }

    /// Sets where Greenlight is reached (once the server listens); callbacks go there.
    pub fn set_base_url(&self, url: &str) {
        let _ = self.base_url.set(url.trim_end_matches('/').to_owned());
    }

    fn base_url(&self) -> &str {
        self.base_url
            .get()
            .map_or("http://127.0.0.1:3000", String::as_str)
    }
}

fn action(hook: &HookSettings, key: &str) -> Result<Action, String> {
    match (&hook.url, &hook.secret) {
        (Some(url), Some(secret)) => Ok(Action::Http {
            url: url.read(&format!("{key}.url"))?,
            secret: secret.read(&format!("{key}.secret"))?,
        }),
        _ => Ok(Action::Command(hook.command.clone())),
    }
}

/// What the hooks of a stage say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Every hook of the stage passed (or there are none); the lines say which.
    Passed(Vec<String>),
    /// A hook runs: look again at `at`.
    Waiting {
        /// Epoch ms.
        at: i64,
        /// What the deployment page shows meanwhile.
        progress: String,
    },
    /// A hook failed; the reason names it.
    Failed(String),
}

/// The engine's view of the hooks: the configured actions and the database.
#[derive(Clone)]
pub struct Runner {
    hooks: Arc<Hooks>,
    db: AnyPool,
}

/// What the gate needs of the step.
pub struct Look<'a> {
    /// The deployment.
    pub deployment_id: i64,
    /// Its plan (hooks, environment, build, new fleet).
    pub plan: &'a DeploymentPlan,
    /// Now, epoch ms.
    pub now: i64,
    /// How soon to look again.
    pub poll_ms: i64,
    /// The phase the timeline lines are written under.
    pub phase: app::domain::rollout::Phase,
}

impl Runner {
    /// A runner over `hooks` and `db`.
    pub fn new(hooks: Arc<Hooks>, db: AnyPool) -> Self {
        Self { hooks, db }
    }

    /// Whether the plan has hooks at `stage`.
    pub fn has(plan: &DeploymentPlan, stage: HookStage) -> bool {
        plan.hooks.iter().any(|h| h.stage == stage)
    }

    /// Runs the hooks of `stage` one after another, as far as they go now.
    pub async fn gate(&self, stage: HookStage, look: &Look<'_>) -> Result<Gate, sqlx::Error> {
        let mut passed = Vec::new();
        for spec in look.plan.hooks.iter().filter(|h| h.stage == stage) {
            let run = match hook_runs::find(&self.db, look.deployment_id, &spec.name, stage).await?
            {
                Some(run) => run,
                None => {
                    self.start(spec, look, None).await?;
                    return Ok(self.waiting(spec, look));
                }
            };
            match run.view.status {
                HookStatus::Passed => passed.push(line(spec, &run)),
                HookStatus::Failed | HookStatus::TimedOut => {
                    return Ok(Gate::Failed(line(spec, &run)))
                }
                HookStatus::Starting if spec.kind.one_way() => {
                    let why = "interrupted while being called; a one-way hook is never called \
                               twice, so it is not called again — check whether it ran";
                    self.end(spec, run.id, look, HookStatus::Failed, why, None)
                        .await?;
                    return Ok(Gate::Failed(format!(
                        "{} {}: {why}",
                        label(spec),
                        spec.name
                    )));
                }
                HookStatus::Starting => {
                    self.start(spec, look, Some(run.id)).await?;
                    return Ok(self.waiting(spec, look));
                }
                HookStatus::Running => {
                    if let Some(gate) = self.running(spec, &run, look).await? {
                        return Ok(gate);
                    }
                    // It just ended: judge it as stored.
                    let run = hook_runs::by_id(&self.db, run.id).await?.unwrap_or(run);
                    match run.view.status {
                        HookStatus::Passed => passed.push(line(spec, &run)),
                        _ => return Ok(Gate::Failed(line(spec, &run))),
                    }
                }
            }
        }
        Ok(Gate::Passed(passed))
    }

    /// A running hook: a command's status read, the timeout applied; `None` once it ended.
    async fn running(
        &self,
        spec: &HookSpec,
        run: &HookRun,
        look: &Look<'_>,
    ) -> Result<Option<Gate>, sqlx::Error> {
        if let Some(Action::Command(_)) = self.action(look.plan, spec) {
            if let Some(exit) = command::finished(&self.run_dir(run.id)) {
                let status = if exit.code == Some(0) {
                    HookStatus::Passed
                } else {
                    HookStatus::Failed
                };
                let output = Some(exit.output.as_str());
                self.end(spec, run.id, look, status, &exit.summary(), output)
                    .await?;
                return Ok(None);
            }
        }
        if look.now >= run.deadline_at {
            if let Some(Action::Command(_)) = self.action(look.plan, spec) {
                command::stop(&self.run_dir(run.id));
            }
            let why = format!(
                "no result within {}",
                app::domain::duration::describe_seconds((spec.timeout_ms / 1000).unsigned_abs())
            );
            self.end(spec, run.id, look, HookStatus::TimedOut, &why, None)
                .await?;
            return Ok(None);
        }
        Ok(Some(Gate::Waiting {
            at: (look.now + look.poll_ms).min(run.deadline_at),
            progress: format!("{} {} running", label(spec), spec.name),
        }))
    }

    fn waiting(&self, spec: &HookSpec, look: &Look<'_>) -> Gate {
        Gate::Waiting {
            at: look.now + look.poll_ms,
            progress: format!("{} {} running", label(spec), spec.name),
        }
    }

    fn action(&self, plan: &DeploymentPlan, spec: &HookSpec) -> Option<&Action> {
        self.hooks
            .actions
            .get(&(plan.environment.clone(), spec.name.clone()))
    }

    fn run_dir(&self, run_id: i64) -> PathBuf {
        self.hooks.workdir.join(run_id.to_string())
    }

    /// Claims (or, for `again`, restarts) the run and calls the hook; a call that fails
    /// ends the run failed.
    async fn start(
        &self,
        spec: &HookSpec,
        look: &Look<'_>,
        again: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        let deadline_at = look.now + spec.timeout_ms;
        let id = match again {
            Some(id) => hook_runs::restart(&self.db, id, look.now, deadline_at)
                .await?
                .then_some(id),
            None => {
                let run = NewRun {
                    deployment_id: look.deployment_id,
                    name: &spec.name,
                    kind: spec.kind,
                    stage: spec.stage,
                    now: look.now,
                    deadline_at,
                };
                hook_runs::claim(&self.db, run).await?
            }
        };
        // Another attempt of this step claimed it first: that one calls it.
        let Some(id) = id else { return Ok(()) };
        let what = format!("{} {}", label(spec), spec.name);
        crate::db::rollouts::add_step(
            &self.db,
            look.deployment_id,
            look.now,
            look.phase,
            &format!("{what} started"),
        )
        .await?;
        let called = match self.action(look.plan, spec) {
            None => Err(format!(
                "hook {} is no longer configured for {}",
                spec.name, look.plan.environment
            )),
            Some(Action::Http { url, secret }) => {
                let token = crate::auth::token::generate().replacen("glt_", "glh_", 1);
                let payload = call::payload(self.hooks.base_url(), id, spec, look, &token);
                match call::send(&self.hooks.client, url, secret, &payload, look.now).await {
                    Ok(()) => {
                        let digest = crate::auth::token::digest(&token);
                        hook_runs::called(&self.db, id, Some(&digest)).await?;
                        Ok(())
                    }
                    Err(why) => Err(why),
                }
            }
            Some(Action::Command(argv)) => {
                let env = command::environment(self.hooks.base_url(), id, spec, look);
                match command::spawn(&self.run_dir(id), argv, &env) {
                    Ok(()) => {
                        hook_runs::called(&self.db, id, None).await?;
                        Ok(())
                    }
                    Err(why) => Err(why),
                }
            }
        };
        if let Err(why) = called {
            self.end(spec, id, look, HookStatus::Failed, &why, None)
                .await?;
        }
        Ok(())
    }

    /// Ends a run (once) with `status` and a line on the timeline.
    async fn end(
        &self,
        spec: &HookSpec,
        run_id: i64,
        look: &Look<'_>,
        status: HookStatus,
        summary: &str,
        output: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let ending = Ending {
            status,
            summary: Some(summary),
            link: None,
            output,
            now: look.now,
        };
        if hook_runs::finish(&self.db, run_id, ending).await? {
            let message = format!("{} {} {}: {summary}", label(spec), spec.name, verb(status));
            crate::db::rollouts::add_step(
                &self.db,
                look.deployment_id,
                look.now,
                look.phase,
                &message,
            )
            .await?;
        }
        Ok(())
    }
}

/// "Acceptance hook" or "Pre-cutover hook".
pub fn label(spec: &HookSpec) -> &'static str {
    kind_label(spec.kind)
}

/// "Acceptance hook" or "Pre-cutover hook".
pub fn kind_label(kind: app::domain::hooks::HookKind) -> &'static str {
    match kind {
        app::domain::hooks::HookKind::Acceptance => "Acceptance hook",
        app::domain::hooks::HookKind::PreCutover => "Pre-cutover hook",
    }
}

/// How the timeline says a run ended.
pub fn verb(status: HookStatus) -> &'static str {
    match status {
        HookStatus::Passed => "passed",
        HookStatus::TimedOut => "timed out",
        _ => "failed",
    }
}

/// "smoke passed: 42 green" — for the step that moves on, or the reason it stops.
fn line(spec: &HookSpec, run: &HookRun) -> String {
    let mut text = format!("{} {} {}", label(spec), spec.name, verb(run.view.status));
    if let Some(summary) = &run.view.summary {
        text.push_str(": ");
        text.push_str(summary);
    }
    text
}
