//! Four-eyes compares user ids: an approver who is renamed still cannot promote what they
//! approved, and someone who takes their old name is someone else.

use crate::support::app::test_actor;
use crate::support::engine_app::{engine_app as app, register, wait_for};
use app::domain::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn a_renamed_approver_still_cannot_promote_what_they_approved() {
    let app = app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let erin = app.token("erin", Role::Engineer).await;
    register(&app, &erin, "1.0.0").await;
    let (status, body) = app
        .post_json(
            Some(&erin),
            "/api/v1/environments/test/deployments",
            json!({"build": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    wait_for(
        &app,
        &viewer,
        body["record"]["id"].as_i64().unwrap(),
        &["succeeded"],
    )
    .await;
    let (status, body) = app
        .post_json(
            Some(&erin),
            "/api/v1/builds/1.0.0/signoffs",
            json!({"environment": "test", "verdict": "approved"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    greenlight::service::users::rename(
        &app.pool,
        &greenlight::clock::SystemClock,
        test_actor(),
        "erin",
        "erin.k",
    )
    .await
    .expect("rename");
    // Someone new takes the old name: a different person, who may promote.
    let namesake = app.token("erin", Role::Engineer).await;

    let promote = "/api/v1/environments/staging/promote";
    let (status, body) = app.post_json(Some(&erin), promote, Value::Null).await;
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["gates"][0]["gate"], "four_eyes", "{body}");
    assert!(
        body["gates"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("erin.k approved it (as erin)"),
        "{body}"
    );
    let (status, body) = app.post_json(Some(&namesake), promote, Value::Null).await;
    assert_eq!(status, 202, "{body}");
}
