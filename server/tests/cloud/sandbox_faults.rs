//! The sandbox's timings and injected faults, which the engine's failure tests rely on.

use crate::sandbox;
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::{tag, Cloud, CloudError, LaunchSpec, Tags, TargetState};
use tokio::time::Duration;

fn spec(image_id: &str, token: &str) -> LaunchSpec {
    LaunchSpec {
        image_id: image_id.into(),
        instance_type: "t3.small".into(),
        count: 1,
        subnet_ids: vec!["subnet-1".into()],
        security_group_ids: vec![],
        key_name: None,
        instance_profile: None,
        user_data: None,
        tags: [(tag::DEPLOYMENT.to_owned(), token.to_owned())].into(),
        client_token: token.into(),
    }
}

#[tokio::test(start_paused = true)]
async fn targets_stay_initial_until_booted_and_checked() {
    let (cloud, fixture) = sandbox();
    let id = cloud
        .launch(&spec(&fixture.image_id, "t1"))
        .await
        .expect("launch")[0]
        .id
        .clone();
    cloud
        .register_targets(&fixture.green, std::slice::from_ref(&id))
        .await
        .expect("register");
    tokio::time::advance(Duration::from_secs(25)).await; // booted (20 s), not yet checked (15 s)
    assert_eq!(
        cloud.target_health(&fixture.green).await.expect("health")[0].state,
        TargetState::Initial
    );
    tokio::time::advance(Duration::from_secs(15)).await;
    assert_eq!(
        cloud.target_health(&fixture.green).await.expect("health")[0].state,
        TargetState::Healthy
    );
}

#[tokio::test(start_paused = true)]
async fn a_never_healthy_fleet_reports_unhealthy_targets() {
    let (cloud, fixture) = sandbox();
    cloud.set_faults(Faults {
        never_healthy: true,
        ..Faults::default()
    });
    let id = cloud
        .launch(&spec(&fixture.image_id, "t2"))
        .await
        .expect("launch")[0]
        .id
        .clone();
    cloud
        .register_targets(&fixture.green, &[id])
        .await
        .expect("register");
    tokio::time::advance(Duration::from_secs(600)).await;
    assert_eq!(
        cloud.target_health(&fixture.green).await.expect("health")[0].state,
        TargetState::Unhealthy
    );
}

#[tokio::test(start_paused = true)]
async fn throttling_and_server_errors_are_injected_as_retryable() {
    let (cloud, fixture) = sandbox();
    cloud.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let throttled = cloud
        .find_instances(&Tags::new())
        .await
        .expect_err("throttled");
    assert!(matches!(throttled, CloudError::Throttled(_)) && throttled.is_retryable());
    cloud.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let failed = cloud
        .launch(&spec(&fixture.image_id, "t3"))
        .await
        .expect_err("5xx");
    assert!(matches!(failed, CloudError::Unavailable(_)) && failed.is_retryable());
    assert!(cloud.find_instances(&Tags::new()).await.is_err());
    cloud.set_faults(Faults {
        throttle_rate: 0.3,
        ..Faults::default()
    });
    let mut failures = 0;
    for _ in 0..200 {
        if cloud.find_instances(&Tags::new()).await.is_err() {
            failures += 1;
        }
    }
    assert!(
        (30..=90).contains(&failures),
        "about 30% of 200 calls throttled, got {failures}"
    );
    assert!(cloud.call_counts()["DescribeInstances"] >= 202);
}

#[tokio::test(start_paused = true)]
async fn slow_calls_take_their_time() {
    let (cloud, _) = sandbox();
    cloud.set_faults(Faults {
        latency: Duration::from_secs(3),
        ..Faults::default()
    });
    let started = tokio::time::Instant::now();
    cloud
        .find_instances(&Tags::new())
        .await
        .expect("slow but fine");
    assert!(started.elapsed() >= Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn bad_launches_are_rejected_and_unknown_groups_not_found() {
    let (cloud, fixture) = sandbox();
    let rejected = cloud
        .launch(&spec("not-an-ami", "t4"))
        .await
        .expect_err("rejected");
    assert!(matches!(rejected, CloudError::Rejected(_)) && !rejected.is_retryable());
    let missing = cloud.target_health("arn:nope").await.expect_err("missing");
    assert!(matches!(missing, CloudError::NotFound(_)));
    assert!(cloud
        .find_instances(&Tags::new())
        .await
        .expect("list")
        .is_empty());
    let _ = fixture;
}
