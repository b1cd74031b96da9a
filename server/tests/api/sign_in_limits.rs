//! Sign-in under attack: a burst of wrong passwords for one account gets no more password
//! checks than the throttle allows, and a name that cannot be one is refused before anything
//! about it is stored.

use crate::support::app::spawn_app;
use app::domain::Role;
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
