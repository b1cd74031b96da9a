//! Sign-in under attack: a burst of wrong passwords for one account gets no more password
//! checks than the throttle allows, a name that cannot be one is refused before anything about
//! it is stored, and failures lock out the address they come from, never the account's owner
//! elsewhere (each client connects from its own loopback address).

use crate::support::app::{spawn_app, TestApp};
use app::domain::Role;
use greenlight::db::audit;
use greenlight::service;
use sqlx::Row;

#[tokio::test]
async fn fifty_concurrent_wrong_sign_ins_for_one_account_get_at_most_five_password_checks() {
    let app = spawn_app().await;
    app.user("victim", Role::Admin).await;
    let attempts = (0..50).map(|_| {
        let client = app.new_client();
        let app = &app;
        async move {
            app.login(&client, "victim", "not-the-password-123")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let checked: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'session.login_failed' AND actor = 'victim'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
    assert!(checked <= 5, "{checked} passwords were checked");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count() as i64,
        checked
    );
    assert_eq!(
        app.count("login_attempts").await,
        50,
        "every attempt is recorded"
    );
}

#[tokio::test]
async fn a_sign_in_name_of_a_megabyte_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let name = "a".repeat(1024 * 1024);
    let response = app
        .login(&app.new_client(), &name, "whatever-whatever")
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(app.count("login_attempts").await, 0);
    assert_eq!(app.count("audit_log").await, 0);
}

/// `client` fails to sign in as `name` (the throttle may refuse the attempt or let it be
/// checked and found wrong); answers the status.
async fn fail(app: &TestApp, client: &reqwest::Client, name: &str) -> u16 {
    let status = app
        .login(client, name, "not-the-password-123")
        .await
        .status()
        .as_u16();
    assert!(status == 401 || status == 429, "{status}");
    status
}

#[tokio::test]
async fn twenty_failures_from_client_a_do_not_block_client_b_for_the_same_account() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let a = app.client_from("127.0.0.2");
    for _ in 0..20 {
        fail(&app, &a, "ana").await;
    }
    assert_eq!(
        app.login(&a, "ana", &password).await.status(),
        429,
        "A is locked out of ana, even with the right password"
    );
    let b = app.client_from("127.0.0.3");
    let response = app.login(&b, "ana", &password).await;
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn the_admin_signs_in_from_a_clean_address_while_an_attacker_keeps_failing() {
    let app = spawn_app().await;
    let password = app.user("admin", Role::Admin).await;
    let attacker = app.client_from("127.0.0.2");
    for _ in 0..10 {
        fail(&app, &attacker, "admin").await;
    }
    let attack = async {
        let mut refused = 0;
        for _ in 0..10 {
            refused += usize::from(fail(&app, &attacker, "admin").await == 429);
        }
        refused
    };
    let admin = app.client_from("127.0.0.3");
    let (refused, signed_in) = tokio::join!(attack, app.login(&admin, "admin", &password));
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    assert_eq!(refused, 10, "the attacker stays locked out meanwhile");
    let page = admin.get(app.url("/")).send().await.expect("get");
    assert_eq!(page.status(), 200, "the admin's session works");
    assert_eq!(fail(&app, &attacker, "admin").await, 429);
    assert_eq!(
        app.login(&attacker, "admin", &password).await.status(),
        429,
        "and stays locked out afterwards, even with the right password"
    );
}

#[tokio::test]
async fn an_account_failing_from_many_addresses_is_slowed_down_for_everyone_not_locked() {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let before = app
        .login(&app.client_from("127.0.0.9"), "ana", &password)
        .await;
    assert!(before.status().is_success());
    let attackers = (2..=4).map(|n| app.client_from(&format!("127.0.0.{n}")));
    let attacks = attackers.map(|client| {
        let app = &app;
        async move {
            for _ in 0..4 {
                assert_eq!(fail(app, &client, "ana").await, 401, "under every limit");
            }
        }
    });
    futures::future::join_all(attacks).await;
    let started = std::time::Instant::now();
    let after = app
        .login(&app.client_from("127.0.0.10"), "ana", &password)
        .await;
    assert!(after.status().is_success(), "{}", after.status());
    assert!(started.elapsed() >= service::sign_in_throttle::SLOW_DOWN);
    // The audit log says which sign-ins were slowed (timing alone would be at the mercy of
    // the password check's own jitter).
    let slowed: Vec<bool> = audit::recent(&app.pool, 100)
        .await
        .expect("audit")
        .iter()
        .rev()
        .filter(|e| e.action == "session.login")
        .map(|e| e.details.contains("\"slowed_down_ms\":1000"))
        .collect();
    assert_eq!(slowed, [false, true], "before the attack, then under it");
}

#[tokio::test]
async fn twenty_failures_from_one_address_across_accounts_block_it_for_every_account_and_no_other_address(
) {
    let app = spawn_app().await;
    let password = app.user("ana", Role::Viewer).await;
    let a = app.client_from("127.0.0.2");
    for n in 0..20 {
        assert_eq!(fail(&app, &a, &format!("user{n}")).await, 401);
    }
    let response = app.login(&a, "ana", &password).await;
    assert_eq!(response.status(), 429);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("too many failed sign-ins"));
    let b = app.client_from("127.0.0.3");
    assert!(app.login(&b, "ana", &password).await.status().is_success());
}
