//! E-mail notifications through a real SMTP server on loopback (aiosmtpd): a deployment's
//! success reaches the configured recipients over STARTTLS with authentication, as plain text
//! and HTML with the deployment's link; implicit TLS works too; a wrong password leaves the
//! delivery failing with the server's refusal and without the password.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine_app::{deploy_to_test, engine_settings};
use crate::support::smtp::{MailServer, LOGIN};
use app::domain::Role;
use greenlight::config::notifications::{
    ChannelKind, ChannelSettings, NotificationSettings, RuleSettings,
};
use greenlight::config::secret::SecretSource;
use greenlight::config::smtp::{SmtpSecurity, SmtpSettings};
use serde_json::json;
use std::path::PathBuf;

fn mail(server: &MailServer, security: SmtpSecurity, password: PathBuf) -> NotificationSettings {
    NotificationSettings {
        channels: vec![ChannelSettings {
            name: "team-lead-mail".into(),
            kind: ChannelKind::Email,
            url: None,
            secret: None,
            to: vec![
                "Team Lead <lead@example.com>".into(),
                "dev@example.com".into(),
            ],
        }],
        rules: vec![RuleSettings {
            events: vec!["deployment.succeeded".into(), "freeze.set".into()],
            environments: Vec::new(),
            channels: vec!["team-lead-mail".into()],
        }],
        smtp: Some(SmtpSettings {
            host: "localhost".into(),
            port: Some(server.port),
            security,
            username: Some(LOGIN.into()),
            password: Some(SecretSource::File(password)),
            from: "Greenlight <greenlight@example.com>".into(),
            ca_file: Some(server.ca_file()),
        }),
        retry_base: "50ms".parse().expect("duration"),
        max_attempts: 3,
        ..NotificationSettings::default()
    }
}

async fn app_with(notifications: NotificationSettings) -> TestApp {
    spawn_app_with(move |s| {
        engine_settings(s);
        s.public_url =
            Some(app::domain::HttpUrl::parse("https://greenlight.example.com").expect("url"));
        s.notifications = notifications;
    })
    .await
}

// Quoted-printable and line folding aside, the text a reader sees.
fn unfolded(data: &str) -> String {
    data.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

#[tokio::test]
async fn a_deployment_mails_the_recipients_over_starttls_with_auth_as_text_and_html_with_its_link()
{
    let server = MailServer::start("starttls");
    let app = app_with(mail(
        &server,
        SmtpSecurity::Starttls,
        server.password_file(),
    ))
    .await;
    let ana = app.token("ana", Role::Engineer).await;
    let id = deploy_to_test(&app, &ana, "2.4.1").await;
    let got = server.wait_for(1).await;
    let message = &got[0];
    assert_eq!(message["login"], LOGIN, "authenticated");
    assert_eq!(message["from"], "greenlight@example.com");
    assert_eq!(
        message["to"],
        json!(["lead@example.com", "dev@example.com"]),
        "both recipients"
    );
    let data = unfolded(message["data"].as_str().expect("data"));
    assert!(data.contains("Subject: [Greenlight] "), "{data}");
    assert!(data.contains("2.4.1"), "{data}");
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("Content-Type: text/plain"), "{data}");
    assert!(data.contains("Content-Type: text/html"), "{data}");
    let link = format!("https://greenlight.example.com/deployments/{id}");
    assert!(
        data.contains(&format!("Open in Greenlight: {link}")),
        "{data}"
    );
    assert!(data.contains(&format!("<a href=\"{link}\">")), "{data}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(server.received().len(), 1, "delivered once");
}

#[tokio::test]
async fn implicit_tls_delivers_a_freeze_by_mail() {
    let server = MailServer::start("tls");
    let app = app_with(mail(&server, SmtpSecurity::Tls, server.password_file())).await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/staging/freeze",
            json!({"reason": "quarter close"}),
        )
        .await;
    assert_eq!(status, 201);
    let got = server.wait_for(1).await;
    let data = unfolded(got[0]["data"].as_str().expect("data"));
    assert!(data.contains("quarter close"), "{data}");
    assert_eq!(got[0]["login"], LOGIN);
}

#[tokio::test]
async fn a_wrong_password_fails_the_delivery_with_the_refusal_and_never_the_password() {
    let server = MailServer::start("starttls");
    let wrong = "not-the-password-9876";
    let wrong_file = std::env::temp_dir().join(format!(
        "greenlight-smtp-wrong-{}",
        crate::support::oidc::free_port()
    ));
    std::fs::write(&wrong_file, wrong).expect("password file");
    let app = app_with(mail(&server, SmtpSecurity::Starttls, wrong_file.clone())).await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, _) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/freeze",
            json!({"reason": "wrong password"}),
        )
        .await;
    assert_eq!(status, 201);
    let mut outcome = (String::new(), 0_i64, None::<String>);
    for _ in 0..150 {
        use sqlx::Row;
        let row = sqlx::query("SELECT status, attempts, last_error FROM notification_deliveries")
            .fetch_optional(&app.pool)
            .await
            .expect("delivery");
        if let Some(row) = row {
            outcome = (
                row.try_get("status").expect("status"),
                row.try_get("attempts").expect("attempts"),
                row.try_get("last_error").expect("error"),
            );
            if outcome.0 == "failed" {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = std::fs::remove_file(&wrong_file);
    assert_eq!(
        (outcome.0.as_str(), outcome.1),
        ("failed", 3),
        "given up after max_attempts"
    );
    let error = outcome.2.expect("an error is kept");
    assert!(error.contains("535"), "the server's refusal: {error}");
    assert!(!error.contains(wrong), "{error}");
    assert!(server.received().is_empty());
}
