//! Sign-in, sessions, throttling, cross-origin refusal and the role matrix of mutations.

use crate::support::app::{session_cookie, spawn_app};
use app::domain::Role;
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_and_pages_open() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let anonymous = client.get(app.url("/")).send().await.expect("get");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login?next=/");

    let response = app.login(&client, "ana", &password).await;
    assert!(response.status().is_success(), "{}", response.status());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    let page = client.get(app.url("/")).send().await.expect("get");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("class=\"user-name\">ana</span>"),
        "user menu shows the name"
    );
}

#[tokio::test]
async fn cookies_are_secure_when_the_public_url_is_https() {
    let app = crate::support::app::spawn_app_with(|s| {
        s.public_url = app::domain::HttpUrl::parse("https://greenlight.example.com").ok()
    })
    .await;
    let password = app.user("ana", Role::Viewer).await;
    // Sent as the browser at the public URL sends it (only that origin may sign in).
    let response = app
        .new_client()
        .post(app.url(crate::support::app::login_path()))
        .header("Origin", "https://greenlight.example.com")
        .form(&[("name", "ana"), ("password", password.as_str())])
        .send()
        .await
        .expect("sign in");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn the_session_id_is_rotated_at_sign_in_and_the_old_one_is_dead() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let first =
        session_cookie(app.login(&client, "ana", &password).await.headers()).expect("first cookie");
    let second = session_cookie(app.login(&client, "ana", &password).await.headers())
        .expect("second cookie");
    assert_ne!(first, second);
    let stale = app
        .new_client()
        .get(app.url("/"))
        .header("cookie", &first)
        .send()
        .await
        .expect("get");
    assert_eq!(
        stale.status(),
        303,
        "the pre-rotation session id must no longer sign in"
    );
    let fresh = app
        .new_client()
        .get(app.url("/"))
        .header("cookie", &second)
        .send()
        .await
        .expect("get");
    assert_eq!(fresh.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_fails_and_every_attempt_is_recorded() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let wrong = app.login(&client, "ana", "not the password").await;
    assert!(!wrong.status().is_success());
    assert!(wrong
        .text()
        .await
        .expect("body")
        .contains("wrong name or password"));
    let unknown = app.login(&client, "nobody", "whatever-password").await;
    assert!(!unknown.status().is_success());
    assert!(app
        .login(&client, "ana", &password)
        .await
        .status()
        .is_success());
    assert_eq!(app.count("login_attempts").await, 3);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account_and_address_even_with_the_right_password() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    for _ in 0..5 {
        app.login(&client, "ana", "guess-guess-guess").await;
    }
    let response = app.login(&client, "ana", &password).await;
    assert!(!response.status().is_success());
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("too many failed sign-ins"));
    assert_eq!(
        session_cookie_count(&app, &client).await,
        303,
        "still signed out"
    );
}

async fn session_cookie_count(app: &crate::support::app::TestApp, client: &reqwest::Client) -> u16 {
    client
        .get(app.url("/"))
        .send()
        .await
        .expect("get")
        .status()
        .as_u16()
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_address_across_accounts() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    for n in 0..20 {
        app.login(&client, &format!("user{n}"), "guess-guess-guess")
            .await;
    }
    let response = app.login(&client, "ana", &password).await;
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("too many failed sign-ins"));
}

#[tokio::test]
async fn mutations_from_another_origin_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let password = app.user("root", Role::Admin).await;
    let client = app.new_client();
    assert!(app
        .login(&client, "root", &password)
        .await
        .status()
        .is_success());
    let path = <app::api::admin::AddUser as ServerFn>::PATH;
    let form = [
        ("name", "mallory"),
        ("role", "admin"),
        ("kind", "person"),
        ("password", "mallory-password-1"),
    ];
    let evil_origin = client
        .post(app.url(path))
        .header("Origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(evil_origin.status(), 403);
    let cross_site = client
        .post(app.url(path))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(cross_site.status(), 403);
    let build = client
        .post(app.url("/api/v1/builds"))
        .header("Origin", "https://evil.example")
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("post");
    assert_eq!(build.status(), 403);
    assert_eq!(app.count("users").await, 1);
    let same_origin = app.server_fn(&client, path, &form, None).await;
    assert!(
        same_origin.status().is_success(),
        "{}",
        same_origin.status()
    );
    assert_eq!(app.count("users").await, 2);
}

#[tokio::test]
async fn no_mutation_is_reachable_by_get() {
    let app = spawn_app().await;
    let token = app.token("root", Role::Admin).await;
    for path in [
        <app::api::admin::AddUser as ServerFn>::PATH,
        <app::api::admin::CreateToken as ServerFn>::PATH,
        <app::api::admin::RevokeToken as ServerFn>::PATH,
        <app::api::auth::Login as ServerFn>::PATH,
        <app::api::auth::Logout as ServerFn>::PATH,
    ] {
        let response = app
            .client
            .get(app.url(&format!("{path}?name=x&role=admin&password=123456789012")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), 405, "{path}");
    }
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn only_admins_may_manage_users_and_tokens() {
    let app = spawn_app().await;
    let add_user = <app::api::admin::AddUser as ServerFn>::PATH;
    let create_token = <app::api::admin::CreateToken as ServerFn>::PATH;
    let revoke_token = <app::api::admin::RevokeToken as ServerFn>::PATH;
    let client = app.new_client();
    // Token 1 belongs to the admin; it is the one the others try to revoke.
    let admin = app.token("root", Role::Admin).await;
    for (name, role) in [
        ("viewer", Role::Viewer),
        ("qa", Role::Qa),
        ("engineer", Role::Engineer),
    ] {
        let token = app.token(name, role).await;
        let user_form = [
            ("name", "newbie"),
            ("role", "viewer"),
            ("kind", "person"),
            ("password", "newbie-password-1"),
        ];
        assert!(
            !app.server_fn(&client, add_user, &user_form, Some(&token))
                .await
                .status()
                .is_success(),
            "{name}"
        );
        let token_form = [
            ("user", "root"),
            ("name", "stolen"),
            ("scope_read", "on"),
            ("expires_in_days", ""),
        ];
        assert!(
            !app.server_fn(&client, create_token, &token_form, Some(&token))
                .await
                .status()
                .is_success(),
            "{name}"
        );
        assert!(
            !app.server_fn(&client, revoke_token, &[("id", "1")], Some(&token))
                .await
                .status()
                .is_success(),
            "{name}"
        );
    }
    let anonymous = app
        .server_fn(
            &app.new_client(),
            add_user,
            &[
                ("name", "x"),
                ("role", "viewer"),
                ("kind", "person"),
                ("password", "xxxxxxxxxxxxxx"),
            ],
            None,
        )
        .await;
    assert!(!anonymous.status().is_success());
    assert_eq!(app.count("users").await, 4);
    assert_eq!(app.count("api_tokens").await, 4);

    let user_form = [
        ("name", "newbie"),
        ("role", "viewer"),
        ("kind", "service"),
        ("password", ""),
    ];
    assert!(app
        .server_fn(&client, add_user, &user_form, Some(&admin))
        .await
        .status()
        .is_success());
    let created = app
        .server_fn(
            &client,
            create_token,
            &[
                ("user", "newbie"),
                ("name", "ci"),
                ("scope_read", "on"),
                ("expires_in_days", "30"),
            ],
            Some(&admin),
        )
        .await;
    assert!(created.status().is_success());
    let created: serde_json::Value = created.json().await.expect("json");
    assert!(created["secret"]
        .as_str()
        .is_some_and(|s| s.starts_with("glt_")));
    let id = created["row"]["id"].as_i64().expect("id").to_string();
    assert!(app
        .server_fn(&client, revoke_token, &[("id", &id)], Some(&admin))
        .await
        .status()
        .is_success());
    assert_eq!(app.count("users").await, 5);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    app.login(&client, "ana", &password).await;
    assert_eq!(
        client.get(app.url("/")).send().await.expect("get").status(),
        200
    );
    let logout = app
        .server_fn(
            &client,
            <app::api::auth::Logout as ServerFn>::PATH,
            &[],
            None,
        )
        .await;
    assert!(logout.status().is_success());
    assert_eq!(
        client.get(app.url("/")).send().await.expect("get").status(),
        303
    );
}

#[tokio::test]
async fn a_weak_password_or_bad_name_is_refused_with_the_field() {
    let app = spawn_app().await;
    let error = greenlight::service::users::add(
        &app.pool,
        &greenlight::clock::SystemClock,
        crate::support::app::test_actor(),
        "Bad Name",
        Role::Qa,
        app::domain::UserKind::Person,
        "short",
    )
    .await
    .expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("name:") && text.contains("password:"),
        "{text}"
    );
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_timeout_whatever_the_activity() {
    let app = crate::support::app::spawn_app_with(|s| {
        s.session_absolute_timeout = "2s".parse().expect("duration")
    })
    .await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    app.login(&client, "ana", &password).await;
    assert_eq!(
        client.get(app.url("/")).send().await.expect("get").status(),
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    assert_eq!(
        client.get(app.url("/")).send().await.expect("get").status(),
        303
    );
}

#[tokio::test]
async fn signing_in_works_without_javascript_errors_included() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let post = |form: Vec<(&'static str, String)>| {
        client
            .post(app.url(crate::support::app::login_path()))
            .header("Accept", "text/html")
            .header("Referer", app.url("/login"))
            .header("Origin", &app.base)
            .form(&form)
            .send()
    };
    let wrong = post(vec![
        ("name", "ana".into()),
        ("password", "nope-nope-nope".into()),
    ])
    .await
    .expect("post");
    assert!(wrong.status().is_redirection());
    let back = wrong.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let page = client
        .get(&back)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("wrong name or password"),
        "the error is on the page"
    );
    let right = post(vec![
        ("name", "ana".into()),
        ("password", password),
        ("next", "/history".into()),
    ])
    .await
    .expect("post");
    assert!(right.status().is_redirection());
    assert_eq!(right.headers()["location"], "/history");
    assert_eq!(
        client
            .get(app.url("/history"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout_on_the_server_too() {
    let app = crate::support::app::spawn_app_with(|s| {
        s.session_idle_timeout = "1s".parse().expect("duration")
    })
    .await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let cookie =
        session_cookie(app.login(&client, "ana", &password).await.headers()).expect("cookie");
    // Sent by hand, as a client that ignores Max-Age would: the server must refuse it.
    let with_cookie = || {
        app.new_client()
            .get(app.url("/"))
            .header("cookie", &cookie)
            .send()
    };
    assert_eq!(with_cookie().await.expect("get").status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(with_cookie().await.expect("get").status(), 303);
}

#[tokio::test]
async fn activity_keeps_a_session_alive_past_its_idle_timeout_and_silence_ends_it() {
    let app = crate::support::app::spawn_app_with(|s| {
        s.session_idle_timeout = "3s".parse().expect("duration")
    })
    .await;
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    let cookie =
        session_cookie(app.login(&client, "ana", &password).await.headers()).expect("cookie");
    // Asked of the API, which the session signs in like a page: what is proved is the
    // session's lifetime, not a page's rendering.
    let with_cookie = || {
        app.new_client()
            .get(app.url("/api/v1/environments"))
            .header("cookie", &cookie)
            .send()
    };
    // A request every second for six seconds: twice the idle timeout, never idle.
    for second in 0..6 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert_eq!(
            with_cookie().await.expect("get").status(),
            200,
            "active at second {}",
            second + 1
        );
    }
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(
        with_cookie().await.expect("get").status(),
        401,
        "idle: signed out"
    );
}
