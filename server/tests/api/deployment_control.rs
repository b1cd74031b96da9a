//! Switching a held deployment and cancelling one, over the REST API and the page's server
//! function: engineers only, audited, refused with the phase named when there is nothing to
//! switch or cancel, behind another's lock, or without a reason.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine_app::{engine_settings, register, start_in_test, wait_for};
use app::domain::Role;
use greenlight::config::{Cutover, Strategy};
use serde_json::{json, Value};

/// The engine app with TEST behind an ALB listener, switched by hand.
async fn manual_app() -> TestApp {
    spawn_app_with(|s| {
        engine_settings(s);
        s.environments[0].strategy = Some(Strategy::AlbListener);
        s.environments[0].cutover = Cutover::Manual;
    })
    .await
}

/// Deploys `version` to TEST and waits until it is held; answers its detail.
async fn held(app: &TestApp, token: &str, version: &str) -> Value {
    register(app, token, version).await;
    let id = start_in_test(app, token, version).await;
    wait_for(app, token, id, &["ready_to_switch"]).await
}

#[tokio::test]
async fn an_engineer_switches_a_held_deployment_once_and_not_past_another_s_lock() {
    let app = manual_app().await;
    let ana = app.token("ana", Role::Engineer).await;
    let bob = app.token("bob", Role::Engineer).await;
    let viv = app.token("viv", Role::Viewer).await;
    let detail = held(&app, &ana, "1.0.0").await;
    let id = detail["record"]["id"].as_i64().expect("id");
    let addresses = detail["hold"]["addresses"].as_array().expect("addresses");
    assert_eq!(addresses.len(), 1, "{detail}");
    assert!(addresses[0]["private_ip"].is_string(), "{detail}");
    assert!(detail["hold"]["test_target_group"].is_string(), "{detail}");
    let cutover = format!("/api/v1/deployments/{id}/cutover");

    let (status, _) = app.post_json(Some(&viv), &cutover, json!({})).await;
    assert_eq!(status, 403, "viewers may not switch");
    let (status, _) = app
        .post_json(
            Some(&bob),
            "/api/v1/environments/test/lock",
            json!({"reason": "looking"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app.post_json(Some(&ana), &cutover, json!({})).await;
    assert_eq!(status, 412, "{body}");
    assert!(body.to_string().contains("locked by bob"), "{body}");
    let (status, body) = app.post_json(Some(&bob), &cutover, json!({})).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(app.audited("deployment.switch").await, 1);
    let (status, body) = app.post_json(Some(&bob), &cutover, json!({})).await;
    assert_eq!(status, 409, "{body}");
    let done = wait_for(&app, &ana, id, &["warm", "succeeded"]).await;
    assert!(done["hold"].is_null(), "{done}");
    assert!(
        done.to_string()
            .contains("Switch to the new fleet requested by bob"),
        "{done}"
    );
    let (status, body) = app
        .post_json(Some(&ana), "/api/v1/deployments/9999/cutover", json!({}))
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_cancel_needs_a_reason_is_audited_and_a_finished_deployment_cannot_be_cancelled() {
    let app = manual_app().await;
    let ana = app.token("ana", Role::Engineer).await;
    let detail = held(&app, &ana, "1.0.0").await;
    let id = detail["record"]["id"].as_i64().expect("id");
    let cancel = format!("/api/v1/deployments/{id}/cancel");

    let (status, body) = app
        .post_json(Some(&ana), &cancel, json!({"reason": " "}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    assert_eq!(
        app.audited("deployment.cancel").await,
        0,
        "refusal changes nothing"
    );
    let (status, body) = app
        .post_json(Some(&ana), &cancel, json!({"reason": "wrong branch"}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["cancelled_by"], "ana", "{body}");
    let done = wait_for(&app, &ana, id, &["rolled_back"]).await;
    assert_eq!(done["reason"], "cancelled by ana: wrong branch", "{done}");
    assert_eq!(app.audited("deployment.cancel").await, 1);
    let (status, body) = app
        .post_json(Some(&ana), &cancel, json!({"reason": "again"}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("rolled back"), "{body}");
}

#[tokio::test]
async fn the_pages_steer_action_switches_cancels_and_names_an_unknown_action() {
    let app = manual_app().await;
    let password = app.user("ana", Role::Engineer).await;
    let token = app.token("tom", Role::Engineer).await;
    let browser = app.signed_in("ana", &password).await;
    let path = <app::api::deployments::SteerDeployment as leptos::server_fn::ServerFn>::PATH;
    let first = held(&app, &token, "1.0.0").await["record"]["id"]
        .as_i64()
        .expect("id");
    let call = |id: i64, action: &'static str, reason: &'static str| {
        let (app, browser) = (&app, &browser);
        async move {
            let id = id.to_string();
            let form = [("id", id.as_str()), ("action", action), ("reason", reason)];
            let response = app.server_fn(browser, path, &form, None).await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, body) = call(first, "explode", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["action"].is_string(), "{body}");
    assert_eq!(call(first, "switch", "").await.0, 200);
    wait_for(&app, &token, first, &["warm", "succeeded"]).await;
    let second = held(&app, &token, "1.0.1").await["record"]["id"]
        .as_i64()
        .expect("id");
    assert_eq!(call(second, "cancel", "not today").await.0, 200);
    wait_for(&app, &token, second, &["rolled_back"]).await;
    assert_eq!(app.audited("deployment.switch").await, 1);
    assert_eq!(app.audited("deployment.cancel").await, 1);
}
