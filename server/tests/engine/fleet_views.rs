//! What one look at the sandbox shows beyond a verdict: each instance's details and an
//! unhealthy target's reason, the incoming fleet beside the serving one during a deployment
//! and the previous one after the switch, the calls one look costs, and the events it sends to
//! open streams — with the change watcher announcing deployment steps once.

use crate::support::harness::{harness, Harness};
use app::domain::fleet_health::{EnvironmentHealth, FleetRole, TargetHealthState};
use app::domain::live_event::LiveEvent;
use app::domain::rollout::Phase;
use greenlight::fleet_health::poller;
use greenlight::live::watch;

async fn staging_running() -> Harness {
    let h = harness(|s| {
        s.fleet_refresh = "1s".parse().expect("duration");
        s.environments[1].alarms = vec!["staging-5xx".into()];
        s.environments[2].alarms = vec!["prod-5xx".into(), "prod-latency".into()];
    })
    .await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h
}

fn roles_and_builds(h: &Harness, environment: &str) -> Vec<(FleetRole, Option<String>, usize)> {
    let snapshot = h.core.fleet.get(environment).unwrap().snapshot.unwrap();
    snapshot
        .fleets
        .iter()
        .map(|f| (f.role, f.build_version.clone(), f.instances.len()))
        .collect()
}

#[tokio::test]
async fn the_snapshot_shows_each_instance_s_details_and_an_unhealthy_target_s_reason() {
    let h = staging_running().await;
    let serving = h.serving("staging").await;
    assert!(h.sandbox.set_instance_healthy(&serving[0], false));
    poller::refresh(&h.core).await;
    let snapshot = h.core.fleet.get("staging").unwrap().snapshot.unwrap();
    let fleet = snapshot.serving().expect("serving fleet");
    assert_eq!(fleet.build_version.as_deref(), Some("1.0.0"));
    assert!(
        matches!(fleet.colour.as_deref(), Some("blue" | "green")),
        "alb-listener fleets are blue or green"
    );
    let sick = fleet.instances.iter().find(|i| i.id == serving[0]).unwrap();
    let target = sick.target.clone().expect("in a target group");
    assert_eq!(target.state, TargetHealthState::Unhealthy);
    assert_eq!(target.reason.as_deref(), Some("Target.Timeout"));
    assert_eq!(target.description.as_deref(), Some("Request timed out"));
    assert_eq!(sick.status_checks_ok, Some(false));
    let well = fleet.instances.iter().find(|i| i.id == serving[1]).unwrap();
    assert_eq!(well.target.as_ref().unwrap().reason, None);
    for instance in [sick, well] {
        assert!(instance
            .zone
            .as_deref()
            .is_some_and(|z| z.starts_with("sandbox-1")));
        assert_eq!(instance.build_version.as_deref(), Some("1.0.0"));
        assert!(instance.instance_type.is_some() && instance.image_id.is_some());
        assert!(instance.launched_at.is_some() && instance.private_ip.is_some());
    }
    let (live, _) = h
        .core
        .fleet
        .live("staging", h.clock_now(), h.core.stale_after_ms());
    assert_eq!(live.health, EnvironmentHealth::Degraded);
    assert_eq!((live.healthy, live.total), (1, 2));
}

#[tokio::test]
async fn a_deployment_s_fleet_is_incoming_beside_the_serving_one_then_previous_after_the_switch() {
    let h = staging_running().await;
    h.build("1.1.0").await;
    let id = h.deploy("1.1.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    let engine = h.engine("incoming");
    let phase = h
        .run_until(&engine, id, |p| {
            p == Phase::AwaitingHealth || p == Phase::CuttingOver
        })
        .await;
    assert!(
        matches!(phase, Phase::AwaitingHealth | Phase::CuttingOver),
        "{phase}"
    );
    poller::refresh(&h.core).await;
    let one = Some("1.0.0".to_owned());
    let next = Some("1.1.0".to_owned());
    assert_eq!(
        roles_and_builds(&h, "staging"),
        [
            (FleetRole::Serving, one.clone(), 2),
            (FleetRole::Incoming, next.clone(), 2)
        ]
    );
    assert_eq!(h.settle(id).await, Phase::Warm);
    poller::refresh(&h.core).await;
    assert_eq!(
        roles_and_builds(&h, "staging"),
        [(FleetRole::Serving, next, 2), (FleetRole::Previous, one, 2)]
    );
    let snapshot = h.core.fleet.get("staging").unwrap().snapshot.unwrap();
    let colours: Vec<_> = snapshot.fleets.iter().map(|f| f.colour.clone()).collect();
    assert!(
        colours == [Some("blue".into()), Some("green".into())]
            || colours == [Some("green".into()), Some("blue".into())],
        "the two fleets sit in the two groups: {colours:?}"
    );
    assert_eq!(snapshot.fleets[0].deployment_id, Some(id));
}

#[tokio::test]
async fn one_look_costs_one_call_per_kind_and_one_per_target_group_for_every_environment() {
    let h = staging_running().await;
    let before = h.sandbox.call_counts();
    poller::refresh(&h.core).await;
    let after = h.sandbox.call_counts();
    let made = |op: &str| after.get(op).unwrap_or(&0) - before.get(op).unwrap_or(&0);
    assert_eq!(made("DescribeInstances"), 1);
    assert_eq!(made("DescribeInstanceStatus"), 1);
    // TEST's one group and STAGING's two; PROD switches an Elastic IP.
    assert_eq!(made("DescribeTargetHealth"), 3);
    // Three alarms of two environments in one batch.
    assert_eq!(made("DescribeAlarms"), 1);
    // The charts' calls are counted in tests/engine/fleet_charts.rs.
    let chart_calls = made("GetMetricData") + made("DescribeTargetGroups");
    let total: u64 = after.values().sum::<u64>() - before.values().sum::<u64>() - chart_calls;
    assert_eq!(total, 6, "{after:?}");
}

#[tokio::test]
async fn each_look_tells_open_streams_every_environment_s_health() {
    let h = staging_running().await;
    let mut stream = h.core.live.subscribe();
    poller::refresh(&h.core).await;
    let mut heard = Vec::new();
    while let Ok(event) = stream.events.try_recv() {
        if let LiveEvent::Fleet {
            environment,
            live,
            digest,
        } = event
        {
            heard.push((environment, live.health, digest.is_empty()));
        }
    }
    assert_eq!(
        heard,
        [
            ("test".to_owned(), EnvironmentHealth::Healthy, false),
            ("staging".to_owned(), EnvironmentHealth::Healthy, false),
            ("prod".to_owned(), EnvironmentHealth::Unknown, false),
        ]
    );
}

#[tokio::test]
async fn the_change_watcher_announces_a_deployment_s_steps_once_and_not_what_came_before() {
    let h = staging_running().await;
    let mut stream = h.core.live.subscribe();
    let mut seen = watch::Watermarks::default();
    watch::look(&h.pool, &h.core.live, &mut seen).await.unwrap();
    assert!(stream.events.try_recv().is_err(), "history is not news");
    h.build("1.1.0").await;
    let id = h.deploy("1.1.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    watch::look(&h.pool, &h.core.live, &mut seen).await.unwrap();
    assert_eq!(
        stream.events.try_recv().unwrap(),
        LiveEvent::Deployment {
            id,
            environment: "test".into()
        }
    );
    assert!(stream.events.try_recv().is_err(), "one event per look");
    watch::look(&h.pool, &h.core.live, &mut seen).await.unwrap();
    assert!(stream.events.try_recv().is_err(), "announced once");
}
