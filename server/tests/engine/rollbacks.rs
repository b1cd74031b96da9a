//! Rollback lands on the last known good: after the warm window it deploys the release below
//! the running one, walking down the line on a second rollback instead of going back up to
//! the release just left; `to` names any earlier release of the environment.

use crate::support::fixtures::{engineer, env, version};
use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use app::use_cases::UseCaseError;
use greenlight::service::deployments;

/// TEST ran 1.0.0, 1.1.0 and runs 1.2.0, each finished (warm windows over).
async fn three_releases() -> Harness {
    let h = harness(|_| {}).await;
    for build in ["1.0.0", "1.1.0", "1.2.0"] {
        h.build(build).await;
        let id = h.deploy(build).await;
        assert_eq!(h.finish(id).await, Phase::Succeeded);
    }
    h
}

async fn roll_back(h: &Harness, to: Option<&str>) -> Result<(i64, String), UseCaseError> {
    let to = to.map(version);
    let detail =
        deployments::rollback(&h.core, &engineer(), "t", &env("test"), to.as_ref()).await?;
    Ok((detail.record.id, detail.record.build_version))
}

#[tokio::test]
async fn two_rollbacks_in_a_row_walk_down_to_older_releases_never_back_to_the_one_left() {
    let h = three_releases().await;
    let (id, build) = roll_back(&h, None).await.expect("first rollback");
    assert_eq!(build, "1.1.0");
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let (id, build) = roll_back(&h, None).await.expect("second rollback");
    assert_eq!(build, "1.0.0", "not 1.2.0, the release just left");
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    match roll_back(&h, None).await {
        Err(UseCaseError::Conflict(message)) => {
            assert!(message.contains("no earlier release"), "{message}")
        }
        other => panic!("nothing is older than 1.0.0: {other:?}"),
    }
}

#[tokio::test]
async fn a_rollback_to_a_named_release_lands_there_and_refuses_what_never_ran_or_runs_now() {
    let h = three_releases().await;
    for (to, reason) in [
        ("1.2.0", "test already runs 1.2.0"),
        ("9.9.9", "9.9.9 never ran in test"),
    ] {
        match roll_back(&h, Some(to)).await {
            Err(UseCaseError::Invalid(fields)) => {
                assert_eq!(fields.0.get("to").map(String::as_str), Some(reason))
            }
            other => panic!("{to} should be refused: {other:?}"),
        }
    }
    let (id, build) = roll_back(&h, Some("1.0.0"))
        .await
        .expect("rollback to 1.0.0");
    assert_eq!(build, "1.0.0");
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let page = greenlight::service::environments::page(&h.core, &engineer(), &env("test"))
        .await
        .unwrap();
    assert_eq!(page.current.unwrap().build_version, "1.0.0");
    assert_eq!(page.rollback_to, None, "1.0.0 is the oldest release");
    assert_eq!(page.earlier_releases, ["1.2.0", "1.1.0"]);
}
