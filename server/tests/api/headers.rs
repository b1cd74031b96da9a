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

/// The value of `<attr>="…"` in the first tag of `html` that has it.
fn attribute<'a>(html: &'a str, attr: &str) -> Option<&'a str> {
    let start = html.find(&format!("{attr}=\""))? + attr.len() + 2;
    html[start..].split('"').next()
}

#[tokio::test]
async fn a_page_allows_only_scripts_from_here_or_with_its_own_fresh_nonce() {
    let app = spawn_app_with_site(Site::from_files(vec![
        ("pkg/greenlight.abc.js".into(), b"export default 1".to_vec()),
        ("pkg/greenlight.abc.wasm".into(), b"\0asm".to_vec()),
    ]))
    .await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let page = app.get(None, "/login").await;
        let csp = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = page.text().await.unwrap();
        let nonce = attribute(&html, "nonce").expect("the hydration script carries a nonce");
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"
            )),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let scripts = html.matches("<script").count();
        let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
        assert_eq!(
            scripts, with_nonce,
            "every inline script carries the nonce: {html}"
        );
        nonces.push(nonce.to_owned());
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce per response");
    let token = app.token("ana", Role::Viewer).await;
    let api = app.get(Some(&token), "/api/v1/builds").await;
    let csp = api.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.starts_with("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
}
