//! The real server with the engine running in the background on the sandbox at instant pace:
//! TEST → STAGING (sign-off and four eyes) → PROD, verify windows of a second. For tests that
//! deploy through the REST API or the pages and wait for the engine.

use super::app::{spawn_app_with, TestApp};
use super::fixtures::build_payload;
use super::harness::pipeline;
use greenlight::config::SandboxPace;
use serde_json::Value;
use std::time::Duration;

/// The server with the engine, as described above.
pub async fn engine_app() -> TestApp {
    spawn_app_with(engine_settings).await
}

/// [`engine_app`] with the fleet poller looking every 100 ms.
pub async fn engine_app_polling() -> TestApp {
    spawn_app_with(|s| {
        engine_settings(s);
        s.fleet_refresh = "100ms".parse().expect("duration");
    })
    .await
}

/// The settings of [`engine_app`], for a test that changes more.
pub fn engine_settings(s: &mut greenlight::config::Settings) {
    s.engine_workers = 1;
    s.engine_poll = "20ms".parse().expect("duration");
    s.cloud.sandbox_pace = SandboxPace::Instant;
    let mut environments = pipeline();
    for env in &mut environments {
        env.verify_window = "1s".parse().expect("duration");
    }
    environments[1].requires_signoff = true;
    environments[1].four_eyes = true;
    s.environments = environments;
}

/// Registers `version` through the API (201 expected).
pub async fn register(app: &TestApp, token: &str, version: &str) {
    let (status, body) = app
        .post_json(Some(token), "/api/v1/builds", build_payload(version))
        .await;
    assert_eq!(status, 201, "{body}");
}

/// Polls the deployment until its phase is one of `phases`.
pub async fn wait_for(app: &TestApp, token: &str, id: i64, phases: &[&str]) -> Value {
    for _ in 0..400 {
        let (status, body) = app
            .get_json(Some(token), &format!("/api/v1/deployments/{id}"))
            .await;
        assert_eq!(status, 200);
        if phases.contains(&body["phase"].as_str().unwrap_or_default()) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("deployment {id} never reached {phases:?}");
}

/// Registers `version`, deploys it to TEST through the API and waits until it rests (warm or
/// succeeded); answers the deployment's id.
pub async fn deploy_to_test(app: &TestApp, token: &str, version: &str) -> i64 {
    register(app, token, version).await;
    let id = start_in_test(app, token, version).await;
    wait_for(app, token, id, &["warm", "succeeded"]).await;
    id
}

/// Deploys the registered `version` to TEST through the API (202 expected); answers the
/// deployment's id at once.
pub async fn start_in_test(app: &TestApp, token: &str, version: &str) -> i64 {
    let (status, body) = app
        .post_json(
            Some(token),
            "/api/v1/environments/test/deployments",
            serde_json::json!({"build": version}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    body["record"]["id"].as_i64().expect("id")
}
