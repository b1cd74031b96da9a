//! `POST /api/v1/environments/{env}/rollback` with and without its optional body.

use crate::support::engine_app::{deploy_to_test, engine_app};
use app::domain::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn a_rollback_may_name_an_earlier_release_and_a_bad_name_is_refused_with_the_field() {
    let app = engine_app().await;
    let erin = app.token("erin", Role::Engineer).await;
    for build in ["1.0.0", "1.1.0"] {
        deploy_to_test(&app, &erin, build).await;
    }
    let path = "/api/v1/environments/test/rollback";
    let (status, body) = app
        .post_json(Some(&erin), path, json!({"to": "banana"}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["to"].is_string(), "{body}");
    let (status, _) = app
        .post_json(Some(&erin), path, json!({"too": "1.0.0"}))
        .await;
    assert_eq!(status, 400, "unknown fields are refused");
    let (status, body) = app
        .post_json(Some(&erin), path, json!({"to": "1.0.0"}))
        .await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = app.post_json(Some(&erin), path, Value::Null).await;
    assert_eq!(status, 409, "the rollback is in flight: {body}");
}
