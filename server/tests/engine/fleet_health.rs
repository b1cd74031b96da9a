//! Live fleet health from the poller's reads on the sandbox: a released fleet reads healthy
//! with its instance count, a lost instance makes it degraded, and a cloud that stops
//! answering keeps the last snapshot (with the error) until it is stale, then unknown.

use crate::support::harness::{harness, Harness};
use app::domain::fleet_health::EnvironmentHealth;
use app::domain::rollout::Phase;
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::Cloud;
use greenlight::fleet_health::poller;

/// STAGING (two instances behind its listener) runs 1.0.0.
async fn staging_running() -> Harness {
    let h = harness(|s| s.fleet_refresh = "1s".parse().expect("duration")).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h
}

fn health(h: &Harness, environment: &str) -> EnvironmentHealth {
    let stale_after = h.core.stale_after_ms();
    h.core
        .fleet
        .live(environment, h.clock_now(), stale_after)
        .0
        .health
}

#[tokio::test]
async fn a_released_fleet_reads_healthy_and_one_lost_instance_makes_it_degraded() {
    let h = staging_running().await;
    assert_eq!(
        health(&h, "staging"),
        EnvironmentHealth::Unknown,
        "not read yet"
    );
    poller::refresh(&h.core).await;
    assert_eq!(health(&h, "staging"), EnvironmentHealth::Healthy);
    let snapshot = h.core.fleet.get("staging").unwrap().snapshot.unwrap();
    assert_eq!(snapshot.healthy_of_total(), (2, 2));
    assert_eq!(
        health(&h, "prod"),
        EnvironmentHealth::Unknown,
        "no fleet on record is unknown, not down"
    );

    let serving = h.serving("staging").await;
    h.sandbox.terminate(&serving[..1]).await.expect("terminate");
    poller::refresh(&h.core).await;
    assert_eq!(health(&h, "staging"), EnvironmentHealth::Degraded);
    let snapshot = h.core.fleet.get("staging").unwrap().snapshot.unwrap();
    assert_eq!(snapshot.healthy_of_total(), (1, 2));
}

#[tokio::test]
async fn a_cloud_that_stops_answering_keeps_the_last_snapshot_until_it_is_stale() {
    let h = staging_running().await;
    poller::refresh(&h.core).await;
    assert_eq!(health(&h, "staging"), EnvironmentHealth::Healthy);
    h.sandbox.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    poller::refresh(&h.core).await;
    let cached = h.core.fleet.get("staging").unwrap();
    assert!(cached.last_error.is_some(), "the failure is recorded");
    assert!(cached.snapshot.is_some(), "the last good snapshot is kept");
    assert_eq!(
        health(&h, "staging"),
        EnvironmentHealth::Healthy,
        "still fresh"
    );
    h.clock.advance(3_001);
    assert_eq!(health(&h, "staging"), EnvironmentHealth::Unknown, "stale");
    h.sandbox.set_faults(Faults::default());
    poller::refresh(&h.core).await;
    assert_eq!(
        health(&h, "staging"),
        EnvironmentHealth::Healthy,
        "recovers by itself"
    );
    assert_eq!(h.core.fleet.get("staging").unwrap().last_error, None);
}
