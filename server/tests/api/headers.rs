//! The headers every answer carries: on a page, an API answer and a static file; no-store on
//! data, the site files' own caching kept; HSTS only behind https.

use crate::support::app::{spawn_app_with, spawn_app_with_site};
use app::domain::Role;
use greenlight::site::Site;

fn assert_protected(headers: &reqwest::header::HeaderMap, what: &str) {
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["referrer-policy"], "same-origin", "{what}");
    assert_eq!(headers["x-frame-options"], "DENY", "{what}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

#[tokio::test]
async fn pages_api_answers_and_static_files_carry_the_security_headers() {
    let app = spawn_app_with_site(Site::from_files(vec![(
        "pkg/greenlight.abc.css".into(),
        b"body{}".to_vec(),
    )]))
    .await;
    let token = app.token("ana", Role::Viewer).await;
    let page = app.get(None, "/login").await;
    assert_protected(page.headers(), "page");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let api = app.get(Some(&token), "/api/v1/builds").await;
    assert_eq!(api.status(), 200);
    assert_protected(api.headers(), "API answer");
    assert_eq!(api.headers()["cache-control"], "no-store");
    assert!(api.headers().get("strict-transport-security").is_none());
    let file = app.get(None, "/pkg/greenlight.abc.css").await;
    assert_eq!(file.status(), 200);
    assert_protected(file.headers(), "static file");
    assert!(file.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
}

#[tokio::test]
async fn behind_https_answers_ask_browsers_to_stay_on_https() {
    let app = spawn_app_with(|s| {
        s.public_url = app::domain::HttpUrl::parse("https://greenlight.example.com").ok()
    })
    .await;
    let page = app.get(None, "/login").await;
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}
