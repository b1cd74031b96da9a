//! A hook's receiver reporting over HTTP: the callback URL the call carried, the one-time
//! token in its header; refusals (no token, another's, a bad field, a spent token) change
//! nothing, and the deployment's API answer shows the run.

use crate::support::app::spawn_app_with;
use crate::support::engine_app::{engine_settings, register, start_in_test, wait_for};
use crate::support::receiver::Receiver;
use app::domain::hooks::HookKind;
use app::domain::Role;
use greenlight::config::hooks::HookSettings;
use greenlight::config::secret::SecretSource;
use serde_json::{json, Value};

async fn post_result(url: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(url).json(&body);
    if let Some(token) = token {
        request = request.header("X-Greenlight-Hook-Token", token);
    }
    let answer = request.send().await.expect("post");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_receiver_reports_once_with_its_token_and_the_deployment_shows_the_run() {
    let receiver = Receiver::start(0, 0).await;
    let dir = std::env::temp_dir().join(format!("gl-hook-api-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("url"), &receiver.url).expect("url");
    std::fs::write(dir.join("key"), "k").expect("key");
    let app = spawn_app_with(|s| {
        engine_settings(s);
        s.environments[0].hooks = vec![HookSettings {
            name: "smoke".into(),
            kind: HookKind::Acceptance,
            when: None,
            timeout: "10m".parse().expect("duration"),
            url: Some(SecretSource::File(dir.join("url"))),
            secret: Some(SecretSource::File(dir.join("key"))),
            command: Vec::new(),
        }];
    })
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    register(&app, &ana, "1.0.0").await;
    let id = start_in_test(&app, &ana, "1.0.0").await;
    let (_, body) = receiver.wait_for(1).await.remove(0);
    let call: Value = serde_json::from_str(&body).expect("json");
    let url = call["callback"]["url"].as_str().expect("url").to_owned();
    assert!(
        url.starts_with(&app.url("/api/v1/hook-runs/")),
        "{url} is this server"
    );
    let token = call["callback"]["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let passed =
        json!({"status": "passed", "summary": "41 green", "link": "https://ci.example.com/7"});
    let (status, body) = post_result(&url, None, passed.clone()).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = post_result(&url, Some("glh_forged"), passed.clone()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("the token is not this run's"))
    );
    let (status, body) = post_result(&url, Some(&token), json!({"status": "green"})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["status"].is_string(), "{body}");
    let (status, body) = post_result(
        &url,
        Some(&token),
        json!({"status": "passed", "link": "ftp://x"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["link"].is_string(), "{body}");
    let detail = wait_for(&app, &ana, id, &["awaiting_health"]).await;
    assert_eq!(detail["hooks"][0]["status"], "running", "{detail}");

    let (status, body) = post_result(&url, Some(&token), passed.clone()).await;
    assert_eq!((status, &body["status"]), (200, &json!("passed")), "{body}");
    let (status, body) = post_result(&url, Some(&token), passed).await;
    assert_eq!(status, 409, "spent: {body}");

    let detail = wait_for(&app, &ana, id, &["warm", "succeeded"]).await;
    let run = &detail["hooks"][0];
    assert_eq!(
        (run["name"].as_str(), run["stage"].as_str()),
        (Some("smoke"), Some("before_switch"))
    );
    assert_eq!(
        (run["status"].as_str(), run["summary"].as_str()),
        (Some("passed"), Some("41 green"))
    );
    assert_eq!(run["link"], "https://ci.example.com/7");
    assert!(detail
        .to_string()
        .contains("Acceptance hook smoke passed: 41 green (https://ci.example.com/7)"));
    let (status, _) = post_result(
        &app.url("/api/v1/hook-runs/999/result"),
        Some(&token),
        json!({"status": "passed"}),
    )
    .await;
    assert_eq!(status, 404);
}
