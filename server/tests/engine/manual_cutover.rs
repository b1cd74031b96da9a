//! `cutover = "manual"`: the healthy new fleet is held with traffic on the old one, its
//! addresses and idle target group shown, until a person switches; a hold nobody switches ends
//! at its deadline with the new fleet taken out; and cancelling, before the switch (the new
//! fleet goes, the old keeps serving) and after it (a rollback).

use crate::support::fixtures::engineer;
use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use app::use_cases::UseCaseError;
use greenlight::cloud::Cloud;
use greenlight::config::{Cutover, Strategy};
use greenlight::service::deployments;

/// TEST behind an ALB listener, switched by hand, held at most an hour.
async fn manual_test() -> Harness {
    harness(|s| {
        let test = &mut s.environments[0];
        test.strategy = Some(Strategy::AlbListener);
        test.cutover = Cutover::Manual;
        test.hold_deadline = "1h".parse().expect("duration");
    })
    .await
}

/// Runs deployment `id` until it is held (or ends).
async fn until_held(h: &Harness, id: i64) -> Phase {
    let engine = h.engine("hold");
    h.run_until(&engine, id, |p| {
        p == Phase::ReadyToSwitch || p.is_terminal()
    })
    .await
}

/// 1.0.0 switched by hand and warm, then 1.0.1 held: answers (first, second).
async fn first_released_second_held(h: &Harness) -> (i64, i64) {
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(until_held(h, first).await, Phase::ReadyToSwitch);
    deployments::switch_traffic(&h.core, &engineer(), "test", first)
        .await
        .expect("switch");
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    h.build("1.0.1").await;
    let second = h.deploy("1.0.1").await;
    assert_eq!(until_held(h, second).await, Phase::ReadyToSwitch);
    (first, second)
}

/// 1.0.0 released into TEST (automatic cutover), then 1.0.1 run until it is in `phase`:
/// answers (1.0.0's serving fleet, 1.0.1's deployment).
async fn second_release_in(h: &Harness, phase: Phase) -> (Vec<String>, i64) {
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let old = h.serving("test").await;
    h.build("1.0.1").await;
    let second = h.deploy("1.0.1").await;
    let engine = h.engine("second");
    assert_eq!(h.run_until(&engine, second, |p| p == phase).await, phase);
    (old, second)
}

#[tokio::test]
async fn a_held_fleet_shows_its_addresses_and_idle_group_and_serves_only_after_the_switch() {
    let h = manual_test().await;
    let (_, second) = first_released_second_held(&h).await;
    let old = h.serving("test").await;
    let plan = h.plan(second).await;
    let listener = plan.binding.listener.clone().expect("listener");
    let idle = plan.new_target_group.clone().expect("idle group");

    let detail = deployments::detail(&h.core, second).await.expect("detail");
    let hold = detail.hold.expect("held");
    assert_eq!(hold.test_target_group.as_deref(), Some(idle.as_str()));
    let mut held: Vec<String> = hold
        .addresses
        .iter()
        .map(|a| a.instance_id.clone())
        .collect();
    held.sort();
    let mut new = plan.new_instances.clone();
    new.sort();
    assert_eq!(held, new, "every new instance with its address");
    assert!(hold
        .addresses
        .iter()
        .all(|a| a.private_ip.starts_with("10.")));
    assert_eq!(
        hold.until.millis(),
        plan.held_at.expect("held at") + 3_600_000
    );

    // Held: time passes, nothing moves, the listener still forwards to the old group.
    let engine = h.engine("idle");
    h.clock.advance_to(h.clock_now() + 30 * 60_000);
    for _ in 0..3 {
        engine.tick().await.expect("tick");
    }
    assert_eq!(h.phase(second).await, Phase::ReadyToSwitch);
    assert_ne!(
        h.sandbox
            .listener_target(&listener)
            .await
            .expect("listener")
            .as_deref(),
        Some(idle.as_str())
    );
    assert_eq!(h.serving("test").await, old, "the old fleet serves");

    deployments::switch_traffic(&h.core, &engineer(), "test", second)
        .await
        .expect("switch");
    let again = deployments::switch_traffic(&h.core, &engineer(), "test", second).await;
    assert!(matches!(again, Err(UseCaseError::Conflict(_))), "{again:?}");
    assert_eq!(h.settle(second).await, Phase::Warm);
    assert_eq!(
        h.sandbox
            .listener_target(&listener)
            .await
            .expect("listener"),
        Some(idle)
    );
    assert_eq!(h.serving("test").await, new);
    let steps = deployments::detail(&h.core, second)
        .await
        .expect("detail")
        .steps;
    assert!(steps
        .iter()
        .any(|s| s.message == "Switch to the new fleet requested by erin"));
    assert_eq!(h.finish(second).await, Phase::Succeeded);
}

#[tokio::test]
async fn a_hold_nobody_switches_ends_at_its_deadline_with_the_new_fleet_gone_and_the_old_serving() {
    let h = manual_test().await;
    let (_, second) = first_released_second_held(&h).await;
    let old = h.serving("test").await;
    let held_at = h.plan(second).await.held_at.expect("held at");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert!(
        h.clock_now() >= held_at + 3_600_000,
        "not before the deadline"
    );
    assert_eq!(h.alive("test").await, old, "only the old fleet is left");
    assert_eq!(h.serving("test").await, old);
    let reason = h.plan(second).await.reason.expect("reason");
    assert!(
        reason.contains("nobody switched traffic within 1h"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_cancelled_hold_takes_the_new_fleet_out_and_a_second_cancel_is_refused() {
    let h = manual_test().await;
    let (_, second) = first_released_second_held(&h).await;
    let old = h.serving("test").await;
    let blank = deployments::cancel(&h.core, &engineer(), "test", second, "  ").await;
    assert!(matches!(blank, Err(UseCaseError::Invalid(_))), "{blank:?}");
    deployments::cancel(&h.core, &engineer(), "test", second, "wrong config")
        .await
        .expect("cancel");
    let again = deployments::cancel(&h.core, &engineer(), "test", second, "twice").await;
    assert!(matches!(again, Err(UseCaseError::Conflict(_))), "{again:?}");
    let switch = deployments::switch_traffic(&h.core, &engineer(), "test", second).await;
    assert!(
        matches!(switch, Err(UseCaseError::Conflict(_))),
        "{switch:?}"
    );
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert_eq!(h.alive("test").await, old);
    assert_eq!(h.serving("test").await, old);
    assert_eq!(
        h.plan(second).await.reason.as_deref(),
        Some("cancelled by erin: wrong config")
    );
    let row = h.row(second).await;
    assert_eq!(row.cancel.expect("cancel").by, "erin");
}

#[tokio::test]
async fn a_cancel_after_the_switch_rolls_back_and_a_warm_release_cannot_be_cancelled() {
    let h = harness(|_| {}).await;
    let (old, second) = second_release_in(&h, Phase::Verifying).await;
    deployments::cancel(&h.core, &engineer(), "test", second, "wrong build")
        .await
        .expect("cancel");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert_eq!(
        h.serving("test").await,
        old,
        "traffic back on the old fleet"
    );
    assert_eq!(h.alive("test").await, old);

    h.build("1.0.2").await;
    let third = h.deploy("1.0.2").await;
    assert_eq!(h.settle(third).await, Phase::Warm);
    let warm = deployments::cancel(&h.core, &engineer(), "test", third, "late").await;
    match warm {
        Err(UseCaseError::Conflict(message)) => assert!(message.contains("roll back instead")),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.finish(third).await, Phase::Succeeded);
}

#[tokio::test]
async fn a_cancel_while_launching_also_terminates_tagged_instances_the_plan_never_recorded() {
    let h = harness(|_| {}).await;
    let (old, second) = second_release_in(&h, Phase::Launching).await;
    // As a launch cut short would leave it: running, tagged for the deployment, unrecorded.
    let plan = h.plan(second).await;
    let spec = greenlight::cloud::LaunchSpec {
        image_id: plan.image_id.clone().expect("image"),
        instance_type: plan.template.instance_type.clone(),
        count: 1,
        subnet_ids: plan.template.subnet_ids.clone(),
        security_group_ids: Vec::new(),
        key_name: None,
        instance_profile: None,
        user_data: None,
        tags: greenlight::cloud::Tags::from([
            (
                greenlight::cloud::tag::ENVIRONMENT.to_owned(),
                "test".to_owned(),
            ),
            (
                greenlight::cloud::tag::DEPLOYMENT.to_owned(),
                second.to_string(),
            ),
        ]),
        client_token: format!("cut-short-{second}"),
    };
    let stray = h.cloud.launch(&spec).await.expect("launch");
    assert_eq!(h.alive("test").await.len(), old.len() + 1);
    deployments::cancel(&h.core, &engineer(), "test", second, "not now")
        .await
        .expect("cancel");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    let steps = deployments::detail(&h.core, second)
        .await
        .expect("detail")
        .steps;
    assert_eq!(
        h.alive("test").await,
        old,
        "{stray:?} terminated too; {steps:?}"
    );
}

#[tokio::test]
async fn a_cancel_during_the_switch_puts_traffic_back_on_the_old_fleet() {
    let h = harness(|_| {}).await;
    let (old, second) = second_release_in(&h, Phase::CuttingOver).await;
    deployments::cancel(&h.core, &engineer(), "test", second, "abort")
        .await
        .expect("cancel");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert_eq!(h.serving("test").await, old);
    assert_eq!(h.alive("test").await, old);
    let steps = deployments::detail(&h.core, second)
        .await
        .expect("detail")
        .steps;
    assert!(steps.iter().any(|s| s.message
        == "Cancelled by erin during the switch: abort; traffic goes back to the old fleet"));
}

#[tokio::test]
async fn a_scale_in_a_manual_cutover_environment_is_not_held_and_keeps_the_serving_fleet() {
    let h = manual_test().await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(until_held(&h, first).await, Phase::ReadyToSwitch);
    deployments::switch_traffic(&h.core, &engineer(), "test", first)
        .await
        .expect("switch");
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let serving = h.serving("test").await;
    let scale = deployments::scale(
        &h.core,
        &engineer(),
        "test",
        &crate::support::fixtures::env("test"),
        2,
    )
    .await
    .expect("scale")
    .record
    .id;
    assert_eq!(h.finish(scale).await, Phase::Succeeded, "never held");
    let now = h.serving("test").await;
    assert_eq!(now.len(), 2);
    assert!(
        serving.iter().all(|id| now.contains(id)),
        "{serving:?} still serve: {now:?}"
    );
    assert_eq!(h.alive("test").await, now);
}
