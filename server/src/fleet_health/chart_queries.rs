//! Which CloudWatch statistics draw an environment's charts, and the charts they make: for
//! the serving target group (with its load balancer, as ALB metrics are published per pair)
//! request and 5xx counts, target response time p50 and p99, healthy and unhealthy hosts; and
//! CPU of each serving instance (the first ten). Pure: queries out, points in, charts out.

use crate::cloud::{MetricPoints, MetricQuery};
use app::domain::metric_series::{MetricChart, MetricPoint, MetricSeries, MetricUnit};
use app::domain::{Fleet, Timestamp};

/// CPU lines per chart: more would not read.
const CPU_LINES: usize = 10;

/// Where a query's points go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The chart's title.
    pub chart: &'static str,
    /// The chart's unit.
    pub unit: MetricUnit,
    /// The line's label.
    pub line: String,
}

/// `arn:…:targetgroup/app/1a2b` → `targetgroup/app/1a2b` (names that are not ARNs as they are).
pub fn target_group_dimension(arn: &str) -> &str {
    arn.find("targetgroup/").map_or(arn, |at| &arn[at..])
}

/// `arn:…:loadbalancer/app/web/9f8e` → `app/web/9f8e` (names that are not ARNs as they are).
pub fn load_balancer_dimension(arn: &str) -> &str {
    arn.find(":loadbalancer/")
        .map_or(arn, |at| &arn[at + ":loadbalancer/".len()..])
}

/// The queries for `environment`'s serving `fleet` (its target group served by
/// `load_balancer`), ids prefixed with `prefix` so that every environment's queries fit in
/// one call.
pub fn queries(
    prefix: &str,
    fleet: &Fleet,
    load_balancer: Option<&str>,
) -> Vec<(Slot, MetricQuery)> {
    let mut queries = Vec::new();
    let mut add =
        |slot: Slot, namespace: &str, metric: &str, dims: Vec<(String, String)>, stat: &str| {
            let id = format!("{prefix}_{}", queries.len());
            let query = MetricQuery {
                id,
                namespace: namespace.to_owned(),
                metric: metric.to_owned(),
                dimensions: dims,
                stat: stat.to_owned(),
            };
            queries.push((slot, query));
        };
    let slot = |chart, unit, line: &str| Slot {
        chart,
        unit,
        line: line.to_owned(),
    };
    if let (Some(group), Some(lb)) = (&fleet.target_group, load_balancer) {
        let pair = || {
            vec![
                (
                    "TargetGroup".to_owned(),
                    target_group_dimension(group).to_owned(),
                ),
                (
                    "LoadBalancer".to_owned(),
                    load_balancer_dimension(lb).to_owned(),
                ),
            ]
        };
        let elb = "AWS/ApplicationELB";
        add(
            slot("Requests", MetricUnit::Count, "requests"),
            elb,
            "RequestCount",
            pair(),
            "Sum",
        );
        add(
            slot("5xx errors", MetricUnit::Count, "5xx"),
            elb,
            "HTTPCode_Target_5XX_Count",
            pair(),
            "Sum",
        );
        for p in ["p50", "p99"] {
            add(
                slot("Target response time", MetricUnit::Seconds, p),
                elb,
                "TargetResponseTime",
                pair(),
                p,
            );
        }
        add(
            slot("Hosts", MetricUnit::Count, "healthy"),
            elb,
            "HealthyHostCount",
            pair(),
            "Average",
        );
        add(
            slot("Hosts", MetricUnit::Count, "unhealthy"),
            elb,
            "UnHealthyHostCount",
            pair(),
            "Average",
        );
    }
    for instance in fleet.instance_ids.iter().take(CPU_LINES) {
        let dims = vec![("InstanceId".to_owned(), instance.clone())];
        add(
            slot("CPU", MetricUnit::Percent, instance),
            "AWS/EC2",
            "CPUUtilization",
            dims,
            "Average",
        );
    }
    queries
}

/// The charts `slots` make of `points` (matched by query id), in the order the slots came.
pub fn charts(slots: &[(Slot, MetricQuery)], points: &[MetricPoints]) -> Vec<MetricChart> {
    let mut charts: Vec<MetricChart> = Vec::new();
    for (slot, query) in slots {
        let series = MetricSeries {
            label: slot.line.clone(),
            points: points
                .iter()
                .find(|p| p.id == query.id)
                .map(|p| {
                    p.points
                        .iter()
                        .map(|(at, value)| MetricPoint {
                            at: Timestamp::from_millis(*at),
                            value: *value,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        match charts.iter_mut().find(|c| c.title == slot.chart) {
            Some(chart) => chart.series.push(series),
            None => charts.push(MetricChart {
                title: slot.chart.to_owned(),
                unit: slot.unit,
                series: vec![series],
            }),
        }
    }
    charts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fleet(group: Option<&str>, instances: usize) -> Fleet {
        Fleet {
            deployment_id: 1,
            build_id: 1,
            image_id: "ami-1".into(),
            target_group: group.map(str::to_owned),
            instance_ids: (0..instances).map(|n| format!("i-{n}")).collect(),
        }
    }

    #[test]
    fn arns_become_the_dimensions_cloudwatch_publishes_under() {
        let group = "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/app/1a2b";
        assert_eq!(target_group_dimension(group), "targetgroup/app/1a2b");
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/9f8e";
        assert_eq!(load_balancer_dimension(lb), "app/web/9f8e");
        assert_eq!(
            target_group_dimension("sandbox:test:tg/app"),
            "sandbox:test:tg/app"
        );
    }

    #[test]
    fn a_target_group_fleet_gets_six_alb_statistics_and_cpu_for_at_most_ten_instances() {
        let slots = queries("e0", &fleet(Some("tg"), 12), Some("lb"));
        assert_eq!(slots.len(), 6 + 10);
        let ids: Vec<&str> = slots.iter().map(|(_, q)| q.id.as_str()).collect();
        assert_eq!(ids[..3], ["e0_0", "e0_1", "e0_2"]);
        let p99 = &slots[3].1;
        assert_eq!(
            (p99.metric.as_str(), p99.stat.as_str()),
            ("TargetResponseTime", "p99")
        );
        assert!(p99
            .dimensions
            .contains(&("LoadBalancer".into(), "lb".into())));
        let elastic_ip = queries("e1", &fleet(None, 1), None);
        assert_eq!(elastic_ip.len(), 1, "only CPU without a target group");
    }

    #[test]
    fn points_land_in_their_chart_and_line_in_order() {
        let slots = queries("e0", &fleet(Some("tg"), 1), Some("lb"));
        let points = vec![MetricPoints {
            id: "e0_3".into(),
            points: vec![(60_000, 0.25)],
        }];
        let charts = charts(&slots, &points);
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
        let latency = &charts[2];
        assert_eq!(latency.unit, MetricUnit::Seconds);
        assert_eq!(latency.series[1].label, "p99");
        assert_eq!(latency.series[1].points[0].value, 0.25);
        assert!(latency.series[0].points.is_empty());
    }
}
