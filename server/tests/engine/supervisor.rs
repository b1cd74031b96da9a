//! The supervisor: a worker that panics is restarted, and the deployment it was running is
//! finished by the restarted worker instead of being stranded.

use crate::crashing_cloud::CrashingCloud;
use crate::support::harness::harness;
use app::domain::rollout::Phase;
use greenlight::engine::supervisor::supervise;
use std::sync::Arc;

#[tokio::test]
async fn a_worker_that_panics_is_restarted_and_finishes_the_deployment() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let cloud = Arc::new(CrashingCloud::panics_on_first_launch(h.cloud.clone()));
    let mut engine = h.engine_on(cloud.clone(), "supervised");
    // The lease of the panicked step must expire before the restarted worker may retry it.
    engine.lease_ms = 1;
    let workers = supervise(engine, 1);
    // The hand-moved clock stands still; time passes for the engine as the test moves it.
    let mut phase = h.phase(id).await;
    for _ in 0..600 {
        if phase.is_terminal() {
            break;
        }
        h.clock.advance(1_000);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        phase = h.phase(id).await;
    }
    for worker in workers {
        worker.abort();
    }
    assert!(cloud.has_panicked(), "the fault fired");
    assert_eq!(phase, Phase::Succeeded);
}
