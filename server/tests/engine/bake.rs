//! Baking never silently reboots a box that serves users: PROD's image is baked from a STAGING
//! instance taken out of traffic first (drained, imaged with a reboot, registered again and
//! healthy before PROD launches), or imaged without a reboot where `bake_no_reboot` asks for
//! it or the instance serves STAGING alone; a crash anywhere in between drains it once and
//! brings it back, and so does a bake that fails.

use crate::crashing_cloud::CrashingCloud;
use crate::faults::{assert_each_step_once, until_crash_or};
use crate::support::fixtures::{engineer, env};
use crate::support::harness::{harness, Harness};
use app::domain::bake::BakeMethod;
use app::domain::plan::Bake;
use app::domain::rollout::Phase;
use app::domain::Strategy;
use greenlight::cloud::sandbox::{Faults, Timings};
use greenlight::service::deployments;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// PROD (elastic-ip) bakes from STAGING (alb-listener, two instances), `configure`d further.
async fn baking(configure: impl FnOnce(&mut greenlight::config::Settings)) -> Harness {
    harness(|s| {
        s.environments[2].bake_image = true;
        configure(s);
    })
    .await
}

/// 1.0.0 through TEST into STAGING; returns the accepted promotion into PROD.
async fn prod_promotion_accepted(h: &Harness) -> i64 {
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h.promote("prod").await
}

async fn bake_of(h: &Harness, id: i64) -> Bake {
    h.plan(id).await.bake.expect("a bake")
}

/// Fails unless deployment `id`'s timeline says each of `words`.
async fn timeline_says(h: &Harness, id: i64, words: &[&str]) {
    let detail = deployments::detail(&h.core, id).await.unwrap();
    let lines: Vec<String> = detail.steps.into_iter().map(|s| s.message).collect();
    let text = lines.join("\n");
    for said in words {
        assert!(text.contains(said), "{said:?} in:\n{text}");
    }
}

/// Fails unless the promotion preview says the image will be baked `how`.
async fn preview_says(h: &Harness, how: &str) {
    let preview = deployments::promotion_preview(&h.core, &engineer(), &env("prod"))
        .await
        .expect("preview");
    assert!(preview.image.ends_with(how), "{}", preview.image);
}

/// Calls per operation since `before`.
fn calls_since(h: &Harness, before: &BTreeMap<&'static str, u64>) -> BTreeMap<&'static str, u64> {
    let mut delta = h.sandbox.call_counts();
    for (op, n) in delta.iter_mut() {
        *n -= before.get(op).copied().unwrap_or(0);
    }
    delta.retain(|_, n| *n > 0);
    delta
}

/// Fails unless the source instance serves again, healthy, in its group.
async fn back_in_service(h: &Harness, bake: &Bake) {
    let group = bake.from_target_group.as_deref().expect("a target group");
    assert!(
        h.healthy_in(group).await.contains(&bake.from_instance),
        "{} is healthy in {group} again",
        bake.from_instance
    );
    assert_eq!(h.healthy_in(group).await.len(), 2, "STAGING has both again");
}

#[tokio::test]
async fn a_bake_drains_the_serving_instance_before_imaging_it_and_registers_it_again_after() {
    let h = baking(|_| {}).await;
    let id = prod_promotion_accepted(&h).await;
    // Slow enough to watch the engine wait for the drain and the image (real time).
    h.sandbox.set_timings(Timings {
        draining: Duration::from_millis(300),
        bake: Duration::from_millis(300),
        ..Timings::instant()
    });
    let engine = h.engine("w");
    h.run_until(&engine, id, |p| p == Phase::Baking).await;
    let bake = bake_of(&h, id).await;
    assert_eq!(bake.method, Some(BakeMethod::OutOfTraffic));
    let group = bake.from_target_group.clone().expect("STAGING's group");
    engine.tick().await.unwrap();
    let detail = deployments::detail(&h.core, id).await.unwrap();
    assert!(detail.progress.contains("Draining"), "{}", detail.progress);
    assert!(!h.healthy_in(&group).await.contains(&bake.from_instance));
    assert!(
        h.sandbox.images_made().is_empty(),
        "no image while it drains"
    );

    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let images = h.sandbox.images_made();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].instance_id, bake.from_instance);
    assert!(!images[0].no_reboot, "imaged with a reboot");
    assert_eq!(
        images[0].serving_through,
        Vec::<String>::new(),
        "out of traffic when imaged"
    );
    back_in_service(&h, &bake).await;
    let took = format!("took {} out of traffic", bake.from_instance);
    let words = ["taking it out of traffic", &took, "(drained, rebooted)"];
    timeline_says(&h, id, &words).await;
    preview_says(&h, "in STAGING, taken out of traffic while imaged").await;
}

#[tokio::test]
async fn with_bake_no_reboot_the_image_is_made_without_reboot_and_traffic_is_untouched() {
    let h = baking(|s| s.environments[2].bake_no_reboot = true).await;
    let id = prod_promotion_accepted(&h).await;
    let before = h.sandbox.call_counts();
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let bake = bake_of(&h, id).await;
    assert_eq!(bake.method, Some(BakeMethod::NoRebootConfigured));
    let images = h.sandbox.images_made();
    assert!(images[0].no_reboot);
    assert_eq!(
        images[0].serving_through,
        [bake.from_target_group.clone().unwrap()],
        "it kept serving"
    );
    let calls = calls_since(&h, &before);
    assert_eq!(calls.get("DeregisterTargets"), None, "{calls:?}");
    assert_eq!(calls.get("RegisterTargets"), None, "{calls:?}");
    let words = ["without reboot (bake_no_reboot): file-system consistency not guaranteed"];
    timeline_says(&h, id, &words).await;
    preview_says(&h, "in STAGING without reboot (bake_no_reboot)").await;
}

#[tokio::test]
async fn a_source_serving_alone_behind_an_elastic_ip_is_imaged_without_reboot_and_says_why() {
    let h = baking(|s| {
        s.environments[1].strategy = Some(Strategy::ElasticIp);
        s.environments[1].desired_capacity = 1;
    })
    .await;
    let id = prod_promotion_accepted(&h).await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let bake = bake_of(&h, id).await;
    assert_eq!(bake.method, Some(BakeMethod::NoRebootServesAlone));
    let images = h.sandbox.images_made();
    assert!(images[0].no_reboot);
    assert_eq!(images[0].serving_through.len(), 1, "it held the address");
    assert!(!images[0].rebooted_in_service());
    let words = ["it serves staging alone, and a reboot would take staging down"];
    timeline_says(&h, id, &words).await;
    preview_says(&h, "in STAGING without reboot (it serves STAGING alone)").await;
}

#[tokio::test]
async fn killed_at_every_cloud_call_of_a_bake_the_instance_is_drained_once_and_comes_back() {
    let mut crashes = 0;
    for calls in 0.. {
        let h = baking(|_| {}).await;
        let id = prod_promotion_accepted(&h).await;
        let before = h.sandbox.call_counts();
        let cloud = Arc::new(CrashingCloud::new(h.cloud.clone(), calls));
        let doomed = h.engine_on(cloud.clone(), "doomed");
        let baked = |p: Phase| p.is_terminal() || p == Phase::Launching;
        let crashed = until_crash_or(&h, &doomed, &cloud, id, baked).await;
        h.clock.advance(doomed.lease_ms + 1);
        let context = format!("crash after {calls} calls");
        assert_eq!(h.finish(id).await, Phase::Succeeded, "{context}");
        assert_each_step_once(&h, id, &context).await;
        let calls_made = calls_since(&h, &before);
        for op in ["DeregisterTargets", "RegisterTargets", "CreateImage"] {
            assert_eq!(
                calls_made.get(op),
                Some(&1),
                "{context}: {op} {calls_made:?}"
            );
        }
        let images = h.sandbox.images_made();
        assert!(!images[0].rebooted_in_service(), "{context}: {images:?}");
        back_in_service(&h, &bake_of(&h, id).await).await;
        if !crashed {
            break;
        }
        crashes += 1;
    }
    assert!(crashes >= 8, "only {crashes} crash points in a bake");
}

#[tokio::test]
async fn a_failed_bake_registers_the_instance_again_before_it_fails() {
    let h = baking(|_| {}).await;
    let id = prod_promotion_accepted(&h).await;
    h.sandbox.set_faults(Faults {
        failing_images: true,
        ..Faults::default()
    });
    assert_eq!(h.finish(id).await, Phase::Failed);
    let bake = bake_of(&h, id).await;
    let reason = deployments::detail(&h.core, id)
        .await
        .unwrap()
        .reason
        .unwrap_or_default();
    assert!(reason.contains("failed to bake"), "{reason}");
    assert!(reason.contains("is in service in"), "{reason}");
    assert!(!h.sandbox.images_made()[0].rebooted_in_service());
    back_in_service(&h, &bake).await;
    assert!(h.alive("prod").await.is_empty(), "nothing launched");
}

#[tokio::test]
async fn a_plan_stored_mid_bake_before_methods_existed_waits_for_its_image_as_it_did() {
    let h = baking(|_| {}).await;
    let id = prod_promotion_accepted(&h).await;
    let engine = h.engine("w");
    h.run_until(&engine, id, |p| p == Phase::Baking).await;
    // As an earlier release left it: the image already asked for, no method, no stage.
    let mut stored = h.plan(id).await;
    let bake = stored.bake.as_mut().unwrap();
    bake.method = None;
    let tags = greenlight::cloud::Tags::new();
    h.cloud
        .create_image(&bake.from_instance, &bake.image_name, &tags, false)
        .await
        .unwrap();
    h.store_plan(id, &stored).await;
    let before = h.sandbox.call_counts();
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let calls = calls_since(&h, &before);
    assert_eq!(calls.get("CreateImage"), None, "{calls:?}");
    assert_eq!(calls.get("DeregisterTargets"), None, "{calls:?}");
}

#[tokio::test]
async fn staging_cannot_change_while_prod_bakes_from_it_and_can_once_the_image_is_made() {
    let h = baking(|_| {}).await;
    let id = prod_promotion_accepted(&h).await;
    assert_eq!(h.phase(id).await, Phase::Pending);
    let refused = deployments::scale(&h.core, &engineer(), "t", &env("staging"), 3).await;
    match refused {
        Err(app::use_cases::UseCaseError::Conflict(reason)) => {
            assert!(
                reason.contains("baking its image from an instance of staging"),
                "{reason}"
            )
        }
        other => panic!("a resize of the bake's source must wait: {other:?}"),
    }
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let resize = deployments::scale(&h.core, &engineer(), "t", &env("staging"), 3)
        .await
        .expect("accepted once PROD has its image");
    assert_eq!(h.finish(resize.record.id).await, Phase::Succeeded);
}
