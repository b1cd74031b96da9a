//! Single sign-on against a real OpenID provider (panva/oidc-provider on loopback): the user
//! made at the first sign-in with the role their groups map to, the role following the
//! groups, refusals (no mapped group, disabled, a name taken, a tampered ID token, a callback
//! that is not this browser's), keys rotated at the provider, sign-out, and password sign-in
//! turned off.

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::oidc::{free_port, sign_in, walk, Provider};
use app::domain::Role;
use greenlight::config::oidc::OidcSettings;
use greenlight::config::secret::SecretSource;
use serde_json::{json, Value};
use sqlx::Row;

async fn sso_app(accounts: Value, tampered: &[&str], password_login: bool) -> (TestApp, Provider) {
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let provider = Provider::start(&public, accounts, tampered);
    let oidc = OidcSettings {
        issuer: app::domain::HttpUrl::parse(&provider.issuer).expect("issuer"),
        client_id: "greenlight".into(),
        client_secret: SecretSource::File(provider.secret_file()),
        scopes: ["openid", "profile", "groups"].map(String::from).to_vec(),
        groups_claim: "groups".into(),
        username_claim: "preferred_username".into(),
        role_mapping: [
            ("release-managers".to_owned(), Role::Engineer),
            ("qa".to_owned(), Role::Qa),
        ]
        .into(),
        allow_password_login: password_login,
        label: "Test provider".into(),
    };
    let app = spawn_app_with(move |s| {
        s.listen = format!("127.0.0.1:{port}").parse().expect("listen");
        s.public_url = Some(app::domain::HttpUrl::parse(&public).expect("public"));
        s.auth.oidc = Some(oidc);
    })
    .await;
    (app, provider)
}

async fn user(app: &TestApp, name: &str) -> Option<(String, String, Option<String>)> {
    sqlx::query("SELECT role, kind, sso_subject FROM users WHERE name = $1")
        .bind(name)
        .fetch_optional(&app.pool)
        .await
        .expect("user")
        .map(|row| {
            (
                row.try_get("role").expect("role"),
                row.try_get("kind").expect("kind"),
                row.try_get("sso_subject").expect("subject"),
            )
        })
}

/// Whether the client's session reaches a page (not sent to the sign-in page).
async fn signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    let response = client.get(app.url("/history")).send().await.expect("page");
    response.status().as_u16() == 200
}

#[tokio::test]
async fn the_first_sign_in_makes_the_user_with_the_role_their_groups_map_to_and_later_ones_follow_the_groups(
) {
    let (app, provider) = sso_app(
        json!({"alice": {"groups": ["release-managers", "staff"]}}),
        &[],
        true,
    )
    .await;
    let first = sign_in(&app, "alice").await;
    assert_eq!(first.status, 200, "{} {}", first.url, first.body);
    assert!(first.url.contains("/auth/oidc/callback"), "{}", first.url);
    assert!(
        first.body.contains("url=/history"),
        "the bounce page moves on to `next`: {}",
        first.body
    );
    assert!(signed_in(&app, &first.client).await);
    assert_eq!(
        user(&app, "alice").await,
        Some(("engineer".into(), "person".into(), Some("alice".into())))
    );
    assert_eq!(app.audited("user.add").await, 1);

    provider.set_accounts(json!({"alice": {"groups": ["qa"]}}));
    let second = sign_in(&app, "alice").await;
    assert!(signed_in(&app, &second.client).await);
    assert_eq!(user(&app, "alice").await.expect("alice").0, "qa");
    assert_eq!(app.audited("user.role_from_groups").await, 1);
    assert_eq!(
        app.count("users").await,
        1,
        "the same subject is the same user"
    );

    provider.set_accounts(json!({"alice": {"groups": ["staff"]}}));
    let refused = sign_in(&app, "alice").await;
    assert!(
        refused.url.ends_with("/login?sso=no-role"),
        "{}",
        refused.url
    );
    assert!(!signed_in(&app, &refused.client).await);
    assert!(
        !signed_in(&app, &second.client).await,
        "losing every mapped group ends the sessions the user had"
    );
    assert_eq!(app.audited("session.sso_no_role").await, 1);
}

#[tokio::test]
async fn an_id_token_altered_after_signing_is_refused_and_makes_no_user() {
    let (app, _provider) =
        sso_app(json!({"mallory": {"groups": ["qa"]}}), &["mallory"], true).await;
    let outcome = sign_in(&app, "mallory").await;
    assert!(
        outcome.url.ends_with("/login?sso=failed"),
        "{}",
        outcome.url
    );
    assert!(!signed_in(&app, &outcome.client).await);
    assert_eq!(user(&app, "mallory").await, None);
    assert_eq!(app.audited("session.sso_failed").await, 1);
}

#[tokio::test]
async fn a_callback_without_this_browsers_cookie_or_with_another_state_starts_no_session() {
    let (app, _provider) = sso_app(json!({"alice": {"groups": ["qa"]}}), &[], true).await;
    // Another browser's callback (login CSRF): no handle cookie.
    let stranger = app.new_client();
    let outcome = walk(&stranger, app.url("/auth/oidc/callback?code=abc&state=xyz")).await;
    assert!(
        outcome.url.ends_with("/login?sso=expired"),
        "{}",
        outcome.url
    );
    // This browser's cookie, a state it never sent: refused, and the pending sign-in is used up.
    let client = app.new_client();
    let out = client
        .get(app.url("/auth/oidc/login"))
        .send()
        .await
        .expect("login");
    assert_eq!(out.status().as_u16(), 303);
    let cookie = out.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert_eq!(app.count("sso_logins").await, 1);
    let outcome = walk(
        &client,
        app.url("/auth/oidc/callback?code=abc&state=forged"),
    )
    .await;
    assert!(
        outcome.url.ends_with("/login?sso=expired"),
        "{}",
        outcome.url
    );
    assert_eq!(app.count("sso_logins").await, 0);
    assert!(!signed_in(&app, &client).await);
}

#[tokio::test]
async fn keys_rotated_at_the_provider_are_read_again_when_an_id_token_names_a_new_one() {
    let (app, mut provider) = sso_app(
        json!({"alice": {"groups": ["qa"]}, "bob": {"groups": ["qa"]}}),
        &[],
        true,
    )
    .await;
    assert!(signed_in(&app, &sign_in(&app, "alice").await.client).await);
    provider.restart();
    // Past the pause between two readings of the provider's keys.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let bob = sign_in(&app, "bob").await;
    assert_eq!(bob.status, 200, "{} {}", bob.url, bob.body);
    assert!(signed_in(&app, &bob.client).await);
}

#[tokio::test]
async fn a_disabled_user_and_a_name_held_by_a_password_account_are_refused() {
    let (app, _provider) = sso_app(
        json!({"alice": {"groups": ["qa"]}, "e2e": {"groups": ["qa"]}}),
        &[],
        true,
    )
    .await;
    app.user("e2e", Role::Admin).await;
    let taken = sign_in(&app, "e2e").await;
    assert!(
        taken.url.ends_with("/login?sso=name-taken"),
        "{}",
        taken.url
    );
    assert_eq!(
        user(&app, "e2e").await.expect("e2e").2,
        None,
        "the password account stays unlinked"
    );

    assert!(signed_in(&app, &sign_in(&app, "alice").await.client).await);
    sqlx::query("UPDATE users SET disabled_at = 1 WHERE name = 'alice'")
        .execute(&app.pool)
        .await
        .expect("disable");
    let disabled = sign_in(&app, "alice").await;
    assert!(
        disabled.url.ends_with("/login?sso=disabled"),
        "{}",
        disabled.url
    );
}

#[tokio::test]
async fn signing_out_of_a_single_sign_on_session_offers_the_providers_end_session() {
    let (app, provider) = sso_app(json!({"alice": {"groups": ["qa"]}}), &[], true).await;
    let alice = sign_in(&app, "alice").await.client;
    let logout = <app::api::auth::Logout as leptos::server_fn::ServerFn>::PATH;
    let response = app.server_fn(&alice, logout, &[], None).await;
    let to = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    assert_eq!(to.as_deref(), Some("/login?signed_out=sso"));
    assert!(!signed_in(&app, &alice).await);
    let choices = <app::api::auth::SignInChoices as leptos::server_fn::ServerFn>::PATH;
    let response = app
        .server_fn(
            &app.new_client(),
            choices,
            &[("signed_out_of_sso", "true")],
            None,
        )
        .await;
    let options: Value = response.json().await.expect("json");
    let end = options["provider_sign_out"]
        .as_str()
        .expect("end-session URL");
    assert!(
        end.starts_with(&format!("{}/session/end?", provider.issuer)),
        "{end}"
    );
    assert!(end.contains("client_id=greenlight"), "{end}");
    assert_eq!(options["single_sign_on"], "Test provider");
    assert_eq!(options["password"], true);
    // The provider's end-session page answers.
    let page = walk(&app.new_client(), end.to_owned()).await;
    assert_eq!(page.status, 200, "{}", page.body);
}

#[tokio::test]
async fn with_password_sign_in_turned_off_a_password_is_refused_naming_single_sign_on() {
    let (app, _provider) = sso_app(json!({}), &[], false).await;
    let password = app.user("pat", Role::Engineer).await;
    let response = app.login(&app.new_client(), "pat", &password).await;
    assert_eq!(response.status().as_u16(), 403);
    let body = response.text().await.expect("body");
    assert!(body.contains("use single sign-on"), "{body}");
    assert_eq!(
        app.count("login_attempts").await,
        0,
        "refused before any check"
    );
}

#[tokio::test]
async fn a_single_sign_on_user_has_no_password_here_to_change_or_reset() {
    let (app, _provider) = sso_app(json!({"alice": {"groups": ["qa"]}}), &[], true).await;
    let alice = sign_in(&app, "alice").await.client;
    let page = alice
        .get(app.url("/account"))
        .send()
        .await
        .expect("account");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("data-testid=\"single-sign-on\""), "{html}");
    assert!(!html.contains("Change your password"));
    let error = greenlight::service::users::reset_password(
        &app.pool,
        &greenlight::clock::SystemClock,
        crate::support::app::test_actor(),
        "alice",
        "",
    )
    .await
    .expect_err("no password to reset");
    assert!(error.to_string().contains("single sign-on"), "{error}");
}
