//! Which browser origins may send mutations: with `public_url` set, only its exact origin;
//! without, only plain http on the server's own host — a matching host with another scheme
//! is another origin.

use crate::support::app::{spawn_app, spawn_app_with, TestApp};
use app::domain::Role;

/// Posts the sign-in server function from `origin` as ana (a viewer), answering the status.
async fn sign_in_from(app: &TestApp, origin: &str) -> u16 {
    let password = "ana-password-123";
    app.new_client()
        .post(app.url(crate::support::app::login_path()))
        .header("Origin", origin)
        .form(&[("name", "ana"), ("password", password)])
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

#[tokio::test]
async fn with_a_public_url_only_its_exact_origin_may_send_mutations() {
    let app = spawn_app_with(|s| {
        s.public_url = app::domain::HttpUrl::parse("https://greenlight.example.com").ok()
    })
    .await;
    assert_eq!(
        sign_in_from(&app, &app.base).await,
        403,
        "the host header is not enough"
    );
    assert_eq!(
        sign_in_from(&app, "http://greenlight.example.com").await,
        403
    );
    assert_ne!(
        sign_in_from(&app, "https://greenlight.example.com").await,
        403
    );
}

#[tokio::test]
async fn without_a_public_url_the_own_host_counts_only_over_plain_http() {
    let app = spawn_app().await;
    app.user("ana", Role::Viewer).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    assert_eq!(sign_in_from(&app, &format!("https://{host}")).await, 403);
    assert_ne!(sign_in_from(&app, &app.base).await, 403);
}
