//! Charts from the sandbox's CloudWatch: one GetMetricData per range for every environment at
//! once, read again only when the range can have gained a point, and an unhealthy instance
//! showing in the host count, the 5xx count and the CPU.

use crate::support::harness::{harness, Harness};
use app::domain::metric_series::{ChartRange, MetricChart};
use app::domain::rollout::Phase;
use greenlight::fleet_health::poller;

async fn staging_running() -> Harness {
    let h = harness(|s| s.fleet_refresh = "1s".parse().expect("duration")).await;
    h.build("1.0.0").await;
    let id = h.deploy("1.0.0").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    let id = h.promote("staging").await;
    assert_eq!(h.finish(id).await, Phase::Succeeded);
    h
}

fn calls(h: &Harness, op: &str) -> u64 {
    h.sandbox.call_counts().get(op).copied().unwrap_or(0)
}

fn last(chart: &MetricChart, line: &str) -> f64 {
    let series = chart.series.iter().find(|s| s.label == line).expect(line);
    series.points.last().expect("a point").value
}

fn chart<'c>(charts: &'c [MetricChart], title: &str) -> &'c MetricChart {
    charts.iter().find(|c| c.title == title).expect(title)
}

#[tokio::test]
async fn each_range_is_one_metric_call_for_every_environment_and_is_read_again_only_when_due() {
    let h = staging_running().await;
    let before = calls(&h, "GetMetricData");
    poller::refresh(&h.core).await;
    assert_eq!(calls(&h, "GetMetricData") - before, 3, "1 h, 6 h and 24 h");
    assert_eq!(
        calls(&h, "DescribeTargetGroups"),
        2,
        "TEST's and STAGING's group, once"
    );
    let (_, charts) = h
        .core
        .fleet
        .charts("staging", ChartRange::LastHour)
        .unwrap();
    let titles: Vec<&str> = charts.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Requests",
            "5xx errors",
            "Target response time",
            "Hosts",
            "CPU"
        ]
    );
    assert_eq!(last(chart(&charts, "Hosts"), "healthy"), 2.0);
    assert_eq!(
        chart(&charts, "CPU").series.len(),
        2,
        "one line per instance"
    );
    for range in ChartRange::ALL {
        assert!(h.core.fleet.charts("test", range).is_some(), "{range:?}");
    }
    poller::refresh(&h.core).await;
    assert_eq!(calls(&h, "GetMetricData") - before, 3, "nothing due yet");
    h.clock.advance(60_000);
    poller::refresh(&h.core).await;
    assert_eq!(
        calls(&h, "GetMetricData") - before,
        4,
        "only the last hour gained a point"
    );
    assert_eq!(
        calls(&h, "DescribeTargetGroups"),
        2,
        "load balancers are asked once"
    );
}

#[tokio::test]
async fn an_unhealthy_instance_shows_in_the_hosts_the_5xx_count_and_its_cpu() {
    let h = staging_running().await;
    poller::refresh(&h.core).await;
    let (_, well) = h
        .core
        .fleet
        .charts("staging", ChartRange::LastHour)
        .unwrap();
    let serving = h.serving("staging").await;
    assert!(h.sandbox.set_instance_healthy(&serving[0], false));
    h.clock.advance(60_000);
    poller::refresh(&h.core).await;
    let (_, sick) = h
        .core
        .fleet
        .charts("staging", ChartRange::LastHour)
        .unwrap();
    assert_eq!(last(chart(&sick, "Hosts"), "unhealthy"), 1.0);
    assert_eq!(last(chart(&sick, "Hosts"), "healthy"), 1.0);
    let errors = |charts: &[MetricChart]| last(chart(charts, "5xx errors"), "5xx");
    assert!(
        errors(&sick) > 10.0 * errors(&well).max(1.0),
        "{} vs {}",
        errors(&sick),
        errors(&well)
    );
    assert!(last(chart(&sick, "CPU"), &serving[0]) > 90.0);
}
