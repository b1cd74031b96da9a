//! The engine on the sandbox with a hand-moved clock: use-cases accept deployments, the test
//! drives the engine step by step and moves time on when nothing is due.

use app::domain::rollout::Phase;
use app::domain::views::Principal;
use app::domain::{Artifact, NewBuild, Role};
use greenlight::cloud::sandbox::SandboxCloud;
use greenlight::cloud::{tag, Cloud, Instance, InstanceState, Tags};
use greenlight::config::{EnvironmentSettings, SandboxPace, Settings, Strategy};
use greenlight::db::{self, jobs};
use greenlight::engine::{Engine, ManualClock, Tick};
use greenlight::service::deployments;
use greenlight::startup;
use greenlight::state::AppState;
use sqlx::AnyPool;
use std::sync::Arc;

pub struct Harness {
    pub state: AppState,
    pub pool: AnyPool,
    pub sandbox: Arc<SandboxCloud>,
    pub clock: Arc<ManualClock>,
    pub cloud: Arc<dyn Cloud>,
}

pub fn person(name: &str, role: Role) -> Principal {
    Principal {
        id: 0,
        name: name.into(),
        role,
    }
}

pub fn engineer() -> Principal {
    person("erin", Role::Engineer)
}

/// TEST (target-group, 1), STAGING (alb-listener, 2), PROD (elastic-ip, 1), no gates.
pub fn pipeline() -> Vec<EnvironmentSettings> {
    let env = |name: &str, title: &str, strategy, capacity| {
        let mut e = EnvironmentSettings::named(name, title);
        e.strategy = Some(strategy);
        e.desired_capacity = capacity;
        e.health_deadline = "5m".into();
        e.verify_window = "5s".into();
        e.warm_retention = "1h".into();
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
        database_url: crate::helpers::fresh_database().await,
        demo: false,
        engine_workers: 0,
        environments: pipeline(),
        ..Settings::default()
    };
    settings.cloud.sandbox_pace = SandboxPace::Instant;
    configure(&mut settings);
    let pool = startup::database(&settings).await.expect("database");
    let (cloud, sandbox) = startup::cloud(&settings, &pool).await.expect("cloud");
    let clock = Arc::new(ManualClock::new(db::now_ms()));
    let state = AppState::headless(pool.clone(), settings, cloud.clone(), clock.clone());
    Harness {
        state,
        pool,
        sandbox: sandbox.expect("sandbox provider"),
        clock,
        cloud,
    }
}

impl Harness {
    pub fn engine(&self, worker: &str) -> Engine {
        self.engine_on(self.cloud.clone(), worker)
    }

    pub fn engine_on(&self, cloud: Arc<dyn Cloud>, worker: &str) -> Engine {
        let mut engine = Engine::new(self.pool.clone(), cloud, self.clock.clone(), worker);
        engine.poll_ms = 1_000;
        engine
    }

    pub async fn build(&self, version: &str) {
        let new = NewBuild {
            version: app::domain::Version::parse(version).expect("version"),
            revision: app::domain::Revision::parse("abcdef1").expect("revision"),
            artifact: Artifact::Image {
                ami_id: app::domain::AmiId::parse("ami-0a1b2c3d").expect("ami"),
            },
            changes: vec![],
            ci_url: None,
        };
        db::builds::insert(&self.pool, &new, version, "ci", self.clock_now())
            .await
            .expect("build");
    }

    pub fn clock_now(&self) -> i64 {
        use greenlight::engine::Clock;
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
        let row = db::runs::load(&self.pool, id)
            .await
            .expect("load")
            .expect("row");
        Phase::parse(row.phase.as_deref().expect("phase")).expect("known phase")
    }

    pub async fn deploy(&self, version: &str) -> i64 {
        deployments::deploy(&self.state, &engineer(), "test", "test", version)
            .await
            .expect("deploy accepted")
            .record
            .id
    }

    pub async fn promote(&self, environment: &str) -> i64 {
        deployments::promote(&self.state, &engineer(), "test", environment)
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
