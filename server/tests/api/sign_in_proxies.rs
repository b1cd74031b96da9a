//! Sign-in behind a reverse proxy: from a peer in `trusted_proxies`, `X-Forwarded-For` names
//! the client, so clients of one proxy are throttled apart; from any other peer the header is
//! ignored, so a client cannot escape a lockout by naming a fresh address.

use crate::support::app::{spawn_app_with, TestApp};
use app::domain::Role;
use greenlight::config::TrustedProxies;
use sqlx::Row;

async fn behind(proxies: &[&str]) -> TestApp {
    let trusted = TrustedProxies::parse(proxies.iter().copied()).expect("proxies");
    spawn_app_with(|settings| settings.trusted_proxies = trusted).await
}

/// A wrong password for `name`, through the proxy, for the client `forwarded_for` names;
/// answers the status.
async fn fail(app: &TestApp, client: &reqwest::Client, forwarded_for: &str, name: &str) -> u16 {
    app.login_forwarded_for(client, forwarded_for, name, "not-the-password-123")
        .await
        .status()
        .as_u16()
}

/// The addresses sign-in attempts were recorded under, in order.
async fn attempt_addresses(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT address FROM login_attempts ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .expect("attempts")
        .iter()
        .map(|row| row.try_get("address").expect("address"))
        .collect()
}

#[tokio::test]
async fn behind_a_trusted_proxy_x_forwarded_for_tells_clients_apart() {
    let app = behind(&["127.0.0.1"]).await;
    let password = app.user("ana", Role::Viewer).await;
    // Every request arrives from the proxy at 127.0.0.1.
    let x = app.new_client();
    for n in 0..20 {
        assert_eq!(
            fail(&app, &x, "203.0.113.7", &format!("user{n}")).await,
            401
        );
    }
    let refused = app
        .login_forwarded_for(&x, "203.0.113.7", "ana", &password)
        .await;
    assert_eq!(refused.status(), 429, "client X is locked out");
    let y = app.new_client();
    let response = app
        .login_forwarded_for(&y, "198.51.100.9", "ana", &password)
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let addresses = attempt_addresses(&app).await;
    assert_eq!(addresses.last().map(String::as_str), Some("198.51.100.9"));
    assert!(addresses[..21].iter().all(|a| a == "203.0.113.7"));
}

#[tokio::test]
async fn behind_a_trusted_proxy_an_address_the_client_wrote_itself_is_not_believed() {
    let app = behind(&["127.0.0.1"]).await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    // The client sends `X-Forwarded-For: <anything>`; the proxy appends its real address.
    for n in 0..5 {
        let chain = format!("192.0.2.{n}, 203.0.113.7");
        assert_eq!(fail(&app, &client, &chain, "ana").await, 401);
    }
    let response = app
        .login_forwarded_for(&client, "192.0.2.99, 203.0.113.7", "ana", &password)
        .await;
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn from_an_untrusted_peer_x_forwarded_for_is_ignored_and_a_fresh_address_in_it_escapes_no_lockout(
) {
    let app = behind(&["10.0.0.0/8"]).await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.client_from("127.0.0.2");
    for n in 0..5 {
        let spoofed = format!("203.0.113.{n}");
        assert_eq!(fail(&app, &client, &spoofed, "ana").await, 401);
    }
    let response = app
        .login_forwarded_for(&client, "198.51.100.9", "ana", &password)
        .await;
    assert_eq!(response.status(), 429);
    let addresses = attempt_addresses(&app).await;
    assert_eq!(addresses, vec!["127.0.0.2"; 6]);
}
