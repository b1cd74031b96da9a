//! Two-factor sign-in through the real server, with codes the test computes itself (RFC 6238
//! through `totp-rs`): enrolment, the code after the password, each code once, recovery
//! codes, the throttle, and roles that require it.

use crate::support::app::{spawn_app_with, TestApp};
use app::domain::Role;
use leptos::server_fn::ServerFn;
use serde_json::Value;

/// The six-digit code of `secret` (base32) `ahead` steps from now.
fn code(secret: &str, ahead: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("secret");
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "t".into())
        .expect("totp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    totp.generate(now + 30 * ahead)
}

async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = app.server_fn(client, path, form, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Turns two-factor sign-in on for the signed-in `client` (whose password is `password`); the
/// secret and the recovery codes.
async fn enrol(app: &TestApp, client: &reqwest::Client, password: &str) -> (String, Vec<String>) {
    let offer_path = <app::api::account::OfferTotp as ServerFn>::PATH;
    let (status, refused) = call(app, client, offer_path, &[("password", "not-my-password")]).await;
    assert_eq!(
        status, 422,
        "enrolment needs the current password: {refused}"
    );
    assert!(refused["fields"]["password"].is_string(), "{refused}");
    let (status, offer) = call(app, client, offer_path, &[("password", password)]).await;
    assert_eq!(status, 200, "{offer}");
    let secret = offer["secret"].as_str().expect("secret").to_owned();
    assert!(
        offer["qr_svg"].as_str().unwrap().contains("<svg"),
        "the QR code is drawn"
    );
    let confirm = <app::api::account::ConfirmTotp as ServerFn>::PATH;
    let (status, _) = call(app, client, confirm, &[("code", "000000")]).await;
    assert_eq!(status, 422, "a wrong first code turns nothing on");
    let (status, codes) = call(app, client, confirm, &[("code", &code(&secret, 0))]).await;
    assert_eq!(status, 200, "{codes}");
    let (status, _) = call(app, client, confirm, &[("code", &code(&secret, 1))]).await;
    assert_eq!(status, 409, "a second confirmation turns nothing on or off");
    let codes = codes
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

async fn home(app: &TestApp, client: &reqwest::Client) -> u16 {
    client
        .get(app.url("/"))
        .send()
        .await
        .expect("get")
        .status()
        .as_u16()
}

const LOGIN_CODE: &str = <app::api::auth::LoginCode as ServerFn>::PATH;

#[tokio::test]
async fn after_enrolment_sign_in_asks_for_a_code_that_works_once_and_recovery_codes_work_once() {
    let app = spawn_app_with(|_| {}).await;
    let password = app.user("ana", Role::Engineer).await;
    let (secret, recovery) = enrol(&app, &app.signed_in("ana", &password).await, &password).await;
    assert_eq!(recovery.len(), 10);

    // The password alone no longer signs in: the code must follow.
    let client = app.new_client();
    let response = app.login(&client, "ana", &password).await;
    assert_eq!(response.headers()["location"], "/login?step=code&next=/");
    assert_eq!(home(&app, &client).await, 303);
    let (status, body) = call(&app, &client, LOGIN_CODE, &[("code", "123456")]).await;
    assert_eq!(status, 422, "{body}");
    // The confirming code's step is used up; the next step's code signs in, once.
    let next = code(&secret, 1);
    let (status, _) = call(&app, &client, LOGIN_CODE, &[("code", &next)]).await;
    assert!(status < 400, "{status}");
    assert_eq!(home(&app, &client).await, 200);
    let replay = app.new_client();
    app.login(&replay, "ana", &password).await;
    let (status, _) = call(&app, &replay, LOGIN_CODE, &[("code", &next)]).await;
    assert_eq!(status, 422, "a code signs in once");
    assert_eq!(home(&app, &replay).await, 303);

    // A recovery code signs in once, typed in any case.
    let (status, _) = call(
        &app,
        &replay,
        LOGIN_CODE,
        &[("code", &recovery[0].to_uppercase())],
    )
    .await;
    assert!(status < 400, "{status}");
    assert_eq!(home(&app, &replay).await, 200);
    let again = app.new_client();
    app.login(&again, "ana", &password).await;
    let (status, _) = call(&app, &again, LOGIN_CODE, &[("code", &recovery[0])]).await;
    assert_eq!(status, 422);
    // A code without a password first is refused.
    let (status, _) = call(
        &app,
        &app.new_client(),
        LOGIN_CODE,
        &[("code", &code(&secret, 0))],
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_wrong_passwords() {
    let app = spawn_app_with(|_| {}).await;
    let password = app.user("ana", Role::Viewer).await;
    let (secret, _) = enrol(&app, &app.signed_in("ana", &password).await, &password).await;
    let client = app.new_client();
    app.login(&client, "ana", &password).await;
    // Enrolment's wrong password (from this address) is the first of the five failures.
    for _ in 0..4 {
        let (status, _) = call(&app, &client, LOGIN_CODE, &[("code", "000000")]).await;
        assert_eq!(status, 422);
    }
    let (status, body) = call(&app, &client, LOGIN_CODE, &[("code", &code(&secret, 1))]).await;
    assert_eq!(
        status, 429,
        "even the right code waits out the window: {body}"
    );
}

#[tokio::test]
async fn wrong_codes_from_many_addresses_are_capped_per_account() {
    let app = spawn_app_with(|_| {}).await;
    let password = app.user("ana", Role::Viewer).await;
    let (secret, _) = enrol(&app, &app.signed_in("ana", &password).await, &password).await;
    // Two wrong codes from each of five addresses: under every per-address limit.
    for n in 2..=6 {
        let client = app.client_from(&format!("127.0.0.{n}"));
        app.login(&client, "ana", &password).await;
        for _ in 0..2 {
            let (status, _) = call(&app, &client, LOGIN_CODE, &[("code", "000000")]).await;
            assert_eq!(status, 422);
        }
    }
    let client = app.client_from("127.0.0.9");
    app.login(&client, "ana", &password).await;
    let (status, body) = call(&app, &client, LOGIN_CODE, &[("code", &code(&secret, 1))]).await;
    assert_eq!(status, 429, "ten wrong codes for the account: {body}");
}

#[tokio::test]
async fn a_role_that_requires_two_factor_reaches_only_the_account_page_until_it_is_on() {
    let app = spawn_app_with(|s| s.auth.require_totp_for = vec![Role::Engineer, Role::Admin]).await;
    let password = app.user("erin", Role::Engineer).await;
    let viewer_password = app.user("vic", Role::Viewer).await;
    let erin = app.signed_in("erin", &password).await;
    let first = erin.get(app.url("/")).send().await.expect("get");
    assert_eq!(first.headers()["location"], "/account");
    let (status, body) = call(
        &app,
        &erin,
        <app::api::overview::GetOverview as ServerFn>::PATH,
        &[],
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["error"].as_str().unwrap().contains("two-factor"),
        "{body}"
    );
    // A token would get around the requirement: none is made before it is met.
    let (status, _) = call(
        &app,
        &erin,
        <app::api::account::CreateMyToken as ServerFn>::PATH,
        &[("name", "x"), ("scope_read", "on"), ("expires_in_days", "")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("api_tokens").await, 0);
    let (secret, _) = enrol(&app, &erin, &password).await;
    assert_eq!(home(&app, &erin).await, 200);
    // It cannot be turned off while the role requires it.
    let (status, _) = call(
        &app,
        &erin,
        <app::api::account::TurnOffTotp as ServerFn>::PATH,
        &[("code", &code(&secret, 1))],
    )
    .await;
    assert_eq!(status, 409);
    // Roles not listed are not asked.
    assert_eq!(
        home(&app, &app.signed_in("vic", &viewer_password).await).await,
        200
    );
}

#[tokio::test]
async fn an_admin_turns_off_the_two_factor_of_a_user_who_lost_their_device() {
    let app = spawn_app_with(|_| {}).await;
    let admin_password = app.user("root", Role::Admin).await;
    let password = app.user("ana", Role::Viewer).await;
    enrol(&app, &app.signed_in("ana", &password).await, &password).await;
    let root = app.signed_in("root", &admin_password).await;
    let reset = <app::api::users::ResetTwoFactor as ServerFn>::PATH;
    let (status, row) = call(&app, &root, reset, &[("name", "ana")]).await;
    assert_eq!(status, 200, "{row}");
    assert_eq!(row["totp_enabled"], false);
    // The password alone signs in again; a second reset has nothing to do.
    let client = app.new_client();
    assert_eq!(
        app.login(&client, "ana", &password).await.headers()["location"],
        "/"
    );
    assert_eq!(home(&app, &client).await, 200);
    let (status, _) = call(&app, &root, reset, &[("name", "ana")]).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_password_reset_while_the_code_is_awaited_ends_the_wait() {
    let app = spawn_app_with(|_| {}).await;
    let admin_password = app.user("root", Role::Admin).await;
    let password = app.user("ana", Role::Engineer).await;
    let (secret, _) = enrol(&app, &app.signed_in("ana", &password).await, &password).await;
    let waiting = app.new_client();
    app.login(&waiting, "ana", &password).await;
    let root = app.signed_in("root", &admin_password).await;
    let reset = <app::api::users::ResetPassword as ServerFn>::PATH;
    let (status, _) = call(&app, &root, reset, &[("name", "ana"), ("password", "")]).await;
    assert_eq!(status, 200);
    let (status, body) = call(&app, &waiting, LOGIN_CODE, &[("code", &code(&secret, 1))]).await;
    assert!(
        status >= 400,
        "a right code after the reset must not sign in: {status} {body}"
    );
    assert_eq!(home(&app, &waiting).await, 303);
}

#[tokio::test]
async fn turning_two_factor_off_with_a_current_code_lets_the_password_alone_sign_in_again() {
    let app = spawn_app_with(|_| {}).await;
    let password = app.user("ana", Role::Engineer).await;
    let ana = app.signed_in("ana", &password).await;
    let (secret, _) = enrol(&app, &ana, &password).await;
    let turn_off = <app::api::account::TurnOffTotp as ServerFn>::PATH;
    let (status, _) = call(&app, &ana, turn_off, &[("code", "000000")]).await;
    assert_eq!(status, 422, "a wrong code turns nothing off");
    let (status, body) = call(&app, &ana, turn_off, &[("code", &code(&secret, 1))]).await;
    assert_eq!(status, 200, "{body}");
    let client = app.new_client();
    assert_eq!(
        app.login(&client, "ana", &password).await.headers()["location"],
        "/"
    );
    assert_eq!(home(&app, &client).await, 200);
}
