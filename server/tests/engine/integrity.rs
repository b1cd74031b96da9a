//! What was approved is what ships: a promotion waits until its source has settled on the
//! release QA signed off, relies on that release's own sign-off (and says whose), and the
//! bake step images only an instance of the promoted build, checked when it bakes.

use crate::support::fixtures::{engineer, env, person, signoff, version};
use crate::support::harness::{harness, Harness};
use app::domain::gates::GateKind;
use app::domain::rollout::Phase;
use app::domain::Role;
use app::use_cases::UseCaseError;
use greenlight::cloud::{tag, Tags};
use greenlight::db;
use greenlight::service::{deployments, signoffs};

/// PROD needs an approved sign-off on STAGING and bakes its image from STAGING.
async fn gated_prod() -> Harness {
    harness(|s| {
        s.environments[2].requires_signoff = true;
        s.environments[2].bake_image = true;
    })
    .await
}

/// QA approves what STAGING runs now; returns the sign-off's id.
async fn approve_staging(h: &Harness, build: &str) -> i64 {
    let qa = person("quinn", Role::Qa);
    signoffs::record(
        &h.core,
        &qa,
        "t",
        &version(build),
        &signoff("staging", "approved", "suite green"),
    )
    .await
    .expect("sign-off")
    .id
}

fn refused_by(result: Result<impl std::fmt::Debug, UseCaseError>) -> Vec<GateKind> {
    match result {
        Err(UseCaseError::GatesFailed(gates)) => gates.into_iter().map(|g| g.gate).collect(),
        other => panic!("the promotion should be refused by gates: {other:?}"),
    }
}

#[tokio::test]
async fn a_promotion_waits_for_its_source_to_settle_and_needs_the_sign_off_of_what_it_settled_on() {
    let h = gated_prod().await;
    for build in ["1.0.0", "1.1.0"] {
        h.build(build).await;
    }
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    approve_staging(&h, "1.0.0").await;

    // 1.1.0 is verifying in STAGING while 1.0.0 is the release QA approved there.
    let id = h.deploy("1.1.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let verifying = h.promote("staging").await;
    let engine = h.engine("w");
    h.run_until(&engine, verifying, |p| p == Phase::Verifying)
        .await;
    let before = h.count_deployments("prod").await;
    let (erin, prod) = (engineer(), env("prod"));
    let promote = || deployments::promote(&h.core, &erin, "t", &prod);
    assert_eq!(refused_by(promote().await), [GateKind::SourceSettled]);
    assert_eq!(h.count_deployments("prod").await, before, "nothing written");

    // STAGING settles on 1.1.0: promoting it needs 1.1.0's own sign-off.
    assert_eq!(h.settle(verifying).await, Phase::Warm);
    assert_eq!(refused_by(promote().await), [GateKind::Signoff]);
    let approval = approve_staging(&h, "1.1.0").await;
    let accepted = promote().await.expect("promotion accepted");
    assert_eq!(accepted.record.build_version, "1.1.0");
    assert_eq!(accepted.record.signoff_id, Some(approval));
    assert_eq!(accepted.record.approved_by.as_deref(), Some("quinn"));
    assert_eq!(h.finish(accepted.record.id).await, Phase::Succeeded);
    let history = db::deployments::by_id(&h.pool, accepted.record.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(history.approved_by.as_deref(), Some("quinn"));
    h.finish(verifying).await;
}

#[tokio::test]
async fn the_bake_step_refuses_an_instance_that_does_not_run_the_promoted_build() {
    let h = gated_prod().await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    approve_staging(&h, "1.0.0").await;
    let id = deployments::promote(&h.core, &engineer(), "t", &env("prod"))
        .await
        .expect("accepted")
        .record
        .id;
    // Between acceptance and baking, the instance to image turns out to run another build.
    let foreign = Tags::from([
        (tag::ENVIRONMENT.to_owned(), "staging".to_owned()),
        (tag::BUILD.to_owned(), "9.9.9".to_owned()),
    ]);
    h.sandbox.adopt(
        &foreign,
        "ami-0abcdef1",
        &["i-0000000000000f0f0".into()],
        None,
    );
    let mut plan = h.plan(id).await;
    plan.bake.as_mut().expect("a bake").from_instance = "i-0000000000000f0f0".into();
    h.store_plan(id, &plan).await;

    assert_eq!(h.finish(id).await, Phase::Failed);
    let detail = deployments::detail(&h.core, id).await.unwrap();
    let reason = detail.reason.unwrap_or_default();
    assert!(reason.contains("refusing to bake"), "{reason}");
    assert_eq!(
        h.sandbox.call_counts().get("CreateImage"),
        None,
        "no image made"
    );
}
