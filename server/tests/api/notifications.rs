//! Notifications through real HTTP to a receiver on loopback: a freeze and a deployment reach
//! the channels the rules pick, the generic webhook signed (the receiver checks the HMAC), a
//! Slack-compatible message with a link; a receiver failing three times gets the message once
//! the retries succeed; an event written before a restart is delivered after it; an unreachable
//! channel's failure names its cause, never its URL.

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

pub(crate) fn notifications(webhook: &str, slack: &str) -> NotificationSettings {
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
        ..NotificationSettings::default()
    }
}

pub(crate) async fn app_with(webhook: &str, slack: &str, database_url: Option<String>) -> TestApp {
    app_notifying(notifications(webhook, slack), database_url).await
}

async fn app_notifying(n: NotificationSettings, database_url: Option<String>) -> TestApp {
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

pub(crate) fn verify(headers: &axum::http::HeaderMap, body: &str) {
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
async fn an_unreachable_channel_records_why_it_failed_without_its_url() {
    let port = crate::support::oidc::free_port();
    let url = format!("http://127.0.0.1:{port}/services/T000/SECRET-PATH-KEY");
    let app = app_with(&url, "http://127.0.0.1:9/none", None).await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "nobody listens"}),
        )
        .await;
    assert_eq!(status, 201);
    let mut error = None;
    for _ in 0..100 {
        use sqlx::Row;
        let row = sqlx::query("SELECT last_error FROM notification_deliveries")
            .fetch_optional(&app.pool)
            .await
            .expect("delivery");
        error = row.and_then(|r| r.try_get::<Option<String>, _>("last_error").expect("error"));
        if error.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let error = error.expect("the failed attempt is recorded");
    assert!(
        error.to_lowercase().contains("refused"),
        "the cause is told: {error}"
    );
    assert!(!error.contains("SECRET-PATH-KEY"), "never the URL: {error}");
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

#[tokio::test]
async fn qa_hears_a_build_reached_test_and_the_team_hears_the_sign_off_verdicts() {
    let qa_hook = Receiver::start(0, 0).await;
    let mut n = notifications(&qa_hook.url, "http://127.0.0.1:9/none");
    // The example: sign-off requests for TEST to the QA channel.
    n.rules = vec![RuleSettings {
        events: vec![
            "signoff.requested".into(),
            "signoff.approved".into(),
            "signoff.rejected".into(),
        ],
        environments: vec![app::domain::EnvironmentName::parse("test").expect("env")],
        channels: vec!["ops-hook".into()],
    }];
    let app = app_notifying(n, None).await;
    let ana = app.token("ana", Role::Engineer).await;
    let sam = app.token("sam", Role::Qa).await;
    // STAGING requires a sign-off in these settings: a build live in TEST is QA's cue.
    let id = deploy_to_test(&app, &ana, "3.1.0").await;
    let got = qa_hook.wait_for(1).await;
    let (headers, body) = &got[0];
    verify(headers, body);
    let payload: Value = serde_json::from_str(body).expect("json");
    assert_eq!(payload["event"], "signoff.requested");
    assert_eq!(payload["environment"], "test");
    assert_eq!(payload["deployment_id"], id);
    assert_eq!(
        payload["summary"],
        "3.1.0 is live in test: QA's sign-off there is needed before it goes to staging"
    );

    for (verdict, notes) in [
        ("rejected", "checkout broken"),
        ("approved", "fixed by config"),
    ] {
        let (status, body) = app
            .post_json(
                Some(&sam),
                "/api/v1/builds/3.1.0/signoffs",
                json!({"environment": "test", "verdict": verdict, "notes": notes}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let got = qa_hook.wait_for(3).await;
    let told: Vec<(String, String)> = got[1..]
        .iter()
        .map(|(_, body)| {
            let payload: Value = serde_json::from_str(body).expect("json");
            (
                payload["event"].as_str().unwrap_or_default().to_owned(),
                payload["summary"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        told,
        [
            (
                "signoff.rejected".to_owned(),
                "3.1.0 rejected in test by sam: checkout broken".to_owned()
            ),
            (
                "signoff.approved".to_owned(),
                "3.1.0 approved in test by sam: fixed by config".to_owned()
            ),
        ]
    );
}
