//! Engine figures on the sandbox with zero simulated latency: wall time of a full promotion
//! TEST → STAGING → PROD (the engine's own overhead: database writes, leases, planning), the
//! time of an instant rollback, and the cloud calls of one promotion by operation.
//! Run: `cargo bench -p server --bench engine` (SQLite in a temp file; set
//! `BENCH_DATABASE_URL=postgres://…` for PostgreSQL).

use app::domain::rollout::Phase;
use app::domain::views::Principal;
use app::domain::{AmiId, Artifact, EnvironmentName, NewBuild, Revision, Role, Version};
use greenlight::clock::{Clock, ManualClock, SystemClock};
use greenlight::cloud::sandbox::SandboxCloud;
use greenlight::config::{EnvironmentSettings, SandboxPace, Settings, Strategy};
use greenlight::core::Core;
use greenlight::db::{self, jobs};
use greenlight::engine::{Engine, Tick};
use greenlight::service::deployments;
use greenlight::startup;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn pipeline() -> Vec<EnvironmentSettings> {
    let env = |name: &str, strategy, capacity| {
        let mut e = EnvironmentSettings::named(name, &name.to_uppercase());
        e.strategy = Some(strategy);
        e.desired_capacity = capacity;
        e.verify_window = app::domain::Duration::from_secs(60);
        e
    };
    vec![
        env("test", Strategy::TargetGroup, 2),
        env("staging", Strategy::AlbListener, 2),
        env("prod", Strategy::AlbListener, 2),
    ]
}

struct Bench {
    state: Core,
    sandbox: Arc<SandboxCloud>,
    clock: Arc<ManualClock>,
    engine: Engine,
}

impl Bench {
    /// Runs the engine until deployment `id` rests, moving the hand clock over waits (verify
    /// and warm windows are the environment's time, not the engine's). Returns the wall time.
    async fn run(&self, id: i64, done: fn(Phase) -> bool) -> Duration {
        let started = Instant::now();
        loop {
            let row = db::rollouts::load(&self.state.db, id)
                .await
                .unwrap()
                .unwrap();
            if done(row.phase.unwrap()) {
                return started.elapsed();
            }
            if self.engine.tick().await.unwrap() == Tick::Idle {
                let due = jobs::next_due(&self.state.db).await.unwrap().unwrap();
                self.clock.advance_to(due);
            }
        }
    }
}

fn engineer() -> Principal {
    Principal {
        id: 0,
        name: "erin".into(),
        role: Role::Engineer,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let work = std::env::temp_dir().join(format!("gl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let database_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", work.join("engine.db").display()));
    let mut settings = Settings {
        database_url: database_url.clone(),
        demo: false,
        engine_workers: 0,
        environments: pipeline(),
        ..Settings::default()
    };
    settings.cloud.sandbox_pace = SandboxPace::Instant;
    let pool = startup::database(&settings).await.unwrap();
    let clock = Arc::new(ManualClock::new(SystemClock.now_ms()));
    let (state, sandbox) = startup::core(settings, pool.clone(), clock.clone())
        .await
        .unwrap();
    let mut engine = Engine::new(pool.clone(), state.cloud.clone(), clock.clone(), "bench");
    engine.poll_ms = 1000;
    let bench = Bench {
        state,
        sandbox: sandbox.unwrap(),
        clock,
        engine,
    };

    let prod = EnvironmentName::parse("prod").unwrap();
    let rounds = 10;
    let mut promotion = Vec::new();
    let mut steps = 0;
    let mut rollback = Vec::new();
    let mut calls: BTreeMap<&'static str, u64> = BTreeMap::new();
    for round in 0..rounds {
        let version = format!("3.{round}.0");
        let build = NewBuild {
            version: Version::parse(&version).unwrap(),
            revision: Revision::parse("abcdef1").unwrap(),
            artifact: Artifact::Image {
                ami_id: AmiId::parse("ami-0a1b2c3d").unwrap(),
            },
            changes: vec![],
            ci_url: None,
            schema_version: None,
        };
        db::builds::insert(&pool, &build, &version, "bench", bench.clock.now_ms())
            .await
            .unwrap();
        let mut wall = Duration::ZERO;
        for (n, env) in ["test", "staging", "prod"].into_iter().enumerate() {
            let before = bench.sandbox.call_counts();
            let env = EnvironmentName::parse(env).unwrap();
            let detail = if n == 0 {
                let version = Version::parse(&version).unwrap();
                deployments::deploy(&bench.state, &engineer(), "bench", &env, &version, None).await
            } else {
                deployments::promote(&bench.state, &engineer(), "bench", &env).await
            }
            .unwrap();
            let id = detail.record.id;
            wall += bench.run(id, |p| p == Phase::Warm || p.is_terminal()).await;
            steps += deployments::detail(&bench.state, id)
                .await
                .unwrap()
                .steps
                .len();
            if env != "prod" || round == 0 {
                continue;
            }
            if round == 1 {
                // Calls of the PROD promotion alone (accepted → warm), old fleet present.
                calls = bench
                    .sandbox
                    .call_counts()
                    .iter()
                    .map(|(op, n)| (*op, n - before.get(op).copied().unwrap_or(0)))
                    .filter(|(_, n)| *n > 0)
                    .collect();
            }
            // Instant rollback of PROD while the old fleet is warm: a switch back.
            let started = Instant::now();
            deployments::rollback(&bench.state, &engineer(), "bench", &prod, None)
                .await
                .unwrap();
            bench.run(id, |p| p.is_terminal()).await;
            rollback.push(started.elapsed());
            // Promote again so the next round promotes over a warm PROD.
            let again = deployments::promote(&bench.state, &engineer(), "bench", &prod)
                .await
                .unwrap();
            bench.run(again.record.id, |p| p == Phase::Warm).await;
        }
        promotion.push(wall);
    }
    promotion.sort();
    rollback.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    println!("engine on the sandbox, zero simulated latency, {rounds} rounds ({database_url})");
    println!(
        "full promotion TEST -> STAGING -> PROD (accepted -> warm, 3 deployments of 2 instances): median {:.1} ms, max {:.1} ms; {:.1} steps per deployment",
        ms(&promotion[promotion.len() / 2]),
        ms(promotion.last().unwrap()),
        steps as f64 / (rounds * 3) as f64
    );
    println!(
        "instant rollback inside the warm window (request -> rolled back): median {:.1} ms, max {:.1} ms",
        ms(&rollback[rollback.len() / 2]),
        ms(rollback.last().unwrap())
    );
    println!("cloud calls of one promotion into PROD (alb-listener, 2 instances, old fleet warm):");
    for (operation, count) in &calls {
        println!("  {operation:<20} {count}");
    }
    println!("  {:<20} {}", "total", calls.values().sum::<u64>());
    let _ = std::fs::remove_dir_all(&work);
}
