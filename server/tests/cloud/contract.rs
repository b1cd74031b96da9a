//! What every adapter of the cloud port must do. Each check takes the adapter, the fixture of
//! pre-existing resources, and `settle`, which lets the cloud's own time pass (advancing the
//! paused clock for the sandbox; moto is immediate).

use greenlight::cloud::{
    tag, AlarmState, Cloud, CloudError, ImageState, InstanceState, LaunchSpec, Tags, TargetState,
};
use std::future::Future;

/// Resources that exist before the contract runs.
pub struct Fixture {
    pub blue: String,
    pub green: String,
    pub listener: String,
    pub allocation_id: String,
    pub image_id: String,
    pub subnet_id: String,
}

fn spec(fixture: &Fixture, deployment: &str, count: u32) -> LaunchSpec {
    let tags: Tags = [
        (tag::ENVIRONMENT.to_owned(), "prod".to_owned()),
        (tag::DEPLOYMENT.to_owned(), deployment.to_owned()),
        (tag::FLEET.to_owned(), "green".to_owned()),
    ]
    .into();
    LaunchSpec {
        image_id: fixture.image_id.clone(),
        instance_type: "t3.small".into(),
        count,
        subnet_ids: vec![fixture.subnet_id.clone()],
        security_group_ids: vec![],
        key_name: None,
        instance_profile: None,
        user_data: None,
        tags,
        client_token: format!("deployment-{deployment}-launch"),
    }
}

fn deployment_tags(deployment: &str) -> Tags {
    [(tag::DEPLOYMENT.to_owned(), deployment.to_owned())].into()
}

pub async fn launch_is_idempotent_and_tagged<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let first = cloud.launch(&spec(fixture, "d1", 2)).await.expect("launch");
    assert_eq!(first.len(), 2);
    let again = cloud
        .launch(&spec(fixture, "d1", 2))
        .await
        .expect("relaunch");
    let ids = |list: &[greenlight::cloud::Instance]| {
        let mut ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&first),
        ids(&again),
        "the same client token launches nothing new"
    );
    cloud
        .launch(&spec(fixture, "d2", 1))
        .await
        .expect("other deployment");
    settle().await;
    let found = cloud
        .find_instances(&deployment_tags("d1"))
        .await
        .expect("find");
    assert_eq!(ids(&found), ids(&first));
    assert!(found
        .iter()
        .all(|i| i.tags.get(tag::ENVIRONMENT).map(String::as_str) == Some("prod")));
    assert!(found.iter().all(|i| i.image_id == fixture.image_id));
}

/// Launching tags every instance, and a tag lookup finds exactly what one launch made (the
/// engine's idempotency rests on this where the cloud ignores client tokens).
pub async fn launched_instances_are_found_by_tag(cloud: &dyn Cloud, fixture: &Fixture) {
    let launched = cloud.launch(&spec(fixture, "d8", 2)).await.expect("launch");
    cloud
        .launch(&spec(fixture, "d9", 1))
        .await
        .expect("other deployment");
    let mut launched: Vec<String> = launched.iter().map(|i| i.id.clone()).collect();
    launched.sort();
    let found = cloud
        .find_instances(&deployment_tags("d8"))
        .await
        .expect("find");
    let mut ids: Vec<String> = found.iter().map(|i| i.id.clone()).collect();
    ids.sort();
    assert_eq!(ids, launched);
    assert!(found
        .iter()
        .all(|i| i.tags.get(tag::FLEET).map(String::as_str) == Some("green")));
}

pub async fn instances_boot_and_terminate<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let launched = cloud.launch(&spec(fixture, "d3", 1)).await.expect("launch");
    settle().await;
    let running = cloud
        .find_instances(&deployment_tags("d3"))
        .await
        .expect("find");
    assert_eq!(running[0].state, InstanceState::Running);
    let ids = vec![launched[0].id.clone()];
    cloud.terminate(&ids).await.expect("terminate");
    cloud
        .terminate(&ids)
        .await
        .expect("terminating twice is fine");
    settle().await;
    let gone = cloud
        .find_instances(&deployment_tags("d3"))
        .await
        .expect("find");
    assert_eq!(gone[0].state, InstanceState::Terminated);
}

pub async fn targets_turn_healthy_and_drain<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let launched = cloud.launch(&spec(fixture, "d4", 2)).await.expect("launch");
    let ids: Vec<String> = launched.iter().map(|i| i.id.clone()).collect();
    cloud
        .register_targets(&fixture.green, &ids)
        .await
        .expect("register");
    cloud
        .register_targets(&fixture.green, &ids)
        .await
        .expect("registering twice is fine");
    settle().await;
    let health = cloud.target_health(&fixture.green).await.expect("health");
    assert_eq!(health.len(), 2);
    assert!(
        health.iter().all(|t| t.state == TargetState::Healthy),
        "{health:?}"
    );
    cloud
        .deregister_targets(&fixture.green, &ids[..1])
        .await
        .expect("deregister");
    settle().await;
    let health = cloud.target_health(&fixture.green).await.expect("health");
    assert_eq!(
        health
            .iter()
            .map(|t| t.instance_id.clone())
            .collect::<Vec<_>>(),
        ids[1..].to_vec()
    );
}

pub async fn listener_switches(cloud: &dyn Cloud, fixture: &Fixture) {
    assert_eq!(
        cloud
            .listener_target(&fixture.listener)
            .await
            .expect("describe"),
        Some(fixture.blue.clone())
    );
    cloud
        .forward_listener(&fixture.listener, &fixture.green)
        .await
        .expect("switch");
    assert_eq!(
        cloud
            .listener_target(&fixture.listener)
            .await
            .expect("describe"),
        Some(fixture.green.clone())
    );
    cloud
        .forward_listener(&fixture.listener, &fixture.green)
        .await
        .expect("switching again is fine");
    assert_eq!(
        cloud
            .listener_target(&fixture.listener)
            .await
            .expect("describe"),
        Some(fixture.green.clone())
    );
}

pub async fn address_moves<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let old = cloud.launch(&spec(fixture, "d5", 1)).await.expect("launch")[0]
        .id
        .clone();
    let new = cloud.launch(&spec(fixture, "d6", 1)).await.expect("launch")[0]
        .id
        .clone();
    settle().await;
    cloud
        .associate_address(&fixture.allocation_id, &old)
        .await
        .expect("associate");
    assert_eq!(
        cloud
            .address_instance(&fixture.allocation_id)
            .await
            .expect("describe"),
        Some(old)
    );
    cloud
        .associate_address(&fixture.allocation_id, &new)
        .await
        .expect("move");
    assert_eq!(
        cloud
            .address_instance(&fixture.allocation_id)
            .await
            .expect("describe"),
        Some(new)
    );
}

pub async fn images_by_unique_name<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let source = cloud.launch(&spec(fixture, "d7", 1)).await.expect("launch")[0]
        .id
        .clone();
    settle().await;
    assert_eq!(
        cloud.find_image("greenlight-prod-d7").await.expect("find"),
        None
    );
    let id = cloud
        .create_image(&source, "greenlight-prod-d7", &Tags::new(), false)
        .await
        .expect("create");
    settle().await;
    let image = cloud
        .find_image("greenlight-prod-d7")
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(
        (image.id.as_str(), image.state),
        (id.as_str(), ImageState::Available)
    );
}

pub async fn alarms_report_state(cloud: &dyn Cloud) {
    let names = vec![
        "prod-5xx".to_owned(),
        "prod-latency".to_owned(),
        "no-such-alarm".to_owned(),
    ];
    let alarms = cloud.alarms(&names).await.expect("alarms");
    let states: Vec<(&str, AlarmState)> =
        alarms.iter().map(|a| (a.name.as_str(), a.state)).collect();
    assert_eq!(
        states,
        [
            ("prod-5xx", AlarmState::Alarm),
            ("prod-latency", AlarmState::Ok)
        ]
    );
}

/// Switching to an unknown target group is refused and changes nothing (AWS answers
/// TargetGroupNotFound; moto accepts it, so only the sandbox runs this).
pub async fn listener_refuses_unknown_groups(cloud: &dyn Cloud, fixture: &Fixture) {
    let before = cloud
        .listener_target(&fixture.listener)
        .await
        .expect("describe");
    let missing = cloud
        .forward_listener(
            &fixture.listener,
            "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/nope/9",
        )
        .await;
    assert!(
        matches!(missing, Err(CloudError::NotFound(_))),
        "{missing:?}"
    );
    assert_eq!(
        cloud
            .listener_target(&fixture.listener)
            .await
            .expect("describe"),
        before
    );
}

/// A second image with a taken name is refused (AWS answers InvalidAMIName.Duplicate; moto
/// accepts it, so only the sandbox runs this). The engine looks names up before creating.
pub async fn image_names_are_unique<F: Future<Output = ()>>(
    cloud: &dyn Cloud,
    fixture: &Fixture,
    settle: impl Fn() -> F,
) {
    let source = cloud
        .launch(&spec(fixture, "d10", 1))
        .await
        .expect("launch")[0]
        .id
        .clone();
    settle().await;
    cloud
        .create_image(&source, "greenlight-prod-d10", &Tags::new(), false)
        .await
        .expect("create");
    let duplicate = cloud
        .create_image(&source, "greenlight-prod-d10", &Tags::new(), false)
        .await;
    assert!(
        matches!(duplicate, Err(CloudError::Rejected(_))),
        "{duplicate:?}"
    );
}
