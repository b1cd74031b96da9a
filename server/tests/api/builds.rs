//! The CI API: registering and reading builds.

use crate::support::app::spawn_app;
use crate::support::fixtures::build_payload;
use app::domain::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn registering_a_build_returns_201_with_the_stored_build() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    let response = app
        .post(Some(&token), "/api/v1/builds", &build_payload("1.4.2"))
        .await;
    assert_eq!(response.status(), 201);
    let build: Value = response.json().await.expect("json");
    assert_eq!(build["version"], "1.4.2");
    assert_eq!(build["registered_by"], "ci");
    assert_eq!(build["artifact"]["ami_id"], "ami-0123456789abcdef0");
    assert_eq!(build["changes"][0]["summary"], "Fix login");
    assert!(build["id"].as_i64().is_some());
    assert!(build["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn an_identical_replay_returns_200_with_the_same_build() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    let first: Value = app
        .post(Some(&token), "/api/v1/builds", &build_payload("1.4.2"))
        .await
        .json()
        .await
        .expect("json");
    let replay = app
        .post(Some(&token), "/api/v1/builds", &build_payload("1.4.2"))
        .await;
    assert_eq!(replay.status(), 200);
    let second: Value = replay.json().await.expect("json");
    assert_eq!(first, second);
    assert_eq!(app.count("builds").await, 1);
}

#[tokio::test]
async fn the_same_version_with_other_content_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    app.post(Some(&token), "/api/v1/builds", &build_payload("1.4.2"))
        .await;
    let mut other = build_payload("1.4.2");
    other["revision"] = json!("abcdef1");
    let response = app.post(Some(&token), "/api/v1/builds", &other).await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.expect("json");
    assert!(body["error"].as_str().is_some_and(|e| e.contains("1.4.2")));
    let stored: Value = app
        .client
        .get(app.url("/api/v1/builds/1.4.2"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        stored["revision"],
        "9fceb02d0ae598e95dc970b74767f19372d61af8"
    );
}

#[tokio::test]
async fn invalid_registrations_name_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut bad = build_payload("1.4"); // not MAJOR.MINOR.PATCH
    cases.push((bad.clone(), "version"));
    bad = build_payload("1.4.2");
    bad["revision"] = json!("not-hex!");
    cases.push((bad.clone(), "revision"));
    bad = build_payload("1.4.2");
    bad["artifact"] = json!({"ami_id": "ami-XYZ"});
    cases.push((bad.clone(), "artifact.ami_id"));
    bad = build_payload("1.4.2");
    bad["colour"] = json!("green");
    cases.push((bad.clone(), "colour"));
    bad = build_payload("1.4.2");
    bad["artifact"] = json!({"base_ami_id": "ami-12345678", "url": "ftp://x"});
    cases.push((bad.clone(), "artifact.url"));
    for (body, field) in cases {
        let response = app.post(Some(&token), "/api/v1/builds", &body).await;
        assert_eq!(response.status(), 422, "{field}");
        let error: Value = response.json().await.expect("json");
        assert!(error["fields"][field].is_string(), "{field}: {error}");
        assert!(error["error"].is_string());
    }

    let malformed = app
        .client
        .post(app.url("/api/v1/builds"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"version\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(malformed.status(), 400);
    let error: Value = malformed.json().await.expect("json");
    assert!(error["fields"]["body"].is_string());

    let wrong_type = app
        .client
        .post(app.url("/api/v1/builds"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(build_payload("1.4.2").to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(wrong_type.status(), 415);

    let mut huge = build_payload("1.4.2");
    huge["ci_url"] = json!(format!(
        "https://ci.example.com/{}",
        "x".repeat(1024 * 1024)
    ));
    let too_large = app.post(Some(&token), "/api/v1/builds", &huge).await;
    assert_eq!(too_large.status(), 413);
    let error: Value = too_large.json().await.expect("json");
    assert!(error["error"].is_string());

    assert_eq!(app.count("builds").await, 0);
    // Only the token creation is audited; no refused registration left a trace.
    assert_eq!(app.count("audit_log").await, 2);
}

#[tokio::test]
async fn only_engineer_and_admin_tokens_may_register_builds() {
    let app = spawn_app().await;
    assert_eq!(
        app.post(None, "/api/v1/builds", &build_payload("1.0.0"))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post(
            Some("glt_not_a_real_token"),
            "/api/v1/builds",
            &build_payload("1.0.0")
        )
        .await
        .status(),
        401
    );
    let bad_scheme = app
        .client
        .post(app.url("/api/v1/builds"))
        .header("authorization", "Basic abc")
        .json(&build_payload("1.0.0"))
        .send()
        .await
        .expect("request");
    assert_eq!(bad_scheme.status(), 401);
    for (name, role, expected) in [
        ("viewer", Role::Viewer, 403),
        ("qa", Role::Qa, 403),
        ("engineer", Role::Engineer, 201),
        ("admin", Role::Admin, 201),
    ] {
        let token = app.token(name, role).await;
        let version = format!("1.0.{}", role as u8);
        assert_eq!(
            app.post(Some(&token), "/api/v1/builds", &build_payload(&version))
                .await
                .status(),
            expected,
            "{name}"
        );
    }
    assert_eq!(app.count("builds").await, 2);
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    assert_eq!(
        app.post(Some(&token), "/api/v1/builds", &build_payload("1.0.0"))
            .await
            .status(),
        201
    );
    greenlight::service::tokens::revoke(
        &app.pool,
        &greenlight::clock::SystemClock,
        crate::support::app::test_actor(),
        None,
        1,
    )
    .await
    .expect("revoke");
    assert_eq!(
        app.post(Some(&token), "/api/v1/builds", &build_payload("1.0.1"))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn builds_are_listed_newest_first_with_a_cursor_and_read_by_version() {
    let app = spawn_app().await;
    let token = app.token("ci", Role::Engineer).await;
    for patch in 0..5 {
        assert_eq!(
            app.post(
                Some(&token),
                "/api/v1/builds",
                &build_payload(&format!("2.0.{patch}"))
            )
            .await
            .status(),
            201
        );
    }
    let first: Value = app
        .client
        .get(app.url("/api/v1/builds?limit=3"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let versions: Vec<&str> = first["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|b| b["version"].as_str())
        .collect();
    assert_eq!(versions, ["2.0.4", "2.0.3", "2.0.2"]);
    let cursor = first["next_cursor"].as_i64().expect("cursor");
    let second: Value = app
        .client
        .get(app.url(&format!("/api/v1/builds?limit=3&cursor={cursor}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let versions: Vec<&str> = second["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|b| b["version"].as_str())
        .collect();
    assert_eq!(versions, ["2.0.1", "2.0.0"]);
    assert!(second["next_cursor"].is_null());

    let one = app
        .client
        .get(app.url("/api/v1/builds/2.0.3"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(one.status(), 200);
    let missing = app
        .client
        .get(app.url("/api/v1/builds/9.9.9"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), 404);
    let anonymous = app
        .client
        .get(app.url("/api/v1/builds"))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_openapi_document_describes_the_v1_api() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/builds",
        "/api/v1/builds/{version}",
        "/api/v1/builds/{version}/signoffs",
        "/api/v1/deployments",
        "/api/v1/deployments/export",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/builds"]["post"]["responses"]["409"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
