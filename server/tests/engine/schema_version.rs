//! Schema awareness: going back to a build that expects a lower database schema than the one
//! running — a rollback (instant or redeployed) or a promotion — is refused with a gate naming
//! both versions until confirmed, and the confirmed change says so in its history row.

use crate::support::fixtures::{engineer, env, new_build};
use crate::support::harness::{harness, Harness};
use app::domain::gates::GateKind;
use app::domain::rollout::Phase;
use app::use_cases::UseCaseError;
use greenlight::db;
use greenlight::service::deployments::{self, promote::promote_overriding, rollback};

/// Registers `version` declaring `schema`.
async fn build(h: &Harness, version: &str, schema: u32) {
    let mut new = new_build(version);
    new.schema_version = Some(schema);
    db::builds::insert(&h.pool, &new, version, "ci", h.clock_now())
        .await
        .expect("build");
}

fn schema_refusal(result: Result<app::domain::views::DeploymentDetail, UseCaseError>) -> String {
    match result {
        Err(UseCaseError::GatesFailed(gates)) => {
            assert_eq!(gates.len(), 1, "{gates:?}");
            assert_eq!(gates[0].gate, GateKind::SchemaVersion);
            gates[0].reason.clone()
        }
        other => panic!("expected the schema gate to refuse: {other:?}"),
    }
}

/// 1.0.0 (schema 3) and then 1.0.1 (schema 4) released into TEST, each to the end.
async fn released_in_turn(h: &Harness) {
    build(h, "1.0.0", 3).await;
    build(h, "1.0.1", 4).await;
    for version in ["1.0.0", "1.0.1"] {
        let id = h.deploy(version).await;
        assert_eq!(h.finish(id).await, Phase::Succeeded);
    }
}

async fn notes(h: &Harness, id: i64) -> String {
    db::deployments::by_id(&h.pool, id)
        .await
        .expect("row")
        .expect("deployment")
        .notes
}

#[tokio::test]
async fn a_redeploying_rollback_to_a_lower_schema_needs_its_confirmation_and_history_says_so() {
    let h = harness(|e| e.environments[0].warm_retention = "0s".parse().expect("0s")).await;
    released_in_turn(&h).await;
    let before = h.count_deployments("test").await;
    let refused =
        schema_refusal(deployments::rollback(&h.core, &engineer(), "t", &env("test"), None).await);
    assert_eq!(
        refused,
        "1.0.0 expects schema 3, below the schema 4 of 1.0.1 that TEST runs: confirm the schema downgrade"
    );
    assert_eq!(
        h.count_deployments("test").await,
        before,
        "nothing accepted"
    );

    let back = rollback::rollback_confirming(&h.core, &engineer(), "t", &env("test"), None, true)
        .await
        .expect("confirmed");
    assert_eq!(
        notes(&h, back.record.id).await,
        "back to 1.0.0 from 1.0.1; schema downgrade confirmed: 1.0.1 (schema 4) → 1.0.0 (schema 3)"
    );
    assert_eq!(h.finish(back.record.id).await, Phase::Succeeded);
}

#[tokio::test]
async fn an_instant_rollback_to_a_lower_schema_needs_its_confirmation_too() {
    let h = harness(|_| {}).await;
    build(&h, "1.0.0", 3).await;
    build(&h, "1.0.1", 4).await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let second = h.deploy("1.0.1").await;
    assert_eq!(h.settle(second).await, Phase::Warm);

    schema_refusal(deployments::rollback(&h.core, &engineer(), "t", &env("test"), None).await);
    assert_eq!(h.row(second).await.rollback_requested_by, None, "not asked");
    rollback::rollback_confirming(&h.core, &engineer(), "t", &env("test"), None, true)
        .await
        .expect("confirmed");
    assert_eq!(h.finish(second).await, Phase::RolledBack);
    assert!(
        notes(&h, second)
            .await
            .contains("schema downgrade confirmed: 1.0.1 (schema 4) → 1.0.0 (schema 3)"),
        "{}",
        notes(&h, second).await
    );
}

#[tokio::test]
async fn promoting_a_build_with_a_lower_schema_shows_the_gate_and_needs_its_confirmation() {
    let h = harness(|e| e.environments[0].warm_retention = "0s".parse().expect("0s")).await;
    released_in_turn(&h).await;
    let staging = h.promote("staging").await;
    assert_eq!(h.finish(staging).await, Phase::Succeeded);
    let back = rollback::rollback_confirming(&h.core, &engineer(), "t", &env("test"), None, true)
        .await
        .expect("TEST back on 1.0.0");
    assert_eq!(h.finish(back.record.id).await, Phase::Succeeded);

    let preview = deployments::promotion_preview(&h.core, &engineer(), &env("staging"))
        .await
        .expect("preview");
    let gate = preview
        .gates
        .iter()
        .find(|g| g.gate == GateKind::SchemaVersion)
        .expect("the dialog shows the schema gate");
    assert!(!gate.passed);
    schema_refusal(deployments::promote(&h.core, &engineer(), "t", &env("staging")).await);
    let promoted = promote_overriding(&h.core, &engineer(), "t", &env("staging"), None, true)
        .await
        .expect("confirmed");
    assert_eq!(
        notes(&h, promoted.record.id).await,
        "from TEST; schema downgrade confirmed: 1.0.1 (schema 4) → 1.0.0 (schema 3)"
    );
    assert_eq!(h.finish(promoted.record.id).await, Phase::Succeeded);
}
