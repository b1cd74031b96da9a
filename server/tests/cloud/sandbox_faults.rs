//! The sandbox's timings and injected faults, which the engine's failure tests rely on, and
//! how it models CreateImage: a reboot takes a registered instance down, `NoReboot` does not,
//! and each image records where its instance served when it was made.

use crate::sandbox;
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::{tag, Cloud, CloudError, ImageState, LaunchSpec, Tags, TargetState};
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

/// The id of one instance launched from `image_id` with client token `token`.
async fn launched(cloud: &dyn Cloud, image_id: &str, token: &str) -> String {
    cloud.launch(&spec(image_id, token)).await.expect("launch")[0]
        .id
        .clone()
}

#[tokio::test(start_paused = true)]
async fn targets_stay_initial_until_booted_and_checked() {
    let (cloud, fixture) = sandbox();
    let id = launched(&cloud, &fixture.image_id, "t1").await;
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
    let id = launched(&cloud, &fixture.image_id, "t2").await;
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

#[tokio::test(start_paused = true)]
async fn create_image_reboots_a_serving_instance_unless_told_not_to_and_records_it() {
    let (cloud, fixture) = sandbox();
    let id = launched(&cloud, &fixture.image_id, "t7").await;
    let ids = std::slice::from_ref(&id);
    cloud
        .register_targets(&fixture.green, ids)
        .await
        .expect("register");
    tokio::time::advance(Duration::from_secs(40)).await;
    let state = || async { cloud.target_health(&fixture.green).await.expect("health")[0].state };
    assert_eq!(state().await, TargetState::Healthy);

    cloud
        .create_image(&id, "greenlight-prod-a", &Tags::new(), true)
        .await
        .expect("no reboot");
    assert_eq!(
        state().await,
        TargetState::Healthy,
        "NoReboot leaves it serving"
    );
    cloud
        .create_image(&id, "greenlight-prod-b", &Tags::new(), false)
        .await
        .expect("reboot");
    assert_eq!(state().await, TargetState::Unhealthy, "rebooting");
    tokio::time::advance(Duration::from_secs(40)).await; // boot (20 s) and checks (15 s)
    assert_eq!(state().await, TargetState::Healthy, "back after the reboot");

    cloud
        .deregister_targets(&fixture.green, ids)
        .await
        .expect("deregister");
    cloud
        .create_image(&id, "greenlight-prod-c", &Tags::new(), false)
        .await
        .expect("reboot while draining");
    tokio::time::advance(Duration::from_secs(11)).await; // drained (10 s)
    cloud
        .create_image(&id, "greenlight-prod-d", &Tags::new(), false)
        .await
        .expect("reboot out of traffic");

    let made: Vec<(String, bool, bool)> = cloud
        .images_made()
        .into_iter()
        .map(|i| {
            let rebooted = i.rebooted_in_service();
            (i.name, i.serving_through.is_empty(), rebooted)
        })
        .collect();
    let row = |name: &str, out: bool, rebooted: bool| (name.to_owned(), out, rebooted);
    assert_eq!(
        made,
        [
            row("greenlight-prod-a", false, false),
            row("greenlight-prod-b", false, true),
            row("greenlight-prod-c", false, true),
            row("greenlight-prod-d", true, false),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn failing_images_end_failed_after_baking() {
    let (cloud, fixture) = sandbox();
    cloud.set_faults(Faults {
        failing_images: true,
        ..Faults::default()
    });
    let id = launched(&cloud, &fixture.image_id, "t8").await;
    cloud
        .create_image(&id, "greenlight-prod-f", &Tags::new(), false)
        .await
        .expect("create");
    let state = || async {
        cloud
            .find_image("greenlight-prod-f")
            .await
            .expect("find")
            .expect("exists")
            .state
    };
    assert_eq!(state().await, ImageState::Pending);
    tokio::time::advance(Duration::from_secs(31)).await;
    assert_eq!(state().await, ImageState::Failed);
}
