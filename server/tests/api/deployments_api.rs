//! Deploy, promote, roll back and scale through the REST API with the engine running in the
//! background on the sandbox: statuses, gates, roles, and the deployment read back.

use crate::support::engine_app::{engine_app as app, register, wait_for};
use app::domain::Role;
use serde_json::{json, Value};

#[tokio::test]
async fn a_build_goes_from_deploy_through_sign_off_gates_to_promotion_scale_and_rollback() {
    let app = app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let erin = app.token("erin", Role::Engineer).await;
    let sam = app.token("sam", Role::Engineer).await;
    register(&app, &erin, "1.0.0").await;
    register(&app, &erin, "1.1.0").await;

    // Who may.
    let deploy = "/api/v1/environments/test/deployments";
    assert_eq!(
        app.post_json(None, deploy, json!({"build": "1.0.0"}))
            .await
            .0,
        401
    );
    assert_eq!(
        app.post_json(Some(&viewer), deploy, json!({"build": "1.0.0"}))
            .await
            .0,
        403
    );
    // What is refused, naming the problem; nothing is written.
    assert_eq!(
        app.post_json(Some(&erin), deploy, json!({"bild": "1.0.0"}))
            .await
            .0,
        400
    );
    assert_eq!(
        app.post_json(Some(&erin), deploy, json!({"build": "9.9.9"}))
            .await
            .0,
        404
    );
    assert_eq!(
        app.post_json(
            Some(&erin),
            "/api/v1/environments/nowhere/deployments",
            json!({"build": "1.0.0"})
        )
        .await
        .0,
        404
    );
    let (status, body) = app
        .post_json(
            Some(&erin),
            "/api/v1/environments/staging/deployments",
            json!({"build": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 412, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("promotions only"),
        "{body}"
    );
    assert_eq!(app.count("deployments").await, 0);

    // Deploy into TEST: 202 now, the engine finishes it.
    let (status, body) = app
        .post_json(Some(&erin), deploy, json!({"build": "1.0.0"}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["outcome"], "in_progress");
    let id = body["record"]["id"].as_i64().unwrap();
    let (status, body) = app
        .post_json(Some(&erin), deploy, json!({"build": "1.0.0"}))
        .await;
    assert_eq!(
        status, 409,
        "second mutation while one is in flight: {body}"
    );
    let done = wait_for(&app, &viewer, id, &["succeeded"]).await;
    assert_eq!(done["record"]["outcome"], "succeeded");
    assert_eq!(done["new_fleet"].as_array().unwrap().len(), 1);
    assert!(done["steps"].as_array().unwrap().len() >= 7, "{done}");

    // STAGING needs QA's sign-off on TEST, by someone other than the promoter.
    let promote = "/api/v1/environments/staging/promote";
    let (status, body) = app.post_json(Some(&erin), promote, Value::Null).await;
    assert_eq!(status, 412, "{body}");
    let failed: Vec<&str> = body["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["gate"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["signoff", "four_eyes"]);
    let (status, _) = app
        .post_json(
            Some(&erin),
            "/api/v1/builds/1.0.0/signoffs",
            json!({"environment": "test", "verdict": "approved"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, preview) = app
        .get_json(Some(&viewer), "/api/v1/environments/staging/promotion")
        .await;
    assert_eq!(status, 200);
    assert_eq!(preview["version"], "1.0.0");
    assert_eq!(preview["instances"], 2);
    let (status, body) = app.post_json(Some(&erin), promote, Value::Null).await;
    assert_eq!(status, 412, "the approver may not promote: {body}");
    assert_eq!(body["gates"][0]["gate"], "four_eyes");
    let (status, body) = app.post_json(Some(&sam), promote, Value::Null).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["kind"], "promote");
    let staged = wait_for(
        &app,
        &viewer,
        body["record"]["id"].as_i64().unwrap(),
        &["succeeded"],
    )
    .await;
    assert_eq!(staged["new_fleet"].as_array().unwrap().len(), 2);

    // Scale: bad counts are refused by field, good ones run.
    let scale = "/api/v1/environments/staging/scale";
    let (status, body) = app
        .post_json(Some(&sam), scale, json!({"desired": 0}))
        .await;
    assert_eq!(status, 422);
    assert!(body["fields"]["desired"].is_string(), "{body}");
    let (status, body) = app
        .post_json(Some(&sam), scale, json!({"desired": 3}))
        .await;
    assert_eq!(status, 202, "{body}");
    wait_for(
        &app,
        &viewer,
        body["record"]["id"].as_i64().unwrap(),
        &["succeeded"],
    )
    .await;

    // TEST moves to 1.1.0 and is rolled back inside its warm window by a switch.
    let (status, body) = app
        .post_json(Some(&erin), deploy, json!({"build": "1.1.0"}))
        .await;
    assert_eq!(status, 202);
    let second = body["record"]["id"].as_i64().unwrap();
    let warm = wait_for(&app, &viewer, second, &["warm"]).await;
    assert!(warm["warm_until"].is_string(), "{warm}");
    assert_eq!(
        app.post_json(
            Some(&viewer),
            "/api/v1/environments/test/rollback",
            Value::Null
        )
        .await
        .0,
        403
    );
    let (status, body) = app
        .post_json(
            Some(&erin),
            "/api/v1/environments/test/rollback",
            Value::Null,
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["record"]["id"].as_i64(), Some(second));
    let rolled = wait_for(&app, &viewer, second, &["rolled_back"]).await;
    assert_eq!(rolled["rollback_requested_by"], "erin");
    assert_eq!(rolled["record"]["outcome"], "rolled_back");

    // STAGING has nothing earlier to go back to.
    let (status, body) = app
        .post_json(
            Some(&sam),
            "/api/v1/environments/staging/rollback",
            Value::Null,
        )
        .await;
    assert_eq!(status, 409, "{body}");

    // Every start is in the audit log.
    let actions: Vec<String> = greenlight::db::audit::recent(&app.pool, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "deployment.deploy",
        "deployment.promote",
        "deployment.scale",
        "deployment.rollback",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_deployment_api() {
    let app = app().await;
    let viewer = app.token("vic", Role::Viewer).await;
    let (status, doc) = app.get_json(Some(&viewer), "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/environments/{environment}/deployments",
        "/api/v1/environments/{environment}/promote",
        "/api/v1/environments/{environment}/rollback",
        "/api/v1/environments/{environment}/scale",
        "/api/v1/deployments/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(
        doc["paths"]["/api/v1/environments/{environment}/promote"]["post"]["responses"]["412"]
            .is_object()
    );
}

#[tokio::test]
async fn pages_show_actions_by_role_and_server_functions_refuse_viewers() {
    let app = app().await;
    let erin = app.token("erin", Role::Engineer).await;
    register(&app, &erin, "1.0.0").await;
    let (status, body) = app
        .post_json(
            Some(&erin),
            "/api/v1/environments/test/deployments",
            json!({"build": "1.0.0"}),
        )
        .await;
    assert_eq!(status, 202);
    let id = body["record"]["id"].as_i64().unwrap();
    wait_for(&app, &erin, id, &["succeeded"]).await;

    let viewer = app.new_client();
    let password = app.user("vic", Role::Viewer).await;
    assert!(app
        .login(&viewer, "vic", &password)
        .await
        .status()
        .is_success());
    let engineer = app.new_client();
    let password = app.user("eve", Role::Engineer).await;
    assert!(app
        .login(&engineer, "eve", &password)
        .await
        .status()
        .is_success());

    let page = |client: reqwest::Client, path: String| {
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let as_viewer = page(viewer.clone(), "/environments/test".into()).await;
    assert!(as_viewer.contains("data-testid=\"release\""), "{as_viewer}");
    assert!(as_viewer.contains("1.0.0"));
    for button in [
        "data-testid=\"deploy\"",
        "data-testid=\"env-rollback\"",
        "Record sign-off",
    ] {
        assert!(!as_viewer.contains(button), "viewer sees {button}");
    }
    let as_engineer = page(engineer.clone(), "/environments/test".into()).await;
    assert!(as_engineer.contains("data-testid=\"deploy\""));
    assert!(
        as_engineer.contains("Record sign-off"),
        "engineers may sign off too"
    );
    let staging = page(engineer.clone(), "/environments/staging".into()).await;
    assert!(staging.contains("data-testid=\"promote\""));
    assert!(
        staging.contains("gate-failed"),
        "sign-off missing is shown as a failed gate"
    );

    let timeline = page(viewer.clone(), format!("/deployments/{id}")).await;
    for label in ["Launching new fleet", "Cutting over", "Succeeded"] {
        assert!(
            timeline.contains(label),
            "{label} missing from the timeline"
        );
    }

    let before = app.count("deployments").await;
    let path = <app::api::deployments::Promote as leptos::server_fn::ServerFn>::PATH;
    let refused = app
        .server_fn(&viewer, path, &[("environment", "staging")], None)
        .await;
    assert!(!refused.status().is_success());
    assert!(refused.text().await.unwrap().contains("role"));
    let path = <app::api::deployments::DeployBuild as leptos::server_fn::ServerFn>::PATH;
    let refused = app
        .server_fn(
            &viewer,
            path,
            &[("environment", "test"), ("version", "1.0.0")],
            None,
        )
        .await;
    assert!(!refused.status().is_success());
    assert_eq!(app.count("deployments").await, before, "nothing started");
}
