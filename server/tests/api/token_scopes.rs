//! Tokens that fit CI: scopes narrow the owner's role, expiry ends a token, an admin makes
//! tokens only for themselves and service accounts, and a person makes their own.

use crate::support::app::spawn_app;
use crate::support::fixtures::build_payload;
use app::domain::Role;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};

#[tokio::test]
async fn a_ci_token_with_builds_write_registers_builds_but_cannot_promote_or_sign_off() {
    let app = spawn_app().await;
    app.user("ci", Role::Engineer).await;
    let ci = app.token_with("ci", "builds:write read", "").await;
    assert_eq!(
        app.post(Some(&ci), "/api/v1/builds", &build_payload("1.0.0"))
            .await
            .status(),
        201
    );
    assert_eq!(app.get(Some(&ci), "/api/v1/builds").await.status(), 200);
    for (path, body) in [
        ("/api/v1/environments/staging/promote", Value::Null),
        (
            "/api/v1/environments/test/deployments",
            json!({"build": "1.0.0"}),
        ),
        (
            "/api/v1/builds/1.0.0/signoffs",
            json!({"environment": "test", "verdict": "approved"}),
        ),
    ] {
        let (status, answer) = app.post_json(Some(&ci), path, body).await;
        assert_eq!(status, 403, "{path}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains("scope"),
            "{path}: {answer}"
        );
    }
    assert_eq!(app.count("deployments").await, 0);
    assert_eq!(app.count("signoffs").await, 0);
    // Reading needs `read` too: a write-only token is refused, naming the scope.
    let write_only = app.token_with("ci", "builds:write", "").await;
    let refused = app.get(Some(&write_only), "/api/v1/builds").await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"], "this token lacks the read scope");
}

#[tokio::test]
async fn a_token_never_does_more_than_its_owners_role_allows() {
    let app = spawn_app().await;
    app.user("vic", Role::Viewer).await;
    let form = app::domain::views::TokenForm {
        user: "vic".into(),
        name: "too-much".into(),
        scopes: "read deploy".into(),
        expires_in_days: "".into(),
    };
    let refused = greenlight::service::tokens::create(
        &app.pool,
        &greenlight::clock::SystemClock,
        crate::support::app::test_actor(),
        true,
        &form,
    )
    .await
    .expect_err("beyond the role");
    assert!(
        refused
            .field("scopes")
            .is_some_and(|r| r.contains("deploy") && r.contains("viewer")),
        "{refused:?}"
    );
    assert_eq!(app.count("api_tokens").await, 0);
    // Every scope on a viewer's token (made before the viewer lost a role, say) still reads only.
    app.user("erin", Role::Engineer).await;
    let all = app.token_with("erin", "read builds:write deploy", "").await;
    sqlx::query("UPDATE users SET role = 'viewer' WHERE name = 'erin'")
        .execute(&app.pool)
        .await
        .expect("demote");
    assert_eq!(
        app.post(Some(&all), "/api/v1/builds", &build_payload("1.0.0"))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn a_token_past_its_expiry_is_refused() {
    let app = spawn_app().await;
    app.user("ci", Role::Engineer).await;
    let token = app.token_with("ci", "read", "1").await;
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    // A day passes (the expiry is moved into the past rather than the clock forward).
    sqlx::query("UPDATE api_tokens SET expires_at = 1")
        .execute(&app.pool)
        .await
        .expect("expire");
    let refused = app.get(Some(&token), "/api/v1/builds").await;
    assert_eq!(refused.status(), 401);
    let bad = app::domain::views::TokenForm {
        user: "ci".into(),
        name: "x".into(),
        scopes: "read".into(),
        expires_in_days: "0".into(),
    };
    let error = greenlight::service::tokens::create(
        &app.pool,
        &greenlight::clock::SystemClock,
        crate::support::app::test_actor(),
        true,
        &bad,
    )
    .await
    .expect_err("zero days");
    assert!(error.field("expires_in_days").is_some(), "{error:?}");
}

#[tokio::test]
async fn an_admin_makes_tokens_for_service_accounts_but_never_for_another_person() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    app.user("quinn", Role::Qa).await;
    let root = app.signed_in("root", &password).await;
    let add = <app::api::admin::AddUser as ServerFn>::PATH;
    let ok = app
        .server_fn(
            &root,
            add,
            &[
                ("name", "ci"),
                ("role", "engineer"),
                ("kind", "service"),
                ("password", ""),
            ],
            None,
        )
        .await;
    assert!(ok.status().is_success());
    let create = <app::api::admin::CreateToken as ServerFn>::PATH;
    let form = |user: &'static str| {
        [
            ("user", user),
            ("name", "t"),
            ("scope_read", "on"),
            ("scope_signoffs", "on"),
            ("expires_in_days", ""),
        ]
    };
    let for_quinn = app.server_fn(&root, create, &form("quinn"), None).await;
    assert_eq!(for_quinn.status(), 422);
    let body: Value = for_quinn.json().await.expect("json");
    assert!(
        body["fields"]["user"]
            .as_str()
            .unwrap()
            .contains("not a service account"),
        "{body}"
    );
    assert!(app
        .server_fn(&root, create, &form("ci"), None)
        .await
        .status()
        .is_success());
    assert!(app
        .server_fn(&root, create, &form("root"), None)
        .await
        .status()
        .is_success());
    assert_eq!(app.count("api_tokens").await, 2);

    // Quinn makes her own, within her role, from her account; a token cannot make tokens.
    let quinn = app.signed_in("quinn", "quinn-password-123").await;
    let mine = <app::api::account::CreateMyToken as ServerFn>::PATH;
    let own = app
        .server_fn(
            &quinn,
            mine,
            &[
                ("name", "suite"),
                ("scope_signoffs", "on"),
                ("expires_in_days", "30"),
            ],
            None,
        )
        .await;
    assert!(own.status().is_success(), "{}", own.status());
    let own: Value = own.json().await.expect("json");
    assert_eq!(own["row"]["user"], "quinn");
    let secret = own["secret"].as_str().unwrap().to_owned();
    let by_token = app
        .server_fn(
            &app.new_client(),
            mine,
            &[
                ("name", "again"),
                ("scope_read", "on"),
                ("expires_in_days", ""),
            ],
            Some(&secret),
        )
        .await;
    assert_eq!(by_token.status(), 403);
    let beyond = app
        .server_fn(
            &quinn,
            mine,
            &[
                ("name", "x"),
                ("scope_deploy", "on"),
                ("expires_in_days", ""),
            ],
            None,
        )
        .await;
    assert_eq!(beyond.status(), 422);
    assert_eq!(app.count("api_tokens").await, 3);
}

#[tokio::test]
async fn the_token_pages_show_scopes_expiry_and_last_use() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    let token = app.token_with("root", "read admin", "30").await;
    assert_eq!(app.get(Some(&token), "/api/v1/builds").await.status(), 200);
    let root = app.signed_in("root", &password).await;
    for page in ["/admin/tokens", "/account"] {
        let html = root
            .get(app.url(page))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("<td class=\"scopes\">read admin</td>"),
            "{page}: scopes"
        );
        // Expiry and last use are both dates; "never" would mean neither was shown.
        let row = &html[html.find("data-token=\"1\"").expect("token row")..];
        let row = &row[..row.find("</tr>").expect("end of row")];
        assert_eq!(
            row.matches("<time").count(),
            3,
            "{page}: created, expires, last used: {row}"
        );
    }
}
