//! The engine under faults: killed at every cloud call of a promotion and restarted, 50
//! promotions of one environment at once, two engines sharing one database, 30% throttling.

use crate::crashing_cloud::CrashingCloud;
use crate::support::fixtures::engineer;
use crate::support::fixtures::env;
use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use app::use_cases::UseCaseError;
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::{tag, Cloud, Tags};
use greenlight::db::{self, jobs};
use greenlight::engine::{Engine, Tick};
use greenlight::service::deployments;
use std::sync::Arc;

/// Every environment up to `environment` runs 1.0.0; TEST runs 1.1.0 and so does each one
/// before `environment`. Returns the accepted promotion (or deploy) of 1.1.0 into it.
async fn second_release_accepted(h: &Harness, environment: &str) -> i64 {
    h.build("1.0.0").await;
    h.build("1.1.0").await;
    let order = ["test", "staging", "prod"];
    let upto = order.iter().position(|e| *e == environment).unwrap() + 1;
    for version in ["1.0.0", "1.1.0"] {
        for (n, env) in order[..upto].iter().enumerate() {
            let id = if n == 0 {
                h.deploy(version).await
            } else {
                h.promote(env).await
            };
            if version == "1.1.0" && n + 1 == upto {
                return id;
            }
            assert_eq!(h.finish(id).await, Phase::Succeeded);
        }
    }
    unreachable!()
}

/// Drives `engine` until its cloud crashes (true) or the deployment ends (false).
async fn until_crash(h: &Harness, engine: &Engine, cloud: &CrashingCloud, id: i64) -> bool {
    until_crash_or(h, engine, cloud, id, Phase::is_terminal).await
}

/// Drives `engine` until its cloud crashes (true) or the deployment reaches a phase where
/// `done` holds (false).
pub async fn until_crash_or(
    h: &Harness,
    engine: &Engine,
    cloud: &CrashingCloud,
    id: i64,
    done: impl Fn(Phase) -> bool,
) -> bool {
    loop {
        if done(h.phase(id).await) {
            return false;
        }
        tokio::select! {
            tick = engine.tick() => {
                if tick.expect("tick") == Tick::Idle {
                    match jobs::next_due(&h.pool).await.unwrap() {
                        Some(at) => h.clock.advance_to(at),
                        None => return false,
                    }
                }
            }
            _ = cloud.crashed.notified() => return true,
        }
    }
}

/// Fails unless every phase of deployment `id`'s timeline was entered exactly once, wherever
/// a repeat would sit in it.
pub async fn assert_each_step_once(h: &Harness, id: i64, context: &str) {
    let detail = deployments::detail(&h.core, id).await.unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for step in &detail.steps {
        *seen.entry(step.phase.as_str()).or_insert(0) += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        repeated.is_empty(),
        "{context}: steps recorded more than once: {repeated:?}"
    );
}

async fn crash_everywhere(environment: &str, desired: usize) {
    let mut crashes = 0;
    for calls in 0.. {
        let h = harness(|_| {}).await;
        let id = second_release_accepted(&h, environment).await;
        let cloud = Arc::new(CrashingCloud::new(h.cloud.clone(), calls));
        let doomed = h.engine_on(cloud.clone(), "doomed");
        let crashed = until_crash(&h, &doomed, &cloud, id).await;
        // The dead worker's lease runs out; a new engine takes over.
        h.clock.advance(doomed.lease_ms + 1);
        // Nothing is unhealthy and no deadline passes, so every crash point must end the
        // way an uninterrupted promotion does, each step recorded once.
        let end = h.finish(id).await;
        assert_eq!(end, Phase::Succeeded, "crash after {calls} calls");
        assert_each_step_once(&h, id, &format!("crash after {calls} calls")).await;
        let audited = crate::cloud_audit::cloud_actions(&h, id).await;
        let mut actions: Vec<&str> = audited.iter().map(|e| e.action.as_str()).collect();
        let recorded = actions.len();
        actions.dedup();
        assert_eq!(
            actions.len(),
            recorded,
            "crash after {calls} calls: a cloud change audited twice"
        );
        let launched = h
            .sandbox
            .find_instances(&Tags::from([(tag::DEPLOYMENT.to_owned(), id.to_string())]))
            .await
            .unwrap();
        assert_eq!(
            launched.len(),
            desired,
            "crash after {calls} calls: duplicate launch"
        );
        let everything = h.sandbox.find_instances(&Tags::new()).await.unwrap();
        assert!(
            everything
                .iter()
                .all(|i| i.tags.contains_key(tag::ENVIRONMENT)
                    && i.tags.contains_key(tag::DEPLOYMENT)),
            "untagged instance after a crash after {calls} calls"
        );
        assert_eq!(
            h.alive(environment).await,
            h.serving(environment).await,
            "crash after {calls} calls: unaccounted instances"
        );
        if !crashed {
            break;
        }
        crashes += 1;
    }
    assert!(
        crashes > 10,
        "only {crashes} crash points in a promotion into {environment}"
    );
}

#[tokio::test]
async fn killed_at_every_cloud_call_a_target_group_deployment_still_succeeds_each_step_once() {
    crash_everywhere("test", 1).await;
}

#[tokio::test]
async fn killed_at_every_cloud_call_an_alb_listener_promotion_still_succeeds_each_step_once() {
    crash_everywhere("staging", 2).await;
}

#[tokio::test]
async fn killed_at_every_cloud_call_an_elastic_ip_promotion_still_succeeds_each_step_once() {
    crash_everywhere("prod", 1).await;
}

#[tokio::test]
async fn of_fifty_concurrent_promotions_exactly_one_starts_and_it_completes() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let state = Arc::new(h.core.clone());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move {
                deployments::promote(&state, &engineer(), "test", &env("staging")).await
            })
        })
        .collect();
    let mut started = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => started += 1,
            Err(UseCaseError::Conflict(_)) => {}
            Err(UseCaseError::GatesFailed(gates)) => {
                assert!(
                    gates
                        .iter()
                        .all(|g| g.gate == app::domain::gates::GateKind::NothingInFlight),
                    "{gates:?}"
                )
            }
            Err(other) => panic!("unexpected refusal: {other:?}"),
        }
    }
    assert_eq!(started, 1);
    let id = db::deployments::in_flight(&h.pool, "staging")
        .await
        .unwrap()
        .expect("the one promotion is in flight");
    assert_eq!(h.finish(id).await, Phase::Succeeded);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_database_run_each_step_once() {
    let h = harness(|_| {}).await;
    let id = second_release_accepted(&h, "staging").await;
    let before = h.sandbox.call_counts();
    // Two workers racing on their own threads for the same queue; which one wins each lease
    // is up to the database.
    let drive = |engine: Engine| {
        let (pool, clock) = (h.pool.clone(), h.clock.clone());
        tokio::spawn(async move {
            loop {
                let row = db::rollouts::load(&pool, id).await.unwrap().unwrap();
                if row.phase.unwrap().is_terminal() {
                    return;
                }
                match engine.tick().await.unwrap() {
                    Tick::Idle => {
                        if let Some(at) = jobs::next_due(&pool).await.unwrap() {
                            clock.advance_to(at);
                        }
                        tokio::task::yield_now().await;
                    }
                    Tick::Stepped(..) => {}
                    Tick::Stale(_) => panic!("a step ran twice"),
                }
            }
        })
    };
    let (a, b) = (drive(h.engine("engine-a")), drive(h.engine("engine-b")));
    a.await.expect("engine a");
    b.await.expect("engine b");
    assert_each_step_once(&h, id, "two engines").await;
    let detail = deployments::detail(&h.core, id).await.unwrap();
    assert_eq!(detail.phase, Some(Phase::Succeeded));
    let after = h.sandbox.call_counts();
    let delta =
        |op: &str| after.get(op).copied().unwrap_or(0) - before.get(op).copied().unwrap_or(0);
    assert_eq!(delta("RunInstances"), 1);
    assert_eq!(delta("ModifyListener"), 1);
    assert_eq!(delta("TerminateInstances"), 1);
}

#[tokio::test]
async fn with_thirty_percent_throttling_a_promotion_to_prod_still_succeeds() {
    let h = harness(|_| {}).await;
    h.sandbox.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    });
    let id = second_release_accepted(&h, "prod").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h.sandbox.set_faults(Faults::default());
    assert!(h.sandbox.call_counts().values().sum::<u64>() > 50);
    assert_eq!(h.alive("prod").await, h.serving("prod").await);
}
