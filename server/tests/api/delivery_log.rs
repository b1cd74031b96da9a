//! The admin's delivery log over the API: channels listed by name and kind only, a test
//! message queued to one channel and delivered by the worker (signed, audited), a failing
//! channel shown failed with its error but never its URL, and nobody but admins let in.

use crate::notifications::{app_with, verify};
use crate::support::receiver::Receiver;
use app::domain::Role;
use serde_json::{json, Value};

/// Polls the log until the newest delivery is `status`.
async fn newest_once(app: &crate::support::app::TestApp, token: &str, status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..150 {
        let (code, body) = app
            .get_json(Some(token), "/api/v1/notifications/deliveries?limit=5")
            .await;
        assert_eq!(code, 200, "{body}");
        last = body["deliveries"][0].clone();
        if last["status"] == status {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the newest delivery never became {status}: {last}");
}

#[tokio::test]
async fn an_admin_sends_a_test_message_that_arrives_signed_and_shows_sent_in_the_log() {
    let hook = Receiver::start(0, 0).await;
    let app = app_with(&hook.url, "http://127.0.0.1:9/none", None).await;
    let admin = app.token("ada", Role::Admin).await;
    let (status, log) = app
        .get_json(Some(&admin), "/api/v1/notifications/deliveries")
        .await;
    assert_eq!(status, 200, "{log}");
    assert_eq!(
        log["channels"],
        json!([{"name": "ops-hook", "kind": "webhook"}, {"name": "release-channel", "kind": "slack"}])
    );
    assert_eq!(log["deliveries"], json!([]));

    let (status, queued) = app
        .post_json(
            Some(&admin),
            "/api/v1/notifications/channels/ops-hook/test",
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["event"], "notification.test");
    assert_eq!(queued["channel"], "ops-hook");
    let got = hook.wait_for(1).await;
    verify(&got[0].0, &got[0].1);
    let payload: Value = serde_json::from_str(&got[0].1).expect("json");
    assert_eq!(
        payload["summary"],
        "Test message from Greenlight to ops-hook, sent by ada"
    );
    let sent = newest_once(&app, &admin, "sent").await;
    assert_eq!(
        (sent["id"].clone(), sent["attempts"].clone()),
        (queued["id"].clone(), json!(1))
    );
    assert!(sent["sent_at"].is_string(), "{sent}");

    let entries = greenlight::db::audit::recent(&app.pool, 1)
        .await
        .expect("audit");
    assert_eq!(
        (
            entries[0].action.as_str(),
            entries[0].target.as_str(),
            entries[0].actor.as_str()
        ),
        ("notification.test", "ops-hook", "ada")
    );
}

#[tokio::test]
async fn a_failing_channel_shows_failed_with_its_error_and_never_its_url() {
    // Port 9 (discard) refuses connections on loopback: every attempt fails.
    let app = app_with(
        "http://127.0.0.1:9/hook-secret-path",
        "http://127.0.0.1:9/none",
        None,
    )
    .await;
    let admin = app.token("ada", Role::Admin).await;
    let (status, _) = app
        .post_json(
            Some(&admin),
            "/api/v1/notifications/channels/ops-hook/test",
            json!({}),
        )
        .await;
    assert_eq!(status, 202);
    let failed = newest_once(&app, &admin, "failed").await;
    assert_eq!(failed["attempts"], 5, "max_attempts: {failed}");
    let error = failed["last_error"].as_str().expect("an error");
    assert!(!error.is_empty());
    let (_, whole) = app
        .get_json(Some(&admin), "/api/v1/notifications/deliveries")
        .await;
    assert!(
        !whole.to_string().contains("hook-secret-path"),
        "the URL is a secret: {whole}"
    );
}

#[tokio::test]
async fn only_admins_read_the_log_or_send_and_an_unknown_channel_is_404() {
    let app = app_with("http://127.0.0.1:9/a", "http://127.0.0.1:9/b", None).await;
    let admin = app.token("ada", Role::Admin).await;
    let engineer = app.token("ed", Role::Engineer).await;
    let (status, _) = app
        .get_json(Some(&engineer), "/api/v1/notifications/deliveries")
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .post_json(
            Some(&engineer),
            "/api/v1/notifications/channels/ops-hook/test",
            json!({}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .post_json(
            Some(&admin),
            "/api/v1/notifications/channels/nowhere/test",
            json!({}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body.to_string().contains("nowhere"), "{body}");
    assert_eq!(app.count("notification_events").await, 0, "nothing queued");
}

#[tokio::test]
async fn the_notifications_page_lists_channels_and_its_button_queues_a_test_message() {
    use app::api::admin::SendTestMessage;
    use leptos::server_fn::ServerFn;
    let hook = Receiver::start(0, 0).await;
    // No `public_url`: an https one would make the session cookie Secure, unsent over http.
    let n = crate::notifications::notifications(&hook.url, "http://127.0.0.1:9/none");
    let app = crate::support::app::spawn_app_with(move |s| s.notifications = n).await;
    let client = app.new_client();
    let password = app.user("root", Role::Admin).await;
    app.login(&client, "root", &password).await;
    let page = || async {
        let response = client
            .get(app.url("/admin/notifications"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), 200);
        response.text().await.expect("html")
    };
    let html = page().await;
    assert!(html.contains("data-testid=\"channels\""), "{html}");
    assert!(
        html.contains("aria-label=\"Send a test message to ops-hook\""),
        "{html}"
    );
    assert!(html.contains("Nothing sent yet."), "{html}");
    assert!(!html.contains(&hook.url), "no URL on the page");

    let answer = app
        .server_fn(
            &client,
            SendTestMessage::PATH,
            &[("channel", "ops-hook")],
            None,
        )
        .await;
    assert!(answer.status().is_success(), "{}", answer.status());
    hook.wait_for(1).await;
    let mut html = String::new();
    for _ in 0..100 {
        html = page().await;
        if html.contains("data-status=\"sent\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(html.contains("data-status=\"sent\""), "{html}");
    assert!(html.contains("notification.test"), "{html}");
}
