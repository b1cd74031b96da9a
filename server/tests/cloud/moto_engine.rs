//! The engine with the `aws` adapter against moto: releases go TEST → STAGING → PROD, PROD
//! launching from an image baked from STAGING, once per cutover strategy. The AWS state is
//! checked after each promotion into PROD, after an instant rollback inside the warm window,
//! and after the warm window ends. The instant rollback's wall time is printed (run with
//! `-- --nocapture` to read it).

use crate::moto::{clients, fixture, start};
use crate::support::fixtures::{env, new_build_from, now, person, signoff, version};
use app::domain::plan::DeploymentPlan;
use app::domain::rollout::Phase;
use app::domain::Role;
use greenlight::clock::ManualClock;
use greenlight::cloud::aws::AwsClients;
use greenlight::cloud::retry::{RetryPolicy, RetryingCloud};
use greenlight::cloud::{tag, Cloud, ImageState, Instance, InstanceState, Tags, TargetState};
use greenlight::config::{EnvironmentSettings, InstanceSettings, Settings, Strategy};
use greenlight::core::Core;
use greenlight::db::{self, jobs};
use greenlight::engine::{Engine, Tick};
use greenlight::service::{deployments, signoffs};
use greenlight::startup;
use std::sync::Arc;
use std::time::Instant;

const HOUR: i64 = 3_600_000;

async fn target_group(aws: &AwsClients, name: &str, subnet: &str) -> String {
    let subnets = aws
        .ec2
        .describe_subnets()
        .subnet_ids(subnet)
        .send()
        .await
        .expect("subnet");
    let vpc = subnets.subnets()[0].vpc_id().expect("vpc").to_owned();
    aws.elb
        .create_target_group()
        .name(name)
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(vpc)
        .send()
        .await
        .expect("target group")
        .target_groups()[0]
        .target_group_arn()
        .expect("arn")
        .to_owned()
}

pub struct World {
    pub state: Core,
    engine: Engine,
    clock: Arc<ManualClock>,
    pub aws: Arc<AwsClients>,
    _moto: crate::moto::Moto,
}

fn environment(name: &str, strategy: Strategy, subnet: &str) -> EnvironmentSettings {
    let mut env = EnvironmentSettings::named(name, &name.to_uppercase());
    env.strategy = Some(strategy);
    env.verify_window = "10s".parse().expect("duration");
    // Watching a warm hour is hundreds of calls to moto; the test of it opts in.
    env.watch_while_warm = false;
    env.instance = Some(InstanceSettings {
        instance_type: "t3.small".into(),
        subnet_ids: vec![subnet.to_owned()],
        security_group_ids: Vec::new(),
        key_name: None,
        instance_profile: None,
        user_data: Some("#!/bin/sh\necho {{GREENLIGHT_BUILD}} > /etc/app-version\n".into()),
    });
    env
}

async fn world(strategy: Strategy) -> World {
    world_with(strategy, |_| {}, |aws| aws).await
}

/// The world for `strategy`, its environments `configure`d further and its clients
/// `wrap`ped (a test adds an interceptor to watch the wire).
pub async fn world_with(
    strategy: Strategy,
    configure: impl FnOnce(&mut [EnvironmentSettings]),
    wrap: impl FnOnce(AwsClients) -> AwsClients,
) -> World {
    let moto = start().await;
    let aws = Arc::new(wrap(clients(&moto).await));
    let f = fixture(&aws).await;
    let mut test = environment("test", Strategy::TargetGroup, &f.subnet_id);
    test.target_group_arns = vec![target_group(&aws, "test-app", &f.subnet_id).await];
    let mut staging = environment("staging", Strategy::TargetGroup, &f.subnet_id);
    staging.target_group_arns = vec![target_group(&aws, "staging-app", &f.subnet_id).await];
    staging.requires_signoff = true;
    let mut prod = environment("prod", strategy, &f.subnet_id);
    prod.requires_signoff = true;
    prod.four_eyes = true;
    prod.bake_image = true;
    match strategy {
        Strategy::AlbListener => {
            prod.listener_arn = Some(f.listener.clone());
            prod.target_group_arns = vec![f.blue.clone(), f.green.clone()];
            prod.desired_capacity = 2;
        }
        Strategy::TargetGroup => {
            prod.target_group_arns = vec![target_group(&aws, "prod-app", &f.subnet_id).await];
            prod.desired_capacity = 2;
        }
        Strategy::ElasticIp => prod.elastic_ip_allocation_id = Some(f.allocation_id.clone()),
    }
    let mut environments = vec![test, staging, prod];
    configure(&mut environments);
    for (n, env) in environments.iter().enumerate() {
        env.validate(&format!("environments[{n}]"), true, n == 0)
            .expect("a valid aws config");
    }
    let path = std::env::temp_dir().join(format!("gl-moto-{}.db", rand::random::<u64>()));
    let settings = Settings {
        database_url: format!("sqlite://{}", path.display()),
        demo: false,
        engine_workers: 0,
        environments,
        ..Settings::default()
    };
    let pool = startup::database(&settings).await.expect("database");
    let cloud: Arc<dyn Cloud> = Arc::new(RetryingCloud::new(aws.clone(), RetryPolicy::default()));
    let clock = Arc::new(ManualClock::new(now()));
    let state = Core::new(pool.clone(), settings, cloud.clone(), clock.clone());
    let mut engine = Engine::new(pool.clone(), cloud, clock.clone(), "moto");
    engine.poll_ms = 2_000;
    for version in ["1.0.0", "1.1.0"] {
        let build = new_build_from(version, &f.image_id);
        db::builds::insert(&pool, &build, version, "ci", now())
            .await
            .unwrap();
    }
    World {
        state,
        engine,
        clock,
        aws,
        _moto: moto,
    }
}

impl World {
    pub async fn run(&self, id: i64, done: fn(Phase) -> bool) -> Phase {
        for _ in 0..3000 {
            let row = db::rollouts::load(&self.state.db, id)
                .await
                .unwrap()
                .unwrap();
            let phase = row.phase.unwrap();
            if done(phase) {
                return phase;
            }
            if self.engine.tick().await.unwrap() == Tick::Idle {
                let due = jobs::next_due(&self.state.db).await.unwrap().unwrap();
                self.clock.advance_to(due);
            }
        }
        panic!("deployment {id} did not settle");
    }

    pub async fn rest(&self, id: i64) -> Phase {
        self.run(id, |p| p.is_terminal() || p == Phase::Warm).await
    }

    async fn promote(&self, environment: &str) -> i64 {
        deployments::promote(
            &self.state,
            &person("erin", Role::Engineer),
            "t",
            &env(environment),
        )
        .await
        .unwrap_or_else(|e| panic!("promote {environment}: {e}"))
        .record
        .id
    }

    /// QA approves what `environment` runs; the next environment's gate asks for it.
    async fn sign_off(&self, environment: &str) {
        let current = db::deployments::current(&self.state.db, environment)
            .await
            .unwrap()
            .unwrap();
        let qa = person("quinn", Role::Qa);
        signoffs::record(
            &self.state,
            &qa,
            "t",
            &version(&current.build_version),
            &signoff(environment, "approved", ""),
        )
        .await
        .unwrap();
    }

    /// `version` into TEST, then promoted into STAGING and PROD; returns PROD's deployment.
    pub async fn release(&self, release: &str) -> i64 {
        let id = self.release_into_prod(release).await;
        let phase = self.rest(id).await;
        assert!(
            matches!(phase, Phase::Warm | Phase::Succeeded),
            "prod: {phase}"
        );
        id
    }

    /// `version` into TEST and STAGING (resting there), and accepted into PROD; returns
    /// PROD's deployment, not yet run.
    pub async fn release_into_prod(&self, release: &str) -> i64 {
        let erin = person("erin", Role::Engineer);
        let id = deployments::deploy(
            &self.state,
            &erin,
            "t",
            &env("test"),
            &version(release),
            None,
        )
        .await
        .unwrap()
        .record
        .id;
        assert!(matches!(
            self.rest(id).await,
            Phase::Warm | Phase::Succeeded
        ));
        self.sign_off("test").await;
        let id = self.promote("staging").await;
        assert!(matches!(
            self.rest(id).await,
            Phase::Warm | Phase::Succeeded
        ));
        self.sign_off("staging").await;
        self.promote("prod").await
    }

    pub async fn run_of(&self, id: i64) -> DeploymentPlan {
        let row = db::rollouts::load(&self.state.db, id)
            .await
            .unwrap()
            .unwrap();
        row.plan.unwrap()
    }

    async fn instances(&self, ids: &[String]) -> Vec<Instance> {
        let tags = Tags::from([(tag::ENVIRONMENT.to_owned(), "prod".to_owned())]);
        self.aws
            .find_instances(&tags)
            .await
            .unwrap()
            .into_iter()
            .filter(|i| ids.contains(&i.id))
            .collect()
    }

    pub async fn all_running(&self, ids: &[String]) -> bool {
        let found = self.instances(ids).await;
        found.len() == ids.len() && found.iter().all(|i| i.state == InstanceState::Running)
    }

    pub async fn all_gone(&self, ids: &[String]) -> bool {
        self.instances(ids).await.iter().all(|i| {
            matches!(
                i.state,
                InstanceState::ShuttingDown | InstanceState::Terminated
            )
        })
    }

    pub async fn healthy(&self, group: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .aws
            .target_health(group)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.state == TargetState::Healthy)
            .map(|t| t.instance_id)
            .collect();
        ids.sort();
        ids
    }

    /// Whether `fleet` is what PROD's traffic reaches.
    pub async fn serves(&self, run: &DeploymentPlan, fleet: &[String]) -> bool {
        let mut fleet = fleet.to_vec();
        fleet.sort();
        match run.binding.strategy {
            Strategy::AlbListener => {
                let listener = run.binding.listener.as_deref().unwrap();
                let Some(group) = self.aws.listener_target(listener).await.unwrap() else {
                    return false;
                };
                self.healthy(&group).await == fleet
            }
            Strategy::TargetGroup => self.healthy(&run.binding.target_groups[0]).await == fleet,
            Strategy::ElasticIp => {
                let allocation = run.binding.allocation_id.as_deref().unwrap();
                self.aws
                    .address_instance(allocation)
                    .await
                    .unwrap()
                    .as_ref()
                    == fleet.first()
            }
        }
    }
}

async fn promotion_rollback_and_retirement(strategy: Strategy) {
    let w = world(strategy).await;
    // First release: PROD launches from an image baked from STAGING.
    let first = w.release("1.0.0").await;
    let run = w.run_of(first).await;
    let bake = run.bake.clone().expect("prod bakes");
    let image = w
        .aws
        .find_image(&bake.image_name)
        .await
        .unwrap()
        .expect("baked image");
    assert_eq!(image.state, ImageState::Available);
    assert_eq!(run.image_id.as_deref(), Some(image.id.as_str()));
    let launched = w.instances(&run.new_instances).await;
    assert_eq!(launched.len(), run.desired as usize);
    assert!(
        launched.iter().all(|i| i.image_id == image.id),
        "launched from the baked image"
    );
    assert!(w.serves(&run, &run.new_instances).await);

    // Second release: new fleet serves, old one warm.
    let second = w.release("1.1.0").await;
    assert_eq!(w.rest(second).await, Phase::Warm);
    let run = w.run_of(second).await;
    assert!(
        w.serves(&run, &run.new_instances).await,
        "traffic on the new fleet"
    );
    assert!(w.all_running(run.old_instances()).await, "old fleet warm");

    // Instant rollback: one switch back, the new fleet terminated.
    let started = Instant::now();
    deployments::rollback(
        &w.state,
        &person("erin", Role::Engineer),
        "t",
        &env("prod"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(w.run(second, |p| p.is_terminal()).await, Phase::RolledBack);
    println!(
        "instant rollback against moto ({strategy:?}): {} ms",
        started.elapsed().as_millis()
    );
    assert!(
        w.serves(&run, run.old_instances()).await,
        "traffic back on the old fleet"
    );
    assert!(w.all_gone(&run.new_instances).await, "new fleet terminated");

    // Promoted again and kept past the warm window: the old fleet is terminated.
    let third = w.promote("prod").await;
    assert_eq!(w.rest(third).await, Phase::Warm);
    w.clock.advance(HOUR);
    assert_eq!(w.run(third, |p| p.is_terminal()).await, Phase::Succeeded);
    let run = w.run_of(third).await;
    assert!(w.serves(&run, &run.new_instances).await);
    assert!(
        w.all_gone(run.old_instances()).await,
        "old fleet terminated after retention"
    );
}

#[tokio::test]
async fn alb_listener_promotion_with_bake_rollback_and_retirement_against_moto() {
    promotion_rollback_and_retirement(Strategy::AlbListener).await;
}

#[tokio::test]
async fn target_group_promotion_with_bake_rollback_and_retirement_against_moto() {
    promotion_rollback_and_retirement(Strategy::TargetGroup).await;
}

#[tokio::test]
async fn elastic_ip_promotion_with_bake_rollback_and_retirement_against_moto() {
    promotion_rollback_and_retirement(Strategy::ElasticIp).await;
}
