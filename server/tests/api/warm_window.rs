//! Extending a release's warm window over the API: by an engineer, audited and on the
//! timeline, within the environment's limit, refused where nothing is warm and for viewers.

use crate::support::engine_app::{deploy_to_test, engine_app};
use app::domain::Role;
use serde_json::json;
use sqlx::Row;

async fn warm_until(app: &crate::support::app::TestApp, id: i64) -> i64 {
    sqlx::query("SELECT warm_until FROM deployments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("row")
        .try_get("warm_until")
        .expect("warm_until")
}

#[tokio::test]
async fn an_engineer_extends_the_warm_window_within_the_limit_and_it_is_audited_and_on_the_timeline(
) {
    let app = engine_app().await;
    let ana = app.token("ana", Role::Engineer).await;
    deploy_to_test(&app, &ana, "1.0.0").await;
    let second = deploy_to_test(&app, &ana, "1.0.1").await;
    let before = warm_until(&app, second).await;

    let (status, detail) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/warm-window",
            json!({"extend_by": "30m"}),
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["record"]["id"], second);
    assert_eq!(warm_until(&app, second).await, before + 30 * 60_000);
    assert!(
        detail
            .to_string()
            .contains("Warm window extended by 30m by ana"),
        "on the timeline: {detail}"
    );
    let entries = greenlight::db::audit::recent(&app.pool, 1)
        .await
        .expect("audit");
    assert_eq!(
        (entries[0].action.as_str(), entries[0].target.as_str()),
        ("deployment.warm_extend", second.to_string().as_str())
    );

    // The default limit is a day per release; 30 minutes are used.
    let (status, body) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/warm-window",
            json!({"extend_by": "1d"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("23h 30m left"), "{body}");
    let (status, body) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/test/warm-window",
            json!({"extend_by": "soon"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["extend_by"].is_string(), "{body}");
    assert_eq!(
        warm_until(&app, second).await,
        before + 30 * 60_000,
        "refusals change nothing"
    );
}

#[tokio::test]
async fn nothing_warm_is_a_conflict_and_viewers_may_not_extend() {
    let app = engine_app().await;
    let ana = app.token("ana", Role::Engineer).await;
    let vic = app.token("vic", Role::Viewer).await;
    let (status, body) = app
        .post_json(
            Some(&ana),
            "/api/v1/environments/staging/warm-window",
            json!({"extend_by": "30m"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("no warm window"), "{body}");
    let (status, _) = app
        .post_json(
            Some(&vic),
            "/api/v1/environments/test/warm-window",
            json!({"extend_by": "30m"}),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_environment_page_offers_extending_while_warm_says_what_scaling_does_and_its_form_extends(
) {
    let app = engine_app().await;
    let password = app.user("ana", Role::Engineer).await;
    let token = app.token("tom", Role::Engineer).await;
    deploy_to_test(&app, &token, "1.0.0").await;
    let second = deploy_to_test(&app, &token, "1.0.1").await;
    let browser = app.signed_in("ana", &password).await;
    let html = browser
        .get(app.url("/environments/test"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("data-testid=\"extend-warm\""),
        "the extend form"
    );
    assert!(
        html.contains("Scaling now ends the warm window: the old fleet (i-"),
        "the scale form says what it does to the warm fleet"
    );
    let before = warm_until(&app, second).await;
    let path = <app::api::deployments::ExtendWarm as leptos::server_fn::ServerFn>::PATH;
    let form = [("environment", "test"), ("extend_by", "soon")];
    let response = app.server_fn(&browser, path, &form, None).await;
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(body["fields"]["extend_by"].is_string(), "{body}");
    assert_eq!(warm_until(&app, second).await, before, "nothing changed");
    let form = [("environment", "test"), ("extend_by", "1h")];
    let response = app.server_fn(&browser, path, &form, None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(warm_until(&app, second).await, before + 3_600_000);
}
