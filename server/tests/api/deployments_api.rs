//! Deploy, promote, roll back and scale through the REST API with the engine running in the
//! background on the sandbox: statuses, gates, roles, and the deployment read back.

use crate::harness::pipeline;
use crate::helpers::{spawn_app_with, TestApp};
use app::domain::Role;
use greenlight::config::SandboxPace;
use serde_json::{json, Value};
use std::time::Duration;

async fn app() -> TestApp {
    spawn_app_with(|s| {
        s.engine_workers = 1;
        s.engine_poll = "20ms".into();
        s.cloud.sandbox_pace = SandboxPace::Instant;
        let mut environments = pipeline();
        for env in &mut environments {
            env.verify_window = "1s".into();
        }
        environments[1].requires_signoff = true;
        environments[1].four_eyes = true;
        s.environments = environments;
    })
    .await
}

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let mut request = app.client.post(app.url(path)).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("post");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn register(app: &TestApp, token: &str, version: &str) {
    let body = json!({
        "version": version, "revision": "9fceb02d0ae598e95dc970b74767f19372d61af8",
        "artifact": {"ami_id": "ami-0123456789abcdef0"}, "changes": []
    });
    assert_eq!(post(app, Some(token), "/api/v1/builds", body).await.0, 201);
}

/// Polls the deployment until its phase is one of `phases`.
async fn wait_for(app: &TestApp, token: &str, id: i64, phases: &[&str]) -> Value {
    for _ in 0..400 {
        let (status, body) = get(app, token, &format!("/api/v1/deployments/{id}")).await;
        assert_eq!(status, 200);
        if phases.contains(&body["phase"].as_str().unwrap_or_default()) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("deployment {id} never reached {phases:?}");
}

#[tokio::test]
async fn a_build_goes_from_deploy_through_sign_off_gates_to_promotion_scale_and_rollback() {
    let app = app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let erin = app.token("erin", Role::Engineer).await;
    let sam = app.token("sam", Role::Engineer).await;
    register(&app, &erin, "1.0.0").await;
    register(&app, &erin, "1.1.0").await;

    // Who may.
    let deploy = "/api/v1/environments/test/deployments";
    assert_eq!(
        post(&app, None, deploy, json!({"build": "1.0.0"})).await.0,
        401
    );
    assert_eq!(
        post(&app, Some(&viewer), deploy, json!({"build": "1.0.0"}))
            .await
            .0,
        403
    );
    // What is refused, naming the problem; nothing is written.
    assert_eq!(
        post(&app, Some(&erin), deploy, json!({"bild": "1.0.0"}))
            .await
            .0,
        400
    );
    assert_eq!(
        post(&app, Some(&erin), deploy, json!({"build": "9.9.9"}))
            .await
            .0,
        404
    );
    assert_eq!(
        post(
            &app,
            Some(&erin),
            "/api/v1/environments/nowhere/deployments",
            json!({"build": "1.0.0"})
        )
        .await
        .0,
        404
    );
    let (status, body) = post(
        &app,
        Some(&erin),
        "/api/v1/environments/staging/deployments",
        json!({"build": "1.0.0"}),
    )
    .await;
    assert_eq!(status, 412, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("promotions only"),
        "{body}"
    );
    assert_eq!(app.count("deployments").await, 0);

    // Deploy into TEST: 202 now, the engine finishes it.
    let (status, body) = post(&app, Some(&erin), deploy, json!({"build": "1.0.0"})).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["outcome"], "in_progress");
    let id = body["record"]["id"].as_i64().unwrap();
    let (status, body) = post(&app, Some(&erin), deploy, json!({"build": "1.0.0"})).await;
    assert_eq!(
        status, 409,
        "second mutation while one is in flight: {body}"
    );
    let done = wait_for(&app, &viewer, id, &["succeeded"]).await;
    assert_eq!(done["record"]["outcome"], "succeeded");
    assert_eq!(done["new_fleet"].as_array().unwrap().len(), 1);
    assert!(done["steps"].as_array().unwrap().len() >= 7, "{done}");

    // STAGING needs QA's sign-off on TEST, by someone other than the promoter.
    let promote = "/api/v1/environments/staging/promote";
    let (status, body) = post(&app, Some(&erin), promote, Value::Null).await;
    assert_eq!(status, 412, "{body}");
    let failed: Vec<&str> = body["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["gate"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["signoff", "four_eyes"]);
    let (status, _) = post(
        &app,
        Some(&erin),
        "/api/v1/builds/1.0.0/signoffs",
        json!({"environment": "test", "verdict": "approved"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, preview) = get(&app, &viewer, "/api/v1/environments/staging/promotion").await;
    assert_eq!(status, 200);
    assert_eq!(preview["version"], "1.0.0");
    assert_eq!(preview["instances"], 2);
    let (status, body) = post(&app, Some(&erin), promote, Value::Null).await;
    assert_eq!(status, 412, "the approver may not promote: {body}");
    assert_eq!(body["gates"][0]["gate"], "four_eyes");
    let (status, body) = post(&app, Some(&sam), promote, Value::Null).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["kind"], "promote");
    let staged = wait_for(
        &app,
        &viewer,
        body["record"]["id"].as_i64().unwrap(),
        &["succeeded"],
    )
    .await;
    assert_eq!(staged["new_fleet"].as_array().unwrap().len(), 2);

    // Scale: bad counts are refused by field, good ones run.
    let scale = "/api/v1/environments/staging/scale";
    let (status, body) = post(&app, Some(&sam), scale, json!({"desired": 0})).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["desired"].is_string(), "{body}");
    let (status, body) = post(&app, Some(&sam), scale, json!({"desired": 3})).await;
    assert_eq!(status, 202, "{body}");
    wait_for(
        &app,
        &viewer,
        body["record"]["id"].as_i64().unwrap(),
        &["succeeded"],
    )
    .await;

    // TEST moves to 1.1.0 and is rolled back inside its warm window by a switch.
    let (status, body) = post(&app, Some(&erin), deploy, json!({"build": "1.1.0"})).await;
    assert_eq!(status, 202);
    let second = body["record"]["id"].as_i64().unwrap();
    let warm = wait_for(&app, &viewer, second, &["warm"]).await;
    assert!(warm["warm_until"].is_string(), "{warm}");
    assert_eq!(
        post(
            &app,
            Some(&viewer),
            "/api/v1/environments/test/rollback",
            Value::Null
        )
        .await
        .0,
        403
    );
    let (status, body) = post(
        &app,
        Some(&erin),
        "/api/v1/environments/test/rollback",
        Value::Null,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["id"].as_i64(), Some(second));
    let rolled = wait_for(&app, &viewer, second, &["rolled_back"]).await;
    assert_eq!(rolled["rollback_requested_by"], "erin");
    assert_eq!(rolled["record"]["outcome"], "rolled_back");

    // STAGING has nothing earlier to go back to.
    let (status, body) = post(
        &app,
        Some(&sam),
        "/api/v1/environments/staging/rollback",
        Value::Null,
    )
    .await;
    assert_eq!(status, 409, "{body}");

    // Every start is in the audit log.
    let actions: Vec<String> = greenlight::db::audit::recent(&app.pool, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "deployment.deploy",
        "deployment.promote",
        "deployment.scale",
        "deployment.rollback",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_deployment_api() {
    let app = app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let (status, doc) = get(&app, &viewer, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/environments/{environment}/deployments",
        "/api/v1/environments/{environment}/promote",
        "/api/v1/environments/{environment}/rollback",
        "/api/v1/environments/{environment}/scale",
        "/api/v1/deployments/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(
        doc["paths"]["/api/v1/environments/{environment}/promote"]["post"]["responses"]["412"]
            .is_object()
    );
}

#[tokio::test]
async fn pages_show_actions_by_role_and_server_functions_refuse_viewers() {
    let app = app().await;
    let erin = app.token("erin", Role::Engineer).await;
    register(&app, &erin, "1.0.0").await;
    let (status, body) = post(
        &app,
        Some(&erin),
        "/api/v1/environments/test/deployments",
        json!({"build": "1.0.0"}),
    )
    .await;
    assert_eq!(status, 202);
    let id = body["record"]["id"].as_i64().unwrap();
    wait_for(&app, &erin, id, &["succeeded"]).await;

    let viewer = app.new_client();
    let password = app.user("vic", Role::Viewer).await;
    assert!(app
        .login(&viewer, "vic", &password)
        .await
        .status()
        .is_success());
    let engineer = app.new_client();
    let password = app.user("eve", Role::Engineer).await;
    assert!(app
        .login(&engineer, "eve", &password)
        .await
        .status()
        .is_success());

    let page = |client: reqwest::Client, path: String| {
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let as_viewer = page(viewer.clone(), "/environments/test".into()).await;
    assert!(as_viewer.contains("data-testid=\"release\""), "{as_viewer}");
    assert!(as_viewer.contains("1.0.0"));
    for button in [
        "data-testid=\"deploy\"",
        "data-testid=\"env-rollback\"",
        "Record sign-off",
    ] {
        assert!(!as_viewer.contains(button), "viewer sees {button}");
    }
    let as_engineer = page(engineer.clone(), "/environments/test".into()).await;
    assert!(as_engineer.contains("data-testid=\"deploy\""));
    assert!(
        as_engineer.contains("Record sign-off"),
        "engineers may sign off too"
    );
    let staging = page(engineer.clone(), "/environments/staging".into()).await;
    assert!(staging.contains("data-testid=\"promote\""));
    assert!(
        staging.contains("gate-failed"),
        "sign-off missing is shown as a failed gate"
    );

    let timeline = page(viewer.clone(), format!("/deployments/{id}")).await;
    for label in ["Launching new fleet", "Cutting over", "Succeeded"] {
        assert!(
            timeline.contains(label),
            "{label} missing from the timeline"
        );
    }

    let before = app.count("deployments").await;
    let path = <app::api::releases::Promote as leptos::server_fn::ServerFn>::PATH;
    let refused = app
        .server_fn(&viewer, path, &[("environment", "staging")], None)
        .await;
    assert!(!refused.status().is_success());
    assert!(refused.text().await.unwrap().contains("role"));
    let path = <app::api::releases::DeployBuild as leptos::server_fn::ServerFn>::PATH;
    let refused = app
        .server_fn(
            &viewer,
            path,
            &[("environment", "test"), ("version", "1.0.0")],
            None,
        )
        .await;
    assert!(!refused.status().is_success());
    assert_eq!(app.count("deployments").await, before, "nothing started");
}
