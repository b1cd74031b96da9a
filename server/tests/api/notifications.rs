//! Notifications through real HTTP to a receiver on loopback: a freeze and a deployment reach
//! the channels the rules pick, the generic webhook signed (the receiver checks the HMAC), a
//! Slack-compatible message with a link; a receiver failing three times gets the message once
//! the retries succeed; an event written before a restart is delivered after it.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine_app::{deploy_to_test, engine_settings};
use crate::support::receiver::Receiver;
use app::domain::Role;
use greenlight::config::notifications::{
    ChannelKind, ChannelSettings, NotificationSettings, RuleSettings,
};
use greenlight::config::secret::SecretSource;
use serde_json::{json, Value};
use std::path::PathBuf;

const KEY: &str = "webhook-signing-key-for-tests";

fn secret_file(name: &str, value: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("greenlight-{name}-{}", rand_suffix()));
    std::fs::write(&path, value).expect("secret file");
    path
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_nanos() as u64
}

fn notifications(webhook: &str, slack: &str) -> NotificationSettings {
    NotificationSettings {
        channels: vec![
            ChannelSettings {
                name: "ops-hook".into(),
                kind: ChannelKind::Webhook,
                url: Some(SecretSource::File(secret_file("hook-url", webhook))),
                secret: Some(SecretSource::File(secret_file("hook-key", KEY))),
                to: Vec::new(),
            },
            ChannelSettings {
                name: "release-channel".into(),
                kind: ChannelKind::Slack,
                url: Some(SecretSource::File(secret_file("slack-url", slack))),
                secret: None,
                to: Vec::new(),
            },
        ],
        rules: vec![
            RuleSettings {
                events: vec!["freeze.set".into()],
                environments: Vec::new(),
                channels: vec!["ops-hook".into()],
            },
            RuleSettings {
                events: vec!["deployment.succeeded".into()],
                environments: vec![app::domain::EnvironmentName::parse("test").expect("env")],
                channels: vec!["release-channel".into()],
            },
        ],
        smtp: None,
        retry_base: "50ms".parse().expect("duration"),
        max_attempts: 5,
    }
}

async fn app_with(webhook: &str, slack: &str, database_url: Option<String>) -> TestApp {
    let n = notifications(webhook, slack);
    spawn_app_with(move |s| {
        engine_settings(s);
        s.public_url =
            Some(app::domain::HttpUrl::parse("https://greenlight.example.com").expect("url"));
        s.notifications = n;
        if let Some(url) = database_url {
            s.database_url = url;
        }
    })
    .await
}

fn verify(headers: &axum::http::HeaderMap, body: &str) {
    let timestamp: i64 = headers["x-greenlight-timestamp"]
        .to_str()
        .expect("ts")
        .parse()
        .expect("ts");
    let now = rand_suffix() as i64 / 1_000_000_000;
    assert!((now - timestamp).abs() < 300, "a fresh timestamp");
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).expect("key");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(
        headers["x-greenlight-signature"],
        expected.as_str(),
        "the receiver checks the HMAC"
    );
}

#[tokio::test]
async fn a_freeze_reaches_the_signed_webhook_and_a_deployment_the_slack_channel_once_each() {
    let hook = Receiver::start(0, 0).await;
    let slack = Receiver::start(0, 0).await;
    let app = app_with(&hook.url, &slack.url, None).await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/staging/freeze",
            json!({"reason": "incident 42"}),
        )
        .await;
    assert_eq!(status, 201);
    let got = hook.wait_for(1).await;
    let (headers, body) = &got[0];
    verify(headers, body);
    assert_eq!(headers["x-greenlight-event"], "freeze.set");
    let payload: Value = serde_json::from_str(body).expect("json");
    assert_eq!(payload["event"], "freeze.set");
    assert_eq!(payload["environment"], "staging");
    assert!(
        payload["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("incident 42"),
        "{payload}"
    );

    let id = deploy_to_test(&app, &ana, "1.0.0").await;
    let got = slack.wait_for(1).await;
    let message: Value = serde_json::from_str(&got[0].1).expect("json");
    assert!(
        message["text"]
            .as_str()
            .unwrap_or_default()
            .contains("1.0.0"),
        "{message}"
    );
    let link = format!("https://greenlight.example.com/deployments/{id}");
    assert!(message["blocks"].to_string().contains(&link), "{message}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        hook.received().len(),
        1,
        "the webhook's rule takes freezes only"
    );
    assert_eq!(slack.received().len(), 1, "delivered once");
}

#[tokio::test]
async fn a_receiver_that_fails_three_times_gets_the_message_once_the_retries_succeed() {
    let hook = Receiver::start(0, 3).await;
    let app = app_with(&hook.url, "http://127.0.0.1:9/none", None).await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "flaky receiver"}),
        )
        .await;
    assert_eq!(status, 201);
    let got = hook.wait_for(1).await;
    assert_eq!(hook.refused(), 3);
    verify(&got[0].0, &got[0].1);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(hook.received().len(), 1, "once, not again");
    let (status, attempts): (String, i64) = {
        use sqlx::Row;
        let row = sqlx::query("SELECT status, attempts FROM notification_deliveries")
            .fetch_one(&app.pool)
            .await
            .expect("delivery");
        (
            row.try_get("status").expect("status"),
            row.try_get("attempts").expect("attempts"),
        )
    };
    assert_eq!((status.as_str(), attempts), ("sent", 4));
}

#[tokio::test]
async fn an_event_written_before_a_restart_is_delivered_after_it() {
    // The receiver is down while the first server runs.
    let port = crate::support::oidc::free_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let first = app_with(&url, "http://127.0.0.1:9/none", None).await;
    let ana = first.token("ana", Role::Engineer).await;
    let (status, _) = first
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "before restart"}),
        )
        .await;
    assert_eq!(status, 201);
    let database_url = first.database_url.clone();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(first);
    let hook = Receiver::start(port, 0).await;
    let _second = app_with(&url, "http://127.0.0.1:9/none", Some(database_url)).await;
    let got = hook.wait_for(1).await;
    let payload: Value = serde_json::from_str(&got[0].1).expect("json");
    assert!(
        payload["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("before restart"),
        "{payload}"
    );
}
