//! What a page action (a server function) answers when it is refused: the REST API's status
//! and the refusal as data — the failed gates listed, each refused field with its reason — so
//! the page can show them; a plain form post without JavaScript keeps its redirect back.

use crate::support::engine_app::{deploy_to_test, engine_app};
use app::api::deployments::{DeployBuild, Promote, Scale};
use app::domain::Role;
use app::use_cases::UseCaseError;
use leptos::server_fn::ServerFn;

#[tokio::test]
async fn a_page_action_refused_by_gates_answers_412_with_the_failed_gates_as_data() {
    let app = engine_app().await;
    let erin = app.token("erin", Role::Engineer).await;
    deploy_to_test(&app, &erin, "1.0.0").await;

    let engineer = app.new_client();
    let password = app.user("eve", Role::Engineer).await;
    app.login(&engineer, "eve", &password).await;
    let before = app.count("deployments").await;
    let refused = app
        .server_fn(
            &engineer,
            Promote::PATH,
            &[("environment", "staging")],
            None,
        )
        .await;
    assert_eq!(refused.status(), 412);
    let error: UseCaseError = refused.json().await.expect("the refusal as data");
    let gates = error.failed_gates();
    assert!(!gates.is_empty(), "{error:?}");
    assert!(
        gates.iter().all(|g| !g.passed),
        "only failed gates: {gates:?}"
    );
    assert!(
        gates
            .iter()
            .any(|g| g.gate == app::domain::gates::GateKind::Signoff),
        "the missing sign-off is named: {gates:?}"
    );
    assert_eq!(app.count("deployments").await, before, "nothing started");
}

#[tokio::test]
async fn a_viewers_page_action_answers_403_and_a_bad_field_422_with_its_reason() {
    let app = engine_app().await;
    let viewer = app.new_client();
    let password = app.user("vic", Role::Viewer).await;
    app.login(&viewer, "vic", &password).await;
    let refused = app
        .server_fn(
            &viewer,
            DeployBuild::PATH,
            &[("environment", "test"), ("version", "1.0.0")],
            None,
        )
        .await;
    assert_eq!(refused.status(), 403);
    let error: UseCaseError = refused.json().await.expect("the refusal as data");
    assert_eq!(error, UseCaseError::Forbidden);

    let engineer = app.new_client();
    let password = app.user("eve", Role::Engineer).await;
    app.login(&engineer, "eve", &password).await;
    let invalid = app
        .server_fn(
            &engineer,
            Scale::PATH,
            &[("environment", "prod"), ("desired", "2")],
            None,
        )
        .await;
    assert_eq!(invalid.status(), 422);
    let error: UseCaseError = invalid.json().await.expect("the refusal as data");
    assert_eq!(
        error.field("desired"),
        Some("must be between 1 and 1 for PROD")
    );
    let unknown = app
        .server_fn(
            &engineer,
            Promote::PATH,
            &[("environment", "nowhere")],
            None,
        )
        .await;
    assert_eq!(unknown.status(), 404);
}
