//! The engine on the sandbox, per strategy: happy paths, a fleet that never gets healthy, an
//! alarm during verification, rollback inside and after the warm window, scaling.

use crate::support::fixtures::engineer;
use crate::support::fixtures::env;
use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use greenlight::cloud::sandbox::Faults;
use greenlight::cloud::{AlarmState, Cloud};
use greenlight::db;
use greenlight::service::deployments;

const HOUR: i64 = 3_600_000;

/// Brings TEST, and then each environment up to `environment`, to run 1.0.0, then does the
/// same with 1.1.0 for `environment` only up to its warm window. Returns (first, second).
async fn two_releases(h: &Harness, environment: &str) -> (i64, i64) {
    h.build("1.0.0").await;
    h.build("1.1.0").await;
    let order = ["test", "staging", "prod"];
    let upto = order.iter().position(|e| *e == environment).expect("known") + 1;
    let mut first = 0;
    for version in ["1.0.0", "1.1.0"] {
        for (n, env) in order[..upto].iter().enumerate() {
            let id = if n == 0 {
                h.deploy(version).await
            } else {
                h.promote(env).await
            };
            let last = n + 1 == upto;
            if version == "1.0.0" || !last {
                assert_eq!(h.finish(id).await, Phase::Succeeded, "{version} into {env}");
                if last {
                    first = id;
                }
            } else {
                assert_eq!(h.settle(id).await, Phase::Warm, "{version} into {env}");
                return (first, id);
            }
        }
    }
    unreachable!()
}

#[tokio::test]
async fn target_group_registers_new_then_drains_old_and_retires_it_after_the_warm_window() {
    let h = harness(|_| {}).await;
    let (_, second) = two_releases(&h, "test").await;
    let group = "sandbox:test:tg/app";
    let serving = h.serving("test").await;
    assert_eq!(serving.len(), 1);
    assert_eq!(
        h.healthy_in(group).await,
        serving,
        "only the new fleet serves"
    );
    assert_eq!(h.alive("test").await.len(), 2, "old fleet kept warm");
    let detail = deployments::detail(&h.core, second).await.expect("detail");
    assert!(detail.warm_until.is_some());
    assert_eq!(detail.old_fleet.len(), 1);

    h.clock.advance(HOUR);
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    assert_eq!(h.alive("test").await, serving, "old fleet terminated");
    let detail = deployments::detail(&h.core, second).await.expect("detail");
    let phases: Vec<Phase> = detail.steps.iter().map(|s| s.phase).collect();
    assert_eq!(
        phases,
        [
            Phase::Pending,
            Phase::Launching,
            Phase::AwaitingHealth,
            Phase::CuttingOver,
            Phase::Verifying,
            Phase::Warm,
            Phase::Retiring,
            Phase::Succeeded
        ]
    );
}

#[tokio::test]
async fn alb_listener_switches_in_one_call_and_keeps_the_old_group_warm() {
    let h = harness(|_| {}).await;
    let (first, second) = two_releases(&h, "staging").await;
    let old = db::fleets::get(&h.pool, "staging").await.unwrap().unwrap();
    assert_eq!(old.deployment_id, second);
    let new_group = old.target_group.clone().expect("group");
    let listener = "sandbox:staging:listener";
    assert_eq!(
        h.sandbox.listener_target(listener).await.unwrap(),
        Some(new_group.clone())
    );
    assert_eq!(h.healthy_in(&new_group).await, h.serving("staging").await);
    let first_run = deployments::detail(&h.core, first).await.unwrap();
    let old_group = ["sandbox:staging:tg/blue", "sandbox:staging:tg/green"]
        .into_iter()
        .find(|g| *g != new_group)
        .unwrap();
    let mut warm = first_run.new_fleet.clone();
    warm.sort();
    assert_eq!(
        h.healthy_in(old_group).await,
        warm,
        "old fleet warm in the other group"
    );
    assert_eq!(
        h.sandbox.call_counts()["ModifyListener"],
        2,
        "one switch per release"
    );

    h.clock.advance(HOUR);
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    assert!(h.healthy_in(old_group).await.is_empty());
    assert_eq!(h.alive("staging").await, h.serving("staging").await);
}

#[tokio::test]
async fn elastic_ip_moves_to_the_new_box_and_back_on_rollback() {
    let h = harness(|_| {}).await;
    let (first, second) = two_releases(&h, "prod").await;
    let allocation = "eipalloc-sandbox-prod";
    let serving = h.serving("prod").await;
    assert_eq!(serving.len(), 1);
    assert_eq!(
        h.sandbox
            .address_instance(allocation)
            .await
            .unwrap()
            .as_ref(),
        serving.first()
    );

    deployments::rollback(&h.core, &engineer(), "test", &env("prod"), None)
        .await
        .expect("rollback");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    let old = deployments::detail(&h.core, first).await.unwrap().new_fleet;
    assert_eq!(
        h.sandbox
            .address_instance(allocation)
            .await
            .unwrap()
            .as_ref(),
        old.first()
    );
    assert_eq!(h.alive("prod").await, old, "new box terminated");
}

#[tokio::test]
async fn a_fleet_that_never_gets_healthy_is_rolled_back_and_the_old_one_is_untouched() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    h.build("1.1.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let before = h.serving("test").await;
    h.sandbox.set_faults(Faults {
        never_healthy: true,
        ..Faults::default()
    });
    let second = h.deploy("1.1.0").await;
    assert_eq!(h.settle(second).await, Phase::RolledBack);
    assert_eq!(h.serving("test").await, before);
    assert_eq!(h.healthy_in("sandbox:test:tg/app").await, before);
    assert_eq!(h.alive("test").await, before, "new instance terminated");
    let detail = deployments::detail(&h.core, second).await.unwrap();
    assert!(
        detail.record.notes.contains("not healthy within 5m"),
        "{}",
        detail.record.notes
    );
    assert_eq!(detail.record.outcome, app::domain::Outcome::RolledBack);
}

/// TEST runs 1.0.0 (1.1.0 registered) with alarm `test-5xx` configured and quiet; answers
/// the fleet serving.
async fn running_with_an_alarm(watch_while_warm: bool) -> (Harness, Vec<String>) {
    let h = harness(|s| {
        s.environments[0].alarms = vec!["test-5xx".into()];
        s.environments[0].watch_while_warm = watch_while_warm;
    })
    .await;
    h.sandbox.set_alarm("test-5xx", AlarmState::Ok);
    h.build("1.0.0").await;
    h.build("1.1.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let before = h.serving("test").await;
    (h, before)
}

#[tokio::test]
async fn an_alarm_during_verification_rolls_back_automatically() {
    let (h, before) = running_with_an_alarm(false).await;
    let second = h.deploy("1.1.0").await;
    let engine = h.engine("w");
    h.run_until(&engine, second, |p| p == Phase::Verifying)
        .await;
    assert_ne!(
        h.serving("test").await,
        before,
        "traffic is on the new fleet"
    );
    h.sandbox.set_alarm("test-5xx", AlarmState::Alarm);
    assert_eq!(h.settle(second).await, Phase::RolledBack);
    assert_eq!(h.serving("test").await, before);
    assert_eq!(h.healthy_in("sandbox:test:tg/app").await, before);
    assert_eq!(h.alive("test").await, before);
    let detail = deployments::detail(&h.core, second).await.unwrap();
    assert!(detail.reason.unwrap().contains("test-5xx"));
}

#[tokio::test]
async fn rollback_inside_the_warm_window_is_a_switch_back() {
    let h = harness(|_| {}).await;
    let (first, second) = two_releases(&h, "staging").await;
    let old = db::fleets::get(&h.pool, "staging").await.unwrap().unwrap();
    let launches = h.sandbox.call_counts()["RunInstances"];
    let detail = deployments::rollback(&h.core, &engineer(), "test", &env("staging"), None)
        .await
        .unwrap();
    assert_eq!(
        detail.record.id, second,
        "the warm deployment itself rolls back"
    );
    assert_eq!(detail.rollback_requested_by.as_deref(), Some("erin"));
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    let restored = db::fleets::get(&h.pool, "staging").await.unwrap().unwrap();
    assert_eq!(restored.deployment_id, first);
    let listener = "sandbox:staging:listener";
    assert_eq!(
        h.sandbox.listener_target(listener).await.unwrap(),
        restored.target_group
    );
    assert_eq!(h.alive("staging").await, h.serving("staging").await);
    assert_ne!(restored.instance_ids, old.instance_ids);
    assert_eq!(
        h.sandbox.call_counts()["RunInstances"],
        launches,
        "nothing launched"
    );
    let current = db::deployments::current(&h.pool, "staging")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.build_version, "1.0.0");
}

#[tokio::test]
async fn rollback_after_the_warm_window_deploys_the_previous_release_again() {
    let h = harness(|_| {}).await;
    let (_, second) = two_releases(&h, "test").await;
    h.clock.advance(HOUR);
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    let detail = deployments::rollback(&h.core, &engineer(), "test", &env("test"), None)
        .await
        .unwrap();
    assert_ne!(detail.record.id, second);
    assert_eq!(detail.record.kind, app::domain::DeploymentKind::Rollback);
    assert_eq!(detail.record.build_version, "1.0.0");
    assert_eq!(h.settle(detail.record.id).await, Phase::Warm);
    let current = db::deployments::current(&h.pool, "test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.build_version, "1.0.0");
}

#[tokio::test]
async fn scaling_adds_healthy_instances_and_drains_then_terminates_removed_ones() {
    let h = harness(|_| {}).await;
    let (_, second) = two_releases(&h, "staging").await;
    h.clock.advance(HOUR);
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    let group = db::fleets::get(&h.pool, "staging")
        .await
        .unwrap()
        .unwrap()
        .target_group
        .unwrap();

    let up = deployments::scale(&h.core, &engineer(), "test", &env("staging"), 4)
        .await
        .unwrap();
    assert_eq!(h.finish(up.record.id).await, Phase::Succeeded);
    assert_eq!(h.serving("staging").await.len(), 4);
    assert_eq!(h.healthy_in(&group).await, h.serving("staging").await);

    let down = deployments::scale(&h.core, &engineer(), "test", &env("staging"), 1)
        .await
        .unwrap();
    assert_eq!(h.finish(down.record.id).await, Phase::Succeeded);
    assert_eq!(h.serving("staging").await.len(), 1);
    assert_eq!(h.healthy_in(&group).await, h.serving("staging").await);
    assert_eq!(
        h.alive("staging").await,
        h.serving("staging").await,
        "removed ones terminated"
    );
    let current = db::deployments::current(&h.pool, "staging")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current.build_version, "1.1.0", "scaling keeps the release");

    let same = deployments::scale(&h.core, &engineer(), "test", &env("staging"), 1).await;
    assert!(
        matches!(same, Err(app::use_cases::UseCaseError::Invalid(ref f)) if f.0.contains_key("desired"))
    );
}

#[tokio::test]
async fn scaling_or_a_newer_release_ends_the_warm_window_and_retires_the_old_fleet() {
    let h = harness(|_| {}).await;
    let (first, second) = two_releases(&h, "staging").await;
    let old = deployments::detail(&h.core, first).await.unwrap().new_fleet;
    let up = deployments::scale(&h.core, &engineer(), "test", &env("staging"), 3)
        .await
        .unwrap();
    assert_eq!(
        h.finish(second).await,
        Phase::Succeeded,
        "warm window ended at once"
    );
    assert_eq!(h.finish(up.record.id).await, Phase::Succeeded);
    let alive = h.alive("staging").await;
    assert!(
        old.iter().all(|id| !alive.contains(id)),
        "old fleet terminated"
    );
    assert_eq!(alive, h.serving("staging").await);
    assert_eq!(alive.len(), 3);
}

#[tokio::test]
async fn instances_not_yet_listed_after_a_launch_are_waited_for_not_relaunched() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    h.sandbox.set_faults(Faults {
        invisible_for_lookups: 2,
        ..Faults::default()
    });
    let id = h.deploy("1.0.0").await;
    let engine = h.engine("w");
    h.run_until(&engine, id, |p| p == Phase::AwaitingHealth)
        .await;
    engine.tick().await.unwrap();
    let detail = deployments::detail(&h.core, id).await.unwrap();
    assert!(
        detail.progress.contains("not yet visible"),
        "{}",
        detail.progress
    );
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    assert_eq!(
        h.sandbox.call_counts()["RunInstances"],
        1,
        "no second launch"
    );
    assert_eq!(h.serving("test").await.len(), 1);
}

/// TEST runs 1.0.0, and 1.1.0 rests warm with alarm `test-5xx` configured and quiet.
async fn warm_with_an_alarm(watch_while_warm: bool) -> (Harness, i64, Vec<String>) {
    let (h, before) = running_with_an_alarm(watch_while_warm).await;
    let second = h.deploy("1.1.0").await;
    assert_eq!(h.settle(second).await, Phase::Warm);
    (h, second, before)
}

#[tokio::test]
async fn an_alarm_while_the_old_fleet_is_warm_rolls_back_automatically() {
    let (h, second, before) = warm_with_an_alarm(true).await;
    h.clock.advance(10 * 60_000);
    h.sandbox.set_alarm("test-5xx", AlarmState::Alarm);
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert_eq!(
        h.serving("test").await,
        before,
        "the old fleet serves again"
    );
    assert_eq!(h.alive("test").await, before, "the new fleet is gone");
    let detail = deployments::detail(&h.core, second).await.unwrap();
    let reason = detail.reason.unwrap();
    assert!(
        reason.contains("alarm fired while the old fleet was warm: test-5xx"),
        "{reason}"
    );
}

#[tokio::test]
async fn with_watch_while_warm_off_an_alarm_while_warm_changes_nothing() {
    let (h, second, before) = warm_with_an_alarm(false).await;
    h.sandbox.set_alarm("test-5xx", AlarmState::Alarm);
    assert_eq!(h.finish(second).await, Phase::Succeeded);
    assert_ne!(h.serving("test").await, before);
}
