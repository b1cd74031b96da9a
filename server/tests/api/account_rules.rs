//! Account rules the lifecycle tests leave out: a legacy common password flagged at sign-in,
//! the current-password check throttled like sign-in, renaming through the page's server
//! function, and two admins demoting each other at once.

use crate::support::app::spawn_app;
use app::domain::Role;
use leptos::server_fn::ServerFn;
use serde_json::Value;
use sqlx::Row;

#[tokio::test]
async fn a_legacy_common_password_signs_in_once_and_must_then_be_changed() {
    let app = spawn_app().await;
    app.user("old", Role::Viewer).await;
    // A password from before the policy: short and common.
    let hash = greenlight::auth::password::hash("letmein".into())
        .await
        .expect("hash");
    sqlx::query("UPDATE users SET password_hash = $1 WHERE name = 'old'")
        .bind(hash)
        .execute(&app.pool)
        .await
        .expect("legacy password");
    let client = app.new_client();
    let response = app.login(&client, "old", "letmein").await;
    assert_eq!(response.headers()["location"], "/account");
    assert_eq!(app.audited("user.password_flagged").await, 1);
    let page = client.get(app.url("/history")).send().await.expect("page");
    assert_eq!(
        page.headers()["location"],
        "/account",
        "every page leads to the account page"
    );
}

#[tokio::test]
async fn wrong_current_passwords_on_the_account_page_are_throttled_like_sign_ins() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Engineer).await;
    let ana = app.signed_in("ana", &password).await;
    let change = <app::api::account::ChangePassword as ServerFn>::PATH;
    let form = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", "a-new-long-passphrase-42"),
        ]
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = app
            .server_fn(&ana, change, &form("not-the-password"), None)
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[..5], [422; 5], "{statuses:?}");
    assert_eq!(statuses[5], 429, "the sixth guess is refused: {statuses:?}");
    // Refused even with the right one until the window passes.
    let response = app
        .server_fn(
            &ana,
            change,
            &[
                ("current_password", password.as_str()),
                ("new_password", "a-new-long-passphrase-42"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 429);
}

#[tokio::test]
async fn an_admin_renames_a_user_through_the_users_page_and_the_session_follows() {
    let app = spawn_app().await;
    let admin_password = app.user("root", Role::Admin).await;
    let password = app.user("bob", Role::Qa).await;
    let bob = app.signed_in("bob", &password).await;
    let root = app.signed_in("root", &admin_password).await;
    let rename = <app::api::users::RenameUser as ServerFn>::PATH;
    let bad = app
        .server_fn(
            &root,
            rename,
            &[("name", "bob"), ("new_name", "Bad Name")],
            None,
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let body: Value = bad.json().await.expect("json");
    assert!(body["fields"]["new_name"].is_string(), "{body}");
    let response = app
        .server_fn(
            &root,
            rename,
            &[("name", "bob"), ("new_name", "robert")],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let row: Value = response.json().await.expect("json");
    assert_eq!(row["name"], "robert");
    assert_eq!(app.audited("user.rename").await, 1);
    let me = <app::api::auth::CurrentUser as ServerFn>::PATH;
    let who: Value = app
        .server_fn(&bob, me, &[], None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(who["name"], "robert", "the open session follows the rename");
    let viewer = app
        .server_fn(&bob, rename, &[("name", "root"), ("new_name", "x")], None)
        .await;
    assert_eq!(viewer.status().as_u16(), 403, "only admins rename");
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let a_password = app.user("ada", Role::Admin).await;
    let b_password = app.user("bea", Role::Admin).await;
    let ada = app.signed_in("ada", &a_password).await;
    let bea = app.signed_in("bea", &b_password).await;
    let set_role = <app::api::users::SetUserRole as ServerFn>::PATH;
    for _ in 0..5 {
        let (first, second) = tokio::join!(
            app.server_fn(
                &ada,
                set_role,
                &[("name", "bea"), ("role", "engineer")],
                None
            ),
            app.server_fn(
                &bea,
                set_role,
                &[("name", "ada"), ("role", "engineer")],
                None
            ),
        );
        let admins: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL",
        )
        .fetch_one(&app.pool)
        .await
        .expect("count")
        .try_get("n")
        .expect("n");
        assert_eq!(admins, 1, "{} / {}", first.status(), second.status());
        // Put both back for the next round.
        sqlx::query("UPDATE users SET role = 'admin'")
            .execute(&app.pool)
            .await
            .expect("restore");
    }
}
