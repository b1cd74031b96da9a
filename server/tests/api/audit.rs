//! The audit log: written by every mutation, refused UPDATE and DELETE by the database.

use crate::support::app::spawn_app;
use app::domain::Role;
use greenlight::db::audit;

#[tokio::test]
async fn mutations_write_who_what_and_from_where() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    let body = serde_json::json!({"version": "3.0.0", "revision": "abcdef1", "artifact": {"ami_id": "ami-12345678"}});
    let response = app
        .client
        .post(app.url("/api/v1/builds"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 201);
    let entries = audit::recent(&app.pool, 10).await.expect("audit");
    let newest = &entries[0];
    assert_eq!(
        (
            newest.actor.as_str(),
            newest.action.as_str(),
            newest.target.as_str()
        ),
        ("ci", "build.register", "3.0.0")
    );
    assert_eq!(newest.address, "127.0.0.1");
    assert!(entries
        .iter()
        .any(|e| e.action == "user.add" && e.target == "ci"));
    assert!(entries
        .iter()
        .any(|e| e.action == "token.create" && !e.details.contains("glt_")));
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_audit_rows() {
    let app = spawn_app().await;
    app.user("ana", Role::Viewer).await;
    assert_eq!(app.count("audit_log").await, 1);
    let update = sqlx::query("UPDATE audit_log SET actor = 'someone else'")
        .execute(&app.pool)
        .await;
    assert!(update.is_err(), "UPDATE must be refused");
    assert!(update
        .expect_err("refused")
        .to_string()
        .contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(&app.pool)
        .await;
    assert!(delete.is_err(), "DELETE must be refused");
    assert_eq!(app.count("audit_log").await, 1);
    let entries = audit::recent(&app.pool, 1).await.expect("audit");
    assert_eq!(entries[0].actor, "test");
}

#[tokio::test]
async fn refused_mutations_and_throttled_sign_ins_are_on_record_with_who_and_what() {
    let app = spawn_app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let deploy = "/api/v1/environments/test/deployments";
    let body = serde_json::json!({"build": "1.0.0"});
    assert_eq!(app.post(Some(&viewer), deploy, &body).await.status(), 403);
    assert_eq!(app.post(None, deploy, &body).await.status(), 401);
    assert_eq!(
        app.post(Some("glt_not_a_token"), deploy, &body)
            .await
            .status(),
        401
    );
    let entries = audit::recent(&app.pool, 20).await.expect("audit");
    let denied: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.action == "request.denied")
        .map(|e| (e.actor.as_str(), e.target.as_str()))
        .collect();
    let what = "POST /api/v1/environments/test/deployments";
    assert_eq!(
        denied,
        [("anonymous", what), ("anonymous", what), ("vic", what)],
        "newest first"
    );
    let password = app.user("ana", Role::Viewer).await;
    let client = app.new_client();
    for _ in 0..6 {
        app.login(&client, "ana", "not-the-password-1").await;
    }
    assert_eq!(app.login(&client, "ana", &password).await.status(), 429);
    let entries = audit::recent(&app.pool, 50).await.expect("audit");
    assert!(
        entries
            .iter()
            .any(|e| e.action == "session.login_throttled" && e.actor == "ana"),
        "throttled sign-ins are recorded"
    );
    assert!(
        !entries
            .iter()
            .any(|e| e.action == "request.denied" && e.target.contains("/fn/login")),
        "a failed sign-in has its own entry"
    );
}
