//! Keeping deployments moving: a worker that panics is restarted and finishes what it was
//! running; a slow step keeps its lease by heartbeat; a dead worker's job is taken over.

use crate::crashing_cloud::CrashingCloud;
use crate::support::harness::harness;
use app::domain::rollout::Phase;
use greenlight::engine::supervisor::supervise;
use std::sync::Arc;

#[tokio::test]
async fn a_worker_that_panics_is_restarted_and_finishes_the_deployment() {
    let h = harness(|s| s.environments[0].verify_window = "1s".parse().unwrap()).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let cloud = Arc::new(CrashingCloud::panics_on_first_launch(h.cloud.clone()));
    let mut engine = h.engine_on(cloud.clone(), "supervised");
    // The lease of the panicked step must expire before the restarted worker may retry it.
    engine.lease_ms = 1;
    engine.poll_ms = 100;
    let workers = supervise(engine, 1);
    // The hand-moved clock moves to the next due step whenever the worker has caught up, so
    // the worker watches the whole time (nothing counts as downtime).
    let mut phase = h.phase(id).await;
    for _ in 0..1500 {
        if phase.is_terminal() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if let Some(due) = greenlight::db::jobs::next_due(&h.pool).await.unwrap() {
            h.clock.advance_to(due.max(h.clock_now() + 1));
        }
        phase = h.phase(id).await;
    }
    for worker in workers {
        worker.abort();
    }
    assert!(cloud.has_panicked(), "the fault fired");
    assert_eq!(phase, Phase::Succeeded);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_that_outlasts_its_lease_keeps_it_by_heartbeat_until_its_worker_dies() {
    use greenlight::engine::Tick;
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    // Past the first step, which calls no cloud: the next one does.
    h.engine("first").tick().await.unwrap();
    // The first cloud call never answers: the step runs (and the worker lives) until aborted.
    let stuck = Arc::new(CrashingCloud::new(h.cloud.clone(), 0));
    let mut slow = h.engine_on(stuck, "slow");
    slow.lease_ms = 1_000;
    let running = tokio::spawn(async move { slow.tick().await });
    let mut other = h.engine("other");
    other.lease_ms = 1_000;
    // Three lease lengths pass on the engine's clock while the step runs.
    for _ in 0..30 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        h.clock.advance(100);
        assert_eq!(other.tick().await.unwrap(), Tick::Idle, "the lease is held");
    }
    running.abort();
    // Its worker gone, nobody renews: one lease later the job is taken over and finished.
    h.clock.advance(1_001);
    assert_eq!(
        h.run_until(&other, id, |p| p.is_terminal()).await,
        Phase::Succeeded
    );
}
