//! Live fleet health with the `aws` adapter against moto: one look shows each instance's
//! zone, type, launch time, status checks and target health with AWS's reason (a stopped
//! instance is unused, `Target.InvalidState`), and an alarm set to ALARM with since when — in
//! the snapshot, and in the fleet report and environments list read from the shared cache —
//! with one call per operation;
//! and more than a thousand instances need a second DescribeInstances page, no more.

use crate::moto::{clients, fixture, start};
use crate::support::fixtures::now;
use app::domain::fleet_health::{AlarmStatus, Ec2State, EnvironmentHealth, TargetHealthState};
use app::domain::fleet_table::InstanceFilter;
use app::domain::{EnvironmentName, Fleet};
use aws_sdk_cloudwatch::types::StateValue;
use futures::StreamExt;
use greenlight::clock::ManualClock;
use greenlight::cloud::aws::AwsClients;
use greenlight::cloud::{tag, Cloud, Tags};
use greenlight::config::{EnvironmentSettings, Settings, Strategy};
use greenlight::core::Core;
use greenlight::fleet_health::{assemble, read, Cached};
use greenlight::service::live;
use greenlight::startup;
use std::collections::BTreeMap;
use std::sync::Arc;

fn made(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(op, n)| (op.clone(), n - before.get(op).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A core on a fresh SQLite database, over `aws`, with one environment.
pub(crate) async fn core_over(aws: Arc<AwsClients>, environment: EnvironmentSettings) -> Core {
    let path = std::env::temp_dir().join(format!("gl-fleet-{}.db", rand::random::<u64>()));
    let settings = Settings {
        database_url: format!("sqlite://{}", path.display()),
        demo: false,
        engine_workers: 0,
        environments: vec![environment],
        ..Settings::default()
    };
    let pool = startup::database(&settings).await.expect("database");
    Core::new(pool, settings, aws, Arc::new(ManualClock::new(now())))
}

#[tokio::test]
async fn on_moto_one_look_shows_instance_details_a_stopped_target_s_reason_and_a_firing_alarm() {
    let moto = start().await;
    let aws = Arc::new(clients(&moto).await);
    let f = fixture(&aws).await;
    let tags = Tags::from([
        (tag::ENVIRONMENT.to_owned(), "test".to_owned()),
        (tag::DEPLOYMENT.to_owned(), "1".to_owned()),
        (tag::BUILD.to_owned(), "1.0.0".to_owned()),
    ]);
    let mut spec = crate::moto::one_instance(&f, tags, "fleet-look");
    spec.count = 2;
    let ids: Vec<String> = aws
        .launch(&spec)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    aws.register_targets(&f.blue, &ids).await.unwrap();
    aws.ec2
        .stop_instances()
        .instance_ids(&ids[1])
        .send()
        .await
        .expect("stop");
    crate::moto::put_5xx_alarm(&aws, "test-5xx").await;
    aws.cloudwatch
        .set_alarm_state()
        .alarm_name("test-5xx")
        .state_value(StateValue::Alarm)
        .state_reason("5xx above 5 per minute")
        .send()
        .await
        .expect("set alarm state");

    let mut environment = EnvironmentSettings::named("test", "TEST");
    environment.strategy = Some(Strategy::TargetGroup);
    environment.target_group_arns = vec![f.blue.clone()];
    environment.alarms = vec!["test-5xx".into()];
    let fleet = Fleet {
        deployment_id: 1,
        build_id: 1,
        image_id: f.image_id.clone(),
        target_group: Some(f.blue.clone()),
        instance_ids: ids.clone(),
    };
    let known = [read::Known {
        settings: &environment,
        serving: Some(fleet),
        in_flight: None,
    }];
    let before = aws.calls.counts();
    let view = read::look(aws.as_ref(), &known).await.unwrap();
    let calls = made(&before, &aws.calls.counts());
    let one = |op: &str| (op.to_owned(), 1);
    assert_eq!(
        calls,
        BTreeMap::from([
            one("DescribeAlarms"),
            one("DescribeInstanceStatus"),
            one("DescribeInstances"),
            one("DescribeTargetHealth")
        ]),
        "one call per operation"
    );
    let snapshot = assemble::snapshot(&view, &known[0], now());
    let serving = snapshot.serving().expect("serving fleet");
    let running = serving.instances.iter().find(|i| i.id == ids[0]).unwrap();
    assert_eq!(running.state, Ec2State::Running);
    assert_eq!(running.zone.as_deref(), Some("eu-west-1a"));
    assert_eq!(running.instance_type.as_deref(), Some("t3.small"));
    assert_eq!(running.image_id.as_deref(), Some(f.image_id.as_str()));
    assert_eq!(running.build_version.as_deref(), Some("1.0.0"));
    assert!(running.launched_at.is_some() && running.private_ip.is_some());
    assert_eq!(running.status_checks_ok, Some(true));
    assert_eq!(
        running.target.as_ref().unwrap().state,
        TargetHealthState::Healthy
    );
    let stopped = serving.instances.iter().find(|i| i.id == ids[1]).unwrap();
    assert_eq!(stopped.state, Ec2State::Stopped);
    let target = stopped.target.clone().unwrap();
    assert_eq!(target.state, TargetHealthState::Unused);
    assert_eq!(target.reason.as_deref(), Some("Target.InvalidState"));
    assert_eq!(
        target.description.as_deref(),
        Some("Target is in the stopped state")
    );
    assert_eq!(snapshot.alarms.len(), 1);
    assert_eq!(snapshot.alarms[0].state, AlarmStatus::Alarm);
    assert!(snapshot.alarms[0].since.is_some(), "since when it fires");

    // What the API and the pages read: the shared cache, as the poller fills it.
    let core = core_over(aws.clone(), environment.clone()).await;
    let cached = Cached {
        snapshot: Some(snapshot),
        last_error: None,
    };
    core.fleet.set("test", cached, 1);
    let name = EnvironmentName::parse("test").unwrap();
    let report = live::fleet_report(&core, &name, InstanceFilter::NotHealthy, 1).unwrap();
    assert_eq!(report.alarms[0].state, AlarmStatus::Alarm);
    assert_eq!(
        report.fleets[0].rows.len(),
        1,
        "only the stopped one is not healthy"
    );
    let listed = live::statuses(&core).await.unwrap();
    assert_eq!(listed[0].live.health, EnvironmentHealth::Degraded);
    assert_eq!((listed[0].live.healthy, listed[0].live.total), (1, 2));
}

#[tokio::test]
async fn on_moto_more_than_a_thousand_instances_take_a_second_describe_instances_page_and_no_more()
{
    let moto = start().await;
    let aws = Arc::new(clients(&moto).await);
    let f = fixture(&aws).await;
    // moto pages DescribeInstances by reservation, so each instance gets its own launch.
    let launches = (0..1001).map(|n| {
        let tags = Tags::from([
            (tag::ENVIRONMENT.to_owned(), "test".to_owned()),
            (tag::DEPLOYMENT.to_owned(), "7".to_owned()),
        ]);
        let mut spec = crate::moto::one_instance(&f, tags, &format!("many-{n}"));
        // The default VPC's subnets have room for them all; the fixture's /24 does not.
        spec.subnet_ids.clear();
        let aws = aws.clone();
        async move { aws.launch(&spec).await.map(|_| ()) }
    });
    let launched = futures::stream::iter(launches)
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    let failed: Vec<_> = launched
        .iter()
        .filter_map(|r| r.as_ref().err())
        .take(3)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");

    let environment = EnvironmentSettings::named("test", "TEST");
    let known = [read::Known {
        settings: &environment,
        serving: None,
        in_flight: Some(7),
    }];
    let before = aws.calls.counts();
    let view = read::look(aws.as_ref(), &known).await.unwrap();
    let calls = made(&before, &aws.calls.counts());
    // ceil(1001 / 1000) = 2 pages; no target group, no alarm configured. moto answers
    // DescribeInstanceStatus in one page whatever the count (AWS would take two).
    assert_eq!(
        calls,
        BTreeMap::from([
            ("DescribeInstanceStatus".to_owned(), 1),
            ("DescribeInstances".to_owned(), 2)
        ])
    );
    let snapshot = assemble::snapshot(&view, &known[0], now());
    assert_eq!(snapshot.fleets.len(), 1);
    assert_eq!(snapshot.fleets[0].instances.len(), 1001);
}

#[tokio::test]
async fn on_moto_metrics_put_with_put_metric_data_come_back_in_the_environment_s_charts() {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    use greenlight::fleet_health::chart_queries;
    let moto = start().await;
    let aws = Arc::new(clients(&moto).await);
    let f = fixture(&aws).await;
    let before = aws.calls.counts();
    let load_balancer = aws.load_balancer_of(&f.blue).await.unwrap();
    assert!(load_balancer
        .as_deref()
        .is_some_and(|lb| lb.contains(":loadbalancer/app/")));
    let fleet = Fleet {
        deployment_id: 1,
        build_id: 1,
        image_id: f.image_id.clone(),
        target_group: Some(f.blue.clone()),
        instance_ids: vec!["i-0a1b2c3d4e5f60718".into()],
    };
    let slots = chart_queries::queries("e0", &fleet, load_balancer.as_deref());
    let ten_minutes_ago = now() - 10 * 60_000;
    let dimension = |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
    let pair = [
        dimension(
            "TargetGroup",
            chart_queries::target_group_dimension(&f.blue),
        ),
        dimension(
            "LoadBalancer",
            chart_queries::load_balancer_dimension(load_balancer.as_deref().unwrap()),
        ),
    ];
    aws.cloudwatch
        .put_metric_data()
        .namespace("AWS/ApplicationELB")
        .metric_data(
            MetricDatum::builder()
                .metric_name("RequestCount")
                .set_dimensions(Some(pair.to_vec()))
                .timestamp(DateTime::from_millis(ten_minutes_ago))
                .value(42.0)
                .build(),
        )
        .send()
        .await
        .expect("put requests");
    aws.cloudwatch
        .put_metric_data()
        .namespace("AWS/EC2")
        .metric_data(
            MetricDatum::builder()
                .metric_name("CPUUtilization")
                .dimensions(dimension("InstanceId", "i-0a1b2c3d4e5f60718"))
                .timestamp(DateTime::from_millis(ten_minutes_ago))
                .value(37.5)
                .build(),
        )
        .send()
        .await
        .expect("put cpu");
    // moto computes Sum, Average, Minimum, Maximum and SampleCount, not percentiles: the
    // response-time lines stay empty here and are drawn from the sandbox.
    let basic: Vec<_> = slots
        .iter()
        .filter(|(_, q)| !q.stat.starts_with('p'))
        .cloned()
        .collect();
    let queries: Vec<_> = basic.iter().map(|(_, q)| q.clone()).collect();
    let points = aws
        .metric_data(&queries, now() - 3_600_000, now(), 60)
        .await
        .expect("metric data");
    let charts = chart_queries::charts(&basic, &points);
    let value = |title: &str| {
        let chart = charts.iter().find(|c| c.title == title).expect(title);
        chart.series[0].points.last().expect("a point").value
    };
    assert_eq!(value("Requests"), 42.0);
    assert_eq!(value("CPU"), 37.5);
    let calls = made(&before, &aws.calls.counts());
    assert_eq!(calls.get("GetMetricData"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("DescribeTargetGroups"), Some(&1), "{calls:?}");
}
