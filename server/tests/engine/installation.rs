//! Greenlight adopts and terminates only what this installation launched: an instance tagged
//! exactly like one of its own but by another installation (a second Greenlight in the
//! account, or this database restored beside a live one) is neither adopted nor terminated.

use crate::support::harness::harness;
use app::domain::rollout::Phase;
use greenlight::cloud::{tag, Cloud, CloudError, InstanceState, Tags};

#[tokio::test]
async fn a_foreign_instance_with_our_tags_is_neither_adopted_nor_terminated() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    // Tagged as this installation's first deployment of 1.0.0 would tag its instance.
    let foreign = "i-00000000000000f00".to_owned();
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), "test".to_owned()),
        (tag::DEPLOYMENT.to_owned(), "1".to_owned()),
        (tag::BUILD.to_owned(), "1.0.0".to_owned()),
        ("Name".to_owned(), "test-1.0.0".to_owned()),
        (
            tag::INSTALLATION.to_owned(),
            "another-installation".to_owned(),
        ),
    ]);
    h.sandbox
        .adopt(&tags, "ami-0a1b2c3d", std::slice::from_ref(&foreign), None);
    let id = h.deploy("1.0.0").await;
    assert_eq!(
        id, 1,
        "the same deployment id as the foreign instance's tag"
    );
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let serving = h.serving("test").await;
    assert!(!serving.contains(&foreign), "not adopted: {serving:?}");
    assert_eq!(
        h.sandbox.call_counts()["RunInstances"],
        1,
        "launched its own"
    );

    let refused = h.cloud.terminate(std::slice::from_ref(&foreign)).await;
    assert!(
        matches!(refused, Err(CloudError::Rejected(ref m)) if m.contains("not launched by this installation")),
        "{refused:?}"
    );
    let still = h
        .sandbox
        .find_instances(&Tags::new())
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.id == foreign)
        .expect("still there");
    assert_eq!(still.state, InstanceState::Running);
}
