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
