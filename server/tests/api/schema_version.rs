//! A build's declared `schema_version` over the API: kept at registration and shown, a bad one
//! named; a rollback to a lower one refused with the `schema_version` gate until the REST
//! body or the page's form confirms it.

use crate::support::app::TestApp;
use crate::support::engine_app::{engine_app, start_in_test, wait_for};
use crate::support::fixtures::build_payload;
use app::domain::Role;
use serde_json::{json, Value};

async fn register(app: &TestApp, token: &str, version: &str, schema: Value) -> (u16, Value) {
    let mut payload = build_payload(version);
    payload["schema_version"] = schema;
    app.post_json(Some(token), "/api/v1/builds", payload).await
}

async fn deploy(app: &TestApp, token: &str, version: &str) -> i64 {
    let id = start_in_test(app, token, version).await;
    wait_for(app, token, id, &["warm", "succeeded"]).await;
    id
}

#[tokio::test]
async fn a_rollback_to_a_lower_schema_is_refused_over_the_api_and_the_page_until_the_page_confirms_it(
) {
    let app = engine_app().await;
    let ana = app.token("ana", Role::Engineer).await;
    let (status, body) = register(&app, &ana, "1.0.0", json!(-3)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["schema_version"].is_string(), "{body}");
    assert_eq!(register(&app, &ana, "1.0.0", json!(3)).await.0, 201);
    assert_eq!(register(&app, &ana, "1.0.1", json!(4)).await.0, 201);
    let (_, shown) = app.get_json(Some(&ana), "/api/v1/builds/1.0.1").await;
    assert_eq!(shown["schema_version"], 4, "{shown}");
    deploy(&app, &ana, "1.0.0").await;
    let second = deploy(&app, &ana, "1.0.1").await;

    let rollback = "/api/v1/environments/test/rollback";
    let (status, body) = app.post_json(Some(&ana), rollback, json!({})).await;
    assert_eq!(status, 412, "{body}");
    assert_eq!(body["gates"][0]["gate"], "schema_version", "{body}");
    assert!(
        body["gates"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("1.0.0 expects schema 3, below the schema 4 of 1.0.1 that TEST runs"),
        "{body}"
    );

    // The page's form, with its checkbox ticked.
    let password = app.user("bob", Role::Engineer).await;
    let browser = app.signed_in("bob", &password).await;
    let path = <app::api::deployments::RollBack as leptos::server_fn::ServerFn>::PATH;
    let refused = app
        .server_fn(&browser, path, &[("environment", "test")], None)
        .await;
    assert_eq!(refused.status().as_u16(), 412);
    let form = [
        ("environment", "test"),
        ("confirm_schema_downgrade", "true"),
    ];
    let confirmed = app.server_fn(&browser, path, &form, None).await;
    assert_eq!(confirmed.status().as_u16(), 200);
    let done = wait_for(&app, &ana, second, &["rolled_back"]).await;
    assert!(
        done["record"]["notes"]
            .as_str()
            .unwrap_or_default()
            .contains("schema downgrade confirmed: 1.0.1 (schema 4) → 1.0.0 (schema 3)"),
        "{done}"
    );
}
