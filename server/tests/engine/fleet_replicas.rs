//! Several replicas on one database: the one holding the poller's lease looks at the cloud,
//! every replica reads the same snapshots from the database and streams them; when the holder
//! stops renewing, another takes over after the lease runs out.

use crate::support::harness::{harness, Harness};
use app::domain::live_event::LiveEvent;
use app::domain::rollout::Phase;
use greenlight::core::Core;
use greenlight::fleet_health::poller;
use greenlight::live::Subscription;

async fn staging_running() -> Harness {
    let h = harness(|s| s.fleet_refresh = "1s".parse().expect("duration")).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h
}

/// A second server over the same database and cloud.
fn replica(h: &Harness) -> Core {
    Core::new(
        h.pool.clone(),
        (*h.core.settings).clone(),
        h.cloud.clone(),
        h.clock.clone(),
    )
}

fn looks(h: &Harness) -> u64 {
    h.sandbox
        .call_counts()
        .get("DescribeInstances")
        .copied()
        .unwrap_or(0)
}

/// STAGING's digest in the fleet events heard so far.
fn staging_digests(stream: &mut Subscription) -> Vec<String> {
    let mut digests = Vec::new();
    while let Ok(event) = stream.events.try_recv() {
        if let LiveEvent::Fleet {
            environment,
            digest,
            ..
        } = event
        {
            if environment == "staging" {
                digests.push(digest);
            }
        }
    }
    digests
}

#[tokio::test]
async fn two_replicas_on_one_database_look_once_and_both_stream_the_same_snapshot() {
    let h = staging_running().await;
    let (a, b) = (h.core.clone(), replica(&h));
    let (mut heard_a, mut heard_b) = (a.live.subscribe(), b.live.subscribe());
    let before = looks(&h);
    poller::tick(&a, "replica-a").await;
    poller::tick(&b, "replica-b").await;
    assert_eq!(looks(&h) - before, 1, "one look for both replicas");
    let snapshot_a = a
        .fleet
        .get("staging")
        .unwrap()
        .snapshot
        .expect("a's snapshot");
    let snapshot_b = b
        .fleet
        .get("staging")
        .unwrap()
        .snapshot
        .expect("b's snapshot");
    assert_eq!(snapshot_a, snapshot_b);
    assert_eq!(snapshot_b.healthy_of_total(), (2, 2));
    let (digests_a, digests_b) = (staging_digests(&mut heard_a), staging_digests(&mut heard_b));
    assert_eq!(digests_a.len(), 1);
    assert_eq!(digests_a, digests_b, "both streams carry the same snapshot");
    assert!(!digests_a[0].is_empty());

    // A keeps the lease while it renews; B only follows.
    poller::tick(&b, "replica-b").await;
    poller::tick(&a, "replica-a").await;
    assert_eq!(looks(&h) - before, 2);

    // A stops: once its lease runs out (three refreshes), B looks instead.
    h.clock.advance(3_001);
    poller::tick(&b, "replica-b").await;
    assert_eq!(looks(&h) - before, 3, "B took over");
    poller::tick(&a, "replica-a").await;
    assert_eq!(looks(&h) - before, 3, "and A, back, follows B");
}

#[tokio::test]
async fn a_failed_look_is_shared_with_its_error_and_the_last_good_snapshot() {
    let h = staging_running().await;
    let (a, b) = (h.core.clone(), replica(&h));
    poller::tick(&a, "replica-a").await;
    h.sandbox.set_faults(greenlight::cloud::sandbox::Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    poller::tick(&a, "replica-a").await;
    poller::tick(&b, "replica-b").await;
    let cached = b.fleet.get("staging").unwrap();
    assert!(cached.last_error.is_some(), "B knows the look failed");
    assert_eq!(
        cached.snapshot.map(|s| s.healthy_of_total()),
        Some((2, 2)),
        "and keeps the last good snapshot"
    );
}
