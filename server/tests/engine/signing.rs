//! What QA signs is shown before they sign (the fingerprint a sign-off records, and what
//! promoting it would change in the next environment), and "what did this deployment
//! change?" compares it with the release it replaced.

use crate::support::fixtures::{new_build, person, signoff, version};
use crate::support::harness::{harness, Harness};
use app::domain::rollout::Phase;
use app::domain::{BuildChange, Revision, Role};
use app::use_cases::UseCaseError;
use greenlight::config::ConfigValue;
use greenlight::db;
use greenlight::service::{compare, signing, signoffs};

/// STAGING logs at `warn`, the others at `info` (a promotion keeps the target's config).
async fn configured() -> Harness {
    harness(|s| {
        for e in &mut s.environments {
            let level = if e.name.as_str() == "staging" {
                "warn"
            } else {
                "info"
            };
            e.config
                .insert("LOG_LEVEL".into(), ConfigValue::Plain(level.into()));
        }
    })
    .await
}

/// Registers `version` with one change, `summary` by ana.
async fn build_with_change(h: &Harness, version: &str, summary: &str) {
    let mut build = new_build(version);
    build.changes = vec![BuildChange {
        revision: Revision::parse("9fceb02").unwrap(),
        summary: summary.into(),
        author: "ana".into(),
    }];
    db::builds::insert(&h.pool, &build, version, "ci", h.clock_now())
        .await
        .expect("build");
}

#[tokio::test]
async fn the_sign_off_view_shows_the_fingerprint_signed_and_what_promoting_changes_next() {
    let h = configured().await;
    build_with_change(&h, "1.0.0", "First").await;
    build_with_change(&h, "1.1.0", "Fix login").await;
    for step in ["deploy 1.0.0", "promote staging", "deploy 1.1.0"] {
        let id = match step.split_once(' ') {
            Some(("deploy", v)) => h.deploy(v).await,
            Some((_, env)) => h.promote(env).await,
            None => unreachable!(),
        };
        assert_eq!(h.finish(id).await, Phase::Succeeded, "{step}");
    }
    let environments = &h.core.settings.environments;
    let current = db::deployments::current(&h.pool, "test").await.unwrap();
    let fleet = db::fleets::get(&h.pool, "test").await.unwrap();
    let view = signing::signing_view(
        &h.core,
        &environments[0],
        environments.get(1),
        current.as_ref(),
        fleet.as_ref(),
    )
    .await
    .expect("view")
    .expect("TEST runs a release");

    assert_eq!(view.next.as_deref(), Some("STAGING"));
    let line = |key: &str| {
        view.differences
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, line)| line.clone())
            .unwrap_or_else(|| panic!("{key} in {:?}", view.differences))
    };
    assert!(
        line("version").contains("1.0.0 → 1.1.0"),
        "{}",
        line("version")
    );
    assert!(
        !view.differences.iter().any(|(k, _)| k == "LOG_LEVEL"),
        "STAGING keeps its own config: {:?}",
        view.differences
    );
    assert_eq!(view.arriving_total, 1);
    assert!(
        view.arriving[0].contains("Fix login — ana · 1.1.0"),
        "{:?}",
        view.arriving
    );

    let qa = person("quinn", Role::Qa);
    let form = signoff("test", "approved", "suite green");
    let recorded = signoffs::record(&h.core, &qa, "t", &version("1.1.0"), &form)
        .await
        .expect("sign-off");
    assert_eq!(
        recorded.fingerprint, view.fingerprint,
        "the fingerprint shown is the one signed"
    );
    assert!(view.fingerprint.is_some_and(|f| f.len() == 64));

    let prod = db::deployments::current(&h.pool, "prod").await.unwrap();
    let last = signing::signing_view(&h.core, &environments[2], None, prod.as_ref(), None)
        .await
        .expect("view");
    assert_eq!(last, None, "PROD runs nothing yet: nothing to sign");
}

#[tokio::test]
async fn what_a_deployment_changed_is_compared_with_the_release_it_replaced() {
    let h = configured().await;
    build_with_change(&h, "1.0.0", "First").await;
    build_with_change(&h, "1.1.0", "Fix login").await;
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    let second = h.deploy("1.1.0").await;
    assert_eq!(h.finish(second).await, Phase::Succeeded);

    let changed = compare::compare(&h.core, "", &second.to_string())
        .await
        .expect("compare");
    assert_eq!(
        changed.left.deployment_id,
        Some(first),
        "{:?}",
        changed.left
    );
    assert_eq!(changed.right.deployment_id, Some(second));
    assert_eq!(changed.code.ahead_by, 1);

    match compare::compare(&h.core, "", &first.to_string()).await {
        Err(UseCaseError::Conflict(why)) => {
            assert!(why.contains("replaced no earlier release"), "{why}")
        }
        other => panic!("the first release replaced nothing: {other:?}"),
    }
    let offered: Vec<i64> = changed.deployments.iter().map(|d| d.id).collect();
    assert_eq!(offered, [second, first], "newest first");
    assert!(
        changed.deployments[0]
            .label
            .starts_with(&format!("#{second} · TEST · 1.1.0 · deploy")),
        "{:?}",
        changed.deployments[0]
    );
}
