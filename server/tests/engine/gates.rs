//! Gates seen from the use-cases: a sign-off stops counting when the environment's config
//! changes (the page says which key), and a frozen environment refuses promotions.

use crate::support::fixtures::{engineer, person};
use crate::support::fixtures::{env, signoff, version};
use crate::support::harness::harness;
use app::domain::gates::GateKind;
use app::domain::rollout::Phase;
use app::domain::Role;
use app::use_cases::UseCaseError;
use greenlight::config::ConfigValue;
use greenlight::core::Core;
use greenlight::service::{deployments, environments, signoffs};

#[tokio::test]
async fn a_config_change_voids_the_sign_off_and_the_page_and_the_gate_say_which_key() {
    let h = harness(|s| s.environments[1].requires_signoff = true).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let qa = person("quinn", Role::Qa);
    signoffs::record(
        &h.core,
        &qa,
        "t",
        &version("1.0.0"),
        &signoff("test", "approved", "smoke ok"),
    )
    .await
    .unwrap();
    let page = environments::page(&h.core, &engineer(), &env("test"))
        .await
        .unwrap();
    assert!(page.signoff.unwrap().void_reasons.is_empty());
    let staging = environments::page(&h.core, &engineer(), &env("staging"))
        .await
        .unwrap();
    assert!(staging.promotion.unwrap().allowed());

    // The same database, restarted with TEST's config changed.
    let mut settings = (*h.core.settings).clone();
    settings.environments[0]
        .config
        .insert("FEATURE_X".into(), ConfigValue::Plain("on".into()));
    let changed = Core::new(h.pool.clone(), settings, h.cloud.clone(), h.clock.clone());
    let page = environments::page(&changed, &engineer(), &env("test"))
        .await
        .unwrap();
    let reasons = page.signoff.unwrap().void_reasons;
    assert_eq!(reasons, ["config changed since: FEATURE_X"]);
    match deployments::promote(&changed, &engineer(), "t", &env("staging")).await {
        Err(UseCaseError::GatesFailed(gates)) => {
            assert_eq!(gates[0].gate, GateKind::Signoff);
            assert!(gates[0].reason.contains("FEATURE_X"), "{gates:?}");
        }
        other => panic!("promotion should be refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_frozen_environment_refuses_promotions_with_the_reason_but_may_roll_back() {
    let h = harness(|_| {}).await;
    for version in ["1.0.0", "1.1.0", "1.2.0"] {
        h.build(version).await;
        let id = h.deploy(version).await;
        h.finish(id).await;
        if version != "1.2.0" {
            let id = h.promote("staging").await;
            h.settle(id).await;
        }
    }
    // The same database, restarted with STAGING frozen.
    let mut settings = (*h.core.settings).clone();
    settings.environments[1].frozen = Some("release freeze until Monday".into());
    let frozen = Core::new(h.pool.clone(), settings, h.cloud.clone(), h.clock.clone());
    let before = h.count_deployments("staging").await;
    match deployments::promote(&frozen, &engineer(), "t", &env("staging")).await {
        Err(UseCaseError::GatesFailed(gates)) => {
            assert_eq!(gates.len(), 1, "{gates:?}");
            assert_eq!(gates[0].gate, GateKind::NotFrozen);
            assert!(gates[0].reason.contains("release freeze until Monday"));
        }
        other => panic!("promotion should be refused: {other:?}"),
    }
    assert_eq!(
        h.count_deployments("staging").await,
        before,
        "nothing written"
    );
    let rollback = deployments::rollback(&frozen, &engineer(), "t", &env("staging"), None).await;
    assert!(rollback.is_ok(), "rolling back stays allowed: {rollback:?}");
    let id = rollback.expect("accepted").record.id;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
}
