//! The user lifecycle through the real server: disabling ends sessions and stops tokens at
//! once, roles change on the next request, an admin's reset forces a new password, a user
//! changes their own and ends their other sessions, the last admin stays, and each is audited.

use crate::support::app::{spawn_app, TestApp};
use app::domain::Role;
use leptos::server_fn::ServerFn;
use serde_json::Value;

fn path<S: ServerFn>() -> &'static str {
    S::PATH
}

async fn page_status(app: &TestApp, client: &reqwest::Client, page: &str) -> (u16, String) {
    let response = client.get(app.url(page)).send().await.expect("get");
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    use sqlx::Row;
    sqlx::query("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .expect("audit")
        .iter()
        .map(|row| row.try_get::<String, _>("action").expect("action"))
        .collect()
}

#[tokio::test]
async fn a_disabled_users_session_ends_and_token_is_refused_on_the_next_request() {
    let app = spawn_app().await;
    let admin_password = app.user("root", Role::Admin).await;
    let admin = app.signed_in("root", &admin_password).await;
    let token = app.token("erin", Role::Engineer).await;
    let erin = app.signed_in("erin", "erin-password-123").await;
    assert_eq!(page_status(&app, &erin, "/").await.0, 200);
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);

    let disable = app
        .server_fn(
            &admin,
            path::<app::api::users::DisableUser>(),
            &[("name", "erin")],
            None,
        )
        .await;
    assert!(disable.status().is_success(), "{}", disable.status());

    assert_eq!(
        page_status(&app, &erin, "/").await,
        (303, "/login?next=/".into())
    );
    let refused = app.get(Some(&token), "/api/v1/builds").await;
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.expect("json");
    assert!(
        body["error"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    // A disabled user cannot sign in, and is told no more than a wrong password would say.
    let again = app
        .login(&app.new_client(), "erin", "erin-password-123")
        .await;
    assert_eq!(again.status(), 401);

    let enable = app
        .server_fn(
            &admin,
            path::<app::api::users::EnableUser>(),
            &[("name", "erin")],
            None,
        )
        .await;
    assert!(enable.status().is_success());
    // The old session stays ended; a fresh sign-in works, and so does the token again.
    assert_eq!(page_status(&app, &erin, "/").await.0, 303);
    let fresh = app.signed_in("erin", "erin-password-123").await;
    assert_eq!(page_status(&app, &fresh, "/").await.0, 200);
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"user.disable".to_owned()), "{actions:?}");
    assert!(actions.contains(&"user.enable".to_owned()), "{actions:?}");
}

#[tokio::test]
async fn a_role_change_applies_to_the_users_token_on_the_next_request() {
    let app = spawn_app().await;
    let admin_password = app.user("root", Role::Admin).await;
    let admin = app.signed_in("root", &admin_password).await;
    let token = app.token("erin", Role::Engineer).await;
    let payload = crate::support::fixtures::build_payload("1.0.0");
    assert_eq!(
        app.post(Some(&token), "/api/v1/builds", &payload)
            .await
            .status(),
        201
    );
    let demote = app
        .server_fn(
            &admin,
            path::<app::api::users::SetUserRole>(),
            &[("name", "erin"), ("role", "viewer")],
            None,
        )
        .await;
    assert!(demote.status().is_success());
    let payload = crate::support::fixtures::build_payload("1.0.1");
    assert_eq!(
        app.post(Some(&token), "/api/v1/builds", &payload)
            .await
            .status(),
        403
    );
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
}

#[tokio::test]
async fn after_an_admin_reset_the_user_must_change_the_password_before_anything_else() {
    let app = spawn_app().await;
    let admin_password = app.user("root", Role::Admin).await;
    let admin = app.signed_in("root", &admin_password).await;
    let token = app.token("quinn", Role::Qa).await;
    let before = app.signed_in("quinn", "quinn-password-123").await;

    let reset = app
        .server_fn(
            &admin,
            path::<app::api::users::ResetPassword>(),
            &[("name", "quinn"), ("password", "")],
            None,
        )
        .await;
    assert!(reset.status().is_success());
    let reset: Value = reset.json().await.expect("json");
    let generated = reset["generated"].as_str().expect("generated").to_owned();
    assert!(generated.len() >= 12);
    // The reset ended quinn's session and revoked her tokens; the old password no longer works.
    assert_eq!(page_status(&app, &before, "/").await.0, 303);
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 401);
    assert_eq!(
        app.login(&app.new_client(), "quinn", "quinn-password-123")
            .await
            .status(),
        401
    );

    let quinn = app.new_client();
    let signed_in = app.login(&quinn, "quinn", &generated).await;
    assert_eq!(
        signed_in.headers()["location"],
        "/account",
        "sign-in leads to the account page"
    );
    assert_eq!(
        page_status(&app, &quinn, "/history").await,
        (303, "/account".into())
    );
    assert_eq!(page_status(&app, &quinn, "/account").await.0, 200);
    let refused = app
        .server_fn(&quinn, path::<app::api::overview::GetOverview>(), &[], None)
        .await;
    assert_eq!(refused.status(), 403);

    let change = path::<app::api::account::ChangePassword>();
    let wrong = app
        .server_fn(
            &quinn,
            change,
            &[
                ("current_password", "not-it-at-all"),
                ("new_password", "violet-harbour-ledger"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong: Value = wrong.json().await.expect("json");
    assert!(wrong["fields"]["current_password"].is_string(), "{wrong}");
    let common = app
        .server_fn(
            &quinn,
            change,
            &[
                ("current_password", &generated),
                ("new_password", "qwerty123456"),
            ],
            None,
        )
        .await;
    assert_eq!(common.status(), 422);
    let common: Value = common.json().await.expect("json");
    assert!(
        common["fields"]["new_password"]
            .as_str()
            .unwrap()
            .contains("common"),
        "{common}"
    );

    let changed = app
        .server_fn(
            &quinn,
            change,
            &[
                ("current_password", &generated),
                ("new_password", "violet-harbour-ledger"),
            ],
            None,
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    assert_eq!(page_status(&app, &quinn, "/history").await.0, 200);
    let actions = audit_actions(&app).await;
    assert!(
        actions.contains(&"user.reset_password".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"user.change_password".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn ending_other_sessions_signs_out_every_other_browser_but_this_one() {
    let app = spawn_app().await;
    let password = app.user("vic", Role::Viewer).await;
    let here = app.signed_in("vic", &password).await;
    let elsewhere = app.signed_in("vic", &password).await;
    let ended = app
        .server_fn(
            &here,
            path::<app::api::account::EndOtherSessions>(),
            &[],
            None,
        )
        .await;
    assert!(ended.status().is_success());
    assert_eq!(page_status(&app, &here, "/").await.0, 200);
    assert_eq!(page_status(&app, &elsewhere, "/").await.0, 303);
    assert!(audit_actions(&app)
        .await
        .contains(&"session.end_others".to_owned()));
}

#[tokio::test]
async fn the_last_admin_cannot_be_disabled_or_demoted_and_nobody_disables_themselves() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    let root = app.signed_in("root", &password).await;
    let disable = path::<app::api::users::DisableUser>();
    let self_disable = app
        .server_fn(&root, disable, &[("name", "root")], None)
        .await;
    assert_eq!(self_disable.status(), 409);
    let demote = app
        .server_fn(
            &root,
            path::<app::api::users::SetUserRole>(),
            &[("name", "root"), ("role", "engineer")],
            None,
        )
        .await;
    assert_eq!(demote.status(), 409);
    let body: Value = demote.json().await.expect("json");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("last enabled admin"),
        "{body}"
    );
    let unknown = app
        .server_fn(&root, disable, &[("name", "nobody")], None)
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(page_status(&app, &root, "/admin/users").await.0, 200);
}

#[tokio::test]
async fn a_service_account_has_no_password_and_cannot_sign_in() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    let root = app.signed_in("root", &password).await;
    let add = app
        .server_fn(
            &root,
            path::<app::api::admin::AddUser>(),
            &[
                ("name", "ci"),
                ("role", "engineer"),
                ("kind", "service"),
                ("password", ""),
            ],
            None,
        )
        .await;
    assert!(add.status().is_success(), "{}", add.status());
    let with_password = app
        .server_fn(
            &root,
            path::<app::api::admin::AddUser>(),
            &[
                ("name", "ci2"),
                ("role", "engineer"),
                ("kind", "service"),
                ("password", "some-password-here"),
            ],
            None,
        )
        .await;
    assert_eq!(with_password.status(), 422);
    // "!" is what a service account stores; no password verifies against it.
    for guess in ["!", "", "ci"] {
        assert_eq!(
            app.login(&app.new_client(), "ci", guess).await.status(),
            401,
            "{guess}"
        );
    }
}
