//! An extended warm window holds: the engine keeps the old fleet past the window's first end
//! and retires it only at the new one.

use crate::support::fixtures::{engineer, env};
use crate::support::harness::harness;
use app::domain::rollout::Phase;
use greenlight::service::deployments;

#[tokio::test]
async fn the_engine_keeps_the_old_fleet_until_the_extended_end_and_then_retires_it() {
    let h = harness(|_| {}).await;
    let second = h.warm_second_release().await;
    let first_end = h.row(second).await.warm_until.expect("warm until");

    deployments::extend_warm_window(
        &h.core,
        &engineer(),
        "test",
        &env("test"),
        "2h".parse().expect("duration"),
    )
    .await
    .expect("extended");
    let engine = h.engine("warm");
    h.clock.advance_to(first_end + 60_000);
    for _ in 0..5 {
        engine.tick().await.expect("tick");
    }
    assert_eq!(
        h.phase(second).await,
        Phase::Warm,
        "past the first end, still warm"
    );
    assert_eq!(h.alive("test").await.len(), 2, "the old fleet is kept");

    assert_eq!(h.finish(second).await, Phase::Succeeded);
    assert!(
        h.clock_now() >= first_end + 2 * 3_600_000,
        "retired at the new end, not before"
    );
    assert_eq!(h.alive("test").await.len(), 1);
}

#[tokio::test]
async fn a_warm_window_past_its_end_cannot_be_extended_even_before_the_engine_retires_it() {
    let h = harness(|_| {}).await;
    let second = h.warm_second_release().await;
    let end = h.row(second).await.warm_until.expect("warm until");
    h.clock.advance_to(end + 1);
    let late = deployments::extend_warm_window(
        &h.core,
        &engineer(),
        "test",
        &env("test"),
        "1h".parse().expect("duration"),
    )
    .await;
    assert!(
        matches!(late, Err(app::use_cases::UseCaseError::Conflict(_))),
        "{late:?}"
    );
    assert_eq!(h.row(second).await.warm_until, Some(end), "unchanged");
    assert_eq!(h.finish(second).await, Phase::Succeeded);
}
