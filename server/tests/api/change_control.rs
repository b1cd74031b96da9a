//! Change control through the REST API with the engine running: a run-time freeze refuses
//! deploys and promotions with its reason until lifted (scaling stays allowed), an admin's
//! override is recorded on the deployment and audited, a config freeze cannot be lifted, a
//! lock lets only its holder change the environment until released, broken or lapsed, and a
//! scheduled window freezes while it holds.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine_app::{deploy_to_test, engine_settings, register, wait_for};
use app::domain::Role;
use greenlight::config::freeze_window::FreezeWindowSettings;
use serde_json::{json, Value};

async fn delete(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let response = app
        .client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("delete");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn gate_reasons(body: &Value) -> String {
    body["gates"].to_string()
}

#[tokio::test]
async fn a_freeze_refuses_deploys_with_its_reason_until_lifted_while_scaling_stays_allowed() {
    let app = spawn_app_with(engine_settings).await;
    let ana = app.token("ana", Role::Engineer).await;
    deploy_to_test(&app, &ana, "1.0.0").await;
    register(&app, &ana, "1.1.0").await;

    let (status, body) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "  "}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["reason"].is_string(), "{body}");
    let (status, freeze) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "incident 42"}),
        )
        .await;
    assert_eq!(status, 201, "{freeze}");
    assert_eq!(freeze["reason"], "incident 42");
    assert_eq!(freeze["source"], "run_time");
    assert_eq!(freeze["by"], "ana");
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(status, 409, "frozen already");

    let deploy = json!({"build": "1.1.0"});
    let (status, refused) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/deployments",
            deploy.clone(),
        )
        .await;
    assert_eq!(status, 412, "{refused}");
    assert!(
        gate_reasons(&refused).contains("frozen: incident 42 (frozen by ana)"),
        "{refused}"
    );
    let (_, environments) = app.get_json(Some(&ana), "/api/v1/environments").await;
    assert!(
        environments
            .to_string()
            .contains("incident 42 (frozen by ana)"),
        "{environments}"
    );

    let (status, scaled) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/scale",
            json!({"desired": 2}),
        )
        .await;
    assert_eq!(status, 202, "scaling stays allowed: {scaled}");
    wait_for(
        &app,
        &ana,
        scaled["record"]["id"].as_i64().expect("id"),
        &["succeeded"],
    )
    .await;

    let (status, _) = delete(&app, &ana, "/api/v1/environments/test/freeze").await;
    assert_eq!(status, 204);
    let (status, _) = delete(&app, &ana, "/api/v1/environments/test/freeze").await;
    assert_eq!(status, 409, "nothing left to lift");
    let (status, body) = app
        .post_json(Some(&ana), "/api/v1/environments/test/deployments", deploy)
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(app.audited("environment.freeze").await, 1);
    assert_eq!(app.audited("environment.unfreeze").await, 1);
}

#[tokio::test]
async fn an_admin_overrides_a_freeze_with_a_reason_the_deployment_and_the_audit_log_keep() {
    let app = spawn_app_with(engine_settings).await;
    let ana = app.token("ana", Role::Engineer).await;
    let root = app.token("root", Role::Admin).await;
    register(&app, &ana, "1.0.0").await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "release freeze"}),
        )
        .await;
    assert_eq!(status, 201);
    let overriding = json!({"build": "1.0.0", "override_reason": "hotfix for checkout"});
    let (status, body) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/deployments",
            overriding.clone(),
        )
        .await;
    assert_eq!(status, 403, "only an admin overrides: {body}");
    let (status, body) = app
        .post_json(
            Some(&root),
            "/api/v1/environments/test/deployments",
            overriding,
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["freeze_override"], "hotfix for checkout");
    let id = body["record"]["id"].as_i64().expect("id");
    wait_for(&app, &root, id, &["warm", "succeeded"]).await;
    assert_eq!(app.audited("deployment.freeze_override").await, 1);
    let csv = app
        .get(Some(&root), "/api/v1/deployments/export?format=csv")
        .await
        .text()
        .await
        .expect("csv");
    assert!(
        csv.lines()
            .next()
            .unwrap_or_default()
            .ends_with(",freeze_override"),
        "{csv}"
    );
    assert!(csv.contains("hotfix for checkout"), "{csv}");
}

#[tokio::test]
async fn a_freeze_in_the_config_cannot_be_lifted_at_run_time() {
    let app = spawn_app_with(|s| {
        engine_settings(s);
        s.environments[0].frozen = Some("migration weekend".into());
    })
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, body) = delete(&app, &ana, "/api/v1/environments/test/freeze").await;
    assert_eq!(status, 409);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("configuration"),
        "{body}"
    );
}

#[tokio::test]
async fn a_lock_lets_only_its_holder_change_the_environment_until_an_admin_breaks_it() {
    let app = spawn_app_with(engine_settings).await;
    let ana = app.token("ana", Role::Engineer).await;
    let bob = app.token("bob", Role::Engineer).await;
    let root = app.token("root", Role::Admin).await;
    let viewer = app.token("vic", Role::Viewer).await;
    deploy_to_test(&app, &ana, "1.0.0").await;
    let lock = json!({"reason": "investigating incident"});
    let (status, _) = app
        .post_json(
            Some(&viewer),
            "/api/v1/environments/test/lock",
            lock.clone(),
        )
        .await;
    assert_eq!(status, 403);
    let (status, held) = app
        .post_json(Some(&ana), "/api/v1/environments/test/lock", lock.clone())
        .await;
    assert_eq!(status, 201, "{held}");
    assert_eq!(held["holder"], "ana");
    let (status, body) = app
        .post_json(Some(&bob), "/api/v1/environments/test/lock", lock.clone())
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("locked by ana"),
        "{body}"
    );

    let (status, refused) = app
        .post_json(
            Some(&bob),
            "/api/v1/environments/test/scale",
            json!({"desired": 2}),
        )
        .await;
    assert_eq!(status, 412, "{refused}");
    assert!(
        gate_reasons(&refused).contains("locked by ana"),
        "{refused}"
    );
    let (status, _) = delete(&app, &bob, "/api/v1/environments/test/lock").await;
    assert_eq!(status, 403, "not bob's to release");
    let (status, _) = delete(&app, &bob, "/api/v1/environments/test/lock?break=true").await;
    assert_eq!(status, 403, "only an admin breaks a lock");
    let (status, scaled) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/scale",
            json!({"desired": 2}),
        )
        .await;
    assert_eq!(status, 202, "the holder changes it: {scaled}");
    wait_for(
        &app,
        &ana,
        scaled["record"]["id"].as_i64().expect("id"),
        &["succeeded"],
    )
    .await;

    let (status, _) = delete(&app, &root, "/api/v1/environments/test/lock?break=true").await;
    assert_eq!(status, 204);
    assert_eq!(app.audited("environment.lock_broken").await, 1);
    let (status, _) = app
        .post_json(Some(&bob), "/api/v1/environments/test/lock", lock)
        .await;
    assert_eq!(status, 201, "free again");
    let (status, _) = delete(&app, &bob, "/api/v1/environments/test/lock").await;
    assert_eq!(status, 204);
    assert_eq!(app.audited("environment.unlock").await, 1);
}

#[tokio::test]
async fn a_forgotten_lock_lapses_after_lock_expiry() {
    let app = spawn_app_with(|s| {
        engine_settings(s);
        s.lock_expiry = "300ms".parse().expect("duration");
    })
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    let bob = app.token("bob", Role::Engineer).await;
    let lock = json!({"reason": "investigating"});
    let (status, _) = app
        .post_json(Some(&ana), "/api/v1/environments/test/lock", lock.clone())
        .await;
    assert_eq!(status, 201);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (status, held) = app
        .post_json(Some(&bob), "/api/v1/environments/test/lock", lock)
        .await;
    assert_eq!(status, 201, "{held}");
    assert_eq!(held["holder"], "bob");
}

#[tokio::test]
async fn a_scheduled_window_freezes_while_it_holds_cannot_be_lifted_by_hand_and_the_page_names_it()
{
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let day = |offset: i64| {
        jiff::Timestamp::from_second(now + offset * 86_400)
            .expect("instant")
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
            .to_string()
    };
    let (from, to) = (day(-1), day(1));
    let app = spawn_app_with(move |s| {
        engine_settings(s);
        s.environments[0].freeze_windows = vec![FreezeWindowSettings {
            name: "holidays".into(),
            time_zone: "UTC".into(),
            from: Some(from),
            to: Some(to),
            cron: None,
            duration: None,
            reason: Some("year-end freeze".into()),
        }];
    })
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    register(&app, &ana, "1.0.0").await;
    let (status, refused) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/deployments",
            json!({"build": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 412, "{refused}");
    assert!(
        gate_reasons(&refused).contains("year-end freeze (freeze window holidays until"),
        "{refused}"
    );
    let (status, _) = delete(&app, &ana, "/api/v1/environments/test/freeze").await;
    assert_eq!(status, 409, "a window is not lifted by hand");
    let password = app.user("eve", Role::Engineer).await;
    let eve = app.signed_in("eve", &password).await;
    let page = eve
        .get(app.url("/environments/test"))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("freeze window holidays"), "{html}");
    assert!(
        !html.contains("data-testid=\"lift-freeze\""),
        "no lift button for a window"
    );
}

#[tokio::test]
async fn the_promotion_preview_warns_when_the_warm_window_would_run_into_a_freeze_window() {
    let soon = |minutes: i64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_secs() as i64;
        jiff::Timestamp::from_second(now + minutes * 60)
            .expect("instant")
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .datetime()
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let (from, to) = (soon(30), soon(600));
    let app = spawn_app_with(move |s| {
        engine_settings(s);
        s.environments[1].warm_retention = "1h".parse().expect("duration");
        s.environments[1].freeze_windows = vec![FreezeWindowSettings {
            name: "maintenance".into(),
            time_zone: "UTC".into(),
            from: Some(from),
            to: Some(to),
            cron: None,
            duration: None,
            reason: None,
        }];
    })
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, preview) = app
        .get_json(Some(&ana), "/api/v1/environments/staging/promotion")
        .await;
    assert_eq!(status, 200, "{preview}");
    let warnings = preview["warnings"].to_string();
    assert!(warnings.contains("freeze window maintenance"), "{preview}");
    let (status, prod) = app
        .get_json(Some(&ana), "/api/v1/environments/prod/promotion")
        .await;
    assert_eq!(status, 200, "{prod}");
    assert_eq!(prod["warnings"], json!([]), "PROD has no window: {prod}");
}

#[tokio::test]
async fn the_pages_one_control_action_freezes_locks_and_names_an_unknown_action() {
    let app = spawn_app_with(engine_settings).await;
    let password = app.user("ana", Role::Engineer).await;
    let ana = app.signed_in("ana", &password).await;
    let path = <app::api::change_control::ControlEnvironment as leptos::server_fn::ServerFn>::PATH;
    let call = |action: &'static str, reason: &'static str| {
        let (app, ana) = (&app, &ana);
        async move {
            let form = [
                ("environment", "test"),
                ("action", action),
                ("reason", reason),
            ];
            let response = app.server_fn(ana, path, &form, None).await;
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(call("freeze", "from the page").await.0, 200);
    assert_eq!(call("lock", "looking").await.0, 200);
    assert_eq!(app.audited("environment.freeze").await, 1);
    assert_eq!(app.audited("environment.lock").await, 1);
    let (status, body) = call("explode", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["action"].is_string(), "{body}");
    assert_eq!(call("release", "").await.0, 200);
    assert_eq!(call("lift", "").await.0, 200);
}
