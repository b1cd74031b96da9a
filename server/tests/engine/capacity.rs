//! Capacity survives a release: after scaling an environment, its next deployment launches
//! the scaled count, and the promotion confirmation says so.

use crate::support::fixtures::{engineer, env};
use crate::support::harness::harness;
use app::domain::rollout::Phase;
use greenlight::service::deployments;

#[tokio::test]
async fn a_scaled_environment_keeps_its_count_through_the_next_release_and_its_confirmation_says_so(
) {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    assert_eq!(h.serving("test").await.len(), 1, "the config's one");

    let up = deployments::scale(&h.core, &engineer(), "test", &env("test"), 3)
        .await
        .expect("scale");
    assert_eq!(h.finish(up.record.id).await, Phase::Succeeded);
    assert_eq!(h.serving("test").await.len(), 3);

    h.build("1.0.1").await;
    let next = h.deploy("1.0.1").await;
    assert_eq!(h.plan(next).await.desired, 3, "launches the scaled count");
    assert_eq!(h.finish(next).await, Phase::Succeeded);
    assert_eq!(
        h.serving("test").await.len(),
        3,
        "three serve the new release"
    );

    // STAGING was never scaled: its confirmation says the config's two; scaled, it says three.
    let preview = deployments::promotion_preview(&h.core, &engineer(), &env("staging"))
        .await
        .expect("preview");
    assert_eq!(preview.instances, 2);
    let promoted = deployments::promote(&h.core, &engineer(), "test", &env("staging"))
        .await
        .expect("promote");
    assert_eq!(h.finish(promoted.record.id).await, Phase::Succeeded);
    let up = deployments::scale(&h.core, &engineer(), "test", &env("staging"), 4)
        .await
        .expect("scale");
    assert_eq!(h.finish(up.record.id).await, Phase::Succeeded);
    h.build("1.0.2").await;
    let third = h.deploy("1.0.2").await;
    assert_eq!(h.finish(third).await, Phase::Succeeded);
    let preview = deployments::promotion_preview(&h.core, &engineer(), &env("staging"))
        .await
        .expect("preview");
    assert_eq!(preview.instances, 4, "the confirmation says how many");
    let promoted = deployments::promote(&h.core, &engineer(), "test", &env("staging"))
        .await
        .expect("promote");
    assert_eq!(h.plan(promoted.record.id).await.desired, 4);
    assert_eq!(h.finish(promoted.record.id).await, Phase::Succeeded);
    assert_eq!(h.serving("staging").await.len(), 4);
}
