//! Text with a NUL character, which no database stores in text: refused with the field named
//! (422), a sign-in name included — never a 500, on SQLite and PostgreSQL alike.

use crate::support::app::spawn_app;
use crate::support::fixtures::build_payload;
use app::domain::Role;
use serde_json::json;

#[tokio::test]
async fn a_nul_in_a_filter_a_note_a_change_or_a_sign_in_name_is_refused_with_its_field_not_a_500() {
    let app = spawn_app().await;
    let token = app.token("ana", Role::Admin).await;
    for (path, field) in [
        ("/api/v1/deployments?user=a%00b", "user"),
        ("/api/v1/deployments?environment=p%00", "environment"),
        ("/api/v1/deployments/export?user=%00", "user"),
    ] {
        let (status, body) = app.get_json(Some(&token), path).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert!(body["fields"][field].is_string(), "{path}: {body}");
    }
    let mut build = build_payload("1.0.0");
    build["changes"][0]["author"] = json!("a\u{0}b");
    let (status, body) = app.post_json(Some(&token), "/api/v1/builds", build).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["changes[0].author"].is_string(), "{body}");
    let (status, body) = app
        .post_json(
            Some(&token),
            "/api/v1/builds/1.0.0/signoffs",
            json!({"environment": "test", "verdict": "approved", "notes": "ok\u{0}"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["notes"].is_string(), "{body}");
    let client = app.new_client();
    let login = app.login(&client, "ana\u{0}", "whatever-whatever").await;
    assert_eq!(login.status(), 422, "not a name");
    assert_eq!(app.count("builds").await, 0, "nothing written");
    assert_eq!(app.count("login_attempts").await, 0, "nothing written");
}
