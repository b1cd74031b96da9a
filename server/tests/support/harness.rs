//! The engine on the sandbox with a hand-moved clock: use-cases accept deployments, the test
//! drives the engine step by step and moves time on when nothing is due. When a harness is
//! dropped at the end of a passing test it checks that no engine job was left unfinished:
//! every queued job must belong to a deployment resting in its warm window.

use super::database::fresh_database;
use super::fixtures::{engineer, env, insert_build};
use app::domain::rollout::Phase;
use app::domain::Duration;
use greenlight::clock::{Clock, ManualClock};
use greenlight::cloud::sandbox::SandboxCloud;
use greenlight::cloud::{tag, Cloud, Instance, InstanceState, Tags};
use greenlight::config::{EnvironmentSettings, SandboxPace, Settings, Strategy};
use greenlight::core::Core;
use greenlight::db::{self, jobs};
use greenlight::engine::{Engine, Tick};
use greenlight::service::deployments;
use greenlight::startup;
use sqlx::AnyPool;
use std::sync::Arc;

pub struct Harness {
    pub core: Core,
    pub pool: AnyPool,
    pub sandbox: Arc<SandboxCloud>,
    pub clock: Arc<ManualClock>,
    pub cloud: Arc<dyn Cloud>,
    /// Set by a test that leaves jobs behind on purpose (and says why).
    pub jobs_left_on_purpose: bool,
}

/// TEST (target-group, 1), STAGING (alb-listener, 2), PROD (elastic-ip, 1), no gates.
pub fn pipeline() -> Vec<EnvironmentSettings> {
    let env = |name: &str, title: &str, strategy, capacity| {
        let mut e = EnvironmentSettings::named(name, title);
        e.strategy = Some(strategy);
        e.desired_capacity = capacity;
        e.health_deadline = Duration::from_secs(5 * 60);
        e.verify_window = Duration::from_secs(5);
        e.warm_retention = Duration::from_secs(3600);
        // Watching a warm hour costs hundreds of steps per deployment; tests of it opt in.
        e.watch_while_warm = false;
        e
    };
    vec![
        env("test", "TEST", Strategy::TargetGroup, 1),
        env("staging", "STAGING", Strategy::AlbListener, 2),
        env("prod", "PROD", Strategy::ElasticIp, 1),
    ]
}

pub async fn harness(configure: impl FnOnce(&mut Settings)) -> Harness {
    let mut settings = Settings {
        database_url: fresh_database().await,
        demo: false,
        engine_workers: 0,
        environments: pipeline(),
        ..Settings::default()
    };
    settings.cloud.sandbox_pace = SandboxPace::Instant;
    configure(&mut settings);
    let pool = startup::database(&settings).await.expect("database");
    let clock = Arc::new(ManualClock::new(super::fixtures::now()));
    let (core, sandbox) = startup::core(settings, pool.clone(), clock.clone())
        .await
        .expect("core");
    Harness {
        cloud: core.cloud.clone(),
        core,
        pool,
        sandbox: sandbox.expect("sandbox provider"),
        clock,
        jobs_left_on_purpose: false,
    }
}

impl Harness {
    pub fn engine(&self, worker: &str) -> Engine {
        self.engine_on(self.cloud.clone(), worker)
    }

    pub fn engine_on(&self, cloud: Arc<dyn Cloud>, worker: &str) -> Engine {
        let mut engine = Engine::new(self.pool.clone(), cloud, self.clock.clone(), worker)
            .with_hooks(self.core.hooks.clone());
        engine.poll_ms = 1_000;
        engine
    }

    pub async fn build(&self, version: &str) {
        insert_build(&self.pool, version, self.clock_now()).await;
    }

    pub fn clock_now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs the engine, moving the clock to the next due job whenever nothing is due, until
    /// `done` holds for deployment `id` (or the step budget runs out).
    pub async fn run_until(&self, engine: &Engine, id: i64, done: impl Fn(Phase) -> bool) -> Phase {
        for _ in 0..5000 {
            let phase = self.phase(id).await;
            if done(phase) {
                return phase;
            }
            match engine.tick().await.expect("tick") {
                Tick::Idle => match jobs::next_due(&self.pool).await.expect("due") {
                    Some(at) => self.clock.advance_to(at),
                    None => return self.phase(id).await,
                },
                Tick::Stepped(..) | Tick::Stale(_) => {}
            }
        }
        panic!(
            "deployment {id} did not settle; it is {}",
            self.phase(id).await
        )
    }

    /// Releases 1.0.0 into TEST, then 1.0.1 beside it, and returns 1.0.1's deployment resting
    /// warm with 1.0.0's fleet kept.
    pub async fn warm_second_release(&self) -> i64 {
        self.build("1.0.0").await;
        let first = self.deploy("1.0.0").await;
        assert_eq!(self.finish(first).await, Phase::Succeeded);
        self.build("1.0.1").await;
        let second = self.deploy("1.0.1").await;
        assert_eq!(self.settle(second).await, Phase::Warm);
        second
    }

    /// Runs until the deployment ends or rests warm.
    pub async fn settle(&self, id: i64) -> Phase {
        let engine = self.engine("settle");
        self.run_until(&engine, id, |p| p.is_terminal() || p == Phase::Warm)
            .await
    }

    /// Runs until the deployment ends, warm window included.
    pub async fn finish(&self, id: i64) -> Phase {
        let engine = self.engine("finish");
        self.run_until(&engine, id, |p| p.is_terminal()).await
    }

    pub async fn phase(&self, id: i64) -> Phase {
        self.row(id).await.phase.expect("phase")
    }

    /// Deployment `id` as the engine stores it.
    pub async fn row(&self, id: i64) -> db::rollouts::RolloutRow {
        db::rollouts::load(&self.pool, id)
            .await
            .expect("load")
            .expect("row")
    }

    pub async fn deploy(&self, version: &str) -> i64 {
        let version = super::fixtures::version(version);
        deployments::deploy(
            &self.core,
            &engineer(),
            "test",
            &env("test"),
            &version,
            None,
        )
        .await
        .expect("deploy accepted")
        .record
        .id
    }

    pub async fn promote(&self, environment: &str) -> i64 {
        deployments::promote(&self.core, &engineer(), "test", &env(environment))
            .await
            .expect("promotion accepted")
            .record
            .id
    }

    /// Instances of an environment as the cloud sees them.
    pub async fn instances(&self, environment: &str) -> Vec<Instance> {
        let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), environment.to_owned())]);
        self.sandbox.find_instances(&tags).await.expect("instances")
    }

    /// Ids of the environment's instances that are running (or booting).
    pub async fn alive(&self, environment: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .instances(environment)
            .await
            .into_iter()
            .filter(|i| matches!(i.state, InstanceState::Running | InstanceState::Pending))
            .map(|i| i.id)
            .collect();
        ids.sort();
        ids
    }

    /// The serving fleet's instances, sorted.
    pub async fn serving(&self, environment: &str) -> Vec<String> {
        let mut ids = db::fleets::get(&self.pool, environment)
            .await
            .expect("fleet")
            .map(|f| f.instance_ids)
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Healthy targets of a target group, sorted.
    pub async fn healthy_in(&self, group: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .sandbox
            .target_health(group)
            .await
            .expect("health")
            .into_iter()
            .filter(|t| t.state == greenlight::cloud::TargetState::Healthy)
            .map(|t| t.instance_id)
            .collect();
        ids.sort();
        ids
    }
}

impl Harness {
    /// Deployment `id`'s stored plan.
    pub async fn plan(&self, id: i64) -> app::domain::plan::DeploymentPlan {
        self.row(id).await.plan.expect("a plan")
    }

    /// Stores `plan` as deployment `id`'s, as if something had written it so (an earlier
    /// release of Greenlight, a changed fleet).
    pub async fn store_plan(&self, id: i64, plan: &app::domain::plan::DeploymentPlan) {
        sqlx::query("UPDATE deployments SET run = $1 WHERE id = $2")
            .bind(serde_json::to_string(plan).expect("json"))
            .bind(id)
            .execute(&self.pool)
            .await
            .expect("plan stored");
    }

    pub async fn count_deployments(&self, environment: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) AS n FROM deployments WHERE environment = $1")
            .bind(environment)
            .fetch_one(&self.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap()
    }
}

impl Harness {
    /// Queued jobs whose deployment is not resting warm: work the test left unfinished.
    pub async fn unfinished_jobs(&self) -> Vec<(i64, Option<Phase>)> {
        unfinished_jobs(&self.pool).await
    }
}

async fn unfinished_jobs(pool: &AnyPool) -> Vec<(i64, Option<Phase>)> {
    let mut unfinished = Vec::new();
    for id in jobs::queued(pool).await.expect("queued jobs") {
        let phase = db::rollouts::load(pool, id)
            .await
            .expect("load")
            .and_then(|row| row.phase);
        if phase != Some(Phase::Warm) {
            unfinished.push((id, phase));
        }
    }
    unfinished
}

impl Drop for Harness {
    /// The end-of-test check: a passing test must not leave an engine job behind unnoticed.
    fn drop(&mut self) {
        if std::thread::panicking() || self.jobs_left_on_purpose {
            return;
        }
        let url = self.core.settings.database_url.clone();
        // Drop cannot await, and the test's runtime is blocked here: the check opens its own
        // connection on a runtime of its own, on another thread.
        let unfinished = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async move {
                    let pool = db::connect(&url).await.expect("database for the job check");
                    let unfinished = unfinished_jobs(&pool).await;
                    pool.close().await;
                    unfinished
                })
        })
        .join()
        .expect("job check");
        assert!(
            unfinished.is_empty(),
            "the test left engine jobs unfinished (deployment, phase): {unfinished:?}"
        );
    }
}
