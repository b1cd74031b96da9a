//! Live fleet health figures: the time to build one environment's snapshot from a look at
//! 10,000 instances (goal ≤ 50 ms) and its size as JSON, plain and gzip-compressed (what the
//! fleet API and the shared store carry); the time to cut one page of its instance table; and
//! the AWS calls one refresh makes against the minimum ceil(N/1000) + target groups +
//! ceil(metric queries/500) per range.
//! Run: `cargo bench -p server --bench fleet` (`BENCH_INSTANCES=…` for another fleet size).

use app::domain::fleet_table::InstanceFilter;
use app::domain::Fleet;
use flate2::write::GzEncoder;
use greenlight::cloud::{
    tag, Alarm, AlarmState, Instance, InstanceState, StatusChecks, TargetHealth, TargetState,
};
use greenlight::config::{EnvironmentSettings, Strategy};
use greenlight::fleet_health::read::{CloudView, Known};
use greenlight::fleet_health::{assemble, chart_queries, digest};
use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let n: usize = std::env::var("BENCH_INSTANCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let group = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/prod/1a2b".to_owned();
    let ids: Vec<String> = (0..n).map(|i| format!("i-{i:017x}")).collect();
    let instances = ids
        .iter()
        .enumerate()
        .map(|(i, id)| Instance {
            id: id.clone(),
            image_id: "ami-0123456789abcdef0".into(),
            state: InstanceState::Running,
            tags: [
                (tag::ENVIRONMENT.to_owned(), "prod".to_owned()),
                (tag::DEPLOYMENT.to_owned(), "42".to_owned()),
                (tag::BUILD.to_owned(), "1.4.2".to_owned()),
            ]
            .into(),
            instance_type: "m6i.large".into(),
            zone: Some(["eu-west-1a", "eu-west-1b", "eu-west-1c"][i % 3].into()),
            launched_at_ms: Some(1_790_000_000_000 + i as i64),
            private_ip: Some(format!("10.{}.{}.{}", i / 65_536, i / 256 % 256, i % 256)),
        })
        .collect();
    let targets = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let sick = i % 97 == 0;
            TargetHealth {
                instance_id: id.clone(),
                state: if sick {
                    TargetState::Unhealthy
                } else {
                    TargetState::Healthy
                },
                reason: sick.then(|| "Target.Timeout".to_owned()),
                description: sick.then(|| "Request timed out".to_owned()),
            }
        })
        .collect();
    let view = CloudView {
        instances,
        checks: ids
            .iter()
            .map(|id| (id.clone(), StatusChecks::Passed))
            .collect(),
        targets: HashMap::from([(group.clone(), targets)]),
        alarms: ["prod-5xx", "prod-latency", "prod-cpu"]
            .map(|name| {
                (
                    name.to_owned(),
                    Alarm {
                        name: name.to_owned(),
                        state: AlarmState::Ok,
                        since_ms: Some(1_790_000_000_000),
                    },
                )
            })
            .into(),
    };
    let mut settings = EnvironmentSettings::named("prod", "PROD");
    settings.strategy = Some(Strategy::TargetGroup);
    settings.target_group_arns = vec![group.clone()];
    settings.alarms = vec!["prod-5xx".into(), "prod-latency".into(), "prod-cpu".into()];
    let fleet = Fleet {
        deployment_id: 42,
        build_id: 7,
        image_id: "ami-0123456789abcdef0".into(),
        target_group: Some(group),
        instance_ids: ids,
    };
    let known = Known {
        settings: &settings,
        serving: Some(fleet.clone()),
        in_flight: None,
    };

    let mut build = Vec::new();
    let mut snapshot = None;
    for _ in 0..15 {
        let started = Instant::now();
        snapshot = Some(assemble::snapshot(&view, &known, 1_790_000_000_000));
        build.push(started.elapsed().as_secs_f64() * 1_000.0);
    }
    let snapshot = snapshot.expect("built");
    let started = Instant::now();
    let json = serde_json::to_vec(&snapshot).expect("json");
    let encode_ms = started.elapsed().as_secs_f64() * 1_000.0;
    let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&json).expect("gzip");
    let gzipped = gzip.finish().expect("gzip").len();
    let started = Instant::now();
    let _ = digest(Some(&snapshot));
    let digest_ms = started.elapsed().as_secs_f64() * 1_000.0;
    let serving = snapshot.serving().expect("serving");
    let mut paging = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        let _ = serving.page(InstanceFilter::NotHealthy, 2, 50);
        paging.push(started.elapsed().as_secs_f64() * 1_000.0);
    }
    let (healthy, total) = snapshot.healthy_of_total();
    println!("fleet snapshot of {n} instances ({healthy} healthy of {total}):");
    println!(
        "  build from one look   median {:8.2} ms (min {:.2})",
        median(build.clone()),
        build.iter().copied().fold(f64::MAX, f64::min)
    );
    println!("  to JSON               {encode_ms:8.2} ms");
    println!("  digest                {digest_ms:8.2} ms");
    println!(
        "  one table page        median {:8.3} ms (not healthy, page 2 of 50 rows)",
        median(paging)
    );
    println!(
        "  size as JSON          {:8} bytes ({:.1} MiB), gzip {} bytes ({:.1} KiB)",
        json.len(),
        json.len() as f64 / 1_048_576.0,
        gzipped,
        gzipped as f64 / 1024.0
    );

    let queries = chart_queries::queries(
        "e0",
        &fleet,
        Some("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/9f8e"),
    );
    let pages = n.div_ceil(1_000);
    println!("AWS calls of one refresh for this environment (the adapter's paging is pinned by the moto tests):");
    println!("  DescribeInstances      {pages:4}  (ceil({n}/1000))");
    println!("  DescribeInstanceStatus {pages:4}  (ceil({n}/1000), every running instance of the account)");
    println!(
        "  DescribeTargetHealth   {:4}  (one per target group)",
        settings.target_group_arns.len()
    );
    println!(
        "  DescribeAlarms         {:4}  (ceil(alarms/100))",
        settings.alarms.len().div_ceil(100)
    );
    println!("  GetMetricData          {:4}  per range read ({} queries; ceil(queries/500)); 1 h each minute, 6 h each 5 min, 24 h each 15 min", queries.len().div_ceil(500), queries.len());
}
