//! QA sign-offs through the API: who may sign, on what, and what is refused.

use crate::support::app::spawn_app_with;
use app::domain::Role;
use serde_json::{json, Value};

/// Where QA posts a sign-off on `version`.
fn signoffs_of(version: &str) -> String {
    format!("/api/v1/builds/{version}/signoffs")
}

#[tokio::test]
async fn qa_signs_off_the_build_an_environment_runs_bound_to_its_image() {
    // The demo runs 1.4.1 on test.
    let app = spawn_app_with(|s| s.demo = true).await;
    let qa = app.token("sam", Role::Qa).await;
    let response = app
        .post(
            Some(&qa),
            &signoffs_of("1.4.1"),
            &json!({"environment": "test", "verdict": "approved", "notes": "smoke + regression"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let signoff: Value = response.json().await.expect("json");
    assert_eq!(signoff["verdict"], "approved");
    assert_eq!(signoff["signed_by"], "sam");
    assert!(signoff["image_id"]
        .as_str()
        .is_some_and(|i| i.starts_with("ami-")));
    let entries = greenlight::db::audit::recent(&app.pool, 1)
        .await
        .expect("audit");
    assert_eq!(
        (entries[0].action.as_str(), entries[0].target.as_str()),
        ("signoff.record", "1.4.1")
    );
}

#[tokio::test]
async fn viewers_may_not_sign_off_and_qa_and_up_may() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let body = json!({"environment": "test", "verdict": "rejected", "notes": ""});
    for (name, role, expected) in [
        ("v", Role::Viewer, 403),
        ("q", Role::Qa, 201),
        ("e", Role::Engineer, 201),
        ("a", Role::Admin, 201),
    ] {
        let token = app.token(name, role).await;
        assert_eq!(
            app.post(Some(&token), &signoffs_of("1.4.1"), &body.clone())
                .await
                .status(),
            expected,
            "{name}"
        );
    }
    let anonymous = app
        .client
        .post(app.url("/api/v1/builds/1.4.1/signoffs"))
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(anonymous.status(), 401);
    assert_eq!(app.count("signoffs").await, 3);
}

#[tokio::test]
async fn sign_offs_on_what_an_environment_does_not_run_or_with_bad_fields_are_refused() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let qa = app.token("sam", Role::Qa).await;
    let elsewhere = app
        .post(
            Some(&qa),
            &signoffs_of("1.4.0"),
            &json!({"environment": "test", "verdict": "approved"}),
        )
        .await;
    assert_eq!(elsewhere.status(), 409, "test runs 1.4.1, not 1.4.0");
    assert_eq!(
        app.post(
            Some(&qa),
            &signoffs_of("9.9.9"),
            &json!({"environment": "test", "verdict": "approved"})
        )
        .await
        .status(),
        404
    );
    let bad = app
        .post(
            Some(&qa),
            &signoffs_of("1.4.1"),
            &json!({"environment": "moon", "verdict": "maybe"}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let error: Value = bad.json().await.expect("json");
    assert!(error["fields"]["environment"].is_string() && error["fields"]["verdict"].is_string());
    let unknown = app
        .post(
            Some(&qa),
            &signoffs_of("1.4.1"),
            &json!({"environment": "test", "verdict": "approved", "extra": 1}),
        )
        .await;
    assert_eq!(unknown.status(), 400);
    let long = app
        .post(
            Some(&qa),
            &signoffs_of("1.4.1"),
            &json!({"environment": "test", "verdict": "approved", "notes": "x".repeat(2001)}),
        )
        .await;
    assert_eq!(long.status(), 422);
    assert_eq!(app.count("signoffs").await, 0);
}
