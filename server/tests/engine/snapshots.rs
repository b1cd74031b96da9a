//! What each deployment ran is recorded when it is accepted and never changes; secrets are
//! recorded as version and keyed hash, never as values; a rotated secret voids a sign-off
//! until QA signs again, and shows in the release-vs-release diff.

use crate::support::fixtures::{engineer, env, person, signoff, version};
use crate::support::harness::{harness, Harness};
use app::domain::env_diff::{Change, ConfigEntry};
use app::domain::gates::GateKind;
use app::domain::rollout::Phase;
use app::domain::Role;
use app::use_cases::UseCaseError;
use greenlight::config::ConfigValue;
use greenlight::core::Core;
use greenlight::db;
use greenlight::service::{compare, deployments, env_side, live, signoffs};

/// The values the sandbox gives parameters (see `startup::simulate_parameters`).
const SANDBOX_VALUE: &str = "sandbox value of";

fn secret(name: &str) -> ConfigValue {
    ConfigValue::Secret {
        secret: format!("ssm:{name}"),
    }
}

/// Every environment has a log level and an API key kept in SSM; PROD needs QA's sign-off on
/// STAGING.
async fn configured() -> Harness {
    harness(|s| {
        for e in &mut s.environments {
            let name = e.name.to_string();
            e.config
                .insert("LOG_LEVEL".into(), ConfigValue::Plain("info".into()));
            e.config
                .insert("API_KEY".into(), secret(&format!("/app/{name}/api_key")));
        }
        s.environments[2].requires_signoff = true;
    })
    .await
}

#[tokio::test]
async fn every_deployment_records_a_snapshot_that_the_database_keeps_unchanged() {
    let h = configured().await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    let snapshot = db::snapshots::get(&h.pool, id)
        .await
        .expect("read")
        .expect("a snapshot is written with the deployment");
    assert_eq!(snapshot.side.code["version"], "1.0.0");
    assert_eq!(snapshot.side.infrastructure["desired_capacity"], "1");
    assert_eq!(
        snapshot.side.config["LOG_LEVEL"],
        ConfigEntry::Plain("info".into())
    );
    let ConfigEntry::Secret(api_key) = &snapshot.side.config["API_KEY"] else {
        panic!("API_KEY is recorded as a secret");
    };
    let read = api_key.read.as_ref().expect("the sandbox lets it be read");
    assert_eq!((read.version, read.keyed_hash.len()), (1, 64));
    let stored: String =
        sqlx::query_scalar("SELECT side FROM deployment_snapshots WHERE deployment_id = $1")
            .bind(id)
            .fetch_one(&h.pool)
            .await
            .expect("stored");
    assert!(!stored.contains(SANDBOX_VALUE), "no secret value is stored");

    for change in [
        "UPDATE deployment_snapshots SET hash = 'forged' WHERE deployment_id = $1",
        "DELETE FROM deployment_snapshots WHERE deployment_id = $1",
    ] {
        let refused = sqlx::query(change).bind(id).execute(&h.pool).await;
        assert!(refused.is_err(), "{change} must be refused");
    }
    let again = db::snapshots::get(&h.pool, id).await.unwrap().unwrap();
    assert_eq!(again, snapshot, "the snapshot is as it was written");
    assert_eq!(h.finish(id).await, Phase::Succeeded);
}

#[tokio::test]
async fn a_rotated_secret_voids_the_sign_off_until_qa_signs_again() {
    let h = configured().await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let qa = person("quinn", Role::Qa);
    let (build, form) = (
        version("1.0.0"),
        signoff("staging", "approved", "suite green"),
    );
    let approve = || signoffs::record(&h.core, &qa, "t", &build, &form);
    approve().await.expect("sign-off");

    assert_eq!(
        h.sandbox.put_parameter("/app/staging/api_key", "rotated"),
        2
    );
    // Pages read secrets through a minute's cache; a minute later the page shows what changed.
    h.clock.advance_to(h.clock_now() + 61_000);
    let staging = &h.core.settings.environments[1];
    let current = db::deployments::current(&h.pool, "staging").await.unwrap();
    let fleet = db::fleets::get(&h.pool, "staging").await.unwrap();
    let status = live::signoff_status(&h.core, staging, current.as_ref(), fleet.as_ref())
        .await
        .expect("status")
        .expect("a sign-off");
    assert_eq!(status.changed.len(), 1, "{:?}", status.changed);
    let (key, line) = &status.changed[0];
    assert_eq!(key, "API_KEY");
    assert!(line.ends_with("(changed: version 1 → 2)"), "{line}");
    assert!(!line.contains("rotated"), "{line}");
    let refused = deployments::promote(&h.core, &engineer(), "t", &env("prod")).await;
    match refused {
        Err(UseCaseError::GatesFailed(gates)) => {
            let gate = gates
                .iter()
                .find(|g| g.gate == GateKind::Signoff)
                .expect("sign-off gate");
            assert!(gate.reason.contains("API_KEY"), "{}", gate.reason);
            assert!(!gate.reason.contains("rotated"), "{}", gate.reason);
        }
        other => panic!("the rotated secret voids the sign-off: {other:?}"),
    }
    let renewed = approve().await.expect("sign-off").id;
    let accepted = deployments::promote(&h.core, &engineer(), "t", &env("prod"))
        .await
        .expect("a new sign-off counts");
    assert_eq!(accepted.record.signoff_id, Some(renewed));
    assert_eq!(h.finish(accepted.record.id).await, Phase::Succeeded);
}

#[tokio::test]
async fn release_vs_release_shows_the_rotated_secret_and_the_builds_between() {
    let h = configured().await;
    for build in ["1.0.0", "1.1.0", "1.2.0"] {
        h.build(build).await;
    }
    let first = h.deploy("1.0.0").await;
    assert_eq!(h.finish(first).await, Phase::Succeeded);
    h.sandbox.put_parameter("/app/test/api_key", "rotated");
    let second = h.deploy("1.2.0").await;
    assert_eq!(h.finish(second).await, Phase::Succeeded);

    let diff = compare::compare(&h.core, &first.to_string(), &second.to_string())
        .await
        .expect("compare");
    let row = |key: &str| diff.rows.iter().find(|r| r.key == key).expect(key).clone();
    assert_eq!(row("version").change, Change::Changed);
    assert_eq!(row("LOG_LEVEL").change, Change::Same);
    assert!(
        !diff.rows.iter().any(|r| r.key == "running_instances"),
        "a deployment's record has no running count to compare"
    );
    let api_key = row("API_KEY");
    assert_eq!(api_key.change, Change::Changed);
    assert_eq!(api_key.note.as_deref(), Some("changed: version 1 → 2"));
    assert_eq!(diff.code.ahead_by, 2, "1.1.0 and 1.2.0");
    assert_eq!(
        db::snapshots::release_before(&h.pool, second)
            .await
            .unwrap(),
        Some(first)
    );
    let json = serde_json::to_string(&diff).unwrap();
    assert!(!json.contains(SANDBOX_VALUE) && !json.contains("rotated"));
}

#[tokio::test]
async fn an_unreadable_secret_is_compared_by_reference_and_nothing_fails() {
    let h = configured().await;
    h.sandbox.set_parameter_readable("/app/test/api_key", false);
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let snapshot = db::snapshots::get(&h.pool, id).await.unwrap().unwrap();
    let ConfigEntry::Secret(api_key) = &snapshot.side.config["API_KEY"] else {
        panic!("API_KEY is a secret");
    };
    assert_eq!(api_key.read, None);
    let diff = compare::compare(&h.core, &id.to_string(), "test")
        .await
        .expect("compare");
    let row = diff.rows.iter().find(|r| r.key == "API_KEY").unwrap();
    assert_eq!(row.change, Change::Same);
    assert!(row
        .note
        .as_deref()
        .unwrap_or_default()
        .contains("not readable"));
}

#[tokio::test]
async fn config_changed_since_the_last_deployment_is_reported_as_drift() {
    let h = configured().await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let release = db::deployments::current(&h.pool, "test").await.unwrap();
    let test = &h.core.settings.environments[0];
    let none = env_side::config_drift(&h.core, test, release.as_ref()).await;
    assert_eq!(none.unwrap(), Vec::<String>::new());

    // A secret rotated, and a replica started with a changed config file.
    h.sandbox.put_parameter("/app/test/api_key", "rotated");
    let mut settings = (*h.core.settings).clone();
    settings.environments[0]
        .config
        .insert("LOG_LEVEL".into(), ConfigValue::Plain("debug".into()));
    let changed = Core::new(h.pool.clone(), settings, h.cloud.clone(), h.clock.clone());
    let test = &changed.settings.environments[0];
    let drift = env_side::config_drift(&changed, test, release.as_ref()).await;
    assert_eq!(drift.unwrap(), ["API_KEY", "LOG_LEVEL"]);
    let columns = live::statuses(&changed).await.expect("overview");
    assert_eq!(columns[0].config_drift, ["API_KEY", "LOG_LEVEL"]);
    assert!(columns[1].config_drift.is_empty(), "STAGING runs nothing");
}

#[tokio::test]
async fn a_baked_image_shows_where_it_was_baked_from_on_both_kinds_of_side() {
    let h = harness(|s| s.environments[2].bake_image = true).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let prod = h.promote("prod").await;
    let recorded = db::snapshots::get(&h.pool, prod).await.unwrap().unwrap();
    let pending = recorded.side.infrastructure["image_id"].clone();
    assert!(pending.starts_with("baked from i-"), "{pending}");
    assert_eq!(h.finish(prod).await, Phase::Succeeded);

    let diff = compare::compare(&h.core, &prod.to_string(), "prod")
        .await
        .expect("compare");
    let row = |key: &str| diff.rows.iter().find(|r| r.key == key).expect(key).clone();
    let image = row("image_id");
    assert_eq!(image.change, Change::Same, "{image:?}");
    assert!(
        image.left.as_deref().is_some_and(|i| i.starts_with("ami-")),
        "{image:?}"
    );
    let source = row("image_source");
    assert_eq!(source.change, Change::Same, "{source:?}");
    assert_eq!(source.left.as_deref(), Some(pending.as_str()));
}
