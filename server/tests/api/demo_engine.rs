//! The demo runs through the engine: a fresh demo database gets real fleets (with the previous
//! release warm) and QA sign-offs, and the simulated world survives a restart.

use crate::support::app::spawn_app_with;
use crate::support::fixtures::engineer;
use crate::support::fixtures::env;
use crate::support::harness::harness;
use app::domain::rollout::Phase;
use app::domain::Role;
use greenlight::config::{demo_environments, SandboxPace};
use greenlight::db;
use greenlight::service::deployments;
use greenlight::startup;
use std::time::Duration;

#[tokio::test]
async fn a_fresh_demo_brings_every_environment_up_with_a_warm_fleet_and_sign_offs() {
    let app = spawn_app_with(|s| {
        s.demo = true;
        s.engine_workers = 2;
        s.engine_poll = "20ms".parse().expect("duration");
        s.cloud.sandbox_pace = SandboxPace::Instant;
        s.environments = demo_environments();
        for env in &mut s.environments {
            env.verify_window = "1s".parse().expect("duration");
        }
    })
    .await;
    let names = ["test", "staging", "prod"];
    let mut ready = false;
    for _ in 0..400 {
        let mut warm = 0;
        for name in names {
            warm += db::rollouts::in_phases(&app.pool, name, &[Phase::Warm])
                .await
                .unwrap()
                .len();
        }
        let signed = app.count("signoffs").await;
        if warm == 3 && signed == 2 {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "every environment warm and two sign-offs recorded");
    for name in names {
        let fleet = db::fleets::get(&app.pool, name)
            .await
            .unwrap()
            .expect("fleet");
        let current = db::deployments::current(&app.pool, name)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            current.id, fleet.deployment_id,
            "{name} runs what its fleet serves"
        );
        assert!(current.demo, "demo deployments are labelled");
    }
    // A promotion can be clicked through at once: QA signed off what TEST runs.
    let erin = app.token("erin", Role::Engineer).await;
    let response = app
        .client
        .post(app.url("/api/v1/environments/staging/promote"))
        .bearer_auth(&erin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn after_a_restart_the_sandbox_holds_the_serving_and_warm_fleets_so_rollback_is_instant() {
    let h = harness(|_| {}).await;
    h.build("1.0.0").await;
    h.build("1.1.0").await;
    for version in ["1.0.0", "1.1.0"] {
        let id = h.deploy(version).await;
        h.finish(id).await;
        let id = h.promote("staging").await;
        if version == "1.0.0" {
            assert_eq!(h.finish(id).await, Phase::Succeeded);
        } else {
            assert_eq!(h.settle(id).await, Phase::Warm);
        }
    }
    // A new process: a new simulated world, rebuilt from the database.
    let (restarted, sandbox) =
        startup::core((*h.core.settings).clone(), h.pool.clone(), h.clock.clone())
            .await
            .unwrap();
    let cloud = restarted.cloud.clone();
    let sandbox = sandbox.unwrap();
    let fleet = db::fleets::get(&h.pool, "staging").await.unwrap().unwrap();
    let group = fleet.target_group.clone().unwrap();
    use greenlight::cloud::Cloud;
    assert_eq!(
        sandbox
            .listener_target("sandbox:staging:listener")
            .await
            .unwrap(),
        Some(group.clone())
    );
    let healthy = |group: String| {
        let sandbox = sandbox.clone();
        async move {
            let mut ids: Vec<String> = sandbox
                .target_health(&group)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| t.state == greenlight::cloud::TargetState::Healthy)
                .map(|t| t.instance_id)
                .collect();
            ids.sort();
            ids
        }
    };
    let mut serving = fleet.instance_ids.clone();
    serving.sort();
    assert_eq!(healthy(group.clone()).await, serving);

    let warm = db::rollouts::in_phases(&h.pool, "staging", &[Phase::Warm])
        .await
        .unwrap()[0];
    deployments::rollback(&h.core, &engineer(), "test", &env("staging"), None)
        .await
        .unwrap();
    let engine = h.engine_on(cloud, "restarted");
    assert_eq!(
        h.run_until(&engine, warm, |p| p.is_terminal()).await,
        Phase::RolledBack
    );
    let restored = db::fleets::get(&h.pool, "staging").await.unwrap().unwrap();
    let mut old = restored.instance_ids.clone();
    old.sort();
    assert_eq!(
        healthy(restored.target_group.unwrap()).await,
        old,
        "the old fleet serves again"
    );
    assert_eq!(
        sandbox.call_counts().get("RunInstances"),
        None,
        "nothing relaunched"
    );
}
