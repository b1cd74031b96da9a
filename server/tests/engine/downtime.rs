//! A crash is not a failure: time while no engine ran is no evidence about the fleet. A health
//! deadline that passed while Greenlight was down is judged by looking at the fleet, and a
//! verify window still needs its full watched length.

use crate::support::harness::harness;
use app::domain::rollout::Phase;

const MINUTE: i64 = 60_000;

#[tokio::test]
async fn a_health_deadline_that_passed_while_no_engine_ran_is_judged_by_the_fleet() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let engine = h.engine("before");
    h.run_until(&engine, id, |p| p == Phase::AwaitingHealth)
        .await;
    // Killed right after the launch, back twice the health deadline (5 min) later.
    h.clock.advance(10 * MINUTE);
    assert_eq!(h.finish(id).await, Phase::Succeeded, "the fleet is healthy");
}

#[tokio::test]
async fn a_verify_window_is_watched_for_its_whole_length_even_after_downtime() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let engine = h.engine("before");
    h.run_until(&engine, id, |p| p == Phase::Verifying).await;
    engine.tick().await.unwrap();
    // Down for an hour with a verify window of 5 s: the window still has to be watched.
    h.clock.advance(60 * MINUTE);
    engine.tick().await.unwrap();
    assert_eq!(
        h.phase(id).await,
        Phase::Verifying,
        "not passed on no evidence"
    );
    assert_eq!(h.finish(id).await, Phase::Succeeded);
}
